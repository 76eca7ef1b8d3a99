# ltsnap verify: every golden snapshot and every fetched one (a skipped region, a failed
# region) verifies clean; a tampered copy is reported file by file, exit 4; a path that is no
# snapshot directory is an error, exit 1; -q and -v; templates from LTSNAP_TEMPLATES.
. tests/e2e/lib.sh

for d in tests/golden/*/expected; do
    expect_status 0 verify "$d"
    printf "'%s': ok, 13 files checked\n" "$d" >"$T/want"
    same_file "$d verifies clean" "$T/want" "$T/stdout"
done

# Fetched snapshots: two accounts, a skipped region, then a failed region (exit 3).
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
export AWS_ENDPOINT_URL=$FAKE_URL SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=2
expect_status 0 fetch --profile main --profile other --region us-east-1 --region af-south-1 \
    --out "$T/fetched"
expect_status 0 verify "$T/fetched"
stop_fake
start_fake fixtures/fake/e2e.json --fault region-fail:eu-west-1
export AWS_ENDPOINT_URL=$FAKE_URL
expect_status 3 fetch --profile main --region us-east-1 --region eu-west-1 --out "$T/partial"
expect_status 0 verify "$T/partial"
stop_fake

# Tampered copies: every problem named, file by file, then the summary; exit 4.
S=tests/golden/basic-xml/expected
cp -r "$S" "$T/bad"
sed -i 's/"t3.micro"/"t3.macro"/' "$T/bad/nodes-aws-launch-template-version.csv"
rm "$T/bad/rels-tagged.csv"
echo "my notes" >"$T/bad/notes.txt"
expect_status 4 verify "$T/bad"
# The two checksums: the changed file's, and the one its manifest entry still holds.
bad_sum=$(sha256sum "$T/bad/nodes-aws-launch-template-version.csv" | cut -d' ' -f1)
listed_sum=$("$PY" -c 'import json, sys; print([f["sha256"] for f in json.load(open(sys.argv[1]))["files"] if f["name"] == "nodes-aws-launch-template-version.csv"][0])' "$T/bad/manifest.json")
cat >"$T/want" <<OUT
nodes-aws-launch-template-version.csv: SHA-256 is $bad_sum, manifest.json says $listed_sum
notes.txt: not a file of an ltsnap snapshot
rels-tagged.csv: missing
snapshot.cypher: line 44: AWSLaunchTemplateVersion 'lt-0a1b2c3d4e5f60001-1': instance_type is 't3.micro', nodes-aws-launch-template-version.csv has 't3.macro'
'$T/bad': 4 problems in 4 files
OUT
same_file "the problems, file by file, and the summary" "$T/want" "$T/stdout"
stderr_is "nothing on stderr" ""
expect_status 4 verify -q "$T/bad"
head -4 "$T/want" >"$T/want.q"
same_file "-q: the problems without the summary" "$T/want.q" "$T/stdout"
expect_status 4 verify -v "$T/bad"
check "-v: files without a problem are listed" grep -qx "tombstones.csv: ok" "$T/stdout"
# A hostile file name cannot forge a line of the report.
rm -rf "$T/bad" && cp -r "$S" "$T/bad"
: >"$T/bad/$(printf 'x\nnodes-aws-tag.csv: ok')"
expect_status 4 verify "$T/bad"
printf "x\\\\nnodes-aws-tag.csv: ok: not a file of an ltsnap snapshot\n'%s': 1 problem in 1 file\n" \
    "$T/bad" >"$T/want"
same_file "a line break in a file name is escaped" "$T/want" "$T/stdout"

# One planted problem at a time, the manifest resealed (sha256, bytes, CSV rows, node counts)
# where the plant changes content: exactly that problem is reported, exit 4.
reseal() {
    "$PY" - "$1" <<'PYEOF'
import csv, hashlib, io, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
rows = {}
for f in m["files"]:
    data = open(os.path.join(d, f["name"]), "rb").read()
    f["sha256"], f["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    if f["name"].endswith(".csv"):
        f["rows"] = rows[f["name"]] = len(list(csv.reader(io.StringIO(data.decode(), newline="")))) - 1
for label, name in [("AWSAccount", "nodes-aws-account.csv"), ("AWSTag", "nodes-aws-tag.csv"),
                    ("AWSLaunchTemplate", "nodes-aws-launch-template.csv"),
                    ("AWSLaunchTemplateVersion", "nodes-aws-launch-template-version.csv")]:
    m["counts"]["nodes"][label] = rows[name]
open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m, indent="\t", sort_keys=True) + "\n")
PYEOF
}
# planted NAME WANT: verify $T/p (planted by the caller) prints WANT and the summary, exit 4.
planted() {
    expect_status 4 verify "$T/p"
    { printf '%s\n' "$2"; printf "'%s': 1 problem in 1 file\n" "$T/p"; } >"$T/want"
    same_file "planted: $1" "$T/want" "$T/stdout"
}
fresh() { rm -rf "$T/p" && cp -r "$S" "$T/p"; }
V=nodes-aws-launch-template-version.csv
fresh && sed -i 's/^# Written/# written/' "$T/p/neo4j-admin-import.args"
planted "a changed byte" "neo4j-admin-import.args: SHA-256 is 7b761cfd69e505aeee20f40316855f291330d774d3582d06fe8bda7f93365d7b, manifest.json says 7b7bc4d7d44146e90ba313a6fb25071e0b83c12042f3db7277f0a7e76412d548"
fresh && rm "$T/p/rels-tagged.csv"
planted "a missing file" "rels-tagged.csv: missing"
fresh && : >"$T/p/extra.csv"
planted "an extra file" "extra.csv: not a file of an ltsnap snapshot"
fresh && sed -i '/"nodes-aws-tag.csv"/{n;s/"rows":\t6/"rows":\t5/}' "$T/p/manifest.json"
planted "a wrong rows count" "nodes-aws-tag.csv: 6 rows, manifest.json says 5"
fresh && sed -i 's/,2,3,"us-east-1"/,2,x3,"us-east-1"/' "$T/p/nodes-aws-launch-template.csv" && reseal "$T/p"
planted "a value not of its type" "nodes-aws-launch-template.csv: AWSLaunchTemplate 'lt-0a1b2c3d4e5f60001': latest_version_number 'x3' is not a long"
fresh && sed -i 's/"cost-center:"/"cost-center:x"/' "$T/p/rels-tagged.csv" &&
    sed -i "s/to: 'cost-center:'}/to: 'cost-center:x'}/" "$T/p/snapshot.cypher" && reseal "$T/p"
planted "a dangling endpoint" "rels-tagged.csv: record 5: end 'cost-center:x' is not an AWSTag of nodes-aws-tag.csv"
fresh && sed -i "s/instance_type: 't3.medium'/instance_type: 't3.large'/" "$T/p/snapshot.cypher" && reseal "$T/p"
planted "snapshot.cypher and the CSV disagree" "snapshot.cypher: line 45: AWSLaunchTemplateVersion 'lt-0a1b2c3d4e5f60001-2': instance_type is 't3.large', $V has 't3.medium'"
fresh && sed -i '2p' "$T/p/nodes-aws-tag.csv" && reseal "$T/p"
planted "a duplicate id" "nodes-aws-tag.csv: AWSTag id 'Name:gpu-trainer' appears twice (records 2 and 3)"

# Not a snapshot directory at all; usage errors.
expect_status 1 verify "$T/nope"
stderr_is "a missing directory is named" \
    "ltsnap: error: cannot read '$T/nope': No such file or directory"
expect_status 1 verify "$S/manifest.json"
stderr_is "a file is not a directory" "ltsnap: error: '$S/manifest.json' is not a directory"
expect_status 2 verify
expect_status 2 verify "$S" "$S"
expect_status 2 verify --templates templates "$S"
stderr_is "verify takes no --templates" "ltsnap: error: option '--templates' does not apply to verify
ltsnap: error: see 'ltsnap verify --help'"
expect_status 0 verify --help
check "--help is on stdout" grep -q '^usage: ltsnap verify \[-q|-v\] DIR$' "$T/stdout"

# A snapshot written with other templates verifies against those (LTSNAP_TEMPLATES) only.
cp -r templates "$T/mine"
printf '// my own header\n:param {update_tag: timestamp() / 1000}\n' >"$T/mine/header.cypher"
X=fixtures/ec2-xml/basic
expect_status 0 convert --account-id 123456789012 --region us-east-1 --templates "$T/mine" \
    $X/describe-launch-templates-1.xml $X/describe-launch-template-versions-1.xml --out "$T/own"
LTSNAP_TEMPLATES="$T/mine" expect_status 0 verify "$T/own"
expect_status 4 verify "$T/own"
printf "%s\n" "post-import.cypher: does not start with a parameter line the templates make; not read further" \
    "snapshot.cypher: does not start with a parameter line the templates make; not read further" \
    "'$T/own': 2 problems in 2 files" >"$T/want"
same_file "other templates: the scripts are named" "$T/want" "$T/stdout"
rm -rf "$T/mine"
done_testing
