/*
 * query.h - request bodies of the AWS Query protocol (EC2 and STS):
 * "Action=<op>&Version=<api version>&name=value..." with names and values
 * percent-encoded the SigV4 way (sigv4_uri_encode: only A-Z a-z 0-9 - _ . ~
 * stay literal, so "$Latest" is sent as "%24Latest").
 *
 * Owns: the form encoding of Query requests.
 * May call: base, sigv4 (the encoder).
 */
#ifndef LT_AWS_QUERY_H
#define LT_AWS_QUERY_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

#define QUERY_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

/* Starts a body: "Action=<action>&Version=<version>" (body must be empty). */
LT_MUST_CHECK enum lt_rc query_begin(struct buf *body, const char *action, const char *version);
/* Appends "&<name>=<value>", both encoded. */
LT_MUST_CHECK enum lt_rc query_param(struct buf *body, const char *name, const char *value);
/* Appends "&<name>=<decimal value>". */
LT_MUST_CHECK enum lt_rc query_param_int(struct buf *body, const char *name, int64_t value);

#endif
