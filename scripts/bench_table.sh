#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs bench_decode and prints its results as a Markdown table.
# usage: scripts/bench_table.sh [BENCH_BINARY] [bench_decode options] [FILE]
# Defaults: build/bench/bench_decode on ../shared/.../evidence2.pem.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/build/bench/bench_decode
if [ $# -gt 0 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bench=$1; shift; fi
input=$(cd "$root/.." && pwd)/shared/vectors/pkix-evidence/evidence2.pem
for a in "$@"; do if [ -f "$a" ]; then input=; fi; done
# shellcheck disable=SC2086
"$bench" "$@" $input | awk '
/^INFO / { k = $2; $1 = ""; $2 = ""; sub(/^  /, ""); info[++ni] = "- " k ": " $0 }
/^RESULT / { row[++nr] = sprintf("| %s | %.0f | %.0f | %.0f | %s | %s | %s | %s |",
             $2, $3, $4, $5, $6, $7, $8, $9) }
/^TARGET / { $1 = ""; sub(/^ /, ""); tgt[++nt] = "- target: " $0 }
END {
  for (i = 1; i <= ni; i++) print info[i]
  print ""
  print "| workload | median ns/op | min | max | x floor | x asn1c plain | allocs/op | peak heap B |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= nr; i++) print row[i]
  print ""
  for (i = 1; i <= nt; i++) print tgt[i]
  if (nr == 0) exit 1
}'
