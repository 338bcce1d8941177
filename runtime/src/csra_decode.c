/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one strict decode entry point: size cap, DER gate, then asn1c's
 * ber_decode into a per-decode arena, then asn1c's constraint check.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csra_arena.h"
#include "csra_codec_int.h"
#include "csra_fast.h"
#include "csra_gate.h"

#include "AttestationBundle.h"
#include "AttestationStatement.h"
#include "CRIAttribute.h"
#include "CertReqMessages.h"
#include "Certificate.h"
#include "CertificationRequest.h"
#include "C4aAttestationMessage.h"
#include "Evidence.h"
#include "TbsEvidence.h"
#include "EvidenceBundle.h"
#include "EvidenceExplicitCerts.h"
#include "EvidenceStatement.h"
#include "Extensions.h"
#include "KeyPurposes.h"
#include "ReportedClaim.h"
#include "TcgAttestCertify.h"

#define DEFAULT_MAX_DER (4u << 20)
#define LIMIT_MAX_DER (256u << 20)
#define DEFAULT_MAX_DEPTH 32
#define OID_MAX 64

struct csra_codec {
	size_t max_der;
	unsigned max_depth;
	uint8_t evidence_type[OID_MAX];
	size_t evidence_type_len;
};

struct csra_decoded {
	csra_arena *arena;
	csra_pdu pdu;
	const uint8_t *der;
	size_t der_len;
	void *value;
	int explicit_certs;
	int refs;		/* csra_decoded_ref; one per csra_decoded_free */
	csra_codec codec;	/* a copy: the decoded value outlives nothing */
	csra_gate_opens opens;	/* open-type values the decode built */
	size_t open_hint;	/* where the last lookup ended: lookups come in order */
};

/* The two Evidence forms share one C layout, so an EXPLICIT one is handed
 * out as Evidence_t. */
_Static_assert(sizeof(Evidence_t) == sizeof(EvidenceExplicitCerts_t), "layout");
_Static_assert(offsetof(Evidence_t, tbs) == offsetof(EvidenceExplicitCerts_t, tbs), "layout");
_Static_assert(offsetof(Evidence_t, signatures) == offsetof(EvidenceExplicitCerts_t, signatures), "layout");
_Static_assert(offsetof(Evidence_t, intermediateCertificates) ==
    offsetof(EvidenceExplicitCerts_t, intermediateCertificates), "layout");

static const struct {
	csra_pdu pdu;
	asn_TYPE_descriptor_t *td;
} pdus[] = {
	{ CSRA_PDU_EVIDENCE, &asn_DEF_Evidence },
	{ CSRA_PDU_ATTESTATION_BUNDLE, &asn_DEF_AttestationBundle },
	{ CSRA_PDU_EVIDENCE_BUNDLE, &asn_DEF_EvidenceBundle },
	{ CSRA_PDU_CERTIFICATION_REQUEST, &asn_DEF_CertificationRequest },
	{ CSRA_PDU_CERT_REQ_MESSAGES, &asn_DEF_CertReqMessages },
	{ CSRA_PDU_CERTIFICATE, &asn_DEF_Certificate },
	{ CSRA_PDU_TPM_CERTIFY, &asn_DEF_TcgAttestCertify },
	{ CSRA_PDU_KEY_PURPOSES, &asn_DEF_KeyPurposes },
	{ CSRA_PDU_EXTENSIONS, &asn_DEF_Extensions },
	{ CSRA_PDU_TBS_EVIDENCE, &asn_DEF_TbsEvidence },
	{ CSRA_PDU_CRYPTO4A_ATTESTATION, &asn_DEF_C4aAttestationMessage },
};

asn_TYPE_descriptor_t *csra_pdu_td(csra_pdu pdu)
{
	for (size_t i = 0; i < sizeof(pdus) / sizeof(pdus[0]); i++)
		if (pdus[i].pdu == pdu)
			return pdus[i].td;
	return NULL;
}

const char *csra_pdu_name(csra_pdu pdu)
{
	asn_TYPE_descriptor_t *td = csra_pdu_td(pdu);
	return td ? td->name : NULL;
}

static void codec_defaults(csra_codec *c)
{
	memset(c, 0, sizeof(*c));
	c->max_der = DEFAULT_MAX_DER;
	c->max_depth = DEFAULT_MAX_DEPTH;
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	memcpy(c->evidence_type, e->der, e->der_len);
	c->evidence_type_len = e->der_len;
}

csra_codec *csra_codec_new(void)
{
	csra_codec *c = malloc(sizeof(*c));
	if (c != NULL)
		codec_defaults(c);
	return c;
}

void csra_codec_free(csra_codec **c)
{
	if (c == NULL)
		return;
	free(*c);
	*c = NULL;
}

csra_err csra_codec_set_max_der(csra_codec *c, size_t max)
{
	if (c == NULL || max == 0 || max > LIMIT_MAX_DER)
		return CSRA_ERR_INVALID_ARGUMENT;
	c->max_der = max;
	return CSRA_OK;
}

csra_err csra_codec_set_max_depth(csra_codec *c, unsigned depth)
{
	if (c == NULL || depth == 0 || depth > 256)
		return CSRA_ERR_INVALID_ARGUMENT;
	c->max_depth = depth;
	return CSRA_OK;
}

csra_err csra_codec_set_evidence_type(csra_codec *c, const uint8_t *oid, size_t len)
{
	if (c == NULL || oid == NULL || len > OID_MAX || !csra_oid_valid(oid, len))
		return CSRA_ERR_INVALID_ARGUMENT;
	memcpy(c->evidence_type, oid, len);
	c->evidence_type_len = len;
	return CSRA_OK;
}

csra_err csra_codec_set_evidence_type_str(csra_codec *c, const char *dotted)
{
	uint8_t buf[OID_MAX];
	size_t n;
	if (c == NULL || !csra_oid_from_str(dotted, buf, sizeof(buf), &n))
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_codec_set_evidence_type(c, buf, n);
}

/* Form detection ------------------------------------------------------- */

/* In [0] EXPLICIT form the [0] holds one SEQUENCE OF whose items are
 * Certificates, which start with a SEQUENCE (TBSCertificate); in [0]
 * IMPLICIT form the [0] holds Certificates, whose TBSCertificate starts
 * with [0] version or an INTEGER. So three levels down tells them apart. */
asn_TYPE_descriptor_t *csra_evidence_td_for(const uint8_t *der, size_t len)
{
	const uint8_t *end = der + len, *c, *c2, *c3;
	size_t clen, c2len, c3len;
	uint8_t tag;
	if (!csra_der_tlv_peek(der, end, &tag, &c, &clen))
		return &asn_DEF_Evidence;
	const uint8_t *p = c, *ce = c + clen;
	while (p < ce) {
		const uint8_t *v;
		size_t vlen;
		if (!csra_der_tlv_peek(p, ce, &tag, &v, &vlen))
			break;
		if (tag == 0xa0) {
			if (vlen == 0)
				return &asn_DEF_Evidence;
			if (!csra_der_tlv_peek(v, v + vlen, &tag, &c2, &c2len))
				break;
			if (c2len == 0)
				return &asn_DEF_EvidenceExplicitCerts;
			if (!csra_der_tlv_peek(c2, c2 + c2len, &tag, &c3, &c3len))
				break;
			if (c3len == 0)
				break;
			return c3[0] == 0x30 ? &asn_DEF_EvidenceExplicitCerts : &asn_DEF_Evidence;
		}
		p = v + vlen;
	}
	return &asn_DEF_Evidence;
}

/* A legacy EvidenceBundle differs from an AttestationBundle only where a
 * statement carries a hint (a third element). */
static asn_TYPE_descriptor_t *bundle_td_for(const uint8_t *der, size_t len)
{
	const uint8_t *end = der + len, *c, *s, *st;
	size_t clen, slen, stlen;
	uint8_t tag;
	if (!csra_der_tlv_peek(der, end, &tag, &c, &clen) ||
	    !csra_der_tlv_peek(c, c + clen, &tag, &s, &slen))
		return &asn_DEF_AttestationBundle;
	for (const uint8_t *p = s; p < s + slen; p = st + stlen) {
		if (!csra_der_tlv_peek(p, s + slen, &tag, &st, &stlen))
			break;
		int n = 0;
		for (const uint8_t *q = st; q < st + stlen; n++) {
			const uint8_t *v;
			size_t vlen;
			if (!csra_der_tlv_peek(q, st + stlen, &tag, &v, &vlen))
				break;
			q = v + vlen;
		}
		if (n > 2)
			return &asn_DEF_EvidenceBundle;
	}
	return &asn_DEF_AttestationBundle;
}

/* Keep in step with csra_codec_open_type: tests/test_fast.c checks that
 * it names no type in any other container. */
const asn_TYPE_descriptor_t *const csra_codec_open_containers[] = {
	&asn_DEF_ReportedClaim, &asn_DEF_AttestationStatement, &asn_DEF_EvidenceStatement,
	&asn_DEF_CRIAttribute, NULL,
};

asn_TYPE_descriptor_t *csra_codec_open_type(const csra_codec *codec,
    const asn_TYPE_descriptor_t *container, const uint8_t *oid, size_t oid_len,
    const uint8_t *val, size_t val_len)
{
	if (container == &asn_DEF_ReportedClaim)
		return csra_claim_type(oid, oid_len);
	if (container == &asn_DEF_AttestationStatement || container == &asn_DEF_EvidenceStatement) {
		csra_codec defaults;
		if (codec == NULL) {
			codec_defaults(&defaults);
			codec = &defaults;
		}
		if (oid_len == codec->evidence_type_len &&
		    memcmp(oid, codec->evidence_type, oid_len) == 0)
			return csra_evidence_td_for(val, val_len);
		if (csra_oid_is(oid, oid_len, CSRA_OID_ID_TCGATTESTCERTIFY))
			return &asn_DEF_TcgAttestCertify;
		return NULL;
	}
	if (container == &asn_DEF_CRIAttribute) {
		if (csra_oid_is(oid, oid_len, CSRA_OID_ID_AA_ATTESTATION))
			return bundle_td_for(val, val_len);
		if (csra_oid_is(oid, oid_len, CSRA_OID_PKCS_9_AT_EXTENSIONREQUEST))
			return &asn_DEF_Extensions;
	}
	return NULL;
}

static asn_TYPE_descriptor_t *resolve(void *arg, const asn_TYPE_descriptor_t *container,
    const uint8_t *oid, size_t oid_len, const uint8_t *val, size_t val_len)
{
	return csra_codec_open_type(arg, container, oid, oid_len, val, val_len);
}

/* Decoding ------------------------------------------------------------- */


static void set_diag(csra_diag *diag, csra_err code, size_t offset, const char *path)
{
	if (diag == NULL)
		return;
	diag->code = code;
	diag->offset = offset;
	strncpy(diag->path, path ? path : "", sizeof(diag->path) - 1);
	diag->path[sizeof(diag->path) - 1] = '\0';
}

/* The strict walk builds the structures as it checks (csra_gate_decode).
 * With |reference| set, the walk only checks and asn1c's ber_decode and
 * asn_check_constraints build the value instead: the slower path tests
 * and fuzzers compare the fast one against. */
static csra_err gate_and_decode(const csra_codec *codec, csra_arena *arena,
    csra_gate_opens *opens, asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len, void **out,
    csra_diag *diag, int reference)
{
	csra_diag local;
	csra_diag *dg = diag ? diag : &local;
	/* Claims are many and small: a record of each built value would take
	 * more memory than the claim (40 bytes for a 17-byte BOOLEAN claim),
	 * and opening one again walks a few bytes. Statements and attribute
	 * values, which are worth it, are built with the whole. */
	csra_gate_opts go = { codec->max_depth, resolve, (void *)codec, &asn_DEF_ReportedClaim,
		csra_codec_open_containers };
	if (!reference) {
		/* The generated fast path first; on any refusal its partial
		 * results go and the walk decodes again, to say what and where. */
		csra_arena_mark mark;
		csra_gate_opens saved = opens ? *opens : (csra_gate_opens){ 0 };
		csra_arena_save(arena, &mark);
		if (csra_fast_decode(td, der, len, &go, arena, opens, out)) {
			set_diag(dg, CSRA_OK, 0, "");
			return CSRA_OK;
		}
		csra_arena_rewind(arena, &mark);
		if (opens != NULL)
			*opens = saved;
		return csra_gate_decode(td, der, len, &go, arena, opens, out, dg);
	}
	csra_err e = csra_gate_check(td, der, len, &go, dg);
	if (e != CSRA_OK)
		return e;
	void *value = NULL;
	csra_arena *prev = csra_arena_enter(arena);
	asn_dec_rval_t rv = ber_decode(NULL, td, &value, der, len);
	csra_arena_leave(prev);
	if (rv.code != RC_OK || rv.consumed != len || value == NULL) {
		e = csra_arena_hit_cap(arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_DER_DECODER;
		set_diag(dg, e, rv.code == RC_OK ? rv.consumed : SIZE_MAX, td->name);
		return e;
	}
	char msg[128];
	size_t msglen = sizeof(msg);
	if (asn_check_constraints(td, value, msg, &msglen) != 0) {
		set_diag(dg, CSRA_ERR_DER_CONSTRAINT, SIZE_MAX, td->name);
		return CSRA_ERR_DER_CONSTRAINT;
	}
	*out = value;
	return CSRA_OK;
}

static csra_err decode(const csra_codec *codec, csra_pdu pdu, const uint8_t *der, size_t len,
    csra_decoded **out, csra_diag *diag, int reference)
{
	csra_codec defaults;
	if (out != NULL)
		*out = NULL;
	if (diag != NULL)
		set_diag(diag, CSRA_OK, 0, "");
	asn_TYPE_descriptor_t *td = csra_pdu_td(pdu);
	if (out == NULL || td == NULL || (der == NULL && len != 0)) {
		set_diag(diag, CSRA_ERR_INVALID_ARGUMENT, SIZE_MAX, "");
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	if (codec == NULL) {
		codec_defaults(&defaults);
		codec = &defaults;
	}
	if (len > codec->max_der) {
		set_diag(diag, CSRA_ERR_DER_TOO_LARGE, codec->max_der, td->name);
		return CSRA_ERR_DER_TOO_LARGE;
	}
	if (pdu == CSRA_PDU_EVIDENCE)
		td = csra_evidence_td_for(der, len);

	/* One malloc holds the handle, a copy of the DER and, for typical
	 * inputs, everything asn1c allocates (about 7x the DER). The cap
	 * bounds what hostile input can make it allocate. */
	size_t first = sizeof(csra_decoded) + len + 8 * len + 2048;
	size_t cap = len > (SIZE_MAX - (1u << 20)) / 64 ? SIZE_MAX : 64 * len + (1u << 20);
	csra_arena *arena = csra_arena_new(first, cap);
	if (arena == NULL) {
		set_diag(diag, CSRA_ERR_NOMEM, SIZE_MAX, "");
		return CSRA_ERR_NOMEM;
	}
	csra_decoded *d = csra_arena_alloc(arena, sizeof(*d));
	uint8_t *copy = csra_arena_alloc(arena, len);
	memset(d, 0, sizeof(*d));
	d->arena = arena;
	d->refs = 1;
	d->pdu = pdu;
	d->codec = *codec;
	if (len)
		memcpy(copy, der, len);
	d->der = copy;
	d->der_len = len;

	void *value = NULL;
	csra_err e = gate_and_decode(codec, arena, reference ? NULL : &d->opens, td, copy, len, &value,
	    diag, reference);
	if (e != CSRA_OK) {
		csra_arena_free(&arena);
		return e;
	}
	if (td == &asn_DEF_EvidenceExplicitCerts) {
		Evidence_t *ev = csra_arena_alloc(arena, sizeof(*ev));
		if (ev == NULL) {
			csra_arena_free(&arena);
			set_diag(diag, CSRA_ERR_NOMEM, SIZE_MAX, "");
			return CSRA_ERR_NOMEM;
		}
		memcpy(ev, value, sizeof(*ev));
		value = ev;
		d->explicit_certs = 1;
	}
	d->value = value;
	*out = d;
	return CSRA_OK;
}

/* The open-type value the decode built at |val|/|len|: its TLV in the
 * decoded bytes or its ANY_t's copy. Callers walk values in order, so the
 * search starts after the last one found. */
static const csra_gate_open *find_open(csra_decoded *d, const uint8_t *val, size_t len)
{
	size_t n = d->opens.n;
	for (size_t k = 0, i = d->open_hint; k < n; k++, i++) {
		if (i >= n)
			i = 0;
		const csra_gate_open *o = &d->opens.v[i];
		if ((o->der == val || o->any == val) && o->len == len) {
			d->open_hint = i + 1;
			return o;
		}
	}
	return NULL;
}

csra_err csra_decoded_open_fresh(csra_decoded *d, asn_TYPE_descriptor_t *td,
    const uint8_t *val, size_t len, void **out, csra_diag *diag)
{
	if (d == NULL || td == NULL || val == NULL || out == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*out = NULL;
	/* The structure points into the bytes it was decoded from, so they
	 * must live as long as |d|: |d|'s own copy does; anything else (a
	 * caller's buffer) is copied into |d| first. */
	uintptr_t v = (uintptr_t)val, b = (uintptr_t)d->der;
	if (len > 0 && !(v >= b && len <= d->der_len && v - b <= d->der_len - len)) {
		uint8_t *copy = csra_arena_alloc(d->arena, len);
		if (copy == NULL) {
			csra_err e = csra_arena_hit_cap(d->arena) ? CSRA_ERR_DER_RESOURCE_LIMIT : CSRA_ERR_NOMEM;
			set_diag(diag, e, SIZE_MAX, td->name);
			return e;
		}
		memcpy(copy, val, len);
		val = copy;
	}
	/* Nothing recorded: a record keyed by a pointer into a buffer since
	 * freed could match a new one at the same address. */
	return gate_and_decode(&d->codec, d->arena, NULL, td, val, len, out, diag, 0);
}

csra_err csra_decoded_open(csra_decoded *d, asn_TYPE_descriptor_t *td,
    const uint8_t *val, size_t len, void **out, csra_diag *diag)
{
	const csra_gate_open *o = d != NULL && val != NULL ? find_open(d, val, len) : NULL;
	if (o != NULL && o->td == td && out != NULL) {
		set_diag(diag, CSRA_OK, 0, "");
		*out = o->value;
		return CSRA_OK;
	}
	return csra_decoded_open_fresh(d, td, val, len, out, diag);
}

const void *csra_decoded_evidence_at(csra_decoded *d, const uint8_t *val, size_t len,
    int *explicit_certs)
{
	const csra_gate_open *o = d != NULL ? find_open(d, val, len) : NULL;
	if (o == NULL || (o->td != &asn_DEF_Evidence && o->td != &asn_DEF_EvidenceExplicitCerts))
		return NULL;
	*explicit_certs = o->td == &asn_DEF_EvidenceExplicitCerts;
	if (!*explicit_certs)
		return o->value;
	/* As decode hands out the EXPLICIT form: in Evidence_t's clothes. */
	Evidence_t *ev = csra_arena_alloc(d->arena, sizeof(*ev));
	if (ev != NULL)
		memcpy(ev, o->value, sizeof(*ev));
	return ev;
}

csra_decoded *csra_decoded_ref(csra_decoded *d)
{
	d->refs++;
	return d;
}

csra_err csra_decode(const csra_codec *codec, csra_pdu pdu, const uint8_t *der, size_t len,
    csra_decoded **out, csra_diag *diag)
{
	return decode(codec, pdu, der, len, out, diag, 0);
}

csra_err csra_decode_reference(const csra_codec *codec, csra_pdu pdu, const uint8_t *der,
    size_t len, csra_decoded **out, csra_diag *diag)
{
	return decode(codec, pdu, der, len, out, diag, 1);
}

void csra_decoded_free(csra_decoded **d)
{
	if (d == NULL || *d == NULL)
		return;
	csra_arena *a = (*d)->arena;	/* |*d| lives in the arena */
	if (--(*d)->refs == 0)
		csra_arena_free(&a);
	*d = NULL;
}

csra_pdu csra_decoded_pdu(const csra_decoded *d)
{
	return d->pdu;
}

const uint8_t *csra_decoded_der(const csra_decoded *d, size_t *len)
{
	*len = d->der_len;
	return d->der;
}

const void *csra_decoded_asn1(const csra_decoded *d)
{
	return d->value;
}

int csra_decoded_evidence_explicit(const csra_decoded *d)
{
	return d->explicit_certs;
}

size_t csra_decoded_heap(const csra_decoded *d, size_t *mallocs)
{
	if (mallocs != NULL)
		*mallocs = csra_arena_mallocs(d->arena);
	return csra_arena_used(d->arena);
}
