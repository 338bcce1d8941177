/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of statement formats. Adding a format is its module, one
 * line here and its tests. Built-in formats come first; the caller's
 * external commands and callbacks take the types none of them does.
 */
#include <stddef.h>

#include "csra_stmt.h"

const csra_format *const csra_formats[] = {
	&csra_format_pkix_evidence,
	&csra_format_tpm2_certify,
	&csra_format_external,
	&csra_format_callback,
	NULL,
};
