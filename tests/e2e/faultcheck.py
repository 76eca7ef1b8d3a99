"""Checks one run of the fault matrix (tests/e2e/t350-fault-matrix.sh) against the outcome its
row of the table names. Prints one line per broken expectation; exit status 1 if there is any.

usage: faultcheck.py OUTCOME STATUS OUT PREV REFS ACTION STDERR

OUTCOME  same | without:ID | tomb:ID | skipped:REGION | failed:REGION | error | SIGINT | SIGTERM
STATUS   ltsnap's exit status as the shell saw it (128 + n: ended by signal n)
OUT      the snapshot directory ltsnap was told to write (it held a copy of PREV before)
PREV     the snapshot that was there before the run
REFS     reference snapshots made without faults: all/ (every region), minus-ID/ (the data without
         template ID), no-REGION/ (every region but REGION)
ACTION   the API action of the phase the fault hit (named in the error of a failed region or run)
STDERR   ltsnap's standard error
"""

import csv
import hashlib
import json
import os
import signal
import sys

ACCOUNT = "111111111111"
REGIONS = ("af-south-1", "eu-west-1", "us-east-1")  # the account's enabled regions
NAMES = {"lt-0e2e0000000000101": "e2e-app", "lt-0e2e0000000000103": "e2e-doomed",
         "lt-0e2e0000000000107": "e2e-default-is-latest"}
# What may differ from the reference when a template was tombstoned or a region left out.
SNAPSHOT_SPECIFIC = {"manifest.json", "snapshot.cypher", "tombstones.csv"}

problems = []


def fail(msg):
    problems.append(msg)


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def files(d):
    return sorted(os.listdir(d))


def same_files(got, want, names, what):
    for name in names:
        if not os.path.exists(os.path.join(got, name)):
            fail("%s: %s is missing" % (what, name))
        elif read(os.path.join(got, name)) != read(os.path.join(want, name)):
            fail("%s: %s differs" % (what, name))


def same_tree(got, want, what):
    if files(got) != files(want):
        fail("%s: files %s, want %s" % (what, files(got), files(want)))
        return
    same_files(got, want, files(want), what)


def no_temp_dirs(out):
    parent = os.path.dirname(out) or "."
    left = [n for n in os.listdir(parent) if ".tmp-" in n]
    if left:
        fail("temporary directories left behind: %s" % left)


def manifest_consistent(out):
    """Every file the manifest lists has its checksum and size; nothing else is there."""
    m = json.load(open(os.path.join(out, "manifest.json")))
    listed = sorted(f["name"] for f in m["files"])
    present = sorted(n for n in os.listdir(out) if n != "manifest.json")
    if listed != present:
        fail("manifest lists %s, the directory holds %s" % (listed, present))
    for f in m["files"]:
        path = os.path.join(out, f["name"])
        if not os.path.exists(path):
            continue
        data = read(path)
        if hashlib.sha256(data).hexdigest() != f["sha256"] or len(data) != f["bytes"]:
            fail("manifest: checksum or size of %s is wrong" % f["name"])
    return m


def regions_of(m):
    accounts = [a for a in m["accounts"] if a["id"] == ACCOUNT]
    if len(accounts) != 1:
        fail("manifest: account %s appears %d times" % (ACCOUNT, len(accounts)))
        return {}
    return {r["name"]: r for r in accounts[0]["regions"]}


def cleanup_regions(out):
    """The regions snapshot.cypher's cleanup may touch for the account."""
    text = read(os.path.join(out, "snapshot.cypher")).decode("utf-8")
    marker = "{account_id: '%s', regions: [" % ACCOUNT
    scopes = set()
    for line in text.split("\n"):
        if marker in line:
            inner = line.split(marker, 1)[1].split("]", 1)[0]
            scopes.add(tuple(sorted(x.strip().strip("'") for x in inner.split(",") if x.strip())))
    if len(scopes) != 1:
        fail("snapshot.cypher: the cleanup statements name %d scopes for the account, want 1"
             % len(scopes))
        return None
    return list(scopes.pop())


def check_regions(out, m, want_status, action):
    """want_status: {region: status}; a failed or skipped region names the phase's action."""
    got = regions_of(m)
    if sorted(got) != sorted(want_status):
        fail("manifest regions %s, want %s" % (sorted(got), sorted(want_status)))
    for name, status in want_status.items():
        r = got.get(name, {})
        if r.get("status") != status:
            fail("manifest: region %s is %r, want %r" % (name, r.get("status"), status))
        if status == "complete" and "error" in r:
            fail("manifest: complete region %s has an error" % name)
        if status != "complete" and action not in r.get("error", ""):
            fail("manifest: region %s error %r does not name %s" % (name, r.get("error"), action))
    complete = sorted(n for n, s in want_status.items() if s == "complete")
    if cleanup_regions(out) != complete:
        fail("snapshot.cypher cleans up regions %s, want exactly the complete ones %s"
             % (cleanup_regions(out), complete))


def tombstone_rows(out):
    with open(os.path.join(out, "tombstones.csv"), newline="") as fh:
        return list(csv.reader(fh))[1:]


def main(argv):
    outcome, status, out, prev, refs, action, stderr_path = argv
    status = int(status)
    kind, _, arg = outcome.partition(":")
    stderr = read(stderr_path).decode("utf-8", "replace")
    all_regions = {r: "complete" for r in REGIONS}
    no_temp_dirs(out)
    if kind in ("SIGINT", "SIGTERM"):
        want = 128 + getattr(signal, kind)
        if status != want:
            fail("exit status %d, want %d (ended by %s)" % (status, want, kind))
        same_tree(out, prev, "the previous snapshot")
    elif kind == "error":
        if status != 1:
            fail("exit status %d, want 1" % status)
        same_tree(out, prev, "the previous snapshot")
        errors = [ln for ln in stderr.split("\n") if ln.startswith("ltsnap: error: ")]
        if len(errors) != 1 or action not in errors[0]:
            fail("want one 'ltsnap: error:' line naming %s, got %r" % (action, errors))
    else:
        want = 3 if kind == "failed" else 0
        if status != want:
            fail("exit status %d, want %d" % (status, want))
            return
        if "ltsnap: error" in stderr:
            fail("an error on stderr: %r" % stderr)
        m = manifest_consistent(out)
        if kind == "same":
            same_tree(out, os.path.join(refs, "all"), "the snapshot without faults")
        elif kind == "without":
            same_tree(out, os.path.join(refs, "minus-" + arg), "the snapshot of the data without "
                      + arg)
        elif kind == "tomb":
            ref = os.path.join(refs, "minus-" + arg)
            same_files(out, ref, [n for n in files(ref) if n not in SNAPSHOT_SPECIFIC],
                       "the snapshot of the data without " + arg)
            want_rows = [["AWSLaunchTemplate", arg, NAMES[arg], ACCOUNT, "us-east-1",
                          "InvalidLaunchTemplateId.NotFound"]]
            if tombstone_rows(out) != want_rows:
                fail("tombstones %s, want %s" % (tombstone_rows(out), want_rows))
            if m.get("tombstones") != 1:
                fail("manifest: %r tombstones, want 1" % m.get("tombstones"))
            line = "{id: '%s', account_id: '%s', region: 'us-east-1'}" % (arg, ACCOUNT)
            if line not in read(os.path.join(out, "snapshot.cypher")).decode("utf-8"):
                fail("snapshot.cypher does not delete the tombstoned template")
            check_regions(out, m, all_regions, action)
        else:  # skipped or failed: every other region as fetched alone, this one left alone
            ref = os.path.join(refs, "no-" + arg)
            same_files(out, ref, [n for n in files(ref) if n not in SNAPSHOT_SPECIFIC],
                       "the snapshot of the other regions")
            if tombstone_rows(out):
                fail("tombstones %s, want none" % tombstone_rows(out))
            want_status = dict(all_regions)
            want_status[arg] = kind
            check_regions(out, m, want_status, action)
            if kind == "failed" and "is incomplete" not in stderr:
                fail("no warning that the snapshot is incomplete")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
