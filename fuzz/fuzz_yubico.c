/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Yubico's formats (verify/formats/yubico_piv, verify/formats/yubihsm2) on
 * attacker-chosen files: detect, then verify, for each, with the fixed
 * root as their trust anchor, bound to the fixed request key at FUZZ_T0.
 * Checks: CSRA_OK (or CSRA_ERR_NOMEM only where a failure was injected);
 * the "<kind>.decode" check recorded once (or "limit.certs"); a verified statement passed
 * "ak.signature" and "ak.chain", attests exactly one key and records
 * "statement.binding" pass or fail with CSRA_ERR_STMT_NOT_BOUND, bound
 * exactly when it passes; an unverified one skips the binding; every
 * "quirk.*" check is a warning with CSRA_ERR_FMT_QUIRK, and only
 * yubico-piv records any; claims well-formed, text claims whole. In
 * alloc-fail mode a failed allocation may fail a statement, never make it
 * verify or bind where the normal run did not.
 */
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

static csra_verifier *v;
static unsigned char *spki;
static size_t spki_len;
static const char *const KINDS[] = { "yubico-piv", "yubihsm2" };

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	v = csra_verifier_new();
	spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	if (root == NULL || v == NULL || spki == NULL || csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK)
		fuzz_fail("cannot set up the verifier", NULL);
	for (size_t i = 0; i < 2; i++)
		if (csra_verifier_drop_format_bundle(v, KINDS[i]) != CSRA_OK ||
		    csra_verifier_add_format_trust(v, KINDS[i], root) != CSRA_OK)
			fuzz_fail("cannot trust the fixed root", KINDS[i]);
	X509_free(root);
}

static struct {
	int have;
	int verified[2], bound[2];
} ref;

static const struct csra_check *find(const csra_result *r, const char *name, size_t *count)
{
	const struct csra_check *found = NULL;
	*count = 0;
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0 && (*count)++ == 0)
			found = &r->checks[i];
	return found;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	int verified[2] = { 0, 0 }, bound[2] = { 0, 0 };
	int armed = fuzz_alloc_armed();
	unsigned long injected = fuzz_alloc_injected();
	for (size_t k = 0; k < 2; k++) {
		const csra_format *f = csra_format_find(KINDS[k]);
		if (f == NULL || f->detect == NULL)
			fuzz_fail("format not registered", KINDS[k]);
		(void)csra_format_detects(f, data, size);
		csra_result *r = csra_result_new();
		if (r == NULL)
			continue;	/* only under injection */
		csra_stmt_out out;
		csra_stmt_out_init(&out, 0);
		csra_stmt_in in;
		memset(&in, 0, sizeof(in));
		in.stmt = size ? data : NULL;
		in.stmt_len = size;
		in.request_spki = spki;
		in.request_spki_len = spki_len;
		in.at = FUZZ_T0;
		csra_err e = size ? f->verify(v, NULL, NULL, &in, r, &out) : CSRA_OK;
		if (e == CSRA_ERR_NOMEM) {
			if (fuzz_alloc_injected() == injected)
				fuzz_fail("CSRA_ERR_NOMEM without an injected failure", KINDS[k]);
			goto next;
		}
		if (e != CSRA_OK)
			fuzz_fail("verify failed", csra_err_name(e));
		if (size == 0)
			goto next;
		if (r->nomem)
			fuzz_fail("CSRA_OK with the result out of memory", KINDS[k]);
		char dname[32];
		size_t n;
		snprintf(dname, sizeof(dname), "%s.decode", KINDS[k]);
		size_t nlimit;
		find(r, "limit.certs", &nlimit);
		if (find(r, dname, &n), n > 1 || (n == 0 && nlimit == 0))
			fuzz_fail("the decode check is not recorded once", KINDS[k]);
		const struct csra_check *bind = find(r, "statement.binding", &n);
		if (bind == NULL || n != 1)
			fuzz_fail("statement.binding is not recorded once", KINDS[k]);
		if (out.verified) {
			const struct csra_check *sig = find(r, "ak.signature", &n), *chain = find(r, "ak.chain", &n);
			if (sig == NULL || sig->status != CSRA_STATUS_PASS || chain == NULL ||
			    chain->status != CSRA_STATUS_PASS)
				fuzz_fail("verified without a passing signature and chain", KINDS[k]);
			if (out.nkeys != 1)
				fuzz_fail("verified without exactly one attested key", KINDS[k]);
			if (out.bound != (bind->status == CSRA_STATUS_PASS) ||
			    (!out.bound && bind->code != CSRA_ERR_STMT_NOT_BOUND))
				fuzz_fail("binding and its check disagree", KINDS[k]);
			if (out.err != CSRA_OK)
				fuzz_fail("a claim refused, yet verified", csra_err_name(out.err));
		} else if (bind->status != CSRA_STATUS_SKIP || out.bound) {
			fuzz_fail("unverified, but binding was checked", KINDS[k]);
		}
		if (out.freshness != CSRA_FRESHNESS_NONE || !out.reports_freshness)
			fuzz_fail("a vendor format vouches for freshness", KINDS[k]);
		for (size_t i = 0; i < r->nchecks; i++) {
			if (strncmp(r->checks[i].name, "quirk.", 6) != 0)
				continue;
			if (k != 0 || r->checks[i].status != CSRA_STATUS_WARN || r->checks[i].code != CSRA_ERR_FMT_QUIRK)
				fuzz_fail("a quirk recorded otherwise", r->checks[i].name);
		}
		for (size_t i = 0; i < out.nclaims; i++) {
			const csra_stmt_claim *c = &out.claims[i];
			if (strcmp(c->element, "key") != 0 && strcmp(c->element, "platform") != 0)
				fuzz_fail("a claim in an unexpected element", c->name);
			if (c->type == CSRA_VALUE_UTF8 && strlen(c->text) != c->text_len)
				fuzz_fail("a claim text with U+0000 or cut", c->name);
		}
		verified[k] = out.verified;
		bound[k] = out.bound;
next:
		csra_stmt_out_clear(&out);
		csra_result_free(&r);
	}
	if (!armed && fuzz_alloc_mode()) {
		ref.have = 1;
		memcpy(ref.verified, verified, sizeof(verified));
		memcpy(ref.bound, bound, sizeof(bound));
	} else if (armed && ref.have) {
		for (size_t k = 0; k < 2; k++)
			if ((verified[k] && !ref.verified[k]) || (bound[k] && !ref.bound[k]))
				fuzz_fail("verified or bound only because an allocation failed", KINDS[k]);
		memset(&ref, 0, sizeof(ref));
	}
	return 0;
}
