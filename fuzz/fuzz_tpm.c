/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TPM 2.0 certify statements (TcgAttestCertify): the strict decode, then
 * the TPM verifier on the same bytes, which unmarshals TPMS_ATTEST,
 * TPMT_SIGNATURE and TPMT_PUBLIC with libtss2-mu, checks the name, the
 * signature against the fixed TPM attestation key, the chain to the fixed
 * root, the nonce and the binding to the fixed subject key. Seeds signed
 * by that key (seedgen_request) get past the signature.
 *
 * Checks: csra_tpm_verify's contract (an error leaves nothing claimed);
 * verified exactly when no check failed; claims well formed.
 */
#include <string.h>

#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

#define FUZZ_TPM_NONCE "fuzz-nonce-0001!"

static X509_STORE *trust;
static STACK_OF(X509) *certs;
static unsigned char *subject_spki;
static size_t subject_spki_len;

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	X509 *inter = root ? fuzz_cert(FUZZ_KEY_INTER, root) : NULL;
	X509 *ak = inter ? fuzz_cert(FUZZ_KEY_TPM_AK, inter) : NULL;
	trust = X509_STORE_new();
	certs = sk_X509_new_null();
	subject_spki = fuzz_spki(FUZZ_KEY_SUBJECT, &subject_spki_len);
	if (ak == NULL || trust == NULL || certs == NULL || subject_spki == NULL ||
	    X509_STORE_add_cert(trust, root) != 1 || !sk_X509_push(certs, inter) ||
	    !sk_X509_push(certs, ak))
		fuzz_fail("cannot set up the fixed TPM PKI", NULL);
	X509_free(root);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	fuzz_decode_check(CSRA_PDU_TPM_CERTIFY, data, size, FUZZ_OPEN);

	unsigned long injected = fuzz_alloc_injected();
	csra_result *r = csra_result_new();
	if (r == NULL)
		return 0;
	/* The statement's type OID is the caller's business here. */
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	in.stmt = data;
	in.stmt_len = size;
	in.request_spki = subject_spki;
	in.request_spki_len = subject_spki_len;
	in.nonce = (const uint8_t *)FUZZ_TPM_NONCE;
	in.nonce_len = strlen(FUZZ_TPM_NONCE);
	in.certs = certs;
	in.at = FUZZ_T0;
	csra_stmt_out *out = fuzz_realloc(NULL, sizeof(*out));
	csra_stmt_out_init(out, 0);	/* as csra_request.c hands it over */
	csra_err e = csra_tpm_verify(&in, trust, NULL, r, out);
	if (e != CSRA_OK) {
		if (e != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected)
			fuzz_fail("csra_tpm_verify failed", csra_err_name(e));
		if (out->verified || out->bound)
			fuzz_fail("csra_tpm_verify failed but claims a verified statement", NULL);
	} else {
		/* Bound says only which key it names; the request layer
		 * counts it when it is also verified. */
		if (out->verified == fuzz_has_fail(r))
			fuzz_fail(out->verified ? "a TPM statement verified with a failed check" :
			    "a TPM statement not verified, yet no check says why", NULL);
		if (out->nclaims > CSRA_STMT_DEFAULT_LIMIT)
			fuzz_fail("more claims than the cap", NULL);
		for (size_t i = 0; i < out->nclaims; i++) {
			const csra_stmt_claim *c = &out->claims[i];
			if (c->element[0] == '\0' || c->name[0] == '\0' ||
			    (c->type == CSRA_VALUE_UTF8 && strlen(c->text) != c->text_len))
				fuzz_fail("a TPM claim is empty or its text cut", NULL);
		}
	}
	csra_stmt_out_clear(out);
	free(out);
	csra_result_free(&r);
	return 0;
}
