#include "fetch/plan.h"

#include <stdlib.h>

#define PAGE_SIZE 200

static int compare_numbers(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

bool plan_missing_range(int64_t latest, int64_t *have, size_t nhave, int64_t *min, int64_t *max)
{
    if (latest < 1) {
        return false;
    }
    if (nhave > 1) {
        qsort(have, nhave, sizeof(*have), compare_numbers);
    }
    /* Smallest missing: walk up from 1 over the numbers present. */
    int64_t lo = 1;
    for (size_t i = 0; i < nhave && have[i] <= latest; i++) {
        if (have[i] == lo) {
            lo++;
        } else if (have[i] > lo) {
            break;
        }
    }
    if (lo > latest) {
        return false;
    }
    /* Largest missing: walk down from latest over the numbers present. */
    int64_t hi = latest;
    for (size_t i = nhave; i > 0; i--) {
        if (have[i - 1] > hi) {
            continue;
        }
        if (have[i - 1] == hi) {
            hi--;
        } else {
            break;
        }
    }
    *min = lo;
    *max = hi;
    return true;
}

static uint64_t pages(uint64_t n)
{
    return n == 0 ? 1 : (n + PAGE_SIZE - 1) / PAGE_SIZE;
}

uint64_t plan_expected_calls(uint64_t templates, uint64_t listed_versions, uint64_t own_calls)
{
    return pages(templates) + pages(listed_versions) + own_calls;
}
