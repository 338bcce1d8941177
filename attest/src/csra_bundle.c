/* SPDX-License-Identifier: BSD-2-Clause */
/* AttestationBundle encoder, and carrying a bundle in PKCS#10 and CRMF. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crmf.h>
#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_codec_int.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"

struct bb_item {
	uint8_t *a;	/* type or format OID */
	size_t alen;
	uint8_t *b;	/* statement or value TLV */
	size_t blen;
};

struct csra_bb {
	struct bb_item *stmts;
	size_t nstmts;
	struct bb_item *others;
	size_t nothers;
	STACK_OF(X509) *certs;
	int legacy;
	char *hint;
	int hint_utf8;
};

csra_bb *csra_bb_new(void)
{
	csra_bb *b = calloc(1, sizeof(*b));
	if (b != NULL && (b->certs = sk_X509_new_null()) == NULL) {
		free(b);
		b = NULL;
	}
	return b;
}

static void free_items(struct bb_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].a);
		free(items[i].b);
	}
	free(items);
}

void csra_bb_free(csra_bb **bp)
{
	if (bp == NULL || *bp == NULL)
		return;
	csra_bb *b = *bp;
	free_items(b->stmts, b->nstmts);
	free_items(b->others, b->nothers);
	sk_X509_pop_free(b->certs, X509_free);
	free(b->hint);
	free(b);
	*bp = NULL;
}

static csra_err add_item(struct bb_item **items, size_t *n, const uint8_t *a, size_t alen,
    const uint8_t *bb, size_t blen)
{
	if (a == NULL || alen == 0 || bb == NULL || blen == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct bb_item *grown = realloc(*items, (*n + 1) * sizeof(*grown));
	if (grown == NULL)
		return CSRA_ERR_NOMEM;
	*items = grown;
	struct bb_item *it = &grown[*n];
	it->a = malloc(alen);
	it->b = malloc(blen);
	if (it->a == NULL || it->b == NULL) {
		free(it->a);
		free(it->b);
		return CSRA_ERR_NOMEM;
	}
	memcpy(it->a, a, alen);
	memcpy(it->b, bb, blen);
	it->alen = alen;
	it->blen = blen;
	(*n)++;
	return CSRA_OK;
}

csra_err csra_bb_add_statement(csra_bb *b, const uint8_t *type, size_t type_len,
    const uint8_t *stmt, size_t len)
{
	return b ? add_item(&b->stmts, &b->nstmts, type, type_len, stmt, len) : CSRA_ERR_INVALID_ARGUMENT;
}

csra_err csra_bb_add_other_cert(csra_bb *b, const uint8_t *format, size_t format_len,
    const uint8_t *value, size_t value_len)
{
	return b ? add_item(&b->others, &b->nothers, format, format_len, value, value_len)
	    : CSRA_ERR_INVALID_ARGUMENT;
}

csra_err csra_bb_add_cert(csra_bb *b, X509 *cert)
{
	if (b == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (!X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_push(b->certs, cert)) {
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

csra_err csra_bb_set_legacy(csra_bb *b, const char *hint, int utf8)
{
	if (b == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	free(b->hint);
	b->hint = NULL;
	if (hint != NULL && (b->hint = strdup(hint)) == NULL)
		return CSRA_ERR_NOMEM;
	b->legacy = 1;
	b->hint_utf8 = utf8 != 0;
	return CSRA_OK;
}

csra_err csra_bb_encode(csra_bb *b, uint8_t **der, size_t *len)
{
	csra_cbb c;
	if (b == NULL || der == NULL || len == NULL || b->nstmts == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (!csra_cbb_init(&c, 1024))
		return CSRA_ERR_NOMEM;
	int ok = csra_cbb_open(&c, 0x30) && csra_cbb_open(&c, 0x30);
	for (size_t i = 0; ok && i < b->nstmts; i++) {
		ok = csra_cbb_open(&c, 0x30) && csra_cbb_add_tlv(&c, 0x06, b->stmts[i].a, b->stmts[i].alen) &&
		    csra_cbb_add_bytes(&c, b->stmts[i].b, b->stmts[i].blen);
		if (ok && b->legacy && b->hint)
			ok = csra_cbb_add_tlv(&c, b->hint_utf8 ? 0x0c : 0x16, (const uint8_t *)b->hint,
			    strlen(b->hint));
		ok = ok && csra_cbb_close(&c);
	}
	ok = ok && csra_cbb_close(&c);
	if (ok && (sk_X509_num(b->certs) > 0 || b->nothers > 0)) {
		ok = csra_cbb_open(&c, 0x30);
		for (int i = 0; ok && i < sk_X509_num(b->certs); i++) {
			unsigned char *cd = NULL;
			int cl = i2d_X509(sk_X509_value(b->certs, i), &cd);
			ok = cl > 0 && csra_cbb_add_bytes(&c, cd, (size_t)cl);
			OPENSSL_free(cd);
		}
		for (size_t i = 0; ok && i < b->nothers; i++)
			ok = csra_cbb_open(&c, 0xa3) && csra_cbb_add_tlv(&c, 0x06, b->others[i].a, b->others[i].alen) &&
			    csra_cbb_add_bytes(&c, b->others[i].b, b->others[i].blen) && csra_cbb_close(&c);
		ok = ok && csra_cbb_close(&c);
	}
	ok = ok && csra_cbb_close(&c);
	if (!ok || !csra_cbb_finish(&c, der, len)) {
		csra_cbb_cleanup(&c);
		return CSRA_ERR_NOMEM;
	}
	csra_decoded *d = NULL;
	if (csra_decode(NULL, b->legacy ? CSRA_PDU_EVIDENCE_BUNDLE : CSRA_PDU_ATTESTATION_BUNDLE,
	    *der, *len, &d, NULL) != CSRA_OK) {
		free(*der);
		*der = NULL;
		return CSRA_ERR_INVALID_ARGUMENT;	/* a statement is not valid DER */
	}
	csra_decoded_free(&d);
	return CSRA_OK;
}

static ASN1_OBJECT *aa_attestation(void)
{
	return OBJ_txt2obj(csra_oid_table[CSRA_OID_ID_AA_ATTESTATION].dotted, 1);
}

csra_err csra_x509_req_add_bundle(X509_REQ *req, const uint8_t *der, size_t len)
{
	if (req == NULL || der == NULL || len == 0 || len > INT32_MAX)
		return CSRA_ERR_INVALID_ARGUMENT;
	ASN1_OBJECT *obj = aa_attestation();
	/* A V_ASN1_SEQUENCE value is the whole encoding in OpenSSL. */
	int ok = obj != NULL && X509_REQ_add1_attr_by_OBJ(req, obj, V_ASN1_SEQUENCE, der, (int)len) == 1;
	ASN1_OBJECT_free(obj);
	return ok ? CSRA_OK : CSRA_ERR_NOMEM;
}

csra_err csra_crmf_add_bundle(void *msgp, const uint8_t *der, size_t len)
{
	OSSL_CRMF_MSG *msg = msgp;
	if (msg == NULL || der == NULL || len == 0 || len > INT32_MAX)
		return CSRA_ERR_INVALID_ARGUMENT;
	ASN1_OBJECT *obj = aa_attestation();
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	int ok = obj != NULL && os != NULL && ASN1_OCTET_STRING_set(os, der, (int)len) == 1 &&
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) != NULL &&
	    OSSL_CRMF_MSG_push0_extension(msg, ext) == 1;
	if (!ok)
		X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return ok ? CSRA_OK : CSRA_ERR_NOMEM;
}
