#include "write/cypher_out.h"

#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "model/schema.h"
#include "write/esc_cypher.h"
#include "write/tmpl.h"

#define STATEMENT_MAX ((size_t)256 * 1024 * 1024)

/* Template files read from the templates directory. */
enum {
    T_HEADER,
    T_HEADER_PINNED,
    T_INDEXES,
    T_TOMBSTONES,
    T_CLEANUP,
    T_POST_IMPORT,
    T_FIXED_COUNT
};

static const char *const fixed_templates[T_FIXED_COUNT] = {
    [T_HEADER] = "header.cypher",   [T_HEADER_PINNED] = "header-pinned.cypher",
    [T_INDEXES] = "indexes.cypher", [T_TOMBSTONES] = "tombstones.cypher",
    [T_CLEANUP] = "cleanup.cypher", [T_POST_IMPORT] = "post-import.cypher",
};

struct templates {
    struct tmpl fixed[T_FIXED_COUNT];
    struct tmpl nodes[SCHEMA_NODE_COUNT];
    struct tmpl rels[SCHEMA_REL_COUNT];
};

/* A script being written, with the rows it carries (for the manifest). */
struct script {
    struct fsx_writer w;
    uint64_t rows;
};

static void templates_release(struct templates *t)
{
    for (int i = 0; i < T_FIXED_COUNT; i++) {
        tmpl_release(&t->fixed[i]);
    }
    for (int i = 0; i < SCHEMA_NODE_COUNT; i++) {
        tmpl_release(&t->nodes[i]);
    }
    for (int i = 0; i < SCHEMA_REL_COUNT; i++) {
        tmpl_release(&t->rels[i]);
    }
}

static enum lt_rc templates_load(struct templates *t, const char *dir, struct lt_error *err)
{
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < T_FIXED_COUNT; i++) {
        LT_TRY(tmpl_load(&t->fixed[i], dir, fixed_templates[i], err));
    }
    for (int i = 0; i < SCHEMA_NODE_COUNT; i++) {
        LT_TRY(tmpl_load(&t->nodes[i], dir, schema_nodes[i].template, err));
    }
    for (int i = 0; i < SCHEMA_REL_COUNT; i++) {
        LT_TRY(tmpl_load(&t->rels[i], dir, schema_rels[i].template, err));
    }
    return LT_OK;
}

static enum lt_rc emit(struct script *s, const struct buf *b, struct lt_error *err)
{
    return fsx_writer_add(&s->w, buf_str(b), b->len, err);
}

static enum lt_rc emit_text(struct script *s, const char *text, struct lt_error *err)
{
    return fsx_writer_adds(&s->w, text, err);
}

/* Renders a template that takes no values. */
static enum lt_rc emit_plain(struct script *s, const struct tmpl *t, struct lt_error *err)
{
    struct buf out = BUF_INIT(STATEMENT_MAX);
    enum lt_rc rc = tmpl_render(t, NULL, 0, &out, err);
    if (rc == LT_OK) {
        rc = emit(s, &out, err);
    }
    buf_release(&out);
    return rc;
}

static enum lt_rc emit_header(struct script *s, const struct templates *t,
                              const struct cypher_out_options *o, struct lt_error *err)
{
    if (!o->pin_update_tag) {
        return emit_plain(s, &t->fixed[T_HEADER], err);
    }
    struct buf tag = BUF_INIT(32);
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = esc_cypher_int(&tag, o->update_tag);
    if (rc == LT_OK) {
        struct tmpl_var v = {"update_tag", buf_str(&tag), tag.len, true};
        rc = tmpl_render(&t->fixed[T_HEADER_PINNED], &v, 1, &out, err);
    }
    if (rc == LT_OK) {
        rc = emit(s, &out, err);
    }
    buf_release(&tag);
    buf_release(&out);
    return rc;
}

/* ---- literal rows ---- */

static enum lt_rc literal_value(struct buf *b, enum schema_type type, const struct model_value *v)
{
    switch (type) {
    case SCHEMA_STRING:
        return esc_cypher_string(b, v->str, v->len);
    case SCHEMA_LONG:
        return esc_cypher_int(b, v->num);
    case SCHEMA_BOOLEAN:
        return esc_cypher_bool(b, v->flag);
    case SCHEMA_STRING_ARRAY:
        LT_TRY(buf_addc(b, '['));
        for (size_t i = 0; i < v->nitems; i++) {
            LT_TRY(buf_adds(b, i ? ", " : ""));
            LT_TRY(esc_cypher_string(b, v->items[i], strlen(v->items[i])));
        }
        return buf_addc(b, ']');
    }
    return LT_E_INTERNAL;
}

/* {name: value, ...} with absent values left out (row.x is then null, as Cartography sets). */
static enum lt_rc literal_node_row(struct buf *b, const struct schema_node *n,
                                   const struct model_value *values)
{
    LT_TRY(buf_addc(b, '{'));
    bool first = true;
    for (size_t i = 0; i < n->nprops; i++) {
        if (!values[i].present) {
            continue;
        }
        if (!first) {
            LT_TRY(buf_add(b, ", ", 2));
        }
        LT_TRY(buf_adds(b, n->props[i].name));
        LT_TRY(buf_add(b, ": ", 2));
        LT_TRY(literal_value(b, n->props[i].type, &values[i]));
        first = false;
    }
    return buf_addc(b, '}');
}

static enum lt_rc literal_rel_row(struct buf *b, const struct model_rel *r)
{
    LT_TRY(buf_adds(b, "{from: "));
    LT_TRY(esc_cypher_string(b, r->from, strlen(r->from)));
    LT_TRY(buf_adds(b, ", to: "));
    LT_TRY(esc_cypher_string(b, r->to, strlen(r->to)));
    return buf_addc(b, '}');
}

static enum lt_rc literal_tombstone_row(struct buf *b, const struct model_tombstone *t)
{
    LT_TRY(buf_adds(b, "{id: "));
    LT_TRY(esc_cypher_string(b, t->id, strlen(t->id)));
    LT_TRY(buf_adds(b, ", account_id: "));
    LT_TRY(esc_cypher_string(b, t->account_id, strlen(t->account_id)));
    LT_TRY(buf_adds(b, ", region: "));
    LT_TRY(esc_cypher_string(b, t->region, strlen(t->region)));
    return buf_addc(b, '}');
}

/*
 * One row of any table, by index. A failed read sets err; an escaper's
 * failure only returns its code.
 */
struct row_source {
    enum lt_rc (*literal)(struct buf *b, const struct row_source *src, size_t i,
                          struct lt_error *err);
    struct model_reader *reader;
    int kind; /* enum schema_node_kind or schema_rel_kind */
    const struct model_tombstone *tombstones;
    size_t n;
};

static enum lt_rc node_literal(struct buf *b, const struct row_source *src, size_t i,
                               struct lt_error *err)
{
    const struct model_value *values;
    LT_TRY(model_read_node(src->reader, (enum schema_node_kind)src->kind, i, &values, err));
    return literal_node_row(b, &schema_nodes[src->kind], values);
}

static enum lt_rc rel_literal(struct buf *b, const struct row_source *src, size_t i,
                              struct lt_error *err)
{
    struct model_rel rel;
    LT_TRY(model_read_rel(src->reader, (enum schema_rel_kind)src->kind, i, &rel, err));
    return literal_rel_row(b, &rel);
}

static enum lt_rc tombstone_literal(struct buf *b, const struct row_source *src, size_t i,
                                    struct lt_error *err)
{
    (void)err;
    return literal_tombstone_row(b, &src->tombstones[i]);
}

/* "[\n  {row},\n  {row}\n]" for rows [first, end). */
static enum lt_rc literal_rows(struct buf *b, const struct row_source *src, size_t first,
                               size_t end, struct lt_error *err)
{
    LT_TRY(buf_adds(b, "[\n"));
    for (size_t i = first; i < end; i++) {
        LT_TRY(buf_adds(b, "  "));
        LT_TRY(src->literal(b, src, i, err));
        LT_TRY(buf_adds(b, i + 1 < end ? ",\n" : "\n"));
    }
    return buf_addc(b, ']');
}

static enum lt_rc emit_statement(struct script *s, const struct tmpl *t,
                                 const struct row_source *src, size_t first, size_t end,
                                 struct lt_error *err)
{
    struct buf rows = BUF_INIT(STATEMENT_MAX);
    struct buf out = BUF_INIT(STATEMENT_MAX);
    enum lt_rc rc = literal_rows(&rows, src, first, end, err);
    if (rc != LT_OK && err->code == LT_OK) {
        rc = lt_fail(err, rc == LT_E_INPUT ? LT_E_INPUT : LT_E_LIMIT,
                     "'%s': rows cannot be written as Cypher literals", t->name);
    } else if (rc == LT_OK) {
        struct tmpl_var v = {"rows", buf_str(&rows), rows.len, true};
        rc = tmpl_render(t, &v, 1, &out, err);
    }
    if (rc == LT_OK) {
        rc = emit(s, &out, err);
    }
    buf_release(&rows);
    buf_release(&out);
    return rc;
}

/* All rows of a table: statements of bounded size in bounded transactions. */
static enum lt_rc emit_table(struct script *s, const struct tmpl *t, const struct row_source *src,
                             struct lt_error *err)
{
    for (size_t tx = 0; tx < src->n; tx += CYPHER_OUT_ROWS_PER_TRANSACTION) {
        size_t tx_end = tx + CYPHER_OUT_ROWS_PER_TRANSACTION;
        tx_end = tx_end < src->n ? tx_end : src->n;
        LT_TRY(emit_text(s, ":begin\n", err));
        for (size_t i = tx; i < tx_end; i += CYPHER_OUT_ROWS_PER_STATEMENT) {
            size_t end = i + CYPHER_OUT_ROWS_PER_STATEMENT;
            LT_TRY(emit_statement(s, t, src, i, end < tx_end ? end : tx_end, err));
        }
        LT_TRY(emit_text(s, ":commit\n", err));
    }
    s->rows += src->n;
    return LT_OK;
}

/* [{account_id: 'x', regions: ['a', 'b']}, ...] for every account with a complete region. */
static enum lt_rc literal_scopes(struct buf *b, const struct model *m, struct model_reader *r,
                                 size_t *count, struct lt_error *err)
{
    *count = 0;
    LT_TRY(buf_adds(b, "[\n"));
    for (size_t i = 0; i < m->nnodes[SCHEMA_NODE_ACCOUNT]; i++) {
        const struct model_value *values;
        LT_TRY(model_read_node(r, SCHEMA_NODE_ACCOUNT, i, &values, err));
        const char *account = values[ACCOUNT_ID].str;
        LT_TRY(buf_adds(b, *count ? ",\n  {account_id: " : "  {account_id: "));
        LT_TRY(esc_cypher_string(b, account, strlen(account)));
        LT_TRY(buf_adds(b, ", regions: ["));
        size_t nregions = 0;
        for (size_t k = 0; k < m->nscopes; k++) {
            const struct model_scope *sc = &m->scopes[k];
            if (sc->status != MODEL_SCOPE_COMPLETE || strcmp(sc->account_id, account) != 0) {
                continue;
            }
            LT_TRY(buf_adds(b, nregions++ ? ", " : ""));
            LT_TRY(esc_cypher_string(b, sc->region, strlen(sc->region)));
        }
        LT_TRY(buf_adds(b, "]}"));
        (*count)++;
    }
    return buf_adds(b, "\n]");
}

static enum lt_rc emit_cleanup(struct script *s, const struct templates *t, const struct model *m,
                               struct model_reader *r, struct lt_error *err)
{
    struct buf scopes = BUF_INIT(STATEMENT_MAX);
    struct buf out = BUF_INIT(STATEMENT_MAX);
    size_t count = 0;
    enum lt_rc rc = literal_scopes(&scopes, m, r, &count, err);
    if (rc != LT_OK && err->code == LT_OK) {
        rc = lt_fail(err, LT_E_LIMIT, "cleanup scopes too large");
    } else if (rc == LT_OK && count > 0) {
        struct tmpl_var v = {"scopes", buf_str(&scopes), scopes.len, true};
        rc = tmpl_render(&t->fixed[T_CLEANUP], &v, 1, &out, err);
        if (rc == LT_OK) {
            rc = emit_text(s, ":begin\n", err);
        }
        if (rc == LT_OK) {
            rc = emit(s, &out, err);
        }
        if (rc == LT_OK) {
            rc = emit_text(s, ":commit\n", err);
        }
    }
    buf_release(&scopes);
    buf_release(&out);
    return rc;
}

static enum lt_rc write_tables(struct script *s, const struct templates *t, const struct model *m,
                               struct model_reader *r, struct lt_error *err)
{
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        struct row_source src = {node_literal, r, k, NULL, m->nnodes[k]};
        LT_TRY(emit_table(s, &t->nodes[k], &src, err));
    }
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        struct row_source src = {rel_literal, r, k, NULL, m->nrels[k]};
        LT_TRY(emit_table(s, &t->rels[k], &src, err));
    }
    struct row_source gone = {tombstone_literal, r, 0, m->tombstones, m->ntombstones};
    LT_TRY(emit_table(s, &t->fixed[T_TOMBSTONES], &gone, err));
    return emit_cleanup(s, t, m, r, err);
}

static enum lt_rc write_snapshot(struct script *s, const struct templates *t, const struct model *m,
                                 const struct cypher_out_options *o, struct lt_error *err)
{
    LT_TRY(emit_header(s, t, o, err));
    LT_TRY(emit_plain(s, &t->fixed[T_INDEXES], err));
    struct model_reader *r = model_reader_new(m);
    enum lt_rc rc = write_tables(s, t, m, r, err);
    model_reader_free(r);
    return rc;
}

static enum lt_rc write_post_import(struct script *s, const struct templates *t,
                                    const struct cypher_out_options *o, struct lt_error *err)
{
    LT_TRY(emit_header(s, t, o, err));
    LT_TRY(emit_plain(s, &t->fixed[T_INDEXES], err));
    return emit_plain(s, &t->fixed[T_POST_IMPORT], err);
}

static enum lt_rc write_script(struct snapdir *d, const char *name, const struct templates *t,
                               const struct model *m, const struct cypher_out_options *o,
                               bool post_import, struct lt_error *err)
{
    struct script s = {.rows = 0};
    LT_TRY(snapdir_open(d, name, &s.w, err));
    enum lt_rc rc =
        post_import ? write_post_import(&s, t, o, err) : write_snapshot(&s, t, m, o, err);
    if (rc != LT_OK) {
        fsx_writer_abort(&s.w);
        return rc;
    }
    return snapdir_close(d, &s.w, name, s.rows, err);
}

/* Renders t with every placeholder it may take set to text; the output is dropped. */
static enum lt_rc dry_render(const struct tmpl *t, const char *name, const char *text,
                             struct lt_error *err)
{
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    struct tmpl_var v = {name, text, strlen(text), true};
    enum lt_rc rc = tmpl_render(t, name ? &v : NULL, name ? 1 : 0, &out, err);
    buf_release(&out);
    return rc;
}

enum lt_rc cypher_out_check(const struct cypher_out_options *opts, struct lt_error *err)
{
    struct templates t;
    enum lt_rc rc = templates_load(&t, opts->templates_dir, err);
    if (rc == LT_OK) {
        rc = dry_render(&t.fixed[opts->pin_update_tag ? T_HEADER_PINNED : T_HEADER],
                        opts->pin_update_tag ? "update_tag" : NULL, "0", err);
    }
    static const int plain[] = {T_INDEXES, T_POST_IMPORT};
    for (size_t i = 0; rc == LT_OK && i < LT_ARRAY_SIZE(plain); i++) {
        rc = dry_render(&t.fixed[plain[i]], NULL, "", err);
    }
    for (int k = 0; rc == LT_OK && k < SCHEMA_NODE_COUNT; k++) {
        rc = dry_render(&t.nodes[k], "rows", "[]", err);
    }
    for (int k = 0; rc == LT_OK && k < SCHEMA_REL_COUNT; k++) {
        rc = dry_render(&t.rels[k], "rows", "[]", err);
    }
    if (rc == LT_OK) {
        rc = dry_render(&t.fixed[T_TOMBSTONES], "rows", "[]", err);
    }
    if (rc == LT_OK) {
        rc = dry_render(&t.fixed[T_CLEANUP], "scopes", "[]", err);
    }
    templates_release(&t);
    return rc;
}

enum lt_rc cypher_out_write(struct snapdir *d, const struct model *m,
                            const struct cypher_out_options *opts, struct lt_error *err)
{
    struct templates t;
    enum lt_rc rc = templates_load(&t, opts->templates_dir, err);
    if (rc == LT_OK) {
        rc = write_script(d, CYPHER_OUT_SNAPSHOT, &t, m, opts, false, err);
    }
    if (rc == LT_OK) {
        rc = write_script(d, CYPHER_OUT_POST_IMPORT, &t, m, opts, true, err);
    }
    templates_release(&t);
    return rc;
}
