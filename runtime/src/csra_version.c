/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "csrattest/version.h"

const char *csra_version(void)
{
	return CSRA_VERSION_STRING;
}

unsigned long csra_version_number(void)
{
	return CSRA_VERSION_NUMBER;
}

void csra_free(void *p)
{
	free(p);
}
