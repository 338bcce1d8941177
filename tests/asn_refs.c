/* SPDX-License-Identifier: BSD-2-Clause */
#include "asn_refs.h"

#include "OCTET_STRING.h"
#include "asn_SET_OF.h"
#include "csra_gate_plan.h"

static const struct plan *plan_for(const asn_TYPE_descriptor_t *td)
{
	size_t n;
	const struct plan *p = csra_gate_plans(&n);
	for (size_t i = 0; p != NULL && i < n; i++)
		if (p[i].td == td)
			return &p[i];
	return NULL;
}

static int within(const uint8_t *p, size_t n, const uint8_t *der, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)der;
	return a >= b && n <= len && a - b <= len - n;
}

static void visit(const struct plan *pl, const void *st, const uint8_t *der, size_t len, struct asn_refs *r);

static void visit_member(const struct mplan *m, const void *st, const uint8_t *der, size_t len,
    struct asn_refs *r)
{
	const void *v = (const char *)st + m->offset;
	if (m->pointer)
		v = *(const void *const *)v;
	if (v != NULL)
		visit(m->type, v, der, len, r);
}

static void visit(const struct plan *pl, const void *st, const uint8_t *der, size_t len, struct asn_refs *r)
{
	switch (pl->kind) {
	case K_SEQUENCE:
		for (unsigned i = 0; i < pl->nm; i++)
			visit_member(&pl->m[i], st, der, len, r);
		return;
	case K_SEQ_OF:
	case K_SET_OF: {
		const asn_anonymous_set_ *list = st;
		for (int i = 0; i < list->count; i++)
			visit(pl->m[0].type, list->array[i], der, len, r);
		return;
	}
	case K_CHOICE: {
		const char *pres = (const char *)st + pl->pres_offset;
		int present = pl->pres_size == sizeof(int) ? *(const int *)(const void *)pres
		    : pl->pres_size == sizeof(short) ? *(const short *)(const void *)pres : *pres;
		if (present > 0 && present <= (int)pl->nm)
			visit_member(&pl->m[present - 1], st, der, len, r);
		return;
	}
	case K_ANY:
	case K_PRIM: {
		if (pl->kind == K_PRIM && (pl->univ == 1 || pl->univ == 5))
			return;	/* BOOLEAN, NULL: no buffer */
		const OCTET_STRING_t *os = st;	/* every other kind starts so */
		int in_place = pl->kind == K_ANY || pl->univ == 2 || pl->univ == 3 || pl->univ == 6 ||
		    pl->univ == 10 || pl->univ == 13;
		int in = os->buf != NULL && within(os->buf, (size_t)os->size, der, len);
		if (in_place)
			in ? r->inside++ : r->outside++;
		else
			!in && os->buf != NULL && os->buf[os->size] == 0 ? r->copies++ : r->bad_copies++;
		return;
	}
	default:
		r->outside++;
		return;
	}
}

int asn_refs_count(asn_TYPE_descriptor_t *td, const void *value, const uint8_t *der, size_t len,
    struct asn_refs *r)
{
	const struct plan *pl = plan_for(td);
	if (pl == NULL || value == NULL)
		return 0;
	visit(pl, value, der, len, r);
	return 1;
}
