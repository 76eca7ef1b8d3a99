"""Command line of scripts/fake-aws."""

import argparse
import json
import os
import signal
import ssl
import sys
import threading

import awsxml

from . import ec2like
from . import faults as faults_mod
from .data import Synthetic, load_world
from .server import App, Server, write_port_file
from .util import DataError

DESCRIPTION = """\
A fake EC2 + STS endpoint (plus IMDSv2, container credentials and the SSO portal) on 127.0.0.1
for ltsnap's end-to-end tests and README demo. Every signed request is verified with SigV4.

Endpoints (all on http://127.0.0.1:PORT):
  POST /                       EC2 Query API (Version=2016-11-15): DescribeLaunchTemplates,
                               DescribeLaunchTemplateVersions, DescribeRegions; STS
                               (Version=2011-06-15): GetCallerIdentity, AssumeRole,
                               AssumeRoleWithWebIdentity. Region = SigV4 credential scope.
  PUT  /latest/api/token, GET /latest/meta-data/...   IMDSv2
  GET  <container.path>        container credentials (Authorization header)
  GET  /federation/credentials SSO portal GetRoleCredentials (x-amz-sso_bearer_token)
  GET  /_fake/stats  POST /_fake/reset-stats  GET|POST /_fake/faults  GET /_fake/health
  GET  /_fake/templates?account=A&region=R  POST /_fake/shutdown
"""

EPILOG = faults_mod.HELP + "\n" + ec2like.HELP + """
Synthetic data (--synthetic N:K[:SEED]): N templates in every enabled region of the first
account, after that region's data-file templates. Template index i (0-based) has K versions
when i % 7 == 0, otherwise 1; multi-version templates have default = latest when i % 14 == 0
and default = 1 when i % 14 == 7. Ids lt-<SEED 2 hex><region index 3 hex><i 12 hex> (region
index = position of the region in the sorted list of all region names), names synth-<i:07d>.
Templates are generated on demand, so N = 100000 starts instantly.

Shell use (the port file appears, complete, once the socket accepts connections):
  scripts/fake-aws --data fixtures/fake/e2e.json --port-file "$tmp/port" --log "$tmp/log" \\
      --stats-file "$tmp/stats.json" --watch-pid $$ 2>"$tmp/fake.err" &
  pid=$!; i=0
  while [ ! -s "$tmp/port" ]; do
      kill -0 "$pid" 2>/dev/null || { cat "$tmp/fake.err" >&2; exit 1; }
      i=$((i + 1)); [ "$i" -lt 200 ] || exit 1; sleep 0.05
  done
  port=$(cat "$tmp/port")
  ...; kill "$pid"; wait "$pid"      # exit status 0 after SIGTERM/SIGINT

Exit status: 0 after SIGTERM/SIGINT/POST /_fake/shutdown/--watch-pid, or after --check;
1 if the port cannot be bound; 2 for a bad data file, model or fault spec.
"""


def parse_args(argv):
    p = argparse.ArgumentParser(prog="fake-aws", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, metavar="FILE", help="data set (fixtures/fake/*.json)")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")
    p.add_argument("--port-file", metavar="PATH",
                   help="write the port here (atomically) once listening")
    p.add_argument("--log", metavar="FILE", help="append one JSON line per request (no secrets)")
    p.add_argument("--stats-file", metavar="PATH", help="write /_fake/stats JSON here on exit")
    p.add_argument("--fault", action="append", default=[], metavar="SPEC",
                   help="inject a fault (repeatable; see below)")
    p.add_argument("--synthetic", metavar="N:K[:SEED]", help="generate templates (see below)")
    p.add_argument("--model-dir", metavar="PATH",
                   help="botocore data directory holding ec2/2016-11-15 and sts/2011-06-15 "
                   "(default: $AWSXML_BOTOCORE_DATA, then %s)" % awsxml.DEFAULT_DATA_DIRS[0])
    p.add_argument("--chunked", action="store_true",
                   help="send successful Query API bodies with Transfer-Encoding: chunked "
                   "(as AWS often does) instead of Content-Length")
    p.add_argument("--watch-pid", type=int, metavar="PID",
                   help="exit when process PID is gone (so a dead test script leaves no fake)")
    p.add_argument("--check", action="store_true",
                   help="load and validate the data file and faults, print a summary, exit")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    p.add_argument("--tls-cert", metavar="PEM",
                   help="serve HTTPS with this certificate chain (with --tls-key)")
    p.add_argument("--tls-key", metavar="PEM", help="private key of --tls-cert")
    ec2like.add_arguments(p)
    return p.parse_args(argv)


def _synthetic(text):
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(x.isdigit() for x in parts):
        raise DataError("--synthetic: expected N:K[:SEED] with decimal numbers")
    n, k = int(parts[0]), int(parts[1])
    seed = int(parts[2]) if len(parts) == 3 else 0
    return Synthetic(n, k, seed)


def _summary(world):
    out = {"accounts": {}}
    for acct in world.accounts.values():
        out["accounts"][acct.id] = {r: {"opt_in_status": s.opt_in_status, "templates": s.count()}
                                   for r, s in acct.regions.items()}
    out["roles"] = sorted(world.roles)
    return out


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        ec2_model = awsxml.load_model("ec2", "2016-11-15", a.model_dir)
        sts_model = awsxml.load_model("sts", "2011-06-15", a.model_dir)
        synth = _synthetic(a.synthetic) if a.synthetic else None
        world = load_world(a.data, ec2_model, synth)
        if a.realistic:
            ec2like.install_realistic(world, a.realistic, synth is not None)
        ec2_like = ec2like.from_args(a)
        for spec in a.fault:
            faults_mod.parse(spec)
    except (DataError, awsxml.ModelError, faults_mod.FaultSpecError) as exc:
        sys.stderr.write("fake-aws: %s\n" % exc)
        return 2
    if a.check:
        print(json.dumps(_summary(world), indent=2))
        return 0
    try:
        app = App(world, ec2_model, sts_model, a.fault, a.log, a.chunked)
        app.ec2like = ec2_like
    except OSError as exc:
        sys.stderr.write("fake-aws: cannot open log '%s': %s\n" % (a.log, exc))
        return 1
    try:
        server = Server(app, a.port, a.verbose)
    except OSError as exc:
        sys.stderr.write("fake-aws: cannot listen on 127.0.0.1:%d: %s\n" % (a.port, exc))
        return 1
    if a.tls_cert:
        try:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(a.tls_cert, a.tls_key)
        except (OSError, ssl.SSLError) as exc:
            sys.stderr.write("fake-aws: cannot load the TLS certificate: %s\n" % exc)
            return 2
        # Handshakes happen in accept(); one the client refuses is a dropped connection.
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    stop = app.shutdown_requested
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    if a.port_file:
        try:
            write_port_file(a.port_file, port)
        except OSError as exc:
            sys.stderr.write("fake-aws: cannot write port file '%s': %s\n" % (a.port_file, exc))
            server.shutdown()
            server.server_close()
            return 1
    sys.stderr.write("listening on http://127.0.0.1:%d\n" % port)
    sys.stderr.flush()
    while not stop.wait(0.25):
        if a.watch_pid and not _alive(a.watch_pid):
            break
    server.shutdown()
    server.server_close()
    if a.stats_file:
        with app.lock:
            snap = app.stats.snapshot()
        tmp = a.stats_file + ".tmp.%d" % os.getpid()
        with open(tmp, "w") as fh:
            json.dump(snap, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, a.stats_file)
    app.close()
    return 0


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
