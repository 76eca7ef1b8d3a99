/*
 * esc_cypher.c - Cypher 5 literals (see esc_cypher.h for the rules).
 *
 * A string is checked as it is escaped, in one pass; a rejected value is
 * taken back out, so it leaves the output untouched. Runs of characters that
 * need no escape are found 16 bytes at a time and copied in one piece; a
 * value that is one such run (most are) is appended at once. The readers at
 * the end decode with the same tables (esc_cypher_needs_escape,
 * esc_cypher_short_escape), so writer and reader cannot drift apart.
 */
#include "write/esc_cypher.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/*
 * Bytes the scan stops at: ASCII that needs an escape (controls, the quote,
 * the backslash, DEL) and every non-ASCII byte, whose character is then
 * decoded (checked, and escaped when it is U+0085, U+2028 or U+2029).
 */
static bool esc_cypher_needs_look(unsigned char c)
{
    return c < 0x20 || c == '\'' || c == '\\' || c >= 0x7F;
}

#define ESC_CYPHER_ONES 0x0101010101010101ULL
#define ESC_CYPHER_HIGHS 0x8080808080808080ULL

/*
 * Nonzero when one of the 8 bytes in w needs a look (esc_cypher_needs_look).
 * For a byte b below 0x80 none of the sums carries into the next byte, and
 * the high bit of b + 0x60 says b >= 0x20, of b + 0x01 that b is DEL, of
 * (b ^ q) + 0x7F that b is not q. A byte of 0x80 or more is caught by w
 * itself; what the sums then do above it does not matter, only whether any
 * bit is set.
 */
static uint64_t esc_cypher_look8(uint64_t w)
{
    uint64_t keep = (w + ESC_CYPHER_ONES * 0x60) &
                    ((w ^ (ESC_CYPHER_ONES * '\'')) + ESC_CYPHER_ONES * 0x7F) &
                    ((w ^ (ESC_CYPHER_ONES * '\\')) + ESC_CYPHER_ONES * 0x7F);
    return (w | (w + ESC_CYPHER_ONES) | ~keep) & ESC_CYPHER_HIGHS;
}

#ifdef __SSE2__
/*
 * Nonzero when one of the 16 bytes at s needs a look. SSE2 compares bytes
 * as signed, so "below 0x20" also catches 0x80 and above. (SSE2 is part of
 * every x86-64; elsewhere the portable version below does the same.)
 */
static int esc_cypher_look16(const char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i look = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))),
                                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    return _mm_movemask_epi8(look);
}
#else
/* Nonzero when one of the 16 bytes at s needs a look: two words tested as one. */
static uint64_t esc_cypher_look16(const char *s)
{
    uint64_t w[2];
    memcpy(w, s, sizeof(w));
    return esc_cypher_look8(w[0]) | esc_cypher_look8(w[1]);
}
#endif

static uint64_t esc_cypher_word(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof(w));
    return w;
}

/*
 * The length of the run at the start of s that needs no look: 32 bytes at a
 * time, then 16, then 8, then the last word, then byte by byte up to the
 * byte that stopped it. Most values are such a run from end to end.
 */
static size_t esc_cypher_plain_span(const char *s, size_t n)
{
    size_t i = 0;
    while (n - i >= 32 && !(esc_cypher_look16(s + i) | esc_cypher_look16(s + i + 16))) {
        i += 32;
    }
    while (n - i >= 16 && !esc_cypher_look16(s + i)) {
        i += 16;
    }
    while (n - i >= 8 && !esc_cypher_look8(esc_cypher_word(s + i))) {
        i += 8;
    }
    /* Fewer than 8 bytes left: the value's last word, read again over bytes already seen. */
    if (n - i < 8 && n >= 8 && !esc_cypher_look8(esc_cypher_word(s + n - 8))) {
        return n;
    }
    while (i < n && !esc_cypher_needs_look((unsigned char)s[i])) {
        i++;
    }
    return i;
}

/* 'value' for a value that needs nothing: one append. */
static enum lt_rc esc_cypher_add_quoted(struct buf *out, const char *s, size_t n)
{
    char *at;
    LT_TRY(buf_extend(out, n + 2, &at));
    at[0] = '\'';
    memcpy(at + 1, s, n);
    at[n + 1] = '\'';
    return LT_OK;
}

/*
 * The literal of a value whose first byte needing a look is s[i]. Appends
 * happen where they always did (the opening quote, then each run with the
 * escape after it, then the last run and the closing quote), so a value
 * refused late or one that reaches buf's limit ends exactly as before.
 */
static enum lt_rc esc_cypher_add_escaped(struct buf *out, const char *s, size_t n, size_t i)
{
    size_t start = out->len;
    LT_TRY(buf_addc(out, '\''));
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    while (i < n) {
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
        i += esc_cypher_plain_span(s + i, n - i);
    }
    LT_TRY(buf_add(out, s + run, n - run));
    return buf_addc(out, '\'');
}

enum lt_rc esc_cypher_string(struct buf *out, const char *s, size_t n)
{
    if (n == 0) {
        return buf_add(out, "''", 2);
    }
    if (s == NULL) {
        return LT_E_INPUT;
    }
    size_t plain = esc_cypher_plain_span(s, n);
    return plain == n ? esc_cypher_add_quoted(out, s, n) : esc_cypher_add_escaped(out, s, n, plain);
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
    return v ? buf_add(out, "true", 4) : buf_add(out, "false", 5);
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

void esc_cypher_key_init(struct esc_cypher_key *k, const char *name)
{
    *k = (struct esc_cypher_key){name, esc_cypher_plain_name_len(name)};
}

/* The length of "{name: " or ", name: ". */
static size_t esc_cypher_key_size(bool first, const struct esc_cypher_key *k)
{
    return (first ? 1 : 2) + k->len + 2;
}

/* Writes "{name: " or ", name: " at at (esc_cypher_key_size bytes). */
static void esc_cypher_put_key(char *at, bool first, const struct esc_cypher_key *k)
{
    size_t open = first ? 1 : 2;
    memcpy(at, first ? "{" : ", ", open);
    memcpy(at + open, k->name, k->len);
    memcpy(at + open + k->len, ": ", 2);
}

enum lt_rc esc_cypher_map_prepared_key(struct buf *out, bool first, const struct esc_cypher_key *k)
{
    if (k->len == 0) {
        return LT_E_INTERNAL; /* not a plain name */
    }
    char *at;
    LT_TRY(buf_extend(out, esc_cypher_key_size(first, k), &at));
    esc_cypher_put_key(at, first, k);
    return LT_OK;
}

enum lt_rc esc_cypher_map_string(struct buf *out, bool first, const struct esc_cypher_key *k,
                                 const char *s, size_t n)
{
    size_t plain = s ? esc_cypher_plain_span(s, n) : 0;
    if (k->len == 0 || plain < n) {
        LT_TRY(esc_cypher_map_prepared_key(out, first, k));
        return s ? esc_cypher_add_escaped(out, s, n, plain) : LT_E_INPUT;
    }
    /* The common case: key and value need nothing, so both go in one append. */
    size_t key = esc_cypher_key_size(first, k);
    char *at;
    LT_TRY(buf_extend(out, key + n + 2, &at));
    esc_cypher_put_key(at, first, k);
    at[key] = '\'';
    if (n) {
        memcpy(at + key + 1, s, n);
    }
    at[key + n + 1] = '\'';
    return LT_OK;
}

enum lt_rc esc_cypher_map_key(struct buf *out, bool first, const char *name)
{
    struct esc_cypher_key k;
    esc_cypher_key_init(&k, name);
    return esc_cypher_map_prepared_key(out, first, &k);
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
