/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The walk's plans (csra_gate.c), exposed read-only to the code generator
 * (tools/csra_fastgen.c), which turns each into a C function of the fast
 * path. Nothing else should need these.
 */
#ifndef CSRA_GATE_PLAN_H
#define CSRA_GATE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "asn_application.h"
#include "constr_TYPE.h"

#define MAX_TAGS 4

enum kind { K_PRIM, K_SEQUENCE, K_SEQ_OF, K_SET_OF, K_CHOICE, K_ANY, K_UNSUPPORTED };

enum match { M_TAG, M_ANY, M_CHOICE, M_NEVER };

struct plan;

struct mplan {
	const char *name;
	const struct plan *type;
	const uint8_t *dfl;	/* DEFAULT value's DER, as DER must not encode it */
	size_t dfl_len;
	ber_tlv_tag_t tag;	/* outermost tag (M_TAG) */
	ber_tlv_tag_t tags[MAX_TAGS];	/* tag chain as used */
	uint32_t offset;
	uint8_t ntags, match, optional, pointer, open, refuse_empty;
	uint8_t leaf;	/* a primitive under one tag: check_leaf */
};

/* One entry of an untagged CHOICE's first-tag lookup, in element order. */
struct alt {
	ber_tlv_tag_t tag;
	uint16_t index;
	uint8_t any;	/* an untagged ANY: takes every tag */
};

struct plan {
	asn_TYPE_descriptor_t *td;
	const struct mplan *m;	/* elements; a collection's item is m[0] */
	const struct alt *alts;	/* CHOICE */
	ber_tlv_tag_t tags[MAX_TAGS];	/* own tag chain (untagged use) */
	uint32_t struct_size, pres_offset;
	uint16_t nm, nalts;
	uint8_t kind, univ, ntags, pres_size, signer_id, refuse_empty;
};

/* csra_gate_plans returns the compiled plans (|*n| of them, in the order
 * they were made, which is fixed by the descriptors) or NULL if building
 * them failed. */
const struct plan *csra_gate_plans(size_t *n);

/* csra_gate_plan_roots returns the descriptors the plans were built from:
 * every PDU and every type the open-type resolver may return. */
asn_TYPE_descriptor_t *const *csra_gate_plan_roots(size_t *n);

#endif
