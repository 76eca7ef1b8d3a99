/*
 * Unit tests for write/esc_cypher: exact literals for every rule and for
 * hostile strings. Also writes <test dir>/cypher/hostile-literals.cypher, a
 * cypher-shell script using every literal, which `make lint-cypher` checks
 * with Neo4j's own parser (tests/lib/cypher-lint.mjs).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "hostile.h"
#include "ref_esc_cypher.h"
#include "tap.h"
#include "testfs.h"
#include "testrand.h"
#include "write/esc_cypher.h"

struct lit_case {
    const char *in;
    size_t len;
    const char *want;
};

#define CASE(in, want)                                                                             \
    {                                                                                              \
        (in), sizeof(in) - 1, (want)                                                               \
    }

/* Accepted input and the exact literal expected. */
static const struct lit_case good_cases[] = {
    CASE("", "''"),
    CASE("plain text", "'plain text'"),
    CASE("'", "'\\''"),
    CASE("\"", "'\"'"),
    CASE("\\", "'\\\\'"),
    CASE("\\'", "'\\\\\\''"),
    CASE("\\u0027", "'\\\\u0027'"),
    CASE("\\\\u0027", "'\\\\\\\\u0027'"),
    CASE("\\u0041", "'\\\\u0041'"),
    CASE("`", "'`'"),
    CASE(";", "';'"),
    CASE("//", "'//'"),
    CASE("/*", "'/*'"),
    CASE("*/", "'*/'"),
    CASE("a;b // c /* d */ e", "'a;b // c /* d */ e'"),
    CASE("\n", "'\\n'"),
    CASE("\r", "'\\r'"),
    CASE("\r\n", "'\\r\\n'"),
    CASE("\t", "'\\t'"),
    CASE("\b", "'\\b'"),
    CASE("\f", "'\\f'"),
    CASE("\x01", "'\\u0001'"),
    CASE("\x1f", "'\\u001F'"),
    CASE("\x7f", "'\\u007F'"),
    CASE("\xc2\x85", "'\\u0085'"),                  /* U+0085 next line */
    CASE("\xe2\x80\xa8", "'\\u2028'"),              /* U+2028 line separator */
    CASE("\xe2\x80\xa9", "'\\u2029'"),              /* U+2029 paragraph separator */
    CASE("\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"), /* U+1F600 kept as UTF-8 */
    CASE("caf\xc3\xa9 \xc2\xa0", "'caf\xc3\xa9 \xc2\xa0'"),
    CASE("\xef\xbb\xbf", "'\xef\xbb\xbf'"), /* U+FEFF kept */
    CASE("'}) DETACH DELETE n //", "'\\'}) DETACH DELETE n //'"),
    CASE("x' RETURN 1; MATCH (n) DETACH DELETE n; RETURN '",
         "'x\\' RETURN 1; MATCH (n) DETACH DELETE n; RETURN \\''"),
    CASE("a\\\nb", "'a\\\\\\nb'"),
    CASE("\\\\'\\\\", "'\\\\\\\\\\'\\\\\\\\'"),
    CASE("\"}) DETACH DELETE n //", "'\"}) DETACH DELETE n //'"),
    CASE("`}) DETACH DELETE n //", "'`}) DETACH DELETE n //'"),
    CASE(":param {x: 1}", "':param {x: 1}'"),
    CASE("\n:begin\n", "'\\n:begin\\n'"),
    CASE("$param", "'$param'"),
    CASE("{{rows}}", "'{{rows}}'"),
};

/* Rejected input: NUL, invalid UTF-8, surrogates. */
static const struct lit_case bad_cases[] = {
    CASE("\0", NULL),
    CASE("a\0b", NULL),
    CASE("\xff", NULL),
    CASE("\x80", NULL),
    CASE("\xc0\xa7", NULL),                 /* overlong ' */
    CASE("\xc1\x9c", NULL),                 /* overlong \ */
    CASE("\xe0\x80\xa7", NULL),             /* overlong ' in three bytes */
    CASE("\xe2\x80", NULL),                 /* truncated */
    CASE("ab\xf0\x9f\x98", NULL),           /* truncated astral */
    CASE("\xed\xa0\xbd", NULL),             /* lone high surrogate U+D83D */
    CASE("\xed\xb8\x80", NULL),             /* lone low surrogate U+DE00 */
    CASE("\xed\xa0\xbd\xed\xb8\x80", NULL), /* CESU-8 pair for U+1F600 */
    CASE("\xf4\x90\x80\x80", NULL),         /* above U+10FFFF */
    /* Refused after escapes and long runs were already written: all of it is taken back. */
    CASE("it's a \\ long enough run of text, then \xff", NULL),
    CASE("line\nbreak and a quote ' before a NUL\0 and more", NULL),
};

static void test_good_cases(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(good_cases); i++) {
        const struct lit_case *c = &good_cases[i];
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("literal case %zu", i);
        EXPECT_OK(esc_cypher_string(&out, c->in, c->len));
        EXPECT_STR(buf_str(&out), c->want);
        buf_release(&out);
    }
}

static void test_bad_cases(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad_cases); i++) {
        const struct lit_case *c = &bad_cases[i];
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("rejected case %zu", i);
        EXPECT_OK(buf_adds(&out, "keep"));
        EXPECT_INT(esc_cypher_string(&out, c->in, c->len), LT_E_INPUT);
        /* Nothing appended. */
        EXPECT_STR(buf_str(&out), "keep");
        buf_release(&out);
    }
}

static void test_append_and_limit(void)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(buf_adds(&out, "RETURN "));
    EXPECT_OK(esc_cypher_string(&out, "a'b", 3));
    EXPECT_OK(buf_adds(&out, " AS v"));
    EXPECT_STR(buf_str(&out), "RETURN 'a\\'b' AS v");
    buf_release(&out);

    /* NULL with length 0 is the empty string. */
    EXPECT_OK(esc_cypher_string(&out, NULL, 0));
    EXPECT_STR(buf_str(&out), "''");
    buf_release(&out);

    /* Exactly at the cap succeeds; one byte over fails and releases the buffer. */
    struct buf small = BUF_INIT(6);
    EXPECT_OK(esc_cypher_string(&small, "a\n", 2));
    EXPECT_STR(buf_str(&small), "'a\\n'");
    buf_reset(&small);
    EXPECT_INT(esc_cypher_string(&small, "a\n\n", 3), LT_E_LIMIT);
    EXPECT_INT(small.len, 0);
    EXPECT(small.ptr == NULL);
    buf_release(&small);
}

static void test_int_bool(void)
{
    static const struct {
        int64_t v;
        const char *want;
    } cases[] = {
        {0, "0"},
        {1, "1"},
        {-1, "-1"},
        {42, "42"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN + 1, "-9223372036854775807"},
        {INT64_MIN, "(-9223372036854775807 - 1)"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct buf out = BUF_INIT(64);
        EXPECT_OK(esc_cypher_int(&out, cases[i].v));
        EXPECT_STR(buf_str(&out), cases[i].want);
        buf_release(&out);
    }
    struct buf out = BUF_INIT(64);
    EXPECT_OK(esc_cypher_bool(&out, true));
    EXPECT_OK(buf_addc(&out, ' '));
    EXPECT_OK(esc_cypher_bool(&out, false));
    EXPECT_STR(buf_str(&out), "true false");
    buf_release(&out);
}

static void test_plain_name(void)
{
    EXPECT(esc_cypher_is_plain_name("id"));
    EXPECT(esc_cypher_is_plain_name("_x"));
    EXPECT(esc_cypher_is_plain_name("Launch_Template2"));
    EXPECT(esc_cypher_is_plain_name("Z"));
    EXPECT(!esc_cypher_is_plain_name(NULL));
    EXPECT(!esc_cypher_is_plain_name(""));
    EXPECT(!esc_cypher_is_plain_name("1a"));
    EXPECT(!esc_cypher_is_plain_name("a-b"));
    EXPECT(!esc_cypher_is_plain_name("a b"));
    EXPECT(!esc_cypher_is_plain_name("a.b"));
    EXPECT(!esc_cypher_is_plain_name("`a`"));
    EXPECT(!esc_cypher_is_plain_name("a`"));
    EXPECT(!esc_cypher_is_plain_name("a\\u0041"));
    EXPECT(!esc_cypher_is_plain_name("caf\xc3\xa9"));
    EXPECT(!esc_cypher_is_plain_name("a\n"));
}

/* Appends the literal for c; false (after a failed check) on error. */
static bool add_literal(struct buf *b, const struct lit_case *c)
{
    return EXPECT_OK(esc_cypher_string(b, c->in, c->len));
}

static bool add_statements_for(struct buf *b, const struct lit_case *c)
{
    bool ok = EXPECT_OK(buf_adds(b, "RETURN "));
    ok = ok && add_literal(b, c) && EXPECT_OK(buf_adds(b, " AS v;\nMERGE (n:T {id: "));
    ok = ok && add_literal(b, c) && EXPECT_OK(buf_adds(b, "}) SET n.x = "));
    ok = ok && add_literal(b, c) && EXPECT_OK(buf_adds(b, ";\n"));
    return ok;
}

static bool add_int_statements(struct buf *b)
{
    static const int64_t ints[] = {0, -1, INT64_MAX, INT64_MIN + 1, INT64_MIN};
    bool ok = true;
    for (size_t i = 0; ok && i < LT_ARRAY_SIZE(ints); i++) {
        ok = EXPECT_OK(buf_adds(b, "RETURN ")) && EXPECT_OK(esc_cypher_int(b, ints[i])) &&
             EXPECT_OK(buf_adds(b, " AS v;\nMERGE (n:T {id: ")) &&
             EXPECT_OK(esc_cypher_int(b, ints[i])) && EXPECT_OK(buf_adds(b, "}) SET n.x = 0 - ")) &&
             EXPECT_OK(esc_cypher_int(b, ints[i])) && EXPECT_OK(buf_adds(b, ", n.y = ")) &&
             EXPECT_OK(esc_cypher_bool(b, i % 2 == 0)) && EXPECT_OK(buf_adds(b, ";\n"));
    }
    return ok;
}

/* One :param map holding every literal, and statements reading each parameter. */
static bool add_param_block(struct buf *b)
{
    bool ok = EXPECT_OK(buf_adds(b, ":param {"));
    for (size_t i = 0; ok && i < LT_ARRAY_SIZE(good_cases); i++) {
        ok = EXPECT_OK(buf_printf(b, "%sp%zu: ", i ? ", " : "", i)) &&
             add_literal(b, &good_cases[i]);
    }
    ok = ok && EXPECT_OK(buf_adds(b, "}\n:begin\n"));
    for (size_t i = 0; ok && i < LT_ARRAY_SIZE(good_cases); i++) {
        ok = EXPECT_OK(buf_printf(b, "MERGE (n:T {id: $p%zu}) SET n.x = $p%zu;\n", i, i));
    }
    return ok && EXPECT_OK(buf_adds(b, ":commit\n"));
}

static void write_hostile_script(const char *argv0)
{
    struct buf b = BUF_INIT(BUF_MAX_LARGE);
    bool ok = EXPECT_OK(buf_adds(&b, "// Generated by test_esc_cypher: every hostile literal.\n"));
    for (size_t i = 0; ok && i < LT_ARRAY_SIZE(good_cases); i++) {
        ok = add_statements_for(&b, &good_cases[i]);
    }
    ok = ok && add_int_statements(&b) && add_param_block(&b);
    if (ok) {
        char *dir = testfs_outdir(argv0, "cypher");
        char *path = testfs_join(dir, "hostile-literals.cypher");
        testfs_write(path, b.ptr, b.len);
        tap_note("wrote %s (%zu bytes)", path, b.len);
        mem_free(path);
        mem_free(dir);
    }
    buf_release(&b);
}

/* ---- the reader ---- */

/* Every hostile value decodes from its literal to exactly itself, the whole literal consumed. */
static void test_read_back_cases(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(good_cases); i++) {
        const struct lit_case *c = &good_cases[i];
        struct esc_cypher_reader r;
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("read-back case %zu", i);
        esc_cypher_reader_init(&r, c->want, strlen(c->want));
        EXPECT_OK(esc_cypher_read_string(&r, &out));
        EXPECT_MEM(out.ptr ? out.ptr : "", out.len, c->in, c->len);
        EXPECT_INT(r.pos, strlen(c->want));
        buf_release(&out);
    }
}

struct refused {
    const char *text;
    size_t bad; /* offset of the offending byte */
    const char *why;
};

/* Literals the writer never produces: refused, nothing consumed or appended. */
static const struct refused refused_strings[] = {
    {"", 0, "not a string literal"},
    {"\"x\"", 0, "not a string literal"},
    {"'abc", 4, "unterminated string literal"},
    {"'abc\\", 4, "unterminated string literal"},
    {"'a\\'", 4, "unterminated string literal"},
    {"'\\\"'", 1, "an escape ltsnap does not write"},
    {"'\\x41'", 1, "an escape ltsnap does not write"},
    {"'\\u0041'", 1, "a \\u escape where ltsnap writes the character or a short escape"},
    {"'\\u000A'", 1, "a \\u escape where ltsnap writes the character or a short escape"},
    {"'\\u0000'", 1, "a \\u escape where ltsnap writes the character or a short escape"},
    {"'\\uD83D\\uDE00'", 1, "a \\u escape where ltsnap writes the character or a short escape"},
    {"'\\u001f'", 1, "\\u not followed by four upper-case hex digits"},
    {"'\\u12'", 1, "\\u not followed by four upper-case hex digits"},
    {"'a\nb'", 2, "a character ltsnap escapes written as it is"},
    {"'\t'", 1, "a character ltsnap escapes written as it is"},
    {"'\x7f'", 1, "a character ltsnap escapes written as it is"},
    {"'\xc2\x85'", 1, "a character ltsnap escapes written as it is"},
    {"'\xe2\x80\xa8'", 1, "a character ltsnap escapes written as it is"},
    {"'\xff'", 1, "invalid UTF-8 in a string literal"},
    {"'\xed\xa0\xbd'", 1, "invalid UTF-8 in a string literal"},
};

static void test_read_refused(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(refused_strings); i++) {
        const struct refused *c = &refused_strings[i];
        struct esc_cypher_reader r;
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("refused literal %zu: %s", i, c->text);
        EXPECT_OK(buf_adds(&out, "keep"));
        esc_cypher_reader_init(&r, c->text, strlen(c->text));
        EXPECT_INT(esc_cypher_read_string(&r, &out), LT_E_INPUT);
        EXPECT_STR(buf_str(&out), "keep");
        EXPECT_INT(r.pos, 0);
        EXPECT_INT(r.bad, c->bad);
        EXPECT_STR(r.why, c->why);
        buf_release(&out);
    }
}

static void test_read_int_bool(void)
{
    static const char *const good[] = {"0",
                                       "7",
                                       "-1",
                                       "42",
                                       "9223372036854775807",
                                       "-9223372036854775807",
                                       "(-9223372036854775807 - 1)"};
    static const char *const bad[] = {"",
                                      "+1",
                                      "01",
                                      "-0",
                                      "-",
                                      "-01",
                                      "9223372036854775808",
                                      "-9223372036854775808",
                                      "(-9223372036854775807-1)",
                                      "x"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(good); i++) {
        struct esc_cypher_reader r;
        struct buf back = BUF_INIT(64);
        int64_t v = 1;
        esc_cypher_reader_init(&r, good[i], strlen(good[i]));
        EXPECT_OK(esc_cypher_read_int(&r, &v));
        EXPECT_INT(r.pos, strlen(good[i]));
        EXPECT_OK(esc_cypher_int(&back, v));
        EXPECT_STR(buf_str(&back), good[i]);
        buf_release(&back);
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad); i++) {
        struct esc_cypher_reader r;
        int64_t v = 1;
        tap_note("refused integer '%s'", bad[i]);
        esc_cypher_reader_init(&r, bad[i], strlen(bad[i]));
        EXPECT_INT(esc_cypher_read_int(&r, &v), LT_E_INPUT);
        EXPECT_INT(r.pos, 0);
    }
    /* Digits end the literal; what follows is the caller's to check. */
    struct esc_cypher_reader r;
    int64_t v = 0;
    esc_cypher_reader_init(&r, "12, x", 5);
    EXPECT_OK(esc_cypher_read_int(&r, &v));
    EXPECT_INT(v, 12);
    EXPECT(esc_cypher_read_token(&r, ", "));
    EXPECT(!esc_cypher_read_token(&r, "y"));
    EXPECT_INT(r.pos, 4);

    bool b = false;
    esc_cypher_reader_init(&r, "truefalseTrue", 13);
    EXPECT_OK(esc_cypher_read_bool(&r, &b));
    EXPECT(b);
    EXPECT_OK(esc_cypher_read_bool(&r, &b));
    EXPECT(!b);
    EXPECT_INT(esc_cypher_read_bool(&r, &b), LT_E_INPUT);
    EXPECT_INT(r.pos, 9);
}

static void test_lists_and_maps(void)
{
    static const char *const items[] = {"sg-1", "a'b", "line\nbreak"};
    struct buf w = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(esc_cypher_map_key(&w, true, "ids"));
    EXPECT_OK(esc_cypher_string_list(&w, items, 3));
    EXPECT_OK(esc_cypher_map_key(&w, false, "none"));
    EXPECT_OK(esc_cypher_string_list(&w, NULL, 0));
    EXPECT_OK(esc_cypher_map_end(&w));
    EXPECT_STR(buf_str(&w), "{ids: ['sg-1', 'a\\'b', 'line\\nbreak'], none: []}");
    EXPECT_INT(esc_cypher_map_key(&w, false, "not plain"), LT_E_INTERNAL);
    /* Regression (fuzz_esc_cypher): a refused element leaves nothing behind, not "['sg-1', ". */
    static const char *const bad[] = {"sg-1", "\x80"};
    size_t before = w.len;
    EXPECT_INT(esc_cypher_string_list(&w, bad, 2), LT_E_INPUT);
    EXPECT_INT(w.len, before);

    struct esc_cypher_reader r;
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    const char *name = NULL;
    size_t len = 0, n = 0;
    esc_cypher_reader_init(&r, w.ptr, w.len);
    EXPECT_OK(esc_cypher_read_map_key(&r, true, &name, &len));
    EXPECT_MEM(name, len, "ids", 3);
    EXPECT_OK(esc_cypher_read_string_list(&r, &out, &n));
    EXPECT_INT(n, 3);
    EXPECT_MEM(out.ptr, out.len, "sg-1\0a'b\0line\nbreak\0", 20);
    EXPECT_OK(esc_cypher_read_map_key(&r, false, &name, &len));
    EXPECT_MEM(name, len, "none", 4);
    EXPECT_OK(esc_cypher_read_string_list(&r, &out, &n));
    EXPECT_INT(n, 0);
    EXPECT(esc_cypher_read_token(&r, "}"));
    EXPECT_INT(r.pos, w.len);

    static const char *const bad_lists[] = {"['a','b']", "['a' ]", "['a', 1]", "['a'", "'a'"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad_lists); i++) {
        buf_reset(&out);
        esc_cypher_reader_init(&r, bad_lists[i], strlen(bad_lists[i]));
        EXPECT_INT(esc_cypher_read_string_list(&r, &out, &n), LT_E_INPUT);
        EXPECT_INT(r.pos, 0);
        EXPECT_INT(out.len, 0);
    }
    static const char *const bad_keys[] = {"{1a: 1}", "{a:1}", "{`a`: 1}", "{: 1}", "a: 1"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad_keys); i++) {
        esc_cypher_reader_init(&r, bad_keys[i], strlen(bad_keys[i]));
        EXPECT_INT(esc_cypher_read_map_key(&r, true, &name, &len), LT_E_INPUT);
        EXPECT_INT(r.pos, 0);
    }

    enum esc_cypher_kind kind = ESC_CYPHER_BOOL;
    static const struct {
        const char *text;
        enum esc_cypher_kind kind;
    } values[] = {{"'x'", ESC_CYPHER_STRING},
                  {"-3", ESC_CYPHER_INT},
                  {"(-9223372036854775807 - 1)", ESC_CYPHER_INT},
                  {"false", ESC_CYPHER_BOOL},
                  {"['a']", ESC_CYPHER_STRING_LIST}};
    for (size_t i = 0; i < LT_ARRAY_SIZE(values); i++) {
        esc_cypher_reader_init(&r, values[i].text, strlen(values[i].text));
        EXPECT_OK(esc_cypher_skip_value(&r, &kind));
        EXPECT_INT(kind, values[i].kind);
        EXPECT_INT(r.pos, strlen(values[i].text));
    }
    esc_cypher_reader_init(&r, "null", 4);
    EXPECT_INT(esc_cypher_skip_value(&r, &kind), LT_E_INPUT);
    buf_release(&out);
    buf_release(&w);
}

/* Pieces that stress the escaper and reader: quotes, backslashes, escape look-alikes,
   controls, line separators, invalid and astral UTF-8. */
static const char *const pieces[] = {
    "a",
    "'",
    "\\",
    "u",
    "0",
    "A",
    "D8",
    "\n",
    "\r",
    "\t",
    "\x01",
    "\x1f",
    "\x7f",
    "\"",
    "`",
    "\xc2\x85",
    "\xe2\x80\xa8",
    "\xf0\x9f\x98\x80",
    "\xff",
    "\xed\xa0\xbd",
    "\0",
    "\\u0027",
    "\\'",
    "'",
};

static void random_text(uint64_t *state, struct buf *b)
{
    size_t n = test_random(state) % 12;
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[test_random(state) % LT_ARRAY_SIZE(pieces)];
        EXPECT_OK(buf_add(b, p, p[0] ? strlen(p) : 1));
    }
}

/*
 * Round trips, both ways: (1) every valid value survives write then read;
 * (2) every text the reader accepts as a literal is exactly what the writer
 * makes of the value read (the reader is the writer's exact inverse).
 */
static void test_round_trip_property(void)
{
    uint64_t state = 0x9E3779B97F4A7C15u;
    size_t written = 0, accepted = 0, failures = 0;
    for (int i = 0; i < 20000; i++) {
        struct buf value = BUF_INIT(BUF_MAX_SMALL);
        struct buf lit = BUF_INIT(BUF_MAX_SMALL);
        struct buf back = BUF_INIT(BUF_MAX_SMALL);
        random_text(&state, &value);
        if (esc_cypher_string(&lit, value.ptr, value.len) == LT_OK) {
            struct esc_cypher_reader r;
            written++;
            esc_cypher_reader_init(&r, lit.ptr, lit.len);
            if (esc_cypher_read_string(&r, &back) != LT_OK || r.pos != lit.len ||
                back.len != value.len ||
                memcmp(back.ptr ? back.ptr : "", buf_str(&value), value.len)) {
                failures++;
            }
        }
        /* The value's bytes taken as a literal body. */
        buf_reset(&lit);
        buf_reset(&back);
        EXPECT_OK(buf_addc(&lit, '\''));
        EXPECT_OK(buf_add(&lit, buf_str(&value), value.len));
        EXPECT_OK(buf_addc(&lit, '\''));
        struct esc_cypher_reader r;
        esc_cypher_reader_init(&r, lit.ptr, lit.len);
        if (esc_cypher_read_string(&r, &back) == LT_OK) {
            struct buf again = BUF_INIT(BUF_MAX_SMALL);
            accepted++;
            if (esc_cypher_string(&again, buf_str(&back), back.len) != LT_OK ||
                memcmp(again.ptr, lit.ptr, r.pos) != 0 || again.len != r.pos) {
                failures++;
            }
            buf_release(&again);
        }
        buf_release(&value);
        buf_release(&lit);
        buf_release(&back);
    }
    tap_note("round trips: %zu values written, %zu texts accepted", written, accepted);
    EXPECT(written > 1000 && accepted > 1000);
    EXPECT_INT(failures, 0);
}

/*
 * ---- Differential test against the escaper as it was (main at 4a8455c) ----
 *
 * ref_esc_cypher.h keeps the byte-by-byte escaper and map key writer the
 * word-at-a-time ones replaced. The new ones must append the same bytes,
 * return the same code and leave the buffer in the same state (kept,
 * truncated back, or released at buf's limit) for every input.
 */

/* Bytes that make the escaper stop and look, and their neighbours. */
static const unsigned char edge_bytes[] = {0x00, 0x01, 0x08, 0x0A, 0x1F, 0x20, 0x21, 0x26, 0x27,
                                           0x28, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x85, 0xA8,
                                           0xBF, 0xC0, 0xC2, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF};

/* Hostile pieces for random values: escapes, line breaks, bad and good UTF-8. */
static const char *const diff_pieces[] = {
    "'",
    "\\",
    "\\'",
    "\\u0027",
    "\"",
    "`",
    "\n",
    "\r\n",
    "\t",
    "\b",
    "\f",
    "\x01",
    "\x1f",
    "\x7f",
    "\xc2\x85",
    "\xe2\x80\xa8",
    "\xe2\x80\xa9",
    "\xc3\xa9",
    "\xef\xbb\xbf",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "\xff",
    "\x80",
    "\xc0\xa7",
    "\xe0\x80\xa7",
    "\xe2\x80",
    "\xed\xa0\xbd",
    "\xf4\x90\x80\x80",
    "\xf0\x9f\x98",
    "\xc2",
    "\0",
    "}) DETACH DELETE n //",
    "{\"Key\":\"v\"}",
};

/* Text that needs nothing ("{"Ebs"..." with digits and JSON punctuation, no byte to escape). */
static const char plain_text[] =
    "{\"Ebs\":[\"gp3\",30]}, /dev/xvda-0123456789 ABCxyz_:.;`~!@#$%^&*()";
static const char *const backgrounds[] = {plain_text};
static const struct hostile_kit kit = {diff_pieces, LT_ARRAY_SIZE(diff_pieces), backgrounds,
                                       LT_ARRAY_SIZE(backgrounds)};

/* The escaper and the reference on s from the same start: a buffer holding "keep" and at most
 * max bytes. Counts a difference in code, length, release or bytes. */
static size_t diff_string(const char *s, size_t n, size_t max)
{
    struct buf want = BUF_INIT(max), got = BUF_INIT(max);
    bool kept = max < 4 || (buf_adds(&want, "keep") == LT_OK && buf_adds(&got, "keep") == LT_OK);
    enum lt_rc rc_want = ref_esc_cypher_string(&want, s, n);
    enum lt_rc rc_got = esc_cypher_string(&got, s, n);
    bool same = kept && rc_want == rc_got && want.len == got.len &&
                (want.ptr == NULL) == (got.ptr == NULL) &&
                memcmp(buf_str(&want), buf_str(&got), want.len) == 0;
    buf_release(&want);
    buf_release(&got);
    return same ? 0 : 1;
}

/* map_prepared_key and map_string against ref_esc_cypher_map_key then ref_esc_cypher_string. */
static size_t diff_map(const char *name, bool first, const char *s, size_t n, size_t max)
{
    struct buf want = BUF_INIT(max), got = BUF_INIT(max), got2 = BUF_INIT(max);
    struct esc_cypher_key k;
    esc_cypher_key_init(&k, name);
    enum lt_rc rc_want = ref_esc_cypher_map_key(&want, first, name);
    enum lt_rc rc_key = esc_cypher_map_prepared_key(&got, first, &k);
    bool same = rc_want == rc_key && want.len == got.len &&
                (want.ptr == NULL) == (got.ptr == NULL) &&
                memcmp(buf_str(&want), buf_str(&got), want.len) == 0;
    if (rc_want == LT_OK) {
        rc_want = ref_esc_cypher_string(&want, s, n);
    }
    enum lt_rc rc_entry = esc_cypher_map_string(&got2, first, &k, s, n);
    same = same && rc_want == rc_entry && want.len == got2.len &&
           (want.ptr == NULL) == (got2.ptr == NULL) &&
           memcmp(buf_str(&want), buf_str(&got2), want.len) == 0;
    buf_release(&want);
    buf_release(&got);
    buf_release(&got2);
    return same ? 0 : 1;
}

static size_t diff_value(const char *s, size_t n)
{
    return diff_string(s, n, BUF_MAX_SMALL);
}

/* Every byte value at every offset of plain runs up to 48 bytes: each lane of each step. */
static void test_diff_every_byte_everywhere(void)
{
    size_t cases = 0;
    size_t differences = hostile_every_byte(48, plain_text, diff_value, &cases);
    tap_note("differential: %zu single-byte cases", cases);
    EXPECT_INT(differences, 0);
}

/* Two edge bytes anywhere in 40 bytes (a byte and what follows it: UTF-8 pairs, escapes). */
static void test_diff_byte_pairs(void)
{
    EXPECT_INT(hostile_byte_pairs(edge_bytes, sizeof(edge_bytes), 40, 3, &kit, diff_value), 0);
}

/* Random hostile values, with room to spare and with a limit anywhere around their length. */
static void test_diff_random(void)
{
    static const char *const names[] = {"id", "launch_template_data", "_x9", "", "a-b",
                                        "1a", "caf\xc3\xa9",          NULL};
    uint64_t state = 0xD1B54A32D192ED03u;
    size_t differences = 0, refused = 0;
    for (int i = 0; i < 40000; i++) {
        struct buf value = BUF_INIT(BUF_MAX_SMALL);
        differences += hostile_add_random(&state, &value, &kit, 7) != LT_OK;
        const char *s = buf_str(&value);
        uint64_t r = test_random(&state);
        size_t max = r % 3 ? BUF_MAX_SMALL : (size_t)(r >> 8) % (2 * value.len + 40);
        struct buf scratch = BUF_INIT(BUF_MAX_SMALL);
        refused += ref_esc_cypher_string(&scratch, s, value.len) == LT_E_INPUT;
        buf_release(&scratch);
        differences += diff_string(s, value.len, max);
        differences +=
            diff_map(names[(r >> 40) % LT_ARRAY_SIZE(names)], (r >> 48) & 1, s, value.len, max);
        buf_release(&value);
    }
    /* NULL: the empty string with length 0, refused with any other length. */
    differences += diff_string(NULL, 0, BUF_MAX_SMALL) + diff_string(NULL, 3, BUF_MAX_SMALL);
    differences += diff_map("id", true, NULL, 0, BUF_MAX_SMALL);
    differences += diff_map("id", false, NULL, 2, BUF_MAX_SMALL);
    tap_note("differential: 40000 random values, %zu refused", refused);
    EXPECT(refused > 1000 && refused < 39000);
    EXPECT_INT(differences, 0);
}

/* Long values: plain, with one escape or one bad byte near either end or in the middle. */
static void test_diff_long(void)
{
    size_t differences = 0;
    struct buf big = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(hostile_add_run(&big, 70000, plain_text));
    static const size_t at[] = {0, 1, 31, 32, 33, 4096, 35000, 69967, 69992, 69999};
    static const char bad[] = {'\'', '\\', '\n', 0x7F, (char)0xFF, 0};
    differences += diff_string(big.ptr, big.len, BUF_MAX_LARGE);
    differences += diff_string(big.ptr, big.len, big.len + 5); /* one byte short */
    differences += diff_string(big.ptr, big.len, big.len + 6);
    for (size_t i = 0; i < LT_ARRAY_SIZE(at); i++) {
        for (size_t k = 0; k < sizeof(bad); k++) {
            char keep = big.ptr[at[i]];
            big.ptr[at[i]] = bad[k];
            differences += diff_string(big.ptr, big.len, BUF_MAX_LARGE);
            differences += diff_string(big.ptr, big.len, big.len + 6);
            big.ptr[at[i]] = keep;
        }
    }
    buf_release(&big);
    EXPECT_INT(differences, 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_good_cases();
    test_bad_cases();
    test_append_and_limit();
    test_int_bool();
    test_plain_name();
    test_read_back_cases();
    test_read_refused();
    test_read_int_bool();
    test_lists_and_maps();
    test_round_trip_property();
    test_diff_every_byte_everywhere();
    test_diff_byte_pairs();
    test_diff_random();
    test_diff_long();
    write_hostile_script(argv[0]);
    return tap_done();
}
