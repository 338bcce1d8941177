/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thales Luna Public Key Confirmations (verify/formats/thales_luna), which
 * whoever sends the CSR controls: the format's detect() and verify() on
 * the input, as a file beside a request for the fixed subject key, with
 * the fixed fuzz root as the only thales-luna anchor and at most 16
 * certificates. Checks: verify() returns CSRA_OK (CSRA_ERR_NOMEM only
 * with an injected failure); "statement.binding" recorded exactly once;
 * every "quirk.*" check a warning with CSRA_ERR_FMT_QUIRK; a verified PKC
 * was detected, passed "ak.signature" and "ak.chain", and attests one
 * key; bound only when verified; no freshness claimed; all text printable
 * ASCII. In alloc-fail mode a failed allocation may fail a PKC, never
 * make it verify or bind where the normal run did not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

static csra_verifier *v;
static unsigned char *spki;
static size_t spki_len;

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	v = csra_verifier_new();
	spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	if (root == NULL || v == NULL || spki == NULL ||
	    csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK ||
	    csra_verifier_set_limit(v, CSRA_LIMIT_CERTS, 16) != CSRA_OK ||
	    csra_verifier_drop_format_bundle(v, "thales-luna") != CSRA_OK ||
	    csra_verifier_add_format_trust(v, "thales-luna", root) != CSRA_OK)
		fuzz_fail("cannot set up the verifier", NULL);
	X509_free(root);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	const csra_format *f = &csra_format_thales_luna;
	const uint8_t *part = size ? data : NULL;
	struct fuzz_vendor fv;
	if (fuzz_vendor_run(&fv, f, v, &part, &size, 1, spki, spki_len, "a PKC") == NULL)
		goto done;
	const csra_result *r = fv.r;
	int n;
	if (fv.out->verified) {
		const struct csra_check *sig = fuzz_find_check(r, "ak.signature", 0, &n), *chain;
		if (sig == NULL || n != 1 || sig->status != CSRA_STATUS_PASS)
			fuzz_fail("verified without ak.signature passing", NULL);
		chain = fuzz_find_check(r, "ak.chain", 0, &n);
		if (chain == NULL || n != 1 || chain->status != CSRA_STATUS_PASS)
			fuzz_fail("verified without ak.chain passing", NULL);
		if (fv.out->nkeys != 1)
			fuzz_fail("verified with other than one attested key", NULL);
	}
	fuzz_vendor_ref(fv.out, fv.armed, fv.injected, 1, "a PKC");
done:
	fuzz_vendor_done(&fv);
	return 0;
}
