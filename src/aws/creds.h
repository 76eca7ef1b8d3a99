/*
 * creds.h - AWS credentials for one profile, found the way the AWS SDKs and
 * CLI find them, cached, and refreshed before they expire.
 *
 * Owns: the default credential chain (creds.c) and one file per source:
 *       creds_env.c, creds_profile.c (shared credentials file, config file,
 *       assume role), creds_web_identity.c, creds_sso.c, creds_process.c,
 *       creds_container.c, creds_imds.c.
 * May call: base, aws/env, aws/profile, aws/settings, aws/sts, aws/http.
 *
 * Chain order (botocore credentials.py create_credential_resolver; the
 * first source that is configured decides - a configured source that fails
 * is an error, not a reason to try the next):
 *   1 environment (AWS_ACCESS_KEY_ID ...)     - skipped for an explicit profile
 *   2 assume role (role_arn in the profile, without web_identity_token_file)
 *   3 web identity (profile, or AWS_WEB_IDENTITY_TOKEN_FILE unless explicit)
 *   4 SSO (sso_account_id / sso_role_name in the profile)
 *   5 shared credentials file (aws_access_key_id in [name])
 *   6 credential_process
 *   7 config file (aws_access_key_id in [profile name])
 *   8 container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)
 *   9 EC2 instance metadata (IMDSv2, v1 fallback)
 * "Explicit" means the caller named the profile (--profile): like botocore
 * and the AWS CLI, the environment's keys then do not override it. A
 * profile chosen with AWS_PROFILE leaves the environment keys first.
 *
 * Refresh: creds_provider_get() returns the cached credentials unless they
 * expire within CREDS_REFRESH_WINDOW seconds; then it asks the same source
 * again. If that fails while the old credentials are still valid, they are
 * kept and a warning logged; once expired, the failure is returned.
 *
 * Secrets: every secret key, session token, and token read on the way is
 * registered with log_add_secret() at once and wiped when released; error
 * messages never contain one.
 *
 * Ownership: the context and everything it points to are borrowed and must
 * outlive the provider. Credentials returned by creds_provider_get() belong
 * to the provider and stay valid until the next get or free.
 */
#ifndef LT_AWS_CREDS_H
#define LT_AWS_CREDS_H

#include "aws/env.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/retry.h"
#include "base/err.h"
#include "base/lt.h"

#define CREDS_REFRESH_WINDOW (5 * 60)

struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL for long-term keys */
    int64_t expiration;  /* Unix seconds; 0 = never expires */
};

/* Wipes and frees the strings; the struct is empty afterwards. */
void aws_credentials_release(struct aws_credentials *c);

struct creds_context {
    const struct aws_env *env;        /* the process environment */
    const struct profile_set *files;  /* the shared files, loaded */
    const struct http_options *http;  /* for STS, SSO, container and IMDS calls */
    const char *region;               /* STS region (the profile's, after --region) or NULL */
    const char *sts_endpoint;         /* STS URL override or NULL: configured or default */
    const struct retry_config *retry; /* STS calls; NULL: one attempt */
    long process_timeout_ms;          /* credential_process time limit; 0: 60 s */
};

struct creds_provider;

/*
 * Makes a provider for profile_or_null (NULL: AWS_PROFILE, AWS_DEFAULT_PROFILE
 * or "default", and the environment's keys come first). Checks the
 * configuration only; no credentials are fetched until the first get.
 */
LT_MUST_CHECK enum lt_rc creds_provider_new(const struct creds_context *ctx,
                                            const char *profile_or_null,
                                            struct creds_provider **out, struct lt_error *err);

/*
 * Credentials valid now (Unix seconds), fetching or refreshing as needed.
 * LT_E_CREDS when no source yields any, or a configured source fails;
 * LT_E_CONFIG for a bad configuration; messages name the profile, file,
 * line or variable at fault.
 */
LT_MUST_CHECK enum lt_rc creds_provider_get(struct creds_provider *p, int64_t now,
                                            const struct aws_credentials **out,
                                            struct lt_error *err);

/*
 * Where the current credentials came from: "environment", "shared
 * credentials file", "config file", "assume role via profile 'x'",
 * "web identity", "sso", "credential_process", "container",
 * "instance metadata"; "none" before the first successful get.
 */
const char *creds_provider_source(const struct creds_provider *p);

/* Wipes the cached credentials and frees. NULL is fine. */
void creds_provider_free(struct creds_provider *p);

#endif
