/* SPDX-License-Identifier: BSD-2-Clause */
/* Every PDU through the public entry point: the first byte picks the PDU
 * (byte % CSRA_PDU_COUNT + 1, the csra_pdu values), the rest is the DER. */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	csra_pdu pdu = (csra_pdu)(data[0] % CSRA_PDU_COUNT + 1);
	/* Only the contract checks of fuzz_decode_check: the per-PDU harnesses
	 * go deeper. */
	fuzz_decode_check(pdu, data + 1, size - 1, 0);
	return 0;
}
