/*
 * Unit tests for model/schema against docs/schema.md: the document names
 * everything the table holds. Each node has a section headed by its labels
 * and file, each property of the node is a row of that section with its
 * CSV type, each relationship is a row of "## Relationships" with its file,
 * and each tombstones.csv column is named. One direction only: the document
 * may describe more than this build's table holds.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/schema.h"
#include "tap.h"

#define DOC "docs/schema.md"

static const char *type_name(enum schema_type t)
{
    switch (t) {
    case SCHEMA_STRING:
        return "string";
    case SCHEMA_LONG:
        return "long";
    case SCHEMA_BOOLEAN:
        return "boolean";
    case SCHEMA_STRING_ARRAY:
        return "string[]";
    }
    return "?";
}

/*
 * The section whose heading line is exactly heading (without its newline):
 * a NUL-terminated copy of the text up to the next heading, or NULL.
 */
static char *section(const char *doc, const char *heading)
{
    size_t n = strlen(heading);
    for (const char *p = doc; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, heading, n) == 0 && p[n] == '\n') {
            const char *start = p + n;
            const char *end = strstr(start, "\n#");
            size_t len = end ? (size_t)(end - start) + 1 : strlen(start);
            char *copy = malloc(len + 1);
            if (copy) {
                memcpy(copy, start, len);
                copy[len] = '\0';
            }
            return copy;
        }
    }
    return NULL;
}

static void check_node(const char *doc, const struct schema_node *node)
{
    struct buf b = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(
        buf_printf(&b, "### `(:%s:%s)` — file `%s`", node->label, node->extra_label, node->file));
    char *text = section(doc, buf_str(&b));
    tap_note("section '%s'", buf_str(&b));
    EXPECT(text != NULL);
    for (size_t i = 0; text && i < node->nprops; i++) {
        buf_reset(&b);
        EXPECT_OK(
            buf_printf(&b, "\n| %s | %s |", node->props[i].name, type_name(node->props[i].type)));
        if (!strstr(text, buf_str(&b))) {
            tap_note("%s: no row '%s'", node->label, buf_str(&b) + 1);
        }
        EXPECT(strstr(text, buf_str(&b)) != NULL);
    }
    free(text);
    buf_release(&b);
}

static void check_relationships(const char *doc)
{
    char *text = section(doc, "## Relationships");
    EXPECT(text != NULL);
    struct buf b = BUF_INIT(BUF_MAX_SMALL);
    for (size_t i = 0; text && i < SCHEMA_REL_COUNT; i++) {
        const struct schema_rel *r = &schema_rels[i];
        buf_reset(&b);
        EXPECT_OK(buf_printf(&b, "\n| `(%s)-[:%s]->(%s)` | `%s` |", schema_nodes[r->from].label,
                             r->type, schema_nodes[r->to].label, r->file));
        if (!strstr(text, buf_str(&b))) {
            tap_note("no row '%s'", buf_str(&b) + 1);
        }
        EXPECT(strstr(text, buf_str(&b)) != NULL);
    }
    free(text);
    buf_release(&b);
}

static void check_tombstones(const char *doc)
{
    struct buf b = BUF_INIT(BUF_MAX_SMALL);
    for (size_t i = 0; i < schema_tombstone_ncolumns; i++) {
        buf_reset(&b);
        EXPECT_OK(buf_printf(&b, "`%s`", schema_tombstone_columns[i]));
        tap_note("tombstones.csv column %s", buf_str(&b));
        EXPECT(strstr(doc, buf_str(&b)) != NULL);
    }
    buf_release(&b);
}

/* The checks above must be able to fail: a missing row and a wrong type are caught. */
static void check_the_check(void)
{
    static const char doc[] = "# x\n### `(:A:B)` — file `a.csv`\n\n| property | type |\n"
                              "|---|---|\n| id | string |\n| n | long |\n## next\n| m | long |\n";
    char *text = section(doc, "### `(:A:B)` — file `a.csv`");
    EXPECT(text != NULL);
    EXPECT(text && strstr(text, "\n| n | long |") != NULL);
    EXPECT(text && strstr(text, "\n| n | boolean |") == NULL);
    EXPECT(text && strstr(text, "\n| m | long |") == NULL);
    free(text);
    EXPECT(section(doc, "### `(:A:C)` — file `a.csv`") == NULL);
}

/* The program's names of the types (CSV headers, messages) are the ones the doc uses. */
static void check_type_names(void)
{
    enum schema_type types[] = {SCHEMA_STRING, SCHEMA_LONG, SCHEMA_BOOLEAN, SCHEMA_STRING_ARRAY};
    for (size_t i = 0; i < LT_ARRAY_SIZE(types); i++) {
        EXPECT_STR(schema_type_name(types[i]), type_name(types[i]));
    }
}

int main(void)
{
    check_the_check();
    check_type_names();
    char *doc = tap_read_file(DOC, NULL);
    for (size_t i = 0; i < SCHEMA_NODE_COUNT; i++) {
        check_node(doc, &schema_nodes[i]);
    }
    check_relationships(doc);
    check_tombstones(doc);
    free(doc);
    return tap_done();
}
