/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Statements verified by a function of the caller's
 * (csra_verifier_add_callback): what it may read and report, and the
 * checks recorded on its answer.
 */
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "csra_verify_int.h"

struct csra_cb_result {
	csra_stmt_out *out;
	uint8_t *spki;
	size_t spki_len;
	int verified;
	const csra_stmt_in *in;
	csra_freshness freshness;
};

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

csra_err csra_cb_add_bytes(csra_cb_result *res, const char *element, const char *name,
    const uint8_t *p, size_t len)
{
	return csra_stmt_add_bytes(res->out, element, name, p, len);
}

static int callback_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	for (size_t i = 0; i < v->ncallbacks; i++) {
		if (v->callbacks[i].oid_len == len && memcmp(v->callbacks[i].oid, type, len) == 0) {
			*route = &v->callbacks[i];
			return 1;
		}
	}
	return 0;
}

static csra_err callback_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)v, (void)d;
	const struct csra_callback_route *rt = route;
	csra_cb_result res = { out, NULL, 0, 0, in, CSRA_FRESHNESS_NONE };
	int ok = rt->cb(rt->arg, in->type, in->type_len, in->stmt,
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
		out->bound = res.spki != NULL && csra_same(res.spki, res.spki_len, in->request_spki,
		    in->request_spki_len);
		csra_result_add(child, "statement.binding", out->bound ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    out->bound ? CSRA_OK : CSRA_ERR_STMT_NOT_BOUND, "", "the attested key %s the request key",
		    out->bound ? "is" : "is not");
	} else {
		csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "binding not checked: the statement did not verify");
	}
	out->freshness = res.freshness;
	out->reports_freshness = 1;
	free(res.spki);
	return child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
}

const csra_format csra_format_callback = { "callback", callback_handles, NULL, callback_verify, 0 };
