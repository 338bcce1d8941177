#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Attestations beside a request, the vendor trust bundle and vendor
# formats through the CLI: verdicts, codes and exit statuses.
# Usage: test_cli_formats.sh CSRATTEST SAMPLES SHARED_DIR SOURCE_DIR
bin=$1
samples=$2
vv=$3/vectors/vendors
src=$4
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"


# The bundle: every fingerprint of trust/bundle.json listed, and matched.
check trust-list 0 "" "$bin" trust list
check trust-list-json 0 '"fingerprint_ok": true' "$bin" trust list --json
for fp in $(/usr/bin/python3 -c 'import json,sys; [print(s) for c in json.load(open(sys.argv[1]))["certificates"] for s in c["sha256"]]' "$src/trust/bundle.json"); do
	check "trust-list-has-$fp" 0 "$fp" "$bin" trust list
done
if grep -q '"fingerprint_ok": false' "$tmp/out"; then
	fail=$((fail + 1)); echo "FAIL trust-list: a bundled certificate failed its fingerprint"
fi
check trust-usage 3 "trust list" "$bin" trust

# A request of the project's own samples and files beside it.
"$samples" "$tmp/s" >/dev/null 2>&1 || { echo "FAIL samples"; exit 1; }
req=$tmp/s/request.pem
printf 'not an attestation\n' >"$tmp/junk.txt"
check evidence-unknown 1 "CSRA_ERR_FMT_UNKNOWN" "$bin" verify "$req" --evidence "$tmp/junk.txt" --json
check evidence-named-unknown 1 "CSRA_ERR_FMT_UNKNOWN" "$bin" verify "$req" --evidence "$tmp/junk.txt" --format no-such-format --json
check evidence-missing 3 "" "$bin" verify "$req" --evidence "$tmp/none.pem"
: >"$tmp/empty"
check evidence-empty 2 "empty" "$bin" verify "$req" --evidence "$tmp/empty"
check key-needs-evidence 3 "--evidence" "$bin" verify --key "$req"
check key-and-request 3 "give one" "$bin" verify "$req" --key "$req" --evidence "$tmp/junk.txt"
check key-not-a-key 2 "not a certificate or a public key" "$bin" verify --key "$tmp/junk.txt" --evidence "$tmp/junk.txt"
check trust-format-unknown 3 "not a vendor format" "$bin" verify "$req" --trust-format nope=/dev/null
check trust-format-syntax 3 "NAME=FILE" "$bin" verify "$req" --trust-format yubico-piv
check no-bundle-unknown 3 "not a vendor format" "$bin" verify "$req" --no-bundle pkix-evidence
check verify-evidence-vendor-unknown 3 "trust is required" "$bin" verify-evidence "$tmp/junk.txt"

# PKIX Evidence given beside the request, and bound to a key alone.
s=$tmp/s
nonce=$(cat "$s/nonce.hex")
check evidence-beside 0 "pkix-evidence, detected" "$bin" verify "$req" --trust "$s/root.pem" --evidence "$s/evidence.pem" --nonce "$nonce"
check evidence-beside-json 0 '"kind": "pkix-evidence"' "$bin" verify "$req" --trust "$s/root.pem" --evidence "$s/evidence.pem" --nonce "$nonce" --json
check evidence-beside-named 0 "as the caller said" "$bin" verify "$req" --trust "$s/root.pem" --evidence "$s/evidence.pem" --format pkix-evidence --nonce "$nonce"
cp "$s/subject-key.pem" "$tmp/pub.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out "$tmp/other.pem" 2>/dev/null
check key-bound 0 "VERIFIED" "$bin" verify --key "$tmp/pub.pem" --trust "$s/root.pem" --evidence "$s/evidence.pem" --nonce "$nonce"
check key-bound-json 0 '"attested_keys"' "$bin" verify --key "$tmp/pub.pem" --trust "$s/root.pem" --evidence "$s/evidence.pem" --nonce "$nonce" --json
check key-other 1 "CSRA_ERR_STMT_NOT_BOUND" "$bin" verify --key "$tmp/other.pem" --trust "$s/root.pem" --evidence "$s/evidence.pem" --nonce "$nonce"
check key-untrusted 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify --key "$tmp/pub.pem" --trust "$s/ak.pem" --evidence "$s/evidence.pem" --nonce "$nonce"

# The vendors' samples (../shared/vectors/vendors), bundled roots only.
luna=$vv/thales-luna
hsm=$vv/yubihsm2/niklasgillstrom-hsm
pb=$vv/yubico-piv/purebred-SampleAttestations/Yubikey_4_3_3
cat >"$tmp/vendor-policy.json" <<EOF
{"name": "vendor-test", "claims": {"key": {"never-extractable": true, "local": true}},
 "key_algorithms": ["ec:P-256", "rsa:2048", "rsa:3072", "rsa:4096"]}
EOF
if [ -d "$luna" ]; then
	# cabf-csbr: verified and bound, refused for claims a PKC cannot show.
	check luna-cabf 1 "CSRA_ERR_POLICY_CLAIM_ABSENT" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b"
	check luna-bound 1 "statement 0: VERIFIED, bound to the request key" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b"
	check luna-policy 0 "VERIFIED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json"
	check luna-quirks 0 "quirk.ecdsa-negative-s" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json"
	check luna-request-quirk 0 "quirk.request-ecdsa-null-params" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json"
	check luna-json 0 '"kind": "thales-luna"' "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --json
	# One attestation as several files: a part its one-file format does
	# not read fails it; a missing or empty file name is a usage error; a
	# file whose name holds a comma is one file.
	check parts-unread 1 "CSRA_ERR_FMT_PART_UNUSED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b,$luna/ecc-test.csr" --policy "$tmp/vendor-policy.json"
	check parts-unread-alone 1 "attestation.parts" "$bin" verify-evidence "$luna/ecc-test.csr,$luna/ecc-pkc.p7b"
	check parts-missing 3 "no-such-part" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b,$tmp/no-such-part"
	check parts-empty-name 3 "an empty file name" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b,"
	cp "$luna/ecc-pkc.p7b" "$tmp/pkc,copy.p7b"
	check parts-comma-name 0 "VERIFIED" "$bin" verify "$luna/ecc-test.csr" --evidence "$tmp/pkc,copy.p7b" --policy "$tmp/vendor-policy.json"
	check parts-dump 0 "thales-luna attestation" "$bin" dump "$luna/ecc-test.csr,$luna/ecc-pkc.p7b"
	check luna-alone 0 "attests key 0" "$bin" verify-evidence "$luna/ecc-pkc.p7b"
	check luna-dump 0 "thales-luna attestation, 3 certificate(s)" "$bin" dump "$luna/ecc-pkc.p7b"
	check luna-dump-json 0 '"format": "thales-luna"' "$bin" dump --json "$luna/ecc-pkc.p7b"
	# The request's key is not the one the PKC attests.
	check luna-other-key 1 "CSRA_ERR_STMT_NOT_BOUND" "$bin" verify "$req" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json"
	# Without the request's Luna PKC, its NULL ECDSA parameters are refused.
	check luna-request-alone 1 "accepted only for a request a Thales Luna PKC attests" "$bin" verify "$luna/ecc-test.csr" --evidence "$s/evidence.pem" --trust "$s/root.pem"
	# The bundled ECC root expires on 2030-08-12.
	check luna-expired 1 "CSRA_ERR_AK_EXPIRED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --at 2031-01-01T00:00:00Z
	check luna-expiry-warning 0 "trust.bundle-expiry" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --at 2030-01-01T00:00:00Z
	# Untrusted: the bundle dropped, or replaced by another root.
	check luna-no-bundle 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --no-bundle thales-luna
	check luna-other-root 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --no-bundle thales-luna --trust-format "thales-luna=$luna/chrysalis-its-root-from-pkic-doc.pem"
	check luna-own-root 0 "VERIFIED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/vendor-policy.json" --no-bundle thales-luna --trust-format "thales-luna=$luna/luna-ecc-root-certificate.pem"
	# A policy's anchors for a format replace the bundle's, or join it.
	sed 's|"key_algorithms"|"trust": {"thales-luna": ["'"$luna"'/chrysalis-its-root-from-pkic-doc.pem"]}, "key_algorithms"|' "$tmp/vendor-policy.json" >"$tmp/p-replace.json"
	sed 's|"key_algorithms"|"trust": {"thales-luna": ["bundle", "'"$luna"'/chrysalis-its-root-from-pkic-doc.pem"]}, "key_algorithms"|' "$tmp/vendor-policy.json" >"$tmp/p-extend.json"
	check luna-policy-replace 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/p-replace.json"
	check luna-policy-extend 0 "VERIFIED" "$bin" verify "$luna/ecc-test.csr" --evidence "$luna/ecc-pkc.p7b" --policy "$tmp/p-extend.json"
	# The leaf's signature with a byte flipped: its last byte, just
	# before the HOC (certificates at 45, the leaf 4 + 0x262 bytes).
	/usr/bin/python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[45 + 4 + 0x262 - 1] ^= 1; open(sys.argv[2], "wb").write(d)' "$luna/ecc-pkc.p7b" "$tmp/tampered.p7b"
	check luna-tampered 1 "CSRA_ERR_SIG_INVALID" "$bin" verify "$luna/ecc-test.csr" --evidence "$tmp/tampered.p7b" --policy "$tmp/vendor-policy.json"
fi
if [ -d "$hsm" ] && [ -d "$luna" ]; then
	# Two formats claim a file holding a Luna PKC and a YubiHSM 2 chain:
	# detection refuses to pick, naming both; naming one decides.
	{ openssl pkcs7 -inform DER -in "$luna/ecc-pkc.p7b" -print_certs | grep -v '^subject=\|^issuer=\|^$'
	  cat "$hsm/chain.pem"; } >"$tmp/two-vendors.pem" 2>/dev/null
	check ambiguous 1 "CSRA_ERR_FMT_AMBIGUOUS" "$bin" verify "$luna/ecc-test.csr" --evidence "$tmp/two-vendors.pem" --policy "$tmp/vendor-policy.json"
	check ambiguous-names 1 "thales-luna, yubihsm2\|yubihsm2, thales-luna" "$bin" verify "$luna/ecc-test.csr" --evidence "$tmp/two-vendors.pem" --policy "$tmp/vendor-policy.json"
	check ambiguous-named 0 "thales-luna, as the caller said" "$bin" verify "$luna/ecc-test.csr" --evidence "$tmp/two-vendors.pem" --format thales-luna --policy "$tmp/vendor-policy.json"
fi
if [ -d "$hsm" ]; then
	check hsm-cabf 1 "platform.fipsboot" "$bin" verify "$hsm/csr.pem" --evidence "$hsm/chain.pem"
	check hsm-policy 0 "VERIFIED" "$bin" verify "$hsm/csr.pem" --evidence "$hsm/chain.pem" --policy "$tmp/vendor-policy.json"
	check hsm-alone 0 "yubihsm2" "$bin" verify-evidence "$hsm/chain.pem"
	check hsm-other-key 1 "CSRA_ERR_STMT_NOT_BOUND" "$bin" verify "$req" --evidence "$hsm/chain.pem" --policy "$tmp/vendor-policy.json"
	check hsm-untrusted 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$hsm/csr.pem" --evidence "$hsm/chain.pem" --policy "$tmp/vendor-policy.json" --no-bundle yubihsm2
	check hsm-expired 1 "CSRA_ERR_AK_EXPIRED" "$bin" verify "$hsm/csr.pem" --evidence "$hsm/chain.pem" --policy "$tmp/vendor-policy.json" --at 2099-01-01T00:00:00Z
fi
if [ -d "$pb" ]; then
	# Purebred's YubiKey 4.3.3 requests: the attestation in their own
	# attribute verifies, but the keys carry the ROCA fingerprint.
	for f in "$pb"/*_request.bin; do
		check "purebred-$(basename "$f")" 1 "CSRA_ERR_WEAK_ROCA" "$bin" verify "$f" --policy "$tmp/vendor-policy.json"
	done
	check purebred-format 1 "quirk.f9-no-basic-constraints" "$bin" verify "$pb/2_device_scep_request.bin" --policy "$tmp/vendor-policy.json"
fi

check_records
echo "cli_formats: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
