/*
 * rows.h - one template or version in member-name shape -> one row of
 * typed property values (schema.h order). Internal to model/.
 *
 * Owns: how each property is read from the API data (docs/schema.md).
 * May call: base, schema, secrets.
 *
 * Rows own their strings; rows_release frees them.
 */
#ifndef LT_MODEL_ROWS_H
#define LT_MODEL_ROWS_H

#include <cjson/cJSON.h>

#include "base/err.h"
#include "model/model.h"

struct rows_tag {
    char *key;
    char *value;
};

/* A template's row; its tags are returned separately (tags/ntags, owned). */
LT_MUST_CHECK enum lt_rc rows_template(const cJSON *t, const char *region, struct model_row *row,
                                       struct rows_tag **tags, size_t *ntags, struct lt_error *err);
/* A version's row. */
LT_MUST_CHECK enum lt_rc rows_version(const cJSON *v, const char *region, bool include_user_data,
                                      struct model_row *row, struct lt_error *err);

void rows_release(struct model_row *row, size_t nprops);
void rows_tags_release(struct rows_tag *tags, size_t ntags);

/* Sets a string value (copied). */
void rows_set_string(struct model_value *v, const char *s);

#endif
