#include "write/cypher_out.h"

#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "model/schema.h"
#include "write/esc_cypher.h"
#include "write/tmpl.h"

#define STATEMENT_MAX ((size_t)256 * 1024 * 1024)

static const char *const fixed_templates[CYPHER_OUT_T_FIXED_COUNT] = {
    [CYPHER_OUT_T_HEADER] = "header.cypher",
    [CYPHER_OUT_T_HEADER_PINNED] = "header-pinned.cypher",
    [CYPHER_OUT_T_INDEXES] = "indexes.cypher",
    [CYPHER_OUT_T_TOMBSTONES] = "tombstones.cypher",
    [CYPHER_OUT_T_CLEANUP] = "cleanup.cypher",
    [CYPHER_OUT_T_POST_IMPORT] = "post-import.cypher",
};

void cypher_out_templates_release(struct cypher_out_templates *t)
{
    for (int i = 0; i < CYPHER_OUT_T_FIXED_COUNT; i++) {
        tmpl_release(&t->fixed[i]);
    }
    for (int i = 0; i < SCHEMA_NODE_COUNT; i++) {
        tmpl_release(&t->nodes[i]);
    }
    for (int i = 0; i < SCHEMA_REL_COUNT; i++) {
        tmpl_release(&t->rels[i]);
    }
}

static enum lt_rc templates_load(struct cypher_out_templates *t, const char *dir,
                                 struct lt_error *err)
{
    for (int i = 0; i < CYPHER_OUT_T_FIXED_COUNT; i++) {
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

enum lt_rc cypher_out_templates_load(struct cypher_out_templates *t, const char *dir,
                                     struct lt_error *err)
{
    memset(t, 0, sizeof(*t));
    enum lt_rc rc = templates_load(t, dir, err);
    if (rc != LT_OK) {
        cypher_out_templates_release(t);
    }
    return rc;
}

static enum lt_rc emit(struct cypher_out_sink *s, const struct buf *b, struct lt_error *err)
{
    return s->write(s->ctx, buf_str(b), b->len, err);
}

static enum lt_rc emit_text(struct cypher_out_sink *s, const char *text, struct lt_error *err)
{
    return s->write(s->ctx, text, strlen(text), err);
}

/* Renders t with at most one value and emits it. */
static enum lt_rc emit_render(struct cypher_out_sink *s, const struct tmpl *t,
                              const struct tmpl_var *v, struct lt_error *err)
{
    struct buf out = BUF_INIT(STATEMENT_MAX);
    enum lt_rc rc = tmpl_render(t, v, v ? 1 : 0, &out, err);
    if (rc == LT_OK) {
        rc = emit(s, &out, err);
    }
    buf_release(&out);
    return rc;
}

enum lt_rc cypher_out_plain(struct cypher_out_sink *s, const struct tmpl *t, struct lt_error *err)
{
    return emit_render(s, t, NULL, err);
}

enum lt_rc cypher_out_header(struct cypher_out_sink *s, const struct cypher_out_templates *t,
                             bool pin, int64_t update_tag, struct lt_error *err)
{
    if (!pin) {
        return cypher_out_plain(s, &t->fixed[CYPHER_OUT_T_HEADER], err);
    }
    struct buf tag = BUF_INIT(32);
    enum lt_rc rc = esc_cypher_int(&tag, update_tag);
    if (rc == LT_OK) {
        struct tmpl_var v = {"update_tag", buf_str(&tag), tag.len, true};
        rc = emit_render(s, &t->fixed[CYPHER_OUT_T_HEADER_PINNED], &v, err);
    }
    buf_release(&tag);
    return rc;
}

/* ---- literal rows ---- */

enum lt_rc cypher_out_value_literal(struct buf *b, enum schema_type type,
                                    const struct model_value *v)
{
    switch (type) {
    case SCHEMA_STRING:
        return esc_cypher_string(b, v->str, v->len);
    case SCHEMA_LONG:
        return esc_cypher_int(b, v->num);
    case SCHEMA_BOOLEAN:
        return esc_cypher_bool(b, v->flag);
    case SCHEMA_STRING_ARRAY:
        return esc_cypher_string_list(b, (const char *const *)v->items, v->nitems);
    }
    return LT_E_INTERNAL;
}

/* Each property's map key, checked once for all the rows of a table. */
static struct esc_cypher_key *node_keys_new(const struct schema_node *n)
{
    struct esc_cypher_key *keys = mem_calloc(n->nprops ? n->nprops : 1, sizeof(*keys));
    for (size_t i = 0; i < n->nprops; i++) {
        esc_cypher_key_init(&keys[i], n->props[i].name);
    }
    return keys;
}

/* {name: value, ...} with keys from node_keys_new. */
static enum lt_rc node_row(struct buf *b, const struct schema_node *n,
                           const struct esc_cypher_key *keys, const struct model_value *values)
{
    bool first = true;
    for (size_t i = 0; i < n->nprops; i++) {
        if (!values[i].present) {
            continue;
        }
        if (n->props[i].type == SCHEMA_STRING) { /* most values: key and value at once */
            LT_TRY(esc_cypher_map_string(b, first, &keys[i], values[i].str, values[i].len));
        } else {
            LT_TRY(esc_cypher_map_prepared_key(b, first, &keys[i]));
            LT_TRY(cypher_out_value_literal(b, n->props[i].type, &values[i]));
        }
        first = false;
    }
    return first ? buf_add(b, "{}", 2) : esc_cypher_map_end(b);
}

enum lt_rc cypher_out_node_literal(struct buf *b, const struct schema_node *n,
                                   const struct model_value *values)
{
    struct esc_cypher_key *keys = node_keys_new(n);
    enum lt_rc rc = node_row(b, n, keys, values);
    mem_free(keys);
    return rc;
}

enum lt_rc cypher_out_rel_literal(struct buf *b, const char *from, const char *to)
{
    struct esc_cypher_key k_from, k_to;
    esc_cypher_key_init(&k_from, "from");
    esc_cypher_key_init(&k_to, "to");
    LT_TRY(esc_cypher_map_string(b, true, &k_from, from, strlen(from)));
    LT_TRY(esc_cypher_map_string(b, false, &k_to, to, strlen(to)));
    return esc_cypher_map_end(b);
}

enum lt_rc cypher_out_tombstone_literal(struct buf *b, const char *id, const char *account_id,
                                        const char *region)
{
    LT_TRY(esc_cypher_map_key(b, true, "id"));
    LT_TRY(esc_cypher_string(b, id, strlen(id)));
    LT_TRY(esc_cypher_map_key(b, false, "account_id"));
    LT_TRY(esc_cypher_string(b, account_id, strlen(account_id)));
    LT_TRY(esc_cypher_map_key(b, false, "region"));
    LT_TRY(esc_cypher_string(b, region, strlen(region)));
    return esc_cypher_map_end(b);
}

/* "[\n  {row},\n  {row}\n]" for rows [first, end); "[\n]" for none. */
static enum lt_rc literal_rows(struct buf *b, const struct cypher_out_rows *src, size_t first,
                               size_t end, struct lt_error *err)
{
    LT_TRY(buf_add(b, "[\n  ", first < end ? 4 : 2));
    for (size_t i = first; i < end; i++) {
        if (i > first) {
            LT_TRY(buf_add(b, ",\n  ", 4)); /* ends the previous row, starts this one */
        }
        LT_TRY(src->literal(b, src->table, i, err));
    }
    return first < end ? buf_add(b, "\n]", 2) : buf_addc(b, ']');
}

/*
 * A statement template split where its rows go, and the buffer the rows are
 * written into, both kept from one statement to the next: each statement is
 * then emitted as the template's pieces around its rows, without rendering
 * (and copying) megabytes of rows into a second buffer.
 */
struct statement {
    const struct tmpl *t;
    struct tmpl_parts parts;
    struct buf rows;
};

static enum lt_rc statement_open(struct statement *st, const struct tmpl *t, const char *name,
                                 struct lt_error *err)
{
    st->t = t;
    st->rows = (struct buf)BUF_INIT(STATEMENT_MAX);
    return tmpl_split(t, name, NULL, 0, &st->parts, err);
}

static void statement_close(struct statement *st)
{
    tmpl_parts_release(&st->parts);
    buf_release(&st->rows);
}

/* The template's text with the rows wherever it names them. */
static enum lt_rc emit_parts(struct cypher_out_sink *s, const struct statement *st,
                             struct lt_error *err)
{
    const char *text = buf_str(&st->parts.text);
    size_t from = 0;
    for (size_t i = 0; i < st->parts.ncuts; i++) {
        LT_TRY(s->write(s->ctx, text + from, st->parts.cuts[i] - from, err));
        LT_TRY(emit(s, &st->rows, err));
        from = st->parts.cuts[i];
    }
    return s->write(s->ctx, text + from, st->parts.text.len - from, err);
}

/* The statement with the rows [first, end) as a literal list. */
static enum lt_rc emit_statement(struct cypher_out_sink *s, struct statement *st,
                                 const struct cypher_out_rows *src, size_t first, size_t end,
                                 struct lt_error *err)
{
    buf_reset(&st->rows);
    enum lt_rc rc = literal_rows(&st->rows, src, first, end, err);
    if (rc != LT_OK && err->code == LT_OK) { /* an escaper refused a value */
        return lt_fail(err, rc == LT_E_INPUT ? LT_E_INPUT : LT_E_LIMIT,
                       "'%s': rows cannot be written as Cypher literals", st->t->name);
    }
    return rc == LT_OK ? emit_parts(s, st, err) : rc;
}

static enum lt_rc emit_transactions(struct cypher_out_sink *s, struct statement *st,
                                    const struct cypher_out_rows *src, struct lt_error *err)
{
    for (size_t tx = 0; tx < src->n; tx += CYPHER_OUT_ROWS_PER_TRANSACTION) {
        size_t tx_end = tx + CYPHER_OUT_ROWS_PER_TRANSACTION;
        tx_end = tx_end < src->n ? tx_end : src->n;
        LT_TRY(emit_text(s, CYPHER_OUT_BEGIN, err));
        for (size_t i = tx; i < tx_end; i += CYPHER_OUT_ROWS_PER_STATEMENT) {
            size_t end = i + CYPHER_OUT_ROWS_PER_STATEMENT;
            LT_TRY(emit_statement(s, st, src, i, end < tx_end ? end : tx_end, err));
        }
        LT_TRY(emit_text(s, CYPHER_OUT_COMMIT, err));
    }
    return LT_OK;
}

enum lt_rc cypher_out_table(struct cypher_out_sink *s, const struct tmpl *t,
                            const struct cypher_out_rows *src, struct lt_error *err)
{
    if (src->n == 0) {
        return LT_OK;
    }
    struct statement st;
    enum lt_rc rc = statement_open(&st, t, "rows", err);
    if (rc == LT_OK) {
        rc = emit_transactions(s, &st, src, err);
    }
    statement_close(&st);
    if (rc == LT_OK) {
        s->rows += src->n;
    }
    return rc;
}

static enum lt_rc scope_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    (void)err;
    const struct cypher_out_scope *sc = &((const struct cypher_out_scope *)table)[i];
    LT_TRY(esc_cypher_map_key(b, true, "account_id"));
    LT_TRY(esc_cypher_string(b, sc->account_id, strlen(sc->account_id)));
    LT_TRY(esc_cypher_map_key(b, false, "regions"));
    LT_TRY(esc_cypher_string_list(b, sc->regions, sc->nregions));
    return esc_cypher_map_end(b);
}

enum lt_rc cypher_out_scoped(struct cypher_out_sink *s, const struct tmpl *t,
                             const struct cypher_out_scope *scopes, size_t n, struct lt_error *err)
{
    struct cypher_out_rows src = {scope_literal, scopes, n};
    struct statement st;
    enum lt_rc rc = statement_open(&st, t, "scopes", err);
    if (rc == LT_OK) {
        rc = emit_text(s, CYPHER_OUT_BEGIN, err);
    }
    if (rc == LT_OK) {
        rc = emit_statement(s, &st, &src, 0, n, err);
    }
    if (rc == LT_OK) {
        rc = emit_text(s, CYPHER_OUT_COMMIT, err);
    }
    statement_close(&st);
    return rc;
}

/* ---- snapshot.cypher from a model ---- */

/* One table of the model, its rows read back through a model_reader and shown to the observer. */
struct model_table {
    struct model_reader *reader;
    const struct cypher_out_observer *observer; /* or NULL */
    int kind;                                   /* enum schema_node_kind or schema_rel_kind */
    struct esc_cypher_key *keys;                /* node tables: node_keys_new */
};

static enum lt_rc node_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    const struct model_table *t = table;
    enum schema_node_kind k = (enum schema_node_kind)t->kind;
    const struct model_value *values;
    LT_TRY(model_read_node(t->reader, k, i, &values, err));
    if (t->observer) { /* before the next read replaces the values */
        LT_TRY(t->observer->node(t->observer->ctx, k, i, values, err));
    }
    return node_row(b, &schema_nodes[k], t->keys, values);
}

static enum lt_rc rel_literal(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    const struct model_table *t = table;
    enum schema_rel_kind k = (enum schema_rel_kind)t->kind;
    struct model_rel rel;
    LT_TRY(model_read_rel(t->reader, k, i, &rel, err));
    if (t->observer) {
        LT_TRY(t->observer->rel(t->observer->ctx, k, i, &rel, err));
    }
    return cypher_out_rel_literal(b, rel.from, rel.to);
}

static enum lt_rc tombstone_literal(struct buf *b, const void *table, size_t i,
                                    struct lt_error *err)
{
    (void)err;
    const struct model_tombstone *t = &((const struct model_tombstone *)table)[i];
    return cypher_out_tombstone_literal(b, t->id, t->account_id, t->region);
}

/* Every account with its complete regions (an account whose regions all failed has none). */
static struct cypher_out_scope *model_scopes(const struct model *m, const char ***regions)
{
    size_t naccounts = m->nnodes[SCHEMA_NODE_ACCOUNT];
    struct cypher_out_scope *scopes = mem_calloc(naccounts ? naccounts : 1, sizeof(*scopes));
    *regions = mem_calloc(m->nscopes ? m->nscopes : 1, sizeof(**regions));
    size_t used = 0;
    for (size_t i = 0; i < naccounts; i++) {
        const char *account = m->accounts[i];
        scopes[i] = (struct cypher_out_scope){account, *regions + used, 0};
        for (size_t k = 0; k < m->nscopes; k++) {
            const struct model_scope *sc = &m->scopes[k];
            if (sc->status == MODEL_SCOPE_COMPLETE && strcmp(sc->account_id, account) == 0) {
                (*regions)[used++] = sc->region;
                scopes[i].nregions++;
            }
        }
    }
    return scopes;
}

static enum lt_rc emit_cleanup(struct cypher_out_sink *s, const struct cypher_out_templates *t,
                               const struct model *m, struct lt_error *err)
{
    if (m->nnodes[SCHEMA_NODE_ACCOUNT] == 0) {
        return LT_OK;
    }
    const char **regions = NULL;
    struct cypher_out_scope *scopes = model_scopes(m, &regions);
    enum lt_rc rc = cypher_out_scoped(s, &t->fixed[CYPHER_OUT_T_CLEANUP], scopes,
                                      m->nnodes[SCHEMA_NODE_ACCOUNT], err);
    mem_free(scopes);
    mem_free(regions);
    return rc;
}

static enum lt_rc write_tables(struct cypher_out_sink *s, const struct cypher_out_templates *t,
                               const struct model *m, struct model_reader *r,
                               const struct cypher_out_observer *observer, struct lt_error *err)
{
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        struct model_table table = {r, observer, k, node_keys_new(&schema_nodes[k])};
        struct cypher_out_rows src = {node_literal, &table, m->nnodes[k]};
        enum lt_rc rc = cypher_out_table(s, &t->nodes[k], &src, err);
        mem_free(table.keys);
        LT_TRY(rc);
    }
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        struct model_table table = {r, observer, k, NULL};
        struct cypher_out_rows src = {rel_literal, &table, m->nrels[k]};
        LT_TRY(cypher_out_table(s, &t->rels[k], &src, err));
    }
    struct cypher_out_rows gone = {tombstone_literal, m->tombstones, m->ntombstones};
    LT_TRY(cypher_out_table(s, &t->fixed[CYPHER_OUT_T_TOMBSTONES], &gone, err));
    return emit_cleanup(s, t, m, err);
}

static enum lt_rc write_snapshot(struct cypher_out_sink *s, const struct cypher_out_templates *t,
                                 const struct model *m, const struct cypher_out_options *o,
                                 const struct cypher_out_observer *observer, struct lt_error *err)
{
    LT_TRY(cypher_out_header(s, t, o->pin_update_tag, o->update_tag, err));
    LT_TRY(cypher_out_plain(s, &t->fixed[CYPHER_OUT_T_INDEXES], err));
    struct model_reader *r = model_reader_new(m);
    enum lt_rc rc = write_tables(s, t, m, r, observer, err);
    model_reader_free(r);
    return rc;
}

static enum lt_rc write_post_import(struct cypher_out_sink *s, const struct cypher_out_templates *t,
                                    const struct cypher_out_options *o, struct lt_error *err)
{
    LT_TRY(cypher_out_header(s, t, o->pin_update_tag, o->update_tag, err));
    LT_TRY(cypher_out_plain(s, &t->fixed[CYPHER_OUT_T_INDEXES], err));
    return cypher_out_plain(s, &t->fixed[CYPHER_OUT_T_POST_IMPORT], err);
}

static enum lt_rc writer_sink(void *ctx, const char *text, size_t len, struct lt_error *err)
{
    return fsx_writer_add(ctx, text, len, err);
}

/* snapshot.cypher, or post-import.cypher (which takes nothing from the model). */
static enum lt_rc write_script(struct snapdir *d, const char *name,
                               const struct cypher_out_templates *t, const struct model *m,
                               const struct cypher_out_options *o,
                               const struct cypher_out_observer *observer, bool post_import,
                               struct lt_error *err)
{
    struct fsx_writer w;
    LT_TRY(snapdir_open(d, name, &w, err));
    struct cypher_out_sink s = {writer_sink, &w, 0};
    enum lt_rc rc =
        post_import ? write_post_import(&s, t, o, err) : write_snapshot(&s, t, m, o, observer, err);
    if (rc != LT_OK) {
        fsx_writer_abort(&w);
        return rc;
    }
    return snapdir_close(d, &w, name, s.rows, err);
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
    struct cypher_out_templates t;
    LT_TRY(cypher_out_templates_load(&t, opts->templates_dir, err));
    enum lt_rc rc = dry_render(
        &t.fixed[opts->pin_update_tag ? CYPHER_OUT_T_HEADER_PINNED : CYPHER_OUT_T_HEADER],
        opts->pin_update_tag ? "update_tag" : NULL, "0", err);
    static const int plain[] = {CYPHER_OUT_T_INDEXES, CYPHER_OUT_T_POST_IMPORT};
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
        rc = dry_render(&t.fixed[CYPHER_OUT_T_TOMBSTONES], "rows", "[]", err);
    }
    if (rc == LT_OK) {
        rc = dry_render(&t.fixed[CYPHER_OUT_T_CLEANUP], "scopes", "[]", err);
    }
    cypher_out_templates_release(&t);
    return rc;
}

enum lt_rc cypher_out_write(struct snapdir *d, const struct model *m,
                            const struct cypher_out_options *opts,
                            const struct cypher_out_observer *observer, struct lt_error *err)
{
    struct cypher_out_templates t;
    LT_TRY(cypher_out_templates_load(&t, opts->templates_dir, err));
    enum lt_rc rc = write_script(d, CYPHER_OUT_SNAPSHOT, &t, m, opts, observer, false, err);
    if (rc == LT_OK) {
        rc = write_script(d, CYPHER_OUT_POST_IMPORT, &t, m, opts, NULL, true, err);
    }
    cypher_out_templates_release(&t);
    return rc;
}

/* ---- reading a rows list back ---- */

struct read_state {
    struct esc_cypher_reader *r;
    struct cypher_out_read *out;
    size_t entries_cap, rows_cap;
};

static void push_entry(struct read_state *st, struct cypher_out_entry e)
{
    struct cypher_out_read *o = st->out;
    if (o->nentries == st->entries_cap) {
        st->entries_cap = st->entries_cap ? 2 * st->entries_cap : 64;
        o->entries = mem_realloc_array(o->entries, st->entries_cap, sizeof(*o->entries));
    }
    o->entries[o->nentries++] = e;
}

static void push_row_start(struct read_state *st)
{
    struct cypher_out_read *o = st->out;
    if (o->nrows + 1 >= st->rows_cap) {
        st->rows_cap = st->rows_cap ? 2 * st->rows_cap : 64;
        o->first = mem_realloc_array(o->first, st->rows_cap, sizeof(*o->first));
    }
    o->first[o->nrows] = o->nentries;
}

/* One "{k: v, ...}" (or "{}") row. */
static enum lt_rc read_row(struct read_state *st)
{
    struct esc_cypher_reader *r = st->r;
    push_row_start(st);
    if (esc_cypher_read_token(r, "{}")) {
        st->out->nrows++;
        st->out->first[st->out->nrows] = st->out->nentries;
        return LT_OK;
    }
    for (bool first = true; first || !esc_cypher_read_token(r, "}"); first = false) {
        const char *name = NULL;
        struct cypher_out_entry e = {0};
        LT_TRY(esc_cypher_read_map_key(r, first, &name, &e.keylen));
        e.key = (size_t)(name - r->text);
        e.value = r->pos;
        LT_TRY(esc_cypher_skip_value(r, &e.kind));
        e.valuelen = r->pos - e.value;
        push_entry(st, e);
    }
    st->out->nrows++;
    st->out->first[st->out->nrows] = st->out->nentries;
    return LT_OK;
}

static enum lt_rc read_rows(struct read_state *st)
{
    struct esc_cypher_reader *r = st->r;
    if (!esc_cypher_read_token(r, "[\n")) {
        r->bad = r->pos;
        r->why = "not a list of rows (\"[\" and a line break)";
        return LT_E_INPUT;
    }
    push_row_start(st);
    if (esc_cypher_read_token(r, "]")) {
        return LT_OK;
    }
    for (;;) {
        if (!esc_cypher_read_token(r, "  ")) {
            r->bad = r->pos;
            r->why = "a row that does not start a line with two spaces";
            return LT_E_INPUT;
        }
        LT_TRY(read_row(st));
        if (esc_cypher_read_token(r, "\n]")) {
            return LT_OK;
        }
        if (!esc_cypher_read_token(r, ",\n")) {
            r->bad = r->pos;
            r->why = "a row not followed by \",\" or the end of the list";
            return LT_E_INPUT;
        }
    }
}

void cypher_out_read_release(struct cypher_out_read *out)
{
    mem_free(out->entries);
    mem_free(out->first);
    memset(out, 0, sizeof(*out));
}

enum lt_rc cypher_out_read_rows(struct esc_cypher_reader *r, struct cypher_out_read *out)
{
    memset(out, 0, sizeof(*out));
    size_t start = r->pos;
    struct read_state st = {r, out, 0, 0};
    enum lt_rc rc = read_rows(&st);
    if (rc != LT_OK) {
        cypher_out_read_release(out);
        r->pos = start;
    }
    return rc;
}
