# Hostile values through the whole fetch: quotes, backslashes, line breaks, the control
# characters EC2's XML can carry, Cypher and cypher-shell syntax (`'}) DETACH DELETE n //`,
# `:commit`, `;`, comments, template placeholders), RTL text, emoji and 100 KB strings, as
# version descriptions, key names, tag values and tag keys, served by the fake (XML). The
# strings of the golden hostile fixtures are among them (tests/e2e/hostile.py lists the rest).
# snapshot.cypher passes Neo4j's parser; every value reads back exactly from the CSV (Python's
# csv module) and from the Cypher literals (a Cypher 5 literal reader); and the snapshot is
# exactly the one of the same data with harmless placeholders for the values, each placeholder
# replaced by its value: nothing outside a value changes.
. tests/e2e/lib.sh

use_main_keys
export SOURCE_DATE_EPOCH=1764374400
n=$("$PY" tests/e2e/hostile.py data "$T")
check "the hostile values include the fixtures' ($n values)" test "$n" -ge 100
for set in plain hostile; do
    start_fake "$T/$set.json"
    expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/$set"
    stderr_is "$set: nothing on stderr" ""
    stop_fake
done
check "snapshot.cypher passes Neo4j's Cypher parser" \
    node tests/lib/cypher-lint.mjs "$T/hostile/snapshot.cypher" "$T/hostile/post-import.cypher"
if "$PY" tests/e2e/hostile.py check "$T/values.json" "$T/hostile" "$T/plain" >"$T/why"; then
    ok "every value reads back from CSV and Cypher; nothing outside the values changed"
else
    not_ok "every value reads back from CSV and Cypher; nothing outside the values changed"
    sed 's/^/#   /' "$T/why"
fi
# The hostile script was linted above (a long job for Neo4j's parser): not again by
# tests/lib/lint-all-cypher. The plain one stays for it.
rm -rf "$T/hostile"
done_testing
