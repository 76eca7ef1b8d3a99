/*
 * Unit tests for write/csv_out's row-by-row files (csv_out_stream): rows
 * must come once each and in table order, and every row of a table must
 * have come when its file is closed; anything else is refused as a bug
 * (LT_E_INTERNAL) rather than written as a wrong file, and the file being
 * written is removed. (The bytes written are the golden tests' concern.)
 */
#include <string.h>

#include "base/fsx.h"
#include "base/mem.h"
#include "tap.h"
#include "testfs.h"
#include "testmodel.h"
#include "write/csv_out.h"

/* Pushes every row of node table k, read through r. */
static enum lt_rc push_nodes(struct csv_out_stream *s, const struct model *m,
                             struct model_reader *r, enum schema_node_kind k, struct lt_error *err)
{
    for (size_t i = 0; i < m->nnodes[k]; i++) {
        const struct model_value *values;
        LT_TRY(model_read_node(r, k, i, &values, err));
        LT_TRY(csv_out_stream_node(s, k, i, values, err));
    }
    return LT_OK;
}

static bool in_tmp(const struct snapdir *d, const char *name)
{
    return fsx_exists(testfs_path(d->tmp.path, name), NULL);
}

/* A table's first row skipped: the table before it is closed short of its rows. */
static void test_row_skipped(const struct model *m, const char *target)
{
    struct snapdir d;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(snapdir_begin(&d, target, &err));
    struct csv_out_stream *s = csv_out_stream_new(&d, m);
    struct model_reader *r = model_reader_new(m);
    const struct model_value *values;
    EXPECT_OK(model_read_node(r, SCHEMA_NODE_TEMPLATE, 1, &values, &err));
    EXPECT_INT(csv_out_stream_node(s, SCHEMA_NODE_TEMPLATE, 1, values, &err), LT_E_INTERNAL);
    EXPECT_STR(lt_error_message(&err), "nodes-aws-account.csv: 0 of its 1 rows written");
    EXPECT(in_tmp(&d, schema_nodes[SCHEMA_NODE_ACCOUNT].file));
    csv_out_stream_abort(s);
    EXPECT(!in_tmp(&d, schema_nodes[SCHEMA_NODE_ACCOUNT].file));
    EXPECT_INT(d.nfiles, 0);
    model_reader_free(r);
    snapdir_abort(&d);
    lt_error_release(&err);
}

/* Within a table a row out of order, and a row of a table already closed. */
static void test_rows_out_of_order(const struct model *m, const char *target)
{
    struct snapdir d;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(snapdir_begin(&d, target, &err));
    struct csv_out_stream *s = csv_out_stream_new(&d, m);
    struct model_reader *r = model_reader_new(m);
    EXPECT_OK(push_nodes(s, m, r, SCHEMA_NODE_ACCOUNT, &err));
    const struct model_value *values;
    EXPECT_OK(model_read_node(r, SCHEMA_NODE_TEMPLATE, 0, &values, &err));
    EXPECT_OK(csv_out_stream_node(s, SCHEMA_NODE_TEMPLATE, 0, values, &err));
    EXPECT_INT(csv_out_stream_node(s, SCHEMA_NODE_TEMPLATE, 0, values, &err), LT_E_INTERNAL);
    EXPECT_STR(lt_error_message(&err),
               "nodes-aws-launch-template.csv: row 0 came where row 1 belongs");
    lt_error_clear(&err); /* the first error stays otherwise */
    EXPECT_INT(csv_out_stream_node(s, SCHEMA_NODE_ACCOUNT, 0, values, &err), LT_E_INTERNAL);
    EXPECT_STR(lt_error_message(&err), "CSV rows out of order: table 0 after table 1");
    EXPECT_INT(d.nfiles, 1); /* the account file, closed */
    csv_out_stream_abort(s);
    EXPECT(!in_tmp(&d, schema_nodes[SCHEMA_NODE_TEMPLATE].file));
    model_reader_free(r);
    snapdir_abort(&d);
    EXPECT(!fsx_exists(target, NULL));
    lt_error_release(&err);
}

/* Finishing with the relationships never pushed: refused, no argfile, nothing left. */
static void test_finish_short(const struct model *m, const char *target)
{
    struct snapdir d;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(snapdir_begin(&d, target, &err));
    struct csv_out_stream *s = csv_out_stream_new(&d, m);
    struct model_reader *r = model_reader_new(m);
    for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
        EXPECT_OK(push_nodes(s, m, r, (enum schema_node_kind)k, &err));
    }
    EXPECT_INT(csv_out_stream_finish(s, &err), LT_E_INTERNAL);
    EXPECT_STR(lt_error_message(&err), "rels-resource-aws-launch-template.csv: 0 of its 3 rows "
                                       "written");
    EXPECT_INT(d.nfiles, SCHEMA_NODE_COUNT);
    EXPECT(!in_tmp(&d, schema_rels[0].file));
    EXPECT(!in_tmp(&d, CSV_OUT_ARGFILE));
    model_reader_free(r);
    snapdir_abort(&d);
    EXPECT(!fsx_exists(target, NULL));
    lt_error_release(&err);
}

int main(void)
{
    char scratch[256];
    testfs_scratch(scratch, sizeof(scratch), "csv-out");
    char *target = testfs_join(scratch, "/snap");
    struct model m;
    const struct testmodel_spec spec = {3, 2, true, 0, TESTMODEL_NO_BAD_VERSION};
    testmodel_build(&m, &spec);
    test_row_skipped(&m, target);
    test_rows_out_of_order(&m, target);
    test_finish_short(&m, target);
    model_release(&m);
    mem_free(target);
    testfs_remove(scratch);
    return tap_done();
}
