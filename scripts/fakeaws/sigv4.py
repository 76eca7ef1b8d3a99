"""SigV4 header-signature verification, written from the AWS specification (reference.md §5),
independently of ltsnap's C signer: the canonical request is rebuilt from what arrived on the wire.

Pure: the caller supplies the request pieces, the secret lookup and the current time.
"""

import datetime
import hashlib
import hmac
import re
from urllib.parse import unquote_to_bytes

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def uri_encode(data, keep_slash=False):
    """Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/' if keep_slash), upper hex."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = []
    for b in data:
        if b in _UNRESERVED or (keep_slash and b == 0x2F):
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def canonical_uri(raw_path, normalize=True):
    """raw_path (str or bytes) is the path exactly as it arrived (already percent-encoded once
    by the client). Non-S3 rule: normalise (drop '.' and '..' segments, collapse '//'), then
    encode every segment again."""
    if isinstance(raw_path, str):
        raw_path = raw_path.encode("utf-8")
    if raw_path == b"":
        raw_path = b"/"
    if normalize:
        segs = []
        for seg in raw_path.split(b"/"):
            if seg in (b"", b"."):
                continue
            if seg == b"..":
                if segs:
                    segs.pop()
                continue
            segs.append(seg)
        path = b"/" + b"/".join(segs)
        if raw_path.endswith(b"/") and path != b"/":
            path += b"/"
    else:
        path = raw_path
    return "/".join(uri_encode(s) for s in path.split(b"/"))


def canonical_query(raw_query):
    """raw_query (str or bytes): the query string as it arrived, without '?'."""
    if isinstance(raw_query, str):
        raw_query = raw_query.encode("utf-8")
    pairs = []
    for part in (raw_query or b"").split(b"&"):
        if part == b"":
            continue
        name, _sep, value = part.partition(b"=")
        pairs.append((uri_encode(unquote_to_bytes(name)), uri_encode(unquote_to_bytes(value))))
    pairs.sort()
    return "&".join("%s=%s" % p for p in pairs)


_WS = re.compile(r"\s+")


def canonical_headers(header_pairs, signed_names):
    """header_pairs: [(name, value)] in arrival order (duplicates allowed). Returns the
    canonical header block (each line ends in \\n) or raises KeyError(name) if a signed header
    is absent."""
    values = {}
    for name, value in header_pairs:
        values.setdefault(name.lower(), []).append(_WS.sub(" ", value.strip()))
    lines = []
    for name in signed_names:
        if name not in values:
            raise KeyError(name)
        lines.append("%s:%s\n" % (name, ",".join(values[name])))
    return "".join(lines)


def signing_key(secret, datestamp, region, service):
    k = hmac.new(("AWS4" + secret).encode("utf-8"), datestamp.encode("utf-8"),
                 hashlib.sha256).digest()
    k = hmac.new(k, region.encode("utf-8"), hashlib.sha256).digest()
    k = hmac.new(k, service.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(k, b"aws4_request", hashlib.sha256).digest()


def string_to_sign(amz_date, scope, canonical_request):
    digest = hashlib.sha256(canonical_request.encode("utf-8", "surrogateescape")).hexdigest()
    return "\n".join([ALGORITHM, amz_date, scope, digest])


def signature(secret, datestamp, region, service, sts):
    key = signing_key(secret, datestamp, region, service)
    return hmac.new(key, sts.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


class AuthHeader:
    __slots__ = ("access_key", "datestamp", "region", "service", "terminator", "signed_headers",
                 "signature")


class AuthParseError(Exception):
    pass


_AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)


def parse_authorization(value):
    """Parses 'AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
    SignedHeaders=a;b, Signature=hex'. Raises AuthParseError."""
    m = _AUTH_RE.match(value.strip())
    if not m:
        raise AuthParseError("Unsupported authorization type")
    parts = {}
    for item in m.group(1).split(","):
        item = item.strip()
        if not item:
            continue
        k, sep, v = item.partition("=")
        if not sep or k in parts:
            raise AuthParseError("Authorization header requires 'Credential', 'Signature' and "
                                 "'SignedHeaders' parameters; malformed element '%s'" % k)
        parts[k] = v
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if k not in parts]
    if missing:
        raise AuthParseError("Authorization header requires '%s' parameter. Authorization=%s"
                             % ("', '".join(missing), ALGORITHM))
    cred = parts["Credential"].split("/")
    if len(cred) != 5 or not all(cred):
        raise AuthParseError("Credential must have exactly 5 slash-delimited elements, e.g. "
                             "keyid/date/region/service/term")
    a = AuthHeader()
    a.access_key, a.datestamp, a.region, a.service, a.terminator = cred
    a.signed_headers = parts["SignedHeaders"].split(";")
    a.signature = parts["Signature"]
    if a.signed_headers != sorted(set(a.signed_headers)) or \
            any(h != h.lower() or not h for h in a.signed_headers):
        raise AuthParseError("SignedHeaders must be lower case, sorted and unique")
    if not re.fullmatch(r"[0-9a-f]{64}", a.signature):
        raise AuthParseError("Signature must be 64 lower-case hex digits")
    return a


def parse_amz_date(value):
    """YYYYMMDDTHHMMSSZ -> aware datetime, or None if malformed."""
    try:
        return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def canonical_request(method, raw_path, raw_query, header_pairs, signed_names, body):
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        canonical_headers(header_pairs, signed_names),
        ";".join(signed_names),
        hashlib.sha256(body).hexdigest(),
    ])
