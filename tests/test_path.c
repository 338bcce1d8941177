/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Path building past a failed intermediate (csra_verify_path). OpenSSL
 * builds one path and does not go back: given two intermediates of one
 * subject, it takes the first time-valid one, and a failure there ends the
 * validation though a valid path exists. csrattest tries the path without
 * the failed intermediate, at most CSRA_PATH_ATTEMPTS paths in all, and
 * only ever takes a path OpenSSL validated whole. Found by fuzzing: an
 * allocation failure inside X509_verify_cert made OpenSSL skip the broken
 * copy, so the attestation verified only when memory ran out.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#define DAY 86400L

static const uint8_t NONCE[] = { 0x50, 0x41, 0x54, 0x48, 0x2d, 0x72, 0x65, 0x74 };

/* Evidence signed by |key| with |cert| in the signer identifier and the
 * |n| intermediates |inter| in that order. */
static uint8_t *evidence(EVP_PKEY *key, X509 *cert, X509 *const *inter, size_t n, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx;
	uint8_t *der = NULL;
	int ok = b != NULL && csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE)) == CSRA_OK &&
	    csra_evb_add_signer(b, key, cert, CSRA_SID_CERT, NULL, 0) == CSRA_OK;
	for (size_t i = 0; ok && i < n; i++)
		ok = csra_evb_add_intermediate(b, inter[i]) == CSRA_OK;
	ok = ok && csra_evb_encode(b, &der, len) == CSRA_OK;
	csra_evb_free(&b);
	if (!ok) {
		free(der);
		return NULL;
	}
	return der;
}

/* A copy of |p|'s intermediate (same subject, same key) that no verifier
 * can use: an unknown critical extension whose value is |tag|, so that
 * every copy is a different certificate. */
static X509 *broken_copy(const tp_pki *p, int tag)
{
	X509 *x = X509_dup(p->inter);
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.32473.99", 1);
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	unsigned char v[3] = { 0x02, 0x01, (unsigned char)tag };	/* INTEGER tag */
	X509_EXTENSION *ext = NULL;
	int ok = x != NULL && oid != NULL && val != NULL && ASN1_OCTET_STRING_set(val, v, sizeof(v)) == 1 &&
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 1, val)) != NULL && X509_add_ext(x, ext, -1) == 1 &&
	    X509_sign(x, p->root_key, EVP_sha256()) > 0;
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	ASN1_OBJECT_free(oid);
	unsigned char *der = NULL;
	int n = ok ? i2d_X509(x, &der) : 0;
	const unsigned char *q = der;
	X509 *again = n > 0 ? d2i_X509(NULL, &q, n) : NULL;	/* no cached extension data */
	OPENSSL_free(der);
	X509_free(x);
	return again;
}

/* Verifies p's AK with the intermediates |inter| (|n|): the verdict, and
 * the code of "ak.chain". */
static int verify(const tp_pki *p, X509 *const *inter, size_t n, csra_verdict want, csra_err code)
{
	size_t len;
	uint8_t *ev = evidence(p->ak_key, p->ak, inter, n, &len);
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = ev != NULL && v != NULL && csra_verifier_add_trust(v, p->root) == CSRA_OK &&
	    csra_verify_evidence(v, ev, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK;
	ok = ok && tu_has_check(r, "ak.chain", code == CSRA_OK ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL, code, NULL) &&
	    csra_result_verdict(r) == want;
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(ev);
	return ok;
}

static int test_broken_alone(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	X509 *bad = broken_copy(&p, 1);
	CHECK(bad != NULL);
	/* The copy is what fails: with the good one alone, verified. */
	CHECK(verify(&p, &p.inter, 1, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(verify(&p, &bad, 1, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_CHAIN));
	X509_free(bad);
	tp_pki_free(&p);
	return 1;
}

/* The broken copy first: OpenSSL's path goes through it and fails; the
 * path through the good one is valid and is taken. Either order. */
static int test_broken_first(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	X509 *inter[2] = { broken_copy(&p, 1), p.inter };
	CHECK(inter[0] != NULL);
	CHECK(verify(&p, inter, 2, CSRA_VERDICT_VERIFIED, CSRA_OK));
	X509 *swapped[2] = { p.inter, inter[0] };
	CHECK(verify(&p, swapped, 2, CSRA_VERDICT_VERIFIED, CSRA_OK));
	X509_free(inter[0]);
	tp_pki_free(&p);
	return 1;
}

/* Bounded: CSRA_PATH_ATTEMPTS paths. With one broken copy fewer than
 * that before the good one, the last path tried is the good one's; with
 * as many, the good one is never reached and OpenSSL's first error is
 * reported. */
static int test_attempts_bounded(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	X509 *inter[CSRA_PATH_ATTEMPTS + 1];
	for (int i = 0; i < CSRA_PATH_ATTEMPTS; i++)
		CHECK((inter[i] = broken_copy(&p, i + 1)) != NULL);
	inter[CSRA_PATH_ATTEMPTS] = p.inter;
	CHECK(verify(&p, inter + 1, CSRA_PATH_ATTEMPTS, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(verify(&p, inter, CSRA_PATH_ATTEMPTS + 1, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_CHAIN));
	for (int i = 0; i < CSRA_PATH_ATTEMPTS; i++)
		X509_free(inter[i]);
	tp_pki_free(&p);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_broken_alone),
		TU(test_broken_first),
		TU(test_attempts_bounded),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
