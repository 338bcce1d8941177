/* SPDX-License-Identifier: BSD-2-Clause */
/* Explicit certificate links (csra_link.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "csra_link.h"
#include "csra_verify_int.h"

static int name_der(const X509_NAME *n, const unsigned char **p, size_t *len)
{
	return n != NULL && X509_NAME_get0_der((X509_NAME *)n, p, len) == 1;
}

int csra_link_check(const csra_verifier *v, X509 *subject, const uint8_t *subject_der,
    size_t subject_len, X509 *issuer, const uint8_t *issuer_der, size_t issuer_len, unsigned allow,
    const char *tag, unsigned *used, csra_err *code, char *why, size_t why_len)
{
	const unsigned char *a, *b;
	size_t alen, blen;
	unsigned u = 0;
	if (used != NULL)
		*used = 0;
	*code = CSRA_ERR_AK_CHAIN;
	if (!name_der(X509_get_issuer_name(subject), &a, &alen) ||
	    !name_der(X509_get_subject_name(issuer), &b, &blen) || alen != blen || memcmp(a, b, alen) != 0) {
		snprintf(why, why_len, "its issuer name is not the issuer certificate's subject (DER)");
		goto fail;
	}
	uint32_t xf = X509_get_extension_flags(issuer);
	if (!(allow & CSRA_LINK_ISSUER_IS_ANCHOR)) {
		if (X509_get_version(issuer) == X509_VERSION_1) {
			if (!(allow & CSRA_LINK_ALLOW_V1_ISSUER)) {
				snprintf(why, why_len, "its issuer is an X.509 v1 certificate, which cannot "
				    "say it is a CA (RFC 5280 6.1.4 (k))");
				goto fail;
			}
			u |= CSRA_LINK_ALLOW_V1_ISSUER;
		} else if (!(xf & EXFLAG_CA) || ((xf & EXFLAG_KUSAGE) &&
		    !(X509_get_key_usage(issuer) & KU_KEY_CERT_SIGN))) {
			if (!(allow & CSRA_LINK_ALLOW_CA_FALSE_ISSUER)) {
				snprintf(why, why_len, "its issuer is not a CA (basicConstraints CA:TRUE "
				    "and keyCertSign, RFC 5280 6.1.4 (k), (n))");
				goto fail;
			}
			u |= CSRA_LINK_ALLOW_CA_FALSE_ISSUER;
		}
	}
	if (X509_get_extension_flags(subject) & (EXFLAG_CRITICAL | EXFLAG_INVALID)) {
		snprintf(why, why_len, "it has an unknown critical extension or extensions "
		    "OpenSSL cannot read");
		goto fail;
	}
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	csra_clear_openssl_errors();
	if (key == NULL || !csra_x509_verify_cached(v, subject, subject_der, subject_len, issuer_der,
	    issuer_len, key, tag)) {
		*code = CSRA_ERR_SIG_INVALID;
		snprintf(why, why_len, "its signature does not verify with the issuer's key");
		goto fail;
	}
	if (used != NULL)
		*used = u;
	*code = CSRA_OK;
	why[0] = '\0';
	return 1;
fail:
	csra_clear_openssl_errors();
	return 0;
}

int csra_cert_time_check(X509 *x, time_t at, csra_err *code)
{
	int c = X509_cmp_time(X509_get0_notBefore(x), &at);
	if (c == 0) {
		*code = CSRA_ERR_AK_CHAIN;
		return 0;
	}
	/* notBefore <= at: X509_cmp_time says -1 for a time earlier than at
	 * (and a time equal to it). */
	if (c > 0) {
		*code = CSRA_ERR_AK_NOT_YET_VALID;
		return 0;
	}
	c = X509_cmp_time(X509_get0_notAfter(x), &at);
	if (c == 0) {
		*code = CSRA_ERR_AK_CHAIN;
		return 0;
	}
	if (c < 0) {
		*code = CSRA_ERR_AK_EXPIRED;
		return 0;
	}
	*code = CSRA_OK;
	return 1;
}

STACK_OF(X509) *csra_store_issuers(X509_STORE *store, const X509_NAME *name, int *oom)
{
	if (store == NULL || name == NULL)
		return NULL;
	/* Through a context: X509_STORE_CTX_get1_certs takes the store's
	 * lock, so that verifiers may share the store. */
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *sk = NULL;
	if (ctx == NULL || !X509_STORE_CTX_init(ctx, store, NULL, NULL))
		*oom = 1;
	else
		sk = X509_STORE_CTX_get1_certs(ctx, (X509_NAME *)name);
	X509_STORE_CTX_free(ctx);
	csra_clear_openssl_errors();
	return sk;
}
