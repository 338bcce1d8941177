/* SPDX-License-Identifier: BSD-2-Clause */
/* The generated fast path against the plan walk (tests/test_fast.c,
 * fuzz/fuzz_fast_decode.c). */
#ifndef CSRA_FAST_DIFF_H
#define CSRA_FAST_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "csrattest/codec.h"

enum fast_diff {
	FD_BOTH_ACCEPT,
	FD_BOTH_REFUSE,
	FD_ALLOC,	/* one side ran out of memory: no verdict */
	FD_FAST_ONLY,	/* the fast path accepts what the walk refuses */
	FD_WALK_ONLY,	/* the walk accepts what the fast path refuses */
	FD_VALUE,	/* both accept, the structures differ */
};

/* fast_diff decodes |der|/|len| as |pdu| (the Evidence form picked as
 * csra_decode does) with csra_fast_decode and with csra_gate_decode, each
 * into its own arena, with nesting limit |max_depth|, and compares the
 * verdicts and, when both accept, the structures: DER encoding and
 * asn_fprint text of the whole and of every open-type value built. |why|
 * gets a line on FD_FAST_ONLY, FD_WALK_ONLY and FD_VALUE. */
enum fast_diff fast_diff(csra_pdu pdu, const uint8_t *der, size_t len, unsigned max_depth,
    char *why, size_t why_len);

#endif
