#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs, builds, makes fresh sample data with the project's own tools,
# and verifies it: the README's first command.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
out=build/samples
build/csrattest-samples "$out"
echo
echo "== csrattest dump $out/evidence.pem"
build/csrattest dump "$out/evidence.pem"
echo
echo "== csrattest verify-evidence $out/evidence.pem --trust $out/root.pem --nonce $(cat "$out/nonce.hex") --timestamp-window 300:60"
build/csrattest verify-evidence "$out/evidence.pem" --trust "$out/root.pem" \
	--nonce "$(cat "$out/nonce.hex")" --timestamp-window 300:60
echo
echo "== the same Evidence with a nonce the CA did not issue"
build/csrattest verify-evidence "$out/evidence.pem" --trust "$out/root.pem" --nonce 00 \
	| grep -E 'REJECTED|FAIL' || true
