/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Yubico's formats: "yubico-piv" (the Purebred YubiKey 4 requests, their
 * two roots, and hierarchies made here in the shapes of YubiKey 4's and of
 * the 2024 one) and "yubihsm2" (the shared YubiHSM 2 chain and CSR, and
 * chains made here). Each negative variant asserts its check and code.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"
#include "testpki.h"
#include "testutil.h"

#define PUREBRED "vectors/vendors/yubico-piv/purebred-SampleAttestations/"
#define OLD_ROOT PUREBRED "YubicoRoot.der"
#define PIV_ROOT "vectors/vendors/yubico-piv/yubico-piv-root-ca-serial-263751.pem"
#define HSM_DIR "vectors/vendors/yubihsm2/niklasgillstrom-hsm/"
#define HSM_ROOT "vectors/vendors/yubihsm2/yubihsm2-attest-ca-crt_from-niklasgillstrom-hsm.pem"

static const char *const REQUESTS[] = {
	"Yubikey_4_3_3/1_device_preenroll_attestation.bin", "Yubikey_4_3_3/2_device_scep_request.bin",
	"Yubikey_4_3_3/3_user_id_scep_request.bin", "Yubikey_4_3_3/4_user_sig_scep_request.bin",
	"Yubikey_4_3_3/5_user_piv_scep_request.bin",
};

/* Helpers ------------------------------------------------------------- */

static char *shared_path(const char *rel)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, rel);
	return path;
}

/* A verifier that trusts exactly |root| (a shared file, or none) for
 * |kind|, whatever the built-in bundle holds. */
static csra_verifier *verifier(const char *kind, const char *root)
{
	csra_verifier *v = csra_verifier_new();
	if (v == NULL || csra_verifier_drop_format_bundle(v, kind) != CSRA_OK)
		goto fail;
	if (root != NULL && strstr(root, ".der") != NULL) {
		/* The trust file reader takes PEM: a DER root goes in parsed. */
		size_t len;
		uint8_t *der = tu_shared_file(root, &len);
		const unsigned char *p = der;
		X509 *x = der ? d2i_X509(NULL, &p, (long)len) : NULL;
		csra_err e = x ? csra_verifier_add_format_trust(v, kind, x) : CSRA_ERR_INVALID_ARGUMENT;
		X509_free(x);
		free(der);
		if (e != CSRA_OK)
			goto fail;
	} else if (root != NULL && csra_verifier_add_format_trust_file(v, kind, shared_path(root)) != CSRA_OK) {
		goto fail;
	}
	return v;
fail:
	csra_verifier_free(&v);
	return NULL;
}

/* The check |name| of |r| with |code| has |status|. */
static int has(const csra_result *r, const char *name, csra_status status, csra_err code)
{
	long i = csra_result_find(r, name, code);
	const char *n, *m, *p;
	csra_status s;
	csra_err c;
	if (i < 0 || !csra_result_check(r, (size_t)i, &n, &s, &c, &m, &p)) {
		fprintf(stderr, "no check %s with %s\n", name, csra_err_name(code));
		for (size_t k = 0; csra_result_check(r, k, &n, &s, &c, &m, &p); k++)
			fprintf(stderr, "  %s %d %s %s: %s\n", n, (int)s, csra_err_name(c), p, m);
		return 0;
	}
	return s == status;
}

/* No check named |name| at all. */
static int absent(const csra_result *r, const char *name)
{
	const char *n, *m, *p;
	csra_status s;
	csra_err c;
	for (size_t k = 0; csra_result_check(r, k, &n, &s, &c, &m, &p); k++)
		if (strcmp(n, name) == 0)
			return 0;
	return 1;
}

static int claim_text(const csra_result *st, const char *el, const char *name, const char *want)
{
	const csra_stmt_claim *c = st->stmt ? csra_stmt_find(st->stmt, el, name) : NULL;
	if (c == NULL || c->type != CSRA_VALUE_UTF8 || c->text_len != strlen(want) ||
	    memcmp(c->text, want, c->text_len) != 0) {
		fprintf(stderr, "claim %s.%s is not \"%s\" (%.*s)\n", el, name, want,
		    c && c->type == CSRA_VALUE_UTF8 ? (int)c->text_len : 0, c && c->text ? c->text : "");
		return 0;
	}
	return 1;
}

static int claim_bool(const csra_result *st, const char *el, const char *name, int want)
{
	const csra_stmt_claim *c = st->stmt ? csra_stmt_find(st->stmt, el, name) : NULL;
	return c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == want;
}

static int no_claim(const csra_result *st, const char *el, const char *name)
{
	return st->stmt == NULL || csra_stmt_find(st->stmt, el, name) == NULL;
}

/* The value of Purebred's attribute 1.3.6.1.4.1.37623.26.4 in the request
 * |der|: the certs-only SignedData (found by its OID, then its SET). */
static uint8_t *purebred_bag(const uint8_t *der, size_t len, size_t *out_len)
{
	static const uint8_t oid[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xa5, 0x77, 0x1a, 0x04 };
	for (size_t i = 0; i + sizeof(oid) + 4 < len; i++) {
		if (memcmp(der + i, oid, sizeof(oid)) != 0)
			continue;
		const uint8_t *p = der + i + sizeof(oid);
		if (p[0] != 0x31)
			return NULL;
		size_t hl = 2, l = p[1];
		if (l & 0x80) {
			hl = 2 + (l & 0x7f);
			l = 0;
			for (size_t k = 2; k < hl; k++)
				l = l << 8 | p[k];
		}
		uint8_t *v = malloc(l);
		if (v != NULL)
			memcpy(v, p + hl, l);
		*out_len = l;
		return v;
	}
	return NULL;
}

/* The certificates of |bag| as a PEM chain, each DER passed through
 * |edit| (may be NULL) first. */
static uint8_t *pem_chain(const uint8_t *bag, size_t len, void (*edit)(uint8_t *, size_t, size_t),
    size_t *out_len)
{
	csra_certbag b;
	char why[128];
	if (csra_certbag_read(bag, len, 16, &b, why, sizeof(why)) != CSRA_OK)
		return NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	for (size_t i = 0; bio != NULL && i < b.n; i++) {
		if (edit)
			edit(b.entries[i].der, b.entries[i].len, i);
		PEM_write_bio(bio, "CERTIFICATE", "", b.entries[i].der, (long)b.entries[i].len);
	}
	csra_certbag_clear(&b);
	char *p;
	long n = bio ? BIO_get_mem_data(bio, &p) : 0;
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;
	if (out != NULL)
		memcpy(out, p, (size_t)n);
	*out_len = (size_t)n;
	BIO_free(bio);
	return out;
}

static uint8_t *pem_of(X509 *const *certs, size_t n, size_t *out_len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	for (size_t i = 0; bio != NULL && i < n; i++)
		PEM_write_bio_X509(bio, certs[i]);
	char *p;
	long l = bio ? BIO_get_mem_data(bio, &p) : 0;
	uint8_t *out = l > 0 ? malloc((size_t)l) : NULL;
	if (out != NULL)
		memcpy(out, p, (size_t)l);
	*out_len = (size_t)l;
	BIO_free(bio);
	return out;
}

static uint8_t *spki_of(X509 *x, size_t *len)
{
	uint8_t *p = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &p);
	*len = n > 0 ? (size_t)n : 0;
	return n > 0 ? p : NULL;
}

/* Certificates made here ----------------------------------------------- */

struct ext {
	const char *oid;
	const uint8_t *v;
	size_t len;
};

#define BC_NONE (-1)
#define BC_CA (-2)	/* CA:TRUE, no pathLenConstraint; >= 0: that pathlen */
#define BC_LEAF (-3)	/* CA:FALSE */

static X509 *mk(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int bc,
    const struct ext *exts, size_t n)
{
	static long serial = 5000;
	X509 *x = X509_new();
	if (x == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)cn,
	    -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, key);
	int ok = 1;
	char conf[64];
	if (bc != BC_NONE) {
		if (bc == BC_LEAF)
			snprintf(conf, sizeof(conf), "critical,CA:FALSE");
		else if (bc == BC_CA)
			snprintf(conf, sizeof(conf), "critical,CA:TRUE");
		else
			snprintf(conf, sizeof(conf), "critical,CA:TRUE,pathlen:%d", bc);
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, conf);
		ok = e != NULL && X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	for (size_t i = 0; ok && i < n; i++) {
		ASN1_OBJECT *o = OBJ_txt2obj(exts[i].oid, 1);
		ASN1_OCTET_STRING *s = ASN1_OCTET_STRING_new();
		ok = o && s && ASN1_OCTET_STRING_set(s, exts[i].v, (int)exts[i].len);
		X509_EXTENSION *e = ok ? X509_EXTENSION_create_by_OBJ(NULL, o, 0, s) : NULL;
		ok = ok && e && X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OBJECT_free(o);
		ASN1_OCTET_STRING_free(s);
	}
	if (!ok || X509_sign(x, ikey ? ikey : key, EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static const uint8_t FW_533[] = { 5, 3, 3 }, SERIAL[] = { 0x02, 0x02, 0x30, 0x39 }, POLICY[] = { 3, 2 },
	FF_FIPS_NANO[] = { 0x82 };

static const struct ext SLOT_EXTS[] = {
	{ "1.3.6.1.4.1.41482.3.3", FW_533, 3 }, { "1.3.6.1.4.1.41482.3.7", SERIAL, 4 },
	{ "1.3.6.1.4.1.41482.3.8", POLICY, 2 }, { "1.3.6.1.4.1.41482.3.9", FF_FIPS_NANO, 1 },
};

/* A made PIV hierarchy: keys[0] is the root's, certs[0] the slot's. */
struct pki {
	EVP_PKEY *keys[6];
	X509 *certs[6];
	size_t n;
};

static void pki_free(struct pki *p)
{
	for (size_t i = 0; i < 6; i++) {
		EVP_PKEY_free(p->keys[i]);
		X509_free(p->certs[i]);
	}
	memset(p, 0, sizeof(*p));
}

/* A chain of |n| certificates: names[i] (bottom first) with basic
 * constraints bcs[i]; the bottom one carries |exts|. */
static int pki_make(struct pki *p, size_t n, const char *const *names, const int *bcs, const struct ext *exts,
    size_t nexts)
{
	memset(p, 0, sizeof(*p));
	p->n = n;
	for (size_t i = 0; i < n; i++)
		if ((p->keys[i] = tp_key("EC", "P-256")) == NULL)
			return 0;
	for (size_t k = n; k-- > 0;) {
		X509 *issuer = k + 1 < n ? p->certs[k + 1] : NULL;
		EVP_PKEY *ikey = k + 1 < n ? p->keys[k + 1] : NULL;
		p->certs[k] = mk(names[k], p->keys[k], issuer, ikey, bcs[k], k == 0 ? exts : NULL, k == 0 ? nexts : 0);
		if (p->certs[k] == NULL)
			return 0;
	}
	return 1;
}

/* The Purebred keys, made on YubiKey 4 firmware 4.3.3, carry the ROCA
 * fingerprint (CVE-2017-15361): an attestation vouching for one does not
 * verify unless the policy waives key.weak.roca, which these tests of the
 * format do, with the policy it is kept in. */
static csra_policy *roca_waived;

static int waive_roca(csra_verifier *v)
{
	static const char json[] = "{\"name\": \"test\", \"waive\": [\"key.weak.roca\"]}";
	char err[200];
	if (roca_waived == NULL &&
	    csra_policy_from_json(json, sizeof(json) - 1, &roca_waived, err, sizeof(err)) != CSRA_OK)
		return 0;
	return csra_verifier_set_policy(v, roca_waived) == CSRA_OK;
}

/* Yubico PIV: the Purebred samples ------------------------------------- */

static int purebred_one(const char *root, int pathlen_quirk)
{
	csra_verifier *v = verifier("yubico-piv", root);
	CHECK(v != NULL);
	for (size_t i = 0; i < sizeof(REQUESTS) / sizeof(REQUESTS[0]); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), PUREBRED "%s", REQUESTS[i]);
		size_t len;
		uint8_t *der = tu_shared_file(rel, &len);
		CHECK(der != NULL);
		/* Twice: the second finds the path in the chain cache, and
		 * still records the deviations it holds. */
		for (int pass = 0; pass < 2; pass++) {
		unsigned long h0, m0, h1, m1;
		csra_cache_stats(v, &h0, &m0);
		csra_result *r = NULL;
		CHECK(csra_verify_request_ex(v, der, len, NULL, 0, NULL, NULL, NULL, 0, &r) == CSRA_OK);
		csra_cache_stats(v, &h1, &m1);
		/* (A first pass may hit too: requests 1 and 2 carry the same
		 * device attestation.) */
		CHECK(pass == 0 || (h1 == h0 + 1 && m1 == m0));
		CHECK(csra_result_statement_count(r) == 1);
		const csra_result *st = csra_result_statement(r, 0);
		CHECK(strcmp(st->kind, "yubico-piv") == 0);
		CHECK(csra_result_statement_verified(r, 0));
		CHECK(csra_result_statement_bound(r, 0));
		CHECK(has(st, "yubico-piv.decode", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(has(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(has(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(has(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(has(st, "quirk.f9-no-basic-constraints", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK));
		if (pathlen_quirk)
			CHECK(has(st, "quirk.root-pathlen", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK));
		else
			CHECK(absent(st, "quirk.root-pathlen"));
		CHECK(claim_text(st, "platform", "vendor", "Yubico"));
		CHECK(claim_text(st, "platform", "hwmodel", "YubiKey 4"));
		CHECK(claim_text(st, "platform", "swversion", "4.3.3"));
		CHECK(claim_text(st, "platform", "hwserial", "5250272"));
		/* Purebred's slots: 9e (PIN never, as PIV's card
		 * authentication slot), the others once or always. */
		const csra_stmt_claim *pin = csra_stmt_find(st->stmt, "key", "pin-policy");
		CHECK(pin != NULL && pin->type == CSRA_VALUE_UTF8);
		CHECK(strcmp(pin->text, "never") == 0 || strcmp(pin->text, "once") == 0 ||
		    strcmp(pin->text, "always") == 0);
		CHECK(csra_stmt_find(st->stmt, "key", "touch-policy") != NULL);
		CHECK(claim_bool(st, "key", "local", 1));
		CHECK(claim_bool(st, "key", "extractable", 0));
		CHECK(claim_bool(st, "key", "never-extractable", 1));
		CHECK(claim_bool(st, "key", "sensitive", 1));
		/* Not a FIPS series key: no fipsboot, so cabf-csbr refuses. */
		CHECK(no_claim(st, "platform", "fipsboot"));
		CHECK(no_claim(st, "platform", "fipslevel"));
		csra_result_free(&r);
		}
		free(der);
	}
	csra_verifier_free(&v);
	return 1;
}

/* The old root (pathlen 0): both deviations, each recorded. */
static int test_purebred_old_root(void)
{
	return purebred_one(OLD_ROOT, 1);
}

/* The 2018 re-issue (same key, pathlen 1): only F9's. */
static int test_purebred_current_root(void)
{
	return purebred_one(PIV_ROOT, 0);
}

/* The first request's bag, as DER (PKCS#7) and its request SPKI. */
static int purebred_bag0(uint8_t **bag, size_t *len)
{
	size_t rlen;
	uint8_t *req = tu_shared_file(PUREBRED "Yubikey_4_3_3/2_device_scep_request.bin", &rlen);
	*bag = req ? purebred_bag(req, rlen, len) : NULL;
	free(req);
	return *bag != NULL;
}

/* The PIV pkcs7 is detected as yubico-piv and as nothing else. */
static int test_detect(void)
{
	uint8_t *bag, *chain;
	size_t len, clen;
	CHECK(purebred_bag0(&bag, &len));
	const csra_format *piv = csra_format_find("yubico-piv"), *hsm = csra_format_find("yubihsm2");
	CHECK(piv != NULL && hsm != NULL);
	CHECK(csra_format_detects(piv, bag, len) == 1);
	CHECK(csra_format_detects(hsm, bag, len) == 0);
	chain = tu_shared_file(HSM_DIR "chain.pem", &clen);
	CHECK(chain != NULL);
	CHECK(csra_format_detects(hsm, chain, clen) == 1);
	CHECK(csra_format_detects(piv, chain, clen) == 0);
	/* Another vendor's root alone: neither. */
	size_t rlen;
	uint8_t *root = tu_shared_file(PIV_ROOT, &rlen);
	CHECK(root != NULL);
	CHECK(csra_format_detects(piv, root, rlen) == 0 && csra_format_detects(hsm, root, rlen) == 0);
	free(root);
	free(bag);
	free(chain);
	return 1;
}

/* Bound to another key: not bound; alone: the key is reported. */
static int test_piv_other_key(void)
{
	uint8_t *bag;
	size_t len;
	CHECK(purebred_bag0(&bag, &len));
	csra_verifier *v = verifier("yubico-piv", PIV_ROOT);
	CHECK(v != NULL);
	EVP_PKEY *k = tp_key("EC", "P-256");
	X509 *self = mk("other", k, NULL, NULL, BC_LEAF, NULL, 0);
	size_t slen;
	uint8_t *spki = spki_of(self, &slen);
	const csra_result *st;
	/* The attested key is not the one asked about, and is weak: the
	 * statement does not verify (key.weak.roca at its attested key). */
	csra_result *r = tu_attest(v, spki, slen, bag, len, "yubico-piv", &st);
	CHECK(r != NULL);
	CHECK(!csra_result_statement_verified(r, 0) && !csra_result_statement_bound(r, 0));
	CHECK(has(st, "key.weak.roca", CSRA_STATUS_FAIL, CSRA_ERR_WEAK_ROCA));
	CHECK(has(st, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND));
	csra_result_free(&r);
	/* Waived by the policy: a warning, and the statement verifies but
	 * is not bound. */
	CHECK(waive_roca(v));
	r = tu_attest(v, spki, slen, bag, len, "yubico-piv", &st);
	CHECK(r != NULL);
	CHECK(csra_result_statement_verified(r, 0));
	CHECK(!csra_result_statement_bound(r, 0));
	CHECK(has(st, "key.weak.roca", CSRA_STATUS_WARN, CSRA_ERR_WEAK_ROCA));
	CHECK(has(st, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND));
	csra_result_free(&r);
	/* Alone and detected: verified, the slot key reported. */
	r = tu_attest(v, NULL, 0, bag, len, NULL, &st);
	CHECK(r != NULL);
	CHECK(strcmp(st->kind, "yubico-piv") == 0 && csra_result_statement_verified(r, 0));
	size_t alen;
	CHECK(csra_result_attested_key(st, 0, &alen) != NULL && alen == 294);
	csra_result_free(&r);
	OPENSSL_free(spki);
	X509_free(self);
	EVP_PKEY_free(k);
	csra_verifier_free(&v);
	free(bag);
	return 1;
}

/* No root, or another vendor's root: untrusted. */
static int test_piv_untrusted(void)
{
	uint8_t *bag;
	size_t len;
	CHECK(purebred_bag0(&bag, &len));
	const char *roots[] = { NULL, HSM_ROOT };
	for (size_t i = 0; i < 2; i++) {
		csra_verifier *v = verifier("yubico-piv", roots[i]);
		CHECK(v != NULL);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, bag, len, "yubico-piv", &st);
		CHECK(r != NULL);
		CHECK(!csra_result_statement_verified(r, 0));
		CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED));
		CHECK(has(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK));
		CHECK(absent(st, "quirk.root-pathlen"));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(bag);
	return 1;
}

/* After the certificates' notAfter (2052-04-17): expired. */
static int test_piv_expired(void)
{
	uint8_t *bag;
	size_t len;
	CHECK(purebred_bag0(&bag, &len));
	csra_verifier *v = verifier("yubico-piv", OLD_ROOT);
	CHECK(v != NULL);
	CHECK(csra_verifier_set_time(v, (time_t)2597011200LL) == CSRA_OK);	/* 2052-04-18 */
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, bag, len, "yubico-piv", &st);
	CHECK(r != NULL);
	CHECK(!csra_result_statement_verified(r, 0));
	CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED));
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(bag);
	return 1;
}

/* The slot certificate is bag entry |slot|: flip a byte of the
 * signature (the certificate's last byte) of entry tamper_at. */
static size_t tamper_at;
static void flip_last(uint8_t *der, size_t len, size_t i)
{
	if (i == tamper_at)
		der[len - 1] ^= 0x01;
}

/* Which bag entry is the slot certificate (CN=YubiKey PIV Attestation 9e). */
static size_t slot_index(const uint8_t *bag, size_t len)
{
	csra_certbag b;
	char why[64];
	size_t idx = 99;
	if (csra_certbag_read(bag, len, 16, &b, why, sizeof(why)) != CSRA_OK)
		return idx;
	for (size_t i = 0; i < b.n; i++) {
		char cn[64];
		X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(b.certs, (int)i)), NID_commonName, cn,
		    sizeof(cn));
		if (strncmp(cn, "YubiKey PIV Attestation", 23) == 0)
			idx = i;
	}
	csra_certbag_clear(&b);
	return idx;
}

/* A flipped signature byte: in the slot certificate, ak.signature and
 * ak.chain fail with CSRA_ERR_SIG_INVALID; in F9's, ak.chain does (a
 * signature that does not verify is that, wherever on the path). */
static int test_piv_tampered(void)
{
	uint8_t *bag;
	size_t len;
	CHECK(purebred_bag0(&bag, &len));
	size_t slot = slot_index(bag, len);
	CHECK(slot < 2);
	csra_verifier *v = verifier("yubico-piv", OLD_ROOT);
	CHECK(v != NULL && waive_roca(v));
	for (int which = 0; which < 2; which++) {
		tamper_at = which == 0 ? slot : 1 - slot;
		size_t plen;
		uint8_t *pem = pem_chain(bag, len, flip_last, &plen);
		CHECK(pem != NULL);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, pem, plen, "yubico-piv", &st);
		CHECK(r != NULL);
		CHECK(!csra_result_statement_verified(r, 0));
		CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID));
		if (which == 0)
			CHECK(has(st, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID));
		else
			CHECK(has(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(has(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK));
		csra_result_free(&r);
		free(pem);
	}
	/* Untampered, re-wrapped as PEM: verifies (the variants above fail
	 * for the flipped byte only). */
	tamper_at = 99;
	size_t plen;
	uint8_t *pem = pem_chain(bag, len, flip_last, &plen);
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, pem, plen, "yubico-piv", &st);
	CHECK(r != NULL && csra_result_statement_verified(r, 0));
	csra_result_free(&r);
	free(pem);
	csra_verifier_free(&v);
	free(bag);
	return 1;
}

/* Yubico PIV: hierarchies made here ------------------------------------ */

/* Verifies the made chain (certs[0..nfile-1] in the file, root trusted,
 * plus certs[nfile..n-2] as trusted-store helpers when |helpers|). */
static csra_result *piv_made(const struct pki *p, size_t nfile, int helpers, int trust_root,
    const csra_result **st)
{
	csra_verifier *v = verifier("yubico-piv", NULL);
	if (v == NULL)
		return NULL;
	if (trust_root)
		csra_verifier_add_format_trust(v, "yubico-piv", p->certs[p->n - 1]);
	for (size_t i = nfile; helpers && i + 1 < p->n; i++)
		csra_verifier_add_format_trust(v, "yubico-piv", p->certs[i]);
	size_t len;
	uint8_t *pem = pem_of(p->certs, nfile, &len);
	size_t slen;
	uint8_t *spki = spki_of(p->certs[0], &slen);
	csra_result *r = pem && spki ? tu_attest(v, spki, slen, pem, len, "yubico-piv", st) : NULL;
	free(pem);
	OPENSSL_free(spki);
	csra_verifier_free(&v);
	return r;
}

/* The YubiKey 4 shape made here verifies with both quirks; its claims
 * follow the extensions (FIPS series nano, 5.3.3, serial 12345). */
static int test_piv_made_yk4_shape(void)
{
	static const char *const names[] = { "YubiKey PIV Attestation 9a", "Yubico PIV Attestation", "made root" };
	static const int bcs[] = { BC_NONE, BC_NONE, 0 };
	struct pki p;
	CHECK(pki_make(&p, 3, names, bcs, SLOT_EXTS, 4));
	const csra_result *st;
	csra_result *r = piv_made(&p, 2, 0, 1, &st);
	CHECK(r != NULL);
	CHECK(csra_result_statement_verified(r, 0) && csra_result_statement_bound(r, 0));
	CHECK(has(st, "quirk.f9-no-basic-constraints", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK));
	CHECK(has(st, "quirk.root-pathlen", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK));
	CHECK(claim_text(st, "platform", "swversion", "5.3.3"));
	CHECK(claim_text(st, "platform", "hwserial", "12345"));
	CHECK(claim_text(st, "platform", "hwmodel", "YubiKey 5 FIPS"));
	CHECK(claim_text(st, "platform", "form-factor", "usb-a-nano"));
	CHECK(claim_text(st, "key", "pin-policy", "always"));
	CHECK(claim_text(st, "key", "touch-policy", "always"));
	CHECK(claim_bool(st, "platform", "fipsboot", 1));
	CHECK(no_claim(st, "platform", "fipslevel"));
	csra_result_free(&r);
	pki_free(&p);
	return 1;
}

/* The same deviation where it is not accepted: a non-CA issuer of
 * another name at depth 1; a non-CA certificate at depth 2 (above an F9
 * of the right shape); a pathlen-0 root two levels above F9. */
static int test_piv_quirk_elsewhere_refused(void)
{
	static const struct {
		size_t n;
		const char *names[4];
		int bcs[4];
	} cases[] = {
		{ 3, { "YubiKey PIV Attestation 9a", "Not Yubico Attestation", "made root" }, { BC_NONE, BC_NONE, 1 } },
		{ 4, { "YubiKey PIV Attestation 9a", "Yubico PIV Attestation", "Other Intermediate", "made root" },
		    { BC_NONE, BC_NONE, BC_NONE, 2 } },
		{ 4, { "YubiKey PIV Attestation 9a", "Yubico PIV Attestation", "CA Intermediate", "made root" },
		    { BC_NONE, BC_NONE, BC_CA, 0 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pki p;
		CHECK(pki_make(&p, cases[i].n, cases[i].names, cases[i].bcs, SLOT_EXTS, 4));
		const csra_result *st;
		csra_result *r = piv_made(&p, cases[i].n - 1, 0, 1, &st);
		CHECK(r != NULL);
		CHECK(!csra_result_statement_verified(r, 0));
		CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_CHAIN));
		CHECK(has(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK));
		CHECK(absent(st, "quirk.root-pathlen"));
		if (i == 0)
			CHECK(absent(st, "quirk.f9-no-basic-constraints"));
		csra_result_free(&r);
		pki_free(&p);
	}
	return 1;
}

/* The 2024 hierarchy's shape: slot <- F9 <- "PIV Attestation A 1" <-
 * "Intermediate A 1" <- "Root 1"; the file holds slot and F9, the
 * intermediates come from the format's store next to the root. They are
 * path helpers, never anchors: without the root, untrusted. */
static int test_piv_2024_shape(void)
{
	static const char *const names[] = { "YubiKey PIV Attestation 9c", "Yubico PIV Attestation",
		"Yubico PIV Attestation A 1", "Yubico Attestation Intermediate A 1", "Yubico Attestation Root 1" };
	static const int bcs[] = { BC_NONE, BC_CA, 1, 2, 3 };
	struct pki p;
	CHECK(pki_make(&p, 5, names, bcs, SLOT_EXTS, 4));
	const csra_result *st;
	csra_result *r = piv_made(&p, 2, 1, 1, &st);
	CHECK(r != NULL);
	CHECK(csra_result_statement_verified(r, 0) && csra_result_statement_bound(r, 0));
	CHECK(absent(st, "quirk.f9-no-basic-constraints") && absent(st, "quirk.root-pathlen"));
	csra_result_free(&r);
	r = piv_made(&p, 2, 1, 0, &st);
	CHECK(r != NULL);
	CHECK(!csra_result_statement_verified(r, 0));
	CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED));
	csra_result_free(&r);
	pki_free(&p);
	return 1;
}

/* Extensions that do not decode: each named, and the statement fails. */
static int test_piv_bad_extensions(void)
{
	static const uint8_t fw2[] = { 5, 3 }, pol_bad[] = { 9, 1 }, ff_bad[] = { 0x3f }, serial_neg[] = { 0x02, 0x01, 0x80 };
	static const struct {
		struct ext e;
		const char *check;
	} cases[] = {
		{ { "1.3.6.1.4.1.41482.3.3", fw2, 2 }, "yubico-piv.extension.firmware" },
		{ { "1.3.6.1.4.1.41482.3.7", serial_neg, 3 }, "yubico-piv.extension.serial" },
		{ { "1.3.6.1.4.1.41482.3.8", pol_bad, 2 }, "yubico-piv.extension.policy" },
		{ { "1.3.6.1.4.1.41482.3.9", ff_bad, 1 }, "yubico-piv.extension.form-factor" },
	};
	static const char *const names[] = { "YubiKey PIV Attestation 9a", "Yubico PIV Attestation", "made root" };
	static const int bcs[] = { BC_NONE, BC_CA, 1 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pki p;
		CHECK(pki_make(&p, 3, names, bcs, &cases[i].e, 1));
		const csra_result *st;
		csra_result *r = piv_made(&p, 2, 0, 1, &st);
		CHECK(r != NULL);
		CHECK(!csra_result_statement_verified(r, 0));
		CHECK(has(st, cases[i].check, CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION));
		CHECK(has(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK));
		csra_result_free(&r);
		pki_free(&p);
	}
	return 1;
}

/* Malformed files: not a bag; a bag whose slot certificate's issuer is
 * missing. */
static int test_piv_malformed(void)
{
	csra_verifier *v = verifier("yubico-piv", PIV_ROOT);
	CHECK(v != NULL);
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	const csra_result *st;
	csra_result *r = tu_attest(v, NULL, 0, junk, sizeof(junk), "yubico-piv", &st);
	CHECK(r != NULL);
	CHECK(has(st, "yubico-piv.decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED));
	CHECK(has(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK));
	csra_result_free(&r);
	static const char *const names[] = { "YubiKey PIV Attestation 9a", "Yubico PIV Attestation", "made root" };
	static const int bcs[] = { BC_NONE, BC_CA, 1 };
	struct pki p;
	CHECK(pki_make(&p, 3, names, bcs, SLOT_EXTS, 4));
	size_t len;
	uint8_t *pem = pem_of(p.certs, 1, &len);
	r = tu_attest(v, NULL, 0, pem, len, "yubico-piv", &st);
	CHECK(r != NULL);
	CHECK(has(st, "yubico-piv.leaf", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED));
	csra_result_free(&r);
	free(pem);
	pki_free(&p);
	csra_verifier_free(&v);
	return 1;
}

/* YubiHSM 2 ------------------------------------------------------------ */

static int test_hsm_shared(void)
{
	csra_verifier *v = verifier("yubihsm2", HSM_ROOT);
	CHECK(v != NULL);
	uint8_t *csr, *chain;
	size_t csr_len, len;
	CHECK(tu_shared_der(HSM_DIR "csr.pem", &csr, &csr_len));
	chain = tu_shared_file(HSM_DIR "chain.pem", &len);
	CHECK(chain != NULL);
	const uint8_t *files[] = { chain };
	csra_result *r = NULL;
	CHECK(csra_verify_request_ex(v, csr, csr_len, NULL, 0, files, &len, NULL, 1, &r) == CSRA_OK);
	const csra_result *st = csra_result_statement(r, 0);
	CHECK(st != NULL && strcmp(st->kind, "yubihsm2") == 0);
	CHECK(has(st, "attestation.format", CSRA_STATUS_PASS, CSRA_OK));
	CHECK(csra_result_statement_verified(r, 0) && csra_result_statement_bound(r, 0));
	CHECK(has(st, "ak.signature", CSRA_STATUS_PASS, CSRA_OK));
	CHECK(has(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK));
	CHECK(has(st, "statement.binding", CSRA_STATUS_PASS, CSRA_OK));
	CHECK(has(st, "yubihsm2.extension.fips", CSRA_STATUS_PASS, CSRA_OK));
	CHECK(claim_text(st, "platform", "vendor", "Yubico"));
	CHECK(claim_text(st, "platform", "hwmodel", "YubiHSM 2"));
	CHECK(claim_text(st, "platform", "hwserial", "20783176"));
	CHECK(claim_text(st, "platform", "swversion", "2.2.0"));
	CHECK(claim_text(st, "key", "origin", "generated"));
	CHECK(claim_text(st, "key", "capabilities", "0000000400000660"));
	CHECK(claim_text(st, "key", "domains", "000c"));
	CHECK(claim_text(st, "key", "label", "Swish Sign RSA4096"));
	CHECK(claim_bool(st, "key", "local", 1));
	CHECK(claim_bool(st, "key", "extractable", 0));
	CHECK(claim_bool(st, "key", "never-extractable", 1));
	CHECK(claim_bool(st, "key", "exportable-under-wrap", 0));
	CHECK(claim_bool(st, "key", "sensitive", 1));
	CHECK(no_claim(st, "platform", "fipsboot"));
	const csra_stmt_claim *c = csra_stmt_find(st->stmt, "key", "object-id");
	CHECK(c != NULL && c->integer == 0x24);
	/* cabf-csbr: the key claims hold, but nothing says FIPS mode or
	 * level (docs/formats.md): refused for those alone. */
	CHECK(csra_result_verdict(r) == CSRA_VERDICT_REJECTED);
	CHECK(has(r, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT));
	CHECK(csra_result_find(r, "policy.claim", CSRA_ERR_POLICY_CLAIM_VALUE) < 0);
	csra_result_free(&r);

	/* Bound to another key (the PIV root's): not bound. */
	X509 *other = NULL;
	size_t olen;
	uint8_t *oder;
	CHECK(tu_shared_der(PIV_ROOT, &oder, &olen));
	const unsigned char *q = oder;
	other = d2i_X509(NULL, &q, (long)olen);
	CHECK(other != NULL);
	size_t slen;
	uint8_t *spki = spki_of(other, &slen);
	r = tu_attest(v, spki, slen, chain, len, NULL, &st);
	CHECK(r != NULL);
	CHECK(csra_result_statement_verified(r, 0) && !csra_result_statement_bound(r, 0));
	CHECK(has(st, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND));
	csra_result_free(&r);
	OPENSSL_free(spki);
	X509_free(other);
	free(oder);

	/* Expired: after 2071-10-05. */
	CHECK(csra_verifier_set_time(v, (time_t)3211315200LL) == CSRA_OK);	/* 2071-10-06 */
	r = tu_attest(v, NULL, 0, chain, len, "yubihsm2", &st);
	CHECK(r != NULL && !csra_result_statement_verified(r, 0));
	CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_EXPIRED));
	csra_result_free(&r);
	csra_verifier_free(&v);

	/* Untrusted: no root; another vendor's. */
	const char *roots[] = { NULL, PIV_ROOT };
	for (size_t i = 0; i < 2; i++) {
		v = verifier("yubihsm2", roots[i]);
		CHECK(v != NULL);
		r = tu_attest(v, NULL, 0, chain, len, "yubihsm2", &st);
		CHECK(r != NULL && !csra_result_statement_verified(r, 0));
		CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED));
		CHECK(has(st, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(csr);
	free(chain);
	return 1;
}

/* A flipped signature byte of the key certificate (entry 0 of chain.pem)
 * and of the device certificate (entry 1). */
static int test_hsm_tampered(void)
{
	csra_verifier *v = verifier("yubihsm2", HSM_ROOT);
	CHECK(v != NULL);
	size_t len;
	uint8_t *chain = tu_shared_file(HSM_DIR "chain.pem", &len);
	CHECK(chain != NULL);
	for (size_t which = 0; which < 2; which++) {
		tamper_at = which;
		size_t plen;
		uint8_t *pem = pem_chain(chain, len, flip_last, &plen);
		CHECK(pem != NULL);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, pem, plen, "yubihsm2", &st);
		CHECK(r != NULL && !csra_result_statement_verified(r, 0));
		CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID));
		CHECK(has(st, "ak.signature", which == 0 ? CSRA_STATUS_FAIL : CSRA_STATUS_PASS,
		    which == 0 ? CSRA_ERR_SIG_INVALID : CSRA_OK));
		csra_result_free(&r);
		free(pem);
	}
	free(chain);
	csra_verifier_free(&v);
	return 1;
}

static const uint8_t HSM_FW[] = { 0x04, 0x03, 2, 4, 0 }, HSM_SERIAL[] = { 0x02, 0x02, 0x30, 0x39 },
	HSM_GEN[] = { 0x03, 0x02, 0x00, 0x01 }, HSM_IMPORTED[] = { 0x03, 0x02, 0x00, 0x12 },
	HSM_BAD_ORIGIN[] = { 0x03, 0x03, 0x00, 0x01, 0x00 },
	HSM_CAPS[] = { 0x03, 0x09, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x80 },
	HSM_CAPS_EXPORT[] = { 0x03, 0x09, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0x80 },
	HSM_CAPS_SHORT[] = { 0x03, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0x80 };

/* A made YubiHSM chain: key <- device (bcs[1]) <- root; the file holds
 * key and device. */
static const struct ext *hsm_extra;	/* one more extension for the key certificate, or NULL */

static csra_result *hsm_made(const uint8_t *origin, size_t olen, const uint8_t *caps, size_t clen, int dev_bc,
    const char *dev_name, const csra_result **st, struct pki *p)
{
	struct ext exts[] = {
		{ "1.3.6.1.4.1.41482.4.1", HSM_FW, sizeof(HSM_FW) }, { "1.3.6.1.4.1.41482.4.2", HSM_SERIAL, sizeof(HSM_SERIAL) },
		{ "1.3.6.1.4.1.41482.4.3", origin, olen }, { "1.3.6.1.4.1.41482.4.5", caps, clen }, { NULL, NULL, 0 },
	};
	if (hsm_extra != NULL)
		exts[4] = *hsm_extra;
	const char *names[] = { "YubiHSM Attestation id:0x0001", dev_name, "made YubiHSM root" };
	const int bcs[] = { BC_NONE, dev_bc, 1 };
	if (!pki_make(p, 3, names, bcs, exts, hsm_extra ? 5 : 4))
		return NULL;
	csra_verifier *v = verifier("yubihsm2", NULL);
	if (v == NULL)
		return NULL;
	csra_verifier_add_format_trust(v, "yubihsm2", p->certs[2]);
	size_t len, slen;
	uint8_t *pem = pem_of(p->certs, 2, &len);
	uint8_t *spki = spki_of(p->certs[0], &slen);
	csra_result *r = pem && spki ? tu_attest(v, spki, slen, pem, len, "yubihsm2", st) : NULL;
	free(pem);
	OPENSSL_free(spki);
	csra_verifier_free(&v);
	return r;
}

/* Origin and capabilities decide local / extractable. */
static int test_hsm_claims_made(void)
{
	struct pki p;
	const csra_result *st;
	csra_result *r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS, sizeof(HSM_CAPS), 0, "YubiHSM Attestation (12345)",
	    &st, &p);
	CHECK(r != NULL && csra_result_statement_verified(r, 0) && csra_result_statement_bound(r, 0));
	CHECK(claim_bool(st, "key", "local", 1) && claim_bool(st, "key", "extractable", 0));
	CHECK(claim_text(st, "platform", "swversion", "2.4.0"));
	csra_result_free(&r);
	pki_free(&p);
	/* exportable-under-wrap: extractable, not never-extractable. */
	r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS_EXPORT, sizeof(HSM_CAPS_EXPORT), 0,
	    "YubiHSM Attestation (12345)", &st, &p);
	CHECK(r != NULL && csra_result_statement_verified(r, 0));
	CHECK(claim_bool(st, "key", "exportable-under-wrap", 1));
	CHECK(claim_bool(st, "key", "extractable", 1) && claim_bool(st, "key", "never-extractable", 0));
	CHECK(claim_text(st, "key", "capabilities", "0000000000010080"));
	csra_result_free(&r);
	pki_free(&p);
	/* Imported (under wrap): not local. */
	r = hsm_made(HSM_IMPORTED, sizeof(HSM_IMPORTED), HSM_CAPS, sizeof(HSM_CAPS), 0,
	    "YubiHSM Attestation (12345)", &st, &p);
	CHECK(r != NULL && csra_result_statement_verified(r, 0));
	CHECK(claim_bool(st, "key", "local", 0) && claim_text(st, "key", "origin", "imported+imported-wrapped"));
	csra_result_free(&r);
	pki_free(&p);
	return 1;
}

/* Origin or capabilities that do not decode, or are missing. */
static int test_hsm_bad_extensions(void)
{
	struct pki p;
	const csra_result *st;
	csra_result *r = hsm_made(HSM_BAD_ORIGIN, sizeof(HSM_BAD_ORIGIN), HSM_CAPS, sizeof(HSM_CAPS), 0,
	    "YubiHSM Attestation (12345)", &st, &p);
	CHECK(r != NULL && !csra_result_statement_verified(r, 0));
	CHECK(has(st, "yubihsm2.extension.origin", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION));
	CHECK(has(st, "ak.chain", CSRA_STATUS_PASS, CSRA_OK));
	csra_result_free(&r);
	pki_free(&p);
	r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS_SHORT, sizeof(HSM_CAPS_SHORT), 0, "YubiHSM Attestation (12345)",
	    &st, &p);
	CHECK(r != NULL && !csra_result_statement_verified(r, 0));
	CHECK(has(st, "yubihsm2.extension.capabilities", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION));
	csra_result_free(&r);
	pki_free(&p);
	/* A label that is not UTF-8 (an overlong "/"), and a good one. */
	static const uint8_t bad_label[] = { 0x0c, 0x03, 'a', 0xc0, 0xaf }, good_label[] = { 0x0c, 0x03, 'k', 0xc3, 0xa9 };
	const struct ext bad = { "1.3.6.1.4.1.41482.4.9", bad_label, sizeof(bad_label) },
		good = { "1.3.6.1.4.1.41482.4.9", good_label, sizeof(good_label) };
	hsm_extra = &bad;
	r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS, sizeof(HSM_CAPS), 0, "YubiHSM Attestation (12345)", &st, &p);
	hsm_extra = NULL;
	CHECK(r != NULL && !csra_result_statement_verified(r, 0));
	CHECK(has(st, "yubihsm2.extension.label", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION));
	csra_result_free(&r);
	pki_free(&p);
	hsm_extra = &good;
	r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS, sizeof(HSM_CAPS), 0, "YubiHSM Attestation (12345)", &st, &p);
	hsm_extra = NULL;
	CHECK(r != NULL && csra_result_statement_verified(r, 0));
	CHECK(claim_text(st, "key", "label", "k\xc3\xa9"));
	csra_result_free(&r);
	pki_free(&p);
	/* Domains of one octet, an object id over 16 bits, and firmware
	 * and serial each written twice. */
	static const uint8_t domains1[] = { 0x03, 0x02, 0x00, 0x01 }, id70000[] = { 0x02, 0x03, 0x01, 0x11, 0x70 };
	static const struct {
		struct ext e;
		const char *check;
	} more[] = {
		{ { "1.3.6.1.4.1.41482.4.4", domains1, sizeof(domains1) }, "yubihsm2.extension.domains" },
		{ { "1.3.6.1.4.1.41482.4.6", id70000, sizeof(id70000) }, "yubihsm2.extension.id" },
		{ { "1.3.6.1.4.1.41482.4.1", HSM_FW, sizeof(HSM_FW) }, "yubihsm2.extension.firmware" },
		{ { "1.3.6.1.4.1.41482.4.2", HSM_SERIAL, sizeof(HSM_SERIAL) }, "yubihsm2.extension.serial" },
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
		hsm_extra = &more[i].e;
		r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS, sizeof(HSM_CAPS), 0, "YubiHSM Attestation (12345)", &st,
		    &p);
		hsm_extra = NULL;
		int ok = r != NULL && !csra_result_statement_verified(r, 0) &&
		    tu_has_check(st, more[i].check, CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION, "certs[0]");
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
		csra_result_free(&r);
		pki_free(&p);
		CHECK(ok);
	}
	return 1;
}

/* More certificates than CSRA_LIMIT_CERTS: refused by the cap, for both
 * formats, and the bag is not worked through. */
static int test_cert_limit(void)
{
	uint8_t *bag, *chain;
	size_t len, clen;
	CHECK(purebred_bag0(&bag, &len));
	chain = tu_shared_file(HSM_DIR "chain.pem", &clen);
	CHECK(chain != NULL);
	const struct {
		const char *kind, *root;
		const uint8_t *file;
		size_t len;
	} cases[] = { { "yubico-piv", PIV_ROOT, bag, len }, { "yubihsm2", HSM_ROOT, chain, clen } };
	for (size_t i = 0; i < 2; i++) {
		csra_verifier *v = verifier(cases[i].kind, cases[i].root);
		CHECK(v != NULL);
		CHECK(csra_verifier_set_limit(v, CSRA_LIMIT_CERTS, 1) == CSRA_OK);
		const csra_result *st;
		csra_result *r = tu_attest(v, NULL, 0, cases[i].file, cases[i].len, cases[i].kind, &st);
		CHECK(r != NULL && !csra_result_statement_verified(r, 0));
		CHECK(has(st, "limit.certs", CSRA_STATUS_FAIL, CSRA_ERR_LIMIT_CERTS));
		CHECK(absent(st, "ak.chain"));
		csra_result_free(&r);
		csra_verifier_free(&v);
	}
	free(bag);
	free(chain);
	return 1;
}

/* PIV's accepted deviation in the other format: a device certificate
 * with no basicConstraints, even named as a YubiKey's F9, is refused. */
static int test_hsm_no_quirk(void)
{
	struct pki p;
	const csra_result *st;
	csra_result *r = hsm_made(HSM_GEN, sizeof(HSM_GEN), HSM_CAPS, sizeof(HSM_CAPS), BC_NONE, "Yubico PIV Attestation",
	    &st, &p);
	CHECK(r != NULL && !csra_result_statement_verified(r, 0));
	CHECK(has(st, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_CHAIN));
	CHECK(absent(st, "quirk.f9-no-basic-constraints"));
	csra_result_free(&r);
	pki_free(&p);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_purebred_old_root), TU(test_purebred_current_root), TU(test_detect), TU(test_piv_other_key),
		TU(test_piv_untrusted), TU(test_piv_expired), TU(test_piv_tampered), TU(test_piv_made_yk4_shape),
		TU(test_piv_quirk_elsewhere_refused), TU(test_piv_2024_shape), TU(test_piv_bad_extensions),
		TU(test_piv_malformed), TU(test_hsm_shared), TU(test_hsm_tampered), TU(test_hsm_claims_made),
		TU(test_hsm_bad_extensions), TU(test_hsm_no_quirk), TU(test_cert_limit),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	csra_policy_free(&roca_waived);
	return rc;
}
