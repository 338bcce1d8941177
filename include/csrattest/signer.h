/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signing keys for what csrattest produces: Evidence signature blocks,
 * PKCS#10 self-signatures and CRMF proofs of possession. A csra_signer is
 * either an OpenSSL key or a key OpenSSL cannot hold (in a PKCS#11 token,
 * csrattest/pkcs11.h): then OpenSSL computes the digest and the algorithm
 * identifier, and a callback makes the signature inside the token, so that
 * the private key never leaves it.
 */
#ifndef CSRATTEST_SIGNER_H
#define CSRATTEST_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csrattest/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct csra_signer csra_signer;

/* csra_sig_scheme is what a callback signer is asked to do with a digest. */
typedef enum csra_sig_scheme {
	CSRA_SCHEME_ECDSA = 1,		/* ECDSA over the digest */
	CSRA_SCHEME_RSA_PKCS1 = 2,	/* RSASSA-PKCS1-v1_5: DigestInfo(md, digest) padded */
	CSRA_SCHEME_RSA_PSS = 3		/* RSASSA-PSS, MGF1 with md, salt length = md's size */
} csra_sig_scheme;

/* CSRA_SIG_MAX is the largest signature a callback may return (RSA-16384). */
#define CSRA_SIG_MAX 2048

/* csra_sign_fn signs |digest|/|digest_len|, the |md| digest of the message,
 * with |scheme|. It writes the signature in its X.509 form (ECDSA: the DER
 * Ecdsa-Sig-Value; RSA: the signature octets) to |sig|, whose capacity is
 * |*sig_len| (CSRA_SIG_MAX), and sets |*sig_len|. Returns CSRA_OK or an
 * error, which the signing call returns as it is. */
typedef csra_err (*csra_sign_fn)(void *arg, csra_sig_scheme scheme, const EVP_MD *md,
    const uint8_t *digest, size_t digest_len, uint8_t *sig, size_t *sig_len);

/* csra_signer_new_pkey returns a signer for the private key |key| (a
 * reference is taken), or NULL. */
csra_signer *csra_signer_new_pkey(EVP_PKEY *key);

/* csra_signer_new_fn returns a signer whose public key is |pub| (a
 * reference is taken) and whose signatures |fn| makes with |arg|, which
 * the caller keeps alive until the signer is freed. ECDSA (P-256, P-384,
 * P-521) and RSA keys only. Returns NULL on a bad argument or no memory. */
csra_signer *csra_signer_new_fn(EVP_PKEY *pub, csra_sign_fn fn, void *arg);

/* csra_signer_free drops the caller's reference to |*s| and sets it to
 * NULL. NULL is fine. */
void csra_signer_free(csra_signer **s);

/* csra_signer_set_pss makes an RSA signer use RSASSA-PSS with |md|, MGF1
 * with |md| and a salt as long as |md|'s output, instead of
 * sha256WithRSAEncryption. Returns CSRA_ERR_INVALID_ARGUMENT for other keys. */
csra_err csra_signer_set_pss(csra_signer *s, const EVP_MD *md);

/* csra_signer_pubkey returns the signer's public key (owned by |s|). */
EVP_PKEY *csra_signer_pubkey(const csra_signer *s);

/* csra_signer_sign signs |msg|/|len|. The algorithm follows the key: ECDSA
 * with SHA-256/384/512 for P-256/384/521, sha256WithRSAEncryption or PSS
 * for RSA, Ed25519 and Ed448 (OpenSSL keys only). On success sets |*alg|
 * to the DER AlgorithmIdentifier and |*sig| to the signature (free both
 * with free()). The signature is verified with the public key before it
 * is returned (CSRA_ERR_INTERNAL if it does not verify: a token that
 * signs wrongly is caught here, not by the CA). */
csra_err csra_signer_sign(const csra_signer *s, const uint8_t *msg, size_t len, uint8_t **alg,
    size_t *alg_len, uint8_t **sig, size_t *sig_len);

/* csra_x509_req_sign sets |req|'s public key to the signer's and signs it
 * (version 1, as PKCS#10 requires). Returns CSRA_OK or an error. */
csra_err csra_x509_req_sign(X509_REQ *req, const csra_signer *s);

/* csra_crmf_sign signs the CRMF message |msg| (an OSSL_CRMF_MSG * whose
 * template holds the signer's public key and a subject, without a POP) and
 * writes CertReqMessages holding it with a POPOSigningKey proof of
 * possession over its certReq (RFC 4211 section 4.1, poposkInput absent).
 * |*der| is freed with free(); the result is checked with the strict
 * decoder and OpenSSL's POP verification. */
csra_err csra_crmf_sign(void *msg, const csra_signer *s, uint8_t **der, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
