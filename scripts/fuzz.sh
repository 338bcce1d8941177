#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Builds the libFuzzer harnesses with clang (build-fuzz/, ASan+UBSan) and
# runs each for SECONDS (default 30).
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
# Environment:
#   CSRA_FUZZ_ALLOC_FAIL=1  alloc-fail mode: each input runs a second time
#                           with allocations failing (fuzz/fuzz_alloc.h)
#   CSRA_FUZZ_JOBS=N        run N harnesses at a time (default 1)
#   CSRA_SHARED_DIR         replaces ../shared
# Corpora: fuzz/corpus/<h> (committed), build/fuzz-seeds/<h> (from
# ../shared, not committed) and build-fuzz/corpus/<h>, the work corpus new
# inputs are merged into. A crash, leak, timeout or OOM is minimised and
# copied to fuzz/repro/<h>/ (repro-allocfail-* in alloc-fail mode, which
# the replay runner then uses), for the developer to commit once fixed
# (ctest replays it), and the script then exits non-zero.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-30}
[ $# -gt 0 ] && shift
case $secs in *[!0-9]* | '') echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac
# Every harness fuzz/CMakeLists.txt builds: one list, so a new one is run.
all=$(sed -n '/^set(CSRA_FUZZ_HARNESSES/,/)/p' fuzz/CMakeLists.txt | sed 's/set(CSRA_FUZZ_HARNESSES//; s/)//' | tr -s ' \n' ' ')
[ -n "$(echo "$all" | tr -d ' ')" ] || { echo "fuzz: no harness list in fuzz/CMakeLists.txt" >&2; exit 2; }
harnesses=${*:-$all}
bdir="$top/build-fuzz"
jobs=$(nproc 2>/dev/null || echo 2)
par=${CSRA_FUZZ_JOBS:-1}
case $par in *[!0-9]* | '' | 0) echo "fuzz: CSRA_FUZZ_JOBS must be a positive number" >&2; exit 2 ;; esac
alloc=${CSRA_FUZZ_ALLOC_FAIL:-0}
[ "$alloc" = 0 ] && alloc=""
export CSRA_FUZZ_ALLOC_FAIL="${alloc:-0}"
suffix=${alloc:+-allocfail}

command -v clang >/dev/null 2>&1 || { echo "fuzz: clang not found" >&2; exit 1; }
cmake -S . -B "$bdir" -DCMAKE_C_COMPILER=clang -DCSRA_FUZZ=ON -DCSRA_BENCH=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$bdir" -j"$jobs" --target csra_fuzz_harnesses >/dev/null
sh scripts/fuzz-seed.sh --no-corpus --shared "${CSRA_SHARED_DIR:-$top/../shared}" \
	--shared-out "$top/build/fuzz-seeds" >/dev/null

export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_one H: fuzzes H; leaves a summary line in $run/summary, findings in
# $run/report and a file $run/failed if there were any.
run_one() {
	h=$1
	bin="$bdir/fuzz/fuzz_$h"
	run="$bdir/runs/$h$suffix"
	rm -rf "$run"
	mkdir -p "$run/new" "$run/artifacts" "$bdir/corpus/$h"
	# fuzz/repro is left to ctest: an unfixed reproducer in the corpus would
	# stop the run before it starts.
	dirs="$bdir/corpus/$h fuzz/corpus/$h"
	[ -d "build/fuzz-seeds/$h" ] && dirs="$dirs build/fuzz-seeds/$h"
	# New inputs go to the first directory; they are merged below, so the
	# work corpus only grows by what adds coverage.
	rc=0
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-dict="fuzz/dict/$h.dict" -artifact_prefix="$run/artifacts/" \
		"$run/new" $dirs >"$run/log" 2>&1 || rc=$?
	if [ -n "$(ls "$run/new")" ]; then
		"$bin" -merge=1 -dict="fuzz/dict/$h.dict" "$bdir/corpus/$h" "$run/new" \
			>"$run/merge.log" 2>&1 || true
	fi
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
	cov=$(grep -o 'cov: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)
	result=ok
	: >"$run/report"
	if [ "$rc" != 0 ] || [ -n "$(ls "$run/artifacts")" ]; then
		result="FAILED (rc $rc, log $run/log)"
		: >"$run/failed"
		mkdir -p "fuzz/repro/$h"
		for a in "$run"/artifacts/*; do
			[ -f "$a" ] || continue
			case $(basename "$a") in minimized-from-*) continue ;; esac
			kind=$(basename "$a" | cut -d- -f1)
			min="$a"
			if [ "$kind" = crash ] || [ "$kind" = leak ]; then
				# Minimising writes minimized-from-* candidates; keep the smallest.
				(cd "$run/artifacts" && "$bin" -minimize_crash=1 -max_total_time=60 \
					-runs=100000 "$a" >"$run/minimize.log" 2>&1) || true
				best=$(ls -S "$run"/artifacts/minimized-from-* 2>/dev/null | tail -n 1 || true)
				[ -n "$best" ] && min="$best"
			fi
			# Named repro-*: .gitignore keeps crash-* out of git.
			sum=$(sha1sum "$min" | cut -c1-16)
			cp "$min" "fuzz/repro/$h/repro${suffix}-$kind-$sum"
			echo "fuzz: $h: $(basename "$a") -> fuzz/repro/$h/repro${suffix}-$kind-$sum" >>"$run/report"
		done
		sed -n '/fuzz check failed\|runtime error\|^==[0-9]*==ERROR/,/^SUMMARY/p' "$run/log" |
			head -n 60 >>"$run/report"
	fi
	printf '%-15s %10s %12s %7s %7s  %s\n' "$h$suffix" "${eps:-?}" "${execs:-?}" "${cov:-?}" \
		"${ft:-?}" "$result" >"$run/summary"
}

failed=""
printf '%-15s %10s %12s %7s %7s  %s\n' harness "exec/s" execs cov ft result
# shellcheck disable=SC2086
set -- $harnesses
while [ $# -gt 0 ]; do
	batch=""
	while [ $# -gt 0 ] && [ "$(echo $batch | wc -w)" -lt "$par" ]; do
		[ -x "$bdir/fuzz/fuzz_$1" ] || { echo "fuzz: no harness $1" >&2; exit 2; }
		batch="$batch $1"
		run_one "$1" &
		shift
	done
	wait
	for h in $batch; do
		run="$bdir/runs/$h$suffix"
		cat "$run/summary"
		cat "$run/report" >&2
		[ -e "$run/failed" ] && failed="$failed $h"
	done
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed" >&2
	exit 1
fi
