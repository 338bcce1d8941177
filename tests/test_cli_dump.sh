#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# csrattest dump: exit codes and key output on the drafts' sample data.
# Usage: test_cli_dump.sh PATH/TO/csrattest PATH/TO/shared
set -u

BIN=${1:?usage: test_cli_dump.sh CSRATTEST SHARED_DIR}
SHARED=${2:?usage: test_cli_dump.sh CSRATTEST SHARED_DIR}
EV2=$SHARED/vectors/pkix-evidence/evidence2.pem
UTF8CSR=$SHARED/vectors/csr/tpm2-certify-legacy-utf8hint.pem
IA5CSR=$SHARED/vectors/csr/tpm2-certify-legacy-ia5hint-badsig.pem

pass=0
fail=0
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}

# run EXPECTED_RC NAME ARGS...: runs the tool, output in $TMP/out and
# $TMP/err, and checks the exit code.
run() {
	want=$1
	name=$2
	shift 2
	"$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		bad "$name: exit $rc, want $want"
		sed 's/^/  stderr: /' "$TMP/err" >&2
	fi
}

# has FILE NAME STRING: FILE contains STRING (fixed string).
has() {
	if grep -F -q -- "$3" "$1"; then
		ok
	else
		bad "$2: no '$3' in $(basename "$1")"
	fi
}

run 0 "evidence2" dump "$EV2"
has "$TMP/out" "evidence2" "Evidence:"
has "$TMP/out" "evidence2" "-> [OCTET STRING] beefcafebabedead"
has "$TMP/out" "evidence2" "id-evidence-claim-key-never-extractable"
has "$TMP/out" "evidence2" "[0] IMPLICIT"
has "$TMP/out" "evidence2" "AK Certificate : present"

run 0 "utf8hint CSR" dump "$UTF8CSR"
has "$TMP/out" "utf8hint CSR" "EvidenceBundle (legacy"
has "$TMP/out" "utf8hint CSR" "UTF8String"
has "$TMP/out" "utf8hint CSR" "tpmverifier.example.com"
has "$TMP/out" "utf8hint CSR" "id-TcgAttestCertify"

run 0 "ia5hint CSR" dump "$IA5CSR"
has "$TMP/out" "ia5hint CSR" "[IA5String] tpmverifier.example.com"

run 0 "evidence2 --json" dump --json "$EV2"
if python3 -m json.tool "$TMP/out" >/dev/null 2>&1; then
	ok
else
	bad "evidence2 --json: output is not JSON"
fi
has "$TMP/out" "evidence2 --json" '"beefcafebabedead"'

run 0 "--type evidence" dump --type evidence "$EV2"
run 2 "--type cert on Evidence" dump --type cert "$EV2"

# Truncated raw DER: malformed, with a stable error name.
sed '1d;$d' "$EV2" | tr -d '\r\n' >"$TMP/ev2.b64"
if base64 -d "$TMP/ev2.b64" >"$TMP/ev2.der" 2>/dev/null; then
	head -c 1000 "$TMP/ev2.der" >"$TMP/trunc.der"
	run 2 "truncated" dump "$TMP/trunc.der"
	has "$TMP/err" "truncated" "CSRA_ERR_DER_"
	run 2 "truncated --json" dump --json "$TMP/trunc.der"
	has "$TMP/out" "truncated --json" '"error"'
	run 0 "raw DER" dump "$TMP/ev2.der"
	has "$TMP/out" "raw DER" "beefcafebabedead"
	run 0 "raw base64" dump "$TMP/ev2.b64"
	has "$TMP/out" "raw base64" "beefcafebabedead"
else
	bad "base64 -d failed"
fi

head -c 200 "$EV2" >"$TMP/cut.pem"
run 2 "cut PEM" dump "$TMP/cut.pem"
has "$TMP/err" "cut PEM" "CSRA_ERR_INPUT_"

run 3 "missing file" dump "$TMP/does-not-exist"
run 3 "unknown option" dump --no-such-option "$EV2"
run 3 "unknown type" dump --type nope "$EV2"
run 3 "no file" dump
run 3 "unknown command" frobnicate
run 0 "--help" --help
has "$TMP/out" "--help" "dump"
run 0 "dump --help" dump --help
has "$TMP/out" "dump --help" "Examples:"
run 0 "--version" --version
has "$TMP/out" "--version" "csrattest "

# INTEGER claims past int64: decimal, exact, as verify --json shows them
# (an unsigned Evidence made with openssl asn1parse -genconf: dbgstat
# 2^100, uptime -2^63-1).
cat >"$TMP/big.cnf" <<'EOF'
asn1=SEQUENCE:ev
[ev]
tbs=SEQUENCE:tbs
sigs=SEQUENCE:sigs
[sigs]
[tbs]
version=INTEGER:1
els=SEQUENCE:els
[els]
e0=SEQUENCE:plat
[plat]
type=OID:1.3.6.1.5.5.999.0.1
claims=SEQUENCE:claims
[claims]
c0=SEQUENCE:c0
c1=SEQUENCE:c1
[c0]
type=OID:1.3.6.1.5.5.999.1.1.7
value=INTEGER:0x10000000000000000000000000
[c1]
type=OID:1.3.6.1.5.5.999.1.1.8
value=INTEGER:-9223372036854775809
EOF
if openssl asn1parse -genconf "$TMP/big.cnf" -out "$TMP/big.der" >/dev/null 2>&1; then
	run 0 "big integers" dump "$TMP/big.der" --type evidence
	has "$TMP/out" "big integers" "id-evidence-claim-platform-debugstat (dbgstat)"
	has "$TMP/out" "big integers" "-> [INTEGER] 1267650600228229401496703205376"
	has "$TMP/out" "big integers" "-> [INTEGER] -9223372036854775809"
	run 0 "big integers json" dump "$TMP/big.der" --type evidence --json
	has "$TMP/out" "big integers json" '"value": "1267650600228229401496703205376"'
	has "$TMP/out" "big integers json" '"value": "-9223372036854775809"'
	has "$TMP/out" "big integers json" '"name": "dbgstat"'
else
	bad "openssl asn1parse -genconf cannot make the big-integer Evidence"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
