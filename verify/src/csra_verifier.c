/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifier object: trust anchors, intermediates, keys, time, limits,
 * attestation-key EKUs, policy and the statement routes (external commands,
 * callbacks). Configuration only: the checks live in the formats
 * (csra_evidence.c, csra_tpm.c, ...) and in csra_request.c.
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "csra_codec_int.h"
#include "csra_policy_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

static const size_t limit_defaults[CSRA_LIMIT_COUNT] = {
	[CSRA_LIMIT_STATEMENTS] = 64,
	[CSRA_LIMIT_CERTS] = 256,
	[CSRA_LIMIT_ATTRIBUTES] = 256,
	[CSRA_LIMIT_EXTENSIONS] = 256,
	[CSRA_LIMIT_SIGNERS] = 16,
	[CSRA_LIMIT_CLAIMS] = 4096,
	[CSRA_LIMIT_ELEMENTS] = 1024,
};

/* The statement routes, the TPM anchors and the default policy. */
static int routes_init(csra_verifier *v);
static void routes_free(csra_verifier *v);
static void format_trust_free(csra_verifier *v);

/* By csra_limit: the check a count over its cap fails, and its code. */
static const struct {
	const char *check, *what;
	csra_err code;
} limit_checks[CSRA_LIMIT_COUNT] = {
	[CSRA_LIMIT_STATEMENTS] = { "limit.statements", "statements", CSRA_ERR_LIMIT_STATEMENTS },
	[CSRA_LIMIT_CERTS] = { "limit.certs", "certificates", CSRA_ERR_LIMIT_CERTS },
	[CSRA_LIMIT_ATTRIBUTES] = { "limit.attributes", "attributes", CSRA_ERR_LIMIT_ATTRIBUTES },
	[CSRA_LIMIT_EXTENSIONS] = { "limit.extensions", "extensions", CSRA_ERR_LIMIT_EXTENSIONS },
	[CSRA_LIMIT_SIGNERS] = { "limit.signers", "signature blocks", CSRA_ERR_LIMIT_SIGNERS },
	[CSRA_LIMIT_CLAIMS] = { "limit.claims", "claims", CSRA_ERR_LIMIT_CLAIMS },
	[CSRA_LIMIT_ELEMENTS] = { "limit.elements", "reported elements", CSRA_ERR_LIMIT_ELEMENTS },
};

csra_verifier *csra_verifier_new(void)
{
	csra_verifier *v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY];
	uint8_t tcg_ak[16];
	size_t tcg_ak_len = 0;
	v->store = X509_STORE_new();
	v->untrusted = sk_X509_new_null();
	v->signer_certs = sk_X509_new_null();
	/* The defaults: the draft's id-kp-attestationKey, and the TCG's
	 * tcg-kp-AIKCertificate for TPM AKs. */
	int ekus = csra_eku_set_add(&v->ak_ekus[0], e->der, e->der_len) == 1 &&
	    csra_oid_from_str(CSRA_TCG_KP_AIK_CERTIFICATE, tcg_ak, sizeof(tcg_ak), &tcg_ak_len) &&
	    csra_eku_set_add(&v->ak_ekus[1], tcg_ak, tcg_ak_len) == 1;
	v->sig_policy = CSRA_SIG_ALL;
	v->ts_max_age = -1;
	v->cache = csra_cache_new(CSRA_CHAIN_CACHE_DEFAULT);
	v->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	for (size_t i = 0; i < CSRA_LIMIT_COUNT; i++)
		v->limits[i] = limit_defaults[i];
	if (v->store == NULL || v->untrusted == NULL || v->signer_certs == NULL ||
	    !ekus || v->cache == NULL || v->sha256 == NULL ||
	    !routes_init(v)) {
		csra_verifier_free(&v);
		return NULL;
	}
	return v;
}

void csra_verifier_free(csra_verifier **vp)
{
	if (vp == NULL || *vp == NULL)
		return;
	csra_verifier *v = *vp;
	csra_cache_free(&v->cache);	/* first: its paths pin the stores */
	EVP_MD_free(v->sha256);
	X509_VERIFY_PARAM_free(v->param);
	sk_X509_CRL_pop_free(v->crls, X509_CRL_free);
	free(v->propq);
	free(v->untrusted_dg);
	X509_STORE_free(v->store);
	sk_X509_pop_free(v->untrusted, X509_free);
	sk_X509_pop_free(v->signer_certs, X509_free);
	for (size_t i = 0; i < v->nkeys; i++) {
		EVP_PKEY_free(v->keys[i].key);
		free(v->keys[i].id);
	}
	free(v->keys);
	for (int i = 0; i < 2; i++) {
		csra_eku_set_clear(&v->ak_ekus[i]);
		csra_eku_set_clear(&v->policy_ak_ekus[i]);
	}
	routes_free(v);
	format_trust_free(v);
	free(v);
	*vp = NULL;
}

csra_err csra_verifier_add_trust(csra_verifier *v, X509 *cert)
{
	/* The caller's store holds the anchors it chose: not added to behind
	 * its back. */
	if (v == NULL || cert == NULL || v->caller_store)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (csra_x509_settle(cert) < 0)
		return CSRA_ERR_NOMEM;
	if (X509_STORE_add_cert(v->store, cert) != 1) {
		/* A certificate already present is not an error. */
		unsigned long e = ERR_peek_last_error();
		csra_clear_openssl_errors();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return CSRA_ERR_NOMEM;
	}
	v->ntrust++;
	v->trust_gen++;
	csra_cache_flush(v->cache);	/* their keys can no longer match: free them now */
	return CSRA_OK;
}

csra_err csra_verifier_add_untrusted(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	/* Its digest joins the chain-cache key of every verification. */
	size_t n = (size_t)sk_X509_num(v->untrusted);
	uint8_t (*dg)[32] = realloc(v->untrusted_dg, (n + 1) * sizeof(*dg));
	if (dg == NULL)
		return CSRA_ERR_NOMEM;
	v->untrusted_dg = dg;
	if (X509_digest(cert, v->sha256, dg[n], NULL) != 1) {
		csra_clear_openssl_errors();
		return CSRA_ERR_NOMEM;
	}
	return csra_x509_push_ref(v->untrusted, cert);
}

csra_err csra_verifier_add_signer_cert(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_x509_push_ref(v->signer_certs, cert);
}

csra_err csra_verifier_add_signer_key(csra_verifier *v, EVP_PKEY *key, const uint8_t *keyid,
    size_t keyid_len)
{
	if (v == NULL || key == NULL || keyid == NULL || keyid_len == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct keyid_key *n = realloc(v->keys, (v->nkeys + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->keys = n;
	uint8_t *id = malloc(keyid_len);
	if (id == NULL)
		return CSRA_ERR_NOMEM;
	if (!EVP_PKEY_up_ref(key)) {
		free(id);
		return CSRA_ERR_INTERNAL;
	}
	memcpy(id, keyid, keyid_len);
	n[v->nkeys++] = (struct keyid_key){ key, id, keyid_len };
	return CSRA_OK;
}

/* Reads every certificate of the PEM file |path| (or of each regular file
 * of the directory |path|) into |add|. */
static csra_err add_pem(csra_verifier *v, const char *path,
    csra_err (*add)(csra_verifier *, X509 *))
{
	struct stat st;
	if (v == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (stat(path, &st) != 0)
		return CSRA_ERR_IO;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		int any = 0;
		if (d == NULL)
			return CSRA_ERR_IO;
		while ((de = readdir(d)) != NULL) {
			char sub[PATH_MAX];
			struct stat sst;
			if (de->d_name[0] == '.' ||
			    snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub) ||
			    stat(sub, &sst) != 0 || !S_ISREG(sst.st_mode))
				continue;
			if (add_pem(v, sub, add) == CSRA_OK)
				any = 1;
		}
		closedir(d);
		return any ? CSRA_OK : CSRA_ERR_IO;
	}
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return CSRA_ERR_IO;
	X509 *x;
	int n = 0;
	csra_err e = CSRA_OK;
	while (e == CSRA_OK && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		e = add(v, x);
		X509_free(x);
		n++;
	}
	csra_clear_openssl_errors();	/* PEM_read_X509 ends with "no start line" */
	fclose(f);
	return e != CSRA_OK ? e : n ? CSRA_OK : CSRA_ERR_IO;
}

csra_err csra_verifier_add_trust_file(csra_verifier *v, const char *path)
{
	if (v != NULL && v->caller_store)
		return CSRA_ERR_INVALID_ARGUMENT;
	return add_pem(v, path, csra_verifier_add_trust);
}

csra_err csra_verifier_add_untrusted_file(csra_verifier *v, const char *path)
{
	return add_pem(v, path, csra_verifier_add_untrusted);
}

csra_err csra_verifier_set_time(csra_verifier *v, time_t t)
{
	if (v == NULL || t < 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->at = t;
	v->clock = NULL;
	v->clock_arg = NULL;
	return CSRA_OK;
}

csra_err csra_verifier_set_clock(csra_verifier *v, csra_clock_fn clock, void *arg)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->at = 0;
	v->clock = clock;
	v->clock_arg = clock ? arg : NULL;
	return CSRA_OK;
}

int csra_verifier_now(const csra_verifier *v, time_t *now, time_t *wall)
{
	time_t sys = time(NULL), t = 0;
	if (wall != NULL)
		*wall = sys;
	*now = 0;
	if (v->at != 0)
		t = v->at;
	else if (v->clock == NULL)
		t = sys;
	else if (!v->clock(v->clock_arg, &t) || t <= 0)
		return 0;	/* no time: nothing can be judged */
	*now = t;
	return 1;
}

csra_err csra_verifier_set_chain_cache(csra_verifier *v, size_t entries)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_cache_resize(v->cache, entries) ? CSRA_OK : CSRA_ERR_NOMEM;
}

csra_err csra_verifier_set_limit(csra_verifier *v, csra_limit which, size_t max)
{
	if (v == NULL || (unsigned)which >= CSRA_LIMIT_COUNT || max == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->limits[which] = max;
	return CSRA_OK;
}

size_t csra_verifier_limit(const csra_verifier *v, csra_limit which)
{
	if (v == NULL || (unsigned)which >= CSRA_LIMIT_COUNT)
		return 0;
	return v->limits[which];
}

int csra_within_limit(const csra_verifier *v, csra_result *r, csra_limit which, size_t count,
    const char *path)
{
	size_t cap = v->limits[which];
	if (count <= cap)
		return 1;
	csra_result_add(r, limit_checks[which].check, CSRA_STATUS_FAIL, limit_checks[which].code, path,
	    "%zu %s, over the cap of %zu: not processed (csra_verifier_set_limit)", count,
	    limit_checks[which].what, cap);
	return 0;
}

csra_err csra_verifier_set_sig_policy(csra_verifier *v, csra_sig_policy p)
{
	if (v == NULL || (p != CSRA_SIG_ALL && p != CSRA_SIG_ANY_TRUSTED))
		return CSRA_ERR_INVALID_ARGUMENT;
	v->sig_policy = p;
	return CSRA_OK;
}

csra_err csra_verifier_set_strict(csra_verifier *v, int on)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->strict = on != 0;
	return CSRA_OK;
}

csra_err csra_verifier_set_timestamp_window(csra_verifier *v, long max_age, long skew)
{
	/* Refused rather than clamped: a caller asking for more than decades
	 * has made a mistake, and bounded values keep the window's arithmetic
	 * (max_age + skew) from overflowing. */
	if (v == NULL || skew < 0 || skew > CSRA_TIMESTAMP_WINDOW_MAX ||
	    max_age > CSRA_TIMESTAMP_WINDOW_MAX)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->ts_max_age = max_age;
	v->ts_skew = skew;
	return CSRA_OK;
}

int csra_eku_set_add(struct csra_eku_set *s, const uint8_t *der, size_t len)
{
	uint8_t buf[2 + 126];
	if (der == NULL || len == 0 || len > sizeof(buf) - 2)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if ((size_t)OBJ_length(s->oids[i]) == len && memcmp(OBJ_get0_data(s->oids[i]), der, len) == 0)
			return 1;
	buf[0] = 0x06;
	buf[1] = (uint8_t)len;
	memcpy(buf + 2, der, len);
	const unsigned char *p = buf;
	ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &p, (long)(len + 2));
	unsigned long err = o == NULL ? ERR_peek_last_error() : 0;
	ASN1_OBJECT **grown = o != NULL ? realloc(s->oids, (s->n + 1) * sizeof(*grown)) : NULL;
	csra_clear_openssl_errors();
	if (o == NULL)
		return ERR_GET_REASON(err) == ERR_R_MALLOC_FAILURE ? 0 : -1;
	if (grown == NULL) {
		ASN1_OBJECT_free(o);
		return 0;
	}
	s->oids = grown;
	s->oids[s->n++] = o;
	return 1;
}

void csra_eku_set_clear(struct csra_eku_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		ASN1_OBJECT_free(s->oids[i]);
	free(s->oids);
	s->oids = NULL;
	s->n = 0;
}

const struct csra_eku_set *csra_verifier_ak_ekus(const csra_verifier *v, int tpm)
{
	tpm = tpm != 0;
	return v->policy_ak_ekus[tpm].n > 0 ? &v->policy_ak_ekus[tpm] : &v->ak_ekus[tpm];
}

void csra_eku_set_str(const struct csra_eku_set *s, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && used + 1 < cap; i++) {
		char oid[96] = "?";
		if (OBJ_obj2txt(oid, sizeof(oid), s->oids[i], 1) <= 0)
			strcpy(oid, "?");
		int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", oid);
		if (w < 0 || (size_t)w >= cap - used)
			break;
		used += (size_t)w;
	}
}

/* The caller's EKUs replace the defaults with the first one added, so
 * that the placeholder can be retired; a policy's replace them all. The
 * chain cache keeps each certificate's EKU answer: flushed. */
static csra_err add_ak_eku(csra_verifier *v, int tpm, const uint8_t *oid, size_t len)
{
	char text[160];
	if (v == NULL || oid == NULL || len == 0 || len > 126 || !csra_oid_to_str(oid, len, text, sizeof(text)))
		return CSRA_ERR_INVALID_ARGUMENT;
	struct csra_eku_set fresh = { NULL, 0 };
	struct csra_eku_set *s = v->ak_ekus_added[tpm] ? &v->ak_ekus[tpm] : &fresh;
	int added = csra_eku_set_add(s, oid, len);
	if (added != 1) {
		csra_eku_set_clear(&fresh);
		return added < 0 ? CSRA_ERR_INVALID_ARGUMENT : CSRA_ERR_NOMEM;
	}
	if (!v->ak_ekus_added[tpm]) {
		csra_eku_set_clear(&v->ak_ekus[tpm]);
		v->ak_ekus[tpm] = fresh;
		v->ak_ekus_added[tpm] = 1;
	}
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return CSRA_OK;
}

csra_err csra_verifier_add_ak_eku(csra_verifier *v, const uint8_t *oid, size_t len)
{
	return add_ak_eku(v, 0, oid, len);
}

csra_err csra_verifier_add_tpm_ak_eku(csra_verifier *v, const uint8_t *oid, size_t len)
{
	return add_ak_eku(v, 1, oid, len);
}

int csra_has_ak_eku(const struct csra_eku_set *s, X509 *x)
{
	int crit = -1;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	/* crit -1: absent; -2: there twice; else there and not decoded. */
	int found = eku == NULL && crit != -1 ? -1 : 0;
	for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku) && found == 0; i++)
		for (size_t k = 0; k < s->n; k++)
			if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), s->oids[k]) == 0)
				found = 1;
	EXTENDED_KEY_USAGE_free(eku);
	csra_clear_openssl_errors();
	return found;
}

/* The built-in profile, read once per process and shared by every
 * verifier: a policy is not changed after it is read, and reading its
 * JSON was most of the cost of making a verifier. Never freed. */
static pthread_once_t cabf_once = PTHREAD_ONCE_INIT;
static csra_policy *cabf_shared;

static void read_cabf(void)
{
	cabf_shared = csra_policy_cabf_csbr();
}

static int routes_init(csra_verifier *v)
{
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	memcpy(v->evidence_type, e->der, e->der_len);
	v->evidence_type_len = e->der_len;
	v->tpm_store = X509_STORE_new();
	/* A failed first reading (memory) is not retried by pthread_once:
	 * this verifier then reads its own. */
	v->default_policy = pthread_once(&cabf_once, read_cabf) == 0 ? cabf_shared : NULL;
	if (v->default_policy == NULL)
		v->default_policy = v->own_default = csra_policy_cabf_csbr();
	return v->tpm_store != NULL && v->default_policy != NULL;
}

static void free_type_stores(csra_verifier *v)
{
	for (size_t i = 0; i < v->ntype_stores; i++)
		X509_STORE_free(v->type_stores[i].store);
	free(v->type_stores);
	v->type_stores = NULL;
	v->ntype_stores = 0;
}

static void routes_free(csra_verifier *v)
{
	X509_STORE_free(v->tpm_store);
	csra_policy_free(&v->own_default);
	for (size_t i = 0; i < v->nexternals; i++) {
		for (char **a = v->externals[i].ext.argv; a && *a; a++)
			free(*a);
		free(v->externals[i].ext.argv);
	}
	free(v->externals);
	free(v->callbacks);
	free_type_stores(v);
}

static csra_err store_add(X509_STORE *store, X509 *cert)
{
	if (X509_STORE_add_cert(store, cert) != 1) {
		unsigned long e = ERR_peek_last_error();
		csra_clear_openssl_errors();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

csra_err csra_verifier_add_tpm_trust(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (csra_x509_settle(cert) < 0)
		return CSRA_ERR_NOMEM;
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return store_add(v->tpm_store, cert);
}

/* Loads every certificate of a PEM file, or of each file of a directory,
 * into |store|. */
static csra_err load_store(X509_STORE *store, const char *path)
{
	csra_verifier *tmp = csra_verifier_new();
	if (tmp == NULL)
		return CSRA_ERR_NOMEM;
	/* Reuse the verifier's reader through a scratch verifier's trust:
	 * its untrusted list collects the certificates. */
	csra_err e = csra_verifier_add_untrusted_file(tmp, path);
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(tmp->untrusted); i++)
		e = csra_x509_settle(sk_X509_value(tmp->untrusted, i)) < 0 ? CSRA_ERR_NOMEM
		    : store_add(store, sk_X509_value(tmp->untrusted, i));
	csra_verifier_free(&tmp);
	return e;
}

csra_err csra_verifier_add_tpm_trust_file(csra_verifier *v, const char *path)
{
	if (v == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return load_store(v->tpm_store, path);
}

/* A policy's anchors for vendor format |format|: they replace the
 * bundle's roots unless one of its entries for the format is "bundle";
 * each path's certificates are added as the caller's would be. */
static csra_err policy_format_trust(csra_verifier *v, const csra_policy *p, size_t i, const char *format,
    const char *path)
{
	int first = i == 0 || csra_policy_trust_format(p, i - 1) == NULL ||
	    strcmp(csra_policy_trust_format(p, i - 1), format) != 0;
	if (first) {
		int keep = 0;
		for (size_t k = i; k < csra_policy_trust_count(p) && csra_policy_trust_format(p, k) != NULL &&
		    strcmp(csra_policy_trust_format(p, k), format) == 0; k++)
			keep |= strcmp(csra_policy_trust(p, k, NULL, NULL), "bundle") == 0;
		csra_err e = keep ? CSRA_OK : csra_verifier_format_trust_drop(v, format);
		if (e != CSRA_OK)
			return e;
	}
	if (strcmp(path, "bundle") == 0)
		return CSRA_OK;
	csra_verifier *tmp = csra_verifier_new();
	if (tmp == NULL)
		return CSRA_ERR_NOMEM;
	csra_err e = csra_verifier_add_untrusted_file(tmp, path);
	for (int k = 0; e == CSRA_OK && k < sk_X509_num(tmp->untrusted); k++)
		e = csra_verifier_format_trust_add(v, format, sk_X509_value(tmp->untrusted, k));
	csra_verifier_free(&tmp);
	return e;
}

csra_err csra_verifier_set_policy(csra_verifier *v, const csra_policy *p)
{
	if (v == NULL || p == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	free_type_stores(v);
	size_t n = csra_policy_trust_count(p);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *oid;
		size_t oid_len;
		const char *path = csra_policy_trust(p, i, &oid, &oid_len);
		const char *format = csra_policy_trust_format(p, i);
		if (format != NULL) {
			csra_err fe = policy_format_trust(v, p, i, format, path);
			if (fe != CSRA_OK)
				return fe;
			continue;
		}
		struct csra_type_store *ts = NULL;
		for (size_t k = 0; k < v->ntype_stores; k++)
			if (v->type_stores[k].oid_len == oid_len && memcmp(v->type_stores[k].oid, oid, oid_len) == 0)
				ts = &v->type_stores[k];
		if (ts == NULL) {
			if (oid_len > sizeof(ts->oid))
				return CSRA_ERR_INVALID_ARGUMENT;
			struct csra_type_store *grown = realloc(v->type_stores,
			    (v->ntype_stores + 1) * sizeof(*grown));
			if (grown == NULL)
				return CSRA_ERR_NOMEM;
			v->type_stores = grown;
			ts = &grown[v->ntype_stores];
			memcpy(ts->oid, oid, oid_len);
			ts->oid_len = oid_len;
			if ((ts->store = X509_STORE_new()) == NULL)
				return CSRA_ERR_NOMEM;
			v->ntype_stores++;
		}
		csra_err e = load_store(ts->store, path);
		if (e != CSRA_OK)
			return e;
	}
	/* The policy's attestation-key EKUs, when it names any, replace the
	 * verifier's for every verification (each certificate's EKU answer
	 * is cached: flushed below). */
	for (int tpm = 0; tpm < 2; tpm++) {
		csra_eku_set_clear(&v->policy_ak_ekus[tpm]);
		for (size_t i = 0; i < csra_policy_ak_eku_count(p, tpm); i++) {
			size_t len;
			const uint8_t *oid = csra_policy_ak_eku(p, tpm, i, &len);
			int added = csra_eku_set_add(&v->policy_ak_ekus[tpm], oid, len);
			if (added != 1) {
				/* The verifier's own set is back in force. */
				csra_eku_set_clear(&v->policy_ak_ekus[tpm]);
				csra_cache_flush(v->cache);
				return added < 0 ? CSRA_ERR_INVALID_ARGUMENT : CSRA_ERR_NOMEM;
			}
		}
	}
	v->policy = p;
	/* Anchors per type changed: no cached path may outlive them. */
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return CSRA_OK;
}

csra_err csra_verifier_set_evidence_type(csra_verifier *v, const uint8_t *oid, size_t len)
{
	if (v == NULL || oid == NULL || len == 0 || len > sizeof(v->evidence_type))
		return CSRA_ERR_INVALID_ARGUMENT;
	memcpy(v->evidence_type, oid, len);
	v->evidence_type_len = len;
	return CSRA_OK;
}

csra_err csra_verifier_add_external(csra_verifier *v, const uint8_t *oid, size_t len,
    const char *const *argv, unsigned timeout_ms, size_t max_output)
{
	if (v == NULL || oid == NULL || len == 0 || len > 64 || argv == NULL || argv[0] == NULL ||
	    timeout_ms == 0 || max_output == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	size_t argc = 0;
	while (argv[argc] != NULL)
		argc++;
	struct csra_external_route *n = realloc(v->externals, (v->nexternals + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->externals = n;
	struct csra_external_route *rt = &n[v->nexternals];
	memset(rt, 0, sizeof(*rt));
	if ((rt->ext.argv = calloc(argc + 1, sizeof(char *))) == NULL)
		return CSRA_ERR_NOMEM;
	for (size_t i = 0; i < argc; i++) {
		if ((rt->ext.argv[i] = strdup(argv[i])) == NULL) {
			for (size_t k = 0; k < i; k++)
				free(rt->ext.argv[k]);
			free(rt->ext.argv);
			return CSRA_ERR_NOMEM;
		}
	}
	memcpy(rt->oid, oid, len);
	rt->oid_len = len;
	rt->ext.timeout_ms = timeout_ms;
	rt->ext.max_output = max_output;
	v->nexternals++;
	return CSRA_OK;
}

csra_err csra_verifier_add_callback(csra_verifier *v, const uint8_t *oid, size_t len,
    csra_stmt_callback cb, void *arg)
{
	if (v == NULL || oid == NULL || len == 0 || len > 64 || cb == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct csra_callback_route *n = realloc(v->callbacks, (v->ncallbacks + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->callbacks = n;
	memcpy(n[v->ncallbacks].oid, oid, len);
	n[v->ncallbacks].oid_len = len;
	n[v->ncallbacks].cb = cb;
	n[v->ncallbacks].arg = arg;
	v->ncallbacks++;
	return CSRA_OK;
}

X509_STORE *csra_verifier_store_for(const csra_verifier *v, const uint8_t *type, size_t len, X509_STORE *dflt)
{
	for (size_t i = 0; i < v->ntype_stores; i++)
		if (v->type_stores[i].oid_len == len && memcmp(v->type_stores[i].oid, type, len) == 0)
			return v->type_stores[i].store;
	return dflt;
}

/* Vendor formats' trust anchors ------------------------------------------ */

/* One vendor format's anchors: the bundle's (unless dropped) and the
 * caller's, in one store rebuilt on each change (configuration time).
 * Formats with no entry use the bundle's shared store. */
struct csra_format_trust {
	char kind[32];
	STACK_OF(X509) *added;		/* the caller's */
	int dropped;			/* the bundle's roots are not trusted */
	X509_STORE *store;
};

static struct csra_format_trust *format_trust(csra_verifier *v, const char *kind)
{
	if (strlen(kind) >= sizeof(v->format_trust[0].kind))
		return NULL;
	for (size_t i = 0; i < v->nformat_trust; i++)
		if (strcmp(v->format_trust[i].kind, kind) == 0)
			return &v->format_trust[i];
	struct csra_format_trust *n = realloc(v->format_trust, (v->nformat_trust + 1) * sizeof(*n));
	if (n == NULL)
		return NULL;
	v->format_trust = n;
	memset(&n[v->nformat_trust], 0, sizeof(*n));
	strcpy(n[v->nformat_trust].kind, kind);
	return &n[v->nformat_trust++];
}

static csra_err format_trust_rebuild(csra_verifier *v, struct csra_format_trust *t)
{
	X509_STORE *s = X509_STORE_new();
	if (s == NULL)
		return CSRA_ERR_NOMEM;
	STACK_OF(X509) *bundle = t->dropped ? NULL : csra_trust_bundle_roots(t->kind);
	csra_err e = CSRA_OK;
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(bundle); i++)
		e = store_add(s, sk_X509_value(bundle, i));
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(t->added); i++)
		e = store_add(s, sk_X509_value(t->added, i));
	if (e != CSRA_OK) {
		X509_STORE_free(s);
		return e;
	}
	X509_STORE_free(t->store);
	t->store = s;
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return CSRA_OK;
}

csra_err csra_verifier_format_trust_add(csra_verifier *v, const char *kind, X509 *cert)
{
	struct csra_format_trust *t = format_trust(v, kind);
	if (t == NULL || (t->added == NULL && (t->added = sk_X509_new_null()) == NULL))
		return CSRA_ERR_NOMEM;
	csra_err e = csra_x509_push_ref(t->added, cert);
	return e != CSRA_OK ? e : format_trust_rebuild(v, t);
}

csra_err csra_verifier_format_trust_drop(csra_verifier *v, const char *kind)
{
	struct csra_format_trust *t = format_trust(v, kind);
	if (t == NULL)
		return CSRA_ERR_NOMEM;
	t->dropped = 1;
	return format_trust_rebuild(v, t);
}

X509_STORE *csra_verifier_format_store(const csra_verifier *v, const char *kind)
{
	for (size_t i = 0; i < v->nformat_trust; i++)
		if (strcmp(v->format_trust[i].kind, kind) == 0)
			return v->format_trust[i].store;
	return csra_trust_bundle_store(kind);
}

int csra_verifier_format_uses_bundle(const csra_verifier *v, const char *kind)
{
	for (size_t i = 0; i < v->nformat_trust; i++)
		if (strcmp(v->format_trust[i].kind, kind) == 0)
			return !v->format_trust[i].dropped;
	return 1;
}

static void format_trust_free(csra_verifier *v)
{
	for (size_t i = 0; i < v->nformat_trust; i++) {
		sk_X509_pop_free(v->format_trust[i].added, X509_free);
		X509_STORE_free(v->format_trust[i].store);
	}
	free(v->format_trust);
	v->format_trust = NULL;
	v->nformat_trust = 0;
}

/* Trust in OpenSSL's terms ----------------------------------------------- */

/* Every change here can change what a path validation answers: cached
 * paths are keyed on trust_gen and dropped. */
static void trust_changed(csra_verifier *v)
{
	v->trust_gen++;
	csra_cache_flush(v->cache);
}

csra_err csra_verifier_set_trust_store(csra_verifier *v, X509_STORE *store)
{
	/* Anchors added before would silently stop counting: refused, as
	 * csra_verifier_add_trust is after the store is handed over. */
	if (v == NULL || store == NULL || (!v->caller_store && v->ntrust > 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	if (!X509_STORE_up_ref(store))
		return CSRA_ERR_INTERNAL;
	X509_STORE_free(v->store);
	v->store = store;
	v->caller_store = 1;
	trust_changed(v);
	return CSRA_OK;
}

/* Flags csrattest does not let a caller's parameters or store turn on:
 * each would accept what its checks refuse (an AK past notAfter, a
 * critical extension nobody understood). */
#define CSRA_VFY_FORBIDDEN (X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_IGNORE_CRITICAL)

csra_err csra_verifier_set_verify_param(csra_verifier *v, const X509_VERIFY_PARAM *param)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	X509_VERIFY_PARAM *p = NULL;
	if (param != NULL) {
		if (X509_VERIFY_PARAM_get_flags(param) & CSRA_VFY_FORBIDDEN)
			return CSRA_ERR_INVALID_ARGUMENT;
		if ((p = X509_VERIFY_PARAM_new()) == NULL || X509_VERIFY_PARAM_set1(p, param) != 1) {
			X509_VERIFY_PARAM_free(p);
			csra_clear_openssl_errors();
			return CSRA_ERR_NOMEM;
		}
	}
	X509_VERIFY_PARAM_free(v->param);
	v->param = p;
	trust_changed(v);
	return CSRA_OK;
}

csra_err csra_verifier_set_libctx(csra_verifier *v, OSSL_LIB_CTX *libctx, const char *propq)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	char *pq = NULL;
	if (propq != NULL && (pq = strdup(propq)) == NULL)
		return CSRA_ERR_NOMEM;
	/* Fetched now: a context that has no SHA-256 under |propq| is refused
	 * here, and the verifier keeps the one it had. */
	EVP_MD *md = EVP_MD_fetch(libctx, "SHA256", propq);
	csra_clear_openssl_errors();
	if (md == NULL) {
		free(pq);
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	/* The verifier's intermediates' digests, in the new context. */
	for (int i = 0; i < sk_X509_num(v->untrusted); i++)
		if (X509_digest(sk_X509_value(v->untrusted, i), md, v->untrusted_dg[i], NULL) != 1) {
			csra_clear_openssl_errors();
			EVP_MD_free(md);
			free(pq);
			return CSRA_ERR_INVALID_ARGUMENT;
		}
	EVP_MD_free(v->sha256);
	v->sha256 = md;
	free(v->propq);
	v->propq = pq;
	v->libctx = libctx;
	/* Cached certificates were parsed in the old context. */
	trust_changed(v);
	return CSRA_OK;
}

csra_err csra_verifier_flush_cache(csra_verifier *v)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	trust_changed(v);
	return CSRA_OK;
}

csra_err csra_verifier_add_crl(csra_verifier *v, X509_CRL *crl)
{
	if (v == NULL || crl == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (v->crls == NULL && (v->crls = sk_X509_CRL_new_null()) == NULL)
		return CSRA_ERR_NOMEM;
	/* OpenSSL sorts a CRL's entries on the first lookup, under the CRL's
	 * lock; done now, before threads share it. */
	ASN1_INTEGER *zero = ASN1_INTEGER_new();
	X509_REVOKED *rev = NULL;
	if (zero == NULL)
		return CSRA_ERR_NOMEM;
	X509_CRL_get0_by_serial(crl, &rev, zero);
	ASN1_INTEGER_free(zero);
	if (!X509_CRL_up_ref(crl))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_CRL_push(v->crls, crl)) {
		X509_CRL_free(crl);
		return CSRA_ERR_NOMEM;
	}
	csra_clear_openssl_errors();
	trust_changed(v);
	return CSRA_OK;
}

/* Adds the CRLs of one file: PEM (any number), else one DER CRL. */
static csra_err add_crl_one(csra_verifier *v, const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	if (b == NULL) {
		csra_clear_openssl_errors();
		return CSRA_ERR_IO;
	}
	int n = 0;
	csra_err e = CSRA_OK;
	X509_CRL *crl;
	for (;;) {
		crl = X509_CRL_new_ex(v->libctx, v->propq);
		if (crl == NULL) {
			e = CSRA_ERR_NOMEM;
			break;
		}
		if (PEM_read_bio_X509_CRL(b, &crl, NULL, NULL) == NULL) {
			X509_CRL_free(crl);
			break;
		}
		e = csra_verifier_add_crl(v, crl);
		X509_CRL_free(crl);
		if (e != CSRA_OK)
			break;
		n++;
	}
	csra_clear_openssl_errors();
	if (e == CSRA_OK && n == 0 && BIO_reset(b) == 0) {
		crl = X509_CRL_new_ex(v->libctx, v->propq);
		if (crl != NULL && d2i_X509_CRL_bio(b, &crl) != NULL) {
			e = csra_verifier_add_crl(v, crl);
			n = e == CSRA_OK;
		}
		X509_CRL_free(crl);
		csra_clear_openssl_errors();
	}
	BIO_free(b);
	return e != CSRA_OK ? e : n ? CSRA_OK : CSRA_ERR_IO;
}

csra_err csra_verifier_add_crl_file(csra_verifier *v, const char *path)
{
	struct stat st;
	if (v == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (stat(path, &st) != 0)
		return CSRA_ERR_IO;
	if (!S_ISDIR(st.st_mode))
		return add_crl_one(v, path);
	DIR *d = opendir(path);
	struct dirent *de;
	int any = 0;
	csra_err e = CSRA_OK;
	if (d == NULL)
		return CSRA_ERR_IO;
	while (e != CSRA_ERR_NOMEM && (de = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		struct stat sst;
		if (de->d_name[0] == '.' ||
		    snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub) ||
		    stat(sub, &sst) != 0 || !S_ISREG(sst.st_mode))
			continue;
		/* Other files (certificates, notes) may sit beside the CRLs. */
		if ((e = add_crl_one(v, sub)) == CSRA_OK)
			any = 1;
	}
	closedir(d);
	return e == CSRA_ERR_NOMEM ? e : any ? CSRA_OK : CSRA_ERR_IO;
}

OSSL_LIB_CTX *csra_libctx(const csra_verifier *v)
{
	return v != NULL ? v->libctx : NULL;
}

const char *csra_propq(const csra_verifier *v)
{
	return v != NULL ? v->propq : NULL;
}

void csra_verifier_set_fastlink(csra_verifier *v, int on)
{
	v->no_fastlink = !on;
}

X509 *csra_d2i_x509(const csra_verifier *v, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = len <= LONG_MAX ? X509_new_ex(csra_libctx(v), csra_propq(v)) : NULL;
	/* d2i_X509 frees |x| when it fails to decode into it. */
	if (x != NULL && (d2i_X509(&x, &p, (long)len) == NULL || p != der + len)) {
		X509_free(x);
		x = NULL;
	}
	csra_clear_openssl_errors();
	return x;
}

X509_STORE_CTX *csra_store_ctx(const csra_verifier *v, X509_STORE *store, X509 *leaf,
    STACK_OF(X509) *untrusted, time_t at)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new_ex(csra_libctx(v), csra_propq(v));
	if (ctx == NULL || X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
		goto fail;
	/* X509_STORE_CTX_init took the store's flags, depth and policies;
	 * the caller's parameters add theirs and override its depth. */
	X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
	if (v != NULL && v->param != NULL && X509_VERIFY_PARAM_set1(p, v->param) != 1)
		goto fail;
	if (v != NULL && sk_X509_CRL_num(v->crls) > 0) {
		X509_STORE_CTX_set0_crls(ctx, v->crls);
		X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	/* Not the caller's to change: the time validity is judged at, and
	 * no purpose (csrattest checks the AK EKUs itself; OpenSSL's purposes
	 * know no attestation key; X509_PURPOSE_ANY checks none and replaces
	 * any the store or parameters set). */
	X509_VERIFY_PARAM_clear_flags(p, CSRA_VFY_FORBIDDEN);
	if (X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_ANY) != 1)
		goto fail;
	X509_STORE_CTX_set_time(ctx, 0, at);
	return ctx;
fail:
	X509_STORE_CTX_free(ctx);
	csra_clear_openssl_errors();
	return NULL;
}
