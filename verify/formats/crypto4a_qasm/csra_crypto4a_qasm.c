/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crypto4A QASM "ATTESTATION MESSAGE" ("crypto4a-qasm"): a DER message of
 * claims about the HSM and about one of its keys, signed by one or more
 * signer blocks whose certificates chain to Crypto4A's root C4A_RCA
 * through C4A_SCA_MFG4 (carried in the message). The structure is
 * asn1/Crypto4A-QASM.asn1 (an ancestor of PKIX Evidence), decoded by the
 * strict decoder. Each signer block signs the DER of the claims SEQUENCE
 * as received. The QASM signs with ECDSA P-384 / SHA-384 and with HSS/LMS
 * (1.2.840.113549.1.9.16.3.17), which OpenSSL 3.0 cannot verify: like
 * PKIX Evidence, the verifier's signature policy decides whether a block
 * that cannot be verified refuses the message (all) or is reported beside
 * one that verified (any-trusted). The attested key is the key-spki
 * claim's; docs/formats.md says what each claim means and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "C4aAttestationMessage.h"
#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_input.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/codec.h"

#define KIND "crypto4a-qasm"
#define PEM_LABEL "ATTESTATION MESSAGE"

/* 1.3.6.1.4.1.39901.6: Crypto4A's claim arc; .1 platform, .2 key claims
 * (the sample's numbering: asn1/Crypto4A-QASM.asn1). */
static const uint8_t CLAIM_ARC[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xb7, 0x5d, 0x06 };
/* 1.3.6.1.4.1.39901.4.1.1: the ExtendedKeyUsage of the QASM's attestation
 * key certificates (QASM_AA_ECC, QASM_AA_HSS). */
static const uint8_t AK_EKU[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xb7, 0x5d, 0x04, 0x01, 0x01 };
/* 1.2.840.113549.1.9.16.3.17: id-alg-hss-lms-hashsig (RFC 8708). */
static const uint8_t OID_HSS_LMS[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x03, 0x11 };

/* The value a claim must have. */
enum vt { V_NONE, V_BYTES, V_TEXT, V_TIME, V_NUMBER, V_ANY };

/* What each claim the vendor documents becomes. |name| NULL: handled by
 * code below (the key, capabilities). */
struct known {
	uint8_t group, arc;	/* 39901.6.<group>.<arc> */
	int subject;		/* a key claim: names its object */
	enum vt vt;
	const char *vendor;	/* the vendor's name for it */
};

enum {
	P_UUID, P_SERIAL, P_TIME, P_FIRMWARE, P_PRODUCTION, P_FIPS, K_UNIQUE, K_SPKI, K_FINGERPRINT,
	K_CLASS, K_TYPE, K_KEYSTORE, K_CONFINED, K_HWGEN, K_NEVER_EXTRACTED, K_MANAGED, K_NOT_MANAGED,
	K_HAS_CAP, K_HASNOT_CAP, K_AUTHORITY, K_ARCHIVED, NKNOWN
};

static const struct known KNOWN[NKNOWN] = {
	[P_UUID] = { 1, 0, 0, V_BYTES, "qasm-uuid" },
	[P_SERIAL] = { 1, 1, 0, V_TEXT, "qasm-serial" },
	[P_TIME] = { 1, 2, 0, V_TIME, "attestation-time" },
	[P_FIRMWARE] = { 1, 3, 0, V_TEXT, "qasm-firmware-version" },
	[P_PRODUCTION] = { 1, 4, 0, V_NONE, "qasm-certified-production" },
	[P_FIPS] = { 1, 5, 0, V_NONE, "qasm-is-in-fips-mode" },
	[K_UNIQUE] = { 2, 0, 0, V_NONE, "attestation-keys-are-unique" },
	[K_SPKI] = { 2, 1, 1, V_BYTES, "key-spki" },
	[K_FINGERPRINT] = { 2, 2, 1, V_BYTES, "key-fingerprint" },
	[K_CLASS] = { 2, 4, 1, V_NUMBER, "object-class" },
	[K_TYPE] = { 2, 5, 1, V_NUMBER, "object-type" },
	[K_KEYSTORE] = { 2, 6, 1, V_NUMBER, "object-keystore" },
	[K_CONFINED] = { 2, 7, 1, V_NONE, "key-is-confined" },
	[K_HWGEN] = { 2, 8, 1, V_NONE, "key-is-hardware-generated" },
	[K_NEVER_EXTRACTED] = { 2, 9, 1, V_NONE, "key-never-extracted" },
	[K_MANAGED] = { 2, 10, 1, V_NONE, "key-is-managed" },
	[K_NOT_MANAGED] = { 2, 11, 1, V_NONE, "key-is-not-managed" },
	[K_HAS_CAP] = { 2, 13, 1, V_NUMBER, "key-has-capability" },
	[K_HASNOT_CAP] = { 2, 14, 1, V_NUMBER, "key-does-not-have-capability" },
	[K_AUTHORITY] = { 2, 15, 1, V_ANY, "key-is-related-to-authority" },
	[K_ARCHIVED] = { 2, 16, 1, V_ANY, "key-is-archived-by" },
};

/* Names of the numbers the published example shows (pkic/remote-key-
 * attestation validation/crypto4a-qasm.md: the skm command's arguments
 * and spa-attest's output beside the message's bytes). Others are shown
 * in decimal. */
struct numname {
	int what;
	long n;
	const char *name;
};
static const struct numname NUMNAMES[] = {
	{ K_CLASS, 4, "private-key" },
	{ K_TYPE, 2, "ecc" },
	{ K_KEYSTORE, 256, "independent" },
	{ K_HAS_CAP, 261, "sign" },
	{ K_HAS_CAP, 263, "derive" },
	{ K_HASNOT_CAP, 261, "sign" },
	{ K_HASNOT_CAP, 263, "derive" },
};

static int known_claim(const OBJECT_IDENTIFIER_t *o)
{
	if ((size_t)o->size != sizeof(CLAIM_ARC) + 2 || memcmp(o->buf, CLAIM_ARC, sizeof(CLAIM_ARC)) != 0)
		return -1;
	for (int i = 0; i < NKNOWN; i++)
		if (o->buf[sizeof(CLAIM_ARC)] == KNOWN[i].group && o->buf[sizeof(CLAIM_ARC) + 1] == KNOWN[i].arc)
			return i;
	return -1;
}

/* detect ----------------------------------------------------------------- */

/* The DER of an ATTESTATION MESSAGE: SEQUENCE { INTEGER, SEQUENCE {
 * INTEGER, SEQUENCE { SEQUENCE { OID under 39901.6 ... */
static int der_shape(const uint8_t *p, size_t len)
{
	csra_cbs c, whole, msg, claims, list, claim, oid;
	uint8_t tag;
	csra_cbs_init(&c, p, len);
	if (!csra_cbs_get_der_element(&c, &tag, &whole, &msg) || tag != 0x30 || csra_cbs_len(&c) != 0 ||
	    !csra_cbs_get_der_element(&msg, &tag, &whole, NULL) || tag != 0x02 ||
	    !csra_cbs_get_der_element(&msg, &tag, &whole, &claims) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&claims, &tag, &whole, NULL) || tag != 0x02 ||
	    !csra_cbs_get_der_element(&claims, &tag, &whole, &list) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&list, &tag, &whole, &claim) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&claim, &tag, &whole, &oid) || tag != 0x06)
		return 0;
	return csra_cbs_len(&oid) > sizeof(CLAIM_ARC) &&
	    memcmp(csra_cbs_data(&oid), CLAIM_ARC, sizeof(CLAIM_ARC)) == 0;
}

static int c4a_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	(void)bag;
	/* DER as is, without a copy: the common case. */
	if (len > 0 && p[0] == 0x30)
		return der_shape(p, len);
	csra_input_result ir;
	if (csra_input_decode(p, len, len, &ir) != CSRA_INPUT_OK)
		return 0;
	int yes = strcmp(ir.label, PEM_LABEL) == 0 || (ir.label[0] == '\0' && der_shape(ir.der, ir.der_len));
	free(ir.der);
	return yes;
}

static int c4a_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

/* verify ----------------------------------------------------------------- */

struct cctx {
	const csra_verifier *v;
	const csra_stmt_in *in;
	csra_result *r;
	csra_stmt_out *out;
	const C4aAttestationMessage_t *m;
	csra_cbs tbs;			/* the claims SEQUENCE, as received */
	csra_cbs *signer_der;		/* each block's certificate, as received (len 0: none) */
	csra_cbs *signer_spki;		/* ... and its SubjectPublicKeyInfo */
	csra_cbs *sid_spki;		/* sid.subjectPublicKeyInfo, as received (len 0: none) */
	csra_certbag bag;		/* the message's certificates */
	int ok, oom;
};

/* Every use passes a literal template and at least one argument. */
#define FAIL(x, name, code, path, fmt, ...) do { (x)->ok = 0; \
	if (!csra_result_add((x)->r, name, CSRA_STATUS_FAIL, code, path, fmt, __VA_ARGS__)) (x)->oom = 1; } while (0)

/* The TLV elements of the message, as received: the claims, each signer's
 * certificate and the certificates. The strict decode has checked them.
 * Returns 1; 0 if they do not split; 2 for a certificate OpenSSL cannot
 * parse (recorded); -1 when memory ran out. */
static int split(struct cctx *x, const uint8_t *der, size_t len, int nsig)
{
	csra_cbs c, whole, msg, sigs, certs;
	uint8_t tag;
	csra_cbs_init(&c, der, len);
	if (!csra_cbs_get_der_element(&c, &tag, &whole, &msg) ||
	    !csra_cbs_get_der_element(&msg, &tag, &whole, NULL) ||
	    !csra_cbs_get_der_element(&msg, &tag, &x->tbs, NULL) ||
	    !csra_cbs_get_der_element(&msg, &tag, &whole, &sigs))
		return 0;
	for (int i = 0; i < nsig; i++) {
		csra_cbs blk, sid, el, inner, cert, tbsc;
		if (!csra_cbs_get_der_element(&sigs, &tag, &whole, &blk) ||
		    !csra_cbs_get_der_element(&blk, &tag, &whole, &sid))
			return 0;
		csra_cbs_init(&x->signer_der[i], NULL, 0);
		csra_cbs_init(&x->signer_spki[i], NULL, 0);
		csra_cbs_init(&x->sid_spki[i], NULL, 0);
		while (csra_cbs_len(&sid) > 0) {
			if (!csra_cbs_get_der_element(&sid, &tag, &whole, &el))
				return 0;
			if (tag == 0xa1 && !csra_cbs_get_der_element(&el, &tag, &x->sid_spki[i], NULL))
				return 0;
			if (tag != 0xa2)
				continue;
			if (!csra_cbs_get_der_element(&el, &tag, &x->signer_der[i], &inner) ||
			    !csra_cbs_get_der_element(&inner, &tag, &whole, &tbsc))
				return 0;
			/* TBSCertificate: [0] version, serial, signature, issuer,
			 * validity, subject, subjectPublicKeyInfo. */
			if (csra_cbs_len(&tbsc) > 0 && csra_cbs_data(&tbsc)[0] == 0xa0 &&
			    !csra_cbs_get_der_element(&tbsc, &tag, &whole, NULL))
				return 0;
			for (int k = 0; k < 6; k++)
				if (!csra_cbs_get_der_element(&tbsc, &tag, &cert, NULL))
					return 0;
			x->signer_spki[i] = cert;
		}
	}
	if (csra_cbs_len(&msg) == 0)
		return 1;
	if (!csra_cbs_get_der_element(&msg, &tag, &whole, &certs))
		return 0;
	while (csra_cbs_len(&certs) > 0) {
		csra_cbs cert;
		if (!csra_cbs_get_der_element(&certs, &tag, &cert, NULL))
			return 0;
		if (x->bag.n == x->bag.cap) {
			size_t ncap = x->bag.cap ? 2 * x->bag.cap : 8;
			struct csra_certbag_entry *ne = realloc(x->bag.entries, ncap * sizeof(*ne));
			if (ne == NULL)
				return -1;
			x->bag.entries = ne;
			x->bag.cap = ncap;
		}
		struct csra_certbag_entry *en = &x->bag.entries[x->bag.n];
		en->len = csra_cbs_len(&cert);
		en->offset = (size_t)(csra_cbs_data(&cert) - der);
		if ((en->der = malloc(en->len)) == NULL)
			return -1;
		memcpy(en->der, csra_cbs_data(&cert), en->len);
		x->bag.n++;
		X509 *xc = csra_x509_parse_cached(x->v, en->der, en->len);
		csra_clear_openssl_errors();
		if (xc == NULL) {
			/* The bag's certificates and entries must stay one for
			 * one (csra_format_chain walks both): refused here. */
			char path[32];
			snprintf(path, sizeof(path), "certs[%zu]", x->bag.n - 1);
			FAIL(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path, "%s",
			    "OpenSSL cannot parse the certificate");
			return 2;
		}
		if (!sk_X509_push(x->bag.certs, xc)) {
			X509_free(xc);
			return -1;
		}
	}
	return 1;
}

static int has_ak_eku(X509 *c)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(c, NID_ext_key_usage, NULL, NULL);
	int found = 0;
	for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		found |= (size_t)OBJ_length(o) == sizeof(AK_EKU) && memcmp(OBJ_get0_data(o), AK_EKU, sizeof(AK_EKU)) == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	csra_clear_openssl_errors();
	return found;
}

/* Gives the last check recorded in |r| the path |path| when it has none:
 * csra_format_chain names certificates of the bag, and a signer's
 * certificate is in its block, not in the bag. */
static void name_path(csra_result *r, size_t before, const char *path)
{
	if (r->nchecks <= before || r->checks[r->nchecks - 1].path[0] != '\0')
		return;
	char *p = csra_chunk_alloc(&r->strs, strlen(path) + 1);
	if (p == NULL) {
		r->nomem = 1;
		return;
	}
	memcpy(p, path, strlen(path) + 1);
	r->checks[r->nchecks - 1].path = p;
}

/* Signer block |i|: its certificate, signature and chain, recorded as
 * PKIX Evidence records its blocks. Returns 1 if the block verified and
 * its certificate is a trusted attestation key's. */
static int check_block(struct cctx *x, int i)
{
	const C4aSignerInfo_t *sb = x->m->signers.list.array[i];
	csra_result *r = x->r;
	char path[48], cpath[64], why[96], oid[96];
	snprintf(path, sizeof(path), "signatures[%d]", i);
	snprintf(cpath, sizeof(cpath), "%s.sid.certificate", path);
	if (sb->sid.certificate == NULL || csra_cbs_len(&x->signer_der[i]) == 0) {
		FAIL(x, "signature.signer", CSRA_ERR_SIG_NO_SIGNER, path, "%s",
		    "no certificate: nothing chains the signer's key to C4A_RCA");
		return 0;
	}
	X509 *cert = csra_x509_parse_cached(x->v, csra_cbs_data(&x->signer_der[i]), csra_cbs_len(&x->signer_der[i]));
	csra_clear_openssl_errors();
	if (cert == NULL) {
		FAIL(x, "signature.signer", CSRA_ERR_SIG_BAD_KEY, path, "%s",
		    "OpenSSL cannot parse the signer's certificate");
		return 0;
	}
	if (sb->sid.subjectPublicKeyInfo != NULL) {
		/* Beside the certificate, only the certificate's key in the
		 * same bytes: a second key would be a second signer. */
		int same = csra_same(csra_cbs_data(&x->sid_spki[i]), csra_cbs_len(&x->sid_spki[i]),
		    csra_cbs_data(&x->signer_spki[i]), csra_cbs_len(&x->signer_spki[i]));
		if (!same) {
			FAIL(x, "signature.signer", CSRA_ERR_SIG_CERT_SPKI_MISMATCH, path, "%s",
			    "a subjectPublicKeyInfo beside the certificate: only the certificate names the signer");
			X509_free(cert);
			return 0;
		}
	}
	if (!csra_result_add(r, "signature.signer", CSRA_STATUS_PASS, CSRA_OK, path, "signer given by certificate"))
		x->oom = 1;

	int verified = 0, hss = 0;
	const AlgorithmIdentifier_t *alg = &sb->signatureAlgorithm;
	csra_oid_to_str(alg->algorithm.buf, (size_t)alg->algorithm.size, oid, sizeof(oid));
	if (csra_same(alg->algorithm.buf, (size_t)alg->algorithm.size, OID_HSS_LMS, sizeof(OID_HSS_LMS))) {
		/* OpenSSL 3.0 has no HSS/LMS (csra_sig_verify has no entry). */
		hss = 1;
		FAIL(x, "signature.algorithm", CSRA_ERR_SIG_ALG_UNAVAILABLE, path,
		    "algorithm not supported by this OpenSSL (HSS/LMS, %s): the block is unverifiable", oid);
	} else if (sb->signature.bits_unused != 0) {
		FAIL(x, "signature.value", CSRA_ERR_SIG_INVALID, path, "%s",
		    "the signature BIT STRING has unused bits");
	} else {
		EVP_PKEY *key = X509_get0_pubkey(cert);
		csra_clear_openssl_errors();
		const ANY_t *params = alg->parameters;
		csra_err e = key == NULL ? CSRA_ERR_SIG_BAD_KEY : csra_sig_verify_cached(x->v, KIND, alg->algorithm.buf,
		    (size_t)alg->algorithm.size, params ? params->buf : NULL, params ? (size_t)params->size : 0,
		    sb->signature.buf, (size_t)sb->signature.size, key, csra_cbs_data(&x->signer_spki[i]),
		    csra_cbs_len(&x->signer_spki[i]), csra_cbs_data(&x->tbs), csra_cbs_len(&x->tbs), why,
		    sizeof(why));
		csra_clear_openssl_errors();
		if (key == NULL)
			why[0] = '\0';
		if (e == CSRA_OK) {
			verified = 1;
			if (!csra_result_add(r, "signature.value", CSRA_STATUS_PASS, CSRA_OK, path,
			    "signature over the claims verifies (%s)", oid))
				x->oom = 1;
		} else {
			x->ok = 0;
			if (!csra_result_add(r, e == CSRA_ERR_SIG_INVALID ? "signature.value" : "signature.algorithm",
			    CSRA_STATUS_FAIL, e, path, "%s (%s)%s%s", csra_strerror(e), oid, why[0] ? ": " : "", why))
				x->oom = 1;
		}
	}

	/* The attestation key's certificate, as PKIX Evidence checks an AK's. */
	int ak = 1;
	uint32_t flags = X509_get_extension_flags(cert);
	if (flags & EXFLAG_CA) {
		ak = 0;
		FAIL(x, "ak.basic-constraints", CSRA_ERR_AK_IS_CA, cpath, "%s",
		    "the AK certificate is a CA certificate (basicConstraints cA TRUE)");
	} else if (!csra_result_add(r, "ak.basic-constraints", CSRA_STATUS_PASS, CSRA_OK, cpath,
	    "the AK certificate is not a CA certificate"))
		x->oom = 1;
	const char *no_digsig = csra_x509_no_digsig(cert);
	if (no_digsig == NULL) {
		if (!csra_result_add(r, "ak.key-usage", CSRA_STATUS_PASS, CSRA_OK, cpath, "KeyUsage has digitalSignature"))
			x->oom = 1;
	} else {
		ak = 0;
		FAIL(x, "ak.key-usage", CSRA_ERR_AK_NO_DIGITAL_SIGNATURE, cpath, "KeyUsage %s", no_digsig);
	}
	if (has_ak_eku(cert)) {
		if (!csra_result_add(r, "ak.eku", CSRA_STATUS_PASS, CSRA_OK, cpath,
		    "ExtendedKeyUsage has the QASM attestation-key EKU 1.3.6.1.4.1.39901.4.1.1"))
			x->oom = 1;
	} else {
		ak = 0;
		FAIL(x, "ak.eku", CSRA_ERR_AK_NO_EKU, cpath, "%s",
		    "ExtendedKeyUsage lacks the QASM attestation-key EKU 1.3.6.1.4.1.39901.4.1.1");
	}
	if (hss) {
		/* OpenSSL cannot build a path from a leaf whose key it cannot
		 * read ("unspecified certificate verification error"): a
		 * failure that would say nothing the algorithm check did not. */
		X509_free(cert);
		if (!csra_result_add(r, "ak.chain", CSRA_STATUS_SKIP, CSRA_OK, cpath,
		    "not checked: OpenSSL cannot use the certificate's HSS/LMS key, and the block is unverifiable"))
			x->oom = 1;
		return 0;
	}
	/* Each block's path is cached under its own name: the cache key is
	 * the message's bytes. */
	char cb_id[64];
	snprintf(cb_id, sizeof(cb_id), KIND "/%s", path);
	STACK_OF(X509) *chain = NULL;
	size_t before = r->nchecks;
	int vr = csra_format_chain(x->v, KIND, x->in, &x->bag, cert, -1, NULL, NULL, cb_id, r, &chain);
	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	if (vr < 0) {
		x->oom = 1;
		return 0;
	}
	name_path(r, before, cpath);
	if (vr == 0)
		x->ok = 0;
	return verified && ak && vr == 1;
}

/* The signature policy over the blocks, as PKIX Evidence applies it
 * (csra_sig_policy_record). */
static void check_signatures(struct cctx *x)
{
	csra_result *r = x->r;
	int n = x->m->signers.list.count;
	if (!csra_within_limit(x->v, r, CSRA_LIMIT_SIGNERS, (size_t)n, "signatures")) {
		x->ok = 0;
		return;
	}
	if (!csra_result_add(r, "signature.present", CSRA_STATUS_PASS, CSRA_OK, "signatures",
	    "%d signature block(s)", n))
		x->oom = 1;
	size_t first = r->nchecks;
	int trusted = 0, ok_before = x->ok;
	for (int i = 0; i < n && !x->oom; i++)
		trusted += check_block(x, i);
	int met;
	if (!csra_sig_policy_record(x->v, r, first, trusted, n, "verified and trusted", &met))
		x->oom = 1;
	/* Under any-trusted a block's failure is a warning once the policy
	 * holds: the verdict is what it was before the blocks. */
	if (!met)
		x->ok = 0;
	else if (x->v->sig_policy != CSRA_SIG_ALL)
		x->ok = ok_before;
}

/* claims ----------------------------------------------------------------- */

static void note(struct cctx *x, csra_err e)
{
	if (e == CSRA_ERR_NOMEM)
		x->oom = 1;
}

/* A claim's value as a claim of |name| (an unknown claim's, or one that
 * maps to nothing in the common vocabulary). */
static void add_value(struct cctx *x, const char *element, const char *name, const C4aClaimValue_t *cv)
{
	if (cv == NULL) {
		note(x, csra_stmt_add_bool(x->out, element, name, 1));
		return;
	}
	switch (cv->present) {
	case C4aClaimValue_PR_bytes:
		note(x, csra_stmt_add_bytes(x->out, element, name, cv->choice.bytes.buf, (size_t)cv->choice.bytes.size));
		break;
	case C4aClaimValue_PR_text:
		note(x, csra_stmt_add_text(x->out, element, name, cv->choice.text.buf, (size_t)cv->choice.text.size));
		break;
	case C4aClaimValue_PR_time:
		note(x, csra_stmt_add_text(x->out, element, name, cv->choice.time.buf, (size_t)cv->choice.time.size));
		break;
	case C4aClaimValue_PR_number:
		note(x, csra_stmt_add_bigint(x->out, element, name, cv->choice.number.buf,
		    (size_t)cv->choice.number.size));
		break;
	default:
		break;
	}
}

static enum vt value_type(const C4aClaimValue_t *cv)
{
	if (cv == NULL)
		return V_NONE;
	switch (cv->present) {
	case C4aClaimValue_PR_bytes: return V_BYTES;
	case C4aClaimValue_PR_text: return V_TEXT;
	case C4aClaimValue_PR_time: return V_TIME;
	default: return V_NUMBER;
	}
}

static const char *VT_NAME[] = { "no value", "[0] OCTET STRING", "[1] UTF8String", "[2] GeneralizedTime",
	"[3] INTEGER", "any value" };

/* A number claim as the vendor's name when the example shows it, else in
 * decimal; appended to |buf| (comma-separated) for the capabilities. */
static void number_name(int what, const INTEGER_t *n, char *buf, size_t cap)
{
	long v = 0;
	const char *name = NULL;
	char dec[32];
	if (asn_INTEGER2long(n, &v) == 0)
		for (size_t i = 0; i < sizeof(NUMNAMES) / sizeof(NUMNAMES[0]); i++)
			if (NUMNAMES[i].what == what && NUMNAMES[i].n == v)
				name = NUMNAMES[i].name;
	if (name == NULL) {
		if (n->size <= 8 && asn_INTEGER2long(n, &v) == 0)
			snprintf(dec, sizeof(dec), "%ld", v);
		else
			snprintf(dec, sizeof(dec), "(an INTEGER of %d octets)", n->size);
		name = dec;
	}
	size_t used = strlen(buf);
	if (used + strlen(name) + 2 > cap)
		return;
	snprintf(buf + used, cap - used, "%s%s", used ? "," : "", name);
}

static void check_claims(struct cctx *x)
{
	const C4aClaimList_t *list = &x->m->claims.claims;
	int n = list->list.count, spki_at = -1;
	char path[48], oid[96];
	if (!csra_within_limit(x->v, x->r, CSRA_LIMIT_CLAIMS, (size_t)n, "claims.claims")) {
		x->ok = 0;
		return;
	}
	/* The attested key first: the key claims must be about its object. */
	for (int i = 0; i < n; i++) {
		const C4aClaim_t *c = list->list.array[i];
		if (known_claim(&c->claimType) != K_SPKI)
			continue;
		snprintf(path, sizeof(path), "claims.claims[%d]", i);
		if (spki_at >= 0) {
			FAIL(x, KIND ".claim", CSRA_ERR_FMT_MALFORMED, path, "%s",
			    "a second key-spki claim: the message must attest one key");
			return;
		}
		spki_at = i;
	}
	if (spki_at < 0) {
		FAIL(x, KIND ".key", CSRA_ERR_FMT_NO_KEY, "claims.claims", "%s", "no key-spki claim: no attested key");
		return;
	}
	const C4aClaim_t *sc = list->list.array[spki_at];
	const OCTET_STRING_t *subject = sc->subject != NULL ? &sc->subject->choice.uuid : NULL;
	int seen[NKNOWN] = { 0 }, bad = 0;
	char caps[256] = "", nocaps[256] = "";
	for (int i = 0; i < n && !x->oom; i++) {
		const C4aClaim_t *c = list->list.array[i];
		const C4aClaimValue_t *cv = c->value;
		int k = known_claim(&c->claimType);
		snprintf(path, sizeof(path), "claims.claims[%d]", i);
		/* The dotted OID names an unknown claim and a failure only: a
		 * known claim that passes is recorded under its own name. */
		if (k < 0) {
			/* Kept, named by its OID: the policy can require it,
			 * nothing here reads it. */
			csra_oid_to_str(c->claimType.buf, (size_t)c->claimType.size, oid, sizeof(oid));
			add_value(x, c->subject != NULL ? "key" : "platform", oid, cv);
			continue;
		}
		const struct known *kn = &KNOWN[k];
		const char *why = NULL;
		if (kn->subject && c->subject == NULL)
			why = "a key claim without the object it is about";
		else if (!kn->subject && c->subject != NULL)
			why = "a platform claim naming an object";
		else if (kn->subject && subject == NULL)
			why = "a key claim while the key-spki claim names no object: the message must attest one key";
		else if (kn->subject && !csra_same(c->subject->choice.uuid.buf, (size_t)c->subject->choice.uuid.size,
		    subject->buf, (size_t)subject->size))
			why = "a key claim about another object than the key-spki claim's: the message must attest one key";
		else if (kn->vt != V_ANY && value_type(cv) != kn->vt)
			why = VT_NAME[kn->vt];
		else if (seen[k]++ && k != K_HAS_CAP && k != K_HASNOT_CAP)
			why = "a repeated claim";
		if (why != NULL) {
			bad = 1;
			x->ok = 0;
			csra_oid_to_str(c->claimType.buf, (size_t)c->claimType.size, oid, sizeof(oid));
			if (!csra_result_add(x->r, KIND ".claim", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, path,
			    "%s (%s): %s%s", kn->vendor, oid, why == VT_NAME[kn->vt] ? "its value must be " : "", why))
				x->oom = 1;
			continue;
		}
		switch (k) {
		case P_UUID: {
			char u[40];
			const uint8_t *b = cv->choice.bytes.buf;
			if (cv->choice.bytes.size != 16) {
				add_value(x, "platform", "qasm-uuid", cv);
				break;
			}
			snprintf(u, sizeof(u), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
			    b[14], b[15]);
			note(x, csra_stmt_add_text(x->out, "platform", "qasm-uuid", (const uint8_t *)u, strlen(u)));
			break;
		}
		case P_SERIAL: add_value(x, "platform", "hwserial", cv); break;
		case P_TIME: add_value(x, "platform", "attestation-time", cv); break;
		case P_FIRMWARE: add_value(x, "platform", "swversion", cv); break;
		case P_PRODUCTION: add_value(x, "platform", "certified-production", cv); break;
		/* "qasm-is-in-fips-mode": the QASM runs in its FIPS-approved
		 * mode (pkic validation/crypto4a-qasm.md, Verifying Integrity). */
		case P_FIPS: add_value(x, "platform", "fipsboot", cv); break;
		case K_UNIQUE: add_value(x, "platform", "attestation-keys-are-unique", cv); break;
		case K_SPKI: {
			/* A SubjectPublicKeyInfo: one DER SEQUENCE filling the
			 * value, that OpenSSL reads as a public key. */
			const uint8_t *p = cv->choice.bytes.buf;
			csra_cbs s, whole;
			uint8_t tag;
			csra_cbs_init(&s, p, (size_t)cv->choice.bytes.size);
			EVP_PKEY *pk = NULL;
			if (csra_cbs_get_der_element(&s, &tag, &whole, NULL) && tag == 0x30 && csra_cbs_len(&s) == 0)
				pk = csra_spki_pkey(x->v, p, (size_t)cv->choice.bytes.size);
			csra_clear_openssl_errors();
			if (pk == NULL) {
				bad = 1;
				FAIL(x, KIND ".key", CSRA_ERR_FMT_NO_KEY, path, "%s",
				    "key-spki's value is not a SubjectPublicKeyInfo OpenSSL can read");
				break;
			}
			EVP_PKEY_free(pk);
			note(x, csra_stmt_add_key(x->out, cv->choice.bytes.buf, (size_t)cv->choice.bytes.size));
			break;
		}
		case K_FINGERPRINT: add_value(x, "key", "key-fingerprint", cv); break;
		case K_CLASS:
		case K_TYPE:
		case K_KEYSTORE: {
			char nm[64] = "";
			number_name(k, &cv->choice.number, nm, sizeof(nm));
			note(x, csra_stmt_add_text(x->out, "key", kn->vendor, (const uint8_t *)nm, strlen(nm)));
			break;
		}
		/* "Key is confined to claiming QASM" (spa-attest, pkic
		 * validation/crypto4a-qasm.md): it cannot leave this HSM. */
		case K_CONFINED:
			note(x, csra_stmt_add_bool(x->out, "key", "confined", 1));
			note(x, csra_stmt_add_bool(x->out, "key", "extractable", 0));
			break;
		case K_HWGEN: note(x, csra_stmt_add_bool(x->out, "key", "local", 1)); break;
		case K_NEVER_EXTRACTED: note(x, csra_stmt_add_bool(x->out, "key", "never-extractable", 1)); break;
		case K_MANAGED: note(x, csra_stmt_add_bool(x->out, "key", "managed", 1)); break;
		case K_NOT_MANAGED: note(x, csra_stmt_add_bool(x->out, "key", "managed", 0)); break;
		case K_HAS_CAP: number_name(k, &cv->choice.number, caps, sizeof(caps)); break;
		case K_HASNOT_CAP: number_name(k, &cv->choice.number, nocaps, sizeof(nocaps)); break;
		case K_AUTHORITY: add_value(x, "key", "related-to-authority", cv); break;
		case K_ARCHIVED: add_value(x, "key", "archived-by", cv); break;
		default: break;
		}
	}
	if (seen[K_MANAGED] && seen[K_NOT_MANAGED]) {
		bad = 1;
		FAIL(x, KIND ".claim", CSRA_ERR_FMT_MALFORMED, "claims.claims", "%s",
		    "both key-is-managed and key-is-not-managed");
	}
	if (caps[0])
		note(x, csra_stmt_add_text(x->out, "key", "capabilities", (const uint8_t *)caps, strlen(caps)));
	if (nocaps[0])
		note(x, csra_stmt_add_text(x->out, "key", "excluded-capabilities", (const uint8_t *)nocaps,
		    strlen(nocaps)));
	if (!bad && !x->oom) {
		note(x, csra_stmt_add_text(x->out, "platform", "vendor", (const uint8_t *)"Crypto4A", 8));
		note(x, csra_stmt_add_text(x->out, "platform", "hwmodel", (const uint8_t *)"QASM", 4));
		if (!csra_result_add(x->r, KIND ".claims", CSRA_STATUS_PASS, CSRA_OK, "claims.claims",
		    "%d claim(s), the attested key at claims.claims[%d]", n, spki_at))
			x->oom = 1;
	}
}

static csra_err c4a_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *r, csra_stmt_out *out)
{
	(void)route, (void)d;
	struct cctx x = { .v = v, .in = in, .r = r, .out = out, .ok = 1 };
	csra_decoded *dec = NULL;
	uint8_t *der_buf = NULL;
	/* No nonce in an attestation message: the request layer judges. */
	out->reports_freshness = 1;
	out->freshness = CSRA_FRESHNESS_NONE;
	/* One file, one part. */
	for (size_t i = 0; i < in->nparts; i++)
		if (in->parts[i] != in->stmt) {
			char path[32];
			snprintf(path, sizeof(path), "parts[%zu]", i);
			FAIL((&x), KIND ".parts", CSRA_ERR_FMT_PART_UNUSED, path, "%s",
			    "an ATTESTATION MESSAGE is one file: this part has no place in it");
		}

	const uint8_t *der = in->stmt;
	size_t der_len = in->stmt_len;
	if (der_len == 0 || der[0] != 0x30) {
		csra_input_result ir;
		csra_input_err ie = csra_input_decode(in->stmt, in->stmt_len, in->stmt_len, &ir);
		if (ie == CSRA_INPUT_NOMEM)
			return CSRA_ERR_NOMEM;
		if (ie != CSRA_INPUT_OK || (ir.label[0] != '\0' && strcmp(ir.label, PEM_LABEL) != 0)) {
			free(ir.der);
			x.ok = 0;
			if (!csra_result_add(r, KIND ".input", CSRA_STATUS_FAIL,
			    ie != CSRA_INPUT_OK ? (csra_err)csra_input_err_code(ie) : CSRA_ERR_INPUT_WRONG_LABEL, "",
			    "%s at byte %zu", ie != CSRA_INPUT_OK ? csra_input_strerror(ie)
			    : "a PEM block other than " PEM_LABEL, ir.err_offset))
				x.oom = 1;
			goto unbound;
		}
		der = der_buf = ir.der;
		der_len = ir.der_len;
	}
	csra_diag dg;
	csra_err e = csra_decode(NULL, CSRA_PDU_CRYPTO4A_ATTESTATION, der, der_len, &dec, &dg);
	if (e == CSRA_ERR_NOMEM)
		goto oom;
	if (e != CSRA_OK) {
		x.ok = 0;
		if (!csra_result_add(r, KIND ".decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, dg.path,
		    "not a DER ATTESTATION MESSAGE: %s at byte %zu of the DER (%s)", csra_strerror(dg.code),
		    dg.offset == SIZE_MAX ? der_len : dg.offset, dg.path[0] ? dg.path : "the message"))
			x.oom = 1;
		goto unbound;
	}
	x.m = csra_decoded_asn1(dec);
	int nsig = x.m->signers.list.count;
	long ver = -1, cver = -1;
	if (asn_INTEGER2long(&x.m->version, &ver) != 0 || ver != 1 ||
	    asn_INTEGER2long(&x.m->claims.version, &cver) != 0 || cver != 1) {
		FAIL((&x), KIND ".decode", CSRA_ERR_FMT_MALFORMED, ver != 1 ? "C4aAttestationMessage.version"
		    : "C4aAttestationMessage.claims.version", "%s", "version is not 1, the only one published");
		goto unbound;
	}
	/* The module's SIZE (1..MAX) constraints, which the strict decode
	 * leaves to its callers: a message without signer blocks must not
	 * pass "every block verified" under the policy all. */
	const char *empty = nsig == 0 ? "C4aAttestationMessage.signers"
	    : x.m->claims.claims.list.count == 0 ? "C4aAttestationMessage.claims.claims"
	    : x.m->certificates != NULL && x.m->certificates->list.count == 0 ? "C4aAttestationMessage.certificates"
	    : NULL;
	if (empty != NULL) {
		FAIL((&x), KIND ".decode", CSRA_ERR_FMT_MALFORMED, empty, "%s is empty: SIZE (1..MAX)", empty);
		goto unbound;
	}
	x.signer_der = calloc((size_t)nsig, sizeof(*x.signer_der));
	x.signer_spki = calloc((size_t)nsig, sizeof(*x.signer_spki));
	x.sid_spki = calloc((size_t)nsig, sizeof(*x.sid_spki));
	x.bag.certs = sk_X509_new_null();
	if (x.signer_der == NULL || x.signer_spki == NULL || x.sid_spki == NULL || x.bag.certs == NULL)
		goto oom;
	int sp = split(&x, der, der_len, nsig);
	if (sp < 0)
		goto oom;
	if (sp == 0) {
		FAIL((&x), KIND ".decode", CSRA_ERR_FMT_MALFORMED, "", "%s", "the message does not split into its fields");
		goto unbound;
	}
	if (sp == 2)
		goto unbound;
	if (x.bag.n > 0 && !csra_within_limit(v, r, CSRA_LIMIT_CERTS, x.bag.n, "certs")) {
		x.ok = 0;
		goto unbound;
	}
	if (x.oom || !csra_result_add(r, KIND ".decode", CSRA_STATUS_PASS, CSRA_OK, "",
	    "an ATTESTATION MESSAGE of %d claim(s), %d signer block(s) and %zu certificate(s)",
	    x.m->claims.claims.list.count, nsig, x.bag.n))
		goto oom;
	check_signatures(&x);
	if (x.oom)
		goto oom;
	check_claims(&x);
	if (x.oom || out->err == CSRA_ERR_NOMEM)
		goto oom;
	if (csra_stmt_refused(out, r, "the message"))
		x.ok = 0;
	out->verified = x.ok && out->nkeys == 1;
	if (out->verified) {
		csra_stmt_bind(in, out, r);
		goto done;
	}
unbound:
	if (!csra_stmt_unverified(out, r))
		x.oom = 1;
	if (x.oom)
		goto oom;
done:
	free(x.signer_der);
	free(x.signer_spki);
	free(x.sid_spki);
	csra_certbag_clear(&x.bag);
	csra_decoded_free(&dec);
	free(der_buf);
	return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
oom:
	free(x.signer_der);
	free(x.signer_spki);
	free(x.sid_spki);
	csra_certbag_clear(&x.bag);
	csra_decoded_free(&dec);
	free(der_buf);
	return CSRA_ERR_NOMEM;
}

const csra_format csra_format_crypto4a_qasm = {
	.kind = KIND,
	.handles = c4a_handles,
	.detect = c4a_detect,
	.verify = c4a_verify,
};
