/*
 * secrets.h - does a text look like it carries secrets? The detector behind
 * the version property user_data_secret_kinds (docs/schema.md, "What looks
 * like a secret").
 *
 * Owns: the heuristics and the names of the kinds of secret found.
 * May call: nothing (pure: bytes in, a set of kinds out).
 *
 * Only the kinds are returned: never the matched text, its length or where
 * it was, so no caller can store, log or print a secret by mistake.
 *
 * The heuristics, in short (secrets.c has the details):
 * - aws-access-key-id: AKIA or ASIA followed by 16 upper-case letters or
 *   digits, not inside a longer word;
 * - private-key: a PEM or PGP "-----BEGIN ... PRIVATE KEY-----" header
 *   followed by key material (a line of at least 32 base64 characters);
 * - aws-secret-access-key, password, token: a literal value assigned to a
 *   name that says so (KEY=value, key: value, "key": "value", key := value,
 *   --key value), where the name is not about something else (a file, a
 *   path, a URL, a length, a lifetime, a prompt...) and the value is not a
 *   reference (a $variable, $(command), {{template}}, an ARN, a path, a
 *   boolean, a placeholder of one repeated character); passwords also in
 *   URLs (scheme://user:password@host); tokens also by their well-known
 *   forms (GitHub ghp_..., github_pat_..., Slack xox?-..., Authorization:
 *   Bearer ...).
 * Compressed (gzip) or otherwise encoded content is not looked into.
 */
#ifndef LT_MODEL_SECRETS_H
#define LT_MODEL_SECRETS_H

#include "base/lt.h"

/* In the byte order of their names, so walking a mask lists them sorted. */
enum secrets_kind {
    SECRETS_AWS_ACCESS_KEY_ID,
    SECRETS_AWS_SECRET_ACCESS_KEY,
    SECRETS_PASSWORD,
    SECRETS_PRIVATE_KEY,
    SECRETS_TOKEN,
    SECRETS_KIND_COUNT
};

/* The set of kinds found in len bytes of text (any bytes; NULs allowed): bit 1u << kind. */
unsigned secrets_scan(const char *text, size_t len);

/* "aws-access-key-id", "aws-secret-access-key", "password", "private-key", "token". */
const char *secrets_kind_name(enum secrets_kind kind);

#endif
