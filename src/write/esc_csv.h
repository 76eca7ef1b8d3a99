/*
 * esc_csv.h - the one CSV escaper, for neo4j-admin import files (RFC 4180
 * as neo4j-admin reads it: delimiter ',', quote '"', quotes doubled,
 * backslash not special; docs/reference.md section 6).
 *
 * Owns: how a value becomes a CSV field. Fields are written byte for byte
 * as libcsv's csv_write() writes them (the tests compare the two), a '"'
 * doubled: every string field is quoted, so a quoted empty string
 * ("") stays distinguishable from an absent value (an empty field, which
 * neo4j-admin reads as "no property").
 * May call: base.
 *
 * Arrays: elements are joined with ESC_CSV_ARRAY_DELIM (U+001F, unit
 * separator), which neo4j-admin takes as --array-delimiter=U+001F. There is
 * no escape for it, so an element containing it (or empty, which
 * neo4j-admin would drop) cannot be written: esc_csv_array fails with
 * LT_E_INPUT and the caller reports which value. An empty array cannot be
 * written either (LT_E_INPUT): the caller writes an absent field instead.
 *
 * Failures: LT_E_INPUT appends nothing; LT_E_LIMIT follows buf's rule (the
 * buffer is released). Line breaks are kept inside the quotes, as RFC 4180
 * allows: a file holding one must be imported with --multiline-fields=true.
 */
#ifndef LT_WRITE_ESC_CSV_H
#define LT_WRITE_ESC_CSV_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

#define ESC_CSV_ARRAY_DELIM '\x1f'
#define ESC_CSV_ARRAY_DELIM_OPTION "U+001F"

/*
 * Appends s as one quoted field (no delimiter). s must be valid UTF-8
 * without NUL. When line_break is not NULL, *line_break is set to true if
 * the value holds CR or LF (and left as it is otherwise): the file then
 * needs --multiline-fields=true.
 */
LT_MUST_CHECK enum lt_rc esc_csv_field(struct buf *out, const char *s, size_t n, bool *line_break);
/* Appends the elements as one quoted array field; line_break as for esc_csv_field. */
LT_MUST_CHECK enum lt_rc esc_csv_array(struct buf *out, const char *const *items, size_t nitems,
                                       bool *line_break);

#endif
