/*
 * log.h - the only writer to stderr.
 *
 * Owns: verbosity, message prefixes, the terminal progress line, and
 *       redaction of secrets.
 * May call: buf, utf8, mem.
 *
 * Every message is one line: control characters (C0, DEL and the C1 range
 * U+0080-U+009F, each of whose UTF-8 bytes is written) and invalid UTF-8 in the
 * formatted text are written as \n, \t, \xHH, so a value from a file or a
 * server (a template name, an error message) can neither forge a second log
 * line nor move the terminal cursor.
 *
 * Redaction: any text registered with log_add_secret() is replaced by
 * "[redacted]" wherever it appears, and so are the values of SigV4
 * signatures, Authorization and security-token headers. The credential code
 * registers every key, token and password it reads; nothing else needs to
 * remember.
 *
 * Process-wide state (level, stream, secrets) is set up by main() before any
 * work starts, as in every command-line tool.
 */
#ifndef LT_BASE_LOG_H
#define LT_BASE_LOG_H

#include <stdio.h>

#include "base/buf.h"
#include "base/lt.h"

enum log_level {
    LOG_QUIET = 0,   /* errors only (-q) */
    LOG_NORMAL = 1,  /* warnings and errors (default) */
    LOG_VERBOSE = 2, /* what is being done (-v) */
    LOG_DEBUG = 3,   /* each request (-vv) */
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Tests and the progress line use this; default stderr. Not owned. */
void log_set_stream(FILE *stream);
/* Shows a progress line when the stream is a terminal and the level is NORMAL or higher. */
void log_enable_progress(int enabled);

void log_error(const char *fmt, ...) LT_PRINTF(1, 2);
void log_warn(const char *fmt, ...) LT_PRINTF(1, 2);
void log_info(const char *fmt, ...) LT_PRINTF(1, 2);
void log_debug(const char *fmt, ...) LT_PRINTF(1, 2);
/* Replaces the progress line (no newline); a no-op off a terminal. */
void log_progress(const char *fmt, ...) LT_PRINTF(1, 2);
/* Clears the progress line. */
void log_progress_end(void);

/* Registers a secret to be redacted from all later messages (copied; at least 4 bytes). */
void log_add_secret(const char *secret, size_t len);
/* Wipes and forgets all registered secrets. */
void log_forget_secrets(void);

/*
 * Appends one message the way the logger writes it (escaped and redacted, no
 * prefix, no newline). For tests and for text shown to the user elsewhere.
 * Output beyond the log line limit is dropped.
 */
void log_render(struct buf *out, const char *msg);

#endif
