/* Unit tests for model/: rows from member-name JSON, and the rules of model_finish. */
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "model/model.h"
#include "model/rowstore.h"
#include "tap.h"

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j) {
        tap_note("bad test JSON: %s", text);
    }
    return j;
}

static enum lt_rc add_templates(struct model *m, size_t scope, const char *json)
{
    cJSON *j = parse(json);
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = model_add_templates(m, scope, j, &err);
    if (rc != LT_OK) {
        tap_note("model_add_templates: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    cJSON_Delete(j);
    return rc;
}

static enum lt_rc add_versions(struct model *m, size_t scope, const char *json)
{
    cJSON *j = parse(json);
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = model_add_versions(m, scope, j, &err);
    if (rc != LT_OK) {
        tap_note("model_add_versions: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    cJSON_Delete(j);
    return rc;
}

static enum lt_rc finish(struct model *m)
{
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = model_finish(m, &err);
    if (rc != LT_OK) {
        tap_note("model_finish: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    return rc;
}

/* Rows are read through one reader; done() frees it before its model goes. */
static struct model_reader *reader;

static const struct model_value *node_prop(const struct model *m, enum schema_node_kind k,
                                           size_t row, int prop)
{
    static const struct model_value absent;
    if (!reader) {
        reader = model_reader_new(m);
    }
    const struct model_value *values = NULL;
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(model_read_node(reader, k, row, &values, &err))) {
        tap_note("model_read_node: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    return values ? &values[prop] : &absent;
}

static const struct model_value *version_prop(const struct model *m, size_t row, int prop)
{
    return node_prop(m, SCHEMA_NODE_VERSION, row, prop);
}

static struct model_rel rel_of(const struct model *m, enum schema_rel_kind k, size_t i)
{
    struct model_rel rel = {"", ""};
    if (!reader) {
        reader = model_reader_new(m);
    }
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(model_read_rel(reader, k, i, &rel, &err));
    lt_error_release(&err);
    return rel;
}

static void done(struct model *m)
{
    model_reader_free(reader);
    reader = NULL;
    model_release(m);
}

#define LT_A "lt-0aaaaaaaaaaaaaaaa"
#define LT_B "lt-0bbbbbbbbbbbbbbbb"
#define LT_C "lt-0cccccccccccccccc"

/* row_memory 1: every row spills to the temporary file; 0: they stay in memory. */
static void test_rules(size_t row_memory)
{
    struct model m;
    struct model_options o = {false, row_memory, NULL};
    tap_note("rules, rows %s", row_memory == 1 ? "spilled" : "in memory");
    model_init(&m, &o);
    size_t s = model_scope(&m, "123456789012", "us-east-1");
    EXPECT_INT(model_scope(&m, "123456789012", "us-east-1"), s);
    EXPECT_OK(add_templates(&m, s,
                            "[{\"LaunchTemplateId\":\"" LT_B "\",\"LaunchTemplateName\":\"b\","
                            "\"LatestVersionNumber\":10,\"DefaultVersionNumber\":2,"
                            "\"CreateTime\":\"2021-10-12T06:27:52.000Z\","
                            "\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"}]},"
                            "{\"LaunchTemplateId\":\"" LT_A "\",\"LaunchTemplateName\":\"a\","
                            "\"LatestVersionNumber\":1,\"DefaultVersionNumber\":1,"
                            "\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"}]},"
                            "{\"LaunchTemplateId\":\"" LT_C "\",\"LaunchTemplateName\":\"c\","
                            "\"LatestVersionNumber\":1}]"));
    /* The same template again (a second page overlapping the first): kept once. */
    EXPECT_OK(add_templates(&m, s,
                            "[{\"LaunchTemplateId\":\"" LT_A "\",\"LaunchTemplateName\":"
                            "\"a-later\",\"LatestVersionNumber\":1}]"));
    EXPECT_OK(add_versions(&m, s,
                           "[{\"LaunchTemplateId\":\"" LT_B "\",\"VersionNumber\":10},"
                           "{\"LaunchTemplateId\":\"" LT_B "\",\"VersionNumber\":2,"
                           "\"DefaultVersion\":true},"
                           "{\"LaunchTemplateId\":\"" LT_B "\",\"VersionNumber\":11},"
                           "{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1},"
                           "{\"LaunchTemplateId\":\"lt-0dddddddddddddddd\",\"VersionNumber\":1},"
                           "{\"LaunchTemplateId\":\"" LT_B "\",\"VersionNumber\":2}]"));
    model_scope_set_status(&m, s, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(finish(&m));
    /* Templates sorted by id; C has no version: tombstoned, not a node. */
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TEMPLATE], 2);
    EXPECT_STR(node_prop(&m, SCHEMA_NODE_TEMPLATE, 0, TEMPLATE_ID)->str, LT_A);
    EXPECT_STR(node_prop(&m, SCHEMA_NODE_TEMPLATE, 0, TEMPLATE_NAME)->str, "a");
    EXPECT_STR(node_prop(&m, SCHEMA_NODE_TEMPLATE, 1, TEMPLATE_CREATE_TIME)->str, "1634020072");
    EXPECT_STR(node_prop(&m, SCHEMA_NODE_TEMPLATE, 1, TEMPLATE_REGION)->str, "us-east-1");
    EXPECT_INT(m.ntombstones, 1);
    EXPECT_STR(m.tombstones[0].id, LT_C);
    EXPECT_STR(m.tombstones[0].name, "c");
    EXPECT_STR(m.tombstones[0].reason, "NoVersions");
    /* Versions: B-2 once, B-10 (numeric order), B-11 above the listed latest: left out. */
    EXPECT_INT(m.nnodes[SCHEMA_NODE_VERSION], 3);
    EXPECT_STR(version_prop(&m, 0, VERSION_ID)->str, LT_A "-1");
    EXPECT_STR(version_prop(&m, 1, VERSION_ID)->str, LT_B "-2");
    EXPECT_STR(version_prop(&m, 2, VERSION_ID)->str, LT_B "-10");
    EXPECT_INT(m.stats.versions_after_listing, 1);
    EXPECT_INT(m.stats.versions_without_template, 1);
    EXPECT_INT(m.stats.duplicate_versions, 1);
    EXPECT_INT(m.stats.duplicate_templates, 1);
    EXPECT_INT(rowstore_spilled(&m.store), row_memory == 1);
    /* One shared tag node, two TAGGED edges. */
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TAG], 1);
    EXPECT_STR(node_prop(&m, SCHEMA_NODE_TAG, 0, TAG_ID)->str, "env:prod");
    EXPECT_INT(m.nrels[SCHEMA_REL_TEMPLATE_TAG], 2);
    EXPECT_INT(m.nnodes[SCHEMA_NODE_ACCOUNT], 1);
    EXPECT_INT(m.nrels[SCHEMA_REL_ACCOUNT_TEMPLATE], 2);
    EXPECT_INT(m.nrels[SCHEMA_REL_ACCOUNT_VERSION], 3);
    /* VERSION edges follow version order, not byte order of the ids. */
    EXPECT_INT(m.nrels[SCHEMA_REL_TEMPLATE_VERSION], 3);
    EXPECT_STR(rel_of(&m, SCHEMA_REL_TEMPLATE_VERSION, 1).to, LT_B "-2");
    EXPECT_STR(rel_of(&m, SCHEMA_REL_TEMPLATE_VERSION, 2).to, LT_B "-10");
    done(&m);
}

static void test_scopes(void)
{
    struct model m;
    model_init(&m, NULL);
    size_t ok = model_scope(&m, "111111111111", "us-east-1");
    size_t bad = model_scope(&m, "111111111111", "eu-west-1");
    EXPECT_OK(add_templates(&m, ok, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    EXPECT_OK(add_versions(&m, ok, "[{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1}]"));
    EXPECT_OK(add_templates(&m, bad, "[{\"LaunchTemplateId\":\"" LT_B "\"}]"));
    model_add_tombstone(&m, bad, LT_C, "gone", "InvalidLaunchTemplateId.NotFound");
    model_scope_set_status(&m, ok, MODEL_SCOPE_COMPLETE, NULL);
    model_scope_set_status(&m, bad, MODEL_SCOPE_FAILED, "InternalError");
    EXPECT_OK(finish(&m));
    /* A failed region contributes nothing: no template, no tombstone. */
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TEMPLATE], 1);
    EXPECT_INT(m.ntombstones, 0);
    done(&m);

    /* The same template id in two regions is an error, not a silent merge. */
    model_init(&m, NULL);
    size_t a = model_scope(&m, "111111111111", "us-east-1");
    size_t b = model_scope(&m, "222222222222", "us-east-1");
    EXPECT_OK(add_templates(&m, a, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    EXPECT_OK(add_templates(&m, b, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    model_scope_set_status(&m, a, MODEL_SCOPE_COMPLETE, NULL);
    model_scope_set_status(&m, b, MODEL_SCOPE_COMPLETE, NULL);
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(model_finish(&m, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err),
               "launch template '" LT_A "' appears in two places: account 111111111111 region "
               "us-east-1 and account 222222222222 region us-east-1");
    lt_error_release(&err);
    done(&m);

    /* An explicit tombstone removes the template and its versions. */
    model_init(&m, NULL);
    a = model_scope(&m, "111111111111", "us-east-1");
    EXPECT_OK(add_templates(&m, a,
                            "[{\"LaunchTemplateId\":\"" LT_A "\",\"LaunchTemplateName\":"
                            "\"x\",\"LatestVersionNumber\":1}]"));
    EXPECT_OK(add_versions(&m, a, "[{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1}]"));
    model_add_tombstone(&m, a, LT_A, NULL, "InvalidLaunchTemplateId.NotFound");
    model_scope_set_status(&m, a, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(finish(&m));
    EXPECT_INT(m.nnodes[SCHEMA_NODE_TEMPLATE], 0);
    EXPECT_INT(m.nnodes[SCHEMA_NODE_VERSION], 0);
    EXPECT_INT(m.ntombstones, 1);
    EXPECT_STR(m.tombstones[0].name, "x"); /* the listing's name fills in */
    EXPECT_STR(m.tombstones[0].reason, "InvalidLaunchTemplateId.NotFound");
    done(&m);
}

static const char version_with_data[] =
    "[{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1,\"LaunchTemplateData\":{"
    "\"IamInstanceProfile\":{\"Arn\":\"arn:aws:iam::1:instance-profile/p\",\"Name\":\"p\"},"
    "\"Monitoring\":{\"Enabled\":true},\"RamDiskId\":\"ari-1\","
    "\"InstanceInitiatedShutdownBehavior\":\"terminate\","
    "\"SecurityGroupIds\":[\"sg-1\",\"sg-2\"],\"SecurityGroups\":[\"web\"],"
    "\"NetworkInterfaces\":[{\"Groups\":[\"sg-2\",\"sg-3\"],\"AssociatePublicIpAddress\":false},"
    "{\"AssociatePublicIpAddress\":true}],"
    "\"BlockDeviceMappings\":[{\"Ebs\":{\"Encrypted\":true}},{\"Ebs\":{}},{\"NoDevice\":\"\"}],"
    "\"MetadataOptions\":{\"HttpTokens\":\"required\",\"HttpEndpoint\":\"enabled\","
    "\"HttpPutResponseHopLimit\":2},"
    "\"UserData\":\"aGVsbG8=\",\"ImageId\":\"ami-1\"}}]";

static void test_version_fields(bool include_user_data)
{
    struct model m;
    struct model_options o = {include_user_data, 0, NULL};
    model_init(&m, &o);
    size_t s = model_scope(&m, "123456789012", "eu-west-1");
    EXPECT_OK(add_templates(&m, s, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    EXPECT_OK(add_versions(&m, s, version_with_data));
    model_scope_set_status(&m, s, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(finish(&m));
    EXPECT_INT(m.nnodes[SCHEMA_NODE_VERSION], 1);
    /* The five properties Cartography reads from keys the API never returns. */
    EXPECT_STR(version_prop(&m, 0, VERSION_IAM_INSTANCE_PROFILE_ARN)->str,
               "arn:aws:iam::1:instance-profile/p");
    EXPECT_STR(version_prop(&m, 0, VERSION_IAM_INSTANCE_PROFILE_NAME)->str, "p");
    EXPECT(version_prop(&m, 0, VERSION_MONITORING_ENABLED)->flag);
    EXPECT_STR(version_prop(&m, 0, VERSION_RAMDISK_ID)->str, "ari-1");
    EXPECT_STR(version_prop(&m, 0, VERSION_INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR)->str, "terminate");
    /* Groups of the instance, then of each interface, each once. */
    const struct model_value *sg = version_prop(&m, 0, VERSION_SECURITY_GROUP_IDS);
    EXPECT_INT(sg->nitems, 3);
    EXPECT_STR(sg->items[0], "sg-1");
    EXPECT_STR(sg->items[2], "sg-3");
    EXPECT_STR(version_prop(&m, 0, VERSION_HTTP_TOKENS)->str, "required");
    EXPECT_INT(version_prop(&m, 0, VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT)->num, 2);
    EXPECT(version_prop(&m, 0, VERSION_ASSOCIATES_PUBLIC_IP)->flag);
    EXPECT(version_prop(&m, 0, VERSION_ALL_EBS_ENCRYPTED)->present);
    EXPECT(!version_prop(&m, 0, VERSION_ALL_EBS_ENCRYPTED)->flag);
    /* sha256("hello") */
    EXPECT_STR(version_prop(&m, 0, VERSION_USER_DATA_SHA256)->str,
               "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    const char *data = version_prop(&m, 0, VERSION_LAUNCH_TEMPLATE_DATA)->str;
    EXPECT_INT(version_prop(&m, 0, VERSION_USER_DATA)->present, include_user_data);
    EXPECT_INT(strstr(data, "aGVsbG8=") != NULL, include_user_data);
    /* Canonical JSON: keys sorted. */
    EXPECT(strncmp(data, "{\"BlockDeviceMappings\":", 23) == 0);
    done(&m);
}

/*
 * User data that holds secrets: the kinds found are stored sorted, whether or
 * not user data itself is kept; the secret is in no property but user_data.
 * The user data is "#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfi\n
 * DB_PASSWORD=hunter22 # AKIAIOSFODNN7EXAMPLE\n".
 */
#define SECRET_USER_DATA                                                                           \
    "IyEvYmluL3NoCmV4cG9ydCBBV1NfU0VDUkVUX0FDQ0VTU19LRVk9d0phbHJYVXRuRkVNSS9LN01ERU5HL2JQeFJmaQpE" \
    "Ql9QQVNTV09SRD1odW50ZXIyMiAjIEFLSUFJT1NGT0ROTjdFWEFNUExFCg=="

static void test_user_data_secret_kinds(bool include_user_data)
{
    struct model m;
    struct model_options o = {include_user_data, 0, NULL};
    model_init(&m, &o);
    size_t s = model_scope(&m, "123456789012", "eu-west-1");
    EXPECT_OK(add_templates(&m, s, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    EXPECT_OK(add_versions(&m, s,
                           "[{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1,"
                           "\"LaunchTemplateData\":{\"UserData\":\"" SECRET_USER_DATA "\"}},"
                           "{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":2,"
                           "\"LaunchTemplateData\":{\"UserData\":\"aGVsbG8=\"}}]"));
    model_scope_set_status(&m, s, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(finish(&m));
    const struct model_value *kinds = version_prop(&m, 0, VERSION_USER_DATA_SECRET_KINDS);
    EXPECT_INT(kinds->nitems, 3);
    EXPECT_STR(kinds->items[0], "aws-access-key-id");
    EXPECT_STR(kinds->items[1], "aws-secret-access-key");
    EXPECT_STR(kinds->items[2], "password");
    EXPECT(!version_prop(&m, 1, VERSION_USER_DATA_SECRET_KINDS)->present);
    EXPECT_INT(version_prop(&m, 0, VERSION_USER_DATA)->present, include_user_data);
    /* Only user_data and, with it, launch_template_data carry the user data. */
    for (size_t p = 0; p < VERSION_PROP_COUNT; p++) {
        const struct model_value *v = version_prop(&m, 0, p);
        bool carries =
            p == VERSION_USER_DATA || (include_user_data && p == VERSION_LAUNCH_TEMPLATE_DATA);
        if (!carries && v->str) {
            EXPECT(strstr(v->str, "hunter22") == NULL && strstr(v->str, SECRET_USER_DATA) == NULL);
        }
    }
    done(&m);
}

/*
 * The same user data in the forms base64 allows: plain, in lines, with blanks
 * or an end mark. Each decodes to "hello", so each has its hash; empty user
 * data has the hash of nothing.
 */
static void test_user_data_forms(void)
{
    static const char *const forms[] = {"aGVsbG8=", "aGVs\\nbG8=", "aGVsbG8=\\r\\n",
                                        "aGVs bG8=", "aGVsbG8=-"};
    struct model m;
    model_init(&m, NULL);
    size_t s = model_scope(&m, "123456789012", "eu-west-1");
    EXPECT_OK(add_templates(&m, s, "[{\"LaunchTemplateId\":\"" LT_A "\"}]"));
    struct buf versions = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(buf_adds(&versions, "["));
    for (size_t i = 0; i <= LT_ARRAY_SIZE(forms); i++) {
        EXPECT_OK(buf_printf(&versions,
                             "%s{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":%zu,"
                             "\"LaunchTemplateData\":{\"UserData\":\"%s\"}}",
                             i ? "," : "", i + 1, i < LT_ARRAY_SIZE(forms) ? forms[i] : ""));
    }
    EXPECT_OK(buf_adds(&versions, "]"));
    EXPECT_OK(add_versions(&m, s, buf_str(&versions)));
    buf_release(&versions);
    model_scope_set_status(&m, s, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(finish(&m));
    EXPECT_INT(m.nnodes[SCHEMA_NODE_VERSION], LT_ARRAY_SIZE(forms) + 1);
    for (size_t i = 0; i < LT_ARRAY_SIZE(forms); i++) {
        EXPECT_STR(version_prop(&m, i, VERSION_USER_DATA_SHA256)->str,
                   "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    }
    EXPECT_STR(version_prop(&m, LT_ARRAY_SIZE(forms), VERSION_USER_DATA_SHA256)->str,
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    done(&m);
}

static void test_bad_values(void)
{
    struct model m;
    model_init(&m, NULL);
    size_t s = model_scope(&m, "123456789012", "eu-west-1");
    cJSON *j = parse("[{\"LaunchTemplateId\":\"" LT_A "\",\"VersionNumber\":1,"
                     "\"LaunchTemplateData\":{\"UserData\":\"not base64!\"}}]");
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(model_add_versions(&m, s, j, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err),
               "LaunchTemplateVersions[0]: LaunchTemplateData.UserData: not valid base64");
    cJSON_Delete(j);
    lt_error_release(&err);
    j = parse("[{\"LaunchTemplateId\":\"" LT_A "\",\"CreateTime\":\"yesterday\"}]");
    EXPECT_INT(model_add_templates(&m, s, j, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err),
               "LaunchTemplates[0]: CreateTime: invalid timestamp 'yesterday'");
    cJSON_Delete(j);
    lt_error_release(&err);
    done(&m);
}

int main(void)
{
    test_rules(0);
    test_rules(1);
    test_scopes();
    test_version_fields(false);
    test_version_fields(true);
    test_user_data_secret_kinds(false);
    test_user_data_secret_kinds(true);
    test_user_data_forms();
    test_bad_values();
    return tap_done();
}
