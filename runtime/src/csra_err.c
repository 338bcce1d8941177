/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>

#include "csrattest/error.h"

struct err_entry {
	int code;
	const char *name;
	const char *msg;
};

#define E(c, m) { c, #c, m }
static const struct err_entry errs[] = {
	E(CSRA_OK, "success"),
	E(CSRA_ERR_NOMEM, "out of memory"),
	E(CSRA_ERR_INVALID_ARGUMENT, "invalid argument"),
	E(CSRA_ERR_INTERNAL, "internal error"),
	E(CSRA_ERR_IO, "input/output error"),
	E(CSRA_ERR_INPUT_EMPTY, "input is empty"),
	E(CSRA_ERR_INPUT_TOO_LARGE, "input is larger than the configured limit"),
	E(CSRA_ERR_INPUT_BAD_PEM, "malformed PEM armour"),
	E(CSRA_ERR_INPUT_UNKNOWN_LABEL, "PEM label is not one csrattest reads"),
	E(CSRA_ERR_INPUT_BAD_BASE64, "invalid base64"),
	E(CSRA_ERR_INPUT_NOT_DER, "input is neither PEM, base64 nor DER"),
	E(CSRA_ERR_INPUT_MULTIPLE_PEM, "more than one PEM block"),
	E(CSRA_ERR_DER_TRUNCATED, "element runs past the end of its container"),
	E(CSRA_ERR_DER_TRAILING_DATA, "bytes follow the end of the element"),
	E(CSRA_ERR_DER_INDEFINITE_LENGTH, "indefinite length (BER, not DER)"),
	E(CSRA_ERR_DER_NONMINIMAL_LENGTH, "length not in its shortest form"),
	E(CSRA_ERR_DER_LENGTH_TOO_LARGE, "length field too large"),
	E(CSRA_ERR_DER_HIGH_TAG_FORM, "high-tag-number form used for a tag below 31"),
	E(CSRA_ERR_DER_BAD_TAG, "malformed tag"),
	E(CSRA_ERR_DER_DEPTH, "nesting deeper than the configured limit"),
	E(CSRA_ERR_DER_TOO_LARGE, "DER input larger than the configured limit"),
	E(CSRA_ERR_DER_CONSTRUCTED_FORM, "primitive/constructed form wrong for the type"),
	E(CSRA_ERR_DER_BAD_BOOLEAN, "BOOLEAN not one octet of 00 or FF"),
	E(CSRA_ERR_DER_BAD_INTEGER, "INTEGER empty or not in its shortest form"),
	E(CSRA_ERR_DER_BAD_OID, "OBJECT IDENTIFIER empty, padded or truncated"),
	E(CSRA_ERR_DER_BAD_BIT_STRING, "BIT STRING unused-bits octet invalid or padding bits set"),
	E(CSRA_ERR_DER_BAD_TIME, "time not in DER form (YYYYMMDDHHMMSS[.f]Z / YYMMDDHHMMSSZ)"),
	E(CSRA_ERR_DER_BAD_NULL, "NULL with contents"),
	E(CSRA_ERR_DER_BAD_STRING, "string contents invalid for its type"),
	E(CSRA_ERR_DER_SET_ORDER, "SET OF elements not in DER order"),
	E(CSRA_ERR_DER_DEFAULT_ENCODED, "DEFAULT value encoded (DER omits it)"),
	E(CSRA_ERR_DER_UNEXPECTED_TAG, "unexpected tag for this element"),
	E(CSRA_ERR_DER_MISSING_ELEMENT, "required element missing"),
	E(CSRA_ERR_DER_CONSTRAINT, "value violates a constraint of the schema"),
	E(CSRA_ERR_DER_SIGNER_ID_EMPTY, "SignerIdentifier has none of keyId, subjectPublicKeyInfo, certificate"),
	E(CSRA_ERR_DER_RESOURCE_LIMIT, "decoding needs more memory than the input size allows"),
	E(CSRA_ERR_DER_DECODER, "asn1c's decoder rejected input the DER gate accepted"),
	E(CSRA_ERR_EV_VERSION, "TbsEvidence.version is not 1"),
	E(CSRA_ERR_EV_DUPLICATE_PLATFORM, "more than one platform element"),
	E(CSRA_ERR_EV_DUPLICATE_TRANSACTION, "more than one transaction element"),
	E(CSRA_ERR_EV_CLAIM_WRONG_ELEMENT, "claim in an element the draft does not put it in"),
	E(CSRA_ERR_EV_CLAIM_REPEATED, "single-valued claim repeated within its element"),
	E(CSRA_ERR_EV_CLAIM_NO_VALUE, "claim without a value in generated Evidence"),
	E(CSRA_ERR_EV_KEY_NO_IDENTIFIER, "key element without an identifier claim"),
	E(CSRA_ERR_EV_KEY_DUPLICATE_IDENTIFIER, "two key elements share an identifier"),
	E(CSRA_ERR_EV_FIPSLEVEL_RANGE, "fipslevel is not 1, 2, 3 or 4"),
	E(CSRA_ERR_EV_UNKNOWN_ELEMENT, "element type unknown (strict mode)"),
	E(CSRA_ERR_EV_UNKNOWN_CLAIM, "claim type unknown (strict mode)"),
	E(CSRA_ERR_EV_AK_SPKI_MISMATCH, "ak-spki claim matches no verified signer"),
	E(CSRA_ERR_EV_UNSIGNED, "Evidence has no signature block"),
	E(CSRA_ERR_EV_NONCE_MISSING, "expected nonce, but Evidence has no nonce claim"),
	E(CSRA_ERR_EV_NONCE_MISMATCH, "nonce differs from the expected one"),
	E(CSRA_ERR_EV_TIMESTAMP_MISSING, "timestamp window set, but Evidence has no timestamp"),
	E(CSRA_ERR_EV_TIMESTAMP_WINDOW, "timestamp outside the allowed window"),
	E(CSRA_ERR_EV_INTEGER_RANGE, "INTEGER claim outside the range csrattest represents"),
	E(CSRA_ERR_SIG_NO_SIGNER, "no public key for the signature block"),
	E(CSRA_ERR_SIG_KEYID_UNKNOWN, "keyId names no key or certificate the caller supplied"),
	E(CSRA_ERR_SIG_CERT_SPKI_MISMATCH, "SignerIdentifier's certificate and SPKI disagree"),
	E(CSRA_ERR_SIG_ALG_UNKNOWN, "signature algorithm unknown"),
	E(CSRA_ERR_SIG_ALG_KEY_MISMATCH, "signature algorithm does not fit the key"),
	E(CSRA_ERR_SIG_ALG_PARAMS, "signature algorithm parameters not allowed"),
	E(CSRA_ERR_SIG_RSA_TOO_SMALL, "RSA key under 2048 bits"),
	E(CSRA_ERR_SIG_ALG_UNAVAILABLE, "signature algorithm not offered by the linked OpenSSL"),
	E(CSRA_ERR_SIG_INVALID, "signature does not verify"),
	E(CSRA_ERR_SIG_BAD_KEY, "signer's key or certificate does not parse"),
	E(CSRA_ERR_SIG_POLICY, "signature policy not met"),
	E(CSRA_ERR_SIG_KEY_UNSUPPORTED, "signer's key type or curve not accepted"),
	E(CSRA_ERR_AK_NO_DIGITAL_SIGNATURE, "attestation-key certificate lacks KeyUsage digitalSignature"),
	E(CSRA_ERR_AK_NO_EKU, "attestation-key certificate lacks EKU id-kp-attestationKey"),
	E(CSRA_ERR_AK_EXPIRED, "a certificate of the path is expired or not yet valid"),
	E(CSRA_ERR_AK_UNTRUSTED, "no path from the attestation key to a trust anchor"),
	E(CSRA_ERR_AK_CHAIN, "certificate path validation failed"),
	E(CSRA_ERR_AK_NOT_CERTIFIED, "signer given only as a key: no certificate to chain"),
	E(CSRA_ERR_POLICY, "invalid policy"),
	E(CSRA_ERR_POLICY_UNMET, "policy requirement not met"),
	E(CSRA_ERR_POLICY_KEY_ALGORITHM, "request key algorithm or size not accepted by the policy"),
	E(CSRA_ERR_POLICY_NO_STATEMENT, "no verified statement bound to the request key"),
	E(CSRA_ERR_POLICY_CLAIM_ABSENT, "a claim the policy requires is absent"),
	E(CSRA_ERR_POLICY_CLAIM_VALUE, "a claim has a value the policy does not allow"),
	E(CSRA_ERR_TPM_MALFORMED, "TPMS_ATTEST or TPMT_PUBLIC does not unmarshal"),
	E(CSRA_ERR_TPM_MAGIC, "TPMS_ATTEST magic is not TPM_GENERATED_VALUE"),
	E(CSRA_ERR_TPM_TYPE, "TPMS_ATTEST type is not TPM_ST_ATTEST_CERTIFY"),
	E(CSRA_ERR_TPM_NAME, "certified name is not the nameAlg hash of tpmTPublic"),
	E(CSRA_ERR_TPM_KEY_MISMATCH, "tpmTPublic's key is not the request key"),
	E(CSRA_ERR_TPM_SIGNATURE, "no attestation-key certificate verifies the TPM signature"),
	E(CSRA_ERR_TPM_NONCE, "TPMS_ATTEST extraData differs from the expected nonce"),
	E(CSRA_ERR_TPM_NO_PUBLIC, "TPM statement without tpmTPublic"),
	E(CSRA_ERR_EXT_EXEC, "external verifier could not be run"),
	E(CSRA_ERR_EXT_TIMEOUT, "external verifier timed out"),
	E(CSRA_ERR_EXT_EXIT, "external verifier failed (non-zero exit or signal)"),
	E(CSRA_ERR_EXT_OUTPUT, "external verifier printed more than allowed"),
	E(CSRA_ERR_EXT_JSON, "external verifier's reply is not the expected JSON"),
	E(CSRA_ERR_STMT_UNKNOWN_TYPE, "no verifier for this statement type"),
	E(CSRA_ERR_STMT_NOT_BOUND, "statement does not attest the request key"),
	E(CSRA_ERR_STMT_FAILED, "statement verifier reported failure"),
	E(CSRA_ERR_REQ_FORMAT, "neither a PKCS#10 request nor CRMF CertReqMessages"),
	E(CSRA_ERR_REQ_SIGNATURE, "request signature (proof of possession) does not verify"),
	E(CSRA_ERR_REQ_NO_ATTESTATION, "request carries no id-aa-attestation"),
	E(CSRA_ERR_REQ_MULTIPLE_ATTESTATION, "more than one id-aa-attestation attribute or extension"),
	E(CSRA_ERR_REQ_ATTESTATION_VALUES, "id-aa-attestation attribute holds other than one value"),
	E(CSRA_ERR_REQ_BUNDLE, "id-aa-attestation value is not an AttestationBundle"),
	E(CSRA_ERR_REQ_CRMF_COUNT, "CertReqMessages holds other than one message"),
	E(CSRA_ERR_REQ_CERT_CHOICE, "a bundle certificate does not parse"),
	E(CSRA_ERR_REQ_NO_KEY, "CRMF certificate template without a public key"),
	E(CSRA_ERR_ATTREQ_UNKNOWN_ELEMENT, "attestation request names an element type the attester does not know"),
	E(CSRA_ERR_ATTREQ_UNKNOWN_CLAIM, "attestation request gives a value for a claim type the attester does not know"),
	E(CSRA_ERR_ATTREQ_VALUE, "attestation request gives a value for a claim only the attester reports"),
	E(CSRA_ERR_ATTREQ_NO_KEY, "attestation request selects a key the attester does not hold"),
	E(CSRA_ERR_ATTREQ_DUPLICATE, "attestation request repeats an element or claim that may appear once"),
	E(CSRA_ERR_ATTREQ_NONCE, "attestation request asks for a nonce without giving its value"),
	E(CSRA_ERR_ATTREQ_NO_SIGNER, "the attester has no attestation key"),
	E(CSRA_ERR_ATTREQ_WRONG_ELEMENT, "attestation request asks an element for a claim of another element"),
	E(CSRA_ERR_ATTREQ_NO_KEYS, "attestation request asks for a key and the attester holds none"),
	E(CSRA_ERR_CLAIMS_FILE, "claims file is not valid"),
	E(CSRA_ERR_ATTREQ_NOTHING, "the attester holds nothing the attestation request asks for"),
	E(CSRA_ERR_P11_MODULE, "PKCS#11 module does not load or initialise"),
	E(CSRA_ERR_P11_URI, "not a valid pkcs11: URI"),
	E(CSRA_ERR_P11_TOKEN, "no PKCS#11 token, or more than one, matches"),
	E(CSRA_ERR_P11_PIN, "PKCS#11 PIN is incorrect"),
	E(CSRA_ERR_P11_PIN_LOCKED, "PKCS#11 PIN is locked"),
	E(CSRA_ERR_P11_NO_KEY, "no PKCS#11 private key matches"),
	E(CSRA_ERR_P11_AMBIGUOUS, "more than one PKCS#11 object matches"),
	E(CSRA_ERR_P11_CANNOT_SIGN, "PKCS#11 key may not sign (CKA_SIGN is false)"),
	E(CSRA_ERR_P11_KEY_TYPE, "PKCS#11 key type not supported (EC P-256/384/521 or RSA)"),
	E(CSRA_ERR_P11_FUNCTION, "a PKCS#11 call failed"),
	E(CSRA_ERR_P11_NO_CERT, "no PKCS#11 certificate object matches"),
};
#undef E

static const struct err_entry *find(int err)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].code == err)
			return &errs[i];
	return NULL;
}

const char *csra_strerror(int err)
{
	const struct err_entry *e = find(err);
	return e ? e->msg : "unknown error";
}

const char *csra_err_name(int err)
{
	const struct err_entry *e = find(err);
	return e ? e->name : "CSRA_ERR_?";
}
