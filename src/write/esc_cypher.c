/*
 * esc_cypher.c - Cypher 5 literals (see esc_cypher.h for the rules).
 *
 * A string is checked as it is escaped, in one pass; a rejected value is
 * taken back out, so it leaves the output untouched. Runs of characters that
 * need no escape are copied in one piece. The readers at the end decode with the same tables
 * (esc_cypher_needs_escape, esc_cypher_short_escape), so writer and reader
 * cannot drift apart.
 */
#include "write/esc_cypher.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Written instead of INT64_MIN: an expression with no overflow anywhere (see esc_cypher.h). */
#define ESC_CYPHER_INT64_MIN_TEXT "(-9223372036854775807 - 1)"

static bool esc_cypher_needs_escape(uint32_t cp)
{
    return cp < 0x20 || cp == '\'' || cp == '\\' || cp == 0x7F || cp == 0x85 || cp == 0x2028 ||
           cp == 0x2029;
}

/* The two-character escape for cp, or NULL when it has none. */
static const char *esc_cypher_short_escape(uint32_t cp)
{
    switch (cp) {
    case '\t':
        return "\\t";
    case '\b':
        return "\\b";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\f':
        return "\\f";
    case '\'':
        return "\\'";
    case '\\':
        return "\\\\";
    default:
        return NULL;
    }
}

/* Appends \uXXXX (upper-case hex) for a code point below U+10000. */
static enum lt_rc esc_cypher_add_u16(struct buf *out, uint32_t cp)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[6] = {
        '\\',         'u', hex[(cp >> 12) & 0xF], hex[(cp >> 8) & 0xF], hex[(cp >> 4) & 0xF],
        hex[cp & 0xF]};
    return buf_add(out, e, sizeof(e));
}

static enum lt_rc esc_cypher_add_escape(struct buf *out, uint32_t cp)
{
    const char *e = esc_cypher_short_escape(cp);
    if (e) {
        return buf_add(out, e, 2);
    }
    return esc_cypher_add_u16(out, cp);
}

/* ASCII bytes that need an escape: controls, the quote, the backslash and DEL. */
static bool esc_cypher_ascii_needs_escape(unsigned char c)
{
    return c < 0x20 || c == '\'' || c == '\\' || c == 0x7F;
}

#define ESC_CYPHER_ONES 0x0101010101010101ULL
#define ESC_CYPHER_HIGHS 0x8080808080808080ULL

/* Word-at-a-time test (Hacker's Delight): the high bit of every zero byte of w. */
static uint64_t esc_cypher_zero_bytes(uint64_t w)
{
    return (w - ESC_CYPHER_ONES) & ~w & ESC_CYPHER_HIGHS;
}

/*
 * True when none of the 8 bytes at s needs a look: all ASCII (high bit
 * clear), none below 0x20, none the quote, the backslash or DEL. With the
 * high bits clear, (w - 0x20 per byte) & ~w sets a byte's high bit exactly
 * when that byte is below 0x20. Most text is such runs.
 */
static bool esc_cypher_plain8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof(w));
    if (w & ESC_CYPHER_HIGHS) {
        return false;
    }
    uint64_t special = ((w - ESC_CYPHER_ONES * 0x20) & ~w & ESC_CYPHER_HIGHS) |
                       esc_cypher_zero_bytes(w ^ (ESC_CYPHER_ONES * '\'')) |
                       esc_cypher_zero_bytes(w ^ (ESC_CYPHER_ONES * '\\')) |
                       esc_cypher_zero_bytes(w ^ (ESC_CYPHER_ONES * 0x7F));
    return special == 0;
}

enum lt_rc esc_cypher_string(struct buf *out, const char *s, size_t n)
{
    if (n == 0) {
        return buf_adds(out, "''");
    }
    if (s == NULL) {
        return LT_E_INPUT;
    }
    size_t start = out->len;
    LT_TRY(buf_addc(out, '\''));
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t i = 0;
    while (i < n) {
        if (n - i >= 8 && esc_cypher_plain8(s + i)) {
            i += 8; /* the common case: eight bytes copied as they are */
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !esc_cypher_ascii_needs_escape(c)) {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || cp == 0) { /* not UTF-8, or a NUL: refused */
            buf_truncate(out, start);
            return LT_E_INPUT;
        }
        if (esc_cypher_needs_escape(cp)) {
            LT_TRY(buf_add(out, s + run, i - run));
            LT_TRY(esc_cypher_add_escape(out, cp));
            run = i + k;
        }
        i += k;
    }
    LT_TRY(buf_add(out, s + run, n - run));
    return buf_addc(out, '\'');
}

enum lt_rc esc_cypher_int(struct buf *out, int64_t v)
{
    if (v == INT64_MIN) {
        return buf_adds(out, ESC_CYPHER_INT64_MIN_TEXT);
    }
    return buf_add_int(out, v);
}

enum lt_rc esc_cypher_bool(struct buf *out, bool v)
{
    return buf_adds(out, v ? "true" : "false");
}

static bool esc_cypher_is_name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool esc_cypher_is_name_char(char c)
{
    return esc_cypher_is_name_start(c) || (c >= '0' && c <= '9');
}

/* The length of name when it is a plain name, else 0. */
static size_t esc_cypher_plain_name_len(const char *name)
{
    if (name == NULL || !esc_cypher_is_name_start(name[0])) {
        return 0;
    }
    const char *p = name + 1;
    for (; *p; p++) {
        if (!esc_cypher_is_name_char(*p)) {
            return 0;
        }
    }
    return (size_t)(p - name);
}

bool esc_cypher_is_plain_name(const char *name)
{
    return esc_cypher_plain_name_len(name) > 0;
}

enum lt_rc esc_cypher_string_list(struct buf *out, const char *const *items, size_t n)
{
    size_t start = out->len;
    enum lt_rc rc = buf_addc(out, '[');
    for (size_t i = 0; rc == LT_OK && i < n; i++) {
        rc = buf_adds(out, i ? ", " : "");
        rc = rc == LT_OK ? esc_cypher_string(out, items[i], strlen(items[i])) : rc;
    }
    if (rc == LT_E_INPUT) {
        buf_truncate(out, start); /* a refused element: nothing appended, as for a string */
    }
    return rc == LT_OK ? buf_addc(out, ']') : rc;
}

enum lt_rc esc_cypher_map_key(struct buf *out, bool first, const char *name)
{
    size_t n = esc_cypher_plain_name_len(name);
    if (n == 0) {
        return LT_E_INTERNAL;
    }
    /* "{name: " or ", name: ", in one piece: written for every property of every row. */
    size_t open = first ? 1 : 2;
    char *at;
    LT_TRY(buf_extend(out, open + n + 2, &at));
    memcpy(at, first ? "{" : ", ", open);
    memcpy(at + open, name, n);
    memcpy(at + open + n, ": ", 2);
    return LT_OK;
}

enum lt_rc esc_cypher_map_end(struct buf *out)
{
    return buf_addc(out, '}');
}

/* ---- reading back ---- */

void esc_cypher_reader_init(struct esc_cypher_reader *r, const char *text, size_t len)
{
    *r = (struct esc_cypher_reader){.text = text, .len = len, .why = ""};
}

/* Records why the literal at r->pos is refused; the offending byte is at bad. */
static enum lt_rc esc_cypher_refuse(struct esc_cypher_reader *r, size_t bad, const char *why)
{
    r->bad = bad;
    r->why = why;
    return LT_E_INPUT;
}

bool esc_cypher_read_token(struct esc_cypher_reader *r, const char *token)
{
    size_t n = strlen(token);
    if (r->len - r->pos < n || memcmp(r->text + r->pos, token, n) != 0) {
        return false;
    }
    r->pos += n;
    return true;
}

static int esc_cypher_upper_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Appends code point cp (below U+10000 here: \uXXXX escapes only) as UTF-8. */
static enum lt_rc esc_cypher_add_utf8(struct buf *out, uint32_t cp)
{
    char u[3];
    if (cp < 0x80) {
        return buf_addc(out, (char)cp);
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        return buf_add(out, u, 2);
    }
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    return buf_add(out, u, 3);
}

/*
 * The escape at text[i] (a backslash). On success *cp is the character and
 * *k the escape's length. Only the escapes esc_cypher_add_escape writes.
 */
static const char *esc_cypher_decode_escape(const char *s, size_t avail, uint32_t *cp, size_t *k)
{
    static const char from[] = "tbnrf'\\";
    static const char to[] = "\t\b\n\r\f'\\";
    if (avail < 2) {
        return "unterminated string literal";
    }
    const char *short_form = s[1] ? strchr(from, s[1]) : NULL;
    if (short_form) {
        *cp = (unsigned char)to[short_form - from];
        *k = 2;
        return NULL;
    }
    if (s[1] != 'u') {
        return "an escape ltsnap does not write";
    }
    uint32_t v = 0;
    for (size_t j = 2; j < 6; j++) {
        int h = j < avail ? esc_cypher_upper_hex(s[j]) : -1;
        if (h < 0) {
            return "\\u not followed by four upper-case hex digits";
        }
        v = v << 4 | (uint32_t)h;
    }
    if (v == 0 || !esc_cypher_needs_escape(v) || esc_cypher_short_escape(v) != NULL) {
        return "a \\u escape where ltsnap writes the character or a short escape";
    }
    *cp = v;
    *k = 6;
    return NULL;
}

enum lt_rc esc_cypher_read_string(struct esc_cypher_reader *r, struct buf *out)
{
    const char *s = r->text;
    size_t i = r->pos;
    if (i >= r->len || s[i] != '\'') {
        return esc_cypher_refuse(r, i, "not a string literal");
    }
    size_t start = out->len;
    for (i++; i < r->len && s[i] != '\'';) {
        uint32_t cp = 0;
        size_t k = 0;
        const char *why = NULL;
        if (s[i] == '\\') {
            why = esc_cypher_decode_escape(s + i, r->len - i, &cp, &k);
        } else if ((k = utf8_decode(s + i, r->len - i, &cp)) == 0) {
            why = "invalid UTF-8 in a string literal";
        } else if (esc_cypher_needs_escape(cp) || cp == 0) {
            why = "a character ltsnap escapes written as it is";
        }
        enum lt_rc rc =
            why ? LT_E_INPUT
                : (s[i] == '\\' ? esc_cypher_add_utf8(out, cp) : buf_add(out, s + i, k));
        if (rc != LT_OK) {
            buf_truncate(out, start);
            return why ? esc_cypher_refuse(r, i, why) : rc;
        }
        i += k;
    }
    if (i >= r->len) {
        buf_truncate(out, start);
        return esc_cypher_refuse(r, i, "unterminated string literal");
    }
    r->pos = i + 1;
    return LT_OK;
}

enum lt_rc esc_cypher_read_int(struct esc_cypher_reader *r, int64_t *out)
{
    if (esc_cypher_read_token(r, ESC_CYPHER_INT64_MIN_TEXT)) {
        *out = INT64_MIN;
        return LT_OK;
    }
    const char *s = r->text + r->pos;
    size_t avail = r->len - r->pos;
    size_t sign = avail > 0 && s[0] == '-' ? 1 : 0;
    size_t n = sign;
    while (n < avail && n < sign + 20 && s[n] >= '0' && s[n] <= '9') {
        n++;
    }
    if (n == sign || (s[sign] == '0' && (n > sign + 1 || sign))) {
        return esc_cypher_refuse(r, r->pos, "not an integer literal as ltsnap writes it");
    }
    char digits[24];
    memcpy(digits, s, n);
    digits[n] = '\0';
    errno = 0;
    char *end = NULL;
    long long v = strtoll(digits, &end, 10);
    if (errno != 0 || *end != '\0' || v == INT64_MIN) {
        return esc_cypher_refuse(r, r->pos, "integer literal out of range");
    }
    *out = (int64_t)v;
    r->pos += n;
    return LT_OK;
}

enum lt_rc esc_cypher_read_bool(struct esc_cypher_reader *r, bool *out)
{
    if (esc_cypher_read_token(r, "true")) {
        *out = true;
        return LT_OK;
    }
    if (esc_cypher_read_token(r, "false")) {
        *out = false;
        return LT_OK;
    }
    return esc_cypher_refuse(r, r->pos, "not a boolean literal");
}

enum lt_rc esc_cypher_read_string_list(struct esc_cypher_reader *r, struct buf *out, size_t *n)
{
    size_t start = r->pos;
    size_t out_start = out->len;
    *n = 0;
    if (!esc_cypher_read_token(r, "[")) {
        return esc_cypher_refuse(r, start, "not a list literal");
    }
    enum lt_rc rc = LT_OK;
    for (bool first = true; rc == LT_OK && !esc_cypher_read_token(r, "]"); first = false) {
        if (!first && !esc_cypher_read_token(r, ", ")) {
            rc = esc_cypher_refuse(r, r->pos, "list elements not separated by \", \"");
        } else {
            rc = esc_cypher_read_string(r, out);
        }
        if (rc == LT_OK) {
            rc = buf_addc(out, '\0');
            (*n)++;
        }
    }
    if (rc != LT_OK) {
        buf_truncate(out, out_start);
        r->pos = start;
        *n = 0;
    }
    return rc;
}

enum lt_rc esc_cypher_read_map_key(struct esc_cypher_reader *r, bool first, const char **name,
                                   size_t *len)
{
    size_t start = r->pos;
    if (!esc_cypher_read_token(r, first ? "{" : ", ")) {
        return esc_cypher_refuse(r, start,
                                 first ? "not a map literal" : "expected \", \" or \"}\"");
    }
    const char *s = r->text + r->pos;
    size_t n = 0;
    while (r->pos + n < r->len &&
           (n ? esc_cypher_is_name_char(s[n]) : esc_cypher_is_name_start(s[n]))) {
        n++;
    }
    size_t after = r->pos + n;
    if (n == 0 || r->len - after < 2 || memcmp(r->text + after, ": ", 2) != 0) {
        size_t bad = r->pos + n;
        r->pos = start;
        return esc_cypher_refuse(r, bad, "a map key that is not a plain name followed by \": \"");
    }
    *name = s;
    *len = n;
    r->pos = after + 2;
    return LT_OK;
}

enum lt_rc esc_cypher_skip_value(struct esc_cypher_reader *r, enum esc_cypher_kind *kind)
{
    char c = r->pos < r->len ? r->text[r->pos] : '\0';
    struct buf scratch = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = LT_OK;
    if (c == '\'') {
        *kind = ESC_CYPHER_STRING;
        rc = esc_cypher_read_string(r, &scratch);
    } else if (c == '[') {
        size_t n = 0;
        *kind = ESC_CYPHER_STRING_LIST;
        rc = esc_cypher_read_string_list(r, &scratch, &n);
    } else if (c == 't' || c == 'f') {
        bool b = false;
        *kind = ESC_CYPHER_BOOL;
        rc = esc_cypher_read_bool(r, &b);
    } else {
        int64_t v = 0;
        *kind = ESC_CYPHER_INT;
        rc = esc_cypher_read_int(r, &v);
    }
    buf_release(&scratch);
    return rc;
}
