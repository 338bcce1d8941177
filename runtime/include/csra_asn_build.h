/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building asn1c's structures from an arena: what the plan walk
 * (csra_gate.c) and the generated fast path (csra_fast_rt.h) share, so
 * that both build alike and hit the arena's cap at the same point.
 */
#ifndef CSRA_ASN_BUILD_H
#define CSRA_ASN_BUILD_H

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "asn_SET_OF.h"
#include "csra_arena.h"
#include "csra_gate.h"

/* csra_asn_list_push appends |item| to the asn1c list |listp| (a SET OF or
 * SEQUENCE OF), doubling its array from |arena| when full, as asn1c's
 * ASN_SEQUENCE_ADD would from the heap. Returns 1; or 0 with |*too_many|
 * set when the list would pass INT_MAX / 4 entries, or with it left 0 when
 * the arena refuses (its cap, or malloc). */
static inline __attribute__((always_inline)) int csra_asn_list_push(csra_arena *arena, void *listp, void *item,
    int *too_many)
{
	asn_anonymous_set_ *list = listp;
	if (list->count == list->size) {
		if (list->size > INT_MAX / 4)
			return (*too_many = 1, 0);
		int size = list->size ? list->size * 2 : 4;
		void **a = csra_arena_alloc_fast(arena, (size_t)size * sizeof(*a));
		if (a == NULL)
			return 0;
		if (list->count)
			memcpy(a, list->array, (size_t)list->count * sizeof(*a));
		list->array = a;
		list->size = size;
	}
	list->array[list->count++] = item;
	return 1;
}

/* csra_gate_opens_push records |o| in |opens|, doubling its array from
 * |arena| when full. Returns 1; or 0 with |*too_many| set when the array
 * would pass SIZE_MAX / 2 bytes, or with it left 0 when the arena refuses
 * (its cap, or malloc). */
static inline int csra_gate_opens_push(csra_arena *arena, csra_gate_opens *opens, csra_gate_open o,
    int *too_many)
{
	if (opens->n == opens->cap) {
		if (opens->cap > SIZE_MAX / 2 / sizeof(*opens->v))
			return (*too_many = 1, 0);
		size_t cap = opens->cap ? opens->cap * 2 : 8;
		csra_gate_open *v = csra_arena_alloc(arena, cap * sizeof(*v));
		if (v == NULL)
			return 0;
		if (opens->n)
			memcpy(v, opens->v, opens->n * sizeof(*v));
		opens->v = v;
		opens->cap = cap;
	}
	opens->v[opens->n++] = o;
	return 1;
}

#endif
