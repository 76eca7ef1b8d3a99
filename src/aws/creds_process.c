/*
 * creds_process.c - credential_process: run the profile's command and read
 * credentials from its standard output (botocore's ProcessProvider).
 *
 * How the command runs (decisions):
 * - through /bin/sh -c, as the Go and Java SDKs and aws-c-auth do; botocore
 *   splits it with shlex and runs it without a shell. Commands written for
 *   the CLI (a path and quoted arguments) mean the same under both; shell
 *   syntax ($VAR, pipes, ';') works here but not in the CLI.
 * - environment: the one ltsnap was given; stdin: /dev/null (ltsnap is
 *   non-interactive); own process group, so a timeout kills its children.
 * - stdout is read up to 1 MiB, stderr up to 64 KiB; the whole exchange has
 *   a time limit (creds_context.process_timeout_ms, default 60 s) after
 *   which the group is killed with SIGKILL.
 * - failure (exit status other than 0, or a signal) is reported with the
 *   first line of stderr; the command line itself is never logged or put
 *   in a message (it may hold a secret).
 * - stdout must be JSON: Version 1, AccessKeyId, SecretAccessKey,
 *   SessionToken (optional), Expiration (optional, ISO-8601; without it the
 *   credentials never expire and are never refreshed).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/creds_internal.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"

#define CREDS_PROC_STDOUT_MAX ((size_t)1024 * 1024)
#define CREDS_PROC_STDERR_MAX ((size_t)64 * 1024)
#define CREDS_PROC_TIMEOUT_MS 60000L

struct creds_proc {
    pid_t pid;
    int out_fd;
    int err_fd;
    struct buf out; /* secret */
    struct buf err;
    bool out_too_big;
    bool timed_out;
    int status;
};

static void creds_proc_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static enum lt_rc creds_proc_spawn(const struct creds_request *rq, const char *command,
                                   struct creds_proc *pr, struct lt_error *err)
{
    int out[2] = {-1, -1};
    int errp[2] = {-1, -1};
    if (pipe(out) != 0 || pipe(errp) != 0) {
        int e = errno;
        creds_proc_close(&out[0]);
        creds_proc_close(&out[1]);
        return lt_fail(err, LT_E_CREDS, "cannot create a pipe: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, errp[0]);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    static const char *const empty_env[] = {NULL};
    const char *const *envp = rq->ctx->env && rq->ctx->env->vars ? rq->ctx->env->vars : empty_env;
    const char *argv[] = {"sh", "-c", command, NULL};
    int rc = posix_spawn(&pr->pid, "/bin/sh", &fa, &attr, (char *const *)(uintptr_t)argv,
                         (char *const *)(uintptr_t)envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    close(errp[1]);
    pr->out_fd = out[0];
    pr->err_fd = errp[0];
    if (rc != 0) {
        creds_proc_close(&pr->out_fd);
        creds_proc_close(&pr->err_fd);
        return lt_fail(err, LT_E_CREDS, "cannot start /bin/sh: %s", strerror(rc));
    }
    return LT_OK;
}

/* Reads what is available on fd into b; closes fd at end of file. */
static void creds_proc_read(int *fd, struct buf *b, bool *too_big)
{
    char chunk[4096];
    ssize_t n = read(*fd, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        creds_proc_close(fd);
    } else if (!*too_big && buf_add(b, chunk, (size_t)n) != LT_OK) {
        *too_big = true; /* the buffer released itself; keep draining */
    }
    mem_cleanse(chunk, sizeof(chunk));
}

/* Reads both pipes until they close or the deadline passes. */
static void creds_proc_drain(struct creds_proc *pr, uint64_t deadline)
{
    bool err_too_big = false;
    while (pr->out_fd >= 0 || pr->err_fd >= 0) {
        uint64_t now = clock_monotonic_ms();
        if (now >= deadline) {
            pr->timed_out = true;
            return;
        }
        struct pollfd fds[2] = {{pr->out_fd, POLLIN, 0}, {pr->err_fd, POLLIN, 0}};
        int n = poll(fds, 2, (int)(deadline - now));
        if (n < 0 && errno != EINTR) {
            pr->timed_out = true;
            return;
        }
        if (n > 0 && fds[0].revents) {
            creds_proc_read(&pr->out_fd, &pr->out, &pr->out_too_big);
        }
        if (n > 0 && fds[1].revents) {
            creds_proc_read(&pr->err_fd, &pr->err, &err_too_big);
        }
    }
}

/* Waits for the child until the deadline; kills its group after it. */
static void creds_proc_wait(struct creds_proc *pr, uint64_t deadline)
{
    while (!pr->timed_out) {
        pid_t r = waitpid(pr->pid, &pr->status, WNOHANG);
        if (r == pr->pid || (r < 0 && errno != EINTR)) {
            return;
        }
        if (clock_monotonic_ms() >= deadline) {
            pr->timed_out = true;
            break;
        }
        clock_sleep_ms(10);
    }
    kill(-pr->pid, SIGKILL);
    while (waitpid(pr->pid, &pr->status, 0) < 0 && errno == EINTR) {
    }
}

/* The first line of stderr, for messages (the logger escapes it). */
static void creds_proc_first_line(const struct buf *b, struct buf *out)
{
    const char *s = buf_str(b);
    size_t n = strcspn(s, "\n");
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ')) {
        n--;
    }
    if (buf_add(out, s, n > 512 ? 512 : n) != LT_OK) {
        buf_reset(out);
    }
}

static enum lt_rc creds_proc_outcome(const struct creds_request *rq, struct creds_proc *pr,
                                     long timeout_ms, struct lt_error *err)
{
    if (pr->timed_out) {
        return lt_fail(err, LT_E_CREDS,
                       "credential_process of profile '%s' did not finish in "
                       "%ld ms and was killed",
                       rq->profile, timeout_ms);
    }
    struct buf line = BUF_INIT(1024);
    creds_proc_first_line(&pr->err, &line);
    enum lt_rc rc = LT_OK;
    if (WIFSIGNALED(pr->status)) {
        rc = lt_fail(err, LT_E_CREDS,
                     "credential_process of profile '%s' was killed by signal "
                     "%d%s%s",
                     rq->profile, WTERMSIG(pr->status), line.len ? ": " : "", buf_str(&line));
    } else if (WEXITSTATUS(pr->status) != 0) {
        rc = lt_fail(err, LT_E_CREDS,
                     "credential_process of profile '%s' exited with status "
                     "%d%s%s",
                     rq->profile, WEXITSTATUS(pr->status), line.len ? ": " : "", buf_str(&line));
    } else if (pr->out_too_big) {
        rc = lt_fail(err, LT_E_CREDS,
                     "credential_process of profile '%s' wrote more than %zu "
                     "bytes",
                     rq->profile, CREDS_PROC_STDOUT_MAX);
    }
    buf_release(&line);
    return rc;
}

enum lt_rc creds_process_parse(const char *text, size_t len, struct aws_credentials *out,
                               struct lt_error *err)
{
    static const struct creds_json_keys keys = {
        "AccessKeyId", "SecretAccessKey", "SessionToken", false, "Expiration", false, false};
    cJSON *doc = cJSON_ParseWithLength(text, len);
    int64_t version = 0;
    enum lt_rc rc = LT_OK;
    if (!cJSON_IsObject(doc)) {
        rc = lt_fail(err, LT_E_CREDS, "the output is not a JSON object");
    } else if (!json_get_int64(doc, "Version", &version) || version != 1) {
        rc = lt_fail(err, LT_E_CREDS, "the output's Version is not 1");
    } else {
        rc = creds_from_json(doc, &keys, out, err);
    }
    creds_json_delete_secret(doc);
    return rc;
}

static enum lt_rc creds_proc_parse(const struct creds_request *rq, const struct buf *out,
                                   struct aws_credentials *creds, struct lt_error *err)
{
    enum lt_rc rc = creds_process_parse(buf_str(out), out->len, creds, err);
    if (rc != LT_OK) {
        lt_error_prefix(err, "credential_process of profile '%s'", rq->profile);
    }
    return rc;
}

enum lt_rc creds_process_resolve(struct creds_request *rq, struct aws_credentials *out,
                                 struct buf *what, struct lt_error *err)
{
    const char *command = profile_get(rq->ctx->files, rq->profile, "credential_process");
    if (!command) {
        return LT_OK;
    }
    if (!*command) {
        return lt_fail(err, LT_E_CONFIG, "profile '%s' has an empty credential_process",
                       rq->profile);
    }
    long timeout =
        rq->ctx->process_timeout_ms > 0 ? rq->ctx->process_timeout_ms : CREDS_PROC_TIMEOUT_MS;
    struct creds_proc pr = {
        -1,    -1,    -1, BUF_INIT(CREDS_PROC_STDOUT_MAX), BUF_INIT(CREDS_PROC_STDERR_MAX),
        false, false, 0};
    log_debug("profile '%s': running its credential_process", rq->profile);
    LT_TRY(creds_proc_spawn(rq, command, &pr, err));
    uint64_t deadline = clock_monotonic_ms() + (uint64_t)timeout;
    creds_proc_drain(&pr, deadline);
    creds_proc_close(&pr.out_fd);
    creds_proc_close(&pr.err_fd);
    creds_proc_wait(&pr, deadline);
    enum lt_rc rc = creds_proc_outcome(rq, &pr, timeout, err);
    if (rc == LT_OK) {
        rc = creds_proc_parse(rq, &pr.out, out, err);
    }
    buf_release_secret(&pr.out);
    buf_release(&pr.err);
    LT_TRY(rc);
    return buf_adds(what, "credential_process");
}
