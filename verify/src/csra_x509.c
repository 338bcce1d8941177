/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every format's checks share: signature verification by algorithm
 * identifier, and OpenSSL's certificate-path answers in csrattest's codes.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

/* OpenSSL caches a certificate's extensions on first use, and two threads
 * doing so at once can replace what the other reads (openssl/openssl
 * issue 32609): certificates threads share have it done before. An
 * allocation failure then marks the certificate invalid for good. Returns
 * 1 if its extensions are valid, 0 if not, -1 if memory ran out. */
csra_err csra_x509_verify_err(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return CSRA_ERR_AK_EXPIRED;
	/* Not expired: a clock or an issuance date to look at, not a renewal. */
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return CSRA_ERR_AK_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return CSRA_ERR_AK_UNTRUSTED;
	case X509_V_ERR_CERT_REVOKED:
		return CSRA_ERR_AK_REVOKED;
	/* The certificate may be fine: the CRL that would say so is not. An
	 * expired CRL is not an expired AK (it used to be reported so). */
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
		return CSRA_ERR_AK_CRL;
	default:
		return CSRA_ERR_AK_CHAIN;
	}
}

void csra_x509_verify_msg(X509_STORE_CTX *ctx, char *buf, size_t cap)
{
	int err = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *c = X509_STORE_CTX_get_current_cert(ctx);
	char subject[256] = "";
	if (c != NULL)
		X509_NAME_oneline(X509_get_subject_name(c), subject, sizeof(subject));
	snprintf(buf, cap, "OpenSSL: %s (at depth %d%s%s)", X509_verify_cert_error_string(err), depth,
	    subject[0] ? ", " : "", subject);
	csra_clear_openssl_errors();
}

int csra_openssl_nomem(void)
{
	int nomem = 0;
	unsigned long e;
	while ((e = ERR_get_error()) != 0)
		nomem |= ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE;
	return nomem;
}

int csra_x509_settle(X509 *cert)
{
	csra_clear_openssl_errors();
	if ((X509_get_extension_flags(cert) & EXFLAG_INVALID) == 0)
		return 1;
	return csra_openssl_nomem() ? -1 : 0;
}

const char *csra_no_digsig(uint32_t flags, uint32_t key_usage)
{
	if (flags & EXFLAG_INVALID)
		return "cannot be read: OpenSSL finds the certificate's extensions invalid (one repeated or not "
		    "decoding)";
	if (!(flags & EXFLAG_KUSAGE))
		return "is absent";
	return key_usage & KU_DIGITAL_SIGNATURE ? NULL : "lacks digitalSignature";
}

const char *csra_x509_no_digsig(X509 *x)
{
	return csra_no_digsig(X509_get_extension_flags(x), X509_get_key_usage(x));
}

int csra_verify_cert(X509_STORE_CTX *ctx)
{
	csra_clear_openssl_errors();
	int rc = X509_verify_cert(ctx);
	/* An allocation that failed inside can change the path OpenSSL
	 * builds without failing it: a time check that could not allocate
	 * counts a candidate issuer as out of its validity, and the next
	 * one is taken. Such an outcome is not the input's. */
	if (csra_openssl_nomem() || X509_STORE_CTX_get_error(ctx) == X509_V_ERR_OUT_OF_MEM)
		return -1;
	return rc == 1 ? 1 : 0;
}

/* |pool| without |bad|, when |pool| holds |bad| and another certificate
 * of its subject (a different issuer to try): 1 with |*next| (a shallow
 * copy), 0 when there is none, -1 when memory ran out. */
static int pool_without(STACK_OF(X509) *pool, X509 *bad, STACK_OF(X509) **next)
{
	*next = NULL;
	int n = sk_X509_num(pool), held = 0, other = 0;
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(pool, i);
		if (X509_cmp(c, bad) == 0)
			held = 1;
		else if (X509_NAME_cmp(X509_get_subject_name(c), X509_get_subject_name(bad)) == 0)
			other = 1;
	}
	if (!held || !other)
		return 0;
	if ((*next = sk_X509_new_reserve(NULL, n)) == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(pool, i);
		if (X509_cmp(c, bad) != 0)
			(void)sk_X509_push(*next, c);	/* reserved: cannot fail */
	}
	return 1;
}

int csra_verify_path(const csra_verifier *v, X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted,
    time_t at, X509_STORE_CTX_verify_cb cb, void *cb_arg, struct csra_path *p)
{
	memset(p, 0, sizeof(*p));
	STACK_OF(X509) *pool = untrusted, *own = NULL;
	X509_STORE_CTX *first = NULL;
	int rc = -1;
	for (int attempt = 0; attempt < CSRA_PATH_ATTEMPTS; attempt++) {
		X509_STORE_CTX *ctx = csra_store_ctx(v, store, leaf, pool, at);
		rc = -1;
		if (ctx != NULL && (cb_arg == NULL || X509_STORE_CTX_set_app_data(ctx, cb_arg))) {
			if (cb != NULL)
				X509_STORE_CTX_set_verify_cb(ctx, cb);
			rc = csra_verify_cert(ctx);
		}
		if (rc != 0) {
			if (rc == 1) {
				p->ctx = ctx, p->own = own;
				ctx = NULL, own = NULL;
			}
			X509_STORE_CTX_free(ctx);
			break;
		}
		/* OpenSSL builds one path and does not go back: when an
		 * intermediate on it failed and the pool offers another of
		 * its subject, the path through that one is tried too. Only
		 * a path OpenSSL validated whole is ever taken. */
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		STACK_OF(X509) *next = NULL;
		int more = bad != NULL && bad != leaf ? pool_without(pool, bad, &next) : 0;
		if (first == NULL)
			first = ctx;	/* OpenSSL's own path: its error is reported */
		else
			X509_STORE_CTX_free(ctx);
		if (more <= 0) {
			rc = more < 0 ? -1 : 0;
			break;
		}
		sk_X509_free(own);
		own = pool = next;
	}
	if (rc == 0) {
		p->ctx = first;
		first = NULL;
	}
	X509_STORE_CTX_free(first);
	sk_X509_free(own);
	csra_clear_openssl_errors();
	return rc;
}

void csra_path_clear(struct csra_path *p)
{
	X509_STORE_CTX_free(p->ctx);
	sk_X509_free(p->own);
	memset(p, 0, sizeof(*p));
}

enum params_rule { P_ABSENT, P_NULL_OR_ABSENT, P_PSS };

struct sigalg {
	csra_oid_id oid;
	const char *md;		/* NULL: the algorithm hashes itself */
	const char *key;	/* OpenSSL key type name */
	int key_id;		/* its EVP_PKEY_* id, or NID_undef: EVP_PKEY_is_a then */
	enum params_rule params;
};

/* Adding an algorithm is a row here; ML-DSA rows work whenever the linked
 * OpenSSL (3.5 and later) knows the key type, and otherwise fail as
 * CSRA_ERR_SIG_ALG_UNAVAILABLE. */
static const struct sigalg sigalgs[] = {
	{ CSRA_OID_ECDSA_WITH_SHA256, "SHA256", "EC", EVP_PKEY_EC, P_ABSENT },
	{ CSRA_OID_ECDSA_WITH_SHA384, "SHA384", "EC", EVP_PKEY_EC, P_ABSENT },
	{ CSRA_OID_ECDSA_WITH_SHA512, "SHA512", "EC", EVP_PKEY_EC, P_ABSENT },
	{ CSRA_OID_SHA256WITHRSAENCRYPTION, "SHA256", "RSA", EVP_PKEY_RSA, P_NULL_OR_ABSENT },
	{ CSRA_OID_SHA384WITHRSAENCRYPTION, "SHA384", "RSA", EVP_PKEY_RSA, P_NULL_OR_ABSENT },
	{ CSRA_OID_SHA512WITHRSAENCRYPTION, "SHA512", "RSA", EVP_PKEY_RSA, P_NULL_OR_ABSENT },
	{ CSRA_OID_ID_RSASSA_PSS, NULL, "RSA", EVP_PKEY_RSA, P_PSS },
	{ CSRA_OID_ID_ED25519, NULL, "ED25519", EVP_PKEY_ED25519, P_ABSENT },
	{ CSRA_OID_ID_ED448, NULL, "ED448", EVP_PKEY_ED448, P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_44, NULL, "ML-DSA-44", NID_undef, P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_65, NULL, "ML-DSA-65", NID_undef, P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_87, NULL, "ML-DSA-87", NID_undef, P_ABSENT },
};

static const struct sigalg *find_sigalg(const uint8_t *oid, size_t len)
{
	for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		if (csra_oid_is(oid, len, sigalgs[i].oid))
			return &sigalgs[i];
	return NULL;
}

/* RSASSA-PSS parameters (RFC 4055): SHA-2 hash, MGF1 with the same hash,
 * salt as long as the hash, trailer 1. Sets |*md| and |*salt|. */
static csra_err pss_params(const uint8_t *params, size_t params_len, const char **md, int *salt)
{
	if (params == NULL)
		return CSRA_ERR_SIG_ALG_PARAMS;
	const unsigned char *p = params;
	RSA_PSS_PARAMS *pss = d2i_RSA_PSS_PARAMS(NULL, &p, (long)params_len);
	X509_ALGOR *mgf_md = NULL;
	csra_err e = CSRA_ERR_SIG_ALG_PARAMS;
	/* Absent fields default to SHA-1, which is not accepted. */
	if (pss == NULL || p != params + params_len || pss->hashAlgorithm == NULL ||
	    pss->maskGenAlgorithm == NULL)
		goto out;
	int hnid = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	if (hnid != NID_sha256 && hnid != NID_sha384 && hnid != NID_sha512)
		goto out;
	/* OpenSSL 3.0's d2i leaves maskHash unset: unpack MGF1's parameter. */
	if (OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 ||
	    pss->maskGenAlgorithm->parameter == NULL ||
	    (mgf_md = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
	    pss->maskGenAlgorithm->parameter)) == NULL ||
	    OBJ_obj2nid(mgf_md->algorithm) != hnid)
		goto out;
	/* By name and size: the digest itself is fetched from the verifier's
	 * library context when the signature is verified. */
	*md = hnid == NID_sha256 ? "SHA256" : hnid == NID_sha384 ? "SHA384" : "SHA512";
	long size = hnid == NID_sha256 ? 32 : hnid == NID_sha384 ? 48 : 64;
	long s = 20;
	if (pss->saltLength != NULL && (s = ASN1_INTEGER_get(pss->saltLength)) < 0)
		goto out;
	if (s != size)
		goto out;
	if (pss->trailerField != NULL && ASN1_INTEGER_get(pss->trailerField) != 1)
		goto out;
	*salt = (int)s;
	e = CSRA_OK;
out:
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pss);
	csra_clear_openssl_errors();
	return e;
}

static int is_null(const uint8_t *p, size_t len)
{
	return p != NULL && len == 2 && p[0] == 0x05 && p[1] == 0x00;
}

csra_err csra_sig_verify(const csra_verifier *v, const uint8_t *oid, size_t oid_len, const uint8_t *params, size_t params_len,
    const uint8_t *sig, size_t sig_len, EVP_PKEY *key, const uint8_t *key_spki, size_t key_spki_len,
    const uint8_t *tbs, size_t tbs_len, char *why, size_t whylen)
{
	const struct sigalg *alg = find_sigalg(oid, oid_len);
	const char *md = NULL;
	OSSL_LIB_CTX *libctx = csra_libctx(v);
	const char *propq = csra_propq(v);
	int salt = 0;
	why[0] = '\0';
	if (alg == NULL)
		return CSRA_ERR_SIG_ALG_UNKNOWN;
	switch (alg->params) {
	case P_ABSENT:
		if (params != NULL)
			return CSRA_ERR_SIG_ALG_PARAMS;
		break;
	case P_NULL_OR_ABSENT:
		if (params != NULL && !is_null(params, params_len))
			return CSRA_ERR_SIG_ALG_PARAMS;
		break;
	case P_PSS: {
		csra_err e = pss_params(params, params_len, &md, &salt);
		if (e != CSRA_OK)
			return e;
		break;
	}
	}
	if (strncmp(alg->key, "ML-DSA", 6) == 0) {
		EVP_PKEY_CTX *probe = EVP_PKEY_CTX_new_from_name(libctx, alg->key, propq);
		csra_clear_openssl_errors();
		if (probe == NULL)
			return CSRA_ERR_SIG_ALG_UNAVAILABLE;
		EVP_PKEY_CTX_free(probe);
	}
	/* By id where OpenSSL has one: EVP_PKEY_is_a looks the name up in a
	 * locked table, copying it first, on every call. */
	int id = EVP_PKEY_get_base_id(key);
	int key_ok = alg->key_id != NID_undef ? id == alg->key_id : EVP_PKEY_is_a(key, alg->key);
	key_ok = key_ok || (alg->params == P_PSS && id == EVP_PKEY_RSA_PSS);
	if (!key_ok)
		return CSRA_ERR_SIG_ALG_KEY_MISMATCH;
	if (alg->key_id == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) < 2048) {
		snprintf(why, whylen, "%d bits", EVP_PKEY_get_bits(key));
		return CSRA_ERR_SIG_RSA_TOO_SMALL;
	}
	if (alg->key_id == EVP_PKEY_EC && csra_spki_named_curve(key_spki, key_spki_len) == NULL) {
		char group[64];
		size_t glen;
		if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), &glen) ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "secp384r1") != 0 &&
		    strcmp(group, "secp521r1") != 0)) {
			snprintf(why, whylen, "curve not P-256, P-384 or P-521");
			return CSRA_ERR_SIG_KEY_UNSUPPORTED;
		}
	}
	if (md == NULL)
		md = alg->md;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	csra_err e = CSRA_ERR_SIG_INVALID;
	/* In the verifier's library context: a provider it does not have
	 * (a FIPS-only context and Ed448, say) fails the signature. */
	if (ctx != NULL && EVP_DigestVerifyInit_ex(ctx, &pctx, md, libctx, propq, key, NULL) == 1 &&
	    (alg->params != P_PSS ||
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, propq) == 1)) &&
	    EVP_DigestVerify(ctx, sig, sig_len, tbs, tbs_len) == 1)
		e = CSRA_OK;
	EVP_MD_CTX_free(ctx);
	csra_clear_openssl_errors();
	return e;
}

csra_err csra_x509_push_ref(STACK_OF(X509) *sk, X509 *cert)
{
	if (csra_x509_settle(cert) < 0)
		return CSRA_ERR_NOMEM;
	if (!X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_push(sk, cert)) {
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

/* Vendor formats' chains, through the chain cache --------------------------- */

/* ASN1_TIME to time_t. */
static int asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	*out = timegm(&tm);
	return 1;
}

/* Narrows [lo, hi] to the times at which |c| is as valid as it is at |at|
 * (OpenSSL: valid while notBefore <= t < notAfter). */
static int narrow(X509 *c, time_t at, time_t *lo, time_t *hi)
{
	time_t nb, na;
	if (!asn1_time(X509_get0_notBefore(c), &nb) || !asn1_time(X509_get0_notAfter(c), &na))
		return 0;
	if (at < nb)
		*hi = nb - 1 < *hi ? nb - 1 : *hi;
	else
		*lo = nb > *lo ? nb : *lo;
	if (at < na)
		*hi = na - 1 < *hi ? na - 1 : *hi;
	else
		*lo = na > *lo ? na : *lo;
	return 1;
}

/* Narrows [lo, hi] to the times at which |crl| is as current as at |at|
 * (OpenSSL: current while lastUpdate <= t < nextUpdate, if it has one). */
static int narrow_crl(X509_CRL *crl, time_t at, time_t *lo, time_t *hi)
{
	time_t last, next;
	const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(crl);
	if (!asn1_time(X509_CRL_get0_lastUpdate(crl), &last) || (nu != NULL && !asn1_time(nu, &next)))
		return 0;
	if (at < last)
		*hi = last - 1 < *hi ? last - 1 : *hi;
	else
		*lo = last > *lo ? last : *lo;
	if (nu != NULL && at < next)
		*hi = next - 1 < *hi ? next - 1 : *hi;
	else if (nu != NULL)
		*lo = next > *lo ? next : *lo;
	return 1;
}

/* With CRL checks on: narrows [lo, hi] by every CRL naming |issuer| that
 * path validation could have used, the verifier's and the store's. */
static int narrow_crls(const csra_verifier *v, X509_STORE_CTX *ctx, const X509_NAME *issuer, time_t at,
    time_t *lo, time_t *hi)
{
	int ok = 1;
	for (int k = 0; ok && k < sk_X509_CRL_num(v->crls); k++) {
		X509_CRL *crl = sk_X509_CRL_value(v->crls, k);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), issuer) == 0)
			ok = narrow_crl(crl, at, lo, hi);
	}
	csra_clear_openssl_errors();
	STACK_OF(X509_CRL) *crls = X509_STORE_CTX_get1_crls(ctx, issuer);
	if (crls == NULL && ERR_peek_error() != 0)
		ok = 0;
	for (int k = 0; ok && k < sk_X509_CRL_num(crls); k++)
		ok = narrow_crl(sk_X509_CRL_value(crls, k), at, lo, hi);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return ok;
}

/* The times at which validating again would build |chain| from its
 * |first|th certificate up again: when no certificate in it from |first|
 * on, nor any candidate issuer of any of its certificates (an offered or
 * trusted certificate named as its issuer), changes validity, since
 * OpenSSL prefers issuers valid at the verification time; and, with CRL
 * checks on, no CRL of an issuer begins or ends. Returns 0 if a time is
 * unreadable. */
static int window_from(const csra_verifier *v, X509_STORE_CTX *ctx, STACK_OF(X509) *chain,
    STACK_OF(X509) *pool, time_t at, int first, time_t *lo, time_t *hi)
{
	*lo = 0;
	*hi = (time_t)(sizeof(time_t) == 8 ? INT64_MAX : INT32_MAX);
	int ok = 1;
	int crl_check = (X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) &
	    X509_V_FLAG_CRL_CHECK) != 0;
	for (int i = 0; ok && i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		const X509_NAME *issuer = X509_get_issuer_name(c);
		if (i >= first)
			ok = narrow(c, at, lo, hi);
		for (int k = 0; ok && k < sk_X509_num(pool); k++) {
			X509 *p = sk_X509_value(pool, k);
			if (X509_NAME_cmp(X509_get_subject_name(p), issuer) == 0)
				ok = narrow(p, at, lo, hi);
		}
		/* NULL is "none" or a failure; only the error queue tells. */
		csra_clear_openssl_errors();
		STACK_OF(X509) *anchors = X509_STORE_CTX_get1_certs(ctx, issuer);
		if (anchors == NULL && ERR_peek_error() != 0)
			ok = 0;
		for (int k = 0; ok && k < sk_X509_num(anchors); k++)
			ok = narrow(sk_X509_value(anchors, k), at, lo, hi);
		sk_X509_pop_free(anchors, X509_free);
		if (ok && crl_check)
			ok = narrow_crls(v, ctx, issuer, at, lo, hi);
	}
	csra_clear_openssl_errors();
	return ok;
}

int csra_x509_chain_window(const csra_verifier *v, X509_STORE_CTX *ctx, STACK_OF(X509) *chain,
    STACK_OF(X509) *pool, time_t at, time_t *lo, time_t *hi)
{
	return window_from(v, ctx, chain, pool, at, 0, lo, hi);
}

/* Validated issuers as partial-chain anchors ------------------------------ */

/* Verification flags under which something above a leaf's issuer can
 * change the leaf's outcome, or under which the path's top matters:
 * revocation (CRLs of every certificate), policy processing (policies
 * flow down the whole path), Suite B (the algorithms of the whole path),
 * a caller's partial chains (the leaf itself, or its issuer, may be an
 * anchor). With any of them, every leaf is validated in full. */
#define CSRA_VFY_WHOLE_PATH (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_USE_DELTAS | \
	X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_POLICY_CHECK | X509_V_FLAG_EXPLICIT_POLICY | \
	X509_V_FLAG_INHIBIT_ANY | X509_V_FLAG_INHIBIT_MAP | X509_V_FLAG_NOTIFY_POLICY | \
	X509_V_FLAG_SUITEB_128_LOS_ONLY | X509_V_FLAG_SUITEB_192_LOS | X509_V_FLAG_SUITEB_128_LOS | \
	X509_V_FLAG_PARTIAL_CHAIN)

/* Whether a leaf's own properties let its issuer stand for the path: not
 * self-issued (OpenSSL treats those apart), not a proxy certificate, its
 * extensions valid. */
static int leaf_plain(X509 *leaf)
{
	uint32_t f = X509_get_extension_flags(leaf);
	return (f & (EXFLAG_SI | EXFLAG_PROXY | EXFLAG_INVALID)) == 0;
}

int csra_issuer_key_of(const csra_verifier *v, const uint8_t pool_key[32], const uint8_t *name,
    size_t name_len, const uint8_t *akid, size_t akid_len, const uint8_t *alg, size_t alg_len, uint8_t key[32])
{
	/* What OpenSSL's issuer search reads of the leaf (x509_likely_issued:
	 * the issuer name, the authorityKeyIdentifier, the signature
	 * algorithm the issuer's key must match); the rest is the pool key:
	 * anchors, offered intermediates, settings, trust generation. */
	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	uint64_t lens[2] = { (uint64_t)name_len, akid != NULL ? (uint64_t)akid_len : UINT64_MAX };
	int ok = kc != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(kc, "validated-issuer", 17) == 1 &&
	    EVP_DigestUpdate(kc, pool_key, 32) == 1 && EVP_DigestUpdate(kc, lens, sizeof(lens)) == 1 &&
	    EVP_DigestUpdate(kc, name, name_len) == 1 &&
	    (akid == NULL || EVP_DigestUpdate(kc, akid, akid_len) == 1) &&
	    EVP_DigestUpdate(kc, alg, alg_len) == 1 && EVP_DigestFinal_ex(kc, key, NULL) == 1;
	EVP_MD_CTX_free(kc);
	csra_clear_openssl_errors();
	return ok;
}

int csra_issuer_key(const csra_verifier *v, const uint8_t pool_key[32], X509 *leaf, uint8_t key[32])
{
	if (!leaf_plain(leaf))
		return 0;
	const unsigned char *name = NULL;
	size_t name_len = 0;
	const ASN1_OCTET_STRING *akid = NULL;
	int idx = X509_get_ext_by_NID(leaf, NID_authority_key_identifier, -1);
	if (idx >= 0)
		akid = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
	unsigned char *alg = NULL;
	int alg_len = i2d_X509_ALGOR(X509_get0_tbs_sigalg(leaf), &alg);
	int ok = alg_len > 0 && X509_NAME_get0_der(X509_get_issuer_name(leaf), &name, &name_len) == 1 &&
	    csra_issuer_key_of(v, pool_key, name, name_len, akid ? ASN1_STRING_get0_data(akid) : NULL,
	    akid ? (size_t)ASN1_STRING_length(akid) : 0, alg, (size_t)alg_len, key);
	OPENSSL_free(alg);
	csra_clear_openssl_errors();
	return ok;
}

/* Whether |x| carries an extension that makes what lies above a leaf
 * depend on the leaf: name constraints (checked against every name
 * below), policy constraints, policy mappings, inhibitAnyPolicy. */
static int constrains_below(X509 *x)
{
	static const int nids[] = { NID_name_constraints, NID_policy_constraints, NID_policy_mappings,
		NID_inhibit_any_policy };
	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		if (X509_get_ext_by_NID(x, nids[i], -1) >= 0)
			return 1;
	return 0;
}

/* Whether a store only answers lookups: a caller's store with callbacks
 * of its own could judge a path by more than OpenSSL does. */
static int store_plain(X509_STORE *s)
{
	return X509_STORE_get_verify_cb(s) == NULL && X509_STORE_get_verify(s) == NULL &&
	    X509_STORE_get_get_issuer(s) == NULL && X509_STORE_get_check_issued(s) == NULL &&
	    X509_STORE_get_check_revocation(s) == NULL && X509_STORE_get_check_policy(s) == NULL &&
	    X509_STORE_get_lookup_certs(s) == NULL && X509_STORE_get_get_crl(s) == NULL &&
	    X509_STORE_get_check_crl(s) == NULL && X509_STORE_get_cert_crl(s) == NULL;
}

void csra_issuer_remember(const csra_verifier *v, X509_STORE *store, X509_STORE_CTX *ctx,
    STACK_OF(X509) *chain, STACK_OF(X509) *pool, time_t at, const uint8_t key[32])
{
	int n = sk_X509_num(chain);
	/* A leaf, its issuer and something above: with the issuer the anchor
	 * itself the full path is as short already. */
	if (n < 3 || sk_X509_CRL_num(v->crls) > 0 || !store_plain(store) ||
	    (X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) & CSRA_VFY_WHOLE_PATH) != 0 ||
	    !leaf_plain(sk_X509_value(chain, 0)))
		return;
	for (int i = 1; i < n; i++) {
		X509 *c = sk_X509_value(chain, i);
		/* Path lengths need no test: OpenSSL (and RFC 5280 6.1.4 (l))
		 * never counts the leaf, so a validated path's limits hold
		 * for every leaf below it. Trust settings on a certificate
		 * under the anchor would make it the path's top. */
		if (constrains_below(c) || csra_x509_settle(c) != 1 ||
		    (i < n - 1 && (X509_get0_trust_objects(c) != NULL || X509_get0_reject_objects(c) != NULL)))
			return;
	}
	time_t lo, hi;
	if (!window_from(v, ctx, chain, pool, at, 1, &lo, &hi))
		return;
	X509_STORE *anchor = X509_STORE_new();
	STACK_OF(X509) *upper = sk_X509_new_reserve(NULL, n - 1);
	int ok = anchor != NULL && upper != NULL &&
	    X509_STORE_set1_param(anchor, X509_STORE_get0_param(store)) == 1 &&
	    X509_STORE_add_cert(anchor, sk_X509_value(chain, 1)) == 1;
	for (int i = 1; ok && i < n; i++)
		ok = sk_X509_push(upper, sk_X509_value(chain, i)) > 0;
	if (ok) {
		/* Sorted now, while one thread holds it: lookups sort on first use. */
		STACK_OF(X509) *warm = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(sk_X509_value(chain, 1)));
		sk_X509_pop_free(warm, X509_free);
		csra_cache_put_issuer(v->cache, key, store, anchor, upper, lo, hi);
	}
	sk_X509_free(upper);	/* the cache took references of its own */
	X509_STORE_free(anchor);
	csra_clear_openssl_errors();
}

int csra_issuer_path(const csra_verifier *v, X509 *leaf, const uint8_t key[32], time_t at,
    STACK_OF(X509) **chain, time_t *lo, time_t *hi)
{
	*chain = NULL;
	X509_STORE *anchor = NULL;
	STACK_OF(X509) *upper = NULL;
	if (!csra_cache_get_issuer(v->cache, key, at, &anchor, &upper, lo, hi))
		return 0;
	/* The verifier's parameters and library context, as the full path;
	 * the issuer's store carries the trust store's own parameters. */
	X509_STORE_CTX *ctx = csra_store_ctx(v, anchor, leaf, NULL, at);
	int rc = -1;
	if (ctx != NULL) {
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
		/* Only a pass is taken: any failure is the full path's to
		 * report, in its words. */
		rc = csra_verify_cert(ctx);
		if (rc == 1) {
			rc = 0;
			STACK_OF(X509) *got = X509_STORE_CTX_get0_chain(ctx);
			if (sk_X509_num(got) == 2 && sk_X509_value(got, 1) == sk_X509_value(upper, 0) &&
			    sk_X509_insert(upper, leaf, 0) > 0) {
				if (X509_up_ref(leaf)) {
					*chain = upper;
					upper = NULL;
					rc = 1;
				} else {
					(void)sk_X509_shift(upper);
				}
			}
		}
		X509_STORE_CTX_free(ctx);
	}
	sk_X509_pop_free(upper, X509_free);
	X509_STORE_free(anchor);
	csra_clear_openssl_errors();
	/* The leaf's own path: the issuer's window and the leaf's validity. */
	if (rc == 1 && !narrow(leaf, at, lo, hi)) {
		*lo = 1;
		*hi = 0;	/* an empty window: not cached */
	}
	return rc;
}

int csra_chain_check(const csra_verifier *v, X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted,
    time_t at, X509_STORE_CTX_verify_cb cb, void *cb_arg, const char *cb_id, const uint8_t *key_bytes,
    size_t key_len, const uint8_t *pool_key, STACK_OF(X509) **chain, int *err, int *depth, X509 **failed)
{
	*chain = NULL;
	*err = X509_V_OK;
	*depth = 0;
	if (failed != NULL)
		*failed = NULL;
	if (store == NULL) {
		*err = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
		return 0;
	}
	/* The key: the anchors (this store, at this trust generation), the
	 * deviations accepted (cb_id) and the bytes that give the leaf and
	 * its intermediates. */
	uint8_t key[32];
	int keyed = 0;
	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	if (kc != NULL && key_bytes != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1) {
		const void *sp = store;
		unsigned long gen = v->trust_gen;
		const char *id = cb_id != NULL ? cb_id : "";
		keyed = EVP_DigestUpdate(kc, "format-chain", 12) == 1 &&
		    EVP_DigestUpdate(kc, &sp, sizeof(sp)) == 1 && EVP_DigestUpdate(kc, &gen, sizeof(gen)) == 1 &&
		    EVP_DigestUpdate(kc, id, strlen(id) + 1) == 1 &&
		    EVP_DigestUpdate(kc, key_bytes, key_len) == 1 && EVP_DigestFinal_ex(kc, key, NULL) == 1;
	}
	EVP_MD_CTX_free(kc);
	if (keyed && (*chain = csra_cache_get_chain(v->cache, key, at)) != NULL)
		return 1;
	/* A new leaf under an issuer validated before, as PKIX Evidence's
	 * (csra_issuer_path). Never with a callback: it judges each error by
	 * the depth and the chain it sees, with the verification's own state
	 * (yubico-piv's F9 deviations at depths 1 and 2 of a three-certificate
	 * path, thales-luna's leaf signature checked apart), and a partial
	 * chain would show it other depths and a shorter chain. */
	uint8_t ikey[32];
	int ikeyed = cb == NULL && pool_key != NULL && csra_issuer_key(v, pool_key, leaf, ikey);
	if (ikeyed) {
		time_t lo, hi;
		int ir = csra_issuer_path(v, leaf, ikey, at, chain, &lo, &hi);
		if (ir < 0)
			return -1;
		if (ir == 1) {
			if (keyed)
				csra_cache_put_chain(v->cache, key, store, *chain, lo, hi);
			return 1;
		}
	}
	/* The verifier's CRLs, parameters and library context apply. */
	struct csra_path path;
	int rc = csra_verify_path(v, store, leaf, untrusted, at, cb, cb_arg, &path);
	X509_STORE_CTX *ctx = path.ctx;
	if (rc == 1) {
		*chain = X509_STORE_CTX_get1_chain(ctx);
		time_t lo, hi;
		if (*chain == NULL)
			rc = -1;
		else if (keyed && csra_x509_chain_window(v, ctx, *chain, untrusted, at, &lo, &hi))
			csra_cache_put_chain(v->cache, key, store, *chain, lo, hi);
		if (*chain != NULL && ikeyed)
			csra_issuer_remember(v, store, ctx, *chain, untrusted, at, ikey);
	} else if (rc == 0) {
		*err = X509_STORE_CTX_get_error(ctx);
		*depth = X509_STORE_CTX_get_error_depth(ctx);
		X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
		if (failed != NULL && cur != NULL && X509_up_ref(cur))
			*failed = cur;
	}
	csra_path_clear(&path);
	csra_clear_openssl_errors();
	return rc;
}

/* Each input length-prefixed, so that no two sets of inputs hash alike. */
static int digest_part(EVP_MD_CTX *c, const void *p, size_t n)
{
	return EVP_DigestUpdate(c, &n, sizeof(n)) == 1 && (n == 0 || EVP_DigestUpdate(c, p, n) == 1);
}

/* A vendor format's pool key for validated issuers: everything path
 * building for a leaf looks at but the leaf. The format (its anchors and
 * published intermediates are its own), the store's identity, contents
 * count, flags and depth, the trust generation, and every certificate
 * offered, in order: the bag's by their DER, the caller's by digest, the
 * bundle's published ones by identity (parsed once per process). The leaf
 * itself is left out, so that the next key of a device hashes alike:
 * OpenSSL never takes a certificate already in the chain as an issuer,
 * so the leaf in the pool changes no path. A copy of it that is another
 * object is hashed like any other certificate. */
static int format_pool_key(const csra_verifier *v, const char *kind, X509_STORE *store,
    const csra_certbag *bag, X509 *leaf, STACK_OF(X509) *extra, STACK_OF(X509) *published, uint8_t key[32])
{
	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	const void *sp = store;
	const X509_VERIFY_PARAM *param = X509_STORE_get0_param(store);
	uint64_t settings[4] = { (uint64_t)sk_X509_OBJECT_num(X509_STORE_get0_objects(store)),
		(uint64_t)X509_VERIFY_PARAM_get_flags(param), (uint64_t)(int64_t)X509_VERIFY_PARAM_get_depth(param),
		(uint64_t)v->trust_gen };
	int ok = kc != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1 &&
	    digest_part(kc, "format-pool", 11) && digest_part(kc, kind, strlen(kind)) &&
	    digest_part(kc, &sp, sizeof(sp)) && digest_part(kc, settings, sizeof(settings));
	for (size_t i = 0; ok && i < bag->n; i++)
		if (sk_X509_value(bag->certs, (int)i) != leaf)
			ok = digest_part(kc, bag->entries[i].der, bag->entries[i].len);
	ok = ok && digest_part(kc, "caller", 6);
	for (int i = 0; ok && i < sk_X509_num(extra); i++) {
		uint8_t dg[32];
		ok = X509_digest(sk_X509_value(extra, i), v->sha256, dg, NULL) == 1 && digest_part(kc, dg, 32);
	}
	ok = ok && digest_part(kc, "published", 9);
	for (int i = 0; ok && i < sk_X509_num(published); i++) {
		const void *pp = sk_X509_value(published, i);
		ok = digest_part(kc, &pp, sizeof(pp));
	}
	ok = ok && EVP_DigestFinal_ex(kc, key, NULL) == 1;
	EVP_MD_CTX_free(kc);
	csra_clear_openssl_errors();
	return ok;
}

int csra_format_chain(const csra_verifier *v, const char *kind, const csra_stmt_in *in,
    const csra_certbag *bag, X509 *leaf, long leaf_at, X509_STORE_CTX_verify_cb cb, void *cb_arg,
    const char *cb_id, csra_result *r, STACK_OF(X509) **chain)
{
	*chain = NULL;
	char path[32] = "";
	for (size_t i = 0; leaf_at < 0 && i < bag->n; i++)
		if (X509_cmp(sk_X509_value(bag->certs, (int)i), leaf) == 0)
			leaf_at = (long)i;
	if (leaf_at >= 0)
		snprintf(path, sizeof(path), "certs[%ld]", leaf_at);
	X509_STORE *store = csra_verifier_format_store(v, kind);
	if (store == NULL) {
		csra_result_add(r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_UNTRUSTED, path,
		    "no trust anchors for %s (neither the bundle's nor the caller's)", kind);
		return 0;
	}
	/* The bag's certificates, the caller's, and the vendor's published
	 * intermediates its devices do not carry: path helpers, never anchors. */
	STACK_OF(X509) *pool = sk_X509_dup(bag->certs);
	int extra = in->certs != NULL && sk_X509_num(in->certs) > 0;
	STACK_OF(X509) *published = csra_verifier_format_uses_bundle(v, kind)
	    ? csra_trust_bundle_intermediates(kind) : NULL;
	for (int i = 0; pool != NULL && extra && i < sk_X509_num(in->certs); i++)
		if (!sk_X509_push(pool, sk_X509_value(in->certs, i)))
			sk_X509_free(pool), pool = NULL;
	for (int i = 0; pool != NULL && i < sk_X509_num(published); i++)
		if (!sk_X509_push(pool, sk_X509_value(published, i)))
			sk_X509_free(pool), pool = NULL;
	if (pool == NULL)
		return -1;
	int err, depth;
	X509 *bad = NULL;
	uint8_t pool_key[32];
	int pooled = cb == NULL && format_pool_key(v, kind, store, bag, leaf, in->certs, published, pool_key);
	/* Cached under the attestation's bytes, which give the leaf and the
	 * bag, unless the caller's certificates join the pool. */
	int rc = csra_chain_check(v, store, leaf, pool, in->at, cb, cb_arg, cb_id != NULL ? cb_id : kind,
	    extra ? NULL : in->stmt, in->stmt_len, pooled ? pool_key : NULL, chain, &err, &depth, &bad);
	sk_X509_free(pool);
	if (rc == 1) {
		csra_result_add(r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, path,
		    "path of %d certificate(s) to a %s trust anchor", sk_X509_num(*chain), kind);
	} else if (rc == 0) {
		for (size_t i = 0; bad != NULL && bad != leaf && i < bag->n; i++)
			if (X509_cmp(sk_X509_value(bag->certs, (int)i), bad) == 0)
				snprintf(path, sizeof(path), "certs[%zu]", i);
		/* A signature that does not verify is a tampered or forged
		 * certificate, whatever its place in the path. */
		csra_result_add(r, "ak.chain", CSRA_STATUS_FAIL, err == X509_V_ERR_CERT_SIGNATURE_FAILURE
		    ? CSRA_ERR_SIG_INVALID : err == X509_V_OK ? CSRA_ERR_AK_CHAIN : csra_x509_verify_err(err),
		    path, "OpenSSL: %s (at depth %d)", X509_verify_cert_error_string(err), depth);
	}
	X509_free(bad);
	csra_clear_openssl_errors();
	return rc;
}

int csra_x509_verify_cached(const csra_verifier *v, X509 *cert, const uint8_t *cert_der, size_t cert_len,
    const uint8_t *issuer_der, size_t issuer_len, EVP_PKEY *key, const char *tag)
{
	uint8_t dg[32], seen = 0;
	size_t got = 0;
	int keyed = 0;
	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	if (kc != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1)
		keyed = EVP_DigestUpdate(kc, "x509-signature", 15) == 1 &&
		    EVP_DigestUpdate(kc, tag, strlen(tag) + 1) == 1 &&
		    EVP_DigestUpdate(kc, &cert_len, sizeof(cert_len)) == 1 &&
		    EVP_DigestUpdate(kc, cert_der, cert_len) == 1 &&
		    EVP_DigestUpdate(kc, issuer_der, issuer_len) == 1 && EVP_DigestFinal_ex(kc, dg, NULL) == 1;
	EVP_MD_CTX_free(kc);
	if (keyed && csra_cache_get_blob(v->cache, dg, &seen, 1, &got) && got == 1 && seen == 1)
		return 1;
	int ok = key != NULL && X509_verify(cert, key) == 1;
	csra_clear_openssl_errors();
	/* Only a signature that verified is remembered: a failure costs the
	 * check again, and can never become a pass. */
	if (ok && keyed) {
		seen = 1;
		csra_cache_put_blob(v->cache, dg, &seen, 1);
	}
	return ok;
}

int csra_sig_policy_record(const csra_verifier *v, csra_result *r, size_t first, int trusted, int n,
    const char *what, int *met)
{
	int all = v->sig_policy == CSRA_SIG_ALL;
	*met = all ? trusted == n : trusted > 0;
	if (*met && !all)
		for (size_t i = first; i < r->nchecks; i++)
			if (r->checks[i].status == CSRA_STATUS_FAIL)
				r->checks[i].status = CSRA_STATUS_WARN;
	return csra_result_add(r, "signature.policy", *met ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    *met ? CSRA_OK : CSRA_ERR_SIG_POLICY, "signatures", "policy %s: %d of %d block(s) %s",
	    all ? "all" : "any-trusted", trusted, n, what);
}

csra_err csra_sig_verify_cached(const csra_verifier *v, const char *tag, const uint8_t *oid, size_t oid_len,
    const uint8_t *params, size_t params_len, const uint8_t *sig, size_t sig_len, EVP_PKEY *key,
    const uint8_t *key_spki, size_t key_spki_len, const uint8_t *tbs, size_t tbs_len, char *why, size_t whylen)
{
	uint8_t dg[32], seen = 0;
	size_t got = 0;
	int keyed = 0;
	EVP_MD_CTX *kc = key_spki != NULL && v != NULL ? EVP_MD_CTX_new() : NULL;
	if (kc != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1)
		keyed = digest_part(kc, "sig-verify", 10) && digest_part(kc, tag, strlen(tag)) &&
		    digest_part(kc, oid, oid_len) && digest_part(kc, params, params ? params_len : 0) &&
		    digest_part(kc, sig, sig_len) && digest_part(kc, key_spki, key_spki_len) &&
		    digest_part(kc, tbs, tbs_len) && EVP_DigestFinal_ex(kc, dg, NULL) == 1;
	EVP_MD_CTX_free(kc);
	csra_clear_openssl_errors();
	if (keyed && csra_cache_get_blob(v->cache, dg, &seen, 1, &got) && got == 1 && seen == 1) {
		if (whylen > 0)
			why[0] = '\0';
		return CSRA_OK;
	}
	csra_err e = csra_sig_verify(v, oid, oid_len, params, params_len, sig, sig_len, key, key_spki, key_spki_len,
	    tbs, tbs_len, why, whylen);
	/* Only a pass is remembered: a failure is checked again, and can
	 * never become a pass. */
	if (e == CSRA_OK && keyed) {
		seen = 1;
		csra_cache_put_blob(v->cache, dg, &seen, 1);
	}
	return e;
}

/* 1 if |cert|'s key is of an algorithm libcrypto has no object for (an
 * HSS/LMS key under OpenSSL 3.0): d2i_X509 leaves such a key out
 * whatever the memory, so the certificate without it is the one any
 * parse gives, not what an allocation failure left. OBJ_obj2nid looks
 * the OID up without allocating. Every algorithm OpenSSL's own
 * providers decode has an object, and providers that add algorithms
 * register theirs. */
static int key_type_unknown(X509 *cert)
{
	X509_PUBKEY *pk = X509_get_X509_PUBKEY(cert);
	ASN1_OBJECT *alg = NULL;
	csra_clear_openssl_errors();
	int unknown = pk != NULL && X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, pk) == 1 && alg != NULL &&
	    OBJ_obj2nid(alg) == NID_undef;
	/* NID_undef with an error (the table's lock not to be had) says
	 * nothing. */
	if (ERR_peek_error() != 0)
		unknown = 0;
	csra_clear_openssl_errors();
	return unknown;
}

X509 *csra_x509_parse_cached(const csra_verifier *v, const uint8_t *der, size_t len)
{
	uint8_t dg[32];
	int have_dg = v != NULL && EVP_Digest(der, len, dg, NULL, v->sha256, NULL) == 1;
	X509 *cert = have_dg ? csra_cache_get_cert(v->cache, dg, NULL, NULL, NULL) : NULL;
	if (cert != NULL)
		return cert;
	if ((cert = csra_d2i_x509(v, der, len)) == NULL) {
		csra_clear_openssl_errors();
		return NULL;
	}
	/* Shared only whole: its key decoded and its extensions settled. */
	if (have_dg && csra_x509_settle(cert) == 1 && (X509_get0_pubkey(cert) != NULL || key_type_unknown(cert)) &&
	    (X509_get_extension_flags(cert) & EXFLAG_NO_FINGERPRINT) == 0)
		csra_cache_put_cert(v->cache, dg, cert, -1);
	csra_clear_openssl_errors();
	return cert;
}
