#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Validates every record the C tests wrote (testutil.c) against
# docs/record.schema.json, as tests/records.sh does for the CLI tests'.
# Usage: check_c_records.sh DIR. Exit 77 (skipped) when no test that ran
# made a record, or without python3-jsonschema unless CSRA_REQUIRE_SCHEMA
# is set.
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
set -- "$dir"/*.json
if [ ! -e "$1" ]; then
	echo "skip: no C test that ran made a record"
	exit 77
fi
rc=0
/usr/bin/python3 "$top/scripts/check-record.py" "$top/docs/record.schema.json" "$@" || rc=$?
if [ "$rc" -eq 2 ] && [ -z "${CSRA_REQUIRE_SCHEMA:-}" ]; then
	echo "skip: python3-jsonschema is not installed"
	exit 77
fi
exit "$rc"
