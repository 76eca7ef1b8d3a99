#include "aws/ratelimit.h"

#include <math.h>

/* botocore retries/throttling.py and adaptive.py. */
#define RATELIMIT_BETA 0.7
#define RATELIMIT_SCALE 0.4
#define RATELIMIT_SMOOTH 0.8
#define RATELIMIT_BUCKET_MS 500
/* Float slack: a token refilled to 0.999999999999 still counts as one. */
#define RATELIMIT_EPSILON 1e-9

static double min_d(double a, double b)
{
    return a < b ? a : b;
}

static double max_d(double a, double b)
{
    return a > b ? a : b;
}

/* Full capacity until the first throttle; then botocore's max(1, rate), within capacity. */
static double bucket_size(const struct ratelimit *r)
{
    return r->throttled_once ? min_d(r->capacity, max_d(1.0, r->rate)) : r->capacity;
}

static void refill(struct ratelimit *r, uint64_t now_ms)
{
    if (now_ms <= r->last_ms) {
        return;
    }
    double added = (double)(now_ms - r->last_ms) * r->rate / 1000.0;
    r->tokens = min_d(bucket_size(r), r->tokens + added);
    r->last_ms = now_ms;
}

/* Sets the refill rate within [RATELIMIT_MIN_RATE, max_rate]; call refill() first. */
static void set_rate(struct ratelimit *r, double rate)
{
    r->rate = min_d(r->max_rate, max_d(RATELIMIT_MIN_RATE, rate));
    r->tokens = min_d(r->tokens, bucket_size(r));
}

/*
 * Counts one response into the current half-second bucket; when a later
 * bucket starts, the finished span's rate is folded into the smoothed
 * measurement (weight RATELIMIT_SMOOTH for the new value).
 */
static void measure(struct ratelimit *r, uint64_t now_ms)
{
    uint64_t bucket = now_ms - now_ms % RATELIMIT_BUCKET_MS;
    if (bucket > r->measure_bucket_ms) {
        double span_s = (double)(bucket - r->measure_bucket_ms) / 1000.0;
        double current = (double)r->measure_count / span_s;
        r->measured_rate = current * RATELIMIT_SMOOTH + r->measured_rate * (1.0 - RATELIMIT_SMOOTH);
        r->measure_count = 0;
        r->measure_bucket_ms = bucket;
    }
    r->measure_count++;
}

void ratelimit_init(struct ratelimit *r, double capacity, double rate_per_s, uint64_t now_ms)
{
    r->capacity = capacity >= 1.0 ? capacity : 1.0;
    r->max_rate = rate_per_s >= RATELIMIT_MIN_RATE ? rate_per_s : RATELIMIT_MIN_RATE;
    r->rate = r->max_rate;
    r->tokens = r->capacity;
    r->last_ms = now_ms;
    r->w_max = 0.0;
    r->last_throttle_ms = now_ms;
    r->throttled_once = false;
    r->measured_rate = 0.0;
    r->measure_bucket_ms = now_ms - now_ms % RATELIMIT_BUCKET_MS;
    r->measure_count = 0;
}

uint64_t ratelimit_take(struct ratelimit *r, uint64_t now_ms)
{
    refill(r, now_ms);
    if (r->tokens >= 1.0 - RATELIMIT_EPSILON) {
        r->tokens = max_d(0.0, r->tokens - 1.0);
        return 0;
    }
    double wait = ceil((1.0 - r->tokens) * 1000.0 / r->rate - 1e-6);
    return wait >= 1.0 ? (uint64_t)wait : 1;
}

void ratelimit_on_throttle(struct ratelimit *r, uint64_t now_ms)
{
    refill(r, now_ms);
    measure(r, now_ms);
    r->w_max = min_d(r->measured_rate, r->rate);
    r->last_throttle_ms = now_ms;
    r->throttled_once = true;
    set_rate(r, r->w_max * RATELIMIT_BETA);
}

/* botocore CubicCalculator.success_received: 0.4 (t - K)^3 + w_max, K = cbrt(0.3 w_max / 0.4). */
static double cubic_rate(const struct ratelimit *r, uint64_t now_ms)
{
    double t = now_ms > r->last_throttle_ms ? (double)(now_ms - r->last_throttle_ms) / 1000.0 : 0;
    double k = cbrt(r->w_max * (1.0 - RATELIMIT_BETA) / RATELIMIT_SCALE);
    double d = t - k;
    return RATELIMIT_SCALE * d * d * d + r->w_max;
}

void ratelimit_on_success(struct ratelimit *r, uint64_t now_ms)
{
    refill(r, now_ms);
    measure(r, now_ms);
    if (!r->throttled_once) {
        return;
    }
    set_rate(r, min_d(cubic_rate(r, now_ms), 2.0 * r->measured_rate));
}
