/*
 * verify.h - ltsnap verify: is a snapshot directory exactly what ltsnap
 * wrote? What someone runs after carrying a snapshot across an air gap,
 * before importing it.
 *
 * Owns: the checks and the problem report. Every problem is reported, file
 *       by file, not only the first:
 *       - manifest.json is an ltsnap manifest whose entries are well formed;
 *       - every file of a snapshot is there and listed, no other file is;
 *         each matches its SHA-256, size and row count in the manifest
 *         (data rows of a CSV, arguments of the argfile, literal rows of
 *         snapshot.cypher, 0 for post-import.cypher);
 *       - every CSV parses (libcsv, strict), its header is the schema's,
 *         every value is of its column's type (long, boolean, string[],
 *         UTF-8 strings), labels and relationship types are the schema's;
 *       - ids are present and unique per ID space, every relationship's
 *         start and end exist in the right node file;
 *       - the manifest's counts, accounts and complete regions agree with
 *         the rows, and user data appears only when the manifest says so;
 *       - the @argfile holds exactly the arguments ltsnap writes for these
 *         files (--multiline-fields=true exactly when a value has a line
 *         break);
 *       - snapshot.cypher is what the templates make: its parameter line
 *         agrees with the manifest's update tag, every statement is a
 *         template rendered with literal rows, and those rows (read back
 *         with esc_cypher's reader) are the CSVs' nodes, relationships and
 *         tombstones with the same property values; the cleanup covers
 *         exactly the complete regions; post-import.cypher is what the
 *         templates make.
 * May call: base, model (schema), write (csv_out, cypher_out, esc_cypher,
 *           tmpl), snap/read.
 *
 * Hostile input is expected: nothing but regular files is read, sizes are
 * checked before reading, and problems quote at most a short excerpt of a
 * value (the caller escapes control characters when it prints them).
 */
#ifndef LT_SNAP_VERIFY_H
#define LT_SNAP_VERIFY_H

#include "base/err.h"
#include "base/lt.h"

/* Problems kept per file; more are counted, not kept. */
#define VERIFY_MAX_PER_FILE 100

struct verify_problem {
    char *file; /* owned */
    char *text; /* owned */
};

struct verify_file {
    char *name;      /* owned */
    size_t problems; /* found, kept or not */
    size_t kept;
};

struct verify_report {
    struct verify_problem *problems; /* kept, grouped by file in files order */
    size_t nproblems;
    struct verify_file *files; /* every file looked at or expected, sorted by name */
    size_t nfiles;
    size_t total; /* problems found */
};

/*
 * Verifies the snapshot in dir against the Cypher templates in
 * templates_dir. LT_E_IO (and rep empty) when dir does not exist, is not
 * a directory or cannot be listed; LT_E_CONFIG when the templates cannot
 * be loaded. Otherwise LT_OK, and rep says what is wrong (total 0: all
 * good). rep need not be initialised; verify_report_release frees it.
 */
LT_MUST_CHECK enum lt_rc verify_snapshot(const char *dir, const char *templates_dir,
                                         struct verify_report *rep, struct lt_error *err);
void verify_report_release(struct verify_report *rep);

#endif
