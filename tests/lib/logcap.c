#include "logcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

static FILE *capture;
static char *all;
static size_t all_len;

static void bail(const char *what)
{
    printf("Bail out! log capture: %s\n", what);
    exit(1);
}

void logcap_start(void)
{
    capture = tmpfile();
    if (!capture) {
        bail("cannot create a temporary file");
    }
    log_set_stream(capture);
}

char *logcap_take(void)
{
    if (!capture) {
        bail("logcap_start was not called");
    }
    fflush(capture);
    long n = ftell(capture);
    char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(capture);
    if (!s || (n > 0 && fread(s, 1, (size_t)n, capture) != (size_t)n)) {
        bail("cannot read the captured log");
    }
    rewind(capture);
    if (ftruncate(fileno(capture), 0) != 0) {
        bail("cannot truncate the captured log");
    }
    char *grown = realloc(all, all_len + (size_t)n + 1);
    if (!grown) {
        bail("out of memory");
    }
    all = grown;
    memcpy(all + all_len, s, (size_t)n + 1);
    all_len += (size_t)n;
    return s;
}

const char *logcap_all(void)
{
    free(logcap_take());
    return all ? all : "";
}
