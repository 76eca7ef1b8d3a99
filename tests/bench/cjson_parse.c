/*
 * cjson_parse - the floor under `ltsnap convert`: how long cJSON alone takes
 * to parse the given pages, allocating from the same arena convert uses
 * (base/json). scripts/bench runs it beside convert; it measures and prints,
 * it checks nothing.
 *
 * Usage: cjson_parse FILE...
 * Prints one line: "<CPU seconds> <files> <bytes>", the CPU time spent in
 * cJSON_ParseWithLength only (reading the files is not counted).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/json.h"

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    json_use_mem_hooks();
    struct json_arena arena;
    json_arena_init(&arena);
    struct buf data = BUF_INIT((size_t)1 << 30);
    double parsing = 0;
    unsigned long long bytes = 0;
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        struct lt_error err = LT_ERROR_INIT;
        buf_reset(&data);
        if (fsx_read_file(argv[i], data.max, &data, &err) != LT_OK) {
            fprintf(stderr, "cjson_parse: %s\n", lt_error_message(&err));
            status = 1;
        } else {
            struct json_arena *previous = json_arena_enter(&arena);
            double start = cpu_seconds();
            cJSON *doc = cJSON_ParseWithLength(buf_str(&data), data.len);
            parsing += cpu_seconds() - start;
            json_arena_leave(previous);
            if (!doc) {
                fprintf(stderr, "cjson_parse: %s: not JSON\n", argv[i]);
                status = 1;
            }
            json_arena_reset(&arena); /* the tree goes with it, as in convert */
            bytes += data.len;
        }
        lt_error_release(&err);
    }
    buf_release(&data);
    json_arena_release(&arena);
    if (status == 0) {
        printf("%.3f %d %llu\n", parsing, argc - 1, bytes);
    }
    return status;
}
