/*
 * settings.h - everything a fetch needs to know about one profile besides
 * its credentials: the profile name, region, endpoint URLs, CA bundle and
 * retry policy, resolved from the environment and the shared files with
 * the precedence the AWS SDKs and CLI use.
 *
 * Owns: profile selection, region and endpoint resolution, default
 *       endpoint URLs, endpoint URL validation.
 * May call: base, aws/env, aws/profile, aws/retry (retry_config_parse).
 *
 * Precedence (first that is set wins; the caller applies its command-line
 * flags on top: --region replaces region, --endpoint-url beats every
 * configured endpoint):
 * - profile: the caller's (--profile) > AWS_PROFILE > AWS_DEFAULT_PROFILE >
 *   "default". (botocore reads AWS_DEFAULT_PROFILE first; the SDKs know only
 *   AWS_PROFILE: when both are set and differ, ltsnap uses AWS_PROFILE and
 *   warns.) A chosen profile other than "default" must exist in one of the
 *   files (botocore's ProfileNotFound).
 * - region: AWS_REGION > AWS_DEFAULT_REGION > profile `region`. Checked to
 *   be a DNS label ([a-z0-9-], 1-63 characters), as it becomes a host name.
 * - endpoint of a service: AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL >
 *   [services NAME] `<service> = / endpoint_url` (profile key `services`)
 *   > profile `endpoint_url`; all ignored when
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else profile
 *   ignore_configured_endpoint_urls) is true; else the default:
 *   https://ec2.<region>.amazonaws.com, https://sts.<region>.amazonaws.com,
 *   https://portal.sso.<region>.amazonaws.com (".amazonaws.com.cn" for
 *   cn-* regions); STS without a region: the global https://sts.amazonaws.com.
 * - CA bundle: AWS_CA_BUNDLE > profile `ca_bundle` ('~' expanded; must be
 *   a readable file).
 * - retry: AWS_RETRY_MODE > profile `retry_mode`; AWS_MAX_ATTEMPTS >
 *   profile `max_attempts`; with neither, standard mode, 3 attempts.
 *
 * Endpoint URLs must be http:// or https:// with a host and no user
 * information, query or fragment; a trailing '/' is dropped. Plain http is
 * accepted (local emulators, the fake endpoint) but warned about unless
 * the host is loopback: the session token would cross the network in clear.
 *
 * Ownership: struct aws_settings owns its strings; settings_release()
 * frees them. env and files are borrowed and must outlive the settings.
 */
#ifndef LT_AWS_SETTINGS_H
#define LT_AWS_SETTINGS_H

#include "aws/env.h"
#include "aws/profile.h"
#include "aws/retry.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

struct aws_settings {
    char *profile;         /* the selected profile */
    bool profile_explicit; /* chosen by the caller, not by the environment */
    char *region;          /* NULL when nothing configures one */
    char *region_origin;   /* "AWS_REGION", "profile 'dev' region", ... or NULL */
    char *ca_bundle;       /* NULL: the system trust store */
    struct retry_config retry;
    bool ignore_configured_endpoints;
    const struct aws_env *env;       /* borrowed */
    const struct profile_set *files; /* borrowed */
};

/*
 * Resolves the settings of profile_or_null (NULL: from the environment).
 * On failure nothing is left to release.
 */
LT_MUST_CHECK enum lt_rc settings_resolve(const struct aws_env *env,
                                          const struct profile_set *files,
                                          const char *profile_or_null, struct aws_settings *out,
                                          struct lt_error *err);
void settings_release(struct aws_settings *s);

/* The profile name alone: explicit_profile, AWS_PROFILE, AWS_DEFAULT_PROFILE or "default". */
const char *settings_profile_name(const struct aws_env *env, const char *explicit_profile);

/* Replaces the region (the caller's --region), validated like a configured one. */
LT_MUST_CHECK enum lt_rc settings_set_region(struct aws_settings *s, const char *region,
                                             const char *origin, struct lt_error *err);

/*
 * The endpoint URL of service ("ec2", "sts", "sso") for region (NULL: the
 * settings' region): override (the caller's --endpoint-url) if not NULL,
 * else the configured one, else the default. Appended to url without a
 * trailing '/'; origin (if not NULL) gets where it came from
 * ("AWS_ENDPOINT_URL_EC2", "[services local] ec2 endpoint_url", "default").
 * LT_E_CONFIG for an invalid URL, a missing [services] section, or no
 * region for a regional default.
 */
LT_MUST_CHECK enum lt_rc settings_endpoint(const struct aws_settings *s, const char *service,
                                           const char *region, const char *override,
                                           struct buf *url, struct buf *origin,
                                           struct lt_error *err);

/* Checks an endpoint URL (rules above); origin names it in the message. */
LT_MUST_CHECK enum lt_rc settings_check_url(const char *url, const char *origin,
                                            struct lt_error *err);

/* Checks a region name; origin names it in the message. */
LT_MUST_CHECK enum lt_rc settings_check_region(const char *region, const char *origin,
                                               struct lt_error *err);

/*
 * Splits an http(s) URL of the form above: appends the host (without the
 * brackets of an IPv6 literal) to host and sets *https. False when url is
 * not of that form (host is then unchanged).
 */
bool settings_url_host(const char *url, struct buf *host, bool *https);

/* True when url's host is loopback (localhost, 127.0.0.0/8, [::1]). */
bool settings_url_is_loopback(const char *url);

/*
 * A value with botocore's source order for one setting: the variable
 * env_name (unless NULL) beats the merged profile value of key (unless
 * NULL). origin (if not NULL) gets the variable or "profile '<name>' <key>".
 */
const char *settings_lookup(const struct aws_env *env, const struct profile_set *files,
                            const char *profile, const char *env_name, const char *key,
                            struct buf *origin);

#endif
