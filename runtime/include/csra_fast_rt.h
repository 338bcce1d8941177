/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the generated fast path (csra_fast.c, written at build time by
 * tools/csra_fastgen.c) calls: DER's rules from csra_der_rules.h, the
 * same ones the plan walk applies, with the verdict only, and the
 * builders of asn1c's structures. Included by the generated file alone.
 * Every function returns 1 to go on, 0 to give up: the caller then runs
 * the plan walk, which finds the problem and says where.
 */
#ifndef CSRA_FAST_RT_H
#define CSRA_FAST_RT_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "ANY.h"
#include "BIT_STRING.h"
#include "BOOLEAN.h"
#include "INTEGER.h"
#include "NULL.h"
#include "OCTET_STRING.h"
#include "asn_SET_OF.h"
#include "csra_arena.h"
#include "csra_asn_build.h"
#include "csra_der_rules.h"
#include "csra_fast.h"
#include "csra_gate.h"
#include "csra_gate_plan.h"

#define F_INLINE static inline __attribute__((always_inline))

typedef struct fx {
	const csra_gate_opts *opts;
	csra_arena *arena;
	csra_gate_opens *opens;	/* NULL: open types checked, not built */
	unsigned max_depth;
	/* csra_gate_asks for the last container seen: open values come in
	 * runs of one container (claims, a Name's attributes). */
	const asn_TYPE_descriptor_t *ask_td;
	int ask;
} fx;

/* As the walk's: the container of an open type and its defining OID. */
struct fdefby {
	const asn_TYPE_descriptor_t *container;
	const uint8_t *oid;
	size_t oid_len;
};

/* A whole TLV of a root type as its own tags say, built into |*sptr|
 * (NULL: checked only). |d| counts the TLVs around |p|. */
typedef int (*f_tlv_fn)(fx *x, const uint8_t *p, const uint8_t *e, unsigned d,
    const struct fdefby *db, void **sptr, const uint8_t **next);

/* The generated table of root types: defined by the generated file. */
static f_tlv_fn f_root_fn(const asn_TYPE_descriptor_t *td);

/* A header by DER's rules: der_parse_tlv's verdict. Low tag numbers with
 * lengths up to 0xffff, nearly every header, are read here without its
 * loops; anything else goes to it. */
F_INLINE int f_hdr(const uint8_t *p, const uint8_t *e, struct tlv *t)
{
	const uint8_t *at;
	if (e - p >= 4 && (p[0] & 0x1f) != 0x1f) {
		uint8_t b = p[0], l = p[1];
		size_t len;
		const uint8_t *c;
		if (l < 0x80) {
			len = l;
			c = p + 2;
		} else if (l == 0x81 && p[2] >= 0x80) {
			len = p[2];
			c = p + 3;
		} else if (l == 0x82 && p[2] != 0) {
			len = (size_t)p[2] << 8 | p[3];
			c = p + 4;
		} else {
			return der_parse_tlv(p, e, t, &at) == CSRA_OK;
		}
		if (len > (size_t)(e - c))
			return 0;
		t->cls = b >> 6;
		t->cons = (b >> 5) & 1;
		t->num = b & 0x1f;
		t->tag = ((ber_tlv_tag_t)t->num << 2) | t->cls;
		t->start = p;
		t->content = c;
		t->end = c + len;
		return 1;
	}
	return der_parse_tlv(p, e, t, &at) == CSRA_OK;
}

F_INLINE int f_prim(const struct tlv *t, unsigned univ)
{
	const uint8_t *at;
	return der_check_prim(t, univ, &at) == CSRA_OK;
}

F_INLINE void *f_alloc0(fx *x, size_t n)
{
	void *p = csra_arena_alloc_fast(x->arena, n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* The struct at |*sptr|, allocated (zeroed) if the member is a pointer. */
F_INLINE void *f_struct(fx *x, void **sptr, size_t size)
{
	if (*sptr == NULL)
		*sptr = f_alloc0(x, size);
	return *sptr;
}

/* A copy of |p|/|n| with asn1c's courtesy NUL after it. */
F_INLINE int f_bytes(fx *x, uint8_t **buf, int *size, const uint8_t *p, size_t n)
{
	if (n > INT_MAX)
		return 0;
	uint8_t *b = csra_arena_alloc_fast(x->arena, n + 1);
	if (b == NULL)
		return 0;
	if (n)
		memcpy(b, p, n);
	b[n] = 0;
	*buf = b;
	*size = (int)n;
	return 1;
}

/* |p|/|n| in place: INTEGER, OID, BIT STRING and ANY contents point into
 * the bytes decoded, which live as long as the structure (docs/codec.md,
 * "What the structures point into"); no copy and no trailing NUL. */
F_INLINE int f_ref(uint8_t **buf, int *size, const uint8_t *p, size_t n)
{
	if (n > INT_MAX)
		return 0;
	*buf = (uint8_t *)(uintptr_t)p;
	*size = (int)n;
	return 1;
}

/* Stores a checked primitive of universal type |univ| as asn1c does:
 * the walk's build_prim. */
F_INLINE int f_build_prim(fx *x, const struct tlv *t, unsigned univ, void **sptr)
{
	size_t n = (size_t)(t->end - t->content);
	switch (univ) {
	case 1: {
		BOOLEAN_t *b = f_struct(x, sptr, sizeof(*b));
		if (b == NULL)
			return 0;
		*b = t->content[0];
		return 1;
	}
	case 5:
		return f_struct(x, sptr, sizeof(NULL_t)) != NULL;
	case 2: case 6: case 10: case 13: {
		ASN__PRIMITIVE_TYPE_t *st = f_struct(x, sptr, sizeof(*st));
		return st != NULL && f_ref(&st->buf, &st->size, t->content, n);
	}
	case 3: {
		BIT_STRING_t *st = f_struct(x, sptr, sizeof(*st));
		if (st == NULL)
			return 0;
		st->bits_unused = t->content[0];
		return f_ref(&st->buf, &st->size, t->content + 1, n - 1);
	}
	default: {
		OCTET_STRING_t *st = f_struct(x, sptr, sizeof(*st));
		return st != NULL && f_bytes(x, &st->buf, &st->size, t->content, n);
	}
	}
}

/* A primitive under one tag: header (parsed into |t| unless |have|),
 * depth, tag, contents, structure. */
F_INLINE int f_leaf(fx *x, const uint8_t *p, const uint8_t *e, unsigned d, ber_tlv_tag_t tag,
    unsigned univ, struct tlv *t, int have, void **sptr, const uint8_t **next)
{
	if (!have && !f_hdr(p, e, t))
		return 0;
	if (d >= x->max_depth || t->tag != tag || !f_prim(t, univ))
		return 0;
	if (sptr != NULL && !f_build_prim(x, t, univ, sptr))
		return 0;
	*next = t->end;
	return 1;
}

F_INLINE int f_build_any(fx *x, const uint8_t *p, const uint8_t *next, void **sptr)
{
	ANY_t *st = f_struct(x, sptr, sizeof(*st));
	return st != NULL && f_ref(&st->buf, &st->size, p, (size_t)(next - p));
}

F_INLINE int f_list_add(fx *x, void *listp, void *item)
{
	int too_many = 0;
	return csra_asn_list_push(x->arena, listp, item, &too_many);
}

/* Any DER at all, as the walk's check_any. */
static int f_any(fx *x, const uint8_t *p, const uint8_t *e, unsigned d, const uint8_t **next)
{
	struct tlv t;
	if (!f_hdr(p, e, &t) || d >= x->max_depth)
		return 0;
	int is_set = t.cls == ASN_TAG_CLASS_UNIVERSAL && t.num == 17;
	if (t.cls == ASN_TAG_CLASS_UNIVERSAL && t.num != 16 && !is_set) {
		if (!f_prim(&t, t.num))
			return 0;
	} else if (t.cons) {
		const uint8_t *c = t.content, *prev = NULL;
		int set_of_ok = 1, set_ok = 1;
		ber_tlv_tag_t prev_tag = 0;
		while (c < t.end) {
			const uint8_t *n;
			struct tlv ct;
			if (!f_any(x, c, t.end, d + 1, &n) || !f_hdr(c, t.end, &ct))
				return 0;
			if (is_set && prev != NULL) {
				if (der_set_cmp(prev, (size_t)(c - prev), c, (size_t)(n - c)) > 0)
					set_of_ok = 0;
				if (ct.tag <= prev_tag)
					set_ok = 0;
				if (!set_of_ok && !set_ok)
					return 0;
			}
			prev_tag = ct.tag;
			prev = c;
			c = n;
		}
	} else if (t.cls == ASN_TAG_CLASS_UNIVERSAL) {
		return 0;
	}
	*next = t.end;
	return 1;
}

static int f_add_open(fx *x, asn_TYPE_descriptor_t *td, const uint8_t *p, const uint8_t *next,
    const ANY_t *any, void *value)
{
	int too_many = 0;
	return csra_gate_opens_push(x->arena, x->opens,
	    (csra_gate_open){ p, (size_t)(next - p), any->buf, td, value }, &too_many);
}

/* An untagged open-type member whose defining OID was seen: the walk's
 * check_open. 1 or 0, or -1 when the resolver does not know the OID and
 * the value is to be taken as ANY. */
static __attribute__((noinline)) int f_open(fx *x, const uint8_t *p, const uint8_t *e, unsigned d,
    const struct fdefby *db, void **sptr, const uint8_t **next)
{
	struct tlv t;
	if (!f_hdr(p, e, &t))
		return 0;
	asn_TYPE_descriptor_t *ot = x->opts->resolve(x->opts->resolve_arg, db->container,
	    db->oid, db->oid_len, p, (size_t)(t.end - p));
	if (ot == NULL)
		return -1;
	f_tlv_fn fn = f_root_fn(ot);
	if (fn == NULL)
		return 0;
	void *nested = NULL;
	int build = sptr != NULL && x->opens != NULL && db->container != x->opts->check_only_in;
	return fn(x, p, e, d, NULL, build ? &nested : NULL, next) &&
	    (sptr == NULL || f_build_any(x, p, *next, sptr)) &&
	    (!build || f_add_open(x, ot, p, *next, *sptr, nested));
}

F_INLINE int f_asks(fx *x, const asn_TYPE_descriptor_t *container)
{
	if (container != x->ask_td) {
		x->ask_td = container;
		x->ask = csra_gate_asks(x->opts, container);
	}
	return x->ask;
}

/* An open-type member: resolved if it can be, else any DER. */
F_INLINE int f_open_member(fx *x, const uint8_t *p, const uint8_t *e, unsigned d,
    const struct fdefby *db, void **sptr, const uint8_t **next)
{
	if (db != NULL && db->oid != NULL && f_asks(x, db->container)) {
		int r = f_open(x, p, e, d, db, sptr, next);
		if (r >= 0)
			return r;
	}
	return f_any(x, p, e, d, next) && (sptr == NULL || f_build_any(x, p, *next, sptr));
}

F_INLINE void f_set_present(void *st, size_t off, unsigned size, int value)
{
	void *pres = (char *)st + off;
	switch (size) {
	case sizeof(int): *(int *)pres = value; break;
	case sizeof(short): *(short *)pres = (short)value; break;
	case sizeof(char): *(char *)pres = (char)value; break;
	default: *(long long *)pres = value; break;
	}
}

#endif
