/*
 * schema.h - the one table of ltsnap's graph: Cartography's labels,
 * properties and relationships for launch templates, plus the audit
 * properties ltsnap adds (docs/schema.md says what each one means).
 *
 * Owns: labels, ID spaces, property names and types, relationship types,
 *       and the snapshot file that holds each table.
 * May call: base.
 *
 * Both writers (neo4j-admin CSV and the cypher-shell script) walk these
 * tables, so the two import paths cannot disagree about the graph.
 * Property order in a table is the CSV column order; index 0 is the id.
 */
#ifndef LT_MODEL_SCHEMA_H
#define LT_MODEL_SCHEMA_H

#include "base/lt.h"

enum schema_type {
    SCHEMA_STRING,
    SCHEMA_LONG,
    SCHEMA_BOOLEAN,
    SCHEMA_STRING_ARRAY,
};

struct schema_prop {
    const char *name;
    enum schema_type type;
};

enum schema_node_kind {
    SCHEMA_NODE_ACCOUNT,
    SCHEMA_NODE_TEMPLATE,
    SCHEMA_NODE_VERSION,
    SCHEMA_NODE_TAG,
    SCHEMA_NODE_COUNT
};

/* Property indices, in table order. */
enum { ACCOUNT_ID, ACCOUNT_PROP_COUNT };

enum {
    TEMPLATE_ID,
    TEMPLATE_LAUNCH_TEMPLATE_ID,
    TEMPLATE_NAME,
    TEMPLATE_CREATE_TIME,
    TEMPLATE_CREATED_BY,
    TEMPLATE_DEFAULT_VERSION_NUMBER,
    TEMPLATE_LATEST_VERSION_NUMBER,
    TEMPLATE_REGION,
    TEMPLATE_PROP_COUNT
};

enum {
    VERSION_ID,
    VERSION_LAUNCH_TEMPLATE_ID,
    VERSION_NAME,
    VERSION_CREATE_TIME,
    VERSION_CREATED_BY,
    VERSION_DEFAULT_VERSION,
    VERSION_VERSION_NUMBER,
    VERSION_VERSION_DESCRIPTION,
    VERSION_KERNEL_ID,
    VERSION_EBS_OPTIMIZED,
    VERSION_IAM_INSTANCE_PROFILE_ARN,
    VERSION_IAM_INSTANCE_PROFILE_NAME,
    VERSION_IMAGE_ID,
    VERSION_INSTANCE_TYPE,
    VERSION_KEY_NAME,
    VERSION_MONITORING_ENABLED,
    VERSION_RAMDISK_ID,
    VERSION_DISABLE_API_TERMINATION,
    VERSION_INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR,
    VERSION_SECURITY_GROUP_IDS,
    VERSION_SECURITY_GROUPS,
    VERSION_REGION,
    VERSION_HTTP_TOKENS,
    VERSION_HTTP_ENDPOINT,
    VERSION_HTTP_PUT_RESPONSE_HOP_LIMIT,
    VERSION_ASSOCIATES_PUBLIC_IP,
    VERSION_ALL_EBS_ENCRYPTED,
    VERSION_USER_DATA_SHA256,
    VERSION_USER_DATA_SECRET_KINDS,
    VERSION_USER_DATA,
    VERSION_LAUNCH_TEMPLATE_DATA,
    VERSION_PROP_COUNT
};

enum { TAG_ID, TAG_KEY, TAG_VALUE, TAG_PROP_COUNT };

struct schema_node {
    const char *label;       /* primary label; also the ID space */
    const char *extra_label; /* Cartography's compatibility label, or NULL */
    const char *file;        /* CSV file name in the snapshot */
    const char *template;    /* Cypher template that merges these nodes */
    const struct schema_prop *props;
    size_t nprops;
};

enum schema_rel_kind {
    SCHEMA_REL_ACCOUNT_TEMPLATE,
    SCHEMA_REL_ACCOUNT_VERSION,
    SCHEMA_REL_TEMPLATE_VERSION,
    SCHEMA_REL_TEMPLATE_TAG,
    SCHEMA_REL_COUNT
};

struct schema_rel {
    const char *type;
    enum schema_node_kind from;
    enum schema_node_kind to;
    const char *file;
    const char *template;
};

extern const struct schema_node schema_nodes[SCHEMA_NODE_COUNT];
extern const struct schema_rel schema_rels[SCHEMA_REL_COUNT];

/*
 * The type as neo4j-admin's header names it: "string", "long", "boolean",
 * "string[]" (the CSV writer's column suffixes, and the readers' messages).
 */
const char *schema_type_name(enum schema_type type);

/* Columns of tombstones.csv, in order. */
extern const char *const schema_tombstone_columns[];
extern const size_t schema_tombstone_ncolumns;

#endif
