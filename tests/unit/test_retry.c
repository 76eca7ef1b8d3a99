/* Unit tests for aws/retry: classification, configuration, quota and backoff. */

#include "aws/retry.h"
#include "base/err.h"
#include "tap.h"

struct classify_case {
    long status;
    bool transport_failed;
    bool timed_out;
    const char *code;
    bool body_unusable;
    enum retry_class want;
};

static const char *const throttling[] = {
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

static const struct classify_case cases[] = {
    /* success */
    {200, false, false, NULL, false, RETRY_CLASS_SUCCESS},
    {204, false, false, NULL, false, RETRY_CLASS_SUCCESS},
    /* a 2xx whose body was truncated or unparseable */
    {200, false, false, NULL, true, RETRY_CLASS_TRANSIENT},
    /* transient codes and the modeled-retryable STS error */
    {400, false, false, "RequestTimeout", false, RETRY_CLASS_TRANSIENT},
    {400, false, false, "RequestTimeoutException", false, RETRY_CLASS_TRANSIENT},
    {400, false, false, "IDPCommunicationError", false, RETRY_CLASS_TRANSIENT},
    /* PriorRequestNotComplete is in both lists: throttling wins */
    {400, false, false, "PriorRequestNotComplete", false, RETRY_CLASS_THROTTLED},
    /* status codes */
    {500, false, false, NULL, false, RETRY_CLASS_TRANSIENT},
    {502, false, false, NULL, false, RETRY_CLASS_TRANSIENT},
    {503, false, false, NULL, false, RETRY_CLASS_TRANSIENT},
    {504, false, false, NULL, false, RETRY_CLASS_TRANSIENT},
    {500, false, false, "InternalError", false, RETRY_CLASS_TRANSIENT},
    {503, false, false, "Unavailable", false, RETRY_CLASS_TRANSIENT},
    {503, false, false, "RequestLimitExceeded", false, RETRY_CLASS_THROTTLED},
    {429, false, false, NULL, false, RETRY_CLASS_THROTTLED},
    {501, false, false, NULL, false, RETRY_CLASS_PERMANENT},
    {505, false, false, NULL, false, RETRY_CLASS_PERMANENT},
    {301, false, false, NULL, false, RETRY_CLASS_PERMANENT},
    /* permanent 4xx */
    {400, false, false, "AuthFailure", false, RETRY_CLASS_PERMANENT},
    {403, false, false, "UnauthorizedOperation", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "InvalidLaunchTemplateId.NotFound", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "InvalidLaunchTemplateId.Malformed", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "MissingParameter", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "SignatureDoesNotMatch", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "RequestExpired", false, RETRY_CLASS_PERMANENT},
    {400, false, false, "InvalidPaginationToken", false, RETRY_CLASS_PERMANENT},
    {403, false, false, "AccessDenied", false, RETRY_CLASS_PERMANENT},
    {404, false, false, NULL, false, RETRY_CLASS_PERMANENT},
    {400, false, false, NULL, false, RETRY_CLASS_PERMANENT},
    /* codes compare case-sensitively, as the services send them */
    {400, false, false, "throttling", false, RETRY_CLASS_PERMANENT},
    /* a 2xx carrying an error code is not a success */
    {200, false, false, "AuthFailure", false, RETRY_CLASS_PERMANENT},
    /* transport */
    {0, true, false, NULL, false, RETRY_CLASS_TRANSIENT},
    {0, true, true, NULL, false, RETRY_CLASS_TRANSIENT},
    {0, false, true, NULL, false, RETRY_CLASS_TRANSIENT},
    {0, false, false, NULL, false, RETRY_CLASS_TRANSIENT},
};

static void test_classify(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        const struct classify_case *c = &cases[i];
        struct retry_outcome o = {c->status, c->transport_failed, c->timed_out, c->code,
                                  c->body_unusable};
        if (!EXPECT_INT(retry_classify(&o), c->want)) {
            tap_note("case %zu: status %ld code '%s'", i, c->status, c->code ? c->code : "");
        }
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(throttling); i++) {
        EXPECT(retry_is_throttling_code(throttling[i]));
        struct retry_outcome o400 = {400, false, false, throttling[i], false};
        struct retry_outcome o503 = {503, false, false, throttling[i], false};
        struct retry_outcome o200 = {200, false, false, throttling[i], false};
        EXPECT_INT(retry_classify(&o400), RETRY_CLASS_THROTTLED);
        EXPECT_INT(retry_classify(&o503), RETRY_CLASS_THROTTLED);
        EXPECT_INT(retry_classify(&o200), RETRY_CLASS_THROTTLED);
    }
    EXPECT(!retry_is_throttling_code(NULL));
    EXPECT(!retry_is_throttling_code(""));
    EXPECT(!retry_is_throttling_code("RequestTimeout"));
    EXPECT(retry_is_transient_code("RequestTimeout"));
    EXPECT(retry_is_transient_code("RequestTimeoutException"));
    EXPECT(retry_is_transient_code("PriorRequestNotComplete"));
    EXPECT(retry_is_transient_code("IDPCommunicationError"));
    EXPECT(!retry_is_transient_code("Throttling"));
    EXPECT(!retry_is_transient_code(NULL));
}

static void test_config_defaults(void)
{
    struct retry_config c;
    retry_config_default(&c, RETRY_MODE_STANDARD);
    EXPECT_INT(c.mode, RETRY_MODE_STANDARD);
    EXPECT_INT(c.max_attempts, 3);
    retry_config_default(&c, RETRY_MODE_ADAPTIVE);
    EXPECT_INT(c.max_attempts, 3);
    retry_config_default(&c, RETRY_MODE_LEGACY);
    EXPECT_INT(c.max_attempts, 5);
    EXPECT(!c.max_attempts_set);
}

static void test_config_parse(void)
{
    struct lt_error err = LT_ERROR_INIT;
    struct retry_config c;
    retry_config_default(&c, RETRY_MODE_STANDARD);
    EXPECT_OK(retry_config_parse(&c, "legacy", NULL, "AWS_RETRY_MODE", &err));
    EXPECT_INT(c.mode, RETRY_MODE_LEGACY);
    EXPECT_INT(c.max_attempts, 5);
    EXPECT_OK(retry_config_parse(&c, "adaptive", NULL, "AWS_RETRY_MODE", &err));
    EXPECT_INT(c.mode, RETRY_MODE_ADAPTIVE);
    EXPECT_INT(c.max_attempts, 3);
    EXPECT_OK(retry_config_parse(&c, NULL, "7", "AWS_MAX_ATTEMPTS", &err));
    EXPECT_INT(c.mode, RETRY_MODE_ADAPTIVE);
    EXPECT_INT(c.max_attempts, 7);
    /* An explicit count survives a later mode. */
    EXPECT_OK(retry_config_parse(&c, "legacy", NULL, "AWS_RETRY_MODE", &err));
    EXPECT_INT(c.mode, RETRY_MODE_LEGACY);
    EXPECT_INT(c.max_attempts, 7);
    EXPECT_OK(retry_config_parse(&c, "standard", "1", "profile 'p'", &err));
    EXPECT_INT(c.mode, RETRY_MODE_STANDARD);
    EXPECT_INT(c.max_attempts, 1);
    EXPECT_OK(retry_config_parse(&c, NULL, "100", "AWS_MAX_ATTEMPTS", &err));
    EXPECT_INT(c.max_attempts, 100);
    EXPECT_OK(retry_config_parse(&c, NULL, "007", "AWS_MAX_ATTEMPTS", &err));
    EXPECT_INT(c.max_attempts, 7);
    EXPECT_OK(retry_config_parse(&c, NULL, NULL, "AWS_MAX_ATTEMPTS", &err));
    EXPECT_INT(c.max_attempts, 7);
    EXPECT_INT(err.code, LT_OK);
    lt_error_release(&err);
}

static void expect_bad_attempts(const char *value, const char *origin, const char *msg)
{
    struct lt_error err = LT_ERROR_INIT;
    struct retry_config c;
    retry_config_default(&c, RETRY_MODE_STANDARD);
    EXPECT_INT(retry_config_parse(&c, NULL, value, origin, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), msg);
    EXPECT_INT(c.mode, RETRY_MODE_STANDARD);
    EXPECT_INT(c.max_attempts, 3);
    EXPECT(!c.max_attempts_set);
    lt_error_release(&err);
}

static void expect_bad_mode(const char *value, const char *msg)
{
    struct lt_error err = LT_ERROR_INIT;
    struct retry_config c;
    retry_config_default(&c, RETRY_MODE_STANDARD);
    /* A bad mode rejects the whole call: the valid count is not applied either. */
    EXPECT_INT(retry_config_parse(&c, value, "9", "AWS_RETRY_MODE", &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), msg);
    EXPECT_INT(c.mode, RETRY_MODE_STANDARD);
    EXPECT_INT(c.max_attempts, 3);
    lt_error_release(&err);
}

#define ATTEMPTS_MSG(v, o)                                                                         \
    "invalid max attempts '" v "' in " o ": expected a whole number from 1 to 100"
#define MODE_MSG(v)                                                                                \
    "invalid retry mode '" v "' in AWS_RETRY_MODE: expected 'standard', 'adaptive' or 'legacy'"

static void test_config_errors(void)
{
    expect_bad_attempts("0", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("0", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("-1", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("-1", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("abc", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("abc", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("99999999999", "AWS_MAX_ATTEMPTS",
                        ATTEMPTS_MSG("99999999999", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("101", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("101", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts(" 5", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG(" 5", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("5 ", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("5 ", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("+5", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("+5", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("1.5", "AWS_MAX_ATTEMPTS", ATTEMPTS_MSG("1.5", "AWS_MAX_ATTEMPTS"));
    expect_bad_attempts("x", NULL, ATTEMPTS_MSG("x", "the configuration"));
    expect_bad_attempts("0", "profile 'dev' max_attempts",
                        ATTEMPTS_MSG("0", "profile 'dev' max_attempts"));
}

static void test_config_mode_errors(void)
{
    expect_bad_mode("unknown", MODE_MSG("unknown"));
    expect_bad_mode("Standard", MODE_MSG("Standard"));
    expect_bad_mode("", MODE_MSG(""));
    expect_bad_mode("standard ", MODE_MSG("standard "));
}

static void test_quota(void)
{
    struct retry_config std;
    struct retry_config legacy;
    retry_config_default(&std, RETRY_MODE_STANDARD);
    retry_config_default(&legacy, RETRY_MODE_LEGACY);
    struct retry_quota q;
    retry_quota_init(&q);
    EXPECT_INT(q.available, 500);
    int cost = -1;
    EXPECT(retry_quota_take(&q, &std, false, &cost));
    EXPECT_INT(cost, 5);
    EXPECT_INT(q.available, 495);
    EXPECT(retry_quota_take(&q, &std, true, &cost));
    EXPECT_INT(cost, 10);
    EXPECT_INT(q.available, 485);
    /* A success after retries gives back what the last retry cost. */
    retry_quota_success(&q, 10);
    EXPECT_INT(q.available, 495);
    /* A first-try success gives back 1, never above 500. */
    retry_quota_success(&q, 0);
    EXPECT_INT(q.available, 496);
    retry_quota_success(&q, 5);
    EXPECT_INT(q.available, 500);
    retry_quota_success(&q, 0);
    EXPECT_INT(q.available, 500);
    /* Exhaustion: exactly 100 retries of cost 5. */
    int taken = 0;
    while (retry_quota_take(&q, &std, false, &cost)) {
        taken++;
    }
    EXPECT_INT(taken, 100);
    EXPECT_INT(q.available, 0);
    EXPECT_INT(cost, 0);
    /* Adaptive pays like standard. */
    struct retry_config adaptive;
    retry_config_default(&adaptive, RETRY_MODE_ADAPTIVE);
    EXPECT(!retry_quota_take(&q, &adaptive, false, &cost));
    /* Legacy has no quota. */
    EXPECT(retry_quota_take(&q, &legacy, true, &cost));
    EXPECT_INT(cost, 0);
    EXPECT_INT(q.available, 0);
    /* 7 left: a timeout retry (10) is refused, an ordinary one (5) paid. */
    q.available = 7;
    EXPECT(!retry_quota_take(&q, &std, true, &cost));
    EXPECT_INT(q.available, 7);
    EXPECT(retry_quota_take(&q, &std, false, &cost));
    EXPECT_INT(q.available, 2);
    /* Exactly 50 timeout retries from a full budget. */
    retry_quota_init(&q);
    taken = 0;
    while (retry_quota_take(&q, &std, true, &cost)) {
        taken++;
    }
    EXPECT_INT(taken, 50);
    EXPECT_INT(q.available, 0);
}

static void test_delay(void)
{
    static const uint64_t standard_max[] = {1000,  2000,  4000,  8000,  16000,
                                            20000, 20000, 20000, 20000, 20000};
    static const uint64_t legacy_max[] = {1000,  2000,  4000,   8000,   16000,
                                          32000, 64000, 128000, 256000, 512000};
    struct retry_config std;
    struct retry_config adaptive;
    struct retry_config legacy;
    retry_config_default(&std, RETRY_MODE_STANDARD);
    retry_config_default(&adaptive, RETRY_MODE_ADAPTIVE);
    retry_config_default(&legacy, RETRY_MODE_LEGACY);
    for (int n = 1; n <= 10; n++) {
        EXPECT_INT(retry_delay_ms(&std, n, 0), 0);
        EXPECT_INT(retry_delay_ms(&std, n, 0xFFFFFFFFu), standard_max[n - 1]);
        EXPECT_INT(retry_delay_ms(&adaptive, n, 0xFFFFFFFFu), standard_max[n - 1]);
        EXPECT_INT(retry_delay_ms(&legacy, n, 0), 0);
        EXPECT_INT(retry_delay_ms(&legacy, n, 0xFFFFFFFFu), legacy_max[n - 1]);
    }
    /* Uniform in between: half the range (rounded down). */
    EXPECT_INT(retry_delay_ms(&std, 1, 0x80000000u), 500);
    EXPECT_INT(retry_delay_ms(&std, 9, 0x80000000u), 10000);
    EXPECT_INT(retry_delay_ms(&legacy, 9, 0x80000000u), 128000);
    EXPECT_INT(retry_delay_ms(&std, 0, 0xFFFFFFFFu), 1000);
    EXPECT_INT(retry_delay_ms(&std, -5, 0xFFFFFFFFu), 1000);
    EXPECT_INT(retry_delay_ms(&std, 1000, 0xFFFFFFFFu), 20000);
    /* Legacy saturates instead of overflowing. */
    EXPECT_INT(retry_delay_ms(&legacy, 54, 0xFFFFFFFFu), 9007199254740992000ull);
    EXPECT_INT(retry_delay_ms(&legacy, 100, 0xFFFFFFFFu), 9007199254740992000ull);
}

int main(void)
{
    test_classify();
    test_config_defaults();
    test_config_parse();
    test_config_errors();
    test_config_mode_errors();
    test_quota();
    test_delay();
    return tap_done();
}
