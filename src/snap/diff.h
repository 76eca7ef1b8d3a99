/*
 * diff.h - ltsnap diff: what changed between two snapshots, for people
 * (text), for programs (JSON) and for a graph (a Cypher delta script).
 *
 * Owns: what counts as a difference, and the three renderings of one
 *       (docs/snapshot-format.md, "ltsnap diff").
 * May call: base, model (schema), write (csv_out headers, cypher_out,
 *           esc_cypher, tmpl), snap/read.
 *
 * Semantics:
 * - Both snapshots are loaded with snap_load (checksums checked; a
 *   snapshot whose files do not match its manifest is refused).
 * - Regions: every (account, region) of either manifest is listed with its
 *   status in OLD and NEW (absent when a manifest does not name it). Only a
 *   region complete in NEW can show what was removed: a region complete in
 *   OLD but failed, skipped or absent in NEW is reported as such and its
 *   templates are not reported removed (NEW does not know them), nor does
 *   the delta touch them, as snapshot.cypher's cleanup never touches a
 *   region that is not complete. What NEW holds is always compared with
 *   OLD: a template NEW has and OLD does not is added, even when OLD's
 *   region had failed (the region line says so).
 * - Templates and versions (by id) are added, removed, or changed property
 *   by property; launch_template_data is compared field by field as JSON
 *   (paths like MetadataOptions.HttpTokens, BlockDeviceMappings[0].Ebs.
 *   Encrypted; arrays element by element, by index). A template in NEW's
 *   tombstones.csv that OLD does not have as a tombstone is tombstoned,
 *   with the reason (instead of removed); its versions are removed.
 * - Tags are compared per template by key: added, removed, or changed
 *   value. Account and tag nodes are not entries of their own: a new
 *   account shows as its regions, a tag as the templates carrying it.
 * - User data is never shown in text or JSON: the values of user_data and
 *   of launch_template_data.UserData are written "(not shown)" (and
 *   user_data_sha256 tells versions apart); the delta carries them.
 * - The delta script, when run against a graph loaded from OLD, gives the
 *   graph NEW gives for everything NEW knows: it MERGEs the added and
 *   changed nodes with their whole NEW rows through the same templates as
 *   snapshot.cypher (a property absent in NEW is set to null, which
 *   removes it; lastupdated is set to the update tag, firstseen on
 *   creation), MERGEs added relationships, DETACH DELETEs tombstoned,
 *   removed templates and versions, DELETEs removed relationships whose
 *   ends remain, and deletes tag nodes no longer in NEW once nothing is
 *   TAGGED with them. The parameter line is NEW's (as its snapshot.cypher).
 *   What did not change is not touched and keeps its lastupdated.
 *
 * Ownership: struct diff owns both snapshots; entries borrow their
 * strings from them and live until diff_release.
 */
#ifndef LT_SNAP_DIFF_H
#define LT_SNAP_DIFF_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "snap/read.h"
#include "write/cypher_out.h"

enum diff_what { DIFF_TEMPLATE, DIFF_VERSION };
enum diff_change { DIFF_ADDED, DIFF_CHANGED, DIFF_REMOVED, DIFF_TOMBSTONED };

/* One field of launch_template_data that differs; old or new is NULL when absent. */
struct diff_field {
    char *path;             /* owned: "MetadataOptions.HttpTokens", "BlockDeviceMappings[0].Ebs" */
    const cJSON *old, *new; /* borrowed from the entry's parsed data */
};

/* One tag of a template whose value differs by key; a value is NULL when absent. */
struct diff_tag {
    const char *key;
    const char *old, *new;
};

struct diff_entry {
    enum diff_what what;
    enum diff_change change;
    const char *account, *region, *id;
    const char *template_id; /* the template's id (itself for a template) */
    int64_t number;          /* version number (versions) */
    const char *name;        /* the template's name, or NULL */
    const char *reason;      /* tombstoned: tombstones.csv's reason */
    size_t old_row, new_row; /* in the node table of each snapshot; SIZE_MAX when absent */
    size_t *props;           /* changed properties (schema indices), launch_template_data
                                only when it is not compared as JSON */
    size_t nprops;
    struct diff_field *fields;
    size_t nfields;
    cJSON *old_data, *new_data; /* parsed launch_template_data (owned) */
    struct diff_tag *tags;
    size_t ntags;
};

struct diff_region {
    const char *account, *region;
    const cJSON *old, *new; /* the manifests' region entries, or NULL when absent */
    bool changed;           /* the status differs */
};

/* Rows of one table the delta writes: indices into NEW's (merge) or OLD's (delete) table. */
struct diff_rows {
    size_t *rows;
    size_t n;
};

struct diff_counts {
    size_t regions;                   /* whose status changed */
    size_t templates[4], versions[4]; /* by enum diff_change */
};

struct diff {
    struct snap old, new;
    struct diff_region *regions; /* sorted by account, region */
    size_t nregions;
    struct diff_entry *entries; /* sorted by account, region, template id, version number */
    size_t nentries;
    struct diff_counts counts;
    /* what the delta script writes */
    struct diff_rows merge_nodes[SCHEMA_NODE_COUNT];  /* NEW rows */
    struct diff_rows merge_rels[SCHEMA_REL_COUNT];    /* NEW rows */
    struct diff_rows tombstones;                      /* NEW tombstones.csv rows */
    struct diff_rows delete_nodes[SCHEMA_NODE_COUNT]; /* OLD rows */
    struct diff_rows delete_rels[SCHEMA_REL_COUNT];   /* OLD rows */
};

/*
 * Loads OLD and NEW and compares them. LT_E_INPUT names the snapshot and
 * file when one cannot be loaded (missing, not matching its manifest, a
 * header this ltsnap does not write). d need not be initialised; on
 * failure it is released.
 */
LT_MUST_CHECK enum lt_rc diff_snapshots(struct diff *d, const char *old_dir, const char *new_dir,
                                        struct lt_error *err);
void diff_release(struct diff *d);
/* Differences found: changed regions and entries. */
size_t diff_count(const struct diff *d);

/*
 * diff_out.c: the text report (nothing at all when there is no difference;
 * summary: end with a summary line) and the JSON report (canonical JSON and
 * a newline; the shape is in docs/snapshot-format.md). LT_E_LIMIT follows
 * buf's rule.
 */
LT_MUST_CHECK enum lt_rc diff_out_text(const struct diff *d, bool summary, struct buf *out);
LT_MUST_CHECK enum lt_rc diff_out_json(const struct diff *d, struct buf *out);
/* diff_cypher.c: the delta script, with the Cypher templates in templates_dir. */
LT_MUST_CHECK enum lt_rc diff_cypher_write(const struct diff *d, const char *templates_dir,
                                           struct cypher_out_sink *sink, struct lt_error *err);

#endif
