/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One link of a certificate path, checked explicitly: for hierarchies
 * OpenSSL's path building cannot take as they are (an X.509 v1 issuer, a
 * CA:FALSE issuer), where a format names each link itself and accepts
 * exactly the deviations its vendor's hierarchy needs.
 */
#ifndef CSRA_LINK_H
#define CSRA_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "csrattest/error.h"

struct csra_verifier;

/* Deviations a caller may accept for one link (flags), and what
 * csra_link_check reports it used. */
#define CSRA_LINK_ALLOW_V1_ISSUER 0x1	/* the issuer is an X.509 v1 certificate (no extensions) */
#define CSRA_LINK_ALLOW_CA_FALSE_ISSUER 0x2	/* the issuer is v3 without CA:TRUE or keyCertSign */
#define CSRA_LINK_ISSUER_IS_ANCHOR 0x4	/* the issuer is a trust anchor: its extensions are not
					 * processed (RFC 5280 6.1.1 (d): an anchor is a name
					 * and a key), its validity is */

/* csra_link_check checks that |issuer| issued |subject| (each with its
 * DER as received, for the signature cache): the subject's issuer name is
 * byte-equal (DER) to the issuer's subject name; the issuer may issue
 * certificates (v3 with basicConstraints CA:TRUE and, if it has a
 * keyUsage, keyCertSign; or a deviation |allow| accepts, or an anchor);
 * the subject has no critical extension OpenSSL does not know; the
 * subject's signature verifies with the issuer's key
 * (csra_x509_verify_cached, under |tag|). Validity is not looked at here:
 * csra_cert_time_check each certificate of the path. Returns 1 when the
 * link holds, |*used| (may be NULL) then the deviations it relied on;
 * else 0 with |*code| (CSRA_ERR_AK_CHAIN for names and issuer shape,
 * CSRA_ERR_SIG_INVALID for the signature) and why in |why|. */
int csra_link_check(const struct csra_verifier *v, X509 *subject, const uint8_t *subject_der,
    size_t subject_len, X509 *issuer, const uint8_t *issuer_der, size_t issuer_len, unsigned allow,
    const char *tag, unsigned *used, csra_err *code, char *why, size_t why_len);

/* csra_cert_time_check says whether |x| is valid at |at|: 1, or 0 with
 * |*code| CSRA_ERR_AK_EXPIRED (after notAfter), CSRA_ERR_AK_NOT_YET_VALID
 * (before notBefore) or CSRA_ERR_AK_CHAIN (a time OpenSSL cannot read). */
int csra_cert_time_check(X509 *x, time_t at, csra_err *code);

/* csra_store_issuers returns the certificates of |store| whose subject is
 * |name| (a new stack; free with sk_X509_pop_free), NULL when none or
 * |store| is NULL (or memory ran out: |*oom| set). */
STACK_OF(X509) *csra_store_issuers(X509_STORE *store, const X509_NAME *name, int *oom);

#endif
