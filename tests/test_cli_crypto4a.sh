#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Crypto4A QASM ATTESTATION MESSAGEs through the CLI: the shared sample
# under each signature policy, bound to its key, its dump, and negatives.
# Usage: test_cli_crypto4a.sh CSRATTEST SHARED_DIR
bin=$1
c4a=$2/vectors/vendors/crypto4a
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"


if [ ! -d "$c4a" ]; then
	echo "SKIP: no $c4a"
	exit 77
fi
der=$c4a/attestation.der
pem=$c4a/attestation.pem

# Alone: any-trusted verifies on the ECDSA block and warns of HSS/LMS;
# all (the default) refuses.
check any-trusted 0 "VERIFIED" "$bin" verify-evidence "$der" --signatures any-trusted
check any-trusted-hss 0 "CSRA_ERR_SIG_ALG_UNAVAILABLE" "$bin" verify-evidence "$der" --signatures any-trusted
check any-trusted-pem 0 "VERIFIED" "$bin" verify-evidence "$pem" --signatures any-trusted
check any-trusted-json 0 '"kind": "crypto4a-qasm"' "$bin" verify-evidence "$der" --signatures any-trusted --json
check claims-json 0 '"never-extractable": true' "$bin" verify-evidence "$der" --signatures any-trusted --json
check default-all 1 "CSRA_ERR_SIG_POLICY" "$bin" verify-evidence "$der"
check all 1 "CSRA_ERR_SIG_ALG_UNAVAILABLE" "$bin" verify-evidence "$der" --signatures all

# Negatives: no anchor, another vendor's, expiry of C4A_SCA_MFG4, one
# part too many, a tampered claim.
check no-bundle 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify-evidence "$der" --signatures any-trusted --no-bundle crypto4a-qasm
check other-root 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify-evidence "$der" --signatures any-trusted \
	--no-bundle crypto4a-qasm --trust-format "crypto4a-qasm=$2/vectors/vendors/thales-luna/chrysalis-its-root-from-pkic-doc.pem"
check own-root 0 "VERIFIED" "$bin" verify-evidence "$der" --signatures any-trusted \
	--no-bundle crypto4a-qasm --trust-format "crypto4a-qasm=$c4a/C4A_RCA.pem"
check expired 1 "CSRA_ERR_AK_EXPIRED" "$bin" verify-evidence "$der" --signatures any-trusted --at 2043-01-01T00:00:00Z
check two-parts 1 "CSRA_ERR_FMT_PART_UNUSED" "$bin" verify-evidence "$der,$c4a/C4A_RCA.pem" --signatures any-trusted --format crypto4a-qasm
cp "$der" "$tmp/tampered.der"
printf 'R' | dd of="$tmp/tampered.der" bs=1 seek=72 conv=notrunc 2>/dev/null
check tampered 1 "CSRA_ERR_SIG_INVALID" "$bin" verify-evidence "$tmp/tampered.der" --signatures any-trusted
head -c 8000 "$der" >"$tmp/cut.der"
check cut 1 "crypto4a-qasm.decode" "$bin" verify-evidence "$tmp/cut.der" --format crypto4a-qasm --signatures any-trusted

# Bound to its key-spki claim's key (no CSR was published): under verify's
# default signature policy (all) the HSS/LMS block refuses it; under
# any-trusted it verifies and binds (cabf-csbr still wants FIPS claims).
dd if="$der" bs=1 skip=213 count=91 of="$tmp/key.der" 2>/dev/null
openssl pkey -pubin -inform DER -in "$tmp/key.der" -out "$tmp/key.pem" 2>/dev/null
check key-all 1 "CSRA_ERR_SIG_POLICY" "$bin" verify --key "$tmp/key.pem" --evidence "$der"
check key-any-trusted 1 "statement 0: VERIFIED, bound to the request key" "$bin" verify --key "$tmp/key.pem" --evidence "$der" --signatures any-trusted
check key-bad-signatures 3 "--signatures is all or any-trusted" "$bin" verify --key "$tmp/key.pem" --evidence "$der" --signatures some

# dump: the format and the statement.
check dump 0 "crypto4a-qasm" "$bin" dump "$der"
check dump-json 0 '"format": "crypto4a-qasm"' "$bin" dump --json "$der"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
