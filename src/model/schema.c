#include "model/schema.h"

static const struct schema_prop account_props[ACCOUNT_PROP_COUNT] = {
    [ACCOUNT_ID] = {"id", SCHEMA_STRING},
};

static const struct schema_prop template_props[TEMPLATE_PROP_COUNT] = {
    [TEMPLATE_ID] = {"id", SCHEMA_STRING},
    [TEMPLATE_LAUNCH_TEMPLATE_ID] = {"launch_template_id", SCHEMA_STRING},
    [TEMPLATE_NAME] = {"name", SCHEMA_STRING},
    [TEMPLATE_CREATE_TIME] = {"create_time", SCHEMA_STRING},
    [TEMPLATE_CREATED_BY] = {"created_by", SCHEMA_STRING},
    [TEMPLATE_DEFAULT_VERSION_NUMBER] = {"default_version_number", SCHEMA_LONG},
    [TEMPLATE_LATEST_VERSION_NUMBER] = {"latest_version_number", SCHEMA_LONG},
    [TEMPLATE_REGION] = {"region", SCHEMA_STRING},
};

static const struct schema_prop version_props[VERSION_PROP_COUNT] = {
    [VERSION_ID] = {"id", SCHEMA_STRING},
    [VERSION_LAUNCH_TEMPLATE_ID] = {"launch_template_id", SCHEMA_STRING},
    [VERSION_NAME] = {"name", SCHEMA_STRING},
    [VERSION_CREATE_TIME] = {"create_time", SCHEMA_STRING},
    [VERSION_CREATED_BY] = {"created_by", SCHEMA_STRING},
    [VERSION_DEFAULT_VERSION] = {"default_version", SCHEMA_BOOLEAN},
    [VERSION_VERSION_NUMBER] = {"version_number", SCHEMA_LONG},
    [VERSION_VERSION_DESCRIPTION] = {"version_description", SCHEMA_STRING},
    [VERSION_KERNEL_ID] = {"kernel_id", SCHEMA_STRING},
    [VERSION_EBS_OPTIMIZED] = {"ebs_optimized", SCHEMA_BOOLEAN},
    [VERSION_IAM_INSTANCE_PROFILE_ARN] = {"iam_instance_profile_arn", SCHEMA_STRING},
    [VERSION_IAM_INSTANCE_PROFILE_NAME] = {"iam_instance_profile_name", SCHEMA_STRING},
    [VERSION_IMAGE_ID] = {"image_id", SCHEMA_STRING},
    [VERSION_INSTANCE_TYPE] = {"instance_type", SCHEMA_STRING},
    [VERSION_KEY_NAME] = {"key_name", SCHEMA_STRING},
    [VERSION_MONITORING_ENABLED] = {"monitoring_enabled", SCHEMA_BOOLEAN},
    [VERSION_RAMDISK_ID] = {"ramdisk_id", SCHEMA_STRING},
    [VERSION_DISABLE_API_TERMINATION] = {"disable_api_termination", SCHEMA_BOOLEAN},
    [VERSION_INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR] = {"instance_initiated_shutdown_behavior",
                                                      SCHEMA_STRING},
    [VERSION_SECURITY_GROUP_IDS] = {"security_group_ids", SCHEMA_STRING_ARRAY},
    [VERSION_SECURITY_GROUPS] = {"security_groups", SCHEMA_STRING_ARRAY},
    [VERSION_REGION] = {"region", SCHEMA_STRING},
    [VERSION_HTTP_TOKENS] = {"http_tokens", SCHEMA_STRING},
    [VERSION_HTTP_ENDPOINT] = {"http_endpoint", SCHEMA_STRING},
    [VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT] = {"http_put_response_hop_limit", SCHEMA_LONG},
    [VERSION_ASSOCIATES_PUBLIC_IP] = {"associates_public_ip", SCHEMA_BOOLEAN},
    [VERSION_ALL_EBS_ENCRYPTED] = {"all_ebs_encrypted", SCHEMA_BOOLEAN},
    [VERSION_USER_DATA_SHA256] = {"user_data_sha256", SCHEMA_STRING},
    [VERSION_USER_DATA_SECRET_KINDS] = {"user_data_secret_kinds", SCHEMA_STRING_ARRAY},
    [VERSION_USER_DATA] = {"user_data", SCHEMA_STRING},
    [VERSION_LAUNCH_TEMPLATE_DATA] = {"launch_template_data", SCHEMA_STRING},
};

static const struct schema_prop tag_props[TAG_PROP_COUNT] = {
    [TAG_ID] = {"id", SCHEMA_STRING},
    [TAG_KEY] = {"key", SCHEMA_STRING},
    [TAG_VALUE] = {"value", SCHEMA_STRING},
};

const struct schema_node schema_nodes[SCHEMA_NODE_COUNT] = {
    [SCHEMA_NODE_ACCOUNT] = {"AWSAccount", "Tenant", "nodes-aws-account.csv",
                             "nodes-aws-account.cypher", account_props, ACCOUNT_PROP_COUNT},
    [SCHEMA_NODE_TEMPLATE] = {"AWSLaunchTemplate", "LaunchTemplate",
                              "nodes-aws-launch-template.csv", "nodes-aws-launch-template.cypher",
                              template_props, TEMPLATE_PROP_COUNT},
    [SCHEMA_NODE_VERSION] = {"AWSLaunchTemplateVersion", "LaunchTemplateVersion",
                             "nodes-aws-launch-template-version.csv",
                             "nodes-aws-launch-template-version.cypher", version_props,
                             VERSION_PROP_COUNT},
    [SCHEMA_NODE_TAG] = {"AWSTag", "Tag", "nodes-aws-tag.csv", "nodes-aws-tag.cypher", tag_props,
                         TAG_PROP_COUNT},
};

const struct schema_rel schema_rels[SCHEMA_REL_COUNT] = {
    [SCHEMA_REL_ACCOUNT_TEMPLATE] = {"RESOURCE", SCHEMA_NODE_ACCOUNT, SCHEMA_NODE_TEMPLATE,
                                     "rels-resource-aws-launch-template.csv",
                                     "rels-resource-aws-launch-template.cypher"},
    [SCHEMA_REL_ACCOUNT_VERSION] = {"RESOURCE", SCHEMA_NODE_ACCOUNT, SCHEMA_NODE_VERSION,
                                    "rels-resource-aws-launch-template-version.csv",
                                    "rels-resource-aws-launch-template-version.cypher"},
    [SCHEMA_REL_TEMPLATE_VERSION] = {"VERSION", SCHEMA_NODE_TEMPLATE, SCHEMA_NODE_VERSION,
                                     "rels-version.csv", "rels-version.cypher"},
    [SCHEMA_REL_TEMPLATE_TAG] = {"TAGGED", SCHEMA_NODE_TEMPLATE, SCHEMA_NODE_TAG, "rels-tagged.csv",
                                 "rels-tagged.cypher"},
};

const char *schema_type_name(enum schema_type type)
{
    switch (type) {
    case SCHEMA_STRING:
        return "string";
    case SCHEMA_LONG:
        return "long";
    case SCHEMA_BOOLEAN:
        return "boolean";
    case SCHEMA_STRING_ARRAY:
        return "string[]";
    }
    return "?";
}

const char *const schema_tombstone_columns[] = {"kind",       "id",     "name",
                                                "account_id", "region", "reason"};
const size_t schema_tombstone_ncolumns = LT_ARRAY_SIZE(schema_tombstone_columns);
