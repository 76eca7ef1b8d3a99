/*
 * fuzz_esc_csv - esc_csv_field round trip: any valid UTF-8 value without NUL,
 * written as a field, reads back through libcsv as exactly the same bytes,
 * as one field of one record.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
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

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = esc_csv_field(&out, s, size);
    bool valid = utf8_valid(s, size, NULL) && !memchr(s, '\0', size);
    if ((rc == LT_OK) != valid) {
        abort(); /* accepts exactly the valid values */
    }
    if (rc == LT_OK) {
        struct readback r = {s, size, 0, 0};
        struct csv_parser p;
        if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0 ||
            csv_parse(&p, buf_str(&out), out.len, on_field, on_record, &r) != out.len ||
            csv_fini(&p, on_field, on_record, &r) != 0 || r.fields != 1 || r.records != 1) {
            abort();
        }
        csv_free(&p);
    }
    buf_release(&out);
    return 0;
}
