#include "snap/read.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsx.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/utf8.h"

/* ---- one CSV file ---- */

/* libcsv reports through callbacks; this is their state while parsing one file. */
struct csv_state {
    struct snap_table *t;
    struct snap_field *record; /* the record being collected */
    size_t nrecord;
    size_t alloc;
    size_t records;    /* complete records so far, header included */
    size_t rows_alloc; /* rows t->fields has room for */
    enum lt_rc rc;
    struct lt_error *err;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct csv_state *st = ctx;
    if (st->rc != LT_OK) {
        return;
    }
    if (st->nrecord == st->alloc) {
        st->alloc = st->alloc ? 2 * st->alloc : 32;
        st->record = mem_realloc_array(st->record, st->alloc, sizeof(*st->record));
    }
    struct snap_field *f = &st->record[st->nrecord++];
    f->off = st->t->bytes.len;
    f->len = data ? len : 0;
    f->present = data != NULL;
    if (data != NULL) {
        st->rc = buf_add(&st->t->bytes, data, len);
    }
    if (st->rc == LT_OK) {
        st->rc = buf_addc(&st->t->bytes, '\0');
    }
    if (st->rc != LT_OK) {
        st->rc = lt_fail(st->err, st->rc, "'%s': larger than ltsnap reads back", st->t->name);
    }
}

static void take_header(struct csv_state *st)
{
    struct snap_table *t = st->t;
    t->ncols = st->nrecord;
    t->cols = mem_calloc(t->ncols ? t->ncols : 1, sizeof(*t->cols));
    for (size_t i = 0; i < t->ncols; i++) {
        const char *cell = t->bytes.ptr + st->record[i].off;
        /* Property names hold no ':', so the first one splits "id:ID(X)" and ":LABEL" too. */
        const char *colon = strchr(cell, ':');
        t->cols[i].name = colon ? mem_strndup(cell, (size_t)(colon - cell)) : mem_strdup(cell);
        t->cols[i].type = mem_strdup(colon ? colon + 1 : "");
    }
    buf_reset(&t->bytes);
}

static void on_record(int c, void *ctx)
{
    (void)c;
    struct csv_state *st = ctx;
    if (st->rc != LT_OK) {
        return;
    }
    struct snap_table *t = st->t;
    st->records++;
    if (st->records == 1) {
        take_header(st);
    } else if (st->nrecord != t->ncols) {
        st->rc = lt_fail(st->err, LT_E_INPUT, "'%s': record %zu has %zu fields, the header has %zu",
                         t->name, st->records, st->nrecord, t->ncols);
    } else {
        if (t->nrows == st->rows_alloc) {
            st->rows_alloc = st->rows_alloc ? 2 * st->rows_alloc : 64;
            t->fields = mem_realloc_array(t->fields, st->rows_alloc * t->ncols, sizeof(*t->fields));
        }
        memcpy(t->fields + t->nrows * t->ncols, st->record, t->ncols * sizeof(*t->fields));
        t->nrows++;
    }
    st->nrecord = 0;
}

enum lt_rc snap_table_parse(struct snap_table *t, const char *name, const char *text, size_t len,
                            struct lt_error *err)
{
    memset(t, 0, sizeof(*t));
    t->name = mem_strdup(name);
    buf_init(&t->bytes, SNAP_MAX_FILE);
    struct csv_parser p;
    /* Strict: a stray quote is an error, not a value; an unquoted empty field is NULL. */
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL | CSV_APPEND_NULL) != 0) {
        snap_table_release(t);
        return lt_fail(err, LT_E_INTERNAL, "libcsv: cannot initialise a parser");
    }
    struct csv_state st = {.t = t, .rc = LT_OK, .err = err};
    size_t used = csv_parse(&p, text, len, on_field, on_record, &st);
    bool ok = used == len && st.rc == LT_OK;
    if (ok && csv_fini(&p, on_field, on_record, &st) != 0) {
        ok = false;
    }
    if (!ok && st.rc == LT_OK) {
        st.rc = lt_fail(err, LT_E_INPUT, "'%s': not valid CSV after record %zu: %s", name,
                        st.records, csv_strerror(csv_error(&p)));
    }
    if (st.rc == LT_OK && st.records == 0) {
        st.rc = lt_fail(err, LT_E_INPUT, "'%s': empty, without even a header", name);
    }
    csv_free(&p);
    mem_free(st.record);
    if (st.rc != LT_OK) {
        snap_table_release(t);
    }
    return st.rc;
}

void snap_table_release(struct snap_table *t)
{
    for (size_t i = 0; t->cols != NULL && i < t->ncols; i++) {
        mem_free(t->cols[i].name);
        mem_free(t->cols[i].type);
    }
    mem_free(t->cols);
    mem_free(t->fields);
    mem_free(t->name);
    buf_release(&t->bytes);
    memset(t, 0, sizeof(*t));
}

size_t snap_table_column(const struct snap_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (strcmp(t->cols[i].name, name) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

size_t snap_table_header_column(const struct snap_table *t, const char *header)
{
    size_t hlen = strlen(header);
    for (size_t i = 0; i < t->ncols; i++) {
        size_t nlen = strlen(t->cols[i].name);
        const char *type = t->cols[i].type;
        if (nlen <= hlen && memcmp(header, t->cols[i].name, nlen) == 0 &&
            ((header[nlen] == '\0' && type[0] == '\0') ||
             (header[nlen] == ':' && strcmp(header + nlen + 1, type) == 0))) {
            return i;
        }
    }
    return SIZE_MAX;
}

const struct snap_field *snap_table_field(const struct snap_table *t, size_t row, size_t col)
{
    return &t->fields[row * t->ncols + col];
}

const char *snap_table_text(const struct snap_table *t, size_t row, size_t col)
{
    return t->bytes.ptr + snap_table_field(t, row, col)->off;
}

bool snap_table_equals(const struct snap_table *t, size_t row, size_t col, const char *s)
{
    const struct snap_field *f = snap_table_field(t, row, col);
    size_t n = strlen(s);
    return f->present && f->len == n && memcmp(t->bytes.ptr + f->off, s, n) == 0;
}

bool snap_table_header_is(const struct snap_table *t, const char *header)
{
    const char *cell = header;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *end = strchr(cell, ',');
        size_t n = end ? (size_t)(end - cell) : strlen(cell);
        size_t nlen = strlen(t->cols[i].name);
        const char *type = t->cols[i].type;
        bool same =
            nlen <= n && memcmp(cell, t->cols[i].name, nlen) == 0 &&
            ((n == nlen && type[0] == '\0') || (cell[nlen] == ':' && strlen(type) == n - nlen - 1 &&
                                                memcmp(cell + nlen + 1, type, n - nlen - 1) == 0));
        if (!same || (end == NULL) != (i + 1 == t->ncols)) {
            return false;
        }
        cell = end ? end + 1 : cell + n;
    }
    return t->ncols > 0;
}

/* ---- typed values ---- */

bool snap_valid_string(const char *text, size_t len)
{
    return len == 0 || (utf8_valid(text, len, NULL) && memchr(text, '\0', len) == NULL);
}

bool snap_valid_string_array(const char *text, size_t len)
{
    if (!snap_valid_string(text, len)) {
        return false;
    }
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == SNAP_ARRAY_DELIMITER) {
            if (i == start) {
                return false; /* an empty element (or an empty array) */
            }
            start = i + 1;
        }
    }
    return true;
}

bool snap_valid_value(enum schema_type type, const char *text, size_t len)
{
    int64_t n = 0;
    bool b = false;
    switch (type) {
    case SCHEMA_STRING:
        return snap_valid_string(text, len);
    case SCHEMA_LONG:
        return snap_parse_long(text, len, &n);
    case SCHEMA_BOOLEAN:
        return snap_parse_bool(text, len, &b);
    case SCHEMA_STRING_ARRAY:
        return snap_valid_string_array(text, len);
    }
    return false;
}

size_t snap_node_column(size_t prop)
{
    return prop == 0 ? 0 : prop + 1;
}

/* Splits a valid string[] value into NUL-terminated copies. */
static void split_array(struct model_value *v, const char *text, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++) {
        n += text[i] == SNAP_ARRAY_DELIMITER;
    }
    v->items = mem_calloc(n, sizeof(*v->items));
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == SNAP_ARRAY_DELIMITER) {
            v->items[v->nitems++] = mem_strndup(text + start, i - start);
            start = i + 1;
        }
    }
}

static bool set_value(struct model_value *v, enum schema_type type, char *text, size_t len)
{
    if (!snap_valid_value(type, text, len)) {
        return false;
    }
    v->present = true;
    switch (type) {
    case SCHEMA_STRING:
        v->str = text;
        v->len = len;
        break;
    case SCHEMA_LONG:
        return snap_parse_long(text, len, &v->num);
    case SCHEMA_BOOLEAN:
        return snap_parse_bool(text, len, &v->flag);
    case SCHEMA_STRING_ARRAY:
        split_array(v, text, len);
        break;
    }
    return true;
}

enum lt_rc snap_row_values(const struct snap_table *t, enum schema_node_kind k, size_t row,
                           struct model_value *values, struct lt_error *err)
{
    const struct schema_node *n = &schema_nodes[k];
    memset(values, 0, n->nprops * sizeof(*values));
    for (size_t i = 0; i < n->nprops; i++) {
        size_t col = snap_node_column(i);
        const struct snap_field *f = snap_table_field(t, row, col);
        if (f->present && !set_value(&values[i], n->props[i].type, t->bytes.ptr + f->off, f->len)) {
            return lt_fail(err, LT_E_INPUT, "'%s': %s '%s': %s is not a valid %s value", t->name,
                           n->label, snap_table_text(t, row, 0), n->props[i].name,
                           schema_type_name(n->props[i].type));
        }
    }
    return LT_OK;
}

void snap_row_values_release(struct model_value *values, size_t nprops)
{
    for (size_t i = 0; i < nprops; i++) {
        for (size_t j = 0; j < values[i].nitems; j++) {
            mem_free(values[i].items[j]);
        }
        mem_free(values[i].items);
        values[i].items = NULL;
        values[i].nitems = 0;
    }
}

bool snap_parse_long(const char *text, size_t len, int64_t *out)
{
    /* The writers print decimal with an optional '-' and no leading zeros or '+'. */
    if (len == 0 || len > 20 || memchr(text, '\0', len) != NULL) {
        return false;
    }
    size_t digits = text[0] == '-' ? 1 : 0;
    if (digits == len || (text[digits] == '0' && len > digits + 1)) {
        return false;
    }
    for (size_t i = digits; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end != text + len) {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

bool snap_parse_bool(const char *text, size_t len, bool *out)
{
    if (len == 4 && memcmp(text, "true", 4) == 0) {
        *out = true;
        return true;
    }
    if (len == 5 && memcmp(text, "false", 5) == 0) {
        *out = false;
        return true;
    }
    return false;
}

/* ---- index ---- */

static int compare_field(const struct snap_table *t, size_t col, size_t a, size_t b)
{
    const struct snap_field *fa = snap_table_field(t, a, col);
    const struct snap_field *fb = snap_table_field(t, b, col);
    if (fa->present != fb->present) {
        return fa->present ? 1 : -1;
    }
    size_t n = fa->len < fb->len ? fa->len : fb->len;
    int c = memcmp(t->bytes.ptr + fa->off, t->bytes.ptr + fb->off, n);
    if (c != 0) {
        return c;
    }
    return fa->len < fb->len ? -1 : fa->len > fb->len;
}

static int compare_fields(const struct snap_index *ix, size_t a, size_t b)
{
    int c = compare_field(ix->table, ix->col, a, b);
    if (c != 0 || ix->col2 == SIZE_MAX) {
        return c;
    }
    return compare_field(ix->table, ix->col2, a, b);
}

/* Merge sort: stable (equal keys keep file order) and no global state for a comparator. */
static void sort_rows(const struct snap_index *ix, size_t *rows, size_t *tmp, size_t n)
{
    if (n < 2) {
        return;
    }
    size_t half = n / 2;
    sort_rows(ix, rows, tmp, half);
    sort_rows(ix, rows + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) {
        tmp[k++] = compare_fields(ix, rows[j], rows[i]) < 0 ? rows[j++] : rows[i++];
    }
    while (i < half) {
        tmp[k++] = rows[i++];
    }
    while (j < n) {
        tmp[k++] = rows[j++];
    }
    memcpy(rows, tmp, n * sizeof(*rows));
}

void snap_index_build_pair(struct snap_index *ix, const struct snap_table *t, size_t col,
                           size_t col2)
{
    ix->table = t;
    ix->col = col;
    ix->col2 = col2;
    ix->rows = mem_calloc(t->nrows ? t->nrows : 1, sizeof(*ix->rows));
    size_t *tmp = mem_calloc(t->nrows ? t->nrows : 1, sizeof(*tmp));
    for (size_t r = 0; r < t->nrows; r++) {
        ix->rows[r] = r;
    }
    sort_rows(ix, ix->rows, tmp, t->nrows);
    mem_free(tmp);
}

void snap_index_build(struct snap_index *ix, const struct snap_table *t, size_t col)
{
    snap_index_build_pair(ix, t, col, SIZE_MAX);
}

void snap_index_release(struct snap_index *ix)
{
    mem_free(ix->rows);
    memset(ix, 0, sizeof(*ix));
}

/* The field against a key: absent sorts first, then by bytes, then by length. */
static int compare_key(const struct snap_table *t, size_t row, size_t col, const char *key,
                       size_t keylen)
{
    const struct snap_field *f = snap_table_field(t, row, col);
    if (!f->present) {
        return -1;
    }
    size_t n = f->len < keylen ? f->len : keylen;
    int c = memcmp(t->bytes.ptr + f->off, key, n);
    return c != 0 ? c : (f->len < keylen ? -1 : f->len > keylen);
}

static int compare_keys(const struct snap_index *ix, size_t row, const char *key, size_t keylen,
                        const char *key2, size_t key2len)
{
    int c = compare_key(ix->table, row, ix->col, key, keylen);
    if (c != 0 || key2 == NULL) {
        return c;
    }
    return compare_key(ix->table, row, ix->col2, key2, key2len);
}

/* The position of the first indexed row equal to the key(s) (key2 NULL: the first column only). */
static size_t lower_bound(const struct snap_index *ix, const char *key, size_t keylen,
                          const char *key2, size_t key2len)
{
    size_t lo = 0, hi = ix->table->nrows;
    while (lo < hi) { /* the first row whose value is not less than the key */
        size_t mid = lo + (hi - lo) / 2;
        if (compare_keys(ix, ix->rows[mid], key, keylen, key2, key2len) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < ix->table->nrows && compare_keys(ix, ix->rows[lo], key, keylen, key2, key2len) == 0) {
        return lo;
    }
    return ix->table->nrows;
}

static size_t find(const struct snap_index *ix, const char *key, size_t keylen, const char *key2,
                   size_t key2len)
{
    size_t pos = lower_bound(ix, key, keylen, key2, key2len);
    return pos < ix->table->nrows ? ix->rows[pos] : SIZE_MAX;
}

size_t snap_index_first(const struct snap_index *ix, const char *key, size_t keylen)
{
    return lower_bound(ix, key, keylen, NULL, 0);
}

size_t snap_index_find(const struct snap_index *ix, const char *key, size_t keylen)
{
    return find(ix, key, keylen, NULL, 0);
}

size_t snap_index_find_pair(const struct snap_index *ix, const char *key, size_t keylen,
                            const char *key2, size_t key2len)
{
    return ix->col2 == SIZE_MAX ? SIZE_MAX : find(ix, key, keylen, key2, key2len);
}

/* ---- a whole snapshot ---- */

enum lt_rc snap_read_file(const char *dir, const char *name, struct buf *out, struct lt_error *err)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = buf_printf(&path, "%s/%s", dir, name);
    if (rc != LT_OK) {
        return lt_fail(err, rc, "path too long: '%s/%s'", dir, name);
    }
    /* A FIFO or a device would block or never end: only regular files are read. */
    struct stat st;
    bool known = stat(buf_str(&path), &st) == 0; /* else fsx_read_file says why */
    if (known && !S_ISREG(st.st_mode)) {
        rc = lt_fail(err, LT_E_INPUT, "'%s': not a regular file", buf_str(&path));
    } else if (known && (uint64_t)st.st_size > SNAP_MAX_FILE) {
        rc = lt_fail(err, LT_E_LIMIT, "'%s': %llu bytes, larger than ltsnap reads back",
                     buf_str(&path), (unsigned long long)st.st_size);
    } else {
        rc = fsx_read_file(buf_str(&path), SNAP_MAX_FILE, out, err);
    }
    buf_release(&path);
    return rc;
}

enum lt_rc snap_read_manifest(const char *dir, cJSON **out, struct lt_error *err)
{
    struct buf text = BUF_INIT(SNAP_MAX_FILE);
    *out = NULL;
    LT_TRY(snap_read_file(dir, "manifest.json", &text, err));
    size_t bad = 0;
    if (!utf8_valid(buf_str(&text), text.len, &bad)) { /* cJSON does not check */
        buf_release(&text);
        return lt_fail(err, LT_E_INPUT, "'%s/manifest.json': invalid UTF-8 at byte %zu", dir, bad);
    }
    cJSON *doc = cJSON_ParseWithLength(buf_str(&text), text.len);
    buf_release(&text);
    const char *format = doc ? json_get_string(doc, "format") : NULL;
    if (doc == NULL || !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return lt_fail(err, LT_E_INPUT, "'%s/manifest.json': not a JSON object", dir);
    }
    if (format == NULL || strcmp(format, "ltsnap-snapshot") != 0) {
        cJSON_Delete(doc);
        return lt_fail(err, LT_E_INPUT,
                       "'%s/manifest.json': not an ltsnap snapshot manifest (format is not "
                       "\"ltsnap-snapshot\")",
                       dir);
    }
    int64_t version = 0;
    if (!json_get_int64(doc, "format_version", &version) || version != 1) {
        cJSON_Delete(doc);
        return lt_fail(err, LT_E_INPUT,
                       "'%s/manifest.json': format_version is not 1, the only version this "
                       "ltsnap reads",
                       dir);
    }
    *out = doc;
    return LT_OK;
}

const cJSON *snap_manifest_file(const cJSON *manifest, const char *name)
{
    const cJSON *f = NULL;
    cJSON_ArrayForEach(f, json_get_array(manifest, "files")) {
        const char *n = json_get_string(f, "name");
        if (n != NULL && strcmp(n, name) == 0) {
            return f;
        }
    }
    return NULL;
}

const cJSON *snap_manifest_region(const cJSON *manifest, const char *account, const char *region)
{
    const cJSON *a = NULL;
    cJSON_ArrayForEach(a, json_get_array(manifest, "accounts")) {
        const char *id = json_get_string(a, "id");
        if (id == NULL || strcmp(id, account) != 0) {
            continue;
        }
        const cJSON *r = NULL;
        cJSON_ArrayForEach(r, json_get_array(a, "regions")) {
            const char *n = json_get_string(r, "name");
            if (n != NULL && strcmp(n, region) == 0) {
                return r;
            }
        }
    }
    return NULL;
}

/* Reads a listed file, checks its size and SHA-256 against the manifest, and parses it. */
static enum lt_rc load_table(struct snap *s, const char *name, struct snap_table *t,
                             struct lt_error *err)
{
    const cJSON *entry = snap_manifest_file(s->manifest, name);
    const char *want = entry ? json_get_string(entry, "sha256") : NULL;
    int64_t bytes = -1;
    if (want == NULL || !json_get_int64(entry, "bytes", &bytes)) {
        return lt_fail(err, LT_E_INPUT, "'%s': manifest.json does not list '%s'", s->dir, name);
    }
    struct buf text = BUF_INIT(SNAP_MAX_FILE);
    struct buf sum = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = snap_read_file(s->dir, name, &text, err);
    if (rc == LT_OK) {
        rc = hash_sha256_hex(&sum, text.ptr ? text.ptr : "", text.len);
    }
    if (rc == LT_OK && ((int64_t)text.len != bytes || strcmp(buf_str(&sum), want) != 0)) {
        rc = lt_fail(err, LT_E_INPUT,
                     "'%s/%s' does not match its size and SHA-256 in manifest.json; run "
                     "'ltsnap verify %s'",
                     s->dir, name, s->dir);
    }
    if (rc == LT_OK) {
        rc = snap_table_parse(t, name, buf_str(&text), text.len, err);
        if (rc != LT_OK) {
            lt_error_prefix(err, "'%s'", s->dir);
        }
    }
    buf_release(&sum);
    buf_release(&text);
    return rc;
}

enum lt_rc snap_load(struct snap *s, const char *dir, struct lt_error *err)
{
    memset(s, 0, sizeof(*s));
    s->dir = mem_strdup(dir);
    enum lt_rc rc = snap_read_manifest(dir, &s->manifest, err);
    for (size_t i = 0; rc == LT_OK && i < SCHEMA_NODE_COUNT; i++) {
        rc = load_table(s, schema_nodes[i].file, &s->nodes[i], err);
    }
    for (size_t i = 0; rc == LT_OK && i < SCHEMA_REL_COUNT; i++) {
        rc = load_table(s, schema_rels[i].file, &s->rels[i], err);
    }
    if (rc == LT_OK) {
        rc = load_table(s, "tombstones.csv", &s->tombstones, err);
    }
    if (rc != LT_OK) {
        snap_release(s);
    }
    return rc;
}

void snap_release(struct snap *s)
{
    for (size_t i = 0; i < SCHEMA_NODE_COUNT; i++) {
        snap_table_release(&s->nodes[i]);
    }
    for (size_t i = 0; i < SCHEMA_REL_COUNT; i++) {
        snap_table_release(&s->rels[i]);
    }
    snap_table_release(&s->tombstones);
    cJSON_Delete(s->manifest);
    mem_free(s->dir);
    memset(s, 0, sizeof(*s));
}
