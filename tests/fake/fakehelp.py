"""Helpers for the fake's self-tests: start/stop scripts/fake-aws, a small SigV4 signer written
independently of scripts/fakeaws/sigv4.py, and XML readers."""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAKE = os.path.join(REPO, "scripts", "fake-aws")
E2E = os.path.join(REPO, "fixtures", "fake", "e2e.json")
DEMO = os.path.join(REPO, "fixtures", "fake", "demo.json")
PYTHON = "/usr/bin/python3"

MAIN = ("AKIAE2EMAIN000000001", "e2eMainSecret/+/0000000000000000000000001", None)
DENIED = ("AKIAE2EDENIED0000001", "e2eDeniedSecret00000000000000000000000001", None)
NOTRUST = ("AKIAE2ENOTRUST000001", "e2eNoTrustSecret0000000000000000000000001", None)
EC2_NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"


# --- an independent signer ------------------------------------------------------------------

def _enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def form_body(params):
    return "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in params.items()).encode()


def sign(method, host, path, query, headers, body, creds, region, service, when=None):
    """Returns headers (dict) including Authorization. creds = (akid, secret, token|None)."""
    akid, secret, token = creds
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz = when.strftime("%Y%m%dT%H%M%SZ")
    h = {"Host": host, "X-Amz-Date": amz}
    h.update(headers)
    if token:
        h["X-Amz-Security-Token"] = token
    lower = {k.lower(): " ".join(v.split()) for k, v in h.items()}
    names = sorted(lower)
    q = sorted((_enc(urllib.parse.unquote(a)), _enc(urllib.parse.unquote(b)))
               for a, _, b in (p.partition("=") for p in query.split("&") if p))
    creq = "\n".join([method, path, "&".join("%s=%s" % x for x in q),
                      "".join("%s:%s\n" % (n, lower[n]) for n in names), ";".join(names),
                      hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (amz[:8], region, service)
    sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz, scope, hashlib.sha256(creq.encode()).hexdigest())
    k = ("AWS4" + secret).encode()
    for part in (amz[:8], region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    h["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        akid, scope, ";".join(names), sig)
    return h


# --- the fake as a subprocess ---------------------------------------------------------------

class Fake:
    def __init__(self, data=E2E, args=(), env=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="fake-aws-test-")
        self.port_file = os.path.join(self.tmp.name, "port")
        self.log_file = os.path.join(self.tmp.name, "log.jsonl")
        self.stats_file = os.path.join(self.tmp.name, "stats.json")
        self.stderr_file = os.path.join(self.tmp.name, "stderr")
        cmd = [PYTHON, FAKE, "--data", data, "--port", "0", "--port-file", self.port_file,
               "--log", self.log_file, "--stats-file", self.stats_file,
               "--watch-pid", str(os.getpid())] + list(args)
        self.err = open(self.stderr_file, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err,
                                     env=env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if os.path.exists(self.port_file):
                with open(self.port_file) as fh:
                    text = fh.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("fake-aws exited %s: %s" % (self.proc.returncode,
                                                               self.stderr()))
            time.sleep(0.02)
        else:
            self.proc.kill()
            raise RuntimeError("fake-aws did not write its port file")
        self.host = "127.0.0.1:%d" % self.port
        self._conn = None

    def stderr(self):
        with open(self.stderr_file) as fh:
            return fh.read()

    def stop(self):
        if self._conn:
            self._conn.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(10)
        self.err.close()
        return rc

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.tmp.cleanup()

    def conn(self, fresh=False):
        if fresh or self._conn is None:
            if self._conn is not None:
                self._conn.close()
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        return self._conn

    def raw(self, method, path, body=b"", headers=None, conn=None):
        c = conn or self.conn()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def control(self, method, path, obj=None):
        body = json.dumps(obj).encode() if obj is not None else b""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request(method, path, body=body, headers={"Content-Type": "application/json"})
            r = c.getresponse()
            return json.loads(r.read())
        finally:
            c.close()

    def stats(self):
        return self.control("GET", "/_fake/stats")

    def reset(self, faults=None):
        self.control("POST", "/_fake/reset-stats")
        if faults is not None:
            self.control("POST", "/_fake/faults", faults)

    def call(self, action, params=None, creds=MAIN, region="us-east-1", service=None,
             when=None, conn=None, mutate=None, signed=True):
        """A Query API call. mutate(headers, body) -> (headers, body) tampers after signing."""
        service = service or ("sts" if action in ("GetCallerIdentity", "AssumeRole",
                                                  "AssumeRoleWithWebIdentity") else "ec2")
        p = {"Action": action, "Version": "2011-06-15" if service == "sts" else "2016-11-15"}
        p.update(params or {})
        body = form_body(p)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if signed:
            headers = sign("POST", self.host, "/", "", headers, body, creds, region, service,
                           when)
        else:
            headers["Host"] = self.host
        if mutate:
            headers, body = mutate(headers, body)
        return self.raw("POST", "/", body, headers, conn)


# --- XML readers ----------------------------------------------------------------------------

def error_code(body):
    root = ET.fromstring(body)
    for el in root.iter():
        if el.tag.split("}")[-1] == "Code":
            return el.text
    raise AssertionError("no error code in %r" % body[:200])


def ec2_items(body, list_name):
    root = ET.fromstring(body)
    lst = root.find(EC2_NS + list_name)
    items = [] if lst is None else list(lst)
    tok = root.find(EC2_NS + "nextToken")
    return items, (tok.text if tok is not None else None)


def text(el, name):
    x = el.find(EC2_NS + name)
    return None if x is None else (x.text or "")


def paginate(fake, action, params, list_name, max_results=None, **kw):
    """All items of a listing, and the number of calls it took."""
    out, calls, token = [], 0, None
    while True:
        p = dict(params)
        if max_results is not None:
            p["MaxResults"] = str(max_results)
        if token:
            p["NextToken"] = token
        status, _, body = fake.call(action, p, **kw)
        calls += 1
        if status != 200:
            raise AssertionError("%s -> %d %s" % (action, status, body[:300]))
        items, token = ec2_items(body, list_name)
        out.extend(items)
        if not token:
            return out, calls
