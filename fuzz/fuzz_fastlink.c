/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The explicit link check (csra_fastlink.h) against OpenSSL: the fuzzer
 * makes a leaf, both judge it under one fixed issuer (the harness PKI's
 * intermediate, a partial-chain anchor as csra_issuer_path makes it), and
 * an ACCEPT where OpenSSL refuses aborts.
 *
 * Input: the first byte chooses. Its low bit even: the rest is a
 * TBSCertificate, which the harness signs with the issuer's key
 * (ecdsa-with-SHA256, the outer algorithm fixed), so that mutations reach
 * every rule past the signature; odd: the rest is a whole certificate,
 * as is. The other bits choose the verification time: FUZZ_T0, or one
 * second of the seeds' validity boundaries (the issuer is valid longer),
 * so that a one-bit change moves a leaf across them.
 *
 * With the high bit of the first byte set, the full path instead
 * (csra_fastlink_path): two more bytes give the length N of an
 * intermediate's TBSCertificate, the N bytes after them are that TBS
 * (signed by the harness PKI's root key, the anchor, alone in the
 * store), the rest is the leaf's TBS (signed by the intermediate's key);
 * an ACCEPT where X509_verify_cert (the intermediate untrusted, no
 * partial chain) refuses aborts.
 *
 * Whenever this module's facts of a certificate (csra_fastlink_read_facts)
 * are known, they must equal OpenSSL's reading (fl_facts_diff), or the
 * run aborts.
 *
 * In alloc-fail mode an armed run's ACCEPT must also have been the normal
 * run's, with OpenSSL accepting there: a failed allocation may only make
 * the check defer.
 *
 * CSRA_FASTLINK_SEEDGEN=DIR in the environment writes the seeds (leaves
 * of the harness PKI) to DIR and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/fastlink_diff.h"
#include "csra_verify_int.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"
#include "testpki.h"

/* FUZZ_T0, then both sides of the seed leaves' notBefore and notAfter. */
static const time_t times[] = { FUZZ_T0, FUZZ_NOT_BEFORE - 1, FUZZ_NOT_BEFORE, FUZZ_NOT_AFTER - 1, FUZZ_NOT_AFTER };
#define NTIMES (sizeof(times) / sizeof(times[0]))
static fl_env env[NTIMES];
static fl_penv penv[NTIMES];
static int ready;

/* ecdsa-with-SHA256, no parameters. */
static const uint8_t ALG[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };

static size_t put_len(uint8_t *out, size_t n)
{
	if (n < 128) {
		out[0] = (uint8_t)n;
		return 1;
	}
	if (n < 256) {
		out[0] = 0x81, out[1] = (uint8_t)n;
		return 2;
	}
	out[0] = 0x82, out[1] = (uint8_t)(n >> 8), out[2] = (uint8_t)n;
	return 3;
}

/* The certificate of |tbs| signed by |key| (malloc'd). */
static uint8_t *sign_tbs(EVP_PKEY *key, const uint8_t *tbs, size_t tl, size_t *len)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t sig[160];
	size_t sl = sizeof(sig);
	uint8_t *out = NULL;
	/* OpenSSL 3.0's ECDSA signing reports success with a length of
	 * (unsigned)-1 when i2d_ECDSA_SIG cannot allocate (ossl_ecdsa_sign):
	 * the length is checked, not trusted. */
	if (m == NULL || EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(m, sig, &sl, tbs, tl) != 1 || sl == 0 || sl > sizeof(sig))
		goto out;
	/* SEQUENCE { tbs, ALG, BIT STRING { 00, sig } }, lengths of at most
	 * three octets (the input is at most 16 KiB). */
	size_t body = tl + sizeof(ALG) + 1 + 3 + 1 + sl;
	if ((out = malloc(body + 4)) == NULL)
		goto out;
	uint8_t hdr[4];
	size_t bits = 1 + sl, blen = 1 + put_len(hdr, bits) + bits;
	size_t inner = tl + sizeof(ALG) + blen, o = 0;
	out[o++] = 0x30;
	o += put_len(out + o, inner);
	memcpy(out + o, tbs, tl);
	o += tl;
	memcpy(out + o, ALG, sizeof(ALG));
	o += sizeof(ALG);
	out[o++] = 0x03;
	o += put_len(out + o, bits);
	out[o++] = 0x00;
	memcpy(out + o, sig, sl);
	o += sl;
	*len = o;
out:
	EVP_MD_CTX_free(m);
	return out;
}

static void write_seed(const char *dir, const char *name, uint8_t mode, const uint8_t *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(&mode, 1, 1, f) != 1 || fwrite(p, 1, n, f) != n)
		fprintf(stderr, "fuzz_fastlink: cannot write %s\n", path);
	if (f != NULL)
		fclose(f);
}

/* Leaves of the harness PKI, whole (odd first byte) and as TBS (even). */
static void seedgen(const char *dir, X509 *inter)
{
	unsigned char *it = NULL;
	int itn = i2d_re_X509_tbs(inter, &it);
	if (itn <= 0 || itn > 0xffff) {
		OPENSSL_free(it);
		it = NULL;
	}
	time_t now = time(NULL);
	long from = (long)(FUZZ_NOT_BEFORE - now), to = (long)(FUZZ_NOT_AFTER - now);
	static const struct {
		const char *name, *alg, *param;
		unsigned flags;
	} s[] = {
		{ "ak-p256", "EC", "P-256", TP_DIGSIG | TP_EKU_AK },
		{ "ak-p384-no-ski", "EC", "P-384", TP_DIGSIG | TP_NO_SKI },
		{ "tpm-ak-rsa", "RSA", "2048", TP_DIGSIG | TP_EKU_TPM_AK },
		{ "ca-leaf", "EC", "P-256", TP_CA },
		{ "ed25519", "ED25519", NULL, TP_EKU_CODESIGN },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		EVP_PKEY *k = tp_key(s[i].alg, s[i].param);
		X509 *x = k ? tp_cert(s[i].name, k, inter, fuzz_key(FUZZ_KEY_INTER), s[i].flags, from, to) : NULL;
		unsigned char *der = NULL, *tbs = NULL;
		int n = x ? i2d_X509(x, &der) : -1, tn = x ? i2d_re_X509_tbs(x, &tbs) : -1;
		if (n > 0 && tn > 0) {
			char name[64];
			const char *why = NULL;
			snprintf(name, sizeof(name), "%s.cert", s[i].name);
			write_seed(dir, name, 1, der, (size_t)n);
			snprintf(name, sizeof(name), "%s.tbs", s[i].name);
			write_seed(dir, name, 0, tbs, (size_t)tn);
			/* The first leaf at each boundary time too. */
			for (uint8_t t = 1; i == 0 && t < NTIMES; t++) {
				snprintf(name, sizeof(name), "%s.tbs.time%u", s[i].name, (unsigned)t);
				write_seed(dir, name, (uint8_t)(t << 1), tbs, (size_t)tn);
			}
			/* The full path: this leaf under the intermediate. */
			for (uint8_t t = 0; i == 0 && it != NULL && t < NTIMES; t++) {
				size_t pl = 3 + (size_t)itn + (size_t)tn;
				uint8_t *p = malloc(pl);
				if (p == NULL)
					continue;
				p[0] = (uint8_t)(0x80 | (t << 1));
				p[1] = (uint8_t)(itn >> 8);
				p[2] = (uint8_t)itn;
				memcpy(p + 3, it, (size_t)itn);
				memcpy(p + 3 + itn, tbs, (size_t)tn);
				snprintf(name, sizeof(name), "path-%s.time%u", s[i].name, (unsigned)t);
				write_seed(dir, name, p[0], p + 1, pl - 1);
				free(p);
			}
			if (i == 0) {
				unsigned char *ider = NULL;
				int il = i2d_X509(inter, &ider);
				const char *pw = NULL;
				int pf = il > 0 ? (int)fl_path_fast(&penv[0], der, (size_t)n, ider, (size_t)il, &pw) : 0;
				printf("path %s: %s%s%s, OpenSSL %s\n", s[i].name, pf ? "ACCEPT" : "DEFER", pw ? ": " : "",
				    pw ? pw : "", il > 0 && fl_path_oracle(&penv[0], der, (size_t)n, ider, (size_t)il) == 1 ?
				    "OK" : "refuses");
				OPENSSL_free(ider);
			}
			int f = (int)fl_fast(&env[0], der, (size_t)n, &why);
			printf("%s: %s%s%s, OpenSSL %s\n", s[i].name, f ? "ACCEPT" : "DEFER", why ? ": " : "",
			    why ? why : "", fl_oracle(&env[0], der, (size_t)n) == 1 ? "OK" : "refuses");
		}
		OPENSSL_free(der);
		OPENSSL_free(tbs);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	OPENSSL_free(it);
}

void fuzz_init(void)
{
	/* The intermediate with fuzz_cert's name and key, valid from 2020 to
	 * 2050: wider than the leaves, so that their boundaries are met with
	 * the issuer valid. */
	X509 *root = fuzz_cert(FUZZ_KEY_ROOT, NULL);
	time_t now = time(NULL);
	X509 *inter = root ? tp_cert("csrattest fuzz intermediate", fuzz_key(FUZZ_KEY_INTER), root,
	    fuzz_key(FUZZ_KEY_ROOT), TP_CA, (long)((time_t)1577836800 - now), (long)((time_t)2524608000 - now)) : NULL;
	ready = inter != NULL;
	for (size_t i = 0; ready && i < NTIMES; i++)
		ready = fl_env_init(&env[i], inter, times[i], 0) && fl_penv_init(&penv[i], root, NULL, times[i], 0);
	const char *dir = getenv("CSRA_FASTLINK_SEEDGEN");
	if (ready && dir != NULL) {
		seedgen(dir, inter);
		exit(0);
	}
	X509_free(inter);
	X509_free(root);
	if (!ready) {
		fprintf(stderr, "fuzz_fastlink: cannot set up the issuer\n");
		abort();
	}
}

/* The normal run's verdicts, for the armed run of the same input. */
static int last_fast, last_oracle;

static void facts_same(const uint8_t *der, size_t len)
{
	const char *what = NULL;
	if (fl_facts_diff(env[0].v, der, len, &what) == 0) {
		fprintf(stderr, "fuzz_fastlink: facts differ from OpenSSL's: %s\n", what);
		abort();
	}
}

/* Both verdicts, compared; |f| the explicit one, |oracle| runs OpenSSL. */
static void compare(int f, int armed, int (*oracle)(const void *), const void *arg)
{
	if (!armed) {
		int o = oracle(arg);
		last_fast = f, last_oracle = o;
		if (f == CSRA_FASTLINK_ACCEPT && o != 1) {
			fprintf(stderr, "fuzz_fastlink: ACCEPT where OpenSSL %s\n", o == 0 ? "refuses" : "ran out of memory");
			abort();
		}
	} else if (f == CSRA_FASTLINK_ACCEPT && (last_fast != CSRA_FASTLINK_ACCEPT || last_oracle != 1)) {
		fprintf(stderr, "fuzz_fastlink: ACCEPT with an allocation failing, not without\n");
		abort();
	} else {
		/* The oracle's error paths, under failing allocations too. */
		(void)oracle(arg);
	}
}

struct one {
	const fl_env *e;
	const fl_penv *pe;
	const uint8_t *der, *ider;
	size_t len, ilen;
};

static int link_oracle(const void *arg)
{
	const struct one *x = arg;
	return fl_oracle(x->e, x->der, x->len);
}

static int path_oracle(const void *arg)
{
	const struct one *x = arg;
	return fl_path_oracle(x->pe, x->der, x->len, x->ider, x->ilen);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	size_t t = ((data[0] & 0x7f) >> 1) % NTIMES;
	int armed = fuzz_alloc_armed();
	const char *why = NULL;
	struct one x = { &env[t], &penv[t], NULL, NULL, 0, 0 };
	uint8_t *der = NULL, *ider = NULL;
	if (data[0] & 0x80) {
		size_t n = size >= 3 ? (size_t)data[1] << 8 | data[2] : 0;
		if (size < 3 || n > size - 3)
			return 0;
		if ((ider = sign_tbs(fuzz_key(FUZZ_KEY_ROOT), data + 3, n, &x.ilen)) == NULL ||
		    (der = sign_tbs(fuzz_key(FUZZ_KEY_INTER), data + 3 + n, size - 3 - n, &x.len)) == NULL)
			goto out;
		x.der = der, x.ider = ider;
		int f = (int)fl_path_fast(x.pe, der, x.len, ider, x.ilen, &why);
		if (!armed) {
			facts_same(ider, x.ilen);
			facts_same(der, x.len);
		}
		compare(f, armed, path_oracle, &x);
		goto out;
	}
	size_t len = size - 1;
	if (data[0] & 1) {
		if ((der = malloc(len ? len : 1)) == NULL)
			return 0;
		memcpy(der, data + 1, len);
	} else if ((der = sign_tbs(fuzz_key(FUZZ_KEY_INTER), data + 1, len, &len)) == NULL) {
		return 0;
	}
	x.der = der, x.len = len;
	int f = (int)fl_fast(x.e, der, len, &why);
	if (!armed)
		facts_same(der, len);
	compare(f, armed, link_oracle, &x);
out:
	free(der);
	free(ider);
	return 0;
}
