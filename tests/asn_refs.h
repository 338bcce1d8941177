/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a decoded structure's buffers point (docs/codec.md, "What the
 * structures point into"): INTEGER, ENUMERATED, OBJECT IDENTIFIER,
 * RELATIVE-OID, BIT STRING and ANY into the bytes decoded; OCTET STRING,
 * the string and time types to copies with asn1c's trailing NUL.
 */
#ifndef ASN_REFS_H
#define ASN_REFS_H

#include <stddef.h>
#include <stdint.h>

#include "asn_application.h"

struct asn_refs {
	size_t inside;		/* in-place kinds within the bytes */
	size_t outside;		/* in-place kinds elsewhere: wrong */
	size_t copies;		/* copied kinds outside the bytes, NUL after */
	size_t bad_copies;	/* copied kinds within the bytes or without NUL */
};

/* asn_refs_count adds to |r| what it finds in |value| of |td| (a type
 * with a plan, csra_gate_plans), |der|/|len| being the bytes decoded.
 * Returns 0 if |td| has no plan. */
int asn_refs_count(asn_TYPE_descriptor_t *td, const void *value, const uint8_t *der, size_t len,
    struct asn_refs *r);

#endif
