#include "write/csv_out.h"

#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "model/schema.h"
#include "write/esc_csv.h"

/* Bytes of a row's id quoted in a message about the row. */
#define ROW_LABEL_ID_MAX 200

/* One CSV file being written: rows accumulate in line, which is flushed per row. */
struct csv_file {
    struct fsx_writer w;
    struct buf line;
    uint64_t rows;
    bool multiline; /* a value holds a line break */
};

/*
 * What a value being written belongs to, for error messages: a node
 * ("AWSLaunchTemplate 'lt-...'": name is the label, id the node's id) or a
 * file (name only). Messages are made only when something fails.
 */
struct where {
    const char *name;
    const char *id; /* NULL: name is a file */
};

/*
 * Ids are as long as the data makes them (a tag's is its key and value): a
 * long one is cut at a character boundary and marked with "...", so the
 * message keeps its own text.
 */
static enum lt_rc fail_at(struct lt_error *err, enum lt_rc code, const struct where *w,
                          const char *msg)
{
    if (!w->id) {
        return lt_fail(err, code, "%s: %s", w->name, msg);
    }
    size_t n = strlen(w->id);
    const char *more = "";
    if (n > ROW_LABEL_ID_MAX) {
        n = ROW_LABEL_ID_MAX;
        while (n > 0 && ((unsigned char)w->id[n] & 0xC0) == 0x80) {
            n--; /* not inside a UTF-8 sequence */
        }
        more = "...";
    }
    return lt_fail(err, code, "%s '%.*s%s': %s", w->name, (int)n, w->id, more, msg);
}

static enum lt_rc end_line(struct csv_file *f, const struct where *w, struct lt_error *err)
{
    if (buf_addc(&f->line, '\n') != LT_OK) {
        return fail_at(err, LT_E_LIMIT, w, "row too large");
    }
    LT_TRY(fsx_writer_add(&f->w, buf_str(&f->line), f->line.len, err));
    buf_reset(&f->line);
    return LT_OK;
}

static enum lt_rc add_raw(struct csv_file *f, const char *s, const struct where *w,
                          struct lt_error *err)
{
    if (buf_adds(&f->line, s) != LT_OK) {
        return fail_at(err, LT_E_LIMIT, w, "row too large");
    }
    return LT_OK;
}

/* The field separator: written between every two fields of every row. */
static enum lt_rc add_comma(struct csv_file *f, const struct where *w, struct lt_error *err)
{
    if (buf_addc(&f->line, ',') != LT_OK) {
        return fail_at(err, LT_E_LIMIT, w, "row too large");
    }
    return LT_OK;
}

static enum lt_rc add_string(struct csv_file *f, const char *s, size_t n, const struct where *w,
                             struct lt_error *err)
{
    if (esc_csv_field(&f->line, s, n, &f->multiline) != LT_OK) {
        return fail_at(err, LT_E_INPUT, w, "value cannot be written to CSV");
    }
    return LT_OK;
}

static enum lt_rc add_array(struct csv_file *f, const struct schema_prop *p,
                            const struct model_value *v, const struct where *w,
                            struct lt_error *err)
{
    if (esc_csv_array(&f->line, (const char *const *)v->items, v->nitems, &f->multiline) == LT_OK) {
        return LT_OK;
    }
    struct buf msg = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = buf_printf(&msg,
                               "property '%s' has an element that is empty or holds U+001F, "
                               "which neo4j-admin arrays cannot carry",
                               p->name);
    rc = fail_at(err, LT_E_INPUT, w, rc == LT_OK ? buf_str(&msg) : "bad array");
    buf_release(&msg);
    return rc;
}

static enum lt_rc add_value(struct csv_file *f, const struct schema_prop *p,
                            const struct model_value *v, const struct where *w,
                            struct lt_error *err)
{
    if (!v->present) {
        return LT_OK;
    }
    switch (p->type) {
    case SCHEMA_STRING:
        return add_string(f, v->str, v->len, w, err);
    case SCHEMA_LONG:
        if (buf_add_int(&f->line, v->num) != LT_OK) {
            return fail_at(err, LT_E_LIMIT, w, "row too large");
        }
        return LT_OK;
    case SCHEMA_BOOLEAN:
        return add_raw(f, v->flag ? "true" : "false", w, err);
    case SCHEMA_STRING_ARRAY:
        return add_array(f, p, v, w, err);
    }
    return lt_fail(err, LT_E_INTERNAL, "unknown property type");
}

static enum lt_rc open_file(struct snapdir *d, struct csv_file *f, const char *name,
                            struct lt_error *err)
{
    memset(f, 0, sizeof(*f));
    buf_init(&f->line, BUF_MAX_LARGE);
    return snapdir_open(d, name, &f->w, err);
}

static enum lt_rc close_file(struct snapdir *d, struct csv_file *f, const char *name,
                             struct lt_error *err)
{
    buf_release(&f->line);
    return snapdir_close(d, &f->w, name, f->rows, err);
}

static void abort_file(struct csv_file *f)
{
    buf_release(&f->line);
    fsx_writer_abort(&f->w);
}

enum lt_rc csv_out_node_header(struct buf *h, const struct schema_node *n)
{
    LT_TRY(buf_printf(h, "%s:ID(%s),:LABEL", n->props[0].name, n->label));
    for (size_t i = 1; i < n->nprops; i++) {
        /* A string column needs no type: neo4j-admin's default. */
        enum schema_type type = n->props[i].type;
        LT_TRY(buf_printf(h, ",%s%s%s", n->props[i].name, type == SCHEMA_STRING ? "" : ":",
                          type == SCHEMA_STRING ? "" : schema_type_name(type)));
    }
    return LT_OK;
}

enum lt_rc csv_out_rel_header(struct buf *h, const struct schema_rel *r)
{
    return buf_printf(h, ":START_ID(%s),:END_ID(%s),:TYPE", schema_nodes[r->from].label,
                      schema_nodes[r->to].label);
}

enum lt_rc csv_out_tombstones_header(struct buf *h)
{
    for (size_t i = 0; i < schema_tombstone_ncolumns; i++) {
        LT_TRY(buf_adds(h, i ? "," : ""));
        LT_TRY(buf_adds(h, schema_tombstone_columns[i]));
    }
    return LT_OK;
}

static enum lt_rc node_header(struct csv_file *f, const struct schema_node *n, struct lt_error *err)
{
    struct buf h = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = csv_out_node_header(&h, n);
    struct where w = {n->file, NULL};
    if (rc == LT_OK) {
        rc = add_raw(f, buf_str(&h), &w, err);
    }
    buf_release(&h);
    return rc == LT_OK ? end_line(f, &w, err) : rc;
}

/* The :LABEL field of a node table, the same on every row: written once, copied per row. */
static enum lt_rc labels_field(struct buf *out, const struct schema_node *n, struct lt_error *err)
{
    const char *labels[2] = {n->label, n->extra_label};
    bool line_break = false;
    if (esc_csv_array(out, labels, n->extra_label ? 2 : 1, &line_break) != LT_OK || line_break) {
        return lt_fail(err, LT_E_INTERNAL, "cannot write labels");
    }
    return LT_OK;
}

static enum lt_rc node_row(struct csv_file *f, const struct schema_node *n,
                           const struct buf *labels, const struct model_value *values,
                           struct lt_error *err)
{
    struct where w = {n->label, values[0].str};
    enum lt_rc rc = add_value(f, &n->props[0], &values[0], &w, err);
    if (rc == LT_OK) {
        rc = add_comma(f, &w, err);
    }
    if (rc == LT_OK && buf_addb(&f->line, labels) != LT_OK) {
        rc = fail_at(err, LT_E_LIMIT, &w, "row too large");
    }
    for (size_t i = 1; rc == LT_OK && i < n->nprops; i++) {
        rc = add_comma(f, &w, err);
        if (rc == LT_OK) {
            rc = add_value(f, &n->props[i], &values[i], &w, err);
        }
    }
    if (rc == LT_OK) {
        rc = end_line(f, &w, err);
        f->rows++;
    }
    return rc;
}

static enum lt_rc rel_header(struct csv_file *f, const struct schema_rel *r, struct lt_error *err)
{
    struct where w = {r->file, NULL};
    struct buf h = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = csv_out_rel_header(&h, r);
    if (rc == LT_OK) {
        rc = add_raw(f, buf_str(&h), &w, err);
    }
    buf_release(&h);
    return rc == LT_OK ? end_line(f, &w, err) : rc;
}

static enum lt_rc rel_row(struct csv_file *f, const struct schema_rel *r,
                          const struct model_rel *rel, struct lt_error *err)
{
    struct where w = {r->file, NULL};
    enum lt_rc rc = add_string(f, rel->from, strlen(rel->from), &w, err);
    if (rc == LT_OK) {
        rc = add_comma(f, &w, err);
    }
    if (rc == LT_OK) {
        rc = add_string(f, rel->to, strlen(rel->to), &w, err);
    }
    if (rc == LT_OK) {
        rc = add_comma(f, &w, err);
    }
    if (rc == LT_OK) {
        rc = add_string(f, r->type, strlen(r->type), &w, err);
    }
    if (rc == LT_OK) {
        rc = end_line(f, &w, err);
        f->rows++;
    }
    return rc;
}

static const struct where tombstones_file = {CSV_OUT_TOMBSTONES, NULL};

static enum lt_rc add_optional(struct csv_file *f, const char *s, struct lt_error *err)
{
    return s ? add_string(f, s, strlen(s), &tombstones_file, err) : LT_OK;
}

static enum lt_rc write_tombstones(struct snapdir *d, const struct model *m, struct lt_error *err)
{
    struct csv_file f;
    LT_TRY(open_file(d, &f, CSV_OUT_TOMBSTONES, err));
    struct buf h = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = csv_out_tombstones_header(&h);
    if (rc == LT_OK) {
        rc = add_raw(&f, buf_str(&h), &tombstones_file, err);
    }
    buf_release(&h);
    if (rc == LT_OK) {
        rc = end_line(&f, &tombstones_file, err);
    }
    for (size_t i = 0; rc == LT_OK && i < m->ntombstones; i++) {
        const struct model_tombstone *t = &m->tombstones[i];
        const char *cols[] = {t->kind, t->id, t->name, t->account_id, t->region, t->reason};
        for (size_t c = 0; rc == LT_OK && c < LT_ARRAY_SIZE(cols); c++) {
            rc = add_raw(&f, c ? "," : "", &tombstones_file, err);
            if (rc == LT_OK) {
                rc = add_optional(&f, cols[c], err);
            }
        }
        if (rc == LT_OK) {
            rc = end_line(&f, &tombstones_file, err);
            f.rows++;
        }
    }
    if (rc != LT_OK) {
        abort_file(&f);
        return rc;
    }
    return close_file(d, &f, CSV_OUT_TOMBSTONES, err);
}

/*
 * The argfile. Multi-value options (--nodes, --relationships) come first and
 * single-value ones last, so a database name after "@file" on the command
 * line is not taken for one more input file (neo4j-admin 5.19+).
 */
enum lt_rc csv_out_argfile_text(struct buf *a, bool multiline, uint64_t *args)
{
    *args = 0;
    LT_TRY(buf_adds(a, "# Written by ltsnap. Run from this directory:\n"
                       "#   neo4j-admin database import full "
                       "@" CSV_OUT_ARGFILE " <database>\n"));
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++, (*args)++) {
        LT_TRY(buf_printf(a, "--nodes=%s\n", schema_nodes[k].file));
    }
    for (int k = 0; k < SCHEMA_REL_COUNT; k++, (*args)++) {
        LT_TRY(buf_printf(a, "--relationships=%s\n", schema_rels[k].file));
    }
    *args += 7;
    return buf_printf(a,
                      "--delimiter=,\n"
                      "--array-delimiter=%s\n"
                      "--id-type=string\n"
                      "--input-encoding=UTF-8\n"
                      "--ignore-empty-strings=false\n"
                      "--trim-strings=false\n"
                      "--multiline-fields=%s\n",
                      ESC_CSV_ARRAY_DELIM_OPTION, multiline ? "true" : "false");
}

static enum lt_rc write_argfile(struct snapdir *d, bool multiline, struct lt_error *err)
{
    struct buf a = BUF_INIT(BUF_MAX_SMALL);
    uint64_t args = 0;
    enum lt_rc rc = csv_out_argfile_text(&a, multiline, &args);
    if (rc != LT_OK) {
        buf_release(&a);
        return lt_fail(err, LT_E_INTERNAL, "cannot build the argfile");
    }
    struct fsx_writer w;
    rc = snapdir_open(d, CSV_OUT_ARGFILE, &w, err);
    if (rc == LT_OK) {
        rc = fsx_writer_add(&w, buf_str(&a), a.len, err);
        rc = rc == LT_OK ? snapdir_close(d, &w, CSV_OUT_ARGFILE, args, err)
                         : (fsx_writer_abort(&w), rc);
    }
    buf_release(&a);
    return rc;
}

/* ---- the node and relationship files, row by row ---- */

/* Node tables 0..SCHEMA_NODE_COUNT-1, then relationship tables: one index for both. */
#define TABLE_COUNT ((size_t)SCHEMA_NODE_COUNT + SCHEMA_REL_COUNT)

struct csv_out_stream {
    struct snapdir *d;
    const struct model *m;
    size_t table; /* the table being written (open) or the next to start */
    bool open;
    struct csv_file f;
    struct buf labels; /* node tables: the :LABEL field, the same on every row */
    bool multiline;    /* a file closed so far holds a line break */
};

static const char *table_file(size_t t)
{
    return t < SCHEMA_NODE_COUNT ? schema_nodes[t].file : schema_rels[t - SCHEMA_NODE_COUNT].file;
}

static size_t table_rows(const struct model *m, size_t t)
{
    return t < SCHEMA_NODE_COUNT ? m->nnodes[t] : m->nrels[t - SCHEMA_NODE_COUNT];
}

static enum lt_rc start_table(struct csv_out_stream *s, struct lt_error *err)
{
    LT_TRY(open_file(s->d, &s->f, table_file(s->table), err));
    enum lt_rc rc;
    if (s->table < SCHEMA_NODE_COUNT) {
        const struct schema_node *n = &schema_nodes[s->table];
        buf_reset(&s->labels);
        rc = node_header(&s->f, n, err);
        if (rc == LT_OK) {
            rc = labels_field(&s->labels, n, err);
        }
    } else {
        rc = rel_header(&s->f, &schema_rels[s->table - SCHEMA_NODE_COUNT], err);
    }
    if (rc != LT_OK) {
        abort_file(&s->f);
        return rc;
    }
    s->open = true;
    return LT_OK;
}

/* Closes the table being written, which must have had all its rows. */
static enum lt_rc end_table(struct csv_out_stream *s, struct lt_error *err)
{
    const char *name = table_file(s->table);
    size_t want = table_rows(s->m, s->table);
    if (s->f.rows != want) {
        return lt_fail(err, LT_E_INTERNAL, "%s: %llu of its %zu rows written", name,
                       (unsigned long long)s->f.rows, want);
    }
    s->open = false; /* the writer is released whether the close succeeds or not */
    s->table++;
    s->multiline = s->multiline || s->f.multiline;
    return close_file(s->d, &s->f, name, err);
}

/* Ends every table before t; one that had no rows gets its file with the header only. */
static enum lt_rc end_tables_before(struct csv_out_stream *s, size_t t, struct lt_error *err)
{
    while (s->table < t) {
        LT_TRY(s->open ? end_table(s, err) : start_table(s, err));
    }
    return LT_OK;
}

/*
 * Makes row i of table t the next line to write. Rows must come once each
 * and in order, as the files hold them: anything else is a caller's bug,
 * caught here rather than written as a wrong file.
 */
static enum lt_rc go_to_row(struct csv_out_stream *s, size_t t, size_t i, struct lt_error *err)
{
    if (s->open && s->table == t && s->f.rows == i) {
        return LT_OK; /* the next row of the same table: nearly every row */
    }
    if (t >= TABLE_COUNT || t < s->table) {
        return lt_fail(err, LT_E_INTERNAL, "CSV rows out of order: table %zu after table %zu", t,
                       s->table);
    }
    LT_TRY(end_tables_before(s, t, err));
    if (!s->open) {
        LT_TRY(start_table(s, err));
    }
    if (s->f.rows != i) {
        return lt_fail(err, LT_E_INTERNAL, "%s: row %zu came where row %llu belongs", table_file(t),
                       i, (unsigned long long)s->f.rows);
    }
    return LT_OK;
}

struct csv_out_stream *csv_out_stream_new(struct snapdir *d, const struct model *m)
{
    struct csv_out_stream *s = mem_calloc(1, sizeof(*s));
    s->d = d;
    s->m = m;
    buf_init(&s->labels, BUF_MAX_SMALL);
    return s;
}

enum lt_rc csv_out_stream_node(struct csv_out_stream *s, enum schema_node_kind k, size_t i,
                               const struct model_value *values, struct lt_error *err)
{
    LT_TRY(go_to_row(s, (size_t)k, i, err));
    return node_row(&s->f, &schema_nodes[k], &s->labels, values, err);
}

enum lt_rc csv_out_stream_rel(struct csv_out_stream *s, enum schema_rel_kind k, size_t i,
                              const struct model_rel *rel, struct lt_error *err)
{
    LT_TRY(go_to_row(s, SCHEMA_NODE_COUNT + (size_t)k, i, err));
    return rel_row(&s->f, &schema_rels[k], rel, err);
}

/* Frees s, removing the file it was writing if any. */
static void stream_free(struct csv_out_stream *s)
{
    if (s->open) {
        abort_file(&s->f);
    }
    buf_release(&s->labels);
    mem_free(s);
}

void csv_out_stream_abort(struct csv_out_stream *s)
{
    if (s) {
        stream_free(s);
    }
}

enum lt_rc csv_out_stream_finish(struct csv_out_stream *s, struct lt_error *err)
{
    struct snapdir *d = s->d;
    const struct model *m = s->m;
    enum lt_rc rc = end_tables_before(s, TABLE_COUNT, err);
    bool multiline = s->multiline;
    stream_free(s);
    LT_TRY(rc);
    LT_TRY(write_tombstones(d, m, err));
    return write_argfile(d, multiline, err);
}
