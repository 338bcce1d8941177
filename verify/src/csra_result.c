/* SPDX-License-Identifier: BSD-2-Clause */
/* The verification result: every check run, typed claims, signers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csra_stmt.h"
#include "csra_verify_int.h"

csra_result *csra_result_new(void)
{
	return calloc(1, sizeof(csra_result));
}

void csra_result_free(csra_result **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	csra_result *r = *rp;
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].message);
		free(r->checks[i].path);
	}
	free(r->checks);
	free(r->claims);
	free(r->elements);
	for (size_t i = 0; i < r->nsigners; i++) {
		sk_X509_pop_free(r->signers[i].chain, X509_free);
		EVP_PKEY_free(r->signers[i].key);
	}
	free(r->signers);
	for (size_t i = 0; i < r->nchildren; i++)
		csra_result_free(&r->children[i]);
	free(r->children);
	free(r->kind);
	free(r->type_oid);
	free(r->type_name);
	free(r->stmt);
	free(r->policy);
	free(r->request_format);
	csra_decoded_free(&r->decoded);
	free(r);
	*rp = NULL;
}

int csra_result_add(csra_result *r, const char *name, csra_status status, csra_err code,
    const char *path, const char *fmt, ...)
{
	if (r->nchecks == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct csra_check *n = realloc(r->checks, cap * sizeof(*n));
		if (n == NULL) {
			r->nomem = 1;
			return 0;
		}
		r->checks = n;
		r->cap = cap;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct csra_check *c = &r->checks[r->nchecks];
	c->name = strdup(name);
	c->message = strdup(msg);
	c->path = strdup(path ? path : "");
	c->status = status;
	c->code = code;
	if (c->name == NULL || c->message == NULL || c->path == NULL) {
		free(c->name);
		free(c->message);
		free(c->path);
		r->nomem = 1;
		return 0;
	}
	r->nchecks++;
	return 1;
}

void csra_result_finish(csra_result *r)
{
	if (r->verdict == CSRA_VERDICT_MALFORMED)
		return;
	r->verdict = CSRA_VERDICT_VERIFIED;
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].status == CSRA_STATUS_FAIL)
			r->verdict = CSRA_VERDICT_REJECTED;
}

csra_verdict csra_result_verdict(const csra_result *r)
{
	return r->verdict;
}

size_t csra_result_check_count(const csra_result *r)
{
	return r->nchecks;
}

int csra_result_check(const csra_result *r, size_t i, const char **name, csra_status *status,
    csra_err *code, const char **message, const char **path)
{
	if (r == NULL || i >= r->nchecks)
		return 0;
	const struct csra_check *c = &r->checks[i];
	if (name)
		*name = c->name;
	if (status)
		*status = c->status;
	if (code)
		*code = c->code;
	if (message)
		*message = c->message;
	if (path)
		*path = c->path;
	return 1;
}

long csra_result_find(const csra_result *r, const char *name, csra_err code)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0 && r->checks[i].code == code)
			return (long)i;
	return -1;
}

int csra_result_has_failure(const csra_result *r, csra_err code)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].code == code && r->checks[i].status == CSRA_STATUS_FAIL)
			return 1;
	return 0;
}

static int element_claim(const csra_result *r, size_t elem, csra_claim c, csra_claim_value *out)
{
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct csra_claim_rec *cl = &r->claims[i];
		if (cl->element == elem && cl->claim == c && cl->has_value) {
			*out = cl->value;
			return 1;
		}
	}
	return 0;
}

static int first_of(const csra_result *r, csra_element type, size_t *idx)
{
	for (size_t i = 0; i < r->nelements; i++) {
		if (r->elements[i] == type) {
			*idx = i;
			return 1;
		}
	}
	return 0;
}

int csra_result_platform_claim(const csra_result *r, csra_claim c, csra_claim_value *out)
{
	size_t e;
	return first_of(r, CSRA_ELEMENT_PLATFORM, &e) && element_claim(r, e, c, out);
}

int csra_result_transaction_claim(const csra_result *r, csra_claim c, csra_claim_value *out)
{
	size_t e;
	return first_of(r, CSRA_ELEMENT_TRANSACTION, &e) && element_claim(r, e, c, out);
}

size_t csra_result_key_count(const csra_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nelements; i++)
		n += r->elements[i] == CSRA_ELEMENT_KEY;
	return n;
}

int csra_result_key_claim(const csra_result *r, size_t k, csra_claim c, csra_claim_value *out)
{
	for (size_t i = 0; i < r->nelements; i++)
		if (r->elements[i] == CSRA_ELEMENT_KEY && k-- == 0)
			return element_claim(r, i, c, out);
	return 0;
}

size_t csra_result_signer_count(const csra_result *r)
{
	return r->nsigners;
}

int csra_result_signer_trusted(const csra_result *r, size_t i)
{
	return i < r->nsigners && r->signers[i].trusted;
}

STACK_OF(X509) *csra_result_signer_chain(const csra_result *r, size_t i)
{
	return i < r->nsigners ? r->signers[i].chain : NULL;
}

/* JSON --------------------------------------------------------------- */

static const char *verdict_name(csra_verdict v)
{
	switch (v) {
	case CSRA_VERDICT_VERIFIED: return "verified";
	case CSRA_VERDICT_REJECTED: return "rejected";
	default: return "malformed";
	}
}

static const char *status_name(csra_status s)
{
	switch (s) {
	case CSRA_STATUS_PASS: return "pass";
	case CSRA_STATUS_FAIL: return "fail";
	case CSRA_STATUS_WARN: return "warn";
	default: return "skip";
	}
}

/* Messages and names may carry text from certificates: never let invalid
 * UTF-8 drop a field silently. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string("(not valid UTF-8)");
}

static json_t *hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

static json_t *value_json(const csra_claim_value *v)
{
	switch (v->type) {
	case CSRA_VALUE_BOOLEAN: return json_boolean(v->boolean);
	case CSRA_VALUE_INTEGER: return json_integer((json_int_t)v->integer);
	case CSRA_VALUE_UTF8: return json_stringn((const char *)v->bytes, v->len);
	case CSRA_VALUE_TIME: {
		char buf[32];
		struct tm tm;
		if (gmtime_r(&v->time, &tm) == NULL)
			return json_null();
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		return json_string(buf);
	}
	case CSRA_VALUE_PURPOSES: {
		json_t *a = json_array();
		static const char *names[] = { "encrypt", "decrypt", "wrap", "unwrap", "sign",
			"sign-recover", "verify", "verify-recover", "derive" };
		for (unsigned i = 0; i < 9; i++)
			if (v->purposes & (1u << i))
				json_array_append_new(a, json_string(names[i]));
		return a;
	}
	default:
		return hex(v->bytes, v->len);
	}
}

static json_t *result_json(const csra_result *r);

static json_t *stmt_claims_json(const struct csra_stmt_out *out)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < out->nclaims; i++) {
		const csra_stmt_claim *c = &out->claims[i];
		json_t *el = json_object_get(o, c->element);
		if (el == NULL) {
			el = json_object();
			json_object_set_new(o, c->element, el);
		}
		json_t *v = c->type == CSRA_VALUE_BOOLEAN ? json_boolean(c->boolean)
		    : c->type == CSRA_VALUE_INTEGER ? json_integer((json_int_t)c->integer) : jstr(c->text);
		json_object_set_new(el, c->name, v);
	}
	return o;
}

static json_t *result_json(const csra_result *r)
{
	json_t *root = json_object(), *checks = json_array(), *elems = json_array(),
	    *signers = json_array();
	if (root == NULL || checks == NULL || elems == NULL || signers == NULL) {
		json_decref(root);
		json_decref(checks);
		json_decref(elems);
		json_decref(signers);
		return NULL;
	}
	if (r->kind)
		json_object_set_new(root, "kind", jstr(r->kind));
	if (r->has_digest) {
		json_object_set_new(root, "input_sha256", hex(r->digest, sizeof(r->digest)));
		char buf[32];
		struct tm tm;
		if (gmtime_r(&r->at, &tm) != NULL) {
			strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_set_new(root, "verified_at", json_string(buf));
		}
	}
	if (r->request_format)
		json_object_set_new(root, "request_format", jstr(r->request_format));
	if (r->type_oid) {
		json_object_set_new(root, "type", jstr(r->type_oid));
		json_object_set_new(root, "type_name", jstr(r->type_name ? r->type_name : ""));
		json_object_set_new(root, "bound_to_request_key", json_boolean(r->bound));
	}
	json_object_set_new(root, "verdict", json_string(verdict_name(r->verdict)));
	if (r->policy)
		json_object_set_new(root, "policy", jstr(r->policy));
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct csra_check *c = &r->checks[i];
		json_t *o = json_object();
		json_object_set_new(o, "check", json_string(c->name));
		json_object_set_new(o, "status", json_string(status_name(c->status)));
		json_object_set_new(o, "code", json_integer(c->code));
		json_object_set_new(o, "code_name", json_string(csra_err_name(c->code)));
		json_object_set_new(o, "message", jstr(c->message));
		json_object_set_new(o, "path", jstr(c->path));
		json_array_append_new(checks, o);
	}
	static const char *enames[] = { "unknown", "transaction", "platform", "key" };
	for (size_t e = 0; e < r->nelements; e++) {
		json_t *o = json_object(), *cl = json_object();
		json_object_set_new(o, "type", json_string(enames[r->elements[e]]));
		for (size_t i = 0; i < r->nclaims; i++) {
			const struct csra_claim_rec *c = &r->claims[i];
			const csra_claim_info *info = csra_claim_get(c->claim);
			if (c->element != e || !c->has_value || info == NULL)
				continue;
			json_t *v = value_json(&c->value);
			if (info->multiple) {
				json_t *arr = json_object_get(cl, info->name);
				if (arr == NULL) {
					arr = json_array();
					json_object_set_new(cl, info->name, arr);
				}
				json_array_append_new(arr, v);
			} else {
				json_object_set_new(cl, info->name, v);
			}
		}
		json_object_set_new(o, "claims", cl);
		json_array_append_new(elems, o);
	}
	for (size_t i = 0; i < r->nsigners; i++) {
		const struct csra_signer_rec *s = &r->signers[i];
		json_t *o = json_object(), *chain = json_array();
		json_object_set_new(o, "verified", json_boolean(s->verified));
		json_object_set_new(o, "trusted", json_boolean(s->trusted));
		for (int k = 0; s->chain && k < sk_X509_num(s->chain); k++) {
			char name[256];
			X509_NAME_oneline(X509_get_subject_name(sk_X509_value(s->chain, k)), name, sizeof(name));
			json_array_append_new(chain, jstr(name));
		}
		json_object_set_new(o, "chain", chain);
		json_array_append_new(signers, o);
	}
	json_object_set_new(root, "checks", checks);
	if (r->nelements)
		json_object_set_new(root, "elements", elems);
	else
		json_decref(elems);
	if (r->nsigners)
		json_object_set_new(root, "signers", signers);
	else
		json_decref(signers);
	if (r->stmt)
		json_object_set_new(root, "claims", stmt_claims_json(r->stmt));
	if (r->nchildren) {
		json_t *stmts = json_array();
		for (size_t i = 0; i < r->nchildren; i++)
			json_array_append_new(stmts, result_json(r->children[i]));
		json_object_set_new(root, "statements", stmts);
	}
	return root;
}

char *csra_result_json(const csra_result *r)
{
	json_t *root = result_json(r);
	if (root == NULL)
		return NULL;
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s;
}
