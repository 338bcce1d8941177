/* SPDX-License-Identifier: BSD-2-Clause */
/* What the Evidence builder and the attester need of a signer besides the
 * public API. */
#ifndef CSRA_SIGNER_INT_H
#define CSRA_SIGNER_INT_H

#include "csrattest/signer.h"

/* csra_signer_up_ref takes another reference to |s| (dropped with
 * csra_signer_free). Not atomic: a signer belongs to one thread at a
 * time. Returns 1, or 0 for NULL. */
int csra_signer_up_ref(csra_signer *s);

#endif
