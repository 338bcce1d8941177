/* SPDX-License-Identifier: BSD-2-Clause */
/* The PKCS#11 attester's URI parser, for its fuzz harness. */
#ifndef CSRA_P11_INT_H
#define CSRA_P11_INT_H

#include <stddef.h>
#include <stdint.h>

#include "csrattest/error.h"

/* csra_p11_uri_check parses |data|/|len| as an RFC 7512 pkcs11: URI the way
 * csra_p11_open and csra_p11_find_key do, without a module, and checks
 * what it decoded. Sets |*nattrs| to the number of attributes. Returns
 * CSRA_OK, CSRA_ERR_P11_URI (with |err| saying why), CSRA_ERR_NOMEM, or
 * CSRA_ERR_INTERNAL if a decoded value broke the parser's invariants. */
csra_err csra_p11_uri_check(const uint8_t *data, size_t len, size_t *nattrs, char *err, size_t err_len);

#endif
