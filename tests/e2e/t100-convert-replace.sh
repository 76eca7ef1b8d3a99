# convert replaces a snapshot atomically; bad input, a directory that is not a snapshot and
# a full disk leave the target exactly as it was.
. tests/e2e/lib.sh

X=fixtures/ec2-xml/basic
args="--account-id 123456789012 --region us-east-1"
# good STATUS ARGS: a valid conversion, expected to end with STATUS.
# shellcheck disable=SC2086
good() { st=$1; shift; expect_status "$st" convert $args $X/describe-launch-templates-1.xml \
    $X/describe-launch-templates-2.xml $X/describe-launch-template-versions-1.xml \
    $X/describe-launch-template-versions-2.xml $X/describe-launch-template-versions-3.xml "$@"; }

good 0 --out "$T/snap"
cp -r "$T/snap" "$T/before"
# Malformed input: exit 1, the previous snapshot untouched, no temporary directory left.
expect_status 1 convert $args $X/describe-launch-templates-1.xml fixtures/errors/malformed.xml \
    --out "$T/snap"
same_tree "malformed input leaves the snapshot untouched" "$T/before" "$T/snap"
check "no temporary directory left" no_temp_dirs "$T"
# A second good run replaces it with identical bytes (determinism across runs).
good 0 --update-tag 1700000000 --out "$T/snap"
check "pinned tag reaches the script" grep -qx ':param {update_tag: 1700000000}' "$T/snap/snapshot.cypher"
good 0 --out "$T/snap"
same_tree "same input, same bytes" "$T/before" "$T/snap"

# A directory with other files is never replaced.
mkdir -p "$T/notes"
echo "my notes" >"$T/notes/todo.txt"
expect_status 1 convert $args $X/describe-launch-templates-1.xml --out "$T/notes"
stderr_is "refusal names the directory" \
    "ltsnap: error: '$T/notes' exists, is not empty and is not an ltsnap snapshot; refusing to replace it"
check "the notes are still there" grep -qx "my notes" "$T/notes/todo.txt"
# A snapshot with a file its manifest does not list is refused too.
cp -r "$T/before" "$T/extra"
echo x >"$T/extra/stray.txt"
expect_status 1 convert $args $X/describe-launch-templates-1.xml --out "$T/extra"
stderr_is "refusal names the stray file" \
    "ltsnap: error: '$T/extra' holds 'stray.txt', which is not part of the snapshot; refusing to replace it"
# A file where the directory should be.
echo x >"$T/file"
expect_status 1 convert $args $X/describe-launch-templates-1.xml --out "$T/file"
stderr_is "a file is not replaced" "ltsnap: error: '$T/file' exists and is not a directory"

# Full disk, failing fsync, refused rename: exit 1, the previous snapshot intact.
check "the fault-injection shim is built" test -f "$ROOT/$B/tests/inject.so"
for fault in write:nodes-aws-launch-template-version.csv fsync:snapshot.cypher rename:snap; do
    export LTSNAP_INJECT=$fault LD_PRELOAD="$ROOT/$B/tests/inject.so"
    good 1 --out "$T/snap"
    unset LTSNAP_INJECT LD_PRELOAD
    same_tree "$fault: snapshot untouched" "$T/before" "$T/snap"
    check "$fault: no temporary directory left" no_temp_dirs "$T"
done
done_testing
