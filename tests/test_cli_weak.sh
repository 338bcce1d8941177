#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest verify on the Purebred YubiKey 4 (firmware 4.3.3) requests:
# their RSA-2048 keys carry the ROCA fingerprint (CVE-2017-15361), so each
# is refused with CSRA_ERR_WEAK_ROCA at the request key's path.
# Usage: test_cli_weak.sh CSRATTEST SHARED_DIR
bin=$1
y=$2/vectors/vendors/yubico-piv/purebred-SampleAttestations/Yubikey_4_3_3
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$y"/*_request.bin "$y"/1_device_preenroll_attestation.bin; do
	"$bin" verify "$f" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq 1 ] &&
	    grep -q '^  \[FAIL\] key.weak.roca  *certificationRequestInfo.subjectPKInfo: RSA-2048: .*(CSRA_ERR_WEAK_ROCA)$' "$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$f"): exit $got (want 1 with key.weak.roca)"
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -20
	fi
	"$bin" verify "$f" --json >"$tmp/out" 2>"$tmp/err"
	if grep -q '"CSRA_ERR_WEAK_ROCA"' "$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$f") --json: no CSRA_ERR_WEAK_ROCA"
		sed 's/^/  | /' "$tmp/out" | grep -i weak | head -5
	fi
done
echo "cli_weak: $pass passed, $fail failed"
[ "$pass" -eq 10 ] && [ "$fail" -eq 0 ]
