/* SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast_diff.h"

#include "EvidenceExplicitCerts.h"
#include "ReportedClaim.h"
#include "csra_arena.h"
#include "csra_codec_int.h"
#include "csra_fast.h"
#include "csra_gate.h"

static asn_TYPE_descriptor_t *resolve(void *arg, const asn_TYPE_descriptor_t *container,
    const uint8_t *oid, size_t oid_len, const uint8_t *val, size_t val_len)
{
	(void)arg;
	return csra_codec_open_type(NULL, container, oid, oid_len, val, val_len);
}

static int put(const void *buf, size_t size, void *key)
{
	return fwrite(buf, 1, size, key) == size || size == 0 ? 0 : -1;
}

/* The DER encoding of |value| (|text| 0) or its asn_fprint text (1), or
 * NULL if that fails. */
static char *render(asn_TYPE_descriptor_t *td, const void *value, int text, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	if (f == NULL)
		return NULL;
	int ok = text ? asn_fprint(f, td, value) == 0
	    : der_encode(td, (void *)(uintptr_t)value, put, f).encoded >= 0;
	if (fclose(f) != 0 || !ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* 1 if |a| and |b| render alike: the same DER, and the same text, or no
 * text for either (asn_fprint refuses some values both decoders accept,
 * such as an OID arc past 64 bits: the DER then decides). */
static int same(asn_TYPE_descriptor_t *td, const void *a, const void *b)
{
	int r = 1;
	for (int text = 0; text <= 1 && r; text++) {
		size_t la = 0, lb = 0;
		char *ra = render(td, a, text, &la), *rb = render(td, b, text, &lb);
		r = ra != NULL && rb != NULL ? la == lb && memcmp(ra, rb, la) == 0 : text && ra == NULL && rb == NULL;
		free(ra);
		free(rb);
	}
	return r;
}

enum fast_diff fast_diff(csra_pdu pdu, const uint8_t *der, size_t len, unsigned max_depth,
    char *why, size_t why_len)
{
	asn_TYPE_descriptor_t *td = csra_pdu_td(pdu);
	if (td == NULL || why_len == 0)
		return FD_BOTH_REFUSE;
	why[0] = '\0';
	if (pdu == CSRA_PDU_EVIDENCE)
		td = csra_evidence_td_for(der, len);
	csra_gate_opts go = { max_depth, resolve, NULL, &asn_DEF_ReportedClaim, csra_codec_open_containers };
	size_t first = len + 8 * len + 2048;
	size_t cap = 64 * len + (1u << 20);
	csra_arena *fa = csra_arena_new(first, cap), *wa = csra_arena_new(first, cap);
	enum fast_diff r = FD_ALLOC;
	if (fa == NULL || wa == NULL)
		goto out;
	csra_gate_opens fo = { 0 }, wo = { 0 };
	void *fv = NULL, *wv = NULL;
	csra_diag dg;
	int fast = csra_fast_decode(td, der, len, &go, fa, &fo, &fv);
	csra_err e = csra_gate_decode(td, der, len, &go, wa, &wo, &wv, &dg);
	if (e == CSRA_ERR_NOMEM) {
		/* malloc failed under the walk (each side has its own
		 * arena): no verdict either way. */
		r = FD_ALLOC;
		goto out;
	}
	if (e == CSRA_ERR_DER_RESOURCE_LIMIT) {
		/* The walk reached the arena's cap. Both allocate alike, so
		 * the fast path must not accept; its refusal says nothing. */
		r = fast ? FD_FAST_ONLY : FD_ALLOC;
		if (fast)
			snprintf(why, why_len, "%s: fast path accepts, walk %s", td->name,
			    csra_err_name(e));
		goto out;
	}
	if (fast && e != CSRA_OK) {
		r = FD_FAST_ONLY;
		snprintf(why, why_len, "%s: fast path accepts, walk refuses: %s at %zu, %s", td->name,
		    csra_err_name(e), dg.offset, dg.path);
		goto out;
	}
	if (!fast && e == CSRA_OK) {
		/* An allocation the fast path could not make is no verdict. */
		r = csra_arena_hit_cap(fa) ? FD_ALLOC : FD_WALK_ONLY;
		snprintf(why, why_len, "%s: walk accepts, fast path refuses", td->name);
		goto out;
	}
	if (!fast) {
		r = FD_BOTH_REFUSE;
		goto out;
	}
	r = FD_VALUE;
	if (!same(td, fv, wv)) {
		snprintf(why, why_len, "%s: the values differ", td->name);
		goto out;
	}
	if (fo.n != wo.n) {
		snprintf(why, why_len, "%s: %zu open-type values built, the walk %zu", td->name, fo.n, wo.n);
		goto out;
	}
	for (size_t i = 0; i < fo.n; i++) {
		const csra_gate_open *a = &fo.v[i], *b = &wo.v[i];
		if (a->der != b->der || a->len != b->len || a->td != b->td || !same(a->td, a->value, b->value)) {
			snprintf(why, why_len, "%s: open-type value %zu (%s) differs", td->name, i, b->td->name);
			goto out;
		}
	}
	r = FD_BOTH_ACCEPT;
out:
	csra_arena_free(&fa);
	csra_arena_free(&wa);
	return r;
}
