/*
 * read.h - a snapshot directory read back: manifest.json and the CSV files,
 * for verify, diff and audit.
 *
 * Owns: struct snap_table (one CSV file as its header and rows of raw
 *       fields, parsed with libcsv), struct snap_index (rows ordered by one
 *       column, for lookups and merges), struct snap (a whole snapshot:
 *       manifest, every schema table, tombstones), and the parsing of typed
 *       CSV values (long, boolean, string[]).
 * May call: base, model (schema, struct model_value), libcsv, cJSON.
 *
 * Fields are kept as written: an empty unquoted field is an absent value
 * (present == false); "" is a present empty string. Nothing is converted
 * on load, so verify can report a malformed value where it is.
 *
 * Ownership: every struct here owns what it points to and is released by
 * its *_release function, which is safe on a zeroed or half-loaded struct.
 * After a failed load the struct is released and zeroed. Pointers returned
 * by accessors are borrowed and live as long as the table.
 */
#ifndef LT_SNAP_READ_H
#define LT_SNAP_READ_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"
#include "model/model.h"
#include "model/schema.h"

/* Largest CSV or manifest file read back (the writers' own limit is far below). */
#define SNAP_MAX_FILE ((size_t)2 * 1024 * 1024 * 1024)

/* A header cell "name:type" split at its first ':' (":LABEL" has an empty name). */
struct snap_column {
    char *name; /* owned; "" for ":LABEL", ":START_ID(...)" */
    char *type; /* owned; "" when untyped (a string property) */
};

struct snap_field {
    size_t off; /* into the table's bytes; the value is NUL-terminated there */
    size_t len;
    bool present;
};

struct snap_table {
    char *name; /* file name, owned */
    struct snap_column *cols;
    size_t ncols;
    struct snap_field *fields; /* nrows * ncols, row-major */
    size_t nrows;
    struct buf bytes; /* every field's bytes, each followed by a NUL */
};

/*
 * Parses CSV text (the file named name) into t: the first record is the
 * header, every other record must have as many fields. LT_E_INPUT names
 * the file and the record (1 = header) when libcsv refuses the text or a
 * record has the wrong number of fields.
 */
LT_MUST_CHECK enum lt_rc snap_table_parse(struct snap_table *t, const char *name, const char *text,
                                          size_t len, struct lt_error *err);
void snap_table_release(struct snap_table *t);

/* The column whose header name is name (type ignored), or SIZE_MAX. */
size_t snap_table_column(const struct snap_table *t, const char *name);
/* The column whose whole header cell ("name:type", ":LABEL") is header, or SIZE_MAX. */
size_t snap_table_header_column(const struct snap_table *t, const char *header);
const struct snap_field *snap_table_field(const struct snap_table *t, size_t row, size_t col);
/* The field's text ("" when absent); NUL-terminated, may hold NULs before len. */
const char *snap_table_text(const struct snap_table *t, size_t row, size_t col);
/* True when the field is present and equals s exactly. */
bool snap_table_equals(const struct snap_table *t, size_t row, size_t col, const char *s);

/*
 * True when t's header cells are exactly those of the header line `header`
 * as csv_out writes it (cells separated by ',', never quoted).
 */
bool snap_table_header_is(const struct snap_table *t, const char *header);

/* Typed values as the writers spell them. */
bool snap_parse_long(const char *text, size_t len, int64_t *out);
bool snap_parse_bool(const char *text, size_t len, bool *out);
/* The neo4j-admin array delimiter, U+001F. */
#define SNAP_ARRAY_DELIMITER '\x1f'
/* A string[] value: elements joined by U+001F, none empty (csv_out's rule). */
bool snap_valid_string_array(const char *text, size_t len);
/* A string value: valid UTF-8 without NUL (what every writer takes). */
bool snap_valid_string(const char *text, size_t len);
/* True when text is valid for a property of this type. */
bool snap_valid_value(enum schema_type type, const char *text, size_t len);

/* The column of a node table that holds schema property prop (column 1 is ":LABEL"). */
size_t snap_node_column(size_t prop);

/*
 * Row `row` of a node table of kind k, whose header is the schema's, as
 * typed values (schema order): strings point into the table (borrowed, as
 * long as the table lives), string arrays are allocated. LT_E_INPUT names
 * the file, the row's id and the property when a value is not of its type.
 * values has schema_nodes[k].nprops entries; snap_row_values_release frees
 * what was allocated (also after a failure).
 */
LT_MUST_CHECK enum lt_rc snap_row_values(const struct snap_table *t, enum schema_node_kind k,
                                         size_t row, struct model_value *values,
                                         struct lt_error *err);
void snap_row_values_release(struct model_value *values, size_t nprops);

/*
 * Rows of a table ordered by the bytes of one column (absent first), then
 * by a second column when one is given (relationships: start, then end).
 */
struct snap_index {
    const struct snap_table *table; /* borrowed */
    size_t col;
    size_t *rows; /* owned; nrows entries */
    size_t col2;  /* SIZE_MAX: none */
};

void snap_index_build(struct snap_index *ix, const struct snap_table *t, size_t col);
void snap_index_build_pair(struct snap_index *ix, const struct snap_table *t, size_t col,
                           size_t col2);
void snap_index_release(struct snap_index *ix);
/* The first row whose column equals key (present), or SIZE_MAX. */
size_t snap_index_find(const struct snap_index *ix, const char *key, size_t keylen);
/*
 * The position in ix->rows of the first row whose column equals key; the
 * rows with that key follow it. table->nrows when there is none.
 */
size_t snap_index_first(const struct snap_index *ix, const char *key, size_t keylen);
/* With a pair index: the first row whose columns equal key and key2, or SIZE_MAX. */
size_t snap_index_find_pair(const struct snap_index *ix, const char *key, size_t keylen,
                            const char *key2, size_t key2len);

/* A whole snapshot. */
struct snap {
    char *dir;       /* owned copy of the directory given */
    cJSON *manifest; /* owned */
    struct snap_table nodes[SCHEMA_NODE_COUNT];
    struct snap_table rels[SCHEMA_REL_COUNT];
    struct snap_table tombstones;
};

/*
 * Reads dir/name into out (appending). Only a regular file of at most
 * SNAP_MAX_FILE bytes is read (a FIFO or device is LT_E_INPUT, a larger
 * file LT_E_LIMIT, before reading anything). The error names the path.
 */
LT_MUST_CHECK enum lt_rc snap_read_file(const char *dir, const char *name, struct buf *out,
                                        struct lt_error *err);
/* Parses manifest.json of dir; *out is owned by the caller (cJSON_Delete). */
LT_MUST_CHECK enum lt_rc snap_read_manifest(const char *dir, cJSON **out, struct lt_error *err);

/*
 * Loads a snapshot for diff and audit: the manifest must be an ltsnap
 * snapshot manifest, every file it lists must match its SHA-256 and size,
 * and every schema table and tombstones.csv must parse. Any failure is
 * LT_E_INPUT naming the directory and file, with a hint to run verify.
 * (verify itself reads file by file, to report every problem.)
 */
LT_MUST_CHECK enum lt_rc snap_load(struct snap *s, const char *dir, struct lt_error *err);
void snap_release(struct snap *s);

/*
 * The manifest entry of file name (an element of "files"), or NULL.
 * The region entry of account/region (an element of accounts[].regions), or NULL.
 */
const cJSON *snap_manifest_file(const cJSON *manifest, const char *name);
const cJSON *snap_manifest_region(const cJSON *manifest, const char *account, const char *region);

#endif
