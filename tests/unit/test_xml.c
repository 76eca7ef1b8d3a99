/* Unit tests for aws/xml: EC2 and Query XML into member-name JSON, error documents, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/shape.h"
#include "aws/xml.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "tap.h"

#define NS "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""

struct parsed {
    enum lt_rc rc;
    const char *op;  /* operation name, or NULL */
    struct buf json; /* canonical result */
    struct lt_error err;
    struct aws_service_error svc;
};

static void parse_with(const struct shape_model *m, const char *xml, size_t len, struct parsed *p)
{
    const struct shape_operation *op = NULL;
    cJSON *result = NULL;
    buf_init(&p->json, BUF_MAX_LARGE);
    lt_error_init(&p->err);
    p->rc = xml_parse_response(m, xml, len, &op, &result, &p->svc, &p->err);
    p->op = op ? op->name : NULL;
    if (result && json_canonical(result, &p->json) != LT_OK) {
        tap_note("cannot print the result");
    }
    cJSON_Delete(result);
}

static void parse(const char *xml, struct parsed *p)
{
    parse_with(&ec2_shape_model, xml, strlen(xml), p);
}

static void parsed_release(struct parsed *p)
{
    buf_release(&p->json);
    lt_error_release(&p->err);
    aws_service_error_release(&p->svc);
}

/* Parses xml (EC2 model) and checks the canonical result. */
static void expect_json(const char *xml, const char *want)
{
    struct parsed p;
    parse(xml, &p);
    EXPECT_OK(p.rc);
    if (p.rc != LT_OK) {
        tap_note("error: %s", lt_error_message(&p.err));
    }
    EXPECT_STR(buf_str(&p.json), want);
    parsed_release(&p);
}

/* Parses xml (EC2 model) and checks the failure code and message. */
static void expect_fail(const char *xml, enum lt_rc code, const char *msg)
{
    struct parsed p;
    parse(xml, &p);
    EXPECT_INT(p.rc, code);
    EXPECT_STR(lt_error_message(&p.err), msg);
    EXPECT(p.op == NULL);
    EXPECT_INT(p.json.len, 0);
    parsed_release(&p);
}

static void test_launch_templates(void)
{
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<DescribeLaunchTemplatesResponse " NS ">\n"
                      "    <requestId>req-1</requestId>\n"
                      "    <launchTemplates>\n"
                      "        <item>\n"
                      "            <createTime>2021-10-12T06:27:52.000Z</createTime>\n"
                      "            <createdBy>arn:aws:iam::123456789012:user/a</createdBy>\n"
                      "            <defaultVersionNumber>2</defaultVersionNumber>\n"
                      "            <latestVersionNumber>4294967297</latestVersionNumber>\n"
                      "            <launchTemplateId>lt-0123456789abcdef0</launchTemplateId>\n"
                      "            <launchTemplateName>web</launchTemplateName>\n"
                      "            <tagSet>\n"
                      "                <item><key>Name</key><value>web</value></item>\n"
                      "                <item><key>empty</key><value></value></item>\n"
                      "                <item><key>self</key><value/></item>\n"
                      "            </tagSet>\n"
                      "            <operator><managed>true</managed></operator>\n"
                      "        </item>\n"
                      "        <item><launchTemplateId>lt-2</launchTemplateId><tagSet/></item>\n"
                      "    </launchTemplates>\n"
                      "    <nextToken>tok==</nextToken>\n"
                      "</DescribeLaunchTemplatesResponse>\n";
    struct parsed p;
    parse(xml, &p);
    EXPECT_OK(p.rc);
    EXPECT_STR(p.op, "DescribeLaunchTemplates");
    EXPECT_STR(buf_str(&p.json),
               "{\"LaunchTemplates\":[{\"CreateTime\":\"2021-10-12T06:27:52.000Z\","
               "\"CreatedBy\":\"arn:aws:iam::123456789012:user/a\",\"DefaultVersionNumber\":2,"
               "\"LatestVersionNumber\":4294967297,"
               "\"LaunchTemplateId\":\"lt-0123456789abcdef0\",\"LaunchTemplateName\":\"web\","
               "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"web\"},{\"Key\":\"empty\",\"Value\":\"\"},"
               "{\"Key\":\"self\",\"Value\":\"\"}]},"
               "{\"LaunchTemplateId\":\"lt-2\",\"Tags\":[]}],\"NextToken\":\"tok==\"}");
    EXPECT(p.svc.code == NULL);
    parsed_release(&p);
}

static void test_versions(void)
{
    /* Nested lists, groupSet items named <groupId>, every scalar type, empty lists. */
    expect_json("<DescribeLaunchTemplateVersionsResponse " NS ">"
                "<launchTemplateVersionSet><item>"
                "<createTime>2022-03-01T17:05:09.123Z</createTime>"
                "<defaultVersion>true</defaultVersion>"
                "<launchTemplateId>lt-1</launchTemplateId>"
                "<versionNumber>3</versionNumber>"
                "<launchTemplateData>"
                "<ebsOptimized>false</ebsOptimized>"
                "<networkInterfaceSet><item>"
                "<deviceIndex>0</deviceIndex>"
                "<groupSet><groupId>sg-a</groupId><groupId>sg-b</groupId><item>x</item></groupSet>"
                "<ipv6AddressesSet/>"
                "</item></networkInterfaceSet>"
                "<instanceRequirements><memoryGiBPerVCpu><min>0.5</min><max>1e1</max>"
                "</memoryGiBPerVCpu><vCpuCount><min>-2</min></vCpuCount>"
                "<cpuManufacturerSet><item>intel</item><item>amd</item></cpuManufacturerSet>"
                "</instanceRequirements>"
                "<instanceMarketOptions><spotOptions>"
                "<validUntil>2030-01-01T00:00:00Z</validUntil>"
                "</spotOptions></instanceMarketOptions>"
                "<securityGroupIdSet></securityGroupIdSet>"
                "<userData>IyEvYmluL3NoCg==</userData>"
                "</launchTemplateData>"
                "</item></launchTemplateVersionSet>"
                "</DescribeLaunchTemplateVersionsResponse>",
                "{\"LaunchTemplateVersions\":[{\"CreateTime\":\"2022-03-01T17:05:09.123Z\","
                "\"DefaultVersion\":true,\"LaunchTemplateData\":{\"EbsOptimized\":false,"
                "\"InstanceMarketOptions\":{\"SpotOptions\":{\"ValidUntil\":"
                "\"2030-01-01T00:00:00.000Z\"}},"
                "\"InstanceRequirements\":{\"CpuManufacturers\":[\"intel\",\"amd\"],"
                "\"MemoryGiBPerVCpu\":{\"Max\":10,\"Min\":0.5},\"VCpuCount\":{\"Min\":-2}},"
                "\"NetworkInterfaces\":[{\"DeviceIndex\":0,\"Groups\":[\"sg-a\",\"sg-b\"],"
                "\"Ipv6Addresses\":[]}],\"SecurityGroupIds\":[],"
                "\"UserData\":\"IyEvYmluL3NoCg==\"},\"LaunchTemplateId\":\"lt-1\","
                "\"VersionNumber\":3}]}");
}

static void test_regions(void)
{
    struct parsed p;
    parse("<DescribeRegionsResponse " NS "><requestId>r</requestId><regionInfo>"
          "<item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com"
          "</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>"
          "</regionInfo></DescribeRegionsResponse>",
          &p);
    EXPECT_OK(p.rc);
    EXPECT_STR(p.op, "DescribeRegions");
    EXPECT_STR(buf_str(&p.json), "{\"Regions\":[{\"Endpoint\":\"ec2.eu-west-1.amazonaws.com\","
                                 "\"OptInStatus\":\"opt-in-not-required\","
                                 "\"RegionName\":\"eu-west-1\"}]}");
    parsed_release(&p);
    /* No list at all: an empty structure (ec2_page adds the empty list). */
    expect_json("<DescribeRegionsResponse/>", "{}");
}

static void test_text_forms(void)
{
    /* Entities, character references, CDATA, white space kept inside values. */
    expect_json("<DescribeLaunchTemplatesResponse><launchTemplates><item>"
                "<launchTemplateName>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#x1F600;"
                "&#13;&#10;&#9;.</launchTemplateName>"
                "<createdBy><![CDATA[<x>&amp;]]>y<![CDATA[]]></createdBy>"
                "<launchTemplateId>  lt-1 \n</launchTemplateId>"
                "</item></launchTemplates></DescribeLaunchTemplatesResponse>",
                "{\"LaunchTemplates\":[{\"CreatedBy\":\"<x>&amp;y\","
                "\"LaunchTemplateId\":\"  lt-1 \\n\","
                "\"LaunchTemplateName\":\"<a> & \\\"b\\\" 'c' \xF0\x9F\x98\x80\\r\\n\\t.\"}]}");
    /* A literal CR (and CRLF) is a line end in XML: it reads as LF. */
    expect_json("<DescribeLaunchTemplatesResponse><launchTemplates><item>"
                "<launchTemplateName>a\r\nb\rc</launchTemplateName>"
                "</item></launchTemplates></DescribeLaunchTemplatesResponse>",
                "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"a\\nb\\nc\"}]}");
    /* Namespace prefixes are ignored; a declared encoding cannot switch from UTF-8. */
    expect_json("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                "<e:DescribeLaunchTemplatesResponse xmlns:e=\"urn:x\"><e:launchTemplates><item>"
                "<e:launchTemplateName>caf\xC3\xA9</e:launchTemplateName>"
                "</item></e:launchTemplates></e:DescribeLaunchTemplatesResponse>",
                "{\"LaunchTemplates\":[{\"LaunchTemplateName\":\"caf\xC3\xA9\"}]}");
    /* Comments and processing instructions are ignored. */
    expect_json("<!-- c --><DescribeLaunchTemplatesResponse><?pi x?><launchTemplates><!-- c -->"
                "</launchTemplates></DescribeLaunchTemplatesResponse>",
                "{\"LaunchTemplates\":[]}");
}

static void test_unknown_skipped(void)
{
    /* Unknown elements go with their whole subtree, even where it holds known names. */
    expect_json("<DescribeLaunchTemplatesResponse " NS ">"
                "<newThing a=\"1\"><launchTemplates><item><launchTemplateId>no</launchTemplateId>"
                "</item></launchTemplates>text<deeper><x/></deeper></newThing>"
                "<launchTemplates><item><launchTemplateId>lt-1</launchTemplateId>"
                "<operator><managed>true</managed><principal>x</principal></operator>"
                "<launchTemplateData>not in this shape</launchTemplateData>"
                "</item><notAnItem><launchTemplateId>no</launchTemplateId></notAnItem>"
                "</launchTemplates></DescribeLaunchTemplatesResponse>",
                "{\"LaunchTemplates\":[{\"LaunchTemplateId\":\"lt-1\"}]}");
}

static void test_sts(void)
{
    struct parsed p;
    const char *xml =
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
        "  <AssumeRoleResult>\n"
        "    <SourceIdentity>me</SourceIdentity>\n"
        "    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/R/s</Arn>"
        "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\n"
        "    <Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sec</SecretAccessKey>"
        "<SessionToken>tok</SessionToken><Expiration>2030-01-02T03:04:05Z</Expiration>"
        "</Credentials>\n"
        "    <PackedPolicySize>6</PackedPolicySize>\n"
        "  </AssumeRoleResult>\n"
        "  <ResponseMetadata><RequestId>abc</RequestId></ResponseMetadata>\n"
        "</AssumeRoleResponse>\n";
    parse_with(&sts_shape_model, xml, strlen(xml), &p);
    EXPECT_OK(p.rc);
    EXPECT_STR(p.op, "AssumeRole");
    EXPECT_STR(buf_str(&p.json),
               "{\"AssumedRoleUser\":{\"Arn\":\"arn:aws:sts::1:assumed-role/R/s\","
               "\"AssumedRoleId\":\"AROA:s\"},\"Credentials\":{\"AccessKeyId\":\"ASIAX\","
               "\"Expiration\":\"2030-01-02T03:04:05.000Z\",\"SecretAccessKey\":\"sec\","
               "\"SessionToken\":\"tok\"},\"PackedPolicySize\":6,\"SourceIdentity\":\"me\"}");
    parsed_release(&p);

    xml = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/u</Arn>"
          "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
          "</GetCallerIdentityResponse>";
    parse_with(&sts_shape_model, xml, strlen(xml), &p);
    EXPECT_OK(p.rc);
    EXPECT_STR(p.op, "GetCallerIdentity");
    EXPECT_STR(
        buf_str(&p.json),
        "{\"Account\":\"123456789012\",\"Arn\":\"arn:aws:iam::1:user/u\",\"UserId\":\"AIDA\"}");
    parsed_release(&p);

    /* An EC2 root is unknown to STS, and the Result wrapper may not repeat. */
    xml = "<DescribeRegionsResponse/>";
    parse_with(&sts_shape_model, xml, strlen(xml), &p);
    EXPECT_INT(p.rc, LT_E_INPUT);
    EXPECT_STR(lt_error_message(&p.err),
               "line 1, column 1: unexpected root element 'DescribeRegionsResponse'");
    parsed_release(&p);
    xml = "<GetCallerIdentityResponse><GetCallerIdentityResult/><GetCallerIdentityResult/>"
          "</GetCallerIdentityResponse>";
    parse_with(&sts_shape_model, xml, strlen(xml), &p);
    EXPECT_INT(p.rc, LT_E_INPUT);
    EXPECT_STR(lt_error_message(&p.err),
               "line 1, column 54: duplicate element 'GetCallerIdentityResult'");
    parsed_release(&p);
}

static void test_error_documents(void)
{
    struct parsed p;
    parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<Response><Errors><Error><Code>InvalidLaunchTemplateId.NotFound</Code>"
          "<Message>The specified launch template, with template ID lt-0123, does not exist."
          "</Message></Error><Error><Code>Second</Code></Error></Errors>"
          "<RequestID>5b8e-req</RequestID></Response>",
          &p);
    EXPECT_INT(p.rc, LT_E_AWS);
    EXPECT_STR(lt_error_message(&p.err), "InvalidLaunchTemplateId.NotFound: The specified launch "
                                         "template, with template ID lt-0123, does not exist.");
    EXPECT_STR(p.svc.code, "InvalidLaunchTemplateId.NotFound");
    EXPECT_STR(p.svc.message,
               "The specified launch template, with template ID lt-0123, does not exist.");
    EXPECT_STR(p.svc.request_id, "5b8e-req");
    EXPECT(p.op == NULL);
    EXPECT_INT(p.json.len, 0);
    parsed_release(&p);
    EXPECT(p.svc.code == NULL);

    /* The Query protocol's form, read the same with any service model. */
    const char *xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                      "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
                      "<Message>User: arn:aws:iam::1:user/u is not authorized\n</Message></Error>"
                      "<RequestId>q-1</RequestId></ErrorResponse>";
    parse_with(&sts_shape_model, xml, strlen(xml), &p);
    EXPECT_INT(p.rc, LT_E_AWS);
    EXPECT_STR(lt_error_message(&p.err),
               "AccessDenied: User: arn:aws:iam::1:user/u is not authorized\n");
    EXPECT_STR(p.svc.code, "AccessDenied");
    EXPECT_STR(p.svc.request_id, "q-1");
    parsed_release(&p);

    /* No message; and no code at all, which is not a usable error document. */
    parse("<Response><Errors><Error><Code>Throttling</Code></Error></Errors></Response>", &p);
    EXPECT_INT(p.rc, LT_E_AWS);
    EXPECT_STR(lt_error_message(&p.err), "Throttling");
    EXPECT(p.svc.message == NULL);
    EXPECT(p.svc.request_id == NULL);
    parsed_release(&p);
    expect_fail("<Response><Errors/></Response>", LT_E_INPUT,
                "error document 'Response' without a 'Code'");

    /* A long message is cut in err (at a character), kept whole in svc. */
    struct buf doc = BUF_INIT(BUF_MAX_SMALL);
    EXPECT_OK(buf_adds(&doc, "<Response><Errors><Error><Code>C</Code><Message>"));
    enum lt_rc rc = LT_OK;
    for (int i = 0; i < 600 && rc == LT_OK; i++) {
        rc = buf_adds(&doc, i == 0 ? "a" : "\xC3\xA9");
    }
    EXPECT_OK(rc);
    EXPECT_OK(buf_adds(&doc, "</Message></Error></Errors></Response>"));
    parse(buf_str(&doc), &p);
    EXPECT_INT(p.rc, LT_E_AWS);
    EXPECT_INT(strlen(p.svc.message), 1199);
    EXPECT_INT(strlen(lt_error_message(&p.err)), 3 + 1023 + 3);
    parsed_release(&p);
    buf_release(&doc);

    /* Without a service model (the transport's view of a 4xx/5xx body). */
    struct aws_service_error svc;
    struct lt_error err = LT_ERROR_INIT;
    xml = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
          "exceeded.</Message></Error></Errors><RequestID>r-9</RequestID></Response>";
    EXPECT_INT(xml_parse_error_document(xml, strlen(xml), &svc, &err), LT_E_AWS);
    EXPECT_STR(lt_error_message(&err), "RequestLimitExceeded: Request limit exceeded.");
    EXPECT_STR(svc.code, "RequestLimitExceeded");
    EXPECT_STR(svc.request_id, "r-9");
    aws_service_error_release(&svc);
    lt_error_release(&err);
    xml = "<DescribeRegionsResponse/>";
    EXPECT_INT(xml_parse_error_document(xml, strlen(xml), &svc, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err),
               "line 1, column 1: unexpected root element 'DescribeRegionsResponse'");
    EXPECT(svc.code == NULL);
    lt_error_release(&err);
    EXPECT_INT(xml_parse_error_document("<html>Bad Gateway</html>", 24, &svc, &err), LT_E_INPUT);
    EXPECT_STR(lt_error_message(&err), "line 1, column 1: unexpected root element 'html'");
    lt_error_release(&err);

    EXPECT(xml_is_error_document("<Response><Errors/></Response>", 30));
    EXPECT(xml_is_error_document("<?xml version=\"1.0\"?>\n<ErrorResponse>", 37));
    EXPECT(!xml_is_error_document("<DescribeRegionsResponse/>", 26));
    EXPECT(!xml_is_error_document("not xml", 7));
    EXPECT(!xml_is_error_document("", 0));
    EXPECT(!xml_is_error_document("<!DOCTYPE Response><Response/>", 30));
}

static void test_malformed(void)
{
    expect_fail("", LT_E_INPUT, "line 1, column 1: no element found");
    expect_fail("<DescribeRegionsResponse><regionInfo></DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 40: mismatched tag");
    expect_fail("<DescribeRegionsResponse>\n  <regionInfo>\n    <item><regionName>eu-we",
                LT_E_INPUT, "line 3, column 28: no element found");
    expect_fail("<DescribeRegionsResponse><regionInfo/></DescribeRegionsResponse><x/>", LT_E_INPUT,
                "line 1, column 65: junk after document element");
    expect_fail("<DescribeRegionsResponse>&bogus;</DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 26: undefined entity");
    expect_fail("<DescribeRegionsResponse>&#0;</DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 26: reference to invalid character number");
    expect_fail("<DescribeRegionsResponse>\x01</DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 26: not well-formed (invalid token)");
    /* Invalid UTF-8 (a lone continuation byte, an overlong form, a surrogate). */
    expect_fail("<DescribeRegionsResponse><regionInfo><item><regionName>a\x80</regionName>"
                "</item></regionInfo></DescribeRegionsResponse>",
                LT_E_INPUT, "line 1, column 57: not well-formed (invalid token)");
    expect_fail("<DescribeRegionsResponse>\xC0\xAF</DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 26: not well-formed (invalid token)");
    expect_fail("<DescribeRegionsResponse>\xED\xA0\x80</DescribeRegionsResponse>", LT_E_INPUT,
                "line 1, column 26: not well-formed (invalid token)");
    expect_fail("<x:DescribeRegionsResponse/>", LT_E_INPUT, "line 1, column 1: unbound prefix");
    /* Shape violations. */
    expect_fail("<Unknown/>", LT_E_INPUT, "line 1, column 1: unexpected root element 'Unknown'");
    expect_fail("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>\n"
                "<launchTemplateData><ebsOptimized>yes</ebsOptimized></launchTemplateData>"
                "</item></launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>",
                LT_E_INPUT, "line 2, column 38: 'ebsOptimized': invalid boolean 'yes'");
    expect_fail("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                "<versionNumber>1.0</versionNumber></item></launchTemplateVersionSet>"
                "</DescribeLaunchTemplateVersionsResponse>",
                LT_E_INPUT, "line 1, column 91: 'versionNumber': invalid integer '1.0'");
    expect_fail("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                "<versionNumber></versionNumber></item></launchTemplateVersionSet>"
                "</DescribeLaunchTemplateVersionsResponse>",
                LT_E_INPUT, "line 1, column 88: 'versionNumber': invalid integer ''");
    expect_fail("<DescribeLaunchTemplatesResponse><launchTemplates><item>"
                "<createTime>2021-02-30T00:00:00Z</createTime></item></launchTemplates>"
                "</DescribeLaunchTemplatesResponse>",
                LT_E_INPUT,
                "line 1, column 89: 'createTime': invalid timestamp '2021-02-30T00:00:00Z'");
    expect_fail("<DescribeLaunchTemplatesResponse><launchTemplates>x</launchTemplates>"
                "</DescribeLaunchTemplatesResponse>",
                LT_E_INPUT, "line 1, column 51: unexpected text in 'launchTemplates'");
    expect_fail("<DescribeLaunchTemplatesResponse><launchTemplates><item>"
                "<launchTemplateId>a<b/></launchTemplateId></item></launchTemplates>"
                "</DescribeLaunchTemplatesResponse>",
                LT_E_INPUT, "line 1, column 76: element 'b' inside the value 'launchTemplateId'");
    expect_fail("<DescribeLaunchTemplatesResponse><launchTemplates><item>"
                "<launchTemplateId>a</launchTemplateId><launchTemplateId>b</launchTemplateId>"
                "</item></launchTemplates></DescribeLaunchTemplatesResponse>",
                LT_E_INPUT, "line 1, column 95: duplicate element 'launchTemplateId'");
    expect_fail("<DescribeLaunchTemplatesResponse><launchTemplates/><launchTemplates/>"
                "</DescribeLaunchTemplatesResponse>",
                LT_E_INPUT, "line 1, column 52: duplicate element 'launchTemplates'");
}

static void test_doctype(void)
{
    expect_fail("<?xml version=\"1.0\"?>\n"
                "<!DOCTYPE lolz [\n"
                "  <!ENTITY lol \"lol\">\n"
                "  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                "  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                "]>\n"
                "<DescribeRegionsResponse>&lol3;</DescribeRegionsResponse>\n",
                LT_E_INPUT, "line 2, column 16: DOCTYPE is not allowed");
    expect_fail("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><DescribeRegionsResponse/>", LT_E_INPUT,
                "line 1, column 40: DOCTYPE is not allowed");
}

static void test_limits(void)
{
    struct buf doc = BUF_INIT(BUF_MAX_LARGE);
    /* 63 nested elements under the root are fine, 64 are one too many. */
    for (int depth = 63; depth <= 64; depth++) {
        buf_reset(&doc);
        enum lt_rc rc = buf_adds(&doc, "<DescribeRegionsResponse>");
        for (int i = 0; i < depth && rc == LT_OK; i++) {
            rc = buf_adds(&doc, "<a>");
        }
        for (int i = 0; i < depth && rc == LT_OK; i++) {
            rc = buf_adds(&doc, "</a>");
        }
        if (rc == LT_OK) {
            rc = buf_adds(&doc, "</DescribeRegionsResponse>");
        }
        EXPECT_OK(rc);
        if (depth == 63) {
            expect_json(buf_str(&doc), "{}");
        } else {
            expect_fail(buf_str(&doc), LT_E_LIMIT,
                        "line 1, column 215: nested deeper than 64 elements at 'a'");
        }
    }
    /* One value of 1 MiB is fine, one byte more is not. */
    for (size_t n = 1024 * 1024; n <= 1024 * 1024 + 1; n++) {
        buf_reset(&doc);
        EXPECT_OK(buf_adds(&doc, "<DescribeRegionsResponse><regionInfo><item><regionName>"));
        char *big = mem_alloc(n + 1);
        memset(big, 'r', n);
        big[n] = '\0';
        EXPECT_OK(buf_adds(&doc, big));
        mem_free(big);
        EXPECT_OK(buf_adds(&doc, "</regionName></item></regionInfo></DescribeRegionsResponse>"));
        struct parsed p;
        parse(buf_str(&doc), &p);
        if (n == 1024 * 1024) {
            EXPECT_OK(p.rc);
            EXPECT_INT(p.json.len, n + 31);
        } else {
            EXPECT_INT(p.rc, LT_E_LIMIT);
            EXPECT_STR(lt_error_message(&p.err),
                       "line 1, column 56: value of 'regionName' longer than 1048576 bytes");
        }
        parsed_release(&p);
    }
    buf_release(&doc);
}

int main(void)
{
    test_launch_templates();
    test_versions();
    test_regions();
    test_text_forms();
    test_unknown_skipped();
    test_sts();
    test_error_documents();
    test_malformed();
    test_doctype();
    test_limits();
    return tap_done();
}
