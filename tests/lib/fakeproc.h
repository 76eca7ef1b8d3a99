/*
 * fakeproc.h - runs scripts/fake-aws for a test: starts
 * `/usr/bin/python3 scripts/fake-aws --data DATA --port 0 --port-file P
 * --watch-pid <test pid> [extra args]`, waits for the port file and gives
 * the base URL; stops it with SIGTERM and reaps it. Its stdout goes to
 * /dev/null and its stderr to a log file (kept when it fails to start), so
 * the TAP stream stays clean. Run from the repository
 * root (as the Makefile does). Failures to start end the run with
 * "Bail out!"; fakeproc_available() lets a test fail with a clear check
 * (never skip) when the fake is missing.
 */
#ifndef LT_TESTS_FAKEPROC_H
#define LT_TESTS_FAKEPROC_H

#include <stdbool.h>
#include <sys/types.h>

struct fakeproc {
    pid_t pid;
    int port;
    char url[64]; /* "http://127.0.0.1:PORT" */
    char port_file[256];
    char log_file[256]; /* its stderr; removed by fakeproc_stop */
};

/* True when scripts/fake-aws and /usr/bin/python3 exist. */
bool fakeproc_available(void);
/*
 * Starts the fake with the data file; extra is a NULL-terminated list of
 * more arguments (faults) or NULL. Waits up to 20 s for it to listen.
 */
void fakeproc_start(struct fakeproc *f, const char *data, const char *const *extra);
/* SIGTERM, wait; returns the exit status (0 expected). */
int fakeproc_stop(struct fakeproc *f);

#endif
