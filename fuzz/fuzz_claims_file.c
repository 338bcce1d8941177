/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Claims files (csra_attester_load_claims), which operators write and
 * tools may pass on: JSON into a fresh attester. Checks: on error the
 * attester holds no key and the message is terminated and non-empty; on
 * success every key is findable and the attester can build the request
 * for everything it holds, which must decode strictly.
 */
#include <string.h>

#include "csrattest/attest.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_attester *a = csra_attester_new();
	if (a == NULL)
		return 0;
	char err[256];
	memset(err, 'x', sizeof(err));
	unsigned long injected = fuzz_alloc_injected();
	csra_err e = csra_attester_load_claims(a, (const char *)data, size, CSRA_SOURCE_DECLARED, err,
	    sizeof(err));
	if (e == CSRA_ERR_CLAIMS_FILE) {
		if (memchr(err, 0, sizeof(err)) == NULL || err[0] == '\0')
			fuzz_fail("a refused claims file without a message", NULL);
		if (csra_attester_key_count(a) != 0)
			fuzz_fail("a refused claims file added keys", err);
	} else if (e == CSRA_OK) {
		uint8_t *req = NULL;
		size_t len;
		e = csra_attester_request_all(a, NULL, 0, &req, &len);
		if (e != CSRA_OK && (e != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected))
			fuzz_fail("no request for what a claims file gave", csra_err_name(e));
		free(req);
	} else if (e != CSRA_ERR_NOMEM || fuzz_alloc_injected() == injected) {
		fuzz_fail("csra_attester_load_claims failed", csra_err_name(e));
	}
	csra_attester_free(&a);
	return 0;
}
