/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 7512 pkcs11: URIs as the PKCS#11 attester parses them (from command
 * lines, configuration and key identifiers): percent-decoding, attribute
 * names, duplicates, query attributes. Checks: a refused URI says why in
 * a terminated, non-empty message; an accepted one decoded each value in
 * place, terminated, binary only in id (csra_p11_uri_check's own check,
 * reported as CSRA_ERR_INTERNAL); CSRA_ERR_NOMEM only after an injected
 * allocation failure.
 */
#include <string.h>

#include "csra_p11_int.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	char err[256];
	memset(err, 'x', sizeof(err));
	size_t n = 99;
	unsigned long injected = fuzz_alloc_injected();
	csra_err e = csra_p11_uri_check(data, size, &n, err, sizeof(err));
	if (e == CSRA_ERR_INTERNAL)
		fuzz_fail("a URI attribute was decoded wrongly", err);
	if (e == CSRA_ERR_NOMEM && fuzz_alloc_injected() == injected)
		fuzz_fail("out of memory without a failed allocation", NULL);
	if (e != CSRA_OK && e != CSRA_ERR_NOMEM && e != CSRA_ERR_P11_URI)
		fuzz_fail("an unexpected error", csra_err_name(e));
	if (e != CSRA_OK && (memchr(err, 0, sizeof(err)) == NULL || err[0] == '\0'))
		fuzz_fail("a refused URI without a message", NULL);
	if (e == CSRA_OK && n > 17)
		fuzz_fail("more attributes than RFC 7512 names", NULL);
	return 0;
}
