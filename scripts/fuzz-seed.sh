#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Fuzz seeds, from two sources kept apart:
#
#  1. fuzz/corpus/<harness>/ (committed): the project's own. OpenSSL makes
#     keys, certificates and requests; fuzz/seedgen.c builds Evidence,
#     bundles, TPM statements, CRMF, attested requests and claim values
#     around them. Keys are random, so existing files are kept unless
#     --force is given: rerunning does not churn the committed corpus.
#     fuzz/seedgen_request.c (built with the library in CSRA_BUILD_DIR,
#     default build/) writes fuzz/fixtures/root.der and the seeds of
#     verify_request (complete requests that verify under the harness,
#     from fixed keys), policy and external_reply.
#
#  2. <shared-out>/<harness>/ (never committed; default build/fuzz-seeds):
#     DER converted from ../shared/vectors, which are not ours to commit.
#     Rewritten on every run; skipped when the shared directory is absent.
#
#   scripts/fuzz-seed.sh [--force] [--no-corpus] [--shared DIR] [--shared-out DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
force=0
corpus=1
shared="$top/../shared"
shared_out="$top/build/fuzz-seeds"
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--no-corpus) corpus=0 ;;
	--shared) shared=$2; shift ;;
	--shared-out) shared_out=$2; shift ;;
	*) echo "usage: $0 [--force] [--no-corpus] [--shared DIR] [--shared-out DIR]" >&2; exit 2 ;;
	esac
	shift
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The selector byte of fuzz_decode / fuzz_der_roundtrip: csra_pdu - 1.
SEL_EVIDENCE=0 SEL_EBUNDLE=2 SEL_CSR=3 SEL_CERT=5 SEL_TPM=6 SEL_C4A=10

# put DIR NAME FILE [SELECTOR]: copy FILE to DIR/NAME, optionally with the
# selector byte in front.
put() {
	mkdir -p "$1"
	if [ $# -ge 4 ]; then
		{ printf "\\$(printf %03o "$4")"; cat "$3"; } >"$1/$2"
	else
		cp "$3" "$1/$2"
	fi
}

# pem LABEL FILE: FILE's bytes as one PEM block (64-column lines).
pem() {
	echo "-----BEGIN $1-----"
	base64 -w 64 "$2"
	echo "-----END $1-----"
}

# unpem FILE: the DER of the first PEM block in FILE.
unpem() {
	sed -n '/^-----BEGIN /,/^-----END /p' "$1" | sed '/^-----/d' | base64 -d
}

# ---------------------------------------------------------------- corpus
if [ "$corpus" = 1 ]; then
	command -v openssl >/dev/null 2>&1 || { echo "fuzz-seed: openssl not found" >&2; exit 1; }
	cc=${CC:-cc}
	g="$work/gen"
	s="$work/stage"
	mkdir -p "$g" "$s"
	ossl() { openssl "$@" 2>>"$g/openssl.log" || { cat "$g/openssl.log" >&2; exit 1; }; }

	# A small PKI: P-256 root, P-256 attestation key certified by it with
	# the draft's EKU, plus RSA and Ed25519 self-signed certificates and
	# requests for variety of key and signature algorithms.
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/ca.key" \
		-subj "/C=ZZ/O=csrattest/CN=Seed Root" -days 3650 -outform DER -out "$g/ca.der" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/ak.key" \
		-subj "/CN=Seed AK" -out "$g/ak.csr"
	printf '%s\n' "keyUsage=critical,digitalSignature" "extendedKeyUsage=1.3.6.1.5.5.7.3.999" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$g/ak.ext"
	ossl x509 -req -in "$g/ak.csr" -CA "$g/ca.der" -CAform DER -CAkey "$g/ca.key" \
		-set_serial 4660 -days 3650 -extfile "$g/ak.ext" -outform DER -out "$g/ak.der"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/csr.key" \
		-subj "/CN=x" -outform DER -out "$g/csr-p256.der"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "$g/csr2.key" \
		-subj "/C=ZZ/ST=S/L=L/O=csrattest/OU=seeds/CN=ext.example" \
		-addext "subjectAltName=DNS:ext.example,IP:192.0.2.1" -addext "keyUsage=digitalSignature" \
		-outform DER -out "$g/csr-ext-p384.der"
	ossl req -new -newkey rsa:2048 -nodes -keyout "$g/rsa.key" -subj "/CN=rsa" \
		-outform DER -out "$g/csr-rsa.der"
	ossl req -new -newkey ed25519 -nodes -keyout "$g/ed.key" -subj "/CN=ed25519" \
		-outform DER -out "$g/csr-ed25519.der"
	ossl req -x509 -key "$g/rsa.key" -subj "/CN=rsa" -days 30 -sigopt rsa_padding_mode:pss \
		-outform DER -out "$g/cert-rsa-pss.der"
	ossl req -x509 -key "$g/ed.key" -subj "/CN=ed25519" -days 30 -outform DER -out "$g/cert-ed25519.der"

	# Evidence, bundles, TPM, CRMF, claims: built by seedgen around the above.
	$cc -std=c11 -O1 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -I"$top/fuzz" -I"$top/generated" \
		-o "$g/seedgen" "$top/fuzz/seedgen.c" "$top/generated/csra_oid_table.c"
	"$g/seedgen" "$s" "$g/ca.der" "$g/ak.der" "$g/csr-p256.der"

	for f in ca ak cert-rsa-pss cert-ed25519; do
		put "$s/cert" "${f#cert-}" "$g/$f.der"
		put "$s/decode" "cert-${f#cert-}" "$g/$f.der" $SEL_CERT
		put "$s/der_roundtrip" "cert-${f#cert-}" "$g/$f.der" $SEL_CERT
	done
	for f in csr-p256 csr-ext-p384 csr-rsa csr-ed25519; do
		put "$s/csr" "${f#csr-}" "$g/$f.der"
		put "$s/decode" "$f" "$g/$f.der" $SEL_CSR
		put "$s/der_roundtrip" "$f" "$g/$f.der" $SEL_CSR
	done

	# fuzz_certbag: each envelope vendors use, made from the seed PKI.
	cb="$s/certbag"
	mkdir -p "$cb"
	cp "$g/ca.der" "$cb/cert.der"
	{ pem CERTIFICATE "$g/ak.der"; pem CERTIFICATE "$g/ca.der"; } >"$cb/chain.pem"
	ossl x509 -inform DER -in "$g/ak.der" -out "$g/ak.pem"
	ossl x509 -inform DER -in "$g/ca.der" -out "$g/ca.pem"
	ossl crl2pkcs7 -nocrl -certfile "$g/ak.pem" -certfile "$g/ca.pem" -outform DER -out "$cb/certs-only.p7b"
	ossl crl2pkcs7 -nocrl -certfile "$g/ak.pem" -certfile "$g/ca.pem" -out "$cb/certs-only-p7.pem"
	{ printf 'x\n'; pem CERTIFICATE "$g/ca.der"; } >"$cb/text-before.pem"

	# fuzz_yubico: bags shaped like a YubiKey's (slot certificate <- F9
	# without basicConstraints <- root) and a YubiHSM 2's (key <- device
	# <- root), with Yubico's extensions, from the seed root.
	y="$s/yubico"
	mkdir -p "$y"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/f9.key" \
		-subj "/CN=Yubico PIV Attestation" -out "$g/f9.csr"
	printf '%s\n' "1.3.6.1.4.1.41482.3.3=DER:050303" >"$g/f9.ext"
	ossl x509 -req -in "$g/f9.csr" -CA "$g/ca.der" -CAform DER -CAkey "$g/ca.key" \
		-set_serial 4661 -days 3650 -extfile "$g/f9.ext" -out "$g/f9.pem"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/slot.key" \
		-subj "/CN=YubiKey PIV Attestation 9a" -out "$g/slot.csr"
	printf '%s\n' "1.3.6.1.4.1.41482.3.3=DER:050303" "1.3.6.1.4.1.41482.3.7=DER:02023039" \
		"1.3.6.1.4.1.41482.3.8=DER:0302" "1.3.6.1.4.1.41482.3.9=DER:82" >"$g/slot.ext"
	ossl x509 -req -in "$g/slot.csr" -CA "$g/f9.pem" -CAkey "$g/f9.key" \
		-set_serial 4662 -days 3650 -extfile "$g/slot.ext" -out "$g/slot.pem"
	cat "$g/slot.pem" "$g/f9.pem" >"$y/piv-chain.pem"
	cat "$g/f9.pem" "$g/slot.pem" "$g/ca.pem" >"$y/piv-chain-root-reversed.pem"
	ossl crl2pkcs7 -nocrl -certfile "$g/slot.pem" -certfile "$g/f9.pem" -outform DER -out "$y/piv.p7b"
	ossl x509 -in "$g/slot.pem" -outform DER -out "$y/piv-slot-only.der"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/dev.key" \
		-subj "/CN=YubiHSM Attestation (12345)" -out "$g/dev.csr"
	printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" "1.3.6.1.4.1.41482.4.1=DER:0403020200" \
		"1.3.6.1.4.1.41482.4.2=DER:02023039" "1.3.6.1.4.1.41482.4.10=DER:020105" >"$g/dev.ext"
	ossl x509 -req -in "$g/dev.csr" -CA "$g/ca.der" -CAform DER -CAkey "$g/ca.key" \
		-set_serial 4663 -days 3650 -extfile "$g/dev.ext" -out "$g/dev.pem"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$g/hk.key" \
		-subj "/CN=YubiHSM Attestation id:0x0024" -out "$g/hk.csr"
	printf '%s\n' "1.3.6.1.4.1.41482.4.1=DER:0403020200" "1.3.6.1.4.1.41482.4.2=DER:02023039" \
		"1.3.6.1.4.1.41482.4.3=DER:03020001" "1.3.6.1.4.1.41482.4.4=DER:030300000c" \
		"1.3.6.1.4.1.41482.4.5=DER:0309000000000400010660" "1.3.6.1.4.1.41482.4.6=DER:020124" \
		"1.3.6.1.4.1.41482.4.9=DER:0c0473656564" >"$g/hk.ext"
	ossl x509 -req -in "$g/hk.csr" -CA "$g/dev.pem" -CAkey "$g/dev.key" \
		-set_serial 4664 -days 3650 -extfile "$g/hk.ext" -out "$g/hk.pem"
	cat "$g/hk.pem" "$g/dev.pem" >"$y/hsm-chain.pem"
	ossl crl2pkcs7 -nocrl -certfile "$g/hk.pem" -certfile "$g/dev.pem" -outform DER -out "$y/hsm.p7b"

	# fuzz_crypto4a: ATTESTATION MESSAGEs shaped like the QASM's (the
	# sample's claims, an ECDSA P-384 block by an AK the seed root
	# certifies with the QASM AK EKU, an HSS/LMS-labelled block, the
	# root in certificates [0]), in DER and PEM, and "all"-policy forms
	# (0x31 in front: fuzz_crypto4a.c).
	c4="$s/crypto4a"
	mkdir -p "$c4"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "$g/c4a.key" \
		-subj "/CN=Seed QASM Assertion Authority EC" -out "$g/c4a.csr"
	printf '%s\n' "keyUsage=critical,digitalSignature" "extendedKeyUsage=1.3.6.1.4.1.39901.4.1.1" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$g/c4a.ext"
	ossl x509 -req -in "$g/c4a.csr" -CA "$g/ca.der" -CAform DER -CAkey "$g/ca.key" \
		-set_serial 4665 -days 3650 -extfile "$g/c4a.ext" -outform DER -out "$g/c4a.der"
	ossl req -new -key "$g/csr.key" -subj "/CN=x" -outform DER -out "$g/c4a-key.csr"
	ossl req -in "$g/c4a-key.csr" -inform DER -pubkey -noout -out "$g/c4a-key.pub"
	ossl pkey -pubin -in "$g/c4a-key.pub" -outform DER -out "$g/c4a-key.spki"
	python3 "$top/scripts/c4a-seed.py" claims "$g/c4a-key.spki" "$g/c4a-claims.der"
	ossl dgst -sha384 -sign "$g/c4a.key" -out "$g/c4a.sig" "$g/c4a-claims.der"
	python3 "$top/scripts/c4a-seed.py" message "$g/c4a-claims.der" "$g/c4a.der" "$g/c4a.sig" \
		"$g/ca.der" "$c4/message.der" "$c4/one-signer.der"
	pem "ATTESTATION MESSAGE" "$c4/message.der" >"$c4/message.pem"
	for m in message one-signer; do
		put "$s/decode" "crypto4a-$m" "$c4/$m.der" $SEL_C4A
		put "$s/der_roundtrip" "crypto4a-$m" "$c4/$m.der" $SEL_C4A
	done
	{ printf '1'; cat "$c4/message.der"; } >"$c4/all-message"

	# fuzz_input: each armour, raw base64, raw DER and broken forms.
	i="$s/input"
	mkdir -p "$i"
	pem EVIDENCE "$s/evidence/full-implicit" >"$i/evidence.pem"
	pem "CERTIFICATE REQUEST" "$s/csr/attested" >"$i/csr.pem"
	pem "NEW CERTIFICATE REQUEST" "$g/csr-p256.der" >"$i/new-csr.pem"
	pem CERTIFICATE "$g/ca.der" >"$i/cert.pem"
	{ printf ' \n'; pem EVIDENCE "$s/evidence/min" | sed 's/$/\r/'; printf '\r\n\t\n'; } >"$i/evidence-crlf.pem"
	{ echo "-----BEGIN EVIDENCE-----   "; echo; base64 -w 0 "$s/evidence/min"; echo
	  echo "-----END EVIDENCE-----	"; } >"$i/evidence-one-line.pem"
	base64 -w 76 "$s/csr/attested-legacy" >"$i/csr.b64"
	cp "$g/csr-p256.der" "$i/csr.der"
	cp "$s/evidence/min" "$i/evidence.der"
	{ pem EVIDENCE "$s/evidence/min"; pem EVIDENCE "$s/evidence/min"; } >"$i/two-blocks.pem"
	{ echo "-----BEGIN EVIDENCE-----"; echo "Proc-Type: 4,ENCRYPTED"; base64 "$s/evidence/min"
	  echo "-----END EVIDENCE-----"; } >"$i/header.pem"
	pem "PRIVATE KEY" "$s/evidence/min" >"$i/unknown-label.pem"
	printf ' \t\r\n' >"$i/whitespace"

	# fuzz_securosys: a flags byte (1: the harness signs the first part,
	# 2: it adds its chain), then parts split at SEP. The XML attests the
	# harness's request key, fuzz/fixtures/root.der's, so that seeds bind.
	sp="$s/securosys"
	mkdir -p "$sp"
	SEP='
--csra-part--
'
	pk=$(openssl x509 -inform DER -in "$top/fuzz/fixtures/root.der" -pubkey -noout |
		openssl pkey -pubin -outform DER | base64 -w 0)
	# sxml FILE [BEFORE-ROOT] [EXTRA-FIELD] [ATTRIBUTES]
	sxml() {
		{ printf '<?xml version="1.0" encoding="UTF-8"?>\n%s<private_key creation="generated">\n' "${2:-}"
		  printf '\t<label>seed</label>\n\t<create_time>2025-10-01T20:31:53Z</create_time>\n'
		  printf '\t<attest_time>2025-10-18T20:19:33Z</attest_time>\n\t<key_use_count>0</key_use_count>\n'
		  printf '\t<algorithm>EC</algorithm>\n\t<algorithm_oid>1.2.840.10045.2.1</algorithm_oid>\n'
		  printf '\t<key_size>256</key_size>\n\t<public_key>%s</public_key>\n%s' "$pk" "${3:-}"
		  printf '\t<attributes>\n\t\t<sign>true</sign>\n\t\t<sensitive>true</sensitive>\n%s' "${4:-}"
		  printf '\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>false</extractable>\n'
		  printf '\t\t<never_extractable>true</never_extractable>\n\t</attributes>\n</private_key>\n'
		} >"$1"
	}
	sxml "$g/s-valid.xml"
	sxml "$g/s-doctype.xml" '<!DOCTYPE private_key [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>
' '	<note>&b;</note>
'
	sxml "$g/s-dup.xml" "" "" '		<extractable>true</extractable>
'
	sxml "$g/s-deep.xml" "" '	<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>x</a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a>
'
	{ printf '\003'; cat "$g/s-valid.xml"; } >"$sp/valid-signed"
	{ printf '\003'; cat "$g/s-valid.xml"; printf '%s' "$SEP"; printf 'not a part'; } >"$sp/rejected-extra-part"
	{ printf '\001'; cat "$g/s-valid.xml"; } >"$sp/rejected-no-chain"
	{ printf '\000'; cat "$g/s-valid.xml"; printf '%s' "$SEP"; head -c 256 /dev/zero | tr '\0' 'A' | base64 -w 0
	  printf '%s' "$SEP"; pem CERTIFICATE "$g/ak.der"; pem CERTIFICATE "$g/ca.der"; } >"$sp/rejected-own-parts"
	{ printf '\003'; cat "$g/s-doctype.xml"; } >"$sp/rejected-doctype"
	{ printf '\003'; cat "$g/s-dup.xml"; } >"$sp/rejected-duplicate"
	{ printf '\003'; cat "$g/s-deep.xml"; } >"$sp/rejected-deep"

	# The library-made seeds: the generator keeps or replaces files itself,
	# and checks that each valid-* request verifies under the harness.
	b=${CSRA_BUILD_DIR:-$top/build}
	cmake -S "$top" -B "$b" >/dev/null
	cmake --build "$b" --target csra_fuzz_seedgen_request >/dev/null
	if [ "$force" = 1 ]; then
		"$b/fuzz/fuzz_seedgen_request" --force "$top/fuzz"
	else
		"$b/fuzz/fuzz_seedgen_request" "$top/fuzz"
	fi

	# fuzz_fastlink: leaves of the harness PKI under its intermediate,
	# whole and as TBS (the harness signs those), written by the harness
	# itself: the issuer's name and key come from the fixed keys.
	if [ "$force" = 1 ] || [ ! -d "$top/fuzz/corpus/fastlink" ]; then
		cmake --build "$b" --target csra_fuzz_fastlink >/dev/null
		mkdir -p "$top/fuzz/corpus/fastlink"
		CSRA_FASTLINK_SEEDGEN="$top/fuzz/corpus/fastlink" "$b/fuzz/fuzz_fastlink" >/dev/null
	fi

	# fuzz_marvell: LiquidSecurity-shaped attestations of our own: a root,
	# a v1 card certificate, an RSA-2048 partition certificate (names as
	# Marvell writes them), an owner root and the owner's card and
	# partition certificates with the same keys; the binary (EC, RSA and
	# secret-key objects) signed by the partition key; as .dat (gzip) or
	# raw + "\n==part==\n" + the certificates, and as MRVL-1 JSON.
	m="$s/marvell"
	mkdir -p "$m"
	mv1="$g/mrvl"
	mkdir -p "$mv1"
	for k in root card part oroot; do ossl genrsa -out "$mv1/$k.key" 2048; done
	ossl req -x509 -key "$mv1/root.key" -subj "/CN=fuzz liquidsecurity root" -days 7300 -out "$mv1/root.pem"
	ossl req -new -key "$mv1/card.key" -subj "/CN=HSM:FUZZ0001, for FIPS mode" -out "$mv1/card.csr"
	ossl x509 -req -in "$mv1/card.csr" -CA "$mv1/root.pem" -CAkey "$mv1/root.key" -set_serial 1 -days 7300 \
		-out "$mv1/card.pem"
	ossl req -new -key "$mv1/part.key" -subj "/CN=HSM:FUZZ0001:PARTN:1, for FIPS mode" -out "$mv1/part.csr"
	printf 'basicConstraints=CA:FALSE\n' >"$mv1/leaf.ext"
	ossl x509 -req -in "$mv1/part.csr" -CA "$mv1/card.pem" -CAkey "$mv1/card.key" -set_serial 2 -days 7300 \
		-extfile "$mv1/leaf.ext" -out "$mv1/part.pem"
	ossl req -x509 -key "$mv1/oroot.key" -subj "/CN=fuzz owner root" -days 7300 -out "$mv1/oroot.pem"
	ossl x509 -req -in "$mv1/card.csr" -CA "$mv1/oroot.pem" -CAkey "$mv1/oroot.key" -set_serial 3 -days 7300 \
		-extfile "$mv1/leaf.ext" -out "$mv1/ocard.pem"
	ossl x509 -req -in "$mv1/part.csr" -CA "$mv1/oroot.pem" -CAkey "$mv1/oroot.key" -set_serial 4 -days 7300 \
		-extfile "$mv1/leaf.ext" -out "$mv1/opart.pem"
	cat "$mv1/root.pem" "$mv1/card.pem" "$mv1/part.pem" "$mv1/oroot.pem" "$mv1/ocard.pem" "$mv1/opart.pem" \
		>"$mv1/certs.pem"
	ossl ecparam -name prime256v1 -genkey -noout -out "$mv1/ec.key"
	ossl ec -in "$mv1/ec.key" -pubout -outform DER -out "$mv1/ec.spki"
	ossl rsa -in "$mv1/card.key" -pubout -outform DER -out "$mv1/rsa.spki"
	python3 - "$mv1" <<'PY'
import base64, gzip, struct, subprocess, sys
d = sys.argv[1]
ec = open(d + "/ec.spki", "rb").read()[-65:]
rsa = open(d + "/rsa.spki", "rb").read()
mod, exp = rsa[-261:-5], rsa[-3:]
def tlv(t, v): return struct.pack(">II", t, len(v)) + v
def obj(h, attrs):
    body = b"".join(tlv(t, v) for t, v in attrs)
    return struct.pack(">III", h, len(attrs), len(body)) + body
def flags(cls, kt, priv):
    return [(0x0000, bytes([cls])), (0x0100, bytes([kt])), (0x0003, b"fuzz_key" + bytes(8)),
            (0x0162, bytes([0 if priv else 1])), (0x0164, bytes([1 if priv else 0])), (0x0163, b"\x01"),
            (0x0103, bytes([1 if priv else 0])), (0x0165, bytes([1 if priv else 0]))]
def binary(objs):
    info_len = 8
    o1 = objs[0]
    off2 = info_len + len(o1) if len(objs) == 2 else 0
    buf = struct.pack(">HHHH", 1, 3, 8, off2) + b"".join(objs)
    handles = b"".join(struct.pack(">II", 0, struct.unpack(">I", o[:4])[0]) for o in objs)
    total = 16 + len(handles) + len(buf) + 256
    data = struct.pack(">IIII", 0, 3, total, len(buf)) + handles + buf
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", d + "/part.key"], input=data,
                         capture_output=True, check=True).stdout
    return data + sig
kinds = {
    "ec": binary([obj(0x11, flags(2, 3, 0) + [(0x0120, ec)]), obj(0x12, flags(3, 3, 1) + [(0x0120, ec)])]),
    "rsa": binary([obj(0x21, flags(2, 0, 0) + [(0x0120, mod), (0x0121, struct.pack(">I", 2048)), (0x0122, exp)]),
                   obj(0x22, flags(3, 0, 1) + [(0x0120, mod), (0x0121, struct.pack(">I", 2048)), (0x0122, exp)])]),
    "aes": binary([obj(0x31, flags(4, 0x1f, 1) + [(0x0161, struct.pack(">I", 32))])]),
}
certs = open(d + "/certs.pem", "rb").read()
sep = b"\n==part==\n"
for k, b in kinds.items():
    open(d + "/out-%s-dat" % k, "wb").write(gzip.compress(b, mtime=0) + sep + certs)
    open(d + "/out-%s-raw" % k, "wb").write(b + sep + certs)
u = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=")
open(d + "/out-ec-json", "wb").write(b'{"version": "MRVL-1", "privateKeyAttestation": "' + u(kinds["ec"]) +
    b'", "certificatePemFile": "' + u(certs) + b'"}')
PY
	for k in ec-dat rsa-dat aes-dat ec-raw rsa-raw aes-raw ec-json; do
		put "$m" "synthetic-$k" "$mv1/out-$k"
	done

	# Install: keep what is committed unless asked to replace it.
	added=0 kept=0
	for f in $(cd "$s" && find . -type f | LC_ALL=C sort); do
		dst="$top/fuzz/corpus/${f#./}"
		if [ -e "$dst" ] && [ "$force" = 0 ]; then
			kept=$((kept + 1))
			continue
		fi
		mkdir -p "$(dirname "$dst")"
		cp "$s/$f" "$dst"
		added=$((added + 1))
	done
	echo "fuzz-seed: fuzz/corpus: $added written, $kept kept (--force replaces)"
fi

# ---------------------------------------------------------------- shared
if [ ! -d "$shared/vectors" ]; then
	echo "fuzz-seed: $shared/vectors absent; no seeds from shared vectors"
	exit 0
fi
o="$work/shared"
mkdir -p "$o"

# asn1parse's "offset:d=.. hl=H l=  L" for the TLV |n| lines after the first
# line matching |pat|; prints "offset total-length" for each match.
tlv_after() {
	openssl asn1parse -inform DER -in "$1" -i 2>/dev/null | awk -v pat="$2" -v n="$3" '
		index($0, pat) { want = NR + n }
		NR == want {
			split($0, a, ":"); off = a[1] + 0
			match($0, /hl= *[0-9]+/); hl = substr($0, RSTART + 3, RLENGTH - 3) + 0
			match($0, / l= *[0-9]+/); l = substr($0, RSTART + 3, RLENGTH - 3) + 0
			print off, hl + l
		}'
}

# cut FILE OFFSET LENGTH OUT
cut_der() {
	tail -c +"$(($2 + 1))" "$1" | head -c "$3" >"$4"
}

for f in "$shared"/vectors/pkix-evidence/*.pem; do
	[ -e "$f" ] || continue
	b=shared-$(basename "$f" .pem)
	unpem "$f" >"$work/der"
	put "$o/evidence" "$b" "$work/der"
	put "$o/decode" "$b" "$work/der" $SEL_EVIDENCE
	put "$o/der_roundtrip" "$b" "$work/der" $SEL_EVIDENCE
	put "$o/input" "$b.pem" "$f"
done
for f in "$shared"/vectors/pkix-evidence/*.crt; do
	[ -e "$f" ] || continue
	b=shared-$(basename "$f" .crt)
	unpem "$f" >"$work/der"
	put "$o/cert" "$b" "$work/der"
	put "$o/decode" "$b" "$work/der" $SEL_CERT
	put "$o/der_roundtrip" "$b" "$work/der" $SEL_CERT
	put "$o/input" "$b.pem" "$f"
done
for f in "$shared"/vectors/csr/*.pem; do
	[ -e "$f" ] || continue
	b=shared-$(basename "$f" .pem)
	unpem "$f" >"$work/der"
	put "$o/csr" "$b" "$work/der"
	put "$o/decode" "$b" "$work/der" $SEL_CSR
	put "$o/der_roundtrip" "$b" "$work/der" $SEL_CSR
	put "$o/input" "$b.pem" "$f"
	# fuzz_verify_request: its header (fuzz_vr.h: verifier "fuzz-any", the
	# default time, no nonce), then the request. Not our PKI: the chains
	# fail, the rest of the verifier runs.
	mkdir -p "$o/verify_request"
	{ printf '\001\000'; cat "$work/der"; } >"$o/verify_request/$b"
	command -v openssl >/dev/null 2>&1 || continue
	# The legacy EvidenceBundle: attribute OID, SET, then the bundle.
	tlv_after "$work/der" ":1.2.840.113549.1.9.16.2.59" 2 | head -n 1 | while read -r off len; do
		cut_der "$work/der" "$off" "$len" "$work/part"
		put "$o/bundle" "$b-bundle" "$work/part"
		put "$o/decode" "$b-bundle" "$work/part" $SEL_EBUNDLE
		put "$o/der_roundtrip" "$b-bundle" "$work/part" $SEL_EBUNDLE
	done
	# The TPM certify statement after its type OID.
	tlv_after "$work/der" ":2.23.133.20.1" 1 | head -n 1 | while read -r off len; do
		cut_der "$work/der" "$off" "$len" "$work/part"
		put "$o/tpm" "$b-tpm" "$work/part"
		put "$o/decode" "$b-tpm" "$work/part" $SEL_TPM
		put "$o/der_roundtrip" "$b-tpm" "$work/part" $SEL_TPM
	done
done

# Vendors' certificate bags (docs/formats.md), and the certs-only
# SignedData in the Purebred YubiKey requests' attribute.
for f in "$shared"/vectors/vendors/*/*.pem "$shared"/vectors/vendors/*/*/*.pem \
    "$shared"/vectors/vendors/*/*.p7b "$shared"/vectors/vendors/*/*/*.der; do
	[ -e "$f" ] || continue
	put "$o/certbag" "shared-$(echo "$f" | sed 's|.*/vendors/||; s|/|-|g')" "$f"
done
# fuzz_thales_luna: the Luna PKC, and other vendors' chains it must not take.
for f in "$shared"/vectors/vendors/thales-luna/*.p7b "$shared"/vectors/vendors/*/*/chain.pem; do
	[ -e "$f" ] || continue
	put "$o/thales_luna" "shared-$(echo "$f" | sed 's|.*/vendors/||; s|/|-|g')" "$f"
done
for f in "$shared"/vectors/vendors/yubico-piv/purebred-SampleAttestations/*/*_request.bin; do
	[ -e "$f" ] && command -v openssl >/dev/null 2>&1 || continue
	tlv_after "$f" ":1.3.6.1.4.1.37623.26.4" 2 | head -n 1 | while read -r off len; do
		cut_der "$f" "$off" "$len" "$work/part"
		put "$o/certbag" "shared-purebred-$(basename "$f" .bin)" "$work/part"
		put "$o/yubico" "shared-purebred-$(basename "$f" .bin)" "$work/part"
	done
done
# fuzz_marvell: Google Cloud HSM's samples, .dat and .certs joined as the
# harness splits them.
for f in "$shared"/vectors/vendors/google-cloudhsm/*/*.dat; do
	[ -e "$f" ] || continue
	{ cat "$f"; printf '\n==part==\n'; cat "${f%.dat}.certs"; } >"$work/part"
	put "$o/marvell" "shared-$(basename "$f" .dat)" "$work/part"
done
# fuzz_crypto4a: the QASM sample as it comes, and under the policy all.
for f in "$shared"/vectors/vendors/crypto4a/attestation.*; do
	[ -e "$f" ] || continue
	put "$o/crypto4a" "shared-$(basename "$f")" "$f"
	{ printf '1'; cat "$f"; } >"$work/all"
	put "$o/crypto4a" "shared-all-$(basename "$f")" "$work/all"
done
if [ -e "$shared/vectors/vendors/crypto4a/attestation.der" ]; then
	put "$o/decode" shared-crypto4a "$shared/vectors/vendors/crypto4a/attestation.der" $SEL_C4A
	put "$o/der_roundtrip" shared-crypto4a "$shared/vectors/vendors/crypto4a/attestation.der" $SEL_C4A
fi
# fuzz_securosys: the Primus sample's parts as they come (the harness's
# flags byte 0: its own signature and chain; 1: the XML signed by the
# harness, the sample's chain).
for d in "$shared"/vectors/vendors/securosys/*/; do
	[ -e "$d/attestation.xml" ] || continue
	n="shared-securosys-$(basename "$d")"
	{ printf '\000'; cat "$d/attestation.xml"; printf '\n--csra-part--\n'; cat "$d/attestation.sig"
	  printf '\n--csra-part--\n'; cat "$d/chain.pem"; } >"$work/part"
	put "$o/securosys" "$n" "$work/part"
	{ printf '\001'; cat "$d/attestation.xml"; printf '\n--csra-part--\n'; cat "$d/chain.pem"; } >"$work/part"
	put "$o/securosys" "$n-resigned" "$work/part"
done
# fuzz_yubico: the YubiKey and YubiHSM samples as they come.
for f in "$shared"/vectors/vendors/yubico-piv/*.pem "$shared"/vectors/vendors/yubico-piv/*/*.pem \
    "$shared"/vectors/vendors/yubihsm2/*/chain.pem; do
	[ -e "$f" ] || continue
	put "$o/yubico" "shared-$(echo "$f" | sed 's|.*/vendors/||; s|/|-|g')" "$f"
done

# Only the harness directories this script writes are replaced.
mkdir -p "$shared_out"
for h in $(ls "$o"); do
	rm -rf "${shared_out:?}/$h"
	cp -R "$o/$h" "$shared_out/$h"
done
echo "fuzz-seed: $(find "$shared_out" -type f | wc -l) seeds from $shared/vectors in $shared_out"
