#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs what csrattest needs on Debian 12, from Debian's packages only.
set -eu
pkgs="asn1c cmake make gcc clang libclang-rt-14-dev llvm libssl-dev openssl libjansson-dev libtss2-dev zlib1g-dev libxml2-dev libp11-kit-dev softhsm2 opensc pkg-config python3 patch diffutils binutils abigail-tools python3-jsonschema"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
