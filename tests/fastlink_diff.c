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
