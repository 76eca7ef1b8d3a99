/*
 * creds_container.c - the container credentials endpoint (ECS task roles,
 * EKS Pod Identity), as botocore's ContainerProvider and
 * ContainerMetadataFetcher do it.
 *
 * Applicable when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (appended to
 * http://169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI is set. A full
 * URI must be https, or name a loopback host (localhost, 127.0.0.0/8, ::1)
 * or 169.254.170.2, 169.254.170.23, fd00:ec2::23. The Authorization header
 * comes from the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every
 * refresh; a trailing newline is dropped) or else
 * AWS_CONTAINER_AUTHORIZATION_TOKEN; CR or LF inside it is an error.
 * GET with a 2 s timeout, 3 attempts (transport failures and 5xx retried).
 * Reply: JSON AccessKeyId, SecretAccessKey, Token, Expiration.
 */
#include <string.h>

#include "aws/creds_internal.h"
#include "aws/settings.h"
#include "base/json.h"
#include "base/log.h"

#define CREDS_CONTAINER_HOST "http://169.254.170.2"
#define CREDS_CONTAINER_TIMEOUT_MS 2000
#define CREDS_CONTAINER_ATTEMPTS 3

static bool creds_container_host_allowed(const char *url)
{
    static const char *const hosts[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                        "localhost"};
    struct buf host = BUF_INIT(BUF_MAX_SMALL);
    bool https = false;
    bool ok = settings_url_host(url, &host, &https);
    bool allowed = ok && (https || settings_url_is_loopback(url));
    for (size_t i = 0; ok && !allowed && i < LT_ARRAY_SIZE(hosts); i++) {
        allowed = strcmp(buf_str(&host), hosts[i]) == 0;
    }
    buf_release(&host);
    return allowed;
}

static enum lt_rc creds_container_url(const struct aws_env *env, struct buf *url,
                                      struct lt_error *err)
{
    const char *rel = aws_env_get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (rel) {
        LT_TRY(buf_adds(url, CREDS_CONTAINER_HOST));
        return buf_adds(url, rel);
    }
    const char *full = aws_env_get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!creds_container_host_allowed(full)) {
        return lt_fail(err, LT_E_CONFIG,
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is not allowed: it must be https "
                       "or name a loopback host, 169.254.170.2, 169.254.170.23 or fd00:ec2::23",
                       full);
    }
    return buf_adds(url, full);
}

/* The Authorization value, or an empty buffer for none. */
static enum lt_rc creds_container_auth(const struct aws_env *env, struct buf *auth,
                                       struct lt_error *err)
{
    const char *file = aws_env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token = aws_env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (file) {
        LT_TRY(creds_read_token_file(file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", auth, err));
    } else if (token) {
        log_add_secret(token, strlen(token));
        LT_TRY(buf_adds(auth, token));
    }
    if (strpbrk(buf_str(auth), "\r\n")) {
        return lt_fail(err, LT_E_CONFIG, "the container authorization token holds a line break");
    }
    return LT_OK;
}

enum lt_rc creds_container_parse(const char *text, size_t len, struct aws_credentials *out,
                                 struct lt_error *err)
{
    static const struct creds_json_keys keys = {
        "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration", true, false};
    cJSON *doc = cJSON_ParseWithLength(text, len);
    enum lt_rc rc = creds_from_json(doc, &keys, out, err);
    creds_json_delete_secret(doc);
    return rc;
}

static enum lt_rc creds_container_fetch(struct creds_request *rq, const char *url, const char *auth,
                                        struct aws_credentials *out, struct lt_error *err)
{
    struct http_header headers[] = {{"Accept", "application/json"}, {"Authorization", auth}};
    struct http_call call;
    enum lt_rc rc = creds_http(rq, "GET", url, headers, *auth ? 2 : 1, CREDS_CONTAINER_TIMEOUT_MS,
                               CREDS_CONTAINER_ATTEMPTS, &call);
    if (rc != LT_OK) {
        rc = lt_fail(err, LT_E_CREDS, "%s", lt_error_message(&call.err));
    } else {
        rc = creds_container_parse(buf_str(&call.response), call.response.len, out, err);
    }
    buf_release_secret(&call.response);
    http_call_release(&call);
    return rc;
}

enum lt_rc creds_container_resolve(struct creds_request *rq, struct aws_credentials *out,
                                   struct buf *what, struct lt_error *err)
{
    const struct aws_env *env = rq->ctx->env;
    if (!aws_env_get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
        !aws_env_get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        return LT_OK;
    }
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    struct buf auth = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = creds_container_url(env, &url, err);
    rc = rc ? rc : creds_container_auth(env, &auth, err);
    rc = rc ? rc : creds_container_fetch(rq, buf_str(&url), buf_str(&auth), out, err);
    if (rc != LT_OK) {
        lt_error_prefix(err, "container credentials from '%s'", buf_str(&url));
    }
    buf_release(&url);
    buf_release_secret(&auth);
    LT_TRY(rc);
    return buf_adds(what, "container");
}
