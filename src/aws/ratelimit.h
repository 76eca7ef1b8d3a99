/*
 * ratelimit.h - client-side rate limiting for one (account, region, action):
 * a token bucket sized like EC2's documented limits that also backs off
 * when the service throttles. Pure: the caller passes monotonic time in ms.
 *
 * Owns: when the next request of a scope may be sent.
 * May call: base.
 *
 * EC2 throttles non-mutating actions per account, region and action with a
 * bucket of 100 tokens refilled at 20 per second (docs/reference.md 4.1).
 * ltsnap's default bucket is the same, so a burst never exceeds what EC2
 * allows from a cold start; --max-rps N sets refill N/s and capacity N.
 *
 * On a throttling response the sending rate drops to 0.7x the rate measured
 * when it happened (never below 0.5/s), then recovers along botocore
 * adaptive mode's cubic curve toward the configured rate
 * (retries/adaptive.py, retries/throttling.py).
 */
#ifndef LT_AWS_RATELIMIT_H
#define LT_AWS_RATELIMIT_H

#include "base/lt.h"

#define RATELIMIT_EC2_DESCRIBE_CAPACITY 100.0
#define RATELIMIT_EC2_DESCRIBE_REFILL 20.0

struct ratelimit {
    double capacity;  /* tokens */
    double max_rate;  /* configured refill, tokens/s */
    double rate;      /* current refill, <= max_rate */
    double tokens;
    uint64_t last_ms; /* last refill */
    /* cubic recovery state */
    double w_max;
    uint64_t last_throttle_ms;
    bool throttled_once;
    /* measured send rate (exponentially smoothed over half-second buckets) */
    double measured_rate;
    uint64_t measure_bucket_ms;
    unsigned measure_count;
};

void ratelimit_init(struct ratelimit *r, double capacity, double rate_per_s, uint64_t now_ms);
/*
 * Takes a token if one is available and returns 0; otherwise takes nothing
 * and returns how many ms to wait before asking again (>= 1).
 */
uint64_t ratelimit_take(struct ratelimit *r, uint64_t now_ms);
void ratelimit_on_throttle(struct ratelimit *r, uint64_t now_ms);
void ratelimit_on_success(struct ratelimit *r, uint64_t now_ms);

#endif
