/*
 * Reads the CSV files of snapshots made from the fixtures back with libcsv
 * and compares every value with the input it came from (issue: "the CSV
 * files are read back with libcsv and every value compared to the input").
 * Expected values are taken from the input pages directly, through a table
 * of column -> API path below, not from the model: a column the table does
 * not cover fails the test.
 */
#include <csv.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "ec2/ec2_page.h"
#include "model/model.h"
#include "model/secrets.h"
#include "tap.h"
#include "testfs.h"
#include "write/esc_csv.h"
#include "write/snapshot.h"

#define ACCOUNT "123456789012"
#define REGION "us-east-1"

/* ---- reading a CSV file with libcsv ---- */

struct csv_table {
    char ***rows; /* rows[r][c], NULL for an empty unquoted field (absent value) */
    size_t nrows;
    size_t *ncols;
    char **cur;
    size_t ncur;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct csv_table *t = ctx;
    t->cur = mem_realloc_array(t->cur, t->ncur + 1, sizeof(*t->cur));
    t->cur[t->ncur++] = data ? mem_strndup(data, len) : NULL;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    struct csv_table *t = ctx;
    t->rows = mem_realloc_array(t->rows, t->nrows + 1, sizeof(*t->rows));
    t->ncols = mem_realloc_array(t->ncols, t->nrows + 1, sizeof(*t->ncols));
    t->rows[t->nrows] = t->cur;
    t->ncols[t->nrows] = t->ncur;
    t->nrows++;
    t->cur = NULL;
    t->ncur = 0;
}

static void read_csv(const char *path, struct csv_table *t)
{
    memset(t, 0, sizeof(*t));
    size_t len;
    char *text = tap_read_file(path, &len);
    struct csv_parser p;
    EXPECT_INT(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL | CSV_APPEND_NULL), 0);
    EXPECT_INT(csv_parse(&p, text, len, on_field, on_row, t), len);
    EXPECT_INT(csv_fini(&p, on_field, on_row, t), 0);
    csv_free(&p);
    free(text);
}

static void free_csv(struct csv_table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols[r]; c++) {
            mem_free(t->rows[r][c]);
        }
        mem_free(t->rows[r]);
    }
    mem_free(t->rows);
    mem_free(t->ncols);
}

/* ---- expected values, straight from the input ---- */

/* A dotted member path ("LaunchTemplateData.Monitoring.Enabled") in member-name JSON. */
static const cJSON *at_path(const cJSON *obj, const char *path)
{
    char *copy = mem_strdup(path);
    const cJSON *cur = obj;
    for (char *p = copy, *dot; cur && p; p = dot ? dot + 1 : NULL) {
        dot = strchr(p, '.');
        if (dot) {
            *dot = '\0';
        }
        cur = cJSON_GetObjectItemCaseSensitive(cur, p);
    }
    mem_free(copy);
    return cur;
}

/* The CSV text of a JSON scalar or string list as the snapshot should write it; NULL = absent. */
static char *expected_text(const cJSON *v)
{
    struct buf b = BUF_INIT(BUF_MAX_LARGE);
    if (!v || cJSON_IsNull(v)) {
        return NULL;
    }
    if (cJSON_IsString(v)) {
        EXPECT_OK(buf_adds(&b, v->valuestring));
    } else if (cJSON_IsBool(v)) {
        EXPECT_OK(buf_adds(&b, cJSON_IsTrue(v) ? "true" : "false"));
    } else if (cJSON_IsNumber(v)) {
        EXPECT_OK(buf_printf(&b, "%lld", (long long)v->valuedouble));
    } else if (cJSON_IsArray(v)) {
        if (cJSON_GetArraySize(v) == 0) {
            return NULL; /* an empty array is an absent property */
        }
        const cJSON *item;
        bool first = true;
        cJSON_ArrayForEach(item, v) {
            if (!first) {
                EXPECT_OK(buf_addc(&b, ESC_CSV_ARRAY_DELIM));
            }
            EXPECT_OK(buf_adds(&b, item->valuestring));
            first = false;
        }
    }
    return buf_detach(&b, NULL);
}

static char *unix_time_text(const cJSON *v)
{
    int64_t secs;
    int ms;
    if (!cJSON_IsString(v) || !clock_parse_iso8601(v->valuestring, &secs, &ms)) {
        return NULL;
    }
    struct buf b = BUF_INIT(64);
    EXPECT_OK(buf_printf(&b, "%lld", (long long)secs));
    return buf_detach(&b, NULL);
}

/* security_group_ids: the instance's groups, then each interface's, each once. */
static char *security_group_ids_text(const cJSON *data)
{
    cJSON *all = cJSON_CreateArray();
    const cJSON *lists[64];
    size_t n = 0;
    lists[n++] = json_get_array(data, "SecurityGroupIds");
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
        if (n < 64) {
            lists[n++] = json_get_array(ni, "Groups");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const cJSON *g;
        cJSON_ArrayForEach(g, lists[i]) {
            bool seen = false;
            const cJSON *h;
            cJSON_ArrayForEach(h, all) {
                seen = seen || strcmp(h->valuestring, g->valuestring) == 0;
            }
            if (!seen) {
                cJSON_AddItemToArray(all, cJSON_CreateString(g->valuestring));
            }
        }
    }
    char *text = expected_text(all);
    cJSON_Delete(all);
    return text;
}

static char *data_json_text(const cJSON *data)
{
    if (!data) {
        return NULL;
    }
    cJSON *copy = cJSON_Duplicate(data, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "UserData");
    struct buf b = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(json_canonical(copy, &b));
    cJSON_Delete(copy);
    return buf_detach(&b, NULL);
}

static char *user_data_hash_text(const cJSON *data)
{
    const char *b64 = json_get_string(data, "UserData");
    if (!b64) {
        return NULL;
    }
    struct buf raw = BUF_INIT(BUF_MAX_LARGE);
    struct buf hex = BUF_INIT(128);
    EXPECT_OK(hash_base64_decode(&raw, b64, strlen(b64)));
    EXPECT_OK(hash_sha256_hex(&hex, buf_str(&raw), raw.len));
    buf_release(&raw);
    return buf_detach(&hex, NULL);
}

/* any interface true -> true; one says false -> false; none says -> absent */
/* The kinds the detector finds in the decoded user data, joined by U+001F; NULL for none. */
static char *user_data_secret_kinds_text(const cJSON *data)
{
    const char *b64 = json_get_string(data, "UserData");
    if (!b64) {
        return NULL;
    }
    struct buf raw = BUF_INIT(BUF_MAX_LARGE);
    struct buf kinds = BUF_INIT(256);
    EXPECT_OK(hash_base64_decode(&raw, b64, strlen(b64)));
    unsigned found = secrets_scan(buf_str(&raw), raw.len);
    for (int k = 0; k < SECRETS_KIND_COUNT; k++) {
        if (found & (1u << k)) {
            EXPECT_OK(buf_printf(&kinds, "%s%s", kinds.len ? "\x1f" : "", secrets_kind_name(k)));
        }
    }
    buf_release_secret(&raw);
    if (kinds.len == 0) {
        buf_release(&kinds);
        return NULL;
    }
    return buf_detach(&kinds, NULL);
}

static char *public_ip_text(const cJSON *data)
{
    const char *v = NULL;
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
        int b = json_get_bool(ni, "AssociatePublicIpAddress");
        if (b == 1) {
            v = "true";
        } else if (b == 0 && !v) {
            v = "false";
        }
    }
    return v ? mem_strdup(v) : NULL;
}

static char *all_ebs_encrypted_text(const cJSON *data)
{
    int mappings = 0, encrypted = 0;
    const cJSON *bdm;
    cJSON_ArrayForEach(bdm, json_get_array(data, "BlockDeviceMappings")) {
        const cJSON *ebs = json_get_object(bdm, "Ebs");
        if (ebs) {
            mappings++;
            encrypted += json_get_bool(ebs, "Encrypted") == 1;
        }
    }
    return mappings ? mem_strdup(mappings == encrypted ? "true" : "false") : NULL;
}

/* Column -> where its value comes from in a version (paths relative to the version). */
static const struct {
    const char *column;
    const char *path;
} version_paths[] = {
    {"launch_template_id", "LaunchTemplateId"},
    {"name", "LaunchTemplateName"},
    {"created_by", "CreatedBy"},
    {"default_version:boolean", "DefaultVersion"},
    {"version_number:long", "VersionNumber"},
    {"version_description", "VersionDescription"},
    {"kernel_id", "LaunchTemplateData.KernelId"},
    {"ebs_optimized:boolean", "LaunchTemplateData.EbsOptimized"},
    {"iam_instance_profile_arn", "LaunchTemplateData.IamInstanceProfile.Arn"},
    {"iam_instance_profile_name", "LaunchTemplateData.IamInstanceProfile.Name"},
    {"image_id", "LaunchTemplateData.ImageId"},
    {"instance_type", "LaunchTemplateData.InstanceType"},
    {"key_name", "LaunchTemplateData.KeyName"},
    {"monitoring_enabled:boolean", "LaunchTemplateData.Monitoring.Enabled"},
    {"ramdisk_id", "LaunchTemplateData.RamDiskId"},
    {"disable_api_termination:boolean", "LaunchTemplateData.DisableApiTermination"},
    {"instance_initiated_shutdown_behavior",
     "LaunchTemplateData.InstanceInitiatedShutdownBehavior"},
    {"security_groups:string[]", "LaunchTemplateData.SecurityGroups"},
    {"http_tokens", "LaunchTemplateData.MetadataOptions.HttpTokens"},
    {"http_endpoint", "LaunchTemplateData.MetadataOptions.HttpEndpoint"},
    {"http_put_response_hop_limit:long",
     "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit"},
};

static char *expected_version_field(const char *column, const cJSON *v, bool *known)
{
    const cJSON *data = json_get_object(v, "LaunchTemplateData");
    *known = true;
    for (size_t i = 0; i < LT_ARRAY_SIZE(version_paths); i++) {
        if (strcmp(column, version_paths[i].column) == 0) {
            return expected_text(at_path(v, version_paths[i].path));
        }
    }
    if (strcmp(column, ":LABEL") == 0) {
        return mem_strdup("AWSLaunchTemplateVersion\x1fLaunchTemplateVersion");
    }
    if (strcmp(column, "create_time") == 0) {
        return unix_time_text(cJSON_GetObjectItemCaseSensitive(v, "CreateTime"));
    }
    if (strcmp(column, "region") == 0) {
        return mem_strdup(REGION);
    }
    if (strcmp(column, "security_group_ids:string[]") == 0) {
        return security_group_ids_text(data);
    }
    if (strcmp(column, "associates_public_ip:boolean") == 0) {
        return public_ip_text(data);
    }
    if (strcmp(column, "all_ebs_encrypted:boolean") == 0) {
        return all_ebs_encrypted_text(data);
    }
    if (strcmp(column, "user_data_sha256") == 0) {
        return user_data_hash_text(data);
    }
    if (strcmp(column, "user_data_secret_kinds:string[]") == 0) {
        return user_data_secret_kinds_text(data);
    }
    if (strcmp(column, "user_data") == 0) {
        return NULL; /* never written without --include-user-data */
    }
    if (strcmp(column, "launch_template_data") == 0) {
        return data_json_text(data);
    }
    *known = false;
    return NULL;
}

static char *expected_template_field(const char *column, const cJSON *t, bool *known)
{
    *known = true;
    if (strcmp(column, "launch_template_id") == 0) {
        return expected_text(at_path(t, "LaunchTemplateId"));
    }
    if (strcmp(column, "name") == 0) {
        return expected_text(at_path(t, "LaunchTemplateName"));
    }
    if (strcmp(column, "created_by") == 0) {
        return expected_text(at_path(t, "CreatedBy"));
    }
    if (strcmp(column, "default_version_number:long") == 0) {
        return expected_text(at_path(t, "DefaultVersionNumber"));
    }
    if (strcmp(column, "latest_version_number:long") == 0) {
        return expected_text(at_path(t, "LatestVersionNumber"));
    }
    if (strcmp(column, "create_time") == 0) {
        return unix_time_text(cJSON_GetObjectItemCaseSensitive(t, "CreateTime"));
    }
    if (strcmp(column, "region") == 0) {
        return mem_strdup(REGION);
    }
    if (strcmp(column, ":LABEL") == 0) {
        return mem_strdup("AWSLaunchTemplate\x1fLaunchTemplate");
    }
    *known = false;
    return NULL;
}

/* ---- the fixtures ---- */

struct input {
    cJSON *templates; /* every LaunchTemplates item of every page */
    cJSON *versions;
};

static void load_pages(const char *const *files, size_t n, struct model *m, size_t scope,
                       struct input *in)
{
    in->templates = cJSON_CreateArray();
    in->versions = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *text = tap_read_file(files[i], &len);
        struct ec2_page page = EC2_PAGE_INIT;
        struct aws_service_error svc = {NULL, NULL, NULL};
        struct lt_error err = LT_ERROR_INIT;
        EXPECT_OK(ec2_page_parse(text, len, EC2_PAGE_ACCEPT_ANY, &page, &svc, &err));
        cJSON *items = ec2_page_items_mutable(&page);
        bool versions = page.kind == EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS;
        /* Copied first: the model rewrites the versions' data in place. */
        const cJSON *item;
        cJSON_ArrayForEach(item, items) {
            cJSON_AddItemToArray(versions ? in->versions : in->templates, cJSON_Duplicate(item, 1));
        }
        EXPECT_OK(versions ? model_add_versions(m, scope, items, &err)
                           : model_add_templates(m, scope, items, &err));
        ec2_page_release(&page);
        aws_service_error_release(&svc);
        lt_error_release(&err);
        free(text);
    }
}

/* The input item a CSV row came from: first seen wins, as in the model. */
static const cJSON *find_input(const cJSON *items, const char *id, bool version)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        const char *tid = json_get_string(item, "LaunchTemplateId");
        if (!version) {
            if (strcmp(tid, id) == 0) {
                return item;
            }
            continue;
        }
        int64_t n;
        struct buf vid = BUF_INIT(256);
        if (json_get_int64(item, "VersionNumber", &n) &&
            buf_printf(&vid, "%s-%lld", tid, (long long)n) == LT_OK &&
            strcmp(buf_str(&vid), id) == 0) {
            buf_release(&vid);
            return item;
        }
        buf_release(&vid);
    }
    return NULL;
}

static size_t compare_file(const char *dir, const char *file, const cJSON *items, bool version)
{
    char *path = mem_strdup(testfs_path(dir, file));
    struct csv_table t;
    read_csv(path, &t);
    size_t checked = 0;
    EXPECT(t.nrows >= 1);
    for (size_t r = 1; r < t.nrows; r++) {
        const char *id = t.rows[r][0];
        const cJSON *in = find_input(items, id, version);
        if (!EXPECT(in != NULL)) {
            tap_note("%s: row '%s' has no input", file, id);
            continue;
        }
        EXPECT_INT(t.ncols[r], t.ncols[0]);
        for (size_t c = 1; c < t.ncols[0] && c < t.ncols[r]; c++) {
            bool known = false;
            char *want = version ? expected_version_field(t.rows[0][c], in, &known)
                                 : expected_template_field(t.rows[0][c], in, &known);
            if (!known) {
                tap_check(0, __FILE__, __LINE__, t.rows[0][c]);
                tap_note("column '%s' of %s is not compared with the input", t.rows[0][c], file);
                continue;
            }
            if (!want || !t.rows[r][c]) {
                if (!tap_check(want == t.rows[r][c], __FILE__, __LINE__, "absent in both")) {
                    tap_note("%s row '%s' column '%s': want %s, got %s", file, id, t.rows[0][c],
                             want ? want : "(absent)", t.rows[r][c] ? t.rows[r][c] : "(absent)");
                }
            } else if (strcmp(want, t.rows[r][c]) != 0) {
                tap_check(0, __FILE__, __LINE__, t.rows[0][c]);
                tap_note("%s row '%s' column '%s' differs from the input", file, id, t.rows[0][c]);
            }
            checked++;
            mem_free(want);
        }
    }
    free_csv(&t);
    mem_free(path);
    return checked;
}

static bool is_node(const struct csv_table *templates, const char *id)
{
    for (size_t r = 1; r < templates->nrows; r++) {
        if (strcmp(templates->rows[r][0], id) == 0) {
            return true;
        }
    }
    return false;
}

/* Every tag of every template that is a node (tombstoned ones have none) is a tag node. */
static void check_tags(const char *dir, const cJSON *templates)
{
    char *path = mem_strdup(testfs_path(dir, "nodes-aws-tag.csv"));
    struct csv_table t, nodes;
    read_csv(path, &t);
    read_csv(testfs_path(dir, "nodes-aws-launch-template.csv"), &nodes);
    size_t input_tags = 0;
    const cJSON *tmpl;
    cJSON_ArrayForEach(tmpl, templates) {
        if (!is_node(&nodes, json_get_string(tmpl, "LaunchTemplateId"))) {
            continue;
        }
        const cJSON *tag;
        cJSON_ArrayForEach(tag, json_get_array(tmpl, "Tags")) {
            input_tags++;
            const char *key = json_get_string(tag, "Key");
            const char *value = json_get_string(tag, "Value");
            bool found = false;
            for (size_t r = 1; r < t.nrows && !found; r++) {
                found = t.rows[r][2] && t.rows[r][3] && strcmp(t.rows[r][2], key) == 0 &&
                        strcmp(t.rows[r][3], value ? value : "") == 0;
            }
            if (!tap_check(found, __FILE__, __LINE__, "tag read back")) {
                tap_note("tag key '%s' not found in %s", key, path);
            }
        }
    }
    tap_note("%zu input tags found in nodes-aws-tag.csv", input_tags);
    free_csv(&nodes);
    free_csv(&t);
    mem_free(path);
}

static void check_set(const char *name, const char *const *files, size_t n, const char *outdir)
{
    tap_note("fixture set %s", name);
    struct model m;
    model_init(&m, NULL);
    size_t scope = model_scope(&m, ACCOUNT, REGION);
    struct input in;
    load_pages(files, n, &m, scope, &in);
    model_scope_set_status(&m, scope, MODEL_SCOPE_COMPLETE, NULL);
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(model_finish(&m, &err));
    char *dir = testfs_join(outdir, name);
    struct snapshot_options so = {
        dir, {"templates", false, 0}, {"convert", false, 0, false, 0, false}};
    EXPECT_OK(snapshot_write(&m, &so, &err));
    if (err.code) {
        tap_note("%s", lt_error_message(&err));
    }
    size_t checked = compare_file(dir, "nodes-aws-launch-template.csv", in.templates, false);
    checked += compare_file(dir, "nodes-aws-launch-template-version.csv", in.versions, true);
    tap_note("%zu values compared with the input", checked);
    EXPECT(checked > 0);
    check_tags(dir, in.templates);
    cJSON_Delete(in.templates);
    cJSON_Delete(in.versions);
    lt_error_release(&err);
    model_release(&m);
    mem_free(dir);
}

/*
 * Regression: a tag's node id is its key and value, so a 100 KB value made
 * an id longer than the buffer naming the row in messages, and writing
 * failed ("nodes-aws-tag.csv: id too long"). The value must read back whole.
 */
static void check_long_tag(const char *outdir)
{
    tap_note("a tag value of 100 KB");
    struct buf value = BUF_INIT(BUF_MAX_LARGE);
    for (size_t i = 0; i < 100000 / 10; i++) {
        EXPECT_OK(buf_adds(&value, "\\u00e9;'\\\\\\\"x\\n//")); /* JSON text: 10 bytes decoded */
    }
    struct buf page = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(
        buf_printf(&page,
                   "{\"LaunchTemplates\": [{\"LaunchTemplateId\": \"lt-0123456789abcdef0\", "
                   "\"LaunchTemplateName\": \"long-tag\", \"DefaultVersionNumber\": 1, "
                   "\"LatestVersionNumber\": 1, \"Tags\": [{\"Key\": \"k\", \"Value\": \"%s\"}]}]}",
                   buf_str(&value)));
    struct model m;
    model_init(&m, NULL);
    size_t scope = model_scope(&m, ACCOUNT, REGION);
    struct ec2_page pg = EC2_PAGE_INIT;
    struct aws_service_error svc = {NULL, NULL, NULL};
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(ec2_page_parse(buf_str(&page), page.len, EC2_PAGE_ACCEPT_ANY, &pg, &svc, &err));
    EXPECT_OK(model_add_templates(&m, scope, ec2_page_items(&pg), &err));
    static const char version[] =
        "{\"LaunchTemplateVersions\": [{\"LaunchTemplateId\": \"lt-0123456789abcdef0\", "
        "\"VersionNumber\": 1, \"DefaultVersion\": true}]}";
    struct ec2_page vp = EC2_PAGE_INIT;
    EXPECT_OK(ec2_page_parse(version, strlen(version), EC2_PAGE_ACCEPT_ANY, &vp, &svc, &err));
    EXPECT_OK(model_add_versions(&m, scope, ec2_page_items_mutable(&vp), &err));
    ec2_page_release(&vp);
    model_scope_set_status(&m, scope, MODEL_SCOPE_COMPLETE, NULL);
    EXPECT_OK(model_finish(&m, &err));
    char *dir = testfs_join(outdir, "long-tag");
    struct snapshot_options so = {
        dir, {"templates", false, 0}, {"convert", false, 0, false, 0, false}};
    EXPECT_OK(snapshot_write(&m, &so, &err));
    if (err.code) {
        tap_note("%s", lt_error_message(&err));
    }
    const cJSON *tags = json_get_array(ec2_page_items(&pg)->child, "Tags");
    const char *want = json_get_string(tags ? tags->child : NULL, "Value");
    EXPECT(want && strlen(want) == 100000);
    struct csv_table t;
    read_csv(testfs_path(dir, "nodes-aws-tag.csv"), &t);
    EXPECT_INT(t.nrows, 2);
    if (t.nrows == 2 && want) {
        EXPECT_STR(t.rows[1][3], want);
    }
    free_csv(&t);
    ec2_page_release(&pg);
    aws_service_error_release(&svc);
    lt_error_release(&err);
    model_release(&m);
    mem_free(dir);
    buf_release(&page);
    buf_release(&value);
}

int main(int argc, char **argv)
{
    (void)argc;
    json_use_mem_hooks();
    char *out = testfs_outdir(argv[0], "readback");
    static const char *const basic[] = {
        "fixtures/ec2-xml/basic/describe-launch-templates-1.xml",
        "fixtures/ec2-xml/basic/describe-launch-templates-2.xml",
        "fixtures/ec2-xml/basic/describe-launch-template-versions-1.xml",
        "fixtures/ec2-xml/basic/describe-launch-template-versions-2.xml",
        "fixtures/ec2-xml/basic/describe-launch-template-versions-3.xml",
    };
    static const char *const full[] = {
        "fixtures/awscli-json/full-data/describe-launch-templates.json",
        "fixtures/awscli-json/full-data/describe-launch-template-versions.json",
    };
    static const char *const hostile[] = {
        "fixtures/hostile/describe-launch-templates.json",
        "fixtures/hostile/describe-launch-template-versions.json",
    };
    check_set("basic", basic, LT_ARRAY_SIZE(basic), out);
    check_set("full-data", full, LT_ARRAY_SIZE(full), out);
    check_set("hostile", hostile, LT_ARRAY_SIZE(hostile), out);
    check_long_tag(out);
    mem_free(out);
    return tap_done();
}
