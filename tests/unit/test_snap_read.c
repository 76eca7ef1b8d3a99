/*
 * Unit tests for snap/read: CSV text back to header and fields (absent told
 * apart from "", quotes and line breaks kept), typed values, the row index,
 * and whole snapshots (a golden snapshot loads; a changed byte is refused).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/mem.h"
#include "snap/read.h"
#include "tap.h"
#include "testfs.h"
#include "testsnap.h"

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

static void test_header_and_values(void)
{
    static const char text[] = "id:ID(AWSTag),:LABEL,key,value\n"
                               "\"a:b\",\"AWSTag\x1fTag\",\"a\",\"b\"\n";
    struct snap_table t;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(snap_table_parse(&t, "nodes-aws-tag.csv", text, sizeof(text) - 1, &err));
    EXPECT(snap_table_header_is(&t, "id:ID(AWSTag),:LABEL,key,value"));
    EXPECT(!snap_table_header_is(&t, "id:ID(AWSTag),:LABEL,key"));
    EXPECT(!snap_table_header_is(&t, "id:ID(AWSTag),:LABEL,key,value,x"));
    EXPECT(!snap_table_header_is(&t, "id:ID(AWSTag),:LABEL,key,value:long"));
    EXPECT(!snap_table_header_is(&t, "id:ID(AWSTags),:LABEL,key,value"));
    EXPECT(!snap_table_header_is(&t, "id,:LABEL,key,value"));

    struct model_value v[TAG_PROP_COUNT];
    EXPECT_OK(snap_row_values(&t, SCHEMA_NODE_TAG, 0, v, &err));
    EXPECT(v[TAG_ID].present && v[TAG_ID].len == 3 && strcmp(v[TAG_ID].str, "a:b") == 0);
    EXPECT_STR(v[TAG_VALUE].str, "b");
    snap_row_values_release(v, TAG_PROP_COUNT);
    snap_table_release(&t);

    EXPECT(snap_valid_value(SCHEMA_STRING, "", 0));
    EXPECT(!snap_valid_value(SCHEMA_STRING, "a\0b", 3));
    EXPECT(!snap_valid_value(SCHEMA_STRING, "\xff", 1));
    EXPECT(snap_valid_value(SCHEMA_STRING_ARRAY,
                            "a\x1f"
                            "b",
                            3));
    EXPECT(!snap_valid_value(SCHEMA_STRING_ARRAY, "a\x1f", 2));
    EXPECT(!snap_valid_value(SCHEMA_STRING_ARRAY,
                             "\x1f"
                             "a",
                             2));
    EXPECT(!snap_valid_value(SCHEMA_STRING_ARRAY, "", 0));
    EXPECT(snap_valid_value(SCHEMA_LONG, "-3", 2));
    EXPECT(!snap_valid_value(SCHEMA_LONG, "3.0", 3));
    EXPECT(snap_valid_value(SCHEMA_BOOLEAN, "false", 5));
    EXPECT(!snap_valid_value(SCHEMA_BOOLEAN, "no", 2));
    EXPECT_STR(schema_type_name(SCHEMA_STRING_ARRAY), "string[]");
    EXPECT_INT(snap_node_column(0), 0);
    EXPECT_INT(snap_node_column(1), 2);
    lt_error_release(&err);
}

/* Typed rows of the golden versions: arrays split, a bad long named in the error. */
static void test_row_values(void)
{
    struct snap s;
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(snap_load(&s, GOLDEN, &err))) {
        return;
    }
    const struct snap_table *t = &s.nodes[SCHEMA_NODE_VERSION];
    struct model_value v[VERSION_PROP_COUNT];
    EXPECT_OK(snap_row_values(t, SCHEMA_NODE_VERSION, 2, v, &err));
    EXPECT_STR(v[VERSION_ID].str, "lt-0a1b2c3d4e5f60001-3");
    EXPECT_INT(v[VERSION_SECURITY_GROUP_IDS].nitems, 2);
    EXPECT_STR(v[VERSION_SECURITY_GROUP_IDS].items[1], "sg-0fedcba9876543210");
    EXPECT(v[VERSION_VERSION_NUMBER].present && v[VERSION_VERSION_NUMBER].num == 3);
    EXPECT(v[VERSION_DEFAULT_VERSION].present && !v[VERSION_DEFAULT_VERSION].flag);
    EXPECT(!v[VERSION_KERNEL_ID].present);
    snap_row_values_release(v, VERSION_PROP_COUNT);

    static const char bad[] = "id:ID(AWSLaunchTemplate),:LABEL,launch_template_id,name,create_time,"
                              "created_by,default_version_number:long,latest_version_number:long,"
                              "region\n\"lt-1\",,,,,,2,x3,\n";
    struct snap_table b;
    struct model_value tv[TEMPLATE_PROP_COUNT];
    EXPECT_OK(snap_table_parse(&b, "nodes-aws-launch-template.csv", bad, sizeof(bad) - 1, &err));
    EXPECT_INT(snap_row_values(&b, SCHEMA_NODE_TEMPLATE, 0, tv, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err), "'nodes-aws-launch-template.csv': AWSLaunchTemplate 'lt-1': "
                                       "latest_version_number is not a valid long value");
    snap_row_values_release(tv, TEMPLATE_PROP_COUNT);
    snap_table_release(&b);

    /* A pair index finds a relationship by start and end. */
    struct snap_index ix;
    const struct snap_table *tagged = &s.rels[SCHEMA_REL_TEMPLATE_TAG];
    snap_index_build_pair(&ix, tagged, 0, 1);
    size_t row = snap_index_find_pair(&ix, "lt-0a1b2c3d4e5f60001", 20, "env:prod", 8);
    EXPECT(row != SIZE_MAX && snap_table_equals(tagged, row, 1, "env:prod"));
    EXPECT_INT(snap_index_find_pair(&ix, "lt-0a1b2c3d4e5f60002", 20, "env:prod", 8), SIZE_MAX);
    EXPECT(snap_index_find(&ix, "lt-0a1b2c3d4e5f60002", 20) != SIZE_MAX);
    snap_index_release(&ix);
    snap_index_build(&ix, tagged, 0);
    EXPECT_INT(snap_index_find_pair(&ix, "lt-0a1b2c3d4e5f60001", 20, "env:prod", 8), SIZE_MAX);
    snap_index_release(&ix);
    snap_release(&s);
    lt_error_release(&err);
}

/* A FIFO where a file should be is refused at once, not read (that would block). */
static void test_not_regular(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "snapfifo");
    testsnap_copy(GOLDEN, dir);
    remove(testfs_path(dir, "rels-version.csv"));
    EXPECT_INT(mkfifo(testfs_path(dir, "rels-version.csv"), 0644), 0);
    struct snap s;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(snap_load(&s, dir, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "rels-version.csv': not a regular file") != NULL);
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
    test_header_and_values();
    test_row_values();
    test_not_regular();
    return tap_done();
}
