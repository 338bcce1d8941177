#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The ABI of libcsrattest.so against the last release's (abi/csrattest-X.Y.Z.abi,
# libabigail's abidw of the public headers' types and functions).
#
#   scripts/abi-check.sh            compare; fail on an incompatible change
#                                   that the version in csrattest/version.h
#                                   does not announce (a new major; before
#                                   1.0.0, a new minor)
#   scripts/abi-check.sh --update   at a release: write the dump for the
#                                   version in version.h
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bdir=build-abi
jobs=$(nproc 2>/dev/null || echo 2)
version=$(sed -n 's/^#define CSRA_VERSION_STRING "\(.*\)"$/\1/p' include/csrattest/version.h)
[ -n "$version" ] || { echo "abi-check: no CSRA_VERSION_STRING in version.h" >&2; exit 2; }

# A debug build of the shared library alone: abidw reads its DWARF.
cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Debug -DCSRA_BUILD_TESTS=OFF -DCSRA_BUILD_TOOLS=OFF \
	-DCSRA_BENCH=OFF -DCSRA_INSTALL=OFF -DCSRA_BUILD_SHARED=ON >/dev/null
cmake --build "$bdir" -j"$jobs" --target csrattest_shared >/dev/null
cur=$bdir/csrattest.abi
abidw --headers-dir include/csrattest --no-corpus-path --no-show-locs --no-comp-dir-path \
	--drop-private-types --drop-undefined-syms --type-id-style hash "$bdir/libcsrattest.so" >"$cur"

if [ "${1:-}" = "--update" ]; then
	cp "$cur" "abi/csrattest-$version.abi"
	echo "abi-check: wrote abi/csrattest-$version.abi"
	exit 0
fi

base=$(ls abi/csrattest-*.abi 2>/dev/null | sed 's/.*csrattest-\(.*\)\.abi$/\1/' | sort -V | tail -n 1)
[ -n "$base" ] || { echo "abi-check: no release dump in abi/" >&2; exit 2; }
rc=0
abidiff "abi/csrattest-$base.abi" "$cur" >"$bdir/abidiff.txt" || rc=$?
# abidiff's status is a bit field: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
if [ $((rc & 3)) -ne 0 ]; then
	cat "$bdir/abidiff.txt"
	echo "abi-check: abidiff failed ($rc)" >&2
	exit 2
fi
major() { echo "$1" | cut -d. -f1; }
minor() { echo "$1" | cut -d. -f2; }
if [ "$(major "$base")" = 0 ]; then
	same_series=$([ "$(major "$version")" = 0 ] && [ "$(minor "$version")" = "$(minor "$base")" ] && echo y || echo n)
else
	same_series=$([ "$(major "$version")" = "$(major "$base")" ] && echo y || echo n)
fi
# abidiff flags only removals as incompatible; a changed parameter list or
# struct layout is just "changed". Anything removed or changed (beyond what
# abidiff itself filters out as harmless) breaks callers built against the
# release; only additions do not.
changed=$(sed -n 's/^\(Functions\|Variables\) changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\2 \3/p' \
	"$bdir/abidiff.txt" | awk '{ n += $1 + $2 } END { print n + 0 }')
if [ $((rc & 8)) -ne 0 ] || [ "$changed" -gt 0 ]; then
	cat "$bdir/abidiff.txt"
	if [ "$same_series" = y ]; then
		echo "abi-check: incompatible ABI change since $base, and version.h still says $version" >&2
		exit 1
	fi
	echo "abi-check: incompatible ABI change since $base, announced by version $version"
elif [ $((rc & 4)) -ne 0 ]; then
	cat "$bdir/abidiff.txt"
	echo "abi-check: compatible ABI change since $base (additions)"
else
	echo "abi-check: ABI unchanged since $base"
fi
