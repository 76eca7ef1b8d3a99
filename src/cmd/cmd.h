/*
 * cmd.h - the subcommands (one file each, git's builtin/ pattern) and the
 * option helpers they share.
 *
 * A command parses its options, builds a config, calls the modules and
 * returns. It never prints errors itself: it records them in err, and
 * main() prints them and chooses the exit status from the return code and,
 * on success, the outcome the command set:
 *   0 success; 1 error (nothing written or replaced); 2 usage error;
 *   3 snapshot written but incomplete (CMD_INCOMPLETE);
 *   4 the check found something (CMD_FOUND: verify mismatch, diff
 *     differences with --exit-code, audit findings at or above --fail-on).
 * Help text goes to stdout.
 */
#ifndef LT_CMD_CMD_H
#define LT_CMD_CMD_H

#include <getopt.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"
#include "model/model.h"
#include "write/snapshot.h"

/* What a successful command reports besides LT_OK; *outcome starts as CMD_DONE. */
enum cmd_outcome {
    CMD_DONE,       /* exit 0 */
    CMD_INCOMPLETE, /* exit 3 */
    CMD_FOUND,      /* exit 4 */
};

typedef enum lt_rc cmd_fn(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err);

cmd_fn cmd_audit;
cmd_fn cmd_convert;
cmd_fn cmd_fetch;
cmd_fn cmd_verify;
cmd_fn cmd_diff;

/* Shared options a command was given (struct cmd_output.given). */
enum {
    CMD_GIVEN_OUT = 1 << 0,
    CMD_GIVEN_UPDATE_TAG = 1 << 1,
    CMD_GIVEN_USER_DATA = 1 << 2,
    CMD_GIVEN_TEMPLATES = 1 << 3,
};

/* The options every command that writes a snapshot takes. */
struct cmd_output {
    const char *out; /* --out DIR, default "snapshot" */
    bool pin_tag;    /* --update-tag N given */
    int64_t update_tag;
    bool include_user_data; /* --include-user-data */
    const char *templates;  /* --templates DIR or NULL */
    bool help;              /* -h / --help: print the usage and do nothing else */
    unsigned given;         /* CMD_GIVEN_* of the shared options on the command line */
};

/* A command's own option: opt is its getopt value, arg its argument or NULL. */
typedef enum lt_rc cmd_take_option(int opt, const char *arg, void *ctx, struct lt_error *err);

/*
 * Parses argv with the command's own long options (own, nown; their values
 * must be >= 256) and the shared ones (struct cmd_output, -q, -v, -h), and
 * sets the log level from -q / -v (-vv: debug). Unknown options and missing
 * values are LT_E_USAGE. On return *first_operand indexes the first operand.
 */
LT_MUST_CHECK enum lt_rc cmd_parse_options(int argc, char **argv, const struct option *own,
                                           size_t nown, cmd_take_option *take, void *ctx,
                                           struct cmd_output *out, int *first_operand,
                                           struct lt_error *err);

/*
 * LT_E_USAGE naming the first shared option given that `command` does not
 * take (allowed: CMD_GIVEN_* it takes). For commands that read snapshots.
 */
LT_MUST_CHECK enum lt_rc cmd_only_options(const struct cmd_output *o, unsigned allowed,
                                          const char *command, struct lt_error *err);

/*
 * The Cypher templates directory: flag (--templates DIR) when given, else
 * $LTSNAP_TEMPLATES, else the templates beside the executable (a build in
 * a source checkout) or installed with it. LT_E_USAGE when none is found.
 */
LT_MUST_CHECK enum lt_rc cmd_templates_dir(const char *flag, struct buf *out, struct lt_error *err);

/* Writes a report to stdout and flushes it; LT_E_IO when stdout refuses (a full disk, a closed
 * pipe). */
LT_MUST_CHECK enum lt_rc cmd_write_stdout(const char *text, size_t len, struct lt_error *err);

/* Parses a decimal integer in [min, max] given to option `name`. */
LT_MUST_CHECK enum lt_rc cmd_parse_int(const char *name, const char *text, int64_t min, int64_t max,
                                       int64_t *out, struct lt_error *err);

/*
 * Everything the snapshot writer needs from the shared options, checked
 * before any work (the output directory may be replaced, every template
 * loads and renders): templates gets the templates directory and must
 * outlive so. created_at < 0: none (convert).
 */
LT_MUST_CHECK enum lt_rc cmd_snapshot_options(const struct cmd_output *o, const char *command,
                                              int64_t created_at, struct buf *templates,
                                              struct snapshot_options *so, struct lt_error *err);

/*
 * The model's options from the shared ones: user data, the row store's
 * spill file beside --out, and $LTSNAP_SPILL_AFTER (bytes of rows kept in
 * memory before they move to that file; 1 spills every row). A bad value is
 * LT_E_USAGE.
 */
LT_MUST_CHECK enum lt_rc cmd_model_options(const struct cmd_output *o, struct model_options *mo,
                                           struct lt_error *err);

#endif
