/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The whole CSR verifier, as a CA runs it: an options header picks one of
 * four fixed verifiers (policy, trust), a nonce, the time and switches
 * (fuzz_vr.h), the rest is the request. The verifiers trust a fixed root
 * (fuzz/fixtures/root.der) whose key the committed seeds' chains lead to,
 * so that mutations start from requests that verify, not from ones that
 * die at the first signature.
 *
 * Checks: the call's contract; a VERIFIED verdict only with the request's
 * own signature, an attestation and a statement bound to the request key
 * that the policy accepted; every message and path printable ASCII (they
 * reach operators' terminals); the JSON report is JSON. The chain caches
 * start empty for every input, and a second run with them warm must give
 * the same report, and so must a twin verifier that leaves every path to
 * OpenSSL (no explicit link check). In alloc-fail mode the armed run may fail, with
 * CSRA_ERR_NOMEM, or reject, but never verify what the normal run did
 * not, and with no allocation failed it must give the same report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"
#include "fuzz_vr.h"

#define MAX_STMTS 64

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	if (root == NULL || !fvr_setup(root))
		fuzz_fail("cannot set up the fixed verifiers", NULL);
	X509_free(root);
}

/* The normal run's outcome, for the armed run to be compared with. */
static struct {
	int have;
	csra_err rc;
	csra_verdict verdict;
	size_t nstmts;
	int bound[MAX_STMTS];
	csra_verdict stmt_verdict[MAX_STMTS];
	char *json;
} ref;

static void ref_clear(void)
{
	free(ref.json);
	memset(&ref, 0, sizeof(ref));
}

static void printable(const char *s, const char *what)
{
	if (s == NULL)
		fuzz_fail("a check string is NULL", what);
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
			fprintf(stderr, "%s: byte 0x%02x\n", what, (unsigned char)*s);
			fuzz_fail("a check's text is not printable ASCII", what);
		}
}

/* Checks every string of |r| and its statements; returns whether a check
 * named |name| has status |st|. */
static int walk(const csra_result *r, const char *name, csra_status st)
{
	int found = 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n, *msg, *path;
		csra_status s;
		csra_err code;
		if (!csra_result_check(r, i, &n, &s, &code, &msg, &path))
			fuzz_fail("csra_result_check refuses an index below the count", NULL);
		printable(n, "name");
		printable(msg, n);
		printable(path, n);
		if ((s == CSRA_STATUS_PASS) != (code == CSRA_OK) && s != CSRA_STATUS_WARN &&
		    s != CSRA_STATUS_SKIP)
			fuzz_fail("a check's status and code disagree", n);
		found |= strcmp(n, name) == 0 && s == st;
	}
	for (size_t i = 0; i < csra_result_statement_count(r); i++)
		walk(csra_result_statement(r, i), "", CSRA_STATUS_PASS);
	return found;
}

static void check_result(const csra_result *r)
{
	csra_verdict v = csra_result_verdict(r);
	if (v != CSRA_VERDICT_VERIFIED && v != CSRA_VERDICT_REJECTED && v != CSRA_VERDICT_MALFORMED)
		fuzz_fail("unknown verdict", NULL);
	walk(r, "", CSRA_STATUS_PASS);
	if ((v == CSRA_VERDICT_VERIFIED) == fuzz_has_fail(r))
		fuzz_fail("the verdict does not follow the checks", NULL);
	size_t n = csra_result_statement_count(r), bound = 0;
	for (size_t i = 0; i < n; i++) {
		const csra_result *s = csra_result_statement(r, i);
		if (s == NULL)
			fuzz_fail("a statement result is missing", NULL);
		if (csra_result_statement_bound(r, i)) {
			bound++;
			/* Only freshness may fail beside a verified binding: it
			 * is the policy's business, not the verifier's. */
			for (size_t k = 0; k < csra_result_check_count(s); k++) {
				const char *cn;
				csra_status cs;
				csra_result_check(s, k, &cn, &cs, NULL, NULL, NULL);
				if (cs == CSRA_STATUS_FAIL && strcmp(cn, "freshness.nonce") != 0)
					fuzz_fail("a statement is bound but its own result is not verified", cn);
			}
		}
		if (csra_result_statement_bound(r, i) && !csra_result_statement_verified(r, i))
			fuzz_fail("a statement is bound but not verified", NULL);
		if ((csra_result_verdict(s) == CSRA_VERDICT_UNKNOWN) !=
		    (csra_result_find(s, "statement.type", CSRA_ERR_STMT_UNKNOWN_TYPE) >= 0))
			fuzz_fail("a statement of a known type is unknown, or the reverse", NULL);
		/* Every statement says what became of its freshness. */
		int fresh = 0;
		for (size_t k = 0; k < csra_result_check_count(s); k++) {
			const char *cn;
			csra_result_check(s, k, &cn, NULL, NULL, NULL, NULL);
			fresh += strcmp(cn, "freshness.nonce") == 0;
		}
		if (fresh != 1)
			fuzz_fail("a statement without exactly one freshness.nonce check", NULL);
		/* The accessors, for what they read. */
		for (size_t k = 0; k < csra_result_key_count(s); k++) {
			csra_claim_value cv;
			csra_result_key_claim(s, k, CSRA_CLAIM_KEY_SPKI, &cv);
		}
		for (size_t k = 0; k < csra_result_signer_count(s); k++) {
			STACK_OF(X509) *chain = csra_result_signer_chain(s, k);
			for (int c = 0; chain != NULL && c < sk_X509_num(chain); c++)
				if (sk_X509_value(chain, c) == NULL)
					fuzz_fail("a signer chain holds NULL", NULL);
			csra_result_signer_trusted(s, k);
		}
	}
	if (csra_result_statement(r, n) != NULL || csra_result_statement_bound(r, n))
		fuzz_fail("a statement past the count", NULL);
	if (v != CSRA_VERDICT_VERIFIED)
		return;
	/* What VERIFIED promises a CA. */
	if (!walk(r, "request.signature", CSRA_STATUS_PASS))
		fuzz_fail("verified without a valid proof of possession", NULL);
	if (!walk(r, "request.attestation", CSRA_STATUS_PASS) || !walk(r, "bundle.decode", CSRA_STATUS_PASS))
		fuzz_fail("verified without an attestation", NULL);
	if (bound == 0 || !walk(r, "policy.statement", CSRA_STATUS_PASS))
		fuzz_fail("verified without a statement bound to the request key", NULL);
	/* With a nonce, what the policy accepted was confirmed fresh (the
	 * fuzz policies exempt no type). */
	if (walk(r, "policy.freshness", CSRA_STATUS_PASS)) {
		int fresh = 0;
		for (size_t i = 0; i < n; i++)
			fresh |= csra_result_statement_bound(r, i) &&
			    walk(csra_result_statement(r, i), "freshness.nonce", CSRA_STATUS_PASS);
		if (!fresh)
			fuzz_fail("verified with a nonce, and no bound statement confirmed it", NULL);
	}
}

/* The JSON report must be all of |r|: its verdict, every check (name and
 * status) and every statement's, never a part that looks whole. */
static void check_json(const csra_result *r, json_t *j, int top)
{
	static const char *verdicts[] = { "verified", "rejected", "malformed", "unknown" };
	static const char *statuses[] = { "pass", "fail", "warn", "skip" };
	const char *v = json_string_value(json_object_get(j, "verdict"));
	if (v == NULL || strcmp(v, verdicts[csra_result_verdict(r)]) != 0)
		fuzz_fail("the JSON report's verdict is not the result's", v);
	/* What the report is about. */
	const char *kind = json_string_value(json_object_get(j, "kind"));
	if (kind == NULL || (top && strcmp(kind, "request") != 0))
		fuzz_fail("the JSON report lacks its kind", kind);
	if (top && (json_string_value(json_object_get(j, "policy")) == NULL ||
	    (csra_result_verdict(r) != CSRA_VERDICT_MALFORMED &&
	    json_string_value(json_object_get(j, "request_format")) == NULL)))
		fuzz_fail("the JSON report lacks its policy or request format", NULL);
	if (!top && (json_string_value(json_object_get(j, "type")) == NULL ||
	    json_string_value(json_object_get(j, "type_name")) == NULL))
		fuzz_fail("a statement's JSON report lacks its type", NULL);
	json_t *checks = json_object_get(j, "checks");
	if (json_array_size(checks) != csra_result_check_count(r))
		fuzz_fail("the JSON report lacks checks", NULL);
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name;
		csra_status st;
		csra_result_check(r, i, &name, &st, NULL, NULL, NULL);
		json_t *c = json_array_get(checks, i);
		const char *jn = json_string_value(json_object_get(c, "check"));
		const char *js = json_string_value(json_object_get(c, "status"));
		if (jn == NULL || js == NULL || strcmp(jn, name) != 0 || strcmp(js, statuses[st]) != 0 ||
		    json_object_get(c, "message") == NULL || json_object_get(c, "path") == NULL)
			fuzz_fail("a check of the JSON report is not the result's", name);
	}
	size_t n = csra_result_statement_count(r);
	json_t *stmts = json_object_get(j, "statements");
	if (json_array_size(stmts) != n)
		fuzz_fail("the JSON report lacks statements", NULL);
	for (size_t i = 0; i < n; i++)
		check_json(csra_result_statement(r, i), json_array_get(stmts, i), 0);
}

/* Whether reports |a| and |b| are the same but for the wall-clock time
 * they were made at ("verified_at"), which two runs may not share. */
static int same_report(const char *a, const char *b)
{
	static const char key[] = "\"verified_at\": \"";
	for (;;) {
		const char *pa = strstr(a, key), *pb = strstr(b, key);
		if (pa == NULL || pb == NULL)
			return pa == pb && strcmp(a, b) == 0;
		size_t n = (size_t)(pa - a) + sizeof(key) - 1;
		if (pa - a != pb - b || strncmp(a, b, n) != 0)
			return 0;
		a = strchr(a + n, '"');
		b = strchr(b + n, '"');
		if (a == NULL || b == NULL)
			return 0;
	}
}

/* Verifies |data| again and requires the report |first| gave, but for
 * time: |openssl| on the twin verifier that leaves every path to OpenSSL
 * (the explicit link check, its cold path when the verifier's own
 * intermediate is not offered, bit 6, must record what OpenSSL's route
 * records); else on the same verifier with the chain cache as the first
 * run left it (a cached path must change nothing). */
static void check_again(int openssl, const uint8_t *data, size_t size, const char *first)
{
	static const char *what[] = { "the chain cache", "the explicit link check" };
	csra_err rc = CSRA_OK;
	csra_result *r = NULL;
	if (openssl)
		fvr_verify_openssl(data, size, &rc, &r);
	else
		fvr_verify(data, size, &rc, &r);
	if (rc != CSRA_OK)
		fuzz_fail("csra_verify_request failed the second time", csra_err_name(rc));
	char *again = csra_result_json(r);
	if (again == NULL)
		fuzz_fail("csra_result_json failed", NULL);
	if (!same_report(again, first)) {
		fprintf(stderr, "first:\n%s\n%s:\n%s\n", first, openssl ? "OpenSSL's route" : "cache warm", again);
		fprintf(stderr, "%s changed the result\n", what[openssl]);
		fuzz_fail("a second verification changed the result", what[openssl]);
	}
	free(again);
	csra_result_free(&r);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_err rc = CSRA_OK;
	csra_result *r = (csra_result *)1;
	/* Every run starts cold: the armed run must reach chain validation's
	 * allocations, and a finding must not depend on earlier inputs. */
	fuzz_alloc_pause();
	if (!fvr_reset_caches())
		fuzz_fail("cannot reset the chain caches", NULL);
	fuzz_alloc_resume();
	unsigned long injected = fuzz_alloc_injected();
	if (!fvr_verify(data, size, &rc, &r))
		return 0;
	int armed = fuzz_alloc_armed();
	if (rc != CSRA_OK) {
		if (r != NULL)
			fuzz_fail("csra_verify_request failed but set *out", csra_err_name(rc));
		if (rc != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected)
			fuzz_fail("csra_verify_request failed", csra_err_name(rc));
		ref_clear();
		return 0;
	}
	if (r == NULL)
		fuzz_fail("csra_verify_request returned CSRA_OK without a result", NULL);
	check_result(r);
	char *json = csra_result_json(r);
	if (json == NULL && fuzz_alloc_injected() == injected)
		fuzz_fail("csra_result_json failed", NULL);
	if (json != NULL) {
		fuzz_alloc_pause();
		json_error_t je;
		/* \u0000 is valid JSON (a UTF8String claim may hold NUL). */
		json_t *j = json_loads(json, JSON_ALLOW_NUL, &je);
		fuzz_alloc_resume();
		if (j == NULL) {
			fprintf(stderr, "%s\n%s\n", json, je.text);
			fuzz_fail("csra_result_json is not JSON", NULL);
		}
		fuzz_alloc_pause();
		check_json(r, j, 1);
		json_decref(j);
		fuzz_alloc_resume();
	}
	/* Not after a failed allocation, whose result the warm run could not
	 * repeat; and in alloc-fail mode the armed run is the second. */
	if (!fuzz_alloc_mode() && !armed && fuzz_alloc_injected() == injected && json != NULL) {
		check_again(1, data, size, json);
		check_again(0, data, size, json);
	}
	size_t n = csra_result_statement_count(r);
	if (fuzz_alloc_mode() && !armed) {
		ref_clear();
		ref.have = 1;
		ref.verdict = csra_result_verdict(r);
		ref.nstmts = n;
		for (size_t i = 0; i < n && i < MAX_STMTS; i++) {
			ref.bound[i] = csra_result_statement_bound(r, i);
			ref.stmt_verdict[i] = csra_result_verdict(csra_result_statement(r, i));
		}
		ref.json = json;
		json = NULL;
	} else if (armed && ref.have) {
		/* A failed allocation may cost a verdict, never grant one. */
		if (csra_result_verdict(r) == CSRA_VERDICT_VERIFIED && ref.verdict != CSRA_VERDICT_VERIFIED)
			fuzz_fail("verified only because an allocation failed", NULL);
		for (size_t i = 0; i < n && i < ref.nstmts && i < MAX_STMTS; i++) {
			if (csra_result_statement_bound(r, i) && !ref.bound[i])
				fuzz_fail("a statement bound only because an allocation failed", NULL);
			if (csra_result_verdict(csra_result_statement(r, i)) == CSRA_VERDICT_VERIFIED &&
			    ref.stmt_verdict[i] != CSRA_VERDICT_VERIFIED)
				fuzz_fail("a statement verified only because an allocation failed", NULL);
		}
		if (fuzz_alloc_injected() == injected && json != NULL && ref.json != NULL &&
		    !same_report(json, ref.json)) {
			fprintf(stderr, "normal run:\n%s\nrun without a failed allocation:\n%s\n", ref.json, json);
			fuzz_fail("the same input gave another result", NULL);
		}
		ref_clear();
	}
	free(json);
	csra_result_free(&r);
	if (r != NULL)
		fuzz_fail("csra_result_free left the handle set", NULL);
	return 0;
}
