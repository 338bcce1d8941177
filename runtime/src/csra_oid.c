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
