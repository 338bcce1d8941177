/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The differential set-up test_fastlink and fuzz_fastlink share: one
 * issuer as a partial-chain anchor, OpenSSL's verdict on a leaf (the
 * oracle, X509_verify_cert set up as csra_issuer_path sets it up) and the
 * explicit link check's (csra_fastlink.h).
 */
#ifndef CSRA_FASTLINK_DIFF_H
#define CSRA_FASTLINK_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "csra_fastlink.h"

struct csra_verifier;

typedef struct fl_env {
	struct csra_verifier *v;	/* default settings, as the product's */
	X509 *issuer;			/* a reference of our own */
	X509_STORE *anchor;		/* |issuer| alone */
	X509_STORE_CTX *pctx;		/* the context's settings, for the explicit check */
	time_t at;
	unsigned long flags;		/* added to both: a setting the check must defer on */
} fl_env;

/* fl_env_init sets |e| up for |issuer| at |at|, with |flags| added to
 * X509_V_FLAG_PARTIAL_CHAIN. Returns 1. */
int fl_env_init(fl_env *e, X509 *issuer, time_t at, unsigned long flags);
void fl_env_free(fl_env *e);

/* fl_oracle: 1 if OpenSSL accepts the leaf |der|/|len| (d2i_X509, then
 * X509_verify_cert on a context made by csra_store_ctx, partial chain,
 * the chain being the leaf and |e|'s issuer), 0 if it refuses, -1 if
 * memory ran out. */
int fl_oracle(const fl_env *e, const uint8_t *der, size_t len);

/* fl_fast: the explicit check's verdict on |der|/|len| (parsed strictly
 * first), |*why| its reason to defer. */
csra_fastlink_verdict fl_fast(const fl_env *e, const uint8_t *der, size_t len, const char **why);

/* fl_facts_diff compares csra_fastlink_read_facts on |der|/|len| (parsed
 * strictly first) with OpenSSL's reading of the same bytes (d2i_X509,
 * X509_get_extension_flags, X509_get_pathlen, X509_get_key_usage, the EKU
 * by X509_get_ext_d2i and csra_has_ak_eku with |v|'s AK EKUs and id-kp-
 * clientAuth, the key identifiers, the issuer name and signature
 * algorithm DER). Returns 1 if they agree, 2 if the facts are unknown
 * (or either side cannot parse), 0 on a disagreement (|*what| names the
 * fact), -1 if memory ran out. */
int fl_facts_diff(struct csra_verifier *v, const uint8_t *der, size_t len, const char **what);

/* The full path: a leaf under an intermediate under a trust anchor. */
typedef struct fl_penv {
	struct csra_verifier *v;
	X509 *anchor;			/* a reference of our own */
	X509_STORE *store;		/* |anchor| and any others given */
	X509_STORE_CTX *pctx;		/* the context's settings, for the explicit check */
	time_t at;
	unsigned long flags;
	EVP_PKEY *anchor_key;		/* given to the check; NULL: the anchor's own */
} fl_penv;

/* fl_penv_init sets |e| up for |anchor| (and |others|, may be NULL, in
 * the store too) at |at| with |flags| added. Returns 1. */
int fl_penv_init(fl_penv *e, X509 *anchor, STACK_OF(X509) *others, time_t at, unsigned long flags);
void fl_penv_free(fl_penv *e);

/* fl_path_oracle: 1 if X509_verify_cert (csra_store_ctx with the leaf,
 * [inter] untrusted, no partial chain) accepts with the chain leaf,
 * inter, anchor; 0 if not; -1 if memory ran out. */
int fl_path_oracle(const fl_penv *e, const uint8_t *leaf, size_t ll, const uint8_t *inter, size_t il);

/* fl_path_fast: csra_fastlink_path's verdict on both (parsed strictly). */
csra_fastlink_verdict fl_path_fast(const fl_penv *e, const uint8_t *leaf, size_t ll, const uint8_t *inter,
    size_t il, const char **why);

#endif
