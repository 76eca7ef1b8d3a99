#include "base/log.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"

#define LOG_LINE_MAX 4096
#define SECRET_MIN 4
#define REDACTED "[redacted]"

struct secret {
    char *text;
    size_t len;
};

static enum log_level level = LOG_NORMAL;
static FILE *stream;
static int progress_enabled;
static int progress_shown;
static struct secret *secrets;
static size_t nsecrets;

static FILE *out_stream(void)
{
    return stream ? stream : stderr;
}

void log_set_level(enum log_level l)
{
    level = l;
}

enum log_level log_get_level(void)
{
    return level;
}

void log_set_stream(FILE *s)
{
    stream = s;
}

void log_enable_progress(int enabled)
{
    progress_enabled = enabled && isatty(fileno(out_stream()));
}

void log_add_secret(const char *secret, size_t len)
{
    if (!secret || len < SECRET_MIN) {
        return;
    }
    for (size_t i = 0; i < nsecrets; i++) {
        if (secrets[i].len == len && memcmp(secrets[i].text, secret, len) == 0) {
            return;
        }
    }
    secrets = mem_realloc_array(secrets, nsecrets + 1, sizeof(*secrets));
    secrets[nsecrets].text = mem_strndup(secret, len);
    secrets[nsecrets].len = len;
    nsecrets++;
}

void log_forget_secrets(void)
{
    for (size_t i = 0; i < nsecrets; i++) {
        mem_free_secret(secrets[i].text, secrets[i].len);
    }
    mem_free(secrets);
    secrets = NULL;
    nsecrets = 0;
}

/* Length of a registered secret starting at s, or 0. The longest match wins. */
static size_t secret_at(const char *s, size_t avail)
{
    size_t best = 0;
    for (size_t i = 0; i < nsecrets; i++) {
        if (secrets[i].len <= avail && secrets[i].len > best &&
            memcmp(s, secrets[i].text, secrets[i].len) == 0) {
            best = secrets[i].len;
        }
    }
    return best;
}

/*
 * Markers after which the value is secret whatever it is: SigV4 signatures,
 * header values of Authorization and security tokens, and query-style
 * token parameters. Matching is case-insensitive.
 */
static const char *const secret_markers[] = {
    "signature=",
    "authorization:",
    "x-amz-security-token:",
    "x-amz-security-token=",
    "x-amz-sso_bearer_token:",
    "x-aws-ec2-metadata-token:",
    "aws4-hmac-sha256 credential=",
};

static size_t marker_at(const char *s, size_t avail)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(secret_markers); i++) {
        size_t n = strlen(secret_markers[i]);
        if (n <= avail && strncasecmp(s, secret_markers[i], n) == 0) {
            return n;
        }
    }
    return 0;
}

/* The secret value after a marker runs to the next separator. */
static size_t marker_value_len(const char *s, size_t avail)
{
    size_t i = 0;
    while (i < avail && s[i] != ' ' && s[i] != ',' && s[i] != '&' && s[i] != '\'' && s[i] != '"' &&
           s[i] != '\n' && s[i] != '\r') {
        i++;
    }
    return i;
}

/*
 * Best-effort append for log lines: text beyond the line limit is dropped
 * (a long line is cut, never lost whole, as buf_add would on overflow).
 */
static void put(struct buf *b, const void *p, size_t n)
{
    if (n <= b->max - b->len && buf_add(b, p, n) != LT_OK) {
        /* unreachable: the size was checked above */
    }
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void add_escaped_byte(struct buf *b, unsigned char c)
{
    switch (c) {
    case '\n':
        puts_(b, "\\n");
        break;
    case '\r':
        puts_(b, "\\r");
        break;
    case '\t':
        puts_(b, "\\t");
        break;
    default: {
        static const char hex[] = "0123456789ABCDEF";
        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
        put(b, esc, sizeof(esc));
        break;
    }
    }
}

/*
 * Characters that are invisible yet change how a line reads, escaped like
 * controls: U+0080..U+009F (terminals may read them as controls; U+009B is
 * CSI), the line and paragraph separators U+2028/U+2029 (a line break to
 * some editors and viewers), and the bidirectional embeddings, overrides and
 * isolates U+202A..U+202E, U+2066..U+2069 (they reorder what follows: a name
 * could make the rest of a report line read backwards).
 */
static bool is_invisible_control(const char *s, size_t seq)
{
    const unsigned char *u = (const unsigned char *)s;
    if (seq == 2) {
        return u[0] == 0xC2 && u[1] <= 0x9F;
    }
    return seq == 3 && u[0] == 0xE2 &&
           ((u[1] == 0x80 && u[2] >= 0xA8 && u[2] <= 0xAE) ||
            (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9));
}

/* Appends msg escaped and redacted; stops quietly when the line limit is reached. */
static void render(struct buf *b, const char *msg)
{
    size_t n = strlen(msg);
    size_t i = 0;
    while (i < n) {
        size_t k = secret_at(msg + i, n - i);
        if (k) {
            puts_(b, REDACTED);
            i += k;
            continue;
        }
        k = marker_at(msg + i, n - i);
        if (k) {
            while (i + k < n && msg[i + k] == ' ') {
                k++;
            }
            put(b, msg + i, k);
            i += k;
            k = marker_value_len(msg + i, n - i);
            if (k) {
                puts_(b, REDACTED);
            }
            i += k;
            continue;
        }
        unsigned char c = (unsigned char)msg[i];
        if (c < 0x20 || c == 0x7f) {
            add_escaped_byte(b, c);
            i++;
            continue;
        }
        size_t seq = utf8_sequence_length(msg + i, n - i);
        if (seq == 0) {
            add_escaped_byte(b, c);
            i++;
            continue;
        }
        if (is_invisible_control(msg + i, seq)) {
            for (size_t j = 0; j < seq; j++) {
                add_escaped_byte(b, (unsigned char)msg[i + j]);
            }
            i += seq;
            continue;
        }
        put(b, msg + i, seq);
        i += seq;
    }
}

void log_render(struct buf *out, const char *msg)
{
    render(out, msg);
}

static void clear_progress(FILE *f)
{
    if (progress_shown) {
        fputs("\r\033[K", f);
        progress_shown = 0;
    }
}

static void emit(const char *prefix, const char *fmt, va_list ap) LT_PRINTF(2, 0);

static void emit(const char *prefix, const char *fmt, va_list ap)
{
    FILE *f = out_stream();
    struct buf msg = BUF_INIT(LOG_LINE_MAX);
    if (buf_vprintf(&msg, fmt, ap) != LT_OK) {
        puts_(&msg, "(message too long)");
    }
    struct buf line = BUF_INIT(LOG_LINE_MAX + 64);
    puts_(&line, "ltsnap: ");
    puts_(&line, prefix);
    render(&line, buf_str(&msg));
    clear_progress(f);
    fprintf(f, "%s\n", buf_str(&line));
    fflush(f);
    buf_release(&line);
    buf_release(&msg);
}

#define LOG_AT(min, prefix)                                                                        \
    do {                                                                                           \
        if (level < (min)) {                                                                       \
            return;                                                                                \
        }                                                                                          \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        emit(prefix, fmt, ap);                                                                     \
        va_end(ap);                                                                                \
    } while (0)

void log_error(const char *fmt, ...)
{
    LOG_AT(LOG_QUIET, "error: ");
}

void log_warn(const char *fmt, ...)
{
    LOG_AT(LOG_NORMAL, "warning: ");
}

void log_info(const char *fmt, ...)
{
    LOG_AT(LOG_VERBOSE, "");
}

void log_debug(const char *fmt, ...)
{
    LOG_AT(LOG_DEBUG, "debug: ");
}

void log_progress(const char *fmt, ...)
{
    if (!progress_enabled || level < LOG_NORMAL) {
        return;
    }
    FILE *f = out_stream();
    struct buf msg = BUF_INIT(LOG_LINE_MAX);
    struct buf line = BUF_INIT(LOG_LINE_MAX);
    va_list ap;
    va_start(ap, fmt);
    if (buf_vprintf(&msg, fmt, ap) == LT_OK) {
        render(&line, buf_str(&msg));
        fprintf(f, "\r\033[K%s", buf_str(&line));
        fflush(f);
        progress_shown = 1;
    }
    va_end(ap);
    buf_release(&line);
    buf_release(&msg);
}

void log_progress_end(void)
{
    FILE *f = out_stream();
    clear_progress(f);
    fflush(f);
}
