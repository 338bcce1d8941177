/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Known-weak keys (csra_weak.c): every test has a key made here that
 * triggers it, with its check name, code and what the message says was
 * found; fresh keys and every key of the shared vectors pass (but the
 * YubiKey 4.3.3 ones, which carry the ROCA fingerprint); a key is tested
 * once per verifier cache; a request with a weak key is rejected.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/crmf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include "csra_oid_table.h"
#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#define PATH "k"

/* DER ------------------------------------------------------------------ */

struct buf {
	uint8_t d[8192];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n <= sizeof(b->d))
		memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* Appends the TLV |tag| with contents |c|/|n|. */
static void tlv(struct buf *b, uint8_t tag, const void *c, size_t n)
{
	uint8_t h[4] = { tag };
	size_t hl;
	if (n < 0x80)
		h[1] = (uint8_t)n, hl = 2;
	else if (n < 0x100)
		h[1] = 0x81, h[2] = (uint8_t)n, hl = 3;
	else
		h[1] = 0x82, h[2] = (uint8_t)(n >> 8), h[3] = (uint8_t)n, hl = 4;
	put(b, h, hl);
	put(b, c, n);
}

static void der_int(struct buf *b, const BIGNUM *x)
{
	uint8_t m[2100];
	int n = BN_bn2bin(x, m + 1);
	m[0] = 0;
	int pad = n == 0 || (m[1] & 0x80);
	tlv(b, 0x02, m + !pad, (size_t)n + (size_t)pad);
}

static const uint8_t RSA_ALG[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	0x01, 0x01, 0x01, 0x05, 0x00 };

/* SubjectPublicKeyInfo of the RSA key (n, e). */
static void rsa_spki(struct buf *out, const BIGNUM *n, const BIGNUM *e)
{
	struct buf ints = { .n = 0 }, seq = { .n = 0 }, bits = { .n = 0 }, body = { .n = 0 };
	der_int(&ints, n);
	der_int(&ints, e);
	seq.d[0] = 0;
	seq.n = 1;	/* the BIT STRING's unused-bits octet */
	tlv(&seq, 0x30, ints.d, ints.n);
	tlv(&bits, 0x03, seq.d, seq.n);
	put(&body, RSA_ALG, sizeof(RSA_ALG));
	put(&body, bits.d, bits.n);
	out->n = 0;
	tlv(out, 0x30, body.d, body.n);
}

static struct buf pkey_spki(EVP_PKEY *k)
{
	struct buf b = { .n = 0 };
	unsigned char *p = NULL;
	int n = i2d_PUBKEY(k, &p);
	if (n > 0)
		put(&b, p, (size_t)n);
	OPENSSL_free(p);
	return b;
}

/* Checks ------------------------------------------------------------------ */

static csra_verifier *V;	/* shared: its cache holds outcomes across tests */

/* Runs the check on |spki| with a verifier without a cache; |*r| keeps
 * the result. Returns what csra_weak_key_check returned. */
static int weak(const struct buf *spki, csra_result **r)
{
	*r = csra_result_new();
	if (*r == NULL)
		return -1;
	return csra_weak_key_check(V, spki->d, spki->n, *r, PATH, NULL);
}

static void dump(const csra_result *r)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err c;
		csra_result_check(r, i, &name, &st, &c, &msg, &path);
		fprintf(stderr, "  %s %d %s [%s]: %s\n", name, st, csra_err_name(c), path, msg);
	}
}

/* The key fails exactly the test |check| with |code|, its message holding
 * |needle|, at PATH; the function says 0. */
static int fails(const struct buf *spki, const char *check, csra_err code, const char *needle)
{
	csra_result *r = NULL;
	int ret = weak(spki, &r);
	CHECK(r != NULL);
	long i = csra_result_find(r, check, code);
	const char *msg = "", *path = "";
	csra_status st = CSRA_STATUS_PASS;
	if (i >= 0)
		csra_result_check(r, (size_t)i, NULL, &st, NULL, &msg, &path);
	size_t nfail = 0;
	for (size_t j = 0; j < csra_result_check_count(r); j++) {
		csra_status s;
		csra_result_check(r, j, NULL, &s, NULL, NULL, NULL);
		nfail += s == CSRA_STATUS_FAIL;
	}
	int ok = ret == 0 && i >= 0 && st == CSRA_STATUS_FAIL && nfail == 1 && strstr(msg, needle) != NULL &&
	    strcmp(path, PATH) == 0;
	if (!ok) {
		fprintf(stderr, "  want %s %s with '%s', got %d:\n", check, csra_err_name(code), needle, ret);
		dump(r);
	}
	csra_result_free(&r);
	return ok;
}

/* The key passes: no failure, one "key.weak" pass whose message holds
 * |needle|; the function says 1. */
static int passes(const struct buf *spki, const char *needle)
{
	csra_result *r = NULL;
	int ret = weak(spki, &r);
	CHECK(r != NULL);
	long i = csra_result_find(r, "key.weak", CSRA_OK);
	const char *msg = "";
	csra_status st = CSRA_STATUS_FAIL;
	if (i >= 0)
		csra_result_check(r, (size_t)i, NULL, &st, NULL, &msg, NULL);
	int ok = ret == 1 && csra_result_check_count(r) == 1 && st == CSRA_STATUS_PASS &&
	    strstr(msg, needle) != NULL;
	if (!ok) {
		fprintf(stderr, "  want a pass with '%s', got %d:\n", needle, ret);
		dump(r);
	}
	csra_result_free(&r);
	return ok;
}

/* RSA keys made here ---------------------------------------------------- */

static BIGNUM *prime(int bits)
{
	BIGNUM *p = BN_new();
	if (p != NULL && !BN_generate_prime_ex(p, bits, 0, NULL, NULL, NULL))
		BN_free(p), p = NULL;
	return p;
}

/* The next prime at or after |x| (in place). */
static int next_prime(BIGNUM *x)
{
	if (!BN_is_odd(x) && !BN_add_word(x, 1))
		return 0;
	for (int i = 0; i < 100000; i++) {
		int r = BN_check_prime(x, NULL, NULL);
		if (r == 1)
			return 1;
		if (r < 0 || !BN_add_word(x, 2))
			return 0;
	}
	return 0;
}

static BIGNUM *word(unsigned long w)
{
	BIGNUM *b = BN_new();
	if (b != NULL)
		BN_set_word(b, w);
	return b;
}

/* 2^k + add */
static BIGNUM *pow2(int k, long add)
{
	BIGNUM *b = BN_new();
	if (b != NULL) {
		BN_zero(b);
		BN_set_bit(b, k);
		if (add >= 0)
			BN_add_word(b, (BN_ULONG)add);
		else
			BN_sub_word(b, (BN_ULONG)-add);
	}
	return b;
}

static struct buf spki_of(const BIGNUM *p, const BIGNUM *q, const BIGNUM *e)
{
	struct buf out = { .n = 0 };
	BIGNUM *n = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	if (n != NULL && ctx != NULL && BN_mul(n, p, q, ctx))
		rsa_spki(&out, n, e);
	BN_free(n);
	BN_CTX_free(ctx);
	return out;
}

/* A prime as Infineon's RSALib makes them: k * M + (65537^a mod M), M the
 * product of the primes up to 167 (the smallest primorial it uses; the
 * larger ones it uses for longer keys are multiples of it). */
static BIGNUM *roca_prime(int bits)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *m = BN_new(), *g = BN_new(), *a = BN_new(), *k = BN_new(), *p = BN_new();
	BIGNUM *f4 = word(65537);
	int ok = ctx && m && g && a && k && p && f4 && BN_one(m);
	for (unsigned x = 2; ok && x <= 167; x++) {
		int isp = 1;
		for (unsigned d = 2; d * d <= x; d++)
			isp &= x % d != 0;
		if (isp)
			ok = BN_mul_word(m, x);
	}
	for (int tries = 0; ok && tries < 100000; tries++) {
		ok = BN_rand(a, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
		    BN_mod_exp(g, f4, a, m, ctx) &&
		    BN_rand(k, bits - BN_num_bits(m), BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ANY) &&
		    BN_mul(p, k, m, ctx) && BN_add(p, p, g);
		if (ok && BN_check_prime(p, ctx, NULL) == 1)
			break;
	}
	BN_CTX_free(ctx);
	BN_free(m), BN_free(g), BN_free(a), BN_free(k), BN_free(f4);
	if (!ok)
		BN_free(p), p = NULL;
	return p;
}

/* Tests ------------------------------------------------------------------ */

static int test_roca_constructed(void)
{
	BIGNUM *p = roca_prime(1024), *q = roca_prime(1024), *e = word(65537);
	CHECK(p != NULL && q != NULL && e != NULL);
	struct buf s = spki_of(p, q, e);
	int ok = fails(&s, "key.weak.roca", CSRA_ERR_WEAK_ROCA, "CVE-2017-15361");
	/* One ordinary prime in place of q: no fingerprint. */
	BIGNUM *r = prime(1024);
	struct buf s2 = spki_of(p, r, e);
	ok = ok && passes(&s2, "no ROCA fingerprint");
	BN_free(p), BN_free(q), BN_free(r), BN_free(e);
	return ok;
}

/* Fermat finds primes 2^515 apart in a 2048-bit modulus within its 256
 * steps, 2^520 apart not (docs/verify.md: |p - q| < 45 N^(1/4)). */
static int test_fermat_close_primes(void)
{
	BIGNUM *p = prime(1024), *q = BN_new(), *d = pow2(515, 0), *e = word(65537);
	CHECK(p != NULL && q != NULL && d != NULL && e != NULL);
	int ok = BN_add(q, p, d) && next_prime(q);
	struct buf s = spki_of(p, q, e);
	ok = ok && fails(&s, "key.weak.fermat", CSRA_ERR_WEAK_FERMAT, "its primes differ by a 516-bit number (a 2048-bit modulus)");
	/* Neighbouring primes: found in the first step. */
	ok = ok && BN_copy(q, p) && BN_add_word(q, 2) && next_prime(q);
	s = spki_of(p, q, e);
	ok = ok && fails(&s, "key.weak.fermat", CSRA_ERR_WEAK_FERMAT, "in 1 step: its primes differ by 0x");
	BN_free(d);
	d = pow2(520, 0);
	ok = ok && d != NULL && BN_add(q, p, d) && next_prime(q);
	s = spki_of(p, q, e);
	ok = ok && passes(&s, "no close primes");
	BN_free(p), BN_free(q), BN_free(d), BN_free(e);
	return ok;
}

static int test_small_factors(void)
{
	BIGNUM *q = prime(2040), *e = word(65537), *f = BN_new();
	CHECK(q != NULL && e != NULL && f != NULL);
	static const struct { unsigned long f; const char *needle; } cases[] = {
		{ 3, "divisible by 3 (1 prime" },
		{ 1021, "divisible by 1021, the largest prime below 2^10 (1 prime below 2^10 divides it)" },
		{ 2 * 3 * 5, "divisible by 2 (3 primes" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(BN_set_word(f, cases[i].f));
		struct buf s = spki_of(f, q, e);
		CHECK(fails(&s, "key.weak.small-factor", CSRA_ERR_WEAK_SMALL_FACTOR, cases[i].needle));
	}
	/* 1031, the first prime above the bound, is not looked for. */
	CHECK(BN_set_word(f, 1031));
	struct buf s = spki_of(f, q, e);
	CHECK(passes(&s, "no prime factor below 2^10"));
	BN_free(q), BN_free(e), BN_free(f);
	return 1;
}

static int test_exponent(void)
{
	BIGNUM *p = prime(1024), *q = prime(1024);
	CHECK(p != NULL && q != NULL);
	static const struct { int k; long add; const char *needle; } bad[] = {
		{ 1, 1, "exponent 3 is below 2^16+1" },
		{ 16, 0, "exponent 65536 is even" },
		{ 16, -1, "exponent 65535 is below 2^16+1" },
		{ 256, 1, "has 257 bits: above 2^256-1" },
		{ 300, 0, "has 301 bits" },
		{ 100, 0, "exponent of more than 64 bits is even" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		BIGNUM *e = bad[i].k == 1 ? word(3) : pow2(bad[i].k, bad[i].add);
		CHECK(e != NULL);
		struct buf s = spki_of(p, q, e);
		BN_free(e);
		CHECK(fails(&s, "key.weak.exponent", CSRA_ERR_WEAK_EXPONENT, bad[i].needle));
	}
	/* The ends of the range. */
	BIGNUM *lo = pow2(16, 1), *hi = pow2(256, -1);
	struct buf s1 = spki_of(p, q, lo), s2 = spki_of(p, q, hi);
	CHECK(passes(&s1, "odd exponent in [2^16+1, 2^256-1]"));
	CHECK(passes(&s2, "odd exponent in [2^16+1, 2^256-1]"));
	BN_free(lo), BN_free(hi), BN_free(p), BN_free(q);
	return 1;
}

/* The offset of the point (after 04/02/03) in an EC SPKI. */
static size_t point_at(const struct buf *s, size_t field)
{
	return s->n - 2 * field - 1;
}

static int test_ec_point(void)
{
	EVP_PKEY *k = tp_key("EC", "P-256");
	CHECK(k != NULL);
	struct buf good = pkey_spki(k), s;
	EVP_PKEY_free(k);
	CHECK(good.n == 91 && good.d[point_at(&good, 32)] == 0x04);
	CHECK(passes(&good, "EC P-256: point on the curve, point in the prime-order subgroup"));
	/* A flipped byte of y, then of x. */
	s = good;
	s.d[s.n - 1] ^= 0x01;
	CHECK(fails(&s, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "not on P-256: y^2 != x^3 + ax + b"));
	s = good;
	s.d[point_at(&s, 32) + 5] ^= 0x80;
	CHECK(fails(&s, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "not on P-256"));
	/* x = p, the field prime: out of range even though x = 0 would do. */
	s = good;
	static const uint8_t p256[32] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(s.d + point_at(&s, 32) + 1, p256, 32);
	CHECK(fails(&s, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "x coordinate is not below the field prime"));
	/* The point at infinity: BIT STRING { 00 00 } in a shorter SPKI. */
	struct buf inf = { .n = 0 }, body = { .n = 0 };
	static const uint8_t zero2[] = { 0x00, 0x00 };
	put(&body, good.d + 2, 21);	/* AlgorithmIdentifier of P-256 */
	tlv(&body, 0x03, zero2, 2);
	tlv(&inf, 0x30, body.d, body.n);
	CHECK(fails(&inf, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "point at infinity"));
	/* A hybrid (06) point: RFC 5480 forbids it. */
	s = good;
	s.d[point_at(&s, 32)] = 0x06;
	CHECK(fails(&s, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "first 0x06"));
	return 1;
}

/* Compressed points: a valid one passes, an x with no point fails. */
static int test_ec_compressed(void)
{
	EVP_PKEY *k = tp_key("EC", "P-384");
	CHECK(k != NULL);
	CHECK(EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"));
	struct buf good = pkey_spki(k);
	EVP_PKEY_free(k);
	CHECK(good.d[good.n - 49] == 0x02 || good.d[good.n - 49] == 0x03);
	CHECK(passes(&good, "EC P-384: point on the curve"));
	/* About half of all x have a point: the first x after this one that
	 * has none. */
	for (int i = 0; i < 64; i++) {
		struct buf s = good;
		s.d[s.n - 1] = (uint8_t)(s.d[s.n - 1] + 1 + i);
		csra_result *r = NULL;
		int ret = weak(&s, &r);
		CHECK(r != NULL);
		long at = csra_result_find(r, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT);
		csra_result_free(&r);
		if (at >= 0) {
			CHECK(ret == 0);
			return fails(&s, "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT, "no point of P-384 has this compressed x");
		}
	}
	CHECK(!"every x had a point");
	return 0;
}

/* Fresh keys of every kind csrattest accepts pass, with one check. */
static int test_fresh_keys_pass(void)
{
	static const char *const kinds[][3] = {
		{ "RSA", "2048", "RSA-2048: no ROCA fingerprint, no close primes (256 Fermat steps), "
		  "no prime factor below 2^10, odd exponent in [2^16+1, 2^256-1]" },
		{ "RSA", "3072", "RSA-3072" },
		{ "EC", "P-256", "EC P-256" }, { "EC", "P-384", "EC P-384" }, { "EC", "P-521", "EC P-521" },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		EVP_PKEY *k = tp_key(kinds[i][0], kinds[i][1]);
		CHECK(k != NULL);
		struct buf s = pkey_spki(k);
		EVP_PKEY_free(k);
		CHECK(passes(&s, kinds[i][2]));
	}
	return 1;
}

/* Keys no test applies to, and moduli too long to factor: a skip saying
 * why, never a failure. */
static int test_skips(void)
{
	EVP_PKEY *k = tp_key("ED25519", NULL);
	CHECK(k != NULL);
	struct buf s = pkey_spki(k);
	EVP_PKEY_free(k);
	csra_result *r = NULL;
	CHECK(weak(&s, &r) == 1);
	long i = csra_result_find(r, "key.weak", CSRA_OK);
	csra_status st;
	const char *msg;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, &msg, NULL));
	CHECK(st == CSRA_STATUS_SKIP && strstr(msg, "no weak-key test for this key type"));
	csra_result_free(&r);
	/* 16400 bits: the exponent is still checked. */
	BIGNUM *n = pow2(16400, -1), *e = word(3);
	CHECK(n != NULL && e != NULL);
	rsa_spki(&s, n, e);
	CHECK(fails(&s, "key.weak.exponent", CSRA_ERR_WEAK_EXPONENT, "exponent 3"));
	CHECK(weak(&s, &r) == 0);
	i = csra_result_find(r, "key.weak", CSRA_OK);
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, &msg, NULL));
	CHECK(st == CSRA_STATUS_SKIP && strstr(msg, "RSA-16400: the modulus was not factored: 16400 bits"));
	csra_result_free(&r);
	BN_free(n), BN_free(e);
	return 1;
}

/* A key is tested once per cache: the second look is a lookup that
 * records the same checks. Without a cache, every look tests. */
static int test_once_per_key(void)
{
	BIGNUM *p = prime(1024), *q = BN_new(), *e = word(3);
	CHECK(p != NULL && q != NULL && e != NULL && BN_copy(q, p) && BN_add_word(q, 2) && next_prime(q));
	struct buf s = spki_of(p, q, e);
	BN_free(p), BN_free(q), BN_free(e);
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	csra_result *r1 = csra_result_new(), *r2 = csra_result_new(), *r3 = csra_result_new();
	CHECK(r1 != NULL && r2 != NULL && r3 != NULL);
	unsigned long long before = csra_weak_full_checks();
	CHECK(csra_weak_key_check(v, s.d, s.n, r1, PATH, NULL) == 0);
	CHECK(csra_weak_full_checks() == before + 1);
	CHECK(csra_weak_key_check(v, s.d, s.n, r2, PATH, NULL) == 0);
	CHECK(csra_weak_full_checks() == before + 1);
	CHECK(csra_result_check_count(r1) == 3 && csra_result_check_count(r2) == 3);
	for (size_t i = 0; i < 3; i++) {
		const char *n1, *m1, *n2, *m2;
		csra_status s1, s2;
		csra_err c1, c2;
		csra_result_check(r1, i, &n1, &s1, &c1, &m1, NULL);
		csra_result_check(r2, i, &n2, &s2, &c2, &m2, NULL);
		CHECK(strcmp(n1, n2) == 0 && s1 == s2 && c1 == c2 && strcmp(m1, m2) == 0);
	}
	CHECK(csra_result_find(r2, "key.weak.fermat", CSRA_ERR_WEAK_FERMAT) >= 0);
	CHECK(csra_result_find(r2, "key.weak.exponent", CSRA_ERR_WEAK_EXPONENT) >= 0);
	/* Cache off: tested again. */
	CHECK(csra_verifier_set_chain_cache(v, 0) == CSRA_OK);
	CHECK(csra_weak_key_check(v, s.d, s.n, r3, PATH, NULL) == 0);
	CHECK(csra_weak_full_checks() == before + 2);
	csra_result_free(&r1), csra_result_free(&r2), csra_result_free(&r3);
	csra_verifier_free(&v);
	return 1;
}

/* Every key in the shared vectors: the YubiKey 4.3.3 requests' and their
 * certificates' keys carry the ROCA fingerprint (firmware 4.2.6-4.3.4 is
 * affected); every other key passes. */
static struct buf x509_spki(X509_PUBKEY *pk)
{
	struct buf s = { .n = 0 };
	unsigned char *k = NULL;
	int kl = pk ? i2d_X509_PUBKEY(pk, &k) : 0;
	if (kl > 0)
		put(&s, k, (size_t)kl);
	OPENSSL_free(k);
	return s;
}

/* Calls |fn| on the key of every PEM certificate and request of |file|,
 * or of its one DER certificate, request or PKCS#7's certificates. */
static int keys_of(const char *file, int (*fn)(const char *, const struct buf *, void *), void *arg)
{
	FILE *f = fopen(file, "rb");
	if (f == NULL)
		return 1;
	uint8_t *data = malloc(1 << 20);
	size_t n = data ? fread(data, 1, 1 << 20, f) : 0;
	fclose(f);
	int ok = 1, found = 0;
	BIO *b = BIO_new_mem_buf(data, (int)n);
	char *name = NULL, *hdr = NULL;
	unsigned char *der = NULL;
	long dlen;
	while (ok && b && PEM_read_bio(b, &name, &hdr, &der, &dlen) == 1) {
		const unsigned char *p = der;
		struct buf s = { .n = 0 };
		if (strcmp(name, "CERTIFICATE") == 0) {
			X509 *x = d2i_X509(NULL, &p, dlen);
			s = x509_spki(x ? X509_get_X509_PUBKEY(x) : NULL);
			X509_free(x);
		} else if (strstr(name, "CERTIFICATE REQUEST")) {
			X509_REQ *x = d2i_X509_REQ(NULL, &p, dlen);
			s = x509_spki(x ? X509_REQ_get_X509_PUBKEY(x) : NULL);
			X509_REQ_free(x);
		}
		OPENSSL_free(name), OPENSSL_free(hdr), OPENSSL_free(der);
		if (s.n > 0)
			found++, ok = fn(file, &s, arg);
	}
	BIO_free(b);
	ERR_clear_error();
	const unsigned char *p;
	X509 *x;
	X509_REQ *rq;
	PKCS7 *p7;
	if (found == 0 && n > 0) {
		if ((p = data, x = d2i_X509(NULL, &p, (long)n)) != NULL) {
			struct buf s = x509_spki(X509_get_X509_PUBKEY(x));
			ok = fn(file, &s, arg);
			X509_free(x);
		} else if ((p = data, rq = d2i_X509_REQ(NULL, &p, (long)n)) != NULL) {
			struct buf s = x509_spki(X509_REQ_get_X509_PUBKEY(rq));
			ok = fn(file, &s, arg);
			X509_REQ_free(rq);
		} else if ((p = data, p7 = d2i_PKCS7(NULL, &p, (long)n)) != NULL) {
			STACK_OF(X509) *certs = PKCS7_type_is_signed(p7) ? p7->d.sign->cert : NULL;
			for (int i = 0; ok && i < sk_X509_num(certs); i++) {
				struct buf s = x509_spki(X509_get_X509_PUBKEY(sk_X509_value(certs, i)));
				ok = fn(file, &s, arg);
			}
			PKCS7_free(p7);
		}
	}
	ERR_clear_error();
	free(data);
	return ok;
}

struct tally {
	int keys, roca, e3;
};

static int judge(const char *file, const struct buf *s, void *arg)
{
	struct tally *t = arg;
	t->keys++;
	if (strstr(file, "Yubikey_4_3_3/") != NULL) {
		/* RSA-2048 keys generated on the device. */
		t->roca++;
		return fails(s, "key.weak.roca", CSRA_ERR_WEAK_ROCA, "RSA-2048: the modulus is in the subgroup");
	}
	if (strstr(file, "luna-rsa-root-certificate.pem") != NULL ||
	    strstr(file, "chrysalis-its-root-from-pkic-doc.pem") != NULL) {
		/* Thales's RSA root (and its re-issue under the Chrysalis-ITS
		 * name, same key) has e = 3: odd and at least 3, as BR 6.1.6
		 * requires, but outside the range it recommends and csrattest
		 * enforces for requested and attested keys. */
		t->e3++;
		return fails(s, "key.weak.exponent", CSRA_ERR_WEAK_EXPONENT, "RSA-4096: the public exponent 3 is below");
	}
	csra_result *r = NULL;
	int ret = weak(s, &r);
	CHECK(r != NULL);
	int ok = ret == 1;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		csra_status st;
		csra_result_check(r, i, NULL, &st, NULL, NULL, NULL);
		ok &= st != CSRA_STATUS_FAIL && st != CSRA_STATUS_WARN;
	}
	if (!ok) {
		fprintf(stderr, "  %s: flagged\n", file);
		dump(r);
	}
	csra_result_free(&r);
	return ok;
}

static int walk(const char *dir, struct tally *t)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return 1;
	int ok = 1;
	for (struct dirent *e; ok && (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		ok = S_ISDIR(st.st_mode) ? walk(path, t) : keys_of(path, judge, t);
	}
	closedir(d);
	return ok;
}

static int test_shared_vectors(void)
{
	struct tally t = { 0, 0, 0 };
	CHECK(walk(CSRA_SHARED_DIR "/vectors", &t));
	fprintf(stderr, "  %d keys, %d with the ROCA fingerprint, %d with e = 3\n", t.keys, t.roca, t.e3);
	/* Five requests and the five certificates issued for them. */
	CHECK(t.roca == 10 && t.e3 == 2);
	CHECK(t.keys > t.roca + 20);
	return 1;
}

/* The real YubiKey 4.3.3 request: the request result carries the ROCA
 * failure at the request key's path. */
static int test_yubikey_request_rejected(void)
{
	uint8_t *der = NULL;
	size_t len = 0;
	FILE *f = fopen(CSRA_SHARED_DIR "/vectors/vendors/yubico-piv/purebred-SampleAttestations/"
	    "Yubikey_4_3_3/2_device_scep_request.bin", "rb");
	CHECK(f != NULL);
	der = malloc(65536);
	len = der ? fread(der, 1, 65536, f) : 0;
	fclose(f);
	CHECK(len > 0 && len < 65536);
	csra_result *r = NULL;
	CHECK(csra_verify_request(V, der, len, NULL, 0, &r) == CSRA_OK);
	free(der);
	long i = csra_result_find(r, "key.weak.roca", CSRA_ERR_WEAK_ROCA);
	const char *path;
	csra_status st;
	CHECK(i >= 0 && csra_result_check(r, (size_t)i, NULL, &st, NULL, NULL, &path));
	CHECK(st == CSRA_STATUS_FAIL && strcmp(path, "certificationRequestInfo.subjectPKInfo") == 0);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	csra_result_free(&r);
	return 1;
}

/* An RSA-3072 key whose primes are neighbours, with its private half. */
static EVP_PKEY *fermat_key(void)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = prime(1536), *q = BN_new(), *n = BN_new(), *e = word(65537), *d = BN_new(),
	    *p1 = BN_new(), *q1 = BN_new(), *phi = BN_new(), *dp = BN_new(), *dq = BN_new(), *qi = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *pc = NULL;
	if (ctx && p && q && n && e && d && p1 && q1 && phi && dp && dq && qi && bld &&
	    BN_copy(q, p) && BN_add_word(q, 2) && next_prime(q) && BN_mul(n, p, q, ctx) &&
	    BN_sub(p1, p, BN_value_one()) && BN_sub(q1, q, BN_value_one()) && BN_mul(phi, p1, q1, ctx) &&
	    BN_mod_inverse(d, e, phi, ctx) && BN_mod(dp, d, p1, ctx) && BN_mod(dq, d, q1, ctx) &&
	    BN_mod_inverse(qi, q, p, ctx) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	    (pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(pc) == 1 && EVP_PKEY_fromdata(pc, &k, EVP_PKEY_KEYPAIR, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_CTX_free(ctx);
	BN_free(p), BN_free(q), BN_free(n), BN_free(e), BN_free(d), BN_free(p1), BN_free(q1);
	BN_free(phi), BN_free(dp), BN_free(dq), BN_free(qi);
	return k;
}

/* Evidence that attests |subject| as cabf-csbr wants it, signed by |p|'s AK. */
static uint8_t *evidence_for(const tp_pki *p, EVP_PKEY *subject, size_t *elen)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *ev = NULL;
	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(subject, &spki);
	static const uint8_t nonce[] = { 1, 2, 3, 4 };
	csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx);
	csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, nonce, sizeof(nonce));
	csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl);
	csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1);
	csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3);
	csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k);
	csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5);
	csra_evb_add_octets(b, k, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len);
	csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_EXTRACTABLE, 0);
	csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1);
	csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_SENSITIVE, 1);
	csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_LOCAL, 1);
	csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0);
	csra_evb_add_intermediate(b, p->inter);
	if (csra_evb_encode(b, &ev, elen) != CSRA_OK)
		ev = NULL;
	OPENSSL_free(spki);
	csra_evb_free(&b);
	return ev;
}

/* That Evidence in an AttestationBundle. */
static uint8_t *bundle_for(const tp_pki *p, EVP_PKEY *subject, size_t *len)
{
	size_t elen = 0;
	uint8_t *ev = evidence_for(p, subject, &elen), *der = NULL;
	csra_bb *bb = csra_bb_new();
	const csra_oid_entry *t = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	if (ev == NULL || csra_bb_add_statement(bb, t->der, t->der_len, ev, elen) != CSRA_OK ||
	    csra_bb_encode(bb, &der, len) != CSRA_OK)
		der = NULL;
	csra_bb_free(&bb);
	free(ev);
	return der;
}

static uint8_t *crmf_for(const tp_pki *p, EVP_PKEY *subject, size_t *len)
{
	size_t blen = 0;
	uint8_t *bundle = bundle_for(p, subject, &blen), *out = NULL;
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	X509_NAME *name = X509_NAME_new();
	OSSL_CRMF_MSGS *msgs = sk_OSSL_CRMF_MSG_new_null();
	unsigned char *der = NULL;
	int n = 0;
	if (bundle && m && name && msgs &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"weak", -1, -1, 0) &&
	    OSSL_CRMF_MSG_set_certReqId(m, 0) &&
	    OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), subject, name, NULL, NULL) &&
	    csra_crmf_add_bundle(m, bundle, blen) == CSRA_OK &&
	    OSSL_CRMF_MSG_create_popo(OSSL_CRMF_POPO_SIGNATURE, m, subject, EVP_sha256(), NULL, NULL) &&
	    sk_OSSL_CRMF_MSG_push(msgs, m) > 0) {
		m = NULL;
		n = i2d_OSSL_CRMF_MSGS(msgs, &der);
	}
	if (n > 0 && (out = malloc((size_t)n)) != NULL) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	OSSL_CRMF_MSG_free(m);
	OSSL_CRMF_MSGS_free(msgs);
	X509_NAME_free(name);
	free(bundle);
	return out;
}

/* A request that cabf-csbr accepts but for its key's close primes is
 * rejected for them alone, in PKCS#10 and CRMF; the same request with a
 * fresh key is verified. */
static int test_request_rejected(void)
{
	tp_pki p;
	CHECK(tp_pki_new(&p, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -60, 86400L * 365));
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL && csra_verifier_add_trust(v, p.root) == CSRA_OK);
	EVP_PKEY *weak_key = fermat_key(), *good_key = tp_key("RSA", "3072");
	CHECK(weak_key != NULL && good_key != NULL);
	for (int crmf = 0; crmf < 2; crmf++) {
		for (int w = 0; w < 2; w++) {
			EVP_PKEY *key = w ? weak_key : good_key;
			size_t elen = 0, len = 0;
			uint8_t *der;
			if (crmf) {
				der = crmf_for(&p, key, &len);
			} else {
				uint8_t *ev = evidence_for(&p, key, &elen);
				der = ev ? tp_attested_csr(key, "weak", ev, elen, &len) : NULL;
				free(ev);
			}
			CHECK(der != NULL);
			csra_result *r = NULL;
			CHECK(csra_verify_request(v, der, len, NULL, 0, &r) == CSRA_OK);
			free(der);
			const char *path = "";
			long i = csra_result_find(r, "key.weak.fermat", CSRA_ERR_WEAK_FERMAT);
			if (i >= 0)
				csra_result_check(r, (size_t)i, NULL, NULL, NULL, NULL, &path);
			int ok = w ? i >= 0 && csra_result_verdict(r) == CSRA_VERDICT_REJECTED &&
			    strcmp(path, crmf ? "[0].certReq.certTemplate.publicKey" :
			    "certificationRequestInfo.subjectPKInfo") == 0
			    : i < 0 && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED &&
			    csra_result_find(r, "key.weak", CSRA_OK) >= 0;
			if (!ok) {
				fprintf(stderr, "  crmf %d weak %d: verdict %d\n", crmf, w, csra_result_verdict(r));
				dump(r);
			}
			csra_result_free(&r);
			CHECK(ok);
		}
	}
	EVP_PKEY_free(weak_key);
	EVP_PKEY_free(good_key);
	csra_verifier_free(&v);
	tp_pki_free(&p);
	return 1;
}

int main(void)
{
	V = csra_verifier_new();
	if (V == NULL || csra_verifier_set_chain_cache(V, 0) != CSRA_OK)
		return 1;
	static const tu_test tests[] = {
		TU(test_roca_constructed),
		TU(test_fermat_close_primes),
		TU(test_small_factors),
		TU(test_exponent),
		TU(test_ec_point),
		TU(test_ec_compressed),
		TU(test_fresh_keys_pass),
		TU(test_skips),
		TU(test_once_per_key),
		TU(test_shared_vectors),
		TU(test_yubikey_request_rejected),
		TU(test_request_rejected),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	csra_verifier_free(&V);
	return rc;
}
