/*
 * ltsnap audit - the rules of src/snap/rules.c over a snapshot, offline;
 * findings as text, JSON or SARIF on stdout.
 */
#include "snap/audit.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cmd/cmd.h"
#include "snap/read.h"
#include "snap/sarif.h"

static const char usage[] =
    "usage: ltsnap audit [--format text|json|sarif] [--fail-on low|medium|high]\n"
    "                    [--default-only] [--list-rules] [-q|-v] DIR\n"
    "\n"
    "Checks the launch templates of the snapshot in DIR against ltsnap's audit\n"
    "rules (IMDSv2, public IPs, EBS encryption, secrets in user data, tags,\n"
    "versions, tombstones), without any network access. Every version is judged\n"
    "and the default one is marked; 'ltsnap audit --list-rules' lists the rules.\n"
    "\n"
    "  --format FORMAT     text (default, for people), json (for programs) or\n"
    "                      sarif (SARIF 2.1.0, for code-scanning tools)\n"
    "  --fail-on SEVERITY  exit 4 when a finding is at or above low, medium or high\n"
    "  --default-only      judge default versions only (Security Hub's reading)\n"
    "  --list-rules        print the rules (in --format) instead of auditing\n"
    "  -q, --quiet         errors only\n"
    "  -v, --verbose       say what is done\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 audited (findings or not, without --fail-on); 1 error, such as\n"
    "a snapshot that does not match its manifest; 2 usage error; 4 a finding at or\n"
    "above --fail-on.\n";

enum audit_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

struct audit_config {
    enum audit_format format;
    bool fail_on_set;
    enum rule_severity fail_on;
    bool default_only;
    bool list_rules;
    struct cmd_output output; /* the shared options; audit takes only -q, -v and -h */
    const char *dir;
};

enum { OPT_FORMAT = 256, OPT_FAIL_ON, OPT_DEFAULT_ONLY, OPT_LIST_RULES };

static enum lt_rc take_format(const char *arg, struct audit_config *c, struct lt_error *err)
{
    static const char *const names[] = {
        [FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_SARIF] = "sarif"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(names); i++) {
        if (strcmp(arg, names[i]) == 0) {
            c->format = (enum audit_format)i;
            return LT_OK;
        }
    }
    return lt_fail(err, LT_E_USAGE, "--format: '%s' is not text, json or sarif", arg);
}

static enum lt_rc take_option(int opt, const char *arg, void *ctx, struct lt_error *err)
{
    struct audit_config *c = ctx;
    switch (opt) {
    case OPT_FORMAT:
        return take_format(arg, c, err);
    case OPT_FAIL_ON:
        c->fail_on_set = true;
        if (!rule_severity_parse(arg, &c->fail_on)) {
            return lt_fail(err, LT_E_USAGE, "--fail-on: '%s' is not low, medium or high", arg);
        }
        return LT_OK;
    case OPT_DEFAULT_ONLY:
        c->default_only = true;
        return LT_OK;
    case OPT_LIST_RULES:
        c->list_rules = true;
        return LT_OK;
    }
    return lt_fail(err, LT_E_INTERNAL, "unhandled option");
}

static enum lt_rc check_operands(int argc, char **argv, int first, struct audit_config *c,
                                 struct lt_error *err)
{
    int n = argc - first;
    if (c->list_rules) {
        return n == 0 ? LT_OK : lt_fail(err, LT_E_USAGE, "--list-rules takes no DIR");
    }
    if (n == 0) {
        return lt_fail(err, LT_E_USAGE, "no snapshot directory given");
    }
    if (n > 1) {
        return lt_fail(err, LT_E_USAGE, "one snapshot directory only ('%s' is extra)",
                       argv[first + 1]);
    }
    c->dir = argv[first];
    return LT_OK;
}

static enum lt_rc parse_args(int argc, char **argv, struct audit_config *c, struct lt_error *err)
{
    static const struct option own[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"default-only", no_argument, NULL, OPT_DEFAULT_ONLY},
        {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    };
    memset(c, 0, sizeof(*c));
    int first = 0;
    LT_TRY(cmd_parse_options(argc, argv, own, LT_ARRAY_SIZE(own), take_option, c, &c->output,
                             &first, err));
    if (c->output.help) {
        return LT_OK;
    }
    LT_TRY(cmd_only_options(&c->output, 0, "audit", err));
    return check_operands(argc, argv, first, c, err);
}

static enum lt_rc list_rules(const struct audit_config *c, struct buf *out)
{
    switch (c->format) {
    case FORMAT_JSON:
        return audit_rules_json(out);
    case FORMAT_SARIF:
        return sarif_log(NULL, NULL, out);
    case FORMAT_TEXT:
        break;
    }
    return audit_rules_text(out);
}

static enum lt_rc render(const struct audit_config *c, const struct audit_report *r,
                         struct buf *out)
{
    switch (c->format) {
    case FORMAT_JSON:
        return audit_json(r, out);
    case FORMAT_SARIF:
        return sarif_log(r, c->dir, out);
    case FORMAT_TEXT:
        break;
    }
    return audit_text(r, out);
}

static enum lt_rc audit(const struct audit_config *c, struct buf *out, enum cmd_outcome *outcome,
                        struct lt_error *err)
{
    struct snap s;
    struct audit_report r;
    struct audit_options o = {c->default_only};
    LT_TRY(snap_load(&s, c->dir, err));
    enum lt_rc rc = audit_run(&s, &o, &r, err);
    snap_release(&s);
    if (rc != LT_OK) {
        return rc;
    }
    if (r.no_secret_kinds) {
        log_warn("'%s' has no user_data_secret_kinds column (written by an older ltsnap): secrets "
                 "in user data are not judged",
                 c->dir);
    }
    for (size_t i = 0; i < r.nunjudged; i++) {
        log_warn("region %s of account %s is %s in '%s': none of its templates was judged",
                 r.unjudged[i].region, r.unjudged[i].account_id, r.unjudged[i].status, c->dir);
    }
    rc = render(c, &r, out);
    if (rc != LT_OK) {
        rc = lt_fail(err, rc, "the report is larger than ltsnap writes");
    }
    log_info("audited '%s': %zu templates, %zu versions, %zu tombstones; %zu findings", c->dir,
             r.templates, r.versions, r.tombstones, r.nfindings);
    if (rc == LT_OK && c->fail_on_set && audit_found_at_least(&r, c->fail_on)) {
        *outcome = CMD_FOUND;
    }
    audit_report_release(&r);
    return rc;
}

enum lt_rc cmd_audit(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err)
{
    struct audit_config c;
    LT_TRY(parse_args(argc, argv, &c, err));
    if (c.output.help) {
        fputs(usage, stdout);
        return LT_OK;
    }
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = c.list_rules ? list_rules(&c, &out) : audit(&c, &out, outcome, err);
    if (rc == LT_OK) {
        rc = cmd_write_stdout(out.ptr, out.len, err);
    } else if (err->code == LT_OK) {
        rc = lt_fail(err, rc, "cannot format the rules");
    }
    buf_release(&out);
    return rc;
}
