/*
 * env.h - a read-only view of the process environment, handed down from
 * main() so that no AWS module calls getenv() (tests build fake ones).
 *
 * Owns: struct aws_env and the one reading of AWS boolean settings.
 * May call: base.
 *
 * Ownership: an aws_env borrows its array of "NAME=VALUE" strings (the form
 * of `environ`); the array and the strings must outlive every user. Values
 * returned by aws_env_get() point into that array.
 *
 * Rule shared with botocore and the other SDKs: a variable set to the empty
 * string counts as unset (AWS_PROFILE= means "no profile chosen").
 */
#ifndef LT_AWS_ENV_H
#define LT_AWS_ENV_H

#include "base/err.h"
#include "base/lt.h"

struct aws_env {
    const char *const *vars; /* NULL-terminated "NAME=VALUE" strings, or NULL for none */
};

#define AWS_ENV_INIT(vars)                                                                         \
    {                                                                                              \
        (vars)                                                                                     \
    }

/* The value of name, or NULL when unset or empty. Names compare case-sensitively. */
const char *aws_env_get(const struct aws_env *env, const char *name);

/*
 * Reads an AWS boolean: "true" or "false" in any case, surrounding blanks
 * ignored. Anything else is LT_E_CONFIG: "bad value 'yes' for <origin>:
 * expected 'true' or 'false'". origin names where the value came from
 * ("AWS_EC2_METADATA_DISABLED", "profile 'dev' ignore_configured_endpoint_urls").
 */
LT_MUST_CHECK enum lt_rc aws_parse_bool(const char *value, const char *origin, bool *out,
                                        struct lt_error *err);

/*
 * aws_parse_bool() on an environment variable; *out is def when it is unset.
 */
LT_MUST_CHECK enum lt_rc aws_env_bool(const struct aws_env *env, const char *name, bool def,
                                      bool *out, struct lt_error *err);

#endif
