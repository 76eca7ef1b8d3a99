/*
 * Unit tests for snap/read: CSV text back to header and fields (absent told
 * apart from "", quotes and line breaks kept), typed values, the row index,
 * and whole snapshots (a golden snapshot loads; a changed byte is refused).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/mem.h"
#include "snap/read.h"
#include "tap.h"
#include "testfs.h"

#define GOLDEN "tests/golden/basic-xml/expected"

static void test_table(void)
{
    static const char text[] = "id:ID(AWSTag),:LABEL,n:long,flags:string[],note\n"
                               "\"b\",\"AWSTag\",2,\"x\x1fy\",\"\"\n"
                               "\"a\",\"AWSTag\",,,\"line\nbreak, \"\"quoted\"\"\"\n";
    struct snap_table t;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(snap_table_parse(&t, "nodes-x.csv", text, sizeof(text) - 1, &err));
    EXPECT_INT(t.ncols, 5);
    EXPECT_INT(t.nrows, 2);
    EXPECT_STR(t.cols[0].name, "id");
    EXPECT_STR(t.cols[0].type, "ID(AWSTag)");
    EXPECT_STR(t.cols[1].name, "");
    EXPECT_STR(t.cols[1].type, "LABEL");
    EXPECT_STR(t.cols[3].type, "string[]");
    EXPECT_STR(t.cols[4].type, "");
    EXPECT_INT(snap_table_column(&t, "flags"), 3);
    EXPECT_INT(snap_table_column(&t, "missing"), SIZE_MAX);
    EXPECT_INT(snap_table_header_column(&t, "n:long"), 2);
    EXPECT_INT(snap_table_header_column(&t, ":LABEL"), 1);
    EXPECT_INT(snap_table_header_column(&t, "n"), SIZE_MAX);
    EXPECT_INT(snap_table_header_column(&t, "note"), 4);
    EXPECT(snap_table_field(&t, 0, 4)->present);
    EXPECT_INT(snap_table_field(&t, 0, 4)->len, 0);
    EXPECT(!snap_table_field(&t, 1, 2)->present);
    EXPECT_STR(snap_table_text(&t, 1, 2), "");
    EXPECT_STR(snap_table_text(&t, 0, 3), "x\x1fy");
    EXPECT_STR(snap_table_text(&t, 1, 4), "line\nbreak, \"quoted\"");
    EXPECT(snap_table_equals(&t, 1, 0, "a"));
    EXPECT(!snap_table_equals(&t, 1, 2, ""));

    struct snap_index ix;
    snap_index_build(&ix, &t, 0);
    EXPECT_INT(ix.rows[0], 1);
    EXPECT_INT(snap_index_find(&ix, "b", 1), 0);
    EXPECT_INT(snap_index_find(&ix, "a", 1), 1);
    EXPECT_INT(snap_index_find(&ix, "c", 1), SIZE_MAX);
    EXPECT_INT(snap_index_find(&ix, "", 0), SIZE_MAX);
    snap_index_release(&ix);
    snap_table_release(&t);
    lt_error_release(&err);
}

static void expect_refused(const char *text, const char *want_in_message)
{
    struct snap_table t;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(snap_table_parse(&t, "bad.csv", text, strlen(text), &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "'bad.csv'") != NULL);
    if (!EXPECT(strstr(lt_error_message(&err), want_in_message) != NULL)) {
        tap_note("message: %s", lt_error_message(&err));
    }
    EXPECT(t.name == NULL && t.fields == NULL);
    lt_error_release(&err);
}

static void test_refused(void)
{
    expect_refused("a,b\n\"1\",\"2\",\"3\"\n", "record 2 has 3 fields, the header has 2");
    expect_refused("a,b\n\"1\"\n", "record 2 has 1 fields");
    expect_refused("a\n\"unterminated\n", "not valid CSV");
    expect_refused("a\n\"x\"y\n", "not valid CSV");
    expect_refused("", "empty");
}

static void test_typed(void)
{
    int64_t v = 0;
    bool b = false;
    EXPECT(snap_parse_long("0", 1, &v) && v == 0);
    EXPECT(snap_parse_long("-42", 3, &v) && v == -42);
    EXPECT(snap_parse_long("9223372036854775807", 19, &v) && v == INT64_MAX);
    EXPECT(!snap_parse_long("9223372036854775808", 19, &v));
    EXPECT(!snap_parse_long("", 0, &v));
    EXPECT(!snap_parse_long("-", 1, &v));
    EXPECT(!snap_parse_long("+1", 2, &v));
    EXPECT(!snap_parse_long("01", 2, &v));
    EXPECT(!snap_parse_long("1 ", 2, &v));
    EXPECT(!snap_parse_long("1\0", 2, &v));
    EXPECT(snap_parse_bool("true", 4, &b) && b);
    EXPECT(snap_parse_bool("false", 5, &b) && !b);
    EXPECT(!snap_parse_bool("TRUE", 4, &b));
    EXPECT(!snap_parse_bool("1", 1, &b));
}

static void test_load(void)
{
    struct snap s;
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(snap_load(&s, GOLDEN, &err))) {
        tap_note("%s", lt_error_message(&err));
        return;
    }
    EXPECT_INT(s.nodes[SCHEMA_NODE_TEMPLATE].ncols, TEMPLATE_PROP_COUNT + 1);
    EXPECT(s.nodes[SCHEMA_NODE_VERSION].nrows > 0);
    EXPECT_INT(s.tombstones.ncols, schema_tombstone_ncolumns);
    EXPECT(snap_manifest_file(s.manifest, "rels-version.csv") != NULL);
    EXPECT(snap_manifest_file(s.manifest, "nope.csv") == NULL);
    EXPECT(snap_manifest_region(s.manifest, "123456789012", "us-east-1") != NULL);
    EXPECT(snap_manifest_region(s.manifest, "123456789012", "xx-east-9") == NULL);
    snap_release(&s);
    lt_error_release(&err);
}

/* A copy of the golden snapshot with one byte of one file changed is refused, naming the file. */
static void test_load_tampered(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "snapread");
    static const char *const names[] = {"manifest.json",
                                        "nodes-aws-account.csv",
                                        "nodes-aws-launch-template.csv",
                                        "nodes-aws-launch-template-version.csv",
                                        "nodes-aws-tag.csv",
                                        "rels-resource-aws-launch-template.csv",
                                        "rels-resource-aws-launch-template-version.csv",
                                        "rels-version.csv",
                                        "rels-tagged.csv",
                                        "tombstones.csv"};
    struct lt_error err = LT_ERROR_INIT;
    for (size_t i = 0; i < LT_ARRAY_SIZE(names); i++) {
        struct buf text = BUF_INIT(BUF_MAX_LARGE);
        EXPECT_OK(snap_read_file(GOLDEN, names[i], &text, &err));
        if (strcmp(names[i], "rels-version.csv") == 0) {
            text.ptr[text.len - 3] ^= 1; /* inside the last quoted id */
        }
        testfs_put(dir, names[i], buf_str(&text), 0644);
        buf_release(&text);
    }
    struct snap s;
    EXPECT_INT(snap_load(&s, dir, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "rels-version.csv") != NULL);
    EXPECT(strstr(lt_error_message(&err), "ltsnap verify") != NULL);
    EXPECT(s.manifest == NULL);

    lt_error_clear(&err);
    testfs_put(dir, "manifest.json", "{\"format\":\"something-else\"}", 0644);
    EXPECT_INT(snap_load(&s, dir, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "not an ltsnap snapshot manifest") != NULL);
    lt_error_clear(&err);
    testfs_put(dir, "manifest.json", "[1,", 0644);
    EXPECT_INT(snap_load(&s, dir, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "not a JSON object") != NULL);
    testfs_remove(dir);
    lt_error_release(&err);
}

int main(void)
{
    test_table();
    test_refused();
    test_typed();
    test_load();
    test_load_tampered();
    return tap_done();
}
