/*
 * cypher_out.h - the cypher-shell side of a snapshot: snapshot.cypher
 * (update an existing graph: `cypher-shell -f snapshot.cypher`) and
 * post-import.cypher (run once after `neo4j-admin database import full`).
 *
 * Owns: the layout of both scripts: the parameter line, indexes outside any
 *       transaction, data as `UNWIND [literal rows] AS row ...` statements
 *       in bounded :begin/:commit blocks, then tombstone deletions, then
 *       the stale-node cleanup limited to (account, completed regions).
 *       All Cypher text comes from templates (templates/ or --templates).
 * May call: base, model, schema, esc_cypher, tmpl, snapdir.
 */
#ifndef LT_WRITE_CYPHER_OUT_H
#define LT_WRITE_CYPHER_OUT_H

#include "base/err.h"
#include "model/model.h"
#include "write/snapdir.h"

#define CYPHER_OUT_SNAPSHOT "snapshot.cypher"
#define CYPHER_OUT_POST_IMPORT "post-import.cypher"

/* Rows per UNWIND statement, and per :begin/:commit block (as Cartography batches). */
#define CYPHER_OUT_ROWS_PER_STATEMENT 500
#define CYPHER_OUT_ROWS_PER_TRANSACTION 10000

struct cypher_out_options {
    const char *templates_dir;
    bool pin_update_tag; /* else the tag is evaluated when the script is loaded */
    int64_t update_tag;
};

/*
 * Loads every template and renders it once with neutral values, so that a
 * missing file or a bad placeholder is reported before any work is done.
 */
LT_MUST_CHECK enum lt_rc cypher_out_check(const struct cypher_out_options *opts,
                                          struct lt_error *err);

LT_MUST_CHECK enum lt_rc cypher_out_write(struct snapdir *d, const struct model *m,
                                          const struct cypher_out_options *opts,
                                          struct lt_error *err);

#endif
