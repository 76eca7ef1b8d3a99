"""Principals and credentials: long-term keys from the data file, temporary ones minted by
AssumeRole, AssumeRoleWithWebIdentity, IMDS, the container endpoint and the SSO portal."""

import datetime

from .data import denies
from .util import session_token, stable_id, temp_access_key, temp_secret


class Principal:
    """Who is calling. kind: "user" or "assumed-role"."""

    __slots__ = ("account", "arn", "user_id", "kind", "role", "session", "deny", "chained")

    def __init__(self, account, arn, user_id, kind, role=None, session=None, deny=frozenset(),
                 chained=False):
        self.account, self.arn, self.user_id, self.kind = account, arn, user_id, kind
        self.role, self.session, self.deny, self.chained = role, session, deny, chained

    def may(self, action):
        return not denies(self.deny, action)


def user_principal(key):
    arn = "arn:aws:iam::%s:user/%s" % (key.account, key.user)
    return Principal(key.account, arn, stable_id("AIDA", arn), "user", deny=key.deny)


def role_principal(role, session, chained=False, deny=None):
    arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (role.account, role.name, session)
    return Principal(role.account, arn, "%s:%s" % (role.role_id, session), "assumed-role",
                     role=role, session=session, deny=role.deny if deny is None else deny,
                     chained=chained)


class Credential:
    __slots__ = ("access_key", "secret", "token", "principal", "expiration", "issued", "source")

    def __init__(self, access_key, secret, token, principal, expiration, issued, source):
        self.access_key, self.secret, self.token = access_key, secret, token
        self.principal, self.expiration, self.issued = principal, expiration, issued
        self.source = source


class CredentialStore:
    """Temporary credentials by access key id. Callers hold the app lock."""

    def __init__(self):
        self.temp = {}

    def mint(self, principal, now, lifetime_s, source):
        cred = Credential(temp_access_key(), temp_secret(), session_token(), principal,
                          now + datetime.timedelta(seconds=lifetime_s), now, source)
        self.temp[cred.access_key] = cred
        return cred

    def lookup(self, access_key):
        return self.temp.get(access_key)


class CachedIssuer:
    """IMDS and container endpoints hand out the same credentials until they are due for
    rotation: when less than min(300 s, half the lifetime) remains, new ones are minted."""

    def __init__(self, store, source):
        self.store = store
        self.source = source
        self.current = None

    def get(self, principal_factory, now, lifetime_s):
        c = self.current
        if c is not None:
            remaining = (c.expiration - now).total_seconds()
            if remaining >= min(300.0, lifetime_s / 2.0):
                return c, False
        self.current = self.store.mint(principal_factory(), now, lifetime_s, self.source)
        return self.current, True
