/*
 * Unit tests for write/esc_csv: exact fields for hostile values, arrays
 * joined with U+001F, rejected values, and a read-back of a multi-row file
 * through libcsv's strict parser that must return every field's original
 * bytes, with a quoted empty string ("") told apart from an absent field.
 */
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "tap.h"
#include "write/esc_csv.h"

struct field_case {
    const char *in;
    size_t len;
    const char *want;
};

#define CASE(in, want)                                                                             \
    {                                                                                              \
        (in), sizeof(in) - 1, (want)                                                               \
    }

static const struct field_case good_fields[] = {
    CASE("", "\"\""),
    CASE("plain", "\"plain\""),
    CASE("\"", "\"\"\"\""),
    CASE("\"\"", "\"\"\"\"\"\""),
    CASE("a\"b", "\"a\"\"b\""),
    CASE(",", "\",\""),
    CASE("a,b", "\"a,b\""),
    CASE("\"a\",\"b\"", "\"\"\"a\"\",\"\"b\"\"\""),
    CASE("\n", "\"\n\""),
    CASE("\r\n", "\"\r\n\""),
    CASE("\r", "\"\r\""),
    CASE("a\nb,\"c\"\r\n", "\"a\nb,\"\"c\"\"\r\n\""),
    CASE(" lead", "\" lead\""),
    CASE("trail ", "\"trail \""),
    CASE("  ", "\"  \""),
    CASE("\t x \t", "\"\t x \t\""),
    CASE("\\", "\"\\\""),
    CASE("\\\"", "\"\\\"\"\""),
    CASE("\\n", "\"\\n\""),
    CASE("'", "\"'\""),
    CASE(";", "\";\""),
    CASE("a\037b", "\"a\037b\""), /* the array delimiter is plain data in a field */
    CASE("\x01\x7f", "\"\x01\x7f\""),
    CASE("\xe2\x80\xa8", "\"\xe2\x80\xa8\""),
    CASE("\xf0\x9f\x98\x80 caf\xc3\xa9", "\"\xf0\x9f\x98\x80 caf\xc3\xa9\""),
    CASE("'}) DETACH DELETE n //", "\"'}) DETACH DELETE n //\""),
};

static const struct field_case bad_fields[] = {
    CASE("\0", NULL),
    CASE("a\0b", NULL),
    CASE("\xff", NULL),
    CASE("\xc0\xa2", NULL),         /* overlong " */
    CASE("\xc0\xac", NULL),         /* overlong , */
    CASE("\xe2\x80", NULL),         /* truncated */
    CASE("\xed\xa0\xbd", NULL),     /* lone surrogate */
    CASE("\xf4\x90\x80\x80", NULL), /* above U+10FFFF */
};

static void test_fields(void)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(good_fields); i++) {
        const struct field_case *c = &good_fields[i];
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("field case %zu", i);
        EXPECT_OK(esc_csv_field(&out, c->in, c->len, NULL));
        EXPECT_MEM(out.ptr, out.len, c->want, strlen(c->want));
        buf_release(&out);
    }
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad_fields); i++) {
        const struct field_case *c = &bad_fields[i];
        struct buf out = BUF_INIT(BUF_MAX_SMALL);
        tap_note("rejected field case %zu", i);
        EXPECT_OK(buf_adds(&out, "keep,"));
        EXPECT_INT(esc_csv_field(&out, c->in, c->len, NULL), LT_E_INPUT);
        EXPECT_STR(buf_str(&out), "keep,");
        buf_release(&out);
    }
}

static void test_field_edges(void)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    /* NULL with length 0 is the empty string, not an absent field. */
    EXPECT_OK(esc_csv_field(&out, NULL, 0, NULL));
    EXPECT_STR(buf_str(&out), "\"\"");
    EXPECT_INT(esc_csv_field(&out, NULL, 1, NULL), LT_E_INPUT);
    EXPECT_STR(buf_str(&out), "\"\"");
    buf_release(&out);

    /* Exactly at the cap succeeds; one byte over fails and releases the buffer. */
    struct buf small = BUF_INIT(6);
    EXPECT_OK(esc_csv_field(&small, "a\"b", 3, NULL));
    EXPECT_STR(buf_str(&small), "\"a\"\"b\"");
    buf_reset(&small);
    EXPECT_INT(esc_csv_field(&small, "a\"bc", 4, NULL), LT_E_LIMIT);
    EXPECT(small.ptr == NULL);
    EXPECT_INT(small.len, 0);
    buf_release(&small);
}

/* The writer learns whether a value holds CR or LF (it then needs --multiline-fields=true). */
static void test_line_breaks(void)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    static const struct {
        const char *in;
        bool want;
    } cases[] = {
        {"", false},
        {"plain text, long enough for a word", false},
        {"a\nb", true},
        {"a\rb", true},
        {"0123456789\r\n", true},
        {"\xc3\xa9t\xc3\xa9 \xe2\x80\xa8", false}, /* U+2028 is no CR/LF */
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        bool line_break = false;
        tap_note("line break case %zu", i);
        EXPECT_OK(esc_csv_field(&out, cases[i].in, strlen(cases[i].in), &line_break));
        EXPECT(line_break == cases[i].want);
    }
    /* The flag is only ever raised: a later value without a break keeps it. */
    bool line_break = true;
    EXPECT_OK(esc_csv_field(&out, "x", 1, &line_break));
    EXPECT(line_break);
    const char *items[] = {"one", "two\nlines"};
    line_break = false;
    EXPECT_OK(esc_csv_array(&out, items, 2, &line_break));
    EXPECT(line_break);
    line_break = false;
    EXPECT_OK(esc_csv_array(&out, items, 1, &line_break));
    EXPECT(!line_break);
    buf_release(&out);
}

static void expect_array(const char *const *items, size_t n, const char *want, size_t wantlen)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(esc_csv_array(&out, items, n, NULL));
    EXPECT_MEM(out.ptr, out.len, want, wantlen);
    buf_release(&out);
}

static void expect_array_rejected(const char *const *items, size_t n)
{
    struct buf out = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(buf_adds(&out, "keep,"));
    EXPECT_INT(esc_csv_array(&out, items, n, NULL), LT_E_INPUT);
    EXPECT_STR(buf_str(&out), "keep,");
    buf_release(&out);
}

#define WANT(s) (s), sizeof(s) - 1

static void test_arrays(void)
{
    static const char *const one[] = {"sg-1"};
    static const char *const three[] = {"a", "b c", "d,e"};
    static const char *const hostile[] = {"x\"y", ";", " pad ", "line\nbreak", "\\"};
    expect_array(one, 1, WANT("\"sg-1\""));
    expect_array(three, 3, WANT("\"a\037b c\037d,e\""));
    expect_array(hostile, 5, WANT("\"x\"\"y\x1f;\x1f pad \x1fline\nbreak\x1f\\\""));

    static const char *const empty_item[] = {""};
    static const char *const empty_later[] = {"a", ""};
    static const char *const has_delim[] = {"a", "b\037c"};
    static const char *const only_delim[] = {"\x1f"};
    static const char *const bad_utf8[] = {"ok", "\xc3"};
    static const char *const surrogate[] = {"\xed\xb0\x80"};
    static const char *const null_item[] = {"a", NULL};
    expect_array_rejected(one, 0);
    expect_array_rejected(NULL, 1);
    expect_array_rejected(empty_item, 1);
    expect_array_rejected(empty_later, 2);
    expect_array_rejected(has_delim, 2);
    expect_array_rejected(only_delim, 1);
    expect_array_rejected(bad_utf8, 2);
    expect_array_rejected(surrogate, 1);
    expect_array_rejected(null_item, 2);

    /* Over the cap: LT_E_LIMIT releases the buffer. */
    struct buf small = BUF_INIT(8);
    EXPECT_INT(esc_csv_array(&small, three, 3, NULL), LT_E_LIMIT);
    EXPECT(small.ptr == NULL);
    buf_release(&small);
}

/* ---- read-back through libcsv ---- */

enum cell_kind { CELL_ABSENT, CELL_VALUE, CELL_ARRAY };

struct cell {
    enum cell_kind kind;
    const char *value; /* CELL_VALUE: bytes; CELL_ARRAY: unused */
    size_t len;
    const char *const *items; /* CELL_ARRAY */
    size_t nitems;
};

struct parsed_field {
    bool is_null;
    char *bytes; /* owned */
    size_t len;
    size_t row;
};

struct parsed {
    struct parsed_field *fields;
    size_t nfields;
    size_t alloc;
    size_t rows;
    size_t row_start;   /* index of the current row's first field */
    size_t *row_widths; /* fields per row */
};

static void on_field(void *s, size_t len, void *data)
{
    struct parsed *p = data;
    if (p->nfields == p->alloc) {
        p->alloc = p->alloc ? p->alloc * 2 : 64;
        p->fields = mem_realloc_array(p->fields, p->alloc, sizeof(*p->fields));
    }
    struct parsed_field *f = &p->fields[p->nfields++];
    f->is_null = s == NULL;
    f->bytes = s ? mem_strndup(s, len) : NULL;
    f->len = len;
    f->row = p->rows;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct parsed *p = data;
    p->row_widths = mem_realloc_array(p->row_widths, p->rows + 1, sizeof(*p->row_widths));
    p->row_widths[p->rows] = p->nfields - p->row_start;
    p->row_start = p->nfields;
    p->rows++;
}

static void parsed_release(struct parsed *p)
{
    for (size_t i = 0; i < p->nfields; i++) {
        mem_free(p->fields[i].bytes);
    }
    mem_free(p->fields);
    mem_free(p->row_widths);
}

static bool write_cell(struct buf *csv, const struct cell *c)
{
    switch (c->kind) {
    case CELL_ABSENT:
        return true;
    case CELL_VALUE:
        return EXPECT_OK(esc_csv_field(csv, c->value, c->len, NULL));
    case CELL_ARRAY:
        return EXPECT_OK(esc_csv_array(csv, c->items, c->nitems, NULL));
    }
    return false;
}

static bool write_table(struct buf *csv, const struct cell *cells, size_t ncells, size_t width)
{
    for (size_t i = 0; i < ncells; i++) {
        if (!write_cell(csv, &cells[i]) ||
            !EXPECT_OK(buf_addc(csv, (i + 1) % width == 0 ? '\n' : ','))) {
            return false;
        }
    }
    return true;
}

/* The bytes the array cell should read back as: elements joined with U+001F. */
static void check_array_cell(const struct cell *c, const struct parsed_field *f)
{
    const char *p = f->bytes;
    const char *end = f->bytes + f->len;
    for (size_t k = 0; k < c->nitems; k++) {
        const char *delim = memchr(p, ESC_CSV_ARRAY_DELIM, (size_t)(end - p));
        const char *stop = delim ? delim : end;
        EXPECT_MEM(p, (size_t)(stop - p), c->items[k], strlen(c->items[k]));
        EXPECT(k + 1 < c->nitems ? delim != NULL : delim == NULL);
        p = delim ? delim + 1 : end;
    }
}

static void check_cell(const struct cell *c, const struct parsed_field *f)
{
    switch (c->kind) {
    case CELL_ABSENT:
        EXPECT(f->is_null);
        break;
    case CELL_VALUE:
        EXPECT(!f->is_null);
        EXPECT_MEM(f->bytes, f->len, c->value, c->len);
        break;
    case CELL_ARRAY:
        EXPECT(!f->is_null);
        check_array_cell(c, f);
        break;
    }
}

static void parse_back(const struct buf *csv, struct parsed *out)
{
    struct csv_parser parser;
    int opts = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL;
    EXPECT_INT(csv_init(&parser, (unsigned char)opts), 0);
    /* Feed in small pieces so quotes and line breaks straddle the pieces. */
    size_t off = 0;
    while (off < csv->len) {
        size_t n = csv->len - off < 7 ? csv->len - off : 7;
        EXPECT_INT(csv_parse(&parser, csv->ptr + off, n, on_field, on_row, out), n);
        off += n;
    }
    EXPECT_INT(csv_fini(&parser, on_field, on_row, out), 0);
    EXPECT_INT(csv_error(&parser), CSV_SUCCESS);
    csv_free(&parser);
}

#define WIDTH 4

static void test_read_back(void)
{
    static const char *const sgs[] = {"sg-1", "web, \"public\"", " x ", "a\nb", "\\"};
    static const char *const single[] = {"\"\""};
    struct cell cells[(LT_ARRAY_SIZE(good_fields) + 2) * WIDTH];
    size_t n = 0;
    /* Row per hostile value: value, absent, array holding it (when it can be an element), value. */
    for (size_t i = 0; i < LT_ARRAY_SIZE(good_fields); i++) {
        const struct field_case *c = &good_fields[i];
        bool element_ok = c->len > 0 && memchr(c->in, ESC_CSV_ARRAY_DELIM, c->len) == NULL;
        cells[n++] = (struct cell){CELL_VALUE, c->in, c->len, NULL, 0};
        cells[n++] = (struct cell){CELL_ABSENT, NULL, 0, NULL, 0};
        cells[n++] = element_ok ? (struct cell){CELL_ARRAY, NULL, 0, &c->in, 1}
                                : (struct cell){CELL_ABSENT, NULL, 0, NULL, 0};
        cells[n++] = (struct cell){CELL_VALUE, c->in, c->len, NULL, 0};
    }
    /* Arrays of several elements, and an empty string beside an absent field. */
    cells[n++] = (struct cell){CELL_ARRAY, NULL, 0, sgs, LT_ARRAY_SIZE(sgs)};
    cells[n++] = (struct cell){CELL_VALUE, "", 0, NULL, 0};
    cells[n++] = (struct cell){CELL_ARRAY, NULL, 0, single, 1};
    cells[n++] = (struct cell){CELL_ABSENT, NULL, 0, NULL, 0};
    cells[n++] = (struct cell){CELL_ABSENT, NULL, 0, NULL, 0};
    cells[n++] = (struct cell){CELL_VALUE, "", 0, NULL, 0};
    cells[n++] = (struct cell){CELL_ABSENT, NULL, 0, NULL, 0};
    cells[n++] = (struct cell){CELL_VALUE, "\"", 1, NULL, 0};

    struct buf csv = BUF_INIT(BUF_MAX_LARGE);
    if (!write_table(&csv, cells, n, WIDTH)) {
        buf_release(&csv);
        return;
    }
    struct parsed got = {0};
    parse_back(&csv, &got);
    EXPECT_INT(got.rows, n / WIDTH);
    EXPECT_INT(got.nfields, n);
    for (size_t r = 0; r < got.rows; r++) {
        EXPECT_INT(got.row_widths[r], WIDTH);
    }
    for (size_t i = 0; i < n && i < got.nfields; i++) {
        tap_note("read-back cell %zu (row %zu)", i, i / WIDTH);
        EXPECT_INT(got.fields[i].row, i / WIDTH);
        check_cell(&cells[i], &got.fields[i]);
    }
    parsed_release(&got);
    buf_release(&csv);
}

int main(void)
{
    test_fields();
    test_field_edges();
    test_line_breaks();
    test_arrays();
    test_read_back();
    return tap_done();
}
