/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vendor trust bundle: the public roots (and the published
 * intermediates devices do not carry) of the vendors whose attestation
 * formats csrattest verifies, built into the library from trust/ by
 * scripts/trust-bundle.py; trust/README.md gives each one's source and
 * fingerprint. Parsed once per process and shared read-only.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "csra_verify_int.h"

struct bundle_root {
	const char *kind;
	int root;		/* a trust anchor; else an intermediate */
	const char *sha256;	/* of the DER, hex: checked when parsed */
	const char *pem;
};

#include "csra_trust_bundle.inc"

#define NENTRIES (sizeof(bundle) / sizeof(bundle[0]))

static X509 *certs[NENTRIES];
static struct kind_set {
	const char *kind;
	STACK_OF(X509) *roots, *intermediates;
	X509_STORE *store;
} kinds[NENTRIES];
static size_t nkinds;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* A certificate of the bundle whose DER is not what the manifest says
 * is left out: a build from a tampered .inc trusts less, never more. */
static X509 *parse_entry(const struct bundle_root *b)
{
	BIO *bio = BIO_new_mem_buf(b->pem, -1);
	X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	unsigned char md[32];
	unsigned int mdlen = 0;
	char hex[65];
	if (x == NULL || X509_digest(x, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32) {
		X509_free(x);
		return NULL;
	}
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, b->sha256) != 0 || csra_x509_settle(x) != 1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void parse_bundle(void)
{
	for (size_t i = 0; i < NENTRIES && bundle[i].kind != NULL; i++) {
		if ((certs[i] = parse_entry(&bundle[i])) == NULL)
			continue;
		size_t k = 0;
		while (k < nkinds && strcmp(kinds[k].kind, bundle[i].kind) != 0)
			k++;
		if (k == nkinds) {
			kinds[k].kind = bundle[i].kind;
			kinds[k].roots = sk_X509_new_null();
			kinds[k].intermediates = sk_X509_new_null();
			kinds[k].store = X509_STORE_new();
			nkinds++;
		}
		STACK_OF(X509) *sk = bundle[i].root ? kinds[k].roots : kinds[k].intermediates;
		if (sk != NULL && sk_X509_push(sk, certs[i]) && X509_up_ref(certs[i]) && bundle[i].root &&
		    kinds[k].store != NULL)
			X509_STORE_add_cert(kinds[k].store, certs[i]);
	}
	csra_clear_openssl_errors();
}

static const struct kind_set *kind_set(const char *kind)
{
	if (kind == NULL || pthread_once(&once, parse_bundle) != 0)
		return NULL;
	for (size_t k = 0; k < nkinds; k++)
		if (strcmp(kinds[k].kind, kind) == 0)
			return &kinds[k];
	return NULL;
}

STACK_OF(X509) *csra_trust_bundle_roots(const char *kind)
{
	const struct kind_set *s = kind_set(kind);
	return s != NULL && sk_X509_num(s->roots) > 0 ? s->roots : NULL;
}

STACK_OF(X509) *csra_trust_bundle_intermediates(const char *kind)
{
	const struct kind_set *s = kind_set(kind);
	return s != NULL && sk_X509_num(s->intermediates) > 0 ? s->intermediates : NULL;
}

X509_STORE *csra_trust_bundle_store(const char *kind)
{
	const struct kind_set *s = kind_set(kind);
	return s != NULL && sk_X509_num(s->roots) > 0 ? s->store : NULL;
}

size_t csra_trust_bundle_count(void)
{
	return NENTRIES - 1;
}

X509 *csra_trust_bundle_entry(size_t i, const char **kind, int *root, const char **sha256)
{
	if (i >= NENTRIES - 1 || pthread_once(&once, parse_bundle) != 0)
		return NULL;
	*kind = bundle[i].kind;
	*root = bundle[i].root;
	*sha256 = bundle[i].sha256;
	return certs[i];
}

void csra_trust_bundle_expiry(const char *kind, time_t at, long warn_days, csra_result *r)
{
	const struct kind_set *s = kind_set(kind);
	for (int i = 0; s != NULL && i < sk_X509_num(s->roots); i++) {
		X509 *x = sk_X509_value(s->roots, i);
		int days = 0, secs = 0;
		ASN1_TIME *now = ASN1_TIME_set(NULL, at);
		int ok = now != NULL && ASN1_TIME_diff(&days, &secs, now, X509_get0_notAfter(x));
		ASN1_TIME_free(now);
		if (!ok || days >= warn_days)
			continue;
		char name[128];
		X509_NAME_oneline(X509_get_subject_name(x), name, sizeof(name));
		csra_result_add(r, "trust.bundle-expiry", CSRA_STATUS_WARN, CSRA_ERR_FMT_TRUST_EXPIRING, "",
		    "the bundled %s root %s %s %d day(s)", kind, name,
		    days < 0 || (days == 0 && secs < 0) ? "expired" : "expires in", days < 0 ? -days : days);
	}
	csra_clear_openssl_errors();
}
