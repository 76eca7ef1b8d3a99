/*
 * creds_profile.c - credentials named by a profile of the shared files:
 * static keys in the credentials file ([name]) or the config file
 * ([profile name]), and assume role (role_arn with source_profile or
 * credential_source), as botocore's SharedCredentialProvider,
 * ConfigProvider and AssumeRoleProvider do.
 *
 * Assume role, decisions where botocore leaves room:
 * - role_session_name defaults to "ltsnap-<unix time>" (botocore:
 *   "botocore-session-<unix time>"), so CloudTrail shows the tool.
 * - mfa_serial is refused: ltsnap cannot prompt for a code.
 * - a bad duration_seconds is an error (botocore silently drops it).
 * - a source_profile chain is followed up to CREDS_MAX_CHAIN profiles; a
 *   profile may name itself only when it has static keys (botocore's rule),
 *   any other repeat is a loop.
 * - a source profile with static keys, or without role_arn, gets its
 *   credentials from the profile-only chain (web identity, SSO, files,
 *   credential_process) with the environment off; else it assumes its own
 *   role first.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/creds_internal.h"
#include "base/log.h"
#include "base/mem.h"

static unsigned creds_line_of(const struct profile_section *s, const char *key)
{
    for (size_t i = 0; s && i < s->nprops; i++) {
        if (strcmp(s->props[i].name, key) == 0) {
            return s->props[i].line;
        }
    }
    return 0;
}

/* Static keys of one section of one file. */
static enum lt_rc creds_static(struct creds_request *rq, const struct profile_file *f,
                               const char *label, struct aws_credentials *out, struct buf *what,
                               struct lt_error *err)
{
    const struct profile_section *s = profile_file_section(f, PROFILE_KIND_PROFILE, rq->profile);
    const char *akid = profile_section_get(s, "aws_access_key_id");
    const char *secret = profile_section_get(s, "aws_secret_access_key");
    if (!akid && !secret) {
        return LT_OK;
    }
    if (!akid || !secret || !*akid || !*secret) {
        const char *have = akid && *akid ? "aws_access_key_id" : "aws_secret_access_key";
        const char *lack = akid && *akid ? "aws_secret_access_key" : "aws_access_key_id";
        return lt_fail(err, LT_E_CREDS, "'%s' line %u: profile '%s' has %s but no %s", f->path,
                       creds_line_of(s, have), rq->profile, have, lack);
    }
    const char *token = profile_section_get(s, "aws_session_token");
    const char *legacy = profile_section_get(s, "aws_security_token");
    creds_set(out, akid, secret, token ? token : legacy, 0);
    return buf_printf(what, "%s '%s'", label, f->path);
}

enum lt_rc creds_shared_file_resolve(struct creds_request *rq, struct aws_credentials *out,
                                     struct buf *what, struct lt_error *err)
{
    return creds_static(rq, rq->ctx->files->credentials, "shared credentials file", out, what, err);
}

enum lt_rc creds_config_file_resolve(struct creds_request *rq, struct aws_credentials *out,
                                     struct buf *what, struct lt_error *err)
{
    return creds_static(rq, rq->ctx->files->config, "config file", out, what, err);
}

/* ---- assume role ---- */

static const char *creds_get(const struct creds_request *rq, const char *profile, const char *key)
{
    return profile_get(rq->ctx->files, profile, key);
}

static bool creds_has_role(const struct creds_request *rq, const char *profile)
{
    return creds_get(rq, profile, "role_arn") && !creds_get(rq, profile, "web_identity_token_file");
}

static bool creds_has_static(const struct creds_request *rq, const char *profile)
{
    return creds_get(rq, profile, "aws_access_key_id") ||
           creds_get(rq, profile, "aws_secret_access_key");
}

static enum lt_rc creds_loop_error(const struct creds_request *rq, const char *next,
                                   struct lt_error *err)
{
    struct buf chain = BUF_INIT(BUF_MAX_SMALL);
    for (size_t i = 0; i < rq->nvisited; i++) {
        if (buf_printf(&chain, "'%s' -> ", rq->visited[i]) != LT_OK) {
            break;
        }
    }
    enum lt_rc rc = lt_fail(err, LT_E_CONFIG, "source_profile loop: %s'%s'", buf_str(&chain), next);
    buf_release(&chain);
    return rc;
}

static enum lt_rc creds_check_source_profile(struct creds_request *rq, const char *profile,
                                             const char *source, struct lt_error *err)
{
    if (!profile_exists(rq->ctx->files, source)) {
        return lt_fail(err, LT_E_CONFIG, "profile '%s': source_profile '%s' does not exist",
                       profile, source);
    }
    bool seen = false;
    for (size_t i = 0; i < rq->nvisited; i++) {
        seen = seen || strcmp(rq->visited[i], source) == 0;
    }
    if (seen && (strcmp(source, profile) != 0 || !creds_has_static(rq, source))) {
        return creds_loop_error(rq, source, err);
    }
    if (rq->nvisited >= CREDS_MAX_CHAIN) {
        return lt_fail(err, LT_E_CONFIG, "profile '%s': source_profile chain longer than %d",
                       profile, CREDS_MAX_CHAIN);
    }
    return LT_OK;
}

static enum lt_rc creds_assume(struct creds_request *rq, const char *profile,
                               struct aws_credentials *out, struct lt_error *err);

static enum lt_rc creds_from_source_profile(struct creds_request *rq, const char *profile,
                                            const char *source, struct aws_credentials *out,
                                            struct lt_error *err)
{
    LT_TRY(creds_check_source_profile(rq, profile, source, err));
    rq->visited[rq->nvisited++] = source;
    if (creds_has_static(rq, source) || !creds_has_role(rq, source)) {
        struct buf what = BUF_INIT(BUF_MAX_SMALL);
        enum lt_rc rc = creds_profile_chain(rq, source, out, &what, err);
        buf_release(&what);
        LT_TRY(rc);
        if (!out->access_key_id) {
            return lt_fail(err, LT_E_CREDS,
                           "source_profile '%s' of profile '%s' has no credentials", source,
                           profile);
        }
        return LT_OK;
    }
    return creds_assume(rq, source, out, err);
}

static enum lt_rc creds_from_credential_source(struct creds_request *rq, const char *profile,
                                               const char *name, struct aws_credentials *out,
                                               struct lt_error *err)
{
    static const struct creds_source named[] = {
        {"Environment", creds_env_read},
        {"Ec2InstanceMetadata", creds_imds_resolve},
        {"EcsContainer", creds_container_resolve},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(named); i++) {
        if (strcmp(name, named[i].name) != 0) {
            continue;
        }
        struct buf what = BUF_INIT(BUF_MAX_SMALL);
        enum lt_rc rc = named[i].resolve(rq, out, &what, err);
        buf_release(&what);
        LT_TRY(rc);
        if (!out->access_key_id) {
            return lt_fail(err, LT_E_CREDS,
                           "profile '%s': credential_source '%s' found no "
                           "credentials",
                           profile, name);
        }
        return LT_OK;
    }
    return lt_fail(err, LT_E_CONFIG,
                   "profile '%s': credential_source '%s' is not Environment, "
                   "Ec2InstanceMetadata or EcsContainer",
                   profile, name);
}

static enum lt_rc creds_duration(const char *profile, const char *text, int *out,
                                 struct lt_error *err)
{
    *out = 0;
    if (!text) {
        return LT_OK;
    }
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < 900 || v > 43200) {
        return lt_fail(err, LT_E_CONFIG,
                       "profile '%s': duration_seconds '%s' is not a number of seconds from 900 "
                       "to 43200",
                       profile, text);
    }
    *out = (int)v;
    return LT_OK;
}

/* Source credentials of profile's role: credential_source or source_profile. */
static enum lt_rc creds_role_source(struct creds_request *rq, const char *profile,
                                    struct aws_credentials *out, struct lt_error *err)
{
    const char *source = creds_get(rq, profile, "source_profile");
    const char *named = creds_get(rq, profile, "credential_source");
    if (source && named) {
        return lt_fail(err, LT_E_CONFIG,
                       "profile '%s' sets both source_profile and credential_source", profile);
    }
    if (!source && !named) {
        return lt_fail(err, LT_E_CONFIG,
                       "profile '%s' sets role_arn but neither source_profile nor "
                       "credential_source",
                       profile);
    }
    return named ? creds_from_credential_source(rq, profile, named, out, err)
                 : creds_from_source_profile(rq, profile, source, out, err);
}

static enum lt_rc creds_call_assume_role(struct creds_request *rq, const char *profile,
                                         const struct aws_credentials *source,
                                         struct aws_credentials *out, struct lt_error *err)
{
    struct sts_assume_role_params params = {creds_get(rq, profile, "role_arn"), NULL,
                                            creds_get(rq, profile, "external_id"), 0};
    LT_TRY(creds_duration(profile, creds_get(rq, profile, "duration_seconds"),
                          &params.duration_seconds, err));
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    struct buf endpoint = BUF_INIT(BUF_MAX_SMALL);
    struct sts_client client;
    enum lt_rc rc = creds_session_name(rq, creds_get(rq, profile, "role_session_name"), &name);
    if (rc == LT_OK) {
        rc = creds_sts_client(rq, &endpoint, &client, err);
    }
    if (rc == LT_OK) {
        params.role_session_name = buf_str(&name);
        struct sigv4_credentials sig = {source->access_key_id, source->secret_access_key,
                                        source->session_token};
        struct sts_credentials sts;
        rc = sts_assume_role(&client, &sig, &params, &sts, err);
        if (rc == LT_OK) {
            creds_from_sts(out, &sts);
        }
    }
    buf_release(&name);
    buf_release(&endpoint);
    if (rc != LT_OK) {
        lt_error_prefix(err, "cannot assume role '%s' for profile '%s'", params.role_arn, profile);
    }
    return rc;
}

static enum lt_rc creds_assume(struct creds_request *rq, const char *profile,
                               struct aws_credentials *out, struct lt_error *err)
{
    if (creds_get(rq, profile, "mfa_serial")) {
        return lt_fail(err, LT_E_CREDS,
                       "profile '%s' sets mfa_serial: MFA profiles are not supported "
                       "non-interactively",
                       profile);
    }
    struct aws_credentials source = {NULL, NULL, NULL, 0};
    LT_TRY(creds_role_source(rq, profile, &source, err));
    struct lt_error inner = LT_ERROR_INIT;
    enum lt_rc rc = creds_call_assume_role(rq, profile, &source, out, &inner);
    aws_credentials_release(&source);
    if (rc != LT_OK) {
        /* A refusal by STS means no usable credentials, whatever the transport said. */
        return creds_rethrow(err, rc == LT_E_AWS ? LT_E_CREDS : rc, &inner);
    }
    lt_error_release(&inner);
    return LT_OK;
}

enum lt_rc creds_assume_role_resolve(struct creds_request *rq, struct aws_credentials *out,
                                     struct buf *what, struct lt_error *err)
{
    if (!creds_has_role(rq, rq->profile)) {
        return LT_OK;
    }
    LT_TRY(creds_assume(rq, rq->profile, out, err));
    return buf_printf(what, "assume role via profile '%s'", rq->profile);
}
