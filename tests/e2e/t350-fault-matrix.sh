# The fault matrix: every fault kind at every phase of a fetch (--all-regions, so the phases
# are STS GetCallerIdentity, DescribeRegions, the DescribeLaunchTemplates listing, the
# all-templates DescribeLaunchTemplateVersions listing and the per-template calls), plus SIGINT
# and SIGTERM in each phase. Faults hit us-east-1 (af-south-1 and eu-west-1 stay healthy);
# "once" hits one request of the phase, "always" every request from the phase on.
#
# Each row names the one outcome its run must have (tests/e2e/faultcheck.py checks it):
#   same           exit 0 and the snapshot of a run without faults, byte for byte
#   without:ID     exit 0 and the snapshot of the data without template ID (deleted before the
#                  listing saw it), byte for byte
#   tomb:ID        exit 0, the snapshot of the data without ID, and ID tombstoned (in
#                  tombstones.csv, the manifest and snapshot.cypher's deletions)
#   skipped:R      exit 0, region R marked skipped with its error, every other region as fetched
#                  alone, and the cleanup limited to them
#   failed:R       exit 3, region R marked failed with its error (naming the phase's action),
#                  every other region as fetched alone, and the cleanup limited to them
#   error          exit 1 with one error line naming the phase's action, the previous snapshot
#                  byte for byte
#   SIGINT/SIGTERM ended by that signal, the previous snapshot byte for byte
# and always: no temporary directory left, no other exit status (a crash is a signal), no hang
# (every run is bounded by `timeout`; a signalled one must end within 30 s).
. tests/e2e/lib.sh

use_main_keys
export SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=3
E2E=fixtures/fake/e2e.json
# A slow answer comes well after --timeout; under valgrind ltsnap itself is slow, so both grow.
# Three attempts: a "once" row spends one, and one more is spare should a loaded machine make
# an answer late.
LIMIT=60 TIMEOUT=2 SLOW_MS=5000
if [ "${LT_VALGRIND:-0}" = 1 ]; then
    LIMIT=300 TIMEOUT=5 SLOW_MS=12000
fi
ARGS="--all-regions --timeout $TIMEOUT"

#   kind         phase         times   outcome                    extra arguments
MATRIX='
deleted      sts           once    without:lt-0e2e0000000000103
deleted      regions       once    without:lt-0e2e0000000000103
deleted      listing       once    tomb:lt-0e2e0000000000103
deleted      all-versions  once    tomb:lt-0e2e0000000000101
deleted      per-template  once    tomb:lt-0e2e0000000000107  --concurrency 1
throttle     sts           once    same
throttle     sts           always  error
throttle     regions       once    same
throttle     regions       always  error
throttle     listing       once    same
throttle     listing       always  failed:us-east-1
throttle     all-versions  once    same
throttle     all-versions  always  failed:us-east-1
throttle     per-template  once    same
throttle     per-template  always  failed:us-east-1
500          sts           once    same
500          sts           always  error
500          regions       once    same
500          regions       always  error
500          listing       once    same
500          listing       always  failed:us-east-1
500          all-versions  once    same
500          all-versions  always  failed:us-east-1
500          per-template  once    same
500          per-template  always  failed:us-east-1
503          sts           once    same
503          sts           always  error
503          regions       once    same
503          regions       always  error
503          listing       once    same
503          listing       always  failed:us-east-1
503          all-versions  once    same
503          all-versions  always  failed:us-east-1
503          per-template  once    same
503          per-template  always  failed:us-east-1
drop         sts           once    same
drop         sts           always  error
drop         regions       once    same
drop         regions       always  error
drop         listing       once    same
drop         listing       always  failed:us-east-1
drop         all-versions  once    same
drop         all-versions  always  failed:us-east-1
drop         per-template  once    same
drop         per-template  always  failed:us-east-1
truncate     sts           once    same
truncate     sts           always  error
truncate     regions       once    same
truncate     regions       always  error
truncate     listing       once    same
truncate     listing       always  failed:us-east-1
truncate     all-versions  once    same
truncate     all-versions  always  failed:us-east-1
truncate     per-template  once    same
truncate     per-template  always  failed:us-east-1
slow         sts           once    same
slow         sts           always  error
slow         regions       once    same
slow         regions       always  error
slow         listing       once    same
slow         listing       always  failed:us-east-1
slow         all-versions  once    same
slow         all-versions  always  failed:us-east-1
slow         per-template  once    same
slow         per-template  always  failed:us-east-1
expired      sts           always  error
expired      regions       always  error
expired      listing       always  failed:us-east-1
expired      all-versions  always  failed:us-east-1
expired      per-template  always  failed:us-east-1
not-enabled  sts           always  error
not-enabled  regions       always  error
not-enabled  listing       always  skipped:us-east-1
not-enabled  all-versions  always  failed:us-east-1
not-enabled  per-template  always  failed:us-east-1
SIGINT       sts           -       SIGINT
SIGINT       regions       -       SIGINT
SIGINT       listing       -       SIGINT
SIGINT       all-versions  -       SIGINT
SIGINT       per-template  -       SIGINT
SIGTERM      sts           -       SIGTERM
SIGTERM      regions       -       SIGTERM
SIGTERM      listing       -       SIGTERM
SIGTERM      all-versions  -       SIGTERM
SIGTERM      per-template  -       SIGTERM
'

# phase_sel PHASE: the fake's selector for the phase's requests, and which matching request
# starts the phase (the first DescribeLaunchTemplateVersions of us-east-1 is the all-templates
# listing; the per-template calls come after it).
phase_sel() {
    case $1 in
    sts) echo "GetCallerIdentity 1" ;;
    regions) echo "DescribeRegions/us-east-1 1" ;;
    listing) echo "DescribeLaunchTemplates/us-east-1 1" ;;
    all-versions) echo "DescribeLaunchTemplateVersions/us-east-1 1" ;;
    per-template) echo "DescribeLaunchTemplateVersions/us-east-1 2" ;;
    esac
}

# The API action named in the error of a failed phase.
phase_action() {
    case $1 in
    sts) echo GetCallerIdentity ;;
    regions) echo DescribeRegions ;;
    listing) echo DescribeLaunchTemplates ;;
    *) echo DescribeLaunchTemplateVersions ;;
    esac
}

# fault_spec KIND SEL FROM COUNT OUTCOME: the --fault argument of a row.
fault_spec() {
    n=1
    [ "$4" = always ] && n=1000
    sts=0
    [ "$2" = GetCallerIdentity ] && sts=1
    case $1 in
    deleted) echo "delete-after:$2:${5#*:}:$3" ;;
    throttle) echo "throttle:$2:$n@$3" ;;
    500 | 503) echo "status:$2:$1:$n@$3" ;;
    drop | truncate) echo "$1:$2:$n@$3" ;;
    slow) echo "slow:$2:$SLOW_MS:$n@$3" ;;
    # Expired temporary credentials: STS says ExpiredToken, EC2 RequestExpired.
    expired) if [ $sts = 1 ]; then echo "error:$2:ExpiredToken:$n@$3"; else
        echo "error:$2:RequestExpired:$n@$3"; fi ;;
    # A region not enabled: STS refuses it, EC2 answers AuthFailure there.
    not-enabled) if [ $sts = 1 ]; then echo "error:$2:RegionDisabledException:$n@$3"; else
        echo "error:$2:AuthFailure:$n@$3"; fi ;;
    # The phase stalls on a request (60 s) until the signal comes.
    SIGINT | SIGTERM) echo "slow:$2:60000:1000@$3" ;;
    esac
}

# fetch_into DIR DATA [ARGS...]: a run without faults (references and the previous snapshot).
fetch_into() {
    dir=$1
    start_fake "$2"
    shift 2
    expect_status 0 fetch --endpoint-url "$FAKE_URL" --out "$dir" "$@"
    stop_fake
}

mkdir -p "$T/refs"
# Data sets without one template, for the outcomes "without" and "tomb".
for id in lt-0e2e0000000000101 lt-0e2e0000000000103 lt-0e2e0000000000107; do
    "$PY" - "$E2E" "$id" "$T/data-minus-$id.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["accounts"]["111111111111"]["regions"]["us-east-1"]
r["launch_templates"] = [t for t in r["launch_templates"] if t["LaunchTemplateId"] != sys.argv[2]]
json.dump(d, open(sys.argv[3], "w"))
PYEOF
    fetch_into "$T/refs/minus-$id" "$T/data-minus-$id.json" --all-regions
done
fetch_into "$T/refs/all" "$E2E" --all-regions
fetch_into "$T/refs/no-us-east-1" "$E2E" --region af-south-1 --region eu-west-1
# The snapshot a failed run must leave alone: the same data, another created_at.
SOURCE_DATE_EPOCH=1000000000 fetch_into "$T/prev" "$E2E" --all-regions
check "the previous snapshot differs from a new one" test "$(cmp -s "$T/prev/manifest.json" \
    "$T/refs/all/manifest.json"; echo $?)" = 1

# wait_fired PID KIND: until the fake counted a fault of KIND (the run is in the phase).
wait_fired() {
    tries=0
    while [ "$(fake_stat 's["faults_injected"].get("'"$2"'", 0)')" -lt 1 ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
}

# run_signalled SIG ARGS...: starts ltsnap, sends SIG once the phase's request is stalled, and
# gives it 30 s to end; sets $status (125: it never reached the phase; 124: it hung).
run_signalled() {
    sig=$1
    shift
    "$LTSNAP" "$@" >"$T/stdout" 2>"$T/stderr" &
    pid=$!
    if ! wait_fired "$pid" slow; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid"
        status=125
        return
    fi
    kill -"${sig#SIG}" "$pid"
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 300 ]; do
        tries=$((tries + 1))
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid"
        status=124
        return
    fi
    wait "$pid"
    status=$?
}

# run_row KIND PHASE TIMES OUTCOME [EXTRA...]: one row, in the worker's own $T (fake, out/).
run_row() {
    kind=$1 phase=$2 times=$3 outcome=$4
    shift 4
    extra=$*
    set -- $(phase_sel "$phase")
    sel=$1 from=$2
    spec=$(fault_spec "$kind" "$sel" "$from" "$times" "$outcome")
    desc="$kind at $phase ($times, --fault $spec${extra:+ $extra}): $outcome"
    start_fake "$E2E" --fault "$spec"
    rm -rf "$T/out"
    cp -r "$PREV" "$T/out"
    # shellcheck disable=SC2086
    case $kind in
    SIGINT | SIGTERM)
        run_signalled "$kind" fetch --endpoint-url "$FAKE_URL" $ARGS --timeout 120 --out "$T/out"
        ;;
    *)
        timeout -k 5 "$LIMIT" "$LTSNAP" fetch --endpoint-url "$FAKE_URL" $ARGS $extra \
            --out "$T/out" >"$T/stdout" 2>"$T/stderr"
        status=$?
        ;;
    esac
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        not_ok "$desc: hung (no end within the limit)"
    elif [ "$status" -eq 125 ]; then
        not_ok "$desc: the run ended before reaching the phase"
        sed 's/^/#   /' "$T/stderr"
    elif "$PY" tests/e2e/faultcheck.py "$outcome" "$status" "$T/out" "$PREV" "$REFS" \
        "$(phase_action "$phase")" "$T/stderr" >"$T/why"; then
        ok "$desc"
    else
        not_ok "$desc"
        sed 's/^/#   /' "$T/why" "$T/stderr"
    fi
    if [ "$kind" = deleted ]; then
        check "$desc: the template was deleted" test "$(fake_stat 's["templates_deleted"]')" = 1
    else
        check "$desc: the fault fired" test "$(fake_stat 's["faults_injected_total"]')" -ge 1
    fi
    stop_fake
    # One snapshot of each kind stays for the Cypher lint (tests/lib/lint-all-cypher).
    case $outcome in tomb:* | skipped:* | failed:*)
        [ -e "$T/lint-${outcome%%:*}" ] || cp -r "$T/out" "$T/lint-${outcome%%:*}" ;;
    esac
}

# The rows run in JOBS workers, 4 by default (LT_JOBS): most of a row's time is spent waiting
# on timeouts, backoff and the fake starting. Worker K takes rows K, K+JOBS, ...; each row's TAP
# lines go to a file of $T/rows, read back in table order once all are done.
JOBS=${LT_JOBS:-4}
PREV="$T/prev" REFS="$T/refs" ROWS="$T/rows"
mkdir -p "$ROWS"
printf '%s\n' "$MATRIX" >"$T/matrix"
worker() {
    T="$T/worker-$1"
    mkdir -p "$T"
    ok() { echo "ok - $*"; }
    not_ok() { echo "not ok - $*"; }
    row=0
    while read -r kind phase times outcome extra <&3; do
        [ -n "$kind" ] || continue
        row=$((row + 1))
        [ $(((row - 1) % JOBS)) -eq "$1" ] || continue
        # shellcheck disable=SC2086
        run_row "$kind" "$phase" "$times" "$outcome" $extra >"$ROWS/$(printf %03d "$row")" 2>&1
    done 3<"$T/../matrix"
}
k=0
pids=
while [ "$k" -lt "$JOBS" ]; do
    worker "$k" &
    pids="$pids $!"
    k=$((k + 1))
done
# shellcheck disable=SC2086
wait $pids
for f in "$ROWS"/*; do
    while IFS= read -r line; do
        case $line in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) not_ok "${line#not ok - }" ;;
        *) echo "$line" ;;
        esac
    done <"$f"
done
is_eq "every row ran" "$(ls "$ROWS" | wc -l)" 85
rm -rf "$T/worker-"*/out "$T/prev" "$T/refs/minus-"* "$T/refs/no-us-east-1"
done_testing
