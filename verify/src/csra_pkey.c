/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Public keys from SubjectPublicKeyInfo. OpenSSL 3.0's d2i_PUBKEY runs the
 * decoder framework, which tries decoder after decoder and costs as much
 * as verifying a signature; every request needs its key once. So EC and
 * RSA keys are taken apart here (DER the strict decoder already accepted)
 * and handed to OpenSSL's key import, which validates them (an EC point
 * must be on its curve). Nothing cryptographic happens here.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "csra_codec_int.h"
#include "csra_span.h"
#include "csra_verify_int.h"

static EVP_PKEY *fromdata(const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* id-ecPublicKey with a named curve: the point, as the BIT STRING holds it. */
static EVP_PKEY *ec_key(const struct span *curve, const struct span *bits)
{
	const char *group = csra_oid_is(curve->c, curve->clen, CSRA_OID_SECP256R1) ? "prime256v1" :
	    csra_oid_is(curve->c, curve->clen, CSRA_OID_SECP384R1) ? "secp384r1" :
	    csra_oid_is(curve->c, curve->clen, CSRA_OID_SECP521R1) ? "secp521r1" : NULL;
	if (group == NULL || bits->clen < 2 || bits->c[0] != 0)
		return NULL;
	OSSL_PARAM params[3];
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)(bits->c + 1),
	    bits->clen - 1);
	params[2] = OSSL_PARAM_construct_end();
	return fromdata("EC", params);
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
static EVP_PKEY *rsa_key(const struct span *bits)
{
	struct span pk, n, e, extra;
	if (bits->clen < 2 || bits->c[0] != 0 || !span_at(bits->c + 1, bits->c + bits->clen, &pk) ||
	    pk.p + pk.len != bits->c + bits->clen || pk.p[0] != 0x30 || !span_child(&pk, 0, &n) ||
	    !span_child(&pk, 1, &e) || span_child(&pk, 2, &extra))
		return NULL;
	BIGNUM *bn = positive(&n), *be = positive(&e);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *k = NULL;
	if (bn != NULL && be != NULL && bld != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		k = fromdata("RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return k;
}

EVP_PKEY *csra_spki_pkey(const uint8_t *spki, size_t len)
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
		k = ec_key(&param, &bits);
	else if (csra_oid_is(oid.c, oid.clen, CSRA_OID_RSAENCRYPTION) && has_param &&
	    param.len == 2 && param.p[0] == 0x05 && !span_child(&alg, 2, &extra))
		k = rsa_key(&bits);
	if (k == NULL) {
		/* Other key types, and anything the import refused, as OpenSSL
		 * reads them: a refusal there is final. */
		const unsigned char *p = spki;
		k = d2i_PUBKEY(NULL, &p, (long)len);
		if (k != NULL && p != spki + len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	ERR_clear_error();
	return k;
}
