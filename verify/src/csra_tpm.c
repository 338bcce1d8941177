/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TPM 2.0 certify statements (type 2.23.133.20.1; draft-ietf-lamps-csr-
 * attestation-18, appendix "TPM V2.0 Evidence in CSR"):
 *   TcgAttestCertify ::= SEQUENCE { tpmSAttest, signature, tpmTPublic }
 * tpmSAttest is the TPMS_ATTEST that TPM2_Certify signed with the AK,
 * signature its signature, tpmTPublic the certified key's TPMT_PUBLIC.
 * libtss2-mu unmarshals the TPM structures; OpenSSL does every hash,
 * signature and path check. Every check that runs is recorded; one that
 * cannot run (what it needs did not unmarshal) is recorded as skipped.
 *
 * The signature: the draft says TPMT_SIGNATURE, but its sample carries
 * the bare RSASSA-PKCS1-v1_5 signature (SHA-256, 256 bytes for its RSA-2048
 * AK) without the TPMT_SIGNATURE header. Both are accepted: the bare form
 * for RSA AKs only, then the TPMT_SIGNATURE form (RSASSA, RSAPSS, ECDSA
 * with SHA-256/384/512). SHA-1 signatures are refused: the TPM signs a
 * digest over data whose extraData the requester chooses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tss2/tss2_mu.h>

#include "csra_codec_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

#include "TcgAttestCertify.h"

struct tctx {
	const csra_stmt_in *in;
	const struct csra_eku_set *ekus;	/* AK certificate EKUs accepted */
	csra_result *r;
	csra_stmt_out *out;
	const uint8_t *attest_buf;	/* tpmSAttest contents */
	size_t attest_len;
	const uint8_t *sig_buf;		/* signature contents */
	size_t sig_len;
	int has_pub;			/* tpmTPublic is present */
	const uint8_t *pub_buf;		/* its contents */
	size_t pub_len;
	TPMS_ATTEST attest;
	int attest_ok;		/* a certify, unmarshalled, all bytes */
	TPMT_PUBLIC pub;
	int pub_ok;
};

/* tpm.attest --------------------------------------------------------- */

/* magic and type are read first, with libtss2-mu too: only a certify
 * is unmarshalled whole, as other types' PCR selections make libtss2-mu
 * log attacker-chosen sizes to stderr. */
static int check_attest(struct tctx *x)
{
	size_t off = 0;
	UINT32 magic = 0;
	TPM2_ST type = 0;
	TSS2_RC rc = Tss2_MU_UINT32_Unmarshal(x->attest_buf, x->attest_len, &off, &magic);
	if (rc == TSS2_RC_SUCCESS)
		rc = Tss2_MU_TPM2_ST_Unmarshal(x->attest_buf, x->attest_len, &off, &type);
	if (rc == TSS2_RC_SUCCESS && type == TPM2_ST_ATTEST_CERTIFY) {
		off = 0;
		rc = Tss2_MU_TPMS_ATTEST_Unmarshal(x->attest_buf, x->attest_len, &off, &x->attest);
	}
	if (rc != TSS2_RC_SUCCESS) {
		csra_result_add(x->r, "tpm.attest", CSRA_STATUS_FAIL, CSRA_ERR_TPM_MALFORMED,
		    "tpmSAttest", "TPMS_ATTEST does not unmarshal (TSS2 rc 0x%x)", (unsigned)rc);
		return 0;
	}
	int good = 1;
	if (magic != TPM2_GENERATED_VALUE)
		good = csra_result_add(x->r, "tpm.attest", CSRA_STATUS_FAIL, CSRA_ERR_TPM_MAGIC,
		    "tpmSAttest", "magic is 0x%08x, not TPM_GENERATED_VALUE", (unsigned)magic) && 0;
	if (type != TPM2_ST_ATTEST_CERTIFY) {
		csra_result_add(x->r, "tpm.attest", CSRA_STATUS_FAIL, CSRA_ERR_TPM_TYPE,
		    "tpmSAttest", "type is 0x%04x, not TPM_ST_ATTEST_CERTIFY", (unsigned)type);
		return 0;
	}
	if (off != x->attest_len) {
		csra_result_add(x->r, "tpm.attest", CSRA_STATUS_FAIL, CSRA_ERR_TPM_MALFORMED,
		    "tpmSAttest", "%zu byte(s) after the TPMS_ATTEST", x->attest_len - off);
		return 0;
	}
	x->attest_ok = 1;
	if (good)
		csra_result_add(x->r, "tpm.attest", CSRA_STATUS_PASS, CSRA_OK, "tpmSAttest",
		    "TPMS_ATTEST of TPM2_Certify, %zu bytes", x->attest_len);
	return good;
}

/* tpm.public --------------------------------------------------------- */

static int check_public(struct tctx *x)
{
	if (!x->has_pub) {
		csra_result_add(x->r, "tpm.public", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NO_PUBLIC,
		    "tpmTPublic", "tpmTPublic is absent: the certified key is unknown");
		return 0;
	}
	size_t off = 0;
	TSS2_RC rc = Tss2_MU_TPMT_PUBLIC_Unmarshal(x->pub_buf, x->pub_len, &off, &x->pub);
	if (rc != TSS2_RC_SUCCESS || off != x->pub_len) {
		if (rc != TSS2_RC_SUCCESS)
			csra_result_add(x->r, "tpm.public", CSRA_STATUS_FAIL, CSRA_ERR_TPM_MALFORMED,
			    "tpmTPublic", "TPMT_PUBLIC does not unmarshal (TSS2 rc 0x%x)", (unsigned)rc);
		else
			csra_result_add(x->r, "tpm.public", CSRA_STATUS_FAIL, CSRA_ERR_TPM_MALFORMED,
			    "tpmTPublic", "%zu byte(s) after the TPMT_PUBLIC", x->pub_len - off);
		return 0;
	}
	x->pub_ok = 1;
	csra_result_add(x->r, "tpm.public", CSRA_STATUS_PASS, CSRA_OK, "tpmTPublic",
	    "TPMT_PUBLIC, type 0x%04x, nameAlg 0x%04x", (unsigned)x->pub.type,
	    (unsigned)x->pub.nameAlg);
	return 1;
}

/* tpm.name ----------------------------------------------------------- */

/* The digests a Name may use; others (SM3, SHA-3) are refused. By name:
 * OpenSSL fetches them from the verifier's library context. */
static const char *hash_md(TPM2_ALG_ID alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1: return "SHA1";
	case TPM2_ALG_SHA256: return "SHA256";
	case TPM2_ALG_SHA384: return "SHA384";
	case TPM2_ALG_SHA512: return "SHA512";
	default: return NULL;
	}
}

/* Name = nameAlg (big-endian) || H_nameAlg(TPMT_PUBLIC as marshalled):
 * hashed over the bytes received, never re-marshalled. */
static int check_name(struct tctx *x)
{
	if (!x->attest_ok || !x->pub_ok) {
		csra_result_add(x->r, "tpm.name", CSRA_STATUS_SKIP, CSRA_OK, "tpmSAttest",
		    "needs a TPMS_CERTIFY_INFO and a TPMT_PUBLIC");
		return 0;
	}
	/* SHA-1 Names are refused: a collision gives two public areas, with
	 * other attributes or another key, one Name; the TPM certifies the
	 * Name only. */
	const char *md = x->pub.nameAlg == TPM2_ALG_SHA1 ? NULL : hash_md(x->pub.nameAlg);
	if (md == NULL) {
		csra_result_add(x->r, "tpm.name", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NAME_ALG, "tpmTPublic",
		    "nameAlg 0x%04x is %s: SHA-256, SHA-384 or SHA-512 only", (unsigned)x->pub.nameAlg,
		    x->pub.nameAlg == TPM2_ALG_SHA1 ? "SHA-1" : "unknown");
		return 0;
	}
	uint8_t want[2 + EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	want[0] = (uint8_t)(x->pub.nameAlg >> 8);
	want[1] = (uint8_t)x->pub.nameAlg;
	if (EVP_Q_digest(csra_libctx(x->in->v), md, csra_propq(x->in->v), x->pub_buf, x->pub_len,
	    want + 2, &mdlen) != 1) {
		ERR_clear_error();
		csra_result_add(x->r, "tpm.name", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NAME, "tpmTPublic",
		    "OpenSSL cannot compute the nameAlg digest");
		return 0;
	}
	const TPM2B_NAME *got = &x->attest.attested.certify.name;
	if (got->size != 2 + mdlen || memcmp(got->name, want, 2 + mdlen) != 0) {
		csra_result_add(x->r, "tpm.name", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NAME, "tpmSAttest",
		    "certified Name (%u bytes) is not nameAlg || H(tpmTPublic)", (unsigned)got->size);
		return 0;
	}
	csra_result_add(x->r, "tpm.name", CSRA_STATUS_PASS, CSRA_OK, "tpmSAttest",
	    "certified Name is the Name of tpmTPublic");
	return 1;
}

/* tpm.created ---------------------------------------------------------- */

/*
 * Whether the certified key was created in a TPM (docs/tpm.md, with the
 * TPM 2.0 Library sections): fixedTPM and fixedParent, which TPM2_Load-
 * External refuses for an object with a sensitive area, TPM2_Import for
 * any, and which a public-only object cannot use (TPM2_Certify needs its
 * ADMIN authorization, not available without the sensitive area); and
 * sensitiveDataOrigin, which only then says the TPM generated it. And a
 * qualifiedName that is not the Name, which a TPM makes it for an object
 * loaded with TPM2_LoadExternal.
 */
static int check_created(struct tctx *x)
{
	if (!x->pub_ok || !x->attest_ok) {
		csra_result_add(x->r, "tpm.created", CSRA_STATUS_SKIP, CSRA_OK, "tpmTPublic",
		    "needs a TPMS_CERTIFY_INFO and a TPMT_PUBLIC");
		return 0;
	}
	TPMA_OBJECT a = x->pub.objectAttributes;
	static const struct { TPMA_OBJECT bit; const char *name; } need[] = {
		{ TPMA_OBJECT_FIXEDTPM, "fixedTPM" },
		{ TPMA_OBJECT_FIXEDPARENT, "fixedParent" },
		{ TPMA_OBJECT_SENSITIVEDATAORIGIN, "sensitiveDataOrigin" },
	};
	char clear[64] = "";
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(a & need[i].bit))
			snprintf(clear + strlen(clear), sizeof(clear) - strlen(clear), "%s%s",
			    clear[0] ? ", " : "", need[i].name);
	int ok = 1;
	if (clear[0])
		ok = csra_result_add(x->r, "tpm.created", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NOT_CREATED,
		    "tpmTPublic", "objectAttributes 0x%08x: %s clear: not shown to be generated in, and "
		    "bound to, the TPM (imported, loaded external or duplicable)", (unsigned)a, clear) && 0;
	/* A TPM gives an object loaded with TPM2_LoadExternal its Name as
	 * qualifiedName; any other object's is H(parent's QN || Name). */
	const TPM2B_NAME *name = &x->attest.attested.certify.name;
	const TPM2B_NAME *qn = &x->attest.attested.certify.qualifiedName;
	if (qn->size == name->size && qn->size <= sizeof(qn->name) &&
	    memcmp(qn->name, name->name, qn->size) == 0)
		ok = csra_result_add(x->r, "tpm.created", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NOT_CREATED,
		    "tpmSAttest", "qualifiedName is the Name: the TPM loaded the object with "
		    "TPM2_LoadExternal") && 0;
	if (ok)
		csra_result_add(x->r, "tpm.created", CSRA_STATUS_PASS, CSRA_OK, "tpmTPublic",
		    "fixedTPM, fixedParent and sensitiveDataOrigin: generated in the TPM, never leaves it");
	return ok;
}

/* tpm.key ------------------------------------------------------------ */

static EVP_PKEY *fromdata(const struct tctx *x, const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY *pk = NULL;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(csra_libctx(x->in->v), type, csra_propq(x->in->v));
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

static EVP_PKEY *rsa_key(const struct tctx *x, const TPMT_PUBLIC *p)
{
	const TPM2B_PUBLIC_KEY_RSA *u = &p->unique.rsa;
	if (u->size == 0 || u->size > sizeof(u->buffer))
		return NULL;
	/* A zero exponent stands for the TPM's default, 2^16 + 1. */
	uint32_t exp = p->parameters.rsaDetail.exponent ? p->parameters.rsaDetail.exponent : 65537;
	EVP_PKEY *pk = NULL;
	BIGNUM *n = BN_bin2bn(u->buffer, u->size, NULL), *e = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (n != NULL && e != NULL && bld != NULL && BN_set_word(e, exp) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		pk = fromdata(x, "RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pk;
}

static EVP_PKEY *ecc_key(const struct tctx *x, const TPMT_PUBLIC *p)
{
	const char *group;
	size_t fs;
	switch (p->parameters.eccDetail.curveID) {
	case TPM2_ECC_NIST_P256: group = "P-256"; fs = 32; break;
	case TPM2_ECC_NIST_P384: group = "P-384"; fs = 48; break;
	case TPM2_ECC_NIST_P521: group = "P-521"; fs = 66; break;
	default: return NULL;
	}
	const TPM2B_ECC_PARAMETER *ex = &p->unique.ecc.x, *ey = &p->unique.ecc.y;
	if (ex->size > fs || ey->size > fs)
		return NULL;
	/* Uncompressed point, each coordinate left-padded to the field size. */
	uint8_t pt[1 + 2 * 66];
	memset(pt, 0, sizeof(pt));
	pt[0] = 0x04;
	memcpy(pt + 1 + fs - ex->size, ex->buffer, ex->size);
	memcpy(pt + 1 + 2 * fs - ey->size, ey->buffer, ey->size);
	EVP_PKEY *pk = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (bld != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * fs))
		pk = fromdata(x, "EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

/* The request key must be byte-equal, as DER SubjectPublicKeyInfo, to the
 * key tpmTPublic describes (named curve, uncompressed point for EC). */
static int check_key(struct tctx *x)
{
	if (!x->pub_ok) {
		csra_result_add(x->r, "tpm.key", CSRA_STATUS_SKIP, CSRA_OK, "tpmTPublic",
		    "needs a TPMT_PUBLIC");
		return 0;
	}
	EVP_PKEY *pk = NULL;
	if (x->pub.type == TPM2_ALG_RSA)
		pk = rsa_key(x, &x->pub);
	else if (x->pub.type == TPM2_ALG_ECC)
		pk = ecc_key(x, &x->pub);
	ERR_clear_error();
	if (pk == NULL) {
		csra_result_add(x->r, "tpm.key", CSRA_STATUS_FAIL, CSRA_ERR_TPM_KEY_MISMATCH,
		    "tpmTPublic", "type 0x%04x: not an RSA or NIST P-256/384/521 key OpenSSL accepts",
		    (unsigned)x->pub.type);
		return 0;
	}
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(pk, &der);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	if (n <= 0) {
		csra_result_add(x->r, "tpm.key", CSRA_STATUS_FAIL, CSRA_ERR_TPM_KEY_MISMATCH,
		    "tpmTPublic", "OpenSSL cannot encode the key");
		return 0;
	}
	int eq = x->in->request_spki != NULL && (size_t)n == x->in->request_spki_len &&
	    memcmp(der, x->in->request_spki, (size_t)n) == 0;
	OPENSSL_free(der);
	if (!eq) {
		csra_result_add(x->r, "tpm.key", CSRA_STATUS_FAIL, CSRA_ERR_TPM_KEY_MISMATCH,
		    "tpmTPublic", "the certified key is not the request key");
		return 0;
	}
	x->out->bound = 1;
	csra_result_add(x->r, "tpm.key", CSRA_STATUS_PASS, CSRA_OK, "tpmTPublic",
	    "the certified key is the request key");
	return 1;
}

/* tpm.signature ------------------------------------------------------ */

/* Verifies |sig| over tpmSAttest with |key|: digest |md|, and for RSA
 * |pad| (RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING). PSS salts of any
 * length verify: TPMs differ (hash length or maximum). */
static int verify_with(const struct tctx *x, EVP_PKEY *key, const char *md, int pad,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = mctx != NULL && EVP_DigestVerifyInit_ex(mctx, &pctx, md, csra_libctx(x->in->v),
	    csra_propq(x->in->v), key, NULL) == 1;
	if (ok && pad != 0)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, pad) > 0 &&
		    (pad != RSA_PKCS1_PSS_PADDING ||
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) > 0);
	ok = ok && EVP_DigestVerify(mctx, sig, siglen, x->attest_buf, x->attest_len) == 1;
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return ok;
}

/* RSA keys under 2048 bits never verify: CA/B Forum and the PKIX
 * Evidence verifier refuse them too. */
static int rsa_ok(EVP_PKEY *key)
{
	return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048;
}

/* The TPMT_SIGNATURE hashes accepted for signatures (no SHA-1). */
static const char *sig_md(TPM2_ALG_ID alg)
{
	return alg == TPM2_ALG_SHA1 ? NULL : hash_md(alg);
}

/* The bare form of the draft's sample: RSASSA-PKCS1-v1_5, SHA-256. */
static int verify_raw(const struct tctx *x, EVP_PKEY *key)
{
	return key != NULL && rsa_ok(key) && x->sig_len == (size_t)EVP_PKEY_get_size(key) &&
	    verify_with(x, key, "SHA256", RSA_PKCS1_PADDING, x->sig_buf, x->sig_len);
}

static int verify_tpmt(const struct tctx *x, EVP_PKEY *key, const TPMT_SIGNATURE *s)
{
	if (key == NULL)
		return 0;
	switch (s->sigAlg) {
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS: {
		const TPMS_SIGNATURE_RSA *rs = s->sigAlg == TPM2_ALG_RSASSA ? &s->signature.rsassa
		    : &s->signature.rsapss;
		const char *md = sig_md(rs->hash);
		if (md == NULL || !rsa_ok(key) || rs->sig.size > sizeof(rs->sig.buffer))
			return 0;
		return verify_with(x, key, md,
		    s->sigAlg == TPM2_ALG_RSASSA ? RSA_PKCS1_PADDING : RSA_PKCS1_PSS_PADDING,
		    rs->sig.buffer, rs->sig.size);
	}
	case TPM2_ALG_ECDSA: {
		const TPMS_SIGNATURE_ECC *es = &s->signature.ecdsa;
		const char *md = sig_md(es->hash);
		if (md == NULL || !EVP_PKEY_is_a(key, "EC") ||
		    es->signatureR.size > sizeof(es->signatureR.buffer) ||
		    es->signatureS.size > sizeof(es->signatureS.buffer))
			return 0;
		/* OpenSSL verifies DER ECDSA-Sig-Value: re-encode (r, s). */
		ECDSA_SIG *es_sig = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(es->signatureR.buffer, es->signatureR.size, NULL);
		BIGNUM *sv = BN_bin2bn(es->signatureS.buffer, es->signatureS.size, NULL);
		unsigned char *der = NULL;
		int n = 0, ok = 0;
		if (es_sig != NULL && r != NULL && sv != NULL && ECDSA_SIG_set0(es_sig, r, sv)) {
			r = sv = NULL;	/* owned by es_sig now */
			n = i2d_ECDSA_SIG(es_sig, &der);
		}
		if (n > 0)
			ok = verify_with(x, key, md, 0, der, (size_t)n);
		OPENSSL_free(der);
		ECDSA_SIG_free(es_sig);
		BN_free(r);
		BN_free(sv);
		ERR_clear_error();
		return ok;
	}
	default:
		return 0;
	}
}

enum sig_form { SIG_NONE, SIG_RAW, SIG_TPMT };

static int verifies(const struct tctx *x, X509 *cert, enum sig_form form, const TPMT_SIGNATURE *s)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	ERR_clear_error();
	return form == SIG_RAW ? verify_raw(x, key) : verify_tpmt(x, key, s);
}

static const char *sig_alg_name(TPM2_ALG_ID alg)
{
	switch (alg) {
	case TPM2_ALG_RSASSA: return "RSASSA";
	case TPM2_ALG_RSAPSS: return "RSAPSS";
	case TPM2_ALG_ECDSA: return "ECDSA";
	default: return "unsupported";
	}
}

/* tpm.chain ---------------------------------------------------------- */

/* Path validation as the PKIX Evidence verifier's check_ak does it: no
 * purpose, the caller's time, the bundle as untrusted certificates.
 * Returns 1, or 0 with |*code| and |msg| set; -1 on allocation failure. */
static int chain_to(const struct tctx *x, X509_STORE *trust, X509 *cert, csra_err *code,
    char *msg, size_t msglen)
{
	struct csra_path vp;
	int vr = csra_verify_path(x->in->v, trust, cert, x->in->certs, x->in->at, NULL, NULL, &vp);
	if (vr < 0)
		return -1;
	if (vr == 1) {
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(vp.ctx);
		snprintf(msg, msglen, "path of %d certificate(s) to a TPM trust anchor",
		    chain ? sk_X509_num(chain) : 0);
	} else {
		*code = csra_x509_verify_err(X509_STORE_CTX_get_error(vp.ctx));
		csra_x509_verify_msg(vp.ctx, msg, msglen);
	}
	csra_path_clear(&vp);
	ERR_clear_error();
	return vr;
}

/* tpm.ak-* ----------------------------------------------------------- */

static const char *const AK_CHECKS[] = { "tpm.ak-basic-constraints", "tpm.ak-key-usage",
	"tpm.ak-eku", "tpm.ak-request-key" };

/* The AK certificate (bundle certificate |i|) is an attestation key's, as
 * the PKIX Evidence verifier's check_ak wants it: not a CA, KeyUsage
 * digitalSignature, an AK EKU; and its key is not the request key, which
 * would make the AK sign the request too (the pkix-key-attestation draft:
 * nothing but attestation is to validate under an AK). Returns 1 if all
 * hold. */
static int check_ak_cert(struct tctx *x, X509 *cert, int i)
{
	char path[32], want[256];
	int ok = 1;
	uint32_t flags = X509_get_extension_flags(cert);
	snprintf(path, sizeof(path), "certs[%d]", i);
	if (flags & EXFLAG_CA)
		ok = csra_result_add(x->r, AK_CHECKS[0], CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_CA, path,
		    "the AK certificate is a CA certificate (basicConstraints cA TRUE)") && 0;
	else
		csra_result_add(x->r, AK_CHECKS[0], CSRA_STATUS_PASS, CSRA_OK, path,
		    "the AK certificate is not a CA certificate");
	const char *no_digsig = csra_x509_no_digsig(cert);
	if (no_digsig == NULL)
		csra_result_add(x->r, AK_CHECKS[1], CSRA_STATUS_PASS, CSRA_OK, path,
		    "KeyUsage has digitalSignature");
	else
		ok = csra_result_add(x->r, AK_CHECKS[1], CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_DIGITAL_SIGNATURE,
		    path, "KeyUsage %s", no_digsig) && 0;
	int eku = csra_has_ak_eku(x->ekus, cert);
	csra_eku_set_str(x->ekus, want, sizeof(want));
	if (eku == 1)
		csra_result_add(x->r, AK_CHECKS[2], CSRA_STATUS_PASS, CSRA_OK, path,
		    "ExtendedKeyUsage has a TPM attestation-key EKU");
	else
		ok = csra_result_add(x->r, AK_CHECKS[2], CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_EKU, path,
		    "ExtendedKeyUsage %s a TPM attestation-key EKU (accepted: %s)",
		    eku < 0 ? CSRA_EKU_UNREADABLE : "lacks", want) && 0;
	EVP_PKEY *own = x->in->request_key == NULL && x->in->request_spki != NULL
	    ? csra_spki_pkey(x->in->v, x->in->request_spki, x->in->request_spki_len) : NULL;
	EVP_PKEY *req = x->in->request_key != NULL ? x->in->request_key : own;
	if (req != NULL && EVP_PKEY_eq(req, X509_get0_pubkey(cert)) == 1)
		ok = csra_result_add(x->r, AK_CHECKS[3], CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_REQUEST_KEY,
		    path, "the AK's key is the request key: an AK signs attestations only") && 0;
	else
		csra_result_add(x->r, AK_CHECKS[3], CSRA_STATUS_PASS, CSRA_OK, path,
		    "the AK's key is not the request key");
	EVP_PKEY_free(own);
	ERR_clear_error();
	return ok;
}

/* Finds the AK: a bundle certificate whose key verifies the signature,
 * preferring one that also chains to |trust|. Records tpm.signature,
 * tpm.chain and the tpm.ak-* checks of that certificate; sets |*sig_ok|
 * and |*chain_ok| (which needs the tpm.ak-* checks too). */
static void check_signature_chain(struct tctx *x, X509_STORE *trust, int *sig_ok, int *chain_ok)
{
	*sig_ok = *chain_ok = 0;
	int n = x->in->certs != NULL ? sk_X509_num(x->in->certs) : 0;
	enum sig_form form = SIG_NONE;
	TPMT_SIGNATURE ts;
	int first = -1, tpmt = 0;
	memset(&ts, 0, sizeof(ts));
	for (int i = 0; i < n && first < 0; i++)
		if (verifies(x, sk_X509_value(x->in->certs, i), SIG_RAW, NULL))
			first = i, form = SIG_RAW;
	if (first < 0) {
		size_t off = 0;
		tpmt = Tss2_MU_TPMT_SIGNATURE_Unmarshal(x->sig_buf, x->sig_len, &off, &ts) ==
		    TSS2_RC_SUCCESS && off == x->sig_len;
		for (int i = 0; tpmt && i < n && first < 0; i++)
			if (verifies(x, sk_X509_value(x->in->certs, i), SIG_TPMT, &ts))
				first = i, form = SIG_TPMT;
	}
	if (first < 0) {
		if (tpmt)
			csra_result_add(x->r, "tpm.signature", CSRA_STATUS_FAIL, CSRA_ERR_TPM_SIGNATURE,
			    "signature", "no key of the %d bundle certificate(s) verifies the "
			    "TPMT_SIGNATURE (%s, hash 0x%04x) over tpmSAttest", n,
			    sig_alg_name(ts.sigAlg), (unsigned)ts.signature.any.hashAlg);
		else
			csra_result_add(x->r, "tpm.signature", CSRA_STATUS_FAIL, CSRA_ERR_TPM_SIGNATURE,
			    "signature", "no key of the %d bundle certificate(s) verifies the %zu-byte "
			    "signature over tpmSAttest (bare RSASSA-PKCS1-v1_5 SHA-256, or TPMT_SIGNATURE)",
			    n, x->sig_len);
		csra_result_add(x->r, "tpm.chain", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "no AK certificate: no bundle certificate verifies the signature");
		for (size_t i = 0; i < sizeof(AK_CHECKS) / sizeof(AK_CHECKS[0]); i++)
			csra_result_add(x->r, AK_CHECKS[i], CSRA_STATUS_SKIP, CSRA_OK, "",
			    "no AK certificate: no bundle certificate verifies the signature");
		return;
	}
	*sig_ok = 1;
	if (form == SIG_RAW)
		csra_result_add(x->r, "tpm.signature", CSRA_STATUS_PASS, CSRA_OK, "signature",
		    "bare RSASSA-PKCS1-v1_5 SHA-256 signature verifies with bundle certificate %d",
		    first);
	else
		csra_result_add(x->r, "tpm.signature", CSRA_STATUS_PASS, CSRA_OK, "signature",
		    "TPMT_SIGNATURE (%s, hash 0x%04x) verifies with bundle certificate %d",
		    sig_alg_name(ts.sigAlg), (unsigned)ts.signature.any.hashAlg, first);

	if (trust == NULL) {
		csra_result_add(x->r, "tpm.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, "",
		    "no TPM trust anchors are configured");
		check_ak_cert(x, sk_X509_value(x->in->certs, first), first);
		return;
	}
	/* Another certificate for the same key may be the one that chains;
	 * if none does, the first one's failure is reported. */
	csra_err code = CSRA_ERR_AK_CHAIN, ignored;
	char msg[512], other[512];
	int ak = -1;
	for (int i = first; i < n && ak < 0; i++) {
		X509 *cert = sk_X509_value(x->in->certs, i);
		if (i != first && !verifies(x, cert, form, &ts))
			continue;
		int cr = i == first ? chain_to(x, trust, cert, &code, msg, sizeof(msg)) :
		    chain_to(x, trust, cert, &ignored, other, sizeof(other));
		if (cr < 0) {
			x->r->nomem = 1;
			return;
		}
		if (cr == 1) {
			ak = i;
			if (i != first)
				memcpy(msg, other, sizeof(msg));
		}
	}
	if (ak >= 0) {
		csra_result_add(x->r, "tpm.chain", CSRA_STATUS_PASS, CSRA_OK, "",
		    "AK is bundle certificate %d: %s", ak, msg);
	} else {
		csra_result_add(x->r, "tpm.chain", CSRA_STATUS_FAIL, code, "",
		    "AK is bundle certificate %d: %s", first, msg);
	}
	int shown = ak >= 0 ? ak : first;
	int ak_ok = check_ak_cert(x, sk_X509_value(x->in->certs, shown), shown);
	*chain_ok = ak >= 0 && ak_ok;
}

/* freshness.nonce ---------------------------------------------------- */

/* The CA's nonce is TPM2_Certify's qualifyingData, which the TPM signs as
 * TPMS_ATTEST.extraData. Named like every statement's freshness check. */
static int check_nonce(struct tctx *x)
{
	const csra_stmt_in *in = x->in;
	if (in->nonce == NULL) {
		csra_result_add(x->r, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "tpmSAttest.extraData",
		    "no nonce was given: freshness not established");
		return 1;
	}
	if (!x->attest_ok) {
		csra_result_add(x->r, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "tpmSAttest.extraData",
		    "needs a TPMS_ATTEST of TPM2_Certify");
		return 0;
	}
	const TPM2B_DATA *ed = &x->attest.extraData;
	if (ed->size != in->nonce_len || (in->nonce_len != 0 &&
	    memcmp(ed->buffer, in->nonce, in->nonce_len) != 0)) {
		csra_result_add(x->r, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_TPM_NONCE,
		    "tpmSAttest.extraData", "extraData (%u bytes) is not the expected nonce (%zu bytes)",
		    (unsigned)ed->size, in->nonce_len);
		return 0;
	}
	csra_result_add(x->r, "freshness.nonce", CSRA_STATUS_PASS, CSRA_OK, "tpmSAttest.extraData",
	    "extraData is the expected nonce");
	return 1;
}

/* Claims ------------------------------------------------------------- */

/*
 * Key claims: the TPMA_OBJECT bits under their TPM names, and the draft's
 * names (PKCS#11 meanings) so that one policy reads both statement kinds:
 *   never-extractable = fixedTPM && fixedParent: the object cannot be
 *                       duplicated, now or ever (attributes never change,
 *                       and a TPM refuses fixedTPM for imported or
 *                       external objects);
 *   extractable       = !never-extractable: TPM2_Duplicate can export it,
 *                       wrapped;
 *   sensitive         = fixedTPM && fixedParent: the private part never
 *                       leaves the TPM, wrapped or not;
 *   local             = sensitiveDataOrigin: the TPM generated it.
 * They say something only when the statement is verified: the AK is a
 * TPM's and the Name binds tpmTPublic.
 */
static void add_claims(struct tctx *x)
{
	csra_stmt_out *out = x->out;
	if (x->pub_ok) {
		TPMA_OBJECT a = x->pub.objectAttributes;
		int fixed = (a & TPMA_OBJECT_FIXEDTPM) && (a & TPMA_OBJECT_FIXEDPARENT);
		csra_stmt_add_bool(out, "key", "fixedTPM", (a & TPMA_OBJECT_FIXEDTPM) != 0);
		csra_stmt_add_bool(out, "key", "fixedParent", (a & TPMA_OBJECT_FIXEDPARENT) != 0);
		csra_stmt_add_bool(out, "key", "sensitiveDataOrigin",
		    (a & TPMA_OBJECT_SENSITIVEDATAORIGIN) != 0);
		csra_stmt_add_bool(out, "key", "userWithAuth", (a & TPMA_OBJECT_USERWITHAUTH) != 0);
		csra_stmt_add_bool(out, "key", "restricted", (a & TPMA_OBJECT_RESTRICTED) != 0);
		csra_stmt_add_bool(out, "key", "decrypt", (a & TPMA_OBJECT_DECRYPT) != 0);
		csra_stmt_add_bool(out, "key", "sign", (a & TPMA_OBJECT_SIGN_ENCRYPT) != 0);
		csra_stmt_add_bool(out, "key", "extractable", !fixed);
		csra_stmt_add_bool(out, "key", "never-extractable", fixed);
		csra_stmt_add_bool(out, "key", "sensitive", fixed);
		csra_stmt_add_bool(out, "key", "local", (a & TPMA_OBJECT_SENSITIVEDATAORIGIN) != 0);
	}
	if (x->attest_ok) {
		/* A UINT64: past INT64_MAX it is a big INTEGER (a 0x00, then its
		 * eight octets, is its minimal two's complement). */
		if (x->attest.firmwareVersion <= (UINT64)INT64_MAX) {
			csra_stmt_add_int(out, "platform", "firmwareVersion",
			    (int64_t)x->attest.firmwareVersion);
		} else {
			uint8_t fw[9] = { 0 };
			for (int i = 0; i < 8; i++)
				fw[1 + i] = (uint8_t)(x->attest.firmwareVersion >> (56 - 8 * i));
			csra_stmt_add_bigint(out, "platform", "firmwareVersion", fw, sizeof(fw));
		}
		csra_stmt_add_bool(out, "platform", "clockInfo.safe", x->attest.clockInfo.safe != 0);
		const TPM2B_NAME *qs = &x->attest.qualifiedSigner;
		char hex[2 * sizeof(qs->name) + 1];
		size_t nq = qs->size <= sizeof(qs->name) ? qs->size : sizeof(qs->name);
		static const char digits[] = "0123456789abcdef";
		for (size_t i = 0; i < nq; i++) {
			hex[2 * i] = digits[qs->name[i] >> 4];
			hex[2 * i + 1] = digits[qs->name[i] & 15];
		}
		csra_stmt_add_text(out, "platform", "qualifiedSigner", (const uint8_t *)hex, 2 * nq);
	}
}

/* ------------------------------------------------------------------- */

csra_err csra_tpm_verify(const csra_stmt_in *in, X509_STORE *trust, const struct csra_eku_set *ekus,
    csra_result *r, csra_stmt_out *out)
{
	if (in == NULL || r == NULL || out == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	out->verified = 0;
	out->bound = 0;
	out->freshness = CSRA_FRESHNESS_NONE;

	csra_decoded *d = NULL;
	csra_diag diag;
	csra_err e = csra_decode(NULL, CSRA_PDU_TPM_CERTIFY, in->stmt, in->stmt_len, &d, &diag);
	if (e != CSRA_OK) {
		csra_result_add(r, "tpm.decode", CSRA_STATUS_FAIL, diag.code, diag.path,
		    "TcgAttestCertify does not decode: %s (offset %zu)", csra_strerror(diag.code),
		    diag.offset);
		if (e == CSRA_ERR_NOMEM)
			r->nomem = 1;
		return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
	}
	csra_result_add(r, "tpm.decode", CSRA_STATUS_PASS, CSRA_OK, "", "TcgAttestCertify");

	/* Large: TPMS_ATTEST's union holds an NV buffer. */
	struct tctx *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		csra_decoded_free(&d);
		r->nomem = 1;
		return CSRA_ERR_NOMEM;
	}
	/* Without a set: the TCG's AK EKU alone. */
	struct csra_eku_set dflt = { NULL, 0 };
	if (ekus == NULL) {
		uint8_t oid[16];
		size_t olen;
		if (!csra_oid_from_str(CSRA_TCG_KP_AIK_CERTIFICATE, oid, sizeof(oid), &olen) ||
		    csra_eku_set_add(&dflt, oid, olen) != 1) {
			csra_eku_set_clear(&dflt);
			free(x);
			csra_decoded_free(&d);
			r->nomem = 1;
			return CSRA_ERR_NOMEM;
		}
		ekus = &dflt;
	}
	const TcgAttestCertify_t *st = csra_decoded_asn1(d);
	x->ekus = ekus;
	x->in = in;
	x->r = r;
	x->out = out;
	x->attest_buf = st->tpmSAttest.buf;
	x->attest_len = (size_t)st->tpmSAttest.size;
	x->sig_buf = st->signature.buf;
	x->sig_len = (size_t)st->signature.size;
	if (st->tpmTPublic != NULL) {
		x->has_pub = 1;
		x->pub_buf = st->tpmTPublic->buf;
		x->pub_len = (size_t)st->tpmTPublic->size;
	}

	int ok_attest = check_attest(x);
	int ok_public = check_public(x);
	int ok_name = check_name(x);
	int ok_created = check_created(x);
	check_key(x);
	int ok_sig, ok_chain;
	check_signature_chain(x, trust, &ok_sig, &ok_chain);
	int ok_nonce = check_nonce(x);
	add_claims(x);
	/* Claims cut by the cap would be judged in part: the statement fails. */
	int refused = csra_stmt_refused(out, r, "the TPM statement");
	if (refused && out->err == CSRA_ERR_NOMEM)
		r->nomem = 1;

	out->verified = ok_attest && ok_public && ok_name && ok_created && ok_sig && ok_chain &&
	    ok_nonce && !refused && !r->nomem;
	csra_eku_set_clear(&dflt);
	/* Verified with a nonce given: extraData is that nonce. */
	out->freshness = out->verified && in->nonce != NULL ? CSRA_FRESHNESS_NONCE : CSRA_FRESHNESS_NONE;
	free(x);
	csra_decoded_free(&d);
	if (r->nomem) {
		/* A failed call claims nothing: not even which key it names. */
		out->bound = 0;
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

static int tpm_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)route;
	return csra_oid_is(type, len, CSRA_OID_ID_TCGATTESTCERTIFY);
}

static csra_err tpm_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)route, (void)d;
	return csra_tpm_verify(in, csra_verifier_store_for(v, in->type, in->type_len, v->tpm_store),
	    csra_verifier_ak_ekus(v, 1), child, out);
}

const csra_format csra_format_tpm2_certify = { "tpm2-certify", tpm_handles, NULL, tpm_verify, 0 };
