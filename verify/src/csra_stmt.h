/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The contract between the CSR verifier and each attestation-statement
 * verifier (PKIX Evidence, TPM 2.0 certify, external commands, callbacks),
 * and between them and the policy.
 */
#ifndef CSRA_STMT_H
#define CSRA_STMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "csra_verify_int.h"
#include "csrattest/request.h"

/* csra_same says whether |a|/|alen| and |b|/|blen| are the same bytes. */
static inline int csra_same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* An AttestationBundle "other" certificate entry. */
typedef struct csra_other_cert {
	const uint8_t *format;	/* OID, DER contents */
	size_t format_len;
	const uint8_t *value;	/* otherCert: its whole TLV */
	size_t value_len;
} csra_other_cert;

/* What a statement verifier is given. Everything is borrowed. */
typedef struct csra_stmt_in {
	const uint8_t *type;		/* statement type OID, DER contents */
	size_t type_len;
	const uint8_t *stmt;		/* the statement value: its whole TLV */
	size_t stmt_len;
	const uint8_t *request_spki;	/* the request's SubjectPublicKeyInfo, DER */
	size_t request_spki_len;
	const uint8_t *nonce;		/* the expected nonce, or NULL */
	size_t nonce_len;
	STACK_OF(X509) *certs;		/* the bundle's certificate entries (may be empty) */
	const csra_other_cert *others;	/* the bundle's other entries */
	size_t nothers;
	time_t at;			/* verification time */
	EVP_PKEY *request_key;		/* request_spki parsed, or NULL (then parsed where needed) */
	/* The verifier: its library context, X509_VERIFY_PARAM and CRLs for
	 * OpenSSL's work (csra_store_ctx, csra_sig_verify); NULL: defaults. */
	const struct csra_verifier *v;
	/* A file's certificate bag, read once for every format's detect()
	 * and verify() (csra_stmt_certbag), or NULL. */
	const struct csra_certbag *bag;
	/* A file attestation given in several parts (csra_attestation: an
	 * XML statement, its detached signature and a certificate chain; a
	 * binary and its certificates), every part in the caller's order,
	 * in->stmt among them (the one detect() took). A format reads the
	 * parts it needs by content, records CSRA_ERR_FMT_PART_MISSING for
	 * one it lacks and CSRA_ERR_FMT_PART_UNUSED for one it cannot place.
	 * A single file: nparts 1, parts[0] == stmt. Inside an
	 * AttestationBundle: NULL, 0. */
	const uint8_t *const *parts;
	const size_t *part_lens;
	size_t nparts;
	/* part_bags[i]: part i's certificates as the request layer read them
	 * for detection (csra_stmt_certbag's cap), or NULL; the array may be
	 * NULL. Read through csra_stmt_part_certbag. */
	const struct csra_certbag *const *part_bags;
} csra_stmt_in;

/* A claim a statement makes, for the report and the policy. Names are the
 * draft's claim names where they apply ("extractable", "fipslevel", ...);
 * other statement types use their own ("fixedTPM", ...). Strings and bytes
 * live in the csra_stmt_out's chunks and are kept at their real length. */
typedef struct csra_stmt_claim {
	const char *element;	/* "key", "platform" or "transaction"; NUL-terminated */
	const char *name;	/* NUL-terminated */
	csra_value_type type;	/* CSRA_VALUE_BOOLEAN, _INTEGER, _UTF8 or _OCTETS */
	int boolean;
	int64_t integer;	/* INTEGER when !big */
	int big;		/* INTEGER outside int64_t: see bytes */
	int negative;		/* big: the value is below zero */
	const uint8_t *bytes;	/* big: minimal two's-complement big-endian, as DER's contents;
				 * OCTETS: the |len| bytes (non-NULL, even when |len| is 0) */
	size_t len;
	const char *text;	/* UTF8: |text_len| bytes, never U+0000, NUL-terminated */
	size_t text_len;
} csra_stmt_claim;

/* Bounds on what one claim may hold: a name longer than this is refused
 * (it could only be meant to pass for another in a cut copy), and an
 * INTEGER longer than CSRA_STMT_MAX_INT_BYTES octets (2048 bits) is
 * CSRA_ERR_EV_INTEGER_RANGE: decimal rendering is quadratic in length. */
#define CSRA_STMT_MAX_NAME 255
#define CSRA_STMT_MAX_INT_BYTES CSRA_CLAIM_INT_MAX_BYTES


/* What a statement verifier reports, besides the checks it records in its
 * csra_result. Zero it before use (csra_stmt_out_init sets the cap); free
 * what it holds with csra_stmt_out_clear. Its memory grows with its
 * claims: the array doubles, strings go into shared chunks. */
typedef struct csra_stmt_out {
	/* What the verifier confirmed of the CA's nonce: CSRA_FRESHNESS_NONCE
	 * only when one was given and the statement carries it. */
	csra_freshness freshness;
	int verified;		/* structure, signature and chain all hold */
	int bound;		/* it attests a key byte-equal to request_spki */
	csra_stmt_claim *claims;	/* of the bound key, and platform */
	size_t nclaims, cap;
	struct csra_strchunk *chunks;	/* the claims' strings and bytes */
	size_t limit;		/* most claims it takes (CSRA_LIMIT_CLAIMS); 0: 4096 */
	int reports_freshness;	/* freshness is what the verifier reported: see csra_format */
	struct csra_stmt_key *keys;	/* the attested keys (csra_stmt_add_key) */
	size_t nkeys, keys_cap;
	csra_err err;		/* the first claim refused: CSRA_ERR_LIMIT_CLAIMS, ... */
	char err_path[64];	/* "element.name" of that claim (cut) */
} csra_stmt_out;

#define CSRA_STMT_DEFAULT_LIMIT 4096

/* An attested public key: its SubjectPublicKeyInfo, DER, in the
 * csra_stmt_out's chunks. */
struct csra_stmt_key {
	const uint8_t *spki;
	size_t len;
};

/* csra_stmt_out_init zeroes |out| and sets its claim cap to |limit|
 * (0: CSRA_STMT_DEFAULT_LIMIT). csra_stmt_out_clear frees what |out|
 * holds and zeroes it (NULL is fine). */
void csra_stmt_out_init(csra_stmt_out *out, size_t limit);
void csra_stmt_out_clear(csra_stmt_out *out);

/* csra_stmt_add_bool/int/bigint/text append a claim to |out|. Each returns
 * CSRA_OK; CSRA_ERR_LIMIT_CLAIMS when |out| already holds its limit;
 * CSRA_ERR_EV_CLAIM_NUL for text containing U+0000;
 * CSRA_ERR_EV_INTEGER_RANGE for an INTEGER over CSRA_STMT_MAX_INT_BYTES;
 * CSRA_ERR_INVALID_ARGUMENT for a missing, empty or over-long element or
 * name (or an INTEGER that is not minimal); or CSRA_ERR_NOMEM. The first
 * failure is kept in out->err (the claim is not added): a statement with
 * a refused claim must not verify, see csra_stmt_refused.
 * csra_stmt_add_bigint takes the minimal two's-complement big-endian
 * octets of an INTEGER (DER's contents) and stores it as an int64_t when
 * it fits. */
csra_err csra_stmt_add_bool(csra_stmt_out *out, const char *element, const char *name, int v);
csra_err csra_stmt_add_int(csra_stmt_out *out, const char *element, const char *name, int64_t v);
csra_err csra_stmt_add_bigint(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *twos, size_t n);
csra_err csra_stmt_add_text(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *p, size_t n);

/* csra_stmt_add_bytes appends an OCTETS claim of the |n| bytes at |p|
 * (copied; any bytes, U+0000 included; |p| may be NULL only if |n| is 0).
 * Errors as csra_stmt_add_text's, without CSRA_ERR_EV_CLAIM_NUL. */
csra_err csra_stmt_add_bytes(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *p, size_t n);

/* csra_stmt_add_key appends the attested key |spki|/|len| (DER
 * SubjectPublicKeyInfo, copied) to |out|. Returns CSRA_OK,
 * CSRA_ERR_INVALID_ARGUMENT (empty), CSRA_ERR_LIMIT_CLAIMS (over the claim
 * cap: keys count as claims) or CSRA_ERR_NOMEM. */
csra_err csra_stmt_add_key(csra_stmt_out *out, const uint8_t *spki, size_t len);

/* csra_stmt_bind records "statement.binding" in |child|: for a statement
 * that verified (out->verified), pass when one of out's attested keys is
 * byte-equal to in->request_spki (out->bound set), fail with
 * CSRA_ERR_STMT_NOT_BOUND when none is, skip when there is no key to bind
 * to (in->request_spki NULL: an attestation verified on its own); for one
 * that did not, csra_stmt_unverified. Returns out->bound. */
int csra_stmt_bind(const csra_stmt_in *in, csra_stmt_out *out, csra_result *child);

/* csra_stmt_unverified marks |out| not verified and records the binding
 * skipped in |child|. Returns 0 when recording ran out of memory. */
int csra_stmt_unverified(csra_stmt_out *out, csra_result *child);

/* csra_stmt_refused records check "statement.claims" in |r|: failed with
 * out->err if a claim was refused (and returns 1), else nothing (0).
 * |kind| names the source ("the callback", "the reply"). */
int csra_stmt_refused(const csra_stmt_out *out, csra_result *r, const char *kind);

/* csra_int_decimal writes the INTEGER with minimal two's-complement
 * octets |twos|/|n| (n <= CSRA_STMT_MAX_INT_BYTES) in decimal to |buf|
 * (|cap| >= 3 * n + 3 bytes suffice) and returns |buf|, or NULL if it does
 * not fit or |n| is 0 or over the bound. Quadratic in |n|: the bound
 * keeps it cheap. */
char *csra_int_decimal(const uint8_t *twos, size_t n, char *buf, size_t cap);

/* csra_stmt_find returns the claim |name| of |element| in |out|, or NULL. */
const csra_stmt_claim *csra_stmt_find(const csra_stmt_out *out, const char *element,
    const char *name);

struct csra_eku_set;

/* csra_tpm_verify checks a TPM 2.0 certify statement (type 2.23.133.20.1,
 * TcgAttestCertify) against TPM trust anchors |trust|, the AK certificate
 * needing one of the EKUs |ekus| (NULL: tcg-kp-AIKCertificate): records
 * its checks in |r| (names "tpm.*", paths relative to the statement) and
 * fills |out| (set up by the caller with csra_stmt_out_init, which gives
 * its cap). Returns CSRA_OK, or CSRA_ERR_NOMEM. */
csra_err csra_tpm_verify(const csra_stmt_in *in, X509_STORE *trust, const struct csra_eku_set *ekus,
    csra_result *r, csra_stmt_out *out);

/* An external verifier: a command run without a shell. */
typedef struct csra_external {
	char **argv;		/* argv[0] is the program path; NULL-terminated */
	unsigned timeout_ms;
	size_t max_output;
} csra_external;

/* csra_external_verify runs |ext| with the statement's DER on its stdin and
 * the path of a PEM file holding the bundle's certificates appended as the
 * last argument, in an environment holding only PATH, CSRATTEST_NONCE (the
 * CA's nonce in hex, when given), CSRATTEST_TIME and CSRATTEST_TIME_EPOCH
 * (the verification time), and reads its JSON reply into |out| (set up by
 * the caller with csra_stmt_out_init):
 *   {"spki": "<base64 DER SubjectPublicKeyInfo of the attested key>",
 *    "freshness": "nonce" | "none",
 *    "claims": {"key": {"extractable": false, ...},
 *               "platform": {"fipslevel": 3, "fw": {"bytes": "<base64>"}, ...}}}
 * A non-zero exit, a timeout, output over max_output or bad JSON is a
 * failed statement (checks "external.*" in |r|), never a crash. Returns
 * CSRA_OK, or CSRA_ERR_NOMEM. */
csra_err csra_external_verify(const csra_external *ext, const csra_stmt_in *in, csra_result *r,
    csra_stmt_out *out);

/* csra_external_parse_reply reads an external verifier's reply |buf|/|len|
 * (the JSON above; |buf| may be NULL when |len| is 0) as
 * csra_external_verify does once the command has succeeded: records
 * "external.reply" and "external.key" in |r|, sets out->verified when the
 * reply is well-formed, out->bound when its spki is byte-equal to
 * |request_spki| (may be NULL), out->freshness from its "freshness"
 * member ("nonce" is malformed when |have_nonce| is 0: there was nothing
 * to confirm), and appends the claims to |out| (set up by the caller with
 * csra_stmt_out_init). Attackers may control the reply. Returns CSRA_OK,
 * or CSRA_ERR_NOMEM (CSRA_ERR_INVALID_ARGUMENT if |r| or |out| is NULL). */
csra_err csra_external_parse_reply(const char *buf, size_t len, const uint8_t *request_spki,
    size_t request_spki_len, int have_nonce, csra_result *r, csra_stmt_out *out);

/* The verifier's routes from a statement type to a verifier of the
 * caller's, and its trust anchors per type (from the policy). */
struct csra_external_route {
	uint8_t oid[64];
	size_t oid_len;
	csra_external ext;
};

struct csra_callback_route {
	uint8_t oid[64];
	size_t oid_len;
	csra_stmt_callback cb;
	void *arg;
};

struct csra_type_store {
	uint8_t oid[64];
	size_t oid_len;
	X509_STORE *store;
};

/* A statement format: one module per format, listed in csra_formats.c.
 * Vendor formats (verify/formats/<name>/) report their claims in the
 * vocabulary of PKIX Evidence (docs/formats.md), their attested keys with
 * csra_stmt_add_key, bind with csra_stmt_bind, take their anchors from
 * csra_verifier_format_store, and record every vendor deviation they
 * accept as a "quirk.<what>" check (CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK).
 * |kind| names it in results and records. handles() says whether it
 * verifies statements of type |type| under |v|, and may hand verify() the
 * verifier's route for it (an external command, a callback). verify()
 * records its checks in |child| and fills |out|: verified when structure,
 * signature and chain hold, bound when it attests a key byte-equal to
 * in->request_spki, freshness and claims. A format that can only report
 * what its verifier confirmed of the nonce sets out->reports_freshness:
 * the request then records "freshness.nonce" under the policy. Returns
 * CSRA_OK, or CSRA_ERR_NOMEM. */
typedef struct csra_format {
	const char *kind;
	int (*handles)(const csra_verifier *v, const uint8_t *type, size_t len, const void **route);
	/* For attestations given as files beside a request (or alone): 1 if
	 * |p|/|len|, the file's bytes as read (PEM or DER), is in this
	 * format; |bag| is its certificates when it reads as a certificate
	 * bag (read once for all formats), else NULL. Cheap: structure and
	 * the vendor's marks only, never a signature. NULL: the format
	 * only comes inside an AttestationBundle. verify() then gets
	 * in->type NULL (type_len 0), in->stmt the file's bytes, in->certs
	 * the caller's extra certificates (may be NULL), and
	 * in->request_spki the key to bind to, or NULL. */
	int (*detect)(const uint8_t *p, size_t len, const struct csra_certbag *bag);
	csra_err (*verify)(const csra_verifier *v, const void *route, csra_decoded *d,
	    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out);
	/* 1: verify() reads in->parts (a file attestation may come as
	 * several files) and fails for a part it cannot place. 0: one file;
	 * an attestation of more parts fails before verify() runs. */
	int multipart;
} csra_format;

extern const csra_format csra_format_thales_luna;
extern const csra_format csra_format_marvell_liquidsecurity;
extern const csra_format csra_format_pkix_evidence, csra_format_tpm2_certify,
    csra_format_external, csra_format_callback;
extern const csra_format csra_format_yubico_piv;
extern const csra_format csra_format_yubihsm2;
extern const csra_format csra_format_crypto4a_qasm;
extern const csra_format csra_format_securosys_primus;

/* The registry, in the order formats are tried; NULL-terminated. */
extern const csra_format *const csra_formats[];

/* csra_format_find returns the format named |kind|, or NULL. */
const csra_format *csra_format_find(const char *kind);

struct csra_certbag;

/* csra_stmt_certbag gives |*b| the certificates of the file statement
 * |in|: in->bag, shared (borrowed: finish with csra_stmt_certbag_done,
 * never csra_certbag_clear), or read from in->stmt. At most the
 * verifier's CSRA_LIMIT_CERTS + 1, so that one over the cap shows.
 * Returns what csra_certbag_read does. */
csra_err csra_stmt_certbag(const csra_verifier *v, const csra_stmt_in *in, struct csra_certbag *b,
    char *why, size_t why_len);
void csra_stmt_certbag_done(const csra_stmt_in *in, struct csra_certbag *b);

/* csra_stmt_part_certbag is csra_stmt_certbag for the part |p|/|len| of
 * |in| (one of in->parts): the request layer's bag for it when it read one
 * (borrowed: |*borrowed| set), else read now. Finish with
 * csra_stmt_part_certbag_done. */
csra_err csra_stmt_part_certbag(const csra_verifier *v, const csra_stmt_in *in, const uint8_t *p, size_t len,
    struct csra_certbag *b, int *borrowed, char *why, size_t why_len);
void csra_stmt_part_certbag_done(struct csra_certbag *b, int borrowed);

/* csra_format_open_bag reads the certificate bag of a vendor format's file
 * statement (csra_stmt_certbag) and records "<kind>.decode": passed with
 * the count, or failed (not a bag, a PKCS#7 envelope out of DER, which a
 * format that accepts it must check for itself) or "limit.certs" over
 * the cap. Returns 1 when the bag is usable; |*err| is the read's code
 * (CSRA_ERR_NOMEM: nothing recorded). Finish with csra_stmt_certbag_done. */
int csra_format_open_bag(const csra_verifier *v, const char *kind, const csra_stmt_in *in, csra_result *r,
    struct csra_certbag *b, csra_err *err);

/* csra_certbag_leaf finds the bag's one certificate that issues no other
 * (never the input order) and its issuer in the bag, by name: returns 1
 * with |*leaf| and |*issuer|; -1 if not exactly one issues no other; 0
 * if its issuer is missing, -2 if several could be it (|*leaf| set). */
int csra_certbag_leaf(const struct csra_certbag *b, int *leaf, int *issuer);

/* csra_format_detect_parts returns the first format whose detect() takes
 * any of the |nparts| parts (PEM or DER as read; |bags|[i] part i's
 * certificates or NULL; |bags| may be NULL), with |*main| the first part
 * it took; sets |*n| to how many formats took one; |names| (may be NULL)
 * gets them, comma-separated. Only |*n| == 1 is an answer. */
const csra_format *csra_format_detect_parts(const uint8_t *const *parts, const size_t *lens,
    const struct csra_certbag *const *bags, size_t nparts, size_t *main, size_t *n, char *names, size_t names_cap);

/* csra_format_detect is csra_format_detect_parts for one part |p|/|len|. */
const csra_format *csra_format_detect(const uint8_t *p, size_t len, const struct csra_certbag *bag,
    size_t *n, char *names, size_t names_cap);

/* csra_format_detects reads |p|/|len| as a bag if it is one and asks |f|'s
 * detect(): for callers with one file and one format in mind. */
int csra_format_detects(const csra_format *f, const uint8_t *p, size_t len);

/* csra_format_chain records "ak.chain" for a vendor format: |leaf|'s path
 * to |kind|'s anchors at in->at (csra_chain_check: the chain cache, the
 * verifier's CRLs, parameters and library context), the bag's other
 * certificates, the caller's (in->certs) and the bundle's published
 * intermediates for |kind| as helpers; |cb|/|cb_arg|/|cb_id| the
 * format's accepted deviations. The check's path names the bag's
 * certificate concerned ("certs[i]"; the leaf is the bag's |leaf_at|th,
 * or -1: found by comparison); a bad signature anywhere is
 * CSRA_ERR_SIG_INVALID. Returns 1 and |*chain| (free with
 * sk_X509_pop_free), 0 when no path holds (recorded), -1 when memory ran
 * out (not recorded). */
int csra_format_chain(const csra_verifier *v, const char *kind, const csra_stmt_in *in,
    const struct csra_certbag *bag, X509 *leaf, long leaf_at, X509_STORE_CTX_verify_cb cb,
    void *cb_arg, const char *cb_id, csra_result *r, STACK_OF(X509) **chain);

/* csra_verifier_format_store returns the trust anchors for format |kind|:
 * the vendor bundle's roots for it (unless the caller dropped them) and
 * those the caller added. NULL when it has none. */
X509_STORE *csra_verifier_format_store(const csra_verifier *v, const char *kind);

#endif
