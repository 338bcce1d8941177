/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Validated issuers as partial-chain anchors (csra_issuer_path): a new AK
 * certificate under an intermediate validated before is validated by
 * OpenSSL with that intermediate as its anchor, and records exactly what a
 * full validation by a fresh verifier records; and the full path decides
 * wherever something above the intermediate could change the outcome
 * (name constraints, CRLs, trust changes, time), or the leaf is refused.
 * Counts are asserted, never timings.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#define DAY 86400L

static const uint8_t NONCE[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };

/* Evidence signed by |key| with |cert| in the signer identifier and
 * |inter| in intermediateCertificates. */
static uint8_t *make_ev(EVP_PKEY *key, X509 *cert, X509 *inter, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, k;
	uint8_t *der = NULL;
	int ok = b != NULL &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE)) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k1", 2) == CSRA_OK &&
	    csra_evb_add_signer(b, key, cert, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_intermediate(b, inter) == CSRA_OK && csra_evb_encode(b, &der, len) == CSRA_OK;
	csra_evb_free(&b);
	if (!ok) {
		free(der);
		return NULL;
	}
	return der;
}

/* The PKIX Evidence tests run twice: with OpenSSL's route for new AKs
 * (csra_issuer_path), whose cache lookups they count, and with the explicit
 * link check (the default), where every result must still equal a fresh
 * verifier's (run_same) and test_link_check counts. */
static int fast_on;
#define COUNTS(c) CHECK(fast_on || (c))

static unsigned long ihits(const csra_verifier *v)
{
	unsigned long h = 0;
	csra_cache_issuer_stats(v, &h, NULL);
	return h;
}

static unsigned long imisses(const csra_verifier *v)
{
	unsigned long m = 0;
	csra_cache_issuer_stats(v, NULL, &m);
	return m;
}

/* One device: its AK key and certificate, and its Evidence. */
struct dev {
	EVP_PKEY *key;
	X509 *cert;
	uint8_t *ev;
	size_t len;
};

static int dev_new(struct dev *d, const char *cn, X509 *inter, EVP_PKEY *ikey, long from, long to)
{
	memset(d, 0, sizeof(*d));
	d->key = tp_key("EC", "P-256");
	d->cert = d->key ? tp_cert(cn, d->key, inter, ikey, TP_DIGSIG | TP_EKU_AK, from, to) : NULL;
	d->ev = d->cert ? make_ev(d->key, d->cert, inter, &d->len) : NULL;
	return d->ev != NULL;
}

static void dev_free(struct dev *d)
{
	EVP_PKEY_free(d->key);
	X509_free(d->cert);
	free(d->ev);
}

/* Adds the extension |nid| = |value| to |*x| (replacing one of that
 * kind), signs it again with |ikey| as issued by |issuer| (NULL: itself)
 * and parses it again, so no cached extension data survives. */
static int amend(X509 **x, int nid, const char *value, X509 *issuer, EVP_PKEY *ikey)
{
	X509V3_CTX v3;
	int idx = X509_get_ext_by_NID(*x, nid, -1);
	if (idx >= 0)
		X509_EXTENSION_free(X509_delete_ext(*x, idx));
	X509V3_set_ctx(&v3, issuer ? issuer : *x, *x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	unsigned char *der = NULL;
	int ok = ext != NULL && X509_add_ext(*x, ext, -1) == 1 && X509_sign(*x, ikey, EVP_sha256()) > 0;
	X509_EXTENSION_free(ext);
	int n = ok ? i2d_X509(*x, &der) : 0;
	const unsigned char *p = der;
	X509 *again = n > 0 ? d2i_X509(NULL, &p, n) : NULL;
	OPENSSL_free(der);
	if (again == NULL)
		return 0;
	X509_free(*x);
	*x = again;
	return 1;
}

/* Verifies |d| and checks the verdict and (unless CSRA_OK) a failing
 * code; NULL on a mismatch. */
static csra_result *run(const csra_verifier *v, const struct dev *d, csra_verdict verdict, csra_err code)
{
	csra_result *r = NULL;
	if (csra_verify_evidence(v, d->ev, d->len, NONCE, sizeof(NONCE), NULL, &r) != CSRA_OK)
		return NULL;
	if (csra_result_verdict(r) != verdict || (code != CSRA_OK && !csra_result_has_failure(r, code))) {
		char *j = csra_result_json(r);
		fprintf(stderr, "  unexpected result: %s\n", j ? j : "?");
		free(j);
		csra_result_free(&r);
	}
	return r;
}

/* A verifier trusting |root| at |at|, its caches on. */
static csra_verifier *pverifier(X509 *root, time_t at)
{
	csra_verifier *v = csra_verifier_new();
	if (v != NULL && (csra_verifier_add_trust(v, root) != CSRA_OK || csra_verifier_set_time(v, at) != CSRA_OK))
		csra_verifier_free(&v);
	if (v != NULL)
		csra_verifier_set_fastlink(v, fast_on);
	return v;
}

/* What a fresh verifier, cache off, trusting |root| (with |crls|, may be
 * NULL) at |at| records for |d| through OpenSSL alone: what the partial
 * path and the explicit link check must equal. */
static csra_result *fresh(X509 *root, X509_CRL *const *crls, time_t at, const struct dev *d)
{
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = v != NULL && csra_verifier_add_trust(v, root) == CSRA_OK &&
	    csra_verifier_set_time(v, at) == CSRA_OK && csra_verifier_set_chain_cache(v, 0) == CSRA_OK;
	/* OpenSSL's route: the reference the link check must equal. */
	if (ok)
		csra_verifier_set_fastlink(v, 0);
	for (int i = 0; ok && crls != NULL && crls[i] != NULL; i++)
		ok = csra_verifier_add_crl(v, crls[i]) == CSRA_OK;
	if (ok && csra_verify_evidence(v, d->ev, d->len, NONCE, sizeof(NONCE), NULL, &r) != CSRA_OK)
		r = NULL;
	csra_verifier_free(&v);
	return r;
}

/* Same checks, messages, claims and signers, and the same chains
 * certificate by certificate. */
static int same_result(const csra_result *a, const csra_result *b)
{
	CHECK(a != NULL && b != NULL);
	char *ja = csra_result_json(a), *jb = csra_result_json(b);
	int ok = ja != NULL && jb != NULL && strcmp(ja, jb) == 0;
	if (!ok)
		fprintf(stderr, "  differ:\n  %s\n  %s\n", ja ? ja : "?", jb ? jb : "?");
	free(ja);
	free(jb);
	CHECK(ok);
	CHECK(csra_result_signer_count(a) == csra_result_signer_count(b));
	for (size_t i = 0; i < csra_result_signer_count(a); i++) {
		STACK_OF(X509) *ca = csra_result_signer_chain(a, i), *cb = csra_result_signer_chain(b, i);
		CHECK(sk_X509_num(ca) == sk_X509_num(cb));
		for (int k = 0; k < sk_X509_num(ca); k++)
			CHECK(X509_cmp(sk_X509_value(ca, k), sk_X509_value(cb, k)) == 0);
	}
	return 1;
}

/* Verifies |d| on |v| expecting |verdict|/|code| and exactly what a fresh
 * verifier records. */
static int run_same(const csra_verifier *v, X509 *root, X509_CRL *const *crls, time_t at,
    const struct dev *d, csra_verdict verdict, csra_err code)
{
	csra_result *r = run(v, d, verdict, code), *f = fresh(root, crls, at, d);
	int ok = r != NULL && f != NULL && same_result(r, f);
	csra_result_free(&r);
	csra_result_free(&f);
	return ok;
}

static int test_new_leaf_takes_issuer(void)
{
	tp_pki p;
	struct dev a, b, c;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&c, "ak c", p.inter, p.int_key, -3600, 365 * DAY));
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 0 && imisses(v) == 1);
	/* New leaves: the issuer validated with a's path stands for it. */
	CHECK(run_same(v, p.root, NULL, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1 && imisses(v) == 1);
	CHECK(run_same(v, p.root, NULL, now, &c, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 2 && imisses(v) == 1);
	/* b again: its own path, kept from the partial validation. */
	unsigned long h0 = 0;
	csra_cache_stats(v, &h0, NULL);
	csra_result *r = run(v, &b, CSRA_VERDICT_VERIFIED, CSRA_OK);
	unsigned long h1 = 0;
	csra_cache_stats(v, &h1, NULL);
	COUNTS(r != NULL && h1 == h0 + 1 && ihits(v) == 2);
	CHECK(sk_X509_num(csra_result_signer_chain(r, 0)) == 3);
	csra_result_free(&r);
	/* Cache off: no issuer is kept or found. */
	CHECK(csra_verifier_set_chain_cache(v, 0) == CSRA_OK);
	unsigned long m0 = imisses(v);
	CHECK(run_same(v, p.root, NULL, now, &c, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 2 && imisses(v) == m0 + 1);
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&b);
	dev_free(&c);
	tp_pki_free(&p);
	return 1;
}

/* An expired leaf under a cached issuer: the partial validation refuses
 * it, and the full path reports, as a fresh verifier does. */
static int test_leaf_expired(void)
{
	tp_pki p;
	struct dev a, old, early;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&old, "ak old", p.inter, p.int_key, -10 * DAY, -DAY));
	CHECK(dev_new(&early, "ak early", p.inter, p.int_key, DAY, 10 * DAY));
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, NULL, now, &old, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_EXPIRED));
	COUNTS(ihits(v) == 1);
	CHECK(run_same(v, p.root, NULL, now, &early, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_NOT_YET_VALID));
	COUNTS(ihits(v) == 2);
	/* Failures are not kept: the same again is refused again. */
	CHECK(run_same(v, p.root, NULL, now, &old, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_EXPIRED));
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&old);
	dev_free(&early);
	tp_pki_free(&p);
	return 1;
}

/* The intermediate expires 10 days from now: at day 20 its entry is out of
 * its window and the full path refuses the new leaf. */
static int test_issuer_expired_since(void)
{
	EVP_PKEY *rk = tp_key("EC", "P-256"), *ik = tp_key("EC", "P-256");
	CHECK(rk && ik);
	X509 *root = tp_cert("test root", rk, NULL, NULL, TP_CA, -3600, 365 * DAY);
	X509 *inter = tp_cert("test intermediate", ik, root, rk, TP_CA, -3600, 10 * DAY);
	struct dev a, b, c;
	time_t now = time(NULL);
	CHECK(root && inter);
	CHECK(dev_new(&a, "ak a", inter, ik, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", inter, ik, -3600, 365 * DAY));
	CHECK(dev_new(&c, "ak c", inter, ik, -3600, 365 * DAY));
	csra_verifier *v = pverifier(root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, root, NULL, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1);
	CHECK(csra_verifier_set_time(v, now + 20 * DAY) == CSRA_OK);
	unsigned long m0 = imisses(v);
	CHECK(run_same(v, root, NULL, now + 20 * DAY, &c, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_EXPIRED));
	COUNTS(ihits(v) == 1 && imisses(v) == m0 + 1);
	/* Back in the window the entry stands again. */
	CHECK(csra_verifier_set_time(v, now + DAY) == CSRA_OK);
	CHECK(run_same(v, root, NULL, now + DAY, &c, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 2);
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&b);
	dev_free(&c);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	return 1;
}

/* The root excludes DNS names under bad.example. With the intermediate
 * alone as anchor OpenSSL would not see the root's constraints: so such an
 * issuer is never kept, and a leaf naming host.bad.example fails as on
 * the full path. */
static int test_name_constraints_above(void)
{
	tp_pki p;
	struct dev a, bad;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(amend(&p.root, NID_name_constraints, "critical,excluded;DNS:bad.example", NULL, p.root_key));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	memset(&bad, 0, sizeof(bad));
	bad.key = tp_key("EC", "P-256");
	bad.cert = tp_cert("ak bad", bad.key, p.inter, p.int_key, TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY);
	CHECK(bad.cert != NULL);
	CHECK(amend(&bad.cert, NID_subject_alt_name, "DNS:host.bad.example", p.inter, p.int_key));
	CHECK((bad.ev = make_ev(bad.key, bad.cert, p.inter, &bad.len)) != NULL);
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, NULL, now, &bad, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_CHAIN));
	COUNTS(ihits(v) == 0 && imisses(v) == 2);
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&bad);
	tp_pki_free(&p);
	return 1;
}

/* A root with pathLenConstraint 0 above an intermediate: every leaf
 * fails, on both paths alike, and nothing is kept; with pathLen 1 the
 * issuer is kept (OpenSSL never counts the leaf: RFC 5280 6.1.4 (l)). */
static int test_pathlen(void)
{
	tp_pki p;
	struct dev a, b;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(amend(&p.root, NID_basic_constraints, "critical,CA:TRUE,pathlen:0", NULL, p.root_key));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", p.inter, p.int_key, -3600, 365 * DAY));
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_CHAIN));
	CHECK(run_same(v, p.root, NULL, now, &b, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_CHAIN));
	COUNTS(ihits(v) == 0 && imisses(v) == 2);
	csra_verifier_free(&v);

	CHECK(amend(&p.root, NID_basic_constraints, "critical,CA:TRUE,pathlen:1", NULL, p.root_key));
	CHECK((v = csra_verifier_new()) != NULL && csra_verifier_add_trust(v, p.root) == CSRA_OK &&
	    csra_verifier_set_time(v, now) == CSRA_OK);
	csra_verifier_set_fastlink(v, fast_on);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, NULL, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1);
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&b);
	tp_pki_free(&p);
	return 1;
}

/* A CRL revoking the intermediate, added after its issuer was kept: the
 * generation changes, CRLs make every path a full one, and the new leaf
 * is refused as revoked. */
static int test_crl_after_caching(void)
{
	tp_pki p;
	struct dev a, b, c;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&c, "ak c", p.inter, p.int_key, -3600, 365 * DAY));
	X509_CRL *crls[3] = { tp_crl(p.root, p.root_key, p.inter, -3600, 30 * DAY),
		tp_crl(p.inter, p.int_key, NULL, -3600, 30 * DAY), NULL };
	CHECK(crls[0] && crls[1]);
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, NULL, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1);
	CHECK(csra_verifier_add_crl(v, crls[0]) == CSRA_OK && csra_verifier_add_crl(v, crls[1]) == CSRA_OK);
	CHECK(run_same(v, p.root, crls, now, &c, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_REVOKED));
	CHECK(run_same(v, p.root, crls, now, &b, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_REVOKED));
	COUNTS(ihits(v) == 1);
	csra_verifier_free(&v);

	/* CRLs that revoke nothing: still every leaf on the full path. */
	crls[0] = (X509_CRL_free(crls[0]), tp_crl(p.root, p.root_key, NULL, -3600, 30 * DAY));
	CHECK(crls[0] != NULL);
	CHECK((v = csra_verifier_new()) != NULL && csra_verifier_add_trust(v, p.root) == CSRA_OK &&
	    csra_verifier_set_time(v, now) == CSRA_OK && csra_verifier_add_crl(v, crls[0]) == CSRA_OK &&
	    csra_verifier_add_crl(v, crls[1]) == CSRA_OK);
	csra_verifier_set_fastlink(v, fast_on);
	CHECK(run_same(v, p.root, crls, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, crls, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 0 && imisses(v) == 2);
	csra_verifier_free(&v);
	X509_CRL_free(crls[0]);
	X509_CRL_free(crls[1]);
	dev_free(&a);
	dev_free(&b);
	dev_free(&c);
	tp_pki_free(&p);
	return 1;
}

/* The caller's store replaced by one with another root: the cached issuer
 * is gone with the generation, and the new leaf is untrusted. */
static int test_anchor_replaced(void)
{
	tp_pki p, q;
	struct dev a, b, c;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&q, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&c, "ak c", p.inter, p.int_key, -3600, 365 * DAY));
	X509_STORE *s1 = X509_STORE_new(), *s2 = X509_STORE_new();
	CHECK(s1 && s2 && X509_STORE_add_cert(s1, p.root) == 1 && X509_STORE_add_cert(s2, q.root) == 1);
	csra_verifier *v = csra_verifier_new();
	CHECK(v && csra_verifier_set_trust_store(v, s1) == CSRA_OK && csra_verifier_set_time(v, now) == CSRA_OK);
	csra_verifier_set_fastlink(v, fast_on);
	CHECK(run_same(v, p.root, NULL, now, &a, CSRA_VERDICT_VERIFIED, CSRA_OK));
	CHECK(run_same(v, p.root, NULL, now, &b, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1);
	CHECK(csra_verifier_set_trust_store(v, s2) == CSRA_OK);
	CHECK(run_same(v, q.root, NULL, now, &c, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED));
	CHECK(run_same(v, q.root, NULL, now, &b, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED));
	COUNTS(ihits(v) == 1);
	/* Back to a store with p's root: validated in full again first. */
	CHECK(csra_verifier_set_trust_store(v, s1) == CSRA_OK);
	unsigned long m0 = imisses(v);
	CHECK(run_same(v, p.root, NULL, now, &c, CSRA_VERDICT_VERIFIED, CSRA_OK));
	COUNTS(ihits(v) == 1 && imisses(v) == m0 + 1);
	csra_verifier_free(&v);
	X509_STORE_free(s1);
	X509_STORE_free(s2);
	dev_free(&a);
	dev_free(&b);
	dev_free(&c);
	tp_pki_free(&p);
	tp_pki_free(&q);
	return 1;
}

/* Two intermediates with one name and different keys, both offered: a
 * leaf under the second never takes the first's entry (its
 * authorityKeyIdentifier is in the key), and is validated through the
 * second. */
static int test_same_name_other_key(void)
{
	tp_pki p;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	EVP_PKEY *ik2 = tp_key("EC", "P-256");
	X509 *inter2 = ik2 ? tp_cert("test intermediate", ik2, p.root, p.root_key, TP_CA, -3600, 365 * DAY) : NULL;
	CHECK(inter2 != NULL);
	struct dev a, b;
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", inter2, ik2, -3600, 365 * DAY));
	/* b's Evidence offers the same intermediate as a's: one pool. */
	free(b.ev);
	CHECK((b.ev = make_ev(b.key, b.cert, p.inter, &b.len)) != NULL);
	STACK_OF(X509) *both = sk_X509_new_null();
	CHECK(both && sk_X509_push(both, p.inter) && sk_X509_push(both, inter2));
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL);
	csra_result *r = NULL;
	/* The same pool for both: the caller's two and the Evidence's own. */
	CHECK(csra_verify_evidence(v, a.ev, a.len, NONCE, sizeof(NONCE), both, &r) == CSRA_OK &&
	    csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);
	CHECK(csra_verify_evidence(v, b.ev, b.len, NONCE, sizeof(NONCE), both, &r) == CSRA_OK &&
	    csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	CHECK(X509_cmp(sk_X509_value(csra_result_signer_chain(r, 0), 1), inter2) == 0);
	COUNTS(ihits(v) == 0 && imisses(v) == 2);
	csra_result_free(&r);
	csra_verifier_free(&v);
	sk_X509_free(both);
	dev_free(&a);
	dev_free(&b);
	X509_free(inter2);
	EVP_PKEY_free(ik2);
	tp_pki_free(&p);
	return 1;
}

/* Entries are capped with the chain cache's size: with room for one, a
 * second issuer evicts the first. */
static int test_lru_bound(void)
{
	tp_pki p, q;
	struct dev a1, b1, a2, c1;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(tp_pki_new(&q, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a1, "ak a1", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b1, "ak b1", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&c1, "ak c1", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&a2, "ak a2", q.inter, q.int_key, -3600, 365 * DAY));
	csra_verifier *v = csra_verifier_new();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_add_trust(v, q.root) == CSRA_OK &&
	    csra_verifier_set_time(v, now) == CSRA_OK && csra_verifier_set_chain_cache(v, 1) == CSRA_OK);
	csra_verifier_set_fastlink(v, fast_on);
	csra_result *r;
	CHECK((r = run(v, &a1, CSRA_VERDICT_VERIFIED, CSRA_OK)) != NULL);
	csra_result_free(&r);
	CHECK((r = run(v, &b1, CSRA_VERDICT_VERIFIED, CSRA_OK)) != NULL);
	csra_result_free(&r);
	COUNTS(ihits(v) == 1 && imisses(v) == 1);
	CHECK((r = run(v, &a2, CSRA_VERDICT_VERIFIED, CSRA_OK)) != NULL);
	csra_result_free(&r);
	CHECK((r = run(v, &c1, CSRA_VERDICT_VERIFIED, CSRA_OK)) != NULL);
	csra_result_free(&r);
	COUNTS(ihits(v) == 1 && imisses(v) == 3);
	csra_verifier_free(&v);
	dev_free(&a1);
	dev_free(&b1);
	dev_free(&c1);
	dev_free(&a2);
	tp_pki_free(&p);
	tp_pki_free(&q);
	return 1;
}

/* Threads sharing one verifier verify distinct leaves under one issuer
 * (run under TSan by scripts/test.sh). */
#define NDEV 16
#define NTHR 4
static struct {
	const csra_verifier *v;
	struct dev d[NDEV];
} mt;

static void *mt_run(void *arg)
{
	long t = (long)(intptr_t)arg, bad = 0;
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < NDEV; i++) {
			csra_result *r = NULL;
			const struct dev *d = &mt.d[(i + t * 5) % NDEV];
			if (csra_verify_evidence(mt.v, d->ev, d->len, NONCE, sizeof(NONCE), NULL, &r) != CSRA_OK ||
			    csra_result_verdict(r) != CSRA_VERDICT_VERIFIED ||
			    sk_X509_num(csra_result_signer_chain(r, 0)) != 3)
				bad++;
			csra_result_free(&r);
		}
	return (void *)(intptr_t)bad;
}

static int test_threads(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	for (int i = 0; i < NDEV; i++) {
		char cn[32];
		snprintf(cn, sizeof(cn), "ak %d", i);
		CHECK(dev_new(&mt.d[i], cn, p.inter, p.int_key, -3600, 365 * DAY));
	}
	csra_verifier *v = csra_verifier_new();
	CHECK(v && csra_verifier_add_trust(v, p.root) == CSRA_OK && csra_verifier_set_chain_cache(v, 4) == CSRA_OK);
	csra_verifier_set_fastlink(v, fast_on);
	mt.v = v;
	pthread_t tid[NTHR];
	for (long t = 0; t < NTHR; t++)
		CHECK(pthread_create(&tid[t], NULL, mt_run, (void *)(intptr_t)t) == 0);
	long bad = 0;
	for (int t = 0; t < NTHR; t++) {
		void *rv;
		CHECK(pthread_join(tid[t], &rv) == 0);
		bad += (long)(intptr_t)rv;
	}
	CHECK(bad == 0);
	CHECK(ihits(v) > 0);
	csra_verifier_free(&v);
	for (int i = 0; i < NDEV; i++)
		dev_free(&mt.d[i]);
	tp_pki_free(&p);
	return 1;
}

/* The explicit link check's routes (csra_evidence.c), each result equal
 * to what OpenSSL's route records (run_same), with OpenSSL parsing
 * nothing the check took until a caller asks for the chain:
 *  - a verifier's first Evidence with a pool it has not seen: the cold
 *    path (leaf, intermediate, anchor), nothing parsed or remembered;
 *  - the same pool again: OpenSSL's full path, which remembers the issuer;
 *  - a new AK under it: one link against the issuer;
 *  - that AK again: OpenSSL's partial path, its path cached;
 *  - a third time: the chain cache. */
static int test_link_check(void)
{
	tp_pki p;
	struct dev a, b, c;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&b, "ak b", p.inter, p.int_key, -3600, 365 * DAY));
	CHECK(dev_new(&c, "ak c", p.inter, p.int_key, -3600, 365 * DAY));
	csra_verifier *v = pverifier(p.root, now);
	CHECK(v != NULL && !v->no_fastlink);
	/* a: the cold path. */
	csra_result *r = run(v, &a, CSRA_VERDICT_VERIFIED, CSRA_OK), *f = fresh(p.root, NULL, now, &a);
	CHECK(r != NULL && r->signers[0].nders == 2 && r->signers[0].chain == NULL);
	CHECK(ihits(v) == 0 && imisses(v) == 0 && same_result(r, f));
	STACK_OF(X509) *ch = csra_result_signer_chain(r, 0);
	CHECK(sk_X509_num(ch) == 3 && X509_cmp(sk_X509_value(ch, 0), a.cert) == 0 &&
	    X509_cmp(sk_X509_value(ch, 1), p.inter) == 0 && X509_cmp(sk_X509_value(ch, 2), p.root) == 0);
	CHECK(csra_result_signer_chain(r, 0) == ch);	/* parsed once */
	csra_result_free(&r);
	csra_result_free(&f);
	/* b: OpenSSL's full path, the issuer remembered. */
	r = run(v, &b, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && r->signers[0].nders == 0 && ihits(v) == 0 && imisses(v) == 2);
	csra_result_free(&r);
	/* c: one link against the issuer. */
	r = run(v, &c, CSRA_VERDICT_VERIFIED, CSRA_OK);
	f = fresh(p.root, NULL, now, &c);
	CHECK(r != NULL && r->signers[0].nders == 1 && r->signers[0].chain == NULL);
	CHECK(ihits(v) == 1 && imisses(v) == 2 && same_result(r, f));
	ch = csra_result_signer_chain(r, 0);
	CHECK(sk_X509_num(ch) == 3 && X509_cmp(sk_X509_value(ch, 0), c.cert) == 0);
	csra_result_free(&r);
	/* c again: OpenSSL's partial path against the issuer. */
	unsigned long h0 = 0, h1 = 0;
	csra_cache_stats(v, &h0, NULL);
	r = run(v, &c, CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(r != NULL && r->signers[0].nders == 0 && ihits(v) == 2 && same_result(r, f));
	csra_result_free(&r);
	/* And a third time, its path from the chain cache. */
	r = run(v, &c, CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_cache_stats(v, &h1, NULL);
	CHECK(r != NULL && r->signers[0].nders == 0 && ihits(v) == 2 && h1 == h0 + 1 && same_result(r, f));
	csra_result_free(&r);
	csra_result_free(&f);
	csra_verifier_free(&v);
	dev_free(&a);
	dev_free(&b);
	dev_free(&c);
	tp_pki_free(&p);
	return 1;
}

/* Threads asking one shared result for a chain the link check kept as
 * DER: each gets the one chain parsed (run under TSan by scripts/test.sh). */
static const csra_result *lazy_r;

static void *lazy_run(void *arg)
{
	(void)arg;
	return csra_result_signer_chain(lazy_r, 0);
}

static int test_lazy_chain_threads(void)
{
	tp_pki p;
	struct dev a;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 365 * DAY));
	CHECK(dev_new(&a, "ak a", p.inter, p.int_key, -3600, 365 * DAY));
	csra_verifier *v = pverifier(p.root, now);
	if (v != NULL)
		csra_verifier_set_fastlink(v, 1);
	csra_result *r = v ? run(v, &a, CSRA_VERDICT_VERIFIED, CSRA_OK) : NULL;
	CHECK(r != NULL && r->signers[0].nders == 2);
	lazy_r = r;
	pthread_t tid[NTHR];
	void *got[NTHR];
	for (long t = 0; t < NTHR; t++)
		CHECK(pthread_create(&tid[t], NULL, lazy_run, NULL) == 0);
	for (int t = 0; t < NTHR; t++)
		CHECK(pthread_join(tid[t], &got[t]) == 0);
	for (int t = 0; t < NTHR; t++)
		CHECK(got[t] != NULL && got[t] == got[0]);
	CHECK(sk_X509_num(got[0]) == 3 && X509_cmp(sk_X509_value(got[0], 0), a.cert) == 0);
	csra_result_free(&r);
	csra_verifier_free(&v);
	dev_free(&a);
	tp_pki_free(&p);
	return 1;
}

#define BOTH(t) \
	static int t##_fast(void) \
	{ \
		fast_on = 1; \
		int ok = t(); \
		fast_on = 0; \
		return ok; \
	}
BOTH(test_new_leaf_takes_issuer)
BOTH(test_leaf_expired)
BOTH(test_issuer_expired_since)
BOTH(test_name_constraints_above)
BOTH(test_pathlen)
BOTH(test_crl_after_caching)
BOTH(test_anchor_replaced)
BOTH(test_same_name_other_key)
BOTH(test_lru_bound)
BOTH(test_threads)
BOTH(test_link_check)

/* Vendor formats' paths (csra_format_chain) ----------------------------- */

/* A vendor-like hierarchy under a test trust, not a vendor's: a root, the
 * vendor's CA, one device's CA, and key certificates the device issues;
 * each attestation's bag is the key's certificate, the device's and the
 * vendor CA's, as the formats receive them. */
#define VKIND "test-vendor"

struct vpki {
	EVP_PKEY *rk, *vk, *dk;
	X509 *root, *vca, *dev;
};

static int vpki_new(struct vpki *p, long dev_to)
{
	memset(p, 0, sizeof(*p));
	p->rk = tp_key("EC", "P-256");
	p->vk = tp_key("EC", "P-256");
	p->dk = tp_key("EC", "P-256");
	CHECK(p->rk && p->vk && p->dk);
	p->root = tp_cert("vendor root", p->rk, NULL, NULL, TP_CA, -3600, 365 * DAY);
	p->vca = p->root ? tp_cert("vendor ca", p->vk, p->root, p->rk, TP_CA, -3600, 365 * DAY) : NULL;
	p->dev = p->vca ? tp_cert("device 1", p->dk, p->vca, p->vk, TP_CA, -3600, dev_to) : NULL;
	return p->dev != NULL;
}

static void vpki_free(struct vpki *p)
{
	X509_free(p->root);
	X509_free(p->vca);
	X509_free(p->dev);
	EVP_PKEY_free(p->rk);
	EVP_PKEY_free(p->vk);
	EVP_PKEY_free(p->dk);
}

/* A key certificate of the device, in its bag. */
struct vkey {
	EVP_PKEY *key;
	X509 *cert;
	csra_certbag bag;
};

static int vkey_bag(struct vkey *k, const struct vpki *p)
{
	BIO *m = BIO_new(BIO_s_mem());
	char *pem = NULL, why[128];
	int ok = m != NULL && PEM_write_bio_X509(m, k->cert) == 1 && PEM_write_bio_X509(m, p->dev) == 1 &&
	    PEM_write_bio_X509(m, p->vca) == 1;
	long n = ok ? BIO_get_mem_data(m, &pem) : 0;
	ok = ok && n > 0 && csra_certbag_read((const uint8_t *)pem, (size_t)n, 0, &k->bag, why, sizeof(why)) == CSRA_OK &&
	    k->bag.n == 3;
	BIO_free(m);
	return ok;
}

static int vkey_new(struct vkey *k, const struct vpki *p, const char *cn, long from, long to)
{
	memset(k, 0, sizeof(*k));
	k->key = tp_key("EC", "P-256");
	k->cert = k->key ? tp_cert(cn, k->key, p->dev, p->dk, TP_DIGSIG, from, to) : NULL;
	return k->cert != NULL && vkey_bag(k, p);
}

static void vkey_free(struct vkey *k)
{
	csra_certbag_clear(&k->bag);
	EVP_PKEY_free(k->key);
	X509_free(k->cert);
}

/* |p| (its device CA valid for |ttl|) and three key certificates of
 * the device, "key a" to "key c", each valid for a year. */
static int vset_new(struct vpki *p, long ttl, struct vkey *a, struct vkey *b, struct vkey *c)
{
	return vpki_new(p, ttl) && vkey_new(a, p, "key a", -3600, 365 * DAY) &&
	    vkey_new(b, p, "key b", -3600, 365 * DAY) && vkey_new(c, p, "key c", -3600, 365 * DAY);
}

static void vset_free(struct vpki *p, struct vkey *a, struct vkey *b, struct vkey *c)
{
	vkey_free(a);
	vkey_free(b);
	vkey_free(c);
	vpki_free(p);
}

/* What csra_format_chain records for |k| on |v| under |kind| at |at|
 * (with |cb|/|arg|: a format's callback), and the path it returns. */
struct vrun {
	int rc;
	csra_result *r;
	STACK_OF(X509) *chain;
};

static void vrun_free(struct vrun *o)
{
	csra_result_free(&o->r);
	sk_X509_pop_free(o->chain, X509_free);
}

static int vrun(const csra_verifier *v, const char *kind, const struct vkey *k, time_t at,
    X509_STORE_CTX_verify_cb cb, void *arg, struct vrun *o)
{
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	memset(o, 0, sizeof(*o));
	/* The attestation's bytes: the leaf's, as a file would give them. */
	in.stmt = k->bag.entries[0].der;
	in.stmt_len = k->bag.entries[0].len;
	in.at = at;
	in.v = v;
	in.bag = &k->bag;
	CHECK((o->r = csra_result_new()) != NULL);
	o->rc = csra_format_chain(v, kind, &in, &k->bag, sk_X509_value(k->bag.certs, 0), 0, cb, arg,
	    cb != NULL ? VKIND "/test-callback" : NULL, o->r, &o->chain);
	csra_result_finish(o->r);
	return o->rc >= 0;
}

/* A fresh verifier, cache off, trusting |root| for |kind| (with |crls|,
 * may be NULL): what the partial path must equal. */
static csra_verifier *vfresh(const char *kind, X509 *root, X509_CRL *const *crls, time_t at)
{
	csra_verifier *v = csra_verifier_new();
	int ok = v != NULL && csra_verifier_format_trust_add(v, kind, root) == CSRA_OK &&
	    csra_verifier_set_time(v, at) == CSRA_OK && csra_verifier_set_chain_cache(v, 0) == CSRA_OK;
	for (int i = 0; ok && crls != NULL && crls[i] != NULL; i++)
		ok = csra_verifier_add_crl(v, crls[i]) == CSRA_OK;
	if (!ok)
		csra_verifier_free(&v);
	return v;
}

/* Runs |k| on |v| expecting |rc| (1: a path, with |code| CSRA_OK; 0: the
 * ak.chain failure |code| naming the bag's certificate |path|) and exactly what a fresh verifier records
 * and returns. */
static int vrun_same(const csra_verifier *v, const char *kind, X509 *root, X509_CRL *const *crls, time_t at,
    const struct vkey *k, int rc, csra_err code, const char *path)
{
	struct vrun a, b;
	csra_verifier *f = vfresh(kind, root, crls, at);
	CHECK(f != NULL);
	CHECK(vrun(v, kind, k, at, NULL, NULL, &a));
	CHECK(vrun(f, kind, k, at, NULL, NULL, &b));
	csra_verifier_free(&f);
	int ok = a.rc == rc && tu_has_check(a.r, "ak.chain", rc == 1 ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    code, path) && same_result(a.r, b.r) && sk_X509_num(a.chain) == sk_X509_num(b.chain);
	for (int i = 0; ok && i < sk_X509_num(a.chain); i++)
		ok = X509_cmp(sk_X509_value(a.chain, i), sk_X509_value(b.chain, i)) == 0;
	if (!ok)
		tu_dump_result(a.r, 0);
	vrun_free(&a);
	vrun_free(&b);
	return ok;
}

static csra_verifier *vverifier(const char *kind, X509 *root, time_t at)
{
	csra_verifier *v = csra_verifier_new();
	if (v != NULL && (csra_verifier_format_trust_add(v, kind, root) != CSRA_OK ||
	    csra_verifier_set_time(v, at) != CSRA_OK))
		csra_verifier_free(&v);
	return v;
}

/* A second key of a device seen before: its certificate is new, its
 * issuer (the device's CA) was validated with the first key's path, and
 * stands as the partial-chain anchor; same checks and path as the full
 * path. A second format trusting the same root has its own entries. */
static int test_vendor_new_leaf_takes_issuer(void)
{
	struct vpki p;
	struct vkey a, b, c;
	time_t now = time(NULL);
	CHECK(vset_new(&p, 365 * DAY, &a, &b, &c));
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL && csra_verifier_format_trust_add(v, VKIND "-2", p.root) == CSRA_OK);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 0 && imisses(v) == 1);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1 && imisses(v) == 1);
	/* b again: its own path, kept from the partial validation. */
	unsigned long h0 = 0, h1 = 0;
	csra_cache_stats(v, &h0, NULL);
	struct vrun o;
	CHECK(vrun(v, VKIND, &b, now, NULL, NULL, &o) && o.rc == 1 && sk_X509_num(o.chain) == 4);
	vrun_free(&o);
	csra_cache_stats(v, &h1, NULL);
	CHECK(h1 == h0 + 1 && ihits(v) == 1);
	/* The other format's trust set: validated in full first. */
	CHECK(vrun_same(v, VKIND "-2", p.root, NULL, now, &c, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1 && imisses(v) == 2);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &c, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 2);
	csra_verifier_free(&v);
	vset_free(&p, &a, &b, &c);
	return 1;
}

/* A format's callback sees every certificate of the path, with its depth. */
struct seen {
	int calls, max_depth;
};

static int seeing_cb(int ok, X509_STORE_CTX *ctx)
{
	struct seen *s = X509_STORE_CTX_get_app_data(ctx);
	s->calls++;
	if (X509_STORE_CTX_get_error_depth(ctx) > s->max_depth)
		s->max_depth = X509_STORE_CTX_get_error_depth(ctx);
	return ok;
}

/* With a callback the full path is used, even where an issuer is kept:
 * the callback sees the whole path (depth 3 above a key certificate),
 * never the partial one. */
static int test_vendor_callback_full_path(void)
{
	struct vpki p;
	struct vkey a, b, c;
	time_t now = time(NULL);
	CHECK(vset_new(&p, 365 * DAY, &a, &b, &c));
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL);
	struct vrun o;
	struct seen s = { 0, -1 };
	CHECK(vrun(v, VKIND, &a, now, seeing_cb, &s, &o) && o.rc == 1 && s.max_depth == 3);
	vrun_free(&o);
	/* A callback's path is not remembered as an issuer... */
	CHECK(ihits(v) == 0 && imisses(v) == 0);
	CHECK(vrun(v, VKIND, &b, now, NULL, NULL, &o) && o.rc == 1);
	vrun_free(&o);
	CHECK(ihits(v) == 0 && imisses(v) == 1);
	/* ... nor is one kept without a callback used with one. */
	s.calls = 0;
	s.max_depth = -1;
	CHECK(vrun(v, VKIND, &c, now, seeing_cb, &s, &o) && o.rc == 1 && sk_X509_num(o.chain) == 4);
	vrun_free(&o);
	CHECK(s.calls >= 4 && s.max_depth == 3);
	CHECK(ihits(v) == 0 && imisses(v) == 1);
	/* Without it, c takes the issuer b's path left. */
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &c, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1);
	csra_verifier_free(&v);
	vset_free(&p, &a, &b, &c);
	return 1;
}

/* The format's trust set changed after an issuer was kept: the entry is
 * gone with the trust generation, and the next key is validated in full. */
static int test_vendor_trust_changed(void)
{
	struct vpki p;
	struct vkey a, b, c;
	time_t now = time(NULL);
	CHECK(vset_new(&p, 365 * DAY, &a, &b, &c));
	EVP_PKEY *ok2 = tp_key("EC", "P-256");
	X509 *other = ok2 ? tp_cert("other root", ok2, NULL, NULL, TP_CA, -3600, 365 * DAY) : NULL;
	CHECK(other != NULL);
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1 && imisses(v) == 1);
	CHECK(csra_verifier_format_trust_add(v, VKIND, other) == CSRA_OK);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &c, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1 && imisses(v) == 2);
	/* A format whose anchors do not include the root: untrusted. */
	CHECK(csra_verifier_format_trust_add(v, VKIND "-other", other) == CSRA_OK);
	CHECK(vrun_same(v, VKIND "-other", other, NULL, now, &b, 0, CSRA_ERR_AK_UNTRUSTED, "certs[2]"));
	CHECK(ihits(v) == 1);
	csra_verifier_free(&v);
	X509_free(other);
	EVP_PKEY_free(ok2);
	vset_free(&p, &a, &b, &c);
	return 1;
}

/* CRLs added after an issuer was kept, the vendor CA's revoking the
 * device's CA: every key is validated in full and refused as revoked. */
static int test_vendor_crls(void)
{
	struct vpki p;
	struct vkey a, b, c;
	time_t now = time(NULL);
	CHECK(vset_new(&p, 365 * DAY, &a, &b, &c));
	X509_CRL *crls[4] = { tp_crl(p.root, p.rk, NULL, -3600, 30 * DAY), tp_crl(p.vca, p.vk, p.dev, -3600, 30 * DAY),
		tp_crl(p.dev, p.dk, NULL, -3600, 30 * DAY), NULL };
	CHECK(crls[0] && crls[1] && crls[2]);
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1);
	for (int i = 0; i < 3; i++)
		CHECK(csra_verifier_add_crl(v, crls[i]) == CSRA_OK);
	CHECK(vrun_same(v, VKIND, p.root, crls, now, &c, 0, CSRA_ERR_AK_REVOKED, "certs[1]"));
	CHECK(vrun_same(v, VKIND, p.root, crls, now, &b, 0, CSRA_ERR_AK_REVOKED, "certs[1]"));
	CHECK(ihits(v) == 1);
	csra_verifier_free(&v);

	/* CRLs that revoke nothing: no issuer is kept. */
	crls[1] = (X509_CRL_free(crls[1]), tp_crl(p.vca, p.vk, NULL, -3600, 30 * DAY));
	CHECK(crls[1] != NULL && (v = vverifier(VKIND, p.root, now)) != NULL);
	for (int i = 0; i < 3; i++)
		CHECK(csra_verifier_add_crl(v, crls[i]) == CSRA_OK);
	CHECK(vrun_same(v, VKIND, p.root, crls, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, crls, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 0 && imisses(v) == 2);
	csra_verifier_free(&v);
	for (int i = 0; i < 3; i++)
		X509_CRL_free(crls[i]);
	vset_free(&p, &a, &b, &c);
	return 1;
}

/* The root excludes DNS names under bad.example: the device's CA is
 * never kept, and a key certificate naming host.bad.example is refused as
 * on the full path. */
static int test_vendor_name_constraints(void)
{
	struct vpki p;
	struct vkey a, b, bad;
	time_t now = time(NULL);
	CHECK(vpki_new(&p, 365 * DAY));
	CHECK(amend(&p.root, NID_name_constraints, "critical,excluded;DNS:bad.example", NULL, p.rk));
	CHECK(vkey_new(&a, &p, "key a", -3600, 365 * DAY));
	CHECK(vkey_new(&b, &p, "key b", -3600, 365 * DAY));
	memset(&bad, 0, sizeof(bad));
	bad.key = tp_key("EC", "P-256");
	bad.cert = bad.key ? tp_cert("key bad", bad.key, p.dev, p.dk, TP_DIGSIG, -3600, 365 * DAY) : NULL;
	CHECK(bad.cert != NULL);
	CHECK(amend(&bad.cert, NID_subject_alt_name, "DNS:host.bad.example", p.dev, p.dk));
	CHECK(vkey_bag(&bad, &p));
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &bad, 0, CSRA_ERR_AK_CHAIN, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 0 && imisses(v) == 3);
	csra_verifier_free(&v);
	vkey_free(&a);
	vkey_free(&b);
	vkey_free(&bad);
	vpki_free(&p);
	return 1;
}

/* The device's CA expires 10 days from now: at day 20 the kept issuer is
 * out of its window, and the new key is refused as expired by the full
 * path; back in the window, the entry stands again. */
static int test_vendor_issuer_expired(void)
{
	struct vpki p;
	struct vkey a, b, c;
	time_t now = time(NULL);
	CHECK(vset_new(&p, 10 * DAY, &a, &b, &c));
	csra_verifier *v = vverifier(VKIND, p.root, now);
	CHECK(v != NULL);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &a, 1, CSRA_OK, "certs[0]"));
	CHECK(vrun_same(v, VKIND, p.root, NULL, now, &b, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 1);
	unsigned long m0 = imisses(v);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now + 20 * DAY, &c, 0, CSRA_ERR_AK_EXPIRED, "certs[1]"));
	CHECK(ihits(v) == 1 && imisses(v) == m0 + 1);
	CHECK(vrun_same(v, VKIND, p.root, NULL, now + DAY, &c, 1, CSRA_OK, "certs[0]"));
	CHECK(ihits(v) == 2);
	csra_verifier_free(&v);
	vset_free(&p, &a, &b, &c);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_new_leaf_takes_issuer), TU(test_leaf_expired), TU(test_issuer_expired_since),
		TU(test_name_constraints_above), TU(test_pathlen), TU(test_crl_after_caching),
		TU(test_anchor_replaced), TU(test_same_name_other_key), TU(test_lru_bound), TU(test_threads),
		TU(test_new_leaf_takes_issuer_fast), TU(test_leaf_expired_fast), TU(test_issuer_expired_since_fast),
		TU(test_name_constraints_above_fast), TU(test_pathlen_fast), TU(test_crl_after_caching_fast),
		TU(test_anchor_replaced_fast), TU(test_same_name_other_key_fast), TU(test_lru_bound_fast),
		TU(test_threads_fast), TU(test_link_check_fast), TU(test_lazy_chain_threads),
		TU(test_vendor_new_leaf_takes_issuer), TU(test_vendor_callback_full_path), TU(test_vendor_trust_changed),
		TU(test_vendor_crls), TU(test_vendor_name_constraints), TU(test_vendor_issuer_expired),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
