/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One certificate link checked without OpenSSL's certificate parser and
 * path validation (csra_fastlink.h). Every rule below mirrors what OpenSSL
 * 3.0's X509_verify_cert does for a leaf under a partial-chain anchor, and
 * names the function it mirrors; whatever is not modelled defers.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "csra_cbs.h"
#include "csra_codec_int.h"
#include "csra_fastlink.h"
#include "csra_verify_int.h"

/* Parse ------------------------------------------------------------------ */

static int elem(csra_cbs *in, uint8_t want, csra_cbs *whole, csra_cbs *contents)
{
	uint8_t tag;
	csra_cbs w, c;
	csra_cbs cur = *in;
	if (csra_cbs_len(&cur) == 0 || csra_cbs_data(&cur)[0] != want ||
	    !csra_cbs_get_der_element(&cur, &tag, &w, &c))
		return 0;
	*in = cur;
	if (whole != NULL)
		*whole = w;
	if (contents != NULL)
		*contents = c;
	return 1;
}

static int parse_ext(csra_cbs *exts, struct csra_fastlink_ext *e)
{
	csra_cbs ext, oid, crit, val;
	if (!elem(exts, 0x30, NULL, &ext) || !elem(&ext, 0x06, NULL, &oid))
		return 0;
	e->critical = 0;
	if (elem(&ext, 0x01, NULL, &crit)) {
		/* DER: the DEFAULT FALSE is never encoded, TRUE is FF. */
		if (csra_cbs_len(&crit) != 1 || csra_cbs_data(&crit)[0] != 0xff)
			return 0;
		e->critical = 1;
	}
	if (!elem(&ext, 0x04, NULL, &val) || csra_cbs_len(&ext) != 0)
		return 0;
	e->oid = csra_cbs_data(&oid);
	e->oid_len = csra_cbs_len(&oid);
	e->value = csra_cbs_data(&val);
	e->value_len = csra_cbs_len(&val);
	return 1;
}

int csra_fastlink_parse(const uint8_t *der, size_t len, int strict_done, csra_fastlink_cert *c)
{
	memset(c, 0, sizeof(*c));
	if (!strict_done) {
		csra_decoded *d = NULL;
		csra_err e = csra_decode(NULL, CSRA_PDU_CERTIFICATE, der, len, &d, NULL);
		csra_decoded_free(&d);
		if (e != CSRA_OK)
			return 0;
	}
	csra_cbs in, cert, tbs, tbs_whole, w, x, v;
	csra_cbs_init(&in, der, len);
	if (!elem(&in, 0x30, NULL, &cert) || csra_cbs_len(&in) != 0 ||
	    !elem(&cert, 0x30, &tbs_whole, &tbs))
		return 0;
	c->tbs = csra_cbs_data(&tbs_whole);
	c->tbs_len = csra_cbs_len(&tbs_whole);
	if (!elem(&cert, 0x30, &w, NULL))
		return 0;
	c->sig_alg = csra_cbs_data(&w);
	c->sig_alg_len = csra_cbs_len(&w);
	if (!elem(&cert, 0x03, NULL, &x) || csra_cbs_len(&cert) != 0 || csra_cbs_len(&x) < 1)
		return 0;
	c->sig_unused = csra_cbs_data(&x)[0];
	c->sig = csra_cbs_data(&x) + 1;
	c->sig_len = csra_cbs_len(&x) - 1;
	/* TBSCertificate. */
	c->version = 0;
	if (elem(&tbs, 0xa0, NULL, &x)) {
		if (!elem(&x, 0x02, NULL, &v) || csra_cbs_len(&x) != 0 || csra_cbs_len(&v) != 1)
			return 0;
		c->version = csra_cbs_data(&v)[0];
	}
	if (!elem(&tbs, 0x02, NULL, &v))
		return 0;
	c->serial = csra_cbs_data(&v);
	c->serial_len = csra_cbs_len(&v);
	if (!elem(&tbs, 0x30, &w, NULL))
		return 0;
	c->tbs_sig_alg = csra_cbs_data(&w);
	c->tbs_sig_alg_len = csra_cbs_len(&w);
	if (!elem(&tbs, 0x30, &w, NULL))
		return 0;
	c->issuer = csra_cbs_data(&w);
	c->issuer_len = csra_cbs_len(&w);
	if (!elem(&tbs, 0x30, NULL, &x))
		return 0;
	uint8_t t = 0;
	if (csra_cbs_len(&x) == 0)
		return 0;
	t = csra_cbs_data(&x)[0];
	if ((t != 0x17 && t != 0x18) || !elem(&x, t, NULL, &v))
		return 0;
	c->nb_tag = t;
	c->not_before = csra_cbs_data(&v);
	c->nb_len = csra_cbs_len(&v);
	if (csra_cbs_len(&x) == 0)
		return 0;
	t = csra_cbs_data(&x)[0];
	if ((t != 0x17 && t != 0x18) || !elem(&x, t, NULL, &v) || csra_cbs_len(&x) != 0)
		return 0;
	c->na_tag = t;
	c->not_after = csra_cbs_data(&v);
	c->na_len = csra_cbs_len(&v);
	if (!elem(&tbs, 0x30, &w, NULL))
		return 0;
	c->subject = csra_cbs_data(&w);
	c->subject_len = csra_cbs_len(&w);
	if (!elem(&tbs, 0x30, &w, NULL))
		return 0;
	c->spki = csra_cbs_data(&w);
	c->spki_len = csra_cbs_len(&w);
	if (elem(&tbs, 0x81, NULL, NULL))
		c->unique_ids = 1;
	if (elem(&tbs, 0x82, NULL, NULL))
		c->unique_ids = 1;
	if (elem(&tbs, 0xa3, NULL, &x)) {
		csra_cbs exts;
		c->has_exts = 1;
		if (!elem(&x, 0x30, NULL, &exts) || csra_cbs_len(&x) != 0)
			return 0;
		while (csra_cbs_len(&exts) > 0) {
			struct csra_fastlink_ext e;
			if (!parse_ext(&exts, &e))
				return 0;
			if (c->n_exts < CSRA_FASTLINK_MAX_EXTS)
				c->exts[c->n_exts++] = e;
			else
				c->too_many_exts = 1;
		}
	}
	return csra_cbs_len(&tbs) == 0;
}

/* Times ------------------------------------------------------------------ */

static int digits(const uint8_t *p, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days from 1970-01-01 to |y|-|m|-|d| (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int csra_fastlink_time(uint8_t tag, const uint8_t *p, size_t len, int64_t *out)
{
	/* X509_cmp_time: exactly YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ, digits
	 * then Z; ossl_asn1_time_to_tm: UTCTime years 50..99 are 19xx, the
	 * rest 20xx; month 1..12, day within the month (leap years), hour
	 * 0..23, minute and second 0..59. */
	int year, mon, day, hour, min, sec;
	size_t yl = tag == 0x17 ? 2 : tag == 0x18 ? 4 : 0;
	if (yl == 0 || len != yl + 11 || p[len - 1] != 'Z' || !digits(p, yl, &year) ||
	    !digits(p + yl, 2, &mon) || !digits(p + yl + 2, 2, &day) || !digits(p + yl + 4, 2, &hour) ||
	    !digits(p + yl + 6, 2, &min) || !digits(p + yl + 8, 2, &sec))
		return 0;
	if (tag == 0x17)
		year += year < 50 ? 2000 : 1900;
	/* A GeneralizedTime before 1950 is legal to OpenSSL but not RFC 5280
	 * (4.1.2.5): deferred, as nothing here needs it. */
	else if (year < 1950)
		return 0;
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] + (mon == 2 ? leap : 0) || hour > 23 ||
	    min > 59 || sec > 59)
		return 0;
	*out = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	return 1;
}

/* Extensions ------------------------------------------------------------- */

/* basicConstraints: only the empty SEQUENCE (cA FALSE, no pathLen): a
 * leaf saying CA, or carrying a path length, defers. */
static int ext_bc(const uint8_t *p, size_t n)
{
	return n == 2 && p[0] == 0x30 && p[1] == 0x00;
}

/* keyUsage: a DER BIT STRING of one or two octets, the last one with a
 * bit set, unused bits zero. x509v3_cache_extensions marks an empty
 * keyUsage invalid; longer ones defer. */
static int ext_ku(const uint8_t *p, size_t n)
{
	if (n < 4 || n > 5 || p[0] != 0x03 || p[1] != n - 2 || p[2] > 7)
		return 0;
	uint8_t last = p[n - 1];
	return last != 0 && (last & ((1u << p[2]) - 1)) == 0 && (last & (1u << p[2])) != 0;
}

/* extKeyUsage: SEQUENCE SIZE (1..MAX) OF KeyPurposeId, each a DER OID. */
static int ext_eku(const uint8_t *p, size_t n)
{
	csra_cbs in, seq, oid;
	csra_cbs_init(&in, p, n);
	if (!elem(&in, 0x30, NULL, &seq) || csra_cbs_len(&in) != 0 || csra_cbs_len(&seq) == 0)
		return 0;
	while (csra_cbs_len(&seq) > 0)
		if (!elem(&seq, 0x06, NULL, &oid) || !csra_oid_valid(csra_cbs_data(&oid), csra_cbs_len(&oid)))
			return 0;
	return 1;
}

/* subjectKeyIdentifier: a non-empty OCTET STRING. */
static int ext_skid(const uint8_t *p, size_t n)
{
	csra_cbs in, o;
	csra_cbs_init(&in, p, n);
	return elem(&in, 0x04, NULL, &o) && csra_cbs_len(&in) == 0 && csra_cbs_len(&o) > 0;
}

/* authorityKeyIdentifier: only SEQUENCE { [0] keyIdentifier }, not empty.
 * authorityCertIssuer and authorityCertSerialNumber defer (X509_check_akid
 * compares them by OpenSSL's name rules). Sets |*kid|. */
static int ext_akid(const uint8_t *p, size_t n, csra_cbs *kid)
{
	csra_cbs in, seq;
	csra_cbs_init(&in, p, n);
	return elem(&in, 0x30, NULL, &seq) && csra_cbs_len(&in) == 0 && elem(&seq, 0x80, NULL, kid) &&
	    csra_cbs_len(&seq) == 0 && csra_cbs_len(kid) > 0;
}

/* The link ----------------------------------------------------------------- */

/* Settings X509_verify_cert honours that this module does not model: any
 * flag but these defers (CRLs, policies, X509_STRICT, Suite B,
 * NO_CHECK_TIME, IGNORE_CRITICAL, CHECK_SS_SIGNATURE, ...). */
#define FASTLINK_FLAGS_OK (X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN | \
	X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_NO_ALT_CHAINS)

static const char *settings_plain(const X509_VERIFY_PARAM *param, X509_STORE *store, time_t at)
{
	if (param == NULL)
		return "no verification parameters";
	unsigned long f = X509_VERIFY_PARAM_get_flags(param);
	/* verify_chain: revocation, policy, strictness and Suite B flags
	 * each add checks. */
	if ((f & ~(unsigned long)FASTLINK_FLAGS_OK) != 0)
		return "verification flags";
	/* build_chain: the issuer is found as a partial-chain anchor only
	 * with PARTIAL_CHAIN; check_cert_time: the time is |at| only with
	 * USE_CHECK_TIME. */
	if (!(f & X509_V_FLAG_PARTIAL_CHAIN) || !(f & X509_V_FLAG_USE_CHECK_TIME) ||
	    X509_VERIFY_PARAM_get_time(param) != at)
		return "not a partial chain at this time";
	/* build_chain: depth limits the path; check_key_level and
	 * check_sig_level: auth_level > 0 checks key and digest strength. */
	int depth = X509_VERIFY_PARAM_get_depth(param);
	if ((depth >= 0 && depth < 2) || X509_VERIFY_PARAM_get_auth_level(param) > 0)
		return "depth or security level";
	/* check_id: host, email and IP address checks. */
	if (X509_VERIFY_PARAM_get0_host((X509_VERIFY_PARAM *)param, 0) != NULL ||
	    X509_VERIFY_PARAM_get0_email((X509_VERIFY_PARAM *)param) != NULL)
		return "host or email check";
	char *ip = X509_VERIFY_PARAM_get1_ip_asc((X509_VERIFY_PARAM *)param);
	if (ip != NULL) {
		OPENSSL_free(ip);
		return "IP address check";
	}
	/* X509_STORE_CTX_init takes the store's callbacks: any of them can
	 * judge a path by more than OpenSSL does. */
	if (store != NULL && (X509_STORE_get_verify_cb(store) != NULL || X509_STORE_get_verify(store) != NULL ||
	    X509_STORE_get_get_issuer(store) != NULL || X509_STORE_get_check_issued(store) != NULL ||
	    X509_STORE_get_check_revocation(store) != NULL || X509_STORE_get_check_policy(store) != NULL ||
	    X509_STORE_get_lookup_certs(store) != NULL || X509_STORE_get_get_crl(store) != NULL ||
	    X509_STORE_get_check_crl(store) != NULL || X509_STORE_get_cert_crl(store) != NULL))
		return "store callbacks";
	return NULL;
}

/* What the issuer must be, asked of OpenSSL's own reading of it (it was
 * parsed and validated by OpenSSL before). */
static const char *issuer_plain(X509 *issuer, time_t at)
{
	uint32_t f = X509_get_extension_flags(issuer);
	/* ossl_x509v3_cache_extensions: an invalid extension; check_extensions:
	 * an unhandled critical one, a proxy certificate. */
	if (f & (EXFLAG_INVALID | EXFLAG_CRITICAL | EXFLAG_PROXY))
		return "issuer extensions";
	/* build_chain / x509v3_cache_extensions: a self-issued issuer makes
	 * OpenSSL look at it as a path's top differently. */
	if (f & (EXFLAG_SI | EXFLAG_SS))
		return "issuer self-issued";
	/* check_extensions: X509_check_ca of the certificate above the leaf
	 * (1: basicConstraints CA:TRUE, keyCertSign if keyUsage is there);
	 * ossl_x509_signing_allowed: keyCertSign (ku_reject). */
	if (X509_get_version(issuer) != X509_VERSION_3 || X509_check_ca(issuer) != 1 ||
	    ((f & EXFLAG_KUSAGE) && !(X509_get_key_usage(issuer) & KU_KEY_CERT_SIGN)))
		return "issuer is not a CA";
	/* check_name_constraints and check_policy: constraints in the
	 * anchor apply to the leaf; none are modelled. */
	if (X509_get_ext_by_NID(issuer, NID_name_constraints, -1) >= 0 ||
	    X509_get_ext_by_NID(issuer, NID_policy_constraints, -1) >= 0 ||
	    X509_get_ext_by_NID(issuer, NID_policy_mappings, -1) >= 0 ||
	    X509_get_ext_by_NID(issuer, NID_inhibit_any_policy, -1) >= 0)
		return "issuer constraints";
	/* check_trust / X509_check_trust: trust settings on the anchor. */
	if (X509_get0_trust_objects(issuer) != NULL || X509_get0_reject_objects(issuer) != NULL)
		return "issuer trust settings";
	/* internal_verify: check_cert_time of the partial chain's top
	 * (X509_cmp_time: valid while notBefore <= at < notAfter). */
	time_t t = at;
	if (X509_cmp_time(X509_get0_notBefore(issuer), &t) != -1 ||
	    X509_cmp_time(X509_get0_notAfter(issuer), &t) != 1)
		return "issuer not valid at the time";
	return NULL;
}

/* The signature algorithms of the subset: ECDSA with SHA-2 (parameters
 * absent) and RSA PKCS#1 v1.5 with SHA-2 (parameters NULL). */
static const struct fl_alg {
	csra_oid_id oid;
	const char *md;
	int key_id;
	int null_params;
} fl_algs[] = {
	{ CSRA_OID_ECDSA_WITH_SHA256, "SHA256", EVP_PKEY_EC, 0 },
	{ CSRA_OID_ECDSA_WITH_SHA384, "SHA384", EVP_PKEY_EC, 0 },
	{ CSRA_OID_ECDSA_WITH_SHA512, "SHA512", EVP_PKEY_EC, 0 },
	{ CSRA_OID_SHA256WITHRSAENCRYPTION, "SHA256", EVP_PKEY_RSA, 1 },
	{ CSRA_OID_SHA384WITHRSAENCRYPTION, "SHA384", EVP_PKEY_RSA, 1 },
	{ CSRA_OID_SHA512WITHRSAENCRYPTION, "SHA512", EVP_PKEY_RSA, 1 },
};

static const struct fl_alg *find_alg(const uint8_t *p, size_t n)
{
	csra_cbs in, seq, oid, par;
	csra_cbs_init(&in, p, n);
	if (!elem(&in, 0x30, NULL, &seq) || csra_cbs_len(&in) != 0 || !elem(&seq, 0x06, NULL, &oid))
		return NULL;
	int null_params = elem(&seq, 0x05, NULL, &par) && csra_cbs_len(&par) == 0;
	if (csra_cbs_len(&seq) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fl_algs) / sizeof(fl_algs[0]); i++)
		if (csra_oid_is(csra_cbs_data(&oid), csra_cbs_len(&oid), fl_algs[i].oid))
			return fl_algs[i].null_params == null_params ? &fl_algs[i] : NULL;
	return NULL;
}

static int oid_eq(const struct csra_fastlink_ext *e, csra_oid_id id)
{
	return csra_oid_is(e->oid, e->oid_len, id);
}

static const char *leaf_exts(const csra_fastlink_cert *leaf, csra_cbs *akid, int *has_akid)
{
	*has_akid = 0;
	/* Extensions are v3 only; OpenSSL does not insist, this does. */
	if (leaf->too_many_exts)
		return "too many extensions";
	for (size_t i = 0; i < leaf->n_exts; i++) {
		const struct csra_fastlink_ext *e = &leaf->exts[i];
		/* X509_get_ext_d2i: a second extension of a type makes
		 * x509v3_cache_extensions mark the certificate invalid;
		 * any duplicate defers. */
		for (size_t j = 0; j < i; j++)
			if (leaf->exts[j].oid_len == e->oid_len && memcmp(leaf->exts[j].oid, e->oid, e->oid_len) == 0)
				return "duplicate extension";
		/* x509v3_cache_extensions parses each known type (invalid
		 * marks EXFLAG_INVALID); X509_supported_extension: a critical
		 * extension it does not list is EXFLAG_CRITICAL (SKID and AKID
		 * are not listed). Only these types, strictly, are taken. */
		if (oid_eq(e, CSRA_OID_ID_CE_BASICCONSTRAINTS)) {
			if (!ext_bc(e->value, e->value_len))
				return "basicConstraints not CA:FALSE without pathLen";
		} else if (oid_eq(e, CSRA_OID_ID_CE_KEYUSAGE)) {
			if (!ext_ku(e->value, e->value_len))
				return "keyUsage";
		} else if (oid_eq(e, CSRA_OID_ID_CE_EXTKEYUSAGE)) {
			if (!ext_eku(e->value, e->value_len))
				return "extKeyUsage";
		} else if (oid_eq(e, CSRA_OID_ID_CE_SUBJECTKEYIDENTIFIER)) {
			if (e->critical || !ext_skid(e->value, e->value_len))
				return "subjectKeyIdentifier";
		} else if (oid_eq(e, CSRA_OID_ID_CE_AUTHORITYKEYIDENTIFIER)) {
			if (e->critical || !ext_akid(e->value, e->value_len, akid))
				return "authorityKeyIdentifier";
			*has_akid = 1;
		} else {
			return "extension outside the subset";
		}
	}
	return NULL;
}

csra_fastlink_verdict csra_fastlink_check(const csra_verifier *v, const csra_fastlink_cert *leaf,
    X509 *issuer, EVP_PKEY *issuer_key, time_t at, const X509_VERIFY_PARAM *param, X509_STORE *store,
    EVP_PKEY **leaf_key, const char **why)
{
	const char *no = NULL;
	const unsigned char *iname = NULL;
	size_t iname_len = 0;
	int64_t nb, na;
	csra_cbs akid;
	int has_akid = 0;
	const struct fl_alg *alg = NULL;
	X509_NAME *subject = NULL;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *mctx = NULL;
	if (leaf_key != NULL)
		*leaf_key = NULL;
	if (leaf == NULL || issuer == NULL || issuer_key == NULL) {
		no = "missing input";
		goto out;
	}
	if ((no = settings_plain(param, store, at)) != NULL || (no = issuer_plain(issuer, at)) != NULL)
		goto out;
	/* Leaf: v3 only (a v1 or v2 leaf is valid to OpenSSL, not taken here);
	 * unique identifiers defer. */
	if (leaf->version != 2 || leaf->unique_ids) {
		no = "not a plain v3 certificate";
		goto out;
	}
	/* X509_verify: X509_ALGOR_cmp of the outer and inner algorithms
	 * (byte-equal DER implies equal; unequal bytes defer). */
	if (leaf->sig_alg_len != leaf->tbs_sig_alg_len ||
	    memcmp(leaf->sig_alg, leaf->tbs_sig_alg, leaf->sig_alg_len) != 0) {
		no = "outer and inner signature algorithms differ";
		goto out;
	}
	/* ASN1_item_verify_ex: OBJ_find_sigid_algs gives digest and key
	 * type; only the subset's algorithms and parameter forms. */
	if ((alg = find_alg(leaf->sig_alg, leaf->sig_alg_len)) == NULL) {
		no = "signature algorithm outside the subset";
		goto out;
	}
	/* ossl_x509_likely_issued / check_sig_alg_match: the issuer's key
	 * type is the algorithm's (EVP_PKEY_is_a). */
	if (EVP_PKEY_get_base_id(issuer_key) != alg->key_id) {
		no = "issuer key type";
		goto out;
	}
	/* ASN1_item_verify_ex: a signature BIT STRING with unused bits is
	 * refused. */
	if (leaf->sig_unused != 0) {
		no = "signature has unused bits";
		goto out;
	}
	/* ossl_x509_likely_issued: X509_NAME_cmp of the issuer's subject and
	 * the leaf's issuer (canonical forms): byte-equal DER is equal,
	 * anything else defers. */
	if (X509_NAME_get0_der(X509_get_subject_name(issuer), &iname, &iname_len) != 1 ||
	    iname_len != leaf->issuer_len || memcmp(iname, leaf->issuer, iname_len) != 0) {
		no = "issuer name not byte-equal";
		goto out;
	}
	/* d2i_X509 (x509_name_ex_d2i): the subject must decode and
	 * canonicalise; x509v3_cache_extensions: a subject equal to the
	 * issuer (X509_NAME_cmp) is self-issued, which OpenSSL treats apart. */
	const unsigned char *sp = leaf->subject;
	subject = d2i_X509_NAME(NULL, &sp, (long)leaf->subject_len);
	if (subject == NULL || sp != leaf->subject + leaf->subject_len) {
		no = "subject name";
		goto out;
	}
	if (X509_NAME_cmp(subject, X509_get_subject_name(issuer)) == 0) {
		no = "self-issued leaf";
		goto out;
	}
	/* check_cert_time with X509_cmp_time: valid while
	 * notBefore <= at < notAfter. */
	if (!csra_fastlink_time(leaf->nb_tag, leaf->not_before, leaf->nb_len, &nb) ||
	    !csra_fastlink_time(leaf->na_tag, leaf->not_after, leaf->na_len, &na)) {
		no = "validity time form";
		goto out;
	}
	if (!(nb <= (int64_t)at && (int64_t)at < na)) {
		no = "not valid at the time";
		goto out;
	}
	if ((no = leaf_exts(leaf, &akid, &has_akid)) != NULL)
		goto out;
	/* X509_check_akid: a keyIdentifier must equal the issuer's SKID when
	 * the issuer has one (ASN1_OCTET_STRING_cmp). */
	if (has_akid) {
		const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(issuer);
		if (skid != NULL && ((size_t)ASN1_STRING_length(skid) != csra_cbs_len(&akid) ||
		    memcmp(ASN1_STRING_get0_data(skid), csra_cbs_data(&akid), csra_cbs_len(&akid)) != 0)) {
			no = "authorityKeyIdentifier does not match";
			goto out;
		}
	}
	/* X509_get_pubkey_parameters (verify_chain): every key on the path
	 * must decode; taken only where csra_spki_pkey imports it. */
	if ((key = csra_spki_pkey(v, leaf->spki, leaf->spki_len)) == NULL) {
		no = "leaf key not imported";
		goto out;
	}
	/* internal_verify -> X509_verify -> ASN1_item_verify_ex:
	 * EVP_DigestVerify over the TBS bytes as received, with the digest
	 * the algorithm names (the provider re-encodes an ECDSA-Sig-Value
	 * and compares, as for OpenSSL's own check). */
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL || EVP_DigestVerifyInit_ex(mctx, NULL, alg->md, csra_libctx(v), csra_propq(v),
	    issuer_key, NULL) != 1 ||
	    EVP_DigestVerify(mctx, leaf->sig, leaf->sig_len, leaf->tbs, leaf->tbs_len) != 1) {
		no = "signature does not verify";
		goto out;
	}
out:
	EVP_MD_CTX_free(mctx);
	X509_NAME_free(subject);
	csra_clear_openssl_errors();
	if (no != NULL) {
		EVP_PKEY_free(key);
		if (why != NULL)
			*why = no;
		return CSRA_FASTLINK_DEFER;
	}
	if (leaf_key != NULL)
		*leaf_key = key;
	else
		EVP_PKEY_free(key);
	if (why != NULL)
		*why = NULL;
	return CSRA_FASTLINK_ACCEPT;
}
