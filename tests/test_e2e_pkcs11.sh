#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The vendor flow on a PKCS#11 token (SoftHSM v2), end to end:
#   1. a token in a temporary directory;
#   2. keys generated in it with pkcs11-tool: the attestation key (AK), code
#      signing keys (EC P-256 and RSA-3072, sensitive, not extractable), an
#      extractable one and a decrypt-only one;
#   3. the AK certified by a test vendor CA (openssl CLI) from the AK's own
#      request, made in the token by csrattest csr create;
#   4. Evidence about a code signing key, signed by the AK in the token, and
#      the request signed by that key in the token, PKCS#10 and CRMF;
#   5. csrattest verify under cabf-csbr minus its FIPS requirement: verified;
#      the extractable key rejected on key.extractable; with fipsboot and
#      fipslevel declared by the operator, full cabf-csbr verified.
# Then the token's refusals: wrong PIN, no such key, no module, no CKA_SIGN.
# Exit 77 (skipped) without softhsm2-util, pkcs11-tool or the module;
# with CSRA_REQUIRE_SOFTHSM set (CI), that is a failure instead.
# Usage: test_e2e_pkcs11.sh CSRATTEST
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
module=${CSRA_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
skip() {
	echo "${CSRA_REQUIRE_SOFTHSM:+FAIL: }SKIP: $1"
	[ -n "${CSRA_REQUIRE_SOFTHSM:-}" ] && exit 1
	exit 77
}
for tool in softhsm2-util pkcs11-tool openssl; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
[ -f "$module" ] || skip "no PKCS#11 module at $module (set CSRA_SOFTHSM_MODULE)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset CSRATTEST_PIN

. "$here/clitest.sh"

# 1. The token.
mkdir tokens
cat >softhsm2.conf <<EOF
directories.tokendir = $tmp/tokens
objectstore.backend = file
log.level = ERROR
EOF
SOFTHSM2_CONF=$tmp/softhsm2.conf
export SOFTHSM2_CONF
pin=123456
printf '%s\n' "$pin" >pin.txt
must softhsm2-util --init-token --free --label csra-e2e --so-pin 87654321 --pin "$pin"
tok='pkcs11:token=csra-e2e'

# 2. Keys, generated in the token.
p11() {
	must pkcs11-tool --module "$module" --token-label csra-e2e --login --pin "$pin" "$@"
}
p11 --keypairgen --key-type EC:prime256v1 --label ak --id 01 --usage-sign --sensitive
p11 --keypairgen --key-type EC:prime256v1 --label cs-ec --id 02 --usage-sign --sensitive
p11 --keypairgen --key-type rsa:3072 --label cs-rsa --id 03 --usage-sign --sensitive
p11 --keypairgen --key-type EC:prime256v1 --label cs-ext --id 04 --usage-sign --sensitive --extractable
p11 --keypairgen --key-type rsa:2048 --label dec --id 05 --usage-decrypt

# 3. The AK's certificate from a test vendor CA: keyUsage digitalSignature,
# extendedKeyUsage id-kp-attestationKey (1.3.6.1.5.5.7.3.999).
vendor_ca vendor-root "Test HSM Vendor Root"
check ak-csr 0 "wrote ak.csr: PKCS#10 request" "$bin" csr create --module "$module" --pin-file pin.txt \
	--key "$tok;object=ak" --subject "CN=csra-e2e attestation key,O=Test HSM Vendor" --out ak.csr
check ak-csr-openssl-verifies 0 "" openssl req -in ak.csr -noout -verify
must openssl x509 -req -in ak.csr -CA vendor-root.pem -CAkey vendor-root.key -CAcreateserial -days 30 \
	-extfile ak.ext -out ak.pem

nonce=5fa3c2d1e0b9a8f7
cat >no-fips.json <<'EOF'
{"name": "cabf-csbr-no-fips",
 "claims": {"key": {"extractable": false, "never-extractable": true, "sensitive": true, "local": true}},
 "key_algorithms": ["rsa:3072", "ec:P-256", "ec:P-384", "ec:P-521"]}
EOF

# 4 and 5, for a key: Evidence, PKCS#10 and CRMF requests, verification.
flow() {	# LABEL
	label=$1
	check "$label-evidence" 0 "wrote ev-$label.pem: Evidence" "$bin" evidence create --module "$module" \
		--pin-file pin.txt --key "$tok;object=$label" --ak "$tok;object=ak" --ak-cert ak.pem \
		--nonce "$nonce" --out "ev-$label.pem"
	assert "$label-report-extractable-observed" grep -q -E '^  key\[0\] +extractable +observed$' "$tmp/out"
	assert "$label-report-spki-observed" grep -q -E '^  key\[0\] +spki +observed$' "$tmp/out"
	assert "$label-report-vendor-observed" grep -q -E '^  platform +vendor +observed$' "$tmp/out"
	assert "$label-report-no-note" test -z "$(grep NOTE "$tmp/out" || true)"
	check "$label-pkcs10" 0 "wrote $label.csr: PKCS#10 request" "$bin" csr create --module "$module" \
		--pin-file pin.txt --key "$tok;object=$label" --subject "CN=e2e $label,O=Example" \
		--evidence "ev-$label.pem" --out "$label.csr"
	check "$label-crmf" 0 "wrote $label.crmf: CRMF request" "$bin" csr create --module "$module" \
		--pin-file pin.txt --key "$tok;object=$label" --subject "CN=e2e $label,O=Example" \
		--evidence "ev-$label.pem" --format crmf --out "$label.crmf"
}
verified() {	# LABEL
	for req in "$1.csr" "$1.crmf"; do
		check "$req-verified" 0 "$req: VERIFIED" "$bin" verify "$req" --policy no-fips.json \
			--trust vendor-root.pem --nonce "$nonce"
		check "$req-json-verdict" 0 '"verdict": "verified"' "$bin" verify "$req" --policy no-fips.json \
			--trust vendor-root.pem --nonce "$nonce" --json
	done
}
flow cs-ec
verified cs-ec
flow cs-rsa
verified cs-rsa
check cs-ec-wrong-nonce 1 "CSRA_ERR_EV_NONCE_MISMATCH" "$bin" verify cs-ec.csr --policy no-fips.json \
	--trust vendor-root.pem --nonce 00
check cs-ec-cabf-needs-fips 1 "platform.fipsboot: statement 0 has no platform.fipsboot claim" \
	"$bin" verify cs-ec.csr --policy cabf-csbr --trust vendor-root.pem --nonce "$nonce"

# The extractable key: rejected on key.extractable. (A key generated
# extractable has CKA_NEVER_EXTRACTABLE false too, so key.never-extractable
# fails with it; nothing else may.)
flow cs-ext
check cs-ext-rejected 1 "key.extractable: statement 0: key.extractable is true; required false (CSRA_ERR_POLICY_CLAIM_VALUE)" \
	"$bin" verify cs-ext.csr --policy no-fips.json --trust vendor-root.pem --nonce "$nonce"
check cs-ext-rejected-json 1 '"verdict": "rejected"' "$bin" verify cs-ext.csr --policy no-fips.json \
	--trust vendor-root.pem --nonce "$nonce" --json
cp "$tmp/out" cs-ext.json
if command -v python3 >/dev/null 2>&1; then
	check cs-ext-fails-on-extractable 0 "fails on key.extractable only" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(c["check"], c["path"]) for c in d["checks"] if c["status"] == "fail"]
assert ("policy.claim", "key.extractable") in bad, bad
allowed = {("policy.statement", "statements[0]"), ("policy.claim", "key.extractable"),
           ("policy.claim", "key.never-extractable")}
assert set(bad) <= allowed, bad
for s in d["statements"]:
    assert s["verdict"] == "verified" and s["bound_to_request_key"], s["verdict"]
    assert not [c for c in s["checks"] if c["status"] == "fail"]
print("fails on key.extractable only:", bad)
' cs-ext.json
else
	echo "note: no python3; the JSON check of cs-ext is done with grep only"
	assert cs-ext-json-extractable grep -q -F '"path": "key.extractable"' cs-ext.json
fi

# The operator declares fipsboot and fipslevel: the report says so, and
# the full cabf-csbr profile is met.
echo '{"platform": {"fipsboot": true, "fipslevel": 3}}' >fips.json
check declare-evidence 0 "NOTE: platform.fipsboot, platform.fipslevel are the operator's declaration, not observed by the device" \
	"$bin" evidence create --module "$module" --pin-file pin.txt --key "$tok;object=cs-ec" \
	--ak "$tok;object=ak" --ak-cert ak.pem --declare fips.json --nonce "$nonce" --out ev-declared.pem
assert declare-report-fipsboot grep -q -E '^  platform +fipsboot +declared +the operator' "$tmp/out"
assert declare-report-fipslevel grep -q -E '^  platform +fipslevel +declared +the operator' "$tmp/out"
assert declare-report-key-observed grep -q -E '^  key\[0\] +never-extractable +observed$' "$tmp/out"
check declare-crmf 0 "wrote declared.crmf" "$bin" csr create --module "$module" --pin-file pin.txt \
	--key "$tok;object=cs-ec" --subject "CN=e2e declared" --evidence ev-declared.pem --format crmf --out declared.crmf
check declare-cabf-verified 0 "declared.crmf: VERIFIED" "$bin" verify declared.crmf --policy cabf-csbr \
	--trust vendor-root.pem --nonce "$nonce"
echo '{"platform": {"vendor": "Not The Token"}}' >vendor.json
check declare-observed-refused 2 '$.platform.vendor: the device reports this claim; a declaration cannot replace it' "$bin" evidence create \
	--module "$module" --pin-file pin.txt --key "$tok;object=cs-ec" --ak "$tok;object=ak" \
	--ak-cert ak.pem --declare vendor.json --out x.pem

# Only the AK in the token, the claims declared: the token is opened for
# the AK, and its platform is not observed (no --key).
check ak-only-token 0 "NOTE: platform.fipsboot, platform.fipslevel are" "$bin" evidence create \
	--module "$module" --pin-file pin.txt --declare fips.json --ak "$tok;object=ak" --ak-cert ak.pem \
	--out ev-platform.pem
assert ak-only-token-no-observation test -z "$(grep -E '^  [^ ]+ +[^ ]+ +observed' "$tmp/out" || true)"
check ak-only-token-verifies 0 "VERIFIED" "$bin" verify-evidence ev-platform.pem --trust vendor-root.pem

# An attestation request answered by the token, the AK certificate read
# from the token, and the PIN from the environment.
must openssl x509 -in ak.pem -outform DER -out ak.der
p11 --write-object ak.der --type cert --label ak-cert --id 01
check request-create 0 "wrote req.der" "$bin" request create --claim extractable --claim sensitive \
	--claim vendor --nonce "$nonce" --out req.der
check request-answered 0 "wrote ev-req.pem" env CSRATTEST_PIN="$pin" "$bin" evidence create \
	--module "$module" --key "$tok;object=cs-ec" --ak "$tok;object=ak" --ak-cert "$tok;object=ak-cert" \
	--request req.der --out ev-req.pem
assert request-answered-only-asked test "$(grep -c -E '^  (transaction|platform|key)' "$tmp/out")" -eq 5
check request-answered-verifies 0 "VERIFIED" "$bin" verify-evidence ev-req.pem --trust vendor-root.pem --nonce "$nonce"

# The token's refusals and the module's absence.
check wrong-pin 1 "PIN" env CSRATTEST_PIN=999999 "$bin" csr create --module "$module" \
	--key "$tok;object=cs-ec" --subject CN=x --out x.csr
check wrong-pin-in-uri-hidden 1 "pin-value=***" "$bin" csr create --module "$module" \
	--key "$tok;object=cs-ec?pin-value=999999" --subject CN=x --out x.csr
assert wrong-pin-in-uri-not-shown test -z "$(grep 999999 "$tmp/out" "$tmp/err" || true)"
check missing-key 1 "CSRA_ERR_P11_NO_KEY" "$bin" csr create --module "$module" --pin-file pin.txt \
	--key "$tok;object=no-such-key" --subject CN=x --out x.csr
check missing-ak 1 "CSRA_ERR_P11_NO_KEY" "$bin" evidence create --module "$module" --pin-file pin.txt \
	--key "$tok;object=cs-ec" --ak "$tok;object=no-such-ak" --ak-cert ak.pem --out x.pem
check missing-ak-cert 1 "CSRA_ERR_P11_NO_CERT" "$bin" evidence create --module "$module" --pin-file pin.txt \
	--key "$tok;object=cs-ec" --ak "$tok;object=ak" --ak-cert "$tok;object=no-such-cert" --out x.pem
check missing-token 1 "CSRA_ERR_P11_TOKEN" "$bin" csr create --module "$module" --pin-file pin.txt \
	--key "pkcs11:token=no-such-token;object=cs-ec" --subject CN=x --out x.csr
check missing-module 3 "CSRA_ERR_P11_MODULE" "$bin" csr create --module "$tmp/no-such-module.so" \
	--pin-file pin.txt --key "$tok;object=cs-ec" --subject CN=x --out x.csr
# pkcs11-tool sets CKA_SIGN only when asked; SoftHSM's default for a
# private key is CK_TRUE, so "dec" may well be able to sign.
must pkcs11-tool --module "$module" --token-label csra-e2e --login --pin "$pin" --list-objects --type privkey --label dec
if grep -A 3 'label: *dec' "$tmp/must.out" | grep 'Usage:' | grep -q sign; then
	echo "note: SoftHSM gave the decrypt-only key CKA_SIGN (pkcs11-tool cannot clear it): the no-CKA_SIGN refusal is not checked"
else
	check no-cka-sign 1 "CSRA_ERR_P11_CANNOT_SIGN" "$bin" csr create --module "$module" --pin-file pin.txt \
		--key "$tok;object=dec" --subject CN=x --out x.csr
fi
assert refusals-wrote-nothing test ! -e x.csr -a ! -e x.pem

clitest_done
