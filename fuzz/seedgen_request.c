/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seeds of the harnesses that need the library to make them:
 *
 *   fuzz/fixtures/root.der           the fixed root (fuzz_pki.h)
 *   fuzz/corpus/verify_request/      complete requests, each checked here
 *                                    to verify under fuzz_verify_request
 *                                    (valid-*), and a few that must not
 *   fuzz/corpus/external_reply/      replies of an external verifier
 *   fuzz/corpus/policy/              policies
 *   fuzz/corpus/thales_luna/         Luna-shaped PKCs under the fixed root,
 *                                    valid-* checked to verify and bind
 *   fuzz/corpus/yubico/              YubiKey PIV and YubiHSM 2 bags under
 *                                    the fixed root, for the request key,
 *                                    each checked to verify (valid-*)
 *
 *   seedgen_request [--force] FUZZDIR
 *
 * Existing files are kept unless --force is given: ECDSA signatures are
 * random, so rerunning would churn the committed corpus. The root is
 * read back from FUZZDIR/fixtures/root.der before the check, so what is
 * committed is what is checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crmf.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <tss2/tss2_mu.h>

#include "csra_cbb.h"
#include "csra_cbs.h"
#include "csra_oid_table.h"
#include "csra_stmt.h"
#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/request.h"
#include "fuzz_pki.h"
#include "fuzz_vr.h"

static const char *fuzzdir;
static int force;
static int written, kept;

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "seedgen_request: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void mkdirs(const char *sub)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", fuzzdir, sub);
	for (char *s = path + strlen(fuzzdir) + 1; ; s++) {
		char c = *s;
		if (c == '/' || c == '\0') {
			*s = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				die("%s: %s", path, strerror(errno));
			*s = c;
		}
		if (c == '\0')
			break;
	}
}

/* Writes |sub|/|name| unless it exists (and --force is not given). */
static void put(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	struct stat st;
	mkdirs(sub);
	snprintf(path, sizeof(path), "%s/%s/%s", fuzzdir, sub, name);
	if (!force && stat(path, &st) == 0) {
		kept++;
		return;
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("%s: cannot write", path);
	written++;
}

static void put_str(const char *sub, const char *name, const char *s)
{
	put(sub, name, s, strlen(s));
}

/* Evidence ----------------------------------------------------------- */

enum signer_mode {
	SIGN_CERT,		/* the AK certificate, intermediate in the Evidence */
	SIGN_CERT_AGAIN,	/* as SIGN_CERT, by another certificate of the AK key */
	SIGN_CERT_SPKI,		/* certificate and SPKI; intermediate left to the bundle */
	SIGN_KEYID,		/* the AK certificate's keyId: the verifier knows it */
	SIGN_SIGNER_KEY		/* the verifier's bare signer key, by keyId */
};

typedef struct pki {
	X509 *root, *inter, *ak, *ak_again, *tpm_ak;
} pki;

#define CHECK_OK(call) do { if ((call) != CSRA_OK) die("%s failed", #call); } while (0)

static uint8_t *evidence(const pki *k, fuzz_key_id subject, const uint8_t *nonce, size_t nonce_len,
    enum signer_mode mode, size_t *len)
{
	size_t spki_len, tx, pl, key;
	unsigned char *spki = fuzz_spki(subject, &spki_len);
	csra_evb *b = csra_evb_new();
	if (spki == NULL || b == NULL)
		die("evidence");
	CHECK_OK(csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx));
	if (nonce != NULL)
		CHECK_OK(csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, nonce, nonce_len));
	CHECK_OK(csra_evb_add_time(b, tx, CSRA_CLAIM_TIMESTAMP, FUZZ_T0));
	CHECK_OK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl));
	CHECK_OK(csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest fuzz", 14));
	CHECK_OK(csra_evb_add_utf8(b, pl, CSRA_CLAIM_HWSERIAL, "FUZZ-0001", 9));
	CHECK_OK(csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1));
	CHECK_OK(csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3));
	CHECK_OK(csra_evb_add_element(b, CSRA_ELEMENT_KEY, &key));
	CHECK_OK(csra_evb_add_utf8(b, key, CSRA_CLAIM_KEY_IDENTIFIER, "fuzz-key-1", 10));
	CHECK_OK(csra_evb_add_octets(b, key, CSRA_CLAIM_KEY_SPKI, spki, spki_len));
	CHECK_OK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_EXTRACTABLE, 0));
	CHECK_OK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1));
	CHECK_OK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_SENSITIVE, 1));
	CHECK_OK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_LOCAL, 1));
	CHECK_OK(csra_evb_add_time(b, key, CSRA_CLAIM_KEY_EXPIRY, FUZZ_T0 + 86400L * 365));
	CHECK_OK(csra_evb_add_purposes(b, key, CSRA_PURPOSE_SIGN));
	switch (mode) {
	case SIGN_CERT:
	case SIGN_CERT_AGAIN:
		CHECK_OK(csra_evb_add_signer(b, fuzz_key(FUZZ_KEY_AK), mode == SIGN_CERT ? k->ak : k->ak_again,
		    CSRA_SID_CERT, NULL, 0));
		CHECK_OK(csra_evb_add_intermediate(b, k->inter));
		break;
	case SIGN_CERT_SPKI:
		CHECK_OK(csra_evb_add_signer(b, fuzz_key(FUZZ_KEY_AK), k->ak, CSRA_SID_CERT | CSRA_SID_SPKI,
		    NULL, 0));
		break;
	case SIGN_KEYID:
		CHECK_OK(csra_evb_add_signer(b, fuzz_key(FUZZ_KEY_AK), k->ak, CSRA_SID_KEYID, NULL, 0));
		break;
	case SIGN_SIGNER_KEY:
		CHECK_OK(csra_evb_add_signer(b, fuzz_key(FUZZ_KEY_SIGNER), NULL, CSRA_SID_KEYID,
		    (const uint8_t *)FUZZ_SIGNER_KEYID, strlen(FUZZ_SIGNER_KEYID)));
		break;
	}
	uint8_t *der = NULL;
	CHECK_OK(csra_evb_encode(b, &der, len));
	csra_evb_free(&b);
	OPENSSL_free(spki);
	return der;
}

/* TPM 2.0 certify ----------------------------------------------------- */

static size_t der_len(uint8_t *out, size_t n)
{
	if (n < 0x80) {
		out[0] = (uint8_t)n;
		return 1;
	}
	out[0] = 0x82;	/* statements here stay under 64 KiB */
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)n;
	return 3;
}

/* Appends an OCTET STRING holding |p|/|n| at |out|. */
static size_t octets(uint8_t *out, const uint8_t *p, size_t n)
{
	out[0] = 0x04;
	size_t h = 1 + der_len(out + 1, n);
	memcpy(out + h, p, n);
	return h + n;
}

static void bn32(EVP_PKEY *k, const char *name, TPM2B_ECC_PARAMETER *out)
{
	BIGNUM *bn = NULL;
	if (EVP_PKEY_get_bn_param(k, name, &bn) != 1 || BN_bn2binpad(bn, out->buffer, 32) != 32)
		die("EC point of the TPM key");
	out->size = 32;
	BN_free(bn);
}

/* TcgAttestCertify for the P-256 |subject| key, signed by the TPM AK, with
 * |nonce| as extraData: what TPM2_Certify would return. */
static uint8_t *tpm_statement(const uint8_t *nonce, size_t nonce_len, size_t *len)
{
	EVP_PKEY *subject = fuzz_key(FUZZ_KEY_SUBJECT), *ak = fuzz_key(FUZZ_KEY_TPM_AK);
	TPMT_PUBLIC pub;
	memset(&pub, 0, sizeof(pub));
	pub.type = TPM2_ALG_ECC;
	pub.nameAlg = TPM2_ALG_SHA256;
	pub.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
	    TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT;
	pub.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
	pub.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
	pub.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
	pub.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	pub.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	bn32(subject, OSSL_PKEY_PARAM_EC_PUB_X, &pub.unique.ecc.x);
	bn32(subject, OSSL_PKEY_PARAM_EC_PUB_Y, &pub.unique.ecc.y);
	uint8_t pubbuf[sizeof(TPMT_PUBLIC)];
	size_t publen = 0;
	if (Tss2_MU_TPMT_PUBLIC_Marshal(&pub, pubbuf, sizeof(pubbuf), &publen) != TSS2_RC_SUCCESS)
		die("TPMT_PUBLIC");

	TPMS_ATTEST a;
	memset(&a, 0, sizeof(a));
	a.magic = TPM2_GENERATED_VALUE;
	a.type = TPM2_ST_ATTEST_CERTIFY;
	a.qualifiedSigner.size = 2;		/* TPM_RH_NULL-like: no name */
	a.extraData.size = (UINT16)nonce_len;
	if (nonce_len > sizeof(a.extraData.buffer))
		die("nonce too long for extraData");
	memcpy(a.extraData.buffer, nonce, nonce_len);
	a.clockInfo.clock = 1000;
	a.clockInfo.safe = 1;
	a.firmwareVersion = 0x0102030405060708ull;
	TPM2B_NAME *nm = &a.attested.certify.name;
	unsigned int dl = 0;
	nm->name[0] = 0x00;	/* nameAlg SHA-256, then the digest of TPMT_PUBLIC */
	nm->name[1] = 0x0b;
	if (EVP_Digest(pubbuf, publen, nm->name + 2, &dl, EVP_sha256(), NULL) != 1)
		die("TPM name");
	nm->size = (UINT16)(2 + dl);
	/* qualifiedName of a primary in the owner hierarchy: H(TPM_RH_OWNER ||
	 * Name). One equal to the Name is a loaded external object's. */
	uint8_t qbuf[4 + sizeof(nm->name)] = { 0x40, 0x00, 0x00, 0x01 };
	memcpy(qbuf + 4, nm->name, nm->size);
	a.attested.certify.qualifiedName = *nm;
	if (EVP_Digest(qbuf, 4 + (size_t)nm->size, a.attested.certify.qualifiedName.name + 2, &dl,
	    EVP_sha256(), NULL) != 1)
		die("TPM qualified name");
	uint8_t att[sizeof(TPMS_ATTEST)];
	size_t attlen = 0;
	if (Tss2_MU_TPMS_ATTEST_Marshal(&a, att, sizeof(att), &attlen) != TSS2_RC_SUCCESS)
		die("TPMS_ATTEST");

	uint8_t sig[128];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (m == NULL || EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, ak) != 1 ||
	    EVP_DigestSign(m, sig, &siglen, att, attlen) != 1)
		die("TPM signature");
	EVP_MD_CTX_free(m);
	const unsigned char *sp = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &sp, (long)siglen);
	TPMT_SIGNATURE ts;
	memset(&ts, 0, sizeof(ts));
	ts.sigAlg = TPM2_ALG_ECDSA;
	ts.signature.ecdsa.hash = TPM2_ALG_SHA256;
	if (es == NULL ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(es), ts.signature.ecdsa.signatureR.buffer, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), ts.signature.ecdsa.signatureS.buffer, 32) != 32)
		die("TPM signature value");
	ECDSA_SIG_free(es);
	ts.signature.ecdsa.signatureR.size = ts.signature.ecdsa.signatureS.size = 32;
	uint8_t tsig[sizeof(TPMT_SIGNATURE)];
	size_t tsiglen = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(&ts, tsig, sizeof(tsig), &tsiglen) != TSS2_RC_SUCCESS)
		die("TPMT_SIGNATURE");

	size_t body_len = attlen + tsiglen + publen + 3 * 4;
	uint8_t *body = malloc(body_len), *out = malloc(body_len + 4);
	if (body == NULL || out == NULL)
		die("out of memory");
	size_t n = octets(body, att, attlen);
	n += octets(body + n, tsig, tsiglen);
	n += octets(body + n, pubbuf, publen);
	out[0] = 0x30;
	size_t h = 1 + der_len(out + 1, n);
	memcpy(out + h, body, n);
	free(body);
	*len = h + n;
	return out;
}

/* The callback's statement (fuzz_vr.h). */
static uint8_t *cb_statement(unsigned flags, int8_t level, fuzz_key_id key, size_t *len)
{
	size_t spki_len;
	unsigned char *spki = fuzz_spki(key, &spki_len);
	uint8_t *content = malloc(spki_len + 2), *out = malloc(spki_len + 8);
	if (spki == NULL || content == NULL || out == NULL)
		die("callback statement");
	content[0] = (uint8_t)flags;
	content[1] = (uint8_t)level;
	memcpy(content + 2, spki, spki_len);
	*len = octets(out, content, spki_len + 2);
	free(content);
	OPENSSL_free(spki);
	return out;
}

/* Bundles and requests ----------------------------------------------- */

static uint8_t *der_dup(int n, unsigned char *der, size_t *len)
{
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;
	if (out == NULL)
		die("DER");
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return out;
}

static uint8_t *pkcs10(fuzz_key_id subject, const uint8_t *bundle, size_t blen, size_t *len)
{
	EVP_PKEY *key = fuzz_key(subject);
	X509_REQ *req = X509_REQ_new();
	unsigned char *der = NULL;
	if (req == NULL || X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
	    (const unsigned char *)"fuzz code signer", -1, -1, 0) != 1 ||
	    X509_REQ_set_pubkey(req, key) != 1 || csra_x509_req_add_bundle(req, bundle, blen) != CSRA_OK ||
	    X509_REQ_sign(req, key, EVP_PKEY_get_bits(key) > 256 ? EVP_sha384() : EVP_sha256()) <= 0)
		die("PKCS#10");
	int n = i2d_X509_REQ(req, &der);
	X509_REQ_free(req);
	return der_dup(n, der, len);
}

static uint8_t *crmf(fuzz_key_id subject, const uint8_t *bundle, size_t blen, size_t *len)
{
	EVP_PKEY *key = fuzz_key(subject);
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	OSSL_CRMF_MSGS *msgs = sk_OSSL_CRMF_MSG_new_null();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	if (m == NULL || msgs == NULL || name == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz code signer",
	    -1, -1, 0) != 1 || OSSL_CRMF_MSG_set_certReqId(m, 0) != 1 ||
	    OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), key, name, NULL, NULL) != 1 ||
	    csra_crmf_add_bundle(m, bundle, blen) != CSRA_OK ||
	    OSSL_CRMF_MSG_create_popo(OSSL_CRMF_POPO_SIGNATURE, m, key, EVP_sha256(), NULL, NULL) != 1 ||
	    sk_OSSL_CRMF_MSG_push(msgs, m) <= 0)
		die("CRMF");
	int n = i2d_OSSL_CRMF_MSGS(msgs, &der);
	OSSL_CRMF_MSGS_free(msgs);
	X509_NAME_free(name);
	return der_dup(n, der, len);
}

/* One statement of a bundle being made. */
typedef struct stmt {
	const uint8_t *type;
	size_t type_len;
	uint8_t *der;
	size_t len;
} stmt;

static const uint8_t *oid_der(csra_oid_id id, size_t *len)
{
	*len = csra_oid_table[id].der_len;
	return csra_oid_table[id].der;
}

static stmt st_evidence(const pki *k, fuzz_key_id subject, const fvr_opts *o, enum signer_mode mode)
{
	stmt s;
	s.type = oid_der(CSRA_OID_ID_STMT_PKIX_EVIDENCE, &s.type_len);
	s.der = evidence(k, subject, (o->flags & FVR_NONCE) ? o->nonce : NULL, o->nonce_len, mode, &s.len);
	return s;
}

static stmt st_tpm(const fvr_opts *o)
{
	stmt s;
	s.type = oid_der(CSRA_OID_ID_TCGATTESTCERTIFY, &s.type_len);
	s.der = tpm_statement(o->nonce, (o->flags & FVR_NONCE) ? o->nonce_len : 0, &s.len);
	return s;
}

static stmt st_callback(unsigned flags, int8_t level, fuzz_key_id key)
{
	stmt s = { (const uint8_t *)FUZZ_CB_OID, FUZZ_CB_OID_LEN, NULL, 0 };
	s.der = cb_statement(flags, level, key, &s.len);
	return s;
}

static stmt st_unknown(void)
{
	static const uint8_t type[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01, 0x63 };
	stmt s = { type, sizeof(type), malloc(2), 2 };
	if (s.der == NULL)
		die("out of memory");
	memcpy(s.der, "\x05\x00", 2);
	return s;
}

#define BUNDLE_LEGACY 1u	/* EvidenceBundle with hints */
#define BUNDLE_CERTS 2u		/* certs: the intermediate and the TPM AK */
#define BUNDLE_OTHER 4u		/* an "other" certificate too */

static uint8_t *bundle(const pki *k, unsigned flags, stmt *st, size_t n, size_t *len)
{
	csra_bb *b = csra_bb_new();
	if (b == NULL)
		die("bundle");
	for (size_t i = 0; i < n; i++) {
		CHECK_OK(csra_bb_add_statement(b, st[i].type, st[i].type_len, st[i].der, st[i].len));
		free(st[i].der);
	}
	if (flags & BUNDLE_CERTS) {
		CHECK_OK(csra_bb_add_cert(b, k->inter));
		CHECK_OK(csra_bb_add_cert(b, k->tpm_ak));
	}
	if (flags & BUNDLE_OTHER)
		CHECK_OK(csra_bb_add_other_cert(b, (const uint8_t *)FUZZ_CB_OID, FUZZ_CB_OID_LEN,
		    (const uint8_t *)"\x04\x03" "abc", 5));
	if (flags & BUNDLE_LEGACY)
		CHECK_OK(csra_bb_set_legacy(b, "verifier.example", 1));
	uint8_t *der = NULL;
	CHECK_OK(csra_bb_encode(b, &der, len));
	csra_bb_free(&b);
	return der;
}

/* fuzz_tpm's seeds: statements its fixed TPM key signed, with the nonce
 * it expects and without. */
static void tpm_seeds(void)
{
	static const char nonce[] = "fuzz-nonce-0001!";
	size_t len;
	uint8_t *st = tpm_statement((const uint8_t *)nonce, strlen(nonce), &len);
	put("corpus/tpm", "signed-certify", st, len);
	free(st);
	st = tpm_statement((const uint8_t *)"", 0, &len);
	put("corpus/tpm", "signed-certify-no-nonce", st, len);
	free(st);
}

/* fuzz_attest_request's and fuzz_claims_file's seeds: requests its fixed
 * attester answers or refuses, and claims files. */
static void attest_seeds(void)
{
	static const csra_claim some[] = { CSRA_CLAIM_TIMESTAMP, CSRA_CLAIM_AK_SPKI, CSRA_CLAIM_VENDOR,
		CSRA_CLAIM_FIPSLEVEL, CSRA_CLAIM_HWMODEL, CSRA_CLAIM_KEY_SPKI, CSRA_CLAIM_KEY_EXTRACTABLE,
		CSRA_CLAIM_KEY_PURPOSE };
	const char *k1[] = { "k1" }, *both[] = { "k1", "k2" }, *none[] = { "k9" };
	struct { const char *name; const char *const *ids; size_t nids; int nonce; } v[] = {
		{ "k1-nonce", k1, 1, 1 }, { "both-keys", both, 2, 0 }, { "any-key", NULL, 0, 1 },
		{ "missing-key", none, 1, 0 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *der = NULL;
		size_t len;
		if (csra_attest_request_new(some, sizeof(some) / sizeof(some[0]),
		    v[i].nonce ? (const uint8_t *)"fuzz-nonce" : NULL, v[i].nonce ? 10 : 0, v[i].ids, v[i].nids,
		    &der, &len) != CSRA_OK)
			die("attestation request %s", v[i].name);
		put("corpus/attest_request", v[i].name, der, len);
		free(der);
	}
	put_str("corpus/claims_file", "full",
	    "{\"platform\": {\"vendor\": \"Acme\", \"hwmodel\": {\"hex\": \"0a0b\"}, \"fipsboot\": true,"
	    " \"fipslevel\": 3, \"swversion\": \"1.2\"},\n \"keys\": [{\"identifier\": \"k9\", \"extractable\": false,"
	    " \"purpose\": [\"sign\", \"verify\"], \"expiry\": \"2028-02-29T12:00:00Z\","
	    " \"spki\": {\"base64\": \"MAA=\"}}]}\n");
	put_str("corpus/claims_file", "declared", "{\"platform\": {\"fipsboot\": true, \"fipslevel\": 3}}");
	put_str("corpus/claims_file", "old-name", "{\"platform\": {\"debugstat\": 0, \"dbgstat\": 1}}");
	put_str("corpus/claims_file", "bad-time", "{\"keys\": [{\"identifier\": \"a\", \"expiry\": \"2027-02-30T00:00:00Z\"}]}");
}

/* The verify_request seeds ------------------------------------------- */

static int failures;

/* Writes header + |req| as corpus/verify_request/|name| and checks that
 * fuzz_verify_request's verifiers give |want|. */
static void vr_seed(const char *name, const fvr_opts *o, uint8_t *req, size_t len, csra_verdict want)
{
	uint8_t *in = malloc(FVR_HEADER_MAX + len);
	if (in == NULL)
		die("out of memory");
	size_t h = fvr_header_write(o, in);
	memcpy(in + h, req, len);
	free(req);
	csra_err rc;
	csra_result *r = NULL;
	if (!fvr_verify(in, h + len, &rc, &r) || rc != CSRA_OK)
		die("%s: verification failed to run", name);
	if (csra_result_verdict(r) != want) {
		fprintf(stderr, "seedgen_request: %s: verdict %d, want %d\n", name,
		    (int)csra_result_verdict(r), (int)want);
		fvr_explain(r);
		failures++;
	}
	csra_result_free(&r);
	put("corpus/verify_request", name, in, h + len);
	free(in);
}

static fvr_opts opts(unsigned config, unsigned flags, const char *nonce)
{
	fvr_opts o;
	memset(&o, 0, sizeof(o));
	o.flags = (uint8_t)(config | flags | (nonce ? FVR_NONCE : 0));
	if (nonce != NULL) {
		o.nonce_len = strlen(nonce);
		memcpy(o.nonce, nonce, o.nonce_len);
	}
	return o;
}

static void verify_request_seeds(const pki *k)
{
	static const char nonce[] = "fuzz-nonce-0001!";
	size_t blen, rlen;
	uint8_t *b, *r;
	stmt st[4];

	/* cabf-csbr: PKIX Evidence by the AK certificate, with its nonce. */
	fvr_opts o = opts(0, 0, nonce);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT);
	b = bundle(k, 0, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-cabf", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	r = crmf(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-crmf-cabf", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	/* The same with no intermediate offered by the verifier: the
	 * Evidence's own takes the explicit link check's cold path. */
	fvr_opts cold = opts(0, FVR_NO_INTER, nonce);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-cabf-cold", &cold, r, rlen, CSRA_VERDICT_VERIFIED);
	/* The same request, for a nonce it does not carry. */
	fvr_opts wrong = opts(0, 0, "another nonce");
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("rejected-pkcs10-nonce", &wrong, r, rlen, CSRA_VERDICT_REJECTED);
	free(b);

	/* Two statements, by two certificates of the AK key: the second's
	 * leaf is new to the verifier and its issuer was validated for the
	 * first, so the explicit link check's one-link route decides it (and
	 * OpenSSL, for the twin verifier). */
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT);
	st[1] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT_AGAIN);
	b = bundle(k, 0, st, 2, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-cabf-new-ak", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* No nonce; the AK named by keyId only; strict, with a timestamp window. */
	o = opts(0, FVR_STRICT | FVR_WINDOW, NULL);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_KEYID);
	b = bundle(k, 0, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-keyid", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* fuzz-any: the verifier's bare signer key, a P-384 request key. */
	o = opts(1, 0, nonce);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT_P384, &o, SIGN_SIGNER_KEY);
	b = bundle(k, 0, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT_P384, b, blen, &rlen);
	vr_seed("valid-pkcs10-signer-key", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* The legacy EvidenceBundle (a warning, not a failure). */
	o = opts(0, 0, nonce);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT);
	b = bundle(k, BUNDLE_LEGACY, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-legacy", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* fuzz-claims: Evidence and the callback both required; the callback
	 * confirms the nonce. */
	o = opts(2, FVR_WINDOW, nonce);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT);
	st[1] = st_callback(FUZZ_CB_VERIFIED | FUZZ_CB_SPKI | FUZZ_CB_CLAIMS | FUZZ_CB_FRESH, 3,
	    FUZZ_KEY_SUBJECT);
	b = bundle(k, 0, st, 2, &blen);
	r = crmf(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-crmf-claims", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);
	/* The same, the callback not confirming the nonce: it does not count. */
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT);
	st[1] = st_callback(FUZZ_CB_VERIFIED | FUZZ_CB_SPKI | FUZZ_CB_CLAIMS, 3, FUZZ_KEY_SUBJECT);
	b = bundle(k, 0, st, 2, &blen);
	r = crmf(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("rejected-crmf-claims-not-fresh", &o, r, rlen, CSRA_VERDICT_REJECTED);
	free(b);

	/* fuzz-trust: per-type anchors; Evidence whose intermediate is in the
	 * bundle, a TPM statement, an unknown type and another certificate. */
	o = opts(3, FVR_ANY_TRUSTED, nonce);
	st[0] = st_evidence(k, FUZZ_KEY_SUBJECT, &o, SIGN_CERT_SPKI);
	st[1] = st_tpm(&o);
	st[2] = st_unknown();
	b = bundle(k, BUNDLE_CERTS | BUNDLE_OTHER, st, 3, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-trust-tpm", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* TPM alone. */
	o = opts(3, 0, nonce);
	st[0] = st_tpm(&o);
	b = bundle(k, BUNDLE_CERTS, st, 1, &blen);
	r = crmf(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-crmf-tpm", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);

	/* Only a statement of an unknown type, beside certificates: they are
	 * parsed, and nothing counts towards the policy. */
	o = opts(1, 0, NULL);
	st[0] = st_unknown();
	b = bundle(k, BUNDLE_CERTS, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("rejected-pkcs10-unknown-certs", &o, r, rlen, CSRA_VERDICT_REJECTED);
	free(b);

	/* cabf-csbr met by the callback alone, and not: level 1 is too low. */
	o = opts(0, 0, NULL);
	st[0] = st_callback(FUZZ_CB_VERIFIED | FUZZ_CB_SPKI | FUZZ_CB_CLAIMS, 2, FUZZ_KEY_SUBJECT);
	b = bundle(k, 0, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("valid-pkcs10-callback", &o, r, rlen, CSRA_VERDICT_VERIFIED);
	free(b);
	st[0] = st_callback(FUZZ_CB_VERIFIED | FUZZ_CB_SPKI | FUZZ_CB_CLAIMS, 1, FUZZ_KEY_SUBJECT);
	b = bundle(k, 0, st, 1, &blen);
	r = pkcs10(FUZZ_KEY_SUBJECT, b, blen, &rlen);
	vr_seed("rejected-pkcs10-callback-level", &o, r, rlen, CSRA_VERDICT_REJECTED);
	free(b);
}

/* The external_reply and policy seeds --------------------------------- */

/* Thales Luna PKCs ---------------------------------------------------- */

static void luna_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL || !X509_add_ext(x, e, -1))
		die("Luna extension %d", nid);
	X509_EXTENSION_free(e);
}

/* A PKC-shaped certificate for |key| by |issuer| (NULL: self) signed with
 * |ikey|: ExtendedKeyUsage 1.3.6.1.4.1.12383.1.|eku|, and for the leaf
 * the HSM serial extension (7, little-endian). Returns its DER. */
static uint8_t *luna_cert(fuzz_key_id key, X509 *issuer, fuzz_key_id ikey, const char *cn, int ca,
    int eku, size_t *len, X509 **keep)
{
	static const uint8_t serial[4] = { 0x07, 0x00, 0x00, 0x00 };
	char ekus[64];
	X509 *x = X509_new();
	X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
	if (x == NULL || !X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), 7 + eku) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"csrattest", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), FUZZ_NOT_BEFORE) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), FUZZ_NOT_AFTER) || !X509_set_pubkey(x, fuzz_key(key)))
		die("Luna certificate %s", cn);
	snprintf(ekus, sizeof(ekus), "critical,1.3.6.1.4.1.12383.1.%d", eku);
	luna_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	luna_ext(x, issuer ? issuer : x, NID_authority_key_identifier, "keyid:always");
	luna_ext(x, issuer ? issuer : x, NID_ext_key_usage, ekus);
	luna_ext(x, issuer ? issuer : x, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	if (ca)
		luna_ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
	else {
		ASN1_OBJECT *o = OBJ_txt2obj("1.3.6.1.4.1.12383.2.1", 1);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		X509_EXTENSION *e = o && v && ASN1_OCTET_STRING_set(v, serial, 4)
		    ? X509_EXTENSION_create_by_OBJ(NULL, o, 0, v) : NULL;
		if (e == NULL || !X509_add_ext(x, e, -1))
			die("Luna serial extension");
		X509_EXTENSION_free(e);
		ASN1_OBJECT_free(o);
		ASN1_OCTET_STRING_free(v);
	}
	if (X509_sign(x, fuzz_key(ikey), EVP_sha384()) <= 0)
		die("Luna signature");
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	if (n <= 0)
		die("Luna DER");
	uint8_t *out = malloc((size_t)n);
	if (out == NULL)
		die("memory");
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	if (keep != NULL)
		*keep = x;
	else
		X509_free(x);
	return out;
}

/* |der| with its ECDSA signature's s written as Luna writes it when its
 * top bit is set: negative, the 0x00 pad dropped. NULL when s is short. */
static uint8_t *luna_negative_s(const uint8_t *der, size_t len, size_t *out_len)
{
	csra_cbs in, cert, tbs, alg, bits, seq, r, s;
	uint8_t tag, unused, *out = NULL;
	csra_cbs_init(&in, der, len);
	if (!csra_cbs_get_der_element(&in, &tag, NULL, &cert) ||
	    !csra_cbs_get_der_element(&cert, &tag, &tbs, NULL) ||
	    !csra_cbs_get_der_element(&cert, &tag, &alg, NULL) ||
	    !csra_cbs_get_der_element(&cert, &tag, NULL, &bits) || !csra_cbs_get_u8(&bits, &unused) ||
	    !csra_cbs_get_der_element(&bits, &tag, NULL, &seq) ||
	    !csra_cbs_get_der_element(&seq, &tag, &r, NULL) ||
	    !csra_cbs_get_der_element(&seq, &tag, NULL, &s))
		die("Luna signature shape");
	if (csra_cbs_len(&s) < 2 || csra_cbs_data(&s)[0] != 0x00)
		return NULL;
	csra_cbb b;
	csra_cbb_init(&b, len);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_bytes(&b, csra_cbs_data(&tbs), csra_cbs_len(&tbs));
	csra_cbb_add_bytes(&b, csra_cbs_data(&alg), csra_cbs_len(&alg));
	csra_cbb_open(&b, 0x03);
	csra_cbb_add_bytes(&b, &unused, 1);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_bytes(&b, csra_cbs_data(&r), csra_cbs_len(&r));
	csra_cbb_add_tlv(&b, 0x02, csra_cbs_data(&s) + 1, csra_cbs_len(&s) - 1);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, &out, out_len))
		die("memory");
	return out;
}

/* A certs-only SignedData of |n| certificates in the order given. */
static uint8_t *luna_p7(uint8_t *const *certs, const size_t *lens, size_t n, size_t *len)
{
	static const uint8_t signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
	static const uint8_t data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
	csra_cbb b;
	uint8_t *out = NULL;
	csra_cbb_init(&b, 4096);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_tlv(&b, 0x06, signed_data, sizeof(signed_data));
	csra_cbb_open(&b, 0xa0);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_int(&b, 1);
	csra_cbb_open(&b, 0x31);
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_tlv(&b, 0x06, data, sizeof(data));
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0xa0);
	for (size_t i = 0; i < n; i++)
		csra_cbb_add_bytes(&b, certs[i], lens[i]);
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0x31);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, &out, len))
		die("memory");
	return out;
}

/* Does |p| verify (and bind to the subject key) as fuzz_thales_luna sees it? */
static int luna_verifies(X509 *root, const uint8_t *p, size_t len)
{
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	size_t spki_len;
	unsigned char *spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	const uint8_t *files[1] = { p };
	size_t lens[1] = { len };
	const char *fmts[1] = { "thales-luna" };
	if (v == NULL || spki == NULL || csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK ||
	    csra_verifier_drop_format_bundle(v, "thales-luna") != CSRA_OK ||
	    csra_verifier_add_format_trust(v, "thales-luna", root) != CSRA_OK ||
	    csra_verify_attestations(v, NULL, 0, NULL, 0, files, lens, fmts, 1, &r) != CSRA_OK)
		die("Luna check");
	int ok = csra_result_statement_verified(r, 0);
	size_t klen;
	const uint8_t *k = csra_result_attested_key(csra_result_statement(r, 0), 0, &klen);
	ok = ok && k != NULL && klen == spki_len && memcmp(k, spki, klen) == 0;
	csra_result_free(&r);
	csra_verifier_free(&v);
	OPENSSL_free(spki);
	return ok;
}

static void thales_luna_seeds(X509 *root)
{
	X509 *hoc = NULL;
	size_t l[3], nl = 0, len;
	uint8_t *c[3], *neg = NULL;
	c[1] = luna_cert(FUZZ_KEY_INTER, root, FUZZ_KEY_ROOT, "7", 1, 15, &l[1], &hoc);
	c[0] = luna_cert(FUZZ_KEY_SUBJECT, hoc, FUZZ_KEY_INTER, "43000000ae00000207000000", 0, 13, &l[0], NULL);
	unsigned char *rd = NULL;
	int rn = i2d_X509(root, &rd);
	if (rn <= 0 || (c[2] = malloc((size_t)rn)) == NULL)
		die("root DER");
	memcpy(c[2], rd, (size_t)rn);
	l[2] = (size_t)rn;
	OPENSSL_free(rd);
	/* The leaf as Luna writes it half the time: s negative. */
	for (int tries = 0; neg == NULL && tries < 64; tries++) {
		size_t tl;
		uint8_t *t = luna_cert(FUZZ_KEY_SUBJECT, hoc, FUZZ_KEY_INTER, "43000000ae00000207000000", 0, 13,
		    &tl, NULL);
		neg = luna_negative_s(t, tl, &nl);
		free(t);
	}
	if (neg == NULL)
		die("no signature with s's top bit set in 64 tries");
	struct { const char *name; int valid; uint8_t *p; size_t n; } seeds[4];
	seeds[0].name = "valid-chain-order.p7b", seeds[0].valid = 1;
	seeds[0].p = luna_p7(c, l, 3, &seeds[0].n);
	uint8_t *nc[3] = { neg, c[1], c[2] };
	size_t nls[3] = { nl, l[1], l[2] };
	seeds[1].name = "valid-negative-s.p7b", seeds[1].valid = 1;
	seeds[1].p = luna_p7(nc, nls, 3, &seeds[1].n);
	/* PEM, without the root: the anchor comes from the verifier. */
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	if (bio == NULL || !PEM_write_bio(bio, "CERTIFICATE", "", c[0], (long)l[0]) ||
	    !PEM_write_bio(bio, "CERTIFICATE", "", c[1], (long)l[1]))
		die("PEM");
	len = (size_t)BIO_get_mem_data(bio, &pem);
	seeds[2].name = "valid-chain.pem", seeds[2].valid = 1;
	seeds[2].p = malloc(len);
	memcpy(seeds[2].p, pem, len);
	seeds[2].n = len;
	BIO_free(bio);
	/* The HOC alone: no PKC leaf. */
	seeds[3].name = "no-leaf.p7b", seeds[3].valid = 0;
	seeds[3].p = luna_p7(c + 1, l + 1, 2, &seeds[3].n);
	for (int i = 0; i < 4; i++) {
		if (luna_verifies(root, seeds[i].p, seeds[i].n) != seeds[i].valid) {
			fprintf(stderr, "seedgen_request: thales_luna/%s: %s\n", seeds[i].name,
			    seeds[i].valid ? "does not verify" : "verifies");
			failures++;
		}
		put("corpus/thales_luna", seeds[i].name, seeds[i].p, seeds[i].n);
		free(seeds[i].p);
	}
	for (int i = 0; i < 3; i++)
		free(c[i]);
	free(neg);
	X509_free(hoc);
}

static void external_reply_seeds(void)
{
	size_t len, len2;
	unsigned char *spki = fuzz_spki(FUZZ_KEY_SUBJECT, &len);
	unsigned char *other = fuzz_spki(FUZZ_KEY_SUBJECT_P384, &len2);
	char b64[512], b64o[512], reply[2048];
	if (spki == NULL || other == NULL || len > 300 || len2 > 300)
		die("SPKI");
	EVP_EncodeBlock((unsigned char *)b64, spki, (int)len);
	EVP_EncodeBlock((unsigned char *)b64o, other, (int)len2);
	snprintf(reply, sizeof(reply), "{\"spki\": \"%s\", \"claims\": {\"key\": {\"extractable\": false,"
	    " \"never-extractable\": true, \"sensitive\": true, \"local\": true},"
	    " \"platform\": {\"fipsboot\": true, \"fipslevel\": 3, \"vendor\": \"fuzz\"},"
	    " \"transaction\": {}}}\n", b64);
	put_str("corpus/external_reply", "good", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\"}", b64);
	put_str("corpus/external_reply", "spki-only", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":\"nonce\"}", b64);
	put_str("corpus/external_reply", "fresh-nonce", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":\"timestamp\"}", b64);
	put_str("corpus/external_reply", "fresh-bad", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"key\":{\"local\":true}}}", b64o);
	put_str("corpus/external_reply", "other-key", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"key\":{\"x\":1.5}}}", b64);
	put_str("corpus/external_reply", "bad-claim-type", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"verified\":false}", b64);
	put_str("corpus/external_reply", "unknown-key", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"spki\":\"%s\"}", b64, b64);
	put_str("corpus/external_reply", "duplicate-key", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%.*s=\"}", (int)strlen(b64) - 1, b64);
	put_str("corpus/external_reply", "bad-padding", reply);
	/* A text claim with U+0000, refused as a claim (statement.claims). */
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"platform\":"
	    "{\"vendor\":\"Trusted HSM Inc\\u0000 (not really)\"}}}", b64);
	put_str("corpus/external_reply", "nul-text", reply);
	/* Bytes claims: {"bytes": base64}, and one that is not canonical. */
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"platform\":"
	    "{\"fwhash\":{\"bytes\":\"qwDN7w==\"},\"none\":{\"bytes\":\"\"}}}}", b64);
	put_str("corpus/external_reply", "bytes", reply);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"platform\":"
	    "{\"fwhash\":{\"bytes\":\"qwDN7x==\"}}}}", b64);
	put_str("corpus/external_reply", "bytes-bad", reply);
	put_str("corpus/external_reply", "not-der", "{\"spki\":\"MAA=\"}");
	put_str("corpus/external_reply", "not-json", "{\"spki\": \x01");
	put_str("corpus/external_reply", "array", "[\"spki\"]");
	put_str("corpus/external_reply", "empty", "");
	OPENSSL_free(spki);
	OPENSSL_free(other);
}

static void policy_seeds(void)
{
	put_str("corpus/policy", "cabf-csbr",
	    "{\"name\": \"cabf-csbr\",\n \"claims\": {\n"
	    "  \"key\": {\"extractable\": false, \"never-extractable\": true, \"sensitive\": true,"
	    " \"local\": true},\n  \"platform\": {\"fipsboot\": true, \"fipslevel\": {\"min\": 2}}},\n"
	    " \"key_algorithms\": [\"rsa:3072\", \"ec:P-256\", \"ec:P-384\", \"ec:P-521\"],\n"
	    " \"freshness_exempt\": [\"yubico-piv\", \"yubihsm2\", \"thales-luna\"]}\n");
	put_str("corpus/policy", "example",
	    "{\"name\": \"example\",\n \"require_statement_types\": [\"1.3.6.1.5.5.999\", \"2.23.133.20.1\"],\n"
	    " \"trust\": {\"1.3.6.1.5.5.999\": [\"vendor-root.pem\"], \"2.23.133.20.1\": [\"tpm-roots/\"]},\n"
	    " \"claims\": {\"key\": {\"never-extractable\": true, \"fixedTPM\": true},\n"
	    "  \"platform\": {\"fipslevel\": {\"min\": 2, \"max\": 4}, \"vendor\": \"csrattest fuzz\"},\n"
	    "  \"transaction\": {\"uptime\": 5}},\n"
	    " \"key_algorithms\": [\"rsa:2048\", \"ec:P-256\", \"ed25519\", \"ed448\"]}\n");
	put_str("corpus/policy", "minimal", "{\"name\":\"m\"}");
	put_str("corpus/policy", "freshness",
	    "{\"name\":\"f\",\"freshness\":\"required\",\"freshness_exempt\":[\"1.3.6.1.4.1.32473.1.1\"]}");
	put_str("corpus/policy", "callback-type",
	    "{\"name\":\"cb\",\"require_statement_types\":[\"1.3.6.1.4.1.32473.1.1\"],"
	    "\"claims\":{\"platform\":{\"fipslevel\":{\"max\":3}}}}");
	put_str("corpus/policy", "bad-range", "{\"name\":\"r\",\"claims\":{\"platform\":{\"fipslevel\":{\"min\":4,\"max\":2}}}}");
	put_str("corpus/policy", "bad-alg", "{\"name\":\"a\",\"key_algorithms\":[\"dsa:1024\"]}");
	put_str("corpus/policy", "empty-algs", "{\"name\":\"a\",\"key_algorithms\":[]}");
	put_str("corpus/policy", "unknown-key", "{\"nmae\":\"x\"}");
	put_str("corpus/policy", "not-json", "{\"name\": ");
	/* Format policies (docs/policy.md "Formats"). */
	put_str("corpus/policy", "formats",
	    "{\"name\": \"vendors\",\n \"formats\": [\"pkix-evidence\", \"yubico-piv\", \"yubihsm2\"],\n"
	    " \"claims\": {\"key\": {\"extractable\": false, \"never-extractable\": true, \"sensitive\": true,"
	    " \"local\": true},\n  \"platform\": {\"fipsboot\": true, \"fipslevel\": {\"min\": 2}}},\n"
	    " \"format_claims\": {\"yubico-piv\": {\"key\": {\"never-extractable\": null, \"sensitive\": null,"
	    " \"pinpolicy\": \"always\"},\n   \"platform\": {\"fipslevel\": {\"min\": 3}}},\n"
	    "  \"yubihsm2\": {\"platform\": {\"fipsboot\": null}}},\n"
	    " \"firmware_min\": {\"yubico-piv\": \"5.7.4\", \"yubihsm2\": \"2.2.0\"},\n"
	    " \"freshness_exempt\": [\"yubico-piv\", \"1.3.6.1.4.1.32473.1.1\"],\n"
	    " \"waive\": [\"key.weak.roca\", \"key.weak.ec-subgroup\"]}\n");
	put_str("corpus/policy", "firmware",
	    "{\"name\":\"fw\",\"firmware_min\":{\"yubico-piv\":\"5.10\",\"thales-luna\":\"7.8.4.0\"}}");
	put_str("corpus/policy", "formats-unknown",
	    "{\"name\":\"u\",\"formats\":[\"yubikey-piv\",\"callback\"],\"format_claims\":{\"callback\":{}}}");
	put_str("corpus/policy", "bad-version", "{\"name\":\"v\",\"firmware_min\":{\"yubico-piv\":\"5.7.\"}}");
	put_str("corpus/policy", "bad-waive", "{\"name\":\"w\",\"waive\":[\"evidence.signature\"]}");
	put_str("corpus/policy", "null-removes-nothing",
	    "{\"name\":\"n\",\"format_claims\":{\"yubihsm2\":{\"key\":{\"local\":null}}}}");
}

/* Yubico ------------------------------------------------------------- */

struct yext {
	const char *oid;	/* dotted */
	const char *hex;	/* the extnValue contents */
};

/* A certificate for key |id| named CN=|cn| by |issuer| (key |by|), with
 * basicConstraints |bc| (NULL: none) and Yubico's extensions |ext|. */
static X509 *ycert(fuzz_key_id id, const char *cn, X509 *issuer, fuzz_key_id by, const char *bc,
    const struct yext *ext, size_t n)
{
	X509 *x = X509_new();
	EVP_PKEY *key = fuzz_key(id), *ikey = fuzz_key(by);
	int ok = x && key && ikey && X509_set_version(x, 2) &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x59000 + (long)id) &&
	    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) &&
	    X509_set_issuer_name(x, X509_get_subject_name(issuer)) &&
	    ASN1_TIME_set(X509_getm_notBefore(x), FUZZ_NOT_BEFORE) && ASN1_TIME_set(X509_getm_notAfter(x), FUZZ_NOT_AFTER) &&
	    X509_set_pubkey(x, key);
	if (ok && bc != NULL) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, bc);
		ok = e != NULL && X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	for (size_t i = 0; ok && i < n; i++) {
		long len = 0;
		unsigned char *v = OPENSSL_hexstr2buf(ext[i].hex, &len);
		ASN1_OBJECT *o = OBJ_txt2obj(ext[i].oid, 1);
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ok = v && o && os && ASN1_OCTET_STRING_set(os, v, (int)len);
		X509_EXTENSION *e = ok ? X509_EXTENSION_create_by_OBJ(NULL, o, 0, os) : NULL;
		ok = e != NULL && X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
		ASN1_OBJECT_free(o);
		OPENSSL_free(v);
	}
	if (!ok || X509_sign(x, ikey, EVP_sha256()) <= 0)
		die("Yubico-shaped certificate %s", cn);
	return x;
}

/* Writes the PEM chain of |a| then |b| as corpus/yubico/|name| and checks
 * that format |kind| verifies it under |root| bound to the request key. */
static void yubico_seed(const char *name, const char *kind, X509 *root, X509 *a, X509 *b)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	if (bio == NULL || !PEM_write_bio_X509(bio, a) || !PEM_write_bio_X509(bio, b))
		die("PEM");
	long n = BIO_get_mem_data(bio, &p);
	put("corpus/yubico", name, p, (size_t)n);
	csra_verifier *v = csra_verifier_new();
	size_t slen;
	unsigned char *spki = fuzz_spki(FUZZ_KEY_SUBJECT, &slen);
	csra_result *r = NULL;
	const uint8_t *files[] = { (const uint8_t *)p };
	const size_t lens[] = { (size_t)n };
	const char *fmts[] = { kind };
	if (v == NULL || spki == NULL || csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK ||
	    csra_verifier_drop_format_bundle(v, kind) != CSRA_OK ||
	    csra_verifier_add_format_trust(v, kind, root) != CSRA_OK ||
	    csra_verify_attestations(v, spki, slen, NULL, 0, files, lens, fmts, 1, &r) != CSRA_OK)
		die("verifying %s", name);
	if (!csra_result_statement_bound(r, 0)) {
		fprintf(stderr, "seedgen_request: %s does not verify and bind as %s\n", name, kind);
		failures++;
	}
	csra_result_free(&r);
	OPENSSL_free(spki);
	csra_verifier_free(&v);
	BIO_free(bio);
}

/* Bags shaped like a YubiKey 4's (slot <- F9 without basicConstraints)
 * and a YubiHSM 2's (key <- device CA), with the fixed keys: the request
 * key is the attested one, so that the harness reaches the binding. */
static void yubico_seeds(X509 *root)
{
	static const struct yext f9x[] = { { "1.3.6.1.4.1.41482.3.3", "050303" } };
	static const struct yext slotx[] = {
		{ "1.3.6.1.4.1.41482.3.3", "050303" }, { "1.3.6.1.4.1.41482.3.7", "02023039" },
		{ "1.3.6.1.4.1.41482.3.8", "0302" }, { "1.3.6.1.4.1.41482.3.9", "82" },
	};
	static const struct yext devx[] = {
		{ "1.3.6.1.4.1.41482.4.1", "0403020200" }, { "1.3.6.1.4.1.41482.4.2", "02023039" },
		{ "1.3.6.1.4.1.41482.4.10", "020105" },
	};
	static const struct yext keyx[] = {
		{ "1.3.6.1.4.1.41482.4.1", "0403020200" }, { "1.3.6.1.4.1.41482.4.2", "02023039" },
		{ "1.3.6.1.4.1.41482.4.3", "03020001" }, { "1.3.6.1.4.1.41482.4.4", "030300000c" },
		{ "1.3.6.1.4.1.41482.4.5", "0309000000000400000660" }, { "1.3.6.1.4.1.41482.4.6", "020124" },
		{ "1.3.6.1.4.1.41482.4.9", "0c0473656564" },
	};
	X509 *f9 = ycert(FUZZ_KEY_INTER, "Yubico PIV Attestation", root, FUZZ_KEY_ROOT, NULL, f9x, 1);
	X509 *slot = ycert(FUZZ_KEY_SUBJECT, "YubiKey PIV Attestation 9a", f9, FUZZ_KEY_INTER, NULL, slotx, 4);
	yubico_seed("valid-piv.pem", "yubico-piv", root, f9, slot);
	X509 *dev = ycert(FUZZ_KEY_AK, "YubiHSM Attestation (12345)", root, FUZZ_KEY_ROOT,
	    "critical,CA:TRUE,pathlen:0", devx, 3);
	X509 *hk = ycert(FUZZ_KEY_SUBJECT, "YubiHSM Attestation id:0x0024", dev, FUZZ_KEY_AK, NULL, keyx, 7);
	yubico_seed("valid-hsm.pem", "yubihsm2", root, hk, dev);
	X509_free(f9);
	X509_free(slot);
	X509_free(dev);
	X509_free(hk);
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "--force") == 0) {
		force = 1;
		i++;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: seedgen_request [--force] FUZZDIR\n");
		return 2;
	}
	fuzzdir = argv[i];

	/* The root first, then read back: the check below trusts exactly the
	 * committed bytes. */
	X509 *root = fuzz_cert(FUZZ_KEY_ROOT, NULL);
	unsigned char *der = NULL;
	int n = root ? i2d_X509(root, &der) : 0;
	if (n <= 0)
		die("root certificate");
	put("fixtures", "root.der", der, (size_t)n);
	OPENSSL_free(der);
	X509_free(root);
	char path[4096];
	snprintf(path, sizeof(path), "%s/fixtures/root.der", fuzzdir);
	FILE *f = fopen(path, "rb");
	root = f ? d2i_X509_fp(f, NULL) : NULL;
	if (f)
		fclose(f);
	if (root == NULL)
		die("%s: cannot read", path);
	if (EVP_PKEY_eq(X509_get0_pubkey(root), fuzz_key(FUZZ_KEY_ROOT)) != 1)
		die("%s is not the fixed root key's certificate: rerun with --force", path);

	pki k;
	k.root = root;
	k.inter = fuzz_cert(FUZZ_KEY_INTER, root);
	k.ak = k.inter ? fuzz_cert(FUZZ_KEY_AK, k.inter) : NULL;
	k.ak_again = k.inter ? fuzz_cert(FUZZ_KEY_AK, k.inter) : NULL;
	k.tpm_ak = k.inter ? fuzz_cert(FUZZ_KEY_TPM_AK, k.inter) : NULL;
	if (k.ak == NULL || k.ak_again == NULL || k.tpm_ak == NULL || !fvr_setup(root))
		die("PKI");
	verify_request_seeds(&k);
	tpm_seeds();
	attest_seeds();
	external_reply_seeds();
	policy_seeds();
	thales_luna_seeds(root);
	yubico_seeds(root);
	X509_free(k.root);
	X509_free(k.inter);
	X509_free(k.ak);
	X509_free(k.ak_again);
	X509_free(k.tpm_ak);
	printf("seedgen_request: %d written, %d kept (--force replaces)\n", written, kept);
	if (failures) {
		fprintf(stderr, "seedgen_request: %d seed(s) do not get the verdict they should\n", failures);
		return 1;
	}
	return 0;
}
