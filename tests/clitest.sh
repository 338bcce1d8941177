# SPDX-License-Identifier: BSD-2-Clause
# Shell helpers of the CLI tests, sourced after they set $tmp (a scratch
# directory). Each check prints one "ok"/"FAIL" line; clitest_done prints
# the totals and fails if any check did.
pass=0
fail=0

# must runs a setup step; its failure ends the test with its output.
must() {
	if ! "$@" >"$tmp/must.out" 2>&1; then
		echo "FAIL setup: $*"
		sed 's/^/  | /' "$tmp/must.out" | head -40
		exit 1
	fi
}

# check NAME WANT-EXIT TEXT COMMAND...: the command exits WANT-EXIT and,
# unless TEXT is empty, prints TEXT (fixed string) on stdout or stderr.
# Its output stays in $tmp/out and $tmp/err for asserts that follow.
check() {
	name=$1 want=$2 pat=$3
	shift 3
	got=0
	"$@" >"$tmp/out" 2>"$tmp/err" || got=$?
	if [ "$got" -eq "$want" ] && { [ -z "$pat" ] || grep -q -F -e "$pat" "$tmp/out" "$tmp/err"; }; then
		pass=$((pass + 1))
		echo "ok   $name: exit $got${pat:+, prints '$pat'}"
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $got (want $want)${pat:+, want '$pat' in the output}"
		echo "  command: $*"
		sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -40
	fi
}

# assert NAME COMMAND...: a shell condition.
assert() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name: $*"
		sed 's/^/  | /' "$tmp/out" "$tmp/err" 2>/dev/null | head -40
	fi
}

# vendor_ca PREFIX CN: a test vendor root (PREFIX.key, PREFIX.pem) and
# ak.ext, the extensions its AK certificates get: keyUsage
# digitalSignature, extendedKeyUsage id-kp-attestationKey
# (1.3.6.1.5.5.7.3.999, generated/csra_oid_table.h: CSRA_OID_ID_KP_ATTESTATIONKEY).
vendor_ca() {
	must openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-out "$1.pem" -subj "/CN=$2" -days 30 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
	cat >ak.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 1.3.6.1.5.5.7.3.999
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

clitest_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
