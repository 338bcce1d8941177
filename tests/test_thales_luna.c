/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thales Luna Public Key Confirmations (verify/formats/thales_luna): the
 * real ECC sample from the shared vendor vectors, verified and bound to its
 * CSR with its two accepted quirks; variants of it refused with their
 * codes (tampered signatures, another key, an untrusted root, expiry, DER
 * errors other than the accepted one); and hierarchies built here: an
 * RSA-shaped one (leaf <- DAC <- HOC <- MIC <- root), and ECC ones with a
 * negative-s signature on the leaf (accepted) or on the HOC (refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "csrattest/version.h"
#include "testutil.h"

#define DIR "vectors/vendors/thales-luna/"
#define T_2026 ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define T_AFTER ((time_t)1913000000)	/* 2030-08-15, after every notAfter of the sample */

static csra_verifier *verifier(time_t at, const char *root)
{
	csra_verifier *v = csra_verifier_new();
	char path[1024];
	if (v == NULL)
		return NULL;
	csra_verifier_set_time(v, at);
	/* Only what the test gives: a bundled root must not make a test pass. */
	csra_verifier_drop_format_bundle(v, "thales-luna");
	if (root != NULL) {
		snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, root);
		if (csra_verifier_add_format_trust_file(v, "thales-luna", path) != CSRA_OK)
			csra_verifier_free(&v);
	}
	return v;
}

static int count(const csra_result *r, const char *name)
{
	int k = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n;
		csra_result_check(r, i, &n, NULL, NULL, NULL, NULL);
		k += strcmp(n, name) == 0;
	}
	return k;
}

static int count_at(const csra_result *r, const char *name, const char *path)
{
	int k = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n, *p;
		csra_result_check(r, i, &n, NULL, NULL, NULL, &p);
		k += strcmp(n, name) == 0 && strcmp(p, path) == 0;
	}
	return k;
}

/* The SPKI of the CSR |rel| (as received: the CSR's bytes). */
static uint8_t *csr_spki(const char *rel, size_t *len)
{
	uint8_t *der;
	size_t dlen;
	if (!tu_shared_der(rel, &der, &dlen))
		return NULL;
	const unsigned char *p = der;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)dlen);
	free(der);
	unsigned char *out = NULL;
	int n = req != NULL ? i2d_PUBKEY(X509_REQ_get0_pubkey(req), &out) : -1;
	X509_REQ_free(req);
	if (n <= 0)
		return NULL;
	uint8_t *spki = malloc((size_t)n);
	if (spki != NULL)
		memcpy(spki, out, (size_t)n);
	OPENSSL_free(out);
	*len = (size_t)n;
	return spki;
}

/* The statement's claims (the format's csra_stmt_out, which the result
 * keeps: csra_request.c). */
static int text_claim(const csra_result *st, const char *name, const char *want)
{
	const csra_stmt_claim *c = st->stmt ? csra_stmt_find(st->stmt, "platform", name) : NULL;
	return c != NULL && c->type == CSRA_VALUE_UTF8 && c->text_len == strlen(want) &&
	    memcmp(c->text, want, c->text_len) == 0;
}

static int has_claim(const csra_result *st, const char *element, const char *name)
{
	return st->stmt != NULL && csra_stmt_find(st->stmt, element, name) != NULL;
}

static int key_bool(const csra_result *st, const char *name, int want)
{
	const csra_stmt_claim *c = st->stmt ? csra_stmt_find(st->stmt, "key", name) : NULL;
	return c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == want;
}

/* The real sample: verified, bound to ecc-test.csr's key inside a request,
 * with the leaf's negative s and both certificates' encoded critical=FALSE
 * accepted as quirks, and its claims. */
static int test_sample_request(void)
{
	size_t plen, clen;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &plen), *csr = NULL;
	CHECK(pkc != NULL);
	CHECK(tu_shared_der(DIR "ecc-test.csr", &csr, &clen));
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	CHECK(v != NULL);
	csra_result *r = NULL;
	const uint8_t *files[1] = { pkc };
	size_t lens[1] = { plen };
	CHECK(csra_verify_request_ex(v, csr, clen, NULL, 0, files, lens, NULL, 1, &r) == CSRA_OK);
	CHECK(csra_result_statement_count(r) == 1);
	const csra_result *st = csra_result_statement(r, 0);
	CHECK(tu_has_check(st, "thales-luna.decode", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "quirk.ecdsa-negative-s", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[0]"));
	CHECK(count(st, "quirk.ecdsa-negative-s") == 1);
	CHECK(tu_has_check(st, "quirk.critical-false-encoded", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[0]"));
	CHECK(tu_has_check(st, "quirk.critical-false-encoded", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[1]"));
	CHECK(tu_has_check(st, "thales-luna.der", CSRA_STATUS_PASS, CSRA_OK, "certs[2]"));
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "thales-luna.extension.serial", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(text_claim(st, "vendor", "Thales"));
	CHECK(text_claim(st, "hwserial", "521174"));
	CHECK(key_bool(st, "local", 1));
	CHECK(key_bool(st, "never-extractable", 1));
	CHECK(key_bool(st, "extractable", 0));
	/* No FIPS-mode claim: the PKC does not show the HSM's mode. */
	CHECK(!has_claim(st, "platform", "fipsboot") && !has_claim(st, "platform", "fipslevel"));
	/* The record a CA keeps carries the quirks and claims. */
	char *json = csra_result_json(r);
	CHECK(json != NULL && strstr(json, "\"quirk.ecdsa-negative-s\"") != NULL &&
	    strstr(json, "\"521174\"") != NULL);
	csra_free(json);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pkc);
	free(csr);
	return 1;
}

/* Alone, the sample reports its attested key: the CSR's SPKI. */
static int test_sample_alone(void)
{
	size_t plen, slen, klen;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &plen), *spki = csr_spki(DIR "ecc-test.csr", &slen);
	CHECK(pkc != NULL && spki != NULL);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, pkc, plen, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	const uint8_t *k = csra_result_attested_key(st, 0, &klen);
	CHECK(k != NULL && klen == slen && memcmp(k, spki, slen) == 0);
	CHECK(csra_result_attested_key(st, 1, &klen) == NULL);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pkc);
	free(spki);
	return 1;
}

/* The chain cache covers Luna paths: the second verification of a PKC
 * finds its path (a hit), a change of anchors empties it, and a cached
 * path still records the quirks, which come from the certificates. */
static int test_chain_cached(void)
{
	size_t plen;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &plen);
	CHECK(pkc != NULL);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	unsigned long h0, m0, h1, m1, h2, m2;
	const csra_result *st;
	csra_cache_stats(v, &h0, &m0);
	csra_result *r = tu_attest(v, NULL, 0, pkc, plen, "thales-luna", &st);
	CHECK(r != NULL && tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	csra_result_free(&r);
	csra_cache_stats(v, &h1, &m1);
	CHECK(h1 == h0 && m1 == m0 + 1);
	r = tu_attest(v, NULL, 0, pkc, plen, "thales-luna", &st);
	CHECK(r != NULL && tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]") &&
	    count(st, "quirk.ecdsa-negative-s") == 1 && count(st, "quirk.critical-false-encoded") == 2);
	csra_result_free(&r);
	csra_cache_stats(v, &h2, &m2);
	CHECK(h2 == h1 + 1 && m2 == m1);
	/* Another anchor for the format: nothing cached survives. */
	char root[1024];
	snprintf(root, sizeof(root), "%s/%s", CSRA_SHARED_DIR, DIR "chrysalis-its-root-from-pkic-doc.pem");
	CHECK(csra_verifier_add_format_trust_file(v, "thales-luna", root) == CSRA_OK);
	r = tu_attest(v, NULL, 0, pkc, plen, "thales-luna", &st);
	CHECK(r != NULL && tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	csra_result_free(&r);
	csra_cache_stats(v, &h1, &m1);
	CHECK(h1 == h2 && m1 == m2 + 1);
	csra_verifier_free(&v);
	free(pkc);
	return 1;
}

/* detect: the Luna PKC, not another vendor's chain or root. */
static int test_detect(void)
{
	static const char *const others[] = {
		DIR "luna-ecc-root-certificate.pem",
		DIR "chrysalis-its-root-from-pkic-doc.pem",
		"vectors/vendors/yubihsm2/niklasgillstrom-hsm/chain.pem",
		"vectors/vendors/securosys/niklasgillstrom-hsm/chain.pem",
		"vectors/vendors/yubico-piv/yubico-piv-root-ca-serial-263751.pem",
	};
	size_t len;
	uint8_t *p = tu_shared_file(DIR "ecc-pkc.p7b", &len);
	CHECK(p != NULL);
	CHECK(csra_format_detects(&csra_format_thales_luna, p, len) == 1);
	CHECK(csra_format_find("thales-luna") == &csra_format_thales_luna);
	free(p);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		p = tu_shared_file(others[i], &len);
		CHECK(p != NULL);
		int d = csra_format_detects(&csra_format_thales_luna, p, len);
		free(p);
		if (d != 0)
			fprintf(stderr, "  detected: %s\n", others[i]);
		CHECK(d == 0);
	}
	return 1;
}

/* The sample with certificate |i|'s last octet (its signature's) flipped. */
static uint8_t *tamper_sig(const uint8_t *pkc, size_t len, size_t i)
{
	csra_certbag b;
	char why[128];
	if (csra_certbag_read(pkc, len, 0, &b, why, sizeof(why)) != CSRA_OK || i >= b.n)
		return NULL;
	uint8_t *t = malloc(len);
	if (t != NULL) {
		memcpy(t, pkc, len);
		t[b.entries[i].offset + b.entries[i].len - 1] ^= 0x01;
	}
	csra_certbag_clear(&b);
	return t;
}

/* The leaf's signature tampered: the unsigned reading no longer verifies
 * either; ak.signature fails with CSRA_ERR_SIG_INVALID, no quirk. */
static int test_tampered_leaf(void)
{
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len), *t = tamper_sig(pkc, len, 0);
	CHECK(t != NULL);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, t, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "certs[0]"));
	CHECK(count(st, "quirk.ecdsa-negative-s") == 0);
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	CHECK(csra_result_verdict(r) != CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pkc);
	free(t);
	return 1;
}

/* The HOC's signature tampered: OpenSSL's path validation refuses it,
 * reported as CSRA_ERR_SIG_INVALID at certs[1] (a bad signature is a
 * forged certificate, whatever its depth). */
static int test_tampered_hoc(void)
{
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len), *t = tamper_sig(pkc, len, 1);
	CHECK(t != NULL);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, t, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "certs[1]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pkc);
	free(t);
	return 1;
}

/* Bound to another key: CSRA_ERR_STMT_NOT_BOUND. */
static int test_other_key(void)
{
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len);
	EVP_PKEY *k = EVP_EC_gen("P-256");
	unsigned char *spki = NULL;
	int n = k != NULL ? i2d_PUBKEY(k, &spki) : -1;
	CHECK(pkc != NULL && n > 0);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, spki, (size_t)n, pkc, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, NULL));
	CHECK(csra_result_verdict(r) != CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);
	csra_verifier_free(&v);
	OPENSSL_free(spki);
	EVP_PKEY_free(k);
	free(pkc);
	return 1;
}

/* No anchor, or another hierarchy's root (Luna's own RSA root, another
 * key): CSRA_ERR_AK_UNTRUSTED. */
static int test_untrusted(void)
{
	static const char *const roots[] = { NULL, DIR "chrysalis-its-root-from-pkic-doc.pem",
		"vectors/vendors/yubihsm2/yubihsm2-attest-ca-crt_from-niklasgillstrom-hsm.pem" };
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len);
	CHECK(pkc != NULL);
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		csra_verifier *v = verifier(T_2026, roots[i]);
		CHECK(v != NULL);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, pkc, len, "thales-luna", &st);
		CHECK(r != NULL);
		CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, NULL));
		CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(pkc);
	return 1;
}

/* After the certificates' notAfter (2030-08-12): CSRA_ERR_AK_EXPIRED. */
static int test_expired(void)
{
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len);
	CHECK(pkc != NULL);
	csra_verifier *v = verifier(T_AFTER, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, pkc, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, NULL));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pkc);
	return 1;
}

/* Replace the first |from| of |flen| octets in certificate |i| of the
 * sample by |to|. */
static uint8_t *patch(const uint8_t *pkc, size_t len, size_t i, const uint8_t *from, size_t flen,
    const uint8_t *to)
{
	csra_certbag b;
	char why[128];
	uint8_t *t = NULL;
	if (csra_certbag_read(pkc, len, 0, &b, why, sizeof(why)) != CSRA_OK || i >= b.n)
		return NULL;
	size_t off = b.entries[i].offset, n = b.entries[i].len;
	for (size_t k = 0; k + flen <= n && t == NULL; k++)
		if (memcmp(pkc + off + k, from, flen) == 0 && (t = malloc(len)) != NULL) {
			memcpy(t, pkc, len);
			memcpy(t + off + k, to, flen);
		}
	csra_certbag_clear(&b);
	return t;
}

/* DER errors other than critical=FALSE are refused: a BOOLEAN TRUE encoded
 * 0x01 in the leaf's ExtendedKeyUsage (an extension's critical field, but
 * not a DEFAULT); in the HOC, whose critical=FALSE fields come first, a
 * non-DER BOOLEAN after them (basicConstraints' critical); and another
 * DEFAULT encoded, the HOC's version written as v1. */
static int test_other_der_errors(void)
{
	static const uint8_t eku_crit[] = { 0x06, 0x03, 0x55, 0x1d, 0x25, 0x01, 0x01, 0xff };
	static const uint8_t eku_bad[] = { 0x06, 0x03, 0x55, 0x1d, 0x25, 0x01, 0x01, 0x01 };
	static const uint8_t bc_crit[] = { 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff };
	static const uint8_t bc_bad[] = { 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0x01 };
	size_t len;
	uint8_t *pkc = tu_shared_file(DIR "ecc-pkc.p7b", &len);
	CHECK(pkc != NULL);
	static const uint8_t v3[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	static const uint8_t v1[] = { 0xa0, 0x03, 0x02, 0x01, 0x00 };
	uint8_t *t[3] = { patch(pkc, len, 0, eku_crit, sizeof(eku_crit), eku_bad),
		patch(pkc, len, 1, bc_crit, sizeof(bc_crit), bc_bad),
		patch(pkc, len, 1, v3, sizeof(v3), v1) };
	const char *where[3] = { "certs[0]", "certs[1]", "certs[1]" };
	for (int i = 0; i < 3; i++) {
		CHECK(t[i] != NULL);
		csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, t[i], len, "thales-luna", &st);
		CHECK(r != NULL);
		CHECK(tu_has_check(st, "thales-luna.der", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, where[i]));
		/* The other certificate's accepted quirk stays; this one's is not. */
		CHECK(count_at(st, "quirk.critical-false-encoded", where[i]) == 0);
		CHECK(count_at(st, "quirk.critical-false-encoded", i == 0 ? "certs[1]" : "certs[0]") == 1);
		CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
		CHECK(csra_result_verdict(r) != CSRA_VERDICT_VERIFIED);
		csra_result_free(&r);
		csra_verifier_free(&v);
		free(t[i]);
	}
	free(pkc);
	return 1;
}

/* Not a PKC: no leaf with the PKC EKU. */
static int test_no_leaf(void)
{
	size_t len;
	uint8_t *p = tu_shared_file(DIR "luna-ecc-root-certificate.pem", &len);
	CHECK(p != NULL);
	csra_verifier *v = verifier(T_2026, DIR "luna-ecc-root-certificate.pem");
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, p, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "thales-luna.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, ""));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(p);
	return 1;
}

/* Hierarchies built here. ------------------------------------------- */

struct node {
	EVP_PKEY *key;
	X509 *cert;
	uint8_t *der;	/* as put in the bag (maybe re-encoded) */
	size_t len;
};

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = e != NULL && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A certificate for |n| (key made here: |alg| "EC:<curve>" or "RSA"),
 * issued by |issuer| (NULL: self-signed), CA or not, with ExtendedKeyUsage
 * 1.3.6.1.4.1.12383.1.|eku|, and the serial-number extension when
 * |serial| is set. */
static int make(struct node *n, const struct node *issuer, const char *alg, const char *cn,
    int ca, int eku, const uint8_t *serial)
{
	char ekus[64];
	memset(n, 0, sizeof(*n));
	n->key = strncmp(alg, "EC:", 3) == 0 ? EVP_EC_gen(alg + 3) : EVP_RSA_gen(2048);
	X509 *x = X509_new();
	if (n->key == NULL || x == NULL)
		return 0;
	n->cert = x;
	X509 *is = issuer ? issuer->cert : x;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(rand() & 0xffff) + 1);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Luna test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(is));
	ASN1_TIME_set(X509_getm_notBefore(x), T_2026 - 86400);
	ASN1_TIME_set(X509_getm_notAfter(x), T_2026 + 86400 * 365);
	X509_set_pubkey(x, n->key);
	snprintf(ekus, sizeof(ekus), "critical,1.3.6.1.4.1.12383.1.%d", eku);
	if (!add_ext(x, is, NID_subject_key_identifier, "hash") ||
	    (issuer != NULL && !add_ext(x, is, NID_authority_key_identifier, "keyid:always")) ||
	    !add_ext(x, is, NID_ext_key_usage, ekus) ||
	    !add_ext(x, is, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") ||
	    (ca && !add_ext(x, is, NID_basic_constraints, "critical,CA:TRUE")))
		return 0;
	if (serial != NULL) {
		ASN1_OBJECT *o = OBJ_txt2obj("1.3.6.1.4.1.12383.2.1", 1);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		int ok = o != NULL && v != NULL && ASN1_OCTET_STRING_set(v, serial, 4);
		X509_EXTENSION *e = ok ? X509_EXTENSION_create_by_OBJ(NULL, o, 0, v) : NULL;
		ok = e != NULL && X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OBJECT_free(o);
		ASN1_OCTET_STRING_free(v);
		if (!ok)
			return 0;
	}
	if (X509_sign(x, issuer ? issuer->key : n->key, EVP_sha384()) <= 0)
		return 0;
	unsigned char *d = NULL;
	int l = i2d_X509(x, &d);
	if (l <= 0)
		return 0;
	n->der = malloc((size_t)l);
	memcpy(n->der, d, (size_t)l);
	n->len = (size_t)l;
	OPENSSL_free(d);
	return 1;
}

static void node_free(struct node *n)
{
	EVP_PKEY_free(n->key);
	X509_free(n->cert);
	free(n->der);
	memset(n, 0, sizeof(*n));
}

/* Re-encode |n|'s ECDSA signature with s negative (its 0x00 pad dropped),
 * as Luna does. Returns 1, or 0 when s does not have its top bit set, or
 * (|ff|) its magnitude does not start FF 8x..FF (sign again). */
static int drop_s_pad(struct node *n, int ff)
{
	csra_cbs in, cert, tbs, alg, bits, seq, r, s, sig;
	uint8_t tag, unused;
	csra_cbs_init(&in, n->der, n->len);
	if (!csra_cbs_get_der_element(&in, &tag, NULL, &cert) ||
	    !csra_cbs_get_der_element(&cert, &tag, &tbs, NULL) ||
	    !csra_cbs_get_der_element(&cert, &tag, &alg, NULL) ||
	    !csra_cbs_get_der_element(&cert, &tag, &sig, &bits) || !csra_cbs_get_u8(&bits, &unused) ||
	    !csra_cbs_get_der_element(&bits, &tag, NULL, &seq) ||
	    !csra_cbs_get_der_element(&seq, &tag, &r, NULL) ||
	    !csra_cbs_get_der_element(&seq, &tag, NULL, &s))
		return 0;
	if (csra_cbs_len(&s) < 3 || csra_cbs_data(&s)[0] != 0x00 ||
	    (ff && (csra_cbs_data(&s)[1] != 0xff || csra_cbs_data(&s)[2] < 0x80)))
		return 0;
	csra_cbb b;
	uint8_t *out;
	size_t out_len;
	csra_cbb_init(&b, n->len);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_bytes(&b, csra_cbs_data(&tbs), csra_cbs_len(&tbs));
	csra_cbb_add_bytes(&b, csra_cbs_data(&alg), csra_cbs_len(&alg));
	csra_cbb_open(&b, 0x03);
	csra_cbb_add_bytes(&b, &unused, 1);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_bytes(&b, csra_cbs_data(&r), csra_cbs_len(&r));
	csra_cbb_add_tlv(&b, 0x02, csra_cbs_data(&s) + 1, csra_cbs_len(&s) - 1);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, &out, &out_len))
		return 0;
	free(n->der);
	n->der = out;
	n->len = out_len;
	return 1;
}

/* Sign |n| by |issuer| until the signature's s has its top bit set (and,
 * with |ff|, its magnitude starts FF 8x..FF, which read as two's
 * complement would be a non-minimal negative), then drop its pad. */
static int make_negative_s_tries(struct node *n, const struct node *issuer, const char *alg,
    const char *cn, int ca, int eku, const uint8_t *serial, int ff, int tries)
{
	while (tries-- > 0) {
		if (!make(n, issuer, alg, cn, ca, eku, serial))
			return 0;
		if (drop_s_pad(n, ff))
			return 1;
		node_free(n);
	}
	return 0;
}

static int make_negative_s(struct node *n, const struct node *issuer, const char *alg,
    const char *cn, int ca, int eku, const uint8_t *serial)
{
	return make_negative_s_tries(n, issuer, alg, cn, ca, eku, serial, 0, 64);
}

/* A PEM bag of the nodes' DER, in order. */
static uint8_t *pem_bag(struct node *const *nodes, size_t k, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	for (size_t i = 0; bio != NULL && i < k; i++)
		PEM_write_bio(bio, "CERTIFICATE", "", nodes[i]->der, (long)nodes[i]->len);
	char *p;
	long n = bio != NULL ? BIO_get_mem_data(bio, &p) : 0;
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;
	if (out != NULL)
		memcpy(out, p, (size_t)n);
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

/* A certs-only SignedData of the nodes' DER in the order given (OpenSSL
 * would sort them), with a CRL-shaped [1] element when |crls|. */
static uint8_t *p7_bag(struct node *const *nodes, size_t k, int crls, size_t *len)
{
	static const uint8_t signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
	static const uint8_t data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
	csra_cbb b;
	uint8_t *out = NULL;
	csra_cbb_init(&b, 4096);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_tlv(&b, 0x06, signed_data, sizeof(signed_data));
	csra_cbb_open(&b, 0xa0);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_int(&b, 1);
	csra_cbb_open(&b, 0x31);
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_tlv(&b, 0x06, data, sizeof(data));
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0xa0);
	for (size_t i = 0; i < k; i++)
		csra_cbb_add_bytes(&b, nodes[i]->der, nodes[i]->len);
	csra_cbb_close(&b);
	if (crls) {
		/* An empty CRL set: present is what counts. */
		csra_cbb_open(&b, 0xa1);
		csra_cbb_close(&b);
	}
	csra_cbb_open(&b, 0x31);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, &out, len)) {
		csra_cbb_cleanup(&b);
		return NULL;
	}
	return out;
}

static csra_verifier *verifier_with(X509 *root)
{
	csra_verifier *v = verifier(T_2026, NULL);
	if (v != NULL && csra_verifier_add_format_trust(v, "thales-luna", root) != CSRA_OK)
		csra_verifier_free(&v);
	return v;
}

static uint8_t *spki_of(EVP_PKEY *k, size_t *len)
{
	unsigned char *d = NULL;
	int n = i2d_PUBKEY(k, &d);
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;
	if (out != NULL)
		memcpy(out, d, (size_t)n);
	OPENSSL_free(d);
	*len = n > 0 ? (size_t)n : 0;
	return out;
}

/* RSA hierarchy as Luna's: leaf <- DAC <- HOC <- MIC <- root, EKUs .13,
 * .12, .8, .7, .1; no quirk, verified and bound to the leaf's key. */
static int test_rsa_hierarchy(void)
{
	static const uint8_t serial[4] = { 0x2a, 0x00, 0x00, 0x00 };	/* 42 */
	struct node root, mic, hoc, dac, leaf;
	CHECK(make(&root, NULL, "RSA", "Test Chrysalis Root", 1, 1, NULL));
	CHECK(make(&mic, &root, "RSA", "Test MIC", 1, 7, NULL));
	CHECK(make(&hoc, &mic, "RSA", "Hardware Origin Certificate", 1, 8, NULL));
	CHECK(make(&dac, &hoc, "RSA", "Luna K7-42", 1, 12, serial));
	CHECK(make(&leaf, &dac, "RSA", "41000000ae0000022a000000", 0, 13, serial));
	struct node *bag[] = { &leaf, &dac, &hoc, &mic, &root };
	size_t len, slen;
	uint8_t *pem = pem_bag(bag, 5, &len), *spki = spki_of(leaf.key, &slen);
	CHECK(pem != NULL && spki != NULL);
	CHECK(csra_format_detects(&csra_format_thales_luna, pem, len) == 1);
	csra_verifier *v = verifier_with(root.cert);
	CHECK(v != NULL);
	const csra_result *st;
	csra_result *r = tu_attest(v, spki, slen, pem, len, NULL, &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "thales-luna.extension.serial", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(count(st, "quirk.ecdsa-negative-s") == 0 && count(st, "quirk.critical-false-encoded") == 0);
	CHECK(text_claim(st, "hwserial", "42"));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pem);
	free(spki);
	node_free(&root), node_free(&mic), node_free(&hoc), node_free(&dac), node_free(&leaf);
	return 1;
}

/* ECC hierarchies: a negative s is accepted on the leaf (recorded), and
 * refused on the HOC (CSRA_ERR_SIG_INVALID at certs[1], no quirk). */
static int test_negative_s_placement(void)
{
	static const uint8_t serial[4] = { 0x07, 0x00, 0x00, 0x00 };
	for (int on_hoc = 0; on_hoc < 2; on_hoc++) {
		struct node root, hoc, leaf;
		CHECK(make(&root, NULL, "EC:P-384", "Test ECC Root", 1, 14, NULL));
		if (on_hoc)
			CHECK(make_negative_s(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
		else
			CHECK(make(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
		if (on_hoc)
			CHECK(make(&leaf, &hoc, "EC:P-256", "43000000ae00000207000000", 0, 13, serial));
		else
			CHECK(make_negative_s(&leaf, &hoc, "EC:P-256", "43000000ae00000207000000", 0, 13,
			    serial));
		struct node *bag[] = { &leaf, &hoc, &root };
		size_t len, slen;
		uint8_t *pem = pem_bag(bag, 3, &len), *spki = spki_of(leaf.key, &slen);
		CHECK(pem != NULL && spki != NULL);
		csra_verifier *v = verifier_with(root.cert);
		const csra_result *st;
		csra_result *r = tu_attest(v, spki, slen, pem, len, "thales-luna", &st);
		CHECK(r != NULL);
		if (on_hoc) {
			CHECK(tu_has_check(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
			CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "certs[1]"));
			CHECK(count(st, "quirk.ecdsa-negative-s") == 0);
			CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
		} else {
			CHECK(tu_has_check(st, "quirk.ecdsa-negative-s", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[0]"));
			CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
			CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
			CHECK(text_claim(st, "hwserial", "7"));
		}
		csra_result_free(&r);
		csra_verifier_free(&v);
		free(pem);
		free(spki);
		node_free(&root), node_free(&hoc), node_free(&leaf);
	}
	return 1;
}

/* A leaf whose s magnitude starts FF 8x: as Luna writes it (FF 8x.. with
 * no pad) it would be a non-minimal negative two's-complement INTEGER,
 * yet it is the unsigned value like any other, and is accepted as the
 * quirk. One negative s in 256 is like this: test_negative_s_placement
 * met it at random (CI, 2026-12-06) and refused it. */
static int test_negative_s_ff(void)
{
	static const uint8_t serial[4] = { 0x07, 0x00, 0x00, 0x00 };
	struct node root, hoc, leaf;
	CHECK(make(&root, NULL, "EC:P-384", "Test ECC Root", 1, 14, NULL));
	CHECK(make(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
	/* One signing in 512 fits: failing 8192 in a row has odds of 1e-7. */
	CHECK(make_negative_s_tries(&leaf, &hoc, "EC:P-256", "43000000ae00000207000000", 0, 13, serial, 1, 8192));
	struct node *bag[] = { &leaf, &hoc, &root };
	size_t len, slen;
	uint8_t *pem = pem_bag(bag, 3, &len), *spki = spki_of(leaf.key, &slen);
	CHECK(pem != NULL && spki != NULL);
	csra_verifier *v = verifier_with(root.cert);
	const csra_result *st;
	csra_result *r = tu_attest(v, spki, slen, pem, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "quirk.ecdsa-negative-s", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[0]"));
	CHECK(tu_has_check(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pem);
	free(spki);
	node_free(&root), node_free(&hoc), node_free(&leaf);
	return 1;
}

/* A serial-number extension that disagrees with the issuer's name. */
static int test_serial_mismatch(void)
{
	static const uint8_t serial[4] = { 0x08, 0x00, 0x00, 0x00 };
	struct node root, hoc, leaf;
	CHECK(make(&root, NULL, "EC:P-384", "Test ECC Root", 1, 14, NULL));
	CHECK(make(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
	CHECK(make(&leaf, &hoc, "EC:P-256", "43000000ae00000208000000", 0, 13, serial));
	struct node *bag[] = { &leaf, &hoc, &root };
	size_t len;
	uint8_t *pem = pem_bag(bag, 3, &len);
	CHECK(pem != NULL);
	csra_verifier *v = verifier_with(root.cert);
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, pem, len, "thales-luna", &st);
	CHECK(r != NULL);
	CHECK(tu_has_check(st, "thales-luna.extension.serial", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION, "certs[0]"));
	CHECK(!has_claim(st, "platform", "hwserial"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(pem);
	node_free(&root), node_free(&hoc), node_free(&leaf);
	return 1;
}

/* One PKC leaf only, and it certifies nothing: a second leaf in the bag
 * makes the key ambiguous, a CA leaf is not a key's certificate. */
static int test_leaf_rules(void)
{
	struct node root, hoc, leaf, leaf2, caleaf;
	CHECK(make(&root, NULL, "EC:P-384", "Test ECC Root", 1, 14, NULL));
	CHECK(make(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
	CHECK(make(&leaf, &hoc, "EC:P-256", "leaf one", 0, 13, NULL));
	CHECK(make(&leaf2, &hoc, "EC:P-256", "leaf two", 0, 13, NULL));
	CHECK(make(&caleaf, &hoc, "EC:P-256", "leaf CA", 1, 13, NULL));
	csra_verifier *v = verifier_with(root.cert);
	CHECK(v != NULL);
	struct node *two[] = { &leaf, &leaf2, &hoc, &root }, *ca[] = { &caleaf, &hoc, &root };
	size_t len;
	const csra_result *st;
	uint8_t *pem = pem_bag(two, 4, &len);
	CHECK(pem != NULL);
	csra_result *r = tu_attest(v, NULL, 0, pem, len, "thales-luna", &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "thales-luna.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "certs[1]"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	csra_result_free(&r);
	free(pem);
	pem = pem_bag(ca, 3, &len);
	CHECK(pem != NULL);
	r = tu_attest(v, NULL, 0, pem, len, "thales-luna", &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "thales-luna.leaf", CSRA_STATUS_FAIL, CSRA_ERR_AK_CHAIN, "certs[0]"));
	csra_result_free(&r);
	free(pem);
	csra_verifier_free(&v);
	node_free(&root), node_free(&hoc), node_free(&leaf), node_free(&leaf2), node_free(&caleaf);
	return 1;
}

/* A SignedData with its certificates in chain order, not DER's (Luna's
 * RSA PKCs): accepted, recorded as quirk.unsorted-set; one in DER order
 * records no quirk; one carrying CRLs is refused. */
static int test_set_order_and_crls(void)
{
	struct node root, hoc, leaf;
	CHECK(make(&root, NULL, "EC:P-384", "Test ECC Root", 1, 14, NULL));
	CHECK(make(&hoc, &root, "EC:P-384", "7", 1, 15, NULL));
	CHECK(make(&leaf, &hoc, "EC:P-256", "43000000ae00000207000000", 0, 13, NULL));
	/* DER's order (X.690 11.6: by encoding, the shorter padded with
	 * zeros), and its reverse. */
	struct node *orders[2][3] = { { &leaf, &hoc, &root } };
	for (int i = 0; i < 3; i++)
		for (int j = 0; j + 1 < 3 - i; j++) {
			struct node *a = orders[0][j], *b = orders[0][j + 1];
			size_t m = a->len < b->len ? a->len : b->len;
			int c = memcmp(a->der, b->der, m);
			if (c > 0 || (c == 0 && a->len > b->len))
				orders[0][j] = b, orders[0][j + 1] = a;
		}
	for (int i = 0; i < 3; i++)
		orders[1][i] = orders[0][2 - i];
	int quirks = 0;
	for (int o = 0; o < 3; o++) {
		size_t len;
		uint8_t *p7 = p7_bag(orders[o & 1], 3, o == 2, &len);
		CHECK(p7 != NULL);
		csra_verifier *v = verifier_with(root.cert);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, p7, len, "thales-luna", &st);
		CHECK(r != NULL);
		if (o == 2) {
			CHECK(tu_has_check(st, "thales-luna.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "crls"));
		} else {
			CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, NULL));
			int q = count(st, "quirk.unsorted-set");
			CHECK(q == 0 || tu_has_check(st, "quirk.unsorted-set", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK,
			    "certificates"));
			quirks += q;
		}
		csra_result_free(&r);
		csra_verifier_free(&v);
		free(p7);
	}
	CHECK(quirks == 1);
	node_free(&root), node_free(&hoc), node_free(&leaf);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_sample_request),
		TU(test_sample_alone),
		TU(test_detect),
		TU(test_chain_cached),
		TU(test_tampered_leaf),
		TU(test_tampered_hoc),
		TU(test_other_key),
		TU(test_untrusted),
		TU(test_expired),
		TU(test_other_der_errors),
		TU(test_no_leaf),
		TU(test_rsa_hierarchy),
		TU(test_negative_s_placement),
		TU(test_negative_s_ff),
		TU(test_serial_mismatch),
		TU(test_leaf_rules),
		TU(test_set_order_and_crls),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
