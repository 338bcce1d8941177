/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "csra_cbb.h"

int csra_cbb_init(csra_cbb *c, size_t cap)
{
	memset(c, 0, sizeof(*c));
	if (cap == 0)
		cap = 64;
	c->buf = malloc(cap);
	if (c->buf == NULL) {
		c->err = 1;
		return 0;
	}
	c->cap = cap;
	return 1;
}

void csra_cbb_cleanup(csra_cbb *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

static int reserve(csra_cbb *c, size_t n)
{
	if (c->err)
		return 0;
	if (n <= c->cap - c->len)
		return 1;
	if (n > SIZE_MAX / 2 - c->len) {
		c->err = 1;
		return 0;
	}
	size_t cap = c->cap * 2;
	if (cap < c->len + n)
		cap = c->len + n;
	uint8_t *b = realloc(c->buf, cap);
	if (b == NULL) {
		c->err = 1;
		return 0;
	}
	c->buf = b;
	c->cap = cap;
	return 1;
}

int csra_cbb_add_bytes(csra_cbb *c, const uint8_t *p, size_t n)
{
	if (!reserve(c, n))
		return 0;
	if (n)
		memcpy(c->buf + c->len, p, n);
	c->len += n;
	return 1;
}

int csra_cbb_open(csra_cbb *c, uint8_t tag)
{
	if (c->depth >= CSRA_CBB_MAX_DEPTH) {
		c->err = 1;
		return 0;
	}
	uint8_t h[2] = { tag, 0 };
	if (!csra_cbb_add_bytes(c, h, 2))
		return 0;
	c->open[c->depth++] = c->len - 1;
	return 1;
}

int csra_cbb_close(csra_cbb *c)
{
	if (c->err || c->depth == 0) {
		c->err = 1;
		return 0;
	}
	size_t at = c->open[--c->depth];
	size_t n = c->len - at - 1, extra = 0;
	if (n >= 0x80) {
		for (size_t v = n; v; v >>= 8)
			extra++;
		/* Long form: move the contents to make room for the octets. */
		if (!reserve(c, extra))
			return 0;
		memmove(c->buf + at + 1 + extra, c->buf + at + 1, n);
		c->buf[at] = (uint8_t)(0x80 | extra);
		for (size_t i = 0; i < extra; i++)
			c->buf[at + extra - i] = (uint8_t)(n >> (8 * i));
		c->len += extra;
	} else {
		c->buf[at] = (uint8_t)n;
	}
	return 1;
}

int csra_cbb_add_tlv(csra_cbb *c, uint8_t tag, const uint8_t *p, size_t n)
{
	return csra_cbb_open(c, tag) && csra_cbb_add_bytes(c, p, n) && csra_cbb_close(c);
}

int csra_cbb_add_int(csra_cbb *c, int64_t v)
{
	uint8_t b[9];
	int n = 0;
	uint64_t u = (uint64_t)v;
	for (int i = 7; i >= 0; i--)
		b[n++] = (uint8_t)(u >> (8 * i));
	int start = 0;
	/* Drop leading octets that only repeat the sign. */
	while (start < 7 && ((b[start] == 0x00 && !(b[start + 1] & 0x80)) ||
	    (b[start] == 0xff && (b[start + 1] & 0x80))))
		start++;
	return csra_cbb_add_tlv(c, 0x02, b + start, (size_t)(n - start));
}

int csra_cbb_add_bool(csra_cbb *c, int v)
{
	uint8_t b = v ? 0xff : 0x00;
	return csra_cbb_add_tlv(c, 0x01, &b, 1);
}

int csra_cbb_finish(csra_cbb *c, uint8_t **out, size_t *len)
{
	if (c->err || c->depth != 0) {
		csra_cbb_cleanup(c);
		return 0;
	}
	*out = c->buf;
	*len = c->len;
	c->buf = NULL;
	csra_cbb_cleanup(c);
	return 1;
}
