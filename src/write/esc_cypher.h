/*
 * esc_cypher.h - the one Cypher escaper: values as Cypher 5 literals that
 * neither end early nor change what a statement does, and that keep the
 * script splittable by cypher-shell (docs/reference.md sections 7 and 8).
 *
 * Owns: the Cypher literal language as ltsnap speaks it: string, integer
 *       and boolean literals, lists of strings and maps of them, written and
 *       read back (the reader is the writer's exact inverse, see below).
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
/* Appends a list of string literals: ['a', 'b'] ([] when n is 0). */
LT_MUST_CHECK enum lt_rc esc_cypher_string_list(struct buf *out, const char *const *items,
                                                size_t n);
/*
 * Map literals as ltsnap writes them: {a: 1, b: 'x'}. map_key appends
 * "name: " after "{" (first) or ", "; name must be a plain name (else
 * LT_E_INTERNAL, nothing appended); map_end appends "}".
 */
LT_MUST_CHECK enum lt_rc esc_cypher_map_key(struct buf *out, bool first, const char *name);
/*
 * A map key checked once (esc_cypher_key_init), for keys written on every
 * row: esc_cypher_map_prepared_key(out, first, k) appends exactly what
 * esc_cypher_map_key(out, first, k->name) does, with the same
 * LT_E_INTERNAL when the name is not plain, without checking it again.
 */
struct esc_cypher_key {
    const char *name; /* borrowed */
    size_t len;       /* 0 when name is not a plain name */
};
void esc_cypher_key_init(struct esc_cypher_key *k, const char *name);
LT_MUST_CHECK enum lt_rc esc_cypher_map_prepared_key(struct buf *out, bool first,
                                                     const struct esc_cypher_key *k);
/*
 * The key, then s (n bytes) as a string literal: exactly what
 * esc_cypher_map_prepared_key then esc_cypher_string append and return,
 * in one append when the value needs no escape.
 */
LT_MUST_CHECK enum lt_rc esc_cypher_map_string(struct buf *out, bool first,
                                               const struct esc_cypher_key *k, const char *s,
                                               size_t n);
LT_MUST_CHECK enum lt_rc esc_cypher_map_end(struct buf *out);

/*
 * ---- Reading literals back (ltsnap verify) ----
 *
 * The readers are the exact inverse of the writers above: they accept what
 * the writers produce and nothing else. A string literal is read only in
 * its one canonical spelling (short escapes where they exist, \uXXXX with
 * upper-case hex only for the characters rule 4 escapes, every other
 * character as raw UTF-8), so esc_cypher_string(decoded) gives back the
 * literal byte for byte, and two values are equal exactly when their
 * literals are. Integers are read as esc_cypher_int writes them (no '+',
 * no leading zero, no "-0"; INT64_MIN only as its expression).
 *
 * A reader starts at r->pos. On success r->pos is just after the literal;
 * on failure it returns LT_E_INPUT, leaves r->pos unchanged and sets
 * r->bad (offset of the offending byte) and r->why (a static phrase such
 * as "unterminated string literal").
 */
struct esc_cypher_reader {
    const char *text; /* borrowed */
    size_t len;
    size_t pos;
    size_t bad;
    const char *why;
};

void esc_cypher_reader_init(struct esc_cypher_reader *r, const char *text, size_t len);
/* True (and consumed) when the text at r->pos is exactly token; otherwise nothing changes. */
bool esc_cypher_read_token(struct esc_cypher_reader *r, const char *token);
/* Appends the decoded value to out (valid UTF-8 without NUL). LT_E_LIMIT follows buf's rule. */
LT_MUST_CHECK enum lt_rc esc_cypher_read_string(struct esc_cypher_reader *r, struct buf *out);
LT_MUST_CHECK enum lt_rc esc_cypher_read_int(struct esc_cypher_reader *r, int64_t *out);
LT_MUST_CHECK enum lt_rc esc_cypher_read_bool(struct esc_cypher_reader *r, bool *out);
/* ['a', 'b']: appends each element followed by a NUL to out; *n counts them. */
LT_MUST_CHECK enum lt_rc esc_cypher_read_string_list(struct esc_cypher_reader *r, struct buf *out,
                                                     size_t *n);
/* "name: " after "{" (first) or ", ", as map_key writes it; *name points into the text. */
LT_MUST_CHECK enum lt_rc esc_cypher_read_map_key(struct esc_cypher_reader *r, bool first,
                                                 const char **name, size_t *len);

/* The kinds of literal ltsnap writes. */
enum esc_cypher_kind {
    ESC_CYPHER_STRING,
    ESC_CYPHER_INT,
    ESC_CYPHER_BOOL,
    ESC_CYPHER_STRING_LIST,
};

/* Reads one literal of any kind, checking it as above and keeping nothing but its kind. */
LT_MUST_CHECK enum lt_rc esc_cypher_skip_value(struct esc_cypher_reader *r,
                                               enum esc_cypher_kind *kind);

#endif
