/*
 * audit.h - `ltsnap audit`: the rules of rules.h run over a loaded snapshot,
 * and the findings as text (for people) and JSON (for programs). SARIF is
 * sarif.h.
 *
 * Owns: turning snapshot rows into rule inputs, which rows each rule judges
 *       (every version; each template once, on its default version; each
 *       tombstone), the findings and their order, the text and JSON reports.
 * May call: base, model/schema, snap/read, snap/rules.
 *
 * Findings are sorted by account, region, template id, version (a
 * tombstone's finding, which has no version, first), then rule id: one
 * finding per rule and row, so the order is total and the output stable.
 *
 * Ownership: audit_run fills a caller-owned struct audit_report, which owns
 * its findings and their strings; audit_report_release frees them and is
 * safe on a zeroed or half-filled report. The snapshot is only read and
 * need not outlive the report. Renderers append to a caller-owned buf.
 */
#ifndef LT_SNAP_AUDIT_H
#define LT_SNAP_AUDIT_H

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"
#include "snap/read.h"
#include "snap/rules.h"

struct audit_finding {
    const struct rule *rule; /* an element of rules[] */
    char *account_id;        /* owned; "" when the snapshot does not say */
    char *region;            /* owned; "" when the snapshot does not say */
    char *template_id;       /* owned */
    char *template_name;     /* owned; NULL when absent */
    bool has_version;        /* false for a tombstone */
    int64_t version_number;  /* the judged version; a template rule's: the default version */
    bool default_version;    /* that version is the template's default */
    char *message;           /* owned: the rule's one-line detail (never a secret) */
    const char *file;        /* the snapshot file of the judged row (static) */
    size_t line;             /* the line of that file where the row starts (1 = header) */
};

/* A region the manifest does not call complete: none of its templates was judged. */
struct audit_region {
    char *account_id; /* owned */
    char *region;     /* owned */
    char *status;     /* owned: "failed", "skipped", ... as the manifest says */
};

struct audit_options {
    bool default_only; /* keep only findings on default versions (Security Hub's reading) */
};

struct audit_report {
    struct audit_finding *findings;
    size_t nfindings;
    size_t count[RULE_HIGH + 1]; /* findings by severity */
    size_t templates;            /* templates judged */
    size_t versions;             /* versions judged (only default ones with default_only) */
    size_t tombstones;           /* tombstones judged */
    bool default_only;
    bool no_secret_kinds; /* the snapshot predates user_data_secret_kinds: LTS007 judged nothing */
    struct audit_region *unjudged; /* regions the snapshot holds nothing of, manifest order */
    size_t nunjudged;
};

/* Runs every rule over s. On failure r is released; the error names the file and line. */
LT_MUST_CHECK enum lt_rc audit_run(const struct snap *s, const struct audit_options *o,
                                   struct audit_report *r, struct lt_error *err);
void audit_report_release(struct audit_report *r);

/* True when some finding's severity is at least min. */
bool audit_found_at_least(const struct audit_report *r, enum rule_severity min);

/*
 * The report for people: grouped by account and region, template, version; a summary line,
 * then one line per region that was not judged.
 */
LT_MUST_CHECK enum lt_rc audit_text(const struct audit_report *r, struct buf *out);
/* The report for programs: canonical JSON and a newline (README, "Audit", has the shape). */
LT_MUST_CHECK enum lt_rc audit_json(const struct audit_report *r, struct buf *out);

/* --list-rules: the rules table as text, or as JSON ({"rules": [...], "tool": {...}}). */
LT_MUST_CHECK enum lt_rc audit_rules_text(struct buf *out);
LT_MUST_CHECK enum lt_rc audit_rules_json(struct buf *out);

#endif
