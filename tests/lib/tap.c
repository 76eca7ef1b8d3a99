#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count;
static int failed;

static void escape_print(const char *label, const void *p, size_t n)
{
    const unsigned char *s = p;
    printf("#   %s (%zu bytes): \"", label, n);
    for (size_t i = 0; i < n && i < 2000; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            printf("\\%c", s[i]);
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            printf("\\x%02x", s[i]);
        } else {
            putchar(s[i]);
        }
    }
    printf("\"%s\n", n > 2000 ? "..." : "");
}

int tap_check(int ok, const char *file, int line, const char *what)
{
    count++;
    if (!ok) {
        failed++;
    }
    printf("%s %d - %s:%d: %s\n", ok ? "ok" : "not ok", count, file, line, what);
    return ok;
}

int tap_check_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
                  const char *file, int line, const char *what)
{
    int ok = got && want && gotlen == wantlen && memcmp(got, want, gotlen) == 0;
    tap_check(ok, file, line, what);
    if (!ok) {
        if (got) {
            escape_print("got ", got, gotlen);
        } else {
            printf("#   got  NULL\n");
        }
        if (want) {
            escape_print("want", want, wantlen);
        }
    }
    return ok;
}

int tap_check_str(const char *got, const char *want, const char *file, int line, const char *what)
{
    return tap_check_mem(got, got ? strlen(got) : 0, want, want ? strlen(want) : 0, file, line,
                         what);
}

int tap_check_int(long long got, long long want, const char *file, int line, const char *what)
{
    int ok = got == want;
    tap_check(ok, file, line, what);
    if (!ok) {
        printf("#   got %lld, want %lld\n", got, want);
    }
    return ok;
}

void tap_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

int tap_done(void)
{
    printf("1..%d\n", count);
    if (count == 0) {
        printf("# no checks ran\n");
        return 1;
    }
    if (failed) {
        printf("# %d of %d checks failed\n", failed, count);
    }
    return failed ? 1 : 0;
}

char *tap_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("Bail out! cannot open test data '%s'\n", path);
        exit(1);
    }
    size_t cap = 4096;
    size_t n = 0;
    char *p = malloc(cap);
    size_t k;
    while (p && (k = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            cap *= 2;
            p = realloc(p, cap);
        }
    }
    fclose(f);
    if (!p) {
        printf("Bail out! out of memory reading '%s'\n", path);
        exit(1);
    }
    p[n] = '\0';
    if (len) {
        *len = n;
    }
    return p;
}
