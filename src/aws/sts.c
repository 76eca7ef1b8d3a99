/*
 * sts.c - GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity.
 */
#include "aws/sts.h"

#include <string.h>
#include <strings.h>

#include "aws/query.h"
#include "aws/shape.h"
#include "aws/xml.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"

#define STS_BODY_MAX ((size_t)64 * 1024)
#define STS_VERSION "2011-06-15"

static void sts_free_secret(char *s)
{
    if (s) {
        mem_free_secret(s, strlen(s) + 1);
    }
}

void sts_credentials_release(struct sts_credentials *c)
{
    mem_free(c->access_key_id);
    sts_free_secret(c->secret_access_key);
    sts_free_secret(c->session_token);
    mem_free(c->assumed_role_arn);
    memset(c, 0, sizeof(*c));
}

void sts_identity_release(struct sts_identity *id)
{
    mem_free(id->account);
    mem_free(id->arn);
    mem_free(id->user_id);
    memset(id, 0, sizeof(*id));
}

const char *sts_signing_region(const char *endpoint, const char *region)
{
    static const char global[] = "://sts.amazonaws.com";
    const char *p = strstr(endpoint, global);
    if (p) {
        char after = p[sizeof(global) - 1];
        if (after == '\0' || after == '/' || after == ':') {
            return "us-east-1";
        }
    }
    return region ? region : "us-east-1";
}

struct sts_exchange {
    const char *action;
    const struct sts_client *client;
    const struct sigv4_credentials *creds; /* NULL: unsigned */
    const struct buf *body;
};

/* Sends one request and parses its reply into *result (member-name shape). */
static enum lt_rc sts_call(const struct sts_exchange *x, cJSON **result, struct lt_error *err)
{
    static const struct http_header headers[] = {
        {"Content-Type", QUERY_CONTENT_TYPE},
    };
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    struct buf label = BUF_INIT(256);
    LT_TRY(buf_printf(&url, "%s/", x->client->endpoint));
    LT_TRY(buf_printf(&label, "sts %s", x->action));
    struct http_signing signing = {{NULL, NULL, NULL}, NULL, "sts"};
    struct http_call call;
    http_call_init(&call);
    call.method = "POST";
    call.url = buf_str(&url);
    call.headers = headers;
    call.nheaders = LT_ARRAY_SIZE(headers);
    call.body = buf_str(x->body);
    call.body_len = x->body->len;
    call.retry = x->client->retry;
    call.label = buf_str(&label);
    if (x->creds) {
        signing.creds = *x->creds;
        signing.region = sts_signing_region(x->client->endpoint, x->client->region);
        call.signing = &signing;
    }
    enum lt_rc rc = http_call_run(x->client->http, &call);
    if (rc != LT_OK) {
        rc = lt_fail(err, rc, "%s", lt_error_message(&call.err));
    } else {
        const struct shape_operation *op = NULL;
        struct aws_service_error svc = {NULL, NULL, NULL};
        rc = xml_parse_response(&sts_shape_model, buf_str(&call.response), call.response.len, &op,
                                result, &svc, err);
        aws_service_error_release(&svc);
        if (rc == LT_OK && strcmp(op->name, x->action) != 0) {
            cJSON_Delete(*result);
            *result = NULL;
            rc = lt_fail(err, LT_E_INPUT, "expected a %sResponse, got a %s", x->action,
                         op->response_element);
        }
    }
    buf_release_secret(&call.response);
    http_call_release(&call);
    buf_release(&url);
    buf_release(&label);
    if (rc != LT_OK) {
        lt_error_prefix(err, "STS %s at '%s'", x->action, x->client->endpoint);
    }
    return rc;
}

static enum lt_rc sts_take_string(const cJSON *obj, const char *key, bool secret, char **out,
                                  struct lt_error *err)
{
    const char *v = json_get_string(obj, key);
    if (!v || !*v) {
        return lt_fail(err, LT_E_INPUT, "the reply has no %s", key);
    }
    if (secret) {
        log_add_secret(v, strlen(v));
    }
    *out = mem_strdup(v);
    return LT_OK;
}

static enum lt_rc sts_read_credentials(const cJSON *result, struct sts_credentials *out,
                                       struct lt_error *err)
{
    const cJSON *c = json_get_object(result, "Credentials");
    if (!c) {
        return lt_fail(err, LT_E_INPUT, "the reply has no Credentials");
    }
    LT_TRY(sts_take_string(c, "SecretAccessKey", true, &out->secret_access_key, err));
    LT_TRY(sts_take_string(c, "SessionToken", true, &out->session_token, err));
    LT_TRY(sts_take_string(c, "AccessKeyId", false, &out->access_key_id, err));
    const char *exp = json_get_string(c, "Expiration");
    int ms = 0;
    if (!exp || !clock_parse_iso8601(exp, &out->expiration, &ms)) {
        return lt_fail(err, LT_E_INPUT, "the reply has no valid Credentials.Expiration");
    }
    const char *arn = json_get_string(json_get_object(result, "AssumedRoleUser"), "Arn");
    out->assumed_role_arn = arn ? mem_strdup(arn) : NULL;
    return LT_OK;
}

static enum lt_rc sts_credentials_call(const struct sts_exchange *x, struct sts_credentials *out,
                                       struct lt_error *err)
{
    memset(out, 0, sizeof(*out));
    cJSON *result = NULL;
    LT_TRY(sts_call(x, &result, err));
    enum lt_rc rc = sts_read_credentials(result, out, err);
    /* The tree holds copies of the secrets: wipe them before freeing. */
    const cJSON *c = json_get_object(result, "Credentials");
    for (const cJSON *m = c ? c->child : NULL; m; m = m->next) {
        if (cJSON_IsString(m) && m->valuestring) {
            mem_cleanse(m->valuestring, strlen(m->valuestring));
        }
    }
    cJSON_Delete(result);
    if (rc != LT_OK) {
        sts_credentials_release(out);
        lt_error_prefix(err, "STS %s at '%s'", x->action, x->client->endpoint);
    }
    return rc;
}

static enum lt_rc sts_add_duration(struct buf *body, int seconds)
{
    if (seconds <= 0) {
        return LT_OK;
    }
    return query_param_int(body, "DurationSeconds", seconds);
}

enum lt_rc sts_assume_role(const struct sts_client *c, const struct sigv4_credentials *creds,
                           const struct sts_assume_role_params *p, struct sts_credentials *out,
                           struct lt_error *err)
{
    struct buf body = BUF_INIT(STS_BODY_MAX);
    enum lt_rc rc = query_begin(&body, "AssumeRole", STS_VERSION);
    rc = rc ? rc : query_param(&body, "RoleArn", p->role_arn);
    rc = rc ? rc : query_param(&body, "RoleSessionName", p->role_session_name);
    rc = rc ? rc : sts_add_duration(&body, p->duration_seconds);
    if (rc == LT_OK && p->external_id) {
        rc = query_param(&body, "ExternalId", p->external_id);
    }
    if (rc != LT_OK) {
        buf_release(&body);
        return lt_fail(err, rc, "cannot build the AssumeRole request");
    }
    struct sts_exchange x = {"AssumeRole", c, creds, &body};
    rc = sts_credentials_call(&x, out, err);
    buf_release(&body);
    return rc;
}

enum lt_rc sts_assume_role_with_web_identity(const struct sts_client *c,
                                             const struct sts_web_identity_params *p,
                                             struct sts_credentials *out, struct lt_error *err)
{
    struct buf body = BUF_INIT(STS_BODY_MAX);
    enum lt_rc rc = query_begin(&body, "AssumeRoleWithWebIdentity", STS_VERSION);
    rc = rc ? rc : query_param(&body, "RoleArn", p->role_arn);
    rc = rc ? rc : query_param(&body, "RoleSessionName", p->role_session_name);
    rc = rc ? rc : sts_add_duration(&body, p->duration_seconds);
    rc = rc ? rc : query_param(&body, "WebIdentityToken", p->web_identity_token);
    if (rc != LT_OK) {
        buf_release_secret(&body);
        return lt_fail(err, rc, "cannot build the AssumeRoleWithWebIdentity request");
    }
    struct sts_exchange x = {"AssumeRoleWithWebIdentity", c, NULL, &body};
    rc = sts_credentials_call(&x, out, err);
    buf_release_secret(&body);
    return rc;
}

enum lt_rc sts_get_caller_identity(const struct sts_client *c,
                                   const struct sigv4_credentials *creds, struct sts_identity *out,
                                   struct lt_error *err)
{
    memset(out, 0, sizeof(*out));
    struct buf body = BUF_INIT(256);
    enum lt_rc rc = query_begin(&body, "GetCallerIdentity", STS_VERSION);
    if (rc != LT_OK) {
        buf_release(&body);
        return lt_fail(err, rc, "cannot build the GetCallerIdentity request");
    }
    struct sts_exchange x = {"GetCallerIdentity", c, creds, &body};
    cJSON *result = NULL;
    rc = sts_call(&x, &result, err);
    buf_release(&body);
    if (rc != LT_OK) {
        return rc;
    }
    rc = sts_take_string(result, "Account", false, &out->account, err);
    rc = rc ? rc : sts_take_string(result, "Arn", false, &out->arn, err);
    const char *uid = json_get_string(result, "UserId");
    out->user_id = uid ? mem_strdup(uid) : NULL;
    cJSON_Delete(result);
    if (rc != LT_OK) {
        sts_identity_release(out);
        lt_error_prefix(err, "STS GetCallerIdentity at '%s'", c->endpoint);
    }
    return rc;
}
