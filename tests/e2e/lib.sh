# lib.sh - helpers for the end-to-end tests (sourced by tests/e2e/tNNN-*.sh, run from the
# repository root by tests/e2e/run). git's t/README habits: ltsnap's output goes to files,
# never into a pipe (its exit status must not be lost); an exit status above 3 (a signal,
# a crash) always fails; whole files are compared, not grepped.
set -u
export LC_ALL=C
ROOT=$(pwd)
B=${B:-build}
LTSNAP="$ROOT/$B/ltsnap"
PY=/usr/bin/python3
TEST_NAME=$(basename "$0" .sh)
T="$ROOT/$B/tests/e2e/$TEST_NAME"
rm -rf "$T" "$T.valgrind"
mkdir -p "$T"
# make valgrind (LT_VALGRIND=1): every run of $LTSNAP goes through tests/lib/valgrind, its
# reports into $T.valgrind/<pid>.log; done_testing fails the test for any report.
if [ "${LT_VALGRIND:-0}" = 1 ]; then
    mkdir -p "$T.valgrind"
    cat >"$T.valgrind/ltsnap" <<EOF
#!/bin/sh
LT_VALGRIND_LOG='$T.valgrind/%p.log' exec '$ROOT/tests/lib/valgrind' '$LTSNAP' "\$@"
EOF
    chmod +x "$T.valgrind/ltsnap"
    LTSNAP="$T.valgrind/ltsnap"
fi
count=0
fails=0
FAKE_PID=
# The environment a user of the fake would have: no real AWS configuration leaks in.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID \
    AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_STS AWS_CA_BUNDLE AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_ROLE_ARN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_MAX_ATTEMPTS AWS_RETRY_MODE LTSNAP_TEMPLATES SOURCE_DATE_EPOCH \
    http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY 2>/dev/null
export HOME="$T/home" AWS_CONFIG_FILE="$T/home/config" AWS_SHARED_CREDENTIALS_FILE="$T/home/credentials"
export AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

ok() {
    count=$((count + 1))
    echo "ok $count - $*"
}

not_ok() {
    count=$((count + 1))
    fails=$((fails + 1))
    echo "not ok $count - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# Runs ltsnap; stdout and stderr land in $T/stdout and $T/stderr, the status in $status.
run_ltsnap() {
    "$LTSNAP" "$@" >"$T/stdout" 2>"$T/stderr"
    status=$?
}

# expect_status N ARGS...: runs ltsnap and checks its exit status (0-3 only).
expect_status() {
    want=$1
    shift
    run_ltsnap "$@"
    if [ "$status" -eq "$want" ]; then
        ok "exit $want: ltsnap $*"
    else
        not_ok "exit $status, want $want: ltsnap $*"
        sed 's/^/#   /' "$T/stderr"
    fi
}

# same_file DESCRIPTION EXPECTED GOT: byte for byte.
same_file() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        not_ok "$1"
        diff -u "$2" "$3" | head -30 | sed 's/^/#   /'
    fi
}

# same_tree DESCRIPTION EXPECTED_DIR GOT_DIR: every file byte for byte, none missing or extra.
same_tree() {
    if diff -r "$2" "$3" >"$T/tree.diff" 2>&1; then
        ok "$1"
    else
        not_ok "$1"
        head -40 "$T/tree.diff" | sed 's/^/#   /'
    fi
}

# stderr_is DESCRIPTION TEXT: stderr of the last run is exactly TEXT (lines).
stderr_is() {
    if [ -n "$2" ]; then printf '%s\n' "$2"; fi >"$T/stderr.want"
    same_file "$1" "$T/stderr.want" "$T/stderr"
}

# start_fake DATA [FAKE ARGS...]: starts scripts/fake-aws; sets FAKE_URL.
start_fake() {
    data=$1
    shift
    rm -f "$T/port"
    "$PY" scripts/fake-aws --data "$data" --port 0 --port-file "$T/port" \
        --log "$T/fake-requests.log" --watch-pid $$ "$@" 2>"$T/fake.err" &
    FAKE_PID=$!
    tries=0
    while [ ! -s "$T/port" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ] || ! kill -0 "$FAKE_PID" 2>/dev/null; then
            echo "Bail out! the fake endpoint did not start:"
            sed 's/^/#   /' "$T/fake.err"
            exit 1
        fi
        sleep 0.1
    done
    FAKE_URL="http://127.0.0.1:$(cat "$T/port")"
}

stop_fake() {
    if [ -n "$FAKE_PID" ]; then
        kill "$FAKE_PID" 2>/dev/null
        wait "$FAKE_PID" 2>/dev/null
        FAKE_PID=
    fi
}

# fake_stat EXPR: a value from /_fake/stats, EXPR is Python over the dict `s`.
fake_stat() {
    "$PY" - "$FAKE_URL" "$1" <<'PYEOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + "/_fake/stats"))
try:
    print(eval(sys.argv[2], {"s": s}))
except (KeyError, IndexError):
    print("missing")
PYEOF
}

# fake_arrived: how many API requests have reached the fake (answered or being answered).
fake_arrived() {
    fake_stat 's["total_requests"] + s["in_flight"]'
}

# wait_request PID BASE: waits until more than BASE requests (fake_arrived before the client
# PID started) have reached the fake - so the client is past its start-up and mid-run - at
# most 60 s; false if PID ended or time ran out first. (A count of requests in flight would
# also see the previous client's last one.)
wait_request() {
    tries=0
    while [ "$(fake_arrived)" -le "$2" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
}

fake_reset_stats() {
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_fake/reset-stats", data=b"", method="POST"))' "$FAKE_URL"
}

# json_get FILE EXPR: a value from a JSON file, EXPR is Python over `j`.
json_get() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
try:
    print(eval(sys.argv[2], {"j": j}))
except (KeyError, IndexError):
    print("missing")
PYEOF
}

# is_eq DESCRIPTION GOT WANT
is_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}

# The main account of fixtures/fake/e2e.json, by environment keys.
use_main_keys() {
    export AWS_ACCESS_KEY_ID=AKIAE2EMAIN000000001
    export AWS_SECRET_ACCESS_KEY='e2eMainSecret/+/0000000000000000000000001'
}

# The main account as profile 'main' in the shared credentials file.
write_main_profile() {
    cat >"$AWS_SHARED_CREDENTIALS_FILE" <<INI
[main]
aws_access_key_id = AKIAE2EMAIN000000001
aws_secret_access_key = e2eMainSecret/+/0000000000000000000000001
INI
}

# No temporary directory may be left beside a snapshot directory.
no_temp_dirs() {
    ! ls -a "$1" | grep -q '\.tmp-'
}

# Under make valgrind: every report valgrind wrote is a failure (errors, leaks, warnings).
valgrind_reports() {
    [ -d "$T.valgrind" ] || return 0
    for log in "$T.valgrind"/*.log; do
        [ -s "$log" ] || continue
        not_ok "valgrind: $(basename "$log")"
        head -40 "$log" | sed 's/^/#   /'
    done
}

done_testing() {
    stop_fake
    valgrind_reports
    echo "1..$count"
    [ "$count" -gt 0 ] && [ "$fails" -eq 0 ]
}
trap stop_fake EXIT
