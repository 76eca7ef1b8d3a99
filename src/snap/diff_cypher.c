/*
 * diff_cypher.c - the delta script: what turns a graph loaded from OLD into
 * the graph NEW gives (diff.h says exactly what). It is made of the same
 * pieces as snapshot.cypher (cypher_out: parameter line, indexes, batched
 * statements of literal rows, the node and relationship merges and the
 * tombstone deletions) plus the delta-delete-*.cypher templates.
 */
#include <string.h>

#include "base/json.h"
#include "snap/diff.h"
#include "write/esc_cypher.h"

/* Templates that delete what NEW no longer has (accounts are never deleted). */
static const char *const delete_nodes[SCHEMA_NODE_COUNT] = {
    [SCHEMA_NODE_TEMPLATE] = "delta-delete-aws-launch-template.cypher",
    [SCHEMA_NODE_VERSION] = "delta-delete-aws-launch-template-version.cypher",
    [SCHEMA_NODE_TAG] = "delta-delete-aws-tag.cypher",
};

static const char *const delete_rels[SCHEMA_REL_COUNT] = {
    [SCHEMA_REL_ACCOUNT_TEMPLATE] = "delta-delete-rels-resource-aws-launch-template.cypher",
    [SCHEMA_REL_ACCOUNT_VERSION] = "delta-delete-rels-resource-aws-launch-template-version.cypher",
    [SCHEMA_REL_TEMPLATE_VERSION] = "delta-delete-rels-version.cypher",
    [SCHEMA_REL_TEMPLATE_TAG] = "delta-delete-rels-tagged.cypher",
};

struct delta_templates {
    struct cypher_out_templates base;
    struct tmpl nodes[SCHEMA_NODE_COUNT];
    struct tmpl rels[SCHEMA_REL_COUNT];
};

static void templates_release(struct delta_templates *t)
{
    cypher_out_templates_release(&t->base);
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        tmpl_release(&t->nodes[k]);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        tmpl_release(&t->rels[k]);
    }
}

static enum lt_rc templates_load(struct delta_templates *t, const char *dir, struct lt_error *err)
{
    memset(t, 0, sizeof(*t));
    LT_TRY(cypher_out_templates_load(&t->base, dir, err));
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        if (delete_nodes[k]) {
            LT_TRY(tmpl_load(&t->nodes[k], dir, delete_nodes[k], err));
        }
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        LT_TRY(tmpl_load(&t->rels[k], dir, delete_rels[k], err));
    }
    return LT_OK;
}

/* Rows of one table of one snapshot, picked by index (struct diff_rows). */
struct picked {
    const struct snap_table *table;
    const size_t *rows;
    enum schema_node_kind kind; /* node tables */
};

/* A whole node row, as snapshot.cypher writes it. */
static enum lt_rc node_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    const struct picked *p = table;
    struct model_value v[VERSION_PROP_COUNT];
    enum lt_rc rc = snap_row_values(p->table, p->kind, p->rows[i], v, err);
    if (rc == LT_OK) {
        rc = cypher_out_node_literal(b, &schema_nodes[p->kind], v);
    }
    snap_row_values_release(v, schema_nodes[p->kind].nprops);
    return rc;
}

/* {id: '...'} */
static enum lt_rc id_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    (void)err;
    const struct picked *p = table;
    const struct snap_field *f = snap_table_field(p->table, p->rows[i], 0);
    LT_TRY(esc_cypher_map_key(b, true, "id"));
    LT_TRY(esc_cypher_string(b, snap_table_text(p->table, p->rows[i], 0), f->len));
    return esc_cypher_map_end(b);
}

static enum lt_rc rel_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    (void)err;
    const struct picked *p = table;
    return cypher_out_rel_literal(b, snap_table_text(p->table, p->rows[i], 0),
                                  snap_table_text(p->table, p->rows[i], 1));
}

static enum lt_rc tombstone_literal(struct buf *b, const void *table, size_t i,
                                    struct lt_error *err)
{
    (void)err;
    const struct picked *p = table;
    return cypher_out_tombstone_literal(b, snap_table_text(p->table, p->rows[i], 1),
                                        snap_table_text(p->table, p->rows[i], 3),
                                        snap_table_text(p->table, p->rows[i], 4));
}

static enum lt_rc emit(struct cypher_out_sink *s, const struct tmpl *t,
                       const struct snap_table *table, const struct diff_rows *rows,
                       enum schema_node_kind kind,
                       enum lt_rc (*literal)(struct buf *, const void *, size_t, struct lt_error *),
                       struct lt_error *err)
{
    struct picked p = {table, rows->rows, kind};
    struct cypher_out_rows src = {literal, &p, rows->n};
    return cypher_out_table(s, t, &src, err);
}

/* The parameter line of NEW's snapshot.cypher: pinned when NEW's tag was pinned. */
static enum lt_rc header(const struct diff *d, const struct delta_templates *t,
                         struct cypher_out_sink *s, struct lt_error *err)
{
    const cJSON *tag = json_get_object(d->new.manifest, "update_tag");
    const char *mode = tag ? json_get_string(tag, "mode") : NULL;
    int64_t value = 0;
    bool pinned = mode && strcmp(mode, "pinned") == 0 && json_get_int64(tag, "value", &value);
    LT_TRY(cypher_out_header(s, &t->base, pinned, value, err));
    return cypher_out_plain(s, &t->base.fixed[CYPHER_OUT_T_INDEXES], err);
}

/* Added and changed nodes, then added relationships (their ends exist by then). */
static enum lt_rc merges(const struct diff *d, const struct delta_templates *t,
                         struct cypher_out_sink *s, struct lt_error *err)
{
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        LT_TRY(emit(s, &t->base.nodes[k], &d->new.nodes[k], &d->merge_nodes[k],
                    (enum schema_node_kind)k, node_literal, err));
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        LT_TRY(emit(s, &t->base.rels[k], &d->new.rels[k], &d->merge_rels[k], 0, rel_literal, err));
    }
    return LT_OK;
}

/*
 * Tombstoned templates, removed relationships, versions and templates, and
 * last the tag nodes NEW no longer has, which the template deletes only
 * when nothing is TAGGED with them any more.
 */
static enum lt_rc deletions(const struct diff *d, const struct delta_templates *t,
                            struct cypher_out_sink *s, struct lt_error *err)
{
    LT_TRY(emit(s, &t->base.fixed[CYPHER_OUT_T_TOMBSTONES], &d->new.tombstones, &d->tombstones, 0,
                tombstone_literal, err));
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        LT_TRY(emit(s, &t->rels[k], &d->old.rels[k], &d->delete_rels[k], 0, rel_literal, err));
    }
    static const enum schema_node_kind order[] = {SCHEMA_NODE_VERSION, SCHEMA_NODE_TEMPLATE,
                                                  SCHEMA_NODE_TAG};
    for (size_t i = 0; i < LT_ARRAY_SIZE(order); i++) {
        enum schema_node_kind k = order[i];
        LT_TRY(emit(s, &t->nodes[k], &d->old.nodes[k], &d->delete_nodes[k], k, id_literal, err));
    }
    return LT_OK;
}

enum lt_rc diff_cypher_write(const struct diff *d, const char *templates_dir,
                             struct cypher_out_sink *sink, struct lt_error *err)
{
    struct delta_templates t;
    enum lt_rc rc = templates_load(&t, templates_dir, err);
    if (rc == LT_OK) {
        rc = header(d, &t, sink, err);
    }
    if (rc == LT_OK) {
        rc = merges(d, &t, sink, err);
    }
    if (rc == LT_OK) {
        rc = deletions(d, &t, sink, err);
    }
    templates_release(&t);
    return rc;
}
