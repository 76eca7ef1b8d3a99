/*
 * verify_script.c - the argfile and the two Cypher scripts. snapshot.cypher
 * is read back statement by statement: each must be a template (the node
 * and relationship merges, the tombstone deletions, the cleanup) rendered
 * with a literal rows list, which cypher_out's reader and esc_cypher's
 * literal reader take apart; the rows are then compared with the CSVs.
 */
#include <string.h>

#include "base/json.h"
#include "base/mem.h"
#include "snap/verify_internal.h"
#include "write/csv_out.h"

/* ---- the argfile ---- */

/* The arguments of an argfile: its lines that are neither empty nor '#' comments. */
struct args {
    const char **arg;
    size_t *len;
    size_t n;
};

static void split_args(const char *text, size_t len, struct args *a)
{
    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end > i && text[i] != '#') {
            a->arg = mem_realloc_array(a->arg, a->n + 1, sizeof(*a->arg));
            a->len = mem_realloc_array(a->len, a->n + 1, sizeof(*a->len));
            a->arg[a->n] = text + i;
            a->len[a->n++] = end - i;
        }
        i = end + 1;
    }
}

static void args_release(struct args *a)
{
    mem_free(a->arg);
    mem_free(a->len);
}

static size_t args_find(const struct args *a, const char *s, size_t n)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->len[i] == n && memcmp(a->arg[i], s, n) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static bool is_multiline_arg(const char *s, size_t n)
{
    static const char opt[] = "--multiline-fields=";
    return n >= sizeof(opt) - 1 && memcmp(s, opt, sizeof(opt) - 1) == 0;
}

/* Every CSV table parsed, so whether a value holds a line break is known. */
static bool multiline_known(const struct verify_ctx *c)
{
    for (size_t i = 0; i < VF_TOMBSTONES; i++) {
        if (!c->table_ok[i]) {
            return false;
        }
    }
    return true;
}

static void compare_args(struct verify_ctx *c, const struct args *have, const struct args *want)
{
    const char *name = c->in[VF_ARGFILE].name;
    bool known = multiline_known(c);
    bool in_order = have->n == want->n;
    for (size_t i = 0; i < want->n; i++) {
        if (!known && is_multiline_arg(want->arg[i], want->len[i])) {
            continue;
        }
        if (args_find(have, want->arg[i], want->len[i]) == SIZE_MAX) {
            verify_problem(c, name, "does not have '%.*s'%s", (int)want->len[i], want->arg[i],
                           is_multiline_arg(want->arg[i], want->len[i])
                               ? (c->multiline ? " (a CSV value holds a line break)"
                                               : " (no CSV value holds a line break)")
                               : "");
        }
        in_order = in_order && have->len[i] == want->len[i] &&
                   memcmp(have->arg[i], want->arg[i], want->len[i]) == 0;
    }
    for (size_t i = 0; i < have->n; i++) {
        if ((known || !is_multiline_arg(have->arg[i], have->len[i])) &&
            args_find(want, have->arg[i], have->len[i]) == SIZE_MAX) {
            verify_problem(c, name, "has '%.*s%s', which ltsnap does not write for these files",
                           verify_excerpt_len(have->len[i]), have->arg[i],
                           verify_excerpt_more(have->len[i]));
        }
    }
    if (!in_order && have->n == want->n && known) {
        verify_problem(c, name,
                       "the arguments are not in the order ltsnap writes them (input "
                       "files first, single-value options last)");
    }
}

void verify_argfile(struct verify_ctx *c)
{
    struct verify_input *in = &c->in[VF_ARGFILE];
    if (!in->read) {
        return;
    }
    struct buf text = BUF_INIT(BUF_MAX_SMALL);
    uint64_t nargs = 0;
    if (csv_out_argfile_text(&text, c->multiline, &nargs) != LT_OK) {
        verify_problem(c, in->name, "cannot build the expected arguments");
        return;
    }
    struct args have, want;
    split_args(buf_str(&in->text), in->text.len, &have);
    split_args(buf_str(&text), text.len, &want);
    compare_args(c, &have, &want);
    int64_t rows = verify_manifest_count(in->entry, "rows");
    if (in->entry && (uint64_t)rows != have.n) {
        verify_problem(c, in->name, "%zu arguments, manifest.json says %lld", have.n,
                       (long long)rows);
    }
    args_release(&have);
    args_release(&want);
    buf_release(&text);
}

/* ---- the scripts ---- */

enum stmt_kind { ST_NODES, ST_RELS, ST_TOMBSTONES, ST_CLEANUP };

struct stmt_template {
    enum stmt_kind what;
    size_t kind; /* node or relationship kind */
    struct tmpl_parts parts;
};

#define NSTMT (SCHEMA_NODE_COUNT + SCHEMA_REL_COUNT + 2)

/* What the templates make, rendered once for both scripts. */
struct expect {
    struct buf header;        /* load-time parameter line */
    struct tmpl_parts pinned; /* pinned parameter line, {{update_tag}} open */
    struct buf indexes;
    struct buf post_import;
    struct stmt_template stmts[NSTMT];
    bool ok;
};

static void expect_release(struct expect *e)
{
    buf_release(&e->header);
    tmpl_parts_release(&e->pinned);
    buf_release(&e->indexes);
    buf_release(&e->post_import);
    for (size_t i = 0; i < NSTMT; i++) {
        tmpl_parts_release(&e->stmts[i].parts);
    }
}

static enum lt_rc split_stmt(struct stmt_template *st, enum stmt_kind what, size_t kind,
                             const struct tmpl *t, struct lt_error *err)
{
    st->what = what;
    st->kind = kind;
    return tmpl_split(t, what == ST_CLEANUP ? "scopes" : "rows", NULL, 0, &st->parts, err);
}

static enum lt_rc build_expect(const struct cypher_out_templates *t, struct expect *e,
                               struct lt_error *err)
{
    const struct tmpl *f = t->fixed;
    buf_init(&e->header, BUF_MAX_SMALL);
    buf_init(&e->indexes, BUF_MAX_SMALL);
    buf_init(&e->post_import, BUF_MAX_SMALL);
    LT_TRY(tmpl_render(&f[CYPHER_OUT_T_HEADER], NULL, 0, &e->header, err));
    LT_TRY(tmpl_split(&f[CYPHER_OUT_T_HEADER_PINNED], "update_tag", NULL, 0, &e->pinned, err));
    LT_TRY(tmpl_render(&f[CYPHER_OUT_T_INDEXES], NULL, 0, &e->indexes, err));
    LT_TRY(tmpl_render(&f[CYPHER_OUT_T_POST_IMPORT], NULL, 0, &e->post_import, err));
    size_t n = 0;
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        LT_TRY(split_stmt(&e->stmts[n++], ST_NODES, k, &t->nodes[k], err));
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        LT_TRY(split_stmt(&e->stmts[n++], ST_RELS, k, &t->rels[k], err));
    }
    LT_TRY(split_stmt(&e->stmts[n++], ST_TOMBSTONES, 0, &f[CYPHER_OUT_T_TOMBSTONES], err));
    LT_TRY(split_stmt(&e->stmts[n++], ST_CLEANUP, 0, &f[CYPHER_OUT_T_CLEANUP], err));
    e->ok = true;
    return LT_OK;
}

/* A script being read, with a cursor and the line it is on. */
struct script {
    struct verify_ctx *c;
    const struct expect *e;
    const char *name;
    const char *text;
    size_t len, pos;
    size_t line_pos, line; /* line (1-based) of offset line_pos, advanced monotonically */
};

static size_t line_at(struct script *s, size_t pos)
{
    if (pos < s->line_pos) {
        s->line_pos = 0;
        s->line = 1;
    }
    for (size_t i = s->line_pos; i < pos && i < s->len; i++) {
        s->line += s->text[i] == '\n';
    }
    s->line_pos = pos;
    return s->line;
}

static bool take(struct script *s, const char *text, size_t n)
{
    if (s->len - s->pos < n || memcmp(s->text + s->pos, text, n) != 0) {
        return false;
    }
    s->pos += n;
    return true;
}

/* The parameter line: true and what it says when it is one the templates make. */
static bool read_header(struct script *s, bool *pinned, int64_t *tag)
{
    const struct expect *e = s->e;
    if (take(s, buf_str(&e->header), e->header.len)) {
        *pinned = false;
        return true;
    }
    const struct tmpl_parts *p = &e->pinned;
    size_t start = s->pos;
    if (p->ncuts == 1 && take(s, buf_str(&p->text), p->cuts[0])) {
        struct esc_cypher_reader r;
        esc_cypher_reader_init(&r, s->text, s->len);
        r.pos = s->pos;
        if (esc_cypher_read_int(&r, tag) == LT_OK) {
            s->pos = r.pos;
            if (take(s, buf_str(&p->text) + p->cuts[0], p->text.len - p->cuts[0])) {
                *pinned = true;
                return true;
            }
        }
    }
    s->pos = start;
    return false;
}

/* The parameter line and the manifest's update_tag agree. */
static void check_tag(struct script *s, bool pinned, int64_t tag)
{
    const cJSON *m = json_get_object(s->c->manifest, "update_tag");
    const char *mode = m ? json_get_string(m, "mode") : NULL;
    int64_t want = 0;
    if (mode == NULL) {
        return; /* reported with the manifest */
    }
    bool want_pinned = strcmp(mode, "pinned") == 0 && json_get_int64(m, "value", &want);
    if (pinned && !want_pinned) {
        verify_problem(s->c, s->name,
                       "the parameter line pins the update tag to %lld, manifest.json says it "
                       "is taken at load time",
                       (long long)tag);
    } else if (!pinned && want_pinned) {
        verify_problem(s->c, s->name,
                       "the parameter line takes the update tag at load time, manifest.json "
                       "says it is pinned to %lld",
                       (long long)want);
    } else if (pinned && tag != want) {
        verify_problem(s->c, s->name,
                       "the parameter line pins the update tag to %lld, manifest.json says %lld",
                       (long long)tag, (long long)want);
    }
}

/* Header and indexes; false (reported) when the script does not start as the templates make. */
static bool read_preamble(struct script *s)
{
    bool pinned = false;
    int64_t tag = 0;
    if (!read_header(s, &pinned, &tag)) {
        verify_problem(s->c, s->name,
                       "does not start with a parameter line the templates make; not read further");
        return false;
    }
    check_tag(s, pinned, tag);
    if (!take(s, buf_str(&s->e->indexes), s->e->indexes.len)) {
        verify_problem(s->c, s->name,
                       "line %zu: not the indexes the templates make; not read further",
                       line_at(s, s->pos));
        return false;
    }
    return true;
}

static void check_post_import(struct verify_ctx *c, const struct expect *e)
{
    struct verify_input *in = &c->in[VF_POST_IMPORT];
    struct script s = {c, e, in->name, buf_str(&in->text), in->text.len, 0, 0, 1};
    if (!read_preamble(&s)) {
        return;
    }
    if (!take(&s, buf_str(&e->post_import), e->post_import.len) || s.pos != s.len) {
        verify_problem(c, in->name, "line %zu: not what the templates make", line_at(&s, s.pos));
    }
    int64_t rows = verify_manifest_count(in->entry, "rows");
    if (in->entry && rows != 0) {
        verify_problem(c, in->name, "0 rows, manifest.json says %lld", (long long)rows);
    }
}

/* ---- snapshot.cypher's rows against the CSVs ---- */

/* The state of reading snapshot.cypher. */
struct data {
    struct script s;
    bool *seen[VF_TABLES]; /* CSV rows met in the script */
    struct snap_index rels[SCHEMA_REL_COUNT];
    struct snap_index tombstones;
    uint64_t rows;
    size_t cleanups;
    bool *scoped;                /* account rows met in the cleanup */
    bool bad_list;               /* a statement's start matched, its rows did not read */
    struct cypher_out_read list; /* the list read at list_at */
    size_t list_at, list_end;
    enum lt_rc list_rc;
    struct esc_cypher_reader list_reader;
    /* the statement and the row being compared, for messages */
    size_t stmt_line;
    size_t row_line;
};

/* The text of entry e of the list. */
#define ENTRY_KEY(d, e) (d)->s.text + (e)->key
#define ENTRY_VALUE(d, e) (d)->s.text + (e)->value

static bool key_is(const struct data *d, const struct cypher_out_entry *e, const char *name)
{
    return e->keylen == strlen(name) && memcmp(ENTRY_KEY(d, e), name, e->keylen) == 0;
}

/* Decodes a string entry into out; false (reported by the caller) when it is not one. */
static bool entry_string(const struct data *d, const struct cypher_out_entry *e, struct buf *out)
{
    struct esc_cypher_reader r;
    esc_cypher_reader_init(&r, d->s.text, e->value + e->valuelen);
    r.pos = e->value;
    buf_reset(out);
    return e->kind == ESC_CYPHER_STRING && esc_cypher_read_string(&r, out) == LT_OK;
}

static void row_problem_prefix(struct data *d, struct buf *p, const char *label,
                               const struct buf *id)
{
    if (buf_printf(p, "line %zu: %s '%.*s%s'", d->row_line, label, verify_excerpt_len(id->len),
                   buf_str(id), verify_excerpt_more(id->len)) != LT_OK) {
        buf_reset(p);
    }
}

/* Compares property p of a node row with the CSV value; advances *j past a matching entry. */
static void compare_prop(struct data *d, const char *who, const struct schema_prop *prop,
                         const struct model_value *v, const struct cypher_out_entry *entries,
                         size_t n, size_t *j, const char *file)
{
    const struct cypher_out_entry *e =
        *j < n && key_is(d, &entries[*j], prop->name) ? &entries[*j] : NULL;
    struct buf want = BUF_INIT(BUF_MAX_LARGE);
    if (v->present && cypher_out_value_literal(&want, prop->type, v) != LT_OK) {
        buf_release(&want);
        return;
    }
    if (e) {
        (*j)++;
    }
    const char *have = e ? ENTRY_VALUE(d, e) : "";
    size_t hlen = e ? e->valuelen : 0;
    if (e && v->present && (hlen != want.len || memcmp(have, want.ptr, hlen) != 0)) {
        verify_problem(d->s.c, d->s.name, "%s: %s is %.*s%s, %s has %.*s%s", who, prop->name,
                       verify_excerpt_len(hlen), have, verify_excerpt_more(hlen), file,
                       verify_excerpt_len(want.len), buf_str(&want), verify_excerpt_more(want.len));
    } else if (e && !v->present) {
        verify_problem(d->s.c, d->s.name, "%s: %s is %.*s%s, %s has none", who, prop->name,
                       verify_excerpt_len(hlen), have, verify_excerpt_more(hlen), file);
    } else if (!e && v->present) {
        verify_problem(d->s.c, d->s.name, "%s: no %s, %s has %.*s%s", who, prop->name, file,
                       verify_excerpt_len(want.len), buf_str(&want), verify_excerpt_more(want.len));
    }
    buf_release(&want);
}

static void compare_props(struct data *d, enum schema_node_kind k, size_t row, const char *who,
                          const struct cypher_out_entry *entries, size_t n)
{
    const struct schema_node *node = &schema_nodes[k];
    const struct snap_table *t = &d->s.c->tables[VF_NODES + k];
    struct model_value v[VERSION_PROP_COUNT];
    struct lt_error err = LT_ERROR_INIT;
    if (snap_row_values(t, k, row, v, &err) == LT_OK) { /* else reported with the table */
        size_t j = 1;
        for (size_t p = 1; p < node->nprops; p++) {
            compare_prop(d, who, &node->props[p], &v[p], entries, n, &j, t->name);
        }
        for (; j < n; j++) {
            verify_problem(d->s.c, d->s.name, "%s: '%.*s' is not a property ltsnap writes there",
                           who, (int)entries[j].keylen, ENTRY_KEY(d, &entries[j]));
        }
    }
    snap_row_values_release(v, node->nprops);
    lt_error_release(&err);
}

/* Marks CSV row r of table i as met; false (reported) when it was met before. */
static bool meet(struct data *d, size_t i, size_t r, const char *who)
{
    if (d->seen[i][r]) {
        verify_problem(d->s.c, d->s.name, "%s: a second row for it", who);
        return false;
    }
    d->seen[i][r] = true;
    return true;
}

static void node_row(struct data *d, size_t k, const struct cypher_out_entry *e, size_t n)
{
    struct verify_ctx *c = d->s.c;
    const char *label = schema_nodes[k].label;
    struct buf id = BUF_INIT(BUF_MAX_LARGE), who = BUF_INIT(BUF_MAX_SMALL);
    if (n == 0 || !key_is(d, e, "id") || !entry_string(d, e, &id)) {
        verify_problem(c, d->s.name, "line %zu: a %s row without an id", d->row_line, label);
    } else {
        row_problem_prefix(d, &who, label, &id);
        size_t r = snap_index_find(&c->ids[k], buf_str(&id), id.len);
        if (r == SIZE_MAX) {
            verify_problem(c, d->s.name, "%s: not in %s", buf_str(&who), schema_nodes[k].file);
        } else if (meet(d, VF_NODES + k, r, buf_str(&who))) {
            compare_props(d, (enum schema_node_kind)k, r, buf_str(&who), e, n);
        }
    }
    buf_release(&id);
    buf_release(&who);
}

/* The string values of a row with exactly the keys names[0..n), in order. */
static bool row_strings(const struct data *d, const struct cypher_out_entry *e, size_t n,
                        const char *const *names, size_t nnames, struct buf *values)
{
    if (n != nnames) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!key_is(d, &e[i], names[i]) || !entry_string(d, &e[i], &values[i])) {
            return false;
        }
    }
    return true;
}

static void rel_row(struct data *d, size_t k, const struct cypher_out_entry *e, size_t n)
{
    static const char *const names[] = {"from", "to"};
    struct verify_ctx *c = d->s.c;
    const struct schema_rel *rel = &schema_rels[k];
    struct buf v[2] = {BUF_INIT(BUF_MAX_LARGE), BUF_INIT(BUF_MAX_LARGE)};
    if (!row_strings(d, e, n, names, 2, v)) {
        verify_problem(c, d->s.name, "line %zu: a %s row that is not {from: '...', to: '...'}",
                       d->row_line, rel->type);
    } else {
        size_t r =
            snap_index_find_pair(&d->rels[k], buf_str(&v[0]), v[0].len, buf_str(&v[1]), v[1].len);
        struct buf who = BUF_INIT(BUF_MAX_SMALL);
        if (buf_printf(&who, "line %zu: %s from '%.*s%s' to '%.*s%s'", d->row_line, rel->type,
                       verify_excerpt_len(v[0].len), buf_str(&v[0]), verify_excerpt_more(v[0].len),
                       verify_excerpt_len(v[1].len), buf_str(&v[1]),
                       verify_excerpt_more(v[1].len)) != LT_OK) {
            buf_reset(&who);
        }
        if (r == SIZE_MAX) {
            verify_problem(c, d->s.name, "%s: not in %s", buf_str(&who), rel->file);
        } else {
            meet(d, VF_RELS + k, r, buf_str(&who));
        }
        buf_release(&who);
    }
    buf_release(&v[0]);
    buf_release(&v[1]);
}

static void tombstone_row(struct data *d, const struct cypher_out_entry *e, size_t n)
{
    static const char *const names[] = {"id", "account_id", "region"};
    struct verify_ctx *c = d->s.c;
    const struct snap_table *t = &c->tables[VF_TOMBSTONES];
    struct buf v[3] = {BUF_INIT(BUF_MAX_LARGE), BUF_INIT(BUF_MAX_LARGE), BUF_INIT(BUF_MAX_LARGE)};
    struct buf who = BUF_INIT(BUF_MAX_SMALL);
    if (!row_strings(d, e, n, names, 3, v)) {
        verify_problem(c, d->s.name,
                       "line %zu: a tombstone row that is not {id: '...', account_id: '...', "
                       "region: '...'}",
                       d->row_line);
    } else {
        row_problem_prefix(d, &who, "tombstone", &v[0]);
        size_t r = snap_index_find(&d->tombstones, buf_str(&v[0]), v[0].len);
        if (r == SIZE_MAX) {
            verify_problem(c, d->s.name, "%s: not in %s", buf_str(&who), t->name);
        } else if (meet(d, VF_TOMBSTONES, r, buf_str(&who)) &&
                   (!snap_table_equals(t, r, 3, buf_str(&v[1])) ||
                    !snap_table_equals(t, r, 4, buf_str(&v[2])))) {
            verify_problem(c, d->s.name, "%s: account or region differ from %s", buf_str(&who),
                           t->name);
        }
    }
    for (size_t i = 0; i < 3; i++) {
        buf_release(&v[i]);
    }
    buf_release(&who);
}

/* The account of a cleanup scope is an account of the snapshot, and has one scope. */
static void scope_account(struct data *d, const struct buf *account)
{
    struct verify_ctx *c = d->s.c;
    if (!c->table_ok[VF_NODES + SCHEMA_NODE_ACCOUNT]) {
        return;
    }
    size_t row = snap_index_find(&c->ids[SCHEMA_NODE_ACCOUNT], buf_str(account), account->len);
    if (row == SIZE_MAX) {
        verify_problem(c, d->s.name, "line %zu: a cleanup of account '%.*s%s', which is not in %s",
                       d->row_line, verify_excerpt_len(account->len), buf_str(account),
                       verify_excerpt_more(account->len), schema_nodes[SCHEMA_NODE_ACCOUNT].file);
    } else if (d->scoped[row]) {
        verify_problem(c, d->s.name, "line %zu: account '%s' is cleaned up twice", d->row_line,
                       buf_str(account));
    } else {
        d->scoped[row] = true;
    }
}

/* How many regions of account id the manifest says are complete. */
static size_t complete_regions(const cJSON *manifest, const char *id)
{
    size_t n = 0;
    const cJSON *a = NULL, *r = NULL;
    cJSON_ArrayForEach(a, json_get_array(manifest, "accounts")) {
        const char *aid = json_get_string(a, "id");
        if (aid == NULL || strcmp(aid, id) != 0) {
            continue;
        }
        cJSON_ArrayForEach(r, json_get_array(a, "regions")) {
            const char *status = json_get_string(r, "status");
            n += status && strcmp(status, "complete") == 0;
        }
    }
    return n;
}

/* The regions of a scope row are exactly the account's complete regions in the manifest. */
static void scope_row(struct data *d, const struct cypher_out_entry *e, size_t n)
{
    struct verify_ctx *c = d->s.c;
    struct buf account = BUF_INIT(BUF_MAX_SMALL), regions = BUF_INIT(BUF_MAX_LARGE);
    struct esc_cypher_reader r;
    size_t nregions = 0;
    esc_cypher_reader_init(&r, d->s.text, d->s.len);
    r.pos = n == 2 ? e[1].value : 0;
    if (n != 2 || !key_is(d, &e[0], "account_id") || !entry_string(d, &e[0], &account) ||
        !key_is(d, &e[1], "regions") || e[1].kind != ESC_CYPHER_STRING_LIST ||
        esc_cypher_read_string_list(&r, &regions, &nregions) != LT_OK) {
        verify_problem(c, d->s.name,
                       "line %zu: a cleanup scope that is not {account_id: '...', regions: [...]}",
                       d->row_line);
    } else {
        const char *id = buf_str(&account);
        size_t complete = complete_regions(c->manifest, id);
        bool same = complete == nregions;
        for (size_t i = 0, off = 0; same && i < nregions; i++) {
            const char *name = buf_str(&regions) + off;
            const cJSON *m = snap_manifest_region(c->manifest, id, name);
            const char *status = m ? json_get_string(m, "status") : NULL;
            same = status && strcmp(status, "complete") == 0;
            off += strlen(name) + 1;
        }
        if (!same && c->manifest) {
            verify_problem(c, d->s.name,
                           "line %zu: the cleanup of account '%.*s%s' covers other regions than "
                           "the complete ones in manifest.json",
                           d->row_line, verify_excerpt_len(account.len), id,
                           verify_excerpt_more(account.len));
        }
        scope_account(d, &account);
    }
    buf_release(&account);
    buf_release(&regions);
}

static void compare_rows(struct data *d, const struct stmt_template *st)
{
    const struct cypher_out_read *rd = &d->list;
    size_t table = st->what == ST_NODES  ? VF_NODES + st->kind
                   : st->what == ST_RELS ? VF_RELS + st->kind
                                         : VF_TOMBSTONES;
    if (st->what == ST_CLEANUP) {
        d->cleanups++;
    } else {
        d->rows += rd->nrows;
    }
    if (st->what != ST_CLEANUP && !d->s.c->table_ok[table]) {
        return; /* the CSV is reported unreadable */
    }
    for (size_t i = 0; i < rd->nrows; i++) {
        const struct cypher_out_entry *e = rd->entries + rd->first[i];
        size_t n = rd->first[i + 1] - rd->first[i];
        d->row_line = n ? line_at(&d->s, e->key) : d->stmt_line;
        switch (st->what) {
        case ST_NODES:
            node_row(d, st->kind, e, n);
            break;
        case ST_RELS:
            rel_row(d, st->kind, e, n);
            break;
        case ST_TOMBSTONES:
            tombstone_row(d, e, n);
            break;
        case ST_CLEANUP:
            scope_row(d, e, n);
            break;
        }
    }
}

/* Reads the rows list at offset at (cached: every template starts the same way). */
static bool read_list(struct data *d, size_t at)
{
    if (d->list_at == at) {
        return d->list_rc == LT_OK;
    }
    cypher_out_read_release(&d->list);
    esc_cypher_reader_init(&d->list_reader, d->s.text, d->s.len);
    d->list_reader.pos = at;
    d->list_at = at;
    d->list_rc = cypher_out_read_rows(&d->list_reader, &d->list);
    d->list_end = d->list_reader.pos;
    return d->list_rc == LT_OK;
}

/* True when the statement at s.pos is template st rendered with one rows list; *end after it. */
static bool match(struct data *d, const struct stmt_template *st, size_t *end)
{
    const struct tmpl_parts *p = &st->parts;
    const char *t = buf_str(&p->text);
    size_t at = d->s.pos;
    if (d->s.len - at < p->cuts[0] || memcmp(d->s.text + at, t, p->cuts[0]) != 0) {
        return false;
    }
    if (!read_list(d, at + p->cuts[0])) {
        d->bad_list = true;
        return false;
    }
    size_t list = d->list_at, listlen = d->list_end - d->list_at;
    at = d->list_end;
    for (size_t i = 1; i <= p->ncuts; i++) {
        size_t from = p->cuts[i - 1], to = i < p->ncuts ? p->cuts[i] : p->text.len;
        if (d->s.len - at < to - from || memcmp(d->s.text + at, t + from, to - from) != 0) {
            return false;
        }
        at += to - from;
        if (i < p->ncuts) {
            if (d->s.len - at < listlen || memcmp(d->s.text + at, d->s.text + list, listlen) != 0) {
                return false;
            }
            at += listlen;
        }
    }
    *end = at;
    return true;
}

/* One statement: which template made it, and its rows compared; false (reported) when none. */
static bool read_statement(struct data *d)
{
    d->stmt_line = line_at(&d->s, d->s.pos);
    d->bad_list = false;
    for (size_t i = 0; i < NSTMT; i++) {
        size_t end = 0;
        if (match(d, &d->s.e->stmts[i], &end)) {
            compare_rows(d, &d->s.e->stmts[i]);
            d->s.pos = end;
            return true;
        }
    }
    if (d->bad_list) {
        verify_problem(d->s.c, d->s.name,
                       "line %zu: rows that are not literals as ltsnap writes "
                       "them: %s (line %zu); not read further",
                       d->stmt_line, d->list_reader.why, line_at(&d->s, d->list_reader.bad));
    } else {
        verify_problem(d->s.c, d->s.name,
                       "line %zu: a statement no template makes; not read further", d->stmt_line);
    }
    return false;
}

/* The data: :begin, statements, :commit, until the end. False (reported) when it is not that. */
static bool read_blocks(struct data *d)
{
    static const char begin[] = CYPHER_OUT_BEGIN, commit[] = CYPHER_OUT_COMMIT;
    while (d->s.pos < d->s.len) {
        if (!take(&d->s, begin, sizeof(begin) - 1)) {
            verify_problem(d->s.c, d->s.name,
                           "line %zu: expected :begin or the end; not read "
                           "further",
                           line_at(&d->s, d->s.pos));
            return false;
        }
        do {
            if (!read_statement(d)) {
                return false;
            }
        } while (!take(&d->s, commit, sizeof(commit) - 1));
    }
    return true;
}

/* Rows of table i that no script row met; a repeated id (reported with the table) is not. */
static void report_unmet(struct data *d, size_t i, const char *label)
{
    const struct snap_table *t = &d->s.c->tables[i];
    const struct snap_index *ids = i < VF_RELS ? &d->s.c->ids[i - VF_NODES] : &d->tombstones;
    size_t col = i < VF_RELS ? 0 : 1;
    for (size_t r = 0; r < t->nrows; r++) {
        const struct snap_field *f = snap_table_field(t, r, col);
        if (!d->seen[i][r] && snap_index_find(ids, snap_table_text(t, r, col), f->len) == r) {
            verify_problem(d->s.c, d->s.name, "no row for %s '%.*s%s' of %s", label,
                           verify_excerpt_len(snap_table_field(t, r, i < VF_RELS ? 0 : 1)->len),
                           snap_table_text(t, r, i < VF_RELS ? 0 : 1),
                           verify_excerpt_more(snap_table_field(t, r, i < VF_RELS ? 0 : 1)->len),
                           t->name);
        }
    }
}

static void report_unmet_rels(struct data *d, size_t k)
{
    const struct snap_table *t = &d->s.c->tables[VF_RELS + k];
    for (size_t r = 0; r < t->nrows; r++) {
        if (!d->seen[VF_RELS + k][r]) {
            verify_problem(
                d->s.c, d->s.name, "no row for %s from '%.*s%s' to '%.*s%s' of %s",
                schema_rels[k].type, verify_excerpt_len(snap_table_field(t, r, 0)->len),
                snap_table_text(t, r, 0), verify_excerpt_more(snap_table_field(t, r, 0)->len),
                verify_excerpt_len(snap_table_field(t, r, 1)->len), snap_table_text(t, r, 1),
                verify_excerpt_more(snap_table_field(t, r, 1)->len), t->name);
        }
    }
}

/* After a complete read: every CSV row met, every account cleaned up, the rows counted. */
static void report_complete(struct data *d)
{
    struct verify_ctx *c = d->s.c;
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        if (c->table_ok[VF_NODES + k]) {
            report_unmet(d, VF_NODES + k, schema_nodes[k].label);
        }
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        if (c->table_ok[VF_RELS + k]) {
            report_unmet_rels(d, k);
        }
    }
    if (c->table_ok[VF_TOMBSTONES]) {
        report_unmet(d, VF_TOMBSTONES, "tombstone");
    }
    const struct snap_table *accounts = &c->tables[VF_NODES + SCHEMA_NODE_ACCOUNT];
    for (size_t r = 0; c->table_ok[VF_NODES + SCHEMA_NODE_ACCOUNT] && r < accounts->nrows; r++) {
        if (!d->scoped[r]) {
            verify_problem(c, d->s.name, "no cleanup of account '%.*s%s'",
                           verify_excerpt_len(snap_table_field(accounts, r, 0)->len),
                           snap_table_text(accounts, r, 0),
                           verify_excerpt_more(snap_table_field(accounts, r, 0)->len));
        }
    }
    const struct verify_input *in = &c->in[VF_SNAPSHOT];
    int64_t rows = verify_manifest_count(in->entry, "rows");
    if (in->entry && (uint64_t)rows != d->rows) {
        verify_problem(c, in->name, "%llu literal rows, manifest.json says %lld",
                       (unsigned long long)d->rows, (long long)rows);
    }
}

static void data_init(struct data *d, struct verify_ctx *c, const struct expect *e)
{
    struct verify_input *in = &c->in[VF_SNAPSHOT];
    memset(d, 0, sizeof(*d));
    d->s = (struct script){c, e, in->name, buf_str(&in->text), in->text.len, 0, 0, 1};
    d->list_at = SIZE_MAX;
    for (size_t i = 0; i < VF_TABLES; i++) {
        size_t n = c->table_ok[i] ? c->tables[i].nrows : 0;
        d->seen[i] = mem_calloc(n ? n : 1, sizeof(bool));
    }
    size_t accounts = c->tables[VF_NODES + SCHEMA_NODE_ACCOUNT].nrows;
    d->scoped = mem_calloc(accounts ? accounts : 1, sizeof(bool));
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        if (c->table_ok[VF_RELS + k]) {
            snap_index_build_pair(&d->rels[k], &c->tables[VF_RELS + k], 0, 1);
        }
    }
    if (c->table_ok[VF_TOMBSTONES]) {
        snap_index_build(&d->tombstones, &c->tables[VF_TOMBSTONES], 1);
    }
}

static void data_release(struct data *d)
{
    for (size_t i = 0; i < VF_TABLES; i++) {
        mem_free(d->seen[i]);
    }
    mem_free(d->scoped);
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        snap_index_release(&d->rels[k]);
    }
    snap_index_release(&d->tombstones);
    cypher_out_read_release(&d->list);
}

static void check_snapshot_script(struct verify_ctx *c, const struct expect *e)
{
    struct data d;
    data_init(&d, c, e);
    if (read_preamble(&d.s) && read_blocks(&d)) {
        if (d.cleanups > 1) {
            verify_problem(c, d.s.name, "%zu cleanup statements, ltsnap writes one", d.cleanups);
        }
        report_complete(&d);
    }
    data_release(&d);
}

void verify_scripts(struct verify_ctx *c)
{
    struct expect e;
    struct lt_error err = LT_ERROR_INIT;
    memset(&e, 0, sizeof(e));
    if (build_expect(c->templates, &e, &err) != LT_OK) {
        for (size_t i = VF_SNAPSHOT; i <= VF_POST_IMPORT; i++) {
            verify_problem(c, c->in[i].name, "cannot be checked against the templates: %s",
                           lt_error_message(&err));
        }
    } else {
        if (c->in[VF_POST_IMPORT].read) {
            check_post_import(c, &e);
        }
        if (c->in[VF_SNAPSHOT].read) {
            check_snapshot_script(c, &e);
        }
    }
    expect_release(&e);
    lt_error_release(&err);
}
