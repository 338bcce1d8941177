/* SPDX-License-Identifier: BSD-2-Clause */
/* Hexadecimal and base64 text, for nonces, claims files, external
 * verifiers' replies and pkcs11: URIs alike. */
#include <string.h>

#include "csra_codec_int.h"

int csra_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int csra_hex_decode(const char *s, size_t n, uint8_t *out)
{
	if (n % 2)
		return 0;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = csra_hex_digit((unsigned char)s[2 * i]), lo = csra_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 1;
}

int csra_base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int csra_base64_decode(const char *s, size_t n, uint8_t *out, size_t *out_len)
{
	if (n % 4)
		return 0;
	size_t pad = n > 0 && s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0, o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		for (size_t k = 0; k < 4; k++) {
			v[k] = i + k >= n - pad ? 0 : csra_base64_value((unsigned char)s[i + k]);
			if (v[k] < 0)
				return 0;
		}
		uint32_t q = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t bytes = i + 4 < n ? 3 : 3 - pad;
		/* The bits padding leaves over must be zero: one spelling each. */
		if ((pad == 1 && i + 4 == n && (q & 0xff)) || (pad == 2 && i + 4 == n && (q & 0xffff)))
			return 0;
		for (size_t k = 0; k < bytes; k++)
			out[o++] = (uint8_t)(q >> (16 - 8 * k));
	}
	*out_len = o;
	return 1;
}

const char *csra_shown(const char *s, char *buf, size_t cap)
{
	size_t i = 0;
	for (; s[i] != '\0' && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[i] = '\0';
	if (s[i] != '\0' && cap >= 4)
		memcpy(buf + cap - 4, "...", 4);
	return buf;
}
