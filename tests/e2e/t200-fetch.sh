# fetch against the fake endpoint: the expected snapshot byte for byte, the minimal calls,
# managed templates included, connections reused, determinism.
. tests/e2e/lib.sh

start_fake fixtures/fake/e2e.json
use_main_keys
export SOURCE_DATE_EPOCH=1764374400
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
stderr_is "nothing on stderr" ""
same_tree "the expected snapshot" tests/e2e/expected/fetch-us-east-1 "$T/snap"
# 7 templates (one managed, hidden without IncludeManagedResources=true): one listing page,
# one $Latest/$Default page, and one call per template with versions neither latest nor
# default (e2e-app, e2e-doomed, e2e-gaps, e2e-default-is-latest).
is_eq "1 DescribeLaunchTemplates" "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["DescribeLaunchTemplates"]')" 1
is_eq "5 DescribeLaunchTemplateVersions" "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["DescribeLaunchTemplateVersions"]')" 5
is_eq "1 GetCallerIdentity" "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["GetCallerIdentity"]')" 1
is_eq "every EC2 call pages with MaxResults=200 and IncludeManagedResources=true" \
    "$("$PY" -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ec2=[r for r in rows if r.get("action","").startswith("Describe")]
print(all(r["params"].get("MaxResults")=="200" and r["params"].get("IncludeManagedResources")=="true" for r in ec2) and len(ec2))' "$T/fake-requests.log")" 6
is_eq "managed template present" "$(grep -c lt-0e2e0000000000105 "$T/snap/nodes-aws-launch-template.csv")" 1
check "connections reused" test "$(fake_stat 's["requests_on_reused_connections"]')" -gt 0
is_eq "manifest: region complete" "$(json_get "$T/snap/manifest.json" 'j["accounts"][0]["regions"][0]["status"]')" complete
is_eq "manifest: created_at from SOURCE_DATE_EPOCH" "$(json_get "$T/snap/manifest.json" 'j["created_at"]')" 2025-11-29T00:00:00Z
# Every file the manifest lists has the checksum and size it says.
check "manifest checksums match" "$PY" -c 'import hashlib,json,os,sys
d=sys.argv[1]; m=json.load(open(d+"/manifest.json"))
names=sorted(f["name"] for f in m["files"])
assert names==sorted(x for x in os.listdir(d) if x!="manifest.json"), names
for f in m["files"]:
    b=open(d+"/"+f["name"],"rb").read()
    assert hashlib.sha256(b).hexdigest()==f["sha256"] and len(b)==f["bytes"], f["name"]' "$T/snap"
# Again: identical bytes.
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
same_tree "same cloud, same bytes" tests/e2e/expected/fetch-us-east-1 "$T/snap"
# The same endpoint through the environment instead of the flag.
AWS_ENDPOINT_URL=$FAKE_URL AWS_REGION=us-east-1 expect_status 0 fetch --out "$T/env"
same_tree "AWS_ENDPOINT_URL and AWS_REGION work like the flags" tests/e2e/expected/fetch-us-east-1 "$T/env"
done_testing
