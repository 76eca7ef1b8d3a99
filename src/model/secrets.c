#include "model/secrets.h"

#include <stdint.h>
#include <string.h>

static const char *const kind_names[SECRETS_KIND_COUNT] = {
    [SECRETS_AWS_ACCESS_KEY_ID] = "aws-access-key-id",
    [SECRETS_AWS_SECRET_ACCESS_KEY] = "aws-secret-access-key",
    [SECRETS_PASSWORD] = "password",
    [SECRETS_PRIVATE_KEY] = "private-key",
    [SECRETS_TOKEN] = "token",
};

const char *secrets_kind_name(enum secrets_kind kind)
{
    return (unsigned)kind < SECRETS_KIND_COUNT ? kind_names[kind] : "unknown";
}

/* ---- ASCII classes (no locale: ltsnap never calls setlocale, and must not depend on it) ---- */

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_upper(c) || is_lower(c) || is_digit(c);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char to_lower(char c)
{
    return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

/*
 * What a byte may be, for the one pass of secrets_scan. W: a letter or a
 * digit; P: '_', '-' or '.', the other name characters; S: a byte some form
 * may start with (forms_at: 'A' AKIA/ASIA, '-' -----BEGIN, ':'
 * ://user:password@, 'g' 'x' 'b' 'B' the token forms). Bytes 0x80-0xFF are
 * none of these. A byte that is neither in a name nor a form's start is
 * passed over at once.
 */
#define CLASS_NAME 1u
#define CLASS_ALNUM 2u
#define CLASS_FORM_START 4u

#define W (CLASS_NAME | CLASS_ALNUM)
#define P CLASS_NAME
#define S CLASS_FORM_START
/* clang-format off */
static const unsigned char byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,            /* control characters */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, P | S, P, 0,        /*  !"#$%&'()*+,-./ */
    W, W, W, W, W, W, W, W, W, W, S, 0, 0, 0, 0, 0,            /* 0123456789:;<=>? */
    0, W | S, W | S, W, W, W, W, W, W, W, W, W, W, W, W, W,    /* @ABCDEFGHIJKLMNO */
    W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, P,            /* PQRSTUVWXYZ[\]^_ */
    0, W, W | S, W, W, W, W, W | S, W, W, W, W, W, W, W, W,    /* `abcdefghijklmno */
    W, W, W, W, W, W, W, W, W | S, W, W, 0, 0, 0, 0, 0,        /* pqrstuvwxyz{|}~  */
};
/* clang-format on */
#undef W
#undef P
#undef S

static unsigned class_of(char c)
{
    return byte_class[(unsigned char)c];
}

/* Compared byte by byte, so a mismatch in the first byte (the usual case) costs one compare. */
static bool has_prefix(const char *t, size_t len, size_t i, const char *prefix)
{
    if (i > len) {
        return false;
    }
    for (size_t k = 0; prefix[k] != '\0'; k++) {
        if (k == len - i || t[i + k] != prefix[k]) {
            return false;
        }
    }
    return true;
}

static bool has_prefix_nocase(const char *t, size_t len, size_t i, const char *prefix)
{
    size_t n = strlen(prefix);
    if (i > len || len - i < n) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        if (to_lower(t[i + k]) != prefix[k]) {
            return false;
        }
    }
    return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Counts the characters from i on (at most max) that satisfy ok. */
static size_t span(const char *t, size_t len, size_t i, size_t max, bool (*ok)(char))
{
    size_t n = 0;
    while (i + n < len && n < max && ok(t[i + n])) {
        n++;
    }
    return n;
}

/* ---- aws-access-key-id: AKIA (long-term) or ASIA (temporary) + 16 of [A-Z0-9] ---- */

#define ACCESS_KEY_ID_LEN 20

static bool is_key_id_char(char c)
{
    return is_upper(c) || is_digit(c);
}

/* Whether an access key id starts at t[i] (an 'A'). */
static bool access_key_id_at(const char *t, size_t len, size_t i)
{
    if (len - i < ACCESS_KEY_ID_LEN ||
        (!has_prefix(t, len, i, "AKIA") && !has_prefix(t, len, i, "ASIA"))) {
        return false;
    }
    bool alone_before = i == 0 || !is_alnum(t[i - 1]);
    bool alone_after = i + ACCESS_KEY_ID_LEN == len || !is_alnum(t[i + ACCESS_KEY_ID_LEN]);
    return alone_before && alone_after &&
           span(t, len, i + 4, ACCESS_KEY_ID_LEN - 4, is_key_id_char) == ACCESS_KEY_ID_LEN - 4;
}

/* ---- private-key: a PEM/PGP private key header with key material after it ---- */

#define PEM_LABEL_MAX 48
#define KEY_MATERIAL_MIN 32
#define KEY_MATERIAL_WINDOW 512

static bool is_pem_label_char(char c)
{
    return is_upper(c) || is_digit(c) || c == ' ';
}

static bool is_base64_char(char c)
{
    return is_alnum(c) || c == '+' || c == '/' || c == '=';
}

/* The end of a "-----BEGIN <label>-----" line at i whose label names a private key, or 0. */
static size_t private_key_header(const char *t, size_t len, size_t i)
{
    static const char begin[] = "-----BEGIN ";
    if (!has_prefix(t, len, i, begin)) {
        return 0;
    }
    size_t label = i + sizeof(begin) - 1;
    size_t n = span(t, len, label, PEM_LABEL_MAX, is_pem_label_char);
    if (!has_prefix(t, len, label + n, "-----")) {
        return 0;
    }
    if (!ends_with(t + label, n, "PRIVATE KEY") && !ends_with(t + label, n, "PRIVATE KEY BLOCK")) {
        return 0;
    }
    return label + n + 5;
}

/* A header alone (a grep pattern, a comment) is not a key: the base64 body must follow. */
static bool key_material_follows(const char *t, size_t len, size_t from)
{
    size_t end = len - from > KEY_MATERIAL_WINDOW ? from + KEY_MATERIAL_WINDOW : len;
    size_t run = 0;
    for (size_t i = from; i < end; i++) {
        run = is_base64_char(t[i]) ? run + 1 : 0;
        if (run >= KEY_MATERIAL_MIN) {
            return true;
        }
    }
    return false;
}

/* Whether a private key header with key material after it starts at t[i] (a '-'). */
static bool private_key_at(const char *t, size_t len, size_t i)
{
    size_t end = private_key_header(t, len, i);
    return end && key_material_follows(t, len, end);
}

/* ---- values: what a literal secret looks like, as opposed to a reference or a setting ---- */

/* A value starting with one of these refers to something else: $VAR, `cmd`, %VAR%, {{x}}, ... */
static const char value_not_literal_start[] = "$`%{[(<>|!@/~*-&";

/* Values that are settings, not secrets (compared case-insensitively, whole value). */
static const char *const value_words[] = {
    "true",     "false",     "yes",    "no",     "on",     "off",      "null",     "none",
    "nil",      "undefined", "empty",  "unset",  "random", "required", "optional", "enabled",
    "disabled", "redacted",  "hidden", "masked", "prompt", "stdin",
};

/* Values that name where a secret is kept rather than the secret (case-insensitive prefixes). */
static const char *const value_reference_prefixes[] = {
    "arn:", "resolve:", "ssm:",     "secretsmanager:", "vault:", "file:", "env:",
    "kms:", "http://",  "https://", "s3://",           "./",     "../",
};

static bool is_word(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && has_prefix_nocase(s, n, 0, word);
}

static bool one_repeated_char(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (s[i] != s[0]) {
            return false;
        }
    }
    return true;
}

static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(s + i, needle, k) == 0) {
            return true;
        }
    }
    return false;
}

/* c is one of the bytes of set (strchr alone would also match the NUL that ends set). */
static bool in_set(const char *set, char c)
{
    return c != '\0' && strchr(set, c) != NULL;
}

static bool looks_literal(const char *s, size_t n, size_t min)
{
    if (n < min || in_set(value_not_literal_start, s[0]) || one_repeated_char(s, n)) {
        return false;
    }
    /* Interpolation or a call anywhere: "prefix-${X}", "$(cmd)", "{{ var }}", "getpass()". */
    if (contains(s, n, "${") || contains(s, n, "$(") || contains(s, n, "{{") ||
        memchr(s, '(', n) != NULL) {
        return false;
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(value_words); i++) {
        if (is_word(s, n, value_words[i])) {
            return false;
        }
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(value_reference_prefixes); i++) {
        if (has_prefix_nocase(s, n, 0, value_reference_prefixes[i])) {
            return false;
        }
    }
    return true;
}

/* ---- password in a URL: scheme://user:password@host ---- */

#define URL_PART_MAX 128
#define URL_PASSWORD_MIN 3

static bool is_url_user_char(char c)
{
    return c != ':' && c != '/' && c != '@' && c != '\0' && !is_blank(c) && c != '\n' &&
           c != '\r' && c != '"' && c != '\'';
}

static bool is_url_password_char(char c)
{
    return c != '/' && c != '@' && c != '\0' && !is_blank(c) && c != '\n' && c != '\r' &&
           c != '"' && c != '\'';
}

/* Whether "://user:password@" with a literal password starts at t[i] (a ':'). */
static bool url_password_at(const char *t, size_t len, size_t i)
{
    if (!has_prefix(t, len, i, "://")) {
        return false;
    }
    size_t user = i + 3;
    size_t nuser = span(t, len, user, URL_PART_MAX, is_url_user_char);
    if (nuser == 0 || user + nuser >= len || t[user + nuser] != ':') {
        return false;
    }
    size_t pass = user + nuser + 1;
    size_t npass = span(t, len, pass, URL_PART_MAX, is_url_password_char);
    return pass + npass < len && t[pass + npass] == '@' &&
           looks_literal(t + pass, npass, URL_PASSWORD_MIN);
}

/* ---- tokens in their well-known forms ---- */

static bool is_token_char(char c)
{
    return is_alnum(c) || c == '_';
}

static bool is_slack_char(char c)
{
    return is_alnum(c) || c == '-';
}

static bool is_bearer_char(char c)
{
    return is_alnum(c) || in_set("._~+/=-", c);
}

struct token_form {
    const char *prefix; /* matched case-sensitively, except "bearer " */
    size_t min_body;
    bool (*body)(char);
};

static const struct token_form token_forms[] = {
    {"ghp_", 36, is_alnum},       {"gho_", 36, is_alnum},       {"ghu_", 36, is_alnum},
    {"ghs_", 36, is_alnum},       {"ghr_", 36, is_alnum},       {"github_pat_", 22, is_token_char},
    {"xoxa-", 10, is_slack_char}, {"xoxb-", 10, is_slack_char}, {"xoxp-", 10, is_slack_char},
    {"xoxr-", 10, is_slack_char}, {"xoxs-", 10, is_slack_char}, {"bearer ", 20, is_bearer_char},
};

static bool token_form_at(const char *t, size_t len, size_t i, const struct token_form *f)
{
    bool bearer = f->prefix[0] == 'b';
    if (bearer ? !has_prefix_nocase(t, len, i, f->prefix) : !has_prefix(t, len, i, f->prefix)) {
        return false;
    }
    size_t body = i + strlen(f->prefix);
    return span(t, len, body, f->min_body, f->body) == f->min_body;
}

/* Whether a token form starts at t[i] (a 'g', 'x', 'b' or 'B'), not inside a word. */
static bool token_form_starts_at(const char *t, size_t len, size_t i)
{
    if (i > 0 && is_token_char(t[i - 1])) {
        return false;
    }
    for (size_t k = 0; k < LT_ARRAY_SIZE(token_forms); k++) {
        /* Every prefix is lower case: a form whose first byte differs is passed over at once. */
        if (to_lower(t[i]) == token_forms[k].prefix[0] &&
            token_form_at(t, len, i, &token_forms[k])) {
            return true;
        }
    }
    return false;
}

/* ---- name = value ---- */

#define NAME_MAX_LEN 64

struct name_rule {
    const char *fragment; /* in the normalised name: lower case, without '_', '-' and '.' */
    enum secrets_kind kind;
};

/* The first fragment a name contains decides what its value would be. */
static const struct name_rule name_rules[] = {
    {"secretaccesskey", SECRETS_AWS_SECRET_ACCESS_KEY},
    {"password", SECRETS_PASSWORD},
    {"passwd", SECRETS_PASSWORD},
    {"passphrase", SECRETS_PASSWORD},
    {"pwd", SECRETS_PASSWORD},
    {"token", SECRETS_TOKEN},
    {"apikey", SECRETS_TOKEN},
    {"secret", SECRETS_TOKEN},
};

/* A name that contains one of these is about something else: password_file, token_ttl, ... */
static const char *const name_other_fragments[] = {
    "file",   "path",   "dir",     "url",  "uri",     "endpoint", "length",   "minlen",   "maxlen",
    "minage", "maxage", "expir",   "ttl",  "timeout", "second",   "lifetime", "duration", "policy",
    "prompt", "stdin",  "command", "retr", "attempt", "count",    "hint",
};

/* A name that ends with one of these names a secret, it does not hold one: secret_id, ... */
static const char *const name_other_suffixes[] = {"name", "id",  "ids",    "arn",
                                                  "type", "ref", "version"};

/* Shortest value counted, by kind (indexed by enum secrets_kind). */
static const size_t value_min[SECRETS_KIND_COUNT] = {
    [SECRETS_AWS_SECRET_ACCESS_KEY] = 16,
    [SECRETS_PASSWORD] = 4,
    [SECRETS_TOKEN] = 8,
};

/* The set of letters a text holds, a bit per letter in either case (other bytes: none). */
static uint32_t letters_of(const char *s, size_t n)
{
    uint32_t set = 0;
    for (size_t i = 0; i < n; i++) {
        char c = to_lower(s[i]);
        if (is_lower(c)) {
            set |= 1u << (c - 'a');
        }
    }
    return set;
}

/*
 * The letters of each name_rules fragment (letters_of), worked out from the
 * table on first use: a name is searched for a fragment only when it holds
 * all of them. (ltsnap is single-threaded; so are the fuzz targets.)
 */
static const uint32_t *rule_letters(void)
{
    static uint32_t letters[LT_ARRAY_SIZE(name_rules)];
    static bool ready;
    if (!ready) {
        for (size_t k = 0; k < LT_ARRAY_SIZE(name_rules); k++) {
            letters[k] = letters_of(name_rules[k].fragment, strlen(name_rules[k].fragment));
        }
        ready = true;
    }
    return letters;
}

/* Whether a name holding these letters holds all those of some name_rules fragment. */
static bool has_letters_of_a_rule(uint32_t letters)
{
    const uint32_t *needs = rule_letters();
    for (size_t i = 0; i < LT_ARRAY_SIZE(name_rules); i++) {
        if ((letters & needs[i]) == needs[i]) {
            return true;
        }
    }
    return false;
}

/* The kind of secret the name at s stands for, or -1. */
static int name_kind(const char *s, size_t n)
{
    /*
     * Rules first: most names match none, and then the exclusions need no
     * look. A fragment is searched for only when the name has all its
     * letters (the same in either case, and with or without '_', '-' and
     * '.'); a name that has the letters of no fragment is not even normalised.
     */
    uint32_t letters = letters_of(s, n);
    if (!has_letters_of_a_rule(letters)) {
        return -1;
    }
    char norm[NAME_MAX_LEN + 1];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_' || s[i] == '-' || s[i] == '.') {
            continue;
        }
        if (m == NAME_MAX_LEN) {
            return -1; /* too long to be a setting's name */
        }
        norm[m++] = to_lower(s[i]);
    }
    norm[m] = '\0';
    const uint32_t *needs = rule_letters();
    int kind = -1;
    for (size_t i = 0; i < LT_ARRAY_SIZE(name_rules) && kind < 0; i++) {
        const char *fragment = name_rules[i].fragment;
        if ((letters & needs[i]) == needs[i] && strstr(norm, fragment) != NULL) {
            kind = (int)name_rules[i].kind;
        }
    }
    if (kind < 0) {
        return -1;
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(name_other_fragments); i++) {
        if (strstr(norm, name_other_fragments[i]) != NULL) {
            return -1;
        }
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(name_other_suffixes); i++) {
        if (ends_with(norm, m, name_other_suffixes[i])) {
            return -1;
        }
    }
    return kind;
}

static size_t skip_blanks(const char *t, size_t len, size_t i)
{
    while (i < len && is_blank(t[i])) {
        i++;
    }
    return i;
}

/*
 * Where the value assigned to the name t[start..end) begins, or SIZE_MAX when
 * no assignment follows: name=value, name => value, name: value, name := value,
 * "name": value (the name's closing quote skipped), --name value.
 */
static size_t value_start(const char *t, size_t len, size_t start, size_t end)
{
    if (start > 0 && (t[start - 1] == '"' || t[start - 1] == '\'') && end < len &&
        t[end] == t[start - 1]) {
        end++;
    }
    size_t i = skip_blanks(t, len, end);
    if (i < len && t[i] == '=') {
        if (i + 1 < len && (t[i + 1] == '=' || t[i + 1] == '~')) {
            return SIZE_MAX; /* a comparison */
        }
        i += (i + 1 < len && t[i + 1] == '>') ? 2 : 1;
    } else if (i < len && t[i] == ':') {
        if (i + 1 < len && t[i + 1] == ':') {
            return SIZE_MAX; /* a scope operator */
        }
        i += (i + 1 < len && t[i + 1] == '=') ? 2 : 1;
    } else if (!(t[start] == '-' && i > end)) {
        return SIZE_MAX; /* only a --flag takes its value after a blank */
    }
    return skip_blanks(t, len, i);
}

static bool ends_unquoted_value(char c)
{
    return is_blank(c) || strchr("\n\r;,&|)}]\"'<>", c) != NULL || c == '\0';
}

/*
 * Whether the value at v (quoted or bare) looks like a literal secret of at
 * least min bytes; *end is set after the value (v itself when there is none).
 */
static bool literal_value_at(const char *t, size_t len, size_t v, size_t min, size_t *end)
{
    *end = v;
    if (v >= len) {
        return false;
    }
    size_t from = v, to = v;
    if (t[v] == '"' || t[v] == '\'') {
        from = to = v + 1;
        while (to < len && t[to] != t[v] && t[to] != '\n') {
            to++;
        }
        if (to == len || t[to] != t[v]) {
            return false; /* not closed on its line: a prompt, not a value */
        }
        *end = to + 1;
    } else {
        while (to < len && !ends_unquoted_value(t[to])) {
            to++;
        }
        *end = to;
    }
    return to > from && looks_literal(t + from, to - from, min);
}

/*
 * ---- the one pass ----
 *
 * Each heuristic above says whether its form starts at one position (the
 * ..._at functions) or what a name is assigned (name_kind, value_start,
 * literal_value_at). secrets_scan walks the text once and asks each of them
 * only where it can answer yes: a form at a byte it can start with
 * (CLASS_FORM_START in byte_class), a name where a run of name characters
 * starts. The result is the set of kinds any of them finds.
 */

struct scan {
    const char *t;
    size_t len;
    unsigned found;    /* the kinds found so far, bit 1u << kind */
    size_t names_from; /* names before this are in the value of a secret's name: not read */
};

static bool found(const struct scan *s, enum secrets_kind kind)
{
    return (s->found & (1u << kind)) != 0;
}

/*
 * Looks for the forms that may start at t[i], a CLASS_FORM_START byte (the
 * cases below are those bytes). A form whose kind is found already is not
 * looked for again: the result is a set.
 */
static void forms_at(struct scan *s, size_t i)
{
    const char *t = s->t;
    size_t len = s->len;
    switch (t[i]) {
    case 'A':
        if (!found(s, SECRETS_AWS_ACCESS_KEY_ID) && access_key_id_at(t, len, i)) {
            s->found |= 1u << SECRETS_AWS_ACCESS_KEY_ID;
        }
        break;
    case '-':
        if (!found(s, SECRETS_PRIVATE_KEY) && private_key_at(t, len, i)) {
            s->found |= 1u << SECRETS_PRIVATE_KEY;
        }
        break;
    case ':':
        if (!found(s, SECRETS_PASSWORD) && url_password_at(t, len, i)) {
            s->found |= 1u << SECRETS_PASSWORD;
        }
        break;
    case 'g':
    case 'x':
    case 'b':
    case 'B':
        if (!found(s, SECRETS_TOKEN) && token_form_starts_at(t, len, i)) {
            s->found |= 1u << SECRETS_TOKEN;
        }
        break;
    default:
        break;
    }
}

/*
 * The name t[start..end): when it is a secret's name and is assigned a
 * literal value, its kind is found. The value is then not searched for names
 * ("{{resolve:...:password}}"), but the forms are still looked for in it.
 */
static void name_at(struct scan *s, size_t start, size_t end)
{
    /* The assignment first: most names have none, and then need no normalising. */
    size_t v = value_start(s->t, s->len, start, end);
    int kind = v == SIZE_MAX ? -1 : name_kind(s->t + start, end - start);
    if (kind < 0) {
        return;
    }
    if (literal_value_at(s->t, s->len, v, value_min[kind], &s->names_from)) {
        s->found |= 1u << kind;
    }
}

/*
 * Reads the name (a run of name characters) starting at t[start] and returns
 * where it ends. A name is words (runs of letters and digits) joined by '_',
 * '-' and '.'. Access key ids and tokens, the forms that start with a letter,
 * are never inside a word (alone_before in access_key_id_at, the test at the
 * top of token_form_starts_at): only the first byte of each word, and the
 * joiners ('-' may start a PEM header), are looked at for forms.
 */
static size_t read_name(struct scan *s, size_t start)
{
    const char *t = s->t;
    size_t len = s->len;
    size_t i = start;
    while (i < len) {
        unsigned class = class_of(t[i]);
        if (!(class & CLASS_NAME)) {
            break;
        }
        if (class & CLASS_FORM_START) {
            forms_at(s, i);
        }
        i++;
        if (class & CLASS_ALNUM) {
            while (i < len && (class_of(t[i]) & CLASS_ALNUM)) {
                i++; /* the rest of the word */
            }
        }
    }
    if (start >= s->names_from) {
        name_at(s, start, i);
    }
    return i;
}

/*
 * One pass over the text: each name is read once (with the forms inside it),
 * ':' is looked at for a URL, and any other byte is passed over at once.
 */
unsigned secrets_scan(const char *text, size_t len)
{
    struct scan s = {.t = text, .len = len};
    size_t i = 0;
    while (i < len) {
        unsigned class = class_of(text[i]);
        if (class & CLASS_NAME) {
            i = read_name(&s, i);
            continue;
        }
        if (class & CLASS_FORM_START) {
            forms_at(&s, i);
        }
        i++;
    }
    return s.found;
}
