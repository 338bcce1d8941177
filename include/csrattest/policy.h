/* SPDX-License-Identifier: BSD-2-Clause */
/* Policies a verified request must meet. */
#ifndef CSRATTEST_POLICY_H
#define CSRATTEST_POLICY_H

#include <stddef.h>

#include "csrattest/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_policy is an immutable set of requirements; share it freely. */
typedef struct csra_policy csra_policy;

/* csra_policy_cabf_csbr returns the built-in profile "cabf-csbr" (CA/B
 * Code Signing BR 6.2.7.4.2 method 2 and 6.1.5.2): a verified statement
 * bound to the request key, which is extractable=false,
 * never-extractable=true, sensitive=true and local=true (absent claims
 * fail), on a platform with fipsboot=true and fipslevel >= 2, the request
 * key RSA >= 3072 bits or ECDSA P-256/384/521. Freshness is optional
 * (docs/policy.md says why): with a nonce given, only statements whose
 * verifier confirmed it count. NULL on allocation failure.
 * Free with csra_policy_free. */
csra_policy *csra_policy_cabf_csbr(void);

/* csra_policy_from_json parses a policy (format in docs/policy.md) from
 * |json|/|len|; csra_policy_from_file reads it from |path|. On error
 * returns CSRA_ERR_POLICY (or CSRA_ERR_IO, CSRA_ERR_NOMEM) and writes a
 * message naming the key and the problem into |err| (|errlen| bytes,
 * NUL-terminated). Relative trust-anchor paths in a file are taken
 * relative to the file's directory. */
csra_err csra_policy_from_json(const char *json, size_t len, csra_policy **out, char *err,
    size_t errlen);
csra_err csra_policy_from_file(const char *path, csra_policy **out, char *err, size_t errlen);

/* csra_policy_free frees |*p| and sets it to NULL. NULL is fine. */
void csra_policy_free(csra_policy **p);

/* csra_policy_name returns the policy's name ("cabf-csbr" for the
 * built-in one), owned by |p|. */
const char *csra_policy_name(const csra_policy *p);

#ifdef __cplusplus
}
#endif

#endif
