/*
 * tmpl.h - Cypher templates: text files in templates/ (or --templates DIR)
 * with {{name}} placeholders that the writers fill. The program holds no
 * Cypher statements of its own.
 *
 * Owns: loading a template, filling its placeholders, and saying where a
 *       placeholder stood in the rendered text (tmpl_split, for readers).
 * May call: base.
 *
 * Rules:
 * - a placeholder is {{ followed by [a-z_]+ and }}; anything else between
 *   braces is plain text;
 * - rendering fails (LT_E_CONFIG, naming template file and line) when the
 *   template uses a placeholder no value was given for, or when a value
 *   given as required is not used by the template;
 * - values are inserted verbatim: the caller passes text already escaped by
 *   esc_cypher (tmpl never sees raw data).
 */
#ifndef LT_WRITE_TMPL_H
#define LT_WRITE_TMPL_H

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

struct tmpl {
    char *name; /* file name, for messages */
    struct buf text;
};

struct tmpl_var {
    const char *name;
    const char *value;
    size_t len;
    bool required; /* the template must use it */
};

/*
 * Reads dir/name (at most 1 MiB of UTF-8 text without NUL). t need not be
 * initialised. Fails with LT_E_IO (missing, unreadable, a directory),
 * LT_E_LIMIT (over 1 MiB) or LT_E_CONFIG (not text); t is then released.
 */
LT_MUST_CHECK enum lt_rc tmpl_load(struct tmpl *t, const char *dir, const char *name,
                                   struct lt_error *err);
void tmpl_release(struct tmpl *t);
/*
 * Appends the template with placeholders filled. vars must have distinct
 * valid names (else LT_E_INTERNAL); a value may be NULL when len is 0. On
 * LT_E_CONFIG nothing is appended; LT_E_LIMIT follows buf's rule.
 */
LT_MUST_CHECK enum lt_rc tmpl_render(const struct tmpl *t, const struct tmpl_var *vars,
                                     size_t nvars, struct buf *out, struct lt_error *err);

/* A template rendered with one placeholder left open, for reading rendered text back. */
struct tmpl_parts {
    struct buf text; /* the rendering, with nothing where the open placeholder stood */
    size_t *cuts;    /* offsets in text where it stood, ascending; owned */
    size_t ncuts;
};

/*
 * Renders t as tmpl_render does, except that placeholder `open` is left
 * unfilled and its places are recorded: text[0, cuts[0]) is what precedes
 * its first use, and so on. open must be used at least once (LT_E_CONFIG).
 * parts need not be initialised; it is released on failure.
 */
LT_MUST_CHECK enum lt_rc tmpl_split(const struct tmpl *t, const char *open,
                                    const struct tmpl_var *vars, size_t nvars,
                                    struct tmpl_parts *parts, struct lt_error *err);
void tmpl_parts_release(struct tmpl_parts *parts);

#endif
