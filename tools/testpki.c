/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "csra_oid_table.h"
#include "csrattest/build.h"
#include "testpki.h"

EVP_PKEY *tp_key(const char *alg, const char *param)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	EVP_PKEY *k = NULL;
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1)
		goto out;
	if (param && strcmp(alg, "EC") == 0 && EVP_PKEY_CTX_set_group_name(ctx, param) != 1)
		goto out;
	if (param && strcmp(alg, "RSA") == 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, atoi(param)) != 1)
		goto out;
	EVP_PKEY_keygen(ctx, &k);
out:
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

X509 *tp_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, unsigned flags,
    long from, long to)
{
	static long serial = 1000;
	X509 *x = X509_new();
	char eku[128] = "";
	if (x == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC,
	    (const unsigned char *)"csrattest tests", -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, key);
	int ok = 1;
	if (!(flags & TP_NO_SKI))
		ok = ok && add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		ok = ok && add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (flags & TP_CA)
		ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE") &&
		    add_ext(x, issuer, NID_key_usage, (flags & TP_DIGSIG)
		    ? "critical,keyCertSign,cRLSign,digitalSignature" : "critical,keyCertSign,cRLSign");
	else if (flags & TP_DIGSIG)
		ok = ok && add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
	else
		ok = ok && add_ext(x, issuer, NID_key_usage, "critical,keyEncipherment");
	if (flags & TP_EKU_AK)
		strcat(eku, csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY].dotted);
	if (flags & TP_EKU_CODESIGN)
		strcat(eku, eku[0] ? ",codeSigning" : "codeSigning");
	if (flags & TP_EKU_TPM_AK)
		strcat(eku, eku[0] ? ",2.23.133.8.3" : "2.23.133.8.3");
	if (flags & TP_EKU_EXAMPLE)
		strcat(eku, eku[0] ? "," TP_EKU_EXAMPLE_OID : TP_EKU_EXAMPLE_OID);
	if (eku[0])
		ok = ok && add_ext(x, issuer, NID_ext_key_usage, eku);
	EVP_PKEY *sk = issuer_key ? issuer_key : key;
	int id = EVP_PKEY_get_base_id(sk);
	const EVP_MD *md = (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? NULL : EVP_sha256();
	if (!ok || X509_sign(x, sk, md) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* A CRL of |issuer| signed with |key|, current from now+|last| to
 * now+|next| seconds, revoking |revoked| (may be NULL). */
X509_CRL *tp_crl(X509 *issuer, EVP_PKEY *key, X509 *revoked, long last, long next)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *lu = ASN1_TIME_adj(NULL, time(NULL), 0, last);
	ASN1_TIME *nu = ASN1_TIME_adj(NULL, time(NULL), 0, next);
	int ok = crl != NULL && lu != NULL && nu != NULL && X509_CRL_set_version(crl, 1) &&
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) &&
	    X509_CRL_set1_lastUpdate(crl, lu) && X509_CRL_set1_nextUpdate(crl, nu);
	if (ok && revoked != NULL) {
		X509_REVOKED *r = X509_REVOKED_new();
		ok = r != NULL && X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked)) &&
		    X509_REVOKED_set_revocationDate(r, lu) && X509_CRL_add0_revoked(crl, r);
		if (!ok)
			X509_REVOKED_free(r);
	}
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, key, EVP_sha256()) > 0;
	ASN1_TIME_free(lu);
	ASN1_TIME_free(nu);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

int tp_pki_new(tp_pki *p, const char *alg, const char *param, unsigned ak_flags, long from, long to)
{
	memset(p, 0, sizeof(*p));
	p->root_key = tp_key("EC", "P-256");
	p->int_key = tp_key("EC", "P-256");
	p->ak_key = tp_key(alg, param);
	if (!p->root_key || !p->int_key || !p->ak_key)
		return 0;
	p->root = tp_cert("test root", p->root_key, NULL, NULL, TP_CA, -3600, 86400L * 365);
	p->inter = tp_cert("test intermediate", p->int_key, p->root, p->root_key, TP_CA, -3600,
	    86400L * 365);
	if (!p->root || !p->inter)
		return 0;
	p->ak = tp_cert("test ak", p->ak_key, p->inter, p->int_key, ak_flags, from, to);
	return p->ak != NULL;
}

void tp_pki_free(tp_pki *p)
{
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->int_key);
	EVP_PKEY_free(p->ak_key);
	X509_free(p->root);
	X509_free(p->inter);
	X509_free(p->ak);
	memset(p, 0, sizeof(*p));
}

uint8_t *tp_attested_csr(EVP_PKEY *subject, const char *cn, const uint8_t *ev, size_t ev_len, size_t *len)
{
	csra_bb *bb = csra_bb_new();
	X509_REQ *req = X509_REQ_new();
	const csra_oid_entry *st = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	uint8_t *bundle = NULL, *out = NULL;
	unsigned char *der = NULL;
	size_t blen = 0;
	int ok = bb && req && csra_bb_add_statement(bb, st->der, st->der_len, ev, ev_len) == CSRA_OK &&
	    csra_bb_encode(bb, &bundle, &blen) == CSRA_OK &&
	    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) &&
	    X509_REQ_set_pubkey(req, subject) && csra_x509_req_add_bundle(req, bundle, blen) == CSRA_OK &&
	    X509_REQ_sign(req, subject, EVP_sha256()) > 0;
	int n = ok ? i2d_X509_REQ(req, &der) : 0;
	if (n > 0 && (out = malloc((size_t)n)) != NULL) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	free(bundle);
	X509_REQ_free(req);
	csra_bb_free(&bb);
	return out;
}
