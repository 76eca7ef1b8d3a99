#!/usr/bin/python3
"""sarif-validate.py - checks SARIF logs written by `ltsnap audit --format sarif`.

usage: sarif-validate.py SCHEMA FILE...      validate each FILE; exit 0 when all are valid
       sarif-validate.py --self-test SCHEMA  prove the checks reject broken logs

Two layers, both must pass:
 1. the SARIF 2.1.0 JSON schema (tests/schemas/sarif-schema-2.1.0.json) through Debian's
    python3-jsonschema, with the validator class the schema's "$schema" names and format checks;
 2. what ltsnap promises on top of the schema (README, "Audit"): $schema and version, a driver
    with name, version and rules (id, name, shortDescription, fullDescription,
    help, defaultConfiguration.level, properties.security-severity and tags), and results whose
    ruleId/ruleIndex point at a rule, with level, message.text, a physical location (artifact
    URI and start line) and a logical location, and a partial fingerprint.
Every problem is printed as "FILE: problem"; nothing is printed for a valid file.
"""
import copy
import json
import sys

import jsonschema

LEVELS = {"error", "warning", "note"}


def schema_errors(schema, doc):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    return ["schema: %s at %s" % (e.message, "/".join(str(p) for p in e.absolute_path))
            for e in validator.iter_errors(doc)]


def need(problems, cond, what):
    if not cond:
        problems.append(what)


def rule_problems(rule, i):
    p = []
    where = "rules[%d]" % i
    for key in ("id", "name"):
        need(p, isinstance(rule.get(key), str) and rule[key], "%s: no %s" % (where, key))
    for key in ("shortDescription", "fullDescription", "help"):
        need(p, isinstance(rule.get(key, {}).get("text"), str) and rule[key]["text"],
             "%s: no %s.text" % (where, key))
    need(p, rule.get("defaultConfiguration", {}).get("level") in LEVELS,
         "%s: defaultConfiguration.level is not error, warning or note" % where)
    props = rule.get("properties", {})
    try:
        severity = float(props.get("security-severity"))
    except (TypeError, ValueError):
        severity = -1.0
    need(p, 0.0 <= severity <= 10.0 and isinstance(props.get("security-severity"), str),
         "%s: properties.security-severity is not a number from 0 to 10 in a string" % where)
    need(p, isinstance(props.get("tags"), list) and "security" in props["tags"],
         "%s: properties.tags lacks 'security'" % where)
    return p


def result_problems(res, i, rules):
    p = []
    where = "results[%d]" % i
    index = res.get("ruleIndex")
    need(p, isinstance(index, int) and 0 <= index < len(rules)
         and rules[index].get("id") == res.get("ruleId"),
         "%s: ruleId/ruleIndex do not name a rule of the driver" % where)
    need(p, res.get("level") in LEVELS, "%s: level is not error, warning or note" % where)
    if isinstance(index, int) and 0 <= index < len(rules):
        need(p, res.get("level") == rules[index].get("defaultConfiguration", {}).get("level"),
             "%s: level differs from its rule's" % where)
    need(p, isinstance(res.get("message", {}).get("text"), str) and res["message"]["text"],
         "%s: no message.text" % where)
    locs = res.get("locations")
    need(p, isinstance(locs, list) and len(locs) == 1, "%s: not exactly one location" % where)
    if isinstance(locs, list) and locs:
        phys = locs[0].get("physicalLocation", {})
        need(p, isinstance(phys.get("artifactLocation", {}).get("uri"), str),
             "%s: no physicalLocation.artifactLocation.uri" % where)
        line = phys.get("region", {}).get("startLine")
        need(p, isinstance(line, int) and line >= 2,
             "%s: physicalLocation.region.startLine is not a data line" % where)
        logical = locs[0].get("logicalLocations")
        need(p, isinstance(logical, list) and logical
             and isinstance(logical[0].get("fullyQualifiedName"), str),
             "%s: no logicalLocations[0].fullyQualifiedName" % where)
    prints = res.get("partialFingerprints", {})
    need(p, len(prints) == 1 and all(isinstance(v, str) and len(v) == 64 for v in prints.values()),
         "%s: not one SHA-256 partial fingerprint" % where)
    return p


def ltsnap_problems(doc):
    p = []
    need(p, isinstance(doc.get("$schema"), str) and doc["$schema"].startswith("https://"),
         "no $schema URI")
    need(p, doc.get("version") == "2.1.0", "version is not 2.1.0")
    runs = doc.get("runs")
    need(p, isinstance(runs, list) and len(runs) == 1, "not exactly one run")
    if p:
        return p
    driver = runs[0].get("tool", {}).get("driver", {})
    for key in ("name", "version"):
        need(p, isinstance(driver.get(key), str) and driver[key], "driver: no %s" % key)
    rules = driver.get("rules")
    need(p, isinstance(rules, list) and rules, "driver: no rules")
    rules = rules if isinstance(rules, list) else []
    for i, rule in enumerate(rules):
        p += rule_problems(rule, i)
    ids = [r.get("id") for r in rules]
    need(p, len(set(ids)) == len(ids), "driver: rule ids are not unique")
    results = runs[0].get("results")
    need(p, isinstance(results, list), "run: no results array")
    for i, res in enumerate(results if isinstance(results, list) else []):
        p += result_problems(res, i, rules)
    if isinstance(results, list):
        prints = [json.dumps(r.get("partialFingerprints"), sort_keys=True) for r in results]
        need(p, len(set(prints)) == len(prints), "results: partial fingerprints are not unique")
    return p


def problems(schema, doc):
    return schema_errors(schema, doc) + ltsnap_problems(doc)


def self_test(schema):
    """A valid minimal log passes; each broken copy must be rejected."""
    rule = {"id": "X001", "name": "X", "shortDescription": {"text": "x"},
            "fullDescription": {"text": "x"}, "help": {"text": "x"},
            "defaultConfiguration": {"level": "error"},
            "properties": {"security-severity": "8.0", "tags": ["security"]}}
    result = {"ruleId": "X001", "ruleIndex": 0, "level": "error", "message": {"text": "m"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": "s/f.csv"},
                                                  "region": {"startLine": 2}},
                             "logicalLocations": [{"fullyQualifiedName": "a/r/t/1"}]}],
              "partialFingerprints": {"k/v1": "0" * 64}}
    good = {"$schema": "https://example.org/s.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "t", "version": "1", "informationUri":
                                          "https://example.org/", "rules": [rule]}},
                      "results": [result]}]}
    failures = []
    if problems(schema, good):
        failures.append("the valid log is rejected: %s" % problems(schema, good))
    breakages = {
        "version 2.0.0": lambda d: d.update(version="2.0.0"),
        "level fatal": lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        "unknown result member": lambda d: d["runs"][0]["results"][0].update(bogus=1),
        "message without text": lambda d: d["runs"][0]["results"][0].update(message={}),
        "startLine 0": lambda d: d["runs"][0]["results"][0]["locations"][0]
        ["physicalLocation"]["region"].update(startLine=0),
        "no driver name": lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        "rule without help": lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].pop("help"),
        "ruleIndex out of range": lambda d: d["runs"][0]["results"][0].update(ruleIndex=3),
        "no fingerprint": lambda d: d["runs"][0]["results"][0].pop("partialFingerprints"),
        "runs not an array": lambda d: d.update(runs={}),
    }
    for name, breakage in breakages.items():
        doc = copy.deepcopy(good)
        breakage(doc)
        if not problems(schema, doc):
            failures.append("not rejected: %s" % name)
    for f in failures:
        print("self-test: %s" % f)
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        with open(argv[2]) as f:
            return self_test(json.load(f))
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: not a JSON document: %s" % (path, e))
            status = 1
            continue
        for problem in problems(schema, doc):
            print("%s: %s" % (path, problem))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
