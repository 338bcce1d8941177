/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csra_signer_sign with each of OpenSSL's allocations failing in turn.
 * OpenSSL 3.0's ECDSA signing reports success with a length of
 * (unsigned)-1 when the DER signature cannot be made (ossl_ecdsa_sign
 * stores i2d_ECDSA_SIG's -1; seven of the points below do). The signer
 * then verified that many bytes of its buffer: only the verification's
 * own DER parse kept it inside, so no run crashed or failed before the
 * length was checked. What this asserts is the contract: a signature that
 * verifies, or an error, under every single allocation failure. Its own
 * program: OpenSSL's allocator is set before OpenSSL allocates anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "csrattest/signer.h"
#include "testutil.h"

/* The allocation that fails: the |fail_at|-th after arming (0: none). */
static long armed, fail_at, hit;

static void *t_malloc(size_t n, const char *file, int line)
{
	(void)file, (void)line;
	if (fail_at != 0 && ++armed == fail_at) {
		hit = 1;
		return NULL;
	}
	return malloc(n);
}

static void *t_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file, (void)line;
	if (fail_at != 0 && ++armed == fail_at) {
		hit = 1;
		return NULL;
	}
	return realloc(p, n);
}

static void t_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	free(p);
}

/* Every allocation of one P-256 signature fails in turn: each call either
 * signs (and the signature verifies) or fails with an error, never with
 * a length past what the signer allocated. */
static int test_each_allocation_fails(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	CHECK(key != NULL);
	csra_signer *s = csra_signer_new_pkey(key);
	CHECK(s != NULL);
	static const uint8_t msg[] = "TbsEvidence stand-in";
	long k, failed = 0, signed_ok = 0;
	for (k = 1; k < 2000; k++) {
		uint8_t *alg = NULL, *sig = NULL;
		size_t alg_len = 0, sig_len = 0;
		armed = 0, hit = 0, fail_at = k;
		csra_err e = csra_signer_sign(s, msg, sizeof(msg), &alg, &alg_len, &sig, &sig_len);
		fail_at = 0;
		if (e == CSRA_OK) {
			CHECK(sig != NULL && sig_len > 0 && sig_len <= 72 && alg != NULL);
			EVP_MD_CTX *ctx = EVP_MD_CTX_new();
			CHECK(ctx != NULL);
			int v = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
			    EVP_DigestVerify(ctx, sig, sig_len, msg, sizeof(msg)) == 1;
			EVP_MD_CTX_free(ctx);
			CHECK(v);
			signed_ok++;
		} else {
			CHECK(sig == NULL && alg == NULL);
			failed++;
		}
		free(alg);
		free(sig);
		if (!hit)
			break;	/* every allocation has failed once */
	}
	printf("# %ld allocation(s) failed in turn: %ld signed, %ld refused\n", k - 1, signed_ok, failed);
	CHECK(k > 1 && k < 2000 && failed > 0);
	csra_signer_free(&s);
	EVP_PKEY_free(key);
	return 1;
}

int main(void)
{
	if (CRYPTO_set_mem_functions(t_malloc, t_realloc, t_free) != 1) {
		fprintf(stderr, "OpenSSL allocated before the test could set its allocator\n");
		return 1;
	}
	const tu_test cases[] = {
		TU(test_each_allocation_fails),
	};
	return tu_run(cases, sizeof(cases) / sizeof(cases[0]));
}
