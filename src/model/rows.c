#include "model/rows.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "model/secrets.h"

void rows_set_string(struct model_value *v, const char *s)
{
    if (!s) {
        return;
    }
    v->present = true;
    v->len = strlen(s);
    v->str = mem_strndup(s, v->len);
}

static void set_long(struct model_value *v, const cJSON *obj, const char *key)
{
    int64_t n;
    if (obj && json_get_int64(obj, key, &n)) {
        v->present = true;
        v->num = n;
    }
}

static void set_bool(struct model_value *v, const cJSON *obj, const char *key)
{
    int b = obj ? json_get_bool(obj, key) : -1;
    if (b >= 0) {
        v->present = true;
        v->flag = b == 1;
    }
}

static void set_str(struct model_value *v, const cJSON *obj, const char *key)
{
    if (obj) {
        rows_set_string(v, json_get_string(obj, key));
    }
}

/* Appends s to the array value unless already there (first-seen order). */
static void array_add_unique(struct model_value *v, const char *s)
{
    for (size_t i = 0; i < v->nitems; i++) {
        if (strcmp(v->items[i], s) == 0) {
            return;
        }
    }
    v->items = mem_realloc_array(v->items, v->nitems + 1, sizeof(*v->items));
    v->items[v->nitems++] = mem_strdup(s);
    v->present = true;
}

static void array_add_strings(struct model_value *v, const cJSON *list)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        if (cJSON_IsString(item)) {
            array_add_unique(v, item->valuestring);
        }
    }
}

/*
 * Cartography stores create_time as Unix seconds rendered as a string
 * ("1634020072"); timestamps arrive in the canonical ISO form.
 */
static enum lt_rc set_unix_time_string(struct model_value *v, const cJSON *obj, const char *key,
                                       struct lt_error *err)
{
    const char *s = json_get_string(obj, key);
    if (!s) {
        return LT_OK;
    }
    int64_t secs;
    int ms;
    if (!clock_parse_iso8601(s, &secs, &ms)) {
        return lt_fail(err, LT_E_INPUT, "%s: invalid timestamp '%s'", key, s);
    }
    struct buf b = BUF_INIT(32);
    if (buf_printf(&b, "%lld", (long long)secs) != LT_OK) {
        return lt_fail(err, LT_E_INTERNAL, "cannot format a timestamp");
    }
    v->present = true;
    v->str = buf_detach(&b, &v->len);
    return LT_OK;
}

static enum lt_rc take_tags(const cJSON *t, struct rows_tag **tags, size_t *ntags,
                            struct lt_error *err)
{
    const cJSON *list = json_get_array(t, "Tags");
    size_t n = (size_t)cJSON_GetArraySize(list);
    *tags = n ? mem_calloc(n, sizeof(**tags)) : NULL;
    *ntags = 0;
    const cJSON *tag;
    cJSON_ArrayForEach(tag, list) {
        const char *key = json_get_string(tag, "Key");
        const char *value = json_get_string(tag, "Value");
        if (!key) {
            return lt_fail(err, LT_E_INPUT, "Tags[%zu]: missing Key", *ntags);
        }
        (*tags)[*ntags].key = mem_strdup(key);
        /* AWS always sends a value; treat a missing one as the empty string it stands for. */
        (*tags)[*ntags].value = mem_strdup(value ? value : "");
        (*ntags)++;
    }
    return LT_OK;
}

enum lt_rc rows_template(const cJSON *t, const char *region, struct model_row *row,
                         struct rows_tag **tags, size_t *ntags, struct lt_error *err)
{
    struct model_value *v = mem_calloc(TEMPLATE_PROP_COUNT, sizeof(*v));
    row->values = v;
    *tags = NULL;
    *ntags = 0;
    set_str(&v[TEMPLATE_ID], t, "LaunchTemplateId");
    set_str(&v[TEMPLATE_LAUNCH_TEMPLATE_ID], t, "LaunchTemplateId");
    set_str(&v[TEMPLATE_NAME], t, "LaunchTemplateName");
    set_str(&v[TEMPLATE_CREATED_BY], t, "CreatedBy");
    set_long(&v[TEMPLATE_DEFAULT_VERSION_NUMBER], t, "DefaultVersionNumber");
    set_long(&v[TEMPLATE_LATEST_VERSION_NUMBER], t, "LatestVersionNumber");
    rows_set_string(&v[TEMPLATE_REGION], region);
    if (!v[TEMPLATE_ID].present || v[TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    LT_TRY(set_unix_time_string(&v[TEMPLATE_CREATE_TIME], t, "CreateTime", err));
    return take_tags(t, tags, ntags, err);
}

/* true if any interface associates a public IP, false if one says no, absent if none says. */
static void set_associates_public_ip(struct model_value *v, const cJSON *data)
{
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
        int b = json_get_bool(ni, "AssociatePublicIpAddress");
        if (b == 1) {
            v->present = true;
            v->flag = true;
            return;
        }
        if (b == 0) {
            v->present = true;
        }
    }
}

/* true when there is at least one EBS mapping and every one has Encrypted=true. */
static void set_all_ebs_encrypted(struct model_value *v, const cJSON *data)
{
    const cJSON *bdm;
    bool all = true;
    cJSON_ArrayForEach(bdm, json_get_array(data, "BlockDeviceMappings")) {
        const cJSON *ebs = json_get_object(bdm, "Ebs");
        if (ebs) {
            v->present = true;
            all = all && json_get_bool(ebs, "Encrypted") == 1;
        }
    }
    v->flag = v->present && all;
}

/* Security groups may be set for the instance or per network interface: both count. */
static void set_security_group_ids(struct model_value *v, const cJSON *data)
{
    array_add_strings(v, json_get_array(data, "SecurityGroupIds"));
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
        array_add_strings(v, json_get_array(ni, "Groups"));
    }
}

/*
 * The kinds of secret the decoded user data seems to hold, sorted (the kinds
 * only: user data itself is kept only with --include-user-data).
 */
static void set_secret_kinds(struct model_value *v, const struct buf *raw)
{
    unsigned kinds = secrets_scan(raw->ptr ? raw->ptr : "", raw->len);
    for (int k = 0; k < SECRETS_KIND_COUNT; k++) {
        if (kinds & (1u << k)) {
            array_add_unique(v, secrets_kind_name((enum secrets_kind)k));
        }
    }
}

static enum lt_rc set_user_data(struct model_value *v, bool include, const cJSON *data,
                                struct lt_error *err)
{
    const char *b64 = json_get_string(data, "UserData");
    if (!b64) {
        return LT_OK;
    }
    struct buf raw = BUF_INIT(BUF_MAX_LARGE);
    struct buf hex = BUF_INIT(HASH_SHA256_HEX_LEN + 1);
    enum lt_rc rc = hash_base64_decode(&raw, b64, strlen(b64));
    if (rc != LT_OK) {
        rc = lt_fail(err, LT_E_INPUT, "LaunchTemplateData.UserData: not valid base64");
    } else if (hash_sha256_hex(&hex, raw.ptr ? raw.ptr : "", raw.len) != LT_OK) {
        rc = lt_fail(err, LT_E_INTERNAL, "cannot hash user data");
    } else {
        v[VERSION_USER_DATA_SHA256].present = true;
        v[VERSION_USER_DATA_SHA256].str = buf_detach(&hex, &v[VERSION_USER_DATA_SHA256].len);
        set_secret_kinds(&v[VERSION_USER_DATA_SECRET_KINDS], &raw);
        if (include) {
            rows_set_string(&v[VERSION_USER_DATA], b64);
        }
    }
    buf_release_secret(&raw);
    buf_release(&hex);
    return rc;
}

/* The whole LaunchTemplateData as canonical JSON; user data only when asked for. */
static enum lt_rc set_data_json(struct model_value *v, bool include_user_data, const cJSON *data,
                                struct lt_error *err)
{
    cJSON *copy = cJSON_Duplicate(data, 1);
    if (!copy) {
        return lt_fail(err, LT_E_INTERNAL, "cannot copy LaunchTemplateData");
    }
    if (!include_user_data) {
        cJSON_DeleteItemFromObjectCaseSensitive(copy, "UserData");
    }
    struct buf b = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = json_canonical(copy, &b);
    cJSON_Delete(copy);
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot serialise LaunchTemplateData");
    }
    v->present = true;
    v->str = buf_detach(&b, &v->len);
    return LT_OK;
}

static void set_data_fields(struct model_value *v, const cJSON *data)
{
    const cJSON *profile = json_get_object(data, "IamInstanceProfile");
    const cJSON *monitoring = json_get_object(data, "Monitoring");
    const cJSON *metadata = json_get_object(data, "MetadataOptions");
    set_str(&v[VERSION_KERNEL_ID], data, "KernelId");
    set_bool(&v[VERSION_EBS_OPTIMIZED], data, "EbsOptimized");
    set_str(&v[VERSION_IAM_INSTANCE_PROFILE_ARN], profile, "Arn");
    set_str(&v[VERSION_IAM_INSTANCE_PROFILE_NAME], profile, "Name");
    set_str(&v[VERSION_IMAGE_ID], data, "ImageId");
    set_str(&v[VERSION_INSTANCE_TYPE], data, "InstanceType");
    set_str(&v[VERSION_KEY_NAME], data, "KeyName");
    set_bool(&v[VERSION_MONITORING_ENABLED], monitoring, "Enabled");
    set_str(&v[VERSION_RAMDISK_ID], data, "RamDiskId");
    set_bool(&v[VERSION_DISABLE_API_TERMINATION], data, "DisableApiTermination");
    set_str(&v[VERSION_INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR], data,
            "InstanceInitiatedShutdownBehavior");
    set_security_group_ids(&v[VERSION_SECURITY_GROUP_IDS], data);
    array_add_strings(&v[VERSION_SECURITY_GROUPS], json_get_array(data, "SecurityGroups"));
    set_str(&v[VERSION_HTTP_TOKENS], metadata, "HttpTokens");
    set_str(&v[VERSION_HTTP_ENDPOINT], metadata, "HttpEndpoint");
    set_long(&v[VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT], metadata, "HttpPutResponseHopLimit");
    set_associates_public_ip(&v[VERSION_ASSOCIATES_PUBLIC_IP], data);
    set_all_ebs_encrypted(&v[VERSION_ALL_EBS_ENCRYPTED], data);
}

static enum lt_rc set_version_id(struct model_value *v, struct lt_error *err)
{
    struct buf id = BUF_INIT(BUF_MAX_SMALL);
    if (buf_printf(&id, "%s-%lld", v[VERSION_LAUNCH_TEMPLATE_ID].str,
                   (long long)v[VERSION_VERSION_NUMBER].num) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "LaunchTemplateId too long");
    }
    v[VERSION_ID].present = true;
    v[VERSION_ID].str = buf_detach(&id, &v[VERSION_ID].len);
    return LT_OK;
}

enum lt_rc rows_version(const cJSON *ver, const char *region, bool include_user_data,
                        struct model_row *row, struct lt_error *err)
{
    struct model_value *v = mem_calloc(VERSION_PROP_COUNT, sizeof(*v));
    row->values = v;
    set_str(&v[VERSION_LAUNCH_TEMPLATE_ID], ver, "LaunchTemplateId");
    set_long(&v[VERSION_VERSION_NUMBER], ver, "VersionNumber");
    if (!v[VERSION_LAUNCH_TEMPLATE_ID].present || v[VERSION_LAUNCH_TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    if (!v[VERSION_VERSION_NUMBER].present || v[VERSION_VERSION_NUMBER].num < 1) {
        return lt_fail(err, LT_E_INPUT, "missing or invalid VersionNumber");
    }
    LT_TRY(set_version_id(v, err));
    set_str(&v[VERSION_NAME], ver, "LaunchTemplateName");
    set_str(&v[VERSION_CREATED_BY], ver, "CreatedBy");
    set_bool(&v[VERSION_DEFAULT_VERSION], ver, "DefaultVersion");
    set_str(&v[VERSION_VERSION_DESCRIPTION], ver, "VersionDescription");
    rows_set_string(&v[VERSION_REGION], region);
    LT_TRY(set_unix_time_string(&v[VERSION_CREATE_TIME], ver, "CreateTime", err));
    const cJSON *data = json_get_object(ver, "LaunchTemplateData");
    if (!data) {
        return LT_OK;
    }
    set_data_fields(v, data);
    LT_TRY(set_user_data(v, include_user_data, data, err));
    return set_data_json(&v[VERSION_LAUNCH_TEMPLATE_DATA], include_user_data, data, err);
}

void rows_release(struct model_row *row, size_t nprops)
{
    if (!row->values) {
        return;
    }
    for (size_t i = 0; i < nprops; i++) {
        struct model_value *v = &row->values[i];
        mem_free(v->str);
        for (size_t k = 0; k < v->nitems; k++) {
            mem_free(v->items[k]);
        }
        mem_free(v->items);
    }
    mem_free(row->values);
    row->values = NULL;
}

void rows_tags_release(struct rows_tag *tags, size_t ntags)
{
    for (size_t i = 0; i < ntags; i++) {
        mem_free(tags[i].key);
        mem_free(tags[i].value);
    }
    mem_free(tags);
}
