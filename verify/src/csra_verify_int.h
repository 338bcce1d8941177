/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals shared by the verifier's files. */
#ifndef CSRA_VERIFY_INT_H
#define CSRA_VERIFY_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "csrattest/codec.h"
#include "csrattest/policy.h"
#include "csrattest/verify.h"

struct keyid_key {
	EVP_PKEY *key;
	uint8_t *id;
	size_t id_len;
};

struct csra_external_route;
struct csra_callback_route;
struct csra_type_store;
struct csra_format_trust;
struct csra_cache;

/* tcg-kp-AIKCertificate (TCG EK Credential Profile): the default EKU of
 * TPM attestation-key certificates. */
#define CSRA_TCG_KP_AIK_CERTIFICATE "2.23.133.8.3"

/* EKUs that make a certificate an attestation key. */
struct csra_eku_set {
	ASN1_OBJECT **oids;
	size_t n;
};

struct csra_verifier {
	X509_STORE *store;
	int ntrust;
	STACK_OF(X509) *untrusted;
	STACK_OF(X509) *signer_certs;
	struct keyid_key *keys;
	size_t nkeys;
	time_t at;			/* fixed time (0: none), or ... */
	csra_clock_fn clock;		/* ... the caller's clock (NULL: time()) */
	void *clock_arg;
	csra_sig_policy sig_policy;
	int strict;
	int no_fastlink;		/* tests only: new AKs take OpenSSL's route */
	long ts_max_age, ts_skew;
	/* Attestation-key EKUs, [0] PKIX Evidence, [1] TPM: the caller's (or
	 * the defaults until the caller adds one), and the policy's, which
	 * replace them when the policy names any. */
	struct csra_eku_set ak_ekus[2];
	int ak_ekus_added[2];
	struct csra_eku_set policy_ak_ekus[2];
	/* Requests (csra_request.c). */
	X509_STORE *tpm_store;
	const csra_policy *policy;		/* NULL: cabf-csbr */
	const csra_policy *default_policy;	/* cabf-csbr, shared (or own_default) */
	csra_policy *own_default;
	uint8_t evidence_type[64];
	size_t evidence_type_len;
	struct csra_external_route *externals;
	size_t nexternals;
	struct csra_callback_route *callbacks;
	size_t ncallbacks;
	struct csra_type_store *type_stores;	/* the policy's anchors per type */
	size_t ntype_stores;
	struct csra_format_trust *format_trust;	/* anchors per vendor format */
	size_t nformat_trust;
	/* Chain cache (csra_cache.c). trust_gen is bumped by every change of
	 * trust anchors made here and is part of every key. */
	struct csra_cache *cache;
	unsigned long trust_gen;
	EVP_MD *sha256;				/* fetched once: keys are hashed per call */
	uint8_t (*untrusted_dg)[32];		/* SHA-256 of each |untrusted| cert's DER */
	size_t limits[CSRA_LIMIT_COUNT];	/* csra_verifier_set_limit */
	/* Trust in OpenSSL's terms (csra_verifier_set_trust_store, _set_verify_param,
	 * _set_libctx, _add_crl). |store| is the caller's when |caller_store|. */
	int caller_store;
	X509_VERIFY_PARAM *param;		/* the caller's, copied; NULL: none */
	STACK_OF(X509_CRL) *crls;		/* handed to every path validation */
	OSSL_LIB_CTX *libctx;			/* the caller's (not owned); NULL: default */
	char *propq;				/* owned; NULL: none */
};

/* Where a result's check strings and a statement's claim strings live:
 * chunks freed together, so a string costs no malloc of its own. */
struct csra_strchunk {
	struct csra_strchunk *next;
	size_t used, cap;
	char data[];
};

/* csra_chunk_alloc returns |n| bytes from the chunk list |*head|, adding
 * a chunk when the newest is full: 512 bytes first, doubling to 4 KiB, or
 * |n| if larger. NULL on allocation failure. csra_chunks_free frees the
 * list and sets |*head| to NULL. */
char *csra_chunk_alloc(struct csra_strchunk **head, size_t n);
void csra_chunks_free(struct csra_strchunk **head);

/* One argument of a check's message, as recorded: integers widened to
 * intmax_t/uintmax_t (after their length modifier's conversion), strings
 * copied into the result's chunks. */
union csra_msg_arg {
	intmax_t i;
	uintmax_t u;
	double d;
	const char *s;
	const void *p;
};

/* A check is recorded as data; its message is formatted from |fmt| (a
 * string literal: csra_result_add only takes one) and |args| when it is
 * read (csra_result_check_message), so verifying formats nothing. */
struct csra_check {
	char *name;		/* in the result's chunks, with path and args */
	char *path;
	const char *fmt;	/* static storage */
	const union csra_msg_arg *args;
	unsigned nargs;
	uint32_t strmask;	/* which args are strings (copied ones) */
	csra_status status;
	csra_err code;
};

/* The messages csra_result_check hands out, formatted at its first call:
 * a block for the first |n| checks. A check added later makes a new block
 * that keeps the older (|prev|), so strings handed out stay valid until
 * the result is freed. */
struct csra_msgs {
	struct csra_msgs *prev;
	size_t n;
	char *text;		/* what msg[] points into */
	const char *msg[];
};

struct csra_claim_rec {
	csra_claim claim;
	size_t element;		/* index into elements[] */
	size_t index;		/* its place among the element's claims */
	int has_value;
	csra_claim_value value;
};

struct csra_signer_rec {
	int verified;		/* the signature verified with the signer's key */
	int trusted;		/* ... and the key chains or was supplied by the caller */
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
	/* A path the explicit link check took without an OpenSSL parse
	 * (csra_evidence.c): the DER of its first |nders| certificates (the
	 * leaf, and an intermediate on a cold path) and the parsed ones
	 * above them; |chain| is then NULL and csra_result_signer_chain builds
	 * |lazy| on first demand. */
	uint8_t *ders[2];
	size_t der_lens[2];
	int nders;
	STACK_OF(X509) *upper;
	_Atomic(STACK_OF(X509) *) lazy;
	OSSL_LIB_CTX *libctx;	/* the verifier's, to parse the leaf in */
	char *propq;
};

/* csra_verifier_set_fastlink turns the explicit link check for new AK
 * certificates (csra_evidence.c) on (the default) or off; for tests that
 * exercise OpenSSL's route or count its cache lookups. */
void csra_verifier_set_fastlink(csra_verifier *v, int on);

struct csra_result {
	csra_verdict verdict;
	struct csra_check *checks;
	size_t nchecks, cap;
	struct csra_strchunk *strs;	/* the checks' strings and arguments */
	_Atomic(struct csra_msgs *) msgs;	/* formatted messages (csra_result_check) */
	int nomem;
	csra_decoded *decoded;	/* owns what claim values point to */
	csra_element *elements;
	size_t nelements;
	struct csra_claim_rec *claims;
	size_t nclaims, claims_cap;	/* claims_cap: add_claim's (csra_verify.c) */
	struct csra_signer_rec *signers;
	size_t nsigners;
	/* Request results nest one result per statement. */
	struct csra_result **children;
	size_t nchildren;
	/* What the result is about, for the report. */
	char *kind;			/* "request", "pkix-evidence", "tpm2-certify", ... */
	char *type_oid;			/* a statement's type, dotted */
	char *type_name;
	int bound;			/* a statement that verified and attests the request key */
	int stmt_verified;		/* a statement its verifier verified: binding was checked */
	struct csra_stmt_out *stmt;	/* a statement's claims (not PKIX Evidence's) */
	int has_digest;
	uint8_t digest[32];		/* SHA-256 of the input */
	csra_decoded *input;		/* or the decode holding it: hashed when reported */
	time_t at;			/* the time validity was judged at (--at, or now) */
	time_t wall;			/* when the verification ran (0: not recorded) */
	char *policy;
	char *request_format;		/* "pkcs10" or "crmf" */
	EVP_MD *sha256;			/* the verifier's (a reference): the record's digests */
};

/* csra_result_set_md gives |r| a reference to |v|'s SHA-256, fetched in its
 * library context, for the digests the record reports. */
void csra_result_set_md(csra_result *r, const csra_verifier *v);

/* csra_clear_openssl_errors empties OpenSSL's error queue for this thread,
 * as ERR_clear_error does; looking first is several times cheaper when it
 * is empty, as it mostly is, and verification does this a dozen times. */
static inline void csra_clear_openssl_errors(void)
{
	if (ERR_peek_error() != 0)
		ERR_clear_error();
}

csra_result *csra_result_new(void);

/* csra_result_take_checks moves every check of |from| (and the memory of
 * their strings) to |to|, which had none. */
void csra_result_take_checks(csra_result *to, csra_result *from);

/* csra_result_add records a check; returns 0 (and marks the result) on
 * allocation failure, with no part of the check recorded. Its message is
 * kept as the template |fmt| and its arguments, and formatted only when
 * read: |fmt| must have static storage (a string literal, or a choice of
 * literals), as only the pointer is kept. -Wformat-nonliteral (in
 * -Wformat=2, on for every file of the library) refuses anything else, and
 * scripts/check-messages.py checks every call site. Strings are copied (as
 * much as a message can show), integers kept as such. Conversions: flags,
 * width and precision (also '*'), the length modifiers hh h l ll j z t,
 * and d i u o x X c s p e E f F g G a A and %%; any other (%n, %ls, %Lf,
 * ...) records the message "unsupported message template: ..." instead. */
int csra_result_add(csra_result *r, const char *name, csra_status status, csra_err code,
    const char *path, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* csra_result_copy_check records |from|'s check |i| in |to| as it is
 * (its strings copied); returns 0 (and marks |to|) on allocation failure. */
int csra_result_copy_check(csra_result *to, const csra_result *from, size_t i);

/* csra_check_message returns check |i|'s message as csra_result_check
 * hands it out (formatted at the first call; never NULL). */
const char *csra_check_message(const csra_result *r, size_t i);

/* CSRA_MSG_MAX: a message's bytes at most, with its NUL (the cap it had
 * when messages were formatted as checks were recorded). */
#define CSRA_MSG_MAX 512

/* csra_verify_evidence_with is csra_verify_evidence with the trust
 * anchors of |store| (the TPM's, or a policy's per statement type). With
 * |parent| (may be NULL), the decode of a request that holds |der|/|len|
 * within its bytes: the Evidence structure it built is used, and the
 * result takes a reference to |parent|. |at| is the request's
 * verification time (0: read the verifier's clock now). */
csra_err csra_verify_evidence_with(const csra_verifier *v, X509_STORE *store, csra_decoded *parent,
    const uint8_t *der, size_t len, const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra,
    time_t at, csra_result **out);

/* csra_verifier_now reads the verification time once: the fixed time,
 * the clock callback's, or time(). Returns 1, or 0 (|*now| 0) if the
 * callback gave none. |*wall| (may be NULL) is the system time. */
int csra_verifier_now(const csra_verifier *v, time_t *now, time_t *wall);

/* csra_claim_reads counts, per thread, the claim records read looking up
 * one element's claim (csra_result.c), for tests of linearity. */
unsigned long long csra_claim_reads(void);

/* csra_within_limit: |count| items of the list at |path| against the cap
 * |which| of |v|. Over it, records the check "limit.<which>" failing with
 * its CSRA_ERR_LIMIT_* code (count and cap in the message) and returns 0:
 * the caller then leaves the list unprocessed. Returns 1 within the cap. */
int csra_within_limit(const csra_verifier *v, csra_result *r, csra_limit which, size_t count,
    const char *path);

/* csra_verifier_store_for returns the trust anchors |v|'s policy gives
 * statements of type |type|/|len|, or |dflt| when it gives none. */
X509_STORE *csra_verifier_store_for(const csra_verifier *v, const uint8_t *type, size_t len,
    X509_STORE *dflt);

/* csra_trust_bundle_roots returns the vendor bundle's roots for format
 * |kind| (csra_trust_bundle.c), parsed once per process and shared: never
 * modify or free them. NULL when the bundle has none for it (or memory
 * ran out parsing them). */
STACK_OF(X509) *csra_trust_bundle_roots(const char *kind);

/* csra_trust_bundle_store returns a store of those roots, shared by every
 * verifier of the process (OpenSSL's stores are safe to share for
 * lookups), or NULL. */
X509_STORE *csra_trust_bundle_store(const char *kind);

/* csra_trust_bundle_intermediates returns the bundle's published
 * intermediates for format |kind| (those its devices do not carry), for
 * path building only: never anchors. Shared; NULL when none. */
STACK_OF(X509) *csra_trust_bundle_intermediates(const char *kind);

/* csra_trust_bundle_count / csra_trust_bundle_entry list the bundle, for
 * "csrattest trust list": entry |i|'s certificate (NULL if it failed its
 * fingerprint), format, role and SHA-256 (hex). */
size_t csra_trust_bundle_count(void);
X509 *csra_trust_bundle_entry(size_t i, const char **kind, int *root, const char **sha256);

/* csra_trust_bundle_expiry records "trust.bundle-expiry" (a warning,
 * CSRA_ERR_FMT_TRUST_EXPIRING) in |r| for each bundled root of |kind| that
 * has expired at |at| or expires within |warn_days| of it. */
void csra_trust_bundle_expiry(const char *kind, time_t at, long warn_days, csra_result *r);

/* csra_verifier_format_trust_add / _drop: the anchors of vendor format
 * |kind| (csra_verifier_add_format_trust checks the name). */
csra_err csra_verifier_format_trust_add(csra_verifier *v, const char *kind, X509 *cert);
csra_err csra_verifier_format_trust_drop(csra_verifier *v, const char *kind);

/* csra_verifier_format_uses_bundle says whether format |kind|'s anchors
 * include the vendor bundle's (not dropped). */
int csra_verifier_format_uses_bundle(const csra_verifier *v, const char *kind);

/* csra_result_finish sets the verdict from the checks. */
void csra_result_finish(csra_result *r);

/* The chain cache (csra_cache.c): validated attestation-key paths and
 * parsed certificates, keyed by SHA-256 digests, in bounded LRUs behind one
 * mutex, so that threads sharing a verifier share it.
 *
 * csra_cache_new returns a cache for |entries| paths (0: off), or NULL.
 * csra_cache_free frees |*c| and sets it to NULL. csra_cache_resize empties
 * the cache and sizes it for |entries|; returns 0 on allocation failure,
 * leaving it off. csra_cache_flush empties it (trust changed). */
#define CSRA_CHAIN_CACHE_DEFAULT 64
struct csra_cache *csra_cache_new(size_t entries);
void csra_cache_free(struct csra_cache **c);
int csra_cache_resize(struct csra_cache *c, size_t entries);
void csra_cache_flush(struct csra_cache *c);

/* csra_verifier_ak_ekus returns the attestation-key EKUs in force for
 * PKIX Evidence (|tpm| 0) or TPM AK certificates (|tpm| 1). */
const struct csra_eku_set *csra_verifier_ak_ekus(const csra_verifier *v, int tpm);

/* csra_eku_set_add adds the OID |der|/|len| (DER contents): 1, or 0 when
 * memory ran out, -1 when it is not an OID OpenSSL reads.
 * csra_eku_set_clear empties |s|. */
int csra_eku_set_add(struct csra_eku_set *s, const uint8_t *der, size_t len);
void csra_eku_set_clear(struct csra_eku_set *s);

/* csra_has_ak_eku answers whether |x|'s ExtendedKeyUsage has one of |s|'s
 * OIDs: 1 or 0, or -1 if the extension is there and OpenSSL could not
 * read it (it does not decode, or it is there twice). */
int csra_has_ak_eku(const struct csra_eku_set *s, X509 *x);

/* CSRA_EKU_UNREADABLE is how a check's message says csra_has_ak_eku gave -1. */
#define CSRA_EKU_UNREADABLE "is repeated or does not decode: no"

/* csra_x509_no_digsig says why |x|'s KeyUsage does not allow
 * digitalSignature, as a check's message continues "KeyUsage ...", or
 * NULL if it does. With extensions OpenSSL finds invalid (one repeated or
 * not decoding) X509_get_key_usage gives 0 whatever keyUsage holds: that
 * is said, not "lacks". */
const char *csra_x509_no_digsig(X509 *x);
/* csra_no_digsig: the same from the extension flags and key usage
 * X509_get_extension_flags and X509_get_key_usage would give. */
const char *csra_no_digsig(uint32_t flags, uint32_t key_usage);

/* csra_eku_set_str writes |s|'s OIDs, dotted, comma-separated, into |buf|. */
void csra_eku_set_str(const struct csra_eku_set *s, char *buf, size_t cap);

/* csra_x509_verify_err maps an X509_verify_cert error to CSRA_ERR_AK_EXPIRED
 * (after notAfter), CSRA_ERR_AK_NOT_YET_VALID (before notBefore),
 * CSRA_ERR_AK_UNTRUSTED (no path to an anchor), CSRA_ERR_AK_REVOKED (a
 * certificate of the path is on a CRL), CSRA_ERR_AK_CRL (no usable CRL:
 * missing, expired, not yet valid, badly signed) or CSRA_ERR_AK_CHAIN
 * (anything else). */
csra_err csra_x509_verify_err(int err);

/* csra_x509_chain_window sets [|*lo|, |*hi|] to the times at which
 * validating again would build |chain| (validated in |ctx| at |at|, with
 * the intermediates |pool|) again: no certificate in it, nor any
 * candidate issuer of one, changes validity (OpenSSL prefers issuers
 * valid at the verification time), and, with CRL checks on, no CRL of an
 * issuer (|v|'s or the store's) begins or ends. Returns 0 if a time is
 * unreadable. */
int csra_x509_chain_window(const csra_verifier *v, X509_STORE_CTX *ctx, STACK_OF(X509) *chain,
    STACK_OF(X509) *pool, time_t at, time_t *lo, time_t *hi);

/* csra_chain_check validates |leaf| to an anchor of |store| (NULL: none)
 * with the intermediates |untrusted| at time |at|, through |v|'s chain
 * cache: a vendor format's path. |cb| (may be NULL) is the format's
 * X509_STORE_CTX verify callback, accepting exactly its vendor's
 * deviations, with |cb_arg| as the context's app data (may be NULL);
 * |cb_id| names it, so paths validated under different
 * callbacks never share an entry. |key_bytes|/|key_len| (may be NULL:
 * then not cached) are the bytes the leaf and its intermediates came
 * from (the attestation file). A format finds which deviations a cached
 * path holds from its certificates, not from the callback, which a hit
 * does not run. With |pool_key| (may be NULL: not used) and no |cb|, a
 * new leaf under an issuer validated before is validated against it
 * (csra_issuer_path; |pool_key| is everything path building looks at but
 * the leaf), and a full validation remembers its issuer. The verifier's
 * CRLs, X509_VERIFY_PARAM and library context apply (csra_store_ctx). Returns 1 and |*chain| (free with
 * sk_X509_pop_free) when a path holds; 0 with |*err| (X509_V_ERR_*),
 * |*depth| and, if |failed| is not NULL, |*failed| the certificate
 * concerned (a new reference, or NULL); -1 when memory ran out. */
int csra_chain_check(const csra_verifier *v, X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted,
    time_t at, X509_STORE_CTX_verify_cb cb, void *cb_arg, const char *cb_id, const uint8_t *key_bytes,
    size_t key_len, const uint8_t *pool_key, STACK_OF(X509) **chain, int *err, int *depth, X509 **failed);

/* csra_x509_verify_msg writes what failed in |ctx| for the check's
 * message: OpenSSL's reason, the depth and the subject of the certificate
 * concerned (the revoked one, or the one without a usable CRL). */
void csra_x509_verify_msg(X509_STORE_CTX *ctx, char *buf, size_t cap);

/* csra_store_ctx returns a path-validation context for |leaf| against the
 * anchors of |store| with the intermediates |untrusted| at time |at|, in
 * |v|'s library context (|v| may be NULL: OpenSSL's defaults): the store's
 * settings, then the caller's X509_VERIFY_PARAM, then |v|'s CRLs (CRL
 * checks on for the whole path), then what csrattest does not leave to
 * either (the time, no purpose, no IGNORE_CRITICAL). NULL on allocation
 * failure. */
X509_STORE_CTX *csra_store_ctx(const csra_verifier *v, X509_STORE *store, X509 *leaf,
    STACK_OF(X509) *untrusted, time_t at);

/* csra_libctx and csra_propq return |v|'s library context and property
 * query (NULL for OpenSSL's defaults, and for |v| NULL). */
OSSL_LIB_CTX *csra_libctx(const csra_verifier *v);
const char *csra_propq(const csra_verifier *v);

/* csra_d2i_x509 parses the DER certificate |der|/|len|, all of it, in
 * |v|'s library context; NULL if it does not parse. */
X509 *csra_d2i_x509(const csra_verifier *v, const uint8_t *der, size_t len);

/* csra_x509_verify_cached verifies |cert|'s signature with |key| (the
 * issuer's) as X509_verify does, remembering in |v|'s cache, under the
 * DERs of |cert| (|cert_der|, as received) and of its issuer and |tag|
 * (the format's name for how it checks), that it held: a vendor format's
 * signature checks cost a digest once an attestation was verified. Only a
 * pass is remembered. Returns 1 or 0. */
int csra_x509_verify_cached(const csra_verifier *v, X509 *cert, const uint8_t *cert_der, size_t cert_len,
    const uint8_t *issuer_der, size_t issuer_len, EVP_PKEY *key, const char *tag);

/* csra_x509_parse_cached returns the certificate of the DER |der|/|len|
 * (all of it; a new reference), from |v|'s cache of parsed certificates
 * when seen before (by SHA-256), else parsed in |v|'s library context
 * and cached. |v| may be NULL (never cached). NULL if it does not parse. */
X509 *csra_x509_parse_cached(const csra_verifier *v, const uint8_t *der, size_t len);

/* csra_x509_push_ref settles |cert| (csra_x509_settle) and pushes a
 * reference to it on |sk|. */
csra_err csra_x509_push_ref(STACK_OF(X509) *sk, X509 *cert);

/* csra_sig_verify checks the signature algorithm |oid|/|oid_len| (DER
 * contents) with parameters |params|/|params_len| (their whole TLV, or
 * NULL when absent) against the algorithms csrattest accepts and against
 * |key|, then verifies |sig| over |tbs| with OpenSSL. Returns CSRA_OK or
 * the CSRA_ERR_SIG_* reason, with detail in |why| ("" if none).
 * |key_spki|/|key_spki_len| (may be NULL) is the SubjectPublicKeyInfo
 * |key| was made from, which names its curve. OpenSSL's algorithms come
 * from |v|'s library context (|v| may be NULL: the default one). */
csra_err csra_sig_verify(const csra_verifier *v, const uint8_t *oid, size_t oid_len, const uint8_t *params, size_t params_len,
    const uint8_t *sig, size_t sig_len, EVP_PKEY *key, const uint8_t *key_spki, size_t key_spki_len,
    const uint8_t *tbs, size_t tbs_len, char *why, size_t whylen);

/* csra_sig_policy_record applies |v|'s signature policy to |n| signature
 * blocks of which |trusted| verified and are trusted, the blocks' checks
 * being |r|'s from |first| on, and records "signature.policy" (|what|
 * says what counted). Under any-trusted, one trusted block turns the
 * others' failures into warnings: they are reported but do not decide
 * the verdict. Sets |*met|; returns 0 when recording ran out of memory. */
int csra_sig_policy_record(const csra_verifier *v, csra_result *r, size_t first, int trusted, int n,
    const char *what, int *met);

/* csra_sig_verify_cached is csra_sig_verify remembering in |v|'s cache,
 * under |tag| (the caller's name for what it checks) and every input
 * (algorithm, parameters, signature, |key_spki|, |tbs|), that a
 * signature verified: a vendor format's message verified again costs a
 * digest of it. Only CSRA_OK is remembered; without |key_spki| (which
 * names the key) nothing is. */
csra_err csra_sig_verify_cached(const csra_verifier *v, const char *tag, const uint8_t *oid, size_t oid_len,
    const uint8_t *params, size_t params_len, const uint8_t *sig, size_t sig_len, EVP_PKEY *key,
    const uint8_t *key_spki, size_t key_spki_len, const uint8_t *tbs, size_t tbs_len, char *why, size_t whylen);

/* csra_spki_pkey makes an OpenSSL key of the DER SubjectPublicKeyInfo
 * |spki|/|len| (the whole of it), or returns NULL. EC keys on P-256/384/
 * 521 and RSA keys are imported from their parts (OpenSSL 3.0's DER
 * decoders cost as much as a signature check); others go through
 * d2i_PUBKEY. In |v|'s library context (|v| may be NULL: the default). */
EVP_PKEY *csra_spki_pkey(const csra_verifier *v, const uint8_t *spki, size_t len);

/* csra_spki_named_curve returns OpenSSL's name of the curve the DER
 * SubjectPublicKeyInfo |spki|/|len| names, if it is an id-ecPublicKey on
 * P-256, P-384 or P-521 by named-curve OID; else NULL. A key OpenSSL made
 * from those bytes is on that curve: asking the key costs a trip through
 * the provider's parameters. */
const char *csra_spki_named_curve(const uint8_t *spki, size_t len);

/* csra_x509_settle makes OpenSSL compute |x|'s cached extension data now,
 * before |x| is shared between threads (OpenSSL 3.0 races on it
 * otherwise). Returns 1, 0 if the extensions are invalid, -1 on
 * allocation failure. */
int csra_x509_settle(X509 *x);

/* csra_openssl_nomem empties this thread's OpenSSL error queue and says
 * whether it held an allocation failure. */
int csra_openssl_nomem(void);

/* csra_verify_cert runs X509_verify_cert(|ctx|): 1 when the path holds,
 * 0 when it does not (the error in |ctx|), -1 when memory ran out
 * anywhere in it, whatever the verdict (fail closed: an allocation
 * failure can change which path OpenSSL builds). */
int csra_verify_cert(X509_STORE_CTX *ctx);

/* csra_verify_path validates |leaf|'s path to |store| at |at| with the
 * intermediates |untrusted| (csra_store_ctx; |cb|/|cb_arg|, may be NULL,
 * the caller's verify callback and app data). OpenSSL builds one path and
 * does not go back: when an intermediate on it fails and |untrusted|
 * holds another certificate of its subject, the path without the failed
 * one is tried, at most CSRA_PATH_ATTEMPTS paths in all. Returns 1 with
 * p->ctx the passing attempt's context (its chain); 0 with p->ctx
 * OpenSSL's first path's (its error); -1 when memory ran out. Finish
 * with csra_path_clear. Cache windows are still |untrusted|'s: every
 * certificate offered can change the path OpenSSL takes first. */
#define CSRA_PATH_ATTEMPTS 8
struct csra_path {
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *own;	/* the intermediates p->ctx had, if not the caller's */
};
int csra_verify_path(const csra_verifier *v, X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted,
    time_t at, X509_STORE_CTX_verify_cb cb, void *cb_arg, struct csra_path *p);
void csra_path_clear(struct csra_path *p);

/* csra_cache_get_cert returns the certificate parsed from the DER whose
 * SHA-256 is |dg| (a new reference), or NULL; with |spki| not NULL, sets
 * |*spki| to a copy (free with free()) of the i2d_PUBKEY of its key if
 * known, else NULL; with |ak_eku| not NULL, sets it as stored.
 * csra_cache_put_cert keeps a reference on |x| under |dg| with |ak_eku|,
 * whether its ExtendedKeyUsage has id-kp-attestationKey (decoding the
 * extension showed in every verification's profile);
 * csra_cache_set_spki records that i2d_PUBKEY (OpenSSL 3 encodes a key
 * through its encoder machinery: as slow as a signature check). Failures
 * only mean a later miss. */
X509 *csra_cache_get_cert(struct csra_cache *c, const uint8_t dg[32], uint8_t **spki,
    size_t *spki_len, int *ak_eku);
void csra_cache_put_cert(struct csra_cache *c, const uint8_t dg[32], X509 *x, int ak_eku);
void csra_cache_set_spki(struct csra_cache *c, const uint8_t dg[32], const uint8_t *spki, size_t len);

/* csra_cache_get_chain returns a copy (each certificate up-ref'd) of the
 * path stored under |key| if |at| lies in its window, else NULL; counts a
 * hit or a miss. csra_cache_put_chain stores a copy of |chain|, validated
 * in |store| (referenced, so its address stays unique), reusable for
 * verification times in [lo, hi]. */
STACK_OF(X509) *csra_cache_get_chain(struct csra_cache *c, const uint8_t key[32], time_t at);
void csra_cache_put_chain(struct csra_cache *c, const uint8_t key[32], X509_STORE *store,
    STACK_OF(X509) *chain, time_t lo, time_t hi);

/* csra_cache_get_issuer: the validated issuer stored under |key| if |at|
 * lies in its window: sets |*anchor| (a store holding the issuer alone; a
 * new reference), |*upper| (the path from the issuer up, each certificate
 * up-ref'd) and the window, and returns 1; else 0. Counts a hit or a miss.
 * csra_cache_put_issuer stores them, with a reference on |store|, the
 * trust store they were validated in (its address is in the key). */
int csra_cache_get_issuer(struct csra_cache *c, const uint8_t key[32], time_t at, X509_STORE **anchor,
    STACK_OF(X509) **upper, time_t *lo, time_t *hi);
void csra_cache_put_issuer(struct csra_cache *c, const uint8_t key[32], X509_STORE *store,
    X509_STORE *anchor, STACK_OF(X509) *upper, time_t lo, time_t hi);

/* csra_cache_issuer_stats reports |v|'s validated-issuer lookups that
 * found an entry (hits) and that did not (misses), for tests. */
void csra_cache_issuer_stats(const csra_verifier *v, unsigned long *hits, unsigned long *misses);

/* Validated issuers (csra_x509.c; docs/verify.md "Chain cache"). A new
 * leaf under an issuer OpenSSL already validated up to a trust anchor is
 * validated by X509_verify_cert with that issuer alone as a partial-chain
 * anchor, and its path is the leaf and the issuer's path; only where
 * nothing above the issuer can change the leaf's outcome.
 *
 * csra_issuer_key derives the cache key of |leaf|'s issuer from |pool_key|
 * (the trust store, the offered intermediates, the settings and trust
 * generation) and what OpenSSL's issuer search reads of the leaf: 1, or 0
 * when the leaf is not one this applies to (self-issued, proxy, invalid
 * extensions) or hashing failed.
 *
 * csra_issuer_remember, after OpenSSL validated |chain| in full in |ctx|
 * (against |store|, with the intermediates |pool|, at |at|), stores its
 * issuer under |key| unless something above the leaf could change another
 * leaf's outcome: CRL checks, policy processing, Suite B, the caller's
 * partial chains, store callbacks, name or policy constraints above it.
 *
 * csra_issuer_path validates |leaf| against the issuer stored under |key|
 * at |at|. Returns 1 with |*chain| (leaf first; free with sk_X509_pop_free)
 * and the window [lo, hi] in which that path stands; 0 when no issuer is
 * stored or OpenSSL refused the leaf (the full path then decides and
 * reports); -1 when memory ran out. */
int csra_issuer_key(const csra_verifier *v, const uint8_t pool_key[32], X509 *leaf, uint8_t key[32]);
/* csra_issuer_key_of: the same key from what the leaf gives: its issuer
 * Name's DER, its authorityKeyIdentifier's extnValue contents (NULL:
 * none) and its TBSCertificate.signature's DER. The caller has checked
 * that the leaf is one this applies to. */
int csra_issuer_key_of(const csra_verifier *v, const uint8_t pool_key[32], const uint8_t *name,
    size_t name_len, const uint8_t *akid, size_t akid_len, const uint8_t *alg, size_t alg_len, uint8_t key[32]);
void csra_issuer_remember(const csra_verifier *v, X509_STORE *store, X509_STORE_CTX *ctx,
    STACK_OF(X509) *chain, STACK_OF(X509) *pool, time_t at, const uint8_t key[32]);
int csra_issuer_path(const csra_verifier *v, X509 *leaf, const uint8_t key[32], time_t at,
    STACK_OF(X509) **chain, time_t *lo, time_t *hi);

/* csra_cache_has_pool returns 1 if every certificate of the intermediate
 * pool hashed to |key| parsed before (csra_cache_put_pool), so the pool
 * need only be parsed for a path the cache does not hold. */
int csra_cache_has_pool(struct csra_cache *c, const uint8_t key[32]);
void csra_cache_put_pool(struct csra_cache *c, const uint8_t key[32]);
/* csra_cache_has_seen returns 1 if a leaf certificate under the key |key|
 * was marked seen (csra_cache_put_seen): a new attestation key's
 * certificate is checked by the explicit link check without a parse by
 * OpenSSL the first time only (csra_evidence.c); seen again, OpenSSL
 * parses it and its path is cached for the verifications after. */
int csra_cache_has_seen(struct csra_cache *c, const uint8_t key[32]);
void csra_cache_put_seen(struct csra_cache *c, const uint8_t key[32]);

/* csra_cache_get_blob copies into |out| (at most |cap| bytes) the data
 * stored under |key| by csra_cache_put_blob, sets |*len| to its length
 * and returns 1; 0 if there is none. csra_cache_put_blob stores a copy of
 * |data|/|len| (known-weak-key outcomes, csra_weak.c). */
int csra_cache_get_blob(struct csra_cache *c, const uint8_t key[32], void *out, size_t cap,
    size_t *len);
void csra_cache_put_blob(struct csra_cache *c, const uint8_t key[32], const void *data, size_t len);

/* csra_cache_stats reports |v|'s chain-cache hits and misses so far (for
 * tests). */
void csra_cache_stats(const csra_verifier *v, unsigned long *hits, unsigned long *misses);

/* csra_weak_key_check tests the key of the DER SubjectPublicKeyInfo
 * |spki|/|len| for known weaknesses (csra_weak.c, docs/verify.md
 * "Known-weak keys"): RSA for the ROCA fingerprint, close primes, small
 * prime factors and the exponent's range; EC on P-256/384/521 for the
 * point being on its curve and in its prime-order subgroup. Records in |r|,
 * at |path|, each failed test as "key.weak.<test>" with its
 * CSRA_ERR_WEAK_* code (CSRA_STATUS_WARN instead of FAIL when |policy|,
 * which may be NULL, waives that check name), and the tests passed (or
 * why some did not run) as one "key.weak" check. The outcome is cached in
 * |v|'s cache under the SPKI's SHA-256, so a key is tested once. Returns 1
 * if no failure was left unwaived, else 0 (also when memory ran out:
 * |r| is then marked). */
int csra_weak_key_check(const csra_verifier *v, const uint8_t *spki, size_t len, csra_result *r,
    const char *path, const csra_policy *policy);

/* csra_weak_full_checks counts, per thread, the keys csra_weak_key_check
 * tested in full rather than found in the cache (for tests). */
unsigned long long csra_weak_full_checks(void);

#endif
