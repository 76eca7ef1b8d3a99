/*
 * esc_csv.c - neo4j-admin CSV fields, byte for byte as libcsv's csv_write
 * writes them (see esc_csv.h).
 *
 * Every value is checked before anything is appended, so a rejected value
 * leaves the output untouched. One scan, 16 bytes at a time (8 without
 * SSE2), finds what the check and the writing need: a NUL (refused), CR or
 * LF (the file then needs --multiline-fields=true), a double quote, and
 * where the ASCII ends; only a value with a non-ASCII byte is then checked
 * as UTF-8, from that byte on. (With SSE2 the scan first skims for '"' and
 * the bytes most values lack, and looks again only at a value holding one.)
 *
 * A value without a double quote is written between quotes in one piece.
 * A value with one (in practice the LaunchTemplateData JSON, one per version)
 * has each '"' doubled, 16 bytes at a time: csv_write's byte loop over it
 * was the largest single piece of convert's own work. The tests keep the
 * escaper that called csv_write (tests/lib/ref_esc_csv.c) as the oracle and
 * compare the two on every byte at every offset and on random values.
 */
#include "write/esc_csv.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/utf8.h"

/* What a value holds, as far as writing it goes: bits of esc_csv_scan's holds. */
enum esc_csv_holds {
    ESC_CSV_HOLDS_NUL = 1u,        /* refused */
    ESC_CSV_HOLDS_LINE_BREAK = 2u, /* CR or LF */
    ESC_CSV_HOLDS_QUOTE = 4u,      /* '"', which must be doubled */
};

/* What one scan of a value found. */
struct esc_csv_scan {
    unsigned holds; /* esc_csv_holds */
    size_t ascii;   /* the bytes before this offset are ASCII; the value's length when all are */
};

/* The classes of one byte: the definition that the word and block versions follow. */
static unsigned esc_csv_byte_holds(unsigned char c)
{
    switch (c) {
    case '\0':
        return ESC_CSV_HOLDS_NUL;
    case '\n':
    case '\r':
        return ESC_CSV_HOLDS_LINE_BREAK;
    case '"':
        return ESC_CSV_HOLDS_QUOTE;
    default:
        return 0;
    }
}

/* Byte by byte: for values shorter than a word. */
static struct esc_csv_scan esc_csv_scan_bytes(const char *s, size_t n)
{
    struct esc_csv_scan scan = {0, n};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        scan.holds |= esc_csv_byte_holds(c);
        if (c >= 0x80 && scan.ascii == n) {
            scan.ascii = i;
        }
    }
    return scan;
}

#define ESC_CSV_ONES 0x0101010101010101ULL
#define ESC_CSV_HIGHS 0x8080808080808080ULL

/*
 * Nonzero when one of the 8 bytes of w is zero (Hacker's Delight). A borrow
 * may set bits above a zero byte, never without one, so whether any bit is
 * set is exact.
 */
static uint64_t esc_csv_zero8(uint64_t w)
{
    return (w - ESC_CSV_ONES) & ~w & ESC_CSV_HIGHS;
}

/* Nonzero when one of the 8 bytes of w is c. */
static uint64_t esc_csv_has8(uint64_t w, unsigned char c)
{
    return esc_csv_zero8(w ^ (ESC_CSV_ONES * c));
}

/* The classes of the 8 bytes of w, as esc_csv_byte_holds. */
static unsigned esc_csv_word_holds(uint64_t w)
{
    unsigned holds = esc_csv_zero8(w) ? ESC_CSV_HOLDS_NUL : 0u;
    if (esc_csv_has8(w, '\n') | esc_csv_has8(w, '\r')) {
        holds |= ESC_CSV_HOLDS_LINE_BREAK;
    }
    if (esc_csv_has8(w, '"')) {
        holds |= ESC_CSV_HOLDS_QUOTE;
    }
    return holds;
}

/* Adds the 8 bytes at s + i to scan (of a value of n bytes). */
static void esc_csv_see8(struct esc_csv_scan *scan, const char *s, size_t i, size_t n)
{
    uint64_t w;
    memcpy(&w, s + i, sizeof(w));
    scan->holds |= esc_csv_word_holds(w);
    if ((w & ESC_CSV_HIGHS) && scan->ascii == n) {
        scan->ascii = i;
    }
}

/*
 * 8 bytes at a time, then the value's last 8, read again over bytes already
 * seen: a class found twice is found once, and while no non-ASCII byte has
 * turned up the bytes before the last word are ASCII, so it may mark where
 * the ASCII ends. Byte by byte below 8 bytes.
 */
static struct esc_csv_scan esc_csv_scan_words(const char *s, size_t n)
{
    if (n < 8) {
        return esc_csv_scan_bytes(s, n);
    }
    struct esc_csv_scan scan = {0, n};
    for (size_t i = 0; i + 8 < n; i += 8) {
        esc_csv_see8(&scan, s, i, n);
    }
    esc_csv_see8(&scan, s, n - 8, n);
    return scan;
}

#ifdef __SSE2__
/* The lanes of each class seen so far by esc_csv_scan16_all (the OR of the blocks). */
struct esc_csv_lanes {
    __m128i nul;
    __m128i line_break;
    __m128i quote;
};

/* Adds the 16 bytes at s + i to lanes, and to scan where the ASCII ends. */
static void esc_csv_see16(struct esc_csv_lanes *lanes, struct esc_csv_scan *scan, const char *s,
                          size_t i, size_t n)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    lanes->nul = _mm_or_si128(lanes->nul, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    lanes->line_break =
        _mm_or_si128(lanes->line_break, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    lanes->quote = _mm_or_si128(lanes->quote, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    if (_mm_movemask_epi8(v) && scan->ascii == n) { /* a byte's high bit: not ASCII */
        scan->ascii = i;
    }
}

/*
 * 16 bytes at a time, then the last 16 read again over bytes already seen
 * (as esc_csv_scan_words does with words). The classes are gathered in
 * vectors and told apart once at the end.
 */
static struct esc_csv_scan esc_csv_scan16_all(const char *s, size_t n)
{
    struct esc_csv_scan scan = {0, n};
    struct esc_csv_lanes lanes = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};
    for (size_t i = 0; i + 16 < n; i += 16) {
        esc_csv_see16(&lanes, &scan, s, i, n);
    }
    esc_csv_see16(&lanes, &scan, s, n - 16, n);
    if (_mm_movemask_epi8(lanes.nul)) {
        scan.holds |= ESC_CSV_HOLDS_NUL;
    }
    if (_mm_movemask_epi8(lanes.line_break)) {
        scan.holds |= ESC_CSV_HOLDS_LINE_BREAK;
    }
    if (_mm_movemask_epi8(lanes.quote)) {
        scan.holds |= ESC_CSV_HOLDS_QUOTE;
    }
    return scan;
}

/*
 * Adds the 16 bytes at s to the skim: to *rare the lanes below 0x0E (SSE2
 * compares bytes as signed, so bytes above 0x7F are below 0x0E too: NUL, CR,
 * LF and every non-ASCII byte are among them), to *quote those that are '"'.
 */
static void esc_csv_skim16(__m128i *rare, __m128i *quote, const char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    *rare = _mm_or_si128(*rare, _mm_cmplt_epi8(v, _mm_set1_epi8(0x0E)));
    *quote = _mm_or_si128(*quote, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
}

/*
 * Most values hold no byte below 0x0E and none above 0x7F, so a first look
 * (two compares per 16 bytes, 32 bytes a step, then the last 16 read again
 * over bytes already seen) looks only for those and for '"'. A value that has
 * one is looked at again, class by class. (SSE2 is part of every x86-64;
 * elsewhere the words do the same.)
 */
static struct esc_csv_scan esc_csv_scan16(const char *s, size_t n)
{
    __m128i rare = _mm_setzero_si128(), quote = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 32 < n; i += 32) {
        esc_csv_skim16(&rare, &quote, s + i);
        esc_csv_skim16(&rare, &quote, s + i + 16);
    }
    if (i + 16 < n) {
        esc_csv_skim16(&rare, &quote, s + i);
    }
    esc_csv_skim16(&rare, &quote, s + n - 16);
    if (_mm_movemask_epi8(rare)) {
        return esc_csv_scan16_all(s, n);
    }
    return (struct esc_csv_scan){_mm_movemask_epi8(quote) ? ESC_CSV_HOLDS_QUOTE : 0u, n};
}
#endif

/* The one scan of a value of n bytes (n > 0); never reads outside them. */
static struct esc_csv_scan esc_csv_scan(const char *s, size_t n)
{
#ifdef __SSE2__
    if (n >= 16) {
        return esc_csv_scan16(s, n);
    }
#endif
    return esc_csv_scan_words(s, n);
}

/*
 * True when s is valid UTF-8 without NUL; *holds then says what else it
 * holds. (n == 0 is the empty string, whatever s is.)
 */
static bool esc_csv_acceptable(const char *s, size_t n, unsigned *holds)
{
    *holds = 0;
    if (n == 0) {
        return true;
    }
    if (s == NULL) {
        return false;
    }
    struct esc_csv_scan scan = esc_csv_scan(s, n);
    *holds = scan.holds;
    return !(scan.holds & ESC_CSV_HOLDS_NUL) &&
           (scan.ascii == n || utf8_valid(s + scan.ascii, n - scan.ascii, NULL));
}

/* Raises *line_break (when given) if the value held CR or LF; never lowers it. */
static void esc_csv_note_line_break(bool *line_break, unsigned holds)
{
    if (line_break && (holds & ESC_CSV_HOLDS_LINE_BREAK)) {
        *line_break = true;
    }
}

/*
 * Copies s's n bytes to at with every '"' doubled (RFC 4180, 2.7: what
 * libcsv's csv_write does, a byte at a time); returns the end. at must have
 * room for them all.
 *
 * With SSE2, 16 bytes at a time while 32 remain: a block without a '"' is
 * stored whole; in one with quotes each run up to and including a '"' is
 * copied 16 bytes at a time (the excess is overwritten next), then the '"'
 * again. Where a block starts never depends on what it holds, so the loads
 * run ahead of the copying. The reads stay inside s (a run starts at most 16
 * bytes before 16 that remain), and the stores inside the room (the rest of
 * the output is never shorter than the rest of the input it comes from).
 */
static char *esc_csv_double_quotes(char *at, const char *s, size_t n)
{
    const char *end = s + n;
#ifdef __SSE2__
    for (; end - s >= 32; s += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned quotes = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
        const char *run = s;
        for (; quotes; quotes &= quotes - 1) {
            const char *quote = s + __builtin_ctz(quotes);
            _mm_storeu_si128((__m128i *)(void *)at,
                             _mm_loadu_si128((const __m128i *)(const void *)run));
            at += quote + 1 - run;
            *at++ = '"';
            run = quote + 1;
        }
        _mm_storeu_si128((__m128i *)(void *)at,
                         _mm_loadu_si128((const __m128i *)(const void *)run));
        at += s + 16 - run;
    }
#endif
    for (; s < end; s++) {
        *at++ = *s;
        if (*s == '"') {
            *at++ = '"';
        }
    }
    return at;
}

/* The bytes s quoted takes: n, its '"' once more, and the two around. */
static size_t esc_csv_quoted_size(const char *s, size_t n)
{
    size_t size = n + 2;
    for (const char *q = s, *end = s + n; (q = memchr(q, '"', (size_t)(end - q))) != NULL; q++) {
        size++;
    }
    return size;
}

/*
 * Appends s, which holds a '"', quoted: the bytes libcsv's csv_write writes.
 * Input already checked. Room is taken for the worst case (every byte a
 * quote) when that fits, so the value is read once; near the buffer's limit
 * exactly what it needs, so the limit falls where it did with csv_write.
 */
static enum lt_rc esc_csv_quote_doubled(struct buf *out, const char *s, size_t n)
{
    size_t room = 2 * n + 2;
    if (room > out->max - out->len) {
        room = esc_csv_quoted_size(s, n);
    }
    char *at;
    LT_TRY(buf_extend(out, room, &at));
    *at++ = '"';
    at = esc_csv_double_quotes(at, s, n);
    *at++ = '"';
    buf_truncate(out, (size_t)(at - out->ptr));
    return LT_OK;
}

/*
 * Appends s, which holds no '"', between quotes in one piece: the bytes
 * csv_write would write. It writes a quote, then each byte of the value,
 * a '"' twice, then a quote; without a '"' that is '"' + value + '"'. The
 * limit falls where it did too: the csv_write escaper failed exactly when
 * these n + 2 bytes did not fit (it asked buf for more only when that fit),
 * as buf_extend does here.
 */
static enum lt_rc esc_csv_quote_plain(struct buf *out, const char *s, size_t n)
{
    char *at;
    LT_TRY(buf_extend(out, n + 2, &at));
    at[0] = '"';
    if (n) {
        memcpy(at + 1, s, n);
    }
    at[n + 1] = '"';
    return LT_OK;
}

/* Appends s (already checked, holding holds) as one quoted field. */
static enum lt_rc esc_csv_quote(struct buf *out, const char *s, size_t n, unsigned holds)
{
    if (n > (SIZE_MAX - 2) / 2) { /* 2n + 2 would overflow: too large, as it always was */
        buf_release(out);
        return LT_E_LIMIT;
    }
    return holds & ESC_CSV_HOLDS_QUOTE ? esc_csv_quote_doubled(out, s, n)
                                       : esc_csv_quote_plain(out, s, n);
}

enum lt_rc esc_csv_field(struct buf *out, const char *s, size_t n, bool *line_break)
{
    unsigned holds;
    if (!esc_csv_acceptable(s, n, &holds)) {
        return LT_E_INPUT;
    }
    esc_csv_note_line_break(line_break, holds);
    return esc_csv_quote(out, s, n, holds);
}

/*
 * An element must be a non-empty UTF-8 string without NUL or the array
 * delimiter; what the elements hold is gathered in *holds.
 */
static bool esc_csv_element_ok(const char *item, unsigned *holds)
{
    if (item == NULL || item[0] == '\0') {
        return false;
    }
    size_t n = strlen(item);
    unsigned item_holds;
    if (!esc_csv_acceptable(item, n, &item_holds) || memchr(item, ESC_CSV_ARRAY_DELIM, n) != NULL) {
        return false;
    }
    *holds |= item_holds;
    return true;
}

static enum lt_rc esc_csv_join(struct buf *joined, const char *const *items, size_t nitems)
{
    for (size_t i = 0; i < nitems; i++) {
        if (i > 0) {
            LT_TRY(buf_addc(joined, ESC_CSV_ARRAY_DELIM));
        }
        LT_TRY(buf_adds(joined, items[i]));
    }
    return LT_OK;
}

enum lt_rc esc_csv_array(struct buf *out, const char *const *items, size_t nitems, bool *line_break)
{
    if (nitems == 0 || items == NULL) {
        return LT_E_INPUT;
    }
    unsigned holds = 0;
    for (size_t i = 0; i < nitems; i++) {
        if (!esc_csv_element_ok(items[i], &holds)) {
            return LT_E_INPUT;
        }
    }
    esc_csv_note_line_break(line_break, holds);
    struct buf joined = BUF_INIT(out->max);
    enum lt_rc rc = esc_csv_join(&joined, items, nitems);
    if (rc == LT_OK) {
        /* The delimiter is no quote: the joined value holds what its elements hold. */
        rc = esc_csv_quote(out, buf_str(&joined), joined.len, holds);
    } else {
        buf_release(out);
    }
    buf_release(&joined);
    return rc;
}
