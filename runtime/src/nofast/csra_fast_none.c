/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The strict decode without its generated fast path (CSRA_FAST_DECODE
 * off, as in a cross build, where the generator cannot run on the build
 * machine): every decode goes to the plan walk, which accepts and builds
 * exactly what the fast path would.
 */
#include "csra_fast.h"

int csra_fast_decode(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out)
{
	(void)td;
	(void)der;
	(void)len;
	(void)opts;
	(void)arena;
	(void)opens;
	(void)out;
	return 0;
}
