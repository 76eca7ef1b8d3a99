"""The HTTP side: routing, SigV4 checks, the Query API (EC2 + STS), IMDSv2, container and SSO
credentials, the /_fake control endpoints, statistics and the request log."""

import datetime
import hmac
import json
import os
import re
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import awsxml

from . import ec2, sigv4, sts
from .creds import CachedIssuer, CredentialStore, role_principal, user_principal
from .faults import ERROR_STATUS, FaultSet
from .util import UTC, ApiError, iso_seconds, request_id, stable_id

EC2_VERSION = "2016-11-15"
STS_VERSION = "2011-06-15"
MAX_BODY = 1 << 20
SKEW_LIMIT = datetime.timedelta(minutes=15)
_SECRET_PARAM = re.compile(r"(?i)(token|secret|password|signature|credential|externalid|"
                           r"policy$|contextassertion)")


def redact_params(params):
    out = {}
    for k, v in params.items():
        if k in ("Action", "Version"):
            continue
        if k != "NextToken" and _SECRET_PARAM.search(k):
            out[k] = "<redacted>"
        else:
            out[k] = v
    return out


class Response:
    __slots__ = ("status", "headers", "body", "mode", "code")

    def __init__(self, status, body=b"", headers=(), code=None, mode=None):
        self.status = status
        self.body = body
        self.headers = list(headers)
        self.code = code
        self.mode = mode   # None, "drop", "truncate", "cut-xml"


class Info:
    """What the log and the statistics record about one request."""

    __slots__ = ("service", "action", "account", "region", "params", "fault")

    def __init__(self, service=None, action=None):
        self.service, self.action = service, action
        self.account = self.region = self.params = self.fault = None


# ---------------------------------------------------------------------------------------------

class Stats:
    """Counters behind GET /_fake/stats. Callers hold the app lock."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.c = {
            "total_requests": 0,
            "requests_by_action": {},
            "requests_by_region": {},
            "requests_by_account": {},
            "requests_by_service": {},
            "calls": {},
            "responses_by_status": {},
            "errors_by_code": {},
            "faults_injected": {},
            "faults_injected_total": 0,
            "connections_accepted": 0,
            "requests_on_reused_connections": 0,
            "max_requests_per_connection": 0,
            "max_in_flight": 0,
            "next_token_uses": 0,
            "credentials_issued": {},
            "templates_deleted": 0,
            "versions_added": 0,
            "templates_created": 0,
        }
        self.in_flight = 0

    def bump(self, key, n=1):
        self.c[key] += n

    @staticmethod
    def _inc(d, k, n=1):
        d[k] = d.get(k, 0) + n

    def fault(self, kind):
        self._inc(self.c["faults_injected"], kind)
        self.c["faults_injected_total"] += 1

    def credential_issued(self, source):
        self._inc(self.c["credentials_issued"], source)

    def start(self):
        self.in_flight += 1
        self.c["max_in_flight"] = max(self.c["max_in_flight"], self.in_flight)

    def finish(self, info, status, code, nth_on_conn):
        self.in_flight -= 1
        c = self.c
        c["total_requests"] += 1
        self._inc(c["requests_by_action"], info.action or "-")
        self._inc(c["requests_by_service"], info.service or "other")
        if info.region:
            self._inc(c["requests_by_region"], info.region)
        if info.account:
            self._inc(c["requests_by_account"], info.account)
            r = c["calls"].setdefault(info.account, {}).setdefault(info.region or "-", {})
            self._inc(r, info.action or "-")
        self._inc(c["responses_by_status"], str(status))
        if code:
            self._inc(c["errors_by_code"], code)
        if nth_on_conn > 1:
            c["requests_on_reused_connections"] += 1
        c["max_requests_per_connection"] = max(c["max_requests_per_connection"], nth_on_conn)

    def snapshot(self):
        out = json.loads(json.dumps(self.c))
        out["in_flight"] = self.in_flight
        return out


# ---------------------------------------------------------------------------------------------

class App:
    def __init__(self, world, ec2_model, sts_model, fault_specs=(), log_path=None, chunked=False):
        self.world = world
        self.ec2_model = ec2_model
        self.sts_model = sts_model
        self.lock = threading.RLock()
        self.faults = FaultSet(fault_specs)
        self.stats = Stats()
        self.creds = CredentialStore()
        self.imds_issuer = CachedIssuer(self.creds, "imds")
        self.container_issuer = CachedIssuer(self.creds, "container")
        self.imds_tokens = {}
        self.buckets = {}
        self.ec2like = None  # ec2like.Ec2Like when --ec2-like
        self.chunked = chunked
        self.seq = 0
        self.log_fh = open(log_path, "a", encoding="utf-8") if log_path else None
        self.log_lock = threading.Lock()
        self.shutdown_requested = threading.Event()

    def now(self):
        return datetime.datetime.now(UTC) + datetime.timedelta(seconds=self.faults.clock_skew())

    def next_seq(self):
        with self.lock:
            self.seq += 1
            return self.seq

    def log(self, rec):
        if self.log_fh is None:
            return
        line = json.dumps(rec, ensure_ascii=False, sort_keys=False)
        with self.log_lock:
            self.log_fh.write(line + "\n")
            self.log_fh.flush()

    def close(self):
        if self.log_fh:
            self.log_fh.close()
            self.log_fh = None

    # -- faults shared by every endpoint ---------------------------------------------------

    def pre_faults(self, info):
        """Under the lock: latency to sleep and the per-request fault that fires, if any."""
        latency = self.faults.latency_ms(info.action, info.region)
        if latency:
            self.stats.fault("latency")
        f = self.faults.per_request(info.action, info.region)
        if f is not None:
            self.stats.fault(f.kind)
            info.fault = f.kind
            if f.kind == "slow":  # a counted delay, then the normal answer
                return latency + f.arg, None
        return latency, f

    def delete_after(self, info):
        """Under the lock, after a successful answer was computed: the delete-after faults
        whose NTH matching answer this is delete their template (wherever it lives)."""
        for f in self.faults.of_kind("delete-after"):
            if f.fired or not f.matches(info.action, info.region):
                continue
            f.seen += 1
            if f.seen < f.start:
                continue
            f.fired += 1
            self.stats.fault(f.kind)
            for account in self.world.accounts.values():
                for store in account.regions.values():
                    t = store.by_id(f.arg)
                    if t is not None:
                        store.delete(t)
                        self.stats.bump("templates_deleted")

    # -- Query API (EC2 and STS) -----------------------------------------------------------

    def handle_query(self, req, info):
        params = {}
        rid = request_id(req.seq)
        try:
            params = _query_params(req)
        except ApiError as e:
            info.service = "ec2"
            return self._error("ec2", e, rid)
        action = params.get("Action")
        version = params.get("Version")
        service = "sts" if (version == STS_VERSION or (version is None and
                                                       action in sts.ACTIONS)) else "ec2"
        info.service, info.action = service, action or "-"
        info.params = redact_params(params)
        fault = None
        try:
            if action is None:
                raise ApiError("MissingAction", "The request must contain the parameter Action")
            if version is None:
                raise ApiError("MissingParameter",
                               "The request must contain the parameter Version")
            if version not in (EC2_VERSION, STS_VERSION):
                raise ApiError("NoSuchVersion", "The requested version (%s) of service %s does "
                               "not exist" % (version, "AmazonEC2"))
            actions = ec2.ACTIONS if service == "ec2" else sts.ACTIONS
            if action not in actions:
                if service == "ec2":
                    raise ApiError("InvalidAction", "The action %s is not valid for this web "
                                   "service." % action)
                raise ApiError("InvalidAction", "Could not find operation %s for version %s"
                               % (action, version))
            with self.lock:
                if action in sts.UNSIGNED:
                    principal = None
                else:
                    principal, info.region = self.authenticate(req, service)
                    info.account = principal.account
                latency, fault = self.pre_faults(info)
            if self.ec2like is not None:
                latency += self.ec2like.latency_ms
            if latency:
                time.sleep(latency / 1000.0)
            with self.lock:
                if fault is not None and fault.kind not in ("drop", "truncate", "cut-xml"):
                    raise self._fault_error(service, fault, principal, action)
                if service == "ec2":
                    body = self._ec2(req, info, params, principal, rid)
                else:
                    body = self._sts(req, info, params, principal, rid)
                self.delete_after(info)
            ctype = "text/xml;charset=UTF-8" if service == "ec2" else "text/xml"
            resp = Response(200, body, [("Content-Type", ctype), ("x-amzn-RequestId", rid)])
        except ApiError as e:
            resp = self._error(service, e, rid)
        if fault is not None and fault.kind in ("drop", "truncate", "cut-xml"):
            resp.mode = fault.kind
        return resp

    def _error(self, service, e, rid):
        if isinstance(e, _RawError):
            return Response(e.status, _html(e.status, "Injected"), _HTML, code=e.code)
        if service == "sts":
            body = awsxml.render_error_query(e.code, e.message, rid, sender=e.sender)
            ctype = "text/xml"
        else:
            body = awsxml.render_error_ec2(e.code, e.message, rid)
            ctype = "text/xml;charset=UTF-8"
        return Response(e.status, body, [("Content-Type", ctype), ("x-amzn-RequestId", rid)],
                        code=e.code)

    def _fault_error(self, service, f, principal, action):
        if f.kind == "throttle":
            if service == "ec2":
                return ApiError("RequestLimitExceeded", "Request limit exceeded.", 503)
            return ApiError("Throttling", "Rate exceeded", 400)
        if f.kind == "status":
            if f.arg == 500:
                return ApiError("InternalError" if service == "ec2" else "InternalFailure",
                                "An internal error has occurred", 500)
            if f.arg == 503:
                if service == "ec2":
                    return ApiError("Unavailable", "The server is temporarily unable to service "
                                    "your request. Please retry your request.", 503)
                return ApiError("ServiceUnavailable", "Service unavailable", 503)
            return _RawError(f.arg)
        if f.kind == "error":
            return ApiError(f.arg, "Injected by fake-aws (fault %s)" % f.spec,
                            ERROR_STATUS.get(f.arg, 400))
        if f.kind == "deny":
            who = principal.arn if principal else "anonymous"
            if service == "ec2":
                return ApiError("UnauthorizedOperation", "You are not authorized to perform this "
                                "operation. User: %s is not authorized to perform: ec2:%s"
                                % (who, action), 403)
            return ApiError("AccessDenied", "User: %s is not authorized to perform: sts:%s"
                            % (who, action), 403)
        raise AssertionError(f.kind)

    def _ec2(self, req, info, params, principal, rid):
        account = self.world.accounts[principal.account]
        region = info.region
        rf = self.faults.region_fault(account.id, region)
        if rf is not None:
            self.stats.fault(rf.kind)
            info.fault = rf.kind
            if rf.kind == "region-fail":
                raise ApiError("InternalError", "An internal error has occurred", 500)
            if rf.kind == "region-optin":
                raise ApiError("OptInRequired", "You are not subscribed to this service. Please "
                               "go to http://aws.amazon.com to subscribe.", 401)
            raise ApiError("AuthFailure", "AWS was not able to validate the provided access "
                           "credentials", 401)
        store = account.regions.get(region)
        if store is None or not store.enabled:
            raise ApiError("AuthFailure", "AWS was not able to validate the provided access "
                           "credentials", 401)
        self._bucket(account.id, region, info)
        if self.ec2like is not None:
            self.ec2like.admit(account.id, region, info.action)
        action = info.action
        if not principal.may(action):
            raise ApiError("UnauthorizedOperation", "You are not authorized to perform this "
                           "operation. User: %s is not authorized to perform: ec2:%s because "
                           "no identity-based policy allows the ec2:%s action"
                           % (principal.arn, action, action), 403)
        ec2.check_params(action, params)
        if ec2._bool(params, "DryRun"):
            raise ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is "
                           "set.", 412)
        call = ec2.Call(self, action, params, principal, account, region, store)
        result, page = ec2.HANDLERS[action](call)
        if action == "DescribeLaunchTemplates":
            self._after_list(call, page)
        try:
            return awsxml.render_response(self.ec2_model, action, result, rid)
        except awsxml.SerializationError as exc:
            raise ApiError("InternalError", "fake-aws cannot serialize: %s" % exc, 500)

    def _bucket(self, account, region, info):
        spec = [f for f in self.faults.of_kind("bucket")]
        if not spec:
            return
        cap, rate = spec[-1].arg
        key = (account, region, info.action)
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (float(cap), now))
        tokens = min(float(cap), tokens + (now - last) * rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            self.stats.fault("bucket")
            info.fault = "bucket"
            raise ApiError("RequestLimitExceeded", "Request limit exceeded.", 503)
        self.buckets[key] = (tokens - 1.0, now)

    def _after_list(self, call, page):
        ids = {t.id: t for t in page}
        now = self.now()
        for f in self.faults.faults:
            if f.fired:
                continue
            if f.kind in ("delete-after-list", "add-version-after-list") and f.arg in ids:
                f.seen += 1
                f.fired += 1
                self.stats.fault(f.kind)
                t = ids[f.arg]
                if f.kind == "delete-after-list":
                    call.store.delete(t)
                    self.stats.bump("templates_deleted")
                else:
                    call.store.add_version(t, now)
                    self.stats.bump("versions_added")
            elif f.kind == "create-after-list" and f.region == call.region and \
                    (f.account or self.world.first_account().id) == call.account.id:
                f.seen += 1
                f.fired += 1
                self.stats.fault(f.kind)
                self.world.created_counter += 1
                call.store.create(call.account.id, now, self.world.created_counter)
                self.stats.bump("templates_created")

    def _sts(self, req, info, params, principal, rid):
        action = info.action
        region = info.region
        if principal is not None and region:
            store = self.world.accounts[principal.account].regions.get(region)
            if store is not None and not store.enabled:
                raise ApiError("RegionDisabledException", "STS is not activated in this region "
                               "for account:%s. Your account administrator can activate STS in "
                               "this region using the IAM Console." % principal.account, 403)
        sts.check_params(action, params)
        result = sts.HANDLERS[action](self, params, principal, region)
        return awsxml.render_response(self.sts_model, action, result, rid)

    # -- SigV4 ------------------------------------------------------------------------------

    def authenticate(self, req, service):
        """Verifies the request's SigV4 signature; returns (principal, region) or raises the
        ApiError the service would answer with."""
        ec2s = service == "ec2"

        def scope_error(msg):
            if ec2s:
                return ApiError("AuthFailure", msg, 401)
            return ApiError("SignatureDoesNotMatch", msg, 403)

        invalid_creds = (ApiError("AuthFailure", "AWS was not able to validate the provided "
                                  "access credentials", 401) if ec2s else
                         ApiError("InvalidClientTokenId", "The security token included in the "
                                  "request is invalid.", 403))
        auth_values = [v for k, v in req.headers if k.lower() == "authorization"]
        if not auth_values:
            if ec2s:
                raise ApiError("MissingAuthenticationToken", "The request must contain either a "
                               "valid (registered) AWS access key ID or X.509 certificate.", 401)
            raise ApiError("MissingAuthenticationToken", "Request is missing Authentication "
                           "Token", 403)
        if len(auth_values) > 1:
            raise ApiError("IncompleteSignature", "More than one Authorization header", 400)
        try:
            auth = sigv4.parse_authorization(auth_values[0])
        except sigv4.AuthParseError as exc:
            raise ApiError("IncompleteSignature", str(exc), 400)
        dates = [v for k, v in req.headers if k.lower() == "x-amz-date"]
        if not dates:
            raise ApiError("IncompleteSignature", "Authorization header requires existence of "
                           "either a 'X-Amz-Date' or a 'Date' header.", 400)
        amz_date = dates[-1].strip()
        when = sigv4.parse_amz_date(amz_date)
        if when is None:
            raise ApiError("IncompleteSignature", "X-Amz-Date must be in the ISO8601 basic "
                           "format YYYYMMDD'T'HHMMSS'Z'; got '%s'" % amz_date, 400)
        for h in ("host", "x-amz-date"):
            if h not in auth.signed_headers:
                raise ApiError("IncompleteSignature", "'%s' must be a 'SignedHeader' in the AWS "
                               "Authorization." % h, 400)
        if auth.terminator != "aws4_request":
            raise scope_error("Credential should be scoped with a valid terminator: "
                              "'aws4_request', not '%s'." % auth.terminator)
        if auth.service != service:
            raise scope_error("Credential should be scoped to correct service: '%s'. " % service)
        if auth.region not in self.world.known_regions and \
                not (service == "sts" and auth.region == "us-east-1"):
            raise scope_error("Credential should be scoped to a valid region. ")
        if auth.datestamp != amz_date[:8]:
            raise scope_error("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                              "version of date from HTTP: '%s' != '%s', from '%s'."
                              % (auth.datestamp, amz_date[:8], amz_date))
        tokens = [v.strip() for k, v in req.headers if k.lower() == "x-amz-security-token"]
        key = self.world.keys.get(auth.access_key)
        temp = None
        if key is not None:
            secret = key.secret
            if tokens:
                raise invalid_creds
        else:
            temp = self.creds.lookup(auth.access_key)
            if temp is None:
                raise invalid_creds
            if len(tokens) != 1 or not hmac.compare_digest(tokens[0].encode(),
                                                          temp.token.encode()):
                raise invalid_creds
            secret = temp.secret
        now = self.now()
        if abs(now - when) > SKEW_LIMIT:
            if ec2s:
                raise ApiError("RequestExpired", "Request has expired.", 400)
            if when < now:
                raise ApiError("SignatureDoesNotMatch", "Signature expired: %s is now earlier "
                               "than %s (%s - 15 min.)" % (amz_date, _amz(now - SKEW_LIMIT),
                                                           _amz(now)), 403)
            raise ApiError("SignatureDoesNotMatch", "Signature not yet current: %s is still "
                           "later than %s (%s + 15 min.)" % (amz_date, _amz(now + SKEW_LIMIT),
                                                             _amz(now)), 403)
        try:
            creq = sigv4.canonical_request(req.method, req.raw_path, req.raw_query, req.headers,
                                           auth.signed_headers, req.body)
        except KeyError as exc:
            raise scope_error("The request signature we calculated does not match the "
                              "signature you provided: signed header %s is missing" % exc)
        scope = "%s/%s/%s/aws4_request" % (auth.datestamp, auth.region, auth.service)
        want = sigv4.signature(secret, auth.datestamp, auth.region, auth.service,
                               sigv4.string_to_sign(amz_date, scope, creq))
        if not hmac.compare_digest(want, auth.signature):
            if ec2s:
                raise ApiError("AuthFailure", "AWS was not able to validate the provided access "
                               "credentials", 401)
            raise ApiError("SignatureDoesNotMatch", "The request signature we calculated does "
                           "not match the signature you provided. Check your AWS Secret Access "
                           "Key and signing method. Consult the service documentation for "
                           "details.", 403)
        if temp is not None and now >= temp.expiration:
            if ec2s:
                raise ApiError("RequestExpired", "Request has expired.", 400)
            raise ApiError("ExpiredToken", "The security token included in the request is "
                           "expired", 403)
        principal = temp.principal if temp is not None else user_principal(key)
        return principal, auth.region

    # -- IMDSv2 -----------------------------------------------------------------------------

    def handle_imds(self, req, info):
        info.service = "imds"
        path = req.raw_path.decode("latin-1")
        if path == "/latest/api/token":
            info.action = "ImdsToken"
        elif path == "/latest/meta-data/iam/security-credentials/":
            info.action = "ImdsRole"
        elif path.startswith("/latest/meta-data/iam/security-credentials/"):
            info.action = "ImdsCredentials"
        else:
            info.action = "ImdsMetadata"
        cfg = self.world.imds
        with self.lock:
            latency, fault = self.pre_faults(info)
        if latency:
            time.sleep(latency / 1000.0)
        text = [("Content-Type", "text/plain")]
        resp = None
        with self.lock:
            if fault is not None and fault.kind not in ("drop", "truncate", "cut-xml"):
                resp = _plain_fault(fault)
            elif cfg is None:
                resp = Response(404, _html(404, "Not Found"), _HTML)
            else:
                resp = self._imds(req, info, cfg, path, text)
        if fault is not None and fault.kind in ("drop", "truncate", "cut-xml"):
            resp.mode = fault.kind
        return resp

    def _imds(self, req, info, cfg, path, text):
        v2_off = (not cfg["v2"]) or self.faults.switch("imds-v2-disabled")
        v1_ok = cfg["v1"] or v2_off
        now = time.monotonic()
        if info.action == "ImdsToken":
            if req.method != "PUT":
                return Response(405, _html(405, "Method Not Allowed"), _HTML)
            if req.header("x-forwarded-for") is not None or v2_off:
                return Response(403, _html(403, "Forbidden"), _HTML)
            ttl = req.header("x-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not re.fullmatch(r"[0-9]+", ttl.strip()) or \
                    not 1 <= int(ttl) <= 21600:
                return Response(400, _html(400, "Bad Request"), _HTML)
            token = "AQAEA" + secrets.token_urlsafe(42)
            self.imds_tokens[token] = now + int(ttl)
            return Response(200, token.encode(), text +
                            [("X-aws-ec2-metadata-token-ttl-seconds", str(int(ttl)))])
        if req.method not in ("GET", "HEAD"):
            return Response(405, _html(405, "Method Not Allowed"), _HTML)
        token = req.header("x-aws-ec2-metadata-token")
        if token is not None:
            exp = self.imds_tokens.get(token.strip())
            if exp is None or exp <= now:
                return Response(401, _html(401, "Unauthorized"), _HTML)
        elif not v1_ok:
            return Response(401, _html(401, "Unauthorized"), _HTML)
        role = cfg["role"]
        if info.action == "ImdsRole":
            return Response(200, role.name.encode(), text)
        if info.action == "ImdsCredentials":
            if path.rstrip("/").rsplit("/", 1)[1] != role.name:
                return Response(404, _html(404, "Not Found"), _HTML)
            cred, fresh = self.imds_issuer.get(lambda: role_principal(role, cfg["instance_id"]),
                                               self.now(), cfg["expiration_seconds"])
            if fresh:
                self.stats.credential_issued("imds")
            body = ('{\n  "Code" : "Success",\n  "LastUpdated" : "%s",\n  "Type" : "AWS-HMAC",\n'
                    '  "AccessKeyId" : "%s",\n  "SecretAccessKey" : "%s",\n  "Token" : "%s",\n'
                    '  "Expiration" : "%s"\n}' % (iso_seconds(cred.issued), cred.access_key,
                                                 cred.secret, cred.token,
                                                 iso_seconds(cred.expiration)))
            return Response(200, body.encode(), text)
        simple = {
            "/latest/meta-data/placement/region": cfg["region"],
            "/latest/meta-data/placement/availability-zone": cfg["availability_zone"],
            "/latest/meta-data/instance-id": cfg["instance_id"],
            "/latest/meta-data/iam/info": json.dumps({
                "Code": "Success", "LastUpdated": iso_seconds(self.now()),
                "InstanceProfileArn": "arn:aws:iam::%s:instance-profile/%s"
                % (role.account, role.name),
                "InstanceProfileId": stable_id("AIPA", role.arn)}, indent=2),
        }
        if path in simple:
            return Response(200, simple[path].encode(), text)
        return Response(404, _html(404, "Not Found"), _HTML)

    # -- container credentials ------------------------------------------------------------

    def handle_container(self, req, info):
        info.service, info.action = "container", "ContainerCredentials"
        cfg = self.world.container
        with self.lock:
            latency, fault = self.pre_faults(info)
        if latency:
            time.sleep(latency / 1000.0)
        with self.lock:
            if fault is not None and fault.kind not in ("drop", "truncate", "cut-xml"):
                resp = _plain_fault(fault)
            elif req.method != "GET":
                resp = _json(405, {"code": "MethodNotAllowed", "message": "GET only"})
            else:
                auth = req.header("authorization")
                if cfg["authorization"] is not None and auth is None:
                    resp = _json(401, {"code": "AccessDeniedException",
                                       "message": "Authorization header is missing"})
                elif cfg["authorization"] is not None and \
                        not hmac.compare_digest(auth.encode(), cfg["authorization"].encode()):
                    resp = _json(403, {"code": "AccessDeniedException",
                                       "message": "Authorization token is invalid"})
                else:
                    role = cfg["role"]
                    cred, fresh = self.container_issuer.get(
                        lambda: role_principal(role, "ecs-task-" + stable_id("", role.arn, 8)),
                        self.now(), cfg["expiration_seconds"])
                    if fresh:
                        self.stats.credential_issued("container")
                    resp = _json(200, {"RoleArn": role.arn, "AccessKeyId": cred.access_key,
                                       "SecretAccessKey": cred.secret, "Token": cred.token,
                                       "Expiration": iso_seconds(cred.expiration)})
        if fault is not None and fault.kind in ("drop", "truncate", "cut-xml"):
            resp.mode = fault.kind
        return resp

    # -- SSO portal ------------------------------------------------------------------------

    def handle_sso(self, req, info):
        info.service, info.action = "sso", "SsoGetRoleCredentials"
        cfg = self.world.sso
        q = dict(parse_qsl(req.raw_query.decode("latin-1"), keep_blank_values=True))
        with self.lock:
            latency, fault = self.pre_faults(info)
        if latency:
            time.sleep(latency / 1000.0)
        rid = request_id(req.seq)

        def err(status, etype, msg):
            return Response(status, json.dumps({"message": msg}).encode(),
                            [("Content-Type", "application/json"), ("x-amzn-ErrorType", etype),
                             ("x-amzn-RequestId", rid)], code=etype)

        with self.lock:
            if fault is not None and fault.kind not in ("drop", "truncate", "cut-xml"):
                if fault.kind == "throttle":
                    resp = err(429, "TooManyRequestsException", "Too many requests")
                elif fault.kind == "error":
                    resp = err(ERROR_STATUS.get(fault.arg, 400), fault.arg, "Injected by fake-aws")
                else:
                    resp = _plain_fault(fault)
            elif cfg is None:
                resp = Response(404, _html(404, "Not Found"), _HTML)
            elif req.method != "GET":
                resp = err(405, "InvalidRequestException", "GET only")
            elif not q.get("role_name") or not q.get("account_id"):
                resp = err(400, "InvalidRequestException", "role_name and account_id are required")
            else:
                token = req.header("x-amz-sso_bearer_token")
                entry = cfg["roles"].get((q["account_id"], q["role_name"]))
                if token is None or token not in cfg["tokens"]:
                    resp = err(401, "UnauthorizedException", "Session token not found or invalid")
                elif entry is None:
                    resp = err(403, "ForbiddenException", "No access")
                else:
                    info.account = q["account_id"]
                    resp = self._sso_issue(q, entry, rid)
        if fault is not None and fault.kind in ("drop", "truncate", "cut-xml"):
            resp.mode = fault.kind
        return resp

    def _sso_issue(self, q, entry, rid):
        class _SsoRole:
            pass
        r = _SsoRole()
        r.account = q["account_id"]
        r.name = "AWSReservedSSO_%s_fake" % q["role_name"]
        r.arn = "arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/%s" % (r.account, r.name)
        r.role_id = stable_id("AROA", r.arn)
        r.deny = entry["deny"]
        cred = self.creds.mint(role_principal(r, "ltsnap-sso"), self.now(),
                               entry["expiration_seconds"], "sso")
        self.stats.credential_issued("sso")
        ms = int(cred.expiration.timestamp() * 1000)
        body = {"roleCredentials": {"accessKeyId": cred.access_key,
                                    "secretAccessKey": cred.secret,
                                    "sessionToken": cred.token, "expiration": ms}}
        return Response(200, json.dumps(body).encode(),
                        [("Content-Type", "application/json"), ("x-amzn-RequestId", rid)])

    # -- control ----------------------------------------------------------------------------

    def handle_control(self, req):
        path = req.raw_path.decode("latin-1")
        q = dict(parse_qsl(req.raw_query.decode("latin-1"), keep_blank_values=True))
        with self.lock:
            if path == "/_fake/stats" and req.method == "GET":
                return _json(200, self.stats.snapshot())
            if path == "/_fake/reset-stats" and req.method == "POST":
                self.stats.reset()
                return _json(200, {"ok": True})
            if path == "/_fake/faults" and req.method == "GET":
                return _json(200, self.faults.to_json())
            if path == "/_fake/faults" and req.method == "POST":
                try:
                    specs = json.loads(req.body.decode("utf-8") or "[]")
                    if not isinstance(specs, list):
                        raise ValueError("expected a JSON list of fault specs")
                    self.faults = FaultSet(specs)
                    self.buckets = {}
                except ValueError as exc:
                    return _json(400, {"error": str(exc)})
                return _json(200, self.faults.to_json())
            if path == "/_fake/health" and req.method == "GET":
                return _json(200, {"ok": True})
            if path == "/_fake/templates" and req.method == "GET":
                return self._templates(q)
            if path == "/_fake/shutdown" and req.method == "POST":
                self.shutdown_requested.set()
                return _json(200, {"ok": True})
        return _json(404, {"error": "no such control endpoint"})

    def _templates(self, q):
        acct = self.world.accounts.get(q.get("account") or self.world.first_account().id)
        if acct is None or q.get("region") not in acct.regions:
            return _json(400, {"error": "need account= (default: first) and a region= of it"})
        store = acct.regions[q["region"]]
        limit = int(q.get("limit", "1000"))
        out = []
        for t in store.iter_from(0):
            if len(out) >= limit:
                break
            out.append({"LaunchTemplateId": t.id, "LaunchTemplateName": t.name,
                        "DefaultVersionNumber": t.default, "LatestVersionNumber": t.latest,
                        "Managed": t.managed, "Versions": sorted(t.versions)})
        return _json(200, {"count": store.count(), "templates": out})


class _RawError(ApiError):
    """A non-AWS error page (502/504 from a proxy, other statuses)."""

    def __init__(self, status):
        super().__init__("HTTP%d" % status, "injected HTTP %d" % status, status)


_HTML = [("Content-Type", "text/html")]


def _html(status, reason):
    return ("<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>"
            % (status, reason, status, reason)).encode()


def _json(status, obj):
    return Response(status, json.dumps(obj, indent=2, sort_keys=True).encode() + b"\n",
                    [("Content-Type", "application/json")])


def _plain_fault(f):
    if f.kind == "throttle":
        return Response(429, _html(429, "Too Many Requests"), _HTML, code="HTTP429")
    if f.kind == "status":
        return Response(f.arg, _html(f.arg, "Injected"), _HTML, code="HTTP%d" % f.arg)
    if f.kind == "error":
        return Response(ERROR_STATUS.get(f.arg, 400), json.dumps(
            {"code": f.arg, "message": "Injected by fake-aws"}).encode(),
            [("Content-Type", "application/json")], code=f.arg)
    return Response(403, _html(403, "Forbidden"), _HTML, code="HTTP403")  # deny


def _amz(dt):
    return dt.strftime("%Y%m%dT%H%M%SZ")


def _query_params(req):
    """Query API parameters from the query string and (POST) the form body."""
    out = {}
    sources = [req.raw_query]
    if req.method == "POST":
        ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            sources.append(req.body)
    for src in sources:
        try:
            text = src.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise ApiError("MalformedQueryString", "The query string or form body is not valid "
                           "UTF-8 / form encoding")
        for k, v in pairs:
            if k in out:
                raise ApiError("InvalidParameterValue",
                               "The parameter %s is given more than once" % k)
            out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# HTTP plumbing

class _BodyTooLarge(Exception):
    pass


class Request:
    __slots__ = ("method", "raw_path", "raw_query", "headers", "body", "seq", "conn")

    def header(self, name):
        name = name.lower()
        vals = [v for k, v in self.headers if k.lower() == name]
        return vals[-1] if vals else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AmazonEC2"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        app = self.server.app
        with app.lock:
            app.conn_counter = getattr(app, "conn_counter", 0) + 1
            self.conn_id = app.conn_counter
        self.nth = 0  # API requests (not /_fake/ ones) served on this connection

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    def date_time_string(self, timestamp=None):
        if timestamp is None:
            timestamp = self.server.app.now().timestamp()
        return super().date_time_string(timestamp)

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise _BodyTooLarge()
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        n = int(cl)
        if n < 0:
            raise ValueError("bad Content-Length")
        if n > MAX_BODY:
            raise _BodyTooLarge()
        return self.rfile.read(n)

    def _handle(self):
        app = self.server.app
        t0 = time.monotonic()
        try:
            body = self._read_body()
        except _BodyTooLarge:
            self.close_connection = True
            self._send(Response(413, _html(413, "Payload Too Large"), _HTML))
            return
        except ValueError:
            self.close_connection = True
            self._send(Response(400, _html(400, "Bad Request"), _HTML))
            return
        req = Request()
        req.method = self.command
        raw = self.path.encode("latin-1")
        req.raw_path, _, req.raw_query = raw.partition(b"?")
        req.headers = [(k, v.encode("latin-1", "replace").decode("utf-8", "surrogateescape"))
                       for k, v in self.headers.items()]
        req.body = body
        req.conn = self.conn_id
        path = req.raw_path.decode("latin-1")
        if path.startswith("/_fake/"):
            self._send(app.handle_control(req))
            if app.shutdown_requested.is_set():
                self.close_connection = True
            return
        req.seq = app.next_seq()
        info = Info()
        self.nth += 1
        with app.lock:
            if self.nth == 1:
                app.stats.bump("connections_accepted")  # connections used for API requests
            app.stats.start()
        resp = None
        try:
            if path in ("/", ""):
                if req.method not in ("GET", "POST"):
                    resp = Response(405, _html(405, "Method Not Allowed"), _HTML)
                    info.service = "ec2"
                else:
                    resp = app.handle_query(req, info)
            elif path.startswith("/latest/"):
                resp = app.handle_imds(req, info)
            elif app.world.container is not None and path == app.world.container["path"]:
                resp = app.handle_container(req, info)
            elif path == "/federation/credentials":
                resp = app.handle_sso(req, info)
            else:
                resp = Response(404, _html(404, "Not Found"), _HTML)
        except Exception as exc:  # a bug in the fake: answer 500 and say so in the log
            resp = Response(500, ("fake-aws internal error: %r\n" % exc).encode(),
                            [("Content-Type", "text/plain")], code="FakeAwsBug")
            import traceback
            traceback.print_exc()
        finally:
            status = resp.status if resp is not None else 500
            code = resp.code if resp is not None else "FakeAwsBug"
            if resp is not None and resp.mode == "drop":
                status, code = 0, "dropped"
            with app.lock:
                app.stats.finish(info, status, code, self.nth)
        app.log({
            "t": awsxml.format_timestamp(datetime.datetime.now(UTC)),
            "seq": req.seq, "conn": self.conn_id, "method": req.method, "path": path,
            "service": info.service, "account": info.account, "region": info.region,
            "action": info.action, "params": info.params, "status": status, "code": code,
            "fault": info.fault, "ms": round((time.monotonic() - t0) * 1000, 3),
        })
        self._send(resp)

    def _send(self, resp):
        if resp.mode == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        body = resp.body
        full_len = len(body)
        if resp.mode == "cut-xml":
            body = body[:max(1, len(body) // 2)]
            full_len = len(body)
        chunked = self.server.app.chunked and resp.mode != "cut-xml" and \
            resp.status == 200 and resp.headers and resp.headers[0][1].startswith("text/xml")
        self.send_response(resp.status)
        for k, v in resp.headers:
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(full_len))
        if self.close_connection or resp.mode == "truncate":
            self.send_header("Connection", "close")
        # Headers and body leave in one write (no Nagle / delayed-ACK stall between them).
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        if self.command == "HEAD":
            self.wfile.write(head)
            self.wfile.flush()
            return
        if resp.mode == "truncate":
            body = body[:len(body) // 2]
            if chunked:
                body = b"%x\r\n%s\r\n" % (len(body), body)
            self.wfile.write(head + body)
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if chunked:
            out = [head]
            for i in range(0, len(body), 8192):
                piece = body[i:i + 8192]
                out.append(b"%x\r\n%s\r\n" % (len(piece), piece))
            out.append(b"0\r\n\r\n")
            self.wfile.write(b"".join(out))
        else:
            self.wfile.write(head + body)
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, app, port, verbose=False):
        self.app = app
        self.verbose = verbose
        super().__init__(("127.0.0.1", port), Handler)


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as fh:
        fh.write("%d\n" % port)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
