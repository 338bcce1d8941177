/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DER's rules on headers and on the contents of universal types, written
 * once for both decoders: the plan walk (csra_gate.c), which turns a
 * refusal into a diagnostic, and the generated fast path (csra_fast_rt.h),
 * which only needs the verdict. Each returns CSRA_OK or the error code,
 * with |*at| where the problem lies.
 */
#ifndef CSRA_DER_RULES_H
#define CSRA_DER_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "asn_system.h"
#include "ber_tlv_tag.h"
#include "csrattest/error.h"

struct tlv {
	ber_tlv_tag_t tag;	/* asn1c form: number << 2 | class */
	unsigned cls;
	int cons;
	unsigned num;
	const uint8_t *start, *content, *end;	/* end: one past content */
};

/* Parses one TLV header with DER's rules on tags and lengths. Returns
 * CSRA_OK, or an error code with |*at| set to where it lies. */
static inline __attribute__((always_inline)) csra_err der_parse_tlv(const uint8_t *p, const uint8_t *end, struct tlv *t, const uint8_t **at)
{
	const uint8_t *start = p;
	*at = p;
	if (p >= end)
		return CSRA_ERR_DER_TRUNCATED;
	uint8_t b = *p++;
	t->cls = b >> 6;
	t->cons = (b >> 5) & 1;
	t->num = b & 0x1f;
	if (t->num == 0x1f) {
		unsigned num = 0, n = 0;
		for (;;) {
			*at = p;
			if (p >= end)
				return CSRA_ERR_DER_TRUNCATED;
			uint8_t c = *p++;
			if (n == 0 && c == 0x80)
				return CSRA_ERR_DER_BAD_TAG;
			*at = start;
			if (++n > 4)	/* tag numbers up to 2^28 */
				return CSRA_ERR_DER_BAD_TAG;
			num = (num << 7) | (c & 0x7f);
			if (!(c & 0x80))
				break;
		}
		if (num < 0x1f)
			return CSRA_ERR_DER_HIGH_TAG_FORM;
		t->num = num;
	}
	t->tag = ((ber_tlv_tag_t)t->num << 2) | t->cls;
	*at = p;
	if (p >= end)
		return CSRA_ERR_DER_TRUNCATED;
	size_t len = *p++;
	if (len == 0x80)
		return CSRA_ERR_DER_INDEFINITE_LENGTH;
	if (len & 0x80) {
		size_t n = len & 0x7f;
		if (n > 4)	/* 4 GiB is beyond any input we take */
			return CSRA_ERR_DER_LENGTH_TOO_LARGE;
		if ((size_t)(end - p) < n)
			return CSRA_ERR_DER_TRUNCATED;
		if (*p == 0)
			return CSRA_ERR_DER_NONMINIMAL_LENGTH;
		len = 0;
		while (n--)
			len = (len << 8) | *p++;
		if (len < 0x80)
			return CSRA_ERR_DER_NONMINIMAL_LENGTH;
	}
	if (len > (size_t)(end - p))
		return CSRA_ERR_DER_TRUNCATED;
	t->start = start;
	t->content = p;
	t->end = p + len;
	return CSRA_OK;
}

static inline csra_err der_check_integer(const struct tlv *t, const uint8_t **at)
{
	size_t n = (size_t)(t->end - t->content);
	const uint8_t *c = t->content;
	if (n == 0)
		return (*at = t->start, CSRA_ERR_DER_BAD_INTEGER);
	if (n > 1 && ((c[0] == 0x00 && !(c[1] & 0x80)) || (c[0] == 0xff && (c[1] & 0x80))))
		return (*at = c, CSRA_ERR_DER_BAD_INTEGER);
	return CSRA_OK;
}

/* 1 if the non-empty |c|/|n| has no sub-identifier starting with 0x80 and
 * does not end inside one; 0 if it may (der_check_oid then looks byte by
 * byte). Eight bytes at a time: OIDs were a tenth of a strict decode. A
 * byte's bit 7 in |z| is set where it is 0x80 (and, harmlessly, maybe
 * above such a byte: only a false 0); in |start|, where the byte before
 * it (the first: none) has no continuation bit. */
static inline int der_oid_clean(const uint8_t *c, size_t n)
{
	size_t i = 0;
	uint8_t prev = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t hi = 0x8080808080808080ull, lo = 0x0101010101010101ull;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, c + i, 8);
		uint64_t x = v ^ hi;
		uint64_t z = (x - lo) & ~x & hi;
		uint64_t start = ~((v << 8) | prev) & hi;
		if (z & start)
			return 0;
		prev = c[i + 7];
	}
#endif
	for (; i < n; i++) {
		if (c[i] == 0x80 && !(prev & 0x80))
			return 0;
		prev = c[i];
	}
	return !(prev & 0x80);
}

static inline csra_err der_check_oid(const struct tlv *t, const uint8_t **at)
{
	const uint8_t *c = t->content;
	if (c == t->end)
		return (*at = t->start, CSRA_ERR_DER_BAD_OID);
	if (der_oid_clean(c, (size_t)(t->end - c)))
		return CSRA_OK;
	int first = 1;
	for (; c < t->end; c++) {
		if (first && *c == 0x80)	/* sub-identifier padded with 0x80 */
			return (*at = c, CSRA_ERR_DER_BAD_OID);
		first = !(*c & 0x80);
	}
	if (!first)	/* last sub-identifier has its continuation bit set */
		return (*at = t->end - 1, CSRA_ERR_DER_BAD_OID);
	return CSRA_OK;
}

static inline csra_err der_check_bit_string(const struct tlv *t, const uint8_t **at)
{
	size_t n = (size_t)(t->end - t->content);
	if (n == 0)
		return (*at = t->start, CSRA_ERR_DER_BAD_BIT_STRING);
	uint8_t unused = t->content[0];
	if (unused > 7 || (n == 1 && unused != 0))
		return (*at = t->content, CSRA_ERR_DER_BAD_BIT_STRING);
	if (unused && (t->end[-1] & ((1u << unused) - 1)))
		return (*at = t->end - 1, CSRA_ERR_DER_BAD_BIT_STRING);
	return CSRA_OK;
}

static inline int der_digits(const uint8_t *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*v = *v * 10 + (p[i] - '0');
	}
	return 1;
}

static inline int der_valid_date(int year, int mon, int day, int h, int m, int s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1])
		return 0;
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (mon == 2 && day == 29 && !leap)
		return 0;
	/* No leap second: asn1c's encoder (and most of PKIX) would turn
	 * :60 into the next minute, so it cannot round-trip. */
	return h <= 23 && m <= 59 && s <= 59;
}

static inline csra_err der_check_time(const struct tlv *t, unsigned univ, const uint8_t **at)
{
	const uint8_t *c = t->content;
	size_t n = (size_t)(t->end - c);
	int y, mo, d, h, mi, s;
	if (univ == 23) {	/* UTCTime: YYMMDDHHMMSSZ */
		if (n != 13 || c[12] != 'Z' || !der_digits(c, 2, &y) || !der_digits(c + 2, 2, &mo) ||
		    !der_digits(c + 4, 2, &d) || !der_digits(c + 6, 2, &h) || !der_digits(c + 8, 2, &mi) ||
		    !der_digits(c + 10, 2, &s) || !der_valid_date(y < 50 ? 2000 + y : 1900 + y, mo, d, h, mi, s))
			return (*at = t->start, CSRA_ERR_DER_BAD_TIME);
		return CSRA_OK;
	}
	/* GeneralizedTime: YYYYMMDDHHMMSS[.fff]Z, fraction without trailing 0 */
	if (n < 15 || c[n - 1] != 'Z' || !der_digits(c, 4, &y) || !der_digits(c + 4, 2, &mo) ||
	    !der_digits(c + 6, 2, &d) || !der_digits(c + 8, 2, &h) || !der_digits(c + 10, 2, &mi) ||
	    !der_digits(c + 12, 2, &s) || !der_valid_date(y, mo, d, h, mi, s))
		return (*at = t->start, CSRA_ERR_DER_BAD_TIME);
	if (n > 15) {
		int v;
		/* Up to microseconds: asn1c's encoder keeps six digits, so more
		 * could not round-trip. */
		if (c[14] != '.' || n < 17 || n > 22 || c[n - 2] == '0' || !der_digits(c + 15, 1, &v))
			return (*at = t->start, CSRA_ERR_DER_BAD_TIME);
		for (size_t i = 15; i < n - 1; i++)
			if (c[i] < '0' || c[i] > '9')
				return (*at = c + i, CSRA_ERR_DER_BAD_TIME);
	}
	return CSRA_OK;
}

static inline csra_err der_check_utf8(const struct tlv *t, const uint8_t **at)
{
	const uint8_t *c = t->content, *e = t->end;
	while (c < e) {
		uint64_t w;
		/* Eight ASCII bytes at once: always valid. */
		if ((size_t)(e - c) >= 8 && (memcpy(&w, c, 8), (w & 0x8080808080808080ull) == 0)) {
			c += 8;
			continue;
		}
		uint8_t b = *c;
		size_t n;
		uint32_t cp, min;
		if (b < 0x80) {
			c++;
			continue;
		} else if ((b & 0xe0) == 0xc0) {
			n = 1, cp = b & 0x1f, min = 0x80;
		} else if ((b & 0xf0) == 0xe0) {
			n = 2, cp = b & 0x0f, min = 0x800;
		} else if ((b & 0xf8) == 0xf0) {
			n = 3, cp = b & 0x07, min = 0x10000;
		} else {
			return (*at = c, CSRA_ERR_DER_BAD_STRING);
		}
		if ((size_t)(e - c) <= n)
			return (*at = c, CSRA_ERR_DER_BAD_STRING);
		for (size_t i = 1; i <= n; i++) {
			if ((c[i] & 0xc0) != 0x80)
				return (*at = c, CSRA_ERR_DER_BAD_STRING);
			cp = (cp << 6) | (c[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (*at = c, CSRA_ERR_DER_BAD_STRING);
		c += n + 1;
	}
	return CSRA_OK;
}

static inline int der_printable(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != 0 && strchr(" '()+,-./:=?", c) != NULL);
}

static inline csra_err der_check_chars(const struct tlv *t, unsigned univ, const uint8_t **at)
{
	for (const uint8_t *c = t->content; c < t->end; c++) {
		int ok;
		switch (univ) {
		case 18: ok = (*c >= '0' && *c <= '9') || *c == ' '; break;
		case 19: ok = der_printable(*c); break;
		case 22: ok = *c < 0x80; break;
		default: ok = *c >= 0x20 && *c <= 0x7e; break;	/* VisibleString */
		}
		if (!ok)
			return (*at = c, CSRA_ERR_DER_BAD_STRING);
	}
	return CSRA_OK;
}

/* Checks the contents of a primitive of universal type |univ|. */
static inline __attribute__((always_inline)) csra_err der_check_prim(const struct tlv *t, unsigned univ, const uint8_t **at)
{
	size_t n = (size_t)(t->end - t->content);
	if (t->cons)
		return (*at = t->start, CSRA_ERR_DER_CONSTRUCTED_FORM);
	switch (univ) {
	case 1:
		if (n != 1 || (t->content[0] != 0x00 && t->content[0] != 0xff))
			return (*at = t->start, CSRA_ERR_DER_BAD_BOOLEAN);
		return CSRA_OK;
	case 2:
	case 10:
		return der_check_integer(t, at);
	case 3:
		return der_check_bit_string(t, at);
	case 4:
	case 20: case 21: case 25: case 27:	/* octets, or strings DER leaves open */
		return CSRA_OK;
	case 5:
		return n == 0 ? CSRA_OK : (*at = t->start, CSRA_ERR_DER_BAD_NULL);
	case 6:
		return der_check_oid(t, at);
	case 13:	/* RELATIVE-OID: same sub-identifier rules */
		return n == 0 ? (*at = t->start, CSRA_ERR_DER_BAD_OID) : der_check_oid(t, at);
	case 12:
		return der_check_utf8(t, at);
	case 18: case 19: case 22: case 26:
		return der_check_chars(t, univ, at);
	case 23: case 24:
		return der_check_time(t, univ, at);
	case 28:
		return n % 4 == 0 ? CSRA_OK : (*at = t->start, CSRA_ERR_DER_BAD_STRING);
	case 30:
		return n % 2 == 0 ? CSRA_OK : (*at = t->start, CSRA_ERR_DER_BAD_STRING);
	default:	/* EOC, REAL, EXTERNAL, EMBEDDED PDV, ...: not in our inputs */
		return (*at = t->start, CSRA_ERR_DER_UNEXPECTED_TAG);
	}
}

/* X.690 11.6: SET OF elements in ascending order of their encodings, the
 * shorter padded with zero octets at the end. */
static inline int der_set_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = memcmp(a, b, n);
	if (r)
		return r;
	for (size_t i = n; i < alen; i++)
		if (a[i])
			return 1;
	for (size_t i = n; i < blen; i++)
		if (b[i])
			return -1;
	return 0;
}

#endif
