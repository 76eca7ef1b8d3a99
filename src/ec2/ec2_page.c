/*
 * ec2_page.c - one EC2 response page (XML or AWS CLI JSON) into member-name
 * cJSON, checked (see ec2_page.h).
 */
#include "ec2/ec2_page.h"

#include <string.h>

#include "aws/shape.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/utf8.h"

/* A field every item of a page must carry. */
struct ec2_page_required {
    const char *key;
    bool version_number; /* a number >= 1 rather than a non-empty string */
};

static const struct ec2_page_required ec2_page_req_templates[] = {
    {"LaunchTemplateId", false},
};
static const struct ec2_page_required ec2_page_req_versions[] = {
    {"LaunchTemplateId", false},
    {"VersionNumber", true},
};
static const struct ec2_page_required ec2_page_req_regions[] = {
    {"RegionName", false},
};

static const struct {
    const char *action;
    const char *list_key;
    const struct ec2_page_required *required;
    size_t nrequired;
} ec2_page_kinds[] = {
    [EC2_PAGE_LAUNCH_TEMPLATES] = {"DescribeLaunchTemplates", "LaunchTemplates",
                                   ec2_page_req_templates, LT_ARRAY_SIZE(ec2_page_req_templates)},
    [EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS] = {"DescribeLaunchTemplateVersions",
                                           "LaunchTemplateVersions", ec2_page_req_versions,
                                           LT_ARRAY_SIZE(ec2_page_req_versions)},
    [EC2_PAGE_REGIONS] = {"DescribeRegions", "Regions", ec2_page_req_regions,
                          LT_ARRAY_SIZE(ec2_page_req_regions)},
};

#define EC2_PAGE_NKINDS LT_ARRAY_SIZE(ec2_page_kinds)

void ec2_page_init(struct ec2_page *p)
{
    p->kind = EC2_PAGE_LAUNCH_TEMPLATES;
    p->result = NULL;
}

void ec2_page_release(struct ec2_page *p)
{
    cJSON_Delete(p->result);
    ec2_page_init(p);
}

void ec2_page_forget(struct ec2_page *p)
{
    ec2_page_init(p);
}

const char *ec2_page_action(enum ec2_page_kind kind)
{
    return (size_t)kind < EC2_PAGE_NKINDS ? ec2_page_kinds[kind].action : "unknown";
}

const char *ec2_page_list_key(enum ec2_page_kind kind)
{
    return (size_t)kind < EC2_PAGE_NKINDS ? ec2_page_kinds[kind].list_key : "unknown";
}

const cJSON *ec2_page_items(const struct ec2_page *p)
{
    return json_get_array(p->result, ec2_page_list_key(p->kind));
}

cJSON *ec2_page_items_mutable(struct ec2_page *p)
{
    cJSON *items = cJSON_GetObjectItemCaseSensitive(p->result, ec2_page_list_key(p->kind));
    return cJSON_IsArray(items) ? items : NULL;
}

const char *ec2_page_next_token(const struct ec2_page *p)
{
    const char *token = json_get_string(p->result, "NextToken");
    return token && *token ? token : NULL;
}

/* ---- positions and raw-text checks ------------------------------------------------------ */

static bool ec2_page_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t ec2_page_skip_blank(const char *data, size_t len, size_t off)
{
    while (off < len && ec2_page_blank(data[off])) {
        off++;
    }
    return off;
}

/* 1-based line and byte column of offset off. */
static void ec2_page_position(const char *data, size_t off, unsigned long *line, unsigned long *col)
{
    *line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    }
    *col = (unsigned long)(off - line_start) + 1;
}

static enum lt_rc ec2_page_fail_at(const char *data, size_t off, struct lt_error *err,
                                   const char *what)
{
    unsigned long line;
    unsigned long col;
    ec2_page_position(data, off, &line, &col);
    return lt_fail(err, LT_E_INPUT, "%s at line %lu, column %lu", what, line, col);
}

/*
 * What cJSON would let through: invalid UTF-8 (it does not check), a raw NUL
 * and the escape \u0000 (it silently cuts the string there). An escaped
 * backslash is stepped over, so "\\u0000" (text, not a NUL) passes.
 */
static enum lt_rc ec2_page_check_json_text(const char *data, size_t len, struct lt_error *err)
{
    size_t bad = 0;
    if (!utf8_valid(data, len, &bad)) {
        return ec2_page_fail_at(data, bad, err, "invalid UTF-8");
    }
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        return ec2_page_fail_at(data, (size_t)(nul - data), err, "NUL byte");
    }
    size_t i = 0;
    while (i + 1 < len) {
        /* Straight to the next backslash: pages are mostly text without one. */
        const char *bs = memchr(data + i, '\\', len - 1 - i);
        if (!bs) {
            break;
        }
        i = (size_t)(bs - data);
        if (data[i + 1] == 'u' && len - i >= 6 && memcmp(data + i + 2, "0000", 4) == 0) {
            return ec2_page_fail_at(data, i, err, "escaped NUL character (\\u0000)");
        }
        i += 2; /* past the backslash and the character it escapes */
    }
    return LT_OK;
}

/* ---- recognising the page --------------------------------------------------------------- */

static enum lt_rc ec2_page_kind_of_action(const char *action, enum ec2_page_kind *kind,
                                          struct lt_error *err)
{
    for (size_t k = 0; k < EC2_PAGE_NKINDS; k++) {
        if (strcmp(action, ec2_page_kinds[k].action) == 0) {
            *kind = (enum ec2_page_kind)k;
            return LT_OK;
        }
    }
    return lt_fail(err, LT_E_INPUT, "unexpected %s response", action);
}

static enum lt_rc ec2_page_kind_of_json(const cJSON *doc, enum ec2_page_kind *kind,
                                        struct lt_error *err)
{
    size_t found = 0;
    for (size_t k = 0; k < EC2_PAGE_NKINDS; k++) {
        if (cJSON_GetObjectItemCaseSensitive(doc, ec2_page_kinds[k].list_key)) {
            *kind = (enum ec2_page_kind)k;
            found++;
        }
    }
    if (found == 0) {
        return lt_fail(err, LT_E_INPUT,
                       "no 'LaunchTemplates', 'LaunchTemplateVersions' or "
                       "'Regions' key at the top level");
    }
    if (found > 1) {
        return lt_fail(err, LT_E_INPUT,
                       "more than one of 'LaunchTemplates', "
                       "'LaunchTemplateVersions' and 'Regions' at the top level");
    }
    return LT_OK;
}

static enum lt_rc ec2_page_parse_json_text(const char *data, size_t len, cJSON **doc,
                                           struct lt_error *err)
{
    LT_TRY(ec2_page_check_json_text(data, len, err));
    const char *end = NULL;
    *doc = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    size_t off = end && end >= data && end <= data + len ? (size_t)(end - data) : 0;
    if (!*doc) {
        return ec2_page_fail_at(data, off, err, "invalid JSON");
    }
    off = ec2_page_skip_blank(data, len, off);
    if (off < len) {
        cJSON_Delete(*doc);
        *doc = NULL;
        return ec2_page_fail_at(data, off, err, "trailing data after the JSON document");
    }
    if (!cJSON_IsObject(*doc)) {
        cJSON_Delete(*doc);
        *doc = NULL;
        return lt_fail(err, LT_E_INPUT, "expected a JSON object at the top level");
    }
    return LT_OK;
}

static enum lt_rc ec2_page_from_json(const char *data, size_t len, struct ec2_page *page,
                                     struct lt_error *err)
{
    cJSON *doc = NULL;
    LT_TRY(ec2_page_parse_json_text(data, len, &doc, err));
    enum lt_rc rc = ec2_page_kind_of_json(doc, &page->kind, err);
    if (rc == LT_OK) {
        const struct shape_operation *op =
            shape_find_operation(&ec2_shape_model, ec2_page_action(page->kind));
        rc = op ? shape_normalize_json(&ec2_shape_model, op->output_shape, doc, SHAPE_TEXT_CHECKED,
                                       err)
                : lt_fail(err, LT_E_INTERNAL, "no '%s' in the EC2 shape table",
                          ec2_page_action(page->kind));
    }
    if (rc == LT_OK) {
        page->result = doc; /* converted in place: the parsed tree is the page */
    } else {
        cJSON_Delete(doc);
    }
    return rc;
}

static enum lt_rc ec2_page_from_xml(const char *data, size_t len, struct ec2_page *page,
                                    struct aws_service_error *svc, struct lt_error *err)
{
    const struct shape_operation *op = NULL;
    LT_TRY(xml_parse_response(&ec2_shape_model, data, len, &op, &page->result, svc, err));
    return ec2_page_kind_of_action(op->name, &page->kind, err);
}

/* ---- checks on the converted page ------------------------------------------------------- */

static enum lt_rc ec2_page_check_accept(enum ec2_page_kind kind, unsigned accept,
                                        struct lt_error *err)
{
    if (accept & EC2_PAGE_ACCEPT(kind)) {
        return LT_OK;
    }
    struct buf want = BUF_INIT(256);
    for (size_t k = 0; k < EC2_PAGE_NKINDS; k++) {
        if (accept & EC2_PAGE_ACCEPT(k)) {
            if (buf_printf(&want, "%s%s", want.len ? " or " : "", ec2_page_kinds[k].action) !=
                LT_OK) {
                break;
            }
        }
    }
    enum lt_rc rc = lt_fail(err, LT_E_INPUT, "unexpected %s response (expected %s)",
                            ec2_page_action(kind), want.len ? buf_str(&want) : "none");
    buf_release(&want);
    return rc;
}

static enum lt_rc ec2_page_check_field(const cJSON *item, const char *list, size_t i,
                                       const struct ec2_page_required *req, struct lt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, req->key);
    if (!v) {
        return lt_fail(err, LT_E_INPUT, "%s[%zu]: missing '%s'", list, i, req->key);
    }
    /* v is checked where it was found: a second lookup by name would walk the keys again. */
    if (!req->version_number) {
        const char *s = json_string(v);
        return s && *s ? LT_OK : lt_fail(err, LT_E_INPUT, "%s[%zu]: empty '%s'", list, i, req->key);
    }
    int64_t n = 0;
    if (!json_int64(v, &n) || n < 1) {
        return lt_fail(err, LT_E_INPUT, "%s[%zu]: '%s' must be at least 1, got %.17g", list, i,
                       req->key, cJSON_IsNumber(v) ? v->valuedouble : 0.0);
    }
    return LT_OK;
}

static enum lt_rc ec2_page_check_items(struct ec2_page *page, struct lt_error *err)
{
    const char *list = ec2_page_list_key(page->kind);
    if (!cJSON_GetObjectItemCaseSensitive(page->result, list)) {
        cJSON *empty = cJSON_CreateArray();
        if (!empty || !cJSON_AddItemToObject(page->result, list, empty)) {
            cJSON_Delete(empty);
            return lt_fail(err, LT_E_INTERNAL, "out of memory");
        }
    }
    const cJSON *items = ec2_page_items(page);
    size_t i = 0;
    for (const cJSON *item = items ? items->child : NULL; item; item = item->next, i++) {
        for (size_t f = 0; f < ec2_page_kinds[page->kind].nrequired; f++) {
            LT_TRY(
                ec2_page_check_field(item, list, i, &ec2_page_kinds[page->kind].required[f], err));
        }
    }
    return LT_OK;
}

/* ---- entry point ------------------------------------------------------------------------ */

static enum lt_rc ec2_page_dispatch(const char *data, size_t len, struct ec2_page *page,
                                    struct aws_service_error *svc, struct lt_error *err)
{
    size_t start = ec2_page_skip_blank(data, len, 0);
    if (start == len) {
        return lt_fail(err, LT_E_INPUT, "empty input");
    }
    if (len - start >= 3 && memcmp(data + start, "\xEF\xBB\xBF", 3) == 0) {
        return lt_fail(err, LT_E_INPUT, "starts with a byte order mark");
    }
    switch (data[start]) {
    case '<':
        return ec2_page_from_xml(data, len, page, svc, err);
    case '{':
        return ec2_page_from_json(data, len, page, err);
    case '[':
        return lt_fail(err, LT_E_INPUT, "expected a JSON object, got an array");
    default:
        return lt_fail(err, LT_E_INPUT, "neither EC2 XML nor AWS CLI JSON (first byte 0x%02x)",
                       (unsigned)(unsigned char)data[start]);
    }
}

enum lt_rc ec2_page_parse(const char *data, size_t len, unsigned accept, struct ec2_page *out,
                          struct aws_service_error *svc, struct lt_error *err)
{
    struct ec2_page page = EC2_PAGE_INIT;
    ec2_page_init(out);
    if (svc) {
        *svc = (struct aws_service_error){NULL, NULL, NULL};
    }
    enum lt_rc rc = ec2_page_dispatch(data, len, &page, svc, err);
    if (rc == LT_OK) {
        rc = ec2_page_check_accept(page.kind, accept, err);
    }
    if (rc == LT_OK) {
        rc = ec2_page_check_items(&page, err);
    }
    if (rc != LT_OK) {
        ec2_page_release(&page);
        return rc;
    }
    *out = page;
    return LT_OK;
}
