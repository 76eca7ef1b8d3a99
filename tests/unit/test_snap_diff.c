/*
 * Unit tests for snap/diff.
 *
 * The delta is proved by applying it: a small interpreter of exactly the
 * statement shapes ltsnap's templates make (node and relationship MERGEs,
 * tombstone and delta deletions) loads OLD's snapshot.cypher into a graph,
 * runs the delta on it, and the result must be the graph NEW's
 * snapshot.cypher loads into an empty one (lastupdated and firstseen aside),
 * for every ordered pair of golden snapshots of the same account and region.
 * The delta's template and version rows must name exactly the changed ids.
 *
 * Also: a snapshot against itself has no difference; launch_template_data
 * is compared field by field (hostile keys, growing arrays); a region that
 * failed in NEW is not "everything removed"; a region absent from NEW is
 * not compared; a snapshot that does not match its manifest is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/mem.h"
#include "snap/diff.h"
#include "tap.h"
#include "testfs.h"
#include "testsnap.h"

#define G(name) "tests/golden/" name "/expected"
#define TEMPLATES "templates"

/* ---- a graph, as the statements leave it ---- */

struct gnode {
    char *label, *id;
    char *props; /* the row's literal map: the properties the MERGE set */
};

struct grel {
    char *type, *from, *to;
};

struct graph {
    struct gnode *nodes;
    size_t nnodes;
    struct grel *rels;
    size_t nrels;
};

static void graph_release(struct graph *g)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        mem_free(g->nodes[i].label);
        mem_free(g->nodes[i].id);
        mem_free(g->nodes[i].props);
    }
    for (size_t i = 0; i < g->nrels; i++) {
        mem_free(g->rels[i].type);
        mem_free(g->rels[i].from);
        mem_free(g->rels[i].to);
    }
    mem_free(g->nodes);
    mem_free(g->rels);
    memset(g, 0, sizeof(*g));
}

static size_t find_node(const struct graph *g, const char *label, const char *id)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        if (strcmp(g->nodes[i].label, label) == 0 && strcmp(g->nodes[i].id, id) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static size_t find_rel(const struct graph *g, const char *type, const char *from, const char *to)
{
    for (size_t i = 0; i < g->nrels; i++) {
        if (strcmp(g->rels[i].type, type) == 0 && strcmp(g->rels[i].from, from) == 0 &&
            strcmp(g->rels[i].to, to) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void merge_node(struct graph *g, const char *label, const char *id, const char *props,
                       size_t len)
{
    size_t i = find_node(g, label, id);
    if (i == SIZE_MAX) {
        g->nodes = mem_realloc_array(g->nodes, g->nnodes + 1, sizeof(*g->nodes));
        i = g->nnodes++;
        g->nodes[i] = (struct gnode){mem_strdup(label), mem_strdup(id), NULL};
    }
    mem_free(g->nodes[i].props);
    g->nodes[i].props = mem_strndup(props, len); /* SET n.x = row.x for every x */
}

/* Ids are unique per label in these snapshots, so relationships are keyed by ids. */
static void merge_rel(struct graph *g, const char *type, const char *from_label, const char *from,
                      const char *to_label, const char *to)
{
    if (find_node(g, from_label, from) == SIZE_MAX || find_node(g, to_label, to) == SIZE_MAX) {
        return; /* MATCH found nothing */
    }
    if (find_rel(g, type, from, to) == SIZE_MAX) {
        g->rels = mem_realloc_array(g->rels, g->nrels + 1, sizeof(*g->rels));
        g->rels[g->nrels++] = (struct grel){mem_strdup(type), mem_strdup(from), mem_strdup(to)};
    }
}

static void delete_rel_at(struct graph *g, size_t i)
{
    mem_free(g->rels[i].type);
    mem_free(g->rels[i].from);
    mem_free(g->rels[i].to);
    g->rels[i] = g->rels[--g->nrels];
}

static void detach_delete(struct graph *g, size_t n)
{
    for (size_t i = g->nrels; i-- > 0;) {
        if (strcmp(g->rels[i].from, g->nodes[n].id) == 0 ||
            strcmp(g->rels[i].to, g->nodes[n].id) == 0) {
            delete_rel_at(g, i);
        }
    }
    mem_free(g->nodes[n].label);
    mem_free(g->nodes[n].id);
    mem_free(g->nodes[n].props);
    g->nodes[n] = g->nodes[--g->nnodes];
}

static bool tagged(const struct graph *g, const char *id)
{
    for (size_t i = 0; i < g->nrels; i++) {
        if (strcmp(g->rels[i].type, "TAGGED") == 0 && strcmp(g->rels[i].to, id) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- the interpreter ---- */

enum op {
    OP_MERGE_NODE,    /* MERGE (n:L {id: row.id}) */
    OP_MERGE_REL,     /* MATCH (a:L1 ...) MATCH (b:L2 ...) MERGE (a)-[r:T]->(b) */
    OP_TOMB_VERSIONS, /* MATCH (v:AWSLaunchTemplateVersion) WHERE v.id STARTS WITH row.id + '-' */
    OP_DELETE_NODE, /* MATCH (n:L {id: row.id}) [WHERE NOT EXISTS {...TAGGED...}] DETACH DELETE n */
    OP_DELETE_REL,  /* MATCH (:L1 {id: row.from})-[r:T]->(:L2 {id: row.to}) DELETE r */
    OP_SCOPES,      /* the cleanup: nothing to clean in a graph every statement has touched */
};

struct stmt {
    enum op op;
    char label[64], label2[64], type[32];
    bool orphans_only;
};

/* Copies the name that follows `after` in text up to one of the stop characters. */
static bool name_after(const char *text, const char *after, char *out, size_t outlen)
{
    const char *p = strstr(text, after);
    if (p == NULL) {
        return false;
    }
    p += strlen(after);
    size_t n = strcspn(p, " {)]");
    if (n == 0 || n >= outlen) {
        return false;
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* Which template made a statement, from its text after the rows list. */
static bool classify(const char *tail, struct stmt *s)
{
    memset(s, 0, sizeof(*s));
    if (strncmp(tail, " AS scope\n", 10) == 0) {
        s->op = OP_SCOPES;
        return true;
    }
    if (strncmp(tail, " AS row\n", 8) != 0) {
        return false;
    }
    tail += 8;
    if (strncmp(tail, "MERGE (n:", 9) == 0) {
        s->op = OP_MERGE_NODE;
        return name_after(tail, "MERGE (n:", s->label, sizeof(s->label));
    }
    if (strstr(tail, "STARTS WITH row.id + '-'")) {
        s->op = OP_TOMB_VERSIONS;
        return true;
    }
    if (strncmp(tail, "MATCH (a:", 9) == 0) {
        s->op = OP_MERGE_REL;
        return name_after(tail, "MATCH (a:", s->label, sizeof(s->label)) &&
               name_after(tail, "MATCH (b:", s->label2, sizeof(s->label2)) &&
               name_after(tail, "-[r:", s->type, sizeof(s->type));
    }
    if (strncmp(tail, "MATCH (n:", 9) == 0) {
        s->op = OP_DELETE_NODE;
        s->orphans_only = strstr(tail, "NOT EXISTS { (n)<-[:TAGGED]-() }") != NULL;
        return name_after(tail, "MATCH (n:", s->label, sizeof(s->label));
    }
    if (strncmp(tail, "MATCH (:", 8) == 0) {
        s->op = OP_DELETE_REL;
        return name_after(tail, "MATCH (:", s->label, sizeof(s->label)) &&
               name_after(tail, ")-[r:", s->type, sizeof(s->type)) &&
               name_after(tail, "]->(:", s->label2, sizeof(s->label2));
    }
    return false;
}

/* The decoded string value of key in row i, or false. */
static bool row_string(const char *text, const struct cypher_out_read *rd, size_t i,
                       const char *key, struct buf *out)
{
    for (size_t k = rd->first[i]; k < rd->first[i + 1]; k++) {
        const struct cypher_out_entry *e = &rd->entries[k];
        if (e->keylen == strlen(key) && memcmp(text + e->key, key, e->keylen) == 0) {
            struct esc_cypher_reader r;
            esc_cypher_reader_init(&r, text, e->value + e->valuelen);
            r.pos = e->value;
            buf_reset(out);
            return esc_cypher_read_string(&r, out) == LT_OK;
        }
    }
    return false;
}

/* Template and version ids a delta's node statements name. */
struct idset {
    char **ids;
    size_t n;
};

static bool idset_has(const struct idset *s, const char *id);

static void idset_add(struct idset *s, const char *id)
{
    if (idset_has(s, id)) {
        return;
    }
    s->ids = mem_realloc_array(s->ids, s->n + 1, sizeof(*s->ids));
    s->ids[s->n++] = mem_strdup(id);
}

static bool idset_has(const struct idset *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->ids[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static void idset_release(struct idset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        mem_free(s->ids[i]);
    }
    mem_free(s->ids);
    memset(s, 0, sizeof(*s));
}

static void apply_row(struct graph *g, const struct stmt *s, const char *text,
                      const struct cypher_out_read *rd, size_t i, struct idset *named)
{
    struct buf a = BUF_INIT(BUF_MAX_LARGE), b = BUF_INIT(BUF_MAX_LARGE);
    const struct cypher_out_entry *first = &rd->entries[rd->first[i]];
    const char *row = text + first->key - 1; /* the row's "{" */
    const struct cypher_out_entry *last = &rd->entries[rd->first[i + 1] - 1];
    size_t rowlen = (size_t)(text + last->value + last->valuelen + 1 - row);
    bool is_lt = strcmp(s->label, "AWSLaunchTemplate") == 0 ||
                 strcmp(s->label, "AWSLaunchTemplateVersion") == 0;
    if (s->op == OP_MERGE_NODE && EXPECT(row_string(text, rd, i, "id", &a))) {
        merge_node(g, s->label, buf_str(&a), row, rowlen);
        if (is_lt && named) {
            idset_add(named, buf_str(&a));
        }
    } else if ((s->op == OP_MERGE_REL || s->op == OP_DELETE_REL) &&
               EXPECT(row_string(text, rd, i, "from", &a) && row_string(text, rd, i, "to", &b))) {
        size_t r = find_rel(g, s->type, buf_str(&a), buf_str(&b));
        if (s->op == OP_MERGE_REL) {
            merge_rel(g, s->type, s->label, buf_str(&a), s->label2, buf_str(&b));
        } else if (r != SIZE_MAX) {
            delete_rel_at(g, r);
        }
    } else if (s->op == OP_TOMB_VERSIONS && EXPECT(row_string(text, rd, i, "id", &a))) {
        EXPECT_OK(buf_addc(&a, '-'));
        for (size_t n = g->nnodes; n-- > 0;) {
            if (strcmp(g->nodes[n].label, "AWSLaunchTemplateVersion") == 0 &&
                strncmp(g->nodes[n].id, buf_str(&a), a.len) == 0) {
                detach_delete(g, n);
            }
        }
    } else if (s->op == OP_DELETE_NODE && EXPECT(row_string(text, rd, i, "id", &a))) {
        size_t n = find_node(g, s->label, buf_str(&a));
        if (n != SIZE_MAX && !(s->orphans_only && tagged(g, buf_str(&a)))) {
            detach_delete(g, n);
        }
        if (is_lt && named) {
            idset_add(named, buf_str(&a));
        }
    }
    buf_release(&a);
    buf_release(&b);
}

/* Runs every UNWIND statement of a script on g; named collects the node ids it names. */
static void run_script(struct graph *g, const char *text, size_t len, struct idset *named)
{
    size_t statements = 0;
    for (const char *p = text; (p = strstr(p, "\nUNWIND [\n")) != NULL; p++) {
        struct esc_cypher_reader r;
        struct cypher_out_read rd;
        struct stmt s;
        esc_cypher_reader_init(&r, text, len);
        r.pos = (size_t)(p - text) + 8;
        if (!EXPECT_OK(cypher_out_read_rows(&r, &rd))) {
            tap_note("rows at %zu: %s", r.bad, r.why);
            return;
        }
        const char *end = strstr(text + r.pos, ";\n");
        char *tail = mem_strndup(text + r.pos, end ? (size_t)(end - text) - r.pos : 0);
        bool known = classify(tail, &s);
        mem_free(tail);
        if (!EXPECT(known)) {
            tap_note("unknown statement: %.80s", text + r.pos);
        } else {
            bool tombstone = s.op == OP_TOMB_VERSIONS;
            for (size_t i = 0; s.op != OP_SCOPES && i < rd.nrows; i++) {
                apply_row(g, &s, text, &rd, i, tombstone ? NULL : named);
            }
        }
        statements++;
        cypher_out_read_release(&rd);
    }
    tap_note("ran %zu statements", statements);
}

static void load_script(struct graph *g, const char *dir)
{
    size_t len = 0;
    char *text = testsnap_read(dir, "snapshot.cypher", &len);
    run_script(g, text, len, NULL);
    mem_free(text);
}

static int compare_gnodes(const void *pa, const void *pb)
{
    const struct gnode *a = pa, *b = pb;
    int c = strcmp(a->label, b->label);
    return c ? c : strcmp(a->id, b->id);
}

static int compare_grels(const void *pa, const void *pb)
{
    const struct grel *a = pa, *b = pb;
    int c = strcmp(a->type, b->type);
    c = c ? c : strcmp(a->from, b->from);
    return c ? c : strcmp(a->to, b->to);
}

static void expect_same_graph(struct graph *got, struct graph *want)
{
    struct graph *both[] = {got, want};
    for (size_t i = 0; i < 2; i++) {
        if (both[i]->nnodes > 1) {
            qsort(both[i]->nodes, both[i]->nnodes, sizeof(*both[i]->nodes), compare_gnodes);
        }
        if (both[i]->nrels > 1) {
            qsort(both[i]->rels, both[i]->nrels, sizeof(*both[i]->rels), compare_grels);
        }
    }
    EXPECT_INT(got->nnodes, want->nnodes);
    EXPECT_INT(got->nrels, want->nrels);
    for (size_t i = 0; i < got->nnodes && i < want->nnodes; i++) {
        EXPECT_STR(got->nodes[i].id, want->nodes[i].id);
        EXPECT_STR(got->nodes[i].props, want->nodes[i].props);
    }
    for (size_t i = 0; i < got->nrels && i < want->nrels; i++) {
        EXPECT(compare_grels(&got->rels[i], &want->rels[i]) == 0);
    }
}

/* ---- the delta against the interpreter ---- */

static enum lt_rc buf_sink(void *ctx, const char *text, size_t len, struct lt_error *err)
{
    (void)err;
    return buf_add(ctx, text, len);
}

static bool load_diff(struct diff *d, const char *old, const char *new)
{
    struct lt_error err = LT_ERROR_INIT;
    bool ok = EXPECT_OK(diff_snapshots(d, old, new, &err));
    if (!ok) {
        tap_note("%s", lt_error_message(&err));
    }
    lt_error_release(&err);
    return ok;
}

static void delta_of(const struct diff *d, struct buf *out)
{
    struct lt_error err = LT_ERROR_INIT;
    struct cypher_out_sink sink = {buf_sink, out, 0};
    EXPECT_OK(diff_cypher_write(d, TEMPLATES, &sink, &err));
    lt_error_release(&err);
}

/* OLD's graph + the delta is NEW's graph, and the delta names exactly the changed ids. */
static void prove_delta(const char *old, const char *new)
{
    struct diff d;
    tap_note("delta %s -> %s", old, new);
    if (!load_diff(&d, old, new)) {
        return;
    }
    struct buf delta = BUF_INIT(BUF_MAX_LARGE);
    delta_of(&d, &delta);
    struct graph got = {0}, want = {0};
    struct idset named = {0}, changed = {0};
    load_script(&got, old);
    run_script(&got, buf_str(&delta), delta.len, &named);
    load_script(&want, new);
    expect_same_graph(&got, &want);
    for (size_t i = 0; i < d.nentries; i++) {
        idset_add(&changed, d.entries[i].id);
    }
    EXPECT_INT(named.n, changed.n);
    for (size_t i = 0; i < named.n; i++) {
        if (!EXPECT(idset_has(&changed, named.ids[i]))) {
            tap_note("the delta names %s, which did not change", named.ids[i]);
        }
    }
    idset_release(&named);
    idset_release(&changed);
    graph_release(&got);
    graph_release(&want);
    buf_release(&delta);
    diff_release(&d);
}

static void test_deltas(void)
{
    static const char *const same_scope[] = {G("basic-xml"), G("changed-json"), G("hostile-xml"),
                                             G("hostile-json-control-characters")};
    for (size_t i = 0; i < LT_ARRAY_SIZE(same_scope); i++) {
        for (size_t j = 0; j < LT_ARRAY_SIZE(same_scope); j++) {
            prove_delta(same_scope[i], same_scope[j]);
        }
    }
}

/* ---- reports ---- */

static void expect_text(const struct diff *d, const char *want)
{
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(diff_out_text(d, true, &out));
    EXPECT_STR(buf_str(&out), want);
    buf_release(&out);
}

static void test_itself(void)
{
    struct diff d;
    if (!load_diff(&d, G("basic-xml"), G("basic-xml"))) {
        return;
    }
    EXPECT_INT(diff_count(&d), 0);
    expect_text(&d, "");
    struct buf json = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(diff_out_json(&d, &json));
    EXPECT(strstr(buf_str(&json), "\"differences\":0,") != NULL);
    EXPECT(strstr(buf_str(&json), "\"templates\":[],\"versions\":[]}\n") != NULL);
    buf_release(&json);
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        EXPECT_INT(d.merge_nodes[k].n + d.delete_nodes[k].n, 0);
    }
    diff_release(&d);
}

/* launch_template_data field by field: a renamed key (to one that needs quoting), a longer array.
 */
static void test_fields(const char *dir)
{
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/fields", dir);
    mkdir(sub, 0755);
    testsnap_copy(G("basic-xml"), sub);
    const char *csv = "nodes-aws-launch-template-version.csv";
    EXPECT(testsnap_plant(sub, csv, "\"\"KeyName\"\":\"\"web-key\"\"",
                          "\"\"Key \\\"\"Name\"\":\"\"web-key\"\""));
    EXPECT(testsnap_plant(sub, csv, "[\"\"sg-0123456789abcdef0\"\"],\"\"SecurityGroups",
                          "[\"\"sg-0123456789abcdef0\"\",{\"\"x\"\":[1]}],\"\"SecurityGroups"));
    testsnap_reseal(sub);
    struct diff d;
    if (load_diff(&d, G("basic-xml"), sub)) {
        expect_text(&d, "account 123456789012 region us-east-1\n"
                        "  version lt-0a1b2c3d4e5f60001-1 changed\n"
                        "    launch_template_data[\"Key \\\"Name\"]: absent -> \"web-key\"\n"
                        "    launch_template_data.KeyName: \"web-key\" -> absent\n"
                        "    launch_template_data.SecurityGroupIds[1]: absent -> {\"x\":[1]}\n"
                        "versions: 1 changed\n");
        diff_release(&d);
    }
}

/* A region that failed in NEW: reported, nothing of it removed, the delta deletes nothing. */
static void test_failed_region(const char *dir)
{
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/failed", dir);
    mkdir(sub, 0755);
    testsnap_copy(G("basic-xml"), sub);
    EXPECT(testsnap_plant(sub, "manifest.json", "\"status\":\t\"complete\"",
                          "\"status\":\t\"failed\",\n\"error\": \"DescribeLaunchTemplates: "
                          "InternalError\""));
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        testsnap_header_only(sub, schema_nodes[k].file);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        testsnap_header_only(sub, schema_rels[k].file);
    }
    testsnap_header_only(sub, "tombstones.csv");
    testsnap_reseal(sub);
    struct diff d;
    if (!load_diff(&d, G("basic-xml"), sub)) {
        return;
    }
    expect_text(&d, "account 123456789012 region us-east-1: complete -> failed "
                    "(\"DescribeLaunchTemplates: InternalError\"); OLD's templates there are "
                    "not compared\n"
                    "regions: 1 changed\n");
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        EXPECT_INT(d.delete_nodes[k].n, 0);
    }
    for (size_t k = 0; k < SCHEMA_REL_COUNT; k++) {
        EXPECT_INT(d.delete_rels[k].n, 0);
    }
    /* Applied, the delta leaves OLD's graph as it was. */
    struct buf delta = BUF_INIT(BUF_MAX_LARGE);
    struct graph got = {0}, want = {0};
    delta_of(&d, &delta);
    load_script(&got, G("basic-xml"));
    run_script(&got, buf_str(&delta), delta.len, NULL);
    load_script(&want, G("basic-xml"));
    expect_same_graph(&got, &want);
    graph_release(&got);
    graph_release(&want);
    buf_release(&delta);
    diff_release(&d);
}

/* Another account and region: OLD's region is absent from NEW, so nothing is removed. */
static void test_other_account(void)
{
    struct diff d;
    if (!load_diff(&d, G("basic-xml"), G("full-data-xml"))) {
        return;
    }
    EXPECT_INT(d.counts.regions, 2);
    EXPECT_INT(d.counts.templates[DIFF_REMOVED] + d.counts.versions[DIFF_REMOVED], 0);
    EXPECT_INT(d.counts.templates[DIFF_ADDED], 1);
    EXPECT_INT(d.counts.versions[DIFF_ADDED], 1);
    EXPECT_STR(d.regions[0].account, "123456789012");
    EXPECT(d.regions[0].old != NULL && d.regions[0].new == NULL);
    EXPECT(d.tombstones.n == 0 && d.delete_nodes[SCHEMA_NODE_TEMPLATE].n == 0);
    diff_release(&d);
}

static void test_refused(const char *dir)
{
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/tampered", dir);
    mkdir(sub, 0755);
    testsnap_copy(G("basic-xml"), sub);
    EXPECT(testsnap_plant(sub, "rels-version.csv", "VERSION", "VERSIOM"));
    struct diff d;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(diff_snapshots(&d, G("basic-xml"), sub, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "rels-version.csv") != NULL);
    EXPECT(strstr(lt_error_message(&err), "ltsnap verify") != NULL);
    EXPECT(d.entries == NULL && d.old.manifest == NULL);
    /* Resealed, so the checksums match, but a long that is no number would reach the JSON. */
    testsnap_copy(G("basic-xml"), sub);
    EXPECT(testsnap_plant(sub, "nodes-aws-launch-template.csv", ",2,3,", ",2,3]}]},"));
    testsnap_reseal(sub);
    lt_error_clear(&err);
    EXPECT_INT(diff_snapshots(&d, G("basic-xml"), sub, &err), LT_E_INPUT);
    EXPECT(strstr(lt_error_message(&err), "nodes-aws-launch-template.csv': record 2, column 8 is "
                                          "not a valid long; run 'ltsnap verify") != NULL);
    tap_note("%s", lt_error_message(&err));
    lt_error_release(&err);
}

int main(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "diff");
    test_itself();
    test_deltas();
    test_fields(dir);
    test_failed_region(dir);
    test_other_account();
    test_refused(dir);
    testfs_remove(dir);
    return tap_done();
}
