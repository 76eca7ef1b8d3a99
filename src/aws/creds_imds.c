/*
 * creds_imds.c - the EC2 instance metadata service (IMDSv2, with the v1
 * fallback botocore's IMDSFetcher has), the last source of the chain.
 *
 * Settings (variable, else profile key): AWS_EC2_METADATA_DISABLED (true:
 * not applicable); AWS_EC2_METADATA_SERVICE_ENDPOINT /
 * ec2_metadata_service_endpoint, else AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
 * / ec2_metadata_service_endpoint_mode IPv4 (http://169.254.169.254) or
 * IPv6 (http://[fd00:ec2::254]); AWS_METADATA_SERVICE_TIMEOUT /
 * metadata_service_timeout (seconds, default 1); AWS_METADATA_SERVICE_NUM_
 * ATTEMPTS / metadata_service_num_attempts (default 1);
 * AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled.
 *
 * Flow: PUT /latest/api/token (TTL 21600) -> GET
 * /latest/meta-data/iam/security-credentials/ (role name) -> GET .../<role>.
 * Decisions:
 * - no answer to the token PUT (timeout, refused): botocore goes on with
 *   IMDSv1, because in a container the PUT reply can be dropped by the hop
 *   limit while GETs still work. ltsnap does the same; if v1 is disabled,
 *   or the v1 GET gets no answer either, it is "not on EC2": not applicable.
 * - 403/404/405 to the PUT: IMDSv2 unavailable, v1 fallback; with v1
 *   disabled that is an error (the service is there but refuses v2).
 * - 400 or another status to the PUT: an error.
 * - 401 to a GET with a token (token expired): one new token, one retry.
 * - 404 for the role list: no instance profile: not applicable.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/creds_internal.h"
#include "aws/settings.h"
#include "aws/sigv4.h"
#include "base/json.h"
#include "base/log.h"

#define CREDS_IMDS_V4 "http://169.254.169.254"
#define CREDS_IMDS_V6 "http://[fd00:ec2::254]"
#define CREDS_IMDS_ROLE_PATH "/latest/meta-data/iam/security-credentials/"

struct creds_imds {
    struct creds_request *rq;
    struct buf base; /* no trailing '/' */
    long timeout_ms;
    int attempts;
    bool v1_disabled;
    struct buf token; /* secret; empty: IMDSv1 */
};

static const char *creds_imds_get(const struct creds_request *rq, const char *var, const char *key,
                                  struct buf *origin)
{
    buf_reset(origin);
    return settings_lookup(rq->ctx->env, rq->ctx->files, rq->profile, var, key, origin);
}

static enum lt_rc creds_imds_number(const struct creds_request *rq, const char *var,
                                    const char *key, long def, long *out, struct lt_error *err)
{
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    const char *v = creds_imds_get(rq, var, key, &origin);
    char *end = NULL;
    *out = def;
    enum lt_rc rc = LT_OK;
    if (v) {
        *out = strtol(v, &end, 10);
        if (end == v || *end || *out < 1 || *out > 3600) {
            rc = lt_fail(err, LT_E_CONFIG,
                         "bad value '%s' for %s: expected a whole number "
                         "from 1 to 3600",
                         v, buf_str(&origin));
        }
    }
    buf_release(&origin);
    return rc;
}

static enum lt_rc creds_imds_base(const struct creds_request *rq, struct buf *base,
                                  struct lt_error *err)
{
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    const char *ep = creds_imds_get(rq, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                    "ec2_metadata_service_endpoint", &origin);
    enum lt_rc rc = LT_OK;
    if (ep) {
        rc = settings_check_url(ep, buf_str(&origin), err);
        size_t n = strlen(ep);
        rc = rc ? rc : buf_add(base, ep, n && ep[n - 1] == '/' ? n - 1 : n);
    } else {
        const char *mode = creds_imds_get(rq, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                                          "ec2_metadata_service_endpoint_mode", &origin);
        if (mode && strcasecmp(mode, "IPv6") == 0) {
            rc = buf_adds(base, CREDS_IMDS_V6);
        } else if (!mode || strcasecmp(mode, "IPv4") == 0) {
            rc = buf_adds(base, CREDS_IMDS_V4);
        } else {
            rc = lt_fail(err, LT_E_CONFIG, "bad value '%s' for %s: expected IPv4 or IPv6", mode,
                         buf_str(&origin));
        }
    }
    buf_release(&origin);
    return rc;
}

/* Reads the settings; *disabled when IMDS is switched off. */
static enum lt_rc creds_imds_setup(struct creds_imds *im, bool *disabled, struct lt_error *err)
{
    struct creds_request *rq = im->rq;
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    LT_TRY(aws_env_bool(rq->ctx->env, "AWS_EC2_METADATA_DISABLED", false, disabled, err));
    if (*disabled) {
        return LT_OK;
    }
    const char *v1 =
        creds_imds_get(rq, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled", &origin);
    enum lt_rc rc = v1 ? aws_parse_bool(v1, buf_str(&origin), &im->v1_disabled, err) : LT_OK;
    buf_release(&origin);
    LT_TRY(rc);
    long timeout_s = 1;
    long attempts = 1;
    LT_TRY(creds_imds_number(rq, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", 1,
                             &timeout_s, err));
    LT_TRY(creds_imds_number(rq, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                             "metadata_service_num_attempts", 1, &attempts, err));
    im->timeout_ms = timeout_s * 1000;
    im->attempts = (int)attempts;
    return creds_imds_base(rq, &im->base, err);
}

enum creds_imds_token_result { IMDS_TOKEN_OK, IMDS_TOKEN_V1, IMDS_TOKEN_NO_ANSWER };

static enum lt_rc creds_imds_token(struct creds_imds *im, enum creds_imds_token_result *res,
                                   struct lt_error *err)
{
    static const struct http_header headers[] = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    LT_TRY(buf_printf(&url, "%s/latest/api/token", buf_str(&im->base)));
    struct http_call call;
    enum lt_rc rc =
        creds_http(im->rq, "PUT", buf_str(&url), headers, 1, im->timeout_ms, im->attempts, &call);
    buf_release_secret(&im->token);
    *res = IMDS_TOKEN_OK;
    if (rc == LT_OK && call.response.len) {
        log_add_secret(buf_str(&call.response), call.response.len);
        rc = buf_addb(&im->token, &call.response);
    } else if (call.status == 0 && rc != LT_OK) {
        *res = IMDS_TOKEN_NO_ANSWER;
        rc = LT_OK;
    } else if (call.status == 403 || call.status == 404 || call.status == 405) {
        *res = IMDS_TOKEN_V1;
        rc = LT_OK;
    } else {
        rc = lt_fail(err, LT_E_CREDS, "instance metadata token request at '%s': %s", buf_str(&url),
                     rc ? lt_error_message(&call.err) : "empty token");
    }
    buf_release_secret(&call.response);
    http_call_release(&call);
    buf_release(&url);
    return rc;
}

/* GET base+path with the token; one new token on 401. The caller releases call. */
static enum lt_rc creds_imds_get_path(struct creds_imds *im, const char *path,
                                      struct http_call *call, struct lt_error *err)
{
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    LT_TRY(buf_printf(&url, "%s%s", buf_str(&im->base), path));
    enum lt_rc rc = LT_OK;
    for (int round = 0; round < 2; round++) {
        struct http_header h = {"X-aws-ec2-metadata-token", buf_str(&im->token)};
        rc = creds_http(im->rq, "GET", buf_str(&url), &h, im->token.len ? 1 : 0, im->timeout_ms,
                        im->attempts, call);
        if (round == 1 || call->status != 401 || !im->token.len) {
            break;
        }
        buf_release_secret(&call->response);
        http_call_release(call);
        enum creds_imds_token_result res;
        if (creds_imds_token(im, &res, err) != LT_OK || res != IMDS_TOKEN_OK) {
            http_call_init(call);
            rc = lt_fail(err, LT_E_CREDS,
                         "instance metadata refused the token and no new one "
                         "could be had");
            break;
        }
    }
    buf_release(&url);
    return rc;
}

static enum lt_rc creds_imds_role(struct creds_imds *im, struct buf *role, bool *none,
                                  struct lt_error *err)
{
    struct http_call call;
    enum lt_rc rc = creds_imds_get_path(im, CREDS_IMDS_ROLE_PATH, &call, err);
    *none = false;
    if (rc == LT_OK) {
        const char *body = buf_str(&call.response);
        rc = buf_add(role, body, strcspn(body, "\r\n"));
        *none = role->len == 0;
    } else if (call.status == 0 || call.status == 404) {
        log_debug("instance metadata: %s", call.status ? "no IAM role attached" : "no answer");
        *none = true;
        rc = LT_OK;
    } else if (err->code == LT_OK) {
        rc = lt_fail(err, LT_E_CREDS, "instance metadata role name: %s",
                     lt_error_message(&call.err));
    }
    http_call_release(&call);
    return rc;
}

enum lt_rc creds_imds_parse(const char *text, size_t len, struct aws_credentials *out,
                            struct lt_error *err)
{
    static const struct creds_json_keys keys = {
        "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration", true, false};
    cJSON *doc = cJSON_ParseWithLength(text, len);
    const char *code = json_get_string(doc, "Code");
    enum lt_rc rc;
    if (code && strcmp(code, "Success") != 0) {
        rc = lt_fail(err, LT_E_CREDS, "the reply's Code is '%s'", code);
    } else {
        rc = creds_from_json(doc, &keys, out, err);
    }
    creds_json_delete_secret(doc);
    return rc;
}

static enum lt_rc creds_imds_fetch(struct creds_imds *im, const char *role,
                                   struct aws_credentials *out, struct lt_error *err)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct buf encoded = BUF_INIT(BUF_MAX_SMALL);
    LT_TRY(sigv4_uri_encode(&encoded, role, strlen(role)));
    LT_TRY(buf_printf(&path, "%s%s", CREDS_IMDS_ROLE_PATH, buf_str(&encoded)));
    struct http_call call;
    enum lt_rc rc = creds_imds_get_path(im, buf_str(&path), &call, err);
    if (rc != LT_OK && err->code == LT_OK) {
        rc = lt_fail(err, LT_E_CREDS, "%s", lt_error_message(&call.err));
    } else if (rc == LT_OK) {
        rc = creds_imds_parse(buf_str(&call.response), call.response.len, out, err);
    }
    buf_release_secret(&call.response);
    http_call_release(&call);
    if (rc != LT_OK) {
        lt_error_prefix(err, "instance metadata credentials of role '%s'", role);
    }
    buf_release(&path);
    buf_release(&encoded);
    return rc;
}

/* After the token step: the role and its credentials. */
static enum lt_rc creds_imds_run(struct creds_imds *im, struct aws_credentials *out,
                                 struct lt_error *err)
{
    enum creds_imds_token_result res;
    LT_TRY(creds_imds_token(im, &res, err));
    if (res != IMDS_TOKEN_OK && im->v1_disabled) {
        if (res == IMDS_TOKEN_NO_ANSWER) {
            log_debug("instance metadata: no answer at '%s' (not on EC2)", buf_str(&im->base));
            return LT_OK;
        }
        return lt_fail(err, LT_E_CREDS,
                       "instance metadata at '%s' offers no IMDSv2 token and "
                       "IMDSv1 is disabled",
                       buf_str(&im->base));
    }
    if (res != IMDS_TOKEN_OK) {
        log_debug("instance metadata: no IMDSv2 token, trying IMDSv1");
    }
    struct buf role = BUF_INIT(BUF_MAX_SMALL);
    bool none = false;
    enum lt_rc rc = creds_imds_role(im, &role, &none, err);
    if (rc == LT_OK && !none) {
        rc = creds_imds_fetch(im, buf_str(&role), out, err);
    }
    buf_release(&role);
    return rc;
}

enum lt_rc creds_imds_resolve(struct creds_request *rq, struct aws_credentials *out,
                              struct buf *what, struct lt_error *err)
{
    struct creds_imds im = {rq, BUF_INIT(BUF_MAX_SMALL), 1000, 1, false, BUF_INIT(4096)};
    bool disabled = false;
    enum lt_rc rc = creds_imds_setup(&im, &disabled, err);
    if (rc == LT_OK && !disabled) {
        rc = creds_imds_run(&im, out, err);
    }
    buf_release(&im.base);
    buf_release_secret(&im.token);
    LT_TRY(rc);
    return out->access_key_id ? buf_adds(what, "instance metadata") : LT_OK;
}
