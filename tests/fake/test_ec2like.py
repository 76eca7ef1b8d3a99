"""scripts/fakeaws/ec2like.py and realistic.py: the token buckets, the generated data set, and
the fake in --ec2-like --realistic mode end to end."""

import base64
import json
import os
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"))

import awsxml  # noqa: E402
import fakehelp as fh  # noqa: E402
from fakeaws import ec2like, realistic  # noqa: E402
from fakeaws.util import ApiError  # noqa: E402
from fakehelp import ec2_items, error_code, text  # noqa: E402

LT = "DescribeLaunchTemplates"
LTV = "DescribeLaunchTemplateVersions"


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


class Buckets(unittest.TestCase):
    def test_burst_then_refill(self):
        clock = Clock()
        b = ec2like.TokenBuckets(100, 20, clock)
        self.assertEqual(sum(b.take("k") for _ in range(150)), 100)
        self.assertEqual(b.refused, 50)
        clock.t += 0.5  # 10 tokens
        self.assertEqual(sum(b.take("k") for _ in range(20)), 10)
        clock.t += 60  # never more than the capacity
        self.assertEqual(b.level("k"), 100.0)
        self.assertEqual(sum(b.take("k") for _ in range(150)), 100)

    def test_keys_are_separate(self):
        b = ec2like.TokenBuckets(2, 0, Clock())
        self.assertTrue(b.take(("a", "us-east-1", LT)))
        self.assertTrue(b.take(("a", "us-east-1", LT)))
        self.assertFalse(b.take(("a", "us-east-1", LT)))
        self.assertTrue(b.take(("a", "us-east-1", LTV)))
        self.assertTrue(b.take(("a", "eu-west-1", LT)))
        self.assertTrue(b.take(("b", "us-east-1", LT)))

    def test_threads_take_exactly_the_capacity(self):
        b = ec2like.TokenBuckets(500, 0)
        got = []

        def work():
            got.append(sum(b.take("k") for _ in range(100)))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sum(got), 500)

    def test_admit_answers_like_ec2(self):
        e = ec2like.Ec2Like(0, 1, 0, Clock())
        e.admit("a", "r", LT)
        with self.assertRaises(ApiError) as cm:
            e.admit("a", "r", LT)
        self.assertEqual((cm.exception.code, cm.exception.status), ("RequestLimitExceeded", 503))


class Realistic(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.specs = [realistic.TemplateSpec(1, realistic.ACCOUNT, "us-east-1", 0, i)
                     for i in range(2000)]

    def test_deterministic(self):
        a = realistic.TemplateSpec(7, "111111111111", "eu-west-1", 3, 42)
        b = realistic.TemplateSpec(7, "111111111111", "eu-west-1", 3, 42)
        self.assertEqual(a.describe(), b.describe())
        self.assertEqual(a.versions(), b.versions())
        c = realistic.TemplateSpec(8, "111111111111", "eu-west-1", 3, 42)
        self.assertNotEqual(a.describe()["LaunchTemplateName"] + str(a.versions()),
                            c.describe()["LaunchTemplateName"] + str(c.versions()))

    def test_shape_of_the_data_set(self):
        n = len(self.specs)
        one = sum(1 for s in self.specs if s.latest == 1)
        tail = sum(1 for s in self.specs if s.latest >= 10)
        self.assertTrue(0.75 * n < one < 0.85 * n, one)
        self.assertTrue(0.05 * n < tail < 0.11 * n, tail)
        for s in self.specs:
            self.assertIn(s.default, s.present)
            self.assertEqual(max(s.present), s.latest)

    def test_launch_template_data_about_1_kb(self):
        sizes = []
        for s in self.specs[:500]:
            for v in s.versions().values():
                sizes.append(len(json.dumps(v["LaunchTemplateData"], separators=(",", ":"))))
        mean = sum(sizes) / len(sizes)
        self.assertTrue(900 < mean < 1500, mean)

    def test_fits_the_ec2_model(self):
        model = awsxml.load_model("ec2", "2016-11-15")
        for s in self.specs[:200]:
            awsxml.render_response(model, LT, {"LaunchTemplates": [s.describe()]}, "x")
            vs = s.versions()
            for v in vs.values():
                v["DefaultVersion"] = v["VersionNumber"] == s.default
            awsxml.render_response(model, LTV, {"LaunchTemplateVersions": list(vs.values())},
                                   "x")

    def test_ids_and_names_found_again(self):
        gen = realistic.RegionGen(2000, 1, 0)
        for i in (0, 1, 1999):
            t = gen.make(i, realistic.ACCOUNT, "us-east-1", 0, i)
            self.assertEqual(gen.parse_id(0, t.id), i)
            self.assertEqual(gen.parse_name(t.name), i)
        self.assertIsNone(gen.parse_id(1, gen.make(5, realistic.ACCOUNT, "us-east-1", 0, 5).id))
        self.assertIsNone(gen.parse_id(0, realistic.template_id(1, 0, 2000)))

    def test_split_over_regions(self):
        self.assertEqual(realistic.split(5000, 4), [2400, 1200, 800, 600])
        self.assertEqual(sum(realistic.split(12345, 7)), 12345)

    def test_pages_for_convert(self):
        with tempfile.TemporaryDirectory() as d:
            t, v, files, nbytes, data = realistic.write_pages(d, 450)
            self.assertGreaterEqual(v, 450)
            names = sorted(os.listdir(d))
            self.assertEqual(len(names), files)
            got_t = got_v = 0
            for name in names:
                with open(os.path.join(d, name)) as fh_:
                    page = json.load(fh_)
                got_t += len(page.get("LaunchTemplates", []))
                got_v += len(page.get("LaunchTemplateVersions", []))
                for item in page.get("LaunchTemplateVersions", []):
                    base64.b64decode(item["LaunchTemplateData"]["UserData"], validate=True)
            self.assertEqual((got_t, got_v), (t, v))
            self.assertTrue(900 * v < data < 1500 * v)


BENCH_DATA = {"accounts": {"111111111111": {
    "access_keys": {fh.MAIN[0]: fh.MAIN[1]},
    "regions": {"us-east-1": {}, "eu-west-1": {}, "ap-east-1": {"opt_in_status": "not-opted-in"}}}}}


class Ec2LikeServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="fake-ec2like-test-")
        cls.data = os.path.join(cls.tmp.name, "bench.json")
        with open(cls.data, "w") as f:
            json.dump(BENCH_DATA, f)
        cls.fake = fh.Fake(cls.data, ["--ec2-like", "--latency-ms", "100", "--bucket", "5:1",
                                      "--realistic", "300:3"])

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        cls.fake.cleanup()
        cls.tmp.cleanup()

    def test_latency_then_throttle_per_region_and_action(self):
        t0 = time.monotonic()
        st, _, body = self.fake.call(LT, {"MaxResults": "5"}, region="eu-west-1")
        self.assertEqual(st, 200, body)
        self.assertGreaterEqual(time.monotonic() - t0, 0.1)
        for _ in range(4):
            self.assertEqual(self.fake.call(LT, {"MaxResults": "5"}, region="eu-west-1")[0], 200)
        st, hdrs, body = self.fake.call(LT, {"MaxResults": "5"}, region="eu-west-1")
        self.assertEqual((st, error_code(body)), (503, "RequestLimitExceeded"))
        root = fh.ET.fromstring(body)  # EC2's error document: Response/Errors/Error + RequestID
        self.assertEqual(root.tag, "Response")
        self.assertIsNotNone(root.find("Errors/Error/Message"))
        self.assertIsNotNone(root.find("RequestID"))
        # Other actions and regions have buckets of their own.
        self.assertEqual(self.fake.call(LTV, {"LaunchTemplateVersion.1": "$Latest",
                                              "MaxResults": "5"}, region="eu-west-1")[0], 200)
        self.assertEqual(self.fake.call(LT, {"MaxResults": "5"}, region="us-east-1")[0], 200)
        time.sleep(1.1)  # one token back
        self.assertEqual(self.fake.call(LT, {"MaxResults": "5"}, region="eu-west-1")[0], 200)
        self.assertGreaterEqual(self.fake.stats()["errors_by_code"]["RequestLimitExceeded"], 1)

    def test_realistic_templates_over_enabled_regions(self):
        got = {}
        for region in ("us-east-1", "eu-west-1"):
            r = self.fake.control("GET", "/_fake/templates?region=%s&limit=1000" % region)
            got[region] = r["count"]
            for t in r["templates"]:
                self.assertEqual(max(t["Versions"]), t["LatestVersionNumber"])
        self.assertEqual(got, {"us-east-1": 200, "eu-west-1": 100})
        r = self.fake.control("GET", "/_fake/templates?region=us-east-1&limit=1")
        tid = r["templates"][0]["LaunchTemplateId"]
        st, _, body = self.fake.call(LTV, {"LaunchTemplateId": tid}, region="us-east-1")
        items, _ = ec2_items(body, "launchTemplateVersionSet")
        self.assertEqual(st, 200, body)
        self.assertEqual({text(i, "launchTemplateId") for i in items}, {tid})


if __name__ == "__main__":
    unittest.main()
