/*
 * ref_esc_csv.h - the oracle of the differential tests of the CSV escaper
 * (tests/unit/test_esc_csv.c, tests/fuzz/fuzz_esc_csv.c): esc_csv_field and
 * esc_csv_array of main at 38ebd32, which check a value in four passes
 * (utf8_valid and three memchr) and quote every value with libcsv. The
 * faster ones must, for every input, append the same bytes, return the
 * same code, leave the buffer in the same state and raise *line_break
 * exactly when these do.
 */
#ifndef LT_TESTS_REF_ESC_CSV_H
#define LT_TESTS_REF_ESC_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum lt_rc ref_esc_csv_field(struct buf *out, const char *s, size_t n, bool *line_break);
enum lt_rc ref_esc_csv_array(struct buf *out, const char *const *items, size_t nitems,
                             bool *line_break);

#endif
