# Several --profile (one assumes a role into another account) and several --region in one
# snapshot; a region not enabled for an account is skipped with a warning, not failed.
. tests/e2e/lib.sh

start_fake fixtures/fake/e2e.json
write_main_profile
cat >"$AWS_CONFIG_FILE" <<INI
[profile main]
region = us-east-1
[profile other]
role_arn = arn:aws:iam::222222222222:role/ltsnap-reader
source_profile = main
region = us-east-1
INI
export AWS_ENDPOINT_URL=$FAKE_URL SOURCE_DATE_EPOCH=1764374400
expect_status 0 fetch --profile main --profile other --region us-east-1 --region eu-west-1 \
    --region af-south-1 --out "$T/snap"
check "the skipped region is named in a warning" grep -q \
    "^ltsnap: warning: account 222222222222 region af-south-1 skipped: DescribeLaunchTemplates: AuthFailure" "$T/stderr"
is_eq "one warning only" "$(grep -c . "$T/stderr")" 1
is_eq "the role was assumed" "$(fake_stat 's["credentials_issued"]["AssumeRole"]')" 1
m="$T/snap/manifest.json"
is_eq "two accounts" "$(json_get "$m" '[a["id"] for a in j["accounts"]]')" "['111111111111', '222222222222']"
is_eq "account 1: all complete" "$(json_get "$m" '[(r["name"], r["status"]) for r in j["accounts"][0]["regions"]]')" \
    "[('af-south-1', 'complete'), ('eu-west-1', 'complete'), ('us-east-1', 'complete')]"
is_eq "account 2: af-south-1 skipped" "$(json_get "$m" '[(r["name"], r["status"]) for r in j["accounts"][1]["regions"]]')" \
    "[('af-south-1', 'skipped'), ('eu-west-1', 'complete'), ('us-east-1', 'complete')]"
is_eq "node counts" "$(json_get "$m" 'j["counts"]["nodes"]')" \
    "{'AWSAccount': 2, 'AWSLaunchTemplate': 12, 'AWSLaunchTemplateVersion': 28, 'AWSTag': 8}"
check "cleanup covers exactly the complete regions" grep -qF \
    "{account_id: '222222222222', regions: ['eu-west-1', 'us-east-1']}" "$T/snap/snapshot.cypher"
# --all-regions asks DescribeRegions for the enabled ones.
expect_status 0 fetch --profile main --all-regions --out "$T/all"
is_eq "all enabled regions of account 1" "$(json_get "$T/all/manifest.json" '[r["name"] for r in j["accounts"][0]["regions"]]')" \
    "['af-south-1', 'eu-west-1', 'us-east-1']"
is_eq "one DescribeRegions call" "$(fake_stat 's["requests_by_action"]["DescribeRegions"]')" 1
done_testing
