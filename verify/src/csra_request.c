/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate requests end to end (draft-ietf-lamps-csr-attestation-28):
 * the request's own signature, its one id-aa-attestation attribute (PKCS#10)
 * or extension (CRMF), the bundle, each statement by its type, each
 * statement's binding to the request key, and the policy.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_policy_int.h"
#include "csra_span.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"

#include "AttestationBundle.h"
#include "AttestationStatement.h"
#include "CRIAttribute.h"
#include "CertReqMessages.h"
#include "CertificationRequest.h"
#include "EvidenceBundle.h"
#include "EvidenceStatement.h"
#include "Extensions.h"
#include "LimitedCertChoices.h"

/* Statements --------------------------------------------------------- */

/* Records "freshness.nonce" for a statement whose verifier reports what it
 * checked (external commands, callbacks) and keeps out->freshness only
 * when a nonce was given. A verified statement the CA's nonce does not
 * reach fails: an old statement replayed would look the same. A type the
 * policy exempts (formats that cannot carry a nonce) only warns. */
static void record_freshness(const csra_verifier *v, const csra_stmt_in *in, csra_result *child,
    csra_stmt_out *out)
{
	const csra_policy *p = v->policy ? v->policy : v->default_policy;
	if (in->nonce == NULL) {
		out->freshness = CSRA_FRESHNESS_NONE;
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "no nonce was given: freshness not established");
	} else if (!out->verified) {
		out->freshness = CSRA_FRESHNESS_NONE;
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "not checked: the statement did not verify");
	} else if (out->freshness == CSRA_FRESHNESS_NONCE) {
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_PASS, CSRA_OK, "",
		    "the verifier confirmed that the statement carries the CA's nonce");
	} else if (csra_policy_freshness_exempt(p, in->type, in->type_len, child->kind)) {
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_WARN, CSRA_ERR_STMT_NOT_FRESH, "",
		    "the verifier did not confirm the CA's nonce; the policy exempts this statement type");
	} else {
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_FRESH, "",
		    "the verifier did not confirm the CA's nonce: the statement does not count towards "
		    "the policy");
	}
}

/* Verifies one statement into |child| and |out| with the first format of
 * the registry that takes its type. |d| is the request's decode, which
 * holds the statement's bytes. */
static csra_err verify_statement(const csra_verifier *v, csra_decoded *d, const csra_stmt_in *in,
    csra_result *child, csra_stmt_out *out)
{
	for (const csra_format *const *f = csra_formats; *f != NULL; f++) {
		const void *route = NULL;
		if (!(*f)->handles(v, in->type, in->type_len, &route))
			continue;
		if ((child->kind = strdup((*f)->kind)) == NULL)
			child->nomem = 1;
		csra_err e = (*f)->verify(v, route, d, in, child, out);
		if (e == CSRA_OK && out->reports_freshness)
			record_freshness(v, in, child, out);
		return e != CSRA_OK ? e : child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
	}
	char oid[96];
	csra_oid_to_str(in->type, in->type_len, oid, sizeof(oid));
	if ((child->kind = strdup("unknown")) == NULL)
		child->nomem = 1;
	csra_result_add(child, "statement.type", CSRA_STATUS_WARN, CSRA_ERR_STMT_UNKNOWN_TYPE, "",
	    "no verifier for statement type %s: reported, never counts towards a policy", oid);
	csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
	    "binding not checked: no verifier for this statement type");
	csra_result_add(child, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "",
	    "not checked: no verifier for this statement type");
	/* Neither verified nor rejected: said so in the report. */
	child->verdict = CSRA_VERDICT_UNKNOWN;
	return child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
}


/* Requests ----------------------------------------------------------- */

struct rctx {
	const csra_verifier *v;
	csra_result *r;
	uint8_t *spki;			/* the request's SubjectPublicKeyInfo, as received */
	size_t spki_len;
	struct span bundle;		/* the attestation value, as received */
	int have_bundle;
	int bundle_checked;		/* the request's own decode checked it */
	csra_decoded *d;		/* the request's decode */
	csra_decoded *bundle_d;		/* the bundle's, when decoded on its own */
	EVP_PKEY *key;
	/* Statements, from the bundle and beside it: one outcome and one
	 * policy entry per child of r (outs NULL-terminated, see free_outs). */
	csra_stmt_out **outs;
	csra_policy_stmt *pstmts;
	size_t cap;
	/* Attestations given beside the request (csra_verify_request_ex) and
	 * vendor attributes found in it. */
	size_t nfiles;
	struct span vendor_attr;	/* the Purebred YubiKey attribute's value */
	int have_vendor_attr;
	/* The self-signature verifies only with its ECDSA AlgorithmIdentifier's
	 * NULL parameters ignored: decided once the statements are known
	 * (luna_request_quirk). */
	int sig_null_params;
};

/* Keeps the request key's SubjectPublicKeyInfo as received, under the
 * SEQUENCE tag (CRMF's template carries it as [6] IMPLICIT). */
static int keep_spki(struct rctx *x, const struct span *s)
{
	if ((x->spki = malloc(s->len)) == NULL) {
		x->r->nomem = 1;
		return 0;
	}
	memcpy(x->spki, s->p, s->len);
	x->spki[0] = 0x30;
	x->spki_len = s->len;
	return 1;
}

/* PKCS#10: the self-signature (OpenSSL verifies it over the
 * CertificationRequestInfo as received), the SPKI and the one attribute. */
/* 1.3.6.1.4.1.37623.26.4: the attribute Purebred's YubiKey requests carry
 * their PIV attestation in, a certs-only SignedData (DER contents). */
static const uint8_t purebred_attr[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xa5, 0x77, 0x1a, 0x04 };

static void check_pkcs10(struct rctx *x, const uint8_t *der, size_t len)
{
	csra_result *r = x->r;
	struct span top, info, spki, attrs, a, type, values, alg, oid, params, sig;
	if (!span_at(der, der + len, &top) || !span_child(&top, 0, &info) ||
	    !span_child(&top, 1, &alg) || !span_child(&top, 2, &sig) || !span_child(&alg, 0, &oid) ||
	    !span_child(&info, 2, &spki) || !span_tagged(&info, 0xa0, &attrs) || !keep_spki(x, &spki))
		return;	/* cannot happen on decoded input, but for memory */
	int has_params = span_child(&alg, 1, &params);
	char why[96] = "";
	csra_err e = CSRA_ERR_REQ_SIGNATURE;
	x->key = csra_spki_pkey(x->v, spki.p, spki.len);
	if (x->key == NULL)
		snprintf(why, sizeof(why), "OpenSSL cannot use the request's public key");
	else if (sig.clen == 0 || sig.c[0] != 0)
		snprintf(why, sizeof(why), "the signature BIT STRING has unused bits");
	else
		e = csra_sig_verify(x->v, oid.c, oid.clen, has_params ? params.p : NULL, has_params ? params.len : 0,
		    sig.c + 1, sig.clen - 1, x->key, x->spki, x->spki_len, info.p, info.len, why, sizeof(why));
	/* Thales Luna's requests give ecdsa-with-SHA2 NULL parameters, which
	 * RFC 5758 3.2 forbids: verified without them, and accepted only if
	 * a Luna PKC in this verification attests the key. */
	if (e == CSRA_ERR_SIG_ALG_PARAMS && has_params && params.len == 2 && params.p[0] == 0x05 &&
	    params.p[1] == 0x00 && (csra_oid_is(oid.c, oid.clen, CSRA_OID_ECDSA_WITH_SHA256) ||
	    csra_oid_is(oid.c, oid.clen, CSRA_OID_ECDSA_WITH_SHA384) ||
	    csra_oid_is(oid.c, oid.clen, CSRA_OID_ECDSA_WITH_SHA512)) &&
	    csra_sig_verify(x->v, oid.c, oid.clen, NULL, 0, sig.c + 1, sig.clen - 1, x->key, x->spki, x->spki_len,
	    info.p, info.len, why, sizeof(why)) == CSRA_OK) {
		x->sig_null_params = 1;
		e = CSRA_ERR_SIG_ALG_PARAMS;
	}
	if (x->sig_null_params) {
		/* Recorded by luna_request_quirk. */
	} else if (e == CSRA_OK) {
		csra_result_add(r, "request.signature", CSRA_STATUS_PASS, CSRA_OK, "signature",
		    "the request's self-signature verifies (proof of possession)");
	} else {
		/* The reason, when it is more than a bad signature value. */
		char msg[200];
		const char *reason = e == CSRA_ERR_REQ_SIGNATURE || e == CSRA_ERR_SIG_INVALID ? "" : csra_strerror(e);
		if (reason[0] && why[0])
			snprintf(msg, sizeof(msg), ": %s (%s)", reason, why);
		else if (reason[0] || why[0])
			snprintf(msg, sizeof(msg), ": %s", reason[0] ? reason : why);
		else
			msg[0] = '\0';
		csra_result_add(r, "request.signature", CSRA_STATUS_FAIL, CSRA_ERR_REQ_SIGNATURE, "signature",
		    "the request's self-signature does not verify%s", msg);
	}
	int found = 0;
	char path[64];
	/* Counted first (one pass over the headers): past the cap the
	 * attributes are not looked at. */
	if (!csra_within_limit(x->v, r, CSRA_LIMIT_ATTRIBUTES, span_count(&attrs, SIZE_MAX),
	    "certificationRequestInfo.attributes"))
		return;
	int i = 0;
	for (int more = span_next(&attrs, NULL, &a); more; more = span_next(&attrs, &a, &a), i++) {
		if (!span_child(&a, 0, &type) || !span_child(&a, 1, &values))
			continue;
		if (csra_same(type.c, type.clen, purebred_attr, sizeof(purebred_attr))) {
			snprintf(path, sizeof(path), "certificationRequestInfo.attributes[%d]", i);
			if (x->have_vendor_attr || span_count(&values, 2) != 1) {
				csra_result_add(r, "request.vendor-attestation", CSRA_STATUS_FAIL,
				    CSRA_ERR_REQ_ATTESTATION_VALUES, path,
				    "attribute 1.3.6.1.4.1.37623.26.4 must appear once with one value");
				x->have_vendor_attr = 0;
				continue;
			}
			span_next(&values, NULL, &x->vendor_attr);
			x->have_vendor_attr = 1;
			continue;
		}
		if (!csra_oid_is(type.c, type.clen, CSRA_OID_ID_AA_ATTESTATION))
			continue;
		snprintf(path, sizeof(path), "certificationRequestInfo.attributes[%d]", i);
		if (found++) {
			csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL,
			    CSRA_ERR_REQ_MULTIPLE_ATTESTATION, path,
			    "a second id-aa-attestation attribute (COUNTS MAX 1)");
			continue;
		}
		size_t nvalues = span_count(&values, SIZE_MAX);
		if (nvalues != 1) {
			csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL,
			    CSRA_ERR_REQ_ATTESTATION_VALUES, path,
			    "the attribute holds %zu values; exactly one AttestationBundle is allowed", nvalues);
			continue;
		}
		span_next(&values, NULL, &x->bundle);
		x->have_bundle = 1;
		/* The PKCS#10 decode resolved this value as a bundle, with the
		 * statements' default types. */
		x->bundle_checked = 1;
	}
	if (found == 0 && (x->nfiles > 0 || x->have_vendor_attr))
		csra_result_add(r, "request.attestation", CSRA_STATUS_SKIP, CSRA_OK,
		    "certificationRequestInfo.attributes",
		    "no id-aa-attestation attribute: the attestation %s",
		    x->nfiles > 0 ? "is given beside the request" : "is in a vendor attribute");
	else if (found == 0)
		csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_ATTESTATION,
		    "certificationRequestInfo.attributes", "no id-aa-attestation attribute");
	else if (found == 1 && x->have_bundle)
		csra_result_add(r, "request.attestation", CSRA_STATUS_PASS, CSRA_OK,
		    "certificationRequestInfo.attributes", "one id-aa-attestation attribute with one value");
	if (found > 1)
		x->have_bundle = 0;
}

/* CRMF: one message, POP by OpenSSL, the template's key and the one
 * extension, whose value is the DER bundle. */
static void check_crmf(struct rctx *x, const uint8_t *der, size_t len)
{
	csra_result *r = x->r;
	struct span top, msg, req, tmpl, key, exts, ext, id, val, popo, first, subj;
	if (!span_at(der, der + len, &top))
		return;
	size_t n = span_count(&top, SIZE_MAX);
	if (n != 1) {
		csra_result_add(r, "request.crmf", CSRA_STATUS_FAIL, CSRA_ERR_REQ_CRMF_COUNT, "",
		    "CertReqMessages holds %zu messages; csrattest verifies one", n);
		return;
	}
	span_child(&top, 0, &msg);
	span_child(&msg, 0, &req);
	span_child(&req, 1, &tmpl);
	/* POPOSigningKey ([1]) whose first field is poposkInput ([0]): its
	 * signature covers POPOSigningKeyInput (sender or MAC, publicKey)
	 * only, not the template's subject and attestation extension, so
	 * another subject could be put on a victim's request. RFC 4211 4.1
	 * forbids it when the template has subject and publicKey; without a
	 * subject it is allowed there, but it would still leave the template
	 * unsigned: refused always. */
	if (span_child(&msg, 1, &popo) && popo.p[0] == 0xa1 && span_child(&popo, 0, &first) &&
	    first.p[0] == 0xa0) {
		int has_subject = span_tagged(&tmpl, 0xa5, &subj);
		csra_result_add(r, "request.signature", CSRA_STATUS_FAIL, CSRA_ERR_REQ_POPO_INPUT,
		    "[0].popo.signature.poposkInput", "POPOSigningKey has poposkInput: its signature "
		    "covers POPOSigningKeyInput, not the CertRequest (%s)", has_subject
		    ? "RFC 4211 4.1 forbids it when the template has subject and publicKey"
		    : "the template has no subject; csrattest needs the POP over the whole template");
	} else {
		const unsigned char *p = der;
		OSSL_CRMF_MSGS *msgs = d2i_OSSL_CRMF_MSGS(NULL, &p, (long)len);
		int ok = 0;
		/* OpenSSL takes the message's index in CertReqMessages, not its
		 * certReqId: the one message is index 0. */
		if (msgs != NULL && p == der + len)
			ok = OSSL_CRMF_MSGS_verify_popo(msgs, 0, 0, csra_libctx(x->v), csra_propq(x->v)) == 1;
		OSSL_CRMF_MSGS_free(msgs);
		csra_clear_openssl_errors();
		csra_result_add(r, "request.signature", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    ok ? CSRA_OK : CSRA_ERR_REQ_SIGNATURE, "[0].popo",
		    ok ? "POPOSigningKey over the CertRequest verifies (proof of possession)"
		    : "no valid POPOSigningKey over the CertRequest (raVerified is not accepted)");
	}
	if (!span_tagged(&tmpl, 0xa6, &key)) {
		csra_result_add(r, "request.key", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_KEY,
		    "[0].certReq.certTemplate", "the template has no publicKey");
		return;
	}
	if (!keep_spki(x, &key))
		return;
	x->key = csra_spki_pkey(x->v, x->spki, x->spki_len);
	int found = 0;
	int capped = 0, has_exts = span_tagged(&tmpl, 0xa9, &exts);
	/* Counted first: past the cap the extensions are not looked at. */
	if (has_exts && !csra_within_limit(x->v, r, CSRA_LIMIT_EXTENSIONS, span_count(&exts, SIZE_MAX),
	    "[0].certReq.certTemplate.extensions"))
		capped = 1, has_exts = 0;
	if (has_exts) {
		int i = 0;
		for (int more = span_next(&exts, NULL, &ext); more; more = span_next(&exts, &ext, &ext), i++) {
			if (!span_child(&ext, 0, &id) || !csra_oid_is(id.c, id.clen, CSRA_OID_ID_AA_ATTESTATION))
				continue;
			char path[64];
			snprintf(path, sizeof(path), "[0].certReq.certTemplate.extensions[%d]", i);
			if (found++) {
				csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL,
				    CSRA_ERR_REQ_MULTIPLE_ATTESTATION, path, "a second id-aa-attestation extension");
				continue;
			}
			/* extnValue is the last child (after critical, if present):
			 * an OCTET STRING holding the bundle. */
			memset(&val, 0, sizeof(val));
			for (int got = span_next(&ext, &id, &val); got && val.p + val.len < ext.c + ext.clen;)
				got = span_next(&ext, &val, &val);
			if (val.clen == 0 || !span_at(val.c, val.c + val.clen, &x->bundle) ||
			    x->bundle.p + x->bundle.len != val.c + val.clen) {
				csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL, CSRA_ERR_REQ_BUNDLE,
				    path, "extnValue does not hold one DER value");
				continue;
			}
			x->have_bundle = 1;
		}
	}
	if (found == 0 && !capped && x->nfiles > 0)
		csra_result_add(r, "request.attestation", CSRA_STATUS_SKIP, CSRA_OK,
		    "[0].certReq.certTemplate.extensions",
		    "no id-aa-attestation extension: the attestation is given beside the request");
	else if (found == 0 && !capped)
		csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_ATTESTATION,
		    "[0].certReq.certTemplate.extensions", "no id-aa-attestation extension");
	else if (found == 1 && x->have_bundle)
		csra_result_add(r, "request.attestation", CSRA_STATUS_PASS, CSRA_OK,
		    "[0].certReq.certTemplate.extensions", "one id-aa-attestation extension");
	if (found > 1)
		x->have_bundle = 0;
}

/* Room for |n| more statements in x's arrays and r's children. */
static int reserve(struct rctx *x, size_t n)
{
	size_t have = x->r->nchildren, want = have + n;
	if (want <= x->cap)
		return 1;
	csra_stmt_out **o = realloc(x->outs, (want + 1) * sizeof(*o));
	if (o == NULL)
		return 0;
	x->outs = o;
	memset(o + have, 0, (want + 1 - have) * sizeof(*o));
	csra_policy_stmt *ps = realloc(x->pstmts, want * sizeof(*ps));
	if (ps == NULL)
		return 0;
	x->pstmts = ps;
	csra_result **ch = realloc(x->r->children, want * sizeof(*ch));
	if (ch == NULL)
		return 0;
	x->r->children = ch;
	x->cap = want;
	return 1;
}

/* A new child of x->r and its outcome, for a statement; NULL when memory
 * ran out. */
static csra_result *new_statement(struct rctx *x, csra_stmt_out **out)
{
	if (!reserve(x, 1))
		return NULL;
	csra_result *child = csra_result_new();
	if (child != NULL)
		csra_result_set_md(child, x->v);
	csra_stmt_out *o = calloc(1, sizeof(*o));
	if (child == NULL || o == NULL) {
		csra_result_free(&child);
		free(o);
		return NULL;
	}
	x->outs[x->r->nchildren] = o;
	x->r->children[x->r->nchildren++] = child;
	csra_stmt_out_init(o, csra_verifier_limit(x->v, CSRA_LIMIT_CLAIMS));
	*out = o;
	return child;
}

/* What every statement's result gets once its format has run. */
static void finish_statement(struct rctx *x, const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	/* Every attested key is tested for known weaknesses, not only the
	 * request's (tested on the request, and cached: a bound key costs a
	 * lookup here): an attestation vouching for a weak key does not
	 * verify. */
	const csra_policy *policy = x->v->policy ? x->v->policy : x->v->default_policy;
	for (size_t i = 0; out->verified && i < out->nkeys; i++) {
		char path[40];
		snprintf(path, sizeof(path), "attested_keys[%zu]", i);
		if (csra_same(out->keys[i].spki, out->keys[i].len, x->spki, x->spki_len))
			continue;
		if (!csra_weak_key_check(x->v, out->keys[i].spki, out->keys[i].len, child, path, policy))
			out->verified = 0;
	}
	child->bound = out->verified && out->bound;
	child->stmt_verified = out->verified;
	/* Every statement reports on its freshness, even one whose
	 * verifier stopped before it got there. */
	int has_fresh = 0;
	for (size_t k = 0; k < child->nchecks && !has_fresh; k++)
		has_fresh = strncmp(child->checks[k].name, "freshness.", 10) == 0;
	if (!has_fresh)
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "",
		    in->nonce == NULL ? "no nonce was given: freshness not established"
		    : "not checked: the statement did not verify");
	/* The claims and attested keys go in the report: the child takes the
	 * outcome itself, not a copy (free_outs leaves it). PKIX Evidence's
	 * claims are reported from its elements instead. */
	if (child->stmt == NULL)
		child->stmt = out;
	csra_result_finish(child);
	x->pstmts[x->r->nchildren - 1] = (csra_policy_stmt){ in->type, in->type_len, child->kind, out };
}

/* One attestation given beside a request: its parts (one per file) and
 * its format's name, or NULL: detected. */
struct att_in {
	const uint8_t *const *parts;
	const size_t *lens;
	size_t n;
	const char *format;
};

/* The format of an attestation given beside a request: |a|'s named one,
 * or the one format whose detect() takes one of its parts (|bags|[i]:
 * part i's certificates, or NULL). |*main| gets the part the format took
 * (the first; 0 when none did). Records "attestation.format". */
static const csra_format *file_format(const struct att_in *a, const csra_certbag *const *bags, size_t *main,
    csra_result *child)
{
	*main = 0;
	if (a->format != NULL) {
		const csra_format *found = csra_format_find(a->format);
		if (found == NULL || found->detect == NULL) {
			char shown[40];
			csra_result_add(child, "attestation.format", CSRA_STATUS_FAIL, CSRA_ERR_FMT_UNKNOWN, "",
			    "\"%s\" is not a format csrattest verifies beside a request",
			    csra_shown(a->format, shown, sizeof(shown)));
			return NULL;
		}
		for (size_t i = 0; i < a->n; i++)
			if (found->detect(a->parts[i], a->lens[i], bags[i])) {
				*main = i;
				break;
			}
		csra_result_add(child, "attestation.format", CSRA_STATUS_PASS, CSRA_OK, "",
		    "%s, as the caller said", found->kind);
		return found;
	}
	size_t n;
	char names[160];
	const csra_format *found = csra_format_detect_parts(a->parts, a->lens, bags, a->n, main, &n, names,
	    sizeof(names));
	if (n == 1) {
		if (a->n == 1)
			csra_result_add(child, "attestation.format", CSRA_STATUS_PASS, CSRA_OK, "", "%s, detected",
			    found->kind);
		else
			csra_result_add(child, "attestation.format", CSRA_STATUS_PASS, CSRA_OK, "",
			    "%s, detected from part %zu of %zu", found->kind, *main + 1, a->n);
		return found;
	}
	size_t total = 0;
	for (size_t i = 0; i < a->n; i++)
		total += a->lens[i];
	if (n == 0)
		csra_result_add(child, "attestation.format", CSRA_STATUS_FAIL, CSRA_ERR_FMT_UNKNOWN, "",
		    "no format csrattest knows recognises this attestation (%zu part(s), %zu bytes)", a->n, total);
	else
		csra_result_add(child, "attestation.format", CSRA_STATUS_FAIL, CSRA_ERR_FMT_AMBIGUOUS, "",
		    "several formats recognise this attestation (%s): name one", names);
	return NULL;
}

/* Verifies one attestation given beside the request (or found in a
 * vendor attribute of it) as a statement of its own. */
static csra_err check_file(struct rctx *x, const struct att_in *a, const char *origin, const uint8_t *nonce,
    size_t nonce_len)
{
	csra_stmt_out *out = NULL;
	csra_result *child = new_statement(x, &out);
	if (child == NULL)
		return CSRA_ERR_NOMEM;
	if ((child->type_name = strdup(origin)) == NULL)
		child->nomem = 1;
	csra_stmt_in in = { NULL, 0, a->parts[0], a->lens[0], x->spki, x->spki_len, nonce, nonce_len, NULL, NULL,
		0, x->r->at, x->key, x->v, NULL, a->parts, a->lens, a->n, NULL };
	/* Certificates are what most vendor formats come as: each part read
	 * once, for every format's detect(), and the chosen part's bag kept
	 * for its verify(). */
	csra_certbag bags[CSRA_ATTESTATION_MAX_PARTS];
	const csra_certbag *bagp[CSRA_ATTESTATION_MAX_PARTS] = { NULL };
	for (size_t i = 0; i < a->n; i++) {
		char why[8];
		in.stmt = a->parts[i], in.stmt_len = a->lens[i];
		if (csra_certbag_detect(a->parts[i], a->lens[i]) &&
		    csra_stmt_certbag(x->v, &in, &bags[i], why, sizeof(why)) == CSRA_OK)
			bagp[i] = &bags[i];
	}
	size_t main;
	const csra_format *f = file_format(a, bagp, &main, child);
	in.stmt = a->parts[main], in.stmt_len = a->lens[main], in.bag = bagp[main], in.part_bags = bagp;
	csra_err e = CSRA_OK;
	/* A part no one reads could be what the caller meant to be checked. */
	int unread = 0;
	for (size_t i = 0; f != NULL && !f->multipart && i < a->n; i++) {
		char path[32];
		snprintf(path, sizeof(path), "parts[%zu]", i);
		if (i != main && ++unread)
			csra_result_add(child, "attestation.parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, path,
			    "part %zu of %zu (%zu bytes) is not read: a %s attestation is one file", i + 1, a->n,
			    a->lens[i], f->kind);
	}
	if (f == NULL || unread) {
		if ((child->kind = strdup(f != NULL ? f->kind : "unknown")) == NULL)
			child->nomem = 1;
		csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
		    f == NULL ? "binding not checked: no format for this attestation"
		    : "binding not checked: the attestation has parts its format does not read");
	} else {
		if ((child->kind = strdup(f->kind)) == NULL)
			child->nomem = 1;
		e = f->verify(x->v, NULL, NULL, &in, child, out);
		if (e == CSRA_OK && out->reports_freshness)
			record_freshness(x->v, &in, child, out);
		/* A root about to expire fails every attestation under it on
		 * the day: said a year ahead, in every record. */
		if (e == CSRA_OK && csra_verifier_format_uses_bundle(x->v, f->kind))
			csra_trust_bundle_expiry(f->kind, in.at, 365, child);
	}
	if (e == CSRA_OK && child->nomem)
		e = CSRA_ERR_NOMEM;
	if (e == CSRA_OK)
		finish_statement(x, &in, child, out);
	for (size_t i = 0; i < a->n; i++)
		if (bagp[i] != NULL)
			csra_certbag_clear(&bags[i]);
	return e;
}

static void free_certs(STACK_OF(X509) *certs)
{
	sk_X509_pop_free(certs, X509_free);
}

/* Decodes the bundle, collects its certificates and verifies each
 * statement. Returns the statement outcomes for the policy: |*outs|, one
 * allocation per statement, NULL-terminated (see free_outs). */
static csra_err check_bundle(struct rctx *x, const uint8_t *nonce, size_t nonce_len)
{
	csra_result *r = x->r;
	const csra_verifier *v = x->v;
	csra_codec *codec = csra_codec_new();
	if (codec == NULL)
		return CSRA_ERR_NOMEM;
	csra_codec_set_evidence_type(codec, v->evidence_type, v->evidence_type_len);
	const uint8_t *aa = csra_oid_table[CSRA_OID_ID_AA_ATTESTATION].der;
	size_t aa_len = csra_oid_table[CSRA_OID_ID_AA_ATTESTATION].der_len;
	asn_TYPE_descriptor_t *td = csra_codec_open_type(codec, &asn_DEF_CRIAttribute, aa, aa_len,
	    x->bundle.p, x->bundle.len);
	int legacy = td == &asn_DEF_EvidenceBundle;
	csra_decoded *d = NULL;
	csra_diag dg;
	csra_err e = CSRA_OK;
	/* Decoded already, by the same rules, unless the Evidence statement
	 * type is not the default one the request's decode used. */
	const csra_oid_entry *dflt = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	if (!x->bundle_checked || !csra_same(v->evidence_type, v->evidence_type_len, dflt->der, dflt->der_len))
		e = csra_decode(codec, legacy ? CSRA_PDU_EVIDENCE_BUNDLE : CSRA_PDU_ATTESTATION_BUNDLE,
		    x->bundle.p, x->bundle.len, &d, &dg);
	csra_codec_free(&codec);
	x->bundle_d = d;	/* statement types and claims point into it */
	if (e != CSRA_OK) {
		csra_result_add(r, "bundle.decode", CSRA_STATUS_FAIL, e, dg.path,
		    "%s at byte %zu of the bundle", csra_strerror(e), dg.offset);
		return e == CSRA_ERR_NOMEM ? e : CSRA_OK;
	}
	csra_result_add(r, "bundle.decode", CSRA_STATUS_PASS, CSRA_OK, "", "%s, strict DER",
	    legacy ? "EvidenceBundle (drafts -10..-21)" : "AttestationBundle (draft-28)");
	if (legacy)
		csra_result_add(r, "bundle.legacy", CSRA_STATUS_WARN, CSRA_OK, "",
		    "legacy EvidenceBundle with hint: read for compatibility; attesters should move to draft-28");

	/* certs: certificate entries join every statement's intermediates;
	 * other entries go to the plug-ins. */
	STACK_OF(X509) *certs = sk_X509_new_null();
	csra_other_cert *others = NULL;
	size_t nothers = 0;
	/* The bundle's bytes in the decode that built its statements. */
	csra_decoded *holder = d != NULL ? d : x->d;
	struct span top, list, c;
	if (d != NULL) {
		size_t blen;
		const uint8_t *b = csra_decoded_der(d, &blen);
		span_at(b, b + blen, &top);
	} else {
		span_at(x->bundle.p, x->bundle.p + x->bundle.len, &top);
	}
	if (certs == NULL) {
		return CSRA_ERR_NOMEM;
	}
	/* The statements, then the certificates, counted first (one pass over
	 * their headers each): past a cap, neither list is worked through. */
	struct span stmts, st, type, value;
	span_child(&top, 0, &stmts);
	int has_list = span_child(&top, 1, &list);
	size_t n = span_count(&stmts, SIZE_MAX), ncerts = has_list ? span_count(&list, SIZE_MAX) : 0;
	int within = csra_within_limit(v, r, CSRA_LIMIT_STATEMENTS, n, legacy ? "evidences" : "attestations");
	if (!csra_within_limit(v, r, CSRA_LIMIT_CERTS, ncerts, "certs") || !within) {
		free_certs(certs);
		return CSRA_OK;
	}
	if (ncerts > 0 && (others = malloc(ncerts * sizeof(*others))) == NULL) {
		free_certs(certs);
		return CSRA_ERR_NOMEM;
	}
	if (has_list) {
		int i = 0;
		for (int more = span_next(&list, NULL, &c); more; more = span_next(&list, &c, &c), i++) {
			if (c.p[0] == 0xa3) {	/* other [3] IMPLICIT OtherCertificateFormat */
				struct span fmt, val;
				if (!span_child(&c, 0, &fmt) || !span_child(&c, 1, &val)) {
					free(others);
					free_certs(certs);
					return CSRA_ERR_NOMEM;
				}
				others[nothers++] = (csra_other_cert){ fmt.c, fmt.clen, val.p, val.len };
				continue;
			}
			X509 *cert = csra_d2i_x509(v, c.p, c.len);
			if (cert == NULL) {
				char path[48];
				snprintf(path, sizeof(path), "certs[%d]", i);
				csra_result_add(r, "bundle.certs", CSRA_STATUS_WARN, CSRA_ERR_REQ_CERT_CHOICE, path,
				    "OpenSSL cannot parse this certificate; not used");
				X509_free(cert);
				continue;
			}
			/* A certificate the stack cannot take would leak, and be
			 * missing from every chain built: out of memory. */
			if (!sk_X509_push(certs, cert)) {
				X509_free(cert);
				free(others);
				free_certs(certs);
				return CSRA_ERR_NOMEM;
			}
		}
	}

	/* attestations (or legacy evidences) */
	csra_err result = reserve(x, n + x->nfiles + x->have_vendor_attr) ? CSRA_OK : CSRA_ERR_NOMEM;
	for (size_t i = 0; i < n && result == CSRA_OK; i++) {
		span_next(&stmts, i ? &st : NULL, &st);
		span_child(&st, 0, &type);
		span_child(&st, 1, &value);
		csra_stmt_out *out = NULL;
		csra_result *child = new_statement(x, &out);
		if (child == NULL) {
			result = CSRA_ERR_NOMEM;
			break;
		}
		/* A type the OID table knows has its dotted form there (the
		 * same text: test_build's test_oid_dotted), which saves
		 * printing it arc by arc for every statement. */
		const csra_oid_entry *named = csra_oid_find(type.c, type.clen);
		char oid[96];
		if (named == NULL)
			csra_oid_to_str(type.c, type.clen, oid, sizeof(oid));
		child->type_oid = strdup(named != NULL ? named->dotted : oid);
		child->type_name = strdup(csra_same(type.c, type.clen, v->evidence_type, v->evidence_type_len)
		    ? "PKIX Evidence" : named ? named->name : "");
		if (child->type_oid == NULL || child->type_name == NULL)
			child->nomem = 1;
		csra_stmt_in in = { type.c, type.clen, value.p, value.len, x->spki, x->spki_len,
			nonce, nonce_len, certs, others, nothers, x->r->at, x->key, v, NULL, NULL, NULL, 0, NULL };
		csra_err se = verify_statement(v, holder, &in, child, out);
		/* A statement result that lost a check (the Evidence's, copied
		 * above) or a field could read as verified: out of memory. */
		if (se == CSRA_OK && child->nomem)
			se = CSRA_ERR_NOMEM;
		if (se != CSRA_OK) {
			result = se;
			break;
		}
		finish_statement(x, &in, child, out);
	}
	free(others);
	free_certs(certs);
	return result;
}

/* Frees the statement outcomes check_bundle made, but those that
 * statement |i|'s result |r->children[i]| took. */
static void free_outs(csra_stmt_out **outs, const csra_result *r)
{
	for (size_t i = 0; outs != NULL && outs[i] != NULL; i++)
		if (i >= r->nchildren || r->children[i]->stmt != outs[i]) {
			csra_stmt_out_clear(outs[i]);
			free(outs[i]);
		}
	free(outs);
}

/* The verifier's clock gave no time: |r| is rejected with time.clock and
 * handed back with nothing verified, no validity being judgeable. */
static csra_err no_time(csra_result *r, csra_result **out)
{
	csra_result_add(r, "time.clock", CSRA_STATUS_FAIL, CSRA_ERR_CLOCK, "",
	    "the verifier's clock gave no time: nothing was verified");
	csra_result_finish(r);
	*out = r;
	return r->nomem ? (csra_result_free(out), CSRA_ERR_NOMEM) : CSRA_OK;
}

csra_err csra_verify_request(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, csra_result **out)
{
	return csra_verify_request_ex(v, der, len, nonce, nonce_len, NULL, NULL, NULL, 0, out);
}

/* The request's self-signature with ECDSA NULL parameters (check_pkcs10):
 * Thales Luna's tools write them. Passes, with the deviation recorded, if
 * a thales-luna statement verified and attests the request key: for that
 * format only; fails as any bad algorithm identifier otherwise. */
static void luna_request_quirk(struct rctx *x)
{
	if (!x->sig_null_params)
		return;
	for (size_t i = 0; i < x->r->nchildren; i++) {
		const csra_result *c = x->r->children[i];
		if (c->bound && c->kind != NULL && strcmp(c->kind, "thales-luna") == 0) {
			csra_result_add(x->r, "request.signature", CSRA_STATUS_PASS, CSRA_OK, "signature",
			    "the request's self-signature verifies (proof of possession), its ECDSA "
			    "parameters read as absent");
			csra_result_add(x->r, "quirk.request-ecdsa-null-params", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK,
			    "signatureAlgorithm.parameters", "ecdsa-with-SHA2 with NULL parameters (RFC 5758 3.2: "
			    "absent); accepted: Thales Luna writes its requests so, and statement %zu, a Luna PKC, "
			    "attests this key", i);
			return;
		}
	}
	csra_result_add(x->r, "request.signature", CSRA_STATUS_FAIL, CSRA_ERR_REQ_SIGNATURE, "signature",
	    "the request's self-signature does not verify: %s (ecdsa-with-SHA2 with NULL parameters, "
	    "accepted only for a request a Thales Luna PKC attests)", csra_strerror(CSRA_ERR_SIG_ALG_PARAMS));
}

/* csra_attestation: the parts are copies, owned. */
struct csra_attestation {
	uint8_t *parts[CSRA_ATTESTATION_MAX_PARTS];
	size_t lens[CSRA_ATTESTATION_MAX_PARTS];
	size_t n;
	char format[32];	/* "" : detected */
};

csra_attestation *csra_attestation_new(void)
{
	return calloc(1, sizeof(csra_attestation));
}

void csra_attestation_free(csra_attestation **ap)
{
	if (ap == NULL || *ap == NULL)
		return;
	for (size_t i = 0; i < (*ap)->n; i++)
		free((*ap)->parts[i]);
	free(*ap);
	*ap = NULL;
}

csra_err csra_attestation_add_part(csra_attestation *a, const uint8_t *p, size_t len)
{
	if (a == NULL || p == NULL || len == 0 || a->n == CSRA_ATTESTATION_MAX_PARTS)
		return CSRA_ERR_INVALID_ARGUMENT;
	if ((a->parts[a->n] = malloc(len)) == NULL)
		return CSRA_ERR_NOMEM;
	memcpy(a->parts[a->n], p, len);
	a->lens[a->n++] = len;
	return CSRA_OK;
}

csra_err csra_attestation_set_format(csra_attestation *a, const char *format)
{
	if (a == NULL || (format != NULL && strlen(format) >= sizeof(a->format)))
		return CSRA_ERR_INVALID_ARGUMENT;
	snprintf(a->format, sizeof(a->format), "%s", format != NULL ? format : "");
	return CSRA_OK;
}

size_t csra_attestation_part_count(const csra_attestation *a)
{
	return a != NULL ? a->n : 0;
}

const uint8_t *csra_attestation_part(const csra_attestation *a, size_t i, size_t *len)
{
	if (a == NULL || len == NULL || i >= a->n)
		return NULL;
	*len = a->lens[i];
	return a->parts[i];
}

/* The caller's attestations as att_in views (borrowed): |files| one part
 * each, or |atts|. Returns NULL for a list that is not all there (or
 * out of memory: |*nomem| set), else an array to free. */
static struct att_in *att_views(const uint8_t *const *files, const size_t *lens, const char *const *formats,
    const csra_attestation *const *atts, size_t n, int *nomem)
{
	*nomem = 0;
	if (n > 0 && (atts == NULL && (files == NULL || lens == NULL)))
		return NULL;
	struct att_in *v = calloc(n ? n : 1, sizeof(*v));
	if (v == NULL) {
		*nomem = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (atts != NULL) {
			if (atts[i] == NULL || atts[i]->n == 0)
				break;
			v[i] = (struct att_in){ (const uint8_t *const *)atts[i]->parts, atts[i]->lens, atts[i]->n,
				atts[i]->format[0] ? atts[i]->format : NULL };
		} else {
			if (files[i] == NULL || lens[i] == 0)
				break;
			v[i] = (struct att_in){ &files[i], &lens[i], 1, formats != NULL ? formats[i] : NULL };
		}
		if (i + 1 == n)
			return v;
	}
	if (n == 0)
		return v;
	free(v);
	return NULL;
}

/* The attestations given beside the request, then the one a vendor
 * attribute of it carries. */
static csra_err check_files(struct rctx *x, const struct att_in *atts, size_t natts, const uint8_t *nonce,
    size_t nonce_len)
{
	csra_err e = CSRA_OK;
	for (size_t i = 0; e == CSRA_OK && i < natts; i++) {
		char origin[48];
		snprintf(origin, sizeof(origin), "attestation file %zu", i + 1);
		e = check_file(x, &atts[i], origin, nonce, nonce_len);
	}
	if (e == CSRA_OK && x->have_vendor_attr) {
		const uint8_t *p = x->vendor_attr.p;
		struct att_in a = { &p, &x->vendor_attr.len, 1, "yubico-piv" };
		e = check_file(x, &a, "request attribute 1.3.6.1.4.1.37623.26.4", nonce, nonce_len);
	}
	return e;
}

static csra_err verify_request_atts(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const struct att_in *atts, size_t nfiles, csra_result **out);
static csra_err verify_attestations_atts(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const struct att_in *atts, size_t nfiles, csra_result **out);

/* The four entry points: the caller's list as att_in views, then a
 * request's verification (|request|) or attestations' against |p| (an
 * SPKI or NULL). */
static csra_err verify_views(int request, const csra_verifier *v, const uint8_t *p, size_t len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *const *files, const size_t *lens,
    const char *const *formats, const csra_attestation *const *atts, size_t n, csra_result **out)
{
	int nomem;
	struct att_in *a = att_views(files, lens, formats, atts, n, &nomem);
	if (a == NULL) {
		if (out != NULL)
			*out = NULL;
		return nomem ? CSRA_ERR_NOMEM : CSRA_ERR_INVALID_ARGUMENT;
	}
	csra_err e = request ? verify_request_atts(v, p, len, nonce, nonce_len, a, n, out)
	    : verify_attestations_atts(v, p, len, nonce, nonce_len, a, n, out);
	free(a);
	return e;
}

csra_err csra_verify_request_ex(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *const *files, const size_t *lens,
    const char *const *formats, size_t nfiles, csra_result **out)
{
	return verify_views(1, v, der, len, nonce, nonce_len, files, lens, formats, NULL, nfiles, out);
}

csra_err csra_verify_request_with(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const csra_attestation *const *atts, size_t natts,
    csra_result **out)
{
	return verify_views(1, v, der, len, nonce, nonce_len, NULL, NULL, NULL, atts, natts, out);
}

csra_err csra_verify_attestations(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *const *files, const size_t *lens,
    const char *const *formats, size_t nfiles, csra_result **out)
{
	return verify_views(0, v, spki, spki_len, nonce, nonce_len, files, lens, formats, NULL, nfiles, out);
}

csra_err csra_verify_attestations_with(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const csra_attestation *const *atts, size_t natts,
    csra_result **out)
{
	return verify_views(0, v, spki, spki_len, nonce, nonce_len, NULL, NULL, NULL, atts, natts, out);
}

static csra_err verify_request_atts(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, const struct att_in *atts, size_t nfiles, csra_result **out)
{
	if (out != NULL)
		*out = NULL;
	if (v == NULL || der == NULL || out == NULL || (nonce == NULL && nonce_len != 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	/* draft-ietf-lamps-attestation-freshness: a zero-length nonce says
	 * the CA needs no freshness proof. */
	if (nonce_len == 0)
		nonce = NULL;
	csra_result *r = csra_result_new();
	if (r == NULL)
		return CSRA_ERR_NOMEM;
	csra_result_set_md(r, v);
	struct rctx x = { .v = v, .r = r, .nfiles = nfiles };
	const csra_policy *policy = v->policy ? v->policy : v->default_policy;
	r->kind = strdup("request");
	r->policy = strdup(csra_policy_name(policy));
	/* The report would lack them: out of memory, reported below. */
	if (r->kind == NULL || r->policy == NULL)
		r->nomem = 1;
	/* The time is read once: every check and statement uses r->at. */
	if (!csra_verifier_now(v, &r->at, &r->wall)) {
		r->has_digest = EVP_Digest(der, len, r->digest, NULL, v->sha256, NULL) == 1;
		csra_clear_openssl_errors();
		return no_time(r, out);
	}

	/* Which request is it? The one of the two decodes that goes furthest
	 * explains a failure best. */
	csra_decoded *d = NULL;
	csra_diag d10, dcrmf;
	csra_err e10 = csra_decode(NULL, CSRA_PDU_CERTIFICATION_REQUEST, der, len, &d, &d10);
	csra_err ecrmf = CSRA_OK;
	int crmf = 0;
	if (e10 != CSRA_OK && e10 != CSRA_ERR_NOMEM) {
		ecrmf = csra_decode(NULL, CSRA_PDU_CERT_REQ_MESSAGES, der, len, &d, &dcrmf);
		crmf = ecrmf == CSRA_OK;
	}
	if (e10 == CSRA_ERR_NOMEM || ecrmf == CSRA_ERR_NOMEM) {
		csra_result_free(&r);
		return CSRA_ERR_NOMEM;
	}
	if (d == NULL) {
		/* Nothing decoded keeps the bytes for the report: hashed now. */
		r->has_digest = EVP_Digest(der, len, r->digest, NULL, v->sha256, NULL) == 1;
		csra_clear_openssl_errors();
		const csra_diag *best = dcrmf.offset != SIZE_MAX && dcrmf.offset > d10.offset ? &dcrmf : &d10;
		r->verdict = CSRA_VERDICT_MALFORMED;
		csra_result_add(r, "decode", CSRA_STATUS_FAIL, best->code, best->path,
		    "%s at byte %zu (neither PKCS#10 nor CRMF)", csra_strerror(best->code), best->offset);
		*out = r;
		return r->nomem ? (csra_result_free(out), CSRA_ERR_NOMEM) : CSRA_OK;
	}
	r->input = d;	/* the result owns the decode from here on */
	if ((r->request_format = strdup(crmf ? "crmf" : "pkcs10")) == NULL)
		r->nomem = 1;	/* as above */
	csra_result_add(r, "decode", CSRA_STATUS_PASS, CSRA_OK, "", "%s, strict DER, %zu bytes",
	    crmf ? "CRMF CertReqMessages" : "PKCS#10 CertificationRequest", len);
	size_t dlen;
	const uint8_t *dder = csra_decoded_der(d, &dlen);
	x.d = d;
	if (crmf)
		check_crmf(&x, dder, dlen);
	else
		check_pkcs10(&x, dder, dlen);
	/* A key weak by construction is refused whatever vouches for it. */
	if (x.spki != NULL)
		csra_weak_key_check(v, x.spki, x.spki_len, r,
		    crmf ? "[0].certReq.certTemplate.publicKey" : "certificationRequestInfo.subjectPKInfo", policy);

	csra_err e = CSRA_OK;
	if (x.have_bundle && x.key != NULL)
		e = check_bundle(&x, nonce, nonce_len);
	if (e == CSRA_OK && x.key != NULL)
		e = check_files(&x, atts, nfiles, nonce, nonce_len);
	if (e == CSRA_OK)
		luna_request_quirk(&x);
	if (e == CSRA_OK && x.key != NULL) {
		csra_policy_input pin = { x.key, x.pstmts, r->nchildren, x.spki, x.spki_len, nonce != NULL };
		csra_policy_check_formats(policy, csra_formats, r);
		csra_policy_eval(policy, &pin, r);
	} else if (e == CSRA_OK) {
		csra_result_add(r, "request.key", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_KEY, "",
		    "OpenSSL cannot use the request's public key");
	}
	free_outs(x.outs, r);
	free(x.pstmts);
	free(x.spki);
	EVP_PKEY_free(x.key);
	csra_decoded_free(&x.bundle_d);
	csra_result_finish(r);
	if (e != CSRA_OK || r->nomem) {
		csra_result_free(&r);
		return e != CSRA_OK ? e : CSRA_ERR_NOMEM;
	}
	*out = r;
	return CSRA_OK;
}

static csra_err verify_attestations_atts(const csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *nonce, size_t nonce_len, const struct att_in *atts, size_t nfiles, csra_result **out)
{
	if (out != NULL)
		*out = NULL;
	if (v == NULL || out == NULL || nfiles == 0 ||
	    (spki == NULL) != (spki_len == 0) || (nonce == NULL && nonce_len != 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	if (nonce_len == 0)
		nonce = NULL;
	csra_result *r = csra_result_new();
	if (r == NULL)
		return CSRA_ERR_NOMEM;
	csra_result_set_md(r, v);
	struct rctx x = { .v = v, .r = r, .nfiles = nfiles };
	const csra_policy *policy = v->policy ? v->policy : v->default_policy;
	r->kind = strdup(spki != NULL ? "key" : "attestations");
	if (r->kind == NULL || (spki != NULL && (r->policy = strdup(csra_policy_name(policy))) == NULL))
		r->nomem = 1;
	csra_err e = CSRA_OK;
	/* The time is read once: every attestation is judged at r->at. */
	if (!csra_verifier_now(v, &r->at, &r->wall))
		return no_time(r, out);
	if (spki != NULL) {
		if ((x.spki = malloc(spki_len)) == NULL) {
			csra_result_free(&r);
			return CSRA_ERR_NOMEM;
		}
		memcpy(x.spki, spki, spki_len);
		x.spki_len = spki_len;
		x.key = csra_spki_pkey(v, spki, spki_len);
		csra_weak_key_check(v, spki, spki_len, r, "key", policy);
		if (x.key == NULL)
			csra_result_add(r, "request.key", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_KEY, "",
			    "OpenSSL cannot use the key the attestations are to be bound to");
		else
			csra_result_add(r, "request.key", CSRA_STATUS_PASS, CSRA_OK, "",
			    "the key to bind to, given by the caller (%zu bytes of SubjectPublicKeyInfo)", spki_len);
	}
	if (spki == NULL || x.key != NULL)
		e = check_files(&x, atts, nfiles, nonce, nonce_len);
	if (e == CSRA_OK && x.key != NULL) {
		csra_policy_input pin = { x.key, x.pstmts, r->nchildren, x.spki, x.spki_len, nonce != NULL };
		csra_policy_check_formats(policy, csra_formats, r);
		csra_policy_eval(policy, &pin, r);
	} else if (e == CSRA_OK && spki == NULL) {
		/* On their own: each must verify; there is no key to judge. */
		for (size_t i = 0; i < r->nchildren; i++) {
			char path[48];
			snprintf(path, sizeof(path), "attestations[%zu]", i);
			int ok = r->children[i]->stmt_verified;
			csra_result_add(r, "attestation.verified", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
			    ok ? CSRA_OK : CSRA_ERR_STMT_FAILED, path, "the %s attestation %s",
			    r->children[i]->kind ? r->children[i]->kind : "unknown",
			    ok ? "verified" : "did not verify");
		}
	}
	free_outs(x.outs, r);
	free(x.pstmts);
	free(x.spki);
	EVP_PKEY_free(x.key);
	csra_result_finish(r);
	if (e != CSRA_OK || r->nomem) {
		csra_result_free(&r);
		return e != CSRA_OK ? e : CSRA_ERR_NOMEM;
	}
	*out = r;
	return CSRA_OK;
}
