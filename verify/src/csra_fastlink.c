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
	if (!elem(&tbs, 0x02, &w, &v))
		return 0;
	c->serial_tlv = csra_cbs_data(&w);
	c->serial_tlv_len = csra_cbs_len(&w);
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

/* Extensions: the facts ---------------------------------------------------- */

/* The extension types modelled; any other makes the facts unknown. */
enum { T_BC, T_KU, T_EKU, T_SKID, T_AKID, T_N };

static int ext_type(const struct csra_fastlink_ext *e)
{
	static const csra_oid_id ids[T_N] = { CSRA_OID_ID_CE_BASICCONSTRAINTS, CSRA_OID_ID_CE_KEYUSAGE,
		CSRA_OID_ID_CE_EXTKEYUSAGE, CSRA_OID_ID_CE_SUBJECTKEYIDENTIFIER,
		CSRA_OID_ID_CE_AUTHORITYKEYIDENTIFIER };
	for (int t = 0; t < T_N; t++)
		if (csra_oid_is(e->oid, e->oid_len, ids[t]))
			return t;
	return -1;
}

/* A DER INTEGER's contents, minimal. */
static int der_int_minimal(const uint8_t *p, size_t n)
{
	return n >= 1 && (n == 1 || !((p[0] == 0x00 && !(p[1] & 0x80)) || (p[0] == 0xff && (p[1] & 0x80))));
}

/* basicConstraints, DER: SEQUENCE { cA BOOLEAN DEFAULT FALSE (only TRUE,
 * FF, is encoded), pathLenConstraint INTEGER OPTIONAL }. 1: read; 0: not
 * modelled; -1: a negative pathLen (ossl_x509v3_cache_extensions:
 * EXFLAG_INVALID, the rest kept). */
static int ext_bc(const uint8_t *p, size_t n, int *ca, long *pathlen)
{
	csra_cbs in, seq, b, i;
	csra_cbs_init(&in, p, n);
	*ca = 0;
	*pathlen = -1;
	if (!elem(&in, 0x30, NULL, &seq) || csra_cbs_len(&in) != 0)
		return 0;
	if (elem(&seq, 0x01, NULL, &b)) {
		if (csra_cbs_len(&b) != 1 || csra_cbs_data(&b)[0] != 0xff)
			return 0;
		*ca = 1;
	}
	if (elem(&seq, 0x02, NULL, &i)) {
		const uint8_t *d = csra_cbs_data(&i);
		size_t l = csra_cbs_len(&i);
		if (!der_int_minimal(d, l))
			return 0;
		if (d[0] & 0x80)
			return csra_cbs_len(&seq) == 0 ? -1 : 0;
		/* ASN1_INTEGER_get: values past a long are its error, -1:
		 * only up to 31 bits are taken. */
		if (l > 4 || (l == 4 && d[0] & 0x80))
			return 0;
		long v = 0;
		for (size_t k = 0; k < l; k++)
			v = (v << 8) | d[k];
		*pathlen = v;
	}
	return csra_cbs_len(&seq) == 0;
}

/* keyUsage: a DER BIT STRING (unused bits zero, the last bit set when
 * there are any). ex_kusage is its first two octets; an empty one
 * (no bit set) is EXFLAG_INVALID. */
static int ext_ku(const uint8_t *p, size_t n, uint32_t *ku)
{
	if (n < 3 || p[0] != 0x03 || p[1] >= 0x80 || p[1] != n - 2 || p[2] > 7)
		return 0;
	if (n == 3) {
		*ku = 0;
		return p[2] == 0;
	}
	uint8_t last = p[n - 1];
	if (last == 0 || (last & ((1u << p[2]) - 1)) != 0 || (last & (1u << p[2])) == 0)
		return 0;
	*ku = p[3] | (n > 4 ? (uint32_t)p[4] << 8 : 0);
	return 1;
}

/* extKeyUsage: SEQUENCE SIZE (1..MAX) OF KeyPurposeId, each a DER OID
 * (an empty one is not modelled). */
static int ext_eku(const uint8_t *p, size_t n, csra_cbs *oids)
{
	csra_cbs in, seq, oid;
	csra_cbs_init(&in, p, n);
	if (!elem(&in, 0x30, NULL, &seq) || csra_cbs_len(&in) != 0 || csra_cbs_len(&seq) == 0)
		return 0;
	*oids = seq;
	while (csra_cbs_len(&seq) > 0)
		if (!elem(&seq, 0x06, NULL, &oid) || !csra_oid_valid(csra_cbs_data(&oid), csra_cbs_len(&oid)))
			return 0;
	return 1;
}

/* subjectKeyIdentifier: a non-empty OCTET STRING. */
static int ext_skid(const uint8_t *p, size_t n, csra_cbs *kid)
{
	csra_cbs in;
	csra_cbs_init(&in, p, n);
	return elem(&in, 0x04, NULL, kid) && csra_cbs_len(&in) == 0 && csra_cbs_len(kid) > 0;
}

/* authorityKeyIdentifier: only SEQUENCE { [0] keyIdentifier }, not empty.
 * authorityCertIssuer and authorityCertSerialNumber are not modelled
 * (X509_check_akid compares them by OpenSSL's name rules). */
static int ext_akid(const uint8_t *p, size_t n, csra_cbs *kid)
{
	csra_cbs in, seq;
	csra_cbs_init(&in, p, n);
	return elem(&in, 0x30, NULL, &seq) && csra_cbs_len(&in) == 0 && elem(&seq, 0x80, NULL, kid) &&
	    csra_cbs_len(&seq) == 0 && csra_cbs_len(kid) > 0;
}

int csra_fastlink_read_facts(const csra_fastlink_cert *c, csra_fastlink_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->pathlen = -1;
	f->key_usage = UINT32_MAX;
	f->issuer = c->issuer;
	f->issuer_len = c->issuer_len;
	f->sig_alg = c->tbs_sig_alg;
	f->sig_alg_len = c->tbs_sig_alg_len;
	if (c->too_many_exts)
		return 0;
	/* ossl_x509v3_cache_extensions: "V1 should mean no extensions". */
	if (c->version == 0)
		f->flags |= EXFLAG_V1;
	int type[CSRA_FASTLINK_MAX_EXTS], seen[T_N] = { 0 };
	for (size_t i = 0; i < c->n_exts; i++) {
		if ((type[i] = ext_type(&c->exts[i])) < 0)
			return 0;
		seen[type[i]]++;
	}
	uint32_t ku = 0;
	for (size_t i = 0; i < c->n_exts; i++) {
		const struct csra_fastlink_ext *e = &c->exts[i];
		csra_cbs x;
		int ca, r;
		/* X509V3_get_d2i: a type found twice gives no value (crit -2),
		 * which ossl_x509v3_cache_extensions marks EXFLAG_INVALID,
		 * whatever the values. */
		if (seen[type[i]] > 1) {
			f->flags |= EXFLAG_INVALID;
			if (type[i] == T_EKU)
				f->eku = -1;
			continue;
		}
		switch (type[i]) {
		case T_BC:
			/* EXFLAG_BCONS, EXFLAG_CA from cA, ex_pathlen. */
			if ((r = ext_bc(e->value, e->value_len, &ca, &f->pathlen)) == 0)
				return 0;
			f->flags |= EXFLAG_BCONS | (ca ? EXFLAG_CA : 0) | (r < 0 ? EXFLAG_INVALID : 0);
			break;
		case T_KU:
			/* EXFLAG_KUSAGE; ex_kusage 0 is EXFLAG_INVALID. */
			if (!ext_ku(e->value, e->value_len, &ku))
				return 0;
			f->flags |= EXFLAG_KUSAGE | (ku == 0 ? EXFLAG_INVALID : 0);
			break;
		case T_EKU:
			if (!ext_eku(e->value, e->value_len, &x))
				return 0;
			f->flags |= EXFLAG_XKUSAGE;
			f->eku = 1;
			f->eku_oids = csra_cbs_data(&x);
			f->eku_len = csra_cbs_len(&x);
			break;
		case T_SKID:
			if (!ext_skid(e->value, e->value_len, &x))
				return 0;
			f->skid = csra_cbs_data(&x);
			f->skid_len = csra_cbs_len(&x);
			break;
		default:
			if (!ext_akid(e->value, e->value_len, &x))
				return 0;
			f->akid_keyid = csra_cbs_data(&x);
			f->akid_keyid_len = csra_cbs_len(&x);
			f->akid_ext = e->value;
			f->akid_ext_len = e->value_len;
			break;
		}
	}
	/* X509_supported_extension: of the modelled types, the key
	 * identifiers are not listed, so either one critical is
	 * EXFLAG_CRITICAL (whether or not it was decoded). */
	for (size_t i = 0; i < c->n_exts; i++)
		if (c->exts[i].critical && (type[i] == T_SKID || type[i] == T_AKID))
			f->flags |= EXFLAG_CRITICAL;
	/* X509_get_key_usage: 0 if the extensions did not cache without
	 * error (X509_check_purpose(x, -1, 0) != 1), else ex_kusage if
	 * keyUsage is there, else UINT32_MAX. */
	if (f->flags & EXFLAG_INVALID) {
		f->key_usage = 0;
		/* X509_get0_subject_key_id, X509_get0_authority_key_id: NULL
		 * too, for the same reason. */
		f->skid = f->akid_keyid = f->akid_ext = NULL;
		f->skid_len = f->akid_keyid_len = f->akid_ext_len = 0;
	}
	else if (f->flags & EXFLAG_KUSAGE)
		f->key_usage = ku;
	return 1;
}

int csra_fastlink_has_eku(const csra_fastlink_facts *f, const struct csra_eku_set *s)
{
	/* csra_has_ak_eku: X509_get_ext_d2i, then OBJ_cmp (length and
	 * content bytes) with each OID of the set. */
	/* Twice: X509_get_ext_d2i gives NULL with crit -2, which
	 * csra_has_ak_eku says is unreadable. */
	if (f->eku <= 0)
		return f->eku;
	csra_cbs seq, oid;
	csra_cbs_init(&seq, f->eku_oids, f->eku_len);
	while (elem(&seq, 0x06, NULL, &oid))
		for (size_t k = 0; k < s->n; k++)
			if ((size_t)OBJ_length(s->oids[k]) == csra_cbs_len(&oid) &&
			    memcmp(OBJ_get0_data(s->oids[k]), csra_cbs_data(&oid), csra_cbs_len(&oid)) == 0)
				return 1;
	return 0;
}

/* The link ----------------------------------------------------------------- */

/* Settings X509_verify_cert honours that this module does not model: any
 * flag but these defers (CRLs, policies, X509_STRICT, Suite B,
 * NO_CHECK_TIME, IGNORE_CRITICAL, CHECK_SS_SIGNATURE, ...). */
#define FASTLINK_FLAGS_OK (X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN | \
	X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_NO_ALT_CHAINS)

/* |partial|: the one-link check, its issuer a partial-chain anchor; 0:
 * the full path, to a self-signed anchor without partial chains. */
static const char *settings_plain(const X509_VERIFY_PARAM *param, X509_STORE *store, time_t at, int partial)
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
	if (!(f & X509_V_FLAG_PARTIAL_CHAIN) != !partial)
		return partial ? "not a partial chain" : "a partial chain";
	if (!(f & X509_V_FLAG_USE_CHECK_TIME) || X509_VERIFY_PARAM_get_time(param) != at)
		return "not at this time";
	/* build_chain: depth limits the path (one or two certificates above
	 * the leaf); check_key_level and check_sig_level: auth_level > 0
	 * checks key and digest strength. */
	int depth = X509_VERIFY_PARAM_get_depth(param);
	if ((depth >= 0 && depth < (partial ? 2 : 3)) || X509_VERIFY_PARAM_get_auth_level(param) > 0)
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


/* What a link needs of the issuer, however it was read. */
struct fl_issuer {
	const uint8_t *subject;		/* its subject Name DER */
	size_t subject_len;
	const X509_NAME *name;		/* the same, decoded */
	const uint8_t *skid;		/* its subjectKeyIdentifier, NULL: none */
	size_t skid_len;
	EVP_PKEY *key;
};

/* The checks of one certificate |c| (facts |f|) issued by |is|, common to
 * every position: what X509_check_issued, internal_verify and
 * check_cert_time ask of it. On success, |*subject| is c's subject decoded
 * and |*key| its key (the caller frees both). */
static const char *check_link(const csra_verifier *v, const csra_fastlink_cert *c, const csra_fastlink_facts *f,
    const struct fl_issuer *is, time_t at, X509_NAME **subject, EVP_PKEY **key)
{
	int64_t nb, na;
	const struct fl_alg *alg;
	*subject = NULL;
	*key = NULL;
	/* v3 only (a v1 or v2 certificate is valid to OpenSSL, not taken
	 * here); unique identifiers defer. */
	if (c->version != 2 || c->unique_ids)
		return "not a plain v3 certificate";
	/* ossl_x509v3_cache_extensions: EXFLAG_INVALID fails
	 * ossl_x509_likely_issued (no issuer is found); check_extensions:
	 * EXFLAG_CRITICAL is an unhandled critical extension. */
	if (f->flags & (EXFLAG_INVALID | EXFLAG_CRITICAL))
		return "extensions invalid or critical unhandled";
	/* X509_verify: X509_ALGOR_cmp of the outer and inner algorithms
	 * (byte-equal DER implies equal; unequal bytes defer). */
	if (c->sig_alg_len != c->tbs_sig_alg_len || memcmp(c->sig_alg, c->tbs_sig_alg, c->sig_alg_len) != 0)
		return "outer and inner signature algorithms differ";
	/* ASN1_item_verify_ex: OBJ_find_sigid_algs gives digest and key
	 * type; only the subset's algorithms and parameter forms. */
	if ((alg = find_alg(c->sig_alg, c->sig_alg_len)) == NULL)
		return "signature algorithm outside the subset";
	/* ossl_x509_likely_issued / check_sig_alg_match: the issuer's key
	 * type is the algorithm's (EVP_PKEY_is_a). */
	if (EVP_PKEY_get_base_id(is->key) != alg->key_id)
		return "issuer key type";
	/* ASN1_item_verify_ex: a signature BIT STRING with unused bits is
	 * refused. */
	if (c->sig_unused != 0)
		return "signature has unused bits";
	/* ossl_x509_likely_issued: X509_NAME_cmp of the issuer's subject and
	 * the certificate's issuer (canonical forms): byte-equal DER is
	 * equal, anything else defers. */
	if (is->subject_len != c->issuer_len || memcmp(is->subject, c->issuer, c->issuer_len) != 0)
		return "issuer name not byte-equal";
	/* d2i_X509 (x509_name_ex_d2i): the subject must decode and
	 * canonicalise; ossl_x509v3_cache_extensions: a subject equal to the
	 * issuer (X509_NAME_cmp) is self-issued (EXFLAG_SI), which
	 * build_chain and check_extensions treat apart. */
	const unsigned char *sp = c->subject;
	X509_NAME *s = d2i_X509_NAME(NULL, &sp, (long)c->subject_len);
	if (s == NULL || sp != c->subject + c->subject_len) {
		X509_NAME_free(s);
		return "subject name";
	}
	*subject = s;
	if (X509_NAME_cmp(s, is->name) == 0)
		return "self-issued";
	/* check_cert_time with X509_cmp_time: valid while
	 * notBefore <= at < notAfter. */
	if (!csra_fastlink_time(c->nb_tag, c->not_before, c->nb_len, &nb) ||
	    !csra_fastlink_time(c->na_tag, c->not_after, c->na_len, &na))
		return "validity time form";
	if (!(nb <= (int64_t)at && (int64_t)at < na))
		return "not valid at the time";
	/* X509_check_akid: a keyIdentifier must equal the issuer's SKID when
	 * the issuer has one (ASN1_OCTET_STRING_cmp). */
	if (f->akid_keyid != NULL && is->skid != NULL &&
	    (is->skid_len != f->akid_keyid_len || memcmp(is->skid, f->akid_keyid, is->skid_len) != 0))
		return "authorityKeyIdentifier does not match";
	/* X509_get_pubkey_parameters (verify_chain): every key on the path
	 * must decode; taken only where csra_spki_pkey imports it (named
	 * curves only: check_curve refuses explicit parameters). */
	if ((*key = csra_spki_pkey(v, c->spki, c->spki_len)) == NULL)
		return "key not imported";
	/* internal_verify -> X509_verify -> ASN1_item_verify_ex:
	 * EVP_DigestVerify over the TBS bytes as received, with the digest
	 * the algorithm names (the provider re-encodes an ECDSA-Sig-Value
	 * and compares, as for OpenSSL's own check). */
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	int ok = mctx != NULL && EVP_DigestVerifyInit_ex(mctx, NULL, alg->md, csra_libctx(v), csra_propq(v),
	    is->key, NULL) == 1 && EVP_DigestVerify(mctx, c->sig, c->sig_len, c->tbs, c->tbs_len) == 1;
	EVP_MD_CTX_free(mctx);
	return ok ? NULL : "signature does not verify";
}

/* The leaf's own extensions, as the one-link check has taken them since
 * it was written: known, not a CA, no path length (a CA leaf is valid to
 * OpenSSL under purpose any, not taken here). */
static const char *leaf_facts(const csra_fastlink_facts *f)
{
	if (f->flags & EXFLAG_CA)
		return "leaf is a CA";
	if (f->pathlen >= 0)
		return "leaf has a path length";
	return NULL;
}

/* An X509's side of a link: its subject and SKID as OpenSSL holds them. */
static int x509_issuer(X509 *x, EVP_PKEY *key, struct fl_issuer *is)
{
	const unsigned char *der = NULL;
	size_t len = 0;
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x);
	if (X509_NAME_get0_der(X509_get_subject_name(x), &der, &len) != 1)
		return 0;
	is->subject = der;
	is->subject_len = len;
	is->name = X509_get_subject_name(x);
	is->skid = skid != NULL ? ASN1_STRING_get0_data(skid) : NULL;
	is->skid_len = skid != NULL ? (size_t)ASN1_STRING_length(skid) : 0;
	is->key = key;
	return 1;
}

static csra_fastlink_verdict verdict(const char *no, EVP_PKEY *key, EVP_PKEY **leaf_key, const char **why)
{
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

csra_fastlink_verdict csra_fastlink_check(const csra_verifier *v, const csra_fastlink_cert *leaf,
    X509 *issuer, EVP_PKEY *issuer_key, time_t at, const X509_VERIFY_PARAM *param, X509_STORE *store,
    EVP_PKEY **leaf_key, const char **why)
{
	const char *no = NULL;
	csra_fastlink_facts f;
	struct fl_issuer is;
	X509_NAME *subject = NULL;
	EVP_PKEY *key = NULL;
	if (leaf_key != NULL)
		*leaf_key = NULL;
	if (leaf == NULL || issuer == NULL || issuer_key == NULL)
		no = "missing input";
	else if ((no = settings_plain(param, store, at, 1)) != NULL || (no = issuer_plain(issuer, at)) != NULL)
		;
	else if (!csra_fastlink_read_facts(leaf, &f))
		no = "extensions outside the subset";
	else if ((no = leaf_facts(&f)) != NULL)
		;
	else if (!x509_issuer(issuer, issuer_key, &is))
		no = "issuer name";
	else
		no = check_link(v, leaf, &f, &is, at, &subject, &key);
	X509_NAME_free(subject);
	return verdict(no, key, leaf_key, why);
}

/* The trust anchor at the top of a full path, asked of OpenSSL's own
 * reading of it. */
static const char *anchor_plain(X509 *anchor, EVP_PKEY *key, time_t at)
{
	uint32_t f = X509_get_extension_flags(anchor);
	/* ossl_x509_likely_issued: an invalid anchor is no issuer;
	 * check_extensions: unhandled critical extensions and proxy
	 * certificates are refused at every depth. */
	if (f & (EXFLAG_INVALID | EXFLAG_CRITICAL | EXFLAG_PROXY))
		return "anchor extensions";
	/* build_chain: without a partial chain the path ends at a
	 * self-signed certificate (X509_check_issued(x, x)); check_trust /
	 * trust_compat: one without trust settings is trusted for being
	 * self-signed (EXFLAG_SS). */
	if (!(f & EXFLAG_SS))
		return "anchor not self-signed";
	/* check_extensions: X509_check_ca of the top must be non-zero (1
	 * here: basicConstraints cA, keyCertSign if keyUsage is there);
	 * internal_verify, ossl_x509_signing_allowed: keyCertSign for the
	 * intermediate's signature. */
	if (X509_get_version(anchor) != X509_VERSION_3 || X509_check_ca(anchor) != 1)
		return "anchor is not a CA";
	/* check_extensions: at depth 2, plen is 1 (the intermediate, not
	 * self-issued, counts): a pathLenConstraint of 0 fails. */
	long pl = X509_get_pathlen(anchor);
	if (pl != -1 && pl < 1)
		return "anchor path length";
	/* check_name_constraints, check_policy, X509v3_addr/asid_validate_path:
	 * constraints and RFC 3779 resources are not modelled. */
	static const int nids[] = { NID_name_constraints, NID_policy_constraints, NID_policy_mappings,
		NID_inhibit_any_policy, NID_sbgp_ipAddrBlock, NID_sbgp_autonomousSysNum };
	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		if (X509_get_ext_by_NID(anchor, nids[i], -1) >= 0)
			return "anchor constraints";
	/* check_trust / X509_check_trust: trust settings (aux) on the anchor. */
	if (X509_get0_trust_objects(anchor) != NULL || X509_get0_reject_objects(anchor) != NULL)
		return "anchor trust settings";
	/* X509_get_pubkey_parameters: the key decodes; check_curve (depth
	 * > 0 paths): an EC key with explicit parameters is refused. Only a
	 * named curve (parameters an OID) or a non-EC key is taken. */
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(anchor);
	ASN1_OBJECT *ko = NULL;
	X509_ALGOR *ka = NULL;
	int ptype = V_ASN1_UNDEF;
	EVP_PKEY *own = X509_get0_pubkey(anchor);
	if (key == NULL || own == NULL || pub == NULL || X509_PUBKEY_get0_param(&ko, NULL, NULL, &ka, pub) != 1)
		return "anchor key";
	/* The key the intermediate's signature is checked with is the
	 * anchor's own (internal_verify takes X509_get0_pubkey). */
	if (key != own && EVP_PKEY_eq(key, own) != 1)
		return "not the anchor's key";
	X509_ALGOR_get0(NULL, &ptype, NULL, ka);
	if (OBJ_obj2nid(ko) == NID_X9_62_id_ecPublicKey && ptype != V_ASN1_OBJECT)
		return "anchor key parameters";
	/* internal_verify: check_cert_time of the anchor too. */
	time_t t = at;
	if (X509_cmp_time(X509_get0_notBefore(anchor), &t) != -1 || X509_cmp_time(X509_get0_notAfter(anchor), &t) != 1)
		return "anchor not valid at the time";
	return NULL;
}

/* build_chain picks the leaf's issuer from the store first (trusted
 * first), then from the untrusted certificates (only |inter| here), and
 * the intermediate's issuer the same way: the anchor must be the store's
 * only certificate of its subject (X509_STORE_CTX_get1_certs compares
 * names as X509_NAME_cmp, through the store's lookup methods too), and no
 * certificate of the store may bear the intermediate's subject. */
static const char *only_candidate(X509_STORE *store, X509 *anchor, const X509_NAME *inter_subject)
{
	const char *no = "store lookup";
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *a = NULL, *b = NULL;
	csra_clear_openssl_errors();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, store, NULL, NULL) != 1)
		goto out;
	a = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(anchor));
	if (a == NULL || sk_X509_num(a) != 1 || X509_cmp(sk_X509_value(a, 0), anchor) != 0) {
		no = "the anchor is not the store's only certificate of its subject";
		goto out;
	}
	b = X509_STORE_CTX_get1_certs(ctx, inter_subject);
	/* None found and an allocation failed: nothing is known. */
	if (b == NULL && csra_openssl_nomem())
		goto out;
	no = b != NULL ? "the store has a certificate of the intermediate's subject" : NULL;
out:
	sk_X509_pop_free(a, X509_free);
	sk_X509_pop_free(b, X509_free);
	X509_STORE_CTX_free(ctx);
	return no;
}

csra_fastlink_verdict csra_fastlink_path(const csra_verifier *v, const csra_fastlink_cert *leaf,
    const csra_fastlink_cert *inter, X509 *anchor, EVP_PKEY *anchor_key, time_t at,
    const X509_VERIFY_PARAM *param, X509_STORE *store, EVP_PKEY **leaf_key, const char **why)
{
	const char *no = NULL;
	csra_fastlink_facts lf, inf;
	struct fl_issuer top, mid;
	X509_NAME *inter_name = NULL, *leaf_name = NULL;
	EVP_PKEY *inter_key = NULL, *key = NULL;
	if (leaf_key != NULL)
		*leaf_key = NULL;
	if (leaf == NULL || inter == NULL || anchor == NULL || anchor_key == NULL || store == NULL) {
		no = "missing input";
		goto out;
	}
	if ((no = settings_plain(param, store, at, 0)) != NULL || (no = anchor_plain(anchor, anchor_key, at)) != NULL)
		goto out;
	/* The intermediate (depth 1). */
	if (!csra_fastlink_read_facts(inter, &inf)) {
		no = "intermediate extensions outside the subset";
		goto out;
	}
	/* check_extensions: below the top, X509_check_ca must be 1:
	 * basicConstraints cA TRUE, and keyCertSign if keyUsage is there
	 * (check_ca); ossl_x509_signing_allowed: keyCertSign to sign the leaf.
	 * Its pathLenConstraint is not looked at for a 3-certificate path
	 * (check_extensions tests depths above 1 only: the leaf never counts). */
	if (!(inf.flags & EXFLAG_CA) || ((inf.flags & EXFLAG_KUSAGE) && !(inf.key_usage & KU_KEY_CERT_SIGN))) {
		no = "intermediate is not a CA";
		goto out;
	}
	if (!x509_issuer(anchor, anchor_key, &top)) {
		no = "anchor name";
		goto out;
	}
	if ((no = check_link(v, inter, &inf, &top, at, &inter_name, &inter_key)) != NULL)
		goto out;
	if ((no = only_candidate(store, anchor, inter_name)) != NULL)
		goto out;
	/* The leaf (depth 0), as under a validated issuer. */
	if (!csra_fastlink_read_facts(leaf, &lf)) {
		no = "leaf extensions outside the subset";
		goto out;
	}
	if ((no = leaf_facts(&lf)) != NULL)
		goto out;
	mid.subject = inter->subject;
	mid.subject_len = inter->subject_len;
	mid.name = inter_name;
	mid.skid = inf.skid;
	mid.skid_len = inf.skid_len;
	mid.key = inter_key;
	no = check_link(v, leaf, &lf, &mid, at, &leaf_name, &key);
out:
	X509_NAME_free(inter_name);
	X509_NAME_free(leaf_name);
	EVP_PKEY_free(inter_key);
	return verdict(no, key, leaf_key, why);
}
