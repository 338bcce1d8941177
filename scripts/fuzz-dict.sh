#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Writes fuzz/dict/<harness>.dict, libFuzzer dictionaries: every OID
# csrattest knows as a full DER TLV (06 len contents, read from
# generated/csra_oid_table.c, so they follow scripts/regen.sh), the tags
# and short TLVs the schemas use, for fuzz_input the PEM armour, and for
# fuzz_policy, fuzz_external_reply and fuzz_claims_file the JSON they read.
#   scripts/fuzz-dict.sh          rewrite fuzz/dict/
#   scripts/fuzz-dict.sh --check  fail if fuzz/dict/ is out of date
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-write}
table="$top/generated/csra_oid_table.c"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "static const uint8_t der_NAME[] = { 0x2b, 0x06, ... };" gives
# oid_NAME="\x06\x07\x2b\x06...". OIDs here are all under 128 bytes.
sed -n 's/^static const uint8_t der_\([A-Za-z0-9_]*\)\[\] = { \(.*\) };$/\1 \2/p' "$table" |
while read -r name bytes; do
	hex=$(printf '%s' "$bytes" | tr -d ' ' | tr ',' '\n' | sed 's/^0x//')
	n=$(printf '%s\n' "$hex" | wc -l)
	esc=$(printf '%s\n' "$hex" | sed 's/^/\\x/' | tr -d '\n')
	printf 'oid_%s="\\x06\\x%02x%s"\n' "$name" "$n" "$esc"
done >"$work/oids"
[ -s "$work/oids" ] || { echo "fuzz-dict: no OIDs found in $table" >&2; exit 1; }

# Tags, lengths and small whole values common to every schema here.
cat >"$work/der" <<'EOF'
seq_long1="\x30\x81"
seq_long2="\x30\x82"
seq_empty="\x30\x00"
set_empty="\x31\x00"
len_long1="\x81"
len_long2="\x82"
len_indefinite="\x80"
eoc="\x00\x00"
ctx0_cons="\xa0"
ctx1_cons="\xa1"
ctx2_cons="\xa2"
ctx3_cons="\xa3"
ctx0_prim="\x80"
ctx1_prim="\x81"
version_v3="\xa0\x03\x02\x01\x02"
bool_true="\x01\x01\xff"
bool_false="\x01\x01\x00"
null="\x05\x00"
int_zero="\x02\x01\x00"
int_one="\x02\x01\x01"
int_pad="\x02\x02\x00\x80"
octets_empty="\x04\x00"
bits_empty="\x03\x01\x00"
bits_unused7="\x03\x02\x07\x80"
utf8="\x0c"
ia5="\x16"
printable="\x13"
utctime="\x17\x0d"
gentime="\x18\x0f"
utc_value="260101000000Z"
gen_value="20260102030405Z"
gen_frac="20260102030405.5Z"
high_tag="\x1f\x81\x00"
EOF

# fuzz_input reads files: PEM armour and base64 of DER starts.
cat >"$work/input" <<'EOF'
begin="-----BEGIN "
end="-----END "
dashes="-----"
label_evidence="EVIDENCE"
label_csr="CERTIFICATE REQUEST"
label_new_csr="NEW CERTIFICATE REQUEST"
label_cert="CERTIFICATE"
label_bad="PRIVATE KEY"
begin_evidence="-----BEGIN EVIDENCE-----"
end_evidence="-----END EVIDENCE-----"
begin_csr="-----BEGIN CERTIFICATE REQUEST-----"
end_csr="-----END CERTIFICATE REQUEST-----"
header="Proc-Type: 4,ENCRYPTED"
crlf="\x0d\x0a"
pad1="="
pad2="=="
b64_seq_long2="MII"
b64_seq_long1="MIG"
b64_seq_short="MA"
EOF

# JSON: the policy format (docs/policy.md) and the external verifier's reply
# (docs/external.md), with the claim names both use.
cat >"$work/json" <<'EOF'
brace_open="{"
brace_close="}"
bracket_open="["
bracket_close="]"
colon=":"
comma=","
quote="\""
true="true"
false="false"
null="null"
int_neg="-1"
int_big="9223372036854775807"
int_over="9223372036854775808"
real="1.5"
exp="1e400"
esc_nul="\\u0000"
esc_surrogate="\\ud800"
esc_pair="\\ud83d\\ude00"
utf8_2="\xc3\xa9"
elem_key="\"key\""
elem_platform="\"platform\""
elem_transaction="\"transaction\""
claim_extractable="\"extractable\""
claim_never_extractable="\"never-extractable\""
claim_sensitive="\"sensitive\""
claim_local="\"local\""
claim_fipsboot="\"fipsboot\""
claim_fipslevel="\"fipslevel\""
claim_vendor="\"vendor\""
claim_fixedtpm="\"fixedTPM\""
EOF
cat >"$work/policy" <<'EOF'
key_name="\"name\""
key_types="\"require_statement_types\""
key_trust="\"trust\""
key_claims="\"claims\""
key_algs="\"key_algorithms\""
key_ak_ekus="\"ak_ekus\""
key_tpm_ak_ekus="\"tpm_ak_ekus\""
oid_ak_eku="\"1.3.6.1.5.5.7.3.999\""
oid_tcg_ak_eku="\"2.23.133.8.3\""
key_freshness="\"freshness\""
key_exempt="\"freshness_exempt\""
fresh_required="\"required\""
fresh_optional="\"optional\""
key_min="\"min\""
key_max="\"max\""
oid_evidence="\"1.3.6.1.5.5.999\""
oid_tpm="\"2.23.133.20.1\""
oid_callback="\"1.3.6.1.4.1.32473.1.1\""
oid_bad="\"1.2.\""
alg_rsa="\"rsa:3072\""
alg_rsa_min="\"rsa:1024\""
alg_p256="\"ec:P-256\""
alg_p384="\"ec:P-384\""
alg_p521="\"ec:P-521\""
alg_ed25519="\"ed25519\""
alg_ed448="\"ed448\""
path_dir="\"roots/\""
key_formats="\"formats\""
key_format_claims="\"format_claims\""
key_firmware_min="\"firmware_min\""
key_waive="\"waive\""
fmt_evidence="\"pkix-evidence\""
fmt_tpm="\"tpm2-certify\""
fmt_callback="\"callback\""
fmt_external="\"external\""
fmt_piv="\"yubico-piv\""
fmt_hsm="\"yubihsm2\""
fmt_luna="\"thales-luna\""
claim_swversion="\"swversion\""
claim_pinpolicy="\"pinpolicy\""
version="\"5.7.4\""
version_long="\"5.10.0.1\""
waive_roca="\"key.weak.roca\""
waive_fermat="\"key.weak.fermat\""
waive_small="\"key.weak.small-factor\""
waive_exponent="\"key.weak.exponent\""
waive_ec_point="\"key.weak.ec-point\""
waive_ec_subgroup="\"key.weak.ec-subgroup\""
waive_bad="\"evidence.signature\""
path_abs="\"/dev/null\""
EOF
cat >"$work/external" <<'EOF'
key_spki="\"spki\""
key_claims="\"claims\""
key_freshness="\"freshness\""
fresh_nonce="\"nonce\""
fresh_none="\"none\""
key_bytes="\"bytes\""
b64_pad1="="
b64_pad2="=="
b64_spki_p256="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
b64_spki_p384="MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE"
EOF

# Claims files: members, claim names and value forms.
cat >"$work/claimsfile" <<'EOF'
key_platform="\"platform\""
key_keys="\"keys\""
key_identifier="\"identifier\""
key_hex="\"hex\""
key_base64="\"base64\""
claim_vendor="\"vendor\""
claim_hwmodel="\"hwmodel\""
claim_fipslevel="\"fipslevel\""
claim_fipsboot="\"fipsboot\""
claim_extractable="\"extractable\""
claim_spki="\"spki\""
claim_purpose="\"purpose\""
claim_expiry="\"expiry\""
claim_dbgstat="\"dbgstat\""
claim_debugstat_old="\"debugstat\""
purpose_sign="\"sign\""
purpose_verify_recover="\"verify-recover\""
time_utc="\"2027-01-31T00:00:00Z\""
time_leap="\"2028-02-29T23:59:59Z\""
EOF

# pkcs11: URIs: the scheme, attribute names, separators, escapes.
cat >"$work/p11uri" <<'EOF'
scheme="pkcs11:"
a_token="token="
a_manufacturer="manufacturer="
a_serial="serial="
a_model="model="
a_object="object="
a_id="id="
a_type="type="
a_slot_id="slot-id="
a_lib_version="library-version="
a_pin_value="pin-value="
a_pin_source="pin-source=file:/"
a_module_path="module-path=/"
a_module_name="module-name="
t_private="private"
t_cert="cert"
sep_path=";"
sep_query="?"
sep_and="&"
pct_00="%00"
pct_3b="%3B"
pct_bad="%G0"
EOF

# fuzz_weak reads SubjectPublicKeyInfo: point forms, exponents, moduli.
cat >"$work/weak" <<'EOF'
point_uncompressed="\x00\x04"
point_compressed_even="\x00\x02"
point_compressed_odd="\x00\x03"
point_hybrid="\x00\x06"
point_infinity="\x03\x02\x00\x00"
e_65537="\x02\x03\x01\x00\x01"
e_3="\x02\x01\x03"
e_even="\x02\x03\x01\x00\x00"
int_neg="\x02\x01\x80"
p256_prime="\xff\xff\xff\xff\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
EOF

# Yubico's formats: their extension OIDs (1.3.6.1.4.1.41482.3.x PIV,
# .4.x YubiHSM), the names the PIV quirks key on, certs-only PKCS#7.
cat >"$work/yubico" <<'EOF'
yk_arc="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a"
yk_piv_fw="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x03\x03"
yk_piv_serial="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x03\x07"
yk_piv_policy="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x03\x08"
yk_piv_ff="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x03\x09"
yk_piv_fips="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x03\x0a"
yk_hsm_origin="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x04\x03"
yk_hsm_caps="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x04\x05"
yk_hsm_label="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x04\x09"
yk_hsm_fips="\x06\x0a\x2b\x06\x01\x04\x01\x82\xc4\x0a\x04\x0a"
f9_cn="Yubico PIV Attestation"
bc_ca="\x30\x03\x01\x01\xff"
bc_pathlen0="\x30\x06\x01\x01\xff\x02\x01\x00"
p7_signed_data="\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
label_pkcs7="PKCS7"
EOF

# Crypto4A QASM: the claim OIDs (1.3.6.1.4.1.39901.6.1.x platform,
# .6.2.x key), the AK EKU, HSS/LMS and ECDSA-SHA384, the claim value
# choices and the PEM label.
{
	for a in 0 1 2 3 4 5; do printf 'c4a_platform_%s="\\x06\\x0b\\x2b\\x06\\x01\\x04\\x01\\x82\\xb7\\x5d\\x06\\x01\\x%02x"\n' "$a" "$a"; done
	for a in 0 1 2 4 5 6 7 8 9 10 11 13 14 15 16; do printf 'c4a_key_%s="\\x06\\x0b\\x2b\\x06\\x01\\x04\\x01\\x82\\xb7\\x5d\\x06\\x02\\x%02x"\n' "$a" "$a"; done
	echo 'c4a_ak_eku="\x06\x0b\x2b\x06\x01\x04\x01\x82\xb7\x5d\x04\x01\x01"'
	echo 'hss_lms="\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x11"'
	echo 'ecdsa_sha384="\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03"'
	echo 'uuid_subject="\xa0\x12\x80\x10"'
	echo 'value_bytes="\xa1\x5d\x80\x5b"'
	echo 'value_text="\xa1\x0b\x81\x09"'
	echo 'value_time="\xa1\x11\x82\x0f"'
	echo 'value_int="\xa1\x04\x83\x02\x01\x05"'
	echo 'sid_keyid="\xa0\x12\x04\x10"'
	echo 'sid_cert="\xa2\x82"'
	echo 'certs_implicit="\xa0\x82"'
	echo 'pem_begin_c4a="-----BEGIN ATTESTATION MESSAGE-----"'
	echo 'pem_end_c4a="-----END ATTESTATION MESSAGE-----"'
	echo 'policy_all="\x31"'
} >"$work/crypto4a"

mkdir -p "$work/dict"
for h in decode evidence bundle csr crmf tpm cert der_roundtrip fast_decode claims verify_request attest_request fastlink; do
	{
		echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
		cat "$work/der" "$work/oids"
	} >"$work/dict/$h.dict"
done
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/input" "$work/der"
} >"$work/dict/input.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/input" "$work/der" "$work/oids"
	echo 'pem_begin_pkcs7="-----BEGIN PKCS7-----"'
	echo 'pem_end_pkcs7="-----END PKCS7-----"'
	echo 'oid_signed_data="\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"'
	echo 'oid_data="\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"'
} >"$work/dict/certbag.dict"
# fuzz_thales_luna: certificate bags, Luna's EKU and serial extension, and
# the ECDSA signature forms the quirk turns on.
{
	cat "$work/dict/certbag.dict"
	echo 'luna_eku_pkc="\x06\x09\x2b\x06\x01\x04\x01\xe0\x5f\x01\x0d"'
	echo 'luna_serial="\x06\x09\x2b\x06\x01\x04\x01\xe0\x5f\x02\x01"'
	echo 'int_negative="\x02\x01\x80"'
	echo 'critical_false="\x01\x01\x00"'
} >"$work/dict/thales_luna.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/json" "$work/policy"
} >"$work/dict/policy.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/json" "$work/external"
} >"$work/dict/external_reply.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/json" "$work/claimsfile"
} >"$work/dict/claims_file.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/p11uri"
} >"$work/dict/p11_uri.dict"
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/der" "$work/oids" "$work/weak"
} >"$work/dict/weak.dict"

{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/yubico" "$work/input" "$work/der"
} >"$work/dict/yubico.dict"
# fuzz_marvell: the part separator, gzip's header, the response and info
# headers' marks, PKCS#11 attribute types, MRVL-1 JSON and certificate
# bags.
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	echo 'part_sep="\x0a==part==\x0a"'
	echo 'gzip_magic="\x1f\x8b\x08\x00"'
	echo 'resp_hdr="\x00\x00\x00\x00\x00\x00\x00\x03"'
	echo 'info_hdr="\x00\x01\x00\x03\x00\x08"'
	for t in 0000 0100 0103 0120 0121 0122 0162 0163 0164 0165 0180; do
		echo "cka_$t=\"\\x00\\x00\\x$(echo $t | cut -c1-2)\\x$(echo $t | cut -c3-4)\""
	done
	echo 'len1="\x00\x00\x00\x01"'
	echo 'len65="\x00\x00\x00\x41"'
	echo 'len256="\x00\x00\x01\x00"'
	echo 'mrvl_version="\"version\": \"MRVL-1\""'
	echo 'mrvl_priv="\"privateKeyAttestation\""'
	echo 'mrvl_pub="\"publicKeyAttestation\""'
	echo 'mrvl_certs="\"certificatePemFile\""'
	echo 'hsm_cn="HSM:"'
	echo 'partn=":PARTN:"'
	echo 'fips=", for FIPS mode"'
	cat "$work/input"
} >"$work/dict/marvell.dict"

{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	cat "$work/crypto4a" "$work/der" "$work/oids"
} >"$work/dict/crypto4a.dict"

# fuzz_securosys: the Primus key attestation's XML (its elements, the
# booleans, the markup the parser must refuse), the harness's part
# separator, and certificate bags for the chain part.
{
	echo "# Generated by scripts/fuzz-dict.sh. Do not edit."
	for t in private_key label create_time attest_time key_use_count algorithm algorithm_oid \
	    key_size public_key attributes extractable never_extractable always_sensitive sensitive \
	    decrypt encrypt sign verify wrap unwrap derive modifiable copyable destroyable unique; do
		echo "xml_open_$t=\"<$t>\""
		echo "xml_close_$t=\"</$t>\""
	done
	echo 'xml_decl="<?xml version=\"1.0\" encoding=\"UTF-8\"?>"'
	echo 'xml_creation=" creation=\"generated\""'
	echo 'xml_true="true"'
	echo 'xml_false="false"'
	echo 'xml_doctype="<!DOCTYPE "'
	echo 'xml_entity="<!ENTITY "'
	echo 'xml_cdata="<![CDATA["'
	echo 'xml_comment="<!--"'
	echo 'xml_pi="<?"'
	echo 'xml_ref="&amp;"'
	echo 'xml_charref="&#x41;"'
	echo 'xml_ns=" xmlns=\"urn:x\""'
	echo 'xml_empty="/>"'
	echo 'oid_rsa="1.2.840.113549.1.1.1"'
	echo 'oid_ec="1.2.840.10045.2.1"'
	echo 'part_sep="\x0a--csra-part--\x0a"'
	echo 'pem_begin_cert="-----BEGIN CERTIFICATE-----"'
	echo 'pem_end_cert="-----END CERTIFICATE-----"'
} >"$work/dict/securosys.dict"

if [ "$mode" = "--check" ]; then
	diff -r "$top/fuzz/dict" "$work/dict" >/dev/null || {
		echo "fuzz-dict: fuzz/dict/ is out of date; run scripts/fuzz-dict.sh" >&2
		exit 1
	}
	exit 0
fi
mkdir -p "$top/fuzz/dict"
cp "$work"/dict/*.dict "$top/fuzz/dict/"
echo "fuzz-dict: wrote $(ls "$work/dict" | wc -l) dictionaries to fuzz/dict/"
