# On a terminal, fetch shows one progress line (regions, templates, versions, calls, rate)
# and clears it; off a terminal there is none (t200 checks that stderr stays empty).
. tests/e2e/lib.sh

use_main_keys
start_fake fixtures/fake/e2e.json --fault latency:400
script -qec "'$LTSNAP' fetch --endpoint-url $FAKE_URL --region us-east-1 --region eu-west-1 --out '$T/snap'" \
    "$T/typescript" >/dev/null 2>&1
is_eq "exit 0 on a terminal" "$?" 0
check "a progress line with every figure" grep -qE \
    'account 111111111111: regions [0-9]/2, templates [0-9]+, versions [0-9]+, calls [0-9]+, retries 0, [0-9.]+ req/s' \
    "$T/typescript"
check "the line is cleared at the end" grep -q "$(printf '\r\033\\[K')" "$T/typescript"
done_testing
