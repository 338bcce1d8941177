/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policy files: csra_policy_from_json on the input, then, for a policy it
 * accepts, its name and trust entries, and its evaluation (the evaluator
 * the CSR verifier calls) against fixed request keys and fixed statement
 * outcomes. Checks: the parser's contract (error text terminated and
 * within the buffer, nothing written past it), a name as docs/policy.md
 * allows, printable messages, and an evaluation that passes exactly when
 * none of its checks fails; a waiver only for the known-weak-key checks.
 * In alloc-fail mode a failed allocation must
 * read as CSRA_ERR_NOMEM, never as a policy another run accepts or a
 * requirement met that the normal run found unmet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_oid_table.h"
#include "csra_policy_int.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

#define NKEYS 4
#define NSETS 4

static EVP_PKEY *keys[NKEYS];
static csra_stmt_out outs[8];
static csra_policy_stmt sets[NSETS][3];
static size_t set_len[NSETS];

static void cabf_claims(csra_stmt_out *o, int good)
{
	csra_stmt_add_bool(o, "key", "extractable", !good);
	csra_stmt_add_bool(o, "key", "never-extractable", good);
	csra_stmt_add_bool(o, "key", "sensitive", 1);
	csra_stmt_add_bool(o, "key", "local", 1);
	csra_stmt_add_bool(o, "platform", "fipsboot", 1);
	csra_stmt_add_int(o, "platform", "fipslevel", good ? 3 : 1);
	csra_stmt_add_text(o, "platform", "vendor", (const uint8_t *)"csrattest fuzz", 14);
}

void fuzz_init(void)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	keys[0] = fuzz_key(FUZZ_KEY_SUBJECT);
	keys[1] = fuzz_key(FUZZ_KEY_SUBJECT_P384);
	keys[2] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	/* Only its size matters to the policy: a random key is as good. */
	if (c == NULL || EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(c, 2048) != 1 ||
	    EVP_PKEY_keygen(c, &keys[3]) != 1)
		keys[3] = NULL;
	EVP_PKEY_CTX_free(c);
	for (int i = 0; i < NKEYS; i++)
		if (keys[i] == NULL)
			fuzz_fail("cannot make the request keys", NULL);

	const csra_oid_entry *ev = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	const csra_oid_entry *tpm = &csra_oid_table[CSRA_OID_ID_TCGATTESTCERTIFY];
	static const uint8_t cb[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01, 0x01 };
	/* Set 1: Evidence meeting cabf-csbr, a TPM statement bound to another
	 * key, and one that did not verify. */
	outs[0].verified = outs[0].bound = 1;
	cabf_claims(&outs[0], 1);
	outs[1].verified = 1;
	csra_stmt_add_bool(&outs[1], "key", "fixedTPM", 1);
	cabf_claims(&outs[2], 1);
	sets[1][0] = (csra_policy_stmt){ ev->der, ev->der_len, "pkix-evidence", &outs[0] };
	sets[1][1] = (csra_policy_stmt){ tpm->der, tpm->der_len, "tpm2-certify", &outs[1] };
	sets[1][2] = (csra_policy_stmt){ cb, sizeof(cb), "callback", &outs[2] };
	set_len[1] = 3;
	/* Set 2: Evidence falling short, and a callback's claims of other
	 * types than the draft's. */
	outs[3].verified = outs[3].bound = 1;
	cabf_claims(&outs[3], 0);
	outs[4].verified = outs[4].bound = 1;
	csra_stmt_add_bool(&outs[4], "key", "fixedTPM", 1);
	csra_stmt_add_int(&outs[4], "platform", "fipslevel", 9);
	csra_stmt_add_text(&outs[4], "key", "extractable", (const uint8_t *)"no", 2);
	/* 2^70 and -2^70: past every int64 bound a policy can write. */
	static const uint8_t big[] = { 0x40, 0, 0, 0, 0, 0, 0, 0, 0 },
	    negbig[] = { 0xc0, 0, 0, 0, 0, 0, 0, 0, 0 };
	csra_stmt_add_bigint(&outs[4], "platform", "bootcount", big, sizeof(big));
	csra_stmt_add_bigint(&outs[4], "platform", "uptime", negbig, sizeof(negbig));
	sets[2][0] = (csra_policy_stmt){ ev->der, ev->der_len, "pkix-evidence", &outs[3] };
	sets[2][1] = (csra_policy_stmt){ cb, sizeof(cb), "callback", &outs[4] };
	set_len[2] = 2;
	/* Set 3: vendor attestations given as files (no type OID): a YubiKey
	 * meeting cabf-csbr at firmware 5.7.4, a YubiHSM 2 with a firmware
	 * version that does not parse, and a Luna statement bound to another
	 * key without one. */
	outs[5].verified = outs[5].bound = 1;
	cabf_claims(&outs[5], 1);
	csra_stmt_add_text(&outs[5], "platform", "swversion", (const uint8_t *)"5.7.4", 5);
	csra_stmt_add_text(&outs[5], "key", "pinpolicy", (const uint8_t *)"always", 6);
	outs[6].verified = outs[6].bound = 1;
	cabf_claims(&outs[6], 1);
	csra_stmt_add_text(&outs[6], "platform", "swversion", (const uint8_t *)"2.x", 3);
	outs[7].verified = 1;
	cabf_claims(&outs[7], 1);
	sets[3][0] = (csra_policy_stmt){ NULL, 0, "yubico-piv", &outs[5] };
	sets[3][1] = (csra_policy_stmt){ NULL, 0, "yubihsm2", &outs[6] };
	sets[3][2] = (csra_policy_stmt){ NULL, 0, "thales-luna", &outs[7] };
	set_len[3] = 3;
	/* Set 0: no statement at all. */
}

/* The normal run's outcome, for the armed run. */
static struct {
	int have;
	csra_err rc;
	char name[160];
	int met[NKEYS][NSETS];
} ref;

static void printable(const char *s, const char *what)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			fuzz_fail("policy text is not printable ASCII", what);
}

/* Evaluates |p| for one key and statement set; returns whether it is met,
 * or -1 when the result ran out of memory. */
static int eval(const csra_policy *p, EVP_PKEY *key, const csra_policy_stmt *stmts, size_t n)
{
	csra_result *r = csra_result_new();
	if (r == NULL) {
		if (!fuzz_alloc_armed())
			fuzz_fail("csra_result_new failed", NULL);
		return -1;
	}
	csra_policy_input in = { key, stmts, n, NULL, 0, 0 };
	/* Warnings only: they must not change the verdict. */
	csra_policy_check_formats(p, csra_formats, r);
	int met = csra_policy_eval(p, &in, r);
	int failed = 0;
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct csra_check *c = &r->checks[i];
		if (strcmp(c->name, "policy.key-algorithm") != 0 && strcmp(c->name, "policy.statement") != 0 &&
		    strcmp(c->name, "policy.claim") != 0 && strcmp(c->name, "policy.freshness") != 0 &&
		    strcmp(c->name, "policy.format") != 0 && strcmp(c->name, "policy.firmware") != 0 &&
		    strcmp(c->name, "policy.formats") != 0)
			fuzz_fail("a policy check with another name", c->name);
		if (strcmp(c->name, "policy.formats") == 0 && c->status != CSRA_STATUS_WARN)
			fuzz_fail("policy.formats is only ever a warning", csra_check_message(r, i));
		printable(csra_check_message(r, i), c->name);
		printable(c->path, c->name);
		failed |= c->status == CSRA_STATUS_FAIL;
		if (c->status != CSRA_STATUS_SKIP && (c->status == CSRA_STATUS_PASS) != (c->code == CSRA_OK))
			fuzz_fail("a policy check's status and code disagree", c->name);
	}
	int nomem = r->nomem;
	csra_result_free(&r);
	if (nomem) {
		if (!fuzz_alloc_armed())
			fuzz_fail("policy evaluation ran out of memory", NULL);
		return -1;
	}
	if (met == failed)
		fuzz_fail("the policy's verdict does not follow its checks", NULL);
	return met;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	/* The error buffer's size varies with the input, and what follows it
	 * must stay untouched. */
	char buf[320];
	size_t errlen = size % 7 == 0 ? 0 : 1 + size % 240;
	memset(buf, 0x5a, sizeof(buf));
	char *err = errlen ? buf : NULL;
	csra_policy *p = (csra_policy *)1;
	unsigned long injected = fuzz_alloc_injected();
	csra_err rc = csra_policy_from_json((const char *)data, size, &p, err, errlen);
	int failed_alloc = fuzz_alloc_injected() != injected;
	for (size_t i = errlen; i < sizeof(buf); i++)
		if (buf[i] != 0x5a)
			fuzz_fail("written past the error buffer", NULL);
	if (err != NULL && memchr(err, '\0', errlen) == NULL)
		fuzz_fail("error text not terminated", NULL);
	int armed = fuzz_alloc_armed();
	if (rc != CSRA_OK) {
		if (p != NULL)
			fuzz_fail("csra_policy_from_json failed but set *out", csra_err_name(rc));
		if (rc == CSRA_ERR_NOMEM && !failed_alloc)
			fuzz_fail("out of memory without a failed allocation", NULL);
		if (rc != CSRA_ERR_POLICY && rc != CSRA_ERR_NOMEM)
			fuzz_fail("csra_policy_from_json: unexpected error", csra_err_name(rc));
		if (rc == CSRA_ERR_POLICY && err != NULL && errlen > 1 && err[0] == '\0')
			fuzz_fail("a policy error without a message", NULL);
		if (err != NULL)
			printable(err, "error message");
		if (armed && ref.have && ref.rc == CSRA_OK && rc == CSRA_ERR_POLICY)
			fuzz_fail("a failed allocation reported as a policy error", err);
		if (!armed && fuzz_alloc_mode()) {
			memset(&ref, 0, sizeof(ref));
			ref.have = 1;
			ref.rc = rc;
		}
		return 0;
	}
	if (p == NULL)
		fuzz_fail("csra_policy_from_json returned CSRA_OK without a policy", NULL);
	if (err != NULL && err[0] != '\0')
		fuzz_fail("an error message on success", err);
	if (armed && ref.have && ref.rc != CSRA_OK)
		fuzz_fail("a policy accepted only because an allocation failed", NULL);
	const char *name = csra_policy_name(p);
	size_t nlen = name ? strlen(name) : 0;
	if (nlen == 0 || nlen > 128)
		fuzz_fail("the policy's name is empty or too long", name);
	printable(name, "name");
	if (armed && ref.have && strcmp(name, ref.name) != 0)
		fuzz_fail("another name after a failed allocation", name);
	size_t nt = csra_policy_trust_count(p);
	for (size_t i = 0; i < nt; i++) {
		const uint8_t *type = NULL;
		size_t tlen = 0;
		const char *path = csra_policy_trust(p, i, &type, &tlen);
		/* A statement type's anchors, or a vendor format's (no type). */
		const char *format = csra_policy_trust_format(p, i);
		if (path == NULL || path[0] == '\0' ||
		    (format == NULL && (type == NULL || tlen == 0)) || (format != NULL && format[0] == '\0'))
			fuzz_fail("an empty trust entry", NULL);
	}
	/* Only the known-weak-key checks can be waived, whatever the input. */
	static const char *const never[] = { "evidence.signature", "statement.binding", "request.signature",
		"key.weak", "policy.claim", "" };
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (csra_policy_waives(p, never[i]))
			fuzz_fail("a policy waives a check that is not a known-weak-key check", never[i]);
	if (!armed && fuzz_alloc_mode()) {
		memset(&ref, 0, sizeof(ref));
		ref.have = 1;
		snprintf(ref.name, sizeof(ref.name), "%s", name);
	}
	for (int k = 0; k < NKEYS; k++) {
		for (int s = 0; s < NSETS; s++) {
			int met = eval(p, keys[k], sets[s], set_len[s]);
			if (!armed && fuzz_alloc_mode())
				ref.met[k][s] = met;
			else if (armed && ref.have && met == 1 && ref.met[k][s] != 1)
				fuzz_fail("a policy met only because an allocation failed", NULL);
		}
	}
	if (armed)
		memset(&ref, 0, sizeof(ref));
	csra_policy_free(&p);
	if (p != NULL)
		fuzz_fail("csra_policy_free left the handle set", NULL);
	return 0;
}
