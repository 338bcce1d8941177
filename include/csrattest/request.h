/* SPDX-License-Identifier: BSD-2-Clause */
/* Verifying the attestation in a certificate request, end to end. */
#ifndef CSRATTEST_REQUEST_H
#define CSRATTEST_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "csrattest/policy.h"
#include "csrattest/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_verifier_add_tpm_trust adds a trust anchor for TPM attestation
 * keys (the TPM vendors' roots); csra_verifier_add_tpm_trust_file reads
 * PEM files or a directory. PKIX Evidence uses csra_verifier_add_trust. */
csra_err csra_verifier_add_tpm_trust(csra_verifier *v, X509 *cert);
csra_err csra_verifier_add_tpm_trust_file(csra_verifier *v, const char *path);

/* csra_verifier_add_format_trust adds |cert| (a reference is taken) to the
 * trust anchors of the vendor attestation format named |format|
 * ("yubico-piv", "thales-luna", ...: docs/formats.md); the vendor bundle's
 * roots for it stay trusted unless dropped with
 * csra_verifier_drop_format_bundle. csra_verifier_add_format_trust_file
 * reads PEM files or a directory. Return CSRA_ERR_INVALID_ARGUMENT for a
 * format csrattest does not know. */
csra_err csra_verifier_add_format_trust(csra_verifier *v, const char *format, X509 *cert);
csra_err csra_verifier_add_format_trust_file(csra_verifier *v, const char *format, const char *path);

/* csra_verifier_drop_format_bundle stops trusting the vendor bundle's
 * roots for |format|: only those added with csra_verifier_add_format_trust
 * remain. */
csra_err csra_verifier_drop_format_bundle(csra_verifier *v, const char *format);

/* csra_verifier_add_tpm_ak_eku is csra_verifier_add_ak_eku for TPM
 * attestation-key certificates (check tpm.ak-eku); the default is the
 * TCG's tcg-kp-AIKCertificate, 2.23.133.8.3; a policy's tpm_ak_ekus
 * replace the set. */
csra_err csra_verifier_add_tpm_ak_eku(csra_verifier *v, const uint8_t *oid, size_t len);

/* csra_verifier_set_policy sets the policy requests are judged by (the
 * default is csra_policy_cabf_csbr()). |p| is borrowed: it must outlive
 * |v|. Trust anchors the policy names per statement type are loaded
 * here, and for statements of that type they replace the verifier's own
 * (csra_verifier_add_trust / _add_tpm_trust); returns CSRA_ERR_IO if one
 * cannot be read. */
csra_err csra_verifier_set_policy(csra_verifier *v, const csra_policy *p);

/* csra_verifier_set_evidence_type sets the AttestationStatement type OID
 * (DER contents, copied) under which statements are PKIX Evidence. Neither
 * draft assigns one; the default is id-evidence (1.3.6.1.5.5.999). */
csra_err csra_verifier_set_evidence_type(csra_verifier *v, const uint8_t *oid, size_t len);

/* csra_verifier_add_external routes statements of type |oid| (DER
 * contents) to the command |argv| (argv[0] a path; copied), run without a
 * shell, with |timeout_ms| and at most |max_output| bytes of reply. See
 * docs/external.md for what it receives and must print. */
csra_err csra_verifier_add_external(csra_verifier *v, const uint8_t *oid, size_t len,
    const char *const *argv, unsigned timeout_ms, size_t max_output);

/* csra_cb_result collects what an in-process verifier callback finds. */
typedef struct csra_cb_result csra_cb_result;

/* csra_freshness says what a statement verifier checked of the
 * statement's freshness (docs/external.md, "Freshness"). Stable values. */
typedef enum csra_freshness {
	/* Nothing: the format carries no freshness, or it was not checked. */
	CSRA_FRESHNESS_NONE = 0,
	/* The signed statement carries exactly the nonce the CA gave (or the
	 * value the statement type's own rules derive from it), and the
	 * verifier compared it. */
	CSRA_FRESHNESS_NONCE = 1
} csra_freshness;

/* A callback's setters: whether the statement verified, the attested
 * key's DER SubjectPublicKeyInfo (copied; binding compares it byte for
 * byte with the request's), and claims for the policy ("key" or
 * "platform" element, the draft's claim names; element and name are
 * copied, 1..255 bytes).
 *
 * csra_cb_add_text adds a UTF8 claim of |len| bytes (copied; compared by
 * length). csra_cb_add_bytes adds an OCTETS claim of the |len| bytes at
 * |p| (copied; any bytes; |p| may be NULL if |len| is 0): the record
 * shows it as lowercase hex, and a policy's string requirement on it is
 * read as hex. csra_cb_add_bigint adds an INTEGER of any size up to 256
 * octets given as |twos|/|len|, its minimal two's-complement big-endian
 * octets (DER's INTEGER contents; copied).
 *
 * The csra_cb_add_* return CSRA_OK, or why the claim was refused:
 * CSRA_ERR_LIMIT_CLAIMS past the verifier's CSRA_LIMIT_CLAIMS cap,
 * CSRA_ERR_EV_CLAIM_NUL for text with U+0000, CSRA_ERR_EV_INTEGER_RANGE,
 * CSRA_ERR_INVALID_ARGUMENT or CSRA_ERR_NOMEM. A refused claim fails the
 * statement (check "statement.claims" with that code), whatever the
 * callback returns: a policy must not be judged on part of the claims. */
void csra_cb_set_verified(csra_cb_result *res, int verified);
csra_err csra_cb_set_spki(csra_cb_result *res, const uint8_t *spki, size_t len);
csra_err csra_cb_add_bool(csra_cb_result *res, const char *element, const char *name, int v);
csra_err csra_cb_add_int(csra_cb_result *res, const char *element, const char *name, int64_t v);
csra_err csra_cb_add_bigint(csra_cb_result *res, const char *element, const char *name,
    const uint8_t *twos, size_t len);
csra_err csra_cb_add_text(csra_cb_result *res, const char *element, const char *name,
    const char *text, size_t len);
csra_err csra_cb_add_bytes(csra_cb_result *res, const char *element, const char *name,
    const uint8_t *p, size_t len);

/* csra_cb_set_freshness reports what the callback checked of freshness
 * (the default is CSRA_FRESHNESS_NONE). CSRA_FRESHNESS_NONCE claims that
 * the signed statement carries the nonce the callback was given; without
 * a nonce there is nothing to confirm and it returns
 * CSRA_ERR_INVALID_ARGUMENT, as for a value outside the enum, leaving the
 * report unchanged. When the CA gave a nonce, a statement not confirmed
 * fresh does not count towards the policy unless the policy exempts its
 * type (docs/policy.md). */
csra_err csra_cb_set_freshness(csra_cb_result *res, csra_freshness f);

/* csra_cb_other_count and csra_cb_other give the bundle's "other"
 * certificates (non-X.509 formats) to a callback: entry |i|'s format OID
 * (DER contents) and value (its whole TLV), owned by the request being
 * verified. csra_cb_other returns 1, or 0 if |i| is out of range. */
size_t csra_cb_other_count(const csra_cb_result *res);
int csra_cb_other(const csra_cb_result *res, size_t i, const uint8_t **format, size_t *format_len,
    const uint8_t **value, size_t *value_len);

/* csra_stmt_callback verifies statement |stmt|/|stmt_len| (its whole TLV)
 * of type |type|; |certs| are the bundle's certificates. |nonce|/
 * |nonce_len| is the nonce the CA issued (NULL and 0 when it gave none:
 * freshness cannot then be shown) and |at| the verification time, which
 * certificate validity should be judged at. Everything is borrowed for
 * the call. It fills |res| (csra_cb_set_freshness when it compared the
 * nonce) and returns 1, or 0 on an internal failure (the statement then
 * fails). */
typedef int (*csra_stmt_callback)(void *arg, const uint8_t *type, size_t type_len,
    const uint8_t *stmt, size_t stmt_len, STACK_OF(X509) *certs, const uint8_t *nonce,
    size_t nonce_len, time_t at, csra_cb_result *res);

/* csra_verifier_add_callback routes statements of type |oid| to |cb|. */
csra_err csra_verifier_add_callback(csra_verifier *v, const uint8_t *oid, size_t len,
    csra_stmt_callback cb, void *arg);

/* csra_verify_request verifies the DER certificate request |der|/|len|
 * (PKCS#10, or CRMF CertReqMessages with one message) under |v|: the
 * request's own signature (proof of possession), its id-aa-attestation
 * attribute or extension (draft-28 AttestationBundle, or the legacy
 * EvidenceBundle, with a warning), each statement by its type, each
 * statement's binding to the request key, its freshness, and the policy.
 * |nonce| (may be NULL) is the nonce the CA issued; an empty one is no
 * nonce (draft-ietf-lamps-attestation-freshness: a zero-length nonce
 * means the CA needs no freshness proof). With a nonce, a statement
 * counts towards the policy only if its verifier confirmed it, or the
 * policy exempts its type. Returns CSRA_OK and |*out| whatever
 * the verdict (statement results are csra_result_statement(*out, i)), or
 * an error with |*out| NULL. */
csra_err csra_verify_request(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, csra_result **out);

/* csra_verify_request_ex is csra_verify_request with |nfiles| attestations
 * given beside the request: |files|[i]/|lens|[i] the bytes of each as
 * read (PEM or DER, borrowed for the call), of format |formats|[i] ("yubico-piv",
 * "thales-luna", ...: docs/formats.md), or detected when |formats| or
 * |formats|[i] is NULL. Each is verified and bound to the request key
 * exactly like a statement carried inside the request, and reported as a
 * statement result of its own. A request carrying no id-aa-attestation
 * then does not fail for that. */
csra_err csra_verify_request_ex(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *const *files, const size_t *lens,
    const char *const *formats, size_t nfiles, csra_result **out);

/* csra_attestation is one attestation given beside a request (or alone),
 * as one file or as several: Securosys Primus sends an XML statement, its
 * detached signature and the attestation key's chain; Google Cloud HSM a
 * compressed binary and its certificate chains. Each part is the bytes of
 * one file as read (PEM or DER). The format is found from the parts (the
 * one format whose detection takes one of them) or named; the format
 * places each part by its content, never by its order, and an attestation
 * with a part its format does not read fails (CSRA_ERR_FMT_PART_UNUSED). */
typedef struct csra_attestation csra_attestation;

/* The most parts one attestation takes. */
#define CSRA_ATTESTATION_MAX_PARTS 8

/* csra_attestation_new returns an empty attestation, or NULL when memory
 * runs out. csra_attestation_free frees |*ap| (NULL is fine) and sets
 * |*ap| to NULL. */
csra_attestation *csra_attestation_new(void);
void csra_attestation_free(csra_attestation **ap);

/* csra_attestation_add_part appends a copy of the |len| bytes at |p| as
 * the attestation's next part. Returns CSRA_OK; CSRA_ERR_INVALID_ARGUMENT
 * for a NULL |a| or |p|, an empty part or a part past
 * CSRA_ATTESTATION_MAX_PARTS; or CSRA_ERR_NOMEM. */
csra_err csra_attestation_add_part(csra_attestation *a, const uint8_t *p, size_t len);

/* csra_attestation_set_format names the attestation's format
 * ("securosys-primus", ...: docs/formats.md; copied), or with NULL has it
 * detected (the default). Returns CSRA_OK, CSRA_ERR_INVALID_ARGUMENT
 * (NULL |a|, a name over 31 bytes) or CSRA_ERR_NOMEM. An unknown name
 * fails the attestation's "attestation.format" check when verified. */
csra_err csra_attestation_set_format(csra_attestation *a, const char *format);

/* csra_attestation_part_count returns how many parts |a| has (0 for
 * NULL). csra_attestation_part returns part |i| (owned by |a|) and sets
 * |*len|, or NULL past the last. */
size_t csra_attestation_part_count(const csra_attestation *a);
const uint8_t *csra_attestation_part(const csra_attestation *a, size_t i, size_t *len);

/* csra_verify_request_with is csra_verify_request_ex with the
 * attestations given as csra_attestation objects (|atts|, borrowed for
 * the call; each with at least one part), so that one attestation may be
 * several files. */
csra_err csra_verify_request_with(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const csra_attestation *const *atts, size_t natts,
    csra_result **out);

/* csra_verify_attestations_with is csra_verify_attestations with the
 * attestations given as csra_attestation objects (see
 * csra_verify_request_with); |natts| >= 1. */
csra_err csra_verify_attestations_with(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const csra_attestation *const *atts, size_t natts,
    csra_result **out);

/* csra_verify_attestations verifies |nfiles| attestations (as in
 * csra_verify_request_ex) without a request: bound to the key |spki|/
 * |spki_len| (DER SubjectPublicKeyInfo, e.g. of a certificate issued
 * earlier, re-checked at renewal or in an audit) and judged by the policy
 * as a request for that key would be; or, with |spki| NULL, each verified
 * on its own, unbound and without a policy, its attested keys reported
 * (csra_result_attested_key). Returns CSRA_OK and |*out| whatever the
 * verdict, or an error with |*out| NULL. */
csra_err csra_verify_attestations(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *const *files, const size_t *lens,
    const char *const *formats, size_t nfiles, csra_result **out);

/* csra_result_attested_key returns the |i|th key statement result |r|
 * attests (DER SubjectPublicKeyInfo, owned by |r|) and sets |*len|, or
 * NULL past the last. */
const uint8_t *csra_result_attested_key(const csra_result *r, size_t i, size_t *len);

/* csra_result_statement_count / csra_result_statement give a request
 * result's per-statement results (owned by |r|). */
size_t csra_result_statement_count(const csra_result *r);
const csra_result *csra_result_statement(const csra_result *r, size_t i);

/* csra_result_statement_bound says whether statement |i| verified and
 * attests the request key byte for byte. */
int csra_result_statement_bound(const csra_result *r, size_t i);

/* csra_result_statement_verified says whether statement |i|'s verifier
 * verified it (structure, signature, chain), so that its binding to the
 * request key was checked; 0 also for a type no verifier handles. */
int csra_result_statement_verified(const csra_result *r, size_t i);

#ifdef __cplusplus
}
#endif

#endif
