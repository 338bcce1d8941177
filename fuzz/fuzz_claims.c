/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Claim values through the open-type dispatch. Input: [claim index][value].
 * The index picks a claim the draft defines (claim_list.h); its value type
 * comes from csra_claim_type. The value is decoded two ways that must
 * agree: on its own with csra_decoded_open (into a small valid Evidence
 * decoded first), and as the claim's value inside an Evidence through
 * csra_decode, where the gate resolves the type itself. What decodes must
 * re-encode to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim_list.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"

/* A growable byte buffer for building the Evidence around a value. */
struct buf {
	uint8_t *p;
	size_t n;
};

static void add(struct buf *b, const void *p, size_t n)
{
	uint8_t *np = fuzz_realloc(b->p, b->n + n + 1);
	if (n)
		memcpy(np + b->n, p, n);
	b->p = np;
	b->n += n;
}

/* Replaces |b| with the TLV |tag| around it, length in DER form. */
static void wrap(struct buf *b, uint8_t tag)
{
	uint8_t h[10];
	size_t k = 0, n = b->n;
	h[k++] = tag;
	if (n < 0x80) {
		h[k++] = (uint8_t)n;
	} else {
		int bytes = 0;
		for (size_t t = n; t; t >>= 8)
			bytes++;
		h[k++] = (uint8_t)(0x80 | bytes);
		for (int i = bytes - 1; i >= 0; i--)
			h[k++] = (uint8_t)(n >> (8 * i));
	}
	struct buf out = { NULL, 0 };
	add(&out, h, k);
	add(&out, b->p, b->n);
	free(b->p);
	*b = out;
}

static void add_oid(struct buf *b, const csra_oid_entry *e)
{
	uint8_t h[2] = { 0x06, (uint8_t)e->der_len };
	add(b, h, 2);
	add(b, e->der, e->der_len);
}

/* The element type a claim belongs under: id-evidence-claim-<group>-x
 * goes in id-evidence-element-<group>. */
static const csra_oid_entry *element_for(const csra_oid_entry *claim)
{
	const char *group = claim->name + strlen(CLAIM_PREFIX);
	size_t glen = strcspn(group, "-");
	char name[80];
	snprintf(name, sizeof(name), "id-evidence-element-%.*s", (int)glen, group);
	for (size_t i = 0; i < CSRA_OID__COUNT; i++)
		if (strcmp(csra_oid_table[i].name, name) == 0)
			return &csra_oid_table[i];
	fuzz_fail("no element type for claim", claim->name);
}

/* Evidence with one element holding one claim |claim| whose value is the
 * TLV(s) |val|/|len| (none if |len| is 0), and no signatures. */
static struct buf evidence_around(const csra_oid_entry *claim, const uint8_t *val, size_t len)
{
	static const uint8_t version[] = { 0x02, 0x01, 0x01 }, no_sigs[] = { 0x30, 0x00 };
	struct buf c = { NULL, 0 }, el = { NULL, 0 }, ev = { NULL, 0 };
	add_oid(&c, claim);
	add(&c, val, len);
	wrap(&c, 0x30);	/* ReportedClaim */
	wrap(&c, 0x30);	/* ReportedClaims */
	add_oid(&el, element_for(claim));
	add(&el, c.p, c.n);
	free(c.p);
	wrap(&el, 0x30);	/* ReportedElement */
	wrap(&el, 0x30);	/* ReportedElements */
	add(&ev, version, sizeof(version));
	add(&ev, el.p, el.n);
	free(el.p);
	wrap(&ev, 0x30);	/* TbsEvidence */
	add(&ev, no_sigs, sizeof(no_sigs));
	wrap(&ev, 0x30);
	return ev;
}

/* Errors that say nothing about the value: memory, not encoding. */
static int resource_error(csra_err e)
{
	return e == CSRA_ERR_DER_RESOURCE_LIMIT || e == CSRA_ERR_NOMEM;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	static csra_oid_id ids[CSRA_OID__COUNT];
	static size_t nids;
	if (nids == 0)
		nids = claim_list(ids);
	if (size < 1 || nids == 0)
		return 0;
	const csra_oid_entry *claim = &csra_oid_table[ids[data[0] % nids]];
	const uint8_t *val = data + 1;
	size_t len = size - 1;

	asn_TYPE_descriptor_t *td = csra_claim_type(claim->der, claim->der_len);
	if (td == NULL)
		fuzz_fail("a claim the draft defines has no value type", claim->name);

	/* Alone, with a known-good Evidence as the owner of the memory. */
	static const uint8_t one[] = { 0x04, 0x01, 0x00 };
	struct buf base_der = evidence_around(&csra_oid_table[CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE],
	    one, sizeof(one));
	csra_decoded *base = NULL;
	/* The harness's fixture, not the input: never failed on purpose. */
	fuzz_alloc_pause();
	csra_err be = csra_decode(NULL, CSRA_PDU_EVIDENCE, base_der.p, base_der.n, &base, NULL);
	fuzz_alloc_resume();
	if (be != CSRA_OK)
		fuzz_fail("the fixed base Evidence does not decode", NULL);
	free(base_der.p);
	void *out = NULL;
	csra_diag diag;
	csra_err alone = csra_decoded_open(base, td, val, len, &out, &diag);
	if (alone == CSRA_OK) {
		if (out == NULL)
			fuzz_fail("csra_decoded_open returned CSRA_OK without a value", td->name);
		fuzz_expect_der(td, out, val, len, claim->name);
	}
	csra_decoded_free(&base);

	/* Inside an Evidence. With no value bytes the claim has no value,
	 * which is valid there but not on its own, so only compare with some. */
	if (len == 0)
		return 0;
	struct buf ev = evidence_around(claim, val, len);
	csra_err inside = fuzz_decode_check(CSRA_PDU_EVIDENCE, ev.p, ev.n,
	    FUZZ_OPEN | FUZZ_ROUNDTRIP | FUZZ_REFERENCE);
	free(ev.p);
	if (!resource_error(alone) && !resource_error(inside) &&
	    (alone == CSRA_OK) != (inside == CSRA_OK)) {
		fprintf(stderr, "claim %s (%s): alone %s, inside Evidence %s\n", claim->name, td->name,
		    csra_err_name(alone), csra_err_name(inside));
		fuzz_fail("a claim value is judged differently alone and inside Evidence", claim->name);
	}
	return 0;
}
