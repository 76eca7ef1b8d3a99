/*
 * utf8.h - UTF-8 validation and decoding (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 *
 * Owns: what counts as valid UTF-8 in ltsnap. Pure.
 * May call: nothing.
 */
#ifndef LT_BASE_UTF8_H
#define LT_BASE_UTF8_H

#include "base/lt.h"

/* Length (1-4) of the valid sequence at s, or 0 when s does not start one. */
size_t utf8_sequence_length(const char *s, size_t avail);
/* Decodes the valid sequence at s; returns its length or 0 (cp untouched). */
size_t utf8_decode(const char *s, size_t avail, uint32_t *cp);
/* True when all n bytes are valid UTF-8; else *bad_offset (if given) is the first bad byte. */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);

#endif
