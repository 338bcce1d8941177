/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Public keys from SubjectPublicKeyInfo. OpenSSL 3.0's d2i_PUBKEY runs the
 * decoder framework, which tries decoder after decoder and costs as much
 * as verifying a signature; every request needs its key once. So EC and
 * RSA keys are taken apart here (DER the strict decoder already accepted)
 * and handed to OpenSSL's key import, which validates them (an EC point
 * must be on its curve). Nothing cryptographic happens here.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "csra_codec_int.h"
#include "csra_span.h"
#include "csra_verify_int.h"

static EVP_PKEY *fromdata(const csra_verifier *v, const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(csra_libctx(v), type, csra_propq(v));
	EVP_PKEY *k = NULL;
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* The curves csrattest accepts, each with a public key of that curve to
 * copy. EVP_PKEY_fromdata builds the curve's group anew for every key,
 * which costs a quarter of a signature check; a copy of a key on the same
 * curve shares that work, and setting its point validates it as import
 * does. Made once per process, never freed. */
static struct curve {
	csra_oid_id oid;
	const char *group;
	pthread_once_t once;
	EVP_PKEY *tmpl;
} curves[] = {
	{ CSRA_OID_SECP256R1, "prime256v1", PTHREAD_ONCE_INIT, NULL },
	{ CSRA_OID_SECP384R1, "secp384r1", PTHREAD_ONCE_INIT, NULL },
	{ CSRA_OID_SECP521R1, "secp521r1", PTHREAD_ONCE_INIT, NULL },
};

static EVP_PKEY *ec_import(const csra_verifier *v, const char *group, const uint8_t *point, size_t len)
{
	OSSL_PARAM params[3];
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, len);
	params[2] = OSSL_PARAM_construct_end();
	return fromdata(v, "EC", params);
}

/* The template of one curve: the public half of a key made for it (a
 * private key must not travel in copies). */
#define MAKE_TEMPLATE(i) \
	static void make_template_##i(void) \
	{ \
		EVP_PKEY *k = EVP_EC_gen(curves[i].group); \
		unsigned char *pt = NULL; \
		size_t n = k ? EVP_PKEY_get1_encoded_public_key(k, &pt) : 0; \
		curves[i].tmpl = n ? ec_import(NULL, curves[i].group, pt, n) : NULL; \
		OPENSSL_free(pt); \
		EVP_PKEY_free(k); \
		csra_clear_openssl_errors(); \
	}
MAKE_TEMPLATE(0)
MAKE_TEMPLATE(1)
MAKE_TEMPLATE(2)
static void (*const make_template[])(void) = { make_template_0, make_template_1, make_template_2 };

/* id-ecPublicKey with a named curve: the point, as the BIT STRING holds it. */
static EVP_PKEY *ec_key(const csra_verifier *v, const struct span *oid, const struct span *bits)
{
	size_t i = 0;
	while (i < sizeof(curves) / sizeof(curves[0]) && !csra_oid_is(oid->c, oid->clen, curves[i].oid))
		i++;
	if (i == sizeof(curves) / sizeof(curves[0]) || bits->clen < 2 || bits->c[0] != 0)
		return NULL;
	const uint8_t *point = bits->c + 1;
	size_t len = bits->clen - 1;
	/* The templates live in OpenSSL's default library context: a
	 * verifier with its own imports every key there. */
	if (csra_libctx(v) == NULL && csra_propq(v) == NULL &&
	    pthread_once(&curves[i].once, make_template[i]) == 0 && curves[i].tmpl != NULL) {
		EVP_PKEY *k = EVP_PKEY_dup(curves[i].tmpl);
		if (k != NULL && EVP_PKEY_set1_encoded_public_key(k, point, len) == 1)
			return k;
		EVP_PKEY_free(k);
		/* Refused or out of memory: import decides. */
	}
	return ec_import(v, curves[i].group, point, len);
}

/* A positive INTEGER's magnitude as a BIGNUM. */
static BIGNUM *positive(const struct span *i)
{
	/* Minimal and positive, or d2i_PUBKEY decides. */
	if (i->p[0] != 0x02 || i->clen == 0 || (i->c[0] & 0x80) ||
	    (i->clen > 1 && i->c[0] == 0 && !(i->c[1] & 0x80)))
		return NULL;
	return BN_bin2bn(i->c, (int)i->clen, NULL);
}

/* rsaEncryption: RSAPublicKey ::= SEQUENCE { modulus, publicExponent }. */
static EVP_PKEY *rsa_key(const csra_verifier *v, const struct span *bits)
{
	struct span pk, n, e;
	/* The two INTEGERs and nothing after them: span_child cannot tell a
	 * third element from bytes that are none, and d2i_PUBKEY refuses
	 * both (an import here must never succeed where it fails). */
	if (bits->clen < 2 || bits->c[0] != 0 || !span_at(bits->c + 1, bits->c + bits->clen, &pk) ||
	    pk.p + pk.len != bits->c + bits->clen || pk.p[0] != 0x30 || !span_child(&pk, 0, &n) ||
	    !span_child(&pk, 1, &e) || e.p + e.len != pk.c + pk.clen)
		return NULL;
	BIGNUM *bn = positive(&n), *be = positive(&e);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *k = NULL;
	if (bn != NULL && be != NULL && bld != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		k = fromdata(v, "RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return k;
}

const char *csra_spki_named_curve(const uint8_t *spki, size_t len)
{
	struct span top, alg, oid, param, extra;
	if (spki == NULL || !span_at(spki, spki + len, &top) || top.len != len || top.p[0] != 0x30 ||
	    !span_child(&top, 0, &alg) || !span_child(&alg, 0, &oid) || oid.p[0] != 0x06 ||
	    !csra_oid_is(oid.c, oid.clen, CSRA_OID_ID_ECPUBLICKEY) || !span_child(&alg, 1, &param) ||
	    param.p[0] != 0x06 || span_child(&alg, 2, &extra))
		return NULL;
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (csra_oid_is(param.c, param.clen, curves[i].oid))
			return curves[i].group;
	return NULL;
}

EVP_PKEY *csra_spki_pkey(const csra_verifier *v, const uint8_t *spki, size_t len)
{
	struct span top, alg, oid, param, bits, extra;
	EVP_PKEY *k = NULL;
	if (spki == NULL || !span_at(spki, spki + len, &top) || top.len != len || top.p[0] != 0x30 ||
	    !span_child(&top, 0, &alg) || !span_child(&top, 1, &bits) || span_child(&top, 2, &extra) ||
	    bits.p[0] != 0x03 || !span_child(&alg, 0, &oid) || oid.p[0] != 0x06)
		return NULL;
	int has_param = span_child(&alg, 1, &param);
	if (csra_oid_is(oid.c, oid.clen, CSRA_OID_ID_ECPUBLICKEY) && has_param && param.p[0] == 0x06 &&
	    !span_child(&alg, 2, &extra))
		k = ec_key(v, &param, &bits);
	else if (csra_oid_is(oid.c, oid.clen, CSRA_OID_RSAENCRYPTION) && has_param &&
	    param.len == 2 && param.p[0] == 0x05 && !span_child(&alg, 2, &extra))
		k = rsa_key(v, &bits);
	if (k == NULL) {
		/* Other key types, and anything the import refused, as OpenSSL
		 * reads them: a refusal there is final. */
		const unsigned char *p = spki;
		k = d2i_PUBKEY_ex(NULL, &p, (long)len, csra_libctx(v), csra_propq(v));
		if (k != NULL && p != spki + len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	csra_clear_openssl_errors();
	return k;
}
