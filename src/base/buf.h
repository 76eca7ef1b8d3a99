/*
 * buf.h - the one growable byte buffer (curl's dynbuf, git's strbuf).
 *
 * Owns: struct buf, an owned, always NUL-terminated byte string with a hard
 *       size limit fixed at init.
 * May call: mem.
 *
 * Invariants:
 * - After BUF_INIT/buf_init the buffer is empty and owns no memory; buf_str()
 *   still returns a valid "" string.
 * - len never exceeds max. An append that would make it exceed max fails with
 *   LT_E_LIMIT and RELEASES the buffer (curl's rule): the caller never goes
 *   on with a silently truncated value. The buffer is then empty and usable.
 * - The bytes may contain NULs; ptr[len] is always NUL when ptr is set.
 * - buf_detach() is the only way to take the memory; the buffer is empty
 *   afterwards. buf_release() frees it; buf_release_secret() wipes it first.
 */
#ifndef LT_BASE_BUF_H
#define LT_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "base/lt.h"
#include "base/rc.h"

struct buf {
    char *ptr;
    size_t len;
    size_t alloc;
    size_t max;
};

#define BUF_INIT(maxlen)                                                                           \
    {                                                                                              \
        NULL, 0, 0, (maxlen)                                                                       \
    }

/* Common limits. */
#define BUF_MAX_SMALL ((size_t)64 * 1024)
#define BUF_MAX_LARGE ((size_t)256 * 1024 * 1024)

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_release_secret(struct buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Shortens to len bytes (no effect when len >= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* Takes the memory (never NULL; "" when empty) and empties the buffer. */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Makes room for n more bytes and the NUL, within max (or fails with
 * LT_E_LIMIT, releasing the buffer). The appends below call it only when
 * the room is not there yet.
 */
LT_MUST_CHECK enum lt_rc buf_grow(struct buf *b, size_t n);

/*
 * The appends are inline: they run for every value of every row, and a
 * reused buffer almost always has the room already, which costs less to
 * test than a call.
 */
static inline bool buf_has_room(const struct buf *b, size_t n)
{
    return n < b->alloc - b->len && n <= b->max - b->len;
}

/*
 * Makes the buffer n bytes longer and points *at to them, for the caller to
 * fill (their content is undefined until then; the NUL follows them).
 */
LT_MUST_CHECK static inline enum lt_rc buf_extend(struct buf *b, size_t n, char **at)
{
    if (!buf_has_room(b, n)) {
        LT_TRY(buf_grow(b, n));
    }
    *at = b->ptr + b->len;
    b->len += n;
    b->ptr[b->len] = '\0';
    return LT_OK;
}

LT_MUST_CHECK static inline enum lt_rc buf_add(struct buf *b, const void *data, size_t n)
{
    char *at;
    LT_TRY(buf_extend(b, n, &at));
    if (n) {
        memcpy(at, data, n);
    }
    return LT_OK;
}

LT_MUST_CHECK static inline enum lt_rc buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

LT_MUST_CHECK static inline enum lt_rc buf_addc(struct buf *b, char c)
{
    char *at;
    LT_TRY(buf_extend(b, 1, &at));
    *at = c;
    return LT_OK;
}

LT_MUST_CHECK enum lt_rc buf_addb(struct buf *b, const struct buf *other);
/* Appends the decimal form of n (as "%lld" prints it). */
LT_MUST_CHECK enum lt_rc buf_add_int(struct buf *b, int64_t n);
LT_MUST_CHECK enum lt_rc buf_printf(struct buf *b, const char *fmt, ...) LT_PRINTF(2, 3);
LT_MUST_CHECK enum lt_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap) LT_PRINTF(2, 0);

/* The contents as a C string; "" for an empty buffer. */
const char *buf_str(const struct buf *b);

#endif
