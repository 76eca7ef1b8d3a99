"""Small shared pieces: the API error type, time helpers, id makers."""

import base64
import datetime
import hashlib
import secrets

UTC = datetime.timezone.utc


class ApiError(Exception):
    """An AWS error answer: code, message, HTTP status. sender: Query-protocol Type."""

    def __init__(self, code, message, status=400, sender=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.status = status
        self.sender = (status < 500) if sender is None else sender


class DataError(Exception):
    """The data file is wrong; the message names the place."""


def iso_seconds(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_id(n):
    """Deterministic UUID-shaped request id for the n-th request."""
    h = hashlib.sha256(("fake-aws-request:%d" % n).encode()).hexdigest()
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def temp_access_key():
    return "ASIA" + "".join(secrets.choice(_B32) for _ in range(16))


def temp_secret():
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")  # 40 characters


def session_token():
    # Real tokens are long (hundreds of characters) base64 with + / =; so are these.
    return "IQoJb3JpZ2luX2VjEFAKE" + base64.b64encode(secrets.token_bytes(300)).decode("ascii")


def stable_id(prefix, text, length=17, alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    h = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        h, r = divmod(h, len(alphabet))
        out.append(alphabet[r])
    return prefix + "".join(out)
