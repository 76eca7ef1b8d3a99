/*
 * mem.h - the only place that calls malloc, realloc and free.
 *
 * Owns: allocation, and what happens when it fails.
 * May call: libc.
 *
 * Allocation failure is not reported to callers: it calls the fatal handler
 * that main() installs (it logs, lets the temporary-snapshot cleanup run and
 * exits 1, like git's die()), or abort() when none is installed. Every other
 * limit in ltsnap is a named error long before memory runs out, so an
 * allocation failure means the machine itself is out of memory.
 */
#ifndef LT_BASE_MEM_H
#define LT_BASE_MEM_H

#include "base/lt.h"

/* Never returns NULL. mem_alloc(0) returns a unique pointer. */
void *mem_alloc(size_t size);
/* Zeroed array; fails cleanly (fatal) when nmemb * size overflows. */
void *mem_calloc(size_t nmemb, size_t size);
/* Like realloc, but never returns NULL and checks nmemb * size. */
void *mem_realloc_array(void *ptr, size_t nmemb, size_t size);
char *mem_strdup(const char *s);
/* Copies n bytes and a terminating NUL. */
char *mem_strndup(const char *s, size_t n);
void mem_free(void *ptr);
/* Overwrites n bytes at ptr with zeroes the compiler may not elide, then frees. */
void mem_free_secret(void *ptr, size_t n);
/* Wipes n bytes in place (for secrets in buffers that are reused). */
void mem_cleanse(void *ptr, size_t n);

/* Installed by main(); called with a short reason, must not return. */
void mem_set_fatal_handler(void (*handler)(const char *reason));

#endif
