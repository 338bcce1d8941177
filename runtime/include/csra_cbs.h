/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CSRA_CBS_H
#define CSRA_CBS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* csra_cbs is a bounds-checked read cursor over bytes it does not own. The
 * bytes must outlive the cursor and every sub-cursor taken from it. |data|
 * may be NULL only when |len| is zero.
 *
 * Every csra_cbs_get_* and csra_cbs_skip call either consumes exactly the
 * bytes it asks for and returns 1, or returns 0 and leaves both the cursor
 * and the output untouched. A failed read therefore never moves the cursor,
 * so callers can try another interpretation from the same position. */
typedef struct {
  const uint8_t *data;
  size_t len;
} csra_cbs;

/* csra_cbs_init points |cbs| at the |len| bytes at |data|. It does not copy
 * or take ownership of them. */
void csra_cbs_init(csra_cbs *cbs, const uint8_t *data, size_t len);

/* csra_cbs_len returns the number of bytes left in |cbs|. */
size_t csra_cbs_len(const csra_cbs *cbs);

/* csra_cbs_data returns a pointer to the bytes left in |cbs|. The pointer
 * is borrowed from the buffer |cbs| was initialised with; it may be NULL
 * when csra_cbs_len is zero. */
const uint8_t *csra_cbs_data(const csra_cbs *cbs);

/* csra_cbs_skip advances |cbs| by |n| bytes. It returns 1 on success and 0
 * if fewer than |n| bytes are left. */
int csra_cbs_skip(csra_cbs *cbs, size_t n);

/* csra_cbs_get_u8 reads one byte into |*out|. It returns 1 on success and
 * 0 if |cbs| is empty. */
int csra_cbs_get_u8(csra_cbs *cbs, uint8_t *out);

/* csra_cbs_get_u16 reads a big-endian (network order, as TPM uses) 16-bit
 * value into |*out|. It returns 1 on success and 0 if fewer than two bytes
 * are left. */
int csra_cbs_get_u16(csra_cbs *cbs, uint16_t *out);

/* csra_cbs_get_u32 reads a big-endian 32-bit value into |*out|. It returns
 * 1 on success and 0 if fewer than four bytes are left. */
int csra_cbs_get_u32(csra_cbs *cbs, uint32_t *out);

/* csra_cbs_get_bytes sets |*out| to the next |n| bytes of |cbs| and
 * advances |cbs| past them. |*out| borrows from the same buffer as |cbs|;
 * nothing is copied. |out| may equal |cbs|. It returns 1 on success and 0
 * if fewer than |n| bytes are left. */
int csra_cbs_get_bytes(csra_cbs *cbs, csra_cbs *out, size_t n);

/* csra_cbs_get_der_element reads one DER element (low tag number form,
 * definite minimal length) from the front of |cbs| and advances past it.
 * It sets |*tag| to the identifier octet, |*whole| to the whole TLV and
 * |*contents| (may be NULL) to the contents. Returns 1 on success, 0 on
 * a malformed or truncated element. For DER that OpenSSL or csrattest
 * wrote; untrusted input goes through csra_decode. */
int csra_cbs_get_der_element(csra_cbs *cbs, uint8_t *tag, csra_cbs *whole, csra_cbs *contents);

#if defined(__cplusplus)
}
#endif

#endif /* CSRA_CBS_H */
