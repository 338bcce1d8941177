/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict DER decoding of the structures csrattest reads. */
#ifndef CSRATTEST_CODEC_H
#define CSRATTEST_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "csrattest/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_pdu names a top-level structure csra_decode reads. */
typedef enum csra_pdu {
	CSRA_PDU_EVIDENCE = 1,			/* PKIX Evidence (either tagging of intermediateCertificates) */
	CSRA_PDU_ATTESTATION_BUNDLE = 2,	/* draft-ietf-lamps-csr-attestation-28 */
	CSRA_PDU_EVIDENCE_BUNDLE = 3,		/* drafts -10..-21 (legacy, with hint) */
	CSRA_PDU_CERTIFICATION_REQUEST = 4,	/* PKCS#10 */
	CSRA_PDU_CERT_REQ_MESSAGES = 5,		/* CRMF */
	CSRA_PDU_CERTIFICATE = 6,		/* X.509 */
	CSRA_PDU_TPM_CERTIFY = 7,		/* TPM 2.0 certify statement */
	CSRA_PDU_KEY_PURPOSES = 8,		/* value of the purpose claim */
	CSRA_PDU_EXTENSIONS = 9,		/* X.509 Extensions */
	CSRA_PDU_TBS_EVIDENCE = 10,		/* TbsEvidence: an attestation request */
	CSRA_PDU_CRYPTO4A_ATTESTATION = 11	/* Crypto4A QASM ATTESTATION MESSAGE */
} csra_pdu;

/* csra_pdu_name returns the ASN.1 type name of |pdu|, or NULL. */
const char *csra_pdu_name(csra_pdu pdu);

/* csra_codec holds decoding limits and options. It is read-only once set
 * up and may then be shared between threads. */
typedef struct csra_codec csra_codec;

/* csra_codec_new returns a codec with the default limits (4 MiB of DER,
 * nesting depth 32, PKIX Evidence statements under id-evidence), or NULL
 * on allocation failure. Free it with csra_codec_free. */
csra_codec *csra_codec_new(void);

/* csra_codec_free frees |*c| and sets |*c| to NULL. NULL is fine. */
void csra_codec_free(csra_codec **c);

/* csra_codec_set_max_der sets the largest DER input accepted, in bytes
 * (at most 256 MiB). Returns CSRA_OK or CSRA_ERR_INVALID_ARGUMENT. */
csra_err csra_codec_set_max_der(csra_codec *c, size_t max);

/* csra_codec_set_max_depth sets the nesting limit (1..256). Returns
 * CSRA_OK or CSRA_ERR_INVALID_ARGUMENT. */
csra_err csra_codec_set_max_depth(csra_codec *c, unsigned depth);

/* csra_codec_set_evidence_type sets the AttestationStatement type under
 * which a statement is PKIX Evidence, as the DER contents octets of the
 * OID (|oid|, |len|; copied). Neither draft assigns one yet; the default
 * is id-evidence (1.3.6.1.5.5.999). Returns CSRA_OK, or
 * CSRA_ERR_INVALID_ARGUMENT if the bytes are not a DER OID. */
csra_err csra_codec_set_evidence_type(csra_codec *c, const uint8_t *oid, size_t len);

/* csra_codec_set_evidence_type_str is csra_codec_set_evidence_type with a
 * dotted OID such as "1.3.6.1.5.5.999". */
csra_err csra_codec_set_evidence_type_str(csra_codec *c, const char *dotted);

/* csra_decoded is one strictly decoded structure. It owns a copy of its DER
 * and everything decoded from it. */
typedef struct csra_decoded csra_decoded;

/* csra_decode decodes |der|/|len| as |pdu| under |codec| (NULL: defaults).
 * Only DER is accepted: definite minimal lengths, low-tag form, canonical
 * values, sorted SET OF, no encoded DEFAULT, every open type (claim
 * values, statements, attribute values) valid for the type its OID names
 * or, for unknown OIDs, valid DER, and the whole input consumed.
 * On success returns CSRA_OK and sets |*out|, to free with
 * csra_decoded_free. On failure returns the code of the first problem,
 * sets |*out| to NULL and, if |diag| is not NULL, fills it with the code,
 * byte offset and ASN.1 path. */
csra_err csra_decode(const csra_codec *codec, csra_pdu pdu, const uint8_t *der,
    size_t len, csra_decoded **out, csra_diag *diag);

/* csra_decoded_free frees |*d| and sets |*d| to NULL. NULL is fine. */
void csra_decoded_free(csra_decoded **d);

/* csra_decoded_pdu returns what |d| holds. */
csra_pdu csra_decoded_pdu(const csra_decoded *d);

/* csra_decoded_der returns |d|'s DER bytes (owned by |d|) and sets |*len|. */
const uint8_t *csra_decoded_der(const csra_decoded *d, size_t *len);

/* csra_decoded_evidence_explicit returns 1 if |d| is Evidence whose
 * intermediateCertificates were [0] EXPLICIT (the module text) rather
 * than [0] IMPLICIT (the draft's samples), else 0. */
int csra_decoded_evidence_explicit(const csra_decoded *d);

/* csra_decoded_heap returns the bytes of memory |d| holds and, if
 * |mallocs| is not NULL, the number of malloc calls behind them. */
size_t csra_decoded_heap(const csra_decoded *d, size_t *mallocs);

#ifdef __cplusplus
}
#endif

#endif
