/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Marvell LiquidSecurity attestations (verify/formats/marvell_liquidsecurity):
 * Google Cloud HSM's three shared samples (EC, RSA, AES key), verified with
 * the bundled roots, their keys rebuilt and bound; variants refused with
 * their codes (tampered data and signatures in every link, dropped trust,
 * the expired 2015 root as the only anchor, a missing owner chain, gzip
 * bombs and broken members, malformed attributes); Azure's MRVL-1 JSON,
 * built here from the EC sample's binary and certificates because no
 * public Azure sample exists; and the explicit link check's deviations,
 * refused wherever they are not asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include "csra_certbag.h"
#include "csra_link.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testutil.h"

#define DIR "vectors/vendors/google-cloudhsm/smallstep-crypto-testdata/"
#define MDIR "vectors/vendors/marvell/"
#define T_NOW ((time_t)1796515200)	/* 2026-12-06T00:00:00Z */
#define T_2025 ((time_t)1748736000)	/* 2025-06-01: the 2015 root still valid */
#define T_2031 ((time_t)1924992000)	/* 2031-01-01: Google's certificates expired */

/* No failed check at all. */
static int clean(const csra_result *r)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		csra_status s;
		csra_result_check(r, i, NULL, &s, NULL, NULL, NULL);
		if (s == CSRA_STATUS_FAIL) {
			tu_dump_result(r, 0);
			return 0;
		}
	}
	return 1;
}

/* One verification through the format's verify(), the attestation given
 * in |n| parts (the first the one detect() takes), as the request layer
 * hands them over. */
struct run {
	csra_result *r;
	csra_stmt_out out;
	csra_err rc;
};

static void run_free(struct run *x)
{
	csra_result_free(&x->r);
	csra_stmt_out_clear(&x->out);
}

static int run(struct run *x, const csra_verifier *v, time_t at, const uint8_t *spki, size_t spki_len,
    const uint8_t *const *parts, const size_t *lens, size_t n)
{
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	memset(x, 0, sizeof(*x));
	in.stmt = parts[0];
	in.stmt_len = lens[0];
	in.request_spki = spki;
	in.request_spki_len = spki_len;
	in.at = at;
	in.v = v;
	in.parts = parts;
	in.part_lens = lens;
	in.nparts = n;
	x->r = csra_result_new();
	csra_stmt_out_init(&x->out, 0);
	if (x->r == NULL)
		return 0;
	x->rc = csra_format_marvell_liquidsecurity.verify(v, NULL, NULL, &in, x->r, &x->out);
	return x->rc == CSRA_OK;
}

static int run2(struct run *x, const csra_verifier *v, time_t at, const uint8_t *spki, size_t spki_len,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	const uint8_t *parts[2] = { a, b };
	size_t lens[2] = { alen, blen };
	return run(x, v, at, spki, spki_len, parts, lens, b != NULL ? 2 : 1);
}

static uint8_t *gunzip(const uint8_t *p, size_t len, size_t *out_len)
{
	uint8_t *buf = malloc(1 << 20);
	z_stream z;
	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 16 + 15);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = 1 << 20;
	int rc = inflate(&z, Z_FINISH);
	*out_len = (1 << 20) - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return NULL;
	}
	return buf;
}

static uint8_t *gzip_bytes(const uint8_t *p, size_t len, size_t *out_len)
{
	size_t cap = len + 1024;
	uint8_t *buf = malloc(cap);
	z_stream z;
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return buf;
}

/* The value of attribute |type| of the LAST object holding it (the
 * private one), found by its TLV header: independent of the module. */
static const uint8_t *find_tlv(const uint8_t *d, size_t len, uint32_t type, uint32_t vlen)
{
	const uint8_t *found = NULL;
	uint8_t h[8] = { (uint8_t)(type >> 24), (uint8_t)(type >> 16), (uint8_t)(type >> 8), (uint8_t)type,
		(uint8_t)(vlen >> 24), (uint8_t)(vlen >> 16), (uint8_t)(vlen >> 8), (uint8_t)vlen };
	for (size_t i = 0; i + 8 + vlen <= len; i++)
		if (memcmp(d + i, h, 8) == 0)
			found = d + i + 8;
	return found;
}

static EVP_PKEY *fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return k;
}

/* The SPKI OpenSSL encodes for the sample's key material. */
static uint8_t *openssl_spki(const uint8_t *d, size_t len, int rsa, size_t *out_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *k;
	if (rsa) {
		const uint8_t *n = find_tlv(d, len, 0x120, 256), *e = find_tlv(d, len, 0x122, 3);
		BIGNUM *bn = BN_bin2bn(n, 256, NULL), *be = BN_bin2bn(e, 3, NULL);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
		k = fromdata("RSA", bld);
		BN_free(bn), BN_free(be);
	} else {
		const uint8_t *pt = find_tlv(d, len, 0x120, 65);
		OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
		OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 65);
		k = fromdata("EC", bld);
	}
	unsigned char *der = NULL;
	int n = k != NULL ? i2d_PUBKEY(k, &der) : -1;
	EVP_PKEY_free(k);
	if (n <= 0)
		return NULL;
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*out_len = (size_t)n;
	return out;
}

/* The certificates of a PEM file, as DER. */
struct certs {
	uint8_t *der[16];
	size_t len[16];
	size_t n;
};

static void certs_read(struct certs *c, const uint8_t *pem, size_t len)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	X509 *x;
	c->n = 0;
	while (c->n < 16 && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		unsigned char *d = NULL;
		int n = i2d_X509(x, &d);
		c->der[c->n] = malloc((size_t)n);
		memcpy(c->der[c->n], d, (size_t)n);
		c->len[c->n++] = (size_t)n;
		OPENSSL_free(d);
		X509_free(x);
	}
	ERR_clear_error();
	BIO_free(b);
}

static void certs_free(struct certs *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->der[i]);
	c->n = 0;
}

/* PEM of |c|'s certificates but |skip| (a bit mask), the last byte of
 * certificate |flip| (its signature) flipped (-1: none). */
static uint8_t *certs_pem(const struct certs *c, unsigned skip, int flip, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	for (size_t i = 0; i < c->n; i++) {
		if (skip & (1u << i))
			continue;
		uint8_t *d = malloc(c->len[i]);
		memcpy(d, c->der[i], c->len[i]);
		if ((int)i == flip)
			d[c->len[i] - 1] ^= 0x01;
		PEM_write_bio(b, "CERTIFICATE", "", d, (long)c->len[i]);
		free(d);
	}
	char *p;
	long n = BIO_get_mem_data(b, &p);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, p, (size_t)n);
	*len = (size_t)n;
	BIO_free(b);
	return out;
}

static const char *sample_names[] = { "ec", "rsa", "aes" };

struct sample {
	uint8_t *dat, *certs, *raw;
	size_t dat_len, certs_len, raw_len;
};

static int load(struct sample *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	char p[256];
	snprintf(p, sizeof(p), DIR "%s.dat", name);
	s->dat = tu_shared_file(p, &s->dat_len);
	snprintf(p, sizeof(p), DIR "%s.certs", name);
	s->certs = tu_shared_file(p, &s->certs_len);
	s->raw = s->dat != NULL ? gunzip(s->dat, s->dat_len, &s->raw_len) : NULL;
	return s->dat != NULL && s->certs != NULL && s->raw != NULL;
}

static void unload(struct sample *s)
{
	free(s->dat), free(s->certs), free(s->raw);
	memset(s, 0, sizeof(*s));
}

static const csra_stmt_claim *claim(const csra_stmt_out *o, const char *el, const char *name)
{
	return csra_stmt_find(o, el, name);
}

static int claim_bool(const csra_stmt_out *o, const char *name, int want)
{
	const csra_stmt_claim *c = claim(o, "key", name);
	if (c == NULL || c->type != CSRA_VALUE_BOOLEAN || c->boolean != want) {
		fprintf(stderr, "  key.%s is not %d\n", name, want);
		return 0;
	}
	return 1;
}

/* The three samples verify with the bundled roots; the EC and RSA keys
 * are what OpenSSL encodes for the key material; AES attests no key. */
static int t_samples(void)
{
	csra_verifier *v = csra_verifier_new();
	int ok = v != NULL;
	for (size_t i = 0; ok && i < 3; i++) {
		struct sample s = { 0 };
		struct run x;
		ok = load(&s, sample_names[i]) &&
		    run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len);
		ok = ok && clean(x.r) && x.out.verified &&
		    tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "attestation") &&
		    tu_has_check(x.r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[1]") &&
		    tu_has_check(x.r, "ak.chain.owner", CSRA_STATUS_PASS, CSRA_OK, NULL) &&
		    tu_has_check(x.r, "quirk.v1-card-certificate", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certs[1]") &&
		    tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "") &&
		    claim_bool(&x.out, "extractable", 0) && claim_bool(&x.out, "never-extractable", 1) &&
		    claim_bool(&x.out, "local", 1) && claim_bool(&x.out, "sensitive", 1) &&
		    x.out.reports_freshness == 1 && x.out.freshness == CSRA_FRESHNESS_NONE;
		const csra_stmt_claim *fb = claim(&x.out, "platform", "fipsboot"),
		    *sn = claim(&x.out, "platform", "hwserial");
		ok = ok && fb != NULL && fb->boolean == 1 && sn != NULL &&
		    strcmp(sn->text, i == 0 ? "5.2G1804-ICM000678" : i == 1 ? "5.3G2041-ICM002696"
		    : "5.2G1841-ICM000310") == 0;
		if (ok && i < 2) {
			size_t kl;
			uint8_t *k = openssl_spki(s.raw, s.raw_len, i == 1, &kl);
			ok = k != NULL && x.out.nkeys == 1 && csra_same(x.out.keys[0].spki, x.out.keys[0].len, k, kl);
			free(k);
		} else if (ok) {
			ok = x.out.nkeys == 0;
		}
		if (!ok)
			fprintf(stderr, "  sample %s\n", sample_names[i]);
		run_free(&x);
		unload(&s);
	}
	csra_verifier_free(&v);
	return ok;
}

/* Bound to the rebuilt key it passes; to another key it fails; an AES
 * key bound to a request is CSRA_ERR_FMT_NO_KEY. */
static int t_binding(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample ec = { 0 }, rsa = { 0 }, aes = { 0 };
	int ok = v != NULL && load(&ec, "ec") && load(&rsa, "rsa") && load(&aes, "aes");
	size_t kl = 0, rl = 0;
	uint8_t *k = ok ? openssl_spki(ec.raw, ec.raw_len, 0, &kl) : NULL;
	uint8_t *rk = ok ? openssl_spki(rsa.raw, rsa.raw_len, 1, &rl) : NULL;
	struct run x;
	ok = ok && k != NULL && rk != NULL &&
	    run2(&x, v, T_NOW, k, kl, ec.dat, ec.dat_len, ec.certs, ec.certs_len) && x.out.bound &&
	    tu_has_check(x.r, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL);
	run_free(&x);
	ok = ok && run2(&x, v, T_NOW, rk, rl, ec.dat, ec.dat_len, ec.certs, ec.certs_len) && !x.out.bound &&
	    x.out.verified && tu_has_check(x.r, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, NULL);
	run_free(&x);
	ok = ok && run2(&x, v, T_NOW, rk, rl, rsa.dat, rsa.dat_len, rsa.certs, rsa.certs_len) && x.out.bound;
	run_free(&x);
	ok = ok && run2(&x, v, T_NOW, k, kl, aes.dat, aes.dat_len, aes.certs, aes.certs_len) && !x.out.bound &&
	    x.out.verified && tu_has_check(x.r, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, "");
	run_free(&x);
	free(k), free(rk);
	unload(&ec), unload(&rsa), unload(&aes);
	csra_verifier_free(&v);
	return ok;
}

/* The raw binary verifies as the gzip one does; a byte of it changed
 * does not (the signature covers every byte before it). */
static int t_tampered_data(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	struct run x;
	int ok = v != NULL && load(&s, "ec") &&
	    run2(&x, v, T_NOW, NULL, 0, s.raw, s.raw_len, s.certs, s.certs_len) && x.out.verified;
	run_free(&x);
	/* A label byte (inside "app_key"'s padding), and the signature's last. */
	size_t at[] = { 200, 0 };
	at[1] = s.raw_len - 1;
	for (size_t i = 0; ok && i < 2; i++) {
		s.raw[at[i]] ^= 0x01;
		size_t gl;
		uint8_t *gz = gzip_bytes(s.raw, s.raw_len, &gl);
		ok = run2(&x, v, T_NOW, NULL, 0, gz, gl, s.certs, s.certs_len) && !x.out.verified &&
		    tu_has_check(x.r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "attestation") &&
		    tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "");
		run_free(&x);
		free(gz);
		s.raw[at[i]] ^= 0x01;
	}
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

/* A flipped signature byte in each certificate of each chain. The .certs
 * order: Marvell root (2015), card, partition, Hawksbill root, owner
 * card, owner partition. A flipped root copy changes nothing: it is no
 * anchor. */
static int t_tampered_links(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	struct certs c;
	int ok = v != NULL && load(&s, "ec");
	certs_read(&c, s.certs, s.certs_len);
	ok = ok && c.n == 6;
	static const struct {
		int flip;
		const char *check, *path;
	} cases[] = {
		{ 2, "ak.chain", "certs[2]" },		/* partition <- card */
		{ 1, "ak.chain", "certs[1]" },		/* card <- anchor */
		{ 5, "ak.chain.owner", "certs[5]" },	/* owner partition <- Hawksbill */
		{ 4, "ak.chain.owner", "certs[4]" },	/* owner card <- Hawksbill */
	};
	for (size_t i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t pl;
		uint8_t *pem = certs_pem(&c, 0, cases[i].flip, &pl);
		struct run x;
		ok = run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, pem, pl) && !x.out.verified &&
		    tu_has_check(x.r, cases[i].check, CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, cases[i].path);
		run_free(&x);
		free(pem);
	}
	for (int flip = 0; ok && flip <= 3; flip += 3) {
		size_t pl;
		uint8_t *pem = certs_pem(&c, 0, flip, &pl);
		struct run x;
		ok = run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, pem, pl) && x.out.verified && clean(x.r);
		run_free(&x);
		free(pem);
	}
	certs_free(&c);
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

/* Without either trust name's roots, that chain is untrusted. */
static int t_untrusted(void)
{
	struct sample s = { 0 };
	int ok = load(&s, "rsa");
	static const struct {
		const char *drop, *check;
	} cases[] = { { "marvell-liquidsecurity", "ak.chain" }, { "google-cloudhsm", "ak.chain.owner" } };
	for (size_t i = 0; ok && i < 2; i++) {
		csra_verifier *v = csra_verifier_new();
		struct run x;
		ok = v != NULL && csra_verifier_drop_format_bundle(v, cases[i].drop) == CSRA_OK &&
		    run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
		    tu_has_check(x.r, cases[i].check, CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, NULL);
		run_free(&x);
		csra_verifier_free(&v);
	}
	/* Another vendor's root under the trust name anchors nothing. */
	csra_verifier *v = csra_verifier_new();
	char path[1024];
	snprintf(path, sizeof(path), "%s/" DIR "../hawksbill-root-v1-prod_global_1498867200.pem", CSRA_SHARED_DIR);
	struct run x;
	ok = ok && v != NULL && csra_verifier_drop_format_bundle(v, "marvell-liquidsecurity") == CSRA_OK &&
	    csra_verifier_add_format_trust_file(v, "marvell-liquidsecurity", path) == CSRA_OK &&
	    run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, "certs[1]");
	run_free(&x);
	csra_verifier_free(&v);
	unload(&s);
	return ok;
}

/* The 2015 root as the only anchor: expired now (2025-11-16), fine
 * before; the bundle's 2024 re-issue anchors what the 2015 root signed
 * and says so. After 2030 Google's certificates have expired. */
static int t_expiry(void)
{
	struct sample s = { 0 };
	char path[1024];
	int ok = load(&s, "ec");
	snprintf(path, sizeof(path), "%s/" MDIR "liquidsecurity-root-2015_from-pkic-doc.pem", CSRA_SHARED_DIR);
	csra_verifier *v = csra_verifier_new();
	struct run x;
	ok = ok && v != NULL && csra_verifier_drop_format_bundle(v, "marvell-liquidsecurity") == CSRA_OK &&
	    csra_verifier_add_format_trust_file(v, "marvell-liquidsecurity", path) == CSRA_OK &&
	    run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, "certs[1]");
	run_free(&x);
	ok = ok && run2(&x, v, T_2025, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) && x.out.verified &&
	    clean(x.r);
	run_free(&x);
	csra_verifier_free(&v);
	v = csra_verifier_new();
	ok = ok && v != NULL && run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) &&
	    x.out.verified;
	/* The message names the re-issue. */
	for (size_t i = 0; ok && i < csra_result_check_count(x.r); i++) {
		const char *n, *m;
		csra_result_check(x.r, i, &n, NULL, NULL, &m, NULL);
		if (strcmp(n, "ak.chain") == 0)
			ok = strstr(m, "re-issue") != NULL && strstr(m, "certs[0]") != NULL;
	}
	run_free(&x);
	ok = ok && run2(&x, v, T_2031, NULL, 0, s.dat, s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, "certs[2]") &&
	    tu_has_check(x.r, "ak.chain.owner", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, "certs[5]");
	run_free(&x);
	csra_verifier_free(&v);
	unload(&s);
	return ok;
}

/* Parts: the certificates missing, an extra part, the owner chain
 * missing, an extra certificate, and the .certs is never detected. */
static int t_parts(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	struct certs c;
	int ok = v != NULL && load(&s, "ec");
	certs_read(&c, s.certs, s.certs_len);
	struct run x;
	ok = ok && run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, NULL, 0) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_MISSING, "");
	run_free(&x);
	const uint8_t *three[3] = { s.dat, s.certs, s.raw };
	size_t three_len[3] = { s.dat_len, s.certs_len, s.raw_len };
	ok = ok && run(&x, v, T_NOW, NULL, 0, three, three_len, 3) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, "parts[2]");
	run_free(&x);
	/* The attestation given twice: the second is a part too many. */
	const uint8_t *twice[3] = { s.dat, s.certs, s.dat };
	size_t twice_len[3] = { s.dat_len, s.certs_len, s.dat_len };
	ok = ok && run(&x, v, T_NOW, NULL, 0, twice, twice_len, 3) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, "parts[2]");
	run_free(&x);
	size_t pl;
	uint8_t *pem = certs_pem(&c, 1u << 4 | 1u << 5, -1, &pl);
	ok = ok && run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, pem, pl) && !x.out.verified &&
	    tu_has_check(x.r, "ak.chain.owner", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_MISSING, "certs");
	run_free(&x);
	free(pem);
	/* A certificate of another hierarchy among them is refused. */
	size_t yl;
	uint8_t *yk = tu_shared_file("vectors/vendors/yubihsm2/niklasgillstrom-hsm/chain.pem", &yl);
	uint8_t *more = yk != NULL ? malloc(s.certs_len + yl) : NULL;
	ok = ok && more != NULL;
	if (ok) {
		memcpy(more, s.certs, s.certs_len);
		memcpy(more + s.certs_len, yk, yl);
		ok = run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len, more, s.certs_len + yl) && !x.out.verified &&
		    tu_has_check(x.r, "marvell-liquidsecurity.certs", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "certs[6]");
		run_free(&x);
	}
	free(yk), free(more);
	ok = ok && csra_format_detects(&csra_format_marvell_liquidsecurity, s.dat, s.dat_len) &&
	    csra_format_detects(&csra_format_marvell_liquidsecurity, s.raw, s.raw_len) &&
	    !csra_format_detects(&csra_format_marvell_liquidsecurity, s.certs, s.certs_len);
	size_t n = 0;
	ok = ok && csra_format_detect(s.dat, s.dat_len, NULL, &n, NULL, 0) == &csra_format_marvell_liquidsecurity &&
	    n == 1;
	certs_free(&c);
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

/* gzip: a bomb over the cap, a truncated member, bytes after it, two
 * members, a bad CRC. */
static int t_gzip(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	int ok = v != NULL && load(&s, "ec");
	size_t zl = 1 << 20, gl;
	uint8_t *zeros = calloc(1, zl);
	memcpy(zeros, s.raw, 16);	/* the header's marks, then nothing but zeros */
	uint8_t *bomb = gzip_bytes(zeros, zl, &gl);
	struct run x;
	ok = ok && gl < 4096 && run2(&x, v, T_NOW, NULL, 0, bomb, gl, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "limit.inflated", CSRA_STATUS_FAIL, CSRA_ERR_LIMIT_INFLATED, "attestation");
	run_free(&x);
	free(bomb), free(zeros);
	/* Truncated. */
	ok = ok && run2(&x, v, T_NOW, NULL, 0, s.dat, s.dat_len - 10, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "attestation");
	run_free(&x);
	/* A second member, and one byte, after the first. */
	uint8_t *two = malloc(2 * s.dat_len);
	memcpy(two, s.dat, s.dat_len);
	memcpy(two + s.dat_len, s.dat, s.dat_len);
	ok = ok && run2(&x, v, T_NOW, NULL, 0, two, 2 * s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "attestation");
	run_free(&x);
	ok = ok && run2(&x, v, T_NOW, NULL, 0, two, s.dat_len + 1, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "attestation");
	run_free(&x);
	/* The CRC-32 (the trailer's first four bytes). */
	memcpy(two, s.dat, s.dat_len);
	two[s.dat_len - 8] ^= 0x01;
	ok = ok && run2(&x, v, T_NOW, NULL, 0, two, s.dat_len, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "marvell-liquidsecurity.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "attestation");
	run_free(&x);
	/* An uncompressed binary over the cap. */
	uint8_t *big = calloc(1, 300 * 1024);
	memcpy(big, s.raw, 16);
	ok = ok && run2(&x, v, T_NOW, NULL, 0, big, 300 * 1024, s.certs, s.certs_len) && !x.out.verified &&
	    tu_has_check(x.r, "limit.inflated", CSRA_STATUS_FAIL, CSRA_ERR_LIMIT_INFLATED, "attestation");
	run_free(&x);
	free(big);
	free(two);
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* Structure: each broken in turn is refused with its check and offset
 * (before any signature is looked at). */
static int t_structure(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	int ok = v != NULL && load(&s, "ec");
	/* ec: info header at 32, public object at 40 (35 attributes, 896
	 * bytes), its first TLV at 52 (CKA_CLASS, 1 byte). */
	static const struct {
		size_t at;
		uint32_t val;
		const char *check, *path;
		csra_err code;
	} cases[] = {
		{ 4, 7, "marvell-liquidsecurity.decode", "attestation", CSRA_ERR_FMT_MALFORMED },	/* flags */
		{ 8, 4000, "marvell-liquidsecurity.decode", "attestation", CSRA_ERR_FMT_MALFORMED },	/* total */
		{ 44, 36, "marvell-liquidsecurity.attribute", "attestation@948", CSRA_ERR_FMT_EXTENSION },	/* count */
		{ 56, 0x10000, "marvell-liquidsecurity.attribute", "attestation@52", CSRA_ERR_FMT_EXTENSION },	/* length */
		{ 48, 2000, "marvell-liquidsecurity.decode", "attestation@40", CSRA_ERR_FMT_MALFORMED },	/* size */
		{ 20, 0xa1e, "marvell-liquidsecurity.decode", "attestation@16", CSRA_ERR_FMT_MALFORMED },	/* handle */
		{ 61, 0x01000001, "marvell-liquidsecurity.attribute", "attestation@40", CSRA_ERR_FMT_EXTENSION },	/* no key type */
	};
	for (size_t i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *d = malloc(s.raw_len);
		memcpy(d, s.raw, s.raw_len);
		put32(d + cases[i].at, cases[i].val);
		struct run x;
		ok = run2(&x, v, T_NOW, NULL, 0, d, s.raw_len, s.certs, s.certs_len) && !x.out.verified &&
		    tu_has_check(x.r, cases[i].check, CSRA_STATUS_FAIL, cases[i].code, cases[i].path);
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
		run_free(&x);
		free(d);
	}
	/* The private object's 0x1003 (the SPKI's SHA-256) changed. */
	const uint8_t *h = ok ? find_tlv(s.raw, s.raw_len, 0x1003, 32) : NULL;
	if (ok && h != NULL) {
		char path[48];
		size_t off = (size_t)(h - s.raw) - 8;
		snprintf(path, sizeof(path), "attestation@%zu", off);
		s.raw[off + 8] ^= 0x01;
		struct run x;
		ok = run2(&x, v, T_NOW, NULL, 0, s.raw, s.raw_len, s.certs, s.certs_len) && !x.out.verified &&
		    tu_has_check(x.r, "marvell-liquidsecurity.attribute", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION, path);
		run_free(&x);
	} else {
		ok = 0;
	}
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

/* Up to two big-endian edits of |n| (1 to 4) bytes each, and a length. */
struct edit {
	size_t at;
	unsigned n;
	uint32_t val;
};

struct layout_case {
	const char *sample;
	struct edit e[2];
	size_t len;	/* 0: the whole sample */
	const char *check, *path;
	csra_err code;
};

/* The header, object and key-attribute refusals t_structure does not
 * reach, each with its check, code and offset. Offsets are the shared
 * samples' (ec: info header at 32, objects at 40 and 948, 35 attributes
 * each, the point at 800 and 1708; rsa: objects at 40 and 1150, the
 * modulus at 800 and 1910, CKA_MODULUS_BITS at 2174, the exponent at
 * 1076 and 2186). */
static int t_layout(void)
{
	static const struct layout_case cases[] = {
		/* shorter than the smallest attestation */
		{ "ec", { { 0, 0, 0 } }, 100, "marvell-liquidsecurity.decode", "attestation",
		    CSRA_ERR_FMT_MALFORMED },
		/* a buffer 8 bytes shorter leaves three handles' room */
		{ "ec", { { 12, 4, 1816 } }, 0, "marvell-liquidsecurity.decode", "attestation",
		    CSRA_ERR_FMT_MALFORMED },
		/* info header version 2 */
		{ "ec", { { 32, 2, 2 } }, 0, "marvell-liquidsecurity.decode", "attestation@32",
		    CSRA_ERR_FMT_MALFORMED },
		/* the second object's offset past the buffer */
		{ "ec", { { 38, 2, 0xffff } }, 0, "marvell-liquidsecurity.decode", "attestation@32",
		    CSRA_ERR_FMT_MALFORMED },
		/* 513 attributes, over the cap */
		{ "ec", { { 44, 4, 513 } }, 0, "marvell-liquidsecurity.attribute", "attestation@40",
		    CSRA_ERR_FMT_EXTENSION },
		/* attribute 2 (CKA_TOKEN) renamed CKA_CLASS, which attribute 0 is */
		{ "ec", { { 70, 4, 0 } }, 0, "marvell-liquidsecurity.attribute", "attestation@70",
		    CSRA_ERR_FMT_EXTENSION },
		/* 34 attributes said: the 35th is left over */
		{ "ec", { { 44, 4, 34 } }, 0, "marvell-liquidsecurity.attribute", "attestation@939",
		    CSRA_ERR_FMT_EXTENSION },
		/* a compressed point's prefix, in both objects alike */
		{ "ec", { { 808, 1, 2 }, { 1716, 1, 2 } }, 0, "marvell-liquidsecurity.attribute",
		    "attestation@1708", CSRA_ERR_FMT_EXTENSION },
		/* CKA_MODULUS_BITS 2047 for a 2048-bit modulus */
		{ "rsa", { { 2182, 4, 2047 } }, 0, "marvell-liquidsecurity.attribute", "attestation@1910",
		    CSRA_ERR_FMT_EXTENSION },
		/* an exponent with a leading zero, in both objects alike */
		{ "rsa", { { 1084, 1, 0 }, { 2194, 1, 0 } }, 0, "marvell-liquidsecurity.attribute",
		    "attestation@1910", CSRA_ERR_FMT_EXTENSION },
	};
	csra_verifier *v = csra_verifier_new();
	int ok = v != NULL;
	for (size_t i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct layout_case *c = &cases[i];
		struct sample s;
		ok = load(&s, c->sample);
		uint8_t *d = ok ? malloc(s.raw_len) : NULL;
		ok = d != NULL;
		if (ok)
			memcpy(d, s.raw, s.raw_len);
		for (size_t j = 0; ok && j < 2 && c->e[j].n > 0; j++) {
			ok = c->e[j].at + c->e[j].n <= s.raw_len;
			for (unsigned k = 0; ok && k < c->e[j].n; k++)
				d[c->e[j].at + k] = (uint8_t)(c->e[j].val >> (8 * (c->e[j].n - 1 - k)));
		}
		struct run x;
		ok = ok && run2(&x, v, T_NOW, NULL, 0, d, c->len ? c->len : s.raw_len, s.certs, s.certs_len) &&
		    !x.out.verified && tu_has_check(x.r, c->check, CSRA_STATUS_FAIL, c->code, c->path);
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
		run_free(&x);
		free(d);
		unload(&s);
	}
	csra_verifier_free(&v);
	return ok;
}

static char *b64url(const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *o = malloc(n / 3 * 4 + 5), *q = o;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*q++ = a[v >> 18], *q++ = a[(v >> 12) & 63], *q++ = a[(v >> 6) & 63], *q++ = a[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		*q++ = a[v >> 18], *q++ = a[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*q++ = a[v >> 18], *q++ = a[(v >> 12) & 63], *q++ = a[(v >> 6) & 63];
	}
	*q = '\0';
	return o;
}

/* Azure's MRVL-1 JSON: no public sample exists, so it is built here from
 * the EC sample's raw binary and certificates, in the layout Microsoft's
 * validator reads (src/config.py, src/validate_attestation.py). */
static int t_azure(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 };
	int ok = v != NULL && load(&s, "ec");
	char *att = b64url(s.raw, s.raw_len), *crt = b64url(s.certs, s.certs_len);
	size_t cap = strlen(att) + strlen(crt) + 512;
	char *json = malloc(cap);
	struct run x;
	snprintf(json, cap, "{\"attributes\": {\"attestation\": {\"version\": \"MRVL-1\", "
	    "\"privateKeyAttestation\": \"%s\", \"certificatePemFile\": \"%s\"}}}", att, crt);
	size_t kl;
	uint8_t *k = openssl_spki(s.raw, s.raw_len, 0, &kl);
	ok = ok && csra_format_detects(&csra_format_marvell_liquidsecurity, (uint8_t *)json, strlen(json)) &&
	    run2(&x, v, T_NOW, k, kl, (uint8_t *)json, strlen(json), NULL, 0) && x.out.verified && x.out.bound &&
	    tu_has_check(x.r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, NULL) &&
	    tu_has_check(x.r, "ak.chain.owner", CSRA_STATUS_SKIP, CSRA_OK, "certs") &&
	    tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "privateKeyAttestation");
	run_free(&x);
	/* Each: what comes before the attestation, between it and the
	 * certificates, and after them. */
	static const char *bad[][3] = {
		{ "{\"version\": \"MRVL-2\", \"privateKeyAttestation\": \"", "\", \"certificatePemFile\": \"", "\"}" },
		{ "{\"version\": \"MRVL-1\", \"version\": \"MRVL-1\", \"privateKeyAttestation\": \"",
		  "\", \"certificatePemFile\": \"", "\"}" },
		{ "{\"version\": \"MRVL-1\", \"privateKeyAttestation\": \"", "=!\", \"certificatePemFile\": \"", "\"}" },
		{ "{\"version\": \"MRVL-1\", \"privateKeyAttestation\": \"", "\", \"certificatePem\": \"", "\"}" },
		{ "{\"version\": \"MRVL-1\", \"privateKeyAttestation\": \"", "\", \"certificatePemFile\": \"", "\"" },
		{ "{\"version\": \"MRVL-1\", \"privateKeyAttestation\": 1, \"x\": \"", "\", \"certificatePemFile\": \"",
		  "\"}" },
	};
	static const csra_err codes[] = { CSRA_ERR_FMT_MALFORMED, CSRA_ERR_FMT_MALFORMED, CSRA_ERR_FMT_MALFORMED,
		CSRA_ERR_FMT_PART_MISSING, CSRA_ERR_FMT_MALFORMED, CSRA_ERR_FMT_MALFORMED };
	for (size_t i = 0; ok && i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, cap, "%s%s%s%s%s", bad[i][0], att, bad[i][1], crt, bad[i][2]);
		ok = run2(&x, v, T_NOW, NULL, 0, (uint8_t *)json, strlen(json), NULL, 0) && !x.out.verified &&
		    tu_has_check(x.r, "marvell-liquidsecurity.json", CSRA_STATUS_FAIL, codes[i], NULL);
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
		run_free(&x);
	}
	/* Another part beside the JSON is not read: refused. */
	snprintf(json, cap, "{\"version\": \"MRVL-1\", \"privateKeyAttestation\": \"%s\", "
	    "\"certificatePemFile\": \"%s\"}", att, crt);
	ok = ok && run2(&x, v, T_NOW, NULL, 0, (uint8_t *)json, strlen(json), s.certs, s.certs_len) &&
	    !x.out.verified && tu_has_check(x.r, "marvell-liquidsecurity.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED,
	    "parts[1]");
	run_free(&x);
	free(k), free(att), free(crt), free(json);
	unload(&s);
	csra_verifier_free(&v);
	return ok;
}

/* Certificates for the link check: an issuer of version |v1| ? 1 : 3,
 * CA:TRUE or CA:FALSE, and a subject it signs. */
static X509 *mk(EVP_PKEY *key, EVP_PKEY *signer, const char *cn, const char *issuer_cn, int v1, int ca)
{
	X509 *x = X509_new();
	X509_set_version(x, v1 ? X509_VERSION_1 : X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_NAME *n = X509_NAME_new(), *in = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const unsigned char *)issuer_cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, in);
	X509_NAME_free(n), X509_NAME_free(in);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	if (!v1) {
		X509V3_CTX ctx;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
		    ca ? "critical,CA:TRUE" : "CA:FALSE");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	X509_sign(x, signer, EVP_sha256());
	return x;
}

static int link_is(X509 *sub, X509 *iss, unsigned allow, int want, csra_err code, unsigned want_used)
{
	unsigned char *sd = NULL, *id = NULL;
	int sl = i2d_X509(sub, &sd), il = i2d_X509(iss, &id);
	csra_err c = CSRA_OK;
	unsigned used = 0;
	char why[200];
	csra_verifier *v = csra_verifier_new();
	int got = v == NULL ? -1 : csra_link_check(v, sub, sd, (size_t)sl, iss, id, (size_t)il, allow, "test", &used, &c, why,
	    sizeof(why));
	OPENSSL_free(sd), OPENSSL_free(id);
	csra_verifier_free(&v);
	if (got != want || c != code || used != want_used) {
		fprintf(stderr, "  link: got %d %s used %u (%s), want %d %s used %u\n", got, csra_err_name(c), used,
		    why, want, csra_err_name(code), want_used);
		return 0;
	}
	return 1;
}

/* The link check accepts a v1 or CA:FALSE issuer only when asked, and
 * says when it did; a CA:TRUE issuer needs neither. */
static int t_link(void)
{
	EVP_PKEY *k1 = EVP_EC_gen("P-256"), *k2 = EVP_EC_gen("P-256");
	X509 *v1 = mk(k1, k1, "v1 issuer", "v1 issuer", 1, 0);
	X509 *caf = mk(k1, k1, "ca-false issuer", "ca-false issuer", 0, 0);
	X509 *cat = mk(k1, k1, "ca issuer", "ca issuer", 0, 1);
	X509 *s1 = mk(k2, k1, "leaf", "v1 issuer", 0, 0);
	X509 *s2 = mk(k2, k1, "leaf", "ca-false issuer", 0, 0);
	X509 *s3 = mk(k2, k1, "leaf", "ca issuer", 0, 0);
	X509 *s4 = mk(k2, k2, "leaf", "ca issuer", 0, 0);	/* another key signed it */
	int ok = k1 && k2 && v1 && caf && cat && s1 && s2 && s3 && s4 &&
	    link_is(s1, v1, 0, 0, CSRA_ERR_AK_CHAIN, 0) &&
	    link_is(s1, v1, CSRA_LINK_ALLOW_CA_FALSE_ISSUER, 0, CSRA_ERR_AK_CHAIN, 0) &&
	    link_is(s1, v1, CSRA_LINK_ALLOW_V1_ISSUER, 1, CSRA_OK, CSRA_LINK_ALLOW_V1_ISSUER) &&
	    link_is(s2, caf, 0, 0, CSRA_ERR_AK_CHAIN, 0) &&
	    link_is(s2, caf, CSRA_LINK_ALLOW_V1_ISSUER, 0, CSRA_ERR_AK_CHAIN, 0) &&
	    link_is(s2, caf, CSRA_LINK_ALLOW_CA_FALSE_ISSUER, 1, CSRA_OK, CSRA_LINK_ALLOW_CA_FALSE_ISSUER) &&
	    link_is(s3, cat, 0, 1, CSRA_OK, 0) &&
	    link_is(s3, cat, CSRA_LINK_ALLOW_V1_ISSUER | CSRA_LINK_ALLOW_CA_FALSE_ISSUER, 1, CSRA_OK, 0) &&
	    link_is(s1, cat, CSRA_LINK_ALLOW_V1_ISSUER, 0, CSRA_ERR_AK_CHAIN, 0) &&	/* name */
	    link_is(s4, cat, 0, 0, CSRA_ERR_SIG_INVALID, 0);
	X509_free(v1), X509_free(caf), X509_free(cat), X509_free(s1), X509_free(s2), X509_free(s3), X509_free(s4);
	EVP_PKEY_free(k1), EVP_PKEY_free(k2);
	return ok;
}

/* The v1 deviation is the card's only: a v1 owner card certificate (the
 * Marvell card certificate in its place) issuing the owner partition is
 * never looked at as an issuer; a Luna-style format refuses v1 issuers
 * through OpenSSL. Here: a partition certificate whose card is v3
 * CA:FALSE is refused (the CA:FALSE deviation is not accepted). */
static int t_quirk_elsewhere(void)
{
	EVP_PKEY *k1 = EVP_EC_gen("P-256"), *k2 = EVP_EC_gen("P-256");
	X509 *card = mk(k1, k1, "HSM:X1", "HSM:X1 root", 0, 0);
	X509 *part = mk(k2, k1, "HSM:X1:PARTN:1", "HSM:X1", 0, 0);
	int ok = link_is(part, card, X509_get_version(card) == X509_VERSION_1 ? CSRA_LINK_ALLOW_V1_ISSUER : 0, 0,
	    CSRA_ERR_AK_CHAIN, 0);
	X509_free(card), X509_free(part);
	EVP_PKEY_free(k1), EVP_PKEY_free(k2);
	return ok;
}

/* Through the public API (csra_attestation): the .dat and .certs in
 * either order, detected; bound to the rebuilt key, to another key, and
 * alone; the .dat without its .certs. */
static int t_public(void)
{
	csra_verifier *v = csra_verifier_new();
	struct sample s = { 0 }, r2 = { 0 };
	int ok = v != NULL && csra_verifier_set_time(v, T_NOW) == CSRA_OK && load(&s, "ec") && load(&r2, "rsa");
	size_t kl = 0, rl = 0;
	uint8_t *k = ok ? openssl_spki(s.raw, s.raw_len, 0, &kl) : NULL;
	uint8_t *rk = ok ? openssl_spki(r2.raw, r2.raw_len, 1, &rl) : NULL;
	for (int order = 0; ok && order < 2; order++) {
		csra_attestation *a = csra_attestation_new();
		ok = a != NULL &&
		    csra_attestation_add_part(a, order ? s.certs : s.dat, order ? s.certs_len : s.dat_len) == CSRA_OK &&
		    csra_attestation_add_part(a, order ? s.dat : s.certs, order ? s.dat_len : s.certs_len) == CSRA_OK;
		const csra_attestation *const atts[1] = { a };
		csra_result *r = NULL;
		ok = ok && csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 1, &r) == CSRA_OK &&
		    csra_result_statement_count(r) == 1 &&
		    tu_has_check(csra_result_statement(r, 0), "ak.chain.owner", CSRA_STATUS_PASS, CSRA_OK, NULL);
		size_t al = 0;
		const uint8_t *ak = ok ? csra_result_attested_key(csra_result_statement(r, 0), 0, &al) : NULL;
		ok = ok && ak != NULL && csra_same(ak, al, k, kl);
		csra_result_free(&r);
		/* Bound: the rebuilt key passes, another key does not. */
		ok = ok && csra_verify_attestations_with(v, k, kl, NULL, 0, atts, 1, &r) == CSRA_OK &&
		    tu_has_check(csra_result_statement(r, 0), "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL);
		csra_result_free(&r);
		ok = ok && csra_verify_attestations_with(v, rk, rl, NULL, 0, atts, 1, &r) == CSRA_OK &&
		    csra_result_verdict(r) != CSRA_VERDICT_VERIFIED &&
		    tu_has_check(csra_result_statement(r, 0), "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, NULL);
		csra_result_free(&r);
		csra_attestation_free(&a);
	}
	csra_attestation *a = csra_attestation_new();
	csra_result *r = NULL;
	ok = ok && a != NULL && csra_attestation_add_part(a, s.dat, s.dat_len) == CSRA_OK;
	const csra_attestation *const one[1] = { a };
	ok = ok && csra_verify_attestations_with(v, NULL, 0, NULL, 0, one, 1, &r) == CSRA_OK &&
	    tu_has_check(csra_result_statement(r, 0), "marvell-liquidsecurity.parts", CSRA_STATUS_FAIL,
	    CSRA_ERR_FMT_PART_MISSING, "");
	csra_result_free(&r);
	csra_attestation_free(&a);
	free(k), free(rk);
	unload(&s), unload(&r2);
	csra_verifier_free(&v);
	return ok;
}

int main(void)
{
	static const tu_test tests[] = {
		{ "samples verify with the bundled roots, keys rebuilt", t_samples },
		{ "binding: rebuilt key, another key, a secret key", t_binding },
		{ "a tampered data byte fails the signature", t_tampered_data },
		{ "a tampered signature in each chain link", t_tampered_links },
		{ "dropped or foreign trust is untrusted", t_untrusted },
		{ "the 2015 root alone: expired now, fine in 2025", t_expiry },
		{ "parts and certificates by content", t_parts },
		{ "gzip caps and broken members", t_gzip },
		{ "strict header, objects and attributes", t_structure },
		{ "header, object and key attribute refusals, each with its offset", t_layout },
		{ "Azure MRVL-1 JSON built from the sample", t_azure },
		{ "link check deviations only when asked", t_link },
		{ "a CA:FALSE card is refused", t_quirk_elsewhere },
		{ "the public API: parts in either order, bound", t_public },
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
