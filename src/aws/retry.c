#include "aws/retry.h"

#include <string.h>

#define RETRY_STANDARD_ATTEMPTS 3
#define RETRY_LEGACY_ATTEMPTS 5
#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define RETRY_NO_RETRY_INCREMENT 1
#define RETRY_MAX_BACKOFF_MS 20000u
#define RETRY_BASE_MS 1000u
/* 1000 << 53 still fits in 64 bits; larger legacy exponents saturate there. */
#define RETRY_MAX_SHIFT 53

/* botocore retries/standard.py _THROTTLED_ERROR_CODES (docs/reference.md 4.2). */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* botocore retries/standard.py _TRANSIENT_ERROR_CODES. */
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

/* Error shapes the service models mark retryable (STS AssumeRoleWithWebIdentity). */
static const char *const modeled_retryable_codes[] = {
    "IDPCommunicationError",
};

static const struct {
    const char *name;
    enum retry_mode mode;
} mode_names[] = {
    {"standard", RETRY_MODE_STANDARD},
    {"adaptive", RETRY_MODE_ADAPTIVE},
    {"legacy", RETRY_MODE_LEGACY},
};

static bool in_list(const char *const *list, size_t n, const char *code)
{
    if (!code) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], code) == 0) {
            return true;
        }
    }
    return false;
}

static int mode_default_attempts(enum retry_mode mode)
{
    return mode == RETRY_MODE_LEGACY ? RETRY_LEGACY_ATTEMPTS : RETRY_STANDARD_ATTEMPTS;
}

void retry_config_default(struct retry_config *c, enum retry_mode mode)
{
    c->mode = mode;
    c->max_attempts = mode_default_attempts(mode);
    c->max_attempts_set = false;
}

static bool parse_mode(const char *s, enum retry_mode *mode)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(mode_names); i++) {
        if (strcmp(s, mode_names[i].name) == 0) {
            *mode = mode_names[i].mode;
            return true;
        }
    }
    return false;
}

/* Decimal digits only, 1..RETRY_MAX_ATTEMPTS_LIMIT. */
static bool parse_attempts(const char *s, int *out)
{
    int v = 0;
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        v = v * 10 + (*s - '0');
        if (v > RETRY_MAX_ATTEMPTS_LIMIT) {
            return false;
        }
    }
    if (v < 1) {
        return false;
    }
    *out = v;
    return true;
}

enum lt_rc retry_config_parse(struct retry_config *c, const char *mode, const char *max_attempts,
                              const char *origin, struct lt_error *err)
{
    enum retry_mode m = c->mode;
    int attempts = c->max_attempts;
    if (!origin) {
        origin = "the configuration";
    }
    if (mode && !parse_mode(mode, &m)) {
        return lt_fail(err, LT_E_CONFIG,
                       "invalid retry mode '%s' in %s: expected 'standard', 'adaptive' or "
                       "'legacy'",
                       mode, origin);
    }
    if (max_attempts && !parse_attempts(max_attempts, &attempts)) {
        return lt_fail(err, LT_E_CONFIG,
                       "invalid max attempts '%s' in %s: expected a whole number from 1 to %d",
                       max_attempts, origin, RETRY_MAX_ATTEMPTS_LIMIT);
    }
    c->mode = m;
    if (max_attempts) {
        c->max_attempts = attempts;
        c->max_attempts_set = true;
    } else if (!c->max_attempts_set) {
        c->max_attempts = mode_default_attempts(m);
    }
    return LT_OK;
}

bool retry_is_throttling_code(const char *code)
{
    return in_list(throttling_codes, LT_ARRAY_SIZE(throttling_codes), code);
}

bool retry_is_transient_code(const char *code)
{
    return in_list(transient_codes, LT_ARRAY_SIZE(transient_codes), code) ||
           in_list(modeled_retryable_codes, LT_ARRAY_SIZE(modeled_retryable_codes), code);
}

static bool transient_status(long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504;
}

enum retry_class retry_classify(const struct retry_outcome *o)
{
    if (o->transport_failed || o->timed_out || o->http_status == 0 || o->body_unusable) {
        return RETRY_CLASS_TRANSIENT;
    }
    if (retry_is_throttling_code(o->error_code) || o->http_status == 429) {
        return RETRY_CLASS_THROTTLED;
    }
    if (retry_is_transient_code(o->error_code) || transient_status(o->http_status)) {
        return RETRY_CLASS_TRANSIENT;
    }
    if (o->http_status >= 200 && o->http_status < 300 && !o->error_code) {
        return RETRY_CLASS_SUCCESS;
    }
    return RETRY_CLASS_PERMANENT;
}

void retry_quota_init(struct retry_quota *q)
{
    q->available = RETRY_QUOTA_MAX;
}

bool retry_quota_take(struct retry_quota *q, const struct retry_config *c, bool timed_out,
                      int *cost)
{
    *cost = 0;
    if (c->mode == RETRY_MODE_LEGACY) {
        return true;
    }
    int amount = timed_out ? RETRY_TIMEOUT_COST : RETRY_COST;
    if (amount > q->available) {
        return false;
    }
    q->available -= amount;
    *cost = amount;
    return true;
}

void retry_quota_success(struct retry_quota *q, int cost)
{
    int refund = cost > 0 ? cost : RETRY_NO_RETRY_INCREMENT;
    q->available =
        refund > RETRY_QUOTA_MAX - q->available ? RETRY_QUOTA_MAX : q->available + refund;
}

/* limit_ms * random32 / 0xFFFFFFFF without overflow: 0 maps to 0, 0xFFFFFFFF to limit_ms. */
static uint64_t scale(uint64_t limit_ms, uint32_t random32)
{
    const uint64_t d = UINT32_MAX;
    return (limit_ms / d) * random32 + (limit_ms % d) * random32 / d;
}

uint64_t retry_delay_ms(const struct retry_config *c, int n, uint32_t random32)
{
    unsigned shift = n > 1 ? (unsigned)(n - 1) : 0;
    if (shift > RETRY_MAX_SHIFT) {
        shift = RETRY_MAX_SHIFT;
    }
    uint64_t limit = (uint64_t)RETRY_BASE_MS << shift;
    if (c->mode != RETRY_MODE_LEGACY && limit > RETRY_MAX_BACKOFF_MS) {
        limit = RETRY_MAX_BACKOFF_MS;
    }
    return scale(limit, random32);
}
