#!/usr/bin/python3
"""awsxml - render AWS responses as the XML the EC2 and Query (STS) protocols put on the wire.

Input is the member-name JSON that `aws ec2 describe-...` prints (or what boto3 returns), for
example {"LaunchTemplates": [{"LaunchTemplateId": "lt-...", "Tags": [{"Key": "k", "Value": "v"}]}],
"NextToken": "..."}. The botocore service model (read from its JSON file, botocore itself is not
imported) decides element names, list item names, nesting and scalar formats:

  - structure members are written as their locationName, else their member name, in model order;
  - EC2 lists: wrapper element named after the member, one child per element named after the list
    member's locationName ("item" unless the model says otherwise, e.g. "groupId");
    Query lists: the same with "member" as the default item name; flattened lists have no wrapper;
  - booleans true/false; integers in decimal; timestamps ISO-8601 UTC with milliseconds ("Z")
    for EC2 and whole seconds for Query (STS answers "2024-05-01T12:34:56Z");
  - text is escaped (& < > and CR, which XML would otherwise turn into LF); a character that
    XML 1.0 cannot hold (NUL, most C0 controls, U+FFFE/U+FFFF, lone surrogates) raises
    SerializationError - the document is never produced silently wrong;
  - an input key the model does not know raises SerializationError (unless unknown="drop"),
    so a typo in a fixture cannot vanish. A top-level "ResponseMetadata" key (boto3) is ignored.

EC2 documents: `<?xml ...?>` declaration, root `<{Op}Response xmlns="http://ec2.amazonaws.com/doc/
2016-11-15/">`, `<requestId>` first, no Result wrapper, 4-space indentation. Query documents:
`<{Op}Response xmlns=...><{Op}Result>...</{Op}Result><ResponseMetadata><RequestId>`, 2-space
indentation as STS sends it. Error documents: render_error_ec2() (one line, `<RequestID>`) and
render_error_query() (`<ErrorResponse>`, `<Type>Sender|Receiver</Type>`).

Model overlay: the Debian 12 botocore (1.29.27, Dec 2022) predates the `operator` member. When the
loaded EC2 model lacks them, load_model() adds exactly these definitions, copied from botocore
1.43's model: shape OperatorResponse and member Operator (locationName "operator") of
LaunchTemplate, LaunchTemplateVersion and ResponseLaunchTemplateData. Anything newer needs a newer
model: pass path= (a botocore `data` directory or a service-2.json[.gz] file) or set
AWSXML_BOTOCORE_DATA.

Command line (for producing fixture XML):
  scripts/awsxml.py [--model PATH] [--request-id ID] SERVICE OPERATION < result.json > out.xml
  scripts/awsxml.py --error-ec2 CODE MESSAGE [--request-id ID]
  scripts/awsxml.py --error-query CODE MESSAGE [--receiver] [--request-id ID]
"""

import base64
import datetime
import gzip
import json
import math
import os
import re
import sys

__all__ = [
    "SerializationError", "ModelError", "Model", "load_model", "render_response",
    "render_error_ec2", "render_error_query", "format_timestamp", "parse_timestamp",
    "escape_text", "DEFAULT_DATA_DIRS",
]

DEFAULT_DATA_DIRS = ["/usr/lib/python3/dist-packages/botocore/data"]
ENV_DATA_DIR = "AWSXML_BOTOCORE_DATA"
EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


class SerializationError(ValueError):
    """The input cannot be written as the model's XML (unknown member, wrong type, bad char)."""


class ModelError(Exception):
    """The service model cannot be found or read."""


# Shapes and members of botocore 1.43's EC2 model missing from botocore 1.29 (see module doc).
_EC2_OVERLAY_SHAPES = {
    "OperatorResponse": {
        "type": "structure",
        "members": {
            "Managed": {"shape": "Boolean", "locationName": "managed"},
            "Principal": {"shape": "String", "locationName": "principal"},
            "HiddenByDefault": {"shape": "Boolean", "locationName": "hiddenByDefault"},
        },
    },
}
_EC2_OVERLAY_MEMBERS = {
    "LaunchTemplate": {"Operator": {"shape": "OperatorResponse", "locationName": "operator"}},
    "LaunchTemplateVersion": {"Operator": {"shape": "OperatorResponse",
                                           "locationName": "operator"}},
    "ResponseLaunchTemplateData": {"Operator": {"shape": "OperatorResponse",
                                                "locationName": "operator"}},
}


class Model:
    """A loaded service model: shapes, operations, metadata, and where it came from."""

    def __init__(self, data, source):
        try:
            self.metadata = data["metadata"]
            self.shapes = data["shapes"]
            self.operations = data["operations"]
        except (KeyError, TypeError) as exc:
            raise ModelError("%s: not a botocore service model (missing %s)" % (source, exc))
        self.source = source
        self.protocol = self.metadata.get("protocol")
        self.api_version = self.metadata.get("apiVersion")
        self.overlaid = []
        self._members = {}
        self._positions = {}
        if self.protocol not in ("ec2", "query"):
            raise ModelError("%s: protocol %r is not ec2 or query" % (source, self.protocol))

    def shape(self, name):
        try:
            return self.shapes[name]
        except KeyError:
            raise ModelError("%s: no shape %r" % (self.source, name))

    def member_list(self, shape_name):
        """[(member, element name, shape, flattened item name or None)] in model order."""
        cached = self._members.get(shape_name)
        if cached is None:
            cached = []
            for mname, mdef in self.shape(shape_name).get("members", {}).items():
                ename = mdef.get("locationName", mname)
                sub = self.shape(mdef["shape"])
                flat = None
                if sub["type"] == "list" and sub.get("flattened"):
                    flat = sub["member"].get("locationName", ename)
                cached.append((mname, ename, mdef["shape"], flat))
            self._members[shape_name] = cached
            self._positions[shape_name] = {m[0]: i for i, m in enumerate(cached)}
        return cached

    def member_positions(self, shape_name):
        if shape_name not in self._positions:
            self.member_list(shape_name)
        return self._positions[shape_name]

    def operation(self, name):
        try:
            return self.operations[name]
        except KeyError:
            raise SerializationError("operation %r is not in %s" % (name, self.source))

    @property
    def namespace(self):
        if self.protocol == "ec2":
            return "http://ec2.amazonaws.com/doc/%s/" % self.api_version
        ns = self.metadata.get("xmlNamespace") or ""
        return ns if ns.endswith("/") else ns + "/"

    def _apply_ec2_overlay(self):
        for name, shape in _EC2_OVERLAY_SHAPES.items():
            if name not in self.shapes:
                self.shapes[name] = json.loads(json.dumps(shape))
                self.overlaid.append(name)
        for shape_name, members in _EC2_OVERLAY_MEMBERS.items():
            shape = self.shapes.get(shape_name)
            if shape is None:
                continue
            for member, definition in members.items():
                if member not in shape["members"]:
                    shape["members"][member] = dict(definition)
                    self.overlaid.append("%s.%s" % (shape_name, member))


def _read_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise ModelError("cannot read model '%s': %s" % (path, exc))


def _find_model_file(service, version, path):
    """Candidate files, first existing wins. path: file, data dir, or service/version dir."""
    dirs = []
    if path:
        if os.path.isfile(path):
            return path
        dirs.append(path)
    else:
        env = os.environ.get(ENV_DATA_DIR)
        if env:
            dirs.extend(p for p in env.split(os.pathsep) if p)
        dirs.extend(DEFAULT_DATA_DIRS)
    tried = []
    for d in dirs:
        for sub in (os.path.join(d, service, version), d):
            for fname in ("service-2.json", "service-2.json.gz"):
                cand = os.path.join(sub, fname)
                tried.append(cand)
                if os.path.isfile(cand):
                    return cand
    raise ModelError("no botocore model for %s %s; tried %s" % (service, version,
                                                                ", ".join(tried)))


def load_model(service, version, path=None):
    """Loads botocore's model for service/version (e.g. "ec2", "2016-11-15").

    path: a service-2.json(.gz) file, a botocore `data` directory, or None for
    $AWSXML_BOTOCORE_DATA then DEFAULT_DATA_DIRS. Raises ModelError.
    """
    fname = _find_model_file(service, version, path)
    model = Model(_read_json(fname), fname)
    if model.api_version != version:
        raise ModelError("%s: apiVersion %s, expected %s" % (fname, model.api_version, version))
    if service == "ec2":
        model._apply_ec2_overlay()
    return model


# ---------------------------------------------------------------------------------------------
# Scalars

_NEEDS_ESCAPE = re.compile("[&<>\r]")
_BAD_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_text(s, what="text"):
    """Escapes s for XML character data; raises SerializationError on a character XML 1.0
    cannot represent (reported with its position, never silently dropped)."""
    m = _BAD_XML_CHAR.search(s)
    if m:
        raise SerializationError("%s: character U+%04X at offset %d cannot be represented in "
                                 "XML 1.0" % (what, ord(m.group()), m.start()))
    if _NEEDS_ESCAPE.search(s) is None:
        return s
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#xD;"))


_TS_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
                    r"(Z|z|[+-]\d\d:?\d\d)?$")


def parse_timestamp(value, what="timestamp"):
    """datetime (naive = UTC), ISO-8601 string, or epoch seconds -> aware UTC datetime."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, bool):
        raise SerializationError("%s: boolean is not a timestamp" % what)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise SerializationError("%s: %r is not a timestamp" % (what, value))
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, str):
        m = _TS_RE.match(value.strip())
        if not m:
            raise SerializationError("%s: %r is not an ISO-8601 timestamp" % (what, value))
        y, mo, d, h, mi, s, frac, tz = m.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        try:
            dt = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro)
        except ValueError as exc:
            raise SerializationError("%s: %r: %s" % (what, value, exc))
        if tz and tz not in ("Z", "z"):
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            off = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            dt = dt.replace(tzinfo=datetime.timezone(sign * off))
        else:
            dt = dt.replace(tzinfo=datetime.timezone.utc)
        return dt.astimezone(datetime.timezone.utc)
    raise SerializationError("%s: %r is not a timestamp" % (what, value))


def format_timestamp(value, millis=True):
    """ISO-8601 UTC: 2021-10-12T06:27:52.000Z (millis) or 2021-10-12T06:27:52Z."""
    dt = parse_timestamp(value)
    base = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        return "%s.%03dZ" % (base, dt.microsecond // 1000)
    return base + "Z"


def _scalar_text(shape, value, path, millis):
    t = shape["type"]
    if t == "string":
        if not isinstance(value, str):
            raise SerializationError("%s: expected string, got %s" % (path, type(value).__name__))
        return value
    if t == "boolean":
        if not isinstance(value, bool):
            raise SerializationError("%s: expected boolean, got %r" % (path, value))
        return "true" if value else "false"
    if t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SerializationError("%s: expected integer, got %r" % (path, value))
        return str(value)
    if t in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SerializationError("%s: expected number, got %r" % (path, value))
        f = float(value)
        if not math.isfinite(f):
            raise SerializationError("%s: %r is not finite" % (path, value))
        return repr(f)
    if t == "timestamp":
        try:
            return format_timestamp(value, millis)
        except SerializationError as exc:
            raise SerializationError("%s: %s" % (path, exc))
    if t == "blob":
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(bytes(value)).decode("ascii")
        if isinstance(value, str):
            return value  # already base64, as the CLI prints it
        raise SerializationError("%s: expected bytes or base64 string" % path)
    raise SerializationError("%s: unsupported shape type %r" % (path, t))


# ---------------------------------------------------------------------------------------------
# Tree writer

class _Writer:
    def __init__(self, model, indent, millis, unknown):
        self.model = model
        self.indent = indent
        self.millis = millis
        self.unknown = unknown
        self.out = []
        self.default_item = "item" if model.protocol == "ec2" else "member"

    def line(self, depth, text):
        self.out.append(" " * (self.indent * depth) + text)

    def element(self, name, shape_name, value, depth, path):
        shape = self.model.shape(shape_name)
        t = shape["type"]
        if t == "structure":
            self.structure(name, shape_name, shape, value, depth, path)
        elif t == "list":
            self.list(name, shape, value, depth, path)
        elif t == "map":
            self.map(name, shape, value, depth, path)
        else:
            text = escape_text(_scalar_text(shape, value, path, self.millis), path)
            if text == "":
                self.line(depth, "<%s/>" % name)
            else:
                self.line(depth, "<%s>%s</%s>" % (name, text, name))

    def members(self, shape_name, shape, value, depth, path):
        """Writes the present members of a structure; returns how many were written."""
        if not isinstance(value, dict):
            raise SerializationError("%s: expected object for %s, got %s"
                                     % (path, shape_name, type(value).__name__))
        position = self.model.member_positions(shape_name)
        present = []
        for key in value:
            pos = position.get(key)
            if pos is None:
                if self.unknown == "error":
                    raise SerializationError("%s: unknown member %r of %s (model %s)"
                                             % (path, key, shape_name, self.model.source))
                continue
            if value[key] is not None:
                present.append(pos)
        present.sort()
        members = self.model.member_list(shape_name)
        for pos in present:
            mname, ename, sub_name, flat_item = members[pos]
            if flat_item is not None:
                self.flat_list(flat_item, self.model.shape(sub_name), value[mname], depth,
                               "%s.%s" % (path, mname))
            else:
                self.element(ename, sub_name, value[mname], depth, "%s.%s" % (path, mname))
        return len(present)

    def structure(self, name, shape_name, shape, value, depth, path):
        mark = len(self.out)
        self.line(depth, "<%s>" % name)
        if self.members(shape_name, shape, value, depth + 1, path) == 0:
            del self.out[mark:]
            self.line(depth, "<%s/>" % name)
        else:
            self.line(depth, "</%s>" % name)

    def list(self, name, shape, value, depth, path):
        if not isinstance(value, list):
            raise SerializationError("%s: expected list, got %s" % (path, type(value).__name__))
        if not value:
            self.line(depth, "<%s/>" % name)
            return
        item = shape["member"].get("locationName", self.default_item)
        self.line(depth, "<%s>" % name)
        for i, v in enumerate(value):
            self.element(item, shape["member"]["shape"], v, depth + 1, "%s[%d]" % (path, i))
        self.line(depth, "</%s>" % name)

    def flat_list(self, item, shape, value, depth, path):
        if not isinstance(value, list):
            raise SerializationError("%s: expected list, got %s" % (path, type(value).__name__))
        for i, v in enumerate(value):
            self.element(item, shape["member"]["shape"], v, depth, "%s[%d]" % (path, i))

    def map(self, name, shape, value, depth, path):
        if not isinstance(value, dict):
            raise SerializationError("%s: expected object (map)" % path)
        kname = shape["key"].get("locationName", "key")
        vname = shape["value"].get("locationName", "value")
        entries = sorted(value.items())
        flat = shape.get("flattened")
        d = depth if flat else depth + 1
        if not flat:
            self.line(depth, "<%s>" % name)
        for k, v in entries:
            self.line(d, "<%s>" % ("entry" if not flat else name))
            self.element(kname, shape["key"]["shape"], k, d + 1, "%s{key}" % path)
            self.element(vname, shape["value"]["shape"], v, d + 1, "%s[%r]" % (path, k))
            self.line(d, "</%s>" % ("entry" if not flat else name))
        if not flat:
            self.line(depth, "</%s>" % name)


def _check_request_id(request_id):
    if not isinstance(request_id, str):
        raise SerializationError("request id must be a string")
    return escape_text(request_id, "request id")


def render_response(model, operation, result_dict, request_id, unknown="error", millis=None):
    """The complete response document for a successful call, as UTF-8 bytes.

    result_dict: the operation's output in member-name form (may be {}).
    unknown: "error" (default) or "drop" for input keys the model does not know.
    millis: timestamp precision; None = protocol default (EC2 ms, Query seconds).
    Raises SerializationError; nothing is returned for invalid input.
    """
    if unknown not in ("error", "drop"):
        raise ValueError("unknown must be 'error' or 'drop'")
    op = model.operation(operation)
    out_shape_name = op.get("output", {}).get("shape")
    rid = _check_request_id(request_id)
    if result_dict is None:
        result_dict = {}
    if not isinstance(result_dict, dict):
        raise SerializationError("result must be an object")
    result_dict = {k: v for k, v in result_dict.items() if k != "ResponseMetadata"}
    if model.protocol == "ec2":
        w = _Writer(model, 4, True if millis is None else millis, unknown)
        w.out.append('<?xml version="1.0" encoding="UTF-8"?>')
        w.line(0, '<%sResponse xmlns="%s">' % (operation, model.namespace))
        w.line(1, "<requestId>%s</requestId>" % rid)
        if out_shape_name:
            w.members(out_shape_name, model.shape(out_shape_name), result_dict, 1, operation)
        elif result_dict:
            raise SerializationError("%s has no output shape" % operation)
        w.line(0, "</%sResponse>" % operation)
        return "\n".join(w.out).encode("utf-8")
    w = _Writer(model, 2, False if millis is None else millis, unknown)
    w.line(0, '<%sResponse xmlns="%s">' % (operation, model.namespace))
    wrapper = op.get("output", {}).get("resultWrapper")
    if out_shape_name:
        if wrapper:
            mark = len(w.out)
            w.line(1, "<%s>" % wrapper)
            n = w.members(out_shape_name, model.shape(out_shape_name), result_dict, 2, operation)
            if n == 0:
                del w.out[mark:]
                w.line(1, "<%s/>" % wrapper)
            else:
                w.line(1, "</%s>" % wrapper)
        else:
            w.members(out_shape_name, model.shape(out_shape_name), result_dict, 1, operation)
    elif result_dict:
        raise SerializationError("%s has no output shape" % operation)
    w.line(1, "<ResponseMetadata>")
    w.line(2, "<RequestId>%s</RequestId>" % rid)
    w.line(1, "</ResponseMetadata>")
    w.line(0, "</%sResponse>" % operation)
    return ("\n".join(w.out) + "\n").encode("utf-8")


def render_error_ec2(code, message, request_id):
    """EC2 error document (one line after the declaration, as EC2 sends it)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
            "<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
            % (escape_text(code, "code"), escape_text(message, "message"),
               _check_request_id(request_id))).encode("utf-8")


def render_error_query(code, message, request_id, sender=True, namespace=STS_NAMESPACE):
    """Query-protocol (STS) error document."""
    return ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
            "    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n"
            "</ErrorResponse>\n"
            % (escape_text(namespace, "namespace"), "Sender" if sender else "Receiver",
               escape_text(code, "code"), escape_text(message, "message"),
               _check_request_id(request_id))).encode("utf-8")


# ---------------------------------------------------------------------------------------------

def _main(argv):
    import argparse
    p = argparse.ArgumentParser(
        prog="awsxml.py", description="Render AWS CLI member-name JSON (stdin) as the XML the "
        "service returns, driven by botocore's model.")
    p.add_argument("--model", help="botocore data dir or service-2.json[.gz] file")
    p.add_argument("--request-id", default="00000000-0000-0000-0000-000000000000")
    p.add_argument("--api-version", help="default: 2016-11-15 (ec2), 2011-06-15 (sts)")
    p.add_argument("--drop-unknown", action="store_true",
                   help="drop input members the model does not know instead of failing")
    p.add_argument("--error-ec2", nargs=2, metavar=("CODE", "MESSAGE"))
    p.add_argument("--error-query", nargs=2, metavar=("CODE", "MESSAGE"))
    p.add_argument("--receiver", action="store_true", help="Query error Type Receiver")
    p.add_argument("service", nargs="?")
    p.add_argument("operation", nargs="?")
    a = p.parse_args(argv)
    out = sys.stdout.buffer
    try:
        if a.error_ec2:
            out.write(render_error_ec2(a.error_ec2[0], a.error_ec2[1], a.request_id))
            return 0
        if a.error_query:
            out.write(render_error_query(a.error_query[0], a.error_query[1], a.request_id,
                                         sender=not a.receiver))
            return 0
        if not a.service or not a.operation:
            p.error("SERVICE and OPERATION are required")
        version = a.api_version or {"ec2": "2016-11-15", "sts": "2011-06-15"}.get(a.service)
        if not version:
            p.error("--api-version is required for service %s" % a.service)
        model = load_model(a.service, version, a.model)
        data = json.load(sys.stdin)
        out.write(render_response(model, a.operation, data, a.request_id,
                                  unknown="drop" if a.drop_unknown else "error"))
    except (SerializationError, ModelError, ValueError) as exc:
        sys.stderr.write("awsxml: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
