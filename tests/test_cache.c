/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifier's chain cache: a validated path is reused only for the same
 * leaf, intermediates, trust anchors and a time at which nothing it
 * depends on changes validity; a hit records exactly what a miss records;
 * the LRU is bounded; size 0 never hits.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

/* A verifier on OpenSSL's route: these tests count the chain cache's
 * lookups, which the explicit link check for new AKs and cold paths
 * skips (test_issuer_cache covers it). */
static csra_verifier *new_verifier(void)
{
	csra_verifier *v = csra_verifier_new();
	if (v != NULL)
		csra_verifier_set_fastlink(v, 0);
	return v;
}

#define DAY 86400L

static const uint8_t NONCE[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };

/* Evidence about nothing in particular, signed by |key| whose certificate
 * |cert| travels in the signer identifier; |inter| (may be NULL) goes into
 * intermediateCertificates. */
static uint8_t *make_ev(EVP_PKEY *key, X509 *cert, X509 *inter, unsigned sid, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *der = NULL;
	int ok = b != NULL &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE)) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest", 9) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k1", 2) == CSRA_OK &&
	    csra_evb_add_signer(b, key, cert, sid, NULL, 0) == CSRA_OK &&
	    (inter == NULL || csra_evb_add_intermediate(b, inter) == CSRA_OK) &&
	    csra_evb_encode(b, &der, len) == CSRA_OK;
	csra_evb_free(&b);
	if (!ok) {
		free(der);
		return NULL;
	}
	return der;
}

static unsigned long hits(const csra_verifier *v)
{
	unsigned long h = 0;
	csra_cache_stats(v, &h, NULL);
	return h;
}

static unsigned long misses(const csra_verifier *v)
{
	unsigned long m = 0;
	csra_cache_stats(v, NULL, &m);
	return m;
}

/* Verifies |der| and checks the verdict and (unless CSRA_OK) a failing
 * code. Returns the result (NULL on mismatch). */
static csra_result *run(const csra_verifier *v, const uint8_t *der, size_t len, STACK_OF(X509) *extra,
    csra_verdict verdict, csra_err code)
{
	csra_result *r = NULL;
	if (csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), extra, &r) != CSRA_OK)
		return NULL;
	if (csra_result_verdict(r) != verdict || (code != CSRA_OK && !csra_result_has_failure(r, code))) {
		char *j = csra_result_json(r);
		fprintf(stderr, "  unexpected result: %s\n", j ? j : "?");
		free(j);
		csra_result_free(&r);
	}
	return r;
}

/* Two results record the same checks, claims and signers (their JSON is
 * equal) and the same chains, certificate by certificate. */
static int same_result(const csra_result *a, const csra_result *b)
{
	char *ja = csra_result_json(a), *jb = csra_result_json(b);
	int ok = ja != NULL && jb != NULL && strcmp(ja, jb) == 0;
	free(ja);
	free(jb);
	CHECK(ok);
	CHECK(csra_result_signer_count(a) == csra_result_signer_count(b));
	for (size_t i = 0; i < csra_result_signer_count(a); i++) {
		STACK_OF(X509) *ca = csra_result_signer_chain(a, i), *cb = csra_result_signer_chain(b, i);
		CHECK((ca == NULL) == (cb == NULL));
		CHECK(ca == NULL || ca != cb);	/* each result owns its own copy */
		CHECK(sk_X509_num(ca) == sk_X509_num(cb));
		for (int k = 0; k < sk_X509_num(ca); k++)
			CHECK(X509_cmp(sk_X509_value(ca, k), sk_X509_value(cb, k)) == 0);
	}
	return 1;
}

/* Verifies once with a fresh verifier with the cache off, trusting
 * |root|, at |at|: what any hit must equal. */
static csra_result *fresh(X509 *root, time_t at, const uint8_t *der, size_t len, STACK_OF(X509) *extra)
{
	csra_verifier *v = new_verifier();
	csra_result *r = NULL;
	if (v != NULL && csra_verifier_add_trust(v, root) == CSRA_OK &&
	    csra_verifier_set_time(v, at) == CSRA_OK && csra_verifier_set_chain_cache(v, 0) == CSRA_OK &&
	    csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), extra, &r) != CSRA_OK)
		r = NULL;
	csra_verifier_free(&v);
	return r;
}

static int test_hit_same_leaf_store_time(void)
{
	tp_pki p;
	size_t len;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_set_time(v, now) == CSRA_OK);
	csra_result *r1 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r1 != NULL && hits(v) == 0 && misses(v) == 1);
	csra_result *r2 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r2 != NULL && hits(v) == 1 && misses(v) == 1);
	CHECK(same_result(r1, r2));
	CHECK(sk_X509_num(csra_result_signer_chain(r2, 0)) == 3);
	/* The copy outlives the result it was first recorded in. */
	csra_result_free(&r1);
	csra_result *r3 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r3 != NULL && hits(v) == 2 && same_result(r2, r3));
	csra_result *f = fresh(p.root, now, der, len, NULL);
	CHECK(f != NULL && same_result(f, r3));
	csra_result_free(&f);
	csra_result_free(&r2);
	csra_result_free(&r3);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

/* The shared sample: ak inside the Evidence, the intermediate too. */
static int test_hit_shared_vector(void)
{
	uint8_t *der = NULL;
	size_t len;
	char path[1024];
	snprintf(path, sizeof(path), "%s/vectors/pkix-evidence/ca.crt", CSRA_SHARED_DIR);
	CHECK(tu_shared_der("vectors/pkix-evidence/evidence2.pem", &der, &len));
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust_file(v, path) == CSRA_OK);
	csra_result *r1 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result *r2 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r1 && r2 && hits(v) == 1 && misses(v) == 1 && same_result(r1, r2));
	csra_result_free(&r1);
	csra_result_free(&r2);
	csra_verifier_free(&v);
	free(der);
	return 1;
}

static int test_store_change_misses(void)
{
	tp_pki p, q;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&q, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result_free(&r);
	r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1 && misses(v) == 1);
	csra_result_free(&r);
	/* A new anchor is a new store: validate again. */
	CHECK(csra_verifier_add_trust(v, q.root) == CSRA_OK);
	r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1 && misses(v) == 2);
	csra_result_free(&r);
	r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 2);
	csra_result_free(&r);

	/* Caches are per verifier: one with other anchors sees nothing of v's
	 * paths and rejects; one with the same anchors starts cold. */
	csra_verifier *w = new_verifier();
	CHECK(w && csra_verifier_add_trust(w, q.root) == CSRA_OK);
	for (int i = 0; i < 2; i++) {
		r = run(w, der, len, NULL, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED);
		CHECK(r != NULL);
		csra_result_free(&r);
	}
	CHECK(hits(w) == 0 && misses(w) == 2);
	csra_verifier *u = new_verifier();
	CHECK(u && csra_verifier_add_trust(u, p.root) == CSRA_OK);
	r = run(u, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(u) == 0 && misses(u) == 1);
	csra_result_free(&r);
	CHECK(hits(v) == 2);

	csra_verifier_free(&u);
	csra_verifier_free(&w);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	tp_pki_free(&q);
	return 1;
}

static int test_time_outside_validity(void)
{
	tp_pki p;
	size_t len;
	time_t now = time(NULL);
	/* The AK is valid for 30 days; the rest for a year. */
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 30 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_set_time(v, now) == CSRA_OK);
	csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result_free(&r);
	r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1 && misses(v) == 1);
	csra_result_free(&r);
	/* After notAfter: a miss, and OpenSSL's verdict, every time (failures
	 * are not kept). */
	CHECK(csra_verifier_set_time(v, now + 31 * DAY) == CSRA_OK);
	for (int i = 0; i < 2; i++) {
		r = run(v, der, len, NULL, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_EXPIRED);
		CHECK(r != NULL && hits(v) == 1 && misses(v) == 2 + (unsigned long)i);
		csra_result_free(&r);
	}
	/* Before notBefore likewise. */
	CHECK(csra_verifier_set_time(v, now - 2 * 3600) == CSRA_OK);
	r = run(v, der, len, NULL, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_NOT_YET_VALID);
	CHECK(r != NULL && hits(v) == 1 && misses(v) == 4);
	csra_result_free(&r);
	/* Back inside: the path is still there. */
	CHECK(csra_verifier_set_time(v, now + DAY) == CSRA_OK);
	r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 2 && misses(v) == 4);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

/* Two intermediates with one name and key, the first offered valid only
 * from day 30: OpenSSL builds through the second until then and through
 * the first afterwards. A path cached on day 0 must not be reused on day
 * 60, although every certificate in it is still valid. */
static int test_time_changes_issuer_choice(void)
{
	tp_pki p;
	size_t len;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 300 * DAY));
	X509 *later = tp_cert("test intermediate", p.int_key, p.root, p.root_key, TP_CA, 30 * DAY, 300 * DAY);
	CHECK(later != NULL);
	STACK_OF(X509) *extra = sk_X509_new_null();
	CHECK(extra && sk_X509_push(extra, later) && sk_X509_push(extra, p.inter));
	uint8_t *der = make_ev(p.ak_key, p.ak, NULL, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_set_time(v, now) == CSRA_OK);
	csra_result *r = run(v, der, len, extra, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && X509_cmp(sk_X509_value(csra_result_signer_chain(r, 0), 1), p.inter) == 0);
	csra_result_free(&r);
	r = run(v, der, len, extra, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1);
	csra_result_free(&r);

	CHECK(csra_verifier_set_time(v, now + 60 * DAY) == CSRA_OK);
	r = run(v, der, len, extra, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1 && misses(v) == 2);
	CHECK(X509_cmp(sk_X509_value(csra_result_signer_chain(r, 0), 1), later) == 0);
	csra_result *f = fresh(p.root, now + 60 * DAY, der, len, extra);
	CHECK(f != NULL && same_result(f, r));
	csra_result_free(&f);
	csra_result_free(&r);
	/* The intermediates offered, and their order, are part of the key. */
	sk_X509_pop(extra);
	r = run(v, der, len, extra, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && misses(v) == 3);
	csra_result_free(&r);

	csra_verifier_free(&v);
	sk_X509_free(extra);
	X509_free(later);
	free(der);
	tp_pki_free(&p);
	return 1;
}

static int test_different_leaf_misses(void)
{
	tp_pki p;
	size_t len1, len2;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	X509 *ak2 = tp_cert("test ak 2", k2, p.inter, p.int_key, TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY);
	CHECK(k2 && ak2);
	uint8_t *d1 = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len1);
	uint8_t *d2 = make_ev(k2, ak2, p.inter, CSRA_SID_CERT, &len2);
	CHECK(d1 && d2);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	csra_result *r = run(v, d1, len1, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result_free(&r);
	r = run(v, d2, len2, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 0 && misses(v) == 2);
	CHECK(X509_cmp(sk_X509_value(csra_result_signer_chain(r, 0), 0), ak2) == 0);
	csra_result_free(&r);
	r = run(v, d1, len1, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1 && X509_cmp(sk_X509_value(csra_result_signer_chain(r, 0), 0), p.ak) == 0);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(d1);
	free(d2);
	X509_free(ak2);
	EVP_PKEY_free(k2);
	tp_pki_free(&p);
	return 1;
}

/* A keyId naming a certificate the caller supplied is cached by that
 * certificate's DER. */
static int test_keyid_signer_cert(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_KEYID, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK &&
	    csra_verifier_add_signer_cert(v, p.ak) == CSRA_OK);
	csra_result *r1 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result *r2 = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r1 && r2 && hits(v) == 1 && same_result(r1, r2));
	csra_result_free(&r1);
	csra_result_free(&r2);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

static int test_size_zero_never_hits(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	CHECK(csra_verifier_set_chain_cache(v, 0) == CSRA_OK);
	csra_result *first = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(first != NULL);
	for (int i = 0; i < 3; i++) {
		csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
		CHECK(r != NULL && same_result(first, r));
		csra_result_free(&r);
	}
	CHECK(hits(v) == 0);
	/* Turned on again, it works; turned off, it forgets. */
	CHECK(csra_verifier_set_chain_cache(v, 8) == CSRA_OK);
	for (int i = 0; i < 2; i++) {
		csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
		CHECK(r != NULL);
		csra_result_free(&r);
	}
	CHECK(hits(v) == 1);
	CHECK(csra_verifier_set_chain_cache(v, 0) == CSRA_OK);
	csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 1);
	csra_result_free(&r);
	csra_result_free(&first);
	CHECK(csra_verifier_set_chain_cache(NULL, 1) == CSRA_ERR_INVALID_ARGUMENT);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

static int test_lru_size_one(void)
{
	tp_pki p;
	size_t la, lb;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	X509 *ak2 = tp_cert("test ak 2", k2, p.inter, p.int_key, TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY);
	uint8_t *a = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &la);
	uint8_t *b = make_ev(k2, ak2, p.inter, CSRA_SID_CERT, &lb);
	CHECK(k2 && ak2 && a && b);
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_set_chain_cache(v, 1) == CSRA_OK);
	/* A miss, A hit, B miss (evicts A), A miss (evicts B), A hit, B miss. */
	static const struct { int which; unsigned long hits, misses; } seq[] = {
		{ 0, 0, 1 }, { 0, 1, 1 }, { 1, 1, 2 }, { 0, 1, 3 }, { 0, 2, 3 }, { 1, 2, 4 },
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		csra_result *r = seq[i].which ? run(v, b, lb, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK)
		    : run(v, a, la, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
		CHECK(r != NULL);
		X509 *leaf = sk_X509_value(csra_result_signer_chain(r, 0), 0);
		CHECK(X509_cmp(leaf, seq[i].which ? ak2 : p.ak) == 0);
		csra_result_free(&r);
		CHECK(hits(v) == seq[i].hits && misses(v) == seq[i].misses);
	}
	csra_verifier_free(&v);
	free(a);
	free(b);
	X509_free(ak2);
	EVP_PKEY_free(k2);
	tp_pki_free(&p);
	return 1;
}

/* Failures other than time are not kept either: an untrusted path fails
 * each time, and once the anchor is added, verifies. */
static int test_failure_not_cached(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	uint8_t *der = make_ev(p.ak_key, p.ak, p.inter, CSRA_SID_CERT, &len);
	CHECK(der != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v != NULL);
	for (int i = 0; i < 2; i++) {
		csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED);
		CHECK(r != NULL);
		csra_result_free(&r);
	}
	CHECK(hits(v) == 0 && misses(v) == 2);
	CHECK(csra_verifier_add_trust(v, p.root) == CSRA_OK);
	csra_result *r = run(v, der, len, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && hits(v) == 0);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

/* Whether the AK's EKU has id-kp-attestationKey is kept with the parsed
 * certificate: an AK without it fails ak.eku on every verification, and
 * one with it passes, each the same cold and warm. */
static int test_eku_kept_per_certificate(void)
{
	tp_pki with, without;
	size_t len_with, len_without;
	CHECK(tp_pki_new(&with, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&without, "EC", "P-256", TP_DIGSIG, -3600, 365 * DAY));
	uint8_t *a = make_ev(with.ak_key, with.ak, with.inter, CSRA_SID_CERT, &len_with);
	uint8_t *b = make_ev(without.ak_key, without.ak, without.inter, CSRA_SID_CERT, &len_without);
	CHECK(a != NULL && b != NULL);
	csra_verifier *v = new_verifier();
	CHECK(v != NULL && csra_verifier_add_trust(v, with.root) == CSRA_OK &&
	    csra_verifier_add_trust(v, without.root) == CSRA_OK);
	for (int i = 0; i < 3; i++) {
		csra_result *r = run(v, b, len_without, NULL, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_NO_EKU);
		CHECK(r != NULL);
		csra_result_free(&r);
		r = run(v, a, len_with, NULL, CSRA_VERDICT_VERIFIED, CSRA_OK);
		CHECK(r != NULL && csra_result_find(r, "ak.eku", CSRA_OK) >= 0);
		csra_result_free(&r);
	}
	CHECK(hits(v) > 0);
	csra_verifier_free(&v);
	free(a);
	free(b);
	tp_pki_free(&with);
	tp_pki_free(&without);
	return 1;
}

/* Duplicate key identifiers are reported as the verifier always did (one
 * check per earlier key element using the value, in element order; the
 * expected list is what the quadratic comparison it replaced recorded),
 * on a miss and on a hit alike. */
static int test_duplicate_identifiers_in_order(void)
{
	tp_pki p;
	size_t len, k;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	csra_evb *b = csra_evb_new();
	static const char *ids[] = { "A", "B", "A", "C", "B", "A", NULL, "A", "", "", "C" };
	CHECK(b && csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &k) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		CHECK(csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK);
		if (ids[i])
			CHECK(csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, ids[i], strlen(ids[i])) == CSRA_OK);
		if (i == 3)	/* a second identifier in one element */
			CHECK(csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "A", 1) == CSRA_OK);
		CHECK(csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_SENSITIVE, 1) == CSRA_OK);
		if (i == 5)	/* a platform element between key elements */
			CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &k) == CSRA_OK &&
			    csra_evb_add_bool(b, k, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK);
	}
	uint8_t *der = NULL;
	CHECK(csra_evb_add_signer(b, p.ak_key, p.ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_intermediate(b, p.inter) == CSRA_OK && csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_evb_free(&b);
	/* Each duplicate names only its first earlier use: linear in input. */
	static const struct { const char *path, *message; } want[] = {
		{ "tbs.reportedElements[3]", "identifier \"A\" is also used by tbs.reportedElements[1]" },
		{ "tbs.reportedElements[4]", "identifier \"A\" is also used by tbs.reportedElements[1]" },
		{ "tbs.reportedElements[5]", "identifier \"B\" is also used by tbs.reportedElements[2]" },
		{ "tbs.reportedElements[6]", "identifier \"A\" is also used by tbs.reportedElements[1]" },
		{ "tbs.reportedElements[8]", "key element without an identifier claim" },
		{ "tbs.reportedElements[9]", "identifier \"A\" is also used by tbs.reportedElements[1]" },
		{ "tbs.reportedElements[11]", "identifier \"\" is also used by tbs.reportedElements[10]" },
		{ "tbs.reportedElements[12]", "identifier \"C\" is also used by tbs.reportedElements[4]" },
	};
	csra_verifier *v = new_verifier();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	for (int round = 0; round < 2; round++) {
		csra_result *r = NULL;
		CHECK(csra_verify_evidence(v, der, len, NULL, 0, NULL, &r) == CSRA_OK);
		size_t w = 0;
		for (size_t i = 0; i < csra_result_check_count(r); i++) {
			const char *name, *msg, *path;
			CHECK(csra_result_check(r, i, &name, NULL, NULL, &msg, &path));
			if (strncmp(name, "key.identifier", 14) != 0)
				continue;
			CHECK(w < sizeof(want) / sizeof(want[0]));
			CHECK(strcmp(path, want[w].path) == 0 && strcmp(msg, want[w].message) == 0);
			w++;
		}
		CHECK(w == sizeof(want) / sizeof(want[0]));
		csra_result_free(&r);
	}
	CHECK(hits(v) == 1);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

/* The pool entries that let a warm verification skip parsing the
 * intermediates: found once put, bounded like the paths, gone when the
 * cache is turned off. */
static int test_pool_entries(void)
{
	struct csra_cache *c = csra_cache_new(2);
	uint8_t k1[32], k2[32], k3[32];
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	memset(k3, 3, sizeof(k3));
	CHECK(c != NULL && !csra_cache_has_pool(c, k1));
	csra_cache_put_pool(c, k1);
	csra_cache_put_pool(c, k2);
	CHECK(csra_cache_has_pool(c, k1) && csra_cache_has_pool(c, k2));
	csra_cache_put_pool(c, k3);	/* evicts k1, the least recently used */
	CHECK(!csra_cache_has_pool(c, k1) && csra_cache_has_pool(c, k2) && csra_cache_has_pool(c, k3));
	CHECK(csra_cache_resize(c, 0));
	csra_cache_put_pool(c, k1);
	CHECK(!csra_cache_has_pool(c, k1) && !csra_cache_has_pool(c, k2));
	csra_cache_free(&c);
	CHECK(c == NULL);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_hit_same_leaf_store_time), TU(test_hit_shared_vector), TU(test_store_change_misses),
		TU(test_time_outside_validity), TU(test_time_changes_issuer_choice),
		TU(test_different_leaf_misses), TU(test_keyid_signer_cert), TU(test_size_zero_never_hits),
		TU(test_lru_size_one), TU(test_failure_not_cached), TU(test_duplicate_identifiers_in_order),
		TU(test_pool_entries), TU(test_eku_kept_per_certificate),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
