#include "base/buf.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"

static const char empty[] = "";

void buf_init(struct buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    mem_free(b->ptr);
    buf_init(b, b->max);
}

void buf_release_secret(struct buf *b)
{
    if (b->ptr) {
        mem_cleanse(b->ptr, b->alloc);
    }
    buf_release(b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->ptr) {
        b->ptr[0] = '\0';
    }
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->ptr[len] = '\0';
    }
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->ptr ? b->ptr : mem_strdup(empty);
    if (len) {
        *len = b->len;
    }
    buf_init(b, b->max);
    return p;
}

enum lt_rc buf_grow(struct buf *b, size_t n)
{
    if (n > b->max - b->len) {
        buf_release(b);
        return LT_E_LIMIT;
    }
    size_t need = b->len + n + 1;
    if (need <= b->alloc) {
        return LT_OK;
    }
    size_t alloc = b->alloc ? b->alloc : 64;
    while (alloc < need) {
        alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
    }
    if (b->max < SIZE_MAX && alloc > b->max + 1) {
        alloc = b->max + 1;
    }
    b->ptr = mem_realloc_array(b->ptr, alloc, 1);
    b->alloc = alloc;
    return LT_OK;
}

enum lt_rc buf_addb(struct buf *b, const struct buf *other)
{
    return buf_add(b, buf_str(other), other->len);
}

enum lt_rc buf_add_int(struct buf *b, int64_t n)
{
    char digits[24];
    size_t at = sizeof(digits);
    uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    do {
        digits[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) {
        digits[--at] = '-';
    }
    return buf_add(b, digits + at, sizeof(digits) - at);
}

enum lt_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list measure;
    va_copy(measure, ap);
    int n = vsnprintf(NULL, 0, fmt, measure);
    va_end(measure);
    if (n < 0) {
        buf_release(b);
        return LT_E_INTERNAL;
    }
    LT_TRY(buf_grow(b, (size_t)n));
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return LT_OK;
}

enum lt_rc buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum lt_rc rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const struct buf *b)
{
    return b->ptr ? b->ptr : empty;
}
