#define _XOPEN_SOURCE 700
#include "testfs.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"

static void testfs_bail(const char *what, const char *path)
{
    printf("Bail out! cannot %s '%s': %s\n", what, path, strerror(errno));
    exit(1);
}

static char *testfs_take(struct buf *b, const char *what)
{
    if (b->ptr == NULL) {
        printf("Bail out! path too long building %s\n", what);
        exit(1);
    }
    return buf_detach(b, NULL);
}

char *testfs_join(const char *dir, const char *name)
{
    struct buf b = BUF_INIT(4096);
    if (buf_adds(&b, dir) != LT_OK || buf_adds(&b, name) != LT_OK) {
        buf_release(&b);
    }
    return testfs_take(&b, name);
}

char *testfs_outdir(const char *argv0, const char *sub)
{
    struct buf b = BUF_INIT(4096);
    const char *slash = strrchr(argv0, '/');
    enum lt_rc rc = slash ? buf_add(&b, argv0, (size_t)(slash - argv0 + 1)) : buf_adds(&b, "./");
    if (rc == LT_OK) {
        rc = buf_adds(&b, sub);
    }
    char *dir = testfs_take(&b, sub);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        testfs_bail("create directory", dir);
    }
    char *with_slash = testfs_join(dir, "/");
    mem_free(dir);
    return with_slash;
}

void testfs_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        testfs_bail("create", path);
    }
    if (fwrite(data, 1, len, f) != len) {
        testfs_bail("write", path);
    }
    if (fclose(f) != 0) {
        testfs_bail("close", path);
    }
}

void testfs_scratch(char *out, size_t outlen, const char *tag)
{
    if ((size_t)snprintf(out, outlen, "/tmp/ltsnap-%s-XXXXXX", tag) >= outlen || !mkdtemp(out)) {
        testfs_bail("create a scratch directory for", tag);
    }
}

const char *testfs_path(const char *dir, const char *name)
{
    static char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        testfs_bail("build a path for", name);
    }
    return path;
}

static void make_parents(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0700);
            *p = '/';
        }
    }
}

const char *testfs_put(const char *dir, const char *name, const char *text, int mode)
{
    const char *path = testfs_path(dir, name);
    make_parents(path);
    unlink(path);
    testfs_write(path, text, strlen(text));
    if (chmod(path, (mode_t)mode) != 0) {
        testfs_bail("set the mode of", path);
    }
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void testfs_remove(const char *dir)
{
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        printf("# could not remove '%s'\n", dir);
    }
}
