/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate requests end to end: requests built here with the library's
 * encoders (PKCS#10 and CRMF), judged under cabf-csbr, every way to fail
 * asserted by its code; and the shared TPM requests.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crmf.h>
#include <openssl/pem.h>

#include "csra_cbb.h"
#include "csra_cbs.h"
#include "csra_gate.h"
#include "csra_codec_int.h"
#include "csra_oid_table.h"
#include "csrattest/build.h"
#include "csrattest/request.h"
#include "csrattest/version.h"
#include "testpki.h"
#include "testutil.h"

#include "AttestationBundle.h"
#include "AttestationStatement.h"
#include "CRIAttribute.h"
#include "Certificate.h"
#include "CertificationRequest.h"
#include "Evidence.h"
#include "EvidenceBundle.h"
#include "LimitedCertChoices.h"

static const uint8_t NONCE[] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71 };

typedef struct reqopt {
	const char *alg, *param;	/* request key; NULL: P-256 */
	int substitute;			/* the Evidence attests another key */
	int extractable, never_extractable, sensitive, local;	/* 0: good value */
	int fipsboot_false, fipslevel1;
	int two_attributes, two_values, bad_signature, legacy, unknown_only;
	int intermediates_in_bundle;	/* else in the Evidence */
	int explicit_certs;		/* intermediateCertificates [0] EXPLICIT */
	int no_attestation;
	const uint8_t *other_type;	/* statement type OID (DER contents) instead of PKIX Evidence */
	size_t other_type_len;
	long cert_req_id;		/* CRMF certReqId */
	const char *crmf_subject;	/* CRMF template subject CN; NULL: "code signer" */
	int poposk_input;		/* CRMF POP over POPOSigningKeyInput, not the CertRequest */
	int crmf_two_msgs;		/* CertReqMessages of two messages */
	int crmf_no_key;		/* the template without publicKey */
	int crmf_not_der;		/* extnValue: the bundle and a byte after it */
} reqopt;

/* A key claim: 0 the good value, 1 the wrong value, 2 absent. */
static void key_claim(csra_evb *b, size_t k, csra_claim c, int how, int good)
{
	if (how != 2)
		csra_evb_add_bool(b, k, c, how == 1 ? !good : good);
}

static uint8_t *evidence_for(const tp_pki *p, EVP_PKEY *subject, const reqopt *o, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *der = NULL;
	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(subject, &spki);
	csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx);
	csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE));
	csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl);
	csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, !o->fipsboot_false);
	csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, o->fipslevel1 ? 1 : 3);
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k);
	csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5);
	csra_evb_add_octets(b, k, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len);
	key_claim(b, k, CSRA_CLAIM_KEY_EXTRACTABLE, o->extractable, 0);
	key_claim(b, k, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, o->never_extractable, 1);
	key_claim(b, k, CSRA_CLAIM_KEY_SENSITIVE, o->sensitive, 1);
	key_claim(b, k, CSRA_CLAIM_KEY_LOCAL, o->local, 1);
	csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0);
	if (o->explicit_certs)
		csra_evb_set_explicit_certs(b, 1);
	if (!o->intermediates_in_bundle)
		csra_evb_add_intermediate(b, p->inter);
	if (csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	OPENSSL_free(spki);
	csra_evb_free(&b);
	return der;
}

static uint8_t *bundle_for(const tp_pki *p, EVP_PKEY *subject, const reqopt *o, size_t *len)
{
	EVP_PKEY *attested = subject, *other = NULL;
	if (o->substitute)
		attested = other = tp_key("EC", "P-256");
	size_t elen;
	uint8_t *ev = evidence_for(p, attested, o, &elen), *der = NULL;
	csra_bb *b = csra_bb_new();
	const csra_oid_entry *t = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	if (o->other_type)
		csra_bb_add_statement(b, o->other_type, o->other_type_len, ev, elen);
	else if (o->unknown_only) {
		static const uint8_t unknown[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x55 };
		csra_bb_add_statement(b, unknown, sizeof(unknown), ev, elen);
	} else {
		csra_bb_add_statement(b, t->der, t->der_len, ev, elen);
	}
	if (o->intermediates_in_bundle)
		csra_bb_add_cert(b, p->inter);
	if (o->other_type) {
		static const uint8_t fmt[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x57 };
		static const uint8_t val[] = { 0x04, 0x02, 0xca, 0xfe };
		csra_bb_add_other_cert(b, fmt, sizeof(fmt), val, sizeof(val));
	}
	if (o->legacy)
		csra_bb_set_legacy(b, "verifier.example.com", 0);
	if (csra_bb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_bb_free(&b);
	free(ev);
	EVP_PKEY_free(other);
	return der;
}

static const EVP_MD *md_for(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? NULL : EVP_sha256();
}

/* Signs the CertificationRequestInfo of |der| again with |key|. */
static uint8_t *resign(const uint8_t *der, size_t len, EVP_PKEY *key, size_t *out_len)
{
	const uint8_t *c, *info_c, *alg_c;
	size_t clen, info_len, alg_len;
	uint8_t tag;
	if (!csra_der_tlv_peek(der, der + len, &tag, &c, &clen) ||
	    !csra_der_tlv_peek(c, c + clen, &tag, &info_c, &info_len))
		return NULL;
	const uint8_t *info = c, *info_end = info_c + info_len;
	if (!csra_der_tlv_peek(info_end, c + clen, &tag, &alg_c, &alg_len))
		return NULL;
	const uint8_t *alg_end = alg_c + alg_len;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = 0;
	uint8_t sig[1024];
	uint8_t bits[1025];
	csra_cbb b;
	uint8_t *out = NULL;
	if (EVP_DigestSignInit(ctx, NULL, md_for(key), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, NULL, &siglen, info, (size_t)(info_end - info)) == 1 &&
	    siglen <= sizeof(sig) &&
	    EVP_DigestSign(ctx, sig, &siglen, info, (size_t)(info_end - info)) == 1) {
		bits[0] = 0;
		memcpy(bits + 1, sig, siglen);
		if (!(csra_cbb_init(&b, len) && csra_cbb_open(&b, 0x30) &&
		    csra_cbb_add_bytes(&b, info, (size_t)(info_end - info)) &&
		    csra_cbb_add_bytes(&b, info_end, (size_t)(alg_end - info_end)) &&
		    csra_cbb_add_tlv(&b, 0x03, bits, siglen + 1) && csra_cbb_close(&b) &&
		    csra_cbb_finish(&b, &out, out_len)))
			out = NULL;
	}
	EVP_MD_CTX_free(ctx);
	return out;
}

static uint8_t *pkcs10_for(const tp_pki *p, EVP_PKEY *subject, const reqopt *o, size_t *len)
{
	X509_REQ *req = X509_REQ_new();
	size_t blen;
	uint8_t *bundle = bundle_for(p, subject, o, &blen), *out = NULL;
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
	    (const unsigned char *)"code signer", -1, -1, 0);
	X509_REQ_set_pubkey(req, subject);
	if (bundle && !o->no_attestation) {
		csra_x509_req_add_bundle(req, bundle, blen);
		if (o->two_attributes) {
			/* OpenSSL 3 refuses a second attribute of one type: add it
			 * under a same-length OID and rename it in the DER below. */
			ASN1_OBJECT *twin = OBJ_txt2obj("1.2.840.113549.1.9.16.2.60", 1);
			X509_REQ_add1_attr_by_OBJ(req, twin, V_ASN1_SEQUENCE, bundle, (int)blen);
			ASN1_OBJECT_free(twin);
		}
		if (o->two_values) {
			/* a second value in the same attribute */
			ASN1_OBJECT *aa = OBJ_txt2obj(csra_oid_table[CSRA_OID_ID_AA_ATTESTATION].dotted, 1);
			int loc = X509_REQ_get_attr_by_OBJ(req, aa, -1);
			ASN1_OBJECT_free(aa);
			X509_ATTRIBUTE *a = X509_REQ_get_attr(req, loc);
			X509_ATTRIBUTE_set1_data(a, V_ASN1_SEQUENCE, bundle, (int)blen);
		}
	}
	X509_REQ_sign(req, subject, md_for(subject));
	if (o->bad_signature) {
		const ASN1_BIT_STRING *sig;
		X509_REQ_get0_signature(req, &sig, NULL);
		((ASN1_BIT_STRING *)sig)->data[5] ^= 0x40;
	}
	unsigned char *der = NULL;
	int n = i2d_X509_REQ(req, &der);
	if (n > 0) {
		out = malloc((size_t)n);
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	X509_REQ_free(req);
	free(bundle);
	if (out && o->two_attributes) {
		static const uint8_t twin[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
			0x09, 0x10, 0x02, 0x3c };
		for (size_t i = 0; i + sizeof(twin) <= *len; i++)
			if (memcmp(out + i, twin, sizeof(twin)) == 0)
				out[i + sizeof(twin) - 1] = 0x3b;
		uint8_t *signed_again = resign(out, *len, subject, len);
		free(out);
		out = signed_again;
	}
	return out;
}

/* Replaces the POP of the one message of CertReqMessages |der| with a
 * POPOSigningKey [1] whose poposkInput [0] (sender CN=victim, the
 * template's publicKey) |key| signs, as OpenSSL verifies it: over the
 * POPOSigningKeyInput SEQUENCE. The signature covers no template field
 * but the key. */
static uint8_t *with_poposk_input(const uint8_t *der, size_t len, EVP_PKEY *key, size_t *out_len)
{
	static const uint8_t ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
		0x04, 0x03, 0x02 };
	csra_cbs in, msgs, msg, req;
	uint8_t tag;
	csra_cbs_init(&in, der, len);
	if (!csra_cbs_get_der_element(&in, &tag, NULL, &msgs) ||
	    !csra_cbs_get_der_element(&msgs, &tag, NULL, &msg) ||
	    !csra_cbs_get_der_element(&msg, &tag, &req, NULL))
		return NULL;
	X509_NAME *name = X509_NAME_new();
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"victim", -1, -1, 0);
	unsigned char *nder = NULL, *spki = NULL;
	int nlen = i2d_X509_NAME(name, &nder), slen = i2d_PUBKEY(key, &spki);
	X509_NAME_free(name);
	csra_cbb c;
	uint8_t *input = NULL, *out = NULL;
	size_t ilen = 0;
	/* POPOSigningKeyInput: authInfo sender [0] GeneralName directoryName [4]. */
	if (nlen > 0 && slen > 0 && csra_cbb_init(&c, 512) && csra_cbb_open(&c, 0x30) &&
	    csra_cbb_open(&c, 0xa0) && csra_cbb_add_tlv(&c, 0xa4, nder, (size_t)nlen) &&
	    csra_cbb_close(&c) && csra_cbb_add_bytes(&c, spki, (size_t)slen) && csra_cbb_close(&c))
		csra_cbb_finish(&c, &input, &ilen);
	uint8_t sig[256];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = input != NULL && m != NULL &&
	    EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(m, sig, &siglen, input, ilen) == 1;
	EVP_MD_CTX_free(m);
	static const uint8_t zero = 0;
	/* The input's contents under [0] IMPLICIT. */
	csra_cbs ic, icont;
	if (ok) {
		csra_cbs_init(&ic, input, ilen);
		ok = csra_cbs_get_der_element(&ic, &tag, NULL, &icont);
	}
	if (ok && csra_cbb_init(&c, len + 1024) && csra_cbb_open(&c, 0x30) && csra_cbb_open(&c, 0x30) &&
	    csra_cbb_add_bytes(&c, csra_cbs_data(&req), csra_cbs_len(&req)) &&
	    csra_cbb_open(&c, 0xa1) &&
	    csra_cbb_add_tlv(&c, 0xa0, csra_cbs_data(&icont), csra_cbs_len(&icont)) &&
	    csra_cbb_add_bytes(&c, ecdsa_sha256, sizeof(ecdsa_sha256)) && csra_cbb_open(&c, 0x03) &&
	    csra_cbb_add_bytes(&c, &zero, 1) && csra_cbb_add_bytes(&c, sig, siglen) &&
	    csra_cbb_close(&c) && csra_cbb_close(&c) && csra_cbb_close(&c) && csra_cbb_close(&c))
		csra_cbb_finish(&c, &out, out_len);
	free(input);
	OPENSSL_free(nder);
	OPENSSL_free(spki);
	return out;
}

static uint8_t *crmf_for(const tp_pki *p, EVP_PKEY *subject, const reqopt *o, size_t *len)
{
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	size_t blen;
	uint8_t *bundle = bundle_for(p, subject, o, &blen), *out = NULL;
	X509_NAME *name = X509_NAME_new();
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)(o->crmf_subject ? o->crmf_subject : "code signer"), -1, -1, 0);
	OSSL_CRMF_MSG_set_certReqId(m, (int)o->cert_req_id);
	OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), o->crmf_no_key ? NULL : subject, name, NULL, NULL);
	if (bundle && !o->no_attestation) {
		if (o->crmf_not_der) {
			uint8_t *more = realloc(bundle, blen + 1);
			if (more != NULL) {
				bundle = more;
				bundle[blen++] = 0x00;
			}
		}
		csra_crmf_add_bundle(m, bundle, blen);
		if (o->two_attributes)
			csra_crmf_add_bundle(m, bundle, blen);
	}
	/* a bad POP: signed by another key */
	EVP_PKEY *signer = o->bad_signature ? tp_key("EC", "P-256") : subject;
	OSSL_CRMF_MSG_create_popo(OSSL_CRMF_POPO_SIGNATURE, m, signer, md_for(signer), NULL, NULL);
	OSSL_CRMF_MSGS *msgs = sk_OSSL_CRMF_MSG_new_null();
	if (o->crmf_two_msgs)
		sk_OSSL_CRMF_MSG_push(msgs, OSSL_CRMF_MSG_dup(m));
	sk_OSSL_CRMF_MSG_push(msgs, m);
	unsigned char *der = NULL;
	int n = i2d_OSSL_CRMF_MSGS(msgs, &der);
	if (n > 0 && o->poposk_input) {
		out = with_poposk_input(der, (size_t)n, signer, len);
	} else if (n > 0) {
		out = malloc((size_t)n);
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	OSSL_CRMF_MSGS_free(msgs);
	X509_NAME_free(name);
	if (signer != subject)
		EVP_PKEY_free(signer);
	free(bundle);
	return out;
}

static void dump_failures(const csra_result *r, int depth)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err c;
		csra_result_check(r, i, &name, &st, &c, &msg, &path);
		if (st == CSRA_STATUS_FAIL || st == CSRA_STATUS_WARN)
			fprintf(stderr, "  %*s%s %s %s [%s]: %s\n", depth * 2, "",
			    st == CSRA_STATUS_FAIL ? "FAIL" : "warn", name, csra_err_name(c), path, msg);
	}
	for (size_t i = 0; i < csra_result_statement_count(r); i++)
		dump_failures(csra_result_statement(r, i), depth + 1);
}

/* Is |code| a failure or warning of |r| or of one of its statements? */
static int fails_with(const csra_result *r, csra_err code)
{
	if (csra_result_has_failure(r, code))
		return 1;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		csra_status st;
		csra_err c;
		csra_result_check(r, i, NULL, &st, &c, NULL, NULL);
		if (c == code && st == CSRA_STATUS_WARN)
			return 1;
	}
	for (size_t i = 0; i < csra_result_statement_count(r); i++)
		if (fails_with(csra_result_statement(r, i), code))
			return 1;
	return 0;
}

static int check_request(const csra_verifier *v, const uint8_t *der, size_t len, csra_verdict want,
    csra_err code)
{
	csra_result *r = NULL;
	CHECK(der != NULL);
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == want && (code == CSRA_OK || fails_with(r, code));
	if (!ok) {
		fprintf(stderr, "  want verdict %d with %s, got %d\n", want, csra_err_name(code),
		    csra_result_verdict(r));
		dump_failures(r, 0);
	}
	csra_result_free(&r);
	return ok;
}

static int run(const reqopt *o, int crmf, csra_verdict want, csra_err code)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key(o->alg ? o->alg : "EC", o->alg ? o->param : "P-256");
	CHECK(subject != NULL);
	size_t len = 0;
	uint8_t *der = crmf ? crmf_for(&p, subject, o, &len) : pkcs10_for(&p, subject, o, &len);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	int ok = check_request(v, der, len, want, code);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return ok;
}

static const reqopt GOOD = { 0 };

static int test_good_p256(void)
{
	return run(&GOOD, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_good_p384(void)
{
	reqopt o = { .alg = "EC", .param = "P-384" };
	return run(&o, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_good_rsa3072(void)
{
	reqopt o = { .alg = "RSA", .param = "3072" };
	return run(&o, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_rsa2048_rejected(void)
{
	reqopt o = { .alg = "RSA", .param = "2048" };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_KEY_ALGORITHM);
}

static int test_key_substitution(void)
{
	reqopt o = { .substitute = 1 };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_STMT_NOT_BOUND) &&
	    run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_NO_STATEMENT);
}

static int test_key_claims_wrong_or_absent(void)
{
	for (int how = 1; how <= 2; how++) {
		reqopt a = { .extractable = how }, b = { .never_extractable = how },
		    c = { .sensitive = how }, d = { .local = how };
		csra_err code = how == 1 ? CSRA_ERR_POLICY_CLAIM_VALUE : CSRA_ERR_POLICY_CLAIM_ABSENT;
		CHECK(run(&a, 0, CSRA_VERDICT_REJECTED, code));
		CHECK(run(&b, 0, CSRA_VERDICT_REJECTED, code));
		CHECK(run(&c, 0, CSRA_VERDICT_REJECTED, code));
		CHECK(run(&d, 0, CSRA_VERDICT_REJECTED, code));
	}
	return 1;
}

static int test_fips_claims(void)
{
	reqopt a = { .fipsboot_false = 1 }, b = { .fipslevel1 = 1 };
	return run(&a, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_CLAIM_VALUE) &&
	    run(&b, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_CLAIM_VALUE);
}

static int test_nonce_mismatch(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	size_t len;
	uint8_t *der = pkcs10_for(&p, subject, &GOOD, &len);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	static const uint8_t other[] = { 9, 9, 9 };
	CHECK(csra_verify_request(v, der, len, other, sizeof(other), &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == CSRA_VERDICT_REJECTED && fails_with(r, CSRA_ERR_EV_NONCE_MISMATCH);
	if (!ok)
		dump_failures(r, 0);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return ok;
}

static int test_two_attributes(void)
{
	reqopt o = { .two_attributes = 1 };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_REQ_MULTIPLE_ATTESTATION);
}

static int test_two_values(void)
{
	reqopt o = { .two_values = 1 };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_REQ_ATTESTATION_VALUES);
}

static int test_no_attestation(void)
{
	reqopt o = { .no_attestation = 1 };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_REQ_NO_ATTESTATION);
}

static int test_broken_request_signature(void)
{
	reqopt o = { .bad_signature = 1 };
	return run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_REQ_SIGNATURE);
}

static int test_untrusted_ak_root(void)
{
	tp_pki p, other;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	CHECK(tp_pki_new(&other, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	size_t len;
	uint8_t *der = pkcs10_for(&p, subject, &GOOD, &len);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, other.root);
	int ok = check_request(v, der, len, CSRA_VERDICT_REJECTED, CSRA_ERR_AK_UNTRUSTED) &&
	    check_request(v, der, len, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_NO_STATEMENT);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	tp_pki_free(&other);
	return ok;
}

/* Evidence whose intermediateCertificates use the [0] EXPLICIT form, as
 * the request's decode built it, chains through those intermediates. */
static int test_explicit_certs_evidence(void)
{
	reqopt o = { .explicit_certs = 1 };
	return run(&o, 0, CSRA_VERDICT_VERIFIED, CSRA_OK) && run(&o, 1, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_intermediates_only_in_bundle(void)
{
	reqopt o = { .intermediates_in_bundle = 1 };
	return run(&o, 0, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_legacy_bundle(void)
{
	reqopt o = { .legacy = 1 };
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	size_t len;
	uint8_t *der = pkcs10_for(&p, subject, &o, &len);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == CSRA_VERDICT_VERIFIED && csra_result_find(r, "bundle.legacy", CSRA_OK) >= 0;
	if (!ok)
		dump_failures(r, 0);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return ok;
}

static int test_unknown_statement_type_only(void)
{
	reqopt o = { .unknown_only = 1 };
	CHECK(run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_STMT_UNKNOWN_TYPE) &&
	    run(&o, 0, CSRA_VERDICT_REJECTED, CSRA_ERR_POLICY_NO_STATEMENT));
	/* No verifier judged it: its verdict is "unknown", never "verified". */
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	size_t len;
	uint8_t *der = pkcs10_for(&p, subject, &o, &len);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(csra_result_verdict(csra_result_statement(r, 0)) == CSRA_VERDICT_UNKNOWN);
	CHECK(!csra_result_statement_verified(r, 0));
	char *json = csra_result_json(r);
	CHECK(json != NULL);
	const char *st = strstr(json, "\"statements\"");
	CHECK(st != NULL && strstr(st, "\"verdict\": \"unknown\"") != NULL &&
	    strstr(st, "\"verdict\": \"verified\"") == NULL);
	CHECK(strstr(st, "binding not checked: no verifier for this statement type") != NULL);
	/* A type the OID table lacks is printed from its DER. */
	CHECK(strstr(st, "\"type\": \"1.3.6.1.4.1.311.85\"") != NULL);
	free(json);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

static int test_crmf_good(void)
{
	return run(&GOOD, 1, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_crmf_bad_pop(void)
{
	reqopt o = { .bad_signature = 1 };
	return run(&o, 1, CSRA_VERDICT_REJECTED, CSRA_ERR_REQ_SIGNATURE);
}

static int test_crmf_substituted_key(void)
{
	reqopt o = { .substitute = 1 };
	return run(&o, 1, CSRA_VERDICT_REJECTED, CSRA_ERR_STMT_NOT_BOUND);
}

/* |o|'s CRMF request is rejected, with check |name| failing with |code|
 * at |path| (NULL: anywhere) in the request's own result, and with
 * |never_passes|, no |name| passing. */
static int crmf_refused_ex(const reqopt *o, const char *name, csra_err code, const char *path, int never_passes)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	EVP_PKEY *subject = tp_key("EC", "P-256");
	size_t len = 0;
	uint8_t *der = crmf_for(&p, subject, o, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == CSRA_VERDICT_REJECTED &&
	    tu_has_check(r, name, CSRA_STATUS_FAIL, code, path) &&
	    (!never_passes || csra_result_find(r, name, CSRA_OK) < 0);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return ok;
}

static int crmf_refused(const reqopt *o, const char *name, csra_err code, const char *path)
{
	return crmf_refused_ex(o, name, code, path, 0);
}

/* CertReqMessages of two: csrattest verifies one request at a time. */
static int test_crmf_two_messages(void)
{
	reqopt o = { .crmf_two_msgs = 1 };
	return crmf_refused(&o, "request.crmf", CSRA_ERR_REQ_CRMF_COUNT, "");
}

static int test_crmf_no_public_key(void)
{
	reqopt o = { .crmf_no_key = 1 };
	return crmf_refused(&o, "request.key", CSRA_ERR_REQ_NO_KEY, "[0].certReq.certTemplate");
}

static int test_crmf_two_extensions(void)
{
	reqopt o = { .two_attributes = 1 };
	return crmf_refused(&o, "request.attestation", CSRA_ERR_REQ_MULTIPLE_ATTESTATION,
	    "[0].certReq.certTemplate.extensions[1]");
}

static int test_crmf_no_attestation(void)
{
	reqopt o = { .no_attestation = 1 };
	return crmf_refused(&o, "request.attestation", CSRA_ERR_REQ_NO_ATTESTATION,
	    "[0].certReq.certTemplate.extensions");
}

/* The extension's value is the bundle and a byte more: not one DER
 * value, so no bundle is read from it. */
static int test_crmf_extension_not_der(void)
{
	reqopt o = { .crmf_not_der = 1 };
	return crmf_refused(&o, "request.attestation", CSRA_ERR_REQ_BUNDLE, "[0].certReq.certTemplate.extensions[0]");
}

/* |o|'s CRMF request is rejected, its request.signature check failing
 * with CSRA_ERR_REQ_POPO_INPUT and never passing. */
static int popo_input_refused(const reqopt *o)
{
	return crmf_refused_ex(o, "request.signature", CSRA_ERR_REQ_POPO_INPUT, NULL, 1);
}

/* RFC 4211 4.1: with subject and publicKey in the template, poposkInput
 * MUST be omitted. Its signature covers sender and publicKey only. */
static int test_crmf_poposk_input_refused(void)
{
	reqopt o = { .poposk_input = 1 };
	return popo_input_refused(&o);
}

/* The attack: a victim's attested request, its POP over
 * POPOSigningKeyInput kept and the template's subject changed. The POP
 * still verifies with the victim's key; the request must not. */
static int test_crmf_subject_swapped_refused(void)
{
	reqopt o = { .poposk_input = 1, .crmf_subject = "attacker" };
	return popo_input_refused(&o);
}

/* The request key is the AK that signed its Evidence: the Evidence would
 * verify and bind, and is refused (an AK signs attestations only). */
static int test_request_key_is_ak(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	size_t len = 0;
	uint8_t *der = pkcs10_for(&p, p.ak_key, &GOOD, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_statement_count(r) == 1);
	const csra_result *st = csra_result_statement(r, 0);
	CHECK(csra_result_find(st, "ak.request-key", CSRA_ERR_AK_IS_REQUEST_KEY) >= 0);
	CHECK(!csra_result_statement_bound(r, 0));
	CHECK(csra_result_has_failure(r, CSRA_ERR_POLICY_NO_STATEMENT));
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);

	/* Another request key, the same PKI: verified. */
	EVP_PKEY *k = tp_key("EC", "P-256");
	der = pkcs10_for(&p, k, &GOOD, &len);
	v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	int ok = check_request(v, der, len, CSRA_VERDICT_VERIFIED, CSRA_OK);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(k);
	tp_pki_free(&p);
	return ok;
}

/* certReqId is the requester's number, not the message's place: 5 is as
 * good as 0. */
static int test_crmf_cert_req_id(void)
{
	reqopt o = { .cert_req_id = 5 };
	return run(&o, 1, CSRA_VERDICT_VERIFIED, CSRA_OK);
}

static int test_malformed(void)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	csra_verifier *v = csra_verifier_new();
	int ok = check_request(v, junk, sizeof(junk), CSRA_VERDICT_MALFORMED, CSRA_OK);
	csra_verifier_free(&v);
	return ok;
}

/* What the callbacks below saw, and whether they confirm the nonce. */
static struct {
	int calls, got_nonce, confirm;
	time_t at;
	csra_err set_rc;
} cbseen;

/* An in-process verifier for a private statement type. It confirms
 * freshness when cbseen.confirm is set, and only for NONCE: the nonce
 * the test's statements carry (2: claims it whatever it was given). */
static int cb_accept(void *arg, const uint8_t *type, size_t type_len, const uint8_t *stmt,
    size_t stmt_len, STACK_OF(X509) *certs, const uint8_t *nonce, size_t nonce_len, time_t at,
    csra_cb_result *res)
{
	(void)type, (void)type_len, (void)stmt, (void)stmt_len, (void)certs;
	cbseen.calls++;
	cbseen.at = at;
	cbseen.got_nonce = nonce != NULL && nonce_len == sizeof(NONCE) &&
	    memcmp(nonce, NONCE, sizeof(NONCE)) == 0;
	if (cbseen.confirm)
		cbseen.set_rc = csra_cb_set_freshness(res, cbseen.got_nonce || cbseen.confirm == 2
		    ? CSRA_FRESHNESS_NONCE : CSRA_FRESHNESS_NONE);
	/* the bundle's one "other" certificate reaches the plug-in */
	const uint8_t *fmt, *val;
	size_t fmt_len, val_len;
	if (csra_cb_other_count(res) != 1 || !csra_cb_other(res, 0, &fmt, &fmt_len, &val, &val_len) ||
	    val_len != 4 || memcmp(val, "\x04\x02\xca\xfe", 4) != 0 || csra_cb_other(res, 1, &fmt, &fmt_len, &val, &val_len))
		return 0;
	const EVP_PKEY *k = arg;
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY((EVP_PKEY *)k, &spki);
	csra_cb_set_verified(res, 1);
	csra_cb_set_spki(res, spki, (size_t)n);
	csra_cb_add_bool(res, "key", "extractable", 0);
	csra_cb_add_bool(res, "key", "never-extractable", 1);
	csra_cb_add_bool(res, "key", "sensitive", 1);
	csra_cb_add_bool(res, "key", "local", 1);
	csra_cb_add_bool(res, "platform", "fipsboot", 1);
	csra_cb_add_int(res, "platform", "fipslevel", 3);
	OPENSSL_free(spki);
	return 1;
}

/* The private statement type the callback tests route to a callback. */
static const uint8_t priv[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x56 };

/* A PKCS#10 request for a new P-256 |*subject| carrying a statement of
 * type |priv|, under a new PKI |*p|: its DER (free with free()), or NULL. */
static uint8_t *cb_request(tp_pki *p, EVP_PKEY **subject, size_t *len)
{
	reqopt o = { .other_type = priv, .other_type_len = sizeof(priv) };
	*subject = NULL;
	if (!tp_pki_new(p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365))
		return NULL;
	*subject = tp_key("EC", "P-256");
	return *subject != NULL ? pkcs10_for(p, *subject, &o, len) : NULL;
}

static int test_callback_verifier(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = cb_request(&p, &subject, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	int ok = check_request(v, der, len, CSRA_VERDICT_REJECTED, CSRA_ERR_STMT_UNKNOWN_TYPE);
	CHECK(csra_verifier_add_callback(v, priv, sizeof(priv), cb_accept, subject) == CSRA_OK);
	cbseen.confirm = 1;
	ok = ok && check_request(v, der, len, CSRA_VERDICT_VERIFIED, CSRA_OK);
	cbseen.confirm = 0;
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return ok;
}

/* Claims a callback gives, per test. */
enum cb_mode { CB_MANY, CB_NUL, CB_LONG, CB_BIG, CB_BYTES };
struct cb_claims {
	EVP_PKEY *key;
	enum cb_mode mode;
	size_t extra;		/* CB_MANY: claims past the cabf-csbr six */
	size_t refused;		/* how many csra_cb_add_* refused */
	csra_err last;		/* and with what */
};

static int cb_claims(void *arg, const uint8_t *type, size_t type_len, const uint8_t *stmt,
    size_t stmt_len, STACK_OF(X509) *certs, const uint8_t *nonce, size_t nonce_len, time_t at,
    csra_cb_result *res)
{
	(void)type, (void)type_len, (void)stmt, (void)stmt_len, (void)certs, (void)at;
	struct cb_claims *a = arg;
	/* As a format carrying the CA's nonce would: these tests are about claims. */
	if (nonce != NULL && nonce_len == sizeof(NONCE) && memcmp(nonce, NONCE, nonce_len) == 0)
		csra_cb_set_freshness(res, CSRA_FRESHNESS_NONCE);
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(a->key, &spki);
	csra_cb_set_verified(res, 1);
	csra_cb_set_spki(res, spki, (size_t)n);
	OPENSSL_free(spki);
	csra_err e[8] = { csra_cb_add_bool(res, "key", "extractable", 0),
		csra_cb_add_bool(res, "key", "never-extractable", 1), csra_cb_add_bool(res, "key", "sensitive", 1),
		csra_cb_add_bool(res, "key", "local", 1), csra_cb_add_bool(res, "platform", "fipsboot", 1),
		csra_cb_add_int(res, "platform", "fipslevel", 3), CSRA_OK, CSRA_OK };
	/* 2^63, -2^63-1 and 2^100: minimal two's complement. */
	static const uint8_t p63[] = { 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t m63[] = { 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t p100[] = { 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const char nul[] = "Trusted HSM Inc\0 (not really)";
	switch (a->mode) {
	case CB_MANY:
		for (size_t i = 0; i < a->extra; i++) {
			char name[32];
			snprintf(name, sizeof(name), "c%zu", i);
			csra_err x = csra_cb_add_int(res, "platform", name, (int64_t)i);
			if (x != CSRA_OK)
				a->refused++, a->last = x;
		}
		break;
	case CB_NUL:
		e[6] = csra_cb_add_text(res, "platform", "vendor", nul, sizeof(nul) - 1);
		break;
	case CB_LONG:
		e[6] = csra_cb_add_text(res, "platform", "vendor", "Trusted HSM Inc (not really)", 28);
		break;
	case CB_BIG:
		e[6] = csra_cb_add_bigint(res, "platform", "bootcount", p63, sizeof(p63));
		e[7] = csra_cb_add_bigint(res, "platform", "uptime", m63, sizeof(m63));
		if (csra_cb_add_bigint(res, "platform", "dbgstat", p100, sizeof(p100)) != CSRA_OK)
			a->refused++;
		break;
	case CB_BYTES: {
		/* Bytes with U+0000 inside, which text would refuse, and none. */
		static const uint8_t fw[] = { 0xab, 0x00, 0xcd, 0xef };
		e[6] = csra_cb_add_bytes(res, "platform", "fwhash", fw, sizeof(fw));
		e[7] = csra_cb_add_bytes(res, "platform", "empty", NULL, 0);
		break;
	}
	}
	for (size_t i = 0; i < 8; i++)
		if (e[i] != CSRA_OK)
			a->refused++, a->last = e[i];
	return 1;
}

static const uint8_t CB_TYPE[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x57 };

/* Verifies a request whose one statement goes to cb_claims with |a|,
 * under policy |policy_json| (NULL: cabf-csbr) and claim cap |cap| (0:
 * the default); the result, or NULL. */
static csra_result *cb_run(struct cb_claims *a, const char *policy_json, size_t cap)
{
	reqopt o = { .other_type = CB_TYPE, .other_type_len = sizeof(CB_TYPE) };
	tp_pki p;
	csra_result *r = NULL;
	csra_policy *pol = NULL;
	if (!tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365))
		return NULL;
	a->key = tp_key("EC", "P-256");
	size_t len;
	uint8_t *der = a->key ? pkcs10_for(&p, a->key, &o, &len) : NULL;
	csra_verifier *v = csra_verifier_new();
	if (der != NULL && v != NULL &&
	    csra_verifier_add_callback(v, CB_TYPE, sizeof(CB_TYPE), cb_claims, a) == CSRA_OK &&
	    (cap == 0 || csra_verifier_set_limit(v, CSRA_LIMIT_CLAIMS, cap) == CSRA_OK) &&
	    (policy_json == NULL ||
	    (csra_policy_from_json(policy_json, strlen(policy_json), &pol, NULL, 0) == CSRA_OK &&
	    csra_verifier_set_policy(v, pol) == CSRA_OK)) &&
	    csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) != CSRA_OK)
		r = NULL;
	free(der);
	csra_verifier_free(&v);
	csra_policy_free(&pol);
	EVP_PKEY_free(a->key);
	tp_pki_free(&p);
	return r;
}

/* Check |name| failed with |code| in statement 0 of |r|. */
static int stmt_failed(const csra_result *r, const char *name, csra_err code)
{
	const csra_result *s = csra_result_statement(r, 0);
	long i = s != NULL ? csra_result_find(s, name, code) : -1;
	csra_status st;
	if (i < 0 || !csra_result_check(s, (size_t)i, NULL, &st, NULL, NULL, NULL) || st != CSRA_STATUS_FAIL) {
		fprintf(stderr, "  statement 0 has no failed %s with %s\n", name, csra_err_name(code));
		return 0;
	}
	return 1;
}

/* Claims past 48 were dropped silently: now kept up to the cap, and past
 * it the statement fails with CSRA_ERR_LIMIT_CLAIMS. */
static int test_callback_claim_cap(void)
{
	struct cb_claims a = { .mode = CB_MANY, .extra = 43 };	/* 49 in all */
	csra_result *r = cb_run(&a, NULL, 0);
	CHECK(r != NULL && a.refused == 0 && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	char *json = csra_result_json(r);
	CHECK(json != NULL && strstr(json, "\"c42\": 42") != NULL);
	free(json);
	csra_result_free(&r);
	/* A cap of 60: 60 claims pass, 61 fail; the default 4096 likewise. */
	static const size_t caps[] = { 60, 4096 };
	for (size_t k = 0; k < 2; k++) {
		for (size_t n = caps[k]; n <= caps[k] + 1; n++) {
			a = (struct cb_claims){ .mode = CB_MANY, .extra = n - 6 };
			r = cb_run(&a, NULL, k == 0 ? caps[k] : 0);
			CHECK(r != NULL);
			if (n == caps[k]) {
				CHECK(a.refused == 0 && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
			} else {
				CHECK(a.refused == 1 && a.last == CSRA_ERR_LIMIT_CLAIMS);
				CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
				CHECK(stmt_failed(r, "statement.claims", CSRA_ERR_LIMIT_CLAIMS));
				CHECK(stmt_failed(r, "callback.verified", CSRA_ERR_STMT_FAILED));
			}
			csra_result_free(&r);
		}
	}
	return 1;
}

#define VENDOR_POLICY "{\"name\": \"vendor\", \"claims\": {\"platform\": {\"vendor\": \"Trusted HSM Inc\"}}}"

/* "Trusted HSM Inc\0 (not really)" was compared as a C string and met a
 * policy requiring "Trusted HSM Inc". */
static int test_callback_text_nul(void)
{
	struct cb_claims a = { .mode = CB_NUL };
	csra_result *r = cb_run(&a, VENDOR_POLICY, 0);
	CHECK(r != NULL && a.refused == 1 && a.last == CSRA_ERR_EV_CLAIM_NUL);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(stmt_failed(r, "statement.claims", CSRA_ERR_EV_CLAIM_NUL));
	CHECK(csra_result_find(r, "policy.statement", CSRA_ERR_POLICY_NO_STATEMENT) >= 0);
	csra_result_free(&r);
	/* Longer text with the same start: compared by length. */
	a = (struct cb_claims){ .mode = CB_LONG };
	r = cb_run(&a, VENDOR_POLICY, 0);
	CHECK(r != NULL && a.refused == 0 && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_find(r, "policy.claim", CSRA_ERR_POLICY_CLAIM_VALUE) >= 0);
	csra_result_free(&r);
	return 1;
}

/* INTEGER claims past int64_t: carried, shown exactly, compared right. */
static int test_callback_big_integers(void)
{
	static const struct {
		const char *claims;
		int ok;
	} cases[] = {
		{ "{\"bootcount\": {\"min\": 2}}", 1 },
		{ "{\"bootcount\": {\"max\": 5}}", 0 },
		{ "{\"bootcount\": 9223372036854775807}", 0 },
		{ "{\"uptime\": {\"max\": -5}}", 1 },
		{ "{\"uptime\": {\"min\": -9223372036854775807}}", 0 },
		{ "{\"dbgstat\": {\"min\": 0, \"max\": 9223372036854775807}}", 0 },
		{ "{\"dbgstat\": {\"min\": 0}}", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char pol[256];
		snprintf(pol, sizeof(pol), "{\"name\": \"big\", \"claims\": {\"platform\": %s}}", cases[i].claims);
		struct cb_claims a = { .mode = CB_BIG };
		csra_result *r = cb_run(&a, pol, 0);
		CHECK(r != NULL && a.refused == 0);
		int ok = (csra_result_verdict(r) == CSRA_VERDICT_VERIFIED) == cases[i].ok &&
		    (cases[i].ok || csra_result_find(r, "policy.claim", CSRA_ERR_POLICY_CLAIM_VALUE) >= 0);
		if (i == 0) {
			char *json = csra_result_json(r);
			ok = ok && json != NULL && strstr(json, "\"bootcount\": \"9223372036854775808\"") &&
			    strstr(json, "\"uptime\": \"-9223372036854775809\"") &&
			    strstr(json, "\"dbgstat\": \"1267650600228229401496703205376\"") &&
			    strstr(json, "\"fipslevel\": 3");
			free(json);
		}
		if (!ok) {
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].claims);
			dump_failures(r, 0);
		}
		csra_result_free(&r);
		CHECK(ok);
	}
	return 1;
}

/* A callback's bytes claims: kept whole (U+0000 too), in the record as
 * lowercase hex, and met by a policy string that spells them in hex. */
static int test_callback_bytes(void)
{
	static const struct {
		const char *claims;
		int ok;
	} cases[] = {
		{ "{\"fwhash\": \"ab00cdef\"}", 1 },
		{ "{\"fwhash\": \"AB00CDEF\"}", 1 },
		{ "{\"fwhash\": \"ab00cd\"}", 0 },		/* a prefix */
		{ "{\"fwhash\": \"ab00cdef00\"}", 0 },
		{ "{\"fwhash\": \"ab\"}", 0 },
		{ "{\"fwhash\": \"zz00cdef\"}", 0 },	/* not hex */
		{ "{\"empty\": \"\"}", 1 },
		{ "{\"empty\": \"00\"}", 0 },
		{ "{\"fwhash\": true}", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char pol[256];
		snprintf(pol, sizeof(pol), "{\"name\": \"bytes\", \"claims\": {\"platform\": %s}}",
		    cases[i].claims);
		struct cb_claims a = { .mode = CB_BYTES };
		csra_result *r = cb_run(&a, pol, 0);
		CHECK(r != NULL && a.refused == 0);
		int ok = (csra_result_verdict(r) == CSRA_VERDICT_VERIFIED) == cases[i].ok &&
		    (cases[i].ok || csra_result_find(r, "policy.claim", CSRA_ERR_POLICY_CLAIM_VALUE) >= 0);
		if (i == 0) {
			char *json = csra_result_json(r);
			ok = ok && json != NULL && strstr(json, "\"fwhash\": \"ab00cdef\"") &&
			    strstr(json, "\"empty\": \"\"");
			free(json);
		}
		if (!ok) {
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].claims);
			dump_failures(r, 0);
		}
		csra_result_free(&r);
		CHECK(ok);
	}
	return 1;
}

/* Check |name| of statement 0 of |r|: its status, code and a part of its
 * message. */
static int stmt_check(const csra_result *r, const char *name, csra_status st, csra_err code,
    const char *msg_part)
{
	const csra_result *s = csra_result_statement(r, 0);
	CHECK(s != NULL);
	for (size_t i = 0; i < csra_result_check_count(s); i++) {
		const char *n, *m;
		csra_status cs;
		csra_err c;
		csra_result_check(s, i, &n, &cs, &c, &m, NULL);
		if (strcmp(n, name) != 0)
			continue;
		if (cs != st || c != code || strstr(m, msg_part) == NULL) {
			fprintf(stderr, "  %s: status %d %s \"%s\"\n", n, (int)cs, csra_err_name(c), m);
			return 0;
		}
		return 1;
	}
	fprintf(stderr, "  no check %s\n", name);
	return 0;
}

/* The callback gets the CA's nonce and the verification time; with a
 * nonce, its statement counts only if it confirms it (or the policy
 * exempts the type); a policy may require a nonce. */
static int test_callback_freshness(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = cb_request(&p, &subject, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(csra_verifier_add_callback(v, priv, sizeof(priv), cb_accept, subject) == CSRA_OK);
	time_t at = time(NULL) - 10;
	CHECK(csra_verifier_set_time(v, at) == CSRA_OK);
	csra_result *r = NULL;

	/* A callback that does not confirm the nonce: verified and bound,
	 * but not fresh, so nothing meets the policy. */
	memset(&cbseen, 0, sizeof(cbseen));
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(cbseen.calls == 1 && cbseen.got_nonce && cbseen.at == at);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_statement_bound(r, 0) && csra_result_statement_verified(r, 0));
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_FRESH,
	    "did not confirm the CA's nonce"));
	CHECK(csra_result_find(r, "policy.statement", CSRA_ERR_POLICY_NO_STATEMENT) >= 0);
	csra_result_free(&r);

	/* The same callback confirming it: verified. */
	memset(&cbseen, 0, sizeof(cbseen));
	cbseen.confirm = 1;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(cbseen.set_rc == CSRA_OK && cbseen.got_nonce);
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_PASS, CSRA_OK, "confirmed"));
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);

	/* Another nonce: the callback, comparing, does not confirm it. */
	static const uint8_t other[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	CHECK(csra_verify_request(v, der, len, other, sizeof(other), &r) == CSRA_OK);
	CHECK(!cbseen.got_nonce);
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_FRESH, ""));
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	csra_result_free(&r);

	/* No nonce (NULL, or empty: no freshness wanted): nothing to confirm;
	 * the setter refuses, the check is skipped, cabf-csbr does not
	 * require freshness. */
	for (int empty = 0; empty < 2; empty++) {
		memset(&cbseen, 0, sizeof(cbseen));
		cbseen.confirm = 2;
		CHECK(csra_verify_request(v, der, len, empty ? NONCE : NULL, 0, &r) == CSRA_OK);
		CHECK(cbseen.calls == 1 && cbseen.set_rc == CSRA_ERR_INVALID_ARGUMENT);
		CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "no nonce was given"));
		CHECK(csra_result_find(r, "policy.freshness", CSRA_OK) >= 0);
		CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
		csra_result_free(&r);
	}
	cbseen.confirm = 0;

	/* A policy exempting the type: the unconfirmed statement counts, and
	 * its check warns. */
	static const char exempt[] = "{\"name\": \"x\", \"freshness_exempt\": [\"1.3.6.1.4.1.311.86\"]}";
	csra_policy *pol = NULL;
	CHECK(csra_policy_from_json(exempt, strlen(exempt), &pol, NULL, 0) == CSRA_OK);
	CHECK(csra_verifier_set_policy(v, pol) == CSRA_OK);
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_WARN, CSRA_ERR_STMT_NOT_FRESH, "exempts"));
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);

	/* ... or its format, by name (files beside a request have no type
	 * OID); a format name the registry does not have warns. */
	static const char by_name[] = "{\"name\": \"z\", \"freshness_exempt\": [\"callback\", \"no-such-format\"]}";
	csra_policy *named = NULL;
	CHECK(csra_policy_from_json(by_name, strlen(by_name), &named, NULL, 0) == CSRA_OK);
	CHECK(csra_verifier_set_policy(v, named) == CSRA_OK);
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_WARN, CSRA_ERR_STMT_NOT_FRESH, "exempts"));
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	long fi = csra_result_find(r, "policy.formats", CSRA_ERR_POLICY_FORMAT);
	const char *fpath = NULL;
	csra_status fst = CSRA_STATUS_PASS;
	CHECK(fi >= 0);
	csra_result_check(r, (size_t)fi, NULL, &fst, NULL, NULL, &fpath);
	CHECK(fst == CSRA_STATUS_WARN && strcmp(fpath, "freshness_exempt[1]") == 0);
	size_t nwarn = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n;
		csra_result_check(r, i, &n, NULL, NULL, NULL, NULL);
		nwarn += strcmp(n, "policy.formats") == 0;
	}
	CHECK(nwarn == 1);
	csra_result_free(&r);

	/* "freshness": "required": no nonce fails the policy; with one, the
	 * confirmed statement passes. */
	static const char required[] = "{\"name\": \"y\", \"freshness\": \"required\"}";
	csra_policy *req = NULL;
	CHECK(csra_policy_from_json(required, strlen(required), &req, NULL, 0) == CSRA_OK);
	CHECK(csra_verifier_set_policy(v, req) == CSRA_OK);
	CHECK(csra_verify_request(v, der, len, NULL, 0, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_find(r, "policy.freshness", CSRA_ERR_POLICY_FRESHNESS) >= 0);
	csra_result_free(&r);
	cbseen.confirm = 1;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	CHECK(csra_result_find(r, "policy.freshness", CSRA_OK) >= 0);
	csra_result_free(&r);
	cbseen.confirm = 0;

	free(der);
	csra_verifier_free(&v);
	csra_policy_free(&pol);
	csra_policy_free(&named);
	csra_policy_free(&req);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

/* A callback that does not verify its statement: its binding was never
 * checked, and the report says so rather than "not bound". */
static int cb_refuse(void *arg, const uint8_t *type, size_t type_len, const uint8_t *stmt,
    size_t stmt_len, STACK_OF(X509) *certs, const uint8_t *nonce, size_t nonce_len, time_t at,
    csra_cb_result *res)
{
	(void)arg, (void)type, (void)type_len, (void)stmt, (void)stmt_len, (void)certs;
	(void)nonce, (void)nonce_len, (void)at;
	csra_cb_set_verified(res, 0);
	return 1;
}

static int test_callback_unverified_binding(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = cb_request(&p, &subject, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(csra_verifier_add_callback(v, priv, sizeof(priv), cb_refuse, NULL) == CSRA_OK);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(!csra_result_statement_verified(r, 0) && !csra_result_statement_bound(r, 0));
	CHECK(stmt_check(r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK,
	    "binding not checked: the statement did not verify"));
	CHECK(stmt_check(r, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "did not verify"));
	CHECK(!fails_with(r, CSRA_ERR_STMT_NOT_BOUND));
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

/* Does the report |json| give the SHA-256 of |der|/|len| as input_sha256? */
static int has_input_sha256(const char *json, const uint8_t *der, size_t len)
{
	uint8_t dg[32];
	char want[100];
	CHECK(EVP_Digest(der, len, dg, NULL, EVP_sha256(), NULL) == 1);
	int n = snprintf(want, sizeof(want), "\"input_sha256\": \"");
	for (size_t i = 0; i < sizeof(dg); i++)
		n += snprintf(want + n, sizeof(want) - (size_t)n, "%02x", dg[i]);
	if (strstr(json, want) == NULL) {
		fprintf(stderr, "  no %s\" in the report\n", want);
		return 0;
	}
	return 1;
}

/* A vendor PKI in |p| and a good attested P-256 PKCS#10 request by
 * |*subject|: the DER (free()), or NULL. */
static uint8_t *good_pkcs10(tp_pki *p, EVP_PKEY **subject, size_t *len)
{
	*subject = NULL;
	if (!tp_pki_new(p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365))
		return NULL;
	*subject = tp_key("EC", "P-256");
	return *subject != NULL ? pkcs10_for(p, *subject, &GOOD, len) : NULL;
}

static int test_json_record(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = good_pkcs10(&p, &subject, &len);
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	csra_verifier_add_trust(v, p.root);
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	char *json = csra_result_json(r);
	CHECK(json != NULL);
	CHECK(has_input_sha256(json, der, len));
	/* Each certificate of a signer's path by fingerprint and serial: the
	 * trust anchor's as OpenSSL computes them. */
	uint8_t md[32];
	unsigned mdlen = 0;
	char fp[80], want_fp[96];
	CHECK(X509_digest(p.root, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32);
	for (unsigned k = 0; k < mdlen; k++)
		snprintf(fp + 2 * k, 3, "%02x", md[k]);
	snprintf(want_fp, sizeof(want_fp), "\"sha256\": \"%s\"", fp);
	CHECK(strstr(json, want_fp) != NULL && strstr(json, "\"serial\": \"") != NULL &&
	    strstr(json, "\"not_after\": \"") != NULL);
	CHECK(strstr(json, "\"input_sha256\"") && strstr(json, "\"verified_at\"") &&
	    strstr(json, "\"policy\": \"cabf-csbr\"") && strstr(json, "\"statements\"") &&
	    strstr(json, "\"bound_to_request_key\": true") && strstr(json, "\"verdict\": \"verified\""));
	/* The statement's type, dotted (the OID table's own text). */
	CHECK(strstr(json, "\"type\": \"1.3.6.1.5.5.999\"") && strstr(json, "\"type_name\": \"PKIX Evidence\""));
	free(json);
	csra_result_free(&r);
	/* A fixed verification time is the evaluation time; the record also
	 * says when it ran, and what format and library wrote it. */
	CHECK(csra_verifier_set_time(v, 1767225600) == CSRA_OK);	/* 2026-01-01T00:00:00Z */
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK((json = csra_result_json(r)) != NULL);
	char want[64];
	snprintf(want, sizeof(want), "\"csrattest_version\": \"%s\"", csra_version());
	static const char head[] = "{\n  \"format\": \"csrattest-record\",\n  \"format_version\": 1,";
	CHECK(strncmp(json, head, sizeof(head) - 1) == 0 && strstr(json, want) != NULL);
	CHECK(strstr(json, "\"evaluated_at\": \"2026-01-01T00:00:00Z\"") != NULL &&
	    strstr(json, "\"verified_at\": \"2026-01-01T00:00:00Z\"") == NULL);
	free(json);
	csra_result_free(&r);
	CHECK(strcmp(csra_verdict_name(CSRA_VERDICT_UNKNOWN), "unknown") == 0 &&
	    strcmp(csra_verdict_name((csra_verdict)99), "?") == 0 &&
	    strcmp(csra_status_name(CSRA_STATUS_WARN), "warn") == 0);
	CHECK(csra_verifier_set_time(v, 0) == CSRA_OK);
	/* Not a request at all: reported with its digest too. */
	der[0] = 0x31;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_MALFORMED);
	CHECK((json = csra_result_json(r)) != NULL && has_input_sha256(json, der, len));
	free(json);
	csra_result_free(&r);
	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

/* A clock callback: counts its calls and gives |t| (0: fails). */
struct test_clock {
	time_t t;
	int calls;
};

static int test_clock_fn(void *arg, time_t *now)
{
	struct test_clock *c = arg;
	c->calls++;
	*now = c->t;
	return c->t != 0;
}

/* Runs |v| on |der|; 1 if statement 0 (the Evidence) failed with
 * CSRA_ERR_AK_EXPIRED, 0 if not; -1 on error. Sets |*verdict|. */
static int clock_run(const csra_verifier *v, const uint8_t *der, size_t len, csra_verdict *verdict,
    char **json)
{
	csra_result *r = NULL;
	if (csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) != CSRA_OK)
		return -1;
	*verdict = csra_result_verdict(r);
	const csra_result *st = csra_result_statement_count(r) ? csra_result_statement(r, 0) : NULL;
	int expired = st != NULL && csra_result_has_failure(st, CSRA_ERR_AK_EXPIRED);
	*json = csra_result_json(r);
	csra_result_free(&r);
	return expired;
}

/* The clock is read once per verification, and that time, not the
 * system's, judges every certificate (the Evidence's AK inside the
 * request too) and is the record's evaluated_at. */
static int test_clock_callback(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = good_pkcs10(&p, &subject, &len);	/* AK valid from now - 60 s, a year */
	CHECK(der != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	struct test_clock c = { time(NULL), 0 };
	CHECK(csra_verifier_set_clock(v, test_clock_fn, &c) == CSRA_OK);
	csra_verdict verdict;
	char *json = NULL;

	CHECK(clock_run(v, der, len, &verdict, &json) == 0);
	CHECK(c.calls == 1 && verdict == CSRA_VERDICT_VERIFIED && json != NULL);
	free(json);

	/* Two years on, by the clock: the AK has expired. */
	c.t = time(NULL) + 2 * 365 * 86400L;
	c.calls = 0;
	CHECK(clock_run(v, der, len, &verdict, &json) == 1);
	CHECK(c.calls == 1 && verdict == CSRA_VERDICT_REJECTED && json != NULL);
	struct tm tm;
	char want[64];
	CHECK(gmtime_r(&c.t, &tm) != NULL);
	CHECK(strftime(want, sizeof(want), "\"evaluated_at\": \"%Y-%m-%dT%H:%M:%SZ\"", &tm) > 0);
	CHECK(strstr(json, want) != NULL);
	free(json);

	/* A fixed time replaces the clock, and the clock a fixed time. */
	c.calls = 0;
	CHECK(csra_verifier_set_time(v, time(NULL)) == CSRA_OK);
	CHECK(clock_run(v, der, len, &verdict, &json) == 0 && verdict == CSRA_VERDICT_VERIFIED);
	CHECK(c.calls == 0);
	free(json);
	CHECK(csra_verifier_set_clock(v, test_clock_fn, &c) == CSRA_OK);
	CHECK(clock_run(v, der, len, &verdict, &json) == 1 && c.calls == 1);
	free(json);

	/* No time: nothing verified, a check saying why, no evaluated_at. */
	c.t = 0;
	c.calls = 0;
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(c.calls == 1 && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_find(r, "time.clock", CSRA_ERR_CLOCK) >= 0);
	CHECK(csra_result_statement_count(r) == 0);
	CHECK((json = csra_result_json(r)) != NULL);
	CHECK(strstr(json, "\"evaluated_at\"") == NULL && has_input_sha256(json, der, len));
	free(json);
	csra_result_free(&r);
	/* A negative time is no time either. */
	c.t = -5;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	CHECK(csra_result_find(r, "time.clock", CSRA_ERR_CLOCK) >= 0);
	csra_result_free(&r);

	/* NULL restores the system clock. */
	CHECK(csra_verifier_set_clock(v, NULL, NULL) == CSRA_OK);
	c.calls = 0;
	CHECK(clock_run(v, der, len, &verdict, &json) == 0 && verdict == CSRA_VERDICT_VERIFIED);
	CHECK(c.calls == 0);
	free(json);
	CHECK(csra_verifier_set_clock(NULL, test_clock_fn, &c) == CSRA_ERR_INVALID_ARGUMENT);

	free(der);
	csra_verifier_free(&v);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

/* Asserts that |val|/|len| opened as |td| within |d| is one structure
 * built once, and the same DER as a fresh decode of the bytes. */
static int built_once(csra_decoded *d, asn_TYPE_descriptor_t *td, const uint8_t *val, size_t len,
    void **out)
{
	void *a = NULL, *b = NULL, *fresh = NULL;
	uint8_t x[8192], y[8192];
	CHECK(csra_decoded_open(d, td, val, len, &a, NULL) == CSRA_OK);
	CHECK(csra_decoded_open(d, td, val, len, &b, NULL) == CSRA_OK);
	CHECK(a != NULL && a == b);
	CHECK(csra_decoded_open_fresh(d, td, val, len, &fresh, NULL) == CSRA_OK);
	CHECK(fresh != NULL && fresh != a);
	asn_enc_rval_t ea = der_encode_to_buffer(td, a, x, sizeof(x));
	asn_enc_rval_t ef = der_encode_to_buffer(td, fresh, y, sizeof(y));
	CHECK(ea.encoded == (ssize_t)len && ef.encoded == (ssize_t)len);
	CHECK(memcmp(x, val, len) == 0 && memcmp(y, val, len) == 0);
	*out = a;
	return 1;
}

/* The request's decode builds the bundle and the Evidence in it as it
 * walks them; opening them later takes those structures instead of
 * walking the bytes again, and they match a fresh decode. */
static int test_nested_values_built_once(void)
{
	tp_pki p;
	EVP_PKEY *subject;
	size_t len;
	uint8_t *der = good_pkcs10(&p, &subject, &len);
	csra_decoded *d = NULL;
	CHECK(der != NULL && csra_decode(NULL, CSRA_PDU_CERTIFICATION_REQUEST, der, len, &d, NULL) == CSRA_OK);
	const ANY_t *bundle_any = tu_attestation_value(d);
	CHECK(bundle_any != NULL);
	void *v;
	CHECK(built_once(d, &asn_DEF_AttestationBundle, bundle_any->buf, (size_t)bundle_any->size, &v));
	const AttestationBundle_t *b = v;
	CHECK(b->attestations.list.count == 1);
	const ANY_t *stmt = &b->attestations.list.array[0]->stmt;
	CHECK(built_once(d, &asn_DEF_Evidence, stmt->buf, (size_t)stmt->size, &v));
	int explicit_certs = -1;
	CHECK(csra_decoded_evidence_at(d, stmt->buf, (size_t)stmt->size, &explicit_certs) == v);
	CHECK(explicit_certs == 0);
	const Evidence_t *ev = v;
	int claims = 0;
	for (int i = 0; i < ev->tbs.reportedElements.list.count; i++) {
		const ReportedClaims_t *cl = &ev->tbs.reportedElements.list.array[i]->claims;
		for (int j = 0; j < cl->list.count; j++, claims++) {
			const ReportedClaim_t *c = cl->list.array[j];
			asn_TYPE_descriptor_t *td = csra_claim_type(c->claimType.buf, c->claimType.size);
			CHECK(td != NULL && c->value != NULL);
			/* Claims are decoded when opened, each time: recording
			 * so many small values would cost more than it saves. */
			void *a = NULL, *a2 = NULL;
			uint8_t x[512];
			CHECK(csra_decoded_open(d, td, c->value->buf, (size_t)c->value->size, &a, NULL) == CSRA_OK);
			CHECK(csra_decoded_open(d, td, c->value->buf, (size_t)c->value->size, &a2, NULL) == CSRA_OK);
			CHECK(a != NULL && a2 != NULL && a != a2);
			asn_enc_rval_t er = der_encode_to_buffer(td, a, x, sizeof(x));
			CHECK(er.encoded == (ssize_t)c->value->size && memcmp(x, c->value->buf, (size_t)er.encoded) == 0);
		}
	}
	CHECK(claims >= 9);
	/* Bytes that are no open-type value the decode built: none. */
	CHECK(csra_decoded_evidence_at(d, stmt->buf + 1, (size_t)stmt->size - 1, &explicit_certs) == NULL);
	csra_decoded_free(&d);
	free(der);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	return 1;
}

/* The self-signed certificate among a legacy CSR bundle's certs: the
 * root the test trusts for the shared TPM samples. */
static X509 *bundle_root(const uint8_t *der, size_t len)
{
	csra_decoded *d = NULL;
	X509 *root = NULL;
	if (csra_decode(NULL, CSRA_PDU_CERTIFICATION_REQUEST, der, len, &d, NULL) != CSRA_OK)
		return NULL;
	const CertificationRequest_t *req = csra_decoded_asn1(d);
	const CRIAttributes_t *attrs = &req->certificationRequestInfo.attributes;
	for (int i = 0; i < attrs->list.count && root == NULL; i++) {
		const CRIAttribute_t *a = attrs->list.array[i];
		void *v;
		if (!csra_oid_is(a->type.buf, a->type.size, CSRA_OID_ID_AA_ATTESTATION) ||
		    csra_decoded_open(d, &asn_DEF_EvidenceBundle, a->values.list.array[0]->buf,
		    a->values.list.array[0]->size, &v, NULL) != CSRA_OK)
			continue;
		const EvidenceBundle_t *b = v;
		for (int k = 0; b->certs && k < b->certs->list.count && root == NULL; k++) {
			const LimitedCertChoices_t *c = b->certs->list.array[k];
			uint8_t buf[8192];
			if (c->present != LimitedCertChoices_PR_certificate)
				continue;
			asn_enc_rval_t er = der_encode_to_buffer(&asn_DEF_Certificate,
			    (void *)&c->choice.certificate, buf, sizeof(buf));
			const unsigned char *p = buf;
			X509 *x = er.encoded > 0 ? d2i_X509(NULL, &p, (long)er.encoded) : NULL;
			if (x && X509_check_issued(x, x) == X509_V_OK)
				root = x;
			else
				X509_free(x);
		}
	}
	csra_decoded_free(&d);
	return root;
}

/* The shared TPM requests, their own root trusted for TPM keys, at a time
 * their certificates were valid: the
 * UTF8-hint one passes the structural and TPM checks, and cabf-csbr then
 * refuses it (RSA-2048, and a TPM reports no FIPS claims); the IA5-hint
 * one fails on its self-signature. */
static int shared_tpm(const char *file, int want_sig_ok)
{
	uint8_t *der;
	size_t len;
	char rel[128];
	snprintf(rel, sizeof(rel), "vectors/csr/%s", file);
	CHECK(tu_shared_der(rel, &der, &len));
	X509 *root = bundle_root(der, len);
	CHECK(root != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(csra_verifier_add_tpm_trust(v, root) == CSRA_OK);
	/* The sample's AK and root expired on 2024-11-20: verify within. */
	CHECK(csra_verifier_set_time(v, 1730419200) == CSRA_OK);	/* 2024-11-01 */
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NULL, 0, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK((csra_result_find(r, "request.signature", CSRA_OK) >= 0) == want_sig_ok);
	CHECK(want_sig_ok || csra_result_has_failure(r, CSRA_ERR_REQ_SIGNATURE));
	CHECK(csra_result_find(r, "bundle.legacy", CSRA_OK) >= 0);
	CHECK(csra_result_statement_count(r) == 1);
	/* the TPM statement verifies and attests the request key */
	const csra_result *st = csra_result_statement(r, 0);
	CHECK(csra_result_verdict(st) == CSRA_VERDICT_VERIFIED);
	CHECK(csra_result_statement_bound(r, 0));
	CHECK(csra_result_has_failure(r, CSRA_ERR_POLICY_KEY_ALGORITHM));
	csra_result_free(&r);
	X509_free(root);
	free(der);
	csra_verifier_free(&v);
	return 1;
}

static int test_shared_tpm_utf8(void)
{
	return shared_tpm("tpm2-certify-legacy-utf8hint.pem", 1);
}

static int test_shared_tpm_ia5_badsig(void)
{
	return shared_tpm("tpm2-certify-legacy-ia5hint-badsig.pem", 0);
}

/* The shared TPM sample's statement under |v|: verified or not, and if
 * not, tpm.ak-eku failing with CSRA_ERR_AK_NO_EKU. */
static int tpm_sample_stmt(const csra_verifier *v, const uint8_t *der, size_t len, int verified)
{
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NULL, 0, &r) == CSRA_OK);
	CHECK(csra_result_statement_count(r) == 1);
	const csra_result *st = csra_result_statement(r, 0);
	int ok = verified ? csra_result_verdict(st) == CSRA_VERDICT_VERIFIED
	    : csra_result_verdict(st) == CSRA_VERDICT_REJECTED &&
	      csra_result_find(st, "tpm.ak-eku", CSRA_ERR_AK_NO_EKU) >= 0;
	if (!ok)
		dump_failures(r, 0);
	csra_result_free(&r);
	return ok;
}

/* TPM AK EKUs: the TCG's by default; others accepted only when added
 * (csra_verifier_add_tpm_ak_eku) or named by the policy (tpm_ak_ekus). */
static int test_tpm_ak_eku_configured(void)
{
	uint8_t *der, oid[64], tcg[16];
	size_t len, olen, tlen;
	CHECK(tu_shared_der("vectors/csr/tpm2-certify-legacy-utf8hint.pem", &der, &len));
	CHECK(csra_oid_from_str(TP_EKU_EXAMPLE_OID, oid, sizeof(oid), &olen));
	CHECK(csra_oid_from_str("2.23.133.8.3", tcg, sizeof(tcg), &tlen));
	X509 *root = bundle_root(der, len);
	CHECK(root != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(csra_verifier_add_tpm_trust(v, root) == CSRA_OK);
	CHECK(csra_verifier_set_time(v, 1730419200) == CSRA_OK);	/* 2024-11-01 */
	int ok = tpm_sample_stmt(v, der, len, 1);
	CHECK(csra_verifier_add_tpm_ak_eku(v, oid, olen) == CSRA_OK);
	ok = ok && tpm_sample_stmt(v, der, len, 0);
	CHECK(csra_verifier_add_tpm_ak_eku(v, tcg, tlen) == CSRA_OK);
	ok = ok && tpm_sample_stmt(v, der, len, 1);
	/* PKIX Evidence's AK EKUs are another set. */
	CHECK(csra_verifier_add_ak_eku(v, oid, olen) == CSRA_OK);
	ok = ok && tpm_sample_stmt(v, der, len, 1);
	csra_verifier_free(&v);

	static const char json[] = "{\"name\": \"tpm\", \"tpm_ak_ekus\": [\"" TP_EKU_EXAMPLE_OID "\"]}";
	csra_policy *pol = NULL;
	char err[128];
	CHECK(csra_policy_from_json(json, sizeof(json) - 1, &pol, err, sizeof(err)) == CSRA_OK);
	v = csra_verifier_new();
	CHECK(csra_verifier_add_tpm_trust(v, root) == CSRA_OK);
	CHECK(csra_verifier_set_time(v, 1730419200) == CSRA_OK);
	CHECK(csra_verifier_set_policy(v, pol) == CSRA_OK);
	ok = ok && tpm_sample_stmt(v, der, len, 0);
	csra_verifier_free(&v);
	csra_policy_free(&pol);
	X509_free(root);
	free(der);
	return ok;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_good_p256), TU(test_good_p384), TU(test_good_rsa3072), TU(test_rsa2048_rejected),
		TU(test_key_substitution), TU(test_key_claims_wrong_or_absent), TU(test_fips_claims),
		TU(test_nonce_mismatch), TU(test_two_attributes), TU(test_two_values),
		TU(test_no_attestation), TU(test_broken_request_signature), TU(test_untrusted_ak_root),
		TU(test_intermediates_only_in_bundle), TU(test_explicit_certs_evidence), TU(test_legacy_bundle),
		TU(test_unknown_statement_type_only), TU(test_crmf_good), TU(test_crmf_bad_pop),
		TU(test_crmf_poposk_input_refused), TU(test_crmf_subject_swapped_refused),
		TU(test_crmf_cert_req_id), TU(test_crmf_two_messages), TU(test_crmf_no_public_key),
		TU(test_crmf_two_extensions), TU(test_crmf_no_attestation), TU(test_crmf_extension_not_der),
		TU(test_request_key_is_ak),
		TU(test_tpm_ak_eku_configured),
		TU(test_crmf_substituted_key), TU(test_malformed), TU(test_callback_verifier), TU(test_callback_claim_cap),
		TU(test_callback_text_nul), TU(test_callback_big_integers), TU(test_callback_bytes),
		TU(test_callback_freshness), TU(test_callback_unverified_binding),
		TU(test_json_record), TU(test_clock_callback), TU(test_nested_values_built_once), TU(test_shared_tpm_utf8), TU(test_shared_tpm_ia5_badsig),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
