#include "write/manifest.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"

static const char *status_name(enum model_scope_status s)
{
    switch (s) {
    case MODEL_SCOPE_COMPLETE:
        return "complete";
    case MODEL_SCOPE_FAILED:
        return "failed";
    case MODEL_SCOPE_SKIPPED:
        return "skipped";
    case MODEL_SCOPE_PENDING:
        break;
    }
    return "failed";
}

static cJSON *account_entry(cJSON *accounts, const char *id)
{
    cJSON *a;
    cJSON_ArrayForEach(a, accounts) {
        if (strcmp(json_get_string(a, "id"), id) == 0) {
            return a;
        }
    }
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "id", id);
    cJSON_AddItemToObject(a, "regions", cJSON_CreateArray());
    cJSON_AddItemToArray(accounts, a);
    return a;
}

static int compare_json_by(const cJSON *a, const cJSON *b, const char *key)
{
    return strcmp(json_get_string(a, key), json_get_string(b, key));
}

/* Insertion sort of a small array of objects by a string member (cJSON has no sort). */
static void sort_array_by(cJSON *array, const char *key)
{
    cJSON *sorted = NULL;
    cJSON *item = array->child;
    while (item) {
        cJSON *next = item->next;
        item->prev = item->next = NULL;
        if (!sorted || compare_json_by(item, sorted, key) < 0) {
            item->next = sorted;
            sorted = item;
        } else {
            cJSON *p = sorted;
            while (p->next && compare_json_by(p->next, item, key) <= 0) {
                p = p->next;
            }
            item->next = p->next;
            p->next = item;
        }
        item = next;
    }
    cJSON *prev = NULL;
    for (cJSON *c = sorted; c; c = c->next) {
        c->prev = prev;
        prev = c;
    }
    if (sorted) {
        sorted->prev = prev;
    }
    array->child = sorted;
}

static cJSON *accounts_json(const struct model *m)
{
    cJSON *accounts = cJSON_CreateArray();
    for (size_t i = 0; i < m->nscopes; i++) {
        const struct model_scope *s = &m->scopes[i];
        cJSON *regions =
            cJSON_GetObjectItemCaseSensitive(account_entry(accounts, s->account_id), "regions");
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "name", s->region);
        cJSON_AddStringToObject(r, "status", status_name(s->status));
        if (s->error) {
            cJSON_AddStringToObject(r, "error", s->error);
        }
        cJSON_AddItemToArray(regions, r);
    }
    cJSON *a;
    cJSON_ArrayForEach(a, accounts) {
        sort_array_by(cJSON_GetObjectItemCaseSensitive(a, "regions"), "name");
    }
    sort_array_by(accounts, "id");
    return accounts;
}

static cJSON *counts_json(const struct model *m)
{
    cJSON *counts = cJSON_CreateObject();
    cJSON *nodes = cJSON_AddObjectToObject(counts, "nodes");
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        cJSON_AddNumberToObject(nodes, schema_nodes[k].label, (double)m->nnodes[k]);
    }
    cJSON *rels = cJSON_AddObjectToObject(counts, "relationships");
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        cJSON *n = cJSON_GetObjectItemCaseSensitive(rels, schema_rels[k].type);
        if (n) {
            cJSON_SetNumberValue(n, n->valuedouble + (double)m->nrels[k]);
        } else {
            cJSON_AddNumberToObject(rels, schema_rels[k].type, (double)m->nrels[k]);
        }
    }
    return counts;
}

static cJSON *files_json(const struct snapdir *d)
{
    cJSON *files = cJSON_CreateArray();
    for (size_t i = 0; i < d->nfiles; i++) {
        const struct snapdir_file *f = &d->files[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", f->name);
        cJSON_AddStringToObject(o, "sha256", f->sha256);
        cJSON_AddNumberToObject(o, "bytes", (double)f->bytes);
        cJSON_AddNumberToObject(o, "rows", (double)f->rows);
        cJSON_AddItemToArray(files, o);
    }
    sort_array_by(files, "name");
    return files;
}

static enum lt_rc add_created_at(cJSON *root, const struct manifest_info *info)
{
    if (!info->has_created_at) {
        return LT_OK;
    }
    struct buf t = BUF_INIT(64);
    LT_TRY(clock_format_iso8601(&t, info->created_at));
    cJSON_AddStringToObject(root, "created_at", buf_str(&t));
    buf_release(&t);
    return LT_OK;
}

static cJSON *update_tag_json(const struct manifest_info *info)
{
    cJSON *tag = cJSON_CreateObject();
    if (info->tag_pinned) {
        cJSON_AddStringToObject(tag, "mode", "pinned");
        cJSON_AddNumberToObject(tag, "value", (double)info->update_tag);
    } else {
        cJSON_AddStringToObject(tag, "mode", "load-time");
    }
    return tag;
}

enum lt_rc manifest_write(struct snapdir *d, const struct model *m,
                          const struct manifest_info *info, struct lt_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", SNAPDIR_FORMAT);
    cJSON_AddNumberToObject(root, "format_version", MANIFEST_FORMAT_VERSION);
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    cJSON_AddStringToObject(tool, "name", "ltsnap");
    cJSON_AddStringToObject(tool, "version", LT_VERSION);
    cJSON_AddStringToObject(tool, "command", info->command);
    cJSON_AddItemToObject(root, "update_tag", update_tag_json(info));
    cJSON_AddBoolToObject(root, "user_data_included", info->include_user_data);
    cJSON_AddItemToObject(root, "accounts", accounts_json(m));
    cJSON_AddItemToObject(root, "counts", counts_json(m));
    cJSON_AddNumberToObject(root, "tombstones", (double)m->ntombstones);
    cJSON_AddItemToObject(root, "files", files_json(d));
    struct buf text = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = add_created_at(root, info);
    if (rc == LT_OK) {
        rc = json_pretty(root, &text);
    }
    cJSON_Delete(root);
    if (rc != LT_OK) {
        buf_release(&text);
        return lt_fail(err, LT_E_INTERNAL, "cannot build %s", SNAPDIR_MANIFEST);
    }
    struct fsx_writer w;
    rc = snapdir_open(d, SNAPDIR_MANIFEST, &w, err);
    if (rc == LT_OK) {
        rc = fsx_writer_add(&w, buf_str(&text), text.len, err);
        if (rc == LT_OK) {
            unsigned char sha[HASH_SHA256_LEN];
            rc = fsx_writer_close(&w, sha, NULL, err);
        } else {
            fsx_writer_abort(&w);
        }
    }
    buf_release(&text);
    return rc;
}
