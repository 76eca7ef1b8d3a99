/*
 * err.h - result codes and the error record every fallible call fills.
 *
 * Owns: enum lt_rc, its categories and messages (one table in err.c), and
 *       struct lt_error.
 * May call: buf.
 *
 * Rules:
 * - A fallible function returns enum lt_rc (LT_OK is 0) and, when it takes a
 *   struct lt_error *, records why it failed there. The first failure wins:
 *   later lt_fail() calls on an error that is already set keep the first
 *   message, so the deepest cause is what the user reads.
 * - Callers add context on the way up with lt_error_prefix(): the result
 *   reads "cannot parse 'a.xml': line 12: mismatched tag" (git's style:
 *   lower case, no full stop, subject quoted).
 * - An lt_error owns its message; lt_error_release() frees it.
 */
#ifndef LT_BASE_ERR_H
#define LT_BASE_ERR_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

enum lt_category {
    LT_CAT_OK,
    LT_CAT_USAGE,
    LT_CAT_INPUT,
    LT_CAT_ENVIRONMENT,
    LT_CAT_REMOTE,
    LT_CAT_INTERNAL,
};

struct lt_error {
    enum lt_rc code;
    struct buf msg;
};

#define LT_ERROR_INIT                                                                              \
    {                                                                                              \
        LT_OK, BUF_INIT(LT_ERROR_MAX)                                                              \
    }
#define LT_ERROR_MAX 4096

void lt_error_init(struct lt_error *err);
void lt_error_release(struct lt_error *err);
/* Forgets a recorded failure so the record can be reused. */
void lt_error_clear(struct lt_error *err);

/* Records code and message unless a failure is already recorded; returns code. */
enum lt_rc lt_fail(struct lt_error *err, enum lt_rc code, const char *fmt, ...) LT_PRINTF(3, 4);
/* Prepends "<context>: " to the recorded message. No effect when nothing is recorded. */
void lt_error_prefix(struct lt_error *err, const char *fmt, ...) LT_PRINTF(2, 3);
/* The recorded message, or the generic text of the code when there is none. */
const char *lt_error_message(const struct lt_error *err);

const char *lt_rc_name(enum lt_rc rc);
const char *lt_rc_text(enum lt_rc rc);
enum lt_category lt_rc_category(enum lt_rc rc);

#endif
