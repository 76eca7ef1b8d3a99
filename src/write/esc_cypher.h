/*
 * esc_cypher.h - the one Cypher escaper: values as Cypher 5 literals that
 * neither end early nor change what a statement does, and that keep the
 * script splittable by cypher-shell (docs/reference.md sections 7 and 8).
 *
 * Owns: Cypher string literals (and the other scalar literals ltsnap writes).
 * May call: base (buf, utf8).
 *
 * String literal rules, in this order:
 * 1. input must be valid UTF-8 without NUL, else LT_E_INPUT;
 * 2. single-quoted: '...';
 * 3. backslash becomes \\ (first, so no raw \u survives), ' becomes \';
 * 4. every character below U+0020, U+007F, U+0085, U+2028 and U+2029
 *    becomes an escape (\t \b \n \r \f or \uXXXX), so the literal stays on
 *    one line;
 * 5. everything else is kept as UTF-8 (" ` ; and the comment openers //
 *    and slash-star need nothing inside a single-quoted literal).
 * Short escapes are used where they exist; other escapes are \uXXXX with
 * upper-case hex. Nothing is appended when the input is rejected
 * (LT_E_INPUT); LT_E_LIMIT follows buf's rule (the buffer is released).
 *
 * INT64_MIN is written as the expression (-9223372036854775807 - 1): it
 * evaluates to the exact value whether or not a parser folds the minus into
 * the literal, and it is safe after any operator (parenthesised).
 */
#ifndef LT_WRITE_ESC_CYPHER_H
#define LT_WRITE_ESC_CYPHER_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

/* Appends s (n bytes) as a single-quoted Cypher string literal. */
LT_MUST_CHECK enum lt_rc esc_cypher_string(struct buf *out, const char *s, size_t n);
/* Appends a Cypher integer literal (decimal; INT64_MIN is written so it parses). */
LT_MUST_CHECK enum lt_rc esc_cypher_int(struct buf *out, int64_t v);
/* Appends true or false. */
LT_MUST_CHECK enum lt_rc esc_cypher_bool(struct buf *out, bool v);
/* True when name can be written bare as a map key / property key ([A-Za-z_][A-Za-z0-9_]*). */
bool esc_cypher_is_plain_name(const char *name);

#endif
