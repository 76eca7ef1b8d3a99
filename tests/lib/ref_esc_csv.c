/*
 * ref_esc_csv.c - see ref_esc_csv.h. The code of src/write/esc_csv.c at
 * 38ebd32, copied as it was but for the names (ref_*).
 */
#include "ref_esc_csv.h"

#include <csv.h>
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

/* The array delimiter, U+001F (ESC_CSV_ARRAY_DELIM). */
#define REF_ARRAY_DELIM '\x1f'

/*
 * True when s is valid UTF-8 without NUL; *line_break is set when it holds
 * CR or LF. (Separate passes, each a vectorised libc search or utf8_valid's
 * word-at-a-time loop, cost less than one byte-by-byte pass.)
 */
static bool ref_esc_csv_acceptable(const char *s, size_t n, bool *line_break)
{
    if (n == 0) {
        return true;
    }
    if (s == NULL || !utf8_valid(s, n, NULL) || memchr(s, '\0', n) != NULL) {
        return false;
    }
    *line_break = *line_break || memchr(s, '\n', n) || memchr(s, '\r', n);
    return true;
}

/* Appends s quoted by libcsv (quotes doubled, surrounded by quotes). Input already checked. */
static enum lt_rc ref_esc_csv_quote(struct buf *out, const char *s, size_t n)
{
    /* csv_write writes nothing for a NULL source; an empty value must still become "". */
    const char *src = n ? s : "";
    /* Room for the worst case (every byte a quote, doubled, plus the two around), so libcsv
       writes in one pass instead of measuring first. */
    if (n > (SIZE_MAX - 2) / 2) {
        buf_release(out);
        return LT_E_LIMIT;
    }
    size_t room = 2 * n + 2;
    if (room > out->max - out->len) {
        room = csv_write(NULL, 0, src, n); /* near the limit: exactly what it needs */
    }
    size_t before = out->len;
    char *at;
    LT_TRY(buf_extend(out, room, &at));
    size_t wrote = csv_write(at, room, src, n);
    if (wrote > room) {
        buf_truncate(out, before);
        return LT_E_INTERNAL;
    }
    buf_truncate(out, before + wrote);
    return LT_OK;
}

enum lt_rc ref_esc_csv_field(struct buf *out, const char *s, size_t n, bool *line_break)
{
    bool lines = false;
    if (!ref_esc_csv_acceptable(s, n, &lines)) {
        return LT_E_INPUT;
    }
    if (line_break) {
        *line_break = *line_break || lines;
    }
    return ref_esc_csv_quote(out, s, n);
}

/* An element must be a non-empty UTF-8 string without NUL or the array delimiter. */
static bool ref_esc_csv_element_ok(const char *item, bool *line_break)
{
    if (item == NULL || item[0] == '\0') {
        return false;
    }
    size_t n = strlen(item);
    return ref_esc_csv_acceptable(item, n, line_break) && memchr(item, REF_ARRAY_DELIM, n) == NULL;
}

static enum lt_rc ref_esc_csv_join(struct buf *joined, const char *const *items, size_t nitems)
{
    for (size_t i = 0; i < nitems; i++) {
        if (i > 0) {
            LT_TRY(buf_addc(joined, REF_ARRAY_DELIM));
        }
        LT_TRY(buf_adds(joined, items[i]));
    }
    return LT_OK;
}

enum lt_rc ref_esc_csv_array(struct buf *out, const char *const *items, size_t nitems,
                             bool *line_break)
{
    if (nitems == 0 || items == NULL) {
        return LT_E_INPUT;
    }
    bool lines = false;
    for (size_t i = 0; i < nitems; i++) {
        if (!ref_esc_csv_element_ok(items[i], &lines)) {
            return LT_E_INPUT;
        }
    }
    if (line_break) {
        *line_break = *line_break || lines;
    }
    struct buf joined = BUF_INIT(out->max);
    enum lt_rc rc = ref_esc_csv_join(&joined, items, nitems);
    if (rc == LT_OK) {
        rc = ref_esc_csv_quote(out, buf_str(&joined), joined.len);
    } else {
        buf_release(out);
    }
    buf_release(&joined);
    return rc;
}
