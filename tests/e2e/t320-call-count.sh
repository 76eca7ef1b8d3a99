# The number of API calls for a known data set: N templates of which k have versions that are
# neither latest nor default make ceil(N/200) + ceil(v/200) + k calls (v: versions in the
# all-templates listing), where fetching per template would make N + ceil(N/200).
. tests/e2e/lib.sh

cat >"$T/one-region.json" <<JSON
{"accounts": {"111111111111": {"access_keys": {"AKIAE2EMAIN000000001": "e2eMainSecret/+/0000000000000000000000001"},
 "regions": {"us-east-1": {"launch_templates": []}}}}}
JSON
N=1000
K=3
start_fake "$T/one-region.json" --synthetic $N:$K
use_main_keys
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
# The fake's rule: template i has K versions when i % 7 == 0, else 1; its default is version 1
# when i % 14 == 7, else its latest. So the listing returns 2 versions for those, 1 otherwise.
want=$("$PY" -c 'import math
N,K=1000,3
multi=[i for i in range(N) if i%7==0]
v=N+sum(1 for i in multi if i%14==7)
print(math.ceil(N/200), math.ceil(v/200)+len(multi), N*1+len(multi)*(K-1))')
set -- $want
is_eq "DescribeLaunchTemplates calls" "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["DescribeLaunchTemplates"]')" "$1"
is_eq "DescribeLaunchTemplateVersions calls" "$(fake_stat 's["calls"]["111111111111"]["us-east-1"]["DescribeLaunchTemplateVersions"]')" "$2"
is_eq "every version present" "$(json_get "$T/snap/manifest.json" 'j["counts"]["nodes"]["AWSLaunchTemplateVersion"]')" "$3"
is_eq "every template present" "$(json_get "$T/snap/manifest.json" 'j["counts"]["nodes"]["AWSLaunchTemplate"]')" "$N"
echo "# $N templates: $(( $1 + $2 )) EC2 calls; per template would be $(( N + (N + 199) / 200 ))"
check "connections reused (fewer connections than requests)" \
    test "$(fake_stat 's["connections_accepted"]')" -lt "$(fake_stat 's["total_requests"]')"
# This snapshot is large: keep it out of the Cypher lint (fixture-sized scripts only).
rm -rf "$T/snap"
done_testing
