/*
 * fuzz_esc_csv - round trips through the CSV escaper and libcsv:
 * - esc_csv_field: any valid UTF-8 value without NUL, written as a field,
 *   reads back through libcsv as exactly the same bytes, as one field of one
 *   record; anything else is refused and nothing is appended;
 * - esc_csv_array: the input split at 0xFF bytes (never part of UTF-8) is a
 *   list of elements; when every element is non-empty, valid UTF-8 and free
 *   of the array delimiter U+001F, the field reads back through libcsv as
 *   the elements joined by U+001F, and splitting it there gives them back;
 *   otherwise it is refused and nothing is appended;
 * - both give the same bytes, codes and line-break flag as the escaper
 *   before the one-pass scan (ref_esc_csv.h), also when the buffer's limit
 *   stops them.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "fuzz_items.h"
#include "ref_esc_csv.h"
#include "write/esc_csv.h"

struct readback {
    const char *want;
    size_t len;
    int fields;
    int records;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct readback *r = ctx;
    r->fields++;
    if (len != r->len || (len && memcmp(data, r->want, len) != 0)) {
        abort();
    }
}

static void on_record(int c, void *ctx)
{
    (void)c;
    ((struct readback *)ctx)->records++;
}

/* Reads one CSV text back with libcsv; aborts unless it is one field of one record == want. */
static void read_back(const struct buf *csv, const char *want, size_t len)
{
    struct readback r = {want, len, 0, 0};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0 ||
        csv_parse(&p, buf_str(csv), csv->len, on_field, on_record, &r) != csv->len ||
        csv_fini(&p, on_field, on_record, &r) != 0 || r.fields != 1 || r.records != 1) {
        abort();
    }
    csv_free(&p);
}

static bool element_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && utf8_valid(s, n, NULL) && !memchr(s, ESC_CSV_ARRAY_DELIM, n);
}

/* The array round trip; items are the input's pieces between 0xFF bytes (as C strings). */
static bool has_line_break(const char *s, size_t n)
{
    return n && (memchr(s, '\n', n) || memchr(s, '\r', n));
}

static void fuzz_array(const char *s, size_t size)
{
    char *items[FUZZ_MAX_ITEMS];
    size_t n = fuzz_items_split(s, size, items);
    bool valid = true;
    struct buf joined = BUF_INIT(BUF_MAX_LARGE);
    for (size_t i = 0; i < n; i++) {
        valid = valid && element_ok(items[i]);
        if ((i && buf_addc(&joined, ESC_CSV_ARRAY_DELIM) != LT_OK) ||
            buf_adds(&joined, items[i]) != LT_OK) {
            abort();
        }
    }
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    bool line_break = false;
    enum lt_rc rc = esc_csv_array(&out, (const char *const *)items, n, &line_break);
    if ((rc == LT_OK) != valid || (rc != LT_OK && out.len != 0)) {
        abort(); /* accepts exactly the valid arrays, appends nothing otherwise */
    }
    if (rc == LT_OK && line_break != has_line_break(joined.ptr, joined.len)) {
        abort();
    }
    if (rc == LT_OK) {
        read_back(&out, buf_str(&joined), joined.len);
    }
    buf_release(&out);
    buf_release(&joined);
    fuzz_items_free(items, n);
}

/* Same code, length, bytes, release and line-break flag. */
static void same_result(enum lt_rc rc_want, const struct buf *want, bool line_break_want,
                        enum lt_rc rc_got, const struct buf *got, bool line_break_got)
{
    if (rc_want != rc_got || want->len != got->len || (want->ptr == NULL) != (got->ptr == NULL) ||
        memcmp(buf_str(want), buf_str(got), want->len) != 0 || line_break_want != line_break_got) {
        abort();
    }
}

/* esc_csv_field and esc_csv_array against the reference, with room to spare and with a limit
 * the input picks (so values also stop at buf's limit on the way). */
static void fuzz_differential(const char *s, size_t size)
{
    char *items[FUZZ_MAX_ITEMS];
    size_t n = fuzz_items_split(s, size, items);
    const char *const *list = (const char *const *)items;
    size_t max = BUF_MAX_LARGE;
    for (int pass = 0; pass < 2; pass++) {
        struct buf want = BUF_INIT(max), got = BUF_INIT(max);
        bool lb_want = false, lb_got = false;
        enum lt_rc rc_want = ref_esc_csv_field(&want, s, size, &lb_want);
        same_result(rc_want, &want, lb_want, esc_csv_field(&got, s, size, &lb_got), &got, lb_got);
        buf_release(&want);
        buf_release(&got);

        rc_want = ref_esc_csv_array(&want, list, n, &lb_want);
        same_result(rc_want, &want, lb_want, esc_csv_array(&got, list, n, &lb_got), &got, lb_got);
        buf_release(&want);
        buf_release(&got);
        max = size > 1 ? (unsigned char)s[size - 1] * (size / 64 + 1) : 3;
    }
    fuzz_items_free(items, n);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    bool line_break = false;
    enum lt_rc rc = esc_csv_field(&out, s, size, &line_break);
    bool valid = utf8_valid(s, size, NULL) && !memchr(s, '\0', size);
    if ((rc == LT_OK) != valid || (rc != LT_OK && out.len != 0)) {
        abort(); /* accepts exactly the valid values, appends nothing otherwise */
    }
    if (rc == LT_OK && line_break != has_line_break(s, size)) {
        abort(); /* says exactly when the value holds CR or LF */
    }
    if (rc == LT_OK) {
        read_back(&out, s, size);
    }
    buf_release(&out);
    fuzz_array(s, size);
    fuzz_differential(s, size);
    return 0;
}
