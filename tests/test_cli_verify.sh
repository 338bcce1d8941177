#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest verify-evidence on the shared samples: verdicts and exit codes.
# Usage: test_cli_verify.sh CSRATTEST SHARED_DIR
bin=$1
v=$2/vectors/pkix-evidence
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"


check evidence2-verified 0 "VERIFIED" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --nonce beefcafebabedead
check evidence2-json 0 '"verdict": "verified"' "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --json
# Without --nonce: a warning, on stderr only (stdout is the JSON).
if grep -q "no --nonce" "$tmp/err" && ! grep -q "warning" "$tmp/out"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL evidence2-no-nonce-warning"
fi
check evidence2-wrong-nonce 1 "CSRA_ERR_EV_NONCE_MISMATCH" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --nonce 00
check evidence2-expired-at 1 "CSRA_ERR_AK_EXPIRED" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --at 2040-01-01T00:00:00Z
check evidence2-not-yet-valid 1 "CSRA_ERR_AK_NOT_YET_VALID" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --at 2000-01-01T00:00:00Z
# Another AK EKU (the OID IANA will assign) replaces the placeholder,
# which then counts only if given too.
check ak-eku-other-only 1 "CSRA_ERR_AK_NO_EKU" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --ak-eku 1.3.6.1.4.1.32473.1
check ak-eku-both 0 "VERIFIED" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --ak-eku 1.3.6.1.4.1.32473.1 --ak-eku 1.3.6.1.5.5.7.3.999
check ak-eku-bad 3 "dotted OID" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --ak-eku attestationKey
check evidence1-needs-ak 1 "CSRA_ERR_SIG_KEYID_UNKNOWN" "$bin" verify-evidence "$v/evidence1.pem" --trust "$v/ca.crt" --untrusted "$v/int.crt"
# The keyId signer's certificate offered only as untrusted, as with
# openssl cms -certfile: found by its subject key identifier, and chained.
check evidence1-untrusted-ak 0 "VERIFIED" "$bin" verify-evidence "$v/evidence1.pem" --trust "$v/ca.crt" --untrusted "$v/int.crt" --untrusted "$v/ak.crt"
check evidence1-ak-not-chained 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify-evidence "$v/evidence1.pem" --trust "$v/ak.crt" --untrusted "$v/ak.crt"
check evidence1-verified 0 "VERIFIED" "$bin" verify-evidence "$v/evidence1.pem" --trust "$v/ca.crt" --untrusted "$v/int.crt" --signer-cert "$v/ak.crt"
check evidence3-rejected 1 "CSRA_ERR_EV_DUPLICATE_PLATFORM" "$bin" verify-evidence "$v/evidence3.pem" --trust "$v/ca.crt"
head -c 300 "$v/evidence2.pem" >"$tmp/trunc.pem"
check truncated-pem 2 "" "$bin" verify-evidence "$tmp/trunc.pem" --trust "$v/ca.crt"
sed '1d;$d' "$v/evidence2.pem" | tr -d '\n' | openssl base64 -d -A | head -c 1000 >"$tmp/trunc.der"
check truncated-der 2 "MALFORMED" "$bin" verify-evidence "$tmp/trunc.der" --trust "$v/ca.crt"
check missing-file 3 "" "$bin" verify-evidence "$tmp/none.pem" --trust "$v/ca.crt"
check no-trust 3 "trust" "$bin" verify-evidence "$v/evidence2.pem"
check bad-nonce 3 "hex" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --nonce xyz
check bad-policy 3 "" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --signatures some
check bad-at 3 "" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --at 2026-02-31T00:00:00Z
# --timestamp-window: in range it runs; out of range (once wrapped in the
# library's arithmetic) or malformed it is a usage error.
check window-ok 0 "freshness.timestamp" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --timestamp-window 1000000000:60
for w in 9223372036854775807 99999999999999999999 1000000001 0:1000000001 300:9223372036854775807 -1 300: :60 300:60:1 300x " 300"; do
	check "window-range '$w'" 3 "timestamp-window" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --timestamp-window "$w"
done
# Caps (--limit): evidence2 has four reported elements and one signature block.
check limit-elements-at-cap 0 "VERIFIED" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --nonce beefcafebabedead --limit elements=4 --limit signers=1
check limit-elements-over 1 "limit.elements.*CSRA_ERR_LIMIT_ELEMENTS" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --nonce beefcafebabedead --limit elements=3
check limit-zero 3 "limit" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --limit elements=0
check limit-unknown 3 "limit" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --limit keys=3
check limit-not-number 3 "limit" "$bin" verify-evidence "$v/evidence2.pem" --trust "$v/ca.crt" --limit signers=2x
check cert-not-evidence 2 "not EVIDENCE" "$bin" verify-evidence "$v/ca.crt" --trust "$v/ca.crt"
check_records
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
