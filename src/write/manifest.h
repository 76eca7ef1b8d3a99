/*
 * manifest.h - manifest.json: what a snapshot is and how to check it.
 *
 * Owns: the manifest format (docs/snapshot-format.md): format name and
 *       version, tool version, update tag, accounts and the status of each
 *       region, counts per label and relationship type, tombstone count,
 *       and every other file with its sha256, bytes and rows.
 * May call: base (json), model, schema, snapdir.
 *
 * The manifest is the only file that may change between two runs over the
 * same cloud state (its created_at, and the update tag when pinned).
 */
#ifndef LT_WRITE_MANIFEST_H
#define LT_WRITE_MANIFEST_H

#include "base/err.h"
#include "model/model.h"
#include "write/snapdir.h"

#define MANIFEST_FORMAT_VERSION 1

struct manifest_info {
    const char *command; /* "convert" or "fetch" */
    bool tag_pinned;
    int64_t update_tag; /* when pinned */
    bool has_created_at;
    int64_t created_at; /* Unix seconds the fetch started (fetch only) */
    bool include_user_data;
};

/* Writes manifest.json describing every file written so far. */
LT_MUST_CHECK enum lt_rc manifest_write(struct snapdir *d, const struct model *m,
                                        const struct manifest_info *info, struct lt_error *err);

#endif
