/* Unit tests for aws/shape: the generated tables, scalar conversion, AWS CLI JSON normalisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/shape.h"
#include "base/buf.h"
#include "base/json.h"
#include "tap.h"

/* ---- the generated tables ---------------------------------------------------------------- */

static int table_bad(const char *model, const char *shape, const char *what)
{
    tap_note("%s: shape '%s': %s", model, shape, what);
    return 1;
}

static int check_structure(const struct shape_model *m, const struct shape *s)
{
    int bad = 0;
    if (s->nmembers && (!s->members || !s->by_name)) {
        return table_bad(m->service, s->name, "members or by_name missing");
    }
    bool seen[256] = {false};
    if (s->nmembers > LT_ARRAY_SIZE(seen) || s->item_xml_name) {
        return table_bad(m->service, s->name, "too many members or an item name");
    }
    for (size_t j = 0; j < s->nmembers; j++) {
        const struct shape_member *mem = &s->members[j];
        if (mem->shape >= m->nshapes) {
            bad += table_bad(m->service, s->name, "member shape index out of range");
        }
        if (j > 0 && strcmp(s->members[j - 1].xml_name, mem->xml_name) >= 0) {
            bad += table_bad(m->service, s->name, "members not sorted by xml_name");
        }
        uint16_t k = s->by_name[j];
        if (k >= s->nmembers || seen[k]) {
            bad += table_bad(m->service, s->name, "by_name is not a permutation");
            continue;
        }
        seen[k] = true;
        if (j > 0 && strcmp(s->members[s->by_name[j - 1]].name, s->members[k].name) >= 0) {
            bad += table_bad(m->service, s->name, "by_name not sorted by name");
        }
        if (shape_member_by_xml_name(m, s, mem->xml_name) != mem ||
            shape_member_by_name(m, s, mem->name) != mem) {
            bad += table_bad(m->service, s->name, "lookup does not find a member");
        }
    }
    return bad;
}

static int check_shape(const struct shape_model *m, size_t i)
{
    const struct shape *s = &m->shapes[i];
    if (!s->name || (i > 0 && strcmp(m->shapes[i - 1].name, s->name) >= 0)) {
        return table_bad(m->service, s->name ? s->name : "?", "shapes not sorted by name");
    }
    switch (s->type) {
    case SHAPE_STRUCTURE:
        return check_structure(m, s);
    case SHAPE_LIST:
        if (!s->item_xml_name || s->item_shape >= m->nshapes || s->members || s->nmembers) {
            return table_bad(m->service, s->name, "bad list");
        }
        return 0;
    default:
        if (s->members || s->nmembers || s->by_name || s->item_xml_name) {
            return table_bad(m->service, s->name, "scalar with members");
        }
        return 0;
    }
}

static int check_operations(const struct shape_model *m, bool query)
{
    int bad = 0;
    for (size_t i = 0; i < m->noperations; i++) {
        const struct shape_operation *op = &m->operations[i];
        struct buf want = BUF_INIT(256);
        enum lt_rc rc = buf_printf(&want, "%sResponse", op->name);
        if (rc != LT_OK || strcmp(buf_str(&want), op->response_element) != 0 ||
            (i > 0 && strcmp(m->operations[i - 1].name, op->name) >= 0) ||
            op->output_shape >= m->nshapes || m->shapes[op->output_shape].type != SHAPE_STRUCTURE ||
            (op->result_element != NULL) != query || shape_find_operation(m, op->name) != op) {
            bad += table_bad(m->service, op->name, "bad operation");
        }
        buf_release(&want);
    }
    return bad;
}

static int check_model(const struct shape_model *m, bool query)
{
    int bad = 0;
    for (size_t i = 0; i < m->nshapes; i++) {
        bad += check_shape(m, i);
    }
    return bad + check_operations(m, query);
}

static const struct shape *find_shape(const struct shape_model *m, const char *name,
                                      uint16_t *index)
{
    for (size_t i = 0; i < m->nshapes; i++) {
        if (strcmp(m->shapes[i].name, name) == 0) {
            if (index) {
                *index = (uint16_t)i;
            }
            return &m->shapes[i];
        }
    }
    tap_note("no shape '%s'", name);
    return NULL;
}

static void test_tables(void)
{
    EXPECT_INT(check_model(&ec2_shape_model, false), 0);
    EXPECT_INT(check_model(&sts_shape_model, true), 0);
    EXPECT_STR(ec2_shape_model.service, "ec2");
    EXPECT_STR(ec2_shape_model.api_version, "2016-11-15");
    EXPECT(strncmp(ec2_shape_model.model_source, "botocore ", 9) == 0);
    EXPECT_STR(sts_shape_model.api_version, "2011-06-15");
    EXPECT_INT(ec2_shape_model.noperations, 3);
    EXPECT_INT(sts_shape_model.noperations, 3);
    EXPECT_STR(ec2_shape_model.operations[0].name, "DescribeLaunchTemplateVersions");
    EXPECT_STR(ec2_shape_model.operations[1].name, "DescribeLaunchTemplates");
    EXPECT_STR(ec2_shape_model.operations[2].name, "DescribeRegions");
    EXPECT(shape_find_operation(&ec2_shape_model, "RunInstances") == NULL);
    EXPECT(shape_find_operation(&ec2_shape_model, "") == NULL);
    const struct shape_operation *op = shape_find_operation(&sts_shape_model, "AssumeRole");
    EXPECT(op && op->result_element && strcmp(op->result_element, "AssumeRoleResult") == 0);

    const struct shape *data = find_shape(&ec2_shape_model, "ResponseLaunchTemplateData", NULL);
    EXPECT(data != NULL);
    if (data) {
        EXPECT_INT(data->nmembers >= 31, 1);
        const struct shape_member *mem =
            shape_member_by_xml_name(&ec2_shape_model, data, "ramDiskId");
        EXPECT(mem && strcmp(mem->name, "RamDiskId") == 0);
        mem = shape_member_by_name(&ec2_shape_model, data, "SecurityGroups");
        EXPECT(mem && strcmp(mem->xml_name, "securityGroupSet") == 0);
        EXPECT(shape_member_by_xml_name(&ec2_shape_model, data, "RamDiskId") == NULL);
        EXPECT(shape_member_by_name(&ec2_shape_model, data, "ramDiskId") == NULL);
        EXPECT(shape_member_by_name(&ec2_shape_model, data, "") == NULL);
    }
    const struct shape *groups = find_shape(&ec2_shape_model, "GroupIdStringList", NULL);
    EXPECT(groups && strcmp(groups->item_xml_name, "groupId") == 0);
    const struct shape *tags = find_shape(&ec2_shape_model, "TagList", NULL);
    EXPECT(tags && strcmp(tags->item_xml_name, "item") == 0);
    /* Enums are plain strings. */
    const struct shape *itype = find_shape(&ec2_shape_model, "InstanceType", NULL);
    EXPECT(itype && itype->type == SHAPE_STRING);
    /* A lookup on a non-structure finds nothing. */
    EXPECT(shape_member_by_name(&ec2_shape_model, groups, "x") == NULL);
}

/* ---- scalars from text ------------------------------------------------------------------- */

static void expect_scalar(enum shape_type type, const char *text, const char *want)
{
    cJSON *v = NULL;
    struct lt_error err = LT_ERROR_INIT;
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(shape_scalar_from_text(type, text, text ? strlen(text) : 0, &v, &err));
    if (v) {
        EXPECT_OK(json_canonical(v, &out));
    }
    EXPECT_STR(buf_str(&out), want);
    cJSON_Delete(v);
    buf_release(&out);
    lt_error_release(&err);
}

static void expect_scalar_fail(enum shape_type type, const char *text, size_t len, enum lt_rc code,
                               const char *msg)
{
    cJSON *v = NULL;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(shape_scalar_from_text(type, text, len, &v, &err), code);
    EXPECT(v == NULL);
    EXPECT_STR(lt_error_message(&err), msg);
    lt_error_release(&err);
}

static void test_scalars(void)
{
    expect_scalar(SHAPE_STRING, "a \"b\" \xE2\x80\xA8", "\"a \\\"b\\\" \xE2\x80\xA8\"");
    expect_scalar(SHAPE_STRING, NULL, "\"\"");
    expect_scalar(SHAPE_BLOB, "aGk=", "\"aGk=\"");
    expect_scalar(SHAPE_BOOLEAN, "true", "true");
    expect_scalar(SHAPE_BOOLEAN, "false", "false");
    expect_scalar(SHAPE_INTEGER, "0", "0");
    expect_scalar(SHAPE_INTEGER, "-17", "-17");
    expect_scalar(SHAPE_INTEGER, "007", "7");
    expect_scalar(SHAPE_LONG, "4294967297", "4294967297");
    expect_scalar(SHAPE_LONG, "-2147483649", "-2147483649");
    expect_scalar(SHAPE_DOUBLE, "0.5", "0.5");
    expect_scalar(SHAPE_DOUBLE, "-2.25E-1", "-0.225");
    expect_scalar(SHAPE_DOUBLE, "1e3", "1000");
    expect_scalar(SHAPE_DOUBLE, "12", "12");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12T06:27:52.000Z", "\"2021-10-12T06:27:52.000Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12T06:27:52Z", "\"2021-10-12T06:27:52.000Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12T06:27:52+00:00", "\"2021-10-12T06:27:52.000Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12T06:27:52.123456+00:00",
                  "\"2021-10-12T06:27:52.123Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12T08:27:52.5+02:00", "\"2021-10-12T06:27:52.500Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2021-10-12 06:27:52-0130", "\"2021-10-12T07:57:52.000Z\"");
    expect_scalar(SHAPE_TIMESTAMP, "2024-02-29T23:59:59.999Z", "\"2024-02-29T23:59:59.999Z\"");

    expect_scalar_fail(SHAPE_BOOLEAN, "True", 4, LT_E_INPUT, "invalid boolean 'True'");
    expect_scalar_fail(SHAPE_BOOLEAN, NULL, 0, LT_E_INPUT, "invalid boolean ''");
    expect_scalar_fail(SHAPE_INTEGER, "1.5", 3, LT_E_INPUT, "invalid integer '1.5'");
    expect_scalar_fail(SHAPE_INTEGER, "+1", 2, LT_E_INPUT, "invalid integer '+1'");
    expect_scalar_fail(SHAPE_INTEGER, " 1", 2, LT_E_INPUT, "invalid integer ' 1'");
    expect_scalar_fail(SHAPE_INTEGER, "-", 1, LT_E_INPUT, "invalid integer '-'");
    expect_scalar_fail(SHAPE_LONG, "9007199254740993", 16, LT_E_INPUT,
                       "integer '9007199254740993' out of range");
    /* -2^53 is the smallest exact integer (checked on the value: cJSON prints it in %g form). */
    cJSON *edge = NULL;
    struct lt_error edge_err = LT_ERROR_INIT;
    EXPECT_OK(shape_scalar_from_text(SHAPE_LONG, "-9007199254740992", 17, &edge, &edge_err));
    EXPECT(edge && edge->valuedouble == -9007199254740992.0);
    cJSON_Delete(edge);
    lt_error_release(&edge_err);
    expect_scalar_fail(SHAPE_DOUBLE, "inf", 3, LT_E_INPUT, "invalid number 'inf'");
    expect_scalar_fail(SHAPE_DOUBLE, "nan", 3, LT_E_INPUT, "invalid number 'nan'");
    expect_scalar_fail(SHAPE_DOUBLE, "0x10", 4, LT_E_INPUT, "invalid number '0x10'");
    expect_scalar_fail(SHAPE_DOUBLE, "1e999", 5, LT_E_INPUT, "invalid number '1e999'");
    expect_scalar_fail(SHAPE_DOUBLE, "--1", 3, LT_E_INPUT, "invalid number '--1'");
    expect_scalar_fail(SHAPE_DOUBLE, ".", 1, LT_E_INPUT, "invalid number '.'");
    expect_scalar_fail(SHAPE_TIMESTAMP, "2021-10-12", 10, LT_E_INPUT,
                       "invalid timestamp '2021-10-12'");
    expect_scalar_fail(SHAPE_TIMESTAMP, "1634020072", 10, LT_E_INPUT,
                       "invalid timestamp '1634020072'");
    expect_scalar_fail(SHAPE_TIMESTAMP, "0000-01-01T00:00:00+00:01", 25, LT_E_INPUT,
                       "timestamp outside the years 0000-9999");
    expect_scalar_fail(SHAPE_STRING, "a\0b", 3, LT_E_INPUT, "value contains a NUL character");
    expect_scalar_fail(SHAPE_STRING, "ok\xC3(", 4, LT_E_INPUT,
                       "invalid UTF-8 at byte 2 of a value");
    expect_scalar_fail(SHAPE_STRUCTURE, "x", 1, LT_E_INTERNAL, "shape type 0 is not a scalar");
    /* Long bad values are quoted in part, cut at a character boundary. */
    char longbool[80];
    memset(longbool, 'x', sizeof(longbool));
    memcpy(longbool + 62, "\xE2\x82\xAC", 3);
    expect_scalar_fail(
        SHAPE_BOOLEAN, longbool, sizeof(longbool), LT_E_INPUT,
        "invalid boolean 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "...'");
    /* 1 MiB is the most one value may hold. */
    size_t big = 1024 * 1024 + 1;
    char *text = malloc(big);
    memset(text, 'a', big);
    expect_scalar_fail(SHAPE_STRING, text, big, LT_E_LIMIT, "value longer than 1048576 bytes");
    cJSON *v = NULL;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(shape_scalar_from_text(SHAPE_STRING, text, big - 1, &v, &err));
    EXPECT_INT(v ? strlen(v->valuestring) : 0, big - 1);
    cJSON_Delete(v);
    lt_error_release(&err);
    free(text);
}

/* ---- JSON in AWS CLI form ---------------------------------------------------------------- */

/* Converts json against the named shape; *out gets canonical JSON or the error message. */
static enum lt_rc convert(const struct shape_model *m, const char *shape_name, const char *json,
                          struct buf *out)
{
    uint16_t index = 0;
    if (!find_shape(m, shape_name, &index)) {
        return LT_E_INTERNAL;
    }
    cJSON *in = cJSON_Parse(json);
    if (!in) {
        tap_note("test JSON does not parse: %s", json);
        return LT_E_INTERNAL;
    }
    cJSON *res = NULL;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = shape_from_json(m, index, in, &res, &err);
    buf_reset(out);
    if (rc == LT_OK) {
        EXPECT(res != NULL);
        rc = json_canonical(res, out);
    } else {
        EXPECT(res == NULL);
        if (buf_adds(out, lt_error_message(&err)) != LT_OK) {
            rc = LT_E_INTERNAL;
        }
    }
    cJSON_Delete(res);
    cJSON_Delete(in);
    lt_error_release(&err);
    return rc;
}

static void expect_conv(const char *shape, const char *json, const char *want)
{
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(convert(&ec2_shape_model, shape, json, &out));
    EXPECT_STR(buf_str(&out), want);
    buf_release(&out);
}

static void expect_conv_fail(const char *shape, const char *json, enum lt_rc code, const char *msg)
{
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_INT(convert(&ec2_shape_model, shape, json, &out), code);
    EXPECT_STR(buf_str(&out), msg);
    buf_release(&out);
}

#define VERSIONS "DescribeLaunchTemplateVersionsResult"
#define TEMPLATES "DescribeLaunchTemplatesResult"

static void test_json_types(void)
{
    /* Every scalar type the EC2 model uses, nested structures and lists. */
    expect_conv(
        VERSIONS,
        "{\"LaunchTemplateVersions\": [{\n"
        "  \"LaunchTemplateId\": \"lt-1\", \"VersionNumber\": 3,\n"
        "  \"DefaultVersion\": true, \"CreateTime\": \"2021-10-12T06:27:52+00:00\",\n"
        "  \"LaunchTemplateData\": {\n"
        "    \"EbsOptimized\": false,\n"
        "    \"InstanceRequirements\": {\"MemoryGiBPerVCpu\": {\"Min\": 0.5, \"Max\": 2},\n"
        "      \"VCpuCount\": {\"Min\": 1.0}, \"CpuManufacturers\": [\"intel\"]},\n"
        "    \"NetworkInterfaces\": [{\"DeviceIndex\": 0, \"Groups\": [\"sg-a\", \"sg-b\"],\n"
        "      \"Ipv6Addresses\": []}],\n"
        "    \"UserData\": \"IyEvYmluL3NoCg==\"}}],\n"
        " \"NextToken\": \"t\"}",
        "{\"LaunchTemplateVersions\":[{\"CreateTime\":\"2021-10-12T06:27:52.000Z\","
        "\"DefaultVersion\":true,\"LaunchTemplateData\":{\"EbsOptimized\":false,"
        "\"InstanceRequirements\":{\"CpuManufacturers\":[\"intel\"],"
        "\"MemoryGiBPerVCpu\":{\"Max\":2,\"Min\":0.5},\"VCpuCount\":{\"Min\":1}},"
        "\"NetworkInterfaces\":[{\"DeviceIndex\":0,\"Groups\":[\"sg-a\",\"sg-b\"],"
        "\"Ipv6Addresses\":[]}],\"UserData\":\"IyEvYmluL3NoCg==\"},"
        "\"LaunchTemplateId\":\"lt-1\",\"VersionNumber\":3}],\"NextToken\":\"t\"}");
}

static void test_json_timestamps(void)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"\"2021-10-12T06:27:52.000Z\"", "2021-10-12T06:27:52.000Z"},
        {"\"2021-10-12T06:27:52+00:00\"", "2021-10-12T06:27:52.000Z"},
        {"\"2021-10-12T06:27:52.123000+00:00\"", "2021-10-12T06:27:52.123Z"},
        {"\"2021-10-12T06:27:52.9999+00:00\"", "2021-10-12T06:27:52.999Z"},
        {"\"2021-10-12T01:27:52-05:00\"", "2021-10-12T06:27:52.000Z"},
        {"1634020072", "2021-10-12T06:27:52.000Z"},
        {"1634020072.5", "2021-10-12T06:27:52.500Z"},
        {"1634020072.123", "2021-10-12T06:27:52.123Z"},
        {"0", "1970-01-01T00:00:00.000Z"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct buf in = BUF_INIT(BUF_MAX_SMALL);
        struct buf want = BUF_INIT(BUF_MAX_SMALL);
        EXPECT_OK(buf_printf(&in, "{\"LaunchTemplates\":[{\"CreateTime\":%s}]}", cases[i].in));
        EXPECT_OK(
            buf_printf(&want, "{\"LaunchTemplates\":[{\"CreateTime\":\"%s\"}]}", cases[i].want));
        expect_conv(TEMPLATES, buf_str(&in), buf_str(&want));
        buf_release(&in);
        buf_release(&want);
    }
    /*
     * Several in one document, one buffer formatting them all: text as long
     * as the canonical form or longer is overwritten, shorter text and
     * numbers get a new string.
     */
    expect_conv(TEMPLATES,
                "{\"LaunchTemplates\":[{\"CreateTime\":\"2021-10-12T06:27:52.123456789Z\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52Z\"},{\"CreateTime\":1634020072.5},"
                "{\"CreateTime\":\"2021-10-12T06:27:52+00:00\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52.001Z\"}]}",
                "{\"LaunchTemplates\":[{\"CreateTime\":\"2021-10-12T06:27:52.123Z\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52.000Z\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52.500Z\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52.000Z\"},"
                "{\"CreateTime\":\"2021-10-12T06:27:52.001Z\"}]}");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{},{\"CreateTime\":\"2021-10-12\"}]}",
                     LT_E_INPUT, "LaunchTemplates[1].CreateTime: invalid timestamp '2021-10-12'");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"CreateTime\":\"yesterday\"}]}",
                     LT_E_INPUT, "LaunchTemplates[0].CreateTime: invalid timestamp 'yesterday'");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"CreateTime\":-1}]}", LT_E_INPUT,
                     "LaunchTemplates[0].CreateTime: timestamp outside the years 1970-9999");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"CreateTime\":1e12}]}", LT_E_INPUT,
                     "LaunchTemplates[0].CreateTime: timestamp outside the years 1970-9999");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"CreateTime\":true}]}", LT_E_INPUT,
                     "LaunchTemplates[0].CreateTime: expected a timestamp (string or number)");
}

static void test_json_unknown_and_errors(void)
{
    /* Unknown keys are dropped at every level (2026 members included). */
    expect_conv(TEMPLATES,
                "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\",\"Operator\":"
                "{\"Managed\":true},\"Foo\":[1,2],\"launchTemplateName\":\"wrong case\"}],"
                "\"ResponseMetadata\":{\"RequestId\":\"x\"}}",
                "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"}]}");
    expect_conv_fail(
        TEMPLATES,
        "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"a\",\"LaunchTemplateId\":\"b\"}]}",
        LT_E_INPUT, "LaunchTemplates[0]: duplicate key 'LaunchTemplateId'");
    expect_conv_fail(TEMPLATES, "{\"Foo\":1,\"LaunchTemplates\":[],\"Foo\":2}", LT_E_INPUT,
                     "top level: duplicate key 'Foo'");
    expect_conv_fail(VERSIONS,
                     "{\"LaunchTemplateVersions\":[{},{},{},{\"LaunchTemplateData\":"
                     "{\"EbsOptimized\":\"true\"}}]}",
                     LT_E_INPUT,
                     "LaunchTemplateVersions[3].LaunchTemplateData.EbsOptimized: "
                     "expected a boolean");
    expect_conv_fail(VERSIONS, "{\"LaunchTemplateVersions\":[{\"VersionNumber\":1.5}]}", LT_E_INPUT,
                     "LaunchTemplateVersions[0].VersionNumber: expected an integer, "
                     "got 1.5");
    expect_conv_fail(VERSIONS, "{\"LaunchTemplateVersions\":[{\"VersionNumber\":\"1\"}]}",
                     LT_E_INPUT, "LaunchTemplateVersions[0].VersionNumber: expected an integer");
    expect_conv_fail(VERSIONS, "{\"LaunchTemplateVersions\":[{\"VersionNumber\":1e16}]}",
                     LT_E_INPUT, "LaunchTemplateVersions[0].VersionNumber: integer out of range");
    expect_conv_fail(VERSIONS, "{\"LaunchTemplateVersions\":[{\"VersionNumber\":1e400}]}",
                     LT_E_INPUT, "LaunchTemplateVersions[0].VersionNumber: number out of range");
    expect_conv_fail(
        VERSIONS,
        "{\"LaunchTemplateVersions\":[{\"LaunchTemplateData\":{\"InstanceRequirements\":"
        "{\"MemoryGiBPerVCpu\":{\"Min\":\"0.5\"}}}}]}",
        LT_E_INPUT,
        "LaunchTemplateVersions[0].LaunchTemplateData.InstanceRequirements."
        "MemoryGiBPerVCpu.Min: expected a number");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"LaunchTemplateName\":null}]}", LT_E_INPUT,
                     "LaunchTemplates[0].LaunchTemplateName: expected a string");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":{}}", LT_E_INPUT,
                     "LaunchTemplates: expected an array");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[[]]}", LT_E_INPUT,
                     "LaunchTemplates[0]: expected an object");
    expect_conv_fail(TEMPLATES, "[]", LT_E_INPUT, "top level: expected an object");
    expect_conv_fail(VERSIONS,
                     "{\"LaunchTemplateVersions\":[{\"LaunchTemplateData\":{\"NetworkInterfaces\":"
                     "[{\"Groups\":[\"sg-1\",7]}]}}]}",
                     LT_E_INPUT,
                     "LaunchTemplateVersions[0].LaunchTemplateData.NetworkInterfaces[0]."
                     "Groups[1]: expected a string");
    /* cJSON does not check UTF-8: shape_from_json does, for every string. */
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"ab\xFF\"}]}",
                     LT_E_INPUT,
                     "LaunchTemplates[0].LaunchTemplateName: invalid UTF-8 at byte 2 "
                     "of a value");
    expect_conv_fail(TEMPLATES, "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"\xED\xA0\x80\"}]}",
                     LT_E_INPUT,
                     "LaunchTemplates[0].LaunchTemplateName: invalid UTF-8 at byte 0 "
                     "of a value");
    /* Escapes decode to the same text XML gives. */
    expect_conv(
        TEMPLATES,
        "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"\\u00e9\\ud83d\\ude00\\n\\\\u0000\"}]}",
        "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"\xC3\xA9\xF0\x9F\x98\x80\\n"
        "\\\\u0000\"}]}");
}

/*
 * Objects of one structure are looked up through what the keys of the
 * objects before them were found to be: every order of keys must still give
 * the members a plain lookup gives.
 */
static void test_json_key_order(void)
{
    /* The same order again and again, then orders that change between objects. */
    expect_conv(
        TEMPLATES,
        "{\"LaunchTemplates\":["
        "{\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\",\"DefaultVersionNumber\":1},"
        "{\"LaunchTemplateId\":\"b\",\"LaunchTemplateName\":\"n\",\"DefaultVersionNumber\":2},"
        "{\"DefaultVersionNumber\":3,\"LaunchTemplateId\":\"c\",\"LaunchTemplateName\":\"n\"},"
        "{\"LaunchTemplateName\":\"n\",\"DefaultVersionNumber\":4,\"LaunchTemplateId\":\"d\"},"
        "{\"LaunchTemplateId\":\"e\",\"DefaultVersionNumber\":5},"
        "{\"LaunchTemplateName\":\"n\"}]}",
        "{\"LaunchTemplates\":["
        "{\"DefaultVersionNumber\":1,\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\"},"
        "{\"DefaultVersionNumber\":2,\"LaunchTemplateId\":\"b\",\"LaunchTemplateName\":\"n\"},"
        "{\"DefaultVersionNumber\":3,\"LaunchTemplateId\":\"c\",\"LaunchTemplateName\":\"n\"},"
        "{\"DefaultVersionNumber\":4,\"LaunchTemplateId\":\"d\",\"LaunchTemplateName\":\"n\"},"
        "{\"DefaultVersionNumber\":5,\"LaunchTemplateId\":\"e\"},"
        "{\"LaunchTemplateName\":\"n\"}]}");
    /*
     * Unknown keys where a known one came before, among them names a byte
     * shorter or longer than the member expected there, or in another case.
     */
    expect_conv(TEMPLATES,
                "{\"LaunchTemplates\":["
                "{\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\",\"CreatedBy\":\"x\"},"
                "{\"LaunchTemplateId\":\"b\",\"LaunchTemplateNam\":\"n\",\"CreatedBy\":\"x\"},"
                "{\"LaunchTemplateId\":\"c\",\"LaunchTemplateNameX\":\"n\",\"CreatedBy\":\"x\"},"
                "{\"LaunchTemplateId\":\"d\",\"launchTemplateName\":\"n\",\"CreatedBy\":\"x\"},"
                "{\"LaunchTemplateId\":\"e\",\"\":\"n\",\"LaunchTemplateName\":\"n\"},"
                "{\"Unknown\":1,\"LaunchTemplateId\":\"f\",\"LaunchTemplateName\":\"n\"}]}",
                "{\"LaunchTemplates\":["
                "{\"CreatedBy\":\"x\",\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\"},"
                "{\"CreatedBy\":\"x\",\"LaunchTemplateId\":\"b\"},"
                "{\"CreatedBy\":\"x\",\"LaunchTemplateId\":\"c\"},"
                "{\"CreatedBy\":\"x\",\"LaunchTemplateId\":\"d\"},"
                "{\"LaunchTemplateId\":\"e\",\"LaunchTemplateName\":\"n\"},"
                "{\"LaunchTemplateId\":\"f\",\"LaunchTemplateName\":\"n\"}]}");
    /* Duplicate keys are still refused, whether the key was expected there or not. */
    expect_conv_fail(TEMPLATES,
                     "{\"LaunchTemplates\":["
                     "{\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\"},"
                     "{\"LaunchTemplateId\":\"b\",\"LaunchTemplateId\":\"c\"}]}",
                     LT_E_INPUT, "LaunchTemplates[1]: duplicate key 'LaunchTemplateId'");
    expect_conv_fail(TEMPLATES,
                     "{\"LaunchTemplates\":["
                     "{\"LaunchTemplateId\":\"a\",\"LaunchTemplateName\":\"n\"},"
                     "{\"LaunchTemplateName\":\"n\",\"LaunchTemplateId\":\"b\","
                     "\"LaunchTemplateName\":\"n\"}]}",
                     LT_E_INPUT, "LaunchTemplates[1]: duplicate key 'LaunchTemplateName'");
    expect_conv_fail(TEMPLATES,
                     "{\"LaunchTemplates\":["
                     "{\"LaunchTemplateId\":\"a\",\"Foo\":1,\"LaunchTemplateName\":\"n\"},"
                     "{\"LaunchTemplateId\":\"b\",\"Foo\":1,\"Foo\":2}]}",
                     LT_E_INPUT, "LaunchTemplates[1]: duplicate key 'Foo'");
}

/*
 * Two structures with a member of the same name but of different types, one
 * inside the other: what was found for one must not be taken for the other.
 */
static const struct shape_member twin_outer_members[] = {
    {.name = "A", .xml_name = "a", .shape = 1},
    {.name = "B", .xml_name = "b", .shape = 2},
};
static const uint16_t twin_outer_by_name[] = {0, 1};
static const struct shape_member twin_inner_members[] = {
    {.name = "A", .xml_name = "a", .shape = 4},
};
static const uint16_t twin_inner_by_name[] = {0};
static const struct shape twin_shapes[] = {
    {.name = "Outer",
     .type = SHAPE_STRUCTURE,
     .members = twin_outer_members,
     .nmembers = 2,
     .by_name = twin_outer_by_name},
    {.name = "OuterA", .type = SHAPE_STRING},
    {.name = "Inner",
     .type = SHAPE_STRUCTURE,
     .members = twin_inner_members,
     .nmembers = 1,
     .by_name = twin_inner_by_name},
    {.name = "Outers", .type = SHAPE_LIST, .item_xml_name = "item", .item_shape = 0},
    {.name = "InnerA", .type = SHAPE_INTEGER},
};
static const struct shape_model twin_model = {"test", "0", "test", twin_shapes, 5, NULL, 0};

static void test_json_same_name_in_two_structures(void)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    const char *json = "[{\"A\":\"x\",\"B\":{\"A\":1}},{\"A\":\"y\",\"B\":{\"A\":2}},"
                       "{\"B\":{\"A\":3},\"A\":\"z\"}]";
    EXPECT_OK(convert(&twin_model, "Outers", json, &out));
    EXPECT_STR(buf_str(&out), "[{\"A\":\"x\",\"B\":{\"A\":1}},{\"A\":\"y\",\"B\":{\"A\":2}},"
                              "{\"A\":\"z\",\"B\":{\"A\":3}}]");
    EXPECT_INT(convert(&twin_model, "Outers",
                       "[{\"A\":\"x\",\"B\":{\"A\":1}},{\"B\":{\"A\":\"x\"}}]", &out),
               LT_E_INPUT);
    EXPECT_STR(buf_str(&out), "[1].B.A: expected an integer");
    buf_release(&out);
}

/* A recursive model (a list of itself) to reach the depth limit. */
static const struct shape deep_shapes[] = {
    {.name = "Deep", .type = SHAPE_LIST, .item_xml_name = "item", .item_shape = 0},
};
static const struct shape_model deep_model = {"test", "0", "test", deep_shapes, 1, NULL, 0};

static void test_json_depth(void)
{
    for (int depth = 64; depth <= 65; depth++) {
        struct buf json = BUF_INIT(BUF_MAX_SMALL);
        struct buf want = BUF_INIT(BUF_MAX_SMALL);
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        enum lt_rc rc = LT_OK;
        for (int i = 0; i < depth && rc == LT_OK; i++) {
            rc = buf_adds(&json, "[");
        }
        for (int i = 0; i < depth && rc == LT_OK; i++) {
            rc = buf_adds(&json, "]");
        }
        for (int i = 0; i < 64 && rc == LT_OK; i++) {
            rc = buf_adds(&want, "[0]");
        }
        EXPECT_OK(rc);
        if (depth == 64) {
            EXPECT_OK(convert(&deep_model, "Deep", buf_str(&json), &out));
            EXPECT_STR(buf_str(&out), buf_str(&json));
        } else {
            EXPECT_OK(buf_adds(&want, ": nested deeper than 64 levels"));
            EXPECT_INT(convert(&deep_model, "Deep", buf_str(&json), &out), LT_E_LIMIT);
            EXPECT_STR(buf_str(&out), buf_str(&want));
        }
        buf_release(&json);
        buf_release(&want);
        buf_release(&out);
    }
}

int main(void)
{
    test_tables();
    test_scalars();
    test_json_types();
    test_json_timestamps();
    test_json_unknown_and_errors();
    test_json_depth();
    test_json_key_order();
    test_json_same_name_in_two_structures();
    return tap_done();
}
