#include "aws/http.h"

#include <curl/curl.h>
#include <string.h>
#include <sys/random.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_LOW_SPEED_SECS 30L
#define DEFAULT_MAX_RESPONSE ((size_t)64 * 1024 * 1024)
#define DEFAULT_CONCURRENCY 8
#define TICK_MS 500

/* Per-call state while the client owns the call. */
struct call_state {
    struct http_call *call;
    struct call_state *next; /* in the ready queue, the waiting list or the active list */
    uint64_t not_before_ms;  /* waiting: earliest start of the next attempt */
    int retry_cost;          /* quota taken by the last retry */
    /* the attempt in flight */
    CURL *easy;
    struct curl_slist *headers;
    struct sigv4_signed sig;
    bool too_large;
    char curl_error[CURL_ERROR_SIZE];
};

struct http_client {
    CURLM *multi;
    struct http_options opts;
    struct call_state *ready_head, *ready_tail; /* FIFO, urgent calls first */
    struct call_state *ready_urgent_tail;       /* last urgent call in the ready queue */
    struct call_state *waiting;                 /* sorted by not_before_ms, urgent first */
    struct call_state *waiting_tail;
    struct call_state *blocked, *blocked_tail; /* FIFO: their group was full */
    struct call_state *active;                 /* attempts in flight */
    int in_flight;
    uint64_t rng;
    void (*tick)(void *ctx);
    void *tick_ctx;
    struct http_stats stats;
};

static enum lt_rc global_init(struct lt_error *err)
{
    static bool done;
    if (!done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            return lt_fail(err, LT_E_INTERNAL, "cannot initialise libcurl");
        }
        done = true;
    }
    return LT_OK;
}

static void apply_defaults(struct http_options *o)
{
    if (o->connect_timeout_ms <= 0) {
        o->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    }
    if (o->timeout_ms <= 0) {
        o->timeout_ms = DEFAULT_TIMEOUT_MS;
    }
    if (o->low_speed_secs <= 0) {
        o->low_speed_secs = DEFAULT_LOW_SPEED_SECS;
    }
    if (o->max_response == 0) {
        o->max_response = DEFAULT_MAX_RESPONSE;
    }
    if (o->max_concurrency <= 0) {
        o->max_concurrency = DEFAULT_CONCURRENCY;
    }
    if (!o->user_agent) {
        o->user_agent = "ltsnap/" LT_VERSION;
    }
}

static uint64_t seed_rng(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed)) {
        seed = clock_monotonic_ms() ^ ((uint64_t)clock_now() << 20);
    }
    return seed ? seed : 0x9E3779B97F4A7C15ULL;
}

/* xorshift64*: jitter only needs to be spread, not unpredictable. */
static uint32_t next_random(struct http_client *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return (uint32_t)((c->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

enum lt_rc http_client_new(const struct http_options *opts, struct http_client **out,
                           struct lt_error *err)
{
    *out = NULL;
    LT_TRY(global_init(err));
    struct http_client *c = mem_calloc(1, sizeof(*c));
    if (opts) {
        c->opts = *opts;
    }
    apply_defaults(&c->opts);
    c->multi = curl_multi_init();
    if (!c->multi) {
        mem_free(c);
        return lt_fail(err, LT_E_INTERNAL, "cannot create a libcurl multi handle");
    }
    c->rng = seed_rng();
    *out = c;
    return LT_OK;
}

void http_client_set_concurrency(struct http_client *c, int max_in_flight)
{
    c->opts.max_concurrency = max_in_flight > 0 ? max_in_flight : DEFAULT_CONCURRENCY;
}

void http_client_on_tick(struct http_client *c, void (*tick)(void *ctx), void *ctx)
{
    c->tick = tick;
    c->tick_ctx = ctx;
}

void http_client_stats(const struct http_client *c, struct http_stats *out)
{
    *out = c->stats;
}

void http_call_init(struct http_call *call)
{
    memset(call, 0, sizeof(*call));
    buf_init(&call->response, DEFAULT_MAX_RESPONSE);
    lt_error_init(&call->err);
}

void http_call_release(struct http_call *call)
{
    buf_release(&call->response);
    aws_service_error_release(&call->svc);
    lt_error_release(&call->err);
}

/* Appends s to the queue from *head to *tail (both NULL when it is empty). */
static void queue_append(struct call_state **head, struct call_state **tail, struct call_state *s)
{
    s->next = NULL;
    if (*tail) {
        (*tail)->next = s;
    } else {
        *head = s;
    }
    *tail = s;
}

/* Appends to the ready queue; an urgent call goes after the urgent ones already there. */
static void push_ready(struct http_client *c, struct call_state *s)
{
    if (s->call->urgent) {
        struct call_state **p = c->ready_urgent_tail ? &c->ready_urgent_tail->next : &c->ready_head;
        s->next = *p;
        *p = s;
        if (!s->next) {
            c->ready_tail = s;
        }
        c->ready_urgent_tail = s;
        return;
    }
    queue_append(&c->ready_head, &c->ready_tail, s);
}

static struct call_state *pop_ready(struct http_client *c)
{
    struct call_state *s = c->ready_head;
    if (s) {
        c->ready_head = s->next;
        if (!c->ready_head) {
            c->ready_tail = NULL;
        }
        if (c->ready_urgent_tail == s) {
            c->ready_urgent_tail = NULL;
        }
        s->next = NULL;
    }
    return s;
}

/* True when a waits behind b: later, or as late and b is urgent while a is not. */
static bool waits_behind(const struct call_state *a, uint64_t a_time, const struct call_state *b)
{
    if (b->not_before_ms != a_time) {
        return b->not_before_ms < a_time;
    }
    return b->call->urgent || !a->call->urgent;
}

/*
 * Inserts in not_before order; at equal times urgent calls go first and
 * otherwise submission order is kept. Most insertions go last (the calls
 * of one rate limit all wait for the same time), so the tail is tried first.
 */
static void push_waiting(struct http_client *c, struct call_state *s, uint64_t not_before_ms)
{
    s->not_before_ms = not_before_ms;
    if (!c->waiting || waits_behind(s, not_before_ms, c->waiting_tail)) {
        queue_append(&c->waiting, &c->waiting_tail, s);
        return;
    }
    struct call_state **p = &c->waiting;
    while (*p && waits_behind(s, not_before_ms, *p)) {
        p = &(*p)->next;
    }
    s->next = *p;
    *p = s;
}

static void push_blocked(struct http_client *c, struct call_state *s)
{
    queue_append(&c->blocked, &c->blocked_tail, s);
}

/* A group has a free slot again: every blocked call goes back to the ready queue, in order. */
static void unblock_all(struct http_client *c)
{
    struct call_state *s = c->blocked;
    c->blocked = c->blocked_tail = NULL;
    while (s) {
        struct call_state *next = s->next;
        push_ready(c, s);
        s = next;
    }
}

static bool group_full(const struct http_group *g)
{
    return g && g->max_in_flight > 0 && g->in_flight >= g->max_in_flight;
}

static struct call_state *pop_waiting(struct http_client *c)
{
    struct call_state *s = c->waiting;
    if (s) {
        c->waiting = s->next;
        if (!c->waiting) {
            c->waiting_tail = NULL;
        }
        s->next = NULL;
    }
    return s;
}

void http_client_submit(struct http_client *c, struct http_call *call)
{
    struct call_state *s = mem_calloc(1, sizeof(*s));
    s->call = call;
    call->response.max = c->opts.max_response;
    call->priv = s;
    push_ready(c, s);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct call_state *s = userp;
    size_t n = size * nmemb;
    if (buf_add(&s->call->response, data, n) != LT_OK) {
        s->too_large = true;
        return 0; /* makes curl fail the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

/* "Host" header value as it goes on the wire: host, plus the port when not the default. */
static enum lt_rc url_parts(const char *url, struct buf *host, struct buf *path, struct buf *query,
                            struct lt_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *h = NULL, *port = NULL, *p = NULL, *q = NULL;
    enum lt_rc rc = LT_OK;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK) {
        rc = lt_fail(err, LT_E_CONFIG, "invalid URL '%s'", url);
        goto out;
    }
    (void)curl_url_get(u, CURLUPART_PORT, &port, 0);
    (void)curl_url_get(u, CURLUPART_QUERY, &q, 0);
    if (buf_adds(host, h) != LT_OK ||
        (port && (buf_addc(host, ':') != LT_OK || buf_adds(host, port) != LT_OK)) ||
        buf_adds(path, p) != LT_OK || (q && buf_adds(query, q) != LT_OK)) {
        rc = lt_fail(err, LT_E_CONFIG, "URL too long '%s'", url);
    }
out:
    curl_free(scheme);
    curl_free(h);
    curl_free(port);
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    return rc;
}

static enum lt_rc add_header(struct curl_slist **list, const char *name, const char *value,
                             struct lt_error *err)
{
    struct buf line = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = LT_OK;
    if (buf_printf(&line, "%s: %s", name, value) != LT_OK) {
        rc = lt_fail(err, LT_E_LIMIT, "header '%s' too long", name);
    } else {
        struct curl_slist *l = curl_slist_append(*list, buf_str(&line));
        if (!l) {
            rc = lt_fail(err, LT_E_INTERNAL, "out of memory building headers");
        } else {
            *list = l;
        }
    }
    buf_release_secret(&line);
    return rc;
}

/* Signs the attempt and builds its header list (Host first, as sent). */
static enum lt_rc build_headers(struct call_state *s, struct lt_error *err)
{
    struct http_call *call = s->call;
    struct buf host = BUF_INIT(BUF_MAX_SMALL);
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    struct buf query = BUF_INIT(BUF_MAX_SMALL);
    struct sigv4_header *sh = NULL;
    enum lt_rc rc = url_parts(call->url, &host, &path, &query, err);
    if (rc == LT_OK) {
        rc = add_header(&s->headers, "Host", buf_str(&host), err);
    }
    for (size_t i = 0; rc == LT_OK && i < call->nheaders; i++) {
        rc = add_header(&s->headers, call->headers[i].name, call->headers[i].value, err);
    }
    if (rc == LT_OK && call->signing) {
        sh = mem_calloc(call->nheaders + 1, sizeof(*sh));
        sh[0].name = "host";
        sh[0].value = buf_str(&host);
        for (size_t i = 0; i < call->nheaders; i++) {
            sh[i + 1].name = call->headers[i].name;
            sh[i + 1].value = call->headers[i].value;
        }
        struct sigv4_request req = {call->method,
                                    buf_str(&path),
                                    query.len ? buf_str(&query) : NULL,
                                    sh,
                                    call->nheaders + 1,
                                    call->body,
                                    call->body_len};
        struct sigv4_params params = {
            call->signing->region, call->signing->service, clock_now(), true, false, false};
        rc = sigv4_sign(&req, &call->signing->creds, &params, &s->sig, err);
        if (rc == LT_OK) {
            rc = add_header(&s->headers, "X-Amz-Date", s->sig.amz_date, err);
        }
        if (rc == LT_OK && s->sig.security_token) {
            rc = add_header(&s->headers, "X-Amz-Security-Token", s->sig.security_token, err);
        }
        if (rc == LT_OK) {
            rc = add_header(&s->headers, "Authorization", s->sig.authorization, err);
        }
    }
    /* No "Expect: 100-continue" round trip for form bodies. */
    if (rc == LT_OK) {
        struct curl_slist *l = curl_slist_append(s->headers, "Expect:");
        rc = l ? LT_OK : lt_fail(err, LT_E_INTERNAL, "out of memory building headers");
        if (l) {
            s->headers = l;
        }
    }
    mem_free(sh);
    buf_release(&host);
    buf_release(&path);
    buf_release(&query);
    return rc;
}

static void unlink_active(struct http_client *c, struct call_state *s)
{
    for (struct call_state **p = &c->active; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            s->next = NULL;
            c->in_flight--;
            if (s->call->group) {
                s->call->group->in_flight--;
                unblock_all(c);
            }
            return;
        }
    }
}

static void end_attempt(struct call_state *s)
{
    if (s->easy) {
        curl_easy_cleanup(s->easy);
        s->easy = NULL;
    }
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    sigv4_signed_release(&s->sig);
}

#define SETOPT(easy, opt, val) (curl_easy_setopt((easy), (opt), (val)) == CURLE_OK)

static bool configure_easy(struct http_client *c, struct call_state *s)
{
    struct http_call *call = s->call;
    CURL *e = s->easy;
    const struct http_options *o = &c->opts;
    bool ok =
        SETOPT(e, CURLOPT_URL, call->url) && SETOPT(e, CURLOPT_PRIVATE, s) &&
        SETOPT(e, CURLOPT_HTTPHEADER, s->headers) && SETOPT(e, CURLOPT_WRITEFUNCTION, on_body) &&
        SETOPT(e, CURLOPT_WRITEDATA, s) && SETOPT(e, CURLOPT_ERRORBUFFER, s->curl_error) &&
        SETOPT(e, CURLOPT_NOSIGNAL, 1L) && SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https") &&
        SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L) &&
        SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms) &&
        SETOPT(e, CURLOPT_TIMEOUT_MS, o->timeout_ms) && SETOPT(e, CURLOPT_LOW_SPEED_LIMIT, 1L) &&
        SETOPT(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_secs) &&
        SETOPT(e, CURLOPT_USERAGENT, o->user_agent) && SETOPT(e, CURLOPT_ACCEPT_ENCODING, "") &&
        SETOPT(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response);
    if (ok && o->ca_bundle) {
        ok = SETOPT(e, CURLOPT_CAINFO, o->ca_bundle);
    }
    if (!ok) {
        return false;
    }
    if (strcmp(call->method, "POST") == 0) {
        return SETOPT(e, CURLOPT_POST, 1L) &&
               SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len) &&
               SETOPT(e, CURLOPT_POSTFIELDS, call->body ? call->body : "");
    }
    if (strcmp(call->method, "GET") == 0) {
        return SETOPT(e, CURLOPT_HTTPGET, 1L);
    }
    /* PUT and others without a body (the IMDSv2 token request). */
    return SETOPT(e, CURLOPT_CUSTOMREQUEST, call->method) &&
           (!call->body_len ||
            (SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len) &&
             SETOPT(e, CURLOPT_POSTFIELDS, call->body)));
}

static void finish_call(struct http_client *c, struct call_state *s);
static void abandon_all(struct http_client *c);

/* Starts one attempt; a call that cannot even be sent finishes at once. */
static void start_attempt(struct http_client *c, struct call_state *s)
{
    struct http_call *call = s->call;
    buf_reset(&call->response);
    aws_service_error_release(&call->svc);
    lt_error_clear(&call->err);
    s->too_large = false;
    s->curl_error[0] = '\0';
    call->attempts++;
    c->stats.attempts++;
    enum lt_rc rc = build_headers(s, &call->err);
    if (rc == LT_OK) {
        s->easy = curl_easy_init();
        if (!s->easy || !configure_easy(c, s) ||
            curl_multi_add_handle(c->multi, s->easy) != CURLM_OK) {
            rc = lt_fail(&call->err, LT_E_INTERNAL, "cannot set up a libcurl transfer");
        }
    }
    if (rc != LT_OK) {
        call->rc = rc;
        end_attempt(s);
        finish_call(c, s);
        return;
    }
    s->next = c->active;
    c->active = s;
    c->in_flight++;
    if (call->group) {
        call->group->in_flight++;
    }
    log_debug("%s: attempt %d", call->label ? call->label : call->url, call->attempts);
}

static void finish_call(struct http_client *c, struct call_state *s)
{
    struct http_call *call = s->call;
    call->priv = NULL;
    mem_free(s);
    c->stats.calls++;
    if (call->done) {
        call->done(call, call->ctx);
    }
}

/* curl results that retrying cannot fix. */
static bool curl_error_is_permanent(CURLcode cc)
{
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
        return true;
    default:
        return false;
    }
}

/* Reads the outcome of the attempt that just ended into o; sets call->rc and err for failure. */
static void judge_attempt(struct call_state *s, CURLcode cc, struct retry_outcome *o)
{
    struct http_call *call = s->call;
    memset(o, 0, sizeof(*o));
    long status = 0;
    if (cc == CURLE_OK) {
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    }
    call->status = status;
    o->http_status = status;
    if (cc != CURLE_OK) {
        o->transport_failed = true;
        o->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
        if (s->too_large || cc == CURLE_FILESIZE_EXCEEDED) {
            call->rc = lt_fail(&call->err, LT_E_LIMIT, "response larger than %zu bytes",
                               call->response.max);
            o->transport_failed = false;
            o->http_status = 400; /* permanent: make the classifier refuse a retry */
        } else {
            call->rc = lt_fail(&call->err, LT_E_NET, "%s",
                               s->curl_error[0] ? s->curl_error : curl_easy_strerror(cc));
            if (curl_error_is_permanent(cc)) {
                o->transport_failed = false;
                o->http_status = 400;
            }
        }
        return;
    }
    if (status >= 200 && status < 300) {
        call->rc = LT_OK;
        if (call->accept) {
            enum lt_rc rc = call->accept(call, call->ctx);
            if (rc != LT_OK) {
                o->body_unusable = rc == LT_E_INPUT;
                call->rc = rc;
                if (call->err.code == LT_OK) {
                    lt_fail(&call->err, rc, "unusable response body");
                }
                if (!o->body_unusable) {
                    o->http_status = 400;
                }
            }
        }
        return;
    }
    struct lt_error perr = LT_ERROR_INIT;
    if (xml_parse_error_document(buf_str(&call->response), call->response.len, &call->svc, &perr) ==
        LT_E_AWS) {
        o->error_code = call->svc.code;
        call->rc = lt_fail(&call->err, LT_E_AWS, "%s", lt_error_message(&perr));
    } else {
        call->rc = lt_fail(&call->err, LT_E_AWS, "HTTP %ld", status);
    }
    lt_error_release(&perr);
}

/* Decides retry or finish after an attempt. */
static void after_attempt(struct http_client *c, struct call_state *s, CURLcode cc)
{
    struct http_call *call = s->call;
    struct retry_outcome o;
    judge_attempt(s, cc, &o);
    end_attempt(s);
    enum retry_class cls = retry_classify(&o);
    uint64_t now = clock_monotonic_ms();
    if (cls == RETRY_CLASS_THROTTLED) {
        call->throttled++;
        c->stats.throttled++;
        if (call->ratelimit) {
            ratelimit_on_throttle(call->ratelimit, now);
        }
    }
    if (cls == RETRY_CLASS_SUCCESS) {
        if (call->quota) {
            retry_quota_success(call->quota, s->retry_cost);
        }
        if (call->ratelimit) {
            ratelimit_on_success(call->ratelimit, now);
        }
        finish_call(c, s);
        return;
    }
    bool retryable = cls == RETRY_CLASS_THROTTLED || cls == RETRY_CLASS_TRANSIENT;
    int cost = 0;
    if (retryable && call->retry && call->attempts < call->retry->max_attempts &&
        (!call->quota || retry_quota_take(call->quota, call->retry, o.timed_out, &cost))) {
        s->retry_cost = cost;
        uint64_t delay = retry_delay_ms(call->retry, call->attempts, next_random(c));
        c->stats.retries++;
        log_debug("%s: attempt %d failed (%s), retrying in %llu ms",
                  call->label ? call->label : call->url, call->attempts,
                  lt_error_message(&call->err), (unsigned long long)delay);
        push_waiting(c, s, now + delay);
        return;
    }
    finish_call(c, s);
}

static void collect_finished(struct http_client *c)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        struct call_state *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        CURLcode cc = msg->data.result;
        curl_multi_remove_handle(c->multi, msg->easy_handle);
        unlink_active(c, s);
        after_attempt(c, s, cc);
    }
}

/* Moves due waiters to the ready queue, then starts what slots and rate limits allow. */
static void start_due(struct http_client *c, uint64_t now)
{
    while (c->waiting && c->waiting->not_before_ms <= now) {
        push_ready(c, pop_waiting(c));
    }
    while (c->in_flight < c->opts.max_concurrency) {
        struct call_state *s = pop_ready(c);
        if (!s) {
            break;
        }
        if (group_full(s->call->group)) {
            push_blocked(c, s);
            continue;
        }
        uint64_t wait = s->call->ratelimit ? ratelimit_take(s->call->ratelimit, now) : 0;
        if (wait) {
            /* Equal wake-up times keep their order, so a limiter serves calls FIFO. */
            push_waiting(c, s, now + wait);
            continue;
        }
        start_attempt(c, s);
    }
}

static bool idle(const struct http_client *c)
{
    return c->in_flight == 0 && !c->ready_head && !c->waiting && !c->blocked;
}

enum lt_rc http_client_run(struct http_client *c, struct lt_error *err)
{
    uint64_t last_tick = clock_monotonic_ms();
    for (;;) {
        uint64_t now = clock_monotonic_ms();
        start_due(c, now);
        if (idle(c)) {
            break;
        }
        int running = 0;
        if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
            abandon_all(c);
            return lt_fail(err, LT_E_INTERNAL, "libcurl multi interface failed");
        }
        collect_finished(c);
        if (idle(c)) {
            break; /* the last done() submitted nothing more: no reason to wait */
        }
        if (!c->ready_head || c->in_flight >= c->opts.max_concurrency) {
            long timeout = TICK_MS;
            if (c->waiting) {
                uint64_t due = c->waiting->not_before_ms;
                long until = due > now ? (long)(due - now) : 0;
                timeout = until < timeout ? until : timeout;
            }
            if (c->in_flight > 0 || timeout > 0) {
                if (curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL) != CURLM_OK) {
                    abandon_all(c);
                    return lt_fail(err, LT_E_INTERNAL, "libcurl multi interface failed");
                }
            }
        }
        now = clock_monotonic_ms();
        if (c->tick && now - last_tick >= TICK_MS) {
            last_tick = now;
            c->tick(c->tick_ctx);
        }
    }
    return LT_OK;
}

/* Finishes every call the client still holds with LT_E_INTERNAL (after a multi failure). */
static void abandon_all(struct http_client *c)
{
    while (c->active) {
        struct call_state *s = c->active;
        curl_multi_remove_handle(c->multi, s->easy);
        unlink_active(c, s);
        end_attempt(s);
        s->call->rc = lt_fail(&s->call->err, LT_E_INTERNAL, "request abandoned");
        finish_call(c, s);
    }
    for (;;) {
        unblock_all(c);
        struct call_state *s = pop_ready(c);
        if (!s) {
            s = pop_waiting(c);
        }
        if (!s) {
            break;
        }
        s->call->rc = lt_fail(&s->call->err, LT_E_INTERNAL, "request abandoned");
        finish_call(c, s);
    }
}

void http_client_free(struct http_client *c)
{
    if (!c) {
        return;
    }
    abandon_all(c);
    curl_multi_cleanup(c->multi);
    mem_free(c);
}

enum lt_rc http_call_run(const struct http_options *opts, struct http_call *call)
{
    struct http_client *c = NULL;
    enum lt_rc rc = http_client_new(opts, &c, &call->err);
    if (rc != LT_OK) {
        call->rc = rc;
        return rc;
    }
    http_client_submit(c, call);
    rc = http_client_run(c, &call->err);
    if (rc != LT_OK) {
        call->rc = rc;
    }
    http_client_free(c);
    return call->rc;
}
