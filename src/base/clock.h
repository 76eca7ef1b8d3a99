/*
 * clock.h - the only reader of wall-clock and monotonic time, and the pure
 * conversions between Unix time and the text forms AWS uses.
 *
 * Owns: time. Everything else receives times as arguments, so signing, retry
 *       and rate-limit logic stay pure and testable.
 * May call: buf, libc.
 */
#ifndef LT_BASE_CLOCK_H
#define LT_BASE_CLOCK_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

/* Wall clock, Unix seconds. */
int64_t clock_now(void);
/* Monotonic milliseconds since an arbitrary start. */
uint64_t clock_monotonic_ms(void);
/* Sleeps; returns early on a signal. */
void clock_sleep_ms(uint64_t ms);

/*
 * Parses ISO-8601 / RFC 3339 date-times as AWS and the AWS CLI write them:
 * YYYY-MM-DDTHH:MM:SS, optional fraction (any number of digits), then Z,
 * +HH:MM, -HH:MM or +HHMM (a space instead of T is accepted, as Python's
 * isoformat output may carry one). Returns false on anything else, including
 * out-of-range fields. *millis gets the fraction truncated to milliseconds.
 */
bool clock_parse_iso8601(const char *s, int64_t *unix_seconds, int *millis);

/* "2021-10-12T06:27:52.000Z": the canonical form ltsnap stores. */
LT_MUST_CHECK enum lt_rc clock_format_iso8601_ms(struct buf *out, int64_t unix_seconds, int millis);
/* "2021-10-12T06:27:52Z" */
LT_MUST_CHECK enum lt_rc clock_format_iso8601(struct buf *out, int64_t unix_seconds);
/* "20150830T123600Z", the X-Amz-Date form. */
LT_MUST_CHECK enum lt_rc clock_format_amz(struct buf *out, int64_t unix_seconds);

#endif
