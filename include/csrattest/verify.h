/* SPDX-License-Identifier: BSD-2-Clause */
/* Verifying PKIX Evidence (draft-ietf-rats-pkix-key-attestation-07). */
#ifndef CSRATTEST_VERIFY_H
#define CSRATTEST_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "csrattest/claims.h"
#include "csrattest/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_sig_policy says which signature blocks must hold. */
typedef enum csra_sig_policy {
	CSRA_SIG_ALL = 1,		/* every block verifies and chains to a trust anchor */
	CSRA_SIG_ANY_TRUSTED = 2	/* at least one does; the others are reported */
} csra_sig_policy;

/* csra_verifier holds trust anchors, keys and policy. Set it up, then
 * share it read-only between threads: csra_verify_evidence takes it const. */
typedef struct csra_verifier csra_verifier;

/* csra_verifier_new returns a verifier with no trust anchors, policy
 * CSRA_SIG_ALL, verification time "now", no timestamp window, lenient on
 * unknown claims; or NULL on allocation failure. */
csra_verifier *csra_verifier_new(void);

/* csra_verifier_free frees |*v| and sets |*v| to NULL. NULL is fine. */
void csra_verifier_free(csra_verifier **v);

/* csra_verifier_add_trust adds |cert| as a trust anchor (a reference is
 * taken). csra_verifier_add_trust_file adds every certificate of a PEM
 * file, or of every file in a directory. Return CSRA_OK,
 * CSRA_ERR_IO (unreadable, or no certificate in it) or CSRA_ERR_NOMEM;
 * CSRA_ERR_INVALID_ARGUMENT after csra_verifier_set_trust_store. */
csra_err csra_verifier_add_trust(csra_verifier *v, X509 *cert);
csra_err csra_verifier_add_trust_file(csra_verifier *v, const char *path);

/* csra_verifier_set_trust_store makes |store| the trust anchors of PKIX
 * Evidence, in place of the verifier's own: a reference is taken (not a
 * copy), so its CRLs, flags, depth and lookup methods (a hashed directory,
 * say) apply as the caller set them. Refused (CSRA_ERR_INVALID_ARGUMENT)
 * once csra_verifier_add_trust added an anchor, and csra_verifier_add_trust
 * is refused after it: one place says which anchors are in force. The TPM
 * and per-type (policy) stores keep their own anchors; the verify param and
 * CRLs below apply to them too, the caller store's CRLs do not. The
 * verifier cannot see changes made to |store| afterwards (new CRLs, say):
 * call csra_verifier_flush_cache after each. Not thread-safe against
 * verifications running on |v|. */
csra_err csra_verifier_set_trust_store(csra_verifier *v, X509_STORE *store);

/* csra_verifier_set_verify_param copies |param| (NULL: forget it) and
 * applies it to every path validation (PKIX Evidence and TPM AK chains)
 * after the store's own settings: its flags are added (X509_V_FLAG_
 * CRL_CHECK, _CRL_CHECK_ALL, _X509_STRICT, _POLICY_CHECK, _PARTIAL_CHAIN,
 * ...), its depth, policies, auth level, trust setting and host/email/IP
 * checks replace the store's. csrattest's own settings win where its
 * checks depend on them: the verification time (csra_verifier_set_time)
 * replaces the param's, and no purpose is checked (the AK EKU checks are
 * csrattest's; OpenSSL's purposes know no attestation key). A param with
 * X509_V_FLAG_NO_CHECK_TIME or X509_V_FLAG_IGNORE_CRITICAL is refused
 * (CSRA_ERR_INVALID_ARGUMENT), and both flags are cleared if a caller's
 * store sets them. Returns CSRA_OK, CSRA_ERR_INVALID_ARGUMENT or
 * CSRA_ERR_NOMEM. */
csra_err csra_verifier_set_verify_param(csra_verifier *v, const X509_VERIFY_PARAM *param);

/* csra_verifier_set_libctx makes every OpenSSL operation of |v| use the
 * library context |libctx| (NULL: the default one) with the property
 * query |propq| (copied; may be NULL): digests, key and certificate
 * parsing, signature verification, path validation. A FIPS provider
 * loaded in a context of its own, with "fips=yes", is the intended use.
 * |libctx| is not owned: it must outlive |v| and every result made with
 * it. Refused (CSRA_ERR_INVALID_ARGUMENT, |v| unchanged) when SHA-256 cannot
 * be fetched there. Set it before loading CRLs from files (they are
 * parsed in the context in force) and before sharing |v|. */
csra_err csra_verifier_set_libctx(csra_verifier *v, OSSL_LIB_CTX *libctx, const char *propq);

/* csra_verifier_add_crl adds |crl| (a reference is taken) to the CRLs of
 * every path validation of |v| (PKIX Evidence, TPM and per-type stores, a
 * caller's store too), and turns on X509_V_FLAG_CRL_CHECK |
 * X509_V_FLAG_CRL_CHECK_ALL: every certificate of a path then needs a
 * current CRL from its issuer. A revoked AK or intermediate fails its
 * chain check with CSRA_ERR_AK_REVOKED; a missing, expired or badly signed
 * CRL with CSRA_ERR_AK_CRL. csra_verifier_add_crl_file reads a PEM file of
 * one or more CRLs or a DER CRL, or every such file of a directory
 * (others are skipped). Return CSRA_OK, CSRA_ERR_IO (unreadable, or no
 * CRL in it), CSRA_ERR_INVALID_ARGUMENT or CSRA_ERR_NOMEM. Cached paths
 * are dropped. */
csra_err csra_verifier_add_crl(csra_verifier *v, X509_CRL *crl);
csra_err csra_verifier_add_crl_file(csra_verifier *v, const char *path);

/* csra_verifier_flush_cache drops every cached path and parsed
 * certificate, for changes the verifier cannot see: CRLs or anchors added
 * to a caller's X509_STORE after csra_verifier_set_trust_store. Not
 * thread-safe against verifications running on |v|. */
csra_err csra_verifier_flush_cache(csra_verifier *v);

/* csra_verifier_add_untrusted adds |cert| to the intermediates offered to
 * path building for every verification; csra_verifier_add_untrusted_file
 * reads a PEM file. Same returns as above. */
csra_err csra_verifier_add_untrusted(csra_verifier *v, X509 *cert);
csra_err csra_verifier_add_untrusted_file(csra_verifier *v, const char *path);

/* csra_verifier_add_signer_cert adds an attestation-key certificate that a
 * SignerIdentifier's keyId may name (matched on its subject key
 * identifier); the certificate must still chain to a trust anchor.
 * csra_verifier_add_signer_key adds a bare public key under |keyid|: the
 * caller vouches for it, so a block it verifies counts as trusted. */
csra_err csra_verifier_add_signer_cert(csra_verifier *v, X509 *cert);
csra_err csra_verifier_add_signer_key(csra_verifier *v, EVP_PKEY *key, const uint8_t *keyid,
    size_t keyid_len);

/* csra_verifier_add_ak_eku adds |oid| (DER contents of an OBJECT
 * IDENTIFIER, |len| bytes) to the ExtendedKeyUsages that make a
 * certificate a PKIX Evidence attestation key (check ak.eku). The default
 * is the draft's id-kp-attestationKey placeholder, 1.3.6.1.5.5.7.3.999;
 * the first call replaces it, later calls add (e.g. the placeholder
 * again and the IANA-assigned OID during a transition). A policy that
 * names ak_ekus replaces the whole set (docs/policy.md). */
csra_err csra_verifier_add_ak_eku(csra_verifier *v, const uint8_t *oid, size_t len);

/* csra_verifier_set_time fixes the verification time (0: the current time
 * at each call). It replaces a clock set by csra_verifier_set_clock. */
csra_err csra_verifier_set_time(csra_verifier *v, time_t t);

/* csra_clock_fn gives the time to verify at: it sets |*now| (> 0) and
 * returns 1, or returns 0 if it cannot tell (a trusted time source that
 * is unreachable). |arg| is csra_verifier_set_clock's. */
typedef int (*csra_clock_fn)(void *arg, time_t *now);

/* csra_verifier_set_clock makes |clock| the source of the verification
 * time; NULL restores the system clock. It replaces a time fixed by
 * csra_verifier_set_time, and that replaces it. The clock is read once
 * per csra_verify_request or csra_verify_evidence call, from the calling
 * thread (so it must be thread-safe if the verifier is shared), and that
 * one time judges every certificate, timestamp and statement of the call
 * and is recorded as evaluated_at. If it returns 0 or a time <= 0,
 * nothing is verified: the result holds the failed check "time.clock"
 * (CSRA_ERR_CLOCK) and is rejected. |arg| is borrowed. */
csra_err csra_verifier_set_clock(csra_verifier *v, csra_clock_fn clock, void *arg);

/* csra_verifier_set_sig_policy sets the signature policy. */
csra_err csra_verifier_set_sig_policy(csra_verifier *v, csra_sig_policy p);

/* csra_verifier_set_strict makes unknown elements and claims failures
 * instead of ignored (the draft's default). */
csra_err csra_verifier_set_strict(csra_verifier *v, int on);

/* The largest max_age or skew csra_verifier_set_timestamp_window takes:
 * about 31 years, so that max_age + skew fits a 32-bit long. */
#define CSRA_TIMESTAMP_WINDOW_MAX 1000000000L

/* csra_verifier_set_timestamp_window requires the transaction timestamp to
 * lie within [t - max_age - skew, t + skew] of the verification time t.
 * max_age < 0 turns the check off (the default). A max_age or skew above
 * CSRA_TIMESTAMP_WINDOW_MAX, or a negative skew, is refused with
 * CSRA_ERR_INVALID_ARGUMENT and leaves the window as it was. */
csra_err csra_verifier_set_timestamp_window(csra_verifier *v, long max_age, long skew);

/* csra_verifier_set_chain_cache keeps up to |entries| attestation-key
 * paths that validated, and the certificates parsed for them, for later
 * verifications by |v| (from any thread) with the same leaf, the same
 * intermediates offered in the same order, the same trust anchors, and a
 * verification time at which no certificate involved changes validity.
 * Failures are never kept. 0 turns the cache off; the default is 64.
 * Empties the cache. Returns CSRA_OK, CSRA_ERR_INVALID_ARGUMENT or
 * CSRA_ERR_NOMEM (the cache is then off). */
csra_err csra_verifier_set_chain_cache(csra_verifier *v, size_t entries);

/* csra_limit names a count that csra_verifier_set_limit bounds. Hostile
 * inputs pack many small items into one request; a count over its cap is
 * refused with its own CSRA_ERR_LIMIT_* code instead of being worked
 * through. The defaults are far above what real requests carry. */
typedef enum csra_limit {
	CSRA_LIMIT_STATEMENTS = 0,	/* statements in one bundle (default 64) */
	CSRA_LIMIT_CERTS = 1,		/* certificates in a bundle or an Evidence (256) */
	CSRA_LIMIT_ATTRIBUTES = 2,	/* PKCS#10 attributes (256) */
	CSRA_LIMIT_EXTENSIONS = 3,	/* extensions of a request or CRMF template (256) */
	CSRA_LIMIT_SIGNERS = 4,		/* signature blocks in one Evidence (16) */
	CSRA_LIMIT_CLAIMS = 5,		/* claims in one statement, all elements (4096) */
	CSRA_LIMIT_ELEMENTS = 6		/* reported elements in one Evidence (1024) */
} csra_limit;

#define CSRA_LIMIT_COUNT 7

/* csra_verifier_set_limit sets the cap |which| to |max| (at least 1).
 * Returns CSRA_OK or CSRA_ERR_INVALID_ARGUMENT. csra_verifier_limit
 * returns the cap in force (0 for an unknown |which|). */
csra_err csra_verifier_set_limit(csra_verifier *v, csra_limit which, size_t max);
size_t csra_verifier_limit(const csra_verifier *v, csra_limit which);

/* csra_verdict is the overall outcome. */
typedef enum csra_verdict {
	CSRA_VERDICT_VERIFIED = 0,	/* every check that ran passed */
	CSRA_VERDICT_REJECTED = 1,	/* well-formed, but a check failed */
	CSRA_VERDICT_MALFORMED = 2,	/* the input does not decode */
	/* A request's statement of a type no verifier handles: neither
	 * verified nor rejected, and never counted towards a policy. */
	CSRA_VERDICT_UNKNOWN = 3
} csra_verdict;

/* csra_status is the outcome of one check. */
typedef enum csra_status {
	CSRA_STATUS_PASS = 0,
	CSRA_STATUS_FAIL = 1,	/* decides the verdict */
	CSRA_STATUS_WARN = 2,	/* failed, but policy does not depend on it */
	CSRA_STATUS_SKIP = 3	/* not applicable, or ignored by policy */
} csra_status;

/* csra_result is everything one verification found. */
typedef struct csra_result csra_result;

/* csra_verify_evidence verifies the DER Evidence |der|/|len| under |v|.
 * |nonce| (may be NULL) is the expected transaction nonce. |extra| (may be
 * NULL) offers more intermediates, such as an AttestationBundle's certs.
 * Returns CSRA_OK with |*out| set, whatever the verdict; or an error
 * (CSRA_ERR_NOMEM, CSRA_ERR_INVALID_ARGUMENT) with |*out| NULL. */
csra_err csra_verify_evidence(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra, csra_result **out);

/* csra_result_free frees |*r| and sets |*r| to NULL. NULL is fine. */
void csra_result_free(csra_result **r);

/* csra_result_verdict returns the overall verdict. */
csra_verdict csra_result_verdict(const csra_result *r);

/* csra_result_check_count returns how many checks ran. */
size_t csra_result_check_count(const csra_result *r);

/* csra_result_check describes check |i|: a stable dotted name (|*name|,
 * e.g. "signature.value"), its status, the error code (CSRA_OK when it
 * passed), a human message, and the path of the element or claim
 * concerned (e.g. "tbs.reportedElements[2].claims[3]"; "" for the whole
 * Evidence). Strings are owned by |r| and valid until it is freed. The
 * messages are formatted at the first call that asks for one (safe from
 * several threads at once); if memory runs out then, |*message| is a fixed
 * text saying so (csra_result_check_message needs none). Returns 1, or 0
 * if |i| is out of range. */
int csra_result_check(const csra_result *r, size_t i, const char **name, csra_status *status,
    csra_err *code, const char **message, const char **path);

/* csra_result_check_message formats check |i|'s message (printable ASCII,
 * at most 511 bytes) into |buf|, the caller's, of |cap| bytes, cut to fit
 * and NUL-terminated as snprintf does (|buf| may be NULL when |cap| is 0).
 * It allocates nothing and does not modify |r|. Returns the message's
 * length (a result >= |cap| means it was cut), or -1 if |i| is out of
 * range. */
int csra_result_check_message(const csra_result *r, size_t i, char *buf, size_t cap);

/* csra_result_find returns the index of the first check named |name| with
 * error code |code| (CSRA_OK matches passing checks), or -1. For tests
 * and callers looking for one reason. */
long csra_result_find(const csra_result *r, const char *name, csra_err code);

/* csra_result_has_failure returns 1 if a check failed with |code|. */
int csra_result_has_failure(const csra_result *r, csra_err code);

/* csra_claim_value is one typed claim value; byte fields point into |r|
 * (owned by it, valid until it is freed).
 *
 * An INTEGER that fits int64_t is |integer| with |big| 0. One outside it
 * (the ASN.1 type is unbounded) has |big| 1, |negative| its sign, and
 * |bytes|/|len| its minimal two's-complement big-endian octets, as DER's
 * contents (len 9 to 256); |integer| is then saturated to INT64_MIN or
 * INT64_MAX so that code reading only it still orders it right. INTEGER
 * claims over 256 octets are refused (CSRA_ERR_EV_INTEGER_RANGE). UTF8
 * values never contain U+0000 (refused: CSRA_ERR_EV_CLAIM_NUL). */
#define CSRA_CLAIM_INT_MAX_BYTES 256

typedef struct csra_claim_value {
	csra_value_type type;
	int boolean;
	int64_t integer;	/* INTEGER when !big; saturated when big */
	const uint8_t *bytes;	/* OCTETS, UTF8 (not NUL-terminated), big INTEGER */
	size_t len;
	time_t time;
	unsigned purposes;	/* CSRA_PURPOSE_* bits */
	int big;		/* INTEGER outside int64_t: in |bytes| */
	int negative;		/* big: below zero */
} csra_claim_value;

/* csra_result_platform_claim and csra_result_transaction_claim give the
 * first value of claim |c| of the platform / transaction element. Return
 * 1 and fill |*out|, or 0 if absent. */
int csra_result_platform_claim(const csra_result *r, csra_claim c, csra_claim_value *out);
int csra_result_transaction_claim(const csra_result *r, csra_claim c, csra_claim_value *out);

/* csra_result_key_count returns the number of key elements;
 * csra_result_key_claim gives claim |c| of key element |k| as above. */
size_t csra_result_key_count(const csra_result *r);
int csra_result_key_claim(const csra_result *r, size_t k, csra_claim c, csra_claim_value *out);

/* csra_result_signer_count returns the number of signature blocks;
 * csra_result_signer_trusted says whether block |i| verified and chained
 * to a trust anchor (or was made by a caller-supplied key), and
 * csra_result_signer_chain returns its validated chain, leaf first
 * (owned by |r|; NULL if none). Certificates csrattest checked without
 * OpenSSL are parsed on the first call (safe from several threads); NULL
 * also if that runs out of memory. */
size_t csra_result_signer_count(const csra_result *r);
int csra_result_signer_trusted(const csra_result *r, size_t i);
STACK_OF(X509) *csra_result_signer_chain(const csra_result *r, size_t i);

/* CSRA_RECORD_FORMAT and CSRA_RECORD_VERSION name the JSON record
 * csra_result_json writes (docs/record.md, docs/record.schema.json). The
 * version grows when a member is removed or changes meaning; members may
 * be added within a version. */
#define CSRA_RECORD_FORMAT "csrattest-record"
#define CSRA_RECORD_VERSION 1

/* csra_result_json renders the result as the JSON record a CA keeps:
 * format and version, the input's SHA-256, when it was verified and at
 * which time validity was judged, verdict, checks, claims and signers.
 * Returns a NUL-terminated string to free with csra_free, or NULL on
 * allocation failure. */
char *csra_result_json(const csra_result *r);

/* csra_verdict_name and csra_status_name return the names the record uses
 * ("verified", "rejected", "malformed", "unknown"; "pass", "fail", "warn",
 * "skip"), or "?" for a value this build does not know. Static; never
 * NULL. */
const char *csra_verdict_name(csra_verdict v);
const char *csra_status_name(csra_status s);

#ifdef __cplusplus
}
#endif

#endif
