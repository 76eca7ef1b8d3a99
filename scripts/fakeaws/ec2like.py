"""EC2-like behaviour for the benchmark: a round-trip latency on every Query API request, EC2's
request-rate token bucket for the Describe calls, and (--realistic) the data set of realistic.py.

EC2's documented request rate limiting (docs.aws.amazon.com/ec2/latest/devguide/
ec2-api-throttling.html; docs/reference.md 4.1): per account, per region, and per API action
(each API is evaluated individually), a bucket of 100 tokens for non-mutating actions, refilled
at 20 per second, never above 100; every request takes one token; a request that finds the
bucket empty is answered HTTP 503 with EC2's error document, code RequestLimitExceeded
(reference 1.5), and takes no token. The throttled answer still pays the latency.

The bucket is measured at the time a request is handled (after its latency), so every request
is shifted by the same amount and the rate the client sees is the rate the bucket allows.

Hooks in server.py (App.ec2like, None unless enabled): handle_query adds latency_ms to the
sleep before answering; App._ec2 calls admit() once the account and region are known.
"""

import threading
import time

from . import realistic
from .data import RegionStore
from .util import ApiError, DataError

DEFAULT_LATENCY_MS = 50
DEFAULT_CAPACITY = 100
DEFAULT_REFILL = 20.0

HELP = """\
EC2-like mode (--ec2-like; for scripts/bench):
  every Query API request (EC2 and STS) is answered after --latency-ms (default %d) ms, and
  EC2 calls draw from EC2's token bucket per (account, region, action): --bucket CAP:RATE
  (default %d:%g, EC2's numbers for non-mutating actions); an empty bucket answers HTTP 503
  RequestLimitExceeded. --realistic N[:SEED] serves N generated templates (most with one
  version, a tail with tens, about 1 KB of LaunchTemplateData each) spread over the first
  account's enabled regions (scripts/fakeaws/realistic.py).
""" % (DEFAULT_LATENCY_MS, DEFAULT_CAPACITY, DEFAULT_REFILL)


class TokenBuckets:
    """One token bucket per key. take() is thread-safe; time comes from `clock` (seconds)."""

    def __init__(self, capacity, refill, clock=time.monotonic):
        if capacity < 1 or refill < 0:
            raise ValueError("bucket: capacity must be >= 1 and refill >= 0")
        self.capacity = float(capacity)
        self.refill = float(refill)
        self.clock = clock
        self._state = {}
        self._lock = threading.Lock()
        self.taken = 0
        self.refused = 0

    def take(self, key):
        """True and one token less, or False (nothing taken) when the bucket is empty."""
        with self._lock:
            now = self.clock()
            tokens, last = self._state.get(key, (self.capacity, now))
            if now > last:
                tokens = min(self.capacity, tokens + (now - last) * self.refill)
                last = now
            if tokens < 1.0:
                self._state[key] = (tokens, last)
                self.refused += 1
                return False
            self._state[key] = (tokens - 1.0, last)
            self.taken += 1
            return True

    def level(self, key):
        """Tokens in the bucket of key now (for tests and the stats)."""
        with self._lock:
            now = self.clock()
            tokens, last = self._state.get(key, (self.capacity, now))
            return min(self.capacity, tokens + max(0.0, now - last) * self.refill)


class Ec2Like:
    def __init__(self, latency_ms=DEFAULT_LATENCY_MS, capacity=DEFAULT_CAPACITY,
                 refill=DEFAULT_REFILL, clock=time.monotonic):
        if latency_ms < 0:
            raise ValueError("--latency-ms must be >= 0")
        self.latency_ms = latency_ms
        self.buckets = TokenBuckets(capacity, refill, clock)

    def admit(self, account, region, action):
        """Takes a token of (account, region, action) or raises EC2's throttling error."""
        if not self.buckets.take((account, region, action)):
            raise ApiError("RequestLimitExceeded", "Request limit exceeded.", 503)


# ---------------------------------------------------------------------------------------------
# command line (main.py)

def add_arguments(p):
    p.add_argument("--ec2-like", action="store_true",
                   help="answer like EC2: latency and request token buckets (see below)")
    p.add_argument("--latency-ms", type=int, default=DEFAULT_LATENCY_MS, metavar="MS",
                   help="--ec2-like: added latency per request (default %d)" % DEFAULT_LATENCY_MS)
    p.add_argument("--bucket", default="%d:%g" % (DEFAULT_CAPACITY, DEFAULT_REFILL),
                   metavar="CAP:RATE", help="--ec2-like: token bucket size and refill per second "
                   "(default %d:%g)" % (DEFAULT_CAPACITY, DEFAULT_REFILL))
    p.add_argument("--realistic", metavar="N[:SEED]",
                   help="serve N generated realistic templates (see below)")


def from_args(a):
    """The Ec2Like of the command line, or None. Raises DataError for bad values."""
    if not a.ec2_like:
        return None
    cap, sep, rate = a.bucket.partition(":")
    try:
        if not sep:
            raise ValueError("--bucket: expected CAP:RATE, e.g. 100:20")
        return Ec2Like(a.latency_ms, int(cap), float(rate))
    except ValueError as exc:
        raise DataError(str(exc))


def install_realistic(world, text, synthetic_too=False):
    """Puts --realistic N[:SEED] templates into the first account's enabled regions (data-file
    order: the first region gets the most). Raises DataError."""
    if synthetic_too:
        raise DataError("--realistic and --synthetic cannot be combined")
    try:
        n, seed = realistic.parse_spec(text)
    except ValueError as exc:
        raise DataError(str(exc))
    acct = world.first_account()
    names = [r for r, s in acct.regions.items() if s.enabled]
    counts = realistic.split(n, len(names))
    for name, count in zip(names, counts):
        old = acct.regions[name]
        gen = realistic.RegionGen(count, seed, old.index)
        acct.regions[name] = RegionStore(acct.id, name, old.index, old.opt_in_status,
                                         [old.fixed[s] for s in sorted(old.fixed)], gen)
