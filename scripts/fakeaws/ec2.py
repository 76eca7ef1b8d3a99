"""EC2 actions: DescribeLaunchTemplates, DescribeLaunchTemplateVersions, DescribeRegions.

Each handler takes a Call (parsed, authenticated request; the app lock is held) and returns
(result_dict_in_member_name_form, templates_on_the_page) or raises ApiError.
"""

import base64
import hashlib
import hmac
import json
import re

import awsxml

from .data import LT_ID_RE, LT_NAME_RE
from .util import ApiError

ACTIONS = ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeRegions")

_FILTER = (r"Filter\.[0-9]+\.Name", r"Filter\.[0-9]+\.Value\.[0-9]+")
_PARAMS = {
    "DescribeLaunchTemplates": (r"DryRun", r"LaunchTemplateId\.[0-9]+",
                                r"LaunchTemplateName\.[0-9]+", r"NextToken", r"MaxResults",
                                r"IncludeManagedResources") + _FILTER,
    "DescribeLaunchTemplateVersions": (r"DryRun", r"LaunchTemplateId", r"LaunchTemplateName",
                                       r"LaunchTemplateVersion\.[0-9]+", r"MinVersion",
                                       r"MaxVersion", r"NextToken", r"MaxResults",
                                       r"ResolveAlias", r"IncludeManagedResources") + _FILTER,
    "DescribeRegions": (r"DryRun", r"RegionName\.[0-9]+", r"AllRegions") + _FILTER,
}
_PARAM_RE = {a: re.compile("^(?:%s)$" % "|".join(p)) for a, p in _PARAMS.items()}

ALL_TEMPLATES_MESSAGE = (
    "To describe the launch template data for all your launch templates, for "
    "\u2018--versions\u2019 specify \u2018$Latest\u2019, \u2018$Default\u2019, or both, and omit "
    "\u2018--launch-template-id\u2019, \u2018--launch-template-name\u2019, and version numbers. To "
    "describe the launch template data for a specific launch template, specify "
    "\u2018--launch-template-id\u2019 or \u2018--launch-template-name\u2019, and for "
    "\u2018--versions\u2019 specify one or more of the following values: \u2018$Latest\u2019, "
    "\u2018$Default\u2019, or one or more version numbers.")


class Call:
    """One EC2 request as the handlers see it."""

    def __init__(self, app, action, params, principal, account, region, store):
        self.app, self.action, self.params = app, action, params
        self.principal, self.account, self.region, self.store = principal, account, region, store


# ---------------------------------------------------------------------------------------------
# parameter helpers

def check_params(action, params):
    rx = _PARAM_RE[action]
    for name in params:
        if name in ("Action", "Version"):
            continue
        if not rx.match(name):
            raise ApiError("UnknownParameter", "The parameter %s is not recognized" % name)


def _bool(params, name, default=False):
    v = params.get(name)
    if v is None:
        return default
    if v.lower() == "true":
        return True
    if v.lower() == "false":
        return False
    raise ApiError("InvalidParameterValue",
                   "Invalid value '%s' for %s. Expected true or false." % (v, name))


def _indexed(params, prefix):
    """Values of prefix.N in N order (N >= 1)."""
    items = []
    plen = len(prefix) + 1
    for k, v in params.items():
        if k.startswith(prefix + ".") and k[plen:].isdigit():
            n = int(k[plen:])
            if n < 1:
                raise ApiError("InvalidParameterValue", "%s: list indexes start at 1" % k)
            items.append((n, v))
    items.sort()
    return [v for _, v in items]


def _filters(params, allowed):
    by_n = {}
    for k, v in params.items():
        m = re.match(r"^Filter\.([0-9]+)\.(Name|Value\.([0-9]+))$", k)
        if not m:
            continue
        f = by_n.setdefault(int(m.group(1)), {"name": None, "values": []})
        if m.group(2) == "Name":
            f["name"] = v
        else:
            f["values"].append((int(m.group(3)), v))
    out = []
    for n in sorted(by_n):
        f = by_n[n]
        if f["name"] is None:
            raise ApiError("MissingParameter",
                           "The request must contain the parameter Filter.%d.Name" % n)
        name = f["name"]
        if not (name in allowed or (name.startswith("tag:") and "tag:" in allowed
                                    and len(name) > 4)):
            raise ApiError("InvalidParameterValue", "The filter '%s' is invalid" % name)
        if not f["values"]:
            raise ApiError("InvalidParameterValue",
                           "The filter '%s' requires at least one value" % name)
        out.append((name, [_wildcard(v) for _, v in sorted(f["values"])]))
    return out


def _wildcard(pattern):
    """EC2 filter value: * and ? are wildcards, backslash escapes."""
    rx = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            rx.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        rx.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("^%s$" % "".join(rx), re.S)


def _match_any(regexes, values):
    return any(r.match(v) for r in regexes for v in values if v is not None)


def _max_results(call):
    v = call.params.get("MaxResults")
    if v is None:
        return call.app.world.default_max_results
    if not re.fullmatch(r"-?[0-9]+", v):
        raise ApiError("InvalidParameterValue",
                       "Invalid value '%s' for MaxResults: not an integer" % v)
    n = int(v)
    if not 1 <= n <= 200:
        raise ApiError("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. "
                       "Expecting a value between 1 and 200." % v)
    return n


# ---------------------------------------------------------------------------------------------
# pagination tokens: opaque, HMAC-protected, bound to account, region, action and parameters

_TOKEN_KEY = hashlib.sha256(b"fake-aws pagination").digest()
_UNBOUND = {"Action", "Version", "NextToken", "MaxResults", "DryRun"}


def _binding(call):
    items = sorted((k, v) for k, v in call.params.items() if k not in _UNBOUND)
    text = json.dumps([call.account.id, call.region, call.action, items])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_token(call, key):
    body = base64.urlsafe_b64encode(json.dumps({"h": _binding(call), "k": key},
                                               separators=(",", ":")).encode()).decode()
    body = body.rstrip("=")
    mac = hmac.new(_TOKEN_KEY, body.encode(), hashlib.sha256).hexdigest()[:24]
    return "%s.%s" % (body, mac)


def read_token(call):
    """The resume key of NextToken, or None when absent. InvalidPaginationToken if the token
    is not one of ours, belongs to another listing, or an expire-token fault hits it."""
    tok = call.params.get("NextToken")
    if tok is None:
        return None
    app = call.app
    app.stats.bump("next_token_uses")
    f = app.faults.token_use_expires()
    if f is not None:
        app.stats.fault(f.kind)
        raise ApiError("InvalidPaginationToken", "The pagination token is expired or invalid.")
    bad = ApiError("InvalidPaginationToken", "Invalid pagination token")
    body, _, mac = tok.partition(".")
    want = hmac.new(_TOKEN_KEY, body.encode(), hashlib.sha256).hexdigest()[:24]
    if not mac or not hmac.compare_digest(mac, want):
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        raise bad
    if data.get("h") != _binding(call):
        raise bad
    return data.get("k")


# ---------------------------------------------------------------------------------------------

def _visible(call, t, include_managed):
    return not (t.managed and call.account.hide_managed and not include_managed)


def _tags(t):
    return t.base.get("Tags") or []


def _lt_filter_ok(t, filters):
    for name, rxs in filters:
        if name == "launch-template-name":
            ok = _match_any(rxs, [t.name])
        elif name == "create-time":
            ct = t.base.get("CreateTime")
            ok = ct is not None and _match_any(rxs, [awsxml.format_timestamp(ct)])
        elif name == "tag-key":
            ok = _match_any(rxs, [x.get("Key") for x in _tags(t)])
        else:  # tag:KEY
            key = name[4:]
            ok = _match_any(rxs, [x.get("Value", "") for x in _tags(t) if x.get("Key") == key])
        if not ok:
            return False
    return True


def _str_or_none(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _version_filter_values(name, v, is_default):
    d = v.get("LaunchTemplateData") or {}
    md = d.get("MetadataOptions") or {}
    if name == "is-default-version":
        return ["true" if is_default else "false"]
    if name == "create-time":
        ct = v.get("CreateTime")
        return [awsxml.format_timestamp(ct)] if ct is not None else []
    simple = {"image-id": "ImageId", "instance-type": "InstanceType", "kernel-id": "KernelId",
              "ram-disk-id": "RamDiskId", "ebs-optimized": "EbsOptimized"}
    if name in simple:
        return [_str_or_none(d.get(simple[name]))]
    if name in ("http-endpoint", "http-tokens", "http-protocol-ipv4"):
        key = {"http-endpoint": "HttpEndpoint", "http-tokens": "HttpTokens",
               "http-protocol-ipv4": "HttpProtocolIpv4"}[name]
        return [md.get(key)]
    if name == "iam-instance-profile":
        p = d.get("IamInstanceProfile") or {}
        return [p.get("Arn"), p.get("Name")]
    if name == "host-resource-group-arn":
        return [(d.get("Placement") or {}).get("HostResourceGroupArn")]
    if name == "license-configuration-arn":
        return [x.get("LicenseConfigurationArn") for x in d.get("LicenseSpecifications") or []]
    if name == "network-card-index":
        return [_str_or_none(x.get("NetworkCardIndex")) for x in d.get("NetworkInterfaces") or []]
    return []


def _version_filter_ok(v, is_default, filters):
    return all(_match_any(rxs, _version_filter_values(name, v, is_default))
               for name, rxs in filters)


LT_FILTERS = ("create-time", "launch-template-name", "tag-key", "tag:")
LTV_FILTERS = ("create-time", "ebs-optimized", "http-endpoint", "http-protocol-ipv4",
               "host-resource-group-arn", "http-tokens", "iam-instance-profile", "image-id",
               "instance-type", "is-default-version", "kernel-id", "license-configuration-arn",
               "network-card-index", "ram-disk-id")
REGION_FILTERS = ("endpoint", "opt-in-status", "region-name")


def _not_found_id(tid):
    return ApiError("InvalidLaunchTemplateId.NotFound",
                    "The specified launch template, with template ID %s, does not exist." % tid)


def _not_found_name(name):
    return ApiError("InvalidLaunchTemplateName.NotFoundException",
                    "The specified launch template, with template name %s, does not exist." % name)


def _malformed_id(tid):
    return ApiError("InvalidLaunchTemplateId.Malformed",
                    "The specified ID for the launch template (%s) is invalid. Launch template "
                    "IDs must be in the form lt-xxxxxxxxxxxxxxxxx." % tid)


def _malformed_name(name):
    return ApiError("InvalidLaunchTemplateName.MalformedException",
                    "A launch template name must be between 3 and 128 characters, and may "
                    "contain letters, numbers, and the following characters: - ( ) . / _.")


def _int_key(key, what):
    if isinstance(key, bool) or not isinstance(key, int):
        raise ApiError("InvalidPaginationToken", "Invalid pagination token")
    return key


# ---------------------------------------------------------------------------------------------

def describe_launch_templates(call):
    p = call.params
    include = _bool(p, "IncludeManagedResources")
    ids = _indexed(p, "LaunchTemplateId")
    names = _indexed(p, "LaunchTemplateName")
    for tid in ids:
        if not LT_ID_RE.match(tid):
            raise _malformed_id(tid)
    for name in names:
        if not LT_NAME_RE.match(name):
            raise _malformed_name(name)
    filters = _filters(p, LT_FILTERS)
    limit = _max_results(call)
    key = read_token(call)
    start = 0 if key is None else _int_key(key, "seq")
    store = call.store
    if ids or names:
        chosen = {}
        for tid in ids:
            t = store.by_id(tid)
            if t is None or not _visible(call, t, include):
                raise _not_found_id(tid)
            chosen[t.seq] = t
        for name in names:
            t = store.by_name(name)
            if t is None or not _visible(call, t, include):
                raise _not_found_name(name)
            chosen[t.seq] = t
        candidates = (chosen[s] for s in sorted(chosen) if s >= start)
    else:
        candidates = store.iter_from(start)
    page, more = [], False
    for t in candidates:
        if not _visible(call, t, include) or not _lt_filter_ok(t, filters):
            continue
        if limit is not None and len(page) >= limit:
            more = True
            break
        page.append(t)
    result = {"LaunchTemplates": [t.describe() for t in page]}
    full = limit is not None and len(page) == limit
    if more or (full and call.app.faults.switch("empty-last-page")):
        result["NextToken"] = make_token(call, page[-1].seq + 1)
    return result, page


def _resolve_alias(v):
    d = v.get("LaunchTemplateData")
    if d and isinstance(d.get("ImageId"), str) and d["ImageId"].startswith("resolve:ssm:"):
        v = dict(v)
        v["LaunchTemplateData"] = dict(d)
        v["LaunchTemplateData"]["ImageId"] = "ami-" + hashlib.sha256(
            d["ImageId"].encode()).hexdigest()[:17]
    return v


def _parse_version_number(text, what):
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise ApiError("InvalidParameterValue",
                       "Invalid value '%s' for %s. It must be a positive integer." % (text, what))
    return int(text)


def describe_launch_template_versions(call):
    p = call.params
    include = _bool(p, "IncludeManagedResources")
    resolve = _bool(p, "ResolveAlias")
    tid = p.get("LaunchTemplateId")
    tname = p.get("LaunchTemplateName")
    versions = _indexed(p, "LaunchTemplateVersion")
    minv, maxv = p.get("MinVersion"), p.get("MaxVersion")
    filters = _filters(p, LTV_FILTERS)
    limit = _max_results(call)
    if tid is not None and tname is not None:
        raise ApiError("InvalidParameterCombination",
                       "Specify either the launch template ID or the launch template name, but "
                       "not both.")
    if tid is None and tname is None:
        if not versions or any(v not in ("$Latest", "$Default") for v in versions) or \
                minv is not None or maxv is not None:
            raise ApiError("MissingParameter", ALL_TEMPLATES_MESSAGE)
        return _all_templates(call, "$Latest" in versions, "$Default" in versions, include,
                              resolve, filters, limit)
    # one template
    if tid is not None:
        if not LT_ID_RE.match(tid):
            raise _malformed_id(tid)
        t = call.store.by_id(tid)
        if t is None or not _visible(call, t, include):
            raise _not_found_id(tid)
        label = "ID %s" % tid
    else:
        if not LT_NAME_RE.match(tname):
            raise _malformed_name(tname)
        t = call.store.by_name(tname)
        if t is None or not _visible(call, t, include):
            raise _not_found_name(tname)
        label = "name %s" % tname
    if versions and (minv is not None or maxv is not None):
        raise ApiError("InvalidParameterCombination",
                       "MinVersion and MaxVersion cannot be combined with LaunchTemplateVersion.")
    if versions:
        nums = set()
        for v in versions:
            if v == "$Latest":
                nums.add(t.latest)
            elif v == "$Default":
                nums.add(t.default)
            else:
                n = _parse_version_number(v, "LaunchTemplateVersion")
                if n not in t.versions:
                    raise ApiError("InvalidLaunchTemplateId.VersionNotFound",
                                   "Could not find specified version %d for launch template "
                                   "with %s." % (n, label))
                nums.add(n)
        ordered = sorted(nums, reverse=True)
    else:
        lo = _parse_version_number(minv, "MinVersion") if minv is not None else None
        hi = _parse_version_number(maxv, "MaxVersion") if maxv is not None else None
        ordered = [n for n in t.version_numbers_desc()
                   if (lo is None or n >= lo) and (hi is None or n <= hi)]
    key = read_token(call)
    if key is not None:
        bound = _int_key(key, "version")
        ordered = [n for n in ordered if n <= bound]
    page, more = [], False
    for n in ordered:
        v = t.version(n)
        if not _version_filter_ok(v, n == t.default, filters):
            continue
        if limit is not None and len(page) >= limit:
            more = True
            break
        page.append(v)
    if resolve:
        page = [_resolve_alias(v) for v in page]
    result = {"LaunchTemplateVersions": page}
    full = limit is not None and len(page) == limit
    if more or (full and call.app.faults.switch("empty-last-page")):
        result["NextToken"] = make_token(call, page[-1]["VersionNumber"] - 1)
    return result, []


def _all_templates(call, want_latest, want_default, include, resolve, filters, limit):
    key = read_token(call)
    if key is None:
        start_seq, start_idx = 0, 0
    else:
        if not (isinstance(key, list) and len(key) == 2):
            raise ApiError("InvalidPaginationToken", "Invalid pagination token")
        start_seq, start_idx = _int_key(key[0], "seq"), _int_key(key[1], "idx")
    dup = call.app.faults.switch("dup-latest-default")
    page, more, last = [], False, None
    for t in call.store.iter_from(start_seq):
        if not _visible(call, t, include):
            continue
        nums = []
        if want_latest:
            nums.append(t.latest)
        if want_default and (t.default != t.latest or not want_latest or dup):
            nums.append(t.default)
        nums.sort(reverse=True)
        for idx, n in enumerate(nums):
            if t.seq == start_seq and idx < start_idx:
                continue
            v = t.version(n)
            if not _version_filter_ok(v, n == t.default, filters):
                continue
            if limit is not None and len(page) >= limit:
                more = True
                break
            page.append(v)
            last = (t.seq, idx)
        if more:
            break
    if resolve:
        page = [_resolve_alias(v) for v in page]
    result = {"LaunchTemplateVersions": page}
    full = limit is not None and len(page) == limit
    if more or (full and call.app.faults.switch("empty-last-page")):
        result["NextToken"] = make_token(call, [last[0], last[1] + 1])
    return result, []


def describe_regions(call):
    p = call.params
    all_regions = _bool(p, "AllRegions")
    names = _indexed(p, "RegionName")
    filters = _filters(p, REGION_FILTERS)
    regions = call.account.regions
    for n in names:
        if n not in regions:
            raise ApiError("InvalidParameterValue", "Invalid region: %s" % n)
    out = []
    for name, store in regions.items():
        if names:
            if name not in names:
                continue
        elif not all_regions and not store.enabled:
            continue
        item = {"RegionName": name, "Endpoint": "ec2.%s.amazonaws.com" % name,
                "OptInStatus": store.opt_in_status}
        ok = True
        for fname, rxs in filters:
            val = {"endpoint": item["Endpoint"], "opt-in-status": item["OptInStatus"],
                   "region-name": name}[fname]
            ok = ok and _match_any(rxs, [val])
        if ok:
            out.append(item)
    return {"Regions": out}, []


HANDLERS = {
    "DescribeLaunchTemplates": describe_launch_templates,
    "DescribeLaunchTemplateVersions": describe_launch_template_versions,
    "DescribeRegions": describe_regions,
}
