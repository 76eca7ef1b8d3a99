#include "base/err.h"

#include <stdarg.h>

static const struct {
    const char *name;
    enum lt_category category;
    const char *text;
} rc_table[] = {
    [LT_OK] = {"ok", LT_CAT_OK, "success"},
    [LT_E_USAGE] = {"usage", LT_CAT_USAGE, "bad command line"},
    [LT_E_INPUT] = {"input", LT_CAT_INPUT, "malformed input"},
    [LT_E_LIMIT] = {"limit", LT_CAT_INPUT, "input exceeds a size limit"},
    [LT_E_IO] = {"io", LT_CAT_ENVIRONMENT, "file system error"},
    [LT_E_NET] = {"network", LT_CAT_REMOTE, "network error"},
    [LT_E_AWS] = {"aws", LT_CAT_REMOTE, "the service returned an error"},
    [LT_E_CREDS] = {"credentials", LT_CAT_ENVIRONMENT, "no usable credentials"},
    [LT_E_CONFIG] = {"config", LT_CAT_ENVIRONMENT, "bad configuration"},
    [LT_E_INTERNAL] = {"internal", LT_CAT_INTERNAL, "internal error"},
};

static int rc_valid(enum lt_rc rc)
{
    return (unsigned)rc < LT_ARRAY_SIZE(rc_table) && rc_table[rc].name;
}

const char *lt_rc_name(enum lt_rc rc)
{
    return rc_valid(rc) ? rc_table[rc].name : "unknown";
}

const char *lt_rc_text(enum lt_rc rc)
{
    return rc_valid(rc) ? rc_table[rc].text : "unknown error";
}

enum lt_category lt_rc_category(enum lt_rc rc)
{
    return rc_valid(rc) ? rc_table[rc].category : LT_CAT_INTERNAL;
}

void lt_error_init(struct lt_error *err)
{
    err->code = LT_OK;
    buf_init(&err->msg, LT_ERROR_MAX);
}

void lt_error_release(struct lt_error *err)
{
    buf_release(&err->msg);
    err->code = LT_OK;
}

void lt_error_clear(struct lt_error *err)
{
    buf_reset(&err->msg);
    err->code = LT_OK;
}

/* Messages are best effort: one that outgrows LT_ERROR_MAX is cut, not lost. */
static void vappend_truncating(struct buf *b, const char *fmt, va_list ap) LT_PRINTF(2, 0);

static void vappend_truncating(struct buf *b, const char *fmt, va_list ap)
{
    if (buf_vprintf(b, fmt, ap) != LT_OK) {
        buf_init(b, LT_ERROR_MAX);
        if (buf_adds(b, "(error message too long)") != LT_OK) {
            /* unreachable: the text is far below the limit */
        }
    }
}

enum lt_rc lt_fail(struct lt_error *err, enum lt_rc code, const char *fmt, ...)
{
    if (!err || err->code != LT_OK) {
        return code;
    }
    err->code = code;
    buf_reset(&err->msg);
    va_list ap;
    va_start(ap, fmt);
    vappend_truncating(&err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void lt_error_prefix(struct lt_error *err, const char *fmt, ...)
{
    if (!err || err->code == LT_OK) {
        return;
    }
    struct buf prefixed = BUF_INIT(LT_ERROR_MAX);
    va_list ap;
    va_start(ap, fmt);
    vappend_truncating(&prefixed, fmt, ap);
    va_end(ap);
    if (buf_adds(&prefixed, ": ") != LT_OK || buf_addb(&prefixed, &err->msg) != LT_OK) {
        /* Too long with the prefix: keep the original, it names the cause. */
        buf_release(&prefixed);
        return;
    }
    buf_release(&err->msg);
    err->msg = prefixed;
}

const char *lt_error_message(const struct lt_error *err)
{
    if (err->msg.len) {
        return buf_str(&err->msg);
    }
    return lt_rc_text(err->code);
}
