/*
 * shape.c - lookups in the generated shape tables and the conversion of
 * values into member-name shape (see shape.h).
 */
#include "aws/shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/utf8.h"

/* Limits shared in spirit with aws/xml.c: nesting depth and one text value. */
#define SHAPE_MAX_DEPTH 64
#define SHAPE_MAX_TEXT ((size_t)1024 * 1024)
/* Integers are stored as doubles: only +-2^53 is exact. */
#define SHAPE_MAX_SAFE_INT 9007199254740992.0
#define SHAPE_MAX_SAFE_UINT 9007199254740992ULL
/* Bad values are quoted in messages up to this many bytes. */
#define SHAPE_QUOTE_MAX 64
/* Timestamps must fall in years 0000-9999 so the canonical form stays fixed-width. */
#define SHAPE_TIME_MIN (-62167219200LL)
#define SHAPE_TIME_MAX 253402300799LL

/* ---- table lookups ---------------------------------------------------------------------- */

static int compare_operation(const void *key, const void *elem)
{
    return strcmp(key, ((const struct shape_operation *)elem)->name);
}

static int compare_member_xml_name(const void *key, const void *elem)
{
    return strcmp(key, ((const struct shape_member *)elem)->xml_name);
}

const struct shape_operation *shape_find_operation(const struct shape_model *m, const char *name)
{
    return bsearch(name, m->operations, m->noperations, sizeof(*m->operations), compare_operation);
}

const struct shape_member *shape_member_by_xml_name(const struct shape_model *m,
                                                    const struct shape *s, const char *xml_name)
{
    LT_UNUSED(m);
    if (s->type != SHAPE_STRUCTURE || s->nmembers == 0) {
        return NULL;
    }
    return bsearch(xml_name, s->members, s->nmembers, sizeof(*s->members), compare_member_xml_name);
}

const struct shape_member *shape_member_by_name(const struct shape_model *m, const struct shape *s,
                                                const char *name)
{
    LT_UNUSED(m);
    if (s->type != SHAPE_STRUCTURE) {
        return NULL;
    }
    size_t lo = 0;
    size_t hi = s->nmembers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct shape_member *mem = &s->members[s->by_name[mid]];
        int c = strcmp(name, mem->name);
        if (c == 0) {
            return mem;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

/* ---- scalars ---------------------------------------------------------------------------- */

/* How many bytes of s to quote in a message: at most SHAPE_QUOTE_MAX, cut at a character. */
static int shape_quote_len(const char *s, size_t len)
{
    if (len <= SHAPE_QUOTE_MAX) {
        return (int)len;
    }
    size_t n = SHAPE_QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return (int)n;
}

static enum lt_rc shape_bad_value(struct lt_error *err, const char *what, const char *s, size_t len)
{
    int n = shape_quote_len(s, len);
    return lt_fail(err, LT_E_INPUT, "invalid %s '%.*s%s'", what, n, s,
                   (size_t)n < len ? "..." : "");
}

static enum lt_rc shape_made(cJSON *v, cJSON **out, struct lt_error *err)
{
    if (!v) {
        return lt_fail(err, LT_E_INTERNAL, "out of memory building a value");
    }
    *out = v;
    return LT_OK;
}

/* Stores a timestamp in the canonical "YYYY-MM-DDTHH:MM:SS.mmmZ" form. */
static enum lt_rc shape_make_timestamp(int64_t seconds, int millis, cJSON **out,
                                       struct lt_error *err)
{
    if (seconds < SHAPE_TIME_MIN || seconds > SHAPE_TIME_MAX) {
        return lt_fail(err, LT_E_INPUT, "timestamp outside the years 0000-9999");
    }
    struct buf b = BUF_INIT(64);
    enum lt_rc rc = clock_format_iso8601_ms(&b, seconds, millis);
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot format a timestamp");
    }
    rc = shape_made(cJSON_CreateString(buf_str(&b)), out, err);
    buf_release(&b);
    return rc;
}

/* Decimal integer: optional '-', digits only, magnitude at most 2^53. */
static enum lt_rc shape_integer_from_text(const char *s, size_t len, cJSON **out,
                                          struct lt_error *err)
{
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == len) {
        return shape_bad_value(err, "integer", s, len);
    }
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return shape_bad_value(err, "integer", s, len);
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > SHAPE_MAX_SAFE_UINT) {
            return lt_fail(err, LT_E_INPUT, "integer '%.*s' out of range", shape_quote_len(s, len),
                           s);
        }
    }
    double d = (double)v;
    return shape_made(cJSON_CreateNumber(s[0] == '-' ? -d : d), out, err);
}

/* Decimal floating point: sign, digits, '.', exponent; no inf, nan or hex forms. */
static enum lt_rc shape_double_from_text(const char *s, size_t len, cJSON **out,
                                         struct lt_error *err)
{
    if (len == 0 || strspn(s, "0123456789+-.eE") != len || strcspn(s, "0123456789") == len) {
        return shape_bad_value(err, "number", s, len);
    }
    char *end = NULL;
    double v = strtod(s, &end);
    if (end != s + len || !isfinite(v)) {
        return shape_bad_value(err, "number", s, len);
    }
    return shape_made(cJSON_CreateNumber(v), out, err);
}

static enum lt_rc shape_timestamp_from_text(const char *s, size_t len, cJSON **out,
                                            struct lt_error *err)
{
    int64_t seconds;
    int millis;
    if (!clock_parse_iso8601(s, &seconds, &millis)) {
        return shape_bad_value(err, "timestamp", s, len);
    }
    return shape_make_timestamp(seconds, millis, out, err);
}

/* s is NUL-terminated at len and holds no other NUL. */
static enum lt_rc shape_scalar_from_cstr(enum shape_type type, const char *s, size_t len,
                                         cJSON **out, struct lt_error *err)
{
    switch (type) {
    case SHAPE_STRING:
    case SHAPE_BLOB:
        return shape_made(cJSON_CreateString(s), out, err);
    case SHAPE_BOOLEAN:
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
            return shape_made(cJSON_CreateBool(s[0] == 't'), out, err);
        }
        return shape_bad_value(err, "boolean", s, len);
    case SHAPE_INTEGER:
    case SHAPE_LONG:
        return shape_integer_from_text(s, len, out, err);
    case SHAPE_DOUBLE:
        return shape_double_from_text(s, len, out, err);
    case SHAPE_TIMESTAMP:
        return shape_timestamp_from_text(s, len, out, err);
    case SHAPE_STRUCTURE:
    case SHAPE_LIST:
    case SHAPE_MAP:
        break;
    }
    return lt_fail(err, LT_E_INTERNAL, "shape type %d is not a scalar", (int)type);
}

enum lt_rc shape_scalar_from_text(enum shape_type type, const char *text, size_t len, cJSON **out,
                                  struct lt_error *err)
{
    *out = NULL;
    if (!text) {
        text = "";
        len = 0;
    }
    if (len > SHAPE_MAX_TEXT) {
        return lt_fail(err, LT_E_LIMIT, "value longer than %zu bytes", SHAPE_MAX_TEXT);
    }
    if (memchr(text, '\0', len)) {
        return lt_fail(err, LT_E_INPUT, "value contains a NUL character");
    }
    size_t bad = 0;
    if (!utf8_valid(text, len, &bad)) {
        return lt_fail(err, LT_E_INPUT, "invalid UTF-8 at byte %zu of a value", bad);
    }
    char *copy = mem_strndup(text, len);
    enum lt_rc rc = shape_scalar_from_cstr(type, copy, len, out, err);
    mem_free(copy);
    return rc;
}

/* ---- JSON in AWS CLI form --------------------------------------------------------------- */

struct shape_conv {
    const struct shape_model *m;
    struct buf path; /* "LaunchTemplateVersions[3].LaunchTemplateData" */
    struct lt_error *err;
};

static enum lt_rc shape_conv_value(struct shape_conv *c, uint16_t shape, const cJSON *in,
                                   cJSON **out, int depth);

static const char *shape_conv_path(const struct shape_conv *c)
{
    return c->path.len ? buf_str(&c->path) : "top level";
}

static enum lt_rc shape_conv_fail(struct shape_conv *c, enum lt_rc code, const char *what)
{
    return lt_fail(c->err, code, "%s: %s", shape_conv_path(c), what);
}

static int shape_cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Duplicate keys are rejected: cJSON keeps them all and lookups would see only the first. */
static enum lt_rc shape_check_duplicates(struct shape_conv *c, const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *k = obj->child; k; k = k->next) {
        n++;
    }
    if (n < 2) {
        return LT_OK;
    }
    const char **keys = mem_calloc(n, sizeof(*keys));
    size_t i = 0;
    for (const cJSON *k = obj->child; k; k = k->next) {
        keys[i++] = k->string ? k->string : "";
    }
    qsort(keys, n, sizeof(*keys), shape_cmp_keys);
    enum lt_rc rc = LT_OK;
    for (i = 1; i < n && rc == LT_OK; i++) {
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            int q = shape_quote_len(keys[i], strlen(keys[i]));
            rc = lt_fail(c->err, LT_E_INPUT, "%s: duplicate key '%.*s'", shape_conv_path(c), q,
                         keys[i]);
        }
    }
    mem_free(keys);
    return rc;
}

static enum lt_rc shape_conv_add(struct shape_conv *c, cJSON *parent, const char *key, cJSON *v)
{
    cJSON_bool ok = key ? cJSON_AddItemToObject(parent, key, v) : cJSON_AddItemToArray(parent, v);
    if (!ok) {
        cJSON_Delete(v);
        return lt_fail(c->err, LT_E_INTERNAL, "out of memory building a value");
    }
    return LT_OK;
}

static enum lt_rc shape_conv_member(struct shape_conv *c, const struct shape_member *mem,
                                    const cJSON *in, cJSON *obj, int depth)
{
    size_t mark = c->path.len;
    if (buf_printf(&c->path, "%s%s", mark ? "." : "", mem->name) != LT_OK) {
        return lt_fail(c->err, LT_E_LIMIT, "JSON path too long");
    }
    cJSON *v = NULL;
    LT_TRY(shape_conv_value(c, mem->shape, in, &v, depth + 1));
    buf_truncate(&c->path, mark);
    return shape_conv_add(c, obj, mem->name, v);
}

static enum lt_rc shape_conv_structure(struct shape_conv *c, const struct shape *s, const cJSON *in,
                                       cJSON **out, int depth)
{
    if (!cJSON_IsObject(in)) {
        return shape_conv_fail(c, LT_E_INPUT, "expected an object");
    }
    LT_TRY(shape_check_duplicates(c, in));
    cJSON *obj = cJSON_CreateObject();
    LT_TRY(shape_made(obj, out, c->err));
    for (const cJSON *k = in->child; k; k = k->next) {
        const struct shape_member *mem = shape_member_by_name(c->m, s, k->string);
        if (!mem) {
            continue; /* a member this model does not know: dropped */
        }
        enum lt_rc rc = shape_conv_member(c, mem, k, obj, depth);
        if (rc != LT_OK) {
            cJSON_Delete(obj);
            *out = NULL;
            return rc;
        }
    }
    return LT_OK;
}

static enum lt_rc shape_conv_item(struct shape_conv *c, uint16_t shape, const cJSON *in,
                                  size_t index, cJSON *arr, int depth)
{
    size_t mark = c->path.len;
    if (buf_printf(&c->path, "[%zu]", index) != LT_OK) {
        return lt_fail(c->err, LT_E_LIMIT, "JSON path too long");
    }
    cJSON *v = NULL;
    LT_TRY(shape_conv_value(c, shape, in, &v, depth + 1));
    buf_truncate(&c->path, mark);
    return shape_conv_add(c, arr, NULL, v);
}

static enum lt_rc shape_conv_list(struct shape_conv *c, const struct shape *s, const cJSON *in,
                                  cJSON **out, int depth)
{
    if (!cJSON_IsArray(in)) {
        return shape_conv_fail(c, LT_E_INPUT, "expected an array");
    }
    cJSON *arr = cJSON_CreateArray();
    LT_TRY(shape_made(arr, out, c->err));
    size_t i = 0;
    for (const cJSON *item = in->child; item; item = item->next, i++) {
        enum lt_rc rc = shape_conv_item(c, s->item_shape, item, i, arr, depth);
        if (rc != LT_OK) {
            cJSON_Delete(arr);
            *out = NULL;
            return rc;
        }
    }
    return LT_OK;
}

/* Epoch seconds (as the AWS CLI prints with --cli-timestamp-format none for some services). */
static enum lt_rc shape_conv_epoch(struct shape_conv *c, double v, cJSON **out)
{
    if (!isfinite(v) || v < 0 || v >= (double)SHAPE_TIME_MAX + 1) {
        return shape_conv_fail(c, LT_E_INPUT, "timestamp outside the years 1970-9999");
    }
    /* Truncate to milliseconds like the text forms; the epsilon absorbs binary rounding. */
    int64_t total = (int64_t)floor(v * 1000.0 + 1e-3);
    return shape_make_timestamp(total / 1000, (int)(total % 1000), out, c->err);
}

static enum lt_rc shape_conv_text(struct shape_conv *c, enum shape_type type, const cJSON *in,
                                  cJSON **out)
{
    const char *s = in->valuestring;
    enum lt_rc rc = shape_scalar_from_text(type, s, strlen(s), out, c->err);
    if (rc != LT_OK) {
        lt_error_prefix(c->err, "%s", shape_conv_path(c));
    }
    return rc;
}

static enum lt_rc shape_conv_number(struct shape_conv *c, enum shape_type type, const cJSON *in,
                                    cJSON **out)
{
    if (!cJSON_IsNumber(in)) {
        return shape_conv_fail(c, LT_E_INPUT,
                               type == SHAPE_DOUBLE ? "expected a number" : "expected an integer");
    }
    double v = in->valuedouble;
    if (!isfinite(v)) {
        return shape_conv_fail(c, LT_E_INPUT, "number out of range");
    }
    if (type != SHAPE_DOUBLE && v != floor(v)) {
        return lt_fail(c->err, LT_E_INPUT, "%s: expected an integer, got %.17g", shape_conv_path(c),
                       v);
    }
    if (type != SHAPE_DOUBLE && fabs(v) > SHAPE_MAX_SAFE_INT) {
        return shape_conv_fail(c, LT_E_INPUT, "integer out of range");
    }
    return shape_made(cJSON_CreateNumber(v), out, c->err);
}

static enum lt_rc shape_conv_scalar(struct shape_conv *c, enum shape_type type, const cJSON *in,
                                    cJSON **out)
{
    switch (type) {
    case SHAPE_STRING:
    case SHAPE_BLOB:
        if (!cJSON_IsString(in)) {
            return shape_conv_fail(c, LT_E_INPUT, "expected a string");
        }
        return shape_conv_text(c, type, in, out);
    case SHAPE_BOOLEAN:
        if (!cJSON_IsBool(in)) {
            return shape_conv_fail(c, LT_E_INPUT, "expected a boolean");
        }
        return shape_made(cJSON_CreateBool(cJSON_IsTrue(in)), out, c->err);
    case SHAPE_TIMESTAMP:
        if (cJSON_IsString(in)) {
            return shape_conv_text(c, type, in, out);
        }
        if (cJSON_IsNumber(in)) {
            return shape_conv_epoch(c, in->valuedouble, out);
        }
        return shape_conv_fail(c, LT_E_INPUT, "expected a timestamp (string or number)");
    default:
        return shape_conv_number(c, type, in, out);
    }
}

static enum lt_rc shape_conv_value(struct shape_conv *c, uint16_t shape, const cJSON *in,
                                   cJSON **out, int depth)
{
    *out = NULL;
    if (depth >= SHAPE_MAX_DEPTH) {
        return shape_conv_fail(c, LT_E_LIMIT, "nested deeper than 64 levels");
    }
    if (shape >= c->m->nshapes) {
        return lt_fail(c->err, LT_E_INTERNAL, "shape index %u out of range", (unsigned)shape);
    }
    const struct shape *s = &c->m->shapes[shape];
    switch (s->type) {
    case SHAPE_STRUCTURE:
        return shape_conv_structure(c, s, in, out, depth);
    case SHAPE_LIST:
        return shape_conv_list(c, s, in, out, depth);
    case SHAPE_MAP:
        return shape_conv_fail(c, LT_E_INPUT, "map shapes are not supported");
    default:
        return shape_conv_scalar(c, s->type, in, out);
    }
}

enum lt_rc shape_from_json(const struct shape_model *m, uint16_t shape, const cJSON *in,
                           cJSON **out, struct lt_error *err)
{
    struct shape_conv c = {m, BUF_INIT(BUF_MAX_SMALL), err};
    enum lt_rc rc = shape_conv_value(&c, shape, in, out, 0);
    buf_release(&c.path);
    return rc;
}
