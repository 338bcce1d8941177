/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Yubico PIV attestation ("yubico-piv"): a YubiKey's slot attestation
 * certificate, signed by the device's F9 attestation key, whose
 * certificate chains to a Yubico PIV root (YubiKey 4 and 5 before 5.7.4)
 * or, through the published "PIV Attestation A 1/B 1" intermediates, to
 * "Yubico Attestation Root 1" (5.7.4 and later). The slot certificate's
 * key is the attested key; Yubico issues it only for keys generated on
 * the device (docs.yubico.com/hardware/oid/oid-piv-arc.html).
 *
 * The input is the slot and F9 certificates, as a PEM chain, DER or a
 * certs-only PKCS#7 (Purebred's request attribute 1.3.6.1.4.1.37623.26.4).
 * The trust store of the format holds the roots; certificates in it that
 * are not self-signed (the 2024 intermediates) only help build the path:
 * OpenSSL trusts them as anchors only under X509_V_FLAG_PARTIAL_CHAIN,
 * which this format never sets.
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

#define KIND "yubico-piv"

/* 1.3.6.1.4.1.41482.3: Yubico's PIV attestation arc. */
static const uint8_t PIV_ARC[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xc4, 0x0a, 0x03 };

enum { EXT_FIRMWARE = 3, EXT_SERIAL = 7, EXT_POLICY = 8, EXT_FORM_FACTOR = 9, EXT_FIPS = 10 };

/* The subject the YubiKey 4's F9 certificate carries (and the only one
 * whose missing basicConstraints this format accepts). */
#define F9_CN "Yubico PIV Attestation"

/* Arc 41482.3.|n|'s extension of |x|: its extnValue contents in |*v|.
 * Returns the number of such extensions (0, 1; more is malformed). */
static int piv_ext(const X509 *x, unsigned n, const ASN1_OCTET_STRING **v)
{
	int count = 0;
	*v = NULL;
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(e);
		size_t olen = (size_t)OBJ_length(o);
		const unsigned char *od = OBJ_get0_data(o);
		if (od == NULL || olen != sizeof(PIV_ARC) + 1 || memcmp(od, PIV_ARC, sizeof(PIV_ARC)) != 0 ||
		    od[sizeof(PIV_ARC)] != n)
			continue;
		if (count++ == 0)
			*v = X509_EXTENSION_get_data(e);
	}
	return count;
}

/* Whether |x| carries any extension of the PIV arc. */
static int has_piv_ext(const X509 *x)
{
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(X509_get_ext(x, i));
		const unsigned char *od = OBJ_get0_data(o);
		if (od != NULL && (size_t)OBJ_length(o) == sizeof(PIV_ARC) + 1 &&
		    memcmp(od, PIV_ARC, sizeof(PIV_ARC)) == 0)
			return 1;
	}
	return 0;
}

static int piv_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	(void)p, (void)len;
	for (size_t i = 0; bag != NULL && i < bag->n; i++)
		if (has_piv_ext(sk_X509_value(bag->certs, (int)i)))
			return 1;
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
	/* [0] version?, serial, signature, issuer, validity, subject, spki */
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

/* The F9 shape the YubiKey 4 has: named CN=Yubico PIV Attestation and
 * nothing else, no basicConstraints, and no keyUsage that forbids
 * certificate signing. */
static int f9_shape(X509 *x)
{
	uint32_t fl = X509_get_extension_flags(x);
	if (fl & EXFLAG_BCONS)
		return 0;
	if ((fl & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
		return 0;
	const X509_NAME *n = X509_get_subject_name(x);
	if (X509_NAME_entry_count(n) != 1)
		return 0;
	const X509_NAME_ENTRY *ne = X509_NAME_get_entry(n, 0);
	const ASN1_STRING *s = X509_NAME_ENTRY_get_data(ne);
	return OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne)) == NID_commonName &&
	    ASN1_STRING_length(s) == (int)strlen(F9_CN) &&
	    memcmp(ASN1_STRING_get0_data(s), F9_CN, strlen(F9_CN)) == 0;
}

#define Q_F9_NO_BC 1u
#define Q_ROOT_PATHLEN 2u

struct quirks {
	X509 *f9;		/* the bag's F9 certificate */
	unsigned accepted;	/* Q_* */
};

/* Accepts exactly the YubiKey 4 hierarchy's two deviations (see the
 * file's docs/formats.md section): the F9 certificate, at depth 1 and in
 * the F9 shape, not being a CA by basicConstraints; and a self-signed
 * root with pathLenConstraint 0 at depth 2 directly above such an F9.
 * Everything else OpenSSL reports stays an error. */
static int quirk_cb(int ok, X509_STORE_CTX *ctx)
{
	if (ok)
		return ok;
	struct quirks *q = X509_STORE_CTX_get_app_data(ctx);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	if (q == NULL || cur == NULL || chain == NULL)
		return 0;
	if (err == X509_V_ERR_INVALID_CA && depth == 1 && X509_cmp(cur, q->f9) == 0 && f9_shape(cur)) {
		q->accepted |= Q_F9_NO_BC;
		return 1;
	}
	if (err == X509_V_ERR_PATH_LENGTH_EXCEEDED && depth == 2 && sk_X509_num(chain) == 3 &&
	    (X509_get_extension_flags(cur) & EXFLAG_SS) && X509_get_pathlen(cur) == 0 &&
	    X509_cmp(sk_X509_value(chain, 1), q->f9) == 0 && f9_shape(sk_X509_value(chain, 1))) {
		q->accepted |= Q_ROOT_PATHLEN;
		return 1;
	}
	return 0;
}

/* Path validation of |leaf| to the format's roots, at in->at, with the
 * bag and the caller's certificates as untrusted helpers. */
static csra_err check_chain(const csra_verifier *v, const csra_stmt_in *in, const csra_certbag *b,
    X509 *leaf, X509 *f9, csra_result *r, int *ok)
{
	*ok = 0;
	struct quirks q = { f9, 0 };
	STACK_OF(X509) *chain = NULL;
	int vr = csra_format_chain(v, KIND, in, b, leaf, -1, quirk_cb, &q, KIND "/yubikey4-quirks", r, &chain);
	if (vr < 0)
		return CSRA_ERR_NOMEM;
	if (vr == 1) {
		*ok = 1;
		/* Which deviations the path holds, from its certificates: a
		 * cached path did not run the callback. */
		X509 *mid = sk_X509_num(chain) >= 2 ? sk_X509_value(chain, 1) : NULL;
		X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
		if (mid != NULL && X509_cmp(mid, f9) == 0 && !(X509_get_extension_flags(mid) & EXFLAG_BCONS))
			q.accepted |= Q_F9_NO_BC;
		if (sk_X509_num(chain) == 3 && mid != NULL && X509_cmp(mid, f9) == 0 &&
		    (X509_get_extension_flags(top) & EXFLAG_SS) && X509_get_pathlen(top) == 0)
			q.accepted |= Q_ROOT_PATHLEN;
	} else {
		q.accepted = 0;
	}
	if (q.accepted & Q_F9_NO_BC)
		csra_result_add(r, "quirk.f9-no-basic-constraints", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "",
		    "accepted: the device's F9 certificate (CN=" F9_CN ") has no basicConstraints, as on "
		    "every YubiKey 4; Yubico documents F9 as the issuer of slot attestations");
	if (q.accepted & Q_ROOT_PATHLEN)
		csra_result_add(r, "quirk.root-pathlen", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, "",
		    "accepted: the Yubico PIV root's first issue carries pathLenConstraint 0, yet Yubico "
		    "chains the F9 certificate below it (the 2018 re-issue, same key, has pathlen 1)");
	sk_X509_pop_free(chain, X509_free);
	csra_clear_openssl_errors();
	return CSRA_OK;
}

static const char *pin_policy(unsigned b)
{
	static const char *const n[] = { NULL, "never", "once", "always", "match-once", "match-always" };
	return b < sizeof(n) / sizeof(n[0]) ? n[b] : NULL;
}

static const char *touch_policy(unsigned b)
{
	static const char *const n[] = { NULL, "never", "always", "cached" };
	return b < sizeof(n) / sizeof(n[0]) ? n[b] : NULL;
}

static const char *form_factor(unsigned b)
{
	static const char *const n[] = { "unspecified", "usb-a-keychain", "usb-a-nano", "usb-c-keychain",
		"usb-c-nano", "usb-c-lightning", "usb-a-bio-keychain", "usb-c-bio-keychain" };
	return b < sizeof(n) / sizeof(n[0]) ? n[b] : NULL;
}

static csra_err text(csra_stmt_out *out, const char *element, const char *name, const char *s)
{
	return csra_stmt_add_text(out, element, name, (const uint8_t *)s, strlen(s));
}

/* Decodes the leaf's Yubico extensions (and F9's FIPS mark) strictly and
 * adds the claims they carry. Returns 1 if all that are present decode. */
static int check_extensions(X509 *leaf, int li, X509 *f9, int fi, csra_result *r, csra_stmt_out *out)
{
	char path[32], fpath[32], model[48] = "YubiKey";
	const ASN1_OCTET_STRING *v;
	int good = 1, n;
	snprintf(path, sizeof(path), "certs[%d]", li);
	snprintf(fpath, sizeof(fpath), "certs[%d]", fi);

	/* .3.3 firmware: three octets, major.minor.patch. */
	if ((n = piv_ext(leaf, EXT_FIRMWARE, &v)) > 0) {
		const uint8_t *d = ASN1_STRING_get0_data(v);
		if (n > 1 || ASN1_STRING_length(v) != 3) {
			good = 0;
			csra_result_add(r, "yubico-piv.extension.firmware", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION,
			    path, "extension 1.3.6.1.4.1.41482.3.3 (firmware) must appear once with 3 octets");
		} else {
			char fw[16];
			snprintf(fw, sizeof(fw), "%u.%u.%u", d[0], d[1], d[2]);
			snprintf(model, sizeof(model), "YubiKey %u", d[0]);
			text(out, "platform", "swversion", fw);
			csra_result_add(r, "yubico-piv.extension.firmware", CSRA_STATUS_PASS, CSRA_OK, path,
			    "firmware %s", fw);
		}
	}
	/* .3.7 serial: a DER INTEGER, positive. */
	if ((n = piv_ext(leaf, EXT_SERIAL, &v)) > 0) {
		const unsigned char *p = ASN1_STRING_get0_data(v);
		ASN1_INTEGER *i = n == 1 ? d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(v)) : NULL;
		int64_t s = 0;
		if (i == NULL || p != ASN1_STRING_get0_data(v) + ASN1_STRING_length(v) ||
		    ASN1_INTEGER_get_int64(&s, i) != 1 || s < 0) {
			good = 0;
			csra_result_add(r, "yubico-piv.extension.serial", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION,
			    path, "extension 1.3.6.1.4.1.41482.3.7 (serial) must appear once as a non-negative INTEGER");
		} else {
			char sn[24];
			snprintf(sn, sizeof(sn), "%lld", (long long)s);
			text(out, "platform", "hwserial", sn);
			csra_result_add(r, "yubico-piv.extension.serial", CSRA_STATUS_PASS, CSRA_OK, path,
			    "serial %s", sn);
		}
		ASN1_INTEGER_free(i);
		csra_clear_openssl_errors();
	}
	/* .3.8 PIN and touch policy: two octets. */
	if ((n = piv_ext(leaf, EXT_POLICY, &v)) > 0) {
		const uint8_t *d = ASN1_STRING_get0_data(v);
		const char *pin = NULL, *touch = NULL;
		if (n == 1 && ASN1_STRING_length(v) == 2) {
			pin = pin_policy(d[0]);
			touch = touch_policy(d[1]);
		}
		if (pin == NULL || touch == NULL) {
			good = 0;
			csra_result_add(r, "yubico-piv.extension.policy", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION,
			    path, "extension 1.3.6.1.4.1.41482.3.8 (PIN and touch policy) must appear once with "
			    "2 octets of known values");
		} else {
			text(out, "key", "pin-policy", pin);
			text(out, "key", "touch-policy", touch);
			csra_result_add(r, "yubico-piv.extension.policy", CSRA_STATUS_PASS, CSRA_OK, path,
			    "PIN policy %s, touch policy %s", pin, touch);
		}
	}
	/* .3.9 form factor: one octet, 0x80 FIPS series, 0x40 CSPN series. */
	int fips_series = 0;
	if ((n = piv_ext(leaf, EXT_FORM_FACTOR, &v)) > 0) {
		const uint8_t *d = ASN1_STRING_get0_data(v);
		const char *ff = n == 1 && ASN1_STRING_length(v) == 1 ? form_factor(d[0] & 0x3f) : NULL;
		if (ff == NULL) {
			good = 0;
			csra_result_add(r, "yubico-piv.extension.form-factor", CSRA_STATUS_FAIL,
			    CSRA_ERR_FMT_EXTENSION, path, "extension 1.3.6.1.4.1.41482.3.9 (form factor) must "
			    "appear once with 1 octet of a known value");
		} else {
			fips_series = (d[0] & 0x80) != 0;
			text(out, "platform", "form-factor", ff);
			if (fips_series)
				strncat(model, " FIPS", sizeof(model) - strlen(model) - 1);
			if (d[0] & 0x40)
				strncat(model, " CSPN", sizeof(model) - strlen(model) - 1);
			csra_result_add(r, "yubico-piv.extension.form-factor", CSRA_STATUS_PASS, CSRA_OK, path,
			    "form factor %s%s", ff, fips_series ? ", FIPS series" : "");
		}
	}
	/* .3.10 FIPS: present on the F9 certificates of FIPS devices; its
	 * value's encoding is not documented, only its presence is read. */
	int nf = piv_ext(f9, EXT_FIPS, &v), nl = piv_ext(leaf, EXT_FIPS, &v);
	if (nf > 1 || nl > 1) {
		good = 0;
		csra_result_add(r, "yubico-piv.extension.fips", CSRA_STATUS_FAIL, CSRA_ERR_FMT_EXTENSION,
		    nf > 1 ? fpath : path, "extension 1.3.6.1.4.1.41482.3.10 (FIPS) appears more than once");
	} else if (nf + nl > 0) {
		csra_result_add(r, "yubico-piv.extension.fips", CSRA_STATUS_PASS, CSRA_OK, nf ? fpath : path,
		    "FIPS device mark present");
	}
	text(out, "platform", "vendor", "Yubico");
	text(out, "platform", "hwmodel", model);
	if (fips_series || nf + nl > 0)
		csra_stmt_add_bool(out, "platform", "fipsboot", 1);
	return good;
}

static csra_err piv_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *r, csra_stmt_out *out)
{
	(void)route;
	(void)d;
	/* PIV attestations carry no nonce: the request layer says what that
	 * means under the policy. */
	out->reports_freshness = 1;
	out->freshness = CSRA_FRESHNESS_NONE;
	csra_certbag b;
	csra_err e;
	int ok = csra_format_open_bag(v, KIND, in, r, &b, &e);
	if (e == CSRA_ERR_NOMEM)
		return e;
	int li = -1, fi = -1;
	/* 1: the leaf and its issuer; -1: no single leaf; 0, -2: no issuer,
	 * or several (csra_certbag_leaf). */
	int found = ok ? csra_certbag_leaf(&b, &li, &fi) : 1;
	if (ok) {
		if (found != 1)
			ok = csra_result_add(r, "yubico-piv.leaf", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "", "%s",
			    found == -1 ? "not exactly one certificate issues no other: which is the slot "
			    "certificate is ambiguous" : found == -2 ? "several certificates could have issued the slot "
			    "certificate" : "the device's F9 certificate (the slot certificate's issuer) is missing") && 0;
		else
			csra_result_add(r, "yubico-piv.leaf", CSRA_STATUS_PASS, CSRA_OK, "",
			    "slot certificate certs[%d], F9 certificate certs[%d]", li, fi);
	}
	if (!ok) {
		csra_stmt_unverified(out, r);
		csra_stmt_certbag_done(in, &b);
		return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
	}
	X509 *leaf = sk_X509_value(b.certs, li), *f9 = sk_X509_value(b.certs, fi);
	char lpath[32];
	snprintf(lpath, sizeof(lpath), "certs[%d]", li);

	int exts = check_extensions(leaf, li, f9, fi, r, out);

	/* The attestation itself: the slot certificate's signature by F9. */
	EVP_PKEY *fk = X509_get0_pubkey(f9);
	int sig = fk != NULL && csra_x509_verify_cached(v, leaf, b.entries[li].der, b.entries[li].len,
	    b.entries[fi].der, b.entries[fi].len, fk, KIND);
	csra_clear_openssl_errors();
	if (sig)
		csra_result_add(r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, lpath,
		    "the slot certificate's signature verifies with the F9 key");
	else
		csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, lpath,
		    "the slot certificate's signature does not verify with the F9 key");

	int chain = 0;
	e = check_chain(v, in, &b, leaf, f9, r, &chain);
	const uint8_t *spki = NULL;
	size_t spki_len = 0;
	int key = e == CSRA_OK && cert_spki(b.entries[li].der, b.entries[li].len, &spki, &spki_len);
	if (e == CSRA_OK && !key)
		csra_result_add(r, "yubico-piv.key", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, lpath,
		    "the slot certificate's SubjectPublicKeyInfo cannot be read");
	else if (e == CSRA_OK && csra_stmt_add_key(out, spki, spki_len) == CSRA_ERR_NOMEM)
		e = CSRA_ERR_NOMEM;
	if (e == CSRA_OK) {
		int held = exts && sig && chain && key;
		if (held) {
			/* Yubico attests only keys generated on the device
			 * (oid-piv-arc), and PIV has no command that exports a
			 * private key (SP 800-73-4; Yubico's extensions add none). */
			csra_stmt_add_bool(out, "key", "local", 1);
			csra_stmt_add_bool(out, "key", "extractable", 0);
			csra_stmt_add_bool(out, "key", "never-extractable", 1);
			csra_stmt_add_bool(out, "key", "sensitive", 1);
		}
		out->verified = held && !csra_stmt_refused(out, r, "the attestation");
		csra_stmt_bind(in, out, r);
		if (out->err == CSRA_ERR_NOMEM)
			e = CSRA_ERR_NOMEM;
	}
	csra_stmt_certbag_done(in, &b);
	return e == CSRA_OK && r->nomem ? CSRA_ERR_NOMEM : e;
}

/* Never inside an AttestationBundle: no statement type. */
static int piv_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

const csra_format csra_format_yubico_piv = {
	.kind = KIND,
	.handles = piv_handles,
	.detect = piv_detect,
	.verify = piv_verify,
};
