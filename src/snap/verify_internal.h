/*
 * verify_internal.h - what the parts of verify share (verify.c: files and
 * manifest; verify_csv.c: the CSV tables; verify_script.c: the argfile and
 * the Cypher scripts). Internal to snap/verify*.c.
 *
 * Owns: struct verify_ctx, the state of one verify run.
 * May call: as verify.h.
 */
#ifndef LT_SNAP_VERIFY_INTERNAL_H
#define LT_SNAP_VERIFY_INTERNAL_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "snap/read.h"
#include "snap/verify.h"
#include "write/cypher_out.h"

/* The files of a snapshot besides manifest.json, by index. */
enum {
    VF_NODES = 0,
    VF_RELS = VF_NODES + SCHEMA_NODE_COUNT,
    VF_TOMBSTONES = VF_RELS + SCHEMA_REL_COUNT,
    VF_ARGFILE,
    VF_SNAPSHOT,
    VF_POST_IMPORT,
    VF_COUNT
};
#define VF_TABLES (VF_TOMBSTONES + 1)

/* Longest excerpt of a value quoted in a problem. */
#define VERIFY_EXCERPT 60

struct verify_input {
    const char *name;
    bool present;       /* a regular file in the directory */
    bool irregular;     /* there, but not a regular file (reported with the listing) */
    bool read;          /* text holds its bytes */
    struct buf text;    /* the file's bytes */
    const cJSON *entry; /* its manifest files[] entry, or NULL */
};

struct verify_ctx {
    const char *dir;
    struct verify_report *rep;
    cJSON *manifest; /* NULL when missing or not an ltsnap manifest */
    struct verify_input in[VF_COUNT];
    struct snap_table tables[VF_TABLES];
    bool table_ok[VF_TABLES]; /* parsed, with the schema's header: columns can be trusted */
    struct snap_index ids[SCHEMA_NODE_COUNT]; /* by id, for the node tables that are ok */
    bool multiline;                           /* a CSV value holds a line break */
    const struct cypher_out_templates *templates;
};

/* Records a problem of file (a plain file name). */
void verify_problem(struct verify_ctx *c, const char *file, const char *fmt, ...) LT_PRINTF(3, 4);
/* Bytes of a value quoted in a problem (at most VERIFY_EXCERPT), and "..." when cut. */
int verify_excerpt_len(size_t len);
const char *verify_excerpt_more(size_t len);
/* The manifest's integer member key of obj, or -1 when missing or not a non-negative integer. */
int64_t verify_manifest_count(const cJSON *obj, const char *key);

/* verify_csv.c: parses and checks every CSV table, then the counts in the manifest. */
void verify_tables(struct verify_ctx *c);
/* verify_script.c: the argfile, snapshot.cypher and post-import.cypher. */
void verify_argfile(struct verify_ctx *c);
void verify_scripts(struct verify_ctx *c);

#endif
