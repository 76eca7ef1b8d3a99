/*
 * tap.h - a tiny TAP harness for the unit tests (in the spirit of s2n's
 * tests/s2n_test.h). Each EXPECT_* prints one "ok"/"not ok" line naming the
 * file, line and expression; tap_done() prints the plan and returns the exit
 * status (0 only when every check passed and at least one ran).
 */
#ifndef LT_TESTS_TAP_H
#define LT_TESTS_TAP_H

#include <stddef.h>
#include <stdint.h>

int tap_check(int ok, const char *file, int line, const char *what);
int tap_check_str(const char *got, const char *want, const char *file, int line, const char *what);
int tap_check_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
                  const char *file, int line, const char *what);
int tap_check_int(long long got, long long want, const char *file, int line, const char *what);
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

/* Reads a whole test-data file (relative to the repository root) or fails the test run. */
char *tap_read_file(const char *path, size_t *len);

#define EXPECT(cond) tap_check(!!(cond), __FILE__, __LINE__, #cond)
#define EXPECT_STR(got, want) tap_check_str((got), (want), __FILE__, __LINE__, #got " == " #want)
#define EXPECT_MEM(got, gotlen, want, wantlen)                                                     \
    tap_check_mem((got), (gotlen), (want), (wantlen), __FILE__, __LINE__, #got " == " #want)
#define EXPECT_INT(got, want)                                                                      \
    tap_check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got " == " #want)
#define EXPECT_OK(rc) tap_check_int((long long)(rc), 0, __FILE__, __LINE__, #rc " is LT_OK")

#endif
