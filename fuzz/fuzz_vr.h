/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_verify_request's fixed verifiers and its structured input, shared
 * with the seed writer (seedgen_request.c) and the seed check (ctest).
 *
 * Input: an options header, then the request DER (PKCS#10 or CRMF).
 *
 *   byte 0   bits 0-1  verifier: 0 cabf-csbr (the default policy),
 *                      1 "fuzz-any", 2 "fuzz-claims", 3 "fuzz-trust"
 *                      (per-type trust anchors from a file)
 *            bit 2     a nonce is expected: bytes 2.. hold it
 *            bit 3     strict (unknown elements and claims fail)
 *            bit 4     signature policy any-trusted instead of all
 *            bit 5     timestamp window: 600 s old, 60 s ahead
 *            bit 6     the verifier offers no intermediate of its own (the
 *                      explicit link check's cold path can apply)
 *            bit 7     ignored
 *   byte 1   verification time: a signed byte w; FUZZ_T0 + 300 w seconds
 *            for |w| <= 8, else FUZZ_T0 + 64 w days (before and after
 *            the certificates' validity)
 *   [bit 2]  nonce length n (byte % 65), then n bytes
 *
 * Every verifier trusts the fixed root (Evidence and TPM), offers the
 * intermediate (unless bit 6), knows the AK certificate and the bare signer key by keyId
 * (FUZZ_SIGNER_KEYID), and routes statements of type FUZZ_CB_OID to a
 * callback that reads them as OCTET STRING { flags, fipslevel, spki }:
 * flags bit 0 verified, bit 1 internal failure, bit 2 the spki is given,
 * bit 3 claims (extractable = bit 4, the others as cabf-csbr wants),
 * bit 5 it reports the nonce confirmed (when one is given: it compares
 * nothing, which is the point: the report is the callback's word),
 * fipslevel a signed byte.
 */
#ifndef CSRA_FUZZ_VR_H
#define CSRA_FUZZ_VR_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "csrattest/request.h"

#define FVR_CONFIGS 4
#define FVR_NONCE 0x04u
#define FVR_STRICT 0x08u
#define FVR_ANY_TRUSTED 0x10u
#define FVR_WINDOW 0x20u
#define FVR_NO_INTER 0x40u
#define FVR_NONCE_MAX 64
#define FVR_HEADER_MAX (3 + FVR_NONCE_MAX)

/* The callback's statement type, 1.3.6.1.4.1.32473.1.1 (RFC 5612's
 * documentation enterprise number), as DER contents. */
#define FUZZ_CB_OID "\x2b\x06\x01\x04\x01\x81\xfd\x59\x01\x01"
#define FUZZ_CB_OID_LEN 10
#define FUZZ_CB_VERIFIED 0x01u
#define FUZZ_CB_FAIL 0x02u
#define FUZZ_CB_SPKI 0x04u
#define FUZZ_CB_CLAIMS 0x08u
#define FUZZ_CB_EXTRACTABLE 0x10u
#define FUZZ_CB_FRESH 0x20u

#define FUZZ_SIGNER_KEYID "csrattest fuzz signer"

typedef struct fvr_opts {
	uint8_t flags;		/* byte 0 */
	int8_t when;		/* byte 1 */
	size_t nonce_len;
	uint8_t nonce[FVR_NONCE_MAX];
} fvr_opts;

/* fvr_header_read parses the header of |data|/|size| into |o| and
 * returns its length, or 0 if the input is shorter than its header. */
size_t fvr_header_read(const uint8_t *data, size_t size, fvr_opts *o);

/* fvr_header_write writes |o| as a header into |out| (FVR_HEADER_MAX
 * bytes) and returns its length. */
size_t fvr_header_write(const fvr_opts *o, uint8_t *out);

/* fvr_setup makes the verifiers, trusting |root| (a reference is taken),
 * once per process. Returns 0 (after a message) on failure. */
int fvr_setup(X509 *root);

/* fvr_verify verifies |data|/|size| (header and request) with the
 * verifier and options the header picks. Returns 0 if the input is
 * shorter than its header; else 1, with csra_verify_request's result in
 * |*rc| and |*out|. */
int fvr_verify(const uint8_t *data, size_t size, csra_err *rc, csra_result **out);

/* fvr_verify_openssl: the same with a twin verifier that leaves every
 * path to OpenSSL (no explicit link check): its report must be the same. */
int fvr_verify_openssl(const uint8_t *data, size_t size, csra_err *rc, csra_result **out);

/* fvr_reset_caches empties every verifier's attestation-key chain cache,
 * so that an input's result does not depend on the inputs before it.
 * Returns 0 if a cache could not be made again. */
int fvr_reset_caches(void);

/* fvr_explain prints |r|'s checks that did not pass, for a seed that
 * should verify and does not. */
void fvr_explain(const csra_result *r);

#endif
