/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An external verifier's reply (docs/external.md), which the command, and
 * so possibly an attacker, controls: csra_external_parse_reply on the
 * input, for a fixed request key (fuzz_pki.h's subject key, so that seeds
 * can carry its base64). Checks: one "external.reply" and one
 * "external.key" check; a verified reply passes the first, an unverified
 * one fails it with CSRA_ERR_EXT_JSON and yields no claims and no binding;
 * bound exactly when "external.key" passes; every claim in a known element
 * with a terminated, non-empty name; all text printable ASCII. In
 * alloc-fail mode a failed allocation may fail the reply, never make it
 * pass or bind where the normal run did not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

static unsigned char *spki;
static size_t spki_len;

void fuzz_init(void)
{
	spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	if (spki == NULL)
		fuzz_fail("cannot make the request key", NULL);
}

static struct {
	int have, verified, bound;
	size_t nclaims;
} ref;

static void printable(const char *s, const char *what)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			fuzz_fail("reply text is not printable ASCII", what);
}

static const struct csra_check *only(const csra_result *r, const char *name)
{
	const struct csra_check *found = NULL;
	for (size_t i = 0; i < r->nchecks; i++) {
		if (strcmp(r->checks[i].name, name) != 0)
			continue;
		if (found != NULL)
			fuzz_fail("a check recorded twice", name);
		found = &r->checks[i];
	}
	if (found == NULL)
		fuzz_fail("a check is missing", name);
	return found;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_result *r = csra_result_new();
	if (r == NULL) {
		if (!fuzz_alloc_armed())
			fuzz_fail("csra_result_new failed", NULL);
		return 0;
	}
	/* Zeroed by the caller, as csra_external_verify does; the reply itself
	 * is not NUL-terminated. */
	csra_stmt_out *out = fuzz_realloc(NULL, sizeof(*out));
	csra_stmt_out_init(out, 0);
	unsigned long injected = fuzz_alloc_injected();
	/* With a nonce given, so that "freshness": "nonce" is read too. */
	csra_err rc = csra_external_parse_reply(size ? (const char *)data : NULL, size, spki, spki_len,
	    1, r, out);
	int armed = fuzz_alloc_armed();
	if (rc != CSRA_OK) {
		if (rc != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected)
			fuzz_fail("csra_external_parse_reply failed", csra_err_name(rc));
		goto done;
	}
	if (r->nomem)
		fuzz_fail("CSRA_OK with the result out of memory", NULL);
	for (size_t i = 0; i < r->nchecks; i++) {
		printable(csra_check_message(r, i), r->checks[i].name);
		printable(r->checks[i].path, r->checks[i].name);
	}
	const struct csra_check *reply = only(r, "external.reply"), *key = only(r, "external.key");
	if (out->verified) {
		if (reply->status != CSRA_STATUS_PASS)
			fuzz_fail("verified, but the reply check does not pass", NULL);
		if (out->bound != (key->status == CSRA_STATUS_PASS))
			fuzz_fail("bound and the key check disagree", NULL);
		if (key->status != CSRA_STATUS_PASS && key->code != CSRA_ERR_STMT_NOT_BOUND)
			fuzz_fail("an unbound key with another code", csra_err_name(key->code));
	} else {
		if (reply->status != CSRA_STATUS_FAIL || reply->code != CSRA_ERR_EXT_JSON)
			fuzz_fail("unverified, but the reply check does not fail with EXT_JSON", NULL);
		if (key->status != CSRA_STATUS_SKIP || out->bound || out->nclaims != 0 ||
		    out->freshness != CSRA_FRESHNESS_NONE)
			fuzz_fail("a refused reply still binds, claims or vouches for freshness", NULL);
	}
	if (out->nclaims > CSRA_STMT_DEFAULT_LIMIT)
		fuzz_fail("more claims than the cap", NULL);
	if (out->err != CSRA_OK && out->verified)
		fuzz_fail("a claim refused, yet the reply verified", csra_err_name(out->err));
	for (size_t i = 0; i < out->nclaims; i++) {
		const csra_stmt_claim *c = &out->claims[i];
		if (strcmp(c->element, "key") != 0 && strcmp(c->element, "platform") != 0 &&
		    strcmp(c->element, "transaction") != 0)
			fuzz_fail("a claim in an unknown element", NULL);
		if (c->name[0] == '\0' || strlen(c->name) > CSRA_STMT_MAX_NAME)
			fuzz_fail("a claim name empty or too long", NULL);
		/* Whole, and compared by length: no U+0000 may hide a tail. */
		if (c->type == CSRA_VALUE_UTF8 && strlen(c->text) != c->text_len)
			fuzz_fail("a claim text with U+0000 or cut", c->name);
		if (c->type != CSRA_VALUE_UTF8 && c->type != CSRA_VALUE_BOOLEAN &&
		    c->type != CSRA_VALUE_INTEGER && c->type != CSRA_VALUE_OCTETS)
			fuzz_fail("a claim of another type", c->name);
		if (c->type == CSRA_VALUE_OCTETS && c->bytes == NULL)
			fuzz_fail("a bytes claim without its bytes", c->name);
	}
	if (!armed && fuzz_alloc_mode()) {
		ref.have = 1;
		ref.verified = out->verified;
		ref.bound = out->bound;
		ref.nclaims = out->nclaims;
	} else if (armed && ref.have) {
		if ((out->verified && !ref.verified) || (out->bound && !ref.bound))
			fuzz_fail("a reply accepted only because an allocation failed", NULL);
		if (fuzz_alloc_injected() == injected &&
		    (out->verified != ref.verified || out->bound != ref.bound || out->nclaims != ref.nclaims))
			fuzz_fail("the same reply read differently", NULL);
		memset(&ref, 0, sizeof(ref));
	}
done:
	csra_stmt_out_clear(out);
	free(out);
	csra_result_free(&r);
	return 0;
}
