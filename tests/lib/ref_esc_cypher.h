/*
 * ref_esc_cypher.h - the oracle of the differential tests of the Cypher
 * escaper (tests/unit/test_esc_cypher.c, tests/fuzz/fuzz_esc_cypher.c): the
 * byte-by-byte string escaper and map key writer of main at 4a8455c, which
 * the faster ones replaced. For every input those must append the same
 * bytes, return the same code and leave the buffer in the same state.
 */
#ifndef LT_TESTS_REF_ESC_CYPHER_H
#define LT_TESTS_REF_ESC_CYPHER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum lt_rc ref_esc_cypher_string(struct buf *out, const char *s, size_t n);
enum lt_rc ref_esc_cypher_map_key(struct buf *out, bool first, const char *name);

#endif
