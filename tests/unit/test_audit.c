/*
 * Unit tests for snap/audit: findings point at the line where their row
 * starts (rows with line breaks included, checked against the file text of
 * a golden snapshot), findings are sorted whatever the row order, template
 * rules land on the default version, --default-only, and malformed
 * snapshots are refused with the file and line named. Small snapshots are
 * built in memory from CSV text, with only the columns audit reads.
 */
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/json.h"
#include "base/mem.h"
#include "snap/audit.h"
#include "tap.h"

#define GOLDEN_HOSTILE "tests/golden/hostile-xml/expected"

#define TPL_HEADER                                                                                 \
    "id:ID(AWSLaunchTemplate),name,region,default_version_number:long,"                            \
    "latest_version_number:long\n"
#define VER_HEADER                                                                                 \
    "id:ID(AWSLaunchTemplateVersion),launch_template_id,name,region,default_version:boolean,"      \
    "version_number:long,version_description,http_tokens,http_endpoint,"                           \
    "http_put_response_hop_limit:long,associates_public_ip:boolean,launch_template_data,"          \
    "user_data_secret_kinds:string[]\n"
#define TOMB_HEADER "kind,id,name,account_id,region,reason\n"

struct mem_tables {
    const char *templates, *versions, *account_templates, *account_versions, *tags, *tombstones;
};

static void parse(struct snap_table *t, const char *name, const char *text)
{
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(snap_table_parse(t, name, text, strlen(text), &err))) {
        tap_note("%s: %s", name, lt_error_message(&err));
    }
    lt_error_release(&err);
}

/* A snapshot held in memory (dir "mem"): only what audit reads. */
static void mem_snap(struct snap *s, const struct mem_tables *m)
{
    memset(s, 0, sizeof(*s));
    s->dir = mem_strdup("mem");
    parse(&s->nodes[SCHEMA_NODE_TEMPLATE], "nodes-aws-launch-template.csv", m->templates);
    parse(&s->nodes[SCHEMA_NODE_VERSION], "nodes-aws-launch-template-version.csv", m->versions);
    parse(&s->rels[SCHEMA_REL_ACCOUNT_TEMPLATE], "rels-resource-aws-launch-template.csv",
          m->account_templates ? m->account_templates
                               : ":START_ID(AWSAccount),:END_ID(AWSLaunchTemplate),:TYPE\n");
    parse(&s->rels[SCHEMA_REL_ACCOUNT_VERSION], "rels-resource-aws-launch-template-version.csv",
          m->account_versions ? m->account_versions
                              : ":START_ID(AWSAccount),:END_ID(AWSLaunchTemplateVersion),:TYPE\n");
    parse(&s->rels[SCHEMA_REL_TEMPLATE_TAG], "rels-tagged.csv",
          m->tags ? m->tags : ":START_ID(AWSLaunchTemplate),:END_ID(AWSTag),:TYPE\n");
    parse(&s->tombstones, "tombstones.csv", m->tombstones ? m->tombstones : TOMB_HEADER);
}

/* Each finding as "RULE template account/region version[d] file:line", for whole-list checks. */
static void describe(const struct audit_report *r, struct buf *out)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct audit_finding *f = &r->findings[i];
        EXPECT_OK(buf_printf(out, "%s %s %s/%s %lld%s %s:%zu\n", f->rule->id, f->template_id,
                             f->account_id, f->region,
                             f->has_version ? (long long)f->version_number : -1,
                             f->default_version ? "d" : "", f->file, f->line));
    }
}

static void test_lines_order_and_default(void)
{
    /* Versions in reverse order; v1's description spans three lines. */
    struct mem_tables m = {
        .templates = TPL_HEADER "\"lt-b\",\"b\",\"r1\",1,2\n"
                                "\"lt-a\",\"a\",\"r1\",2,2\n",
        .versions = VER_HEADER
        "\"lt-b-2\",\"lt-b\",\"b\",\"r1\",false,2,\"x\",\"optional\",,,,\"{}\",\n"
        "\"lt-b-1\",\"lt-b\",\"b\",\"r1\",true,1,\"two\nline\nbreaks\",\"required\",,3,true,\"{}\","
        "\n"
        "\"lt-a-2\",\"lt-a\",\"a\",\"r1\",true,2,,\"required\",,,,\"{}\",\"password\"\n"
        "\"lt-a-1\",\"lt-a\",\"a\",\"r1\",false,1,,,\"disabled\",9,,\"{}\",\n",
        .account_templates = ":START_ID(AWSAccount),:END_ID(AWSLaunchTemplate),:TYPE\n"
                             "\"111111111111\",\"lt-a\",\"RESOURCE\"\n"
                             "\"111111111111\",\"lt-b\",\"RESOURCE\"\n",
        .account_versions = ":START_ID(AWSAccount),:END_ID(AWSLaunchTemplateVersion),:TYPE\n"
                            "\"111111111111\",\"lt-a-1\",\"RESOURCE\"\n"
                            "\"111111111111\",\"lt-b-1\",\"RESOURCE\"\n",
        .tags = ":START_ID(AWSLaunchTemplate),:END_ID(AWSTag),:TYPE\n"
                "\"lt-a\",\"k:v\",\"TAGGED\"\n",
        .tombstones = TOMB_HEADER "\"AWSLaunchTemplate\",\"lt-0\",,\"111111111111\",\"r1\","
                                  "\"InvalidLaunchTemplateId.NotFound\"\n",
    };
    struct snap s;
    mem_snap(&s, &m);
    struct audit_report r;
    struct audit_options o = {false};
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(audit_run(&s, &o, &r, &err))) {
        tap_note("%s", lt_error_message(&err));
    }
    struct buf got = BUF_INIT(BUF_MAX_SMALL);
    describe(&r, &got);
    /*
     * lt-a-2 and lt-b-2 have no account edge of their own: their templates' account. lt-a-1:
     * IMDS disabled, so neither its missing tokens nor its hop limit count. lt-b-1 spans lines
     * 3-5, so lt-a-2 is on line 6. lt-b's template rules (no tags, default behind latest) land
     * on its default version 1 and point at the template's row. The tombstone (no version)
     * comes first.
     */
    EXPECT_STR(buf_str(&got),
               "LTS011 lt-0 111111111111/r1 -1 tombstones.csv:2\n"
               "LTS007 lt-a 111111111111/r1 2d nodes-aws-launch-template-version.csv:6\n"
               "LTS003 lt-b 111111111111/r1 1d nodes-aws-launch-template-version.csv:3\n"
               "LTS004 lt-b 111111111111/r1 1d nodes-aws-launch-template-version.csv:3\n"
               "LTS008 lt-b 111111111111/r1 1d nodes-aws-launch-template.csv:2\n"
               "LTS009 lt-b 111111111111/r1 1d nodes-aws-launch-template.csv:2\n"
               "LTS001 lt-b 111111111111/r1 2 nodes-aws-launch-template-version.csv:2\n");
    EXPECT_INT(r.count[RULE_HIGH], 3);
    EXPECT_INT(r.count[RULE_MEDIUM], 0);
    EXPECT_INT(r.count[RULE_LOW], 4);
    EXPECT_INT(r.versions, 4);
    EXPECT(audit_found_at_least(&r, RULE_HIGH));
    audit_report_release(&r);

    /* --default-only: the non-default versions are not judged, so lt-b-2's finding goes. */
    o.default_only = true;
    EXPECT_OK(audit_run(&s, &o, &r, &err));
    EXPECT_INT(r.versions, 2);
    buf_reset(&got);
    describe(&r, &got);
    EXPECT(strstr(buf_str(&got), "LTS001") == NULL);
    EXPECT_INT(r.nfindings, 6);
    audit_report_release(&r);
    buf_release(&got);
    snap_release(&s);
    lt_error_release(&err);
}

static void expect_refused(const char *versions, const char *want)
{
    struct mem_tables m = {.templates = TPL_HEADER, .versions = versions};
    struct snap s;
    mem_snap(&s, &m);
    struct audit_report r;
    struct audit_options o = {false};
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(audit_run(&s, &o, &r, &err), LT_E_INPUT);
    if (!EXPECT_STR(lt_error_message(&err), want)) {
        tap_note("%s", lt_error_message(&err));
    }
    EXPECT(r.findings == NULL && r.nfindings == 0);
    lt_error_release(&err);
    snap_release(&s);
}

static void test_refused(void)
{
    expect_refused(VER_HEADER "\"v\",\"lt\",\"n\",\"r\",true,1,,,,\"abc\",,\"{}\",\n",
                   "'mem/nodes-aws-launch-template-version.csv' line 2: "
                   "http_put_response_hop_limit is not a number; run 'ltsnap verify mem'");
    expect_refused(VER_HEADER "\"v\",\"lt\",\"n\",\"r\",yes,1,,,,,,\"{}\",\n",
                   "'mem/nodes-aws-launch-template-version.csv' line 2: default_version is not "
                   "true or false; run 'ltsnap verify mem'");
    expect_refused(VER_HEADER "\"v\",\"lt\",\"n\",\"r\",true,1,,,,,,\"[1]\",\n",
                   "'mem/nodes-aws-launch-template-version.csv' line 2: launch_template_data is "
                   "not a JSON object; run 'ltsnap verify mem'");
    expect_refused(VER_HEADER "\"v\",\"lt\",\"n\xff\",\"r\",true,1,,,,,,\"{}\",\n",
                   "'mem/nodes-aws-launch-template-version.csv' line 2: name is not valid UTF-8 "
                   "text; run 'ltsnap verify mem'");
    expect_refused(VER_HEADER "\"v\",\"lt\",\"n\",\"r\",true,,,,,,,\"{}\",\n",
                   "'mem/nodes-aws-launch-template-version.csv' line 2: version_number is "
                   "missing; run 'ltsnap verify mem'");
    expect_refused("id:ID(AWSLaunchTemplateVersion),launch_template_id\n",
                   "'mem/nodes-aws-launch-template-version.csv': no column 'name'; run 'ltsnap "
                   "verify mem'");
}

/* A snapshot from before user_data_secret_kinds: audited, with the gap reported. */
static void test_without_secret_kinds(void)
{
    struct mem_tables m = {
        .templates = TPL_HEADER,
        .versions = "id:ID(AWSLaunchTemplateVersion),launch_template_id,name,region,"
                    "default_version:boolean,version_number:long,http_tokens,http_endpoint,"
                    "http_put_response_hop_limit:long,associates_public_ip:boolean,"
                    "launch_template_data\n"
                    "\"v\",\"lt\",\"n\",\"r\",true,1,\"required\",,,,\"{}\"\n",
    };
    struct snap s;
    mem_snap(&s, &m);
    struct audit_report r;
    struct audit_options o = {false};
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(audit_run(&s, &o, &r, &err));
    EXPECT(r.no_secret_kinds);
    EXPECT_INT(r.nfindings, 0);
    struct buf json = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(audit_json(&r, &json));
    EXPECT(strstr(buf_str(&json), "\"user_data_secret_kinds_recorded\":false") != NULL);
    buf_release(&json);
    audit_report_release(&r);
    snap_release(&s);
    lt_error_release(&err);
}

/* Regions the manifest does not call complete are listed as not judged, in every report. */
static void test_unjudged_regions(void)
{
    struct mem_tables m = {.templates = TPL_HEADER, .versions = VER_HEADER};
    struct snap s;
    mem_snap(&s, &m);
    s.manifest = cJSON_Parse("{\"accounts\":[{\"id\":\"111111111111\",\"regions\":["
                             "{\"name\":\"ap-east-1\",\"status\":\"skipped\",\"error\":\"x\"},"
                             "{\"name\":\"eu-west-1\",\"status\":\"complete\"},"
                             "{\"name\":\"us-east-1\",\"status\":\"failed\"}]}]}");
    struct audit_report r;
    struct audit_options o = {false};
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(audit_run(&s, &o, &r, &err));
    EXPECT_INT(r.nunjudged, 2);
    struct buf text = BUF_INIT(BUF_MAX_SMALL), json = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(audit_text(&r, &text));
    EXPECT_STR(buf_str(&text),
               "summary: 0 high, 0 medium, 0 low (0 findings; judged 0 templates, 0 versions, 0 "
               "tombstones)\n"
               "not judged: account 111111111111, region ap-east-1 (skipped in this snapshot)\n"
               "not judged: account 111111111111, region us-east-1 (failed in this snapshot)\n");
    EXPECT_OK(audit_json(&r, &json));
    EXPECT(strstr(buf_str(&json), "\"regions_not_judged\":[{\"account_id\":\"111111111111\","
                                  "\"region\":\"ap-east-1\",\"status\":\"skipped\"}") != NULL);
    buf_release(&text);
    buf_release(&json);
    audit_report_release(&r);
    /* A region entry without a status is a broken manifest. */
    cJSON_Delete(s.manifest);
    s.manifest = cJSON_Parse("{\"accounts\":[{\"id\":\"1\",\"regions\":[{\"name\":\"r\"}]}]}");
    EXPECT_INT(audit_run(&s, &o, &r, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err), "'mem/manifest.json': a region without account id, name or "
                                       "status; run 'ltsnap verify mem'");
    snap_release(&s);
    lt_error_release(&err);
}

/* The line of file text on which a line starting with prefix is, or 0. */
static size_t line_starting_with(const char *text, const char *prefix)
{
    size_t line = 1;
    size_t n = strlen(prefix);
    for (const char *p = text; *p; line++) {
        if (strncmp(p, prefix, n) == 0) {
            return line;
        }
        const char *nl = strchr(p, '\n');
        if (!nl) {
            break;
        }
        p = nl + 1;
    }
    return 0;
}

/* Every finding on the golden hostile snapshot (names with CR, LF, U+2028...) points at the
 * physical line where its row starts, found here by reading the file's text. */
static void test_golden_lines(void)
{
    struct snap s;
    struct audit_report r;
    struct audit_options o = {false};
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(snap_load(&s, GOLDEN_HOSTILE, &err)) ||
        !EXPECT_OK(audit_run(&s, &o, &r, &err))) {
        tap_note("%s", lt_error_message(&err));
        return;
    }
    EXPECT(r.nfindings >= 5);
    for (size_t i = 0; i < r.nfindings; i++) {
        const struct audit_finding *f = &r.findings[i];
        struct buf path = BUF_INIT(4096), text = BUF_INIT(BUF_MAX_LARGE), row = BUF_INIT(4096);
        EXPECT_OK(buf_printf(&path, "%s/%s", GOLDEN_HOSTILE, f->file));
        EXPECT_OK(fsx_read_file(buf_str(&path), BUF_MAX_LARGE, &text, &err));
        if (strcmp(f->file, "tombstones.csv") == 0) {
            EXPECT_OK(buf_printf(&row, "\"AWSLaunchTemplate\",\"%s\",", f->template_id));
        } else if (strcmp(f->file, "nodes-aws-launch-template.csv") == 0) {
            EXPECT_OK(buf_printf(&row, "\"%s\",", f->template_id));
        } else {
            EXPECT_OK(
                buf_printf(&row, "\"%s-%lld\",", f->template_id, (long long)f->version_number));
        }
        size_t want = line_starting_with(buf_str(&text), buf_str(&row));
        EXPECT(want >= 2);
        if (!EXPECT_INT(f->line, want)) {
            tap_note("%s %s", f->rule->id, buf_str(&row));
        }
        buf_release(&path);
        buf_release(&text);
        buf_release(&row);
    }
    audit_report_release(&r);
    snap_release(&s);
    lt_error_release(&err);
}

/* The rules listing in both forms: every rule once; JSON parses. */
static void test_rules_listing(void)
{
    struct buf text = BUF_INIT(BUF_MAX_SMALL), json = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(audit_rules_text(&text));
    EXPECT_OK(audit_rules_json(&json));
    for (size_t i = 0; i < rules_count; i++) {
        EXPECT(strstr(buf_str(&text), rules[i].id) != NULL);
    }
    cJSON *doc = cJSON_Parse(buf_str(&json));
    EXPECT_INT(cJSON_GetArraySize(json_get_array(doc, "rules")), rules_count);
    cJSON_Delete(doc);
    buf_release(&text);
    buf_release(&json);
}

int main(void)
{
    json_use_mem_hooks();
    test_lines_order_and_default();
    test_refused();
    test_without_secret_kinds();
    test_unjudged_regions();
    test_golden_lines();
    test_rules_listing();
    return tap_done();
}
