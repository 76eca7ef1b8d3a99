/* Unit tests for fetch/plan: which versions need a per-template call. */
#include "fetch/plan.h"
#include "tap.h"

static void check(int64_t latest, int64_t *have, size_t n, bool want, int64_t wmin, int64_t wmax,
                  const char *what)
{
    int64_t lo = -1, hi = -1;
    bool got = plan_missing_range(latest, have, n, &lo, &hi);
    tap_note("%s", what);
    EXPECT_INT(got, want);
    if (want) {
        EXPECT_INT(lo, wmin);
        EXPECT_INT(hi, wmax);
    }
}

int main(void)
{
    /* One version, latest = default: nothing to ask. */
    check(1, (int64_t[]){1}, 1, false, 0, 0, "single version");
    /* Latest 3, default 1: only 2 is missing. */
    check(3, (int64_t[]){3, 1}, 2, true, 2, 2, "gap in the middle");
    /* Latest 5, default 5: 1..4 missing. */
    check(5, (int64_t[]){5}, 1, true, 1, 4, "older versions");
    /* Latest 5, default 2, repeats and order do not matter. */
    check(5, (int64_t[]){2, 5, 5, 2}, 4, true, 1, 4, "repeats");
    /* Listed but absent from the all-templates listing: everything missing. */
    check(4, NULL, 0, true, 1, 4, "absent from the listing");
    /* A newer version (created after the listing) is ignored. */
    check(2, (int64_t[]){3, 2}, 2, true, 1, 1, "version above the listed latest");
    check(2, (int64_t[]){1, 2, 3}, 3, false, 0, 0, "complete plus a newer one");
    /* Latest and default both present, all others too. */
    check(3, (int64_t[]){1, 2, 3}, 3, false, 0, 0, "complete");
    /* Bad listing value: nothing to plan. */
    check(0, NULL, 0, false, 0, 0, "latest 0");
    /* What the all-templates listing leaves out, known from the template listing alone. */
    int64_t lo = -1, hi = -1;
    tap_note("early ranges");
    EXPECT(!plan_early_range(1, 1, &lo, &hi));
    EXPECT(!plan_early_range(2, 1, &lo, &hi)); /* default 1 and latest 2: both listed */
    EXPECT(plan_early_range(2, 2, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 1);
    EXPECT(plan_early_range(10, 10, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 9);
    EXPECT(plan_early_range(10, 1, &lo, &hi));
    EXPECT_INT(lo, 2);
    EXPECT_INT(hi, 9);
    EXPECT(plan_early_range(10, 9, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 8);
    EXPECT(plan_early_range(10, 0, &lo, &hi)); /* no default listed: only latest counts */
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 9);
    EXPECT(!plan_early_range(0, 0, &lo, &hi));

    /* After the all-templates listing, with an early call's range counted as received. */
    tap_note("missing after an early call");
    EXPECT(!plan_missing_range_after(10, (int64_t[]){10}, 1, 1, 9, &lo, &hi));
    EXPECT(!plan_missing_range_after(10, (int64_t[]){1, 10}, 2, 2, 9, &lo, &hi));
    /* Deleted after the listing: latest and default never came, the early range did. */
    EXPECT(plan_missing_range_after(10, NULL, 0, 1, 9, &lo, &hi));
    EXPECT_INT(lo, 10);
    EXPECT_INT(hi, 10);
    EXPECT(plan_missing_range_after(10, (int64_t[]){10}, 1, 2, 9, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 1);
    /* A gap on both sides of the covered range: one call spans them. */
    EXPECT(plan_missing_range_after(10, NULL, 0, 4, 6, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 10);
    /* Nothing covered (min > max) is plan_missing_range. */
    EXPECT(plan_missing_range_after(5, (int64_t[]){5, 2}, 2, 1, 0, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 4);
    /* A covered range beyond latest changes nothing. */
    EXPECT(plan_missing_range_after(3, (int64_t[]){3}, 1, 5, 9, &lo, &hi));
    EXPECT_INT(lo, 1);
    EXPECT_INT(hi, 2);

    /* Call-count formula: N templates, v listed versions, k own calls. */
    EXPECT_INT(plan_expected_calls(1000, 1000, 0), 5 + 5);
    EXPECT_INT(plan_expected_calls(1000, 2000, 100), 5 + 10 + 100);
    EXPECT_INT(plan_expected_calls(0, 0, 0), 2);
    EXPECT_INT(plan_expected_calls(201, 201, 1), 2 + 2 + 1);
    return tap_done();
}
