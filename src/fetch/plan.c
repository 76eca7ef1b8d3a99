#include "fetch/plan.h"

#include <stdlib.h>

#define PAGE_SIZE 200

static int compare_numbers(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static bool covered(int64_t n, int64_t cmin, int64_t cmax)
{
    return cmin <= n && n <= cmax;
}

bool plan_missing_range_after(int64_t latest, int64_t *have, size_t nhave, int64_t cmin,
                              int64_t cmax, int64_t *min, int64_t *max)
{
    if (latest < 1) {
        return false;
    }
    if (nhave > 1) {
        qsort(have, nhave, sizeof(*have), compare_numbers);
    }
    /* Smallest missing: walk up from 1 over the numbers received or covered. */
    int64_t lo = 1;
    size_t i = 0;
    for (;;) {
        if (lo > latest) {
            return false;
        }
        if (covered(lo, cmin, cmax)) {
            lo = cmax + 1;
            continue;
        }
        while (i < nhave && have[i] < lo) {
            i++;
        }
        if (i < nhave && have[i] == lo) {
            lo++;
            continue;
        }
        break;
    }
    /* Largest missing: walk down from latest; stops at lo at the latest, which is missing. */
    int64_t hi = latest;
    size_t j = nhave;
    for (;;) {
        if (covered(hi, cmin, cmax)) {
            hi = cmin - 1;
            continue;
        }
        while (j > 0 && have[j - 1] > hi) {
            j--;
        }
        if (j > 0 && have[j - 1] == hi) {
            hi--;
            continue;
        }
        break;
    }
    *min = lo;
    *max = hi;
    return true;
}

bool plan_missing_range(int64_t latest, int64_t *have, size_t nhave, int64_t *min, int64_t *max)
{
    return plan_missing_range_after(latest, have, nhave, 1, 0, min, max);
}

bool plan_early_range(int64_t latest, int64_t deflt, int64_t *min, int64_t *max)
{
    int64_t have[2] = {latest, deflt};
    size_t n = deflt >= 1 && deflt <= latest ? 2 : 1;
    return plan_missing_range(latest, have, n, min, max);
}

static uint64_t pages(uint64_t n)
{
    return n == 0 ? 1 : (n + PAGE_SIZE - 1) / PAGE_SIZE;
}

uint64_t plan_expected_calls(uint64_t templates, uint64_t listed_versions, uint64_t own_calls)
{
    return pages(templates) + pages(listed_versions) + own_calls;
}
