/*
 * Unit tests for ec2/ec2_page: recognising pages, the checks on them, and the
 * key property of the one in-memory form: every fixture recorded as EC2 XML
 * and as AWS CLI JSON gives byte-identical canonical JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "ec2/ec2_page.h"
#include "tap.h"

#define ACCEPT_CONVERT                                                                             \
    (EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATES) |                                                  \
     EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS))

struct result {
    enum lt_rc rc;
    struct ec2_page page;
    struct aws_service_error svc;
    struct lt_error err;
    struct buf json; /* canonical result when rc is LT_OK */
};

static void run(const char *data, size_t len, unsigned accept, struct result *r)
{
    lt_error_init(&r->err);
    buf_init(&r->json, BUF_MAX_LARGE);
    r->rc = ec2_page_parse(data, len, accept, &r->page, &r->svc, &r->err);
    if (r->rc == LT_OK && json_canonical(r->page.result, &r->json) != LT_OK) {
        tap_note("cannot print a page");
    }
}

static void result_release(struct result *r)
{
    ec2_page_release(&r->page);
    aws_service_error_release(&r->svc);
    lt_error_release(&r->err);
    buf_release(&r->json);
}

static void expect_page(const char *data, unsigned accept, enum ec2_page_kind kind,
                        const char *want)
{
    struct result r;
    run(data, strlen(data), accept, &r);
    EXPECT_OK(r.rc);
    if (r.rc != LT_OK) {
        tap_note("error: %s", lt_error_message(&r.err));
    }
    EXPECT_INT(r.page.kind, kind);
    EXPECT_STR(buf_str(&r.json), want);
    result_release(&r);
}

static void expect_error_len(const char *data, size_t len, unsigned accept, enum lt_rc code,
                             const char *msg)
{
    struct result r;
    run(data, len, accept, &r);
    EXPECT_INT(r.rc, code);
    EXPECT_STR(lt_error_message(&r.err), msg);
    EXPECT(r.page.result == NULL);
    result_release(&r);
}

static void expect_error(const char *data, unsigned accept, enum lt_rc code, const char *msg)
{
    expect_error_len(data, strlen(data), accept, code, msg);
}

/* ---- recognition and checks -------------------------------------------------------------- */

static void test_forms(void)
{
    expect_page("\n  <DescribeLaunchTemplatesResponse/>", ACCEPT_CONVERT, EC2_PAGE_LAUNCH_TEMPLATES,
                "{\"LaunchTemplates\":[]}");
    expect_page(" {\"LaunchTemplateVersions\": []}\n\n", ACCEPT_CONVERT,
                EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS, "{\"LaunchTemplateVersions\":[]}");
    expect_page("{\"Regions\":[{\"RegionName\":\"eu-north-1\",\"OptInStatus\":\"opted-in\"}]}",
                EC2_PAGE_ACCEPT_ANY, EC2_PAGE_REGIONS,
                "{\"Regions\":[{\"OptInStatus\":\"opted-in\",\"RegionName\":\"eu-north-1\"}]}");
    expect_page("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"}],\"NextToken\":\"n\","
                "\"ResponseMetadata\":{}}",
                ACCEPT_CONVERT, EC2_PAGE_LAUNCH_TEMPLATES,
                "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"}],\"NextToken\":\"n\"}");

    struct result r;
    const char *json =
        "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"}],\"NextToken\":\"n\"}";
    run(json, strlen(json), ACCEPT_CONVERT, &r);
    EXPECT_OK(r.rc);
    EXPECT_STR(ec2_page_next_token(&r.page), "n");
    EXPECT_INT(cJSON_GetArraySize(ec2_page_items(&r.page)), 1);
    result_release(&r);
    json = "{\"LaunchTemplates\":[],\"NextToken\":\"\"}";
    run(json, strlen(json), ACCEPT_CONVERT, &r);
    EXPECT_OK(r.rc);
    EXPECT(ec2_page_next_token(&r.page) == NULL);
    result_release(&r);

    EXPECT_STR(ec2_page_action(EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS),
               "DescribeLaunchTemplateVersions");
    EXPECT_STR(ec2_page_list_key(EC2_PAGE_REGIONS), "Regions");
}

static void test_rejected(void)
{
    expect_error("", ACCEPT_CONVERT, LT_E_INPUT, "empty input");
    expect_error(" \r\n\t", ACCEPT_CONVERT, LT_E_INPUT, "empty input");
    expect_error("\xEF\xBB\xBF{\"LaunchTemplates\":[]}", ACCEPT_CONVERT, LT_E_INPUT,
                 "starts with a byte order mark");
    expect_error("[{\"LaunchTemplates\":[]}]", ACCEPT_CONVERT, LT_E_INPUT,
                 "expected a JSON object, got an array");
    expect_error("LaunchTemplates", ACCEPT_CONVERT, LT_E_INPUT,
                 "neither EC2 XML nor AWS CLI JSON (first byte 0x4c)");
    expect_error("{\"LaunchTemplates\":[]} {}", ACCEPT_CONVERT, LT_E_INPUT,
                 "trailing data after the JSON document at line 1, column 24");
    expect_error("{\"LaunchTemplates\":[}", ACCEPT_CONVERT, LT_E_INPUT,
                 "invalid JSON at line 1, column 21");
    expect_error("{\n  \"LaunchTemplates\": [\n", ACCEPT_CONVERT, LT_E_INPUT,
                 "invalid JSON at line 2, column 23");
    expect_error(
        "{\"Foo\":[]}", ACCEPT_CONVERT, LT_E_INPUT,
        "no 'LaunchTemplates', 'LaunchTemplateVersions' or 'Regions' key at the top level");
    expect_error("{\"LaunchTemplates\":[],\"Regions\":[]}", EC2_PAGE_ACCEPT_ANY, LT_E_INPUT,
                 "more than one of 'LaunchTemplates', 'LaunchTemplateVersions' and 'Regions' at "
                 "the top level");
    expect_error("{\"Regions\":[]}", ACCEPT_CONVERT, LT_E_INPUT,
                 "unexpected DescribeRegions response (expected DescribeLaunchTemplates or "
                 "DescribeLaunchTemplateVersions)");
    expect_error("<DescribeRegionsResponse/>", EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATES),
                 LT_E_INPUT,
                 "unexpected DescribeRegions response (expected DescribeLaunchTemplates)");
    expect_error("{\"LaunchTemplates\":[{\"LaunchTemplateId\":1}]}", ACCEPT_CONVERT, LT_E_INPUT,
                 "LaunchTemplates[0].LaunchTemplateId: expected a string");
    /* NUL: raw, escaped; an escaped backslash before "u0000" is only text. */
    expect_error_len("{\"LaunchTemplates\":[]}\0", 23, ACCEPT_CONVERT, LT_E_INPUT,
                     "NUL byte at line 1, column 23");
    expect_error("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\",\n"
                 "\"LaunchTemplateName\":\"a\\u0000b\"}]}",
                 ACCEPT_CONVERT, LT_E_INPUT,
                 "escaped NUL character (\\u0000) at line 2, column 24");
    expect_page("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\","
                "\"LaunchTemplateName\":\"a\\\\u0000\\\\\\\\\\u0041\"}]}",
                ACCEPT_CONVERT, EC2_PAGE_LAUNCH_TEMPLATES,
                "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\","
                "\"LaunchTemplateName\":\"a\\\\u0000\\\\\\\\A\"}]}");
    expect_error("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"\\\\\\u0000\"}]}", ACCEPT_CONVERT,
                 LT_E_INPUT, "escaped NUL character (\\u0000) at line 1, column 44");
    expect_error("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-\xC3\"}]}", ACCEPT_CONVERT,
                 LT_E_INPUT, "invalid UTF-8 at line 1, column 45");
    /* Required fields, named by item. */
    expect_error("{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"},{\"LaunchTemplateName\":"
                 "\"x\"}]}",
                 ACCEPT_CONVERT, LT_E_INPUT, "LaunchTemplates[1]: missing 'LaunchTemplateId'");
    expect_error("<DescribeLaunchTemplatesResponse><launchTemplates><item><launchTemplateId>"
                 "</launchTemplateId></item></launchTemplates></DescribeLaunchTemplatesResponse>",
                 ACCEPT_CONVERT, LT_E_INPUT, "LaunchTemplates[0]: empty 'LaunchTemplateId'");
    expect_error("{\"LaunchTemplateVersions\":[{\"LaunchTemplateId\":\"lt-1\",\"VersionNumber\":1},"
                 "{\"LaunchTemplateId\":\"lt-1\"}]}",
                 ACCEPT_CONVERT, LT_E_INPUT, "LaunchTemplateVersions[1]: missing 'VersionNumber'");
    expect_error(
        "{\"LaunchTemplateVersions\":[{\"LaunchTemplateId\":\"lt-1\",\"VersionNumber\":0}]}",
        ACCEPT_CONVERT, LT_E_INPUT,
        "LaunchTemplateVersions[0]: 'VersionNumber' must be at least 1, got 0");
    expect_error("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                 "<versionNumber>2</versionNumber></item></launchTemplateVersionSet>"
                 "</DescribeLaunchTemplateVersionsResponse>",
                 ACCEPT_CONVERT, LT_E_INPUT,
                 "LaunchTemplateVersions[0]: missing 'LaunchTemplateId'");
    expect_error("{\"Regions\":[{\"Endpoint\":\"x\"}]}", EC2_PAGE_ACCEPT_ANY, LT_E_INPUT,
                 "Regions[0]: missing 'RegionName'");
}

static void test_service_error(void)
{
    struct result r;
    const char *xml = "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able "
                      "to validate the provided access credentials</Message></Error></Errors>"
                      "<RequestID>r-1</RequestID></Response>";
    run(xml, strlen(xml), ACCEPT_CONVERT, &r);
    EXPECT_INT(r.rc, LT_E_AWS);
    EXPECT_STR(lt_error_message(&r.err),
               "AuthFailure: AWS was not able to validate the provided access credentials");
    EXPECT_STR(r.svc.code, "AuthFailure");
    EXPECT_STR(r.svc.request_id, "r-1");
    EXPECT(r.page.result == NULL);
    result_release(&r);
}

/* ---- fixtures ---------------------------------------------------------------------------- */

struct names {
    char **v;
    size_t n;
    const char *suffix;
};

static enum lt_rc collect(void *ctx, const char *name, bool is_dir, struct lt_error *err)
{
    struct names *ns = ctx;
    size_t len = strlen(name);
    size_t slen = strlen(ns->suffix);
    LT_UNUSED(err);
    if (!is_dir && len > slen && strcmp(name + len - slen, ns->suffix) == 0) {
        ns->v = mem_realloc_array(ns->v, ns->n + 1, sizeof(*ns->v));
        ns->v[ns->n++] = mem_strndup(name, len - slen);
    }
    return LT_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Base names (suffix removed) of dir's files ending in suffix, sorted. */
static struct names list_fixtures(const char *dir, const char *suffix)
{
    struct names ns = {NULL, 0, suffix};
    struct lt_error err = LT_ERROR_INIT;
    if (fsx_list_dir(dir, collect, &ns, &err) != LT_OK) {
        printf("Bail out! %s\n", lt_error_message(&err));
        exit(1);
    }
    lt_error_release(&err);
    if (ns.n) {
        qsort(ns.v, ns.n, sizeof(*ns.v), cmp_names);
    }
    return ns;
}

static void names_release(struct names *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        mem_free(ns->v[i]);
    }
    mem_free(ns->v);
}

static char *path_of(const char *dir, const char *name, const char *suffix)
{
    struct buf b = BUF_INIT(4096);
    if (buf_printf(&b, "%s/%s%s", dir, name, suffix) != LT_OK) {
        printf("Bail out! path too long\n");
        exit(1);
    }
    return buf_detach(&b, NULL);
}

/* Parses a fixture file; returns its canonical JSON (caller frees) or NULL after a failed check. */
static char *canonical_of(const char *path, enum ec2_page_kind *kind)
{
    size_t len = 0;
    char *data = tap_read_file(path, &len);
    struct result r;
    run(data, len, EC2_PAGE_ACCEPT_ANY, &r);
    free(data);
    if (!EXPECT_OK(r.rc)) {
        tap_note("%s: %s", path, lt_error_message(&r.err));
        result_release(&r);
        return NULL;
    }
    *kind = r.page.kind;
    char *text = buf_detach(&r.json, NULL);
    result_release(&r);
    return text;
}

/* Every XML fixture in xml_dir has a JSON twin in json_dir giving the same canonical JSON. */
static size_t check_pairs(const char *xml_dir, const char *json_dir)
{
    struct names xml = list_fixtures(xml_dir, ".xml");
    for (size_t i = 0; i < xml.n; i++) {
        char *xp = path_of(xml_dir, xml.v[i], ".xml");
        char *jp = path_of(json_dir, xml.v[i], ".json");
        enum ec2_page_kind xk = EC2_PAGE_REGIONS;
        enum ec2_page_kind jk = EC2_PAGE_LAUNCH_TEMPLATES;
        char *from_xml = canonical_of(xp, &xk);
        char *from_json = canonical_of(jp, &jk);
        tap_note("pair %s", xp);
        if (from_xml && from_json) {
            EXPECT_INT(jk, xk);
            EXPECT_STR(from_json, from_xml);
        }
        mem_free(from_xml);
        mem_free(from_json);
        mem_free(xp);
        mem_free(jp);
    }
    size_t n = xml.n;
    names_release(&xml);
    return n;
}

static void test_fixture_pairs(void)
{
    EXPECT_INT(check_pairs("fixtures/ec2-xml/basic", "fixtures/awscli-json/basic"), 5);
    EXPECT_INT(check_pairs("fixtures/ec2-xml/full-data", "fixtures/awscli-json/full-data"), 2);
    EXPECT_INT(check_pairs("fixtures/hostile", "fixtures/hostile"), 2);
}

/* Every file in fixtures/errors, with the exact failure convert reports (before its prefix). */
static const struct {
    const char *name;
    enum lt_rc rc;
    const char *msg;
} error_fixtures[] = {
    {"byte-order-mark.json", LT_E_INPUT, "starts with a byte order mark"},
    {"describe-regions.xml", LT_E_INPUT,
     "unexpected DescribeRegions response (expected DescribeLaunchTemplates or "
     "DescribeLaunchTemplateVersions)"},
    {"doctype-entity-expansion.xml", LT_E_INPUT, "line 2, column 43: DOCTYPE is not allowed"},
    {"duplicate-key.json", LT_E_INPUT, "LaunchTemplates[0]: duplicate key 'LaunchTemplateId'"},
    {"ec2-error-auth-failure.xml", LT_E_AWS,
     "AuthFailure: AWS was not able to validate the provided access credentials"},
    {"ec2-error-invalid-launch-template-id-not-found.xml", LT_E_AWS,
     "InvalidLaunchTemplateId.NotFound: The specified launch template, with template ID "
     "lt-0a1b2c3d4e5f60005, does not exist."},
    {"ec2-error-request-limit-exceeded.xml", LT_E_AWS,
     "RequestLimitExceeded: Request limit exceeded."},
    {"empty.json", LT_E_INPUT, "empty input"},
    {"empty.xml", LT_E_INPUT, "empty input"},
    {"escaped-nul.json", LT_E_INPUT, "escaped NUL character (\\u0000) at line 5, column 39"},
    {"invalid-utf8.json", LT_E_INPUT, "invalid UTF-8 at line 5, column 39"},
    {"invalid-utf8.xml", LT_E_INPUT, "line 6, column 36: not well-formed (invalid token)"},
    {"json-array.json", LT_E_INPUT, "expected a JSON object, got an array"},
    {"malformed.xml", LT_E_INPUT, "line 7, column 45: mismatched tag"},
    {"template-missing-launch-template-id.json", LT_E_INPUT,
     "LaunchTemplates[1]: missing 'LaunchTemplateId'"},
    {"template-missing-launch-template-id.xml", LT_E_INPUT,
     "LaunchTemplates[1]: missing 'LaunchTemplateId'"},
    {"trailing-garbage.json", LT_E_INPUT,
     "trailing data after the JSON document at line 4, column 1"},
    {"truncated.xml", LT_E_INPUT, "line 9, column 5: no element found"},
    {"version-missing-version-number.json", LT_E_INPUT,
     "LaunchTemplateVersions[1]: missing 'VersionNumber'"},
    {"version-missing-version-number.xml", LT_E_INPUT,
     "LaunchTemplateVersions[1]: missing 'VersionNumber'"},
    {"wrong-type.json", LT_E_INPUT,
     "LaunchTemplateVersions[0].LaunchTemplateData.EbsOptimized: expected a boolean"},
};

static void test_error_fixtures(void)
{
    struct names all = list_fixtures("fixtures/errors", "");
    EXPECT_INT(all.n, LT_ARRAY_SIZE(error_fixtures));
    for (size_t i = 0; i < LT_ARRAY_SIZE(error_fixtures); i++) {
        char *path = path_of("fixtures/errors", error_fixtures[i].name, "");
        size_t len = 0;
        char *data = tap_read_file(path, &len);
        tap_note("%s", path);
        EXPECT(i >= all.n || strcmp(all.v[i], error_fixtures[i].name) == 0);
        expect_error_len(data, len, ACCEPT_CONVERT, error_fixtures[i].rc, error_fixtures[i].msg);
        free(data);
        mem_free(path);
    }
    names_release(&all);
}

/* One page pinned byte for byte, so the pair test cannot pass on two equal wrong answers. */
static void test_fixture_exact(void)
{
    enum ec2_page_kind kind = EC2_PAGE_REGIONS;
    char *got = canonical_of("fixtures/ec2-xml/basic/describe-launch-templates-2.xml", &kind);
    EXPECT_INT(kind, EC2_PAGE_LAUNCH_TEMPLATES);
    EXPECT_STR(got, "{\"LaunchTemplates\":[{\"CreateTime\":\"2024-01-02T03:04:05.000Z\","
                    "\"CreatedBy\":\"arn:aws:iam::123456789012:user/bob\","
                    "\"DefaultVersionNumber\":4,\"LatestVersionNumber\":4,"
                    "\"LaunchTemplateId\":\"lt-0a1b2c3d4e5f60004\","
                    "\"LaunchTemplateName\":\"gpu-trainer\","
                    "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"gpu-trainer\"}]},"
                    "{\"CreateTime\":\"2020-05-06T07:08:09.000Z\","
                    "\"CreatedBy\":\"arn:aws:iam::123456789012:user/carol\","
                    "\"DefaultVersionNumber\":1,\"LatestVersionNumber\":1,"
                    "\"LaunchTemplateId\":\"lt-0a1b2c3d4e5f60005\","
                    "\"LaunchTemplateName\":\"retired-template\","
                    "\"Tags\":[{\"Key\":\"status\",\"Value\":\"deleted-during-snapshot\"}]}]}");
    mem_free(got);
}

/* Every member the model knows is kept; the ones only a newer model knows are dropped. */
static void test_full_data(void)
{
    static const char *const paths[] = {
        "fixtures/ec2-xml/full-data/describe-launch-template-versions.xml",
        "fixtures/awscli-json/full-data/describe-launch-template-versions.json",
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(paths); i++) {
        size_t len = 0;
        char *data = tap_read_file(paths[i], &len);
        struct result r;
        run(data, len, ACCEPT_CONVERT, &r);
        free(data);
        EXPECT_OK(r.rc);
        const cJSON *version = cJSON_GetArrayItem(ec2_page_items(&r.page), 0);
        const cJSON *ltd = json_get_object(version, "LaunchTemplateData");
        EXPECT_INT(cJSON_GetArraySize(ltd), 31);
        EXPECT(cJSON_GetObjectItemCaseSensitive(version, "Operator") == NULL);
        EXPECT(cJSON_GetObjectItemCaseSensitive(ltd, "Operator") == NULL);
        EXPECT(cJSON_GetObjectItemCaseSensitive(ltd, "NetworkPerformanceOptions") == NULL);
        EXPECT(cJSON_GetObjectItemCaseSensitive(ltd, "SecondaryInterfaces") == NULL);
        const cJSON *cpu = json_get_object(ltd, "CpuOptions");
        EXPECT_INT(cJSON_GetArraySize(cpu), 2);
        EXPECT(cJSON_GetObjectItemCaseSensitive(cpu, "AmdSevSnp") == NULL);
        const cJSON *nic = cJSON_GetArrayItem(json_get_array(ltd, "NetworkInterfaces"), 0);
        EXPECT_INT(cJSON_GetArraySize(nic), 19);
        const cJSON *groups = json_get_array(nic, "Groups");
        EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(groups, 1)), "sg-02222222222222222");
        const cJSON *ir = json_get_object(ltd, "InstanceRequirements");
        EXPECT_INT(cJSON_GetArraySize(ir), 23);
        const cJSON *mem = json_get_object(ir, "TotalLocalStorageGB");
        EXPECT(mem && cJSON_GetObjectItemCaseSensitive(mem, "Max")->valuedouble == 1900.25);
        result_release(&r);
    }
}

/* Control characters XML cannot carry still pass through the JSON form unchanged. */
static void test_json_only_controls(void)
{
    size_t len = 0;
    char *data = tap_read_file("fixtures/hostile/json-only-control-characters.json", &len);
    struct result r;
    run(data, len, ACCEPT_CONVERT, &r);
    free(data);
    EXPECT_OK(r.rc);
    const cJSON *item = cJSON_GetArrayItem(ec2_page_items(&r.page), 0);
    EXPECT_STR(json_get_string(item, "LaunchTemplateName"), "soh\x01us\x1f"
                                                            "del\x7f"
                                                            "end");
    const cJSON *tag = cJSON_GetArrayItem(json_get_array(item, "Tags"), 0);
    EXPECT_STR(json_get_string(tag, "Key"), "ctl\x01");
    EXPECT_STR(json_get_string(tag, "Value"),
               "\x02\x03\x04\x05\x06\x07\b\v\f\x0e\x0f\x10\x1b[31mred\x1b[0m");
    result_release(&r);
}

/*
 * ec2_page checks a JSON page's text whole (UTF-8, NUL, \u0000), and the
 * check against the EC2 model then trusts the strings cJSON made from it
 * (SHAPE_TEXT_CHECKED). That holds only if no escape decodes to invalid
 * UTF-8 or a NUL: every \uXXXX outside the surrogates, every surrogate
 * pair's edges and lone or misordered surrogates are tried here.
 */
/* Parses a page whose one template is named by the JSON string text; its name, or NULL. */
static const char *page_name(const char *text, struct result *r)
{
    struct buf page = BUF_INIT(BUF_MAX_SMALL);
    if (buf_printf(
            &page,
            "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\",\"LaunchTemplateName\":\"%s\"}]}",
            text) != LT_OK) {
        tap_note("cannot build a page");
    }
    run(buf_str(&page), page.len, ACCEPT_CONVERT, r);
    buf_release(&page);
    if (r->rc != LT_OK) {
        return NULL;
    }
    return json_get_string(cJSON_GetArrayItem(ec2_page_items(&r->page), 0), "LaunchTemplateName");
}

/* text decodes to want (valid UTF-8), or is refused when want is NULL. */
static void expect_escape(const char *text, const char *want)
{
    struct result r;
    const char *name = page_name(text, &r);
    if (want == NULL) {
        EXPECT_INT(r.rc, LT_E_INPUT);
    } else {
        EXPECT(name && utf8_valid(name, strlen(name), NULL));
        EXPECT_STR(name, want);
    }
    result_release(&r);
}

static void test_escapes_decode_to_utf8(void)
{
    unsigned bad = 0;
    for (uint32_t cp = 1; cp <= 0xFFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        char text[8];
        snprintf(text, sizeof(text), "\\u%04x", (unsigned)cp);
        struct result r;
        const char *name = page_name(text, &r);
        uint32_t got = 0;
        if (!name || utf8_decode(name, strlen(name), &got) != strlen(name) || got != cp) {
            bad++;
        }
        result_release(&r);
    }
    EXPECT_INT(bad, 0);
    expect_escape("\\ud800\\udc00", "\xF0\x90\x80\x80");
    expect_escape("\\udbff\\udfff", "\xF4\x8F\xBF\xBF");
    expect_escape("\\ud83d\\ude00", "\xF0\x9F\x98\x80");
    expect_escape("\\u00e9\\u2028\\u007f", "\xC3\xA9\xE2\x80\xA8\x7F");
    expect_escape("\\ud800", NULL);        /* a high surrogate alone */
    expect_escape("\\udfff", NULL);        /* a low surrogate alone */
    expect_escape("\\ud800x", NULL);       /* a high surrogate before text */
    expect_escape("\\ud800\\u0041", NULL); /* ... before a character that is no low one */
    expect_escape("\\ud800\\ud800", NULL); /* ... before another high one */
    expect_escape("\\udc00\\ud800", NULL); /* a pair in the wrong order */
    expect_escape("\\u0000", NULL);        /* refused by the check of the text */
}

int main(void)
{
    json_use_mem_hooks();
    test_forms();
    test_rejected();
    test_service_error();
    test_fixture_pairs();
    test_fixture_exact();
    test_error_fixtures();
    test_full_data();
    test_json_only_controls();
    test_escapes_decode_to_utf8();
    return tap_done();
}
