/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crypto4A QASM ATTESTATION MESSAGEs (verify/formats/crypto4a_qasm): the
 * published sample (DER and PEM) under each signature policy (its HSS/LMS
 * block cannot be verified with OpenSSL 3.0: a warning under any-trusted,
 * a failure under all), bound to its key-spki claim's key and to another;
 * its claims; and variants made here refused with their codes: tampered
 * claims, signatures and chain certificates, no trust, expiry, DER
 * errors, a key claim about another object, an extra part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/policy.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testutil.h"

#define DER_FILE "vectors/vendors/crypto4a/attestation.der"
#define PEM_FILE "vectors/vendors/crypto4a/attestation.pem"
#define KIND "crypto4a-qasm"
#define T_2026 ((time_t)1780000000)	/* 2026-05-28 */
#define T_2043 ((time_t)2304000000)	/* 2043-01-04: after C4A_SCA_MFG4's notAfter (2042-04-11) */
#define T_2020 ((time_t)1590000000)	/* 2020-05-20: before C4A_RCA's notBefore */

/* Offsets in the sample (openssl asn1parse -i of attestation.der). */
#define OFF_SERIAL_TEXT 72	/* claims[1] "QSM000129" */
#define OFF_SPKI 213		/* claims[6] key-spki's value: 91 octets */
#define LEN_SPKI 91
#define OFF_CLASS_UUID 323	/* claims[7] (object-class)'s subject UUID */
#define OFF_ECDSA_SIG 1210	/* inside signer block 0's signature (r) */
#define OFF_SCA_SIG_0 6781	/* inside certs[0]'s (C4A_SCA_MFG4) signature */
#define OFF_SCA_SIG_2 7918	/* inside certs[2]'s (the same certificate again) */
#define OFF_CLAIMS 7		/* the claims SEQUENCE: 7..611 */
#define OFF_SIGNERS 612		/* the signer blocks: 612..6327 */
#define OFF_CERTS 6328

/* The file |rel| under the shared directory, as it is (PEM stays PEM). */
static int rd(const char *rel, uint8_t **out, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, rel);
	FILE *f = fopen(path, "rb");
	*out = NULL;
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return 0;
	}
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf != NULL ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	*out = buf;
	*len = n;
	return buf != NULL && n > 0;
}

static csra_verifier *verifier(time_t at, csra_sig_policy sp)
{
	csra_verifier *v = csra_verifier_new();
	if (v == NULL)
		return NULL;
	csra_verifier_set_time(v, at);
	if (sp != 0)
		csra_verifier_set_sig_policy(v, sp);
	return v;
}

static int sample(uint8_t **der, size_t *len)
{
	return rd(DER_FILE, der, len) && *len == 8606;
}

struct flip {
	size_t off;
	uint8_t mask;
};

/* The sample with each |flips[i].off| XORed with its mask, verified
 * alone under any-trusted. */
static csra_result *flipped_n(const struct flip *flips, size_t n, const csra_result **st, time_t at)
{
	uint8_t *der;
	size_t len;
	if (!sample(&der, &len))
		return NULL;
	for (size_t i = 0; i < n; i++)
		der[flips[i].off] ^= flips[i].mask;
	csra_verifier *v = verifier(at, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = v ? tu_attest(v, NULL, 0, der, len, NULL, st) : NULL;
	csra_verifier_free(&v);
	free(der);
	return r;
}

static csra_result *flipped(size_t off, uint8_t mask, const csra_result **st, time_t at)
{
	const struct flip f = { off, mask };
	return flipped_n(&f, 1, st, at);
}

static const csra_stmt_claim *claim(const csra_result *st, const char *element, const char *name)
{
	return st->stmt != NULL ? csra_stmt_find(st->stmt, element, name) : NULL;
}

static int text_is(const csra_result *st, const char *element, const char *name, const char *want)
{
	const csra_stmt_claim *c = claim(st, element, name);
	return c != NULL && c->type == CSRA_VALUE_UTF8 && c->text_len == strlen(want) &&
	    memcmp(c->text, want, c->text_len) == 0;
}

static int bool_is(const csra_result *st, const char *element, const char *name, int want)
{
	const csra_stmt_claim *c = claim(st, element, name);
	return c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == want;
}

/* any-trusted: verified on the ECDSA block, the HSS/LMS block warned as
 * unavailable, its chain not checked; the claims as spa-attest shows them
 * (pkic validation/crypto4a-qasm.md). */
static int test_sample_any_trusted(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	CHECK(sample(&der, &len));
	csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
	CHECK(r != NULL);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	CHECK(csra_result_statement_verified(r, 0));
	CHECK(tu_has_check(st, "attestation.format", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(tu_has_check(st, KIND ".decode", CSRA_STATUS_PASS, CSRA_OK, ""));
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_PASS, CSRA_OK, "signatures[0]"));
	CHECK(tu_has_check(st, "ak.eku", CSRA_STATUS_PASS, CSRA_OK, "signatures[0].sid.certificate"));
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "signatures[0].sid.certificate"));
	CHECK(tu_has_check(st, "signature.algorithm", CSRA_STATUS_WARN, CSRA_ERR_SIG_ALG_UNAVAILABLE, "signatures[1]"));
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_SKIP, CSRA_OK, "signatures[1].sid.certificate"));
	CHECK(tu_has_check(st, "signature.policy", CSRA_STATUS_PASS, CSRA_OK, "signatures"));
	CHECK(tu_has_check(st, KIND ".claims", CSRA_STATUS_PASS, CSRA_OK, "claims.claims"));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	CHECK(text_is(st, "platform", "vendor", "Crypto4A"));
	CHECK(text_is(st, "platform", "hwmodel", "QASM"));
	CHECK(text_is(st, "platform", "hwserial", "QSM000129"));
	CHECK(text_is(st, "platform", "swversion", "4.0.2.493"));
	CHECK(text_is(st, "platform", "qasm-uuid", "8817407a-d04d-e944-e4d6-eadfcdb9494d"));
	CHECK(text_is(st, "platform", "attestation-time", "20240612143307Z"));
	CHECK(bool_is(st, "platform", "certified-production", 1));
	CHECK(bool_is(st, "platform", "attestation-keys-are-unique", 1));
	CHECK(bool_is(st, "key", "never-extractable", 1));
	CHECK(bool_is(st, "key", "local", 1));
	CHECK(bool_is(st, "key", "confined", 1));
	CHECK(bool_is(st, "key", "extractable", 0));
	CHECK(text_is(st, "key", "object-class", "private-key"));
	CHECK(text_is(st, "key", "object-type", "ecc"));
	CHECK(text_is(st, "key", "object-keystore", "independent"));
	CHECK(text_is(st, "key", "capabilities", "sign"));
	CHECK(text_is(st, "key", "excluded-capabilities", "derive"));
	/* Not in the sample, not documented: left out. */
	CHECK(claim(st, "platform", "fipsboot") == NULL);
	CHECK(claim(st, "key", "sensitive") == NULL);
	/* The attested key is the key-spki claim's, as received. */
	size_t klen = 0;
	const uint8_t *k = csra_result_attested_key(st, 0, &klen);
	CHECK(k != NULL && klen == LEN_SPKI && memcmp(k, der + OFF_SPKI, LEN_SPKI) == 0);
	csra_result_free(&r);

	/* The PEM file: the same message. */
	uint8_t *pem;
	size_t plen;
	CHECK(rd(PEM_FILE, &pem, &plen));
	r = tu_attest(v, NULL, 0, pem, plen, NULL, &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_PASS, CSRA_OK, "signatures[0]"));
	csra_result_free(&r);
	free(pem);
	csra_verifier_free(&v);
	free(der);
	return 1;
}

/* all, and the default (all): the HSS/LMS block fails and so does the
 * message, the ECDSA block still reported as verified. */
static int test_sample_all(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	CHECK(sample(&der, &len));
	for (int dflt = 0; dflt < 2; dflt++) {
		csra_verifier *v = verifier(T_2026, dflt ? 0 : CSRA_SIG_ALL);
		csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
		CHECK(r != NULL);
		CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		CHECK(!csra_result_statement_verified(r, 0));
		CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_PASS, CSRA_OK, "signatures[0]"));
		CHECK(tu_has_check(st, "signature.algorithm", CSRA_STATUS_FAIL, CSRA_ERR_SIG_ALG_UNAVAILABLE, "signatures[1]"));
		CHECK(tu_has_check(st, "signature.policy", CSRA_STATUS_FAIL, CSRA_ERR_SIG_POLICY, "signatures"));
		CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, ""));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(der);
	return 1;
}

/* No CSR was published: bound to the key-spki claim's key, and not to
 * another. cabf-csbr (the default policy) then refuses it: no claim says
 * sensitive, FIPS mode or level; a policy without claims accepts it. */
static int test_binding(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	CHECK(sample(&der, &len));
	csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = tu_attest(v, der + OFF_SPKI, LEN_SPKI, der, len, NULL, &st);
	CHECK(r != NULL);
	CHECK(csra_result_statement_verified(r, 0) && csra_result_statement_bound(r, 0));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(r, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, NULL));
	CHECK(csra_result_find(r, "policy.claim", CSRA_ERR_POLICY_CLAIM_VALUE) < 0);
	csra_result_free(&r);

	static const char json[] = "{\"name\": \"c4a-test\", \"freshness_exempt\": [\"crypto4a-qasm\"]}";
	char err[200];
	csra_policy *p = NULL;
	CHECK(csra_policy_from_json(json, sizeof(json) - 1, &p, err, sizeof(err)) == CSRA_OK);
	CHECK(csra_verifier_set_policy(v, p) == CSRA_OK);
	r = tu_attest(v, der + OFF_SPKI, LEN_SPKI, der, len, NULL, &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);

	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char *ospki = NULL;
	int on = other ? i2d_PUBKEY(other, &ospki) : -1;
	CHECK(on > 0);
	r = tu_attest(v, ospki, (size_t)on, der, len, NULL, &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_statement_verified(r, 0) && !csra_result_statement_bound(r, 0));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, NULL));
	csra_result_free(&r);
	OPENSSL_free(ospki);
	EVP_PKEY_free(other);
	csra_verifier_free(&v);
	csra_policy_free(&p);
	free(der);
	return 1;
}

/* A claim's byte changed: the ECDSA signature no longer verifies. */
static int test_tampered_claim(void)
{
	const csra_result *st;
	csra_result *r = flipped(OFF_SERIAL_TEXT, 0x01, &st, T_2026);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "signatures[0]"));
	CHECK(tu_has_check(st, "signature.policy", CSRA_STATUS_FAIL, CSRA_ERR_SIG_POLICY, "signatures"));
	csra_result_free(&r);
	return 1;
}

static int test_tampered_signature(void)
{
	const csra_result *st;
	csra_result *r = flipped(OFF_ECDSA_SIG, 0x01, &st, T_2026);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "signatures[0]"));
	/* The chain still holds: only the signature is wrong. */
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "signatures[0].sid.certificate"));
	csra_result_free(&r);
	return 1;
}

/* C4A_SCA_MFG4's signature broken in both copies the message carries: a
 * bad signature in the path is CSRA_ERR_SIG_INVALID (csra_format_chain). */
static int test_tampered_chain(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	CHECK(sample(&der, &len));
	der[OFF_SCA_SIG_0] ^= 0x01;
	der[OFF_SCA_SIG_2] ^= 0x01;
	csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_PASS, CSRA_OK, "signatures[0]"));
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "certs[*"));
	CHECK(tu_has_check(st, "signature.policy", CSRA_STATUS_FAIL, CSRA_ERR_SIG_POLICY, "signatures"));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(der);
	return 1;
}

/* Without the bundled root, or with another vendor's: untrusted. */
static int test_untrusted(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	char path[1024];
	CHECK(sample(&der, &len));
	for (int other = 0; other < 2; other++) {
		csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
		CHECK(csra_verifier_drop_format_bundle(v, KIND) == CSRA_OK);
		if (other) {
			snprintf(path, sizeof(path), "%s/vectors/vendors/thales-luna/chrysalis-its-root-from-pkic-doc.pem",
			    CSRA_SHARED_DIR);
			CHECK(csra_verifier_add_format_trust_file(v, KIND, path) == CSRA_OK);
		}
		csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
		CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		/* The message's own C4A_RCA (certs[3]) is no anchor. */
		CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, "certs[3]"));
		CHECK(tu_has_check(st, "signature.policy", CSRA_STATUS_FAIL, CSRA_ERR_SIG_POLICY, "signatures"));
		csra_result_free(&r);
		/* The root given as the caller's anchor: trusted again. */
		snprintf(path, sizeof(path), "%s/vectors/vendors/crypto4a/C4A_RCA.pem", CSRA_SHARED_DIR);
		CHECK(csra_verifier_add_format_trust_file(v, KIND, path) == CSRA_OK);
		r = tu_attest(v, NULL, 0, der, len, NULL, &st);
		CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(der);
	return 1;
}

/* The AK certificate never expires (notAfter 9999-12-31); C4A_SCA_MFG4
 * does, on 2042-04-11: the path fails then. Before C4A_RCA's notBefore:
 * not yet valid. */
static int test_expired(void)
{
	const csra_result *st;
	csra_result *r = flipped(0, 0, &st, T_2043);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, NULL));
	csra_result_free(&r);
	r = flipped(0, 0, &st, T_2020);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_NOT_YET_VALID, NULL));
	csra_result_free(&r);
	return 1;
}

/* |a| then |b| (|blen|) then |c|, under a new outer SEQUENCE header of
 * 4 octets (30 82 hi lo). */
static uint8_t *rebuild(const uint8_t *body, size_t body_len, size_t *len)
{
	uint8_t *m = malloc(body_len + 4);
	if (m == NULL || body_len > 0xffff)
		return free(m), NULL;
	m[0] = 0x30, m[1] = 0x82, m[2] = (uint8_t)(body_len >> 8), m[3] = (uint8_t)body_len;
	memcpy(m + 4, body, body_len);
	*len = body_len + 4;
	return m;
}

/* Refused for its structure under either signature policy: under all, no
 * block at all must not mean "every block verified". */
static int expect_malformed(const uint8_t *m, size_t len, const char *path)
{
	const csra_result *st;
	for (int all = 0; all < 2; all++) {
		csra_verifier *v = verifier(T_2026, all ? CSRA_SIG_ALL : CSRA_SIG_ANY_TRUSTED);
		/* Named: a file need not be detected to be tried. */
		csra_result *r = tu_attest(v, NULL, 0, m, len, KIND, &st);
		CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		CHECK(tu_has_check(st, KIND ".decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, path));
		CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, ""));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	return 1;
}

/* Structure: a non-minimal length, a trailing byte, no signer blocks. */
static int test_structure(void)
{
	uint8_t *der, *m, *body;
	size_t len, mlen, n = 0;
	CHECK(sample(&der, &len));
	body = malloc(len + 16);
	CHECK(body != NULL);

	/* The claims SEQUENCE's length in three octets (30 83 00 02 59). */
	memcpy(body, der + 4, 3);
	n = 3;
	static const uint8_t longlen[] = { 0x30, 0x83, 0x00, 0x02, 0x59 };
	memcpy(body + n, longlen, sizeof(longlen));
	n += sizeof(longlen);
	memcpy(body + n, der + OFF_CLAIMS + 4, len - OFF_CLAIMS - 4);
	n += len - OFF_CLAIMS - 4;
	CHECK((m = rebuild(body, n, &mlen)) != NULL);
	CHECK(expect_malformed(m, mlen, "C4aAttestationMessage.claims*"));
	free(m);

	/* A byte after the message. */
	CHECK((m = malloc(len + 1)) != NULL);
	memcpy(m, der, len);
	m[len] = 0;
	CHECK(expect_malformed(m, len + 1, NULL));
	free(m);

	/* The signer blocks emptied (SIZE (1..MAX)), and left out. */
	for (int drop = 0; drop < 2; drop++) {
		n = 0;
		memcpy(body, der + 4, OFF_SIGNERS - 4);
		n = OFF_SIGNERS - 4;
		if (!drop) {
			body[n++] = 0x30;
			body[n++] = 0x00;
		}
		memcpy(body + n, der + OFF_CERTS, len - OFF_CERTS);
		n += len - OFF_CERTS;
		CHECK((m = rebuild(body, n, &mlen)) != NULL);
		CHECK(expect_malformed(m, mlen, drop ? "C4aAttestationMessage*" : "C4aAttestationMessage.signers*"));
		free(m);
	}
	free(body);
	free(der);
	return 1;
}

/* A key claim about another object than the key-spki claim's: the
 * message attests one key, and says nothing of this one. */
static int test_claim_other_object(void)
{
	const csra_result *st;
	csra_result *r = flipped(OFF_CLASS_UUID, 0x01, &st, T_2026);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, KIND ".claim", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "claims.claims[7]"));
	csra_result_free(&r);
	return 1;
}

/* The key-spki claim without an object, its key claims with one: each
 * is refused, none compared with an object that is not there (found by
 * CI's fuzzing: a NULL dereference). claims[0] (6.1.0 qasm-uuid, octets
 * 31..32 = 01 00) becomes 6.2.1 key-spki; the sample's key-spki,
 * claims[6] (octet 188 = 01), becomes the unknown 6.2.99. */
static int test_spki_without_object(void)
{
	static const struct flip f[] = { { 31, 0x01 ^ 0x02 }, { 32, 0x00 ^ 0x01 }, { 188, 0x01 ^ 0x63 } };
	const csra_result *st;
	csra_result *r = flipped_n(f, sizeof(f) / sizeof(f[0]), &st, T_2026);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, KIND ".claim", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "claims.claims[0]"));
	CHECK(tu_has_check(st, KIND ".claim", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "claims.claims[7]"));
	CHECK(claim(st, "key", "1.3.6.1.4.1.39901.6.2.99") != NULL);
	csra_result_free(&r);
	return 1;
}

/* An unknown claim OID is kept, named by its OID (here 6.1.4
 * certified-production renumbered 6.1.99: the signature then fails,
 * the claims are still read and reported). */
static int test_unknown_claim(void)
{
	const csra_result *st;
	csra_result *r = flipped(157, 0x04 ^ 0x63, &st, T_2026);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "signatures[0]"));
	CHECK(bool_is(st, "platform", "1.3.6.1.4.1.39901.6.1.99", 1));
	CHECK(claim(st, "platform", "certified-production") == NULL);
	csra_result_free(&r);
	return 1;
}

/* Claims and versions the vendor never writes so, each refused with the
 * message saying why (the signature then fails too; the claims are read
 * all the same). Octets: the message's version 6, the claims' 13; the
 * last arc of claims[3] (6.1.3) 129, claims[10] (6.2.7) 438..439,
 * claims[11] (6.2.8) 474, claims[12] (6.2.9) 509. */
static int test_claim_rules(void)
{
	static const struct {
		struct flip f[2];
		const char *check, *path, *frag;
	} cases[] = {
		{ { { 6, 0x01 ^ 0x02 } }, KIND ".decode", "C4aAttestationMessage.version", "version is not 1" },
		{ { { 13, 0x01 ^ 0x02 } }, KIND ".decode", "C4aAttestationMessage.claims.version",
		    "version is not 1" },
		/* 6.2.7 renamed 6.2.1: a second key-spki */
		{ { { 439, 0x07 ^ 0x01 } }, KIND ".claim", "claims.claims[10]", "a second key-spki claim" },
		/* 6.1.3 (firmware) renamed 6.1.1 (serial), which claims[1] is */
		{ { { 129, 0x03 ^ 0x01 } }, KIND ".claim", "claims.claims[3]", "a repeated claim" },
		/* 6.2.7 renamed 6.1.4, a platform claim, with its object */
		{ { { 438, 0x02 ^ 0x01 }, { 439, 0x07 ^ 0x04 } }, KIND ".claim", "claims.claims[10]",
		    "a platform claim naming an object" },
		/* 6.2.8 and 6.2.9 renamed 6.2.10 and 6.2.11 */
		{ { { 474, 0x08 ^ 0x0a }, { 509, 0x09 ^ 0x0b } }, KIND ".claim", "claims.claims",
		    "both key-is-managed and key-is-not-managed" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const csra_result *st;
		size_t nf = cases[i].f[1].mask != 0 ? 2 : 1;
		csra_result *r = flipped_n(cases[i].f, nf, &st, T_2026);
		int ok = r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED &&
		    tu_has_check(st, cases[i].check, CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, cases[i].path);
		for (size_t k = 0; ok && k < csra_result_check_count(st); k++) {
			const char *n, *m, *path;
			csra_status s;
			csra_err c;
			csra_result_check(st, k, &n, &s, &c, &m, &path);
			if (strcmp(n, cases[i].check) == 0 && strcmp(path, cases[i].path) == 0)
				ok = strstr(m, cases[i].frag) != NULL;
		}
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
		csra_result_free(&r);
		CHECK(ok);
	}
	return 1;
}

/* detect(): the sample in both forms; no other vendor's file, and this
 * one claimed by no other format. */
static int test_detect(void)
{
	static const char *const others[] = {
		"vectors/vendors/thales-luna/ecc-pkc.p7b",
		"vectors/vendors/yubihsm2/niklasgillstrom-hsm/chain.pem",
		"vectors/vendors/crypto4a/C4A_RCA.pem",
		"vectors/vendors/crypto4a/QASM_AA_ECC_C4A000129.pem",
	};
	const csra_format *f = csra_format_find(KIND);
	CHECK(f != NULL);
	for (int pem = 0; pem < 2; pem++) {
		uint8_t *p;
		size_t n, k = 0;
		CHECK(rd(pem ? PEM_FILE : DER_FILE, &p, &n));
		CHECK(csra_format_detects(f, p, n));
		CHECK(csra_format_detect(p, n, NULL, &k, NULL, 0) == f && k == 1);
		free(p);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		uint8_t *p;
		size_t n;
		CHECK(rd(others[i], &p, &n));
		CHECK(!csra_format_detects(f, p, n));
		free(p);
	}
	return 1;
}

/* Another PEM label named as this format; a second part. */
static int test_input_and_parts(void)
{
	static const char pem[] = "-----BEGIN EVIDENCE-----\nMAMCAQU=\n-----END EVIDENCE-----\n";
	const csra_result *st;
	csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
	csra_result *r = tu_attest(v, NULL, 0, (const uint8_t *)pem, sizeof(pem) - 1, KIND, &st);
	CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(tu_has_check(st, KIND ".input", CSRA_STATUS_FAIL, CSRA_ERR_INPUT_WRONG_LABEL, ""));
	csra_result_free(&r);

	uint8_t *der;
	size_t len;
	CHECK(sample(&der, &len));
	const uint8_t *parts[2] = { der, (const uint8_t *)pem };
	size_t lens[2] = { len, sizeof(pem) - 1 };
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	in.stmt = der;
	in.stmt_len = len;
	in.parts = parts;
	in.part_lens = lens;
	in.nparts = 2;
	in.at = T_2026;
	in.v = v;
	csra_stmt_out out;
	csra_stmt_out_init(&out, 0);
	csra_result *cr = csra_result_new();
	CHECK(cr != NULL);
	CHECK(csra_format_crypto4a_qasm.verify(v, NULL, NULL, &in, cr, &out) == CSRA_OK);
	CHECK(!out.verified);
	CHECK(tu_has_check(cr, KIND ".parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, "parts[1]"));
	/* Everything else still checked and reported. */
	CHECK(tu_has_check(cr, "signature.value", CSRA_STATUS_PASS, CSRA_OK, "signatures[0]"));
	csra_result_free(&cr);
	csra_stmt_out_clear(&out);

	/* Through the public API: an attestation of two parts, the message
	 * and the C4A root beside it, is refused (one file, one part), and
	 * of the message alone verified. */
	{
		uint8_t *root;
		size_t rlen;
		CHECK(rd("vectors/vendors/crypto4a/C4A_RCA.pem", &root, &rlen));
		for (int two = 0; two < 2; two++) {
			csra_attestation *a = csra_attestation_new();
			CHECK(a != NULL && csra_attestation_add_part(a, der, len) == CSRA_OK);
			CHECK(!two || csra_attestation_add_part(a, root, rlen) == CSRA_OK);
			const csra_attestation *atts[1] = { a };
			r = NULL;
			CHECK(csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 1, &r) == CSRA_OK);
			CHECK(csra_result_verdict(r) == (two ? CSRA_VERDICT_REJECTED : CSRA_VERDICT_VERIFIED));
			st = csra_result_statement(r, 0);
			CHECK(st != NULL);
			CHECK(!two || tu_has_check(st, "attestation.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, NULL));
			csra_result_free(&r);
			csra_attestation_free(&a);
		}
		free(root);
	}

	/* One part: verified. */
	in.nparts = 1;
	csra_stmt_out_init(&out, 0);
	CHECK((cr = csra_result_new()) != NULL);
	CHECK(csra_format_crypto4a_qasm.verify(v, NULL, NULL, &in, cr, &out) == CSRA_OK);
	CHECK(out.verified && out.nkeys == 1);
	csra_result_free(&cr);
	csra_stmt_out_clear(&out);
	csra_verifier_free(&v);
	free(der);
	return 1;
}

/* Verified again by the same verifier: the same checks (the chain from
 * the cache, per signer block). */
static int test_again(void)
{
	uint8_t *der;
	size_t len;
	const csra_result *st;
	CHECK(sample(&der, &len));
	csra_verifier *v = verifier(T_2026, CSRA_SIG_ANY_TRUSTED);
	for (int i = 0; i < 3; i++) {
		csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
		CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
		CHECK(tu_has_check(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "signatures[0].sid.certificate"));
		CHECK(tu_has_check(st, "signature.algorithm", CSRA_STATUS_WARN, CSRA_ERR_SIG_ALG_UNAVAILABLE, "signatures[1]"));
		csra_result_free(&r);
	}
	/* A remembered pass is of those bytes only: the same verifier
	 * still refuses a changed claim or signature. */
	static const size_t offs[2] = { OFF_SERIAL_TEXT, OFF_ECDSA_SIG };
	for (int k = 0; k < 2; k++) {
		der[offs[k]] ^= 0x01;
		csra_result *r = tu_attest(v, NULL, 0, der, len, NULL, &st);
		CHECK(r != NULL && csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
		CHECK(tu_has_check(st, "signature.value", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "signatures[0]"));
		csra_result_free(&r);
		der[offs[k]] ^= 0x01;
	}
	csra_verifier_free(&v);
	free(der);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_sample_any_trusted),
		TU(test_sample_all),
		TU(test_binding),
		TU(test_tampered_claim),
		TU(test_tampered_signature),
		TU(test_tampered_chain),
		TU(test_untrusted),
		TU(test_expired),
		TU(test_structure),
		TU(test_claim_other_object),
		TU(test_spki_without_object),
		TU(test_unknown_claim),
		TU(test_claim_rules),
		TU(test_detect),
		TU(test_input_and_parts),
		TU(test_again),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
