#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Securosys Primus key attestations through the CLI: the shared sample's
# three files given as one attestation (--evidence XML,SIG,CHAIN, any
# order), its verdicts under cabf-csbr and a key-claims policy, dump, and
# variants refused with their codes.
# Usage: test_cli_securosys.sh CSRATTEST SHARED_DIR
bin=$1
d=$2/vectors/vendors/securosys/niklasgillstrom-hsm
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/records.sh"


if [ ! -d "$d" ]; then
	echo "cli_securosys: $d absent: skipped"
	exit 77
fi
cat >"$tmp/keys.json" <<EOF
{"name": "primus-keys", "claims": {"key": {"extractable": false, "never-extractable": true,
 "sensitive": true, "local": true}}, "key_algorithms": ["rsa:3072", "rsa:4096"],
 "freshness_exempt": ["securosys-primus"]}
EOF
att="$d/attestation.xml,$d/attestation.sig,$d/chain.pem"

# cabf-csbr: verified and bound, refused for the FIPS claims a key
# attestation does not carry.
check cabf 1 "CSRA_ERR_POLICY_CLAIM_ABSENT" "$bin" verify "$d/csr.pem" --evidence "$att"
check cabf-bound 1 "statement 0: VERIFIED, bound to the request key" "$bin" verify "$d/csr.pem" --evidence "$att"
check policy 0 "VERIFIED" "$bin" verify "$d/csr.pem" --evidence "$att" --policy "$tmp/keys.json"
check order 0 "VERIFIED" "$bin" verify "$d/csr.pem" --evidence "$d/chain.pem,$d/attestation.sig,$d/attestation.xml" --policy "$tmp/keys.json"
check named 0 "as the caller said" "$bin" verify "$d/csr.pem" --evidence "$att" --format securosys-primus --policy "$tmp/keys.json"
check json 0 '"kind": "securosys-primus"' "$bin" verify "$d/csr.pem" --evidence "$att" --policy "$tmp/keys.json" --json
check serial 0 "device serial 18386101" "$bin" verify "$d/csr.pem" --evidence "$att" --policy "$tmp/keys.json"
check alone 0 "attests key 0" "$bin" verify-evidence "$att"
check alone-json 0 '"securosys-primus.decode"' "$bin" verify-evidence "$att" --json
check dump 0 "securosys-primus attestation, 2 certificate(s)" "$bin" dump "$att"
check dump-claims 0 'claim key.never-extractable = true' "$bin" dump "$att"
check dump-json 0 '"hwserial"' "$bin" dump --json "$att"

# The signature as base64 text, as the REST API returns it.
base64 -w 0 "$d/attestation.sig" >"$tmp/sig.b64"
check base64-sig 0 "signature (base64)" "$bin" verify "$d/csr.pem" --evidence "$d/attestation.xml,$tmp/sig.b64,$d/chain.pem" --policy "$tmp/keys.json"

# Variants: one XML byte, a signature byte, a part missing or extra,
# another key, no trust, expiry.
sed 's|<extractable>false</extractable>|<extractable>true</extractable> |' "$d/attestation.xml" >"$tmp/x.xml"
check xml-byte 1 "CSRA_ERR_SIG_INVALID" "$bin" verify "$d/csr.pem" --evidence "$tmp/x.xml,$d/attestation.sig,$d/chain.pem" --policy "$tmp/keys.json"
{ head -c 100 "$d/attestation.sig"; head -c 101 "$d/attestation.sig" | tail -c 1 | tr '\000-\377' '\001-\377\000'; tail -c +102 "$d/attestation.sig"; } >"$tmp/x.sig"
check sig-byte 1 "CSRA_ERR_SIG_INVALID" "$bin" verify "$d/csr.pem" --evidence "$d/attestation.xml,$tmp/x.sig,$d/chain.pem" --policy "$tmp/keys.json"
check no-sig 1 "CSRA_ERR_FMT_PART_MISSING" "$bin" verify "$d/csr.pem" --evidence "$d/attestation.xml,$d/chain.pem" --policy "$tmp/keys.json"
check no-chain 1 "CSRA_ERR_FMT_PART_MISSING" "$bin" verify "$d/csr.pem" --evidence "$d/attestation.xml,$d/attestation.sig" --policy "$tmp/keys.json"
check xml-only 1 "the certificate chain is missing" "$bin" verify "$d/csr.pem" --evidence "$d/attestation.xml" --policy "$tmp/keys.json"
check extra-part 1 "CSRA_ERR_FMT_PART_UNUSED" "$bin" verify "$d/csr.pem" --evidence "$att,$d/expected.json" --policy "$tmp/keys.json"
check other-key 1 "CSRA_ERR_STMT_NOT_BOUND" "$bin" verify --key "$d/chain.pem" --evidence "$att" --policy "$tmp/keys.json"
check no-bundle 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$d/csr.pem" --evidence "$att" --policy "$tmp/keys.json" --no-bundle securosys-primus
check expired 1 "CSRA_ERR_AK_EXPIRED" "$bin" verify "$d/csr.pem" --evidence "$att" --policy "$tmp/keys.json" --at 2055-01-01T00:00:00Z

check_records
echo "cli_securosys: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
