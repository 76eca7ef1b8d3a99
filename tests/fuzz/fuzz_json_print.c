/*
 * fuzz_json_print.c - libFuzzer target for json's printer: any bytes parsed
 * by cJSON, the tree printed by json_canonical and by json_pretty.
 *
 * Properties checked beyond "no crash, no leak":
 * - printing a parsed tree never fails;
 * - json_canonical's text is cJSON_PrintUnformatted's for the tree it
 *   sorted, and json_pretty's is cJSON_Print's and a newline, wherever
 *   ltsnap's exact integers and cJSON's numbers agree: in trees without an
 *   integer from 10^15 up to 2^63 in magnitude (there cJSON rounds).
 * (The canonical text is no fixed point in general: cJSON's "%1.15g" of a
 * number near DBL_MAX reads back as infinity, printed as null.)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void fuzz_check(bool ok)
{
    if (!ok) {
        abort();
    }
}

/* An integer whose exact digits are not what cJSON prints. */
static bool fuzz_has_big_integer(const cJSON *item)
{
    for (const cJSON *c = item->child; c; c = c->next) {
        if (fuzz_has_big_integer(c)) {
            return true;
        }
    }
    double d = fabs(item->valuedouble);
    return cJSON_IsNumber(item) && d == floor(d) && d >= 1e15 && d < 9223372036854775808.0;
}

/* out holds cJSON's text (freed here), then a newline when newline is set. */
static bool fuzz_same_text(const struct buf *out, char *cjson_text, bool newline)
{
    fuzz_check(cjson_text != NULL);
    size_t n = strlen(cjson_text);
    bool same = out->len == n + newline && memcmp(out->ptr, cjson_text, n) == 0 &&
                (!newline || out->ptr[n] == '\n');
    cJSON_free(cjson_text);
    return same;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static bool hooked;
    if (!hooked) {
        json_use_mem_hooks();
        hooked = true;
    }
    cJSON *tree = cJSON_ParseWithLength((const char *)data, size);
    if (!tree) {
        return 0;
    }
    struct buf canonical = BUF_INIT(BUF_MAX_LARGE);
    struct buf pretty = BUF_INIT(BUF_MAX_LARGE);
    fuzz_check(json_canonical(tree, &canonical) == LT_OK);
    fuzz_check(json_pretty(tree, &pretty) == LT_OK);
    if (!fuzz_has_big_integer(tree)) {
        fuzz_check(fuzz_same_text(&canonical, cJSON_PrintUnformatted(tree), false));
        fuzz_check(fuzz_same_text(&pretty, cJSON_Print(tree), true));
    }
    cJSON_Delete(tree);
    buf_release(&canonical);
    buf_release(&pretty);
    return 0;
}
