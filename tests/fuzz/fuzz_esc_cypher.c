/*
 * fuzz_esc_cypher - round trips through the Cypher escaper and its reader:
 * - esc_cypher_string: any valid UTF-8 value without NUL becomes one
 *   single-quoted literal on one line with no unescaped quote inside, that
 *   decodes to exactly the input both by the Cypher 5 escape rules (docs
 *   reference section 8.1; decode() below, written from the rules, not from
 *   the escaper) and by esc_cypher_read_string, which must stop right after
 *   it; anything else is refused and nothing is appended;
 * - esc_cypher_int: the first 8 bytes as an int64 read back to the same
 *   value by strtoll (or as INT64_MIN's parenthesised expression) and by
 *   esc_cypher_read_int;
 * - esc_cypher_string_list: the input split at 0xFF bytes (never part of
 *   UTF-8) as a list, read back by esc_cypher_read_string_list when every
 *   element is acceptable;
 * - esc_cypher_string and esc_cypher_map_string give the same bytes and
 *   codes as the escaper before the word-at-a-time scan (ref_esc_cypher.h),
 *   also when the buffer's limit stops them;
 * - the reader on the raw input (what `ltsnap verify` meets in a snapshot
 *   someone edited): when esc_cypher_read_string or esc_cypher_skip_value
 *   accepts a literal at the start, writing the decoded value gives back
 *   exactly the bytes read (the reader takes the writer's spelling only).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "fuzz_items.h"
#include "ref_esc_cypher.h"
#include "write/esc_cypher.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Appends code point cp (a UTF-16 unit pair already combined) as UTF-8. */
static void put_utf8(struct buf *b, unsigned cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (buf_add(b, u, n) != LT_OK) {
        abort();
    }
}

static unsigned read_unit(const char *p)
{
    int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);
    if (a < 0 || b < 0 || c < 0 || d < 0) {
        abort();
    }
    return (unsigned)(a << 12 | b << 8 | c << 4 | d);
}

/* Decodes a single-quoted literal; aborts on anything a Cypher lexer would not accept. */
static void decode(const char *lit, size_t n, struct buf *out)
{
    if (n < 2 || lit[0] != '\'' || lit[n - 1] != '\'') {
        abort();
    }
    for (size_t i = 1; i < n - 1; i++) {
        char c = lit[i];
        if (c == '\n' || c == '\r' || c == '\'') {
            abort(); /* one line, no early end */
        }
        if (c != '\\') {
            if (buf_addc(out, c) != LT_OK) {
                abort();
            }
            continue;
        }
        char e = lit[++i];
        static const char from[] = "tbnrf'\"\\";
        static const char to[] = "\t\b\n\r\f'\"\\";
        const char *k = strchr(from, e);
        if (e && k) {
            if (buf_addc(out, to[k - from]) != LT_OK) {
                abort();
            }
        } else if (e == 'u' && i + 4 < n - 1) {
            unsigned u = read_unit(lit + i + 1);
            i += 4;
            if (u >= 0xD800 && u <= 0xDBFF && lit[i + 1] == '\\' && lit[i + 2] == 'u') {
                unsigned lo = read_unit(lit + i + 3);
                i += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(out, u);
        } else {
            abort();
        }
    }
}

/* Reads an int back with the project's reader. */
static void fuzz_read_int(const struct buf *text, int64_t want)
{
    struct esc_cypher_reader r;
    esc_cypher_reader_init(&r, buf_str(text), text->len);
    int64_t got = 0;
    if (esc_cypher_read_int(&r, &got) != LT_OK || got != want || r.pos != text->len) {
        abort();
    }
}

/* esc_cypher_int and back: "-?[0-9]+" read with strtoll, or INT64_MIN's expression. */
static void fuzz_int(const unsigned char *data, size_t size)
{
    uint64_t u = 0;
    for (size_t i = 0; i < 8; i++) {
        u = u << 8 | (i < size ? data[i] : 0);
    }
    int64_t v = (int64_t)u;
    struct buf out = BUF_INIT(64);
    if (esc_cypher_int(&out, v) != LT_OK) {
        abort();
    }
    const char *text = buf_str(&out);
    if (v == INT64_MIN) {
        if (strcmp(text, "(-9223372036854775807 - 1)") != 0) {
            abort();
        }
    } else {
        size_t digits = strspn(text + (text[0] == '-'), "0123456789");
        char *end = NULL;
        errno = 0;
        long long back = strtoll(text, &end, 10);
        if (digits == 0 || text[(text[0] == '-') + digits] != '\0' || *end || errno || back != v) {
            abort();
        }
    }
    fuzz_read_int(&out, v);
    buf_release(&out);
}

/* esc_cypher_string_list and esc_cypher_read_string_list on the 0xFF-separated pieces. */
static void fuzz_list(const char *s, size_t size)
{
    char *items[FUZZ_MAX_ITEMS];
    size_t n = fuzz_items_split(s, size, items);
    bool valid = true;
    for (size_t i = 0; i < n; i++) {
        valid = valid && utf8_valid(items[i], strlen(items[i]), NULL);
    }
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = esc_cypher_string_list(&out, (const char *const *)items, n);
    if ((rc == LT_OK) != valid || (rc != LT_OK && out.len != 0)) {
        abort();
    }
    if (rc == LT_OK) {
        struct esc_cypher_reader r;
        esc_cypher_reader_init(&r, buf_str(&out), out.len);
        struct buf back = BUF_INIT(BUF_MAX_LARGE);
        size_t nback = 0;
        if (esc_cypher_read_string_list(&r, &back, &nback) != LT_OK || nback != n ||
            r.pos != out.len) {
            abort();
        }
        const char *b = buf_str(&back);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(b, items[i]) != 0) {
                abort();
            }
            b += strlen(b) + 1;
        }
        buf_release(&back);
    }
    buf_release(&out);
    fuzz_items_free(items, n);
}

/* The reader on raw input: what it accepts is exactly what the writer would write. */
static void fuzz_reader(const char *s, size_t size)
{
    struct esc_cypher_reader r;
    esc_cypher_reader_init(&r, s, size);
    struct buf value = BUF_INIT(BUF_MAX_LARGE);
    if (esc_cypher_read_string(&r, &value) == LT_OK) {
        struct buf again = BUF_INIT(BUF_MAX_LARGE);
        if (esc_cypher_string(&again, buf_str(&value), value.len) != LT_OK || again.len != r.pos ||
            memcmp(again.ptr, s, r.pos) != 0) {
            abort();
        }
        buf_release(&again);
    } else if (r.pos != 0 || r.why == NULL) {
        abort(); /* a refusal leaves the position and says why */
    }
    buf_release(&value);
    esc_cypher_reader_init(&r, s, size);
    enum esc_cypher_kind kind;
    if (esc_cypher_skip_value(&r, &kind) == LT_OK) {
        if (r.pos == 0 || r.pos > size) {
            abort();
        }
    } else if (r.pos != 0) {
        abort();
    }
}

/* Same code, same length, same bytes, same release. */
static void same_buf(enum lt_rc rc_want, const struct buf *want, enum lt_rc rc_got,
                     const struct buf *got)
{
    if (rc_want != rc_got || want->len != got->len || (want->ptr == NULL) != (got->ptr == NULL) ||
        memcmp(buf_str(want), buf_str(got), want->len) != 0) {
        abort();
    }
}

/* esc_cypher_string and esc_cypher_map_string against the reference, with room to spare and
 * with a limit the input picks (so values also stop at buf's limit on the way). */
static void fuzz_differential(const char *s, size_t size)
{
    size_t max = BUF_MAX_LARGE;
    for (int pass = 0; pass < 2; pass++) {
        struct buf want = BUF_INIT(max), got = BUF_INIT(max);
        same_buf(ref_esc_cypher_string(&want, s, size), &want, esc_cypher_string(&got, s, size),
                 &got);
        buf_release(&want);
        buf_release(&got);

        bool first = size > 0 && (s[0] & 1);
        struct esc_cypher_key k;
        esc_cypher_key_init(&k, "launch_template_data");
        enum lt_rc rc_want = ref_esc_cypher_map_key(&want, first, "launch_template_data");
        if (rc_want == LT_OK) {
            rc_want = ref_esc_cypher_string(&want, s, size);
        }
        same_buf(rc_want, &want, esc_cypher_map_string(&got, first, &k, s, size), &got);
        buf_release(&want);
        buf_release(&got);
        max = size > 1 ? (unsigned char)s[size - 1] * (size / 64 + 1) : 3;
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    if (buf_adds(&out, "x") != LT_OK) {
        abort();
    }
    enum lt_rc rc = esc_cypher_string(&out, s, size);
    bool valid = utf8_valid(s, size, NULL) && !memchr(s, '\0', size);
    if ((rc == LT_OK) != valid || (rc != LT_OK && out.len != 1)) {
        abort();
    }
    if (rc == LT_OK) {
        struct buf back = BUF_INIT(BUF_MAX_LARGE);
        decode(buf_str(&out) + 1, out.len - 1, &back);
        if (back.len != size || (size && memcmp(back.ptr, s, size) != 0)) {
            abort();
        }
        buf_reset(&back);
        struct esc_cypher_reader r;
        esc_cypher_reader_init(&r, buf_str(&out) + 1, out.len - 1);
        if (esc_cypher_read_string(&r, &back) != LT_OK || r.pos != out.len - 1 ||
            back.len != size || (size && memcmp(back.ptr, s, size) != 0)) {
            abort();
        }
        buf_release(&back);
    }
    buf_release(&out);
    fuzz_int(data, size);
    fuzz_list(s, size);
    fuzz_reader(s, size);
    fuzz_differential(s, size);
    return 0;
}
