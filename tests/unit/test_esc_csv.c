/*
 * Unit tests for write/esc_csv: exact fields for hostile values, arrays
 * joined with U+001F, rejected values, and a read-back of a multi-row file
 * through libcsv's strict parser that must return every field's original
 * bytes, with a quoted empty string ("") told apart from an absent field;
 * and a differential test against the escaper as it was (ref_esc_csv.h):
 * every byte at every offset, byte pairs, block edges, random hostile
 * values and arrays, long values and values at buf's limit.
 */
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "hostile.h"
#include "ref_esc_csv.h"
#include "tap.h"
#include "testrand.h"
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

/*
 * ---- Differential test against the escaper as it was (main at 38ebd32) ----
 *
 * ref_esc_csv.h keeps the escaper that checked a value in four passes and
 * quoted every value with libcsv. The new one must append the same bytes,
 * return the same code, leave the buffer in the same state (kept, or
 * released at buf's limit) and raise *line_break exactly when the old one
 * did, for every input.
 */

/* Bytes the scan looks for, their neighbours, and UTF-8 lead and continuation bytes. */
static const unsigned char edge_bytes[] = {
    0x00, 0x01, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1F, 0x21, 0x22, 0x23, 0x27, 0x2C,
    0x5C, 0x7F, 0x80, 0xA8, 0xBF, 0xC0, 0xC2, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF};

/* Hostile pieces for random values: quotes, line breaks, NUL, bad and good UTF-8. */
static const char *const diff_pieces[] = {
    "\"",
    "\"\"",
    ",",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\\",
    "\\\"",
    "\x1f",
    "\x7f",
    "\xc2\x85",
    "\xe2\x80\xa8",
    "\xc3\xa9",
    "\xef\xbb\xbf",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "\xff",
    "\x80",
    "\xc0\xa2",
    "\xe0\x80\xa2",
    "\xe2\x80",
    "\xed\xa0\xbd",
    "\xf4\x90\x80\x80",
    "\xf0\x9f\x98",
    "\xc2",
    "\0",
    "{\"Key\":\"Name\",\"Value\":\"web\"}",
};

/* Backgrounds: text with no byte the scan looks for, and JSON-like text full of quotes. */
static const char plain_text[] = "/dev/xvda-0123456789 ABCxyz_:.;`~!@#$%^&*()[]{}+=<>?|'\\,\t";
static const char json_text[] =
    "{\"DeviceName\":\"/dev/xvda\",\"Ebs\":{\"VolumeSize\":30,\"VolumeType\":\"gp3\"}},";

static const char *const backgrounds[] = {plain_text, json_text};
static const struct hostile_kit kit = {diff_pieces, LT_ARRAY_SIZE(diff_pieces), backgrounds,
                                       LT_ARRAY_SIZE(backgrounds)};

/* Same code, length, bytes and release (a released buffer has no memory). */
static bool same_buf(enum lt_rc rc_want, const struct buf *want, enum lt_rc rc_got,
                     const struct buf *got)
{
    return rc_want == rc_got && want->len == got->len &&
           (want->ptr == NULL) == (got->ptr == NULL) &&
           memcmp(buf_str(want), buf_str(got), want->len) == 0;
}

/* A buffer of at most max bytes that already holds "keep," when that fits. */
static bool start_buf(struct buf *b, size_t max)
{
    buf_init(b, max);
    return max < 5 || buf_adds(b, "keep,") == LT_OK;
}

/*
 * esc_csv_field and the reference on s, from the same start, with the flag
 * starting as line_break and with no flag. Counts a difference in code,
 * length, release, bytes or flag. The value is copied to a block of exactly
 * n bytes, so that a read past its end is caught under AddressSanitizer.
 */
static size_t diff_field(const char *value, size_t n, size_t max, bool line_break)
{
    char *copy = value && n ? memcpy(mem_alloc(n), value, n) : NULL;
    const char *s = copy ? copy : value;
    size_t differences = 0;
    for (int with_flag = 0; with_flag < 2; with_flag++) {
        struct buf want, got;
        bool kept = start_buf(&want, max) && start_buf(&got, max);
        bool flag_want = line_break, flag_got = line_break;
        enum lt_rc rc_want = ref_esc_csv_field(&want, s, n, with_flag ? &flag_want : NULL);
        enum lt_rc rc_got = esc_csv_field(&got, s, n, with_flag ? &flag_got : NULL);
        differences += !kept || !same_buf(rc_want, &want, rc_got, &got) || flag_want != flag_got;
        buf_release(&want);
        buf_release(&got);
    }
    mem_free(copy);
    return differences;
}

/* esc_csv_array and the reference, as diff_field. */
static size_t diff_array(const char *const *items, size_t nitems, size_t max, bool line_break)
{
    size_t differences = 0;
    for (int with_flag = 0; with_flag < 2; with_flag++) {
        struct buf want, got;
        bool kept = start_buf(&want, max) && start_buf(&got, max);
        bool flag_want = line_break, flag_got = line_break;
        enum lt_rc rc_want = ref_esc_csv_array(&want, items, nitems, with_flag ? &flag_want : NULL);
        enum lt_rc rc_got = esc_csv_array(&got, items, nitems, with_flag ? &flag_got : NULL);
        differences += !kept || !same_buf(rc_want, &want, rc_got, &got) || flag_want != flag_got;
        buf_release(&want);
        buf_release(&got);
    }
    return differences;
}

/* A field value and the same bytes as the second element of an array (as a C string). */
static size_t diff_both(const char *s, size_t n, size_t max)
{
    char item[64];
    size_t differences = diff_field(s, n, max, false);
    if (n < sizeof(item)) {
        memcpy(item, s, n);
        item[n] = '\0';
        const char *const items[] = {"sg-0123", item};
        differences += diff_array(items, 2, max, false);
    }
    return differences;
}

static size_t diff_value(const char *s, size_t n)
{
    return diff_both(s, n, BUF_MAX_SMALL);
}

/* Every byte value at every offset of values up to 48 bytes, on both backgrounds. */
static void test_diff_every_byte_everywhere(void)
{
    size_t cases = 0, differences = diff_value("", 0);
    for (size_t b = 0; b < LT_ARRAY_SIZE(backgrounds); b++) {
        differences += hostile_every_byte(48, backgrounds[b], diff_value, &cases);
    }
    tap_note("differential: %zu single-byte cases", cases);
    EXPECT_INT(differences, 0);
}

/* Two edge bytes anywhere in values up to 40 bytes: a quote beside a bad byte, CR beside LF. */
static void test_diff_byte_pairs(void)
{
    EXPECT_INT(hostile_byte_pairs(edge_bytes, sizeof(edge_bytes), 40, 1, &kit, diff_value), 0);
}

/* Lengths around every 8-, 16- and 32-byte edge up to 130, with one byte the scan looks for
 * (or a whole UTF-8 sequence) at each of the first and last 20 offsets. */
static void test_diff_block_edges(void)
{
    static const char *const marks[] = {
        "\"", "\n", "\r", "", "\xff", "\x80", "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80"};
    size_t differences = 0;
    char s[130];
    for (size_t n = 1; n <= sizeof(s); n++) {
        for (size_t m = 0; m < LT_ARRAY_SIZE(marks); m++) {
            size_t k = marks[m][0] ? strlen(marks[m]) : 1;
            for (size_t at = 0; at + k <= n; at++) {
                if (at >= 20 && at + k + 20 < n) {
                    continue;
                }
                hostile_fill(s, n, plain_text);
                memcpy(s + at, marks[m], k);
                differences += diff_both(s, n, BUF_MAX_SMALL);
            }
        }
    }
    EXPECT_INT(differences, 0);
}

/* A random value of up to max_parts parts: runs of either background of any length between
 * hostile pieces, random bytes now and then. */
/* An array element: mostly one that can be written (text, quotes, line breaks, good UTF-8),
 * now and then a hostile value. */
static enum lt_rc random_element(uint64_t *state, struct buf *b)
{
    static const char *const good[] = {
        "\"", "\r\n", "\n", ",", "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80"};
    uint64_t r = test_random(state);
    if (r % 8 == 0) {
        return hostile_add_random(state, b, &kit, 3);
    }
    for (size_t parts = 1 + (r >> 8) % 4; parts > 0; parts--) {
        uint64_t p = test_random(state);
        if (p % 2) {
            LT_TRY(hostile_add_run(b, 1 + (size_t)(p >> 8) % 40,
                                   (p >> 40) & 1 ? json_text : plain_text));
        } else {
            LT_TRY(buf_adds(b, good[(p >> 8) % LT_ARRAY_SIZE(good)]));
        }
    }
    return LT_OK;
}

/* A limit for a value of n bytes: mostly room to spare, else anywhere around what it needs. */
static size_t random_max(uint64_t r, size_t n)
{
    return r % 3 ? BUF_MAX_SMALL : (size_t)(r >> 8) % (2 * n + 12);
}

/* Random hostile values, with room to spare and with a limit anywhere around their length. */
static void test_diff_random(void)
{
    uint64_t state = 0x9E3779B97F4A7C15u;
    size_t differences = 0, refused = 0, limited = 0, quoted = 0;
    for (int i = 0; i < 40000; i++) {
        struct buf value = BUF_INIT(BUF_MAX_SMALL);
        differences += hostile_add_random(&state, &value, &kit, 7) != LT_OK;
        const char *s = buf_str(&value);
        uint64_t r = test_random(&state);
        size_t max = random_max(r, value.len);
        struct buf scratch = BUF_INIT(max);
        enum lt_rc rc = ref_esc_csv_field(&scratch, s, value.len, NULL);
        refused += rc == LT_E_INPUT;
        limited += rc == LT_E_LIMIT;
        quoted += memchr(s, '"', value.len) != NULL;
        buf_release(&scratch);
        differences += diff_field(s, value.len, max, (r >> 50) & 1);
        buf_release(&value);
    }
    /* NULL: the empty string with length 0, refused with any other length. */
    differences += diff_field(NULL, 0, BUF_MAX_SMALL, false) + diff_field(NULL, 3, 64, false);
    tap_note("differential: 40000 random values, %zu refused, %zu at the limit, %zu with a quote",
             refused, limited, quoted);
    EXPECT(refused > 1000 && refused < 39000);
    EXPECT(limited > 1000);
    EXPECT(quoted > 1000 && quoted < 39000);
    EXPECT_INT(differences, 0);
}

/* Random arrays of random elements (some hostile: empty, NULL, holding U+001F or NUL, bad
 * UTF-8), with room to spare and with a limit anywhere around their length. */
static void test_diff_random_arrays(void)
{
    uint64_t state = 0xD1B54A32D192ED03u;
    size_t differences = 0, refused = 0, limited = 0;
    for (int i = 0; i < 20000; i++) {
        struct buf values[5];
        const char *items[5];
        size_t nitems = test_random(&state) % 6, total = 0;
        for (size_t k = 0; k < nitems; k++) {
            buf_init(&values[k], BUF_MAX_SMALL);
            differences += random_element(&state, &values[k]) != LT_OK;
            items[k] = test_random(&state) % 64 ? buf_str(&values[k]) : NULL;
            total += values[k].len + 1;
        }
        uint64_t r = test_random(&state);
        size_t max = random_max(r, total);
        struct buf scratch = BUF_INIT(max);
        enum lt_rc rc = ref_esc_csv_array(&scratch, items, nitems, NULL);
        refused += rc == LT_E_INPUT;
        limited += rc == LT_E_LIMIT;
        buf_release(&scratch);
        differences += diff_array(items, nitems, max, (r >> 50) & 1);
        for (size_t k = 0; k < nitems; k++) {
            buf_release(&values[k]);
        }
    }
    differences += diff_array(NULL, 2, BUF_MAX_SMALL, false);
    tap_note("differential: 20000 random arrays, %zu refused, %zu at the limit", refused, limited);
    EXPECT(refused > 1000 && refused < 19000);
    EXPECT(limited > 1000);
    EXPECT_INT(differences, 0);
}

/* Every limit from nothing to well past what a value needs, with and without a quote. */
static void test_diff_limits(void)
{
    static const struct field_case values[] = {
        CASE("", NULL),       CASE("a", NULL),      CASE("plain value", NULL),
        CASE("a\"b", NULL),   CASE("\"\"\"", NULL), CASE("x\ny\"z", NULL),
        CASE("\xff\"", NULL), CASE("a\0\"b", NULL), CASE("caf\xc3\xa9 \"ol\xc3\xa9\"", NULL),
    };
    static const char *const items[] = {"sg-1", "web, \"public\"", "\xc3\xa9"};
    size_t differences = 0;
    for (size_t v = 0; v < LT_ARRAY_SIZE(values); v++) {
        for (size_t max = 0; max < 2 * values[v].len + 16; max++) {
            differences += diff_field(values[v].in, values[v].len, max, false);
        }
    }
    for (size_t max = 0; max < 64; max++) {
        for (size_t k = 1; k <= LT_ARRAY_SIZE(items); k++) {
            differences += diff_array(items, k, max, false);
        }
    }
    EXPECT_INT(differences, 0);
}

/* Long values: plain or JSON, with one byte the scan looks for near either end or in the
 * middle, with room to spare, with exactly the room needed and one byte short of it. */
static void test_diff_long(void)
{
    static const size_t at[] = {0, 1, 15, 16, 31, 32, 33, 4096, 35000, 69967, 69984, 69992, 69999};
    static const char marks[] = {'"', '\0', '\r', '\n', (char)0xFF, (char)0xC3, (char)0x80};
    size_t differences = 0;
    for (size_t b = 0; b < LT_ARRAY_SIZE(backgrounds); b++) {
        struct buf big = BUF_INIT(BUF_MAX_LARGE);
        EXPECT_OK(hostile_add_run(&big, 70000, backgrounds[b]));
        /* What the value needs: "keep," then the field (quotes doubled, two around). */
        struct buf sized = BUF_INIT(BUF_MAX_LARGE);
        EXPECT_OK(ref_esc_csv_field(&sized, big.ptr, big.len, NULL));
        size_t need = sized.len + 5;
        buf_release(&sized);
        differences += diff_field(big.ptr, big.len, BUF_MAX_LARGE, false);
        differences += diff_field(big.ptr, big.len, need, false);
        differences += diff_field(big.ptr, big.len, need - 1, false);
        for (size_t i = 0; i < LT_ARRAY_SIZE(at); i++) {
            for (size_t k = 0; k < sizeof(marks); k++) {
                char keep = big.ptr[at[i]];
                big.ptr[at[i]] = marks[k];
                differences += diff_field(big.ptr, big.len, BUF_MAX_LARGE, false);
                differences += diff_field(big.ptr, big.len, need + 1, false);
                differences += diff_field(big.ptr, big.len, need, false);
                big.ptr[at[i]] = keep;
            }
        }
        buf_release(&big);
    }
    EXPECT_INT(differences, 0);
}

int main(void)
{
    test_fields();
    test_field_edges();
    test_line_breaks();
    test_arrays();
    test_read_back();
    test_diff_every_byte_everywhere();
    test_diff_byte_pairs();
    test_diff_block_edges();
    test_diff_random();
    test_diff_random_arrays();
    test_diff_limits();
    test_diff_long();
    return tap_done();
}
