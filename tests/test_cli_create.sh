#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest request create / evidence create / csr create, software keys
# only: a vendor PKI made with the openssl CLI, Evidence from a claims file
# signed by a PEM attestation key, PKCS#10 and CRMF requests, and
# csrattest verify on the result; exit codes, error messages and atomic
# output.
# Usage: test_cli_create.sh CSRATTEST CSRATTEST-SAMPLES
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
samples=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

. "$here/clitest.sh"

# --- A vendor PKI: root CA, attestation key certified with EKU
# id-kp-attestationKey (1.3.6.1.5.5.7.3.999, generated/csra_oid_table.h:
# CSRA_OID_ID_KP_ATTESTATIONKEY), a subscriber key.
vendor_ca root "Test Vendor Root"
must openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ak.key
must openssl req -new -key ak.key -subj "/CN=Test Attestation Key" -out ak.csr
must openssl x509 -req -in ak.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 \
	-extfile ak.ext -out ak.pem
must openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak-rsa.key
must openssl req -new -key ak-rsa.key -subj "/CN=Test RSA Attestation Key" -out ak-rsa.csr
must openssl x509 -req -in ak-rsa.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 \
	-extfile ak.ext -out ak-rsa.pem
must openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sub.key
spki=$(openssl pkey -in sub.key -pubout -outform DER | openssl base64 -A)
cat >claims.json <<EOF
{"platform": {"vendor": "Example HSM", "hwserial": "EX-0001", "fipsboot": true, "fipslevel": 3},
 "keys": [{"identifier": "code-signing-1", "spki": {"base64": "$spki"},
           "extractable": false, "never-extractable": true, "sensitive": true,
           "local": true, "purpose": ["sign"]}]}
EOF
cat >policy.json <<'EOF'
{"name": "test-create",
 "claims": {"key": {"extractable": false, "never-extractable": true, "sensitive": true, "local": true},
            "platform": {"fipsboot": true, "fipslevel": {"min": 2}}},
 "key_algorithms": ["ec:P-256", "rsa:3072"]}
EOF
nonce=0c9e7876bdedc1c3a1b2c3d4e5f60718

# --- Help and usage.
check help-main 0 "evidence create" "$bin" --help
check help-request 0 "Examples:" "$bin" request create --help
check help-evidence 0 "Examples:" "$bin" evidence create --help
check help-csr 0 "escapes" "$bin" csr create --help
check no-subcommand 3 "subcommand is create" "$bin" request
check request-no-out 3 "--out FILE is required" "$bin" request create --all-claims
check request-nothing 3 "nothing requested" "$bin" request create --out r.der
check request-bad-claim 3 "not a claim of the draft" "$bin" request create --claim fipslvl --out r.der
check request-claim-nonce 3 "--nonce HEX" "$bin" request create --claim nonce --out r.der
check request-bad-nonce 3 "--nonce wants" "$bin" request create --nonce abc --out r.der
check request-twice 3 "given twice" "$bin" request create --claim vendor --claim vendor --out r.der
check evidence-no-claims 3 "no claims" "$bin" evidence create --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-no-ak-cert 3 "--ak-cert is required" "$bin" evidence create --claims claims.json --ak ak.key --out e.pem
check evidence-key-not-uri 3 "pkcs11: URI" "$bin" evidence create --key ak.key --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-pin-option 3 "never taken on the command line" "$bin" evidence create --pin 1234 --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-bad-sid 3 "--sid wants" "$bin" evidence create --sid cert,cert --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-bad-at 3 "--at wants" "$bin" evidence create --at 2026-02-31T00:00:00Z --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-at-blank 3 "--at wants" "$bin" evidence create --at "2026-02- 1T00:00:00Z" --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-at-sign 3 "--at wants" "$bin" evidence create --at "@+1780000000" --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check evidence-unknown-option 3 "unknown option" "$bin" evidence create --bogus --claims claims.json --ak ak.key --ak-cert ak.pem --out e.pem
check csr-bad-format 3 "pkcs10 or crmf" "$bin" csr create --key sub.key --subject CN=x --format pem --out x.csr
check csr-subject-escape 3 "not supported" "$bin" csr create --key sub.key --subject 'CN=a\,b' --out x.csr
check csr-subject-type 3 "cannot encode XX=y" "$bin" csr create --key sub.key --subject 'CN=x,XX=y' --out x.csr
check csr-subject-empty-rdn 3 "'' is not TYPE=value" "$bin" csr create --key sub.key --subject 'CN=a,,O=b' --out x.csr
check csr-cert-no-evidence 3 "goes with --evidence" "$bin" csr create --key sub.key --subject CN=x --cert ak.pem --out x.csr
check csr-missing-key-file 3 "nothere.key" "$bin" csr create --key nothere.key --subject CN=x --out x.csr
assert usage-errors-wrote-nothing test ! -e r.der -a ! -e e.pem -a ! -e x.csr

# --- The flow: request, Evidence from the claims file, PKCS#10 and CRMF.
check request-create 0 "wrote req.der: attestation request" "$bin" request create --all-claims --nonce "$nonce" --out req.der
assert request-is-der test "$(od -An -tx1 -N1 req.der | tr -d ' ')" = 30
check evidence-create 0 "wrote ev.pem: Evidence" "$bin" evidence create --claims claims.json --ak ak.key \
	--ak-cert ak.pem --request req.der --at 2026-01-02T03:04:05Z --out ev.pem
assert report-fipslevel-declared grep -q -E '^  platform +fipslevel +declared ' "$tmp/out"
assert report-nonce-presenter grep -q -E '^  transaction +nonce +presenter ' "$tmp/out"
assert report-timestamp-attester grep -q -E '^  transaction +timestamp +attester ' "$tmp/out"
assert report-left-out grep -q -E '^  platform +swname +left-out +not known to the attester' "$tmp/out"
assert report-note grep -q -F "NOTE: platform.vendor, platform.hwserial, platform.fipsboot, platform.fipslevel, key[0].spki" "$tmp/out"
assert report-note-tail grep -q -F "are the operator's declaration, not observed by the device; Evidence cannot mark them, so a verifier will take them as the attester's." "$tmp/out"
assert evidence-pem-label test "$(head -n 1 ev.pem)" = "-----BEGIN EVIDENCE-----"
assert evidence-pem-64-columns test "$(sed -n 2p ev.pem | tr -d '\n' | wc -c)" -eq 64
check evidence-at-fixes-clock 0 "20260102030405Z" "$bin" dump ev.pem
check verify-evidence 0 "VERIFIED" "$bin" verify-evidence ev.pem --trust root.pem --nonce "$nonce"

check csr-pkcs10 0 "wrote req.csr: PKCS#10 request" "$bin" csr create --key sub.key \
	--subject "CN=Example Signer,O=Example Ltd,C=GB" --evidence ev.pem --cert ak.pem --out req.csr
assert csr-pem-label test "$(head -n 1 req.csr)" = "-----BEGIN CERTIFICATE REQUEST-----"
check csr-openssl-verifies 0 "" openssl req -in req.csr -noout -verify
check csr-subject-rfc4514 0 "subject=CN=Example Signer,O=Example Ltd,C=GB" openssl req -in req.csr -noout -subject -nameopt RFC2253
must "$bin" csr create --key sub.key --subject ' CN = Spaced Name , O=Example ' --out spaced.csr
check csr-subject-trimmed 0 "subject=CN=Spaced Name,O=Example" openssl req -in spaced.csr -noout -subject -nameopt RFC2253
check csr-crmf 0 "wrote req.crmf: CRMF request" "$bin" csr create --key sub.key \
	--subject "CN=Example Signer,O=Example Ltd" --evidence ev.pem --format crmf --out req.crmf
check verify-pkcs10 0 "req.csr: VERIFIED" "$bin" verify req.csr --trust root.pem --nonce "$nonce" --policy policy.json
check verify-pkcs10-cabf 0 "req.csr: VERIFIED" "$bin" verify req.csr --trust root.pem --nonce "$nonce" --policy cabf-csbr
check verify-pkcs10-binding 0 "bound to the request key" "$bin" verify req.csr --trust root.pem --nonce "$nonce"
check verify-crmf 0 "req.crmf: VERIFIED" "$bin" verify req.crmf --trust root.pem --nonce "$nonce" --policy policy.json
check verify-crmf-json 0 '"verdict": "verified"' "$bin" verify req.crmf --trust root.pem --nonce "$nonce" --json
check verify-wrong-nonce 1 "CSRA_ERR_EV_NONCE_MISMATCH" "$bin" verify req.csr --trust root.pem --nonce 00 --policy policy.json
check verify-other-root 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify req.csr --trust ak-rsa.pem --nonce "$nonce"

# DER Evidence, the request for everything held, and a legacy bundle.
check evidence-der-all 0 "wrote ev.der" "$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem \
	--nonce "$nonce" --der --out ev.der
assert evidence-der-is-der test "$(od -An -tx1 -N1 ev.der | tr -d ' ')" = 30
check csr-der 0 "wrote req2.der" "$bin" csr create --key sub.key --subject CN=x --evidence ev.der --der --out req2.der
check verify-der 0 "VERIFIED" "$bin" verify req2.der --trust root.pem --nonce "$nonce"
check csr-legacy 0 "legacy EvidenceBundle" "$bin" csr create --key sub.key --subject CN=x --evidence ev.pem \
	--legacy --hint hsm.example.com --out legacy.csr
check verify-legacy 0 "EvidenceBundle (drafts -10..-21)" "$bin" verify legacy.csr --trust root.pem --nonce "$nonce"
check csr-plain 0 "0 Evidence" "$bin" csr create --key sub.key --subject "CN=Plain" --out plain.csr
check verify-plain 1 "CSRA_ERR_REQ_NO_ATTESTATION" "$bin" verify plain.csr --trust root.pem

# An RSA attestation key signing with PSS; SignerIdentifier cert and keyId.
check evidence-rsa-pss 0 "wrote ev-pss.pem" "$bin" evidence create --claims claims.json --ak ak-rsa.key \
	--ak-cert ak-rsa.pem --pss --sid cert,keyid --nonce "$nonce" --out ev-pss.pem
check verify-evidence-pss 0 "VERIFIED" "$bin" verify-evidence ev-pss.pem --trust root.pem --nonce "$nonce"
check dump-pss 0 "rsassa-pss" sh -c "'$bin' dump ev-pss.pem | tr A-Z a-z"
check evidence-pss-ec 3 "--pss needs an RSA" "$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --pss --out e.pem
check evidence-cert-mismatch 3 "not for the --ak key" "$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak-rsa.pem --out e.pem

# An AK under an intermediate CA: --chain puts it into the Evidence.
must openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key
must openssl req -new -key inter.key -subj "/CN=Test Vendor Intermediate" -out inter.csr
printf 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n' >inter.ext
must openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 \
	-extfile inter.ext -out inter.pem
must openssl x509 -req -in ak.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 30 \
	-extfile ak.ext -out ak-under-inter.pem
check evidence-chain 0 "wrote ev-chain.pem" "$bin" evidence create --claims claims.json --ak ak.key \
	--ak-cert ak-under-inter.pem --chain inter.pem --nonce "$nonce" --out ev-chain.pem
check verify-evidence-chain 0 "path of 3 certificate(s) to a trust anchor" "$bin" verify-evidence ev-chain.pem \
	--trust root.pem --nonce "$nonce"
check evidence-no-chain 0 "wrote ev-nochain.pem" "$bin" evidence create --claims claims.json --ak ak.key \
	--ak-cert ak-under-inter.pem --nonce "$nonce" --out ev-nochain.pem
check verify-evidence-no-chain 1 "REJECTED" "$bin" verify-evidence ev-nochain.pem --trust root.pem --nonce "$nonce"
check evidence-sid-spki 0 "wrote ev-spki.pem" "$bin" evidence create --claims claims.json --ak ak.key \
	--sid spki --out ev-spki.pem
check dump-sid-spki 0 "AK SPKI        : id-ecPublicKey" "$bin" dump ev-spki.pem
check chain-not-pem 2 "--chain claims.json: no PEM certificate in it" "$bin" evidence create --claims claims.json \
	--ak ak.key --ak-cert ak.pem --chain claims.json --out e.pem

# Evidence written to stdout: the report goes to stderr.
check evidence-stdout 0 "" sh -c "'$bin' evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --out - 2>report.txt | head -n 1 | grep -q -x -e '-----BEGIN EVIDENCE-----'"
assert evidence-stdout-report-on-stderr grep -q -F "wrote -: Evidence" report.txt

# --- Malformed input: exit 2, saying what and where.
echo '{"platform": {"fipslevel": "three"}}' >bad-type.json
check claims-bad-type 2 '--claims bad-type.json: $.platform.fipslevel: expected an integer' \
	"$bin" evidence create --claims bad-type.json --ak ak.key --ak-cert ak.pem --out e.pem
echo '{"platform": {"fipslvl": 3}}' >bad-name.json
check claims-unknown-claim 2 '$.platform.fipslvl: not a platform claim' \
	"$bin" evidence create --claims bad-name.json --ak ak.key --ak-cert ak.pem --out e.pem
echo '{"keys": [{"identifier": "k", "purpose": ["sing"]}]}' >bad-purpose.json
check claims-bad-purpose 2 '$.keys[0].purpose[0]: not a capability' \
	"$bin" evidence create --claims bad-purpose.json --ak ak.key --ak-cert ak.pem --out e.pem
printf '{"platform": {"fipslevel": 3},\n  oops}' >bad-json.json
check claims-not-json 2 'line 2' "$bin" evidence create --claims bad-json.json --ak ak.key --ak-cert ak.pem --out e.pem
head -c 20 req.der >trunc.der
check request-truncated 2 "CSRA_ERR_DER_TRUNCATED) at TbsEvidence, byte 1" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request trunc.der --out e.pem
check request-pem 2 "--request ev.pem: PEM (EVIDENCE) where DER or base64 is expected" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request ev.pem --out e.pem
check ak-not-a-key 2 "--ak root.pem: not an unencrypted PEM private key" \
	"$bin" evidence create --claims claims.json --ak root.pem --ak-cert ak.pem --out e.pem
must openssl pkey -in ak.key -aes128 -passout pass:secret -out ak-enc.key
check ak-encrypted 2 "not an unencrypted PEM private key" \
	"$bin" evidence create --claims claims.json --ak ak-enc.key --ak-cert ak.pem --out e.pem </dev/null
check csr-evidence-truncated 2 "CSRA_ERR_DER_TRUNCATED) at Evidence, byte 1" \
	"$bin" csr create --key sub.key --subject CN=x --evidence trunc.der --out x.csr
check csr-evidence-is-csr 2 "PEM label is CERTIFICATE REQUEST, not EVIDENCE" \
	"$bin" csr create --key sub.key --subject CN=x --evidence req.csr --out x.csr
check csr-key-unreadable 2 "--key ak.pem: not an unencrypted PEM private key" \
	"$bin" csr create --key ak.pem --subject CN=x --out x.csr

# --- Refused: requests the processing rules make the attester refuse.
# TbsEvidence { version 1, { platform { fipslevel, INTEGER 3 } } }: a value
# on a claim only the attester gives (base64 of the DER).
echo MCUCAQEwIDAeBgkrBgEFBYdnAAEwETAPBgorBgEFBYdnAQEMAgED >value.b64
check refuse-value 1 "refused: attestation request gives a value for a claim only the attester reports (CSRA_ERR_ATTREQ_VALUE) at TbsEvidence.reportedElements[0].claims[0].value (fipslevel), byte 36" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request value.b64 --out e.pem
must "$bin" request create --claim extractable --key-id no-such-key --out nokey.der
check refuse-unknown-key 1 "CSRA_ERR_ATTREQ_NO_KEY" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request nokey.der --out e.pem
echo '{"platform": {"fipslevel": 3}}' >platform-only.json
must "$bin" request create --claim extractable --out anykey.der
check refuse-no-keys 1 "CSRA_ERR_ATTREQ_NO_KEYS" \
	"$bin" evidence create --claims platform-only.json --ak ak.key --ak-cert ak.pem --request anykey.der --out e.pem
must "$bin" request create --claim swname --out nothing.der
check refuse-nothing-held 1 "CSRA_ERR_ATTREQ_NOTHING" \
	"$bin" evidence create --claims platform-only.json --ak ak.key --ak-cert ak.pem --request nothing.der --out e.pem
check nonce-with-request 3 "--request carries its own" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request req.der --nonce 00 --out e.pem
assert refusals-wrote-nothing test ! -e e.pem -a ! -e x.csr

# --- Atomic output: a failing run leaves no file and keeps an existing one.
cp ev.pem keep.pem
check atomic-keeps-existing 1 "CSRA_ERR_ATTREQ_VALUE" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --request value.b64 --out keep.pem
assert atomic-existing-unchanged cmp -s ev.pem keep.pem
check atomic-no-dir 3 "--out nodir/ev.pem: No such file or directory" \
	"$bin" evidence create --claims claims.json --ak ak.key --ak-cert ak.pem --out nodir/ev.pem
mkdir -p outdir/target.pem
check atomic-rename-fails 3 "--out outdir/target.pem" \
	"$bin" csr create --key sub.key --subject CN=x --out outdir/target.pem
assert atomic-no-temp-left test "$(ls -A outdir)" = target.pem
assert atomic-no-temp-in-cwd test -z "$(find . -maxdepth 1 -name '.*' ! -name .)"
check atomic-overwrites 0 "wrote keep.pem" "$bin" csr create --key sub.key --subject CN=y --out keep.pem
assert atomic-replaced test "$(head -n 1 keep.pem)" = "-----BEGIN CERTIFICATE REQUEST-----"

# --- Claim names: the draft's dbgstat (draft-07 section 5.2); csrattest
# 0.1's debugstat is still read for one release, with a warning.
check request-dbgstat 0 "wrote dbg.der" "$bin" request create --claim dbgstat --out dbg.der
assert request-dbgstat-no-warning test ! -s "$tmp/err"
check request-debugstat-old 0 "warning: request create: --claim debugstat is the old name of dbgstat" \
	"$bin" request create --claim debugstat --out dbg-old.der
assert request-debugstat-same-request cmp -s dbg.der dbg-old.der
assert help-says-dbgstat sh -c "'$bin' request create --help | grep -q -w dbgstat"
echo '{"platform": {"dbgstat": 0, "fipslevel": 3}}' >dbg.json
check claims-dbgstat 0 "wrote ev-dbg.pem" "$bin" evidence create --claims dbg.json --ak ak.key --ak-cert ak.pem --out ev-dbg.pem
assert claims-dbgstat-no-warning sh -c "! grep -q warning '$tmp/err'"
check dump-dbgstat 0 "id-evidence-claim-platform-debugstat (dbgstat)" "$bin" dump ev-dbg.pem
check dump-json-dbgstat 0 '"name": "dbgstat"' "$bin" dump ev-dbg.pem --json
echo '{"platform": {"debugstat": 0, "fipslevel": 3}}' >dbg-old.json
check claims-debugstat-old 0 'warning: --claims dbg-old.json: $.platform.debugstat: "debugstat" is the old name of "dbgstat"' \
	"$bin" evidence create --claims dbg-old.json --ak ak.key --ak-cert ak.pem --out ev-dbg-old.pem
check dump-debugstat-old 0 "id-evidence-claim-platform-debugstat (dbgstat)" "$bin" dump ev-dbg-old.pem

# Evidence about another key (csrattest-samples' subject key) in a request
# signed by sub.key: csr create does not verify; csrattest verify finds the
# statement bound to another key.
must "$samples" "$tmp/s"
check csr-foreign-evidence 0 "1 Evidence" "$bin" csr create --key sub.key --subject CN=x --evidence "$tmp/s/evidence.pem" --out foreign.csr
check verify-foreign-not-bound 1 "not bound to the request key" "$bin" verify foreign.csr --trust "$tmp/s/root.pem" --nonce "$(cat "$tmp/s/nonce.hex")"

clitest_done
