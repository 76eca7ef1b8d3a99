#include "fakeproc.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define FAKEPROC_SCRIPT "scripts/fake-aws"
#define FAKEPROC_PYTHON "/usr/bin/python3"

bool fakeproc_available(void)
{
    return access(FAKEPROC_SCRIPT, R_OK) == 0 && access(FAKEPROC_PYTHON, X_OK) == 0;
}

static void fakeproc_bail(const char *what)
{
    printf("Bail out! fake-aws: %s\n", what);
    exit(1);
}

static int fakeproc_read_port(const char *path)
{
    FILE *f = fopen(path, "r");
    int port = 0;
    if (f) {
        if (fscanf(f, "%d", &port) != 1) {
            port = 0;
        }
        fclose(f);
    }
    return port;
}

void fakeproc_start(struct fakeproc *f, const char *data, const char *const *extra)
{
    static unsigned seq;
    memset(f, 0, sizeof(*f));
    snprintf(f->port_file, sizeof(f->port_file), "/tmp/ltsnap-fake-%d-%u.port", (int)getpid(),
             seq++);
    unlink(f->port_file);
    char watch[32];
    snprintf(watch, sizeof(watch), "%d", (int)getpid());
    const char *argv[64] = {FAKEPROC_PYTHON, FAKEPROC_SCRIPT, "--data",      data, "--port", "0",
                            "--port-file",   f->port_file,    "--watch-pid", watch};
    size_t n = 10;
    for (size_t i = 0; extra && extra[i] && n < 62; i++) {
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    /* Its "listening on" line would break the TAP stream: stdout to /dev/null. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    snprintf(f->log_file, sizeof(f->log_file), "%.240s.log", f->port_file);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, f->log_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int rc =
        posix_spawn(&f->pid, FAKEPROC_PYTHON, &fa, NULL, (char *const *)(uintptr_t)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fakeproc_bail("cannot start");
    }
    for (int i = 0; i < 400; i++) {
        int status;
        if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
            printf("# see '%s'\n", f->log_file);
            fakeproc_bail("exited before listening (bad data file?)");
        }
        f->port = fakeproc_read_port(f->port_file);
        if (f->port > 0) {
            snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->port);
            return;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    kill(f->pid, SIGKILL);
    waitpid(f->pid, NULL, 0);
    fakeproc_bail("did not write its port file within 20 s");
}

int fakeproc_stop(struct fakeproc *f)
{
    int status = -1;
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        while (waitpid(f->pid, &status, 0) < 0) {
        }
        f->pid = 0;
    }
    unlink(f->port_file);
    unlink(f->log_file);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
