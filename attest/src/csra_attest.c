/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attester (csrattest/attest.h): claims with their sources, attestation
 * requests, and answering them with signed Evidence under the rules of
 * draft-ietf-rats-pkix-key-attestation-07 section "Processing an
 * Attestation Request".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "csra_codec_int.h"
#include "csra_signer_int.h"
#include "csra_span.h"
#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"

#define NCLAIMS (CSRA_CLAIM_KEY_PURPOSE + 1)

/* One claim value the attester holds. */
struct hclaim {
	int set;
	csra_claim_source src;
	csra_claim_value v;	/* v.bytes is owned (malloc) */
};

struct hkey {
	char *id;
	size_t id_len;
	struct hclaim c[NCLAIMS];
};

struct hsigner {
	csra_signer *s;
	X509 *cert;
	unsigned sid;
};

struct csra_attester {
	struct hclaim platform[NCLAIMS];
	struct hkey *keys;
	size_t nkeys;
	struct hsigner *signers;
	size_t nsigners;
	STACK_OF(X509) *intermediates;
	time_t clock;		/* (time_t)-1: the system's */
};

struct item {
	char element[24];
	char claim[64];
	int included;
	csra_claim_source src;
	char note[112];
};

struct csra_attest_report {
	struct item *items;
	size_t n, cap;
};

const char *csra_claim_source_name(csra_claim_source s)
{
	switch (s) {
	case CSRA_SOURCE_OBSERVED: return "observed";
	case CSRA_SOURCE_DECLARED: return "declared";
	case CSRA_SOURCE_PRESENTER: return "presenter";
	case CSRA_SOURCE_ATTESTER: return "attester";
	}
	return "?";
}

csra_attester *csra_attester_new(void)
{
	csra_attester *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	if ((a->intermediates = sk_X509_new_null()) == NULL) {
		free(a);
		return NULL;
	}
	a->clock = (time_t)-1;
	return a;
}

static void hclaim_clear(struct hclaim *c)
{
	free((void *)c->v.bytes);
	memset(c, 0, sizeof(*c));
}

void csra_attester_free(csra_attester **ap)
{
	if (ap == NULL || *ap == NULL)
		return;
	csra_attester *a = *ap;
	for (int i = 0; i < NCLAIMS; i++)
		hclaim_clear(&a->platform[i]);
	for (size_t k = 0; k < a->nkeys; k++) {
		free(a->keys[k].id);
		for (int i = 0; i < NCLAIMS; i++)
			hclaim_clear(&a->keys[k].c[i]);
	}
	free(a->keys);
	for (size_t i = 0; i < a->nsigners; i++) {
		csra_signer_free(&a->signers[i].s);
		X509_free(a->signers[i].cert);
	}
	free(a->signers);
	sk_X509_pop_free(a->intermediates, X509_free);
	free(a);
	*ap = NULL;
}

/* Stores |v| as claim |c| of |el| into |slot|. */
static csra_err hold(struct hclaim *slot, csra_element el, csra_claim c, const csra_claim_value *v,
    csra_claim_source src)
{
	const csra_claim_info *info = csra_claim_get(c);
	if (info == NULL || info->element != el || v == NULL || v->type != info->type ||
	    (src != CSRA_SOURCE_OBSERVED && src != CSRA_SOURCE_DECLARED) ||
	    c == CSRA_CLAIM_KEY_IDENTIFIER ||
	    ((v->type == CSRA_VALUE_OCTETS || v->type == CSRA_VALUE_UTF8) && v->bytes == NULL &&
	    v->len != 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	uint8_t *copy = NULL;
	if (v->type == CSRA_VALUE_OCTETS || v->type == CSRA_VALUE_UTF8) {
		if ((copy = malloc(v->len ? v->len : 1)) == NULL)
			return CSRA_ERR_NOMEM;
		if (v->len)
			memcpy(copy, v->bytes, v->len);
	}
	hclaim_clear(slot);
	slot->set = 1;
	slot->src = src;
	slot->v = *v;
	slot->v.bytes = copy;
	return CSRA_OK;
}

csra_err csra_attester_set_platform(csra_attester *a, csra_claim c, const csra_claim_value *v,
    csra_claim_source src)
{
	if (a == NULL || (int)c <= 0 || c >= NCLAIMS)
		return CSRA_ERR_INVALID_ARGUMENT;
	return hold(&a->platform[c], CSRA_ELEMENT_PLATFORM, c, v, src);
}

static struct hkey *find_key(const csra_attester *a, const uint8_t *id, size_t len)
{
	for (size_t k = 0; k < a->nkeys; k++)
		if (a->keys[k].id_len == len && memcmp(a->keys[k].id, id, len) == 0)
			return &a->keys[k];
	return NULL;
}

csra_err csra_attester_add_key(csra_attester *a, const char *identifier, size_t len, size_t *k)
{
	if (a == NULL || identifier == NULL || len == 0 || k == NULL ||
	    find_key(a, (const uint8_t *)identifier, len) != NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct hkey *n = realloc(a->keys, (a->nkeys + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	a->keys = n;
	struct hkey *key = &n[a->nkeys];
	memset(key, 0, sizeof(*key));
	if ((key->id = malloc(len)) == NULL)
		return CSRA_ERR_NOMEM;
	memcpy(key->id, identifier, len);
	key->id_len = len;
	*k = a->nkeys++;
	return CSRA_OK;
}

csra_err csra_attester_set_key(csra_attester *a, size_t k, csra_claim c, const csra_claim_value *v,
    csra_claim_source src)
{
	if (a == NULL || k >= a->nkeys || (int)c <= 0 || c >= NCLAIMS)
		return CSRA_ERR_INVALID_ARGUMENT;
	return hold(&a->keys[k].c[c], CSRA_ELEMENT_KEY, c, v, src);
}

static int get(const struct hclaim *h, csra_claim_value *v, csra_claim_source *src)
{
	if (!h->set)
		return 0;
	if (v != NULL)
		*v = h->v;
	if (src != NULL)
		*src = h->src;
	return 1;
}

int csra_attester_get_platform(const csra_attester *a, csra_claim c, csra_claim_value *v,
    csra_claim_source *src)
{
	if (a == NULL || (int)c <= 0 || c >= NCLAIMS)
		return 0;
	return get(&a->platform[c], v, src);
}

int csra_attester_get_key(const csra_attester *a, size_t k, csra_claim c, csra_claim_value *v,
    csra_claim_source *src)
{
	if (a == NULL || k >= a->nkeys || (int)c <= 0 || c >= NCLAIMS)
		return 0;
	return get(&a->keys[k].c[c], v, src);
}

int csra_attester_find_key(const csra_attester *a, const char *identifier, size_t len, size_t *k)
{
	const struct hkey *key = a != NULL && identifier != NULL ?
	    find_key(a, (const uint8_t *)identifier, len) : NULL;
	if (key == NULL)
		return 0;
	if (k != NULL)
		*k = (size_t)(key - a->keys);
	return 1;
}

size_t csra_attester_key_count(const csra_attester *a)
{
	return a != NULL ? a->nkeys : 0;
}

csra_err csra_attester_set_time(csra_attester *a, time_t t)
{
	if (a == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	a->clock = t;
	return CSRA_OK;
}

csra_err csra_attester_add_signer(csra_attester *a, csra_signer *s, X509 *cert, unsigned sid)
{
	if (a == NULL || s == NULL || (sid & ~7u) || ((sid & CSRA_SID_CERT) && cert == NULL) ||
	    ((sid & CSRA_SID_KEYID) && (cert == NULL || X509_get0_subject_key_id(cert) == NULL)))
		return CSRA_ERR_INVALID_ARGUMENT;
	/* The certificate must be the signer's: a mismatch would only show at
	 * the verifier, as a signature that fails. */
	if (cert != NULL && EVP_PKEY_eq(X509_get0_pubkey(cert), csra_signer_pubkey(s)) != 1)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct hsigner *n = realloc(a->signers, (a->nsigners + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	a->signers = n;
	if (cert != NULL && !X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	csra_signer_up_ref(s);
	n[a->nsigners].s = s;
	n[a->nsigners].cert = cert;
	n[a->nsigners].sid = sid;
	a->nsigners++;
	return CSRA_OK;
}

csra_err csra_attester_add_intermediate(csra_attester *a, X509 *cert)
{
	if (a == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (!X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_push(a->intermediates, cert)) {
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

/* ------------------------------------------------------------------ */
/* Writing claims into an Evidence builder. */

static csra_err add_value(csra_evb *b, size_t el, csra_claim c, const csra_claim_value *v)
{
	switch (v->type) {
	case CSRA_VALUE_BOOLEAN:
		return csra_evb_add_bool(b, el, c, v->boolean);
	case CSRA_VALUE_INTEGER:
		return csra_evb_add_int(b, el, c, v->integer);
	case CSRA_VALUE_OCTETS:
		return csra_evb_add_octets(b, el, c, v->bytes, v->len);
	case CSRA_VALUE_UTF8:
		return csra_evb_add_utf8(b, el, c, (const char *)v->bytes, v->len);
	case CSRA_VALUE_TIME:
		return csra_evb_add_time(b, el, c, v->time);
	case CSRA_VALUE_PURPOSES:
		return csra_evb_add_purposes(b, el, v->purposes);
	}
	return CSRA_ERR_INVALID_ARGUMENT;
}

static uint8_t *signer_spki(const csra_signer *s, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(csra_signer_pubkey(s), &der);
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return der;
}

/* Encodes |b|'s TbsEvidence and checks it decodes as a request. */
static csra_err finish_request(csra_evb *b, uint8_t **der, size_t *len)
{
	csra_err e = csra_evb_tbs(b, der, len);
	if (e != CSRA_OK)
		return e;
	csra_decoded *d = NULL;
	if ((e = csra_decode(NULL, CSRA_PDU_TBS_EVIDENCE, *der, *len, &d, NULL)) != CSRA_OK) {
		free(*der);
		*der = NULL;
		return e == CSRA_ERR_NOMEM ? e : CSRA_ERR_INTERNAL;
	}
	csra_decoded_free(&d);
	return CSRA_OK;
}

csra_err csra_attest_request_new(const csra_claim *claims, size_t nclaims, const uint8_t *nonce,
    size_t nonce_len, const char *const *key_ids, size_t nkeys, uint8_t **der, size_t *len)
{
	if ((claims == NULL && nclaims != 0) || (key_ids == NULL && nkeys != 0) || der == NULL ||
	    len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*der = NULL;
	int want[4] = { 0 };
	for (size_t i = 0; i < nclaims; i++) {
		const csra_claim_info *info = csra_claim_get(claims[i]);
		if (info == NULL || claims[i] == CSRA_CLAIM_NONCE)
			return CSRA_ERR_INVALID_ARGUMENT;	/* the nonce comes with a value */
		want[info->element] = 1;
	}
	if (nonce != NULL)
		want[CSRA_ELEMENT_TRANSACTION] = 1;
	if (nkeys > 0)
		want[CSRA_ELEMENT_KEY] = 1;
	csra_evb *b = csra_evb_new();
	if (b == NULL)
		return CSRA_ERR_NOMEM;
	csra_err e = CSRA_OK;
	size_t el;
	static const csra_element order[] = { CSRA_ELEMENT_TRANSACTION, CSRA_ELEMENT_PLATFORM };
	for (size_t o = 0; e == CSRA_OK && o < 2; o++) {
		if (!want[order[o]])
			continue;
		if ((e = csra_evb_add_element(b, order[o], &el)) != CSRA_OK)
			break;
		if (order[o] == CSRA_ELEMENT_TRANSACTION && nonce != NULL)
			e = csra_evb_add_octets(b, el, CSRA_CLAIM_NONCE, nonce, nonce_len);
		for (size_t i = 0; e == CSRA_OK && i < nclaims; i++)
			if (csra_claim_get(claims[i])->element == order[o])
				e = csra_evb_add_empty(b, el, claims[i]);
	}
	for (size_t k = 0; e == CSRA_OK && want[CSRA_ELEMENT_KEY] && k < (nkeys ? nkeys : 1); k++) {
		if ((e = csra_evb_add_element(b, CSRA_ELEMENT_KEY, &el)) != CSRA_OK)
			break;
		if (nkeys == 0)
			e = csra_evb_add_empty(b, el, CSRA_CLAIM_KEY_IDENTIFIER);
		else if (key_ids[k] == NULL || key_ids[k][0] == '\0')
			e = CSRA_ERR_INVALID_ARGUMENT;
		else
			e = csra_evb_add_utf8(b, el, CSRA_CLAIM_KEY_IDENTIFIER, key_ids[k], strlen(key_ids[k]));
		for (size_t i = 0; e == CSRA_OK && i < nclaims; i++)
			if (csra_claim_get(claims[i])->element == CSRA_ELEMENT_KEY &&
			    claims[i] != CSRA_CLAIM_KEY_IDENTIFIER)
				e = csra_evb_add_empty(b, el, claims[i]);
	}
	if (e == CSRA_OK)
		e = finish_request(b, der, len);
	csra_evb_free(&b);
	return e;
}

csra_err csra_attester_request_all(const csra_attester *a, const uint8_t *nonce, size_t nonce_len,
    uint8_t **der, size_t *len)
{
	if (a == NULL || der == NULL || len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*der = NULL;
	csra_evb *b = csra_evb_new();
	if (b == NULL)
		return CSRA_ERR_NOMEM;
	size_t el;
	csra_err e = csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &el);
	if (e == CSRA_OK && nonce != NULL)
		e = csra_evb_add_octets(b, el, CSRA_CLAIM_NONCE, nonce, nonce_len);
	if (e == CSRA_OK)
		e = csra_evb_add_empty(b, el, CSRA_CLAIM_TIMESTAMP);
	if (e == CSRA_OK && a->nsigners > 0)
		e = csra_evb_add_empty(b, el, CSRA_CLAIM_AK_SPKI);
	int any = 0;
	for (int c = 1; c < NCLAIMS; c++)
		any |= a->platform[c].set;
	if (e == CSRA_OK && any)
		e = csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &el);
	for (int c = 1; e == CSRA_OK && any && c < NCLAIMS; c++)
		if (a->platform[c].set)
			e = csra_evb_add_empty(b, el, (csra_claim)c);
	for (size_t k = 0; e == CSRA_OK && k < a->nkeys; k++) {
		const struct hkey *key = &a->keys[k];
		if ((e = csra_evb_add_element(b, CSRA_ELEMENT_KEY, &el)) != CSRA_OK ||
		    (e = csra_evb_add_utf8(b, el, CSRA_CLAIM_KEY_IDENTIFIER, key->id, key->id_len)) != CSRA_OK)
			break;
		for (int c = 1; e == CSRA_OK && c < NCLAIMS; c++)
			if (key->c[c].set)
				e = csra_evb_add_empty(b, el, (csra_claim)c);
	}
	if (e == CSRA_OK)
		e = finish_request(b, der, len);
	csra_evb_free(&b);
	return e;
}

/* ------------------------------------------------------------------ */
/* The report. */

void csra_attest_report_free(csra_attest_report **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	free((*rp)->items);
	free(*rp);
	*rp = NULL;
}

size_t csra_attest_report_count(const csra_attest_report *r)
{
	return r != NULL ? r->n : 0;
}

int csra_attest_report_item(const csra_attest_report *r, size_t i, const char **element,
    const char **claim, int *included, csra_claim_source *src, const char **note)
{
	if (r == NULL || i >= r->n)
		return 0;
	const struct item *it = &r->items[i];
	if (element)
		*element = it->element;
	if (claim)
		*claim = it->claim;
	if (included)
		*included = it->included;
	if (src)
		*src = it->src;
	if (note)
		*note = it->note;
	return 1;
}

int csra_attest_report_declared(const csra_attest_report *r)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (r->items[i].included && r->items[i].src == CSRA_SOURCE_DECLARED)
			return 1;
	return 0;
}

/* Adds an item; the name of an unknown claim is its dotted OID. */
static csra_err report(csra_attest_report *r, const char *element, csra_claim c,
    const struct span *oid, int included, csra_claim_source src, const char *note)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct item *n = realloc(r->items, cap * sizeof(*n));
		if (n == NULL)
			return CSRA_ERR_NOMEM;
		r->items = n;
		r->cap = cap;
	}
	struct item *it = &r->items[r->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->element, sizeof(it->element), "%s", element);
	const csra_claim_info *info = csra_claim_get(c);
	if (info != NULL)
		snprintf(it->claim, sizeof(it->claim), "%s", info->name);
	else if (oid == NULL || csra_oid_to_str(oid->c, oid->clen, it->claim, sizeof(it->claim)) == 0)
		snprintf(it->claim, sizeof(it->claim), "?");
	it->included = included;
	it->src = src;
	snprintf(it->note, sizeof(it->note), "%s", note ? note : "");
	return CSRA_OK;
}

/* ------------------------------------------------------------------ */
/* Processing a request. */

/* One requested claim, read from the request's DER. */
struct rclaim {
	csra_claim claim;
	struct span tlv, oid;
	int has_value;
	struct span value;	/* the value's TLV */
};

struct rel {
	csra_element type;
	struct span tlv, oid;
	struct rclaim *claims;
	size_t nclaims;
};

struct proc {
	const csra_attester *a;
	const uint8_t *req;
	csra_diag *diag;
	csra_attest_report *rep;
	csra_evb *b;
	uint8_t *reported;	/* per attester key: already in the Evidence */
	size_t nelements;	/* written so far */
};

static csra_err fail(struct proc *p, csra_err code, const uint8_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static csra_err fail(struct proc *p, csra_err code, const uint8_t *at, const char *fmt, ...)
{
	if (p->diag != NULL) {
		p->diag->code = code;
		p->diag->offset = at != NULL ? (size_t)(at - p->req) : SIZE_MAX;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->diag->path, sizeof(p->diag->path), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Reads the request's elements, already accepted by the strict decoder. */
static csra_err read_request(struct proc *p, const uint8_t *req, size_t len, struct rel **out,
    size_t *nout)
{
	struct span tbs, version, list;
	*out = NULL;
	*nout = 0;
	if (!span_at(req, req + len, &tbs) || !span_child(&tbs, 0, &version) ||
	    !span_child(&tbs, 1, &list))
		return fail(p, CSRA_ERR_INTERNAL, req, "TbsEvidence");
	if (version.clen != 1 || version.c[0] != 1)
		return fail(p, CSRA_ERR_EV_VERSION, version.p, "TbsEvidence.version");
	/* Each list counted, then walked, once: a list of many elements or
	 * claims costs time linear in its size. */
	size_t n = span_count(&list, SIZE_MAX);
	struct rel *rels = calloc(n ? n : 1, sizeof(*rels));
	if (rels == NULL)
		return CSRA_ERR_NOMEM;
	*out = rels;
	for (size_t i = 0; i < n; i++) {
		struct rel *r = &rels[i];
		struct span claims;
		span_next(&list, i ? &rels[i - 1].tlv : NULL, &r->tlv);
		span_child(&r->tlv, 0, &r->oid);
		span_child(&r->tlv, 1, &claims);
		r->type = csra_element_from_oid(r->oid.c, r->oid.clen);
		size_t m = span_count(&claims, SIZE_MAX);
		if ((r->claims = calloc(m ? m : 1, sizeof(*r->claims))) == NULL) {
			*nout = i;
			return CSRA_ERR_NOMEM;
		}
		r->nclaims = m;
		for (size_t j = 0; j < m; j++) {
			struct rclaim *c = &r->claims[j];
			span_next(&claims, j ? &r->claims[j - 1].tlv : NULL, &c->tlv);
			span_child(&c->tlv, 0, &c->oid);
			c->has_value = span_child(&c->tlv, 1, &c->value);
			c->claim = csra_claim_from_oid(c->oid.c, c->oid.clen);
		}
	}
	*nout = n;
	return CSRA_OK;
}

static void free_request(struct rel *rels, size_t n)
{
	for (size_t i = 0; rels != NULL && i < n; i++)
		free(rels[i].claims);
	free(rels);
}

static const char *element_name(csra_element e)
{
	return e == CSRA_ELEMENT_TRANSACTION ? "transaction" : e == CSRA_ELEMENT_PLATFORM ? "platform" : "key";
}

/* The processing rules that do not depend on what the attester holds. */
static csra_err check_request(struct proc *p, const struct rel *rels, size_t n)
{
	int seen[4] = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct rel *r = &rels[i];
		if (r->type == CSRA_ELEMENT_UNKNOWN) {
			char dotted[64] = "?";
			csra_oid_to_str(r->oid.c, r->oid.clen, dotted, sizeof(dotted));
			return fail(p, CSRA_ERR_ATTREQ_UNKNOWN_ELEMENT, r->oid.p,
			    "TbsEvidence.reportedElements[%zu].elementType (%s)", i, dotted);
		}
		if (r->type != CSRA_ELEMENT_KEY && seen[r->type]++)
			return fail(p, CSRA_ERR_ATTREQ_DUPLICATE, r->tlv.p,
			    "TbsEvidence.reportedElements[%zu] (a second %s element)", i, element_name(r->type));
		/* Known claims seen in this element: a lookup, not a scan of the
		 * claims before (quadratic in a long list). */
		unsigned char claimed[CSRA_CLAIM_KEY_PURPOSE + 1] = { 0 };
		for (size_t j = 0; j < r->nclaims; j++) {
			const struct rclaim *c = &r->claims[j];
			const csra_claim_info *info = csra_claim_get(c->claim);
#define AT(what) "TbsEvidence.reportedElements[%zu].claims[%zu]" what, i, j
			if (info == NULL) {
				if (c->has_value)
					return fail(p, CSRA_ERR_ATTREQ_UNKNOWN_CLAIM, c->value.p, AT(".value"));
				continue;
			}
			if (info->element != r->type)
				return fail(p, CSRA_ERR_ATTREQ_WRONG_ELEMENT, c->oid.p, AT(".claimType (%s in a %s element)"),
				    info->name, element_name(r->type));
			if (claimed[c->claim]++)
				return fail(p, CSRA_ERR_ATTREQ_DUPLICATE, c->tlv.p, AT(" (%s again)"), info->name);
			int may_have_value = c->claim == CSRA_CLAIM_NONCE || c->claim == CSRA_CLAIM_KEY_IDENTIFIER;
			if (c->has_value && !may_have_value)
				return fail(p, CSRA_ERR_ATTREQ_VALUE, c->value.p, AT(".value (%s)"), info->name);
			if (!c->has_value && c->claim == CSRA_CLAIM_NONCE)
				return fail(p, CSRA_ERR_ATTREQ_NONCE, c->tlv.p, AT(" (nonce)"));
#undef AT
		}
	}
	return CSRA_OK;
}

static time_t attester_now(const csra_attester *a)
{
	return a->clock != (time_t)-1 ? a->clock : time(NULL);
}

/* An element of the answer, written when its first claim is: an element
 * without claims is not valid DER (ReportedClaims is SIZE (1..MAX)). */
struct out_el {
	csra_element type;
	int open;
	size_t idx;
};

static csra_err open_el(struct proc *p, struct out_el *o)
{
	if (o->open)
		return CSRA_OK;
	csra_err e = csra_evb_add_element(p->b, o->type, &o->idx);
	if (e == CSRA_OK) {
		o->open = 1;
		p->nelements++;
	}
	return e;
}

/* Reports the transaction element |r|. */
static csra_err answer_transaction(struct proc *p, const struct rel *r)
{
	struct out_el o = { CSRA_ELEMENT_TRANSACTION, 0, 0 };
	csra_err e = CSRA_OK;
	for (size_t j = 0; e == CSRA_OK && j < r->nclaims; j++) {
		const struct rclaim *c = &r->claims[j];
		size_t el = o.idx;
		if (c->claim != CSRA_CLAIM_UNKNOWN) {
			if ((e = open_el(p, &o)) != CSRA_OK)
				break;
			el = o.idx;
		}
		switch (c->claim) {
		case CSRA_CLAIM_NONCE:
			if ((e = csra_evb_add_octets(p->b, el, c->claim, c->value.c, c->value.clen)) == CSRA_OK)
				e = report(p->rep, "transaction", c->claim, NULL, 1, CSRA_SOURCE_PRESENTER,
				    "copied from the request");
			break;
		case CSRA_CLAIM_TIMESTAMP:
			if ((e = csra_evb_add_time(p->b, el, c->claim, attester_now(p->a))) == CSRA_OK)
				e = report(p->rep, "transaction", c->claim, NULL, 1, CSRA_SOURCE_ATTESTER,
				    "the attester's clock");
			break;
		case CSRA_CLAIM_AK_SPKI:
			for (size_t s = 0; e == CSRA_OK && s < p->a->nsigners; s++) {
				/* One claim per key, though it sign under several
				 * certificates: "Each included claim MUST refer to a
				 * different attestation key" (draft-07, ak-spki). */
				size_t t = 0;
				while (t < s && EVP_PKEY_eq(csra_signer_pubkey(p->a->signers[t].s),
				    csra_signer_pubkey(p->a->signers[s].s)) != 1)
					t++;
				if (t < s)
					continue;
				size_t len;
				uint8_t *spki = signer_spki(p->a->signers[s].s, &len);
				e = spki == NULL ? CSRA_ERR_NOMEM : csra_evb_add_octets(p->b, el, c->claim, spki, len);
				OPENSSL_free(spki);
			}
			if (e == CSRA_OK)
				e = report(p->rep, "transaction", c->claim, NULL, 1, CSRA_SOURCE_ATTESTER,
				    "one per attestation key");
			break;
		default:
			e = report(p->rep, "transaction", c->claim, &c->oid, 0, 0, "unknown claim type: left out");
			break;
		}
	}
	return e;
}

/* Reports the requested claims of an element from |held| (the platform's
 * or a key's); |element| names it in the report. */
static csra_err answer_claims(struct proc *p, const struct rel *r, struct out_el *o, const struct hclaim *held,
    const char *element)
{
	csra_err e = CSRA_OK;
	for (size_t j = 0; e == CSRA_OK && j < r->nclaims; j++) {
		const struct rclaim *c = &r->claims[j];
		if (c->claim == CSRA_CLAIM_KEY_IDENTIFIER)
			continue;	/* written first, always */
		if (c->claim == CSRA_CLAIM_UNKNOWN) {
			e = report(p->rep, element, c->claim, &c->oid, 0, 0, "unknown claim type: left out");
		} else if (!held[c->claim].set) {
			e = report(p->rep, element, c->claim, NULL, 0, 0, "not known to the attester: left out");
		} else if ((e = open_el(p, o)) == CSRA_OK &&
		    (e = add_value(p->b, o->idx, c->claim, &held[c->claim].v)) == CSRA_OK) {
			e = report(p->rep, element, c->claim, NULL, 1, held[c->claim].src,
			    held[c->claim].src == CSRA_SOURCE_DECLARED ? "the operator's declaration, not observed" : "");
		}
	}
	return e;
}

static csra_err answer_key(struct proc *p, size_t i, const struct rel *r, const struct hkey *key,
    int requested_id, size_t *nkeys_out)
{
	/* Twice would be two key elements with one identifier, which the
	 * draft's verifiers reject. */
	if (p->reported[key - p->a->keys]++)
		return fail(p, CSRA_ERR_ATTREQ_DUPLICATE, r->tlv.p,
		    "TbsEvidence.reportedElements[%zu] (a key already reported)", i);
	char element[24];
	snprintf(element, sizeof(element), "key[%zu]", (*nkeys_out)++);
	struct out_el o = { CSRA_ELEMENT_KEY, 0, 0 };
	csra_err e = open_el(p, &o);
	/* The draft: a key element MUST report its identifier. */
	if (e == CSRA_OK &&
	    (e = csra_evb_add_utf8(p->b, o.idx, CSRA_CLAIM_KEY_IDENTIFIER, key->id, key->id_len)) == CSRA_OK)
		e = report(p->rep, element, CSRA_CLAIM_KEY_IDENTIFIER, NULL, 1,
		    requested_id ? CSRA_SOURCE_PRESENTER : CSRA_SOURCE_ATTESTER,
		    requested_id ? "selected by the request" : "the draft requires it in every key element");
	if (e == CSRA_OK)
		e = answer_claims(p, r, &o, key->c, element);
	return e;
}

csra_err csra_attester_process(const csra_attester *a, const uint8_t *req, size_t req_len,
    uint8_t **evidence, size_t *ev_len, csra_attest_report **rep, csra_diag *diag)
{
	if (evidence != NULL)
		*evidence = NULL;
	if (rep != NULL)
		*rep = NULL;
	if (a == NULL || req == NULL || evidence == NULL || ev_len == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->offset = SIZE_MAX;
	}
	struct proc p = { a, req, diag, NULL, NULL, NULL, 0 };
	csra_decoded *d = NULL;
	csra_err e = csra_decode(NULL, CSRA_PDU_TBS_EVIDENCE, req, req_len, &d, diag);
	if (e != CSRA_OK)
		return e;
	csra_decoded_free(&d);
	if (a->nsigners == 0)
		return fail(&p, CSRA_ERR_ATTREQ_NO_SIGNER, NULL, "attester");

	struct rel *rels = NULL;
	size_t n = 0;
	p.rep = calloc(1, sizeof(*p.rep));
	p.b = csra_evb_new();
	p.reported = calloc(a->nkeys ? a->nkeys : 1, 1);
	if (p.rep == NULL || p.b == NULL || p.reported == NULL) {
		e = CSRA_ERR_NOMEM;
		goto out;
	}
	if ((e = read_request(&p, req, req_len, &rels, &n)) != CSRA_OK ||
	    (e = check_request(&p, rels, n)) != CSRA_OK)
		goto out;
	size_t nkeys_out = 0;
	for (size_t i = 0; e == CSRA_OK && i < n; i++) {
		const struct rel *r = &rels[i];
		if (r->type == CSRA_ELEMENT_TRANSACTION) {
			e = answer_transaction(&p, r);
		} else if (r->type == CSRA_ELEMENT_PLATFORM) {
			struct out_el o = { CSRA_ELEMENT_PLATFORM, 0, 0 };
			e = answer_claims(&p, r, &o, a->platform, "platform");
		} else {
			const struct rclaim *sel = NULL;
			for (size_t j = 0; j < r->nclaims; j++)
				if (r->claims[j].claim == CSRA_CLAIM_KEY_IDENTIFIER && r->claims[j].has_value)
					sel = &r->claims[j];
			if (sel != NULL) {
				/* The strict decoder checked it is a UTF8String. */
				const struct hkey *key = find_key(a, sel->value.c, sel->value.clen);
				if (key == NULL)
					e = fail(&p, CSRA_ERR_ATTREQ_NO_KEY, sel->value.p,
					    "TbsEvidence.reportedElements[%zu].claims (identifier)", i);
				else
					e = answer_key(&p, i, r, key, 1, &nkeys_out);
			} else if (a->nkeys == 0) {
				e = fail(&p, CSRA_ERR_ATTREQ_NO_KEYS, r->tlv.p, "TbsEvidence.reportedElements[%zu]", i);
			} else {
				for (size_t k = 0; e == CSRA_OK && k < a->nkeys; k++)
					e = answer_key(&p, i, r, &a->keys[k], 0, &nkeys_out);
			}
		}
	}
	/* Evidence needs one element: a request answered with nothing would
	 * otherwise be signed as an empty, invalid TbsEvidence. */
	if (e == CSRA_OK && p.nelements == 0)
		e = fail(&p, CSRA_ERR_ATTREQ_NOTHING, req, "TbsEvidence.reportedElements");
	for (size_t s = 0; e == CSRA_OK && s < a->nsigners; s++)
		e = csra_evb_add_signer_ex(p.b, a->signers[s].s, a->signers[s].cert, a->signers[s].sid, NULL, 0);
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(a->intermediates); i++)
		e = csra_evb_add_intermediate(p.b, sk_X509_value(a->intermediates, i));
	if (e == CSRA_OK)
		e = csra_evb_encode(p.b, evidence, ev_len);
out:
	/* Failures not in the request (memory, signing) have no place in it. */
	if (e != CSRA_OK && diag != NULL && diag->code == CSRA_OK)
		fail(&p, e, NULL, "attester");
	free(p.reported);
	free_request(rels, n);
	csra_evb_free(&p.b);
	if (e == CSRA_OK && rep != NULL)
		*rep = p.rep;
	else
		csra_attest_report_free(&p.rep);
	return e;
}
