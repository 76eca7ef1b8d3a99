# EC2's request rate limit (scripts/fake-aws --ec2-like: a bucket of 100 tokens per account,
# region and action, refilled at 20/s; 503 RequestLimitExceeded when it is empty) on a realistic
# data set that needs more calls than the burst in one region. The fetch waits for the bucket
# instead of failing: every template and version arrives, and the launch-template calls stay
# within N/200 + 2N/200 + k + regions (k: templates with versions that are neither the latest
# nor the default). A throttled answer, should one come, is retried, never a failure.
. tests/e2e/lib.sh

cat >"$T/regions.json" <<JSON
{"accounts": {"111111111111": {"access_keys": {"AKIAE2EMAIN000000001": "e2eMainSecret/+/0000000000000000000000001"},
 "regions": {"us-east-1": {}, "eu-west-1": {}}}}}
JSON
start_fake "$T/regions.json" --ec2-like --latency-ms 5 --realistic 1200:7
use_main_keys
# What the fake holds: templates, versions and k over both regions.
set -- $("$PY" - "$FAKE_URL" <<'PYEOF'
import json, sys, urllib.request
n = v = k = 0
for r in ("us-east-1", "eu-west-1"):
    d = json.load(urllib.request.urlopen(
        "%s/_fake/templates?region=%s&limit=100000" % (sys.argv[1], r)))
    for t in d["templates"]:
        n += 1
        v += len(t["Versions"])
        k += any(x not in (t["DefaultVersionNumber"], t["LatestVersionNumber"])
                 for x in t["Versions"])
print(n, v, k)
PYEOF
)
N=$1 V=$2 K=$3
echo "# $N templates, $V versions, $K with versions beyond the latest and the default"
expect_status 0 fetch -v --endpoint-url "$FAKE_URL" --region us-east-1 --region eu-west-1 \
    --out "$T/snap"
is_eq "both regions complete" \
    "$(json_get "$T/snap/manifest.json" '[r["status"] for a in j["accounts"] for r in a["regions"]]')" \
    "['complete', 'complete']"
is_eq "every template" "$(json_get "$T/snap/manifest.json" 'j["counts"]["nodes"]["AWSLaunchTemplate"]')" "$N"
is_eq "every version" "$(json_get "$T/snap/manifest.json" 'j["counts"]["nodes"]["AWSLaunchTemplateVersion"]')" "$V"
check "more calls than one burst in us-east-1: the rate limit was met" \
    test "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["DescribeLaunchTemplateVersions"]')" -gt 100
calls=$("$PY" -c 'import re, sys
m = re.search(r"API calls: (\d+) DescribeLaunchTemplates, (\d+) DescribeLaunchTemplateVersions", open(sys.argv[1]).read())
print(int(m.group(1)) + int(m.group(2)) if m else "none")' "$T/stderr")
budget=$("$PY" -c 'import sys; n, k = int(sys.argv[1]), int(sys.argv[2]); print(int(n / 200 + 2 * n / 200 + k + 2))' "$N" "$K")
check "launch-template calls ($calls) within N/200 + 2N/200 + k + regions ($budget)" \
    test "$calls" -le "$budget"
echo "# throttled answers: $(fake_stat 's["errors_by_code"].get("RequestLimitExceeded", 0)')"
# This snapshot is large: keep it out of the Cypher lint (fixture-sized scripts only).
rm -rf "$T/snap"
done_testing
