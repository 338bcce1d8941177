/* SPDX-License-Identifier: BSD-2-Clause */
/* Certificate bags: the certificates vendor attestations come as. */
#ifndef CSRA_CERTBAG_H
#define CSRA_CERTBAG_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "csrattest/error.h"

/* Deviations from DER found and tolerated; a format that accepts one
 * records it as a quirk check, any other format refuses it. */
#define CSRA_CERTBAG_UNSORTED_SET 0x1	/* SignedData.certificates out of DER SET OF order */
#define CSRA_CERTBAG_HAS_CRLS 0x2	/* SignedData.crls present (not read) */

struct csra_certbag_entry {
	uint8_t *der;		/* the certificate's DER, as received (owned) */
	size_t len;
	size_t offset;		/* where it starts in the input (in the PEM text: its block) */
};

typedef struct csra_certbag {
	STACK_OF(X509) *certs;		/* in input order */
	struct csra_certbag_entry *entries;	/* one per certificate, same order */
	size_t n, cap;
	unsigned quirks;		/* CSRA_CERTBAG_* */
	int pkcs7;			/* they came in a certs-only SignedData */
} csra_certbag;

/* csra_certbag_read reads the certificates of |p|/|len|: PEM CERTIFICATE
 * or PKCS7 blocks with only whitespace between them, one DER certificate,
 * or a DER certs-only PKCS#7 SignedData (ContentInfo; no signers, no
 * content). At most |max| certificates (0: 256). Returns CSRA_OK with
 * |out| filled (free it with csra_certbag_clear), CSRA_ERR_INPUT_EMPTY,
 * CSRA_ERR_FMT_MALFORMED with what and where (byte offset) in |why|, or
 * CSRA_ERR_NOMEM. |out| is cleared on failure. */
csra_err csra_certbag_read(const uint8_t *p, size_t len, size_t max, csra_certbag *out,
    char *why, size_t why_len);

/* csra_certbag_read_v is csra_certbag_read taking certificates |v| has
 * parsed before from its cache (by the SHA-256 of their DER), parsing the
 * others in |v|'s library context and caching them. |v| may be NULL. */
struct csra_verifier;
csra_err csra_certbag_read_v(const struct csra_verifier *v, const uint8_t *p, size_t len, size_t max,
    csra_certbag *out, char *why, size_t why_len);

/* csra_certbag_detect says whether |p|/|len| looks like a bag: a PEM
 * CERTIFICATE or PKCS7 block first, or a DER SEQUENCE whose first element
 * is a SEQUENCE (a certificate) or an OID (a ContentInfo). Structure only. */
int csra_certbag_detect(const uint8_t *p, size_t len);

/* csra_certbag_clear frees what |b| holds and zeroes it. NULL is fine. */
void csra_certbag_clear(csra_certbag *b);

#endif
