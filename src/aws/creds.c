/*
 * creds.c - the default credential chain, the cache and refresh before
 * expiry (creds.h). Each source lives in its own creds_<source>.c behind
 * the interface of creds_internal.h; this file only orders them.
 */
#include "aws/creds.h"

#include <string.h>

#include "aws/creds_internal.h"
#include "aws/settings.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"

/* The default chain: botocore's create_credential_resolver order. */
static const struct creds_source creds_default_chain[] = {
    {"environment", creds_env_resolve},
    {"assume role", creds_assume_role_resolve},
    {"web identity", creds_web_identity_resolve},
    {"sso", creds_sso_resolve},
    {"shared credentials file", creds_shared_file_resolve},
    {"credential_process", creds_process_resolve},
    {"config file", creds_config_file_resolve},
    {"container", creds_container_resolve},
    {"instance metadata", creds_imds_resolve},
};

/* What a source_profile may use: botocore's ProfileProviderBuilder.providers(). */
static const struct creds_source creds_profile_sources[] = {
    {"web identity", creds_web_identity_resolve},
    {"sso", creds_sso_resolve},
    {"shared credentials file", creds_shared_file_resolve},
    {"credential_process", creds_process_resolve},
    {"config file", creds_config_file_resolve},
};

struct creds_provider {
    struct creds_context ctx;
    char *profile;
    bool explicit_profile;
    const struct creds_source *source; /* decided by the first successful get */
    struct aws_credentials creds;
    bool have;
    struct buf what;
};

/* Runs sources in order until one applies. */
static enum lt_rc creds_run(const struct creds_source *sources, size_t n, struct creds_request *rq,
                            struct aws_credentials *out, struct buf *what,
                            const struct creds_source **used, struct lt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        buf_reset(what);
        enum lt_rc rc = sources[i].resolve(rq, out, what, err);
        if (rc != LT_OK) {
            aws_credentials_release(out);
            return rc;
        }
        if (out->access_key_id) {
            if (used) {
                *used = &sources[i];
            }
            if (!what->len && buf_adds(what, sources[i].name) != LT_OK) {
                buf_reset(what);
            }
            return LT_OK;
        }
        log_debug("profile '%s': no credentials from %s", rq->profile, sources[i].name);
    }
    return LT_OK;
}

enum lt_rc creds_profile_chain(struct creds_request *rq, const char *profile,
                               struct aws_credentials *out, struct buf *what, struct lt_error *err)
{
    struct creds_request sub = *rq;
    sub.profile = profile;
    sub.explicit_profile = true;
    enum lt_rc rc = creds_run(creds_profile_sources, LT_ARRAY_SIZE(creds_profile_sources), &sub,
                              out, what, NULL, err);
    rq->nvisited = sub.nvisited;
    return rc;
}

enum lt_rc creds_provider_new(const struct creds_context *ctx, const char *profile_or_null,
                              struct creds_provider **out, struct lt_error *err)
{
    *out = NULL;
    const char *name = settings_profile_name(ctx->env, profile_or_null);
    if (strcmp(name, "default") != 0 && !profile_exists(ctx->files, name)) {
        return lt_fail(err, LT_E_CONFIG, "profile '%s' is in neither '%s' nor '%s'", name,
                       ctx->files->config->path, ctx->files->credentials->path);
    }
    struct creds_provider *p = mem_calloc(1, sizeof(*p));
    p->ctx = *ctx;
    p->profile = mem_strdup(name);
    p->explicit_profile = profile_or_null != NULL;
    buf_init(&p->what, BUF_MAX_SMALL);
    *out = p;
    return LT_OK;
}

static void creds_describe_time(struct buf *out, int64_t t)
{
    if (clock_format_iso8601(out, t) != LT_OK) {
        buf_reset(out);
    }
}

/* Asks the chain (first time) or the chosen source (refresh) for new credentials. */
static enum lt_rc creds_fetch(struct creds_provider *p, int64_t now, struct aws_credentials *out,
                              struct buf *what, struct lt_error *err)
{
    struct creds_request rq;
    memset(&rq, 0, sizeof(rq));
    rq.ctx = &p->ctx;
    rq.profile = p->profile;
    rq.explicit_profile = p->explicit_profile;
    rq.now = now;
    rq.visited[rq.nvisited++] = p->profile;
    const struct creds_source *used = NULL;
    enum lt_rc rc = p->source ? creds_run(p->source, 1, &rq, out, what, &used, err)
                              : creds_run(creds_default_chain, LT_ARRAY_SIZE(creds_default_chain),
                                          &rq, out, what, &used, err);
    if (rc != LT_OK) {
        lt_error_prefix(err, "profile '%s'", p->profile);
        return rc;
    }
    if (!out->access_key_id && p->source) {
        return lt_fail(err, LT_E_CREDS, "profile '%s': %s no longer yields credentials", p->profile,
                       p->source->name);
    }
    if (!out->access_key_id) {
        return lt_fail(err, LT_E_CREDS,
                       "profile '%s': no credentials found (tried the environment, the shared "
                       "files, container and instance metadata)",
                       p->profile);
    }
    if (out->expiration && out->expiration <= now) {
        struct buf when = BUF_INIT(64);
        creds_describe_time(&when, out->expiration);
        rc = lt_fail(err, LT_E_CREDS, "profile '%s': the credentials from %s expired at %s",
                     p->profile, buf_str(what), buf_str(&when));
        buf_release(&when);
        aws_credentials_release(out);
        return rc;
    }
    p->source = used;
    return LT_OK;
}

static bool creds_fresh(const struct creds_provider *p, int64_t now)
{
    return p->have &&
           (p->creds.expiration == 0 || p->creds.expiration - now > CREDS_REFRESH_WINDOW);
}

enum lt_rc creds_provider_get(struct creds_provider *p, int64_t now,
                              const struct aws_credentials **out, struct lt_error *err)
{
    *out = NULL;
    if (creds_fresh(p, now)) {
        *out = &p->creds;
        return LT_OK;
    }
    struct aws_credentials fresh = {NULL, NULL, NULL, 0};
    struct buf what = BUF_INIT(BUF_MAX_SMALL);
    struct lt_error inner = LT_ERROR_INIT;
    enum lt_rc rc = creds_fetch(p, now, &fresh, &what, &inner);
    if (rc == LT_OK) {
        aws_credentials_release(&p->creds);
        p->creds = fresh;
        p->have = true;
        buf_release(&p->what);
        p->what = what;
        log_info("profile '%s': credentials from %s", p->profile, buf_str(&p->what));
        *out = &p->creds;
        lt_error_release(&inner);
        return LT_OK;
    }
    buf_release(&what);
    if (p->have && p->creds.expiration > now) {
        log_warn("cannot refresh the credentials of profile '%s' (%s); using the current ones "
                 "until they expire",
                 p->profile, lt_error_message(&inner));
        lt_error_release(&inner);
        *out = &p->creds;
        return LT_OK;
    }
    return creds_rethrow(err, rc, &inner);
}

const char *creds_provider_source(const struct creds_provider *p)
{
    return p->have ? buf_str(&p->what) : "none";
}

void creds_provider_free(struct creds_provider *p)
{
    if (!p) {
        return;
    }
    aws_credentials_release(&p->creds);
    buf_release(&p->what);
    mem_free(p->profile);
    mem_free(p);
}
