/*
 * shape.h - AWS service-model shapes, as generated tables, and the typed
 * conversion of values into ltsnap's one in-memory form.
 *
 * Owns: struct shape_model (filled by scripts/gen-shapes from botocore's
 *       service-2.json: src/ec2/ec2_shapes.gen.c, src/aws/sts_shapes.gen.c),
 *       and shape_from_json(), which checks a JSON document in AWS CLI form
 *       against a shape.
 * May call: base, cJSON.
 *
 * The in-memory form ("member-name shape"), the same whatever the input was:
 * - a structure is a cJSON object keyed by API member names (LaunchTemplateId,
 *   LaunchTemplateData, ...); members unknown to the model are dropped;
 * - a list is a cJSON array;
 * - string and enum values are cJSON strings, valid UTF-8 without NUL;
 * - boolean is cJSON true/false; integer, long and double are cJSON numbers
 *   (integers must be whole and within +-2^53);
 * - a timestamp is a string in the canonical form "YYYY-MM-DDTHH:MM:SS.mmmZ"
 *   (UTC, milliseconds), whatever form the input used;
 * - blob values stay as their base64 text.
 * The result is what `aws ec2 describe-...` prints, minus unknown keys, with
 * canonical timestamps.
 */
#ifndef LT_AWS_SHAPE_H
#define LT_AWS_SHAPE_H

#include <cjson/cJSON.h>

#include "base/err.h"
#include "base/lt.h"

enum shape_type {
    SHAPE_STRUCTURE,
    SHAPE_LIST,
    SHAPE_MAP, /* not used by the operations ltsnap reads; rejected if met */
    SHAPE_STRING,
    SHAPE_BOOLEAN,
    SHAPE_INTEGER,
    SHAPE_LONG,
    SHAPE_DOUBLE,
    SHAPE_TIMESTAMP,
    SHAPE_BLOB,
};

struct shape_member {
    const char *name;     /* API member name: "LaunchTemplateId" */
    const char *xml_name; /* element name on the wire: "launchTemplateId" */
    uint16_t shape;       /* index into shape_model.shapes */
};

struct shape {
    const char *name; /* model shape name, for messages */
    enum shape_type type;
    /* SHAPE_STRUCTURE: members sorted by xml_name (binary search on the wire name) */
    const struct shape_member *members;
    uint16_t nmembers;
    /* SHAPE_LIST: element name of each item ("item", "member", "groupId") and its shape */
    const char *item_xml_name;
    uint16_t item_shape;
    /* members sorted by name, as indices into members (lookup by API name) */
    const uint16_t *by_name;
};

struct shape_operation {
    const char *name;             /* "DescribeLaunchTemplates" */
    const char *response_element; /* "DescribeLaunchTemplatesResponse" */
    const char *result_element;   /* "AssumeRoleResult" (Query protocol) or NULL (EC2) */
    uint16_t output_shape;
};

struct shape_model {
    const char *service;      /* "ec2", "sts" */
    const char *api_version;  /* "2016-11-15" */
    const char *model_source; /* botocore version the table came from */
    const struct shape *shapes;
    size_t nshapes;
    const struct shape_operation *operations;
    size_t noperations;
};

extern const struct shape_model ec2_shape_model;
extern const struct shape_model sts_shape_model;

const struct shape_operation *shape_find_operation(const struct shape_model *m, const char *name);
/* Member of a structure shape by API name or by wire name; NULL when unknown. */
const struct shape_member *shape_member_by_name(const struct shape_model *m, const struct shape *s,
                                                const char *name);
const struct shape_member *shape_member_by_xml_name(const struct shape_model *m,
                                                    const struct shape *s, const char *xml_name);

/*
 * Builds a fresh tree in member-name shape from a JSON value in AWS CLI form
 * (as cJSON parsed it), checked against shape index `shape`. Unknown keys are
 * dropped; a wrong type, an invalid value or a duplicate key fails with
 * LT_E_INPUT and a message naming the path ("LaunchTemplateVersions[3].
 * LaunchTemplateData.EbsOptimized: expected a boolean"). *out is owned by
 * the caller.
 */
LT_MUST_CHECK enum lt_rc shape_from_json(const struct shape_model *m, uint16_t shape,
                                         const cJSON *in, cJSON **out, struct lt_error *err);
/* What the caller of shape_normalize_json knows of the document's strings. */
enum shape_text {
    SHAPE_TEXT_UNCHECKED, /* each string is checked: valid UTF-8, no NUL */
    /*
     * cJSON parsed the document from text checked whole for valid UTF-8, a
     * NUL and the escape \u0000 (ec2_page does): its strings are then valid
     * UTF-8 without NUL, as cJSON decodes the other escapes to valid UTF-8
     * and refuses a lone surrogate. Only their length is checked.
     */
    SHAPE_TEXT_CHECKED,
};

/*
 * The same check and conversion done in place: doc (as cJSON parsed it,
 * owned by the caller) becomes the member-name tree, with no copy made:
 * unknown keys are deleted from it, timestamps rewritten. On failure doc is
 * partly converted and only fit to be deleted.
 */
LT_MUST_CHECK enum lt_rc shape_normalize_json(const struct shape_model *m, uint16_t shape,
                                              cJSON *doc, enum shape_text text,
                                              struct lt_error *err);

/*
 * Converts the text of one scalar value from the wire into its in-memory
 * form (used by the XML reader). NULL text means an empty element.
 */
LT_MUST_CHECK enum lt_rc shape_scalar_from_text(enum shape_type type, const char *text, size_t len,
                                                cJSON **out, struct lt_error *err);

#endif
