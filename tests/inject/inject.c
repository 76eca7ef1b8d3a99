/*
 * inject.c - an LD_PRELOAD shim that makes file-system calls fail, to prove
 * that ltsnap ends with exit 1 and an untouched snapshot when the disk is
 * full or the file system refuses (jq's src/inject_errors.c, in small).
 *
 * LTSNAP_INJECT=<call>:<substring>, call one of:
 *   write   write() to a file whose path contains substring fails (ENOSPC)
 *   fsync   fsync() of such a file fails (EIO)
 *   rename  rename()/renameat2() whose target contains substring fails (EACCES)
 *
 * Test-only code: never linked into ltsnap. (The *(void **)&fn = dlsym()
 * form is the one POSIX gives for turning dlsym's result into a function.)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 1024

static char marked[MAX_FDS];

static const char *rule(const char *call)
{
    const char *spec = getenv("LTSNAP_INJECT");
    size_t n = strlen(call);
    if (!spec || strncmp(spec, call, n) != 0 || spec[n] != ':') {
        return NULL;
    }
    return spec + n + 1;
}

static void mark(int fd, const char *path)
{
    if (fd < 0 || fd >= MAX_FDS) {
        return;
    }
    const char *w = rule("write");
    const char *f = rule("fsync");
    const char *pattern = w ? w : f;
    marked[fd] = pattern && path && strstr(path, pattern) != NULL;
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "open");
    }
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    int fd = real(path, flags, mode);
    mark(fd, path);
    return fd;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "write");
    }
    if (fd >= 0 && fd < MAX_FDS && marked[fd] && rule("write")) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "fsync");
    }
    if (fd >= 0 && fd < MAX_FDS && marked[fd] && rule("fsync")) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

static int refuse_rename(const char *target)
{
    const char *pattern = rule("rename");
    return pattern && target && strstr(target, pattern) != NULL;
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "rename");
    }
    if (refuse_rename(to)) {
        errno = EACCES;
        return -1;
    }
    return real(from, to);
}

int renameat2(int olddirfd, const char *from, int newdirfd, const char *to, unsigned int flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned int);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "renameat2");
    }
    if (refuse_rename(to)) {
        errno = EACCES;
        return -1;
    }
    return real(olddirfd, from, newdirfd, to, flags);
}
