#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "model/rows.h"

/* A template or a version: what the model keeps in memory; the row is in the store. */
struct model_item {
    const char *id;  /* template id (in the id arena) */
    int64_t number;  /* versions: VersionNumber; templates: LatestVersionNumber */
    uint64_t offset; /* the row's record in the store */
    uint32_t length; /* its size */
    uint32_t scope;  /* index in scopes */
    uint32_t seq;    /* arrival order, so "first seen wins" survives sorting */
    bool has_number; /* templates: LatestVersionNumber was given */
};

/* A tag node: its id is "key:value", the key its first key_len bytes. */
struct model_tag {
    const char *id;
    size_t key_len;
};

/* A TAGGED relationship: template index -> tag index. */
struct model_tagged {
    uint32_t template_index;
    uint32_t tag_index;
};

/* A block of the id arena. */
struct model_chunk {
    struct model_chunk *next;
    size_t used, size;
    char data[];
};

#define CHUNK_SIZE ((size_t)64 * 1024)
#define RECORD_MAX BUF_MAX_LARGE

void model_init(struct model *m, const struct model_options *opts)
{
    memset(m, 0, sizeof(*m));
    if (opts) {
        m->opts = *opts;
    }
    if (m->opts.row_memory == 0) {
        m->opts.row_memory = MODEL_ROW_MEMORY_DEFAULT;
    }
    rowstore_init(&m->store, m->opts.row_memory, m->opts.spill_near ? m->opts.spill_near : ".");
    buf_init(&m->rec, RECORD_MAX);
    m->scratch = rows_scratch_new();
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

/* ---- the id arena: every id lives as long as the model, in blocks ---- */

static const char *store_id(struct model *m, const char *s)
{
    if (m->last_id && strcmp(m->last_id, s) == 0) {
        return m->last_id;
    }
    size_t n = strlen(s) + 1;
    struct model_chunk *c = m->chunks;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = mem_alloc(sizeof(*c) + size);
        c->next = m->chunks;
        c->used = 0;
        c->size = size;
        m->chunks = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    c->used += n;
    m->last_id = p;
    return p;
}

/* ---- adding ---- */

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

/* Keeps the record just built in m->rec as the next row of the templates or the versions. */
static enum lt_rc keep_row(struct model *m, size_t scope, bool version, const struct rows_key *key,
                           struct lt_error *err)
{
    struct model_item **list = version ? &m->versions : &m->templates;
    size_t *n = version ? &m->nversions : &m->ntemplates;
    size_t *cap = version ? &m->versions_cap : &m->templates_cap;
    if (*n >= UINT32_MAX || m->rec.len > UINT32_MAX) {
        return lt_fail(err, LT_E_LIMIT, "too many rows");
    }
    struct model_item *it = push_item(list, n, cap);
    LT_TRY(rowstore_add(&m->store, buf_str(&m->rec), m->rec.len, &it->offset, err));
    it->length = (uint32_t)m->rec.len;
    it->id = store_id(m, key->template_id);
    it->number = key->number;
    it->has_number = key->has_number;
    it->scope = (uint32_t)scope;
    it->seq = (uint32_t)*n;
    return LT_OK;
}

enum lt_rc model_add_templates(struct model *m, size_t scope, const cJSON *templates,
                               struct lt_error *err)
{
    const cJSON *item;
    size_t index = 0;
    cJSON_ArrayForEach(item, templates) {
        struct rows_key key;
        buf_reset(&m->rec);
        enum lt_rc rc = rows_template(item, m->scopes[scope].region, &m->rec, &key, err);
        if (rc != LT_OK) {
            lt_error_prefix(err, "LaunchTemplates[%zu]", index);
            return rc;
        }
        LT_TRY(keep_row(m, scope, false, &key, err));
        index++;
    }
    return LT_OK;
}

enum lt_rc model_add_versions(struct model *m, size_t scope, cJSON *versions, struct lt_error *err)
{
    cJSON *item;
    size_t index = 0;
    cJSON_ArrayForEach(item, versions) {
        struct rows_key key;
        buf_reset(&m->rec);
        enum lt_rc rc = rows_version(item, m->scopes[scope].region, m->opts.include_user_data,
                                     m->scratch, &m->rec, &key, err);
        if (rc != LT_OK) {
            lt_error_prefix(err, "LaunchTemplateVersions[%zu]", index);
            return rc;
        }
        LT_TRY(keep_row(m, scope, true, &key, err));
        index++;
    }
    return LT_OK;
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

bool model_spilled(const struct model *m)
{
    return rowstore_spilled(&m->store);
}

/* ---- finishing ---- */

static int compare_ids(const char *a, const char *b)
{
    return a == b ? 0 : strcmp(a, b);
}

static int compare_seq(uint32_t a, uint32_t b)
{
    return (a > b) - (a < b);
}

static int compare_templates(const void *pa, const void *pb)
{
    const struct model_item *a = pa, *b = pb;
    int c = compare_ids(a->id, b->id);
    return c ? c : compare_seq(a->seq, b->seq);
}

static int compare_versions(const void *pa, const void *pb)
{
    const struct model_item *a = pa, *b = pb;
    int c = compare_ids(a->id, b->id);
    if (c) {
        return c;
    }
    if (a->number != b->number) {
        return a->number < b->number ? -1 : 1;
    }
    return compare_seq(a->seq, b->seq);
}

static bool scope_complete(const struct model *m, size_t scope)
{
    return m->scopes[scope].status == MODEL_SCOPE_COMPLETE;
}

/* Drops items of scopes that did not complete: a region is all there or absent. */
static void keep_complete(const struct model *m, struct model_item *items, size_t *n)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (scope_complete(m, items[i].scope)) {
            items[kept++] = items[i];
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
        if (prev && compare_ids(prev->id, it->id) == 0) {
            if (prev->scope != it->scope) {
                const struct model_scope *a = &m->scopes[prev->scope];
                const struct model_scope *b = &m->scopes[it->scope];
                return lt_fail(err, LT_E_INPUT,
                               "launch template '%s' appears in two places: account %s "
                               "region %s and account %s region %s",
                               it->id, a->account_id, a->region, b->account_id, b->region);
            }
            m->stats.duplicate_templates++;
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
        if (prev && compare_ids(prev->id, it->id) == 0 && prev->number == it->number) {
            m->stats.duplicate_versions++;
            continue;
        }
        m->versions[kept++] = *it;
    }
    m->nversions = kept;
}

/* A template's row, decoded: values and where its tags start. */
struct decoded {
    struct rowstore_cursor cursor;
    struct buf rec;
    struct rows_ptrs ptrs;
    struct model_value values[TEMPLATE_PROP_COUNT];
    size_t tags_at;
};

static enum lt_rc decode_template(const struct model *m, const struct model_item *t,
                                  struct decoded *d, struct lt_error *err)
{
    LT_TRY(rowstore_read(&m->store, &d->cursor, t->offset, t->length, &d->rec, err));
    return rows_decode(d->rec.ptr, d->rec.len, SCHEMA_NODE_TEMPLATE, d->values, &d->ptrs,
                       &d->tags_at, err);
}

/* A tag of a kept template, while the tag nodes are collected. */
struct tag_ref {
    const char *id; /* "key:value" */
    size_t key_len;
    uint32_t template_index;
    uint32_t tag_index;
};

struct tag_refs {
    struct tag_ref *p;
    size_t n, cap;
};

static enum lt_rc collect_tags(struct model *m, struct decoded *d, uint32_t template_index,
                               struct tag_refs *refs, struct lt_error *err)
{
    struct rows_tags t;
    if (!rows_tags_begin(&t, d->rec.ptr, d->rec.len, d->tags_at)) {
        return lt_fail(err, LT_E_INTERNAL, "broken template row record");
    }
    const char *key, *value;
    size_t key_len, value_len;
    struct buf id = BUF_INIT(BUF_MAX_LARGE);
    while (rows_tags_next(&t, &key, &key_len, &value, &value_len)) {
        buf_reset(&id);
        if (buf_add(&id, key, key_len) != LT_OK || buf_addc(&id, ':') != LT_OK ||
            buf_add(&id, value, value_len) != LT_OK) {
            buf_release(&id);
            return lt_fail(err, LT_E_LIMIT, "tag of '%s' too long",
                           m->templates[template_index].id);
        }
        if (refs->n == refs->cap) {
            refs->cap = refs->cap ? refs->cap * 2 : 64;
            refs->p = mem_realloc_array(refs->p, refs->cap, sizeof(*refs->p));
        }
        struct tag_ref *r = &refs->p[refs->n++];
        r->id = store_id(m, buf_str(&id));
        r->key_len = key_len;
        r->template_index = template_index;
    }
    buf_release(&id);
    if (t.left) {
        return lt_fail(err, LT_E_INTERNAL, "broken template row record");
    }
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
    if (!t->has_number) {
        return end;
    }
    size_t keep = first;
    while (keep < end && m->versions[keep].number <= t->number) {
        keep++;
    }
    m->stats.versions_after_listing += end - keep;
    return keep;
}

static const char *name_of(const struct decoded *d)
{
    return d->values[TEMPLATE_NAME].present ? d->values[TEMPLATE_NAME].str : NULL;
}

/*
 * Walks templates and versions, both sorted by template id, side by side,
 * keeping the templates that have rows and their listed versions, and
 * collecting their tags.
 */
static enum lt_rc join(struct model *m, struct decoded *d, struct tag_refs *refs,
                       struct lt_error *err)
{
    size_t vi = 0, nt = 0, nv = 0;
    for (size_t ti = 0; ti < m->ntemplates; ti++) {
        struct model_item t = m->templates[ti];
        while (vi < m->nversions && strcmp(m->versions[vi].id, t.id) < 0) {
            m->stats.versions_without_template++;
            vi++;
        }
        size_t first = vi;
        while (vi < m->nversions && compare_ids(m->versions[vi].id, t.id) == 0) {
            vi++;
        }
        size_t end = listed_versions_end(m, &t, first, vi);
        struct model_tombstone *gone = find_tombstone(m, t.id);
        if (gone || first == end) {
            LT_TRY(decode_template(m, &t, d, err));
            if (gone && !gone->name && name_of(d)) {
                gone->name = mem_strdup(name_of(d));
            } else if (!gone) {
                push_tombstone(m, t.scope, t.id, name_of(d), "NoVersions");
            }
            continue;
        }
        LT_TRY(decode_template(m, &t, d, err));
        LT_TRY(collect_tags(m, d, (uint32_t)nt, refs, err));
        m->templates[nt++] = t;
        for (size_t i = first; i < end; i++) {
            m->versions[nv++] = m->versions[i];
        }
    }
    m->stats.versions_without_template += m->nversions - vi;
    m->ntemplates = nt;
    m->nversions = nv;
    return LT_OK;
}

static int compare_tag_nodes(const void *pa, const void *pb)
{
    const struct tag_ref *a = pa, *b = pb;
    int c = compare_ids(a->id, b->id);
    if (c) {
        return c;
    }
    /* Same id with different key/value splits ("a:b" + "c" vs "a" + "b:c"): shortest key first. */
    return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

static int compare_tagged(const void *pa, const void *pb)
{
    const struct tag_ref *a = pa, *b = pb;
    if (a->template_index != b->template_index) {
        return a->template_index < b->template_index ? -1 : 1;
    }
    return compare_ids(a->id, b->id);
}

/*
 * Tag nodes: one per id, sorted by id; of the splits of one id the one with
 * the smallest key (byte order; a shorter key is a prefix of a longer one)
 * is kept, so the result does not depend on input order. TAGGED: sorted by
 * template, then tag id, without repeats.
 */
static void build_tags(struct model *m, struct tag_refs *refs)
{
    if (refs->n > 1) {
        qsort(refs->p, refs->n, sizeof(*refs->p), compare_tag_nodes);
    }
    size_t ntags = 0;
    m->tags = mem_calloc(refs->n ? refs->n : 1, sizeof(*m->tags));
    for (size_t i = 0; i < refs->n; i++) {
        struct tag_ref *r = &refs->p[i];
        if (!ntags || compare_ids(m->tags[ntags - 1].id, r->id) != 0) {
            m->tags[ntags].id = r->id;
            m->tags[ntags].key_len = r->key_len;
            ntags++;
        }
        r->tag_index = (uint32_t)(ntags - 1);
    }
    m->nnodes[SCHEMA_NODE_TAG] = ntags;
    if (refs->n > 1) {
        qsort(refs->p, refs->n, sizeof(*refs->p), compare_tagged);
    }
    size_t n = 0;
    m->tagged = mem_calloc(refs->n ? refs->n : 1, sizeof(*m->tagged));
    for (size_t i = 0; i < refs->n; i++) {
        const struct tag_ref *r = &refs->p[i];
        if (n && m->tagged[n - 1].template_index == r->template_index &&
            m->tagged[n - 1].tag_index == r->tag_index) {
            continue;
        }
        m->tagged[n].template_index = r->template_index;
        m->tagged[n].tag_index = r->tag_index;
        n++;
    }
    m->nrels[SCHEMA_REL_TEMPLATE_TAG] = n;
}

static int compare_strings(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static void add_accounts(struct model *m)
{
    m->accounts = mem_calloc(m->nscopes ? m->nscopes : 1, sizeof(*m->accounts));
    size_t n = 0;
    for (size_t i = 0; i < m->nscopes; i++) {
        if (scope_complete(m, i)) {
            m->accounts[n++] = m->scopes[i].account_id;
        }
    }
    qsort(m->accounts, n, sizeof(*m->accounts), compare_strings);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!kept || strcmp(m->accounts[kept - 1], m->accounts[i]) != 0) {
            m->accounts[kept++] = m->accounts[i];
        }
    }
    m->nnodes[SCHEMA_NODE_ACCOUNT] = kept;
}

/* RESOURCE edges: sorted by account, then the order of the table they point into. */
struct by_account {
    const char *account;
    uint32_t index;
};

static int compare_by_account(const void *pa, const void *pb)
{
    const struct by_account *a = pa, *b = pb;
    int c = strcmp(a->account, b->account);
    return c ? c : compare_seq(a->index, b->index);
}

static const char *account_of(const struct model *m, const struct model_item *it)
{
    return m->scopes[it->scope].account_id;
}

static uint32_t *account_order(const struct model *m, const struct model_item *items, size_t n)
{
    bool one = true;
    for (size_t i = 1; i < n && one; i++) {
        one = strcmp(account_of(m, &items[i]), account_of(m, &items[0])) == 0;
    }
    if (one) {
        return NULL; /* one account: the table's own order */
    }
    struct by_account *tmp = mem_calloc(n, sizeof(*tmp));
    for (size_t i = 0; i < n; i++) {
        tmp[i].account = account_of(m, &items[i]);
        tmp[i].index = (uint32_t)i;
    }
    qsort(tmp, n, sizeof(*tmp), compare_by_account);
    uint32_t *order = mem_calloc(n, sizeof(*order));
    for (size_t i = 0; i < n; i++) {
        order[i] = tmp[i].index;
    }
    mem_free(tmp);
    return order;
}

enum lt_rc model_finish(struct model *m, struct lt_error *err)
{
    LT_TRY(rowstore_seal(&m->store, err));
    keep_complete(m, m->templates, &m->ntemplates);
    keep_complete(m, m->versions, &m->nversions);
    settle_tombstones(m);
    LT_TRY(dedup_templates(m, err));
    dedup_versions(m);
    struct decoded d;
    memset(&d, 0, sizeof(d));
    rowstore_cursor_init(&d.cursor);
    buf_init(&d.rec, RECORD_MAX);
    struct tag_refs refs = {NULL, 0, 0};
    enum lt_rc rc = join(m, &d, &refs, err);
    rowstore_cursor_release(&d.cursor);
    buf_release(&d.rec);
    rows_ptrs_release(&d.ptrs);
    /* NoVersions tombstones were appended during the join: sort again. */
    if (m->ntombstones > 1) {
        qsort(m->tombstones, m->ntombstones, sizeof(*m->tombstones), compare_tombstones);
    }
    if (rc == LT_OK) {
        build_tags(m, &refs);
        add_accounts(m);
        m->account_templates = account_order(m, m->templates, m->ntemplates);
        m->account_versions = account_order(m, m->versions, m->nversions);
        m->nnodes[SCHEMA_NODE_TEMPLATE] = m->ntemplates;
        m->nnodes[SCHEMA_NODE_VERSION] = m->nversions;
        m->nrels[SCHEMA_REL_ACCOUNT_TEMPLATE] = m->ntemplates;
        m->nrels[SCHEMA_REL_ACCOUNT_VERSION] = m->nversions;
        m->nrels[SCHEMA_REL_TEMPLATE_VERSION] = m->nversions;
        m->finished = true;
    }
    mem_free(refs.p);
    return rc;
}

void model_release(struct model *m)
{
    mem_free(m->templates);
    mem_free(m->versions);
    for (size_t i = 0; i < m->ntombstones; i++) {
        release_tombstone(&m->tombstones[i]);
    }
    mem_free(m->tombstones);
    mem_free(m->tombstone_scope);
    while (m->chunks) {
        struct model_chunk *c = m->chunks;
        m->chunks = c->next;
        mem_free(c);
    }
    mem_free(m->accounts);
    mem_free(m->tags);
    mem_free(m->tagged);
    mem_free(m->account_templates);
    mem_free(m->account_versions);
    for (size_t i = 0; i < m->nscopes; i++) {
        mem_free(m->scopes[i].account_id);
        mem_free(m->scopes[i].region);
        mem_free(m->scopes[i].error);
    }
    mem_free(m->scopes);
    rowstore_release(&m->store);
    buf_release(&m->rec);
    rows_scratch_free(m->scratch);
    memset(m, 0, sizeof(*m));
}

/* ---- reading ---- */

struct model_reader {
    const struct model *m;
    struct rowstore_cursor cursor;
    struct buf rec;
    struct rows_ptrs ptrs;
    struct model_value values[VERSION_PROP_COUNT];
    struct buf key; /* a tag's key */
    struct buf id;  /* a version id of a relationship */
};

struct model_reader *model_reader_new(const struct model *m)
{
    struct model_reader *r = mem_calloc(1, sizeof(*r));
    r->m = m;
    rowstore_cursor_init(&r->cursor);
    buf_init(&r->rec, RECORD_MAX);
    buf_init(&r->key, RECORD_MAX);
    buf_init(&r->id, BUF_MAX_SMALL);
    return r;
}

void model_reader_free(struct model_reader *r)
{
    if (!r) {
        return;
    }
    rowstore_cursor_release(&r->cursor);
    buf_release(&r->rec);
    buf_release(&r->key);
    buf_release(&r->id);
    rows_ptrs_release(&r->ptrs);
    mem_free(r);
}

static void set_string(struct model_value *v, char *s, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->present = true;
    v->str = s;
    v->len = len;
}

static enum lt_rc read_item(struct model_reader *r, enum schema_node_kind k,
                            const struct model_item *it, struct lt_error *err)
{
    size_t end;
    char *rec;
    /* Decoded where it lies: the values point into the store or the cursor's window. */
    LT_TRY(rowstore_view(&r->m->store, &r->cursor, it->offset, it->length, &rec, err));
    return rows_decode(rec, it->length, k, r->values, &r->ptrs, &end, err);
}

enum lt_rc model_read_node(struct model_reader *r, enum schema_node_kind k, size_t i,
                           const struct model_value **values, struct lt_error *err)
{
    const struct model *m = r->m;
    if (!m->finished || (size_t)k >= SCHEMA_NODE_COUNT || i >= m->nnodes[k]) {
        return lt_fail(err, LT_E_INTERNAL, "model: no row %zu of table %d", i, (int)k);
    }
    *values = r->values;
    switch (k) {
    case SCHEMA_NODE_ACCOUNT:
        buf_reset(&r->rec);
        if (buf_adds(&r->rec, m->accounts[i]) != LT_OK) {
            return lt_fail(err, LT_E_LIMIT, "account id too long");
        }
        set_string(&r->values[ACCOUNT_ID], r->rec.ptr, r->rec.len);
        return LT_OK;
    case SCHEMA_NODE_TEMPLATE:
        return read_item(r, k, &m->templates[i], err);
    case SCHEMA_NODE_VERSION:
        return read_item(r, k, &m->versions[i], err);
    case SCHEMA_NODE_TAG: {
        const struct model_tag *t = &m->tags[i];
        buf_reset(&r->key);
        if (buf_add(&r->key, t->id, t->key_len) != LT_OK) {
            return lt_fail(err, LT_E_LIMIT, "tag key too long");
        }
        size_t len = strlen(t->id);
        /* The ids live in the arena for the model's life; the reader only points at them. */
        memset(&r->values[TAG_ID], 0, sizeof(r->values[TAG_ID]));
        r->values[TAG_ID].present = true;
        r->values[TAG_ID].len = len;
        buf_reset(&r->rec);
        if (buf_add(&r->rec, t->id, len + 1) != LT_OK) {
            return lt_fail(err, LT_E_LIMIT, "tag too long");
        }
        r->values[TAG_ID].str = r->rec.ptr;
        set_string(&r->values[TAG_KEY], r->key.ptr, t->key_len);
        set_string(&r->values[TAG_VALUE], r->rec.ptr + t->key_len + 1, len - t->key_len - 1);
        return LT_OK;
    }
    case SCHEMA_NODE_COUNT:
        break;
    }
    return lt_fail(err, LT_E_INTERNAL, "model: unknown table");
}

/* The id of version v, as its VERSION_ID property has it. */
static enum lt_rc version_id(struct model_reader *r, const struct model_item *v,
                             struct lt_error *err)
{
    buf_reset(&r->id);
    if (buf_adds(&r->id, v->id) != LT_OK || buf_addc(&r->id, '-') != LT_OK ||
        buf_add_int(&r->id, v->number) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "LaunchTemplateId too long");
    }
    return LT_OK;
}

enum lt_rc model_read_rel(struct model_reader *r, enum schema_rel_kind k, size_t i,
                          struct model_rel *rel, struct lt_error *err)
{
    const struct model *m = r->m;
    if (!m->finished || (size_t)k >= SCHEMA_REL_COUNT || i >= m->nrels[k]) {
        return lt_fail(err, LT_E_INTERNAL, "model: no relationship %zu of table %d", i, (int)k);
    }
    switch (k) {
    case SCHEMA_REL_ACCOUNT_TEMPLATE: {
        const struct model_item *t =
            &m->templates[m->account_templates ? m->account_templates[i] : i];
        rel->from = account_of(m, t);
        rel->to = t->id;
        return LT_OK;
    }
    case SCHEMA_REL_ACCOUNT_VERSION: {
        const struct model_item *v = &m->versions[m->account_versions ? m->account_versions[i] : i];
        LT_TRY(version_id(r, v, err));
        rel->from = account_of(m, v);
        rel->to = buf_str(&r->id);
        return LT_OK;
    }
    case SCHEMA_REL_TEMPLATE_VERSION: {
        const struct model_item *v = &m->versions[i];
        LT_TRY(version_id(r, v, err));
        rel->from = v->id;
        rel->to = buf_str(&r->id);
        return LT_OK;
    }
    case SCHEMA_REL_TEMPLATE_TAG:
        rel->from = m->templates[m->tagged[i].template_index].id;
        rel->to = m->tags[m->tagged[i].tag_index].id;
        return LT_OK;
    case SCHEMA_REL_COUNT:
        break;
    }
    return lt_fail(err, LT_E_INTERNAL, "model: unknown table");
}
