/* SPDX-License-Identifier: BSD-2-Clause */
/* CRMF CertReqMessages. */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	fuzz_decode_check(CSRA_PDU_CERT_REQ_MESSAGES, data, size, FUZZ_OPEN);
	return 0;
}
