#include "aws/sigv4.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/mem.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
/* Cap on any one text the signer builds internally (a header value, the query). */
#define SIGV4_TEXT_MAX ((size_t)1024 * 1024)
/* Length of "20150830T123600Z" and of its date part. */
#define SIGV4_AMZ_DATE_LEN 16
#define SIGV4_DATE_STAMP_LEN 8

/*
 * Never signed: hop-by-hop headers, headers a proxy may rewrite, and the
 * user agent (docs/reference.md 5.1 step 5; botocore SIGNED_HEADERS_BLACKLIST).
 */
static const char *const unsigned_headers[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

/* Added by the signer itself; a request that already carries one is refused. */
static const char *const signer_headers[] = {
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
};

/* One header of the canonical request: lower-case name, normalised value. */
struct canon_header {
    char *name;
    char *value;
    size_t order; /* position in the request, so duplicates keep their order */
};

struct header_set {
    struct canon_header *v;
    size_t n;
    size_t alloc;
};

/* One query parameter, name and value already in canonical (encoded) form. */
struct query_param {
    char *name;
    char *value;
};

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static bool has_str(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* Appends one byte as %XX with upper-case hex. */
static enum lt_rc add_pct(struct buf *out, unsigned char c)
{
    static const char digits[] = "0123456789ABCDEF";
    char e[3] = {'%', digits[c >> 4], digits[c & 0x0f]};
    return buf_add(out, e, sizeof(e));
}

enum lt_rc sigv4_uri_encode(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        LT_TRY(is_unreserved(c) ? buf_addc(out, (char)c) : add_pct(out, c));
    }
    return LT_OK;
}

/* True when every '%' in s[0..n) starts a %XX escape. */
static bool pct_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            continue;
        }
        if (n - i < 3 || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
            return false;
        }
        i += 2;
    }
    return true;
}

/* Appends s[0..n) with %XX escapes decoded; s must be pct_valid. */
static enum lt_rc pct_decode(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        }
        LT_TRY(buf_addc(out, c));
    }
    return LT_OK;
}

/* ---- canonical URI ---------------------------------------------------- */

/* Encodes a path once more, keeping '/' (SigV4 double encoding for non-S3 services). */
static enum lt_rc encode_path(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        LT_TRY(c == '/' || is_unreserved(c) ? buf_addc(out, (char)c) : add_pct(out, c));
    }
    return LT_OK;
}

struct path_seg {
    const char *p;
    size_t n;
};

/* Splits path into segments, dropping empty and "." ones and resolving "..". */
static size_t path_segments(const char *path, size_t len, struct path_seg *segs)
{
    size_t nsegs = 0;
    const char *p = path;
    const char *end = path + len;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *e = slash ? slash : end;
        size_t n = (size_t)(e - p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (nsegs > 0) {
                nsegs--;
            }
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            segs[nsegs].p = p;
            segs[nsegs].n = n;
            nsegs++;
        }
        p = slash ? slash + 1 : end;
    }
    return nsegs;
}

/*
 * "/" + segments joined by "/", with a trailing "/" when the path had one
 * (as botocore and the AWS Rust SDK do); "/" when nothing is left.
 */
static enum lt_rc add_normalized_path(struct buf *out, const char *path, size_t len)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++) {
        cap += path[i] == '/';
    }
    struct path_seg *segs = mem_calloc(cap, sizeof(*segs));
    size_t nsegs = path_segments(path, len, segs);
    enum lt_rc rc = buf_addc(out, '/');
    for (size_t i = 0; rc == LT_OK && i < nsegs; i++) {
        rc = i ? buf_addc(out, '/') : LT_OK;
        if (rc == LT_OK) {
            rc = encode_path(out, segs[i].p, segs[i].n);
        }
    }
    if (rc == LT_OK && nsegs > 0 && path[len - 1] == '/') {
        rc = buf_addc(out, '/');
    }
    mem_free(segs);
    return rc;
}

static enum lt_rc add_canonical_uri(struct buf *out, const char *path, bool normalize,
                                    struct lt_error *err)
{
    if (!path || !*path) {
        path = "/";
    }
    size_t len = strlen(path);
    if (path[0] != '/') {
        return lt_fail(err, LT_E_INPUT, "cannot sign path '%s': it does not start with '/'", path);
    }
    if (!pct_valid(path, len)) {
        return lt_fail(err, LT_E_INPUT, "cannot sign path '%s': bad percent-encoding", path);
    }
    return normalize ? add_normalized_path(out, path, len) : encode_path(out, path, len);
}

/* ---- canonical query -------------------------------------------------- */

/* Decodes s[0..n) and appends it re-encoded the SigV4 way as a new owned string. */
static enum lt_rc recode(const char *s, size_t n, char **out)
{
    struct buf raw = BUF_INIT(SIGV4_TEXT_MAX);
    struct buf enc = BUF_INIT(3 * SIGV4_TEXT_MAX);
    enum lt_rc rc = pct_decode(&raw, s, n);
    if (rc == LT_OK) {
        rc = sigv4_uri_encode(&enc, raw.ptr ? raw.ptr : "", raw.len);
    }
    buf_release(&raw);
    *out = rc == LT_OK ? buf_detach(&enc, NULL) : NULL;
    buf_release(&enc);
    return rc;
}

static enum lt_rc parse_param(const char *p, size_t n, struct query_param *qp)
{
    const char *eq = memchr(p, '=', n);
    size_t name_len = eq ? (size_t)(eq - p) : n;
    LT_TRY(recode(p, name_len, &qp->name));
    const char *v = eq ? eq + 1 : p + n;
    return recode(v, (size_t)(p + n - v), &qp->value);
}

static int param_cmp(const void *a, const void *b)
{
    const struct query_param *x = a;
    const struct query_param *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

/* Splits query on '&' into params (empty pieces skipped); returns the count. */
static enum lt_rc parse_query(const char *query, struct query_param *params, size_t *count)
{
    const char *p = query;
    const char *end = query + strlen(query);
    *count = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        if (e > p) {
            LT_TRY(parse_param(p, (size_t)(e - p), &params[*count]));
            (*count)++;
        }
        p = amp ? amp + 1 : end;
    }
    return LT_OK;
}

static enum lt_rc add_params(struct buf *out, const struct query_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        LT_TRY(i ? buf_addc(out, '&') : LT_OK);
        LT_TRY(buf_adds(out, params[i].name));
        LT_TRY(buf_addc(out, '='));
        LT_TRY(buf_adds(out, params[i].value));
    }
    return LT_OK;
}

static enum lt_rc add_canonical_query(struct buf *out, const char *query, struct lt_error *err)
{
    if (!query || !*query) {
        return LT_OK;
    }
    if (!pct_valid(query, strlen(query))) {
        return lt_fail(err, LT_E_INPUT, "cannot sign query '%s': bad percent-encoding", query);
    }
    size_t cap = 1;
    for (const char *p = query; *p; p++) {
        cap += *p == '&';
    }
    struct query_param *params = mem_calloc(cap, sizeof(*params));
    size_t n = 0;
    enum lt_rc rc = parse_query(query, params, &n);
    if (rc == LT_OK) {
        qsort(params, n, sizeof(*params), param_cmp);
        rc = add_params(out, params, n);
    }
    for (size_t i = 0; i < cap; i++) {
        mem_free(params[i].name);
        mem_free(params[i].value);
    }
    mem_free(params);
    return rc;
}

/* ---- canonical headers ------------------------------------------------ */

static void header_set_release(struct header_set *hs, bool secret)
{
    for (size_t i = 0; i < hs->n; i++) {
        mem_free(hs->v[i].name);
        if (secret) {
            mem_free_secret(hs->v[i].value, strlen(hs->v[i].value));
        } else {
            mem_free(hs->v[i].value);
        }
    }
    mem_free(hs->v);
    hs->v = NULL;
    hs->n = 0;
    hs->alloc = 0;
}

/* Trims the value and collapses every inner run of white space (folded lines too) to one space. */
static enum lt_rc normalize_value(struct buf *out, const char *v)
{
    bool pending_space = false;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending_space = out->len > 0;
            continue;
        }
        LT_TRY(pending_space ? buf_addc(out, ' ') : LT_OK);
        pending_space = false;
        LT_TRY(buf_addc(out, *v));
    }
    return LT_OK;
}

/* An HTTP token (RFC 9110 tchar): visible ASCII except separators. */
static bool name_valid(const char *name)
{
    if (!*name) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c)) {
            return false;
        }
    }
    return true;
}

/* Control characters other than the white space of folded lines. */
static bool value_valid(const char *v)
{
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if ((c < 0x20 && !is_space((char)c)) || c == 0x7f) {
            return false;
        }
    }
    return true;
}

static char *lower_dup(const char *s)
{
    char *d = mem_strdup(s);
    for (char *p = d; *p; p++) {
        *p = ascii_lower(*p);
    }
    return d;
}

/* Adds one header unless it is never signed. name must be lower case and valid. */
static enum lt_rc header_set_add(struct header_set *hs, const char *name, const char *value)
{
    if (has_str(unsigned_headers, LT_ARRAY_SIZE(unsigned_headers), name)) {
        return LT_OK;
    }
    struct buf v = BUF_INIT(SIGV4_TEXT_MAX);
    LT_TRY(normalize_value(&v, value ? value : ""));
    if (hs->n == hs->alloc) {
        hs->alloc = hs->alloc ? hs->alloc * 2 : 8;
        hs->v = mem_realloc_array(hs->v, hs->alloc, sizeof(*hs->v));
    }
    hs->v[hs->n].name = mem_strdup(name);
    hs->v[hs->n].value = buf_detach(&v, NULL);
    hs->v[hs->n].order = hs->n;
    hs->n++;
    return LT_OK;
}

static enum lt_rc add_request_header(struct header_set *hs, const struct sigv4_header *h,
                                     struct lt_error *err)
{
    const char *name = h->name ? h->name : "";
    if (!name_valid(name)) {
        return lt_fail(err, LT_E_INPUT, "cannot sign header name '%s'", name);
    }
    if (h->value && !value_valid(h->value)) {
        return lt_fail(err, LT_E_INPUT, "cannot sign header '%s': control character in value",
                       name);
    }
    char *lower = lower_dup(name);
    enum lt_rc rc = LT_OK;
    if (has_str(signer_headers, LT_ARRAY_SIZE(signer_headers), lower)) {
        rc = lt_fail(err, LT_E_INPUT, "cannot sign header '%s': the signer adds it", name);
    } else {
        rc = header_set_add(hs, lower, h->value);
        if (rc != LT_OK) {
            lt_fail(err, rc, "cannot sign header '%s': value too long", name);
        }
    }
    mem_free(lower);
    return rc;
}

static int header_cmp(const void *a, const void *b)
{
    const struct canon_header *x = a;
    const struct canon_header *y = b;
    int c = strcmp(x->name, y->name);
    if (c) {
        return c;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool session_token_signed(const struct sigv4_credentials *creds,
                                 const struct sigv4_params *params)
{
    return creds->session_token && *creds->session_token && !params->omit_session_token;
}

/* The request's headers plus those the signer adds, sorted. */
static enum lt_rc collect_headers(struct header_set *hs, const struct sigv4_request *req,
                                  const struct sigv4_credentials *creds,
                                  const struct sigv4_params *params, const char *amz_date,
                                  const char *payload_hash, struct lt_error *err)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        LT_TRY(add_request_header(hs, &req->headers[i], err));
    }
    LT_TRY(header_set_add(hs, "x-amz-date", amz_date));
    if (session_token_signed(creds, params)) {
        enum lt_rc rc = header_set_add(hs, "x-amz-security-token", creds->session_token);
        if (rc != LT_OK) {
            return lt_fail(err, rc, "cannot sign: session token too long");
        }
    }
    if (params->sign_body) {
        LT_TRY(header_set_add(hs, "x-amz-content-sha256", payload_hash));
    }
    qsort(hs->v, hs->n, sizeof(*hs->v), header_cmp);
    for (size_t i = 0; i < hs->n; i++) {
        if (strcmp(hs->v[i].name, "host") == 0) {
            return LT_OK;
        }
    }
    return lt_fail(err, LT_E_INPUT, "cannot sign a request without a 'host' header");
}

/* "name:v1,v2\n" per distinct name, and "name;name" for the signed-header list. */
static enum lt_rc add_headers(struct buf *canonical, struct buf *signed_headers,
                              const struct header_set *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        const struct canon_header *h = &hs->v[i];
        if (i > 0 && strcmp(h->name, hs->v[i - 1].name) == 0) {
            LT_TRY(buf_addc(canonical, ','));
            LT_TRY(buf_adds(canonical, h->value));
            continue;
        }
        LT_TRY(i > 0 ? buf_addc(canonical, '\n') : LT_OK);
        LT_TRY(i > 0 ? buf_addc(signed_headers, ';') : LT_OK);
        LT_TRY(buf_adds(signed_headers, h->name));
        LT_TRY(buf_printf(canonical, "%s:%s", h->name, h->value));
    }
    return hs->n ? buf_addc(canonical, '\n') : LT_OK;
}

/* ---- stages ----------------------------------------------------------- */

/* Appends the X-Amz-Date form of t ("20150830T123600Z"). */
static enum lt_rc amz_date(struct buf *out, int64_t t, struct lt_error *err)
{
    struct buf date = BUF_INIT(64);
    enum lt_rc rc = clock_format_amz(&date, t);
    if (rc == LT_OK && date.len != SIGV4_AMZ_DATE_LEN) {
        rc = LT_E_INPUT;
    }
    if (rc == LT_OK) {
        rc = buf_addb(out, &date);
    } else {
        lt_fail(err, rc, "cannot sign at time %lld", (long long)t);
    }
    buf_release(&date);
    return rc;
}

static bool method_valid(const char *m)
{
    if (!m || !*m) {
        return false;
    }
    for (; *m; m++) {
        if (*m < 'A' || *m > 'Z') {
            return false;
        }
    }
    return true;
}

static enum lt_rc check_scope(const struct sigv4_params *params, struct lt_error *err)
{
    if (!params->region || !*params->region || strchr(params->region, '/')) {
        return lt_fail(err, LT_E_INPUT, "cannot sign for region '%s'",
                       params->region ? params->region : "");
    }
    if (!params->service || !*params->service || strchr(params->service, '/')) {
        return lt_fail(err, LT_E_INPUT, "cannot sign for service '%s'",
                       params->service ? params->service : "");
    }
    return LT_OK;
}

static enum lt_rc add_request_line(struct buf *canonical, const struct sigv4_request *req,
                                   const struct sigv4_params *params, struct lt_error *err)
{
    if (!method_valid(req->method)) {
        return lt_fail(err, LT_E_INPUT, "cannot sign http method '%s'",
                       req->method ? req->method : "");
    }
    enum lt_rc rc = buf_printf(canonical, "%s\n", req->method);
    if (rc == LT_OK) {
        rc = add_canonical_uri(canonical, req->path, params->normalize_path, err);
    }
    if (rc == LT_OK) {
        rc = buf_addc(canonical, '\n');
    }
    if (rc == LT_OK) {
        rc = add_canonical_query(canonical, req->query, err);
    }
    if (rc == LT_OK) {
        rc = buf_addc(canonical, '\n');
    }
    return rc;
}

static enum lt_rc build_canonical(const struct sigv4_request *req,
                                  const struct sigv4_credentials *creds,
                                  const struct sigv4_params *params, struct buf *canonical,
                                  struct buf *signed_headers, struct lt_error *err)
{
    struct buf date = BUF_INIT(64);
    struct buf payload = BUF_INIT(HASH_SHA256_HEX_LEN);
    struct header_set hs = {NULL, 0, 0};
    size_t signed_start = signed_headers->len;
    enum lt_rc rc = add_request_line(canonical, req, params, err);
    if (rc == LT_OK) {
        rc = amz_date(&date, params->time, err);
    }
    if (rc == LT_OK) {
        rc = hash_sha256_hex(&payload, req->body ? req->body : "", req->body ? req->body_len : 0);
    }
    if (rc == LT_OK) {
        rc = collect_headers(&hs, req, creds, params, buf_str(&date), buf_str(&payload), err);
    }
    if (rc == LT_OK) {
        rc = add_headers(canonical, signed_headers, &hs);
    }
    if (rc == LT_OK) {
        rc = buf_printf(canonical, "\n%s\n%s", buf_str(signed_headers) + signed_start,
                        buf_str(&payload));
    }
    header_set_release(&hs, true);
    buf_release(&date);
    buf_release(&payload);
    return rc;
}

enum lt_rc sigv4_canonical_request(const struct sigv4_request *req,
                                   const struct sigv4_credentials *creds,
                                   const struct sigv4_params *params, struct buf *canonical,
                                   struct buf *signed_headers, struct lt_error *err)
{
    enum lt_rc rc = build_canonical(req, creds, params, canonical, signed_headers, err);
    if (rc != LT_OK) {
        lt_fail(err, rc, "cannot build the canonical request: %s", lt_rc_text(rc));
    }
    return rc;
}

/* "<yyyymmdd>/<region>/<service>/aws4_request" */
static enum lt_rc add_scope(struct buf *out, const struct sigv4_params *params,
                            struct lt_error *err)
{
    struct buf date = BUF_INIT(64);
    LT_TRY(check_scope(params, err));
    LT_TRY(amz_date(&date, params->time, err));
    enum lt_rc rc = buf_printf(out, "%.*s/%s/%s/" SIGV4_TERMINATOR, SIGV4_DATE_STAMP_LEN,
                               buf_str(&date), params->region, params->service);
    buf_release(&date);
    return rc;
}

enum lt_rc sigv4_string_to_sign(const struct sigv4_params *params, const struct buf *canonical,
                                struct buf *out, struct lt_error *err)
{
    LT_TRY(buf_adds(out, SIGV4_ALGORITHM "\n"));
    LT_TRY(amz_date(out, params->time, err));
    LT_TRY(buf_addc(out, '\n'));
    LT_TRY(add_scope(out, params, err));
    LT_TRY(buf_addc(out, '\n'));
    enum lt_rc rc = hash_sha256_hex(out, canonical->ptr ? canonical->ptr : "", canonical->len);
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot hash the canonical request");
    }
    return LT_OK;
}

/* One HMAC step of the key derivation: key = HMAC(key, msg), in place. */
static enum lt_rc derive_step(unsigned char key[HASH_SHA256_LEN], size_t keylen, const char *msg,
                              size_t msglen)
{
    unsigned char next[HASH_SHA256_LEN];
    enum lt_rc rc = hash_hmac_sha256(key, keylen, msg, msglen, next);
    memcpy(key, next, HASH_SHA256_LEN);
    mem_cleanse(next, sizeof(next));
    return rc;
}

/* k4 = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static enum lt_rc derive_key(const char *secret, const struct sigv4_params *params,
                             const char *date_stamp, unsigned char key[HASH_SHA256_LEN])
{
    struct buf k0 = BUF_INIT(SIGV4_TEXT_MAX);
    enum lt_rc rc = buf_printf(&k0, "AWS4%s", secret);
    if (rc == LT_OK) {
        rc = hash_hmac_sha256(k0.ptr, k0.len, date_stamp, SIGV4_DATE_STAMP_LEN, key);
    }
    buf_release_secret(&k0);
    if (rc == LT_OK) {
        rc = derive_step(key, HASH_SHA256_LEN, params->region, strlen(params->region));
    }
    if (rc == LT_OK) {
        rc = derive_step(key, HASH_SHA256_LEN, params->service, strlen(params->service));
    }
    if (rc == LT_OK) {
        rc = derive_step(key, HASH_SHA256_LEN, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR));
    }
    return rc;
}

static enum lt_rc check_creds(const struct sigv4_credentials *creds, struct lt_error *err)
{
    if (!creds->access_key_id || !*creds->access_key_id) {
        return lt_fail(err, LT_E_CREDS, "cannot sign without an access key id");
    }
    if (!creds->secret_access_key || !*creds->secret_access_key) {
        return lt_fail(err, LT_E_CREDS, "cannot sign without a secret access key");
    }
    return LT_OK;
}

enum lt_rc sigv4_signature(const struct sigv4_credentials *creds, const struct sigv4_params *params,
                           const struct buf *string_to_sign, struct buf *hex_out,
                           struct lt_error *err)
{
    struct buf date = BUF_INIT(64);
    unsigned char key[HASH_SHA256_LEN];
    unsigned char sig[HASH_SHA256_LEN];
    LT_TRY(check_creds(creds, err));
    LT_TRY(check_scope(params, err));
    LT_TRY(amz_date(&date, params->time, err));
    enum lt_rc rc = derive_key(creds->secret_access_key, params, buf_str(&date), key);
    buf_release(&date);
    if (rc == LT_OK) {
        rc = hash_hmac_sha256(key, sizeof(key), string_to_sign->ptr ? string_to_sign->ptr : "",
                              string_to_sign->len, sig);
    }
    mem_cleanse(key, sizeof(key));
    if (rc != LT_OK) {
        return lt_fail(err, rc, "cannot compute the signature");
    }
    return hash_hex(hex_out, sig, sizeof(sig));
}

static enum lt_rc add_authorization(struct buf *out, const struct sigv4_credentials *creds,
                                    const struct sigv4_params *params,
                                    const struct buf *signed_headers, const struct buf *signature,
                                    struct lt_error *err)
{
    LT_TRY(buf_printf(out, SIGV4_ALGORITHM " Credential=%s/", creds->access_key_id));
    LT_TRY(add_scope(out, params, err));
    return buf_printf(out, ", SignedHeaders=%s, Signature=%s", buf_str(signed_headers),
                      buf_str(signature));
}

/* Fills the owned fields of out other than authorization. */
static enum lt_rc fill_extra_headers(const struct sigv4_request *req,
                                     const struct sigv4_credentials *creds,
                                     const struct sigv4_params *params, struct sigv4_signed *out,
                                     struct lt_error *err)
{
    struct buf b = BUF_INIT(64);
    LT_TRY(amz_date(&b, params->time, err));
    out->amz_date = buf_detach(&b, NULL);
    if (creds->session_token && *creds->session_token) {
        out->security_token = mem_strdup(creds->session_token);
    }
    if (params->sign_body) {
        LT_TRY(hash_sha256_hex(&b, req->body ? req->body : "", req->body ? req->body_len : 0));
        out->content_sha256 = buf_detach(&b, NULL);
    }
    return LT_OK;
}

static enum lt_rc sign_stages(const struct sigv4_request *req,
                              const struct sigv4_credentials *creds,
                              const struct sigv4_params *params, struct buf *authorization,
                              struct lt_error *err)
{
    struct buf canonical = BUF_INIT(BUF_MAX_LARGE);
    struct buf signed_headers = BUF_INIT(SIGV4_TEXT_MAX);
    struct buf sts = BUF_INIT(BUF_MAX_SMALL);
    struct buf signature = BUF_INIT(HASH_SHA256_HEX_LEN);
    enum lt_rc rc = check_creds(creds, err);
    if (rc == LT_OK) {
        rc = sigv4_canonical_request(req, creds, params, &canonical, &signed_headers, err);
    }
    if (rc == LT_OK) {
        rc = sigv4_string_to_sign(params, &canonical, &sts, err);
    }
    if (rc == LT_OK) {
        rc = sigv4_signature(creds, params, &sts, &signature, err);
    }
    if (rc == LT_OK) {
        rc = add_authorization(authorization, creds, params, &signed_headers, &signature, err);
    }
    buf_release_secret(&canonical);
    buf_release(&signed_headers);
    buf_release(&sts);
    buf_release(&signature);
    return rc;
}

enum lt_rc sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *creds,
                      const struct sigv4_params *params, struct sigv4_signed *out,
                      struct lt_error *err)
{
    struct buf authorization = BUF_INIT(BUF_MAX_SMALL);
    memset(out, 0, sizeof(*out));
    enum lt_rc rc = sign_stages(req, creds, params, &authorization, err);
    if (rc == LT_OK) {
        rc = fill_extra_headers(req, creds, params, out, err);
    }
    if (rc == LT_OK) {
        out->authorization = buf_detach(&authorization, NULL);
    } else {
        lt_fail(err, rc, "cannot sign the request: %s", lt_rc_text(rc));
        buf_release(&authorization);
        sigv4_signed_release(out);
    }
    return rc;
}

void sigv4_signed_release(struct sigv4_signed *s)
{
    mem_free(s->amz_date);
    if (s->security_token) {
        mem_free_secret(s->security_token, strlen(s->security_token));
    }
    mem_free(s->content_sha256);
    mem_free(s->authorization);
    memset(s, 0, sizeof(*s));
}
