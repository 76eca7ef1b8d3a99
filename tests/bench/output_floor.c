/*
 * output_floor - the other floor under `ltsnap convert`: how long it takes
 * only to put a snapshot's bytes on disk the way convert does (base/fsx's
 * writer: SHA-256 of every byte, write, fsync), with nothing to compute.
 * scripts/bench runs it on the snapshot convert wrote; it measures and
 * prints, it checks nothing.
 *
 * Usage: output_floor DIR FILE...
 * Copies each FILE into a new file in DIR (removed again) and prints one
 * line: "<CPU seconds> <files> <bytes>", the CPU time (user and system) of
 * the writer only: reading FILE is not counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/fsx.h"

#define PIECE ((size_t)64 * 1024)

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Copies from into the writer a piece at a time; *writing gets the writer's CPU time. */
static enum lt_rc copy_into(FILE *from, struct fsx_writer *w, double *writing,
                            unsigned long long *bytes, struct lt_error *err)
{
    static char piece[PIECE];
    size_t n;
    while ((n = fread(piece, 1, sizeof(piece), from)) > 0) {
        double start = cpu_seconds();
        enum lt_rc rc = fsx_writer_add(w, piece, n, err);
        *writing += cpu_seconds() - start;
        LT_TRY(rc);
        *bytes += n;
    }
    return ferror(from) ? lt_fail(err, LT_E_IO, "cannot read the file") : LT_OK;
}

static enum lt_rc copy_file(const char *path, const char *to, double *writing,
                            unsigned long long *bytes, struct lt_error *err)
{
    FILE *from = fopen(path, "rb");
    if (!from) {
        return lt_fail(err, LT_E_IO, "cannot open '%s'", path);
    }
    struct fsx_writer w;
    double start = cpu_seconds();
    enum lt_rc rc = fsx_writer_open(&w, to, err);
    *writing += cpu_seconds() - start;
    if (rc == LT_OK) {
        rc = copy_into(from, &w, writing, bytes, err);
        if (rc == LT_OK) {
            unsigned char sha[HASH_SHA256_LEN];
            uint64_t n;
            start = cpu_seconds();
            rc = fsx_writer_close(&w, sha, &n, err);
            *writing += cpu_seconds() - start;
        } else {
            fsx_writer_abort(&w);
        }
        unlink(to);
    }
    fclose(from);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: output_floor DIR FILE...\n");
        return 2;
    }
    double writing = 0;
    unsigned long long bytes = 0;
    int status = 0;
    struct buf to = BUF_INIT(4096);
    for (int i = 2; i < argc && status == 0; i++) {
        struct lt_error err = LT_ERROR_INIT;
        buf_reset(&to);
        if (buf_adds(&to, argv[1]) != LT_OK || buf_adds(&to, "/output-floor.") != LT_OK ||
            buf_add_int(&to, i) != LT_OK ||
            copy_file(argv[i], buf_str(&to), &writing, &bytes, &err) != LT_OK) {
            fprintf(stderr, "output_floor: %s: %s\n", argv[i], lt_error_message(&err));
            status = 1;
        }
        lt_error_release(&err);
    }
    buf_release(&to);
    if (status == 0) {
        printf("%.3f %d %llu\n", writing, argc - 2, bytes);
    }
    return status;
}
