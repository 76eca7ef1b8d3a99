/*
 * xml.h - the one user of expat: AWS Query / EC2 XML responses into
 * member-name cJSON (see shape.h), and AWS error documents into a code and
 * message. Pure.
 *
 * Owns: reading AWS XML.
 * May call: base, shape, expat, cJSON.
 *
 * Rules:
 * - The operation is recognised by the root element
 *   (<DescribeLaunchTemplatesResponse>, <AssumeRoleResponse>, ...); for
 *   Query-protocol services the members sit inside <{Operation}Result>.
 * - Elements unknown to the model are skipped with their whole subtree: the
 *   model grows and a parser must keep going.
 * - Namespaces are ignored (AWS uses one default namespace).
 * - Limits: nesting depth 64, one text value 1 MiB, document size is the
 *   caller's (the bytes are given in one piece). Exceeding one is LT_E_LIMIT.
 * - Malformed XML, invalid UTF-8 and a value of the wrong type are
 *   LT_E_INPUT with the line and column.
 * - Error documents: EC2's <Response><Errors><Error><Code/><Message/>
 *   </Error></Errors><RequestID/></Response> and the Query protocol's
 *   <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>
 *   </ErrorResponse>. xml_parse_response returns LT_E_AWS for them and fills
 *   struct aws_service_error.
 */
#ifndef LT_AWS_XML_H
#define LT_AWS_XML_H

#include <cjson/cJSON.h>

#include "aws/shape.h"
#include "base/err.h"
#include "base/lt.h"

/* What a service said when it refused a request. All strings owned (may be NULL). */
struct aws_service_error {
    char *code;    /* "InvalidLaunchTemplateId.NotFound" */
    char *message; /* free text from the server: untrusted, log it escaped */
    char *request_id;
};

void aws_service_error_release(struct aws_service_error *e);

/*
 * Parses one response document. On LT_OK, *op is the operation the root
 * element names and *result its output in member-name shape (caller owns).
 * On LT_E_AWS (an error document) svc is filled and err says
 * "<Code>: <Message>". Otherwise LT_E_INPUT / LT_E_LIMIT with err set.
 */
LT_MUST_CHECK enum lt_rc xml_parse_response(const struct shape_model *m, const char *data,
                                            size_t len, const struct shape_operation **op,
                                            cJSON **result, struct aws_service_error *svc,
                                            struct lt_error *err);

/*
 * Reads an error body without a service model (the transport's view of a
 * 4xx/5xx answer). LT_E_AWS with svc filled and err "<Code>: <Message>" when
 * the bytes are an EC2 or Query error document with a code; otherwise
 * LT_E_INPUT / LT_E_LIMIT with err saying why (not XML, another root element,
 * no Code). svc is overwritten: release it before reuse.
 */
LT_MUST_CHECK enum lt_rc xml_parse_error_document(const char *data, size_t len,
                                                  struct aws_service_error *svc,
                                                  struct lt_error *err);

/* True when the bytes look like an AWS error document (cheap check of the root element). */
bool xml_is_error_document(const char *data, size_t len);

#endif
