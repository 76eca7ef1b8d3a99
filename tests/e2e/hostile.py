"""The hostile-data test's two halves (tests/e2e/t230-hostile-data.sh).

hostile.py data OUT_DIR
    Writes OUT_DIR/hostile.json and OUT_DIR/plain.json, two fake-aws data sets that differ only
    in their values: each hostile value (the strings of the golden hostile fixtures in
    fixtures/hostile/ that EC2's XML can carry, and the ones below) is, in plain.json, a
    harmless placeholder. Every value is a template version's description, its KeyName, one
    tag's value and another tag's key. OUT_DIR/values.json maps placeholder -> value.

hostile.py check VALUES HOSTILE_SNAPSHOT PLAIN_SNAPSHOT
    Reads both snapshots back - the CSV files with Python's csv module, snapshot.cypher with the
    Cypher 5 string-literal rules (docs reference section 8.1) - and checks that every value
    reads back exactly from both, and that the hostile snapshot is the plain one with each
    placeholder replaced by its value: same files, same lines of Cypher outside the literal rows,
    the same rows (in sorted order: ids with the values sort differently), nothing else.
    Prints one line per problem; exit status 1 if there is any.
"""

import csv
import json
import os
import re
import sys

ACCOUNT = "111111111111"
REGION = "us-east-1"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures", "hostile")
PLACEHOLDER = "PHOLD%04dX"
LONG = 4096  # a value longer than this is "long"
VALUE_TAG = "hostile-value"  # the key of the tags whose value is hostile
KEY_TAG = "hostile-key"  # the value of the tags whose key is hostile

# Besides the fixtures' strings: what the issue names and what a Cypher script could be
# tricked with. Control characters are those XML 1.0 (and so EC2) can carry: TAB, LF, CR,
# DEL and C1; the others only reach ltsnap through `convert` (golden hostile-json-control-*).
EXTRA = [
    "'}) DETACH DELETE n //",
    "\"}) DETACH DELETE n //",
    "'}) DETACH DELETE n; MATCH (m) DETACH DELETE m //",
    ":commit",
    ":commit\n:begin\nMATCH (n) DETACH DELETE n;\n",
    ":param {update_tag: 0}",
    ":rollback",
    ";",
    ";;",
    "';'",
    "\\",
    "\\'",
    "'",
    "\"",
    "`",
    "``;",
    "\\\\'})",
    "{{rows}}",
    "{{scopes}} {{unknown}}",
    "$update_tag",
    "// comment",
    "/* open comment",
    "*/ close",
    "line1\nline2",
    "cr\rcr",
    "crlf\r\n",
    "\ttab\t",
    "del\x7f c1\x80\x85\x9f",
    "ls\u2028ps\u2029",
    "\u202eRTL override\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\u200f\u05d0\u200e mixed \u202b\u05d1\u202c",
    "emoji \U0001F600 \U0001F469\u200d\U0001F4BB \U0001F1E9\U0001F1EA \U0001F44D\U0001F3FD",
    "\U0001D11E\U00010348 astral",
    "combining e\u0301 a\u0308",
    "\ufeffBOM",
    " padded ",
    "",
    # Very long values: 100 KB of the worst of the above.
    ("'}) DETACH DELETE n // \\ \" ; :commit \n \U0001F600 \u2028 " * 4000)[:100000],
    "\\" * 100000,
]

# XML 1.0 characters: TAB, LF, CR and from U+0020 (no surrogates, no U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fixture_strings():
    out = []
    for name in sorted(os.listdir(FIXTURES)):
        if not name.endswith(".json"):
            continue

        def walk(x):
            if isinstance(x, dict):
                for v in x.values():
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)
            elif isinstance(x, str):
                out.append(x)
        walk(json.load(open(os.path.join(FIXTURES, name), encoding="utf-8")))
    return out


def hostile_values():
    seen, values = set(), []
    for v in fixture_strings() + EXTRA:
        if v not in seen and not _NOT_XML.search(v):
            seen.add(v)
            values.append(v)
    return values


def data_set(values, long_values):
    """Every value as a description and a tag value; the short ones also as a key name (so in
    the data's JSON too) and a tag key. (Neo4j's parser takes a minute over a script holding
    each 100 KB value four times; twice is enough to prove long values pass.)"""
    templates = []
    for i, v in enumerate(values):
        tid = "lt-0bad%013x" % (i + 1)
        short = i not in long_values
        data = {"ImageId": "ami-0bad0bad0bad0bad0", "InstanceType": "t3.micro"}
        tags = [{"Key": VALUE_TAG, "Value": v}]
        if short:
            data["KeyName"] = v
            tags.append({"Key": v, "Value": KEY_TAG})
        templates.append({
            "LaunchTemplateId": tid, "LaunchTemplateName": "hostile-%04d" % i,
            "CreateTime": "2024-06-01T00:00:00.000Z",
            "CreatedBy": "arn:aws:iam::%s:user/mallory" % ACCOUNT,
            "DefaultVersionNumber": 1, "LatestVersionNumber": 1, "Tags": tags,
            "Versions": [{
                "VersionNumber": 1, "CreateTime": "2024-06-01T00:00:00.000Z",
                "CreatedBy": "arn:aws:iam::%s:user/mallory" % ACCOUNT, "DefaultVersion": True,
                "VersionDescription": v, "LaunchTemplateData": data}],
        })
    return {"description": "generated by tests/e2e/hostile.py",
            "accounts": {ACCOUNT: {"access_keys": {
                "AKIAE2EMAIN000000001": "e2eMainSecret/+/0000000000000000000000001"},
                "regions": {REGION: {"launch_templates": templates}}}}}


def cmd_data(out_dir):
    values = hostile_values()
    placeholders = [PLACEHOLDER % i for i in range(len(values))]
    long_values = {i for i, v in enumerate(values) if len(v) > LONG}
    for name, vals in (("hostile.json", values), ("plain.json", placeholders)):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
            json.dump(data_set(vals, long_values), fh, ensure_ascii=True)
    with open(os.path.join(out_dir, "values.json"), "w", encoding="utf-8") as fh:
        json.dump({"values": dict(zip(placeholders, values)),
                   "long": [placeholders[i] for i in sorted(long_values)]}, fh,
                  ensure_ascii=True)
    print(len(values))
    return 0


# ---- reading back ---------------------------------------------------------------------------

problems = []


def fail(msg):
    problems.append(msg)


class LiteralError(ValueError):
    pass


_SHORT = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "'": "'", '"': '"',
          "\\": "\\"}
_HEX = re.compile("[0-9A-Fa-f]{4}")


def read_string(text, i):
    """A Cypher 5 string literal starting at text[i] ('...' or "..."): (value, end)."""
    quote = text[i]
    out = []
    i += 1
    while True:
        if i >= len(text):
            raise LiteralError("unterminated string literal")
        c = text[i]
        if c == quote:
            return "".join(out), i + 1
        if c in "\n\r":
            raise LiteralError("a line break inside a string literal")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = text[i + 1] if i + 1 < len(text) else ""
        if e in _SHORT:
            out.append(_SHORT[e])
            i += 2
        elif e == "u" and _HEX.fullmatch(text[i + 2:i + 6]):
            unit = int(text[i + 2:i + 6], 16)
            i += 6
            if 0xD800 <= unit <= 0xDBFF and text[i:i + 2] == "\\u" and \
                    _HEX.fullmatch(text[i + 2:i + 6]) and \
                    0xDC00 <= int(text[i + 2:i + 6], 16) <= 0xDFFF:
                low = int(text[i + 2:i + 6], 16)
                i += 6
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            elif 0xD800 <= unit <= 0xDFFF:
                raise LiteralError("a lone surrogate \\u%04X" % unit)
            out.append(chr(unit))
        else:
            raise LiteralError("escape \\%s is not Cypher's" % e)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = re.compile(r"-?[0-9]+")
INT64_MIN_TEXT = "(-9223372036854775807 - 1)"


def read_value(text, i):
    c = text[i] if i < len(text) else ""
    if c in "'\"":
        return read_string(text, i)
    if c == "[":
        items, i = [], i + 1
        if text[i:i + 1] == "]":
            return items, i + 1
        while True:
            v, i = read_value(text, i)
            items.append(v)
            if text[i:i + 2] == ", ":
                i += 2
            elif text[i:i + 1] == "]":
                return items, i + 1
            else:
                raise LiteralError("bad list at %d" % i)
    if text.startswith(INT64_MIN_TEXT, i):
        return -9223372036854775808, i + len(INT64_MIN_TEXT)
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, i) and not _NAME.match(text[i + len(word):i + len(word) + 1]):
            return value, i + len(word)
    m = _INT.match(text, i)
    if m:
        return int(m.group()), m.end()
    raise LiteralError("no value at %d: %r" % (i, text[i:i + 20]))


def read_row(line):
    """One row line of an UNWIND list: '  {key: value, ...}' and an optional ','. The whole
    line must be that one map - anything after it would be text that escaped a literal."""
    i = len(line) - len(line.lstrip(" "))
    if line[i:i + 1] != "{":
        raise LiteralError("a row line that is not a map")
    row, i = {}, i + 1
    while True:
        m = _NAME.match(line, i)
        if not m or line[m.end():m.end() + 2] != ": ":
            raise LiteralError("bad key at %d" % i)
        value, i = read_value(line, m.end() + 2)
        if m.group() in row:
            raise LiteralError("key %s twice" % m.group())
        row[m.group()] = value
        if line[i:i + 2] == ", ":
            i += 2
            continue
        if line[i:i + 1] == "}":
            i += 1
            break
        raise LiteralError("bad map at %d" % i)
    if line[i:] not in ("", ","):
        raise LiteralError("text after the row: %r" % line[i:i + 40])
    return row


def read_script(path):
    """snapshot.cypher as (structure, blocks): the lines outside UNWIND row lists (with the
    rows of each list replaced by one marker line), and the rows of each list in order."""
    structure, blocks, rows = [], [], None
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    for n, line in enumerate(lines, 1):
        if rows is not None:
            if line.startswith("] AS "):
                blocks.append(rows)
                structure.append("<%d rows>" % len(rows))
                structure.append(line)
                rows = None
                continue
            try:
                rows.append(read_row(line))
            except LiteralError as e:
                fail("%s:%d: %s" % (os.path.basename(path), n, e))
            continue
        structure.append(line)
        if line == "UNWIND [":
            rows = []
    if rows is not None:
        fail("%s: an UNWIND list is not closed" % os.path.basename(path))
    return structure, blocks


def read_csv(path):
    csv.field_size_limit(16 * 1024 * 1024)  # neo4j-admin reads values up to 4 MiB
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, strict=True))


def substitute(x, values):
    """x with every placeholder replaced by its value (strings, lists and dicts, recursively)."""
    if isinstance(x, str):
        return _PH.sub(lambda m: values[m.group()], x)
    if isinstance(x, list):
        return [substitute(v, values) for v in x]
    if isinstance(x, dict):
        return {substitute(k, values): substitute(v, values) for k, v in x.items()}
    return x


_PH = re.compile(r"PHOLD[0-9]{4}X")


def compare_csv(name, hostile_dir, plain_dir, values):
    got = read_csv(os.path.join(hostile_dir, name))
    want = read_csv(os.path.join(plain_dir, name))
    if not got or not want or got[0] != want[0]:
        fail("%s: headers differ" % name)
        return got
    json_cols = [i for i, h in enumerate(want[0]) if h == "launch_template_data"]

    def decoded(row):
        """The row with its JSON cells (the launch template data) decoded."""
        return [json.loads(c) if i in json_cols and c else c for i, c in enumerate(row)]
    want_rows = sorted(json.dumps(substitute(decoded(r), values), sort_keys=True)
                       for r in want[1:])
    got_rows = sorted(json.dumps(decoded(r), sort_keys=True) for r in got[1:])
    if want_rows != got_rows:
        extra = set(got_rows) - set(want_rows)
        fail("%s: %d rows, want %d; e.g. unexpected %s" % (name, len(got_rows), len(want_rows),
                                                           sorted(extra)[:1]))
    return got


def column(rows, name):
    return rows[0].index(name)


def decoded_row(row):
    """A Cypher row with its JSON text (the launch template data) decoded."""
    return {k: json.loads(v) if k == "launch_template_data" and isinstance(v, str) else v
            for k, v in row.items()}


def cmd_check(values_path, hostile_dir, plain_dir):
    spec = json.load(open(values_path, encoding="utf-8"))
    values = spec["values"]
    short = sorted(v for p, v in values.items() if p not in spec["long"])
    names = sorted(os.listdir(plain_dir))
    if sorted(os.listdir(hostile_dir)) != names:
        fail("files %s, want %s" % (sorted(os.listdir(hostile_dir)), names))
    csvs = {n: compare_csv(n, hostile_dir, plain_dir, values) for n in names
            if n.endswith(".csv")}

    # Every value, from the CSV: version description and key name, tag key and value.
    versions = csvs["nodes-aws-launch-template-version.csv"]
    tags = csvs["nodes-aws-tag.csv"]
    desc = [r[column(versions, "version_description")] for r in versions[1:]]
    keys = [r[column(versions, "key_name")] for r in versions[1:]]
    tag_values = [r[column(tags, "value")] for r in tags[1:] if r[column(tags, "key")] == VALUE_TAG]
    tag_keys = [r[column(tags, "key")] for r in tags[1:] if r[column(tags, "value")] == KEY_TAG]
    for what, got, want in (("version_description", desc, sorted(values.values())),
                            ("key_name", keys, sorted(short + [""] * len(spec["long"]))),
                            ("tag value", tag_values, sorted(values.values())),
                            ("tag key", tag_keys, short)):
        if sorted(got) != want:
            missing = set(want) - set(got)
            fail("CSV %s: %d values, want %d; e.g. missing %r" % (
                what, len(got), len(want), sorted(missing)[:1]))

    # The scripts: the same lines outside the rows, the same rows once substituted.
    for name in ("snapshot.cypher", "post-import.cypher"):
        h_struct, h_blocks = read_script(os.path.join(hostile_dir, name))
        p_struct, p_blocks = read_script(os.path.join(plain_dir, name))
        if h_struct != p_struct:
            diff = [(a, b) for a, b in zip(h_struct, p_struct) if a != b][:1]
            fail("%s: the lines outside the literal rows differ (%d vs %d lines; first %r)"
                 % (name, len(h_struct), len(p_struct), diff))
        for k, (hb, pb) in enumerate(zip(h_blocks, p_blocks)):
            want = sorted(json.dumps(substitute(decoded_row(r), values), sort_keys=True)
                          for r in pb)
            got = sorted(json.dumps(decoded_row(r), sort_keys=True) for r in hb)
            if want != got:
                keys = sorted({key for a, b in zip(sorted(want), sorted(got)) if a != b
                               for key, v in json.loads(a).items() if json.loads(b).get(key) != v})
                fail("%s: UNWIND list %d holds other rows than the plain one's (in %s)"
                     % (name, k + 1, keys))
    # Every value, from the Cypher literals.
    _, blocks = read_script(os.path.join(hostile_dir, "snapshot.cypher"))
    rows = [r for b in blocks for r in b]
    got_desc = [r["version_description"] for r in rows if r.get("version_description") is not None]
    got_tag = [r["value"] for r in rows if r.get("key") == VALUE_TAG and "value" in r]
    got_key = [r["key"] for r in rows if r.get("value") == KEY_TAG and "key" in r]
    got_name = [r["key_name"] for r in rows if r.get("key_name") is not None]
    for what, got, want in (("version_description", got_desc, sorted(values.values())),
                            ("key_name", got_name, short),
                            ("tag value", got_tag, sorted(values.values())),
                            ("tag key", got_key, short)):
        if sorted(got) != want:
            missing = set(want) - set(got)
            fail("snapshot.cypher %s: %d values, want %d; e.g. missing %r"
                 % (what, len(got), len(want), sorted(missing)[:1]))

    # The other files: the argfile differs by the multi-line switch alone (the plain values
    # have no line break), the manifest by checksums and sizes alone.
    h_args = open(os.path.join(hostile_dir, "neo4j-admin-import.args"), encoding="utf-8").read()
    p_args = open(os.path.join(plain_dir, "neo4j-admin-import.args"), encoding="utf-8").read()
    if h_args != p_args.replace("--multiline-fields=false\n", "--multiline-fields=true\n") or \
            h_args == p_args:
        fail("neo4j-admin-import.args differs by more than --multiline-fields=true")
    hm = json.load(open(os.path.join(hostile_dir, "manifest.json")))
    pm = json.load(open(os.path.join(plain_dir, "manifest.json")))
    for m in (hm, pm):
        for f in m["files"]:
            del f["sha256"], f["bytes"]
    if hm != pm:
        fail("manifest.json differs in more than checksums and sizes")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["data"]:
        sys.exit(cmd_data(sys.argv[2]))
    if sys.argv[1:2] == ["check"]:
        sys.exit(cmd_check(*sys.argv[2:5]))
    sys.exit(__doc__)
