/*
 * fuzz_tmpl.c - libFuzzer target for the template renderer (write/tmpl):
 * any template text with any values.
 *
 * Input: byte 0 says which of the five placeholder names get a value
 * (bits 0-4) and which of those are required (bits 5-7 for the first three);
 * the rest is split at NUL bytes: the template text, then one value per
 * name given (missing ones are empty).
 *
 * Properties checked beyond "no crash, no leak":
 * - the renderer agrees with a model written here, in one pass: each
 *   {{name}} (name of [a-z_]+) is replaced by its value, verbatim, and never
 *   rescanned, everything else is copied; it fails exactly when the text
 *   uses a name without a value or leaves a required value unused;
 * - on success the output is the prefix already in the buffer plus the
 *   model's text; on failure the buffer is exactly as before, and the
 *   message names the template.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "write/tmpl.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void fuzz_check(bool ok)
{
    if (!ok) {
        abort();
    }
}

/* The names templates/ uses, and two more. */
static const char *const fuzz_names[] = {"rows", "scopes", "update_tag", "a", "x_y"};
#define FUZZ_NNAMES 5
#define FUZZ_MAX_OUT ((size_t)4 * 1024 * 1024)

static bool fuzz_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

/* What the model says of a template and its values. */
enum fuzz_outcome { FUZZ_RENDERS, FUZZ_UNKNOWN_NAME, FUZZ_TOO_BIG };

/*
 * The model: renders text into out (capped at FUZZ_MAX_OUT, so repeated
 * large values cannot exhaust memory). used[i] is set for each name the
 * text uses.
 */
static enum fuzz_outcome fuzz_model(const char *text, size_t len, const struct tmpl_var *vars,
                                    size_t nvars, bool *used, struct buf *out)
{
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        if (i + 1 < len && text[i] == '{' && text[i + 1] == '{') {
            while (i + 2 + n < len && fuzz_name_char(text[i + 2 + n])) {
                n++;
            }
            if (n == 0 || i + 2 + n + 1 >= len || text[i + 2 + n] != '}' ||
                text[i + 3 + n] != '}') {
                n = 0;
            }
        }
        if (n == 0) {
            if (buf_addc(out, text[i]) != LT_OK) {
                return FUZZ_TOO_BIG;
            }
            i++;
            continue;
        }
        size_t k = 0;
        while (k < nvars &&
               !(strlen(vars[k].name) == n && memcmp(vars[k].name, text + i + 2, n) == 0)) {
            k++;
        }
        if (k == nvars) {
            return FUZZ_UNKNOWN_NAME;
        }
        used[k] = true;
        if (vars[k].len && buf_add(out, vars[k].value, vars[k].len) != LT_OK) {
            return FUZZ_TOO_BIG;
        }
        i += n + 4;
    }
    return FUZZ_RENDERS;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    unsigned flags = data[0];
    const char *p = (const char *)data + 1;
    const char *end = (const char *)data + size;
    /* Template text up to the first NUL, then the values. */
    const char *nul = memchr(p, '\0', (size_t)(end - p));
    const char *text_end = nul ? nul : end;
    char name[] = "fuzz.cypher";
    struct tmpl t = {name, BUF_INIT(BUF_MAX_LARGE)};
    fuzz_check(buf_add(&t.text, p, (size_t)(text_end - p)) == LT_OK);
    p = nul ? nul + 1 : end;

    struct tmpl_var vars[FUZZ_NNAMES];
    size_t nvars = 0;
    for (size_t i = 0; i < FUZZ_NNAMES; i++) {
        const char *v = p;
        const char *vend = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
        vend = vend ? vend : end;
        p = vend < end ? vend + 1 : end;
        if (!(flags & (1u << i))) {
            continue;
        }
        bool required = i < 3 && (flags & (1u << (5 + i)));
        vars[nvars++] = (struct tmpl_var){fuzz_names[i], v < vend ? v : NULL,
                                          (size_t)(vend > v ? vend - v : 0), required};
    }

    struct buf want = BUF_INIT(FUZZ_MAX_OUT);
    bool used[FUZZ_NNAMES] = {false};
    enum fuzz_outcome model = fuzz_model(buf_str(&t.text), t.text.len, vars, nvars, used, &want);
    if (model == FUZZ_TOO_BIG) {
        buf_release(&want);
        buf_release(&t.text);
        return 0;
    }
    bool ok = model == FUZZ_RENDERS;
    for (size_t i = 0; ok && i < nvars; i++) {
        ok = !vars[i].required || used[i];
    }

    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    fuzz_check(buf_adds(&out, "prefix;") == LT_OK);
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = tmpl_render(&t, vars, nvars, &out, &err);
    fuzz_check((rc == LT_OK) == ok);
    if (ok) {
        fuzz_check(out.len == 7 + want.len && memcmp(out.ptr, "prefix;", 7) == 0 &&
                   (want.len == 0 || memcmp(out.ptr + 7, want.ptr, want.len) == 0));
    } else {
        fuzz_check(rc == LT_E_CONFIG && out.len == 7 && memcmp(out.ptr, "prefix;", 7) == 0);
        fuzz_check(strstr(lt_error_message(&err), "fuzz.cypher") != NULL);
    }
    buf_release(&want);
    buf_release(&out);
    buf_release(&t.text);
    lt_error_release(&err);
    return 0;
}
