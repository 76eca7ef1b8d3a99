/* Unit tests for aws/ratelimit with injected time (milliseconds). */
#include <math.h>

#include "aws/ratelimit.h"
#include "tap.h"

#define EXPECT_NEAR(got, want) EXPECT(fabs((double)(got) - (double)(want)) < 1e-9)

/* Takes n tokens at time t, expecting no wait for any of them. */
static int take_n(struct ratelimit *r, int n, uint64_t t)
{
    int got = 0;
    for (int i = 0; i < n; i++) {
        got += ratelimit_take(r, t) == 0;
    }
    return got;
}

static void test_burst_and_refill(void)
{
    struct ratelimit r;
    ratelimit_init(&r, RATELIMIT_EC2_DESCRIBE_CAPACITY, RATELIMIT_EC2_DESCRIBE_REFILL, 1000);
    /* Exactly `capacity` tokens at once, then one every 50 ms at 20/s. */
    EXPECT_INT(take_n(&r, 100, 1000), 100);
    EXPECT_INT(ratelimit_take(&r, 1000), 50);
    EXPECT_INT(ratelimit_take(&r, 1000), 50); /* asking again takes nothing */
    EXPECT_INT(ratelimit_take(&r, 1030), 20);
    EXPECT_INT(ratelimit_take(&r, 1049), 1);
    EXPECT_INT(ratelimit_take(&r, 1050), 0);
    EXPECT_INT(ratelimit_take(&r, 1050), 50);
    EXPECT_INT(ratelimit_take(&r, 1100), 0);
    /* 20 tokens per second of steady sending. */
    int sent = 0;
    for (uint64_t t = 1101; t <= 2100; t++) {
        sent += ratelimit_take(&r, t) == 0;
    }
    EXPECT_INT(sent, 20);
    /* An hour idle refills to the capacity, not beyond. */
    EXPECT_INT(take_n(&r, 100, 3600000), 100);
    EXPECT_INT(ratelimit_take(&r, 3600000), 50);
    /* Time going backwards adds nothing. */
    EXPECT_INT(ratelimit_take(&r, 5), 50);
    EXPECT(!r.throttled_once);
    EXPECT_NEAR(r.rate, 20.0);
}

static void test_fractional_waits(void)
{
    struct ratelimit r;
    ratelimit_init(&r, 1, 3, 0);
    EXPECT_INT(ratelimit_take(&r, 0), 0);
    EXPECT_INT(ratelimit_take(&r, 0), 334); /* 333.3 ms rounds up */
    EXPECT_INT(ratelimit_take(&r, 333), 1);
    EXPECT_INT(ratelimit_take(&r, 334), 0);
    /* Nonsense configuration is clamped: capacity 1, rate 0.5/s. */
    ratelimit_init(&r, 0, 0, 0);
    EXPECT_NEAR(r.capacity, 1.0);
    EXPECT_NEAR(r.max_rate, 0.5);
    EXPECT_INT(ratelimit_take(&r, 0), 0);
    EXPECT_INT(ratelimit_take(&r, 0), 2000);
    ratelimit_init(&r, NAN, NAN, 0);
    EXPECT_NEAR(r.capacity, 1.0);
    EXPECT_NEAR(r.rate, 0.5);
}

/*
 * For many states: a non-zero wait w is exact (at now + w - 1 there is
 * still no token, at now + w there is) and 0 is returned only with a token.
 */
static void test_waits_exact(void)
{
    static const double rates[] = {0.5, 0.7, 1, 3, 7, 20, 33.3, 1000};
    int exact = 0;
    int total = 0;
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        struct ratelimit r;
        ratelimit_init(&r, 5, rates[i], 0);
        uint64_t t = 0;
        for (int k = 0; k < 200; k++) {
            uint64_t w = ratelimit_take(&r, t);
            if (w == 0) {
                t += (uint64_t)(k % 7);
                continue;
            }
            struct ratelimit before = r;
            struct ratelimit at = r;
            total++;
            exact += (w == 1 || ratelimit_take(&before, t + w - 1) > 0) &&
                     ratelimit_take(&at, t + w) == 0;
            t += w;
        }
    }
    EXPECT(total > 100);
    EXPECT_INT(exact, total);
}

/* 10/s for two seconds with instant responses, then a throttle at 1950 ms. */
static void warm_up_and_throttle(struct ratelimit *r)
{
    ratelimit_init(r, 10, 10, 0);
    int sent = 0;
    for (uint64_t t = 0; t <= 1900; t += 100) {
        if (ratelimit_take(r, t) == 0) {
            sent++;
            ratelimit_on_success(r, t);
        }
    }
    EXPECT_INT(sent, 20);
    /* Buckets of 5 responses per 0.5 s: 0.8 * 10 + 0.2 * (0.8 * 10 + 0.2 * 8) */
    EXPECT_NEAR(r->measured_rate, 9.92);
    EXPECT_NEAR(r->rate, 10.0); /* successes before any throttle change nothing */
    ratelimit_on_throttle(r, 1950);
}

static void test_throttle(void)
{
    struct ratelimit r;
    warm_up_and_throttle(&r);
    EXPECT(r.throttled_once);
    EXPECT_NEAR(r.w_max, 9.92);
    EXPECT_NEAR(r.rate, 6.944);   /* 0.7 x measured */
    EXPECT_NEAR(r.tokens, 6.944); /* the bucket shrinks to the new rate */
    EXPECT_INT(take_n(&r, 6, 1950), 6);
    /* 0.944 left: 0.056 / 6.944 per s = 8.06 ms */
    EXPECT_INT(ratelimit_take(&r, 1950), 9);
    /* Throttled before anything was measured: the floor of 0.5/s. */
    ratelimit_init(&r, 100, 20, 0);
    ratelimit_on_throttle(&r, 100);
    EXPECT_NEAR(r.rate, 0.5);
    EXPECT_NEAR(r.tokens, 1.0);
    EXPECT_INT(ratelimit_take(&r, 100), 0);
    EXPECT_INT(ratelimit_take(&r, 100), 2000);
    EXPECT_INT(ratelimit_take(&r, 2099), 1);
    EXPECT_INT(ratelimit_take(&r, 2100), 0);
    /* Repeated throttles keep cutting, never below the floor. */
    for (int i = 0; i < 20; i++) {
        ratelimit_on_throttle(&r, 2100);
    }
    EXPECT_NEAR(r.rate, 0.5);
}

static void test_cubic_recovery(void)
{
    struct ratelimit r;
    warm_up_and_throttle(&r);
    /* 10 ms after the throttle: 0.4 (0.01 - K)^3 + 9.92, K = cbrt(0.3 * 9.92 / 0.4). */
    EXPECT_INT(ratelimit_take(&r, 1960), 0);
    ratelimit_on_success(&r, 1960);
    EXPECT_NEAR(r.rate, 6.989499154796741);
    EXPECT_NEAR(r.rate, 0.4 * pow(0.010 - cbrt(7.44), 3) + 9.92);
    /* Send whenever allowed for six seconds: the rate climbs, never past 10/s. */
    double prev = r.rate;
    bool monotonic = true;
    bool capped = true;
    for (uint64_t t = 1970; t <= 8000; t += 10) {
        if (ratelimit_take(&r, t) == 0) {
            ratelimit_on_success(&r, t);
            monotonic = monotonic && r.rate >= prev;
            capped = capped && r.rate <= 10.0;
            prev = r.rate;
        }
    }
    EXPECT(monotonic);
    EXPECT(capped);
    EXPECT_NEAR(r.rate, 10.0);
}

/* Recovery never exceeds twice the measured rate. */
static void test_measured_cap(void)
{
    struct ratelimit r;
    warm_up_and_throttle(&r);
    /* 6 responses in 10.5 s: measured = 0.8 * 6 / 10.5 + 0.2 * 9.92 */
    ratelimit_on_success(&r, 12000);
    EXPECT_NEAR(r.measured_rate, 2.4411428571428573);
    EXPECT_NEAR(r.rate, 4.882285714285715);
}

int main(void)
{
    test_burst_and_refill();
    test_fractional_waits();
    test_waits_exact();
    test_throttle();
    test_cubic_recovery();
    test_measured_cap();
    return tap_done();
}
