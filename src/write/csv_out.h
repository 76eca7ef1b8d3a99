/*
 * csv_out.h - the neo4j-admin side of a snapshot: one CSV file per node and
 * relationship table (typed header in the first line), tombstones.csv, and
 * the @argfile for `neo4j-admin database import full`.
 *
 * Owns: header syntax (id:ID(Label), :LABEL, name:long, :START_ID(Label),
 *       ...), how each value type is written, and which import options the
 *       files need.
 * May call: base, model, schema, esc_csv, snapdir.
 *
 * Value rules (docs/reference.md section 6): strings are always quoted, so
 * "" is an empty string and an empty field is "no property"; longs in
 * decimal; booleans true/false; string arrays joined by U+001F; an absent
 * value or an empty array is an empty field. Line ends are LF.
 */
#ifndef LT_WRITE_CSV_OUT_H
#define LT_WRITE_CSV_OUT_H

#include "base/err.h"
#include "model/model.h"
#include "write/snapdir.h"

#define CSV_OUT_ARGFILE "neo4j-admin-import.args"
#define CSV_OUT_TOMBSTONES "tombstones.csv"

/* Appends the header line (no line end) of a node file, a relationship file, tombstones.csv. */
LT_MUST_CHECK enum lt_rc csv_out_node_header(struct buf *out, const struct schema_node *n);
LT_MUST_CHECK enum lt_rc csv_out_rel_header(struct buf *out, const struct schema_rel *r);
LT_MUST_CHECK enum lt_rc csv_out_tombstones_header(struct buf *out);

/*
 * Appends the argfile's text: one argument per line after '#' comment
 * lines; *args counts the arguments. multiline: some value holds a line
 * break (--multiline-fields=true). verify compares a snapshot's argfile
 * with this.
 */
LT_MUST_CHECK enum lt_rc csv_out_argfile_text(struct buf *out, bool multiline, uint64_t *args);

/* Writes every node and relationship file, tombstones.csv and the argfile. */
LT_MUST_CHECK enum lt_rc csv_out_write(struct snapdir *d, const struct model *m,
                                       struct lt_error *err);

#endif
