/*
 * creds_sso.c - IAM Identity Center (SSO) role credentials, from the token
 * `aws sso login` leaves in ~/.aws/sso/cache (botocore's SSOProvider).
 *
 * Applicable when the profile has sso_account_id or sso_role_name. With
 * sso_session, sso_start_url and sso_region come from [sso-session NAME]
 * (a different value in the profile is an error) and the cache file is
 * named by the SHA-1 of the session name; the legacy form keeps them in
 * the profile and names the cache by the SHA-1 of the start URL.
 * The token must exist and not be expired: ltsnap does not refresh it with
 * the refresh token as botocore's token provider can; it tells the user to
 * run 'aws sso login --profile NAME'.
 * Then GET <portal>/federation/credentials?role_name=R&account_id=A with
 * the token in x-amz-sso_bearer_token, unsigned. The portal is
 * AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL / [services] sso / endpoint_url,
 * else https://portal.sso.<sso_region>.amazonaws.com.
 */
#include <string.h>

#include "aws/creds_internal.h"
#include "aws/settings.h"
#include "aws/sigv4.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/log.h"

#define CREDS_SSO_CACHE_MAX ((size_t)1024 * 1024)

struct creds_sso_config {
    const char *session; /* NULL: legacy */
    const char *start_url;
    const char *region;
    const char *account;
    const char *role;
};

static const char *creds_sso_get(const struct creds_request *rq, const char *key)
{
    return profile_get(rq->ctx->files, rq->profile, key);
}

/* Merges the [sso-session] keys into the configuration. */
static enum lt_rc creds_sso_session(const struct creds_request *rq, struct creds_sso_config *c,
                                    struct lt_error *err)
{
    const struct profile_file *cfg = rq->ctx->files->config;
    const struct profile_section *s =
        profile_file_section(cfg, PROFILE_KIND_SSO_SESSION, c->session);
    if (!s) {
        return lt_fail(err, LT_E_CONFIG,
                       "profile '%s' names sso_session '%s' but '%s' has no "
                       "[sso-session %s]",
                       rq->profile, c->session, cfg->path, c->session);
    }
    const char *keys[] = {"sso_start_url", "sso_region"};
    const char **slots[] = {&c->start_url, &c->region};
    for (size_t i = 0; i < 2; i++) {
        const char *v = profile_section_get(s, keys[i]);
        if (v && *slots[i] && strcmp(v, *slots[i]) != 0) {
            return lt_fail(err, LT_E_CONFIG, "%s differs between profile '%s' and [sso-session %s]",
                           keys[i], rq->profile, c->session);
        }
        *slots[i] = v ? v : *slots[i];
    }
    return LT_OK;
}

static enum lt_rc creds_sso_config(const struct creds_request *rq, struct creds_sso_config *c,
                                   struct lt_error *err)
{
    c->session = creds_sso_get(rq, "sso_session");
    c->start_url = creds_sso_get(rq, "sso_start_url");
    c->region = creds_sso_get(rq, "sso_region");
    c->account = creds_sso_get(rq, "sso_account_id");
    c->role = creds_sso_get(rq, "sso_role_name");
    if (c->session) {
        LT_TRY(creds_sso_session(rq, c, err));
    }
    const char *names[] = {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"};
    const char *values[] = {c->start_url, c->region, c->account, c->role};
    struct buf missing = BUF_INIT(256);
    for (size_t i = 0; i < 4; i++) {
        if (!values[i] &&
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", names[i]) != LT_OK) {
            break;
        }
    }
    enum lt_rc rc = LT_OK;
    if (missing.len) {
        rc = lt_fail(err, LT_E_CONFIG, "profile '%s' is configured for SSO but lacks %s",
                     rq->profile, buf_str(&missing));
    }
    buf_release(&missing);
    return rc == LT_OK ? settings_check_region(c->region, "sso_region", err) : rc;
}

static enum lt_rc creds_sso_cache_path(const struct creds_request *rq,
                                       const struct creds_sso_config *c, struct buf *path,
                                       struct lt_error *err)
{
    const char *key = c->session ? c->session : c->start_url;
    unsigned char sha[HASH_SHA1_LEN];
    LT_TRY(hash_sha1(key, strlen(key), sha));
    LT_TRY(profile_expand_home(rq->ctx->env, "~/.aws/sso/cache/", path, err));
    LT_TRY(hash_hex(path, sha, sizeof(sha)));
    return buf_adds(path, ".json");
}

static enum lt_rc creds_sso_login_hint(const struct creds_request *rq, const char *why,
                                       const char *path, struct lt_error *err)
{
    return lt_fail(err, LT_E_CREDS, "%s ('%s'): run 'aws sso login --profile %s'", why, path,
                   rq->profile);
}

/* Reads the access token from the cache into token (a secret). */
static enum lt_rc creds_sso_token(const struct creds_request *rq, const struct creds_sso_config *c,
                                  struct buf *token, struct lt_error *err)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct buf data = BUF_INIT(CREDS_SSO_CACHE_MAX);
    bool missing = false;
    enum lt_rc rc = creds_sso_cache_path(rq, c, &path, err);
    rc = rc ? rc
            : profile_read_secret_file(buf_str(&path), CREDS_SSO_CACHE_MAX, &data, &missing, err);
    if (rc == LT_OK && missing) {
        rc = creds_sso_login_hint(rq, "no cached SSO token", buf_str(&path), err);
    }
    cJSON *doc = rc == LT_OK ? cJSON_ParseWithLength(buf_str(&data), data.len) : NULL;
    const char *access = json_get_string(doc, "accessToken");
    const char *expires = json_get_string(doc, "expiresAt");
    int64_t exp = 0;
    int ms = 0;
    if (access) {
        log_add_secret(access, strlen(access));
    }
    if (rc == LT_OK && (!access || !*access || !expires)) {
        rc = lt_fail(err, LT_E_CREDS, "'%s' has no accessToken and expiresAt", buf_str(&path));
    } else if (rc == LT_OK && !clock_parse_iso8601(expires, &exp, &ms)) {
        rc = lt_fail(err, LT_E_CREDS, "'%s': expiresAt '%s' is not an ISO-8601 time",
                     buf_str(&path), expires);
    } else if (rc == LT_OK && exp <= rq->now) {
        rc = creds_sso_login_hint(rq, "the cached SSO token has expired", buf_str(&path), err);
    } else if (rc == LT_OK) {
        rc = buf_adds(token, access);
    }
    creds_json_delete_secret(doc);
    buf_release_secret(&data);
    buf_release(&path);
    return rc;
}

static enum lt_rc creds_sso_url(const struct creds_request *rq, const struct creds_sso_config *c,
                                struct buf *url, struct lt_error *err)
{
    struct aws_settings s;
    LT_TRY(settings_resolve(rq->ctx->env, rq->ctx->files, rq->profile, &s, err));
    enum lt_rc rc = settings_endpoint(&s, "sso", c->region, NULL, url, NULL, err);
    settings_release(&s);
    LT_TRY(rc);
    LT_TRY(buf_adds(url, "/federation/credentials?role_name="));
    LT_TRY(sigv4_uri_encode(url, c->role, strlen(c->role)));
    LT_TRY(buf_adds(url, "&account_id="));
    return sigv4_uri_encode(url, c->account, strlen(c->account));
}

enum lt_rc creds_sso_parse(const char *text, size_t len, struct aws_credentials *out,
                           struct lt_error *err)
{
    static const struct creds_json_keys keys = {
        "accessKeyId", "secretAccessKey", "sessionToken", true, "expiration", true, true};
    cJSON *doc = cJSON_ParseWithLength(text, len);
    enum lt_rc rc = creds_from_json(json_get_object(doc, "roleCredentials"), &keys, out, err);
    creds_json_delete_secret(doc);
    return rc;
}

static enum lt_rc creds_sso_fetch(struct creds_request *rq, const struct creds_sso_config *c,
                                  const char *token, struct aws_credentials *out,
                                  struct lt_error *err)
{
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    LT_TRY(creds_sso_url(rq, c, &url, err));
    struct http_header headers[] = {{"x-amz-sso_bearer_token", token},
                                    {"Accept", "application/json"}};
    struct http_call call;
    enum lt_rc rc = creds_http(rq, "GET", buf_str(&url), headers, 2, 10000, 3, &call);
    if (rc != LT_OK && (call.status == 401 || call.status == 403)) {
        rc = lt_fail(err, LT_E_CREDS,
                     "the SSO portal refused the cached token (HTTP %ld): run 'aws sso login "
                     "--profile %s'",
                     call.status, rq->profile);
    } else if (rc != LT_OK) {
        rc = lt_fail(err, rc == LT_E_AWS ? LT_E_CREDS : rc, "SSO GetRoleCredentials at '%s': %s",
                     buf_str(&url), lt_error_message(&call.err));
    } else {
        rc = creds_sso_parse(buf_str(&call.response), call.response.len, out, err);
        if (rc != LT_OK) {
            lt_error_prefix(err, "SSO GetRoleCredentials at '%s'", buf_str(&url));
        }
    }
    buf_release_secret(&call.response);
    http_call_release(&call);
    buf_release(&url);
    return rc;
}

enum lt_rc creds_sso_resolve(struct creds_request *rq, struct aws_credentials *out,
                             struct buf *what, struct lt_error *err)
{
    if (!creds_sso_get(rq, "sso_account_id") && !creds_sso_get(rq, "sso_role_name")) {
        return LT_OK;
    }
    struct creds_sso_config c;
    LT_TRY(creds_sso_config(rq, &c, err));
    struct buf token = BUF_INIT(CREDS_SSO_CACHE_MAX);
    enum lt_rc rc = creds_sso_token(rq, &c, &token, err);
    if (rc == LT_OK) {
        rc = creds_sso_fetch(rq, &c, buf_str(&token), out, err);
    }
    buf_release_secret(&token);
    LT_TRY(rc);
    return buf_printf(what, "sso (account %s, role '%s')", c.account, c.role);
}
