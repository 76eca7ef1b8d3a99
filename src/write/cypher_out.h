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
 *       The same pieces (template set, batching, literal rows, and the
 *       reader of a literal rows list) serve `ltsnap diff`'s delta script
 *       and `ltsnap verify`, so the three cannot disagree on the layout.
 * May call: base, model, schema, esc_cypher, tmpl, snapdir.
 */
#ifndef LT_WRITE_CYPHER_OUT_H
#define LT_WRITE_CYPHER_OUT_H

#include "base/err.h"
#include "model/model.h"
#include "write/esc_cypher.h"
#include "write/snapdir.h"
#include "write/tmpl.h"

#define CYPHER_OUT_SNAPSHOT "snapshot.cypher"
#define CYPHER_OUT_POST_IMPORT "post-import.cypher"

/* Rows per UNWIND statement, and per :begin/:commit block (as Cartography batches). */
#define CYPHER_OUT_ROWS_PER_STATEMENT 500
#define CYPHER_OUT_ROWS_PER_TRANSACTION 10000

/* Transaction brackets, each on a line of its own. */
#define CYPHER_OUT_BEGIN ":begin\n"
#define CYPHER_OUT_COMMIT ":commit\n"

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

/*
 * Sees the model's rows as snapshot.cypher's tables read them, so that
 * another writer (snapshot_write's CSV files) takes each row from the same
 * read instead of reading and decoding the model a second time. Every row
 * is seen exactly once, before it is written as a literal: node tables
 * 0..SCHEMA_NODE_COUNT-1, then relationship tables, each in row order; a
 * table without rows is not seen at all. values and rel belong to the
 * reader and are valid only during the call. A failure must be reported
 * through err; it ends the script with that error.
 */
struct cypher_out_observer {
    enum lt_rc (*node)(void *ctx, enum schema_node_kind k, size_t i,
                       const struct model_value *values, struct lt_error *err);
    enum lt_rc (*rel)(void *ctx, enum schema_rel_kind k, size_t i, const struct model_rel *rel,
                      struct lt_error *err);
    void *ctx;
};

/* Writes snapshot.cypher and post-import.cypher; observer may be NULL. */
LT_MUST_CHECK enum lt_rc cypher_out_write(struct snapdir *d, const struct model *m,
                                          const struct cypher_out_options *opts,
                                          const struct cypher_out_observer *observer,
                                          struct lt_error *err);

/* ---- the pieces ---- */

/* The templates snapshot.cypher and post-import.cypher are made of. */
enum cypher_out_fixed {
    CYPHER_OUT_T_HEADER,        /* header.cypher: the parameter line, tag at load time */
    CYPHER_OUT_T_HEADER_PINNED, /* header-pinned.cypher: {{update_tag}} */
    CYPHER_OUT_T_INDEXES,       /* indexes.cypher */
    CYPHER_OUT_T_TOMBSTONES,    /* tombstones.cypher: {{rows}} of {id, account_id, region} */
    CYPHER_OUT_T_CLEANUP,       /* cleanup.cypher: {{scopes}} */
    CYPHER_OUT_T_POST_IMPORT,   /* post-import.cypher */
    CYPHER_OUT_T_FIXED_COUNT
};

struct cypher_out_templates {
    struct tmpl fixed[CYPHER_OUT_T_FIXED_COUNT];
    struct tmpl nodes[SCHEMA_NODE_COUNT]; /* schema_nodes[k].template: {{rows}} */
    struct tmpl rels[SCHEMA_REL_COUNT];   /* schema_rels[k].template: {{rows}} */
};

/* Loads them all from dir; on failure t is released. */
LT_MUST_CHECK enum lt_rc cypher_out_templates_load(struct cypher_out_templates *t, const char *dir,
                                                   struct lt_error *err);
void cypher_out_templates_release(struct cypher_out_templates *t);

/* Where a script goes: write is called with consecutive pieces of it. */
struct cypher_out_sink {
    enum lt_rc (*write)(void *ctx, const char *text, size_t len, struct lt_error *err);
    void *ctx;
    uint64_t rows; /* literal rows written by cypher_out_table so far */
};

/*
 * Rows of one table: literal(b, table, i, err) appends row i as a literal
 * map. A row that cannot be read fails through err; an escaper's refusal
 * only returns its code, and cypher_out_table names the template.
 */
struct cypher_out_rows {
    enum lt_rc (*literal)(struct buf *b, const void *table, size_t i, struct lt_error *err);
    const void *table;
    size_t n;
};

/* The parameter line (header or header-pinned with the tag). */
LT_MUST_CHECK enum lt_rc cypher_out_header(struct cypher_out_sink *s,
                                           const struct cypher_out_templates *t, bool pin,
                                           int64_t update_tag, struct lt_error *err);
/* A template that takes no values, as it is. */
LT_MUST_CHECK enum lt_rc cypher_out_plain(struct cypher_out_sink *s, const struct tmpl *t,
                                          struct lt_error *err);
/*
 * Every row as `t` rendered with {{rows}}: statements of at most
 * CYPHER_OUT_ROWS_PER_STATEMENT rows inside :begin/:commit blocks of at
 * most CYPHER_OUT_ROWS_PER_TRANSACTION. Nothing for no rows.
 */
LT_MUST_CHECK enum lt_rc cypher_out_table(struct cypher_out_sink *s, const struct tmpl *t,
                                          const struct cypher_out_rows *rows, struct lt_error *err);

/* An account and the regions a statement is limited to. */
struct cypher_out_scope {
    const char *account_id;
    const char *const *regions;
    size_t nregions;
};

/* `t` rendered with {{scopes}} = [{account_id: ..., regions: [...]}, ...], in one transaction. */
LT_MUST_CHECK enum lt_rc cypher_out_scoped(struct cypher_out_sink *s, const struct tmpl *t,
                                           const struct cypher_out_scope *scopes, size_t n,
                                           struct lt_error *err);

/* One property value as a literal (string, integer, boolean, list of strings). */
LT_MUST_CHECK enum lt_rc cypher_out_value_literal(struct buf *b, enum schema_type type,
                                                  const struct model_value *v);
/* {name: value, ...} in schema order, absent values left out (row.x is then null). */
LT_MUST_CHECK enum lt_rc cypher_out_node_literal(struct buf *b, const struct schema_node *n,
                                                 const struct model_value *values);
/* {from: '...', to: '...'} */
LT_MUST_CHECK enum lt_rc cypher_out_rel_literal(struct buf *b, const char *from, const char *to);
/* {id: '...', account_id: '...', region: '...'} */
LT_MUST_CHECK enum lt_rc cypher_out_tombstone_literal(struct buf *b, const char *id,
                                                      const char *account_id, const char *region);

/* ---- reading a literal rows list back (ltsnap verify) ---- */

/* One entry of a row: key and value as spans of the text read. */
struct cypher_out_entry {
    size_t key, keylen;
    size_t value, valuelen;
    enum esc_cypher_kind kind;
};

/* The rows of one list: row i has entries[first[i] .. first[i + 1]). */
struct cypher_out_read {
    struct cypher_out_entry *entries;
    size_t nentries;
    size_t *first; /* nrows + 1 entries */
    size_t nrows;
};

/*
 * Reads a rows list exactly as cypher_out_table and cypher_out_scoped lay
 * it out ("[\n  {k: v, ...},\n  {...}\n]") from r->pos; every value must be
 * a literal esc_cypher reads. On LT_E_INPUT r->bad and r->why say where and
 * why; out is then empty. out need not be initialised;
 * cypher_out_read_release frees it.
 */
LT_MUST_CHECK enum lt_rc cypher_out_read_rows(struct esc_cypher_reader *r,
                                              struct cypher_out_read *out);
void cypher_out_read_release(struct cypher_out_read *out);

#endif
