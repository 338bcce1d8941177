/* SPDX-License-Identifier: BSD-2-Clause */
/* A growable DER writer with nested lengths fixed up on close. */
#ifndef CSRA_CBB_H
#define CSRA_CBB_H

#include <stddef.h>
#include <stdint.h>

#define CSRA_CBB_MAX_DEPTH 16

/* csra_cbb builds DER. Every add function returns 1, or 0 after which the
 * builder is in an error state: further calls fail and csra_cbb_finish
 * returns 0. Lengths are written in their minimal form. */
typedef struct csra_cbb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[CSRA_CBB_MAX_DEPTH];	/* offsets of open length octets */
	int depth;
	int err;
} csra_cbb;

/* csra_cbb_init prepares |c| with |cap| bytes reserved. Returns 1 or 0. */
int csra_cbb_init(csra_cbb *c, size_t cap);

/* csra_cbb_cleanup frees what |c| holds, unless handed out by finish. */
void csra_cbb_cleanup(csra_cbb *c);

/* csra_cbb_add_bytes appends raw bytes (an already encoded TLV, say). */
int csra_cbb_add_bytes(csra_cbb *c, const uint8_t *p, size_t n);

/* csra_cbb_open starts a constructed TLV with identifier octet |tag|;
 * csra_cbb_close ends the innermost one. */
int csra_cbb_open(csra_cbb *c, uint8_t tag);
int csra_cbb_close(csra_cbb *c);

/* csra_cbb_add_tlv appends a primitive TLV. */
int csra_cbb_add_tlv(csra_cbb *c, uint8_t tag, const uint8_t *p, size_t n);

/* csra_cbb_add_int appends INTEGER |v| in minimal two's complement. */
int csra_cbb_add_int(csra_cbb *c, int64_t v);

/* csra_cbb_add_bool appends BOOLEAN as DER (00 or FF). */
int csra_cbb_add_bool(csra_cbb *c, int v);

/* csra_cbb_finish checks nothing is left open and hands the buffer to the
 * caller (free with free()). Returns 1, or 0 on error (nothing handed). */
int csra_cbb_finish(csra_cbb *c, uint8_t **out, size_t *len);

#endif
