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

static void set_long(struct val *v, const cJSON *obj, const char *key)
{
    int64_t n;
    if (obj && json_get_int64(obj, key, &n)) {
        v->present = true;
        v->num = n;
    }
}

static void set_bool(struct val *v, const cJSON *obj, const char *key)
{
    int b = obj ? json_get_bool(obj, key) : -1;
    if (b >= 0) {
        v->present = true;
        v->flag = b == 1;
    }
}

static void set_str(struct val *v, const cJSON *obj, const char *key)
{
    if (obj) {
        set_string(v, json_get_string(obj, key));
    }
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
static enum lt_rc set_unix_time_string(struct val *v, char *text, const cJSON *obj, const char *key,
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

static enum lt_rc put_tags(struct buf *rec, const cJSON *t, struct lt_error *err)
{
    const cJSON *list = json_get_array(t, "Tags");
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
    struct val v[TEMPLATE_PROP_COUNT];
    memset(v, 0, sizeof(v));
    char create_time[24];
    set_str(&v[TEMPLATE_ID], t, "LaunchTemplateId");
    set_str(&v[TEMPLATE_LAUNCH_TEMPLATE_ID], t, "LaunchTemplateId");
    set_str(&v[TEMPLATE_NAME], t, "LaunchTemplateName");
    set_str(&v[TEMPLATE_CREATED_BY], t, "CreatedBy");
    set_long(&v[TEMPLATE_DEFAULT_VERSION_NUMBER], t, "DefaultVersionNumber");
    set_long(&v[TEMPLATE_LATEST_VERSION_NUMBER], t, "LatestVersionNumber");
    set_string(&v[TEMPLATE_REGION], region);
    if (!v[TEMPLATE_ID].present || v[TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    LT_TRY(set_unix_time_string(&v[TEMPLATE_CREATE_TIME], create_time, t, "CreateTime", err));
    size_t start = rec->len;
    enum lt_rc rc = put_row(rec, SCHEMA_NODE_TEMPLATE, v, err);
    if (rc == LT_OK) {
        rc = put_tags(rec, t, err);
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
static void set_associates_public_ip(struct val *v, const cJSON *data)
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
static void set_all_ebs_encrypted(struct val *v, const cJSON *data)
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
static void collect_security_group_ids(struct strset *s, const cJSON *data)
{
    strset_add_strings(s, json_get_array(data, "SecurityGroupIds"));
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
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
                                const cJSON *data, struct lt_error *err)
{
    const char *b64 = json_get_string(data, "UserData");
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
static enum lt_rc set_data_json(struct val *v, struct buf *out, bool include_user_data, cJSON *data,
                                struct lt_error *err)
{
    cJSON *user_data =
        include_user_data ? NULL : cJSON_DetachItemFromObjectCaseSensitive(data, "UserData");
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

static void set_data_fields(struct val *v, struct rows_scratch *x, const cJSON *data)
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
    collect_security_group_ids(&x->group_ids, data);
    set_items(&v[VERSION_SECURITY_GROUP_IDS], &x->group_ids);
    strset_add_strings(&x->groups, json_get_array(data, "SecurityGroups"));
    set_items(&v[VERSION_SECURITY_GROUPS], &x->groups);
    set_str(&v[VERSION_HTTP_TOKENS], metadata, "HttpTokens");
    set_str(&v[VERSION_HTTP_ENDPOINT], metadata, "HttpEndpoint");
    set_long(&v[VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT], metadata, "HttpPutResponseHopLimit");
    set_associates_public_ip(&v[VERSION_ASSOCIATES_PUBLIC_IP], data);
    set_all_ebs_encrypted(&v[VERSION_ALL_EBS_ENCRYPTED], data);
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

static enum lt_rc version_values(cJSON *ver, const char *region, bool include_user_data,
                                 struct val *v, struct rows_scratch *x, struct lt_error *err)
{
    set_str(&v[VERSION_LAUNCH_TEMPLATE_ID], ver, "LaunchTemplateId");
    set_long(&v[VERSION_VERSION_NUMBER], ver, "VersionNumber");
    if (!v[VERSION_LAUNCH_TEMPLATE_ID].present || v[VERSION_LAUNCH_TEMPLATE_ID].len == 0) {
        return lt_fail(err, LT_E_INPUT, "missing LaunchTemplateId");
    }
    if (!v[VERSION_VERSION_NUMBER].present || v[VERSION_VERSION_NUMBER].num < 1) {
        return lt_fail(err, LT_E_INPUT, "missing or invalid VersionNumber");
    }
    LT_TRY(set_version_id(v, &x->id, err));
    set_str(&v[VERSION_NAME], ver, "LaunchTemplateName");
    set_str(&v[VERSION_CREATED_BY], ver, "CreatedBy");
    set_bool(&v[VERSION_DEFAULT_VERSION], ver, "DefaultVersion");
    set_str(&v[VERSION_VERSION_DESCRIPTION], ver, "VersionDescription");
    set_string(&v[VERSION_REGION], region);
    LT_TRY(set_unix_time_string(&v[VERSION_CREATE_TIME], x->create_time, ver, "CreateTime", err));
    cJSON *data = cJSON_GetObjectItemCaseSensitive(ver, "LaunchTemplateData");
    if (!cJSON_IsObject(data)) {
        return LT_OK;
    }
    set_data_fields(v, x, data);
    LT_TRY(set_user_data(v, x, include_user_data, data, err));
    return set_data_json(&v[VERSION_LAUNCH_TEMPLATE_DATA], &x->data_json, include_user_data, data,
                         err);
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
