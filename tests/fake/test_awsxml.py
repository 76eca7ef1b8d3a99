"""scripts/awsxml.py: model-driven EC2 / Query XML."""

import datetime
import os
import sys
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

import awsxml  # noqa: E402

EC2 = awsxml.load_model("ec2", "2016-11-15")
STS = awsxml.load_model("sts", "2011-06-15")
NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"


class RenderEc2(unittest.TestCase):
    def test_launch_templates_document_exact(self):
        out = awsxml.render_response(EC2, "DescribeLaunchTemplates", {
            "LaunchTemplates": [{
                "LaunchTemplateName": "a&b<c>",
                "LaunchTemplateId": "lt-0123456789abcdef0",
                "CreateTime": "2021-10-12T06:27:52+00:00",
                "DefaultVersionNumber": 1, "LatestVersionNumber": 2,
                "Tags": [{"Key": "k", "Value": ""}],
            }],
            "NextToken": "tok",
        }, "rid-1")
        self.assertEqual(out.decode(), "\n".join([
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<DescribeLaunchTemplatesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">',
            "    <requestId>rid-1</requestId>",
            "    <launchTemplates>",
            "        <item>",
            "            <launchTemplateId>lt-0123456789abcdef0</launchTemplateId>",
            "            <launchTemplateName>a&amp;b&lt;c&gt;</launchTemplateName>",
            "            <createTime>2021-10-12T06:27:52.000Z</createTime>",
            "            <defaultVersionNumber>1</defaultVersionNumber>",
            "            <latestVersionNumber>2</latestVersionNumber>",
            "            <tagSet>",
            "                <item>",
            "                    <key>k</key>",
            "                    <value/>",
            "                </item>",
            "            </tagSet>",
            "        </item>",
            "    </launchTemplates>",
            "    <nextToken>tok</nextToken>",
            "</DescribeLaunchTemplatesResponse>"]))

    def test_group_id_items_booleans_and_nesting(self):
        out = awsxml.render_response(EC2, "DescribeLaunchTemplateVersions", {
            "LaunchTemplateVersions": [{
                "VersionNumber": 3, "DefaultVersion": False,
                "LaunchTemplateData": {
                    "NetworkInterfaces": [{"DeviceIndex": 0, "Groups": ["sg-1", "sg-2"],
                                           "AssociatePublicIpAddress": True}],
                    "SecurityGroupIds": ["sg-3"],
                    "Monitoring": {"Enabled": False},
                    "IamInstanceProfile": {"Arn": "arn:x"},
                    "RamDiskId": "ari-1",
                }}]}, "r")
        root = ET.fromstring(out)
        item = root.find(NS + "launchTemplateVersionSet/" + NS + "item")
        self.assertEqual(item.find(NS + "defaultVersion").text, "false")
        data = item.find(NS + "launchTemplateData")
        groups = data.find(NS + "networkInterfaceSet/" + NS + "item/" + NS + "groupSet")
        self.assertEqual([(g.tag, g.text) for g in groups],
                         [(NS + "groupId", "sg-1"), (NS + "groupId", "sg-2")])
        self.assertEqual(data.find(NS + "securityGroupIdSet/" + NS + "item").text, "sg-3")
        self.assertEqual(data.find(NS + "monitoring/" + NS + "enabled").text, "false")
        self.assertEqual(data.find(NS + "iamInstanceProfile/" + NS + "arn").text, "arn:x")
        self.assertEqual(data.find(NS + "ramDiskId").text, "ari-1")
        self.assertEqual(data.find(NS + "networkInterfaceSet/" + NS + "item/" + NS +
                                   "associatePublicIpAddress").text, "true")

    def test_operator_overlay_present(self):
        out = awsxml.render_response(EC2, "DescribeLaunchTemplates", {"LaunchTemplates": [
            {"Operator": {"Managed": True, "Principal": "eks.amazonaws.com"}}]}, "r")
        self.assertIn(b"<operator>", out)
        self.assertIn(b"<managed>true</managed>", out)

    def test_timestamps(self):
        cases = [("2021-10-12T06:27:52Z", "2021-10-12T06:27:52.000Z"),
                 ("2021-10-12T08:27:52.123456+02:00", "2021-10-12T06:27:52.123Z"),
                 (0, "1970-01-01T00:00:00.000Z"),
                 (datetime.datetime(2020, 1, 2, 3, 4, 5, 678000), "2020-01-02T03:04:05.678Z")]
        for given, want in cases:
            self.assertEqual(awsxml.format_timestamp(given), want, given)
        with self.assertRaises(awsxml.SerializationError):
            awsxml.format_timestamp("yesterday")

    def test_escaping_round_trip(self):
        hostile = "<&>\"' \r\n\t caf\u00e9 \U0001F600 ]]> \u2028"
        out = awsxml.render_response(EC2, "DescribeLaunchTemplates", {"LaunchTemplates": [
            {"LaunchTemplateName": hostile, "Tags": [{"Key": hostile, "Value": hostile}]}]}, "r")
        root = ET.fromstring(out)
        item = root.find(NS + "launchTemplates/" + NS + "item")
        self.assertEqual(item.find(NS + "launchTemplateName").text, hostile)
        self.assertEqual(item.find(NS + "tagSet/" + NS + "item/" + NS + "value").text, hostile)

    def test_unrepresentable_characters_fail(self):
        for bad in ("\x00", "\x01", "\x1f", "\ufffe", "\ud800"):
            with self.assertRaises(awsxml.SerializationError, msg=repr(bad)):
                awsxml.render_response(EC2, "DescribeLaunchTemplates", {
                    "LaunchTemplates": [{"LaunchTemplateName": "x" + bad}]}, "r")
        with self.assertRaises(awsxml.SerializationError):
            awsxml.render_error_ec2("Code", "bad \x07", "r")

    def test_unknown_member_and_wrong_types_fail(self):
        bad_inputs = [
            {"LaunchTemplates": [{"LaunchTemplateIdd": "x"}]},
            {"LaunchTemplates": [{"DefaultVersionNumber": "1"}]},
            {"LaunchTemplates": [{"DefaultVersionNumber": True}]},
            {"LaunchTemplates": {"not": "a list"}},
            {"Bogus": 1},
        ]
        for data in bad_inputs:
            with self.assertRaises(awsxml.SerializationError, msg=repr(data)):
                awsxml.render_response(EC2, "DescribeLaunchTemplates", data, "r")
        out = awsxml.render_response(EC2, "DescribeLaunchTemplates",
                                     {"LaunchTemplates": [{"Bogus": 1}]}, "r", unknown="drop")
        self.assertIn(b"<item/>", out)

    def test_empty_list_and_response_metadata_ignored(self):
        out = awsxml.render_response(EC2, "DescribeRegions", {
            "Regions": [], "ResponseMetadata": {"RequestId": "x"}}, "r")
        self.assertIn(b"    <regionInfo/>\n", out)

    def test_ec2_error_document(self):
        self.assertEqual(
            awsxml.render_error_ec2("InvalidLaunchTemplateId.NotFound", "a <b> & c", "rid"),
            b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>'
            b"InvalidLaunchTemplateId.NotFound</Code><Message>a &lt;b&gt; &amp; c</Message>"
            b"</Error></Errors><RequestID>rid</RequestID></Response>")


class RenderQuery(unittest.TestCase):
    def test_assume_role_document(self):
        out = awsxml.render_response(STS, "AssumeRole", {
            "Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t",
                            "Expiration": "2030-01-01T00:00:00.500Z"},
            "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn"}}, "rid")
        self.assertEqual(out.decode(), "\n".join([
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
            "  <AssumeRoleResult>",
            "    <Credentials>",
            "      <AccessKeyId>ASIA</AccessKeyId>",
            "      <SecretAccessKey>s</SecretAccessKey>",
            "      <SessionToken>t</SessionToken>",
            "      <Expiration>2030-01-01T00:00:00Z</Expiration>",
            "    </Credentials>",
            "    <AssumedRoleUser>",
            "      <AssumedRoleId>AROA:x</AssumedRoleId>",
            "      <Arn>arn</Arn>",
            "    </AssumedRoleUser>",
            "  </AssumeRoleResult>",
            "  <ResponseMetadata>",
            "    <RequestId>rid</RequestId>",
            "  </ResponseMetadata>",
            "</AssumeRoleResponse>", ""]))

    def test_query_error_document(self):
        out = awsxml.render_error_query("Throttling", "Rate exceeded", "rid", sender=False)
        root = ET.fromstring(out)
        ns = "{https://sts.amazonaws.com/doc/2011-06-15/}"
        self.assertEqual(root.tag, ns + "ErrorResponse")
        self.assertEqual(root.find(ns + "Error/" + ns + "Type").text, "Receiver")
        self.assertEqual(root.find(ns + "Error/" + ns + "Code").text, "Throttling")
        self.assertEqual(root.find(ns + "RequestId").text, "rid")


class ModelLoading(unittest.TestCase):
    def test_missing_model_is_loud(self):
        with self.assertRaises(awsxml.ModelError):
            awsxml.load_model("ec2", "2016-11-15", "/nonexistent/dir")

    def test_gz_file_path_accepted(self):
        import gzip
        import json
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "service-2.json.gz")
            with gzip.open(p, "wt") as fh:
                json.dump({"metadata": {"protocol": "query", "apiVersion": "2011-06-15",
                                        "xmlNamespace": "https://sts.amazonaws.com/doc/"
                                                        "2011-06-15/"},
                           "operations": {}, "shapes": {}}, fh)
            m = awsxml.load_model("sts", "2011-06-15", p)
            self.assertEqual(m.source, p)
            m = awsxml.load_model("sts", "2011-06-15", d)
            self.assertEqual(m.source, p)


if __name__ == "__main__":
    unittest.main()
