/* SPDX-License-Identifier: BSD-2-Clause */
/* The element and claim types of draft-ietf-rats-pkix-key-attestation-07. */
#ifndef CSRATTEST_CLAIMS_H
#define CSRATTEST_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* csra_element is a reported element type the draft defines. */
typedef enum csra_element {
	CSRA_ELEMENT_UNKNOWN = 0,
	CSRA_ELEMENT_TRANSACTION = 1,
	CSRA_ELEMENT_PLATFORM = 2,
	CSRA_ELEMENT_KEY = 3
} csra_element;

/* csra_claim is a claim type the draft defines (its ClaimSet). */
typedef enum csra_claim {
	CSRA_CLAIM_UNKNOWN = 0,
	CSRA_CLAIM_NONCE,
	CSRA_CLAIM_TIMESTAMP,
	CSRA_CLAIM_AK_SPKI,
	CSRA_CLAIM_VENDOR,
	CSRA_CLAIM_OEMID,
	CSRA_CLAIM_HWMODEL,
	CSRA_CLAIM_HWVERSION,
	CSRA_CLAIM_HWSERIAL,
	CSRA_CLAIM_SWNAME,
	CSRA_CLAIM_SWVERSION,
	CSRA_CLAIM_DBGSTAT,
	CSRA_CLAIM_UPTIME,
	CSRA_CLAIM_BOOTCOUNT,
	CSRA_CLAIM_FIPSBOOT,
	CSRA_CLAIM_FIPSVER,
	CSRA_CLAIM_FIPSLEVEL,
	CSRA_CLAIM_FIPSMODULE,
	CSRA_CLAIM_KEY_IDENTIFIER,
	CSRA_CLAIM_KEY_SPKI,
	CSRA_CLAIM_KEY_EXTRACTABLE,
	CSRA_CLAIM_KEY_SENSITIVE,
	CSRA_CLAIM_KEY_NEVER_EXTRACTABLE,
	CSRA_CLAIM_KEY_LOCAL,
	CSRA_CLAIM_KEY_EXPIRY,
	CSRA_CLAIM_KEY_PURPOSE
} csra_claim;

/* The enum's name before 0.2, after the claim's old name: kept for one
 * release. */
#define CSRA_CLAIM_DEBUGSTAT CSRA_CLAIM_DBGSTAT

/* csra_value_type is the ASN.1 type of a claim's value. */
typedef enum csra_value_type {
	CSRA_VALUE_OCTETS = 1,
	CSRA_VALUE_UTF8,
	CSRA_VALUE_INTEGER,
	CSRA_VALUE_BOOLEAN,
	CSRA_VALUE_TIME,	/* GeneralizedTime */
	CSRA_VALUE_PURPOSES	/* KeyPurposes: SEQUENCE OF OBJECT IDENTIFIER */
} csra_value_type;

/* csra_claim_info describes a claim type. */
typedef struct csra_claim_info {
	csra_claim claim;
	const char *name;	/* e.g. "fipslevel" */
	csra_element element;	/* the element the draft puts it in */
	csra_value_type type;
	int multiple;		/* may repeat within its element */
} csra_claim_info;

/* csra_claim_get returns the description of |claim| (static), or NULL. */
const csra_claim_info *csra_claim_get(csra_claim claim);

/* csra_claim_from_name returns the claim whose draft name is |name|
 * ("fipslevel", "dbgstat", ...), or CSRA_CLAIM_UNKNOWN. The old spelling
 * "debugstat" is still read as dbgstat for one release, setting |*old|
 * (may be NULL) to 1 so that the caller can warn; |*old| is 0 otherwise. */
csra_claim csra_claim_from_name(const char *name, int *old);

/* csra_claim_oid returns the DER contents of |claim|'s OID (static) and
 * sets |*len|, or NULL for an unknown claim. */
const uint8_t *csra_claim_oid(csra_claim claim, size_t *len);

/* csra_claim_from_oid returns the claim whose OID has DER contents
 * |oid|/|len|, or CSRA_CLAIM_UNKNOWN. */
csra_claim csra_claim_from_oid(const uint8_t *oid, size_t len);

/* csra_element_from_oid returns the element type of OID |oid|/|len|. */
csra_element csra_element_from_oid(const uint8_t *oid, size_t len);

/* csra_element_oid returns the DER contents of |e|'s OID and sets |*len|,
 * or NULL for CSRA_ELEMENT_UNKNOWN. */
const uint8_t *csra_element_oid(csra_element e, size_t *len);

/* Key capabilities for the purpose claim, as a bit set. */
#define CSRA_PURPOSE_ENCRYPT (1u << 0)
#define CSRA_PURPOSE_DECRYPT (1u << 1)
#define CSRA_PURPOSE_WRAP (1u << 2)
#define CSRA_PURPOSE_UNWRAP (1u << 3)
#define CSRA_PURPOSE_SIGN (1u << 4)
#define CSRA_PURPOSE_SIGN_RECOVER (1u << 5)
#define CSRA_PURPOSE_VERIFY (1u << 6)
#define CSRA_PURPOSE_VERIFY_RECOVER (1u << 7)
#define CSRA_PURPOSE_DERIVE (1u << 8)

/* csra_purpose_oid returns the DER contents of the capability OID for the
 * single bit |bit| and sets |*len|, or NULL. */
const uint8_t *csra_purpose_oid(unsigned bit, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
