/* SPDX-License-Identifier: BSD-2-Clause */
/* AttestationBundle (draft -28) and legacy EvidenceBundle, and their statements. */
#include "fuzz_common.h"

int fuzz_one(const uint8_t *data, size_t size)
{
	/* The two forms differ only by the hint; both decoders see each input. */
	fuzz_decode_check(CSRA_PDU_ATTESTATION_BUNDLE, data, size, FUZZ_OPEN);
	fuzz_decode_check(CSRA_PDU_EVIDENCE_BUNDLE, data, size, FUZZ_OPEN);
	return 0;
}
