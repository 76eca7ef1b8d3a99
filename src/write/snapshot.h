/*
 * snapshot.h - writes a finished model as a snapshot directory: CSV files
 * and argfile, snapshot.cypher and post-import.cypher, tombstones.csv and
 * manifest.json, atomically (snapdir.h).
 *
 * Owns: the order in which a snapshot's files are produced. `convert` and
 *       `fetch` both end here, so they cannot produce different layouts.
 * May call: model, csv_out, cypher_out, manifest, snapdir.
 */
#ifndef LT_WRITE_SNAPSHOT_H
#define LT_WRITE_SNAPSHOT_H

#include "base/err.h"
#include "model/model.h"
#include "write/cypher_out.h"
#include "write/manifest.h"

struct snapshot_options {
    const char *out_dir;
    struct cypher_out_options cypher;
    struct manifest_info manifest;
};

/*
 * Checks before any work that the snapshot can be written: out_dir may be
 * replaced (absent, empty or a previous snapshot) and every template loads
 * and renders, so a long fetch does not fail at its very end.
 */
LT_MUST_CHECK enum lt_rc snapshot_check(const struct snapshot_options *o, struct lt_error *err);

/* On failure the target directory is exactly as it was. */
LT_MUST_CHECK enum lt_rc snapshot_write(const struct model *m, const struct snapshot_options *o,
                                        struct lt_error *err);

#endif
