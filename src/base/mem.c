#include "base/mem.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_handler)(const char *reason);

void mem_set_fatal_handler(void (*handler)(const char *reason))
{
    fatal_handler = handler;
}

static LT_NORETURN void out_of_memory(void)
{
    if (fatal_handler) {
        fatal_handler("out of memory");
    }
    abort();
}

void *mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *mem_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *mem_realloc_array(void *ptr, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size) {
        out_of_memory();
    }
    size_t total = nmemb * size;
    void *p = realloc(ptr, total ? total : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

char *mem_strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        out_of_memory();
    }
    char *p = mem_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

void mem_free(void *ptr)
{
    free(ptr);
}

void mem_cleanse(void *ptr, size_t n)
{
    if (ptr && n) {
        OPENSSL_cleanse(ptr, n);
    }
}

void mem_free_secret(void *ptr, size_t n)
{
    mem_cleanse(ptr, n);
    free(ptr);
}
