# No secret reaches a log line or a file: keys, tokens, signatures, user data (unless asked).
. tests/e2e/lib.sh

cat >"$T/one-region.json" <<JSON
{"accounts": {"111111111111": {"access_keys": {"AKIAE2EMAIN000000001": "e2eMainSecret/+/0000000000000000000000001"},
 "regions": {"us-east-1": {"launch_templates": []}}},
 "222222222222": {"regions": {"us-east-1": {"launch_templates": []}}}},
 "roles": {"arn:aws:iam::222222222222:role/reader": {"trust": ["111111111111"]}}}
JSON
start_fake "$T/one-region.json" --synthetic 20:2
write_main_profile
cat >"$AWS_CONFIG_FILE" <<INI
[profile other]
role_arn = arn:aws:iam::222222222222:role/reader
source_profile = main
INI
export AWS_ENDPOINT_URL=$FAKE_URL
# Debug level: every request is logged; the assumed role's session token is in use.
expect_status 0 fetch --profile main --region us-east-1 --out "$T/snap" -vv
cp "$T/stderr" "$T/stderr.main"
expect_status 0 fetch --profile other --region us-east-1 --out "$T/other" -vv
cp "$T/stderr" "$T/stderr.other"
check "debug output was produced" grep -q "debug: ec2 us-east-1 DescribeLaunchTemplates: attempt 1" "$T/stderr.main"
user_data_b64=$("$PY" -c 'import base64; print(base64.b64encode(b"#!/bin/sh\necho synth-0000000 v1\n").decode())')
for f in "$T"/stderr.* "$T"/snap/* "$T"/other/*; do
    name=${f#"$T"/}
    check "$name: no secret key" test "$(grep -c 'e2eMainSecret' "$f")" -eq 0
    check "$name: no signature" test "$(grep -ciE 'Signature=[0-9a-f]{8}' "$f")" -eq 0
    check "$name: no session token header" test "$(grep -ci 'X-Amz-Security-Token: [A-Za-z0-9]' "$f")" -eq 0
    check "$name: no user data" test "$(grep -c -e "$user_data_b64" -e 'echo synth-0000000' "$f")" -eq 0
done
check "only its hash" grep -q "user_data_sha256" "$T/snap/nodes-aws-launch-template-version.csv"
# Asked for: then user data is written, and the manifest says so.
expect_status 0 fetch --profile main --region us-east-1 --include-user-data --out "$T/with"
check "--include-user-data writes it" grep -qF "$user_data_b64" "$T/with/nodes-aws-launch-template-version.csv"
is_eq "manifest says user data is included" "$(json_get "$T/with/manifest.json" 'j["user_data_included"]')" True
# These snapshots are only for the scan: keep them out of the Cypher lint.
rm -rf "$T/snap" "$T/other" "$T/with"
done_testing
