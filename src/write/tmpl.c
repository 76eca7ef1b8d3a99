/*
 * tmpl.c - loading templates and filling their {{name}} placeholders (see
 * tmpl.h). The template is scanned once, left to right; inserted values are
 * copied and never scanned, so a value that looks like a placeholder stays
 * text.
 */
#include "write/tmpl.h"

#include <string.h>

#include "base/fsx.h"
#include "base/mem.h"
#include "base/utf8.h"

#define TMPL_MAX_SIZE ((size_t)1024 * 1024)
#define TMPL_PATH_MAX ((size_t)4096)

/* Where the scan is: the template, the output, and which values were used. */
struct tmpl_scan {
    const struct tmpl *t;
    const struct tmpl_var *vars;
    size_t nvars;
    bool *used;
    struct buf *out;
    size_t line;      /* 1-based line of the current position */
    const char *open; /* placeholder left unfilled (tmpl_split), or NULL */
    struct tmpl_parts *parts;
};

/* The template's name for messages (a template not made by tmpl_load may have none). */
static const char *tmpl_name(const struct tmpl *t)
{
    return t->name ? t->name : "(unnamed)";
}

static void tmpl_init(struct tmpl *t)
{
    t->name = NULL;
    buf_init(&t->text, TMPL_MAX_SIZE);
}

void tmpl_release(struct tmpl *t)
{
    mem_free(t->name);
    t->name = NULL;
    buf_release(&t->text);
}

static enum lt_rc tmpl_path(struct buf *path, const char *dir, const char *name,
                            struct lt_error *err)
{
    if (buf_adds(path, dir) != LT_OK || buf_adds(path, "/") != LT_OK ||
        buf_adds(path, name) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "template path '%s/%s' is too long", dir, name);
    }
    return LT_OK;
}

/* A template is text: valid UTF-8 without NUL. */
static enum lt_rc tmpl_check_text(const struct tmpl *t, struct lt_error *err)
{
    size_t bad = 0;
    const char *s = buf_str(&t->text);
    if (!utf8_valid(s, t->text.len, &bad)) {
        return lt_fail(err, LT_E_CONFIG, "invalid UTF-8 at byte %zu", bad);
    }
    const char *nul = memchr(s, '\0', t->text.len);
    if (nul) {
        return lt_fail(err, LT_E_CONFIG, "NUL at byte %zu", (size_t)(nul - s));
    }
    return LT_OK;
}

enum lt_rc tmpl_load(struct tmpl *t, const char *dir, const char *name, struct lt_error *err)
{
    tmpl_init(t);
    struct buf path = BUF_INIT(TMPL_PATH_MAX);
    enum lt_rc rc = tmpl_path(&path, dir, name, err);
    if (rc == LT_OK) {
        t->name = mem_strdup(name);
        rc = fsx_read_file(buf_str(&path), TMPL_MAX_SIZE, &t->text, err);
    }
    if (rc == LT_OK) {
        rc = tmpl_check_text(t, err);
    }
    if (rc != LT_OK) {
        lt_error_prefix(err, "cannot load template '%s'", name);
        tmpl_release(t);
    }
    buf_release(&path);
    return rc;
}

static bool tmpl_is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

/*
 * Length of the placeholder name when s (avail bytes) starts with
 * "{{name}}", else 0.
 */
static size_t tmpl_placeholder_at(const char *s, size_t avail)
{
    if (avail < 5 || s[0] != '{' || s[1] != '{') {
        return 0;
    }
    size_t n = 0;
    while (2 + n < avail && tmpl_is_name_char(s[2 + n])) {
        n++;
    }
    if (n == 0 || 2 + n + 2 > avail || s[2 + n] != '}' || s[3 + n] != '}') {
        return 0;
    }
    return n;
}

static bool tmpl_valid_name(const char *name)
{
    if (name == NULL || name[0] == '\0') {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!tmpl_is_name_char(*p)) {
            return false;
        }
    }
    return true;
}

/* The caller's values must have valid, distinct names. */
static enum lt_rc tmpl_check_vars(const struct tmpl_var *vars, size_t nvars, struct lt_error *err)
{
    for (size_t i = 0; i < nvars; i++) {
        if (!tmpl_valid_name(vars[i].name)) {
            return lt_fail(err, LT_E_INTERNAL, "invalid placeholder name '%s'",
                           vars[i].name ? vars[i].name : "(null)");
        }
        if (vars[i].value == NULL && vars[i].len > 0) {
            return lt_fail(err, LT_E_INTERNAL, "no text for placeholder {{%s}}", vars[i].name);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(vars[i].name, vars[j].name) == 0) {
                return lt_fail(err, LT_E_INTERNAL, "two values for placeholder {{%s}}",
                               vars[i].name);
            }
        }
    }
    return LT_OK;
}

static const struct tmpl_var *tmpl_find(struct tmpl_scan *sc, const char *name, size_t n)
{
    for (size_t i = 0; i < sc->nvars; i++) {
        const char *v = sc->vars[i].name;
        if (strncmp(v, name, n) == 0 && v[n] == '\0') {
            sc->used[i] = true;
            return &sc->vars[i];
        }
    }
    return NULL;
}

/* Copies text[from, to) and counts its lines. */
static enum lt_rc tmpl_copy(struct tmpl_scan *sc, const char *text, size_t from, size_t to)
{
    for (const char *p = text + from; (p = memchr(p, '\n', (size_t)(text + to - p))); p++) {
        sc->line++;
    }
    return buf_add(sc->out, text + from, to - from);
}

/* Records where the open placeholder stands (tmpl_split). */
static void tmpl_cut(struct tmpl_scan *sc)
{
    struct tmpl_parts *p = sc->parts;
    p->cuts = mem_realloc_array(p->cuts, p->ncuts + 1, sizeof(*p->cuts));
    p->cuts[p->ncuts++] = sc->out->len;
}

static enum lt_rc tmpl_fill(struct tmpl_scan *sc, const char *name, size_t n, struct lt_error *err)
{
    if (sc->open && strncmp(sc->open, name, n) == 0 && sc->open[n] == '\0') {
        tmpl_cut(sc);
        return LT_OK;
    }
    const struct tmpl_var *v = tmpl_find(sc, name, n);
    if (v == NULL) {
        return lt_fail(err, LT_E_CONFIG, "'%s' line %zu: unknown placeholder {{%.*s}}",
                       tmpl_name(sc->t), sc->line, (int)n, name);
    }
    if (v->len == 0) {
        return LT_OK;
    }
    return buf_add(sc->out, v->value, v->len);
}

static enum lt_rc tmpl_scan_text(struct tmpl_scan *sc, struct lt_error *err)
{
    const char *text = buf_str(&sc->t->text);
    size_t len = sc->t->text.len;
    size_t copied = 0; /* text before this offset is in the output */
    size_t i = 0;
    while (i + 1 < len) {
        const char *brace = memchr(text + i, '{', len - i);
        if (brace == NULL) {
            break;
        }
        i = (size_t)(brace - text);
        size_t n = tmpl_placeholder_at(brace, len - i);
        if (n == 0) {
            i++;
            continue;
        }
        LT_TRY(tmpl_copy(sc, text, copied, i));
        LT_TRY(tmpl_fill(sc, brace + 2, n, err));
        i += n + 4;
        copied = i;
    }
    return tmpl_copy(sc, text, copied, len);
}

static enum lt_rc tmpl_check_used(const struct tmpl_scan *sc, struct lt_error *err)
{
    for (size_t i = 0; i < sc->nvars; i++) {
        if (sc->vars[i].required && !sc->used[i]) {
            return lt_fail(err, LT_E_CONFIG, "'%s': required placeholder {{%s}} is not used",
                           tmpl_name(sc->t), sc->vars[i].name);
        }
    }
    return LT_OK;
}

enum lt_rc tmpl_render(const struct tmpl *t, const struct tmpl_var *vars, size_t nvars,
                       struct buf *out, struct lt_error *err)
{
    LT_TRY(tmpl_check_vars(vars, nvars, err));
    size_t start = out->len;
    struct tmpl_scan sc = {t, vars, nvars, mem_calloc(nvars, sizeof(bool)), out, 1, NULL, NULL};
    enum lt_rc rc = tmpl_scan_text(&sc, err);
    if (rc == LT_OK) {
        rc = tmpl_check_used(&sc, err);
    }
    if (rc == LT_E_LIMIT) {
        rc = lt_fail(err, LT_E_LIMIT, "'%s': rendered text exceeds the output limit", tmpl_name(t));
    } else if (rc != LT_OK) {
        buf_truncate(out, start);
    }
    mem_free(sc.used);
    return rc;
}

void tmpl_parts_release(struct tmpl_parts *parts)
{
    buf_release(&parts->text);
    mem_free(parts->cuts);
    parts->cuts = NULL;
    parts->ncuts = 0;
}

enum lt_rc tmpl_split(const struct tmpl *t, const char *open, const struct tmpl_var *vars,
                      size_t nvars, struct tmpl_parts *parts, struct lt_error *err)
{
    *parts = (struct tmpl_parts){.text = BUF_INIT(TMPL_MAX_SIZE)};
    enum lt_rc rc = tmpl_check_vars(vars, nvars, err);
    if (rc == LT_OK && !tmpl_valid_name(open)) {
        rc = lt_fail(err, LT_E_INTERNAL, "invalid placeholder name '%s'", open ? open : "(null)");
    }
    struct tmpl_scan sc = {t, vars, nvars, mem_calloc(nvars, sizeof(bool)), &parts->text,
                           1, open, parts};
    if (rc == LT_OK) {
        rc = tmpl_scan_text(&sc, err);
    }
    if (rc == LT_OK) {
        rc = tmpl_check_used(&sc, err);
    }
    if (rc == LT_OK && parts->ncuts == 0) {
        rc = lt_fail(err, LT_E_CONFIG, "'%s': required placeholder {{%s}} is not used",
                     tmpl_name(t), open);
    }
    mem_free(sc.used);
    if (rc != LT_OK) {
        tmpl_parts_release(parts);
    }
    return rc;
}
