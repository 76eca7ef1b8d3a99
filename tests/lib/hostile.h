/*
 * hostile.h - random hostile values for the escapers' differential tests
 * (test_esc_csv, test_esc_cypher): runs of a background text, each test's
 * own hostile pieces, and random bytes, strung together at random.
 */
#ifndef LT_TESTS_HOSTILE_H
#define LT_TESTS_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/rc.h"

struct hostile_kit {
    const char *const *pieces; /* "" stands for one NUL byte */
    size_t npieces;
    const char *const *backgrounds; /* texts the runs are cut from */
    size_t nbackgrounds;
};

/* s[0..n) filled with text over and over. */
void hostile_fill(char *s, size_t n, const char *text);
/* Appends n bytes of text (over and over). */
LT_MUST_CHECK enum lt_rc hostile_add_run(struct buf *b, size_t n, const char *text);
/*
 * Appends up to max_parts parts: a run of a background (any length up to
 * 99, across the 8-, 16- and 32-byte steps of the scans), a shorter run and
 * a random byte, or a piece.
 */
LT_MUST_CHECK enum lt_rc hostile_add_random(uint64_t *state, struct buf *b,
                                            const struct hostile_kit *kit, size_t max_parts);

/* Compares an escaper with its oracle on s[0..n); 1 when they differ, else 0. */
typedef size_t hostile_diff_fn(const char *s, size_t n);

/*
 * Every byte value at every offset of values of 1 to max_n bytes cut from
 * text: each lane of each word and block of the scans, and their last
 * overlapping one. Returns the differences; *cases counts the values.
 */
size_t hostile_every_byte(size_t max_n, const char *text, hostile_diff_fn *diff, size_t *cases);
/*
 * Every pair of the edge bytes at offsets 0, step, 2 step ... of an n-byte
 * value (its background kit's texts in turn), compared whole and cut right
 * after the pair: UTF-8 sequences cut or whole, escapes beside bad bytes.
 */
size_t hostile_byte_pairs(const unsigned char *edge, size_t nedge, size_t n, size_t step,
                          const struct hostile_kit *kit, hostile_diff_fn *diff);

#endif
