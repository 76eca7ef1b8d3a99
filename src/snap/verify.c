/*
 * verify.c - the verify run: the directory listing, manifest.json, each
 * file against its manifest entry, then the tables (verify_csv.c) and the
 * scripts (verify_script.c); and the report.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "snap/verify_internal.h"
#include "write/csv_out.h"

#define MANIFEST_MAX ((size_t)64 * 1024 * 1024)
#define PROBLEM_MAX ((size_t)4096)

/* ---- the report ---- */

static struct verify_file *file_entry(struct verify_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->nfiles; i++) {
        if (strcmp(rep->files[i].name, name) == 0) {
            return &rep->files[i];
        }
    }
    rep->files = mem_realloc_array(rep->files, rep->nfiles + 1, sizeof(*rep->files));
    rep->files[rep->nfiles] = (struct verify_file){mem_strdup(name), 0, 0};
    return &rep->files[rep->nfiles++];
}

void verify_problem(struct verify_ctx *c, const char *file, const char *fmt, ...)
{
    struct verify_report *rep = c->rep;
    struct verify_file *f = file_entry(rep, file);
    f->problems++;
    rep->total++;
    if (f->kept == VERIFY_MAX_PER_FILE) {
        return;
    }
    struct buf text = BUF_INIT(PROBLEM_MAX);
    va_list ap;
    va_start(ap, fmt);
    enum lt_rc rc = buf_vprintf(&text, fmt, ap);
    va_end(ap);
    if (rc != LT_OK) { /* the buffer was released; the fallback fits */
        rc = buf_adds(&text, "(a problem too long to say)");
    }
    f->kept++;
    rep->problems = mem_realloc_array(rep->problems, rep->nproblems + 1, sizeof(*rep->problems));
    rep->problems[rep->nproblems++] =
        (struct verify_problem){mem_strdup(file), buf_detach(&text, NULL)};
}

int verify_excerpt_len(size_t len)
{
    return (int)(len < VERIFY_EXCERPT ? len : VERIFY_EXCERPT);
}

const char *verify_excerpt_more(size_t len)
{
    return len > VERIFY_EXCERPT ? "..." : "";
}

int64_t verify_manifest_count(const cJSON *obj, const char *key)
{
    int64_t v = -1;
    return obj && json_get_int64(obj, key, &v) && v >= 0 ? v : -1;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const struct verify_file *)a)->name, ((const struct verify_file *)b)->name);
}

/* Files sorted by name; problems grouped by file in that order, each file's in found order. */
static void sort_report(struct verify_report *rep)
{
    qsort(rep->files, rep->nfiles, sizeof(*rep->files), compare_files);
    struct verify_problem *sorted =
        mem_calloc(rep->nproblems ? rep->nproblems : 1, sizeof(*sorted));
    size_t n = 0;
    for (size_t f = 0; f < rep->nfiles; f++) {
        for (size_t i = 0; i < rep->nproblems; i++) {
            if (strcmp(rep->problems[i].file, rep->files[f].name) == 0) {
                sorted[n++] = rep->problems[i];
            }
        }
    }
    mem_free(rep->problems);
    rep->problems = sorted;
}

void verify_report_release(struct verify_report *rep)
{
    for (size_t i = 0; i < rep->nproblems; i++) {
        mem_free(rep->problems[i].file);
        mem_free(rep->problems[i].text);
    }
    for (size_t i = 0; i < rep->nfiles; i++) {
        mem_free(rep->files[i].name);
    }
    mem_free(rep->problems);
    mem_free(rep->files);
    memset(rep, 0, sizeof(*rep));
}

/* ---- the directory ---- */

static const char *file_name(size_t i)
{
    if (i < VF_RELS) {
        return schema_nodes[i - VF_NODES].file;
    }
    if (i < VF_TOMBSTONES) {
        return schema_rels[i - VF_RELS].file;
    }
    static const char *const others[] = {CSV_OUT_TOMBSTONES, CSV_OUT_ARGFILE, CYPHER_OUT_SNAPSHOT,
                                         CYPHER_OUT_POST_IMPORT};
    return others[i - VF_TOMBSTONES];
}

static size_t expected_index(const char *name)
{
    for (size_t i = 0; i < VF_COUNT; i++) {
        if (strcmp(file_name(i), name) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* lstat of dir/name: 0 regular file, 1 something else, -1 gone. *size for regular files. */
static int entry_kind(const struct verify_ctx *c, const char *name, uint64_t *size)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct stat st;
    int kind = -1;
    if (buf_printf(&path, "%s/%s", c->dir, name) == LT_OK && lstat(buf_str(&path), &st) == 0) {
        kind = S_ISREG(st.st_mode) ? 0 : 1;
        *size = (uint64_t)st.st_size;
    }
    buf_release(&path);
    return kind;
}

static enum lt_rc take_entry(void *ctx, const char *name, bool is_dir, struct lt_error *err)
{
    (void)err;
    struct verify_ctx *c = ctx;
    uint64_t size = 0;
    int kind = entry_kind(c, name, &size);
    size_t i = expected_index(name);
    bool known = i != SIZE_MAX || strcmp(name, SNAPDIR_MANIFEST) == 0;
    if (!known) {
        verify_problem(c, name, "not a file of an ltsnap snapshot%s",
                       is_dir ? " (a directory)" : "");
    } else if (kind != 0) {
        verify_problem(c, name, "not a regular file");
        if (i != SIZE_MAX) {
            c->in[i].irregular = true;
        }
    } else if (i != SIZE_MAX) {
        c->in[i].present = true;
    }
    return LT_OK;
}

/* ---- manifest.json ---- */

static bool is_sha256_hex(const char *s)
{
    if (s == NULL || strlen(s) != HASH_SHA256_HEX_LEN) {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* One element of files[]; true when it can be used to check a file. */
static bool check_file_entry(struct verify_ctx *c, const cJSON *f, size_t i)
{
    const char *name = json_get_string(f, "name");
    if (name == NULL) {
        verify_problem(c, SNAPDIR_MANIFEST, "files[%zu] has no \"name\"", i);
        return false;
    }
    bool ok = true;
    if (!is_sha256_hex(json_get_string(f, "sha256"))) {
        verify_problem(c, SNAPDIR_MANIFEST,
                       "files[%zu] ('%.*s%s'): \"sha256\" is not 64 lower-case hex digits", i,
                       verify_excerpt_len(strlen(name)), name, verify_excerpt_more(strlen(name)));
        ok = false;
    }
    static const char *const counts[] = {"bytes", "rows"};
    for (size_t k = 0; k < LT_ARRAY_SIZE(counts); k++) {
        if (verify_manifest_count(f, counts[k]) < 0) {
            verify_problem(c, SNAPDIR_MANIFEST,
                           "files[%zu] ('%.*s%s'): \"%s\" is not a non-negative integer", i,
                           verify_excerpt_len(strlen(name)), name,
                           verify_excerpt_more(strlen(name)), counts[k]);
            ok = false;
        }
    }
    return ok;
}

static void check_files_list(struct verify_ctx *c)
{
    const cJSON *files = json_get_array(c->manifest, "files");
    if (files == NULL) {
        verify_problem(c, SNAPDIR_MANIFEST, "no \"files\" list");
        return;
    }
    const cJSON *f = NULL;
    size_t i = 0;
    cJSON_ArrayForEach(f, files) {
        const char *name = json_get_string(f, "name");
        bool usable = check_file_entry(c, f, i);
        size_t k = name ? expected_index(name) : SIZE_MAX;
        if (name && k == SIZE_MAX) {
            verify_problem(
                c, SNAPDIR_MANIFEST, "lists '%.*s%s', which is not a file of an ltsnap snapshot",
                verify_excerpt_len(strlen(name)), name, verify_excerpt_more(strlen(name)));
        } else if (name && c->in[k].entry) {
            verify_problem(c, SNAPDIR_MANIFEST, "lists '%s' twice", name);
        } else if (name && usable) {
            c->in[k].entry = f;
        }
        i++;
    }
}

static bool valid_status(const char *s)
{
    return s &&
           (strcmp(s, "complete") == 0 || strcmp(s, "failed") == 0 || strcmp(s, "skipped") == 0);
}

static void check_regions(struct verify_ctx *c, const cJSON *a, size_t i)
{
    const cJSON *regions = json_get_array(a, "regions");
    if (regions == NULL) {
        verify_problem(c, SNAPDIR_MANIFEST, "accounts[%zu] has no \"regions\" list", i);
        return;
    }
    const cJSON *r = NULL;
    size_t k = 0;
    cJSON_ArrayForEach(r, regions) {
        const char *status = json_get_string(r, "status");
        if (json_get_string(r, "name") == NULL || !valid_status(status)) {
            verify_problem(c, SNAPDIR_MANIFEST,
                           "accounts[%zu].regions[%zu] needs a \"name\" and a \"status\" "
                           "(complete, failed or skipped)",
                           i, k);
        } else if (strcmp(status, "complete") != 0 && json_get_string(r, "error") == NULL) {
            verify_problem(c, SNAPDIR_MANIFEST,
                           "accounts[%zu].regions[%zu] is %s without an \"error\"", i, k, status);
        }
        k++;
    }
}

static void check_accounts(struct verify_ctx *c)
{
    const cJSON *accounts = json_get_array(c->manifest, "accounts");
    if (accounts == NULL) {
        verify_problem(c, SNAPDIR_MANIFEST, "no \"accounts\" list");
        return;
    }
    const cJSON *a = NULL;
    size_t i = 0;
    cJSON_ArrayForEach(a, accounts) {
        if (json_get_string(a, "id") == NULL) {
            verify_problem(c, SNAPDIR_MANIFEST, "accounts[%zu] has no \"id\"", i);
        } else {
            check_regions(c, a, i);
        }
        i++;
    }
}

static void check_update_tag(struct verify_ctx *c)
{
    const cJSON *tag = json_get_object(c->manifest, "update_tag");
    const char *mode = tag ? json_get_string(tag, "mode") : NULL;
    int64_t v = 0;
    bool ok = mode && (strcmp(mode, "load-time") == 0 ||
                       (strcmp(mode, "pinned") == 0 && json_get_int64(tag, "value", &v)));
    if (!ok) {
        verify_problem(c, SNAPDIR_MANIFEST,
                       "\"update_tag\" is neither {\"mode\": \"load-time\"} nor {\"mode\": "
                       "\"pinned\", \"value\": N}");
    }
    if (json_get_bool(c->manifest, "user_data_included") < 0) {
        verify_problem(c, SNAPDIR_MANIFEST, "\"user_data_included\" is not true or false");
    }
}

/* The message of a failed read, without a leading "'<dir>/<name>': " (the report names the file).
 */
static const char *without_path(const struct lt_error *err, const char *dir, const char *name)
{
    const char *msg = lt_error_message(err);
    size_t d = strlen(dir), n = strlen(name);
    if (msg[0] == '\'' && strncmp(msg + 1, dir, d) == 0 && msg[1 + d] == '/' &&
        strncmp(msg + 2 + d, name, n) == 0 && strncmp(msg + 2 + d + n, "': ", 3) == 0) {
        return msg + 5 + d + n;
    }
    return msg;
}

static void read_manifest(struct verify_ctx *c)
{
    uint64_t size = 0;
    int kind = entry_kind(c, SNAPDIR_MANIFEST, &size);
    if (kind < 0) {
        verify_problem(c, SNAPDIR_MANIFEST, "missing");
        return;
    }
    if (kind > 0) {
        return; /* reported with the listing */
    }
    if (size > MANIFEST_MAX) {
        verify_problem(c, SNAPDIR_MANIFEST, "%llu bytes, larger than a manifest can be",
                       (unsigned long long)size);
        return;
    }
    struct lt_error err = LT_ERROR_INIT;
    if (snap_read_manifest(c->dir, &c->manifest, &err) != LT_OK) {
        verify_problem(c, SNAPDIR_MANIFEST, "%s", without_path(&err, c->dir, SNAPDIR_MANIFEST));
    }
    lt_error_release(&err);
    if (c->manifest) {
        check_files_list(c);
        check_accounts(c);
        check_update_tag(c);
    }
}

/* ---- each file against its manifest entry ---- */

static void check_against_entry(struct verify_ctx *c, struct verify_input *in)
{
    int64_t want_bytes = verify_manifest_count(in->entry, "bytes");
    const char *want_sha = json_get_string(in->entry, "sha256");
    if ((uint64_t)want_bytes != in->text.len) {
        verify_problem(c, in->name, "%zu bytes, manifest.json says %lld", in->text.len,
                       (long long)want_bytes);
    }
    struct buf sum = BUF_INIT(BUF_MAX_SMALL);
    if (hash_sha256_hex(&sum, in->text.ptr ? in->text.ptr : "", in->text.len) == LT_OK &&
        strcmp(buf_str(&sum), want_sha) != 0) {
        verify_problem(c, in->name, "SHA-256 is %s, manifest.json says %s", buf_str(&sum),
                       want_sha);
    }
    buf_release(&sum);
}

static void read_input(struct verify_ctx *c, struct verify_input *in)
{
    uint64_t size = 0;
    if (in->irregular) {
        return;
    }
    if (!in->present || entry_kind(c, in->name, &size) != 0) {
        verify_problem(c, in->name, "missing");
        return;
    }
    if (c->manifest && in->entry == NULL) {
        verify_problem(c, in->name, "not listed in manifest.json");
    }
    if (size > SNAP_MAX_FILE) {
        verify_problem(c, in->name, "%llu bytes, larger than ltsnap reads back",
                       (unsigned long long)size);
        return;
    }
    struct lt_error err = LT_ERROR_INIT;
    if (snap_read_file(c->dir, in->name, &in->text, &err) != LT_OK) {
        verify_problem(c, in->name, "%s", lt_error_message(&err));
        buf_release(&in->text);
    } else {
        in->read = true;
        if (in->entry) {
            check_against_entry(c, in);
        }
    }
    lt_error_release(&err);
}

/* ---- the run ---- */

static enum lt_rc check_dir(const char *dir, struct lt_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        return lt_fail(err, LT_E_IO, "cannot read '%s': %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return lt_fail(err, LT_E_IO, "'%s' is not a directory", dir);
    }
    return LT_OK;
}

static void release_ctx(struct verify_ctx *c)
{
    for (size_t i = 0; i < VF_COUNT; i++) {
        buf_release(&c->in[i].text);
    }
    for (size_t i = 0; i < VF_TABLES; i++) {
        snap_table_release(&c->tables[i]);
    }
    for (size_t i = 0; i < SCHEMA_NODE_COUNT; i++) {
        snap_index_release(&c->ids[i]);
    }
    cJSON_Delete(c->manifest);
}

enum lt_rc verify_snapshot(const char *dir, const char *templates_dir, struct verify_report *rep,
                           struct lt_error *err)
{
    memset(rep, 0, sizeof(*rep));
    LT_TRY(check_dir(dir, err));
    struct cypher_out_templates templates;
    LT_TRY(cypher_out_templates_load(&templates, templates_dir, err));
    struct verify_ctx c = {.dir = dir, .rep = rep, .templates = &templates};
    for (size_t i = 0; i < VF_COUNT; i++) {
        c.in[i].name = file_name(i);
        buf_init(&c.in[i].text, SNAP_MAX_FILE);
        file_entry(rep, c.in[i].name);
    }
    file_entry(rep, SNAPDIR_MANIFEST);
    enum lt_rc rc = fsx_list_dir(dir, take_entry, &c, err);
    if (rc == LT_OK) {
        read_manifest(&c);
        for (size_t i = 0; i < VF_COUNT; i++) {
            read_input(&c, &c.in[i]);
        }
        verify_tables(&c);
        verify_argfile(&c);
        verify_scripts(&c);
        sort_report(rep);
    } else {
        verify_report_release(rep);
    }
    release_ctx(&c);
    cypher_out_templates_release(&templates);
    return rc;
}
