#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "model/rows.h"

struct model_item {
    struct model_row row;
    size_t scope;
    size_t seq; /* arrival order, so "first seen wins" survives sorting */
    struct rows_tag *tags;
    size_t ntags;
};

void model_init(struct model *m, const struct model_options *opts)
{
    memset(m, 0, sizeof(*m));
    if (opts) {
        m->opts = *opts;
    }
}

size_t model_scope(struct model *m, const char *account_id, const char *region)
{
    for (size_t i = 0; i < m->nscopes; i++) {
        if (strcmp(m->scopes[i].account_id, account_id) == 0 &&
            strcmp(m->scopes[i].region, region) == 0) {
            return i;
        }
    }
    m->scopes = mem_realloc_array(m->scopes, m->nscopes + 1, sizeof(*m->scopes));
    struct model_scope *s = &m->scopes[m->nscopes];
    memset(s, 0, sizeof(*s));
    s->account_id = mem_strdup(account_id);
    s->region = mem_strdup(region);
    s->status = MODEL_SCOPE_PENDING;
    return m->nscopes++;
}

void model_scope_set_status(struct model *m, size_t scope, enum model_scope_status status,
                            const char *error)
{
    struct model_scope *s = &m->scopes[scope];
    s->status = status;
    mem_free(s->error);
    s->error = error ? mem_strdup(error) : NULL;
}

static struct model_item *push_item(struct model_item **items, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *items = mem_realloc_array(*items, *cap, sizeof(**items));
    }
    struct model_item *it = &(*items)[(*n)++];
    memset(it, 0, sizeof(*it));
    return it;
}

static void release_item(struct model_item *it, size_t nprops)
{
    rows_release(&it->row, nprops);
    rows_tags_release(it->tags, it->ntags);
    it->tags = NULL;
    it->ntags = 0;
}

/* Extracts one row of the kind an add call takes; see rows.h. */
static enum lt_rc extract_row(const struct model *m, bool version, const cJSON *item,
                              const char *region, struct model_item *it, struct lt_error *err)
{
    if (version) {
        return rows_version(item, region, m->opts.include_user_data, &it->row, err);
    }
    return rows_template(item, region, &it->row, &it->tags, &it->ntags, err);
}

static enum lt_rc add_items(struct model *m, size_t scope, const cJSON *items, bool version,
                            struct lt_error *err)
{
    struct model_item **list = version ? &m->versions : &m->templates;
    size_t *n = version ? &m->nversions : &m->ntemplates;
    size_t *cap = version ? &m->versions_cap : &m->templates_cap;
    const cJSON *item;
    size_t index = 0;
    cJSON_ArrayForEach(item, items) {
        struct model_item *it = push_item(list, n, cap);
        it->scope = scope;
        it->seq = *n;
        enum lt_rc rc = extract_row(m, version, item, m->scopes[scope].region, it, err);
        if (rc != LT_OK) {
            release_item(it, version ? VERSION_PROP_COUNT : TEMPLATE_PROP_COUNT);
            (*n)--;
            lt_error_prefix(err, "%s[%zu]", version ? "LaunchTemplateVersions" : "LaunchTemplates",
                            index);
            return rc;
        }
        index++;
    }
    return LT_OK;
}

enum lt_rc model_add_templates(struct model *m, size_t scope, const cJSON *templates,
                               struct lt_error *err)
{
    return add_items(m, scope, templates, false, err);
}

enum lt_rc model_add_versions(struct model *m, size_t scope, const cJSON *versions,
                              struct lt_error *err)
{
    return add_items(m, scope, versions, true, err);
}

static void push_tombstone(struct model *m, size_t scope, const char *id, const char *name,
                           const char *reason)
{
    if (m->ntombstones == m->tombstones_cap) {
        m->tombstones_cap = m->tombstones_cap ? m->tombstones_cap * 2 : 16;
        m->tombstones = mem_realloc_array(m->tombstones, m->tombstones_cap, sizeof(*m->tombstones));
        m->tombstone_scope =
            mem_realloc_array(m->tombstone_scope, m->tombstones_cap, sizeof(*m->tombstone_scope));
    }
    struct model_tombstone *t = &m->tombstones[m->ntombstones];
    t->kind = mem_strdup(schema_nodes[SCHEMA_NODE_TEMPLATE].label);
    t->id = mem_strdup(id);
    t->name = name ? mem_strdup(name) : NULL;
    t->account_id = mem_strdup(m->scopes[scope].account_id);
    t->region = mem_strdup(m->scopes[scope].region);
    t->reason = mem_strdup(reason);
    m->tombstone_scope[m->ntombstones] = scope;
    m->ntombstones++;
}

void model_add_tombstone(struct model *m, size_t scope, const char *template_id, const char *name,
                         const char *reason)
{
    push_tombstone(m, scope, template_id, name, reason);
}

/* ---- finishing ---- */

static const char *template_id_of(const struct model_item *it)
{
    return it->row.values[TEMPLATE_ID].str;
}

static const char *version_template_of(const struct model_item *it)
{
    return it->row.values[VERSION_LAUNCH_TEMPLATE_ID].str;
}

static int compare_seq(size_t a, size_t b)
{
    return (a > b) - (a < b);
}

static int compare_templates(const void *pa, const void *pb)
{
    const struct model_item *a = pa, *b = pb;
    int c = strcmp(template_id_of(a), template_id_of(b));
    return c ? c : compare_seq(a->seq, b->seq);
}

static int compare_versions(const void *pa, const void *pb)
{
    const struct model_item *a = pa, *b = pb;
    int c = strcmp(version_template_of(a), version_template_of(b));
    if (c) {
        return c;
    }
    int64_t na = a->row.values[VERSION_VERSION_NUMBER].num;
    int64_t nb = b->row.values[VERSION_VERSION_NUMBER].num;
    if (na != nb) {
        return na < nb ? -1 : 1;
    }
    return compare_seq(a->seq, b->seq);
}

static bool scope_complete(const struct model *m, size_t scope)
{
    return m->scopes[scope].status == MODEL_SCOPE_COMPLETE;
}

/* Drops items of scopes that did not complete: a region is all there or absent. */
static void keep_complete(struct model *m, struct model_item *items, size_t *n, size_t nprops)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (scope_complete(m, items[i].scope)) {
            items[kept++] = items[i];
        } else {
            release_item(&items[i], nprops);
        }
    }
    *n = kept;
}

static void release_tombstone(struct model_tombstone *t)
{
    mem_free(t->kind);
    mem_free(t->id);
    mem_free(t->name);
    mem_free(t->account_id);
    mem_free(t->region);
    mem_free(t->reason);
}

static int compare_tombstones(const void *pa, const void *pb)
{
    const struct model_tombstone *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    if (c) {
        return c;
    }
    c = strcmp(a->account_id, b->account_id);
    return c ? c : strcmp(a->region, b->region);
}

/* Keeps tombstones of complete scopes, sorted by id, one per template. */
static void settle_tombstones(struct model *m)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->ntombstones; i++) {
        if (scope_complete(m, m->tombstone_scope[i])) {
            m->tombstones[kept] = m->tombstones[i];
            m->tombstone_scope[kept] = m->tombstone_scope[i];
            kept++;
        } else {
            release_tombstone(&m->tombstones[i]);
        }
    }
    m->ntombstones = kept;
    /* Scopes travel with their tombstone no further: finish never reads them again. */
    if (m->ntombstones > 1) {
        qsort(m->tombstones, m->ntombstones, sizeof(*m->tombstones), compare_tombstones);
    }
    kept = 0;
    for (size_t i = 0; i < m->ntombstones; i++) {
        if (kept && strcmp(m->tombstones[kept - 1].id, m->tombstones[i].id) == 0) {
            release_tombstone(&m->tombstones[i]);
            continue;
        }
        m->tombstones[kept++] = m->tombstones[i];
    }
    m->ntombstones = kept;
}

static int compare_tombstone_id(const void *key, const void *elem)
{
    return strcmp(key, ((const struct model_tombstone *)elem)->id);
}

static struct model_tombstone *find_tombstone(struct model *m, const char *id)
{
    if (m->ntombstones == 0) {
        return NULL; /* tombstones is NULL then, which bsearch may not be given */
    }
    return bsearch(id, m->tombstones, m->ntombstones, sizeof(*m->tombstones), compare_tombstone_id);
}

static enum lt_rc dedup_templates(struct model *m, struct lt_error *err)
{
    if (m->ntemplates > 1) {
        qsort(m->templates, m->ntemplates, sizeof(*m->templates), compare_templates);
    }
    size_t kept = 0;
    for (size_t i = 0; i < m->ntemplates; i++) {
        struct model_item *it = &m->templates[i];
        struct model_item *prev = kept ? &m->templates[kept - 1] : NULL;
        if (prev && strcmp(template_id_of(prev), template_id_of(it)) == 0) {
            if (prev->scope != it->scope) {
                const struct model_scope *a = &m->scopes[prev->scope];
                const struct model_scope *b = &m->scopes[it->scope];
                return lt_fail(err, LT_E_INPUT,
                               "launch template '%s' appears in two places: account %s "
                               "region %s and account %s region %s",
                               template_id_of(it), a->account_id, a->region, b->account_id,
                               b->region);
            }
            m->stats.duplicate_templates++;
            release_item(it, TEMPLATE_PROP_COUNT);
            continue;
        }
        m->templates[kept++] = *it;
    }
    m->ntemplates = kept;
    return LT_OK;
}

static void dedup_versions(struct model *m)
{
    if (m->nversions > 1) {
        qsort(m->versions, m->nversions, sizeof(*m->versions), compare_versions);
    }
    size_t kept = 0;
    for (size_t i = 0; i < m->nversions; i++) {
        struct model_item *it = &m->versions[i];
        struct model_item *prev = kept ? &m->versions[kept - 1] : NULL;
        if (prev && strcmp(version_template_of(prev), version_template_of(it)) == 0 &&
            prev->row.values[VERSION_VERSION_NUMBER].num ==
                it->row.values[VERSION_VERSION_NUMBER].num) {
            m->stats.duplicate_versions++;
            release_item(it, VERSION_PROP_COUNT);
            continue;
        }
        m->versions[kept++] = *it;
    }
    m->nversions = kept;
}

/* Table builders: rows are moved out of the items, so items keep no ownership. */
struct table {
    struct model_row *rows;
    size_t n, cap;
};

struct rel_table {
    struct model_rel *rels;
    size_t n, cap;
};

static void table_push(struct table *t, struct model_row row)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = mem_realloc_array(t->rows, t->cap, sizeof(*t->rows));
    }
    t->rows[t->n++] = row;
}

static void rel_push(struct rel_table *t, const char *from, const char *to)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rels = mem_realloc_array(t->rels, t->cap, sizeof(*t->rels));
    }
    t->rels[t->n].from = mem_strdup(from);
    t->rels[t->n].to = mem_strdup(to);
    t->n++;
}

struct builder {
    struct table nodes[SCHEMA_NODE_COUNT];
    struct rel_table rels[SCHEMA_REL_COUNT];
    /* tag nodes are collected as (id, key, value) and de-duplicated at the end */
    struct table tag_rows;
};

static enum lt_rc add_tags(struct builder *b, struct model_item *t, struct lt_error *err)
{
    for (size_t i = 0; i < t->ntags; i++) {
        struct buf id = BUF_INIT(BUF_MAX_LARGE);
        if (buf_printf(&id, "%s:%s", t->tags[i].key, t->tags[i].value) != LT_OK) {
            return lt_fail(err, LT_E_LIMIT, "tag of '%s' too long", template_id_of(t));
        }
        struct model_value *v = mem_calloc(TAG_PROP_COUNT, sizeof(*v));
        v[TAG_ID].present = true;
        v[TAG_ID].str = buf_detach(&id, &v[TAG_ID].len);
        rows_set_string(&v[TAG_KEY], t->tags[i].key);
        rows_set_string(&v[TAG_VALUE], t->tags[i].value);
        rel_push(&b->rels[SCHEMA_REL_TEMPLATE_TAG], template_id_of(t), v[TAG_ID].str);
        table_push(&b->tag_rows, (struct model_row){v});
    }
    return LT_OK;
}

/* Moves a kept template and its versions (versions[first..end)) into the tables. */
static enum lt_rc emit_template(struct model *m, struct builder *b, struct model_item *t,
                                size_t first, size_t end, struct lt_error *err)
{
    const char *account = m->scopes[t->scope].account_id;
    const char *id = template_id_of(t);
    LT_TRY(add_tags(b, t, err));
    rel_push(&b->rels[SCHEMA_REL_ACCOUNT_TEMPLATE], account, id);
    for (size_t i = first; i < end; i++) {
        struct model_item *v = &m->versions[i];
        const char *vid = v->row.values[VERSION_ID].str;
        rel_push(&b->rels[SCHEMA_REL_ACCOUNT_VERSION], m->scopes[v->scope].account_id, vid);
        rel_push(&b->rels[SCHEMA_REL_TEMPLATE_VERSION], id, vid);
        table_push(&b->nodes[SCHEMA_NODE_VERSION], v->row);
        v->row.values = NULL;
    }
    table_push(&b->nodes[SCHEMA_NODE_TEMPLATE], t->row);
    t->row.values = NULL;
    return LT_OK;
}

/*
 * Versions [first, end) of template t are sorted by number; those above the
 * listed LatestVersionNumber were created after the listing. Returns the end
 * of the ones to keep.
 */
static size_t listed_versions_end(struct model *m, const struct model_item *t, size_t first,
                                  size_t end)
{
    const struct model_value *latest = &t->row.values[TEMPLATE_LATEST_VERSION_NUMBER];
    if (!latest->present) {
        return end;
    }
    size_t keep = first;
    while (keep < end && m->versions[keep].row.values[VERSION_VERSION_NUMBER].num <= latest->num) {
        keep++;
    }
    m->stats.versions_after_listing += end - keep;
    return keep;
}

/* Walks templates and versions, both sorted by template id, side by side. */
static enum lt_rc join(struct model *m, struct builder *b, struct lt_error *err)
{
    size_t vi = 0;
    for (size_t ti = 0; ti < m->ntemplates; ti++) {
        struct model_item *t = &m->templates[ti];
        const char *id = template_id_of(t);
        while (vi < m->nversions && strcmp(version_template_of(&m->versions[vi]), id) < 0) {
            m->stats.versions_without_template++;
            vi++;
        }
        size_t first = vi;
        while (vi < m->nversions && strcmp(version_template_of(&m->versions[vi]), id) == 0) {
            vi++;
        }
        size_t end = listed_versions_end(m, t, first, vi);
        struct model_tombstone *gone = find_tombstone(m, id);
        if (gone) {
            if (!gone->name && t->row.values[TEMPLATE_NAME].present) {
                gone->name = mem_strdup(t->row.values[TEMPLATE_NAME].str);
            }
            continue;
        }
        if (first == end) {
            push_tombstone(m, t->scope, id,
                           t->row.values[TEMPLATE_NAME].present ? t->row.values[TEMPLATE_NAME].str
                                                                : NULL,
                           "NoVersions");
            continue;
        }
        LT_TRY(emit_template(m, b, t, first, end, err));
    }
    m->stats.versions_without_template += m->nversions - vi;
    return LT_OK;
}

static int compare_rows_by_id(const void *pa, const void *pb)
{
    const struct model_row *a = pa, *b = pb;
    return strcmp(a->values[0].str, b->values[0].str);
}

static void dedup_tag_nodes(struct builder *b)
{
    struct table *t = &b->tag_rows;
    /* Same id may come with different key/value splits ("a:b" + "c" vs "a" + "b:c"):
       order by key too, so the kept one does not depend on input order. */
    if (t->n > 1) {
        qsort(t->rows, t->n, sizeof(*t->rows), compare_rows_by_id);
    }
    for (size_t i = 0; i < t->n; i++) {
        struct model_row *prev =
            b->nodes[SCHEMA_NODE_TAG].n
                ? &b->nodes[SCHEMA_NODE_TAG].rows[b->nodes[SCHEMA_NODE_TAG].n - 1]
                : NULL;
        if (prev && strcmp(prev->values[TAG_ID].str, t->rows[i].values[TAG_ID].str) == 0) {
            if (strcmp(t->rows[i].values[TAG_KEY].str, prev->values[TAG_KEY].str) < 0) {
                struct model_row swap = *prev;
                *prev = t->rows[i];
                t->rows[i] = swap;
            }
            rows_release(&t->rows[i], TAG_PROP_COUNT);
            continue;
        }
        table_push(&b->nodes[SCHEMA_NODE_TAG], t->rows[i]);
    }
    mem_free(t->rows);
}

static void add_accounts(struct model *m, struct builder *b)
{
    for (size_t i = 0; i < m->nscopes; i++) {
        if (!scope_complete(m, i)) {
            continue;
        }
        bool seen = false;
        for (size_t k = 0; k < b->nodes[SCHEMA_NODE_ACCOUNT].n && !seen; k++) {
            seen = strcmp(b->nodes[SCHEMA_NODE_ACCOUNT].rows[k].values[ACCOUNT_ID].str,
                          m->scopes[i].account_id) == 0;
        }
        if (!seen) {
            struct model_value *v = mem_calloc(ACCOUNT_PROP_COUNT, sizeof(*v));
            rows_set_string(&v[ACCOUNT_ID], m->scopes[i].account_id);
            table_push(&b->nodes[SCHEMA_NODE_ACCOUNT], (struct model_row){v});
        }
    }
    if (b->nodes[SCHEMA_NODE_ACCOUNT].n > 1) {
        qsort(b->nodes[SCHEMA_NODE_ACCOUNT].rows, b->nodes[SCHEMA_NODE_ACCOUNT].n,
              sizeof(struct model_row), compare_rows_by_id);
    }
}

static int compare_rels(const void *pa, const void *pb)
{
    const struct model_rel *a = pa, *b = pb;
    int c = strcmp(a->from, b->from);
    return c ? c : strcmp(a->to, b->to);
}

struct indexed_rel {
    struct model_rel rel;
    size_t index;
};

static int compare_from_then_index(const void *pa, const void *pb)
{
    const struct indexed_rel *a = pa, *b = pb;
    int c = strcmp(a->rel.from, b->rel.from);
    return c ? c : compare_seq(a->index, b->index);
}

/* Sorts by start id, keeping the arrival order within one start node. */
static void stable_sort_by_from(struct rel_table *t)
{
    struct indexed_rel *tmp = mem_calloc(t->n ? t->n : 1, sizeof(*tmp));
    for (size_t i = 0; i < t->n; i++) {
        tmp[i].rel = t->rels[i];
        tmp[i].index = i;
    }
    if (t->n > 1) {
        qsort(tmp, t->n, sizeof(*tmp), compare_from_then_index);
    }
    for (size_t i = 0; i < t->n; i++) {
        t->rels[i] = tmp[i].rel;
    }
    mem_free(tmp);
}

/*
 * Relationships into versions keep the version order (template id, then
 * number as a number) within each start node; the others sort by end id and
 * lose duplicates. Both orders are total, so the output never depends on
 * the order of the input.
 */
static void sort_rels(struct builder *b)
{
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        struct rel_table *t = &b->rels[k];
        if (schema_rels[k].to == SCHEMA_NODE_VERSION) {
            stable_sort_by_from(t);
            continue;
        }
        if (t->n > 1) {
            qsort(t->rels, t->n, sizeof(*t->rels), compare_rels);
        }
        size_t kept = 0;
        for (size_t i = 0; i < t->n; i++) {
            if (kept && compare_rels(&t->rels[kept - 1], &t->rels[i]) == 0) {
                mem_free(t->rels[i].from);
                mem_free(t->rels[i].to);
                continue;
            }
            t->rels[kept++] = t->rels[i];
        }
        t->n = kept;
    }
}

enum lt_rc model_finish(struct model *m, struct lt_error *err)
{
    struct builder b;
    memset(&b, 0, sizeof(b));
    keep_complete(m, m->templates, &m->ntemplates, TEMPLATE_PROP_COUNT);
    keep_complete(m, m->versions, &m->nversions, VERSION_PROP_COUNT);
    settle_tombstones(m);
    LT_TRY(dedup_templates(m, err));
    dedup_versions(m);
    enum lt_rc rc = join(m, &b, err);
    /* NoVersions tombstones were appended during the join: sort again. */
    if (m->ntombstones > 1) {
        qsort(m->tombstones, m->ntombstones, sizeof(*m->tombstones), compare_tombstones);
    }
    dedup_tag_nodes(&b);
    add_accounts(m, &b);
    sort_rels(&b);
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        m->nodes[k] = b.nodes[k].rows;
        m->nnodes[k] = b.nodes[k].n;
    }
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        m->rels[k] = b.rels[k].rels;
        m->nrels[k] = b.rels[k].n;
    }
    m->finished = true;
    return rc;
}

void model_release(struct model *m)
{
    for (size_t i = 0; i < m->ntemplates; i++) {
        release_item(&m->templates[i], TEMPLATE_PROP_COUNT);
    }
    for (size_t i = 0; i < m->nversions; i++) {
        release_item(&m->versions[i], VERSION_PROP_COUNT);
    }
    mem_free(m->templates);
    mem_free(m->versions);
    for (size_t i = 0; i < m->ntombstones; i++) {
        release_tombstone(&m->tombstones[i]);
    }
    mem_free(m->tombstones);
    mem_free(m->tombstone_scope);
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        for (size_t i = 0; i < m->nnodes[k]; i++) {
            rows_release(&m->nodes[k][i], schema_nodes[k].nprops);
        }
        mem_free(m->nodes[k]);
    }
    for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
        for (size_t i = 0; i < m->nrels[k]; i++) {
            mem_free(m->rels[k][i].from);
            mem_free(m->rels[k][i].to);
        }
        mem_free(m->rels[k]);
    }
    for (size_t i = 0; i < m->nscopes; i++) {
        mem_free(m->scopes[i].account_id);
        mem_free(m->scopes[i].region);
        mem_free(m->scopes[i].error);
    }
    mem_free(m->scopes);
    memset(m, 0, sizeof(*m));
}
