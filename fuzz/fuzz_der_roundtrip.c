/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whatever the strict decoder accepts must be canonical DER: asn1c's DER
 * encoder, given the decoded value, has to give back the input exactly,
 * for the whole and for every open-type value inside it. A difference
 * means the gate let through an encoding DER forbids (or asn1c's encoder
 * is wrong). The value must also be what the ber_decode reference
 * decoder builds from the same bytes. The first byte picks the PDU as in
 * fuzz_decode.
 */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	csra_pdu pdu = (csra_pdu)(data[0] % CSRA_PDU_COUNT + 1);
	fuzz_decode_check(pdu, data + 1, size - 1, FUZZ_OPEN | FUZZ_ROUNDTRIP | FUZZ_REFERENCE);
	return 0;
}
