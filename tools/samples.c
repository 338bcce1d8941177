/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csrattest-samples DIR: makes the demo's inputs, so the README runs on
 * data the project generates itself: a vendor root, an intermediate and
 * an attestation key (EKU id-kp-attestationKey), a subject key, and PKIX
 * Evidence about that key, signed by the AK, with a fresh nonce.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crmf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "csra_oid_table.h"
#include "csrattest/build.h"
#include "testpki.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	/* Written to a temporary name and renamed: never a half-written file. */
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "csrattest-samples: %s: %s\n", path, strerror(errno));
		return 0;
	}
	return 1;
}

static int write_cert(const char *dir, const char *name, X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	int ok = b && PEM_write_bio_X509(b, x);
	long n = ok ? BIO_get_mem_data(b, &p) : 0;
	ok = ok && write_file(dir, name, p, (size_t)n);
	BIO_free(b);
	return ok;
}

static int write_crl(const char *dir, const char *name, X509_CRL *crl)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	int ok = b && crl && PEM_write_bio_X509_CRL(b, crl);
	long n = ok ? BIO_get_mem_data(b, &p) : 0;
	ok = ok && write_file(dir, name, p, (size_t)n);
	BIO_free(b);
	return ok;
}

static int write_pem(const char *dir, const char *name, const char *label, const uint8_t *der, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	int ok = b && PEM_write_bio(b, label, "", der, (long)len);
	long n = ok ? BIO_get_mem_data(b, &p) : 0;
	ok = ok && write_file(dir, name, p, (size_t)n);
	BIO_free(b);
	return ok;
}

static int der_out(int n, unsigned char *der, uint8_t **out, size_t *len)
{
	if (n <= 0 || (*out = malloc((size_t)n)) == NULL) {
		OPENSSL_free(der);
		return 0;
	}
	memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return 1;
}

static int make_pkcs10(EVP_PKEY *key, const uint8_t *bundle, size_t blen, uint8_t **out, size_t *len)
{
	X509_REQ *req = X509_REQ_new();
	unsigned char *der = NULL;
	int ok = req && X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
	    (const unsigned char *)"demo code signer", -1, -1, 0) &&
	    X509_REQ_set_pubkey(req, key) && csra_x509_req_add_bundle(req, bundle, blen) == CSRA_OK &&
	    X509_REQ_sign(req, key, EVP_sha256()) > 0;
	int n = ok ? i2d_X509_REQ(req, &der) : 0;
	ok = ok && der_out(n, der, out, len);
	X509_REQ_free(req);
	return ok;
}

static int make_crmf(EVP_PKEY *key, const uint8_t *bundle, size_t blen, uint8_t **out, size_t *len)
{
	OSSL_CRMF_MSG *m = OSSL_CRMF_MSG_new();
	OSSL_CRMF_MSGS *msgs = sk_OSSL_CRMF_MSG_new_null();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	int ok = m && msgs && name &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"demo code signer",
	    -1, -1, 0) && OSSL_CRMF_MSG_set_certReqId(m, 0) &&
	    OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(m), key, name, NULL, NULL) &&
	    csra_crmf_add_bundle(m, bundle, blen) == CSRA_OK &&
	    OSSL_CRMF_MSG_create_popo(OSSL_CRMF_POPO_SIGNATURE, m, key, EVP_sha256(), NULL, NULL) &&
	    sk_OSSL_CRMF_MSG_push(msgs, m);
	if (ok)
		m = NULL;	/* owned by msgs */
	int n = ok ? i2d_OSSL_CRMF_MSGS(msgs, &der) : 0;
	ok = ok && der_out(n, der, out, len);
	OSSL_CRMF_MSG_free(m);
	OSSL_CRMF_MSGS_free(msgs);
	X509_NAME_free(name);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: csrattest-samples DIR\n"
		    "Writes root.pem, intermediate.pem, ak.pem, subject-key.pem, evidence.pem,\n"
		    "nonce.hex, request.pem, request-crmf.der and CRLs (crl-root.pem,\n"
		    "crl-intermediate.pem: none revoked; crl-ak-revoked.pem: the intermediate's,\n"
		    "revoking the AK) into DIR: demo data only, made with fresh keys each run.\n");
		return 3;
	}
	const char *dir = argv[1];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "csrattest-samples: %s: %s\n", dir, strerror(errno));
		return 3;
	}
	tp_pki p;
	EVP_PKEY *subject = tp_key("EC", "P-256");
	if (!tp_pki_new(&p, "EC", "P-384", TP_DIGSIG | TP_EKU_AK, -300, 86400L * 365) || !subject) {
		fprintf(stderr, "csrattest-samples: key or certificate generation failed\n");
		return 3;
	}
	uint8_t nonce[16];
	char nonce_hex[33];
	RAND_bytes(nonce, sizeof(nonce));
	for (size_t i = 0; i < sizeof(nonce); i++)
		snprintf(nonce_hex + 2 * i, 3, "%02x", nonce[i]);

	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(subject, &spki);
	csra_evb *b = csra_evb_new();
	size_t tx, pl, key;
	uint8_t *der = NULL;
	size_t len = 0;
	int ok = b && spki_len > 0 &&
	    csra_evb_add_element(b, CSRA_ELEMENT_TRANSACTION, &tx) == CSRA_OK &&
	    csra_evb_add_octets(b, tx, CSRA_CLAIM_NONCE, nonce, sizeof(nonce)) == CSRA_OK &&
	    csra_evb_add_time(b, tx, CSRA_CLAIM_TIMESTAMP, time(NULL)) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_PLATFORM, &pl) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_VENDOR, "csrattest demo HSM", 18) == CSRA_OK &&
	    csra_evb_add_utf8(b, pl, CSRA_CLAIM_HWSERIAL, "DEMO-0001", 9) == CSRA_OK &&
	    csra_evb_add_bool(b, pl, CSRA_CLAIM_FIPSBOOT, 1) == CSRA_OK &&
	    csra_evb_add_int(b, pl, CSRA_CLAIM_FIPSLEVEL, 3) == CSRA_OK &&
	    csra_evb_add_element(b, CSRA_ELEMENT_KEY, &key) == CSRA_OK &&
	    csra_evb_add_utf8(b, key, CSRA_CLAIM_KEY_IDENTIFIER, "code-signing-key-1", 18) == CSRA_OK &&
	    csra_evb_add_octets(b, key, CSRA_CLAIM_KEY_SPKI, spki, (size_t)spki_len) == CSRA_OK &&
	    csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_EXTRACTABLE, 0) == CSRA_OK &&
	    csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_SENSITIVE, 1) == CSRA_OK &&
	    csra_evb_add_bool(b, key, CSRA_CLAIM_KEY_LOCAL, 1) == CSRA_OK &&
	    csra_evb_add_purposes(b, key, CSRA_PURPOSE_SIGN) == CSRA_OK &&
	    csra_evb_add_signer(b, p.ak_key, p.ak, CSRA_SID_CERT, NULL, 0) == CSRA_OK &&
	    csra_evb_add_intermediate(b, p.inter) == CSRA_OK &&
	    csra_evb_encode(b, &der, &len) == CSRA_OK;
	/* The same Evidence in an AttestationBundle, in a PKCS#10 request and
	 * a CRMF one, each signed by the subject key. */
	uint8_t *bundle = NULL, *csr = NULL, *crmf = NULL;
	size_t bundle_len = 0, csr_len = 0, crmf_len = 0;
	csra_bb *bb = csra_bb_new();
	const csra_oid_entry *st = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	ok = ok && bb && csra_bb_add_statement(bb, st->der, st->der_len, der, len) == CSRA_OK &&
	    csra_bb_encode(bb, &bundle, &bundle_len) == CSRA_OK &&
	    make_pkcs10(subject, bundle, bundle_len, &csr, &csr_len) &&
	    make_crmf(subject, bundle, bundle_len, &crmf, &crmf_len);
	csra_bb_free(&bb);
	BIO *kb = BIO_new(BIO_s_mem());
	char *kp;
	ok = ok && kb && PEM_write_bio_PUBKEY(kb, subject);
	long kn = ok ? BIO_get_mem_data(kb, &kp) : 0;
	ok = ok && write_cert(dir, "root.pem", p.root) && write_cert(dir, "intermediate.pem", p.inter) &&
	    write_cert(dir, "ak.pem", p.ak) && write_file(dir, "subject-key.pem", kp, (size_t)kn) &&
	    write_pem(dir, "evidence.pem", "EVIDENCE", der, len) &&
	    write_file(dir, "nonce.hex", nonce_hex, strlen(nonce_hex)) &&
	    write_pem(dir, "request.pem", "CERTIFICATE REQUEST", csr, csr_len) &&
	    write_file(dir, "request-crmf.der", crmf, crmf_len);
	/* CRLs for --crl: current for 30 days. */
	X509_CRL *crls[3] = { tp_crl(p.root, p.root_key, NULL, -300, 86400L * 30),
		tp_crl(p.inter, p.int_key, NULL, -300, 86400L * 30),
		tp_crl(p.inter, p.int_key, p.ak, -300, 86400L * 30) };
	ok = ok && write_crl(dir, "crl-root.pem", crls[0]) &&
	    write_crl(dir, "crl-intermediate.pem", crls[1]) &&
	    write_crl(dir, "crl-ak-revoked.pem", crls[2]);
	for (int i = 0; i < 3; i++)
		X509_CRL_free(crls[i]);
	free(bundle);
	free(csr);
	free(crmf);
	BIO_free(kb);
	OPENSSL_free(spki);
	free(der);
	csra_evb_free(&b);
	EVP_PKEY_free(subject);
	tp_pki_free(&p);
	if (!ok) {
		fprintf(stderr, "csrattest-samples: failed\n");
		return 3;
	}
	printf("wrote %s/{root,intermediate,ak}.pem, subject-key.pem, evidence.pem, nonce.hex,\n"
	    "      request.pem (PKCS#10), request-crmf.der (CRMF) and crl-*.pem\n", dir);
	return 0;
}
