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

struct csra_external_route {
	uint8_t oid[64];
	size_t oid_len;
	csra_external ext;
};

struct csra_callback_route {
	uint8_t oid[64];
	size_t oid_len;
	csra_stmt_callback cb;
	void *arg;
};

struct csra_type_store {
	uint8_t oid[64];
	size_t oid_len;
	X509_STORE *store;
};

struct csra_cb_result {
	csra_stmt_out *out;
	uint8_t *spki;
	size_t spki_len;
	int verified;
	const csra_stmt_in *in;
	csra_freshness freshness;
};

/* The built-in profile, read once per process and shared by every
 * verifier: a policy is not changed after it is read, and reading its
 * JSON was most of the cost of making a verifier. Never freed. */
static pthread_once_t cabf_once = PTHREAD_ONCE_INIT;
static csra_policy *cabf_shared;

static void read_cabf(void)
{
	cabf_shared = csra_policy_cabf_csbr();
}

int csra_request_init(csra_verifier *v)
{
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	memcpy(v->evidence_type, e->der, e->der_len);
	v->evidence_type_len = e->der_len;
	v->tpm_store = X509_STORE_new();
	/* A failed first reading (memory) is not retried by pthread_once:
	 * this verifier then reads its own. */
	v->default_policy = pthread_once(&cabf_once, read_cabf) == 0 ? cabf_shared : NULL;
	if (v->default_policy == NULL)
		v->default_policy = v->own_default = csra_policy_cabf_csbr();
	return v->tpm_store != NULL && v->default_policy != NULL;
}

static void free_type_stores(csra_verifier *v)
{
	for (size_t i = 0; i < v->ntype_stores; i++)
		X509_STORE_free(v->type_stores[i].store);
	free(v->type_stores);
	v->type_stores = NULL;
	v->ntype_stores = 0;
}

void csra_request_free(csra_verifier *v)
{
	X509_STORE_free(v->tpm_store);
	csra_policy_free(&v->own_default);
	for (size_t i = 0; i < v->nexternals; i++) {
		for (char **a = v->externals[i].ext.argv; a && *a; a++)
			free(*a);
		free(v->externals[i].ext.argv);
	}
	free(v->externals);
	free(v->callbacks);
	free_type_stores(v);
}

static csra_err store_add(X509_STORE *store, X509 *cert)
{
	if (X509_STORE_add_cert(store, cert) != 1) {
		unsigned long e = ERR_peek_last_error();
		csra_clear_openssl_errors();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

csra_err csra_verifier_add_tpm_trust(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (csra_x509_settle(cert) < 0)
		return CSRA_ERR_NOMEM;
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return store_add(v->tpm_store, cert);
}

/* Loads every certificate of a PEM file, or of each file of a directory,
 * into |store|. */
static csra_err load_store(X509_STORE *store, const char *path)
{
	csra_verifier *tmp = csra_verifier_new();
	if (tmp == NULL)
		return CSRA_ERR_NOMEM;
	/* Reuse the verifier's reader through a scratch verifier's trust:
	 * its untrusted list collects the certificates. */
	csra_err e = csra_verifier_add_untrusted_file(tmp, path);
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(tmp->untrusted); i++)
		e = csra_x509_settle(sk_X509_value(tmp->untrusted, i)) < 0 ? CSRA_ERR_NOMEM
		    : store_add(store, sk_X509_value(tmp->untrusted, i));
	csra_verifier_free(&tmp);
	return e;
}

csra_err csra_verifier_add_tpm_trust_file(csra_verifier *v, const char *path)
{
	if (v == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return load_store(v->tpm_store, path);
}

csra_err csra_verifier_set_policy(csra_verifier *v, const csra_policy *p)
{
	if (v == NULL || p == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	free_type_stores(v);
	size_t n = csra_policy_trust_count(p);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *oid;
		size_t oid_len;
		const char *path = csra_policy_trust(p, i, &oid, &oid_len);
		struct csra_type_store *ts = NULL;
		for (size_t k = 0; k < v->ntype_stores; k++)
			if (v->type_stores[k].oid_len == oid_len && memcmp(v->type_stores[k].oid, oid, oid_len) == 0)
				ts = &v->type_stores[k];
		if (ts == NULL) {
			if (oid_len > sizeof(ts->oid))
				return CSRA_ERR_INVALID_ARGUMENT;
			struct csra_type_store *grown = realloc(v->type_stores,
			    (v->ntype_stores + 1) * sizeof(*grown));
			if (grown == NULL)
				return CSRA_ERR_NOMEM;
			v->type_stores = grown;
			ts = &grown[v->ntype_stores];
			memcpy(ts->oid, oid, oid_len);
			ts->oid_len = oid_len;
			if ((ts->store = X509_STORE_new()) == NULL)
				return CSRA_ERR_NOMEM;
			v->ntype_stores++;
		}
		csra_err e = load_store(ts->store, path);
		if (e != CSRA_OK)
			return e;
	}
	/* The policy's attestation-key EKUs, when it names any, replace the
	 * verifier's for every verification (each certificate's EKU answer
	 * is cached: flushed below). */
	for (int tpm = 0; tpm < 2; tpm++) {
		csra_eku_set_clear(&v->policy_ak_ekus[tpm]);
		for (size_t i = 0; i < csra_policy_ak_eku_count(p, tpm); i++) {
			size_t len;
			const uint8_t *oid = csra_policy_ak_eku(p, tpm, i, &len);
			int added = csra_eku_set_add(&v->policy_ak_ekus[tpm], oid, len);
			if (added != 1) {
				/* The verifier's own set is back in force. */
				csra_eku_set_clear(&v->policy_ak_ekus[tpm]);
				csra_cache_flush(v->cache);
				return added < 0 ? CSRA_ERR_INVALID_ARGUMENT : CSRA_ERR_NOMEM;
			}
		}
	}
	v->policy = p;
	/* Anchors per type changed: no cached path may outlive them. */
	v->trust_gen++;
	csra_cache_flush(v->cache);
	return CSRA_OK;
}

csra_err csra_verifier_set_evidence_type(csra_verifier *v, const uint8_t *oid, size_t len)
{
	if (v == NULL || oid == NULL || len == 0 || len > sizeof(v->evidence_type))
		return CSRA_ERR_INVALID_ARGUMENT;
	memcpy(v->evidence_type, oid, len);
	v->evidence_type_len = len;
	return CSRA_OK;
}

csra_err csra_verifier_add_external(csra_verifier *v, const uint8_t *oid, size_t len,
    const char *const *argv, unsigned timeout_ms, size_t max_output)
{
	if (v == NULL || oid == NULL || len == 0 || len > 64 || argv == NULL || argv[0] == NULL ||
	    timeout_ms == 0 || max_output == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	size_t argc = 0;
	while (argv[argc] != NULL)
		argc++;
	struct csra_external_route *n = realloc(v->externals, (v->nexternals + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->externals = n;
	struct csra_external_route *rt = &n[v->nexternals];
	memset(rt, 0, sizeof(*rt));
	if ((rt->ext.argv = calloc(argc + 1, sizeof(char *))) == NULL)
		return CSRA_ERR_NOMEM;
	for (size_t i = 0; i < argc; i++) {
		if ((rt->ext.argv[i] = strdup(argv[i])) == NULL) {
			for (size_t k = 0; k < i; k++)
				free(rt->ext.argv[k]);
			free(rt->ext.argv);
			return CSRA_ERR_NOMEM;
		}
	}
	memcpy(rt->oid, oid, len);
	rt->oid_len = len;
	rt->ext.timeout_ms = timeout_ms;
	rt->ext.max_output = max_output;
	v->nexternals++;
	return CSRA_OK;
}

csra_err csra_verifier_add_callback(csra_verifier *v, const uint8_t *oid, size_t len,
    csra_stmt_callback cb, void *arg)
{
	if (v == NULL || oid == NULL || len == 0 || len > 64 || cb == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct csra_callback_route *n = realloc(v->callbacks, (v->ncallbacks + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->callbacks = n;
	memcpy(n[v->ncallbacks].oid, oid, len);
	n[v->ncallbacks].oid_len = len;
	n[v->ncallbacks].cb = cb;
	n[v->ncallbacks].arg = arg;
	v->ncallbacks++;
	return CSRA_OK;
}

void csra_cb_set_verified(csra_cb_result *res, int verified)
{
	res->verified = verified != 0;
}

csra_err csra_cb_set_freshness(csra_cb_result *res, csra_freshness f)
{
	if (res == NULL || (f != CSRA_FRESHNESS_NONE && f != CSRA_FRESHNESS_NONCE) ||
	    (f == CSRA_FRESHNESS_NONCE && res->in->nonce == NULL))
		return CSRA_ERR_INVALID_ARGUMENT;
	res->freshness = f;
	return CSRA_OK;
}

csra_err csra_cb_set_spki(csra_cb_result *res, const uint8_t *spki, size_t len)
{
	if (spki == NULL || len == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return CSRA_ERR_NOMEM;
	memcpy(copy, spki, len);
	free(res->spki);
	res->spki = copy;
	res->spki_len = len;
	return CSRA_OK;
}

size_t csra_cb_other_count(const csra_cb_result *res)
{
	return res->in->nothers;
}

int csra_cb_other(const csra_cb_result *res, size_t i, const uint8_t **format, size_t *format_len,
    const uint8_t **value, size_t *value_len)
{
	if (i >= res->in->nothers)
		return 0;
	*format = res->in->others[i].format;
	*format_len = res->in->others[i].format_len;
	*value = res->in->others[i].value;
	*value_len = res->in->others[i].value_len;
	return 1;
}

csra_err csra_cb_add_bool(csra_cb_result *res, const char *element, const char *name, int v)
{
	return csra_stmt_add_bool(res->out, element, name, v);
}

csra_err csra_cb_add_int(csra_cb_result *res, const char *element, const char *name, int64_t v)
{
	return csra_stmt_add_int(res->out, element, name, v);
}

csra_err csra_cb_add_bigint(csra_cb_result *res, const char *element, const char *name,
    const uint8_t *twos, size_t len)
{
	return csra_stmt_add_bigint(res->out, element, name, twos, len);
}

csra_err csra_cb_add_text(csra_cb_result *res, const char *element, const char *name,
    const char *text, size_t len)
{
	return csra_stmt_add_text(res->out, element, name, (const uint8_t *)text, len);
}

size_t csra_result_statement_count(const csra_result *r)
{
	return r->nchildren;
}

const csra_result *csra_result_statement(const csra_result *r, size_t i)
{
	return i < r->nchildren ? r->children[i] : NULL;
}

int csra_result_statement_bound(const csra_result *r, size_t i)
{
	return i < r->nchildren && r->children[i]->bound;
}

int csra_result_statement_verified(const csra_result *r, size_t i)
{
	return i < r->nchildren && r->children[i]->stmt_verified;
}

/* Statements --------------------------------------------------------- */

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static X509_STORE *store_for(const csra_verifier *v, const uint8_t *type, size_t len, X509_STORE *dflt)
{
	for (size_t i = 0; i < v->ntype_stores; i++)
		if (same(v->type_stores[i].oid, v->type_stores[i].oid_len, type, len))
			return v->type_stores[i].store;
	return dflt;
}

/* Claims of the PKIX Evidence key element bound to the request key, and
 * of the platform, as the policy reads them. */
static void evidence_claims(const csra_result *er, const csra_stmt_in *in, csra_stmt_out *out,
    csra_result *child)
{
	/* The first key element whose spki claim is the request's, in one
	 * pass over the claims: asking each key element in turn rescans the
	 * claims for each, quadratic in an Evidence of many keys. */
	size_t nk = csra_result_key_count(er), be = SIZE_MAX;
	for (size_t i = 0; i < er->nclaims; i++) {
		const struct csra_claim_rec *cl = &er->claims[i];
		if (cl->claim == CSRA_CLAIM_KEY_SPKI && cl->has_value && cl->element < be &&
		    er->elements[cl->element] == CSRA_ELEMENT_KEY &&
		    same(cl->value.bytes, cl->value.len, in->request_spki, in->request_spki_len))
			be = cl->element;
	}
	long bound = -1;
	for (size_t e = 0; be != SIZE_MAX && e <= be; e++)
		bound += er->elements[e] == CSRA_ELEMENT_KEY;
	if (bound < 0) {
		csra_result_add(child, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, "",
		    "no key element's spki claim is the request's SubjectPublicKeyInfo (%zu key element(s))", nk);
		return;
	}
	out->bound = 1;
	csra_result_add(child, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, "",
	    "key element %ld attests the request key (spki byte-equal)", bound);
	for (int c = CSRA_CLAIM_NONCE; c <= CSRA_CLAIM_KEY_PURPOSE; c++) {
		const csra_claim_info *info = csra_claim_get((csra_claim)c);
		csra_claim_value v;
		const char *el = info->element == CSRA_ELEMENT_KEY ? "key"
		    : info->element == CSRA_ELEMENT_PLATFORM ? "platform" : "transaction";
		int have = info->element == CSRA_ELEMENT_KEY
		    ? csra_result_key_claim(er, (size_t)bound, (csra_claim)c, &v)
		    : info->element == CSRA_ELEMENT_PLATFORM ? csra_result_platform_claim(er, (csra_claim)c, &v)
		    : csra_result_transaction_claim(er, (csra_claim)c, &v);
		if (!have)
			continue;
		if (info->type == CSRA_VALUE_BOOLEAN)
			csra_stmt_add_bool(out, el, info->name, v.boolean);
		else if (info->type == CSRA_VALUE_INTEGER && v.big)
			csra_stmt_add_bigint(out, el, info->name, v.bytes, v.len);
		else if (info->type == CSRA_VALUE_INTEGER)
			csra_stmt_add_int(out, el, info->name, v.integer);
		else if (info->type == CSRA_VALUE_UTF8)
			csra_stmt_add_text(out, el, info->name, v.bytes, v.len);
	}
	/* The Evidence's own checks refused what csrattest cannot carry;
	 * anything left is out of memory or the cap, and fails the statement. */
	if (csra_stmt_refused(out, child, "the Evidence")) {
		out->verified = 0;
		if (out->err == CSRA_ERR_NOMEM)
			child->nomem = 1;
	}
}

/* No AK that signed the Evidence has the request key: the pkix-key-
 * attestation draft has an AK validate attestations only, and a request
 * key that is an AK would let its holder have anything it signs read as
 * Evidence (or the reverse). Records ak.request-key; returns 1 if none. */
static int ak_not_request_key(const csra_result *er, const csra_stmt_in *in, csra_result *child)
{
	/* The request's own parse, when it has one: importing a key again
	 * costs as much as the rest of the statement's checks. */
	EVP_PKEY *own = in->request_key == NULL ? csra_spki_pkey(in->request_spki, in->request_spki_len) : NULL;
	EVP_PKEY *req = in->request_key != NULL ? in->request_key : own;
	int ok = 1;
	for (size_t i = 0; req != NULL && i < er->nsigners; i++) {
		if (er->signers[i].key == NULL || EVP_PKEY_eq(er->signers[i].key, req) != 1)
			continue;
		char path[48];
		snprintf(path, sizeof(path), "signatures[%zu]", i);
		ok = csra_result_add(child, "ak.request-key", CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_REQUEST_KEY,
		    path, "the signer's key is the request key: an AK signs attestations only") && 0;
	}
	if (ok)
		csra_result_add(child, "ak.request-key", CSRA_STATUS_PASS, CSRA_OK, "",
		    "no signer's key is the request key");
	EVP_PKEY_free(own);
	csra_clear_openssl_errors();
	return ok;
}

/* Names what |child| reports on; a report that lost it must not pass for
 * whole, so a failed copy is out of memory. */
static void set_kind(csra_result *child, const char *kind)
{
	if ((child->kind = strdup(kind)) == NULL)
		child->nomem = 1;
}

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
	} else if (csra_policy_freshness_exempt(p, in->type, in->type_len)) {
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_WARN, CSRA_ERR_STMT_NOT_FRESH, "",
		    "the verifier did not confirm the CA's nonce; the policy exempts this statement type");
	} else {
		csra_result_add(child, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_FRESH, "",
		    "the verifier did not confirm the CA's nonce: the statement does not count towards "
		    "the policy");
	}
}

/* Verifies one statement into |child| and |out|. |d| is the request's
 * decode, which holds the statement's bytes. */
static csra_err verify_statement(const csra_verifier *v, csra_decoded *d, const csra_stmt_in *in,
    csra_result *child, csra_stmt_out *out)
{
	if (same(in->type, in->type_len, v->evidence_type, v->evidence_type_len)) {
		csra_result *er = NULL;
		X509_STORE *store = store_for(v, in->type, in->type_len, v->store);
		csra_err e = csra_verify_evidence_with(v, store, d, in->stmt, in->stmt_len, in->nonce,
		    in->nonce_len, in->certs, &er);
		if (e != CSRA_OK)
			return e;
		set_kind(child, "pkix-evidence");
		/* The Evidence's own checks and typed claims become the child's:
		 * moved, as the child has none yet, else copied. */
		if (child->nchecks == 0)
			csra_result_take_checks(child, er);
		struct csra_check *checks = er->checks;
		for (size_t i = 0; i < er->nchecks; i++)
			csra_result_add(child, checks[i].name, checks[i].status, checks[i].code,
			    checks[i].path, "%s", checks[i].message);
		if (er->nomem)
			child->nomem = 1;
		out->verified = er->verdict == CSRA_VERDICT_VERIFIED;
		if (!ak_not_request_key(er, in, child))
			out->verified = 0;
		/* Verified with a nonce given: freshness.nonce passed. */
		out->freshness = out->verified && in->nonce != NULL ? CSRA_FRESHNESS_NONCE
		    : CSRA_FRESHNESS_NONE;
		if (out->verified)
			evidence_claims(er, in, out, child);
		else
			csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
			    "binding not checked: the statement did not verify");
		/* Keep the decoded Evidence for its claims in the report. */
		child->elements = er->elements, er->elements = NULL;
		child->nelements = er->nelements;
		child->claims = er->claims, er->claims = NULL;
		child->nclaims = er->nclaims;
		child->signers = er->signers, er->signers = NULL;
		child->nsigners = er->nsigners, er->nsigners = 0;
		child->decoded = er->decoded, er->decoded = NULL;
		csra_result_free(&er);
		return CSRA_OK;
	}
	if (csra_oid_is(in->type, in->type_len, CSRA_OID_ID_TCGATTESTCERTIFY)) {
		set_kind(child, "tpm2-certify");
		return csra_tpm_verify(in, store_for(v, in->type, in->type_len, v->tpm_store),
		    csra_verifier_ak_ekus(v, 1), child, out);
	}
	for (size_t i = 0; i < v->nexternals; i++) {
		if (same(v->externals[i].oid, v->externals[i].oid_len, in->type, in->type_len)) {
			set_kind(child, "external");
			csra_err e = csra_external_verify(&v->externals[i].ext, in, child, out);
			if (e == CSRA_OK)
				record_freshness(v, in, child, out);
			return e != CSRA_OK ? e : child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
		}
	}
	for (size_t i = 0; i < v->ncallbacks; i++) {
		if (!same(v->callbacks[i].oid, v->callbacks[i].oid_len, in->type, in->type_len))
			continue;
		csra_cb_result res = { out, NULL, 0, 0, in, CSRA_FRESHNESS_NONE };
		set_kind(child, "callback");
		int ok = v->callbacks[i].cb(v->callbacks[i].arg, in->type, in->type_len, in->stmt,
		    in->stmt_len, in->certs, in->nonce, in->nonce_len, in->at, &res);
		/* A claim refused (over the cap, U+0000, ...) fails the
		 * statement as it does an external reply: its policy would be
		 * judged on part of what the callback said. */
		int refused = csra_stmt_refused(out, child, "the callback");
		if (refused && out->err == CSRA_ERR_NOMEM) {
			free(res.spki);
			return CSRA_ERR_NOMEM;
		}
		out->verified = ok && res.verified && !refused;
		csra_result_add(child, "callback.verified", out->verified ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    out->verified ? CSRA_OK : CSRA_ERR_STMT_FAILED, "", "the callback %s",
		    out->verified ? "verified the statement" : refused ? "gave a claim that was refused"
		    : ok ? "did not verify the statement" : "failed");
		if (out->verified) {
			out->bound = res.spki != NULL && same(res.spki, res.spki_len, in->request_spki,
			    in->request_spki_len);
			csra_result_add(child, "statement.binding", out->bound ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
			    out->bound ? CSRA_OK : CSRA_ERR_STMT_NOT_BOUND, "", "the attested key %s the request key",
			    out->bound ? "is" : "is not");
		} else {
			csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
			    "binding not checked: the statement did not verify");
		}
		out->freshness = res.freshness;
		record_freshness(v, in, child, out);
		free(res.spki);
		return child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
	}
	char oid[96];
	csra_oid_to_str(in->type, in->type_len, oid, sizeof(oid));
	set_kind(child, "unknown");
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
	x->key = csra_spki_pkey(spki.p, spki.len);
	if (x->key == NULL)
		snprintf(why, sizeof(why), "OpenSSL cannot use the request's public key");
	else if (sig.clen == 0 || sig.c[0] != 0)
		snprintf(why, sizeof(why), "the signature BIT STRING has unused bits");
	else
		e = csra_sig_verify(oid.c, oid.clen, has_params ? params.p : NULL, has_params ? params.len : 0,
		    sig.c + 1, sig.clen - 1, x->key, x->spki, x->spki_len, info.p, info.len, why, sizeof(why));
	if (e == CSRA_OK) {
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
		if (!span_child(&a, 0, &type) || !span_child(&a, 1, &values) ||
		    !csra_oid_is(type.c, type.clen, CSRA_OID_ID_AA_ATTESTATION))
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
	if (found == 0)
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
			ok = OSSL_CRMF_MSGS_verify_popo(msgs, 0, 0, NULL, NULL) == 1;
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
	x->key = csra_spki_pkey(x->spki, x->spki_len);
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
	if (found == 0 && !capped)
		csra_result_add(r, "request.attestation", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_ATTESTATION,
		    "[0].certReq.certTemplate.extensions", "no id-aa-attestation extension");
	else if (found == 1 && x->have_bundle)
		csra_result_add(r, "request.attestation", CSRA_STATUS_PASS, CSRA_OK,
		    "[0].certReq.certTemplate.extensions", "one id-aa-attestation extension");
	if (found > 1)
		x->have_bundle = 0;
}

static void free_certs(STACK_OF(X509) *certs)
{
	sk_X509_pop_free(certs, X509_free);
}

/* Decodes the bundle, collects its certificates and verifies each
 * statement. Returns the statement outcomes for the policy: |*outs|, one
 * allocation per statement, NULL-terminated (see free_outs). */
static csra_err check_bundle(struct rctx *x, const uint8_t *nonce, size_t nonce_len,
    csra_stmt_out ***outs, csra_policy_stmt **pstmts, size_t *nstmts)
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
	if (!x->bundle_checked || !same(v->evidence_type, v->evidence_type_len, dflt->der, dflt->der_len))
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
			const unsigned char *p = c.p;
			X509 *cert = d2i_X509(NULL, &p, (long)c.len);
			csra_clear_openssl_errors();
			if (cert == NULL || p != c.p + c.len) {
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
	*outs = calloc(n + 1, sizeof(**outs));
	*pstmts = calloc(n ? n : 1, sizeof(**pstmts));
	x->r->children = calloc(n ? n : 1, sizeof(csra_result *));
	if (*outs == NULL || *pstmts == NULL || x->r->children == NULL) {
		free(others);
		free_certs(certs);
		return CSRA_ERR_NOMEM;
	}
	csra_err result = CSRA_OK;
	for (size_t i = 0; i < n; i++) {
		span_next(&stmts, i ? &st : NULL, &st);
		span_child(&st, 0, &type);
		span_child(&st, 1, &value);
		csra_result *child = csra_result_new();
		csra_stmt_out *out = (*outs)[i] = calloc(1, sizeof(*out));
		if (child == NULL || out == NULL) {
			csra_result_free(&child);
			result = CSRA_ERR_NOMEM;
			break;
		}
		x->r->children[x->r->nchildren++] = child;
		char oid[96];
		csra_oid_to_str(type.c, type.clen, oid, sizeof(oid));
		child->type_oid = strdup(oid);
		const csra_oid_entry *named = csra_oid_find(type.c, type.clen);
		child->type_name = strdup(same(type.c, type.clen, v->evidence_type, v->evidence_type_len)
		    ? "PKIX Evidence" : named ? named->name : "");
		if (child->type_oid == NULL || child->type_name == NULL)
			child->nomem = 1;
		csra_stmt_in in = { type.c, type.clen, value.p, value.len, x->spki, x->spki_len,
			nonce, nonce_len, certs, others, nothers, v->at ? v->at : time(NULL), x->key };
		csra_stmt_out_init(out, csra_verifier_limit(v, CSRA_LIMIT_CLAIMS));
		csra_err se = verify_statement(v, holder, &in, child, out);
		/* A statement result that lost a check (the Evidence's, copied
		 * above) or a field could read as verified: out of memory. */
		if (se == CSRA_OK && child->nomem)
			se = CSRA_ERR_NOMEM;
		if (se != CSRA_OK) {
			result = se;
			break;
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
			    in.nonce == NULL ? "no nonce was given: freshness not established"
			    : "not checked: the statement did not verify");
		/* The claims go in the report: the child takes the outcome
		 * itself, not a copy (free_outs leaves it). */
		if (child->stmt == NULL && strcmp(child->kind, "pkix-evidence") != 0)
			child->stmt = out;
		csra_result_finish(child);
		(*pstmts)[i] = (csra_policy_stmt){ type.c, type.clen, out };
	}
	*nstmts = x->r->nchildren;
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

csra_err csra_verify_request(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, csra_result **out)
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
	struct rctx x = { v, r, NULL, 0, { 0 }, 0, 0, NULL, NULL, NULL };
	const csra_policy *policy = v->policy ? v->policy : v->default_policy;
	r->kind = strdup("request");
	r->policy = strdup(csra_policy_name(policy));
	/* The report would lack them: out of memory, reported below. */
	if (r->kind == NULL || r->policy == NULL)
		r->nomem = 1;
	r->wall = time(NULL);
	r->at = v->at ? v->at : r->wall;

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

	csra_stmt_out **outs = NULL;
	csra_policy_stmt *pstmts = NULL;
	size_t nstmts = 0;
	csra_err e = CSRA_OK;
	if (x.have_bundle && x.key != NULL)
		e = check_bundle(&x, nonce, nonce_len, &outs, &pstmts, &nstmts);
	if (e == CSRA_OK && x.key != NULL) {
		csra_policy_input pin = { x.key, pstmts, nstmts, x.spki, x.spki_len, nonce != NULL };
		csra_policy_eval(policy, &pin, r);
	} else if (e == CSRA_OK) {
		csra_result_add(r, "request.key", CSRA_STATUS_FAIL, CSRA_ERR_REQ_NO_KEY, "",
		    "OpenSSL cannot use the request's public key");
	}
	free_outs(outs, r);
	free(pstmts);
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
