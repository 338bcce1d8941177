/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal codec interfaces shared by runtime/ and verify/. */
#ifndef CSRA_CODEC_INT_H
#define CSRA_CODEC_INT_H

#include <time.h>

#include "asn_application.h"
#include "constr_TYPE.h"
#include "csra_oid_table.h"
#include "csrattest/codec.h"

/* csra_pdu_td returns the descriptor decoding |pdu| (for Evidence, the
 * IMPLICIT form), or NULL. */
asn_TYPE_descriptor_t *csra_pdu_td(csra_pdu pdu);

/* The csra_pdu values are 1..CSRA_PDU_COUNT: what tests and fuzzers that
 * go through every PDU count to. test_der fails when codec.h gains one
 * and this is not moved. */
#define CSRA_PDU_COUNT CSRA_PDU_CRYPTO4A_ATTESTATION

/* csra_oid_find returns the table entry whose DER contents are |der|/|len|,
 * or NULL. Matching is on the encoded bytes, never on decoded arcs. */
const csra_oid_entry *csra_oid_find(const uint8_t *der, size_t len);

/* csra_oid_is returns 1 if |der|/|len| is the OID |id|. */
int csra_oid_is(const uint8_t *der, size_t len, csra_oid_id id);

/* csra_oid_valid returns 1 if |der|/|len| are DER OBJECT IDENTIFIER
 * contents: not empty, every sub-identifier minimal (no leading 0x80),
 * the last one ended. */
int csra_oid_valid(const uint8_t *der, size_t len);

/* csra_hex_digit returns the value of hexadecimal digit |c| (either
 * case), or -1. csra_hex_decode writes the |n|/2 bytes of the hex text
 * |s|/|n| to |out| and returns 1, or 0 if |n| is odd or a character is not
 * a hex digit (|out| then holds a prefix). */
int csra_hex_digit(int c);
int csra_hex_decode(const char *s, size_t n, uint8_t *out);

/* csra_shown copies |s| into |buf| (|cap| bytes) as printable ASCII,
 * ending in "..." when cut, and returns |buf|: text from policy files,
 * claims and external replies may reach an operator's terminal. */
const char *csra_shown(const char *s, char *buf, size_t cap);

/* csra_base64_value returns the 6-bit value of |c| in RFC 4648's standard
 * alphabet, or -1. csra_base64_decode decodes canonical, padded base64
 * |s|/|n| without whitespace (one spelling per byte string: length a
 * multiple of 4, '=' only as padding, zero pad bits) into |out|, which
 * holds n / 4 * 3 bytes, and sets |*out_len|; returns 1, or 0 if |s| is
 * not such base64 (|out| then holds a prefix). */
extern const unsigned char csra_base64_table[128];	/* value + 1; 0: not base64 */
static inline int csra_base64_value(int c)
{
	/* A table, inline: PEM chains are decoded a character at a time. */
	return c >= 0 && c < 128 ? (int)csra_base64_table[c] - 1 : -1;
}
int csra_base64_decode(const char *s, size_t n, uint8_t *out, size_t *out_len);

/* csra_utc_parse reads |s|/|n| as "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339 in
 * UTC, nothing optional): digits where digits go, a date that exists,
 * 00:00:00 to 23:59:59, year 0001 or later. Sets |*out|; returns 1, or 0
 * for any other text. */
int csra_utc_parse(const char *s, size_t n, time_t *out);

/* csra_oid_to_str writes the dotted form of the DER contents |der|/|len|
 * into |buf| (always NUL-terminated). Returns 1, or 0 if it did not fit or
 * the bytes are not an OID. */
int csra_oid_to_str(const uint8_t *der, size_t len, char *buf, size_t cap);

/* csra_oid_from_str writes the DER contents of the dotted OID |dotted|
 * (at least two arcs, decimal without leading zeros, first arc 0..2, the
 * second below 40 unless the first is 2) into |out| (|cap| bytes) and sets
 * |*len|. Returns 1, or 0 if |dotted| is not such an OID or does not fit. */
int csra_oid_from_str(const char *dotted, uint8_t *out, size_t cap, size_t *len);

/* csra_claim_type returns the value type of the claim whose OID is
 * |der|/|len| (draft-ietf-rats-pkix-key-attestation-07 ClaimSet), or NULL
 * for a claim type the draft does not define. */
asn_TYPE_descriptor_t *csra_claim_type(const uint8_t *der, size_t len);

/* csra_evidence_td_for returns asn_DEF_Evidence or
 * asn_DEF_EvidenceExplicitCerts for the Evidence encoding |der|/|len|,
 * by the form of intermediateCertificates. */
asn_TYPE_descriptor_t *csra_evidence_td_for(const uint8_t *der, size_t len);

/* csra_codec_open_containers lists, NULL-terminated, every container
 * csra_codec_open_type can name a type in (csra_gate_opts.resolves_in):
 * for any other it returns NULL, and is not asked. */
extern const asn_TYPE_descriptor_t *const csra_codec_open_containers[];

/* csra_codec_open_type is the gate's resolver for |codec|'s open types. */
asn_TYPE_descriptor_t *csra_codec_open_type(const csra_codec *codec,
    const asn_TYPE_descriptor_t *container, const uint8_t *oid, size_t oid_len,
    const uint8_t *val, size_t val_len);

/* csra_decode_reference is csra_decode with the walk only checking and
 * asn1c's ber_decode and asn_check_constraints building the value: the
 * reference the single-pass decoder is tested against. */
csra_err csra_decode_reference(const csra_codec *codec, csra_pdu pdu, const uint8_t *der,
    size_t len, csra_decoded **out, csra_diag *diag);

/* csra_decoded_open returns the open-type value |val|/|len| (a full TLV,
 * typically an ANY_t's buffer inside |d|) as |td|: the structure |d|'s
 * decode built for it when the resolver named |td| there, or else
 * csra_decoded_open_fresh's. Returns CSRA_OK and
 * sets |*out| (owned by |d|), or an error with |diag| filled (offsets
 * relative to |val|). */
csra_err csra_decoded_open(csra_decoded *d, asn_TYPE_descriptor_t *td,
    const uint8_t *val, size_t len, void **out, csra_diag *diag);

/* csra_decoded_open_fresh decodes |val|/|len| as |td| now, with the same
 * strict gate, into |d|'s memory, never taking what |d|'s decode built nor
 * recording what it builds: the fuzzers and tests compare the two. */
csra_err csra_decoded_open_fresh(csra_decoded *d, asn_TYPE_descriptor_t *td,
    const uint8_t *val, size_t len, void **out, csra_diag *diag);

/* csra_decoded_evidence_at returns the Evidence (an Evidence_t, either
 * form) |d|'s decode built for the open-type value whose TLV is
 * |val|/|len| in |d|'s bytes (csra_decoded_der) or in an ANY_t of |d|,
 * with |*explicit_certs| set as csra_decoded_evidence_explicit would be;
 * NULL if the decode built none there (or memory ran out). Owned by |d|. */
const void *csra_decoded_evidence_at(csra_decoded *d, const uint8_t *val, size_t len,
    int *explicit_certs);

/* csra_decoded_asn1 returns the asn1c structure decoded (owned by |d|):
 * Evidence_t, AttestationBundle_t, EvidenceBundle_t, CertificationRequest_t,
 * CertReqMessages_t, Certificate_t, TcgAttestCertify_t, KeyPurposes_t or
 * Extensions_t or C4aAttestationMessage_t, as csra_decoded_pdu says. Internal: asn1c's structures are
 * not part of the ABI (it was the public csra_decoded_value until 0.3.0). */
const void *csra_decoded_asn1(const csra_decoded *d);

/* csra_decoded_ref returns |d| with one more reference: each is given up
 * with csra_decoded_free, and the last frees it. Not thread-safe: a
 * decoded value belongs to one thread at a time. */
csra_decoded *csra_decoded_ref(csra_decoded *d);

#endif
