/* SPDX-License-Identifier: BSD-2-Clause */
#include "csra_gate.h"
#include "csra_span.h"

int span_at(const uint8_t *p, const uint8_t *end, struct span *s)
{
	uint8_t tag;
	if (!csra_der_tlv_peek(p, end, &tag, &s->c, &s->clen))
		return 0;
	s->p = p;
	s->len = (size_t)(s->c + s->clen - p);
	return 1;
}

int span_child(const struct span *parent, int n, struct span *out)
{
	const uint8_t *p = parent->c, *end = parent->c + parent->clen;
	for (int i = 0; p < end; i++) {
		if (!span_at(p, end, out))
			return 0;
		if (i == n)
			return 1;
		p = out->p + out->len;
	}
	return 0;
}

int span_tagged(const struct span *parent, uint8_t tag, struct span *out)
{
	const uint8_t *p = parent->c, *end = parent->c + parent->clen;
	while (p < end) {
		if (!span_at(p, end, out))
			return 0;
		if (out->p[0] == tag)
			return 1;
		p = out->p + out->len;
	}
	return 0;
}
