#include "write/snapdir.h"

#include <string.h>

#include "base/json.h"
#include "base/mem.h"

#define MANIFEST_MAX ((size_t)16 * 1024 * 1024)

struct existing {
    const char *target;
    cJSON *manifest_files; /* borrowed from the parsed manifest, or NULL */
    bool has_manifest;
};

static bool listed_in_manifest(const cJSON *files, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, files) {
        const char *n = json_get_string(f, "name");
        if (n && strcmp(n, name) == 0) {
            return true;
        }
    }
    return false;
}

static enum lt_rc check_entry(void *ctx, const char *name, bool is_dir, struct lt_error *err)
{
    struct existing *e = ctx;
    if (!is_dir && strcmp(name, SNAPDIR_MANIFEST) == 0) {
        return LT_OK;
    }
    if (!is_dir && e->manifest_files && listed_in_manifest(e->manifest_files, name)) {
        return LT_OK;
    }
    if (!e->has_manifest) {
        return lt_fail(err, LT_E_IO,
                       "'%s' exists, is not empty and is not an ltsnap snapshot; "
                       "refusing to replace it",
                       e->target);
    }
    return lt_fail(err, LT_E_IO,
                   "'%s' holds '%s', which is not part of the snapshot; refusing to replace it",
                   e->target, name);
}

/* Reads target/manifest.json if there is one; *out stays NULL otherwise. */
static enum lt_rc read_old_manifest(const char *target, cJSON **out, struct lt_error *err)
{
    *out = NULL;
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct buf text = BUF_INIT(MANIFEST_MAX);
    enum lt_rc rc = LT_OK;
    if (buf_printf(&path, "%s/%s", target, SNAPDIR_MANIFEST) != LT_OK) {
        rc = lt_fail(err, LT_E_USAGE, "path too long: '%s'", target);
    } else if (fsx_exists(buf_str(&path), NULL)) {
        rc = fsx_read_file(buf_str(&path), MANIFEST_MAX, &text, err);
        if (rc == LT_OK) {
            cJSON *m = cJSON_ParseWithLength(buf_str(&text), text.len);
            const char *format = m ? json_get_string(m, "format") : NULL;
            if (!format || strcmp(format, SNAPDIR_FORMAT) != 0) {
                cJSON_Delete(m);
                rc = lt_fail(err, LT_E_IO,
                             "'%s' is not an ltsnap manifest; refusing to replace '%s'",
                             buf_str(&path), target);
            } else {
                *out = m;
            }
        }
    }
    buf_release(&path);
    buf_release(&text);
    return rc;
}

enum lt_rc snapdir_check(const char *target, struct lt_error *err)
{
    bool is_dir = false;
    if (!fsx_exists(target, &is_dir)) {
        return LT_OK;
    }
    if (!is_dir) {
        return lt_fail(err, LT_E_IO, "'%s' exists and is not a directory", target);
    }
    cJSON *manifest = NULL;
    LT_TRY(read_old_manifest(target, &manifest, err));
    struct existing e = {target, NULL, manifest != NULL};
    if (manifest) {
        e.manifest_files = cJSON_GetObjectItemCaseSensitive(manifest, "files");
    }
    enum lt_rc rc = fsx_list_dir(target, check_entry, &e, err);
    cJSON_Delete(manifest);
    return rc;
}

enum lt_rc snapdir_begin(struct snapdir *d, const char *target, struct lt_error *err)
{
    memset(d, 0, sizeof(*d));
    d->tmp.slot = -1;
    LT_TRY(snapdir_check(target, err));
    return fsx_tmpdir_create(&d->tmp, target, err);
}

static enum lt_rc file_path(const struct snapdir *d, const char *name, struct buf *path,
                            struct lt_error *err)
{
    if (!*name || strchr(name, '/') || name[0] == '.') {
        return lt_fail(err, LT_E_INTERNAL, "bad snapshot file name '%s'", name);
    }
    if (buf_printf(path, "%s/%s", d->tmp.path, name) != LT_OK) {
        return lt_fail(err, LT_E_USAGE, "path too long: '%s'", d->tmp.path);
    }
    return LT_OK;
}

enum lt_rc snapdir_open(struct snapdir *d, const char *name, struct fsx_writer *w,
                        struct lt_error *err)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = file_path(d, name, &path, err);
    if (rc == LT_OK) {
        rc = fsx_writer_open(w, buf_str(&path), err);
    }
    buf_release(&path);
    return rc;
}

enum lt_rc snapdir_close(struct snapdir *d, struct fsx_writer *w, const char *name, uint64_t rows,
                         struct lt_error *err)
{
    unsigned char sha[HASH_SHA256_LEN];
    uint64_t bytes = 0;
    LT_TRY(fsx_writer_close(w, sha, &bytes, err));
    struct buf hex = BUF_INIT(HASH_SHA256_HEX_LEN);
    if (hash_hex(&hex, sha, sizeof(sha)) != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "cannot format a checksum");
    }
    d->files = mem_realloc_array(d->files, d->nfiles + 1, sizeof(*d->files));
    struct snapdir_file *f = &d->files[d->nfiles++];
    f->name = mem_strdup(name);
    memcpy(f->sha256, buf_str(&hex), HASH_SHA256_HEX_LEN + 1);
    f->bytes = bytes;
    f->rows = rows;
    buf_release(&hex);
    return LT_OK;
}

static void release_files(struct snapdir *d)
{
    for (size_t i = 0; i < d->nfiles; i++) {
        mem_free(d->files[i].name);
    }
    mem_free(d->files);
    d->files = NULL;
    d->nfiles = 0;
}

enum lt_rc snapdir_commit(struct snapdir *d, struct lt_error *err)
{
    enum lt_rc rc = fsx_tmpdir_commit(&d->tmp, err);
    release_files(d);
    return rc;
}

void snapdir_abort(struct snapdir *d)
{
    fsx_tmpdir_abort(&d->tmp);
    release_files(d);
}
