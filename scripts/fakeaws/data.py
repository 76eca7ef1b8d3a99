"""The fake's world: accounts, keys, roles, regions and launch templates, loaded from a data file
(format: fixtures/fake/README.md), validated loudly, plus the --synthetic generator.

Templates live in RegionStore, one per (account, region). A store addresses templates by a
sequence number that never changes and is never reused: the data file's templates first, then
the synthetic ones (made on demand from their index, so 100 000 cost nothing until listed), then
templates created at run time. Listing order is sequence order; pagination tokens carry the last
sequence number served, so deleting or creating templates mid-listing neither skips nor repeats
survivors.
"""

import base64
import copy
import datetime
import hashlib
import json
import re

import awsxml

from .util import UTC, DataError, stable_id

LT_ID_RE = re.compile(r"^lt-[0-9a-f]{17}$")
LT_NAME_RE = re.compile(r"^[a-zA-Z0-9().\-/_]{3,128}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")
AKID_RE = re.compile(r"^[A-Z0-9]{16,128}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ROLE_ARN_RE = re.compile(r"^arn:aws:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$")
OPT_IN = {"opt-in-not-required": True, "opted-in": True, "not-opted-in": False}


def _check_keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise DataError("%s: expected an object" % where)
    extra = sorted(set(obj) - set(allowed))
    if extra:
        raise DataError("%s: unknown key(s) %s (allowed: %s)"
                        % (where, ", ".join(extra), ", ".join(sorted(allowed))))


def _int(v, where, lo=None, hi=None, allow_none=False):
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise DataError("%s: expected an integer, got %r" % (where, v))
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise DataError("%s: %d out of range [%s, %s]" % (where, v, lo, hi))
    return v


def _str(v, where, allow_none=False):
    if v is None and allow_none:
        return None
    if not isinstance(v, str) or v == "":
        raise DataError("%s: expected a non-empty string, got %r" % (where, v))
    return v


def _bool(v, where):
    if not isinstance(v, bool):
        raise DataError("%s: expected true or false, got %r" % (where, v))
    return v


def _deny_set(v, where):
    if v is None:
        return frozenset()
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise DataError("%s: expected a list of action names" % where)
    return frozenset(x.split(":", 1)[1] if ":" in x else x for x in v)


def denies(deny, action):
    return "*" in deny or action in deny


# ---------------------------------------------------------------------------------------------
# Templates

class Template:
    """One launch template. base: its AWS CLI fields without Versions/DefaultVersionNumber/
    LatestVersionNumber; versions: {number: LaunchTemplateVersion dict without DefaultVersion}."""

    __slots__ = ("seq", "id", "name", "base", "_versions", "_maker", "default", "latest",
                 "managed")

    def __init__(self, seq, base, versions, default, latest, maker=None):
        self.seq = seq
        self.base = base
        self.id = base["LaunchTemplateId"]
        self.name = base["LaunchTemplateName"]
        self._versions = versions
        self._maker = maker
        self.default = default
        self.latest = latest
        op = base.get("Operator")
        self.managed = bool(isinstance(op, dict) and op.get("Managed"))

    @property
    def versions(self):
        if self._versions is None:
            self._versions = self._maker()
            self._maker = None
        return self._versions

    def describe(self):
        d = dict(self.base)
        d["DefaultVersionNumber"] = self.default
        d["LatestVersionNumber"] = self.latest
        return d

    def version_numbers_desc(self):
        return sorted(self.versions, reverse=True)

    def version(self, n):
        v = dict(self.versions[n])
        v["DefaultVersion"] = (n == self.default)
        return v


def _load_template(raw, where, account, region):
    if not isinstance(raw, dict):
        raise DataError("%s: expected an object" % where)
    base = {k: copy.deepcopy(v) for k, v in raw.items() if k != "Versions"}
    tid = _str(base.get("LaunchTemplateId"), where + ".LaunchTemplateId")
    if not LT_ID_RE.match(tid):
        raise DataError("%s: LaunchTemplateId %r is not lt- followed by 17 hex digits"
                        % (where, tid))
    where = "%s (%s)" % (where, tid)
    name = _str(base.get("LaunchTemplateName"), where + ".LaunchTemplateName")
    if not LT_NAME_RE.match(name):
        raise DataError("%s: LaunchTemplateName %r: 3-128 characters of [a-zA-Z0-9().-/_]"
                        % (where, name))
    default = _int(base.pop("DefaultVersionNumber", None), where + ".DefaultVersionNumber", 1)
    latest = _int(base.pop("LatestVersionNumber", None), where + ".LatestVersionNumber", 1)
    raw_versions = raw.get("Versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise DataError("%s: Versions must be a non-empty list" % where)
    versions = {}
    for i, rv in enumerate(raw_versions):
        vw = "%s.Versions[%d]" % (where, i)
        if not isinstance(rv, dict):
            raise DataError("%s: expected an object" % vw)
        v = copy.deepcopy(rv)
        n = _int(v.get("VersionNumber"), vw + ".VersionNumber", 1)
        if n in versions:
            raise DataError("%s: VersionNumber %d appears twice" % (vw, n))
        for key, want in (("LaunchTemplateId", tid), ("LaunchTemplateName", name)):
            if key in v and v[key] != want:
                raise DataError("%s: %s %r differs from the template's %r"
                                % (vw, key, v[key], want))
            v[key] = want
        if "DefaultVersion" in v:
            if _bool(v["DefaultVersion"], vw + ".DefaultVersion") != (n == default):
                raise DataError("%s: DefaultVersion %s disagrees with the template's "
                                "DefaultVersionNumber %d" % (vw, str(v["DefaultVersion"]).lower(),
                                                             default))
            del v["DefaultVersion"]
        if "Operator" in base and "Operator" not in v:
            v["Operator"] = copy.deepcopy(base["Operator"])
        versions[n] = v
    if latest != max(versions):
        raise DataError("%s: LatestVersionNumber %d but the highest version is %d"
                        % (where, latest, max(versions)))
    if default not in versions:
        raise DataError("%s: DefaultVersionNumber %d is not among the versions %s"
                        % (where, default, sorted(versions)))
    return base, versions, default, latest


# ---------------------------------------------------------------------------------------------
# Synthetic templates

_INSTANCE_TYPES = ["t3.micro", "t3.small", "m6i.large", "c7g.xlarge", "r6a.2xlarge"]
SYNTH_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=UTC)


class Synthetic:
    """N templates per region; index i (0-based) has K versions when i % 7 == 0, else 1.
    Among the multi-version ones, i % 14 == 0 has default = latest (K), i % 14 == 7 has
    default = 1. Ids: lt- + seed (2 hex) + region index (3 hex) + i (12 hex); names
    synth-<i, 7 digits>."""

    def __init__(self, n, k, seed):
        if n < 0 or k < 1 or not 0 <= seed < 256:
            raise DataError("--synthetic N:K[:SEED]: need N >= 0, K >= 1, 0 <= SEED < 256")
        self.n, self.k, self.seed = n, k, seed

    def nversions(self, i):
        return self.k if i % 7 == 0 else 1

    def default_version(self, i):
        nv = self.nversions(i)
        return 1 if (nv > 1 and i % 14 == 7) else nv

    def template_id(self, region_index, i):
        return "lt-%02x%03x%012x" % (self.seed, region_index, i)

    @staticmethod
    def name(i):
        return "synth-%07d" % i

    def parse_id(self, region_index, tid):
        m = re.match(r"^lt-([0-9a-f]{2})([0-9a-f]{3})([0-9a-f]{12})$", tid)
        if not m or int(m.group(1), 16) != self.seed or int(m.group(2), 16) != region_index:
            return None
        i = int(m.group(3), 16)
        return i if i < self.n else None

    def parse_name(self, name):
        m = re.match(r"^synth-(\d{7,})$", name)
        if not m:
            return None
        i = int(m.group(1))
        return i if i < self.n and self.name(i) == name else None

    def make(self, seq, account, region, region_index, i):
        tid = self.template_id(region_index, i)
        name = self.name(i)
        created = SYNTH_EPOCH + datetime.timedelta(seconds=i)
        base = {
            "LaunchTemplateId": tid,
            "LaunchTemplateName": name,
            "CreateTime": created,
            "CreatedBy": "arn:aws:iam::%s:user/synth" % account,
            "Tags": [{"Key": "Name", "Value": name}, {"Key": "index", "Value": str(i)}],
        }
        nv = self.nversions(i)
        seed = self.seed

        def versions():
            out = {}
            for v in range(1, nv + 1):
                h = hashlib.sha256(("%d:%s:%d:%d" % (seed, region, i, v)).encode()).hexdigest()
                data = {
                    "ImageId": "ami-" + h[:17],
                    "InstanceType": _INSTANCE_TYPES[(i + v) % len(_INSTANCE_TYPES)],
                    "SecurityGroupIds": ["sg-" + h[17:34]],
                    "MetadataOptions": {"HttpTokens": "required" if v % 2 == 0 else "optional",
                                        "HttpEndpoint": "enabled"},
                    "UserData": base64.b64encode(("#!/bin/sh\necho %s v%d\n" % (name, v))
                                                 .encode()).decode(),
                    "TagSpecifications": [{"ResourceType": "instance",
                                           "Tags": [{"Key": "Name", "Value": name}]}],
                }
                out[v] = {
                    "LaunchTemplateId": tid,
                    "LaunchTemplateName": name,
                    "VersionNumber": v,
                    "VersionDescription": "synthetic v%d" % v,
                    "CreateTime": created + datetime.timedelta(minutes=v),
                    "CreatedBy": base["CreatedBy"],
                    "LaunchTemplateData": data,
                }
            return out

        return Template(seq, base, None, self.default_version(i), nv, maker=versions)


# ---------------------------------------------------------------------------------------------
# Regions, accounts, roles, the world

class RegionStore:
    def __init__(self, account, name, index, opt_in_status, templates, synthetic=None):
        self.account = account
        self.name = name
        self.index = index
        self.opt_in_status = opt_in_status
        self.enabled = OPT_IN[opt_in_status]
        self.fixed = {}
        self.ids = {}
        self.names = {}
        for t in templates:
            self._index(t)
        self.n_base = len(templates)
        self.synthetic = synthetic
        self.n_synth = synthetic.n if synthetic else 0
        self.next_seq = self.n_base + self.n_synth
        self.deleted = set()

    def _index(self, t):
        self.fixed[t.seq] = t
        self.ids[t.id] = t.seq
        self.names[t.name] = t.seq

    def get(self, seq):
        if seq in self.deleted or seq < 0 or seq >= self.next_seq:
            return None
        t = self.fixed.get(seq)
        if t is None and self.n_base <= seq < self.n_base + self.n_synth:
            i = seq - self.n_base
            t = self.synthetic.make(seq, self.account, self.name, self.index, i)
        return t

    def iter_from(self, start):
        for seq in range(max(start, 0), self.next_seq):
            t = self.get(seq)
            if t is not None:
                yield t

    def by_id(self, tid):
        seq = self.ids.get(tid)
        if seq is None and self.synthetic:
            i = self.synthetic.parse_id(self.index, tid)
            if i is not None:
                seq = self.n_base + i
        return None if seq is None else self.get(seq)

    def by_name(self, name):
        seq = self.names.get(name)
        if seq is None and self.synthetic:
            i = self.synthetic.parse_name(name)
            if i is not None:
                seq = self.n_base + i
        t = None if seq is None else self.get(seq)
        return t if t is not None and t.name == name else None

    def count(self):
        return self.next_seq - len(self.deleted)

    # mutations (callers hold the world lock)
    def materialize(self, t):
        """Makes a synthetic template mutable (kept in fixed from now on)."""
        if t.seq not in self.fixed:
            t.versions  # noqa: B018 - force generation
            self._index(t)
        return self.fixed[t.seq]

    def delete(self, t):
        self.deleted.add(t.seq)
        if self.ids.get(t.id) == t.seq:
            del self.ids[t.id]
        if self.names.get(t.name) == t.seq:
            del self.names[t.name]

    def add_version(self, t, now):
        t = self.materialize(t)
        n = t.latest + 1
        v = copy.deepcopy(t.versions[t.latest])
        v["VersionNumber"] = n
        v["VersionDescription"] = "added by fake-aws fault at %s" % now.strftime("%H:%M:%S")
        v["CreateTime"] = now
        t.versions[n] = v
        t.latest = n
        return n

    def create(self, account_id, now, counter):
        seq = self.next_seq
        self.next_seq += 1
        tid = "lt-" + hashlib.sha256(("created:%s:%s:%d" % (account_id, self.name, seq))
                                     .encode()).hexdigest()[:17]
        name = "created-%s-%d" % (self.name, counter)
        base = {"LaunchTemplateId": tid, "LaunchTemplateName": name, "CreateTime": now,
                "CreatedBy": "arn:aws:iam::%s:user/fake-aws" % account_id,
                "Tags": [{"Key": "created-by", "Value": "fake-aws create-after-list"}]}
        versions = {1: {"LaunchTemplateId": tid, "LaunchTemplateName": name, "VersionNumber": 1,
                        "VersionDescription": "created mid-listing", "CreateTime": now,
                        "CreatedBy": base["CreatedBy"],
                        "LaunchTemplateData": {"ImageId": "ami-0c0ffee0c0ffee0c0",
                                               "InstanceType": "t3.micro"}}}
        t = Template(seq, base, versions, 1, 1)
        self._index(t)
        return t


class AccessKey:
    __slots__ = ("access_key", "secret", "account", "user", "deny")

    def __init__(self, access_key, secret, account, user, deny):
        self.access_key, self.secret, self.account = access_key, secret, account
        self.user, self.deny = user, deny


class Account:
    def __init__(self, account_id, alias, hide_managed):
        self.id = account_id
        self.alias = alias
        self.hide_managed = hide_managed
        self.keys = {}
        self.regions = {}


class Role:
    def __init__(self, arn, where, raw):
        m = ROLE_ARN_RE.match(arn)
        if not m:
            raise DataError("%s: %r is not a role ARN arn:aws:iam::<12 digits>:role/<name>"
                            % (where, arn))
        self.arn = arn
        self.account = m.group(1)
        self.path = m.group(2)
        self.name = m.group(3)
        self.role_id = stable_id("AROA", arn)
        self.trust = raw.get("trust", [])
        if not isinstance(self.trust, list) or not all(isinstance(x, str) for x in self.trust):
            raise DataError("%s.trust: expected a list of principals" % where)
        self.max_session = _int(raw.get("max_session_duration", 3600),
                                where + ".max_session_duration", 3600, 43200)
        self.expiration_seconds = _int(raw.get("expiration_seconds"),
                                       where + ".expiration_seconds", 1, allow_none=True)
        self.external_id = _str(raw.get("external_id"), where + ".external_id", True)
        self.deny = _deny_set(raw.get("deny"), where + ".deny")
        mfa = raw.get("mfa")
        if mfa is not None:
            _check_keys(mfa, {"serial", "code"}, where + ".mfa")
            _str(mfa.get("serial"), where + ".mfa.serial")
            if not re.fullmatch(r"\d{6}", str(mfa.get("code", ""))):
                raise DataError("%s.mfa.code: six digits" % where)
        self.mfa = mfa
        toks = raw.get("web_identity_tokens", [])
        exp = raw.get("expired_web_identity_tokens", [])
        for w, lst in (("web_identity_tokens", toks), ("expired_web_identity_tokens", exp)):
            if not isinstance(lst, list) or not all(isinstance(x, str) and 4 <= len(x) <= 20000
                                                    for x in lst):
                raise DataError("%s.%s: list of 4-20000 character strings" % (where, w))
        self.web_tokens = frozenset(toks)
        self.expired_web_tokens = frozenset(exp)

    def trusts(self, principal):
        """principal: creds.Principal of the caller."""
        for entry in self.trust:
            if entry == "*" or entry == principal.account or \
                    entry == "arn:aws:iam::%s:root" % principal.account or \
                    entry == principal.arn or \
                    (principal.role is not None and entry == principal.role.arn):
                return True
        return False


class World:
    """Everything loaded from the data file. Mutated only under the app lock."""

    def __init__(self):
        self.description = ""
        self.accounts = {}
        self.keys = {}
        self.roles = {}
        self.known_regions = set()
        self.default_max_results = None
        self.imds = None
        self.container = None
        self.sso = None
        self.created_counter = 0

    def first_account(self):
        return next(iter(self.accounts.values()))


TOP_KEYS = {"description", "settings", "accounts", "roles", "imds", "container", "sso"}
ACCOUNT_KEYS = {"alias", "description", "access_keys", "regions", "hide_managed_resources"}
REGION_KEYS = {"opt_in_status", "enabled", "description", "launch_templates"}
ROLE_KEYS = {"description", "trust", "max_session_duration", "expiration_seconds", "external_id",
             "mfa", "deny", "web_identity_tokens", "expired_web_identity_tokens"}
IMDS_KEYS = {"role_arn", "region", "availability_zone", "instance_id", "v1", "v2",
             "expiration_seconds"}
CONTAINER_KEYS = {"path", "authorization", "role_arn", "expiration_seconds"}
SSO_KEYS = {"access_tokens", "expired_access_tokens", "roles"}
SSO_ROLE_KEYS = {"account_id", "role_name", "expiration_seconds", "deny"}


def load_world(path, ec2_model=None, synthetic=None):
    """Reads and validates the data file; raises DataError naming the first problem.
    ec2_model: an awsxml Model used to check every template and version renders."""
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError) as exc:
        raise DataError("cannot read data file '%s': %s" % (path, exc))
    w = World()
    _check_keys(raw, TOP_KEYS, path)
    w.description = raw.get("description", "")
    settings = raw.get("settings", {})
    _check_keys(settings, {"default_max_results"}, path + ": settings")
    w.default_max_results = _int(settings.get("default_max_results"),
                                 "settings.default_max_results", 1, allow_none=True)
    accounts = raw.get("accounts")
    if not isinstance(accounts, dict) or not accounts:
        raise DataError("%s: accounts must be a non-empty object keyed by account id" % path)
    seen_ids = {}
    region_names = []
    for acct_id, ar in accounts.items():
        where = "accounts.%s" % acct_id
        if not ACCOUNT_RE.match(acct_id):
            raise DataError("%s: account ids are 12 digits" % where)
        _check_keys(ar, ACCOUNT_KEYS, where)
        acct = Account(acct_id, ar.get("alias", ""),
                       _bool(ar.get("hide_managed_resources", True),
                             where + ".hide_managed_resources"))
        for akid, kv in ar.get("access_keys", {}).items():
            kw = "%s.access_keys.%s" % (where, akid)
            if not AKID_RE.match(akid) or akid.startswith("ASIA"):
                raise DataError("%s: access key ids are 16-128 of [A-Z0-9], not ASIA... "
                                "(temporary keys are minted by the fake)" % kw)
            if akid in w.keys:
                raise DataError("%s: access key id used twice" % kw)
            if isinstance(kv, str):
                kv = {"secret": kv}
            _check_keys(kv, {"secret", "user", "deny"}, kw)
            key = AccessKey(akid, _str(kv.get("secret"), kw + ".secret"), acct_id,
                            _str(kv.get("user", "ltsnap"), kw + ".user"),
                            _deny_set(kv.get("deny"), kw + ".deny"))
            acct.keys[akid] = key
            w.keys[akid] = key
        regions = ar.get("regions")
        if not isinstance(regions, dict) or not regions:
            raise DataError("%s.regions: a non-empty object keyed by region name" % where)
        for rname, rr in regions.items():
            rw = "%s.regions.%s" % (where, rname)
            if not REGION_RE.match(rname):
                raise DataError("%s: %r is not a region name" % (rw, rname))
            _check_keys(rr, REGION_KEYS, rw)
            status = rr.get("opt_in_status", "opt-in-not-required")
            if status not in OPT_IN:
                raise DataError("%s.opt_in_status: one of %s" % (rw, ", ".join(OPT_IN)))
            if "enabled" in rr and _bool(rr["enabled"], rw + ".enabled") != OPT_IN[status]:
                raise DataError("%s: enabled=%s contradicts opt_in_status %s"
                                % (rw, str(rr["enabled"]).lower(), status))
            if rname not in region_names:
                region_names.append(rname)
            templates = []
            lts = rr.get("launch_templates", [])
            if not isinstance(lts, list):
                raise DataError("%s.launch_templates: expected a list" % rw)
            if lts and not OPT_IN[status]:
                raise DataError("%s: a not-opted-in region cannot hold templates" % rw)
            for i, lt in enumerate(lts):
                tw = "%s.launch_templates[%d]" % (rw, i)
                base, versions, default, latest = _load_template(lt, tw, acct_id, rname)
                if base["LaunchTemplateId"] in seen_ids:
                    raise DataError("%s: LaunchTemplateId %s already used at %s"
                                    % (tw, base["LaunchTemplateId"],
                                       seen_ids[base["LaunchTemplateId"]]))
                seen_ids[base["LaunchTemplateId"]] = tw
                t = Template(i, base, versions, default, latest)
                if any(x.name == t.name for x in templates):
                    raise DataError("%s: LaunchTemplateName %r used twice in %s"
                                    % (tw, t.name, rname))
                if ec2_model is not None:
                    _validate_render(ec2_model, t, tw)
                templates.append(t)
            acct.regions[rname] = (status, templates)
        w.accounts[acct_id] = acct
    w.known_regions = set(region_names)
    region_index = {r: i for i, r in enumerate(sorted(region_names))}
    first = True
    for acct in w.accounts.values():
        for rname, (status, templates) in list(acct.regions.items()):
            synth = synthetic if (first and synthetic and OPT_IN[status]) else None
            acct.regions[rname] = RegionStore(acct.id, rname, region_index[rname], status,
                                              templates, synth)
        first = False
    roles = raw.get("roles", {})
    if not isinstance(roles, dict):
        raise DataError("roles: an object keyed by role ARN")
    for arn, rr in roles.items():
        where = "roles.%s" % arn
        _check_keys(rr, ROLE_KEYS, where)
        role = Role(arn, where, rr)
        if role.account not in w.accounts:
            raise DataError("%s: account %s is not in accounts" % (where, role.account))
        w.roles[arn] = role
    w.imds = _load_imds(raw.get("imds"), w)
    w.container = _load_container(raw.get("container"), w)
    w.sso = _load_sso(raw.get("sso"), w)
    return w


def _validate_render(model, t, where):
    try:
        awsxml.render_response(model, "DescribeLaunchTemplates",
                               {"LaunchTemplates": [t.describe()]}, "x")
        awsxml.render_response(model, "DescribeLaunchTemplateVersions",
                               {"LaunchTemplateVersions": [t.version(n) for n in t.versions]}, "x")
    except awsxml.SerializationError as exc:
        raise DataError("%s: does not fit the EC2 model: %s" % (where, exc))


def _role_ref(w, arn, where):
    _str(arn, where)
    if arn not in w.roles:
        raise DataError("%s: %s is not defined under roles" % (where, arn))
    return w.roles[arn]


def _load_imds(raw, w):
    if raw is None:
        return None
    _check_keys(raw, IMDS_KEYS, "imds")
    region = raw.get("region", "us-east-1")
    cfg = {
        "role": _role_ref(w, raw.get("role_arn"), "imds.role_arn"),
        "region": _str(region, "imds.region"),
        "availability_zone": _str(raw.get("availability_zone", region + "a"),
                                  "imds.availability_zone"),
        "instance_id": _str(raw.get("instance_id", "i-0fa4e0000000000a1"), "imds.instance_id"),
        "v1": _bool(raw.get("v1", False), "imds.v1"),
        "v2": _bool(raw.get("v2", True), "imds.v2"),
        "expiration_seconds": _int(raw.get("expiration_seconds", 21600),
                                   "imds.expiration_seconds", 1),
    }
    if not cfg["v1"] and not cfg["v2"]:
        raise DataError("imds: v1 and v2 cannot both be false")
    return cfg


def _load_container(raw, w):
    if raw is None:
        return None
    _check_keys(raw, CONTAINER_KEYS, "container")
    path = _str(raw.get("path", "/container/creds"), "container.path")
    if not path.startswith("/") or path == "/" or path.startswith(("/latest/", "/_fake/",
                                                                   "/federation/")):
        raise DataError("container.path: an absolute path not used by another endpoint")
    return {
        "path": path,
        "authorization": _str(raw.get("authorization"), "container.authorization", True),
        "role": _role_ref(w, raw.get("role_arn"), "container.role_arn"),
        "expiration_seconds": _int(raw.get("expiration_seconds", 3600),
                                   "container.expiration_seconds", 1),
    }


def _load_sso(raw, w):
    if raw is None:
        return None
    _check_keys(raw, SSO_KEYS, "sso")
    toks = raw.get("access_tokens", [])
    exp = raw.get("expired_access_tokens", [])
    for name, lst in (("access_tokens", toks), ("expired_access_tokens", exp)):
        if not isinstance(lst, list) or not all(isinstance(x, str) and x for x in lst):
            raise DataError("sso.%s: a list of strings" % name)
    roles = {}
    for i, r in enumerate(raw.get("roles", [])):
        where = "sso.roles[%d]" % i
        _check_keys(r, SSO_ROLE_KEYS, where)
        acct = _str(r.get("account_id"), where + ".account_id")
        if acct not in w.accounts:
            raise DataError("%s: account %s is not in accounts" % (where, acct))
        name = _str(r.get("role_name"), where + ".role_name")
        roles[(acct, name)] = {
            "expiration_seconds": _int(r.get("expiration_seconds", 3600),
                                       where + ".expiration_seconds", 1),
            "deny": _deny_set(r.get("deny"), where + ".deny"),
        }
    return {"tokens": frozenset(toks), "expired_tokens": frozenset(exp), "roles": roles}
