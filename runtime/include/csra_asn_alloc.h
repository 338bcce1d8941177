/* SPDX-License-Identifier: BSD-2-Clause */
/* Allocation entry points for asn1c's skeletons (runtime/patches/0010). */
#ifndef CSRA_ASN_ALLOC_H
#define CSRA_ASN_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* csra_asn_malloc, csra_asn_calloc, csra_asn_realloc and csra_asn_free
 * behave like their libc namesakes. While an arena is active on the
 * calling thread (csra_arena_enter), memory comes from that arena and
 * csra_asn_free of arena memory does nothing; the arena is released as a
 * whole. */
void *csra_asn_malloc(size_t size);
void *csra_asn_calloc(size_t nmemb, size_t size);
void *csra_asn_realloc(void *ptr, size_t size);
void csra_asn_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif
