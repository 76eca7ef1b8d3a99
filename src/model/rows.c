#include "model/rows.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "model/secrets.h"

/* Record bytes: the presence of a property. */
enum { REC_ABSENT = 0, REC_PRESENT = 1 };

/* The largest property count of any node (the version's). */
#define ROWS_MAX_PROPS VERSION_PROP_COUNT

/* A set of borrowed strings in first-seen order, without repeats. */
struct strset {
    const char **p;
    size_t n, cap;
    const char *inline_items[8];
};

static void strset_init(struct strset *s)
{
    s->p = s->inline_items;
    s->n = 0;
    s->cap = LT_ARRAY_SIZE(s->inline_items);
}

static void strset_release(struct strset *s)
{
    if (s->p != s->inline_items) {
        mem_free(s->p);
    }
    strset_init(s);
}

static void strset_add_unique(struct strset *s, const char *item)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->p[i], item) == 0) {
            return;
        }
    }
    if (s->n == s->cap) {
        const char **p = mem_calloc(s->cap * 2, sizeof(*p));
        memcpy(p, s->p, s->n * sizeof(*p));
        if (s->p != s->inline_items) {
            mem_free(s->p);
        }
        s->p = p;
        s->cap *= 2;
    }
    s->p[s->n++] = item;
}

static void strset_add_strings(struct strset *s, const cJSON *list)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        if (cJSON_IsString(item)) {
            strset_add_unique(s, item->valuestring);
        }
    }
}

/* One property value while a row is built; strings are borrowed. */
struct val {
    bool present;
    const char *str;
    size_t len;
    int64_t num;
    bool flag;
    struct strset *items; /* SCHEMA_STRING_ARRAY; present only when it holds something */
};

static void set_string(struct val *v, const char *s)
{
    if (s) {
        v->present = true;
        v->str = s;
        v->len = strlen(s);
    }
}

/* The setters below take a member json_pick found (NULL when absent). */
static void set_long(struct val *v, const cJSON *member)
{
    int64_t n;
    if (json_int64(member, &n)) {
        v->present = true;
        v->num = n;
    }
}

static void set_bool(struct val *v, const cJSON *member)
{
    int b = json_bool(member);
    if (b >= 0) {
        v->present = true;
        v->flag = b == 1;
    }
}

static void set_str(struct val *v, const cJSON *member)
{
    set_string(v, json_string(member));
}

static const cJSON *as_object(const cJSON *member)
{
    return cJSON_IsObject(member) ? member : NULL;
}

static const cJSON *as_array(const cJSON *member)
{
    return cJSON_IsArray(member) ? member : NULL;
}

static void set_items(struct val *v, struct strset *s)
{
    v->items = s;
    v->present = s->n > 0;
}

/* ---- encoding ---- */

static enum lt_rc put(struct buf *rec, const void *p, size_t n)
{
    return buf_add(rec, p, n);
}

static enum lt_rc put_u8(struct buf *rec, unsigned char c)
{
    return buf_add(rec, &c, 1);
}

static enum lt_rc put_string(struct buf *rec, const char *s, size_t n)
{
    if (n > UINT32_MAX) {
        return LT_E_LIMIT;
    }
    uint32_t len = (uint32_t)n;
    LT_TRY(put(rec, &len, sizeof(len)));
    LT_TRY(put(rec, s, n));
    return put_u8(rec, 0);
}

static enum lt_rc put_value(struct buf *rec, enum schema_type type, const struct val *v)
{
    if (!v->present) {
        return put_u8(rec, REC_ABSENT);
    }
    LT_TRY(put_u8(rec, REC_PRESENT));
    switch (type) {
    case SCHEMA_STRING:
        return put_string(rec, v->str, v->len);
    case SCHEMA_LONG:
        return put(rec, &v->num, sizeof(v->num));
    case SCHEMA_BOOLEAN:
        return put_u8(rec, v->flag ? 1 : 0);
    case SCHEMA_STRING_ARRAY: {
        uint32_t n = (uint32_t)v->items->n;
        LT_TRY(put(rec, &n, sizeof(n)));
        for (size_t i = 0; i < v->items->n; i++) {
            LT_TRY(put_string(rec, v->items->p[i], strlen(v->items->p[i])));
        }
        return LT_OK;
    }
    }
    return LT_E_INTERNAL;
}

static enum lt_rc put_row(struct buf *rec, enum schema_node_kind k, const struct val *v,
                          struct lt_error *err)
{
    const struct schema_node *n = &schema_nodes[k];
    for (size_t i = 0; i < n->nprops; i++) {
        if (put_value(rec, n->props[i].type, &v[i]) != LT_OK) {
            return lt_fail(err, LT_E_LIMIT, "%s: row too large", n->label);
        }
    }
    return LT_OK;
}

enum lt_rc rows_strings(struct buf *rec, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        LT_TRY(put_u8(rec, REC_PRESENT));
        LT_TRY(put_string(rec, values[i], strlen(values[i])));
    }
    return LT_OK;
}

/* ---- templates ---- */

/*
 * Cartography stores create_time as Unix seconds rendered as a string
 * ("1634020072"); timestamps arrive in the canonical ISO form. text must
 * hold 24 bytes.
 */
static enum lt_rc set_unix_time_string(struct val *v, char *text, const cJSON *member,
                                       struct lt_error *err)
{
    const char *s = json_string(member);
    if (!s) {
        return LT_OK;
    }
    int64_t secs;
    int ms;
    if (!clock_parse_iso8601(s, &secs, &ms)) {
        return lt_fail(err, LT_E_INPUT, "%s: invalid timestamp '%s'", member->string, s);
    }
    /* Decimal digits of secs, written backwards. */
    char digits[24];
    size_t n = 0;
    uint64_t u = secs < 0 ? 0 - (uint64_t)secs : (uint64_t)secs;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (secs < 0) {
        text[len++] = '-';
    }
    while (n) {
        text[len++] = digits[--n];
    }
    text[len] = '\0';
    v->present = true;
    v->str = text;
    v->len = len;
    return LT_OK;
}

static enum lt_rc put_tags(struct buf *rec, const cJSON *list, struct lt_error *err)
{
    uint32_t n = 0;
    const cJSON *tag;
    cJSON_ArrayForEach(tag, list) {
        if (!json_get_string(tag, "Key")) {
            return lt_fail(err, LT_E_INPUT, "Tags[%u]: missing Key", n);
        }
        n++;
    }
    enum lt_rc rc = put(rec, &n, sizeof(n));
    cJSON_ArrayForEach(tag, list) {
        const char *key = json_get_string(tag, "Key");
        const char *value = json_get_string(tag, "Value");
        /* AWS always sends a value; treat a missing one as the empty string it stands for. */
        value = value ? value : "";
        if (rc == LT_OK) {
            rc = put_string(rec, key, strlen(key));
        }
        if (rc == LT_OK) {
            rc = put_string(rec, value, strlen(value));
        }
    }
    return rc == LT_OK ? LT_OK : lt_fail(err, LT_E_LIMIT, "Tags: too large");
}

enum lt_rc rows_template(const cJSON *t, const char *region, struct buf *rec, struct rows_key *key,
                         struct lt_error *err)
{
    enum { ID, NAME, CREATED_BY, DEFAULT_NUMBER, LATEST_NUMBER, CREATE_TIME, TAGS, COUNT };
    static const char *const names[COUNT] = {
        [ID] = "LaunchTemplateId",
        [NAME] = "LaunchTemplateName",
        [CREATED_BY] = "CreatedBy",
        [DEFAULT_NUMBER] = "DefaultVersionNumber",
        [LATEST_NUMBER] = "LatestVersionNumber",
        [CREATE_TIME] = "CreateTime",
        [TAGS] = "Tags",
    };
    cJSON *m[COUNT];
    json_pick(t, names, COUNT, m);
    struct val v[TEMPLATE_PROP_COUNT];
    memset(v, 0, sizeof(v));
    char create_time[24];
    set_str(&v[TEMPLATE_ID], m[ID]);
    set_str(&v[TEMPLATE_LAUNCH_TEMPLATE_ID], m[ID]);
    set_str(&v[TEMPLATE_NAME], m[NAME]);
    set_str(&v[TEMPLATE_CREATED_BY], m[CREATED_BY]);
    set_long(&v[TEMPLATE_DEFAULT_VERSION_NUMBER], m[DEFAULT_NUMBER]);
    set_long(&v[TEMPLATE_LATEST_VERSION_NUMBER], m[LATEST_NUMBER]);
    set_string(&v[TEMPLATE_REGION], region);
    if (!v[TEMPLATE_ID].present || v[TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    LT_TRY(set_unix_time_string(&v[TEMPLATE_CREATE_TIME], create_time, m[CREATE_TIME], err));
    size_t start = rec->len;
    enum lt_rc rc = put_row(rec, SCHEMA_NODE_TEMPLATE, v, err);
    if (rc == LT_OK) {
        rc = put_tags(rec, as_array(m[TAGS]), err);
    }
    if (rc != LT_OK) {
        buf_truncate(rec, start);
        return rc;
    }
    key->template_id = v[TEMPLATE_ID].str;
    key->number = v[TEMPLATE_LATEST_VERSION_NUMBER].num;
    key->has_number = v[TEMPLATE_LATEST_VERSION_NUMBER].present;
    return LT_OK;
}

/* ---- versions ---- */

/* true if any interface associates a public IP, false if one says no, absent if none says. */
static void set_associates_public_ip(struct val *v, const cJSON *interfaces)
{
    const cJSON *ni;
    cJSON_ArrayForEach(ni, interfaces) {
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
static void set_all_ebs_encrypted(struct val *v, const cJSON *mappings)
{
    const cJSON *bdm;
    bool all = true;
    cJSON_ArrayForEach(bdm, mappings) {
        const cJSON *ebs = json_get_object(bdm, "Ebs");
        if (ebs) {
            v->present = true;
            all = all && json_get_bool(ebs, "Encrypted") == 1;
        }
    }
    v->flag = v->present && all;
}

/* Security groups may be set for the instance or per network interface: both count. */
static void collect_security_group_ids(struct strset *s, const cJSON *ids, const cJSON *interfaces)
{
    strset_add_strings(s, ids);
    const cJSON *ni;
    cJSON_ArrayForEach(ni, interfaces) {
        strset_add_strings(s, json_get_array(ni, "Groups"));
    }
}

/* The scratch space a version's computed values live in until its record is written. */
struct rows_scratch {
    struct buf id;
    struct buf user_data_sha256;
    struct buf data_json;
    struct buf user_data;
    struct strset group_ids, groups, secret_kinds;
    char create_time[24];
};

struct rows_scratch *rows_scratch_new(void)
{
    struct rows_scratch *x = mem_calloc(1, sizeof(*x));
    buf_init(&x->id, BUF_MAX_SMALL);
    buf_init(&x->user_data_sha256, HASH_SHA256_HEX_LEN + 1);
    buf_init(&x->data_json, BUF_MAX_LARGE);
    buf_init(&x->user_data, BUF_MAX_LARGE);
    strset_init(&x->group_ids);
    strset_init(&x->groups);
    strset_init(&x->secret_kinds);
    return x;
}

void rows_scratch_free(struct rows_scratch *x)
{
    if (!x) {
        return;
    }
    buf_release(&x->id);
    buf_release(&x->user_data_sha256);
    buf_release(&x->data_json);
    buf_release_secret(&x->user_data);
    strset_release(&x->group_ids);
    strset_release(&x->groups);
    strset_release(&x->secret_kinds);
    mem_free(x);
}

/*
 * The kinds of secret the decoded user data seems to hold, in kind order (the
 * kinds only: user data itself is kept only with --include-user-data).
 */
static void set_secret_kinds(struct val *v, struct strset *kinds, const struct buf *raw)
{
    unsigned found = secrets_scan(raw->ptr ? raw->ptr : "", raw->len);
    for (int k = 0; k < SECRETS_KIND_COUNT; k++) {
        if (found & (1u << k)) {
            strset_add_unique(kinds, secrets_kind_name((enum secrets_kind)k));
        }
    }
    set_items(v, kinds);
}

static enum lt_rc set_user_data(struct val *v, struct rows_scratch *x, bool include,
                                const cJSON *member, struct lt_error *err)
{
    const char *b64 = json_string(member);
    if (!b64) {
        return LT_OK;
    }
    struct buf *raw = &x->user_data;
    buf_reset(raw);
    enum lt_rc rc = hash_base64_decode(raw, b64, strlen(b64));
    if (rc != LT_OK) {
        rc = lt_fail(err, LT_E_INPUT, "LaunchTemplateData.UserData: not valid base64");
    } else if (hash_sha256_hex(&x->user_data_sha256, buf_str(raw), raw->len) != LT_OK) {
        rc = lt_fail(err, LT_E_INTERNAL, "cannot hash user data");
    } else {
        v[VERSION_USER_DATA_SHA256].present = true;
        v[VERSION_USER_DATA_SHA256].str = buf_str(&x->user_data_sha256);
        v[VERSION_USER_DATA_SHA256].len = x->user_data_sha256.len;
        set_secret_kinds(&v[VERSION_USER_DATA_SECRET_KINDS], &x->secret_kinds, raw);
        if (include) {
            set_string(&v[VERSION_USER_DATA], b64);
        }
    }
    if (raw->ptr) {
        mem_cleanse(raw->ptr, raw->len); /* user data may hold secrets: wiped after each use */
    }
    return rc;
}

/*
 * The whole LaunchTemplateData as canonical JSON; user data only when asked
 * for. The data is canonicalised in place rather than copied: the user data
 * is taken out for the printing and put back after.
 */
static enum lt_rc set_data_json(struct val *v, struct buf *out, cJSON *data, cJSON *user_data,
                                struct lt_error *err)
{
    if (user_data) {
        cJSON_DetachItemViaPointer(data, user_data);
    }
    enum lt_rc rc = json_canonical(data, out);
    if (user_data) {
        cJSON_AddItemToArray(data, user_data); /* keeps its key: an object's members are a list */
    }
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot serialise LaunchTemplateData");
    }
    v->present = true;
    v->str = buf_str(out);
    v->len = out->len;
    return LT_OK;
}

/* The members of LaunchTemplateData that rows are made of, found in one pass. */
enum data_member {
    DATA_KERNEL_ID,
    DATA_EBS_OPTIMIZED,
    DATA_IAM_INSTANCE_PROFILE,
    DATA_IMAGE_ID,
    DATA_INSTANCE_TYPE,
    DATA_KEY_NAME,
    DATA_MONITORING,
    DATA_RAM_DISK_ID,
    DATA_DISABLE_API_TERMINATION,
    DATA_SHUTDOWN_BEHAVIOR,
    DATA_SECURITY_GROUP_IDS,
    DATA_SECURITY_GROUPS,
    DATA_NETWORK_INTERFACES,
    DATA_METADATA_OPTIONS,
    DATA_BLOCK_DEVICE_MAPPINGS,
    DATA_USER_DATA,
    DATA_MEMBER_COUNT
};

static const char *const data_member_names[DATA_MEMBER_COUNT] = {
    [DATA_KERNEL_ID] = "KernelId",
    [DATA_EBS_OPTIMIZED] = "EbsOptimized",
    [DATA_IAM_INSTANCE_PROFILE] = "IamInstanceProfile",
    [DATA_IMAGE_ID] = "ImageId",
    [DATA_INSTANCE_TYPE] = "InstanceType",
    [DATA_KEY_NAME] = "KeyName",
    [DATA_MONITORING] = "Monitoring",
    [DATA_RAM_DISK_ID] = "RamDiskId",
    [DATA_DISABLE_API_TERMINATION] = "DisableApiTermination",
    [DATA_SHUTDOWN_BEHAVIOR] = "InstanceInitiatedShutdownBehavior",
    [DATA_SECURITY_GROUP_IDS] = "SecurityGroupIds",
    [DATA_SECURITY_GROUPS] = "SecurityGroups",
    [DATA_NETWORK_INTERFACES] = "NetworkInterfaces",
    [DATA_METADATA_OPTIONS] = "MetadataOptions",
    [DATA_BLOCK_DEVICE_MAPPINGS] = "BlockDeviceMappings",
    [DATA_USER_DATA] = "UserData",
};

static void set_data_fields(struct val *v, struct rows_scratch *x, cJSON *const *m)
{
    const cJSON *profile = as_object(m[DATA_IAM_INSTANCE_PROFILE]);
    const cJSON *monitoring = as_object(m[DATA_MONITORING]);
    const cJSON *metadata = as_object(m[DATA_METADATA_OPTIONS]);
    const cJSON *interfaces = as_array(m[DATA_NETWORK_INTERFACES]);
    set_str(&v[VERSION_KERNEL_ID], m[DATA_KERNEL_ID]);
    set_bool(&v[VERSION_EBS_OPTIMIZED], m[DATA_EBS_OPTIMIZED]);
    set_string(&v[VERSION_IAM_INSTANCE_PROFILE_ARN], json_get_string(profile, "Arn"));
    set_string(&v[VERSION_IAM_INSTANCE_PROFILE_NAME], json_get_string(profile, "Name"));
    set_str(&v[VERSION_IMAGE_ID], m[DATA_IMAGE_ID]);
    set_str(&v[VERSION_INSTANCE_TYPE], m[DATA_INSTANCE_TYPE]);
    set_str(&v[VERSION_KEY_NAME], m[DATA_KEY_NAME]);
    set_bool(&v[VERSION_MONITORING_ENABLED],
             cJSON_GetObjectItemCaseSensitive(monitoring, "Enabled"));
    set_str(&v[VERSION_RAMDISK_ID], m[DATA_RAM_DISK_ID]);
    set_bool(&v[VERSION_DISABLE_API_TERMINATION], m[DATA_DISABLE_API_TERMINATION]);
    set_str(&v[VERSION_INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR], m[DATA_SHUTDOWN_BEHAVIOR]);
    collect_security_group_ids(&x->group_ids, as_array(m[DATA_SECURITY_GROUP_IDS]), interfaces);
    set_items(&v[VERSION_SECURITY_GROUP_IDS], &x->group_ids);
    strset_add_strings(&x->groups, as_array(m[DATA_SECURITY_GROUPS]));
    set_items(&v[VERSION_SECURITY_GROUPS], &x->groups);
    set_string(&v[VERSION_HTTP_TOKENS], json_get_string(metadata, "HttpTokens"));
    set_string(&v[VERSION_HTTP_ENDPOINT], json_get_string(metadata, "HttpEndpoint"));
    set_long(&v[VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT],
             cJSON_GetObjectItemCaseSensitive(metadata, "HttpPutResponseHopLimit"));
    set_associates_public_ip(&v[VERSION_ASSOCIATES_PUBLIC_IP], interfaces);
    set_all_ebs_encrypted(&v[VERSION_ALL_EBS_ENCRYPTED], as_array(m[DATA_BLOCK_DEVICE_MAPPINGS]));
}

static enum lt_rc set_version_id(struct val *v, struct buf *id, struct lt_error *err)
{
    if (buf_add(id, v[VERSION_LAUNCH_TEMPLATE_ID].str, v[VERSION_LAUNCH_TEMPLATE_ID].len) !=
            LT_OK ||
        buf_addc(id, '-') != LT_OK || buf_add_int(id, v[VERSION_VERSION_NUMBER].num) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "LaunchTemplateId too long");
    }
    v[VERSION_ID].present = true;
    v[VERSION_ID].str = buf_str(id);
    v[VERSION_ID].len = id->len;
    return LT_OK;
}

static enum lt_rc data_values(cJSON *data, bool include_user_data, struct val *v,
                              struct rows_scratch *x, struct lt_error *err)
{
    cJSON *m[DATA_MEMBER_COUNT];
    json_pick(data, data_member_names, DATA_MEMBER_COUNT, m);
    set_data_fields(v, x, m);
    LT_TRY(set_user_data(v, x, include_user_data, m[DATA_USER_DATA], err));
    /* Without --include-user-data the user data is left out of the JSON as well. */
    cJSON *user_data = include_user_data ? NULL : m[DATA_USER_DATA];
    return set_data_json(&v[VERSION_LAUNCH_TEMPLATE_DATA], &x->data_json, data, user_data, err);
}

static enum lt_rc version_values(cJSON *ver, const char *region, bool include_user_data,
                                 struct val *v, struct rows_scratch *x, struct lt_error *err)
{
    enum { ID, NUMBER, NAME, CREATED_BY, DEFAULT, DESCRIPTION, CREATE_TIME, DATA, COUNT };
    static const char *const names[COUNT] = {
        [ID] = "LaunchTemplateId",     [NUMBER] = "VersionNumber",
        [NAME] = "LaunchTemplateName", [CREATED_BY] = "CreatedBy",
        [DEFAULT] = "DefaultVersion",  [DESCRIPTION] = "VersionDescription",
        [CREATE_TIME] = "CreateTime",  [DATA] = "LaunchTemplateData",
    };
    cJSON *m[COUNT];
    json_pick(ver, names, COUNT, m);
    set_str(&v[VERSION_LAUNCH_TEMPLATE_ID], m[ID]);
    set_long(&v[VERSION_VERSION_NUMBER], m[NUMBER]);
    if (!v[VERSION_LAUNCH_TEMPLATE_ID].present || v[VERSION_LAUNCH_TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    if (!v[VERSION_VERSION_NUMBER].present || v[VERSION_VERSION_NUMBER].num < 1) {
        return lt_fail(err, LT_E_INPUT, "missing or invalid VersionNumber");
    }
    LT_TRY(set_version_id(v, &x->id, err));
    set_str(&v[VERSION_NAME], m[NAME]);
    set_str(&v[VERSION_CREATED_BY], m[CREATED_BY]);
    set_bool(&v[VERSION_DEFAULT_VERSION], m[DEFAULT]);
    set_str(&v[VERSION_VERSION_DESCRIPTION], m[DESCRIPTION]);
    set_string(&v[VERSION_REGION], region);
    LT_TRY(set_unix_time_string(&v[VERSION_CREATE_TIME], x->create_time, m[CREATE_TIME], err));
    if (!cJSON_IsObject(m[DATA])) {
        return LT_OK;
    }
    return data_values(m[DATA], include_user_data, v, x, err);
}

enum lt_rc rows_version(cJSON *ver, const char *region, bool include_user_data,
                        struct rows_scratch *x, struct buf *rec, struct rows_key *key,
                        struct lt_error *err)
{
    struct val v[VERSION_PROP_COUNT];
    memset(v, 0, sizeof(v));
    buf_reset(&x->id);
    buf_reset(&x->user_data_sha256);
    buf_reset(&x->data_json);
    x->group_ids.n = 0;
    x->groups.n = 0;
    x->secret_kinds.n = 0;
    v[VERSION_SECURITY_GROUP_IDS].items = &x->group_ids;
    v[VERSION_SECURITY_GROUPS].items = &x->groups;
    v[VERSION_USER_DATA_SECRET_KINDS].items = &x->secret_kinds;
    enum lt_rc rc = version_values(ver, region, include_user_data, v, x, err);
    if (rc == LT_OK) {
        size_t start = rec->len;
        rc = put_row(rec, SCHEMA_NODE_VERSION, v, err);
        if (rc != LT_OK) {
            buf_truncate(rec, start);
        }
    }
    if (rc == LT_OK) {
        key->template_id = v[VERSION_LAUNCH_TEMPLATE_ID].str;
        key->number = v[VERSION_VERSION_NUMBER].num;
        key->has_number = true;
    }
    return rc;
}

/* ---- decoding ---- */

struct reader {
    char *rec;
    size_t len, at;
};

static bool get(struct reader *r, void *out, size_t n)
{
    if (n > r->len - r->at) {
        return false;
    }
    memcpy(out, r->rec + r->at, n);
    r->at += n;
    return true;
}

/* A string in place: *s points into the record (NUL-terminated there). */
static bool get_string(struct reader *r, char **s, size_t *n)
{
    uint32_t len;
    if (!get(r, &len, sizeof(len)) || (size_t)len >= r->len - r->at ||
        r->rec[r->at + len] != '\0') {
        return false;
    }
    *s = r->rec + r->at;
    *n = len;
    r->at += (size_t)len + 1;
    return true;
}

static void ptrs_reserve(struct rows_ptrs *p, size_t n)
{
    if (p->cap < n) {
        mem_free(p->p);
        p->p = mem_calloc(n, sizeof(*p->p));
        p->cap = n;
    }
}

void rows_ptrs_release(struct rows_ptrs *p)
{
    mem_free(p->p);
    p->p = NULL;
    p->cap = 0;
}

static bool get_value(struct reader *r, enum schema_type type, struct model_value *v,
                      struct rows_ptrs *ptrs, size_t *used)
{
    unsigned char present;
    memset(v, 0, sizeof(*v));
    if (!get(r, &present, 1) || present > REC_PRESENT) {
        return false;
    }
    if (present == REC_ABSENT) {
        return true;
    }
    v->present = true;
    switch (type) {
    case SCHEMA_STRING:
        return get_string(r, &v->str, &v->len);
    case SCHEMA_LONG:
        return get(r, &v->num, sizeof(v->num));
    case SCHEMA_BOOLEAN: {
        unsigned char b;
        if (!get(r, &b, 1)) {
            return false;
        }
        v->flag = b != 0;
        return true;
    }
    case SCHEMA_STRING_ARRAY: {
        uint32_t n;
        if (!get(r, &n, sizeof(n)) || n > ptrs->cap - *used) {
            return false;
        }
        v->items = ptrs->p + *used;
        v->nitems = n;
        *used += n;
        for (uint32_t i = 0; i < n; i++) {
            size_t len;
            if (!get_string(r, &v->items[i], &len)) {
                return false;
            }
        }
        return true;
    }
    }
    return false;
}

enum lt_rc rows_decode(char *rec, size_t len, enum schema_node_kind k, struct model_value *values,
                       struct rows_ptrs *ptrs, size_t *end, struct lt_error *err)
{
    const struct schema_node *n = &schema_nodes[k];
    /* Every array element takes at least 5 bytes (length and NUL): room for all of them. */
    ptrs_reserve(ptrs, len / 5 + 1);
    struct reader r = {rec, len, 0};
    size_t used = 0;
    for (size_t i = 0; i < n->nprops; i++) {
        if (!get_value(&r, n->props[i].type, &values[i], ptrs, &used)) {
            return lt_fail(err, LT_E_INTERNAL, "broken %s row record", n->label);
        }
    }
    *end = r.at;
    return LT_OK;
}

bool rows_tags_begin(struct rows_tags *t, const char *rec, size_t len, size_t at)
{
    t->rec = rec;
    t->len = len;
    t->at = at;
    t->left = 0;
    if (at > len || len - at < sizeof(t->left)) {
        return false;
    }
    memcpy(&t->left, rec + at, sizeof(t->left));
    t->at += sizeof(t->left);
    return true;
}

/* A string of a const record: checked like get_string. */
static bool tag_string(struct rows_tags *t, const char **s, size_t *n)
{
    uint32_t len;
    if (t->len - t->at < sizeof(len)) {
        return false;
    }
    memcpy(&len, t->rec + t->at, sizeof(len));
    t->at += sizeof(len);
    if ((size_t)len >= t->len - t->at || t->rec[t->at + len] != '\0') {
        return false;
    }
    *s = t->rec + t->at;
    *n = len;
    t->at += (size_t)len + 1;
    return true;
}

bool rows_tags_next(struct rows_tags *t, const char **key, size_t *key_len, const char **value,
                    size_t *value_len)
{
    if (t->left == 0 || !tag_string(t, key, key_len) || !tag_string(t, value, value_len)) {
        return false;
    }
    t->left--;
    return true;
}
