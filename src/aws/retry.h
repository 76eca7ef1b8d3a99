/*
 * retry.h - the retry policy of the AWS SDKs' standard mode (and the knobs of
 * adaptive and legacy mode), as a pure module: it classifies outcomes, sizes
 * delays and keeps the retry budget. It never sleeps, reads the clock or
 * draws random numbers: the caller passes time and randomness in.
 *
 * Owns: which outcomes are retried, backoff with full jitter, the retry
 *       quota, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE parsing.
 * May call: base.
 *
 * Facts (docs/reference.md section 4, botocore retries/standard.py,
 * data/_retry.json):
 * - standard: 3 attempts in all by default; retry throttling codes,
 *   transient codes, HTTP 500/502/503/504, transport failures; never other
 *   4xx; delay before retry n (n = 1 first) uniform in
 *   [0, min(2^(n-1), 20)] s; quota 500, retry costs 5 (10 after a timeout),
 *   a first-try success gives back 1, a success after retries gives back
 *   what its last retry cost.
 * - legacy: 5 attempts, delay rand * 2^(n-1) s without cap, no quota.
 * - adaptive: standard plus a client-side rate limiter (ratelimit.h).
 */
#ifndef LT_AWS_RETRY_H
#define LT_AWS_RETRY_H

#include "base/err.h"
#include "base/lt.h"

enum retry_mode { RETRY_MODE_STANDARD, RETRY_MODE_ADAPTIVE, RETRY_MODE_LEGACY };

struct retry_config {
    enum retry_mode mode;
    int max_attempts; /* total attempts including the first, >= 1 */
};

/* Defaults of the mode (standard: 3 attempts, legacy: 5). */
void retry_config_default(struct retry_config *c, enum retry_mode mode);
/*
 * Applies AWS_RETRY_MODE / retry_mode and AWS_MAX_ATTEMPTS / max_attempts
 * values (either may be NULL = not set). A bad value is LT_E_CONFIG naming
 * `origin` ("AWS_MAX_ATTEMPTS", "profile 'x' max_attempts").
 */
LT_MUST_CHECK enum lt_rc retry_config_parse(struct retry_config *c, const char *mode,
                                            const char *max_attempts, const char *origin,
                                            struct lt_error *err);

/* What happened to one attempt. */
struct retry_outcome {
    long http_status;       /* 0 when no response arrived */
    bool transport_failed;  /* connect/TLS/reset/truncated transfer */
    bool timed_out;         /* a connect or read timeout (costs more quota) */
    const char *error_code; /* service error code from the body, or NULL */
    bool body_unusable;     /* 2xx but the body was truncated or unparseable */
};

enum retry_class {
    RETRY_CLASS_SUCCESS,
    RETRY_CLASS_THROTTLED, /* retry, and slow the sender down */
    RETRY_CLASS_TRANSIENT, /* retry */
    RETRY_CLASS_PERMANENT, /* do not retry */
};

enum retry_class retry_classify(const struct retry_outcome *o);
bool retry_is_throttling_code(const char *code);
bool retry_is_transient_code(const char *code);

/* The shared retry budget (one per client: account x region x service). */
struct retry_quota {
    int available;
};

void retry_quota_init(struct retry_quota *q);
/*
 * Asks the budget for a retry. Returns false when it cannot pay (the error
 * is then final); else *cost is what was taken, to hand back on success.
 * Legacy mode has no quota: pass mode so it always succeeds there.
 */
bool retry_quota_take(struct retry_quota *q, const struct retry_config *c, bool timed_out,
                      int *cost);
/* After a success: cost is the last retry's cost, or 0 for a first-try success. */
void retry_quota_success(struct retry_quota *q, int cost);

/*
 * Delay before retry number n (1 = first retry), in milliseconds, given a
 * uniformly distributed random32 from the caller.
 */
uint64_t retry_delay_ms(const struct retry_config *c, int n, uint32_t random32);

#endif
