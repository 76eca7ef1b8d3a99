/*
 * xml.c - AWS Query / EC2 XML into member-name cJSON, driven by a shape
 * table (see xml.h). The one user of expat.
 *
 * The reader keeps a stack of frames, one per element it is building; an
 * element the model does not know is skipped with its subtree by counting
 * its depth. Error documents are read with the same machinery through a
 * small built-in model (xml_error_model below).
 */
#include "aws/xml.h"

#include <expat.h>
#include <stdarg.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#define XML_MAX_DEPTH 64
#define XML_MAX_TEXT ((size_t)1024 * 1024)
/* expat takes an int length: the document is fed in chunks of this size. */
#define XML_CHUNK ((size_t)1 << 30)
/* Namespace separator: expat reports "uri|local"; '|' cannot occur in a local name. */
#define XML_NS_SEP '|'
#define XML_NS_SEP_STR "|"
/* How much of a server's error message goes into err (the whole of it is in svc). */
#define XML_MESSAGE_MAX 1024

/* ---- the error documents, as a model ---------------------------------------------------- */

enum {
    XML_ERR_STRING,
    XML_ERR_DETAIL,
    XML_ERR_LIST,
    XML_ERR_EC2_DOC,
    XML_ERR_QUERY_DOC,
};

static const struct shape_member xml_err_detail_members[] = {
    {"Code", "Code", XML_ERR_STRING},
    {"Message", "Message", XML_ERR_STRING},
    {"Type", "Type", XML_ERR_STRING},
};
static const uint16_t xml_err_detail_by_name[] = {0, 1, 2};

/* <Response><Errors><Error>...</Error></Errors><RequestID/></Response> */
static const struct shape_member xml_err_ec2_members[] = {
    {"Errors", "Errors", XML_ERR_LIST},
    {"RequestID", "RequestID", XML_ERR_STRING},
};
static const uint16_t xml_err_ec2_by_name[] = {0, 1};

/* <ErrorResponse><Error>...</Error><RequestId/></ErrorResponse> */
static const struct shape_member xml_err_query_members[] = {
    {"Error", "Error", XML_ERR_DETAIL},
    {"RequestId", "RequestId", XML_ERR_STRING},
};
static const uint16_t xml_err_query_by_name[] = {0, 1};

static const struct shape xml_err_shapes[] = {
    [XML_ERR_STRING] = {.name = "String", .type = SHAPE_STRING},
    [XML_ERR_DETAIL] = {.name = "Error",
                        .type = SHAPE_STRUCTURE,
                        .members = xml_err_detail_members,
                        .nmembers = 3,
                        .by_name = xml_err_detail_by_name},
    [XML_ERR_LIST] = {.name = "Errors",
                      .type = SHAPE_LIST,
                      .item_xml_name = "Error",
                      .item_shape = XML_ERR_DETAIL},
    [XML_ERR_EC2_DOC] = {.name = "Response",
                         .type = SHAPE_STRUCTURE,
                         .members = xml_err_ec2_members,
                         .nmembers = 2,
                         .by_name = xml_err_ec2_by_name},
    [XML_ERR_QUERY_DOC] = {.name = "ErrorResponse",
                           .type = SHAPE_STRUCTURE,
                           .members = xml_err_query_members,
                           .nmembers = 2,
                           .by_name = xml_err_query_by_name},
};

static const struct shape_operation xml_err_operations[] = {
    {"ErrorResponse", "ErrorResponse", NULL, XML_ERR_QUERY_DOC},
    {"Response", "Response", NULL, XML_ERR_EC2_DOC},
};

static const struct shape_model xml_error_model = {
    .service = "aws-error",
    .api_version = "",
    .model_source = "xml.c",
    .shapes = xml_err_shapes,
    .nshapes = LT_ARRAY_SIZE(xml_err_shapes),
    .operations = xml_err_operations,
    .noperations = LT_ARRAY_SIZE(xml_err_operations),
};

/* ---- reader state ----------------------------------------------------------------------- */

enum xml_frame_kind {
    XML_FRAME_WRAPPER, /* Query root: only <{Operation}Result> matters inside */
    XML_FRAME_STRUCT,
    XML_FRAME_LIST,
    XML_FRAME_SCALAR,
};

struct xml_frame {
    enum xml_frame_kind kind;
    uint16_t shape;
    const char *xml_name; /* element name, for messages (static storage) */
    cJSON *node;          /* STRUCT/LIST: the container; SCALAR: the parent container */
    const char *key;      /* SCALAR: member name in the parent object; NULL in a list */
};

struct xml_reader {
    XML_Parser parser;
    const struct shape_model *m; /* the model of the document being read */
    const struct shape_operation *op;
    cJSON *root;
    bool result_seen;
    struct xml_frame stack[XML_MAX_DEPTH];
    int nframes;
    int elements; /* open elements, skipped ones included */
    int skip;     /* > 0 inside an element being skipped */
    struct buf text;
    enum lt_rc rc;
    struct lt_error *err;
};

static unsigned long xml_line(const struct xml_reader *r)
{
    return (unsigned long)XML_GetCurrentLineNumber(r->parser);
}

static unsigned long xml_column(const struct xml_reader *r)
{
    return (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1;
}

/* Records the first failure with its position and stops expat. */
static void xml_fail(struct xml_reader *r, enum lt_rc code, const char *fmt, ...) LT_PRINTF(3, 4);

static void xml_fail(struct xml_reader *r, enum lt_rc code, const char *fmt, ...)
{
    if (r->rc == LT_OK) {
        struct buf msg = BUF_INIT(LT_ERROR_MAX);
        va_list ap;
        va_start(ap, fmt);
        enum lt_rc brc = buf_vprintf(&msg, fmt, ap);
        va_end(ap);
        r->rc = lt_fail(r->err, code, "line %lu, column %lu: %s", xml_line(r), xml_column(r),
                        brc == LT_OK ? buf_str(&msg) : "(message too long)");
        buf_release(&msg);
    }
    XML_StopParser(r->parser, XML_FALSE);
}

/* A failure already recorded in err (by shape_*): add the position and stop. */
static void xml_fail_recorded(struct xml_reader *r, enum lt_rc code, const char *name)
{
    if (r->rc == LT_OK) {
        r->rc = code;
        lt_error_prefix(r->err, "line %lu, column %lu: '%s'", xml_line(r), xml_column(r), name);
    }
    XML_StopParser(r->parser, XML_FALSE);
}

static const char *xml_local_name(const char *name)
{
    const char *sep = strrchr(name, XML_NS_SEP);
    return sep ? sep + 1 : name;
}

static bool xml_push(struct xml_reader *r, enum xml_frame_kind kind, uint16_t shape,
                     const char *xml_name, cJSON *node, const char *key)
{
    if (r->nframes >= XML_MAX_DEPTH) {
        xml_fail(r, LT_E_LIMIT, "nested deeper than 64 elements at '%s'", xml_name);
        return false;
    }
    r->stack[r->nframes++] = (struct xml_frame){kind, shape, xml_name, node, key};
    return true;
}

/* Adds v to the container (object under key, or array when key is NULL). */
static bool xml_attach(struct xml_reader *r, cJSON *parent, const char *key, cJSON *v)
{
    cJSON_bool ok = key ? cJSON_AddItemToObject(parent, key, v) : cJSON_AddItemToArray(parent, v);
    if (!ok) {
        cJSON_Delete(v);
        xml_fail(r, LT_E_INTERNAL, "out of memory");
        return false;
    }
    return true;
}

/* ---- element handlers ------------------------------------------------------------------- */

/* Opens a value of shape `shape` that goes into parent (under key, or appended). */
static void xml_open_value(struct xml_reader *r, uint16_t shape, const char *xml_name,
                           cJSON *parent, const char *key)
{
    if (shape >= r->m->nshapes) {
        xml_fail(r, LT_E_INTERNAL, "shape index out of range for '%s'", xml_name);
        return;
    }
    enum shape_type type = r->m->shapes[shape].type;
    if (type == SHAPE_MAP) {
        xml_fail(r, LT_E_INPUT, "map shapes are not supported ('%s')", xml_name);
        return;
    }
    if (type != SHAPE_STRUCTURE && type != SHAPE_LIST) {
        buf_reset(&r->text);
        (void)xml_push(r, XML_FRAME_SCALAR, shape, xml_name, parent, key);
        return;
    }
    cJSON *node = type == SHAPE_STRUCTURE ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!node) {
        xml_fail(r, LT_E_INTERNAL, "out of memory");
        return;
    }
    if (xml_attach(r, parent, key, node)) {
        (void)xml_push(r, type == SHAPE_STRUCTURE ? XML_FRAME_STRUCT : XML_FRAME_LIST, shape,
                       xml_name, node, NULL);
    }
}

static const struct shape_operation *xml_find_root(const struct shape_model *m, const char *name)
{
    for (size_t i = 0; i < m->noperations; i++) {
        if (strcmp(m->operations[i].response_element, name) == 0) {
            return &m->operations[i];
        }
    }
    return NULL;
}

static void xml_start_root(struct xml_reader *r, const char *name)
{
    const struct shape_operation *op = xml_find_root(&xml_error_model, name);
    if (op) {
        r->m = &xml_error_model;
    } else {
        op = xml_find_root(r->m, name);
    }
    if (!op) {
        xml_fail(r, LT_E_INPUT, "unexpected root element '%s'", name);
        return;
    }
    r->op = op;
    r->root = cJSON_CreateObject();
    if (!r->root) {
        xml_fail(r, LT_E_INTERNAL, "out of memory");
        return;
    }
    if (op->result_element) {
        (void)xml_push(r, XML_FRAME_WRAPPER, op->output_shape, op->response_element, NULL, NULL);
    } else {
        (void)xml_push(r, XML_FRAME_STRUCT, op->output_shape, op->response_element, r->root, NULL);
    }
}

static void xml_start_in_struct(struct xml_reader *r, const struct xml_frame *top, const char *name)
{
    const struct shape *s = &r->m->shapes[top->shape];
    const struct shape_member *mem = shape_member_by_xml_name(r->m, s, name);
    if (!mem) {
        r->skip = 1; /* unknown to the model: skip it and its subtree */
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(top->node, mem->name)) {
        xml_fail(r, LT_E_INPUT, "duplicate element '%s'", mem->xml_name);
        return;
    }
    xml_open_value(r, mem->shape, mem->xml_name, top->node, mem->name);
}

static void xml_start_in_wrapper(struct xml_reader *r, const char *name)
{
    if (strcmp(name, r->op->result_element) != 0) {
        r->skip = 1; /* ResponseMetadata and anything else */
        return;
    }
    if (r->result_seen) {
        xml_fail(r, LT_E_INPUT, "duplicate element '%s'", r->op->result_element);
        return;
    }
    r->result_seen = true;
    (void)xml_push(r, XML_FRAME_STRUCT, r->op->output_shape, r->op->result_element, r->root, NULL);
}

static void XMLCALL xml_on_start(void *ud, const XML_Char *qname, const XML_Char **atts)
{
    struct xml_reader *r = ud;
    LT_UNUSED(atts);
    if (r->rc != LT_OK) {
        return;
    }
    const char *name = xml_local_name(qname);
    if (++r->elements > XML_MAX_DEPTH) {
        xml_fail(r, LT_E_LIMIT, "nested deeper than 64 elements at '%s'", name);
        return;
    }
    if (r->skip) {
        r->skip++;
        return;
    }
    if (r->nframes == 0) {
        xml_start_root(r, name);
        return;
    }
    const struct xml_frame *top = &r->stack[r->nframes - 1];
    const struct shape *s = &r->m->shapes[top->shape];
    switch (top->kind) {
    case XML_FRAME_WRAPPER:
        xml_start_in_wrapper(r, name);
        break;
    case XML_FRAME_STRUCT:
        xml_start_in_struct(r, top, name);
        break;
    case XML_FRAME_LIST:
        if (strcmp(name, s->item_xml_name) == 0) {
            xml_open_value(r, s->item_shape, s->item_xml_name, top->node, NULL);
        } else {
            r->skip = 1; /* not an item of this list */
        }
        break;
    case XML_FRAME_SCALAR:
        xml_fail(r, LT_E_INPUT, "element '%s' inside the value '%s'", name, top->xml_name);
        break;
    }
}

static void xml_close_scalar(struct xml_reader *r, const struct xml_frame *f)
{
    cJSON *v = NULL;
    enum shape_type type = r->m->shapes[f->shape].type;
    enum lt_rc rc = shape_scalar_from_text(type, r->text.ptr, r->text.len, &v, r->err);
    buf_reset(&r->text);
    if (rc != LT_OK) {
        xml_fail_recorded(r, rc, f->xml_name);
        return;
    }
    (void)xml_attach(r, f->node, f->key, v);
}

static void XMLCALL xml_on_end(void *ud, const XML_Char *qname)
{
    struct xml_reader *r = ud;
    LT_UNUSED(qname);
    if (r->rc != LT_OK) {
        return;
    }
    r->elements--;
    if (r->skip) {
        r->skip--;
        return;
    }
    if (r->nframes == 0) {
        return;
    }
    const struct xml_frame f = r->stack[--r->nframes];
    if (f.kind == XML_FRAME_SCALAR) {
        xml_close_scalar(r, &f);
    }
}

static bool xml_is_blank(const char *s, int len)
{
    for (int i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
            return false;
        }
    }
    return true;
}

static void XMLCALL xml_on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_reader *r = ud;
    if (r->rc != LT_OK || r->skip || r->nframes == 0) {
        return;
    }
    const struct xml_frame *top = &r->stack[r->nframes - 1];
    if (top->kind != XML_FRAME_SCALAR) {
        if (!xml_is_blank(s, len)) {
            xml_fail(r, LT_E_INPUT, "unexpected text in '%s'", top->xml_name);
        }
        return;
    }
    if (buf_add(&r->text, s, (size_t)len) != LT_OK) {
        xml_fail(r, LT_E_LIMIT, "value of '%s' longer than %zu bytes", top->xml_name, XML_MAX_TEXT);
    }
}

static void XMLCALL xml_on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal_subset)
{
    struct xml_reader *r = ud;
    LT_UNUSED(sysid);
    LT_UNUSED(pubid);
    LT_UNUSED(has_internal_subset);
    LT_UNUSED(name);
    xml_fail(r, LT_E_INPUT, "DOCTYPE is not allowed");
}

static void XMLCALL xml_on_entity_decl(void *ud, const XML_Char *name, int is_parameter,
                                       const XML_Char *value, int value_length,
                                       const XML_Char *base, const XML_Char *sysid,
                                       const XML_Char *pubid, const XML_Char *notation)
{
    struct xml_reader *r = ud;
    LT_UNUSED(is_parameter);
    LT_UNUSED(value);
    LT_UNUSED(value_length);
    LT_UNUSED(base);
    LT_UNUSED(sysid);
    LT_UNUSED(pubid);
    LT_UNUSED(notation);
    LT_UNUSED(name);
    xml_fail(r, LT_E_INPUT, "entity declarations are not allowed");
}

/* ---- driving expat ---------------------------------------------------------------------- */

static void *xml_mem_realloc(void *p, size_t n)
{
    return mem_realloc_array(p, n ? n : 1, 1);
}

static const XML_Memory_Handling_Suite xml_mem_suite = {mem_alloc, xml_mem_realloc, mem_free};

static XML_Parser xml_parser_new(void *user)
{
    /* Encoding forced to UTF-8: a declared encoding cannot switch it. */
    XML_Parser p = XML_ParserCreate_MM("UTF-8", &xml_mem_suite, XML_NS_SEP_STR);
    if (p) {
        XML_SetUserData(p, user);
        XML_SetStartDoctypeDeclHandler(p, xml_on_doctype);
        XML_SetEntityDeclHandler(p, xml_on_entity_decl);
        XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    }
    return p;
}

static enum lt_rc xml_feed(struct xml_reader *r, const char *data, size_t len)
{
    size_t off = 0;
    do {
        size_t n = len - off < XML_CHUNK ? len - off : XML_CHUNK;
        bool last = off + n == len;
        if (XML_Parse(r->parser, data + off, (int)n, last) != XML_STATUS_OK) {
            if (r->rc != LT_OK) {
                return r->rc;
            }
            enum XML_Error code = XML_GetErrorCode(r->parser);
            return lt_fail(r->err, LT_E_INPUT, "line %lu, column %lu: %s", xml_line(r),
                           xml_column(r), XML_ErrorString(code));
        }
        off += n;
    } while (off < len);
    return r->rc;
}

static char *xml_take_string(const cJSON *obj, const char *key)
{
    const char *s = json_get_string(obj, key);
    return s ? mem_strdup(s) : NULL;
}

/* How many bytes of a server message to quote: at most XML_MESSAGE_MAX, cut at a character. */
static int xml_message_len(const char *s)
{
    size_t n = strlen(s);
    if (n <= XML_MESSAGE_MAX) {
        return (int)n;
    }
    n = XML_MESSAGE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return (int)n;
}

static enum lt_rc xml_service_error(const struct xml_reader *r, struct aws_service_error *svc,
                                    struct lt_error *err)
{
    const cJSON *detail = json_get_object(r->root, "Error");
    const cJSON *list = json_get_array(r->root, "Errors");
    if (list) {
        detail = cJSON_GetArrayItem(list, 0);
    }
    const char *request_id = json_get_string(
        r->root, r->op->output_shape == XML_ERR_EC2_DOC ? "RequestID" : "RequestId");
    const char *code = json_get_string(detail, "Code");
    if (!code || !*code) {
        return lt_fail(err, LT_E_INPUT, "error document '%s' without a 'Code'", r->op->name);
    }
    const char *message = json_get_string(detail, "Message");
    if (svc) {
        svc->code = mem_strdup(code);
        svc->message = xml_take_string(detail, "Message");
        svc->request_id = request_id ? mem_strdup(request_id) : NULL;
    }
    if (message && *message) {
        return lt_fail(err, LT_E_AWS, "%s: %.*s%s", code, xml_message_len(message), message,
                       (size_t)xml_message_len(message) < strlen(message) ? "..." : "");
    }
    return lt_fail(err, LT_E_AWS, "%s", code);
}

enum lt_rc xml_parse_response(const struct shape_model *m, const char *data, size_t len,
                              const struct shape_operation **op, cJSON **result,
                              struct aws_service_error *svc, struct lt_error *err)
{
    *op = NULL;
    *result = NULL;
    if (svc) {
        *svc = (struct aws_service_error){NULL, NULL, NULL};
    }
    struct xml_reader r = {.m = m, .text = BUF_INIT(XML_MAX_TEXT), .err = err};
    r.parser = xml_parser_new(&r);
    if (!r.parser) {
        return lt_fail(err, LT_E_INTERNAL, "cannot create an XML parser");
    }
    XML_SetElementHandler(r.parser, xml_on_start, xml_on_end);
    XML_SetCharacterDataHandler(r.parser, xml_on_text);
    enum lt_rc rc = xml_feed(&r, data, len);
    if (rc == LT_OK && r.m == &xml_error_model) {
        rc = xml_service_error(&r, svc, err);
    }
    XML_ParserFree(r.parser);
    buf_release(&r.text);
    if (rc != LT_OK) {
        cJSON_Delete(r.root);
        return rc;
    }
    *op = r.op;
    *result = r.root;
    return LT_OK;
}

/* A model with no operations: only the error documents' roots are known. */
static const struct shape_model xml_no_service = {
    .service = "none",
    .api_version = "",
    .model_source = "xml.c",
};

enum lt_rc xml_parse_error_document(const char *data, size_t len, struct aws_service_error *svc,
                                    struct lt_error *err)
{
    const struct shape_operation *op = NULL;
    cJSON *result = NULL;
    enum lt_rc rc = xml_parse_response(&xml_no_service, data, len, &op, &result, svc, err);
    if (rc == LT_OK) {
        /* unreachable: xml_no_service has no operation a root could name */
        cJSON_Delete(result);
        rc = lt_fail(err, LT_E_INTERNAL, "not an error document");
    }
    return rc;
}

void aws_service_error_release(struct aws_service_error *e)
{
    mem_free(e->code);
    mem_free(e->message);
    mem_free(e->request_id);
    *e = (struct aws_service_error){NULL, NULL, NULL};
}

/* ---- cheap check ------------------------------------------------------------------------ */

struct xml_sniff {
    XML_Parser parser;
    bool is_error;
};

static void XMLCALL xml_sniff_start(void *ud, const XML_Char *qname, const XML_Char **atts)
{
    struct xml_sniff *s = ud;
    LT_UNUSED(atts);
    s->is_error = xml_find_root(&xml_error_model, xml_local_name(qname)) != NULL;
    XML_StopParser(s->parser, XML_FALSE);
}

static void XMLCALL xml_sniff_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                      const XML_Char *pubid, int has_internal_subset)
{
    struct xml_sniff *s = ud;
    LT_UNUSED(name);
    LT_UNUSED(sysid);
    LT_UNUSED(pubid);
    LT_UNUSED(has_internal_subset);
    XML_StopParser(s->parser, XML_FALSE);
}

bool xml_is_error_document(const char *data, size_t len)
{
    struct xml_sniff s = {NULL, false};
    s.parser = XML_ParserCreate_MM("UTF-8", &xml_mem_suite, XML_NS_SEP_STR);
    if (!s.parser) {
        return false;
    }
    XML_SetUserData(s.parser, &s);
    XML_SetStartElementHandler(s.parser, xml_sniff_start);
    XML_SetStartDoctypeDeclHandler(s.parser, xml_sniff_doctype);
    size_t n = len < XML_CHUNK ? len : XML_CHUNK;
    (void)XML_Parse(s.parser, data, (int)n, n == len);
    XML_ParserFree(s.parser);
    return s.is_error;
}
