# ltsnap diff between fetched snapshots: a region that fails in NEW is reported as failed, not
# as everything removed, and the delta leaves it alone; a template deleted during NEW's fetch is
# tombstoned with its reason. Text, JSON and the delta are compared whole; the delta is left in
# the test directory for the Cypher lint. Then exit statuses and errors.
. tests/e2e/lib.sh

write_main_profile
printf '[profile main]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
export SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=2
start_fake fixtures/fake/e2e.json
expect_status 0 fetch --profile main --endpoint-url "$FAKE_URL" --region us-east-1 \
    --region eu-west-1 --out "$T/old"
stop_fake
start_fake fixtures/fake/e2e.json --fault region-fail:eu-west-1 \
    --fault delete-after-list:lt-0e2e0000000000103
expect_status 3 fetch --profile main --endpoint-url "$FAKE_URL" --region us-east-1 \
    --region eu-west-1 --out "$T/new"
stop_fake

E=tests/e2e/expected
for f in text:diff-fetch.txt json:diff-fetch.json cypher:diff-fetch.cypher; do
    expect_status 4 diff --exit-code --format "${f%%:*}" "$T/old" "$T/new"
    same_file "--format ${f%%:*}" "$E/${f#*:}" "$T/stdout"
    stderr_is "--format ${f%%:*}: nothing on stderr" ""
done
cp "$T/stdout" "$T/delta.cypher"
# The other way round: the region that had failed is complete again; its templates are added.
expect_status 0 diff "$T/new" "$T/old"
same_file "NEW to OLD" "$E/diff-fetch-reverse.txt" "$T/stdout"
expect_status 0 diff -q "$T/new" "$T/old"
head -n -1 "$E/diff-fetch-reverse.txt" >"$T/want"
same_file "-q: no summary line" "$T/want" "$T/stdout"
# A snapshot against itself: nothing, exit 0 even with --exit-code.
expect_status 0 diff --exit-code "$T/new" "$T/new"
same_file "no differences: no output" /dev/null "$T/stdout"

# A snapshot that does not match its manifest is refused, naming the file.
cp -r "$T/new" "$T/tampered"
sed -i 's/e2e-/E2E-/' "$T/tampered/nodes-aws-launch-template.csv"
expect_status 1 diff "$T/old" "$T/tampered"
stderr_is "the tampered file is named" \
    "ltsnap: error: '$T/tampered/nodes-aws-launch-template.csv' does not match its size and SHA-256 in manifest.json; run 'ltsnap verify $T/tampered'"
expect_status 1 diff "$T/old" "$T/nope"
stderr_is "a missing snapshot is named" \
    "ltsnap: error: cannot open '$T/nope/manifest.json': No such file or directory"

# Usage.
expect_status 2 diff --format yaml "$T/old" "$T/new"
stderr_is "an unknown format is named" "ltsnap: error: --format: 'yaml' is not text, json or cypher
ltsnap: error: see 'ltsnap diff --help'"
expect_status 2 diff "$T/old"
expect_status 2 diff --out x "$T/old" "$T/new"
expect_status 0 diff --help
check "--help shows the interface" grep -qx \
    'usage: ltsnap diff \[--format text|json|cypher\] \[--exit-code\] \[--templates DIR\] \[-q|-v\]' \
    "$T/stdout"

# --templates: the delta comes from them; a missing delta template is named.
cp -r templates "$T/mine"
rm "$T/mine/delta-delete-rels-tagged.cypher"
expect_status 1 diff --format cypher --templates "$T/mine" "$T/old" "$T/new"
check "the missing template is named" grep -q \
    "^ltsnap: error: cannot load template 'delta-delete-rels-tagged.cypher'" "$T/stderr"
rm -rf "$T/mine"
done_testing
