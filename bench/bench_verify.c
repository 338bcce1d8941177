/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Verification benchmark: PKIX Evidence and attested CSRs, cold (a new
 * verifier per operation) and warm (one verifier, its chain cache hit),
 * against floors measured in the same run with bare OpenSSL on the same
 * inputs: one ECDSA verification, OpenSSL's own parse + path validation +
 * signature, a CSR's self-signature. All workloads run round robin over the
 * repeats, so a noisy shared machine slows them alike and the ratios stay
 * meaningful where absolute times do not. A second part times verification
 * of inputs from 1 KiB to 1 MiB to show the cost grows linearly.
 *
 * Allocations are counted as bench_common.h says, OpenSSL's and jansson's
 * included.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bench_common.h"
#include "csra_cbb.h"
#include "csra_fastlink.h"
#include "csra_oid_table.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"
#include "testpki.h"



/* Inputs ----------------------------------------------------------------- */

/* A TLV inside a DER buffer: the whole of it and its contents. */
struct tlv {
	const uint8_t *p, *c;
	size_t len, clen;
	uint8_t tag;
};

/* Reads one TLV at |p| (single-byte tags, definite lengths: DER). */
static int tlv_at(const uint8_t *p, const uint8_t *end, struct tlv *t)
{
	if (end - p < 2)
		return 0;
	const uint8_t *q = p + 1;
	size_t len = *q++;
	if (len & 0x80) {
		size_t k = len & 0x7f;
		if (k == 0 || k > sizeof(size_t) || (size_t)(end - q) < k)
			return 0;
		for (len = 0; k > 0; k--)
			len = (len << 8) | *q++;
	}
	if (len > (size_t)(end - q))
		return 0;
	*t = (struct tlv){ p, q, (size_t)(q - p) + len, len, p[0] };
	return 1;
}

/* The |i|th child of a constructed TLV. */
static int tlv_child(const struct tlv *t, int i, struct tlv *out)
{
	const uint8_t *p = t->c, *end = t->c + t->clen;
	for (;;) {
		if (!tlv_at(p, end, out))
			return 0;
		if (i-- == 0)
			return 1;
		p = out->p + out->len;
	}
}

/* The pieces of a signed Evidence the floors need: TbsEvidence as
 * received, the first block's signature, its certificate and the first
 * intermediate. */
struct ev_parts {
	struct tlv tbs, sig, ak, inter;
	int has_ak, has_inter;
};

static int ev_split(const uint8_t *der, size_t len, struct ev_parts *e)
{
	struct tlv top, sigs, blk, sid, wrap, certs;
	memset(e, 0, sizeof(*e));
	if (!tlv_at(der, der + len, &top) || !tlv_child(&top, 0, &e->tbs) || !tlv_child(&top, 1, &sigs) ||
	    !tlv_child(&sigs, 0, &blk) || !tlv_child(&blk, 0, &sid) || !tlv_child(&blk, 2, &e->sig))
		return 0;
	for (int i = 0; tlv_child(&sid, i, &wrap); i++)
		if (wrap.tag == 0xa2 && tlv_child(&wrap, 0, &e->ak))
			e->has_ak = 1;
	for (int i = 2; tlv_child(&top, i, &certs); i++)
		if (certs.tag == 0xa0 && tlv_child(&certs, 0, &e->inter))
			e->has_inter = 1;
	return 1;
}

/* Reads |path| as it is (a vendor attestation), or NULL. */
static uint8_t *read_raw(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = f != NULL ? malloc(1 << 20) : NULL;
	size_t n = buf != NULL ? fread(buf, 1, 1 << 20, f) : 0;
	if (f != NULL)
		fclose(f);
	if (n == 0 || n == 1 << 20) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Reads the first PEM block of |path|, any label, as DER. */
static uint8_t *read_pem(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long n = 0;
	if (f == NULL) {
		fprintf(stderr, "bench_verify: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	int ok = PEM_read(f, &name, &header, &data, &n);
	fclose(f);
	OPENSSL_free(name);
	OPENSSL_free(header);
	uint8_t *der = ok && n > 0 ? malloc((size_t)n) : NULL;
	if (der != NULL) {
		memcpy(der, data, (size_t)n);
		*len = (size_t)n;
	} else {
		fprintf(stderr, "bench_verify: %s: no PEM block\n", path);
	}
	OPENSSL_free(data);
	return der;
}

static X509 *d2i_exact(const uint8_t *p, size_t len)
{
	const unsigned char *q = p;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	if (x != NULL && q != p + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* Evidence about |subject| for a CSR (the claims cabf-csbr asks for), or
 * with |nkeys| extra key elements and |nfill| of |fill| as intermediates
 * for the size curve. */
static uint8_t *make_evidence(const tp_pki *p, EVP_PKEY *subject, int with_inter, long nkeys,
    STACK_OF(X509) *fill, long nfill, const uint8_t *nonce, size_t nonce_len, size_t *len)
{
	csra_evb *b = csra_evb_new();
	size_t tx, pl, k;
	uint8_t *der = NULL;
	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(subject, &spki);
	int ok = b != NULL && spki_len > 0 &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, nonce, nonce_len) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest bench HSM", 19) == CSRA_OK &&
	    csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK &&
	    csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "subject-key", 11) == CSRA_OK &&
	    csra_evb_add_octets(b, k, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_SENSITIVE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_LOCAL, 1) == CSRA_OK &&
	    csra_evb_add_purposes(b, k, CSRA_PURPOSE_SIGN) == CSRA_OK;
	for (long i = 0; ok && i < nkeys; i++) {
		char id[32];
		int n = snprintf(id, sizeof(id), "key-%08ld", i);
		ok = csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
		    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, id, (size_t)n) == CSRA_OK &&
		    csra_evb_add_octets(b, k, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len) == CSRA_OK &&
		    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK &&
		    csra_evb_add_bool(b, k, CSRA_CLAIM_KEY_SENSITIVE, 1) == CSRA_OK;
	}
	ok = ok && csra_evb_add_signer(b, p->ak_key, p->ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    (!with_inter || csra_evb_add_intermediate(b, p->inter) == CSRA_OK);
	for (long i = 0; ok && i < nfill; i++)
		ok = csra_evb_add_intermediate(b, sk_X509_value(fill, (int)i)) == CSRA_OK;
	ok = ok && csra_evb_encode(b, &der, len) == CSRA_OK;
	OPENSSL_free(spki);
	csra_evb_free(&b);
	if (!ok) {
		free(der);
		return NULL;
	}
	return der;
}

/* Workloads -------------------------------------------------------------- */

static const uint8_t EV2_NONCE[] = { 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad };
static const uint8_t CSR_NONCE[] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71 };

static struct {
	uint8_t *ev;			/* evidence2 */
	size_t ev_len;
	struct ev_parts parts;
	X509 *ca, *ak;
	EVP_PKEY *ak_pub;		/* evidence2's AK key, parsed once */
	csra_verifier *warm, *nocache;	/* trust ca.crt */
	tp_pki pki;			/* the CSR's */
	EVP_PKEY *subject;
	uint8_t *csr, *csr_ev;
	size_t csr_len, csr_ev_len;
	struct ev_parts csr_parts;
	X509_REQ *req;
	EVP_PKEY *req_pub, *csr_ak_pub;
	csra_verifier *csr_warm;	/* trusts pki.root */
	/* Vendor formats: the shared Luna PKC and YubiHSM 2 chain, alone,
	 * against the bundled roots (NULL when ../shared lacks them). */
	uint8_t *luna, *hsm;
	size_t luna_len, hsm_len;
	/* Google Cloud HSM's EC sample: .dat and .certs (two parts). */
	csra_verifier *fmt_warm;
	csra_attestation *mrvl_att, *c4a_att, *primus_att;
	csra_verifier *c4a_warm;
	/* Known-weak-key checks: SPKIs of an RSA-3072 and a P-256 key. */
	uint8_t *weak_rsa, *weak_ec;
	size_t weak_rsa_len, weak_ec_len;
	/* The size curve's current input. */
	const uint8_t *cur;
	size_t cur_len;
	const csra_verifier *cur_v;
	int cur_evidence;		/* the hostile curve's input is an Evidence */
	/* New devices under a known issuer: NEWAK AK certificates under
	 * pki.inter, each with its Evidence, verified round robin by one
	 * warm verifier (trusts pki.root) whose caches hold fewer paths than
	 * there are devices, so every leaf arrives new. */
	struct newak {
		uint8_t *ev;
		size_t len;
		struct ev_parts parts;
	} *newak;
	size_t newak_i, newak_f;
	EVP_PKEY *inter_pub;		/* pki.inter's key, parsed once (the floor's) */
	csra_verifier *newak_v;
	/* fastlink_new_ak (the link check alone): the explicit link check's
	 * settings, made once as csra_issuer_path makes its context. */
	size_t newak_x;
	csra_verifier *fl_v;
	X509_STORE *fl_anchor;
	X509_STORE_CTX *fl_ctx;
	time_t fl_at;
} g;
static volatile long g_sink;
#define NEWAK 1024

/* Frees |*r| and returns 1 if |e| is CSRA_OK and the verdict "verified". */
static int expect_verified(csra_err e, csra_result **r)
{
	int ok = e == CSRA_OK && csra_result_verdict(*r) == CSRA_VERDICT_VERIFIED;
	csra_result_free(r);
	return ok;
}

/* One strict decode of |p|/|len| as |pdu|, freed. */
static int decode_ok(csra_pdu pdu, const uint8_t *p, size_t len)
{
	csra_decoded *d = NULL;
	csra_diag dg;
	csra_err e = csra_decode(NULL, pdu, p, len, &d, &dg);
	csra_decoded_free(&d);
	return e == CSRA_OK;
}

static int w_strict(void)
{
	return decode_ok(CSRA_PDU_EVIDENCE, g.ev, g.ev_len);
}

/* The strict decode's floor: the same bytes walked (bench_common.c). */
static volatile long tlv_sink;
static int f_tlv_walk(void)
{
	long n = bench_tlv_walk(g.ev, g.ev + g.ev_len, 0);
	tlv_sink = n;
	return n > 0;
}

static int w_ev_warm(void)
{
	csra_result *r = NULL;
	return expect_verified(csra_verify_evidence(g.warm, g.ev, g.ev_len, EV2_NONCE, sizeof(EV2_NONCE),
	    NULL, &r), &r);
}

static int w_ev_nocache(void)
{
	csra_result *r = NULL;
	return expect_verified(csra_verify_evidence(g.nocache, g.ev, g.ev_len, EV2_NONCE,
	    sizeof(EV2_NONCE), NULL, &r), &r);
}

static int w_ev_cold(void)
{
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = v != NULL && csra_verifier_add_trust(v, g.ca) == CSRA_OK &&
	    expect_verified(csra_verify_evidence(v, g.ev, g.ev_len, EV2_NONCE, sizeof(EV2_NONCE), NULL,
	    &r), &r);
	csra_verifier_free(&v);
	return ok;
}

static int w_csr_warm(void)
{
	csra_result *r = NULL;
	return expect_verified(csra_verify_request(g.csr_warm, g.csr, g.csr_len, CSR_NONCE,
	    sizeof(CSR_NONCE), &r), &r);
}

/* Two parts of csr_warm, timed alone so that the table shows what they
 * weigh against its floor: the request's strict decode (the Evidence in
 * it included), and the import of the request's key, which the floor's
 * X509_REQ_verify is handed already made. */
static int w_csr_decode(void)
{
	return decode_ok(CSRA_PDU_CERTIFICATION_REQUEST, g.csr, g.csr_len);
}

static int w_csr_key(void)
{
	/* weak_ec is the request key's SubjectPublicKeyInfo (g.subject). */
	EVP_PKEY *k = csra_spki_pkey(g.csr_warm, g.weak_ec, g.weak_ec_len);
	EVP_PKEY_free(k);
	return k != NULL;
}

static int w_csr_cold(void)
{
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = v != NULL && csra_verifier_add_trust(v, g.pki.root) == CSRA_OK &&
	    expect_verified(csra_verify_request(v, g.csr, g.csr_len, CSR_NONCE, sizeof(CSR_NONCE), &r), &r);
	csra_verifier_free(&v);
	return ok;
}

/* A vendor attestation alone, as verify-evidence checks it: the format's
 * decode, its path (cached), its signatures, attested key and claims. */
static int vendor_alone(const uint8_t *file, size_t len)
{
	csra_result *r = NULL;
	const uint8_t *files[1] = { file };
	return expect_verified(csra_verify_attestations(g.fmt_warm, NULL, 0, NULL, 0, files, &len, NULL, 1, &r),
	    &r);
}

/* The same for an attestation of several parts, on verifier |v|. */
static int vendor_att_alone(const csra_verifier *v, const csra_attestation *a)
{
	csra_result *r = NULL;
	const csra_attestation *atts[1] = { a };
	return expect_verified(csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 1, &r), &r);
}

/* An attestation of the parts |p|/|n| (read_raw's, NULL if one is
 * missing), or NULL. */
static csra_attestation *bench_att(uint8_t *const *p, const size_t *n, size_t count)
{
	csra_attestation *a = csra_attestation_new();
	for (size_t i = 0; a != NULL && i < count; i++)
		if (p[i] == NULL || csra_attestation_add_part(a, p[i], n[i]) != CSRA_OK)
			csra_attestation_free(&a);
	return a;
}

static int w_luna_warm(void)
{
	return vendor_alone(g.luna, g.luna_len);
}

static int w_hsm_warm(void)
{
	return vendor_alone(g.hsm, g.hsm_len);
}

/* A Marvell attestation alone: .dat and .certs as one attestation of two
 * parts: inflate, parse, the signature, both chains' links (cached) and
 * the key rebuilt. */
static int w_mrvl_warm(void)
{
	return vendor_att_alone(g.fmt_warm, g.mrvl_att);
}

/* The QASM's second block is HSS/LMS, which OpenSSL 3.0 cannot verify:
 * the sample verifies under any-trusted, on its own verifier. */
static int w_c4a_warm(void)
{
	return vendor_att_alone(g.c4a_warm, g.c4a_att);
}

/* A Securosys Primus key attestation alone: the XML, its signature and the
 * chain, three parts. */
static int w_primus_warm(void)
{
	return vendor_att_alone(g.fmt_warm, g.primus_att);
}

/* The weak-key checks of one key, recorded in a result: cold with the
 * cache off (every test runs), warm from the cache (a digest and a
 * lookup). */
static int weak_check(const csra_verifier *v, const uint8_t *spki, size_t len)
{
	csra_result *r = csra_result_new();
	int ok = r != NULL && csra_weak_key_check(v, spki, len, r, "k", NULL) == 1;
	csra_result_free(&r);
	return ok;
}

static int w_weak_rsa_cold(void)
{
	return weak_check(g.nocache, g.weak_rsa, g.weak_rsa_len);
}

static int w_weak_rsa_warm(void)
{
	return weak_check(g.warm, g.weak_rsa, g.weak_rsa_len);
}

static int w_weak_ec_cold(void)
{
	return weak_check(g.nocache, g.weak_ec, g.weak_ec_len);
}

static int w_weak_ec_warm(void)
{
	return weak_check(g.warm, g.weak_ec, g.weak_ec_len);
}

/* One ECDSA verification as a caller of OpenSSL writes it, key parsed. */
static int ecdsa_verify(EVP_PKEY *key, const struct ev_parts *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, e->sig.c, e->sig.clen, e->tbs.p, e->tbs.len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static int f_ecdsa(void)
{
	return ecdsa_verify(g.ak_pub, &g.parts);
}

/* OpenSSL's own cold floor: parse the AK and the intermediate, a store
 * with ca.crt, path validation, and the Evidence signature. */
static int f_cold(void)
{
	X509 *ak = d2i_exact(g.parts.ak.p, g.parts.ak.len);
	X509 *in = d2i_exact(g.parts.inter.p, g.parts.inter.len);
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509) *u = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = ak && in && st && u && ctx && X509_STORE_add_cert(st, g.ca) == 1 && sk_X509_push(u, in);
	if (ok) {
		in = NULL;	/* |u| owns it */
		ok = X509_STORE_CTX_init(ctx, st, ak, u) == 1;
	}
	if (ok) {
		X509_STORE_CTX_set_time(ctx, 0, time(NULL));
		ok = X509_verify_cert(ctx) == 1 && ecdsa_verify(X509_get0_pubkey(ak), &g.parts);
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(u, X509_free);
	X509_free(in);
	X509_STORE_free(st);
	X509_free(ak);
	return ok;
}

static int f_csr_sig(void)
{
	int ok = X509_REQ_verify(g.req, g.req_pub) == 1;
	ERR_clear_error();
	return ok;
}

static int f_csr_ev_sig(void)
{
	return ecdsa_verify(g.csr_ak_pub, &g.csr_parts);
}

/* The next device's Evidence, verified by the warm verifier: the leaf is
 * new to it (its issuers are not). */
static int w_new_ak(void)
{
	const struct newak *n = &g.newak[g.newak_i++ % NEWAK];
	csra_result *r = NULL;
	return expect_verified(csra_verify_evidence(g.newak_v, n->ev, n->len, CSR_NONCE, sizeof(CSR_NONCE),
	    NULL, &r), &r);
}

/* What a new leaf cannot avoid: parsing it, its signature under the
 * issuer's already-parsed key, and the Evidence signature. */
static int f_new_ak(void)
{
	const struct newak *n = &g.newak[g.newak_f++ % NEWAK];
	X509 *ak = d2i_exact(n->parts.ak.p, n->parts.ak.len);
	int ok = ak != NULL && X509_verify(ak, g.inter_pub) == 1 && ecdsa_verify(X509_get0_pubkey(ak), &n->parts);
	X509_free(ak);
	return ok;
}

/* The link check alone, as new_ak's verifications take it (csra_evidence.c
 * fast_block), without the rest of the verification: the
 * strict parse of the leaf, the check against the validated issuer with
 * its parsed key, the leaf key's import (in the check), and the Evidence
 * signature. */
static int w_fastlink_new_ak(void)
{
	const struct newak *n = &g.newak[g.newak_x++ % NEWAK];
	csra_fastlink_cert c;
	EVP_PKEY *key = NULL;
	int ok = csra_fastlink_parse(n->parts.ak.p, n->parts.ak.len, 0, &c) &&
	    csra_fastlink_check(g.fl_v, &c, g.pki.inter, g.inter_pub, g.fl_at,
	    X509_STORE_CTX_get0_param(g.fl_ctx), g.fl_anchor, &key, NULL) == CSRA_FASTLINK_ACCEPT &&
	    ecdsa_verify(key, &n->parts);
	EVP_PKEY_free(key);
	return ok;
}

/* The cold path's check alone, as ev_cold takes it (csra_evidence.c
 * cold_path), beside floor_cold: a store with
 * ca.crt (already parsed, as the floor's) and its context's settings, the
 * strict parse of the AK certificate and the intermediate, the full path
 * (two links, keys imported with csra_spki_pkey), and the Evidence
 * signature. The Evidence's own decode is not in it (nor in the floor). */
static int w_fastlink_cold(void)
{
	csra_fastlink_cert leaf, inter;
	EVP_PKEY *key = NULL;
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = NULL;
	int ok = st != NULL && X509_STORE_add_cert(st, g.ca) == 1 &&
	    (ctx = csra_store_ctx(g.fl_v, st, NULL, NULL, g.fl_at)) != NULL &&
	    csra_fastlink_parse(g.parts.ak.p, g.parts.ak.len, 0, &leaf) &&
	    csra_fastlink_parse(g.parts.inter.p, g.parts.inter.len, 0, &inter) &&
	    csra_fastlink_path(g.fl_v, &leaf, &inter, g.ca, X509_get0_pubkey(g.ca), g.fl_at,
	    X509_STORE_CTX_get0_param(ctx), st, &key, NULL) == CSRA_FASTLINK_ACCEPT &&
	    ecdsa_verify(key, &g.parts);
	EVP_PKEY_free(key);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return ok;
}

static int w_curve(void)
{
	csra_result *r = NULL;
	return expect_verified(csra_verify_evidence(g.cur_v, g.cur, g.cur_len, CSR_NONCE,
	    sizeof(CSR_NONCE), NULL, &r), &r);
}

enum {
	W_STRICT, W_EV_WARM, W_EV_NOCACHE, W_EV_COLD, W_CSR_WARM, W_CSR_DECODE, W_CSR_KEY, W_CSR_COLD,
	W_WEAK_RSA_COLD, W_WEAK_RSA_WARM, W_WEAK_EC_COLD, W_WEAK_EC_WARM, W_LUNA_WARM, W_HSM_WARM, W_MRVL_WARM,
	W_C4A_WARM, W_PRIMUS_WARM, W_MT1, W_MT2, W_NEW_AK, W_FL_NEW_AK, W_FL_COLD, F_ECDSA, F_COLD, F_CSR_SIG, F_CSR_EV_SIG, F_NEW_AK, F_TLV_WALK,
	NWL
};

struct workload {
	const char *name;	/* no spaces: RESULT lines are split on them */
	const char *what;
	int (*fn)(void);
	int threads;		/* > 0: run by that many threads, ns per operation */
	int floor, floor2;	/* the ratio's denominator: a floor or the sum of two; -1 none */
	long iters;
	double *ns;
	double median, min, max;
	size_t allocs, peak, leak;
	int counted;
	int skip;
};

/* Designated initializers: the measured fields start at zero. */
#define WL(n, w, f, thr, fl, fl2) { .name = n, .what = w, .fn = f, .threads = thr, .floor = fl, .floor2 = fl2 }
static struct workload wl[NWL] = {
	[W_STRICT] = WL("strict_decode", "csra_decode+free, evidence2", w_strict, 0, F_TLV_WALK, -1),
	[W_EV_WARM] = WL("ev_warm", "verify evidence2, cache hit", w_ev_warm, 0, F_ECDSA, -1),
	[W_EV_NOCACHE] = WL("ev_nocache", "verify evidence2, cache off", w_ev_nocache, 0, F_COLD, -1),
	[W_EV_COLD] = WL("ev_cold", "new verifier+ca.crt+verify", w_ev_cold, 0, F_COLD, -1),
	[W_CSR_WARM] = WL("csr_warm", "verify CSR+Evidence, cache hit", w_csr_warm, 0, F_CSR_SIG, F_CSR_EV_SIG),
	[W_CSR_DECODE] = WL("csr_part_decode", "csr_warm's strict decode of the CSR alone", w_csr_decode, 0,
	    F_CSR_SIG, F_CSR_EV_SIG),
	[W_CSR_KEY] = WL("csr_part_key", "csr_warm's import of the request key alone", w_csr_key, 0, F_CSR_SIG,
	    F_CSR_EV_SIG),
	[W_CSR_COLD] = WL("csr_cold", "new verifier+root+verify CSR", w_csr_cold, 0, -1, -1),
	[W_WEAK_RSA_COLD] = WL("weak_rsa_cold", "weak-key checks, RSA-3072, no cache", w_weak_rsa_cold, 0, W_CSR_WARM, -1),
	[W_WEAK_RSA_WARM] = WL("weak_rsa_warm", "weak-key checks, RSA-3072, cached", w_weak_rsa_warm, 0, W_CSR_WARM, -1),
	[W_WEAK_EC_COLD] = WL("weak_ec_cold", "weak-key checks, P-256, no cache", w_weak_ec_cold, 0, W_CSR_WARM, -1),
	[W_WEAK_EC_WARM] = WL("weak_ec_warm", "weak-key checks, P-256, cached", w_weak_ec_warm, 0, W_CSR_WARM, -1),
	[W_LUNA_WARM] = WL("luna_warm", "verify a Luna PKC alone, cache hit", w_luna_warm, 0, W_EV_WARM, -1),
	[W_HSM_WARM] = WL("yubihsm2_warm", "verify a YubiHSM 2 chain alone, cache hit", w_hsm_warm, 0, W_EV_WARM, -1),
	[W_MRVL_WARM] = WL("marvell_warm", "verify a Cloud HSM .dat+.certs alone, cache hit", w_mrvl_warm, 0,
	    W_EV_WARM, -1),
	[W_C4A_WARM] = WL("crypto4a_warm", "verify a Crypto4A QASM message alone (any-trusted), cache hit",
	    w_c4a_warm, 0, W_EV_WARM, -1),
	[W_PRIMUS_WARM] = WL("securosys_warm", "verify a Primus key attestation alone, cache hit", w_primus_warm, 0,
	    W_EV_WARM, -1),
	[W_MT1] = WL("ev_warm_1thr", "ev_warm, 1 thread", w_ev_warm, 1, F_ECDSA, -1),
	[W_MT2] = WL("ev_warm_2thr", "ev_warm, 2 threads, per op", w_ev_warm, 2, F_ECDSA, -1),
	[W_NEW_AK] = WL("new_ak", "verify a new AK under known issuers", w_new_ak, 0, F_NEW_AK, -1),
	[W_FL_NEW_AK] = WL("fastlink_new_ak", "check alone: parse+link+ECDSA", w_fastlink_new_ak, 0, F_NEW_AK,
	    -1),
	[W_FL_COLD] = WL("fastlink_cold", "check alone: parse x2+path+ECDSA", w_fastlink_cold, 0, F_COLD, -1),
	[F_ECDSA] = WL("floor_ecdsa", "EVP_DigestVerify, evidence2", f_ecdsa, 0, -1, -1),
	[F_COLD] = WL("floor_cold", "d2i x2+store+verify_cert+ECDSA", f_cold, 0, -1, -1),
	[F_CSR_SIG] = WL("floor_csr_sig", "X509_REQ_verify", f_csr_sig, 0, -1, -1),
	[F_CSR_EV_SIG] = WL("floor_csr_ev_sig", "EVP_DigestVerify, CSR's Evidence", f_csr_ev_sig, 0, -1, -1),
	[F_NEW_AK] = WL("floor_new_ak", "d2i leaf+X509_verify+ECDSA", f_new_ak, 0, -1, -1),
	[F_TLV_WALK] = WL("floor_tlv_walk", "bare tag-length walk, evidence2", f_tlv_walk, 0, -1, -1),
};

/* Timing ----------------------------------------------------------------- */

struct mt_arg {
	int (*fn)(void);
	long n;
	int ok;
};

static void *mt_run(void *p)
{
	struct mt_arg *a = p;
	for (long i = 0; i < a->n; i++)
		a->ok &= a->fn();
	return NULL;
}

/* Runs |w| |n| times (split between its threads); returns the elapsed ns,
 * or -1 if an operation failed. */
static double run(const struct workload *w, long n)
{
	int ok = 1;
	double t0 = bench_now_ns();
	if (w->threads == 0) {
		for (long i = 0; i < n; i++)
			ok &= w->fn();
	} else {
		pthread_t tid[8];
		struct mt_arg a[8];
		int t = w->threads;
		for (int k = 0; k < t; k++) {
			a[k] = (struct mt_arg){ w->fn, n / t + (k < n % t), 1 };
			if (pthread_create(&tid[k], NULL, mt_run, &a[k]) != 0)
				return -1;
		}
		for (int k = 0; k < t; k++) {
			pthread_join(tid[k], NULL);
			ok &= a[k].ok;
		}
	}
	double t = bench_now_ns() - t0;
	return ok ? t : -1;
}

/* Iterations for about |target_ns| per repeat. */
static long calibrate(const struct workload *w, double target_ns)
{
	long n = w->threads > 0 ? w->threads : 1;
	for (;;) {
		double t = run(w, n);
		if (t < 0)
			return -1;
		if (t >= target_ns / 10 || n >= (1L << 30)) {
			double per = t / (double)n;
			long want = (long)(target_ns / (per > 1 ? per : 1));
			return want > n ? want : n;
		}
		n *= 2;
	}
}

/* Times |w| over |repeats| (already calibrated); fills median/min/max. */
static void summarise(struct workload *w, int repeats)
{
	qsort(w->ns, (size_t)repeats, sizeof(double), bench_cmp_double);
	w->min = w->ns[0];
	w->max = w->ns[repeats - 1];
	w->median = repeats % 2 ? w->ns[repeats / 2] : (w->ns[repeats / 2 - 1] + w->ns[repeats / 2]) / 2;
}

/* One counted operation: allocations, peak heap, bytes left allocated. */
static void count_one(struct workload *w)
{
#if COUNTING
	if (w->threads > 0)
		return;
	bench_count_begin();
	int ok = w->fn();
	bench_counts c = bench_count_end();
	w->allocs = c.allocs;
	w->peak = c.peak;
	w->leak = c.live;
	w->counted = ok && !c.overflow;
#else
	(void)w;
#endif
}

/* Machine -------------------------------------------------------------- */


/* Set-up ----------------------------------------------------------------- */

static int setup_evidence2(const char *ev_path, const char *ca_path)
{
	size_t ca_len;
	uint8_t *ca = read_pem(ca_path, &ca_len);
	g.ev = read_pem(ev_path, &g.ev_len);
	if (ca == NULL || g.ev == NULL)
		return 0;
	g.ca = d2i_exact(ca, ca_len);
	free(ca);
	if (g.ca == NULL || !ev_split(g.ev, g.ev_len, &g.parts) || !g.parts.has_ak || !g.parts.has_inter) {
		fprintf(stderr, "bench_verify: %s: not Evidence with an AK certificate and an intermediate\n",
		    ev_path);
		return 0;
	}
	g.ak = d2i_exact(g.parts.ak.p, g.parts.ak.len);
	g.ak_pub = g.ak ? X509_get_pubkey(g.ak) : NULL;
	g.warm = csra_verifier_new();
	g.nocache = csra_verifier_new();
	return g.ak_pub && g.warm && g.nocache && csra_verifier_add_trust(g.warm, g.ca) == CSRA_OK &&
	    csra_verifier_add_trust(g.nocache, g.ca) == CSRA_OK &&
	    csra_verifier_set_chain_cache(g.nocache, 0) == CSRA_OK;
}

/* The vendor samples beside the Evidence's directory (shared/vectors/
 * vendors/): their workloads are skipped when absent. */
static void setup_vendors(const char *ev_path)
{
	char dir[4096], f[4200];
	snprintf(dir, sizeof(dir), "%s", ev_path);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			snprintf(dir, sizeof(dir), "%s", up == 0 ? "." : "..");
		else
			*slash = '\0';
	}
	snprintf(f, sizeof(f), "%s/vendors/thales-luna/ecc-pkc.p7b", dir);
	g.luna = read_raw(f, &g.luna_len);
	snprintf(f, sizeof(f), "%s/vendors/yubihsm2/niklasgillstrom-hsm/chain.pem", dir);
	g.hsm = read_raw(f, &g.hsm_len);
	g.fmt_warm = csra_verifier_new();
	wl[W_LUNA_WARM].skip |= g.luna == NULL || g.fmt_warm == NULL;
	wl[W_HSM_WARM].skip |= g.hsm == NULL || g.fmt_warm == NULL;
	/* Attestations of several parts (or one), as csra_attestation. */
	uint8_t *p[2];
	size_t n[2];
	snprintf(f, sizeof(f), "%s/vendors/google-cloudhsm/smallstep-crypto-testdata/ec.dat", dir);
	p[0] = read_raw(f, &n[0]);
	snprintf(f, sizeof(f), "%s/vendors/google-cloudhsm/smallstep-crypto-testdata/ec.certs", dir);
	p[1] = read_raw(f, &n[1]);
	g.mrvl_att = bench_att(p, n, 2);
	free(p[0]), free(p[1]);
	wl[W_MRVL_WARM].skip |= g.mrvl_att == NULL || g.fmt_warm == NULL;
	/* Securosys Primus: its three files as one attestation. */
	static const char *const primus[] = { "attestation.xml", "attestation.sig", "chain.pem" };
	uint8_t *pp[3];
	size_t pn[3];
	for (size_t i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s/vendors/securosys/niklasgillstrom-hsm/%s", dir, primus[i]);
		pp[i] = read_raw(f, &pn[i]);
	}
	g.primus_att = bench_att(pp, pn, 3);
	for (size_t i = 0; i < 3; i++)
		free(pp[i]);
	wl[W_PRIMUS_WARM].skip |= g.primus_att == NULL || g.fmt_warm == NULL;
	/* A time within every sample's validity, as the other workloads'. */
	if (g.fmt_warm != NULL)
		csra_verifier_set_time(g.fmt_warm, 1767225600);	/* 2026-01-01 */
	snprintf(f, sizeof(f), "%s/vendors/crypto4a/attestation.der", dir);
	p[0] = read_raw(f, &n[0]);
	g.c4a_att = bench_att(p, n, 1);
	free(p[0]);
	g.c4a_warm = csra_verifier_new();
	wl[W_C4A_WARM].skip |= g.c4a_att == NULL || g.c4a_warm == NULL ||
	    csra_verifier_set_sig_policy(g.c4a_warm, CSRA_SIG_ANY_TRUSTED) != CSRA_OK ||
	    csra_verifier_set_time(g.c4a_warm, 1767225600) != CSRA_OK;
}

/* NEWAK devices under pki.inter (setup_csr first). */
static int setup_newak(void)
{
	g.newak = calloc(NEWAK, sizeof(*g.newak));
	g.inter_pub = X509_get_pubkey(g.pki.inter);
	g.newak_v = csra_verifier_new();
	if (g.newak == NULL || g.inter_pub == NULL || g.newak_v == NULL ||
	    csra_verifier_add_trust(g.newak_v, g.pki.root) != CSRA_OK)
		return 0;
	for (size_t i = 0; i < NEWAK; i++) {
		char cn[32];
		snprintf(cn, sizeof(cn), "bench device %zu", i);
		tp_pki dev = g.pki;
		dev.ak_key = tp_key("EC", "P-256");
		dev.ak = dev.ak_key ? tp_cert(cn, dev.ak_key, g.pki.inter, g.pki.int_key, TP_DIGSIG | TP_EKU_AK,
		    -3600, 86400L * 365) : NULL;
		g.newak[i].ev = dev.ak ? make_evidence(&dev, g.subject, 1, 0, NULL, 0, CSR_NONCE, sizeof(CSR_NONCE),
		    &g.newak[i].len) : NULL;
		X509_free(dev.ak);
		EVP_PKEY_free(dev.ak_key);
		if (g.newak[i].ev == NULL || !ev_split(g.newak[i].ev, g.newak[i].len, &g.newak[i].parts) ||
		    !g.newak[i].parts.has_ak)
			return 0;
	}
	/* fastlink_new_ak: pki.inter as the partial-chain anchor, as a
	 * validated issuer is (csra_issuer_path). */
	g.fl_at = time(NULL);
	g.fl_v = csra_verifier_new();
	g.fl_anchor = X509_STORE_new();
	if (g.fl_v == NULL || g.fl_anchor == NULL || X509_STORE_add_cert(g.fl_anchor, g.pki.inter) != 1 ||
	    (g.fl_ctx = csra_store_ctx(g.fl_v, g.fl_anchor, NULL, NULL, g.fl_at)) == NULL)
		return 0;
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(g.fl_ctx), X509_V_FLAG_PARTIAL_CHAIN);
	return 1;
}

static int setup_csr(void)
{
	if (!tp_pki_new(&g.pki, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 365) ||
	    (g.subject = tp_key("EC", "P-256")) == NULL)
		return 0;
	g.csr_ev = make_evidence(&g.pki, g.subject, 1, 0, NULL, 0, CSR_NONCE, sizeof(CSR_NONCE),
	    &g.csr_ev_len);
	if (g.csr_ev == NULL || !ev_split(g.csr_ev, g.csr_ev_len, &g.csr_parts) ||
	    (g.csr = tp_attested_csr(g.subject, "bench code signer", g.csr_ev, g.csr_ev_len, &g.csr_len)) == NULL)
		return 0;
	const unsigned char *p = g.csr;
	g.req = d2i_X509_REQ(NULL, &p, (long)g.csr_len);
	g.req_pub = g.req ? X509_REQ_get_pubkey(g.req) : NULL;
	g.csr_ak_pub = X509_get_pubkey(g.pki.ak);
	g.csr_warm = csra_verifier_new();
	EVP_PKEY *rsa = tp_key("RSA", "3072");
	unsigned char *der = NULL;
	int n = rsa ? i2d_PUBKEY(rsa, &der) : 0;
	g.weak_rsa = n > 0 ? malloc((size_t)n) : NULL;
	if (g.weak_rsa != NULL)
		memcpy(g.weak_rsa, der, (size_t)n), g.weak_rsa_len = (size_t)n;
	OPENSSL_free(der);
	EVP_PKEY_free(rsa);
	der = NULL;
	n = i2d_PUBKEY(g.subject, &der);
	g.weak_ec = n > 0 ? malloc((size_t)n) : NULL;
	if (g.weak_ec != NULL)
		memcpy(g.weak_ec, der, (size_t)n), g.weak_ec_len = (size_t)n;
	OPENSSL_free(der);
	return g.req_pub && g.csr_ak_pub && g.csr_warm && g.weak_rsa && g.weak_ec &&
	    csra_verifier_add_trust(g.csr_warm, g.pki.root) == CSRA_OK;
}

/* The size curve -------------------------------------------------------- */

struct point {
	const char *family;
	size_t bytes;
	long count;		/* key elements or intermediates added */
	double median_ns;
	size_t peak;
	int counted;
};

/* Builds the input of |family| ("keys" or "certs") nearest |target| bytes
 * from above; |fill| holds the spare intermediates. */
static uint8_t *curve_input(const char *family, size_t target, STACK_OF(X509) *fill, long *count,
    size_t *len)
{
	int keys = strcmp(family, "keys") == 0;
	size_t l0, l1;
	uint8_t *a = keys ? make_evidence(&g.pki, g.subject, 0, 0, NULL, 0, CSR_NONCE, sizeof(CSR_NONCE), &l0)
	    : make_evidence(&g.pki, g.subject, 0, 0, fill, 0, CSR_NONCE, sizeof(CSR_NONCE), &l0);
	uint8_t *b = keys ? make_evidence(&g.pki, g.subject, 0, 16, NULL, 0, CSR_NONCE, sizeof(CSR_NONCE), &l1)
	    : make_evidence(&g.pki, g.subject, 0, 0, fill, 16, CSR_NONCE, sizeof(CSR_NONCE), &l1);
	free(a);
	free(b);
	if (a == NULL || b == NULL)
		return NULL;
	double per = (double)(l1 - l0) / 16;
	long n = target > l0 ? (long)(((double)(target - l0) + per - 1) / per) : 0;
	if (!keys && n > sk_X509_num(fill))
		n = sk_X509_num(fill);
	*count = n;
	return keys ? make_evidence(&g.pki, g.subject, 0, n, NULL, 0, CSR_NONCE, sizeof(CSR_NONCE), len)
	    : make_evidence(&g.pki, g.subject, 0, 0, fill, n, CSR_NONCE, sizeof(CSR_NONCE), len);
}

/* Raises every cap of |v| past what the curves add: the work is done, not
 * refused. Returns 1 or 0. */
static int uncap(csra_verifier *v)
{
	for (int i = 0; i < CSRA_LIMIT_COUNT; i++)
		if (csra_verifier_set_limit(v, (csra_limit)i, (size_t)1 << 40) != CSRA_OK)
			return 0;
	return 1;
}


/* time_point times one input of a curve: |w|'s function once (it warms the
 * cache, and must succeed), then |repeats| repeats of N operations into
 * |ns| (at most 16). Returns 0 if an operation failed. */
static int time_point(struct workload *w, double *ns, int repeats, double target_ms, long iters)
{
	w->ns = ns;
	int ok = w->fn();
	w->iters = iters ? iters : calibrate(w, target_ms * 1e6);
	for (int r = 0; ok && w->iters > 0 && r < repeats; r++) {
		double t = run(w, w->iters);
		ok = t >= 0;
		ns[r] = t / (double)w->iters;
	}
	return ok && w->iters > 0;
}

/* Times warm verification of each size; returns the number of points, or
 * -1 on failure. */
static int run_curve(const size_t *sizes, int nsizes, int repeats, double target_ms, long iters,
    struct point *pts)
{
	csra_verifier *v = csra_verifier_new();
	STACK_OF(X509) *fill = sk_X509_new_null();
	EVP_PKEY *fk = tp_key("EC", "P-256");
	int np = 0;
	if (v == NULL || fill == NULL || fk == NULL || csra_verifier_add_trust(v, g.pki.root) != CSRA_OK ||
	    csra_verifier_add_untrusted(v, g.pki.inter) != CSRA_OK || !uncap(v))
		goto fail;
	/* Spare intermediates: issued by the root, named so that path
	 * building passes over them, one key between them (signing is what
	 * costs here). */
	size_t maxsz = 0;
	for (int i = 0; i < nsizes; i++)
		maxsz = sizes[i] > maxsz ? sizes[i] : maxsz;
	long nfill = (long)(maxsz / 400) + 1;
	for (long i = 0; i < nfill; i++) {
		char cn[48];
		snprintf(cn, sizeof(cn), "bench filler CA %06ld", i);
		X509 *x = tp_cert(cn, fk, g.pki.root, g.pki.root_key, TP_CA, -3600, 86400L * 365);
		if (x == NULL || !sk_X509_push(fill, x)) {
			X509_free(x);
			goto fail;
		}
	}
	static const char *families[] = { "keys", "certs" };
	for (int f = 0; f < 2; f++) {
		for (int i = 0; i < nsizes; i++) {
			struct point *pt = &pts[np];
			size_t len;
			long count;
			uint8_t *der = curve_input(families[f], sizes[i], fill, &count, &len);
			if (der == NULL)
				goto fail;
			g.cur = der;
			g.cur_len = len;
			g.cur_v = v;
			struct workload w = WL("curve", "", w_curve, 0, -1, -1);
			double ns[16];
			if (!time_point(&w, ns, repeats, target_ms, iters)) {
				fprintf(stderr, "bench_verify: %s input of %zu bytes does not verify\n",
				    families[f], len);
				free(der);
				goto fail;
			}
			summarise(&w, repeats);
			count_one(&w);
			*pt = (struct point){ families[f], len, count, w.median, w.peak, w.counted };
			np++;
			free(der);
		}
	}
	sk_X509_pop_free(fill, X509_free);
	EVP_PKEY_free(fk);
	csra_verifier_free(&v);
	return np;
fail:
	sk_X509_pop_free(fill, X509_free);
	EVP_PKEY_free(fk);
	csra_verifier_free(&v);
	return -1;
}

/* The hostile curve ------------------------------------------------------ */

/* What a hostile requester packs into one input, many times over, up to the
 * decoder's input limit (4 MiB): unknown statements in the bundle of a
 * PKCS#10 request, attributes of a PKCS#10 request, signature blocks (by an
 * unknown keyId: no signature is computed) in one Evidence. The caps are
 * raised so that every item is worked through. */
static const char *hostile_families[] = { "stmts", "attrs", "blocks" };
/* Every family goes to the input limit. */
static const size_t hostile_max[] = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
#define NHOSTILE 3
/* 1.3.6.1.4.1.55555.1: no verifier knows it. */
static const uint8_t HOSTILE_TYPE[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01 };

/* DER SET OF order (X.690 11.6): as octet strings, the shorter padded
 * with zeros. */
static int cmp_der(const void *a, const void *b)
{
	const struct tlv *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* A PKCS#10 request by g.subject with |bundle| and |nattrs| more
 * attributes, encoded here: OpenSSL checks each attribute it adds against
 * all the others, which for 200,000 attributes takes hours. */
static uint8_t *hostile_csr(const uint8_t *bundle, size_t blen, long nattrs, size_t *len)
{
	static const uint8_t ecdsa_sha256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
	const csra_oid_entry *aa = &csra_oid_table[CSRA_OID_ID_AA_ATTESTATION];
	unsigned char *spki = NULL, *sig = NULL;
	int spki_len = i2d_PUBKEY(g.subject, &spki);
	size_t alen = 0, ilen = 0, siglen = 0;
	uint8_t *attrs = NULL, *info = NULL, *out = NULL;
	struct tlv *order = calloc((size_t)nattrs + 1, sizeof(*order));
	csra_cbb a, c;
	/* The attributes, each OID under 1.3.6.1.4.1.55555.2 with a 3-byte
	 * last arc, then sorted into DER order. */
	int ok = spki_len > 0 && order != NULL && csra_cbb_init(&a, (size_t)nattrs * 20 + blen + 32);
	for (long i = 0; ok && i < nattrs; i++) {
		long arc = 16384 + i;
		uint8_t oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x02,
			(uint8_t)(0x80 | (arc >> 14)), (uint8_t)(0x80 | ((arc >> 7) & 0x7f)), (uint8_t)(arc & 0x7f) };
		static const uint8_t x[] = { 0x0c, 0x01, 'x' };
		ok = csra_cbb_open(&a, 0x30) && csra_cbb_add_tlv(&a, 0x06, oid, sizeof(oid)) &&
		    csra_cbb_add_tlv(&a, 0x31, x, sizeof(x)) && csra_cbb_close(&a);
	}
	ok = ok && csra_cbb_open(&a, 0x30) && csra_cbb_add_tlv(&a, 0x06, aa->der, aa->der_len) &&
	    csra_cbb_add_tlv(&a, 0x31, bundle, blen) && csra_cbb_close(&a) && csra_cbb_finish(&a, &attrs, &alen);
	if (!ok)
		csra_cbb_cleanup(&a);
	size_t n = 0;
	for (const uint8_t *p = attrs; ok && p < attrs + alen; p += order[n++].len)
		ok = tlv_at(p, attrs + alen, &order[n]);
	if (ok)
		qsort(order, n, sizeof(*order), cmp_der);
	/* CertificationRequestInfo: version 0, an empty subject, the key,
	 * the attributes; then signed as received. */
	ok = ok && csra_cbb_init(&c, alen + (size_t)spki_len + 32) && csra_cbb_open(&c, 0x30) &&
	    csra_cbb_add_int(&c, 0) && csra_cbb_add_bytes(&c, (const uint8_t *)"\x30\x00", 2) &&
	    csra_cbb_add_bytes(&c, spki, (size_t)spki_len) && csra_cbb_open(&c, 0xa0);
	for (size_t i = 0; ok && i < n; i++)
		ok = csra_cbb_add_bytes(&c, order[i].p, order[i].len);
	ok = ok && csra_cbb_close(&c) && csra_cbb_close(&c) && csra_cbb_finish(&c, &info, &ilen);
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	ok = ok && mc != NULL && EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL, g.subject) == 1 &&
	    EVP_DigestSign(mc, NULL, &siglen, info, ilen) == 1 && (sig = OPENSSL_malloc(siglen + 1)) != NULL &&
	    EVP_DigestSign(mc, sig + 1, &siglen, info, ilen) == 1;
	EVP_MD_CTX_free(mc);
	if (ok) {
		sig[0] = 0;	/* no unused bits */
		ok = csra_cbb_init(&c, ilen + siglen + 32) && csra_cbb_open(&c, 0x30) &&
		    csra_cbb_add_bytes(&c, info, ilen) && csra_cbb_open(&c, 0x30) &&
		    csra_cbb_add_tlv(&c, 0x06, ecdsa_sha256, sizeof(ecdsa_sha256)) && csra_cbb_close(&c) &&
		    csra_cbb_add_tlv(&c, 0x03, sig, siglen + 1) && csra_cbb_close(&c) &&
		    csra_cbb_finish(&c, &out, len);
		if (!ok)
			csra_cbb_cleanup(&c);
	}
	OPENSSL_free(sig);
	OPENSSL_free(spki);
	free(order);
	free(attrs);
	free(info);
	return ok ? out : NULL;
}

/* A bundle of |n| + 1 unknown statements, each a NULL value. */
static uint8_t *hostile_bundle(long n, size_t *len)
{
	static const uint8_t null_tlv[] = { 0x05, 0x00 };
	csra_cbb c;
	uint8_t *out = NULL;
	int ok = csra_cbb_init(&c, (size_t)(n + 1) * 16 + 16) && csra_cbb_open(&c, 0x30) &&
	    csra_cbb_open(&c, 0x30);
	for (long i = 0; ok && i <= n; i++)
		ok = csra_cbb_open(&c, 0x30) && csra_cbb_add_tlv(&c, 0x06, HOSTILE_TYPE, sizeof(HOSTILE_TYPE)) &&
		    csra_cbb_add_bytes(&c, null_tlv, sizeof(null_tlv)) && csra_cbb_close(&c);
	ok = ok && csra_cbb_close(&c) && csra_cbb_close(&c) && csra_cbb_finish(&c, &out, len);
	if (!ok)
		csra_cbb_cleanup(&c);
	return ok ? out : NULL;
}

/* An Evidence whose one signature block, by an unknown keyId, is repeated
 * |n| + 1 times. */
static uint8_t *hostile_blocks(long n, size_t *len)
{
	static const uint8_t keyid[] = "no such key";
	csra_evb *b = csra_evb_new();
	uint8_t *one = NULL, *out = NULL;
	size_t olen, k;
	struct tlv top, tbs, sigs, blk;
	csra_cbb c;
	int ok = b != NULL && csra_evb_add_element(b, CSRA_ELEMENT_KEY, &k) == CSRA_OK &&
	    csra_evb_add_utf8(b, k, CSRA_CLAIM_KEY_IDENTIFIER, "k", 1) == CSRA_OK &&
	    csra_evb_add_signer(b, g.pki.ak_key, NULL, CSRA_SID_KEYID, keyid, sizeof(keyid) - 1) == CSRA_OK &&
	    csra_evb_encode(b, &one, &olen) == CSRA_OK && tlv_at(one, one + olen, &top) &&
	    tlv_child(&top, 0, &tbs) && tlv_child(&top, 1, &sigs) && tlv_child(&sigs, 0, &blk);
	csra_evb_free(&b);
	if (!ok || !csra_cbb_init(&c, tbs.len + (size_t)(n + 1) * blk.len + 16)) {
		free(one);
		return NULL;
	}
	ok = csra_cbb_open(&c, 0x30) && csra_cbb_add_bytes(&c, tbs.p, tbs.len) && csra_cbb_open(&c, 0x30);
	for (long i = 0; ok && i <= n; i++)
		ok = csra_cbb_add_bytes(&c, blk.p, blk.len);
	ok = ok && csra_cbb_close(&c) && csra_cbb_close(&c) && csra_cbb_finish(&c, &out, len);
	if (!ok)
		csra_cbb_cleanup(&c);
	free(one);
	return ok ? out : NULL;
}

static uint8_t *hostile_make(int family, long n, size_t *len)
{
	if (family == 2)
		return hostile_blocks(n, len);
	size_t blen;
	uint8_t *bundle = hostile_bundle(family == 0 ? n : 0, &blen);
	uint8_t *der = bundle != NULL ? hostile_csr(bundle, blen, family == 1 ? n : 0, len) : NULL;
	free(bundle);
	return der;
}

/* The input of |family| nearest |target| bytes from above. */
static uint8_t *hostile_input(int family, size_t target, long *count, size_t *len)
{
	size_t l0, l1;
	uint8_t *a = hostile_make(family, 0, &l0), *b = hostile_make(family, 64, &l1);
	free(a);
	free(b);
	if (a == NULL || b == NULL)
		return NULL;
	double per = (double)(l1 - l0) / 64;
	long n = target > l0 ? (long)(((double)(target - l0) + per - 1) / per) : 0;
	*count = n + 1;
	return hostile_make(family, n, len);
}

/* Verification of the current hostile input: a result, no cap hit. */
static int w_hostile(void)
{
	csra_result *r = NULL;
	csra_err e = g.cur_evidence ? csra_verify_evidence(g.cur_v, g.cur, g.cur_len, NULL, 0, NULL, &r)
	    : csra_verify_request(g.cur_v, g.cur, g.cur_len, NULL, 0, &r);
	int ok = e == CSRA_OK && r != NULL;
	for (csra_err c = CSRA_ERR_LIMIT_STATEMENTS; ok && c <= CSRA_ERR_LIMIT_ELEMENTS; c++)
		ok = !csra_result_has_failure(r, c);
	g_sink += (long)csra_result_check_count(r);
	csra_result_free(&r);
	return ok;
}

/* Times each hostile family at each size, as run_curve does. Returns the
 * number of points, or -1 on failure. */
static int run_hostile(const size_t *sizes, int nsizes, int repeats, double target_ms, long iters,
    const char *only, struct point *pts)
{
	/* --only may name families (e.g. "hostile,attrs"): then just those. */
	int named = 0;
	for (int f = 0; only != NULL && f < NHOSTILE; f++)
		named |= strstr(only, hostile_families[f]) != NULL;
	csra_verifier *v = csra_verifier_new();
	int np = 0;
	if (v == NULL || csra_verifier_add_trust(v, g.pki.root) != CSRA_OK || !uncap(v)) {
		csra_verifier_free(&v);
		return -1;
	}
	for (int f = 0; f < NHOSTILE; f++) {
		if (named && strstr(only, hostile_families[f]) == NULL)
			continue;
		for (int i = 0; i < nsizes && sizes[i] <= hostile_max[f]; i++) {
			size_t len;
			long count;
			uint8_t *der = hostile_input(f, sizes[i], &count, &len);
			if (der == NULL) {
				csra_verifier_free(&v);
				return -1;
			}
			g.cur = der;
			g.cur_len = len;
			g.cur_v = v;
			g.cur_evidence = f == 2;
			struct workload w = WL("hostile", "", w_hostile, 0, -1, -1);
			double ns[16];
			if (!time_point(&w, ns, repeats, target_ms, iters)) {
				fprintf(stderr, "bench_verify: hostile %s input of %zu bytes fails\n",
				    hostile_families[f], len);
				free(der);
				csra_verifier_free(&v);
				return -1;
			}
			summarise(&w, repeats);
			count_one(&w);
			free(der);
			pts[np++] = (struct point){ hostile_families[f], len, count, w.median, w.peak, w.counted };
		}
	}
	csra_verifier_free(&v);
	return np;
}

/* Main ------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: bench_verify [--smoke] [--iters N] [--repeats R] [--target-ms MS]\n"
	    "                    [--only NAME[,NAME...]] [--no-curve] [--max-bytes N] [--cpu-clock]\n"
	    "                    [--ca CERT] EVIDENCE\n"
	    "EVIDENCE: shared/vectors/pkix-evidence/evidence2.pem (PEM); CERT defaults to ca.crt\n"
	    "beside it. --only times just the named workloads (for profiling), floors included\n"
	    "only if named; \"curve\" names the size curve, \"hostile\" the hostile curve (many\n"
	    "statements, attributes, signature blocks up to the 4 MiB input limit; \"stmts\",\n"
	    "\"attrs\", \"blocks\" restrict it to those). --max-bytes\n"
	    "stops both curves at inputs of N bytes. --cpu-clock times with the process's CPU\n"
	    "time instead of the wall clock (for a shared, overloaded machine).\n");
}

static void fmt_ratio(char *out, size_t cap, const struct workload *w)
{
	double den = 0;
	if (w->floor >= 0 && !wl[w->floor].skip)
		den = wl[w->floor].median;
	if (w->floor2 >= 0)
		den = wl[w->floor2].skip ? 0 : den + wl[w->floor2].median;
	if (w->threads == 2 && !wl[W_MT1].skip)
		den = wl[W_MT1].median;	/* scaling: per-op time against one thread's */
	if (den > 0 && !w->skip)
		snprintf(out, cap, "%.2f", w->median / den);
	else
		snprintf(out, cap, "-");
}

static const char *floor_name(const struct workload *w)
{
	if (w->threads == 2)
		return "ev_warm_1thr";
	if (w->floor2 >= 0)
		return "floor_csr_sig+floor_csr_ev_sig";
	return w->floor >= 0 ? wl[w->floor].name : "-";
}

static void fmt_count(char *out, size_t cap, const struct workload *w, size_t v)
{
	if (!w->counted)
		snprintf(out, cap, "n/a");
	else
		snprintf(out, cap, "%zu", v);
}

int main(int argc, char **argv)
{
	/* Before OpenSSL allocates anything: its allocations join the count. */
	int ossl_counted = bench_count_openssl();
	const char *path = NULL, *ca_path = NULL, *only = NULL;
	long iters = 0, max_bytes = 0;
	int repeats = 7, smoke = 0, curve = 1, hostile = 1, cpu_clock = 0;
	double target_ms = 100;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--smoke") == 0)
			smoke = 1;
		else if (strcmp(argv[i], "--cpu-clock") == 0)
			bench_use_cpu_clock(cpu_clock = 1);
		else if (strcmp(argv[i], "--no-curve") == 0)
			curve = hostile = 0;
		else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
			iters = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
			repeats = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--target-ms") == 0 && i + 1 < argc)
			target_ms = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc)
			max_bytes = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			ca_path = argv[++i];
		else if (argv[i][0] == '-' || path != NULL) {
			usage();
			return 2;
		} else
			path = argv[i];
	}
	if (path == NULL || repeats < 1 || repeats > 15 || iters < 0 || target_ms <= 0) {
		usage();
		return 2;
	}
	if (smoke) {
		/* Checks that every path works, not how fast. */
		if (iters == 0)
			iters = 2;
		repeats = 1;
	}
	char ca_buf[4096];
	if (ca_path == NULL) {
		const char *slash = strrchr(path, '/');
		int dir = slash ? (int)(slash - path) : 1;
		snprintf(ca_buf, sizeof(ca_buf), "%.*s/ca.crt", dir, slash ? path : ".");
		ca_path = ca_buf;
	}
	if (only != NULL) {
		int any = 0;
		for (size_t k = 0; k < NWL; k++) {
			size_t n = strlen(wl[k].name);
			const char *m = only;
			wl[k].skip = 1;
			while ((m = strstr(m, wl[k].name)) != NULL) {
				if ((m == only || m[-1] == ',') && (m[n] == ',' || m[n] == '\0'))
					wl[k].skip = 0;
				m += n;
			}
			any |= !wl[k].skip;
		}
		curve = strstr(only, "curve") != NULL;
		hostile = strstr(only, "hostile") != NULL;
		if (!any && !curve && !hostile) {
			usage();
			return 2;
		}
	}

	setup_vendors(path);
	if (!setup_evidence2(path, ca_path) || !setup_csr() || !setup_newak()) {
		fprintf(stderr, "bench_verify: set-up failed\n");
		return 1;
	}
	/* Every workload must succeed before anything is timed; the second
	 * round runs on warm caches, as the timing will. */
	for (int round = 0; round < 2; round++) {
		for (size_t k = 0; k < NWL; k++) {
			if (!wl[k].skip && !wl[k].fn()) {
				fprintf(stderr, "bench_verify: workload %s fails\n", wl[k].name);
				return 1;
			}
		}
	}
	unsigned long h0, m0, h1, m1;
	csra_cache_stats(g.warm, &h0, &m0);
	w_ev_warm();
	csra_cache_stats(g.warm, &h1, &m1);
	int warm_hits = h1 == h0 + 1 && m1 == m0;

	for (size_t k = 0; k < NWL; k++)
		if (!wl[k].skip)
			count_one(&wl[k]);

	for (size_t k = 0; k < NWL; k++) {
		if (wl[k].skip)
			continue;
		wl[k].iters = iters ? iters : calibrate(&wl[k], target_ms * 1e6);
		wl[k].ns = calloc((size_t)repeats, sizeof(double));
		if (wl[k].iters < 0 || wl[k].ns == NULL)
			return 1;
	}
	for (int r = 0; r < repeats; r++) {
		for (size_t k = 0; k < NWL; k++) {
			if (wl[k].skip)
				continue;
			double t = run(&wl[k], wl[k].iters);
			if (t < 0) {
				fprintf(stderr, "bench_verify: workload %s failed\n", wl[k].name);
				return 1;
			}
			wl[k].ns[r] = t / (double)wl[k].iters;
		}
	}
	for (size_t k = 0; k < NWL; k++)
		if (!wl[k].skip)
			summarise(&wl[k], repeats);

	/* The size curve: 1 KiB to 1 MiB (the smoke run stops at 16 KiB). */
	static const size_t sizes[] = { 1024, 4096, 16384, 65536, 262144, 1048576 };
	int nsizes = smoke ? 3 : (int)(sizeof(sizes) / sizeof(sizes[0]));
	while (max_bytes > 0 && nsizes > 1 && sizes[nsizes - 1] > (size_t)max_bytes)
		nsizes--;
	struct point pts[2 * sizeof(sizes) / sizeof(sizes[0])];
	int np = 0;
	if (curve) {
		np = run_curve(sizes, nsizes, smoke ? 1 : 3, target_ms / 2, iters, pts);
		if (np < 0)
			return 1;
	}
	/* The hostile curve: 1 KiB to just under the 4 MiB input limit (the
	 * smoke run stops at 4 KiB). */
	static const size_t hsizes[] = { 1024, 4096, 16384, 65536, 262144, 1048576, 4128768 };
	int nhsizes = smoke ? 2 : (int)(sizeof(hsizes) / sizeof(hsizes[0]));
	while (max_bytes > 0 && nhsizes > 1 && hsizes[nhsizes - 1] > (size_t)max_bytes)
		nhsizes--;
	struct point hpts[NHOSTILE * sizeof(hsizes) / sizeof(hsizes[0])];
	int nhp = 0;
	if (hostile) {
		nhp = run_hostile(hsizes, nhsizes, smoke ? 1 : 3, target_ms / 2, iters, only, hpts);
		if (nhp < 0)
			return 1;
	}

	char cpu[256], load[64];
	bench_cpu_model(cpu, sizeof(cpu));
	bench_loadavg(load, sizeof(load));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	printf("bench_verify%s: %s (DER %zu bytes), trust %s; CSR %zu bytes (Evidence %zu bytes, P-256 AK "
	    "and subject, made at start)\n", smoke ? " --smoke" : "", path, g.ev_len, ca_path, g.csr_len,
	    g.csr_ev_len);
	printf("machine: nproc %ld, %s, loadavg %s; %s\n", ncpu, cpu, load, OpenSSL_version(OPENSSL_VERSION));
	printf("compiler: %s; build %s, flags \"%s\"%s%s\n", bench_compiler(), CSRA_BENCH_BUILD, CSRA_BENCH_FLAGS,
	    SANITIZED ? "; ASan" : "", COUNTING ? (ossl_counted ? "" : "; OpenSSL allocations not counted")
	    : "; allocation counting off");
	printf("method: %d repeat(s) round robin; per repeat N operations (~%.0f ms unless --iters); "
	    "ns/op = repeat %s time / N; warm verifications hit the chain cache: %s\n\n", repeats, target_ms,
	    cpu_clock ? "CPU (process)" : "wall-clock", warm_hits ? "yes" : "NO");
	printf("%-16s %-32s %8s %10s %10s %10s %7s %9s %9s %7s\n", "workload", "what", "N", "median ns",
	    "min ns", "max ns", "x floor", "allocs/op", "peak B", "leak B");
	for (size_t k = 0; k < NWL; k++) {
		const struct workload *w = &wl[k];
		char rf[32], a[32], pk[32], lk[32];
		if (w->skip)
			continue;
		fmt_ratio(rf, sizeof(rf), w);
		fmt_count(a, sizeof(a), w, w->allocs);
		fmt_count(pk, sizeof(pk), w, w->peak);
		fmt_count(lk, sizeof(lk), w, w->leak);
		printf("%-16s %-32s %8ld %10.0f %10.0f %10.0f %7s %9s %9s %7s\n", w->name, w->what, w->iters,
		    w->median, w->min, w->max, rf, a, pk, lk);
	}
	printf("x floor: strict_decode/floor_tlv_walk, ev_warm/floor_ecdsa, ev_nocache and ev_cold/floor_cold, "
	    "csr_warm/(floor_csr_sig+floor_csr_ev_sig), weak_*/csr_warm, ev_warm_2thr/ev_warm_1thr, "
	    "new_ak and fastlink_new_ak (the link check alone) /floor_new_ak, fastlink_cold (the check alone) /floor_cold\n");
	if (np > 0) {
		printf("\nsize curve: warm verification (chain cache hit), median of %d\n", smoke ? 1 : 3);
		printf("%-6s %9s %7s %12s %8s %10s %8s\n", "input", "DER B", "added", "median us", "ns/B",
		    "peak B", "peak/B");
		for (int i = 0; i < np; i++)
			printf("%-6s %9zu %7ld %12.1f %8.1f %10zu %8.2f\n", pts[i].family, pts[i].bytes,
			    pts[i].count, pts[i].median_ns / 1e3, pts[i].median_ns / (double)pts[i].bytes,
			    pts[i].peak, (double)pts[i].peak / (double)pts[i].bytes);
	}
	if (nhp > 0) {
		printf("\nhostile curve: every item worked through (caps raised), median of %d\n",
		    smoke ? 1 : 3);
		printf("%-6s %9s %7s %12s %8s %10s %8s\n", "input", "DER B", "items", "median us", "ns/B",
		    "peak B", "peak/B");
		for (int i = 0; i < nhp; i++)
			printf("%-6s %9zu %7ld %12.1f %8.1f %10zu %8.2f\n", hpts[i].family, hpts[i].bytes,
			    hpts[i].count, hpts[i].median_ns / 1e3, hpts[i].median_ns / (double)hpts[i].bytes,
			    hpts[i].peak, (double)hpts[i].peak / (double)hpts[i].bytes);
	}

	/* The targets; informational, never the exit status. */
	const char *sm = smoke ? " [smoke: not meaningful]" : "";
	char t[7][224];
#define RATIO(a, b) (wl[b].median > 0 ? wl[a].median / wl[b].median : 0)
	double r_warm = RATIO(W_EV_WARM, F_ECDSA);
	double csr_floor = wl[F_CSR_SIG].median + wl[F_CSR_EV_SIG].median;
	double r_csr = csr_floor > 0 ? wl[W_CSR_WARM].median / csr_floor : 0;
	double r_cold = RATIO(W_EV_COLD, F_COLD);
	snprintf(t[0], sizeof(t[0]), "warm verify-evidence <= 1.2x one ECDSA verify: %s (%.2fx)%s",
	    wl[W_EV_WARM].skip || wl[F_ECDSA].skip ? "not run" : r_warm <= 1.2 ? "met" : "NOT met", r_warm, sm);
	/* With the weight of its two largest parts beyond the floor. */
	char parts[96] = "";
	if (csr_floor > 0 && !wl[W_CSR_DECODE].skip && !wl[W_CSR_KEY].skip)
		snprintf(parts, sizeof(parts), "; of it the CSR's decode %.3fx, its key's import %.3fx",
		    wl[W_CSR_DECODE].median / csr_floor, wl[W_CSR_KEY].median / csr_floor);
	snprintf(t[1], sizeof(t[1]), "warm CSR verify <= 1.1x (CSR sig + Evidence sig): %s (%.2fx%s)%s",
	    wl[W_CSR_WARM].skip || csr_floor <= 0 ? "not run" : r_csr <= 1.1 ? "met" : "NOT met", r_csr, parts, sm);
	snprintf(t[2], sizeof(t[2]), "cold verify-evidence <= 1.1x OpenSSL's own floor: %s (%.2fx)%s",
	    wl[W_EV_COLD].skip || wl[F_COLD].skip ? "not run" : r_cold <= 1.1 ? "met" : "NOT met", r_cold, sm);
	/* Against the walk of the same bytes in this run: an absolute time
	 * holds on one machine only. */
	double r_strict = RATIO(W_STRICT, F_TLV_WALK);
	snprintf(t[3], sizeof(t[3]), "strict decode <= 3x the bare tag-length walk: %s (%.2fx)%s",
	    wl[W_STRICT].skip || wl[F_TLV_WALK].skip ? "not run" : r_strict <= 3 ? "met" : "NOT met", r_strict, sm);
	const struct workload *hw = &wl[W_EV_NOCACHE];
	snprintf(t[4], sizeof(t[4]), "peak heap of one verify-evidence <= 64 KiB: %s (%zu B uncached, "
	    "%zu B cached; leak %zu B)", !hw->counted || !wl[W_EV_WARM].counted ? "not counted" :
	    hw->peak <= 65536 && wl[W_EV_WARM].peak <= 65536 && hw->leak == 0 && wl[W_EV_WARM].leak == 0
	    ? "met" : "NOT met", hw->peak, wl[W_EV_WARM].peak, hw->leak + wl[W_EV_WARM].leak);
	/* A vendor format costs no more than PKIX Evidence, warm. */
	static const int vendors[] = { W_LUNA_WARM, W_HSM_WARM, W_MRVL_WARM, W_C4A_WARM, W_PRIMUS_WARM };
	char vr[128] = "";
	int vmet = 1, vrun = !wl[W_EV_WARM].skip;
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		const struct workload *w = &wl[vendors[i]];
		double rv = wl[W_EV_WARM].median > 0 ? w->median / wl[W_EV_WARM].median : 0;
		size_t used = strlen(vr);
		if (w->skip) {
			vrun = 0;
			continue;
		}
		vmet &= rv <= 1.0;
		snprintf(vr + used, sizeof(vr) - used, "%s%.*s %.2fx", used ? ", " : "",
		    (int)strcspn(w->name, "_"), w->name, rv);
	}
	snprintf(t[5], sizeof(t[5]), "warm vendor format <= 1.0x warm PKIX Evidence: %s (%s)%s",
	    !vrun ? "not run" : vmet ? "met" : "NOT met", vr, sm);
	double r_new = RATIO(W_NEW_AK, F_NEW_AK);
	snprintf(t[6], sizeof(t[6]), "new AK under known issuers <= 1.2x (d2i leaf + its signature + Evidence "
	    "sig): %s (%.2fx)%s", wl[W_NEW_AK].skip || wl[F_NEW_AK].skip ? "not run" : r_new <= 1.2 ? "met"
	    : "NOT met", r_new, sm);
	printf("\n");
	for (int i = 0; i < 7; i++)
		printf("target: %s\n", t[i]);

	/* Machine-readable lines for scripts/bench_verify_table.sh. */
	printf("\nINFO input %s (DER %zu bytes); CSR %zu bytes with a %zu-byte Evidence\n", path, g.ev_len,
	    g.csr_len, g.csr_ev_len);
	printf("INFO machine nproc %ld, %s, loadavg %s; %s\n", ncpu, cpu, load, OpenSSL_version(OPENSSL_VERSION));
	printf("INFO compiler %s; build %s, flags \"%s\"%s\n", bench_compiler(), CSRA_BENCH_BUILD, CSRA_BENCH_FLAGS,
	    SANITIZED ? "; ASan" : "");
	printf("INFO method %d repeat(s), round robin, %s, %s time; warm runs hit the chain cache: %s\n",
	    repeats, iters ? "fixed N" : "N for ~100 ms per repeat", cpu_clock ? "CPU" : "wall-clock",
	    warm_hits ? "yes" : "NO");
	for (size_t k = 0; k < NWL; k++) {
		const struct workload *w = &wl[k];
		char rf[32], a[32], pk[32], lk[32];
		if (w->skip)
			continue;
		fmt_ratio(rf, sizeof(rf), w);
		fmt_count(a, sizeof(a), w, w->allocs);
		fmt_count(pk, sizeof(pk), w, w->peak);
		fmt_count(lk, sizeof(lk), w, w->leak);
		printf("RESULT %s %.1f %.1f %.1f %s %s %s %s %s\n", w->name, w->median, w->min, w->max, rf,
		    floor_name(w), a, pk, lk);
	}
	for (int i = 0; i < np; i++)
		printf("CURVE %s %zu %ld %.1f %.2f %zu\n", pts[i].family, pts[i].bytes, pts[i].count,
		    pts[i].median_ns, pts[i].median_ns / (double)pts[i].bytes, pts[i].counted ? pts[i].peak : 0);
	for (int i = 0; i < nhp; i++)
		printf("HOSTILE %s %zu %ld %.1f %.2f %zu\n", hpts[i].family, hpts[i].bytes, hpts[i].count,
		    hpts[i].median_ns, hpts[i].median_ns / (double)hpts[i].bytes, hpts[i].counted ? hpts[i].peak : 0);
	for (int i = 0; i < 7; i++)
		printf("TARGET %s\n", t[i]);

	for (size_t k = 0; k < NWL; k++)
		free(wl[k].ns);
	csra_verifier_free(&g.warm);
	csra_verifier_free(&g.nocache);
	csra_verifier_free(&g.csr_warm);
	csra_verifier_free(&g.newak_v);
	X509_STORE_CTX_free(g.fl_ctx);
	X509_STORE_free(g.fl_anchor);
	csra_verifier_free(&g.fl_v);
	for (size_t i = 0; g.newak != NULL && i < NEWAK; i++)
		free(g.newak[i].ev);
	free(g.newak);
	EVP_PKEY_free(g.inter_pub);
	X509_REQ_free(g.req);
	EVP_PKEY_free(g.req_pub);
	EVP_PKEY_free(g.csr_ak_pub);
	EVP_PKEY_free(g.ak_pub);
	EVP_PKEY_free(g.subject);
	X509_free(g.ak);
	X509_free(g.ca);
	tp_pki_free(&g.pki);
	free(g.csr);
	free(g.csr_ev);
	free(g.weak_rsa);
	free(g.weak_ec);
	free(g.ev);
	free(g.luna);
	free(g.hsm);
	csra_attestation_free(&g.mrvl_att);
	csra_attestation_free(&g.c4a_att);
	csra_attestation_free(&g.primus_att);
	csra_verifier_free(&g.fmt_warm);
	csra_verifier_free(&g.c4a_warm);
	(void)g_sink;
	return 0;
}
