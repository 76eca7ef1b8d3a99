/*
 * settings.c - profile, region, endpoint, CA bundle and retry resolution.
 * The precedence rules are in settings.h.
 */
#include "aws/settings.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"

#define SETTINGS_URL_MAX 2048

/* ---- small helpers ---- */

const char *settings_lookup(const struct aws_env *env, const struct profile_set *files,
                            const char *profile, const char *env_name, const char *key,
                            struct buf *origin)
{
    const char *v = env_name ? aws_env_get(env, env_name) : NULL;
    if (v) {
        if (origin && buf_adds(origin, env_name) != LT_OK) {
            buf_reset(origin);
        }
        return v;
    }
    v = key ? profile_get(files, profile, key) : NULL;
    if (v && origin && buf_printf(origin, "profile '%s' %s", profile, key) != LT_OK) {
        buf_reset(origin);
    }
    return v;
}

/* ---- profile ---- */

const char *settings_profile_name(const struct aws_env *env, const char *explicit_profile)
{
    const char *p = explicit_profile ? explicit_profile : aws_env_get(env, "AWS_PROFILE");
    p = p ? p : aws_env_get(env, "AWS_DEFAULT_PROFILE");
    return p ? p : "default";
}

static enum lt_rc settings_profile(const struct aws_env *env, const struct profile_set *files,
                                   const char *explicit_profile, struct aws_settings *s,
                                   struct lt_error *err)
{
    const char *p = aws_env_get(env, "AWS_PROFILE");
    const char *dp = aws_env_get(env, "AWS_DEFAULT_PROFILE");
    const char *origin = "AWS_PROFILE";
    if (explicit_profile) {
        p = explicit_profile;
        origin = "--profile";
        s->profile_explicit = true;
    } else if (p && dp && strcmp(p, dp) != 0) {
        log_warn("AWS_PROFILE is '%s' and AWS_DEFAULT_PROFILE is '%s': using '%s'", p, dp, p);
    } else if (!p && dp) {
        p = dp;
        origin = "AWS_DEFAULT_PROFILE";
    }
    if (!p) {
        p = "default";
    }
    if (strcmp(p, "default") != 0 && !profile_exists(files, p)) {
        return lt_fail(err, LT_E_CONFIG, "profile '%s' (from %s) is in neither '%s' nor '%s'", p,
                       origin, files->config->path, files->credentials->path);
    }
    s->profile = mem_strdup(p);
    return LT_OK;
}

/* ---- region ---- */

enum lt_rc settings_check_region(const char *region, const char *origin, struct lt_error *err)
{
    size_t n = strlen(region);
    bool ok = n >= 1 && n <= 63 && region[0] != '-' && region[n - 1] != '-';
    for (size_t i = 0; ok && i < n; i++) {
        char c = region[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }
    if (!ok) {
        return lt_fail(err, LT_E_CONFIG,
                       "bad region '%s' from %s: expected lower-case letters, digits and '-'",
                       region, origin);
    }
    return LT_OK;
}

enum lt_rc settings_set_region(struct aws_settings *s, const char *region, const char *origin,
                               struct lt_error *err)
{
    LT_TRY(settings_check_region(region, origin, err));
    mem_free(s->region);
    mem_free(s->region_origin);
    s->region = mem_strdup(region);
    s->region_origin = mem_strdup(origin);
    return LT_OK;
}

static enum lt_rc settings_region(struct aws_settings *s, struct lt_error *err)
{
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    const char *r = aws_env_get(s->env, "AWS_REGION");
    if (r) {
        LT_TRY(buf_adds(&origin, "AWS_REGION"));
    } else {
        r = settings_lookup(s->env, s->files, s->profile, "AWS_DEFAULT_REGION", "region", &origin);
    }
    enum lt_rc rc = r ? settings_set_region(s, r, buf_str(&origin), err) : LT_OK;
    buf_release(&origin);
    return rc;
}

/* ---- CA bundle, retry, endpoint switch ---- */

static enum lt_rc settings_ca_bundle(struct aws_settings *s, struct lt_error *err)
{
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    const char *v =
        settings_lookup(s->env, s->files, s->profile, "AWS_CA_BUNDLE", "ca_bundle", &origin);
    enum lt_rc rc = LT_OK;
    if (v) {
        struct buf path = BUF_INIT(SETTINGS_URL_MAX);
        rc = profile_expand_home(s->env, v, &path, err);
        if (rc == LT_OK && access(buf_str(&path), R_OK) != 0) {
            rc = lt_fail(err, LT_E_CONFIG, "cannot read the CA bundle '%s' named by %s",
                         buf_str(&path), buf_str(&origin));
        }
        if (rc == LT_OK) {
            s->ca_bundle = buf_detach(&path, NULL);
        }
        buf_release(&path);
    }
    buf_release(&origin);
    return rc;
}

static enum lt_rc settings_retry(struct aws_settings *s, struct lt_error *err)
{
    struct buf mode_origin = BUF_INIT(BUF_MAX_SMALL);
    struct buf attempts_origin = BUF_INIT(BUF_MAX_SMALL);
    const char *mode =
        settings_lookup(s->env, s->files, s->profile, "AWS_RETRY_MODE", "retry_mode", &mode_origin);
    const char *attempts = settings_lookup(s->env, s->files, s->profile, "AWS_MAX_ATTEMPTS",
                                           "max_attempts", &attempts_origin);
    retry_config_default(&s->retry, RETRY_MODE_STANDARD);
    enum lt_rc rc = LT_OK;
    if (mode) {
        rc = retry_config_parse(&s->retry, mode, NULL, buf_str(&mode_origin), err);
    }
    if (rc == LT_OK && attempts) {
        rc = retry_config_parse(&s->retry, NULL, attempts, buf_str(&attempts_origin), err);
    }
    buf_release(&mode_origin);
    buf_release(&attempts_origin);
    return rc;
}

static enum lt_rc settings_ignore_endpoints(struct aws_settings *s, struct lt_error *err)
{
    struct buf origin = BUF_INIT(BUF_MAX_SMALL);
    const char *v =
        settings_lookup(s->env, s->files, s->profile, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                        "ignore_configured_endpoint_urls", &origin);
    enum lt_rc rc = LT_OK;
    s->ignore_configured_endpoints = false;
    if (v) {
        rc = aws_parse_bool(v, buf_str(&origin), &s->ignore_configured_endpoints, err);
    }
    buf_release(&origin);
    return rc;
}

enum lt_rc settings_resolve(const struct aws_env *env, const struct profile_set *files,
                            const char *profile_or_null, struct aws_settings *out,
                            struct lt_error *err)
{
    memset(out, 0, sizeof(*out));
    out->env = env;
    out->files = files;
    enum lt_rc rc = settings_profile(env, files, profile_or_null, out, err);
    if (rc == LT_OK) {
        rc = settings_region(out, err);
    }
    if (rc == LT_OK) {
        rc = settings_ca_bundle(out, err);
    }
    if (rc == LT_OK) {
        rc = settings_retry(out, err);
    }
    if (rc == LT_OK) {
        rc = settings_ignore_endpoints(out, err);
    }
    if (rc != LT_OK) {
        settings_release(out);
    }
    return rc;
}

void settings_release(struct aws_settings *s)
{
    mem_free(s->profile);
    mem_free(s->region);
    mem_free(s->region_origin);
    mem_free(s->ca_bundle);
    s->profile = s->region = s->region_origin = s->ca_bundle = NULL;
}

/* ---- URLs ---- */

struct settings_url {
    const char *scheme; /* "http" or "https" (static) */
    const char *host;   /* start of the host (without [] for IPv6) */
    size_t host_len;
};

/* Parses scheme://host[:port][/path]; false when url is not of that form. */
static bool settings_parse_url(const char *url, struct settings_url *u)
{
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        u->scheme = "https";
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        u->scheme = "http";
        p = url + 7;
    } else {
        return false;
    }
    size_t auth = strcspn(p, "/?#");
    if (p[auth] == '?' || p[auth] == '#' || strpbrk(p, "?#@ \t\r\n\\")) {
        return false;
    }
    const char *end = p + auth;
    const char *port = NULL;
    if (*p == '[') {
        const char *close = memchr(p, ']', auth);
        if (!close) {
            return false;
        }
        u->host = p + 1;
        u->host_len = (size_t)(close - p - 1);
        port = close + 1 < end ? close + 1 : NULL;
        if (port && *port != ':') {
            return false;
        }
    } else {
        const char *colon = memchr(p, ':', auth);
        u->host = p;
        u->host_len = colon ? (size_t)(colon - p) : auth;
        port = colon;
    }
    if (port) {
        size_t digits = (size_t)(end - port - 1);
        if (digits == 0 || digits > 5 || strspn(port + 1, "0123456789") != digits) {
            return false;
        }
    }
    return u->host_len > 0;
}

bool settings_url_host(const char *url, struct buf *host, bool *https)
{
    struct settings_url u;
    if (!settings_parse_url(url, &u)) {
        return false;
    }
    *https = strcmp(u.scheme, "https") == 0;
    return buf_add(host, u.host, u.host_len) == LT_OK;
}

bool settings_url_is_loopback(const char *url)
{
    struct settings_url u;
    if (!settings_parse_url(url, &u) || u.host_len >= 64) {
        return false;
    }
    char host[64];
    memcpy(host, u.host, u.host_len);
    host[u.host_len] = '\0';
    unsigned char addr[16];
    if (strcasecmp(host, "localhost") == 0) {
        return true;
    }
    if (inet_pton(AF_INET, host, addr) == 1) {
        return addr[0] == 127;
    }
    static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return inet_pton(AF_INET6, host, addr) == 1 && memcmp(addr, v6_loopback, 16) == 0;
}

enum lt_rc settings_check_url(const char *url, const char *origin, struct lt_error *err)
{
    struct settings_url u;
    if (strlen(url) > SETTINGS_URL_MAX || !settings_parse_url(url, &u)) {
        return lt_fail(err, LT_E_CONFIG,
                       "bad endpoint URL '%s' from %s: expected http(s)://host[:port][/path]", url,
                       origin);
    }
    if (strcmp(u.scheme, "http") == 0 && !settings_url_is_loopback(url)) {
        log_warn("endpoint '%s' from %s is plain http: requests, including the session token, "
                 "travel unencrypted",
                 url, origin);
    }
    return LT_OK;
}

static enum lt_rc default_endpoint(const char *service, const char *region, struct buf *url,
                                   struct lt_error *err)
{
    if (!region && strcmp(service, "sts") == 0) {
        return buf_adds(url, "https://sts.amazonaws.com");
    }
    if (!region) {
        return lt_fail(err, LT_E_CONFIG,
                       "no region for '%s': set AWS_REGION or the profile's 'region', or pass "
                       "--region",
                       service);
    }
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    const char *host = strcmp(service, "sso") == 0 ? "portal.sso" : service;
    return buf_printf(url, "https://%s.%s.%s", host, region, suffix);
}

/* The configured endpoint (env, services section, profile), or NULL. */
static enum lt_rc settings_configured_endpoint(const struct aws_settings *s, const char *service,
                                               const char **value, struct buf *origin,
                                               struct lt_error *err)
{
    struct buf var = BUF_INIT(128);
    LT_TRY(buf_adds(&var, "AWS_ENDPOINT_URL_"));
    for (const char *c = service; *c; c++) {
        LT_TRY(buf_addc(&var, *c == '-' || *c == ' ' ? '_' : (char)toupper((unsigned char)*c)));
    }
    *value = aws_env_get(s->env, buf_str(&var));
    enum lt_rc rc = *value ? buf_addb(origin, &var) : LT_OK;
    buf_release(&var);
    if (*value) {
        return rc;
    }
    if ((*value = aws_env_get(s->env, "AWS_ENDPOINT_URL"))) {
        return buf_adds(origin, "AWS_ENDPOINT_URL");
    }
    const char *svc_name = profile_get(s->files, s->profile, "services");
    if (svc_name) {
        const struct profile_section *sect =
            profile_file_section(s->files->config, PROFILE_KIND_SERVICES, svc_name);
        if (!sect) {
            return lt_fail(err, LT_E_CONFIG,
                           "profile '%s' names services '%s' but '%s' has no [services %s]",
                           s->profile, svc_name, s->files->config->path, svc_name);
        }
        if ((*value = profile_section_get_sub(sect, service, "endpoint_url"))) {
            return buf_printf(origin, "[services %s] %s endpoint_url", svc_name, service);
        }
    }
    *value = profile_get(s->files, s->profile, "endpoint_url");
    return *value ? buf_printf(origin, "profile '%s' endpoint_url", s->profile) : LT_OK;
}

static enum lt_rc settings_add_url(struct buf *url, const char *v)
{
    size_t n = strlen(v);
    if (n > 0 && v[n - 1] == '/') {
        n--;
    }
    return buf_add(url, v, n);
}

enum lt_rc settings_endpoint(const struct aws_settings *s, const char *service, const char *region,
                             const char *override, struct buf *url, struct buf *origin,
                             struct lt_error *err)
{
    struct buf from = BUF_INIT(BUF_MAX_SMALL);
    const char *value = override;
    enum lt_rc rc = LT_OK;
    if (value) {
        rc = buf_adds(&from, "--endpoint-url");
    } else if (!s->ignore_configured_endpoints) {
        rc = settings_configured_endpoint(s, service, &value, &from, err);
    }
    if (rc == LT_OK && value) {
        rc = settings_check_url(value, buf_str(&from), err);
        if (rc == LT_OK) {
            rc = settings_add_url(url, value);
        }
    } else if (rc == LT_OK) {
        rc = buf_adds(&from, "default");
        if (rc == LT_OK) {
            rc = default_endpoint(service, region ? region : s->region, url, err);
        }
    }
    if (rc == LT_OK) {
        log_debug("%s endpoint for profile '%s': %s (%s)", service, s->profile, buf_str(url),
                  buf_str(&from));
        if (origin) {
            rc = buf_addb(origin, &from);
        }
    }
    buf_release(&from);
    return rc;
}
