#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs, builds and runs every test: the generated-code drift check, the
# unit and regression tests (Release, then ASan+UBSan), and the fuzz
# harnesses' corpus replay.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# Each stage says when it starts, so CI's time can be read from its log.
t0=$(date +%s)
stage() { echo "== $* (at $(($(date +%s) - t0)) s)"; }
stage "install the dependencies"
scripts/install-deps.sh
# install-deps.sh installed SoftHSM: its tests may not skip here.
export CSRA_REQUIRE_SOFTHSM=1
# ... and python3-jsonschema: the records the CLI tests print are validated.
export CSRA_REQUIRE_SCHEMA=1
jobs=$(nproc 2>/dev/null || echo 2)

stage "generated/ matches asn1/ and runtime/patches/"
scripts/regen.sh --check

stage "the vendor trust bundle: fingerprints as listed, built from trust/"
python3 scripts/trust-bundle.py --check

stage "cmake/csrattest.map exports exactly the public headers' functions"
map=$(mktemp)
python3 scripts/public-api.py map include "$map"
diff -u cmake/csrattest.map "$map" || { echo "cmake/csrattest.map is stale: scripts/public-api.py map include cmake/csrattest.map"; exit 1; }
rm -f "$map"

stage "the shared library's ABI against the last release's (abi/)"
scripts/abi-check.sh

stage "build and test (Release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
stage "every call in the library goes down its layers"
python3 scripts/layers.py build .
stage "every check's message template is a literal csra_result_add can format"
python3 scripts/check-messages.py .
(cd build && ctest --output-on-failure -j"$jobs")

stage "the library as a CA product uses it: installed (find_package, pkg-config) and vendored (add_subdirectory)"
scripts/consumer-check.sh build

stage "build and test with clang (Release; the glibc < 2.34 fallbacks; without the generated decode, as a cross build; the fuzz replays run in the other builds)"
cmake -S . -B build-clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DCSRA_BENCH=OFF \
	-DCSRA_PORTABLE_FALLBACKS=ON -DCSRA_FAST_DECODE=OFF >/dev/null
cmake --build build-clang -j"$jobs"
(cd build-clang && ctest --output-on-failure -j"$jobs" -LE fuzz)

stage "build and test (ASan+UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCSRA_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j"$jobs")

stage "build and test (ThreadSanitizer: the shared verifier and its cache)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCSRA_TSAN=ON >/dev/null
cmake --build build-tsan -j"$jobs" --target csra_test_threads csra_test_cache csra_test_issuer_cache csra_test_result
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top/tests/tsan.supp" \
	ctest --output-on-failure -R '^test_(threads|cache|issuer_cache|result)$')

# Every fuzz harness for a short while under ASan+UBSan, two at a time on
# two cores; then again with allocations failing. Any finding fails CI and
# leaves its reproducer in fuzz/repro/.
stage "fuzz harnesses (clang, libFuzzer, ASan+UBSan)"
CSRA_FUZZ_JOBS="$jobs" CSRA_FUZZ_ALLOC_FAIL=0 scripts/fuzz.sh "${CSRA_FUZZ_SECONDS:-6}"
if [ "${CSRA_FUZZ_ALLOC_SECONDS:-2}" != 0 ]; then
	CSRA_FUZZ_JOBS="$jobs" CSRA_FUZZ_ALLOC_FAIL=1 scripts/fuzz.sh "${CSRA_FUZZ_ALLOC_SECONDS:-2}"
fi
stage "done"
