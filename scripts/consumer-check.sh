#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Builds tests/consumer, a CA product's first use of csrattest, the three
# ways an integrator would: find_package and pkg-config against the tree
# `cmake --install` makes from BUILD (default build/, already built), and
# add_subdirectory of this source tree. Each consumer must run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
src=$top/tests/consumer
prefix=$work/prefix
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf '%s\n' "consumer: $*"; }

# A real attested request, made fresh by the project's own sample maker.
"$build/csrattest-samples" "$work/samples" >/dev/null
sample="$work/samples/request.pem $work/samples/root.pem $(cat "$work/samples/nonce.hex")"

# run BIN: the consumer refuses a malformed request and verifies the sample;
# BIN_interposed, with a host's span_at, ber_decode, ... linked in, too.
run() {
	"$@"
	# shellcheck disable=SC2086
	"$@" $sample
}

cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name csrattest.pc | head -n 1)
[ -n "$pc" ] || { say "no csrattest.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libcsrattest.a" "$libdir/libcsrattest.so" "$prefix/include/csrattest/verify.h" \
    "$libdir/cmake/csrattest/csrattestConfig.cmake" "$prefix/bin/csrattest" \
    "$prefix/share/man/man1/csrattest.1"; do
	[ -e "$f" ] || { say "not installed: ${f#"$prefix"/}"; exit 1; }
done
# Only the public headers are installed.
extra=$(find "$prefix/include" -type f ! -path "$prefix/include/csrattest/*.h")
[ -z "$extra" ] || { say "installed besides the public headers: $extra"; exit 1; }

say "find_package, shared"
cmake -S "$src" -B "$work/pkg" -DCSRA_MODE=package -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/pkg" -j"$jobs" >/dev/null
LD_LIBRARY_PATH=$libdir run "$work/pkg/consumer"
LD_LIBRARY_PATH=$libdir run "$work/pkg/consumer_interposed"
ldd "$work/pkg/consumer" | grep -q "$libdir/libcsrattest.so" || { say "not linked to the shared library"; exit 1; }

say "find_package, static"
cmake -S "$src" -B "$work/pkg-static" -DCSRA_MODE=package -DCSRATTEST_USE_STATIC=ON \
	-DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/pkg-static" -j"$jobs" >/dev/null
run "$work/pkg-static/consumer"
run "$work/pkg-static/consumer_interposed"
if ldd "$work/pkg-static/consumer" | grep -q libcsrattest; then say "static consumer loads libcsrattest.so"; exit 1; fi

say "pkg-config, shared and static"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror -o "$work/pc" "$src/consumer.c" $(pkg-config --cflags --libs csrattest)
# shellcheck disable=SC2046
LD_LIBRARY_PATH=$libdir run "$work/pc"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror -o "$work/pc-static" "$src/consumer.c" $(pkg-config --cflags csrattest) \
	"$libdir/libcsrattest.a" $(pkg-config --static --libs csrattest | sed 's/-lcsrattest//')
run "$work/pc-static"

say "add_subdirectory"
cmake -S "$src" -B "$work/sub" -DCSRA_MODE=subdirectory -DCSRA_SOURCE="$top" >/dev/null
# As a subproject only the library is built: no tests, harnesses, benchmarks or CLI.
if cmake --build "$work/sub" --target help | grep -Eq 'csra_test_|csra_fuzz_|csra_bench_|csrattest_cli'; then
	say "a subproject build defines csrattest's tests, harnesses, benchmarks or CLI"
	exit 1
fi
cmake --build "$work/sub" -j"$jobs" >/dev/null
run "$work/sub/consumer"
run "$work/sub/consumer_interposed"
# The shared library exports the public API and nothing else.
python3 "$top/scripts/public-api.py" check-so "$top/include" "$libdir/libcsrattest.so"
say "all three ways build and run"
