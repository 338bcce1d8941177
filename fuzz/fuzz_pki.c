/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "fuzz_pki.h"
#include "testpki.h"

static const struct {
	const char *label;	/* hashed into the private scalar */
	const char *group;
	const char *cn;
	unsigned flags;		/* tp_cert's */
} KEYS[FUZZ_KEY__COUNT] = {
	[FUZZ_KEY_ROOT] = { "root", "P-256", "csrattest fuzz root", TP_CA },
	[FUZZ_KEY_INTER] = { "intermediate", "P-256", "csrattest fuzz intermediate", TP_CA },
	[FUZZ_KEY_AK] = { "ak", "P-256", "csrattest fuzz ak", TP_DIGSIG | TP_EKU_AK },
	[FUZZ_KEY_TPM_AK] = { "tpm-ak", "P-256", "csrattest fuzz tpm ak", TP_DIGSIG | TP_EKU_TPM_AK },
	[FUZZ_KEY_SIGNER] = { "signer", "P-384", NULL, 0 },
	[FUZZ_KEY_SUBJECT] = { "subject", "P-256", NULL, 0 },
	[FUZZ_KEY_SUBJECT_P384] = { "subject-p384", "P-384", NULL, 0 },
};

/* An EC key pair whose private scalar is a hash of |label|, reduced
 * modulo the group order: the same key in every process. */
static EVP_PKEY *fixed_ec_key(const char *group, const char *label)
{
	int nid = strcmp(group, "P-384") == 0 ? NID_secp384r1 : NID_X9_62_prime256v1;
	const EVP_MD *md = nid == NID_secp384r1 ? EVP_sha384() : EVP_sha256();
	char text[128];
	unsigned char h[EVP_MAX_MD_SIZE], pub[200];
	unsigned int hlen = 0;
	EVP_PKEY *key = NULL;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	BN_CTX *bctx = BN_CTX_new();
	BIGNUM *priv = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	snprintf(text, sizeof(text), "csrattest fuzz key: %s", label);
	if (g == NULL || pt == NULL || bctx == NULL || priv == NULL || bld == NULL || ctx == NULL ||
	    EVP_Digest(text, strlen(text), h, &hlen, md, NULL) != 1 ||
	    BN_bin2bn(h, (int)hlen, priv) == NULL ||
	    BN_nnmod(priv, priv, EC_GROUP_get0_order(g), bctx) != 1 || BN_is_zero(priv) ||
	    EC_POINT_mul(g, pt, priv, NULL, NULL, bctx) != 1)
		goto out;
	size_t plen = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub), bctx);
	if (plen == 0 ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, plen) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	BN_CTX_free(bctx);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	if (key == NULL) {
		fprintf(stderr, "fuzz_pki: cannot make key %s\n", label);
		ERR_print_errors_fp(stderr);
	}
	return key;
}

EVP_PKEY *fuzz_key(fuzz_key_id id)
{
	static EVP_PKEY *keys[FUZZ_KEY__COUNT];
	if ((unsigned)id >= FUZZ_KEY__COUNT)
		return NULL;
	if (keys[id] == NULL)
		keys[id] = fixed_ec_key(KEYS[id].group, KEYS[id].label);
	return keys[id];
}

X509 *fuzz_cert(fuzz_key_id id, X509 *issuer)
{
	fuzz_key_id by = id == FUZZ_KEY_ROOT ? FUZZ_KEY_ROOT
	    : id == FUZZ_KEY_INTER ? FUZZ_KEY_ROOT : FUZZ_KEY_INTER;
	if ((unsigned)id >= FUZZ_KEY__COUNT || KEYS[id].cn == NULL || (issuer == NULL) != (id == FUZZ_KEY_ROOT))
		return NULL;
	EVP_PKEY *key = fuzz_key(id), *ikey = fuzz_key(by);
	if (key == NULL || ikey == NULL)
		return NULL;
	/* tp_cert takes validity relative to now; the fixed dates keep the
	 * committed seeds valid at FUZZ_T0 for good. */
	time_t now = time(NULL);
	return tp_cert(KEYS[id].cn, key, issuer, id == FUZZ_KEY_ROOT ? NULL : ikey, KEYS[id].flags,
	    (long)(FUZZ_NOT_BEFORE - now), (long)(FUZZ_NOT_AFTER - now));
}

unsigned char *fuzz_spki(fuzz_key_id id, size_t *len)
{
	EVP_PKEY *k = fuzz_key(id);
	unsigned char *der = NULL;
	int n = k ? i2d_PUBKEY(k, &der) : 0;
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return der;
}
