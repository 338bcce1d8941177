/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The strict DER gate: a walk over DER bytes, driven by asn1c's type
 * descriptors, that accepts only DER valid for the type. It runs before
 * asn1c's ber_decode, which accepts much that DER forbids, and reports the
 * first problem's code, byte offset and ASN.1 path.
 */
#ifndef CSRA_GATE_H
#define CSRA_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "asn_application.h"
#include "constr_TYPE.h"
#include "csra_arena.h"
#include "csrattest/error.h"

/* csra_open_resolver returns the type of an open-type value (an ANY
 * DEFINED BY) of |container|, whose defining OID has DER contents
 * |oid|/|oid_len|, given the value's full TLV |val|/|val_len|; or NULL to
 * check the value as any DER. */
typedef asn_TYPE_descriptor_t *(*csra_open_resolver)(void *arg,
    const asn_TYPE_descriptor_t *container, const uint8_t *oid, size_t oid_len,
    const uint8_t *val, size_t val_len);

typedef struct csra_gate_opts {
	unsigned max_depth;		/* nesting limit, counting every TLV */
	csra_open_resolver resolve;	/* may be NULL */
	void *resolve_arg;
	/* Open-type values in this container (may be NULL) are checked but
	 * not built by csra_gate_decode, even with |opens|. */
	const asn_TYPE_descriptor_t *check_only_in;
	/* The containers in which |resolve| may name a type, NULL-terminated;
	 * it is not asked for open types of any other (a Name's attribute
	 * values are most of them). NULL: asked for all. */
	const asn_TYPE_descriptor_t *const *resolves_in;
} csra_gate_opts;

/* csra_gate_asks returns 1 if |opts|'s resolver is to be asked for an
 * open-type value of |container|: both tiers ask alike. */
static inline int csra_gate_asks(const csra_gate_opts *opts, const asn_TYPE_descriptor_t *container)
{
	if (opts->resolve == NULL)
		return 0;
	if (opts->resolves_in == NULL)
		return 1;
	for (const asn_TYPE_descriptor_t *const *c = opts->resolves_in; *c != NULL; c++)
		if (*c == container)
			return 1;
	return 0;
}

/* csra_gate_check checks that |der|/|len| is exactly one DER encoding of
 * |td|. Returns CSRA_OK, or the code of the first problem with |diag|
 * filled (offset into |der|, path starting with |td|'s name). */
csra_err csra_gate_check(asn_TYPE_descriptor_t *td, const uint8_t *der,
    size_t len, const csra_gate_opts *opts, csra_diag *diag);

/* An open-type value a decode built: its TLV |der|/|len| within the bytes
 * walked, the buffer of the ANY_t in the structure (|any|: the same bytes
 * since ANY points into them; csra_decode_reference's ber_decode keeps a
 * copy), the type the resolver named and the structure. */
typedef struct csra_gate_open {
	const uint8_t *der;
	size_t len;
	const uint8_t *any;
	asn_TYPE_descriptor_t *td;
	void *value;
} csra_gate_open;

/* The open-type values of one decode, innermost first, in the arena. */
typedef struct csra_gate_opens {
	csra_gate_open *v;
	size_t n, cap;
} csra_gate_opens;

/* csra_gate_decode is csra_gate_check that also builds, from |arena|, the
 * asn1c structure ber_decode would build, and sets |*out| to it, except
 * that INTEGER, ENUMERATED, OID, RELATIVE-OID, BIT STRING and ANY
 * contents point into |der| (no copy, no trailing NUL): |der| must live
 * as long as the structure. Each TLV is read once. With |opens| (zeroed before the first use) every
 * open-type value the resolver names, outside opts->check_only_in, is
 * built as well, from |arena|, and appended there; ANY_t members hold their TLV either way. On error
 * |*out| is NULL and |arena| may hold partial results (free the arena). */
csra_err csra_gate_decode(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out,
    csra_diag *diag);

/* csra_gate_requires_nonempty returns 1 if |td| is a SIZE (1..MAX)
 * collection whose constraint asn1c dropped and the gate enforces. */
int csra_gate_requires_nonempty(const asn_TYPE_descriptor_t *td);

/* csra_gate_has_plan returns 1 if the walk has a plan for |td|: the
 * descriptors csra_decode() starts at and the resolver returns, with
 * everything they contain. Any other descriptor is CSRA_ERR_INTERNAL. */
int csra_gate_has_plan(const asn_TYPE_descriptor_t *td);

/* csra_der_tlv_peek reads the TLV header at |p|..|end| without DER checks
 * beyond bounds: sets |*content|, |*content_len| and |*tag_byte| (first
 * identifier octet). Returns 1, or 0 if it does not parse. For the form
 * detectors, which run on bytes the gate checks anyway. */
int csra_der_tlv_peek(const uint8_t *p, const uint8_t *end, uint8_t *tag_byte,
    const uint8_t **content, size_t *content_len);

#endif
