/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The explicit link check (csra_fastlink.h) against OpenSSL on generated
 * chains: an issuer as the partial-chain anchor and leaves that each vary
 * one property. For every leaf, X509_verify_cert set up as
 * csra_issuer_path sets it up is the oracle, and
 *   (i) an ACCEPT where the oracle refuses fails the test, whatever the case;
 *  (ii) each case's verdict is the one expected, so that plain good leaves
 *       must be accepted (a check that defers everything fails here);
 * (iii) each case's oracle verdict is the one expected, so that the cases
 *       test what they say (an "expired" leaf is one OpenSSL refuses).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "csra_verify_int.h"
#include "fastlink_diff.h"
#include "testpki.h"
#include "testutil.h"

#define AT ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define DAY 86400L

enum { ACCEPT = CSRA_FASTLINK_ACCEPT, DEFER = CSRA_FASTLINK_DEFER };
enum { O_REFUSE = 0, O_OK = 1, O_ANY = 2 };

static unsigned n_cases, n_accept, n_defer, n_oracle_ok, n_oracle_refuse;
static unsigned n_facts_known, n_facts_unknown, n_path_accept, n_path_defer;
static struct csra_verifier *facts_v;

/* The facts of |der| against OpenSSL's: equal, or unknown. */
static int facts_case(const char *name, const uint8_t *der, size_t len)
{
	const char *what = NULL;
	if (facts_v == NULL && (facts_v = csra_verifier_new()) == NULL)
		return 0;
	int r = fl_facts_diff(facts_v, der, len, &what);
	if (r == 1)
		n_facts_known++;
	else if (r == 2)
		n_facts_unknown++;
	else
		fprintf(stderr, "%s: facts %s\n", name, r < 0 ? "ran out of memory" : what);
	return r > 0;
}

/* Keys, made once. */
static EVP_PKEY *k_root, *k_iss, *k_iss_rsa, *k_other, *k_leaf[6];
static X509 *root, *iss, *iss_rsa;

/* One raw extension: its OID (dotted or short name), criticality, value. */
struct ext {
	const char *oid;
	int crit;
	const uint8_t *der;
	size_t len;
};

/* What a leaf is made of; zero fields take the defaults. */
struct leaf {
	EVP_PKEY *key;
	X509 *issuer;			/* default iss */
	EVP_PKEY *signer;		/* default the issuer's key */
	const EVP_MD *md;		/* default SHA-256 */
	long version;			/* 0 default v3; else value+1 */
	const char *nb, *na;		/* time strings; NULL: AT-1 day, AT+1 day */
	int nb_type, na_type;		/* V_ASN1_UTCTIME default */
	X509_NAME *issuer_name;		/* default the issuer's subject */
	const char *cn;			/* default "fastlink leaf" */
	const X509_NAME *subject;	/* replaces CN=|cn| */
	int std_exts;			/* 1: the default extension set (below) */
	int ca_exts;			/* 1: an intermediate's (ca_exts, below) */
	struct ext extra[4];
	size_t n_extra;
	/* Mutations after signing (DER level). */
	int outer_alg_sha384;		/* outer AlgorithmIdentifier differs */
	int sig_flip;			/* a signature byte flipped */
	int sig_nonder;			/* ECDSA-Sig-Value with a long-form length */
	int sig_unused;			/* signature BIT STRING with 1 unused bit */
	int alg_null_params;		/* ecdsa-with-SHA256 with NULL parameters, both */
	const uint8_t *rsa_pub;		/* rsaEncryption key bits as these bytes (RSAPublicKey) */
	size_t rsa_pub_len;
};

static int set_time(X509 *x, int nb, const char *s, int type)
{
	ASN1_TIME *t = ASN1_STRING_type_new(type ? type : V_ASN1_UTCTIME);
	int ok = t != NULL && ASN1_STRING_set(t, s, (int)strlen(s)) == 1 &&
	    (nb ? X509_set1_notBefore(x, t) : X509_set1_notAfter(x, t)) == 1;
	ASN1_STRING_free(t);
	return ok;
}

static void utc(time_t t, char out[16])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int f[6] = { tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec };
	for (int i = 0; i < 6; i++) {
		out[2 * i] = (char)('0' + f[i] / 10 % 10);
		out[2 * i + 1] = (char)('0' + f[i] % 10);
	}
	out[12] = 'Z';
	out[13] = '\0';
}

static int add_raw(X509 *x, const char *oid, int crit, const uint8_t *der, size_t len)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 0);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int ok = o != NULL && v != NULL && ASN1_OCTET_STRING_set(v, der, (int)len) == 1 &&
	    (e = X509_EXTENSION_create_by_OBJ(NULL, o, crit, v)) != NULL && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(v);
	ASN1_OBJECT_free(o);
	return ok;
}

static int add_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX c;
	X509V3_set_ctx(&c, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &c, nid, value);
	int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

/* The AK leaf's usual extensions: basicConstraints CA:FALSE (critical),
 * keyUsage digitalSignature (critical), extKeyUsage, SKID, AKID keyid. */
static const uint8_t BC_FALSE[] = { 0x30, 0x00 };
static const uint8_t KU_DIGSIG[] = { 0x03, 0x02, 0x07, 0x80 };
static const uint8_t EKU_AK[] = { 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };

static int std_exts(X509 *x, X509 *issuer)
{
	return add_raw(x, "2.5.29.19", 1, BC_FALSE, sizeof(BC_FALSE)) &&
	    add_raw(x, "2.5.29.15", 1, KU_DIGSIG, sizeof(KU_DIGSIG)) &&
	    add_raw(x, "2.5.29.37", 0, EKU_AK, sizeof(EKU_AK)) &&
	    add_conf(x, issuer, NID_subject_key_identifier, "hash") &&
	    add_conf(x, issuer, NID_authority_key_identifier, "keyid:always");
}

/* An intermediate's: basicConstraints CA:TRUE and keyUsage keyCertSign
 * (both critical), SKID, AKID keyid. */
static const uint8_t BC_CA[] = { 0x30, 0x03, 0x01, 0x01, 0xff };
static const uint8_t KU_CERTSIGN[] = { 0x03, 0x02, 0x01, 0x06 };

static int ca_exts(X509 *x, X509 *issuer)
{
	return add_raw(x, "2.5.29.19", 1, BC_CA, sizeof(BC_CA)) &&
	    add_raw(x, "2.5.29.15", 1, KU_CERTSIGN, sizeof(KU_CERTSIGN)) &&
	    add_conf(x, issuer, NID_subject_key_identifier, "hash") &&
	    add_conf(x, issuer, NID_authority_key_identifier, "keyid:always");
}

/* Splits certificate DER into its three parts (whole TLVs). */
static int split(const uint8_t *der, size_t len, const uint8_t **tbs, size_t *tl, const uint8_t **alg, size_t *al,
    const uint8_t **sig, size_t *sl)
{
	const unsigned char *p = der;
	long n;
	int tag, cls;
	if (ASN1_get_object(&p, &n, &tag, &cls, (long)len) & 0x80)
		return 0;
	const uint8_t *parts[3];
	size_t lens[3];
	for (int i = 0; i < 3; i++) {
		const unsigned char *q = p;
		if (ASN1_get_object(&p, &n, &tag, &cls, (long)(der + len - q)) & 0x80)
			return 0;
		p += n;
		parts[i] = q;
		lens[i] = (size_t)(p - q);
	}
	*tbs = parts[0], *tl = lens[0], *alg = parts[1], *al = lens[1], *sig = parts[2], *sl = lens[2];
	return 1;
}

/* Appends a TLV of |tag| around |n| bytes at |c| to |out| at |*o|. */
static void put(uint8_t *out, size_t *o, uint8_t tag, const uint8_t *c, size_t n)
{
	out[(*o)++] = tag;
	if (n < 128) {
		out[(*o)++] = (uint8_t)n;
	} else if (n < 256) {
		out[(*o)++] = 0x81;
		out[(*o)++] = (uint8_t)n;
	} else {
		out[(*o)++] = 0x82;
		out[(*o)++] = (uint8_t)(n >> 8);
		out[(*o)++] = (uint8_t)n;
	}
	memcpy(out + *o, c, n);
	*o += n;
}

/* Signs |tbs| with |key| and |md| and assembles a certificate with the
 * outer algorithm |alg|; the mutations of |l| apply. */
static uint8_t *assemble(const uint8_t *tbs, size_t tl, const uint8_t *alg, size_t al, EVP_PKEY *key,
    const EVP_MD *md, const struct leaf *l, size_t *len)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t sl = 0;
	uint8_t sig[1024], bits[1100], body[8192];
	uint8_t *out = NULL;
	if (m == NULL || EVP_DigestSignInit(m, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(m, NULL, &sl, tbs, tl) != 1 || sl > sizeof(sig) - 8 ||
	    EVP_DigestSign(m, sig, &sl, tbs, tl) != 1)
		goto out;
	if (l->sig_flip)
		sig[sl / 2] ^= 0x01;
	if (l->sig_nonder && sig[1] < 0x80) {
		/* 30 len -> 30 81 len: BER, not DER. */
		memmove(sig + 3, sig + 2, sl - 2);
		sig[2] = sig[1];
		sig[1] = 0x81;
		sl++;
	}
	bits[0] = l->sig_unused ? 1 : 0;
	memcpy(bits + 1, sig, sl);
	if (l->sig_unused)
		bits[sl] &= 0xfe;
	size_t o = 0;
	if (tl + al + sl + 16 > sizeof(body))
		goto out;
	memcpy(body, tbs, tl);
	o = tl;
	memcpy(body + o, alg, al);
	o += al;
	put(body, &o, 0x03, bits, sl + 1);
	out = malloc(o + 8);
	size_t n = 0;
	if (out != NULL)
		put(out, &n, 0x30, body, o);
	*len = n;
out:
	EVP_MD_CTX_free(m);
	return out;
}

static const uint8_t ALG_ECDSA_SHA384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };

static uint8_t *make_leaf(const struct leaf *l, size_t *len)
{
	X509 *issuer = l->issuer ? l->issuer : iss;
	EVP_PKEY *signer = l->signer ? l->signer : issuer == iss_rsa ? k_iss_rsa : issuer == root ? k_root : k_iss;
	const EVP_MD *md = l->md ? l->md : EVP_sha256();
	X509 *x = X509_new();
	X509_NAME *subj = X509_NAME_new();
	static long serial = 7000;
	char nb[16], na[16];
	utc(AT - DAY, nb);
	utc(AT + DAY, na);
	uint8_t *der = NULL, *tbs = NULL;
	int ok = x != NULL && subj != NULL &&
	    X509_set_version(x, l->version ? l->version - 1 : X509_VERSION_3) == 1 &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1 &&
	    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8, (const unsigned char *)(l->cn ? l->cn :
	    "fastlink leaf"), -1, -1, 0) == 1 && X509_set_subject_name(x, l->subject ? l->subject : subj) == 1 &&
	    X509_set_issuer_name(x, l->issuer_name ? l->issuer_name : X509_get_subject_name(issuer)) == 1 &&
	    set_time(x, 1, l->nb ? l->nb : nb, l->nb_type) && set_time(x, 0, l->na ? l->na : na, l->na_type) &&
	    X509_set_pubkey(x, l->key ? l->key : k_leaf[0]) == 1;
	if (ok && l->rsa_pub != NULL) {
		unsigned char *bits = OPENSSL_memdup(l->rsa_pub, l->rsa_pub_len);
		ok = bits != NULL && X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_nid2obj(NID_rsaEncryption),
		    V_ASN1_NULL, NULL, bits, (int)l->rsa_pub_len) == 1;
		if (!ok)
			OPENSSL_free(bits);
	}
	if (ok && l->std_exts)
		ok = std_exts(x, issuer);
	if (ok && l->ca_exts)
		ok = ca_exts(x, issuer);
	for (size_t i = 0; ok && i < l->n_extra; i++)
		ok = add_raw(x, l->extra[i].oid, l->extra[i].crit, l->extra[i].der, l->extra[i].len);
	ok = ok && X509_sign(x, signer, md) > 0;
	if (ok && l->alg_null_params) {
		/* Both algorithm identifiers with NULL parameters: the TBS
		 * changes, so it is signed again below. */
		X509_ALGOR *a1 = NULL;
		const ASN1_BIT_STRING *s;
		X509_get0_signature(&s, (const X509_ALGOR **)&a1, x);
		ok = X509_ALGOR_set0(a1, OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_NULL, NULL) == 1;
		X509_ALGOR *a2 = (X509_ALGOR *)X509_get0_tbs_sigalg(x);
		ok = ok && X509_ALGOR_set0(a2, OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_NULL, NULL) == 1;
	}
	int tl = ok ? i2d_re_X509_tbs(x, &tbs) : -1;
	int dl = ok ? i2d_X509(x, &der) : -1;
	uint8_t *out = NULL;
	const uint8_t *t, *a, *s;
	size_t tl2, al, sl;
	if (tl > 0 && dl > 0 && split(der, (size_t)dl, &t, &tl2, &a, &al, &s, &sl)) {
		/* The TBS as i2d_re_X509_tbs writes it (it may differ from a
		 * cached encoding after the algorithm edit), then signed. */
		if (l->outer_alg_sha384) {
			a = ALG_ECDSA_SHA384;
			al = sizeof(ALG_ECDSA_SHA384);
		}
		uint8_t alg[64];
		if (l->alg_null_params) {
			const uint8_t *tp = tbs;
			/* The outer algorithm as the inner one: the TBS's third field. */
			const unsigned char *p = tp;
			long n;
			int tag, cls;
			ASN1_get_object(&p, &n, &tag, &cls, tl);
			for (int i = 0; i < 3; i++) {
				const unsigned char *q = p;
				ASN1_get_object(&p, &n, &tag, &cls, tl);
				if (i == 2 && (size_t)(p + n - q) <= sizeof(alg)) {
					memcpy(alg, q, (size_t)(p + n - q));
					a = alg;
					al = (size_t)(p + n - q);
				}
				p += n;
			}
		}
		out = assemble(tbs, (size_t)tl, a, al, signer, md, l, len);
	}
	OPENSSL_free(der);
	OPENSSL_free(tbs);
	X509_NAME_free(subj);
	X509_free(x);
	return out;
}

/* Runs one case: the oracle, the check, the three assertions. */
static int run_case(const char *name, const fl_env *e, const uint8_t *der, size_t len, int want, int want_oracle)
{
	const char *why = NULL;
	if (!facts_case(name, der, len))
		return 0;
	int o = fl_oracle(e, der, len);
	int f = (int)fl_fast(e, der, len, &why);
	n_cases++;
	f == ACCEPT ? n_accept++ : n_defer++;
	o == 1 ? n_oracle_ok++ : n_oracle_refuse++;
	if (f == ACCEPT && o != 1) {
		fprintf(stderr, "%s: ACCEPT where OpenSSL refuses\n", name);
		return 0;
	}
	if ((int)f != want || (want_oracle != O_ANY && o != want_oracle)) {
		fprintf(stderr, "%s: check %s (want %s, %s), OpenSSL %s (want %s)\n", name,
		    f == ACCEPT ? "ACCEPT" : "DEFER", want == ACCEPT ? "ACCEPT" : "DEFER", why ? why : "-",
		    o == 1 ? "OK" : "refuses", want_oracle == O_OK ? "OK" : want_oracle == O_REFUSE ? "refuses" : "any");
		return 0;
	}
	return 1;
}

static int leaf_case(const char *name, const struct leaf *l, int want, int want_oracle)
{
	fl_env e = { 0 };	/* fl_env_free'd even when the leaf was not made */
	size_t len = 0;
	uint8_t *der = make_leaf(l, &len);
	X509 *issuer = l->issuer ? l->issuer : iss;
	int ok = der != NULL && fl_env_init(&e, issuer, AT, 0);
	if (!ok)
		fprintf(stderr, "%s: could not make the leaf\n", name);
	ok = ok && run_case(name, &e, der, len, want, want_oracle);
	fl_env_free(&e);
	free(der);
	return ok;
}

static int setup(void)
{
	static int done;
	if (done)
		return 1;
	k_root = tp_key("EC", "P-256");
	k_iss = tp_key("EC", "P-256");
	k_iss_rsa = tp_key("RSA", "2048");
	k_other = tp_key("EC", "P-256");
	static const char *const kt[][2] = { { "EC", "P-256" }, { "EC", "P-384" }, { "EC", "P-521" },
		{ "RSA", "2048" }, { "RSA", "3072" }, { "ED25519", NULL } };
	for (size_t i = 0; i < 6; i++)
		k_leaf[i] = tp_key(kt[i][0], kt[i][1]);
	root = tp_cert("fastlink root", k_root, NULL, NULL, TP_CA, -3650 * DAY, 3650 * DAY);
	iss = tp_cert("Fastlink Issuer", k_iss, root, k_root, TP_CA, -3650 * DAY, 3650 * DAY);
	iss_rsa = tp_cert("Fastlink RSA Issuer", k_iss_rsa, root, k_root, TP_CA, -3650 * DAY, 3650 * DAY);
	done = root != NULL && iss != NULL && iss_rsa != NULL && k_other != NULL;
	for (size_t i = 0; i < 6; i++)
		done = done && k_leaf[i] != NULL;
	return done;
}

/* Plain leaves of every key type under both issuers, with and without
 * the usual extensions, many times: all accepted. */
static int test_good(void)
{
	CHECK(setup());
	for (int round = 0; round < 8; round++)
		for (size_t k = 0; k < 6; k++) {
			struct leaf l = { .key = k_leaf[k], .std_exts = round % 2 == 0 };
			CHECK(leaf_case("good", &l, ACCEPT, O_OK));
			l.issuer = iss_rsa;
			CHECK(leaf_case("good, RSA issuer", &l, ACCEPT, O_OK));
		}
	struct leaf l = { .std_exts = 1, .md = EVP_sha384() };
	CHECK(leaf_case("ecdsa-with-SHA384", &l, ACCEPT, O_OK));
	l.md = EVP_sha512();
	CHECK(leaf_case("ecdsa-with-SHA512", &l, ACCEPT, O_OK));
	l.issuer = iss_rsa;
	CHECK(leaf_case("sha512WithRSAEncryption", &l, ACCEPT, O_OK));
	l.md = EVP_sha384();
	CHECK(leaf_case("sha384WithRSAEncryption", &l, ACCEPT, O_OK));
	return 1;
}

/* Validity, to the second, and the time forms. */
static int test_times(void)
{
	CHECK(setup());
	char t[5][16];
	utc(AT, t[0]);
	utc(AT + 1, t[1]);
	utc(AT - 1, t[2]);
	struct leaf l = { .std_exts = 1, .nb = t[0] };
	CHECK(leaf_case("notBefore = at", &l, ACCEPT, O_OK));
	l.nb = t[1];
	CHECK(leaf_case("notBefore = at + 1", &l, DEFER, O_REFUSE));
	l.nb = NULL;
	l.na = t[0];
	CHECK(leaf_case("notAfter = at", &l, DEFER, O_REFUSE));
	l.na = t[1];
	CHECK(leaf_case("notAfter = at + 1", &l, ACCEPT, O_OK));
	l.na = t[2];
	CHECK(leaf_case("notAfter = at - 1", &l, DEFER, O_REFUSE));
	l.na = "251231000000Z";
	CHECK(leaf_case("expired", &l, DEFER, O_REFUSE));
	l.na = NULL;
	l.nb = "260102000000Z";
	CHECK(leaf_case("not yet valid", &l, DEFER, O_REFUSE));
	l.nb = "20251231000000Z";
	l.nb_type = V_ASN1_GENERALIZEDTIME;
	CHECK(leaf_case("GeneralizedTime notBefore before 2050", &l, ACCEPT, O_OK));
	l.nb = NULL;
	l.nb_type = 0;
	l.na = "20500101000000Z";
	l.na_type = V_ASN1_GENERALIZEDTIME;
	CHECK(leaf_case("GeneralizedTime notAfter 2050", &l, ACCEPT, O_OK));
	l.na = "20260101000000Z";
	CHECK(leaf_case("GeneralizedTime notAfter = at", &l, DEFER, O_REFUSE));
	l.na_type = 0;
	l.na = "491231235959Z";
	CHECK(leaf_case("UTCTime 49 is 2049", &l, ACCEPT, O_OK));
	l.na = "500101000000Z";
	CHECK(leaf_case("UTCTime 50 is 1950", &l, DEFER, O_REFUSE));
	l.na = "2701010000Z";
	CHECK(leaf_case("UTCTime without seconds", &l, DEFER, O_REFUSE));
	l.na = "270101000000+0000";
	CHECK(leaf_case("UTCTime with an offset", &l, DEFER, O_REFUSE));
	l.na = "270230000000Z";
	CHECK(leaf_case("February 30th", &l, DEFER, O_REFUSE));
	l.na = "280229000000Z";
	CHECK(leaf_case("February 29th of a leap year", &l, ACCEPT, O_OK));
	l.na = "270229000000Z";
	CHECK(leaf_case("February 29th of another year", &l, DEFER, O_REFUSE));
	l.na = "270101240000Z";
	CHECK(leaf_case("hour 24", &l, DEFER, O_REFUSE));
	l.na = "20270101000000.5Z";
	l.na_type = V_ASN1_GENERALIZEDTIME;
	CHECK(leaf_case("GeneralizedTime with a fraction", &l, DEFER, O_REFUSE));
	return 1;
}

/* The leaf's issuer name as the issuer's subject, byte for byte or only
 * by OpenSSL's comparison (case, spaces, string type): the latter defer. */
static int test_names(void)
{
	CHECK(setup());
	static const struct {
		const char *what, *cn;
		int type;
	} v[] = {
		{ "issuer name in lower case", "fastlink issuer", MBSTRING_UTF8 },
		{ "issuer name with two spaces", "Fastlink  Issuer", MBSTRING_UTF8 },
		{ "issuer name with a leading space", " Fastlink Issuer", MBSTRING_UTF8 },
		{ "issuer name as PrintableString", "Fastlink Issuer", V_ASN1_PRINTABLESTRING },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* tp_cert's names: O and CN, UTF8String (MBSTRING_ASC under OpenSSL 3's default mask). */
		X509_NAME *n = X509_NAME_new();
		CHECK(n != NULL && X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
		    (const unsigned char *)"csrattest tests", -1, -1, 0) == 1 &&
		    X509_NAME_add_entry_by_txt(n, "CN", v[i].type, (const unsigned char *)v[i].cn, -1, -1, 0) == 1);
		struct leaf l = { .std_exts = 1, .issuer_name = n };
		int ok = leaf_case(v[i].what, &l, DEFER, O_OK);
		X509_NAME_free(n);
		CHECK(ok);
	}
	X509_NAME *n = X509_NAME_new();
	CHECK(n != NULL && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"Other Issuer",
	    -1, -1, 0) == 1);
	struct leaf l = { .std_exts = 1, .issuer_name = n };
	int ok = leaf_case("another issuer's name", &l, DEFER, O_REFUSE);
	X509_NAME_free(n);
	CHECK(ok);
	/* Self-issued: subject = issuer name. */
	struct leaf si = { .std_exts = 1, .subject = X509_get_subject_name(iss) };
	CHECK(leaf_case("self-issued leaf", &si, DEFER, O_ANY));
	return 1;
}

static const uint8_t AKID_WRONG[] = { 0x30, 0x06, 0x80, 0x04, 0xde, 0xad, 0xbe, 0xef };
static const uint8_t SKID_X[] = { 0x04, 0x04, 0x01, 0x02, 0x03, 0x04 };

/* The extensions: known ones critical or not, malformed, duplicated,
 * unknown, and the authority key identifier. */
static int test_extensions(void)
{
	CHECK(setup());
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(iss);
	CHECK(skid != NULL && ASN1_STRING_length(skid) == 20);
	uint8_t akid_full[64];
	/* keyIdentifier, authorityCertIssuer (root's name, empty here is
	 * enough to defer), serial. */
	size_t an = 0;
	uint8_t inner[60];
	size_t in = 0;
	put(inner, &in, 0x80, ASN1_STRING_get0_data(skid), 20);
	static const uint8_t serial[] = { 0x82, 0x01, 0x01 };
	memcpy(inner + in, serial, sizeof(serial));
	in += sizeof(serial);
	put(akid_full, &an, 0x30, inner, in);
	static const uint8_t unknown[] = { 0x05, 0x00 };
	static const uint8_t ku_empty[] = { 0x03, 0x01, 0x00 };
	static const uint8_t ku_octets[] = { 0x04, 0x01, 0x80 };
	static const uint8_t eku_int[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	static const uint8_t eku_empty[] = { 0x30, 0x00 };
	static const uint8_t bc_octets[] = { 0x04, 0x00 };
	static const uint8_t bc_ca[] = { 0x30, 0x03, 0x01, 0x01, 0xff };
	static const uint8_t bc_ca_path[] = { 0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00 };
	static const uint8_t san[] = { 0x30, 0x0d, 0x82, 0x0b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	const struct {
		const char *what;
		struct ext x[2];
		size_t n;
		int std, want, oracle;
	} c[] = {
		{ "no extensions", { { 0 } }, 0, 0, ACCEPT, O_OK },
		{ "basicConstraints alone, not critical", { { "2.5.29.19", 0, BC_FALSE, 2 } }, 1, 0, ACCEPT, O_OK },
		{ "keyUsage not critical", { { "2.5.29.15", 0, KU_DIGSIG, 4 } }, 1, 0, ACCEPT, O_OK },
		{ "extKeyUsage critical", { { "2.5.29.37", 1, EKU_AK, sizeof(EKU_AK) } }, 1, 0, ACCEPT, O_OK },
		{ "unknown extension, critical", { { "1.3.6.1.4.1.32473.9", 1, unknown, 2 } }, 1, 1, DEFER, O_REFUSE },
		{ "unknown extension, not critical", { { "1.3.6.1.4.1.32473.9", 0, unknown, 2 } }, 1, 1, DEFER, O_OK },
		{ "subjectKeyIdentifier critical", { { "2.5.29.14", 1, SKID_X, sizeof(SKID_X) } }, 1, 0, DEFER,
		    O_REFUSE },
		{ "authorityKeyIdentifier critical", { { "2.5.29.35", 1, akid_full, 0 } }, 1, 0, DEFER, O_REFUSE },
		{ "extKeyUsage twice", { { "2.5.29.37", 0, EKU_AK, sizeof(EKU_AK) } }, 1, 1, DEFER, O_REFUSE },
		{ "subjectKeyIdentifier twice", { { "2.5.29.14", 0, SKID_X, sizeof(SKID_X) } }, 1, 1, DEFER,
		    O_REFUSE },
		{ "unknown extension twice", { { "1.3.6.1.4.1.32473.9", 0, unknown, 2 },
		    { "1.3.6.1.4.1.32473.9", 0, unknown, 2 } }, 2, 1, DEFER, O_OK },
		{ "keyUsage empty", { { "2.5.29.15", 1, ku_empty, 3 } }, 1, 0, DEFER, O_REFUSE },
		{ "keyUsage an OCTET STRING", { { "2.5.29.15", 1, ku_octets, 3 } }, 1, 0, DEFER, O_REFUSE },
		{ "extKeyUsage of an INTEGER", { { "2.5.29.37", 0, eku_int, 5 } }, 1, 0, DEFER, O_REFUSE },
		{ "extKeyUsage empty", { { "2.5.29.37", 0, eku_empty, 2 } }, 1, 0, DEFER, O_ANY },
		{ "basicConstraints an OCTET STRING", { { "2.5.29.19", 1, bc_octets, 2 } }, 1, 0, DEFER, O_REFUSE },
		{ "CA:TRUE leaf", { { "2.5.29.19", 1, bc_ca, sizeof(bc_ca) } }, 1, 0, DEFER, O_OK },
		{ "CA:TRUE leaf with pathLen 0", { { "2.5.29.19", 1, bc_ca_path, sizeof(bc_ca_path) } }, 1, 0, DEFER,
		    O_OK },
		{ "subjectAltName", { { "2.5.29.17", 0, san, sizeof(san) } }, 1, 1, DEFER, O_OK },
		{ "authorityKeyIdentifier mismatch", { { "2.5.29.35", 0, AKID_WRONG, sizeof(AKID_WRONG) } }, 1, 0,
		    DEFER, O_REFUSE },
		{ "authorityKeyIdentifier with a serial", { { "2.5.29.35", 0, akid_full, 0 } }, 1, 0, DEFER, O_ANY },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct leaf l = { .std_exts = c[i].std, .n_extra = c[i].n };
		for (size_t k = 0; k < c[i].n; k++) {
			l.extra[k] = c[i].x[k];
			if (l.extra[k].der == akid_full)
				l.extra[k].len = an;
		}
		CHECK(leaf_case(c[i].what, &l, c[i].want, c[i].oracle));
	}
	return 1;
}

/* The issuer: what it may sign, and its own validity. */
static int test_issuers(void)
{
	CHECK(setup());
	static const struct {
		const char *what;
		unsigned flags;	/* 1: nameConstraints, 2: a trust setting */
		const char *bc, *ku;
		long from, to;
		int want, oracle;
	} c[] = {
		{ "issuer CA:FALSE", 0, "critical,CA:FALSE", "critical,keyCertSign", -DAY, DAY, DEFER, O_REFUSE },
		{ "issuer without keyCertSign", 0, "critical,CA:TRUE", "critical,digitalSignature", -DAY, DAY, DEFER,
		    O_REFUSE },
		{ "issuer pathlen 0", 0, "critical,CA:TRUE,pathlen:0", "critical,keyCertSign", -DAY, DAY, ACCEPT,
		    O_OK },
		{ "issuer without keyUsage", 0, "critical,CA:TRUE", NULL, -DAY, DAY, ACCEPT, O_OK },
		/* X509_check_ca says 4 (keyUsage, no basicConstraints), which
		 * check_extensions takes for a partial chain's top. */
		{ "issuer without basicConstraints", 0, NULL, "critical,keyCertSign", -DAY, DAY, DEFER, O_OK },
		{ "issuer expired", 0, "critical,CA:TRUE", "critical,keyCertSign", -2 * DAY, -DAY, DEFER, O_REFUSE },
		{ "issuer with name constraints", 1, "critical,CA:TRUE", "critical,keyCertSign", -DAY, DAY, DEFER,
		    O_ANY },
		{ "issuer with trust settings", 2, "critical,CA:TRUE", "critical,keyCertSign", -DAY, DAY, DEFER,
		    O_ANY },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		/* Validity relative to AT, not now. */
		time_t now = time(NULL);
		X509 *x = tp_cert("Fastlink Odd Issuer", k_other, root, k_root, TP_NO_SKI, (long)(AT - now) + c[i].from,
		    (long)(AT - now) + c[i].to);
		CHECK(x != NULL);
		/* tp_cert's own CA extensions are not wanted: make it again. */
		X509 *y = X509_new();
		int ok = y != NULL && X509_set_version(y, X509_VERSION_3) == 1 &&
		    ASN1_INTEGER_set(X509_get_serialNumber(y), 99 + (long)i) == 1 &&
		    X509_set_subject_name(y, X509_get_subject_name(x)) == 1 &&
		    X509_set_issuer_name(y, X509_get_subject_name(root)) == 1 &&
		    X509_set1_notBefore(y, X509_get0_notBefore(x)) == 1 &&
		    X509_set1_notAfter(y, X509_get0_notAfter(x)) == 1 && X509_set_pubkey(y, k_other) == 1 &&
		    (c[i].bc == NULL || add_conf(y, root, NID_basic_constraints, c[i].bc)) &&
		    (c[i].ku == NULL || add_conf(y, root, NID_key_usage, c[i].ku)) &&
		    add_conf(y, root, NID_subject_key_identifier, "hash") &&
		    (c[i].flags != 1 || add_conf(y, root, NID_name_constraints, "critical,permitted;DNS:example.com")) &&
		    X509_sign(y, k_root, EVP_sha256()) > 0 &&
		    (c[i].flags != 2 || X509_add1_trust_object(y, OBJ_nid2obj(NID_client_auth)) == 1);
		X509_free(x);
		struct leaf l = { .std_exts = 1, .issuer = y, .signer = k_other };
		ok = ok && leaf_case(c[i].what, &l, c[i].want, c[i].oracle);
		X509_free(y);
		CHECK(ok);
	}
	return 1;
}

/* Versions, algorithms, signatures, keys. */
static int test_signatures(void)
{
	CHECK(setup());
	struct leaf l = { .version = 1 };
	CHECK(leaf_case("v1 leaf", &l, DEFER, O_OK));
	l.version = 2;
	CHECK(leaf_case("v2 leaf", &l, DEFER, O_OK));
	struct leaf m = { .std_exts = 1, .outer_alg_sha384 = 1 };
	CHECK(leaf_case("outer and inner algorithms differ", &m, DEFER, O_REFUSE));
	struct leaf b = { .std_exts = 1, .sig_flip = 1 };
	CHECK(leaf_case("bad signature", &b, DEFER, O_REFUSE));
	struct leaf nd = { .std_exts = 1, .sig_nonder = 1 };
	CHECK(leaf_case("ECDSA signature not DER", &nd, DEFER, O_REFUSE));
	struct leaf ub = { .std_exts = 1, .sig_unused = 1 };
	CHECK(leaf_case("signature with an unused bit", &ub, DEFER, O_REFUSE));
	struct leaf wk = { .std_exts = 1, .signer = k_other };
	CHECK(leaf_case("signed by another key", &wk, DEFER, O_REFUSE));
	struct leaf np = { .std_exts = 1, .alg_null_params = 1 };
	CHECK(leaf_case("ecdsa-with-SHA256 with NULL parameters", &np, DEFER, O_ANY));
	struct leaf rsa_by_ec = { .std_exts = 1, .issuer = iss, .signer = k_iss_rsa };
	CHECK(leaf_case("RSA signature under an EC issuer", &rsa_by_ec, DEFER, O_REFUSE));
	/* A leaf key OpenSSL cannot decode: a P-256 point off the curve. */
	EVP_PKEY *off = NULL;
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(k_leaf[0], &spki);
	CHECK(n > 0);
	spki[n - 1] ^= 0x01;	/* the point's last byte: off the curve */
	const unsigned char *p = spki;
	off = d2i_PUBKEY(NULL, &p, n);	/* refused: the key is made another way */
	CHECK(off == NULL);
	/* The leaf is made with a good key and its SPKI then replaced in
	 * the TBS before signing. */
	size_t len = 0;
	struct leaf g = { .std_exts = 1 };
	uint8_t *der = make_leaf(&g, &len);
	CHECK(der != NULL);
	unsigned char *good = NULL;
	int gn = i2d_PUBKEY(k_leaf[0], &good);
	CHECK(gn == n);
	uint8_t *hit = NULL;
	for (size_t i = 0; i + (size_t)n <= len; i++)
		if (memcmp(der + i, good, (size_t)n) == 0)
			hit = der + i;
	CHECK(hit != NULL);
	memcpy(hit, spki, (size_t)n);
	const uint8_t *t, *a, *s;
	size_t tl, al, sl;
	CHECK(split(der, len, &t, &tl, &a, &al, &s, &sl));
	size_t len2 = 0;
	uint8_t *der2 = assemble(t, tl, a, al, k_iss, EVP_sha256(), &g, &len2);
	fl_env e;
	int ok = der2 != NULL && fl_env_init(&e, iss, AT, 0) &&
	    run_case("leaf key off the curve", &e, der2, len2, DEFER, O_REFUSE);
	fl_env_free(&e);
	free(der2);
	free(der);
	OPENSSL_free(good);
	OPENSSL_free(spki);
	CHECK(ok);
	return 1;
}

static int pass_all(int ok, X509_STORE_CTX *ctx)
{
	(void)ctx;
	return ok;
}

/* An RSAPublicKey with a byte after its exponent (found by fuzz_fastlink):
 * OpenSSL cannot decode the key, so it refuses the leaf
 * (X509_get_pubkey_parameters); csra_spki_pkey imported it, and the check
 * accepted. */
static int test_rsa_key_trailing_byte(void)
{
	CHECK(setup());
	unsigned char *pub = NULL;
	int n = i2d_PublicKey(k_leaf[3], &pub);
	CHECK(n > 4 && pub[0] == 0x30 && pub[1] == 0x82);
	uint8_t bad[600];
	size_t bl = 0;
	uint8_t body[600];
	CHECK((size_t)n - 4 + 1 <= sizeof(body));
	memcpy(body, pub + 4, (size_t)n - 4);
	body[n - 4] = 0x01;
	put(bad, &bl, 0x30, body, (size_t)n - 4 + 1);
	OPENSSL_free(pub);
	/* The SPKI alone: neither OpenSSL nor csra_spki_pkey makes a key. */
	uint8_t bits[700], spki[800];
	size_t xl = 0, sl = 0;
	static const uint8_t alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
		0x05, 0x00 };
	bits[0] = 0;
	memcpy(bits + 1, bad, bl);
	uint8_t inner[800];
	memcpy(inner, alg, sizeof(alg));
	xl = sizeof(alg);
	put(inner, &xl, 0x03, bits, bl + 1);
	put(spki, &sl, 0x30, inner, xl);
	const unsigned char *p = spki;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)sl);
	EVP_PKEY *fast = csra_spki_pkey(NULL, spki, sl);
	int none = k == NULL && fast == NULL;
	EVP_PKEY_free(k);
	EVP_PKEY_free(fast);
	CHECK(none);
	struct leaf l = { .std_exts = 1, .key = k_leaf[3], .rsa_pub = bad, .rsa_pub_len = bl };
	CHECK(leaf_case("RSAPublicKey with a trailing byte", &l, DEFER, O_REFUSE));
	return 1;
}

/* Settings the check does not model defer, whatever the leaf. */
static int test_settings(void)
{
	CHECK(setup());
	static const struct {
		const char *what;
		unsigned long flags;
	} c[] = {
		{ "X509_STRICT", X509_V_FLAG_X509_STRICT },
		{ "IGNORE_CRITICAL", X509_V_FLAG_IGNORE_CRITICAL },
		{ "CHECK_SS_SIGNATURE", X509_V_FLAG_CHECK_SS_SIGNATURE },
		{ "NO_CHECK_TIME", X509_V_FLAG_NO_CHECK_TIME },
		{ "POLICY_CHECK", X509_V_FLAG_POLICY_CHECK },
	};
	size_t len = 0;
	struct leaf l = { .std_exts = 1 };
	uint8_t *der = make_leaf(&l, &len);
	CHECK(der != NULL);
	int ok = 1;
	for (size_t i = 0; ok && i < sizeof(c) / sizeof(c[0]); i++) {
		fl_env e;
		ok = fl_env_init(&e, iss, AT, c[i].flags) && run_case(c[i].what, &e, der, len, DEFER, O_ANY);
		fl_env_free(&e);
	}
	/* A host name to check. */
	fl_env e;
	ok = ok && fl_env_init(&e, iss, AT, 0) &&
	    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(e.pctx), "example.com", 0) == 1 &&
	    run_case("host check", &e, der, len, DEFER, O_OK);
	fl_env_free(&e);
	/* Settings changed on the explicit check's side only (OpenSSL's
	 * verdict stays OK): each must defer. */
	for (int k = 0; ok && k < 4; k++) {
		static const char *const what[] = { "depth 1", "auth level 1", "another time", "an email check" };
		ok = fl_env_init(&e, iss, AT, 0);
		X509_VERIFY_PARAM *pm = ok ? X509_STORE_CTX_get0_param(e.pctx) : NULL;
		if (ok && k == 0)
			X509_VERIFY_PARAM_set_depth(pm, 1);
		else if (ok && k == 1)
			X509_VERIFY_PARAM_set_auth_level(pm, 1);
		else if (ok && k == 2)
			X509_VERIFY_PARAM_set_time(pm, AT + 1);
		else if (ok)
			ok = X509_VERIFY_PARAM_set1_email(pm, "a@example.com", 0) == 1;
		ok = ok && run_case(what[k], &e, der, len, DEFER, O_OK);
		fl_env_free(&e);
	}
	/* The same leaf with nothing added, then with a verify callback on
	 * the store (which judges as it likes: here it passes everything). */
	ok = ok && fl_env_init(&e, iss, AT, 0) && run_case("plain store", &e, der, len, ACCEPT, O_OK);
	if (ok)
		X509_STORE_set_verify_cb(e.anchor, pass_all);
	ok = ok && run_case("store with a verify callback", &e, der, len, DEFER, O_OK);
	fl_env_free(&e);
	free(der);
	CHECK(ok);
	return 1;
}

/* Not a certificate at all, or truncated: defers, OpenSSL refuses. */
static int test_garbage(void)
{
	CHECK(setup());
	size_t len = 0;
	struct leaf l = { .std_exts = 1 };
	uint8_t *der = make_leaf(&l, &len);
	CHECK(der != NULL);
	fl_env e;
	int ok = fl_env_init(&e, iss, AT, 0);
	for (size_t cut = 1; ok && cut < len; cut += 7)
		ok = run_case("truncated", &e, der, len - cut, DEFER, O_REFUSE);
	fl_env_free(&e);
	free(der);
	CHECK(ok);
	return 1;
}

/* Facts -------------------------------------------------------------------- */

/* Leaves varying what csra_fastlink_read_facts reads, each compared with
 * OpenSSL's reading (facts_case); the ones the module models must be
 * known, so that a facts reader that says "unknown" to all fails. */
static int test_facts(void)
{
	CHECK(setup());
	static const uint8_t bc_path1[] = { 0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x01 };
	static const uint8_t bc_nopath_ca_false[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };
	static const uint8_t bc_neg[] = { 0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0xff };
	static const uint8_t bc_big[] = { 0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x01, 0x00 };
	static const uint8_t bc_false_explicit[] = { 0x30, 0x03, 0x01, 0x01, 0x00 };
	static const uint8_t ku_empty[] = { 0x03, 0x01, 0x00 };
	static const uint8_t ku_decipher[] = { 0x03, 0x03, 0x07, 0x80, 0x80 };
	static const uint8_t ku_certsign_only[] = { 0x03, 0x02, 0x02, 0x04 };
	static const uint8_t eku_two[] = { 0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03,
		0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
	static const uint8_t eku_other[] = { 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03 };
	static const uint8_t akid_kid[] = { 0x30, 0x06, 0x80, 0x04, 0x0a, 0x0b, 0x0c, 0x0d };
	static const uint8_t skid[] = { 0x04, 0x03, 0x01, 0x02, 0x03 };
	static const uint8_t san[] = { 0x30, 0x0d, 0x82, 0x0b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	const struct {
		const char *what;
		struct ext x[2];
		size_t n;
		int std, known;
	} c[] = {
		{ "facts: plain AK leaf", { { 0 } }, 0, 1, 1 },
		{ "facts: no extensions", { { 0 } }, 0, 0, 1 },
		{ "facts: CA:TRUE pathLen 1", { { "2.5.29.19", 1, bc_path1, sizeof(bc_path1) } }, 1, 0, 1 },
		{ "facts: pathLen without CA", { { "2.5.29.19", 0, bc_nopath_ca_false, sizeof(bc_nopath_ca_false) } }, 1,
		    0, 1 },
		{ "facts: negative pathLen", { { "2.5.29.19", 1, bc_neg, sizeof(bc_neg) } }, 1, 0, 1 },
		{ "facts: pathLen 256", { { "2.5.29.19", 1, bc_big, sizeof(bc_big) } }, 1, 0, 1 },
		{ "facts: cA FALSE encoded", { { "2.5.29.19", 1, bc_false_explicit, sizeof(bc_false_explicit) } }, 1,
		    0, 0 },
		{ "facts: keyUsage empty", { { "2.5.29.15", 1, ku_empty, sizeof(ku_empty) } }, 1, 0, 1 },
		{ "facts: keyUsage decipherOnly", { { "2.5.29.15", 0, ku_decipher, sizeof(ku_decipher) } }, 1, 0, 1 },
		{ "facts: keyUsage keyCertSign only", { { "2.5.29.15", 1, ku_certsign_only, sizeof(ku_certsign_only) } },
		    1, 0, 1 },
		{ "facts: keyUsage empty, EKU", { { "2.5.29.15", 1, ku_empty, sizeof(ku_empty) },
		    { "2.5.29.37", 0, EKU_AK, sizeof(EKU_AK) } }, 2, 0, 1 },
		{ "facts: two EKUs", { { "2.5.29.37", 0, eku_two, sizeof(eku_two) } }, 1, 0, 1 },
		{ "facts: EKU without the AK's", { { "2.5.29.37", 0, eku_other, sizeof(eku_other) } }, 1, 0, 1 },
		{ "facts: EKU twice", { { "2.5.29.37", 0, eku_two, sizeof(eku_two) },
		    { "2.5.29.37", 0, EKU_AK, sizeof(EKU_AK) } }, 2, 0, 1 },
		{ "facts: keyUsage twice", { { "2.5.29.15", 0, KU_DIGSIG, sizeof(KU_DIGSIG) },
		    { "2.5.29.15", 0, KU_DIGSIG, sizeof(KU_DIGSIG) } }, 2, 0, 1 },
		{ "facts: basicConstraints twice", { { "2.5.29.19", 0, BC_CA, sizeof(BC_CA) },
		    { "2.5.29.19", 0, BC_CA, sizeof(BC_CA) } }, 2, 0, 1 },
		{ "facts: SKID twice", { { "2.5.29.14", 0, skid, sizeof(skid) }, { "2.5.29.14", 0, skid, sizeof(skid) } },
		    2, 0, 1 },
		{ "facts: AKID twice", { { "2.5.29.35", 0, akid_kid, sizeof(akid_kid) },
		    { "2.5.29.35", 0, akid_kid, sizeof(akid_kid) } }, 2, 0, 1 },
		{ "facts: SKID critical", { { "2.5.29.14", 1, skid, sizeof(skid) } }, 1, 0, 1 },
		{ "facts: AKID critical", { { "2.5.29.35", 1, akid_kid, sizeof(akid_kid) } }, 1, 0, 1 },
		{ "facts: AKID keyid", { { "2.5.29.35", 0, akid_kid, sizeof(akid_kid) } }, 1, 0, 1 },
		{ "facts: subjectAltName", { { "2.5.29.17", 0, san, sizeof(san) } }, 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct leaf l = { .std_exts = c[i].std, .n_extra = c[i].n };
		for (size_t k = 0; k < c[i].n; k++)
			l.extra[k] = c[i].x[k];
		size_t len = 0;
		uint8_t *der = make_leaf(&l, &len);
		CHECK(der != NULL);
		unsigned before = n_facts_known;
		int ok = facts_case(c[i].what, der, len);
		free(der);
		CHECK(ok);
		if ((n_facts_known > before) != c[i].known) {
			fprintf(stderr, "%s: facts %s, want %s\n", c[i].what, c[i].known ? "unknown" : "known",
			    c[i].known ? "known" : "unknown");
			return 0;
		}
	}
	/* Versions: a v1 leaf, and a v1 self-signed certificate (X509_check_ca
	 * says 3 for it: EXFLAG_CA is not set). */
	struct leaf v1 = { .version = 1 };
	size_t len = 0;
	uint8_t *der = make_leaf(&v1, &len);
	CHECK(der != NULL && facts_case("facts: v1 leaf", der, len));
	free(der);
	X509 *ss = X509_new();
	CHECK(ss != NULL && X509_set_version(ss, X509_VERSION_1) == 1 &&
	    X509_set_subject_name(ss, X509_get_subject_name(iss)) == 1 &&
	    X509_set_issuer_name(ss, X509_get_subject_name(iss)) == 1 &&
	    X509_gmtime_adj(X509_getm_notBefore(ss), 0) != NULL && X509_gmtime_adj(X509_getm_notAfter(ss), DAY) != NULL &&
	    X509_set_pubkey(ss, k_iss) == 1 && X509_sign(ss, k_iss, EVP_sha256()) > 0);
	unsigned char *sder = NULL;
	int sl = i2d_X509(ss, &sder);
	uint32_t ssf = X509_get_extension_flags(ss);
	X509_free(ss);
	CHECK(sl > 0 && (ssf & (EXFLAG_V1 | EXFLAG_SS)) == (EXFLAG_V1 | EXFLAG_SS));
	unsigned before = n_facts_known;
	int ok = facts_case("facts: v1 self-signed", sder, (size_t)sl) && n_facts_known == before + 1;
	OPENSSL_free(sder);
	CHECK(ok);
	return 1;
}

/* The full path ------------------------------------------------------------ */

/* A self-signed root named CN=|cn| with |key|: basicConstraints |bc| and
 * keyUsage |ku| (NULL: none), valid |nb|..|na| (time strings), SKID hash
 * and AKID keyid (|akid_wrong|: another one); |v1|: version 1, none. */
static X509 *mkroot(const char *cn, EVP_PKEY *key, const char *bc, const char *ku, const char *nb, const char *na,
    int akid_wrong, int v1)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	static long serial = 500;
	int ok = x != NULL && n != NULL && X509_set_version(x, v1 ? X509_VERSION_1 : X509_VERSION_3) == 1 &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1 &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
	    X509_set_subject_name(x, n) == 1 && X509_set_issuer_name(x, n) == 1 && set_time(x, 1, nb, 0) &&
	    set_time(x, 0, na, 0) && X509_set_pubkey(x, key) == 1;
	if (ok && !v1)
		ok = (bc == NULL || add_conf(x, x, NID_basic_constraints, bc)) &&
		    (ku == NULL || add_conf(x, x, NID_key_usage, ku)) && add_conf(x, x, NID_subject_key_identifier, "hash") &&
		    (akid_wrong ? add_raw(x, "2.5.29.35", 0, AKID_WRONG, sizeof(AKID_WRONG)) :
		    add_conf(x, x, NID_authority_key_identifier, "keyid:always"));
	ok = ok && X509_sign(x, key, EVP_sha256()) > 0;
	X509_NAME_free(n);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Options of a path case beyond the intermediate and the leaf. */
struct popt {
	X509 *anchor;			/* default proot */
	EVP_PKEY *anchor_key;		/* its key, default k_root */
	STACK_OF(X509) *others;		/* more certificates in the store */
	unsigned long flags;
	int trust;			/* a trust setting on the anchor */
	EVP_PKEY *check_key;		/* the anchor key the check is given (default its own) */
};

static X509 *proot;

/* Runs one path case: the intermediate |in| under the anchor (signed by
 * its key unless |in| says), the leaf |lf| under the intermediate
 * (issuer and signer set here unless |lf| says). */
static int path_case(const char *name, const struct popt *po, const struct leaf *in, const struct leaf *lf, int want,
    int want_oracle)
{
	X509 *anchor = po && po->anchor ? po->anchor : proot;
	EVP_PKEY *akey = po && po->anchor_key ? po->anchor_key : k_root;
	struct leaf i = *in, l = *lf;
	if (i.issuer == NULL)
		i.issuer = anchor;
	if (i.signer == NULL)
		i.signer = akey;
	if (i.key == NULL)
		i.key = k_iss;
	if (i.cn == NULL)
		i.cn = "Fastlink Path Intermediate";
	size_t il = 0, ll = 0;
	uint8_t *ider = make_leaf(&i, &il), *lder = NULL;
	const unsigned char *p = ider;
	X509 *ix = ider ? d2i_X509(NULL, &p, (long)il) : NULL;
	if (l.issuer == NULL)
		l.issuer = ix;
	if (l.signer == NULL)
		l.signer = i.key;
	lder = ix ? make_leaf(&l, &ll) : NULL;
	fl_penv e;
	memset(&e, 0, sizeof(e));
	int ok = lder != NULL && fl_penv_init(&e, anchor, po ? po->others : NULL, AT, po ? po->flags : 0) &&
	    (!(po && po->trust) || X509_add1_trust_object(anchor, OBJ_nid2obj(NID_client_auth)) == 1);
	if (!ok)
		fprintf(stderr, "%s: could not make the path\n", name);
	else if (po && po->check_key)
		e.anchor_key = po->check_key;
	const char *why = NULL;
	int o = ok ? fl_path_oracle(&e, lder, ll, ider, il) : -1;
	int f = ok ? (int)fl_path_fast(&e, lder, ll, ider, il, &why) : DEFER;
	if (ok && po && po->trust)
		X509_trust_clear(anchor);
	ok = ok && facts_case(name, ider, il) && facts_case(name, lder, ll);
	f == ACCEPT ? n_path_accept++ : n_path_defer++;
	if (ok && f == ACCEPT && o != 1) {
		fprintf(stderr, "%s: path ACCEPT where OpenSSL refuses\n", name);
		ok = 0;
	} else if (ok && (f != want || (want_oracle != O_ANY && o != want_oracle))) {
		fprintf(stderr, "%s: path check %s (want %s, %s), OpenSSL %s (want %s)\n", name,
		    f == ACCEPT ? "ACCEPT" : "DEFER", want == ACCEPT ? "ACCEPT" : "DEFER", why ? why : "-",
		    o == 1 ? "OK" : "refuses", want_oracle == O_OK ? "OK" : want_oracle == O_REFUSE ? "refuses" : "any");
		ok = 0;
	}
	fl_penv_free(&e);
	X509_free(ix);
	free(ider);
	free(lder);
	return ok;
}

static int path_setup(void)
{
	if (proot != NULL)
		return 1;
	char nb[16], na[16];
	utc(AT - 3650 * DAY, nb);
	utc(AT + 3650 * DAY, na);
	proot = mkroot("Fastlink Path Root", k_root, "critical,CA:TRUE", "critical,keyCertSign,cRLSign", nb, na, 0, 0);
	return proot != NULL;
}

/* Plain good paths of every leaf key, EC and RSA intermediates: accepted
 * (a check that defers everything fails here). */
static int test_path_good(void)
{
	CHECK(setup() && path_setup());
	struct leaf in = { .ca_exts = 1 };
	for (size_t k = 0; k < 6; k++) {
		struct leaf l = { .key = k_leaf[k], .std_exts = 1 };
		CHECK(path_case("path: good", NULL, &in, &l, ACCEPT, O_OK));
		struct leaf bare = { .key = k_leaf[k] };
		CHECK(path_case("path: good, leaf without extensions", NULL, &in, &bare, ACCEPT, O_OK));
	}
	struct leaf rin = { .ca_exts = 1, .key = k_iss_rsa };
	struct leaf l = { .std_exts = 1 };
	CHECK(path_case("path: RSA intermediate", NULL, &rin, &l, ACCEPT, O_OK));
	struct leaf l384 = { .std_exts = 1, .md = EVP_sha384() };
	CHECK(path_case("path: RSA intermediate, SHA-384", NULL, &rin, &l384, ACCEPT, O_OK));
	struct leaf in384 = { .ca_exts = 1, .md = EVP_sha384() };
	CHECK(path_case("path: intermediate signed with SHA-384", NULL, &in384, &l, ACCEPT, O_OK));
	return 1;
}

static const uint8_t BC_CA_PATH0[] = { 0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00 };
static const uint8_t KU_DIGSIG_ONLY[] = { 0x03, 0x02, 0x07, 0x80 };
static const uint8_t NC_DNS[] = { 0x30, 0x11, 0xa0, 0x0f, 0x30, 0x0d, 0x82, 0x0b, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	'.', 'c', 'o', 'm' };
static const uint8_t UNKNOWN_EXT[] = { 0x05, 0x00 };

/* The intermediate, one property at a time. */
static int test_path_intermediate(void)
{
	CHECK(setup() && path_setup());
	/* The AK leaf's extensions but the key identifiers (some of the
	 * intermediates below have no SKID for an AKID keyid:always). */
	struct leaf l = { .n_extra = 3, .extra = { { "2.5.29.19", 1, BC_FALSE, 2 }, { "2.5.29.15", 1, KU_DIGSIG, 4 },
		{ "2.5.29.37", 0, EKU_AK, sizeof(EKU_AK) } } };
	char t[4][16];
	utc(AT, t[0]);
	utc(AT + 1, t[1]);
	utc(AT - 1, t[2]);
	utc(AT - DAY, t[3]);
	const struct {
		const char *what;
		struct ext x[3];
		size_t n;
		int ca;
		int want, oracle;
	} c[] = {
		{ "path: intermediate CA:FALSE", { { "2.5.29.19", 1, BC_FALSE, 2 }, { "2.5.29.15", 1, KU_CERTSIGN, 4 } }, 2,
		    0, DEFER, O_REFUSE },
		{ "path: intermediate without basicConstraints", { { "2.5.29.15", 1, KU_CERTSIGN, 4 } }, 1, 0, DEFER,
		    O_REFUSE },
		{ "path: intermediate without keyCertSign", { { "2.5.29.19", 1, BC_CA, 5 },
		    { "2.5.29.15", 1, KU_DIGSIG_ONLY, 4 } }, 2, 0, DEFER, O_REFUSE },
		{ "path: intermediate without keyUsage", { { "2.5.29.19", 1, BC_CA, 5 } }, 1, 0, ACCEPT, O_OK },
		{ "path: intermediate pathLen 0", { { "2.5.29.19", 1, BC_CA_PATH0, 8 },
		    { "2.5.29.15", 1, KU_CERTSIGN, 4 } }, 2, 0, ACCEPT, O_OK },
		{ "path: intermediate basicConstraints twice", { { "2.5.29.19", 1, BC_CA, 5 }, { "2.5.29.19", 1, BC_CA, 5 },
		    { "2.5.29.15", 1, KU_CERTSIGN, 4 } }, 3, 0, DEFER, O_REFUSE },
		{ "path: intermediate AKID mismatch", { { "2.5.29.35", 0, AKID_WRONG, sizeof(AKID_WRONG) },
		    { "2.5.29.19", 1, BC_CA, 5 } }, 2, 0, DEFER, O_REFUSE },
		{ "path: intermediate SKID critical", { { "2.5.29.14", 1, SKID_X, sizeof(SKID_X) },
		    { "2.5.29.19", 1, BC_CA, 5 } }, 2, 0, DEFER, O_REFUSE },
		{ "path: intermediate unknown critical extension", { { "1.3.6.1.4.1.32473.9", 1, UNKNOWN_EXT, 2 } }, 1, 1,
		    DEFER, O_REFUSE },
		{ "path: intermediate unknown extension", { { "1.3.6.1.4.1.32473.9", 0, UNKNOWN_EXT, 2 } }, 1, 1, DEFER,
		    O_OK },
		{ "path: intermediate name constraints", { { "2.5.29.30", 1, NC_DNS, sizeof(NC_DNS) } }, 1, 1, DEFER,
		    O_ANY },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct leaf in = { .ca_exts = c[i].ca, .n_extra = c[i].n };
		for (size_t k = 0; k < c[i].n; k++)
			in.extra[k] = c[i].x[k];
		CHECK(path_case(c[i].what, NULL, &in, &l, c[i].want, c[i].oracle));
	}
	/* pathLen 0 with a CA leaf: OpenSSL accepts (the leaf does not
	 * count), the leaf rule defers. */
	struct leaf in0 = { .n_extra = 2, .extra = { { "2.5.29.19", 1, BC_CA_PATH0, 8 }, { "2.5.29.15", 1, KU_CERTSIGN, 4 } } };
	struct leaf cal = { .n_extra = 1, .extra = { { "2.5.29.19", 1, BC_CA, 5 } } };
	CHECK(path_case("path: pathLen 0, CA leaf", NULL, &in0, &cal, DEFER, O_OK));
	struct leaf v1 = { .version = 1 };
	CHECK(path_case("path: v1 intermediate", NULL, &v1, &l, DEFER, O_REFUSE));
	struct leaf in = { .ca_exts = 1, .nb = t[0] };
	CHECK(path_case("path: intermediate notBefore = at", NULL, &in, &l, ACCEPT, O_OK));
	in.nb = t[1];
	CHECK(path_case("path: intermediate notBefore = at + 1", NULL, &in, &l, DEFER, O_REFUSE));
	in.nb = NULL;
	in.na = t[0];
	CHECK(path_case("path: intermediate notAfter = at", NULL, &in, &l, DEFER, O_REFUSE));
	in.na = t[1];
	CHECK(path_case("path: intermediate notAfter = at + 1", NULL, &in, &l, ACCEPT, O_OK));
	in.na = t[2];
	in.nb = t[3];
	CHECK(path_case("path: intermediate expired", NULL, &in, &l, DEFER, O_REFUSE));
	struct leaf bad = { .ca_exts = 1, .signer = k_other };
	CHECK(path_case("path: intermediate signed by another key", NULL, &bad, &l, DEFER, O_REFUSE));
	struct leaf flip = { .ca_exts = 1, .sig_flip = 1 };
	CHECK(path_case("path: intermediate signature flipped", NULL, &flip, &l, DEFER, O_REFUSE));
	/* Self-issued intermediate: the root's name, another key. */
	struct leaf si = { .ca_exts = 1, .subject = X509_get_subject_name(proot) };
	CHECK(path_case("path: intermediate self-issued", NULL, &si, &l, DEFER, O_ANY));
	return 1;
}

/* The leaf under the intermediate, and the store and settings. */
static int test_path_leaf_store(void)
{
	CHECK(setup() && path_setup());
	struct leaf in = { .ca_exts = 1 };
	struct leaf wrong = { .std_exts = 0, .n_extra = 1, .extra = { { "2.5.29.35", 0, AKID_WRONG, sizeof(AKID_WRONG) } } };
	CHECK(path_case("path: leaf AKID mismatch", NULL, &in, &wrong, DEFER, O_REFUSE));
	char t[2][16];
	utc(AT, t[0]);
	utc(AT + 1, t[1]);
	struct leaf l = { .std_exts = 1, .nb = t[0] };
	CHECK(path_case("path: leaf notBefore = at", NULL, &in, &l, ACCEPT, O_OK));
	l.nb = t[1];
	CHECK(path_case("path: leaf notBefore = at + 1", NULL, &in, &l, DEFER, O_REFUSE));
	l.nb = NULL;
	l.na = t[0];
	CHECK(path_case("path: leaf notAfter = at", NULL, &in, &l, DEFER, O_REFUSE));
	struct leaf bs = { .std_exts = 1, .signer = k_other };
	CHECK(path_case("path: leaf signed by another key", NULL, &in, &bs, DEFER, O_REFUSE));
	struct leaf plain = { .std_exts = 1 };
	/* The leaf signed by the root directly, named under the intermediate. */
	struct leaf by_root = { .std_exts = 1, .signer = k_root };
	CHECK(path_case("path: leaf signed by the anchor's key", NULL, &in, &by_root, DEFER, O_REFUSE));
	/* Settings. */
	static const struct {
		const char *what;
		unsigned long flags;
	} s[] = {
		{ "path: PARTIAL_CHAIN", X509_V_FLAG_PARTIAL_CHAIN },
		{ "path: CHECK_SS_SIGNATURE", X509_V_FLAG_CHECK_SS_SIGNATURE },
		{ "path: X509_STRICT", X509_V_FLAG_X509_STRICT },
		{ "path: IGNORE_CRITICAL", X509_V_FLAG_IGNORE_CRITICAL },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct popt po = { .flags = s[i].flags };
		CHECK(path_case(s[i].what, &po, &in, &plain, DEFER, O_ANY));
	}
	/* The store: another root of the same name (another key), the
	 * intermediate itself, a certificate of the intermediate's name. */
	char nb[16], na[16];
	utc(AT - DAY, nb);
	utc(AT + DAY, na);
	X509 *twin = mkroot("Fastlink Path Root", k_other, "critical,CA:TRUE", "critical,keyCertSign", nb, na, 0, 0);
	X509 *namesake = mkroot("Fastlink Path Intermediate", k_other, "critical,CA:TRUE", "critical,keyCertSign", nb, na,
	    0, 0);
	STACK_OF(X509) *o1 = sk_X509_new_null(), *o2 = sk_X509_new_null();
	CHECK(twin != NULL && namesake != NULL && o1 != NULL && o2 != NULL && sk_X509_push(o1, twin) > 0 &&
	    sk_X509_push(o2, namesake) > 0);
	struct popt p1 = { .others = o1 }, p2 = { .others = o2 };
	int ok = path_case("path: two anchors of one name", &p1, &in, &plain, DEFER, O_ANY) &&
	    path_case("path: the store has the intermediate's name", &p2, &in, &plain, DEFER, O_ANY);
	sk_X509_free(o1);
	sk_X509_free(o2);
	X509_free(twin);
	X509_free(namesake);
	CHECK(ok);
	return 1;
}

/* The trust anchor, one property at a time. */
static int test_path_anchor(void)
{
	CHECK(setup() && path_setup());
	struct leaf in = { .ca_exts = 1 };
	struct leaf l = { .std_exts = 1 };
	char t[6][16];
	utc(AT - 3650 * DAY, t[0]);
	utc(AT + 3650 * DAY, t[1]);
	utc(AT, t[2]);
	utc(AT + 1, t[3]);
	utc(AT - 1, t[4]);
	utc(AT - 2 * DAY, t[5]);
	const struct {
		const char *what;
		const char *bc, *ku, *nb, *na;
		int akid_wrong, v1, want, oracle;
	} c[] = {
		{ "path: anchor plain", "critical,CA:TRUE", "critical,keyCertSign", t[0], t[1], 0, 0, ACCEPT, O_OK },
		{ "path: anchor without keyUsage", "critical,CA:TRUE", NULL, t[0], t[1], 0, 0, ACCEPT, O_OK },
		{ "path: anchor pathLen 0", "critical,CA:TRUE,pathlen:0", "critical,keyCertSign", t[0], t[1], 0, 0, DEFER,
		    O_REFUSE },
		{ "path: anchor pathLen 1", "critical,CA:TRUE,pathlen:1", "critical,keyCertSign", t[0], t[1], 0, 0, ACCEPT,
		    O_OK },
		{ "path: anchor without keyCertSign", "critical,CA:TRUE", "critical,digitalSignature", t[0], t[1], 0, 0,
		    DEFER, O_REFUSE },
		{ "path: anchor CA:FALSE", "critical,CA:FALSE", "critical,keyCertSign", t[0], t[1], 0, 0, DEFER, O_REFUSE },
		{ "path: anchor notBefore = at", "critical,CA:TRUE", "critical,keyCertSign", t[2], t[1], 0, 0, ACCEPT, O_OK },
		{ "path: anchor notBefore = at + 1", "critical,CA:TRUE", "critical,keyCertSign", t[3], t[1], 0, 0, DEFER,
		    O_REFUSE },
		{ "path: anchor notAfter = at", "critical,CA:TRUE", "critical,keyCertSign", t[0], t[2], 0, 0, DEFER,
		    O_REFUSE },
		{ "path: anchor notAfter = at + 1", "critical,CA:TRUE", "critical,keyCertSign", t[0], t[3], 0, 0, ACCEPT,
		    O_OK },
		{ "path: anchor expired", "critical,CA:TRUE", "critical,keyCertSign", t[5], t[4], 0, 0, DEFER, O_REFUSE },
		{ "path: anchor AKID not its SKID", "critical,CA:TRUE", "critical,keyCertSign", t[0], t[1], 1, 0, DEFER,
		    O_REFUSE },
		{ "path: v1 anchor", NULL, NULL, t[0], t[1], 0, 1, DEFER, O_ANY },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		X509 *a = mkroot("Fastlink Odd Root", k_root, c[i].bc, c[i].ku, c[i].nb, c[i].na, c[i].akid_wrong, c[i].v1);
		CHECK(a != NULL);
		struct popt po = { .anchor = a };
		/* Under a v1 anchor (no SKID) the intermediate has no AKID. */
		struct leaf in1 = { .n_extra = 3, .extra = { { "2.5.29.19", 1, BC_CA, 5 }, { "2.5.29.15", 1, KU_CERTSIGN, 4 },
			{ "2.5.29.14", 0, SKID_X, sizeof(SKID_X) } } };
		int ok = path_case(c[i].what, &po, c[i].v1 ? &in1 : &in, &l, c[i].want, c[i].oracle);
		X509_free(a);
		CHECK(ok);
	}
	/* The check given another key than the anchor's, the intermediate
	 * signed by that key. */
	struct popt wk = { .check_key = k_other };
	struct leaf by_other = { .ca_exts = 1, .signer = k_other };
	CHECK(path_case("path: the check given another anchor key", &wk, &by_other, &l, DEFER, O_REFUSE));
	struct popt tr = { .trust = 1 };
	CHECK(path_case("path: anchor with a trust setting", &tr, &in, &l, DEFER, O_ANY));
	/* Name constraints on the anchor. */
	X509 *nc = mkroot("Fastlink NC Root", k_root, "critical,CA:TRUE", "critical,keyCertSign", t[0], t[1], 0, 0);
	CHECK(nc != NULL);
	X509_free(nc);
	X509 *y = X509_new();
	X509_NAME *n = X509_NAME_new();
	CHECK(y != NULL && n != NULL && X509_set_version(y, X509_VERSION_3) == 1 &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"Fastlink NC Root", -1, -1, 0) == 1 &&
	    X509_set_subject_name(y, n) == 1 && X509_set_issuer_name(y, n) == 1 && set_time(y, 1, t[0], 0) &&
	    set_time(y, 0, t[1], 0) && X509_set_pubkey(y, k_root) == 1 &&
	    add_conf(y, y, NID_basic_constraints, "critical,CA:TRUE") &&
	    add_conf(y, y, NID_subject_key_identifier, "hash") &&
	    add_conf(y, y, NID_name_constraints, "critical,permitted;DNS:example.com") &&
	    X509_sign(y, k_root, EVP_sha256()) > 0);
	X509_NAME_free(n);
	struct popt pn = { .anchor = y };
	int ok = path_case("path: anchor with name constraints", &pn, &in, &l, DEFER, O_ANY);
	X509_free(y);
	CHECK(ok);
	return 1;
}

static int test_counts(void)
{
	printf("fastlink: %u cases, %u accepted, %u deferred; OpenSSL accepted %u, refused %u\n", n_cases,
	    n_accept, n_defer, n_oracle_ok, n_oracle_refuse);
	/* Both verdicts occur: the cases test something. */
	CHECK(n_accept >= 100 && n_defer >= 40 && n_oracle_refuse >= 30);
	printf("fastlink facts: %u known, %u unknown; path: %u accepted, %u deferred\n", n_facts_known,
	    n_facts_unknown, n_path_accept, n_path_defer);
	CHECK(n_facts_known >= 150 && n_path_accept >= 20 && n_path_defer >= 30);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_good),
		TU(test_times),
		TU(test_names),
		TU(test_extensions),
		TU(test_issuers),
		TU(test_signatures),
		TU(test_rsa_key_trailing_byte),
		TU(test_settings),
		TU(test_garbage),
		TU(test_facts),
		TU(test_path_good),
		TU(test_path_intermediate),
		TU(test_path_leaf_store),
		TU(test_path_anchor),
		TU(test_counts),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	for (size_t i = 0; i < 6; i++)
		EVP_PKEY_free(k_leaf[i]);
	EVP_PKEY_free(k_root);
	EVP_PKEY_free(k_iss);
	EVP_PKEY_free(k_iss_rsa);
	EVP_PKEY_free(k_other);
	X509_free(root);
	X509_free(iss);
	X509_free(iss_rsa);
	X509_free(proot);
	csra_verifier_free(&facts_v);
	return rc;
}
