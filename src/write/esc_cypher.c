/*
 * esc_cypher.c - Cypher 5 literals (see esc_cypher.h for the rules).
 *
 * Input is checked whole before anything is appended, so a rejected value
 * leaves the output untouched. Runs of characters that need no escape are
 * copied in one piece.
 */
#include "write/esc_cypher.h"

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

/* True when s is valid UTF-8 (no overlong forms, no surrogates) and holds no NUL. */
static bool esc_cypher_acceptable(const char *s, size_t n)
{
    if (n == 0) {
        return true;
    }
    return utf8_valid(s, n, NULL) && memchr(s, '\0', n) == NULL;
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
    if (!esc_cypher_acceptable(s, n)) {
        return LT_E_INPUT;
    }
    if (n == 0) {
        return buf_adds(out, "''");
    }
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
        if (k == 0) {
            return LT_E_INTERNAL; /* checked above; cannot happen */
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

bool esc_cypher_is_plain_name(const char *name)
{
    if (name == NULL || !esc_cypher_is_name_start(name[0])) {
        return false;
    }
    for (const char *p = name + 1; *p; p++) {
        if (!esc_cypher_is_name_char(*p)) {
            return false;
        }
    }
    return true;
}
