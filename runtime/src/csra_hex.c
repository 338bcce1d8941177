/* SPDX-License-Identifier: BSD-2-Clause */
/* Hexadecimal text, for nonces, claims files and pkcs11: URIs alike. */
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
