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
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -20
	fi
}

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

check_records
echo "cli_formats: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
