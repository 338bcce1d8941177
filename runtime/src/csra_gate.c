/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict DER gate. asn1c 0.9.28's ber_decode accepts indefinite and
 * non-minimal lengths, non-canonical BOOLEAN/INTEGER/OID/BIT STRING/time
 * values, unsorted SET OF, encoded DEFAULTs, trailing bytes and non-DER
 * inside ANY. Re-encoding and comparing catches only part of that and
 * costs three decodes. This walk checks every rule once, in one pass over
 * the bytes, using the generated descriptors for the schema, and knows
 * where it is, so errors carry an offset and a path.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "csra_gate.h"
#include "csra_gate_plan.h"
#include "csra_der_rules.h"
#include "csra_asn_build.h"

#include <limits.h>

#include "BIT_STRING.h"
#include "BOOLEAN.h"
#include "NULL.h"
#include "OCTET_STRING.h"
#include "asn_SET_OF.h"

#include "ANY.h"
#include "AttestationBundle.h"
#include "BOOLEAN.h"
#include "C4aAttestationMessage.h"
#include "Certificate.h"
#include "CertificationRequest.h"
#include "Evidence.h"
#include "EvidenceBundle.h"
#include "EvidenceExplicitCerts.h"
#include "GeneralizedTime.h"
#include "INTEGER.h"
#include "KeyPurposes.h"
#include "TbsEvidence.h"
#include "TcgAttestCertify.h"
#include "UTF8String.h"
#include "CertReqMessages.h"
#include "Controls.h"
#include "Extensions.h"
#include "RelativeDistinguishedName.h"
#include "ReportedClaims.h"
#include "ReportedElements.h"
#include "Extension.h"
#include "SignerIdentifier.h"
#include "TBSCertificate.h"
#include "constr_CHOICE.h"
#include "constr_SEQUENCE.h"
#include "constr_SET_OF.h"

struct seg {
	const char *name;	/* ".name", or NULL for "[index]" */
	int index;
};

struct defby {
	const asn_TYPE_descriptor_t *container;
	const uint8_t *oid;
	size_t oid_len;
};


typedef struct gate {
	const uint8_t *base;
	const csra_gate_opts *opts;
	csra_diag *diag;
	unsigned depth, max_depth;
	unsigned nseg;
	struct seg segs[64];
	const asn_TYPE_descriptor_t *root;
	csra_arena *arena;	/* NULL: check only */
	csra_gate_opens *opens;	/* NULL: open types are checked, not built */
	/* A header a caller already parsed, so the callee need not. */
	const uint8_t *pre_at, *pre_end;
	struct tlv pre;
} gate;




/* A DEFAULT member as DER would never encode it: its full TLV holding the
 * default value. asn1c generates no default hook for BOOLEAN, so the
 * table is ours; tests/test_der.c checks it covers every DEFAULT in asn1/. */
static const uint8_t dfl_version_v1[] = { 0xa0, 0x03, 0x02, 0x01, 0x00 };
static const uint8_t dfl_false[] = { 0x01, 0x01, 0x00 };
static const struct {
	const asn_TYPE_descriptor_t *td;
	const char *member;
	const uint8_t *der;
	size_t len;
} defaults[] = {
	{ &asn_DEF_TBSCertificate, "version", dfl_version_v1, sizeof(dfl_version_v1) },
	{ &asn_DEF_Extension, "critical", dfl_false, sizeof(dfl_false) },
};

/* asn1c drops a SIZE constraint written on a type assignment (it keeps
 * those on members), so these SIZE (1..MAX) collections are listed here;
 * tests/test_der.c checks the list against asn1/. */
static const asn_TYPE_descriptor_t *const nonempty[] = {
	&asn_DEF_CertReqMessages, &asn_DEF_Controls, &asn_DEF_ReportedElements,
	&asn_DEF_ReportedClaims, &asn_DEF_Extensions, &asn_DEF_RelativeDistinguishedName,
};

int csra_gate_requires_nonempty(const asn_TYPE_descriptor_t *td)
{
	for (size_t i = 0; i < sizeof(nonempty) / sizeof(nonempty[0]); i++)
		if (nonempty[i] == td)
			return 1;
	return 0;
}

static int fail(gate *g, csra_err code, const uint8_t *at)
{
	if (g->diag->code != CSRA_OK)
		return 0;
	g->diag->code = code;
	g->diag->offset = at ? (size_t)(at - g->base) : SIZE_MAX;
	char *out = g->diag->path;
	size_t room = sizeof(g->diag->path), n;
	n = (size_t)snprintf(out, room, "%s", g->root->name);
	for (unsigned i = 0; i < g->nseg && n < room; i++) {
		if (g->segs[i].name)
			n += (size_t)snprintf(out + n, room - n, ".%s", g->segs[i].name);
		else
			n += (size_t)snprintf(out + n, room - n, "[%d]", g->segs[i].index);
	}
	return 0;
}

static void push_name(gate *g, const char *name)
{
	if (g->nseg < sizeof(g->segs) / sizeof(g->segs[0]))
		g->segs[g->nseg] = (struct seg){ name, 0 };
	g->nseg++;
}

static void push_index(gate *g, int i)
{
	if (g->nseg < sizeof(g->segs) / sizeof(g->segs[0]))
		g->segs[g->nseg] = (struct seg){ NULL, i };
	g->nseg++;
}

static void pop(gate *g)
{
	g->nseg--;
}

int csra_der_tlv_peek(const uint8_t *p, const uint8_t *end, uint8_t *tag_byte,
    const uint8_t **content, size_t *content_len)
{
	if (p >= end || (p[0] & 0x1f) == 0x1f)
		return 0;
	*tag_byte = *p++;
	if (p >= end)
		return 0;
	size_t len = *p++;
	if (len & 0x80) {
		size_t n = len & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - p) < n)
			return 0;
		len = 0;
		while (n--)
			len = (len << 8) | *p++;
	}
	if (len > (size_t)(end - p))
		return 0;
	*content = p;
	*content_len = len;
	return 1;
}

/* Parses the header at |p| into g->pre, where the read_tlv of whoever
 * takes that element next finds it, unless it is there already. Parsing
 * into place, not into a local copied over, matters: a copy read back
 * right after parse_tlv's narrower stores stalls store forwarding, and
 * that stall was a quarter of the walk's time. */
static csra_err pre_parse(gate *g, const uint8_t *p, const uint8_t *end, const uint8_t **at)
{
	if (g->pre_at == p && g->pre_end == end)
		return CSRA_OK;
	g->pre_at = NULL;
	csra_err e = der_parse_tlv(p, end, &g->pre, at);
	if (e == CSRA_OK) {
		g->pre_at = p;
		g->pre_end = end;
	}
	return e;
}

/* The header at |p|: g->pre if a caller parsed it, else parsed into
 * |local|. Returned by pointer, not copied: a wide copy read right after
 * parse_tlv's narrow stores stalls store forwarding. Read what is needed
 * before anything parses the next header into g->pre. */
static const struct tlv *take_tlv(gate *g, const uint8_t *p, const uint8_t *end, struct tlv *local)
{
	const uint8_t *at;
	if (g->pre_at == p && g->pre_end == end) {
		g->pre_at = NULL;
		return &g->pre;
	}
	csra_err e = der_parse_tlv(p, end, local, &at);
	return e == CSRA_OK ? local : (fail(g, e, at), NULL);
}

static int read_tlv(gate *g, const uint8_t *p, const uint8_t *end, struct tlv *t)
{
	const uint8_t *at;
	if (g->pre_at == p && g->pre_end == end) {
		*t = g->pre;
		g->pre_at = NULL;
		return 1;
	}
	csra_err e = der_parse_tlv(p, end, t, &at);
	return e == CSRA_OK ? 1 : fail(g, e, at);
}

static enum kind kind_of(const asn_TYPE_descriptor_t *td, unsigned *univ)
{
	*univ = 0;
	if (td->ber_decoder == SEQUENCE_decode_ber)
		return K_SEQUENCE;
	if (td->ber_decoder == CHOICE_decode_ber)
		return K_CHOICE;
	if (td == &asn_DEF_ANY)
		return K_ANY;
	if (td->all_tags_count == 0)
		return K_UNSUPPORTED;	/* an alias of CHOICE or ANY */
	/* The first universal tag is the type's own: asn1c appends the tags
	 * of its implementation (UTF8String lists OCTET STRING after it). */
	int i = 0;
	while (i < td->all_tags_count && BER_TAG_CLASS(td->all_tags[i]) != ASN_TAG_CLASS_UNIVERSAL)
		i++;
	if (i == td->all_tags_count)
		return K_UNSUPPORTED;
	*univ = BER_TAG_VALUE(td->all_tags[i]);
	if (td->ber_decoder == SET_OF_decode_ber)
		return *univ == 16 ? K_SEQ_OF : K_SET_OF;
	if (*univ == 16 || *univ == 17)
		return K_UNSUPPORTED;	/* an alias of a constructed type */
	return K_PRIM;
}

/* Contents rules ------------------------------------------------------- */

static inline __attribute__((always_inline)) int check_prim(gate *g, const struct tlv *t, unsigned univ)
{
	const uint8_t *at;
	csra_err e = der_check_prim(t, univ, &at);
	return e == CSRA_OK ? 1 : fail(g, e, at);
}

/* Records the open-type value at |p|..|next| built as |td| into |value|,
 * next to the ANY |any| that holds its copy. */
static int add_open(gate *g, asn_TYPE_descriptor_t *td, const uint8_t *p, const uint8_t *next,
    const ANY_t *any, void *value)
{
	int too_many = 0;
	if (csra_gate_opens_push(g->arena, g->opens,
	    (csra_gate_open){ p, (size_t)(next - p), any->buf, td, value }, &too_many))
		return 1;
	return fail(g, too_many || csra_arena_hit_cap(g->arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_NOMEM, p);
}

/* Walk ----------------------------------------------------------------- */

struct plan;
struct mplan;
static int check_type(gate *g, const struct plan *pl, const struct mplan *use,
    const ber_tlv_tag_t *tags, int ntags, const uint8_t *p, const uint8_t *end,
    const struct defby *defby, const uint8_t **next, void **sptr);

static int enter(gate *g, const uint8_t *at)
{
	if (++g->depth > g->max_depth)
		return fail(g, CSRA_ERR_DER_DEPTH, at);
	return 1;
}

/* Building ------------------------------------------------------------- */
/*
 * When the walk has an arena it also builds the asn1c structures, the
 * same ones ber_decode would: each TLV is then read once, not twice.
 * tests/test_der.c and fuzz/fuzz_der_roundtrip.c compare the result with
 * ber_decode's.
 */

static void *alloc0(gate *g, size_t n, const uint8_t *at)
{
	void *p = csra_arena_alloc0(g->arena, n);
	if (p == NULL)
		fail(g, csra_arena_hit_cap(g->arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_NOMEM, at);
	return p;
}

/* The struct at |*sptr|, allocated (zeroed) if the member is a pointer. */
static void *get_struct(gate *g, void **sptr, size_t size, const uint8_t *at)
{
	if (*sptr == NULL)
		*sptr = alloc0(g, size, at);
	return *sptr;
}

/* A copy of |p|/|n| with asn1c's courtesy NUL after it. */
static uint8_t *copy_bytes(gate *g, const uint8_t *p, size_t n, const uint8_t *at)
{
	uint8_t *b = csra_arena_alloc(g->arena, n + 1);
	if (b == NULL) {
		fail(g, csra_arena_hit_cap(g->arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_NOMEM, at);
		return NULL;
	}
	if (n)
		memcpy(b, p, n);
	b[n] = 0;
	return b;
}

static int set_bytes(gate *g, uint8_t **buf, int *size, const uint8_t *p, size_t n, const uint8_t *at)
{
	if (n > INT_MAX)
		return fail(g, CSRA_ERR_DER_RESOURCE_LIMIT, at);
	if ((*buf = copy_bytes(g, p, n, at)) == NULL)
		return 0;
	*size = (int)n;
	return 1;
}

/* |p|/|n| in place: INTEGER, OID, BIT STRING and ANY contents point into
 * the bytes walked, which the caller keeps as long as the structure
 * (docs/codec.md); no copy and, unlike ber_decode, no trailing NUL. */
static int ref_bytes(gate *g, uint8_t **buf, int *size, const uint8_t *p, size_t n, const uint8_t *at)
{
	if (n > INT_MAX)
		return fail(g, CSRA_ERR_DER_RESOURCE_LIMIT, at);
	*buf = (uint8_t *)(uintptr_t)p;
	*size = (int)n;
	return 1;
}

/* Stores a checked primitive of universal type |univ| as asn1c does. */
static inline __attribute__((always_inline)) int build_prim(gate *g, const struct tlv *t, unsigned univ, void **sptr)
{
	size_t n = (size_t)(t->end - t->content);
	switch (univ) {
	case 1: {
		BOOLEAN_t *b = get_struct(g, sptr, sizeof(*b), t->start);
		if (b == NULL)
			return 0;
		*b = t->content[0];	/* ber_decode keeps the octet: 0xff */
		return 1;
	}
	case 5:
		return get_struct(g, sptr, sizeof(NULL_t), t->start) != NULL;
	case 2: case 6: case 10: case 13: {
		ASN__PRIMITIVE_TYPE_t *st = get_struct(g, sptr, sizeof(*st), t->start);
		return st != NULL && ref_bytes(g, &st->buf, &st->size, t->content, n, t->start);
	}
	case 3: {
		BIT_STRING_t *st = get_struct(g, sptr, sizeof(*st), t->start);
		if (st == NULL)
			return 0;
		st->bits_unused = t->content[0];
		return ref_bytes(g, &st->buf, &st->size, t->content + 1, n - 1, t->start);
	}
	default: {
		OCTET_STRING_t *st = get_struct(g, sptr, sizeof(*st), t->start);
		return st != NULL && set_bytes(g, &st->buf, &st->size, t->content, n, t->start);
	}
	}
}

/* An open type keeps its whole TLV, as asn1c's ANY does: in place. */
static int build_any(gate *g, const uint8_t *p, const uint8_t *next, void **sptr)
{
	ANY_t *st = get_struct(g, sptr, sizeof(*st), p);
	return st != NULL && ref_bytes(g, &st->buf, &st->size, p, (size_t)(next - p), p);
}

static int list_add(gate *g, void *listp, void *item, const uint8_t *at)
{
	int too_many = 0;
	if (csra_asn_list_push(g->arena, listp, item, &too_many))
		return 1;
	return fail(g, too_many || csra_arena_hit_cap(g->arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_NOMEM, at);
}

/* Walk ----------------------------------------------------------------- */

/* Any DER at all: TLV rules everywhere, contents rules for universal
 * types, SET order, depth. */
static int check_any(gate *g, const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	struct tlv t = { 0 };	/* gcc cannot see read_tlv sets it when it returns 1 */
	if (!read_tlv(g, p, end, &t) || !enter(g, p))
		return 0;
	int is_set = t.cls == ASN_TAG_CLASS_UNIVERSAL && t.num == 17;
	if (t.cls == ASN_TAG_CLASS_UNIVERSAL && t.num != 16 && !is_set) {
		if (!check_prim(g, &t, t.num))
			return 0;
	} else if (t.cons) {
		const uint8_t *c = t.content, *prev = NULL;
		int set_of_ok = 1, set_ok = 1;
		ber_tlv_tag_t prev_tag = 0;
		for (int i = 0; c < t.end; i++) {
			const uint8_t *n, *at;
			struct tlv ct = { 0 };
			push_index(g, i);
			if (!check_any(g, c, t.end, &n))
				return 0;
			pop(g);
			der_parse_tlv(c, t.end, &ct, &at);	/* already checked */
			if (is_set && prev != NULL) {
				/* Without a schema a SET may be a SET OF (ordered by
				 * encoding) or a SET (ordered by tag): accept either. */
				if (der_set_cmp(prev, (size_t)(c - prev), c, (size_t)(n - c)) > 0)
					set_of_ok = 0;
				if (ct.tag <= prev_tag)
					set_ok = 0;
				if (!set_of_ok && !set_ok)
					return fail(g, CSRA_ERR_DER_SET_ORDER, c);
			}
			prev_tag = ct.tag;
			prev = c;
			c = n;
		}
	} else if (t.cls == ASN_TAG_CLASS_UNIVERSAL) {
		return fail(g, CSRA_ERR_DER_CONSTRUCTED_FORM, t.start);
	}
	g->depth--;
	*next = t.end;
	return 1;
}

/* Plans ---------------------------------------------------------------- */
/*
 * What the walk needs from asn1c's descriptors never changes, so it is
 * derived once: a plan per type (kind, universal tag, tag chain, layout,
 * the first-tag lookup of a CHOICE, the empty-collection verdict) and per
 * member (tag chain as used, how its first tag is matched, DEFAULT DER,
 * slot). The plans cover the closure of the decode roots and of every
 * type the open-type resolver returns, built once under pthread_once into
 * static tables; a descriptor outside it is CSRA_ERR_INTERNAL.
 */

/* Today's closure: 82 types, 158 members, 29 CHOICE entries; a schema
 * outgrowing these makes every walk CSRA_ERR_INTERNAL, which every test
 * sees (test_gate_plans_cover_decodes first). */
#define MAX_PLANS 256
#define MAX_MPLANS 1024
#define MAX_ALTS 256
#define PLAN_HASH 512	/* power of two, >= 2 * MAX_PLANS */

static struct plan plans[MAX_PLANS];
static struct mplan mplans[MAX_MPLANS];
static struct alt alts[MAX_ALTS];
static const struct plan *plan_hash[PLAN_HASH];
static unsigned nplans, nmplans, nalts;
static int plans_failed;
static pthread_once_t plans_once = PTHREAD_ONCE_INIT;

static size_t hash_slot(const asn_TYPE_descriptor_t *td)
{
	uintptr_t h = (uintptr_t)td;
	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 7) & (PLAN_HASH - 1);
}

static const struct plan *plan_find(const asn_TYPE_descriptor_t *td)
{
	for (size_t i = hash_slot(td);; i = (i + 1) & (PLAN_HASH - 1)) {
		const struct plan *p = plan_hash[i];
		if (p == NULL || p->td == td)
			return p;
	}
}

/* The tag chain of |td| as used by |elm| (NULL: untagged use). */
static int tag_chain(const asn_TYPE_descriptor_t *td, const asn_TYPE_member_t *elm,
    ber_tlv_tag_t *out)
{
	int n = 0, skip = 0;
	if (elm != NULL && elm->tag_mode != 0) {
		out[n++] = elm->tag;
		skip = elm->tag_mode < 0;	/* IMPLICIT replaces the outermost tag */
	}
	for (int i = skip; i < td->tags_count && n < MAX_TAGS; i++)
		out[n++] = td->tags[i];
	return n;
}

/* Does asn1c's constraint check of a collection (as member |elm|, or
 * bare) refuse an empty one? Asked once, of a zeroed list. */
static int refuses_empty(asn_TYPE_descriptor_t *td, const asn_TYPE_member_t *elm)
{
	if (csra_gate_requires_nonempty(td))
		return 1;
	asn_constr_check_f *check = elm && elm->memb_constraints ? elm->memb_constraints
	    : td->check_constraints;
	union { void *p; long long l; char buf[128]; } empty;
	memset(&empty, 0, sizeof(empty));
	return check != NULL && check(td, &empty, NULL, NULL) != 0;
}

static const struct plan *plan_make(asn_TYPE_descriptor_t *td);

/* Appends to the lookup the first tags that select alternative |index|
 * through member |elm| (recursing into an untagged CHOICE). */
static int add_alts(const asn_TYPE_member_t *elm, uint16_t index, unsigned depth)
{
	if (depth > 8 || nalts >= MAX_ALTS)
		return 0;
	if (elm->tag != (ber_tlv_tag_t)-1) {
		alts[nalts++] = (struct alt){ elm->tag, index, 0 };
		return 1;
	}
	if (elm->type == &asn_DEF_ANY) {
		alts[nalts++] = (struct alt){ 0, index, 1 };
		return 1;
	}
	if (elm->type->ber_decoder == CHOICE_decode_ber)
		for (int i = 0; i < elm->type->elements_count; i++)
			if (!add_alts(&elm->type->elements[i], index, depth + 1))
				return 0;
	return 1;
}

static int mplan_fill(struct mplan *m, const struct plan *owner, const asn_TYPE_member_t *elm)
{
	asn_TYPE_descriptor_t *td = elm->type;
	m->name = elm->name;
	m->tag = elm->tag;
	m->ntags = (uint8_t)tag_chain(td, elm, m->tags);
	m->optional = elm->optional > 0;
	m->pointer = (elm->flags & ATF_POINTER) != 0;
	m->offset = (uint32_t)elm->memb_offset;
	m->open = td == &asn_DEF_ANY && elm->tag_mode == 0;
	if (elm->tag != (ber_tlv_tag_t)-1)
		m->match = M_TAG;
	else if (td == &asn_DEF_ANY)
		m->match = M_ANY;
	else if (td->ber_decoder == CHOICE_decode_ber)
		m->match = M_CHOICE;
	else
		m->match = M_NEVER;
	/* asn1c marks a DEFAULT member optional. */
	for (size_t k = 0; m->optional && k < sizeof(defaults) / sizeof(defaults[0]); k++)
		if (defaults[k].td == owner->td && strcmp(defaults[k].member, elm->name) == 0)
			m->dfl = defaults[k].der, m->dfl_len = defaults[k].len;
	if ((m->type = plan_make(td)) == NULL)
		return 0;
	m->leaf = m->type->kind == K_PRIM && m->ntags == 1;
	m->refuse_empty = (uint8_t)((m->type->kind == K_SEQ_OF || m->type->kind == K_SET_OF) &&
	    refuses_empty(td, elm));
	return 1;
}

/* The plan of |td|, made (with those of its members) if new. */
static const struct plan *plan_make(asn_TYPE_descriptor_t *td)
{
	const struct plan *found = plan_find(td);
	if (found != NULL)
		return found;
	if (nplans >= MAX_PLANS)
		return NULL;
	struct plan *pl = &plans[nplans++];
	size_t slot = hash_slot(td);
	while (plan_hash[slot] != NULL)
		slot = (slot + 1) & (PLAN_HASH - 1);
	plan_hash[slot] = pl;	/* first, so a recursive type finds itself */
	unsigned univ;
	pl->td = td;
	pl->kind = (uint8_t)kind_of(td, &univ);
	pl->univ = (uint8_t)univ;
	pl->ntags = (uint8_t)tag_chain(td, NULL, pl->tags);
	pl->signer_id = td == &asn_DEF_SignerIdentifier;
	switch (pl->kind) {
	case K_SEQUENCE:
		pl->struct_size = ((const asn_SEQUENCE_specifics_t *)td->specifics)->struct_size;
		break;
	case K_SEQ_OF:
	case K_SET_OF:
		pl->struct_size = ((const asn_SET_OF_specifics_t *)td->specifics)->struct_size;
		pl->refuse_empty = (uint8_t)refuses_empty(td, NULL);
		break;
	case K_CHOICE: {
		const asn_CHOICE_specifics_t *specs = td->specifics;
		pl->struct_size = specs->struct_size;
		pl->pres_offset = specs->pres_offset;
		pl->pres_size = (uint8_t)specs->pres_size;
		pl->alts = &alts[nalts];
		for (int i = 0; i < td->elements_count; i++)
			if (!add_alts(&td->elements[i], (uint16_t)i, 0))
				return NULL;
		pl->nalts = (uint16_t)(&alts[nalts] - pl->alts);
		break;
	}
	default:
		return pl;	/* no members walked */
	}
	int n = pl->kind == K_SEQUENCE || pl->kind == K_CHOICE ? td->elements_count : 1;
	if (n < 0 || n > 0xffff || (unsigned)n > MAX_MPLANS - nmplans)
		return NULL;
	struct mplan *m = &mplans[nmplans];
	nmplans += (unsigned)n;
	pl->m = m;
	pl->nm = (uint16_t)n;
	for (int i = 0; i < n; i++)
		if (!mplan_fill(&m[i], pl, &td->elements[i]))
			return NULL;
	return pl;
}

/* Everything csra_decode() starts a walk at or the resolver returns;
 * tests/test_der.c checks every PDU and open type has a plan. */
static asn_TYPE_descriptor_t *const plan_roots[] = {
	&asn_DEF_Evidence, &asn_DEF_EvidenceExplicitCerts, &asn_DEF_AttestationBundle,
	&asn_DEF_EvidenceBundle, &asn_DEF_CertificationRequest, &asn_DEF_CertReqMessages,
	&asn_DEF_Certificate, &asn_DEF_TcgAttestCertify, &asn_DEF_KeyPurposes,
	&asn_DEF_Extensions, &asn_DEF_TbsEvidence, &asn_DEF_C4aAttestationMessage,
	/* claim values */
	&asn_DEF_OCTET_STRING, &asn_DEF_UTF8String, &asn_DEF_INTEGER, &asn_DEF_BOOLEAN,
	&asn_DEF_GeneralizedTime, &asn_DEF_ANY,
};

static void plans_build(void)
{
	for (size_t i = 0; i < sizeof(plan_roots) / sizeof(plan_roots[0]); i++)
		if (plan_make(plan_roots[i]) == NULL)
			plans_failed = 1;
}

static const struct plan *plan_of(const asn_TYPE_descriptor_t *td)
{
	pthread_once(&plans_once, plans_build);
	return plans_failed ? NULL : plan_find(td);
}

const struct plan *csra_gate_plans(size_t *n)
{
	pthread_once(&plans_once, plans_build);
	*n = plans_failed ? 0 : nplans;
	return plans_failed ? NULL : plans;
}

asn_TYPE_descriptor_t *const *csra_gate_plan_roots(size_t *n)
{
	*n = sizeof(plan_roots) / sizeof(plan_roots[0]);
	return plan_roots;
}

int csra_gate_has_plan(const asn_TYPE_descriptor_t *td)
{
	return plan_of(td) != NULL;
}

/* The alternative of an untagged CHOICE that |tag| starts, or -1. */
static int choice_alt(const struct plan *pl, ber_tlv_tag_t tag)
{
	for (unsigned i = 0; i < pl->nalts; i++)
		if (pl->alts[i].tag == tag || pl->alts[i].any)
			return pl->alts[i].index;
	return -1;
}

/* Does member |m| start with |tag|? */
static int member_matches(const struct mplan *m, ber_tlv_tag_t tag)
{
	switch (m->match) {
	case M_TAG: return m->tag == tag;
	case M_ANY: return 1;
	case M_CHOICE: return choice_alt(m->type, tag) >= 0;
	default: return 0;
	}
}

/* Where member |m| of the struct |st| goes: a pointer member's slot, or
 * (through |inline_ptr|) the member inside |st|. NULL: not building. */
static void **member_slot(void *st, const struct mplan *m, void **inline_ptr)
{
	if (st == NULL)
		return NULL;
	if (m->pointer)
		return (void **)((char *)st + m->offset);
	*inline_ptr = (char *)st + m->offset;
	return inline_ptr;
}

static void set_present(void *st, const struct plan *pl, int value)
{
	void *pres = (char *)st + pl->pres_offset;
	switch (pl->pres_size) {
	case sizeof(int): *(int *)pres = value; break;
	case sizeof(short): *(short *)pres = (short)value; break;
	case sizeof(char): *(char *)pres = (char)value; break;
	default: *(long long *)pres = value; break;
	}
}

/* An untagged open-type member whose defining OID was seen. Returns 1 or 0
 * as check_type does, or -1 when the resolver does not know the OID and
 * the value is to be checked as the member's own type (ANY). */
static __attribute__((noinline)) int check_open(gate *g, const uint8_t *p,
    const uint8_t *end, const struct defby *defby, const uint8_t **next, void **sptr)
{
	/* An open type: the OID before it names the value's type. The
	 * header is parsed with the full DER rules (high tags included),
	 * so no encoding slips past the type check as generic DER. */
	const uint8_t *at;
	csra_err e = pre_parse(g, p, end, &at);
	if (e != CSRA_OK)
		return fail(g, e, at);
	asn_TYPE_descriptor_t *ot = g->opts->resolve(g->opts->resolve_arg,
	    defby->container, defby->oid, defby->oid_len, p, (size_t)(g->pre.end - p));
	if (ot != NULL) {
		const struct plan *op = plan_of(ot);
		if (op == NULL)
			return fail(g, CSRA_ERR_INTERNAL, p);
		/* Built too, when asked: whoever opens the value later
		 * finds it rather than walking its bytes again. */
		void *nested = NULL;
		int build = sptr != NULL && g->opens != NULL &&
		    defby->container != g->opts->check_only_in;
		return check_type(g, op, NULL, op->tags, op->ntags, p, end, NULL, next,
		    build ? &nested : NULL) &&
		    (sptr == NULL || build_any(g, p, *next, sptr)) &&
		    (!build || add_open(g, ot, p, *next, *sptr, nested));
	}

	return -1;
}

/* A primitive member with one tag, the commonest element, without
 * check_type's generality; the same checks in the same order. */
static inline int check_leaf(gate *g, const struct mplan *m, const uint8_t *p,
    const uint8_t *end, const uint8_t **next, void **sptr)
{
	struct tlv local;
	const struct tlv *tp = take_tlv(g, p, end, &local);
	if (tp == NULL)
		return 0;
	if (g->depth >= g->max_depth)
		return fail(g, CSRA_ERR_DER_DEPTH, p);
	if (tp->tag != m->tags[0])
		return fail(g, CSRA_ERR_DER_UNEXPECTED_TAG, p);
	unsigned univ = m->type->univ;
	if (!check_prim(g, tp, univ) || (sptr != NULL && !build_prim(g, tp, univ, sptr)))
		return 0;
	*next = tp->end;
	return 1;
}

static inline int check_member(gate *g, const struct mplan *m, const uint8_t *p,
    const uint8_t *end, const struct defby *defby, const uint8_t **next, void **sptr)
{
	if (m->leaf)
		return check_leaf(g, m, p, end, next, sptr);
	if (m->open && defby != NULL && defby->oid != NULL && csra_gate_asks(g->opts, defby->container)) {
		int r = check_open(g, p, end, defby, next, sptr);
		if (r >= 0)
			return r;
	}
	return check_type(g, m->type, m, m->tags, m->ntags, p, end, defby, next, sptr);
}

static int check_sequence(gate *g, const struct plan *pl, const uint8_t *start,
    const uint8_t *content, const uint8_t *tend, void **sptr)
{
	const uint8_t *c = content;
	struct defby own = { pl->td, NULL, 0 };
	int present = 0;
	void *st = NULL;
	if (sptr != NULL && (st = get_struct(g, sptr, pl->struct_size, start)) == NULL)
		return 0;
	for (unsigned i = 0; i < pl->nm; i++) {
		const struct mplan *m = &pl->m[i];
		if (c < tend) {
			const uint8_t *at;
			/* A bad header is reported by the member's own check. An
			 * optional member skipped leaves the header parsed for
			 * the next. */
			int ok = pre_parse(g, c, tend, &at) == CSRA_OK;
			ber_tlv_tag_t htag = g->pre.tag;
			const uint8_t *hcontent = g->pre.content, *hend = g->pre.end;
			if (!ok || member_matches(m, htag)) {
				const uint8_t *n;
				void *inl;
				push_name(g, m->name);
				if (!check_member(g, m, c, tend, &own, &n, member_slot(st, m, &inl)))
					return 0;
				if (m->dfl != NULL && (size_t)(n - c) == m->dfl_len &&
				    memcmp(c, m->dfl, m->dfl_len) == 0)
					return fail(g, CSRA_ERR_DER_DEFAULT_ENCODED, c);
				pop(g);
				if (own.oid == NULL && ok && htag == (6u << 2)) {
					own.oid = hcontent;
					own.oid_len = (size_t)(hend - hcontent);
				}
				present++;
				c = n;
				continue;
			}
		}
		if (!m->optional) {
			push_name(g, m->name);
			return fail(g, c < tend ? CSRA_ERR_DER_UNEXPECTED_TAG
			    : CSRA_ERR_DER_MISSING_ELEMENT, c);
		}
	}
	if (c < tend) {
		/* Nothing in the schema takes this element. */
		return fail(g, CSRA_ERR_DER_UNEXPECTED_TAG, c);
	}
	if (pl->signer_id && present == 0)
		return fail(g, CSRA_ERR_DER_SIGNER_ID_EMPTY, start);
	return 1;
}

static int check_collection(gate *g, const struct plan *pl, const struct mplan *use,
    const uint8_t *start, const uint8_t *content, const uint8_t *tend, int is_set,
    const struct defby *defby, void **sptr)
{
	const struct mplan *item = &pl->m[0];
	const uint8_t *c = content, *prev = NULL;
	size_t prev_len = 0;
	int i = 0;
	void *st = NULL;
	if (sptr != NULL && (st = get_struct(g, sptr, pl->struct_size, start)) == NULL)
		return 0;
	for (; c < tend; i++) {
		const uint8_t *n;
		void *it = NULL;
		push_index(g, i);
		if (!check_member(g, item, c, tend, defby, &n, st ? &it : NULL))
			return 0;
		pop(g);
		if (is_set && prev != NULL && der_set_cmp(prev, prev_len, c, (size_t)(n - c)) > 0)
			return fail(g, CSRA_ERR_DER_SET_ORDER, c);
		if (st != NULL && !list_add(g, st, it, c))
			return 0;
		prev = c;
		prev_len = (size_t)(n - c);
		c = n;
	}
	/* SIZE (1..MAX), on the type (our list) or the member (asn1c's
	 * constraint, asked when the plan was made). */
	if (i == 0 && (use ? use->refuse_empty : pl->refuse_empty))
		return fail(g, CSRA_ERR_DER_CONSTRAINT, start);
	return 1;
}

static int check_type(gate *g, const struct plan *pl, const struct mplan *use,
    const ber_tlv_tag_t *tags, int ntags, const uint8_t *p, const uint8_t *end,
    const struct defby *defby, const uint8_t **next, void **sptr)
{
	struct tlv t;
	unsigned k = pl->kind;
	if (k == K_UNSUPPORTED)
		return fail(g, CSRA_ERR_INTERNAL, p);
	if (ntags == 0) {
		if (k == K_ANY)
			return check_any(g, p, end, next) && (sptr == NULL || build_any(g, p, *next, sptr));
		/* Untagged CHOICE: its alternative is picked by the next tag. */
		const uint8_t *at;
		csra_err e = pre_parse(g, p, end, &at);
		if (e != CSRA_OK)
			return fail(g, e, at);
		int i = choice_alt(pl, g->pre.tag);
		if (i < 0)
			return fail(g, CSRA_ERR_DER_UNEXPECTED_TAG, p);
		const struct mplan *alt = &pl->m[i];
		void *st = NULL, *inl;
		if (sptr != NULL) {
			if ((st = get_struct(g, sptr, pl->struct_size, p)) == NULL)
				return 0;
			set_present(st, pl, i + 1);
		}
		push_name(g, alt->name);
		if (!check_member(g, alt, p, end, NULL, next, member_slot(st, alt, &inl)))
			return 0;
		pop(g);
		return 1;
	}
	/* Outer explicit tags: each holds exactly one TLV. */
	const struct tlv *tp = take_tlv(g, p, end, &t);
	if (tp == NULL || !enter(g, p))
		return 0;
	if (tp->tag != tags[0])
		return fail(g, CSRA_ERR_DER_UNEXPECTED_TAG, p);
	const uint8_t *tcontent = tp->content, *tend = tp->end;
	if (k == K_PRIM && ntags == 1) {
		/* Nothing parses another header before these are done with tp. */
		if (!check_prim(g, tp, pl->univ) || (sptr != NULL && !build_prim(g, tp, pl->univ, sptr)))
			return 0;
	} else if (!tp->cons) {
		return fail(g, CSRA_ERR_DER_CONSTRUCTED_FORM, p);
	} else if (ntags > 1 || k == K_CHOICE || k == K_ANY) {
		const uint8_t *inner;
		if (!check_type(g, pl, use, tags + 1, ntags - 1, tcontent, tend, defby, &inner, sptr))
			return 0;
		if (inner != tend)
			return fail(g, CSRA_ERR_DER_TRAILING_DATA, inner);
	} else {
		switch (k) {
		case K_SEQUENCE:
			if (!check_sequence(g, pl, p, tcontent, tend, sptr))
				return 0;
			break;
		case K_SEQ_OF:
		case K_SET_OF:
			if (!check_collection(g, pl, use, p, tcontent, tend, k == K_SET_OF, defby, sptr))
				return 0;
			break;
		default:
			return fail(g, CSRA_ERR_INTERNAL, p);
		}
	}
	g->depth--;
	*next = tend;
	return 1;
}

static csra_err walk(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out,
    csra_diag *diag)
{
	gate g;
	memset(&g, 0, sizeof(g));
	g.base = der;
	g.opts = opts;
	g.max_depth = opts->max_depth;
	g.diag = diag;
	g.root = td;
	g.arena = arena;
	g.opens = opens;
	diag->code = CSRA_OK;
	diag->offset = 0;
	diag->path[0] = '\0';
	const struct plan *pl = plan_of(td);
	if (pl == NULL) {
		/* A type outside the planned closure: a bug of ours, not bad input. */
		fail(&g, CSRA_ERR_INTERNAL, NULL);
		return diag->code;
	}
	const uint8_t *next;
	if (!check_type(&g, pl, NULL, pl->tags, pl->ntags, der, der + len, NULL, &next, out))
		return diag->code;
	if (next != der + len) {
		fail(&g, CSRA_ERR_DER_TRAILING_DATA, next);
		return diag->code;
	}
	return CSRA_OK;
}

csra_err csra_gate_check(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_diag *diag)
{
	return walk(td, der, len, opts, NULL, NULL, NULL, diag);
}

csra_err csra_gate_decode(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out,
    csra_diag *diag)
{
	*out = NULL;
	void *value = NULL;
	csra_err e = walk(td, der, len, opts, arena, opens, &value, diag);
	if (e == CSRA_OK)
		*out = value;
	return e;
}
