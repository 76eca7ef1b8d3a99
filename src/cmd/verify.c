/*
 * ltsnap verify - is a snapshot directory exactly what ltsnap wrote? Prints
 * every problem as "FILE: problem" on stdout, file by file, then a summary.
 */
#include "snap/verify.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cmd/cmd.h"

static const char usage[] =
    "usage: ltsnap verify [-q|-v] DIR\n"
    "\n"
    "Checks that the snapshot directory DIR is exactly what ltsnap wrote, as after\n"
    "carrying it across an air gap and before importing it:\n"
    "  - every file against manifest.json (SHA-256, size, rows), none missing or extra;\n"
    "  - the CSV files parse, their headers are the schema's, every value is of its\n"
    "    column's type, ids are unique per label, every relationship's ends exist;\n"
    "  - the manifest's counts, accounts and complete regions agree with the rows;\n"
    "  - neo4j-admin-import.args names exactly these files with the right options;\n"
    "  - snapshot.cypher and post-import.cypher are what the Cypher templates make,\n"
    "    and snapshot.cypher holds the same nodes, relationships, property values\n"
    "    and tombstones as the CSV files.\n"
    "Every problem is printed on stdout as 'FILE: problem', grouped by file, then a\n"
    "summary line. The templates are found as for the other commands: from\n"
    "LTSNAP_TEMPLATES, else those installed with ltsnap.\n"
    "\n"
    "  -q, --quiet     print the problems only, without the summary line\n"
    "  -v, --verbose   also print 'FILE: ok' for each file without a problem\n"
    "  -h, --help      this text\n"
    "\n"
    "Exit status: 0 no problem; 4 a problem was found; 1 DIR cannot be read (missing,\n"
    "not a directory) or the templates cannot be loaded; 2 usage error.\n";

static enum lt_rc no_own_option(int opt, const char *arg, void *ctx, struct lt_error *err)
{
    (void)opt, (void)arg, (void)ctx;
    return lt_fail(err, LT_E_INTERNAL, "unhandled option");
}

/* Writes one line, escaped as log lines are (a file name or value cannot forge a line). */
static enum lt_rc put_line(const char *file, const char *text, struct lt_error *err)
{
    struct buf msg = BUF_INIT(BUF_MAX_SMALL);
    struct buf line = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = buf_printf(&msg, "%s: %s", file, text);
    if (rc == LT_OK) {
        log_render(&line, buf_str(&msg));
        rc = buf_addc(&line, '\n');
    }
    if (rc == LT_OK) {
        rc = cmd_write_stdout(line.ptr, line.len, err);
    }
    buf_release(&msg);
    buf_release(&line);
    return rc;
}

static enum lt_rc print_file(const struct verify_report *rep, const struct verify_file *f,
                             size_t *next, bool verbose, struct lt_error *err)
{
    for (size_t k = 0; k < f->kept; k++) {
        LT_TRY(put_line(f->name, rep->problems[(*next)++].text, err));
    }
    if (f->problems > f->kept) {
        struct buf more = BUF_INIT(256);
        enum lt_rc rc = buf_printf(&more, "and %zu more problems", f->problems - f->kept);
        if (rc == LT_OK) {
            rc = put_line(f->name, buf_str(&more), err);
        }
        buf_release(&more);
        return rc;
    }
    return verbose && f->problems == 0 ? put_line(f->name, "ok", err) : LT_OK;
}

static enum lt_rc print_report(const char *dir, const struct verify_report *rep,
                               struct lt_error *err)
{
    enum log_level level = log_get_level();
    size_t next = 0, bad_files = 0;
    for (size_t i = 0; i < rep->nfiles; i++) {
        LT_TRY(print_file(rep, &rep->files[i], &next, level >= LOG_VERBOSE, err));
        bad_files += rep->files[i].problems > 0;
    }
    if (level > LOG_QUIET) {
        struct buf sum = BUF_INIT(BUF_MAX_SMALL);
        enum lt_rc rc = rep->total ? buf_printf(&sum, "%zu problem%s in %zu file%s", rep->total,
                                                rep->total == 1 ? "" : "s", bad_files,
                                                bad_files == 1 ? "" : "s")
                                   : buf_printf(&sum, "ok, %zu files checked", rep->nfiles);
        struct buf quoted = BUF_INIT(BUF_MAX_SMALL);
        if (rc == LT_OK) {
            rc = buf_printf(&quoted, "'%s'", dir);
        }
        if (rc == LT_OK) {
            rc = put_line(buf_str(&quoted), buf_str(&sum), err);
        }
        buf_release(&sum);
        buf_release(&quoted);
        LT_TRY(rc);
    }
    if (fflush(stdout) != 0) {
        return lt_fail(err, LT_E_IO, "cannot write to standard output");
    }
    return LT_OK;
}

enum lt_rc cmd_verify(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err)
{
    struct cmd_output o;
    int first = 0;
    LT_TRY(cmd_parse_options(argc, argv, NULL, 0, no_own_option, NULL, &o, &first, err));
    if (o.help) {
        fputs(usage, stdout);
        return LT_OK;
    }
    LT_TRY(cmd_only_options(&o, 0, "verify", err));
    if (argc - first != 1) {
        return lt_fail(err, LT_E_USAGE, "verify takes one snapshot directory");
    }
    struct buf templates = BUF_INIT(BUF_MAX_SMALL);
    struct verify_report rep;
    enum lt_rc rc = cmd_templates_dir(NULL, &templates, err);
    if (rc == LT_OK) {
        rc = verify_snapshot(argv[first], buf_str(&templates), &rep, err);
        if (rc == LT_OK) {
            rc = print_report(argv[first], &rep, err);
            *outcome = rep.total ? CMD_FOUND : CMD_DONE;
            verify_report_release(&rep);
        }
    }
    buf_release(&templates);
    return rc;
}
