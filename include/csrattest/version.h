/* SPDX-License-Identifier: BSD-2-Clause */
/* The version of csrattest: this header's, and the library's at run time. */
#ifndef CSRATTEST_VERSION_H
#define CSRATTEST_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* Semantic versioning (CHANGELOG.md). Before 1.0.0 a minor release may
 * change the API and ABI. CMakeLists.txt reads the numbers from here. */
#define CSRA_VERSION_MAJOR 0
#define CSRA_VERSION_MINOR 3
#define CSRA_VERSION_PATCH 0
#define CSRA_VERSION_STRING "0.3.0"

/* CSRA_VERSION_NUMBER is 0xMMmmpp00, for comparisons in #if. */
#define CSRA_VERSION_NUMBER \
	((CSRA_VERSION_MAJOR << 24) | (CSRA_VERSION_MINOR << 16) | (CSRA_VERSION_PATCH << 8))

/* csra_version returns the version of the library linked at run time, as
 * "MAJOR.MINOR.PATCH" (static; never NULL). A program built against one
 * version and run with another can compare it with CSRA_VERSION_STRING. */
const char *csra_version(void);

/* csra_version_number returns the run-time library's CSRA_VERSION_NUMBER. */
unsigned long csra_version_number(void);

/* csra_free frees memory the library returned to the caller as a buffer
 * (DER, JSON, strings: every "free with free()" in these headers). It is
 * free(); calling it instead keeps a program right if the library is ever
 * built with another allocator. NULL is fine. Objects with their own
 * csra_*_free function are freed with that. */
void csra_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
