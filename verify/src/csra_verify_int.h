/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals shared by the verifier's files. */
#ifndef CSRA_VERIFY_INT_H
#define CSRA_VERIFY_INT_H

#include <openssl/x509.h>

#include "csrattest/codec.h"
#include "csrattest/verify.h"

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
};

csra_result *csra_result_new(void);

/* csra_result_add records a check; returns 0 (and marks the result) on
 * allocation failure. */
int csra_result_add(csra_result *r, const char *name, csra_status status, csra_err code,
    const char *path, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* csra_result_finish sets the verdict from the checks. */
void csra_result_finish(csra_result *r);

#endif
