# The bug ltsnap exists to beat: a template deleted between the listing and the per-template
# call answers InvalidLaunchTemplateId.NotFound. ltsnap tombstones it, warns, and finishes.
. tests/e2e/lib.sh

start_fake fixtures/fake/e2e.json --fault delete-after-list:lt-0e2e0000000000103
use_main_keys
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
stderr_is "one warning naming template and region" \
    "ltsnap: warning: launch template lt-0e2e0000000000103 ('e2e-doomed') in account 111111111111 region us-east-1 disappeared during the fetch (InvalidLaunchTemplateId.NotFound); recorded as a tombstone"
is_eq "the fault fired" "$(fake_stat 's["templates_deleted"]')" 1
same_file "tombstones.csv" tests/e2e/expected/tombstones-race.csv "$T/snap/tombstones.csv"
is_eq "the deleted template is not a node" "$(grep -c lt-0e2e0000000000103 "$T/snap/nodes-aws-launch-template.csv")" 0
# Every other template and version is there: the expected snapshot minus e2e-doomed.
for f in nodes-aws-launch-template.csv nodes-aws-launch-template-version.csv rels-version.csv; do
    grep -v lt-0e2e0000000000103 "tests/e2e/expected/fetch-us-east-1/$f" >"$T/$f.want"
    same_file "$f: every other row present" "$T/$f.want" "$T/snap/$f"
done
check "snapshot.cypher deletes the template and its versions" \
    grep -qF "{id: 'lt-0e2e0000000000103', account_id: '111111111111', region: 'us-east-1'}" \
    "$T/snap/snapshot.cypher"
done_testing
