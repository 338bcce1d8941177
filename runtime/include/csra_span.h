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

/* span_child finds the |n|th child of the constructed TLV |parent|. It
 * walks from the first child: for fixed fields only, never in a loop over
 * a list (span_next walks a list once). */
int span_child(const struct span *parent, int n, struct span *out);

/* span_next sets |out| to the child of |parent| after |prev| (NULL: the
 * first). Returns 1, or 0 past the last child. |prev| may be |out|. */
int span_next(const struct span *parent, const struct span *prev, struct span *out);

/* span_count counts the children of |parent|, stopping at |stop| (so that
 * a hostile count costs no more than the cap it is checked against). */
size_t span_count(const struct span *parent, size_t stop);

/* span_tagged finds the child of |parent| whose identifier octet is |tag|. */
int span_tagged(const struct span *parent, uint8_t tag, struct span *out);

/* span_steps counts, per thread, the TLVs span_at has read: the tests
 * assert that verification reads a number proportional to the input. */
unsigned long long span_steps(void);

#endif
