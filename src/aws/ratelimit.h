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
 * ltsnap's default bucket refills at the same rate and holds a few tokens
 * less (RATELIMIT_EC2_DESCRIBE_RESERVE), so a burst never exceeds what EC2
 * allows from a cold start and EC2's bucket keeps that reserve: requests
 * that reach EC2 closer together than they were sent (network and queueing
 * jitter) find a token instead of RequestLimitExceeded. --max-rps N sets
 * refill N/s and capacity N.
 *
 * On a throttling response the sending rate drops to 0.7x the rate measured
 * when it happened (never below 0.5/s), then recovers along botocore
 * adaptive mode's cubic curve toward the configured rate
 * (retries/adaptive.py, retries/throttling.py).
 *
 * Precisely:
 * - The bucket starts full (capacity tokens) and refills at `rate` tokens/s,
 *   never holding more than capacity. Unlike botocore's limiter it is
 *   active from the start.
 * - The measured rate counts responses (on_throttle and on_success) per
 *   half-second bucket; when a later bucket begins, the finished span's
 *   count / duration is folded in as 0.8 * new + 0.2 * old.
 * - On a throttle: w_max = min(measured, rate); rate = max(0.7 * w_max,
 *   RATELIMIT_MIN_RATE). From then on the bucket holds at most
 *   max(1, rate) tokens (botocore), never more than capacity.
 * - On a success after a throttle: rate = min(0.4 (t - K)^3 + w_max,
 *   2 * measured), K = cbrt(0.3 * w_max / 0.4), t = seconds since the last
 *   throttle, kept within [RATELIMIT_MIN_RATE, max_rate].
 * - Times that go backwards count as no time passing.
 *
 * Ownership: struct ratelimit is plain data owned by the caller; nothing to
 * release. One per scope, shared by every request of that scope.
 */
#ifndef LT_AWS_RATELIMIT_H
#define LT_AWS_RATELIMIT_H

#include "base/lt.h"

#define RATELIMIT_EC2_DESCRIBE_CAPACITY 100.0
#define RATELIMIT_EC2_DESCRIBE_REFILL 20.0
/* Tokens of EC2's bucket the default client bucket leaves alone: 0.25 s of jitter at 20/s. */
#define RATELIMIT_EC2_DESCRIBE_RESERVE 5.0
/* The floor of the sending rate after throttles, tokens/s. */
#define RATELIMIT_MIN_RATE 0.5

struct ratelimit {
    double capacity; /* tokens */
    double max_rate; /* configured refill, tokens/s */
    double rate;     /* current refill, <= max_rate */
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

/* capacity below 1 counts as 1, rate_per_s below RATELIMIT_MIN_RATE (or NaN) as that floor. */
void ratelimit_init(struct ratelimit *r, double capacity, double rate_per_s, uint64_t now_ms);
/*
 * Takes a token if one is available and returns 0; otherwise takes nothing
 * and returns how many ms to wait before asking again (>= 1): the smallest
 * whole number of ms after which a token will be there at the current rate.
 */
uint64_t ratelimit_take(struct ratelimit *r, uint64_t now_ms);
void ratelimit_on_throttle(struct ratelimit *r, uint64_t now_ms);
void ratelimit_on_success(struct ratelimit *r, uint64_t now_ms);

#endif
