#include "write/snapshot.h"

#include "write/csv_out.h"
#include "write/snapdir.h"

enum lt_rc snapshot_check(const struct snapshot_options *o, struct lt_error *err)
{
    LT_TRY(snapdir_check(o->out_dir, err));
    return cypher_out_check(&o->cypher, err);
}

enum lt_rc snapshot_write(const struct model *m, const struct snapshot_options *o,
                          struct lt_error *err)
{
    struct snapdir d;
    enum lt_rc rc = snapdir_begin(&d, o->out_dir, err);
    if (rc != LT_OK) {
        return rc;
    }
    rc = csv_out_write(&d, m, err);
    if (rc == LT_OK) {
        rc = cypher_out_write(&d, m, &o->cypher, NULL, err);
    }
    if (rc == LT_OK) {
        rc = manifest_write(&d, m, &o->manifest, err);
    }
    if (rc == LT_OK) {
        return snapdir_commit(&d, err);
    }
    snapdir_abort(&d);
    return rc;
}
