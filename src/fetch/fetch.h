/*
 * fetch.h - launch templates and every version from EC2, for several
 * accounts and regions, with as few calls as the data allows.
 *
 * Owns: accounts x regions, the order of calls per region (list templates;
 *       list the $Latest and $Default version of every template; ask only
 *       the templates with other versions for the range still missing, see
 *       plan.h — those calls start as each listing page arrives, and the
 *       listing pages go before them), paging, NotFound -> tombstone, region
 *       status, --concurrency calls in flight per region.
 * May call: base, aws (settings, creds, sts, http, ratelimit, retry), ec2,
 *           plan, model.
 *
 * Region outcome (recorded in the model's scopes, hence in the manifest):
 * - complete: every call succeeded (a per-template NotFound is a success:
 *   the template is tombstoned with the error code as reason and a warning);
 * - skipped: the region's first call was refused as not enabled for the
 *   account (AuthFailure, UnauthorizedOperation, OptInRequired);
 * - failed: a call still failed after its retries, or was refused later.
 * Data of a region that did not complete never reaches the snapshot.
 *
 * fetch_run returns LT_E_CREDS (or LT_E_CONFIG) when a profile has no usable
 * credentials or settings, and LT_E_AWS when no region completed; both mean
 * exit status 1 and nothing written.
 */
#ifndef LT_FETCH_FETCH_H
#define LT_FETCH_FETCH_H

#include "aws/env.h"
#include "aws/profile.h"
#include "base/err.h"
#include "base/lt.h"
#include "model/model.h"

#define FETCH_DEFAULT_CONCURRENCY 8

enum fetch_action {
    FETCH_DESCRIBE_REGIONS,
    FETCH_DESCRIBE_LAUNCH_TEMPLATES,
    FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
    FETCH_ACTION_COUNT
};

struct fetch_config {
    const struct aws_env *env;
    const struct profile_set *files;
    const char *const *profiles; /* --profile values; none: the default profile */
    size_t nprofiles;
    const char *const *regions; /* --region values; none: each profile's region */
    size_t nregions;
    bool all_regions;         /* every region enabled for the account (DescribeRegions) */
    const char *endpoint_url; /* --endpoint-url: EC2 and STS, or NULL */
    int concurrency;          /* calls in flight per region; 0: default */
    double max_rps;           /* per region and action; 0: EC2's Describe limits */
    long timeout_ms;          /* each request attempt, EC2 and STS; 0: aws/http's default */
};

struct fetch_stats {
    uint64_t calls[FETCH_ACTION_COUNT]; /* logical API calls, by action */
    uint64_t attempts;                  /* HTTP requests, retries included */
    uint64_t retries;
    uint64_t throttled;
    size_t regions_complete, regions_failed, regions_skipped;
    size_t tombstones;
};

LT_MUST_CHECK enum lt_rc fetch_run(const struct fetch_config *c, struct model *m,
                                   struct fetch_stats *stats, struct lt_error *err);

#endif
