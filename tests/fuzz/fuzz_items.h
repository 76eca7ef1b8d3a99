/*
 * fuzz_items.h - how the list-taking fuzz targets (fuzz_esc_csv, fuzz_esc_cypher)
 * read a list from their input: the pieces between 0xFF bytes, as C strings.
 */
#ifndef LT_FUZZ_ITEMS_H
#define LT_FUZZ_ITEMS_H

#include <stddef.h>
#include <string.h>

#include "base/mem.h"

#define FUZZ_MAX_ITEMS 64

/*
 * Fills items with the pieces of s between 0xFF bytes (at most
 * FUZZ_MAX_ITEMS; a NUL inside a piece ends its C string); returns how many.
 * fuzz_items_free frees them.
 */
static inline size_t fuzz_items_split(const char *s, size_t size, char **items)
{
    size_t n = 0;
    const char *p = s;
    const char *end = s + size;
    while (n < FUZZ_MAX_ITEMS) {
        const char *cut = memchr(p, 0xFF, (size_t)(end - p));
        const char *stop = cut ? cut : end;
        items[n++] = mem_strndup(p, (size_t)(stop - p));
        if (!cut) {
            break;
        }
        p = cut + 1;
    }
    return n;
}

static inline void fuzz_items_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(items[i]);
    }
}

#endif
