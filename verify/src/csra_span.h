/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walking DER that the strict decoder already accepted. Signatures are
 * checked over the bytes received, and certificates and keys are handed
 * to OpenSSL as received, so the verifiers find them in the input rather
 * than re-encoding decoded values.
 */
#ifndef CSRA_SPAN_H
#define CSRA_SPAN_H

#include <stddef.h>
#include <stdint.h>

/* One TLV: the whole of it, and its contents. */
struct span {
	const uint8_t *p;
	size_t len;
	const uint8_t *c;
	size_t clen;
};

/* span_at reads the TLV at |p| (before |end|). Returns 1, or 0. */
int span_at(const uint8_t *p, const uint8_t *end, struct span *s);

/* span_child finds the |n|th child of the constructed TLV |parent|. */
int span_child(const struct span *parent, int n, struct span *out);

/* span_tagged finds the child of |parent| whose identifier octet is |tag|. */
int span_tagged(const struct span *parent, uint8_t tag, struct span *out);

#endif
