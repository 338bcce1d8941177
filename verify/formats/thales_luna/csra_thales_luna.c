/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thales Luna "Public Key Confirmation" (PKC): a certs-only PKCS#7 that
 * a Luna HSM hands out for a key pair it generated (cmu getpkc). The
 * leaf, whose ExtendedKeyUsage is 1.3.6.1.4.1.12383.1.13, certifies the
 * key; it chains to Thales's manufacturing roots: ECC leaf <- HOC <-
 * "SafeNet ECC Manufacturer Integrity Module", RSA leaf <- DAC <- HOC <-
 * MIC <- "Chrysalis-ITS Root". docs/formats.md says what is claimed and
 * why.
 *
 * Two deviations of real PKCs are accepted, each exactly, and recorded
 * as quirks: the leaf's ECDSA signature with r or s encoded as a negative
 * INTEGER (the device drops the 0x00 pad), verified as OpenSSL verifies
 * any other certificate once the value is re-encoded as the unsigned
 * INTEGER it means; and extensions encoding critical=FALSE (a DEFAULT) in
 * any certificate of the PKC. Every other DER error, and a negative
 * INTEGER in any other certificate's signature, is refused. The
 * SignedData's certificates in chain order rather than DER's SET OF order
 * (Thales's RSA PKCs) are accepted and recorded too; CRLs are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_cbb.h"
#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/codec.h"

#define KIND "thales-luna"

/* 1.3.6.1.4.1.12383.1.13: the EKU of a PKC leaf (ThalesGroup/
 * luna-pkc-validator checks it first in both hierarchies). */
static const uint8_t oid_pkc_eku[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xe0, 0x5f, 0x01, 0x0d };
/* 1.3.6.1.4.1.12383.2.1: the HSM's serial number, 4 octets little-endian,
 * raw in extnValue (the validator reads it so). */
static const uint8_t oid_serial[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xe0, 0x5f, 0x02, 0x01 };
/* 1.2.840.10045.4.3: ecdsa-with-SHA2 (the arc of ecdsa-with-SHA224..512). */
static const uint8_t oid_ecdsa_sha2_arc[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03 };

static int is_pkc_leaf(X509 *x)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	int found = 0;
	for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		found |= OBJ_length(o) == sizeof(oid_pkc_eku) &&
		    memcmp(OBJ_get0_data(o), oid_pkc_eku, sizeof(oid_pkc_eku)) == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	csra_clear_openssl_errors();
	return found;
}

/* A Luna PKC is a certificate bag with a PKC leaf in it. */
static int luna_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	(void)p, (void)len;
	for (size_t i = 0; bag != NULL && i < bag->n; i++)
		if (is_pkc_leaf(sk_X509_value(bag->certs, (int)i)))
			return 1;
	return 0;
}

static int no_type(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

/* The parts of a certificate's DER, as received. */
struct certparts {
	csra_cbs tbs, alg, sig;		/* whole TLVs; sig is the BIT STRING */
	csra_cbs spki;			/* tbsCertificate.subjectPublicKeyInfo, whole TLV */
	csra_cbs exts;			/* contents of the Extensions SEQUENCE, or empty */
	int has_exts;
};

static int split_cert(const uint8_t *der, size_t len, struct certparts *c)
{
	csra_cbs in, cert, tbs;
	uint8_t tag;
	memset(c, 0, sizeof(*c));
	csra_cbs_init(&in, der, len);
	if (!csra_cbs_get_der_element(&in, &tag, NULL, &cert) || tag != 0x30 || csra_cbs_len(&in) != 0 ||
	    !csra_cbs_get_der_element(&cert, &tag, &c->tbs, &tbs) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&cert, &tag, &c->alg, NULL) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&cert, &tag, &c->sig, NULL) || tag != 0x03 ||
	    csra_cbs_len(&cert) != 0)
		return 0;
	/* [0] version, serial, signature, issuer, validity, subject, spki. */
	int n = 0;
	while (csra_cbs_len(&tbs) > 0) {
		csra_cbs whole, contents;
		if (!csra_cbs_get_der_element(&tbs, &tag, &whole, &contents))
			return 0;
		if (n == 0 && tag != 0xa0)
			n++;	/* v1: no version */
		if (n == 6)
			c->spki = whole;
		if (tag == 0xa3) {
			uint8_t t;
			if (!csra_cbs_get_der_element(&contents, &t, NULL, &c->exts) || t != 0x30)
				return 0;
			c->has_exts = 1;
		}
		n++;
	}
	return n >= 7;
}

/* The extnValue of extension |oid| of |c|, or 0. */
static int find_ext(const struct certparts *c, const uint8_t *oid, size_t oid_len, csra_cbs *value)
{
	csra_cbs exts = c->exts, ext, o;
	uint8_t tag;
	while (c->has_exts && csra_cbs_len(&exts) > 0) {
		if (!csra_cbs_get_der_element(&exts, &tag, NULL, &ext) ||
		    !csra_cbs_get_der_element(&ext, &tag, NULL, &o) || tag != 0x06)
			return 0;
		if (csra_same(csra_cbs_data(&o), csra_cbs_len(&o), oid, oid_len)) {
			if (csra_cbs_len(&ext) > 0 && csra_cbs_data(&ext)[0] == 0x01 &&
			    !csra_cbs_get_der_element(&ext, &tag, NULL, NULL))
				return 0;
			return csra_cbs_get_der_element(&ext, &tag, NULL, value) && tag == 0x04;
		}
	}
	return 0;
}

/* |der| with every extension's explicit critical=FALSE dropped (the one
 * DEFAULT Luna encodes); *dropped counts them. Returns 1, 0 when the DER
 * is not shaped so, -1 on allocation failure. */
static int drop_critical_false(const uint8_t *der, size_t len, uint8_t **out, size_t *out_len,
    int *dropped)
{
	struct certparts c;
	csra_cbs in, cert, tbs;
	uint8_t tag;
	*dropped = 0;
	if (!split_cert(der, len, &c))
		return 0;
	csra_cbs_init(&in, der, len);
	csra_cbs_get_der_element(&in, &tag, NULL, &cert);
	csra_cbs_get_der_element(&cert, &tag, NULL, &tbs);
	csra_cbb b;
	if (!csra_cbb_init(&b, len))
		return -1;
	csra_cbb_open(&b, 0x30);
	csra_cbb_open(&b, 0x30);
	while (csra_cbs_len(&tbs) > 0) {
		csra_cbs whole, contents, seq, ext;
		csra_cbs_get_der_element(&tbs, &tag, &whole, &contents);
		if (tag != 0xa3) {
			csra_cbb_add_bytes(&b, csra_cbs_data(&whole), csra_cbs_len(&whole));
			continue;
		}
		csra_cbb_open(&b, 0xa3);
		csra_cbb_open(&b, 0x30);
		csra_cbs_get_der_element(&contents, &tag, NULL, &seq);
		while (csra_cbs_len(&seq) > 0) {
			csra_cbs ew, e;
			if (!csra_cbs_get_der_element(&seq, &tag, &ew, &ext) || tag != 0x30)
				goto bad;
			csra_cbb_open(&b, 0x30);
			while (csra_cbs_len(&ext) > 0) {
				if (!csra_cbs_get_der_element(&ext, &tag, &ew, &e))
					goto bad;
				if (tag == 0x01 && csra_cbs_len(&e) == 1 && csra_cbs_data(&e)[0] == 0x00) {
					(*dropped)++;
					continue;
				}
				csra_cbb_add_bytes(&b, csra_cbs_data(&ew), csra_cbs_len(&ew));
			}
			csra_cbb_close(&b);
		}
		csra_cbb_close(&b);
		csra_cbb_close(&b);
	}
	csra_cbb_close(&b);
	csra_cbb_add_bytes(&b, csra_cbs_data(&c.alg), csra_cbs_len(&c.alg));
	csra_cbb_add_bytes(&b, csra_cbs_data(&c.sig), csra_cbs_len(&c.sig));
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, out, out_len)) {
		csra_cbb_cleanup(&b);
		return -1;
	}
	return 1;
bad:
	csra_cbb_cleanup(&b);
	return 0;
}

/* The path csra_decode gives a DEFAULT encoded in an extension's critical
 * field, "Certificate.tbsCertificate.extensions[N].critical", and nothing
 * else. */
static int is_critical_path(const char *path)
{
	static const char head[] = "Certificate.tbsCertificate.extensions[", tail[] = "].critical";
	const char *p = path + sizeof(head) - 1;
	if (strncmp(path, head, sizeof(head) - 1) != 0 || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, tail) == 0;
}

struct lctx {
	const csra_verifier *v;
	const csra_stmt_in *in;
	csra_result *r;
	csra_stmt_out *out;
	csra_certbag bag;
	int leaf;		/* index of the PKC leaf in the bag */
	X509 *leaf_x;		/* the leaf as verified (its canonical copy after the quirk) */
	int ok;			/* every check so far held */
	int oom;
};

static void fail(struct lctx *x, const char *name, csra_err code, const char *path, const char *msg)
{
	x->ok = 0;
	if (!csra_result_add(x->r, name, CSRA_STATUS_FAIL, code, path, "%s", msg))
		x->oom = 1;
}

/* luna.der: each certificate is DER, save critical=FALSE encoded. */
static void check_der(struct lctx *x, size_t i)
{
	char path[32], msg[CSRA_PATH_MAX + 128];
	csra_decoded *d = NULL;
	csra_diag diag;
	const struct csra_certbag_entry *en = &x->bag.entries[i];
	snprintf(path, sizeof(path), "certs[%zu]", i);
	memset(&diag, 0, sizeof(diag));
	csra_err e = csra_decode(NULL, CSRA_PDU_CERTIFICATE, en->der, en->len, &d, &diag);
	csra_decoded_free(&d);
	if (e == CSRA_OK) {
		csra_result_add(x->r, KIND ".der", CSRA_STATUS_PASS, CSRA_OK, path, "the certificate is DER");
		return;
	}
	if (e == CSRA_ERR_NOMEM) {
		x->oom = 1;
		return;
	}
	if (e == CSRA_ERR_DER_DEFAULT_ENCODED && is_critical_path(diag.path)) {
		/* Accepted only if nothing else is wrong: decode it again without
		 * the encoded DEFAULTs. */
		uint8_t *canon = NULL;
		size_t clen = 0;
		int dropped = 0;
		int rc = drop_critical_false(en->der, en->len, &canon, &clen, &dropped);
		if (rc < 0) {
			x->oom = 1;
			return;
		}
		csra_diag d2;
		memset(&d2, 0, sizeof(d2));
		csra_err e2 = rc == 1 ? csra_decode(NULL, CSRA_PDU_CERTIFICATE, canon, clen, &d, &d2)
		    : CSRA_ERR_FMT_MALFORMED;
		csra_decoded_free(&d);
		free(canon);
		if (e2 == CSRA_ERR_NOMEM) {
			x->oom = 1;
			return;
		}
		if (e2 == CSRA_OK && dropped > 0) {
			csra_result_add(x->r, KIND ".der", CSRA_STATUS_PASS, CSRA_OK, path,
			    "the certificate is DER but for critical=FALSE encoded");
			if (!csra_result_add(x->r, "quirk.critical-false-encoded", CSRA_STATUS_WARN,
			    CSRA_ERR_FMT_QUIRK, path, "%d extension(s) encode critical=FALSE (the first "
			    "at %s), a DEFAULT DER omits (X.690 11.5); accepted: Luna PKCs encode it so "
			    "(Thales luna-pkc-validator's samples)", dropped, diag.path))
				x->oom = 1;
			return;
		}
		if (rc == 1 && e2 != CSRA_OK)
			diag = d2, e = e2;
	}
	snprintf(msg, sizeof(msg), "the certificate is not DER: %s at %s (offset %zu)",
	    csra_err_name(e), diag.path[0] ? diag.path : "?", diag.offset);
	fail(x, KIND ".der", CSRA_ERR_FMT_MALFORMED, path, msg);
}

/* An INTEGER's contents: 1 when its top bit is set, what Luna writes
 * for an unsigned value with its top bit set (the bytes are the value's
 * magnitude, so FF 80.. is as valid as any: two's-complement minimality
 * does not apply to them); 0 a canonical positive; -1 anything else. */
static int int_sign(const csra_cbs *v)
{
	size_t n = csra_cbs_len(v);
	const uint8_t *p = csra_cbs_data(v);
	if (n == 0 || n > 66)
		return -1;
	if (p[0] >= 0x80)
		return 1;
	return n > 1 && p[0] == 0x00 && p[1] < 0x80 ? -1 : 0;
}

static void add_unsigned(csra_cbb *b, const csra_cbs *v)
{
	csra_cbb_open(b, 0x02);
	if (csra_cbs_data(v)[0] >= 0x80) {
		uint8_t z = 0;
		csra_cbb_add_bytes(b, &z, 1);
	}
	csra_cbb_add_bytes(b, csra_cbs_data(v), csra_cbs_len(v));
	csra_cbb_close(b);
}

/* The leaf with its ECDSA signature re-encoded canonically, when the only
 * thing wrong with that signature's encoding is the sign of r or s: sets
 * |*which| ("r", "s" or "r and s"). NULL otherwise (or out of memory:
 * |*oom|). */
static X509 *canonical_leaf(const csra_verifier *v, const uint8_t *der, size_t len, const char **which,
    int *oom)
{
	struct certparts c;
	csra_cbs alg, algc, o, sig, bits, seq, r, s;
	uint8_t tag, unused;
	if (!split_cert(der, len, &c))
		return NULL;
	alg = c.alg;
	if (!csra_cbs_get_der_element(&alg, &tag, NULL, &algc) ||
	    !csra_cbs_get_der_element(&algc, &tag, NULL, &o) || tag != 0x06 ||
	    csra_cbs_len(&o) != sizeof(oid_ecdsa_sha2_arc) + 1 ||
	    memcmp(csra_cbs_data(&o), oid_ecdsa_sha2_arc, sizeof(oid_ecdsa_sha2_arc)) != 0)
		return NULL;
	sig = c.sig;
	if (!csra_cbs_get_der_element(&sig, &tag, NULL, &bits) || !csra_cbs_get_u8(&bits, &unused) ||
	    unused != 0 || !csra_cbs_get_der_element(&bits, &tag, NULL, &seq) || tag != 0x30 ||
	    csra_cbs_len(&bits) != 0 ||
	    !csra_cbs_get_der_element(&seq, &tag, NULL, &r) || tag != 0x02 ||
	    !csra_cbs_get_der_element(&seq, &tag, NULL, &s) || tag != 0x02 || csra_cbs_len(&seq) != 0)
		return NULL;
	int rn = int_sign(&r), sn = int_sign(&s);
	if (rn < 0 || sn < 0 || (rn == 0 && sn == 0))
		return NULL;
	*which = rn && sn ? "r and s" : rn ? "r" : "s";
	csra_cbb b;
	uint8_t *out = NULL;
	size_t out_len = 0;
	if (!csra_cbb_init(&b, len + 8)) {
		*oom = 1;
		return NULL;
	}
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_bytes(&b, csra_cbs_data(&c.tbs), csra_cbs_len(&c.tbs));
	csra_cbb_add_bytes(&b, csra_cbs_data(&c.alg), csra_cbs_len(&c.alg));
	csra_cbb_open(&b, 0x03);
	csra_cbb_add_bytes(&b, &unused, 1);
	csra_cbb_open(&b, 0x30);
	add_unsigned(&b, &r);
	add_unsigned(&b, &s);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, &out, &out_len)) {
		csra_cbb_cleanup(&b);
		*oom = 1;
		return NULL;
	}
	X509 *x = csra_x509_parse_cached(v, out, out_len);
	if (x == NULL || csra_x509_settle(x) != 1) {
		*oom = x == NULL;	/* it parsed once: only memory can fail */
		X509_free(x);
		x = NULL;
	}
	free(out);
	csra_clear_openssl_errors();
	return x;
}

/* The bag's certificate that issued the leaf (name and key identifier),
 * or -1. */
static int find_issuer(struct lctx *x, X509 *leaf)
{
	for (int i = 0; i < sk_X509_num(x->bag.certs); i++)
		if (i != x->leaf && X509_check_issued(sk_X509_value(x->bag.certs, i), leaf) == X509_V_OK)
			return i;
	return -1;
}

/* ak.signature: the leaf's signature by its issuer, as OpenSSL verifies
 * it; else, only for an ECDSA signature whose sole fault is a negative r
 * or s, over the same TBSCertificate with the value read unsigned. Sets
 * x->leaf_x; returns 1 if the signature verified. */
static int check_leaf_signature(struct lctx *x)
{
	char path[32];
	X509 *leaf = sk_X509_value(x->bag.certs, x->leaf);
	const struct csra_certbag_entry *en = &x->bag.entries[x->leaf];
	snprintf(path, sizeof(path), "certs[%d]", x->leaf);
	x->leaf_x = leaf;
	X509_up_ref(leaf);
	int is = find_issuer(x, leaf);
	if (is < 0) {
		fail(x, "ak.signature", CSRA_ERR_AK_CHAIN, path,
		    "no certificate of the PKC issued the leaf (name and key identifier)");
		return 0;
	}
	EVP_PKEY *key = X509_get0_pubkey(sk_X509_value(x->bag.certs, is));
	const struct csra_certbag_entry *ie = &x->bag.entries[is];
	if (key != NULL && csra_x509_verify_cached(x->v, leaf, en->der, en->len, ie->der, ie->len, key, KIND)) {
		csra_result_add(x->r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, path,
		    "the leaf's signature verifies with certs[%d]'s key", is);
		return 1;
	}
	csra_clear_openssl_errors();
	const char *which = NULL;
	X509 *canon = key != NULL ? canonical_leaf(x->v, en->der, en->len, &which, &x->oom) : NULL;
	if (canon != NULL && csra_x509_verify_cached(x->v, canon, en->der, en->len, ie->der, ie->len, key,
	    KIND "/s-read-unsigned")) {
		X509_free(x->leaf_x);
		x->leaf_x = canon;
		csra_result_add(x->r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, path,
		    "the leaf's signature verifies with certs[%d]'s key, %s read unsigned", is, which);
		if (!csra_result_add(x->r, "quirk.ecdsa-negative-s", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK,
		    path, "the leaf's ECDSA signature encodes %s as a negative INTEGER (no 0x00 pad); "
		    "accepted for the PKC leaf only, read as the unsigned value ECDSA defines "
		    "(SEC 1 4.1.4: r, s in [1, n-1]), as Luna HSMs write it", which))
			x->oom = 1;
		csra_clear_openssl_errors();
		return 1;
	}
	X509_free(canon);
	csra_clear_openssl_errors();
	fail(x, "ak.signature", CSRA_ERR_SIG_INVALID, path,
	    "the leaf's signature does not verify with its issuer's key");
	return 0;
}

/* A verify callback that lets through the leaf's signature failure (at
 * depth 0) only: ak.signature already refused it, and the rest of the path
 * still deserves checking and reporting. */
static int skip_leaf_sig(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_SIGNATURE_FAILURE &&
	    X509_STORE_CTX_get_error_depth(ctx) == 0)
		return 1;
	return ok;
}

/* ak.chain: OpenSSL's path validation from the leaf (its canonical copy
 * when the quirk applied) to a thales-luna anchor at in->at, the bag's
 * other certificates and the caller's untrusted. */
static void check_chain(struct lctx *x, int leaf_sig_ok)
{
	STACK_OF(X509) *chain = NULL;
	/* The leaf's canonical copy when the quirk applied: its signature
	 * was checked apart (ak.signature), and skip_leaf_sig says so. */
	int rc = csra_format_chain(x->v, KIND, x->in, &x->bag, x->leaf_x, x->leaf,
	    leaf_sig_ok ? NULL : skip_leaf_sig, NULL, leaf_sig_ok ? KIND : KIND "/leaf-signature-checked-apart",
	    x->r, &chain);
	if (rc != 1)
		x->ok = 0;
	if (rc < 0)
		x->oom = 1;
	sk_X509_pop_free(chain, X509_free);
}

/* The claims: what the leaf and HOC say, and what Thales documents of
 * every key it issues a PKC for (docs/formats.md). */
static void claims(struct lctx *x, const struct certparts *leaf)
{
	csra_stmt_out *out = x->out;
	char serial[16] = "", path[32];
	csra_cbs v;
	snprintf(path, sizeof(path), "certs[%d]", x->leaf);
	if (find_ext(leaf, oid_serial, sizeof(oid_serial), &v)) {
		const uint8_t *p = csra_cbs_data(&v);
		if (csra_cbs_len(&v) == 4) {
			unsigned long s = (unsigned long)p[0] | (unsigned long)p[1] << 8 |
			    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
			snprintf(serial, sizeof(serial), "%lu", s);
		}
		/* The leaf's issuer, unique to the HSM, names it by its serial too:
		 * the HOC "521174" (ECC), the DAC "Luna K7-521174" (RSA). */
		X509_NAME *n = X509_get_issuer_name(sk_X509_value(x->bag.certs, x->leaf));
		int li = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
		ASN1_STRING *cn = li >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, li)) : NULL;
		size_t sl = strlen(serial), cl = cn != NULL ? (size_t)ASN1_STRING_length(cn) : 0;
		const uint8_t *cp = cn != NULL ? ASN1_STRING_get0_data(cn) : NULL;
		int agree = sl > 0 && cl >= sl && memcmp(cp + cl - sl, serial, sl) == 0 &&
		    (cl == sl || cp[cl - sl - 1] == '-');
		if (sl == 0)
			fail(x, KIND ".extension.serial", CSRA_ERR_FMT_EXTENSION, path,
			    "the serial-number extension (1.3.6.1.4.1.12383.2.1) is not 4 octets");
		else if (!agree)
			fail(x, KIND ".extension.serial", CSRA_ERR_FMT_EXTENSION, path,
			    "the serial-number extension does not match the issuer's common name");
		else
			csra_result_add(x->r, KIND ".extension.serial", CSRA_STATUS_PASS, CSRA_OK, path,
			    "the HSM's serial number is %s", serial);
		if (!agree)
			serial[0] = '\0';
	}
	static const char vendor[] = "Thales";
	csra_stmt_add_text(out, "platform", "vendor", (const uint8_t *)vendor, sizeof(vendor) - 1);
	if (serial[0] != '\0')
		csra_stmt_add_text(out, "platform", "hwserial", (const uint8_t *)serial, strlen(serial));
	/* Thales: "A Luna (Cloud) HSM will issue confirmations only for private
	 * keys that were created by the HSM and that can never exist outside of
	 * the HSM." */
	csra_stmt_add_bool(out, "key", "local", 1);
	csra_stmt_add_bool(out, "key", "never-extractable", 1);
	csra_stmt_add_bool(out, "key", "extractable", 0);
}

static csra_err luna_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)route, (void)d;
	struct lctx x = { .v = v, .in = in, .r = child, .out = out, .ok = 1, .leaf = -1 };
	char why[160], path[32];
	out->reports_freshness = 1;
	csra_err e = csra_stmt_certbag(v, in, &x.bag, why, sizeof(why));
	if (e == CSRA_ERR_NOMEM)
		return e;
	if (e != CSRA_OK) {
		fail(&x, KIND ".decode", e == CSRA_ERR_INPUT_EMPTY ? e : CSRA_ERR_FMT_MALFORMED, "",
		    why[0] ? why : "not a certificate bag");
		goto unbound;
	}
	/* Read one over the cap (csra_stmt_certbag): past it, not looked at. */
	if (!csra_within_limit(v, child, CSRA_LIMIT_CERTS, x.bag.n, "certs")) {
		x.ok = 0;
		goto unbound;
	}
	for (int i = 0; i < sk_X509_num(x.bag.certs); i++)
		if (is_pkc_leaf(sk_X509_value(x.bag.certs, i))) {
			if (x.leaf >= 0) {
				snprintf(path, sizeof(path), "certs[%d]", i);
				fail(&x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path,
				    "a second PKC leaf (ExtendedKeyUsage 1.3.6.1.4.1.12383.1.13)");
				goto unbound;
			}
			x.leaf = i;
		}
	if (x.leaf < 0) {
		fail(&x, KIND ".decode", CSRA_ERR_FMT_NO_KEY, "",
		    "no PKC leaf (ExtendedKeyUsage 1.3.6.1.4.1.12383.1.13)");
		goto unbound;
	}
	snprintf(path, sizeof(path), "certs[%d]", x.leaf);
	struct certparts leaf;
	const struct csra_certbag_entry *en = &x.bag.entries[x.leaf];
	if (!split_cert(en->der, en->len, &leaf) || csra_cbs_len(&leaf.spki) == 0) {
		fail(&x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path, "the leaf does not split into its fields");
		goto unbound;
	}
	if (x.bag.quirks & CSRA_CERTBAG_HAS_CRLS) {
		fail(&x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, "crls",
		    "the SignedData carries CRLs: a PKC carries certificates only");
		goto unbound;
	}
	csra_result_add(child, KIND ".decode", CSRA_STATUS_PASS, CSRA_OK, path,
	    "a PKC of %d certificate(s), the leaf at certs[%d]", sk_X509_num(x.bag.certs), x.leaf);
	/* Luna writes its SignedData's SET OF certificates in chain order
	 * (Thales's RSA sample: ThalesGroup/luna-pkc-validator tests/rsa-pkc.p7b),
	 * not DER's; the order means nothing here. */
	if ((x.bag.quirks & CSRA_CERTBAG_UNSORTED_SET) &&
	    !csra_result_add(child, "quirk.unsorted-set", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "certificates",
	    "the SignedData's certificates are in chain order, not DER SET OF order (X.690 11.6); "
	    "accepted: Luna writes PKCs so"))
		x.oom = 1;
	for (size_t i = 0; i < x.bag.n && !x.oom; i++)
		check_der(&x, i);
	if (X509_get_extension_flags(sk_X509_value(x.bag.certs, x.leaf)) & EXFLAG_CA)
		fail(&x, KIND ".leaf", CSRA_ERR_AK_CHAIN, path, "the PKC leaf is a CA certificate");
	check_chain(&x, check_leaf_signature(&x));
	claims(&x, &leaf);
	if (csra_stmt_add_key(out, csra_cbs_data(&leaf.spki), csra_cbs_len(&leaf.spki)) == CSRA_ERR_NOMEM)
		x.oom = 1;
	if (x.oom)
		goto oom;
	if (csra_stmt_refused(out, child, "the PKC"))
		x.ok = 0;
	out->verified = x.ok;
	if (x.ok) {
		csra_stmt_bind(in, out, child);
		goto done;
	}
unbound:
	if (!csra_stmt_unverified(out, child))
		x.oom = 1;
	if (x.oom)
		goto oom;
done:
	X509_free(x.leaf_x);
	csra_stmt_certbag_done(in, &x.bag);
	/* A check lost to memory (a recorder's allocation) is a result that
	 * is not whole: out of memory, never CSRA_OK. */
	return child->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
oom:
	X509_free(x.leaf_x);
	csra_stmt_certbag_done(in, &x.bag);
	return CSRA_ERR_NOMEM;
}

const csra_format csra_format_thales_luna = {
	.kind = KIND,
	.handles = no_type,
	.detect = luna_detect,
	.verify = luna_verify,
};
