/*
 * main.c - the command table, global options, and the mapping from results
 * to exit statuses. The only caller of exit().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsx.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "cmd/cmd.h"

enum {
    EXIT_SNAPSHOT_OK = 0,
    EXIT_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_INCOMPLETE = 3,
    EXIT_FOUND = 4,
};

static const struct command {
    const char *name;
    cmd_fn *fn;
    const char *summary;
} commands[] = {
    {"audit", cmd_audit, "check a snapshot's launch templates against audit rules, offline"},
    {"convert", cmd_convert, "write a snapshot from saved EC2 responses (XML or AWS CLI JSON)"},
    {"fetch", cmd_fetch, "fetch launch templates and versions from AWS and write a snapshot"},
    {"verify", cmd_verify, "check a snapshot against its manifest, its schema and itself"},
    {"diff", cmd_diff, "what changed between two snapshots (text, JSON or a Cypher delta)"},
};

static void print_help(void)
{
    FILE *f = stdout;
    fputs("usage: ltsnap [--version] [--help] <command> [<args>]\n\n"
          "ltsnap writes AWS EC2 launch templates and all their versions as a snapshot\n"
          "directory for Neo4j: neo4j-admin import CSV files with an @argfile, a\n"
          "cypher-shell script, tombstones and a manifest with checksums.\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < LT_ARRAY_SIZE(commands); i++) {
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    }
    fputs("\n'ltsnap <command> --help' describes a command; the manual page ltsnap(1)\n"
          "describes everything.\n\n"
          "exit status: 0 success; 1 error, nothing written or replaced; 2 usage error;\n"
          "3 snapshot written but incomplete (manifest.json says which regions failed);\n"
          "4 the check found something (verify, diff --exit-code, audit --fail-on).\n",
          f);
}

static LT_NORETURN void on_fatal(const char *reason)
{
    log_error("%s", reason);
    exit(EXIT_ERROR);
}

static int exit_status(enum lt_rc rc, enum cmd_outcome outcome)
{
    if (rc == LT_OK) {
        switch (outcome) {
        case CMD_INCOMPLETE:
            return EXIT_INCOMPLETE;
        case CMD_FOUND:
            return EXIT_FOUND;
        case CMD_DONE:
            break;
        }
        return EXIT_SNAPSHOT_OK;
    }
    return lt_rc_category(rc) == LT_CAT_USAGE ? EXIT_USAGE : EXIT_ERROR;
}

static int run(const struct command *cmd, int argc, char **argv)
{
    struct lt_error err = LT_ERROR_INIT;
    enum cmd_outcome outcome = CMD_DONE;
    enum lt_rc rc = cmd->fn(argc, argv, &outcome, &err);
    if (rc != LT_OK) {
        log_error("%s", lt_error_message(&err));
        if (lt_rc_category(rc) == LT_CAT_USAGE) {
            log_error("see 'ltsnap %s --help'", cmd->name);
        }
    }
    lt_error_release(&err);
    return exit_status(rc, outcome);
}

int main(int argc, char **argv)
{
    mem_set_fatal_handler(on_fatal);
    json_use_mem_hooks();
    fsx_install_cleanup();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? EXIT_USAGE : EXIT_SNAPSHOT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ltsnap %s\n", LT_VERSION);
        return EXIT_SNAPSHOT_OK;
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(commands); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            int status = run(&commands[i], argc - 1, argv + 1);
            log_forget_secrets();
            return status;
        }
    }
    log_error("'%s' is not an ltsnap command; see 'ltsnap --help'", argv[1]);
    return EXIT_USAGE;
}
