/*
 * creds_env.c - credentials from the environment: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (legacy AWS_SECURITY_TOKEN),
 * AWS_CREDENTIAL_EXPIRATION (ISO-8601).
 *
 * Not applicable when neither key variable is set. One without the other
 * is an error (botocore only complains about a key id without a secret; a
 * lone secret is as surely a mistake). When both token variables are set
 * and differ, AWS_SESSION_TOKEN (the SDKs' name) wins with a warning;
 * botocore would take AWS_SECURITY_TOKEN.
 */
#include <string.h>

#include "aws/creds_internal.h"
#include "base/clock.h"
#include "base/log.h"

enum lt_rc creds_env_read(struct creds_request *rq, struct aws_credentials *out, struct buf *what,
                          struct lt_error *err)
{
    const struct aws_env *env = rq->ctx->env;
    const char *akid = aws_env_get(env, "AWS_ACCESS_KEY_ID");
    const char *secret = aws_env_get(env, "AWS_SECRET_ACCESS_KEY");
    const char *token = aws_env_get(env, "AWS_SESSION_TOKEN");
    const char *legacy = aws_env_get(env, "AWS_SECURITY_TOKEN");
    if (secret) {
        log_add_secret(secret, strlen(secret));
    }
    if (!akid && !secret) {
        return LT_OK;
    }
    if (!akid || !secret) {
        return lt_fail(err, LT_E_CREDS, "%s is set but %s is not",
                       akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    }
    if (token && legacy && strcmp(token, legacy) != 0) {
        log_warn("AWS_SESSION_TOKEN and AWS_SECURITY_TOKEN differ: using AWS_SESSION_TOKEN");
    }
    int64_t expiration = 0;
    const char *exp = aws_env_get(env, "AWS_CREDENTIAL_EXPIRATION");
    int ms = 0;
    if (exp && !clock_parse_iso8601(exp, &expiration, &ms)) {
        return lt_fail(err, LT_E_CONFIG,
                       "bad AWS_CREDENTIAL_EXPIRATION '%s': expected an ISO-8601 time", exp);
    }
    creds_set(out, akid, secret, token ? token : legacy, expiration);
    return buf_adds(what, "environment");
}

enum lt_rc creds_env_resolve(struct creds_request *rq, struct aws_credentials *out,
                             struct buf *what, struct lt_error *err)
{
    if (rq->explicit_profile) {
        return LT_OK; /* botocore: an explicit profile negates the EnvProvider */
    }
    return creds_env_read(rq, out, what, err);
}
