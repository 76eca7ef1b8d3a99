/*
 * creds_web_identity.c - AssumeRoleWithWebIdentity (botocore's
 * AssumeRoleWithWebIdentityProvider): an OIDC token from a file, traded for
 * role credentials by an unsigned STS call.
 *
 * Each setting comes from its variable, unless the profile was named
 * explicitly, else from the profile: AWS_WEB_IDENTITY_TOKEN_FILE /
 * web_identity_token_file (applicable only when one is set), AWS_ROLE_ARN /
 * role_arn (required), AWS_ROLE_SESSION_NAME / role_session_name (default
 * "ltsnap-<unix time>"). The token file is read again on every refresh
 * (Kubernetes rotates it); a trailing newline is dropped.
 */
#include <string.h>

#include "aws/creds_internal.h"

static const char *creds_wi_get(const struct creds_request *rq, const char *var, const char *key)
{
    const char *v = rq->explicit_profile ? NULL : aws_env_get(rq->ctx->env, var);
    return v ? v : profile_get(rq->ctx->files, rq->profile, key);
}

static enum lt_rc creds_wi_call(struct creds_request *rq, const char *role_arn, const char *token,
                                struct aws_credentials *out, struct lt_error *err)
{
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    struct buf endpoint = BUF_INIT(BUF_MAX_SMALL);
    struct sts_client client;
    enum lt_rc rc = creds_session_name(
        rq, creds_wi_get(rq, "AWS_ROLE_SESSION_NAME", "role_session_name"), &name);
    if (rc == LT_OK) {
        rc = creds_sts_client(rq, &endpoint, &client, err);
    }
    if (rc == LT_OK) {
        struct sts_web_identity_params params = {role_arn, buf_str(&name), token, 0};
        struct sts_credentials sts;
        rc = sts_assume_role_with_web_identity(&client, &params, &sts, err);
        if (rc == LT_OK) {
            creds_from_sts(out, &sts);
        }
    }
    buf_release(&name);
    buf_release(&endpoint);
    return rc;
}

enum lt_rc creds_web_identity_resolve(struct creds_request *rq, struct aws_credentials *out,
                                      struct buf *what, struct lt_error *err)
{
    const char *file = creds_wi_get(rq, "AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
    if (!file) {
        return LT_OK;
    }
    const char *role_arn = creds_wi_get(rq, "AWS_ROLE_ARN", "role_arn");
    if (!role_arn) {
        return lt_fail(err, LT_E_CONFIG,
                       "a web identity token file is configured but no role: set AWS_ROLE_ARN "
                       "or role_arn in profile '%s'",
                       rq->profile);
    }
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct buf token = BUF_INIT(BUF_MAX_SMALL);
    struct lt_error inner = LT_ERROR_INIT;
    enum lt_rc rc = profile_expand_home(rq->ctx->env, file, &path, &inner);
    if (rc == LT_OK) {
        rc = creds_read_token_file(buf_str(&path), "web identity token", &token, &inner);
    }
    if (rc == LT_OK) {
        rc = creds_wi_call(rq, role_arn, buf_str(&token), out, &inner);
    }
    buf_release(&path);
    buf_release_secret(&token);
    if (rc != LT_OK) {
        lt_error_prefix(&inner, "cannot assume role '%s' with a web identity", role_arn);
        return creds_rethrow(err, rc == LT_E_AWS ? LT_E_CREDS : rc, &inner);
    }
    lt_error_release(&inner);
    return buf_printf(what, "web identity (role '%s')", role_arn);
}
