/* SPDX-License-Identifier: BSD-2-Clause */
#include "csra_gate.h"
#include "csra_span.h"

/* Per thread: verifiers run concurrently (test_threads). */
static _Thread_local unsigned long long steps;

unsigned long long span_steps(void)
{
	return steps;
}

int span_at(const uint8_t *p, const uint8_t *end, struct span *s)
{
	uint8_t tag;
	steps++;
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

int span_next(const struct span *parent, const struct span *prev, struct span *out)
{
	const uint8_t *p = prev != NULL ? prev->p + prev->len : parent->c;
	const uint8_t *end = parent->c + parent->clen;
	return p < end && span_at(p, end, out);
}

size_t span_count(const struct span *parent, size_t stop)
{
	struct span s;
	size_t n = 0;
	for (int more = span_next(parent, NULL, &s); more && n < stop; more = span_next(parent, &s, &s))
		n++;
	return n;
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
