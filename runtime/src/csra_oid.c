/* SPDX-License-Identifier: BSD-2-Clause */
/* OID lookup on DER contents octets. */
#include <stdio.h>
#include <string.h>

#include "csra_codec_int.h"


const csra_oid_entry *csra_oid_find(const uint8_t *der, size_t len)
{
	for (size_t i = 0; i < CSRA_OID__COUNT; i++) {
		const csra_oid_entry *e = &csra_oid_table[i];
		if (e->der_len == len && memcmp(e->der, der, len) == 0)
			return e;
	}
	return NULL;
}

int csra_oid_is(const uint8_t *der, size_t len, csra_oid_id id)
{
	const csra_oid_entry *e = &csra_oid_table[id];
	return e->der_len == len && memcmp(e->der, der, len) == 0;
}

int csra_oid_valid(const uint8_t *der, size_t len)
{
	if (len == 0 || (der[len - 1] & 0x80))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (der[i] == 0x80 && (i == 0 || !(der[i - 1] & 0x80)))
			return 0;
	return 1;
}

int csra_oid_to_str(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	size_t n = 0;
	uint64_t v = 0;
	int first = 1;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (v > (UINT64_MAX >> 7))
			return 0;
		v = (v << 7) | (der[i] & 0x7f);
		if (der[i] & 0x80)
			continue;
		int w;
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(buf + n, cap - n, "%u.%llu", a,
			    (unsigned long long)(v - 40u * a));
			first = 0;
		} else {
			w = snprintf(buf + n, cap - n, ".%llu", (unsigned long long)v);
		}
		if (w < 0 || (size_t)w >= cap - n)
			return 0;
		n += (size_t)w;
		v = 0;
	}
	return (der[len - 1] & 0x80) == 0;
}

/* Appends |v| base 128, most significant group first, high bit on all
 * groups but the last. */
static int put_base128(uint64_t v, uint8_t *out, size_t cap, size_t *n)
{
	uint8_t tmp[10];
	size_t k = 0;
	do {
		tmp[k++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	if (cap - *n < k)
		return 0;
	while (k-- > 0)
		out[(*n)++] = (uint8_t)(tmp[k] | (k != 0 ? 0x80 : 0));
	return 1;
}

int csra_oid_from_str(const char *dotted, uint8_t *out, size_t cap, size_t *len)
{
	uint64_t first = 0;
	size_t narcs = 0, n = 0;
	const char *p = dotted;
	if (p == NULL || out == NULL || len == NULL)
		return 0;
	for (;;) {
		/* One arc: digits, no leading zero, no overflow. */
		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
			return 0;
		uint64_t v = 0;
		while (*p >= '0' && *p <= '9') {
			uint64_t d = (uint64_t)(*p++ - '0');
			if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
				return 0;
			v = v * 10 + d;
		}
		if (narcs == 0) {
			if (v > 2)
				return 0;
			first = v;
		} else if (narcs == 1) {
			/* The first two arcs share one subidentifier. */
			if ((first < 2 && v > 39) || v > UINT64_MAX - 80)
				return 0;
			if (!put_base128(first * 40 + v, out, cap, &n))
				return 0;
		} else if (!put_base128(v, out, cap, &n)) {
			return 0;
		}
		narcs++;
		if (*p == '\0')
			break;
		if (*p++ != '.')
			return 0;
	}
	if (narcs < 2)
		return 0;
	*len = n;
	return 1;
}
