#!/bin/bash -eu
# SPDX-License-Identifier: BSD-2-Clause
#
# OSS-Fuzz and ClusterFuzzLite build: every fuzz harness of csrattest,
# compiled with the environment's $CC and $CFLAGS, linked with
# $LIB_FUZZING_ENGINE, into $OUT, each with its seed corpus
# ($OUT/<harness>_seed_corpus.zip: fuzz/corpus and the fixed reproducers
# of fuzz/repro) and dictionary ($OUT/<harness>.dict). The alloc-fail
# variants (<harness>_allocfail, fuzz/fuzz_alloc.h) share them.
#
# The sources are $CSRA_SRC, else $SRC/csrattest, else the tree this
# script is in, else the working directory.
#
# The runner image lacks OpenSSL 3, jansson and libtss2-mu, and Debian and
# Ubuntu ship no static libtss2-mu: the shared libraries the harnesses use
# are copied to $OUT/lib, which their RUNPATH ($ORIGIN/lib) names.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${CSRA_SRC:-}" ]; then
	src=$CSRA_SRC
elif [ -f "${SRC:-/nonexistent}/csrattest/CMakeLists.txt" ]; then
	src=$SRC/csrattest
elif [ -f "$here/../fuzz/CMakeLists.txt" ]; then
	src=$(cd "$here/.." && pwd)
else
	src=$(pwd)
fi
[ -f "$src/fuzz/CMakeLists.txt" ] || { echo "build.sh: no csrattest sources in $src" >&2; exit 1; }
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?OUT must be set}"
build=${WORK:-/tmp}/csrattest-fuzz-build
mkdir -p "$OUT/lib"

# CFLAGS carry the sanitizer and coverage flags; CSRA_FUZZ_CFLAGS (the
# project's own choice of them) is emptied so the two cannot clash.
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
	-DCMAKE_BUILD_TYPE=None -DCSRA_BENCH=OFF -DCSRA_FUZZ=ON -DCSRA_FUZZ_CFLAGS= \
	-DCSRA_FUZZ_LDFLAGS="$LIB_FUZZING_ENGINE" -DCSRA_FUZZ_WERROR=OFF \
	-DCSRA_FUZZ_ALLOC_VARIANTS=ON '-DCMAKE_BUILD_RPATH=$ORIGIN/lib'
cmake --build "$build" -j"$(nproc)" --target csra_fuzz_harnesses

for bin in "$build"/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=$(basename "$bin")
	h=${name#fuzz_}
	h=${h%_allocfail}
	cp "$bin" "$OUT/$name"
	cp "$src/fuzz/dict/$h.dict" "$OUT/$name.dict"
	rm -f "$OUT/${name}_seed_corpus.zip"
	# -j: flat, as libFuzzer reads a corpus; repro files are fixed bugs,
	# worth keeping in view.
	find "$src/fuzz/corpus/$h" "$src/fuzz/repro/$h" -type f 2>/dev/null |
		zip -q -j "$OUT/${name}_seed_corpus.zip" -@
done

# The harnesses' shared libraries from the build image, for the runner.
for lib in $(ldd "$OUT/fuzz_decode" | awk '$3 ~ /^\// { print $3 }'); do
	case $(basename "$lib") in
	libcrypto.so.* | libjansson.so.* | libtss2-*.so.*) cp -L "$lib" "$OUT/lib/" ;;
	esac
done
