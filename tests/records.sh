# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the CLI tests after they set $tmp, $pass and $fail: check
# runs a command and counts it; every record `verify` or
# `verify-evidence --json` prints in a check is kept, and check_records
# validates them all against docs/record.schema.json.
records_schema=$(cd "$(dirname "$0")/.." && pwd)/docs/record.schema.json
records_checker=$(cd "$(dirname "$0")/.." && pwd)/scripts/check-record.py
nrecords=0
mkdir -p "$tmp/records"

# keep_record COMMAND...: after a check ran COMMAND, keeps $tmp/out if the
# command printed a record.
keep_record() {
	case " $* " in *" --json "*) ;; *) return 0 ;; esac
	case " $* " in *" verify "* | *" verify-evidence "*) ;; *) return 0 ;; esac
	[ -s "$tmp/out" ] || return 0
	nrecords=$((nrecords + 1))
	cp "$tmp/out" "$tmp/records/$nrecords.json"
}

check_records() {
	if [ "$nrecords" -eq 0 ]; then
		fail=$((fail + 1)); echo "FAIL records: no check printed a record"
		return
	fi
	rc=0
	/usr/bin/python3 "$records_checker" "$records_schema" "$tmp/records"/*.json >"$tmp/records.out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
	elif [ "$rc" -eq 2 ] && [ -z "${CSRA_REQUIRE_SCHEMA:-}" ]; then
		echo "skip records: python3-jsonschema is not installed"
	else
		fail=$((fail + 1))
		echo "FAIL records against docs/record.schema.json:"
		sed 's/^/  | /' "$tmp/records.out" | head -20
	fi
}

check() {	# name expected-exit grep-pattern command...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	keep_record "$@"
	if [ "$got" -eq "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$tmp/out" "$tmp/err"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $got (want $want), pattern '$pat'"
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -20
	fi
}
