#include "hostile.h"

#include <stdlib.h>
#include <string.h>

#include "testrand.h"

void hostile_fill(char *s, size_t n, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < n; i++) {
        s[i] = text[i % len];
    }
}

enum lt_rc hostile_add_run(struct buf *b, size_t n, const char *text)
{
    char *at;
    LT_TRY(buf_extend(b, n, &at));
    hostile_fill(at, n, text);
    return LT_OK;
}

enum lt_rc hostile_add_random(uint64_t *state, struct buf *b, const struct hostile_kit *kit,
                              size_t max_parts)
{
    size_t parts = test_random(state) % (max_parts + 1);
    for (size_t i = 0; i < parts; i++) {
        uint64_t r = test_random(state);
        const char *p = kit->pieces[(r >> 8) % kit->npieces];
        const char *text = kit->backgrounds[(r >> 40) % kit->nbackgrounds];
        if (r % 4 == 0) {
            LT_TRY(hostile_add_run(b, (size_t)(r >> 8) % 100, text));
        } else if (r % 4 == 1) {
            LT_TRY(hostile_add_run(b, (size_t)(r >> 8) % 40, text));
            LT_TRY(buf_addc(b, (char)(r >> 32)));
        } else {
            LT_TRY(buf_add(b, p, p[0] ? strlen(p) : 1));
        }
    }
    return LT_OK;
}

size_t hostile_every_byte(size_t max_n, const char *text, hostile_diff_fn *diff, size_t *cases)
{
    size_t differences = 0;
    char *s = malloc(max_n ? max_n : 1);
    for (size_t n = 1; n <= max_n; n++) {
        for (size_t at = 0; at < n; at++) {
            for (int c = 0; c < 256; c++) {
                hostile_fill(s, n, text);
                s[at] = (char)c;
                differences += diff(s, n);
                (*cases)++;
            }
        }
    }
    free(s);
    return differences;
}

size_t hostile_byte_pairs(const unsigned char *edge, size_t nedge, size_t n, size_t step,
                          const struct hostile_kit *kit, hostile_diff_fn *diff)
{
    size_t differences = 0;
    char *s = malloc(n ? n : 1);
    for (size_t a = 0; a < nedge; a++) {
        for (size_t b = 0; b < nedge; b++) {
            for (size_t at = 0; at + 1 < n; at += step) {
                hostile_fill(s, n, kit->backgrounds[at % kit->nbackgrounds]);
                s[at] = (char)edge[a];
                s[at + 1] = (char)edge[b];
                differences += diff(s, n) + diff(s, at + 2);
            }
        }
    }
    free(s);
    return differences;
}
