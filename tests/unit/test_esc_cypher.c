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
#include "tap.h"
#include "testfs.h"
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

int main(int argc, char **argv)
{
    (void)argc;
    test_good_cases();
    test_bad_cases();
    test_append_and_limit();
    test_int_bool();
    test_plain_name();
    write_hostile_script(argv[0]);
    return tap_done();
}
