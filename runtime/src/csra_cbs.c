/* SPDX-License-Identifier: BSD-2-Clause */
#include "csra_cbs.h"

void csra_cbs_init(csra_cbs *cbs, const uint8_t *data, size_t len) {
  cbs->data = data;
  cbs->len = len;
}

size_t csra_cbs_len(const csra_cbs *cbs) { return cbs->len; }

const uint8_t *csra_cbs_data(const csra_cbs *cbs) { return cbs->data; }

/* cbs_advance consumes |n| bytes, which the caller has checked are there.
 * A zero-length step does no pointer arithmetic, because NULL + 0 is
 * undefined in C and an empty cursor may hold NULL. */
static void cbs_advance(csra_cbs *cbs, size_t n) {
  if (n != 0) {
    cbs->data += n;
    cbs->len -= n;
  }
}

int csra_cbs_skip(csra_cbs *cbs, size_t n) {
  if (cbs->len < n) {
    return 0;
  }
  cbs_advance(cbs, n);
  return 1;
}

/* cbs_get_be reads an |n|-byte big-endian integer, 1 <= n <= 4. */
static int cbs_get_be(csra_cbs *cbs, size_t n, uint32_t *out) {
  uint32_t v = 0;
  size_t i;

  if (cbs->len < n) {
    return 0;
  }
  for (i = 0; i < n; i++) {
    v = (v << 8) | cbs->data[i];
  }
  cbs_advance(cbs, n);
  *out = v;
  return 1;
}

int csra_cbs_get_u8(csra_cbs *cbs, uint8_t *out) {
  uint32_t v;

  if (!cbs_get_be(cbs, 1, &v)) {
    return 0;
  }
  *out = (uint8_t)v;
  return 1;
}

int csra_cbs_get_u16(csra_cbs *cbs, uint16_t *out) {
  uint32_t v;

  if (!cbs_get_be(cbs, 2, &v)) {
    return 0;
  }
  *out = (uint16_t)v;
  return 1;
}

int csra_cbs_get_u32(csra_cbs *cbs, uint32_t *out) {
  return cbs_get_be(cbs, 4, out);
}

int csra_cbs_get_bytes(csra_cbs *cbs, csra_cbs *out, size_t n) {
  const uint8_t *start = cbs->data;

  if (cbs->len < n) {
    return 0;
  }
  /* Advance before writing |out| so that |out| == |cbs| works. */
  cbs_advance(cbs, n);
  out->data = start;
  out->len = n;
  return 1;
}

int csra_cbs_get_der_element(csra_cbs *cbs, uint8_t *tag, csra_cbs *whole, csra_cbs *contents)
{
	csra_cbs c = *cbs;
	uint8_t t, l;
	size_t len = 0;
	if (!csra_cbs_get_u8(&c, &t) || (t & 0x1f) == 0x1f || !csra_cbs_get_u8(&c, &l))
		return 0;
	if (l < 0x80) {
		len = l;
	} else {
		size_t n = l & 0x7f;
		if (n == 0 || n > sizeof(size_t))
			return 0;
		for (size_t i = 0; i < n; i++) {
			uint8_t b;
			if (!csra_cbs_get_u8(&c, &b) || (i == 0 && b == 0))
				return 0;
			len = (len << 8) | b;
		}
		if (len < 0x80)
			return 0;
	}
	size_t hdr = csra_cbs_len(cbs) - csra_cbs_len(&c);
	if (len > csra_cbs_len(&c))
		return 0;
	csra_cbs w;
	if (!csra_cbs_get_bytes(cbs, &w, hdr + len))
		return 0;
	*tag = t;
	if (whole != NULL)
		*whole = w;
	if (contents != NULL) {
		*contents = w;
		csra_cbs_skip(contents, hdr);
	}
	return 1;
}
