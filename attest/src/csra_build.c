/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Evidence encoder. It writes DER directly (csra_cbb) rather than filling
 * asn1c structures: the structure is small and fixed, and every result is
 * read back through the strict decoder before it leaves, so the encoder
 * cannot emit what the decoder would refuse.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_codec_int.h"
#include "csra_signer_int.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"

struct element {
	uint8_t *oid;
	size_t oid_len;
	csra_cbb claims;
};

struct signer {
	csra_signer *signer;
	X509 *cert;
	unsigned sid;
	uint8_t *keyid;
	size_t keyid_len;
	uint8_t *alg;		/* AlgorithmIdentifier override (tests) */
	size_t alg_len;
};

struct csra_evb {
	int64_t version;
	struct element *elements;
	size_t nelements;
	struct signer *signers;
	size_t nsigners;
	STACK_OF(X509) *intermediates;
	int explicit_certs;
	int raw_used;
};

csra_evb *csra_evb_new(void)
{
	csra_evb *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->version = 1;
	b->intermediates = sk_X509_new_null();
	if (b->intermediates == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void csra_evb_free(csra_evb **bp)
{
	if (bp == NULL || *bp == NULL)
		return;
	csra_evb *b = *bp;
	for (size_t i = 0; i < b->nelements; i++) {
		free(b->elements[i].oid);
		csra_cbb_cleanup(&b->elements[i].claims);
	}
	free(b->elements);
	for (size_t i = 0; i < b->nsigners; i++) {
		csra_signer_free(&b->signers[i].signer);
		X509_free(b->signers[i].cert);
		free(b->signers[i].keyid);
		free(b->signers[i].alg);
	}
	free(b->signers);
	sk_X509_pop_free(b->intermediates, X509_free);
	free(b);
	*bp = NULL;
}

csra_err csra_evb_set_version(csra_evb *b, int64_t version)
{
	if (b == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	b->version = version;
	return CSRA_OK;
}

csra_err csra_evb_set_explicit_certs(csra_evb *b, int on)
{
	if (b == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	b->explicit_certs = on != 0;
	return CSRA_OK;
}

csra_err csra_evb_add_element_oid(csra_evb *b, const uint8_t *oid, size_t len, size_t *idx)
{
	if (b == NULL || oid == NULL || len == 0 || idx == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct element *n = realloc(b->elements, (b->nelements + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	b->elements = n;
	struct element *e = &n[b->nelements];
	memset(e, 0, sizeof(*e));
	e->oid = malloc(len);
	if (e->oid == NULL || !csra_cbb_init(&e->claims, 128)) {
		free(e->oid);
		return CSRA_ERR_NOMEM;
	}
	memcpy(e->oid, oid, len);
	e->oid_len = len;
	*idx = b->nelements++;
	return CSRA_OK;
}

csra_err csra_evb_add_element(csra_evb *b, csra_element el, size_t *idx)
{
	size_t len;
	const uint8_t *oid = csra_element_oid(el, &len);
	if (oid == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_evb_add_element_oid(b, oid, len, idx);
}

/* Appends SEQUENCE { claimType, value } where |write| writes the value. */
static csra_err add_claim(csra_evb *b, size_t idx, csra_claim c, csra_value_type type,
    int (*write)(csra_cbb *, const void *), const void *arg)
{
	size_t oid_len;
	const csra_claim_info *info = csra_claim_get(c);
	if (b == NULL || idx >= b->nelements || info == NULL || info->type != type)
		return CSRA_ERR_INVALID_ARGUMENT;
	const uint8_t *oid = csra_claim_oid(c, &oid_len);
	csra_cbb *cb = &b->elements[idx].claims;
	if (!csra_cbb_open(cb, 0x30) || !csra_cbb_add_tlv(cb, 0x06, oid, oid_len) ||
	    !write(cb, arg) || !csra_cbb_close(cb))
		return CSRA_ERR_NOMEM;
	return CSRA_OK;
}

static int w_bool(csra_cbb *c, const void *v)
{
	return csra_cbb_add_bool(c, *(const int *)v);
}

static int w_int(csra_cbb *c, const void *v)
{
	return csra_cbb_add_int(c, *(const int64_t *)v);
}

struct bytes {
	uint8_t tag;
	const uint8_t *p;
	size_t n;
};

static int w_bytes(csra_cbb *c, const void *v)
{
	const struct bytes *b = v;
	return csra_cbb_add_tlv(c, b->tag, b->p, b->n);
}

static int w_purposes(csra_cbb *c, const void *v)
{
	unsigned set = *(const unsigned *)v;
	if (!csra_cbb_open(c, 0x30))
		return 0;
	for (unsigned bit = 1; bit != 0 && bit <= set; bit <<= 1) {
		size_t len;
		const uint8_t *oid;
		if (!(set & bit))
			continue;
		if ((oid = csra_purpose_oid(bit, &len)) == NULL || !csra_cbb_add_tlv(c, 0x06, oid, len))
			return 0;
	}
	return csra_cbb_close(c);
}

static int w_none(csra_cbb *c, const void *v)
{
	(void)c;
	(void)v;
	return 1;
}

csra_err csra_evb_add_empty(csra_evb *b, size_t idx, csra_claim c)
{
	const csra_claim_info *info = csra_claim_get(c);
	if (info == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return add_claim(b, idx, c, info->type, w_none, NULL);
}

csra_err csra_evb_add_bool(csra_evb *b, size_t idx, csra_claim c, int v)
{
	return add_claim(b, idx, c, CSRA_VALUE_BOOLEAN, w_bool, &v);
}

csra_err csra_evb_add_int(csra_evb *b, size_t idx, csra_claim c, int64_t v)
{
	return add_claim(b, idx, c, CSRA_VALUE_INTEGER, w_int, &v);
}

csra_err csra_evb_add_octets(csra_evb *b, size_t idx, csra_claim c, const uint8_t *p, size_t n)
{
	struct bytes v = { 0x04, p, n };
	if (p == NULL && n != 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	return add_claim(b, idx, c, CSRA_VALUE_OCTETS, w_bytes, &v);
}

csra_err csra_evb_add_utf8(csra_evb *b, size_t idx, csra_claim c, const char *s, size_t n)
{
	struct bytes v = { 0x0c, (const uint8_t *)s, n };
	if (s == NULL && n != 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	return add_claim(b, idx, c, CSRA_VALUE_UTF8, w_bytes, &v);
}

csra_err csra_evb_add_time(csra_evb *b, size_t idx, csra_claim c, time_t t)
{
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	size_t n = strftime(buf, sizeof(buf), "%Y%m%d%H%M%SZ", &tm);
	struct bytes v = { 0x18, (const uint8_t *)buf, n };
	return add_claim(b, idx, c, CSRA_VALUE_TIME, w_bytes, &v);
}

csra_err csra_evb_add_purposes(csra_evb *b, size_t idx, unsigned purposes)
{
	if (purposes >= (CSRA_PURPOSE_DERIVE << 1))
		return CSRA_ERR_INVALID_ARGUMENT;
	return add_claim(b, idx, CSRA_CLAIM_KEY_PURPOSE, CSRA_VALUE_PURPOSES, w_purposes, &purposes);
}

csra_err csra_evb_add_raw(csra_evb *b, size_t idx, const uint8_t *oid, size_t oid_len,
    const uint8_t *val, size_t val_len)
{
	if (b == NULL || idx >= b->nelements || oid == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	csra_cbb *cb = &b->elements[idx].claims;
	if (!csra_cbb_open(cb, 0x30) || !csra_cbb_add_tlv(cb, 0x06, oid, oid_len) ||
	    (val != NULL && !csra_cbb_add_bytes(cb, val, val_len)) || !csra_cbb_close(cb))
		return CSRA_ERR_NOMEM;
	b->raw_used = 1;
	return CSRA_OK;
}

csra_err csra_evb_add_signer_ex(csra_evb *b, csra_signer *signer, X509 *cert, unsigned sid,
    const uint8_t *keyid, size_t keyid_len)
{
	if (b == NULL || signer == NULL || (sid & ~7u) || ((sid & CSRA_SID_CERT) && cert == NULL))
		return CSRA_ERR_INVALID_ARGUMENT;
	if ((sid & CSRA_SID_KEYID) && keyid == NULL &&
	    (cert == NULL || X509_get0_subject_key_id(cert) == NULL))
		return CSRA_ERR_INVALID_ARGUMENT;
	struct signer *n = realloc(b->signers, (b->nsigners + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	b->signers = n;
	struct signer *s = &n[b->nsigners];
	memset(s, 0, sizeof(*s));
	if (keyid != NULL) {
		if ((s->keyid = malloc(keyid_len ? keyid_len : 1)) == NULL)
			return CSRA_ERR_NOMEM;
		memcpy(s->keyid, keyid, keyid_len);
		s->keyid_len = keyid_len;
	}
	if (cert != NULL && !X509_up_ref(cert)) {
		free(s->keyid);
		return CSRA_ERR_INTERNAL;
	}
	csra_signer_up_ref(signer);
	s->signer = signer;
	s->cert = cert;
	s->sid = sid;
	b->nsigners++;
	return CSRA_OK;
}

csra_err csra_evb_add_signer(csra_evb *b, EVP_PKEY *key, X509 *cert, unsigned sid,
    const uint8_t *keyid, size_t keyid_len)
{
	if (key == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	csra_signer *signer = csra_signer_new_pkey(key);
	if (signer == NULL)
		return CSRA_ERR_NOMEM;
	csra_err e = csra_evb_add_signer_ex(b, signer, cert, sid, keyid, keyid_len);
	csra_signer_free(&signer);
	return e;
}

csra_err csra_evb_set_signer_pss(csra_evb *b, size_t i, const EVP_MD *md)
{
	if (b == NULL || i >= b->nsigners)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_signer_set_pss(b->signers[i].signer, md);
}

csra_err csra_evb_set_signer_alg(csra_evb *b, size_t i, const uint8_t *alg, size_t len)
{
	if (b == NULL || i >= b->nsigners || alg == NULL || len == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return CSRA_ERR_NOMEM;
	memcpy(copy, alg, len);
	free(b->signers[i].alg);
	b->signers[i].alg = copy;
	b->signers[i].alg_len = len;
	b->raw_used = 1;	/* may not decode, on purpose */
	return CSRA_OK;
}

csra_err csra_evb_add_intermediate(csra_evb *b, X509 *cert)
{
	if (b == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (!X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_push(b->intermediates, cert)) {
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

static int write_tbs(const csra_evb *b, csra_cbb *c)
{
	if (!csra_cbb_open(c, 0x30) || !csra_cbb_add_int(c, b->version) || !csra_cbb_open(c, 0x30))
		return 0;
	for (size_t i = 0; i < b->nelements; i++) {
		const struct element *e = &b->elements[i];
		if (!csra_cbb_open(c, 0x30) || !csra_cbb_add_tlv(c, 0x06, e->oid, e->oid_len) ||
		    !csra_cbb_add_tlv(c, 0x30, e->claims.buf, e->claims.len) || !csra_cbb_close(c))
			return 0;
	}
	return csra_cbb_close(c) && csra_cbb_close(c);
}

csra_err csra_evb_tbs(csra_evb *b, uint8_t **der, size_t *len)
{
	csra_cbb c;
	if (b == NULL || der == NULL || len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	for (size_t i = 0; i < b->nelements; i++)
		if (b->elements[i].claims.err)
			return CSRA_ERR_NOMEM;
	if (!csra_cbb_init(&c, 1024))
		return CSRA_ERR_NOMEM;
	if (!write_tbs(b, &c)) {
		csra_cbb_cleanup(&c);
		return CSRA_ERR_NOMEM;
	}
	return csra_cbb_finish(&c, der, len) ? CSRA_OK : CSRA_ERR_NOMEM;
}

/* Appends i2d output of |obj| as raw bytes. */
static int add_i2d(csra_cbb *c, int len, unsigned char *der)
{
	int ok = len > 0 && csra_cbb_add_bytes(c, der, (size_t)len);
	OPENSSL_free(der);
	return ok;
}

static csra_err write_block(const struct signer *s, const uint8_t *tbs, size_t tbs_len, csra_cbb *c)
{
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len = 0, siglen = 0;
	csra_err e = csra_signer_sign(s->signer, tbs, tbs_len, &alg, &alg_len, &sig, &siglen);
	if (e != CSRA_OK)
		return e;
	int ok = csra_cbb_open(c, 0x30) && csra_cbb_open(c, 0x30);
	if (ok && (s->sid & CSRA_SID_KEYID)) {
		const uint8_t *kid = s->keyid;
		size_t klen = s->keyid_len;
		if (kid == NULL) {
			const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(s->cert);
			kid = ASN1_STRING_get0_data(ski);
			klen = (size_t)ASN1_STRING_length(ski);
		}
		ok = csra_cbb_open(c, 0xa0) && csra_cbb_add_tlv(c, 0x04, kid, klen) && csra_cbb_close(c);
	}
	if (ok && (s->sid & CSRA_SID_SPKI)) {
		unsigned char *der = NULL;
		int len = i2d_PUBKEY(csra_signer_pubkey(s->signer), &der);
		ok = csra_cbb_open(c, 0xa1) && add_i2d(c, len, der) && csra_cbb_close(c);
	}
	if (ok && (s->sid & CSRA_SID_CERT)) {
		unsigned char *der = NULL;
		int len = i2d_X509(s->cert, &der);
		ok = csra_cbb_open(c, 0xa2) && add_i2d(c, len, der) && csra_cbb_close(c);
	}
	ok = ok && csra_cbb_close(c);
	if (s->alg != NULL)
		ok = ok && csra_cbb_add_bytes(c, s->alg, s->alg_len);
	else
		ok = ok && csra_cbb_add_bytes(c, alg, alg_len);
	ok = ok && csra_cbb_add_tlv(c, 0x04, sig, siglen) && csra_cbb_close(c);
	free(alg);
	free(sig);
	return ok ? CSRA_OK : CSRA_ERR_NOMEM;
}

csra_err csra_evb_encode(csra_evb *b, uint8_t **der, size_t *len)
{
	uint8_t *tbs = NULL;
	size_t tbs_len;
	csra_cbb c;
	if (der == NULL || len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*der = NULL;
	csra_err e = csra_evb_tbs(b, &tbs, &tbs_len);
	if (e != CSRA_OK)
		return e;
	if (!csra_cbb_init(&c, tbs_len + 1024)) {
		free(tbs);
		return CSRA_ERR_NOMEM;
	}
	int ok = csra_cbb_open(&c, 0x30) && csra_cbb_add_bytes(&c, tbs, tbs_len) &&
	    csra_cbb_open(&c, 0x30);
	for (size_t i = 0; ok && i < b->nsigners; i++) {
		if ((e = write_block(&b->signers[i], tbs, tbs_len, &c)) != CSRA_OK)
			ok = 0;
	}
	ok = ok && csra_cbb_close(&c);
	if (ok && sk_X509_num(b->intermediates) > 0) {
		ok = csra_cbb_open(&c, 0xa0) && (!b->explicit_certs || csra_cbb_open(&c, 0x30));
		for (int i = 0; ok && i < sk_X509_num(b->intermediates); i++) {
			unsigned char *cd = NULL;
			int cl = i2d_X509(sk_X509_value(b->intermediates, i), &cd);
			ok = add_i2d(&c, cl, cd);
		}
		ok = ok && (!b->explicit_certs || csra_cbb_close(&c)) && csra_cbb_close(&c);
	}
	ok = ok && csra_cbb_close(&c);
	free(tbs);
	if (!ok || !csra_cbb_finish(&c, der, len)) {
		csra_cbb_cleanup(&c);
		return e != CSRA_OK ? e : CSRA_ERR_NOMEM;
	}
	if (!b->raw_used) {
		csra_decoded *d = NULL;
		if (csra_decode(NULL, CSRA_PDU_EVIDENCE, *der, *len, &d, NULL) != CSRA_OK) {
			free(*der);
			*der = NULL;
			return CSRA_ERR_INTERNAL;
		}
		csra_decoded_free(&d);
	}
	return CSRA_OK;
}
