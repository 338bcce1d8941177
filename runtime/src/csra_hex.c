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

/* RFC 4648's standard alphabet: each character's value + 1. */
const unsigned char csra_base64_table[128] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
	['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
	['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

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
