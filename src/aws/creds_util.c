/*
 * creds_util.c - helpers the credential sources share (creds_internal.h).
 */
#include <math.h>
#include <string.h>

#include "aws/creds_internal.h"
#include "aws/settings.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"

#define CREDS_TOKEN_FILE_MAX ((size_t)64 * 1024)

static void creds_free_secret(char *s)
{
    if (s) {
        mem_free_secret(s, strlen(s) + 1);
    }
}

void aws_credentials_release(struct aws_credentials *c)
{
    mem_free(c->access_key_id);
    creds_free_secret(c->secret_access_key);
    creds_free_secret(c->session_token);
    memset(c, 0, sizeof(*c));
}

void creds_set(struct aws_credentials *out, const char *akid, const char *secret, const char *token,
               int64_t expiration)
{
    log_add_secret(secret, strlen(secret));
    out->access_key_id = mem_strdup(akid);
    out->secret_access_key = mem_strdup(secret);
    out->session_token = NULL;
    if (token && *token) {
        log_add_secret(token, strlen(token));
        out->session_token = mem_strdup(token);
    }
    out->expiration = expiration;
}

void creds_from_sts(struct aws_credentials *out, struct sts_credentials *sts)
{
    out->access_key_id = sts->access_key_id;
    out->secret_access_key = sts->secret_access_key;
    out->session_token = sts->session_token;
    out->expiration = sts->expiration;
    sts->access_key_id = sts->secret_access_key = sts->session_token = NULL;
    sts_credentials_release(sts);
}

static enum lt_rc creds_json_expiration(const cJSON *obj, const struct creds_json_keys *k,
                                        int64_t *out, struct lt_error *err)
{
    *out = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, k->expiration);
    if (!v || cJSON_IsNull(v)) {
        return k->expiration_required
                   ? lt_fail(err, LT_E_CREDS, "the reply has no %s", k->expiration)
                   : LT_OK;
    }
    if (k->expiration_ms) {
        double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
        if (!(d > 0 && d < 1e15) || d != floor(d)) {
            return lt_fail(err, LT_E_CREDS, "%s is not a time in epoch milliseconds",
                           k->expiration);
        }
        *out = (int64_t)(d / 1000);
        return LT_OK;
    }
    int ms = 0;
    if (!cJSON_IsString(v) || !clock_parse_iso8601(v->valuestring, out, &ms)) {
        return lt_fail(err, LT_E_CREDS, "%s is not an ISO-8601 time", k->expiration);
    }
    return LT_OK;
}

enum lt_rc creds_from_json(const cJSON *obj, const struct creds_json_keys *k,
                           struct aws_credentials *out, struct lt_error *err)
{
    if (!cJSON_IsObject(obj)) {
        return lt_fail(err, LT_E_CREDS, "the reply is not a JSON object");
    }
    const char *akid = json_get_string(obj, k->access_key_id);
    const char *secret = json_get_string(obj, k->secret_access_key);
    const char *token = k->session_token ? json_get_string(obj, k->session_token) : NULL;
    if (secret && *secret) {
        log_add_secret(secret, strlen(secret));
    }
    if (token && *token) {
        log_add_secret(token, strlen(token));
    }
    if (!akid || !*akid) {
        return lt_fail(err, LT_E_CREDS, "the reply has no %s", k->access_key_id);
    }
    if (!secret || !*secret) {
        return lt_fail(err, LT_E_CREDS, "the reply has no %s", k->secret_access_key);
    }
    if (k->token_required && (!token || !*token)) {
        return lt_fail(err, LT_E_CREDS, "the reply has no %s", k->session_token);
    }
    int64_t expiration = 0;
    LT_TRY(creds_json_expiration(obj, k, &expiration, err));
    creds_set(out, akid, secret, token, expiration);
    return LT_OK;
}

static void creds_json_wipe(cJSON *item)
{
    for (cJSON *c = item; c; c = c->next) {
        if (cJSON_IsString(c) && c->valuestring) {
            mem_cleanse(c->valuestring, strlen(c->valuestring));
        }
        creds_json_wipe(c->child);
    }
}

void creds_json_delete_secret(cJSON *tree)
{
    if (tree) {
        creds_json_wipe(tree->child);
        cJSON_Delete(tree);
    }
}

enum lt_rc creds_http(const struct creds_request *rq, const char *method, const char *url,
                      const struct http_header *headers, size_t nheaders, long timeout_ms,
                      int attempts, struct http_call *call)
{
    struct http_options opts = {0};
    if (rq->ctx->http) {
        opts = *rq->ctx->http;
    }
    opts.connect_timeout_ms = timeout_ms;
    opts.timeout_ms = timeout_ms;
    opts.max_response = 1024 * 1024;
    struct retry_config retry;
    retry_config_default(&retry, RETRY_MODE_STANDARD);
    retry.max_attempts = attempts;
    http_call_init(call);
    call->method = method;
    call->url = url;
    call->headers = headers;
    call->nheaders = nheaders;
    call->body = "";
    call->body_len = 0;
    call->retry = &retry;
    call->label = "credentials";
    return http_call_run(&opts, call);
}

enum lt_rc creds_sts_client(const struct creds_request *rq, struct buf *endpoint,
                            struct sts_client *out, struct lt_error *err)
{
    const struct creds_context *ctx = rq->ctx;
    if (ctx->sts_endpoint) {
        LT_TRY(buf_adds(endpoint, ctx->sts_endpoint));
    } else {
        struct aws_settings s;
        LT_TRY(settings_resolve(ctx->env, ctx->files, rq->profile, &s, err));
        enum lt_rc rc = settings_endpoint(&s, "sts", ctx->region, NULL, endpoint, NULL, err);
        settings_release(&s);
        LT_TRY(rc);
    }
    out->http = ctx->http;
    out->endpoint = buf_str(endpoint);
    out->region = ctx->region;
    out->retry = ctx->retry;
    return LT_OK;
}

enum lt_rc creds_session_name(const struct creds_request *rq, const char *configured,
                              struct buf *out)
{
    if (configured) {
        return buf_adds(out, configured);
    }
    return buf_printf(out, "ltsnap-%lld", (long long)rq->now);
}

enum lt_rc creds_read_token_file(const char *path, const char *what, struct buf *out,
                                 struct lt_error *err)
{
    struct lt_error inner = LT_ERROR_INIT;
    if (profile_read_secret_file(path, CREDS_TOKEN_FILE_MAX, out, NULL, &inner) != LT_OK) {
        lt_error_prefix(&inner, "%s", what);
        return creds_rethrow(err, LT_E_CREDS, &inner);
    }
    while (out->len && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r')) {
        out->ptr[--out->len] = '\0';
    }
    if (out->len == 0) {
        return lt_fail(err, LT_E_CREDS, "%s: '%s' is empty", what, path);
    }
    log_add_secret(buf_str(out), out->len);
    return LT_OK;
}

enum lt_rc creds_rethrow(struct lt_error *err, enum lt_rc code, struct lt_error *inner)
{
    lt_fail(err, code, "%s", lt_error_message(inner));
    lt_error_release(inner);
    return code;
}
