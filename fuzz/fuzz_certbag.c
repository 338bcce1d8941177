/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate bags (verify/src/csra_certbag.c), the envelope every vendor
 * format's certificates come in: PEM blocks, a DER certificate or a
 * certs-only PKCS#7 SignedData, all attacker-chosen. Checks: success means
 * at least one certificate, each with its DER as received, within the
 * input (DER input: its exact bytes at its offset), and as many X509s as
 * entries; a failure is CSRA_ERR_FMT_MALFORMED with a message naming the
 * byte offset, CSRA_ERR_INPUT_EMPTY or (allocation failure injected)
 * CSRA_ERR_NOMEM, and leaves the bag empty; detect() never contradicts a
 * successful DER read. In alloc-fail mode a failed allocation may fail a
 * bag, never make one read where the normal run refused it.
 */
#include <string.h>

#include "csra_certbag.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"

static struct {
	int have, ok;
	size_t n;
} ref;

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_certbag b;
	char why[200];
	unsigned long injected = fuzz_alloc_injected();
	csra_err e = csra_certbag_read(size ? data : NULL, size, 16, &b, why, sizeof(why));
	int armed = fuzz_alloc_armed();
	if (e == CSRA_OK) {
		if (b.n == 0 || b.n > 16 || (size_t)sk_X509_num(b.certs) != b.n)
			fuzz_fail("a bag read with a wrong count", NULL);
		int pem = size > 0 && memchr(data, '-', size) != NULL && data[0] != 0x30;
		for (size_t i = 0; i < b.n; i++) {
			if (b.entries[i].len == 0 || b.entries[i].offset >= size)
				fuzz_fail("an entry outside the input", NULL);
			if (!pem && (b.entries[i].offset + b.entries[i].len > size ||
			    memcmp(data + b.entries[i].offset, b.entries[i].der, b.entries[i].len) != 0))
				fuzz_fail("a DER entry that is not the input's bytes at its offset", NULL);
		}
		if (!pem && !csra_certbag_detect(data, size))
			fuzz_fail("read as a bag, but not detected as one", NULL);
	} else {
		if (e == CSRA_ERR_NOMEM) {
			if (fuzz_alloc_injected() == injected)
				fuzz_fail("CSRA_ERR_NOMEM without an injected failure", NULL);
		} else if (e == CSRA_ERR_FMT_MALFORMED) {
			if (strstr(why, "(at byte ") == NULL)
				fuzz_fail("a refusal that does not say where", why);
		} else if (e != CSRA_ERR_INPUT_EMPTY || size != 0) {
			fuzz_fail("an unexpected error", csra_err_name(e));
		}
		if (b.n != 0 || b.certs != NULL || b.entries != NULL)
			fuzz_fail("a refused bag still holds something", NULL);
	}
	if (!armed && fuzz_alloc_mode()) {
		ref.have = 1, ref.ok = e == CSRA_OK, ref.n = b.n;
	} else if (armed && ref.have) {
		if (e == CSRA_OK && !ref.ok)
			fuzz_fail("a bag read only because an allocation failed", NULL);
		if (fuzz_alloc_injected() == injected && ((e == CSRA_OK) != ref.ok || b.n != ref.n))
			fuzz_fail("the same bag read differently", NULL);
		memset(&ref, 0, sizeof(ref));
	}
	csra_certbag_clear(&b);
	return 0;
}
