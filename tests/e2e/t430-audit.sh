# ltsnap audit over snapshots converted from fixtures/audit/: every planted problem found
# exactly (rule, template, version), nothing on the clean set, --fail-on exit statuses,
# --default-only, --list-rules, the text/json/sarif reports byte for byte, SARIF valid against
# the SARIF 2.1.0 schema, hostile names escaped in text, no secret in any output, usage errors.
# LT_UPDATE=1 rewrites tests/e2e/expected/audit/ from the current build: review, then commit.
. tests/e2e/lib.sh

E=tests/e2e/expected/audit
SCHEMA="$ROOT/tests/schemas/sarif-schema-2.1.0.json"
VALIDATE="$ROOT/tests/lib/sarif-validate.py"
A=fixtures/audit
# shellcheck disable=SC2086
convert_set() { # NAME FILES...: a snapshot $T/NAME
    name=$1
    shift
    expect_status 0 convert --account-id 123456789012 --region eu-west-1 "$@" --out "$T/$name"
}

# audit STATUS OUT ARGS...: ltsnap audit run from inside $T (relative DIR, so the SARIF artifact
# URIs do not depend on where the tests run); stdout to $T/OUT, stderr to $T/stderr.
audit() {
    want=$1
    out=$2
    shift 2
    (cd "$T" && exec "$LTSNAP" audit "$@") >"$T/$out" 2>"$T/stderr"
    status=$?
    if [ "$status" -eq "$want" ]; then
        ok "exit $want: ltsnap audit $*"
    else
        not_ok "exit $status, want $want: ltsnap audit $*"
        sed 's/^/#   /' "$T/stderr"
    fi
}

# expected DESCRIPTION NAME: $T/NAME equals tests/e2e/expected/audit/NAME byte for byte.
expected() {
    if [ "${LT_UPDATE:-0}" = 1 ]; then
        mkdir -p "$E"
        cp "$T/$2" "$E/$2"
    fi
    same_file "$1" "$E/$2" "$T/$2"
}

# findings JSON-REPORT OUT: one line per finding, "RULE TEMPLATE-NAME VERSION [default]".
findings() {
    "$PY" - "$1" >"$2" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    line = "%s %s %s" % (f["rule_id"], f.get("template_name", "-"), f.get("version_number", "-"))
    print(line + (" default" if f.get("default_version") else ""))
PYEOF
}

# sarif_valid DESCRIPTION FILE...: every file passes the schema and ltsnap's own SARIF checks.
sarif_valid() {
    desc=$1
    shift
    if "$PY" "$VALIDATE" "$SCHEMA" "$@" >"$T/sarif.problems" 2>&1; then
        ok "$desc"
    else
        not_ok "$desc"
        head -20 "$T/sarif.problems" | sed 's/^/#   /'
    fi
}

# ---- the snapshots ----
convert_set planted $A/planted/describe-launch-templates.json \
    $A/planted/describe-launch-template-versions.json
stderr_is "the planted tombstone is announced" "ltsnap: warning: launch template \
lt-0a0d170000000000c ('tombstoned') in eu-west-1 is listed without any version; recorded as \
a tombstone (NoVersions)"
convert_set clean $A/clean/describe-launch-templates.json $A/clean/describe-launch-template-versions.json
convert_set low $A/low-only/describe-launch-templates.json \
    $A/low-only/describe-launch-template-versions.json

# ---- the clean set: no finding at all, whatever is asked ----
audit 0 clean.txt clean
expected "clean: the text report" clean.txt
audit 0 clean.json --format json --fail-on low clean
findings "$T/clean.json" "$T/clean.findings"
check "clean: no finding" test ! -s "$T/clean.findings"
audit 0 clean.sarif --format sarif --fail-on low clean

# ---- the planted set: every problem, exactly once, and nothing else ----
audit 0 planted.txt planted
expected "planted: the text report" planted.txt
audit 0 planted.json --format json planted
expected "planted: the JSON report" planted.json
audit 0 planted.sarif --format sarif planted
expected "planted: the SARIF log" planted.sarif
findings "$T/planted.json" "$T/planted.findings"
cat >"$T/planted.want" <<'WANT'
LTS001 imds-optional 1 default
LTS002 imds-unspecified 1 default
LTS003 imds-hop-limit 1 default
LTS004 public-ip 1 default
LTS005 ebs-unencrypted 1 default
LTS006 ebs-unspecified 1 default
LTS007 user-data-secrets 1
LTS008 untagged 1 default
LTS009 default-behind 1 default
LTS010 many-versions 101 default
LTS011 tombstoned -
WANT
same_file "planted: one finding per planted problem (rule, template, version)" \
    "$T/planted.want" "$T/planted.findings"
is_eq "planted: versions judged" "$(json_get "$T/planted.json" 'j["summary"]["versions"]')" 113
is_eq "planted: the default version of user-data-secrets is clean" \
    "$(grep -c 'user-data-secrets 2' "$T/planted.findings")" 0

# --default-only: Security Hub's reading, only default versions (and template-level rules).
audit 0 planted-default.json --format json --default-only planted
findings "$T/planted-default.json" "$T/planted-default.findings"
grep -v '^LTS007 ' "$T/planted.want" >"$T/planted-default.want"
same_file "--default-only: the finding on a non-default version is gone, nothing else" \
    "$T/planted-default.want" "$T/planted-default.findings"
is_eq "--default-only: default versions judged" \
    "$(json_get "$T/planted-default.json" 'j["summary"]["versions"]')" 11
audit 0 planted-default.txt --default-only planted
check "--default-only: the text summary says so" \
    grep -qx 'summary: 2 high, 2 medium, 6 low (10 findings; judged 11 templates, 11 default versions, 1 tombstone)' \
    "$T/planted-default.txt"

# ---- --fail-on: 4 when a finding is at or above the severity, and the report still printed ----
for sev in low medium high; do
    audit 4 planted-fail.txt --fail-on "$sev" planted
    same_file "--fail-on $sev: same report" "$T/planted.txt" "$T/planted-fail.txt"
done
audit 4 low-fail.txt --fail-on low low
audit 0 low-fail.txt --fail-on medium low
audit 0 low-fail.txt --fail-on high low
audit 0 low.txt low
check "without --fail-on, findings do not change the exit status" grep -q '^summary: 0 high, 0 medium, 1 low' "$T/low.txt"

# ---- --list-rules ----
audit 0 rules.txt --list-rules
expected "--list-rules: text" rules.txt
audit 0 rules.json --list-rules --format json
expected "--list-rules: JSON" rules.json
audit 0 rules.sarif --list-rules --format sarif
is_eq "--list-rules --format sarif: no result" "$(json_get "$T/rules.sarif" 'len(j["runs"][0]["results"])')" 0

# ---- SARIF: the checker proves itself, then every log passes it ----
check "the SARIF checker rejects broken logs" "$PY" "$VALIDATE" --self-test "$SCHEMA"
sarif_valid "SARIF logs are valid SARIF 2.1.0" "$T/planted.sarif" "$T/clean.sarif" "$T/rules.sarif"
is_eq "SARIF: one result per finding" "$(json_get "$T/planted.sarif" 'len(j["runs"][0]["results"])')" 11
is_eq "SARIF: results point at the judged CSV row" \
    "$(json_get "$T/planted.sarif" '[l["physicalLocation"]["artifactLocation"]["uri"] + ":" + str(l["physicalLocation"]["region"]["startLine"]) for r in j["runs"][0]["results"] for l in r["locations"]][6]')" \
    "planted/nodes-aws-launch-template-version.csv:9"
audit 0 abs.sarif --format sarif "$T/planted"
sarif_valid "SARIF with an absolute directory (file:// URIs) is valid" "$T/abs.sarif"

# ---- no secret of the planted user data anywhere: reports, logs, the snapshot ----
for f in "$T"/planted*.txt "$T"/planted*.json "$T"/planted.sarif "$T"/abs.sarif "$T"/planted/*; do
    check "${f#"$T"/}: no planted secret" test "$(grep -c -e AKIAIOSFODNN7EXAMPLE -e wJalrXUtnFEMI \
        -e hunter22-planted -e b3BlbnNzaC1rZXkt -e ghp_planted "$f")" -eq 0
done
check "the snapshot records the kinds found" grep -q 'aws-access-key-id.aws-secret-access-key.password.private-key.token' \
    "$T/planted/nodes-aws-launch-template-version.csv"

# ---- hostile names and descriptions: text output carries no control character ----
H=fixtures/hostile
convert_set hostile $H/describe-launch-templates.json $H/describe-launch-template-versions.json \
    $H/json-only-control-characters.json
audit 0 hostile.txt hostile
expected "hostile: the text report" hostile.txt
check "hostile: no C0, DEL or C1 control but newlines in the text report" "$PY" -c '
import sys
data = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(any((ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f for c in data))' "$T/hostile.txt"
audit 0 hostile.json --format json hostile
is_eq "hostile: JSON keeps the names as they are" \
    "$(json_get "$T/hostile.json" '[f["template_name"] for f in j["findings"] if f["template_id"] == "lt-0bad00000000000c1"][0] == "soh\x01us\x1fdel\x7fend"')" True
audit 0 hostile.sarif --format sarif hostile
sarif_valid "hostile: the SARIF log is valid" "$T/hostile.sarif"

# ---- an incomplete snapshot: the regions it lacks are named, not silently passed ----
cp -r "$T/clean" "$T/partial"
"$PY" - "$T/partial/manifest.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["accounts"][0]["regions"].append({"name": "us-west-2", "status": "failed", "error": "e"})
json.dump(m, open(sys.argv[1], "w"))
PYEOF
audit 0 partial.txt --fail-on low partial
stderr_is "incomplete: a warning names the region" "ltsnap: warning: region us-west-2 of \
account 123456789012 is failed in 'partial': none of its templates was judged"
check "incomplete: the report names the region" grep -qx \
    'not judged: account 123456789012, region us-west-2 (failed in this snapshot)' "$T/partial.txt"

# ---- errors ----
audit 2 out --format xml clean
stderr_is "bad --format" "ltsnap: error: --format: 'xml' is not text, json or sarif
ltsnap: error: see 'ltsnap audit --help'"
audit 2 out --fail-on critical clean
stderr_is "bad --fail-on" "ltsnap: error: --fail-on: 'critical' is not low, medium or high
ltsnap: error: see 'ltsnap audit --help'"
audit 2 out
stderr_is "no directory" "ltsnap: error: no snapshot directory given
ltsnap: error: see 'ltsnap audit --help'"
audit 2 out clean low
stderr_is "two directories" "ltsnap: error: one snapshot directory only ('low' is extra)
ltsnap: error: see 'ltsnap audit --help'"
audit 2 out --list-rules clean
stderr_is "--list-rules with a directory" "ltsnap: error: --list-rules takes no DIR
ltsnap: error: see 'ltsnap audit --help'"
audit 1 out missing
stderr_is "no snapshot there" "ltsnap: error: cannot open 'missing/manifest.json': No such file or directory"
cp -r "$T/clean" "$T/tampered"
sed -i 's/clean-web/dirty-web/' "$T/tampered/nodes-aws-launch-template.csv"
audit 1 out tampered
stderr_is "a changed file is refused" "ltsnap: error: 'tampered/nodes-aws-launch-template.csv' \
does not match its size and SHA-256 in manifest.json; run 'ltsnap verify tampered'"
check "nothing on stdout after an error" test ! -s "$T/out"
audit 0 help.txt --help
check "--help prints the usage" grep -q '^usage: ltsnap audit \[--format text|json|sarif\]' "$T/help.txt"

# These snapshots are for the audit only: keep them out of the Cypher lint.
rm -rf "$T/planted" "$T/clean" "$T/low" "$T/hostile" "$T/tampered" "$T/partial"
done_testing
