/* SPDX-License-Identifier: BSD-2-Clause */
/* The draft's ClaimSet as data: one row per claim type, with the element
 * and multiplicity its tables (sections 5.x) give. */
#include <string.h>

#include "csra_codec_int.h"
#include "csrattest/claims.h"

#include "BOOLEAN.h"
#include "GeneralizedTime.h"
#include "INTEGER.h"
#include "KeyPurposes.h"
#include "OCTET_STRING.h"
#include "UTF8String.h"

#define T CSRA_ELEMENT_TRANSACTION
#define P CSRA_ELEMENT_PLATFORM
#define K CSRA_ELEMENT_KEY
static const csra_claim_info rows[] = {
	{ CSRA_CLAIM_NONCE, "nonce", T, CSRA_VALUE_OCTETS, 0 },
	{ CSRA_CLAIM_TIMESTAMP, "timestamp", T, CSRA_VALUE_TIME, 0 },
	{ CSRA_CLAIM_AK_SPKI, "ak-spki", T, CSRA_VALUE_OCTETS, 1 },
	{ CSRA_CLAIM_VENDOR, "vendor", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_OEMID, "oemid", P, CSRA_VALUE_OCTETS, 0 },
	{ CSRA_CLAIM_HWMODEL, "hwmodel", P, CSRA_VALUE_OCTETS, 0 },
	{ CSRA_CLAIM_HWVERSION, "hwversion", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_HWSERIAL, "hwserial", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_SWNAME, "swname", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_SWVERSION, "swversion", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_DBGSTAT, "dbgstat", P, CSRA_VALUE_INTEGER, 0 },	/* draft-07 5.2 */
	{ CSRA_CLAIM_UPTIME, "uptime", P, CSRA_VALUE_INTEGER, 0 },
	{ CSRA_CLAIM_BOOTCOUNT, "bootcount", P, CSRA_VALUE_INTEGER, 0 },
	{ CSRA_CLAIM_FIPSBOOT, "fipsboot", P, CSRA_VALUE_BOOLEAN, 0 },
	{ CSRA_CLAIM_FIPSVER, "fipsver", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_FIPSLEVEL, "fipslevel", P, CSRA_VALUE_INTEGER, 0 },
	{ CSRA_CLAIM_FIPSMODULE, "fipsmodule", P, CSRA_VALUE_UTF8, 0 },
	{ CSRA_CLAIM_KEY_IDENTIFIER, "identifier", K, CSRA_VALUE_UTF8, 1 },
	{ CSRA_CLAIM_KEY_SPKI, "spki", K, CSRA_VALUE_OCTETS, 0 },
	{ CSRA_CLAIM_KEY_EXTRACTABLE, "extractable", K, CSRA_VALUE_BOOLEAN, 0 },
	{ CSRA_CLAIM_KEY_SENSITIVE, "sensitive", K, CSRA_VALUE_BOOLEAN, 0 },
	{ CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, "never-extractable", K, CSRA_VALUE_BOOLEAN, 0 },
	{ CSRA_CLAIM_KEY_LOCAL, "local", K, CSRA_VALUE_BOOLEAN, 0 },
	{ CSRA_CLAIM_KEY_EXPIRY, "expiry", K, CSRA_VALUE_TIME, 0 },
	{ CSRA_CLAIM_KEY_PURPOSE, "purpose", K, CSRA_VALUE_PURPOSES, 0 },
};

static const csra_oid_id claim_oids[] = {
	[CSRA_CLAIM_NONCE] = CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE,
	[CSRA_CLAIM_TIMESTAMP] = CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_TIMESTAMP,
	[CSRA_CLAIM_AK_SPKI] = CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_AK_SPKI,
	[CSRA_CLAIM_VENDOR] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_VENDOR,
	[CSRA_CLAIM_OEMID] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_OEMID,
	[CSRA_CLAIM_HWMODEL] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWMODEL,
	[CSRA_CLAIM_HWVERSION] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWVERSION,
	[CSRA_CLAIM_HWSERIAL] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWSERIAL,
	[CSRA_CLAIM_SWNAME] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWNAME,
	[CSRA_CLAIM_SWVERSION] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWVERSION,
	[CSRA_CLAIM_DBGSTAT] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_DEBUGSTAT,
	[CSRA_CLAIM_UPTIME] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_UPTIME,
	[CSRA_CLAIM_BOOTCOUNT] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_BOOTCOUNT,
	[CSRA_CLAIM_FIPSBOOT] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSBOOT,
	[CSRA_CLAIM_FIPSVER] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSVER,
	[CSRA_CLAIM_FIPSLEVEL] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSLEVEL,
	[CSRA_CLAIM_FIPSMODULE] = CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSMODULE,
	[CSRA_CLAIM_KEY_IDENTIFIER] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_IDENTIFIER,
	[CSRA_CLAIM_KEY_SPKI] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SPKI,
	[CSRA_CLAIM_KEY_EXTRACTABLE] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXTRACTABLE,
	[CSRA_CLAIM_KEY_SENSITIVE] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SENSITIVE,
	[CSRA_CLAIM_KEY_NEVER_EXTRACTABLE] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_NEVER_EXTRACTABLE,
	[CSRA_CLAIM_KEY_LOCAL] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_LOCAL,
	[CSRA_CLAIM_KEY_EXPIRY] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXPIRY,
	[CSRA_CLAIM_KEY_PURPOSE] = CSRA_OID_ID_EVIDENCE_CLAIM_KEY_PURPOSE,
};
#undef T
#undef P
#undef K

/* rows[] is in enum order; tests/test_build.c checks it. */
const csra_claim_info *csra_claim_get(csra_claim claim)
{
	if (claim < CSRA_CLAIM_NONCE || (size_t)claim > sizeof(rows) / sizeof(rows[0]))
		return NULL;
	return &rows[claim - 1];
}

csra_claim csra_claim_from_name(const char *name, int *old)
{
	if (old != NULL)
		*old = 0;
	if (name == NULL)
		return CSRA_CLAIM_UNKNOWN;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].name, name) == 0)
			return rows[i].claim;
	/* csrattest 0.1 wrote "debugstat"; the draft's name is "dbgstat". */
	if (strcmp(name, "debugstat") == 0) {
		if (old != NULL)
			*old = 1;
		return CSRA_CLAIM_DBGSTAT;
	}
	return CSRA_CLAIM_UNKNOWN;
}

const uint8_t *csra_claim_oid(csra_claim claim, size_t *len)
{
	if (csra_claim_get(claim) == NULL)
		return NULL;
	*len = csra_oid_table[claim_oids[claim]].der_len;
	return csra_oid_table[claim_oids[claim]].der;
}

/* On the decode path for every claim. The draft numbers claims
 * id-evidence-claim.<element>.<n>; only the id-evidence arc will change
 * when IANA assigns it, so after the prefix the last two arcs index a
 * table. tests/test_build.c checks the table against csra_oid_table. */
static const csra_claim by_arc[3][14] = {
	{ CSRA_CLAIM_NONCE, CSRA_CLAIM_TIMESTAMP, CSRA_CLAIM_AK_SPKI },
	{ CSRA_CLAIM_VENDOR, CSRA_CLAIM_OEMID, CSRA_CLAIM_HWMODEL, CSRA_CLAIM_HWVERSION,
	  CSRA_CLAIM_HWSERIAL, CSRA_CLAIM_SWNAME, CSRA_CLAIM_SWVERSION, CSRA_CLAIM_DBGSTAT,
	  CSRA_CLAIM_UPTIME, CSRA_CLAIM_BOOTCOUNT, CSRA_CLAIM_FIPSBOOT, CSRA_CLAIM_FIPSVER,
	  CSRA_CLAIM_FIPSLEVEL, CSRA_CLAIM_FIPSMODULE },
	{ CSRA_CLAIM_KEY_IDENTIFIER, CSRA_CLAIM_KEY_SPKI, CSRA_CLAIM_KEY_EXTRACTABLE,
	  CSRA_CLAIM_KEY_SENSITIVE, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, CSRA_CLAIM_KEY_LOCAL,
	  CSRA_CLAIM_KEY_EXPIRY, CSRA_CLAIM_KEY_PURPOSE },
};

csra_claim csra_claim_from_oid(const uint8_t *oid, size_t len)
{
	const csra_oid_entry *arc = &csra_oid_table[CSRA_OID_ID_EVIDENCE_CLAIM];
	if (len != arc->der_len + 2 || memcmp(oid, arc->der, arc->der_len) != 0)
		return CSRA_CLAIM_UNKNOWN;
	uint8_t group = oid[len - 2], n = oid[len - 1];
	if (group >= 3 || n >= 14)
		return CSRA_CLAIM_UNKNOWN;
	return by_arc[group][n];
}

static const csra_oid_id element_oids[] = {
	[CSRA_ELEMENT_TRANSACTION] = CSRA_OID_ID_EVIDENCE_ELEMENT_TRANSACTION,
	[CSRA_ELEMENT_PLATFORM] = CSRA_OID_ID_EVIDENCE_ELEMENT_PLATFORM,
	[CSRA_ELEMENT_KEY] = CSRA_OID_ID_EVIDENCE_ELEMENT_KEY,
};

csra_element csra_element_from_oid(const uint8_t *oid, size_t len)
{
	for (int e = CSRA_ELEMENT_TRANSACTION; e <= CSRA_ELEMENT_KEY; e++)
		if (csra_oid_is(oid, len, element_oids[e]))
			return (csra_element)e;
	return CSRA_ELEMENT_UNKNOWN;
}

const uint8_t *csra_element_oid(csra_element e, size_t *len)
{
	if (e < CSRA_ELEMENT_TRANSACTION || e > CSRA_ELEMENT_KEY)
		return NULL;
	*len = csra_oid_table[element_oids[e]].der_len;
	return csra_oid_table[element_oids[e]].der;
}

const uint8_t *csra_purpose_oid(unsigned bit, size_t *len)
{
	static const csra_oid_id caps[] = {
		CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_ENCRYPT, CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_DECRYPT,
		CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_WRAP, CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_UNWRAP,
		CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_SIGN, CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_SIGN_RECOVER,
		CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_VERIFY, CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_VERIFY_RECOVER,
		CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_DERIVE,
	};
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (bit == (1u << i)) {
			*len = csra_oid_table[caps[i]].der_len;
			return csra_oid_table[caps[i]].der;
		}
	}
	return NULL;
}

/* The value type of each claim, as an asn1c descriptor, for the gate. */
asn_TYPE_descriptor_t *csra_claim_type(const uint8_t *der, size_t len)
{
	const csra_claim_info *info = csra_claim_get(csra_claim_from_oid(der, len));
	switch (info ? info->type : 0) {
	case CSRA_VALUE_OCTETS: return &asn_DEF_OCTET_STRING;
	case CSRA_VALUE_UTF8: return &asn_DEF_UTF8String;
	case CSRA_VALUE_INTEGER: return &asn_DEF_INTEGER;
	case CSRA_VALUE_BOOLEAN: return &asn_DEF_BOOLEAN;
	case CSRA_VALUE_TIME: return &asn_DEF_GeneralizedTime;
	case CSRA_VALUE_PURPOSES: return &asn_DEF_KeyPurposes;
	default: return NULL;
	}
}
