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

/*
 * Every node and relationship file, tombstones.csv and the argfile, written
 * from the rows another walk over the model reads (snapshot_write: the
 * Cypher writer's), so that each row is read and decoded once for both.
 * Rows come once each: node tables 0..SCHEMA_NODE_COUNT-1, then
 * relationship tables, each in row order. A table may get no row at all
 * (it still gets its file, with its header). Anything else fails with
 * LT_E_INTERNAL.
 *
 * Use: csv_out_stream_new, csv_out_stream_node / csv_out_stream_rel for
 * every row, then csv_out_stream_finish (closes the files, checks that
 * every row came, writes tombstones.csv and the argfile) or, after a
 * failure anywhere, csv_out_stream_abort (removes the file being written;
 * snapdir_abort removes the rest). Both free the stream. d and m are
 * borrowed until then.
 */
struct csv_out_stream;

struct csv_out_stream *csv_out_stream_new(struct snapdir *d, const struct model *m);
/* Row i of node table k; values as model_read_node gives them, only read during the call. */
LT_MUST_CHECK enum lt_rc csv_out_stream_node(struct csv_out_stream *s, enum schema_node_kind k,
                                             size_t i, const struct model_value *values,
                                             struct lt_error *err);
/* Relationship i of table k; rel as model_read_rel gives it. */
LT_MUST_CHECK enum lt_rc csv_out_stream_rel(struct csv_out_stream *s, enum schema_rel_kind k,
                                            size_t i, const struct model_rel *rel,
                                            struct lt_error *err);
LT_MUST_CHECK enum lt_rc csv_out_stream_finish(struct csv_out_stream *s, struct lt_error *err);
/* Safe on NULL. */
void csv_out_stream_abort(struct csv_out_stream *s);

#endif
