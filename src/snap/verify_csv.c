/*
 * verify_csv.c - the CSV tables of a snapshot: parse, header, value types,
 * labels and types, ids and relationship endpoints, and what manifest.json
 * says about them (rows, counts, accounts and complete regions).
 */
#include <string.h>

#include "base/json.h"
#include "snap/verify_internal.h"
#include "write/csv_out.h"
#include "write/esc_csv.h"

/* The record number of data row r (the header is record 1), as libcsv errors count. */
#define RECORD(r) ((r) + 2)

/* The header line the writer puts in table i. */
static enum lt_rc expected_header(size_t i, struct buf *h)
{
    if (i < VF_RELS) {
        return csv_out_node_header(h, &schema_nodes[i - VF_NODES]);
    }
    if (i < VF_TOMBSTONES) {
        return csv_out_rel_header(h, &schema_rels[i - VF_RELS]);
    }
    return csv_out_tombstones_header(h);
}

/* A field quoted in a problem: 'value' (cut), or "absent". */
#define FIELD_FMT "'%.*s%s'"
#define FIELD_ARGS(t, r, col)                                                                      \
    verify_excerpt_len(snap_table_field((t), (r), (col))->len), snap_table_text((t), (r), (col)),  \
        verify_excerpt_more(snap_table_field((t), (r), (col))->len)

static bool nonempty(const struct snap_table *t, size_t r, size_t col)
{
    const struct snap_field *f = snap_table_field(t, r, col);
    return f->present && f->len > 0 && snap_valid_string(snap_table_text(t, r, col), f->len);
}

/* True when rows a and b of t hold the same present value in column col. */
static bool same_field(const struct snap_table *t, size_t col, size_t a, size_t b)
{
    const struct snap_field *fa = snap_table_field(t, a, col), *fb = snap_table_field(t, b, col);
    return fa->present && fb->present && fa->len == fb->len &&
           memcmp(snap_table_text(t, a, col), snap_table_text(t, b, col), fa->len) == 0;
}

static bool has_line_break(const struct snap_table *t, size_t r, size_t col)
{
    const struct snap_field *f = snap_table_field(t, r, col);
    const char *s = snap_table_text(t, r, col);
    return memchr(s, '\n', f->len) != NULL || memchr(s, '\r', f->len) != NULL;
}

static void check_node_row(struct verify_ctx *c, enum schema_node_kind k, size_t r,
                           const char *labels)
{
    const struct schema_node *n = &schema_nodes[k];
    const struct snap_table *t = &c->tables[VF_NODES + k];
    if (!nonempty(t, r, 0)) {
        verify_problem(c, t->name, "record %zu: no id", RECORD(r));
        return;
    }
    if (!snap_table_equals(t, r, 1, labels)) {
        verify_problem(c, t->name, "%s " FIELD_FMT ": the labels are not %s and %s", n->label,
                       FIELD_ARGS(t, r, 0), n->label, n->extra_label);
    }
    for (size_t p = 1; p < n->nprops; p++) {
        size_t col = snap_node_column(p);
        const struct snap_field *f = snap_table_field(t, r, col);
        if (f->present && !snap_valid_value(n->props[p].type, snap_table_text(t, r, col), f->len)) {
            verify_problem(c, t->name, "%s " FIELD_FMT ": %s " FIELD_FMT " is not a %s", n->label,
                           FIELD_ARGS(t, r, 0), n->props[p].name, FIELD_ARGS(t, r, col),
                           schema_type_name(n->props[p].type));
        }
        c->multiline = c->multiline || (f->present && has_line_break(t, r, col));
    }
}

static void check_user_data(struct verify_ctx *c)
{
    const struct snap_table *t = &c->tables[VF_NODES + SCHEMA_NODE_VERSION];
    if (c->manifest == NULL || json_get_bool(c->manifest, "user_data_included") != 0) {
        return;
    }
    size_t col = snap_node_column(VERSION_USER_DATA);
    for (size_t r = 0; r < t->nrows; r++) {
        if (snap_table_field(t, r, col)->present) {
            verify_problem(c, t->name,
                           "AWSLaunchTemplateVersion " FIELD_FMT
                           ": has user_data, and manifest.json says user data is not included",
                           FIELD_ARGS(t, r, 0));
        }
    }
}

static void check_nodes(struct verify_ctx *c, enum schema_node_kind k)
{
    const struct schema_node *n = &schema_nodes[k];
    const struct snap_table *t = &c->tables[VF_NODES + k];
    struct buf labels = BUF_INIT(BUF_MAX_SMALL);
    if (buf_adds(&labels, n->label) != LT_OK ||
        (n->extra_label && (buf_addc(&labels, ESC_CSV_ARRAY_DELIM) != LT_OK ||
                            buf_adds(&labels, n->extra_label) != LT_OK))) {
        return; /* cannot happen: labels are short constants */
    }
    for (size_t r = 0; r < t->nrows; r++) {
        check_node_row(c, k, r, buf_str(&labels));
    }
    buf_release(&labels);
    struct snap_index *ix = &c->ids[k];
    snap_index_build(ix, t, 0);
    for (size_t i = 1; i < t->nrows; i++) {
        size_t a = ix->rows[i - 1], b = ix->rows[i];
        if (same_field(t, 0, a, b)) {
            verify_problem(c, t->name, "%s id " FIELD_FMT " appears twice (records %zu and %zu)",
                           n->label, FIELD_ARGS(t, b, 0), RECORD(a < b ? a : b),
                           RECORD(a < b ? b : a));
        }
    }
}

static void check_rels(struct verify_ctx *c, enum schema_rel_kind k)
{
    const struct schema_rel *rel = &schema_rels[k];
    const struct snap_table *t = &c->tables[VF_RELS + k];
    static const char *const ends[] = {"start", "end"};
    enum schema_node_kind kinds[] = {rel->from, rel->to};
    for (size_t r = 0; r < t->nrows; r++) {
        if (!snap_table_equals(t, r, 2, rel->type)) {
            verify_problem(c, t->name, "record %zu: the type is " FIELD_FMT ", not %s", RECORD(r),
                           FIELD_ARGS(t, r, 2), rel->type);
        }
        for (size_t e = 0; e < 2; e++) {
            const struct snap_field *f = snap_table_field(t, r, e);
            c->multiline = c->multiline || (f->present && has_line_break(t, r, e));
            if (!nonempty(t, r, e)) {
                verify_problem(c, t->name, "record %zu: no %s id", RECORD(r), ends[e]);
            } else if (c->table_ok[VF_NODES + kinds[e]] &&
                       snap_index_find(&c->ids[kinds[e]], snap_table_text(t, r, e), f->len) ==
                           SIZE_MAX) {
                verify_problem(c, t->name, "record %zu: %s " FIELD_FMT " is not an %s of %s",
                               RECORD(r), ends[e], FIELD_ARGS(t, r, e),
                               schema_nodes[kinds[e]].label, schema_nodes[kinds[e]].file);
            }
        }
    }
}

static void check_tombstones(struct verify_ctx *c)
{
    const struct snap_table *t = &c->tables[VF_TOMBSTONES];
    const char *label = schema_nodes[SCHEMA_NODE_TEMPLATE].label;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!snap_table_equals(t, r, 0, label)) {
            verify_problem(c, t->name, "record %zu: kind " FIELD_FMT " is not %s", RECORD(r),
                           FIELD_ARGS(t, r, 0), label);
        }
        for (size_t col = 1; col < t->ncols; col++) {
            const struct snap_field *f = snap_table_field(t, r, col);
            bool optional = col == 2; /* the name */
            if ((!optional && !nonempty(t, r, col)) ||
                (f->present && !snap_valid_string(snap_table_text(t, r, col), f->len))) {
                verify_problem(c, t->name, "record %zu: %s is missing or not a string", RECORD(r),
                               schema_tombstone_columns[col]);
            }
        }
        const struct snap_index *templates = &c->ids[SCHEMA_NODE_TEMPLATE];
        if (c->table_ok[VF_NODES + SCHEMA_NODE_TEMPLATE] &&
            snap_index_find(templates, snap_table_text(t, r, 1), snap_table_field(t, r, 1)->len) !=
                SIZE_MAX) {
            verify_problem(c, t->name, "tombstoned template " FIELD_FMT " is also in %s",
                           FIELD_ARGS(t, r, 1), schema_nodes[SCHEMA_NODE_TEMPLATE].file);
        }
    }
}

/* Parses table i and checks its header and row count; sets table_ok. */
static void parse_table(struct verify_ctx *c, size_t i)
{
    struct verify_input *in = &c->in[i];
    struct lt_error err = LT_ERROR_INIT;
    struct snap_table *t = &c->tables[i];
    if (snap_table_parse(t, in->name, buf_str(&in->text), in->text.len, &err) != LT_OK) {
        const char *msg = lt_error_message(&err);
        size_t n = strlen(in->name);
        bool prefixed = msg[0] == '\'' && strncmp(msg + 1, in->name, n) == 0 &&
                        strncmp(msg + 1 + n, "': ", 3) == 0;
        verify_problem(c, in->name, "%s", prefixed ? msg + n + 4 : msg);
        lt_error_release(&err);
        return;
    }
    lt_error_release(&err);
    int64_t rows = verify_manifest_count(in->entry, "rows");
    if (in->entry && (uint64_t)rows != t->nrows) {
        verify_problem(c, in->name, "%zu rows, manifest.json says %lld", t->nrows, (long long)rows);
    }
    struct buf h = BUF_INIT(BUF_MAX_SMALL);
    if (expected_header(i, &h) == LT_OK && !snap_table_header_is(t, buf_str(&h))) {
        verify_problem(c, in->name, "the header is not the one ltsnap writes (%s)", buf_str(&h));
    } else {
        c->table_ok[i] = true;
    }
    buf_release(&h);
}

/* ---- the manifest's counts and regions against the rows ---- */

static void check_count(struct verify_ctx *c, const cJSON *group, const char *what, const char *key,
                        size_t have, const char *file)
{
    int64_t want = verify_manifest_count(group, key);
    if (want < 0) {
        verify_problem(c, SNAPDIR_MANIFEST, "%s.%s is missing or not a count", what, key);
    } else if ((uint64_t)want != have) {
        verify_problem(c, SNAPDIR_MANIFEST, "%s.%s is %lld, %s has %zu rows", what, key,
                       (long long)want, file, have);
    }
}

static void check_counts(struct verify_ctx *c)
{
    const cJSON *counts = json_get_object(c->manifest, "counts");
    const cJSON *nodes = counts ? json_get_object(counts, "nodes") : NULL;
    const cJSON *rels = counts ? json_get_object(counts, "relationships") : NULL;
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        if (c->table_ok[VF_NODES + k]) {
            check_count(c, nodes, "counts.nodes", schema_nodes[k].label,
                        c->tables[VF_NODES + k].nrows, schema_nodes[k].file);
        }
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        const char *type = schema_rels[k].type;
        size_t have = 0;
        bool known = true, first = true;
        for (size_t j = 0; j < SCHEMA_REL_COUNT; j++) {
            if (strcmp(schema_rels[j].type, type) == 0) {
                first = first && j >= k;
                known = known && c->table_ok[VF_RELS + j];
                have += c->tables[VF_RELS + j].nrows;
            }
        }
        if (first && known) { /* once per type, over all its files */
            check_count(c, rels, "counts.relationships", type, have, schema_rels[k].file);
        }
    }
    if (c->table_ok[VF_TOMBSTONES]) {
        check_count(c, c->manifest, "", "tombstones", c->tables[VF_TOMBSTONES].nrows,
                    CSV_OUT_TOMBSTONES);
    }
}

static bool region_complete(const struct verify_ctx *c, const char *account, size_t alen,
                            const char *region)
{
    if (strlen(account) != alen) {
        return false;
    }
    const cJSON *r = snap_manifest_region(c->manifest, account, region);
    const char *status = r ? json_get_string(r, "status") : NULL;
    return status && strcmp(status, "complete") == 0;
}

static bool has_complete_region(const cJSON *account)
{
    const cJSON *r = NULL;
    cJSON_ArrayForEach(r, json_get_array(account, "regions")) {
        const char *status = json_get_string(r, "status");
        if (status && strcmp(status, "complete") == 0) {
            return true;
        }
    }
    return false;
}

/* Account nodes are exactly the accounts with a complete region. */
static void check_accounts(struct verify_ctx *c)
{
    const struct snap_table *t = &c->tables[VF_NODES + SCHEMA_NODE_ACCOUNT];
    const cJSON *a = NULL;
    cJSON_ArrayForEach(a, json_get_array(c->manifest, "accounts")) {
        const char *id = json_get_string(a, "id");
        bool node = id && snap_index_find(&c->ids[SCHEMA_NODE_ACCOUNT], id, strlen(id)) != SIZE_MAX;
        if (id && has_complete_region(a) && !node) {
            verify_problem(c, t->name,
                           "no row for account '%s', which manifest.json has complete "
                           "regions of",
                           id);
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const cJSON *entry = NULL;
        cJSON_ArrayForEach(a, json_get_array(c->manifest, "accounts")) {
            const char *id = json_get_string(a, "id");
            entry = id && snap_table_equals(t, r, 0, id) ? a : entry;
        }
        if (entry == NULL || !has_complete_region(entry)) {
            verify_problem(c, t->name,
                           "account " FIELD_FMT " has no complete region in manifest.json",
                           FIELD_ARGS(t, r, 0));
        }
    }
}

/*
 * Every template and version has exactly one RESOURCE edge from an account
 * (and a version one VERSION edge from its template), and its region is
 * complete for that account in the manifest.
 */
static void check_owned(struct verify_ctx *c, enum schema_node_kind k, enum schema_rel_kind owner,
                        size_t region_prop)
{
    const struct snap_table *t = &c->tables[VF_NODES + k];
    const struct snap_table *rel = &c->tables[VF_RELS + owner];
    const char *label = schema_nodes[k].label, *type = schema_rels[owner].type;
    struct snap_index by_end;
    snap_index_build(&by_end, rel, 1);
    for (size_t i = 1; i < rel->nrows; i++) {
        if (same_field(rel, 1, by_end.rows[i - 1], by_end.rows[i])) {
            verify_problem(c, t->name, "%s " FIELD_FMT " has more than one %s relationship in %s",
                           label, FIELD_ARGS(rel, by_end.rows[i], 1), type, rel->name);
        }
    }
    size_t rc = snap_node_column(region_prop);
    for (size_t r = 0; r < t->nrows; r++) {
        size_t e =
            snap_index_find(&by_end, snap_table_text(t, r, 0), snap_table_field(t, r, 0)->len);
        if (e == SIZE_MAX) {
            verify_problem(c, t->name, "%s " FIELD_FMT " has no %s relationship in %s", label,
                           FIELD_ARGS(t, r, 0), type, rel->name);
        } else if (schema_rels[owner].from == SCHEMA_NODE_ACCOUNT &&
                   !region_complete(c, snap_table_text(rel, e, 0), snap_table_field(rel, e, 0)->len,
                                    snap_table_text(t, r, rc))) {
            verify_problem(c, t->name,
                           "%s " FIELD_FMT ": region " FIELD_FMT
                           " of its account is not complete in manifest.json",
                           label, FIELD_ARGS(t, r, 0), FIELD_ARGS(t, r, rc));
        }
    }
    snap_index_release(&by_end);
}

static void check_tombstone_regions(struct verify_ctx *c)
{
    const struct snap_table *t = &c->tables[VF_TOMBSTONES];
    for (size_t r = 0; r < t->nrows; r++) {
        if (!region_complete(c, snap_table_text(t, r, 3), snap_table_field(t, r, 3)->len,
                             snap_table_text(t, r, 4))) {
            verify_problem(c, t->name,
                           "tombstone " FIELD_FMT ": region " FIELD_FMT " of account " FIELD_FMT
                           " is not complete in manifest.json",
                           FIELD_ARGS(t, r, 1), FIELD_ARGS(t, r, 4), FIELD_ARGS(t, r, 3));
        }
    }
}

static void check_scopes(struct verify_ctx *c)
{
    if (c->table_ok[VF_NODES + SCHEMA_NODE_ACCOUNT]) {
        check_accounts(c);
    }
    static const struct {
        enum schema_node_kind node;
        enum schema_rel_kind rel;
        size_t region;
    } owned[] = {
        {SCHEMA_NODE_TEMPLATE, SCHEMA_REL_ACCOUNT_TEMPLATE, TEMPLATE_REGION},
        {SCHEMA_NODE_VERSION, SCHEMA_REL_ACCOUNT_VERSION, VERSION_REGION},
        {SCHEMA_NODE_VERSION, SCHEMA_REL_TEMPLATE_VERSION, VERSION_REGION},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(owned); i++) {
        if (c->table_ok[VF_NODES + owned[i].node] && c->table_ok[VF_RELS + owned[i].rel]) {
            check_owned(c, owned[i].node, owned[i].rel, owned[i].region);
        }
    }
    if (c->table_ok[VF_TOMBSTONES]) {
        check_tombstone_regions(c);
    }
}

void verify_tables(struct verify_ctx *c)
{
    for (size_t i = 0; i < VF_TABLES; i++) {
        if (c->in[i].read) {
            parse_table(c, i);
        }
    }
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        if (c->table_ok[VF_NODES + k]) {
            check_nodes(c, (enum schema_node_kind)k);
        }
    }
    if (c->table_ok[VF_NODES + SCHEMA_NODE_VERSION]) {
        check_user_data(c);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        if (c->table_ok[VF_RELS + k]) {
            check_rels(c, (enum schema_rel_kind)k);
        }
    }
    if (c->table_ok[VF_TOMBSTONES]) {
        check_tombstones(c);
    }
    if (c->manifest) {
        check_counts(c);
        check_scopes(c);
    }
}
