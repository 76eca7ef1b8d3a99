/*
 * Unit tests for write/snapshot: one walk over the model feeds both the
 * CSV files and snapshot.cypher, so every row is read (and, spilled,
 * decoded) once, not once per writer; tables without rows still get their
 * CSV file; a row the CSV writer refuses in the middle of the walk ends it
 * with the CSV writer's message, reads no row after it, and leaves the
 * previous snapshot as it was.
 *
 * The reads are counted per row: the Makefile links this test with ld's
 * --wrap for model_read_node and model_read_rel, so every call the library
 * makes to them goes through the counting __wrap_ functions below.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/mem.h"
#include "tap.h"
#include "testfs.h"
#include "testmodel.h"
#include "testsnap.h"
#include "write/csv_out.h"
#include "write/snapshot.h"

/* Node tables, then relationship tables. */
#define TABLES ((size_t)SCHEMA_NODE_COUNT + SCHEMA_REL_COUNT)

static size_t table_rows(const struct model *m, size_t t)
{
    return t < SCHEMA_NODE_COUNT ? m->nnodes[t] : m->nrels[t - SCHEMA_NODE_COUNT];
}

static const char *table_file(size_t t)
{
    return t < SCHEMA_NODE_COUNT ? schema_nodes[t].file : schema_rels[t - SCHEMA_NODE_COUNT].file;
}

/* ---- counting the reads ---- */

static unsigned *reads[TABLES]; /* reads[t][i]: times row i of table t was read */
static size_t counted_rows[TABLES];
static size_t reads_elsewhere; /* reads while not counting, or of a row that does not exist */

static void count_read(size_t t, size_t i)
{
    if (t < TABLES && reads[t] && i < counted_rows[t]) {
        reads[t][i]++;
    } else {
        reads_elsewhere++;
    }
}

enum lt_rc __real_model_read_node(struct model_reader *r, enum schema_node_kind k, size_t i,
                                  const struct model_value **values, struct lt_error *err);
enum lt_rc __wrap_model_read_node(struct model_reader *r, enum schema_node_kind k, size_t i,
                                  const struct model_value **values, struct lt_error *err);
enum lt_rc __real_model_read_rel(struct model_reader *r, enum schema_rel_kind k, size_t i,
                                 struct model_rel *rel, struct lt_error *err);
enum lt_rc __wrap_model_read_rel(struct model_reader *r, enum schema_rel_kind k, size_t i,
                                 struct model_rel *rel, struct lt_error *err);

enum lt_rc __wrap_model_read_node(struct model_reader *r, enum schema_node_kind k, size_t i,
                                  const struct model_value **values, struct lt_error *err)
{
    count_read((size_t)k, i);
    return __real_model_read_node(r, k, i, values, err);
}

enum lt_rc __wrap_model_read_rel(struct model_reader *r, enum schema_rel_kind k, size_t i,
                                 struct model_rel *rel, struct lt_error *err)
{
    count_read(SCHEMA_NODE_COUNT + (size_t)k, i);
    return __real_model_read_rel(r, k, i, rel, err);
}

static void counting_start(const struct model *m)
{
    reads_elsewhere = 0;
    for (size_t t = 0; t < TABLES; t++) {
        counted_rows[t] = table_rows(m, t);
        reads[t] = mem_calloc(counted_rows[t] ? counted_rows[t] : 1, sizeof(*reads[t]));
    }
}

static void counting_stop(void)
{
    for (size_t t = 0; t < TABLES; t++) {
        mem_free(reads[t]);
        reads[t] = NULL;
        counted_rows[t] = 0;
    }
}

/* Rows [first, end) of table t read exactly `times` times each; end may be SIZE_MAX (all). */
static bool rows_read(size_t t, size_t first, size_t end, unsigned times)
{
    end = end < counted_rows[t] ? end : counted_rows[t];
    for (size_t i = first; i < end; i++) {
        if (reads[t][i] != times) {
            tap_note("%s: row %zu read %u times, not %u", table_file(t), i, reads[t][i], times);
            return false;
        }
    }
    return true;
}

/* ---- snapshots ---- */

static enum lt_rc write_snapshot(const struct model *m, const char *target, struct lt_error *err)
{
    struct snapshot_options so = {
        target, {"templates", true, 1700000000}, {"convert", false, 0, false, 0, false}};
    return snapshot_write(m, &so, err);
}

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += text[i] == '\n';
    }
    return n;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of dir, sorted: "name/\n" for a directory, "name\n<size>\n<bytes>" for a file. */
static char *dir_contents(const char *dir)
{
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            n < LT_ARRAY_SIZE(names)) {
            names[n++] = mem_strdup(e->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    qsort(names, n, sizeof(*names), by_name);
    struct buf all = BUF_INIT(BUF_MAX_LARGE);
    for (size_t i = 0; i < n; i++) {
        bool is_dir = false;
        if (fsx_exists(testfs_path(dir, names[i]), &is_dir) && is_dir) {
            EXPECT_OK(buf_printf(&all, "%s/\n", names[i]));
        } else {
            size_t len = 0;
            char *text = testsnap_read(dir, names[i], &len);
            EXPECT_OK(buf_printf(&all, "%s\n%zu\n", names[i], len));
            EXPECT_OK(buf_add(&all, text, len));
            mem_free(text);
        }
        mem_free(names[i]);
    }
    return buf_detach(&all, NULL);
}

/* ---- the tests ---- */

/*
 * Every row of every table read exactly once for the whole snapshot, rows
 * in memory or spilled; a table without rows (no tags) has a CSV file with
 * its header only.
 */
static void test_each_row_read_once(const char *scratch, size_t row_memory, bool tagged)
{
    tap_note("one read per row: rows %s, %s", row_memory == 1 ? "spilled" : "in memory",
             tagged ? "tagged" : "no tags");
    struct model m;
    const struct testmodel_spec spec = {30, 40, tagged, row_memory, TESTMODEL_NO_BAD_VERSION};
    testmodel_build(&m, &spec);
    EXPECT_INT(model_spilled(&m), row_memory == 1);
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TAG], tagged ? 1 : 0);
    char *target = testfs_join(scratch, "/once");
    struct lt_error err = LT_ERROR_INIT;
    counting_start(&m);
    if (!EXPECT_OK(write_snapshot(&m, target, &err))) {
        tap_note("%s", lt_error_message(&err));
    }
    for (size_t t = 0; t < TABLES; t++) {
        EXPECT(rows_read(t, 0, SIZE_MAX, 1));
    }
    EXPECT_INT(reads_elsewhere, 0);
    counting_stop();
    for (size_t t = 0; t < TABLES; t++) {
        size_t len = 0;
        char *text = testsnap_read(target, table_file(t), &len);
        EXPECT_INT(count_lines(text, len), table_rows(&m, t) + 1);
        mem_free(text);
    }
    if (!tagged) {
        struct buf header = BUF_INIT(BUF_MAX_SMALL);
        EXPECT_OK(csv_out_node_header(&header, &schema_nodes[SCHEMA_NODE_TAG]));
        EXPECT_OK(buf_addc(&header, '\n'));
        size_t len = 0;
        char *text = testsnap_read(target, schema_nodes[SCHEMA_NODE_TAG].file, &len);
        EXPECT_MEM(text, len, header.ptr, header.len);
        mem_free(text);
        buf_release(&header);
    }
    testfs_remove(target);
    mem_free(target);
    lt_error_release(&err);
    model_release(&m);
}

/*
 * Version 669 holds an empty SecurityGroups element, which Cypher can
 * write and a neo4j-admin array cannot: the snapshot fails with the CSV
 * writer's message (as when the CSV files were written first), no row
 * after it is read, and the previous snapshot is left byte for byte, with
 * no temporary directory beside it.
 */
static void test_failure_mid_walk(const char *scratch)
{
    tap_note("a row the CSV writer refuses, in the middle of the walk");
    char *target = testfs_join(scratch, "/failing");
    struct lt_error err = LT_ERROR_INIT;
    struct model good;
    const struct testmodel_spec good_spec = {30, 40, true, 1, TESTMODEL_NO_BAD_VERSION};
    testmodel_build(&good, &good_spec);
    EXPECT_OK(write_snapshot(&good, target, &err));
    model_release(&good);
    char *before = dir_contents(target);

    struct model bad;
    const struct testmodel_spec bad_spec = {30, 40, true, 1, 669};
    testmodel_build(&bad, &bad_spec);
    counting_start(&bad);
    EXPECT_INT(write_snapshot(&bad, target, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err),
               "AWSLaunchTemplateVersion 'lt-00000000000000010-30': property 'security_groups' "
               "has an element that is empty or holds U+001F, which neo4j-admin arrays cannot "
               "carry");
    EXPECT(rows_read(SCHEMA_NODE_ACCOUNT, 0, SIZE_MAX, 1));
    EXPECT(rows_read(SCHEMA_NODE_TEMPLATE, 0, SIZE_MAX, 1));
    EXPECT(rows_read(SCHEMA_NODE_VERSION, 0, 670, 1));
    EXPECT(rows_read(SCHEMA_NODE_VERSION, 670, SIZE_MAX, 0));
    for (size_t t = SCHEMA_NODE_TAG; t < TABLES; t++) {
        EXPECT(rows_read(t, 0, SIZE_MAX, 0));
    }
    EXPECT_INT(reads_elsewhere, 0);
    counting_stop();
    model_release(&bad);

    char *after = dir_contents(target);
    EXPECT(before && after && strcmp(before, after) == 0);
    char *beside = dir_contents(scratch);
    EXPECT_STR(beside, "failing/\n"); /* no temporary directory left beside it */
    mem_free(beside);
    mem_free(before);
    mem_free(after);
    testfs_remove(target);
    mem_free(target);
    lt_error_release(&err);
}

int main(void)
{
    char scratch[256];
    testfs_scratch(scratch, sizeof(scratch), "snapshot");
    test_each_row_read_once(scratch, 0, false);
    test_each_row_read_once(scratch, 1, true);
    test_failure_mid_walk(scratch);
    testfs_remove(scratch);
    return tap_done();
}
