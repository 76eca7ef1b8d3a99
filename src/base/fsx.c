#define _GNU_SOURCE
#include "base/fsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/mem.h"

#define WRITER_CHUNK ((size_t)64 * 1024)
#define TMPDIR_SLOTS 8

/* read() without EINTR: the count, 0 at the end, or -1 with errno. */
static ssize_t read_retry(int fd, char *p, size_t n)
{
    ssize_t k;
    do {
        k = read(fd, p, n);
    } while (k < 0 && errno == EINTR);
    return k;
}

/*
 * A regular file's expected bytes, read straight into out (no copy through a
 * chunk). *total is what was read: fewer when the file shrank meanwhile.
 */
static enum lt_rc read_expected(int fd, struct buf *out, size_t expect, size_t max, size_t *total,
                                const char *path, struct lt_error *err)
{
    size_t start = out->len;
    char *at;
    if (buf_extend(out, expect, &at) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "'%s' is larger than %zu bytes", path, max);
    }
    size_t got = 0;
    while (got < expect) {
        ssize_t n = read_retry(fd, at + got, expect - got);
        if (n < 0) {
            buf_truncate(out, start);
            return lt_fail(err, LT_E_IO, "cannot read '%s': %s", path, strerror(errno));
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    buf_truncate(out, start + got);
    *total = got;
    return LT_OK;
}

enum lt_rc fsx_read_file(const char *path, size_t max, struct buf *out, struct lt_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return lt_fail(err, LT_E_IO, "cannot open '%s': %s", path, strerror(errno));
    }
    struct stat st;
    bool known = fstat(fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        close(fd);
        return lt_fail(err, LT_E_IO, "cannot read '%s': is a directory", path);
    }
    size_t total = 0;
    if (known && S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= max) {
        enum lt_rc rc = read_expected(fd, out, (size_t)st.st_size, max, &total, path, err);
        if (rc != LT_OK) {
            close(fd);
            return rc;
        }
    }
    /* Anything else (not a regular file, or bytes beyond the size it had) a chunk at a time. */
    char chunk[16384];
    for (;;) {
        ssize_t n = read_retry(fd, chunk, sizeof(chunk));
        if (n < 0) {
            int e = errno;
            close(fd);
            return lt_fail(err, LT_E_IO, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0) {
            break;
        }
        total += (size_t)n;
        if (total > max || buf_add(out, chunk, (size_t)n) != LT_OK) {
            close(fd);
            return lt_fail(err, LT_E_LIMIT, "'%s' is larger than %zu bytes", path, max);
        }
    }
    close(fd);
    return LT_OK;
}

enum lt_rc fsx_writer_open(struct fsx_writer *w, const char *path, struct lt_error *err)
{
    w->fd = -1;
    w->path = NULL;
    w->bytes = 0;
    buf_init(&w->pending, WRITER_CHUNK * 2);
    w->sha.ctx = NULL;
    if (hash_sha256_begin(&w->sha) != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "cannot start SHA-256");
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int e = errno;
        hash_sha256_abort(&w->sha);
        return lt_fail(err, LT_E_IO, "cannot create '%s': %s", path, strerror(e));
    }
    w->path = mem_strdup(path);
    return LT_OK;
}

static enum lt_rc write_all(int fd, const char *p, size_t n, const char *path, struct lt_error *err)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            return lt_fail(err, LT_E_IO, "cannot write '%s': %s", path, strerror(errno));
        }
        p += k;
        n -= (size_t)k;
    }
    return LT_OK;
}

/*
 * Hashes and writes n bytes. The hash is taken here, a chunk at a time,
 * rather than per fsx_writer_add: writers add a line at a time, and each
 * digest update has a cost of its own.
 */
static enum lt_rc writer_out(struct fsx_writer *w, const char *p, size_t n, struct lt_error *err)
{
    if (hash_sha256_update(&w->sha, p, n) != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "SHA-256 failed for '%s'", w->path);
    }
    return write_all(w->fd, p, n, w->path, err);
}

static enum lt_rc writer_flush(struct fsx_writer *w, struct lt_error *err)
{
    LT_TRY(writer_out(w, buf_str(&w->pending), w->pending.len, err));
    buf_reset(&w->pending);
    return LT_OK;
}

enum lt_rc fsx_writer_add(struct fsx_writer *w, const void *data, size_t n, struct lt_error *err)
{
    w->bytes += n;
    if (w->pending.len + n > WRITER_CHUNK) {
        LT_TRY(writer_flush(w, err));
    }
    if (n > WRITER_CHUNK) {
        return writer_out(w, data, n, err);
    }
    if (buf_add(&w->pending, data, n) != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "write buffer overflow for '%s'", w->path);
    }
    return LT_OK;
}

enum lt_rc fsx_writer_adds(struct fsx_writer *w, const char *s, struct lt_error *err)
{
    return fsx_writer_add(w, s, strlen(s), err);
}

static void writer_release(struct fsx_writer *w)
{
    if (w->fd >= 0) {
        close(w->fd);
    }
    w->fd = -1;
    hash_sha256_abort(&w->sha);
    buf_release(&w->pending);
    mem_free(w->path);
    w->path = NULL;
}

enum lt_rc fsx_writer_close(struct fsx_writer *w, unsigned char sha256[HASH_SHA256_LEN],
                            uint64_t *bytes, struct lt_error *err)
{
    enum lt_rc rc = writer_flush(w, err);
    if (rc == LT_OK && fsync(w->fd) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot sync '%s': %s", w->path, strerror(errno));
    }
    if (rc == LT_OK) {
        int fd = w->fd;
        w->fd = -1;
        if (close(fd) != 0) {
            rc = lt_fail(err, LT_E_IO, "cannot close '%s': %s", w->path, strerror(errno));
        }
    }
    if (rc == LT_OK && hash_sha256_end(&w->sha, sha256) != LT_OK) {
        rc = lt_fail(err, LT_E_INTERNAL, "SHA-256 failed for '%s'", w->path);
    }
    if (bytes) {
        *bytes = w->bytes;
    }
    writer_release(w);
    return rc;
}

void fsx_writer_abort(struct fsx_writer *w)
{
    if (w->path) {
        unlink(w->path);
    }
    writer_release(w);
}

/*
 * The cleanup registry. The signal handler reads it, so entries are
 * published by setting the pointer last and retired by clearing it first.
 */
static char *volatile tmpdir_slots[TMPDIR_SLOTS];

/* Async-signal-safe: removes the entries of a flat directory, then the directory. */
static void remove_flat_dir_signal_safe(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        char dents[4096];
        for (;;) {
            long n = syscall(SYS_getdents64, fd, dents, sizeof(dents));
            if (n <= 0) {
                break;
            }
            for (long off = 0; off < n;) {
                struct dirent64 *d = (struct dirent64 *)(void *)(dents + off);
                off += d->d_reclen;
                if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0) {
                    unlinkat(fd, d->d_name, 0);
                }
            }
        }
        close(fd);
    }
    rmdir(path);
}

static void remove_registered(void)
{
    for (int i = 0; i < TMPDIR_SLOTS; i++) {
        char *p = tmpdir_slots[i];
        if (p) {
            remove_flat_dir_signal_safe(p);
        }
    }
}

static void on_fatal_signal(int sig)
{
    remove_registered();
    signal(sig, SIG_DFL);
    raise(sig);
}

void fsx_install_cleanup(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < LT_ARRAY_SIZE(sigs); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    atexit(remove_registered);
}

static int register_tmpdir(char *path)
{
    for (int i = 0; i < TMPDIR_SLOTS; i++) {
        if (!tmpdir_slots[i]) {
            tmpdir_slots[i] = path;
            return i;
        }
    }
    return -1;
}

static void unregister_tmpdir(struct fsx_tmpdir *t)
{
    if (t->slot >= 0) {
        tmpdir_slots[t->slot] = NULL;
    }
    t->slot = -1;
}

/* Splits target into parent directory and final name (no trailing slashes). */
static enum lt_rc split_target(const char *target, struct buf *parent, struct buf *name)
{
    size_t n = strlen(target);
    while (n > 1 && target[n - 1] == '/') {
        n--;
    }
    size_t slash = n;
    while (slash > 0 && target[slash - 1] != '/') {
        slash--;
    }
    if (slash == 0) {
        LT_TRY(buf_adds(parent, "."));
    } else if (slash == 1) {
        LT_TRY(buf_adds(parent, "/"));
    } else {
        LT_TRY(buf_add(parent, target, slash - 1));
    }
    return buf_add(name, target + slash, n - slash);
}

enum lt_rc fsx_tmpdir_create(struct fsx_tmpdir *t, const char *target, struct lt_error *err)
{
    t->path = NULL;
    t->target = NULL;
    t->slot = -1;
    struct buf parent = BUF_INIT(BUF_MAX_SMALL);
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    struct buf tmpl = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    if (split_target(target, &parent, &name) != LT_OK) {
        rc = lt_fail(err, LT_E_USAGE, "path too long: '%s'", target);
        goto out;
    }
    if (!name.len || strcmp(buf_str(&name), ".") == 0 || strcmp(buf_str(&name), "..") == 0) {
        rc = lt_fail(err, LT_E_USAGE, "'%s' cannot be used as a snapshot directory", target);
        goto out;
    }
    if (buf_printf(&tmpl, "%s/.%s.tmp-XXXXXX", buf_str(&parent), buf_str(&name)) != LT_OK) {
        rc = lt_fail(err, LT_E_USAGE, "path too long: '%s'", target);
        goto out;
    }
    char *path = buf_detach(&tmpl, NULL);
    if (!mkdtemp(path)) {
        rc = lt_fail(err, LT_E_IO, "cannot create a directory in '%s': %s", buf_str(&parent),
                     strerror(errno));
        mem_free(path);
        goto out;
    }
    /* mkdtemp makes it 0700; a snapshot gets the mode any new directory would (umask). */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(path, 0777 & ~mask) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot set the mode of '%s': %s", path, strerror(errno));
        rmdir(path);
        mem_free(path);
        goto out;
    }
    t->slot = register_tmpdir(path);
    if (t->slot < 0) {
        rmdir(path);
        mem_free(path);
        rc = lt_fail(err, LT_E_INTERNAL, "too many temporary directories");
        goto out;
    }
    t->path = path;
    t->target = mem_strdup(target);
out:
    buf_release(&parent);
    buf_release(&name);
    buf_release(&tmpl);
    return rc;
}

void fsx_tmpdir_abort(struct fsx_tmpdir *t)
{
    if (t->path) {
        unregister_tmpdir(t);
        remove_flat_dir_signal_safe(t->path);
        mem_free(t->path);
    }
    mem_free(t->target);
    t->path = NULL;
    t->target = NULL;
}

static enum lt_rc fsync_dir(const char *path, struct lt_error *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return lt_fail(err, LT_E_IO, "cannot open directory '%s': %s", path, strerror(errno));
    }
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL) {
        return lt_fail(err, LT_E_IO, "cannot sync directory '%s': %s", path, strerror(e));
    }
    return LT_OK;
}

/*
 * Puts tmp in place of an existing target. RENAME_EXCHANGE swaps both names
 * in one step, so the target is never missing; where the file system lacks
 * it, the old target is moved aside first (a short window without it).
 */
static enum lt_rc swap_into_place(const char *tmp, const char *target, struct lt_error *err)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
        return LT_OK;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        return lt_fail(err, LT_E_IO, "cannot replace '%s': %s", target, strerror(errno));
    }
    struct buf aside = BUF_INIT(BUF_MAX_SMALL);
    if (buf_printf(&aside, "%s.old", tmp) != LT_OK) {
        return lt_fail(err, LT_E_IO, "path too long: '%s'", tmp);
    }
    enum lt_rc rc = LT_OK;
    if (rename(target, buf_str(&aside)) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot move '%s' aside: %s", target, strerror(errno));
    } else if (rename(tmp, target) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot rename into '%s': %s", target, strerror(errno));
        (void)rename(buf_str(&aside), target);
    } else if (rename(buf_str(&aside), tmp) != 0) {
        /* The new snapshot is in place; the old one stays beside it. */
        rc = lt_fail(err, LT_E_IO, "cannot clean up '%s': %s", buf_str(&aside), strerror(errno));
    }
    buf_release(&aside);
    return rc;
}

enum lt_rc fsx_tmpdir_commit(struct fsx_tmpdir *t, struct lt_error *err)
{
    struct buf parent = BUF_INIT(BUF_MAX_SMALL);
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    bool is_dir = false;
    enum lt_rc rc = split_target(t->target, &parent, &name);
    if (rc != LT_OK) {
        rc = lt_fail(err, LT_E_USAGE, "path too long: '%s'", t->target);
    } else {
        rc = fsync_dir(t->path, err);
    }
    if (rc == LT_OK && fsx_exists(t->target, &is_dir)) {
        rc = is_dir ? swap_into_place(t->path, t->target, err)
                    : lt_fail(err, LT_E_IO, "'%s' exists and is not a directory", t->target);
    } else if (rc == LT_OK && rename(t->path, t->target) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot rename into '%s': %s", t->target, strerror(errno));
    }
    if (rc == LT_OK) {
        rc = fsync_dir(buf_str(&parent), err);
    }
    /* After a swap, t->path names the old snapshot; either way it goes. */
    fsx_tmpdir_abort(t);
    buf_release(&parent);
    buf_release(&name);
    return rc;
}

enum lt_rc fsx_list_dir(const char *path,
                        enum lt_rc (*fn)(void *ctx, const char *name, bool is_dir,
                                         struct lt_error *err),
                        void *ctx, struct lt_error *err)
{
    DIR *d = opendir(path);
    if (!d) {
        return lt_fail(err, LT_E_IO, "cannot open directory '%s': %s", path, strerror(errno));
    }
    enum lt_rc rc = LT_OK;
    struct dirent *e;
    while (rc == LT_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            is_dir =
                fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        rc = fn(ctx, e->d_name, is_dir, err);
    }
    closedir(d);
    return rc;
}

enum lt_rc fsx_write_all(int fd, const void *data, size_t n, const char *what, struct lt_error *err)
{
    return write_all(fd, data, n, what, err);
}

enum lt_rc fsx_pread_all(int fd, void *data, size_t n, uint64_t offset, const char *what,
                         struct lt_error *err)
{
    char *p = data;
    while (n) {
        ssize_t k = pread(fd, p, n, (off_t)offset);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            return lt_fail(err, LT_E_IO, "cannot read %s: %s", what, strerror(errno));
        }
        if (k == 0) {
            return lt_fail(err, LT_E_IO, "cannot read %s: unexpected end of file", what);
        }
        p += k;
        n -= (size_t)k;
        offset += (uint64_t)k;
    }
    return LT_OK;
}

enum lt_rc fsx_temp_file(const char *near, int *fd, struct lt_error *err)
{
    *fd = -1;
    struct buf parent = BUF_INIT(BUF_MAX_SMALL);
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    struct buf tmpl = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    if (split_target(near, &parent, &name) != LT_OK ||
        buf_printf(&tmpl, "%s/.ltsnap-spill-XXXXXX", buf_str(&parent)) != LT_OK) {
        rc = lt_fail(err, LT_E_USAGE, "path too long: '%s'", near);
        goto out;
    }
    *fd = open(buf_str(&parent), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (*fd < 0) {
        /* No O_TMPFILE here (EOPNOTSUPP, EISDIR on old kernels): a named file, gone at once. */
        *fd = mkostemp(tmpl.ptr, O_CLOEXEC);
        if (*fd >= 0) {
            unlink(buf_str(&tmpl));
        }
    }
    if (*fd < 0) {
        rc = lt_fail(err, LT_E_IO, "cannot create a temporary file in '%s': %s", buf_str(&parent),
                     strerror(errno));
    }
out:
    buf_release(&parent);
    buf_release(&name);
    buf_release(&tmpl);
    return rc;
}

bool fsx_exists(const char *path, bool *is_dir)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return false;
    }
    if (is_dir) {
        *is_dir = S_ISDIR(st.st_mode);
    }
    return true;
}
