/*
 * plan.h - the minimal-call plan for fetching every version. Pure.
 *
 * Owns: which templates need a per-template DescribeLaunchTemplateVersions
 *       call after the all-templates listing, and for which versions.
 * May call: base.
 *
 * The all-templates listing (LaunchTemplateVersion.1=$Latest,
 * LaunchTemplateVersion.2=$Default, no template named) returns the latest
 * and default version of every template. A template needs a call of its
 * own only when some number in 1..LatestVersionNumber (as listed) was not
 * received; that call asks for MinVersion..MaxVersion, the smallest range
 * covering every missing number. Numbers may have gaps (deleted versions),
 * so the range may return fewer versions than it spans; it never needs more
 * than one call per 200 versions. Numbers above the listed latest belong
 * to versions created after the listing and are left out.
 *
 * The listing of a template already says what the all-templates listing
 * will return (its DefaultVersionNumber and LatestVersionNumber), so the own
 * call can be sent as soon as the template is listed (plan_early_range),
 * while the listings go on; once the all-templates listing is complete,
 * plan_missing_range_after asks only for what neither it nor the early call
 * covered (a template deleted or changed meanwhile). Without races the two
 * plans make the same calls.
 */
#ifndef LT_FETCH_PLAN_H
#define LT_FETCH_PLAN_H

#include "base/lt.h"

/*
 * have: the version numbers received for a template (any order, repeats
 * allowed); latest: its listed LatestVersionNumber. Returns true when
 * versions are missing, with [*min, *max] the range to ask for. Sorts have.
 */
bool plan_missing_range(int64_t latest, int64_t *have, size_t nhave, int64_t *min, int64_t *max);

/*
 * As plan_missing_range, with the numbers cmin..cmax counted as received
 * too (an own call already asked for them; cmin > cmax: none).
 */
bool plan_missing_range_after(int64_t latest, int64_t *have, size_t nhave, int64_t cmin,
                              int64_t cmax, int64_t *min, int64_t *max);

/*
 * The range a template listed with LatestVersionNumber latest and
 * DefaultVersionNumber deflt needs on top of what the all-templates listing
 * returns for it (its latest and default): true with [*min, *max], or false
 * when those two are every version. A deflt outside 1..latest counts as
 * absent.
 */
bool plan_early_range(int64_t latest, int64_t deflt, int64_t *min, int64_t *max);

/*
 * Calls the plan makes for n templates (MaxResults 200) of which k need a
 * call of their own, when every listing returns full pages and the latest
 * is the default for all but the k: ceil(n/200) + ceil(v/200) + k, where v
 * (versions in the all-templates listing) lies between n and 2n.
 */
uint64_t plan_expected_calls(uint64_t templates, uint64_t listed_versions, uint64_t own_calls);

#endif
