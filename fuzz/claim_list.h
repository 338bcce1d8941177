/* SPDX-License-Identifier: BSD-2-Clause */
/* The claim OIDs fuzz_claims picks from, shared with the seed generator so
 * that a seed's first byte names the claim it was written for. */
#ifndef CSRA_FUZZ_CLAIM_LIST_H
#define CSRA_FUZZ_CLAIM_LIST_H

#include <string.h>

#include "csra_oid_table.h"

#define CLAIM_PREFIX "id-evidence-claim-"

/* Leaf claims only: an entry that is the parent arc of another entry
 * (id-evidence-claim-transaction, ...) names a group, not a claim. */
static int claim_is_leaf(size_t i)
{
	const csra_oid_entry *e = &csra_oid_table[i];
	if (strncmp(e->name, CLAIM_PREFIX, strlen(CLAIM_PREFIX)) != 0)
		return 0;
	for (size_t j = 0; j < CSRA_OID__COUNT; j++) {
		const csra_oid_entry *o = &csra_oid_table[j];
		if (o->der_len > e->der_len && memcmp(o->der, e->der, e->der_len) == 0)
			return 0;
	}
	return 1;
}

/* claim_list fills |ids| (room for CSRA_OID__COUNT) with the leaf claims
 * in table order and returns how many there are. */
static size_t claim_list(csra_oid_id *ids)
{
	size_t n = 0;
	for (size_t i = 0; i < CSRA_OID__COUNT; i++)
		if (claim_is_leaf(i))
			ids[n++] = (csra_oid_id)i;
	return n;
}

#endif
