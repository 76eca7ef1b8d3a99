#include "write/snapshot.h"

#include "write/csv_out.h"
#include "write/snapdir.h"

enum lt_rc snapshot_check(const struct snapshot_options *o, struct lt_error *err)
{
    LT_TRY(snapdir_check(o->out_dir, err));
    return cypher_out_check(&o->cypher, err);
}

static enum lt_rc csv_node(void *csv, enum schema_node_kind k, size_t i,
                           const struct model_value *values, struct lt_error *err)
{
    return csv_out_stream_node(csv, k, i, values, err);
}

static enum lt_rc csv_rel(void *csv, enum schema_rel_kind k, size_t i, const struct model_rel *rel,
                          struct lt_error *err)
{
    return csv_out_stream_rel(csv, k, i, rel, err);
}

/*
 * The CSV files and the Cypher scripts. Reading a row back (from the spill
 * file, and decoding it) is a good part of the cost of a large snapshot, so
 * the CSV files take each row as snapshot.cypher reads it: one walk over
 * the model for both.
 */
static enum lt_rc write_data(struct snapdir *d, const struct model *m,
                             const struct snapshot_options *o, struct lt_error *err)
{
    struct csv_out_stream *csv = csv_out_stream_new(d, m);
    struct cypher_out_observer csv_rows = {csv_node, csv_rel, csv};
    enum lt_rc rc = cypher_out_write(d, m, &o->cypher, &csv_rows, err);
    if (rc != LT_OK) {
        csv_out_stream_abort(csv);
        return rc;
    }
    return csv_out_stream_finish(csv, err);
}

enum lt_rc snapshot_write(const struct model *m, const struct snapshot_options *o,
                          struct lt_error *err)
{
    struct snapdir d;
    enum lt_rc rc = snapdir_begin(&d, o->out_dir, err);
    if (rc != LT_OK) {
        return rc;
    }
    rc = write_data(&d, m, o, err);
    if (rc == LT_OK) {
        rc = manifest_write(&d, m, &o->manifest, err);
    }
    if (rc == LT_OK) {
        return snapdir_commit(&d, err);
    }
    snapdir_abort(&d);
    return rc;
}
