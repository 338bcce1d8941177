/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generated fast path and the plan walk must agree: the fast path
 * accepts exactly what the walk accepts, and builds the same structures
 * (DER encoding and asn_fprint text of the whole and of every open-type
 * value). The first byte picks the PDU (low nibble, % CSRA_PDU_COUNT + 1) and the
 * nesting limit (high nibble: 0 is the default 32, else twice it), so the
 * der_roundtrip seeds serve as they are.
 */
#include "fuzz_alloc.h"
#include "fuzz_common.h"

#include "../tests/fast_diff.h"

_Static_assert(CSRA_PDU_COUNT <= 16, "the low nibble picks the PDU");

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	csra_pdu pdu = (csra_pdu)((data[0] & 15) % CSRA_PDU_COUNT + 1);
	unsigned depth = data[0] >> 4 ? (unsigned)(data[0] >> 4) * 2 : 32;
	char why[256];
	unsigned long injected = fuzz_alloc_injected();
	enum fast_diff r = fast_diff(pdu, data + 1, size - 1, depth, why, sizeof(why));
	/* The fast path accepting what the walk refuses is never excused: it
	 * would let through what the strict decode exists to stop. */
	if (r == FD_FAST_ONLY)
		fuzz_fail("the fast path accepts what the plan walk refuses", why);
	/* A failed allocation (injected) can make one side refuse, or the
	 * comparison fail, without a difference between them. */
	if ((r == FD_WALK_ONLY || r == FD_VALUE) && fuzz_alloc_injected() == injected)
		fuzz_fail(r == FD_WALK_ONLY ? "the fast path refuses what the plan walk accepts"
		    : "the fast path and the plan walk build different values", why);
	return 0;
}
