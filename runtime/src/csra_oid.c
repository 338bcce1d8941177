/* SPDX-License-Identifier: BSD-2-Clause */
/* OID lookup on DER contents octets, and the ClaimSet of draft-07. */
#include <stdio.h>
#include <string.h>

#include "csra_codec_int.h"

#include "BOOLEAN.h"
#include "GeneralizedTime.h"
#include "INTEGER.h"
#include "KeyPurposes.h"
#include "OCTET_STRING.h"
#include "UTF8String.h"

const csra_oid_entry *csra_oid_find(const uint8_t *der, size_t len)
{
	for (size_t i = 0; i < CSRA_OID__COUNT; i++) {
		const csra_oid_entry *e = &csra_oid_table[i];
		if (e->der_len == len && memcmp(e->der, der, len) == 0)
			return e;
	}
	return NULL;
}

int csra_oid_is(const uint8_t *der, size_t len, csra_oid_id id)
{
	const csra_oid_entry *e = &csra_oid_table[id];
	return e->der_len == len && memcmp(e->der, der, len) == 0;
}

int csra_oid_to_str(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	size_t n = 0;
	uint64_t v = 0;
	int first = 1;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (v > (UINT64_MAX >> 7))
			return 0;
		v = (v << 7) | (der[i] & 0x7f);
		if (der[i] & 0x80)
			continue;
		int w;
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(buf + n, cap - n, "%u.%llu", a,
			    (unsigned long long)(v - 40u * a));
			first = 0;
		} else {
			w = snprintf(buf + n, cap - n, ".%llu", (unsigned long long)v);
		}
		if (w < 0 || (size_t)w >= cap - n)
			return 0;
		n += (size_t)w;
		v = 0;
	}
	return (der[len - 1] & 0x80) == 0;
}

static const struct {
	csra_oid_id id;
	asn_TYPE_descriptor_t *td;
} claims[] = {
	{ CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE, &asn_DEF_OCTET_STRING },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_TIMESTAMP, &asn_DEF_GeneralizedTime },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_AK_SPKI, &asn_DEF_OCTET_STRING },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_VENDOR, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_OEMID, &asn_DEF_OCTET_STRING },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWMODEL, &asn_DEF_OCTET_STRING },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWVERSION, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWSERIAL, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWNAME, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWVERSION, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_DEBUGSTAT, &asn_DEF_INTEGER },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_UPTIME, &asn_DEF_INTEGER },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_BOOTCOUNT, &asn_DEF_INTEGER },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSBOOT, &asn_DEF_BOOLEAN },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSVER, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSLEVEL, &asn_DEF_INTEGER },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSMODULE, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_IDENTIFIER, &asn_DEF_UTF8String },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SPKI, &asn_DEF_OCTET_STRING },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXTRACTABLE, &asn_DEF_BOOLEAN },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SENSITIVE, &asn_DEF_BOOLEAN },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_NEVER_EXTRACTABLE, &asn_DEF_BOOLEAN },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_LOCAL, &asn_DEF_BOOLEAN },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXPIRY, &asn_DEF_GeneralizedTime },
	{ CSRA_OID_ID_EVIDENCE_CLAIM_KEY_PURPOSE, &asn_DEF_KeyPurposes },
};

asn_TYPE_descriptor_t *csra_claim_type(const uint8_t *der, size_t len)
{
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++)
		if (csra_oid_is(der, len, claims[i].id))
			return claims[i].td;
	return NULL;
}
