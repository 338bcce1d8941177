#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs bench_verify and prints its results as Markdown: the workloads with
# their ratios to the OpenSSL floors, the targets, the size curve and the
# hostile curve.
# usage: scripts/bench_verify_table.sh [BENCH_BINARY] [bench_verify options] [EVIDENCE]
# Defaults: build/bench/bench_verify on ../shared/vectors/pkix-evidence/evidence2.pem.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/build/bench/bench_verify
if [ $# -gt 0 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bench=$1; shift; fi
input=$(cd "$root/.." && pwd)/shared/vectors/pkix-evidence/evidence2.pem
for a in "$@"; do if [ -f "$a" ]; then input=; fi; done
# shellcheck disable=SC2086
"$bench" "$@" $input | awk '
/^INFO / { k = $2; $1 = ""; $2 = ""; sub(/^  /, ""); info[++ni] = "- " k ": " $0 }
/^RESULT / {
  vs = $7 == "-" ? "" : " (" $7 ")"
  row[++nr] = sprintf("| %s | %.1f | %.1f | %.1f | %s%s | %s | %s | %s |",
                      $2, $3 / 1000, $4 / 1000, $5 / 1000, $6, vs, $8, $9, $10)
}
/^CURVE / { crv[++nc] = sprintf("| %s | %d | %d | %.1f | %.1f | %d | %.1f |",
                                $2, $3, $4, $5 / 1000, $6, $7, $3 > 0 ? $7 / $3 : 0) }
/^HOSTILE / { hst[++nh] = sprintf("| %s | %d | %d | %.1f | %.1f | %d | %.1f |",
                                 $2, $3, $4, $5 / 1000, $6, $7, $3 > 0 ? $7 / $3 : 0) }
/^TARGET / {
  $1 = ""; sub(/^ /, "")
  i = index($0, ": ")
  what = substr($0, 1, i - 1); got = substr($0, i + 2)
  tgt[++nt] = sprintf("| %s | %s |", what, got)
}
END {
  for (i = 1; i <= ni; i++) print info[i]
  print ""
  print "| workload | median us/op | min | max | x floor (floor) | allocs/op | peak heap B | left allocated B |"
  print "|---|---:|---:|---:|---|---:|---:|---:|"
  for (i = 1; i <= nr; i++) print row[i]
  print ""
  print "| target | result |"
  print "|---|---|"
  for (i = 1; i <= nt; i++) print tgt[i]
  if (nc > 0) {
    print ""
    print "| input | DER bytes | elements/certs added | median us | ns/byte | peak heap B | peak B per input B |"
    print "|---|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= nc; i++) print crv[i]
  }
  if (nh > 0) {
    print ""
    print "| hostile input | DER bytes | items | median us | ns/byte | peak heap B | peak B per input B |"
    print "|---|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= nh; i++) print hst[i]
  }
  if (nr == 0) exit 1
}'
