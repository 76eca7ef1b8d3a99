/*
 * Unit tests for aws/sigv4: every case of the AWS SigV4 test suite
 * (tests/vectors/sigv4, 38 cases), checked stage by stage and end to end,
 * plus the URI encoder, canonicalisation edge cases, input errors and
 * where secrets may (not) appear.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/json.h"
#include "base/mem.h"
#include "tap.h"

#define VECTOR_DIR "tests/vectors/sigv4"
#define VECTOR_CASES 38
#define TEXT_MAX ((size_t)1024 * 1024)

/* ---- request.txt reader ---------------------------------------------- */

/* A parsed raw HTTP request; everything owned. */
struct raw_request {
    char *method;
    char *path;
    char *query; /* NULL when the target has no '?' */
    char *version;
    char **names;
    struct buf *values; /* raw: leading spaces kept, folded lines joined with "\n" */
    size_t n;
    char *body;
    size_t body_len;
    struct sigv4_header *headers; /* views of names/values, built after parsing */
};

static void raw_request_release(struct raw_request *r)
{
    mem_free(r->method);
    mem_free(r->path);
    mem_free(r->query);
    mem_free(r->version);
    for (size_t i = 0; i < r->n; i++) {
        mem_free(r->names[i]);
        buf_release(&r->values[i]);
    }
    mem_free(r->names);
    mem_free(r->values);
    mem_free(r->body);
    mem_free(r->headers);
    memset(r, 0, sizeof(*r));
}

/* The next line at *pos: its start and length without "\n" or "\r\n"; false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len) {
        return false;
    }
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t k = nl ? (size_t)(nl - start) : len - *pos;
    *pos += nl ? k + 1 : k;
    if (k > 0 && start[k - 1] == '\r') {
        k--;
    }
    *line = start;
    *n = k;
    return true;
}

/* "METHOD SP target SP version"; the target may itself hold spaces. */
static bool parse_request_line(struct raw_request *r, const char *line, size_t n)
{
    const char *end = line + n;
    const char *sp1 = memchr(line, ' ', n);
    const char *sp2 = end;
    while (sp2 > line && sp2[-1] != ' ') {
        sp2--;
    }
    sp2--; /* the last space */
    if (!sp1 || sp2 <= sp1 || sp1 == line || sp2 + 1 == end) {
        tap_note("bad request line '%.*s'", (int)n, line);
        return false;
    }
    r->method = mem_strndup(line, (size_t)(sp1 - line));
    r->version = mem_strndup(sp2 + 1, (size_t)(end - sp2 - 1));
    const char *target = sp1 + 1;
    size_t tlen = (size_t)(sp2 - target);
    const char *q = memchr(target, '?', tlen);
    r->path = mem_strndup(target, q ? (size_t)(q - target) : tlen);
    if (q) {
        r->query = mem_strndup(q + 1, (size_t)(target + tlen - q - 1));
    }
    return true;
}

static bool add_header_line(struct raw_request *r, const char *line, size_t n)
{
    if (line[0] == ' ' || line[0] == '\t') {
        if (r->n == 0) {
            tap_note("continuation line before any header: '%.*s'", (int)n, line);
            return false;
        }
        struct buf *v = &r->values[r->n - 1];
        return buf_addc(v, '\n') == LT_OK && buf_add(v, line, n) == LT_OK;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon || colon == line) {
        tap_note("bad header line '%.*s'", (int)n, line);
        return false;
    }
    r->names = mem_realloc_array(r->names, r->n + 1, sizeof(*r->names));
    r->values = mem_realloc_array(r->values, r->n + 1, sizeof(*r->values));
    r->names[r->n] = mem_strndup(line, (size_t)(colon - line));
    buf_init(&r->values[r->n], TEXT_MAX);
    r->n++;
    return buf_add(&r->values[r->n - 1], colon + 1, (size_t)(line + n - colon - 1)) == LT_OK;
}

static void build_views(struct raw_request *r)
{
    r->headers = mem_calloc(r->n ? r->n : 1, sizeof(*r->headers));
    for (size_t i = 0; i < r->n; i++) {
        r->headers[i].name = r->names[i];
        r->headers[i].value = buf_str(&r->values[i]);
    }
}

/*
 * Request line, header lines (a line starting with a space or tab continues
 * the previous value), then either the end of the text or a blank line
 * followed by the body, taken byte for byte.
 */
static bool parse_request(const char *text, size_t len, struct raw_request *r)
{
    memset(r, 0, sizeof(*r));
    size_t pos = 0;
    const char *line;
    size_t n;
    if (!next_line(text, len, &pos, &line, &n) || !parse_request_line(r, line, n)) {
        return false;
    }
    while (next_line(text, len, &pos, &line, &n)) {
        if (n == 0) {
            r->body_len = len - pos;
            r->body = mem_strndup(text + pos, r->body_len);
            break;
        }
        if (!add_header_line(r, line, n)) {
            return false;
        }
    }
    build_views(r);
    return true;
}

static bool name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y) {
            return false;
        }
    }
    return *a == *b;
}

static void test_request_reader(void)
{
    static const char text[] = "POST /a b?x=1&y HTTP/1.1\r\nHost:h\r\nA: v1\r\n  more\r\n"
                               "A:v2\r\n\r\nbody\r\n";
    struct raw_request r;
    EXPECT(parse_request(text, sizeof(text) - 1, &r));
    EXPECT_STR(r.method, "POST");
    EXPECT_STR(r.path, "/a b");
    EXPECT_STR(r.query, "x=1&y");
    EXPECT_STR(r.version, "HTTP/1.1");
    EXPECT_INT(r.n, 3);
    EXPECT_STR(r.headers[1].name, "A");
    EXPECT_STR(r.headers[1].value, " v1\n  more");
    EXPECT_STR(r.headers[2].value, "v2");
    EXPECT_MEM(r.body, r.body_len, "body\r\n", 6);
    raw_request_release(&r);

    static const char bad[] = "GET / HTTP/1.1\n continued\n";
    EXPECT(!parse_request(bad, sizeof(bad) - 1, &r));
    raw_request_release(&r);
    static const char noquery[] = "GET /? HTTP/1.1\nHost:h";
    EXPECT(parse_request(noquery, sizeof(noquery) - 1, &r));
    EXPECT_STR(r.query, "");
    EXPECT_INT(r.n, 1);
    EXPECT_STR(r.headers[0].value, "h");
    EXPECT(r.body == NULL);
    raw_request_release(&r);
}

/* ---- the test-suite walk --------------------------------------------- */

/* "<dir>/<name>", owned. */
static char *join_path(const char *dir, const char *name)
{
    struct buf b = BUF_INIT(4096);
    if (buf_printf(&b, "%s/%s", dir, name) != LT_OK) {
        return mem_strdup("");
    }
    return buf_detach(&b, NULL);
}

/* Reads dir/name (relative to the repository root); owned. */
static char *read_case_file(const char *dir, const char *name, size_t *len)
{
    char *path = join_path(dir, name);
    char *text = tap_read_file(path, len);
    mem_free(path);
    return text;
}

struct vector_context {
    cJSON *json;
    struct sigv4_credentials creds;
    struct sigv4_params params;
};

static bool load_context(const char *dir, struct vector_context *c)
{
    char *text = read_case_file(dir, "context.json", NULL);
    memset(c, 0, sizeof(*c));
    c->json = cJSON_Parse(text);
    mem_free(text);
    const cJSON *cr = json_get_object(c->json, "credentials");
    c->creds.access_key_id = json_get_string(cr, "access_key_id");
    c->creds.secret_access_key = json_get_string(cr, "secret_access_key");
    c->creds.session_token = json_get_string(cr, "token");
    c->params.region = json_get_string(c->json, "region");
    c->params.service = json_get_string(c->json, "service");
    c->params.normalize_path = json_get_bool(c->json, "normalize") == 1;
    c->params.sign_body = json_get_bool(c->json, "sign_body") == 1;
    c->params.omit_session_token = json_get_bool(c->json, "omit_session_token") == 1;
    const char *ts = json_get_string(c->json, "timestamp");
    int ms = 0;
    bool ok = c->creds.access_key_id && c->creds.secret_access_key && c->params.region &&
              c->params.service && ts && clock_parse_iso8601(ts, &c->params.time, &ms);
    if (!ok) {
        tap_note("%s: incomplete context.json", dir);
    }
    return ok;
}

static void expect_file(const char *dir, const char *name, const struct buf *got)
{
    size_t len = 0;
    char *want = read_case_file(dir, name, &len);
    if (!EXPECT_MEM(buf_str(got), got->len, want, len)) {
        tap_note("mismatch in %s/%s", dir, name);
    }
    mem_free(want);
}

/* The value sigv4_sign returned for a header it adds, or NULL when it is not one. */
static const char *added_value(const struct sigv4_signed *s, const char *name, int *slot)
{
    static const char *const names[] = {"X-Amz-Date", "X-Amz-Security-Token",
                                        "X-Amz-Content-Sha256", "Authorization"};
    const char *values[] = {s->amz_date, s->security_token, s->content_sha256, s->authorization};
    for (int i = 0; i < 4; i++) {
        if (name_eq(name, names[i])) {
            *slot = i;
            return values[i];
        }
    }
    return NULL;
}

/*
 * header-signed-request.txt is the request unchanged (same request line,
 * headers and body) followed by exactly the headers sigv4_sign returned.
 */
static void expect_signed_request(const char *dir, const struct raw_request *req,
                                  const struct sigv4_signed *s)
{
    size_t len = 0;
    char *text = read_case_file(dir, "header-signed-request.txt", &len);
    struct raw_request sr;
    EXPECT(parse_request(text, len, &sr));
    mem_free(text);
    EXPECT_STR(sr.method, req->method);
    EXPECT_STR(sr.path, req->path);
    EXPECT((sr.query == NULL) == (req->query == NULL));
    EXPECT_MEM(sr.body ? sr.body : "", sr.body_len, req->body ? req->body : "", req->body_len);
    int want_added = 2 + (s->security_token != NULL) + (s->content_sha256 != NULL);
    EXPECT_INT(sr.n, req->n + (size_t)want_added);
    for (size_t i = 0; i < req->n && i < sr.n; i++) {
        EXPECT_STR(sr.headers[i].name, req->headers[i].name);
        EXPECT_STR(sr.headers[i].value, req->headers[i].value);
    }
    int seen[4] = {0, 0, 0, 0};
    for (size_t i = req->n; i < sr.n; i++) {
        int slot = -1;
        const char *v = added_value(s, sr.headers[i].name, &slot);
        EXPECT(v != NULL);
        if (v) {
            EXPECT_STR(v, sr.headers[i].value);
            seen[slot]++;
        }
    }
    EXPECT(seen[0] == 1 && seen[3] == 1 && seen[1] <= 1 && seen[2] <= 1);
    raw_request_release(&sr);
}

static void run_stages(const char *dir, const struct sigv4_request *rq,
                       const struct vector_context *c)
{
    struct lt_error err = LT_ERROR_INIT;
    struct buf canonical = BUF_INIT(TEXT_MAX);
    struct buf signed_headers = BUF_INIT(TEXT_MAX);
    struct buf sts = BUF_INIT(TEXT_MAX);
    struct buf sig = BUF_INIT(TEXT_MAX);
    EXPECT_OK(
        sigv4_canonical_request(rq, &c->creds, &c->params, &canonical, &signed_headers, &err));
    expect_file(dir, "header-canonical-request.txt", &canonical);
    EXPECT_OK(sigv4_string_to_sign(&c->params, &canonical, &sts, &err));
    expect_file(dir, "header-string-to-sign.txt", &sts);
    EXPECT_OK(sigv4_signature(&c->creds, &c->params, &sts, &sig, &err));
    expect_file(dir, "header-signature.txt", &sig);
    if (err.code != LT_OK) {
        tap_note("%s: %s", dir, lt_error_message(&err));
    }
    buf_release(&canonical);
    buf_release(&signed_headers);
    buf_release(&sts);
    buf_release(&sig);
    lt_error_release(&err);
}

static void run_case(const char *name)
{
    char *dir = join_path(VECTOR_DIR, name);
    tap_note("case %s", name);
    struct vector_context c;
    struct raw_request req;
    size_t len = 0;
    char *text = read_case_file(dir, "request.txt", &len);
    bool ok = EXPECT(load_context(dir, &c)) & EXPECT(parse_request(text, len, &req));
    mem_free(text);
    if (ok) {
        struct sigv4_request rq = {req.method, req.path, req.query,   req.headers,
                                   req.n,      req.body, req.body_len};
        run_stages(dir, &rq, &c);
        struct sigv4_signed s;
        struct lt_error err = LT_ERROR_INIT;
        EXPECT_OK(sigv4_sign(&rq, &c.creds, &c.params, &s, &err));
        expect_signed_request(dir, &req, &s);
        sigv4_signed_release(&s);
        lt_error_release(&err);
    }
    raw_request_release(&req);
    cJSON_Delete(c.json);
    mem_free(dir);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the case directories (those holding a context.json). */
static char **list_cases(size_t *n)
{
    char **names = NULL;
    *n = 0;
    DIR *d = opendir(VECTOR_DIR);
    if (!d) {
        return NULL;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char *dir = join_path(VECTOR_DIR, e->d_name);
        char *path = join_path(dir, "context.json");
        bool is_dir = false;
        bool is_case = fsx_exists(path, &is_dir) && !is_dir;
        mem_free(path);
        mem_free(dir);
        if (!is_case) {
            continue;
        }
        names = mem_realloc_array(names, *n + 1, sizeof(*names));
        names[(*n)++] = mem_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof(*names), name_cmp);
    return names;
}

static void test_vectors(void)
{
    size_t n = 0;
    char **names = list_cases(&n);
    EXPECT_INT(n, VECTOR_CASES);
    for (size_t i = 0; i < n; i++) {
        run_case(names[i]);
        mem_free(names[i]);
    }
    mem_free(names);
}

/* ---- encoder and canonicalisation edge cases -------------------------- */

static void expect_encode(const char *in, size_t n, const char *want)
{
    struct buf b = BUF_INIT(TEXT_MAX);
    EXPECT_OK(sigv4_uri_encode(&b, in, n));
    EXPECT_STR(buf_str(&b), want);
    buf_release(&b);
}

static void test_uri_encode(void)
{
    expect_encode("a b", 3, "a%20b");
    expect_encode("/", 1, "%2F");
    expect_encode("\xe1\x88\xb4", 3, "%E1%88%B4");
    expect_encode("AZaz09-_.~", 10, "AZaz09-_.~");
    expect_encode("+=&%?#", 6, "%2B%3D%26%25%3F%23");
    expect_encode("$Latest", 7, "%24Latest");
    expect_encode("\0\xff", 2, "%00%FF");
    expect_encode("", 0, "");
    struct buf small = BUF_INIT(5);
    EXPECT_INT(sigv4_uri_encode(&small, "a b c", 5), LT_E_LIMIT);
    EXPECT_INT(small.len, 0);
    buf_release(&small);
}

static const struct sigv4_header host_only[] = {{"Host", "example.amazonaws.com"}};
static const struct sigv4_credentials test_creds = {
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
/* 2015-08-30T12:36:00Z */
#define VECTOR_TIME 1440938160

/* Line 2 (path) and line 3 (query) of the canonical request. */
static void expect_uri_query(const char *path, const char *query, bool normalize,
                             const char *want_path, const char *want_query)
{
    struct sigv4_request rq = {"GET", path, query, host_only, 1, NULL, 0};
    struct sigv4_params p = {"us-east-1", "service", VECTOR_TIME, normalize, false, false};
    struct buf canonical = BUF_INIT(TEXT_MAX);
    struct buf sh = BUF_INIT(TEXT_MAX);
    struct buf want = BUF_INIT(TEXT_MAX);
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(sigv4_canonical_request(&rq, &test_creds, &p, &canonical, &sh, &err));
    EXPECT_OK(buf_printf(&want, "GET\n%s\n%s\n", want_path, want_query));
    EXPECT(canonical.len >= want.len);
    EXPECT_MEM(buf_str(&canonical), want.len <= canonical.len ? want.len : canonical.len,
               buf_str(&want), want.len);
    buf_release(&canonical);
    buf_release(&sh);
    buf_release(&want);
    lt_error_release(&err);
}

static void test_paths(void)
{
    expect_uri_query("/a/b/..", NULL, true, "/a", "");
    expect_uri_query("/a/./b/", NULL, true, "/a/b/", "");
    expect_uri_query("/../x", NULL, true, "/x", "");
    expect_uri_query("/a/b/../../..//", NULL, true, "/", "");
    expect_uri_query("", NULL, true, "/", "");
    expect_uri_query(NULL, NULL, false, "/", "");
    /* Non-S3 double encoding: an encoded path is encoded once more. */
    expect_uri_query("/a%20b/%2F", NULL, true, "/a%2520b/%252F", "");
    expect_uri_query("/a%20b//", NULL, false, "/a%2520b//", "");
    expect_uri_query("/~user/$x", NULL, true, "/~user/%24x", "");
}

static void test_queries(void)
{
    expect_uri_query("/", "b=2&a=1&a=0&c", true, "/", "a=0&a=1&b=2&c=");
    expect_uri_query("/", "x=%7e&y=%7E", true, "/", "x=~&y=~");
    expect_uri_query("/", "a+b=c d", true, "/", "a%2Bb=c%20d");
    expect_uri_query("/", "&&a=1&", true, "/", "a=1");
    expect_uri_query("/", "=v&k=", true, "/", "=v&k=");
    expect_uri_query("/", "a=x=y", true, "/", "a=x%3Dy");
    expect_uri_query("/", "B=1&a=2&_=3", true, "/", "B=1&_=3&a=2");
    expect_uri_query("/", "p=%2f%2F/", true, "/", "p=%2F%2F%2F");
    expect_uri_query("/", "", true, "/", "");
}

/* Runs sigv4_sign and expects it to fail with code and message. */
static void expect_sign_error(const struct sigv4_request *rq, const struct sigv4_credentials *cr,
                              const struct sigv4_params *p, enum lt_rc code, const char *msg)
{
    struct sigv4_signed s;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(sigv4_sign(rq, cr, p, &s, &err), code);
    EXPECT_STR(lt_error_message(&err), msg);
    EXPECT(s.amz_date == NULL && s.authorization == NULL && s.security_token == NULL);
    lt_error_release(&err);
}

static void test_errors(void)
{
    struct sigv4_params p = {"us-east-1", "service", VECTOR_TIME, true, false, false};
    struct sigv4_request rq = {"GET", "/", NULL, host_only, 1, NULL, 0};
    struct sigv4_header no_host[] = {{"Accept", "x"}};
    struct sigv4_request r1 = {"GET", "/", NULL, no_host, 1, NULL, 0};
    expect_sign_error(&r1, &test_creds, &p, LT_E_INPUT,
                      "cannot sign a request without a 'host' header");
    struct sigv4_header dated[] = {{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}};
    struct sigv4_request r2 = {"GET", "/", NULL, dated, 2, NULL, 0};
    expect_sign_error(&r2, &test_creds, &p, LT_E_INPUT,
                      "cannot sign header 'X-Amz-Date': the signer adds it");
    struct sigv4_header bad_name[] = {{"Host", "h"}, {"Bad Name", "x"}};
    struct sigv4_request r3 = {"GET", "/", NULL, bad_name, 2, NULL, 0};
    expect_sign_error(&r3, &test_creds, &p, LT_E_INPUT, "cannot sign header name 'Bad Name'");
    struct sigv4_header ctl[] = {{"Host", "h"}, {"X-Ctl", "a\001b"}};
    struct sigv4_request r4 = {"GET", "/", NULL, ctl, 2, NULL, 0};
    expect_sign_error(&r4, &test_creds, &p, LT_E_INPUT,
                      "cannot sign header 'X-Ctl': control character in value");
    struct sigv4_request r5 = {"GET", "relative", NULL, host_only, 1, NULL, 0};
    expect_sign_error(&r5, &test_creds, &p, LT_E_INPUT,
                      "cannot sign path 'relative': it does not start with '/'");
    struct sigv4_request r6 = {"GET", "/a%2", NULL, host_only, 1, NULL, 0};
    expect_sign_error(&r6, &test_creds, &p, LT_E_INPUT,
                      "cannot sign path '/a%2': bad percent-encoding");
    struct sigv4_request r7 = {"GET", "/", "a=%zz", host_only, 1, NULL, 0};
    expect_sign_error(&r7, &test_creds, &p, LT_E_INPUT,
                      "cannot sign query 'a=%zz': bad percent-encoding");
    struct sigv4_request r8 = {"get", "/", NULL, host_only, 1, NULL, 0};
    expect_sign_error(&r8, &test_creds, &p, LT_E_INPUT, "cannot sign http method 'get'");
    struct sigv4_credentials no_key = {"", "secret", NULL};
    expect_sign_error(&rq, &no_key, &p, LT_E_CREDS, "cannot sign without an access key id");
    struct sigv4_credentials no_secret = {"AKID", NULL, NULL};
    expect_sign_error(&rq, &no_secret, &p, LT_E_CREDS, "cannot sign without a secret access key");
    struct sigv4_params no_region = {"", "service", VECTOR_TIME, true, false, false};
    expect_sign_error(&rq, &test_creds, &no_region, LT_E_INPUT, "cannot sign for region ''");
    /* 10000-01-01T00:00:00Z has no X-Amz-Date form. */
    struct sigv4_params bad_time = {"us-east-1", "service", 253402300800, true, false, false};
    expect_sign_error(&rq, &test_creds, &bad_time, LT_E_INPUT, "cannot sign at time 253402300800");
}

/* Hop-by-hop and agent headers go on the wire but are never signed. */
static void test_unsigned_headers(void)
{
    struct sigv4_header h[] = {
        {"User-Agent", "ltsnap/0.1.0"},
        {"Expect", ""},
        {"Host", "h"},
        {"X-Amzn-Trace-Id", "t"},
        {"Connection", "keep-alive"},
        {"TE", "x"},
        {"Content-Type", "  a   b  "},
    };
    struct sigv4_request rq = {"POST", "/", NULL, h, LT_ARRAY_SIZE(h), "", 0};
    struct sigv4_params p = {"us-east-1", "ec2", VECTOR_TIME, true, false, false};
    struct buf canonical = BUF_INIT(TEXT_MAX);
    struct buf sh = BUF_INIT(TEXT_MAX);
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(sigv4_canonical_request(&rq, &test_creds, &p, &canonical, &sh, &err));
    EXPECT_STR(buf_str(&sh), "content-type;host;x-amz-date");
    EXPECT_STR(buf_str(&canonical),
               "POST\n/\n\ncontent-type:a b\nhost:h\nx-amz-date:20150830T123600Z\n\n"
               "content-type;host;x-amz-date\n"
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    buf_release(&canonical);
    buf_release(&sh);
    lt_error_release(&err);
}

/*
 * The request the EC2 client sends. Expected values computed independently
 * with botocore 1.43.11 (SigV4Auth over an AWSRequest with the same method,
 * URL, headers, body, credentials and time).
 */
#define EC2_BODY "Action=DescribeRegions&Version=2016-11-15"
#define EC2_TOKEN "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=="
#define EC2_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static const struct sigv4_header ec2_headers[] = {
    {"Host", "ec2.eu-west-1.amazonaws.com"},
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
};

static void test_ec2_request(void)
{
    struct sigv4_request rq = {"POST", "/", NULL, ec2_headers, 2, EC2_BODY, strlen(EC2_BODY)};
    struct sigv4_credentials cr = {"AKIDEXAMPLE", EC2_SECRET, EC2_TOKEN};
    struct sigv4_params p = {"eu-west-1", "ec2", 1700000000, true, false, false};
    struct sigv4_signed s;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(sigv4_sign(&rq, &cr, &p, &s, &err));
    EXPECT_STR(s.amz_date, "20231114T221320Z");
    EXPECT_STR(s.security_token, EC2_TOKEN);
    EXPECT(s.content_sha256 == NULL);
    EXPECT_STR(s.authorization,
               "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/ec2/aws4_request, "
               "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
               "Signature=037ca6757acee418d222364dbd8bf6337ec726d403fb1ce13b73790ecbfa515e");
    /* Secrets: the secret key nowhere; the token only where it must go on the wire. */
    const char *fields[] = {s.amz_date, s.authorization};
    for (size_t i = 0; i < LT_ARRAY_SIZE(fields); i++) {
        EXPECT(strstr(fields[i], EC2_SECRET) == NULL);
        EXPECT(strstr(fields[i], "wJalrXUtnFEMI") == NULL);
        EXPECT(strstr(fields[i], EC2_TOKEN) == NULL);
    }
    EXPECT(strstr(s.security_token, EC2_SECRET) == NULL);
    sigv4_signed_release(&s);
    EXPECT(s.amz_date == NULL && s.security_token == NULL && s.authorization == NULL);
    /* An empty token is no token. */
    struct sigv4_credentials empty_token = {"AKIDEXAMPLE", EC2_SECRET, ""};
    EXPECT_OK(sigv4_sign(&rq, &empty_token, &p, &s, &err));
    EXPECT(s.security_token == NULL);
    EXPECT(strstr(s.authorization, "SignedHeaders=content-type;host;x-amz-date, ") != NULL);
    sigv4_signed_release(&s);
    lt_error_release(&err);
}

/* Error messages never carry the secret or the token. */
static void test_secret_free_errors(void)
{
    struct sigv4_header h[] = {{"Host", "h"}, {"Authorization", EC2_SECRET}};
    struct sigv4_request rq = {"POST", "/", NULL, h, 2, NULL, 0};
    struct sigv4_credentials cr = {"AKIDEXAMPLE", EC2_SECRET, EC2_TOKEN};
    struct sigv4_params p = {"us-east-1", "ec2", VECTOR_TIME, true, true, false};
    expect_sign_error(&rq, &cr, &p, LT_E_INPUT,
                      "cannot sign header 'Authorization': the signer adds it");
}

int main(void)
{
    json_use_mem_hooks();
    test_request_reader();
    test_vectors();
    test_uri_encode();
    test_paths();
    test_queries();
    test_errors();
    test_unsigned_headers();
    test_ec2_request();
    test_secret_free_errors();
    return tap_done();
}
