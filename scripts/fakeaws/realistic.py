"""A realistic launch-template data set for the benchmark, made deterministically from a seed.

What real accounts look like (and what this makes): most templates have one version; some have a
few; a tail has tens of versions (node groups and auto scaling groups that roll a new AMI every
week). Versions of one template share most of their data and differ in the AMI, sometimes the
instance type or the user data. LaunchTemplateData is about 1 KB (compact JSON): block devices,
network interfaces or security groups, IMDS options, an instance profile, tags for instances and
volumes, and cloud-init or EKS bootstrap user data.

Per template (index i of a region, its own random.Random seeded with "SEED:REGION:i"):
  versions   80 % one; 12 % two to five; 8 % ten to sixty (the tail)
  default    the latest for 85 % of the multi-version templates, an older version otherwise
  gaps       a third of the tail deleted their oldest half (the default is never deleted)
  kind       EKS node group (40 %), web auto scaling group (35 %), spot batch (25 %)

Templates spread over the enabled regions of the first account by weight 1, 1/2, 1/3, ...
in the data file's order (the first region holds the most).

Two users:
  - the fake (--realistic N[:SEED]) serves the templates on demand, like --synthetic: it plugs a
    RegionGen into each RegionStore (same interface as data.Synthetic: n, make, parse_id,
    parse_name);
  - scripts/bench writes convert input: `python3 -m fakeaws.realistic pages DIR VERSIONS [SEED]`
    writes DescribeLaunchTemplates and DescribeLaunchTemplateVersions pages of 200 items as the
    AWS CLI prints them (member names; compact JSON, one page per file).

Ids: lt- + 2 hex of the seed + 3 hex of the region index + 12 hex of i; names are
<kind>-<team>-<env>-<i:06d> (the same name may exist in several regions, as in real accounts).
"""

import base64
import datetime
import json
import os
import random
import re
import sys

from .data import Template
from .util import UTC

EPOCH = datetime.datetime(2023, 3, 1, tzinfo=UTC)
ACCOUNT = "123456789012"

_KINDS = (("eks", 0.40), ("web", 0.75), ("batch", 1.0))
_TYPES = {
    "eks": ["m6i.large", "m6i.xlarge", "m7i.2xlarge", "c6i.2xlarge", "r6i.xlarge", "m6g.large"],
    "web": ["t3.medium", "t3.large", "m5.large", "c5.xlarge", "t4g.medium"],
    "batch": ["c6i.4xlarge", "c5.9xlarge", "m5.4xlarge", "r5.2xlarge", "c7g.8xlarge"],
}
_TEAMS = ["payments", "search", "platform", "data", "identity", "checkout", "ml", "edge"]
_ENVS = ["prod", "staging", "dev"]


def _hex(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def _weights(n):
    w = [1.0 / (k + 1) for k in range(n)]
    s = sum(w)
    return [x / s for x in w]


def split(total, nregions):
    """Templates per region for `total` over `nregions` (weights 1, 1/2, ...), summing to total."""
    if nregions <= 0:
        return []
    w = _weights(nregions)
    counts = [int(total * x) for x in w]
    counts[0] += total - sum(counts)
    return counts


def version_plan(rng):
    """(version numbers present, default, latest) for one template."""
    u = rng.random()
    if u < 0.80:
        latest = 1
    elif u < 0.92:
        latest = rng.randint(2, 5)
    else:
        latest = rng.randint(10, 60)
    default = latest
    if latest > 1 and rng.random() >= 0.85:
        default = rng.randint(1, latest - 1)
    present = list(range(1, latest + 1))
    if latest >= 10 and rng.random() < 1.0 / 3:
        cut = latest // 2
        present = [n for n in present if n > cut or n == default]
    return present, default, latest


def _user_data(kind, rng, name, cluster, v):
    if kind == "eks":
        text = ("#!/bin/bash\n/etc/eks/bootstrap.sh %s --b64-cluster-ca %s "
                "--apiserver-endpoint https://%s.gr7.eks.amazonaws.com --kubelet-extra-args "
                "'--node-labels=eks.amazonaws.com/nodegroup=%s,rollout=%d'\n"
                % (cluster, _hex(rng, 16), _hex(rng, 32).upper(), name, v))
    elif kind == "web":
        text = ("#cloud-config\npackages: [nginx]\nruncmd:\n  - echo %s-r%d > /etc/release\n"
                "  - systemctl enable --now nginx\n" % (_hex(rng, 12), v))
    else:
        text = ("#!/bin/bash\necho ECS_CLUSTER=%s >> /etc/ecs/ecs.config\n"
                "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n" % cluster)
    return base64.b64encode(text.encode()).decode("ascii")


def _tags(rng, name, team, env, extra):
    tags = [{"Key": "Name", "Value": name}, {"Key": "team", "Value": team},
            {"Key": "env", "Value": env}]
    return tags + extra


def _ebs(rng, size, kms):
    ebs = {"Encrypted": True, "DeleteOnTermination": True, "VolumeSize": size,
           "VolumeType": "gp3", "Iops": 3000, "Throughput": rng.choice([125, 250])}
    if kms:
        ebs["KmsKeyId"] = kms
    return ebs


def _base_data(kind, rng, account, region, name, team, env):
    """The data the versions of one template share; per-version fields are set later."""
    sgs = ["sg-" + _hex(rng, 17) for _ in range(rng.randint(1, 3))]
    kms = ("arn:aws:kms:%s:%s:key/%s-%s-%s-%s-%s" % (
        region, account, _hex(rng, 8), _hex(rng, 4), _hex(rng, 4), _hex(rng, 4), _hex(rng, 12))
        if rng.random() < 0.3 else None)
    cluster = "%s-%s" % (team, env)
    d = {}
    if kind == "eks":
        d["IamInstanceProfile"] = {
            "Arn": "arn:aws:iam::%s:instance-profile/eks-%s" % (account, _hex(rng, 8))}
        d["SecurityGroupIds"] = sgs
        d["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda",
                                     "Ebs": _ebs(rng, rng.choice([20, 50, 100]), kms)}]
        d["MetadataOptions"] = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2,
                                "HttpEndpoint": "enabled"}
        extra = [{"Key": "eks:cluster-name", "Value": cluster},
                 {"Key": "eks:nodegroup-name", "Value": name}]
    elif kind == "web":
        d["KeyName"] = "%s-%s" % (team, region)
        d["NetworkInterfaces"] = [{"DeviceIndex": 0, "AssociatePublicIpAddress": rng.random() < 0.3,
                                   "DeleteOnTermination": True, "Groups": sgs,
                                   "SubnetId": "subnet-" + _hex(rng, 17)}]
        d["Monitoring"] = {"Enabled": rng.random() < 0.6}
        d["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda", "Ebs": _ebs(rng, 30, kms)}]
        if rng.random() < 0.4:
            d["BlockDeviceMappings"].append({"DeviceName": "/dev/sdf", "Ebs": _ebs(rng, 200, kms)})
        d["MetadataOptions"] = {"HttpTokens": rng.choice(["required", "required", "optional"]),
                                "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"}
        d["DisableApiTermination"] = env == "prod"
        extra = [{"Key": "service", "Value": name}]
    else:
        d["IamInstanceProfile"] = {"Name": "ecsInstanceRole-%s" % team}
        d["SecurityGroupIds"] = sgs
        d["EbsOptimized"] = True
        d["InstanceMarketOptions"] = {"MarketType": "spot", "SpotOptions": {
            "SpotInstanceType": "one-time", "InstanceInterruptionBehavior": "terminate"}}
        d["InstanceInitiatedShutdownBehavior"] = "terminate"
        d["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda", "Ebs": _ebs(rng, 100, kms)}]
        d["MetadataOptions"] = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
        d["CreditSpecification"] = {"CpuCredits": "standard"}
        extra = [{"Key": "batch:queue", "Value": name}]
    d["TagSpecifications"] = [
        {"ResourceType": "instance", "Tags": _tags(rng, name, team, env, extra)},
        {"ResourceType": "volume", "Tags": [{"Key": "team", "Value": team}]}]
    return d, cluster


class TemplateSpec:
    """Everything about template i of a region, as plain data (no Template object)."""

    __slots__ = ("tid", "name", "created", "created_by", "tags", "present", "default", "latest",
                 "kind", "rng_seed", "account", "region")

    def __init__(self, seed, account, region, region_index, i):
        rng = random.Random("%d:%s:%d" % (seed, region, i))
        u = rng.random()
        self.kind = next(k for k, p in _KINDS if u < p)
        team, env = rng.choice(_TEAMS), rng.choice(_ENVS)
        self.name = "%s-%s-%s-%06d" % (self.kind, team, env, i)
        self.tid = template_id(seed, region_index, i)
        self.created = EPOCH + datetime.timedelta(seconds=i * 37 + rng.randint(0, 30))
        self.created_by = "arn:aws:iam::%s:role/%s" % (
            account, rng.choice(["terraform-ci", "eks-nodegroup-service", "admin"]))
        self.tags = [{"Key": "team", "Value": team}, {"Key": "env", "Value": env}]
        self.present, self.default, self.latest = version_plan(rng)
        self.rng_seed = rng.getrandbits(64)
        self.account, self.region = account, region

    def describe(self):
        return {"LaunchTemplateId": self.tid, "LaunchTemplateName": self.name,
                "CreateTime": self.created, "CreatedBy": self.created_by,
                "DefaultVersionNumber": self.default, "LatestVersionNumber": self.latest,
                "Tags": [dict(t) for t in self.tags]}

    def versions(self):
        """{number: LaunchTemplateVersion in member-name form, without DefaultVersion}."""
        rng = random.Random(self.rng_seed)
        team = self.tags[0]["Value"]
        env = self.tags[1]["Value"]
        base, cluster = _base_data(self.kind, rng, self.account, self.region, self.name, team, env)
        itype = rng.choice(_TYPES[self.kind])
        user_data = _user_data(self.kind, rng, self.name, cluster, 1)
        out = {}
        for n in range(1, self.latest + 1):
            if n > 1 and rng.random() < 0.15:
                itype = rng.choice(_TYPES[self.kind])
            if n > 1 and rng.random() < 0.25:
                user_data = _user_data(self.kind, rng, self.name, cluster, n)
            ami = "ami-" + _hex(rng, 17)
            if n not in self.present:
                continue
            data = json.loads(json.dumps(base))
            data["ImageId"] = ami
            data["InstanceType"] = itype
            data["UserData"] = user_data
            out[n] = {
                "LaunchTemplateId": self.tid,
                "LaunchTemplateName": self.name,
                "VersionNumber": n,
                "VersionDescription": "rollout %d (%s)" % (n, ami),
                "CreateTime": self.created + datetime.timedelta(days=7 * (n - 1), seconds=n),
                "CreatedBy": self.created_by,
                "LaunchTemplateData": data,
            }
        return out


def template_id(seed, region_index, i):
    return "lt-%02x%03x%012x" % (seed, region_index, i)


_ID_RE = re.compile(r"^lt-([0-9a-f]{2})([0-9a-f]{3})([0-9a-f]{12})$")
_NAME_RE = re.compile(r"^(?:eks|web|batch)-[a-z]+-[a-z]+-(\d{6,})$")


class RegionGen:
    """The generated templates of one region, with data.Synthetic's interface for RegionStore:
    n, make(seq, account, region, region_index, i), parse_id, parse_name."""

    def __init__(self, n, seed, region_index):
        self.n, self.seed, self.region_index = n, seed, region_index
        self._cache = {}

    def spec(self, account, region, i):
        key = (account, region, i)
        s = self._cache.get(key)
        if s is None:
            s = self._cache[key] = TemplateSpec(self.seed, account, region, self.region_index, i)
        return s

    def make(self, seq, account, region, region_index, i):
        s = self.spec(account, region, i)
        base = s.describe()
        default = base.pop("DefaultVersionNumber")
        latest = base.pop("LatestVersionNumber")
        return Template(seq, base, None, default, latest, maker=s.versions)

    def parse_id(self, region_index, tid):
        m = _ID_RE.match(tid)
        if not m or int(m.group(1), 16) != self.seed or int(m.group(2), 16) != region_index:
            return None
        i = int(m.group(3), 16)
        return i if i < self.n else None

    def parse_name(self, name):
        m = _NAME_RE.match(name)
        if not m:
            return None
        i = int(m.group(1))
        return i if i < self.n else None


def parse_spec(text):
    """N[:SEED] -> (n, seed)."""
    parts = text.split(":")
    if len(parts) not in (1, 2) or not all(p.isdigit() for p in parts):
        raise ValueError("--realistic: expected N[:SEED] with decimal numbers")
    n = int(parts[0])
    seed = int(parts[1]) if len(parts) == 2 else 1
    if not 0 <= seed < 256:
        raise ValueError("--realistic: SEED must be 0-255")
    return n, seed


# ---------------------------------------------------------------------------------------------
# convert input: AWS CLI JSON pages

def _cli(obj):
    """datetime -> the AWS CLI's ISO form, recursively."""
    if isinstance(obj, datetime.datetime):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {k: _cli(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_cli(v) for v in obj]
    return obj


def write_pages(out_dir, versions_wanted, seed=1, account=ACCOUNT, region="us-east-1",
                page=200):
    """Writes pages until at least versions_wanted versions exist; returns (templates, versions,
    files, bytes, data_bytes) where data_bytes is the compact JSON size of every
    LaunchTemplateData."""
    os.makedirs(out_dir, exist_ok=True)
    t_page, v_page = [], []
    files = nbytes = data_bytes = 0
    ntemplates = nversions = 0

    def flush(prefix, key, items):
        nonlocal files, nbytes
        path = os.path.join(out_dir, "%s-%07d.json" % (prefix, files))
        text = json.dumps({key: items}, separators=(",", ":"))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        files += 1
        nbytes += len(text)

    i = 0
    while nversions < versions_wanted:
        s = TemplateSpec(seed, account, region, 0, i)
        i += 1
        t_page.append(_cli(s.describe()))
        ntemplates += 1
        for n, v in sorted(s.versions().items(), reverse=True):
            v = _cli(v)
            v["DefaultVersion"] = n == s.default
            data_bytes += len(json.dumps(v["LaunchTemplateData"], separators=(",", ":")))
            v_page.append(v)
            nversions += 1
            if len(v_page) == page:
                flush("v", "LaunchTemplateVersions", v_page)
                v_page = []
        if len(t_page) == page:
            flush("t", "LaunchTemplates", t_page)
            t_page = []
    if t_page:
        flush("t", "LaunchTemplates", t_page)
    if v_page:
        flush("v", "LaunchTemplateVersions", v_page)
    return ntemplates, nversions, files, nbytes, data_bytes


def main(argv):
    usage = "usage: python3 -m fakeaws.realistic pages DIR VERSIONS [SEED]\n"
    if len(argv) >= 3 and argv[0] == "pages":
        seed = int(argv[3]) if len(argv) > 3 else 1
        t, v, f, b, d = write_pages(argv[1], int(argv[2]), seed)
        print(json.dumps({"templates": t, "versions": v, "files": f, "bytes": b,
                          "launch_template_data_bytes": d}))
        return 0
    sys.stderr.write(usage)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
