/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Marvell LiquidSecurity attestations (verify/formats/marvell_liquidsecurity),
 * which whoever sends the CSR controls: the input is split into parts at
 * each "\n==part==\n" (the .dat and the .certs, or an MRVL-1 JSON and
 * whatever comes with it), the first part given to detect(), all of them
 * to verify() as a file attestation's parts, for the fixed subject key,
 * with the bundled roots (so the shared samples, uncommitted seeds,
 * verify in full) and at most 16 certificates. Checks: verify() returns
 * CSRA_OK (CSRA_ERR_NOMEM only with an injected failure);
 * "statement.binding" recorded exactly once; every "quirk.*" check a
 * CSRA_ERR_FMT_QUIRK warning; a verified attestation passed "ak.signature"
 * and "ak.chain" and was detected; bound only when verified; no freshness
 * claimed; all text printable ASCII. In alloc-fail mode a failed
 * allocation may fail an attestation, never make it verify or bind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_stmt.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

#define SEP "\n==part==\n"
#define MAX_PARTS 8

static csra_verifier *v;
static unsigned char *spki;
static size_t spki_len;

void fuzz_init(void)
{
	v = csra_verifier_new();
	spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	if (v == NULL || spki == NULL || csra_verifier_set_limit(v, CSRA_LIMIT_CERTS, 16) != CSRA_OK)
		fuzz_fail("cannot set up the verifier", NULL);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	const csra_format *f = &csra_format_marvell_liquidsecurity;
	const uint8_t *parts[MAX_PARTS];
	size_t lens[MAX_PARTS], n = 0, at = 0, sl = sizeof(SEP) - 1;
	while (n < MAX_PARTS - 1) {
		const uint8_t *hit = NULL;
		for (size_t i = at; i + sl <= size; i++)
			if (data[i] == '\n' && memcmp(data + i, SEP, sl) == 0) {
				hit = data + i;
				break;
			}
		if (hit == NULL)
			break;
		parts[n] = data + at, lens[n++] = (size_t)(hit - data) - at;
		at = (size_t)(hit - data) + sl;
	}
	parts[n] = data + at, lens[n++] = size - at;
	if (lens[0] == 0)
		return 0;
	struct fuzz_vendor fv;
	if (fuzz_vendor_run(&fv, f, v, parts, lens, n, spki, spki_len, "an attestation") == NULL)
		goto done;
	const csra_result *r = fv.r;
	int k;
	if (fv.out->verified) {
		const struct csra_check *sig = fuzz_find_check(r, "ak.signature", 0, &k), *chain;
		if (sig == NULL || sig->status != CSRA_STATUS_PASS)
			fuzz_fail("verified without ak.signature passing", NULL);
		chain = fuzz_find_check(r, "ak.chain", 0, &k);
		if (chain == NULL || chain->status != CSRA_STATUS_PASS)
			fuzz_fail("verified without ak.chain passing", NULL);
		if (fv.out->nkeys > 1)
			fuzz_fail("verified with more than one attested key", NULL);
	}
	fuzz_vendor_ref(fv.out, fv.armed, fv.injected, 0, "an attestation");
done:
	fuzz_vendor_done(&fv);
	return 0;
}
