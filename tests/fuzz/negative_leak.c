/*
 * negative_leak.c - proves the fuzzing harness reports a leak (s2n's
 * *_negative_test.c): an input starting with "leak" loses an allocation
 * made through base/mem. scripts/fuzz runs it on that input and fails
 * unless LeakSanitizer reports it. Not a fuzz target (no fuzz_ prefix).
 */
#include <stdint.h>
#include <string.h>

#include "base/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "leak", 4) == 0) {
        char *volatile lost = mem_alloc(size);
        memcpy(lost, data, size);
        lost = NULL;
    }
    return 0;
}
