/*
 * ltsnap diff - what changed between two snapshot directories, as text for
 * people, JSON for programs, or a Cypher delta script for cypher-shell.
 */
#include "snap/diff.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cmd/cmd.h"

static const char usage[] =
    "usage: ltsnap diff [--format text|json|cypher] [--exit-code] [--templates DIR] [-q|-v]\n"
    "                   OLD NEW\n"
    "\n"
    "Shows what changed from snapshot directory OLD to snapshot directory NEW:\n"
    "templates and versions added, removed, tombstoned (with the reason) and changed\n"
    "property by property, launch_template_data field by field (JSON paths such as\n"
    "MetadataOptions.HttpTokens), tags per template, and regions whose status\n"
    "changed. A region complete in OLD but not in NEW is reported as such; its\n"
    "templates are not reported removed. Both snapshots must match their manifests\n"
    "(see 'ltsnap verify').\n"
    "\n"
    "  --format text     for people, grouped by account and region, with a summary\n"
    "                    line; nothing at all when nothing changed (the default)\n"
    "  --format json     for programs: one canonical JSON document\n"
    "  --format cypher   a script for cypher-shell -f that turns a graph loaded from\n"
    "                    OLD into the graph NEW gives: merges what was added or\n"
    "                    changed, deletes what was removed or tombstoned\n"
    "  --exit-code       exit 4 when there are differences, 0 when there are none\n"
    "  --templates DIR   Cypher templates to use instead of the installed ones\n"
    "                    (--format cypher)\n"
    "  -q, --quiet       errors only; text without the summary line\n"
    "  -v, --verbose     say what is done (-vv: debug)\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit status: 0 done (with --exit-code: no differences); 4 differences (with\n"
    "--exit-code); 1 a snapshot cannot be read or does not match its manifest;\n"
    "2 usage error.\n";

enum diff_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CYPHER };

struct diff_config {
    struct cmd_output output;
    enum diff_format format;
    bool exit_code;
    const char *old_dir, *new_dir;
};

enum { OPT_FORMAT = 256, OPT_EXIT_CODE };

static enum lt_rc take_option(int opt, const char *arg, void *ctx, struct lt_error *err)
{
    struct diff_config *c = ctx;
    static const char *const names[] = {
        [FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_CYPHER] = "cypher"};
    if (opt == OPT_EXIT_CODE) {
        c->exit_code = true;
        return LT_OK;
    }
    if (opt != OPT_FORMAT) {
        return lt_fail(err, LT_E_INTERNAL, "unhandled option");
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(names); i++) {
        if (strcmp(arg, names[i]) == 0) {
            c->format = (enum diff_format)i;
            return LT_OK;
        }
    }
    return lt_fail(err, LT_E_USAGE, "--format: '%s' is not text, json or cypher", arg);
}

static enum lt_rc parse_args(int argc, char **argv, struct diff_config *c, struct lt_error *err)
{
    static const struct option own[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"exit-code", no_argument, NULL, OPT_EXIT_CODE},
    };
    memset(c, 0, sizeof(*c));
    int first = 0;
    LT_TRY(cmd_parse_options(argc, argv, own, LT_ARRAY_SIZE(own), take_option, c, &c->output,
                             &first, err));
    if (c->output.help) {
        return LT_OK;
    }
    LT_TRY(cmd_only_options(&c->output, CMD_GIVEN_TEMPLATES, "diff", err));
    if (argc - first != 2) {
        return lt_fail(err, LT_E_USAGE, "diff takes two snapshot directories, OLD and NEW");
    }
    c->old_dir = argv[first];
    c->new_dir = argv[first + 1];
    return LT_OK;
}

static enum lt_rc sink_stdout(void *ctx, const char *text, size_t len, struct lt_error *err)
{
    (void)ctx;
    return cmd_write_stdout(text, len, err);
}

static enum lt_rc write_report(const struct diff_config *c, const struct diff *d,
                               struct lt_error *err)
{
    if (c->format == FORMAT_CYPHER) {
        struct buf templates = BUF_INIT(BUF_MAX_SMALL);
        struct cypher_out_sink sink = {sink_stdout, NULL, 0};
        enum lt_rc rc = cmd_templates_dir(c->output.templates, &templates, err);
        if (rc == LT_OK) {
            rc = diff_cypher_write(d, buf_str(&templates), &sink, err);
        }
        buf_release(&templates);
        return rc;
    }
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    enum lt_rc rc = c->format == FORMAT_JSON ? diff_out_json(d, &out)
                                             : diff_out_text(d, log_get_level() > LOG_QUIET, &out);
    if (rc != LT_OK) {
        rc = lt_fail(err, rc, "the differences are too large to show");
    } else {
        rc = cmd_write_stdout(out.ptr, out.len, err);
    }
    buf_release(&out);
    return rc;
}

enum lt_rc cmd_diff(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err)
{
    struct diff_config c;
    LT_TRY(parse_args(argc, argv, &c, err));
    if (c.output.help) {
        fputs(usage, stdout);
        return LT_OK;
    }
    struct diff d;
    LT_TRY(diff_snapshots(&d, c.old_dir, c.new_dir, err));
    log_info("compared '%s' with '%s': %zu differences", c.old_dir, c.new_dir, diff_count(&d));
    enum lt_rc rc = write_report(&c, &d, err);
    if (rc == LT_OK && fflush(stdout) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot write to standard output");
    }
    if (rc == LT_OK && c.exit_code && diff_count(&d) > 0) {
        *outcome = CMD_FOUND;
    }
    diff_release(&d);
    return rc;
}
