/*
 * sts.h - the three AWS STS calls ltsnap makes: GetCallerIdentity (which
 * account a profile is), AssumeRole and AssumeRoleWithWebIdentity (for
 * credentials). Query protocol, version 2011-06-15 (docs/reference.md 2.1).
 *
 * Owns: the request bodies and the reading of the replies.
 * May call: base, aws/http, aws/xml, aws/sigv4 (uri encoding), sts_shapes.gen.
 *
 * Requests are POST <endpoint>/ with a form body, signed with service "sts"
 * in the client's region; the legacy global endpoint (sts.amazonaws.com)
 * signs with us-east-1. AssumeRoleWithWebIdentity is sent unsigned (the
 * model marks it no-auth). Error documents become LT_E_AWS with
 * "<Code>: <Message>" (the server's text is untrusted: it is logged escaped);
 * a reply that is not the expected document is LT_E_INPUT.
 *
 * Secrets: the secret key and session token of a reply are registered with
 * log_add_secret() as soon as they are parsed; sts_credentials_release()
 * wipes them. The web identity token is sent, never logged.
 *
 * Ownership: all inputs are borrowed for the call; results own their strings.
 */
#ifndef LT_AWS_STS_H
#define LT_AWS_STS_H

#include "aws/http.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "base/err.h"
#include "base/lt.h"

struct sts_client {
    const struct http_options *http;
    const char *endpoint;             /* "https://sts.us-east-1.amazonaws.com", no trailing '/' */
    const char *region;               /* signing region; NULL: us-east-1 */
    const struct retry_config *retry; /* NULL: one attempt */
};

struct sts_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    int64_t expiration;     /* Unix seconds */
    char *assumed_role_arn; /* AssumedRoleUser.Arn, or NULL */
};

void sts_credentials_release(struct sts_credentials *c);

struct sts_identity {
    char *account; /* 12 digits */
    char *arn;
    char *user_id;
};

void sts_identity_release(struct sts_identity *id);

struct sts_assume_role_params {
    const char *role_arn;
    const char *role_session_name;
    const char *external_id; /* or NULL */
    int duration_seconds;    /* 0: the service default (1 h) */
};

struct sts_web_identity_params {
    const char *role_arn;
    const char *role_session_name;
    const char *web_identity_token;
    int duration_seconds; /* 0: the service default */
};

LT_MUST_CHECK enum lt_rc sts_get_caller_identity(const struct sts_client *c,
                                                 const struct sigv4_credentials *creds,
                                                 struct sts_identity *out, struct lt_error *err);

LT_MUST_CHECK enum lt_rc sts_assume_role(const struct sts_client *c,
                                         const struct sigv4_credentials *creds,
                                         const struct sts_assume_role_params *p,
                                         struct sts_credentials *out, struct lt_error *err);

LT_MUST_CHECK enum lt_rc sts_assume_role_with_web_identity(const struct sts_client *c,
                                                           const struct sts_web_identity_params *p,
                                                           struct sts_credentials *out,
                                                           struct lt_error *err);

/* The signing region of an STS endpoint: us-east-1 for the global one, else region. */
const char *sts_signing_region(const char *endpoint, const char *region);

#endif
