/*
 * sigv4.h - AWS Signature Version 4, header signing. Pure: the time and the
 * credentials come in as arguments; nothing is read from the environment or
 * the clock.
 *
 * Owns: canonical request, string to sign, signing key, signature and the
 *       Authorization header, as specified in
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 *       and checked stage by stage against the AWS SigV4 test suite
 *       (tests/vectors/sigv4, tests/unit/test_sigv4.c).
 * May call: base (buf, hash, clock's pure formatters, mem).
 *
 * Ownership: every pointer in the input structs is borrowed for the call.
 * Results are appended to caller-owned buffers or returned in a struct
 * sigv4_signed that owns its strings. sigv4_signed_release frees them and
 * wipes the session token (the one secret it holds, because it goes on the
 * wire); the secret key and the signing key never leave the module, and the
 * signer wipes its own copies. A canonical request holds the session token
 * when it is signed: release such a buffer with buf_release_secret.
 *
 * Canonicalisation (docs/reference.md 5.1; the test vectors are the
 * authority), with ltsnap's choices where the specification is silent:
 * - path: must start with '/' (empty or NULL means "/") and every '%' must
 *   start a %XX escape. It is taken as sent on the wire and encoded once
 *   more (non-S3 double encoding: "/a%20b" signs as "/a%2520b"). With
 *   normalize_path, empty, "." and ".." segments are resolved first (".."
 *   at the root stays at the root) and a trailing '/' is kept.
 * - query: split on '&' (empty pieces dropped) and at the first '=';
 *   names and values are %-decoded, then re-encoded; '+' is a literal plus
 *   (signed as %2B), never a space; sorted by name, then value, byte order.
 * - headers: names must be HTTP tokens, values free of control characters
 *   other than the white space of folded lines. Names are lower-cased,
 *   values trimmed with inner white space runs collapsed to one space,
 *   repeated names merged with ',' in request order. Never signed (still
 *   sent): connection, expect, keep-alive, proxy-authenticate,
 *   proxy-authorization, te, trailer, transfer-encoding, upgrade,
 *   user-agent, x-amzn-trace-id. A request carrying authorization,
 *   x-amz-date, x-amz-security-token or x-amz-content-sha256 is refused:
 *   the signer adds those.
 * - method: upper-case letters only.
 */
#ifndef LT_AWS_SIGV4_H
#define LT_AWS_SIGV4_H

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

/* One header as it goes on the wire. Names compare case-insensitively. */
struct sigv4_header {
    const char *name;
    const char *value; /* raw; may hold leading/trailing space or folded lines */
};

struct sigv4_request {
    const char *method;                 /* "GET", "POST", ... */
    const char *path;                   /* raw path as in the request line, e.g. "/" or "/a b" */
    const char *query;                  /* raw query string without '?', or NULL */
    const struct sigv4_header *headers; /* must include "host" */
    size_t nheaders;
    const void *body;
    size_t body_len;
};

struct sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" for long-term keys */
};

struct sigv4_params {
    const char *region;
    const char *service;
    int64_t time;            /* Unix seconds of the signature */
    bool normalize_path;     /* remove . and .. segments, collapse slashes (all but S3) */
    bool sign_body;          /* add and sign x-amz-content-sha256 */
    bool omit_session_token; /* add X-Amz-Security-Token after signing, unsigned */
};

/* Headers to add to the request, in this order, all owned. */
struct sigv4_signed {
    char *amz_date;       /* X-Amz-Date value */
    char *security_token; /* X-Amz-Security-Token value or NULL */
    char *content_sha256; /* x-amz-content-sha256 value or NULL (sign_body) */
    char *authorization;  /* Authorization value */
};

/*
 * Stage 1: the canonical request of req as it will be signed, given the
 * extra headers the signer adds (X-Amz-Date, the token unless omitted,
 * x-amz-content-sha256 when sign_body). signed_headers gets the
 * semicolon-separated list. Fails with LT_E_INPUT for a request that cannot
 * be signed (no host header, bad percent-encoding in the path or query, see
 * above for the rest). Both buffers are appended to.
 */
LT_MUST_CHECK enum lt_rc sigv4_canonical_request(const struct sigv4_request *req,
                                                 const struct sigv4_credentials *creds,
                                                 const struct sigv4_params *params,
                                                 struct buf *canonical, struct buf *signed_headers,
                                                 struct lt_error *err);

/* Stage 2: "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of canonical>". */
LT_MUST_CHECK enum lt_rc sigv4_string_to_sign(const struct sigv4_params *params,
                                              const struct buf *canonical, struct buf *out,
                                              struct lt_error *err);

/*
 * Stage 3: lower-case hex HMAC of the string to sign under the derived
 * signing key. LT_E_CREDS when the access key id or secret is missing.
 */
LT_MUST_CHECK enum lt_rc sigv4_signature(const struct sigv4_credentials *creds,
                                         const struct sigv4_params *params,
                                         const struct buf *string_to_sign, struct buf *hex_out,
                                         struct lt_error *err);

/*
 * All stages, producing the headers to add. out is zeroed first; release it
 * after use. On failure out holds nothing (all NULL). security_token is set
 * whenever the credentials carry a token, signed or (omit_session_token) not.
 */
LT_MUST_CHECK enum lt_rc sigv4_sign(const struct sigv4_request *req,
                                    const struct sigv4_credentials *creds,
                                    const struct sigv4_params *params, struct sigv4_signed *out,
                                    struct lt_error *err);
void sigv4_signed_release(struct sigv4_signed *s);

/*
 * Appends s percent-encoded the SigV4 way: every byte except A-Z a-z 0-9
 * - _ . ~ becomes %XX with upper-case hex ("/" too). The EC2/STS form body
 * uses the same encoding.
 */
LT_MUST_CHECK enum lt_rc sigv4_uri_encode(struct buf *out, const char *s, size_t n);

#endif
