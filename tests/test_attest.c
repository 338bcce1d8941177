/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attester side: signers (OpenSSL keys and callbacks), PKCS#10 and
 * CRMF signing, attestation requests, their processing under the draft's
 * rules with the exact error and where, claims files, and round trips of
 * what we produce and of the draft's samples through our encoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crmf.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_codec_int.h"
#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"
#include "csrattest/signer.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#include "CertReqMessages.h"
#include "CertificationRequest.h"
#include "Evidence.h"
#include "TbsEvidence.h"

#define T0 ((time_t)1798761600)	/* 2027-01-01T00:00:00Z */

/* What we produce decodes strictly as |pdu| and asn1c's DER encoder gives
 * back exactly its bytes. */
static int roundtrip(csra_pdu pdu, asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len)
{
	csra_decoded *d = NULL;
	CHECK(csra_decode(NULL, pdu, der, len, &d, NULL) == CSRA_OK);
	uint8_t *buf = malloc(len);
	CHECK(buf != NULL);
	asn_enc_rval_t er = der_encode_to_buffer(td, (void *)csra_decoded_asn1(d), buf, len);
	int same = er.encoded == (ssize_t)len && memcmp(buf, der, len) == 0;
	free(buf);
	csra_decoded_free(&d);
	CHECK(same);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Signers */

/* A callback signer backed by an OpenSSL key, as a token would sign: it
 * gets only the digest. |bad| makes it sign something else. */
struct cbkey {
	EVP_PKEY *key;
	int bad;
	csra_err fail;
	csra_sig_scheme seen;
};

static csra_err cb_sign(void *arg, csra_sig_scheme scheme, const EVP_MD *md, const uint8_t *digest,
    size_t dlen, uint8_t *sig, size_t *sig_len)
{
	struct cbkey *k = arg;
	k->seen = scheme;
	if (k->fail != CSRA_OK)
		return k->fail;
	uint8_t d[EVP_MAX_MD_SIZE];
	memcpy(d, digest, dlen);
	if (k->bad)
		d[0] ^= 1;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->key, NULL);
	int ok = c != NULL && EVP_PKEY_sign_init(c) == 1 && EVP_PKEY_CTX_set_signature_md(c, md) == 1;
	if (ok && scheme == CSRA_SCHEME_RSA_PSS)
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(c, (int)dlen) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) == 1;
	else if (ok && scheme == CSRA_SCHEME_RSA_PKCS1)
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
	ok = ok && EVP_PKEY_sign(c, sig, sig_len, d, dlen) == 1;
	EVP_PKEY_CTX_free(c);
	return ok ? CSRA_OK : CSRA_ERR_INTERNAL;
}

/* The public half of |k|, as a token's public key object gives it. */
static EVP_PKEY *public_of(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	const unsigned char *p = der;
	EVP_PKEY *pub = n > 0 ? d2i_PUBKEY(NULL, &p, n) : NULL;
	OPENSSL_free(der);
	return pub;
}

/* Signs "message" with |s| and checks the result with OpenSSL against the
 * algorithm |want_oid| (dotted) it reports. */
static int sign_and_check(csra_signer *s, EVP_PKEY *pub, const char *want_oid, int pss)
{
	static const uint8_t msg[] = "message";
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len, sig_len;
	CHECK(csra_signer_sign(s, msg, sizeof(msg), &alg, &alg_len, &sig, &sig_len) == CSRA_OK);
	const unsigned char *p = alg;
	X509_ALGOR *a = d2i_X509_ALGOR(NULL, &p, (long)alg_len);
	CHECK(a != NULL && p == alg + alg_len);
	const ASN1_OBJECT *obj;
	X509_ALGOR_get0(&obj, NULL, NULL, a);
	char dotted[64];
	OBJ_obj2txt(dotted, sizeof(dotted), obj, 1);
	CHECK(strcmp(dotted, want_oid) == 0);
	X509_ALGOR_free(a);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	CHECK(EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, pub) == 1);
	if (pss)
		CHECK(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1);
	CHECK(EVP_DigestVerify(ctx, sig, sig_len, msg, sizeof(msg)) == 1);
	EVP_MD_CTX_free(ctx);
	free(alg);
	free(sig);
	return 1;
}

static int test_signer_pkey_ec(void)
{
	EVP_PKEY *k = tp_key("EC", "P-256");
	csra_signer *s = csra_signer_new_pkey(k);
	CHECK(s != NULL && csra_signer_pubkey(s) == k);
	CHECK(sign_and_check(s, k, "1.2.840.10045.4.3.2", 0));
	CHECK(csra_signer_set_pss(s, EVP_sha256()) == CSRA_ERR_INVALID_ARGUMENT);
	csra_signer_free(&s);
	CHECK(s == NULL);
	csra_signer_free(&s);
	EVP_PKEY_free(k);
	return 1;
}

static int test_signer_callback_ec(void)
{
	struct cbkey ck = { tp_key("EC", "P-384"), 0, CSRA_OK, 0 };
	EVP_PKEY *pub = public_of(ck.key);
	csra_signer *s = csra_signer_new_fn(pub, cb_sign, &ck);
	CHECK(s != NULL);
	static const uint8_t msg[] = "m";
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len, sig_len;
	CHECK(csra_signer_sign(s, msg, 1, &alg, &alg_len, &sig, &sig_len) == CSRA_OK);
	CHECK(ck.seen == CSRA_SCHEME_ECDSA);
	/* ecdsa-with-SHA384 for P-384, no parameters. */
	CHECK(alg_len == 12 && memcmp(alg, "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03", 12) == 0);
	free(alg);
	free(sig);
	csra_signer_free(&s);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ck.key);
	return 1;
}

static int test_signer_callback_rsa_pkcs1_and_pss(void)
{
	struct cbkey ck = { tp_key("RSA", "2048"), 0, CSRA_OK, 0 };
	EVP_PKEY *pub = public_of(ck.key);
	csra_signer *s = csra_signer_new_fn(pub, cb_sign, &ck);
	CHECK(s != NULL);
	CHECK(sign_and_check(s, pub, "1.2.840.113549.1.1.11", 0));
	CHECK(ck.seen == CSRA_SCHEME_RSA_PKCS1);
	CHECK(csra_signer_set_pss(s, EVP_sha256()) == CSRA_OK);
	CHECK(sign_and_check(s, pub, "1.2.840.113549.1.1.10", 1));
	CHECK(ck.seen == CSRA_SCHEME_RSA_PSS);
	csra_signer_free(&s);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ck.key);
	return 1;
}

/* A token that signs the wrong digest is caught before the signature is
 * used; a token's own error comes back as it is. */
static int test_signer_callback_wrong_or_failing(void)
{
	struct cbkey ck = { tp_key("EC", "P-256"), 1, CSRA_OK, 0 };
	EVP_PKEY *pub = public_of(ck.key);
	csra_signer *s = csra_signer_new_fn(pub, cb_sign, &ck);
	uint8_t *alg = (uint8_t *)1, *sig = (uint8_t *)1;
	size_t alg_len, sig_len;
	CHECK(csra_signer_sign(s, (const uint8_t *)"m", 1, &alg, &alg_len, &sig, &sig_len) ==
	    CSRA_ERR_INTERNAL);
	CHECK(alg == NULL && sig == NULL);
	ck.bad = 0;
	ck.fail = CSRA_ERR_P11_PIN;
	CHECK(csra_signer_sign(s, (const uint8_t *)"m", 1, &alg, &alg_len, &sig, &sig_len) ==
	    CSRA_ERR_P11_PIN);
	csra_signer_free(&s);
	/* Not EC or RSA: a callback cannot sign EdDSA's whole message. */
	EVP_PKEY *ed = tp_key("ED25519", NULL);
	CHECK(csra_signer_new_fn(ed, cb_sign, &ck) == NULL);
	CHECK(csra_signer_new_fn(NULL, cb_sign, &ck) == NULL);
	CHECK(csra_signer_new_fn(pub, NULL, &ck) == NULL);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ck.key);
	return 1;
}

static X509_NAME *name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	return n;
}

static int test_x509_req_sign_callback(void)
{
	struct cbkey ck = { tp_key("EC", "P-256"), 0, CSRA_OK, 0 };
	EVP_PKEY *pub = public_of(ck.key);
	csra_signer *s = csra_signer_new_fn(pub, cb_sign, &ck);
	X509_REQ *req = X509_REQ_new();
	X509_NAME *n = name("code signer");
	CHECK(X509_REQ_set_subject_name(req, n) == 1);
	CHECK(csra_x509_req_sign(req, s) == CSRA_OK);
	CHECK(X509_REQ_verify(req, pub) == 1);
	unsigned char *der = NULL;
	int len = i2d_X509_REQ(req, &der);
	CHECK(len > 0 && roundtrip(CSRA_PDU_CERTIFICATION_REQUEST, &asn_DEF_CertificationRequest, der, (size_t)len));
	/* A token that signs wrongly leaves no signed request behind. */
	ck.bad = 1;
	CHECK(csra_x509_req_sign(req, s) == CSRA_ERR_INTERNAL);
	OPENSSL_free(der);
	X509_NAME_free(n);
	X509_REQ_free(req);
	csra_signer_free(&s);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ck.key);
	return 1;
}

static OSSL_CRMF_MSG *crmf_msg(EVP_PKEY *key)
{
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	X509_NAME *n = name("crmf signer");
	if (m == NULL || !OSSL_CRMF_MSG_set_certReqId(m, 0) ||
	    !OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), key, n, NULL, NULL)) {
		OSSL_CRMF_MSG_free(m);
		m = NULL;
	}
	X509_NAME_free(n);
	return m;
}

static int test_crmf_sign(void)
{
	struct cbkey ck = { tp_key("RSA", "2048"), 0, CSRA_OK, 0 };
	EVP_PKEY *pub = public_of(ck.key);
	csra_signer *s = csra_signer_new_fn(pub, cb_sign, &ck);
	CHECK(csra_signer_set_pss(s, EVP_sha256()) == CSRA_OK);
	OSSL_CRMF_MSG *m = crmf_msg(pub);
	uint8_t *der = NULL;
	size_t len;
	CHECK(csra_crmf_sign(m, s, &der, &len) == CSRA_OK);
	/* What a CA's CRMF code does with it. */
	const unsigned char *p = der;
	OSSL_CRMF_MSGS *msgs = d2i_OSSL_CRMF_MSGS(NULL, &p, (long)len);
	CHECK(msgs != NULL && OSSL_CRMF_MSGS_verify_popo(msgs, 0, 0, NULL, NULL) == 1);
	OSSL_CRMF_MSGS_free(msgs);
	CHECK(roundtrip(CSRA_PDU_CERT_REQ_MESSAGES, &asn_DEF_CertReqMessages, der, len));
	free(der);
	OSSL_CRMF_MSG_free(m);
	/* A template for another key: the POP would prove nothing. */
	EVP_PKEY *other = tp_key("EC", "P-256");
	m = crmf_msg(other);
	CHECK(csra_crmf_sign(m, s, &der, &len) == CSRA_ERR_INVALID_ARGUMENT && der == NULL);
	OSSL_CRMF_MSG_free(m);
	EVP_PKEY_free(other);
	csra_signer_free(&s);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ck.key);
	return 1;
}

/* ------------------------------------------------------------------ */
/* The attester */

struct fix {
	tp_pki pki;
	csra_attester *a;
	csra_verifier *v;
	EVP_PKEY *subject;
};

static csra_claim_value bval(int b)
{
	csra_claim_value v = { .type = CSRA_VALUE_BOOLEAN, .boolean = b };
	return v;
}

static csra_claim_value sval(csra_value_type t, const char *s)
{
	csra_claim_value v = { .type = t, .bytes = (const uint8_t *)s, .len = strlen(s) };
	return v;
}

/* An attester with a platform (vendor observed, fipslevel declared), one
 * key "k1" with its SPKI and protections, an AK certified by the test PKI
 * and its intermediate; and a verifier trusting the root at T0. */
static int fix_new(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	CHECK(tp_pki_new(&f->pki, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 3650));
	CHECK((f->a = csra_attester_new()) != NULL);
	CHECK(csra_attester_set_time(f->a, T0) == CSRA_OK);
	csra_claim_value v = sval(CSRA_VALUE_UTF8, "Example HSM Co");
	CHECK(csra_attester_set_platform(f->a, CSRA_CLAIM_VENDOR, &v, CSRA_SOURCE_OBSERVED) == CSRA_OK);
	csra_claim_value lvl = { .type = CSRA_VALUE_INTEGER, .integer = 3 };
	CHECK(csra_attester_set_platform(f->a, CSRA_CLAIM_FIPSLEVEL, &lvl, CSRA_SOURCE_DECLARED) == CSRA_OK);
	f->subject = tp_key("EC", "P-256");
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(f->subject, &spki);
	size_t k;
	CHECK(csra_attester_add_key(f->a, "k1", 2, &k) == CSRA_OK && k == 0);
	csra_claim_value sv = { .type = CSRA_VALUE_OCTETS, .bytes = spki, .len = (size_t)n };
	CHECK(csra_attester_set_key(f->a, k, CSRA_CLAIM_KEY_SPKI, &sv, CSRA_SOURCE_OBSERVED) == CSRA_OK);
	OPENSSL_free(spki);
	csra_claim_value f0 = bval(0), t1 = bval(1);
	CHECK(csra_attester_set_key(f->a, k, CSRA_CLAIM_KEY_EXTRACTABLE, &f0, CSRA_SOURCE_OBSERVED) == CSRA_OK);
	CHECK(csra_attester_set_key(f->a, k, CSRA_CLAIM_KEY_SENSITIVE, &t1, CSRA_SOURCE_OBSERVED) == CSRA_OK);
	csra_signer *s = csra_signer_new_pkey(f->pki.ak_key);
	CHECK(csra_attester_add_signer(f->a, s, f->pki.ak, CSRA_SID_CERT) == CSRA_OK);
	csra_signer_free(&s);
	CHECK(csra_attester_add_intermediate(f->a, f->pki.inter) == CSRA_OK);
	CHECK((f->v = csra_verifier_new()) != NULL);
	CHECK(csra_verifier_add_trust(f->v, f->pki.root) == CSRA_OK);
	return 1;
}

static void fix_free(struct fix *f)
{
	csra_attester_free(&f->a);
	csra_verifier_free(&f->v);
	EVP_PKEY_free(f->subject);
	tp_pki_free(&f->pki);
}

/* Verifies |ev| with |nonce| and requires VERIFIED. */
static int verified(struct fix *f, const uint8_t *ev, size_t len, const char *nonce, csra_result **out)
{
	csra_result *r = NULL;
	CHECK(csra_verify_evidence(f->v, ev, len, (const uint8_t *)nonce, nonce ? strlen(nonce) : 0, NULL,
	    &r) == CSRA_OK);
	if (csra_result_verdict(r) != CSRA_VERDICT_VERIFIED) {
		char *j = csra_result_json(r);
		fprintf(stderr, "%s\n", j);
		free(j);
		csra_result_free(&r);
		CHECK(0);
	}
	*out = r;
	return 1;
}

/* Finds report item |element|.|claim|; returns it or -1. */
static long item(const csra_attest_report *rep, const char *element, const char *claim, int *included,
    csra_claim_source *src)
{
	for (size_t i = 0; i < csra_attest_report_count(rep); i++) {
		const char *e, *c;
		csra_attest_report_item(rep, i, &e, &c, included, src, NULL);
		if (strcmp(e, element) == 0 && strcmp(c, claim) == 0)
			return (long)i;
	}
	return -1;
}

/* Appends a claim OID (dotted) with an optional raw value TLV, for
 * requests the public builder will not make. */
static int add_raw(csra_evb *b, size_t el, const char *dotted, const uint8_t *val, size_t len)
{
	uint8_t oid[32];
	size_t oid_len = 0;
	ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
	CHECK(o != NULL);
	oid_len = (size_t)OBJ_length(o);
	memcpy(oid, OBJ_get0_data(o), oid_len);
	ASN1_OBJECT_free(o);
	CHECK(csra_evb_add_raw(b, el, oid, oid_len, val, len) == CSRA_OK);
	return 1;
}

static int test_process_request(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	/* transaction {nonce, timestamp, ak-spki}, platform {vendor,
	 * fipslevel, hwserial (not held), an unknown claim}, key k1
	 * {extractable, local (not held)}. */
	static const csra_claim want[] = { CSRA_CLAIM_TIMESTAMP, CSRA_CLAIM_AK_SPKI, CSRA_CLAIM_VENDOR,
		CSRA_CLAIM_FIPSLEVEL, CSRA_CLAIM_HWSERIAL, CSRA_CLAIM_KEY_EXTRACTABLE, CSRA_CLAIM_KEY_LOCAL };
	const char *ids[] = { "k1" };
	uint8_t *req = NULL;
	size_t req_len;
	CHECK(csra_attest_request_new(want, 7, (const uint8_t *)"n0nce", 5, ids, 1, &req, &req_len) == CSRA_OK);
	uint8_t *ev = NULL;
	size_t ev_len;
	csra_attest_report *rep = NULL;
	csra_diag dg;
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, &dg) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, "n0nce", &r));
	/* What was asked and held is there; the rest is not. */
	csra_claim_value cv;
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_VENDOR, &cv) && cv.len == 14);
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_FIPSLEVEL, &cv) && cv.integer == 3);
	CHECK(!csra_result_platform_claim(r, CSRA_CLAIM_HWSERIAL, &cv));
	CHECK(csra_result_transaction_claim(r, CSRA_CLAIM_TIMESTAMP, &cv) && cv.time == T0);
	CHECK(csra_result_transaction_claim(r, CSRA_CLAIM_AK_SPKI, &cv));
	CHECK(csra_result_key_count(r) == 1);
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXTRACTABLE, &cv) && cv.boolean == 0);
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_IDENTIFIER, &cv) && cv.len == 2);
	/* Not requested, though held. */
	CHECK(!csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SPKI, &cv));
	CHECK(!csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SENSITIVE, &cv));
	/* The report says where each came from. */
	int inc;
	csra_claim_source src;
	CHECK(item(rep, "platform", "fipslevel", &inc, &src) >= 0 && inc && src == CSRA_SOURCE_DECLARED);
	CHECK(item(rep, "platform", "vendor", &inc, &src) >= 0 && inc && src == CSRA_SOURCE_OBSERVED);
	CHECK(item(rep, "platform", "hwserial", &inc, &src) >= 0 && !inc);
	CHECK(item(rep, "key[0]", "local", &inc, &src) >= 0 && !inc);
	CHECK(item(rep, "key[0]", "identifier", &inc, &src) >= 0 && inc && src == CSRA_SOURCE_PRESENTER);
	CHECK(item(rep, "transaction", "nonce", &inc, &src) >= 0 && src == CSRA_SOURCE_PRESENTER);
	CHECK(csra_attest_report_declared(rep));
	csra_result_free(&r);
	csra_attest_report_free(&rep);
	CHECK(rep == NULL);
	free(ev);
	free(req);
	fix_free(&f);
	return 1;
}

/* Everything held, with a nonce: the default when no request is given.
 * What we produce re-encodes byte for byte through asn1c. */
static int test_request_all_roundtrip(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	CHECK(csra_attester_request_all(f.a, (const uint8_t *)"abc", 3, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, NULL, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, "abc", &r));
	csra_claim_value cv;
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SPKI, &cv));
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SENSITIVE, &cv) && cv.boolean);
	csra_result_free(&r);
	CHECK(roundtrip(CSRA_PDU_EVIDENCE, &asn_DEF_Evidence, ev, ev_len));
	CHECK(roundtrip(CSRA_PDU_TBS_EVIDENCE, &asn_DEF_TbsEvidence, req, req_len));
	free(ev);
	free(req);
	fix_free(&f);
	return 1;
}

/* Two attestation keys, ECDSA by certificate and RSA-PSS by SPKI and
 * keyId: two signature blocks, each backed by its own ak-spki. */
static int test_two_signers(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	tp_pki rsa;
	CHECK(tp_pki_new(&rsa, "RSA", "3072", TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 3650));
	csra_signer *s = csra_signer_new_pkey(rsa.ak_key);
	CHECK(csra_signer_set_pss(s, EVP_sha384()) == CSRA_OK);
	CHECK(csra_attester_add_signer(f.a, s, rsa.ak, CSRA_SID_SPKI | CSRA_SID_KEYID | CSRA_SID_CERT) == CSRA_OK);
	csra_signer_free(&s);
	CHECK(csra_attester_add_intermediate(f.a, rsa.inter) == CSRA_OK);
	CHECK(csra_verifier_add_trust(f.v, rsa.root) == CSRA_OK);
	static const csra_claim want[] = { CSRA_CLAIM_AK_SPKI, CSRA_CLAIM_VENDOR };
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	CHECK(csra_attest_request_new(want, 2, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, NULL, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	CHECK(csra_result_signer_count(r) == 2);
	CHECK(csra_result_signer_trusted(r, 0) && csra_result_signer_trusted(r, 1));
	long first = csra_result_find(r, "claim.ak-spki", CSRA_OK);
	CHECK(first >= 0);
	size_t passes = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name;
		csra_status st;
		csra_result_check(r, i, &name, &st, NULL, NULL, NULL);
		passes += strcmp(name, "claim.ak-spki") == 0 && st == CSRA_STATUS_PASS;
	}
	CHECK(passes == 2);
	csra_result_free(&r);
	free(ev);
	free(req);
	tp_pki_free(&rsa);
	fix_free(&f);
	return 1;
}

/* One attestation key under two certificates signs two blocks, and is
 * reported in one ak-spki claim: the draft allows no two for one key. */
static int test_one_key_two_certs(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	X509 *again = tp_cert("ak again", f.pki.ak_key, f.pki.inter, f.pki.int_key, TP_DIGSIG | TP_EKU_AK,
	    -3600, 86400L * 3650);
	csra_signer *s = csra_signer_new_pkey(f.pki.ak_key);
	CHECK(again != NULL && csra_attester_add_signer(f.a, s, again, CSRA_SID_CERT) == CSRA_OK);
	csra_signer_free(&s);
	static const csra_claim want[] = { CSRA_CLAIM_AK_SPKI, CSRA_CLAIM_VENDOR };
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	CHECK(csra_attest_request_new(want, 2, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, NULL, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	CHECK(csra_result_signer_count(r) == 2);
	CHECK(csra_result_find(r, "claim.ak-spki-unique", CSRA_OK) >= 0);
	size_t claims = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name;
		csra_result_check(r, i, &name, NULL, NULL, NULL, NULL);
		claims += strcmp(name, "claim.ak-spki") == 0;
	}
	CHECK(claims == 1);
	csra_result_free(&r);
	free(ev);
	free(req);
	X509_free(again);
	fix_free(&f);
	return 1;
}

/* A key element without an identifier value asks for every key; the
 * identifier is reported anyway (the draft requires it). */
static int test_process_all_keys(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	size_t k;
	CHECK(csra_attester_add_key(f.a, "k2", 2, &k) == CSRA_OK && k == 1);
	static const csra_claim want[] = { CSRA_CLAIM_KEY_EXTRACTABLE };
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	csra_attest_report *rep = NULL;
	CHECK(csra_attest_request_new(want, 1, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	CHECK(csra_result_key_count(r) == 2);
	int inc;
	csra_claim_source src;
	CHECK(item(rep, "key[1]", "identifier", &inc, &src) >= 0 && inc && src == CSRA_SOURCE_ATTESTER);
	CHECK(item(rep, "key[1]", "extractable", &inc, &src) >= 0 && !inc);
	CHECK(!csra_attest_report_declared(rep));
	csra_result_free(&r);
	csra_attest_report_free(&rep);
	free(ev);
	free(req);
	fix_free(&f);
	return 1;
}

/* Processes the request |b| builds and expects |code| at |offset| (or
 * SIZE_MAX for "any") with |path| in the diag. */
static int refused(struct fix *f, csra_evb *b, csra_err code, const char *path)
{
	uint8_t *req = NULL, *ev = (uint8_t *)1;
	size_t req_len, ev_len;
	CHECK(csra_evb_tbs(b, &req, &req_len) == CSRA_OK);
	csra_attest_report *rep = (csra_attest_report *)1;
	csra_diag dg;
	csra_err e = csra_attester_process(f->a, req, req_len, &ev, &ev_len, &rep, &dg);
	if (e != code || dg.code != code || strstr(dg.path, path) == NULL)
		fprintf(stderr, "got %s at %zu %s\n", csra_err_name(e), dg.offset, dg.path);
	CHECK(e == code && dg.code == code);
	CHECK(strstr(dg.path, path) != NULL);
	CHECK(dg.offset < req_len);
	CHECK(ev == NULL && rep == NULL);
	free(req);
	csra_evb_free(&b);
	return 1;
}

/* Without a value the unknown claim is left out, and listed. */
static int test_unknown_claim_without_value_left_out(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	csra_evb *b = csra_evb_new();
	size_t el;
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK);
	CHECK(add_raw(b, el, "1.3.6.1.4.1.32473.7.2", NULL, 0));
	CHECK(csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK);
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	CHECK(csra_evb_tbs(b, &req, &req_len) == CSRA_OK);
	csra_attest_report *rep = NULL;
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, NULL) == CSRA_OK);
	int inc;
	CHECK(item(rep, "platform", "1.3.6.1.4.1.32473.7.2", &inc, NULL) >= 0 && !inc);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	CHECK(csra_result_key_count(r) == 0);	/* no key was requested */
	csra_result_free(&r);
	csra_attest_report_free(&rep);
	free(ev);
	free(req);
	csra_evb_free(&b);
	fix_free(&f);
	return 1;
}

/* An element whose requested claims are all unknown to the attester is
 * left out (an element without claims is not DER); with nothing left at
 * all the request is refused. */
static int test_unheld_elements_left_out(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	static const csra_claim want[] = { CSRA_CLAIM_SWNAME, CSRA_CLAIM_TIMESTAMP };
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	csra_attest_report *rep = NULL;
	CHECK(csra_attest_request_new(want, 2, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	csra_claim_value cv;
	CHECK(csra_result_transaction_claim(r, CSRA_CLAIM_TIMESTAMP, &cv));
	CHECK(!csra_result_platform_claim(r, CSRA_CLAIM_SWNAME, &cv));
	int inc;
	CHECK(item(rep, "platform", "swname", &inc, NULL) >= 0 && !inc);
	csra_result_free(&r);
	csra_attest_report_free(&rep);
	free(ev);
	free(req);
	csra_diag dg;
	CHECK(csra_attest_request_new(want, 1, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, &dg) == CSRA_ERR_ATTREQ_NOTHING);
	CHECK(ev == NULL && rep == NULL && dg.code == CSRA_ERR_ATTREQ_NOTHING && dg.offset == 0);
	free(req);
	fix_free(&f);
	return 1;
}

/* Requests the processing rules refuse, each built by hand (the public
 * builder will not make most of them), with the error and where. */
static int b_unknown_element(csra_evb *b)
{
	size_t el;
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK);
	CHECK(csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK);
	CHECK(csra_evb_add_element_oid(b, (const uint8_t *)"\x2b\x06\x01\x04\x01\x81\xfd\x59\x07", 9, &el) ==
	    CSRA_OK);
	return add_raw(b, el, "1.3.6.1.4.1.32473.7.1", NULL, 0);
}

static int b_unknown_claim_with_value(csra_evb *b)
{
	size_t el;
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK);
	CHECK(csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK);
	return add_raw(b, el, "1.3.6.1.4.1.32473.7.2", (const uint8_t *)"\x05\x00", 2);
}

static int b_value_for_attester_claim(csra_evb *b)
{
	size_t el;
	return csra_evb_add_element(b, CSRA_ELEMENT_KEY, &el) == CSRA_OK &&
	    csra_evb_add_utf8(b, el, CSRA_CLAIM_KEY_IDENTIFIER, "k1", 2) == CSRA_OK &&
	    csra_evb_add_bool(b, el, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK;
}

static int b_missing_key(csra_evb *b)
{
	size_t el;
	return csra_evb_add_element(b, CSRA_ELEMENT_KEY, &el) == CSRA_OK &&
	    csra_evb_add_utf8(b, el, CSRA_CLAIM_KEY_IDENTIFIER, "nope", 4) == CSRA_OK;
}

static int b_duplicate_platform(csra_evb *b)
{
	size_t el;
	for (int i = 0; i < 2; i++)
		CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK &&
		    csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK);
	return 1;
}

static int b_repeated_claim(csra_evb *b)
{
	size_t el;
	return csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK &&
	    csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK &&
	    csra_evb_add_empty(b, el, CSRA_CLAIM_VENDOR) == CSRA_OK;
}

static int b_nonce_without_value(csra_evb *b)
{
	size_t el;
	return csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &el) == CSRA_OK &&
	    csra_evb_add_empty(b, el, CSRA_CLAIM_NONCE) == CSRA_OK;
}

/* add_empty checks nothing about elements: a request may be wrong. */
static int b_claim_of_other_element(csra_evb *b)
{
	size_t el;
	return csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el) == CSRA_OK &&
	    csra_evb_add_empty(b, el, CSRA_CLAIM_KEY_SENSITIVE) == CSRA_OK;
}

static int b_key_twice(csra_evb *b)
{
	size_t el;
	for (int i = 0; i < 2; i++)
		CHECK(csra_evb_add_element(b, CSRA_ELEMENT_KEY, &el) == CSRA_OK &&
		    csra_evb_add_utf8(b, el, CSRA_CLAIM_KEY_IDENTIFIER, "k1", 2) == CSRA_OK);
	return 1;
}

static int test_refusals(void)
{
	static const struct {
		int (*build)(csra_evb *);
		csra_err code;
		const char *path;
	} cases[] = {
		{ b_unknown_element, CSRA_ERR_ATTREQ_UNKNOWN_ELEMENT,
		  "reportedElements[1].elementType (1.3.6.1.4.1.32473.7)" },
		{ b_unknown_claim_with_value, CSRA_ERR_ATTREQ_UNKNOWN_CLAIM, "reportedElements[0].claims[1].value" },
		{ b_value_for_attester_claim, CSRA_ERR_ATTREQ_VALUE,
		  "reportedElements[0].claims[1].value (extractable)" },
		{ b_missing_key, CSRA_ERR_ATTREQ_NO_KEY, "reportedElements[0].claims (identifier)" },
		{ b_duplicate_platform, CSRA_ERR_ATTREQ_DUPLICATE, "reportedElements[1] (a second platform element)" },
		{ b_repeated_claim, CSRA_ERR_ATTREQ_DUPLICATE, "claims[1] (vendor again)" },
		{ b_nonce_without_value, CSRA_ERR_ATTREQ_NONCE, "reportedElements[0].claims[0] (nonce)" },
		{ b_claim_of_other_element, CSRA_ERR_ATTREQ_WRONG_ELEMENT,
		  "claims[0].claimType (sensitive in a platform element)" },
		{ b_key_twice, CSRA_ERR_ATTREQ_DUPLICATE, "reportedElements[1] (a key already reported)" },
	};
	struct fix f;
	CHECK(fix_new(&f));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		csra_evb *b = csra_evb_new();
		if (!cases[i].build(b) || !refused(&f, b, cases[i].code, cases[i].path)) {
			fprintf(stderr, "case %zu (%s)\n", i, csra_err_name(cases[i].code));
			fix_free(&f);
			return 0;
		}
	}
	fix_free(&f);
	return 1;
}

static int test_refuse_no_signer_and_bad_der(void)
{
	csra_attester *a = csra_attester_new();
	uint8_t *req = NULL, *ev = (uint8_t *)1;
	size_t req_len, ev_len;
	static const csra_claim want[] = { CSRA_CLAIM_VENDOR };
	CHECK(csra_attest_request_new(want, 1, NULL, 0, NULL, 0, &req, &req_len) == CSRA_OK);
	csra_diag dg;
	CHECK(csra_attester_process(a, req, req_len, &ev, &ev_len, NULL, &dg) == CSRA_ERR_ATTREQ_NO_SIGNER);
	CHECK(ev == NULL);
	/* Truncated: the strict decoder's error and offset. */
	CHECK(csra_attester_process(a, req, req_len - 1, &ev, &ev_len, NULL, &dg) == CSRA_ERR_DER_TRUNCATED);
	CHECK(dg.code == CSRA_ERR_DER_TRUNCATED && dg.offset != SIZE_MAX);
	/* A signed Evidence is not a request. */
	req[0] = 0x31;
	CHECK(csra_attester_process(a, req, req_len, &ev, &ev_len, NULL, &dg) == CSRA_ERR_DER_UNEXPECTED_TAG);
	CHECK(dg.offset == 0);
	free(req);
	csra_attester_free(&a);
	CHECK(a == NULL);
	return 1;
}

/* Claims the attester will not hold: wrong element, wrong type,
 * identifier through set_key, a transaction claim. */
static int test_attester_argument_checks(void)
{
	csra_attester *a = csra_attester_new();
	csra_claim_value b1 = bval(1), s = sval(CSRA_VALUE_UTF8, "x");
	size_t k;
	CHECK(csra_attester_set_platform(a, CSRA_CLAIM_KEY_SENSITIVE, &b1, CSRA_SOURCE_OBSERVED) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_set_platform(a, CSRA_CLAIM_VENDOR, &b1, CSRA_SOURCE_OBSERVED) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_set_platform(a, CSRA_CLAIM_NONCE, &s, CSRA_SOURCE_OBSERVED) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_set_platform(a, CSRA_CLAIM_VENDOR, &s, CSRA_SOURCE_PRESENTER) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_add_key(a, "k", 1, &k) == CSRA_OK);
	CHECK(csra_attester_add_key(a, "k", 1, &k) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_set_key(a, k, CSRA_CLAIM_KEY_IDENTIFIER, &s, CSRA_SOURCE_OBSERVED) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attester_set_key(a, k + 1, CSRA_CLAIM_KEY_SENSITIVE, &b1, CSRA_SOURCE_OBSERVED) ==
	    CSRA_ERR_INVALID_ARGUMENT);
	/* An AK certificate that is not the signer's. */
	tp_pki pki;
	CHECK(tp_pki_new(&pki, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 3600));
	csra_signer *sg = csra_signer_new_pkey(pki.int_key);
	CHECK(csra_attester_add_signer(a, sg, pki.ak, CSRA_SID_CERT) == CSRA_ERR_INVALID_ARGUMENT);
	csra_signer_free(&sg);
	tp_pki_free(&pki);
	csra_attester_free(&a);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Claims files */

static int load(csra_attester *a, const char *json, csra_err want, const char *err_has)
{
	char err[256];
	csra_err e = csra_attester_load_claims(a, json, strlen(json), CSRA_SOURCE_DECLARED, err, sizeof(err));
	if (e != want || (err_has != NULL && strstr(err, err_has) == NULL))
		fprintf(stderr, "got %s: %s\n", csra_err_name(e), err);
	CHECK(e == want);
	CHECK(err_has == NULL || strstr(err, err_has) != NULL);
	return 1;
}

/* The draft's name dbgstat; debugstat still read, with a warning back in
 * |err|; U+0000 in text refused on the attester's side too. */
static int test_claims_file_names(void)
{
	csra_attester *a = csra_attester_new();
	char err[256];
	csra_claim_value v;
	csra_claim_source src;
	CHECK(a != NULL);
	static const char js[] = "{\"platform\": {\"dbgstat\": 2}}";
	CHECK(csra_attester_load_claims(a, js, strlen(js), CSRA_SOURCE_DECLARED, err, sizeof(err)) == CSRA_OK);
	CHECK(err[0] == '\0');
	CHECK(csra_attester_get_platform(a, CSRA_CLAIM_DBGSTAT, &v, &src) && v.integer == 2);
	static const char old[] = "{\"platform\": {\"debugstat\": 1}}";
	CHECK(csra_attester_load_claims(a, old, strlen(old), CSRA_SOURCE_DECLARED, err, sizeof(err)) == CSRA_OK);
	CHECK(strstr(err, "$.platform.debugstat: \"debugstat\" is the old name of \"dbgstat\"") != NULL);
	CHECK(csra_attester_get_platform(a, CSRA_CLAIM_DBGSTAT, &v, &src) && v.integer == 1);
	CHECK(load(a, "{\"platform\": {\"vendor\": \"Trusted HSM Inc\\u0000 (not really)\"}}",
	    CSRA_ERR_CLAIMS_FILE, "$.platform.vendor: NUL in a string"));
	CHECK(!csra_attester_get_platform(a, CSRA_CLAIM_VENDOR, &v, &src));
	int o = -1;
	CHECK(csra_claim_from_name("dbgstat", &o) == CSRA_CLAIM_DBGSTAT && o == 0);
	CHECK(csra_claim_from_name("debugstat", &o) == CSRA_CLAIM_DBGSTAT && o == 1);
	CHECK(csra_claim_from_name("debug", &o) == CSRA_CLAIM_UNKNOWN && o == 0);
	CHECK(strcmp(csra_claim_get(CSRA_CLAIM_DBGSTAT)->name, "dbgstat") == 0);
	csra_attester_free(&a);
	return 1;
}

static int test_claims_file(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	csra_attester_free(&f.a);
	CHECK((f.a = csra_attester_new()) != NULL);
	CHECK(csra_attester_set_time(f.a, T0) == CSRA_OK);
	CHECK(load(f.a,
	    "{\"platform\": {\"vendor\": \"Acme\", \"hwmodel\": {\"hex\": \"0a0B\"}, \"fipsboot\": true,"
	    " \"fipslevel\": 3},"
	    " \"keys\": [{\"identifier\": \"k9\", \"extractable\": false, \"purpose\": [\"sign\", \"verify\"],"
	    " \"expiry\": \"2028-02-29T12:00:00Z\", \"spki\": {\"base64\": \"MAA=\"}}]}",
	    CSRA_OK, NULL));
	size_t k;
	CHECK(csra_attester_find_key(f.a, "k9", 2, &k) && k == 0);
	csra_signer *s = csra_signer_new_pkey(f.pki.ak_key);
	CHECK(csra_attester_add_signer(f.a, s, f.pki.ak, CSRA_SID_CERT) == CSRA_OK);
	csra_signer_free(&s);
	CHECK(csra_attester_add_intermediate(f.a, f.pki.inter) == CSRA_OK);
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len, ev_len;
	csra_attest_report *rep = NULL;
	CHECK(csra_attester_request_all(f.a, NULL, 0, &req, &req_len) == CSRA_OK);
	CHECK(csra_attester_process(f.a, req, req_len, &ev, &ev_len, &rep, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(verified(&f, ev, ev_len, NULL, &r));
	csra_claim_value cv;
	CHECK(csra_result_platform_claim(r, CSRA_CLAIM_HWMODEL, &cv) && cv.len == 2 && cv.bytes[1] == 0x0b);
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_PURPOSE, &cv) &&
	    cv.purposes == (CSRA_PURPOSE_SIGN | CSRA_PURPOSE_VERIFY));
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXPIRY, &cv) && cv.time == (time_t)1835438400);
	CHECK(csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SPKI, &cv) && cv.len == 2);
	CHECK(csra_attest_report_declared(rep));
	csra_result_free(&r);
	csra_attest_report_free(&rep);
	free(ev);
	free(req);
	fix_free(&f);
	return 1;
}

static int test_claims_file_errors(void)
{
	csra_attester *a = csra_attester_new();
	CHECK(load(a, "{\"platform\": {\"vendor\": 3}}", CSRA_ERR_CLAIMS_FILE, "$.platform.vendor: expected a string"));
	CHECK(load(a, "{\"platform\": {\"colour\": 3}}", CSRA_ERR_CLAIMS_FILE, "$.platform.colour: not a platform claim"));
	CHECK(load(a, "{\"platform\": {\"nonce\": \"x\"}}", CSRA_ERR_CLAIMS_FILE, "$.platform.nonce"));
	CHECK(load(a, "{\"platfrom\": {}}", CSRA_ERR_CLAIMS_FILE, "$.platfrom: unknown member"));
	CHECK(load(a, "{\"keys\": [{\"extractable\": false}]}", CSRA_ERR_CLAIMS_FILE, "$.keys[0]: expected an object"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\"}, {\"identifier\": \"a\"}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[1].identifier: used by $.keys[0]"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"expiry\": \"2027-02-30T00:00:00Z\"}]}",
	    CSRA_ERR_CLAIMS_FILE, "$.keys[0].expiry: expected a UTC time"));
	/* One spelling: sscanf would have read " 1" as the first. */
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"expiry\": \"2027-02- 1T00:00:00Z\"}]}",
	    CSRA_ERR_CLAIMS_FILE, "$.keys[0].expiry: expected a UTC time"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"purpose\": [\"sing\"]}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[0].purpose[0]: not a capability"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"spki\": {\"base64\": \"M\"}}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[0].spki: not base64"));
	/* One spelling per value: no pad bits, no whitespace. */
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"spki\": {\"base64\": \"MAB=\"}}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[0].spki: not base64"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"spki\": {\"base64\": \"MA A=\"}}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[0].spki: not base64"));
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"a\", \"spki\": {\"hex\": \"abc\"}}]}", CSRA_ERR_CLAIMS_FILE,
	    "$.keys[0].spki: not hexadecimal"));
	CHECK(load(a, "{\"platform\": {\"fipsboot\": 1}}", CSRA_ERR_CLAIMS_FILE, "expected true or false"));
	CHECK(load(a, "{\"platform\": {\"vendor\": \"a\", \"vendor\": \"b\"}}", CSRA_ERR_CLAIMS_FILE, "line 1"));
	CHECK(load(a, "[1]", CSRA_ERR_CLAIMS_FILE, "$: expected an object"));
	/* A good key first, a bad claim later: nothing is applied. */
	CHECK(load(a, "{\"keys\": [{\"identifier\": \"good\"}, {\"identifier\": \"b\", \"local\": \"yes\"}]}",
	    CSRA_ERR_CLAIMS_FILE, "$.keys[1].local"));
	CHECK(csra_attester_key_count(a) == 0);
	csra_attester_free(&a);
	return 1;
}

/* A declaration never replaces an observation; it may add what the
 * device does not report, and says so. */
static int test_declared_never_replaces_observed(void)
{
	struct fix f;
	CHECK(fix_new(&f));
	CHECK(load(f.a, "{\"platform\": {\"vendor\": \"Someone Else\"}}", CSRA_ERR_CLAIMS_FILE,
	    "$.platform.vendor: the device reports this claim"));
	CHECK(load(f.a, "{\"keys\": [{\"identifier\": \"k1\", \"extractable\": true}]}", CSRA_ERR_CLAIMS_FILE,
	    "key k1: extractable: the device reports this claim"));
	csra_claim_value v;
	csra_claim_source src;
	CHECK(csra_attester_get_platform(f.a, CSRA_CLAIM_VENDOR, &v, &src) && src == CSRA_SOURCE_OBSERVED &&
	    v.len == 14 && memcmp(v.bytes, "Example HSM Co", 14) == 0);
	CHECK(csra_attester_get_key(f.a, 0, CSRA_CLAIM_KEY_EXTRACTABLE, &v, &src) && v.boolean == 0);
	/* fipslevel was declared already: declaring it again replaces it. */
	CHECK(load(f.a, "{\"platform\": {\"fipslevel\": 2}, \"keys\": [{\"identifier\": \"k1\","
	    " \"expiry\": \"2030-01-01T00:00:00Z\"}]}", CSRA_OK, NULL));
	CHECK(csra_attester_get_platform(f.a, CSRA_CLAIM_FIPSLEVEL, &v, &src) && v.integer == 2 &&
	    src == CSRA_SOURCE_DECLARED);
	CHECK(csra_attester_get_key(f.a, 0, CSRA_CLAIM_KEY_EXPIRY, &v, &src) && src == CSRA_SOURCE_DECLARED);
	CHECK(!csra_attester_get_key(f.a, 0, CSRA_CLAIM_KEY_LOCAL, &v, &src));
	CHECK(!csra_attester_get_key(f.a, 5, CSRA_CLAIM_KEY_EXPIRY, &v, &src));
	fix_free(&f);
	return 1;
}

/* ------------------------------------------------------------------ */
/* The draft's samples through our encoder */

/* Rebuilds the TbsEvidence of each shared sample with csra_evb, element by
 * element and claim by claim (values as received), and requires the
 * sample's bytes: our encoder frames Evidence exactly as the draft does. */
static int test_samples_through_encoder(void)
{
	const char *files[] = { "evidence1.pem", "evidence2.pem", "evidence3.pem" };
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		uint8_t *der;
		size_t len;
		snprintf(rel, sizeof(rel), "vectors/pkix-evidence/%s", files[i]);
		CHECK(tu_shared_der(rel, &der, &len));
		csra_decoded *d;
		CHECK(csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, NULL) == CSRA_OK);
		const Evidence_t *ev = csra_decoded_asn1(d);
		csra_evb *b = csra_evb_new();
		long version;
		CHECK(asn_INTEGER2long(&ev->tbs.version, &version) == 0);
		CHECK(csra_evb_set_version(b, version) == CSRA_OK);
		for (int e = 0; e < ev->tbs.reportedElements.list.count; e++) {
			const ReportedElement_t *re = ev->tbs.reportedElements.list.array[e];
			size_t el;
			CHECK(csra_evb_add_element_oid(b, re->elementType.buf, (size_t)re->elementType.size, &el) ==
			    CSRA_OK);
			for (int c = 0; c < re->claims.list.count; c++) {
				const ReportedClaim_t *rc = re->claims.list.array[c];
				CHECK(csra_evb_add_raw(b, el, rc->claimType.buf, (size_t)rc->claimType.size,
				    rc->value ? rc->value->buf : NULL, rc->value ? (size_t)rc->value->size : 0) == CSRA_OK);
			}
		}
		uint8_t *tbs = NULL;
		size_t tbs_len;
		CHECK(csra_evb_tbs(b, &tbs, &tbs_len) == CSRA_OK);
		/* The sample's TbsEvidence: the first element inside Evidence. */
		size_t hdr = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
		CHECK(tbs_len < len - hdr && memcmp(tbs, der + hdr, tbs_len) == 0);
		CHECK(der[hdr + tbs_len] == 0x30);	/* signatures follow */
		free(tbs);
		csra_evb_free(&b);
		csra_decoded_free(&d);
		free(der);
	}
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_signer_pkey_ec), TU(test_signer_callback_ec), TU(test_signer_callback_rsa_pkcs1_and_pss),
		TU(test_signer_callback_wrong_or_failing), TU(test_x509_req_sign_callback), TU(test_crmf_sign),
		TU(test_process_request), TU(test_request_all_roundtrip), TU(test_process_all_keys), TU(test_two_signers), TU(test_one_key_two_certs),
		
		TU(test_unknown_claim_without_value_left_out), TU(test_unheld_elements_left_out),
		
		
		
		TU(test_refusals), TU(test_refuse_no_signer_and_bad_der), TU(test_attester_argument_checks),
		TU(test_claims_file), TU(test_claims_file_names), TU(test_claims_file_errors), TU(test_declared_never_replaces_observed), TU(test_samples_through_encoder),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
