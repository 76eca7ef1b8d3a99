/*
 * diff.c - comparing two snapshots (see diff.h for what a difference is):
 * regions from the manifests, then templates, versions and their tags by
 * id, then what the delta script must merge and delete.
 */
#include "snap/diff.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/mem.h"
#include "write/csv_out.h"

/* One snapshot with the lookups the comparison needs. */
struct side {
    struct snap *s;
    struct snap_index ids[SCHEMA_NODE_COUNT];
    struct snap_index rels[SCHEMA_REL_COUNT];  /* by start, then end */
    struct snap_index owner[SCHEMA_REL_COUNT]; /* by end */
    struct snap_index tombstones;              /* by id */
};

static void side_build(struct side *x, struct snap *s)
{
    x->s = s;
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        snap_index_build(&x->ids[k], &s->nodes[k], 0);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        snap_index_build_pair(&x->rels[k], &s->rels[k], 0, 1);
        snap_index_build(&x->owner[k], &s->rels[k], 1);
    }
    snap_index_build(&x->tombstones, &s->tombstones, 1);
}

static void side_release(struct side *x)
{
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        snap_index_release(&x->ids[k]);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        snap_index_release(&x->rels[k]);
        snap_index_release(&x->owner[k]);
    }
    snap_index_release(&x->tombstones);
}

/* ---- small accessors ---- */

static const char *node_text(const struct side *x, enum schema_node_kind k, size_t row, size_t prop)
{
    return snap_table_text(&x->s->nodes[k], row, snap_node_column(prop));
}

static const struct snap_field *node_field(const struct side *x, enum schema_node_kind k,
                                           size_t row, size_t prop)
{
    return snap_table_field(&x->s->nodes[k], row, snap_node_column(prop));
}

static size_t find_node(const struct side *x, enum schema_node_kind k, const char *id)
{
    return snap_index_find(&x->ids[k], id, strlen(id));
}

/* The account of a template or version: the start of its RESOURCE relationship, or NULL. */
static const char *owner_account(const struct side *x, enum schema_node_kind k, const char *id)
{
    enum schema_rel_kind r =
        k == SCHEMA_NODE_TEMPLATE ? SCHEMA_REL_ACCOUNT_TEMPLATE : SCHEMA_REL_ACCOUNT_VERSION;
    size_t e = snap_index_find(&x->owner[r], id, strlen(id));
    return e == SIZE_MAX ? NULL : snap_table_text(&x->s->rels[r], e, 0);
}

static const char *region_status(const struct snap *s, const char *account, const char *region)
{
    const cJSON *r = account && region ? snap_manifest_region(s->manifest, account, region) : NULL;
    return r ? json_get_string(r, "status") : NULL;
}

static bool complete_in(const struct snap *s, const char *account, const char *region)
{
    const char *status = region_status(s, account, region);
    return status && strcmp(status, "complete") == 0;
}

static bool same_field(const struct snap_field *a, const char *at, const struct snap_field *b,
                       const char *bt)
{
    return a->present == b->present && a->len == b->len && memcmp(at, bt, a->len) == 0;
}

static void push_row(struct diff_rows *r, size_t row)
{
    r->rows = mem_realloc_array(r->rows, r->n + 1, sizeof(*r->rows));
    r->rows[r->n++] = row;
}

/* ---- regions ---- */

static void add_region(struct diff *d, const char *account, const cJSON *r, bool old)
{
    const char *name = json_get_string(r, "name");
    if (name == NULL) {
        return;
    }
    for (size_t i = 0; i < d->nregions; i++) {
        struct diff_region *x = &d->regions[i];
        if (strcmp(x->account, account) == 0 && strcmp(x->region, name) == 0) {
            *(old ? &x->old : &x->new) = r;
            return;
        }
    }
    d->regions = mem_realloc_array(d->regions, d->nregions + 1, sizeof(*d->regions));
    d->regions[d->nregions++] =
        (struct diff_region){account, name, old ? r : NULL, old ? NULL : r, false};
}

static void add_regions(struct diff *d, const cJSON *manifest, bool old)
{
    const cJSON *a = NULL, *r = NULL;
    cJSON_ArrayForEach(a, json_get_array(manifest, "accounts")) {
        const char *account = json_get_string(a, "id");
        if (account == NULL) {
            continue;
        }
        cJSON_ArrayForEach(r, json_get_array(a, "regions")) {
            add_region(d, account, r, old);
        }
    }
}

static int compare_regions(const void *pa, const void *pb)
{
    const struct diff_region *a = pa, *b = pb;
    int c = strcmp(a->account, b->account);
    return c ? c : strcmp(a->region, b->region);
}

static void diff_regions(struct diff *d)
{
    add_regions(d, d->old.manifest, true);
    add_regions(d, d->new.manifest, false);
    if (d->nregions > 1) {
        qsort(d->regions, d->nregions, sizeof(*d->regions), compare_regions);
    }
    for (size_t i = 0; i < d->nregions; i++) {
        struct diff_region *r = &d->regions[i];
        const char *a = r->old ? json_get_string(r->old, "status") : NULL;
        const char *b = r->new ? json_get_string(r->new, "status") : NULL;
        r->changed = (a == NULL) != (b == NULL) || (a && b && strcmp(a, b) != 0);
        d->counts.regions += r->changed;
    }
}

/* ---- entries ---- */

struct cmp {
    struct diff *d;
    struct side old, new;
};

static struct diff_entry *push_entry(struct diff *d, enum diff_what what, enum diff_change change)
{
    d->entries = mem_realloc_array(d->entries, d->nentries + 1, sizeof(*d->entries));
    struct diff_entry *e = &d->entries[d->nentries++];
    *e = (struct diff_entry){
        .what = what, .change = change, .old_row = SIZE_MAX, .new_row = SIZE_MAX};
    (what == DIFF_TEMPLATE ? d->counts.templates : d->counts.versions)[change]++;
    return e;
}

static void push_prop(struct diff_entry *e, size_t prop)
{
    e->props = mem_realloc_array(e->props, e->nprops + 1, sizeof(*e->props));
    e->props[e->nprops++] = prop;
}

static void push_field(struct diff_entry *e, const struct buf *path, const cJSON *old,
                       const cJSON *new)
{
    e->fields = mem_realloc_array(e->fields, e->nfields + 1, sizeof(*e->fields));
    e->fields[e->nfields++] = (struct diff_field){mem_strdup(buf_str(path)), old, new};
}

static bool is_identifier(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_')) {
            return false;
        }
    }
    return true;
}

/* Appends ".key" (or "key" at the root), or ["key"] when key is not an identifier. */
static enum lt_rc path_key(struct buf *path, const char *key)
{
    if (is_identifier(key)) {
        return path->len ? buf_printf(path, ".%s", key) : buf_adds(path, key);
    }
    cJSON *s = cJSON_CreateString(key);
    enum lt_rc rc = buf_addc(path, '[');
    if (rc == LT_OK) {
        rc = json_canonical(s, path);
    }
    cJSON_Delete(s);
    return rc == LT_OK ? buf_addc(path, ']') : rc;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void json_walk(struct diff_entry *e, struct buf *path, const cJSON *old, const cJSON *new);

/* Both objects: their keys in byte order, each once. */
static void json_walk_objects(struct diff_entry *e, struct buf *path, const cJSON *old,
                              const cJSON *new)
{
    size_t n = (size_t)cJSON_GetArraySize(old) + (size_t)cJSON_GetArraySize(new), k = 0;
    const char **keys = mem_calloc(n ? n : 1, sizeof(*keys));
    const cJSON *c = NULL;
    cJSON_ArrayForEach(c, old) {
        keys[k++] = c->string;
    }
    cJSON_ArrayForEach(c, new) {
        keys[k++] = c->string;
    }
    qsort(keys, k, sizeof(*keys), compare_strings);
    size_t base = path->len;
    for (size_t i = 0; i < k; i++) {
        if ((i > 0 && strcmp(keys[i], keys[i - 1]) == 0) || path_key(path, keys[i]) != LT_OK) {
            continue;
        }
        json_walk(e, path, cJSON_GetObjectItemCaseSensitive(old, keys[i]),
                  cJSON_GetObjectItemCaseSensitive(new, keys[i]));
        buf_truncate(path, base);
    }
    mem_free(keys);
}

/* Both arrays: element by element, by index. */
static void json_walk_arrays(struct diff_entry *e, struct buf *path, const cJSON *old,
                             const cJSON *new)
{
    int n = cJSON_GetArraySize(old), m = cJSON_GetArraySize(new);
    size_t base = path->len;
    const cJSON *a = old->child, *b = new->child;
    for (int i = 0; i < (n > m ? n : m); i++) {
        if (buf_printf(path, "[%d]", i) == LT_OK) {
            json_walk(e, path, a, b);
        }
        buf_truncate(path, base);
        a = a ? a->next : NULL;
        b = b ? b->next : NULL;
    }
}

static void json_walk(struct diff_entry *e, struct buf *path, const cJSON *old, const cJSON *new)
{
    if (cJSON_IsObject(old) && cJSON_IsObject(new)) {
        json_walk_objects(e, path, old, new);
    } else if (cJSON_IsArray(old) && cJSON_IsArray(new)) {
        json_walk_arrays(e, path, old, new);
    } else if (!old || !new || !cJSON_Compare(old, new, true)) {
        push_field(e, path, old, new);
    }
}

/* launch_template_data field by field; false when it cannot be (then it is one property). */
static bool diff_data(struct cmp *c, struct diff_entry *e)
{
    const struct snap_field *fo =
        node_field(&c->old, SCHEMA_NODE_VERSION, e->old_row, VERSION_LAUNCH_TEMPLATE_DATA);
    const struct snap_field *fn =
        node_field(&c->new, SCHEMA_NODE_VERSION, e->new_row, VERSION_LAUNCH_TEMPLATE_DATA);
    if (!fo->present || !fn->present) {
        return false;
    }
    e->old_data = cJSON_ParseWithLength(
        node_text(&c->old, SCHEMA_NODE_VERSION, e->old_row, VERSION_LAUNCH_TEMPLATE_DATA), fo->len);
    e->new_data = cJSON_ParseWithLength(
        node_text(&c->new, SCHEMA_NODE_VERSION, e->new_row, VERSION_LAUNCH_TEMPLATE_DATA), fn->len);
    if (!cJSON_IsObject(e->old_data) || !cJSON_IsObject(e->new_data)) {
        return false;
    }
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    json_walk(e, &path, e->old_data, e->new_data);
    buf_release(&path);
    return true;
}

static void diff_props(struct cmp *c, struct diff_entry *e, enum schema_node_kind k)
{
    const struct schema_node *n = &schema_nodes[k];
    for (size_t p = 1; p < n->nprops; p++) {
        const struct snap_field *a = node_field(&c->old, k, e->old_row, p);
        const struct snap_field *b = node_field(&c->new, k, e->new_row, p);
        if (same_field(a, node_text(&c->old, k, e->old_row, p), b,
                       node_text(&c->new, k, e->new_row, p))) {
            continue;
        }
        if (k != SCHEMA_NODE_VERSION || p != VERSION_LAUNCH_TEMPLATE_DATA || !diff_data(c, e)) {
            push_prop(e, p);
        }
    }
}

/* ---- tags ---- */

struct tag_pair {
    const char *key, *value;
};

static int compare_tag_pairs(const void *pa, const void *pb)
{
    const struct tag_pair *a = pa, *b = pb;
    int k = strcmp(a->key, b->key);
    return k ? k : strcmp(a->value, b->value);
}

/* The (key, value) of every tag of template id, sorted; *n counts them. */
static struct tag_pair *tags_of(const struct side *x, const char *id, size_t *n)
{
    const struct snap_index *ix = &x->rels[SCHEMA_REL_TEMPLATE_TAG];
    const struct snap_table *t = &x->s->rels[SCHEMA_REL_TEMPLATE_TAG];
    size_t len = strlen(id);
    struct tag_pair *pairs = NULL;
    *n = 0;
    for (size_t pos = snap_index_first(ix, id, len);
         pos < t->nrows && snap_table_field(t, ix->rows[pos], 0)->len == len &&
         memcmp(snap_table_text(t, ix->rows[pos], 0), id, len) == 0;
         pos++) {
        size_t tag = find_node(x, SCHEMA_NODE_TAG, snap_table_text(t, ix->rows[pos], 1));
        if (tag == SIZE_MAX) {
            continue;
        }
        pairs = mem_realloc_array(pairs, *n + 1, sizeof(*pairs));
        pairs[(*n)++] = (struct tag_pair){node_text(x, SCHEMA_NODE_TAG, tag, TAG_KEY),
                                          node_text(x, SCHEMA_NODE_TAG, tag, TAG_VALUE)};
    }
    if (*n > 1) {
        qsort(pairs, *n, sizeof(*pairs), compare_tag_pairs);
    }
    return pairs;
}

static void push_tag(struct diff_entry *e, const char *key, const char *old, const char *new)
{
    e->tags = mem_realloc_array(e->tags, e->ntags + 1, sizeof(*e->tags));
    e->tags[e->ntags++] = (struct diff_tag){key, old, new};
}

/* Tags by key: a key in both with another value is changed, otherwise added or removed. */
static void diff_tags(struct cmp *c, struct diff_entry *e)
{
    size_t no = 0, nn = 0, i = 0, j = 0;
    struct tag_pair *o = tags_of(&c->old, e->id, &no);
    struct tag_pair *n = tags_of(&c->new, e->id, &nn);
    while (i < no || j < nn) {
        int k = i == no ? 1 : j == nn ? -1 : strcmp(o[i].key, n[j].key);
        if (k == 0) {
            if (strcmp(o[i].value, n[j].value) != 0) {
                push_tag(e, o[i].key, o[i].value, n[j].value);
            }
            i++, j++;
        } else if (k < 0) {
            push_tag(e, o[i].key, o[i].value, NULL);
            i++;
        } else {
            push_tag(e, n[j].key, NULL, n[j].value);
            j++;
        }
    }
    mem_free(o);
    mem_free(n);
}

/* ---- templates and versions ---- */

/* Identity of an entry from the row of one side (the one that has it). */
static void identify(struct diff_entry *e, const struct side *x, enum schema_node_kind k,
                     size_t row)
{
    e->id = node_text(x, k, row, 0);
    e->account = owner_account(x, k, e->id);
    if (k == SCHEMA_NODE_TEMPLATE) {
        e->template_id = e->id;
        e->region = node_text(x, k, row, TEMPLATE_REGION);
        e->name = node_field(x, k, row, TEMPLATE_NAME)->present
                      ? node_text(x, k, row, TEMPLATE_NAME)
                      : NULL;
    } else {
        e->template_id = node_text(x, k, row, VERSION_LAUNCH_TEMPLATE_ID);
        e->region = node_text(x, k, row, VERSION_REGION);
        e->name = node_field(x, k, row, VERSION_NAME)->present ? node_text(x, k, row, VERSION_NAME)
                                                               : NULL;
        const struct snap_field *f = node_field(x, k, row, VERSION_VERSION_NUMBER);
        if (!snap_parse_long(node_text(x, k, row, VERSION_VERSION_NUMBER), f->len, &e->number)) {
            e->number = 0;
        }
    }
    e->account = e->account ? e->account : "";
}

static void release_entry(struct diff_entry *e)
{
    for (size_t i = 0; i < e->nfields; i++) {
        mem_free(e->fields[i].path);
    }
    mem_free(e->fields);
    mem_free(e->props);
    mem_free(e->tags);
    cJSON_Delete(e->old_data);
    cJSON_Delete(e->new_data);
}

/* A node NEW has: added, or changed when a property (or a template's tag) differs. */
static void compare_new(struct cmp *c, enum schema_node_kind k, size_t row)
{
    enum diff_what what = k == SCHEMA_NODE_TEMPLATE ? DIFF_TEMPLATE : DIFF_VERSION;
    size_t old = find_node(&c->old, k, node_text(&c->new, k, row, 0));
    struct diff_entry probe = {.what = what, .old_row = old, .new_row = row};
    identify(&probe, &c->new, k, row);
    if (old != SIZE_MAX) {
        diff_props(c, &probe, k);
        if (k == SCHEMA_NODE_TEMPLATE) {
            diff_tags(c, &probe);
        }
        if (probe.nprops + probe.nfields + probe.ntags == 0) {
            release_entry(&probe);
            return;
        }
    }
    struct diff_entry *e = push_entry(c->d, what, old == SIZE_MAX ? DIFF_ADDED : DIFF_CHANGED);
    *e = (struct diff_entry){.what = e->what,
                             .change = e->change,
                             .account = probe.account,
                             .region = probe.region,
                             .id = probe.id,
                             .template_id = probe.template_id,
                             .number = probe.number,
                             .name = probe.name,
                             .old_row = old,
                             .new_row = row,
                             .props = probe.props,
                             .nprops = probe.nprops,
                             .fields = probe.fields,
                             .nfields = probe.nfields,
                             .old_data = probe.old_data,
                             .new_data = probe.new_data,
                             .tags = probe.tags,
                             .ntags = probe.ntags};
    push_row(&c->d->merge_nodes[k], row);
}

/* A node OLD has and NEW does not: removed, when NEW's region of it is complete. */
static void compare_old(struct cmp *c, enum schema_node_kind k, size_t row)
{
    const char *id = node_text(&c->old, k, row, 0);
    if (find_node(&c->new, k, id) != SIZE_MAX) {
        return;
    }
    struct diff_entry probe = {0};
    identify(&probe, &c->old, k, row);
    if (!complete_in(c->new.s, probe.account, probe.region)) {
        return; /* NEW does not know this region: not compared */
    }
    if (k == SCHEMA_NODE_TEMPLATE &&
        snap_index_find(&c->new.tombstones, id, strlen(id)) != SIZE_MAX) {
        return; /* tombstoned: see compare_tombstones */
    }
    enum diff_what what = k == SCHEMA_NODE_TEMPLATE ? DIFF_TEMPLATE : DIFF_VERSION;
    struct diff_entry *e = push_entry(c->d, what, DIFF_REMOVED);
    probe.what = e->what;
    probe.change = e->change;
    probe.old_row = row;
    probe.new_row = SIZE_MAX;
    *e = probe;
    push_row(&c->d->delete_nodes[k], row);
}

/* Tombstones NEW has and OLD does not. */
static void compare_tombstones(struct cmp *c)
{
    const struct snap_table *t = &c->new.s->tombstones;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *id = snap_table_text(t, r, 1);
        if (snap_index_find(&c->old.tombstones, id, strlen(id)) != SIZE_MAX) {
            continue;
        }
        struct diff_entry *e = push_entry(c->d, DIFF_TEMPLATE, DIFF_TOMBSTONED);
        e->id = e->template_id = id;
        e->account = snap_table_text(t, r, 3);
        e->region = snap_table_text(t, r, 4);
        e->reason = snap_table_text(t, r, 5);
        e->name = snap_table_field(t, r, 2)->present ? snap_table_text(t, r, 2) : NULL;
        e->old_row = find_node(&c->old, SCHEMA_NODE_TEMPLATE, id);
        push_row(&c->d->tombstones, r);
    }
}

static int compare_entries(const void *pa, const void *pb)
{
    const struct diff_entry *a = pa, *b = pb;
    int c = strcmp(a->account, b->account);
    c = c ? c : strcmp(a->region, b->region);
    c = c ? c : strcmp(a->template_id, b->template_id);
    c = c ? c : (int)a->what - (int)b->what;
    return c ? c : (a->number > b->number) - (a->number < b->number);
}

/* ---- what only the delta needs: accounts, tags, relationships ---- */

static bool rel_compared(struct cmp *c, enum schema_rel_kind k, size_t row);

/* Every template OLD tags with tag id is in a region NEW knows (so NEW tells if it still is). */
static bool tag_compared(struct cmp *c, const char *id)
{
    const struct snap_index *ix = &c->old.owner[SCHEMA_REL_TEMPLATE_TAG];
    const struct snap_table *t = &c->old.s->rels[SCHEMA_REL_TEMPLATE_TAG];
    size_t len = strlen(id);
    for (size_t pos = snap_index_first(ix, id, len);
         pos < t->nrows && snap_table_field(t, ix->rows[pos], 1)->len == len &&
         memcmp(snap_table_text(t, ix->rows[pos], 1), id, len) == 0;
         pos++) {
        if (!rel_compared(c, SCHEMA_REL_TEMPLATE_TAG, ix->rows[pos])) {
            return false;
        }
    }
    return true;
}

static void diff_plain_nodes(struct cmp *c, enum schema_node_kind k)
{
    const struct snap_table *t = &c->new.s->nodes[k];
    for (size_t r = 0; r < t->nrows; r++) {
        size_t o = find_node(&c->old, k, snap_table_text(t, r, 0));
        bool same = o != SIZE_MAX;
        for (size_t p = 1; same && p < schema_nodes[k].nprops; p++) {
            same = same_field(node_field(&c->old, k, o, p), node_text(&c->old, k, o, p),
                              node_field(&c->new, k, r, p), node_text(&c->new, k, r, p));
        }
        if (!same) {
            push_row(&c->d->merge_nodes[k], r);
        }
    }
    if (k == SCHEMA_NODE_ACCOUNT) {
        return; /* account nodes are never deleted, as by snapshot.cypher */
    }
    const struct snap_table *ot = &c->old.s->nodes[k];
    for (size_t r = 0; r < ot->nrows; r++) {
        const char *id = snap_table_text(ot, r, 0);
        if (find_node(&c->new, k, id) == SIZE_MAX && tag_compared(c, id)) {
            push_row(&c->d->delete_nodes[k], r);
        }
    }
}

/* The template or version whose region a relationship belongs to, in OLD. */
static bool rel_compared(struct cmp *c, enum schema_rel_kind k, size_t row)
{
    const struct schema_rel *rel = &schema_rels[k];
    bool by_end = rel->to != SCHEMA_NODE_TAG;
    enum schema_node_kind owner = by_end ? rel->to : rel->from;
    const char *id = snap_table_text(&c->old.s->rels[k], row, by_end ? 1 : 0);
    size_t n = find_node(&c->old, owner, id);
    if (n == SIZE_MAX) {
        return false;
    }
    struct diff_entry probe = {0};
    identify(&probe, &c->old, owner, n);
    return complete_in(c->new.s, probe.account, probe.region);
}

/*
 * True when the delta DETACH DELETEs node id, so that its relationships go
 * with it: a template or version NEW does not have. (Tag nodes are deleted
 * only once nothing is TAGGED with them, accounts never.)
 */
static bool detached(const struct cmp *c, enum schema_node_kind k, const char *id)
{
    return (k == SCHEMA_NODE_TEMPLATE || k == SCHEMA_NODE_VERSION) &&
           find_node(&c->new, k, id) == SIZE_MAX;
}

static void diff_rels(struct cmp *c, enum schema_rel_kind k)
{
    const struct schema_rel *rel = &schema_rels[k];
    const struct snap_table *t = &c->new.s->rels[k], *ot = &c->old.s->rels[k];
    for (size_t r = 0; r < t->nrows; r++) {
        const struct snap_field *a = snap_table_field(t, r, 0), *b = snap_table_field(t, r, 1);
        if (snap_index_find_pair(&c->old.rels[k], snap_table_text(t, r, 0), a->len,
                                 snap_table_text(t, r, 1), b->len) == SIZE_MAX) {
            push_row(&c->d->merge_rels[k], r);
        }
    }
    for (size_t r = 0; r < ot->nrows; r++) {
        const char *from = snap_table_text(ot, r, 0), *to = snap_table_text(ot, r, 1);
        if (snap_index_find_pair(&c->new.rels[k], from, strlen(from), to, strlen(to)) == SIZE_MAX &&
            !detached(c, rel->from, from) && !detached(c, rel->to, to) && rel_compared(c, k, r)) {
            push_row(&c->d->delete_rels[k], r);
        }
    }
}

/* ---- the run ---- */

static enum lt_rc check_header(const struct snap *s, const struct snap_table *t, enum lt_rc rc,
                               const struct buf *h, struct lt_error *err)
{
    if (rc != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "cannot build a header line");
    }
    if (!snap_table_header_is(t, buf_str(h))) {
        return lt_fail(err, LT_E_INPUT,
                       "'%s/%s': the header is not the one this ltsnap writes; run 'ltsnap "
                       "verify %s'",
                       s->dir, t->name, s->dir);
    }
    return LT_OK;
}

/* Every value of table t is of its column's type (the first bad one is named). */
static enum lt_rc check_values(const struct snap *s, const struct snap_table *t,
                               const struct schema_node *n, struct lt_error *err)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct snap_field *f = snap_table_field(t, r, c);
            size_t prop = c == 0 ? 0 : c - 1;
            enum schema_type type = n && c != 1 ? n->props[prop].type : SCHEMA_STRING;
            if (f->present && !snap_valid_value(type, snap_table_text(t, r, c), f->len)) {
                return lt_fail(err, LT_E_INPUT,
                               "'%s/%s': record %zu, column %zu is not a valid %s; run 'ltsnap "
                               "verify %s'",
                               s->dir, t->name, r + 2, c + 1, schema_type_name(type), s->dir);
            }
        }
    }
    return LT_OK;
}

/*
 * The loaded tables have the schema's columns (so columns can be taken by
 * position) and values of their types (so they can be shown as JSON and
 * written as Cypher literals).
 */
static enum lt_rc check_tables(const struct snap *s, struct lt_error *err)
{
    struct buf h = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    for (size_t k = 0; rc == LT_OK && k < SCHEMA_NODE_COUNT; k++) {
        buf_reset(&h);
        rc = check_header(s, &s->nodes[k], csv_out_node_header(&h, &schema_nodes[k]), &h, err);
    }
    for (size_t k = 0; rc == LT_OK && k < SCHEMA_REL_COUNT; k++) {
        buf_reset(&h);
        rc = check_header(s, &s->rels[k], csv_out_rel_header(&h, &schema_rels[k]), &h, err);
    }
    if (rc == LT_OK) {
        buf_reset(&h);
        rc = check_header(s, &s->tombstones, csv_out_tombstones_header(&h), &h, err);
    }
    buf_release(&h);
    for (size_t k = 0; rc == LT_OK && k < SCHEMA_NODE_COUNT; k++) {
        rc = check_values(s, &s->nodes[k], &schema_nodes[k], err);
    }
    for (size_t k = 0; rc == LT_OK && k < SCHEMA_REL_COUNT; k++) {
        rc = check_values(s, &s->rels[k], NULL, err);
    }
    return rc == LT_OK ? check_values(s, &s->tombstones, NULL, err) : rc;
}

static void compare(struct diff *d)
{
    struct cmp c = {.d = d};
    side_build(&c.old, &d->old);
    side_build(&c.new, &d->new);
    diff_regions(d);
    static const enum schema_node_kind kinds[] = {SCHEMA_NODE_TEMPLATE, SCHEMA_NODE_VERSION};
    for (size_t i = 0; i < LT_ARRAY_SIZE(kinds); i++) {
        for (size_t r = 0; r < d->new.nodes[kinds[i]].nrows; r++) {
            compare_new(&c, kinds[i], r);
        }
        for (size_t r = 0; r < d->old.nodes[kinds[i]].nrows; r++) {
            compare_old(&c, kinds[i], r);
        }
    }
    compare_tombstones(&c);
    if (d->nentries > 1) {
        qsort(d->entries, d->nentries, sizeof(*d->entries), compare_entries);
    }
    diff_plain_nodes(&c, SCHEMA_NODE_ACCOUNT);
    diff_plain_nodes(&c, SCHEMA_NODE_TAG);
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        diff_rels(&c, (enum schema_rel_kind)k);
    }
    side_release(&c.old);
    side_release(&c.new);
}

enum lt_rc diff_snapshots(struct diff *d, const char *old_dir, const char *new_dir,
                          struct lt_error *err)
{
    memset(d, 0, sizeof(*d));
    enum lt_rc rc = snap_load(&d->old, old_dir, err);
    if (rc == LT_OK) {
        rc = snap_load(&d->new, new_dir, err);
    }
    if (rc == LT_OK) {
        rc = check_tables(&d->old, err);
    }
    if (rc == LT_OK) {
        rc = check_tables(&d->new, err);
    }
    if (rc != LT_OK) {
        diff_release(d);
        return rc;
    }
    compare(d);
    return LT_OK;
}

size_t diff_count(const struct diff *d)
{
    return d->counts.regions + d->nentries;
}

static void release_rows(struct diff_rows *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(r[i].rows);
    }
}

void diff_release(struct diff *d)
{
    for (size_t i = 0; i < d->nentries; i++) {
        release_entry(&d->entries[i]);
    }
    mem_free(d->entries);
    mem_free(d->regions);
    release_rows(d->merge_nodes, SCHEMA_NODE_COUNT);
    release_rows(d->merge_rels, SCHEMA_REL_COUNT);
    release_rows(d->delete_nodes, SCHEMA_NODE_COUNT);
    release_rows(d->delete_rels, SCHEMA_REL_COUNT);
    release_rows(&d->tombstones, 1);
    snap_release(&d->old);
    snap_release(&d->new);
    memset(d, 0, sizeof(*d));
}
