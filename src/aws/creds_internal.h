/*
 * creds_internal.h - the one small interface between the credential chain
 * (creds.c) and the sources (creds_<source>.c), plus helpers they share
 * (creds_util.c). Not for use outside src/aws/creds*.c.
 *
 * A source's resolve function answers one of three ways:
 * - LT_OK with out->access_key_id set: credentials (what describes them);
 * - LT_OK with out->access_key_id NULL: "not applicable" - the source is
 *   not configured for this profile, the chain goes on;
 * - an error: the source is configured but failed; the chain stops.
 * It never reads the process environment or the clock: both come in rq.
 */
#ifndef LT_AWS_CREDS_INTERNAL_H
#define LT_AWS_CREDS_INTERNAL_H

#include <cjson/cJSON.h>

#include "aws/creds.h"
#include "aws/sts.h"
#include "base/buf.h"

/* Longest role_arn/source_profile chain (botocore has none; loops are caught anyway). */
#define CREDS_MAX_CHAIN 8

struct creds_request {
    const struct creds_context *ctx;
    const char *profile;
    bool explicit_profile; /* the environment-based sources stand aside */
    int64_t now;
    const char *visited[CREDS_MAX_CHAIN + 1]; /* assume-role chain so far */
    size_t nvisited;
};

struct creds_source {
    const char *name;
    LT_MUST_CHECK enum lt_rc (*resolve)(struct creds_request *rq, struct aws_credentials *out,
                                        struct buf *what, struct lt_error *err);
};

/* The sources, in their files. */
LT_MUST_CHECK enum lt_rc creds_env_resolve(struct creds_request *rq, struct aws_credentials *out,
                                           struct buf *what, struct lt_error *err);
/* The environment source even for an explicit profile (credential_source = Environment). */
LT_MUST_CHECK enum lt_rc creds_env_read(struct creds_request *rq, struct aws_credentials *out,
                                        struct buf *what, struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_assume_role_resolve(struct creds_request *rq,
                                                   struct aws_credentials *out, struct buf *what,
                                                   struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_shared_file_resolve(struct creds_request *rq,
                                                   struct aws_credentials *out, struct buf *what,
                                                   struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_config_file_resolve(struct creds_request *rq,
                                                   struct aws_credentials *out, struct buf *what,
                                                   struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_web_identity_resolve(struct creds_request *rq,
                                                    struct aws_credentials *out, struct buf *what,
                                                    struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_sso_resolve(struct creds_request *rq, struct aws_credentials *out,
                                           struct buf *what, struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_process_resolve(struct creds_request *rq,
                                               struct aws_credentials *out, struct buf *what,
                                               struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_container_resolve(struct creds_request *rq,
                                                 struct aws_credentials *out, struct buf *what,
                                                 struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_imds_resolve(struct creds_request *rq, struct aws_credentials *out,
                                            struct buf *what, struct lt_error *err);

/*
 * The profile-only chain (web identity, SSO, shared credentials file,
 * credential_process, config file) for profile, with the environment
 * sources off: how assume role gets a source_profile's credentials.
 */
LT_MUST_CHECK enum lt_rc creds_profile_chain(struct creds_request *rq, const char *profile,
                                             struct aws_credentials *out, struct buf *what,
                                             struct lt_error *err);

/* ---- creds_util.c ---- */

/* Copies the strings into out, registering the secret and token with the logger. */
void creds_set(struct aws_credentials *out, const char *akid, const char *secret, const char *token,
               int64_t expiration);
/* Moves STS credentials into out (the STS module registered the secrets). */
void creds_from_sts(struct aws_credentials *out, struct sts_credentials *sts);

/* Keys of a credentials JSON document: process, container, IMDS and SSO name them differently. */
struct creds_json_keys {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
    bool token_required;
    const char *expiration;
    bool expiration_required;
    bool expiration_ms; /* epoch milliseconds (SSO) instead of ISO-8601 text */
};

/* Reads credentials from obj; LT_E_CREDS naming the missing or bad key. */
LT_MUST_CHECK enum lt_rc creds_from_json(const cJSON *obj, const struct creds_json_keys *k,
                                         struct aws_credentials *out, struct lt_error *err);
/* Wipes every string value in the tree, then deletes it. */
void creds_json_delete_secret(cJSON *tree);

/*
 * The pure readers of the credential documents the sources receive, one per
 * source file (and fuzzed together by tests/fuzz/fuzz_creds_json.c): text
 * is len bytes (need not be NUL-terminated; anything at all) of what the
 * command printed or the endpoint answered. On LT_OK out holds the
 * credentials (out->access_key_id set); otherwise LT_E_CREDS with a message
 * naming the key at fault - never a value - and out is untouched. Secrets
 * met on the way are registered with log_add_secret() either way.
 * - process: Version 1, AccessKeyId, SecretAccessKey, SessionToken
 *   (optional), Expiration (optional, ISO-8601);
 * - container: AccessKeyId, SecretAccessKey, Token, Expiration (ISO-8601);
 * - imds: the same, and Code, when present, must be "Success";
 * - sso: {"roleCredentials": {accessKeyId, secretAccessKey, sessionToken,
 *   expiration (epoch milliseconds)}}.
 */
LT_MUST_CHECK enum lt_rc creds_process_parse(const char *text, size_t len,
                                             struct aws_credentials *out, struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_container_parse(const char *text, size_t len,
                                               struct aws_credentials *out, struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_imds_parse(const char *text, size_t len, struct aws_credentials *out,
                                          struct lt_error *err);
LT_MUST_CHECK enum lt_rc creds_sso_parse(const char *text, size_t len, struct aws_credentials *out,
                                         struct lt_error *err);

/*
 * Runs an unsigned request for a credential source (IMDS, container, SSO).
 * timeout_ms applies to connecting and to the whole exchange; attempts >= 1.
 * The caller releases call (http_call_release; buf_release_secret on
 * call->response first when it holds secrets).
 */
LT_MUST_CHECK enum lt_rc creds_http(const struct creds_request *rq, const char *method,
                                    const char *url, const struct http_header *headers,
                                    size_t nheaders, long timeout_ms, int attempts,
                                    struct http_call *call);

/* An STS client for this request (endpoint from the context, the settings or the default). */
LT_MUST_CHECK enum lt_rc creds_sts_client(const struct creds_request *rq, struct buf *endpoint,
                                          struct sts_client *out, struct lt_error *err);

/* role_session_name or "ltsnap-<now>" */
LT_MUST_CHECK enum lt_rc creds_session_name(const struct creds_request *rq, const char *configured,
                                            struct buf *out);

/* Reads a token file (trailing CR/LF dropped, registered as a secret). */
LT_MUST_CHECK enum lt_rc creds_read_token_file(const char *path, const char *what, struct buf *out,
                                               struct lt_error *err);

/* Re-records inner's message in err with code, and releases inner. Returns code. */
enum lt_rc creds_rethrow(struct lt_error *err, enum lt_rc code, struct lt_error *inner);

#endif
