/*
 * model.h - launch templates and versions in member-name shape (shape.h)
 * turned into the graph: sorted, de-duplicated node and relationship tables
 * that the writers serialise, plus tombstones and per-region status.
 *
 * Owns: what the graph contains: which rows exist, their property values,
 *       their order, and which templates are tombstoned.
 * May call: base, schema.
 *
 * Use: model_init, then model_scope() for every (account, region), feed it
 * pages with model_add_templates / model_add_versions / model_add_tombstone
 * (input is only read, never kept), mark each scope's status, then
 * model_finish(). After finish the tables are read through a
 * model_reader (model_read_node, model_read_rel; counts in nnodes and
 * nrels) and the tombstones in tombstones; model_release() frees
 * everything.
 *
 * Memory: the model keeps a small key per row (ids, version number, where
 * its record is); the rows themselves are records in a row store
 * (rowstore.h) that moves to an unnamed temporary file beside the snapshot
 * once they exceed model_options.row_memory. Memory grows with the number
 * of rows, never with the size of their data; the output is the same
 * wherever the records were kept.
 *
 * Rules applied by model_finish (docs/schema.md):
 * - only scopes marked MODEL_SCOPE_COMPLETE contribute rows or tombstones:
 *   a failed or skipped region is absent, never half there;
 * - a template listed twice is kept once (first seen); a version seen twice
 *   (same template id and number) is kept once (first seen);
 * - a version whose template was not listed, or whose number is above the
 *   template's LatestVersionNumber, is left out: it appeared after the
 *   listing, and the listing defines the snapshot; counts in model_stats;
 * - a listed template without any version is tombstoned ("NoVersions");
 * - a tombstoned template has no rows: neither it nor its versions;
 * - rows are sorted by id (versions by template id, then version number as
 *   a number), relationships by start then end id, all by byte value;
 *   relationships into versions follow version order within a start node.
 */
#ifndef LT_MODEL_MODEL_H
#define LT_MODEL_MODEL_H

#include <cjson/cJSON.h>

#include "base/err.h"
#include "base/lt.h"
#include "model/rowstore.h"
#include "model/schema.h"

/* A property value as read back; strings are NUL-terminated, valid UTF-8. */
struct model_value {
    bool present;
    char *str; /* SCHEMA_STRING */
    size_t len;
    int64_t num;  /* SCHEMA_LONG */
    bool flag;    /* SCHEMA_BOOLEAN */
    char **items; /* SCHEMA_STRING_ARRAY; present only when nitems > 0 */
    size_t nitems;
};

struct model_rel {
    const char *from;
    const char *to;
};

struct model_tombstone {
    char *kind; /* label of what is gone: "AWSLaunchTemplate" */
    char *id;
    char *name; /* may be NULL */
    char *account_id;
    char *region;
    char *reason; /* "InvalidLaunchTemplateId.NotFound", "NoVersions", ... */
};

enum model_scope_status {
    MODEL_SCOPE_PENDING,
    MODEL_SCOPE_COMPLETE,
    MODEL_SCOPE_FAILED,
    MODEL_SCOPE_SKIPPED,
};

struct model_scope {
    char *account_id;
    char *region;
    enum model_scope_status status;
    char *error; /* why it failed or was skipped, or NULL */
};

struct model_stats {
    size_t versions_without_template; /* left out */
    size_t versions_after_listing;    /* number above the listed latest: left out */
    size_t duplicate_templates;
    size_t duplicate_versions;
};

/* Bytes of row records kept in memory before they spill to a temporary file. */
#define MODEL_ROW_MEMORY_DEFAULT ROWSTORE_MEMORY_DEFAULT

struct model_options {
    bool include_user_data;
    size_t row_memory;      /* 0: MODEL_ROW_MEMORY_DEFAULT; 1 spills every row */
    const char *spill_near; /* the spill file goes in the directory holding this path (the
                               snapshot's); NULL: "." (borrowed until model_release) */
};

/* Private to model.c: a template or version as the model keeps it. */
struct model_item;
/* Private to model.c: a tag node. */
struct model_tag;
/* Private to model.c: a TAGGED relationship. */
struct model_tagged;
/* Private to model.c: a block of the id arena. */
struct model_chunk;
/* Private to model/rows.c: working space while rows are built. */
struct rows_scratch;

struct model {
    struct model_options opts;
    struct model_scope *scopes;
    size_t nscopes;
    struct model_tombstone *tombstones; /* explicit ones, then "NoVersions" */
    size_t ntombstones, tombstones_cap;
    size_t *tombstone_scope;
    struct model_stats stats;
    /* the tables, after model_finish: counts here, rows through a model_reader */
    bool finished;
    size_t nnodes[SCHEMA_NODE_COUNT];
    size_t nrels[SCHEMA_REL_COUNT];

    /* private to model.c */
    struct rowstore store;
    struct model_item *templates;
    size_t ntemplates, templates_cap;
    struct model_item *versions;
    size_t nversions, versions_cap;
    struct model_chunk *chunks; /* ids, newest block first */
    const char *last_id;        /* the id stored last (versions repeat their template's) */
    struct buf rec;             /* the record being built */
    struct rows_scratch *scratch;
    const char **accounts;  /* account nodes, sorted */
    struct model_tag *tags; /* tag nodes, sorted by id */
    struct model_tagged *tagged;
    uint32_t *account_templates; /* RESOURCE order over templates; NULL: template order */
    uint32_t *account_versions;  /* RESOURCE order over versions; NULL: version order */
};

void model_init(struct model *m, const struct model_options *opts);
void model_release(struct model *m);

/* The index of the scope (account, region), created PENDING on first use. */
size_t model_scope(struct model *m, const char *account_id, const char *region);
/* Records the outcome of a scope; error is copied (may be NULL). */
void model_scope_set_status(struct model *m, size_t scope, enum model_scope_status status,
                            const char *error);

/*
 * Adds the LaunchTemplates array of a DescribeLaunchTemplates page, or the
 * LaunchTemplateVersions array of a DescribeLaunchTemplateVersions page.
 * LT_E_INPUT for a value that cannot be stored (bad timestamp, bad base64
 * user data); the message names the item. LT_E_IO when the rows cannot be
 * spilled. Templates are only read. Of the versions, each LaunchTemplateData
 * is brought into canonical form in place (json_canonical: keys sorted,
 * integers from 10^15 up turned into raw numbers), which spares a copy of
 * every one: read it before, or only for its strings and structure after.
 */
LT_MUST_CHECK enum lt_rc model_add_templates(struct model *m, size_t scope, const cJSON *templates,
                                             struct lt_error *err);
LT_MUST_CHECK enum lt_rc model_add_versions(struct model *m, size_t scope, cJSON *versions,
                                            struct lt_error *err);
/* Records that a template is gone (name may be NULL). */
void model_add_tombstone(struct model *m, size_t scope, const char *template_id, const char *name,
                         const char *reason);

/* True when the rows went to the temporary file (more than row_memory bytes of them). */
bool model_spilled(const struct model *m);

/* Builds the tables. LT_E_INPUT when one template id appears in two scopes. */
LT_MUST_CHECK enum lt_rc model_finish(struct model *m, struct lt_error *err);

/* Reads rows of a finished model; one reader per user at a time. */
struct model_reader;

struct model_reader *model_reader_new(const struct model *m);
void model_reader_free(struct model_reader *r);
/*
 * Row i (< nnodes[k]) of node table k: *values gets schema_nodes[k].nprops
 * values, valid until the reader's next read.
 */
LT_MUST_CHECK enum lt_rc model_read_node(struct model_reader *r, enum schema_node_kind k, size_t i,
                                         const struct model_value **values, struct lt_error *err);
/* Relationship i (< nrels[k]) of table k; its ids are valid until the reader's next read. */
LT_MUST_CHECK enum lt_rc model_read_rel(struct model_reader *r, enum schema_rel_kind k, size_t i,
                                        struct model_rel *rel, struct lt_error *err);

#endif
