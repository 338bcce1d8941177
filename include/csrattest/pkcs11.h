/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKCS#11 attester: keys in a token, their attributes as claims, and
 * signatures made inside the token (C_Sign), for Evidence and requests.
 * Any PKCS#11 2.40 module, loaded by path; objects are named by RFC 7512
 * pkcs11: URIs.
 */
#ifndef CSRATTEST_PKCS11_H
#define CSRATTEST_PKCS11_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csrattest/attest.h"
#include "csrattest/error.h"
#include "csrattest/signer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_p11 is a loaded module with one session on one token. It, and the
 * keys and signers made from it, serve one thread at a time: PKCS#11
 * allows one operation at a time per session. Opens of one module share
 * its C_Initialize; the last close calls C_Finalize, and only if csrattest
 * initialised it. */
typedef struct csra_p11 csra_p11;

/* csra_p11_key is a private key in that token. */
typedef struct csra_p11_key csra_p11_key;

/* csra_p11_open loads the module at |module| (a path; NULL: the URI's
 * module-path), initialises it and opens a session on the one token
 * |uri| selects (its token, manufacturer, serial, model and slot-id
 * attributes; any others are ignored here). With |pin| (NUL-terminated;
 * NULL: the URI's pin-value or pin-source=file:/absolute/path, whose
 * first line is the PIN; or none) it logs in as the user. |module| and a
 * URI's module-path must be absolute paths, so that dlopen never searches
 * the library path. On success
 * sets |*out|. Errors: CSRA_ERR_P11_MODULE (cannot load or initialise),
 * CSRA_ERR_P11_URI, CSRA_ERR_P11_TOKEN (no token or more than one
 * matches), CSRA_ERR_P11_PIN (wrong PIN), CSRA_ERR_P11_PIN_LOCKED,
 * CSRA_ERR_P11_FUNCTION (another PKCS#11 failure). |err| (|err_len|
 * bytes, may be NULL) then says what, with the CKR_ name. */
csra_err csra_p11_open(const char *module, const char *uri, const char *pin, csra_p11 **out,
    char *err, size_t err_len);

/* csra_p11_close logs out, closes the session, finalises the module,
 * unloads it and sets |*p| to NULL. Keys and signers from it must be
 * freed first. NULL is fine. */
void csra_p11_close(csra_p11 **p);

/* csra_p11_find_key finds the one private key |uri| names (object=label
 * and/or id=, percent-encoded) and its public key (a public key object
 * with the same CKA_ID, or the private key's CKA_PUBLIC_KEY_INFO or EC
 * parameters), and sets |*out|. Errors: CSRA_ERR_P11_URI,
 * CSRA_ERR_P11_NO_KEY (none), CSRA_ERR_P11_AMBIGUOUS (several),
 * CSRA_ERR_P11_KEY_TYPE (not EC P-256/384/521 or RSA),
 * CSRA_ERR_P11_FUNCTION; |err| as above. */
csra_err csra_p11_find_key(csra_p11 *p, const char *uri, csra_p11_key **out, char *err,
    size_t err_len);

/* csra_p11_key_free frees |*k| and sets it to NULL. NULL is fine. */
void csra_p11_key_free(csra_p11_key **k);

/* csra_p11_key_pubkey returns the key's public key (owned by |k|). */
EVP_PKEY *csra_p11_key_pubkey(const csra_p11_key *k);

/* csra_p11_key_identifier returns the key's identifier, made from its
 * label and CKA_ID as an RFC 7512 URI: "pkcs11:object=<label>;id=<id>",
 * both percent-encoded (owned by |k|, NUL-terminated). */
const char *csra_p11_key_identifier(const csra_p11_key *k);

/* csra_p11_key_signer returns a signer that signs inside the token with
 * C_Sign (CKM_ECDSA, CKM_RSA_PKCS or CKM_RSA_PKCS_PSS over an OpenSSL
 * digest), or NULL with CSRA_ERR_P11_CANNOT_SIGN in |*e| if the key's
 * CKA_SIGN is false. |k| must outlive the signer. */
csra_signer *csra_p11_key_signer(csra_p11_key *k, csra_err *e, char *err, size_t err_len);

/* csra_p11_key_observe adds the key to |a| (its identifier) with what the
 * token says of it, all CSRA_SOURCE_OBSERVED: spki, extractable,
 * never-extractable, sensitive, local (CKA_EXTRACTABLE,
 * CKA_NEVER_EXTRACTABLE, CKA_SENSITIVE, CKA_LOCAL), purpose (CKA_SIGN,
 * DECRYPT, UNWRAP, DERIVE of the private key; ENCRYPT, VERIFY, WRAP of its
 * public key), expiry (CKA_END_DATE, if set). Sets |*k_index|. */
csra_err csra_p11_key_observe(const csra_p11_key *k, csra_attester *a, size_t *k_index);

/* csra_p11_observe_platform sets the platform claims the token and slot
 * report, CSRA_SOURCE_OBSERVED: vendor (manufacturerID), hwmodel (model),
 * hwserial (serialNumber), hwversion (hardware version "major.minor") and
 * swversion (firmware version "major.minor"). Blank-padded fields are
 * trimmed; empty ones are left out. */
csra_err csra_p11_observe_platform(const csra_p11 *p, csra_attester *a);

/* csra_p11_find_cert reads the one certificate object |uri| names (object
 * and/or id) and sets |*out| (X509_free it). Errors as csra_p11_find_key,
 * with CSRA_ERR_P11_NO_CERT for none. */
csra_err csra_p11_find_cert(csra_p11 *p, const char *uri, X509 **out, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif
