/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trust handed over in OpenSSL's terms: CRLs (csra_verifier_add_crl, _file),
 * a caller's X509_STORE, an X509_VERIFY_PARAM, an OSSL_LIB_CTX with a
 * property query; and the chain cache keyed on all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

static const uint8_t NONCE[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

/* Evidence signed by |p|'s AK: a nonce, a platform and a key element. */
static uint8_t *make_ev(const tp_pki *p, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *der = NULL;
	if (b != NULL &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, NONCE, sizeof(NONCE)) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest", 9) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5) == CSRA_OK &&
	    csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_encode(b, &der, len) != CSRA_OK)
		der = NULL;
	csra_evb_free(&b);
	return der;
}

/* Adds |crl| to |v| (its reference dropped). */
static int add_crl(csra_verifier *v, X509_CRL *crl)
{
	int ok = crl != NULL && csra_verifier_add_crl(v, crl) == CSRA_OK;
	X509_CRL_free(crl);
	return ok;
}

/* Verifies |der| and wants |verdict|, and unless |name| is NULL a check
 * |name| with |code| (failing unless CSRA_OK), whose message holds |msg|
 * (may be NULL). Prints the checks if not. */
static int expect(const csra_verifier *v, const uint8_t *der, size_t len, csra_verdict verdict,
    const char *name, csra_err code, const char *msg)
{
	csra_result *r = NULL;
	CHECK(der != NULL);
	CHECK(csra_verify_evidence(v, der, len, NONCE, sizeof(NONCE), NULL, &r) == CSRA_OK);
	int ok = csra_result_verdict(r) == verdict;
	if (ok && name != NULL) {
		long i = csra_result_find(r, name, code);
		const char *m = NULL;
		csra_status st = CSRA_STATUS_PASS;
		ok = i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, &m, NULL) &&
		    st == (code == CSRA_OK ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL) &&
		    (msg == NULL || strstr(m, msg) != NULL);
	}
	if (!ok) {
		fprintf(stderr, "  want verdict %d with %s %s, got %d:\n", verdict, name ? name : "-",
		    csra_err_name(code), csra_result_verdict(r));
		for (size_t i = 0; i < csra_result_check_count(r); i++) {
			const char *n, *m, *path;
			csra_status st;
			csra_err c;
			csra_result_check(r, i, &n, &st, &c, &m, &path);
			fprintf(stderr, "    %d %s %s [%s]: %s\n", st, n, csra_err_name(c), path, m);
		}
	}
	csra_result_free(&r);
	return ok;
}

/* A PKI, its Evidence and a verifier trusting its root with its
 * intermediate offered. */
struct fx {
	tp_pki p;
	uint8_t *ev;
	size_t len;
	csra_verifier *v;
};

static int fx_new(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	CHECK(tp_pki_new(&f->p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 365));
	CHECK((f->ev = make_ev(&f->p, &f->len)) != NULL);
	CHECK((f->v = csra_verifier_new()) != NULL);
	CHECK(csra_verifier_add_untrusted(f->v, f->p.inter) == CSRA_OK);
	return 1;
}

static int fx_trust(struct fx *f)
{
	return csra_verifier_add_trust(f->v, f->p.root) == CSRA_OK;
}

static void fx_free(struct fx *f)
{
	csra_verifier_free(&f->v);
	free(f->ev);
	tp_pki_free(&f->p);
}

/* Current CRLs of the root and the intermediate; |rev_ak|, |rev_inter|
 * revoke those. */
static int add_crls(struct fx *f, int rev_ak, int rev_inter)
{
	CHECK(add_crl(f->v, tp_crl(f->p.root, f->p.root_key, rev_inter ? f->p.inter : NULL, -600, 86400)));
	CHECK(add_crl(f->v, tp_crl(f->p.inter, f->p.int_key, rev_ak ? f->p.ak : NULL, -600, 86400)));
	return 1;
}

/* CRLs -------------------------------------------------------------- */

static int test_crl_unrevoked(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f) && add_crls(&f, 0, 0) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	fx_free(&f);
	return ok;
}

static int test_crl_revoked_ak(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f) && add_crls(&f, 1, 0) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED,
	    "CN=test ak");
	fx_free(&f);
	return ok;
}

static int test_crl_revoked_intermediate(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f) && add_crls(&f, 0, 1) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED,
	    "CN=test intermediate");
	fx_free(&f);
	return ok;
}

/* CRL checks on (a CRL was added) and none from the intermediate. */
static int test_crl_missing(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f) &&
	    add_crl(f.v, tp_crl(f.p.root, f.p.root_key, NULL, -600, 86400)) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL,
	    "unable to get certificate CRL");
	fx_free(&f);
	return ok;
}

static int test_crl_wrong_key(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f);
	EVP_PKEY *other = tp_key("EC", "P-256");
	ok = ok && other != NULL &&
	    add_crl(f.v, tp_crl(f.p.root, f.p.root_key, NULL, -600, 86400)) &&
	    add_crl(f.v, tp_crl(f.p.inter, other, NULL, -600, 86400)) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL,
	    "CRL signature failure");
	EVP_PKEY_free(other);
	fx_free(&f);
	return ok;
}

/* An expired CRL is not an expired AK (it was reported as one). */
static int test_crl_expired(void)
{
	struct fx f;
	int ok = fx_new(&f) && fx_trust(&f) &&
	    add_crl(f.v, tp_crl(f.p.root, f.p.root_key, NULL, -600, 86400)) &&
	    add_crl(f.v, tp_crl(f.p.inter, f.p.int_key, NULL, -7200, -3600)) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL, "CRL has expired");
	fx_free(&f);
	return ok;
}

static int test_verify_err_map(void)
{
	CHECK(csra_x509_verify_err(X509_V_ERR_CERT_REVOKED) == CSRA_ERR_AK_REVOKED);
	CHECK(csra_x509_verify_err(X509_V_ERR_CRL_HAS_EXPIRED) == CSRA_ERR_AK_CRL);
	CHECK(csra_x509_verify_err(X509_V_ERR_CRL_NOT_YET_VALID) == CSRA_ERR_AK_CRL);
	CHECK(csra_x509_verify_err(X509_V_ERR_UNABLE_TO_GET_CRL) == CSRA_ERR_AK_CRL);
	CHECK(csra_x509_verify_err(X509_V_ERR_CRL_SIGNATURE_FAILURE) == CSRA_ERR_AK_CRL);
	CHECK(csra_x509_verify_err(X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE) == CSRA_ERR_AK_CRL);
	CHECK(csra_x509_verify_err(X509_V_ERR_CERT_HAS_EXPIRED) == CSRA_ERR_AK_EXPIRED);
	return 1;
}

/* A path validated and cached before a CRL revoked its AK is not served
 * after. */
static int test_crl_cache(void)
{
	struct fx f;
	unsigned long hits = 0;
	int ok = fx_new(&f) && fx_trust(&f) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_cache_stats(f.v, &hits, NULL);
	ok = ok && hits == 1 && add_crls(&f, 1, 0) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED, NULL);
	fx_free(&f);
	if (!ok)
		fprintf(stderr, "  cache hits %lu\n", hits);
	return ok;
}

/* A path validated under a current CRL is cached only while that CRL is
 * current: at a time past its nextUpdate, the check runs again. */
static int test_crl_cache_window(void)
{
	struct fx f;
	unsigned long hits = 0;
	int ok = fx_new(&f) && fx_trust(&f) &&
	    add_crl(f.v, tp_crl(f.p.root, f.p.root_key, NULL, -600, 86400 * 30)) &&
	    add_crl(f.v, tp_crl(f.p.inter, f.p.int_key, NULL, -600, 3600)) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL) &&
	    csra_verifier_set_time(f.v, time(NULL) + 7200) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL, "CRL has expired");
	csra_cache_stats(f.v, &hits, NULL);
	ok = ok && hits == 0;
	fx_free(&f);
	return ok;
}

static int write_str(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");
	int ok = fp != NULL && fwrite(s, 1, n, fp) == n;
	if (fp != NULL)
		ok = fclose(fp) == 0 && ok;
	return ok;
}

/* PEM files of several CRLs, DER files, directories; files without one. */
static int test_crl_files(void)
{
	struct fx f;
	char dir[] = "/tmp/csra-crl-XXXXXX", path[256], sub[256];
	CHECK(mkdtemp(dir) != NULL);
	int ok = fx_new(&f) && fx_trust(&f);
	X509_CRL *root = tp_crl(f.p.root, f.p.root_key, NULL, -600, 86400);
	X509_CRL *inter = tp_crl(f.p.inter, f.p.int_key, f.p.ak, -600, 86400);
	BIO *b = BIO_new(BIO_s_mem());
	char *pem;
	ok = ok && root != NULL && inter != NULL && b != NULL && PEM_write_bio_X509_CRL(b, root) &&
	    PEM_write_bio_X509_CRL(b, inter);
	long n = ok ? BIO_get_mem_data(b, &pem) : 0;
	snprintf(path, sizeof(path), "%s/both.pem", dir);
	ok = ok && write_str(path, pem, (size_t)n);
	/* Both CRLs of one PEM file are read: the AK is revoked. */
	ok = ok && csra_verifier_add_crl_file(f.v, path) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED, NULL);
	/* A directory: the root's CRL as DER and a certificate beside it,
	 * skipped; the intermediate's CRL missing. */
	snprintf(sub, sizeof(sub), "%s/d", dir);
	ok = ok && mkdir(sub, 0700) == 0;
	unsigned char *der = NULL;
	int dlen = ok ? i2d_X509_CRL(root, &der) : 0;
	snprintf(path, sizeof(path), "%s/d/root.crl", dir);
	ok = ok && dlen > 0 && write_str(path, (const char *)der, (size_t)dlen);
	OPENSSL_free(der);
	snprintf(path, sizeof(path), "%s/d/note.txt", dir);
	ok = ok && write_str(path, "not a CRL\n", 10);
	csra_verifier *v2 = csra_verifier_new();
	ok = ok && v2 != NULL && csra_verifier_add_trust(v2, f.p.root) == CSRA_OK &&
	    csra_verifier_add_untrusted(v2, f.p.inter) == CSRA_OK &&
	    csra_verifier_add_crl_file(v2, sub) == CSRA_OK &&
	    expect(v2, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL, NULL);
	/* No CRL in it, or no such file. */
	ok = ok && csra_verifier_add_crl_file(v2, path) == CSRA_ERR_IO;
	snprintf(path, sizeof(path), "%s/none", dir);
	ok = ok && csra_verifier_add_crl_file(v2, path) == CSRA_ERR_IO;
	ok = ok && csra_verifier_add_crl_file(v2, NULL) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_add_crl(v2, NULL) == CSRA_ERR_INVALID_ARGUMENT;
	csra_verifier_free(&v2);
	BIO_free(b);
	X509_CRL_free(root);
	X509_CRL_free(inter);
	fx_free(&f);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok = 0;
	return ok;
}

/* Trust anchors from a directory: every regular file's certificates;
 * dot files, subdirectories and files with no certificate passed over;
 * a directory with none is CSRA_ERR_IO, for the TPM store too. */
static int test_trust_directory(void)
{
	struct fx f;
	char dir[] = "/tmp/csra-trust-XXXXXX", path[256];
	CHECK(mkdtemp(dir) != NULL);
	int ok = fx_new(&f);
	BIO *b = BIO_new(BIO_s_mem());
	char *pem;
	ok = ok && b != NULL && PEM_write_bio_X509(b, f.p.root);
	long n = ok ? BIO_get_mem_data(b, &pem) : 0;
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	ok = ok && write_str(path, pem, (size_t)n);
	snprintf(path, sizeof(path), "%s/note.txt", dir);
	ok = ok && write_str(path, "not a certificate\n", 18);
	snprintf(path, sizeof(path), "%s/sub", dir);
	ok = ok && mkdir(path, 0700) == 0;
	/* Without the anchors: untrusted. With the directory: verified. */
	csra_verifier *v = csra_verifier_new();
	ok = ok && v != NULL && csra_verifier_add_untrusted(v, f.p.inter) == CSRA_OK &&
	    expect(v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_UNTRUSTED, NULL) &&
	    csra_verifier_add_trust_file(v, dir) == CSRA_OK &&
	    expect(v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_verifier_free(&v);
	/* The certificate as a dot file only: nothing read. */
	char from[256];
	snprintf(from, sizeof(from), "%s/root.pem", dir);
	snprintf(path, sizeof(path), "%s/.root.pem", dir);
	ok = ok && rename(from, path) == 0;
	v = csra_verifier_new();
	ok = ok && v != NULL && csra_verifier_add_trust_file(v, dir) == CSRA_ERR_IO &&
	    csra_verifier_add_tpm_trust_file(v, dir) == CSRA_ERR_IO;
	csra_verifier_free(&v);
	BIO_free(b);
	fx_free(&f);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok = 0;
	return ok;
}

/* The caller's X509_STORE ------------------------------------------- */

static X509_STORE *store_of(const tp_pki *p)
{
	X509_STORE *s = X509_STORE_new();
	if (s != NULL && X509_STORE_add_cert(s, p->root) != 1) {
		X509_STORE_free(s);
		return NULL;
	}
	return s;
}

/* Its CRLs and flags apply: the AK is revoked. */
static int test_store_crl(void)
{
	struct fx f;
	int ok = fx_new(&f);
	X509_STORE *s = ok ? store_of(&f.p) : NULL;
	X509_CRL *crl = ok ? tp_crl(f.p.inter, f.p.int_key, f.p.ak, -600, 86400) : NULL;
	ok = ok && s != NULL && crl != NULL && X509_STORE_add_crl(s, crl) == 1 &&
	    X509_STORE_set_flags(s, X509_V_FLAG_CRL_CHECK) == 1 &&
	    csra_verifier_set_trust_store(f.v, s) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED, "CN=test ak");
	X509_CRL_free(crl);
	X509_STORE_free(s);	/* the verifier holds its reference */
	ok = ok && expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED, NULL);
	fx_free(&f);
	return ok;
}

/* One place says which anchors are in force. */
static int test_store_and_add_trust(void)
{
	struct fx f;
	int ok = fx_new(&f);
	X509_STORE *s = ok ? store_of(&f.p) : NULL;
	ok = ok && s != NULL &&
	    csra_verifier_set_trust_store(f.v, NULL) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_set_trust_store(f.v, s) == CSRA_OK &&
	    csra_verifier_add_trust(f.v, f.p.root) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_add_trust_file(f.v, "/nonexistent") == CSRA_ERR_INVALID_ARGUMENT &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_verifier *v2 = csra_verifier_new();
	ok = ok && v2 != NULL && csra_verifier_add_trust(v2, f.p.root) == CSRA_OK &&
	    csra_verifier_set_trust_store(v2, s) == CSRA_ERR_INVALID_ARGUMENT;
	csra_verifier_free(&v2);
	X509_STORE_free(s);
	fx_free(&f);
	return ok;
}

/* A CRL added to the caller's store after it was handed over is not seen
 * by a cached path (the verifier cannot know) until the cache is flushed. */
/* A caller's store changed after it was handed over: CRLs and anchors
 * added to it change its object count, which keys cached paths; its flags
 * key them too. csra_verifier_flush_cache drops every cached path for
 * what neither shows (a hashed directory's new files). */
static int test_store_changed(void)
{
	struct fx f;
	unsigned long h0 = 0, m0 = 0, h1 = 0, m1 = 0, h2 = 0, m2 = 0;
	int ok = fx_new(&f);
	X509_STORE *s = ok ? store_of(&f.p) : NULL;
	X509_CRL *crl = ok ? tp_crl(f.p.inter, f.p.int_key, f.p.ak, -600, 86400) : NULL;
	ok = ok && s != NULL && crl != NULL && csra_verifier_set_trust_store(f.v, s) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL) &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_cache_stats(f.v, &h0, &m0);
	/* A CRL added: not checked yet (no CRL flag), but the path is
	 * validated again. */
	ok = ok && h0 == 1 && X509_STORE_add_crl(s, crl) == 1 &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_cache_stats(f.v, &h1, &m1);
	ok = ok && h1 == h0 && m1 == m0 + 1;
	/* The flag turned on in the store: the AK is revoked. */
	ok = ok && X509_STORE_set_flags(s, X509_V_FLAG_CRL_CHECK) == 1 &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_REVOKED, NULL);
	/* Flushing drops what was cached. */
	ok = ok && X509_STORE_set_flags(s, 0) == 1;
	X509_VERIFY_PARAM_clear_flags(X509_STORE_get0_param(s), X509_V_FLAG_CRL_CHECK);
	ok = ok && expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL) &&
	    csra_verifier_flush_cache(f.v) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	csra_cache_stats(f.v, &h2, &m2);
	ok = ok && h2 == h1 + 1 && m2 == m1 + 2;
	if (!ok)
		fprintf(stderr, "  hits/misses %lu/%lu %lu/%lu %lu/%lu\n", h0, m0, h1, m1, h2, m2);
	X509_CRL_free(crl);
	X509_STORE_free(s);
	fx_free(&f);
	return ok;
}

/* The caller's store may not turn csrattest's time check off. */
static int test_store_no_check_time(void)
{
	struct fx f;
	int ok = fx_new(&f);
	X509_STORE *s = ok ? store_of(&f.p) : NULL;
	ok = ok && s != NULL && X509_STORE_set_flags(s, X509_V_FLAG_NO_CHECK_TIME) == 1 &&
	    csra_verifier_set_trust_store(f.v, s) == CSRA_OK &&
	    csra_verifier_set_time(f.v, time(NULL) + 86400L * 400) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_EXPIRED, NULL);
	X509_STORE_free(s);
	fx_free(&f);
	return ok;
}

/* X509_VERIFY_PARAM ------------------------------------------------- */

static int test_param_depth(void)
{
	struct fx f;
	X509_VERIFY_PARAM *p = X509_VERIFY_PARAM_new();
	int ok = p != NULL && fx_new(&f) && fx_trust(&f);
	X509_VERIFY_PARAM_set_depth(p, 0);
	ok = ok && csra_verifier_set_verify_param(f.v, p) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CHAIN,
	    "certificate chain too long");
	/* Forgotten again; the path cached under it is not served. */
	ok = ok && csra_verifier_set_verify_param(f.v, NULL) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	/* A param set after a path was cached applies. */
	ok = ok && csra_verifier_set_verify_param(f.v, p) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CHAIN, NULL);
	X509_VERIFY_PARAM_free(p);
	fx_free(&f);
	return ok;
}

/* Its flags are honoured: CRL checks without a CRL fail. */
static int test_param_crl_flag(void)
{
	struct fx f;
	X509_VERIFY_PARAM *p = X509_VERIFY_PARAM_new();
	int ok = p != NULL && fx_new(&f) && fx_trust(&f) &&
	    X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_CRL_CHECK) == 1 &&
	    csra_verifier_set_verify_param(f.v, p) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "ak.chain", CSRA_ERR_AK_CRL, NULL);
	X509_VERIFY_PARAM_free(p);
	fx_free(&f);
	return ok;
}

/* csrattest's time and purpose win; flags that would turn checks off are
 * refused. */
static int test_param_overridden(void)
{
	struct fx f;
	X509_VERIFY_PARAM *p = X509_VERIFY_PARAM_new();
	X509_VERIFY_PARAM *bad = X509_VERIFY_PARAM_new();
	int ok = p != NULL && bad != NULL && fx_new(&f) && fx_trust(&f);
	/* A time long after the AK expired, and a TLS server purpose, which
	 * the AK (no serverAuth EKU) would fail. */
	X509_VERIFY_PARAM_set_time(p, time(NULL) + 86400L * 800);
	ok = ok && X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_SSL_SERVER) == 1 &&
	    csra_verifier_set_verify_param(f.v, p) == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	ok = ok && X509_VERIFY_PARAM_set_flags(bad, X509_V_FLAG_NO_CHECK_TIME) == 1 &&
	    csra_verifier_set_verify_param(f.v, bad) == CSRA_ERR_INVALID_ARGUMENT;
	ok = ok && X509_VERIFY_PARAM_clear_flags(bad, X509_V_FLAG_NO_CHECK_TIME) == 1 &&
	    X509_VERIFY_PARAM_set_flags(bad, X509_V_FLAG_IGNORE_CRITICAL) == 1 &&
	    csra_verifier_set_verify_param(f.v, bad) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_set_verify_param(NULL, p) == CSRA_ERR_INVALID_ARGUMENT;
	X509_VERIFY_PARAM_free(p);
	X509_VERIFY_PARAM_free(bad);
	fx_free(&f);
	return ok;
}

/* OSSL_LIB_CTX ------------------------------------------------------ */

/* A library context of its own with the default provider: verifies. With
 * the provider gone from it, verification fails rather than falling back
 * to OpenSSL's default context. */
static int test_libctx(void)
{
	struct fx f;
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *prov = ctx ? OSSL_PROVIDER_load(ctx, "default") : NULL;
	int ok = prov != NULL && fx_new(&f) && fx_trust(&f) &&
	    csra_verifier_set_libctx(f.v, ctx, "provider=nonexistent") == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_set_libctx(f.v, ctx, "provider=default") == CSRA_OK &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "signature.value", CSRA_OK, NULL);
	if (ok) {
		OSSL_PROVIDER_unload(prov);
		prov = NULL;
		ok = csra_verifier_flush_cache(f.v) == CSRA_OK &&
		    expect(f.v, f.ev, f.len, CSRA_VERDICT_REJECTED, "signature.signer", CSRA_ERR_SIG_BAD_KEY,
		    "cannot use the certificate's key");
	}
	fx_free(&f);
	OSSL_PROVIDER_unload(prov);
	OSSL_LIB_CTX_free(ctx);
	return ok;
}

/* A request's self-signature is checked in the verifier's context too:
 * passes with the provider there, fails with it gone. */
static int request_sig(const csra_verifier *v, const uint8_t *der, size_t len, csra_err want)
{
	csra_result *r = NULL;
	CHECK(csra_verify_request(v, der, len, NONCE, sizeof(NONCE), &r) == CSRA_OK);
	int ok = csra_result_find(r, "request.signature", want) >= 0;
	csra_result_free(&r);
	return ok;
}

static int test_libctx_request(void)
{
	struct fx f;
	size_t len = 0;
	uint8_t *csr = NULL;
	EVP_PKEY *subject = tp_key("EC", "P-256");
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *prov = ctx ? OSSL_PROVIDER_load(ctx, "default") : NULL;
	int ok = prov != NULL && subject != NULL && fx_new(&f) && fx_trust(&f) &&
	    (csr = tp_attested_csr(subject, "libctx", f.ev, f.len, &len)) != NULL &&
	    csra_verifier_set_libctx(f.v, ctx, NULL) == CSRA_OK &&
	    request_sig(f.v, csr, len, CSRA_OK);
	if (ok) {
		OSSL_PROVIDER_unload(prov);
		prov = NULL;
		ok = request_sig(f.v, csr, len, CSRA_ERR_REQ_SIGNATURE);
	}
	free(csr);
	EVP_PKEY_free(subject);
	fx_free(&f);
	OSSL_PROVIDER_unload(prov);
	OSSL_LIB_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A context without SHA-256 (only the "null" or the "base" provider: a
 * context with none loaded gets the default one on first use), or a
 * property query no provider satisfies, is refused and the verifier left
 * as it was. */
static int test_libctx_refused(void)
{
	struct fx f;
	OSSL_LIB_CTX *empty = OSSL_LIB_CTX_new();
	OSSL_LIB_CTX *base = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *np = empty ? OSSL_PROVIDER_load(empty, "null") : NULL;
	OSSL_PROVIDER *bp = base ? OSSL_PROVIDER_load(base, "base") : NULL;
	int ok = np != NULL && bp != NULL && fx_new(&f) && fx_trust(&f) &&
	    csra_verifier_set_libctx(f.v, empty, NULL) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_set_libctx(f.v, base, NULL) == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_verifier_set_libctx(f.v, NULL, "provider=nonexistent") == CSRA_ERR_INVALID_ARGUMENT &&
	    csra_libctx(f.v) == NULL && csra_propq(f.v) == NULL &&
	    expect(f.v, f.ev, f.len, CSRA_VERDICT_VERIFIED, "ak.chain", CSRA_OK, NULL);
	fx_free(&f);
	OSSL_PROVIDER_unload(np);
	OSSL_PROVIDER_unload(bp);
	OSSL_LIB_CTX_free(base);
	OSSL_LIB_CTX_free(empty);
	ERR_clear_error();
	return ok;
}

/* What the verifier parses and verifies comes from its context: a key
 * from a request, a signature over it, a certificate. */
static int test_libctx_parts(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *prov = ctx ? OSSL_PROVIDER_load(ctx, "default") : NULL;
	struct fx f;
	int ok = prov != NULL && fx_new(&f) && fx_trust(&f) &&
	    csra_verifier_set_libctx(f.v, ctx, NULL) == CSRA_OK;
	unsigned char *spki = NULL, *cder = NULL;
	int n = ok ? i2d_PUBKEY(f.p.ak_key, &spki) : 0;
	int cn = ok ? i2d_X509(f.p.ak, &cder) : 0;
	EVP_PKEY *k = n > 0 ? csra_spki_pkey(f.v, spki, (size_t)n) : NULL;
	X509 *x = cn > 0 ? csra_d2i_x509(f.v, cder, (size_t)cn) : NULL;
	ok = ok && k != NULL && x != NULL && EVP_PKEY_eq(k, f.p.ak_key) == 1;
	/* With the provider gone, neither parses. */
	EVP_PKEY_free(k);
	X509_free(x);
	k = NULL;
	x = NULL;
	if (ok) {
		OSSL_PROVIDER_unload(prov);
		prov = NULL;
		k = csra_spki_pkey(f.v, spki, (size_t)n);
		ok = k == NULL;
	}
	EVP_PKEY_free(k);
	OPENSSL_free(spki);
	OPENSSL_free(cder);
	fx_free(&f);
	OSSL_PROVIDER_unload(prov);
	OSSL_LIB_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_crl_unrevoked),
		TU(test_crl_revoked_ak),
		TU(test_crl_revoked_intermediate),
		TU(test_crl_missing),
		TU(test_crl_wrong_key),
		TU(test_crl_expired),
		TU(test_verify_err_map),
		TU(test_crl_cache),
		TU(test_crl_cache_window),
		TU(test_crl_files), TU(test_trust_directory),
		TU(test_store_crl),
		TU(test_store_and_add_trust),
		TU(test_store_changed),
		TU(test_store_no_check_time),
		TU(test_param_depth),
		TU(test_param_crl_flag),
		TU(test_param_overridden),
		TU(test_libctx),
		TU(test_libctx_request),
		TU(test_libctx_refused),
		TU(test_libctx_parts),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
