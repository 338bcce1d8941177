/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vendor trust bundle: the public roots of the vendors whose
 * attestation formats csrattest verifies, built into the library from
 * trust/ (see trust/README.md for each root's source and fingerprint).
 */
#include <pthread.h>
#include <string.h>

#include <openssl/pem.h>

#include "csra_verify_int.h"

struct bundle_root {
	const char *kind;
	const char *pem;
};

#include "csra_trust_bundle.inc"

static STACK_OF(X509) *roots[sizeof(bundle) / sizeof(bundle[0]) + 1];
static X509_STORE *stores[sizeof(bundle) / sizeof(bundle[0]) + 1];
static const char *root_kinds[sizeof(bundle) / sizeof(bundle[0]) + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void parse_bundle(void)
{
	size_t nk = 0;
	for (size_t i = 0; i < sizeof(bundle) / sizeof(bundle[0]); i++) {
		if (bundle[i].kind == NULL)
			continue;
		size_t k = 0;
		while (k < nk && strcmp(root_kinds[k], bundle[i].kind) != 0)
			k++;
		if (k == nk) {
			if ((roots[k] = sk_X509_new_null()) == NULL)
				continue;
			root_kinds[nk++] = bundle[i].kind;
		}
		BIO *b = BIO_new_mem_buf(bundle[i].pem, -1);
		X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		if (x == NULL || csra_x509_settle(x) != 1 || !sk_X509_push(roots[k], x))
			X509_free(x);
	}
	for (size_t k = 0; k < nk; k++) {
		if ((stores[k] = X509_STORE_new()) == NULL)
			continue;
		for (int i = 0; i < sk_X509_num(roots[k]); i++)
			X509_STORE_add_cert(stores[k], sk_X509_value(roots[k], i));
	}
	csra_clear_openssl_errors();
}

STACK_OF(X509) *csra_trust_bundle_roots(const char *kind)
{
	if (kind == NULL || pthread_once(&once, parse_bundle) != 0)
		return NULL;
	for (size_t k = 0; root_kinds[k] != NULL; k++)
		if (strcmp(root_kinds[k], kind) == 0)
			return roots[k];
	return NULL;
}

X509_STORE *csra_trust_bundle_store(const char *kind)
{
	if (kind == NULL || pthread_once(&once, parse_bundle) != 0)
		return NULL;
	for (size_t k = 0; root_kinds[k] != NULL; k++)
		if (strcmp(root_kinds[k], kind) == 0)
			return stores[k];
	return NULL;
}
