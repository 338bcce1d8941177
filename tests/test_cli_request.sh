#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest verify on requests made by csrattest-samples: verdicts, exit
# codes, JSON, CRMF, policies and an external verifier.
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

check() {	# name expected-exit grep-pattern command...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
