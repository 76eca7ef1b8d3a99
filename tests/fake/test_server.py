"""scripts/fake-aws end to end: auth, paging, modes, errors, credentials endpoints, stats."""

import datetime
import json
import os
import socket
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fakehelp as fh  # noqa: E402
from fakehelp import DENIED, MAIN, NOTRUST, ec2_items, error_code, text  # noqa: E402

LT = "DescribeLaunchTemplates"
LTV = "DescribeLaunchTemplateVersions"
US_EAST_VISIBLE = ["lt-0e2e0000000000101", "lt-0e2e0000000000102", "lt-0e2e0000000000103",
                   "lt-0e2e0000000000104", "lt-0e2e0000000000106", "lt-0e2e0000000000107"]
# (id, latest, default) of the visible us-east-1 templates of the main account
LATEST_DEFAULT = {"lt-0e2e0000000000101": (4, 2), "lt-0e2e0000000000102": (1, 1),
                  "lt-0e2e0000000000103": (2, 2), "lt-0e2e0000000000104": (7, 1),
                  "lt-0e2e0000000000106": (1, 1), "lt-0e2e0000000000107": (3, 3)}
BOTH = {"LaunchTemplateVersion.1": "$Latest", "LaunchTemplateVersion.2": "$Default"}


def ids(items):
    return [text(i, "launchTemplateId") for i in items]


def versions(items):
    return [(text(i, "launchTemplateId"), int(text(i, "versionNumber"))) for i in items]


class FakeCase(unittest.TestCase):
    data = fh.E2E
    args = ()

    @classmethod
    def setUpClass(cls):
        cls.fake = fh.Fake(cls.data, cls.args)

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        cls.fake.cleanup()

    def setUp(self):
        self.fake.reset(faults=[])

    def assertError(self, resp, status, code):
        st, _, body = resp
        self.assertEqual((st, error_code(body)), (status, code), body[:400])


class Auth(FakeCase):
    def test_signed_request_accepted(self):
        st, hdrs, body = self.fake.call("DescribeRegions")
        self.assertEqual(st, 200, body)
        self.assertTrue(hdrs["x-amzn-requestid"])

    def test_libcurl_signer_interoperates(self):
        import shutil
        import subprocess
        if shutil.which("curl") is None:
            self.skipTest("curl not installed")
        for service, body, want in (
                ("ec2", "Action=DescribeLaunchTemplateVersions&Version=2016-11-15&"
                        "LaunchTemplateVersion.1=%24Latest&MaxResults=1", b"<versionNumber>4<"),
                ("sts", "Action=GetCallerIdentity&Version=2011-06-15",
                 b"<Account>111111111111</Account>"),
                # > 1 KiB: curl sends "Expect: 100-continue"
                ("ec2", "Action=DescribeLaunchTemplates&Version=2016-11-15&" + "&".join(
                    "LaunchTemplateId.%d=lt-0e2e0000000000102" % i for i in range(1, 61)),
                 b"<launchTemplateName>e2e-single<")):
            out = subprocess.run(
                ["curl", "-sS", "--aws-sigv4", "aws:amz:us-east-1:" + service,
                 "--user", "%s:%s" % MAIN[:2], "-H",
                 "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                 "--data-binary", body, "-w", "\n%{http_code}",
                 "http://127.0.0.1:%d/" % self.fake.port],
                capture_output=True, timeout=10, check=True).stdout
            self.assertTrue(out.endswith(b"\n200"), out[-300:])
            self.assertIn(want, out)

    def test_tampered_body_rejected(self):
        def mutate(h, b):
            return h, b.replace(b"MaxResults=5", b"MaxResults=6").replace(b"X=1", b"X=2")
        self.assertError(self.fake.call(LT, {"MaxResults": "5"}, mutate=mutate), 401,
                         "AuthFailure")
        self.assertError(self.fake.call("GetCallerIdentity", {"X": "1"}, mutate=mutate,
                                        service="sts"), 403, "SignatureDoesNotMatch")

    def test_tampered_signed_header_rejected(self):
        def mutate(h, b):
            h = dict(h)
            h["Content-Type"] = "application/x-www-form-urlencoded"
            return h, b
        self.assertError(self.fake.call(LT, mutate=mutate), 401, "AuthFailure")

    def test_unsigned_extra_header_is_fine(self):
        def mutate(h, b):
            h = dict(h)
            h["User-Agent"] = "something-else/1.0"
            return h, b
        self.assertEqual(self.fake.call(LT, mutate=mutate)[0], 200)

    def test_skewed_date_rejected(self):
        old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
        self.assertError(self.fake.call(LT, when=old), 400, "RequestExpired")
        self.assertError(self.fake.call("GetCallerIdentity", when=old), 403,
                         "SignatureDoesNotMatch")
        near = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=14)
        self.assertEqual(self.fake.call(LT, when=near)[0], 200)

    def test_scope_checks(self):
        self.assertError(self.fake.call(LT, region="xx-fake-1"), 401, "AuthFailure")
        self.assertError(self.fake.call(LT, service="sts"), 400, "InvalidAction")
        # EC2 action signed for service "sts": wrong scope service
        body = fh.form_body({"Action": LT, "Version": "2016-11-15"})
        h = fh.sign("POST", self.fake.host, "/", "", {"Content-Type":
                    "application/x-www-form-urlencoded"}, body, MAIN, "us-east-1", "sts")
        self.assertError(self.fake.raw("POST", "/", body, h), 401, "AuthFailure")
        self.assertError(self.fake.call("GetCallerIdentity", region="xx-fake-1"), 403,
                         "SignatureDoesNotMatch")

    def test_unknown_key_and_missing_auth(self):
        bad = ("AKIAUNKNOWN000000000", "x", None)
        self.assertError(self.fake.call(LT, creds=bad), 401, "AuthFailure")
        self.assertError(self.fake.call("GetCallerIdentity", creds=bad), 403,
                         "InvalidClientTokenId")
        self.assertError(self.fake.call(LT, signed=False), 401, "MissingAuthenticationToken")
        self.assertError(self.fake.call("GetCallerIdentity", signed=False), 403,
                         "MissingAuthenticationToken")

    def test_malformed_authorization(self):
        def mutate(h, b):
            h = dict(h)
            h["Authorization"] = h["Authorization"].replace("SignedHeaders=", "SignedHdrs=")
            return h, b
        self.assertError(self.fake.call(LT, mutate=mutate), 400, "IncompleteSignature")

    def test_temporary_credentials(self):
        st, _, body = self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/ltsnap-reader",
            "RoleSessionName": "ltsnap-test", "DurationSeconds": "900"})
        self.assertEqual(st, 200, body)
        c = fh.ET.fromstring(body).find(".//" + fh.STS_NS + "Credentials")
        akid = c.find(fh.STS_NS + "AccessKeyId").text
        secret = c.find(fh.STS_NS + "SecretAccessKey").text
        token = c.find(fh.STS_NS + "SessionToken").text
        exp = c.find(fh.STS_NS + "Expiration").text
        self.assertTrue(akid.startswith("ASIA"))
        got = datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        left = (got - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(880 < left <= 901, left)
        temp = (akid, secret, token)
        st, _, body = self.fake.call(LT, creds=temp)
        self.assertEqual(st, 200)
        self.assertEqual(ids(ec2_items(body, "launchTemplates")[0]),
                         ["lt-0e2e0000000000401", "lt-0e2e0000000000402"])
        st, _, body = self.fake.call("GetCallerIdentity", creds=temp)
        self.assertIn(b"<Account>222222222222</Account>", body)
        self.assertIn(b"assumed-role/ltsnap-reader/ltsnap-test", body)
        # without the token, or with another token
        self.assertError(self.fake.call(LT, creds=(akid, secret, None)), 401, "AuthFailure")
        self.assertError(self.fake.call(LT, creds=(akid, secret, token[:-4] + "AAAA")), 401,
                         "AuthFailure")
        self.assertError(self.fake.call("GetCallerIdentity", creds=(akid, secret, None)), 403,
                         "InvalidClientTokenId")
        # a long-term key with a token
        self.assertError(self.fake.call(LT, creds=(MAIN[0], MAIN[1], token)), 401,
                         "AuthFailure")

    def test_expired_temporary_credentials(self):
        st, _, body = self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/ltsnap-short",
            "RoleSessionName": "short"})
        self.assertEqual(st, 200, body)
        c = fh.ET.fromstring(body).find(".//" + fh.STS_NS + "Credentials")
        temp = tuple(c.find(fh.STS_NS + n).text
                     for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        exp = c.find(fh.STS_NS + "Expiration").text
        got = datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        left = (got - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(100 < left <= 121, left)
        self.assertEqual(self.fake.call(LT, creds=temp)[0], 200)
        self.fake.reset(faults=["clock-skew:200"])
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=200)
        self.assertError(self.fake.call(LT, creds=temp, when=later), 400, "RequestExpired")
        self.assertError(self.fake.call("GetCallerIdentity", creds=temp, when=later), 403,
                         "ExpiredToken")
        self.assertEqual(self.fake.call(LT, when=later)[0], 200)  # long-term key unaffected

    def test_assume_role_refusals(self):
        reader = "arn:aws:iam::222222222222:role/ltsnap-reader"
        self.assertError(self.fake.call("AssumeRole", {"RoleArn": reader,
                                                       "RoleSessionName": "s1"}, creds=NOTRUST),
                         403, "AccessDenied")
        self.assertError(self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/nope", "RoleSessionName": "s1"}),
            403, "AccessDenied")
        self.assertError(self.fake.call("AssumeRole", {"RoleArn": reader}), 400,
                         "ValidationError")
        self.assertError(self.fake.call("AssumeRole", {"RoleArn": reader, "RoleSessionName": "s1",
                                                       "DurationSeconds": "899"}),
                         400, "ValidationError")
        self.assertError(self.fake.call("AssumeRole", {"RoleArn": reader, "RoleSessionName": "s1",
                                                       "DurationSeconds": "7200"}),
                         400, "ValidationError")
        ext = "arn:aws:iam::222222222222:role/ltsnap-external"
        self.assertError(self.fake.call("AssumeRole", {"RoleArn": ext, "RoleSessionName": "s1"}),
                         403, "AccessDenied")
        self.assertEqual(self.fake.call("AssumeRole", {
            "RoleArn": ext, "RoleSessionName": "s1",
            "ExternalId": "e2e-external-id-0001"})[0], 200)

    def test_web_identity_unsigned(self):
        role = "arn:aws:iam::111111111111:role/ltsnap-web"
        st, _, body = self.fake.call("AssumeRoleWithWebIdentity", {
            "RoleArn": role, "RoleSessionName": "irsa",
            "WebIdentityToken": "e2e-web-identity-token-0001"}, signed=False)
        self.assertEqual(st, 200, body)
        self.assertIn(b"<SubjectFromWebIdentityToken>", body)
        self.assertError(self.fake.call("AssumeRoleWithWebIdentity", {
            "RoleArn": role, "RoleSessionName": "irsa", "WebIdentityToken": "wrong-token"},
            signed=False), 400, "InvalidIdentityToken")
        self.assertError(self.fake.call("AssumeRoleWithWebIdentity", {
            "RoleArn": role, "RoleSessionName": "irsa",
            "WebIdentityToken": "e2e-expired-web-identity-token"}, signed=False), 400,
            "ExpiredTokenException")

    def test_iam_deny(self):
        self.assertError(self.fake.call(LTV, BOTH, creds=DENIED), 403, "UnauthorizedOperation")
        self.assertEqual(self.fake.call(LT, creds=DENIED)[0], 200)

    def test_dry_run(self):
        self.assertError(self.fake.call(LT, {"DryRun": "true"}), 412, "DryRunOperation")
        self.assertError(self.fake.call(LTV, dict(BOTH, DryRun="true"), creds=DENIED), 403,
                         "UnauthorizedOperation")


class Paging(FakeCase):
    def test_templates_every_item_once(self):
        for m in range(1, 6):
            items, calls = fh.paginate(self.fake, LT, {}, "launchTemplates", m)
            self.assertEqual(ids(items), US_EAST_VISIBLE, m)
            self.assertEqual(calls, -(-len(US_EAST_VISIBLE) // m), m)
        items, calls = fh.paginate(self.fake, LT, {}, "launchTemplates")
        self.assertEqual((ids(items), calls), (US_EAST_VISIBLE, 1))

    def test_versions_of_one_template_every_item_once(self):
        for m in range(1, 6):
            items, calls = fh.paginate(self.fake, LTV, {"LaunchTemplateId":
                                                        "lt-0e2e0000000000101"},
                                       "launchTemplateVersionSet", m)
            self.assertEqual([v for _, v in versions(items)], [4, 3, 2, 1], m)
            self.assertEqual(calls, -(-4 // m))
            self.assertEqual([text(i, "defaultVersion") for i in items],
                             ["false", "false", "true", "false"])

    def test_all_templates_latest_and_default_once(self):
        want = []
        for tid in US_EAST_VISIBLE:
            latest, default = LATEST_DEFAULT[tid]
            want += [(tid, latest)] + ([(tid, default)] if default != latest else [])
        for m in range(1, 6):
            items, calls = fh.paginate(self.fake, LTV, BOTH, "launchTemplateVersionSet", m)
            self.assertEqual(versions(items), want, m)
            self.assertEqual(calls, -(-len(want) // m))
        items, _ = fh.paginate(self.fake, LTV, {"LaunchTemplateVersion.1": "$Latest"},
                               "launchTemplateVersionSet", 2)
        self.assertEqual(versions(items), [(t, LATEST_DEFAULT[t][0]) for t in US_EAST_VISIBLE])
        items, _ = fh.paginate(self.fake, LTV, {"LaunchTemplateVersion.1": "$Default"},
                               "launchTemplateVersionSet", 2)
        self.assertEqual(versions(items), [(t, LATEST_DEFAULT[t][1]) for t in US_EAST_VISIBLE])
        for i in items:
            self.assertEqual(text(i, "defaultVersion"), "true")

    def test_region_and_account_separation(self):
        items, _ = fh.paginate(self.fake, LT, {}, "launchTemplates", 1, region="eu-west-1")
        self.assertEqual(ids(items), ["lt-0e2e0000000000201", "lt-0e2e0000000000202"])
        items, _ = fh.paginate(self.fake, LT, {}, "launchTemplates", 1, region="af-south-1")
        self.assertEqual(ids(items), ["lt-0e2e0000000000301"])

    def test_token_misuse(self):
        st, _, body = self.fake.call(LT, {"MaxResults": "2"})
        _, tok = ec2_items(body, "launchTemplates")
        self.assertTrue(tok)
        self.assertError(self.fake.call(LT, {"MaxResults": "2", "NextToken": tok + "x"}), 400,
                         "InvalidPaginationToken")
        self.assertError(self.fake.call(LT, {"MaxResults": "2", "NextToken": tok},
                                        region="eu-west-1"), 400, "InvalidPaginationToken")
        self.assertError(self.fake.call(LTV, dict(BOTH, MaxResults="2", NextToken=tok)), 400,
                         "InvalidPaginationToken")
        # MaxResults may change between pages
        self.assertEqual(self.fake.call(LT, {"MaxResults": "3", "NextToken": tok})[0], 200)

    def test_empty_last_page_switch(self):
        self.fake.reset(faults=["empty-last-page"])
        items, calls = fh.paginate(self.fake, LT, {}, "launchTemplates", 3)
        self.assertEqual((len(items), calls), (6, 3))


class Versions(FakeCase):
    def call_ok(self, params, **kw):
        st, _, body = self.fake.call(LTV, params, **kw)
        self.assertEqual(st, 200, body)
        return ec2_items(body, "launchTemplateVersionSet")[0]

    def test_specific_versions_by_id_and_name(self):
        items = self.call_ok({"LaunchTemplateId": "lt-0e2e0000000000104",
                              "LaunchTemplateVersion.1": "3",
                              "LaunchTemplateVersion.2": "$Latest",
                              "LaunchTemplateVersion.3": "$Default"})
        self.assertEqual([v for _, v in versions(items)], [7, 3, 1])
        items = self.call_ok({"LaunchTemplateName": "e2e-gaps"})
        self.assertEqual([v for _, v in versions(items)], [7, 3, 1])
        items = self.call_ok({"LaunchTemplateName": "e2e-eu-many", "MinVersion": "2",
                              "MaxVersion": "4"}, region="eu-west-1")
        self.assertEqual([v for _, v in versions(items)], [4, 3, 2])

    def test_errors(self):
        f = self.fake
        self.assertError(f.call(LTV, {"LaunchTemplateId": "lt-0e2e0000000000104",
                                      "LaunchTemplateVersion.1": "2"}),
                         400, "InvalidLaunchTemplateId.VersionNotFound")
        self.assertError(f.call(LTV, {}), 400, "MissingParameter")
        self.assertError(f.call(LTV, {"LaunchTemplateVersion.1": "1"}), 400, "MissingParameter")
        self.assertError(f.call(LTV, {"LaunchTemplateVersion.1": "$Latest", "MinVersion": "1"}),
                         400, "MissingParameter")
        self.assertError(f.call(LTV, {"LaunchTemplateId": "lt-123"}), 400,
                         "InvalidLaunchTemplateId.Malformed")
        self.assertError(f.call(LTV, {"LaunchTemplateId": "lt-0e2e000000000dead"}), 400,
                         "InvalidLaunchTemplateId.NotFound")
        self.assertError(f.call(LTV, {"LaunchTemplateName": "no-such-template"}), 400,
                         "InvalidLaunchTemplateName.NotFoundException")
        self.assertError(f.call(LTV, {"LaunchTemplateName": "x"}), 400,
                         "InvalidLaunchTemplateName.MalformedException")
        self.assertError(f.call(LTV, {"LaunchTemplateId": "lt-0e2e0000000000104",
                                      "LaunchTemplateName": "e2e-gaps"}), 400,
                         "InvalidParameterCombination")
        self.assertError(f.call(LT, {"LaunchTemplateId.1": "lt-0e2e0000000000999"}), 400,
                         "InvalidLaunchTemplateId.NotFound")
        self.assertError(f.call(LT, {"LaunchTemplateIds.1": "lt-0e2e0000000000101"}), 400,
                         "UnknownParameter")
        self.assertError(f.call(LT, {"MaxResults": "0"}), 400, "InvalidParameterValue")
        self.assertError(f.call(LT, {"MaxResults": "201"}), 400, "InvalidParameterValue")
        self.assertError(f.call(LTV, dict(BOTH, MaxResults="abc")), 400,
                         "InvalidParameterValue")
        self.assertError(f.call("DescribeInstances"), 400, "InvalidAction")
        self.assertError(f.call(LT, {"Filter.1.Name": "bogus", "Filter.1.Value.1": "x"}), 400,
                         "InvalidParameterValue")

    def test_filters(self):
        st, _, body = self.fake.call(LT, {"Filter.1.Name": "tag:Name",
                                          "Filter.1.Value.1": "e2e-*"})
        self.assertEqual(ids(ec2_items(body, "launchTemplates")[0]), ["lt-0e2e0000000000101"])
        items = self.call_ok(dict(BOTH, **{"Filter.1.Name": "is-default-version",
                                           "Filter.1.Value.1": "false"}))
        self.assertEqual(versions(items), [("lt-0e2e0000000000101", 4),
                                           ("lt-0e2e0000000000104", 7)])

    def test_managed_templates_hidden_unless_asked(self):
        managed = "lt-0e2e0000000000105"
        st, _, body = self.fake.call(LT, {"IncludeManagedResources": "true"})
        got = ids(ec2_items(body, "launchTemplates")[0])
        self.assertIn(managed, got)
        self.assertEqual(len(got), 7)
        self.assertIn(b"<managed>true</managed>", body)
        self.assertError(self.fake.call(LTV, {"LaunchTemplateId": managed}), 400,
                         "InvalidLaunchTemplateId.NotFound")
        items = self.call_ok({"LaunchTemplateId": managed, "IncludeManagedResources": "true"})
        self.assertEqual([v for _, v in versions(items)], [2, 1])
        items = self.call_ok(dict(BOTH, IncludeManagedResources="true"))
        self.assertIn((managed, 2), versions(items))

    def test_counts_documented_in_readme(self):
        for include, n_lt, n_v, n_all in (("false", 6, 14, 8), ("true", 7, 16, 10)):
            items, _ = fh.paginate(self.fake, LT, {"IncludeManagedResources": include},
                                   "launchTemplates", 200)
            self.assertEqual(len(items), n_lt)
            total = 0
            for tid in ids(items):
                v, _ = fh.paginate(self.fake, LTV, {"LaunchTemplateId": tid,
                                                    "IncludeManagedResources": include},
                                   "launchTemplateVersionSet", 200)
                total += len(v)
            self.assertEqual(total, n_v)
            v, _ = fh.paginate(self.fake, LTV, dict(BOTH, IncludeManagedResources=include),
                               "launchTemplateVersionSet", 200)
            self.assertEqual(len(v), n_all)

    def test_hostile_strings_survive(self):
        st, _, body = self.fake.call(LT, {"LaunchTemplateId.1": "lt-0e2e0000000000106"})
        item = ec2_items(body, "launchTemplates")[0][0]
        tags = {text(t, "key"): text(t, "value") for t in item.find(fh.EC2_NS + "tagSet")}
        self.assertEqual(tags["multi-line"], "line1\nline2\r\nline3\ttabbed")
        self.assertEqual(tags["a&b<c>"], "quote ' double \" backslash \\ semicolon ; // /* */")
        self.assertEqual(tags["empty"], "")


class Regions(FakeCase):
    def names(self, resp):
        st, _, body = resp
        self.assertEqual(st, 200, body)
        items, _ = ec2_items(body, "regionInfo")
        return [(text(i, "regionName"), text(i, "optInStatus")) for i in items]

    def test_enabled_only_unless_all(self):
        self.assertEqual(self.names(self.fake.call("DescribeRegions")),
                         [("us-east-1", "opt-in-not-required"),
                          ("eu-west-1", "opt-in-not-required"), ("af-south-1", "opted-in")])
        st, _, body = self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/ltsnap-reader", "RoleSessionName": "rr"})
        c = fh.ET.fromstring(body).find(".//" + fh.STS_NS + "Credentials")
        temp = tuple(c.find(fh.STS_NS + n).text
                     for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        self.assertEqual(len(self.names(self.fake.call("DescribeRegions", creds=temp))), 2)
        self.assertEqual(self.names(self.fake.call("DescribeRegions", {"AllRegions": "true"},
                                                   creds=temp))[2],
                         ("af-south-1", "not-opted-in"))
        self.assertEqual(self.names(self.fake.call("DescribeRegions",
                                                   {"RegionName.1": "af-south-1"}, creds=temp)),
                         [("af-south-1", "not-opted-in")])
        # calls into the not-enabled region fail like AWS
        self.assertError(self.fake.call(LT, creds=temp, region="af-south-1"), 401,
                         "AuthFailure")


class Faults(FakeCase):
    def test_delete_after_list(self):
        doomed = "lt-0e2e0000000000103"
        self.fake.reset(faults=["delete-after-list:" + doomed])
        st, _, body = self.fake.call(LT, {"MaxResults": "3"})
        self.assertIn(doomed, ids(ec2_items(body, "launchTemplates")[0]))
        self.assertError(self.fake.call(LTV, {"LaunchTemplateId": doomed}), 400,
                         "InvalidLaunchTemplateId.NotFound")
        items, _ = fh.paginate(self.fake, LTV, BOTH, "launchTemplateVersionSet", 5)
        self.assertNotIn(doomed, [t for t, _ in versions(items)])
        self.assertEqual(self.fake.stats()["faults_injected"], {"delete-after-list": 1})
        self.assertEqual(self.fake.stats()["templates_deleted"], 1)
        # restore for the other tests: the fake is per class, so re-create it
        type(self).tearDownClass()
        type(self).setUpClass()

    def test_delete_after_any_action(self):
        doomed = "lt-0e2e0000000000104"
        self.fake.reset(faults=["delete-after:%s/us-east-1:%s:2" % (LTV, doomed)])
        self.assertEqual(self.fake.call(LTV, BOTH, region="eu-west-1")[0], 200)  # not matching
        self.assertEqual(self.fake.call(LTV, BOTH)[0], 200)  # the 1st match: still there
        self.assertEqual(self.fake.call(LTV, {"LaunchTemplateId": doomed})[0], 200)  # the 2nd
        self.assertError(self.fake.call(LTV, {"LaunchTemplateId": doomed}), 400,
                         "InvalidLaunchTemplateId.NotFound")
        self.assertEqual(self.fake.stats()["faults_injected"], {"delete-after": 1})
        self.assertEqual(self.fake.stats()["templates_deleted"], 1)
        # after an STS call: gone before any listing
        self.fake.reset(faults=["delete-after:GetCallerIdentity:lt-0e2e0000000000102"])
        self.assertEqual(self.fake.call("GetCallerIdentity")[0], 200)
        items, _ = fh.paginate(self.fake, LT, {}, "launchTemplates")
        self.assertNotIn("lt-0e2e0000000000102", ids(items))
        r = self.fake.control("POST", "/_fake/faults", ["delete-after:%s:lt-1" % LT])
        self.assertIn("error", r)
        type(self).tearDownClass()
        type(self).setUpClass()

    def test_add_version_and_create_after_list(self):
        self.fake.reset(faults=["add-version-after-list:lt-0e2e0000000000201",
                                "create-after-list:eu-west-1"])
        st, _, body = self.fake.call(LT, {"MaxResults": "1"}, region="eu-west-1")
        item = ec2_items(body, "launchTemplates")[0][0]
        self.assertEqual(text(item, "latestVersionNumber"), "1")
        st, _, body = self.fake.call(LTV, {"LaunchTemplateId": "lt-0e2e0000000000201"},
                                     region="eu-west-1")
        self.assertEqual([v for _, v in versions(ec2_items(body,
                                                           "launchTemplateVersionSet")[0])],
                         [2, 1])
        items, _ = fh.paginate(self.fake, LT, {}, "launchTemplates", region="eu-west-1")
        self.assertEqual(len(items), 3)
        self.assertTrue(text(items[2], "launchTemplateName").startswith("created-eu-west-1"))
        type(self).tearDownClass()
        type(self).setUpClass()

    def test_throttle_status_error_deny_counts(self):
        self.fake.reset(faults=["throttle:%s:2" % LT, "status:%s:500:1@3" % LT,
                                "error:DescribeRegions:OptInRequired:1",
                                "deny:GetCallerIdentity:1", "status:%s/eu-west-1:503:*" % LTV,
                                "status:DescribeRegions:502:1@2"])
        self.assertError(self.fake.call(LT), 503, "RequestLimitExceeded")
        self.assertError(self.fake.call(LT), 503, "RequestLimitExceeded")
        self.assertError(self.fake.call(LT), 500, "InternalError")
        self.assertEqual(self.fake.call(LT)[0], 200)
        self.assertError(self.fake.call("DescribeRegions"), 401, "OptInRequired")
        st, hdrs, body = self.fake.call("DescribeRegions")
        self.assertEqual((st, hdrs["content-type"]), (502, "text/html"))
        self.assertError(self.fake.call("GetCallerIdentity"), 403, "AccessDenied")
        self.assertEqual(self.fake.call("GetCallerIdentity")[0], 200)
        self.assertError(self.fake.call(LTV, BOTH, region="eu-west-1"), 503, "Unavailable")
        self.assertEqual(self.fake.call(LTV, BOTH)[0], 200)
        s = self.fake.stats()
        self.assertEqual(s["faults_injected"], {"throttle": 2, "status": 3, "error": 1,
                                                "deny": 1})
        self.assertEqual(s["requests_by_action"], {LT: 4, "DescribeRegions": 2,
                                                   "GetCallerIdentity": 2, LTV: 2})
        self.assertEqual(s["errors_by_code"], {"RequestLimitExceeded": 2, "InternalError": 1,
                                               "OptInRequired": 1, "HTTP502": 1,
                                               "AccessDenied": 1, "Unavailable": 1})
        self.fake.reset(faults=["throttle:GetCallerIdentity:1"])
        self.assertError(self.fake.call("GetCallerIdentity"), 400, "Throttling")

    def test_drop_truncate_cut(self):
        self.fake.reset(faults=["drop:%s:1" % LT, "truncate:%s:1@2" % LT,
                                "cut-xml:%s:1@3" % LT])
        with self.assertRaises((ConnectionError, fh.http.client.HTTPException)):
            self.fake.call(LT, conn=self.fake.conn(fresh=True))
        with self.assertRaises(fh.http.client.IncompleteRead):
            self.fake.call(LT, conn=self.fake.conn(fresh=True))
        st, hdrs, body = self.fake.call(LT, conn=self.fake.conn(fresh=True))
        self.assertEqual((st, int(hdrs["content-length"])), (200, len(body)))
        with self.assertRaises(fh.ET.ParseError):
            fh.ET.fromstring(body)
        self.assertEqual(self.fake.call(LT)[0], 200)
        s = self.fake.stats()
        self.assertEqual(s["faults_injected"], {"drop": 1, "truncate": 1, "cut-xml": 1})
        self.assertEqual(s["responses_by_status"], {"0": 1, "200": 3})

    def test_region_faults_and_expired_token(self):
        self.fake.reset(faults=["region-fail:eu-west-1", "region-optin:af-south-1",
                                "region-disabled:us-east-1:222222222222", "expire-token:2"])
        for _ in range(2):
            self.assertError(self.fake.call(LT, region="eu-west-1"), 500, "InternalError")
        self.assertError(self.fake.call(LT, region="af-south-1"), 401, "OptInRequired")
        st, _, body = self.fake.call(LT, {"MaxResults": "1"})
        tok = ec2_items(body, "launchTemplates")[1]
        self.assertEqual(self.fake.call(LT, {"MaxResults": "1", "NextToken": tok})[0], 200)
        self.assertError(self.fake.call(LT, {"MaxResults": "1", "NextToken": tok}), 400,
                         "InvalidPaginationToken")
        self.assertEqual(self.fake.call(LT, {"MaxResults": "1", "NextToken": tok})[0], 200)
        self.assertEqual(self.fake.stats()["next_token_uses"], 3)
        st, _, body = self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/ltsnap-reader", "RoleSessionName": "rd"})
        c = fh.ET.fromstring(body).find(".//" + fh.STS_NS + "Credentials")
        temp = tuple(c.find(fh.STS_NS + n).text
                     for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        self.assertError(self.fake.call(LT, creds=temp), 401, "AuthFailure")
        self.assertEqual(self.fake.stats()["faults_injected"],
                         {"region-fail": 2, "region-optin": 1, "region-disabled": 1,
                          "expire-token": 1})

    def test_token_bucket(self):
        self.fake.reset(faults=["bucket:3:0"])
        for _ in range(3):
            self.assertEqual(self.fake.call(LT)[0], 200)
        self.assertError(self.fake.call(LT), 503, "RequestLimitExceeded")
        self.assertEqual(self.fake.call(LT, region="eu-west-1")[0], 200)
        self.assertEqual(self.fake.call("DescribeRegions")[0], 200)
        self.assertEqual(self.fake.stats()["faults_injected"], {"bucket": 1})

    def test_dup_latest_default(self):
        self.fake.reset(faults=["dup-latest-default"])
        items, _ = fh.paginate(self.fake, LTV, BOTH, "launchTemplateVersionSet", 4)
        v = versions(items)
        self.assertEqual(v.count(("lt-0e2e0000000000102", 1)), 2)
        self.assertEqual(v.count(("lt-0e2e0000000000101", 4)), 1)

    def test_latency_and_bad_spec(self):
        self.fake.reset(faults=["latency:150:DescribeRegions"])
        import time
        t0 = time.monotonic()
        self.fake.call("DescribeRegions")
        self.assertGreaterEqual(time.monotonic() - t0, 0.15)
        r = self.fake.control("POST", "/_fake/faults", ["throttle:Describe Regions:1"])
        self.assertIn("error", r)

    def test_slow_counted(self):
        import time
        self.fake.reset(faults=["slow:DescribeRegions:300:1@2"])
        t0 = time.monotonic()
        self.assertEqual(self.fake.call("DescribeRegions")[0], 200)
        t1 = time.monotonic()
        self.assertEqual(self.fake.call("DescribeRegions")[0], 200)  # the slow one
        t2 = time.monotonic()
        self.assertEqual(self.fake.call("DescribeRegions")[0], 200)
        t3 = time.monotonic()
        self.assertLess(t1 - t0, 0.3)
        self.assertGreaterEqual(t2 - t1, 0.3)
        self.assertLess(t3 - t2, 0.3)
        self.assertEqual(self.fake.stats()["faults_injected"], {"slow": 1})


class Endpoints(FakeCase):
    def test_imds_v2_flow(self):
        f = self.fake
        st, _, _ = f.raw("PUT", "/latest/api/token")
        self.assertEqual(st, 400)
        st, hdrs, tok = f.raw("PUT", "/latest/api/token",
                              headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        self.assertEqual(st, 200)
        self.assertEqual(f.raw("PUT", "/latest/api/token",
                               headers={"X-aws-ec2-metadata-token-ttl-seconds": "21601"})[0],
                         400)
        self.assertEqual(f.raw("GET", "/latest/meta-data/iam/security-credentials/")[0], 401)
        h = {"X-aws-ec2-metadata-token": tok.decode()}
        st, _, role = f.raw("GET", "/latest/meta-data/iam/security-credentials/", headers=h)
        self.assertEqual((st, role), (200, b"ltsnap-instance"))
        st, _, body = f.raw("GET", "/latest/meta-data/iam/security-credentials/ltsnap-instance",
                            headers=h)
        creds = json.loads(body)
        self.assertEqual(sorted(creds), ["AccessKeyId", "Code", "Expiration", "LastUpdated",
                                         "SecretAccessKey", "Token", "Type"])
        st, _, body = f.raw("GET", "/latest/meta-data/iam/security-credentials/ltsnap-instance",
                            headers=h)
        self.assertEqual(json.loads(body)["AccessKeyId"], creds["AccessKeyId"])
        self.assertEqual(f.raw("GET", "/latest/meta-data/placement/region", headers=h)[2],
                         b"eu-west-1")
        temp = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["Token"])
        st, _, body = f.call("GetCallerIdentity", creds=temp)
        self.assertIn(b"assumed-role/ltsnap-instance/", body)
        self.assertEqual(f.raw("GET", "/latest/meta-data/iam/security-credentials/x",
                               headers={"X-aws-ec2-metadata-token": "bogus"})[0], 401)
        f.reset(faults=["imds-v2-disabled"])
        self.assertEqual(f.raw("PUT", "/latest/api/token",
                               headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})[0], 403)
        self.assertEqual(f.raw("GET", "/latest/meta-data/iam/security-credentials/")[0], 200)

    def test_container(self):
        f = self.fake
        self.assertEqual(f.raw("GET", "/container/creds")[0], 401)
        self.assertEqual(f.raw("GET", "/container/creds",
                               headers={"Authorization": "nope"})[0], 403)
        st, _, body = f.raw("GET", "/container/creds",
                            headers={"Authorization": "e2e-container-auth-token"})
        self.assertEqual(st, 200)
        c = json.loads(body)
        self.assertEqual(sorted(c), ["AccessKeyId", "Expiration", "RoleArn", "SecretAccessKey",
                                     "Token"])
        self.assertEqual(f.call(LT, creds=(c["AccessKeyId"], c["SecretAccessKey"],
                                           c["Token"]))[0], 200)
        f.reset(faults=["status:ContainerCredentials:500:1"])
        self.assertEqual(f.raw("GET", "/container/creds",
                               headers={"Authorization": "e2e-container-auth-token"})[0], 500)

    def test_sso(self):
        f = self.fake
        q = "/federation/credentials?" + urllib.parse.urlencode(
            {"role_name": "ReadOnly", "account_id": "222222222222"})
        st, hdrs, body = f.raw("GET", q)
        self.assertEqual((st, hdrs["x-amzn-errortype"]), (401, "UnauthorizedException"))
        self.assertEqual(f.raw("GET", q, headers={
            "x-amz-sso_bearer_token": "e2e-sso-expired-token"})[0], 401)
        st, _, body = f.raw("GET", q.replace("ReadOnly", "Admin"), headers={
            "x-amz-sso_bearer_token": "e2e-sso-access-token"})
        self.assertEqual(st, 403)
        st, _, body = f.raw("GET", q, headers={"x-amz-sso_bearer_token": "e2e-sso-access-token"})
        self.assertEqual(st, 200)
        rc = json.loads(body)["roleCredentials"]
        self.assertIsInstance(rc["expiration"], int)
        temp = (rc["accessKeyId"], rc["secretAccessKey"], rc["sessionToken"])
        st, _, body = f.call(LT, creds=temp)
        self.assertEqual(ids(ec2_items(body, "launchTemplates")[0]),
                         ["lt-0e2e0000000000401", "lt-0e2e0000000000402"])


class StatsAndProcess(FakeCase):
    def test_exact_counts_and_connection_reuse(self):
        conn = self.fake.conn(fresh=True)
        for _ in range(3):
            self.fake.call(LT, conn=conn)
        self.fake.call(LTV, BOTH, conn=conn, region="eu-west-1")
        other = self.fake.conn(fresh=True)
        self.fake.call("DescribeRegions", conn=other)
        s = self.fake.stats()
        self.assertEqual(s["total_requests"], 5)
        self.assertEqual(s["connections_accepted"], 2)
        self.assertEqual(s["requests_on_reused_connections"], 3)
        self.assertEqual(s["calls"], {"111111111111": {
            "us-east-1": {LT: 3, "DescribeRegions": 1}, "eu-west-1": {LTV: 1}}})
        self.assertEqual(s["requests_by_region"], {"us-east-1": 4, "eu-west-1": 1})

    def test_parallel_connections(self):
        import threading
        import time
        self.fake.reset(faults=["latency:200:DescribeRegions"])
        results = []

        def worker():
            f = fh.http.client.HTTPConnection("127.0.0.1", self.fake.port, timeout=10)
            results.append(self.fake.call("DescribeRegions", conn=f)[0])
            f.close()
        threads = [threading.Thread(target=worker) for _ in range(8)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertLess(time.monotonic() - t0, 1.2)
        self.assertEqual(results, [200] * 8)
        s = self.fake.stats()
        self.assertEqual((s["connections_accepted"], s["max_in_flight"]), (8, 8))

    def test_log_has_no_secrets(self):
        st, _, body = self.fake.call("AssumeRole", {
            "RoleArn": "arn:aws:iam::222222222222:role/ltsnap-reader",
            "RoleSessionName": "logcheck"})
        c = fh.ET.fromstring(body).find(".//" + fh.STS_NS + "Credentials")
        temp = tuple(c.find(fh.STS_NS + n).text
                     for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        self.fake.call(LT, creds=temp)
        self.fake.call("AssumeRoleWithWebIdentity", {
            "RoleArn": "arn:aws:iam::111111111111:role/ltsnap-web", "RoleSessionName": "w1",
            "WebIdentityToken": "e2e-web-identity-token-0001"}, signed=False)
        with open(self.fake.log_file) as fh_:
            log = fh_.read()
        for secret in (MAIN[1], temp[1], temp[2], "e2e-web-identity-token-0001", "Signature="):
            self.assertNotIn(secret, log)
        last = json.loads(log.strip().splitlines()[-1])
        self.assertEqual(last["action"], "AssumeRoleWithWebIdentity")
        self.assertEqual(last["params"]["WebIdentityToken"], "<redacted>")

    def test_binds_loopback_only(self):
        s = socket.socket()
        s.settimeout(2)
        with self.assertRaises(OSError):
            s.connect(("127.0.0.2", self.fake.port))
        s.close()
        with open(self.fake.port_file) as fh_:
            self.assertEqual(fh_.read(), "%d\n" % self.fake.port)
        self.assertIn("listening on http://127.0.0.1:%d\n" % self.fake.port, self.fake.stderr())

    def test_sigterm_writes_stats(self):
        f = fh.Fake(fh.DEMO)
        try:
            f.call("DescribeRegions", creds=("AKIAFAKEDEMO00000001",
                                              "demoSecret/Key+ForTheFake0000000000000001", None))
            self.assertEqual(f.stop(), 0)
            with open(f.stats_file) as fh_:
                self.assertEqual(json.load(fh_)["requests_by_action"], {"DescribeRegions": 1})
        finally:
            f.cleanup()


class Chunked(FakeCase):
    args = ("--chunked",)

    def test_chunked_bodies(self):
        st, hdrs, body = self.fake.call(LT)
        self.assertEqual((st, hdrs.get("transfer-encoding")), (200, "chunked"))
        self.assertNotIn("content-length", hdrs)
        self.assertEqual(ids(ec2_items(body, "launchTemplates")[0]), US_EAST_VISIBLE)
        st, hdrs, body = self.fake.call(LT, {"MaxResults": "0"})
        self.assertEqual((st, hdrs.get("content-length")), (400, str(len(body))))
        self.fake.reset(faults=["truncate:%s:1" % LT])
        with self.assertRaises(fh.http.client.IncompleteRead):
            self.fake.call(LT, conn=self.fake.conn(fresh=True))


class Synthetic(FakeCase):
    data = fh.DEMO
    args = ("--synthetic", "100000:5:7")
    creds = ("AKIAFAKEDEMO00000001", "demoSecret/Key+ForTheFake0000000000000001", None)

    def test_large_listing_pages_and_lookups(self):
        st, _, body = self.fake.call(LT, {"MaxResults": "200"}, creds=self.creds)
        items, tok = ec2_items(body, "launchTemplates")
        self.assertEqual(len(items), 200)
        self.assertTrue(tok)
        # template index 7 (synthetic) is multi-version with default 1; index 14 default = latest
        tid7 = "lt-07%03x%012x" % (sorted(["us-east-1", "eu-west-1", "ap-east-1"])
                                  .index("us-east-1"), 7)
        st, _, body = self.fake.call(LTV, {"LaunchTemplateId": tid7}, creds=self.creds)
        v = ec2_items(body, "launchTemplateVersionSet")[0]
        self.assertEqual([text(i, "versionNumber") for i in v], ["5", "4", "3", "2", "1"])
        self.assertEqual(text(v[-1], "defaultVersion"), "true")
        st, _, body = self.fake.call(LT, {"LaunchTemplateName.1": "synth-0099999"},
                                     creds=self.creds)
        self.assertEqual(len(ec2_items(body, "launchTemplates")[0]), 1)
        self.assertError(self.fake.call(LT, {"LaunchTemplateName.1": "synth-0100000"},
                                        creds=self.creds), 400,
                         "InvalidLaunchTemplateName.NotFoundException")
        r = self.fake.control("GET", "/_fake/templates?region=us-east-1&limit=1")
        self.assertEqual(r["count"], 100004)

    def test_resolve_alias(self):
        def image(resolve):
            st, _, body = self.fake.call(LTV, {"LaunchTemplateName": "bastion",
                                               "LaunchTemplateVersion.1": "5",
                                               "ResolveAlias": resolve}, creds=self.creds)
            self.assertEqual(st, 200, body)
            item = ec2_items(body, "launchTemplateVersionSet")[0][0]
            return item.find(fh.EC2_NS + "launchTemplateData/" + fh.EC2_NS + "imageId").text
        self.assertTrue(image("false").startswith("resolve:ssm:/aws/service/"))
        self.assertRegex(image("true"), r"^ami-[0-9a-f]{17}$")


if __name__ == "__main__":
    unittest.main()
