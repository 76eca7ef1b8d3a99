# SIGINT or SIGTERM during a fetch: the previous snapshot untouched, no temporary directory.
. tests/e2e/lib.sh

use_main_keys
start_fake fixtures/fake/e2e.json
expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap"
cp -r "$T/snap" "$T/before"
stop_fake
# Slow enough that the fetch is still running after a second, however few calls it makes.
start_fake fixtures/fake/e2e.json --fault latency:1000
for sig in TERM INT; do
    base=$(fake_arrived)
    "$LTSNAP" fetch --endpoint-url "$FAKE_URL" --region us-east-1 --out "$T/snap" \
        >"$T/stdout" 2>"$T/stderr" &
    pid=$!
    check "SIG$sig: sent mid-run" wait_request "$pid" "$base"
    kill -"$sig" "$pid"
    wait "$pid"
    st=$?
    check "SIG$sig ends it by the signal (status $st)" test "$st" -gt 128
    same_tree "SIG$sig: previous snapshot untouched" "$T/before" "$T/snap"
    check "SIG$sig: no temporary directory" no_temp_dirs "$T"
done
done_testing
