/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small explicit certificate verifier (issue 16), in three parts:
 *  - csra_fastlink_read_facts: what the verifier reads of a certificate's
 *    extensions (EXFLAG_CA, KeyUsage, EKU, key identifiers, ...), as
 *    OpenSSL 3.0 would give them, from this module's own parse, or
 *    "unknown";
 *  - csra_fastlink_check: ONE link, a new leaf under an issuer OpenSSL
 *    already validated to a trust anchor, as csra_issuer_path checks it
 *    with X509_verify_cert and the issuer as a partial-chain anchor;
 *  - csra_fastlink_path: a leaf under an intermediate this module parsed,
 *    under a self-signed trust anchor in the caller's store, as
 *    csra_verify_path checks it with the intermediate untrusted.
 * The checks answer ACCEPT only inside a conservative subset where
 * X509_verify_cert would accept too, and DEFER otherwise: the caller then
 * runs OpenSSL. They never say a certificate is bad.
 *
 * PKIX Evidence uses it for new AK certificates under a validated issuer
 * and for cold paths (csra_evidence.c: fast_block, cold_path). It is
 * proven against OpenSSL by tests/test_fastlink.c (generated chains) and
 * fuzz/fuzz_fastlink.c (both verdicts compared), and the verifier's
 * results with it by test_issuer_cache and fuzz_verify_request (against
 * OpenSSL's route); docs/verify.md "The explicit link check".
 */
#ifndef CSRA_FASTLINK_H
#define CSRA_FASTLINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct csra_verifier;
struct csra_eku_set;

/* The most extensions a parsed leaf keeps; one with more is deferred. */
#define CSRA_FASTLINK_MAX_EXTS 16

/* One extension, as the certificate holds it. */
struct csra_fastlink_ext {
	const uint8_t *oid;		/* OID contents */
	size_t oid_len;
	int critical;
	const uint8_t *value;		/* extnValue's contents */
	size_t value_len;
};

/* A certificate taken apart into views of its DER (nothing is copied: the
 * DER must outlive it). Whole TLVs unless said otherwise. */
typedef struct csra_fastlink_cert {
	const uint8_t *tbs;
	size_t tbs_len;
	const uint8_t *sig_alg;		/* outer AlgorithmIdentifier */
	size_t sig_alg_len;
	const uint8_t *tbs_sig_alg;	/* TBSCertificate.signature */
	size_t tbs_sig_alg_len;
	const uint8_t *sig;		/* signatureValue's bits, after the unused-bits octet */
	size_t sig_len;
	unsigned sig_unused;		/* its unused-bits octet */
	long version;			/* 0: v1, 1: v2, 2: v3 (as encoded) */
	const uint8_t *serial;		/* INTEGER contents */
	size_t serial_len;
	const uint8_t *serial_tlv;	/* the whole INTEGER */
	size_t serial_tlv_len;
	const uint8_t *issuer;		/* Name */
	size_t issuer_len;
	const uint8_t *subject;		/* Name */
	size_t subject_len;
	uint8_t nb_tag, na_tag;		/* 0x17 UTCTime, 0x18 GeneralizedTime */
	const uint8_t *not_before, *not_after;	/* time contents */
	size_t nb_len, na_len;
	const uint8_t *spki;		/* SubjectPublicKeyInfo */
	size_t spki_len;
	int unique_ids;			/* issuerUniqueID or subjectUniqueID present */
	int has_exts;			/* [3] present */
	size_t n_exts;
	int too_many_exts;		/* more than CSRA_FASTLINK_MAX_EXTS */
	struct csra_fastlink_ext exts[CSRA_FASTLINK_MAX_EXTS];
} csra_fastlink_cert;

/* csra_fastlink_parse takes the certificate |der|/|len| apart into |c|.
 * The bytes first pass the strict decoder (csra_decode, CSRA_PDU_CERTIFICATE)
 * unless |strict_done| says the caller decoded exactly these bytes so
 * already. Returns 1, or 0 when they are not a DER certificate (|c| is
 * then unusable; the caller defers to OpenSSL, which refuses it or not). */
int csra_fastlink_parse(const uint8_t *der, size_t len, int strict_done, csra_fastlink_cert *c);

typedef enum csra_fastlink_verdict {
	CSRA_FASTLINK_DEFER = 0,	/* outside the subset, or an error: run OpenSSL */
	CSRA_FASTLINK_ACCEPT = 1	/* X509_verify_cert would accept this link */
} csra_fastlink_verdict;

/* csra_fastlink_check says whether |leaf| (parsed from its DER) may be
 * accepted as issued by |issuer| at |at| without OpenSSL's path
 * validation: X509_verify_cert, on an X509_STORE_CTX made as
 * csra_issuer_path makes it (csra_store_ctx with |store| holding only
 * |issuer| as the anchor, X509_V_FLAG_PARTIAL_CHAIN, time |at|, purpose
 * any, no verify callback), would return 1 for the leaf. |param| is that
 * context's X509_VERIFY_PARAM (settings the check does not model defer),
 * |store| the anchor store (NULL: not looked at; callbacks defer).
 * |issuer_key| is |issuer|'s public key. On ACCEPT, |*leaf_key| (if not
 * NULL) is the leaf's key (csra_spki_pkey; the caller frees it). On
 * DEFER, |*why| (if not NULL) is a short static reason. */
csra_fastlink_verdict csra_fastlink_check(const struct csra_verifier *v, const csra_fastlink_cert *leaf,
    X509 *issuer, EVP_PKEY *issuer_key, time_t at, const X509_VERIFY_PARAM *param, X509_STORE *store,
    EVP_PKEY **leaf_key, const char **why);

/* What ossl_x509v3_cache_extensions (OpenSSL 3.0) records of a
 * certificate and the verifier reads (check_ak, csra_has_ak_eku,
 * csra_issuer_key, the caches). Views of the DER, nothing copied. */
typedef struct csra_fastlink_facts {
	uint32_t flags;			/* X509_get_extension_flags & CSRA_FASTLINK_FACT_FLAGS */
	long pathlen;			/* X509_get_pathlen: -1 without one */
	uint32_t key_usage;		/* X509_get_key_usage (UINT32_MAX: none; 0: invalid) */
	int eku;			/* 1: an EKU (eku/eku_len its KeyPurposeIds); 0: none;
					 * -1: there but X509_get_ext_d2i gives none (twice) */
	const uint8_t *eku_oids;	/* the EKU SEQUENCE's contents */
	size_t eku_len;
	const uint8_t *skid;		/* X509_get0_subject_key_id's contents, NULL: none
					 * (or EXFLAG_INVALID, as for the AKID below) */
	size_t skid_len;
	const uint8_t *akid_keyid;	/* X509_get0_authority_key_id's contents, NULL: none */
	size_t akid_keyid_len;
	const uint8_t *akid_ext;	/* the AKID extension's extnValue contents, NULL: none */
	size_t akid_ext_len;
	const uint8_t *issuer;		/* issuer Name DER (X509_NAME_get0_der) */
	size_t issuer_len;
	const uint8_t *sig_alg;		/* TBSCertificate.signature DER (i2d_X509_ALGOR) */
	size_t sig_alg_len;
} csra_fastlink_facts;

/* The flags csra_fastlink_facts models. */
#define CSRA_FASTLINK_FACT_FLAGS (EXFLAG_V1 | EXFLAG_BCONS | EXFLAG_CA | EXFLAG_KUSAGE | EXFLAG_XKUSAGE | \
	EXFLAG_INVALID | EXFLAG_CRITICAL)

/* csra_fastlink_read_facts fills |f| from |c| as OpenSSL 3.0 would read the
 * same DER. Returns 1, or 0 for "unknown": an extension outside the
 * modelled ones (basicConstraints, keyUsage, extKeyUsage, subject and
 * authority key identifiers) or one of them in a form not modelled;
 * the caller then asks OpenSSL. */
int csra_fastlink_read_facts(const csra_fastlink_cert *c, csra_fastlink_facts *f);

/* csra_fastlink_has_eku answers csra_has_ak_eku's question of |f|: 1 if
 * its EKU has one of |s|'s OIDs, 0 if not or if there is none, -1 if
 * there are two (as csra_has_ak_eku says of X509_get_ext_d2i's crit -2). */
int csra_fastlink_has_eku(const csra_fastlink_facts *f, const struct csra_eku_set *s);

/* csra_fastlink_path says whether |leaf| may be accepted as issued by
 * |inter| (both parsed by this module, from the Evidence) under the trust
 * anchor |anchor| (an X509 in |store|, self-signed; |anchor_key| its
 * public key) at |at| without OpenSSL: X509_verify_cert on an
 * X509_STORE_CTX made by csra_store_ctx(v, store, leaf, [inter], at) (no
 * partial chain, purpose any, no verify callback) would return 1 with the
 * chain leaf, inter, anchor. The untrusted certificates modelled are
 * |inter| alone: a caller holding others (another of the same subject)
 * must not take an ACCEPT for OpenSSL's verdict on that larger set.
 * |param| is that context's X509_VERIFY_PARAM.
 * On ACCEPT, |*leaf_key| (if not NULL) is the leaf's key (the caller
 * frees it); on DEFER, |*why| (if not NULL) a short static reason. */
csra_fastlink_verdict csra_fastlink_path(const struct csra_verifier *v, const csra_fastlink_cert *leaf,
    const csra_fastlink_cert *inter, X509 *anchor, EVP_PKEY *anchor_key, time_t at,
    const X509_VERIFY_PARAM *param, X509_STORE *store, EVP_PKEY **leaf_key, const char **why);

/* csra_fastlink_time reads a certificate time (|tag| 0x17 or 0x18, its
 * contents |p|/|len|) as OpenSSL's X509_cmp_time accepts it into seconds
 * since the epoch. Returns 1, or 0 for a form this module defers. */
int csra_fastlink_time(uint8_t tag, const uint8_t *p, size_t len, int64_t *out);

#endif
