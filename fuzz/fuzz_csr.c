/* SPDX-License-Identifier: BSD-2-Clause */
/* PKCS#10 requests, and their attributes (attestation bundles, extension requests). */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	fuzz_decode_check(CSRA_PDU_CERTIFICATION_REQUEST, data, size, FUZZ_OPEN);
	return 0;
}
