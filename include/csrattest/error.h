/* SPDX-License-Identifier: BSD-2-Clause */
/* Stable error codes of csrattest. */
#ifndef CSRATTEST_ERROR_H
#define CSRATTEST_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* csra_err is a stable error code: numbers are never reused or changed,
 * so CA audit logs and scripts may store them. New codes are appended
 * within their group. csra_strerror() gives the message. */
typedef enum csra_err {
	CSRA_OK = 0,
	CSRA_ERR_NOMEM = 1,
	CSRA_ERR_INVALID_ARGUMENT = 2,
	CSRA_ERR_INTERNAL = 3,
	CSRA_ERR_IO = 4,
	CSRA_ERR_CLOCK = 5,	/* the verifier's clock callback gave no time */

	/* Input framing: PEM, base64, raw DER detection. */
	CSRA_ERR_INPUT_EMPTY = 20,
	CSRA_ERR_INPUT_TOO_LARGE = 21,
	CSRA_ERR_INPUT_BAD_PEM = 22,
	CSRA_ERR_INPUT_UNKNOWN_LABEL = 23,
	CSRA_ERR_INPUT_BAD_BASE64 = 24,
	CSRA_ERR_INPUT_NOT_DER = 25,
	CSRA_ERR_INPUT_MULTIPLE_PEM = 26,
	CSRA_ERR_INPUT_WRONG_LABEL = 27,	/* a PEM block of another kind than the one asked for */

	/* Strict DER: the encoding itself. */
	CSRA_ERR_DER_TRUNCATED = 100,
	CSRA_ERR_DER_TRAILING_DATA = 101,
	CSRA_ERR_DER_INDEFINITE_LENGTH = 102,
	CSRA_ERR_DER_NONMINIMAL_LENGTH = 103,
	CSRA_ERR_DER_LENGTH_TOO_LARGE = 104,
	CSRA_ERR_DER_HIGH_TAG_FORM = 105,
	CSRA_ERR_DER_BAD_TAG = 106,
	CSRA_ERR_DER_DEPTH = 107,
	CSRA_ERR_DER_TOO_LARGE = 108,
	CSRA_ERR_DER_CONSTRUCTED_FORM = 109,
	CSRA_ERR_DER_BAD_BOOLEAN = 110,
	CSRA_ERR_DER_BAD_INTEGER = 111,
	CSRA_ERR_DER_BAD_OID = 112,
	CSRA_ERR_DER_BAD_BIT_STRING = 113,
	CSRA_ERR_DER_BAD_TIME = 114,
	CSRA_ERR_DER_BAD_NULL = 115,
	CSRA_ERR_DER_BAD_STRING = 116,
	CSRA_ERR_DER_SET_ORDER = 117,
	CSRA_ERR_DER_DEFAULT_ENCODED = 118,

	/* Strict DER: the encoding against the schema. */
	CSRA_ERR_DER_UNEXPECTED_TAG = 130,
	CSRA_ERR_DER_MISSING_ELEMENT = 131,
	CSRA_ERR_DER_CONSTRAINT = 132,
	CSRA_ERR_DER_SIGNER_ID_EMPTY = 133,
	CSRA_ERR_DER_RESOURCE_LIMIT = 134,
	CSRA_ERR_DER_DECODER = 135,

	/* PKIX Evidence content (draft-ietf-rats-pkix-key-attestation-07). */
	CSRA_ERR_EV_VERSION = 200,
	CSRA_ERR_EV_DUPLICATE_PLATFORM = 201,
	CSRA_ERR_EV_DUPLICATE_TRANSACTION = 202,
	CSRA_ERR_EV_CLAIM_WRONG_ELEMENT = 203,
	CSRA_ERR_EV_CLAIM_REPEATED = 204,
	CSRA_ERR_EV_CLAIM_NO_VALUE = 205,
	CSRA_ERR_EV_KEY_NO_IDENTIFIER = 206,
	CSRA_ERR_EV_KEY_DUPLICATE_IDENTIFIER = 207,
	CSRA_ERR_EV_FIPSLEVEL_RANGE = 208,
	CSRA_ERR_EV_UNKNOWN_ELEMENT = 209,
	CSRA_ERR_EV_UNKNOWN_CLAIM = 210,
	CSRA_ERR_EV_AK_SPKI_MISMATCH = 211,	/* no longer reported: see _AK_SPKI_UNMATCHED */
	CSRA_ERR_EV_UNSIGNED = 212,
	CSRA_ERR_EV_NONCE_MISSING = 213,
	CSRA_ERR_EV_NONCE_MISMATCH = 214,
	CSRA_ERR_EV_TIMESTAMP_MISSING = 215,
	CSRA_ERR_EV_TIMESTAMP_WINDOW = 216,
	CSRA_ERR_EV_INTEGER_RANGE = 217,
	CSRA_ERR_EV_CLAIM_NUL = 218,		/* a text claim contains U+0000 */
	CSRA_ERR_EV_SIGNER_NOT_LISTED = 219,	/* a signer's SPKI matches no ak-spki claim */
	CSRA_ERR_EV_AK_SPKI_UNMATCHED = 220,	/* an ak-spki claim no valid signature block matches */
	CSRA_ERR_EV_AK_SPKI_DUPLICATE = 221,	/* two ak-spki claims name the same key */

	/* Signature blocks. */
	CSRA_ERR_SIG_NO_SIGNER = 240,
	CSRA_ERR_SIG_KEYID_UNKNOWN = 241,
	CSRA_ERR_SIG_CERT_SPKI_MISMATCH = 242,
	CSRA_ERR_SIG_ALG_UNKNOWN = 243,
	CSRA_ERR_SIG_ALG_KEY_MISMATCH = 244,
	CSRA_ERR_SIG_ALG_PARAMS = 245,
	CSRA_ERR_SIG_RSA_TOO_SMALL = 246,
	CSRA_ERR_SIG_ALG_UNAVAILABLE = 247,
	CSRA_ERR_SIG_INVALID = 248,
	CSRA_ERR_SIG_BAD_KEY = 249,
	CSRA_ERR_SIG_POLICY = 250,
	CSRA_ERR_SIG_KEY_UNSUPPORTED = 251,
	CSRA_ERR_SIG_KEYID_UNMATCHED = 252,	/* a keyId names no key, though a certificate is given */

	/* Attestation-key certificates and paths. */
	CSRA_ERR_AK_NO_DIGITAL_SIGNATURE = 270,
	CSRA_ERR_AK_NO_EKU = 271,
	CSRA_ERR_AK_EXPIRED = 272,
	CSRA_ERR_AK_UNTRUSTED = 273,
	CSRA_ERR_AK_CHAIN = 274,
	CSRA_ERR_AK_NOT_CERTIFIED = 275,
	CSRA_ERR_AK_IS_CA = 276,		/* the attestation key's certificate is a CA certificate */
	CSRA_ERR_AK_NOT_YET_VALID = 277,	/* a certificate of the path is not yet valid */
	CSRA_ERR_AK_IS_REQUEST_KEY = 278,	/* the request key is the key of an AK that signed a statement */
	CSRA_ERR_AK_REVOKED = 279,		/* a CRL revokes the attestation key's certificate or one above it */
	CSRA_ERR_AK_CRL = 280,			/* CRL checking is on and a CRL is missing, stale or invalid */

	/* Policies. */
	CSRA_ERR_POLICY = 300,			/* a policy file is invalid */
	CSRA_ERR_POLICY_UNMET = 301,		/* a requirement is not met */
	CSRA_ERR_POLICY_KEY_ALGORITHM = 302,	/* request key algorithm/size not accepted */
	CSRA_ERR_POLICY_NO_STATEMENT = 303,	/* no verified statement bound to the request key */
	CSRA_ERR_POLICY_CLAIM_ABSENT = 304,
	CSRA_ERR_POLICY_CLAIM_VALUE = 305,
	CSRA_ERR_POLICY_FRESHNESS = 306,	/* the policy requires freshness the request does not show */
	CSRA_ERR_POLICY_FORMAT = 307,		/* an attestation format the policy does not accept */
	CSRA_ERR_POLICY_FIRMWARE = 308,		/* firmware older than the policy's floor for its vendor */

	/* TPM 2.0 certify statements. */
	CSRA_ERR_TPM_MALFORMED = 320,		/* TPMS_ATTEST or TPMT_PUBLIC does not unmarshal */
	CSRA_ERR_TPM_MAGIC = 321,
	CSRA_ERR_TPM_TYPE = 322,		/* not TPM_ST_ATTEST_CERTIFY */
	CSRA_ERR_TPM_NAME = 323,		/* certified name is not the nameAlg hash of tpmTPublic */
	CSRA_ERR_TPM_KEY_MISMATCH = 324,	/* tpmTPublic's key is not the request key */
	CSRA_ERR_TPM_SIGNATURE = 325,		/* no bundle certificate's key verifies the signature */
	CSRA_ERR_TPM_NONCE = 326,		/* extraData differs from the expected nonce */
	CSRA_ERR_TPM_NO_PUBLIC = 327,		/* tpmTPublic absent */
	CSRA_ERR_TPM_NAME_ALG = 328,		/* a nameAlg the verifier refuses (SHA-1) */
	CSRA_ERR_TPM_NOT_CREATED = 329,		/* the key is not shown to have been created in the TPM */

	/* External verifiers and callbacks. */
	CSRA_ERR_EXT_EXEC = 340,		/* could not run */
	CSRA_ERR_EXT_TIMEOUT = 341,
	CSRA_ERR_EXT_EXIT = 342,		/* non-zero exit or killed */
	CSRA_ERR_EXT_OUTPUT = 343,		/* reply too large */
	CSRA_ERR_EXT_JSON = 344,		/* reply is not the expected JSON */
	CSRA_ERR_STMT_UNKNOWN_TYPE = 345,	/* no verifier for the statement type */
	CSRA_ERR_STMT_NOT_BOUND = 346,		/* statement attests another key */
	CSRA_ERR_STMT_FAILED = 347,		/* a callback or verifier reported failure */
	CSRA_ERR_STMT_NOT_FRESH = 348,		/* the statement's freshness is not confirmed */

	/* Certificate requests. */
	CSRA_ERR_REQ_FORMAT = 360,		/* neither PKCS#10 nor CRMF */
	CSRA_ERR_REQ_SIGNATURE = 361,		/* self-signature / POP does not verify */
	CSRA_ERR_REQ_NO_ATTESTATION = 362,
	CSRA_ERR_REQ_MULTIPLE_ATTESTATION = 363,	/* more than one attribute / extension */
	CSRA_ERR_REQ_ATTESTATION_VALUES = 364,	/* the attribute has other than one value */
	CSRA_ERR_REQ_BUNDLE = 365,		/* the attribute / extension is not a bundle */
	CSRA_ERR_REQ_CRMF_COUNT = 366,		/* CertReqMessages with other than one message */
	CSRA_ERR_REQ_CERT_CHOICE = 367,		/* a bundle certificate OpenSSL cannot parse */
	CSRA_ERR_REQ_NO_KEY = 368,		/* CRMF template without a public key */
	CSRA_ERR_REQ_POPO_INPUT = 369,		/* CRMF poposkInput where RFC 4211 forbids it */

	/* Attestation requests and the attester (csrattest/attest.h). */
	CSRA_ERR_ATTREQ_UNKNOWN_ELEMENT = 400,	/* a requested element of unknown type */
	CSRA_ERR_ATTREQ_UNKNOWN_CLAIM = 401,	/* a requested claim of unknown type with a value */
	CSRA_ERR_ATTREQ_VALUE = 402,		/* a value for a claim only the attester may give */
	CSRA_ERR_ATTREQ_NO_KEY = 403,		/* the selected key identifier names no key */
	CSRA_ERR_ATTREQ_DUPLICATE = 404,	/* a repeated platform/transaction element or claim */
	CSRA_ERR_ATTREQ_NONCE = 405,		/* a nonce requested without a value */
	CSRA_ERR_ATTREQ_NO_SIGNER = 406,	/* the attester has no attestation key */
	CSRA_ERR_ATTREQ_WRONG_ELEMENT = 407,	/* a claim requested of an element it does not belong to */
	CSRA_ERR_ATTREQ_NO_KEYS = 408,		/* a key element, and the attester holds no key */
	CSRA_ERR_CLAIMS_FILE = 409,		/* a claims file is not valid */
	CSRA_ERR_ATTREQ_NOTHING = 410,		/* the attester holds nothing the request asks for */

	/* PKCS#11 (csrattest/pkcs11.h). */
	CSRA_ERR_P11_MODULE = 420,		/* the module does not load or initialise */
	CSRA_ERR_P11_URI = 421,			/* not a valid pkcs11: URI */
	CSRA_ERR_P11_TOKEN = 422,		/* no token, or several, match */
	CSRA_ERR_P11_PIN = 423,			/* the PIN is wrong */
	CSRA_ERR_P11_PIN_LOCKED = 424,
	CSRA_ERR_P11_NO_KEY = 425,		/* no private key matches */
	CSRA_ERR_P11_AMBIGUOUS = 426,		/* several objects match */
	CSRA_ERR_P11_CANNOT_SIGN = 427,		/* the key's CKA_SIGN is false */
	CSRA_ERR_P11_KEY_TYPE = 428,		/* a key type csrattest cannot use */
	CSRA_ERR_P11_FUNCTION = 429,		/* another PKCS#11 call failed */
	CSRA_ERR_P11_NO_CERT = 430,		/* no certificate object matches */

	/* Resource limits (csra_verifier_set_limit): counts over their cap. */
	CSRA_ERR_LIMIT_STATEMENTS = 450,
	CSRA_ERR_LIMIT_CERTS = 451,
	CSRA_ERR_LIMIT_ATTRIBUTES = 452,
	CSRA_ERR_LIMIT_EXTENSIONS = 453,
	CSRA_ERR_LIMIT_SIGNERS = 454,
	CSRA_ERR_LIMIT_CLAIMS = 455,
	CSRA_ERR_LIMIT_ELEMENTS = 456,
	CSRA_ERR_LIMIT_INFLATED = 457,	/* a compressed attestation inflates past its cap */

	/* Vendor attestation formats (docs/formats.md). Chains use the
	 * CSRA_ERR_AK_* codes, signatures CSRA_ERR_SIG_*. */
	CSRA_ERR_FMT_UNKNOWN = 500,	/* no format recognises the attestation */
	CSRA_ERR_FMT_MALFORMED = 501,	/* the attestation does not decode as its format */
	CSRA_ERR_FMT_AMBIGUOUS = 502,	/* several formats claim the attestation */
	CSRA_ERR_FMT_QUIRK = 503,	/* a deviation of this vendor's, accepted for this format only */
	CSRA_ERR_FMT_NO_KEY = 504,	/* the attestation names no attested key */
	CSRA_ERR_FMT_EXTENSION = 505,	/* a vendor extension or attribute does not decode */
	CSRA_ERR_FMT_TRUST_EXPIRING = 506, /* a bundled vendor root expires soon */
	CSRA_ERR_FMT_PART_MISSING = 507,	/* a part the format needs (signature, certificates) is not given */
	CSRA_ERR_FMT_PART_UNUSED = 508,	/* a part given with the attestation is none the format reads */

	/* Keys weak by construction (CA/B BR 6.1.1.3), attested or requested. */
	CSRA_ERR_WEAK_ROCA = 520,	/* RSA modulus with the ROCA fingerprint (CVE-2017-15361) */
	CSRA_ERR_WEAK_FERMAT = 521,	/* RSA modulus whose primes are close (Fermat factorable) */
	CSRA_ERR_WEAK_SMALL_FACTOR = 522, /* RSA modulus with a small prime factor */
	CSRA_ERR_WEAK_EXPONENT = 523,	/* RSA public exponent outside the BRs' range */
	CSRA_ERR_WEAK_EC_POINT = 524,	/* EC public key not a valid point of its curve */
	CSRA_ERR_WEAK_EC_SUBGROUP = 525	/* EC public key outside the prime-order subgroup */
} csra_err;

/* csra_strerror returns a static, NUL-terminated English message for |err|,
 * or "unknown error" for a value this build does not know. Never NULL. */
const char *csra_strerror(int err);

/* csra_err_name returns the symbolic name of |err| (e.g.
 * "CSRA_ERR_DER_TRUNCATED"), for JSON output and tests, or "CSRA_ERR_?"
 * for an unknown value. Never NULL. */
const char *csra_err_name(int err);

/* CSRA_PATH_MAX bounds the ASN.1 path kept in a csra_diag. */
#define CSRA_PATH_MAX 256

/* csra_diag says where the first problem of a decode is: its code, the
 * byte offset in the DER input (SIZE_MAX when it has none, such as an
 * allocation failure) and the ASN.1 path of the element concerned, e.g.
 * "Evidence.tbs.reportedElements[2].claims[3].value". */
typedef struct csra_diag {
	csra_err code;
	size_t offset;
	char path[CSRA_PATH_MAX];
} csra_diag;

#ifdef __cplusplus
}
#endif

#endif
