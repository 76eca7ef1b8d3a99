#include "snap/rules.h"

#include <string.h>

#include "base/json.h"

/* A list in a detail names at most this many items, then says how many more. */
#define DETAIL_LIST_MAX 8

/* ---- helpers ---- */

/* IMDS switched off: no metadata rule applies (nothing answers, with or without a token). */
static bool imds_disabled(const struct rule_input *in)
{
    return in->http_endpoint != NULL && strcmp(in->http_endpoint, "disabled") == 0;
}

/* A short list of names: "a, b, c and 2 more". */
struct name_list {
    struct buf *out;
    size_t n;
};

static enum lt_rc name_list_add(struct name_list *l, const char *name)
{
    l->n++;
    if (l->n > DETAIL_LIST_MAX) {
        return LT_OK;
    }
    return buf_printf(l->out, "%s%s", l->n > 1 ? ", " : "", name);
}

static enum lt_rc name_list_end(const struct name_list *l)
{
    if (l->n <= DETAIL_LIST_MAX) {
        return LT_OK;
    }
    return buf_printf(l->out, " and %zu more", l->n - DETAIL_LIST_MAX);
}

/* ---- instance metadata ---- */

static enum lt_rc check_imds_v1_allowed(const struct rule_input *in, bool *found, struct buf *d)
{
    *found =
        !imds_disabled(in) && in->http_tokens != NULL && strcmp(in->http_tokens, "required") != 0;
    if (!*found) {
        return LT_OK;
    }
    return buf_printf(d, "http_tokens is \"%s\": instances answer IMDSv1 requests without a token",
                      in->http_tokens);
}

static enum lt_rc check_imds_tokens_unspecified(const struct rule_input *in, bool *found,
                                                struct buf *d)
{
    *found = !imds_disabled(in) && in->http_tokens == NULL;
    if (!*found) {
        return LT_OK;
    }
    return buf_adds(d, "MetadataOptions.HttpTokens is not set: the AMI's or the account's IMDS "
                       "defaults decide whether IMDSv1 answers");
}

static enum lt_rc check_imds_hop_limit(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = !imds_disabled(in) && in->has_hop_limit && in->hop_limit > 1;
    if (!*found) {
        return LT_OK;
    }
    return buf_printf(d, "http_put_response_hop_limit is %lld", (long long)in->hop_limit);
}

/* ---- network ---- */

static enum lt_rc public_interfaces(const cJSON *data, struct buf *d)
{
    struct name_list l = {d, 0};
    const cJSON *ni;
    cJSON_ArrayForEach(ni, json_get_array(data, "NetworkInterfaces")) {
        int64_t index = 0;
        if (json_get_bool(ni, "AssociatePublicIpAddress") != 1) {
            continue;
        }
        if (l.n == 0) {
            LT_TRY(buf_adds(d, " (network interface at device index "));
        }
        struct buf name = BUF_INIT(32);
        enum lt_rc rc = json_get_int64(ni, "DeviceIndex", &index)
                            ? buf_printf(&name, "%lld", (long long)index)
                            : buf_adds(&name, "(none)");
        if (rc == LT_OK) {
            rc = name_list_add(&l, buf_str(&name));
        }
        buf_release(&name);
        LT_TRY(rc);
    }
    LT_TRY(name_list_end(&l));
    return l.n ? buf_adds(d, ")") : LT_OK;
}

static enum lt_rc check_public_ip(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = in->has_public_ip && in->public_ip;
    if (!*found) {
        return LT_OK;
    }
    LT_TRY(buf_adds(d, "AssociatePublicIpAddress is true: instances get a public IPv4 address"));
    return public_interfaces(in->data, d);
}

/* ---- EBS encryption ---- */

/* Lists the EBS mappings whose Encrypted is want (0 false, -1 absent); *found if any. */
static enum lt_rc ebs_mappings(const cJSON *data, int want, bool *found, struct buf *d)
{
    struct buf names = BUF_INIT(BUF_MAX_SMALL);
    struct name_list l = {&names, 0};
    enum lt_rc rc = LT_OK;
    const cJSON *bdm;
    cJSON_ArrayForEach(bdm, json_get_array(data, "BlockDeviceMappings")) {
        const cJSON *ebs = json_get_object(bdm, "Ebs");
        if (rc == LT_OK && ebs != NULL && json_get_bool(ebs, "Encrypted") == want) {
            const char *device = json_get_string(bdm, "DeviceName");
            rc = name_list_add(&l, device ? device : "(no device name)");
        }
    }
    if (rc == LT_OK) {
        rc = name_list_end(&l);
    }
    *found = rc == LT_OK && l.n > 0;
    if (*found) {
        rc = buf_printf(d, "EBS mapping%s %s", l.n > 1 ? "s" : "", buf_str(&names));
    }
    buf_release(&names);
    return rc;
}

static enum lt_rc check_ebs_unencrypted(const struct rule_input *in, bool *found, struct buf *d)
{
    LT_TRY(ebs_mappings(in->data, 0, found, d));
    return *found ? buf_adds(d, ": Encrypted is false") : LT_OK;
}

static enum lt_rc check_ebs_encryption_unspecified(const struct rule_input *in, bool *found,
                                                   struct buf *d)
{
    LT_TRY(ebs_mappings(in->data, -1, found, d));
    if (!*found) {
        return LT_OK;
    }
    return buf_adds(d, ": Encrypted is not set (encrypted only if the snapshot is, or EBS "
                       "encryption by default is on)");
}

/* ---- user data ---- */

static enum lt_rc check_user_data_secrets(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = in->secret_kinds != NULL && in->secret_kinds[0] != '\0';
    if (!*found) {
        return LT_OK;
    }
    LT_TRY(buf_adds(d, "user data looks like it holds: "));
    for (const char *k = in->secret_kinds; *k; k++) {
        LT_TRY(*k == '\x1f' ? buf_adds(d, ", ") : buf_addc(d, *k));
    }
    return LT_OK;
}

/* ---- the template ---- */

static enum lt_rc check_no_tags(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = in->tags == 0;
    return *found ? buf_adds(d, "no AWSTag is TAGGED from the template") : LT_OK;
}

static enum lt_rc check_default_behind_latest(const struct rule_input *in, bool *found,
                                              struct buf *d)
{
    *found = in->has_default_number && in->has_latest_number &&
             in->default_version_number < in->latest_version_number;
    if (!*found) {
        return LT_OK;
    }
    return buf_printf(d, "default version %lld, latest version %lld",
                      (long long)in->default_version_number, (long long)in->latest_version_number);
}

static enum lt_rc check_many_versions(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = in->versions > RULES_MANY_VERSIONS;
    if (!*found) {
        return LT_OK;
    }
    LT_TRY(buf_printf(d, "%zu versions in the snapshot (more than %d)", in->versions,
                      RULES_MANY_VERSIONS));
    if (in->has_latest_number) {
        LT_TRY(buf_printf(d, ", latest version number %lld", (long long)in->latest_version_number));
    }
    return LT_OK;
}

static enum lt_rc check_tombstoned(const struct rule_input *in, bool *found, struct buf *d)
{
    *found = in->tombstone_reason != NULL;
    if (!*found) {
        return LT_OK;
    }
    if (strcmp(in->tombstone_reason, "NoVersions") == 0) {
        return buf_adds(d, "listed without any version (NoVersions)");
    }
    return buf_printf(d, "deleted while the snapshot was taken (%s)", in->tombstone_reason);
}

/* ---- the table ---- */

const struct rule rules[] = {
    {"LTS001", "ImdsV1Allowed", RULE_HIGH, RULE_JUDGES_EVERY_VERSION,
     "instance metadata allows IMDSv1 (http_tokens optional)",
     "IMDSv1 answers plain GET requests, so one SSRF flaw on the instance can read the instance "
     "role's credentials; high because the template asks for it explicitly",
     "create a version with MetadataOptions.HttpTokens=required and make it the default", "EC2.170",
     "ec2_launch_template_imdsv2_required", check_imds_v1_allowed},
    {"LTS002", "ImdsTokensUnspecified", RULE_MEDIUM, RULE_JUDGES_EVERY_VERSION,
     "instance metadata version left to defaults (http_tokens not set)",
     "without HttpTokens the AMI's ImdsSupport or the account's IMDS defaults decide, so IMDSv1 "
     "may answer; medium because the exposure depends on settings outside the template",
     "set MetadataOptions.HttpTokens=required in the template instead of relying on defaults",
     "EC2.170", "ec2_launch_template_imdsv2_required", check_imds_tokens_unspecified},
    {"LTS003", "ImdsHopLimitAboveOne", RULE_LOW, RULE_JUDGES_EVERY_VERSION,
     "instance metadata hop limit above 1",
     "a hop limit above 1 lets IMDSv2 token responses reach containers and hosts behind the "
     "instance; low because containers without host networking need 2",
     "set MetadataOptions.HttpPutResponseHopLimit=1 unless containers on the instance need IMDS",
     NULL, NULL, check_imds_hop_limit},
    {"LTS004", "PublicIpAssociated", RULE_HIGH, RULE_JUDGES_EVERY_VERSION,
     "a network interface associates a public IP address",
     "instances get a public IPv4 address and are reachable from the internet wherever their "
     "security groups allow; high, as Security Hub rates it",
     "set AssociatePublicIpAddress=false on every network interface; reach instances through a "
     "load balancer, a NAT gateway or Session Manager",
     "EC2.25", "ec2_launch_template_no_public_ip", check_public_ip},
    {"LTS005", "EbsUnencrypted", RULE_MEDIUM, RULE_JUDGES_EVERY_VERSION,
     "an EBS volume mapping sets Encrypted to false",
     "the volume's data is stored unencrypted unless the account's EBS encryption by default is "
     "on; medium because reading it needs access to the volume or its snapshots",
     "set Encrypted=true (with a KMS key of yours) on every EBS mapping, and turn on EBS "
     "encryption by default in every region",
     NULL, NULL, check_ebs_unencrypted},
    {"LTS006", "EbsEncryptionUnspecified", RULE_LOW, RULE_JUDGES_EVERY_VERSION,
     "an EBS volume mapping does not say whether it is encrypted",
     "without Encrypted the volume is encrypted only if its snapshot is or the account's EBS "
     "encryption by default is on, which the snapshot cannot show; low for that reason",
     "set Encrypted=true on every EBS mapping, or make sure EBS encryption by default is on in "
     "the region",
     NULL, NULL, check_ebs_encryption_unspecified},
    {"LTS007", "UserDataSecrets", RULE_HIGH, RULE_JUDGES_EVERY_VERSION,
     "user data looks like it holds secrets",
     "user data is readable by anyone allowed ec2:DescribeLaunchTemplateVersions and by every "
     "process on the instance through IMDS, in every version that has it; high (Prowler: "
     "critical)",
     "move the secret to Secrets Manager or SSM Parameter Store, rotate it, and delete the "
     "versions that hold it",
     NULL, "ec2_launch_template_no_secrets", check_user_data_secrets},
    {"LTS008", "TemplateWithoutTags", RULE_LOW, RULE_JUDGES_TEMPLATE, "the template has no tags",
     "an untagged template has no owner or purpose on record and escapes tag-based access "
     "policies and cost reports; low: hygiene",
     "tag the template (owner, environment, purpose)", NULL, NULL, check_no_tags},
    {"LTS009", "DefaultBehindLatest", RULE_LOW, RULE_JUDGES_TEMPLATE,
     "the default version is older than the latest version",
     "launches that name no version use the default, so the latest changes (perhaps security "
     "fixes) are not in effect; low because holding a version back can be deliberate",
     "make the reviewed latest version the default, or delete the versions that should not be "
     "used",
     NULL, NULL, check_default_behind_latest},
    {"LTS010", "ManyVersions", RULE_LOW, RULE_JUDGES_TEMPLATE,
     "the template has more than 100 versions",
     "every version stays launchable by its number with its settings and user data, so old "
     "insecure versions and old secrets live on; low: hygiene",
     "delete the versions that are no longer needed (the default version cannot be deleted)", NULL,
     NULL, check_many_versions},
    {"LTS011", "TemplateTombstoned", RULE_LOW, RULE_JUDGES_TOMBSTONE,
     "the template disappeared while the snapshot was taken",
     "it was deleted during the fetch or listed without any version, so the snapshot holds "
     "nothing of it to audit; low: the snapshot is incomplete there, not insecure",
     "take the snapshot again if the template should still exist", NULL, NULL, check_tombstoned},
};

const size_t rules_count = LT_ARRAY_SIZE(rules);

static const char *const severity_names[] = {
    [RULE_LOW] = "low",
    [RULE_MEDIUM] = "medium",
    [RULE_HIGH] = "high",
};

const char *rule_severity_name(enum rule_severity severity)
{
    return severity >= RULE_LOW && severity <= RULE_HIGH ? severity_names[severity] : "unknown";
}

bool rule_severity_parse(const char *name, enum rule_severity *out)
{
    for (int s = RULE_LOW; s <= RULE_HIGH; s++) {
        if (strcmp(name, severity_names[s]) == 0) {
            *out = (enum rule_severity)s;
            return true;
        }
    }
    return false;
}

const char *rule_judges_name(enum rule_judges judges)
{
    switch (judges) {
    case RULE_JUDGES_EVERY_VERSION:
        return "every-version";
    case RULE_JUDGES_TEMPLATE:
        return "template";
    case RULE_JUDGES_TOMBSTONE:
        return "tombstone";
    }
    return "unknown";
}
