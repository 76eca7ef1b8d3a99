/* Unit tests for fetch/plan: which versions need a per-template call. */
#include "base/lt.h"
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

/* plan_early_range(latest, default) and the range it should give. */
struct early_case {
    int64_t latest, dflt;
    bool want;
    int64_t wmin, wmax;
};

static void check_early(const struct early_case *c)
{
    int64_t lo = -1, hi = -1;
    bool got = plan_early_range(c->latest, c->dflt, &lo, &hi);
    tap_note("early range: latest %lld, default %lld", (long long)c->latest, (long long)c->dflt);
    EXPECT_INT(got, c->want);
    if (c->want) {
        EXPECT_INT(lo, c->wmin);
        EXPECT_INT(hi, c->wmax);
    }
}

/* plan_missing_range_after(latest, have, covered cmin..cmax) and the range it should give. */
struct after_case {
    int64_t latest;
    int64_t have[2];
    size_t nhave;
    int64_t cmin, cmax;
    bool want;
    int64_t wmin, wmax;
};

static void check_after(const struct after_case *c)
{
    int64_t have[2] = {c->have[0], c->have[1]}; /* the function sorts its input */
    int64_t lo = -1, hi = -1;
    bool got = plan_missing_range_after(c->latest, c->nhave ? have : NULL, c->nhave, c->cmin,
                                        c->cmax, &lo, &hi);
    tap_note("missing after: latest %lld, %zu received, covered %lld-%lld", (long long)c->latest,
             c->nhave, (long long)c->cmin, (long long)c->cmax);
    EXPECT_INT(got, c->want);
    if (c->want) {
        EXPECT_INT(lo, c->wmin);
        EXPECT_INT(hi, c->wmax);
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
    tap_note("early ranges");
    static const struct early_case early[] = {
        {1, 1, false, 0, 0}, {2, 1, false, 0, 0}, /* default 1 and latest 2: both listed */
        {2, 2, true, 1, 1},  {10, 10, true, 1, 9}, {10, 1, true, 2, 9},
        {10, 9, true, 1, 8}, {10, 0, true, 1, 9}, /* no default listed: only latest counts */
        {0, 0, false, 0, 0},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(early); i++) {
        check_early(&early[i]);
    }

    /* After the all-templates listing, with an early call's range counted as received. */
    tap_note("missing after an early call");
    static const struct after_case after[] = {
        {10, {10}, 1, 1, 9, false, 0, 0},
        {10, {1, 10}, 2, 2, 9, false, 0, 0},
        /* Deleted after the listing: latest and default never came, the early range did. */
        {10, {0}, 0, 1, 9, true, 10, 10},
        {10, {10}, 1, 2, 9, true, 1, 1},
        /* A gap on both sides of the covered range: one call spans them. */
        {10, {0}, 0, 4, 6, true, 1, 10},
        /* Nothing covered (min > max) is plan_missing_range. */
        {5, {5, 2}, 2, 1, 0, true, 1, 4},
        /* A covered range beyond latest changes nothing. */
        {3, {3}, 1, 5, 9, true, 1, 2},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(after); i++) {
        check_after(&after[i]);
    }

    /* Call-count formula: N templates, v listed versions, k own calls. */
    EXPECT_INT(plan_expected_calls(1000, 1000, 0), 5 + 5);
    EXPECT_INT(plan_expected_calls(1000, 2000, 100), 5 + 10 + 100);
    EXPECT_INT(plan_expected_calls(0, 0, 0), 2);
    EXPECT_INT(plan_expected_calls(201, 201, 1), 2 + 2 + 1);
    return tap_done();
}
