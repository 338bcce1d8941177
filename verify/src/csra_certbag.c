/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate bags: how vendors hand over attestation certificates. A PEM
 * file of CERTIFICATE or PKCS7 blocks, one DER certificate, or a DER
 * certs-only PKCS#7 SignedData (RFC 5652 5.1 with no signers: Thales
 * Luna's "Public Key Confirmation", the Purebred YubiKey attribute).
 *
 * The envelope is walked with a bounds-checked cursor that takes only
 * DER's definite, minimal lengths; each certificate must be exactly one
 * TLV and is then parsed by OpenSSL. A SET OF certificates out of DER
 * order is the one deviation reported rather than refused: vendor tools
 * write them in chain order, and the order carries no meaning here.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_verify_int.h"

/* 1.2.840.113549.1.7.2 id-signedData and .1 id-data, DER contents. */
static const uint8_t oid_signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const uint8_t oid_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };

struct bagctx {
	const csra_verifier *v;	/* its cache of parsed certificates, or NULL */
	csra_certbag *b;
	size_t max;
	char *why;
	size_t why_len;
	size_t base;		/* offset of the current DER within the input */
	const uint8_t *der;	/* the current DER, for offsets */
};

static csra_err bad(struct bagctx *x, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static csra_err bad(struct bagctx *x, size_t at, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->why != NULL && x->why_len > 0)
		snprintf(x->why, x->why_len, "%s (at byte %zu)", msg, at);
	return CSRA_ERR_FMT_MALFORMED;
}

static size_t off(const struct bagctx *x, const csra_cbs *c)
{
	return x->base + (size_t)(csra_cbs_data(c) - x->der);
}

/* Reads one element of tag |tag| from |c|. */
static int element(csra_cbs *c, uint8_t tag, csra_cbs *whole, csra_cbs *contents)
{
	uint8_t t;
	csra_cbs peek = *c;
	if (!csra_cbs_get_der_element(&peek, &t, whole, contents) || t != tag)
		return 0;
	*c = peek;
	return 1;
}

static csra_err add_cert(struct bagctx *x, const csra_cbs *whole)
{
	csra_certbag *b = x->b;
	if (b->n >= x->max)
		return bad(x, off(x, whole), "more than %zu certificates", x->max);
	const uint8_t *p = csra_cbs_data(whole);
	size_t len = csra_cbs_len(whole);
	/* A certificate seen before is taken from the verifier's cache:
	 * parsing is most of what reading a bag costs. */
	X509 *cert = csra_x509_parse_cached(x->v, p, len);
	if (cert == NULL)
		return bad(x, off(x, whole), "certificate %zu does not parse as X.509", b->n);
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4;
		struct csra_certbag_entry *e = realloc(b->entries, cap * sizeof(*e));
		if (e == NULL) {
			X509_free(cert);
			return CSRA_ERR_NOMEM;
		}
		b->entries = e, b->cap = cap;
	}
	uint8_t *copy = malloc(len);
	if (copy == NULL || !sk_X509_push(b->certs, cert)) {
		free(copy);
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	memcpy(copy, p, len);
	b->entries[b->n].der = copy;
	b->entries[b->n].len = len;
	b->entries[b->n].offset = off(x, whole);
	b->n++;
	return CSRA_OK;
}

/* DER orders a SET OF by its elements' encodings (X.690 11.6). */
static int der_less(const csra_cbs *a, const csra_cbs *b)
{
	size_t la = csra_cbs_len(a), lb = csra_cbs_len(b);
	int c = memcmp(csra_cbs_data(a), csra_cbs_data(b), la < lb ? la : lb);
	return c < 0 || (c == 0 && la <= lb);
}

/* ContentInfo { id-signedData, [0] EXPLICIT SignedData } with no signers. */
static csra_err read_signed_data(struct bagctx *x, csra_cbs ci)
{
	csra_cbs oid, content, sd, version, algs, encap, eoid, certs, set, prev, w;
	/* Each field's offset is taken before it is read: a field read and
	 * then refused is named where it starts. */
	size_t at = off(x, &ci);
	if (!element(&ci, 0x06, NULL, &oid) ||
	    csra_cbs_len(&oid) != sizeof(oid_signed_data) || memcmp(csra_cbs_data(&oid), oid_signed_data, sizeof(oid_signed_data)) != 0)
		return bad(x, at, "ContentInfo.contentType is not %s", "id-signedData");
	if (!element(&ci, 0xa0, NULL, &content) || csra_cbs_len(&ci) != 0)
		return bad(x, off(x, &ci), "ContentInfo.content: %s", "not one [0] EXPLICIT SignedData");
	if (!element(&content, 0x30, NULL, &sd) || csra_cbs_len(&content) != 0)
		return bad(x, off(x, &content), "SignedData: %s", "not one SEQUENCE");
	at = off(x, &sd);
	if (!element(&sd, 0x02, NULL, &version) || csra_cbs_len(&version) != 1 ||
	    csra_cbs_data(&version)[0] < 1 || csra_cbs_data(&version)[0] > 5)
		return bad(x, at, "SignedData.version: %s", "not an INTEGER 1..5");
	at = off(x, &sd);
	if (!element(&sd, 0x31, NULL, &algs))
		return bad(x, at, "SignedData.digestAlgorithms: %s", "not a SET");
	at = off(x, &sd);
	if (!element(&sd, 0x30, NULL, &encap) || !element(&encap, 0x06, NULL, &eoid) ||
	    csra_cbs_len(&eoid) != sizeof(oid_data) || memcmp(csra_cbs_data(&eoid), oid_data, sizeof(oid_data)) != 0)
		return bad(x, at, "SignedData.encapContentInfo: %s", "not id-data");
	if (csra_cbs_len(&encap) != 0)
		return bad(x, off(x, &encap), "SignedData.encapContentInfo: %s", "carries content: not certs-only");
	at = off(x, &sd);
	if (!element(&sd, 0xa0, NULL, &certs))
		return bad(x, at, "SignedData.certificates: %s", "absent");
	/* crls [1] are not read: revocation comes from the CA's own CRLs. */
	if (element(&sd, 0xa1, NULL, &w))
		x->b->quirks |= CSRA_CERTBAG_HAS_CRLS;
	at = off(x, &sd);
	if (!element(&sd, 0x31, NULL, &set) || csra_cbs_len(&set) != 0)
		return bad(x, at, "SignedData.signerInfos: %s", "not an empty SET: not certs-only");
	if (csra_cbs_len(&sd) != 0)
		return bad(x, off(x, &sd), "SignedData: %s", "data after signerInfos");
	int first = 1;
	while (csra_cbs_len(&certs) > 0) {
		if (!element(&certs, 0x30, &w, NULL))
			return bad(x, off(x, &certs), "SignedData.certificates[%zu]: not a DER Certificate",
			    x->b->n);
		if (!first && !der_less(&prev, &w))
			x->b->quirks |= CSRA_CERTBAG_UNSORTED_SET;
		csra_err e = add_cert(x, &w);
		if (e != CSRA_OK)
			return e;
		prev = w, first = 0;
	}
	x->b->pkcs7 = 1;
	return CSRA_OK;
}

/* One DER object: a certificate, or a certs-only ContentInfo. */
static csra_err read_der(struct bagctx *x, const uint8_t *p, size_t len, size_t base)
{
	csra_cbs c, whole, contents;
	uint8_t tag;
	x->der = p, x->base = base;
	csra_cbs_init(&c, p, len);
	if (!csra_cbs_get_der_element(&c, &tag, &whole, &contents) || tag != 0x30)
		return bad(x, base, "%s is not one DER SEQUENCE", "the input");
	if (csra_cbs_len(&c) != 0)
		return bad(x, off(x, &c), "%s after the DER SEQUENCE", "trailing data");
	csra_cbs peek = contents;
	uint8_t t;
	if (!csra_cbs_get_der_element(&peek, &t, NULL, NULL))
		return bad(x, off(x, &contents), "%s is empty or truncated", "the SEQUENCE");
	return t == 0x06 ? read_signed_data(x, contents) : add_cert(x, &whole);
}

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int starts(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* PEM: CERTIFICATE and PKCS7 blocks (RFC 7468), whitespace between. */
static csra_err read_pem(struct bagctx *x, const uint8_t *p, size_t len)
{
	const uint8_t *s = p, *end = p + len;
	uint8_t *text = malloc(len + 1), *der = malloc(len / 4 * 3 + 3);
	csra_err e = text != NULL && der != NULL ? CSRA_OK : CSRA_ERR_NOMEM;
	int blocks = 0;
	while (e == CSRA_OK) {
		while (s < end && is_ws(*s))
			s++;
		if (s == end)
			break;
		x->der = p, x->base = 0;
		const char *label = starts(s, end, "-----BEGIN CERTIFICATE-----") ? "CERTIFICATE"
		    : starts(s, end, "-----BEGIN PKCS7-----") ? "PKCS7" : NULL;
		if (label == NULL) {
			e = bad(x, (size_t)(s - p), "%s", "not a CERTIFICATE or PKCS7 PEM block");
			break;
		}
		size_t block_at = (size_t)(s - p);
		s += strlen("-----BEGIN -----") + strlen(label);
		char endline[40];
		snprintf(endline, sizeof(endline), "-----END %s-----", label);
		size_t n = 0;
		int ended = 0;
		while (s < end) {
			if (*s == '-') {
				if (!starts(s, end, endline))
					break;
				s += strlen(endline);
				ended = 1;
				break;
			}
			if (*s == ':')	/* an RFC 1421 header: encrypted or annotated */
				break;
			if (!is_ws(*s))
				text[n++] = *s;
			s++;
		}
		size_t dlen = 0;
		if (!ended)
			e = bad(x, block_at, "%s block without its END line, or with a header", label);
		else if (n == 0 || n % 4 != 0 || !csra_base64_decode((const char *)text, n, der, &dlen))
			e = bad(x, block_at, "%s block is not canonical base64", label);
		else if (strcmp(label, "CERTIFICATE") == 0 && (dlen < 2 || der[0] != 0x30))
			e = bad(x, block_at, "%s block is not a certificate", label);
		else
			e = read_der(x, der, dlen, block_at);
		blocks++;
	}
	if (e == CSRA_OK && blocks == 0)
		e = bad(x, 0, "%s", "no PEM block");
	free(text);
	free(der);
	return e;
}

csra_err csra_certbag_read(const uint8_t *p, size_t len, size_t max, csra_certbag *out,
    char *why, size_t why_len)
{
	return csra_certbag_read_v(NULL, p, len, max, out, why, why_len);
}

csra_err csra_certbag_read_v(const csra_verifier *v, const uint8_t *p, size_t len, size_t max,
    csra_certbag *out, char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	if (why != NULL && why_len > 0)
		why[0] = '\0';
	if (p == NULL || len == 0)
		return CSRA_ERR_INPUT_EMPTY;
	if ((out->certs = sk_X509_new_null()) == NULL)
		return CSRA_ERR_NOMEM;
	struct bagctx x = { v, out, max ? max : 256, why, why_len, 0, p };
	size_t i = 0;
	while (i < len && is_ws(p[i]))
		i++;
	csra_err e = i < len && p[i] == '-' ? read_pem(&x, p, len) : read_der(&x, p, len, 0);
	if (e == CSRA_OK && out->n == 0)
		e = bad(&x, 0, "%s", "no certificate");
	if (e != CSRA_OK)
		csra_certbag_clear(out);
	return e;
}

int csra_certbag_detect(const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len && is_ws(p[i]))
		i++;
	if (starts(p + i, p + len, "-----BEGIN CERTIFICATE-----") || starts(p + i, p + len, "-----BEGIN PKCS7-----"))
		return 1;
	csra_cbs c, contents;
	uint8_t tag, t;
	csra_cbs_init(&c, p, len);
	return csra_cbs_get_der_element(&c, &tag, NULL, &contents) && tag == 0x30 &&
	    csra_cbs_get_der_element(&contents, &t, NULL, NULL) && (t == 0x30 || t == 0x06);
}

void csra_certbag_clear(csra_certbag *b)
{
	if (b == NULL)
		return;
	sk_X509_pop_free(b->certs, X509_free);
	for (size_t i = 0; i < b->n; i++)
		free(b->entries[i].der);
	free(b->entries);
	memset(b, 0, sizeof(*b));
}
