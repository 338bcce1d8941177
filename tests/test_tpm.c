/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TPM 2.0 certify statements: the draft -18 sample request verifies
 * against its own root, and each check fails with its exact code when the
 * statement is altered; statements made here with OpenSSL and libtss2-mu
 * (ECDSA, RSASSA and RSAPSS AKs, EC and RSA certified keys) verify, nonce
 * and attribute claims included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tss2/tss2_mu.h>

#include "../verify/src/csra_stmt.h"
#include "csra_cbb.h"
#include "csra_codec_int.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#include "CRIAttribute.h"
#include "CertificationRequest.h"
#include "EvidenceBundle.h"
#include "EvidenceStatement.h"
#include "TcgAttestCertify.h"

/* 2024-11-01T00:00:00Z: inside the sample certificates' validity
 * (2024-10-21 to 2024-11-20). */
#define SAMPLE_AT ((time_t)1730419200)

/* Offsets in the sample's 145-byte tpmSAttest: magic at 0, the certified
 * Name (size, nameAlg, SHA-256 digest) at 77. */
#define SAMPLE_NAME_DIGEST 81

/* The sample request, taken apart. */
typedef struct sample {
	uint8_t *attest, *sig, *pub;	/* the statement's three OCTET STRINGs */
	size_t attest_len, sig_len, pub_len;
	uint8_t *stmt;			/* the statement as received */
	size_t stmt_len;
	uint8_t *spki;			/* the request's SubjectPublicKeyInfo */
	size_t spki_len;
	STACK_OF(X509) *certs;
	X509 *root;			/* the self-signed bundle certificate */
} sample;

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	if (d != NULL && n)
		memcpy(d, p, n);
	return d;
}

/* DER of an asn1c value, malloc'd. */
static uint8_t *encode(asn_TYPE_descriptor_t *td, const void *v, size_t *len)
{
	asn_enc_rval_t er = der_encode(td, (void *)v, NULL, NULL);
	if (er.encoded <= 0)
		return NULL;
	uint8_t *p = malloc((size_t)er.encoded);
	if (p == NULL)
		return NULL;
	er = der_encode_to_buffer(td, (void *)v, p, (size_t)er.encoded);
	if (er.encoded <= 0) {
		free(p);
		return NULL;
	}
	*len = (size_t)er.encoded;
	return p;
}

static void sample_free(sample *s)
{
	free(s->attest);
	free(s->sig);
	free(s->pub);
	free(s->stmt);
	free(s->spki);
	sk_X509_pop_free(s->certs, X509_free);
	memset(s, 0, sizeof(*s));
}

static int split_stmt(sample *s)
{
	csra_decoded *d;
	CHECK(csra_decode(NULL, CSRA_PDU_TPM_CERTIFY, s->stmt, s->stmt_len, &d, NULL) == CSRA_OK);
	const TcgAttestCertify_t *t = csra_decoded_asn1(d);
	CHECK(t->tpmTPublic != NULL);
	s->attest_len = (size_t)t->tpmSAttest.size;
	s->sig_len = (size_t)t->signature.size;
	s->pub_len = (size_t)t->tpmTPublic->size;
	s->attest = dup_bytes(t->tpmSAttest.buf, s->attest_len);
	s->sig = dup_bytes(t->signature.buf, s->sig_len);
	s->pub = dup_bytes(t->tpmTPublic->buf, s->pub_len);
	csra_decoded_free(&d);
	CHECK(s->attest && s->sig && s->pub);
	return 1;
}

static int sample_load(sample *s)
{
	uint8_t *der;
	size_t len;
	csra_decoded *d;
	memset(s, 0, sizeof(*s));
	CHECK(tu_shared_der("vectors/csr/tpm2-certify-legacy-utf8hint.pem", &der, &len));
	CHECK(csra_decode(NULL, CSRA_PDU_CERTIFICATION_REQUEST, der, len, &d, NULL) == CSRA_OK);
	free(der);
	const CertificationRequest_t *req = csra_decoded_asn1(d);
	const ANY_t *val = tu_attestation_value(d);
	CHECK(val != NULL);
	csra_codec *codec = csra_codec_new();
	CHECK(codec != NULL);
	const csra_oid_entry *aa = &csra_oid_table[CSRA_OID_ID_AA_ATTESTATION];
	asn_TYPE_descriptor_t *td = csra_codec_open_type(codec, &asn_DEF_CRIAttribute,
	    aa->der, aa->der_len, val->buf, val->size);
	csra_codec_free(&codec);
	CHECK(td == &asn_DEF_EvidenceBundle);
	void *v;
	CHECK(csra_decoded_open(d, td, val->buf, val->size, &v, NULL) == CSRA_OK);
	const EvidenceBundle_t *b = v;
	CHECK(b->evidences.list.count == 1);
	const EvidenceStatement_t *st = b->evidences.list.array[0];
	CHECK(csra_oid_is(st->type.buf, st->type.size, CSRA_OID_ID_TCGATTESTCERTIFY));
	s->stmt_len = (size_t)st->stmt.size;
	s->stmt = dup_bytes(st->stmt.buf, s->stmt_len);
	s->spki = encode(&asn_DEF_SubjectPublicKeyInfo,
	    &req->certificationRequestInfo.subjectPKInfo, &s->spki_len);
	CHECK(s->stmt != NULL && s->spki != NULL);
	s->certs = sk_X509_new_null();
	CHECK(s->certs != NULL && b->certs != NULL);
	for (int i = 0; i < b->certs->list.count; i++) {
		const LimitedCertChoices_t *c = b->certs->list.array[i];
		CHECK(c->present == LimitedCertChoices_PR_certificate);
		size_t clen;
		uint8_t *cder = encode(&asn_DEF_Certificate, &c->choice.certificate, &clen);
		CHECK(cder != NULL);
		const unsigned char *p = cder;
		X509 *x = d2i_X509(NULL, &p, (long)clen);
		free(cder);
		CHECK(x != NULL && sk_X509_push(s->certs, x));
		if (X509_check_issued(x, x) == X509_V_OK)
			s->root = x;
	}
	csra_decoded_free(&d);
	CHECK(s->root != NULL);
	return split_stmt(s);
}

/* TcgAttestCertify DER from its parts; |pub| NULL leaves tpmTPublic out. */
static uint8_t *make_stmt(const uint8_t *attest, size_t alen, const uint8_t *sig, size_t slen,
    const uint8_t *pub, size_t plen, size_t *len)
{
	csra_cbb c;
	uint8_t *out = NULL;
	if (!csra_cbb_init(&c, 64 + alen + slen + plen))
		return NULL;
	csra_cbb_open(&c, 0x30);
	csra_cbb_add_tlv(&c, 0x04, attest, alen);
	csra_cbb_add_tlv(&c, 0x04, sig, slen);
	if (pub != NULL)
		csra_cbb_add_tlv(&c, 0x04, pub, plen);
	csra_cbb_close(&c);
	if (!csra_cbb_finish(&c, &out, len)) {
		csra_cbb_cleanup(&c);
		return NULL;
	}
	return out;
}

static X509_STORE *store_of(X509 *anchor)
{
	X509_STORE *st = X509_STORE_new();
	if (st != NULL && anchor != NULL && X509_STORE_add_cert(st, anchor) != 1) {
		X509_STORE_free(st);
		return NULL;
	}
	return st;
}

/* One run of csra_tpm_verify. */
typedef struct run {
	const uint8_t *stmt;
	size_t stmt_len;
	const uint8_t *spki;
	size_t spki_len;
	const uint8_t *nonce;
	size_t nonce_len;
	STACK_OF(X509) *certs;
	X509_STORE *trust;
	time_t at;
} run;

/* The AK EKUs verify() accepts; NULL: the TCG's, the default. */
static const struct csra_eku_set *g_ekus;
/* The verifier whose CRLs, param and library context apply; NULL: none. */
static const csra_verifier *g_v;

static int verify(const run *u, csra_result **r, csra_stmt_out *out)
{
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	csra_stmt_out_init(out, 0);
	in.stmt = u->stmt;
	in.stmt_len = u->stmt_len;
	in.request_spki = u->spki;
	in.request_spki_len = u->spki_len;
	in.nonce = u->nonce;
	in.nonce_len = u->nonce_len;
	in.certs = u->certs;
	in.at = u->at;
	in.v = g_v;
	*r = csra_result_new();
	CHECK(*r != NULL);
	CHECK(csra_tpm_verify(&in, u->trust, g_ekus, *r, out) == CSRA_OK);
	tu_keep_stmt_out(out);
	return 1;
}

/* Every tpm.* check passed (the nonce check may be skipped when no nonce
 * is expected); prints the others. */
static int all_pass(const csra_result *r, int nonce_skipped)
{
	int ok = 1, n = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg;
		csra_status st;
		csra_err code;
		CHECK(csra_result_check(r, i, &name, &st, &code, &msg, NULL));
		CHECK(strncmp(name, "tpm.", 4) == 0 || strcmp(name, "freshness.nonce") == 0);
		n++;
		if (st == CSRA_STATUS_PASS || (nonce_skipped && st == CSRA_STATUS_SKIP &&
		    strcmp(name, "freshness.nonce") == 0))
			continue;
		fprintf(stderr, "  %s: %s %s\n", name, csra_err_name(code), msg);
		ok = 0;
	}
	CHECK(n == 13);
	return ok;
}

static int status_of(const csra_result *r, const char *check, csra_status *st)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name;
		if (csra_result_check(r, i, &name, st, NULL, NULL, NULL) && strcmp(name, check) == 0)
			return 1;
	}
	return 0;
}

static int claim_bool(const csra_stmt_out *o, const char *el, const char *name, int want)
{
	const csra_stmt_claim *c = csra_stmt_find(o, el, name);
	if (c == NULL || c->type != CSRA_VALUE_BOOLEAN || c->boolean != want) {
		fprintf(stderr, "claim %s.%s: want %d\n", el, name, want);
		return 0;
	}
	return 1;
}

/* The sample -------------------------------------------------------- */

static int test_sample_good(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	CHECK(trust != NULL);
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, s.spki, s.spki_len, NULL, 0, s.certs, trust, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(all_pass(r, 1));
	CHECK(out.bound == 1 && out.verified == 1);
	/* No nonce given: nothing to be fresh against. */
	CHECK(out.freshness == CSRA_FRESHNESS_NONE);
	/* objectAttributes 0x00060072 */
	CHECK(claim_bool(&out, "key", "fixedTPM", 1));
	CHECK(claim_bool(&out, "key", "fixedParent", 1));
	CHECK(claim_bool(&out, "key", "sensitiveDataOrigin", 1));
	CHECK(claim_bool(&out, "key", "userWithAuth", 1));
	CHECK(claim_bool(&out, "key", "restricted", 0));
	CHECK(claim_bool(&out, "key", "decrypt", 1));
	CHECK(claim_bool(&out, "key", "sign", 1));
	CHECK(claim_bool(&out, "key", "extractable", 0));
	CHECK(claim_bool(&out, "key", "never-extractable", 1));
	CHECK(claim_bool(&out, "key", "sensitive", 1));
	CHECK(claim_bool(&out, "key", "local", 1));
	CHECK(claim_bool(&out, "platform", "clockInfo.safe", 1));
	const csra_stmt_claim *c = csra_stmt_find(&out, "platform", "firmwareVersion");
	CHECK(c != NULL && c->type == CSRA_VALUE_INTEGER && c->integer == 0x2015011300154822);
	c = csra_stmt_find(&out, "platform", "qualifiedSigner");
	CHECK(c != NULL && c->type == CSRA_VALUE_UTF8 &&
	    strcmp(c->text, "000b3b640a0cfa9397bee0d2ddc657592197a4acc47e7dc2fda5a1db3225366748bd") == 0);
	csra_result_free(&r);

	/* Its extraData, 00 ff 55 aa, as the expected nonce. */
	static const uint8_t nonce[] = { 0x00, 0xff, 0x55, 0xaa };
	u.nonce = nonce;
	u.nonce_len = sizeof(nonce);
	CHECK(verify(&u, &r, &out));
	CHECK(all_pass(r, 0));
	CHECK(out.bound == 1 && out.verified == 1);
	csra_result_free(&r);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

static int test_sample_untrusted(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *empty = store_of(NULL);
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, s.spki, s.spki_len, NULL, 0, s.certs, empty, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_has_failure(r, CSRA_ERR_AK_UNTRUSTED));
	CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_UNTRUSTED) >= 0);
	CHECK(csra_result_find(r, "tpm.signature", CSRA_OK) >= 0);
	CHECK(out.verified == 0 && out.bound == 1);
	csra_result_free(&r);

	u.trust = NULL;
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_UNTRUSTED) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	X509_STORE_free(empty);
	sample_free(&s);
	return 1;
}

static int test_sample_expired(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, s.spki, s.spki_len, NULL, 0, s.certs, trust, SAMPLE_AT + 86400 * 60 };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_EXPIRED) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

/* Before the sample AK's notBefore (2024-10-21): not yet valid, not
 * expired. */
static int test_sample_not_yet_valid(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, s.spki, s.spki_len, NULL, 0, s.certs, trust, SAMPLE_AT - 86400 * 60 };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_NOT_YET_VALID) >= 0);
	CHECK(!csra_result_has_failure(r, CSRA_ERR_AK_EXPIRED));
	CHECK(out.verified == 0);
	csra_result_free(&r);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

static int test_sample_other_key(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	EVP_PKEY *k = tp_key("EC", "P-256");
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(k, &spki);
	CHECK(n > 0);
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, spki, (size_t)n, NULL, 0, s.certs, trust, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.key", CSRA_ERR_TPM_KEY_MISMATCH) >= 0);
	CHECK(out.bound == 0 && out.verified == 1);	/* binding is separate */
	csra_result_free(&r);

	/* No request key at all. */
	u.spki = NULL;
	u.spki_len = 0;
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.key", CSRA_ERR_TPM_KEY_MISMATCH) >= 0);
	CHECK(out.bound == 0);
	csra_result_free(&r);
	OPENSSL_free(spki);
	EVP_PKEY_free(k);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

static int test_sample_nonce(void)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	static const uint8_t nonce[] = { 0xbe, 0xef, 0xca, 0xfe };
	csra_result *r;
	csra_stmt_out out;
	run u = { s.stmt, s.stmt_len, s.spki, s.spki_len, nonce, sizeof(nonce), s.certs, trust,
		SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "freshness.nonce", CSRA_ERR_TPM_NONCE) >= 0);
	CHECK(out.verified == 0 && out.bound == 1 && out.freshness == CSRA_FRESHNESS_NONE);
	csra_result_free(&r);
	/* A prefix of extraData is not it either. */
	static const uint8_t prefix[] = { 0x00, 0xff, 0x55 };
	u.nonce = prefix;
	u.nonce_len = sizeof(prefix);
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "freshness.nonce", CSRA_ERR_TPM_NONCE) >= 0);
	csra_result_free(&r);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

/* Verifies the sample with one part replaced and checks for |code| in
 * check |name|. */
static int altered(const uint8_t *attest, size_t alen, const uint8_t *sig, size_t slen,
    const uint8_t *pub, size_t plen, const char *name, csra_err code, csra_result **rp)
{
	sample s;
	CHECK(sample_load(&s));
	X509_STORE *trust = store_of(s.root);
	size_t len;
	uint8_t *stmt = make_stmt(attest ? attest : s.attest, attest ? alen : s.attest_len,
	    sig ? sig : s.sig, sig ? slen : s.sig_len, pub, plen, &len);
	CHECK(stmt != NULL);
	csra_result *r;
	csra_stmt_out out;
	run u = { stmt, len, s.spki, s.spki_len, NULL, 0, s.certs, trust, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	if (csra_result_find(r, name, code) < 0 || !csra_result_has_failure(r, code)) {
		char *j = csra_result_json(r);
		fprintf(stderr, "want %s in %s:\n%s\n", csra_err_name(code), name, j ? j : "");
		free(j);
		CHECK(0);
	}
	CHECK(out.verified == 0);
	if (rp != NULL)
		*rp = r;
	else
		csra_result_free(&r);
	free(stmt);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

static int test_sample_name_flipped(void)
{
	sample s;
	CHECK(sample_load(&s));
	s.attest[SAMPLE_NAME_DIGEST + 5] ^= 0x01;
	csra_result *r;
	CHECK(altered(s.attest, s.attest_len, NULL, 0, s.pub, s.pub_len, "tpm.name",
	    CSRA_ERR_TPM_NAME, &r));
	CHECK(csra_result_find(r, "tpm.signature", CSRA_ERR_TPM_SIGNATURE) >= 0);
	csra_result_free(&r);
	sample_free(&s);
	return 1;
}

/* tpmTPublic changed instead: the Name no longer matches, the key not. */
static int test_sample_public_flipped(void)
{
	sample s;
	CHECK(sample_load(&s));
	s.pub[s.pub_len - 1] ^= 0x01;
	csra_result *r;
	CHECK(altered(NULL, 0, NULL, 0, s.pub, s.pub_len, "tpm.name", CSRA_ERR_TPM_NAME, &r));
	CHECK(csra_result_find(r, "tpm.key", CSRA_ERR_TPM_KEY_MISMATCH) >= 0);
	CHECK(csra_result_find(r, "tpm.signature", CSRA_OK) >= 0);
	csra_result_free(&r);
	sample_free(&s);
	return 1;
}

static int test_sample_magic(void)
{
	sample s;
	CHECK(sample_load(&s));
	s.attest[0] ^= 0x80;
	CHECK(altered(s.attest, s.attest_len, NULL, 0, s.pub, s.pub_len, "tpm.attest",
	    CSRA_ERR_TPM_MAGIC, NULL));
	sample_free(&s);
	return 1;
}

static int test_sample_truncated(void)
{
	sample s;
	CHECK(sample_load(&s));
	CHECK(altered(s.attest, s.attest_len - 1, NULL, 0, s.pub, s.pub_len, "tpm.attest",
	    CSRA_ERR_TPM_MALFORMED, NULL));
	/* Too short for magic and type. */
	CHECK(altered(s.attest, 5, NULL, 0, s.pub, s.pub_len, "tpm.attest",
	    CSRA_ERR_TPM_MALFORMED, NULL));
	/* A byte too many is malformed too. */
	uint8_t *longer = malloc(s.attest_len + 1);
	CHECK(longer != NULL);
	memcpy(longer, s.attest, s.attest_len);
	longer[s.attest_len] = 0;
	CHECK(altered(longer, s.attest_len + 1, NULL, 0, s.pub, s.pub_len, "tpm.attest",
	    CSRA_ERR_TPM_MALFORMED, NULL));
	free(longer);
	/* And so is a tpmTPublic with a byte too few. */
	CHECK(altered(NULL, 0, NULL, 0, s.pub, s.pub_len - 1, "tpm.public",
	    CSRA_ERR_TPM_MALFORMED, NULL));
	/* An empty tpmTPublic is there, and malformed. */
	CHECK(altered(NULL, 0, NULL, 0, s.pub, 0, "tpm.public", CSRA_ERR_TPM_MALFORMED, NULL));
	sample_free(&s);
	return 1;
}

static int test_sample_signature_flipped(void)
{
	sample s;
	CHECK(sample_load(&s));
	s.sig[100] ^= 0x40;
	csra_result *r;
	CHECK(altered(NULL, 0, s.sig, s.sig_len, s.pub, s.pub_len, "tpm.signature",
	    CSRA_ERR_TPM_SIGNATURE, &r));
	csra_status st;
	CHECK(status_of(r, "tpm.chain", &st) && st == CSRA_STATUS_SKIP);
	csra_result_free(&r);
	sample_free(&s);
	return 1;
}

static int test_sample_no_public(void)
{
	CHECK(altered(NULL, 0, NULL, 0, NULL, 0, "tpm.public", CSRA_ERR_TPM_NO_PUBLIC, NULL));
	return 1;
}

/* The sample's bare signature wrapped as the draft says: TPMT_SIGNATURE
 * { TPM_ALG_RSASSA, TPM_ALG_SHA256, sig } verifies too. */
static int test_sample_tpmt_signature(void)
{
	sample s;
	CHECK(sample_load(&s));
	TPMT_SIGNATURE ts;
	memset(&ts, 0, sizeof(ts));
	ts.sigAlg = TPM2_ALG_RSASSA;
	ts.signature.rsassa.hash = TPM2_ALG_SHA256;
	CHECK(s.sig_len <= sizeof(ts.signature.rsassa.sig.buffer));
	ts.signature.rsassa.sig.size = (UINT16)s.sig_len;
	memcpy(ts.signature.rsassa.sig.buffer, s.sig, s.sig_len);
	uint8_t buf[sizeof(TPMT_SIGNATURE)];
	size_t off = 0;
	CHECK(Tss2_MU_TPMT_SIGNATURE_Marshal(&ts, buf, sizeof(buf), &off) == TSS2_RC_SUCCESS);
	X509_STORE *trust = store_of(s.root);
	size_t len;
	uint8_t *stmt = make_stmt(s.attest, s.attest_len, buf, off, s.pub, s.pub_len, &len);
	CHECK(stmt != NULL);
	csra_result *r;
	csra_stmt_out out;
	run u = { stmt, len, s.spki, s.spki_len, NULL, 0, s.certs, trust, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(all_pass(r, 1));
	CHECK(out.verified == 1 && out.bound == 1);
	csra_result_free(&r);

	/* The same under SHA-384 is not what the AK signed. */
	ts.signature.rsassa.hash = TPM2_ALG_SHA384;
	off = 0;
	CHECK(Tss2_MU_TPMT_SIGNATURE_Marshal(&ts, buf, sizeof(buf), &off) == TSS2_RC_SUCCESS);
	free(stmt);
	stmt = make_stmt(s.attest, s.attest_len, buf, off, s.pub, s.pub_len, &len);
	u.stmt = stmt;
	u.stmt_len = len;
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.signature", CSRA_ERR_TPM_SIGNATURE) >= 0);
	csra_result_free(&r);
	free(stmt);
	X509_STORE_free(trust);
	sample_free(&s);
	return 1;
}

static int test_not_der(void)
{
	static const uint8_t bad[] = { 0x30, 0x80, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00 };
	csra_result *r;
	csra_stmt_out out;
	run u = { bad, sizeof(bad), NULL, 0, NULL, 0, NULL, NULL, SAMPLE_AT };
	CHECK(verify(&u, &r, &out));
	CHECK(csra_result_find(r, "tpm.decode", CSRA_ERR_DER_INDEFINITE_LENGTH) >= 0);
	CHECK(csra_result_check_count(r) == 1);
	CHECK(out.verified == 0 && out.bound == 0);
	csra_result_free(&r);
	return 1;
}

/* Statements made here -------------------------------------------- */

static const uint8_t NONCE[] = { 0x6e, 0x6f, 0x6e, 0x63, 0x65, 0x2d, 0x31, 0x32 };

#define ATTRS_NEVER_EXTRACTABLE (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
	TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT)

typedef struct made {
	EVP_PKEY *root_key, *ak_key, *key;
	X509 *root, *ak;
	STACK_OF(X509) *certs;
	X509_STORE *trust;
	uint8_t *stmt;
	size_t stmt_len;
	unsigned char *spki;
	size_t spki_len;
} made;

typedef struct mopt {
	const char *ak_alg, *ak_param;	/* the AK: ("EC", "P-256"), ("RSA", "2048") */
	TPM2_ALG_ID sig_alg;		/* ECDSA, RSASSA or RSAPSS */
	TPM2_ALG_ID sig_hash;
	const char *key_alg, *key_param;	/* the certified key */
	TPMA_OBJECT attrs;
	TPM2_ALG_ID name_alg;
	TPM2_ST type;
	int bare_rsa_e;			/* RSA certified key: exponent 0 for 65537 */
	unsigned ak_flags;		/* tp_cert's; 0: digitalSignature, TCG AK EKU */
	int qn_external;		/* qualifiedName = Name, as for TPM2_LoadExternal */
	int key_is_ak;			/* the certified (and request) key is the AK's */
} mopt;

#define MADE(attrs) { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL, attrs, 0, 0, 0, 0, 0, 0 }

/* firmwareVersion of the next make(); 0: 0x0001000200030004. */
static uint64_t made_fw;

static void made_free(made *m)
{
	EVP_PKEY_free(m->root_key);
	EVP_PKEY_free(m->ak_key);
	EVP_PKEY_free(m->key);
	X509_free(m->root);
	X509_free(m->ak);
	sk_X509_free(m->certs);
	X509_STORE_free(m->trust);
	free(m->stmt);
	OPENSSL_free(m->spki);
	memset(m, 0, sizeof(*m));
}

static int bn_param(EVP_PKEY *k, const char *name, uint8_t *out, size_t len, UINT16 *size)
{
	BIGNUM *bn = NULL;
	CHECK(EVP_PKEY_get_bn_param(k, name, &bn) == 1);
	int ok = BN_bn2binpad(bn, out, (int)len) == (int)len;
	BN_free(bn);
	CHECK(ok);
	*size = (UINT16)len;
	return 1;
}

static int make_public(const mopt *o, EVP_PKEY *key, uint8_t *buf, size_t cap, size_t *len)
{
	TPMT_PUBLIC p;
	memset(&p, 0, sizeof(p));
	p.nameAlg = o->name_alg ? o->name_alg : TPM2_ALG_SHA256;
	p.objectAttributes = o->attrs;
	if (EVP_PKEY_is_a(key, "EC")) {
		p.type = TPM2_ALG_ECC;
		p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		p.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
		CHECK(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, p.unique.ecc.x.buffer, 32,
		    &p.unique.ecc.x.size));
		CHECK(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, p.unique.ecc.y.buffer, 32,
		    &p.unique.ecc.y.size));
	} else {
		p.type = TPM2_ALG_RSA;
		p.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
		p.parameters.rsaDetail.keyBits = (UINT16)EVP_PKEY_get_bits(key);
		p.parameters.rsaDetail.exponent = o->bare_rsa_e ? 0 : 65537;
		CHECK(bn_param(key, OSSL_PKEY_PARAM_RSA_N, p.unique.rsa.buffer,
		    (size_t)EVP_PKEY_get_size(key), &p.unique.rsa.size));
	}
	*len = 0;
	CHECK(Tss2_MU_TPMT_PUBLIC_Marshal(&p, buf, cap, len) == TSS2_RC_SUCCESS);
	return 1;
}

static int sign_tpmt(const mopt *o, EVP_PKEY *ak, const uint8_t *msg, size_t mlen, uint8_t *buf,
    size_t cap, size_t *len)
{
	const EVP_MD *md = o->sig_hash == TPM2_ALG_SHA384 ? EVP_sha384() :
	    o->sig_hash == TPM2_ALG_SHA512 ? EVP_sha512() :
	    o->sig_hash == TPM2_ALG_SHA1 ? EVP_sha1() : EVP_sha256();
	TPM2_ALG_ID hash = o->sig_hash ? o->sig_hash : TPM2_ALG_SHA256;
	uint8_t sig[1024];
	size_t slen = sizeof(sig);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	CHECK(m != NULL && EVP_DigestSignInit(m, &pctx, md, NULL, ak) == 1);
	if (o->sig_alg == TPM2_ALG_RSAPSS) {
		CHECK(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0);
		CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0);
	}
	CHECK(EVP_DigestSign(m, sig, &slen, msg, mlen) == 1);
	EVP_MD_CTX_free(m);
	TPMT_SIGNATURE ts;
	memset(&ts, 0, sizeof(ts));
	ts.sigAlg = o->sig_alg;
	if (o->sig_alg == TPM2_ALG_ECDSA) {
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)slen);
		CHECK(es != NULL);
		ts.signature.ecdsa.hash = hash;
		int ok = BN_bn2binpad(ECDSA_SIG_get0_r(es), ts.signature.ecdsa.signatureR.buffer, 32) == 32 &&
		    BN_bn2binpad(ECDSA_SIG_get0_s(es), ts.signature.ecdsa.signatureS.buffer, 32) == 32;
		ECDSA_SIG_free(es);
		CHECK(ok);
		ts.signature.ecdsa.signatureR.size = ts.signature.ecdsa.signatureS.size = 32;
	} else {
		TPMS_SIGNATURE_RSA *rs = o->sig_alg == TPM2_ALG_RSASSA ? &ts.signature.rsassa :
		    &ts.signature.rsapss;
		rs->hash = hash;
		CHECK(slen <= sizeof(rs->sig.buffer));
		memcpy(rs->sig.buffer, sig, slen);
		rs->sig.size = (UINT16)slen;
	}
	*len = 0;
	CHECK(Tss2_MU_TPMT_SIGNATURE_Marshal(&ts, buf, cap, len) == TSS2_RC_SUCCESS);
	return 1;
}

/* A root, an AK certified by it, a certified key and its statement. */
static int make(const mopt *o, made *m)
{
	memset(m, 0, sizeof(*m));
	m->root_key = tp_key("EC", "P-256");
	m->ak_key = tp_key(o->ak_alg, o->ak_param);
	m->key = tp_key(o->key_alg ? o->key_alg : "EC", o->key_param ? o->key_param : "P-256");
	if (o->key_is_ak && m->key != NULL && m->ak_key != NULL && EVP_PKEY_up_ref(m->ak_key)) {
		EVP_PKEY_free(m->key);
		m->key = m->ak_key;
	}
	CHECK(m->root_key && m->ak_key && m->key);
	m->root = tp_cert("TPM root", m->root_key, NULL, NULL, TP_CA, -3600, 86400);
	m->ak = tp_cert("TPM AK", m->ak_key, m->root, m->root_key, o->ak_flags ? o->ak_flags :
	    TP_DIGSIG | TP_EKU_TPM_AK, -3600, 86400);
	CHECK(m->root && m->ak);
	m->certs = sk_X509_new_null();
	CHECK(m->certs && sk_X509_push(m->certs, m->root) && sk_X509_push(m->certs, m->ak));
	m->trust = store_of(m->root);
	CHECK(m->trust != NULL);

	uint8_t pub[sizeof(TPMT_PUBLIC)];
	size_t plen;
	CHECK(make_public(o, m->key, pub, sizeof(pub), &plen));

	TPMS_ATTEST a;
	memset(&a, 0, sizeof(a));
	a.magic = TPM2_GENERATED_VALUE;
	a.type = o->type ? o->type : TPM2_ST_ATTEST_CERTIFY;
	a.qualifiedSigner.size = 4;
	memcpy(a.qualifiedSigner.name, "\x00\x0b\xab\xcd", 4);
	a.extraData.size = sizeof(NONCE);
	memcpy(a.extraData.buffer, NONCE, sizeof(NONCE));
	a.clockInfo.clock = 123456;
	a.clockInfo.safe = 1;
	a.firmwareVersion = made_fw ? made_fw : 0x0001000200030004ull;
	if (a.type == TPM2_ST_ATTEST_CERTIFY) {
		/* Name = nameAlg || SHA-256(TPMT_PUBLIC), when nameAlg is SHA-256. */
		TPM2B_NAME *nm = &a.attested.certify.name;
		nm->name[0] = 0x00;
		nm->name[1] = 0x0b;
		unsigned int dl = 0;
		CHECK(EVP_Digest(pub, plen, nm->name + 2, &dl, EVP_sha256(), NULL) == 1);
		nm->size = (UINT16)(2 + dl);
		/* QN = nameAlg || H(TPM_RH_OWNER || Name), a primary in the
		 * owner hierarchy (TPM 2.0 Part 1, Names); a loaded external
		 * object's is its Name. */
		a.attested.certify.qualifiedName = *nm;
		if (!o->qn_external) {
			uint8_t buf[4 + sizeof(nm->name)] = { 0x40, 0x00, 0x00, 0x01 };
			TPM2B_NAME *qn = &a.attested.certify.qualifiedName;
			memcpy(buf + 4, nm->name, nm->size);
			CHECK(EVP_Digest(buf, 4 + (size_t)nm->size, qn->name + 2, &dl, EVP_sha256(),
			    NULL) == 1);
		}
	}
	uint8_t att[sizeof(TPMS_ATTEST)];
	size_t alen = 0;
	CHECK(Tss2_MU_TPMS_ATTEST_Marshal(&a, att, sizeof(att), &alen) == TSS2_RC_SUCCESS);

	uint8_t sig[sizeof(TPMT_SIGNATURE)];
	size_t slen;
	CHECK(sign_tpmt(o, m->ak_key, att, alen, sig, sizeof(sig), &slen));
	m->stmt = make_stmt(att, alen, sig, slen, pub, plen, &m->stmt_len);
	int n = i2d_PUBKEY(m->key, &m->spki);
	CHECK(m->stmt != NULL && n > 0);
	m->spki_len = (size_t)n;
	return 1;
}

static int made_verify(made *m, const uint8_t *nonce, size_t nonce_len, csra_result **r,
    csra_stmt_out *out)
{
	run u = { m->stmt, m->stmt_len, m->spki, m->spki_len, nonce, nonce_len, m->certs,
		m->trust, time(NULL) };
	return verify(&u, r, out);
}

static int good(const mopt *o)
{
	made m;
	CHECK(make(o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(all_pass(r, 0));
	CHECK(out.verified == 1 && out.bound == 1);
	/* extraData is the nonce: the statement is fresh, under the name
	 * every statement type's freshness check has. */
	CHECK(out.freshness == CSRA_FRESHNESS_NONCE);
	CHECK(csra_result_find(r, "freshness.nonce", CSRA_OK) >= 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

static int test_made_ecdsa_ak(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(all_pass(r, 0));
	CHECK(out.verified == 1 && out.bound == 1);
	CHECK(claim_bool(&out, "key", "fixedTPM", 1));
	CHECK(claim_bool(&out, "key", "fixedParent", 1));
	CHECK(claim_bool(&out, "key", "sensitiveDataOrigin", 1));
	CHECK(claim_bool(&out, "key", "userWithAuth", 1));
	CHECK(claim_bool(&out, "key", "restricted", 0));
	CHECK(claim_bool(&out, "key", "decrypt", 0));
	CHECK(claim_bool(&out, "key", "sign", 1));
	CHECK(claim_bool(&out, "key", "extractable", 0));
	CHECK(claim_bool(&out, "key", "never-extractable", 1));
	CHECK(claim_bool(&out, "key", "sensitive", 1));
	CHECK(claim_bool(&out, "key", "local", 1));
	CHECK(claim_bool(&out, "platform", "clockInfo.safe", 1));
	const csra_stmt_claim *c = csra_stmt_find(&out, "platform", "firmwareVersion");
	CHECK(c != NULL && c->type == CSRA_VALUE_INTEGER && c->integer == 0x0001000200030004ll);
	c = csra_stmt_find(&out, "platform", "qualifiedSigner");
	CHECK(c != NULL && strcmp(c->text, "000babcd") == 0);
	csra_result_free(&r);

	/* Another nonce. */
	CHECK(made_verify(&m, NONCE, sizeof(NONCE) - 1, &r, &out));
	CHECK(csra_result_find(r, "freshness.nonce", CSRA_ERR_TPM_NONCE) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);

	/* The AK certificate alone in the bundle: the root is the anchor. */
	CHECK(sk_X509_shift(m.certs) == m.root);
	CHECK(made_verify(&m, NULL, 0, &r, &out));
	CHECK(all_pass(r, 1));
	csra_result_free(&r);

	/* No AK certificate. */
	CHECK(sk_X509_shift(m.certs) == m.ak);
	CHECK(sk_X509_push(m.certs, m.root));
	CHECK(made_verify(&m, NULL, 0, &r, &out));
	CHECK(csra_result_find(r, "tpm.signature", CSRA_ERR_TPM_SIGNATURE) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* Two certificates for the AK's key: the one that chains is the AK. */
static int test_made_decoy_ak_cert(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	X509 *decoy = tp_cert("decoy AK", m.ak_key, NULL, NULL, TP_DIGSIG, -3600, 86400);
	CHECK(decoy != NULL && sk_X509_unshift(m.certs, decoy));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(all_pass(r, 0));
	CHECK(out.verified == 1);
	const char *msg;
	long i = csra_result_find(r, "tpm.chain", CSRA_OK);
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, NULL, NULL, &msg, NULL));
	CHECK(strstr(msg, "certificate 2") != NULL);
	csra_result_free(&r);

	/* The decoy alone: self-signed, not an anchor. */
	CHECK(sk_X509_pop(m.certs) == m.ak);
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(csra_result_find(r, "tpm.signature", CSRA_OK) >= 0);
	CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_UNTRUSTED) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	CHECK(sk_X509_shift(m.certs) == decoy);
	X509_free(decoy);
	made_free(&m);
	return 1;
}

/* A duplicable key generated outside the TPM (TPM2_Import, or loaded
 * with TPM2_LoadExternal): the claims say so, and the statement does not
 * verify: the key is not shown to have been created in the TPM. */
static int test_made_extractable(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_DECRYPT |
		TPMA_OBJECT_RESTRICTED, 0, 0, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(csra_result_find(r, "tpm.created", CSRA_ERR_TPM_NOT_CREATED) >= 0);
	CHECK(csra_result_find(r, "tpm.chain", CSRA_OK) >= 0);
	CHECK(out.verified == 0 && out.bound == 1);
	CHECK(claim_bool(&out, "key", "fixedTPM", 0));
	CHECK(claim_bool(&out, "key", "fixedParent", 0));
	CHECK(claim_bool(&out, "key", "sensitiveDataOrigin", 0));
	CHECK(claim_bool(&out, "key", "restricted", 1));
	CHECK(claim_bool(&out, "key", "decrypt", 1));
	CHECK(claim_bool(&out, "key", "extractable", 1));
	CHECK(claim_bool(&out, "key", "never-extractable", 0));
	CHECK(claim_bool(&out, "key", "sensitive", 0));
	CHECK(claim_bool(&out, "key", "local", 0));
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* A UINT64 firmwareVersion past INT64_MAX had no claim: now a big
 * INTEGER, exact. */
static int test_made_firmware_big(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	made m;
	made_fw = 0x8000000000000001ull;
	int ok = make(&o, &m);
	made_fw = 0;
	CHECK(ok);
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(all_pass(r, 0) && out.verified == 1);
	const csra_stmt_claim *c = csra_stmt_find(&out, "platform", "firmwareVersion");
	static const uint8_t want[] = { 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0x01 };
	CHECK(c != NULL && c->type == CSRA_VALUE_INTEGER && c->big && !c->negative &&
	    c->len == sizeof(want) && memcmp(c->bytes, want, sizeof(want)) == 0);
	char dec[32];
	CHECK(strcmp(csra_int_decimal(c->bytes, c->len, dec, sizeof(dec)), "9223372036854775809") == 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

static int test_made_rsassa_ak(void)
{
	mopt o = { "RSA", "2048", TPM2_ALG_RSASSA, TPM2_ALG_SHA384, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	return good(&o);
}

static int test_made_rsapss_ak_rsa_key(void)
{
	mopt o = { "RSA", "3072", TPM2_ALG_RSAPSS, TPM2_ALG_SHA256, "RSA", "2048",
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	CHECK(good(&o));
	o.bare_rsa_e = 1;	/* exponent 0 in TPMT_PUBLIC means 65537 */
	return good(&o);
}

static int test_made_sha1_signature_refused(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA1, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NULL, 0, &r, &out));
	CHECK(csra_result_find(r, "tpm.signature", CSRA_ERR_TPM_SIGNATURE) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* nameAlg SM3 (not offered): the Name cannot be checked: refused as a
 * nameAlg. */
static int test_made_unknown_name_alg(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, TPM2_ALG_SM3_256, 0, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NULL, 0, &r, &out));
	CHECK(csra_result_find(r, "tpm.name", CSRA_ERR_TPM_NAME_ALG) >= 0);
	CHECK(out.verified == 0 && out.bound == 1);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* A signed quote is not a certify. */
static int test_made_wrong_type(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, TPM2_ST_ATTEST_QUOTE, 0, 0, 0, 0 };
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NULL, 0, &r, &out));
	CHECK(csra_result_find(r, "tpm.attest", CSRA_ERR_TPM_TYPE) >= 0);
	csra_status st;
	CHECK(status_of(r, "tpm.name", &st) && st == CSRA_STATUS_SKIP);
	CHECK(csra_result_find(r, "tpm.signature", CSRA_OK) >= 0);
	CHECK(out.verified == 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* One made statement whose check |name| fails with |code| (and which then
 * does not verify). */
static int made_fails(const mopt *o, const char *name, csra_err code)
{
	made m;
	CHECK(make(o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	if (csra_result_find(r, name, code) < 0) {
		char *j = csra_result_json(r);
		fprintf(stderr, "want %s in %s:\n%s\n", csra_err_name(code), name, j ? j : "");
		free(j);
		CHECK(0);
	}
	CHECK(out.verified == 0);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* A CA certificate is no AK certificate, with digitalSignature and the
 * TCG AK EKU or not. */
/* The verifier's CRLs apply to TPM AK chains: a revoked AK fails
 * tpm.chain with its own code; a current CRL revoking nothing passes. */
static int test_made_ak_revoked(void)
{
	mopt o = { "EC", "P-256", TPM2_ALG_ECDSA, TPM2_ALG_SHA256, NULL, NULL,
		ATTRS_NEVER_EXTRACTABLE, 0, 0, 0, 0, 0, 0 };
	made m;
	csra_result *r;
	csra_stmt_out out;
	CHECK(make(&o, &m));
	for (int revoke = 0; revoke < 2; revoke++) {
		csra_verifier *v = csra_verifier_new();
		X509_CRL *crl = tp_crl(m.root, m.root_key, revoke ? m.ak : NULL, -600, 86400);
		CHECK(v != NULL && crl != NULL && csra_verifier_add_crl(v, crl) == CSRA_OK);
		X509_CRL_free(crl);
		g_v = v;
		int ran = made_verify(&m, NONCE, sizeof(NONCE), &r, &out);
		g_v = NULL;
		csra_verifier_free(&v);
		CHECK(ran);
		if (revoke)
			CHECK(csra_result_find(r, "tpm.chain", CSRA_ERR_AK_REVOKED) >= 0 && out.verified == 0);
		else
			CHECK(all_pass(r, 0) && out.verified == 1);
		csra_result_free(&r);
	}
	made_free(&m);
	return 1;
}

static int test_made_ak_is_ca(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.ak_flags = TP_CA | TP_DIGSIG | TP_EKU_TPM_AK;
	CHECK(made_fails(&o, "tpm.ak-basic-constraints", CSRA_ERR_AK_IS_CA));
	/* CA:TRUE, keyCertSign only, no EKU: every check says so. */
	o.ak_flags = TP_CA;
	CHECK(made_fails(&o, "tpm.ak-basic-constraints", CSRA_ERR_AK_IS_CA));
	CHECK(made_fails(&o, "tpm.ak-key-usage", CSRA_ERR_AK_NO_DIGITAL_SIGNATURE));
	CHECK(made_fails(&o, "tpm.ak-eku", CSRA_ERR_AK_NO_EKU));
	return 1;
}

static int test_made_ak_no_digital_signature(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.ak_flags = TP_EKU_TPM_AK;	/* keyEncipherment */
	return made_fails(&o, "tpm.ak-key-usage", CSRA_ERR_AK_NO_DIGITAL_SIGNATURE);
}

/* Without tcg-kp-AIKCertificate the AK certificate is refused; another
 * EKU (the PKIX Evidence placeholder here) only when configured. */
static int test_made_ak_eku(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.ak_flags = TP_DIGSIG;
	CHECK(made_fails(&o, "tpm.ak-eku", CSRA_ERR_AK_NO_EKU));
	o.ak_flags = TP_DIGSIG | TP_EKU_AK;
	CHECK(made_fails(&o, "tpm.ak-eku", CSRA_ERR_AK_NO_EKU));
	struct csra_eku_set set = { NULL, 0 };
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY];
	CHECK(csra_eku_set_add(&set, e->der, e->der_len) == 1);
	g_ekus = &set;
	int ok = good(&o);
	/* ... and then the TCG's is not accepted unless listed too. */
	o.ak_flags = TP_DIGSIG | TP_EKU_TPM_AK;
	ok = ok && made_fails(&o, "tpm.ak-eku", CSRA_ERR_AK_NO_EKU);
	g_ekus = NULL;
	csra_eku_set_clear(&set);
	CHECK(ok);
	return good(&o);
}

/* A SHA-1 Name: refused whatever else holds. */
static int test_made_sha1_name_alg(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.name_alg = TPM2_ALG_SHA1;
	return made_fails(&o, "tpm.name", CSRA_ERR_TPM_NAME_ALG);
}

/* The AK certifies itself and the request key is the AK's key: bound, and
 * refused. */
static int test_made_ak_is_request_key(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.key_is_ak = 1;
	return made_fails(&o, "tpm.ak-request-key", CSRA_ERR_AK_IS_REQUEST_KEY);
}

/* TPM2_LoadExternal with a sensitive area (Part 3, LoadExternal): null
 * hierarchy, fixedTPM and fixedParent CLEAR; sensitiveDataOrigin is not
 * checked, so the loader may set it; the TPM sets qualifiedName to the
 * Name. Certifiable, and not created in the TPM. */
static int test_made_load_external_with_sensitive(void)
{
	mopt o = MADE(TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
	    TPMA_OBJECT_SIGN_ENCRYPT);
	o.qn_external = 1;
	made m;
	CHECK(make(&o, &m));
	csra_result *r;
	csra_stmt_out out;
	CHECK(made_verify(&m, NONCE, sizeof(NONCE), &r, &out));
	CHECK(csra_result_find(r, "tpm.created", CSRA_ERR_TPM_NOT_CREATED) >= 0);
	CHECK(out.verified == 0);
	/* Both reasons are reported: the attributes and the QN. */
	size_t n = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name;
		csra_err code;
		CHECK(csra_result_check(r, i, &name, NULL, &code, NULL, NULL));
		n += strcmp(name, "tpm.created") == 0 && code == CSRA_ERR_TPM_NOT_CREATED;
	}
	CHECK(n == 2);
	csra_result_free(&r);
	made_free(&m);
	return 1;
}

/* A public area alone, loaded with TPM2_LoadExternal, may carry any
 * attributes; a TPM will not certify it (no ADMIN authorization for an
 * object without its sensitive area), and one that did would report the
 * Name as its qualifiedName: refused however fixed its attributes say it
 * is. */
static int test_made_load_external_public_only(void)
{
	mopt o = MADE(ATTRS_NEVER_EXTRACTABLE);
	o.qn_external = 1;
	return made_fails(&o, "tpm.created", CSRA_ERR_TPM_NOT_CREATED);
}

/* fixedTPM and fixedParent, but the caller supplied the key material
 * (sensitiveDataOrigin CLEAR): not generated by the TPM. */
static int test_made_not_tpm_generated(void)
{
	mopt o = MADE(TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_USERWITHAUTH |
	    TPMA_OBJECT_SIGN_ENCRYPT);
	return made_fails(&o, "tpm.created", CSRA_ERR_TPM_NOT_CREATED);
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_sample_good), TU(test_sample_untrusted), TU(test_sample_expired), TU(test_sample_not_yet_valid),
		TU(test_sample_other_key), TU(test_sample_nonce), TU(test_sample_name_flipped),
		TU(test_sample_public_flipped), TU(test_sample_magic), TU(test_sample_truncated),
		TU(test_sample_signature_flipped), TU(test_sample_no_public),
		TU(test_sample_tpmt_signature), TU(test_not_der),
		TU(test_made_ecdsa_ak), TU(test_made_decoy_ak_cert), TU(test_made_extractable), TU(test_made_firmware_big), TU(test_made_rsassa_ak),
		TU(test_made_rsapss_ak_rsa_key), TU(test_made_sha1_signature_refused),
		TU(test_made_unknown_name_alg), TU(test_made_wrong_type),
		TU(test_made_ak_revoked), TU(test_made_ak_is_ca), TU(test_made_ak_no_digital_signature), TU(test_made_ak_eku),
		TU(test_made_sha1_name_alg), TU(test_made_ak_is_request_key),
		TU(test_made_load_external_with_sensitive), TU(test_made_load_external_public_only),
		TU(test_made_not_tpm_generated),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
