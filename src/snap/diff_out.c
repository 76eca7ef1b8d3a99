/*
 * diff_out.c - a diff for people (text) and for programs (JSON). Values are
 * shown as JSON in both (strings quoted and escaped, numbers, booleans,
 * arrays, launch_template_data fields as they are), through the one
 * canonical printer (base/json); text lines go through log_render so that
 * no value can forge a line or move the terminal's cursor.
 */
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "snap/diff.h"

/* What user data is shown as (user_data, launch_template_data.UserData): never the data. */
#define NOT_SHOWN "(not shown)"

static const char *const change_names[] = {
    [DIFF_ADDED] = "added",
    [DIFF_CHANGED] = "changed",
    [DIFF_REMOVED] = "removed",
    [DIFF_TOMBSTONED] = "tombstoned",
};

static enum schema_node_kind node_kind(const struct diff_entry *e)
{
    return e->what == DIFF_TEMPLATE ? SCHEMA_NODE_TEMPLATE : SCHEMA_NODE_VERSION;
}

/* A property value of one side as JSON, or NULL when absent. */
static cJSON *value_json(const struct snap *s, enum schema_node_kind k, size_t row, size_t prop)
{
    const struct snap_table *t = &s->nodes[k];
    const struct snap_field *f = snap_table_field(t, row, snap_node_column(prop));
    const char *text = snap_table_text(t, row, snap_node_column(prop));
    if (!f->present) {
        return NULL;
    }
    if (k == SCHEMA_NODE_VERSION && prop == VERSION_USER_DATA) {
        return cJSON_CreateString(NOT_SHOWN);
    }
    switch (schema_nodes[k].props[prop].type) {
    case SCHEMA_STRING:
        return cJSON_CreateString(text);
    case SCHEMA_LONG:
        return cJSON_CreateRaw(text); /* exact digits, checked when the snapshot was loaded */
    case SCHEMA_BOOLEAN:
        return cJSON_CreateBool(strcmp(text, "true") == 0);
    case SCHEMA_STRING_ARRAY: {
        cJSON *a = cJSON_CreateArray();
        for (const char *p = text; p < text + f->len;) {
            const char *end = memchr(p, SNAP_ARRAY_DELIMITER, (size_t)(text + f->len - p));
            size_t n = end ? (size_t)(end - p) : (size_t)(text + f->len - p);
            char *item = mem_strndup(p, n);
            cJSON_AddItemToArray(a, cJSON_CreateString(item));
            mem_free(item);
            p += n + 1;
        }
        return a;
    }
    }
    return NULL;
}

static cJSON *string_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : NULL;
}

/* obj[key] = v, unless v is NULL (absent). Takes v. */
static void put(cJSON *obj, const char *key, cJSON *v)
{
    if (v) {
        cJSON_AddItemToObject(obj, key, v);
    }
}

/* {"name"|"path"|"key": what, "old": ..., "new": ...}, an absent side left out. Takes old, new. */
static cJSON *change_json(const char *label, const char *what, cJSON *old, cJSON *new)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, label, what);
    put(o, "old", old);
    put(o, "new", new);
    return o;
}

static cJSON *props_json(const struct diff *d, const struct diff_entry *e)
{
    enum schema_node_kind k = node_kind(e);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < e->nprops; i++) {
        cJSON_AddItemToArray(a, change_json("name", schema_nodes[k].props[e->props[i]].name,
                                            value_json(&d->old, k, e->old_row, e->props[i]),
                                            value_json(&d->new, k, e->new_row, e->props[i])));
    }
    return a;
}

static cJSON *dup(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, true) : NULL;
}

/* A launch_template_data value as shown: a copy, or NOT_SHOWN for the user data. */
static cJSON *field_value(const struct diff_field *f, const cJSON *v)
{
    if (v && strcmp(f->path, "UserData") == 0) {
        return cJSON_CreateString(NOT_SHOWN);
    }
    return dup(v);
}

static cJSON *fields_json(const struct diff_entry *e)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < e->nfields; i++) {
        const struct diff_field *f = &e->fields[i];
        cJSON_AddItemToArray(
            a, change_json("path", f->path, field_value(f, f->old), field_value(f, f->new)));
    }
    return a;
}

static cJSON *tags_json(const struct diff_entry *e)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < e->ntags; i++) {
        const struct diff_tag *t = &e->tags[i];
        cJSON_AddItemToArray(
            a, change_json("key", t->key, string_or_null(t->old), string_or_null(t->new)));
    }
    return a;
}

/* ---- JSON ---- */

static cJSON *entry_json(const struct diff *d, const struct diff_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "account_id", e->account);
    cJSON_AddStringToObject(o, "region", e->region);
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON_AddStringToObject(o, "change", change_names[e->change]);
    put(o, "name", string_or_null(e->name));
    put(o, "reason", string_or_null(e->reason));
    if (e->what == DIFF_VERSION) {
        cJSON_AddStringToObject(o, "template_id", e->template_id);
        cJSON_AddNumberToObject(o, "version_number", (double)e->number);
    }
    if (e->change == DIFF_CHANGED) {
        cJSON_AddItemToObject(o, "properties", props_json(d, e));
        cJSON_AddItemToObject(o, e->what == DIFF_TEMPLATE ? "tags" : "launch_template_data",
                              e->what == DIFF_TEMPLATE ? tags_json(e) : fields_json(e));
    }
    return o;
}

static cJSON *status_json(const cJSON *r)
{
    if (r == NULL) {
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    put(o, "status", string_or_null(json_get_string(r, "status")));
    put(o, "error", string_or_null(json_get_string(r, "error")));
    return o;
}

static bool is_complete(const cJSON *r)
{
    const char *s = r ? json_get_string(r, "status") : NULL;
    return s && strcmp(s, "complete") == 0;
}

static cJSON *regions_json(const struct diff *d)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < d->nregions; i++) {
        const struct diff_region *r = &d->regions[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "account_id", r->account);
        cJSON_AddStringToObject(o, "region", r->region);
        put(o, "old", status_json(r->old));
        put(o, "new", status_json(r->new));
        cJSON_AddBoolToObject(o, "changed", r->changed);
        cJSON_AddBoolToObject(o, "compared", is_complete(r->old) && is_complete(r->new));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *counts_json(const size_t *counts, bool tombstoned)
{
    cJSON *o = cJSON_CreateObject();
    for (int c = DIFF_ADDED; c <= (tombstoned ? DIFF_TOMBSTONED : DIFF_REMOVED); c++) {
        cJSON_AddNumberToObject(o, change_names[c], (double)counts[c]);
    }
    return o;
}

enum lt_rc diff_out_json(const struct diff *d, struct buf *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "ltsnap-diff");
    cJSON_AddNumberToObject(root, "format_version", 1);
    cJSON_AddNumberToObject(root, "differences", (double)diff_count(d));
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(summary, "regions_changed", (double)d->counts.regions);
    cJSON_AddItemToObject(summary, "templates", counts_json(d->counts.templates, true));
    cJSON_AddItemToObject(summary, "versions", counts_json(d->counts.versions, false));
    cJSON_AddItemToObject(root, "regions", regions_json(d));
    cJSON *templates = cJSON_AddArrayToObject(root, "templates");
    cJSON *versions = cJSON_AddArrayToObject(root, "versions");
    for (size_t i = 0; i < d->nentries; i++) {
        const struct diff_entry *e = &d->entries[i];
        cJSON_AddItemToArray(e->what == DIFF_TEMPLATE ? templates : versions, entry_json(d, e));
    }
    enum lt_rc rc = json_canonical(root, out);
    cJSON_Delete(root);
    return rc == LT_OK ? buf_addc(out, '\n') : rc;
}

/* ---- text ---- */

/* Appends one line, escaped as log lines are. */
static enum lt_rc add_line(struct buf *out, const struct buf *line)
{
    struct buf safe = BUF_INIT(BUF_MAX_LARGE);
    log_render(&safe, buf_str(line));
    enum lt_rc rc = buf_addb(out, &safe);
    buf_release(&safe);
    return rc == LT_OK ? buf_addc(out, '\n') : rc;
}

/* Appends v as canonical JSON, or "absent". Takes v. */
static enum lt_rc add_value(struct buf *b, cJSON *v)
{
    if (v == NULL) {
        return buf_adds(b, "absent");
    }
    enum lt_rc rc = json_canonical(v, b);
    cJSON_Delete(v);
    return rc;
}

/* "<indent><what>: <old> -> <new>" as a line. Takes old and new. */
static enum lt_rc change_line(struct buf *out, const char *what, cJSON *old, cJSON *new)
{
    struct buf line = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = buf_printf(&line, "    %s: ", what);
    rc = rc == LT_OK ? add_value(&line, old) : (cJSON_Delete(old), rc);
    rc = rc == LT_OK ? buf_adds(&line, " -> ") : rc;
    rc = rc == LT_OK ? add_value(&line, new) : (cJSON_Delete(new), rc);
    rc = rc == LT_OK ? add_line(out, &line) : rc;
    buf_release(&line);
    return rc;
}

static enum lt_rc entry_details(struct buf *out, const struct diff *d, const struct diff_entry *e)
{
    enum schema_node_kind k = node_kind(e);
    struct buf what = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    for (size_t i = 0; rc == LT_OK && i < e->nprops; i++) {
        rc = change_line(out, schema_nodes[k].props[e->props[i]].name,
                         value_json(&d->old, k, e->old_row, e->props[i]),
                         value_json(&d->new, k, e->new_row, e->props[i]));
    }
    for (size_t i = 0; rc == LT_OK && i < e->nfields; i++) {
        buf_reset(&what);
        const char *path = e->fields[i].path;
        rc = buf_printf(&what, "launch_template_data%s%s", path[0] == '[' ? "" : ".", path);
        const struct diff_field *f = &e->fields[i];
        rc = rc == LT_OK
                 ? change_line(out, buf_str(&what), field_value(f, f->old), field_value(f, f->new))
                 : rc;
    }
    for (size_t i = 0; rc == LT_OK && i < e->ntags; i++) {
        const struct diff_tag *t = &e->tags[i];
        cJSON *key = cJSON_CreateString(t->key);
        buf_reset(&what);
        rc = buf_adds(&what, "tag ");
        rc = rc == LT_OK ? json_canonical(key, &what) : rc;
        cJSON_Delete(key);
        rc = rc == LT_OK
                 ? change_line(out, buf_str(&what), string_or_null(t->old), string_or_null(t->new))
                 : rc;
    }
    buf_release(&what);
    return rc;
}

static enum lt_rc entry_text(struct buf *out, const struct diff *d, const struct diff_entry *e)
{
    struct buf line = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc =
        buf_printf(&line, "  %s %s", e->what == DIFF_TEMPLATE ? "template" : "version", e->id);
    if (rc == LT_OK && e->what == DIFF_TEMPLATE && e->name) {
        cJSON *name = cJSON_CreateString(e->name);
        rc = buf_addc(&line, ' ');
        rc = rc == LT_OK ? json_canonical(name, &line) : rc;
        cJSON_Delete(name);
    }
    if (rc == LT_OK) {
        rc = buf_printf(&line, " %s", change_names[e->change]);
    }
    if (rc == LT_OK && e->reason) {
        cJSON *reason = cJSON_CreateString(e->reason);
        rc = buf_adds(&line, ": ");
        rc = rc == LT_OK ? json_canonical(reason, &line) : rc;
        cJSON_Delete(reason);
    }
    rc = rc == LT_OK ? add_line(out, &line) : rc;
    buf_release(&line);
    return rc == LT_OK ? entry_details(out, d, e) : rc;
}

static const char *status_of(const cJSON *r)
{
    const char *s = r ? json_get_string(r, "status") : NULL;
    return s ? s : "absent";
}

/* "account A region R", and how its status changed. */
static enum lt_rc region_text(struct buf *out, const char *account, const char *region,
                              const struct diff_region *r)
{
    struct buf line = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = buf_printf(&line, "account %s region %s", account, region);
    if (rc == LT_OK && r && r->changed) {
        rc = buf_printf(&line, ": %s -> %s", status_of(r->old), status_of(r->new));
        const char *error = r->new ? json_get_string(r->new, "error") : NULL;
        if (rc == LT_OK && error) {
            cJSON *e = cJSON_CreateString(error);
            rc = buf_adds(&line, " (");
            rc = rc == LT_OK ? json_canonical(e, &line) : rc;
            rc = rc == LT_OK ? buf_addc(&line, ')') : rc;
            cJSON_Delete(e);
        }
        if (rc == LT_OK && is_complete(r->old) && !is_complete(r->new)) {
            rc = buf_adds(&line, "; OLD's templates there are not compared");
        }
    }
    rc = rc == LT_OK ? add_line(out, &line) : rc;
    buf_release(&line);
    return rc;
}

static int compare_place(const char *a1, const char *r1, const char *a2, const char *r2)
{
    int c = strcmp(a1, a2);
    return c ? c : strcmp(r1, r2);
}

/* ", 2 added" style parts of the summary, for the non-zero counts. */
static enum lt_rc summary_part(struct buf *b, const char *what, const size_t *counts, int last)
{
    size_t total = 0;
    for (int c = DIFF_ADDED; c <= last; c++) {
        total += counts[c];
    }
    if (total == 0) {
        return LT_OK;
    }
    LT_TRY(buf_printf(b, "%s%s:", b->len ? "; " : "", what));
    for (int c = DIFF_ADDED, first = 1; c <= last; c++) {
        if (counts[c]) {
            LT_TRY(buf_printf(b, "%s %zu %s", first ? "" : ",", counts[c], change_names[c]));
            first = 0;
        }
    }
    return LT_OK;
}

static enum lt_rc summary_text(struct buf *out, const struct diff *d)
{
    struct buf line = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    if (d->counts.regions) {
        rc = buf_printf(&line, "regions: %zu changed", d->counts.regions);
    }
    rc = rc == LT_OK ? summary_part(&line, "templates", d->counts.templates, DIFF_TOMBSTONED) : rc;
    rc = rc == LT_OK ? summary_part(&line, "versions", d->counts.versions, DIFF_REMOVED) : rc;
    rc = rc == LT_OK ? add_line(out, &line) : rc;
    buf_release(&line);
    return rc;
}

enum lt_rc diff_out_text(const struct diff *d, bool summary, struct buf *out)
{
    size_t ri = 0, ei = 0;
    while (ri < d->nregions || ei < d->nentries) {
        const struct diff_region *r = ri < d->nregions ? &d->regions[ri] : NULL;
        const struct diff_entry *e = ei < d->nentries ? &d->entries[ei] : NULL;
        int c = !r ? 1 : !e ? -1 : compare_place(r->account, r->region, e->account, e->region);
        const char *account = c <= 0 ? r->account : e->account;
        const char *region = c <= 0 ? r->region : e->region;
        if ((c <= 0 && r->changed) || c >= 0) {
            LT_TRY(region_text(out, account, region, c <= 0 ? r : NULL));
        }
        while (ei < d->nentries &&
               compare_place(d->entries[ei].account, d->entries[ei].region, account, region) == 0) {
            LT_TRY(entry_text(out, d, &d->entries[ei++]));
        }
        ri += c <= 0;
    }
    return summary && diff_count(d) ? summary_text(out, d) : LT_OK;
}
