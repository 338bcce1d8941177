/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_alloc.h"
#include "csrattest/verify.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

#include "AttestationBundle.h"
#include "AttestationStatement.h"
#include "CRIAttribute.h"
#include "CertificationRequest.h"
#include "Evidence.h"
#include "EvidenceBundle.h"
#include "EvidenceExplicitCerts.h"
#include "EvidenceStatement.h"
#include "ReportedClaim.h"
#include "ReportedElement.h"
#include "der_encoder.h"

/* The two Evidence forms are walked through one C type (codec.h). */
_Static_assert(sizeof(Evidence_t) == sizeof(EvidenceExplicitCerts_t), "layout");

void *fuzz_realloc(void *p, size_t n)
{
	fuzz_alloc_pause();
	void *np = realloc(p, n ? n : 1);
	fuzz_alloc_resume();
	if (np == NULL)
		fuzz_fail("out of memory in the harness", NULL);
	return np;
}

void fuzz_fail(const char *msg, const char *detail)
{
	fprintf(stderr, "fuzz check failed: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
	abort();
}

/* DER output collected from der_encode's callback. */
struct out {
	uint8_t *p;
	size_t n, cap;
};

static int append(const void *buf, size_t size, void *key)
{
	struct out *o = key;
	if (size > o->cap - o->n) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap - o->n < size)
			cap *= 2;
		o->p = fuzz_realloc(o->p, cap);
		o->cap = cap;
	}
	memcpy(o->p + o->n, buf, size);
	o->n += size;
	return 0;
}

void fuzz_expect_der(asn_TYPE_descriptor_t *td, const void *value,
    const uint8_t *der, size_t len, const char *what)
{
	struct out o = { NULL, 0, 0 };
	unsigned long injected = fuzz_alloc_injected();
	asn_enc_rval_t r = der_encode(td, (void *)value, append, &o);
	if (r.encoded < 0) {
		free(o.p);
		/* The encoder's own allocation (SET OF sorting) was failed on
		 * purpose: an error is the right answer. */
		if (fuzz_alloc_injected() != injected)
			return;
		fprintf(stderr, "%s (%s): der_encode failed in %s\n", what, td->name,
		    r.failed_type ? r.failed_type->name : "?");
		fuzz_fail("a value the strict decoder accepted cannot be encoded", what);
	}
	if (o.n != len || (size_t)r.encoded != len || memcmp(o.p, der, len) != 0) {
		size_t at = 0;
		while (at < len && at < o.n && o.p[at] == der[at])
			at++;
		fprintf(stderr, "%s (%s): input %zu bytes, re-encoded %zu bytes, first difference at %zu\n",
		    what, td->name, len, o.n, at);
		free(o.p);
		fuzz_fail("accepted input is not the DER of what it decodes to", what);
	}
	free(o.p);
}

/* Opening open types ---------------------------------------------------- */

static void walk(csra_decoded *d, int flags, asn_TYPE_descriptor_t *td, const void *value);

/* Opens one open-type value the way the gate resolved it, and goes into it. */
static void open_value(csra_decoded *d, int flags, const asn_TYPE_descriptor_t *container,
    const OBJECT_IDENTIFIER_t *oid, const ANY_t *val)
{
	asn_TYPE_descriptor_t *td = csra_codec_open_type(NULL, container, oid->buf, oid->size,
	    val->buf, val->size);
	if (td == NULL || val->buf == NULL)
		return;
	void *out = NULL;
	csra_diag diag;
	csra_err e = csra_decoded_open(d, td, val->buf, val->size, &out, &diag);
	/* Opening again allocates again from the same capped arena. */
	if (e == CSRA_ERR_DER_RESOURCE_LIMIT || e == CSRA_ERR_NOMEM)
		return;
	if (e != CSRA_OK) {
		fprintf(stderr, "%s in %s: %s at offset %zu, path %s\n", td->name, container->name,
		    csra_err_name(e), diag.offset, diag.path);
		fuzz_fail("an open-type value inside accepted input does not decode", td->name);
	}
	if (out == NULL)
		fuzz_fail("csra_decoded_open returned CSRA_OK without a value", td->name);
	/* |out| is usually what the whole's decode built in passing: the
	 * value must also decode on its own, to the same DER. */
	void *fresh = NULL;
	e = csra_decoded_open_fresh(d, td, val->buf, val->size, &fresh, &diag);
	if (e == CSRA_ERR_DER_RESOURCE_LIMIT || e == CSRA_ERR_NOMEM)
		return;
	if (e != CSRA_OK || fresh == NULL) {
		fprintf(stderr, "%s in %s: %s at offset %zu, path %s\n", td->name, container->name,
		    csra_err_name(e), diag.offset, diag.path);
		fuzz_fail("an open-type value built with its whole does not decode alone", td->name);
	}
	if (flags & FUZZ_ROUNDTRIP) {
		fuzz_expect_der(td, out, val->buf, val->size, container->name);
		fuzz_expect_der(td, fresh, val->buf, val->size, container->name);
	}
	walk(d, flags, td, out);
}

static void walk_evidence(csra_decoded *d, int flags, const Evidence_t *ev)
{
	const ReportedElements_t *els = &ev->tbs.reportedElements;
	for (int i = 0; i < els->list.count; i++) {
		const ReportedClaims_t *cl = &els->list.array[i]->claims;
		for (int j = 0; j < cl->list.count; j++) {
			const ReportedClaim_t *c = cl->list.array[j];
			if (c->value != NULL)
				open_value(d, flags, &asn_DEF_ReportedClaim, &c->claimType, c->value);
		}
	}
}

static void walk(csra_decoded *d, int flags, asn_TYPE_descriptor_t *td, const void *value)
{
	if (td == &asn_DEF_Evidence || td == &asn_DEF_EvidenceExplicitCerts) {
		walk_evidence(d, flags, value);
	} else if (td == &asn_DEF_AttestationBundle) {
		const AttestationBundle_t *b = value;
		for (int i = 0; i < b->attestations.list.count; i++) {
			const AttestationStatement_t *s = b->attestations.list.array[i];
			open_value(d, flags, &asn_DEF_AttestationStatement, &s->type, &s->stmt);
		}
	} else if (td == &asn_DEF_EvidenceBundle) {
		const EvidenceBundle_t *b = value;
		for (int i = 0; i < b->evidences.list.count; i++) {
			const EvidenceStatement_t *s = b->evidences.list.array[i];
			open_value(d, flags, &asn_DEF_EvidenceStatement, &s->type, &s->stmt);
		}
	} else if (td == &asn_DEF_CertificationRequest) {
		const CRIAttributes_t *attrs = &((const CertificationRequest_t *)value)
		    ->certificationRequestInfo.attributes;
		for (int i = 0; i < attrs->list.count; i++) {
			const CRIAttribute_t *a = attrs->list.array[i];
			for (int j = 0; j < a->values.list.count; j++)
				open_value(d, flags, &asn_DEF_CRIAttribute, &a->type, a->values.list.array[j]);
		}
	}
}

/* Top level ------------------------------------------------------------- */

/* Errors that say nothing about the encoding: memory, not DER. */
static int resource_error(csra_err e)
{
	return e == CSRA_ERR_DER_RESOURCE_LIMIT || e == CSRA_ERR_NOMEM;
}

/* asn_fprint's text of |value|, the structural comparison tests/ uses, or
 * NULL when asn1c cannot print it: its OID printer rejects a first
 * subidentifier of 79 (1.39), which is valid. */
static char *print_value(asn_TYPE_descriptor_t *td, const void *value, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (f == NULL)
		fuzz_fail("open_memstream failed", NULL);
	int rc = asn_fprint(f, td, value);
	fclose(f);
	if (rc != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The single-pass decoder and the ber_decode reference must agree on
 * whether |der| is acceptable and, if it is, on what it holds. */
static void check_reference(csra_pdu pdu, const uint8_t *der, size_t len, csra_err e,
    const csra_decoded *d)
{
	csra_decoded *r = NULL;
	unsigned long injected = fuzz_alloc_injected();
	csra_err re = csra_decode_reference(NULL, pdu, der, len, &r, NULL);
	/* ber_decode reports a failed allocation as bad input (RC_FAIL): when
	 * one was failed on purpose, its verdict means nothing. */
	if (resource_error(e) || resource_error(re) || fuzz_alloc_injected() != injected) {
		csra_decoded_free(&r);
		return;
	}
	if ((e == CSRA_OK) != (re == CSRA_OK)) {
		fprintf(stderr, "%s: csra_decode %s, csra_decode_reference %s\n", csra_pdu_name(pdu),
		    csra_err_name(e), csra_err_name(re));
		fuzz_fail("single-pass and reference decoders disagree on acceptance", NULL);
	}
	if (e != CSRA_OK)
		return;
	asn_TYPE_descriptor_t *td = csra_pdu_td(pdu);
	if (csra_decoded_evidence_explicit(d) != csra_decoded_evidence_explicit(r))
		fuzz_fail("single-pass and reference decoders disagree on the Evidence form", NULL);
	if (csra_decoded_evidence_explicit(d))
		td = &asn_DEF_EvidenceExplicitCerts;
	/* The same bytes back from both values, and the same text where asn1c
	 * can print it. */
	fuzz_expect_der(td, csra_decoded_asn1(r), der, len, "reference decoder's value");
	size_t la = 0, lb = 0;
	injected = fuzz_alloc_injected();
	char *a = print_value(td, csra_decoded_asn1(d), &la);
	char *b = print_value(td, csra_decoded_asn1(r), &lb);
	if ((a == NULL) != (b == NULL) && fuzz_alloc_injected() == injected)
		fuzz_fail("asn_fprint fails on only one decoder's value", td->name);
	if (a != NULL && (la != lb || memcmp(a, b, la) != 0)) {
		size_t at = 0;
		while (at < la && at < lb && a[at] == b[at])
			at++;
		fprintf(stderr, "single-pass:\n%.*s\nreference:\n%.*s\n(first difference at %zu)\n",
		    (int)(la < 4000 ? la : 4000), a, (int)(lb < 4000 ? lb : 4000), b, at);
		fuzz_fail("single-pass and reference decoders built different values", td->name);
	}
	free(a);
	free(b);
	csra_decoded_free(&r);
}

/* The descriptor that encodes what |d| decoded from. */
static asn_TYPE_descriptor_t *decoded_td(const csra_decoded *d)
{
	csra_pdu pdu = csra_decoded_pdu(d);
	if (pdu == CSRA_PDU_EVIDENCE && csra_decoded_evidence_explicit(d))
		return &asn_DEF_EvidenceExplicitCerts;
	return csra_pdu_td(pdu);
}

void fuzz_check_decoded(csra_decoded *d, int flags)
{
	asn_TYPE_descriptor_t *td = decoded_td(d);
	const void *value = csra_decoded_asn1(d);
	size_t len;
	const uint8_t *der = csra_decoded_der(d, &len);
	if (td == NULL || value == NULL || (der == NULL && len != 0))
		fuzz_fail("decoded value incomplete", td ? td->name : NULL);
	if (flags & FUZZ_ROUNDTRIP)
		fuzz_expect_der(td, value, der, len, "top level");
	if (flags & (FUZZ_OPEN | FUZZ_ROUNDTRIP))
		walk(d, flags, td, value);
}

csra_err fuzz_decode_check(csra_pdu pdu, const uint8_t *der, size_t len, int flags)
{
	csra_decoded *d = (csra_decoded *)1;	/* must be overwritten */
	csra_diag diag;
	memset(&diag, 0xa5, sizeof(diag));
	unsigned long injected = fuzz_alloc_injected();
	csra_err e = csra_decode(NULL, pdu, der, len, &d, &diag);
	/* The reference comparison runs only when this decode met no failed
	 * allocation: one can only make it fail. */
	if ((flags & FUZZ_REFERENCE) && (e == CSRA_OK || fuzz_alloc_injected() == injected))
		check_reference(pdu, der, len, e, d);
	if (e != CSRA_OK) {
		if (d != NULL)
			fuzz_fail("csra_decode failed but set *out", csra_err_name(e));
		if (diag.code != e)
			fuzz_fail("diag.code differs from the result", csra_err_name(e));
		if (memchr(diag.path, '\0', sizeof(diag.path)) == NULL)
			fuzz_fail("diag.path not terminated", csra_err_name(e));
		if (diag.offset != SIZE_MAX && diag.offset > len &&
		    e != CSRA_ERR_DER_TOO_LARGE)
			fuzz_fail("diag.offset beyond the input", csra_err_name(e));
		return e;
	}
	if (d == NULL)
		fuzz_fail("csra_decode returned CSRA_OK without a value", NULL);
	if (csra_decoded_pdu(d) != pdu)
		fuzz_fail("csra_decoded_pdu differs from the request", NULL);
	size_t dlen;
	const uint8_t *dder = csra_decoded_der(d, &dlen);
	if (dlen != len || (len && memcmp(dder, der, len) != 0))
		fuzz_fail("csra_decoded_der is not the input", NULL);
	size_t mallocs = 0;
	if (csra_decoded_heap(d, &mallocs) == 0 || mallocs == 0)
		fuzz_fail("csra_decoded_heap reports nothing held", NULL);
	fuzz_check_decoded(d, flags);
	csra_decoded_free(&d);
	if (d != NULL)
		fuzz_fail("csra_decoded_free left the handle set", NULL);
	return CSRA_OK;
}

int fuzz_has_fail(const csra_result *r)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		csra_status s;
		csra_result_check(r, i, NULL, &s, NULL, NULL, NULL);
		if (s == CSRA_STATUS_FAIL)
			return 1;
	}
	return 0;
}

void fuzz_printable(const char *s, const char *what)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			fuzz_fail("check text is not printable ASCII", what);
}

const struct csra_check *fuzz_find_check(const csra_result *r, const char *name, int st, int *count)
{
	const struct csra_check *found = NULL;
	*count = 0;
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0 && (st == 0 || (int)r->checks[i].status == st)) {
			found = &r->checks[i];
			(*count)++;
		}
	return found;
}

void fuzz_vendor_checks(const csra_result *r)
{
	for (size_t i = 0; i < r->nchecks; i++) {
		fuzz_printable(csra_check_message(r, i), r->checks[i].name);
		fuzz_printable(r->checks[i].path, r->checks[i].name);
		if (strncmp(r->checks[i].name, "quirk.", 6) == 0 &&
		    (r->checks[i].status != CSRA_STATUS_WARN || r->checks[i].code != CSRA_ERR_FMT_QUIRK))
			fuzz_fail("a quirk recorded other than as a CSRA_ERR_FMT_QUIRK warning", r->checks[i].name);
	}
}

const struct csra_check *fuzz_vendor_after(int rc, const csra_result *r, const csra_stmt_out *out, int detected,
    unsigned long injected, const char *what)
{
	if (rc != CSRA_OK) {
		if (rc != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected)
			fuzz_fail("verify failed", csra_err_name((csra_err)rc));
		return NULL;
	}
	if (r->nomem)
		fuzz_fail("CSRA_OK with the result out of memory", what);
	fuzz_vendor_checks(r);
	int n;
	const struct csra_check *binding = fuzz_find_check(r, "statement.binding", 0, &n);
	if (n != 1)
		fuzz_fail("statement.binding not recorded exactly once", what);
	if (!out->reports_freshness || out->freshness != CSRA_FRESHNESS_NONE)
		fuzz_fail("vouching for freshness", what);
	if (out->verified) {
		if (!detected && fuzz_alloc_injected() == injected)
			fuzz_fail("verified, but not detected", what);
		if (out->bound != (binding->status == CSRA_STATUS_PASS))
			fuzz_fail("bound and the binding check disagree", what);
	} else if (out->bound || binding->status != CSRA_STATUS_SKIP) {
		fuzz_fail("bound, unverified", what);
	}
	return binding;
}

void fuzz_vendor_ref(const csra_stmt_out *out, int armed, unsigned long injected, int same, const char *what)
{
	static struct {
		int have, verified, bound;
	} ref;
	if (!armed && fuzz_alloc_mode()) {
		ref.have = 1;
		ref.verified = out->verified;
		ref.bound = out->bound;
	} else if (armed && ref.have) {
		if ((out->verified && !ref.verified) || (out->bound && !ref.bound))
			fuzz_fail("accepted only because an allocation failed", what);
		if (same && fuzz_alloc_injected() == injected &&
		    (out->verified != ref.verified || out->bound != ref.bound))
			fuzz_fail("the same input read differently", what);
		memset(&ref, 0, sizeof(ref));
	}
}

const struct csra_check *fuzz_vendor_run(struct fuzz_vendor *fv, const csra_format *f, const csra_verifier *v,
    const uint8_t *const *parts, const size_t *lens, size_t nparts, const uint8_t *spki, size_t spki_len,
    const char *what)
{
	memset(fv, 0, sizeof(*fv));
	fv->injected = fuzz_alloc_injected();
	const uint8_t *p0 = nparts > 0 ? parts[0] : NULL;
	size_t l0 = nparts > 0 ? lens[0] : 0;
	int detected = csra_format_detects(f, p0, l0);
	if ((fv->r = csra_result_new()) == NULL) {
		if (!fuzz_alloc_armed())
			fuzz_fail("csra_result_new failed", NULL);
		return NULL;
	}
	fv->out = fuzz_realloc(NULL, sizeof(*fv->out));
	csra_stmt_out_init(fv->out, 0);
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	in.stmt = p0;
	in.stmt_len = l0;
	in.parts = parts;
	in.part_lens = lens;
	in.nparts = nparts;
	in.request_spki = spki;
	in.request_spki_len = spki_len;
	in.at = FUZZ_T0;
	in.v = v;
	csra_err rc = f->verify(v, NULL, NULL, &in, fv->r, fv->out);
	fv->armed = fuzz_alloc_armed();
	/* CSRA_FUZZ_VERBOSE: each run's checks, to read a finding by. */
	if (getenv("CSRA_FUZZ_VERBOSE") != NULL) {
		fprintf(stderr, "%s run: rc %d verified %d bound %d\n", fv->armed ? "armed" : "plain", (int)rc,
		    fv->out->verified, fv->out->bound);
		for (size_t i = 0; i < fv->r->nchecks; i++) {
			char msg[512];
			const struct csra_check *c = &fv->r->checks[i];
			csra_result_check_message(fv->r, i, msg, sizeof(msg));
			fprintf(stderr, "  %s %d %s [%s] %s\n", c->name, (int)c->status, csra_err_name(c->code),
			    c->path, msg);
		}
	}
	return fuzz_vendor_after(rc, fv->r, fv->out, detected, fv->injected, what);
}

void fuzz_vendor_done(struct fuzz_vendor *fv)
{
	if (fv->out != NULL)
		csra_stmt_out_clear(fv->out);
	free(fv->out);
	csra_result_free(&fv->r);
}
