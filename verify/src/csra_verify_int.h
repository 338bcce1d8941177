/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals shared by the verifier's files. */
#ifndef CSRA_VERIFY_INT_H
#define CSRA_VERIFY_INT_H

#include <openssl/x509.h>

#include "csrattest/codec.h"
#include "csrattest/policy.h"
#include "csrattest/verify.h"

struct keyid_key {
	EVP_PKEY *key;
	uint8_t *id;
	size_t id_len;
};

struct csra_external_route;
struct csra_callback_route;
struct csra_type_store;

struct csra_verifier {
	X509_STORE *store;
	int ntrust;
	STACK_OF(X509) *untrusted;
	STACK_OF(X509) *signer_certs;
	struct keyid_key *keys;
	size_t nkeys;
	time_t at;
	csra_sig_policy sig_policy;
	int strict;
	long ts_max_age, ts_skew;
	ASN1_OBJECT *eku_attestation;
	/* Requests (csra_request.c). */
	X509_STORE *tpm_store;
	const csra_policy *policy;		/* NULL: cabf-csbr */
	csra_policy *default_policy;
	uint8_t evidence_type[64];
	size_t evidence_type_len;
	struct csra_external_route *externals;
	size_t nexternals;
	struct csra_callback_route *callbacks;
	size_t ncallbacks;
	struct csra_type_store *type_stores;	/* the policy's anchors per type */
	size_t ntype_stores;
};

struct csra_check {
	char *name;
	char *message;
	char *path;
	csra_status status;
	csra_err code;
};

struct csra_claim_rec {
	csra_claim claim;
	size_t element;		/* index into elements[] */
	size_t index;		/* its place among the element's claims */
	int has_value;
	csra_claim_value value;
};

struct csra_signer_rec {
	int verified;		/* the signature verified with the signer's key */
	int trusted;		/* ... and the key chains or was supplied by the caller */
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
};

struct csra_result {
	csra_verdict verdict;
	struct csra_check *checks;
	size_t nchecks, cap;
	int nomem;
	csra_decoded *decoded;	/* owns what claim values point to */
	csra_element *elements;
	size_t nelements;
	struct csra_claim_rec *claims;
	size_t nclaims;
	struct csra_signer_rec *signers;
	size_t nsigners;
	/* Request results nest one result per statement. */
	struct csra_result **children;
	size_t nchildren;
	/* What the result is about, for the report. */
	char *kind;			/* "request", "pkix-evidence", "tpm2-certify", ... */
	char *type_oid;			/* a statement's type, dotted */
	char *type_name;
	int bound;			/* a statement that verified and attests the request key */
	struct csra_stmt_out *stmt;	/* a statement's claims (not PKIX Evidence's) */
	int has_digest;
	uint8_t digest[32];		/* SHA-256 of the input */
	time_t at;
	char *policy;
	char *request_format;		/* "pkcs10" or "crmf" */
};

csra_result *csra_result_new(void);

/* csra_result_add records a check; returns 0 (and marks the result) on
 * allocation failure. */
int csra_result_add(csra_result *r, const char *name, csra_status status, csra_err code,
    const char *path, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* csra_verify_evidence_with is csra_verify_evidence with the trust
 * anchors of |store| (the TPM's, or a policy's per statement type). */
csra_err csra_verify_evidence_with(const csra_verifier *v, X509_STORE *store, const uint8_t *der,
    size_t len, const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra, csra_result **out);

/* csra_request_init / csra_request_free set up and release the request
 * part of a verifier (csra_request.c). */
int csra_request_init(csra_verifier *v);
void csra_request_free(csra_verifier *v);

/* csra_result_finish sets the verdict from the checks. */
void csra_result_finish(csra_result *r);

#endif
