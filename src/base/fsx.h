/*
 * fsx.h - file-system helpers that check every return value.
 *
 * Owns: reading whole files with a size cap; struct fsx_writer (buffered,
 *       counted, SHA-256-hashed file output ending in fsync); temporary
 *       directories beside a target and the registry that removes them on
 *       exit and on SIGINT/SIGTERM/SIGHUP; atomic replacement of a
 *       directory.
 * May call: buf, err, hash, mem, libc.
 *
 * Temporary directories are flat (no subdirectories): that lets the signal
 * handler empty them with async-signal-safe calls only.
 */
#ifndef LT_BASE_FSX_H
#define LT_BASE_FSX_H

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/lt.h"

/* Appends the file's contents to out; LT_E_LIMIT when it holds more than max bytes. */
LT_MUST_CHECK enum lt_rc fsx_read_file(const char *path, size_t max, struct buf *out,
                                       struct lt_error *err);

struct fsx_writer {
    int fd;
    char *path;         /* owned */
    struct buf pending; /* bytes not yet written */
    uint64_t bytes;     /* total added */
    struct hash_sha256_stream sha;
};

/* Creates path (must not exist), mode 0644 before umask. */
LT_MUST_CHECK enum lt_rc fsx_writer_open(struct fsx_writer *w, const char *path,
                                         struct lt_error *err);
LT_MUST_CHECK enum lt_rc fsx_writer_add(struct fsx_writer *w, const void *data, size_t n,
                                        struct lt_error *err);
LT_MUST_CHECK enum lt_rc fsx_writer_adds(struct fsx_writer *w, const char *s, struct lt_error *err);
/*
 * Writes what is pending, fsyncs and closes. On success sha256 and bytes
 * describe exactly what is on disk. The writer is released either way.
 */
LT_MUST_CHECK enum lt_rc fsx_writer_close(struct fsx_writer *w,
                                          unsigned char sha256[HASH_SHA256_LEN], uint64_t *bytes,
                                          struct lt_error *err);
/* Closes without syncing and removes the file. Safe on a closed writer. */
void fsx_writer_abort(struct fsx_writer *w);

struct fsx_tmpdir {
    char *path;   /* owned; NULL when not active */
    char *target; /* owned */
    int slot;     /* index in the cleanup registry */
};

/*
 * Creates an empty directory "<parent of target>/.<name of target>.tmp-XXXXXX"
 * and registers it for removal on exit or on a fatal signal.
 */
LT_MUST_CHECK enum lt_rc fsx_tmpdir_create(struct fsx_tmpdir *t, const char *target,
                                           struct lt_error *err);
/*
 * Makes the temporary directory the target: fsyncs it, then swaps it with
 * an existing target in one atomic rename (renameat2 RENAME_EXCHANGE) or
 * renames it into place, fsyncs the parent and removes the old contents.
 * An existing target must be a flat directory; the caller decides whether
 * replacing it is allowed. On failure the target is as it was and the
 * temporary directory is removed.
 */
LT_MUST_CHECK enum lt_rc fsx_tmpdir_commit(struct fsx_tmpdir *t, struct lt_error *err);
/* Removes the temporary directory and its files. Safe to call twice. */
void fsx_tmpdir_abort(struct fsx_tmpdir *t);

/* Installs the SIGINT/SIGTERM/SIGHUP handlers and the atexit hook. Call once from main. */
void fsx_install_cleanup(void);

/*
 * Calls fn for each entry name of a directory except "." and "..", in no
 * particular order. is_dir tells whether the entry is a directory.
 */
LT_MUST_CHECK enum lt_rc fsx_list_dir(const char *path,
                                      enum lt_rc (*fn)(void *ctx, const char *name, bool is_dir,
                                                       struct lt_error *err),
                                      void *ctx, struct lt_error *err);

/* True when path exists (any type); *is_dir tells whether it is a directory. */
bool fsx_exists(const char *path, bool *is_dir);

/*
 * Opens a temporary file for reading and writing in the directory that
 * holds `near` (its parent, where fsx_tmpdir_create puts a snapshot): an
 * unnamed one (O_TMPFILE), or where the file system has none, a named one
 * that is unlinked at once. Either way nothing is left behind once the
 * descriptor is closed, whatever ends the process. *fd is -1 on failure.
 */
LT_MUST_CHECK enum lt_rc fsx_temp_file(const char *near, int *fd, struct lt_error *err);
/* Writes all n bytes at the file position (what names the file in messages). */
LT_MUST_CHECK enum lt_rc fsx_write_all(int fd, const void *data, size_t n, const char *what,
                                       struct lt_error *err);
/* Reads exactly n bytes at offset; fewer (end of file) is an error. */
LT_MUST_CHECK enum lt_rc fsx_pread_all(int fd, void *data, size_t n, uint64_t offset,
                                       const char *what, struct lt_error *err);

#endif
