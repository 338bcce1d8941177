/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hostile counts: requests and Evidence packed with many statements,
 * attributes, certificates, extensions, signature blocks or elements.
 * Verification must read a number of TLVs proportional to the input (the
 * span walker's per-thread step counter, not the clock, is asserted), and
 * a count over its csra_verifier_set_limit cap must fail with its own
 * code, with the list left unprocessed.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crmf.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_span.h"
#include "csra_verify_int.h"
#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/signer.h"
#include "csrattest/request.h"
#include "testpki.h"
#include "testutil.h"

/* An arc no verifier knows: unknown statement types, attributes, extensions. */
#define ARC "1.3.6.1.4.1.55555"
static const uint8_t UNKNOWN_TYPE[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01 };
static const uint8_t NULL_TLV[] = { 0x05, 0x00 };

static tp_pki pki;
static EVP_PKEY *subject;

static int setup(void)
{
	if (subject != NULL)
		return 1;
	subject = tp_key("EC", "P-256");
	return subject != NULL && tp_pki_new(&pki, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 86400);
}

/* A verifier whose caps are all |cap|. */
static csra_verifier *verifier(size_t cap)
{
	csra_verifier *v = csra_verifier_new();
	for (int i = 0; v != NULL && i < CSRA_LIMIT_COUNT; i++)
		if (csra_verifier_set_limit(v, (csra_limit)i, cap) != CSRA_OK)
			csra_verifier_free(&v);
	return v;
}

/* A bundle of |nstmts| unknown statements and |ncerts| certificates. */
static uint8_t *bundle(int nstmts, int ncerts, size_t *len)
{
	csra_bb *b = csra_bb_new();
	uint8_t *der = NULL;
	int ok = b != NULL;
	for (int i = 0; ok && i < nstmts; i++)
		ok = csra_bb_add_statement(b, UNKNOWN_TYPE, sizeof(UNKNOWN_TYPE), NULL_TLV,
		    sizeof(NULL_TLV)) == CSRA_OK;
	for (int i = 0; ok && i < ncerts; i++)
		ok = csra_bb_add_cert(b, pki.inter) == CSRA_OK;
	if (!ok || csra_bb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_bb_free(&b);
	return der;
}

static uint8_t *i2d_out(unsigned char *der, int n, size_t *len)
{
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;
	if (out != NULL) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return out;
}

/* PKCS#10 with |nattrs| attributes besides the attestation one. */
static uint8_t *pkcs10(int nstmts, int ncerts, int nattrs, size_t *len)
{
	size_t blen;
	uint8_t *b = bundle(nstmts, ncerts, &blen);
	X509_REQ *req = X509_REQ_new();
	unsigned char *der = NULL;
	int ok = b != NULL && req != NULL && X509_REQ_set_pubkey(req, subject) &&
	    csra_x509_req_add_bundle(req, b, blen) == CSRA_OK;
	for (int i = 0; ok && i < nattrs; i++) {
		char oid[64];
		snprintf(oid, sizeof(oid), ARC ".2.%d", i);
		ok = X509_REQ_add1_attr_by_txt(req, oid, MBSTRING_UTF8, (const unsigned char *)"x", 1);
	}
	ok = ok && X509_REQ_sign(req, subject, EVP_sha256()) > 0;
	int n = ok ? i2d_X509_REQ(req, &der) : 0;
	X509_REQ_free(req);
	free(b);
	return i2d_out(der, n, len);
}

/* CRMF with |nexts| template extensions besides the attestation one. */
static uint8_t *crmf(int nexts, size_t *len)
{
	size_t blen;
	uint8_t *b = bundle(1, 0, &blen);
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	OSSL_CRMF_MSGS *msgs = sk_OSSL_CRMF_MSG_new_null();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	int ok = b != NULL && m != NULL && msgs != NULL && name != NULL &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"n", -1, -1, 0) &&
	    OSSL_CRMF_MSG_set_certReqId(m, 0) &&
	    OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), subject, name, NULL, NULL);
	for (int i = 0; ok && i < nexts; i++) {
		char oid[64];
		snprintf(oid, sizeof(oid), ARC ".3.%d", i);
		ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		X509_EXTENSION *ext = NULL;
		ok = obj != NULL && os != NULL && ASN1_OCTET_STRING_set(os, NULL_TLV, sizeof(NULL_TLV)) &&
		    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) != NULL &&
		    OSSL_CRMF_MSG_push0_extension(m, ext) == 1;
		if (!ok)
			X509_EXTENSION_free(ext);
		ASN1_OBJECT_free(obj);
		ASN1_OCTET_STRING_free(os);
	}
	ok = ok && csra_crmf_add_bundle(m, b, blen) == CSRA_OK &&
	    OSSL_CRMF_MSG_create_popo(OSSL_CRMF_POPO_SIGNATURE, m, subject, EVP_sha256(), NULL, NULL) == 1 &&
	    sk_OSSL_CRMF_MSG_push(msgs, m) > 0;
	if (ok)
		m = NULL;	/* |msgs| owns it */
	int n = ok ? i2d_OSSL_CRMF_MSGS(msgs, &der) : 0;
	OSSL_CRMF_MSG_free(m);
	OSSL_CRMF_MSGS_free(msgs);
	X509_NAME_free(name);
	free(b);
	return i2d_out(der, n, len);
}

/* Evidence with |nkeys| key elements, |nblocks| signature blocks (by
 * SPKI) and |ninter| intermediates. */
static uint8_t *evidence(int nkeys, int nblocks, int ninter, size_t *len)
{
	csra_evb *b = csra_evb_new();
	uint8_t *der = NULL;
	size_t idx;
	int ok = b != NULL;
	for (int i = 0; ok && i < nkeys; i++) {
		char id[32];
		snprintf(id, sizeof(id), "key %d", i);
		ok = csra_evb_add_element(b, CSRA_ELEMENT_KEY, &idx) == CSRA_OK &&
		    csra_evb_add_utf8(b, idx, CSRA_CLAIM_KEY_IDENTIFIER, id, strlen(id)) == CSRA_OK;
	}
	for (int i = 0; ok && i < nblocks; i++)
		ok = csra_evb_add_signer(b, pki.ak_key, NULL, CSRA_SID_SPKI, NULL, 0) == CSRA_OK;
	for (int i = 0; ok && i < ninter; i++)
		ok = csra_evb_add_intermediate(b, pki.inter) == CSRA_OK;
	if (!ok || csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_evb_free(&b);
	return der;
}

/* TLVs the span walker read verifying |der| as a request (or Evidence). */
static unsigned long long steps(const csra_verifier *v, int is_request, const uint8_t *der, size_t len)
{
	csra_result *r = NULL;
	unsigned long long s0 = span_steps();
	csra_err e = is_request ? csra_verify_request(v, der, len, NULL, 0, &r)
	    : csra_verify_evidence(v, der, len, NULL, 0, NULL, &r);
	unsigned long long n = span_steps() - s0;
	csra_result_free(&r);
	return e == CSRA_OK ? n : 0;
}

enum shape { STATEMENTS, ATTRIBUTES, CERTS, EXTENSIONS, BLOCKS };

static uint8_t *make(enum shape s, int n, size_t *len)
{
	switch (s) {
	case STATEMENTS: return pkcs10(n, 0, 0, len);
	case ATTRIBUTES: return pkcs10(1, 0, n, len);
	case CERTS: return pkcs10(1, n, 0, len);
	case EXTENSIONS: return crmf(n, len);
	default: return evidence(1, n, 0, len);
	}
}

/* Doubling the count may not much more than double the TLVs read: a walk
 * from the first child per item (quadratic) reads about four times as many. */
static int linear(enum shape s, int n)
{
	CHECK(setup());
	csra_verifier *v = verifier(100000);
	CHECK(v != NULL);
	size_t l1, l2;
	uint8_t *d1 = make(s, n, &l1), *d2 = make(s, 2 * n, &l2);
	CHECK(d1 != NULL && d2 != NULL);
	unsigned long long s1 = steps(v, s != BLOCKS, d1, l1), s2 = steps(v, s != BLOCKS, d2, l2);
	free(d1);
	free(d2);
	csra_verifier_free(&v);
	fprintf(stderr, "  %d items: %llu steps, %d items: %llu steps\n", n, s1, 2 * n, s2);
	CHECK(s1 > (unsigned long long)n && s2 > s1);
	CHECK(s2 * 10 <= s1 * 22);
	return 1;
}

static int test_linear_statements(void) { return linear(STATEMENTS, 300); }
static int test_linear_attributes(void) { return linear(ATTRIBUTES, 300); }
static int test_linear_bundle_certs(void) { return linear(CERTS, 300); }
static int test_linear_crmf_extensions(void) { return linear(EXTENSIONS, 300); }
static int test_linear_signature_blocks(void) { return linear(BLOCKS, 64); }

/* A request whose Evidence has |nkeys| key elements, the last one the
 * request key's: verified and bound, under |v| (which trusts pki.root). */
static uint8_t *many_keys_request(int nkeys, size_t *len)
{
	csra_evb *b = csra_evb_new();
	unsigned char *own = NULL, *other = NULL;
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	int own_len = i2d_PUBKEY(subject, &own), other_len = k2 ? i2d_PUBKEY(k2, &other) : 0;
	uint8_t *ev = NULL, *der = NULL;
	size_t evlen, idx;
	int ok = b != NULL && own_len > 0 && other_len > 0;
	for (int i = 0; ok && i < nkeys; i++) {
		char id[32];
		snprintf(id, sizeof(id), "key %d", i);
		int last = i == nkeys - 1;
		ok = csra_evb_add_element(b, CSRA_ELEMENT_KEY, &idx) == CSRA_OK &&
		    csra_evb_add_utf8(b, idx, CSRA_CLAIM_KEY_IDENTIFIER, id, strlen(id)) == CSRA_OK &&
		    csra_evb_add_octets(b, idx, CSRA_CLAIM_KEY_SPKI, last ? own : other,
		    (size_t)(last ? own_len : other_len)) == CSRA_OK;
	}
	ok = ok && csra_evb_add_signer(b, pki.ak_key, pki.ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_intermediate(b, pki.inter) == CSRA_OK && csra_evb_encode(b, &ev, &evlen) == CSRA_OK;
	if (ok)
		der = tp_attested_csr(subject, "many keys", ev, evlen, len);
	free(ev);
	OPENSSL_free(own);
	OPENSSL_free(other);
	EVP_PKEY_free(k2);
	csra_evb_free(&b);
	return der;
}

/* Finding the key element that attests the request key reads the claims
 * once, not once per key element. */
static int test_linear_key_binding(void)
{
	CHECK(setup());
	csra_verifier *v = verifier(100000);
	CHECK(v != NULL && csra_verifier_add_trust(v, pki.root) == CSRA_OK);
	unsigned long long reads[2];
	for (int k = 0; k < 2; k++) {
		size_t len = 0;
		uint8_t *der = many_keys_request(100 << k, &len);
		csra_result *r = NULL;
		CHECK(der != NULL);
		unsigned long long r0 = csra_claim_reads();
		CHECK(csra_verify_request(v, der, len, NULL, 0, &r) == CSRA_OK);
		reads[k] = csra_claim_reads() - r0;
		free(der);
		/* Bound to the last key element: the lookup ran to the end. */
		CHECK(csra_result_statement_count(r) == 1 && csra_result_statement_bound(r, 0));
		csra_result_free(&r);
	}
	csra_verifier_free(&v);
	fprintf(stderr, "  100 keys: %llu claim reads, 200 keys: %llu\n", reads[0], reads[1]);
	CHECK(reads[0] > 0 && reads[1] * 10 <= reads[0] * 22);
	return 1;
}

/* An attestation request whose platform element asks for |n| unknown
 * claims (no values: the attester ignores them). */
static uint8_t *attest_request(int n, size_t *len)
{
	static const uint8_t oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x04, 0x01 };
	csra_evb *b = csra_evb_new();
	uint8_t *der = NULL;
	size_t idx;
	int ok = b != NULL && csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &idx) == CSRA_OK &&
	    csra_evb_add_empty(b, idx, CSRA_CLAIM_VENDOR) == CSRA_OK;
	for (int i = 0; ok && i < n; i++)
		ok = csra_evb_add_raw(b, idx, oid, sizeof(oid), NULL, 0) == CSRA_OK;
	if (!ok || csra_evb_tbs(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_evb_free(&b);
	return der;
}

/* The attester reads a request's lists once. */
static int test_linear_attest_request(void)
{
	CHECK(setup());
	csra_attester *a = csra_attester_new();
	csra_signer *sg = csra_signer_new_pkey(pki.ak_key);
	csra_claim_value vendor = { .type = CSRA_VALUE_UTF8, .bytes = (const uint8_t *)"v", .len = 1 };
	CHECK(a != NULL && sg != NULL && csra_attester_add_signer(a, sg, pki.ak, CSRA_SID_CERT) == CSRA_OK &&
	    csra_attester_set_platform(a, CSRA_CLAIM_VENDOR, &vendor, CSRA_SOURCE_OBSERVED) == CSRA_OK);
	csra_signer_free(&sg);
	unsigned long long steps2[2];
	for (int k = 0; k < 2; k++) {
		size_t len = 0, evlen;
		uint8_t *req = attest_request(300 << k, &len), *ev = NULL;
		CHECK(req != NULL);
		unsigned long long s0 = span_steps();
		csra_err e = csra_attester_process(a, req, len, &ev, &evlen, NULL, NULL);
		steps2[k] = span_steps() - s0;
		free(req);
		free(ev);
		CHECK(e == CSRA_OK);
	}
	csra_attester_free(&a);
	fprintf(stderr, "  300 claims: %llu steps, 600 claims: %llu steps\n", steps2[0], steps2[1]);
	CHECK(steps2[0] > 300 && steps2[1] * 10 <= steps2[0] * 22);
	return 1;
}

/* The check |name| with |code| is there, failing, at |path|. */
static int has_limit(const csra_result *r, const char *name, csra_err code, const char *path)
{
	long i = csra_result_find(r, name, code);
	const char *n, *m, *p;
	csra_status st;
	csra_err c;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, &n, &st, &c, &m, &p));
	CHECK(st == CSRA_STATUS_FAIL && strcmp(p, path) == 0);
	CHECK(csra_result_verdict(r) != CSRA_VERDICT_VERIFIED);
	return 1;
}

/* Verifies |der| (|*len| bytes, read after the argument that made |der|
 * set it) with every cap at |cap|. */
static csra_result *verify_capped(size_t cap, int is_request, uint8_t *der, const size_t *len)
{
	csra_verifier *v = verifier(cap);
	csra_result *r = NULL;
	if (v != NULL && der != NULL) {
		if (is_request)
			csra_verify_request(v, der, *len, NULL, 0, &r);
		else
			csra_verify_evidence(v, der, *len, NULL, 0, NULL, &r);
	}
	csra_verifier_free(&v);
	free(der);
	return r;
}

static int test_limit_statements(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 1, pkcs10(3, 0, 0, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.statements", CSRA_ERR_LIMIT_STATEMENTS) < 0);
	CHECK(csra_result_statement_count(r) == 3);
	csra_result_free(&r);
	r = verify_capped(3, 1, pkcs10(4, 0, 0, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.statements", CSRA_ERR_LIMIT_STATEMENTS, "attestations"));
	CHECK(csra_result_statement_count(r) == 0);	/* not worked through */
	csra_result_free(&r);
	return 1;
}

static int test_limit_bundle_certs(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 1, pkcs10(1, 3, 0, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.certs", CSRA_ERR_LIMIT_CERTS) < 0);
	CHECK(csra_result_statement_count(r) == 1);
	csra_result_free(&r);
	r = verify_capped(3, 1, pkcs10(1, 4, 0, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.certs", CSRA_ERR_LIMIT_CERTS, "certs"));
	CHECK(csra_result_statement_count(r) == 0);
	csra_result_free(&r);
	return 1;
}

static int test_limit_attributes(void)
{
	CHECK(setup());
	size_t len;
	/* The attestation attribute counts: 2 others + 1 = the cap. */
	csra_result *r = verify_capped(3, 1, pkcs10(1, 0, 2, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.attributes", CSRA_ERR_LIMIT_ATTRIBUTES) < 0);
	CHECK(csra_result_find(r, "request.attestation", CSRA_OK) >= 0);
	csra_result_free(&r);
	r = verify_capped(3, 1, pkcs10(1, 0, 3, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.attributes", CSRA_ERR_LIMIT_ATTRIBUTES,
	    "certificationRequestInfo.attributes"));
	CHECK(csra_result_find(r, "request.attestation", CSRA_OK) < 0);
	CHECK(csra_result_statement_count(r) == 0);
	csra_result_free(&r);
	return 1;
}

static int test_limit_crmf_extensions(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 1, crmf(2, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.extensions", CSRA_ERR_LIMIT_EXTENSIONS) < 0);
	CHECK(csra_result_find(r, "request.attestation", CSRA_OK) >= 0);
	csra_result_free(&r);
	r = verify_capped(3, 1, crmf(3, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.extensions", CSRA_ERR_LIMIT_EXTENSIONS,
	    "[0].certReq.certTemplate.extensions"));
	CHECK(csra_result_find(r, "request.attestation", CSRA_OK) < 0);
	CHECK(csra_result_find(r, "request.attestation", CSRA_ERR_REQ_NO_ATTESTATION) < 0);
	csra_result_free(&r);
	return 1;
}

static int test_limit_signature_blocks(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 0, evidence(1, 3, 0, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.signers", CSRA_ERR_LIMIT_SIGNERS) < 0);
	CHECK(csra_result_signer_count(r) == 3);
	csra_result_free(&r);
	r = verify_capped(3, 0, evidence(1, 4, 0, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.signers", CSRA_ERR_LIMIT_SIGNERS, "signatures"));
	CHECK(csra_result_signer_count(r) == 0 && csra_result_find(r, "signature.value", CSRA_OK) < 0);
	csra_result_free(&r);
	return 1;
}

static int test_limit_elements(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 0, evidence(3, 1, 0, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.elements", CSRA_ERR_LIMIT_ELEMENTS) < 0);
	CHECK(csra_result_key_count(r) == 3);
	csra_result_free(&r);
	r = verify_capped(3, 0, evidence(4, 1, 0, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.elements", CSRA_ERR_LIMIT_ELEMENTS, "tbs.reportedElements"));
	CHECK(csra_result_key_count(r) == 0);
	csra_result_free(&r);
	return 1;
}

static int test_limit_evidence_certs(void)
{
	CHECK(setup());
	size_t len = 0;
	csra_result *r = verify_capped(3, 0, evidence(1, 1, 3, &len), &len);
	CHECK(r != NULL && csra_result_find(r, "limit.certs", CSRA_ERR_LIMIT_CERTS) < 0);
	CHECK(csra_result_find(r, "evidence.intermediates", CSRA_ERR_SIG_BAD_KEY) < 0);
	csra_result_free(&r);
	r = verify_capped(3, 0, evidence(1, 1, 4, &len), &len);
	CHECK(r != NULL && has_limit(r, "limit.certs", CSRA_ERR_LIMIT_CERTS, "intermediateCertificates"));
	csra_result_free(&r);
	return 1;
}

static int test_set_limit(void)
{
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	CHECK(csra_verifier_limit(v, CSRA_LIMIT_STATEMENTS) == 64);
	CHECK(csra_verifier_limit(v, CSRA_LIMIT_SIGNERS) == 16);
	CHECK(csra_verifier_set_limit(v, CSRA_LIMIT_STATEMENTS, 0) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_limit(v, CSRA_LIMIT_STATEMENTS) == 64);	/* unchanged */
	CHECK(csra_verifier_set_limit(v, (csra_limit)CSRA_LIMIT_COUNT, 5) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_set_limit(v, (csra_limit)-1, 5) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_limit(v, (csra_limit)CSRA_LIMIT_COUNT) == 0);
	CHECK(csra_verifier_set_limit(NULL, CSRA_LIMIT_CERTS, 5) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_limit(NULL, CSRA_LIMIT_CERTS) == 0);
	CHECK(csra_verifier_set_limit(v, CSRA_LIMIT_ELEMENTS, 7) == CSRA_OK);
	CHECK(csra_verifier_limit(v, CSRA_LIMIT_ELEMENTS) == 7);
	csra_verifier_free(&v);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_set_limit), TU(test_linear_statements), TU(test_linear_attributes),
		TU(test_linear_bundle_certs), TU(test_linear_crmf_extensions),
		TU(test_linear_signature_blocks), TU(test_linear_key_binding), TU(test_linear_attest_request), TU(test_limit_statements), TU(test_limit_bundle_certs),
		TU(test_limit_attributes), TU(test_limit_crmf_extensions), TU(test_limit_signature_blocks),
		TU(test_limit_elements), TU(test_limit_evidence_certs),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	if (subject != NULL) {
		EVP_PKEY_free(subject);
		tp_pki_free(&pki);
	}
	return rc;
}
