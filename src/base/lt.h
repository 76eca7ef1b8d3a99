/*
 * lt.h - project-wide macros. Every source file includes this first (through
 * its own header).
 *
 * Owns: compiler attributes, LT_ARRAY_SIZE, the version string.
 * May call: nothing.
 */
#ifndef LT_BASE_LT_H
#define LT_BASE_LT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LT_VERSION "0.1.0"

/* Result of a fallible call must be looked at (s2n's warn_unused_result). */
#define LT_MUST_CHECK __attribute__((warn_unused_result))
#define LT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define LT_NORETURN __attribute__((noreturn))
/* Kept out of its callers: a rare path that would make a hot caller save registers. */
#define LT_NOINLINE __attribute__((noinline))
#define LT_UNUSED(x) ((void)(x))

#define LT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
