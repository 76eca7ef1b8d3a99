/*
 * rows.h - one template or version in member-name shape -> one row of
 * typed property values (schema.h order), written as a compact record;
 * records read back into property values. Internal to model/.
 *
 * Owns: how each property is read from the API data (docs/schema.md), and
 *       the record format the row store keeps.
 * May call: base, schema, secrets.
 *
 * Record: for each property of the node in schema order, one byte (0
 * absent, 1 present) and, when present, the value: a string is a 32-bit
 * length, the bytes and a NUL; a long 8 bytes; a boolean 1 byte; a string
 * array a 32-bit count and that many strings. Integers in host byte order:
 * a record never leaves the process. A template's record goes on with its
 * tags: a 32-bit count and that many (key, value) string pairs.
 *
 * Ownership: rows_template / rows_version append to rec and fill key with
 * pointers into their input (valid while the input lives). rows_decode
 * points the values into rec and into ptrs, so they live until either
 * changes.
 */
#ifndef LT_MODEL_ROWS_H
#define LT_MODEL_ROWS_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "model/model.h"

/* What the model keeps in memory of a row besides its record. */
struct rows_key {
    const char *template_id; /* LaunchTemplateId (borrowed from the input) */
    int64_t number;          /* versions: VersionNumber; templates: LatestVersionNumber */
    bool has_number;         /* templates: LatestVersionNumber was given */
};

/* A template's record (properties, then tags) appended to rec. */
LT_MUST_CHECK enum lt_rc rows_template(const cJSON *t, const char *region, struct buf *rec,
                                       struct rows_key *key, struct lt_error *err);
/* Working space of rows_version, kept from one version to the next. */
struct rows_scratch;

struct rows_scratch *rows_scratch_new(void);
void rows_scratch_free(struct rows_scratch *x);

/*
 * A version's record appended to rec. Its LaunchTemplateData is made
 * canonical in place (json_canonical) once every property is read from it.
 */
LT_MUST_CHECK enum lt_rc rows_version(cJSON *v, const char *region, bool include_user_data,
                                      struct rows_scratch *x, struct buf *rec, struct rows_key *key,
                                      struct lt_error *err);
/* The record of an account node or a tag node (all properties strings, in schema order). */
LT_MUST_CHECK enum lt_rc rows_strings(struct buf *rec, const char *const *values, size_t n);

/* Room for the string arrays of a decoded row. */
struct rows_ptrs {
    char **p;
    size_t cap;
};

/*
 * Decodes the properties of a node of kind k at rec[0..len) into values
 * (schema_nodes[k].nprops entries); *end is where they stop (a template's
 * tags start there). LT_E_INTERNAL for a record that is not one.
 */
LT_MUST_CHECK enum lt_rc rows_decode(char *rec, size_t len, enum schema_node_kind k,
                                     struct model_value *values, struct rows_ptrs *ptrs,
                                     size_t *end, struct lt_error *err);
/* Walks the tags of a template record (they follow its properties). */
struct rows_tags {
    const char *rec;
    size_t len;
    size_t at;
    uint32_t left;
};

/* Starts at rec[at] (rows_decode's end); false for a broken record. */
bool rows_tags_begin(struct rows_tags *t, const char *rec, size_t len, size_t at);
/* The next tag (NUL-terminated key and value inside rec), or false when none is left. */
bool rows_tags_next(struct rows_tags *t, const char **key, size_t *key_len, const char **value,
                    size_t *value_len);

void rows_ptrs_release(struct rows_ptrs *p);

#endif
