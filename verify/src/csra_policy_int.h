/* SPDX-License-Identifier: BSD-2-Clause */
/* Policy evaluation, between the CSR verifier and csra_policy.c. */
#ifndef CSRA_POLICY_INT_H
#define CSRA_POLICY_INT_H

#include <openssl/evp.h>

#include "csra_stmt.h"
#include "csrattest/policy.h"

/* One statement's outcome, as the policy sees it. */
typedef struct csra_policy_stmt {
	const uint8_t *type;	/* statement type OID, DER contents; NULL for a file beside the request */
	size_t type_len;
	const char *kind;	/* its format's name: "pkix-evidence", "yubico-piv", ... */
	const csra_stmt_out *out;	/* verified, bound, claims */
} csra_policy_stmt;

typedef struct csra_policy_input {
	EVP_PKEY *request_key;
	const csra_policy_stmt *stmts;
	size_t nstmts;
	/* The SubjectPublicKeyInfo |request_key| was made from, or NULL. */
	const uint8_t *request_spki;
	size_t request_spki_len;
	/* The CA gave a nonce: a statement then counts only if its verifier
	 * confirmed it (out->freshness) or the policy exempts its type. */
	int have_nonce;
} csra_policy_input;

/* csra_policy_eval records one check per requirement in |r| (names
 * "policy.*", status pass or fail, the message saying what was found and
 * in which statement) and returns 1 if every requirement is met. A claim
 * requirement is met by a statement that is verified, bound to the
 * request key and carries the claim with an allowed value; the
 * requirements must all hold in the same statement. */
int csra_policy_eval(const csra_policy *p, const csra_policy_input *in, csra_result *r);

/* csra_policy_freshness_exempt says whether statements of type
 * |type|/|type_len| (DER contents; NULL for a file beside the request) or
 * of format |kind| (may be NULL) may count without confirmed freshness
 * ("freshness_exempt" lists OIDs and format names). */
int csra_policy_freshness_exempt(const csra_policy *p, const uint8_t *type, size_t type_len,
    const char *kind);

/* csra_policy_check_formats records a "policy.formats" warning in |r|
 * for each format name the policy uses ("formats", "format_claims",
 * "firmware_min", "freshness_exempt") that no format of |registry| (a
 * NULL-terminated list, csra_formats) has: such an entry matches no
 * statement, and a misspelt firmware floor would otherwise be silently
 * void. The policy cannot look at the registry itself (it is a layer
 * above); the caller hands it over. */
void csra_policy_check_formats(const csra_policy *p, const csra_format *const *registry,
    csra_result *r);

/* csra_policy_trust_count / csra_policy_trust give the policy's trust
 * anchors per statement type: entry |i|'s type OID (DER contents) and
 * file or directory path. */
/* The policy's attestation-key EKUs (DER OID contents), for PKIX Evidence
 * (|tpm| 0) or TPM AK certificates (|tpm| 1); a count of 0: the
 * verifier's own. */
size_t csra_policy_ak_eku_count(const csra_policy *p, int tpm);
const uint8_t *csra_policy_ak_eku(const csra_policy *p, int tpm, size_t i, size_t *len);

/* csra_policy_waives says whether |p| waives the check named |check|
 * ("waive": a known-weak-key check a CA has decided to accept, ...): the
 * check is then recorded as a warning instead of a failure. */
int csra_policy_waives(const csra_policy *p, const char *check);

size_t csra_policy_trust_count(const csra_policy *p);

/* csra_policy_trust_format returns the vendor format entry |i|'s anchors
 * are for (then csra_policy_trust gives no type, and its path "bundle"
 * means: keep the format's bundled roots), or NULL for a statement type. */
const char *csra_policy_trust_format(const csra_policy *p, size_t i);
const char *csra_policy_trust(const csra_policy *p, size_t i, const uint8_t **type, size_t *type_len);

#endif
