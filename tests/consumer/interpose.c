/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A host program with functions of the same names as some of csrattest's internal
 * helpers and asn1c's runtime (its own asn1c, or just bad luck). Linked
 * with the consumer, they must change nothing: the library keeps using its
 * own. If any of them is called, the verification visibly breaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct span;

int span_at(const uint8_t *p, const uint8_t *end, struct span *s);
int span_at(const uint8_t *p, const uint8_t *end, struct span *s)
{
	(void)p, (void)end, (void)s;
	abort();
}

void *ber_decode(void *ctx, const void *td, void **sptr, const void *buf, size_t size);
void *ber_decode(void *ctx, const void *td, void **sptr, const void *buf, size_t size)
{
	(void)ctx, (void)td, (void)sptr, (void)buf, (void)size;
	abort();
}

int csra_gate_check(void);
int csra_gate_check(void)
{
	abort();
}

int csra_gate_decode(void);
int csra_gate_decode(void)
{
	abort();
}
