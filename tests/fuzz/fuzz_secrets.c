/*
 * fuzz_secrets - secrets_scan over any bytes: no crash, no read outside the
 * input (ASan), only the defined kinds, and the same answer every time.
 */
#include <stdlib.h>
#include <string.h>

#include "model/secrets.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    /* An exact-size copy, so any read past the end is caught. */
    char *copy = malloc(size ? size : 1);
    if (!copy) {
        return 0;
    }
    memcpy(copy, data, size);
    unsigned kinds = secrets_scan(copy, size);
    if ((kinds >> SECRETS_KIND_COUNT) != 0 || secrets_scan(copy, size) != kinds) {
        abort();
    }
    free(copy);
    return 0;
}
