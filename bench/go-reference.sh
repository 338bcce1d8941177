#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The cold target of issue 16: csrattest's cold verify-evidence against the
# draft's Go reference implementation (ietf-rats-wg/key-attestation,
# go-src/pkg/evidence) on the same input, in the same run. Not run by CI.
#
# usage: bench/go-reference.sh CHECKOUT [EVIDENCE [BENCH_VERIFY]]
#   CHECKOUT      a checkout of ietf-rats-wg/key-attestation (or set
#                 KEY_ATTESTATION_DIR); skipped (exit 0) without one
#   EVIDENCE      default ../shared/vectors/pkix-evidence/evidence2.pem, with
#                 ca.crt beside it as the trust anchor
#   BENCH_VERIFY  default build/bench/bench_verify
#
# What the Go side does per operation, as the reference's "verify" command
# does: decode the PEM, evidence.Parse (the Evidence and its
# intermediates), evidence.Validate (the claims), a root pool with the
# pre-parsed ca.crt, evidence.VerifyEvidence (the signer's certificate
# parsed, the signature verified) and the signer's chain by crypto/x509's
# Verify at the current time. The reference's own chain option
# (VerifyChains) cannot be used: it leaves VerifyOptions.KeyUsages empty,
# which Go reads as serverAuth, and refuses every AK certificate whose EKU
# is the attestation key's ("incompatible key usage"). So the chain is
# verified here with KeyUsages any, from the signer certificate parsed a
# second time; that extra parse is timed on its own and subtracted (the
# "adjusted" figure, used for the ratio; it favours Go). The C side's figure is
# bench_verify's ev_cold (a new verifier, ca.crt added, verify) and its
# floor_cold, from the same run. Only Go's standard library is used: the
# build runs offline (GOPROXY=off) with Debian's Go (golang-go).
#
# Both sides are timed in the process's CPU time (bench_verify --cpu-clock,
# getrusage in Go), and Go runs with GOMAXPROCS=1 as the C side runs on one
# thread: on a shared machine, wall-clock figures measure the queue for a
# core. WALL=1 times both by the wall clock instead.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
checkout=${1:-${KEY_ATTESTATION_DIR:-}}
evidence=${2:-$root/../shared/vectors/pkix-evidence/evidence2.pem}
bench=${3:-$root/build/bench/bench_verify}

if ! command -v go >/dev/null 2>&1; then
	echo "go-reference: skipped: no Go toolchain (apt-get install golang-go)"
	exit 0
fi
if [ -z "$checkout" ] || [ ! -d "$checkout/go-src/pkg/evidence" ] || [ ! -f "$checkout/go.mod" ]; then
	echo "go-reference: skipped: no checkout of ietf-rats-wg/key-attestation given" \
	    "(bench/go-reference.sh CHECKOUT, or KEY_ATTESTATION_DIR)"
	exit 0
fi
[ -x "$bench" ] || { echo "go-reference: $bench not built" >&2; exit 1; }
[ -f "$evidence" ] || { echo "go-reference: $evidence: no such file" >&2; exit 1; }
checkout=$(cd "$checkout" && pwd)
evidence=$(cd "$(dirname "$evidence")" && pwd)/$(basename "$evidence")
ca=$(dirname "$evidence")/ca.crt
module=$(sed -n 's/^module[ \t]*//p' "$checkout/go.mod" | head -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cat >"$work/go.mod" <<EOF
module csrattest/goref

go 1.19

require $module v0.0.0
replace $module => $checkout
EOF
cat >"$work/main.go" <<EOF
// The reference's parse + validate + verify + chain path, timed.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"syscall"
	"time"

	"$module/go-src/pkg/evidence"
)

// cpuNs is the process's CPU time (user + system), in ns.
func cpuNs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

// timed returns fn's ns per call over about 300 ms: the process's CPU time
// with CPU_CLOCK set (as bench_verify --cpu-clock), else the wall clock.
func timed(fn func() error) float64 {
	clock := func() float64 { return float64(time.Now().UnixNano()) }
	if os.Getenv("CPU_CLOCK") != "" {
		clock = cpuNs
	}
	n := 1
	for {
		t0 := clock()
		for i := 0; i < n; i++ {
			if err := fn(); err != nil {
				panic(err)
			}
		}
		t := clock() - t0
		if t >= 3e8 || n >= 1<<24 {
			return t / float64(n)
		}
		n *= 2
	}
}

func main() {
	evPEM, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	caPEM, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	blk, _ := pem.Decode(caPEM)
	if blk == nil {
		panic("ca: no PEM block")
	}
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		panic(err)
	}
	// The signer certificate's DER, for the second parse (and its timing).
	der0, err := evidence.ReadEvidence(evPEM, "auto")
	if err != nil {
		panic(err)
	}
	e0, err := evidence.Parse(der0)
	if err != nil || len(e0.Signatures) == 0 || len(e0.Signatures[0].SID.Certificate.FullBytes) == 0 {
		panic("evidence: no signer certificate")
	}
	akDER := e0.Signatures[0].SID.Certificate.FullBytes
	if _, err := x509.ParseCertificate(akDER); err != nil {
		akDER = e0.Signatures[0].SID.Certificate.Bytes
	}
	once := func() error {
		der, err := evidence.ReadEvidence(evPEM, "auto")
		if err != nil {
			return err
		}
		e, err := evidence.Parse(der)
		if err != nil {
			return err
		}
		if errs := evidence.Validate(e); len(errs) > 0 {
			return fmt.Errorf("validate: %v", errs)
		}
		roots := x509.NewCertPool()
		roots.AddCert(ca)
		now := time.Now()
		res := evidence.VerifyEvidence(e, evidence.VerifyOptions{
			RequireAllSignatures: true, Roots: roots, CurrentTime: now,
		})
		ak, err := x509.ParseCertificate(akDER)
		if err != nil {
			return err
		}
		inter := x509.NewCertPool()
		for _, ic := range e.IntermediateCertificates {
			inter.AddCert(ic)
		}
		if _, err := ak.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return fmt.Errorf("chain: %v", err)
		}
		for _, s := range res.SignatureResults {
			if !s.OK {
				return fmt.Errorf("signature %d: %v", s.Index, s.Error)
			}
		}
		if len(res.SignatureResults) == 0 {
			return fmt.Errorf("no signature verified")
		}
		return nil
	}
	if err := once(); err != nil {
		fmt.Fprintln(os.Stderr, "go-reference: the reference does not verify the input:", err)
		os.Exit(1)
	}
	parse := func() error {
		_, err := x509.ParseCertificate(akDER)
		return err
	}
	fmt.Printf("PARSE %.1f\n", timed(parse))
	for i := 0; i < 5; i++ {
		fmt.Printf("GO %.1f\n", timed(once))
	}
}
EOF
echo "go-reference: building against $checkout ($(go version))"
(cd "$work" && GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GOCACHE="$work/cache" \
    go build -o "$work/goref" .) || { echo "go-reference: the Go build failed" >&2; exit 1; }

# Interleaved, so a noisy machine slows both alike: Go, C, three times.
if [ -n "${WALL:-}" ]; then cpu=""; cflag=""; clock="wall-clock"; else cpu=1; cflag=--cpu-clock; clock="CPU"; fi
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
go_all=""
p_all=""
c_all=""
f_all=""
for round in 1 2 3; do
	gout=$(GOMAXPROCS=1 CPU_CLOCK=$cpu "$work/goref" "$evidence" "$ca")
	go_all="$go_all $(echo "$gout" | awk '/^GO / { print $2 }' | median)"
	p_all="$p_all $(echo "$gout" | awk '/^PARSE / { print $2 }')"
	out=$("$bench" --only ev_cold,floor_cold --repeats 5 $cflag "$evidence")
	c_all="$c_all $(echo "$out" | awk '$1 == "RESULT" && $2 == "ev_cold" { print $3 }')"
	f_all="$f_all $(echo "$out" | awk '$1 == "RESULT" && $2 == "floor_cold" { print $3 }')"
done
go_ns=$(echo $go_all | tr ' ' '\n' | median)
p_ns=$(echo $p_all | tr ' ' '\n' | median)
c_ns=$(echo $c_all | tr ' ' '\n' | median)
f_ns=$(echo $f_all | tr ' ' '\n' | median)
machine=$(echo "$out" | sed -n 's/^INFO machine //p')
echo "input: $evidence (trust $ca)"
echo "machine: $machine; $(date -u +%Y-%m-%d)"
echo "clock: $clock time; Go with GOMAXPROCS=1"
echo "rounds (ns/op): go$go_all; go second AK parse$p_all; ev_cold$c_all; floor_cold$f_all"
awk -v graw="$go_ns" -v p="$p_ns" -v c="$c_ns" -v f="$f_ns" 'BEGIN {
	g = graw - p
	printf "go reference as run (AK parsed twice)       %10.0f ns/op\n", graw
	printf "go reference adjusted (one AK parse less)   %10.0f ns/op\n", g
	printf "csrattest ev_cold                           %10.0f ns/op  %.2fx Go\n", c, c / g
	printf "OpenSSL floor_cold (d2i x2+store+verify)    %10.0f ns/op  %.2fx Go\n", f, f / g
	printf "target: cold <= 1.0x the Go reference: %s (%.2fx)\n", c <= g ? "met" : "NOT met", c / g
}'
