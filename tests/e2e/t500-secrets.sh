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
stop_fake

# Planted secrets. Temporary credentials (access key id, secret key, session token) minted by
# the fake's container endpoint, handed to ltsnap three ways - the environment, a
# credential_process, the container endpoint itself (with its authorization token) - and user
# data holding a fake PEM private key and a fake password. Every file ltsnap writes and all its
# standard error, at -v and at -vv, must hold none of them; user data (as base64, the form EC2
# returns it in) only in the snapshot asked for with --include-user-data.
unset AWS_ENDPOINT_URL
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
"$PY" - fixtures/fake/e2e.json "$T/planted.json" "$T/user-data.b64" <<'PYEOF'
import base64, json, sys
d = json.load(open(sys.argv[1]))
user_data = (b"#!/bin/sh\n"
             b"cat >/root/.ssh/id_rsa <<'KEY'\n"
             b"-----BEGIN RSA PRIVATE KEY-----\n"
             b"MIIEpAIBAAKCAQEAplantedFAKEkeyMaterialDoNotUse0000000000000000000001\n"
             b"-----END RSA PRIVATE KEY-----\n"
             b"KEY\n"
             b"export DB_PASSWORD='planted-Passw0rd-FAKE-0001'\n")
b64 = base64.b64encode(user_data).decode()
d["accounts"]["111111111111"]["regions"]["us-east-1"]["launch_templates"].append({
    "LaunchTemplateId": "lt-05ec0000000000001", "LaunchTemplateName": "e2e-planted-secrets",
    "CreateTime": "2024-05-01T00:00:00.000Z", "CreatedBy": "arn:aws:iam::111111111111:user/alice",
    "DefaultVersionNumber": 1, "LatestVersionNumber": 1,
    "Versions": [{"VersionNumber": 1, "CreateTime": "2024-05-01T00:00:00.000Z",
                  "LaunchTemplateData": {"ImageId": "ami-0e2e00000000f0001",
                                         "InstanceType": "t3.micro", "UserData": b64}}]})
json.dump(d, open(sys.argv[2], "w"))
open(sys.argv[3], "w").write(b64 + "\n")
PYEOF
start_fake "$T/planted.json"
CONTAINER_URL="$FAKE_URL/container/creds"
CONTAINER_AUTH=e2e-container-auth-token
# The container endpoint hands out the same credentials until they are due for rotation (an
# hour here): the ones read now are the ones ltsnap gets, whichever way they reach it.
"$PY" - "$CONTAINER_URL" "$CONTAINER_AUTH" "$T/creds.json" <<'PYEOF'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]})
c = json.load(urllib.request.urlopen(req))
json.dump({"Version": 1, "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
           "SessionToken": c["Token"], "Expiration": c["Expiration"]}, open(sys.argv[3], "w"))
PYEOF
AKID=$(json_get "$T/creds.json" 'j["AccessKeyId"]')
SECRET=$(json_get "$T/creds.json" 'j["SecretAccessKey"]')
TOKEN=$(json_get "$T/creds.json" 'j["SessionToken"]')
check "temporary credentials were minted" test "${AKID#ASIA}" != "$AKID"
# The patterns: each secret whole and its first 16 characters (a cut-off secret is a leak too).
for v in "$AKID" "$SECRET" "$TOKEN" "$CONTAINER_AUTH"; do
    printf '%s\n' "$v" "$(printf '%s' "$v" | cut -c1-16)"
done >"$T/secrets"
printf '%s\n' 'PRIVATE KEY' 'plantedFAKEkeyMaterial' 'planted-Passw0rd-FAKE-0001' >>"$T/secrets"
cat "$T/user-data.b64" >>"$T/secrets"
check "every pattern is there" test "$(grep -c . "$T/secrets")" -eq 12
printf '#!/bin/sh\ncat %s\n' "'$T/creds.json'" >"$T/credential-process"
chmod +x "$T/credential-process"

# planted_fetch SOURCE NAME ARGS...: a fetch with the credentials from SOURCE (env, process,
# container); its snapshot goes to $T/planted-NAME, its stdout and stderr to
# $T/planted-NAME.stderr.
planted_fetch() {
    source=$1 name=$2
    shift 2
    case $source in
    env)
        AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
            expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 \
            --out "$T/planted-$name" "$@"
        ;;
    process)
        printf '[default]\ncredential_process = %s\n' "$T/credential-process" >"$AWS_CONFIG_FILE"
        expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 \
            --out "$T/planted-$name" "$@"
        : >"$AWS_CONFIG_FILE"
        ;;
    container)
        AWS_CONTAINER_CREDENTIALS_FULL_URI=$CONTAINER_URL \
            AWS_CONTAINER_AUTHORIZATION_TOKEN=$CONTAINER_AUTH \
            expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 \
            --out "$T/planted-$name" "$@"
        ;;
    esac
    cat "$T/stderr" "$T/stdout" >"$T/planted-$name.stderr"
}

for source in env process container; do
    planted_fetch "$source" "$source-v" -v
    what=$source
    [ "$source" = process ] && what=credential_process
    check "$source: the credentials came from $what" grep -q "credentials from $what" \
        "$T/planted-$source-v.stderr"
    planted_fetch "$source" "$source-vv" -vv
    check "$source: -vv logged each request" grep -q \
        "debug: ec2 us-east-1 DescribeLaunchTemplates: attempt 1" "$T/planted-$source-vv.stderr"
done
planted_fetch container with-user-data -vv --include-user-data

# no_planted DESCRIPTION PATTERNS FILE...: none of the patterns in any of the files.
no_planted() {
    desc=$1 patterns=$2
    shift 2
    if grep -lF -f "$patterns" "$@" >"$T/leaks"; then
        not_ok "$desc"
        sed 's/^/#   leaked into /' "$T/leaks"
    else
        ok "$desc"
    fi
}
for name in env-v env-vv process-v process-vv container-v container-vv; do
    no_planted "$name: nothing planted in stdout or stderr" "$T/secrets" "$T/planted-$name.stderr"
    no_planted "$name: nothing planted in any file of the snapshot" "$T/secrets" \
        "$T/planted-$name"/*
done
no_planted "--include-user-data: nothing planted in stdout or stderr" "$T/secrets" \
    "$T/planted-with-user-data.stderr"
# With --include-user-data the user data is written - as EC2 returned it, base64 - and that
# is all.
grep -v -x -F -f "$T/user-data.b64" "$T/secrets" >"$T/secrets-but-user-data"
no_planted "--include-user-data: nothing else planted in the snapshot" \
    "$T/secrets-but-user-data" "$T/planted-with-user-data"/*
check "--include-user-data: the user data is in the version CSV" \
    grep -qF -f "$T/user-data.b64" "$T/planted-with-user-data/nodes-aws-launch-template-version.csv"
check "--include-user-data: and in snapshot.cypher" \
    grep -qF -f "$T/user-data.b64" "$T/planted-with-user-data/snapshot.cypher"
sha=$("$PY" -c 'import base64, hashlib, sys
print(hashlib.sha256(base64.b64decode(open(sys.argv[1]).read())).hexdigest())' "$T/user-data.b64")
check "without it: the user data's SHA-256 only" grep -qF "\"$sha\"" \
    "$T/planted-env-v/nodes-aws-launch-template-version.csv"

# Credential files are never copied: a snapshot holds exactly its own files, and none of them
# holds a credentials or config file's text.
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
    "$AKID" "$SECRET" "$TOKEN" >"$AWS_SHARED_CREDENTIALS_FILE"
printf '[default]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
expect_status 0 fetch --endpoint-url "$FAKE_URL" --out "$T/planted-files" -vv
check "the credentials came from the shared credentials file" grep -q \
    "credentials from shared credentials file" "$T/stderr"
cat "$T/stderr" "$T/stdout" >"$T/planted-files.stderr"
no_planted "credentials file: nothing planted in stdout or stderr" "$T/secrets" \
    "$T/planted-files.stderr"
no_planted "credentials file: nothing planted in the snapshot" "$T/secrets" "$T/planted-files"/*
is_eq "the snapshot holds exactly its own files" "$(ls "$T/planted-files" | tr '\n' ' ')" \
    "manifest.json neo4j-admin-import.args nodes-aws-account.csv nodes-aws-launch-template-version.csv nodes-aws-launch-template.csv nodes-aws-tag.csv post-import.cypher rels-resource-aws-launch-template-version.csv rels-resource-aws-launch-template.csv rels-tagged.csv rels-version.csv snapshot.cypher tombstones.csv "
printf '%s\n' aws_access_key_id aws_secret_access_key aws_session_token credential_process \
    '[default]' >"$T/config-words"
no_planted "no file holds a config file's keys" "$T/config-words" "$T/planted-files"/*
: >"$AWS_SHARED_CREDENTIALS_FILE"
: >"$AWS_CONFIG_FILE"

# Files are created with the user's umask (files 0644, the directory 0777, both less the
# mask).
for mask in 077 022; do
    (umask "$mask" && AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET \
        AWS_SESSION_TOKEN=$TOKEN "$LTSNAP" fetch --endpoint-url "$FAKE_URL" --region us-east-1 \
        --out "$T/umask-$mask" >"$T/stdout" 2>"$T/stderr")
    is_eq "umask $mask: exit 0" "$?" 0
    want_dir=$(printf '%o' $((0777 & ~0$mask)))
    want_file=$(printf '%o' $((0644 & ~0$mask)))
    is_eq "umask $mask: the directory is $want_dir" "$(stat -c %a "$T/umask-$mask")" "$want_dir"
    is_eq "umask $mask: every file is $want_file" \
        "$(stat -c %a "$T/umask-$mask"/* | sort -u | tr '\n' ' ')" "$want_file "
done
rm -rf "$T"/planted-* "$T"/umask-*
done_testing
