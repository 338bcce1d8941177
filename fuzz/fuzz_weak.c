/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Known-weak-key checks (csra_weak.c) on arbitrary SubjectPublicKeyInfo
 * bytes. Checks: only the known check names, each failure with its own
 * code, at most one "key.weak" summary, printable non-empty messages at
 * the given path; the return value is 1 exactly when no check failed; a
 * second verifier with a cache gives the same record when it computes and
 * when it looks up; an EC key OpenSSL imports on P-256/384/521 from an
 * uncompressed or compressed point is never called off its curve; out of
 * memory only after an injected allocation failure.
 */
#include <string.h>

#include "csra_span.h"
#include "csra_verify_int.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"

static csra_verifier *v_nocache, *v_cache;

void fuzz_init(void)
{
	v_nocache = csra_verifier_new();
	v_cache = csra_verifier_new();
	if (v_nocache == NULL || v_cache == NULL || csra_verifier_set_chain_cache(v_nocache, 0) != CSRA_OK)
		fuzz_fail("no verifiers", NULL);
}

static const struct {
	const char *name;
	csra_err code;
} known[] = {
	{ "key.weak.roca", CSRA_ERR_WEAK_ROCA },
	{ "key.weak.fermat", CSRA_ERR_WEAK_FERMAT },
	{ "key.weak.small-factor", CSRA_ERR_WEAK_SMALL_FACTOR },
	{ "key.weak.exponent", CSRA_ERR_WEAK_EXPONENT },
	{ "key.weak.ec-point", CSRA_ERR_WEAK_EC_POINT },
	{ "key.weak.ec-subgroup", CSRA_ERR_WEAK_EC_SUBGROUP },
};

static int printable(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static void check_record(const csra_result *r, int ret)
{
	size_t summaries = 0;
	int failed = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err code;
		csra_result_check(r, i, &name, &st, &code, &msg, &path);
		if (!printable(msg) || strcmp(path, "spki") != 0)
			fuzz_fail("a check without a printable message or at another path", name);
		if (strcmp(name, "key.weak") == 0) {
			summaries++;
			if (code != CSRA_OK || (st != CSRA_STATUS_PASS && st != CSRA_STATUS_SKIP))
				fuzz_fail("the summary is not a pass or a skip", msg);
			continue;
		}
		size_t k = 0;
		while (k < sizeof(known) / sizeof(known[0]) && strcmp(known[k].name, name) != 0)
			k++;
		if (k == sizeof(known) / sizeof(known[0]))
			fuzz_fail("an unknown check", name);
		if (st != CSRA_STATUS_FAIL || code != known[k].code)
			fuzz_fail("a weak-key check that is not a failure with its code", name);
		failed = 1;
	}
	if (summaries > 1)
		fuzz_fail("more than one key.weak summary", NULL);
	if (ret != !failed)
		fuzz_fail("the return value disagrees with the checks", NULL);
}

static void same_record(const csra_result *a, const csra_result *b)
{
	if (csra_result_check_count(a) != csra_result_check_count(b))
		fuzz_fail("the cached outcome records other checks", NULL);
	for (size_t i = 0; i < csra_result_check_count(a); i++) {
		const char *n1, *n2;
		char m1[512], m2[512];	/* formatted here: no allocation to fail */
		csra_status s1, s2;
		csra_err c1, c2;
		csra_result_check(a, i, &n1, &s1, &c1, NULL, NULL);
		csra_result_check(b, i, &n2, &s2, &c2, NULL, NULL);
		if (csra_result_check_message(a, i, m1, sizeof(m1)) < 0 ||
		    csra_result_check_message(b, i, m2, sizeof(m2)) < 0)
			fuzz_fail("csra_result_check_message refuses an index below the count", n1);
		if (strcmp(n1, n2) != 0 || s1 != s2 || c1 != c2 || strcmp(m1, m2) != 0)
			fuzz_fail("the cached outcome differs", n1);
	}
}

/* Runs the check with |v|; NULL when memory ran out (after an injected
 * failure only). */
static csra_result *check(const csra_verifier *v, const uint8_t *data, size_t size, int *ret)
{
	unsigned long injected = fuzz_alloc_injected();
	csra_result *r = csra_result_new();
	if (r == NULL)
		return NULL;
	*ret = csra_weak_key_check(v, data, size, r, "spki", NULL);
	if (r->nomem) {
		if (fuzz_alloc_injected() == injected)
			fuzz_fail("out of memory without a failed allocation", NULL);
		csra_result_free(&r);
		return NULL;
	}
	check_record(r, *ret);
	return r;
}

/* The first octet of the key in the SPKI's BIT STRING, or -1. */
static int point_form(const uint8_t *data, size_t size)
{
	struct span top, bits;
	if (!span_at(data, data + size, &top) || !span_child(&top, 1, &bits) || bits.clen < 2 ||
	    bits.c[0] != 0x00)
		return -1;
	return bits.c[1];
}

int fuzz_one(const uint8_t *data, size_t size)
{
	int ret = 0, ret2 = 0;
	csra_result *r = check(v_nocache, data, size, &ret);
	if (r == NULL)
		return 0;
	/* Twice through the cache: computed (or found, from an earlier
	 * input), then found. */
	for (int k = 0; k < 2; k++) {
		csra_result *c = check(v_cache, data, size, &ret2);
		if (c != NULL) {
			same_record(r, c);
			if (ret2 != ret)
				fuzz_fail("the cached outcome returns otherwise", NULL);
		}
		csra_result_free(&c);
	}
	/* OpenSSL's import refuses points off the curve: what it takes from
	 * an uncompressed or compressed point is on it. */
	unsigned long injected = fuzz_alloc_injected();
	EVP_PKEY *k = csra_spki_named_curve(data, size) != NULL ? csra_spki_pkey(NULL, data, size) : NULL;
	int form = point_form(data, size);
	if (k != NULL && (form == 0x02 || form == 0x03 || form == 0x04) &&
	    csra_result_has_failure(r, CSRA_ERR_WEAK_EC_POINT) && fuzz_alloc_injected() == injected)
		fuzz_fail("a point OpenSSL imports is reported off its curve", NULL);
	EVP_PKEY_free(k);
	csra_result_free(&r);
	return 0;
}
