#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest verify on requests made by csrattest-samples: verdicts, exit
# codes, JSON, CRMF, policies, an external verifier and freshness.
# Usage: test_cli_request.sh CSRATTEST CSRATTEST-SAMPLES
bin=$1
samples=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$samples" "$tmp/s" >/dev/null || { echo "samples failed"; exit 1; }
s=$tmp/s
nonce=$(cat "$s/nonce.hex")

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
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -30
	fi
}

check pkcs10-verified 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce"
check crmf-verified 0 "VERIFIED" "$bin" verify "$s/request-crmf.der" --trust "$s/root.pem" --nonce "$nonce"
check json-record 0 '"input_sha256"' "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --json
check wrong-nonce 1 "CSRA_ERR_EV_NONCE_MISMATCH" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce 00
check untrusted 1 "CSRA_ERR_AK_UNTRUSTED" "$bin" verify "$s/request.pem" --trust "$s/ak.pem"
check evidence-type-moved 1 "CSRA_ERR_STMT_UNKNOWN_TYPE" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --evidence-type 1.3.6.1.4.1.99999.1
cat >"$tmp/policy.json" <<'POL'
{"name": "no-fips", "claims": {"key": {"extractable": false, "local": true}},
 "key_algorithms": ["ec:P-256"]}
POL
check custom-policy 0 '"policy": "no-fips"' "$bin" verify "$s/request.pem" --trust "$s/root.pem" --policy "$tmp/policy.json" --json
# AK EKUs: --ak-eku replaces the placeholder; a policy's ak_ekus replace both.
check ak-eku-other 1 "CSRA_ERR_AK_NO_EKU" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --ak-eku 1.3.6.1.4.1.32473.1
echo '{"name": "ph", "ak_ekus": ["1.3.6.1.5.5.7.3.999"]}' >"$tmp/ph.json"
check ak-eku-policy-wins 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --ak-eku 1.3.6.1.4.1.32473.1 --policy "$tmp/ph.json"
echo '{"name": "other", "ak_ekus": ["1.3.6.1.4.1.32473.1"]}' >"$tmp/other.json"
check ak-eku-policy-other 1 "CSRA_ERR_AK_NO_EKU" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --policy "$tmp/other.json"
check tpm-ak-eku-bad 3 "dotted OID" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --tpm-ak-eku 2.23.x
echo '{"name": "x", "bogus": 1}' >"$tmp/bad.json"
check bad-policy 3 "bogus" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --policy "$tmp/bad.json"
# An external verifier that vouches for the statement when its type is moved.
spki=$(openssl pkey -pubin -in "$s/subject-key.pem" -outform DER | openssl base64 -A)
cat >"$tmp/vendor.sh" <<EOS
#!/bin/sh
cat >/dev/null
printf '{"spki": "%s", "claims": {"key": {"extractable": false, "never-extractable": true, "sensitive": true, "local": true}, "platform": {"fipsboot": true, "fipslevel": 3}}}' "$spki"
EOS
chmod 755 "$tmp/vendor.sh"
check external-verifier 0 "VERIFIED" "$bin" verify "$s/request.pem" --evidence-type 1.3.6.1.4.1.99999.1 --verifier "1.3.6.1.5.5.999=$tmp/vendor.sh"
printf '#!/bin/sh\nsleep 10\n' >"$tmp/slow.sh"
chmod 755 "$tmp/slow.sh"
check external-timeout 1 "CSRA_ERR_EXT_TIMEOUT" "$bin" verify "$s/request.pem" --evidence-type 1.3.6.1.4.1.99999.1 --verifier "1.3.6.1.5.5.999=$tmp/slow.sh" --verifier-timeout 300
printf '#!/bin/sh\necho garbage\n' >"$tmp/garbage.sh"
chmod 755 "$tmp/garbage.sh"
check external-garbage 1 "CSRA_ERR_EXT_JSON" "$bin" verify "$s/request.pem" --evidence-type 1.3.6.1.4.1.99999.1 --verifier "1.3.6.1.5.5.999=$tmp/garbage.sh"
# verify --timestamp-window, as verify-evidence: the samples' Evidence was
# stamped just now; an hour later it is outside a 300 s window.
check window-fresh 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --timestamp-window 300:60
check window-stale 1 "CSRA_ERR_EV_TIMESTAMP_WINDOW" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --timestamp-window 300:60 --at "@$(($(date +%s) + 3600))"
check window-range 3 "timestamp-window" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --timestamp-window 9223372036854775807
# Freshness. vendor.sh ignores the nonce: with one given, its statement
# is not confirmed fresh and does not count.
ext="--evidence-type 1.3.6.1.4.1.99999.1 --verifier 1.3.6.1.5.5.999=$tmp/vendor.sh"
check external-not-fresh 1 "CSRA_ERR_STMT_NOT_FRESH" "$bin" verify "$s/request.pem" $ext --nonce "$nonce"
check external-not-fresh-no-statement 1 "1 not confirmed fresh" "$bin" verify "$s/request.pem" $ext --nonce "$nonce"
# fresh.sh compares the nonce it is given with the one it knows the
# statement carries (the samples' nonce) and says so.
cat >"$tmp/fresh.sh" <<EOS
#!/bin/sh
cat >/dev/null
[ -n "\$CSRATTEST_TIME" ] && [ -n "\$CSRATTEST_TIME_EPOCH" ] || exit 9
f=none
[ "\$CSRATTEST_NONCE" = "$nonce" ] && f=nonce
printf '{"spki": "%s", "freshness": "%s", "claims": {"key": {"extractable": false, "never-extractable": true, "sensitive": true, "local": true}, "platform": {"fipsboot": true, "fipslevel": 3}}}' "$spki" "\$f"
EOS
chmod 755 "$tmp/fresh.sh"
fresh="--evidence-type 1.3.6.1.4.1.99999.1 --verifier 1.3.6.1.5.5.999=$tmp/fresh.sh"
check external-fresh 0 "\\[pass\\] freshness.nonce" "$bin" verify "$s/request.pem" $fresh --nonce "$nonce"
check external-fresh-other-nonce 1 "CSRA_ERR_STMT_NOT_FRESH" "$bin" verify "$s/request.pem" $fresh --nonce 00
# A policy exempting the type lets the unconfirmed statement count, with a warning.
cat >"$tmp/exempt.json" <<'POL'
{"name": "exempt", "freshness_exempt": ["1.3.6.1.5.5.999"],
 "claims": {"key": {"extractable": false, "local": true}}}
POL
check external-exempt 0 "\\[warn\\] freshness.nonce" "$bin" verify "$s/request.pem" $ext --nonce "$nonce" --policy "$tmp/exempt.json"
# Without --nonce: verified, with a warning on stderr, never on stdout.
check no-nonce-warning 0 "warning: no --nonce" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --json
if grep -q "warning" "$tmp/out" || ! grep -q "no --nonce" "$tmp/err"; then
	fail=$((fail + 1)); echo "FAIL no-nonce-warning-on-stderr"
else
	pass=$((pass + 1))
fi
check nonce-no-warning 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce"
if grep -q "no --nonce" "$tmp/err"; then
	fail=$((fail + 1)); echo "FAIL nonce-no-warning: warned with a nonce"
else
	pass=$((pass + 1))
fi
# "freshness": "required" refuses a verification without a nonce.
cat >"$tmp/required.json" <<'POL'
{"name": "required", "freshness": "required", "claims": {"key": {"extractable": false}}}
POL
check required-no-nonce 1 "CSRA_ERR_POLICY_FRESHNESS" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --policy "$tmp/required.json"
check required-nonce 0 "\\[pass\\] policy.freshness" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --policy "$tmp/required.json" --nonce "$nonce"
# A statement no verifier handles is "unknown", not "verified", and its
# binding was never checked.
check unknown-json 1 '"verdict": "unknown"' "$bin" verify "$s/request.pem" --trust "$s/root.pem" --evidence-type 1.3.6.1.4.1.99999.1 --json
check unknown-text 1 "statement 0: UNKNOWN, binding not checked: no verifier for its type" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --evidence-type 1.3.6.1.4.1.99999.1
check unverified-binding 1 "binding not checked: the statement did not verify" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce 00
head -c 400 "$s/request-crmf.der" >"$tmp/trunc.der"
check truncated 2 "MALFORMED" "$bin" verify "$tmp/trunc.der" --trust "$s/root.pem"
check evidence-not-request 2 "not CERTIFICATE REQUEST" "$bin" verify "$s/evidence.pem" --trust "$s/root.pem"
check missing 3 "" "$bin" verify "$tmp/none.csr" --trust "$s/root.pem"
# Caps (--limit): the sample has one attribute, one statement, one
# intermediate and three reported elements.
check limit-at-cap 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --limit statements=1 --limit attributes=1 --limit certs=1 --limit elements=3
check limit-over 1 "limit.elements.*CSRA_ERR_LIMIT_ELEMENTS" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --limit elements=2
check limit-bad 3 "limit" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --limit statements=0
check bad-verifier 3 "OID=COMMAND" "$bin" verify "$s/request.pem" --verifier nonsense
# Framing errors still print a record under --json, verdict "malformed".
: >"$tmp/empty.pem"
check json-empty 2 '"code_name": "CSRA_ERR_INPUT_EMPTY"' "$bin" verify "$tmp/empty.pem" --trust "$s/root.pem" --json
check json-label 2 '"verdict": "malformed"' "$bin" verify-evidence "$s/request.pem" --trust "$s/root.pem" --json
# A request where Evidence is expected: the label check's own code.
check json-wrong-label 2 '"code_name": "CSRA_ERR_INPUT_WRONG_LABEL"' "$bin" verify-evidence "$s/request.pem" --trust "$s/root.pem" --json
check wrong-label-msg 2 'PEM label is CERTIFICATE REQUEST, not EVIDENCE (CSRA_ERR_INPUT_WRONG_LABEL) at byte 11' "$bin" verify-evidence "$s/request.pem" --trust "$s/root.pem"
printf 'hello' >"$tmp/hello.txt"
check json-not-der 2 '"code_name": "CSRA_ERR_INPUT_NOT_DER"' "$bin" verify "$tmp/hello.txt" --trust "$s/root.pem" --json
# Revocation (--crl): the samples' CRLs, none revoked; the intermediate's
# revoking the AK; CRL checks on without the intermediate's CRL.
check crl-none-revoked 0 "VERIFIED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$s/crl-root.pem" --crl "$s/crl-intermediate.pem"
check crl-ak-revoked 1 "ak.chain.*CSRA_ERR_AK_REVOKED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$s/crl-root.pem" --crl "$s/crl-ak-revoked.pem"
check crl-ak-revoked-json 1 '"code_name": "CSRA_ERR_AK_REVOKED"' "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$s/crl-root.pem" --crl "$s/crl-ak-revoked.pem" --json
check crl-missing 1 "ak.chain.*CSRA_ERR_AK_CRL" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$s/crl-root.pem"
mkdir "$tmp/crls" && cp "$s/crl-root.pem" "$s/crl-ak-revoked.pem" "$tmp/crls/"
check crl-dir 1 "ak.chain.*CSRA_ERR_AK_REVOKED" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$tmp/crls"
check crl-evidence 1 "ak.chain.*CSRA_ERR_AK_REVOKED" "$bin" verify-evidence "$s/evidence.pem" --trust "$s/root.pem" --nonce "$nonce" --crl "$s/crl-root.pem" --crl "$s/crl-ak-revoked.pem"
check crl-not-a-crl 3 "cannot read a CRL" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --crl "$s/root.pem"
check crl-no-value 3 "needs a value" "$bin" verify "$s/request.pem" --trust "$s/root.pem" --crl
check_records
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
