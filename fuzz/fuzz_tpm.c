/* SPDX-License-Identifier: BSD-2-Clause */
/* TPM 2.0 certify statements (TcgAttestCertify). */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	fuzz_decode_check(CSRA_PDU_TPM_CERTIFY, data, size, FUZZ_OPEN);
	return 0;
}
