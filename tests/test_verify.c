/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKIX Evidence verification: every rule with a passing and a failing
 * case, each failure asserted by its exact code. The PKIs and Evidence are
 * made here with OpenSSL and the library's encoder; the shared samples
 * behave as their README says.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include "csra_codec_int.h"
#include "csra_oid_table.h"
#include "csra_span.h"
#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/policy.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"


static const uint8_t NONCE[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };

/* What a test Evidence holds; zero means the good default. */
typedef struct evopt {
	int64_t version;		/* 0: 1 */
	int no_nonce, dup_nonce, dup_transaction, two_platforms;
	int nonce_in_platform;		/* a claim in the wrong element */
	int no_key_identifier, dup_key_identifier;
	int64_t fipslevel;		/* 0: 3 */
	int ak_spki;			/* 1: the signer's; 2: another key's; 3: both */
	int unknown_claim, no_value;
	int unknown_element;		/* an element of a type the draft does not define */
	int fipslevel_big;		/* fipslevel an INTEGER of 9 octets */
	time_t timestamp;		/* 0: none */
	int no_signer;
	unsigned sid;			/* 0: certificate */
	const uint8_t *keyid;		/* NULL: the AK certificate's SKI */
	size_t keyid_len;
	int intermediates;		/* 1: in the Evidence */
	int explicit_certs;
	EVP_PKEY *sign_with;		/* NULL: the AK */
	EVP_PKEY *second_signer;	/* a second block */
	X509 *second_cert;
	const uint8_t *alg;		/* signatureAlgorithm override */
	size_t alg_len;
	const EVP_MD *pss;
} evopt;

static uint8_t *make_ev(const tp_pki *p, const evopt *o, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k1, k2, oid_len;
	uint8_t *der = NULL;
	csra_evb_set_version(b, o->version ? o->version : 1);
	csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx);
	if (!o->no_nonce)
		csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE));
	if (o->dup_nonce)
		csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE));
	if (o->timestamp)
		csra_evb_add_time(b, tx, CSRA_CLAIM_TIMESTAMP, o->timestamp);
	for (int i = 1; i <= 2; i++) {
		if ((o->ak_spki & i) == 0)
			continue;
		EVP_PKEY *k = i == 1 ? p->ak_key : p->int_key;
		unsigned char *spki = NULL;
		int n = i2d_PUBKEY(k, &spki);
		csra_evb_add_octets(b, tx, CSRA_CLAIM_AK_SPKI, spki, (size_t)n);
		OPENSSL_free(spki);
	}
	if (o->dup_transaction) {
		size_t t2;
		csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &t2);
		csra_evb_add_octets(b, t2, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE));
	}
	csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl);
	csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest", 9);
	csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1);
	if (o->fipslevel_big) {
		const uint8_t *oid = csra_claim_oid(CSRA_CLAIM_FIPSLEVEL, &oid_len);
		static const uint8_t v[] = { 0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 };
		csra_evb_add_raw(b, pl, oid, oid_len, v, sizeof(v));
	} else {
		csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, o->fipslevel ? o->fipslevel : 3);
	}
	if (o->nonce_in_platform) {
		const uint8_t *oid = csra_claim_oid(CSRA_CLAIM_NONCE, &oid_len);
		static const uint8_t v[] = { 0x04, 0x01, 0x00 };
		csra_evb_add_raw(b, pl, oid, oid_len, v, sizeof(v));
	}
	if (o->two_platforms) {
		size_t p2;
		csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &p2);
		csra_evb_add_bool(b, p2, CSRA_CLAIM_FIPSBOOT, 0);
	}
	if (o->unknown_claim) {
		static const uint8_t oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x09 };
		static const uint8_t v[] = { 0x05, 0x00 };
		csra_evb_add_raw(b, pl, oid, sizeof(oid), v, sizeof(v));
	}
	if (o->no_value) {
		const uint8_t *oid = csra_claim_oid(CSRA_CLAIM_HWSERIAL, &oid_len);
		csra_evb_add_raw(b, pl, oid, oid_len, NULL, 0);
	}
	if (o->unknown_element) {
		static const uint8_t type[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a };
		static const uint8_t claim[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0b };
		static const uint8_t v[] = { 0x05, 0x00 };
		size_t ux;
		csra_evb_add_element_oid(b, type, sizeof(type), &ux);
		csra_evb_add_raw(b, ux, claim, sizeof(claim), v, sizeof(v));
	}
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k1);
	if (!o->no_key_identifier)
		csra_evb_add_utf8(b, k1, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5);
	csra_evb_add_bool(b, k1, CSRA_CLAIM_KEY_EXTRACTABLE, 0);
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k2);
	csra_evb_add_utf8(b, k2, CSRA_CLAIM_KEY_IDENTIFIER, o->dup_key_identifier ? "key-1" : "key-2", 5);
	if (!o->no_signer) {
		unsigned sid = o->sid ? o->sid : CSRA_SID_CERT;
		if (csra_evb_add_signer(b, o->sign_with ? o->sign_with : p->ak_key, p->ak, sid, o->keyid,
		    o->keyid_len) != CSRA_OK)
			goto out;
		if (o->alg)
			csra_evb_set_signer_alg(b, 0, o->alg, o->alg_len);
		if (o->pss && csra_evb_set_signer_pss(b, 0, o->pss) != CSRA_OK)
			goto out;
	}
	if (o->second_signer)
		csra_evb_add_signer(b, o->second_signer, o->second_cert,
		    o->second_cert ? CSRA_SID_CERT : CSRA_SID_SPKI, NULL, 0);
	if (o->intermediates)
		csra_evb_add_intermediate(b, p->inter);
	csra_evb_set_explicit_certs(b, o->explicit_certs);
	if (csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
out:
	csra_evb_free(&b);
	return der;
}

static csra_verifier *verifier_for(const tp_pki *p)
{
	csra_verifier *v = csra_verifier_new();
	if (v && p) {
		csra_verifier_add_trust(v, p->root);
		csra_verifier_add_untrusted(v, p->inter);
	}
	return v;
}

/* Verifies and checks the verdict and, unless CSRA_OK, that |code| is
 * among the failures. */
static int expect(const csra_verifier *v, const uint8_t *der, size_t len, const uint8_t *nonce,
    size_t nonce_len, csra_verdict verdict, csra_err code)
{
	csra_result *r = NULL;
	CHECK(der != NULL);
	CHECK(csra_verify_evidence(v, der, len, nonce, nonce_len, NULL, &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == verdict && (code == CSRA_OK || csra_result_has_failure(r, code));
	if (!ok) {
		fprintf(stderr, "  want verdict %d with %s, got %d:\n", verdict, csra_err_name(code),
		    csra_result_verdict(r));
		for (size_t i = 0; i < csra_result_check_count(r); i++) {
			const char *name, *msg, *path;
			csra_status st;
			csra_err c;
			csra_result_check(r, i, &name, &st, &c, &msg, &path);
			if (st == CSRA_STATUS_FAIL || st == CSRA_STATUS_WARN)
				fprintf(stderr, "    %s %s %s [%s]: %s\n", st == CSRA_STATUS_FAIL ? "FAIL" : "warn",
				    name, csra_err_name(c), path, msg);
		}
	}
	csra_result_free(&r);
	CHECK(r == NULL);
	return ok;
}

/* One PKI and one Evidence per case: |o| varied, the rest good. */
static int run(const char *alg, const char *param, unsigned ak_flags, long from, long to,
    const evopt *o, const uint8_t *nonce, csra_verdict verdict, csra_err code)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, alg, param, ak_flags, from, to));
	uint8_t *der = make_ev(&p, o, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, nonce, nonce ? sizeof(NONCE) : 0, verdict, code);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Whether |r| has a check |name| with |code| and |status|; prints the
 * checks if not. */
static int has_check(const csra_result *r, const char *name, csra_err code, csra_status status)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n;
		csra_status st;
		csra_err c;
		if (csra_result_check(r, i, &n, &st, &c, NULL, NULL) && strcmp(n, name) == 0 &&
		    c == code && st == status)
			return 1;
	}
	fprintf(stderr, "  no check %s %s with status %d among:\n", name, csra_err_name(code), status);
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n, *msg, *path;
		csra_status st;
		csra_err c;
		csra_result_check(r, i, &n, &st, &c, &msg, &path);
		fprintf(stderr, "    %d %s %s [%s]: %s\n", st, n, csra_err_name(c), path, msg);
	}
	return 0;
}

/* Verifies under |policy| and wants |verdict| and up to three checks
 * (name NULL: none) with their code and status. */
struct want { const char *name; csra_err code; csra_status status; };
static int expect_checks(csra_verifier *v, csra_sig_policy policy, const uint8_t *der, size_t len,
    STACK_OF(X509) *extra, csra_verdict verdict, struct want w0, struct want w1, struct want w2)
{
	csra_result *r = NULL;
	CHECK(der != NULL);
	CHECK(csra_verifier_set_sig_policy(v, policy) == CSRA_OK);
	CHECK(csra_verify_evidence(v, der, len, NULL, 0, extra, &r) == CSRA_OK);
	int ok = 1;
	if (csra_result_verdict(r) != verdict) {
		fprintf(stderr, "  policy %d: want verdict %d, got %d\n", policy, verdict, csra_result_verdict(r));
		ok = has_check(r, "-", CSRA_OK, CSRA_STATUS_PASS) && 0;	/* prints the checks */
	}
	const struct want *ws[] = { &w0, &w1, &w2 };
	for (size_t i = 0; ok && i < 3; i++)
		ok = ws[i]->name == NULL || has_check(r, ws[i]->name, ws[i]->code, ws[i]->status);
	csra_result_free(&r);
	return ok;
}
#define NO_CHECK ((struct want){ NULL, CSRA_OK, CSRA_STATUS_PASS })
#define W(n, c, s) ((struct want){ (n), (c), CSRA_STATUS_##s })

#define AK (TP_DIGSIG | TP_EKU_AK)
#define YEAR (86400L * 365)
static const evopt GOOD = { 0 };

static int test_good_p256(void)
{
	return run("EC", "P-256", AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_good_p384(void)
{
	return run("EC", "P-384", AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

/* ECDSA on curves other than P-256, P-384 and P-521 is refused, whether
 * the curve is read from the AK certificate's SubjectPublicKeyInfo or
 * asked of OpenSSL. */
static int sig_on_curve(const char *curve, csra_err want)
{
	static const uint8_t tbs[] = "to be signed";
	EVP_PKEY *k = tp_key("EC", curve);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[160], *spki = NULL;
	size_t siglen = sizeof(sig);
	char why[96];
	CHECK(k != NULL && ctx != NULL);
	CHECK(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, tbs, sizeof(tbs)) == 1);
	int n = i2d_PUBKEY(k, &spki);
	CHECK(n > 0);
	const csra_oid_entry *alg = &csra_oid_table[CSRA_OID_ECDSA_WITH_SHA256];
	csra_err with = csra_sig_verify(NULL, alg->der, alg->der_len, NULL, 0, sig, siglen, k, spki, (size_t)n,
	    tbs, sizeof(tbs), why, sizeof(why));
	csra_err without = csra_sig_verify(NULL, alg->der, alg->der_len, NULL, 0, sig, siglen, k, NULL, 0,
	    tbs, sizeof(tbs), why, sizeof(why));
	if (with != want || without != want)
		fprintf(stderr, "  %s: with SPKI %s, without %s\n", curve, csra_err_name(with),
		    csra_err_name(without));
	OPENSSL_free(spki);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return with == want && without == want;
}

static int test_other_curves_refused(void)
{
	return sig_on_curve("P-256", CSRA_OK) && sig_on_curve("brainpoolP256r1", CSRA_ERR_SIG_KEY_UNSUPPORTED) &&
	    sig_on_curve("secp256k1", CSRA_ERR_SIG_KEY_UNSUPPORTED);
}

static int test_good_rsa3072(void)
{
	return run("RSA", "3072", AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_good_ed25519(void)
{
	return run("ED25519", NULL, AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_good_rsa_pss(void)
{
	evopt o = { .pss = EVP_sha256() };
	return run("RSA", "3072", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

/* An AK whose EKU also lists codeSigning still qualifies. */
static int test_good_extra_eku(void)
{
	return run("EC", "P-256", AK | TP_EKU_CODESIGN, -60, YEAR, &GOOD, NONCE,
	    CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_missing_eku(void)
{
	return run("EC", "P-256", TP_DIGSIG, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_AK_NO_EKU);
}

static int test_wrong_eku_only(void)
{
	return run("EC", "P-256", TP_DIGSIG | TP_EKU_CODESIGN, -60, YEAR, &GOOD, NONCE,
	    CSRA_VERDICT_REJECTED, CSRA_ERR_AK_NO_EKU);
}

static int test_missing_digital_signature(void)
{
	return run("EC", "P-256", TP_EKU_AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_AK_NO_DIGITAL_SIGNATURE);
}

/* The message of the first check |name| of |r| contains |text|. */
static int message_has(const csra_result *r, const char *name, const char *text)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n;
		char msg[512];
		if (csra_result_check(r, i, &n, NULL, NULL, NULL, NULL) && strcmp(n, name) == 0 &&
		    csra_result_check_message(r, i, msg, sizeof(msg)))
			return strstr(msg, text) != NULL ? 1 : (fprintf(stderr, "  %s: %s\n", name, msg), 0);
	}
	fprintf(stderr, "  no check %s\n", name);
	return 0;
}

/* An AK certificate with its extendedKeyUsage twice: OpenSSL marks its
 * extensions invalid and then gives no key usage at all. The checks say
 * that, not that keyUsage lacks digitalSignature (it has it) or that the
 * EKU lacks the AK purpose (it has it, twice). */
static int test_ak_repeated_extension(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	int at = X509_get_ext_by_NID(p.ak, NID_ext_key_usage, -1);
	X509_EXTENSION *eku = at >= 0 ? X509_EXTENSION_dup(X509_get_ext(p.ak, at)) : NULL;
	int ok = eku != NULL && X509_add_ext(p.ak, eku, -1) == 1 && X509_sign(p.ak, p.int_key, EVP_sha256()) > 0;
	X509_EXTENSION_free(eku);
	size_t len;
	uint8_t *der = ok ? make_ev(&p, &GOOD, &len) : NULL;
	csra_verifier *v = verifier_for(&p);
	csra_result *r = NULL;
	ok = der != NULL && csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK &&
	    csra_result_verdict(r) == CSRA_VERDICT_REJECTED &&
	    has_check(r, "ak.key-usage", CSRA_ERR_AK_NO_DIGITAL_SIGNATURE, CSRA_STATUS_FAIL) &&
	    message_has(r, "ak.key-usage", "KeyUsage cannot be read: OpenSSL finds the certificate's extensions invalid") &&
	    has_check(r, "ak.eku", CSRA_ERR_AK_NO_EKU, CSRA_STATUS_FAIL) &&
	    message_has(r, "ak.eku", "ExtendedKeyUsage is repeated or does not decode: no an attestation-key EKU");
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_expired_ak(void)
{
	return run("EC", "P-256", AK, -2 * YEAR, -YEAR, &GOOD, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_AK_EXPIRED);
}

/* Verifies |der| with |v|: the verdict, and unless CSRA_OK, check |name|
 * failing with |code|. */
static int expect_check(const csra_verifier *v, const uint8_t *der, size_t len, csra_verdict verdict,
    const char *name, csra_err code)
{
	csra_result *r = NULL;
	CHECK(der != NULL);
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == verdict && (code == CSRA_OK || csra_result_find(r, name, code) >= 0);
	if (!ok) {
		char *j = csra_result_json(r);
		fprintf(stderr, "want verdict %d, %s in %s:\n%s\n", verdict, csra_err_name(code), name,
		    j ? j : "");
		free(j);
	}
	csra_result_free(&r);
	return ok;
}

/* A CA certificate is not an AK's, whatever its KeyUsage and EKU. */
static int test_ak_is_ca(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_CA | AK, -60, YEAR));
	evopt o = { .intermediates = 1 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect_check(v, der, len, CSRA_VERDICT_REJECTED, "ak.basic-constraints", CSRA_ERR_AK_IS_CA);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* The AK EKU is the placeholder unless configured: another one (the OID
 * IANA will assign) is accepted only once added, by the setter or a
 * policy, and then the placeholder only if added too. */
static int test_configured_ak_eku(void)
{
	tp_pki p, q;
	size_t len, qlen;
	uint8_t oid[64], ph[64];
	size_t olen, phlen;
	CHECK(csra_oid_from_str(TP_EKU_EXAMPLE_OID, oid, sizeof(oid), &olen));
	CHECK(csra_oid_from_str("1.3.6.1.5.5.7.3.999", ph, sizeof(ph), &phlen));
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_EXAMPLE, -60, YEAR));
	CHECK(tp_pki_new(&q, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .intermediates = 1 };
	uint8_t *der = make_ev(&p, &o, &len), *placeholder = make_ev(&q, &o, &qlen);
	csra_verifier *v = verifier_for(&p);
	CHECK(csra_verifier_add_trust(v, q.root) == CSRA_OK);
	CHECK(csra_verifier_add_untrusted(v, q.inter) == CSRA_OK);
	int ok = expect_check(v, der, len, CSRA_VERDICT_REJECTED, "ak.eku", CSRA_ERR_AK_NO_EKU) &&
	    expect_check(v, placeholder, qlen, CSRA_VERDICT_VERIFIED, "", CSRA_OK);
	/* Rejected answers are not cached, accepted EKUs are: the cache is
	 * flushed by the change. */
	CHECK(csra_verifier_add_ak_eku(v, oid, olen) == CSRA_OK);
	ok = ok && expect_check(v, der, len, CSRA_VERDICT_VERIFIED, "", CSRA_OK) &&
	    expect_check(v, placeholder, qlen, CSRA_VERDICT_REJECTED, "ak.eku", CSRA_ERR_AK_NO_EKU);
	CHECK(csra_verifier_add_ak_eku(v, ph, phlen) == CSRA_OK);
	ok = ok && expect_check(v, der, len, CSRA_VERDICT_VERIFIED, "", CSRA_OK) &&
	    expect_check(v, placeholder, qlen, CSRA_VERDICT_VERIFIED, "", CSRA_OK);
	static const uint8_t not_oid[] = { 0x2b, 0x80, 0x01 };	/* padded arc */
	CHECK(csra_verifier_add_ak_eku(v, not_oid, sizeof(not_oid)) == CSRA_ERR_INVALID_ARGUMENT);
	csra_verifier_free(&v);

	/* A policy's ak_ekus replace the verifier's. */
	static const char json[] = "{\"name\": \"new-eku\", \"ak_ekus\": [\"" TP_EKU_EXAMPLE_OID "\"]}";
	csra_policy *pol = NULL;
	char err[128];
	CHECK(csra_policy_from_json(json, sizeof(json) - 1, &pol, err, sizeof(err)) == CSRA_OK);
	v = verifier_for(&p);
	CHECK(csra_verifier_add_trust(v, q.root) == CSRA_OK);
	CHECK(csra_verifier_add_untrusted(v, q.inter) == CSRA_OK);
	ok = ok && expect_check(v, der, len, CSRA_VERDICT_REJECTED, "ak.eku", CSRA_ERR_AK_NO_EKU);
	CHECK(csra_verifier_set_policy(v, pol) == CSRA_OK);
	ok = ok && expect_check(v, der, len, CSRA_VERDICT_VERIFIED, "", CSRA_OK) &&
	    expect_check(v, placeholder, qlen, CSRA_VERDICT_REJECTED, "ak.eku", CSRA_ERR_AK_NO_EKU);
	csra_verifier_free(&v);
	csra_policy_free(&pol);
	free(der);
	free(placeholder);
	tp_pki_free(&p);
	tp_pki_free(&q);
	return ok;
}

/* Before notBefore is not "expired": its own code, in ak.chain. */
static int test_not_yet_valid_ak(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, YEAR, 2 * YEAR));
	evopt o = { .intermediates = 1 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	csra_result *r = NULL;
	CHECK(der != NULL && csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_find(r, "ak.chain", CSRA_ERR_AK_NOT_YET_VALID) >= 0);
	CHECK(!csra_result_has_failure(r, CSRA_ERR_AK_EXPIRED));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

/* A clock callback: counts its calls and gives |t|. */
struct ev_clock {
	time_t t;
	int calls;
};

static int ev_clock_fn(void *arg, time_t *now)
{
	struct ev_clock *c = arg;
	c->calls++;
	*now = c->t;
	return 1;
}

/* csra_verify_evidence reads the verifier's clock once, and its time
 * judges the AK: valid now, expired in nine months (the root still
 * valid then). */
static int test_clock_evidence(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR / 2));
	evopt o = { .intermediates = 1 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	struct ev_clock c = { time(NULL), 0 };
	CHECK(der != NULL && csra_verifier_set_clock(v, ev_clock_fn, &c) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	CHECK(c.calls == 1 && csra_result_find(r, "ak.chain", CSRA_OK) >= 0 &&
	    !csra_result_has_failure(r, CSRA_ERR_AK_EXPIRED));
	csra_result_free(&r);
	c.t = time(NULL) + YEAR * 3 / 4;
	c.calls = 0;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	CHECK(c.calls == 1 && csra_result_find(r, "ak.chain", CSRA_ERR_AK_EXPIRED) >= 0);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	tp_pki_free(&p);
	return 1;
}

static int test_untrusted_root(void)
{
	tp_pki p, other;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	CHECK(tp_pki_new(&other, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .intermediates = 1 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&other);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED) &&
	    expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_SIG_POLICY);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	tp_pki_free(&other);
	return ok;
}

static int test_wrong_signer_key(void)
{
	EVP_PKEY *k = tp_key("EC", "P-256");
	evopt o = { .sign_with = k };
	int ok = run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED, CSRA_ERR_SIG_INVALID);
	EVP_PKEY_free(k);
	return ok;
}

static int test_rsa_too_small(void)
{
	return run("RSA", "1024", AK, -60, YEAR, &GOOD, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_RSA_TOO_SMALL);
}

static const uint8_t ALG_RSA_SHA256[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
static const uint8_t ALG_ECDSA_NULL[] = { 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x04, 0x03, 0x02, 0x05, 0x00 };
static const uint8_t ALG_UNKNOWN[] = { 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x04, 0x01,
	0x82, 0x37, 0x10 };
static const uint8_t ALG_MLDSA44[] = { 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x03, 0x11 };

static int test_alg_key_mismatch(void)
{
	evopt o = { .alg = ALG_RSA_SHA256, .alg_len = sizeof(ALG_RSA_SHA256) };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_ALG_KEY_MISMATCH);
}

static int test_alg_params_not_allowed(void)
{
	evopt o = { .alg = ALG_ECDSA_NULL, .alg_len = sizeof(ALG_ECDSA_NULL) };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_ALG_PARAMS);
}

/* RSASSA-PSS with every parameter defaulted means SHA-1: refused. */
static int test_pss_default_params(void)
{
	static const uint8_t pss_sha1[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
		0x0d, 0x01, 0x01, 0x0a, 0x30, 0x00 };
	evopt o = { .alg = pss_sha1, .alg_len = sizeof(pss_sha1) };
	return run("RSA", "2048", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_ALG_PARAMS);
}

static int test_alg_unknown(void)
{
	evopt o = { .alg = ALG_UNKNOWN, .alg_len = sizeof(ALG_UNKNOWN) };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_ALG_UNKNOWN);
}

/* ML-DSA is in the table; with OpenSSL before 3.5 it is unavailable, and
 * with a later one an EC key does not fit it. Either way, not accepted. */
static int test_alg_ml_dsa(void)
{
	evopt o = { .alg = ALG_MLDSA44, .alg_len = sizeof(ALG_MLDSA44) };
	EVP_PKEY_CTX *probe = EVP_PKEY_CTX_new_from_name(NULL, "ML-DSA-44", NULL);
	csra_err want = probe ? CSRA_ERR_SIG_ALG_KEY_MISMATCH : CSRA_ERR_SIG_ALG_UNAVAILABLE;
	EVP_PKEY_CTX_free(probe);
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED, want);
}

static int test_unsigned(void)
{
	evopt o = { .no_signer = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED, CSRA_ERR_EV_UNSIGNED);
}

static int test_version_2(void)
{
	evopt o = { .version = 2 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED, CSRA_ERR_EV_VERSION);
}

static int test_duplicate_transaction(void)
{
	evopt o = { .dup_transaction = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_DUPLICATE_TRANSACTION);
}

static int test_duplicate_platform(void)
{
	evopt o = { .two_platforms = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_DUPLICATE_PLATFORM);
}

static int test_duplicate_nonce(void)
{
	evopt o = { .dup_nonce = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_CLAIM_REPEATED);
}

static int test_claim_wrong_element(void)
{
	evopt o = { .nonce_in_platform = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_CLAIM_WRONG_ELEMENT);
}

/* The draft types each claim; the strict decoder refuses another type. */
static int test_claim_wrong_type(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	csra_evb *b = csra_evb_new();
	size_t pl, len, oid_len;
	uint8_t *der;
	const uint8_t *oid = csra_claim_oid(CSRA_CLAIM_FIPSBOOT, &oid_len);
	static const uint8_t integer[] = { 0x02, 0x01, 0x01 };
	csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl);
	csra_evb_add_raw(b, pl, oid, oid_len, integer, sizeof(integer));
	csra_evb_add_signer(b, p.ak_key, p.ak, CSRA_SID_CERT, NULL, 0);
	CHECK(csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, NULL, 0, CSRA_VERDICT_MALFORMED, CSRA_ERR_DER_UNEXPECTED_TAG);
	free(der);
	csra_evb_free(&b);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Signed Evidence of one platform element with |nclaims| raw claims
 * (type, whole value TLV); NULL on failure. */
static uint8_t *raw_platform_ev(const tp_pki *p, const csra_claim *types, const uint8_t *const *vals,
    const size_t *lens, size_t nclaims, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t pl, oid_len;
	uint8_t *der = NULL;
	csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl);
	for (size_t i = 0; i < nclaims; i++) {
		const uint8_t *oid = csra_claim_oid(types[i], &oid_len);
		csra_evb_add_raw(b, pl, oid, oid_len, vals[i], lens[i]);
	}
	if (csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0) != CSRA_OK ||
	    csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_evb_free(&b);
	return der;
}

/* A vendor "Trusted HSM Inc\0 (not really)" read as a C string passed for
 * "Trusted HSM Inc": U+0000 in text claims is refused. */
static int test_claim_text_nul(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	static const uint8_t nul[] = "\x0c\x1dTrusted HSM Inc\0 (not really)";
	const csra_claim t[] = { CSRA_CLAIM_VENDOR };
	const uint8_t *v[] = { nul };
	const size_t l[] = { sizeof(nul) - 1 };
	size_t len;
	uint8_t *der = raw_platform_ev(&p, t, v, l, 1, &len);
	csra_verifier *vf = verifier_for(&p);
	csra_result *r = NULL;
	CHECK(der != NULL && csra_verify_evidence(vf, der, len, NULL, 0, NULL, &r) == CSRA_OK);
	long i = csra_result_find(r, "claim.value", CSRA_ERR_EV_CLAIM_NUL);
	const char *path = NULL;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, NULL, NULL, NULL, &path) &&
	    strcmp(path, "tbs.reportedElements[0].claims[0]") == 0);
	csra_claim_value cv;
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED && !csra_result_platform_claim(r, CSRA_CLAIM_VENDOR, &cv));
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&vf);
	tp_pki_free(&p);
	return 1;
}

/* INTEGER claims of 2^63, -2^63-1 and 2^100 were CSRA_ERR_EV_INTEGER_RANGE:
 * the ASN.1 type is unbounded. Carried and shown exactly now; past 256
 * octets still refused. */
static int test_claim_big_integers(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	static const uint8_t p63[] = { 0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t m63[] = { 0x02, 0x09, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t p100[] = { 0x02, 0x0d, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	const csra_claim t[] = { CSRA_CLAIM_BOOTCOUNT, CSRA_CLAIM_UPTIME, CSRA_CLAIM_DBGSTAT };
	const uint8_t *v[] = { p63, m63, p100 };
	const size_t l[] = { sizeof(p63), sizeof(m63), sizeof(p100) };
	size_t len;
	uint8_t *der = raw_platform_ev(&p, t, v, l, 3, &len);
	csra_verifier *vf = verifier_for(&p);
	csra_result *r = NULL;
	CHECK(der != NULL && csra_verify_evidence(vf, der, len, NULL, 0, NULL, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	CHECK(!csra_result_has_failure(r, CSRA_ERR_EV_INTEGER_RANGE));
	csra_claim_value cv;
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_UPTIME, &cv) && cv.big && cv.negative &&
	    cv.len == 9 && memcmp(cv.bytes, m63 + 2, 9) == 0 && cv.integer == INT64_MIN);
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_DBGSTAT, &cv) && cv.big && !cv.negative && cv.len == 13);
	char *json = csra_result_json(r);
	CHECK(json != NULL && strstr(json, "\"bootcount\": \"9223372036854775808\"") &&
	    strstr(json, "\"uptime\": \"-9223372036854775809\"") &&
	    strstr(json, "\"dbgstat\": \"1267650600228229401496703205376\""));
	free(json);
	csra_result_free(&r);
	free(der);

	/* 257 octets: over the bound. */
	uint8_t huge[261] = { 0x02, 0x82, 0x01, 0x01, 0x01 };
	v[0] = huge;
	size_t hl[] = { sizeof(huge) };
	der = raw_platform_ev(&p, t, v, hl, 1, &len);
	CHECK(der != NULL && csra_verify_evidence(vf, der, len, NULL, 0, NULL, &r) == CSRA_OK);
	CHECK(csra_result_find(r, "claim.value", CSRA_ERR_EV_INTEGER_RANGE) >= 0);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&vf);
	tp_pki_free(&p);
	return 1;
}

/* More claims than CSRA_LIMIT_CLAIMS: refused before they are worked
 * through. */
static int test_claim_cap(void)
{
	evopt o = { 0 };
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	uint8_t *der = make_ev(&p, &o, &len);	/* 7 claims */
	csra_verifier *v = verifier_for(&p);
	CHECK(csra_verifier_set_limit(v, CSRA_LIMIT_CLAIMS, 7) == CSRA_OK);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	CHECK(csra_verifier_set_limit(v, CSRA_LIMIT_CLAIMS, 6) == CSRA_OK);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_LIMIT_CLAIMS);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	ok = ok && csra_result_find(r, "limit.claims", CSRA_ERR_LIMIT_CLAIMS) >= 0;
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_claim_without_value(void)
{
	evopt o = { .no_value = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_CLAIM_NO_VALUE);
}

static int test_fipslevel_range(void)
{
	evopt o5 = { .fipslevel = 5 }, o0 = { .fipslevel = -1 }, o4 = { .fipslevel = 4 };
	return run("EC", "P-256", AK, -60, YEAR, &o5, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_FIPSLEVEL_RANGE) &&
	    run("EC", "P-256", AK, -60, YEAR, &o0, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_FIPSLEVEL_RANGE) &&
	    run("EC", "P-256", AK, -60, YEAR, &o4, NONCE, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_key_without_identifier(void)
{
	evopt o = { .no_key_identifier = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_KEY_NO_IDENTIFIER);
}

static int test_key_identifier_shared(void)
{
	evopt o = { .dup_key_identifier = 1 };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_KEY_DUPLICATE_IDENTIFIER);
}

static int test_unknown_claim_lenient_and_strict(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .unknown_claim = 1 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_verifier_set_strict(v, 1);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_UNKNOWN_CLAIM);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Evidence made with |o| gets verdict |want| with check |name| as
 * |status| and |code| at |path|, strict or not. */
static int ev_check(const evopt *o, int strict, csra_verdict want, const char *name, csra_status status,
    csra_err code, const char *path)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	uint8_t *der = make_ev(&p, o, &len);
	CHECK(der != NULL);
	csra_verifier *v = verifier_for(&p);
	csra_verifier_set_strict(v, strict);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == want && tu_has_check(r, name, status, code, path);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* An element of a type the draft does not define is passed over, its
 * claims unread; under strict it refuses the Evidence. */
static int test_unknown_element_lenient_and_strict(void)
{
	evopt o = { .unknown_element = 1 };
	return ev_check(&o, 0, CSRA_VERDICT_VERIFIED, "evidence.unknown-element", CSRA_STATUS_SKIP, CSRA_OK,
	    "tbs.reportedElements[2]") &&
	    ev_check(&o, 1, CSRA_VERDICT_REJECTED, "evidence.unknown-element", CSRA_STATUS_FAIL,
	    CSRA_ERR_EV_UNKNOWN_ELEMENT, "tbs.reportedElements[2]");
}

/* A fipslevel too long for any integer type is out of range, not read
 * modulo anything. */
static int test_fipslevel_big(void)
{
	evopt o = { .fipslevel_big = 1 };
	return ev_check(&o, 0, CSRA_VERDICT_REJECTED, "claim.fipslevel", CSRA_STATUS_FAIL,
	    CSRA_ERR_EV_FIPSLEVEL_RANGE, "tbs.reportedElements[1].claims[2]");
}

/* ak-spki names the signer: bound. It names another key only: the signer
 * is not listed (draft-07 section 6: each signer's SPKI SHOULD match an
 * ak-spki) and the claim is backed by no block, under either policy. */
static int test_ak_spki_binding(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	evopt good = { .ak_spki = 1 }, other = { .ak_spki = 2 };
	csra_verifier *v = verifier_for(&p);
	uint8_t *der = make_ev(&p, &good, &len);
	int ok = expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.listed", CSRA_OK, PASS), W("claim.ak-spki", CSRA_OK, PASS),
	    W("claim.ak-spki-unique", CSRA_OK, PASS));
	free(der);
	der = make_ev(&p, &other, &len);
	for (int any = 0; any < 2; any++)
		ok = ok && expect_checks(v, any ? CSRA_SIG_ANY_TRUSTED : CSRA_SIG_ALL, der, len, NULL,
		    CSRA_VERDICT_REJECTED, W("signature.listed", CSRA_ERR_EV_SIGNER_NOT_LISTED, FAIL),
		    W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, FAIL),
		    W("signature.policy", CSRA_ERR_SIG_POLICY, FAIL));
	free(der);
	/* Without ak-spki nothing binds the signers: said, not failed. */
	der = make_ev(&p, &GOOD, &len);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.listed", CSRA_OK, SKIP), NO_CHECK, NO_CHECK);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Appends the TLV |tag| |c|/|n| at |out| (NULL: only measures); returns
 * its size. */
static size_t tlv(uint8_t *out, uint8_t tag, const uint8_t *c, size_t n)
{
	uint8_t h[6];
	size_t hl = 0;
	h[hl++] = tag;
	if (n < 0x80) {
		h[hl++] = (uint8_t)n;
	} else if (n < 0x100) {
		h[hl++] = 0x81;
		h[hl++] = (uint8_t)n;
	} else {
		h[hl++] = 0x82;
		h[hl++] = (uint8_t)(n >> 8);
		h[hl++] = (uint8_t)n;
	}
	if (out != NULL) {
		if (n)
			memmove(out + hl, c, n);	/* |c| may be |out|: wrapped in place */
		memcpy(out, h, hl);
	}
	return hl + n;
}

/* An ML-DSA-44 SubjectPublicKeyInfo (a key of random bytes): OpenSSL 3.0
 * cannot parse it. |out| holds 1334 bytes. */
static size_t mldsa_spki(uint8_t *out)
{
	uint8_t bits[1313], body[1400];
	bits[0] = 0;
	for (size_t i = 1; i < sizeof(bits); i++)
		bits[i] = (uint8_t)(i * 131 + 7);
	size_t n = sizeof(ALG_MLDSA44);
	memcpy(body, ALG_MLDSA44, n);
	n += tlv(body + n, 0x03, bits, sizeof(bits));
	return tlv(out, 0x30, body, n);
}

/* |der| with the SignatureBlock "SEQUENCE { sid [1] SPKI, ML-DSA-44,
 * signature }" appended, as a second AK's block would be. */
static uint8_t *add_mldsa_block(const uint8_t *der, size_t len, const uint8_t *spki, size_t spki_len,
    size_t *out_len)
{
	struct span ev, tbs, sigs;
	if (!span_at(der, der + len, &ev) || !span_child(&ev, 0, &tbs) || !span_child(&ev, 1, &sigs))
		return NULL;
	static uint8_t sig[100];
	uint8_t sid[1400], blk[1600], sigs2[4096];
	size_t n = tlv(sid, 0xa1, spki, spki_len);
	n = tlv(sid, 0x30, sid, n);
	memcpy(blk, sid, n);
	memcpy(blk + n, ALG_MLDSA44, sizeof(ALG_MLDSA44));
	n += sizeof(ALG_MLDSA44);
	n += tlv(blk + n, 0x04, sig, sizeof(sig));
	n = tlv(blk, 0x30, blk, n);
	if (sigs.clen + n > sizeof(sigs2))
		return NULL;
	memcpy(sigs2, sigs.c, sigs.clen);
	memcpy(sigs2 + sigs.clen, blk, n);
	size_t sl = tlv(NULL, 0x30, NULL, sigs.clen + n);
	const uint8_t *rest = sigs.p + sigs.len;
	size_t rest_len = (size_t)(ev.c + ev.clen - rest);
	size_t body_len = tbs.len + sl + rest_len;
	uint8_t *body = malloc(body_len), *out = malloc(body_len + 8);
	if (body == NULL || out == NULL) {
		free(body);
		free(out);
		return NULL;
	}
	memcpy(body, tbs.p, tbs.len);
	tlv(body + tbs.len, 0x30, sigs2, sigs.clen + n);
	memcpy(body + tbs.len + sl, rest, rest_len);
	*out_len = tlv(out, 0x30, body, body_len);
	free(body);
	return out;
}

/* Evidence listing the AK and a second key in ak-spki (|second|, a DER
 * SPKI), signed by the AK; |k2| (may be NULL) signs a second block with
 * its certificate |c2|, under algorithm |alg2| if not NULL. */
static uint8_t *make_two(const tp_pki *p, const uint8_t *second, size_t second_len, EVP_PKEY *k2,
    X509 *c2, const uint8_t *alg2, size_t alg2_len, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, k;
	uint8_t *der = NULL;
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(p->ak_key, &spki);
	if (n > 0 && csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_AK_SPKI, spki, (size_t)n) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_AK_SPKI, second, second_len) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k", 1) == CSRA_OK &&
	    csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    (k2 == NULL || csra_evb_add_signer(b, k2, c2, CSRA_SID_CERT, NULL, 0) == CSRA_OK) &&
	    (alg2 == NULL || csra_evb_set_signer_alg(b, 1, alg2, alg2_len) == CSRA_OK) &&
	    csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	OPENSSL_free(spki);
	csra_evb_free(&b);
	return der;
}

/* Evidence listing two AKs whose ECDSA block verified: the second block
 * stripped, under an unknown algorithm, or ML-DSA (which OpenSSL 3.0
 * cannot parse). any-trusted accepts it, warning that the second ak-spki
 * is unbacked (draft-07 "Detached Signatures": accept regardless of the
 * absence of certain signatures; section 6: an unbacked ak-spki is no
 * proof); all refuses it. */
static int test_ak_spki_second_ak_unverified(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	X509 *c2 = tp_cert("ak2", k2, p.inter, p.int_key, AK, -60, YEAR);
	unsigned char *s2 = NULL;
	int n2 = i2d_PUBKEY(k2, &s2);
	uint8_t ml[1400];
	size_t ml_len = mldsa_spki(ml);
	CHECK(c2 != NULL && n2 > 0);
	csra_verifier *v = verifier_for(&p);
	uint8_t *der[3];
	size_t lens[3] = { 0, 0, 0 }, blen = 0;
	der[0] = make_two(&p, s2, (size_t)n2, NULL, NULL, NULL, 0, &lens[0]);
	der[1] = make_two(&p, s2, (size_t)n2, k2, c2, ALG_UNKNOWN, sizeof(ALG_UNKNOWN), &lens[1]);
	uint8_t *base = make_two(&p, ml, ml_len, NULL, NULL, NULL, 0, &blen);
	der[2] = base ? add_mldsa_block(base, blen, ml, ml_len, &lens[2]) : NULL;
	free(base);
	int ok = 1;
	for (int c = 0; c < 3; c++) {
		ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der[c], lens[c], NULL, CSRA_VERDICT_VERIFIED,
		    W("claim.ak-spki", CSRA_OK, PASS), W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, WARN),
		    W("signature.policy", CSRA_OK, PASS));
		ok = ok && expect_checks(v, CSRA_SIG_ALL, der[c], lens[c], NULL, CSRA_VERDICT_REJECTED,
		    W("claim.ak-spki", CSRA_OK, PASS), W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, FAIL),
		    NO_CHECK);
		/* The second block's key is listed, whether it verified or not. */
		if (c > 0)
			ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der[c], lens[c], NULL,
			    CSRA_VERDICT_VERIFIED, W("signature.listed", CSRA_OK, PASS), NO_CHECK, NO_CHECK);
		/* OpenSSL 3.0 cannot parse the ML-DSA key; 3.5 can, and the
		 * made-up signature does not verify. */
		if (c == 2) {
			EVP_PKEY_CTX *probe = EVP_PKEY_CTX_new_from_name(NULL, "ML-DSA-44", NULL);
			struct want w = probe ? W("signature.value", CSRA_ERR_SIG_INVALID, WARN)
			    : W("signature.signer", CSRA_ERR_SIG_BAD_KEY, WARN);
			EVP_PKEY_CTX_free(probe);
			ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der[c], lens[c], NULL,
			    CSRA_VERDICT_VERIFIED, w, NO_CHECK, NO_CHECK);
		}
		if (c == 1)
			ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der[c], lens[c], NULL,
			    CSRA_VERDICT_VERIFIED, W("signature.algorithm", CSRA_ERR_SIG_ALG_UNKNOWN, WARN),
			    NO_CHECK, NO_CHECK);
		if (!ok)
			fprintf(stderr, "  case %d\n", c);
	}
	for (int c = 0; c < 3; c++)
		free(der[c]);
	OPENSSL_free(s2);
	X509_free(c2);
	EVP_PKEY_free(k2);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* "Each included claim MUST refer to a different attestation key": a
 * repeated ak-spki is refused whatever the signature policy. */
static int test_ak_spki_duplicate(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	unsigned char *s1 = NULL;
	int n1 = i2d_PUBKEY(p.ak_key, &s1);
	CHECK(n1 > 0);
	uint8_t *der = make_two(&p, s1, (size_t)n1, NULL, NULL, NULL, 0, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = 1;
	for (int any = 0; any < 2; any++)
		ok = ok && expect_checks(v, any ? CSRA_SIG_ANY_TRUSTED : CSRA_SIG_ALL, der, len, NULL,
		    CSRA_VERDICT_REJECTED, W("claim.ak-spki-unique", CSRA_ERR_EV_AK_SPKI_DUPLICATE, FAIL),
		    W("claim.ak-spki", CSRA_OK, PASS), W("signature.policy", CSRA_OK, PASS));
	free(der);
	OPENSSL_free(s1);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* A trusted block whose key no ak-spki lists, beside a listed one (a
 * counter-signature, or added in transit): all refuses, any-trusted
 * warns. Alone, it is refused by both: nothing the content names signed. */
static int test_signer_not_listed(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	X509 *c2 = tp_cert("counter-signer", k2, p.inter, p.int_key, AK, -60, YEAR);
	CHECK(c2 != NULL);
	csra_evb *b = csra_evb_new();
	size_t tx, k;
	uint8_t *der = NULL;
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(p.ak_key, &spki);
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_AK_SPKI, spki, (size_t)n) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k", 1) == CSRA_OK &&
	    csra_evb_add_signer(b, p.ak_key, p.ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_signer(b, k2, c2, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_evb_free(&b);
	csra_verifier *v = verifier_for(&p);
	int ok = expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("signature.listed", CSRA_ERR_EV_SIGNER_NOT_LISTED, FAIL),
	    W("signature.policy", CSRA_ERR_SIG_POLICY, FAIL), W("claim.ak-spki", CSRA_OK, PASS));
	ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.listed", CSRA_ERR_EV_SIGNER_NOT_LISTED, WARN),
	    W("signature.policy", CSRA_OK, PASS), W("signature.listed", CSRA_OK, PASS));
	free(der);
	/* Only the unlisted signer: the content names the AK, which did not sign. */
	b = csra_evb_new();
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_AK_SPKI, spki, (size_t)n) == CSRA_OK &&
	    csra_evb_add_signer(b, k2, c2, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_evb_free(&b);
	ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("signature.listed", CSRA_ERR_EV_SIGNER_NOT_LISTED, FAIL),
	    W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, FAIL),
	    W("signature.policy", CSRA_ERR_SIG_POLICY, FAIL));
	free(der);
	OPENSSL_free(spki);
	X509_free(c2);
	EVP_PKEY_free(k2);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_nonce(void)
{
	static const uint8_t other[] = { 1, 2, 3 };
	evopt none = { .no_nonce = 1, .timestamp = 1780000000 };
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	uint8_t *der = make_ev(&p, &GOOD, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, other, sizeof(other), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_NONCE_MISMATCH) &&
	    expect(v, der, len, NULL, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	der = make_ev(&p, &none, &len);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_NONCE_MISSING);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_timestamp_window(void)
{
	tp_pki p;
	size_t len;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	evopt fresh = { .timestamp = now - 30 }, stale = { .timestamp = now - 3600 };
	csra_verifier *v = verifier_for(&p);
	CHECK(csra_verifier_set_time(v, now) == CSRA_OK);
	CHECK(csra_verifier_set_timestamp_window(v, 300, 60) == CSRA_OK);
	uint8_t *der = make_ev(&p, &fresh, &len);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	der = make_ev(&p, &stale, &len);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_TIMESTAMP_WINDOW);
	free(der);
	der = make_ev(&p, &GOOD, &len);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_EV_TIMESTAMP_MISSING);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Huge windows are refused, not wrapped: LONG_MAX once overflowed
 * max_age + skew (UBSan). The largest accepted window, at the largest
 * verification time, still decides without overflow. */
static int test_timestamp_window_bounds(void)
{
	tp_pki p;
	size_t len;
	time_t now = time(NULL);
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	csra_verifier *v = verifier_for(&p);
	CHECK(csra_verifier_set_timestamp_window(v, LONG_MAX, 0) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_set_timestamp_window(v, 0, LONG_MAX) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_set_timestamp_window(v, LONG_MAX, LONG_MAX) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_set_timestamp_window(v, CSRA_TIMESTAMP_WINDOW_MAX + 1, 0) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verifier_set_timestamp_window(v, 0, -1) == CSRA_ERR_INVALID_ARGUMENT);
	/* Refused values left the window off. */
	evopt o = { .timestamp = now - 3600 };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	long i = csra_result_find(r, "freshness.timestamp", CSRA_OK);
	csra_status st;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, NULL, NULL) &&
	    st == CSRA_STATUS_SKIP);
	csra_result_free(&r);
	/* The widest window admits an hour-old timestamp. */
	CHECK(csra_verifier_set_timestamp_window(v, CSRA_TIMESTAMP_WINDOW_MAX,
	    CSRA_TIMESTAMP_WINDOW_MAX) == CSRA_OK);
	CHECK(csra_verifier_set_time(v, now) == CSRA_OK);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	/* At the end of time_t now + skew saturates: the timestamp is far
	 * outside the window, and nothing overflows on the way. */
	CHECK(csra_verifier_set_time(v, (time_t)INT64_MAX) == CSRA_OK);
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	CHECK(csra_result_find(r, "freshness.timestamp", CSRA_ERR_EV_TIMESTAMP_WINDOW) >= 0);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* keyId resolved through a certificate the caller supplied. */
static int test_keyid_signer_cert(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .sid = CSRA_SID_KEYID };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED,
	    CSRA_ERR_SIG_KEYID_UNKNOWN);
	csra_verifier_add_signer_cert(v, p.ak);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* A keyId signer whose certificate was offered only as untrusted (as
 * `openssl cms -certfile`): found by subject key identifier, and it must
 * still chain to a trust anchor. */
static int test_keyid_untrusted(void)
{
	tp_pki p, rogue;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	CHECK(tp_pki_new(&rogue, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .sid = CSRA_SID_KEYID };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	CHECK(csra_verifier_add_untrusted(v, p.ak) == CSRA_OK);
	int ok = expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.signer", CSRA_OK, PASS), W("ak.chain", CSRA_OK, PASS), NO_CHECK);
	csra_verifier_free(&v);
	/* The caller's certificates, as a request's bundle gives them. */
	v = csra_verifier_new();
	CHECK(csra_verifier_add_trust(v, p.root) == CSRA_OK);
	STACK_OF(X509) *extra = sk_X509_new_null();
	CHECK(extra && sk_X509_push(extra, p.inter) && sk_X509_push(extra, p.ak));
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, extra, CSRA_VERDICT_VERIFIED,
	    W("signature.signer", CSRA_OK, PASS), W("ak.chain", CSRA_OK, PASS), NO_CHECK);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("signature.signer", CSRA_ERR_SIG_KEYID_UNKNOWN, FAIL), NO_CHECK, NO_CHECK);
	sk_X509_free(extra);
	csra_verifier_free(&v);
	/* The same key certified by a CA not trusted: found, not trusted. */
	X509 *other = tp_cert("ak", p.ak_key, rogue.inter, rogue.int_key, AK, -60, YEAR);
	v = csra_verifier_new();
	CHECK(other && csra_verifier_add_trust(v, p.root) == CSRA_OK &&
	    csra_verifier_add_untrusted(v, rogue.inter) == CSRA_OK &&
	    csra_verifier_add_untrusted(v, other) == CSRA_OK);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("signature.signer", CSRA_OK, PASS), W("signature.value", CSRA_OK, PASS),
	    W("ak.chain", CSRA_ERR_AK_UNTRUSTED, FAIL));
	X509_free(other);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	tp_pki_free(&rogue);
	return ok;
}

/* A keyId beside a certificate must name the certificate's key (draft-07
 * section 6: a keyId's key MUST be obtained, or the block is unverifiable
 * and the Evidence rejected): by the certificate's SKI or a key the
 * caller supplied under it. Naming none, or another, fails the block. */
static int test_keyid_beside_cert(void)
{
	static const uint8_t bogus[] = { 'n', 'o', '-', 's', 'u', 'c', 'h' };
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	evopt ski = { .sid = CSRA_SID_CERT | CSRA_SID_KEYID };
	evopt named = { .sid = CSRA_SID_CERT | CSRA_SID_KEYID, .keyid = bogus, .keyid_len = sizeof(bogus) };
	csra_verifier *v = verifier_for(&p);
	uint8_t *der = make_ev(&p, &ski, &len);
	int ok = expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.keyid", CSRA_OK, PASS), W("signature.value", CSRA_OK, PASS), NO_CHECK);
	free(der);
	der = make_ev(&p, &named, &len);
	for (int any = 0; any < 2; any++)
		ok = ok && expect_checks(v, any ? CSRA_SIG_ANY_TRUSTED : CSRA_SIG_ALL, der, len, NULL,
		    CSRA_VERDICT_REJECTED, W("signature.keyid", CSRA_ERR_SIG_KEYID_UNMATCHED, FAIL),
		    W("signature.policy", CSRA_ERR_SIG_POLICY, FAIL), NO_CHECK);
	/* The keyId names a caller's key, but another one. */
	EVP_PKEY *k2 = tp_key("EC", "P-256");
	CHECK(csra_verifier_add_signer_key(v, k2, bogus, sizeof(bogus)) == CSRA_OK);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("signature.keyid", CSRA_ERR_SIG_KEYID_UNMATCHED, FAIL), NO_CHECK, NO_CHECK);
	csra_verifier_free(&v);
	/* The caller's key under that keyId is the certificate's: named. */
	v = verifier_for(&p);
	CHECK(csra_verifier_add_signer_key(v, p.ak_key, bogus, sizeof(bogus)) == CSRA_OK);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("signature.keyid", CSRA_OK, PASS), NO_CHECK, NO_CHECK);
	free(der);
	EVP_PKEY_free(k2);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* keyId resolved to a bare key the caller vouches for. */
static int test_keyid_caller_key(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	csra_evb *b = csra_evb_new();
	size_t k;
	uint8_t *der;
	static const uint8_t kid[] = { 'h', 's', 'm', '-', '1' };
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k);
	csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k", 1);
	csra_evb_add_signer(b, p.ak_key, NULL, CSRA_SID_KEYID, kid, sizeof(kid));
	CHECK(csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_verifier *v = csra_verifier_new();
	CHECK(csra_verifier_add_signer_key(v, p.ak_key, kid, sizeof(kid)) == CSRA_OK);
	int ok = expect(v, der, len, NULL, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	csra_evb_free(&b);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_spki_only_signer(void)
{
	evopt o = { .sid = CSRA_SID_SPKI };
	return run("EC", "P-256", AK, -60, YEAR, &o, NONCE, CSRA_VERDICT_REJECTED,
	    CSRA_ERR_AK_NOT_CERTIFIED);
}

static int test_cert_spki_disagree(void)
{
	EVP_PKEY *k = tp_key("EC", "P-256");
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	/* SPKI of |k| beside the AK's certificate: sign with |k|. */
	csra_evb *b = csra_evb_new();
	size_t kk;
	uint8_t *der;
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &kk);
	csra_evb_add_utf8(b, kk, CSRA_CLAIM_KEY_IDENTIFIER, "k", 1);
	X509 *fake = tp_cert("fake", k, p.inter, p.int_key, AK, -60, YEAR);
	csra_evb_add_signer(b, p.ak_key, fake, CSRA_SID_CERT | CSRA_SID_SPKI, NULL, 0);
	CHECK(csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, NULL, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_SIG_CERT_SPKI_MISMATCH);
	free(der);
	X509_free(fake);
	EVP_PKEY_free(k);
	csra_evb_free(&b);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* Intermediates in the Evidence (both taggings) or given by the caller
 * (an AttestationBundle's certs), not in the verifier. */
static int test_intermediates_sources(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	evopt none = { 0 }, implicit = { .intermediates = 1 }, explicit = { .intermediates = 1, .explicit_certs = 1 };
	uint8_t *der = make_ev(&p, &none, &len);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED);
	STACK_OF(X509) *extra = sk_X509_new_null();
	sk_X509_push(extra, p.inter);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), extra, &r) == CSRA_OK);
	ok = ok && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED;
	CHECK(csra_result_signer_count(r) == 1 && csra_result_signer_trusted(r, 0));
	CHECK(sk_X509_num(csra_result_signer_chain(r, 0)) == 3);
	csra_result_free(&r);
	sk_X509_free(extra);
	free(der);
	der = make_ev(&p, &implicit, &len);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	der = make_ev(&p, &explicit, &len);
	ok = ok && expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

/* A block added by an untrusted key, and the policies that judge it. */
static int test_signature_added(void)
{
	tp_pki p, rogue;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	CHECK(tp_pki_new(&rogue, "EC", "P-256", AK, -60, YEAR));
	evopt o = { .second_signer = rogue.ak_key, .second_cert = rogue.ak };
	uint8_t *der = make_ev(&p, &o, &len);
	csra_verifier *v = verifier_for(&p);
	int ok = expect(v, der, len, NONCE, sizeof(NONCE), CSRA_VERDICT_REJECTED, CSRA_ERR_SIG_POLICY);
	csra_verifier_set_sig_policy(v, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	ok = ok && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED;
	/* the rogue block is still reported */
	long i = csra_result_find(r, "ak.chain", CSRA_ERR_AK_UNTRUSTED);
	csra_status st;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, NULL, NULL) && st == CSRA_STATUS_WARN);
	CHECK(csra_result_signer_trusted(r, 0) && !csra_result_signer_trusted(r, 1));
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	tp_pki_free(&rogue);
	return ok;
}

/* A block stripped: the remaining one still verifies (detached
 * signatures). The ak-spki for the stripped key is then backed by no
 * block: any-trusted accepts with a warning (draft-07 "Detached
 * Signatures": accept regardless of the absence of certain signatures),
 * all refuses (every key the content names must have signed). */
static int test_signature_stripped(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	/* ak-spki names both keys; the intermediate's block is SPKI-only. */
	evopt both = { .ak_spki = 3, .second_signer = p.int_key, .second_cert = NULL };
	evopt stripped = { .ak_spki = 3 };
	csra_verifier *v = verifier_for(&p);
	uint8_t *der = make_ev(&p, &both, &len);
	int ok = expect_checks(v, CSRA_SIG_ANY_TRUSTED, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("claim.ak-spki", CSRA_OK, PASS), NO_CHECK, NO_CHECK);
	free(der);
	der = make_ev(&p, &stripped, &len);
	ok = ok && expect_checks(v, CSRA_SIG_ANY_TRUSTED, der, len, NULL, CSRA_VERDICT_VERIFIED,
	    W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, WARN), W("claim.ak-spki", CSRA_OK, PASS),
	    NO_CHECK);
	ok = ok && expect_checks(v, CSRA_SIG_ALL, der, len, NULL, CSRA_VERDICT_REJECTED,
	    W("claim.ak-spki", CSRA_ERR_EV_AK_SPKI_UNMATCHED, FAIL), W("signature.policy", CSRA_OK, PASS),
	    NO_CHECK);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return ok;
}

static int test_malformed_input(void)
{
	static const uint8_t junk[] = { 0x30, 0x80, 0x00, 0x00 };
	csra_verifier *v = csra_verifier_new();
	int ok = expect(v, junk, sizeof(junk), NULL, 0, CSRA_VERDICT_MALFORMED,
	    CSRA_ERR_DER_INDEFINITE_LENGTH);
	csra_verifier_free(&v);
	return ok;
}

static int test_typed_accessors_and_json(void)
{
	tp_pki p;
	size_t len;
	CHECK(tp_pki_new(&p, "EC", "P-256", AK, -60, YEAR));
	uint8_t *der = make_ev(&p, &GOOD, &len);
	csra_verifier *v = verifier_for(&p);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	csra_claim_value cv;
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_FIPSLEVEL, &cv) && cv.integer == 3);
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_FIPSBOOT, &cv) && cv.boolean == 1);
	CHECK(csra_result_transaction_claim(r, CSRA_CLAIM_NONCE, &cv) && cv.len == sizeof(NONCE));
	CHECK(csra_result_key_count(r) == 2);
	CHECK(csra_result_key_claim(r, 1, CSRA_CLAIM_KEY_IDENTIFIER, &cv) && cv.len == 5 &&
	    memcmp(cv.bytes, "key-2", 5) == 0);
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXTRACTABLE, &cv) && cv.boolean == 0);
	CHECK(!csra_result_key_claim(r, 1, CSRA_CLAIM_KEY_EXTRACTABLE, &cv));
	char *json = csra_result_json(r);
	CHECK(json != NULL && strstr(json, "\"verdict\": \"verified\"") != NULL);
	CHECK(strstr(json, "\"fipslevel\": 3") != NULL);
	free(json);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return 1;
}

/* Shared vectors ------------------------------------------------------ */

static X509 *load_cert(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/vectors/pkix-evidence/%s", CSRA_SHARED_DIR, rel);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

static int vector(const char *file, int supply_ak, csra_verdict verdict, csra_err code)
{
	X509 *ca = load_cert("ca.crt"), *in = load_cert("int.crt"), *ak = load_cert("ak.crt");
	size_t len;
	uint8_t *der = NULL;
	char rel[128];
	snprintf(rel, sizeof(rel), "vectors/pkix-evidence/%s", file);
	CHECK(ca && in && ak && tu_shared_der(rel, &der, &len));
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, ca);
	csra_verifier_add_untrusted(v, in);
	if (supply_ak)
		csra_verifier_add_signer_cert(v, ak);
	int ok = expect(v, der, len, NULL, 0, verdict, code);
	X509_free(ca);
	X509_free(in);
	X509_free(ak);
	free(der);
	csra_verifier_free(&v);
	return ok;
}

static int test_vector_evidence1(void)
{
	return vector("evidence1.pem", 0, CSRA_VERDICT_REJECTED, CSRA_ERR_SIG_KEYID_UNKNOWN) &&
	    vector("evidence1.pem", 1, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_vector_evidence2(void)
{
	/* its intermediate travels inside; the caller supplies only ca.crt */
	X509 *ca = load_cert("ca.crt");
	size_t len;
	uint8_t *der = NULL;
	CHECK(ca && tu_shared_der("vectors/pkix-evidence/evidence2.pem", &der, &len));
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, ca);
	static const uint8_t nonce[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };
	int ok = expect(v, der, len, nonce, sizeof(nonce), CSRA_VERDICT_VERIFIED, CSRA_OK);
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(v, der, len, nonce, sizeof(nonce), NULL, &r) == CSRA_OK);
	CHECK(csra_result_find(r, "claim.ak-spki", CSRA_OK) >= 0);
	csra_result_free(&r);
	X509_free(ca);
	free(der);
	csra_verifier_free(&v);
	return ok;
}

static int test_vector_evidence3(void)
{
	return vector("evidence3.pem", 0, CSRA_VERDICT_REJECTED, CSRA_ERR_EV_DUPLICATE_PLATFORM) &&
	    vector("evidence3.pem", 0, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED);
}

/* Keys imported from their parts are the keys d2i_PUBKEY gives; bad
 * ones are refused either way. */
static int spki_same(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	CHECK(n > 0);
	EVP_PKEY *got = csra_spki_pkey(NULL, der, (size_t)n);
	CHECK(got != NULL && EVP_PKEY_eq(got, k) == 1);
	EVP_PKEY_free(got);
	/* Trailing bytes or a short buffer: nothing. */
	unsigned char *longer = malloc((size_t)n + 1);
	memcpy(longer, der, (size_t)n);
	longer[n] = 0;
	CHECK(csra_spki_pkey(NULL, longer, (size_t)n + 1) == NULL);
	CHECK(csra_spki_pkey(NULL, der, (size_t)n - 1) == NULL);
	free(longer);
	OPENSSL_free(der);
	return 1;
}

static int test_spki_import(void)
{
	const char *algs[][2] = { { "EC", "P-256" }, { "EC", "P-384" }, { "EC", "P-521" }, { "RSA", "2048" },
		{ "ED25519", NULL } };
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		EVP_PKEY *k = tp_key(algs[i][0], algs[i][1]);
		CHECK(spki_same(k));
		EVP_PKEY_free(k);
	}
	/* A P-256 point off the curve. */
	EVP_PKEY *k = tp_key("EC", "P-256");
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	der[n - 1] ^= 1;
	CHECK(csra_spki_pkey(NULL, der, (size_t)n) == NULL);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	return 1;
}

/* Check messages are formatted as vsnprintf would, by csrattest's own
 * formatter for the common conversions and by vsnprintf for the rest. */
static int same_message(const char *want, const csra_result *r, size_t i)
{
	const char *got = NULL;
	CHECK(csra_result_check(r, i, NULL, NULL, NULL, &got, NULL));
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "  check %zu: got \"%s\", want \"%s\"\n", i, got, want);
		return 0;
	}
	return 1;
}

static void ref_format(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ref_format(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, 512, fmt, ap);	/* csra_result_add's limit */
	va_end(ap);
}

static int test_message_format(void)
{
	csra_result *r = csra_result_new();
	char want[600], longs[700];
	size_t i = 0;
	CHECK(r != NULL);
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
#define FMT_CASE(...) do { \
		ref_format(want, __VA_ARGS__); \
		CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", __VA_ARGS__)); \
		CHECK(same_message(want, r, i++)); \
	} while (0)
	FMT_CASE("plain %s and %d, %u, %zu", "text", -42, 4000000000u, (size_t)123456789);
	FMT_CASE("%d %d %d", 0, INT32_MIN, INT32_MAX);
	FMT_CASE("%ld %lu %lld %llu", -7L, 7UL, (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	FMT_CASE("100%% sure, %s%s", "", "end");
	const char *volatile absent = NULL;	/* hidden from -Wformat-overflow */
	FMT_CASE("%s", absent);			/* glibc: "(null)", never a crash */
	FMT_CASE("%s", longs);				/* truncated at 511 */
	FMT_CASE("%s %d", longs + 200, 99);		/* the number cut off */
	FMT_CASE("%s then a literal run past the end %d", longs + 200, 7);
	FMT_CASE("fallback %04x %.*s %c", 0xab, 3, "abcdef", 'z');
	FMT_CASE("%zu then %02x", (size_t)5, 7);	/* one odd conversion: all by vsnprintf */
#undef FMT_CASE
	csra_result_free(&r);
	return 1;
}

/* Messages reach terminals and logs: anything but printable ASCII, in the
 * format or in what it quotes, becomes '?'. */
static int test_message_sanitized(void)
{
	csra_result *r = csra_result_new();
	CHECK(r != NULL);
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "id %s end",
	    "\x1b[31mred\x7f caf\xc3\xa9\t~"));
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "bell\a %d", 5));
	CHECK(same_message("id ?[31mred? caf???~ end", r, 0));
	CHECK(same_message("bell? 5", r, 1));
	csra_result_free(&r);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_good_p256), TU(test_good_p384), TU(test_other_curves_refused), TU(test_good_rsa3072), TU(test_good_ed25519),
		TU(test_good_rsa_pss), TU(test_good_extra_eku), TU(test_missing_eku),
		TU(test_wrong_eku_only), TU(test_missing_digital_signature), TU(test_ak_repeated_extension), TU(test_expired_ak), TU(test_not_yet_valid_ak), TU(test_clock_evidence), TU(test_ak_is_ca),
		TU(test_configured_ak_eku),
		TU(test_untrusted_root), TU(test_wrong_signer_key), TU(test_rsa_too_small),
		TU(test_alg_key_mismatch), TU(test_alg_params_not_allowed), TU(test_pss_default_params), TU(test_alg_unknown),
		TU(test_alg_ml_dsa), TU(test_spki_import), TU(test_unsigned), TU(test_version_2),
		TU(test_duplicate_transaction), TU(test_duplicate_platform), TU(test_duplicate_nonce),
		TU(test_claim_wrong_element), TU(test_claim_wrong_type), TU(test_claim_without_value), TU(test_claim_text_nul),
		TU(test_claim_big_integers), TU(test_claim_cap),
		TU(test_fipslevel_range), TU(test_key_without_identifier),
		TU(test_key_identifier_shared), TU(test_unknown_claim_lenient_and_strict),
		TU(test_unknown_element_lenient_and_strict), TU(test_fipslevel_big),
		TU(test_ak_spki_binding), TU(test_ak_spki_second_ak_unverified),
		TU(test_ak_spki_duplicate), TU(test_signer_not_listed), TU(test_nonce), TU(test_timestamp_window), TU(test_timestamp_window_bounds),
		TU(test_keyid_signer_cert), TU(test_keyid_untrusted), TU(test_keyid_beside_cert),
		TU(test_keyid_caller_key), TU(test_spki_only_signer),
		TU(test_cert_spki_disagree), TU(test_intermediates_sources), TU(test_signature_added),
		TU(test_signature_stripped), TU(test_malformed_input), TU(test_typed_accessors_and_json),
		TU(test_vector_evidence1), TU(test_vector_evidence2), TU(test_vector_evidence3),
		TU(test_message_format), TU(test_message_sanitized),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
