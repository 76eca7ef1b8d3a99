/*
 * profile.h - the shared AWS config and credentials files (~/.aws/config,
 * ~/.aws/credentials): their INI dialect, where they are, and profile
 * lookup.
 *
 * Owns: parsing one file into sections and properties; locating and loading
 *       the pair; the merged per-profile view botocore calls full_config.
 * May call: base, aws/env.
 *
 * Dialect (the cross-SDK shared-file rules as aws-c-sdkutils' aws_profile.c
 * implements them; where botocore differs it is said):
 * - Lines end in LF; a trailing CR is dropped. The file must be UTF-8 without
 *   NUL bytes (botocore also refuses undecodable files).
 * - Blank lines are skipped. A line whose first non-blank character is '#'
 *   or ';' is a comment, at any indentation (botocore; aws-c only at column 0).
 * - Section header: '[' ... ']'. Text after the first '#' or ';' on a header
 *   line is a comment. A header without ']' is an error. In the config file:
 *   [default], [profile NAME], [sso-session NAME], [services NAME]; any
 *   other [NAME] is ignored with a warning. In the credentials file every
 *   [NAME] is a profile and a [profile NAME] is ignored with a warning.
 *   Names use [A-Za-z0-9_-/.%@:+\]; a section with another name is ignored
 *   with a warning. Section names are case-sensitive.
 * - Property: "key = value". The key is case-insensitive (stored lower-case,
 *   as botocore does); the value is trimmed and kept verbatim: quotes are not
 *   removed. On a property line, '#' or ';' preceded by a blank starts a
 *   comment ("a = b ; c" is "b", "a = b;c" is "b;c") - the SDKs' rule;
 *   botocore keeps such text in the value. Only '=' separates (botocore
 *   also takes ':').
 * - A line indented deeper than the property line before it continues that
 *   property (configparser's rule): its trimmed text, comments included, is
 *   appended after a '\n'. When the property's own value was empty, each
 *   continuation line is a sub-property "key = value" instead
 *   ("ec2 =" / "  endpoint_url = ..."); sub-property keys keep their case.
 *   An indented line with no property to continue is read as unindented.
 * - A section repeated in one file is merged; a key repeated in one section
 *   keeps the later value, with a warning. (botocore refuses both; the SDK
 *   rule is used because it loses nothing the user wrote.) In the config
 *   file [profile default] wins over [default] whatever their order.
 * - Errors (LT_E_CONFIG), all "'<path>' line N: ...": no ']' in a header,
 *   a property before any section, a line without '=', a key that is empty,
 *   a sub-property without '='. Error messages never quote a line's text, as
 *   it may hold a secret.
 * - Values of aws_secret_access_key, aws_session_token and
 *   aws_security_token are registered with log_add_secret() while parsing;
 *   every value is wiped when the file is freed.
 *
 * Ownership: a struct profile_file owns all its strings; lookups return
 * borrowed pointers valid until it is freed. The structs are read-only for
 * callers.
 */
#ifndef LT_AWS_PROFILE_H
#define LT_AWS_PROFILE_H

#include "aws/env.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

/* Largest shared file read: far above any real one. */
#define PROFILE_FILE_MAX ((size_t)1024 * 1024)

enum profile_file_type { PROFILE_FILE_CONFIG, PROFILE_FILE_CREDENTIALS };

enum profile_kind { PROFILE_KIND_PROFILE, PROFILE_KIND_SSO_SESSION, PROFILE_KIND_SERVICES };

struct profile_sub {
    char *name;
    char *value;
};

struct profile_property {
    char *name;  /* lower-case */
    char *value; /* continuation lines joined with '\n' */
    struct profile_sub *subs;
    size_t nsubs;
    unsigned line; /* where it was (last) set */
};

struct profile_section {
    enum profile_kind kind;
    char *name;
    bool prefixed; /* written [profile NAME] (config file) */
    unsigned line; /* first header */
    struct profile_property *props;
    size_t nprops;
};

struct profile_file {
    char *path; /* as given, for messages */
    enum profile_file_type type;
    bool missing; /* the file did not exist: no sections */
    struct profile_section *sections;
    size_t nsections;
};

/* Parses data (len bytes); path names the file in messages. *out is owned by the caller. */
LT_MUST_CHECK enum lt_rc profile_parse(const char *data, size_t len, enum profile_file_type type,
                                       const char *path, struct profile_file **out,
                                       struct lt_error *err);
/* Wipes every value and frees. NULL is fine. */
void profile_file_free(struct profile_file *f);

const struct profile_section *profile_file_section(const struct profile_file *f,
                                                   enum profile_kind kind, const char *name);
/* The value of key (lower-case) in s, or NULL. */
const char *profile_section_get(const struct profile_section *s, const char *key);
/* The sub-property sub of property key in s, or NULL. */
const char *profile_section_get_sub(const struct profile_section *s, const char *key,
                                    const char *sub);

/* The two shared files of one environment. */
struct profile_set {
    struct profile_file *config;      /* never NULL after profile_set_load */
    struct profile_file *credentials; /* never NULL after profile_set_load */
};

#define PROFILE_SET_INIT                                                                           \
    {                                                                                              \
        NULL, NULL                                                                                 \
    }

/*
 * Locates the files (AWS_CONFIG_FILE, else ~/.aws/config;
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials; '~' is HOME) and
 * loads both. With HOME unset the default locations count as missing.
 * On failure the set is released.
 */
LT_MUST_CHECK enum lt_rc profile_set_load(struct profile_set *set, const struct aws_env *env,
                                          struct lt_error *err);
void profile_set_release(struct profile_set *set);

/* True when the profile is in either file. */
bool profile_exists(const struct profile_set *set, const char *profile);
/*
 * botocore's merged view of one profile: the credentials file's [profile]
 * value when it has key, else the config file's. NULL when neither has it.
 */
const char *profile_get(const struct profile_set *set, const char *profile, const char *key);
/* Which file profile_get() took key from (for messages), or NULL. */
const char *profile_get_path(const struct profile_set *set, const char *profile, const char *key);

/*
 * Appends path with a leading "~" or "~/" replaced by HOME. LT_E_CONFIG when
 * the path needs HOME and it is unset.
 */
LT_MUST_CHECK enum lt_rc profile_expand_home(const struct aws_env *env, const char *path,
                                             struct buf *out, struct lt_error *err);

/*
 * Reads a small file that may hold a secret (a token, a key): the bytes go
 * into one allocation of the file's size (no copies left behind by
 * growing), which the caller wipes with buf_release_secret(). *missing is
 * set (and LT_OK returned) when the file does not exist, if missing is not
 * NULL; otherwise a missing file is an error. Other failures: LT_E_IO, or
 * LT_E_LIMIT above max bytes; messages name the path.
 */
LT_MUST_CHECK enum lt_rc profile_read_secret_file(const char *path, size_t max, struct buf *out,
                                                  bool *missing, struct lt_error *err);

#endif
