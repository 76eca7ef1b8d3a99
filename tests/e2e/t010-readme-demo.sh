# The README's demo command (scripts/demo) runs as documented: exit 0, the race tombstoned,
# the disabled region skipped, and the Cypher of what it wrote passes Neo4j's parser later.
. tests/e2e/lib.sh

scripts/demo "$T/demo-snapshot" >"$T/stdout" 2>"$T/stderr"
is_eq "scripts/demo exits 0" "$?" 0
check "it shows the tombstone" grep -qF \
    '"AWSLaunchTemplate","lt-0a1b2c3d4e5f60001","web-server","111122223333","us-east-1","InvalidLaunchTemplateId.NotFound"' "$T/stdout"
check "it shows the skipped region" grep -q "region ap-east-1  skipped: DescribeLaunchTemplates: AuthFailure" "$T/stdout"
check "it warned about the deleted template" grep -q "web-server.*disappeared during the fetch" "$T/stderr"
check "the snapshot is there" test -s "$T/demo-snapshot/manifest.json"
done_testing
