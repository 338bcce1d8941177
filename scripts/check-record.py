#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""check-record.py SCHEMA RECORD...: validates each attestation record
(JSON) against docs/record.schema.json with Debian's python3-jsonschema.
Prints one line per invalid record and a total; exit 1 if any is invalid,
2 if jsonschema is missing (CSRA_REQUIRE_SCHEMA=1 makes that a failure for
the caller to count; without it the caller may skip)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check-record: python3-jsonschema is not installed")
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    schema = json.load(open(argv[1], encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in argv[2:]:
        try:
            record = json.load(open(path, encoding="utf-8"))
        except ValueError as e:
            print("check-record: %s: not JSON: %s" % (path, e))
            bad += 1
            continue
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
        for e in errors[:3]:
            print("check-record: %s: %s at %s" % (path, e.message, "/".join(str(p) for p in e.path)))
        bad += bool(errors)
    print("check-record: %d records, %d invalid" % (len(argv) - 2, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
