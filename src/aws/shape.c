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
/* Objects with at most this many keys need no allocation to be converted. */
#define SHAPE_SMALL_OBJECT 16
/* Structures with at most this many members are checked for duplicate keys with a bit set. */
#define SHAPE_SEEN_MAX 64
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

/* strcmp's order; the first bytes settle most comparisons of member names without a call. */
static int shape_name_order(const char *a, const char *b)
{
    if (a[0] != b[0]) {
        return (unsigned char)a[0] - (unsigned char)b[0];
    }
    return a[0] ? strcmp(a + 1, b + 1) : 0;
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
        int c = shape_name_order(name, mem->name);
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

/* Puts a timestamp in the canonical "YYYY-MM-DDTHH:MM:SS.mmmZ" form in b (emptied first). */
static enum lt_rc shape_format_timestamp(struct buf *b, int64_t seconds, int millis,
                                         struct lt_error *err)
{
    if (seconds < SHAPE_TIME_MIN || seconds > SHAPE_TIME_MAX) {
        return lt_fail(err, LT_E_INPUT, "timestamp outside the years 0000-9999");
    }
    buf_reset(b);
    enum lt_rc rc = clock_format_iso8601_ms(b, seconds, millis);
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot format a timestamp");
    }
    return LT_OK;
}

/* Stores a timestamp in the canonical form. */
static enum lt_rc shape_make_timestamp(int64_t seconds, int millis, cJSON **out,
                                       struct lt_error *err)
{
    struct buf b = BUF_INIT(64);
    LT_TRY(shape_format_timestamp(&b, seconds, millis, err));
    enum lt_rc rc = shape_made(cJSON_CreateString(buf_str(&b)), out, err);
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

/*
 * What every text value must be: not too long, no NUL, valid UTF-8. A C
 * string (len from strlen) cannot hold a NUL, and is not searched for one.
 * Inline: every string of a JSON document passes here, most of them short,
 * and the call cost a fifth of the check.
 */
static inline enum lt_rc shape_check_length(size_t len, struct lt_error *err)
{
    if (len > SHAPE_MAX_TEXT) {
        return lt_fail(err, LT_E_LIMIT, "value longer than %zu bytes", SHAPE_MAX_TEXT);
    }
    return LT_OK;
}

static inline enum lt_rc shape_check_text(const char *text, size_t len, bool c_string,
                                          struct lt_error *err)
{
    LT_TRY(shape_check_length(len, err));
    if (!c_string && memchr(text, '\0', len)) {
        return lt_fail(err, LT_E_INPUT, "value contains a NUL character");
    }
    size_t bad = 0;
    if (!utf8_valid(text, len, &bad)) {
        return lt_fail(err, LT_E_INPUT, "invalid UTF-8 at byte %zu of a value", bad);
    }
    return LT_OK;
}

enum lt_rc shape_scalar_from_text(enum shape_type type, const char *text, size_t len, cJSON **out,
                                  struct lt_error *err)
{
    *out = NULL;
    if (!text) {
        text = "";
        len = 0;
    }
    LT_TRY(shape_check_text(text, len, false, err));
    char *copy = mem_strndup(text, len);
    enum lt_rc rc = shape_scalar_from_cstr(type, copy, len, out, err);
    mem_free(copy);
    return rc;
}

/* ---- JSON in AWS CLI form --------------------------------------------------------------- */

/* One step of the path to the value being converted: a member, or (name NULL) a list index. */
struct shape_conv_step {
    const char *name;
    size_t index;
};

/*
 * A member lookup remembered: in objects of structure `shape`, the key after
 * one of member `after` (1 + its index; 0: the first key of the object) was
 * last found to be member `mem`.
 */
struct shape_member_memo {
    uint16_t shape;
    uint16_t after;
    const struct shape_member *mem; /* NULL: nothing remembered */
};

/* Slots of the direct-mapped table of remembered lookups (a power of two). */
#define SHAPE_MEMO_BITS 9
#define SHAPE_MEMO_SLOTS ((size_t)1 << SHAPE_MEMO_BITS)

/*
 * The path is kept as steps and spelled out ("LaunchTemplateVersions[3].
 * LaunchTemplateData") only for a message: most documents need none.
 */
struct shape_conv {
    const struct shape_model *m;
    struct shape_conv_step steps[SHAPE_MAX_DEPTH + 1];
    size_t nsteps;
    struct buf path;
    struct lt_error *err;
    enum shape_text text; /* whether the strings still need their UTF-8 checked */
    struct buf stamp;     /* a timestamp in canonical form, its memory kept for the next one */
    struct shape_member_memo memo[SHAPE_MEMO_SLOTS];
};

static enum lt_rc shape_conv_value(struct shape_conv *c, uint16_t shape, cJSON *in, int depth);

/*
 * The tests of cJSON_IsString, cJSON_IsObject, ... (the same, NULL
 * included) made here: every value is tested, and a call into the shared
 * library costs more than the test.
 */
static bool shape_json_is(const cJSON *v, int type)
{
    return v && (v->type & 0xFF) == type;
}

static bool shape_json_is_bool(const cJSON *v)
{
    return v && (v->type & (cJSON_True | cJSON_False)) != 0;
}

static const char *shape_conv_path(struct shape_conv *c)
{
    if (c->nsteps == 0) {
        return "top level";
    }
    buf_reset(&c->path);
    enum lt_rc rc = LT_OK;
    for (size_t i = 0; i < c->nsteps && rc == LT_OK; i++) {
        const struct shape_conv_step *st = &c->steps[i];
        if (st->name) {
            rc = i ? buf_addc(&c->path, '.') : LT_OK;
            rc = rc == LT_OK ? buf_adds(&c->path, st->name) : rc;
        } else {
            rc = buf_addc(&c->path, '[');
            rc = rc == LT_OK ? buf_add_int(&c->path, (int64_t)st->index) : rc;
            rc = rc == LT_OK ? buf_addc(&c->path, ']') : rc;
        }
    }
    return rc == LT_OK ? buf_str(&c->path) : "(a path too long to show)";
}

static enum lt_rc shape_conv_fail(struct shape_conv *c, enum lt_rc code, const char *what)
{
    return lt_fail(c->err, code, "%s: %s", shape_conv_path(c), what);
}

static int shape_cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum lt_rc shape_duplicate_key(struct shape_conv *c, const char *key)
{
    int q = shape_quote_len(key, strlen(key));
    return lt_fail(c->err, LT_E_INPUT, "%s: duplicate key '%.*s'", shape_conv_path(c), q, key);
}

/*
 * Duplicate keys are rejected: cJSON keeps them all and lookups would see
 * only the first. This is the check for structures too large for the bit set
 * of shape_conv_members.
 */
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
            rc = shape_duplicate_key(c, keys[i]);
        }
    }
    mem_free(keys);
    return rc;
}

/*
 * The step to a value: set before the value is converted (depth d is the
 * value's own; steps deeper than the limit are refused by shape_conv_value).
 */
static void shape_conv_step(struct shape_conv *c, int depth, const char *name, size_t index)
{
    size_t at = (size_t)depth - 1;
    if (at < LT_ARRAY_SIZE(c->steps)) {
        c->steps[at] = (struct shape_conv_step){name, index};
        c->nsteps = at + 1;
    }
}

/* The slot of (shape, after): Knuth's multiplicative hash, its top bits. */
static size_t shape_memo_slot(uint16_t shape, uint16_t after)
{
    uint32_t key = (uint32_t)shape << 16 | after;
    return (size_t)((key * 2654435761u) >> (32 - SHAPE_MEMO_BITS));
}

/*
 * shape_member_by_name with a memory: the objects of one structure in a page
 * (the AWS CLI's output) mostly list their keys in the same order, so the
 * member that followed member `after` last time is tried first. It is taken
 * only when its name is the key; as member names within a structure are
 * unique, that is the member the binary search would find. `after` is 1 +
 * the index of the last known member before the key (0: none before it).
 */
static const struct shape_member *shape_conv_lookup(struct shape_conv *c, const struct shape *s,
                                                    uint16_t after, const char *key)
{
    uint16_t shape = (uint16_t)(s - c->m->shapes);
    struct shape_member_memo *memo = &c->memo[shape_memo_slot(shape, after)];
    if (memo->mem && memo->shape == shape && memo->after == after &&
        strcmp(memo->mem->name, key) == 0) {
        return memo->mem;
    }
    const struct shape_member *mem = shape_member_by_name(c->m, s, key);
    if (mem) {
        /* An unknown key is not remembered: the member that usually comes next stays. */
        *memo = (struct shape_member_memo){shape, after, mem};
    }
    return mem;
}

/*
 * Looks up the member of every key of in (mems[i], NULL when unknown) and
 * rejects duplicate keys on the way: known ones with a bit per member,
 * unknown ones (rare) by comparing them with the unknown keys before them.
 * Structures with more members than a bit set holds use the sorting check.
 */
static enum lt_rc shape_conv_members(struct shape_conv *c, const struct shape *s, const cJSON *in,
                                     const struct shape_member **mems)
{
    if (s->nmembers > SHAPE_SEEN_MAX) {
        LT_TRY(shape_check_duplicates(c, in));
    }
    uint64_t seen = 0;
    uint16_t after = 0;
    size_t i = 0;
    for (const cJSON *k = in->child; k; k = k->next, i++) {
        const char *key = k->string ? k->string : "";
        const struct shape_member *mem = shape_conv_lookup(c, s, after, key);
        mems[i] = mem;
        if (mem) {
            after = (uint16_t)(mem - s->members + 1);
        }
        if (s->nmembers > SHAPE_SEEN_MAX) {
            continue;
        }
        if (mem) {
            uint64_t bit = (uint64_t)1 << (mem - s->members);
            if (seen & bit) {
                return shape_duplicate_key(c, key);
            }
            seen |= bit;
            continue;
        }
        size_t j = 0;
        for (const cJSON *u = in->child; u != k; u = u->next, j++) {
            if (!mems[j] && strcmp(u->string ? u->string : "", key) == 0) {
                return shape_duplicate_key(c, key);
            }
        }
    }
    return LT_OK;
}

static enum lt_rc shape_conv_structure(struct shape_conv *c, const struct shape *s, cJSON *in,
                                       int depth)
{
    if (!shape_json_is(in, cJSON_Object)) {
        return shape_conv_fail(c, LT_E_INPUT, "expected an object");
    }
    size_t n = 0;
    for (const cJSON *k = in->child; k; k = k->next) {
        n++;
    }
    const struct shape_member *few[SHAPE_SMALL_OBJECT];
    const struct shape_member **mems = n <= SHAPE_SMALL_OBJECT ? few : mem_calloc(n, sizeof(*mems));
    enum lt_rc rc = shape_conv_members(c, s, in, mems);
    cJSON *next;
    size_t i = 0;
    for (cJSON *k = in->child; rc == LT_OK && k; k = next, i++) {
        next = k->next;
        if (!mems[i]) {
            /* a member this model does not know: dropped */
            cJSON_Delete(cJSON_DetachItemViaPointer(in, k));
            continue;
        }
        shape_conv_step(c, depth + 1, mems[i]->name, 0);
        rc = shape_conv_value(c, mems[i]->shape, k, depth + 1);
        c->nsteps = (size_t)depth;
    }
    if (mems != few) {
        mem_free(mems);
    }
    return rc;
}

static enum lt_rc shape_conv_list(struct shape_conv *c, const struct shape *s, cJSON *in, int depth)
{
    if (!shape_json_is(in, cJSON_Array)) {
        return shape_conv_fail(c, LT_E_INPUT, "expected an array");
    }
    size_t i = 0;
    for (cJSON *item = in->child; item; item = item->next, i++) {
        shape_conv_step(c, depth + 1, NULL, i);
        LT_TRY(shape_conv_value(c, s->item_shape, item, depth + 1));
        c->nsteps = (size_t)depth;
    }
    return LT_OK;
}

/* Makes in hold the string v holds, keeping its key; frees v. */
static void shape_take_string(cJSON *in, cJSON *v)
{
    if (shape_json_is(in, cJSON_String)) {
        cJSON_free(in->valuestring);
    }
    in->valuestring = v->valuestring;
    v->valuestring = NULL;
    in->type = (in->type & ~0xFF) | cJSON_String; /* keeps the flags of its key */
    in->valuedouble = 0;
    in->valueint = 0;
    cJSON_Delete(v);
}

/* A string not borrowed from elsewhere, len bytes long or longer: its memory has room for len. */
static bool shape_string_has_room(const cJSON *in, size_t len)
{
    return shape_json_is(in, cJSON_String) && !(in->type & cJSON_IsReference) &&
           strlen(in->valuestring) >= len;
}

/*
 * Makes in hold the timestamp in c->stamp, keeping its key. The AWS CLI's
 * "2021-10-12T06:27:52+00:00" is longer than the canonical form, which is
 * then written over it: no memory is allocated or freed.
 */
static enum lt_rc shape_conv_put_stamp(struct shape_conv *c, cJSON *in)
{
    const char *text = buf_str(&c->stamp);
    if (shape_string_has_room(in, c->stamp.len)) {
        memcpy(in->valuestring, text, c->stamp.len + 1);
        return LT_OK;
    }
    cJSON *v = NULL;
    LT_TRY(shape_made(cJSON_CreateString(text), &v, c->err));
    shape_take_string(in, v);
    return LT_OK;
}

/* Epoch seconds (as the AWS CLI prints with --cli-timestamp-format none for some services). */
static enum lt_rc shape_conv_epoch(struct shape_conv *c, cJSON *in)
{
    double v = in->valuedouble;
    if (!isfinite(v) || v < 0 || v >= (double)SHAPE_TIME_MAX + 1) {
        return shape_conv_fail(c, LT_E_INPUT, "timestamp outside the years 1970-9999");
    }
    /* Truncate to milliseconds like the text forms; the epsilon absorbs binary rounding. */
    int64_t total = (int64_t)floor(v * 1000.0 + 1e-3);
    LT_TRY(shape_format_timestamp(&c->stamp, total / 1000, (int)(total % 1000), c->err));
    return shape_conv_put_stamp(c, in);
}

/* A timestamp in one of the text forms clock_parse_iso8601 reads, rewritten in canonical form. */
static enum lt_rc shape_conv_timestamp_text(struct shape_conv *c, cJSON *in, size_t len)
{
    const char *s = in->valuestring;
    int64_t seconds;
    int millis;
    if (!clock_parse_iso8601(s, &seconds, &millis)) {
        return shape_bad_value(c->err, "timestamp", s, len);
    }
    LT_TRY(shape_format_timestamp(&c->stamp, seconds, millis, c->err));
    return shape_conv_put_stamp(c, in);
}

/*
 * A string value: checked (its length only, when the text it was parsed
 * from was checked whole); a timestamp is rewritten in canonical form, any
 * other text is kept as it is (cJSON's strings end in a NUL: no copy).
 */
static enum lt_rc shape_conv_text(struct shape_conv *c, enum shape_type type, cJSON *in)
{
    const char *s = in->valuestring;
    size_t len = strlen(s);
    enum lt_rc rc = c->text == SHAPE_TEXT_CHECKED ? shape_check_length(len, c->err)
                                                  : shape_check_text(s, len, true, c->err);
    if (rc == LT_OK && type == SHAPE_TIMESTAMP) {
        rc = shape_conv_timestamp_text(c, in, len);
    }
    if (rc != LT_OK) {
        lt_error_prefix(c->err, "%s", shape_conv_path(c));
    }
    return rc;
}

static enum lt_rc shape_conv_number(struct shape_conv *c, enum shape_type type, const cJSON *in)
{
    if (!shape_json_is(in, cJSON_Number)) {
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
    return LT_OK;
}

static enum lt_rc shape_conv_scalar(struct shape_conv *c, enum shape_type type, cJSON *in)
{
    switch (type) {
    case SHAPE_STRING:
    case SHAPE_BLOB:
        if (!shape_json_is(in, cJSON_String)) {
            return shape_conv_fail(c, LT_E_INPUT, "expected a string");
        }
        return shape_conv_text(c, type, in);
    case SHAPE_BOOLEAN:
        if (!shape_json_is_bool(in)) {
            return shape_conv_fail(c, LT_E_INPUT, "expected a boolean");
        }
        return LT_OK;
    case SHAPE_TIMESTAMP:
        if (shape_json_is(in, cJSON_String)) {
            return shape_conv_text(c, type, in);
        }
        if (shape_json_is(in, cJSON_Number)) {
            return shape_conv_epoch(c, in);
        }
        return shape_conv_fail(c, LT_E_INPUT, "expected a timestamp (string or number)");
    default:
        return shape_conv_number(c, type, in);
    }
}

static enum lt_rc shape_conv_value(struct shape_conv *c, uint16_t shape, cJSON *in, int depth)
{
    if (depth >= SHAPE_MAX_DEPTH) {
        return shape_conv_fail(c, LT_E_LIMIT, "nested deeper than 64 levels");
    }
    if (shape >= c->m->nshapes) {
        return lt_fail(c->err, LT_E_INTERNAL, "shape index %u out of range", (unsigned)shape);
    }
    const struct shape *s = &c->m->shapes[shape];
    switch (s->type) {
    case SHAPE_STRUCTURE:
        return shape_conv_structure(c, s, in, depth);
    case SHAPE_LIST:
        return shape_conv_list(c, s, in, depth);
    case SHAPE_MAP:
        return shape_conv_fail(c, LT_E_INPUT, "map shapes are not supported");
    default:
        return shape_conv_scalar(c, s->type, in);
    }
}

enum lt_rc shape_normalize_json(const struct shape_model *m, uint16_t shape, cJSON *doc,
                                enum shape_text text, struct lt_error *err)
{
    struct shape_conv c;
    c.m = m;
    c.nsteps = 0;
    buf_init(&c.path, BUF_MAX_SMALL);
    c.err = err;
    c.text = text;
    buf_init(&c.stamp, 64);
    memset(c.memo, 0, sizeof(c.memo));
    enum lt_rc rc = shape_conv_value(&c, shape, doc, 0);
    buf_release(&c.path);
    buf_release(&c.stamp);
    return rc;
}

enum lt_rc shape_from_json(const struct shape_model *m, uint16_t shape, const cJSON *in,
                           cJSON **out, struct lt_error *err)
{
    *out = cJSON_Duplicate(in, 1);
    if (!*out) {
        return lt_fail(err, LT_E_INTERNAL, "out of memory copying a value");
    }
    enum lt_rc rc = shape_normalize_json(m, shape, *out, SHAPE_TEXT_UNCHECKED, err);
    if (rc != LT_OK) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}
