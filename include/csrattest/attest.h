/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attester side (draft-ietf-rats-pkix-key-attestation-07): an
 * attesting environment that knows claims about its platform and keys,
 * answers attestation requests with signed Evidence, and builds requests.
 *
 * An attestation request is a TbsEvidence whose claims mostly have no
 * value: the presenter names the elements and claims it wants, with
 * values only where it selects (a key's identifier) or supplies (the
 * transaction nonce). Processing follows the draft's section "Processing
 * an Attestation Request": an unknown element type fails; a requested
 * claim of unknown type fails if it carries a value and is left out if
 * not; only what was requested is reported.
 *
 * Every claim the attester holds has a source. Evidence cannot say where a
 * value came from, so csra_attest_report does: observed (read from the
 * device), declared (the operator's word, e.g. fipslevel from a config
 * file), presenter (copied from the request) or attester (made while
 * answering: timestamp, ak-spki).
 */
#ifndef CSRATTEST_ATTEST_H
#define CSRATTEST_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "csrattest/build.h"
#include "csrattest/claims.h"
#include "csrattest/error.h"
#include "csrattest/signer.h"
#include "csrattest/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct csra_attester csra_attester;

/* csra_claim_source says where a reported value came from. */
typedef enum csra_claim_source {
	CSRA_SOURCE_OBSERVED = 1,	/* read from the device */
	CSRA_SOURCE_DECLARED = 2,	/* stated by the operator, not observed */
	CSRA_SOURCE_PRESENTER = 3,	/* copied from the request (nonce, identifier) */
	CSRA_SOURCE_ATTESTER = 4	/* made while answering (timestamp, ak-spki) */
} csra_claim_source;

/* csra_claim_source_name returns "observed", "declared", "presenter" or
 * "attester" (static), or "?". */
const char *csra_claim_source_name(csra_claim_source s);

/* csra_attester_new returns an attester with no claims, keys or signers,
 * whose clock is the system's, or NULL. */
csra_attester *csra_attester_new(void);

/* csra_attester_free frees |*a| (dropping its references to signers and
 * certificates) and sets it to NULL. NULL is fine. */
void csra_attester_free(csra_attester **a);

/* csra_attester_set_platform sets platform claim |c| to |v| (bytes are
 * copied), replacing an earlier value of the same claim; |src| is
 * CSRA_SOURCE_OBSERVED or CSRA_SOURCE_DECLARED. |v|'s type must be the
 * claim's (csra_claim_get). Returns CSRA_ERR_INVALID_ARGUMENT otherwise,
 * or for a claim that is not a platform claim. */
csra_err csra_attester_set_platform(csra_attester *a, csra_claim c, const csra_claim_value *v,
    csra_claim_source src);

/* csra_attester_add_key adds a key known by |identifier|/|len| (UTF-8,
 * copied; unique among the attester's keys) and sets |*k| to its index.
 * Its identifier claim is that string; the other key claims are set with
 * csra_attester_set_key. */
csra_err csra_attester_add_key(csra_attester *a, const char *identifier, size_t len, size_t *k);

/* csra_attester_set_key sets claim |c| of key |k|, as
 * csra_attester_set_platform does for the platform (not the identifier). */
csra_err csra_attester_set_key(csra_attester *a, size_t k, csra_claim c, const csra_claim_value *v,
    csra_claim_source src);

/* csra_attester_get_platform and csra_attester_get_key give the value
 * the attester holds for platform claim |c| / claim |c| of key |k| (bytes
 * owned by |a|, valid until the claim is set again) and its source. They
 * return 1, or 0 if the claim is not held (the key identifier is not a
 * held claim: see csra_attester_find_key). */
int csra_attester_get_platform(const csra_attester *a, csra_claim c, csra_claim_value *v,
    csra_claim_source *src);
int csra_attester_get_key(const csra_attester *a, size_t k, csra_claim c, csra_claim_value *v,
    csra_claim_source *src);

/* csra_attester_find_key sets |*k| to the index of the key known by
 * |identifier|/|len| and returns 1, or returns 0 if there is none. */
int csra_attester_find_key(const csra_attester *a, const char *identifier, size_t len, size_t *k);

/* csra_attester_key_count returns the number of keys. */
size_t csra_attester_key_count(const csra_attester *a);

/* csra_attester_set_time fixes the attester's clock (for the timestamp
 * claim) at |t|; (time_t)-1 returns it to the system clock. */
csra_err csra_attester_set_time(csra_attester *a, time_t t);

/* csra_attester_add_signer adds an attestation key: |s| signs every
 * Evidence (a reference is taken), identified per |sid| (CSRA_SID_*,
 * csrattest/build.h) with |cert| (may be NULL without CSRA_SID_CERT; a
 * reference is taken). csra_attester_add_intermediate adds a certificate
 * to the Evidence's intermediateCertificates. */
csra_err csra_attester_add_signer(csra_attester *a, csra_signer *s, X509 *cert, unsigned sid);
csra_err csra_attester_add_intermediate(csra_attester *a, X509 *cert);

/* csra_attester_load_claims reads claims from the JSON text |json|/|len|:
 *   {"platform": {"vendor": "Example", "fipsboot": true, "fipslevel": 3},
 *    "keys": [{"identifier": "k1", "spki": {"base64": "<DER>"},
 *              "extractable": false, "purpose": ["sign"], ...}]}
 * Names are the draft's claim names; values are JSON booleans, integers,
 * strings, octets (an object {"base64": ".."} or {"hex": ".."}; a plain
 * string is taken as its UTF-8 bytes, so a base64 SubjectPublicKeyInfo
 * given as a plain string would never match the key), RFC 3339 UTC times ("expiry")
 * and lists of capability names ("purpose": encrypt, decrypt, wrap,
 * unwrap, sign, sign-recover, verify, verify-recover, derive). Keys not
 * in the attester are added; claims of existing keys are replaced. Every
 * value gets source |src|. A declared value never replaces an observed
 * one: the operator's word cannot mask what the device reports. On error
 * returns CSRA_ERR_CLAIMS_FILE and writes what and where (a JSON path)
 * into |err| (|err_len| bytes); the attester is then unchanged. On
 * success |err| is "" or a warning to show the operator: the old claim
 * name "debugstat" is read as the draft's "dbgstat" for one release. */
csra_err csra_attester_load_claims(csra_attester *a, const char *json, size_t len,
    csra_claim_source src, char *err, size_t err_len);

/* csra_attest_request_new builds an attestation request (a TbsEvidence
 * DER) asking for |nclaims| claims |claims| of every element they belong
 * to, plus: when |nonce| is not NULL, a transaction nonce with that value;
 * for each of the |nkeys| |key_ids| (UTF-8, NUL-terminated), a key element
 * selecting it by identifier; with no key_ids, one key element without an
 * identifier value (the attester's choice of key). Claims of the key
 * element go into each key element. |*der| is freed with free(). */
csra_err csra_attest_request_new(const csra_claim *claims, size_t nclaims, const uint8_t *nonce,
    size_t nonce_len, const char *const *key_ids, size_t nkeys, uint8_t **der, size_t *len);

/* csra_attester_request_all builds the request for everything |a| holds:
 * every platform claim it has, timestamp and, if it has signers, ak-spki;
 * |nonce| if not NULL; and every key with all its claims. */
csra_err csra_attester_request_all(const csra_attester *a, const uint8_t *nonce, size_t nonce_len,
    uint8_t **der, size_t *len);

/* csra_attest_report lists what an answer holds and what it left out. */
typedef struct csra_attest_report csra_attest_report;

/* csra_attester_process answers the attestation request |req|/|req_len|
 * (a TbsEvidence, DER). It reports the requested elements in their
 * order and, within each, the requested claims the attester holds in
 * their order; an identifier-selected key must exist; a key element
 * without an identifier value reports every key the attester holds. The
 * nonce is copied; timestamp is the attester's clock; ak-spki is each
 * signer's SubjectPublicKeyInfo, once per key. Requested claims the attester does not
 * hold, and unknown claims without a value, are left out and listed in
 * the report. The Evidence is signed by every signer (at least one).
 *
 * On success sets |*evidence| (free()) and |*rep| (if not NULL; free with
 * csra_attest_report_free). On failure |*evidence| is NULL and |diag|
 * (may be NULL) says why and where in the request: CSRA_ERR_ATTREQ_*
 * for the processing rules, a decode error for bad DER,
 * CSRA_ERR_ATTREQ_NO_SIGNER without a signer. */
csra_err csra_attester_process(const csra_attester *a, const uint8_t *req, size_t req_len,
    uint8_t **evidence, size_t *ev_len, csra_attest_report **rep, csra_diag *diag);

/* csra_attest_report_free frees |*r| and sets it to NULL. NULL is fine. */
void csra_attest_report_free(csra_attest_report **r);

/* csra_attest_report_count returns the number of items. An item is a
 * claim reported (|included| 1, with its source) or a requested claim
 * left out (|included| 0, |note| says why). |element| is "transaction",
 * "platform" or "key[N]" (N the reported key's index), |claim| the claim's
 * name or its dotted OID; strings are owned by |r|. */
size_t csra_attest_report_count(const csra_attest_report *r);
int csra_attest_report_item(const csra_attest_report *r, size_t i, const char **element,
    const char **claim, int *included, csra_claim_source *src, const char **note);

/* csra_attest_report_declared says whether any reported claim is declared. */
int csra_attest_report_declared(const csra_attest_report *r);

#ifdef __cplusplus
}
#endif

#endif
