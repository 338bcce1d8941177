#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Regenerates generated/ and runtime/skeleton/ from asn1/ with Debian's
# asn1c 0.9.28, then applies runtime/patches/*.patch to the skeletons.
#   scripts/regen.sh          rewrite the committed trees
#   scripts/regen.sh --check  regenerate into a temporary tree and fail
#                             if it differs from what is committed (CI)
# asn1c may print FATAL and still exit 0, so its output is checked too.
set -eu

ASN1C_WANT="0.9.28"
ASN1C_FLAGS="-fwide-types -fcompound-names -fincludes-quoted -pdu=all"
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-write}

command -v asn1c >/dev/null 2>&1 || { echo "regen: asn1c not found (apt-get install asn1c)" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "regen: python3 not found" >&2; exit 1; }
ver=$(asn1c -v 2>&1 | sed -n 's/^ASN.1 Compiler, v\([0-9.]*\).*/\1/p')
[ "$ver" = "$ASN1C_WANT" ] || { echo "regen: need asn1c $ASN1C_WANT, found '$ver'" >&2; exit 1; }
skel=/usr/share/asn1c

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out" "$work/generated" "$work/skeleton"

# Sorted module list: the order is part of the command line we record.
# asn1c writes the module's path into every file, so it is given the same
# relative path (../asn1/NAME) wherever the checkout lives.
modules=$(cd "$top" && ls asn1/*.asn1 | LC_ALL=C sort)
mkdir -p "$work/asn1"
cp "$top"/asn1/*.asn1 "$work/asn1/"
( cd "$work/out" && for m in $modules; do echo "../$m"; done | xargs asn1c $ASN1C_FLAGS ) >"$work/asn1c.log" 2>&1 || {
	cat "$work/asn1c.log" >&2; echo "regen: asn1c failed" >&2; exit 1; }
if grep -Eiq 'WARNING|FATAL|ERROR' "$work/asn1c.log"; then
	grep -Ei 'WARNING|FATAL|ERROR' "$work/asn1c.log" >&2
	echo "regen: asn1c reported problems" >&2
	exit 1
fi

# asn1c 0.9.28 has no -no-gen-example.
rm -f "$work/out/converter-sample.c" "$work/out/Makefile.am.sample"
for f in "$work"/out/*; do
	b=$(basename "$f")
	if [ -f "$skel/$b" ]; then
		cmp -s "$f" "$skel/$b" || { echo "regen: $b differs from $skel/$b" >&2; exit 1; }
		cp "$f" "$work/skeleton/$b"
	else
		cp "$f" "$work/generated/$b"
	fi
done

for p in $(ls "$top"/runtime/patches/*.patch 2>/dev/null | LC_ALL=C sort); do
	patch -s -p1 -d "$work/skeleton" --no-backup-if-mismatch <"$p" || {
		echo "regen: patch $(basename "$p") does not apply" >&2; exit 1; }
done

python3 "$top/scripts/gen_oids.py" "$top/asn1/CSRA-OIDs.asn1" \
	"$work/generated/csra_oid_table.h" "$work/generated/csra_oid_table.c"

{
	echo "# Written by scripts/regen.sh. Do not edit."
	echo "asn1c: $(asn1c -v 2>&1 | head -n 1)"
	echo "package: asn1c $(dpkg-query -W -f='${Version}' asn1c 2>/dev/null || echo unknown)"
	echo "command: asn1c $ASN1C_FLAGS $(echo $modules | tr '\n' ' ')"
	echo "removed: converter-sample.c Makefile.am.sample"
	echo "skeletons: runtime/skeleton/ with runtime/patches/*.patch applied"
	echo "oids: scripts/gen_oids.py asn1/CSRA-OIDs.asn1"
} >"$work/generated/ASN1C-COMMAND.txt"

if [ "$mode" = "--check" ]; then
	rc=0
	diff -ru "$top/generated" "$work/generated" || rc=1
	diff -ru "$top/runtime/skeleton" "$work/skeleton" || rc=1
	if [ $rc -ne 0 ]; then
		echo "regen: generated/ or runtime/skeleton/ drifted from asn1/ and runtime/patches/; run scripts/regen.sh" >&2
		exit 1
	fi
	echo "regen: generated/ and runtime/skeleton/ match asn1/"
	exit 0
fi
rm -rf "$top/generated" "$top/runtime/skeleton"
cp -R "$work/generated" "$top/generated"
cp -R "$work/skeleton" "$top/runtime/skeleton"
echo "regen: wrote generated/ ($(ls "$top/generated" | wc -l) files) and runtime/skeleton/"
