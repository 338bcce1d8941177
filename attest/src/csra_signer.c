/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signers (csrattest/signer.h): OpenSSL keys, and keys held elsewhere that
 * sign a digest through a callback. Either way OpenSSL picks the digest,
 * writes the AlgorithmIdentifier and verifies the signature before it
 * leaves, so a token that signs the wrong thing is caught here.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crmf.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "csra_cbb.h"
#include "csra_cbs.h"
#include "csra_codec_int.h"
#include "csra_signer_int.h"
#include "csrattest/codec.h"
#include "csrattest/signer.h"

struct csra_signer {
	int refs;
	EVP_PKEY *key;		/* private (OpenSSL key) or public (callback) */
	csra_sign_fn fn;	/* NULL for an OpenSSL key */
	void *arg;
	const EVP_MD *pss_md;	/* RSASSA-PSS when set */
};

csra_signer *csra_signer_new_pkey(EVP_PKEY *key)
{
	if (key == NULL)
		return NULL;
	csra_signer *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	if (!EVP_PKEY_up_ref(key)) {
		free(s);
		return NULL;
	}
	s->refs = 1;
	s->key = key;
	return s;
}

csra_signer *csra_signer_new_fn(EVP_PKEY *pub, csra_sign_fn fn, void *arg)
{
	if (pub == NULL || fn == NULL ||
	    (EVP_PKEY_get_base_id(pub) != EVP_PKEY_EC && EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA))
		return NULL;
	csra_signer *s = csra_signer_new_pkey(pub);
	if (s != NULL) {
		s->fn = fn;
		s->arg = arg;
	}
	return s;
}

int csra_signer_up_ref(csra_signer *s)
{
	if (s == NULL || s->refs <= 0)
		return 0;
	s->refs++;
	return 1;
}

void csra_signer_free(csra_signer **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	csra_signer *s = *sp;
	*sp = NULL;
	if (--s->refs > 0)
		return;
	EVP_PKEY_free(s->key);
	free(s);
}

csra_err csra_signer_set_pss(csra_signer *s, const EVP_MD *md)
{
	if (s == NULL || md == NULL || EVP_PKEY_get_base_id(s->key) != EVP_PKEY_RSA)
		return CSRA_ERR_INVALID_ARGUMENT;
	s->pss_md = md;
	return CSRA_OK;
}

EVP_PKEY *csra_signer_pubkey(const csra_signer *s)
{
	return s != NULL ? s->key : NULL;
}

/* The signature algorithm for |key|: its OID and digest (NULL for EdDSA). */
static csra_err sig_alg(EVP_PKEY *key, csra_oid_id *oid, const EVP_MD **md, int *null_params)
{
	*null_params = 0;
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_EC: {
		char group[64];
		size_t glen;
		if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), &glen))
			return CSRA_ERR_INVALID_ARGUMENT;
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			*oid = CSRA_OID_ECDSA_WITH_SHA256, *md = EVP_sha256();
		else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			*oid = CSRA_OID_ECDSA_WITH_SHA384, *md = EVP_sha384();
		else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
			*oid = CSRA_OID_ECDSA_WITH_SHA512, *md = EVP_sha512();
		else
			return CSRA_ERR_INVALID_ARGUMENT;
		return CSRA_OK;
	}
	case EVP_PKEY_RSA:
		*oid = CSRA_OID_SHA256WITHRSAENCRYPTION, *md = EVP_sha256(), *null_params = 1;
		return CSRA_OK;
	case EVP_PKEY_ED25519:
		*oid = CSRA_OID_ID_ED25519, *md = NULL;
		return CSRA_OK;
	case EVP_PKEY_ED448:
		*oid = CSRA_OID_ID_ED448, *md = NULL;
		return CSRA_OK;
	default:
		return CSRA_ERR_INVALID_ARGUMENT;
	}
}

/* RSASSA-PSS with MGF1(|md|) and a salt as long as |md|'s output. With
 * |alg|, OpenSSL also writes the matching AlgorithmIdentifier there. */
static int pss_setup(EVP_PKEY_CTX *pctx, const EVP_MD *md, uint8_t *alg, size_t cap, size_t *len)
{
	OSSL_PARAM params[2];
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, EVP_MD_get_size(md)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
		return 0;
	if (alg == NULL)
		return 1;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, alg, cap);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_CTX_get_params(pctx, params) != 1 || !OSSL_PARAM_modified(&params[0]))
		return 0;
	*len = params[0].return_size;
	return *len > 0 && *len <= cap;
}

/* Signs with the callback: OpenSSL digests, the callback signs. */
static csra_err sign_fn(const csra_signer *s, const EVP_MD *md, const uint8_t *msg, size_t len,
    uint8_t *sig, size_t *sig_len)
{
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	if (EVP_Digest(msg, len, digest, &dlen, md, NULL) != 1)
		return CSRA_ERR_INTERNAL;
	csra_sig_scheme scheme = EVP_PKEY_get_base_id(s->key) == EVP_PKEY_EC ? CSRA_SCHEME_ECDSA :
	    s->pss_md != NULL ? CSRA_SCHEME_RSA_PSS : CSRA_SCHEME_RSA_PKCS1;
	*sig_len = CSRA_SIG_MAX;
	csra_err e = s->fn(s->arg, scheme, md, digest, dlen, sig, sig_len);
	if (e == CSRA_OK && (*sig_len == 0 || *sig_len > CSRA_SIG_MAX))
		e = CSRA_ERR_INTERNAL;
	return e;
}

csra_err csra_signer_sign(const csra_signer *s, const uint8_t *msg, size_t len, uint8_t **alg,
    size_t *alg_len, uint8_t **sig, size_t *sig_len)
{
	if (s == NULL || msg == NULL || alg == NULL || alg_len == NULL || sig == NULL ||
	    sig_len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*alg = *sig = NULL;
	csra_oid_id oid;
	const EVP_MD *md;
	int null_params;
	csra_err e = sig_alg(s->key, &oid, &md, &null_params);
	if (e != CSRA_OK)
		return e;
	if (s->pss_md != NULL)
		md = s->pss_md;
	if (s->fn != NULL && md == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;

	uint8_t pss_alg[128];
	size_t pss_alg_len = 0, slen = CSRA_SIG_MAX;
	uint8_t *sbuf = malloc(CSRA_SIG_MAX);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	if (sbuf == NULL || ctx == NULL) {
		e = CSRA_ERR_NOMEM;
		goto out;
	}
	if (s->fn == NULL) {
		if (EVP_DigestSignInit(ctx, &pctx, md, NULL, s->key) != 1 ||
		    (s->pss_md != NULL && !pss_setup(pctx, md, NULL, 0, NULL)) ||
		    EVP_DigestSign(ctx, NULL, &slen, msg, len) != 1 || slen > CSRA_SIG_MAX ||
		    EVP_DigestSign(ctx, sbuf, &slen, msg, len) != 1) {
			e = CSRA_ERR_INTERNAL;
			goto out;
		}
		/* OpenSSL 3.0's ECDSA signing reports success with a length of
		 * (unsigned)-1 when it could not allocate the DER signature
		 * (ossl_ecdsa_sign keeps i2d_ECDSA_SIG's -1): never read past
		 * the buffer for it. */
		if (slen == 0 || slen > CSRA_SIG_MAX) {
			e = CSRA_ERR_NOMEM;
			goto out;
		}
	} else if ((e = sign_fn(s, md, msg, len, sbuf, &slen)) != CSRA_OK) {
		goto out;
	}
	/* The check every signature gets, and the PSS AlgorithmIdentifier. */
	EVP_MD_CTX_reset(ctx);
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, s->key) != 1 ||
	    (s->pss_md != NULL && !pss_setup(pctx, md, pss_alg, sizeof(pss_alg), &pss_alg_len)) ||
	    EVP_DigestVerify(ctx, sbuf, slen, msg, len) != 1) {
		e = CSRA_ERR_INTERNAL;
		goto out;
	}
	csra_cbb c;
	if (!csra_cbb_init(&c, 32)) {
		e = CSRA_ERR_NOMEM;
		goto out;
	}
	int ok;
	if (pss_alg_len != 0)
		ok = csra_cbb_add_bytes(&c, pss_alg, pss_alg_len);
	else
		ok = csra_cbb_open(&c, 0x30) &&
		    csra_cbb_add_tlv(&c, 0x06, csra_oid_table[oid].der, csra_oid_table[oid].der_len) &&
		    (!null_params || csra_cbb_add_tlv(&c, 0x05, NULL, 0)) && csra_cbb_close(&c);
	if (!ok || !csra_cbb_finish(&c, alg, alg_len)) {
		csra_cbb_cleanup(&c);
		e = CSRA_ERR_NOMEM;
		goto out;
	}
	*sig = sbuf;
	*sig_len = slen;
	sbuf = NULL;
	e = CSRA_OK;
out:
	EVP_MD_CTX_free(ctx);
	free(sbuf);
	return e;
}

csra_err csra_x509_req_sign(X509_REQ *req, const csra_signer *s)
{
	if (req == NULL || s == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 || X509_REQ_set_pubkey(req, s->key) != 1)
		return CSRA_ERR_NOMEM;
	unsigned char *tbs = NULL;
	int n = i2d_re_X509_REQ_tbs(req, &tbs);
	if (n <= 0)
		return CSRA_ERR_INTERNAL;
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len = 0, sig_len = 0;
	csra_err e = csra_signer_sign(s, tbs, (size_t)n, &alg, &alg_len, &sig, &sig_len);
	OPENSSL_free(tbs);
	if (e != CSRA_OK)
		return e;
	const unsigned char *p = alg;
	X509_ALGOR *a = d2i_X509_ALGOR(NULL, &p, (long)alg_len);
	ASN1_BIT_STRING *bs = ASN1_BIT_STRING_new();
	e = CSRA_ERR_NOMEM;
	if (a != NULL && bs != NULL && ASN1_BIT_STRING_set(bs, sig, (int)sig_len) == 1 &&
	    X509_REQ_set1_signature_algo(req, a) == 1) {
		/* Every bit is used: without this OpenSSL would drop trailing
		 * zero octets of the signature when it encodes. */
		bs->flags &= ~0x07L;
		bs->flags |= ASN1_STRING_FLAG_BITS_LEFT;
		X509_REQ_set0_signature(req, bs);
		bs = NULL;
		e = X509_REQ_verify(req, s->key) == 1 ? CSRA_OK : CSRA_ERR_INTERNAL;
	}
	ASN1_BIT_STRING_free(bs);
	X509_ALGOR_free(a);
	free(alg);
	free(sig);
	return e;
}

/* Whether CertReqMessages |der| decodes strictly and its one POP verifies. */
static int crmf_check(const uint8_t *der, size_t len)
{
	csra_decoded *d = NULL;
	if (csra_decode(NULL, CSRA_PDU_CERT_REQ_MESSAGES, der, len, &d, NULL) != CSRA_OK)
		return 0;
	csra_decoded_free(&d);
	const unsigned char *p = der;
	OSSL_CRMF_MSGS *msgs = d2i_OSSL_CRMF_MSGS(NULL, &p, (long)len);
	int ok = msgs != NULL && p == der + len &&
	    OSSL_CRMF_MSGS_verify_popo(msgs, 0, 0, NULL, NULL) == 1;
	OSSL_CRMF_MSGS_free(msgs);
	return ok;
}

/* Whether the CertTemplate in |cert_req| (CertRequest DER) holds
 * publicKey [6] IMPLICIT SubjectPublicKeyInfo equal to |key|'s. */
static int template_key_is(const csra_cbs *cert_req, EVP_PKEY *key)
{
	csra_cbs c = *cert_req, req, tmpl, field, contents;
	uint8_t tag;
	if (!csra_cbs_get_der_element(&c, &tag, NULL, &req) ||
	    !csra_cbs_get_der_element(&req, &tag, NULL, NULL) || tag != 0x02 ||
	    !csra_cbs_get_der_element(&req, &tag, NULL, &tmpl) || tag != 0x30)
		return 0;
	while (csra_cbs_len(&tmpl) > 0) {
		if (!csra_cbs_get_der_element(&tmpl, &tag, &field, &contents))
			return 0;
		if (tag != 0xa6)
			continue;
		unsigned char *spki = NULL;
		int n = i2d_PUBKEY(key, &spki);
		csra_cbs sc, sbody;
		int eq = 0;
		if (n > 0) {
			csra_cbs_init(&sc, spki, (size_t)n);
			eq = csra_cbs_get_der_element(&sc, &tag, NULL, &sbody) &&
			    csra_cbs_len(&sbody) == csra_cbs_len(&contents) &&
			    memcmp(csra_cbs_data(&sbody), csra_cbs_data(&contents), csra_cbs_len(&contents)) == 0;
		}
		OPENSSL_free(spki);
		return eq;
	}
	return 0;
}

csra_err csra_crmf_sign(void *msgp, const csra_signer *s, uint8_t **der, size_t *len)
{
	OSSL_CRMF_MSG *msg = msgp;
	if (msg == NULL || s == NULL || der == NULL || len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*der = NULL;
	/* OpenSSL 3.0 can make a POP only with a key it holds; so the POP is
	 * written here around the certReq OpenSSL encodes. */
	unsigned char *m = NULL;
	int n = i2d_OSSL_CRMF_MSG(msg, &m);
	if (n <= 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	csra_cbs in, body, cert_req, rest;
	uint8_t tag;
	csra_cbs_init(&in, m, (size_t)n);
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len = 0, sig_len = 0;
	csra_err e = CSRA_ERR_INVALID_ARGUMENT;
	csra_cbb c;
	int cbb = 0;
	static const uint8_t unused_bits = 0;
	if (!csra_cbs_get_der_element(&in, &tag, NULL, &body) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&body, &tag, &cert_req, NULL) || tag != 0x30)
		goto out;
	/* The template must hold a subject and the signer's key: the POP
	 * proves possession of that key. */
	if (OSSL_CRMF_CERTTEMPLATE_get0_subject(OSSL_CRMF_MSG_get0_tmpl(msg)) == NULL ||
	    !template_key_is(&cert_req, s->key))
		goto out;
	/* A POP already there ([0]..[3]) is replaced; regInfo is kept. */
	rest = body;
	if (csra_cbs_len(&rest) > 0 && (csra_cbs_data(&rest)[0] & 0xc0) == 0x80) {
		csra_cbs pop;
		if (!csra_cbs_get_der_element(&rest, &tag, &pop, NULL))
			goto out;
	}
	if ((e = csra_signer_sign(s, csra_cbs_data(&cert_req), csra_cbs_len(&cert_req), &alg,
	    &alg_len, &sig, &sig_len)) != CSRA_OK)
		goto out;
	e = CSRA_ERR_NOMEM;
	if (!(cbb = csra_cbb_init(&c, (size_t)n + sig_len + 64)))
		goto out;
	/* POPOSigningKey, [1] IMPLICIT: signature over certReq's DER. */
	if (!csra_cbb_open(&c, 0x30) || !csra_cbb_open(&c, 0x30) ||
	    !csra_cbb_add_bytes(&c, csra_cbs_data(&cert_req), csra_cbs_len(&cert_req)) ||
	    !csra_cbb_open(&c, 0xa1) || !csra_cbb_add_bytes(&c, alg, alg_len) ||
	    !csra_cbb_open(&c, 0x03) || !csra_cbb_add_bytes(&c, &unused_bits, 1) ||
	    !csra_cbb_add_bytes(&c, sig, sig_len) || !csra_cbb_close(&c) || !csra_cbb_close(&c) ||
	    !csra_cbb_add_bytes(&c, csra_cbs_data(&rest), csra_cbs_len(&rest)) ||
	    !csra_cbb_close(&c) || !csra_cbb_close(&c) || !csra_cbb_finish(&c, der, len))
		goto out;
	cbb = 0;
	if (!crmf_check(*der, *len)) {
		free(*der);
		*der = NULL;
		e = CSRA_ERR_INTERNAL;
		goto out;
	}
	e = CSRA_OK;
out:
	if (cbb)
		csra_cbb_cleanup(&c);
	OPENSSL_free(m);
	free(alg);
	free(sig);
	return e;
}
