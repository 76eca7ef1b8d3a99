# A region that keeps failing: exit 3, the other region complete, the failed one marked with
# its error and left alone by the cleanup. Wrong credentials: exit 1, the previous snapshot
# untouched. A throttled region that never recovers within its attempts also fails.
. tests/e2e/lib.sh

use_main_keys
export SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=2
start_fake fixtures/fake/e2e.json --fault region-fail:eu-west-1
expect_status 3 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --region eu-west-1 --out "$T/snap"
stderr_is "the failed region is named" \
"ltsnap: warning: account 111111111111 region eu-west-1 failed: DescribeLaunchTemplates: InternalError: An internal error has occurred (after 2 attempts)
ltsnap: warning: snapshot '$T/snap' is incomplete: 1 region(s) failed (see manifest.json)"
m="$T/snap/manifest.json"
is_eq "manifest: eu-west-1 failed with its error" \
    "$(json_get "$m" '[(r["name"], r["status"], r.get("error")) for r in j["accounts"][0]["regions"]]')" \
    "[('eu-west-1', 'failed', 'DescribeLaunchTemplates: InternalError: An internal error has occurred (after 2 attempts)'), ('us-east-1', 'complete', None)]"
check "cleanup leaves eu-west-1 alone" grep -qF "{account_id: '111111111111', regions: ['us-east-1']}" \
    "$T/snap/snapshot.cypher"
is_eq "no eu-west-1 data" "$(grep -c eu-west-1 "$T/snap/nodes-aws-launch-template.csv")" 0
same_file "us-east-1 complete" tests/e2e/expected/fetch-us-east-1/nodes-aws-launch-template-version.csv \
    "$T/snap/nodes-aws-launch-template-version.csv"
# Every region failing: exit 1, nothing written.
expect_status 1 fetch --endpoint-url "$FAKE_URL" --region eu-west-1 --out "$T/none"
check "nothing written" test ! -e "$T/none"
stop_fake

# Wrong credentials: exit 1 and the snapshot of before untouched.
start_fake fixtures/fake/e2e.json
cp -r "$T/snap" "$T/before"
AWS_SECRET_ACCESS_KEY=wrong expect_status 1 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
check "the error names STS and the code" grep -q \
    "^ltsnap: error: STS GetCallerIdentity at 'http://127.0.0.1:[0-9]*': SignatureDoesNotMatch: " "$T/stderr"
same_tree "previous snapshot untouched" "$T/before" "$T/snap"
# No credentials at all.
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$LTSNAP" fetch --endpoint-url "$FAKE_URL" \
    --region us-east-1 --out "$T/snap" >"$T/stdout" 2>"$T/stderr"
is_eq "no credentials: exit 1" "$?" 1
check "no credentials: says so" grep -q "^ltsnap: error: .*credentials" "$T/stderr"
# Denied DescribeLaunchTemplateVersions after a successful listing: the region fails.
AWS_ACCESS_KEY_ID=AKIAE2EDENIED0000001 AWS_SECRET_ACCESS_KEY=e2eDeniedSecret00000000000000000000000001 \
    expect_status 1 fetch --endpoint-url "$FAKE_URL" \
    --region us-east-1 --out "$T/denied"
check "UnauthorizedOperation after the listing fails the region" grep -q \
    "region us-east-1 failed: DescribeLaunchTemplateVersions: UnauthorizedOperation" "$T/stderr"
stop_fake

# Throttled beyond the attempts: the region fails, as it should.
start_fake fixtures/fake/e2e.json --fault 'throttle:DescribeLaunchTemplates:*'
expect_status 1 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/throttled"
check "throttling past the attempts is a failure" grep -q "RequestLimitExceeded" "$T/stderr"
done_testing
