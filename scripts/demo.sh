#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs, builds, makes fresh sample data with the project's own tools,
# and verifies an attested certificate request: the README's first command.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
out=build/samples
build/csrattest-samples "$out"
nonce=$(cat "$out/nonce.hex")
echo
echo "== csrattest verify $out/request.pem --trust $out/root.pem --nonce $nonce"
echo "   (PKCS#10 request carrying PKIX Evidence from a demo HSM, policy cabf-csbr)"
build/csrattest verify "$out/request.pem" --trust "$out/root.pem" --nonce "$nonce"
echo
echo "== the same request, with a nonce the CA did not issue"
build/csrattest verify "$out/request.pem" --trust "$out/root.pem" --nonce 00 \
	| grep -E 'REJECTED|FAIL' || true
echo
echo "More: build/csrattest dump $out/request.pem, build/csrattest verify --json ..."
