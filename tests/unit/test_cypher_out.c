/*
 * Unit tests for write/cypher_out's shared pieces: batching of literal rows
 * into statements and transactions through a sink, node rows from typed
 * values, and the reader of a rows list (what verify uses), round trip
 * and refusals; the row observer of cypher_out_write (each row seen once,
 * in order, with its own values; a failing observer ends the script).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "tap.h"
#include "testfs.h"
#include "testmodel.h"
#include "testrand.h"
#include "testsnap.h"
#include "write/cypher_out.h"

static enum lt_rc buf_sink(void *ctx, const char *text, size_t len, struct lt_error *err)
{
    (void)err;
    return buf_add(ctx, text, len);
}

static void tmpl_from(struct tmpl *t, const char *name, const char *text)
{
    t->name = mem_strdup(name);
    buf_init(&t->text, BUF_MAX_SMALL);
    if (buf_adds(&t->text, text) != LT_OK) {
        tap_note("template text too long");
    }
}

static const char *const hostile[] = {
    "a'b", "\\u0027", "line\nbreak", "}) DETACH DELETE n //", "\xe2\x80\xa8", ""};

static enum lt_rc hostile_rel(struct buf *b, const void *table, size_t i, struct lt_error *err)
{
    (void)err;
    (void)table;
    return cypher_out_rel_literal(b, hostile[i % LT_ARRAY_SIZE(hostile)], "to");
}

/* 1201 rows: three statements in one transaction, the sink counting rows. */
static void test_table_batches(void)
{
    struct tmpl t;
    tmpl_from(&t, "x.cypher", "UNWIND {{rows}} AS row RETURN row;\n");
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    struct lt_error err = LT_ERROR_INIT;
    struct cypher_out_sink s = {buf_sink, &out, 0};
    struct cypher_out_rows rows = {hostile_rel, NULL, 1201};
    EXPECT_OK(cypher_out_table(&s, &t, &rows, &err));
    EXPECT_INT(s.rows, 1201);
    const char *text = buf_str(&out);
    EXPECT(strncmp(text, ":begin\nUNWIND [\n  {from: 'a\\'b', to: 'to'},\n", 44) == 0);
    size_t statements = 0;
    for (const char *p = text; (p = strstr(p, "UNWIND [\n")); p++) {
        statements++;
    }
    EXPECT_INT(statements, 3);
    EXPECT(strstr(text, ":commit\n") == text + out.len - 8);

    /* Each statement's list reads back: 500, 500 and 201 rows of {from, to}. */
    struct esc_cypher_reader r;
    esc_cypher_reader_init(&r, out.ptr, out.len);
    size_t want[] = {500, 500, 201};
    for (size_t k = 0; k < 3; k++) {
        const char *at = strstr(text + r.pos, "UNWIND [");
        struct cypher_out_read rd;
        r.pos = (size_t)(at - text) + 7;
        if (!EXPECT_OK(cypher_out_read_rows(&r, &rd))) {
            tap_note("at %zu: %s", r.bad, r.why);
            break;
        }
        EXPECT_INT(rd.nrows, want[k]);
        EXPECT_INT(rd.nentries, 2 * want[k]);
        EXPECT(esc_cypher_read_token(&r, " AS row"));
        /* Row 2 of each statement is row 500 * k + 2 of the table. */
        const struct cypher_out_entry *e = &rd.entries[rd.first[2]];
        struct buf lit = BUF_INIT(BUF_MAX_SMALL);
        const char *v = hostile[(500 * k + 2) % LT_ARRAY_SIZE(hostile)];
        EXPECT_OK(esc_cypher_string(&lit, v, strlen(v)));
        EXPECT_MEM(text + e->key, e->keylen, "from", 4);
        EXPECT_MEM(text + e->value, e->valuelen, lit.ptr, lit.len);
        EXPECT_INT(e->kind, ESC_CYPHER_STRING);
        buf_release(&lit);
        cypher_out_read_release(&rd);
    }
    /* No rows: nothing at all. */
    struct cypher_out_rows none = {hostile_rel, NULL, 0};
    buf_reset(&out);
    EXPECT_OK(cypher_out_table(&s, &t, &none, &err));
    EXPECT_INT(out.len, 0);
    buf_release(&out);
    tmpl_release(&t);
    lt_error_release(&err);
}

static void test_node_literal_and_read(void)
{
    struct model_value v[TAG_PROP_COUNT] = {{0}};
    char id[] = "env:prod", key[] = "env";
    v[TAG_ID] = (struct model_value){.present = true, .str = id, .len = 8};
    v[TAG_KEY] = (struct model_value){.present = true, .str = key, .len = 3};
    struct buf b = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(cypher_out_node_literal(&b, &schema_nodes[SCHEMA_NODE_TAG], v));
    EXPECT_STR(buf_str(&b), "{id: 'env:prod', key: 'env'}");

    char sg1[] = "sg-1", sg2[] = "sg-'2";
    char *items[] = {sg1, sg2};
    struct model_value arr = {.present = true, .items = items, .nitems = 2};
    struct model_value num = {.present = true, .num = INT64_MIN};
    buf_reset(&b);
    EXPECT_OK(cypher_out_value_literal(&b, SCHEMA_STRING_ARRAY, &arr));
    EXPECT_OK(buf_adds(&b, " "));
    EXPECT_OK(cypher_out_value_literal(&b, SCHEMA_LONG, &num));
    EXPECT_STR(buf_str(&b), "['sg-1', 'sg-\\'2'] (-9223372036854775807 - 1)");

    static const char list[] = "[\n  {a: 1, b: ['x', 'y'], c: true},\n  {},\n  {d: 'z'}\n] AS row";
    struct esc_cypher_reader r;
    struct cypher_out_read rd;
    esc_cypher_reader_init(&r, list, sizeof(list) - 1);
    EXPECT_OK(cypher_out_read_rows(&r, &rd));
    EXPECT_INT(rd.nrows, 3);
    EXPECT_INT(rd.first[1] - rd.first[0], 3);
    EXPECT_INT(rd.first[2] - rd.first[1], 0);
    EXPECT_INT(rd.first[3] - rd.first[2], 1);
    EXPECT_INT(rd.entries[1].kind, ESC_CYPHER_STRING_LIST);
    EXPECT_INT(rd.entries[2].kind, ESC_CYPHER_BOOL);
    EXPECT_STR(list + r.pos, " AS row");
    cypher_out_read_release(&rd);
    buf_release(&b);
}

static void test_read_refused(void)
{
    static const struct {
        const char *text;
        size_t bad;
        const char *why;
    } cases[] = {
        {"[{a: 1}]", 0, "not a list of rows (\"[\" and a line break)"},
        {"[\n{a: 1}\n]", 2, "a row that does not start a line with two spaces"},
        {"[\n  {a: 1}]", 10, "a row not followed by \",\" or the end of the list"},
        {"[\n  {a: 1},\n]", 12, "a row that does not start a line with two spaces"},
        {"[\n  {a: 01}\n]", 8, "not an integer literal as ltsnap writes it"},
        {"[\n  {a: 'x}\n]", 11, "a character ltsnap escapes written as it is"},
        {"[\n  {a: 1, a b: 2}\n]", 12, "a map key that is not a plain name followed by \": \""},
        {"[\n  {a: null}\n]", 8, "not an integer literal as ltsnap writes it"},
        {"[\n  {a: 1}", 10, "a row not followed by \",\" or the end of the list"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct esc_cypher_reader r;
        struct cypher_out_read rd;
        tap_note("refused rows %zu", i);
        esc_cypher_reader_init(&r, cases[i].text, strlen(cases[i].text));
        EXPECT_INT(cypher_out_read_rows(&r, &rd), LT_E_INPUT);
        EXPECT_INT(r.pos, 0);
        EXPECT_INT(r.bad, cases[i].bad);
        EXPECT_STR(r.why, cases[i].why);
        EXPECT(rd.entries == NULL && rd.first == NULL && rd.nrows == 0);
    }
}

/* A row the way cypher_out_node_literal wrote it before keys were checked once per table:
 * a map key then a value literal for each present property. */
static enum lt_rc node_literal_before(struct buf *b, const struct schema_node *n,
                                      const struct model_value *values)
{
    bool first = true;
    for (size_t i = 0; i < n->nprops; i++) {
        if (!values[i].present) {
            continue;
        }
        LT_TRY(esc_cypher_map_key(b, first, n->props[i].name));
        LT_TRY(cypher_out_value_literal(b, n->props[i].type, &values[i]));
        first = false;
    }
    return first ? buf_adds(b, "{}") : esc_cypher_map_end(b);
}

/* Hostile values (mutable: struct model_value holds char *), with their lengths. */
#define ROW(text)                                                                                  \
    {                                                                                              \
        text, sizeof(text) - 1                                                                     \
    }
static struct {
    char text[96];
    size_t len;
} row_strings[] = {
    ROW(""),
    ROW("us-east-1"),
    ROW("it's"),
    ROW("a\\b"),
    ROW("line\nbreak"),
    ROW("\xe2\x80\xa8"),
    ROW("caf\xc3\xa9"),
    ROW("bad \xff"),
    ROW("nul \0 inside"),
    ROW("{\"BlockDeviceMappings\":[{\"DeviceName\":\"/dev/xvda\"}],\"ImageId\":\"ami-0123\"}"),
};
static char sg_ok[] = "sg-'2", sg_bad[] = "sg-\xc0\xa7", sg_1[] = "sg-1";
static char *row_items_ok[] = {sg_1, sg_ok};
static char *row_items_bad[] = {sg_1, sg_bad};

/* Random values for every property of node n: absent, hostile strings, ints, bools, lists. */
static void random_row(uint64_t *state, const struct schema_node *n, struct model_value *v)
{
    for (size_t i = 0; i < n->nprops; i++) {
        uint64_t r = test_random(state);
        v[i] = (struct model_value){.present = r % 5 != 0};
        size_t k = (r >> 8) % LT_ARRAY_SIZE(row_strings);
        v[i].str = row_strings[k].text;
        v[i].len = row_strings[k].len;
        v[i].num = (int64_t)(r >> 3) * ((r >> 20) % 2 ? 1 : -1);
        v[i].flag = (r >> 30) & 1;
        v[i].items = (r >> 31) & 1 ? row_items_ok : row_items_bad;
        v[i].nitems = (r >> 32) % 3;
    }
}

/* Node rows give the same bytes and codes as before, also at any buffer limit. */
static void test_node_rows_as_before(void)
{
    uint64_t state = 0x2545F4914F6CDD1Du;
    size_t differences = 0, refused = 0;
    struct model_value v[VERSION_PROP_COUNT];
    for (int i = 0; i < 20000; i++) {
        const struct schema_node *n = &schema_nodes[i % SCHEMA_NODE_COUNT];
        random_row(&state, n, v);
        uint64_t r = test_random(&state);
        size_t max = r % 2 ? BUF_MAX_SMALL : (size_t)(r >> 8) % 600;
        struct buf want = BUF_INIT(max), got = BUF_INIT(max);
        enum lt_rc rc_want = node_literal_before(&want, n, v);
        enum lt_rc rc_got = cypher_out_node_literal(&got, n, v);
        refused += rc_want == LT_E_INPUT;
        if (rc_want != rc_got || want.len != got.len || (want.ptr == NULL) != (got.ptr == NULL) ||
            memcmp(buf_str(&want), buf_str(&got), want.len) != 0) {
            differences++;
        }
        buf_release(&want);
        buf_release(&got);
    }
    tap_note("node rows: 20000 compared, %zu refused", refused);
    EXPECT(refused > 1000);
    EXPECT_INT(differences, 0);
}

static const char *const scope_regions[] = {"us-east-1", "eu-west-1"};

/* The rows list around no row, one row and two rows. */
static void test_rows_layout(void)
{
    struct tmpl t;
    tmpl_from(&t, "s.cypher", "UNWIND {{scopes}} AS s;\n");
    const struct cypher_out_scope scopes[] = {{"1", scope_regions, 2}, {"2", scope_regions, 0}};
    static const char *const want[] = {
        ":begin\nUNWIND [\n] AS s;\n:commit\n",
        ":begin\nUNWIND [\n  {account_id: '1', regions: ['us-east-1', 'eu-west-1']}\n] AS s;\n"
        ":commit\n",
        ":begin\nUNWIND [\n  {account_id: '1', regions: ['us-east-1', 'eu-west-1']},\n"
        "  {account_id: '2', regions: []}\n] AS s;\n:commit\n",
    };
    for (size_t n = 0; n < LT_ARRAY_SIZE(want); n++) {
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        struct lt_error err = LT_ERROR_INIT;
        struct cypher_out_sink s = {buf_sink, &out, 0};
        EXPECT_OK(cypher_out_scoped(&s, &t, scopes, n, &err));
        EXPECT_STR(buf_str(&out), want[n]);
        buf_release(&out);
        lt_error_release(&err);
    }
    tmpl_release(&t);
}

/* ---- the row observer ---- */

/* Node tables, then relationship tables: the order the observer sees them in. */
#define TABLES ((size_t)SCHEMA_NODE_COUNT + SCHEMA_REL_COUNT)

static size_t table_rows(const struct model *m, size_t t)
{
    return t < SCHEMA_NODE_COUNT ? m->nnodes[t] : m->nrels[t - SCHEMA_NODE_COUNT];
}

/*
 * An observer that checks every call against the row expected next (tables
 * without rows skipped) and against the row as a reader of its own reads it.
 */
struct watcher {
    const struct model *m;
    struct model_reader *own;
    size_t table, row; /* the row expected next */
    size_t calls, wrong;
    size_t fail_at; /* the call that fails (LT_E_IO), or SIZE_MAX */
};

/* Counts a call for (table, i) that is not the row expected next; true when the call fails. */
static bool watch(struct watcher *w, size_t table, size_t i)
{
    while (w->table < TABLES && w->row >= table_rows(w->m, w->table)) {
        w->table++;
        w->row = 0;
    }
    w->wrong += table != w->table || i != w->row;
    w->row++;
    return w->calls++ == w->fail_at;
}

static enum lt_rc watch_node(void *ctx, enum schema_node_kind k, size_t i,
                             const struct model_value *values, struct lt_error *err)
{
    struct watcher *w = ctx;
    if (watch(w, (size_t)k, i)) {
        return lt_fail(err, LT_E_IO, "observer stops at call %zu", w->calls - 1);
    }
    const struct model_value *want;
    if (model_read_node(w->own, k, i, &want, err) != LT_OK) {
        return LT_E_INTERNAL;
    }
    w->wrong += strcmp(values[0].str, want[0].str) != 0; /* the id */
    return LT_OK;
}

static enum lt_rc watch_rel(void *ctx, enum schema_rel_kind k, size_t i,
                            const struct model_rel *rel, struct lt_error *err)
{
    struct watcher *w = ctx;
    if (watch(w, SCHEMA_NODE_COUNT + (size_t)k, i)) {
        return lt_fail(err, LT_E_IO, "observer stops at call %zu", w->calls - 1);
    }
    struct model_rel want;
    if (model_read_rel(w->own, k, i, &want, err) != LT_OK) {
        return LT_E_INTERNAL;
    }
    w->wrong += strcmp(rel->from, want.from) != 0 || strcmp(rel->to, want.to) != 0;
    return LT_OK;
}

/* snapshot.cypher and post-import.cypher of m into a snapdir beside target; NULL: no observer. */
static enum lt_rc write_scripts(const char *target, const struct model *m, struct watcher *w,
                                char **snapshot, size_t *nfiles, struct lt_error *err)
{
    struct snapdir d;
    if (!EXPECT_OK(snapdir_begin(&d, target, err))) {
        return err->code;
    }
    const struct cypher_out_options opts = {"templates", true, 1700000000};
    struct cypher_out_observer observer = {watch_node, watch_rel, w};
    enum lt_rc rc = cypher_out_write(&d, m, &opts, w ? &observer : NULL, err);
    *nfiles = d.nfiles;
    *snapshot = NULL;
    if (rc == LT_OK) {
        size_t len;
        *snapshot = testsnap_read(d.tmp.path, CYPHER_OUT_SNAPSHOT, &len);
    } else {
        EXPECT(!fsx_exists(testfs_path(d.tmp.path, CYPHER_OUT_SNAPSHOT), NULL));
    }
    snapdir_abort(&d);
    return rc;
}

/*
 * The observer sees every row once, in table and row order, with the
 * values a reader of its own reads; tables without rows (no tags here) are
 * not seen; the script is the same with or without it. Rows in memory and
 * spilled; 1,200 versions span three statements.
 */
static void test_observer_sees_each_row_once(const char *scratch, size_t row_memory)
{
    tap_note("observer, rows %s", row_memory == 1 ? "spilled" : "in memory");
    struct model m;
    const struct testmodel_spec spec = {30, 40, false, row_memory, TESTMODEL_NO_BAD_VERSION};
    testmodel_build(&m, &spec);
    EXPECT_INT(model_spilled(&m), row_memory == 1);
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TAG], 0);
    size_t rows = 0;
    for (size_t t = 0; t < TABLES; t++) {
        rows += table_rows(&m, t);
    }
    struct watcher w = {&m, model_reader_new(&m), 0, 0, 0, 0, SIZE_MAX};
    struct lt_error err = LT_ERROR_INIT;
    char *with = NULL, *without = NULL;
    size_t nfiles = 0;
    char *target = testfs_join(scratch, "/snap");
    EXPECT_OK(write_scripts(target, &m, &w, &with, &nfiles, &err));
    EXPECT_INT(nfiles, 2);
    EXPECT_INT(w.calls, rows);
    EXPECT_INT(w.wrong, 0);
    EXPECT(rows > 2 * 1200);
    EXPECT_OK(write_scripts(target, &m, NULL, &without, &nfiles, &err));
    EXPECT(with && without && strcmp(with, without) == 0);
    EXPECT(!fsx_exists(target, NULL));
    mem_free(target);
    mem_free(with);
    mem_free(without);
    model_reader_free(w.own);
    lt_error_release(&err);
    model_release(&m);
}

/* An observer's failure ends the script with its error: no later row seen, no script kept. */
static void test_observer_failure(const char *scratch)
{
    struct model m;
    const struct testmodel_spec spec = {30, 40, true, 1, TESTMODEL_NO_BAD_VERSION};
    testmodel_build(&m, &spec);
    /* Call 700 is version 669: the middle of the second statement of the version table. */
    struct watcher w = {&m, model_reader_new(&m), 0, 0, 0, 0, 700};
    struct lt_error err = LT_ERROR_INIT;
    char *script = NULL;
    size_t nfiles = 0;
    EXPECT_INT(write_scripts(testfs_path(scratch, "snap"), &m, &w, &script, &nfiles, &err),
               LT_E_IO);
    EXPECT_STR(lt_error_message(&err), "observer stops at call 700");
    EXPECT_INT(w.calls, 701);
    EXPECT_INT(w.wrong, 0);
    EXPECT_INT(nfiles, 0);
    EXPECT(script == NULL);
    model_reader_free(w.own);
    lt_error_release(&err);
    model_release(&m);
}

int main(void)
{
    char scratch[256];
    testfs_scratch(scratch, sizeof(scratch), "cypher-out");
    test_observer_sees_each_row_once(scratch, 0);
    test_observer_sees_each_row_once(scratch, 1);
    test_observer_failure(scratch);
    testfs_remove(scratch);
    test_table_batches();
    test_node_literal_and_read();
    test_node_rows_as_before();
    test_rows_layout();
    test_read_refused();
    return tap_done();
}
