/*
 * Unit tests for write/tmpl: filling placeholders, what is not a
 * placeholder, values inserted verbatim (never re-scanned), the errors for
 * unknown and unused placeholders, and tmpl_load's limits. Template files
 * are written to <test dir>/tmpl/ as *.tmpl: they are not Cypher, and
 * lint-all-cypher checks every *.cypher below the test directory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "tap.h"
#include "testfs.h"
#include "write/tmpl.h"

#define VAR(name, value, required)                                                                 \
    {                                                                                              \
        (name), (value), sizeof(value) - 1, (required)                                             \
    }

/* A template held in memory, named as if loaded. */
static void tmpl_from(struct tmpl *t, const char *name, const char *text)
{
    t->name = mem_strdup(name);
    buf_init(&t->text, BUF_MAX_SMALL);
    if (buf_adds(&t->text, text) != LT_OK) {
        tap_note("template text too long");
    }
}

/* Renders text with vars after "prefix|"; checks rc and the whole output (or the error). */
static void expect_render(const char *text, const struct tmpl_var *vars, size_t nvars,
                          enum lt_rc want_rc, const char *want)
{
    struct tmpl t;
    struct lt_error err = LT_ERROR_INIT;
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    tmpl_from(&t, "snapshot.cypher", text);
    EXPECT_OK(buf_adds(&out, "prefix|"));
    EXPECT_INT(tmpl_render(&t, vars, nvars, &out, &err), want_rc);
    if (want_rc == LT_OK) {
        EXPECT_STR(buf_str(&out), want);
        EXPECT_INT(err.code, LT_OK);
    } else {
        EXPECT_STR(lt_error_message(&err), want);
        EXPECT_INT(err.code, want_rc);
        /* A failed render appends nothing. */
        EXPECT_STR(buf_str(&out), "prefix|");
    }
    buf_release(&out);
    lt_error_release(&err);
    tmpl_release(&t);
}

static void test_fill(void)
{
    const struct tmpl_var vars[] = {
        VAR("id", "'lt-0abc'", true),
        VAR("rows", "[{a: 1}, {a: 2}]", true),
        VAR("update_tag", "$UPDATE_TAG", false),
    };
    expect_render("MATCH (n {id: {{id}}})\nUNWIND {{rows}} AS row\nRETURN {{id}};\n", vars, 3,
                  LT_OK,
                  "prefix|MATCH (n {id: 'lt-0abc'})\nUNWIND [{a: 1}, {a: 2}] AS row\n"
                  "RETURN 'lt-0abc';\n");
    /* Placeholders at the very start and end, back to back. */
    expect_render("{{id}}{{rows}}", vars, 3, LT_OK, "prefix|'lt-0abc'[{a: 1}, {a: 2}]");
    /* No placeholders and no values. */
    expect_render("RETURN 1;\n", NULL, 0, LT_OK, "prefix|RETURN 1;\n");
    expect_render("", NULL, 0, LT_OK, "prefix|");
    /* An empty value, given as NULL. */
    const struct tmpl_var empty[] = {{"opt", NULL, 0, true}};
    expect_render("a{{opt}}b", empty, 1, LT_OK, "prefix|ab");
}

static void test_not_placeholders(void)
{
    const struct tmpl_var vars[] = {VAR("a", "V", false)};
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"{{ a }}", "prefix|{{ a }}"},
        {"{{A}}", "prefix|{{A}}"},
        {"{{a1}}", "prefix|{{a1}}"},
        {"{{a-b}}", "prefix|{{a-b}}"},
        {"{{}}", "prefix|{{}}"},
        {"{{a}", "prefix|{{a}"},
        {"{{a", "prefix|{{a"},
        {"{{a} }", "prefix|{{a} }"},
        {"{ {a}}", "prefix|{ {a}}"},
        {"{{", "prefix|{{"},
        {"{", "prefix|{"},
        {"}}", "prefix|}}"},
        {"{a}", "prefix|{a}"},
        {"MERGE (n {id: 1}) SET n += {a: 2}", "prefix|MERGE (n {id: 1}) SET n += {a: 2}"},
        {"{{{a}}}", "prefix|{V}"},
        {"{{{{a}}}}", "prefix|{{V}}"},
        {"{{a}}}}", "prefix|V}}"},
        {"{{\xc3\xa9}}", "prefix|{{\xc3\xa9}}"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        tap_note("not-a-placeholder case %zu", i);
        expect_render(cases[i].text, vars, 1, LT_OK, cases[i].want);
    }
}

static void test_verbatim(void)
{
    /* Inserted text is never scanned: placeholders inside values stay text. */
    const struct tmpl_var vars[] = {
        VAR("a", "{{b}} {{rowz}} {{a}}", true),
        VAR("b", "B", false),
    };
    expect_render("x {{a}} y", vars, 2, LT_OK, "prefix|x {{b}} {{rowz}} {{a}} y");
    /* A value ending in "{{" does not join with the template text after it. */
    const struct tmpl_var split[] = {VAR("a", "{{", true), VAR("b", "B", false)};
    expect_render("{{a}}b}}", split, 2, LT_OK, "prefix|{{b}}");
    /* Bytes are copied as they are, NUL included. */
    const struct tmpl_var raw[] = {{"a", "x\0y\n", 4, true}};
    struct tmpl t;
    struct lt_error err = LT_ERROR_INIT;
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    tmpl_from(&t, "raw.cypher", "<{{a}}>");
    EXPECT_OK(tmpl_render(&t, raw, 1, &out, &err));
    EXPECT_MEM(out.ptr, out.len, "<x\0y\n>", 6);
    buf_release(&out);
    lt_error_release(&err);
    tmpl_release(&t);
}

static void test_errors(void)
{
    const struct tmpl_var vars[] = {VAR("rows", "[]", true), VAR("tag", "1", false)};
    expect_render("// header\nMATCH (n)\nUNWIND {{rowz}} AS row\n", vars, 2, LT_E_CONFIG,
                  "'snapshot.cypher' line 3: unknown placeholder {{rowz}}");
    /* Lines are counted in the template, not in inserted values. */
    const struct tmpl_var multi[] = {VAR("a", "x\ny\nz", true)};
    expect_render("{{a}}\n{{nope}}", multi, 1, LT_E_CONFIG,
                  "'snapshot.cypher' line 2: unknown placeholder {{nope}}");
    expect_render("{{nope}}", NULL, 0, LT_E_CONFIG,
                  "'snapshot.cypher' line 1: unknown placeholder {{nope}}");
    /* The first unknown placeholder is reported. */
    expect_render("{{rows}}\n\n{{b}} {{c}}", vars, 2, LT_E_CONFIG,
                  "'snapshot.cypher' line 3: unknown placeholder {{b}}");
    /* A required value the template does not use. */
    expect_render("RETURN {{tag}};\n", vars, 2, LT_E_CONFIG,
                  "'snapshot.cypher': required placeholder {{rows}} is not used");
    /* An optional value may go unused. */
    expect_render("RETURN {{rows}};\n", vars, 2, LT_OK, "prefix|RETURN [];\n");
    /* Caller mistakes. */
    const struct tmpl_var dup[] = {VAR("a", "1", false), VAR("a", "2", false)};
    expect_render("{{a}}", dup, 2, LT_E_INTERNAL, "two values for placeholder {{a}}");
    const struct tmpl_var upper[] = {VAR("Rows", "1", false)};
    expect_render("x", upper, 1, LT_E_INTERNAL, "invalid placeholder name 'Rows'");
    const struct tmpl_var blank[] = {VAR("", "1", false)};
    expect_render("x", blank, 1, LT_E_INTERNAL, "invalid placeholder name ''");
    const struct tmpl_var nullname[] = {{NULL, "1", 1, false}};
    expect_render("x", nullname, 1, LT_E_INTERNAL, "invalid placeholder name '(null)'");
    const struct tmpl_var nullvalue[] = {{"a", NULL, 1, false}};
    expect_render("x", nullvalue, 1, LT_E_INTERNAL, "no text for placeholder {{a}}");
}

static void test_output_limit(void)
{
    struct tmpl t;
    struct lt_error err = LT_ERROR_INIT;
    struct buf out = BUF_INIT(8);
    const struct tmpl_var vars[] = {VAR("a", "123456", true)};
    tmpl_from(&t, "big.cypher", "<{{a}}>");
    EXPECT_OK(tmpl_render(&t, vars, 1, &out, &err));
    EXPECT_STR(buf_str(&out), "<123456>");
    EXPECT_INT(tmpl_render(&t, vars, 1, &out, &err), LT_E_LIMIT);
    EXPECT_STR(lt_error_message(&err), "'big.cypher': rendered text exceeds the output limit");
    EXPECT(out.ptr == NULL);
    buf_release(&out);
    lt_error_release(&err);
    tmpl_release(&t);
}

/* Writes dir/name holding n bytes of text (repeating fill when n exceeds its length). */
static void write_file(const char *dir, const char *name, const char *text, size_t n)
{
    char *path = testfs_join(dir, name);
    char *data = mem_alloc(n ? n : 1);
    size_t tl = strlen(text);
    for (size_t i = 0; i < n; i++) {
        data[i] = tl ? text[i % tl] : 'x';
    }
    testfs_write(path, data, n);
    mem_free(data);
    mem_free(path);
}

static void expect_load_fails(const char *dir, const char *name, enum lt_rc want_rc,
                              const char *want)
{
    struct tmpl t;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(tmpl_load(&t, dir, name, &err), want_rc);
    EXPECT_INT(err.code, want_rc);
    EXPECT_STR(lt_error_message(&err), want);
    /* Released on failure. */
    EXPECT(t.name == NULL);
    EXPECT_INT(t.text.len, 0);
    tmpl_release(&t);
    lt_error_release(&err);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    write_file(dir, name, text, strlen(text));
}

static void test_load(const char *argv0)
{
    char *slashdir = testfs_outdir(argv0, "tmpl");
    /* tmpl_load adds the '/' itself. */
    char *dir = mem_strndup(slashdir, strlen(slashdir) - 1);
    write_text(slashdir, "snapshot.tmpl", "// x\nRETURN 1;\nUNWIND {{rowz}} AS row;\n");
    struct tmpl t;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(tmpl_load(&t, dir, "snapshot.tmpl", &err));
    EXPECT_STR(t.name, "snapshot.tmpl");
    EXPECT_STR(buf_str(&t.text), "// x\nRETURN 1;\nUNWIND {{rowz}} AS row;\n");
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    const struct tmpl_var vars[] = {VAR("rows", "$rows", true)};
    EXPECT_INT(tmpl_render(&t, vars, 1, &out, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'snapshot.tmpl' line 3: unknown placeholder {{rowz}}");
    EXPECT_INT(out.len, 0);
    buf_release(&out);
    lt_error_release(&err);
    tmpl_release(&t);

    /* Exactly 1 MiB loads; one byte more does not. */
    write_file(slashdir, "max.tmpl", "RETURN 1;\n", (size_t)1024 * 1024);
    EXPECT_OK(tmpl_load(&t, dir, "max.tmpl", &err));
    EXPECT_INT(t.text.len, 1024 * 1024);
    tmpl_release(&t);
    write_file(slashdir, "over.tmpl", "RETURN 1;\n", (size_t)1024 * 1024 + 1);
    struct buf want = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(buf_printf(&want,
                         "cannot load template 'over.tmpl': '%sover.tmpl' is larger "
                         "than 1048576 bytes",
                         slashdir));
    expect_load_fails(dir, "over.tmpl", LT_E_LIMIT, buf_str(&want));

    buf_reset(&want);
    EXPECT_OK(buf_printf(&want,
                         "cannot load template 'missing.tmpl': cannot open "
                         "'%smissing.tmpl': No such file or directory",
                         slashdir));
    expect_load_fails(dir, "missing.tmpl", LT_E_IO, buf_str(&want));

    char *subdir = testfs_join(slashdir, "a-directory.tmpl");
    if (mkdir(subdir, 0777) != 0 && errno != EEXIST) {
        tap_note("cannot create '%s'", subdir);
    }
    buf_reset(&want);
    EXPECT_OK(buf_printf(&want,
                         "cannot load template 'a-directory.tmpl': cannot read "
                         "'%sa-directory.tmpl': is a directory",
                         slashdir));
    expect_load_fails(dir, "a-directory.tmpl", LT_E_IO, buf_str(&want));
    buf_release(&want);

    write_text(slashdir, "latin1.tmpl", "RETURN 'caf\xe9';\n");
    expect_load_fails(dir, "latin1.tmpl", LT_E_CONFIG,
                      "cannot load template 'latin1.tmpl': invalid UTF-8 at byte 11");
    char *nulpath = testfs_join(slashdir, "nul.tmpl");
    testfs_write(nulpath, "RETURN 1;\0\n", 11);
    expect_load_fails(dir, "nul.tmpl", LT_E_CONFIG,
                      "cannot load template 'nul.tmpl': NUL at byte 9");
    mem_free(nulpath);
    mem_free(subdir);
    mem_free(dir);
    mem_free(slashdir);
}

/* tmpl_split leaves one placeholder open and says where it stood; others are filled. */
static void test_split(void)
{
    struct tmpl t;
    struct tmpl_parts p;
    struct lt_error err = LT_ERROR_INIT;
    const struct tmpl_var id = VAR("id", "'x'", true);
    tmpl_from(&t, "tombstones.cypher", "UNWIND {{rows}} AS row {{id}};\nUNWIND {{rows}} AS r;\n");
    EXPECT_OK(tmpl_split(&t, "rows", &id, 1, &p, &err));
    EXPECT_STR(buf_str(&p.text), "UNWIND  AS row 'x';\nUNWIND  AS r;\n");
    EXPECT_INT(p.ncuts, 2);
    EXPECT_INT(p.cuts[0], 7);
    EXPECT_INT(p.cuts[1], 27);
    tmpl_parts_release(&p);
    /* At the very start and end. */
    tmpl_release(&t);
    tmpl_from(&t, "x.cypher", "{{rows}}-{{rows}}");
    EXPECT_OK(tmpl_split(&t, "rows", NULL, 0, &p, &err));
    EXPECT_INT(p.ncuts, 2);
    EXPECT_INT(p.cuts[0], 0);
    EXPECT_INT(p.cuts[1], 1);
    tmpl_parts_release(&p);
    /* The open placeholder must be used; the others follow tmpl_render's rules. */
    EXPECT_INT(tmpl_split(&t, "scopes", NULL, 0, &p, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'x.cypher' line 1: unknown placeholder {{rows}}");
    lt_error_clear(&err);
    tmpl_release(&t);
    tmpl_from(&t, "x.cypher", "RETURN 1;{{id}}");
    EXPECT_INT(tmpl_split(&t, "rows", &id, 1, &p, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'x.cypher': required placeholder {{rows}} is not used");
    EXPECT(p.cuts == NULL && p.text.ptr == NULL);
    lt_error_clear(&err);
    tmpl_release(&t);
    tmpl_from(&t, "x.cypher", "{{rows}}");
    EXPECT_INT(tmpl_split(&t, "rows", &id, 1, &p, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'x.cypher': required placeholder {{id}} is not used");
    lt_error_clear(&err);
    tmpl_release(&t);
    tmpl_from(&t, "y.cypher", "{{rows}} {{other}}");
    EXPECT_INT(tmpl_split(&t, "rows", NULL, 0, &p, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'y.cypher' line 1: unknown placeholder {{other}}");
    tmpl_release(&t);
    lt_error_release(&err);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_fill();
    test_not_placeholders();
    test_verbatim();
    test_errors();
    test_output_limit();
    test_load(argv[0]);
    test_split();
    return tap_done();
}
