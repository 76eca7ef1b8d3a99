/*
 * logcap.h - captures what ltsnap logs, so tests can state the exact lines a
 * user would read and scan everything logged for secrets.
 *
 * Owns: the test-side end of log_set_stream().
 * May call: base/log, libc.
 */
#ifndef LT_TESTS_LOGCAP_H
#define LT_TESTS_LOGCAP_H

/* Routes log output into a temporary file (call once, before anything logs). */
void logcap_start(void);
/* What was logged since the last take, as one string (caller frees with free()). */
char *logcap_take(void);
/* Everything logged since logcap_start, takes included (owned by logcap). */
const char *logcap_all(void);

#endif
