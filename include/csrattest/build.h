/* SPDX-License-Identifier: BSD-2-Clause */
/* Building and signing PKIX Evidence (draft-ietf-rats-pkix-key-attestation-07). */
#ifndef CSRATTEST_BUILD_H
#define CSRATTEST_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csrattest/claims.h"
#include "csrattest/error.h"
#include "csrattest/signer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_evb builds one Evidence: elements with claims, then signature
 * blocks, then DER. Claims are kept in the order added. */
typedef struct csra_evb csra_evb;

/* csra_evb_new returns an empty builder (version 1), or NULL. */
csra_evb *csra_evb_new(void);

/* csra_evb_free frees |*b| (and the references it holds on keys and
 * certificates) and sets |*b| to NULL. NULL is fine. */
void csra_evb_free(csra_evb **b);

/* csra_evb_set_version sets TbsEvidence.version (the draft requires 1;
 * other values exist for tests). */
csra_err csra_evb_set_version(csra_evb *b, int64_t version);

/* csra_evb_add_element appends an element of type |e| and sets |*idx| to
 * its index. csra_evb_add_element_oid does so for any element type OID
 * (DER contents |oid|/|len|, copied). */
csra_err csra_evb_add_element(csra_evb *b, csra_element e, size_t *idx);
csra_err csra_evb_add_element_oid(csra_evb *b, const uint8_t *oid, size_t len, size_t *idx);

/* Each csra_evb_add_* appends claim |c| to element |idx|, with a value of
 * the claim's type; CSRA_ERR_INVALID_ARGUMENT if |c| is of another type
 * or |idx| is out of range. Byte values are copied. */
csra_err csra_evb_add_bool(csra_evb *b, size_t idx, csra_claim c, int v);
csra_err csra_evb_add_int(csra_evb *b, size_t idx, csra_claim c, int64_t v);
csra_err csra_evb_add_octets(csra_evb *b, size_t idx, csra_claim c, const uint8_t *p, size_t n);
csra_err csra_evb_add_utf8(csra_evb *b, size_t idx, csra_claim c, const char *s, size_t n);
csra_err csra_evb_add_time(csra_evb *b, size_t idx, csra_claim c, time_t t);
csra_err csra_evb_add_purposes(csra_evb *b, size_t idx, unsigned purposes);

/* csra_evb_add_raw appends a claim of any type OID |oid|/|oid_len| with
 * the value TLV |val|/|val_len| as given (|val| NULL: no value, as in an
 * attestation request). Nothing is checked: tests build wrong claims so. */
csra_err csra_evb_add_raw(csra_evb *b, size_t idx, const uint8_t *oid, size_t oid_len,
    const uint8_t *val, size_t val_len);

/* SignerIdentifier forms, combinable. */
#define CSRA_SID_KEYID 1u	/* [0] the certificate's subject key identifier, or |keyid| */
#define CSRA_SID_SPKI 2u	/* [1] the key's SubjectPublicKeyInfo */
#define CSRA_SID_CERT 4u	/* [2] the certificate */

/* csra_evb_add_signer adds a signature block signed by |key| (a reference
 * is taken), identified per |sid| (CSRA_SID_*; 0 is allowed for tests of
 * an empty SignerIdentifier). |cert| (may be NULL unless CSRA_SID_CERT) is
 * referenced too. |keyid| overrides the keyId (else the certificate's
 * subject key identifier). The algorithm follows the key: ECDSA with
 * SHA-256/384/512 for P-256/384/521, sha256WithRSAEncryption for RSA,
 * Ed25519, Ed448. */
csra_err csra_evb_add_signer(csra_evb *b, EVP_PKEY *key, X509 *cert, unsigned sid,
    const uint8_t *keyid, size_t keyid_len);

/* csra_evb_add_empty appends claim |c| without a value to element |idx|:
 * how an attestation request asks for a claim. */
csra_err csra_evb_add_empty(csra_evb *b, size_t idx, csra_claim c);

/* csra_evb_add_signer_ex is csra_evb_add_signer for any csra_signer
 * (csrattest/signer.h), such as a key in a PKCS#11 token; a reference to
 * |signer| is taken. */
csra_err csra_evb_add_signer_ex(csra_evb *b, csra_signer *signer, X509 *cert, unsigned sid,
    const uint8_t *keyid, size_t keyid_len);

/* Signature blocks are numbered from 0 in the order of csra_evb_add_signer
 * calls. csra_evb_set_signer_pss makes block |i| RSASSA-PSS with |md|,
 * MGF1 with |md| and a salt as long as its output (an RSA key only;
 * csra_signer_set_pss on its signer, which other users of it see too). */
csra_err csra_evb_set_signer_pss(csra_evb *b, size_t i, const EVP_MD *md);

/* csra_evb_set_signer_alg writes |alg|/|len| (a whole AlgorithmIdentifier
 * TLV, copied) as block |i|'s signatureAlgorithm, whatever the key signed
 * with: for tests of unknown or mismatched algorithms. */
csra_err csra_evb_set_signer_alg(csra_evb *b, size_t i, const uint8_t *alg, size_t len);

/* csra_evb_add_intermediate adds |cert| to intermediateCertificates. */
csra_err csra_evb_add_intermediate(csra_evb *b, X509 *cert);

/* csra_evb_set_explicit_certs makes intermediateCertificates [0] EXPLICIT
 * (the module's text) instead of [0] IMPLICIT (the draft's samples and
 * csrattest's default). */
csra_err csra_evb_set_explicit_certs(csra_evb *b, int on);

/* csra_evb_encode signs and encodes the Evidence. On success sets |*der|
 * (free with free()) and |*len|. The result is checked with csra_decode
 * before it is returned, unless csra_evb_add_raw or a version other than 1
 * was used (tests build invalid Evidence on purpose). */
csra_err csra_evb_encode(csra_evb *b, uint8_t **der, size_t *len);

/* csra_evb_tbs encodes only TbsEvidence (what signers sign). */
csra_err csra_evb_tbs(csra_evb *b, uint8_t **der, size_t *len);

/* csra_bb builds an AttestationBundle (draft-28), or for tests and old
 * verifiers the legacy EvidenceBundle of drafts -10..-21. */
typedef struct csra_bb csra_bb;

/* csra_bb_new returns an empty bundle builder, or NULL. */
csra_bb *csra_bb_new(void);

/* csra_bb_free frees |*b| and sets it to NULL. NULL is fine. */
void csra_bb_free(csra_bb **b);

/* csra_bb_add_statement appends a statement of type |type|/|type_len| (OID
 * DER contents) whose value is the DER TLV |stmt|/|len| (both copied). */
csra_err csra_bb_add_statement(csra_bb *b, const uint8_t *type, size_t type_len,
    const uint8_t *stmt, size_t len);

/* csra_bb_add_cert adds |cert| to the bundle's certs (a reference is taken). */
csra_err csra_bb_add_cert(csra_bb *b, X509 *cert);

/* csra_bb_add_other_cert adds an "other" certificate: format OID (DER
 * contents) and value TLV (copied). */
csra_err csra_bb_add_other_cert(csra_bb *b, const uint8_t *format, size_t format_len,
    const uint8_t *value, size_t value_len);

/* csra_bb_set_legacy makes csra_bb_encode write an EvidenceBundle whose
 * statements carry |hint| (UTF8String if |utf8|, else IA5String), as the
 * drafts before -28 did. |hint| NULL: no hint. */
csra_err csra_bb_set_legacy(csra_bb *b, const char *hint, int utf8);

/* csra_bb_encode writes the bundle; |*der| is freed with free(). The result
 * is checked with the strict decoder. */
csra_err csra_bb_encode(csra_bb *b, uint8_t **der, size_t *len);

/* csra_x509_req_add_bundle adds |der| as the request's one id-aa-attestation
 * attribute (sign the request afterwards). */
csra_err csra_x509_req_add_bundle(X509_REQ *req, const uint8_t *der, size_t len);

/* csra_crmf_add_bundle adds |der| as an id-aa-attestation extension of the
 * CRMF message |msg| (an OSSL_CRMF_MSG *; create the POP afterwards). */
csra_err csra_crmf_add_bundle(void *msg, const uint8_t *der, size_t len);

#ifdef __cplusplus
}
#endif

#endif
