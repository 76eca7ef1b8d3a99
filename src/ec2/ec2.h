/*
 * ec2.h - the EC2 Query requests ltsnap sends (API version 2016-11-15).
 * Replies are read by ec2_page.h.
 *
 * Owns: which parameters each request carries: MaxResults=200 and NextToken
 *       paging, IncludeManagedResources=true (templates managed by AWS
 *       services are listed even where the account hides them), the two
 *       modes of DescribeLaunchTemplateVersions.
 * May call: base, aws/query.
 */
#ifndef LT_EC2_EC2_H
#define LT_EC2_EC2_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

#define EC2_API_VERSION "2016-11-15"
#define EC2_MAX_RESULTS 200

/* DescribeLaunchTemplates, every template; next_token NULL for the first page. */
LT_MUST_CHECK enum lt_rc ec2_list_templates(struct buf *body, const char *next_token);
/* DescribeLaunchTemplateVersions of every template: its $Latest and $Default versions. */
LT_MUST_CHECK enum lt_rc ec2_list_latest_and_default(struct buf *body, const char *next_token);
/* DescribeLaunchTemplateVersions of one template, versions min..max. */
LT_MUST_CHECK enum lt_rc ec2_template_versions(struct buf *body, const char *template_id,
                                               int64_t min, int64_t max, const char *next_token);
/* DescribeRegions: the regions enabled for the account. */
LT_MUST_CHECK enum lt_rc ec2_describe_regions(struct buf *body);

#endif
