/*
 * rules.h - the audit rules of `ltsnap audit`: one table, one pure check per
 * rule (README, "Audit", lists them with the reasons for their severities).
 *
 * Owns: each rule's stable id, name, severity, one-line title, rationale and
 *       remedy, the AWS Security Hub control and Prowler check it matches
 *       where one exists, which versions it judges, and its check.
 * May call: base (buf; cJSON through base/json for the launch template data).
 *
 * A check reads one struct rule_input (the values of one version and of its
 * template, as the snapshot holds them) and says whether the rule finds
 * something, with a one-line detail. Checks are pure: no I/O, no clock, no
 * global state. A detail never holds a secret: the secret rule sees only the
 * kinds of secret the snapshot recorded.
 *
 * Ids are stable: a rule that is retired keeps its id unused; a new rule
 * takes the next number.
 */
#ifndef LT_SNAP_RULES_H
#define LT_SNAP_RULES_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

enum rule_severity {
    RULE_LOW = 1,
    RULE_MEDIUM,
    RULE_HIGH,
};

/* Which versions a rule judges, so both Security Hub's and Prowler's readings can be drawn. */
enum rule_judges {
    RULE_JUDGES_EVERY_VERSION, /* each version on its own; the default one is marked */
    RULE_JUDGES_TEMPLATE,      /* the template once, reported on its default version */
    RULE_JUDGES_TOMBSTONE,     /* a template tombstoned in the snapshot (no version left) */
};

/* More versions than this in the snapshot is "a very large number" (RULE many-versions). */
#define RULES_MANY_VERSIONS 100

/* What a check may look at; everything is borrowed. */
struct rule_input {
    /* The template. */
    bool has_default_number;
    int64_t default_version_number;
    bool has_latest_number;
    int64_t latest_version_number;
    size_t versions;              /* its versions in the snapshot */
    size_t tags;                  /* AWSTag nodes it is TAGGED with */
    const char *tombstone_reason; /* RULE_JUDGES_TOMBSTONE: the tombstone's reason */
    /* The version (RULE_JUDGES_EVERY_VERSION). NULL or false: absent from the snapshot. */
    const char *http_tokens;
    const char *http_endpoint;
    bool has_hop_limit;
    int64_t hop_limit;
    bool has_public_ip;
    bool public_ip;
    const cJSON *data;        /* launch_template_data, parsed */
    const char *secret_kinds; /* user_data_secret_kinds as written: kinds joined by U+001F */
};

/* Sets *found; when found, appends a one-line detail to detail. Fails only when detail is full. */
typedef enum lt_rc rule_check_fn(const struct rule_input *in, bool *found, struct buf *detail);

struct rule {
    const char *id;   /* "LTS001" */
    const char *name; /* "ImdsV1Allowed": a short PascalCase name (SARIF's rule name) */
    enum rule_severity severity;
    enum rule_judges judges;
    const char *title;        /* one line: what is found */
    const char *rationale;    /* one line: why it matters, and why this severity */
    const char *remedy;       /* one line: what to do about it */
    const char *security_hub; /* AWS Security Hub control id, or NULL */
    const char *prowler;      /* Prowler check id, or NULL */
    rule_check_fn *check;
};

/* Every rule, in id order. */
extern const struct rule rules[];
extern const size_t rules_count;

/* "low", "medium", "high". */
const char *rule_severity_name(enum rule_severity severity);
/* Parses "low", "medium" or "high". */
bool rule_severity_parse(const char *name, enum rule_severity *out);
/* "every-version", "template", "tombstone". */
const char *rule_judges_name(enum rule_judges judges);

#endif
