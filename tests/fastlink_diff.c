/* SPDX-License-Identifier: BSD-2-Clause */
/* The oracle and the explicit check side by side (fastlink_diff.h). */
#include <string.h>

#include "csra_verify_int.h"
#include "csrattest/verify.h"
#include "fastlink_diff.h"

/* The context as csra_issuer_path makes it. */
static X509_STORE_CTX *mkctx(const fl_env *e, X509 *leaf)
{
	X509_STORE_CTX *ctx = csra_store_ctx(e->v, e->anchor, leaf, NULL, e->at);
	if (ctx != NULL)
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN | e->flags);
	return ctx;
}

int fl_env_init(fl_env *e, X509 *issuer, time_t at, unsigned long flags)
{
	memset(e, 0, sizeof(*e));
	e->at = at;
	e->flags = flags;
	e->v = csra_verifier_new();
	e->anchor = X509_STORE_new();
	if (e->v == NULL || e->anchor == NULL || !X509_up_ref(issuer))
		return 0;
	e->issuer = issuer;
	if (X509_STORE_add_cert(e->anchor, issuer) != 1 || csra_x509_settle(issuer) < 0)
		return 0;
	e->pctx = mkctx(e, NULL);
	return e->pctx != NULL;
}

void fl_env_free(fl_env *e)
{
	X509_STORE_CTX_free(e->pctx);
	X509_STORE_free(e->anchor);
	X509_free(e->issuer);
	csra_verifier_free(&e->v);
	memset(e, 0, sizeof(*e));
}

int fl_oracle(const fl_env *e, const uint8_t *der, size_t len)
{
	csra_clear_openssl_errors();
	const unsigned char *p = der;
	X509 *leaf = d2i_X509(NULL, &p, (long)len);
	if (leaf == NULL || p != der + len) {
		X509_free(leaf);
		return csra_openssl_nomem() ? -1 : 0;
	}
	X509_STORE_CTX *ctx = mkctx(e, leaf);
	int rc = ctx == NULL ? -1 : csra_verify_cert(ctx);
	if (rc == 1) {
		/* As csra_issuer_path takes it: the leaf under this issuer. */
		STACK_OF(X509) *got = X509_STORE_CTX_get0_chain(ctx);
		rc = sk_X509_num(got) == 2 && X509_cmp(sk_X509_value(got, 1), e->issuer) == 0;
	}
	X509_STORE_CTX_free(ctx);
	X509_free(leaf);
	csra_clear_openssl_errors();
	return rc;
}

csra_fastlink_verdict fl_fast(const fl_env *e, const uint8_t *der, size_t len, const char **why)
{
	csra_fastlink_cert c;
	*why = "not a DER certificate";
	if (!csra_fastlink_parse(der, len, 0, &c))
		return CSRA_FASTLINK_DEFER;
	EVP_PKEY *key = NULL;
	csra_fastlink_verdict r = csra_fastlink_check(e->v, &c, e->issuer, X509_get0_pubkey(e->issuer), e->at,
	    X509_STORE_CTX_get0_param(e->pctx), e->anchor, &key, why);
	if (r == CSRA_FASTLINK_ACCEPT && key == NULL)
		r = CSRA_FASTLINK_DEFER;	/* an ACCEPT always gives the key */
	EVP_PKEY_free(key);
	return r;
}

static int same(const uint8_t *a, size_t al, const unsigned char *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

int fl_facts_diff(csra_verifier *v, const uint8_t *der, size_t len, const char **what)
{
	csra_fastlink_cert c;
	csra_fastlink_facts f;
	*what = NULL;
	if (!csra_fastlink_parse(der, len, 0, &c) || !csra_fastlink_read_facts(&c, &f))
		return 2;
	csra_clear_openssl_errors();
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return csra_openssl_nomem() ? -1 : 2;
	}
	int rc = 0;
	uint32_t xf = X509_get_extension_flags(x);
	unsigned char *alg = NULL;
	int alg_len = 0;
	const unsigned char *name = NULL;
	size_t name_len = 0;
	int crit = -1;
	EXTENDED_KEY_USAGE *eku = NULL;
	struct csra_eku_set set = { NULL, 0 };
	static const uint8_t client_auth[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
	if (xf & EXFLAG_NO_FINGERPRINT) {
		rc = -1;	/* X509_digest failed: memory */
		goto out;
	}
	if ((xf & CSRA_FASTLINK_FACT_FLAGS) != f.flags) {
		*what = "extension flags";
		goto out;
	}
	if (X509_get_pathlen(x) != f.pathlen) {
		*what = "path length";
		goto out;
	}
	if (X509_get_key_usage(x) != f.key_usage) {
		*what = "key usage";
		goto out;
	}
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x);
	if ((skid == NULL) != (f.skid == NULL) ||
	    (skid != NULL && !same(f.skid, f.skid_len, ASN1_STRING_get0_data(skid), (size_t)ASN1_STRING_length(skid)))) {
		*what = "subjectKeyIdentifier";
		goto out;
	}
	const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(x);
	if ((akid == NULL) != (f.akid_keyid == NULL) || (akid != NULL && !same(f.akid_keyid, f.akid_keyid_len,
	    ASN1_STRING_get0_data(akid), (size_t)ASN1_STRING_length(akid)))) {
		*what = "authorityKeyIdentifier keyIdentifier";
		goto out;
	}
	/* The AKID extension's bytes, which csra_issuer_key hashes (for
	 * certificates with valid extensions only). */
	if (!(f.flags & EXFLAG_INVALID)) {
		int idx = X509_get_ext_by_NID(x, NID_authority_key_identifier, -1);
		ASN1_OCTET_STRING *d = idx >= 0 ? X509_EXTENSION_get_data(X509_get_ext(x, idx)) : NULL;
		if ((d == NULL) != (f.akid_ext == NULL) ||
		    (d != NULL && !same(f.akid_ext, f.akid_ext_len, ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d)))) {
			*what = "authorityKeyIdentifier extension";
			goto out;
		}
	}
	if (X509_NAME_get0_der(X509_get_issuer_name(x), &name, &name_len) != 1 ||
	    !same(f.issuer, f.issuer_len, name, name_len)) {
		*what = "issuer name";
		goto out;
	}
	if ((alg_len = i2d_X509_ALGOR(X509_get0_tbs_sigalg(x), &alg)) <= 0 ||
	    !same(f.sig_alg, f.sig_alg_len, alg, (size_t)alg_len)) {
		*what = "signature algorithm";
		goto out;
	}
	/* The EKU: absent, undecodable, or the same OIDs in order. */
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (eku == NULL && crit >= -1 && csra_openssl_nomem()) {
		rc = -1;
		goto out;
	}
	if ((f.eku == 0) != (eku == NULL && crit == -1) || (f.eku == 1) != (eku != NULL)) {
		*what = "extKeyUsage presence";
		goto out;
	}
	if (eku != NULL) {
		size_t off = 0;
		for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
			const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
			size_t ol = (size_t)OBJ_length(o);
			if (off + 2 > f.eku_len || f.eku_oids[off] != 0x06 || f.eku_oids[off + 1] != ol ||
			    off + 2 + ol > f.eku_len || memcmp(f.eku_oids + off + 2, OBJ_get0_data(o), ol) != 0) {
				*what = "extKeyUsage OIDs";
				goto out;
			}
			off += 2 + ol;
		}
		if (off != f.eku_len) {
			*what = "extKeyUsage OIDs";
			goto out;
		}
	}
	const struct csra_eku_set *ak = csra_verifier_ak_ekus(v, 0);
	if (csra_fastlink_has_eku(&f, ak) != csra_has_ak_eku(ak, x)) {
		*what = "AK EKU";
		goto out;
	}
	if (csra_eku_set_add(&set, client_auth, sizeof(client_auth)) != 1) {
		rc = -1;
		goto out;
	}
	if (csra_fastlink_has_eku(&f, &set) != csra_has_ak_eku(&set, x)) {
		*what = "EKU clientAuth";
		goto out;
	}
	rc = 1;
out:
	csra_eku_set_clear(&set);
	EXTENDED_KEY_USAGE_free(eku);
	OPENSSL_free(alg);
	X509_free(x);
	csra_clear_openssl_errors();
	return rc;
}

int fl_penv_init(fl_penv *e, X509 *anchor, STACK_OF(X509) *others, time_t at, unsigned long flags)
{
	memset(e, 0, sizeof(*e));
	e->at = at;
	e->flags = flags;
	e->v = csra_verifier_new();
	e->store = X509_STORE_new();
	if (e->v == NULL || e->store == NULL || !X509_up_ref(anchor))
		return 0;
	e->anchor = anchor;
	if (X509_STORE_add_cert(e->store, anchor) != 1 || csra_x509_settle(anchor) < 0)
		return 0;
	for (int i = 0; i < sk_X509_num(others); i++)
		if (X509_STORE_add_cert(e->store, sk_X509_value(others, i)) != 1)
			return 0;
	e->pctx = csra_store_ctx(e->v, e->store, NULL, NULL, at);
	if (e->pctx != NULL)
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(e->pctx), flags);
	return e->pctx != NULL;
}

void fl_penv_free(fl_penv *e)
{
	X509_STORE_CTX_free(e->pctx);
	X509_STORE_free(e->store);
	X509_free(e->anchor);
	csra_verifier_free(&e->v);
	memset(e, 0, sizeof(*e));
}

static X509 *d2i_whole(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

int fl_path_oracle(const fl_penv *e, const uint8_t *leaf, size_t ll, const uint8_t *inter, size_t il)
{
	csra_clear_openssl_errors();
	X509 *l = d2i_whole(leaf, ll), *i = d2i_whole(inter, il);
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = NULL;
	int rc;
	if (l == NULL || i == NULL || untrusted == NULL || sk_X509_push(untrusted, i) <= 0) {
		rc = csra_openssl_nomem() || untrusted == NULL ? -1 : 0;
		goto out;
	}
	if ((ctx = csra_store_ctx(e->v, e->store, l, untrusted, e->at)) == NULL) {
		rc = -1;
		goto out;
	}
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), e->flags);
	rc = csra_verify_cert(ctx);
	if (rc == 1) {
		STACK_OF(X509) *got = X509_STORE_CTX_get0_chain(ctx);
		rc = sk_X509_num(got) == 3 && X509_cmp(sk_X509_value(got, 1), i) == 0 &&
		    X509_cmp(sk_X509_value(got, 2), e->anchor) == 0;
	}
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_free(l);
	X509_free(i);
	csra_clear_openssl_errors();
	return rc;
}

csra_fastlink_verdict fl_path_fast(const fl_penv *e, const uint8_t *leaf, size_t ll, const uint8_t *inter,
    size_t il, const char **why)
{
	csra_fastlink_cert l, i;
	*why = "not a DER certificate";
	if (!csra_fastlink_parse(leaf, ll, 0, &l) || !csra_fastlink_parse(inter, il, 0, &i))
		return CSRA_FASTLINK_DEFER;
	EVP_PKEY *key = NULL;
	csra_fastlink_verdict r = csra_fastlink_path(e->v, &l, &i, e->anchor,
	    e->anchor_key != NULL ? e->anchor_key : X509_get0_pubkey(e->anchor), e->at,
	    X509_STORE_CTX_get0_param(e->pctx), e->store, &key, why);
	if (r == CSRA_FASTLINK_ACCEPT && key == NULL)
		r = CSRA_FASTLINK_DEFER;
	EVP_PKEY_free(key);
	return r;
}
