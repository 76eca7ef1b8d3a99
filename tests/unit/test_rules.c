/*
 * Unit tests for snap/rules: the table's invariants (stable, unique ids in
 * order, one-line texts, valid severities) and every check on inputs made
 * here, including the edges: IMDS disabled, unknown token values, hop limit
 * 1, absent values, the version-count threshold, long lists.
 */
#include <string.h>

#include "base/buf.h"
#include "snap/rules.h"
#include "tap.h"

static const struct rule *rule(const char *id)
{
    for (size_t i = 0; i < rules_count; i++) {
        if (strcmp(rules[i].id, id) == 0) {
            return &rules[i];
        }
    }
    return NULL;
}

/* Runs rule id on in; returns whether it found something, detail in *d. */
static bool run(const char *id, const struct rule_input *in, struct buf *d)
{
    bool found = true;
    buf_reset(d);
    EXPECT_OK(rule(id)->check(in, &found, d));
    EXPECT_INT(found, d->len > 0); /* a finding always says why; no finding says nothing */
    return found;
}

static bool one_line(const char *s)
{
    return s && *s && strchr(s, '\n') == NULL;
}

static void test_table(void)
{
    EXPECT_INT(rules_count, 11);
    for (size_t i = 0; i < rules_count; i++) {
        const struct rule *u = &rules[i];
        char want[8] = {'L',
                        'T',
                        'S',
                        (char)('0' + (i + 1) / 100),
                        (char)('0' + (i + 1) / 10 % 10),
                        (char)('0' + (i + 1) % 10),
                        '\0'};
        EXPECT_STR(u->id, want); /* LTS001, LTS002, ... in order, none skipped */
        EXPECT(one_line(u->name) && one_line(u->title) && one_line(u->rationale) &&
               one_line(u->remedy));
        EXPECT(u->severity >= RULE_LOW && u->severity <= RULE_HIGH);
        EXPECT(u->check != NULL);
        for (size_t k = 0; k < i; k++) {
            EXPECT(strcmp(rules[k].name, u->name) != 0);
        }
    }
    EXPECT_STR(rule("LTS001")->security_hub, "EC2.170");
    EXPECT_STR(rule("LTS001")->prowler, "ec2_launch_template_imdsv2_required");
    EXPECT_STR(rule("LTS002")->security_hub, "EC2.170");
    EXPECT_STR(rule("LTS004")->security_hub, "EC2.25");
    EXPECT_STR(rule("LTS004")->prowler, "ec2_launch_template_no_public_ip");
    EXPECT_STR(rule("LTS007")->prowler, "ec2_launch_template_no_secrets");
    EXPECT_INT(rule("LTS008")->judges, RULE_JUDGES_TEMPLATE);
    EXPECT_INT(rule("LTS011")->judges, RULE_JUDGES_TOMBSTONE);

    enum rule_severity s = RULE_LOW;
    EXPECT(rule_severity_parse("high", &s) && s == RULE_HIGH);
    EXPECT(rule_severity_parse("medium", &s) && s == RULE_MEDIUM);
    EXPECT(!rule_severity_parse("critical", &s) && s == RULE_MEDIUM);
    EXPECT(!rule_severity_parse("HIGH", &s));
    EXPECT_STR(rule_severity_name(RULE_LOW), "low");
    EXPECT_STR(rule_judges_name(RULE_JUDGES_EVERY_VERSION), "every-version");
}

static void test_imds(void)
{
    struct buf d = BUF_INIT(4096);
    struct rule_input in = {0};
    /* Nothing set: tokens unspecified, not optional; no hop limit rule. */
    EXPECT(!run("LTS001", &in, &d));
    EXPECT(run("LTS002", &in, &d));
    EXPECT(!run("LTS003", &in, &d));
    in.http_tokens = "optional";
    EXPECT(run("LTS001", &in, &d));
    EXPECT_STR(buf_str(&d), "http_tokens is \"optional\": instances answer IMDSv1 requests without "
                            "a token");
    EXPECT(!run("LTS002", &in, &d));
    in.http_tokens = "required";
    EXPECT(!run("LTS001", &in, &d));
    EXPECT(!run("LTS002", &in, &d));
    in.http_tokens = "v1-please"; /* a value the API does not have: not "required", so found */
    EXPECT(run("LTS001", &in, &d));
    in.has_hop_limit = true;
    in.hop_limit = 1;
    EXPECT(!run("LTS003", &in, &d));
    in.hop_limit = 2;
    EXPECT(run("LTS003", &in, &d));
    EXPECT_STR(buf_str(&d), "http_put_response_hop_limit is 2");
    /* IMDS disabled: no metadata rule applies, whatever the other settings. */
    in.http_endpoint = "disabled";
    in.http_tokens = "optional";
    EXPECT(!run("LTS001", &in, &d));
    EXPECT(!run("LTS003", &in, &d));
    in.http_tokens = NULL;
    EXPECT(!run("LTS002", &in, &d));
    in.http_endpoint = "enabled";
    EXPECT(run("LTS002", &in, &d));
    buf_release(&d);
}

static void test_network_and_ebs(void)
{
    struct buf d = BUF_INIT(4096);
    struct rule_input in = {0};
    EXPECT(!run("LTS004", &in, &d)); /* absent: the subnet decides; not judged */
    in.has_public_ip = true;
    EXPECT(!run("LTS004", &in, &d));
    cJSON *data = cJSON_Parse("{\"NetworkInterfaces\":[{\"DeviceIndex\":1,"
                              "\"AssociatePublicIpAddress\":true},{\"DeviceIndex\":0},"
                              "{\"AssociatePublicIpAddress\":true}],"
                              "\"BlockDeviceMappings\":[{\"DeviceName\":\"/dev/xvda\","
                              "\"Ebs\":{\"Encrypted\":true}},{\"DeviceName\":\"/dev/sdf\","
                              "\"Ebs\":{\"Encrypted\":false}},{\"DeviceName\":\"/dev/sdg\","
                              "\"Ebs\":{}},{\"Ebs\":{\"Encrypted\":false}},"
                              "{\"DeviceName\":\"/dev/sdb\",\"VirtualName\":\"ephemeral0\"}]}");
    EXPECT(data != NULL);
    in.data = data;
    in.public_ip = true;
    EXPECT(run("LTS004", &in, &d));
    EXPECT_STR(buf_str(&d), "AssociatePublicIpAddress is true: instances get a public IPv4 "
                            "address (network interface at device index 1, (none))");
    EXPECT(run("LTS005", &in, &d));
    EXPECT_STR(buf_str(&d), "EBS mappings /dev/sdf, (no device name): Encrypted is false");
    EXPECT(run("LTS006", &in, &d));
    EXPECT_STR(buf_str(&d), "EBS mapping /dev/sdg: Encrypted is not set (encrypted only if the "
                            "snapshot is, or EBS encryption by default is on)");
    cJSON_Delete(data);
    /* No EBS mapping at all: nothing to judge. */
    in.data = NULL;
    EXPECT(!run("LTS005", &in, &d));
    EXPECT(!run("LTS006", &in, &d));
    /* A long list is cut after 8 names. */
    data = cJSON_Parse("{\"BlockDeviceMappings\":[{\"DeviceName\":\"a\",\"Ebs\":{}},"
                       "{\"DeviceName\":\"b\",\"Ebs\":{}},{\"DeviceName\":\"c\",\"Ebs\":{}},"
                       "{\"DeviceName\":\"d\",\"Ebs\":{}},{\"DeviceName\":\"e\",\"Ebs\":{}},"
                       "{\"DeviceName\":\"f\",\"Ebs\":{}},{\"DeviceName\":\"g\",\"Ebs\":{}},"
                       "{\"DeviceName\":\"h\",\"Ebs\":{}},{\"DeviceName\":\"i\",\"Ebs\":{}},"
                       "{\"DeviceName\":\"j\",\"Ebs\":{}}]}");
    in.data = data;
    EXPECT(run("LTS006", &in, &d));
    EXPECT(strncmp(buf_str(&d), "EBS mappings a, b, c, d, e, f, g, h and 2 more: ", 48) == 0);
    cJSON_Delete(data);
    buf_release(&d);
}

static void test_user_data_and_template(void)
{
    struct buf d = BUF_INIT(4096);
    struct rule_input in = {0};
    EXPECT(!run("LTS007", &in, &d));
    in.secret_kinds = "";
    EXPECT(!run("LTS007", &in, &d));
    in.secret_kinds = "aws-access-key-id\x1fpassword";
    EXPECT(run("LTS007", &in, &d));
    EXPECT_STR(buf_str(&d), "user data looks like it holds: aws-access-key-id, password");

    EXPECT(run("LTS008", &in, &d)); /* no tags */
    in.tags = 1;
    EXPECT(!run("LTS008", &in, &d));

    EXPECT(!run("LTS009", &in, &d)); /* numbers absent: nothing to compare */
    in.has_default_number = in.has_latest_number = true;
    in.default_version_number = 3;
    in.latest_version_number = 3;
    EXPECT(!run("LTS009", &in, &d));
    in.default_version_number = 2;
    EXPECT(run("LTS009", &in, &d));
    EXPECT_STR(buf_str(&d), "default version 2, latest version 3");

    in.versions = RULES_MANY_VERSIONS;
    EXPECT(!run("LTS010", &in, &d));
    in.versions = RULES_MANY_VERSIONS + 1;
    in.latest_version_number = 250;
    EXPECT(run("LTS010", &in, &d));
    EXPECT_STR(buf_str(&d),
               "101 versions in the snapshot (more than 100), latest version number 250");

    EXPECT(!run("LTS011", &in, &d));
    in.tombstone_reason = "NoVersions";
    EXPECT(run("LTS011", &in, &d));
    EXPECT_STR(buf_str(&d), "listed without any version (NoVersions)");
    in.tombstone_reason = "InvalidLaunchTemplateId.NotFound";
    EXPECT(run("LTS011", &in, &d));
    EXPECT_STR(buf_str(&d),
               "deleted while the snapshot was taken (InvalidLaunchTemplateId.NotFound)");
    buf_release(&d);
}

int main(void)
{
    test_table();
    test_imds();
    test_network_and_ebs();
    test_user_data_and_template();
    return tap_done();
}
