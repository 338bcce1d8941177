/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DER writer and the Evidence encoder: what they write decodes
 * strictly, re-encodes byte for byte through asn1c, and carries
 * signatures OpenSSL verifies. The draft's own samples re-encode byte for
 * byte too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_codec_int.h"
#include "csra_gate.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"
#include "testpki.h"
#include "testutil.h"

#include "Evidence.h"
#include "EvidenceExplicitCerts.h"
#include "ReportedClaim.h"
#include "ReportedElement.h"
#include "SignatureBlock.h"


/* A self-signed certificate for |k| with a subject key identifier. */
static X509 *selfsigned(EVP_PKEY *k)
{
	X509 *x = X509_new();
	X509V3_CTX v3;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"test ak", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier, "hash");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	const EVP_MD *md = EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
	X509_sign(x, k, md);
	return x;
}

static int der_roundtrip(asn_TYPE_descriptor_t *td, const void *value, const uint8_t *der, size_t len)
{
	uint8_t *buf = malloc(len + 16);
	CHECK(buf != NULL);
	asn_enc_rval_t er = der_encode_to_buffer(td, (void *)value, buf, len + 16);
	int ok = er.encoded == (ssize_t)len && memcmp(buf, der, len) == 0;
	free(buf);
	CHECK(ok);
	return 1;
}

static int test_cbb_lengths(void)
{
	static uint8_t big[70000];
	size_t sizes[] = { 0, 1, 127, 128, 255, 256, 65535, 65536 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		csra_cbb c;
		uint8_t *out;
		size_t n;
		CHECK(csra_cbb_init(&c, 4));
		CHECK(csra_cbb_open(&c, 0x30));
		CHECK(csra_cbb_add_tlv(&c, 0x04, big, sizes[i]));
		CHECK(csra_cbb_close(&c));
		CHECK(csra_cbb_finish(&c, &out, &n));
		uint8_t tag;
		const uint8_t *cont;
		size_t clen;
		CHECK(csra_der_tlv_peek(out, out + n, &tag, &cont, &clen));
		CHECK(tag == 0x30 && cont + clen == out + n);
		free(out);
	}
	return 1;
}

static int test_cbb_integers(void)
{
	static const struct {
		int64_t v;
		uint8_t der[11];
		size_t len;
	} cases[] = {
		{ 0, { 0x02, 0x01, 0x00 }, 3 },
		{ 127, { 0x02, 0x01, 0x7f }, 3 },
		{ 128, { 0x02, 0x02, 0x00, 0x80 }, 4 },
		{ -1, { 0x02, 0x01, 0xff }, 3 },
		{ -128, { 0x02, 0x01, 0x80 }, 3 },
		{ -129, { 0x02, 0x02, 0xff, 0x7f }, 4 },
		{ INT64_MAX, { 0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 10 },
		{ INT64_MIN, { 0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 10 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		csra_cbb c;
		uint8_t *out;
		size_t n;
		CHECK(csra_cbb_init(&c, 0) && csra_cbb_add_int(&c, cases[i].v) && csra_cbb_finish(&c, &out, &n));
		CHECK(n == cases[i].len && memcmp(out, cases[i].der, n) == 0);
		free(out);
	}
	csra_cbb c;
	uint8_t *out;
	size_t n;
	CHECK(csra_cbb_init(&c, 0) && csra_cbb_open(&c, 0x30));
	CHECK(!csra_cbb_finish(&c, &out, &n));	/* left open */
	return 1;
}

/* Builds, signs and decodes Evidence with every claim type, for one key. */
static int build_and_check(EVP_PKEY *ak, const EVP_MD *md_check, int explicit_certs)
{
	X509 *cert = selfsigned(ak);
	X509 *inter = selfsigned(ak);
	CHECK(cert != NULL && inter != NULL);
	csra_evb *b = csra_evb_new();
	size_t tx, pl, key;
	static const uint8_t nonce[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK);
	CHECK(csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, nonce, sizeof(nonce)) == CSRA_OK);
	CHECK(csra_evb_add_time(b, tx, CSRA_CLAIM_TIMESTAMP, 1780000000) == CSRA_OK);
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK);
	CHECK(csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "Example HSM", 11) == CSRA_OK);
	CHECK(csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK);
	CHECK(csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3) == CSRA_OK);
	CHECK(csra_evb_add_int(b, pl, CSRA_CLAIM_UPTIME, 1234567890123LL) == CSRA_OK);
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_KEY, &key) == CSRA_OK);
	CHECK(csra_evb_add_utf8(b, key, CSRA_CLAIM_KEY_IDENTIFIER, "key-1", 5) == CSRA_OK);
	CHECK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK);
	CHECK(csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) == CSRA_OK);
	CHECK(csra_evb_add_purposes(b, key, CSRA_PURPOSE_SIGN | CSRA_PURPOSE_VERIFY) == CSRA_OK);
	/* wrong value type for the claim */
	CHECK(csra_evb_add_int(b, key, CSRA_CLAIM_KEY_LOCAL, 1) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_evb_add_bool(b, 99, CSRA_CLAIM_KEY_LOCAL, 1) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_evb_add_signer(b, ak, cert, CSRA_SID_CERT | CSRA_SID_KEYID | CSRA_SID_SPKI, NULL, 0) == CSRA_OK);
	CHECK(csra_evb_add_intermediate(b, inter) == CSRA_OK);
	CHECK(csra_evb_set_explicit_certs(b, explicit_certs) == CSRA_OK);
	uint8_t *der, *tbs;
	size_t len, tbs_len;
	CHECK(csra_evb_encode(b, &der, &len) == CSRA_OK);
	CHECK(csra_evb_tbs(b, &tbs, &tbs_len) == CSRA_OK);
	csra_evb_free(&b);
	CHECK(b == NULL);

	csra_decoded *d;
	csra_diag dg;
	CHECK(csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, &dg) == CSRA_OK);
	CHECK(csra_decoded_evidence_explicit(d) == explicit_certs);
	const Evidence_t *ev = csra_decoded_asn1(d);
	CHECK(ev->tbs.reportedElements.list.count == 3);
	CHECK(ev->signatures.list.count == 1);
	CHECK(der_roundtrip(explicit_certs ? &asn_DEF_EvidenceExplicitCerts : &asn_DEF_Evidence, ev, der, len));
	/* The signature is over the TbsEvidence bytes as they stand. */
	uint8_t tag;
	const uint8_t *outer, *inner;
	size_t outer_len, inner_len;
	CHECK(csra_der_tlv_peek(der, der + len, &tag, &outer, &outer_len));
	CHECK(csra_der_tlv_peek(outer, outer + outer_len, &tag, &inner, &inner_len));
	CHECK((size_t)(inner + inner_len - outer) == tbs_len && memcmp(outer, tbs, tbs_len) == 0);
	const SignatureBlock_t *sb = ev->signatures.list.array[0];
	CHECK(sb->sid.keyId && sb->sid.subjectPublicKeyInfo && sb->sid.certificate);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	CHECK(EVP_DigestVerifyInit(ctx, NULL, md_check, NULL, ak) == 1);
	CHECK(EVP_DigestVerify(ctx, sb->signatureValue.buf, sb->signatureValue.size, tbs, tbs_len) == 1);
	EVP_MD_CTX_free(ctx);
	/* the uptime claim carries a 64-bit value */
	const ReportedElement_t *pel = ev->tbs.reportedElements.list.array[1];
	const ReportedClaim_t *up = pel->claims.list.array[3];
	void *v;
	long lv;
	CHECK(csra_decoded_open(d, &asn_DEF_INTEGER, up->value->buf, up->value->size, &v, NULL) == CSRA_OK);
	CHECK(asn_INTEGER2long(v, &lv) == 0 && lv == 1234567890123LL);
	csra_decoded_free(&d);
	free(der);
	free(tbs);
	X509_free(cert);
	X509_free(inter);
	return 1;
}

static int test_build_p256(void)
{
	EVP_PKEY *k = tp_key("EC", "P-256");
	CHECK(k != NULL);
	int ok = build_and_check(k, EVP_sha256(), 0);
	EVP_PKEY_free(k);
	return ok;
}

static int test_build_p384_explicit(void)
{
	EVP_PKEY *k = tp_key("EC", "P-384");
	CHECK(k != NULL);
	int ok = build_and_check(k, EVP_sha384(), 1);
	EVP_PKEY_free(k);
	return ok;
}

static int test_build_rsa3072(void)
{
	EVP_PKEY *k = tp_key("RSA", "3072");
	CHECK(k != NULL);
	int ok = build_and_check(k, EVP_sha256(), 0);
	EVP_PKEY_free(k);
	return ok;
}

static int test_build_ed25519(void)
{
	EVP_PKEY *k = tp_key("ED25519", NULL);
	CHECK(k != NULL);
	int ok = build_and_check(k, NULL, 0);
	EVP_PKEY_free(k);
	return ok;
}

/* Raw claims skip the self-check, so tests can build wrong Evidence. */
static int test_build_raw_wrong_type(void)
{
	csra_evb *b = csra_evb_new();
	size_t pl;
	size_t oid_len;
	const uint8_t *oid = csra_claim_oid(CSRA_CLAIM_FIPSBOOT, &oid_len);
	static const uint8_t integer[] = { 0x02, 0x01, 0x01 };
	CHECK(csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK);
	CHECK(csra_evb_add_raw(b, pl, oid, oid_len, integer, sizeof(integer)) == CSRA_OK);
	uint8_t *der;
	size_t len;
	CHECK(csra_evb_encode(b, &der, &len) == CSRA_OK);
	csra_decoded *d;
	csra_diag dg;
	CHECK(csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, &dg) == CSRA_ERR_DER_UNEXPECTED_TAG);
	CHECK(strcmp(dg.path, "Evidence.tbs.reportedElements[0].claims[0].value") == 0);
	free(der);
	csra_evb_free(&b);
	return 1;
}

/* The claim table agrees with the OID module, both ways. */
static int test_claim_table(void)
{
	for (int c = CSRA_CLAIM_NONCE; c <= CSRA_CLAIM_KEY_PURPOSE; c++) {
		const csra_claim_info *info = csra_claim_get((csra_claim)c);
		size_t len;
		const uint8_t *oid = csra_claim_oid((csra_claim)c, &len);
		CHECK(info != NULL && info->claim == (csra_claim)c && oid != NULL);
		CHECK(csra_claim_from_oid(oid, len) == (csra_claim)c);
	}
	int n = 0;
	for (size_t i = 0; i < CSRA_OID__COUNT; i++) {
		const csra_oid_entry *e = &csra_oid_table[i];
		csra_claim c = csra_claim_from_oid(e->der, e->der_len);
		if (strncmp(e->name, "id-evidence-claim-", 18) == 0 &&
		    strcmp(e->name, "id-evidence-claim-transaction") != 0 &&
		    strcmp(e->name, "id-evidence-claim-platform") != 0 &&
		    strcmp(e->name, "id-evidence-claim-key") != 0) {
			CHECK(c != CSRA_CLAIM_UNKNOWN);
			n++;
		} else {
			CHECK(c == CSRA_CLAIM_UNKNOWN);
		}
	}
	CHECK(n == CSRA_CLAIM_KEY_PURPOSE);
	CHECK(csra_claim_get(CSRA_CLAIM_UNKNOWN) == NULL);
	CHECK(csra_claim_get((csra_claim)(CSRA_CLAIM_KEY_PURPOSE + 1)) == NULL);
	return 1;
}

/* Every OID table entry's dotted form is what csra_oid_to_str prints
 * for its DER: statement records take the table's instead of printing. */
static int test_oid_dotted(void)
{
	for (size_t i = 0; i < CSRA_OID__COUNT; i++) {
		const csra_oid_entry *e = &csra_oid_table[i];
		char text[160];
		CHECK(csra_oid_to_str(e->der, e->der_len, text, sizeof(text)) == 1);
		if (strcmp(text, e->dotted) != 0) {
			fprintf(stderr, "%s: table %s, printed %s\n", e->name, e->dotted, text);
			return 0;
		}
	}
	return 1;
}

/* The draft's samples re-encode byte for byte through asn1c. */
static int test_samples_roundtrip(void)
{
	const char *files[] = { "evidence1.pem", "evidence2.pem", "evidence3.pem" };
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		uint8_t *der;
		size_t len;
		snprintf(rel, sizeof(rel), "vectors/pkix-evidence/%s", files[i]);
		CHECK(tu_shared_der(rel, &der, &len));
		csra_decoded *d;
		CHECK(csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, NULL) == CSRA_OK);
		CHECK(der_roundtrip(&asn_DEF_Evidence, csra_decoded_asn1(d), der, len));
		csra_decoded_free(&d);
		free(der);
	}
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_cbb_lengths), TU(test_cbb_integers), TU(test_build_p256),
		TU(test_build_p384_explicit), TU(test_build_rsa3072), TU(test_build_ed25519),
		TU(test_build_raw_wrong_type), TU(test_claim_table), TU(test_oid_dotted), TU(test_samples_roundtrip),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
