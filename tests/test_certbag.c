/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate bags (verify/src/csra_certbag.c), the hand-parsed input of
 * the vendor formats that come as certificates: each invalid PEM or DER
 * input is refused with CSRA_ERR_FMT_MALFORMED and the exact reason and
 * byte offset; certs-only SignedData built here field by field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_certbag.h"
#include "testutil.h"

/* DER pieces with short lengths (under 128 octets). */
struct der {
	uint8_t b[1024];
	size_t n;
};

static void put(struct der *d, const uint8_t *p, size_t n)
{
	if (n > 0 && d->n + n <= sizeof(d->b)) {
		memcpy(d->b + d->n, p, n);
		d->n += n;
	}
}

/* |tag| around |in|, appended to |out|. */
static void wrap(struct der *out, uint8_t tag, const struct der *in)
{
	uint8_t h[2] = { tag, (uint8_t)in->n };
	if (in->n < 128) {
		put(out, h, 2);
		put(out, in->b, in->n);
	}
}

static const uint8_t OID_SD[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const uint8_t OID_DATA[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };

/* What a certs-only ContentInfo is built of; each test breaks one. */
struct sd_parts {
	const uint8_t *ctype;		/* ContentInfo.contentType TLV */
	size_t ctype_len;
	uint8_t content_tag;		/* [0] */
	uint8_t sd_tag;			/* SEQUENCE */
	uint8_t version[3];		/* INTEGER 1 */
	uint8_t algs[2];		/* SET {} */
	const uint8_t *encap_oid;	/* id-data */
	const uint8_t *encap_extra;	/* content after it */
	size_t encap_extra_len;
	int no_certs;
	const uint8_t *certs;		/* [0]'s contents */
	size_t certs_len;
	const uint8_t *signers;		/* SET {} */
	size_t signers_len;
	const uint8_t *after;		/* after signerInfos */
	size_t after_len;
};

static const uint8_t EMPTY_SET[] = { 0x31, 0x00 };

static struct sd_parts good_parts(void)
{
	struct sd_parts p = { OID_SD, sizeof(OID_SD), 0xa0, 0x30, { 0x02, 0x01, 0x01 }, { 0x31, 0x00 }, OID_DATA,
		NULL, 0, 0, NULL, 0, EMPTY_SET, sizeof(EMPTY_SET), NULL, 0 };
	return p;
}

/* The ContentInfo, at offsets: contentType 2, content 13, SignedData 15,
 * version 17, digestAlgorithms 20, encapContentInfo 22, certificates 35,
 * signerInfos 37 (with empty certificates). */
static void build(const struct sd_parts *p, struct der *out)
{
	struct der sd = { .n = 0 }, encap = { .n = 0 }, certs = { .n = 0 }, content = { .n = 0 },
	    ci = { .n = 0 };
	put(&sd, p->version, 3);
	put(&sd, p->algs, 2);
	put(&encap, p->encap_oid, 11);
	put(&encap, p->encap_extra, p->encap_extra_len);
	wrap(&sd, 0x30, &encap);
	if (!p->no_certs) {
		put(&certs, p->certs, p->certs_len);
		wrap(&sd, 0xa0, &certs);
	}
	put(&sd, p->signers, p->signers_len);
	put(&sd, p->after, p->after_len);
	wrap(&content, p->sd_tag, &sd);
	put(&ci, p->ctype, p->ctype_len);
	wrap(&ci, p->content_tag, &content);
	out->n = 0;
	wrap(out, 0x30, &ci);
}

/* |p|/|len| is refused as malformed, saying exactly |why|. */
static int refused(const uint8_t *p, size_t len, size_t max, const char *why)
{
	csra_certbag b;
	char got[200];
	csra_err e = csra_certbag_read(p, len, max, &b, got, sizeof(got));
	int ok = e == CSRA_ERR_FMT_MALFORMED && strcmp(got, why) == 0 && b.n == 0 && b.certs == NULL;
	if (!ok)
		fprintf(stderr, "  %s: \"%s\", expected \"%s\"\n", csra_err_name(e), got, why);
	csra_certbag_clear(&b);
	return ok;
}

static int refused_sd(const struct sd_parts *p, const char *why)
{
	struct der d;
	build(p, &d);
	return refused(d.b, d.n, 0, why);
}

static int test_content_type(void)
{
	struct sd_parts p = good_parts();
	p.ctype = OID_DATA;
	return refused_sd(&p, "ContentInfo.contentType is not id-signedData (at byte 2)");
}

static int test_content_not_explicit(void)
{
	struct sd_parts p = good_parts();
	p.content_tag = 0xa1;
	return refused_sd(&p, "ContentInfo.content: not one [0] EXPLICIT SignedData (at byte 13)");
}

static int test_signed_data_not_sequence(void)
{
	struct sd_parts p = good_parts();
	p.sd_tag = 0x31;
	return refused_sd(&p, "SignedData: not one SEQUENCE (at byte 15)");
}

static int test_version(void)
{
	struct sd_parts p = good_parts();
	p.version[2] = 6;
	CHECK(refused_sd(&p, "SignedData.version: not an INTEGER 1..5 (at byte 17)"));
	p.version[2] = 0;
	return refused_sd(&p, "SignedData.version: not an INTEGER 1..5 (at byte 17)");
}

static int test_digest_algorithms(void)
{
	struct sd_parts p = good_parts();
	p.algs[0] = 0x30;
	return refused_sd(&p, "SignedData.digestAlgorithms: not a SET (at byte 20)");
}

static int test_encap_not_data(void)
{
	struct sd_parts p = good_parts();
	p.encap_oid = OID_SD;
	return refused_sd(&p, "SignedData.encapContentInfo: not id-data (at byte 22)");
}

static int test_encap_with_content(void)
{
	static const uint8_t content[] = { 0xa0, 0x02, 0x04, 0x00 };
	struct sd_parts p = good_parts();
	p.encap_extra = content;
	p.encap_extra_len = sizeof(content);
	return refused_sd(&p, "SignedData.encapContentInfo: carries content: not certs-only (at byte 35)");
}

static int test_certificates_absent(void)
{
	struct sd_parts p = good_parts();
	p.no_certs = 1;
	return refused_sd(&p, "SignedData.certificates: absent (at byte 35)");
}

static int test_signers(void)
{
	static const uint8_t one[] = { 0x31, 0x02, 0x05, 0x00 };
	struct sd_parts p = good_parts();
	p.signers = one;
	p.signers_len = sizeof(one);
	CHECK(refused_sd(&p, "SignedData.signerInfos: not an empty SET: not certs-only (at byte 37)"));
	p.signers = NULL;
	p.signers_len = 0;
	return refused_sd(&p, "SignedData.signerInfos: not an empty SET: not certs-only (at byte 37)");
}

static int test_after_signers(void)
{
	static const uint8_t null[] = { 0x05, 0x00 };
	struct sd_parts p = good_parts();
	p.after = null;
	p.after_len = sizeof(null);
	return refused_sd(&p, "SignedData: data after signerInfos (at byte 39)");
}

static int test_certificate_not_sequence(void)
{
	static const uint8_t os[] = { 0x04, 0x00 };
	struct sd_parts p = good_parts();
	p.certs = os;
	p.certs_len = sizeof(os);
	return refused_sd(&p, "SignedData.certificates[0]: not a DER Certificate (at byte 37)");
}

static int test_certificate_not_x509(void)
{
	static const uint8_t seq[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct sd_parts p = good_parts();
	p.certs = seq;
	p.certs_len = sizeof(seq);
	CHECK(refused_sd(&p, "certificate 0 does not parse as X.509 (at byte 37)"));
	/* The same SEQUENCE alone: read as one certificate. */
	return refused(seq, sizeof(seq), 0, "certificate 0 does not parse as X.509 (at byte 0)");
}

static int test_no_certificate(void)
{
	struct sd_parts p = good_parts();
	return refused_sd(&p, "no certificate (at byte 0)");
}

static int test_top_level(void)
{
	static const uint8_t trailing[] = { 0x30, 0x03, 0x02, 0x01, 0x00, 0x00 };
	static const uint8_t empty[] = { 0x30, 0x00 };
	static const uint8_t notseq[] = { 0x31, 0x00 };
	CHECK(refused(trailing, sizeof(trailing), 0, "trailing data after the DER SEQUENCE (at byte 5)"));
	CHECK(refused(empty, sizeof(empty), 0, "the SEQUENCE is empty or truncated (at byte 2)"));
	CHECK(refused(notseq, sizeof(notseq), 0, "the input is not one DER SEQUENCE (at byte 0)"));
	CHECK(refused((const uint8_t *)"  \n", 3, 0, "the input is not one DER SEQUENCE (at byte 0)"));
	csra_certbag b;
	char why[64];
	CHECK(csra_certbag_read((const uint8_t *)"x", 0, 0, &b, why, sizeof(why)) == CSRA_ERR_INPUT_EMPTY);
	return 1;
}

static int test_pem(void)
{
	static const char *cases[][2] = {
		{ "-----BEGIN PRIVATE KEY-----\nMA==\n-----END PRIVATE KEY-----\n",
		    "not a CERTIFICATE or PKCS7 PEM block (at byte 0)" },
		{ "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n",
		    "CERTIFICATE block is not a certificate (at byte 0)" },
		/* A pad with non-zero bits: another spelling of the same byte. */
		{ "-----BEGIN CERTIFICATE-----\nMB==\n-----END CERTIFICATE-----\n",
		    "CERTIFICATE block is not canonical base64 (at byte 0)" },
		{ "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n",
		    "CERTIFICATE block is not canonical base64 (at byte 0)" },
		{ "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nMA==\n-----END CERTIFICATE-----\n",
		    "CERTIFICATE block without its END line, or with a header (at byte 0)" },
		{ "-----BEGIN CERTIFICATE-----\nMA==\n-----END PKCS7-----\n",
		    "CERTIFICATE block without its END line, or with a header (at byte 0)" },
		{ "-----BEGIN CERTIFICATE-----\nMA==\n",
		    "CERTIFICATE block without its END line, or with a header (at byte 0)" },
		/* The second block is named where it starts. */
		{ "-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n  text\n",
		    "the SEQUENCE is empty or truncated (at byte 2)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!refused((const uint8_t *)cases[i][0], strlen(cases[i][0]), 0, cases[i][1])) {
			fprintf(stderr, "  case %zu\n", i);
			return 0;
		}
	return 1;
}

/* A real certificate, twice in a SignedData: read under a cap of 2,
 * refused over a cap of 1 where the second starts. */
static int test_cap(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	CHECK(k != NULL && x != NULL);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"c", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	ASN1_TIME_set(X509_getm_notBefore(x), 1735689600);
	ASN1_TIME_set(X509_getm_notAfter(x), 2366841600);
	CHECK(X509_sign(x, k, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	X509_free(x);
	EVP_PKEY_free(k);
	/* Its length needs the long form: 30 82 hi lo. */
	CHECK(len > 0 && len < 0x10000);
	size_t cl = 2 * (size_t)len, sl = 3 + 2 + 13 + 4 + cl + 2, ol = 11 + 4 + 4 + sl;
	uint8_t *b = malloc(4 + ol), *w = b;
	CHECK(b != NULL);
#define HDR(t, l) (*w++ = (t), *w++ = 0x82, *w++ = (uint8_t)((l) >> 8), *w++ = (uint8_t)(l))
	HDR(0x30, ol);
	memcpy(w, OID_SD, 11), w += 11;
	HDR(0xa0, 4 + sl);
	HDR(0x30, sl);
	memcpy(w, "\x02\x01\x01\x31\x00", 5), w += 5;
	*w++ = 0x30, *w++ = 11, memcpy(w, OID_DATA, 11), w += 11;
	HDR(0xa0, cl);
	memcpy(w, der, (size_t)len), w += len;
	memcpy(w, der, (size_t)len), w += len;
	memcpy(w, EMPTY_SET, 2), w += 2;
#undef HDR
	OPENSSL_free(der);
	size_t total = (size_t)(w - b);
	CHECK(total == 4 + ol);
	csra_certbag bag;
	char why[200];
	CHECK(csra_certbag_read(b, total, 2, &bag, why, sizeof(why)) == CSRA_OK);
	CHECK(bag.n == 2 && bag.pkcs7 == 1 && sk_X509_num(bag.certs) == 2);
	CHECK(bag.entries[1].offset == 4 + 11 + 4 + 4 + 5 + 13 + 4 + (size_t)len);
	csra_certbag_clear(&bag);
	char want[64];
	snprintf(want, sizeof(want), "more than 1 certificates (at byte %zu)", 4 + 11 + 4 + 4 + 5 + 13 + 4 + (size_t)len);
	int ok = refused(b, total, 1, want);
	free(b);
	return ok;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_content_type),
		TU(test_content_not_explicit),
		TU(test_signed_data_not_sequence),
		TU(test_version),
		TU(test_digest_algorithms),
		TU(test_encap_not_data),
		TU(test_encap_with_content),
		TU(test_certificates_absent),
		TU(test_signers),
		TU(test_after_signers),
		TU(test_certificate_not_sequence),
		TU(test_certificate_not_x509),
		TU(test_no_certificate),
		TU(test_top_level),
		TU(test_pem),
		TU(test_cap),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
