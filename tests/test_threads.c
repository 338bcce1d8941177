/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One verifier shared by several threads, as a CA shares it: mixed good
 * and bad Evidence and requests, each verdict checked against the one a
 * single thread gets, with the chain cache on (default size), thrashing
 * (one entry) and off. Run under ThreadSanitizer in CI (CSRA_TSAN).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/provider.h>

#include "csra_oid_table.h"
#include "csrattest/build.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#define NTHREADS 4
#define PER_THREAD 200
#define DAY 86400L

static const uint8_t NONCE[] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71 };
static const uint8_t VECTOR_NONCE[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };
static const uint8_t OTHER_NONCE[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* One input and the outcome every thread must see. */
struct job {
	const char *what;
	int request;			/* csra_verify_request, else csra_verify_evidence */
	uint8_t *der;
	size_t len;
	const uint8_t *nonce;
	size_t nonce_len;
	csra_verdict verdict;
	csra_err code;			/* a failure it must carry; CSRA_OK: none */
};

/* Evidence about |subject| (NULL: no key element bound to a request),
 * signed by |key| with |cert| in the signer identifier and |inter| among
 * the intermediates. */
static uint8_t *evidence(EVP_PKEY *key, X509 *cert, X509 *inter, EVP_PKEY *subject, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *der = NULL;
	unsigned char *spki = NULL;
	int spki_len = subject ? i2d_PUBKEY(subject, &spki) : 0;
	int ok = b != NULL && (subject == NULL || spki_len > 0) &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE)) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest", 9) == CSRA_OK &&
	    csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK &&
	    csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5) == CSRA_OK &&
	    (subject == NULL ||
	    csra_evb_add_octets(b, k, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len) == CSRA_OK) &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_SENSITIVE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_LOCAL, 1) == CSRA_OK &&
	    csra_evb_add_signer(b, key, cert, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_intermediate(b, inter) == CSRA_OK &&
	    csra_evb_encode(b, &der, len) == CSRA_OK;
	OPENSSL_free(spki);
	csra_evb_free(&b);
	if (!ok) {
		free(der);
		return NULL;
	}
	return der;
}

/* Flips one byte of the first occurrence of |needle| in |der|. */
static int tamper(uint8_t *der, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(der + i, needle, n) == 0) {
			der[i] ^= 0x01;
			return 1;
		}
	}
	return 0;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n);
	if (d != NULL)
		memcpy(d, p, n);
	return d;
}

static struct job jobs[16];
static size_t njobs;
static const csra_verifier *shared;

/* Runs |j| once; returns 1 if the outcome is the expected one. */
static int run_job(const struct job *j)
{
	csra_result *r = NULL;
	csra_err e = j->request
	    ? csra_verify_request(shared, j->der, j->len, j->nonce, j->nonce_len, &r)
	    : csra_verify_evidence(shared, j->der, j->len, j->nonce, j->nonce_len, NULL, &r);
	int ok = e == CSRA_OK && csra_result_verdict(r) == j->verdict &&
	    (j->code == CSRA_OK || csra_result_has_failure(r, j->code) ||
	    (j->request && csra_result_statement_count(r) > 0 &&
	    csra_result_has_failure(csra_result_statement(r, 0), j->code)));
	if (!ok)
		fprintf(stderr, "  %s: error %d, verdict %d (expected %d)\n", j->what, (int)e,
		    r ? (int)csra_result_verdict(r) : -1, (int)j->verdict);
	for (size_t i = 0; !ok && r != NULL && i < csra_result_check_count(r); i++) {
		const char *n, *m;
		csra_status st;
		csra_err c;
		if (csra_result_check(r, i, &n, &st, &c, &m, NULL) && st == CSRA_STATUS_FAIL)
			fprintf(stderr, "    %s %s: %s\n", n, csra_err_name(c), m);
	}
	csra_result_free(&r);
	return ok;
}

struct worker {
	pthread_t tid;
	unsigned seed;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		/* A different order per thread: hits, misses and evictions
		 * interleave. */
		size_t k = (size_t)(i * 7 + w->seed * 3) % njobs;
		if (!run_job(&jobs[k]))
			w->failures++;
	}
	return NULL;
}

static int run_threads(void)
{
	struct worker w[NTHREADS];
	for (unsigned t = 0; t < NTHREADS; t++) {
		w[t].seed = t;
		w[t].failures = 0;
		CHECK(pthread_create(&w[t].tid, NULL, work, &w[t]) == 0);
	}
	int failures = 0;
	for (unsigned t = 0; t < NTHREADS; t++) {
		pthread_join(w[t].tid, NULL);
		failures += w[t].failures;
	}
	CHECK(failures == 0);
	return 1;
}

static void add_job(const char *what, int req, uint8_t *der, size_t len, const uint8_t *nonce,
    size_t nonce_len, csra_verdict verdict, csra_err code)
{
	jobs[njobs++] = (struct job){ what, req, der, len, nonce, nonce_len, verdict, code };
}

static int test_shared_verifier(void)
{
	tp_pki p, q, old;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&q, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&old, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -30 * DAY, -DAY));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	CHECK(subject != NULL);

	size_t len, ev_len;
	uint8_t *ev = evidence(p.ak_key, p.ak, p.inter, subject, &ev_len);
	CHECK(ev != NULL);
	add_job("good evidence", 0, dup_bytes(ev, ev_len), ev_len, NONCE, sizeof(NONCE),
	    CSRA_VERDICT_VERIFIED, CSRA_OK);
	uint8_t *bad = dup_bytes(ev, ev_len);
	CHECK(bad && tamper(bad, ev_len, "csrattest"));
	add_job("tampered evidence", 0, bad, ev_len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_INVALID);
	add_job("wrong nonce", 0, dup_bytes(ev, ev_len), ev_len, OTHER_NONCE, sizeof(OTHER_NONCE),
	    CSRA_VERDICT_REJECTED, CSRA_ERR_EV_NONCE_MISMATCH);
	add_job("truncated", 0, dup_bytes(ev, ev_len - 3), ev_len - 3, NONCE, sizeof(NONCE),
	    CSRA_VERDICT_MALFORMED, CSRA_OK);
	uint8_t *d = evidence(q.ak_key, q.ak, q.inter, subject, &len);
	CHECK(d != NULL);
	add_job("untrusted", 0, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED);
	d = evidence(old.ak_key, old.ak, old.inter, subject, &len);
	CHECK(d != NULL);
	add_job("expired", 0, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_AK_EXPIRED);
	CHECK(tu_shared_der("vectors/pkix-evidence/evidence2.pem", &d, &len));
	add_job("evidence2", 0, d, len, VECTOR_NONCE, sizeof(VECTOR_NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	d = tp_attested_csr(subject, "thread test", ev, ev_len, &len);
	CHECK(d != NULL);
	add_job("good request", 1, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	add_job("request, wrong nonce", 1, dup_bytes(d, len), len, OTHER_NONCE, sizeof(OTHER_NONCE),
	    CSRA_VERDICT_REJECTED, CSRA_ERR_EV_NONCE_MISMATCH);
	uint8_t *qev = evidence(q.ak_key, q.ak, q.inter, subject, &ev_len);
	CHECK(qev != NULL);
	d = tp_attested_csr(subject, "thread test", qev, ev_len, &len);
	free(qev);
	CHECK(d != NULL);
	add_job("request, untrusted", 1, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_AK_UNTRUSTED);
	free(ev);
	for (size_t i = 0; i < njobs; i++)
		CHECK(jobs[i].der != NULL);

	char ca[1024];
	snprintf(ca, sizeof(ca), "%s/vectors/pkix-evidence/ca.crt", CSRA_SHARED_DIR);
	csra_verifier *v = csra_verifier_new();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK &&
	    csra_verifier_add_trust(v, old.root) == CSRA_OK &&
	    csra_verifier_add_trust_file(v, ca) == CSRA_OK && csra_verifier_set_time(v, now) == CSRA_OK);
	shared = v;
	/* One thread first: the expectations hold at all. */
	for (size_t i = 0; i < njobs; i++)
		CHECK(run_job(&jobs[i]));
	int ok = run_threads();
	CHECK(ok && csra_verifier_set_chain_cache(v, 1) == CSRA_OK);
	ok = run_threads();
	CHECK(ok && csra_verifier_set_chain_cache(v, 0) == CSRA_OK);
	ok = run_threads();
	CHECK(ok);

	csra_verifier_free(&v);
	for (size_t i = 0; i < njobs; i++)
		free(jobs[i].der);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	tp_pki_free(&q);
	tp_pki_free(&old);
	return 1;
}

/* A verifier with CRLs, a caller's store and parameters, in a library
 * context of its own, shared: the CRLs and the context are read by every
 * thread at once. */
static int test_shared_trust(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	/* A second AK under the same intermediate, revoked by its CRL. */
	EVP_PKEY *subject = tp_key("EC", "P-256"), *rkey = tp_key("EC", "P-256");
	X509 *rak = rkey ? tp_cert("revoked ak", rkey, p.inter, p.int_key, TP_DIGSIG | TP_EKU_AK, -3600,
	    365 * DAY) : NULL;
	CHECK(subject != NULL && rak != NULL);
	njobs = 0;
	size_t len;
	uint8_t *ev = evidence(p.ak_key, p.ak, p.inter, subject, &len);
	add_job("unrevoked", 0, ev, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	uint8_t *d = ev ? tp_attested_csr(subject, "thread test", ev, len, &len) : NULL;
	add_job("unrevoked request", 1, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	d = evidence(rkey, rak, p.inter, subject, &len);
	add_job("revoked", 0, d, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_AK_REVOKED);
	for (size_t i = 0; i < njobs; i++)
		CHECK(jobs[i].der != NULL);

	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *prov = ctx ? OSSL_PROVIDER_load(ctx, "default") : NULL;
	X509_STORE *store = X509_STORE_new();
	X509_VERIFY_PARAM *param = X509_VERIFY_PARAM_new();
	csra_verifier *v = csra_verifier_new();
	X509_CRL *crls[2] = { tp_crl(p.root, p.root_key, NULL, -600, DAY),
		tp_crl(p.inter, p.int_key, rak, -600, DAY) };
	CHECK(prov && store && param && v && X509_STORE_add_cert(store, p.root) == 1);
	X509_VERIFY_PARAM_set_depth(param, 4);
	CHECK(csra_verifier_set_libctx(v, ctx, "provider=default") == CSRA_OK &&
	    csra_verifier_set_trust_store(v, store) == CSRA_OK &&
	    csra_verifier_set_verify_param(v, param) == CSRA_OK &&
	    csra_verifier_add_untrusted(v, p.inter) == CSRA_OK);
	for (int i = 0; i < 2; i++)
		CHECK(crls[i] != NULL && csra_verifier_add_crl(v, crls[i]) == CSRA_OK);
	shared = v;
	for (size_t i = 0; i < njobs; i++)
		CHECK(run_job(&jobs[i]));
	int ok = run_threads();
	CHECK(ok && csra_verifier_set_chain_cache(v, 1) == CSRA_OK);
	CHECK(run_threads());

	csra_verifier_free(&v);
	for (int i = 0; i < 2; i++)
		X509_CRL_free(crls[i]);
	X509_VERIFY_PARAM_free(param);
	X509_STORE_free(store);
	OSSL_PROVIDER_unload(prov);
	OSSL_LIB_CTX_free(ctx);
	for (size_t i = 0; i < njobs; i++)
		free(jobs[i].der);
	EVP_PKEY_free(subject);
	EVP_PKEY_free(rkey);
	X509_free(rak);
	tp_pki_free(&p);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_shared_verifier),
		TU(test_shared_trust),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
