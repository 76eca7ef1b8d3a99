# Throttling, 5xx, a dropped connection, a truncated body and an unparseable body are all
# retried: each run ends with exactly the snapshot of a run without faults.
. tests/e2e/lib.sh

use_main_keys
export SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=4
for fault in throttle:DescribeLaunchTemplates:2 status:DescribeLaunchTemplateVersions:500:1 \
    status:DescribeLaunchTemplateVersions:503:2 drop:DescribeLaunchTemplates:1 \
    truncate:DescribeLaunchTemplateVersions:1 cut-xml:DescribeLaunchTemplates:1 \
    throttle:GetCallerIdentity:1; do
    start_fake fixtures/fake/e2e.json --fault "$fault"
    expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap" -v
    same_tree "$fault: the same snapshot" tests/e2e/expected/fetch-us-east-1 "$T/snap"
    check "$fault: the fault fired" test "$(fake_stat 's["faults_injected_total"]')" -ge 1
    stop_fake
done
check "throttling is counted" grep -q " 0 retries, 0 throttled$" "$T/stderr"
start_fake fixtures/fake/e2e.json --fault throttle:DescribeLaunchTemplateVersions:3
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap" -v
check "throttled requests are reported" grep -q "3 retries, 3 throttled$" "$T/stderr"
same_tree "after throttling: the same snapshot" tests/e2e/expected/fetch-us-east-1 "$T/snap"
done_testing
