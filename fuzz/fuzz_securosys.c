/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Securosys Primus key attestations (verify/formats/securosys_primus),
 * which whoever sends the CSR controls: the format's detect() and verify()
 * over parts, bound to the fixed request key (the fixed fuzz root's key,
 * whose SPKI scripts/fuzz-seed.sh puts in the seeds' <public_key>).
 *
 * Input: a flags byte, then parts separated by SEP. Flag 1: the harness
 * signs the first part with its attestation key and adds that signature
 * as a part, so that mutated XML still reaches the parser (the format
 * parses nothing whose signature failed); flag 2: the harness adds its
 * attestation key's chain (attestation-key <- "PRIMUS HSM KEY (SN: 7)" <-
 * root, made at start, the root the only securosys-primus anchor). The
 * other parts are the input's.
 *
 * Checks: verify() returns CSRA_OK (CSRA_ERR_NOMEM only with an injected
 * failure); "statement.binding" once; verified only with "ak.signature",
 * "ak.chain" and "securosys-primus.decode" passing and one attested key,
 * and only when the first part is detected; bound only when verified; no
 * freshness; printable text. In alloc-fail mode a failed allocation may
 * cost a verdict, never grant one. libxml2's allocations are left out of
 * the injection (see fuzz_init).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

#define SEP "\n--csra-part--\n"
#define MAX_PARTS 6

static csra_verifier *v;
static unsigned char *spki;
static size_t spki_len;
static EVP_PKEY *ak;
static uint8_t *chain;
static size_t chain_len;

/* The first SEP in [p, end), or NULL. */
static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end)
{
	size_t k = sizeof(SEP) - 1;
	for (; (size_t)(end - p) >= k; p++)
		if (p[0] == SEP[0] && memcmp(p, SEP, k) == 0)
			return p;
	return NULL;
}

static X509 *mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *bc = NULL;
	if (c == NULL || n == NULL ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_version(c, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(c), ca ? 1 : 2) ||
	    !X509_set_subject_name(c, n) || !X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : n) ||
	    !ASN1_TIME_set(X509_getm_notBefore(c), FUZZ_NOT_BEFORE) ||
	    !ASN1_TIME_set(X509_getm_notAfter(c), FUZZ_NOT_AFTER) || !X509_set_pubkey(c, key))
		fuzz_fail("cannot make a certificate", cn);
	X509V3_set_ctx(&ctx, issuer ? issuer : c, c, NULL, NULL, 0);
	bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (bc == NULL || !X509_add_ext(c, bc, -1) || X509_sign(c, ikey, EVP_sha256()) <= 0)
		fuzz_fail("cannot make a certificate", cn);
	X509_EXTENSION_free(bc);
	X509_NAME_free(n);
	return c;
}

void fuzz_init(void)
{
	/* libxml2's allocations are NOT routed through the injector
	 * (xmlMemSetup): libxml2 2.9.14 (Debian 12) dereferences NULL in
	 * xmlParseDocument after a failed allocation
	 * (repro/securosys/repro-allocfail-libxml2-parse-null), which is for
	 * libxml2 to fix; like jansson's lexer (fuzz/README.md) it is left
	 * out. Our code's allocations and OpenSSL's still fail. */
	const unsigned char *p = fuzz_root_der;
	X509 *froot = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	unsigned char *der = NULL;
	int n = froot != NULL ? i2d_PUBKEY(X509_get0_pubkey(froot), &der) : -1;
	X509_free(froot);
	EVP_PKEY *rk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (n <= 0 || rk == NULL || ak == NULL)
		fuzz_fail("cannot make the keys", NULL);
	spki = der;
	spki_len = (size_t)n;
	X509 *root = mkcert(rk, "Fuzz Primus Root", NULL, rk, 1);
	X509 *dev = mkcert(rk, "PRIMUS HSM KEY (SN: 7)", root, rk, 1);
	X509 *leaf = mkcert(ak, "attestation-key", dev, rk, 0);
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	if (bio == NULL || PEM_write_bio_X509(bio, leaf) != 1 || PEM_write_bio_X509(bio, dev) != 1)
		fuzz_fail("cannot write the chain", NULL);
	chain_len = (size_t)BIO_get_mem_data(bio, &pem);
	chain = malloc(chain_len);
	if (chain == NULL)
		fuzz_fail("out of memory", NULL);
	memcpy(chain, pem, chain_len);
	BIO_free(bio);
	v = csra_verifier_new();
	if (v == NULL || csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK ||
	    csra_verifier_set_limit(v, CSRA_LIMIT_CERTS, 16) != CSRA_OK ||
	    csra_verifier_drop_format_bundle(v, "securosys-primus") != CSRA_OK ||
	    csra_verifier_add_format_trust(v, "securosys-primus", root) != CSRA_OK)
		fuzz_fail("cannot set up the verifier", NULL);
	X509_free(root);
	X509_free(dev);
	X509_free(leaf);
	EVP_PKEY_free(rk);
}

static void must_pass(const csra_result *r, const char *name)
{
	int n;
	const struct csra_check *c = fuzz_find_check(r, name, 0, &n);
	if (c == NULL || n != 1 || c->status != CSRA_STATUS_PASS)
		fuzz_fail("verified without this check passing once", name);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const csra_format *f = &csra_format_securosys_primus;
	uint8_t flags = data[0];
	const uint8_t *parts[MAX_PARTS + 2];
	size_t lens[MAX_PARTS + 2], np = 0;
	const uint8_t *p = data + 1, *end = data + size;
	/* Split at SEP: at most MAX_PARTS, the last takes the rest. */
	while (np < MAX_PARTS - 1) {
		const uint8_t *s = find_sep(p, end);
		if (s == NULL)
			break;
		parts[np] = p;
		lens[np++] = (size_t)(s - p);
		p = s + sizeof(SEP) - 1;
	}
	parts[np] = p;
	lens[np++] = (size_t)(end - p);
	uint8_t *sig = NULL;
	if (flags & 1) {
		size_t sl = 0;
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		sig = malloc(512);
		sl = 512;
		if (c == NULL || sig == NULL || EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, ak) != 1 ||
		    EVP_DigestSign(c, sig, &sl, parts[0], lens[0]) != 1) {
			EVP_MD_CTX_free(c);
			free(sig);
			if (!fuzz_alloc_armed())
				fuzz_fail("cannot sign", NULL);
			return 0;
		}
		EVP_MD_CTX_free(c);
		parts[np] = sig;
		lens[np++] = sl;
	}
	if (flags & 2) {
		parts[np] = chain;
		lens[np++] = chain_len;
	}
	for (size_t i = 0; i < np; i++)
		if (lens[i] == 0)
			parts[i] = (const uint8_t *)"";
	struct fuzz_vendor fv;
	if (fuzz_vendor_run(&fv, f, v, parts, lens, np, spki, spki_len, "a key attestation") == NULL)
		goto done;
	const csra_result *r = fv.r;
	if (fv.out->verified) {
		must_pass(r, "ak.signature");
		must_pass(r, "ak.chain");
		must_pass(r, "securosys-primus.decode");
		must_pass(r, "securosys-primus.parts");
		if (fv.out->nkeys != 1)
			fuzz_fail("verified with other than one attested key", NULL);
	}
	/* CSRA_FUZZ_VERBOSE=1: the verdict, to check the seeds by. */
	if (!fv.armed && getenv("CSRA_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "securosys: verified %d bound %d\n", fv.out->verified, fv.out->bound);
	fuzz_vendor_ref(fv.out, fv.armed, fv.injected, 1, "a key attestation");
done:
	fuzz_vendor_done(&fv);
	free(sig);
	return 0;
}
