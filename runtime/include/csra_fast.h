/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The strict decode's fast path: one C function per type, generated at
 * build time from the plans of the walk (tools/csra_fastgen.c), that
 * accepts exactly what the walk accepts and builds the same structures,
 * without tracking where it is. It only says yes or no: on no, the caller
 * runs the walk (csra_gate_decode) on the same bytes for the diagnostic.
 */
#ifndef CSRA_FAST_H
#define CSRA_FAST_H

#include "csra_gate.h"

/* csra_fast_decode checks |der|/|len| as one DER encoding of |td| and
 * builds its structure from |arena| (and, with |opens|, the open-type
 * values, as csra_gate_decode does). Returns 1 with |*out| set; or 0 if
 * the input is refused, an allocation failed or |td| has no generated
 * code, leaving |arena| and |opens| holding partial results the caller
 * must roll back (csra_arena_rewind) before running the walk. */
int csra_fast_decode(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out);

#endif
