/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csra_attestation: attestations given as several files. The object's
 * setters and their refusals; the verification entry points taking it
 * agree with the one-file ones; the format is detected from any part; a
 * part a one-file format does not read fails the attestation
 * (CSRA_ERR_FMT_PART_UNUSED) instead of being ignored; parts two formats
 * claim are ambiguous. Shared Thales Luna and YubiHSM 2 samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testutil.h"

#define LUNA "vectors/vendors/thales-luna/"
#define HSM "vectors/vendors/yubihsm2/niklasgillstrom-hsm/"
#define T_2026 ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf != NULL ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	*len = n;
	return buf;
}

/* The one check |name| of statement |s|: its code and path. */
static int stmt_check(const csra_result *s, const char *name, csra_status *st, csra_err *code, const char **path,
    const char **msg)
{
	int found = 0;
	for (size_t i = 0; i < csra_result_check_count(s); i++) {
		const char *n;
		csra_result_check(s, i, &n, NULL, NULL, NULL, NULL);
		if (strcmp(n, name) == 0 && found++ == 0)
			csra_result_check(s, i, NULL, st, code, msg, path);
	}
	return found;
}

static csra_attestation *att(const uint8_t *const *parts, const size_t *lens, size_t n, const char *format)
{
	csra_attestation *a = csra_attestation_new();
	for (size_t i = 0; a != NULL && i < n; i++)
		if (csra_attestation_add_part(a, parts[i], lens[i]) != CSRA_OK)
			csra_attestation_free(&a);
	if (a != NULL && csra_attestation_set_format(a, format) != CSRA_OK)
		csra_attestation_free(&a);
	return a;
}

static int test_setters(void)
{
	static const uint8_t b[3] = { 1, 2, 3 };
	csra_attestation *a = csra_attestation_new();
	CHECK(a != NULL);
	CHECK(csra_attestation_part_count(a) == 0);
	CHECK(csra_attestation_add_part(NULL, b, 3) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attestation_add_part(a, NULL, 3) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attestation_add_part(a, b, 0) == CSRA_ERR_INVALID_ARGUMENT);
	for (size_t i = 0; i < CSRA_ATTESTATION_MAX_PARTS; i++)
		CHECK(csra_attestation_add_part(a, b, 1 + i % 3) == CSRA_OK);
	CHECK(csra_attestation_add_part(a, b, 3) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attestation_part_count(a) == CSRA_ATTESTATION_MAX_PARTS);
	size_t len = 0;
	const uint8_t *p = csra_attestation_part(a, 1, &len);
	CHECK(p != NULL && len == 2 && p != b && memcmp(p, b, 2) == 0);	/* a copy */
	CHECK(csra_attestation_part(a, CSRA_ATTESTATION_MAX_PARTS, &len) == NULL);
	CHECK(csra_attestation_set_format(a, "securosys-primus") == CSRA_OK);
	CHECK(csra_attestation_set_format(a, "a-name-of-thirty-two-characters!") == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_attestation_set_format(a, NULL) == CSRA_OK);
	CHECK(csra_attestation_set_format(NULL, NULL) == CSRA_ERR_INVALID_ARGUMENT);
	csra_attestation_free(&a);
	CHECK(a == NULL);
	csra_attestation_free(&a);
	csra_attestation_free(NULL);
	CHECK(csra_attestation_part_count(NULL) == 0);
	return 1;
}

static int test_bad_lists(void)
{
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	csra_result *r = (csra_result *)1;
	static const uint8_t spki[4] = { 0x30, 0x02, 0x05, 0x00 };
	CHECK(csra_verify_attestations_with(v, NULL, 0, NULL, 0, NULL, 1, &r) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(r == NULL);
	csra_attestation *empty = csra_attestation_new();
	const csra_attestation *atts[2] = { empty, NULL };
	CHECK(csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 0, &r) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verify_attestations_with(v, spki, sizeof(spki), NULL, 0, atts, 1, &r) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(r == NULL);
	CHECK(csra_verify_request_with(v, spki, sizeof(spki), NULL, 0, atts, 1, &r) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_verify_request_with(v, spki, sizeof(spki), NULL, 0, NULL, 1, &r) == CSRA_ERR_INVALID_ARGUMENT);
	csra_attestation_free(&empty);
	csra_verifier_free(&v);
	return 1;
}

/* One part: the same outcome through either entry point. */
static int test_one_part_same(void)
{
	size_t clen = 0, plen = 0;
	uint8_t *csr = NULL, *pkc = slurp(LUNA "ecc-pkc.p7b", &plen);
	CHECK(tu_shared_der(LUNA "ecc-test.csr", &csr, &clen) && pkc != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	csra_verifier_set_time(v, T_2026);
	const uint8_t *files[1] = { pkc };
	csra_result *r1 = NULL, *r2 = NULL;
	CHECK(csra_verify_request_ex(v, csr, clen, NULL, 0, files, &plen, NULL, 1, &r1) == CSRA_OK);
	csra_attestation *a = att(files, &plen, 1, NULL);
	const csra_attestation *atts[1] = { a };
	CHECK(a != NULL && csra_verify_request_with(v, csr, clen, NULL, 0, atts, 1, &r2) == CSRA_OK);
	CHECK(csra_result_statement_count(r1) == 1 && csra_result_statement_count(r2) == 1);
	CHECK(csra_result_statement_verified(r2, 0) && csra_result_statement_bound(r2, 0));
	CHECK(csra_result_verdict(r1) == csra_result_verdict(r2));
	CHECK(csra_result_check_count(csra_result_statement(r1, 0)) ==
	    csra_result_check_count(csra_result_statement(r2, 0)));
	csra_result_free(&r1);
	csra_result_free(&r2);
	csra_attestation_free(&a);
	csra_verifier_free(&v);
	free(csr);
	free(pkc);
	return 1;
}

/* A part the one-file format does not read: refused, whichever part the
 * format was detected from; never silently ignored. */
static int test_unread_part(void)
{
	size_t clen = 0, plen = 0;
	uint8_t *csr = NULL, *pkc = slurp(LUNA "ecc-pkc.p7b", &plen);
	CHECK(tu_shared_der(LUNA "ecc-test.csr", &csr, &clen) && pkc != NULL);
	static const uint8_t junk[5] = "junk";
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	csra_verifier_set_time(v, T_2026);
	for (int named = 0; named < 2; named++) {
		const uint8_t *parts[2] = { junk, pkc };
		size_t lens[2] = { sizeof(junk), plen };
		csra_attestation *a = att(parts, lens, 2, named ? "thales-luna" : NULL);
		const csra_attestation *atts[1] = { a };
		csra_result *r = NULL;
		CHECK(a != NULL && csra_verify_request_with(v, csr, clen, NULL, 0, atts, 1, &r) == CSRA_OK);
		CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		const csra_result *s = csra_result_statement(r, 0);
		CHECK(!csra_result_statement_verified(r, 0) && !csra_result_statement_bound(r, 0));
		csra_status st;
		csra_err code;
		const char *path, *msg;
		CHECK(stmt_check(s, "attestation.format", &st, &code, &path, &msg) == 1);
		CHECK(st == CSRA_STATUS_PASS);
		CHECK(named || strstr(msg, "detected from part 2 of 2") != NULL);
		CHECK(stmt_check(s, "attestation.parts", &st, &code, &path, &msg) == 1);
		CHECK(st == CSRA_STATUS_FAIL && code == CSRA_ERR_FMT_PART_UNUSED && strcmp(path, "parts[0]") == 0);
		CHECK(stmt_check(s, "ak.chain", &st, &code, &path, &msg) == 0);	/* not verified at all */
		csra_result_free(&r);
		csra_attestation_free(&a);
	}
	csra_verifier_free(&v);
	free(csr);
	free(pkc);
	return 1;
}

/* Parts two formats each claim: ambiguous, whatever their order. */
static int test_two_formats(void)
{
	size_t plen = 0, hlen = 0;
	uint8_t *pkc = slurp(LUNA "ecc-pkc.p7b", &plen), *chain = slurp(HSM "chain.pem", &hlen);
	CHECK(pkc != NULL && chain != NULL);
	csra_verifier *v = csra_verifier_new();
	CHECK(v != NULL);
	csra_verifier_set_time(v, T_2026);
	for (int order = 0; order < 2; order++) {
		const uint8_t *parts[2] = { order ? chain : pkc, order ? pkc : chain };
		size_t lens[2] = { order ? hlen : plen, order ? plen : hlen };
		csra_attestation *a = att(parts, lens, 2, NULL);
		const csra_attestation *atts[1] = { a };
		csra_result *r = NULL;
		CHECK(a != NULL && csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 1, &r) == CSRA_OK);
		csra_status st;
		csra_err code;
		const char *path, *msg;
		CHECK(stmt_check(csra_result_statement(r, 0), "attestation.format", &st, &code, &path, &msg) == 1);
		CHECK(st == CSRA_STATUS_FAIL && code == CSRA_ERR_FMT_AMBIGUOUS);
		CHECK(strstr(msg, "yubihsm2") != NULL && strstr(msg, "thales-luna") != NULL);
		CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		csra_result_free(&r);
		csra_attestation_free(&a);
	}
	csra_verifier_free(&v);
	free(pkc);
	free(chain);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_setters),
		TU(test_bad_lists),
		TU(test_one_part_same),
		TU(test_unread_part),
		TU(test_two_formats),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
