/*
 * testrand.h - the tests' pseudo-random numbers: xorshift64, deterministic
 * from a seed, so a failure can be replayed. The state must not start at 0.
 */
#ifndef LT_TESTS_TESTRAND_H
#define LT_TESTS_TESTRAND_H

#include <stdint.h>

static inline uint64_t test_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

#endif
