/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * YubiHSM 2 key attestation ("yubihsm2"): an X.509 certificate the HSM
 * issues for one of its asymmetric keys with its pre-loaded attestation
 * key ("YubiHSM Attestation (<serial>)"), which chains through a
 * "Yubico YubiHSM <n> Sub-CA" to "Yubico YubiHSM Root CA". The leaf's
 * key is the attested key; its Yubico extensions say how the key came to
 * be (origin) and what it may do (capabilities), per
 * docs.yubico.com/hardware/oid/oid-product-arc.html. The chain is plain
 * X.509: no deviation is accepted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

#define KIND "yubihsm2"

/* 1.3.6.1.4.1.41482.4: Yubico's YubiHSM arc. */
static const uint8_t HSM_ARC[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xc4, 0x0a, 0x04 };

enum { EXT_FIRMWARE = 1, EXT_SERIAL = 2, EXT_ORIGIN = 3, EXT_DOMAINS = 4, EXT_CAPABILITIES = 5,
	EXT_ID = 6, EXT_LABEL = 9, EXT_FIPS = 10 };

/* yubihsm-shell's lib/yubihsm.h: origin bits, and the capability
 * "exportable-under-wrap" (bit 0x10 of the 64-bit big-endian set). */
#define ORIGIN_GENERATED 0x01
#define ORIGIN_IMPORTED 0x02
#define ORIGIN_IMPORTED_WRAPPED 0x10
#define CAP_EXPORTABLE_UNDER_WRAP 0x10

/* Arc 41482.4.|n|'s extension of |x|: its extnValue contents in |*v|.
 * Returns how many there are. */
static int hsm_ext(const X509 *x, unsigned n, const ASN1_OCTET_STRING **v)
{
	int count = 0;
	*v = NULL;
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(e);
		const unsigned char *od = OBJ_get0_data(o);
		if (od == NULL || (size_t)OBJ_length(o) != sizeof(HSM_ARC) + 1 ||
		    memcmp(od, HSM_ARC, sizeof(HSM_ARC)) != 0 || od[sizeof(HSM_ARC)] != n)
			continue;
		if (count++ == 0)
			*v = X509_EXTENSION_get_data(e);
	}
	return count;
}

static int has_hsm_ext(const X509 *x)
{
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(X509_get_ext(x, i));
		const unsigned char *od = OBJ_get0_data(o);
		if (od != NULL && (size_t)OBJ_length(o) == sizeof(HSM_ARC) + 1 &&
		    memcmp(od, HSM_ARC, sizeof(HSM_ARC)) == 0)
			return 1;
	}
	return 0;
}

static int hsm_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	(void)p, (void)len;
	for (size_t i = 0; bag != NULL && i < bag->n; i++)
		if (has_hsm_ext(sk_X509_value(bag->certs, (int)i)))
			return 1;
	return 0;
}

static int hsm_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

/* The SubjectPublicKeyInfo of the certificate |der|/|len|, as received. */
static int cert_spki(const uint8_t *der, size_t len, const uint8_t **spki, size_t *spki_len)
{
	csra_cbs c, cert, tbs, whole;
	uint8_t tag;
	csra_cbs_init(&c, der, len);
	if (!csra_cbs_get_der_element(&c, &tag, &whole, &cert) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&cert, &tag, &whole, &tbs) || tag != 0x30)
		return 0;
	if (csra_cbs_len(&tbs) > 0 && csra_cbs_data(&tbs)[0] == 0xa0 &&
	    !csra_cbs_get_der_element(&tbs, &tag, &whole, NULL))
		return 0;
	for (int i = 0; i < 6; i++)
		if (!csra_cbs_get_der_element(&tbs, &tag, &whole, NULL))
			return 0;
	if (tag != 0x30)
		return 0;
	*spki = csra_cbs_data(&whole);
	*spki_len = csra_cbs_len(&whole);
	return 1;
}

/* The extension's value as one DER element of tag |want| filling it: its
 * contents in |*c|/|*n|. */
static int ext_tlv(const ASN1_OCTET_STRING *v, uint8_t want, const uint8_t **c, size_t *n)
{
	csra_cbs s, whole, contents;
	uint8_t tag;
	csra_cbs_init(&s, ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
	if (!csra_cbs_get_der_element(&s, &tag, &whole, &contents) || tag != want || csra_cbs_len(&s) != 0)
		return 0;
	*c = csra_cbs_data(&contents);
	*n = csra_cbs_len(&contents);
	return 1;
}

/* A DER INTEGER's contents: minimal, non-negative, at most 8 octets. */
static int der_uint(const uint8_t *c, size_t n, uint64_t *out)
{
	if (n == 0 || n > 9 || (c[0] & 0x80) || (n > 1 && c[0] == 0 && !(c[1] & 0x80)) || (n == 9 && c[0]))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | c[i];
	*out = v;
	return 1;
}

/* A BIT STRING of |bytes| whole octets: no unused bits. */
static int bits(const ASN1_OCTET_STRING *v, size_t bytes, const uint8_t **b)
{
	const uint8_t *c;
	size_t n;
	if (!ext_tlv(v, 0x03, &c, &n) || n != bytes + 1 || c[0] != 0)
		return 0;
	*b = c + 1;
	return 1;
}

/* Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code
 * points past U+10FFFF. */
static int utf8_ok(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		size_t k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 :
		    c >= 0xf0 && c <= 0xf4 ? 3 : 4;
		if (k == 4 || n - i - 1 < k)
			return 0;
		uint32_t cp = k == 0 ? c : (uint32_t)(c & (0x3f >> k));
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

static csra_err text(csra_stmt_out *out, const char *element, const char *name, const char *s)
{
	return csra_stmt_add_text(out, element, name, (const uint8_t *)s, strlen(s));
}

static const char *origin_name(uint8_t o)
{
	switch (o) {
	case ORIGIN_GENERATED: return "generated";
	case ORIGIN_IMPORTED: return "imported";
	case ORIGIN_GENERATED | ORIGIN_IMPORTED_WRAPPED: return "generated+imported-wrapped";
	case ORIGIN_IMPORTED | ORIGIN_IMPORTED_WRAPPED: return "imported+imported-wrapped";
	default: return NULL;
	}
}

#define BAD(name, oid, what) do { good = 0; csra_result_add(r, "yubihsm2.extension." name, \
	CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION, path, "extension 1.3.6.1.4.1.41482.4." oid " (" name \
	") must appear once as " what); } while (0)

/* Decodes the Yubico extensions of the leaf (and the device
 * certificate's FIPS mark) strictly; adds their claims. Returns 1 if all
 * present decode and the key's origin and capabilities are there. */
static int check_extensions(X509 *leaf, int li, X509 *dev, int di, csra_result *r, csra_stmt_out *out)
{
	char path[32], buf[40];
	const ASN1_OCTET_STRING *v;
	const uint8_t *c;
	size_t n;
	uint64_t u;
	int good = 1, k;
	snprintf(path, sizeof(path), "certs[%d]", li);

	if ((k = hsm_ext(leaf, EXT_FIRMWARE, &v)) > 0) {
		if (k > 1 || !ext_tlv(v, 0x04, &c, &n) || n != 3)
			BAD("firmware", "1", "an OCTET STRING of 3 octets");
		else {
			snprintf(buf, sizeof(buf), "%u.%u.%u", c[0], c[1], c[2]);
			text(out, "platform", "swversion", buf);
			csra_result_add(r, "yubihsm2.extension.firmware", CSRA_STATUS_PASS, CSRA_OK, path,
			    "firmware %s", buf);
		}
	}
	if ((k = hsm_ext(leaf, EXT_SERIAL, &v)) > 0) {
		if (k > 1 || !ext_tlv(v, 0x02, &c, &n) || !der_uint(c, n, &u))
			BAD("serial", "2", "a non-negative INTEGER");
		else {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)u);
			text(out, "platform", "hwserial", buf);
			csra_result_add(r, "yubihsm2.extension.serial", CSRA_STATUS_PASS, CSRA_OK, path,
			    "serial %s", buf);
		}
	}
	/* Origin and capabilities are what the claims rest on: required. */
	const char *origin = NULL;
	uint8_t o = 0;
	if ((k = hsm_ext(leaf, EXT_ORIGIN, &v)) != 1 || !bits(v, 1, &c) || (origin = origin_name(c[0])) == NULL) {
		BAD("origin", "3", "a BIT STRING of 1 octet of known origin bits");
	} else {
		o = c[0];
		text(out, "key", "origin", origin);
		csra_stmt_add_bool(out, "key", "local", o == ORIGIN_GENERATED);
		csra_result_add(r, "yubihsm2.extension.origin", CSRA_STATUS_PASS, CSRA_OK, path,
		    "origin 0x%02x (%s)", o, origin);
	}
	if ((k = hsm_ext(leaf, EXT_DOMAINS, &v)) > 0) {
		if (k > 1 || !bits(v, 2, &c))
			BAD("domains", "4", "a BIT STRING of 2 octets");
		else {
			snprintf(buf, sizeof(buf), "%02x%02x", c[0], c[1]);
			text(out, "key", "domains", buf);
			csra_result_add(r, "yubihsm2.extension.domains", CSRA_STATUS_PASS, CSRA_OK, path,
			    "domains 0x%s", buf);
		}
	}
	if ((k = hsm_ext(leaf, EXT_CAPABILITIES, &v)) != 1 || !bits(v, 8, &c)) {
		BAD("capabilities", "5", "a BIT STRING of 8 octets");
	} else {
		for (int i = 0; i < 8; i++)
			snprintf(buf + 2 * i, sizeof(buf) - 2 * (size_t)i, "%02x", c[i]);
		/* Bit b of the set is octet 7 - b/8, bit b%8 (lib/yubihsm.c). */
		int exportable = (c[7 - CAP_EXPORTABLE_UNDER_WRAP / 8] >> (CAP_EXPORTABLE_UNDER_WRAP % 8)) & 1;
		text(out, "key", "capabilities", buf);
		csra_stmt_add_bool(out, "key", "exportable-under-wrap", exportable);
		/* A key exportable under wrap leaves the HSM (encrypted): it
		 * is extractable. Yubico's PKCS#11 module sets
		 * CKA_NEVER_EXTRACTABLE from the same bit. */
		csra_stmt_add_bool(out, "key", "extractable", exportable);
		csra_stmt_add_bool(out, "key", "never-extractable", !exportable);
		csra_result_add(r, "yubihsm2.extension.capabilities", CSRA_STATUS_PASS, CSRA_OK, path,
		    "capabilities 0x%s%s", buf, exportable ? " (exportable-under-wrap)" : "");
	}
	if ((k = hsm_ext(leaf, EXT_ID, &v)) > 0) {
		if (k > 1 || !ext_tlv(v, 0x02, &c, &n) || !der_uint(c, n, &u) || u > 0xffff)
			BAD("id", "6", "an INTEGER from 0 to 65535");
		else {
			csra_stmt_add_int(out, "key", "object-id", (int64_t)u);
			csra_result_add(r, "yubihsm2.extension.id", CSRA_STATUS_PASS, CSRA_OK, path,
			    "object id 0x%04llx", (unsigned long long)u);
		}
	}
	if ((k = hsm_ext(leaf, EXT_LABEL, &v)) > 0) {
		/* Labels are 40 bytes at most (YH_OBJ_LABEL_LEN). */
		if (k > 1 || !ext_tlv(v, 0x0c, &c, &n) || n > 40 || memchr(c, 0, n) != NULL || !utf8_ok(c, n))
			BAD("label", "9", "a UTF8String of at most 40 bytes");
		else {
			csra_stmt_add_text(out, "key", "label", c, n);
			csra_result_add(r, "yubihsm2.extension.label", CSRA_STATUS_PASS, CSRA_OK, path,
			    "label of %zu bytes", n);
		}
	}
	/* .4.10 FIPS: an INTEGER on the device certificate (oid-product-arc
	 * lists it without saying what its values mean: reported as is). */
	int kd = hsm_ext(dev, EXT_FIPS, &v);
	if (kd > 0) {
		snprintf(path, sizeof(path), "certs[%d]", di);
		if (kd > 1 || !ext_tlv(v, 0x02, &c, &n) || !der_uint(c, n, &u) || u > 0xffff)
			BAD("fips", "10", "an INTEGER from 0 to 65535");
		else {
			csra_stmt_add_int(out, "platform", "fips-indicator", (int64_t)u);
			csra_result_add(r, "yubihsm2.extension.fips", CSRA_STATUS_PASS, CSRA_OK, path,
			    "FIPS extension value %llu", (unsigned long long)u);
		}
	}
	text(out, "platform", "vendor", "Yubico");
	text(out, "platform", "hwmodel", "YubiHSM 2");
	/* The HSM never reveals a private key in the clear: only wrapped
	 * (YubiHSM 2 User Guide, Core Concepts, Objects). */
	csra_stmt_add_bool(out, "key", "sensitive", 1);
	return good;
}

/* Path validation of |leaf| to the format's roots at in->at. */
static csra_err check_chain(const csra_verifier *v, const csra_stmt_in *in, const csra_certbag *b,
    X509 *leaf, csra_result *r, int *ok)
{
	*ok = 0;
	STACK_OF(X509) *chain = NULL;
	int vr = csra_format_chain(v, KIND, in, b, leaf, -1, NULL, NULL, NULL, r, &chain);
	sk_X509_pop_free(chain, X509_free);
	if (vr < 0)
		return CSRA_ERR_NOMEM;
	*ok = vr == 1;
	return CSRA_OK;
}

static csra_err hsm_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *r, csra_stmt_out *out)
{
	(void)route;
	(void)d;
	/* No nonce in a YubiHSM attestation: the request layer judges. */
	out->reports_freshness = 1;
	out->freshness = CSRA_FRESHNESS_NONE;
	csra_certbag b;
	csra_err e;
	int ok = csra_format_open_bag(v, KIND, in, r, &b, &e);
	if (e == CSRA_ERR_NOMEM)
		return e;
	int li = -1, di = -1;
	/* 1: the leaf and its issuer; -1: no single leaf; 0, -2: no issuer,
	 * or several (csra_certbag_leaf). */
	int found = ok ? csra_certbag_leaf(&b, &li, &di) : 1;
	if (ok) {
		if (found != 1)
			ok = csra_result_add(r, "yubihsm2.leaf", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "", "%s",
			    found == -1 ? "not exactly one certificate issues no other: which is the key's "
			    "certificate is ambiguous" : found == -2 ? "several certificates could have issued the key's "
			    "certificate" : "the device's attestation certificate (the key certificate's issuer) "
			    "is missing") && 0;
		else
			csra_result_add(r, "yubihsm2.leaf", CSRA_STATUS_PASS, CSRA_OK, "",
			    "key certificate certs[%d], device certificate certs[%d]", li, di);
	}
	if (!ok) {
		csra_stmt_unverified(out, r);
		csra_stmt_certbag_done(in, &b);
		return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
	}
	X509 *leaf = sk_X509_value(b.certs, li), *dev = sk_X509_value(b.certs, di);
	char lpath[32];
	snprintf(lpath, sizeof(lpath), "certs[%d]", li);

	int exts = check_extensions(leaf, li, dev, di, r, out);
	EVP_PKEY *dk = X509_get0_pubkey(dev);
	int sig = dk != NULL && csra_x509_verify_cached(v, leaf, b.entries[li].der, b.entries[li].len,
	    b.entries[di].der, b.entries[di].len, dk, KIND);
	csra_clear_openssl_errors();
	if (sig)
		csra_result_add(r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, lpath,
		    "the key certificate's signature verifies with the device's attestation key");
	else
		csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, lpath,
		    "the key certificate's signature does not verify with the device's attestation key");

	int chain = 0;
	e = check_chain(v, in, &b, leaf, r, &chain);
	const uint8_t *spki = NULL;
	size_t spki_len = 0;
	int key = e == CSRA_OK && cert_spki(b.entries[li].der, b.entries[li].len, &spki, &spki_len);
	if (e == CSRA_OK && !key)
		csra_result_add(r, "yubihsm2.key", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, lpath,
		    "the key certificate's SubjectPublicKeyInfo cannot be read");
	else if (e == CSRA_OK && csra_stmt_add_key(out, spki, spki_len) == CSRA_ERR_NOMEM)
		e = CSRA_ERR_NOMEM;
	if (e == CSRA_OK) {
		out->verified = exts && sig && chain && key && !csra_stmt_refused(out, r, "the attestation");
		csra_stmt_bind(in, out, r);
		if (out->err == CSRA_ERR_NOMEM)
			e = CSRA_ERR_NOMEM;
	}
	csra_stmt_certbag_done(in, &b);
	return e == CSRA_OK && r->nomem ? CSRA_ERR_NOMEM : e;
}

const csra_format csra_format_yubihsm2 = {
	.kind = KIND,
	.handles = hsm_handles,
	.detect = hsm_detect,
	.verify = hsm_verify,
};
