#include "snap/audit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "model/schema.h"

/* ---- the snapshot's tables, as audit reads them ---- */

/* Lines where each row of a table starts: rows may span lines (values keep their line breaks). */
struct lines {
    size_t *at; /* nrows entries */
};

struct columns {
    /* nodes-aws-launch-template.csv */
    size_t t_id, t_name, t_region, t_default, t_latest;
    /* nodes-aws-launch-template-version.csv */
    size_t v_id, v_tid, v_name, v_region, v_default, v_number, v_tokens, v_endpoint, v_hop,
        v_public;
    size_t v_data, v_secrets; /* v_secrets may be SIZE_MAX: a snapshot from before it existed */
    /* relationships */
    size_t ta_account, ta_template, va_account, va_version, tag_template;
    /* tombstones.csv */
    size_t s_id, s_name, s_account, s_region, s_reason;
};

struct ctx {
    const struct snap *s;
    const struct audit_options *o;
    struct audit_report *r;
    struct lt_error *err;
    const struct snap_table *tpl, *ver, *tomb;
    struct columns col;
    struct lines tpl_lines, ver_lines, tomb_lines;
    struct snap_index tpl_by_id;   /* templates by id */
    struct snap_index tpl_account; /* account -> template edges, by template */
    struct snap_index ver_account; /* account -> version edges, by version */
    size_t *versions;              /* per template row: its versions in the snapshot */
    size_t *tags;                  /* per template row: its tags */
};

/* Where a finding points: borrowed strings, checked before they are copied. */
struct subject {
    const char *account;
    const char *region;
    const char *template_id;
    const char *template_name; /* may be NULL */
    bool has_version;
    int64_t version;
    bool is_default;
    const char *file;
    size_t line;
};

static size_t count_newlines(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += p[i] == '\n';
    }
    return k;
}

static void lines_build(struct lines *l, const struct snap_table *t)
{
    l->at = mem_calloc(t->nrows ? t->nrows : 1, sizeof(*l->at));
    size_t line = 2; /* the header is line 1 */
    for (size_t c = 0; c < t->ncols; c++) {
        line += count_newlines(t->cols[c].name, strlen(t->cols[c].name)) +
                count_newlines(t->cols[c].type, strlen(t->cols[c].type));
    }
    for (size_t r = 0; r < t->nrows; r++) {
        l->at[r] = line++;
        for (size_t c = 0; c < t->ncols; c++) {
            const struct snap_field *f = snap_table_field(t, r, c);
            line += count_newlines(t->bytes.ptr + f->off, f->len);
        }
    }
}

static enum lt_rc bad_file(struct ctx *c, const struct snap_table *t, const char *what)
{
    return lt_fail(c->err, LT_E_INPUT, "'%s/%s': %s; run 'ltsnap verify %s'", c->s->dir, t->name,
                   what, c->s->dir);
}

static enum lt_rc bad_value(struct ctx *c, const struct snap_table *t, const struct lines *l,
                            size_t row, size_t col, const char *what)
{
    return lt_fail(c->err, LT_E_INPUT, "'%s/%s' line %zu: %s %s; run 'ltsnap verify %s'", c->s->dir,
                   t->name, l->at[row], t->cols[col].name[0] ? t->cols[col].name : "id", what,
                   c->s->dir);
}

/* The column named name (type ignored), or the whole header cell for ":START_ID(...)"-style ones.
 */
static enum lt_rc need_column(struct ctx *c, const struct snap_table *t, const char *name,
                              size_t *col)
{
    *col = name[0] == ':' ? snap_table_header_column(t, name) : snap_table_column(t, name);
    if (*col != SIZE_MAX) {
        return LT_OK;
    }
    struct buf what = BUF_INIT(256);
    enum lt_rc rc = buf_printf(&what, "no column '%s'", name);
    rc = rc == LT_OK ? bad_file(c, t, buf_str(&what)) : rc;
    buf_release(&what);
    return rc;
}

static enum lt_rc rel_column(struct ctx *c, enum schema_rel_kind k, bool start, size_t *col)
{
    const struct schema_rel *rel = &schema_rels[k];
    struct buf h = BUF_INIT(256);
    enum lt_rc rc = buf_printf(&h, ":%s(%s)", start ? "START_ID" : "END_ID",
                               schema_nodes[start ? rel->from : rel->to].label);
    if (rc == LT_OK) {
        rc = need_column(c, &c->s->rels[k], buf_str(&h), col);
    }
    buf_release(&h);
    return rc;
}

static enum lt_rc find_columns(struct ctx *c)
{
    struct columns *k = &c->col;
    LT_TRY(need_column(c, c->tpl, "id", &k->t_id));
    LT_TRY(need_column(c, c->tpl, "name", &k->t_name));
    LT_TRY(need_column(c, c->tpl, "region", &k->t_region));
    LT_TRY(need_column(c, c->tpl, "default_version_number", &k->t_default));
    LT_TRY(need_column(c, c->tpl, "latest_version_number", &k->t_latest));
    LT_TRY(need_column(c, c->ver, "id", &k->v_id));
    LT_TRY(need_column(c, c->ver, "launch_template_id", &k->v_tid));
    LT_TRY(need_column(c, c->ver, "name", &k->v_name));
    LT_TRY(need_column(c, c->ver, "region", &k->v_region));
    LT_TRY(need_column(c, c->ver, "default_version", &k->v_default));
    LT_TRY(need_column(c, c->ver, "version_number", &k->v_number));
    LT_TRY(need_column(c, c->ver, "http_tokens", &k->v_tokens));
    LT_TRY(need_column(c, c->ver, "http_endpoint", &k->v_endpoint));
    LT_TRY(need_column(c, c->ver, "http_put_response_hop_limit", &k->v_hop));
    LT_TRY(need_column(c, c->ver, "associates_public_ip", &k->v_public));
    LT_TRY(need_column(c, c->ver, "launch_template_data", &k->v_data));
    k->v_secrets = snap_table_column(c->ver, "user_data_secret_kinds");
    c->r->no_secret_kinds = k->v_secrets == SIZE_MAX;
    LT_TRY(rel_column(c, SCHEMA_REL_ACCOUNT_TEMPLATE, true, &k->ta_account));
    LT_TRY(rel_column(c, SCHEMA_REL_ACCOUNT_TEMPLATE, false, &k->ta_template));
    LT_TRY(rel_column(c, SCHEMA_REL_ACCOUNT_VERSION, true, &k->va_account));
    LT_TRY(rel_column(c, SCHEMA_REL_ACCOUNT_VERSION, false, &k->va_version));
    LT_TRY(rel_column(c, SCHEMA_REL_TEMPLATE_TAG, true, &k->tag_template));
    LT_TRY(need_column(c, c->tomb, "id", &k->s_id));
    LT_TRY(need_column(c, c->tomb, "name", &k->s_name));
    LT_TRY(need_column(c, c->tomb, "account_id", &k->s_account));
    LT_TRY(need_column(c, c->tomb, "region", &k->s_region));
    return need_column(c, c->tomb, "reason", &k->s_reason);
}

/* ---- typed values ---- */

/* A present field's text, or NULL when absent. */
static const char *text_or_null(const struct snap_table *t, size_t row, size_t col)
{
    return snap_table_field(t, row, col)->present ? snap_table_text(t, row, col) : NULL;
}

/* A text that is printed: no NUL inside, valid UTF-8. "" when absent. */
static enum lt_rc printable(struct ctx *c, const struct snap_table *t, const struct lines *l,
                            size_t row, size_t col, const char **out)
{
    const struct snap_field *f = snap_table_field(t, row, col);
    const char *s = snap_table_text(t, row, col);
    if (memchr(s, '\0', f->len) != NULL || !utf8_valid(s, f->len, NULL)) {
        return bad_value(c, t, l, row, col, "is not valid UTF-8 text");
    }
    *out = s;
    return LT_OK;
}

static enum lt_rc get_long(struct ctx *c, const struct snap_table *t, const struct lines *l,
                           size_t row, size_t col, bool *has, int64_t *out)
{
    const struct snap_field *f = snap_table_field(t, row, col);
    *has = f->present;
    if (f->present && !snap_parse_long(snap_table_text(t, row, col), f->len, out)) {
        return bad_value(c, t, l, row, col, "is not a number");
    }
    return LT_OK;
}

static enum lt_rc get_bool(struct ctx *c, const struct snap_table *t, const struct lines *l,
                           size_t row, size_t col, bool *has, bool *out)
{
    const struct snap_field *f = snap_table_field(t, row, col);
    *has = f->present;
    *out = false;
    if (f->present && !snap_parse_bool(snap_table_text(t, row, col), f->len, out)) {
        return bad_value(c, t, l, row, col, "is not true or false");
    }
    return LT_OK;
}

/* The start node (an account) of the edge whose end is id, in an index built on END_ID. */
static const char *edge_start(const struct snap_index *ix, size_t start_col, const char *id)
{
    size_t row = snap_index_find(ix, id, strlen(id));
    return row == SIZE_MAX ? NULL : snap_table_text(ix->table, row, start_col);
}

static size_t template_row(const struct ctx *c, const char *id)
{
    return snap_index_find(&c->tpl_by_id, id, strlen(id));
}

/* ---- findings ---- */

static enum lt_rc add_finding(struct ctx *c, const struct rule *rule, const struct subject *s,
                              const struct buf *detail)
{
    if (!utf8_valid(buf_str(detail), detail->len, NULL) ||
        memchr(buf_str(detail), '\0', detail->len)) {
        return lt_fail(c->err, LT_E_INPUT,
                       "'%s/%s' line %zu: a value is not valid UTF-8 text; "
                       "run 'ltsnap verify %s'",
                       c->s->dir, s->file, s->line, c->s->dir);
    }
    struct audit_report *r = c->r;
    r->findings = mem_realloc_array(r->findings, r->nfindings + 1, sizeof(*r->findings));
    struct audit_finding *f = &r->findings[r->nfindings++];
    *f = (struct audit_finding){
        .rule = rule,
        .account_id = mem_strdup(s->account ? s->account : ""),
        .region = mem_strdup(s->region ? s->region : ""),
        .template_id = mem_strdup(s->template_id),
        .template_name = s->template_name ? mem_strdup(s->template_name) : NULL,
        .has_version = s->has_version,
        .version_number = s->version,
        .default_version = s->is_default,
        .message = mem_strdup(buf_str(detail)),
        .file = s->file,
        .line = s->line,
    };
    r->count[rule->severity]++;
    return LT_OK;
}

/* Runs the rules that judge `judges` on one input. */
static enum lt_rc run_rules(struct ctx *c, enum rule_judges judges, const struct rule_input *in,
                            const struct subject *s)
{
    struct buf detail = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    for (size_t i = 0; rc == LT_OK && i < rules_count; i++) {
        bool found = false;
        if (rules[i].judges != judges) {
            continue;
        }
        buf_reset(&detail);
        rc = rules[i].check(in, &found, &detail);
        if (rc != LT_OK) {
            rc = lt_fail(c->err, rc, "%s: the finding's text is too long", rules[i].id);
        } else if (found) {
            rc = add_finding(c, &rules[i], s, &detail);
        }
    }
    buf_release(&detail);
    return rc;
}

/* ---- what each rule judges ---- */

/* The template's part of an input: default and latest number, versions, tags. */
static enum lt_rc template_input(struct ctx *c, size_t t, struct rule_input *in)
{
    const struct columns *k = &c->col;
    LT_TRY(get_long(c, c->tpl, &c->tpl_lines, t, k->t_default, &in->has_default_number,
                    &in->default_version_number));
    LT_TRY(get_long(c, c->tpl, &c->tpl_lines, t, k->t_latest, &in->has_latest_number,
                    &in->latest_version_number));
    in->versions = c->versions[t];
    in->tags = c->tags[t];
    return LT_OK;
}

static enum lt_rc version_values(struct ctx *c, size_t v, struct rule_input *in, cJSON **data)
{
    const struct columns *k = &c->col;
    const struct lines *l = &c->ver_lines;
    in->http_tokens = text_or_null(c->ver, v, k->v_tokens);
    in->http_endpoint = text_or_null(c->ver, v, k->v_endpoint);
    in->secret_kinds = k->v_secrets == SIZE_MAX ? NULL : text_or_null(c->ver, v, k->v_secrets);
    LT_TRY(get_long(c, c->ver, l, v, k->v_hop, &in->has_hop_limit, &in->hop_limit));
    LT_TRY(get_bool(c, c->ver, l, v, k->v_public, &in->has_public_ip, &in->public_ip));
    const struct snap_field *f = snap_table_field(c->ver, v, k->v_data);
    if (f->present) {
        *data = cJSON_ParseWithLength(snap_table_text(c->ver, v, k->v_data), f->len);
        if (*data == NULL || !cJSON_IsObject(*data)) {
            return bad_value(c, c->ver, l, v, k->v_data, "is not a JSON object");
        }
        in->data = *data;
    }
    return LT_OK;
}

/* Where a version's findings point; tin holds its template's values (zero when not listed). */
static enum lt_rc version_subject(struct ctx *c, size_t v, size_t t, const struct rule_input *tin,
                                  struct subject *s)
{
    const struct columns *k = &c->col;
    const struct lines *l = &c->ver_lines;
    bool has_default = false, is_default = false;
    LT_TRY(printable(c, c->ver, l, v, k->v_tid, &s->template_id));
    LT_TRY(printable(c, c->ver, l, v, k->v_region, &s->region));
    if (snap_table_field(c->ver, v, k->v_name)->present) {
        LT_TRY(printable(c, c->ver, l, v, k->v_name, &s->template_name));
    }
    LT_TRY(get_long(c, c->ver, l, v, k->v_number, &s->has_version, &s->version));
    if (!s->has_version) {
        return bad_value(c, c->ver, l, v, k->v_number, "is missing");
    }
    LT_TRY(get_bool(c, c->ver, l, v, k->v_default, &has_default, &is_default));
    s->is_default =
        is_default || (tin->has_default_number && tin->default_version_number == s->version);
    s->account = edge_start(&c->ver_account, k->va_account, snap_table_text(c->ver, v, k->v_id));
    if (s->account == NULL && t != SIZE_MAX) { /* no edge of its own: its template's account */
        s->account =
            edge_start(&c->tpl_account, k->ta_account, snap_table_text(c->tpl, t, k->t_id));
    }
    s->file = schema_nodes[SCHEMA_NODE_VERSION].file;
    s->line = l->at[v];
    return LT_OK;
}

static enum lt_rc judge_version(struct ctx *c, size_t v)
{
    struct rule_input in = {0};
    struct subject s = {0};
    size_t t = template_row(c, snap_table_text(c->ver, v, c->col.v_tid));
    if (t != SIZE_MAX) {
        LT_TRY(template_input(c, t, &in));
    }
    LT_TRY(version_subject(c, v, t, &in, &s));
    if (c->o->default_only && !s.is_default) {
        return LT_OK;
    }
    cJSON *data = NULL;
    enum lt_rc rc = version_values(c, v, &in, &data);
    if (rc == LT_OK) {
        c->r->versions++;
        rc = run_rules(c, RULE_JUDGES_EVERY_VERSION, &in, &s);
    }
    cJSON_Delete(data);
    return rc;
}

static enum lt_rc judge_template(struct ctx *c, size_t t)
{
    const struct columns *k = &c->col;
    const struct lines *l = &c->tpl_lines;
    struct rule_input in = {0};
    struct subject s = {0};
    LT_TRY(template_input(c, t, &in));
    LT_TRY(printable(c, c->tpl, l, t, k->t_id, &s.template_id));
    LT_TRY(printable(c, c->tpl, l, t, k->t_region, &s.region));
    if (snap_table_field(c->tpl, t, k->t_name)->present) {
        LT_TRY(printable(c, c->tpl, l, t, k->t_name, &s.template_name));
    }
    s.account = edge_start(&c->tpl_account, k->ta_account, s.template_id);
    /* A template's findings are reported on its default version. */
    s.has_version = in.has_default_number;
    s.version = in.default_version_number;
    s.is_default = true;
    s.file = schema_nodes[SCHEMA_NODE_TEMPLATE].file;
    s.line = l->at[t];
    c->r->templates++;
    return run_rules(c, RULE_JUDGES_TEMPLATE, &in, &s);
}

static enum lt_rc judge_tombstone(struct ctx *c, size_t row)
{
    const struct columns *k = &c->col;
    const struct lines *l = &c->tomb_lines;
    struct rule_input in = {0};
    struct subject s = {0};
    LT_TRY(printable(c, c->tomb, l, row, k->s_id, &s.template_id));
    LT_TRY(printable(c, c->tomb, l, row, k->s_account, &s.account));
    LT_TRY(printable(c, c->tomb, l, row, k->s_region, &s.region));
    LT_TRY(printable(c, c->tomb, l, row, k->s_reason, &in.tombstone_reason));
    if (snap_table_field(c->tomb, row, k->s_name)->present) {
        LT_TRY(printable(c, c->tomb, l, row, k->s_name, &s.template_name));
    }
    s.file = "tombstones.csv";
    s.line = l->at[row];
    c->r->tombstones++;
    return run_rules(c, RULE_JUDGES_TOMBSTONE, &in, &s);
}

/* ---- regions the snapshot does not cover ---- */

static void add_unjudged(struct audit_report *r, const char *account, const char *region,
                         const char *status)
{
    r->unjudged = mem_realloc_array(r->unjudged, r->nunjudged + 1, sizeof(*r->unjudged));
    r->unjudged[r->nunjudged++] = (struct audit_region){
        mem_strdup(account),
        mem_strdup(region),
        mem_strdup(status),
    };
}

/* Every region of the manifest whose status is not "complete" (failed, skipped). */
static enum lt_rc find_unjudged(struct ctx *c)
{
    const cJSON *a = NULL;
    cJSON_ArrayForEach(a, json_get_array(c->s->manifest, "accounts")) {
        const char *account = json_get_string(a, "id");
        const cJSON *rg = NULL;
        cJSON_ArrayForEach(rg, json_get_array(a, "regions")) {
            const char *name = json_get_string(rg, "name");
            const char *status = json_get_string(rg, "status");
            if (!account || !name || !status || !utf8_valid(account, strlen(account), NULL) ||
                !utf8_valid(name, strlen(name), NULL) ||
                !utf8_valid(status, strlen(status), NULL)) {
                return lt_fail(c->err, LT_E_INPUT,
                               "'%s/manifest.json': a region without account id, name or status; "
                               "run 'ltsnap verify %s'",
                               c->s->dir, c->s->dir);
            }
            if (strcmp(status, "complete") != 0) {
                add_unjudged(c->r, account, name, status);
            }
        }
    }
    return LT_OK;
}

/* ---- order ---- */

static int compare_findings(const void *pa, const void *pb)
{
    const struct audit_finding *a = pa, *b = pb;
    int d = strcmp(a->account_id, b->account_id);
    if (d == 0) {
        d = strcmp(a->region, b->region);
    }
    if (d == 0) {
        d = strcmp(a->template_id, b->template_id);
    }
    if (d == 0 && a->has_version != b->has_version) {
        d = a->has_version ? 1 : -1;
    }
    if (d == 0 && a->version_number != b->version_number) {
        d = a->version_number < b->version_number ? -1 : 1;
    }
    return d ? d : strcmp(a->rule->id, b->rule->id);
}

/* ---- the run ---- */

/* Counts, per template row, the rows of another table whose column col names it. */
static size_t *count_per_template(const struct ctx *c, const struct snap_table *t, size_t col)
{
    size_t *n = mem_calloc(c->tpl->nrows ? c->tpl->nrows : 1, sizeof(*n));
    for (size_t r = 0; r < t->nrows; r++) {
        size_t tr = template_row(c, snap_table_text(t, r, col));
        if (tr != SIZE_MAX) {
            n[tr]++;
        }
    }
    return n;
}

static enum lt_rc prepare(struct ctx *c)
{
    c->tpl = &c->s->nodes[SCHEMA_NODE_TEMPLATE];
    c->ver = &c->s->nodes[SCHEMA_NODE_VERSION];
    c->tomb = &c->s->tombstones;
    lines_build(&c->tpl_lines, c->tpl);
    lines_build(&c->ver_lines, c->ver);
    lines_build(&c->tomb_lines, c->tomb);
    LT_TRY(find_columns(c));
    snap_index_build(&c->tpl_by_id, c->tpl, c->col.t_id);
    snap_index_build(&c->tpl_account, &c->s->rels[SCHEMA_REL_ACCOUNT_TEMPLATE], c->col.ta_template);
    snap_index_build(&c->ver_account, &c->s->rels[SCHEMA_REL_ACCOUNT_VERSION], c->col.va_version);
    c->versions = count_per_template(c, c->ver, c->col.v_tid);
    c->tags = count_per_template(c, &c->s->rels[SCHEMA_REL_TEMPLATE_TAG], c->col.tag_template);
    return LT_OK;
}

static void ctx_release(struct ctx *c)
{
    mem_free(c->tpl_lines.at);
    mem_free(c->ver_lines.at);
    mem_free(c->tomb_lines.at);
    snap_index_release(&c->tpl_by_id);
    snap_index_release(&c->tpl_account);
    snap_index_release(&c->ver_account);
    mem_free(c->versions);
    mem_free(c->tags);
}

enum lt_rc audit_run(const struct snap *s, const struct audit_options *o, struct audit_report *r,
                     struct lt_error *err)
{
    memset(r, 0, sizeof(*r));
    r->default_only = o->default_only;
    struct ctx c = {.s = s, .o = o, .r = r, .err = err};
    enum lt_rc rc = prepare(&c);
    if (rc == LT_OK) {
        rc = find_unjudged(&c);
    }
    for (size_t v = 0; rc == LT_OK && v < c.ver->nrows; v++) {
        rc = judge_version(&c, v);
    }
    for (size_t t = 0; rc == LT_OK && t < c.tpl->nrows; t++) {
        rc = judge_template(&c, t);
    }
    for (size_t t = 0; rc == LT_OK && t < c.tomb->nrows; t++) {
        rc = judge_tombstone(&c, t);
    }
    ctx_release(&c);
    if (rc != LT_OK) {
        audit_report_release(r);
        return rc;
    }
    if (r->nfindings > 1) {
        qsort(r->findings, r->nfindings, sizeof(*r->findings), compare_findings);
    }
    return LT_OK;
}

void audit_report_release(struct audit_report *r)
{
    for (size_t i = 0; r->findings != NULL && i < r->nfindings; i++) {
        struct audit_finding *f = &r->findings[i];
        mem_free(f->account_id);
        mem_free(f->region);
        mem_free(f->template_id);
        mem_free(f->template_name);
        mem_free(f->message);
    }
    mem_free(r->findings);
    for (size_t i = 0; r->unjudged != NULL && i < r->nunjudged; i++) {
        mem_free(r->unjudged[i].account_id);
        mem_free(r->unjudged[i].region);
        mem_free(r->unjudged[i].status);
    }
    mem_free(r->unjudged);
    memset(r, 0, sizeof(*r));
}

bool audit_found_at_least(const struct audit_report *r, enum rule_severity min)
{
    for (int s = min; s <= RULE_HIGH; s++) {
        if (r->count[s] > 0) {
            return true;
        }
    }
    return false;
}

/* ---- text ---- */

/*
 * Appends one line: every value from the snapshot goes through log_render,
 * so control characters and invalid UTF-8 are escaped (no terminal escape
 * from a template name). Lines longer than BUF_MAX_SMALL are cut.
 */
static enum lt_rc text_line(struct buf *out, const char *fmt, ...) LT_PRINTF(2, 3);

static enum lt_rc text_line(struct buf *out, const char *fmt, ...)
{
    struct buf raw = BUF_INIT(BUF_MAX_SMALL);
    struct buf line = BUF_INIT(BUF_MAX_SMALL);
    va_list ap;
    va_start(ap, fmt);
    enum lt_rc rc = buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    if (rc == LT_OK) {
        log_render(&line, buf_str(&raw));
        rc = buf_addb(out, &line);
    }
    if (rc == LT_OK) {
        rc = buf_addc(out, '\n');
    }
    buf_release(&line);
    buf_release(&raw);
    return rc;
}

static bool same_scope(const struct audit_finding *a, const struct audit_finding *b)
{
    return strcmp(a->account_id, b->account_id) == 0 && strcmp(a->region, b->region) == 0;
}

static bool same_template(const struct audit_finding *a, const struct audit_finding *b)
{
    return same_scope(a, b) && strcmp(a->template_id, b->template_id) == 0;
}

static bool same_version(const struct audit_finding *a, const struct audit_finding *b)
{
    return same_template(a, b) && a->has_version == b->has_version &&
           a->version_number == b->version_number;
}

static enum lt_rc text_headings(const struct audit_finding *prev, const struct audit_finding *f,
                                struct buf *out)
{
    if (!prev || !same_scope(prev, f)) {
        if (prev) {
            LT_TRY(buf_addc(out, '\n'));
        }
        LT_TRY(text_line(out, "account %s, region %s",
                         f->account_id[0] ? f->account_id : "(unknown)",
                         f->region[0] ? f->region : "(unknown)"));
    }
    if (!prev || !same_template(prev, f)) {
        LT_TRY(text_line(out, "  template %s '%s'", f->template_id,
                         f->template_name ? f->template_name : ""));
    }
    if (!prev || !same_version(prev, f)) {
        if (!f->has_version) {
            return text_line(out, "    %s",
                             f->rule->judges == RULE_JUDGES_TOMBSTONE ? "tombstone"
                                                                      : "no default version");
        }
        return text_line(out, "    version %lld%s", (long long)f->version_number,
                         f->default_version ? " (default)" : "");
    }
    return LT_OK;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static enum lt_rc text_summary(const struct audit_report *r, struct buf *out)
{
    if (r->nfindings) {
        LT_TRY(buf_addc(out, '\n'));
    }
    return text_line(out,
                     "summary: %zu high, %zu medium, %zu low (%zu %s; judged %zu %s, %zu %s%s, "
                     "%zu %s)",
                     r->count[RULE_HIGH], r->count[RULE_MEDIUM], r->count[RULE_LOW], r->nfindings,
                     plural(r->nfindings, "finding", "findings"), r->templates,
                     plural(r->templates, "template", "templates"), r->versions,
                     r->default_only ? "default " : "", plural(r->versions, "version", "versions"),
                     r->tombstones, plural(r->tombstones, "tombstone", "tombstones"));
}

static enum lt_rc text_unjudged(const struct audit_report *r, struct buf *out)
{
    for (size_t i = 0; i < r->nunjudged; i++) {
        const struct audit_region *u = &r->unjudged[i];
        LT_TRY(text_line(out, "not judged: account %s, region %s (%s in this snapshot)",
                         u->account_id, u->region, u->status));
    }
    return LT_OK;
}

enum lt_rc audit_text(const struct audit_report *r, struct buf *out)
{
    const struct audit_finding *prev = NULL;
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct audit_finding *f = &r->findings[i];
        LT_TRY(text_headings(prev, f, out));
        LT_TRY(text_line(out, "      %-6s %s %s", rule_severity_name(f->rule->severity),
                         f->rule->id, f->rule->title));
        LT_TRY(text_line(out, "                    %s", f->message));
        prev = f;
    }
    LT_TRY(text_summary(r, out));
    return text_unjudged(r, out);
}

enum lt_rc audit_rules_text(struct buf *out)
{
    for (size_t i = 0; i < rules_count; i++) {
        const struct rule *u = &rules[i];
        LT_TRY(text_line(out, "%s %-6s %-13s %s", u->id, rule_severity_name(u->severity),
                         rule_judges_name(u->judges), u->title));
        if (u->security_hub || u->prowler) {
            LT_TRY(text_line(
                out, "       matches: %s%s%s%s%s", u->security_hub ? "Security Hub " : "",
                u->security_hub ? u->security_hub : "", u->security_hub && u->prowler ? ", " : "",
                u->prowler ? "Prowler " : "", u->prowler ? u->prowler : ""));
        }
        LT_TRY(text_line(out, "       why: %s", u->rationale));
        LT_TRY(text_line(out, "       fix: %s", u->remedy));
    }
    return LT_OK;
}

/* ---- JSON ---- */

static cJSON *rule_json(const struct rule *u)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", u->id);
    cJSON_AddStringToObject(o, "name", u->name);
    cJSON_AddStringToObject(o, "severity", rule_severity_name(u->severity));
    cJSON_AddStringToObject(o, "judges", rule_judges_name(u->judges));
    cJSON_AddStringToObject(o, "title", u->title);
    cJSON_AddStringToObject(o, "rationale", u->rationale);
    cJSON_AddStringToObject(o, "remedy", u->remedy);
    if (u->security_hub) {
        cJSON_AddStringToObject(o, "security_hub", u->security_hub);
    }
    if (u->prowler) {
        cJSON_AddStringToObject(o, "prowler", u->prowler);
    }
    return o;
}

static cJSON *rules_json(void)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < rules_count; i++) {
        cJSON_AddItemToArray(a, rule_json(&rules[i]));
    }
    return a;
}

static cJSON *tool_json(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", "ltsnap");
    cJSON_AddStringToObject(o, "version", LT_VERSION);
    return o;
}

static cJSON *finding_json(const struct audit_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rule_id", f->rule->id);
    cJSON_AddStringToObject(o, "severity", rule_severity_name(f->rule->severity));
    cJSON_AddStringToObject(o, "title", f->rule->title);
    cJSON_AddStringToObject(o, "message", f->message);
    cJSON_AddStringToObject(o, "account_id", f->account_id);
    cJSON_AddStringToObject(o, "region", f->region);
    cJSON_AddStringToObject(o, "template_id", f->template_id);
    if (f->template_name) {
        cJSON_AddStringToObject(o, "template_name", f->template_name);
    }
    if (f->has_version) {
        cJSON_AddNumberToObject(o, "version_number", (double)f->version_number);
        cJSON_AddBoolToObject(o, "default_version", f->default_version);
    }
    cJSON_AddStringToObject(o, "file", f->file);
    cJSON_AddNumberToObject(o, "line", (double)f->line);
    return o;
}

static cJSON *summary_json(const struct audit_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "high", (double)r->count[RULE_HIGH]);
    cJSON_AddNumberToObject(o, "medium", (double)r->count[RULE_MEDIUM]);
    cJSON_AddNumberToObject(o, "low", (double)r->count[RULE_LOW]);
    cJSON_AddNumberToObject(o, "findings", (double)r->nfindings);
    cJSON_AddNumberToObject(o, "templates", (double)r->templates);
    cJSON_AddNumberToObject(o, "versions", (double)r->versions);
    cJSON_AddNumberToObject(o, "tombstones", (double)r->tombstones);
    return o;
}

static enum lt_rc print_json(cJSON *doc, struct buf *out)
{
    enum lt_rc rc = doc ? json_canonical(doc, out) : LT_E_INTERNAL;
    cJSON_Delete(doc);
    return rc == LT_OK ? buf_addc(out, '\n') : rc;
}

enum lt_rc audit_json(const struct audit_report *r, struct buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "format", "ltsnap-audit");
    cJSON_AddNumberToObject(doc, "format_version", 1);
    cJSON_AddItemToObject(doc, "tool", tool_json());
    cJSON_AddBoolToObject(doc, "default_only", r->default_only);
    cJSON_AddBoolToObject(doc, "user_data_secret_kinds_recorded", !r->no_secret_kinds);
    cJSON_AddItemToObject(doc, "summary", summary_json(r));
    cJSON *findings = cJSON_AddArrayToObject(doc, "findings");
    for (size_t i = 0; i < r->nfindings; i++) {
        cJSON_AddItemToArray(findings, finding_json(&r->findings[i]));
    }
    cJSON_AddItemToObject(doc, "rules", rules_json());
    cJSON *unjudged = cJSON_AddArrayToObject(doc, "regions_not_judged");
    for (size_t i = 0; i < r->nunjudged; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "account_id", r->unjudged[i].account_id);
        cJSON_AddStringToObject(o, "region", r->unjudged[i].region);
        cJSON_AddStringToObject(o, "status", r->unjudged[i].status);
        cJSON_AddItemToArray(unjudged, o);
    }
    return print_json(doc, out);
}

enum lt_rc audit_rules_json(struct buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "tool", tool_json());
    cJSON_AddItemToObject(doc, "rules", rules_json());
    return print_json(doc, out);
}
