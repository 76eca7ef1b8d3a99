/*
 * snapdir.h - the snapshot directory as one atomic unit: every file is
 * written into a temporary directory beside the target, fsynced, and the
 * directory then takes the target's place in one rename. On any error, or
 * on SIGINT/SIGTERM, the target is exactly as it was.
 *
 * Owns: which directories may be replaced, and the list of files written
 *       with their SHA-256, size and row count (for the manifest).
 * May call: base (fsx, json, hash).
 *
 * A target may be replaced when it does not exist, is an empty directory,
 * or is an ltsnap snapshot: it has a manifest.json of format
 * "ltsnap-snapshot" and holds nothing but manifest.json and the files that
 * manifest lists. Anything else is refused (LT_E_IO), so `--out .` or a
 * typo cannot wipe a directory of other files.
 */
#ifndef LT_WRITE_SNAPDIR_H
#define LT_WRITE_SNAPDIR_H

#include "base/err.h"
#include "base/fsx.h"
#include "base/hash.h"
#include "base/lt.h"

#define SNAPDIR_FORMAT "ltsnap-snapshot"
#define SNAPDIR_MANIFEST "manifest.json"

struct snapdir_file {
    char *name;
    char sha256[HASH_SHA256_HEX_LEN + 1];
    uint64_t bytes;
    uint64_t rows;
};

struct snapdir {
    struct fsx_tmpdir tmp;
    struct snapdir_file *files;
    size_t nfiles;
};

/* Checks that target may be replaced (see above) without writing anything. */
LT_MUST_CHECK enum lt_rc snapdir_check(const char *target, struct lt_error *err);
/* Checks that target may be replaced and creates the temporary directory. */
LT_MUST_CHECK enum lt_rc snapdir_begin(struct snapdir *d, const char *target, struct lt_error *err);
/* Creates a file (plain name, no '/') in the temporary directory. */
LT_MUST_CHECK enum lt_rc snapdir_open(struct snapdir *d, const char *name, struct fsx_writer *w,
                                      struct lt_error *err);
/* Closes a file opened with snapdir_open and records it with its row count. */
LT_MUST_CHECK enum lt_rc snapdir_close(struct snapdir *d, struct fsx_writer *w, const char *name,
                                       uint64_t rows, struct lt_error *err);
/* Puts the snapshot in place. The snapdir is released either way. */
LT_MUST_CHECK enum lt_rc snapdir_commit(struct snapdir *d, struct lt_error *err);
/* Removes the temporary directory; the target is untouched. Safe after commit. */
void snapdir_abort(struct snapdir *d);

#endif
