/*
 * http.h - every HTTP exchange ltsnap makes, through libcurl's multi
 * interface: a queue of calls, bounded concurrency, connection reuse,
 * timeouts, SigV4 signing of each attempt, retries and client-side rate
 * limits. It knows nothing of EC2 and never asks for credentials: a call
 * carries the credentials it is to be signed with.
 *
 * Owns: struct http_client (one curl multi handle and its queue) and
 *       struct http_call (one logical request, retried as its policy says).
 * May call: base, sigv4, retry, ratelimit, xml (to read error codes), libcurl.
 *
 * Life of a call: the caller fills the request part, submits it, and runs
 * the client. The client sends it when a connection slot is free and its
 * rate limit allows; signs each attempt afresh (new X-Amz-Date); on a
 * response classifies the outcome (retry.h): a 2xx goes to accept(), which
 * may call it unusable (truncated or unparseable: retried as transient);
 * an error document's Code decides throttled / transient / permanent;
 * retries wait their backoff without blocking other calls. When the call is
 * finished for good, done() runs exactly once; it may submit more calls.
 * Calls start in submission order, urgent ones first (see `urgent`).
 *
 * Ownership: everything a call points to (url, headers, body, signing
 * strings, retry config, quota, rate limit, ctx) is borrowed and must stay
 * valid until done() has run. Results in the call are owned by the call and
 * freed by http_call_release().
 */
#ifndef LT_AWS_HTTP_H
#define LT_AWS_HTTP_H

#include "aws/ratelimit.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

struct http_options {
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* whole transfer; 0: 60 s */
    long low_speed_secs;     /* abort a transfer slower than 1 byte/s for this long; 0: 30 */
    const char *ca_bundle;  /* PEM file replacing the system trust store (AWS_CA_BUNDLE), or NULL */
    size_t max_response;    /* response body cap; 0: 64 MiB */
    int max_concurrency;    /* calls in flight; 0: 8 */
    const char *user_agent; /* NULL: "ltsnap/<version>" */
};

struct http_header {
    const char *name;
    const char *value;
};

/*
 * Calls that share a limit of their own on calls in flight (the calls of
 * one endpoint), on top of the client's. Plain data owned by the caller,
 * borrowed by every call that points to it.
 */
struct http_group {
    int max_in_flight; /* <= 0: no limit of its own */
    int in_flight;     /* maintained by the client */
};

struct http_signing {
    struct sigv4_credentials creds; /* borrowed */
    const char *region;
    const char *service;
};

struct http_call {
    /* request, set by the caller */
    const char *method; /* "GET", "POST", "PUT" */
    const char *url;
    const struct http_header *headers; /* extra headers (not Host) */
    size_t nheaders;
    const char *body;
    size_t body_len;
    const struct http_signing *signing; /* NULL: unsigned */
    const struct retry_config *retry;   /* NULL: one attempt */
    struct retry_quota *quota;          /* shared budget or NULL */
    struct ratelimit *ratelimit;        /* shared limiter or NULL */
    struct http_group *group;           /* shared in-flight limit or NULL */
    /*
     * Inspects a 2xx response (call->response). Return LT_OK to accept it;
     * LT_E_INPUT means the body is unusable and the attempt is retried as
     * transient. NULL accepts every 2xx.
     */
    enum lt_rc (*accept)(struct http_call *call, void *ctx);
    void (*done)(struct http_call *call, void *ctx);
    void *ctx;
    /* Optional: debug-log label ("ec2 us-east-1 DescribeLaunchTemplates"). */
    const char *label;
    /*
     * Goes before the calls that are not urgent, for a connection slot and
     * for its rate limit's next token (a chain of pages that other calls
     * must not hold up). Among urgent calls, and among the others, first
     * come first served.
     */
    bool urgent;

    /* results, valid in done() */
    enum lt_rc rc;                /* LT_OK, LT_E_AWS (svc set), LT_E_NET, LT_E_INPUT, ... */
    long status;                  /* HTTP status of the last attempt, 0 if none */
    struct buf response;          /* body of the last attempt */
    struct aws_service_error svc; /* error document of the last attempt, if any */
    struct lt_error err;          /* why it failed */
    int attempts;
    int throttled; /* attempts answered with throttling */

    /* private to http.c */
    void *priv;
};

struct http_stats {
    uint64_t calls;    /* logical calls finished */
    uint64_t attempts; /* requests sent */
    uint64_t retries;
    uint64_t throttled;
};

struct http_client;

LT_MUST_CHECK enum lt_rc http_client_new(const struct http_options *opts, struct http_client **out,
                                         struct lt_error *err);
void http_client_free(struct http_client *c);

/* Prepares a call's result fields; call before filling the request part. */
void http_call_init(struct http_call *call);
/* Frees the results. */
void http_call_release(struct http_call *call);

/* Queues a call (borrowed until its done() ran). */
void http_client_submit(struct http_client *c, struct http_call *call);
/*
 * Runs until every submitted call (and every call submitted from done())
 * is finished. Returns LT_OK unless the client itself broke (curl multi
 * failure): call failures are reported in each call.
 */
LT_MUST_CHECK enum lt_rc http_client_run(struct http_client *c, struct lt_error *err);
/* Changes the client's limit of calls in flight (<= 0: the default). */
void http_client_set_concurrency(struct http_client *c, int max_in_flight);
/* Optional progress hook, called about twice a second while running. */
void http_client_on_tick(struct http_client *c, void (*tick)(void *ctx), void *ctx);
void http_client_stats(const struct http_client *c, struct http_stats *out);

/*
 * Runs one call to completion on a private client (for credential sources:
 * IMDS, containers, SSO, STS). call->done may be NULL. Returns call->rc.
 */
LT_MUST_CHECK enum lt_rc http_call_run(const struct http_options *opts, struct http_call *call);

#endif
