"""Fault specs: parsing and the per-request decisions. Deterministic: counters advance in
request-arrival order under the app lock; nothing is random.

Grammar (also in `fake-aws --help`):
  COUNT    := N | N@FROM | *        N matching requests starting with the FROM-th (1-based,
                                     default 1); * = every matching request
  SEL      := ACTION | ACTION/REGION | */REGION | *
"""

import re

HELP = """\
Fault specs (--fault SPEC, repeatable; or POST /_fake/faults with a JSON list of specs, which
replaces the current list and its counters). Faults are counted in request-arrival order; each
firing is counted in /_fake/stats faults_injected.

  SEL   = ACTION | ACTION/REGION | */REGION | *     ACTION is an EC2/STS action name or one of
          ImdsToken ImdsRole ImdsCredentials ImdsMetadata ContainerCredentials
          SsoGetRoleCredentials
  COUNT = N | N@FROM | *   N matching requests from the FROM-th match on (default 1); * = all

Per-request faults (checked once the request is identified; Query API requests only after
their signature was verified):
  throttle:SEL:COUNT        EC2 503 RequestLimitExceeded; STS 400 Throttling; IMDS/container/
                            SSO 429
  status:SEL:HTTP:COUNT     answer with HTTP status HTTP: EC2 500 InternalError / 503
                            Unavailable, STS 500 InternalFailure / 503 ServiceUnavailable;
                            any other status (e.g. 502, 504) a non-AWS HTML body, as a proxy
  error:SEL:CODE:COUNT      an AWS error document with that Code and its usual HTTP status
                            (AuthFailure 401, UnauthorizedOperation 403, OptInRequired 401,
                            RequestExpired 400, InternalError 500, ... otherwise 400)
  deny:SEL[:COUNT]          EC2 403 UnauthorizedOperation, STS 403 AccessDenied (COUNT def. *)
  drop:SEL:COUNT            close the connection without sending anything
  truncate:SEL:COUNT        full headers (Content-Length of the whole body), half the body,
                            then close
  cut-xml:SEL:COUNT         complete HTTP 200 whose body is the first half of the XML, with a
                            Content-Length matching the cut body
                            (drop, truncate, cut-xml: the request is still processed - a
                            state-changing fault it triggers happens - only the answer is lost)
  latency:MS[:SEL]          sleep MS milliseconds before answering (default SEL *)
  slow:SEL:MS:COUNT         sleep MS milliseconds, then answer normally: a counted latency, for
                            a response that comes after the client's timeout
  expire-token:N            the N-th request carrying a NextToken (all actions, counted from
                            start or the last fault reset) gets 400 InvalidPaginationToken

Region faults (EC2 only; ACCOUNT defaults to every account):
  region-disabled:REGION[:ACCOUNT]  401 AuthFailure, as AWS answers in an opt-in region that is
                                    not enabled
  region-optin:REGION[:ACCOUNT]     401 OptInRequired
  region-fail:REGION[:ACCOUNT]      500 InternalError for every call, forever

State changes (each fires once, right after the triggering page was computed; the client sees
the change from its next request on):
  delete-after-list:LTID            delete the template after the DescribeLaunchTemplates page
                                    that contains it
  add-version-after-list:LTID       add a version (new latest; default unchanged) after that page
  create-after-list:REGION[:ACCOUNT] create a template after the first DescribeLaunchTemplates
                                    page served in REGION (account default: the first account)
  delete-after:SEL:LTID[:NTH]       delete the template after the NTH (default 1) successful
                                    answer to a request matching SEL (any action, EC2 or STS):
                                    a deletion at any point of a client's run

Behaviour switches:
  dup-latest-default        all-templates DescribeLaunchTemplateVersions returns a template
                            whose latest is also its default twice (AWS does not document
                            that it deduplicates; clients must)
  empty-last-page           every full page carries a nextToken, so listings end with an empty
                            page (default: nextToken only when more items exist)
  clock-skew:SECONDS        the fake's clock runs SECONDS ahead (negative: behind), for the
                            15-minute signature window, Date header and expirations
  imds-v2-disabled          IMDS token PUT answers 403 and token-less GETs are served (v1)
  bucket:CAPACITY:RATE      emulate EC2's token bucket per (account, region, action): CAPACITY
                            tokens, RATE refilled per second; empty -> 503 RequestLimitExceeded
                            (time-based, so not deterministic; AWS: 100 and 20)
"""

ERROR_STATUS = {
    "AuthFailure": 401, "UnauthorizedOperation": 403, "OptInRequired": 401,
    "RequestExpired": 400, "RequestLimitExceeded": 503, "InternalError": 500,
    "InternalFailure": 500, "ServerInternal": 500, "Unavailable": 503,
    "ServiceUnavailable": 503, "Blocked": 403, "PendingVerification": 401,
    "AccountDisabled": 403, "Throttling": 400, "ExpiredToken": 403, "ExpiredTokenException": 400,
    "InvalidClientTokenId": 403, "SignatureDoesNotMatch": 403, "AccessDenied": 403,
    "RegionDisabledException": 403, "IDPCommunicationError": 400, "InvalidIdentityToken": 400,
    "IDPRejectedClaim": 403, "DryRunOperation": 412, "MissingAuthenticationToken": 401,
}

PER_REQUEST = ("throttle", "status", "error", "deny", "drop", "truncate", "cut-xml",
               "slow")
SWITCHES = ("dup-latest-default", "empty-last-page", "imds-v2-disabled")


class FaultSpecError(ValueError):
    pass


_ACTION_RE = re.compile(r"^(\*|[A-Za-z][A-Za-z0-9]*)(?:/([a-z0-9-]+))?$")
_LTID_RE = re.compile(r"^lt-[0-9a-f]{17}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class Fault:
    def __init__(self, spec):
        self.spec = spec
        self.kind = None
        self.action = "*"
        self.region = None
        self.count = None      # None = unlimited
        self.start = 1
        self.seen = 0
        self.fired = 0
        self.arg = None        # kind-specific
        self.account = None

    def matches(self, action, region):
        return (self.action in ("*", action)) and (self.region is None or self.region == region)

    def take(self):
        """Counts one matching request; True if the fault fires for it."""
        self.seen += 1
        return self.try_fire()

    def try_fire(self):
        if self.seen < self.start:
            return False
        if self.count is not None and self.fired >= self.count:
            return False
        self.fired += 1
        return True

    def to_json(self):
        return {"spec": self.spec, "kind": self.kind, "seen": self.seen, "fired": self.fired}


def _sel(text, spec):
    m = _ACTION_RE.match(text)
    if not m:
        raise FaultSpecError("%s: bad selector %r (ACTION, ACTION/REGION, */REGION or *)"
                             % (spec, text))
    return m.group(1), m.group(2)


def _count(text, spec):
    if text == "*":
        return None, 1
    m = re.match(r"^(\d+)(?:@(\d+))?$", text)
    if not m or int(m.group(1)) < 1 or (m.group(2) and int(m.group(2)) < 1):
        raise FaultSpecError("%s: bad COUNT %r (N, N@FROM or *)" % (spec, text))
    return int(m.group(1)), int(m.group(2) or 1)


def _int_arg(text, spec, what, lo=None):
    try:
        v = int(text)
    except ValueError:
        raise FaultSpecError("%s: %s must be an integer" % (spec, what))
    if lo is not None and v < lo:
        raise FaultSpecError("%s: %s must be >= %d" % (spec, what, lo))
    return v


def parse(spec):
    if not isinstance(spec, str) or not spec:
        raise FaultSpecError("fault spec must be a non-empty string")
    parts = spec.split(":")
    kind, args = parts[0], parts[1:]
    f = Fault(spec)
    f.kind = kind

    def need(n_min, n_max, usage):
        if not n_min <= len(args) <= n_max:
            raise FaultSpecError("%s: usage %s" % (spec, usage))

    if kind in ("throttle", "drop", "truncate", "cut-xml"):
        need(2, 2, kind + ":SEL:COUNT")
        f.action, f.region = _sel(args[0], spec)
        f.count, f.start = _count(args[1], spec)
    elif kind == "status":
        need(3, 3, "status:SEL:HTTP:COUNT")
        f.action, f.region = _sel(args[0], spec)
        f.arg = _int_arg(args[1], spec, "HTTP status")
        if not 400 <= f.arg <= 599:
            raise FaultSpecError("%s: HTTP status must be 400-599" % spec)
        f.count, f.start = _count(args[2], spec)
    elif kind == "error":
        need(3, 3, "error:SEL:CODE:COUNT")
        f.action, f.region = _sel(args[0], spec)
        if not re.match(r"^[A-Za-z][A-Za-z0-9.]*$", args[1]):
            raise FaultSpecError("%s: bad error code %r" % (spec, args[1]))
        f.arg = args[1]
        f.count, f.start = _count(args[2], spec)
    elif kind == "deny":
        need(1, 2, "deny:SEL[:COUNT]")
        f.action, f.region = _sel(args[0], spec)
        f.count, f.start = _count(args[1], spec) if len(args) == 2 else (None, 1)
    elif kind == "latency":
        need(1, 2, "latency:MS[:SEL]")
        f.arg = _int_arg(args[0], spec, "MS", 0)
        if len(args) == 2:
            f.action, f.region = _sel(args[1], spec)
    elif kind == "slow":
        _parse_slow(f, args, spec)
    elif kind == "delete-after":
        _parse_delete_after(f, args, spec)
    elif kind == "expire-token":
        need(1, 1, "expire-token:N")
        f.arg = _int_arg(args[0], spec, "N", 1)
    elif kind in ("region-disabled", "region-optin", "region-fail"):
        need(1, 2, kind + ":REGION[:ACCOUNT]")
        if not _REGION_RE.match(args[0]):
            raise FaultSpecError("%s: bad region %r" % (spec, args[0]))
        f.region = args[0]
        if len(args) == 2:
            if not re.match(r"^\d{12}$", args[1]):
                raise FaultSpecError("%s: bad account %r" % (spec, args[1]))
            f.account = args[1]
    elif kind in ("delete-after-list", "add-version-after-list"):
        need(1, 1, kind + ":LTID")
        if not _LTID_RE.match(args[0]):
            raise FaultSpecError("%s: %r is not a launch template id" % (spec, args[0]))
        f.arg = args[0]
        f.count = 1
    elif kind == "create-after-list":
        need(1, 2, "create-after-list:REGION[:ACCOUNT]")
        if not _REGION_RE.match(args[0]):
            raise FaultSpecError("%s: bad region %r" % (spec, args[0]))
        f.region = args[0]
        if len(args) == 2:
            if not re.match(r"^\d{12}$", args[1]):
                raise FaultSpecError("%s: bad account %r" % (spec, args[1]))
            f.account = args[1]
        f.count = 1
    elif kind == "clock-skew":
        need(1, 1, "clock-skew:SECONDS")
        try:
            f.arg = int(args[0])
        except ValueError:
            raise FaultSpecError("%s: SECONDS must be an integer" % spec)
    elif kind == "bucket":
        need(2, 2, "bucket:CAPACITY:RATE")
        f.arg = (_int_arg(args[0], spec, "CAPACITY", 1), float(_int_arg(args[1], spec, "RATE", 0)))
    elif kind in SWITCHES:
        need(0, 0, kind)
    else:
        raise FaultSpecError("%s: unknown fault kind %r (see --help)" % (spec, kind))
    return f


def _parse_slow(f, args, spec):
    if len(args) != 3:
        raise FaultSpecError("%s: usage slow:SEL:MS:COUNT" % spec)
    f.action, f.region = _sel(args[0], spec)
    f.arg = _int_arg(args[1], spec, "MS", 0)
    f.count, f.start = _count(args[2], spec)


def _parse_delete_after(f, args, spec):
    if len(args) not in (2, 3):
        raise FaultSpecError("%s: usage delete-after:SEL:LTID[:NTH]" % spec)
    f.action, f.region = _sel(args[0], spec)
    if not _LTID_RE.match(args[1]):
        raise FaultSpecError("%s: %r is not a launch template id" % (spec, args[1]))
    f.arg = args[1]
    f.start = _int_arg(args[2], spec, "NTH", 1) if len(args) == 3 else 1
    f.count = 1


class FaultSet:
    """The active faults. All methods are called under the app lock."""

    def __init__(self, specs=()):
        self.faults = [parse(s) for s in specs]
        self.next_token_uses = 0

    def of_kind(self, *kinds):
        return [f for f in self.faults if f.kind in kinds]

    def switch(self, kind):
        return any(f.kind == kind for f in self.faults)

    def clock_skew(self):
        return sum(f.arg for f in self.faults if f.kind == "clock-skew")

    def latency_ms(self, action, region):
        return sum(f.arg for f in self.faults if f.kind == "latency" and f.matches(action, region))

    def per_request(self, action, region):
        """The per-request fault that fires for this request, or None. Every matching fault
        counts the request (so FROM indexes arrival order among matching requests); only the
        first eligible one fires, and the others keep their shots for later requests."""
        fired = None
        for f in self.faults:
            if f.kind in PER_REQUEST and f.matches(action, region):
                f.seen += 1
                if fired is None and f.try_fire():
                    fired = f
        return fired

    def region_fault(self, account, region):
        for f in self.faults:
            if f.kind in ("region-disabled", "region-optin", "region-fail") and \
                    f.region == region and f.account in (None, account):
                f.seen += 1
                f.fired += 1
                return f
        return None

    def token_use_expires(self):
        self.next_token_uses += 1
        for f in self.faults:
            if f.kind == "expire-token" and f.arg == self.next_token_uses:
                f.seen += 1
                f.fired += 1
                return f
        return None

    def to_json(self):
        return [f.to_json() for f in self.faults]
