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
 *
 * ltsnap's choices where the SDKs are silent or differ (see retry.c):
 * - AWS_MAX_ATTEMPTS accepts decimal digits only, 1 to RETRY_MAX_ATTEMPTS_LIMIT;
 *   AWS_RETRY_MODE accepts exactly "standard", "adaptive" or "legacy"; an
 *   empty value is invalid (as in botocore).
 * - HTTP 429 is throttling even without a throttling code (as the Java and
 *   legacy Python retryers treat it); a 2xx whose body is unusable, and an
 *   attempt without any response, are transient.
 * - The standard delay is uniform over [0, min(2^(n-1), 20)] s, as stated
 *   above; botocore computes min(rand * 2^(n-1), 20), which piles up at 20 s
 *   from the sixth retry on. The bounds are the same.
 */
#ifndef LT_AWS_RETRY_H
#define LT_AWS_RETRY_H

#include "base/err.h"
#include "base/lt.h"

enum retry_mode { RETRY_MODE_STANDARD, RETRY_MODE_ADAPTIVE, RETRY_MODE_LEGACY };

/* Largest accepted AWS_MAX_ATTEMPTS. */
#define RETRY_MAX_ATTEMPTS_LIMIT 100

struct retry_config {
    enum retry_mode mode;
    int max_attempts;      /* total attempts including the first, >= 1 */
    bool max_attempts_set; /* max_attempts came from the configuration */
};

/* Defaults of the mode (standard and adaptive: 3 attempts, legacy: 5). */
void retry_config_default(struct retry_config *c, enum retry_mode mode);
/*
 * Applies AWS_RETRY_MODE / retry_mode and AWS_MAX_ATTEMPTS / max_attempts
 * values (either may be NULL = not set), so the two may come from separate
 * calls in any order: a mode alone also sets that mode's default attempts
 * unless max_attempts was set by an earlier call. A bad value is
 * LT_E_CONFIG naming `origin` ("AWS_MAX_ATTEMPTS", "profile 'x'
 * max_attempts"), for example "invalid max attempts '0' in
 * AWS_MAX_ATTEMPTS: expected a whole number from 1 to 100"; c is then
 * unchanged.
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

/*
 * In order: no response, a transport failure, a timeout or an unusable 2xx
 * body is TRANSIENT; a throttling code or HTTP 429 is THROTTLED; a transient
 * or modeled-retryable code or HTTP 500/502/503/504 is TRANSIENT; a 2xx
 * without an error code is SUCCESS; anything else is PERMANENT.
 */
enum retry_class retry_classify(const struct retry_outcome *o);
/* NULL is no code. */
bool retry_is_throttling_code(const char *code);
/* The transient codes, plus error shapes modeled as retryable (IDPCommunicationError). */
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
 * Delay before retry number n (1 = first retry; n < 1 counts as 1), in
 * milliseconds, given a uniformly distributed random32 from the caller:
 * limit * random32 / 0xFFFFFFFF, so 0 gives 0 and 0xFFFFFFFF the limit
 * min(2^(n-1), 20) s (legacy: 2^(n-1) s, saturating at 2^53 s).
 */
uint64_t retry_delay_ms(const struct retry_config *c, int n, uint32_t random32);

#endif
