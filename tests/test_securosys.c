/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Securosys Primus key attestations (verify/formats/securosys_primus): the
 * real sample from the shared vendor vectors (XML, detached signature,
 * chain), verified with the bundled PRIMUS_HSM_ROOTKEY and bound to its
 * CSR; variants refused with their codes (a changed XML byte, a flipped
 * signature byte, another key, no trust, expiry, missing and extra parts);
 * and hostile XML signed by a hierarchy made here and trusted, so that
 * each reaches the parser and is refused there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_certbag.h"
#include "csra_policy_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/policy.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testutil.h"

#define DIR "vectors/vendors/securosys/niklasgillstrom-hsm/"
#define T_2026 ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define T_AFTER ((time_t)2871763200)	/* 2061-01-01, after the attestation key's notAfter (2054) */

struct buf {
	uint8_t *p;
	size_t len;
};

static struct buf slurp(const char *rel)
{
	struct buf b = { NULL, 0 };
	b.p = tu_shared_file(rel, &b.len);
	return b;
}

/* Does |r| hold check |name| failing with |code| and a message with |frag|? */
static int fails_with(const csra_result *r, const char *name, csra_err code, const char *frag)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n, *m;
		csra_status s;
		csra_err c;
		csra_result_check(r, i, &n, &s, &c, &m, NULL);
		if (strcmp(n, name) == 0 && s == CSRA_STATUS_FAIL && c == code && strstr(m, frag) != NULL)
			return 1;
	}
	fprintf(stderr, "  no failed check %s %s \"%s\" in:\n", name, csra_err_name(code), frag);
	tu_dump_result(r, 0);
	return 0;
}

/* One attestation of |n| parts through the public API, bound to |spki|
 * (or alone: NULL) at time |at|: |r| is its statement's result, |o| the
 * format's outcome the result keeps. */
struct run {
	csra_result *top;
	const csra_result *r;
	const csra_stmt_out *o;
};

/* The format to name, or NULL: detected. */
static const char *run_format;

static int run(struct run *x, csra_verifier *v, time_t at, const uint8_t *spki, size_t spki_len,
    const struct buf *parts, size_t n)
{
	memset(x, 0, sizeof(*x));
	csra_attestation *a = csra_attestation_new();
	if (a == NULL || csra_verifier_set_time(v, at) != CSRA_OK)
		return csra_attestation_free(&a), 0;
	for (size_t i = 0; i < n; i++)
		if (csra_attestation_add_part(a, parts[i].p, parts[i].len) != CSRA_OK)
			return csra_attestation_free(&a), 0;
	if (run_format != NULL && csra_attestation_set_format(a, run_format) != CSRA_OK)
		return csra_attestation_free(&a), 0;
	const csra_attestation *atts[1] = { a };
	csra_err e = csra_verify_attestations_with(v, spki, spki_len, NULL, 0, atts, 1, &x->top);
	csra_attestation_free(&a);
	if (e != CSRA_OK || csra_result_statement_count(x->top) != 1)
		return 0;
	x->r = csra_result_statement(x->top, 0);
	x->o = x->r->stmt;
	if (x->o == NULL) {
		fprintf(stderr, "  no statement outcome:\n");
		tu_dump_result(x->r, 0);
		return 0;
	}
	return 1;
}

static void run_free(struct run *x)
{
	csra_result_free(&x->top);
}

static int key_bool(const csra_stmt_out *o, const char *name, int want)
{
	const csra_stmt_claim *c = csra_stmt_find(o, "key", name);
	return c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == want;
}

static int text_is(const csra_stmt_out *o, const char *element, const char *name, const char *want)
{
	const csra_stmt_claim *c = csra_stmt_find(o, element, name);
	return c != NULL && c->type == CSRA_VALUE_UTF8 && c->text_len == strlen(want) &&
	    memcmp(c->text, want, c->text_len) == 0;
}

static int int_is(const csra_stmt_out *o, const char *name, int64_t want)
{
	const csra_stmt_claim *c = csra_stmt_find(o, "key", name);
	return c != NULL && c->type == CSRA_VALUE_INTEGER && !c->big && c->integer == want;
}

/* The SPKI of the CSR |rel|. */
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

static csra_verifier *verifier(void)
{
	csra_verifier *v = csra_verifier_new();
	if (v != NULL)
		csra_verifier_set_time(v, T_2026);
	return v;
}

static struct buf dup_buf(const struct buf *b)
{
	struct buf c = { malloc(b->len + 1), b->len };
	if (c.p != NULL)
		memcpy(c.p, b->p, b->len);
	return c;
}

/* The real sample ----------------------------------------------------------- */

struct sample {
	struct buf xml, sig, chain;
	uint8_t *spki;
	size_t spki_len;
};

static int sample(struct sample *s)
{
	s->xml = slurp(DIR "attestation.xml");
	s->sig = slurp(DIR "attestation.sig");
	s->chain = slurp(DIR "chain.pem");
	s->spki = csr_spki(DIR "csr.pem", &s->spki_len);
	return s->xml.p != NULL && s->sig.p != NULL && s->chain.p != NULL && s->spki != NULL;
}

static void sample_free(struct sample *s)
{
	free(s->xml.p);
	free(s->sig.p);
	free(s->chain.p);
	free(s->spki);
}

/* Verified with the bundled root, bound to csr.pem's key, with its claims;
 * whatever the order of the parts. */
static int test_sample(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	CHECK(v != NULL);
	struct buf orders[2][3] = { { s.xml, s.sig, s.chain }, { s.chain, s.xml, s.sig } };
	for (int k = 0; k < 2; k++) {
		struct run x;
		CHECK(run(&x, v, T_2026, s.spki, s.spki_len, orders[k], 3));
		CHECK(x.o->verified == 1 && x.o->bound == 1);
		CHECK(tu_has_check(x.r, "securosys-primus.parts", CSRA_STATUS_PASS, CSRA_OK, ""));
		CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, k == 0 ? "parts[1]" : "parts[2]"));
		CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
		CHECK(tu_has_check(x.r, "ak.profile", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
		CHECK(tu_has_check(x.r, "securosys-primus.decode", CSRA_STATUS_PASS, CSRA_OK, "/private_key"));
		CHECK(tu_has_check(x.r, "securosys-primus.key", CSRA_STATUS_PASS, CSRA_OK, "/private_key/public_key"));
		CHECK(tu_has_check(x.r, "securosys-primus.serial", CSRA_STATUS_PASS, CSRA_OK, ""));
		CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
		CHECK(key_bool(x.o, "local", 1) && key_bool(x.o, "extractable", 0) &&
		    key_bool(x.o, "never-extractable", 1) && key_bool(x.o, "sensitive", 1) &&
		    key_bool(x.o, "always-sensitive", 1));
		CHECK(text_is(x.o, "key", "creation", "generated"));
		CHECK(text_is(x.o, "key", "algorithm", "RSA") && int_is(x.o, "size", 4096));
		CHECK(text_is(x.o, "platform", "vendor", "Securosys"));
		CHECK(text_is(x.o, "platform", "hwserial", "18386101"));
		/* The key attestation says nothing of the device's mode. */
		CHECK(csra_stmt_find(x.o, "platform", "fipsboot") == NULL &&
		    csra_stmt_find(x.o, "platform", "fipslevel") == NULL);
		CHECK(x.o->nkeys == 1 && x.o->keys[0].len == s.spki_len &&
		    memcmp(x.o->keys[0].spki, s.spki, s.spki_len) == 0);
		run_free(&x);
	}
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* The signature as base64 text, as Securosys's REST API returns it (with
 * the newline a file saved from it ends with): the same verdict. */
static int test_sample_base64_signature(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	CHECK(v != NULL);
	struct buf b64 = { malloc(4 * (s.sig.len / 3 + 1) + 2), 0 };
	CHECK(b64.p != NULL);
	b64.len = (size_t)EVP_EncodeBlock(b64.p, s.sig.p, (int)s.sig.len);
	b64.p[b64.len++] = '\n';
	struct buf parts[3] = { s.xml, b64, s.chain };
	struct run x;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 1 && x.o->bound == 1);
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "parts[1]"));
	run_free(&x);
	/* Base64 that is not canonical (a stray padding bit) is refused. */
	size_t at = b64.len - 2;
	while (b64.p[at] == '=')
		at--;
	b64.p[at] = b64.p[at] == 'A' ? 'B' : 'A';
	parts[1] = b64;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "parts[1]"));
	run_free(&x);
	free(b64.p);
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* One XML byte changed (extractable false -> true, same length): the
 * signature fails and the XML is never parsed; a flipped signature byte
 * fails the same way. */
static int test_tampered(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	CHECK(v != NULL);
	/* The genuine parts first, twice: the signature check that passed is
	 * remembered, and must not make any variant below pass. */
	struct buf genuine[3] = { s.xml, s.sig, s.chain };
	for (int i = 0; i < 2; i++) {
		struct run g;
		CHECK(run(&g, v, T_2026, s.spki, s.spki_len, genuine, 3));
		CHECK(g.o->verified == 1 && tu_has_check(g.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "parts[1]"));
		run_free(&g);
	}
	struct buf xml = dup_buf(&s.xml);
	CHECK(xml.p != NULL);
	xml.p[xml.len] = '\0';
	char *at = strstr((char *)xml.p, "<extractable>false</extractable>");
	CHECK(at != NULL);
	memcpy(at, "<extractable>true</extractable> ", 32);
	struct buf parts[3] = { xml, s.sig, s.chain };
	struct run x;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0 && x.o->nclaims == 0 && x.o->nkeys == 0);
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "parts[1]"));
	CHECK(tu_has_check(x.r, "securosys-primus.decode", CSRA_STATUS_SKIP, CSRA_OK, ""));
	CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, "certs[0]"));
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);
	free(xml.p);

	struct buf sig = dup_buf(&s.sig);
	CHECK(sig.p != NULL);
	sig.p[100] ^= 0x01;
	parts[0] = s.xml;
	parts[1] = sig;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "parts[1]"));
	run_free(&x);
	/* A signature one byte short: not the attestation key's length. */
	parts[1].len--;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(fails_with(x.r, "ak.signature", CSRA_ERR_SIG_INVALID, "383 bytes"));
	run_free(&x);
	free(sig.p);

	/* The device certificate's signature (by the root) flipped: the
	 * chain fails as a bad signature. */
	struct buf chain = dup_buf(&s.chain);
	CHECK(chain.p != NULL);
	csra_certbag b;
	char why[128];
	CHECK(csra_certbag_read(s.chain.p, s.chain.len, 0, &b, why, sizeof(why)) == CSRA_OK && b.n == 2);
	/* Rewrite the chain as PEM with the second certificate's last
	 * signature byte flipped. */
	b.entries[1].der[b.entries[1].len - 1] ^= 0x01;
	BIO *bio = BIO_new(BIO_s_mem());
	CHECK(bio != NULL);
	for (size_t i = 0; i < 2; i++) {
		const unsigned char *q = b.entries[i].der;
		X509 *c = d2i_X509(NULL, &q, (long)b.entries[i].len);
		CHECK(c != NULL && PEM_write_bio_X509(bio, c) == 1);
		X509_free(c);
	}
	csra_certbag_clear(&b);
	char *pem;
	long pl = BIO_get_mem_data(bio, &pem);
	free(chain.p);
	chain.p = malloc((size_t)pl);
	CHECK(chain.p != NULL);
	memcpy(chain.p, pem, (size_t)pl);
	chain.len = (size_t)pl;
	BIO_free(bio);
	parts[1] = s.sig;
	parts[2] = chain;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "parts[1]"));
	CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, "certs[1]"));
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);
	free(chain.p);
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* Another request key; no trust; after the attestation key's notAfter. */
static int test_binding_trust_expiry(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	CHECK(v != NULL);
	struct buf parts[3] = { s.xml, s.sig, s.chain };
	struct run x;
	uint8_t *other = malloc(s.spki_len);
	CHECK(other != NULL);
	memcpy(other, s.spki, s.spki_len);
	other[s.spki_len - 10] ^= 0x01;
	CHECK(run(&x, v, T_2026, other, s.spki_len, parts, 3));
	CHECK(x.o->verified == 1 && x.o->bound == 0);
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, NULL));
	run_free(&x);
	free(other);

	/* Alone: verified, the binding skipped. */
	CHECK(run(&x, v, T_2026, NULL, 0, parts, 3));
	CHECK(x.o->verified == 1 && x.o->bound == 0);
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);

	CHECK(run(&x, v, T_AFTER, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED, NULL));
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);

	CHECK(csra_verifier_drop_format_bundle(v, "securosys-primus") == CSRA_OK);
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, "certs[1]"));
	run_free(&x);
	/* Another vendor's root does not stand in for Securosys's. */
	char path[1024];
	snprintf(path, sizeof(path), "%s/vectors/vendors/crypto4a/C4A_RCA.pem", CSRA_SHARED_DIR);
	CHECK(csra_verifier_add_format_trust_file(v, "securosys-primus", path) == CSRA_OK);
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, NULL));
	run_free(&x);
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* Missing and extra parts, by content whatever the order. */
static int test_parts(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	CHECK(v != NULL);
	struct run x;
	struct buf no_sig[2] = { s.xml, s.chain };
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, no_sig, 2));
	CHECK(x.o->verified == 0);
	CHECK(fails_with(x.r, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING, "the signature is missing"));
	CHECK(tu_has_check(x.r, "securosys-primus.decode", CSRA_STATUS_SKIP, CSRA_OK, ""));
	run_free(&x);
	struct buf no_chain[2] = { s.sig, s.xml };
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, no_chain, 2));
	CHECK(x.o->verified == 0);
	CHECK(fails_with(x.r, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING,
	    "the certificate chain is missing"));
	run_free(&x);
	/* The XML alone (a single file): both missing. */
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, &s.xml, 1));
	CHECK(x.o->verified == 0);
	CHECK(fails_with(x.r, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING, "the signature is missing"));
	CHECK(fails_with(x.r, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING,
	    "the certificate chain is missing"));
	run_free(&x);
	/* An extra part: something else, and a second chain. */
	struct buf junk = { (uint8_t *)"hello, world", 12 };
	struct buf extra[4] = { s.xml, s.sig, s.chain, junk };
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, extra, 4));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "securosys-primus.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, "parts[3]"));
	CHECK(tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "parts[1]"));
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);
	extra[3] = s.chain;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, extra, 4));
	CHECK(x.o->verified == 0);
	CHECK(fails_with(x.r, "securosys-primus.parts", CSRA_ERR_FMT_PART_UNUSED, "the certificate chain"));
	run_free(&x);
	/* A chain part that is no certificate bag: its decode fails, and the
	 * verification goes on to report it (it used to return the bag's
	 * read error, failing the whole call; found by fuzz_securosys). */
	struct buf bad_chain = { (uint8_t *)"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 0 };
	bad_chain.len = strlen((const char *)bad_chain.p);
	struct buf with_bad[3] = { s.xml, s.sig, bad_chain };
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, with_bad, 3));
	CHECK(x.o->verified == 0);
	CHECK(tu_has_check(x.r, "securosys-primus.chain.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, ""));
	CHECK(tu_has_check(x.r, "securosys-primus.decode", CSRA_STATUS_SKIP, CSRA_OK, ""));
	CHECK(tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	run_free(&x);
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* Only the XML is this format's, and no other format claims it. */
static int test_detect(void)
{
	struct sample s;
	CHECK(sample(&s));
	CHECK(csra_format_find("securosys-primus") == &csra_format_securosys_primus);
	CHECK(csra_format_detects(&csra_format_securosys_primus, s.xml.p, s.xml.len) == 1);
	CHECK(csra_format_detects(&csra_format_securosys_primus, s.sig.p, s.sig.len) == 0);
	CHECK(csra_format_detects(&csra_format_securosys_primus, s.chain.p, s.chain.len) == 0);
	size_t n;
	CHECK(csra_format_detect(s.xml.p, s.xml.len, NULL, &n, NULL, 0) == &csra_format_securosys_primus && n == 1);
	const char *other = "<?xml version=\"1.0\"?>\n<public_key_info/>";
	CHECK(csra_format_detects(&csra_format_securosys_primus, (const uint8_t *)other, strlen(other)) == 0);
	const char *bare = "<private_key creation=\"generated\"></private_key>";
	CHECK(csra_format_detects(&csra_format_securosys_primus, (const uint8_t *)bare, strlen(bare)) == 1);
	sample_free(&s);
	return 1;
}

/* Hostile XML, signed by a hierarchy made here and trusted ------------------ */

static EVP_PKEY *rsa_key(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
}

static X509 *mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();
	if (c == NULL || n == NULL)
		goto fail;
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"csrattest tests", -1, -1, 0);
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), ca ? 1 : 2);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, issuer != NULL ? X509_get_subject_name(issuer) : n);
	ASN1_TIME_set(X509_getm_notBefore(c), (time_t)1735689600);	/* 2025 */
	ASN1_TIME_set(X509_getm_notAfter(c), (time_t)2366841600);	/* 2045 */
	X509_set_pubkey(c, key);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : c, c, NULL, NULL, 0);
	X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_EXTENSION *ku = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage,
	    ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
	if (bc == NULL || ku == NULL || !X509_add_ext(c, bc, -1) || !X509_add_ext(c, ku, -1)) {
		X509_EXTENSION_free(bc);
		X509_EXTENSION_free(ku);
		goto fail;
	}
	X509_EXTENSION_free(bc);
	X509_EXTENSION_free(ku);
	if (X509_sign(c, ikey, EVP_sha256()) <= 0)
		goto fail;
	X509_NAME_free(n);
	return c;
fail:
	X509_NAME_free(n);
	X509_free(c);
	return NULL;
}

struct pki {
	EVP_PKEY *root_key, *ak_key;
	X509 *root, *dev, *ak;
	struct buf chain;	/* PEM: ak, dev */
	char root_path[64];
	uint8_t *spki;		/* a key to attest (the AK's own, for the test) */
	size_t spki_len;
	char spki_b64[1024];
};

/* With |ak_ca|, the attestation key's certificate is a CA's. */
static int pki_make_ak(struct pki *k, int ak_ca)
{
	memset(k, 0, sizeof(*k));
	k->root_key = rsa_key();
	k->ak_key = rsa_key();
	if (k->root_key == NULL || k->ak_key == NULL)
		return 0;
	k->root = mkcert(k->root_key, "Test Primus Root", NULL, k->root_key, 1);
	k->dev = mkcert(k->root_key, "PRIMUS HSM KEY (SN: 42)", k->root, k->root_key, 1);
	k->ak = mkcert(k->ak_key, "attestation-key", k->dev, k->root_key, ak_ca);
	if (k->root == NULL || k->dev == NULL || k->ak == NULL)
		return 0;
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	if (bio == NULL || PEM_write_bio_X509(bio, k->ak) != 1 || PEM_write_bio_X509(bio, k->dev) != 1)
		return BIO_free(bio), 0;
	long pl = BIO_get_mem_data(bio, &pem);
	k->chain.p = malloc((size_t)pl);
	if (k->chain.p == NULL)
		return BIO_free(bio), 0;
	memcpy(k->chain.p, pem, (size_t)pl);
	k->chain.len = (size_t)pl;
	BIO_free(bio);
	snprintf(k->root_path, sizeof(k->root_path), "/tmp/csra_securosys_rootXXXXXX");
	int fd = mkstemp(k->root_path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL || PEM_write_X509(f, k->root) != 1)
		return f != NULL ? fclose(f) : 0, 0;
	fclose(f);
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->ak_key, &der);
	if (n <= 0)
		return 0;
	k->spki = malloc((size_t)n);
	memcpy(k->spki, der, (size_t)n);
	k->spki_len = (size_t)n;
	EVP_EncodeBlock((unsigned char *)k->spki_b64, der, n);
	OPENSSL_free(der);
	return 1;
}

static int pki_make(struct pki *k)
{
	return pki_make_ak(k, 0);
}

static void pki_free(struct pki *k)
{
	if (k->root_path[0])
		unlink(k->root_path);
	EVP_PKEY_free(k->root_key);
	EVP_PKEY_free(k->ak_key);
	X509_free(k->root);
	X509_free(k->dev);
	X509_free(k->ak);
	free(k->chain.p);
	free(k->spki);
}

/* |xml|'s signature by the test attestation key. */
static struct buf pki_sign(const struct pki *k, const char *xml, size_t len)
{
	struct buf s = { malloc(512), 512 };
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (s.p == NULL || c == NULL || EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k->ak_key) != 1 ||
	    EVP_DigestSign(c, s.p, &s.len, (const unsigned char *)xml, len) != 1)
		s.len = 0;
	EVP_MD_CTX_free(c);
	return s;
}

/* Runs |xml| signed and trusted; fills |x|. */
static int run_signed(struct run *x, const struct pki *k, const char *xml, size_t len)
{
	csra_verifier *v = csra_verifier_new();
	if (v == NULL || csra_verifier_drop_format_bundle(v, "securosys-primus") != CSRA_OK ||
	    csra_verifier_add_format_trust_file(v, "securosys-primus", k->root_path) != CSRA_OK) {
		csra_verifier_free(&v);
		return 0;
	}
	struct buf sig = pki_sign(k, xml, len);
	struct buf parts[3] = { { (uint8_t *)xml, len }, sig, k->chain };
	/* Named: a document with a DOCTYPE is not detected as this format
	 * (its root does not follow the declaration), and must still be
	 * refused when the caller says what it is. */
	run_format = "securosys-primus";
	int ok = sig.len == 256 && run(x, v, T_2026, k->spki, k->spki_len, parts, 3);
	run_format = NULL;
	free(sig.p);
	csra_verifier_free(&v);
	return ok;
}

/* A well-formed attestation of the test key, with |attrs| for
 * <attributes> and |extra| before it. */
static char *doc(const struct pki *k, const char *prolog, const char *extra, const char *attrs)
{
	size_t cap = 4096 + strlen(extra);
	char *s = malloc(cap);
	if (s != NULL)
		snprintf(s, cap, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s<private_key creation=\"generated\">\n"
		    "\t<label>k</label>\n\t<algorithm>RSA</algorithm>\n\t<algorithm_oid>1.2.840.113549.1.1.1</algorithm_oid>\n"
		    "\t<key_size>2048</key_size>\n\t<public_key>%s</public_key>\n%s\t<attributes>\n%s\t</attributes>\n"
		    "</private_key>\n", prolog, k->spki_b64, extra, attrs);
	return s;
}

#define GOOD_ATTRS "\t\t<sign>true</sign>\n\t\t<sensitive>true</sensitive>\n" \
	"\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>false</extractable>\n" \
	"\t\t<never_extractable>true</never_extractable>\n"

static int test_synthetic_good(void)
{
	struct pki k;
	CHECK(pki_make(&k));
	char *xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	struct run x;
	CHECK(run_signed(&x, &k, xml, strlen(xml)));
	CHECK(x.o->verified == 1 && x.o->bound == 1);
	CHECK(text_is(x.o, "platform", "hwserial", "42"));
	CHECK(key_bool(x.o, "sign", 1) && key_bool(x.o, "never-extractable", 1));
	run_free(&x);
	free(xml);
	/* Without <sensitive>: always_sensitive gives it. */
	xml = doc(&k, "", "", "\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>false</extractable>\n"
	    "\t\t<never_extractable>true</never_extractable>\n");
	CHECK(xml != NULL && run_signed(&x, &k, xml, strlen(xml)));
	CHECK(x.o->verified == 1 && key_bool(x.o, "sensitive", 1) && key_bool(x.o, "always-sensitive", 1));
	run_free(&x);
	free(xml);
	/* creation other than "generated": not local, the value kept. */
	xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	char *c = strstr(xml, "\"generated\"");
	CHECK(c != NULL);
	memcpy(c, "\"imported\" ", 11);
	CHECK(run_signed(&x, &k, xml, strlen(xml)));
	CHECK(x.o->verified == 1 && key_bool(x.o, "local", 0) && text_is(x.o, "key", "creation", "imported"));
	run_free(&x);
	free(xml);
	pki_free(&k);
	return 1;
}

/* |s| with its first |from| replaced by |to| (from |s|, which is
 * freed), or NULL if |from| is not in it. */
static char *replaced(char *s, const char *from, const char *to)
{
	char *at = s != NULL ? strstr(s, from) : NULL, *out = NULL;
	size_t cap = at != NULL ? strlen(s) - strlen(from) + strlen(to) + 1 : 0;
	if (at != NULL && (out = malloc(cap)) != NULL)
		snprintf(out, cap, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	free(s);
	return out;
}

/* Each hostile document is refused at the parser with the message saying
 * why, the statement unverified and unbound. */
static int refused(const struct pki *k, const char *xml, size_t len, csra_err code, const char *check,
    const char *frag)
{
	struct run x;
	CHECK(run_signed(&x, k, xml, len));
	int ok = tu_has_check(x.r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, "parts[1]") &&
	    fails_with(x.r, check, code, frag) && x.o->verified == 0 && x.o->nkeys == 0 &&
	    tu_has_check(x.r, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, NULL);
	run_free(&x);
	return ok;
}

static int test_hostile(void)
{
	struct pki k;
	CHECK(pki_make(&k));
	char *xml;
	/* Billion laughs. */
	xml = doc(&k, "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>\n", "\t<label2>&lol2;</label2>\n", GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "a DOCTYPE"));
	free(xml);
	/* An external entity. */
	xml = doc(&k, "<!DOCTYPE private_key [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n",
	    "\t<label2>&xxe;</label2>\n", GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "a DOCTYPE"));
	free(xml);
	/* An entity reference with no DTD at all. */
	xml = doc(&k, "", "\t<label2>&xxe;</label2>\n", GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "not well-formed XML at line"));
	free(xml);
	/* A comment and a processing instruction. */
	xml = doc(&k, "", "\t<!-- hi -->\n", GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "comment or CDATA"));
	free(xml);
	xml = doc(&k, "", "\t<?php x?>\n", GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "processing instruction"));
	free(xml);
	/* Nested deeper than the cap. */
	char deep[40 * 7 + 40 * 8 + 1] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "<a>");
	for (int i = 0; i < 40; i++)
		strcat(deep, "</a>");
	xml = doc(&k, "", deep, GOOD_ATTRS);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "nested deeper than 32"));
	free(xml);
	/* Too many siblings: the duplicate check stays linear. */
	char *many = malloc(100 * 16 + 1);
	CHECK(many != NULL);
	many[0] = '\0';
	for (int i = 0; i < 100; i++)
		sprintf(many + strlen(many), "\t<f%03d>x</f%03d>\n", i, i);
	xml = doc(&k, "", many, GOOD_ATTRS);
	free(many);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "more than 64 elements in <private_key>"));
	free(xml);
	/* Over the size cap. */
	size_t big = 300 * 1024;
	char *pad = malloc(big + 32);
	CHECK(pad != NULL);
	strcpy(pad, "\t<pad>");
	memset(pad + 6, 'a', big);
	strcpy(pad + 6 + big, "</pad>\n");
	xml = doc(&k, "", pad, GOOD_ATTRS);
	free(pad);
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "over the cap of 262144"));
	free(xml);
	/* A duplicate <extractable>. */
	xml = doc(&k, "", "", GOOD_ATTRS "\t\t<extractable>true</extractable>\n");
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<extractable> appears more than once"));
	struct run x;
	CHECK(run_signed(&x, &k, xml, strlen(xml)));
	CHECK(tu_has_check(x.r, "securosys-primus.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED,
	    "/private_key/attributes/extractable"));
	run_free(&x);
	free(xml);
	/* A boolean that is not "true" or "false". */
	xml = doc(&k, "", "", "\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>no</extractable>\n"
	    "\t\t<never_extractable>true</never_extractable>\n");
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<extractable> must be \"true\" or \"false\""));
	free(xml);
	/* Contradictory attributes. */
	xml = doc(&k, "", "", "\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>true</extractable>\n"
	    "\t\t<never_extractable>true</never_extractable>\n");
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "contradictory"));
	free(xml);
	/* A required attribute missing. */
	xml = doc(&k, "", "", "\t\t<always_sensitive>true</always_sensitive>\n\t\t<extractable>false</extractable>\n");
	CHECK(xml != NULL && refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<never_extractable> is missing"));
	free(xml);
	/* Bad base64 in <public_key>: a character outside the alphabet,
	 * then a line break inside. */
	xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	char *pk = strstr(xml, "<public_key>");
	CHECK(pk != NULL);
	pk[20] = '*';
	CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<public_key> is not canonical base64"));
	pk[20] = '\n';
	CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<public_key> is not canonical base64"));
	free(xml);
	/* <key_size> that is not the key's. */
	xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	char *ks = strstr(xml, "2048</key_size>");
	CHECK(ks != NULL);
	memcpy(ks, "4096", 4);
	CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode",
	    "<key_size> says 4096"));
	free(xml);
	/* No public key. */
	xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	pk = strstr(xml, "<public_key>");
	CHECK(pk != NULL);
	memcpy(pk, "<public_kez>", 12);
	memcpy(strstr(pk, "</public_key>"), "</public_kez>", 13);
	CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_NO_KEY, "securosys-primus.key", "<public_key> is missing"));
	free(xml);
	/* A namespace, text beside elements, an attribute on a field. */
	const char *shapes[][2] = {
		{ "<private_key creation=\"generated\">", "<private_key xmlns=\"urn:x\" creation=\"generated\">" },
		{ "<label>k</label>", "<label a=\"1\">k</label>" },
		{ "\t<label>", "x<label>" },
	};
	const char *why[] = { "the root element must be <private_key> without a namespace", "has attributes",
		"text outside" };
	for (size_t i = 0; i < 3; i++) {
		xml = replaced(doc(&k, "", "", GOOD_ATTRS), shapes[i][0], shapes[i][1]);
		CHECK(xml != NULL);
		CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_MALFORMED, "securosys-primus.decode", why[i]));
		free(xml);
	}
	pki_free(&k);
	return 1;
}

/* Each field written otherwise than Primus writes it is refused with
 * the message saying which: the document is the well-formed one with
 * |extra| added (optional fields), then |from| replaced by |to| and
 * |from2| by |to2| where given. */
static int test_fields(void)
{
	struct pki k;
	CHECK(pki_make(&k));
	static const struct {
		const char *extra, *from, *to, *check, *frag;
		csra_err code;
		const char *from2, *to2;
	} cases[] = {
		{ "", "creation=\"generated\">", "creation=\"generated\" b=\"1\">", "securosys-primus.decode",
		    "takes one attribute, creation, and nothing else", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", "<private_key creation=\"generated\">", "<private_key>", "securosys-primus.decode",
		    "<private_key creation=...> is missing", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", "\"generated\"", "\"Generated\"", "securosys-primus.decode",
		    "creation must be a word of lower-case letters", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "\t<create_time>2026-01-01</create_time>\n", "", "", "securosys-primus.decode",
		    "create_time must be YYYY-MM-DDTHH:MM:SSZ", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "\t<attest_time>2026-01-01T00:00:00</attest_time>\n", "", "", "securosys-primus.decode",
		    "attest_time must be YYYY-MM-DDTHH:MM:SSZ", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		/* The shape of a time, not a time that exists. */
		{ "\t<attest_time>2026-02-30T00:00:00Z</attest_time>\n", "", "", "securosys-primus.decode",
		    "attest_time must be YYYY-MM-DDTHH:MM:SSZ", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "\t<key_use_count>-1</key_use_count>\n", "", "", "securosys-primus.decode",
		    "key_use_count must be a decimal count", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", "<algorithm>RSA<", "<algorithm>rsa<", "securosys-primus.decode",
		    "algorithm must be a name such as RSA or EC", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", ">1.2.840.113549.1.1.1<", ">1.2.840..113549.1.1.1<", "securosys-primus.decode",
		    "algorithm_oid must be a dotted OID", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		/* OBJ_txt2obj reads these as the key's OID: one spelling only. */
		{ "", ">1.2.840.113549.1.1.1<", ">1.2.840.113549.1.1.01<", "securosys-primus.decode",
		    "algorithm_oid must be a dotted OID", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", ">1.2.840.113549.1.1.1<", ">1.2.840.113549.1.1.1.<", "securosys-primus.decode",
		    "algorithm_oid must be a dotted OID", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", ">1.2.840.113549.1.1.1<", ">.1.2.840.113549.1.1.1<", "securosys-primus.decode",
		    "algorithm_oid must be a dotted OID", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", ">1.2.840.113549.1.1.1<", ">1.2.840.10045.2.1<", "securosys-primus.decode",
		    "<public_key>'s algorithm is not <algorithm_oid>", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", ">2048<", ">2048 <", "securosys-primus.decode",
		    "key_size must be a decimal number of bits", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
		{ "", "<attributes>", "<attributez>", "securosys-primus.decode",
		    "<attributes> is missing", CSRA_ERR_FMT_MALFORMED, "</attributes>", "</attributez>" },
		{ "", "<label>k</label>", "<label xmlns=\"urn:x\">k</label>", "securosys-primus.decode",
		    "<label> has a namespace", CSRA_ERR_FMT_MALFORMED, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *xml = doc(&k, "", cases[i].extra, GOOD_ATTRS);
		if (cases[i].from[0] != '\0')
			xml = replaced(xml, cases[i].from, cases[i].to);
		if (cases[i].from2 != NULL)
			xml = replaced(xml, cases[i].from2, cases[i].to2);
		CHECK(xml != NULL);
		if (!refused(&k, xml, strlen(xml), cases[i].code, cases[i].check, cases[i].frag)) {
			fprintf(stderr, "  case %zu\n", i);
			free(xml);
			pki_free(&k);
			return 0;
		}
		free(xml);
	}
	/* <public_key>: canonical base64 of bytes that are not an SPKI. */
	char *xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	char *pk = strstr(xml, "<public_key>"), *end = pk ? strstr(pk, "</public_key>") : NULL;
	CHECK(end != NULL);
	memcpy(pk + 12, "AAAA", 4);
	memmove(pk + 16, end, strlen(end) + 1);
	CHECK(refused(&k, xml, strlen(xml), CSRA_ERR_FMT_NO_KEY, "securosys-primus.key",
	    "<public_key> is not a SubjectPublicKeyInfo OpenSSL reads"));
	free(xml);
	pki_free(&k);
	return 1;
}

/* An attestation key whose certificate is a CA's is refused, whatever it
 * signed. */
static int test_ak_is_ca(void)
{
	struct pki k;
	CHECK(pki_make_ak(&k, 1));
	char *xml = doc(&k, "", "", GOOD_ATTRS);
	CHECK(xml != NULL);
	struct run x;
	CHECK(run_signed(&x, &k, xml, strlen(xml)));
	CHECK(fails_with(x.r, "ak.profile", CSRA_ERR_AK_IS_CA, "is a CA certificate"));
	CHECK(x.o->verified == 0);
	run_free(&x);
	free(xml);
	pki_free(&k);
	return 1;
}

/* cabf-csbr: the sample's key claims all hold (generated, never
 * extractable, sensitive), and it counts without a nonce; it fails for
 * want of FIPS claims, which a Primus key attestation does not carry. */
static int test_cabf_csbr(void)
{
	struct sample s;
	CHECK(sample(&s));
	csra_verifier *v = verifier();
	csra_policy *cabf = csra_policy_cabf_csbr();
	CHECK(v != NULL && cabf != NULL);
	CHECK(csra_policy_freshness_exempt(cabf, NULL, 0, "securosys-primus"));
	struct buf parts[3] = { s.xml, s.sig, s.chain };
	struct run x;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3));
	CHECK(x.o->verified == 1 && x.o->bound == 1);
	EVP_PKEY *k = csra_spki_pkey(NULL, s.spki, s.spki_len);
	CHECK(k != NULL);
	csra_policy_stmt st = { NULL, 0, "securosys-primus", x.o };
	csra_policy_input in = { k, &st, 1, s.spki, s.spki_len, 1 };
	csra_result *pr = csra_result_new();
	CHECK(pr != NULL);
	CHECK(csra_policy_eval(cabf, &in, pr) == 0);
	CHECK(tu_has_check(pr, "policy.freshness", CSRA_STATUS_PASS, CSRA_OK, ""));
	CHECK(tu_has_check(pr, "policy.key-algorithm", CSRA_STATUS_PASS, CSRA_OK, ""));
	const char *held[] = { "key.extractable", "key.never-extractable", "key.sensitive", "key.local" };
	for (size_t i = 0; i < 4; i++)
		CHECK(tu_has_check(pr, "policy.claim", CSRA_STATUS_PASS, CSRA_OK, held[i]));
	CHECK(tu_has_check(pr, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, "platform.fipsboot"));
	CHECK(tu_has_check(pr, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, "platform.fipslevel"));
	CHECK(tu_has_check(pr, "policy.statement", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_UNMET, "statements[0]"));
	csra_result_free(&pr);
	EVP_PKEY_free(k);
	run_free(&x);
	csra_policy_free(&cabf);
	csra_verifier_free(&v);
	sample_free(&s);
	return 1;
}

/* The request itself with the three files beside it: under cabf-csbr
 * refused for the FIPS claims only; under a policy asking for the key
 * claims, verified. The XML alone is refused for its missing parts, and a
 * document this format's detection does not take is no format's. */
static int test_request(void)
{
	struct sample s;
	CHECK(sample(&s));
	uint8_t *csr;
	size_t csr_len;
	CHECK(tu_shared_der(DIR "csr.pem", &csr, &csr_len));
	csra_verifier *v = verifier();
	csra_policy *cabf = csra_policy_cabf_csbr(), *keys = NULL;
	static const char keys_json[] = "{\"name\": \"primus-keys\", \"claims\": {\"key\": "
	    "{\"extractable\": false, \"never-extractable\": true, \"sensitive\": true, \"local\": true}},"
	    " \"freshness_exempt\": [\"securosys-primus\"]}";
	char err[128];
	CHECK(v != NULL && cabf != NULL);
	CHECK(csra_policy_from_json(keys_json, strlen(keys_json), &keys, err, sizeof(err)) == CSRA_OK);
	csra_attestation *a = csra_attestation_new();
	CHECK(a != NULL && csra_attestation_add_part(a, s.chain.p, s.chain.len) == CSRA_OK &&
	    csra_attestation_add_part(a, s.sig.p, s.sig.len) == CSRA_OK &&
	    csra_attestation_add_part(a, s.xml.p, s.xml.len) == CSRA_OK);
	const csra_attestation *atts[1] = { a };
	csra_result *r = NULL;
	CHECK(csra_verifier_set_policy(v, cabf) == CSRA_OK);
	CHECK(csra_verify_request_with(v, csr, csr_len, NULL, 0, atts, 1, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(csra_result_statement_count(r) == 1);
	const csra_result *st = csra_result_statement(r, 0);
	CHECK(tu_has_check(st, "attestation.format", CSRA_STATUS_PASS, CSRA_OK, ""));
	CHECK(tu_has_check(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(tu_has_check(r, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, "platform.fipsboot"));
	CHECK(tu_has_check(r, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, "platform.fipslevel"));
	CHECK(tu_has_check(r, "policy.claim", CSRA_STATUS_PASS, CSRA_OK, "key.never-extractable"));
	csra_result_free(&r);
	CHECK(csra_verifier_set_policy(v, keys) == CSRA_OK);
	CHECK(csra_verify_request_with(v, csr, csr_len, NULL, 0, atts, 1, &r) == CSRA_OK);
	if (csra_result_verdict(r) != CSRA_VERDICT_VERIFIED)
		tu_dump_result(r, 0);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_VERIFIED);
	csra_result_free(&r);
	csra_attestation_free(&a);

	/* The XML alone, as a single file beside the request. */
	const uint8_t *files[1] = { s.xml.p };
	size_t lens[1] = { s.xml.len };
	CHECK(csra_verify_request_ex(v, csr, csr_len, NULL, 0, files, lens, NULL, 1, &r) == CSRA_OK);
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	st = csra_result_statement(r, 0);
	CHECK(st != NULL && fails_with(st, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING, "the signature"));
	CHECK(fails_with(st, "securosys-primus.parts", CSRA_ERR_FMT_PART_MISSING, "the certificate chain"));
	csra_result_free(&r);

	/* A DOCTYPE before the root: not detected, so no format's. */
	struct buf bad = { malloc(s.xml.len + 64), 0 };
	CHECK(bad.p != NULL);
	const char *nl = memchr(s.xml.p, '\n', s.xml.len);
	CHECK(nl != NULL);
	size_t head = (size_t)(nl - (const char *)s.xml.p) + 1;
	memcpy(bad.p, s.xml.p, head);
	bad.len = head + (size_t)sprintf((char *)bad.p + head, "<!DOCTYPE private_key>\n");
	memcpy(bad.p + bad.len, s.xml.p + head, s.xml.len - head);
	bad.len += s.xml.len - head;
	CHECK(csra_format_detects(&csra_format_securosys_primus, bad.p, bad.len) == 0);
	struct buf parts[3] = { bad, s.sig, s.chain };
	struct run x;
	CHECK(run(&x, v, T_2026, s.spki, s.spki_len, parts, 3) == 0 || x.r != NULL);
	CHECK(x.r != NULL && tu_has_check(x.r, "attestation.format", CSRA_STATUS_FAIL, CSRA_ERR_FMT_UNKNOWN, ""));
	run_free(&x);
	free(bad.p);
	csra_policy_free(&cabf);
	csra_policy_free(&keys);
	csra_verifier_free(&v);
	free(csr);
	sample_free(&s);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_sample),
		TU(test_sample_base64_signature),
		TU(test_tampered),
		TU(test_binding_trust_expiry),
		TU(test_parts),
		TU(test_detect),
		TU(test_synthetic_good),
		TU(test_hostile),
		TU(test_fields),
		TU(test_ak_is_ca),
		TU(test_cabf_csbr),
		TU(test_request),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
