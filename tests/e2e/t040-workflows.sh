# docs/workflows.md keeps up with the code, and its git recipe works: the IAM policies are valid
# JSON and grant exactly the EC2 and STS calls the sources make; every ltsnap command line in
# docs/workflows.md and README.md uses only options ltsnap(1) gives that command; snapshots
# committed to git diff line by line, survive a checkout byte for byte (the manifest's
# checksums hold in a `git worktree` of an older commit, checked with the doc's own one-liner),
# and ltsnap verify and ltsnap diff work across the two commits as the doc shows.
. tests/e2e/lib.sh

DOC=docs/workflows.md

# ---- the IAM policies ----
# Calls the sources make: EC2 actions in src/ec2/ec2.c, STS actions in src/aws/sts.c.
sed -n 's/.*query_begin([^,]*, "\([A-Za-z]*\)", EC2_API_VERSION).*/ec2:\1/p' src/ec2/ec2.c |
    sort -u >"$T/ec2-calls"
sed -n 's/.*query_begin([^,]*, "\([A-Za-z]*\)", STS_VERSION).*/sts:\1/p' src/aws/sts.c |
    sort -u >"$T/sts-calls"
printf '%s\n' ec2:DescribeLaunchTemplateVersions ec2:DescribeLaunchTemplates ec2:DescribeRegions \
    >"$T/ec2-calls.want"
same_file "the EC2 calls of src/ec2/ec2.c are the three the doc explains" "$T/ec2-calls.want" \
    "$T/ec2-calls"
printf '%s\n' sts:AssumeRole sts:AssumeRoleWithWebIdentity sts:GetCallerIdentity >"$T/sts-calls.want"
same_file "the STS calls of src/aws/sts.c are the three the doc explains" "$T/sts-calls.want" \
    "$T/sts-calls"
for call in $(cat "$T/ec2-calls" "$T/sts-calls"); do
    check "the doc's table explains $call" grep -q "^| \`$call\` |" "$DOC"
done
# Each ```json block parses; the first (the reader's policy) allows exactly the EC2 calls and
# GetCallerIdentity on "*", the second exactly sts:AssumeRole on one role. AssumeRoleWithWebIdentity
# is unsigned: no identity's policy grants it (the table says so).
"$PY" - "$DOC" "$T/ec2-calls" >"$T/policies" 2>&1 <<'PYEOF'
import json, re, sys
doc = open(sys.argv[1]).read()
blocks = re.findall(r"^```json\n(.*?)^```$", doc, re.S | re.M)
print("blocks", len(blocks))
policies = [json.loads(b) for b in blocks]
def allowed(p):
    out = set()
    for st in p["Statement"]:
        assert st["Effect"] == "Allow"
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        out.update(acts)
    return sorted(out)
want = sorted(open(sys.argv[2]).read().split() + ["sts:GetCallerIdentity"])
print("reader", allowed(policies[0]) == want)
print("reader resources", sorted({s["Resource"] for s in policies[0]["Statement"]}))
print("source", allowed(policies[1]), policies[1]["Statement"][0]["Resource"].startswith("arn:aws:iam::"))
print("trust", policies[2]["Statement"][0]["Action"], "Principal" in policies[2]["Statement"][0])
PYEOF
cat >"$T/policies.want" <<'EOF'
blocks 3
reader True
reader resources ['*']
source ['sts:AssumeRole'] True
trust sts:AssumeRole True
EOF
same_file "the policies parse and grant what the calls need, and no more" "$T/policies.want" \
    "$T/policies"

# ---- ltsnap command lines in the docs use documented options ----
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' docs/ltsnap.1 |
    awk '/^\.S[HS] / { sec = substr($0, 5); next }
         /^\.TP/ { tp = 1; next }
         tp { print sec "\t" $0; tp = 0 }' >"$T/man-entries"
for f in "$DOC" README.md; do
    # Lines of ```sh blocks (and YAML run: lines) that run ltsnap, with continuation lines
    # (after a backslash, or an indented "[" of a usage synopsis) joined.
    awk '/^```/ { inblock = !inblock; next }
         inblock || /run: ltsnap / { print }' "$f" |
        sed -e :a -e '/\\$/N; s/\\\n//; ta' |
        awk '/^ +\[/ { line = line " " $0; next } { if (NR > 1) print line; line = $0 }
             END { print line }' |
        grep -oE '(^|[ ;|&(])ltsnap [a-z]+( .*)?$' | sed -E 's/^[ ;|&(]//; s/ (\||>|&&|;|#) .*//' \
        >"$T/lines"
    check "$f runs ltsnap in its examples" test -s "$T/lines"
    while read -r _ cmd rest; do
        for opt in $(printf '%s\n' "$rest" | grep -oE -- '(^|[ [])--[a-z][a-z0-9-]*' | tr -d ' ['); do
            if awk -F '\t' -v c="ltsnap $cmd" '$1 == c || $1 == "COMMON OPTIONS" { print $2 }' \
                "$T/man-entries" | grep -qE -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|\$)"; then
                ok "$f: ltsnap $cmd $opt is in ltsnap(1)"
            else
                not_ok "$f: ltsnap $cmd $opt is not an option ltsnap(1) gives '$cmd'"
            fi
        done
    done <"$T/lines"
done

# ---- snapshots in git ----
export GIT_AUTHOR_NAME=ltsnap GIT_AUTHOR_EMAIL=ltsnap@example.invalid
export GIT_COMMITTER_NAME=ltsnap GIT_COMMITTER_EMAIL=ltsnap@example.invalid
R="$T/repo"
git init -q "$R"
cd "$R" || exit 1
mkdir -p snapshots
echo 'snapshots/** -text' >>.gitattributes
X="$ROOT/fixtures/ec2-xml/basic"
J="$ROOT/fixtures/awscli-json/basic"
acct="--account-id 123456789012 --region us-east-1 --out snapshots/prod"
# shellcheck disable=SC2086
expect_status 0 convert $acct "$X/describe-launch-templates-1.xml" \
    "$X/describe-launch-templates-2.xml" "$X/describe-launch-template-versions-1.xml" \
    "$X/describe-launch-template-versions-2.xml" "$X/describe-launch-template-versions-3.xml"
git add .gitattributes snapshots/prod && git commit -q -m "launch templates, day 1"
# The same cloud state (here the same pages as AWS CLI JSON) gives the same bytes: no change.
# shellcheck disable=SC2086
expect_status 0 convert $acct "$J/describe-launch-templates-1.json" \
    "$J/describe-launch-templates-2.json" "$J/describe-launch-template-versions-1.json" \
    "$J/describe-launch-template-versions-2.json" "$J/describe-launch-template-versions-3.json"
git diff --quiet -- snapshots/prod
is_eq "the same state again: git sees no change" "$?" 0
# Two templates lose their versions: git names exactly the files that change.
# shellcheck disable=SC2086
expect_status 0 convert $acct "$X/describe-launch-templates-1.xml" \
    "$X/describe-launch-templates-2.xml" "$X/describe-launch-template-versions-1.xml" \
    "$X/describe-launch-template-versions-2.xml"
git diff --name-only -- snapshots/prod >"$T/changed"
printf 'snapshots/prod/%s\n' manifest.json nodes-aws-launch-template-version.csv \
    nodes-aws-launch-template.csv nodes-aws-tag.csv \
    rels-resource-aws-launch-template-version.csv rels-resource-aws-launch-template.csv \
    rels-tagged.csv rels-version.csv snapshot.cypher tombstones.csv >"$T/changed.want"
same_file "git diff names the files of the changed templates, tombstones and manifest" \
    "$T/changed.want" "$T/changed"
git diff --numstat -- snapshots/prod/tombstones.csv >"$T/numstat"
printf '2\t0\tsnapshots/prod/tombstones.csv\n' >"$T/numstat.want"
same_file "two tombstones are two added lines" "$T/numstat.want" "$T/numstat"
git add snapshots/prod && git commit -q -m "launch templates, day 2"
# The recipe: the older commit in a worktree beside this one, its files as ltsnap wrote them.
old="$T/old"
git worktree add -q --detach "$old" HEAD~1 2>"$T/git.err"
is_eq "git worktree add of HEAD~1" "$?" 0
same_tree "the worktree holds day 1's snapshot byte for byte" \
    "$ROOT/tests/golden/basic-xml/expected" "$old/snapshots/prod"
oneliner=$(sed -n 's/^\(python3 -c .*\) | sha256sum -c$/\1/p' "$ROOT/$DOC")
check "the doc's checksum one-liner found" test -n "$oneliner"
(cd "$old/snapshots/prod" && eval "$oneliner" | sha256sum -c >"$T/sums" 2>&1)
is_eq "the doc's one-liner: the old commit's files match its manifest" "$?" 0
(cd "$R/snapshots/prod" && eval "$oneliner" | sha256sum -c >"$T/sums" 2>&1)
is_eq "the doc's one-liner: the new commit's files match its manifest" "$?" 0
# The rest of the recipe: verify both, then ltsnap diff between the two commits.
expect_status 0 verify "$old/snapshots/prod"
expect_status 0 verify snapshots/prod
expect_status 4 diff --exit-code "$old/snapshots/prod" snapshots/prod
# Day 2's new tombstones (day 1 already had one, which is no difference).
for id in $(tail -n +2 snapshots/prod/tombstones.csv | grep -vxF -f "$old/snapshots/prod/tombstones.csv" |
    cut -d, -f2 | tr -d '"'); do
    check "ltsnap diff between the commits names tombstoned $id" grep -q "$id" "$T/stdout"
done
expect_status 0 diff --format json "$old/snapshots/prod" snapshots/prod
check "the JSON difference is a diff document" grep -q '"format":"ltsnap-diff"' "$T/stdout"
expect_status 0 diff --exit-code "$old/snapshots/prod" "$old/snapshots/prod"
git worktree remove "$old"
is_eq "git worktree remove" "$?" 0
cd "$ROOT" || exit 1
done_testing
