/*
 * ref_esc_cypher.c - see ref_esc_cypher.h. The code of src/write/esc_cypher.c
 * at 4a8455c, copied as it was but for the names (ref_*).
 */
#include "ref_esc_cypher.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

static bool ref_needs_escape(uint32_t cp)
{
    return cp < 0x20 || cp == '\'' || cp == '\\' || cp == 0x7F || cp == 0x85 || cp == 0x2028 ||
           cp == 0x2029;
}

/* The two-character escape for cp, or NULL when it has none. */
static const char *ref_short_escape(uint32_t cp)
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
static enum lt_rc ref_add_u16(struct buf *out, uint32_t cp)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[6] = {
        '\\',         'u', hex[(cp >> 12) & 0xF], hex[(cp >> 8) & 0xF], hex[(cp >> 4) & 0xF],
        hex[cp & 0xF]};
    return buf_add(out, e, sizeof(e));
}

static enum lt_rc ref_add_escape(struct buf *out, uint32_t cp)
{
    const char *e = ref_short_escape(cp);
    if (e) {
        return buf_add(out, e, 2);
    }
    return ref_add_u16(out, cp);
}

/* ASCII bytes that need an escape: controls, the quote, the backslash and DEL. */
static bool ref_ascii_needs_escape(unsigned char c)
{
    return c < 0x20 || c == '\'' || c == '\\' || c == 0x7F;
}

#define REF_ONES 0x0101010101010101ULL
#define REF_HIGHS 0x8080808080808080ULL

/* Word-at-a-time test (Hacker's Delight): the high bit of every zero byte of w. */
static uint64_t ref_zero_bytes(uint64_t w)
{
    return (w - REF_ONES) & ~w & REF_HIGHS;
}

/*
 * True when none of the 8 bytes at s needs a look: all ASCII (high bit
 * clear), none below 0x20, none the quote, the backslash or DEL. With the
 * high bits clear, (w - 0x20 per byte) & ~w sets a byte's high bit exactly
 * when that byte is below 0x20. Most text is such runs.
 */
static bool ref_plain8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof(w));
    if (w & REF_HIGHS) {
        return false;
    }
    uint64_t special =
        ((w - REF_ONES * 0x20) & ~w & REF_HIGHS) | ref_zero_bytes(w ^ (REF_ONES * '\'')) |
        ref_zero_bytes(w ^ (REF_ONES * '\\')) | ref_zero_bytes(w ^ (REF_ONES * 0x7F));
    return special == 0;
}

enum lt_rc ref_esc_cypher_string(struct buf *out, const char *s, size_t n)
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
        if (n - i >= 8 && ref_plain8(s + i)) {
            i += 8; /* the common case: eight bytes copied as they are */
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !ref_ascii_needs_escape(c)) {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || cp == 0) { /* not UTF-8, or a NUL: refused */
            buf_truncate(out, start);
            return LT_E_INPUT;
        }
        if (ref_needs_escape(cp)) {
            LT_TRY(buf_add(out, s + run, i - run));
            LT_TRY(ref_add_escape(out, cp));
            run = i + k;
        }
        i += k;
    }
    LT_TRY(buf_add(out, s + run, n - run));
    return buf_addc(out, '\'');
}

static bool ref_is_name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool ref_is_name_char(char c)
{
    return ref_is_name_start(c) || (c >= '0' && c <= '9');
}

/* The length of name when it is a plain name, else 0. */
static size_t ref_plain_name_len(const char *name)
{
    if (name == NULL || !ref_is_name_start(name[0])) {
        return 0;
    }
    const char *p = name + 1;
    for (; *p; p++) {
        if (!ref_is_name_char(*p)) {
            return 0;
        }
    }
    return (size_t)(p - name);
}

enum lt_rc ref_esc_cypher_map_key(struct buf *out, bool first, const char *name)
{
    size_t n = ref_plain_name_len(name);
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
