/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crypto4A QASM ATTESTATION MESSAGEs (verify/formats/crypto4a_qasm), which
 * whoever sends the CSR controls: the format's detect() and verify() on
 * the input (DER or PEM), as a file beside a request for the fixed
 * subject key, under the signature policy any-trusted (the first input
 * byte's low bit picks all instead), with the bundled C4A_RCA and the
 * fixed fuzz root as the anchors and at most 16 certificates, 8 signer
 * blocks and 64 claims. Checks: verify() returns CSRA_OK (CSRA_ERR_NOMEM
 * only with an injected failure); "statement.binding" recorded exactly
 * once; a verified message was detected, passed "signature.policy" and
 * has at least one "signature.value" and "ak.chain" passing, attests one
 * key; no check but the binding failed in a verified one, and under all
 * none warned of a block that did not verify; bound
 * only when verified; no freshness claimed; all text printable ASCII. In
 * alloc-fail mode a failed allocation may fail a message, never make it
 * verify or bind where the normal run did not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

static csra_verifier *v_any, *v_all;
static unsigned char *spki;
static size_t spki_len;

static csra_verifier *make(csra_sig_policy sp, X509 *root)
{
	csra_verifier *v = csra_verifier_new();
	if (v == NULL || csra_verifier_set_time(v, FUZZ_T0) != CSRA_OK ||
	    csra_verifier_set_sig_policy(v, sp) != CSRA_OK ||
	    csra_verifier_set_limit(v, CSRA_LIMIT_CERTS, 16) != CSRA_OK ||
	    csra_verifier_set_limit(v, CSRA_LIMIT_SIGNERS, 8) != CSRA_OK ||
	    csra_verifier_set_limit(v, CSRA_LIMIT_CLAIMS, 64) != CSRA_OK ||
	    csra_verifier_add_format_trust(v, "crypto4a-qasm", root) != CSRA_OK)
		fuzz_fail("cannot set up the verifier", NULL);
	return v;
}

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	if (root == NULL || spki == NULL)
		fuzz_fail("cannot set up the verifier", NULL);
	v_any = make(CSRA_SIG_ANY_TRUSTED, root);
	v_all = make(CSRA_SIG_ALL, root);
	X509_free(root);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	const csra_format *f = &csra_format_crypto4a_qasm;
	/* A DER message starts with 0x30 (low bit 0): any-trusted; the
	 * same bytes with 0x31 in front are tried under all. */
	int all = size > 0 && (data[0] & 1);
	const csra_verifier *v = all ? v_all : v_any;
	if (all)
		data++, size--;
	const uint8_t *part = size ? data : NULL;
	struct fuzz_vendor fv;
	if (fuzz_vendor_run(&fv, f, v, &part, &size, 1, spki, spki_len, "a message") == NULL)
		goto done;
	const csra_result *r = fv.r;
	int n;
	if (fv.out->verified) {
		const struct csra_check *c = fuzz_find_check(r, "signature.policy", CSRA_STATUS_PASS, &n);
		if (c == NULL || n != 1)
			fuzz_fail("verified without signature.policy passing", NULL);
		if (fuzz_find_check(r, "signature.value", CSRA_STATUS_PASS, &n) == NULL)
			fuzz_fail("verified without a signature verifying", NULL);
		if (fuzz_find_check(r, "ak.chain", CSRA_STATUS_PASS, &n) == NULL)
			fuzz_fail("verified without a chain", NULL);
		if (all && (fuzz_find_check(r, "signature.algorithm", 0, &n) != NULL ||
		    fuzz_find_check(r, "ak.chain", CSRA_STATUS_WARN, &n)))
			fuzz_fail("verified under all with a block that did not verify", NULL);
		for (size_t i = 0; i < r->nchecks; i++)
			if (r->checks[i].status == CSRA_STATUS_FAIL &&
			    strcmp(r->checks[i].name, "statement.binding") != 0)
				fuzz_fail("verified with a failed check", r->checks[i].name);
		if (fv.out->nkeys != 1)
			fuzz_fail("verified with other than one attested key", NULL);
	}
	fuzz_vendor_ref(fv.out, fv.armed, fv.injected, 1, "a message");
done:
	fuzz_vendor_done(&fv);
	return 0;
}
