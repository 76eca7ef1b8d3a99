/*
 * profile.c - the shared config/credentials file parser. The dialect is
 * described in profile.h; this file follows it line by line.
 */
#include "aws/profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/utf8.h"

/* One line of the file, without its LF and trailing CR. */
struct profile_line {
    const char *p;
    size_t len;
};

struct profile_parser {
    struct profile_file *f;
    unsigned lineno;
    bool seen_section;
    size_t sect;    /* index + 1 of the current section; 0 = none or ignored */
    size_t prop;    /* index + 1 of the open property in it; 0 = none */
    bool prop_open; /* a property line was seen (it may be in an ignored section) */
    size_t prop_indent;
    bool prop_subs; /* the open property's value was empty: continuations are sub-properties */
    struct lt_error *err;
};

static const char *const profile_secret_keys[] = {
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
};

static bool profile_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool profile_is_ident(char c)
{
    return isalnum((unsigned char)c) || strchr("\\_-/.%@:+", c) != NULL;
}

static bool profile_all_ident(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!profile_is_ident(p[i])) {
            return false;
        }
    }
    return n > 0;
}

static struct profile_line profile_trim(struct profile_line l)
{
    while (l.len && profile_is_blank(l.p[0])) {
        l.p++;
        l.len--;
    }
    while (l.len && profile_is_blank(l.p[l.len - 1])) {
        l.len--;
    }
    return l;
}

static void profile_free_str(char *s)
{
    if (s) {
        mem_free_secret(s, strlen(s) + 1);
    }
}

static void profile_property_release(struct profile_property *pr)
{
    mem_free(pr->name);
    profile_free_str(pr->value);
    for (size_t i = 0; i < pr->nsubs; i++) {
        mem_free(pr->subs[i].name);
        profile_free_str(pr->subs[i].value);
    }
    mem_free(pr->subs);
    pr->subs = NULL;
    pr->nsubs = 0;
}

static void profile_section_clear(struct profile_section *s)
{
    for (size_t i = 0; i < s->nprops; i++) {
        profile_property_release(&s->props[i]);
    }
    mem_free(s->props);
    s->props = NULL;
    s->nprops = 0;
}

void profile_file_free(struct profile_file *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->nsections; i++) {
        profile_section_clear(&f->sections[i]);
        mem_free(f->sections[i].name);
    }
    mem_free(f->sections);
    mem_free(f->path);
    mem_free(f);
}

static struct profile_file *profile_file_new(const char *path, enum profile_file_type type)
{
    struct profile_file *f = mem_calloc(1, sizeof(*f));
    f->path = mem_strdup(path);
    f->type = type;
    return f;
}

/* "profile " / "sso-session " / "services " / "" as the section was written. */
static const char *profile_section_word(const struct profile_section *s)
{
    switch (s->kind) {
    case PROFILE_KIND_SSO_SESSION:
        return "sso-session ";
    case PROFILE_KIND_SERVICES:
        return "services ";
    case PROFILE_KIND_PROFILE:
        break;
    }
    return s->prefixed ? "profile " : "";
}

static enum lt_rc profile_syntax(struct profile_parser *ps, const char *what)
{
    return lt_fail(ps->err, LT_E_CONFIG, "'%s' line %u: %s", ps->f->path, ps->lineno, what);
}

static struct profile_section *profile_cur(struct profile_parser *ps)
{
    return ps->sect ? &ps->f->sections[ps->sect - 1] : NULL;
}

/* ---- section headers ---- */

/* Splits "profile NAME" etc.; returns the kind and leaves the name in *name. */
static bool profile_split_prefix(struct profile_line *inner, enum profile_kind *kind)
{
    static const struct {
        const char *word;
        enum profile_kind kind;
    } prefixes[] = {
        {"profile", PROFILE_KIND_PROFILE},
        {"sso-session", PROFILE_KIND_SSO_SESSION},
        {"services", PROFILE_KIND_SERVICES},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(prefixes); i++) {
        size_t n = strlen(prefixes[i].word);
        if (inner->len > n && memcmp(inner->p, prefixes[i].word, n) == 0 &&
            profile_is_blank(inner->p[n])) {
            struct profile_line rest = {inner->p + n, inner->len - n};
            *inner = profile_trim(rest);
            *kind = prefixes[i].kind;
            return true;
        }
    }
    *kind = PROFILE_KIND_PROFILE;
    return false;
}

static void profile_ignore_section(struct profile_parser *ps, struct profile_line inner,
                                   const char *why)
{
    log_warn("'%s' line %u: ignoring section '[%.*s]': %s", ps->f->path, ps->lineno, (int)inner.len,
             inner.p, why);
    ps->sect = 0;
}

static struct profile_section *profile_find_mut(struct profile_file *f, enum profile_kind kind,
                                                const char *name, size_t n)
{
    for (size_t i = 0; i < f->nsections; i++) {
        struct profile_section *s = &f->sections[i];
        if (s->kind == kind && strlen(s->name) == n && memcmp(s->name, name, n) == 0) {
            return s;
        }
    }
    return NULL;
}

/* Makes (or reopens, to merge) the section and makes it current. */
static void profile_open_section(struct profile_parser *ps, enum profile_kind kind,
                                 struct profile_line name, bool prefixed)
{
    struct profile_file *f = ps->f;
    struct profile_section *s = profile_find_mut(f, kind, name.p, name.len);
    bool is_default = kind == PROFILE_KIND_PROFILE && name.len == 7 &&
                      memcmp(name.p, "default", 7) == 0 && f->type == PROFILE_FILE_CONFIG;
    if (s && is_default && s->prefixed != prefixed) {
        if (!prefixed) {
            log_debug("'%s' line %u: [default] ignored: [profile default] wins", f->path,
                      ps->lineno);
            ps->sect = 0;
            return;
        }
        profile_section_clear(s);
        s->prefixed = true;
    }
    if (!s) {
        f->sections = mem_realloc_array(f->sections, f->nsections + 1, sizeof(*f->sections));
        s = &f->sections[f->nsections++];
        memset(s, 0, sizeof(*s));
        s->kind = kind;
        s->name = mem_strndup(name.p, name.len);
        s->prefixed = prefixed;
        s->line = ps->lineno;
    }
    ps->sect = (size_t)(s - f->sections) + 1;
}

static enum lt_rc profile_header(struct profile_parser *ps, struct profile_line l)
{
    size_t n = 0;
    while (n < l.len && l.p[n] != '#' && l.p[n] != ';') {
        n++;
    }
    struct profile_line h = profile_trim((struct profile_line){l.p, n});
    ps->seen_section = true;
    ps->sect = 0;
    ps->prop = 0;
    ps->prop_open = false;
    if (h.len < 2 || h.p[h.len - 1] != ']') {
        return profile_syntax(ps, "section header has no closing ']'");
    }
    struct profile_line inner = profile_trim((struct profile_line){h.p + 1, h.len - 2});
    struct profile_line whole = inner;
    enum profile_kind kind;
    bool prefixed = profile_split_prefix(&inner, &kind);
    if (!profile_all_ident(inner.p, inner.len)) {
        profile_ignore_section(ps, whole, "not a valid name");
        return LT_OK;
    }
    if (ps->f->type == PROFILE_FILE_CREDENTIALS && prefixed) {
        profile_ignore_section(ps, whole,
                               "sections of the credentials file are named without a keyword");
        return LT_OK;
    }
    bool is_default = inner.len == 7 && memcmp(inner.p, "default", 7) == 0;
    if (ps->f->type == PROFILE_FILE_CONFIG && !prefixed && !is_default) {
        profile_ignore_section(ps, whole,
                               "profiles in the config file are written '[profile NAME]'");
        return LT_OK;
    }
    profile_open_section(ps, kind, inner, prefixed);
    return LT_OK;
}

/* ---- properties ---- */

static bool profile_is_secret_key(const char *key)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(profile_secret_keys); i++) {
        if (strcmp(key, profile_secret_keys[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Cuts a comment that starts with a blank followed by '#' or ';'. */
static struct profile_line profile_cut_comment(struct profile_line l)
{
    for (size_t i = 0; i + 1 < l.len; i++) {
        if (profile_is_blank(l.p[i]) && (l.p[i + 1] == '#' || l.p[i + 1] == ';')) {
            l.len = i;
            break;
        }
    }
    return l;
}

/* Splits "key = value" at the first '='; false when there is none. */
static bool profile_split_kv(struct profile_line l, struct profile_line *key,
                             struct profile_line *value)
{
    const char *eq = memchr(l.p, '=', l.len);
    if (!eq) {
        return false;
    }
    *key = profile_trim((struct profile_line){l.p, (size_t)(eq - l.p)});
    *value = profile_trim((struct profile_line){eq + 1, l.len - (size_t)(eq - l.p) - 1});
    return true;
}

static struct profile_property *profile_set_prop(struct profile_parser *ps,
                                                 struct profile_section *s, char *key,
                                                 struct profile_line value)
{
    struct profile_property *pr = NULL;
    for (size_t i = 0; i < s->nprops; i++) {
        if (strcmp(s->props[i].name, key) == 0) {
            pr = &s->props[i];
            break;
        }
    }
    if (pr) {
        log_warn("'%s' line %u: '%s' is set again in [%s%s]; the later value wins", ps->f->path,
                 ps->lineno, key, profile_section_word(s), s->name);
        char *old_name = pr->name;
        pr->name = NULL;
        profile_property_release(pr);
        mem_free(key);
        key = old_name;
    } else {
        s->props = mem_realloc_array(s->props, s->nprops + 1, sizeof(*s->props));
        pr = &s->props[s->nprops++];
        memset(pr, 0, sizeof(*pr));
    }
    pr->name = key;
    pr->value = mem_strndup(value.p, value.len);
    pr->line = ps->lineno;
    if (profile_is_secret_key(key)) {
        log_add_secret(value.p, value.len);
    }
    ps->prop = (size_t)(pr - s->props) + 1;
    return pr;
}

static enum lt_rc profile_property_line(struct profile_parser *ps, struct profile_line l,
                                        size_t indent)
{
    struct profile_line key;
    struct profile_line value;
    if (!profile_split_kv(profile_cut_comment(l), &key, &value)) {
        return profile_syntax(ps, "expected 'key = value' or a section header");
    }
    if (key.len == 0) {
        return profile_syntax(ps, "property has no name before '='");
    }
    if (!ps->seen_section) {
        return profile_syntax(ps, "property before the first section header");
    }
    ps->prop_open = true;
    ps->prop_indent = indent;
    ps->prop_subs = value.len == 0;
    ps->prop = 0;
    struct profile_section *s = profile_cur(ps);
    if (!s) {
        return LT_OK; /* inside an ignored section */
    }
    if (!profile_all_ident(key.p, key.len)) {
        log_warn("'%s' line %u: ignoring a property whose name is not valid", ps->f->path,
                 ps->lineno);
        return LT_OK;
    }
    char *name = mem_strndup(key.p, key.len);
    for (char *c = name; *c; c++) {
        *c = (char)tolower((unsigned char)*c);
    }
    (void)profile_set_prop(ps, s, name, value);
    return LT_OK;
}

static void profile_append_value(struct profile_property *pr, struct profile_line text)
{
    size_t old = strlen(pr->value);
    char *v = mem_alloc(old + 1 + text.len + 1);
    memcpy(v, pr->value, old);
    v[old] = '\n';
    memcpy(v + old + 1, text.p, text.len);
    v[old + 1 + text.len] = '\0';
    profile_free_str(pr->value);
    pr->value = v;
}

static void profile_add_sub(struct profile_property *pr, struct profile_line key,
                            struct profile_line value)
{
    for (size_t i = 0; i < pr->nsubs; i++) {
        if (strlen(pr->subs[i].name) == key.len && memcmp(pr->subs[i].name, key.p, key.len) == 0) {
            profile_free_str(pr->subs[i].value);
            pr->subs[i].value = mem_strndup(value.p, value.len);
            return;
        }
    }
    pr->subs = mem_realloc_array(pr->subs, pr->nsubs + 1, sizeof(*pr->subs));
    pr->subs[pr->nsubs].name = mem_strndup(key.p, key.len);
    pr->subs[pr->nsubs].value = mem_strndup(value.p, value.len);
    pr->nsubs++;
}

static enum lt_rc profile_continuation(struct profile_parser *ps, struct profile_line l)
{
    struct profile_line text = profile_trim(l);
    struct profile_section *s = profile_cur(ps);
    struct profile_property *pr = s && ps->prop ? &s->props[ps->prop - 1] : NULL;
    if (!ps->prop_subs) {
        if (pr) {
            profile_append_value(pr, text);
        }
        return LT_OK;
    }
    struct profile_line key;
    struct profile_line value;
    if (!profile_split_kv(text, &key, &value)) {
        return profile_syntax(ps, "expected 'key = value' in an indented sub-property");
    }
    if (key.len == 0) {
        return profile_syntax(ps, "sub-property has no name before '='");
    }
    if (!pr) {
        return LT_OK;
    }
    if (!profile_all_ident(key.p, key.len)) {
        log_warn("'%s' line %u: ignoring a sub-property whose name is not valid", ps->f->path,
                 ps->lineno);
        return LT_OK;
    }
    profile_append_value(pr, text);
    profile_add_sub(pr, key, value);
    return LT_OK;
}

static enum lt_rc profile_line(struct profile_parser *ps, struct profile_line l)
{
    while (l.len && l.p[l.len - 1] == '\r') {
        l.len--;
    }
    size_t indent = 0;
    while (indent < l.len && profile_is_blank(l.p[indent])) {
        indent++;
    }
    struct profile_line rest = {l.p + indent, l.len - indent};
    if (rest.len == 0 || rest.p[0] == '#' || rest.p[0] == ';') {
        return LT_OK;
    }
    if (ps->prop_open && indent > ps->prop_indent) {
        return profile_continuation(ps, rest);
    }
    if (rest.p[0] == '[') {
        return profile_header(ps, rest);
    }
    return profile_property_line(ps, rest, indent);
}

static unsigned profile_line_of(const char *data, size_t offset)
{
    unsigned line = 1;
    for (size_t i = 0; i < offset; i++) {
        line += data[i] == '\n';
    }
    return line;
}

static enum lt_rc profile_check_bytes(const char *data, size_t len, const char *path,
                                      struct lt_error *err)
{
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        return lt_fail(err, LT_E_CONFIG, "'%s' line %u: NUL byte in the file", path,
                       profile_line_of(data, (size_t)(nul - data)));
    }
    size_t bad = 0;
    if (!utf8_valid(data, len, &bad)) {
        return lt_fail(err, LT_E_CONFIG, "'%s' line %u: not valid UTF-8", path,
                       profile_line_of(data, bad));
    }
    return LT_OK;
}

enum lt_rc profile_parse(const char *data, size_t len, enum profile_file_type type,
                         const char *path, struct profile_file **out, struct lt_error *err)
{
    *out = NULL;
    LT_TRY(profile_check_bytes(data, len, path, err));
    struct profile_parser ps = {profile_file_new(path, type), 0, false, 0, 0, false, 0, false, err};
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        ps.lineno++;
        enum lt_rc rc = profile_line(&ps, (struct profile_line){data + pos, end - pos});
        if (rc != LT_OK) {
            profile_file_free(ps.f);
            return rc;
        }
        pos = end + 1;
    }
    *out = ps.f;
    return LT_OK;
}

/* ---- files ---- */

static enum lt_rc profile_read_fd(int fd, const char *path, size_t size, struct buf *out,
                                  struct lt_error *err)
{
    struct buf b = BUF_INIT(size);
    b.ptr = mem_alloc(size + 1);
    b.alloc = size + 1;
    b.ptr[0] = '\0';
    while (b.len < size) {
        ssize_t n = read(fd, b.ptr + b.len, size - b.len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            buf_release_secret(&b);
            return lt_fail(err, LT_E_IO, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0) {
            break; /* shrank while reading: take what is there */
        }
        b.len += (size_t)n;
    }
    b.ptr[b.len] = '\0';
    buf_release_secret(out);
    *out = b;
    return LT_OK;
}

enum lt_rc profile_read_secret_file(const char *path, size_t max, struct buf *out, bool *missing,
                                    struct lt_error *err)
{
    if (missing) {
        *missing = false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && missing) {
            *missing = true;
            return LT_OK;
        }
        return lt_fail(err, LT_E_IO, "cannot open '%s': %s", path, strerror(errno));
    }
    struct stat st;
    enum lt_rc rc = LT_OK;
    if (fstat(fd, &st) != 0) {
        rc = lt_fail(err, LT_E_IO, "cannot read '%s': %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = lt_fail(err, LT_E_IO, "cannot read '%s': is a directory", path);
    } else if ((uintmax_t)st.st_size > max) {
        rc = lt_fail(err, LT_E_LIMIT, "'%s' is larger than %zu bytes", path, max);
    } else {
        rc = profile_read_fd(fd, path, (size_t)st.st_size, out, err);
    }
    close(fd);
    return rc;
}

/*
 * Reads and parses a file. A missing file gives an empty profile_file with
 * missing set, and LT_OK. Unreadable, over PROFILE_FILE_MAX or malformed:
 * LT_E_CONFIG.
 */
static enum lt_rc profile_load(const char *path, enum profile_file_type type,
                               struct profile_file **out, struct lt_error *err)
{
    *out = NULL;
    struct buf data = BUF_INIT(PROFILE_FILE_MAX);
    bool missing = false;
    struct lt_error inner = LT_ERROR_INIT;
    enum lt_rc rc = profile_read_secret_file(path, PROFILE_FILE_MAX, &data, &missing, &inner);
    if (rc != LT_OK) {
        buf_release_secret(&data);
        lt_fail(err, LT_E_CONFIG, "%s", lt_error_message(&inner));
        lt_error_release(&inner);
        return LT_E_CONFIG;
    }
    if (missing) {
        log_debug("no %s file at '%s'", type == PROFILE_FILE_CONFIG ? "config" : "credentials",
                  path);
        *out = profile_file_new(path, type);
        (*out)->missing = true;
        return LT_OK;
    }
    rc = profile_parse(buf_str(&data), data.len, type, path, out, err);
    buf_release_secret(&data);
    return rc;
}

/* ---- lookups ---- */

const struct profile_section *profile_file_section(const struct profile_file *f,
                                                   enum profile_kind kind, const char *name)
{
    if (!f) {
        return NULL;
    }
    for (size_t i = 0; i < f->nsections; i++) {
        if (f->sections[i].kind == kind && strcmp(f->sections[i].name, name) == 0) {
            return &f->sections[i];
        }
    }
    return NULL;
}

static const struct profile_property *profile_prop(const struct profile_section *s, const char *key)
{
    if (!s) {
        return NULL;
    }
    for (size_t i = 0; i < s->nprops; i++) {
        if (strcmp(s->props[i].name, key) == 0) {
            return &s->props[i];
        }
    }
    return NULL;
}

const char *profile_section_get(const struct profile_section *s, const char *key)
{
    const struct profile_property *pr = profile_prop(s, key);
    return pr ? pr->value : NULL;
}

const char *profile_section_get_sub(const struct profile_section *s, const char *key,
                                    const char *sub)
{
    const struct profile_property *pr = profile_prop(s, key);
    for (size_t i = 0; pr && i < pr->nsubs; i++) {
        if (strcmp(pr->subs[i].name, sub) == 0) {
            return pr->subs[i].value;
        }
    }
    return NULL;
}

bool profile_exists(const struct profile_set *set, const char *profile)
{
    return profile_file_section(set->credentials, PROFILE_KIND_PROFILE, profile) ||
           profile_file_section(set->config, PROFILE_KIND_PROFILE, profile);
}

static const struct profile_file *profile_get_file(const struct profile_set *set,
                                                   const char *profile, const char *key)
{
    const struct profile_file *files[2] = {set->credentials, set->config};
    for (size_t i = 0; i < 2; i++) {
        const struct profile_section *s =
            profile_file_section(files[i], PROFILE_KIND_PROFILE, profile);
        if (profile_section_get(s, key)) {
            return files[i];
        }
    }
    return NULL;
}

const char *profile_get(const struct profile_set *set, const char *profile, const char *key)
{
    const struct profile_file *f = profile_get_file(set, profile, key);
    if (!f) {
        return NULL;
    }
    return profile_section_get(profile_file_section(f, PROFILE_KIND_PROFILE, profile), key);
}

const char *profile_get_path(const struct profile_set *set, const char *profile, const char *key)
{
    const struct profile_file *f = profile_get_file(set, profile, key);
    return f ? f->path : NULL;
}

enum lt_rc profile_expand_home(const struct aws_env *env, const char *path, struct buf *out,
                               struct lt_error *err)
{
    if (path[0] != '~' || (path[1] != '\0' && path[1] != '/')) {
        return buf_adds(out, path);
    }
    const char *home = aws_env_get(env, "HOME");
    if (!home) {
        return lt_fail(err, LT_E_CONFIG, "cannot expand '~' in '%s': HOME is not set", path);
    }
    LT_TRY(buf_adds(out, home));
    return buf_adds(out, path + 1);
}

static enum lt_rc profile_locate(const struct aws_env *env, const char *var, const char *def,
                                 struct buf *out, bool *none, struct lt_error *err)
{
    const char *path = aws_env_get(env, var);
    *none = false;
    if (!path && !aws_env_get(env, "HOME")) {
        log_debug("HOME is not set: no default '%s'", def);
        *none = true;
        return LT_OK;
    }
    if (profile_expand_home(env, path ? path : def, out, err) != LT_OK) {
        lt_error_prefix(err, "%s", var);
        return err ? err->code : LT_E_CONFIG;
    }
    return LT_OK;
}

static enum lt_rc profile_set_load_one(const struct aws_env *env, const char *var, const char *def,
                                       enum profile_file_type type, struct profile_file **out,
                                       struct lt_error *err)
{
    struct buf path = BUF_INIT(BUF_MAX_SMALL);
    bool none = false;
    enum lt_rc rc = profile_locate(env, var, def, &path, &none, err);
    if (rc == LT_OK && none) {
        *out = profile_file_new(def, type);
        (*out)->missing = true;
    } else if (rc == LT_OK) {
        rc = profile_load(buf_str(&path), type, out, err);
    } else if (rc == LT_E_LIMIT) {
        rc = lt_fail(err, LT_E_CONFIG, "%s is too long", var);
    }
    buf_release(&path);
    return rc;
}

enum lt_rc profile_set_load(struct profile_set *set, const struct aws_env *env,
                            struct lt_error *err)
{
    set->config = NULL;
    set->credentials = NULL;
    enum lt_rc rc = profile_set_load_one(env, "AWS_CONFIG_FILE", "~/.aws/config",
                                         PROFILE_FILE_CONFIG, &set->config, err);
    if (rc == LT_OK) {
        rc = profile_set_load_one(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials",
                                  PROFILE_FILE_CREDENTIALS, &set->credentials, err);
    }
    if (rc != LT_OK) {
        profile_set_release(set);
    }
    return rc;
}

void profile_set_release(struct profile_set *set)
{
    profile_file_free(set->config);
    profile_file_free(set->credentials);
    set->config = NULL;
    set->credentials = NULL;
}
