/* SPDX-License-Identifier: BSD-2-Clause */
/* PKIX Evidence, in either tagging of intermediateCertificates, and its claims. */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	fuzz_decode_check(CSRA_PDU_EVIDENCE, data, size, FUZZ_OPEN);
	return 0;
}
