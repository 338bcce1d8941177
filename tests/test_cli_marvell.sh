#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Marvell LiquidSecurity through the CLI, as one file: Azure's MRVL-1 JSON
# (no public Azure sample exists: built here from Google's EC sample's
# binary and certificates, as Microsoft's validator reads it) verified
# alone, dumped, untrusted without either bundle, and a Google .dat given
# without its .certs refused for the missing part. The .dat+.certs pair
# needs the several-parts CLI (--evidence FILE,FILE), which is not there yet.
# Usage: test_cli_marvell.sh CSRATTEST SHARED_DIR
bin=$1
g=$2/vectors/vendors/google-cloudhsm/smallstep-crypto-testdata
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"

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

if [ -e "$g/ec.dat" ]; then
	b64url() { base64 -w 0 "$1" | tr '+/' '-_' | tr -d '='; }
	gzip -dc "$g/ec.dat" >"$tmp/ec.bin"
	printf '{"version": "MRVL-1", "privateKeyAttestation": "%s", "certificatePemFile": "%s"}' \
		"$(b64url "$tmp/ec.bin")" "$(b64url "$g/ec.certs")" >"$tmp/azure.json"
	check azure-alone 0 "attests key 0" "$bin" verify-evidence "$tmp/azure.json"
	check azure-record 0 '"marvell-liquidsecurity"' "$bin" verify-evidence --json "$tmp/azure.json"
	check azure-quirk 0 "quirk.v1-card-certificate" "$bin" verify-evidence "$tmp/azure.json"
	check azure-dump-json 0 '"format": "marvell-liquidsecurity"' "$bin" dump --json "$tmp/azure.json"
	check azure-no-bundle 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify-evidence "$tmp/azure.json" \
		--no-bundle marvell-liquidsecurity
	sed 's/MRVL-1/MRVL-9/' "$tmp/azure.json" >"$tmp/bad.json"
	check azure-version 1 "CSRA_ERR_FMT_MALFORMED" "$bin" verify-evidence "$tmp/bad.json" \
		--format marvell-liquidsecurity
	check dat-alone 1 "CSRA_ERR_FMT_PART_MISSING" "$bin" verify-evidence "$g/ec.dat"
	check certs-not-claimed 1 "" "$bin" verify-evidence "$g/ec.certs" --format marvell-liquidsecurity
fi

check_records
echo "cli_marvell: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
