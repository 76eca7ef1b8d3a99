#include "ec2/ec2.h"

#include "aws/query.h"

static enum lt_rc paging(struct buf *body, const char *next_token)
{
    LT_TRY(query_param_int(body, "MaxResults", EC2_MAX_RESULTS));
    LT_TRY(query_param(body, "IncludeManagedResources", "true"));
    return next_token ? query_param(body, "NextToken", next_token) : LT_OK;
}

enum lt_rc ec2_list_templates(struct buf *body, const char *next_token)
{
    LT_TRY(query_begin(body, "DescribeLaunchTemplates", EC2_API_VERSION));
    return paging(body, next_token);
}

enum lt_rc ec2_list_latest_and_default(struct buf *body, const char *next_token)
{
    LT_TRY(query_begin(body, "DescribeLaunchTemplateVersions", EC2_API_VERSION));
    LT_TRY(query_param(body, "LaunchTemplateVersion.1", "$Latest"));
    LT_TRY(query_param(body, "LaunchTemplateVersion.2", "$Default"));
    return paging(body, next_token);
}

enum lt_rc ec2_template_versions(struct buf *body, const char *template_id, int64_t min,
                                 int64_t max, const char *next_token)
{
    LT_TRY(query_begin(body, "DescribeLaunchTemplateVersions", EC2_API_VERSION));
    LT_TRY(query_param(body, "LaunchTemplateId", template_id));
    LT_TRY(query_param_int(body, "MinVersion", min));
    LT_TRY(query_param_int(body, "MaxVersion", max));
    return paging(body, next_token);
}

enum lt_rc ec2_describe_regions(struct buf *body)
{
    return query_begin(body, "DescribeRegions", EC2_API_VERSION);
}
