#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Marvell LiquidSecurity through the CLI, as one file: Azure's MRVL-1 JSON
# (no public Azure sample exists: built here from Google's EC sample's
# binary and certificates, as Microsoft's validator reads it) verified
# alone, dumped, untrusted without either bundle; Google's .dat and .certs
# as one attestation of two parts (either order), and the .dat without its
# .certs refused for the missing part.
# Usage: test_cli_marvell.sh CSRATTEST SHARED_DIR
bin=$1
g=$2/vectors/vendors/google-cloudhsm/smallstep-crypto-testdata
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"


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
	# Google Cloud HSM: the .dat and the .certs, in either order.
	for k in ec rsa; do
		check "$k-parts" 0 "attests key 0" "$bin" verify-evidence "$g/$k.dat,$g/$k.certs"
		check "$k-parts-reversed" 0 "attests key 0" "$bin" verify-evidence "$g/$k.certs,$g/$k.dat"
		check "$k-parts-json" 0 '"kind": "marvell-liquidsecurity"' "$bin" verify-evidence --json "$g/$k.dat,$g/$k.certs"
	done
	check aes-parts 0 "VERIFIED" "$bin" verify-evidence "$g/aes.dat,$g/aes.certs"
	check ec-no-google 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify-evidence "$g/ec.dat,$g/ec.certs" \
		--no-bundle google-cloudhsm
	check ec-extra-part 1 "CSRA_ERR_FMT_PART_UNUSED" "$bin" verify-evidence "$g/ec.dat,$g/ec.certs,$g/rsa.dat"
	check ec-dump 0 "marvell-liquidsecurity attestation" "$bin" dump "$g/ec.dat"
	check certs-not-claimed 1 "" "$bin" verify-evidence "$g/ec.certs" --format marvell-liquidsecurity
fi

check_records
echo "cli_marvell: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
