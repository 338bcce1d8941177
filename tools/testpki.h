/* SPDX-License-Identifier: BSD-2-Clause */
/* PKIs made with OpenSSL for tests and samples: roots, intermediates and
 * attestation keys. Not for production: keys live in memory only. */
#ifndef CSRA_TESTPKI_H
#define CSRA_TESTPKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* tp_key generates a key: ("EC", "P-256"), ("RSA", "3072"), ("ED25519", NULL). */
EVP_PKEY *tp_key(const char *alg, const char *param);

#define TP_CA 1u		/* basicConstraints CA, keyCertSign (and digitalSignature with TP_DIGSIG) */
#define TP_DIGSIG 2u		/* keyUsage digitalSignature */
#define TP_EKU_AK 4u		/* extendedKeyUsage id-kp-attestationKey */
#define TP_EKU_CODESIGN 8u	/* extendedKeyUsage codeSigning */
#define TP_NO_SKI 16u		/* no subject key identifier */
#define TP_EKU_TPM_AK 32u	/* extendedKeyUsage tcg-kp-AIKCertificate (2.23.133.8.3) */
#define TP_EKU_EXAMPLE 64u	/* extendedKeyUsage TP_EKU_EXAMPLE_OID: an AK EKU to configure */
#define TP_EKU_EXAMPLE_OID "1.3.6.1.4.1.32473.1"	/* RFC 5612's documentation PEN */

/* tp_cert issues a certificate for |key| named CN=|cn|, signed by |issuer|
 * with |issuer_key| (both NULL: self-signed), valid from now+|from| to
 * now+|to| seconds. Returns NULL on failure. */
X509 *tp_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, unsigned flags,
    long from, long to);

/* tp_crl makes a CRL of |issuer| signed with |key|, current from
 * now+|last| to now+|next| seconds, revoking |revoked| (may be NULL).
 * Returns NULL on failure. */
X509_CRL *tp_crl(X509 *issuer, EVP_PKEY *key, X509 *revoked, long last, long next);

/* A root, an intermediate and an attestation key certified by it. */
typedef struct tp_pki {
	EVP_PKEY *root_key, *int_key, *ak_key;
	X509 *root, *inter, *ak;
} tp_pki;

/* tp_pki_new makes a PKI whose AK key is (|alg|, |param|) and whose AK
 * certificate has |ak_flags| and validity [now+from, now+to]. Returns 1. */
int tp_pki_new(tp_pki *p, const char *alg, const char *param, unsigned ak_flags, long from, long to);
void tp_pki_free(tp_pki *p);

/* tp_attested_csr makes a PKCS#10 request by |subject| named CN=|cn|
 * carrying the Evidence |ev|/|ev_len| as a PKIX Evidence statement in an
 * AttestationBundle. Returns the DER (free()) and sets |*len|, or NULL. */
uint8_t *tp_attested_csr(EVP_PKEY *subject, const char *cn, const uint8_t *ev, size_t ev_len,
    size_t *len);

#endif
