/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small explicit verifier of ONE certificate link (issue 16): a new leaf
 * under an issuer OpenSSL already validated to a trust anchor, as
 * csra_issuer_path checks it with X509_verify_cert and the issuer as a
 * partial-chain anchor. It answers ACCEPT only inside a conservative
 * subset where that call would accept too, and DEFER otherwise: the
 * caller then runs OpenSSL. It never says a certificate is bad.
 *
 * Not on the product path yet: nothing in the verifier calls it. It is
 * proven against OpenSSL by tests/test_fastlink.c (generated chains) and
 * fuzz/fuzz_fastlink.c (both verdicts compared); docs/verify.md "An
 * explicit link check, not yet used".
 */
#ifndef CSRA_FASTLINK_H
#define CSRA_FASTLINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

struct csra_verifier;

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

/* csra_fastlink_time reads a certificate time (|tag| 0x17 or 0x18, its
 * contents |p|/|len|) as OpenSSL's X509_cmp_time accepts it into seconds
 * since the epoch. Returns 1, or 0 for a form this module defers. */
int csra_fastlink_time(uint8_t tag, const uint8_t *p, size_t len, int64_t *out);

#endif
