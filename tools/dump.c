/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csrattest dump: decode one input strictly and show what it holds.
 *
 * The decoded structure is first turned into a JSON tree (the model);
 * --json prints that tree and the text form is rendered from it, so both
 * always show the same facts and open types are decoded in one place.
 * Everything shown comes from an attacker, so text is escaped before it
 * reaches a terminal, and nothing here recurses on the input's own nesting.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_codec_int.h"
#include "csra_input.h"
#include "csrattest/claims.h"
#include "csrattest/codec.h"
#include "csrattest/verify.h"
#include "csrattest/error.h"
#include "dump.h"

#include "AttestationBundle.h"
#include "AttestationStatement.h"
#include "BOOLEAN.h"
#include "CRIAttribute.h"
#include "CertReqMessages.h"
#include "CertReqMsg.h"
#include "Certificate.h"
#include "CertificationRequest.h"
#include "Controls.h"
#include "CrmfAttributeTypeAndValue.h"
#include "Evidence.h"
#include "EvidenceBundle.h"
#include "EvidenceExplicitCerts.h"
#include "EvidenceStatement.h"
#include "Extensions.h"
#include "GeneralizedTime.h"
#include "INTEGER.h"
#include "KeyPurposes.h"
#include "OCTET_STRING.h"
#include "ProofOfPossession.h"
#include "TcgAttestCertify.h"
#include "UTF8String.h"

/* The reference pretty-print (draft sample .pp files) cuts long values at
 * 24 characters of output: 12 bytes as hex, or 24 characters of text. */
#define TRUNC_CHARS 24

/* Past this, an SPKI is not handed to OpenSSL just to learn its size. */
#define SPKI_PARSE_MAX 16384

typedef struct dctx {
	csra_decoded *d;
	const csra_codec *codec;
	int oom;
	/* A value inside (not covered by the top-level gate, such as a CRMF
	 * extension) failed to decode: the dump goes on, the exit is 2. */
	int nested_err;
	char nested_msg[CSRA_PATH_MAX + 256];
	csra_diag nested_diag;
	char nested_where[96];
} dctx;

/* Growable string ----------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_add(sbuf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (n >= SIZE_MAX / 2 - b->len) {
		b->oom = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = 1;	/* only used for short fixed fields */
		return;
	}
	sb_add(b, tmp, (size_t)n);
}

static int sb_consume(const void *buf, size_t size, void *key)
{
	sbuf *b = key;
	sb_add(b, buf, size);
	return b->oom ? -1 : 0;
}

/* UTF-8 ---------------------------------------------------------------- */

/* utf8_seq returns the length of the well-formed UTF-8 sequence at |p|
 * (at most |n| bytes) and its code point, or 0 if there is none. */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	uint8_t c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* JSON model helpers -------------------------------------------------- */

static json_t *jobj(dctx *c)
{
	json_t *o = json_object();
	if (o == NULL)
		c->oom = 1;
	return o;
}

static json_t *jarr(dctx *c)
{
	json_t *a = json_array();
	if (a == NULL)
		c->oom = 1;
	return a;
}

/* put sets |o|[|k|] = |v|, taking |v|; a NULL anywhere means no memory. */
static void put(dctx *c, json_t *o, const char *k, json_t *v)
{
	if (o == NULL || v == NULL) {
		json_decref(v);
		c->oom = 1;
		return;
	}
	if (json_object_set_new(o, k, v) != 0)
		c->oom = 1;
}

static void push(dctx *c, json_t *a, json_t *v)
{
	if (a == NULL || v == NULL) {
		json_decref(v);
		c->oom = 1;
		return;
	}
	if (json_array_append_new(a, v) != 0)
		c->oom = 1;
}

static size_t isize(int size)
{
	return size > 0 ? (size_t)size : 0;
}

static json_t *jhex(dctx *c, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	if (n > (SIZE_MAX - 1) / 2) {
		c->oom = 1;
		return NULL;
	}
	char *h = malloc(2 * n + 1);
	if (h == NULL) {
		c->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = digits[p[i] >> 4];
		h[2 * i + 1] = digits[p[i] & 15];
	}
	json_t *j = json_stringn_nocheck(h, 2 * n);
	free(h);
	if (j == NULL)
		c->oom = 1;
	return j;
}

/* jtext makes a JSON string of text from the input; bytes that are not
 * UTF-8 become U+FFFD (the gate rejects them in UTF8String, but not every
 * string type promises UTF-8). */
static json_t *jtext(dctx *c, const uint8_t *p, size_t n)
{
	sbuf b = { 0 };
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_seq(p + i, n - i, &cp);
		if (l == 0) {
			sb_puts(&b, "\xef\xbf\xbd");
			i++;
		} else {
			sb_add(&b, p + i, l);
			i += l;
		}
	}
	json_t *j = b.oom ? NULL : json_stringn_nocheck(b.p ? b.p : "", b.len);
	free(b.p);
	if (j == NULL)
		c->oom = 1;
	return j;
}

static json_t *jstr(dctx *c, const char *s)
{
	json_t *j = json_string(s);
	if (j == NULL)
		c->oom = 1;
	return j;
}

/* oid_dotted returns the dotted form of the DER contents |der|/|len|
 * (malloc'd), or NULL if it has none (an arc past 64 bits). */
static char *oid_dotted(dctx *c, const uint8_t *der, size_t len)
{
	/* A byte adds at most ".ddd"; the first arc at most "2." + 20 digits. */
	if (len > (SIZE_MAX - 32) / 4) {
		c->oom = 1;
		return NULL;
	}
	size_t cap = 4 * len + 32;
	char *s = malloc(cap);
	if (s == NULL) {
		c->oom = 1;
		return NULL;
	}
	if (!csra_oid_to_str(der, len, s, cap)) {
		free(s);
		return NULL;
	}
	return s;
}

/* joid_named is {"oid": dotted, "name": |name| or the table's, or null}. */
static json_t *joid_named(dctx *c, const uint8_t *der, size_t len, const char *name)
{
	json_t *o = jobj(c);
	char *dotted = oid_dotted(c, der, len);
	put(c, o, "oid", dotted ? jstr(c, dotted) : json_null());
	if (name == NULL) {
		const csra_oid_entry *e = csra_oid_find(der, len);
		name = e ? e->name : NULL;
	}
	put(c, o, "name", name ? jstr(c, name) : json_null());
	if (dotted == NULL)
		put(c, o, "der", jhex(c, der, len));
	free(dotted);
	return o;
}

static json_t *joid(dctx *c, const OBJECT_IDENTIFIER_t *oid)
{
	return joid_named(c, oid->buf, isize(oid->size), NULL);
}

/* jint is the INTEGER as a JSON number, or, if it does not fit in a long,
 * as a string of its decimal digits ("-" first when negative), as
 * verify --json shows big claims; past CSRA_CLAIM_INT_MAX_BYTES octets
 * (decimal conversion is quadratic) as "0x" + its two's-complement hex. */
static json_t *jint(dctx *c, const INTEGER_t *i)
{
	long v;
	json_t *j;
	if (asn_INTEGER2long(i, &v) == 0) {
		j = json_integer(v);
		if (j == NULL)
			c->oom = 1;
		return j;
	}
	size_t n = isize(i->size);
	if (n > 0 && n <= CSRA_CLAIM_INT_MAX_BYTES) {
		/* The magnitude of the two's complement, then its digits. */
		uint8_t m[CSRA_CLAIM_INT_MAX_BYTES];
		int neg = (i->buf[0] & 0x80) != 0;
		memcpy(m, i->buf, n);
		if (neg) {
			for (size_t k = 0; k < n; k++)
				m[k] = (uint8_t)~m[k];
			for (size_t k = n; k-- > 0;)
				if (++m[k] != 0)
					break;
		}
		BIGNUM *bn = BN_bin2bn(m, (int)n, NULL);
		char *dec = bn != NULL ? BN_bn2dec(bn) : NULL;
		sbuf b = { 0 };
		if (neg)
			sb_puts(&b, "-");
		if (dec != NULL)
			sb_puts(&b, dec);
		j = dec == NULL || b.oom ? NULL : json_stringn_nocheck(b.p, b.len);
		OPENSSL_free(dec);
		BN_free(bn);
		free(b.p);
		if (j == NULL)
			c->oom = 1;
		return j;
	}
	json_t *h = jhex(c, i->buf, isize(i->size));
	if (h == NULL)
		return NULL;
	sbuf b = { 0 };
	sb_puts(&b, "0x");
	sb_add(&b, json_string_value(h), json_string_length(h));
	json_decref(h);
	j = b.oom ? NULL : json_stringn_nocheck(b.p, b.len);
	free(b.p);
	if (j == NULL)
		c->oom = 1;
	return j;
}

static json_t *jbool(int v)
{
	return json_boolean(v);
}

/* jerror is the JSON form of a decode failure. */
static json_t *jerror(dctx *c, const csra_diag *dg)
{
	json_t *e = jobj(c);
	put(c, e, "code", json_integer(dg->code));
	put(c, e, "name", jstr(c, csra_err_name(dg->code)));
	put(c, e, "message", jstr(c, csra_strerror(dg->code)));
	put(c, e, "offset", dg->offset == SIZE_MAX ? json_null() : json_integer((json_int_t)dg->offset));
	put(c, e, "path", jtext(c, (const uint8_t *)dg->path, strlen(dg->path)));
	return e;
}

/* open_value decodes the open-type value |val|/|len| as |td| into the
 * decoded object. On failure returns NULL, records the failure for the
 * exit code if |where| is set, and sets |*err| to its JSON form. */
static void *open_value(dctx *c, asn_TYPE_descriptor_t *td, const uint8_t *val, size_t len,
    const char *where, json_t **err)
{
	void *out = NULL;
	csra_diag dg;
	memset(&dg, 0, sizeof(dg));
	*err = NULL;
	/* asn1c leaves an empty value's buffer NULL; let the gate judge it. */
	if (val == NULL) {
		val = (const uint8_t *)"";
		len = 0;
	}
	if (csra_decoded_open(c->d, td, val, len, &out, &dg) == CSRA_OK)
		return out;
	if (dg.code == CSRA_ERR_NOMEM)
		c->oom = 1;
	if (where != NULL && !c->nested_err) {
		c->nested_err = 1;
		c->nested_diag = dg;
		snprintf(c->nested_where, sizeof(c->nested_where), "%s", where);
		if (dg.offset == SIZE_MAX)
			snprintf(c->nested_msg, sizeof(c->nested_msg), "%s: %s (%s), %s", where,
			    csra_err_name(dg.code), csra_strerror(dg.code), dg.path);
		else
			snprintf(c->nested_msg, sizeof(c->nested_msg), "%s: %s (%s) at byte %zu of the value, %s",
			    where, csra_err_name(dg.code), csra_strerror(dg.code), dg.offset, dg.path);
	}
	*err = jerror(c, &dg);
	return NULL;
}

/* Names ---------------------------------------------------------------- */

/* The usual short forms (RFC 4514) of the attribute types in our table. */
static const struct {
	csra_oid_id id;
	const char *shortname;
} dn_short[] = {
	{ CSRA_OID_ID_AT_COMMONNAME, "CN" },
	{ CSRA_OID_ID_AT_COUNTRYNAME, "C" },
	{ CSRA_OID_ID_AT_LOCALITYNAME, "L" },
	{ CSRA_OID_ID_AT_STATEORPROVINCENAME, "ST" },
	{ CSRA_OID_ID_AT_ORGANIZATIONNAME, "O" },
	{ CSRA_OID_ID_AT_ORGANIZATIONALUNITNAME, "OU" },
	{ CSRA_OID_ID_AT_SERIALNUMBER, "serialNumber" },
};

/* tlv_parse finds the contents of the single DER TLV |p|/|n|. Returns 0 if
 * it is not one (low tag form, definite length, nothing after it). */
static int tlv_parse(const uint8_t *p, size_t n, uint8_t *tag, const uint8_t **val, size_t *vlen)
{
	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	size_t len, hdr;
	if (p[1] < 0x80) {
		len = p[1];
		hdr = 2;
	} else {
		size_t k = p[1] & 0x7f;
		if (k == 0 || k > sizeof(size_t) || n - 2 < k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		hdr = 2 + k;
	}
	if (len != n - hdr)
		return 0;
	*tag = p[0];
	*val = p + hdr;
	*vlen = len;
	return 1;
}

static void dn_hex(sbuf *b, const uint8_t *p, size_t n)
{
	sb_puts(b, "#");
	for (size_t i = 0; i < n; i++)
		sb_printf(b, "%02x", p[i]);
}

/* dn_value appends an attribute value the RFC 4514 way: text for the
 * string types, escaped; anything else as #hex of its DER. */
static void dn_value(sbuf *b, const ANY_t *v)
{
	const uint8_t *p = v->buf, *s;
	size_t n = isize(v->size), sl;
	uint8_t tag;
	if (p == NULL || !tlv_parse(p, n, &tag, &s, &sl) ||
	    (tag != 0x0c && tag != 0x13 && tag != 0x16 && tag != 0x14)) {
		dn_hex(b, p ? p : (const uint8_t *)"", p ? n : 0);
		return;
	}
	for (size_t i = 0; i < sl;) {
		uint32_t cp;
		size_t l = tag == 0x0c ? utf8_seq(s + i, sl - i, &cp) : (s[i] < 0x80 ? 1 : 0);
		uint8_t ch = s[i];
		if (l == 0 || ch < 0x20 || ch == 0x7f) {
			sb_printf(b, "\\%02X", ch);
			i++;
			continue;
		}
		if (l == 1 && (strchr(",+\"\\<>;=", ch) != NULL ||
		    (i == 0 && (ch == '#' || ch == ' ')) || (i + 1 == sl && ch == ' ')))
			sb_add(b, "\\", 1);
		sb_add(b, s + i, l);
		i += l;
	}
}

/* jname is the Name as one string, RDNs in encoded order ("C=.., O=..,
 * CN=.."), the order the DER and OpenSSL's default output use. */
static json_t *jname(dctx *c, const Name_t *name)
{
	sbuf b = { 0 };
	sb_add(&b, "", 0);
	if (name->present == Name_PR_rdnSequence) {
		const RDNSequence_t *seq = &name->choice.rdnSequence;
		for (int i = 0; i < seq->list.count; i++) {
			const RelativeDistinguishedName_t *rdn = seq->list.array[i];
			if (i)
				sb_puts(&b, ", ");
			for (int j = 0; j < rdn->list.count; j++) {
				const AttributeTypeAndValue_t *atv = rdn->list.array[j];
				const uint8_t *od = atv->type.buf;
				size_t ol = isize(atv->type.size);
				const char *label = NULL;
				if (j)
					sb_puts(&b, "+");
				for (size_t k = 0; k < sizeof(dn_short) / sizeof(dn_short[0]); k++)
					if (csra_oid_is(od, ol, dn_short[k].id))
						label = dn_short[k].shortname;
				if (label == NULL) {
					const csra_oid_entry *e = csra_oid_find(od, ol);
					label = e ? e->name : NULL;
				}
				if (label != NULL) {
					sb_puts(&b, label);
				} else {
					char *dotted = oid_dotted(c, od, ol);
					sb_puts(&b, dotted ? dotted : "?");
					free(dotted);
				}
				sb_puts(&b, "=");
				dn_value(&b, &atv->value);
			}
		}
	}
	json_t *j = b.oom ? NULL : jtext(c, (const uint8_t *)b.p, b.len);
	free(b.p);
	if (j == NULL)
		c->oom = 1;
	return j;
}

/* Keys and certificates ------------------------------------------------ */

/* jspki describes a SubjectPublicKeyInfo, with OpenSSL's view of the key
 * type and size when it knows the algorithm. */
static json_t *jspki(dctx *c, const SubjectPublicKeyInfo_t *spki)
{
	json_t *o = jobj(c);
	const ANY_t *par = spki->algorithm.parameters;
	put(c, o, "algorithm", joid(c, &spki->algorithm.algorithm));
	const uint8_t *pv;
	size_t pl;
	uint8_t tag;
	if (par != NULL && par->buf != NULL && tlv_parse(par->buf, isize(par->size), &tag, &pv, &pl) &&
	    tag == 0x06)
		put(c, o, "named_curve", joid_named(c, pv, pl, NULL));
	else
		put(c, o, "named_curve", json_null());
	put(c, o, "parameters", par && par->buf ? jhex(c, par->buf, isize(par->size)) : json_null());

	json_t *kt = json_null(), *bits = json_null();
	sbuf b = { 0 };
	asn_enc_rval_t er = der_encode(&asn_DEF_SubjectPublicKeyInfo, (void *)spki, sb_consume, &b);
	if (er.encoded > 0 && !b.oom && b.len <= SPKI_PARSE_MAX) {
		const unsigned char *q = (const unsigned char *)b.p;
		EVP_PKEY *pk = d2i_PUBKEY(NULL, &q, (long)b.len);
		if (pk != NULL) {
			const char *tn = EVP_PKEY_get0_type_name(pk);
			if (tn != NULL)
				kt = jstr(c, tn);
			if (EVP_PKEY_get_bits(pk) > 0)
				bits = json_integer(EVP_PKEY_get_bits(pk));
			EVP_PKEY_free(pk);
		}
		ERR_clear_error();
	}
	free(b.p);
	put(c, o, "key_type", kt);
	put(c, o, "key_bits", bits);
	put(c, o, "public_key", jhex(c, spki->subjectPublicKey.buf, isize(spki->subjectPublicKey.size)));
	return o;
}

static int md_consume(const void *buf, size_t size, void *key)
{
	return EVP_DigestUpdate(key, buf, size) == 1 ? 0 : -1;
}

/* jserial is the serial number in hex, without the 00 octet DER adds to
 * keep a positive number positive (so it reads like OpenSSL's). */
static json_t *jserial(dctx *c, const INTEGER_t *i)
{
	const uint8_t *p = i->buf;
	size_t n = isize(i->size);
	if (n > 1 && p[0] == 0 && (p[1] & 0x80))
		p++, n--;
	return jhex(c, p ? p : (const uint8_t *)"", p ? n : 0);
}

/* jcert is a certificate's summary. The SHA-256 fingerprint is over the
 * DER asn1c re-encodes, which is the input itself: the gate accepted only
 * DER, and DER has one encoding per value. */
static json_t *jcert(dctx *c, const Certificate_t *cert)
{
	json_t *o = jobj(c);
	const TBSCertificate_t *tbs = &cert->tbsCertificate;
	put(c, o, "type", jstr(c, "Certificate"));
	put(c, o, "subject", jname(c, &tbs->subject));
	put(c, o, "issuer", jname(c, &tbs->issuer));
	put(c, o, "serial", jserial(c, &tbs->serialNumber));
	put(c, o, "signature_algorithm", joid(c, &cert->signatureAlgorithm.algorithm));

	json_t *fp = json_null();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	if (md == NULL) {
		c->oom = 1;
	} else if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1) {
		asn_enc_rval_t er = der_encode(&asn_DEF_Certificate, (void *)cert, md_consume, md);
		if (er.encoded > 0 && EVP_DigestFinal_ex(md, dig, &dlen) == 1)
			fp = jhex(c, dig, dlen);
	}
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	put(c, o, "sha256_fingerprint", fp);
	return o;
}

/* Evidence --------------------------------------------------------------- */

static json_t *jclaim_value(dctx *c, const ReportedClaim_t *cl)
{
	if (cl->value == NULL)
		return json_null();
	const uint8_t *val = cl->value->buf;
	size_t len = isize(cl->value->size);
	asn_TYPE_descriptor_t *td = csra_claim_type(cl->claimType.buf, isize(cl->claimType.size));
	json_t *o = jobj(c);
	if (td == NULL) {
		put(c, o, "type", jstr(c, "unknown"));
		put(c, o, "der", jhex(c, val, len));
		return o;
	}
	put(c, o, "type", jstr(c, td->name));
	json_t *err;
	void *v = open_value(c, td, val, len, "claim value", &err);
	if (v == NULL) {
		put(c, o, "error", err);
		return o;
	}
	if (td == &asn_DEF_OCTET_STRING) {
		const OCTET_STRING_t *os = v;
		put(c, o, "hex", jhex(c, os->buf, isize(os->size)));
	} else if (td == &asn_DEF_BOOLEAN) {
		put(c, o, "value", jbool(*(const BOOLEAN_t *)v != 0));
	} else if (td == &asn_DEF_INTEGER) {
		put(c, o, "value", jint(c, v));
	} else if (td == &asn_DEF_UTF8String || td == &asn_DEF_GeneralizedTime) {
		const OCTET_STRING_t *os = v;
		put(c, o, "value", jtext(c, os->buf, isize(os->size)));
	} else if (td == &asn_DEF_KeyPurposes) {
		const KeyPurposes_t *kp = v;
		json_t *a = jarr(c);
		for (int i = 0; i < kp->list.count; i++)
			push(c, a, joid(c, kp->list.array[i]));
		put(c, o, "value", a);
	} else {
		put(c, o, "der", jhex(c, val, len));
	}
	return o;
}

static json_t *jevidence(dctx *c, const Evidence_t *ev, int explicit_certs)
{
	json_t *o = jobj(c), *tbs = jobj(c), *els = jarr(c), *sigs = jarr(c);
	put(c, o, "type", jstr(c, "Evidence"));
	put(c, tbs, "version", jint(c, &ev->tbs.version));
	for (int i = 0; i < ev->tbs.reportedElements.list.count; i++) {
		const ReportedElement_t *re = ev->tbs.reportedElements.list.array[i];
		json_t *e = jobj(c), *claims = jarr(c);
		put(c, e, "element_type", joid(c, &re->elementType));
		for (int j = 0; j < re->claims.list.count; j++) {
			const ReportedClaim_t *cl = re->claims.list.array[j];
			json_t *co = jobj(c);
			put(c, co, "claim_type", joid(c, &cl->claimType));
			/* The draft's claim name ("dbgstat"): its ASN.1 OID names
			 * differ for some. */
			const csra_claim_info *info = csra_claim_get(csra_claim_from_oid(cl->claimType.buf,
			    isize(cl->claimType.size)));
			put(c, co, "name", info != NULL ? jstr(c, info->name) : json_null());
			put(c, co, "value", jclaim_value(c, cl));
			push(c, claims, co);
		}
		put(c, e, "claims", claims);
		push(c, els, e);
	}
	put(c, tbs, "reported_elements", els);
	put(c, o, "tbs", tbs);

	for (int i = 0; i < ev->signatures.list.count; i++) {
		const SignatureBlock_t *sb = ev->signatures.list.array[i];
		const SignerIdentifier_t *sid = &sb->sid;
		json_t *s = jobj(c), *so = jobj(c);
		put(c, s, "algorithm", joid(c, &sb->signatureAlgorithm.algorithm));
		const ANY_t *par = sb->signatureAlgorithm.parameters;
		put(c, s, "parameters", par && par->buf ? jhex(c, par->buf, isize(par->size)) : json_null());
		put(c, s, "signature_value", jhex(c, sb->signatureValue.buf, isize(sb->signatureValue.size)));
		put(c, so, "key_id", sid->keyId ? jhex(c, sid->keyId->buf, isize(sid->keyId->size)) : json_null());
		put(c, so, "subject_public_key_info",
		    sid->subjectPublicKeyInfo ? jspki(c, sid->subjectPublicKeyInfo) : json_null());
		put(c, so, "certificate", sid->certificate ? jcert(c, sid->certificate) : json_null());
		put(c, s, "sid", so);
		push(c, sigs, s);
	}
	put(c, o, "signatures", sigs);

	if (ev->intermediateCertificates == NULL) {
		put(c, o, "intermediate_certificates", json_null());
	} else {
		json_t *ic = jobj(c), *certs = jarr(c);
		put(c, ic, "tagging", jstr(c, explicit_certs ? "[0] EXPLICIT" : "[0] IMPLICIT"));
		for (int i = 0; i < ev->intermediateCertificates->list.count; i++)
			push(c, certs, jcert(c, ev->intermediateCertificates->list.array[i]));
		put(c, ic, "certificates", certs);
		put(c, o, "intermediate_certificates", ic);
	}
	return o;
}

/* Bundles ---------------------------------------------------------------- */

static json_t *jlen_hex(dctx *c, const OCTET_STRING_t *os)
{
	json_t *o = jobj(c);
	put(c, o, "length", json_integer((json_int_t)isize(os->size)));
	put(c, o, "hex", jhex(c, os->buf, isize(os->size)));
	return o;
}

/* jstatement decodes a statement through the codec's open-type table,
 * exactly as the gate resolved it. */
static json_t *jstatement(dctx *c, const asn_TYPE_descriptor_t *container,
    const OBJECT_IDENTIFIER_t *type, const ANY_t *stmt, const EvidenceHint_t *hint, int legacy)
{
	json_t *o = jobj(c), *node;
	const uint8_t *val = stmt->buf;
	size_t len = isize(stmt->size);
	asn_TYPE_descriptor_t *td = csra_codec_open_type(c->codec, container, type->buf,
	    isize(type->size), val, len);
	int is_ev = td == &asn_DEF_Evidence || td == &asn_DEF_EvidenceExplicitCerts;
	/* id-evidence and id-stmt-pkix-evidence share an OID; here it is the
	 * statement type. */
	put(c, o, "statement_type", joid_named(c, type->buf, isize(type->size),
	    is_ev ? csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE].name : NULL));
	if (legacy) {
		if (hint == NULL || hint->present == EvidenceHint_PR_NOTHING) {
			put(c, o, "hint", json_null());
		} else {
			int ia5 = hint->present == EvidenceHint_PR_ia5;
			const OCTET_STRING_t *hs = ia5 ? &hint->choice.ia5 : &hint->choice.utf8;
			json_t *h = jobj(c);
			put(c, h, "string_type", jstr(c, ia5 ? "IA5String" : "UTF8String"));
			put(c, h, "value", jtext(c, hs->buf, isize(hs->size)));
			put(c, o, "hint", h);
		}
	}
	if (td == NULL) {
		node = jobj(c);
		put(c, node, "type", jstr(c, "unknown"));
		put(c, node, "der", jhex(c, val, len));
	} else {
		json_t *err;
		void *v = open_value(c, td, val, len, "statement", &err);
		if (v == NULL) {
			node = jobj(c);
			put(c, node, "type", jstr(c, is_ev ? "Evidence" : td->name));
			put(c, node, "error", err);
		} else if (is_ev) {
			node = jevidence(c, v, td == &asn_DEF_EvidenceExplicitCerts);
		} else if (td == &asn_DEF_TcgAttestCertify) {
			const TcgAttestCertify_t *t = v;
			node = jobj(c);
			put(c, node, "type", jstr(c, "TcgAttestCertify"));
			put(c, node, "tpms_attest", jlen_hex(c, &t->tpmSAttest));
			put(c, node, "signature", jlen_hex(c, &t->signature));
			put(c, node, "tpmt_public", t->tpmTPublic ? jlen_hex(c, t->tpmTPublic) : json_null());
		} else {
			node = jobj(c);
			put(c, node, "type", jstr(c, "unknown"));
			put(c, node, "der", jhex(c, val, len));
		}
	}
	put(c, o, "statement", node);
	return o;
}

static json_t *jcertchoice(dctx *c, const LimitedCertChoices_t *lc)
{
	if (lc->present == LimitedCertChoices_PR_certificate)
		return jcert(c, &lc->choice.certificate);
	json_t *o = jobj(c);
	put(c, o, "type", jstr(c, "OtherCertificateFormat"));
	if (lc->present == LimitedCertChoices_PR_other) {
		put(c, o, "other_cert_format", joid(c, &lc->choice.other.otherCertFormat));
		put(c, o, "other_cert", jhex(c, lc->choice.other.otherCert.buf,
		    isize(lc->choice.other.otherCert.size)));
	}
	return o;
}

static json_t *jbundle(dctx *c, const asn_TYPE_descriptor_t *td, const void *v)
{
	json_t *o = jobj(c), *stmts = jarr(c), *certs = json_null();
	if (td == &asn_DEF_AttestationBundle) {
		const AttestationBundle_t *ab = v;
		put(c, o, "type", jstr(c, "AttestationBundle"));
		put(c, o, "form", jstr(c, "draft-28"));
		for (int i = 0; i < ab->attestations.list.count; i++) {
			const AttestationStatement_t *s = ab->attestations.list.array[i];
			push(c, stmts, jstatement(c, &asn_DEF_AttestationStatement, &s->type, &s->stmt, NULL, 0));
		}
		if (ab->certs != NULL) {
			certs = jarr(c);
			for (int i = 0; i < ab->certs->list.count; i++)
				push(c, certs, jcertchoice(c, ab->certs->list.array[i]));
		}
	} else {
		const EvidenceBundle_t *eb = v;
		put(c, o, "type", jstr(c, "EvidenceBundle"));
		put(c, o, "form", jstr(c, "legacy, drafts -10..-21"));
		for (int i = 0; i < eb->evidences.list.count; i++) {
			const EvidenceStatement_t *s = eb->evidences.list.array[i];
			push(c, stmts, jstatement(c, &asn_DEF_EvidenceStatement, &s->type, &s->stmt, s->hint, 1));
		}
		if (eb->certs != NULL) {
			certs = jarr(c);
			for (int i = 0; i < eb->certs->list.count; i++)
				push(c, certs, jcertchoice(c, eb->certs->list.array[i]));
		}
	}
	put(c, o, "statements", stmts);
	put(c, o, "certificates", certs);
	return o;
}

/* bundle_td picks AttestationBundle or the legacy EvidenceBundle for the
 * DER |val|/|len| the way the codec does for the CSR attribute. */
static asn_TYPE_descriptor_t *bundle_td(const csra_codec *codec, const uint8_t *val, size_t len)
{
	const csra_oid_entry *aa = &csra_oid_table[CSRA_OID_ID_AA_ATTESTATION];
	asn_TYPE_descriptor_t *td = csra_codec_open_type(codec, &asn_DEF_CRIAttribute,
	    aa->der, aa->der_len, val, len);
	return td ? td : &asn_DEF_AttestationBundle;
}

/* jattestation_value decodes an id-aa-attestation value (full DER). */
static json_t *jattestation_value(dctx *c, const uint8_t *val, size_t len, const char *where)
{
	asn_TYPE_descriptor_t *td = bundle_td(c->codec, val, len);
	json_t *err;
	void *v = open_value(c, td, val, len, where, &err);
	if (v != NULL)
		return jbundle(c, td, v);
	json_t *o = jobj(c);
	put(c, o, "type", jstr(c, td->name));
	put(c, o, "error", err);
	return o;
}

/* Extensions, CSR, CRMF ------------------------------------------------- */

static json_t *jextensions(dctx *c, const Extensions_t *exts, const char *where)
{
	json_t *a = jarr(c);
	for (int i = 0; i < exts->list.count; i++) {
		const Extension_t *x = exts->list.array[i];
		json_t *o = jobj(c);
		put(c, o, "extn_id", joid(c, &x->extnID));
		put(c, o, "critical", jbool(x->critical != NULL && *x->critical != 0));
		put(c, o, "value", jhex(c, x->extnValue.buf, isize(x->extnValue.size)));
		/* The draft-28 extension: an OCTET STRING holding the bundle. */
		if (csra_oid_is(x->extnID.buf, isize(x->extnID.size), CSRA_OID_ID_AA_ATTESTATION))
			put(c, o, "attestation", jattestation_value(c, x->extnValue.buf,
			    isize(x->extnValue.size), where));
		push(c, a, o);
	}
	return a;
}

static json_t *jcsr(dctx *c, const CertificationRequest_t *csr)
{
	const CertificationRequestInfo_t *cri = &csr->certificationRequestInfo;
	json_t *o = jobj(c), *attrs = jarr(c);
	put(c, o, "type", jstr(c, "CertificationRequest"));
	put(c, o, "version", jint(c, &cri->version));
	put(c, o, "subject", jname(c, &cri->subject));
	put(c, o, "subject_public_key_info", jspki(c, &cri->subjectPKInfo));
	put(c, o, "signature_algorithm", joid(c, &csr->signatureAlgorithm.algorithm));
	put(c, o, "signature", jhex(c, csr->signature.buf, isize(csr->signature.size)));
	for (int i = 0; i < cri->attributes.list.count; i++) {
		const CRIAttribute_t *at = cri->attributes.list.array[i];
		const uint8_t *od = at->type.buf;
		size_t ol = isize(at->type.size);
		json_t *ao = jobj(c), *vals = jarr(c);
		put(c, ao, "attr_type", joid(c, &at->type));
		for (int j = 0; j < at->values.list.count; j++) {
			const ANY_t *v = at->values.list.array[j];
			const uint8_t *vb = v->buf;
			size_t vl = isize(v->size);
			asn_TYPE_descriptor_t *td = csra_codec_open_type(c->codec, &asn_DEF_CRIAttribute,
			    od, ol, vb, vl);
			if (csra_oid_is(od, ol, CSRA_OID_ID_AA_ATTESTATION)) {
				push(c, vals, jattestation_value(c, vb, vl, "attestation attribute"));
			} else if (td == &asn_DEF_Extensions) {
				json_t *err, *xo = jobj(c);
				const Extensions_t *exts = open_value(c, td, vb, vl, "extensionRequest", &err);
				put(c, xo, "type", jstr(c, "Extensions"));
				if (exts != NULL)
					put(c, xo, "extensions", jextensions(c, exts, "attestation extension"));
				else
					put(c, xo, "error", err);
				push(c, vals, xo);
			} else {
				json_t *uo = jobj(c);
				put(c, uo, "type", jstr(c, "unknown"));
				put(c, uo, "der", jhex(c, vb, vl));
				push(c, vals, uo);
			}
		}
		put(c, ao, "values", vals);
		push(c, attrs, ao);
	}
	put(c, o, "attributes", attrs);
	return o;
}

static json_t *jatv_types(dctx *c, CrmfAttributeTypeAndValue_t *const *items, int count)
{
	json_t *a = jarr(c);
	for (int i = 0; i < count; i++)
		push(c, a, joid(c, &items[i]->type));
	return a;
}

static json_t *jpopo(dctx *c, const ProofOfPossession_t *p)
{
	if (p == NULL)
		return json_null();
	json_t *o = jobj(c);
	const char *kind = "unknown";
	switch (p->present) {
	case ProofOfPossession_PR_raVerified: kind = "raVerified"; break;
	case ProofOfPossession_PR_signature: kind = "signature"; break;
	case ProofOfPossession_PR_keyEncipherment: kind = "keyEncipherment"; break;
	case ProofOfPossession_PR_keyAgreement: kind = "keyAgreement"; break;
	default: break;
	}
	put(c, o, "kind", jstr(c, kind));
	if (p->present == ProofOfPossession_PR_signature)
		put(c, o, "algorithm", joid(c, &p->choice.signature.algorithmIdentifier.algorithm));
	return o;
}

static json_t *jcrmf(dctx *c, const CertReqMessages_t *m)
{
	json_t *o = jobj(c), *msgs = jarr(c);
	put(c, o, "type", jstr(c, "CertReqMessages"));
	for (int i = 0; i < m->list.count; i++) {
		const CertReqMsg_t *msg = m->list.array[i];
		const CertTemplate_t *t = &msg->certReq.certTemplate;
		json_t *mo = jobj(c), *to = jobj(c);
		char where[80];
		snprintf(where, sizeof(where), "CertReqMessages[%d] attestation extension", i);
		put(c, mo, "cert_req_id", jint(c, &msg->certReq.certReqId));
		put(c, to, "version", t->version ? jint(c, t->version) : json_null());
		put(c, to, "serial_number", t->serialNumber ? jserial(c, t->serialNumber) : json_null());
		put(c, to, "signing_alg", t->signingAlg ? joid(c, &t->signingAlg->algorithm) : json_null());
		put(c, to, "issuer", t->issuer ? jname(c, t->issuer) : json_null());
		put(c, to, "subject", t->subject ? jname(c, t->subject) : json_null());
		put(c, to, "public_key", t->publicKey ? jspki(c, t->publicKey) : json_null());
		put(c, to, "extensions", t->extensions ? jextensions(c, t->extensions, where) : json_null());
		put(c, mo, "template", to);
		put(c, mo, "controls", msg->certReq.controls ? jatv_types(c,
		    msg->certReq.controls->list.array, msg->certReq.controls->list.count) : json_null());
		put(c, mo, "popo", jpopo(c, msg->popo));
		put(c, mo, "reg_info", msg->regInfo ? jatv_types(c,
		    msg->regInfo->list.array, msg->regInfo->list.count) : json_null());
		push(c, msgs, mo);
	}
	put(c, o, "messages", msgs);
	return o;
}

static json_t *jcert_full(dctx *c, const Certificate_t *cert)
{
	const TBSCertificate_t *tbs = &cert->tbsCertificate;
	json_t *o = jcert(c, cert);
	put(c, o, "version", tbs->version ? jint(c, tbs->version) : json_integer(0));
	put(c, o, "subject_public_key_info", jspki(c, &tbs->subjectPublicKeyInfo));
	put(c, o, "extensions", tbs->extensions ? jextensions(c, tbs->extensions,
	    "certificate attestation extension") : json_null());
	return o;
}

/* Text rendering of the model ------------------------------------------ */

static const char *jsv(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int is_null(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return v == NULL || json_is_null(v);
}

static void ind(FILE *f, int n)
{
	fprintf(f, "%*s", n, "");
}

/* put_text writes attacker text safely: C0/C1 controls, DEL, invalid
 * UTF-8 and bidi overrides are escaped (\xNN, \uNNNN), as is the backslash
 * unless |keep_bs| (a DN string is already escaped). At most |max| code
 * points are written (0: no limit), then "...". */
static void put_text(FILE *f, const char *s, size_t n, size_t max, int keep_bs)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t count = 0;
	for (size_t i = 0; i < n; count++) {
		if (max && count == max) {
			fputs("...", f);
			return;
		}
		uint32_t cp;
		size_t l = utf8_seq(p + i, n - i, &cp);
		if (l == 0) {
			fprintf(f, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f)
			fprintf(f, "\\x%02x", (unsigned)cp);
		else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f)
			fprintf(f, "\\u%04x", (unsigned)cp);
		else if (cp == '\\' && !keep_bs)
			fputs("\\\\", f);
		else
			fwrite(p + i, 1, l, f);
		i += l;
	}
}

static void put_js(FILE *f, const json_t *s, size_t max, int keep_bs)
{
	if (json_is_string(s))
		put_text(f, json_string_value(s), json_string_length(s), max, keep_bs);
	else
		fputs("(none)", f);
}

/* put_hex writes model hex, cut like the reference pretty-print. */
static void put_hex(FILE *f, const json_t *h, int full)
{
	if (!json_is_string(h)) {
		fputs("(none)", f);
		return;
	}
	size_t n = json_string_length(h);
	if (n == 0) {
		fputs("(empty)", f);
		return;
	}
	if (!full && n > TRUNC_CHARS) {
		fwrite(json_string_value(h), 1, TRUNC_CHARS, f);
		fputs("...", f);
	} else {
		fwrite(json_string_value(h), 1, n, f);
	}
}

/* put_oid writes an OID's name, or its dotted form if it has none; with
 * |both|, "name (dotted)". */
static void put_oid(FILE *f, const json_t *oid, int both)
{
	const char *name = jsv(oid, "name"), *dotted = jsv(oid, "oid");
	if (dotted == NULL) {
		fputs("OID DER ", f);
		put_hex(f, json_object_get(oid, "der"), 0);
		return;
	}
	if (name && both)
		fprintf(f, "%s (%s)", name, dotted);
	else
		fputs(name ? name : dotted, f);
}

static void put_int(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else
		put_js(f, v, 0, 0);
}

/* put_version writes an X.509/PKCS#10 version number and its name. */
static void put_version(FILE *f, const json_t *v)
{
	put_int(f, v);
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 3)
		fprintf(f, " (v%d)", (int)json_integer_value(v) + 1);
}

static void put_err(FILE *f, const json_t *e)
{
	const json_t *off = json_object_get(e, "offset");
	fprintf(f, "(undecodable: %s: %s", jsv(e, "name"), jsv(e, "message"));
	if (json_is_integer(off))
		fprintf(f, " at byte %lld of the value", (long long)json_integer_value(off));
	fputs(", ", f);
	put_js(f, json_object_get(e, "path"), 0, 0);
	fputs(")", f);
}

static void render_spki_line(FILE *f, const json_t *k)
{
	put_oid(f, json_object_get(k, "algorithm"), 1);
	if (!is_null(k, "named_curve")) {
		fputs(", ", f);
		put_oid(f, json_object_get(k, "named_curve"), 0);
	}
	if (!is_null(k, "key_bits"))
		fprintf(f, ", %lld bits", (long long)json_integer_value(json_object_get(k, "key_bits")));
}

static void render_spki(FILE *f, const json_t *k, int in, const char *title)
{
	ind(f, in);
	fprintf(f, "%s:\n", title);
	ind(f, in + 2);
	fputs("algorithm : ", f);
	put_oid(f, json_object_get(k, "algorithm"), 1);
	fputs("\n", f);
	if (!is_null(k, "named_curve")) {
		ind(f, in + 2);
		fputs("curve     : ", f);
		put_oid(f, json_object_get(k, "named_curve"), 1);
		fputs("\n", f);
	} else if (!is_null(k, "parameters")) {
		const char *ph = jsv(k, "parameters");
		ind(f, in + 2);
		fputs("params    : ", f);
		if (strcmp(ph, "0500") == 0)
			fputs("NULL", f);
		else
			put_hex(f, json_object_get(k, "parameters"), 0);
		fputs("\n", f);
	}
	if (!is_null(k, "key_type")) {
		ind(f, in + 2);
		fprintf(f, "key       : %s", jsv(k, "key_type"));
		if (!is_null(k, "key_bits"))
			fprintf(f, ", %lld bits", (long long)json_integer_value(json_object_get(k, "key_bits")));
		fputs("\n", f);
	}
	ind(f, in + 2);
	fputs("publicKey : ", f);
	put_hex(f, json_object_get(k, "public_key"), 0);
	fputs("\n", f);
}

static void render_cert_fields(FILE *f, const json_t *ct, int in)
{
	ind(f, in);
	fputs("subject   : ", f);
	put_js(f, json_object_get(ct, "subject"), 0, 1);
	fputs("\n", f);
	ind(f, in);
	fputs("issuer    : ", f);
	put_js(f, json_object_get(ct, "issuer"), 0, 1);
	fputs("\n", f);
	ind(f, in);
	fputs("serial    : ", f);
	put_hex(f, json_object_get(ct, "serial"), 1);
	fputs("\n", f);
	ind(f, in);
	fputs("signature : ", f);
	put_oid(f, json_object_get(ct, "signature_algorithm"), 1);
	fputs("\n", f);
	ind(f, in);
	fputs("sha256    : ", f);
	put_hex(f, json_object_get(ct, "sha256_fingerprint"), 1);
	fputs("\n", f);
}

/* render_certchoice writes "<Label>[i]:" and the certificate summary. */
static void render_certchoice(FILE *f, const json_t *ct, int in, size_t i)
{
	ind(f, in);
	if (strcmp(jsv(ct, "type"), "Certificate") == 0) {
		fprintf(f, "Certificate[%zu]:\n", i);
		render_cert_fields(f, ct, in + 2);
		return;
	}
	fprintf(f, "OtherCertificateFormat[%zu]: ", i);
	if (!is_null(ct, "other_cert_format"))
		put_oid(f, json_object_get(ct, "other_cert_format"), 1);
	fprintf(f, ", %zu bytes\n", json_string_length(json_object_get(ct, "other_cert")) / 2);
}

static void render_claim_value(FILE *f, const json_t *v, int in)
{
	ind(f, in);
	fputs("-> ", f);
	if (json_is_null(v)) {
		fputs("(no value)\n", f);
		return;
	}
	const char *t = jsv(v, "type");
	const json_t *val = json_object_get(v, "value");
	if (strcmp(t, "unknown") == 0) {
		fputs("[raw DER] ", f);
		put_hex(f, json_object_get(v, "der"), 0);
	} else if (!is_null(v, "error")) {
		fprintf(f, "[%s] ", t);
		put_err(f, json_object_get(v, "error"));
	} else if (strcmp(t, "OCTET STRING") == 0) {
		fputs("[OCTET STRING] ", f);
		put_hex(f, json_object_get(v, "hex"), 0);
	} else if (strcmp(t, "BOOLEAN") == 0) {
		fprintf(f, "[BOOLEAN] %s", json_is_true(val) ? "True" : "False");
	} else if (strcmp(t, "INTEGER") == 0) {
		fputs("[INTEGER] ", f);
		put_int(f, val);
	} else if (strcmp(t, "UTF8String") == 0) {
		fputs("[UTF8String] ", f);
		put_js(f, val, TRUNC_CHARS, 0);
	} else if (strcmp(t, "GeneralizedTime") == 0) {
		fputs("[GeneralizedTime] ", f);
		put_js(f, val, 0, 0);
	} else if (strcmp(t, "KeyPurposes") == 0) {
		fputs("[KeyPurposes] ", f);
		if (json_array_size(val) == 0)
			fputs("(none)", f);
		for (size_t i = 0; i < json_array_size(val); i++) {
			if (i)
				fputs(", ", f);
			put_oid(f, json_array_get(val, i), 0);
		}
	} else {
		fprintf(f, "[%s] ", t);
		put_hex(f, json_object_get(v, "der"), 0);
	}
	fputs("\n", f);
}

static void render_evidence(FILE *f, const json_t *ev, int in)
{
	const json_t *tbs = json_object_get(ev, "tbs");
	const json_t *els = json_object_get(tbs, "reported_elements");
	const json_t *sigs = json_object_get(ev, "signatures");
	ind(f, in);
	fputs("Evidence:\n", f);
	ind(f, in + 2);
	fputs("TbsEvidence:\n", f);
	ind(f, in + 4);
	fputs("version: ", f);
	put_int(f, json_object_get(tbs, "version"));
	fputs("\n", f);
	for (size_t i = 0; i < json_array_size(els); i++) {
		const json_t *e = json_array_get(els, i);
		const json_t *claims = json_object_get(e, "claims");
		ind(f, in + 4);
		fprintf(f, "ReportedElement[%zu]: ", i);
		put_oid(f, json_object_get(e, "element_type"), 0);
		fputs("\n", f);
		for (size_t j = 0; j < json_array_size(claims); j++) {
			const json_t *cl = json_array_get(claims, j);
			ind(f, in + 6);
			fprintf(f, "Claim[%zu]: ", j);
			put_oid(f, json_object_get(cl, "claim_type"), 0);
			if (json_is_string(json_object_get(cl, "name")))
				fprintf(f, " (%s)", json_string_value(json_object_get(cl, "name")));
			fputs("\n", f);
			render_claim_value(f, json_object_get(cl, "value"), in + 14);
		}
	}
	ind(f, in + 2);
	fprintf(f, "Signatures (%zu):\n", json_array_size(sigs));
	for (size_t i = 0; i < json_array_size(sigs); i++) {
		const json_t *s = json_array_get(sigs, i);
		const json_t *sid = json_object_get(s, "sid");
		ind(f, in + 4);
		fprintf(f, "SignatureBlock[%zu]:\n", i);
		ind(f, in + 6);
		fputs("algorithm      : ", f);
		put_oid(f, json_object_get(s, "algorithm"), 1);
		fputs("\n", f);
		if (!is_null(s, "parameters")) {
			ind(f, in + 6);
			fputs("parameters     : ", f);
			put_hex(f, json_object_get(s, "parameters"), 0);
			fputs("\n", f);
		}
		ind(f, in + 6);
		fputs("signatureValue : ", f);
		put_hex(f, json_object_get(s, "signature_value"), 0);
		fputs("\n", f);
		if (!is_null(sid, "key_id")) {
			ind(f, in + 6);
			fputs("keyId          : ", f);
			put_hex(f, json_object_get(sid, "key_id"), 1);
			fputs("\n", f);
		}
		if (!is_null(sid, "subject_public_key_info")) {
			ind(f, in + 6);
			fputs("AK SPKI        : ", f);
			render_spki_line(f, json_object_get(sid, "subject_public_key_info"));
			fputs("\n", f);
		}
		if (!is_null(sid, "certificate")) {
			ind(f, in + 6);
			fputs("AK Certificate : present\n", f);
			render_cert_fields(f, json_object_get(sid, "certificate"), in + 8);
		}
	}
	const json_t *ic = json_object_get(ev, "intermediate_certificates");
	if (!json_is_null(ic)) {
		const json_t *certs = json_object_get(ic, "certificates");
		ind(f, in + 2);
		fprintf(f, "Intermediate Certificates:  (%zu) %s\n", json_array_size(certs),
		    jsv(ic, "tagging"));
		for (size_t i = 0; i < json_array_size(certs); i++)
			render_certchoice(f, json_array_get(certs, i), in + 4, i);
	}
}

static void render_len_hex(FILE *f, const json_t *o, int in, const char *label)
{
	ind(f, in);
	fprintf(f, "%s: ", label);
	if (json_is_null(o)) {
		fputs("(absent)\n", f);
		return;
	}
	fprintf(f, "%lld bytes, ", (long long)json_integer_value(json_object_get(o, "length")));
	put_hex(f, json_object_get(o, "hex"), 0);
	fputs("\n", f);
}

static void render_bundle(FILE *f, const json_t *b, int in)
{
	const char *type = jsv(b, "type");
	const json_t *stmts = json_object_get(b, "statements");
	const json_t *certs = json_object_get(b, "certificates");
	int legacy = strcmp(type, "EvidenceBundle") == 0;
	ind(f, in);
	fprintf(f, "%s (%s):\n", type, jsv(b, "form"));
	for (size_t i = 0; i < json_array_size(stmts); i++) {
		const json_t *s = json_array_get(stmts, i);
		const json_t *node = json_object_get(s, "statement");
		const char *nt = jsv(node, "type");
		ind(f, in + 2);
		fprintf(f, "%s[%zu]: ", legacy ? "EvidenceStatement" : "AttestationStatement", i);
		put_oid(f, json_object_get(s, "statement_type"), 1);
		fputs("\n", f);
		if (legacy) {
			const json_t *h = json_object_get(s, "hint");
			ind(f, in + 4);
			fputs("hint : ", f);
			if (json_is_null(h)) {
				fputs("(absent)", f);
			} else {
				fprintf(f, "[%s] ", jsv(h, "string_type"));
				put_js(f, json_object_get(h, "value"), 0, 0);
			}
			fputs("\n", f);
		}
		if (!is_null(node, "error")) {
			ind(f, in + 4);
			fprintf(f, "%s: ", nt);
			put_err(f, json_object_get(node, "error"));
			fputs("\n", f);
		} else if (strcmp(nt, "Evidence") == 0) {
			render_evidence(f, node, in + 4);
		} else if (strcmp(nt, "TcgAttestCertify") == 0) {
			ind(f, in + 4);
			fputs("TcgAttestCertify:\n", f);
			render_len_hex(f, json_object_get(node, "tpms_attest"), in + 6, "tpmSAttest ");
			render_len_hex(f, json_object_get(node, "signature"), in + 6, "signature  ");
			render_len_hex(f, json_object_get(node, "tpmt_public"), in + 6, "tpmTPublic ");
		} else {
			ind(f, in + 4);
			fprintf(f, "stmt : (type not understood) %zu bytes, ",
			    json_string_length(json_object_get(node, "der")) / 2);
			put_hex(f, json_object_get(node, "der"), 0);
			fputs("\n", f);
		}
	}
	ind(f, in + 2);
	if (json_is_null(certs)) {
		fputs("Certificates: (absent)\n", f);
		return;
	}
	fprintf(f, "Certificates (%zu):\n", json_array_size(certs));
	for (size_t i = 0; i < json_array_size(certs); i++)
		render_certchoice(f, json_array_get(certs, i), in + 4, i);
}

/* render_attestation writes a decoded id-aa-attestation value or why it
 * could not be decoded. */
static void render_attestation(FILE *f, const json_t *node, int in)
{
	if (!is_null(node, "error")) {
		ind(f, in);
		fprintf(f, "%s: ", jsv(node, "type"));
		put_err(f, json_object_get(node, "error"));
		fputs("\n", f);
		return;
	}
	render_bundle(f, node, in);
}

static void render_extensions(FILE *f, const json_t *a, int in)
{
	ind(f, in);
	fprintf(f, "Extensions (%zu):\n", json_array_size(a));
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);
		ind(f, in + 2);
		fprintf(f, "Extension[%zu]: ", i);
		put_oid(f, json_object_get(x, "extn_id"), 1);
		fprintf(f, ", critical: %s\n", json_is_true(json_object_get(x, "critical")) ? "yes" : "no");
		if (!is_null(x, "attestation")) {
			render_attestation(f, json_object_get(x, "attestation"), in + 4);
		} else {
			ind(f, in + 4);
			fputs("value : ", f);
			put_hex(f, json_object_get(x, "value"), 0);
			fputs("\n", f);
		}
	}
}

static void render_csr(FILE *f, const json_t *o, int in)
{
	const json_t *attrs = json_object_get(o, "attributes");
	ind(f, in);
	fputs("CertificationRequest:\n", f);
	ind(f, in + 2);
	fputs("version   : ", f);
	put_version(f, json_object_get(o, "version"));
	fputs("\n", f);
	ind(f, in + 2);
	fputs("subject   : ", f);
	put_js(f, json_object_get(o, "subject"), 0, 1);
	fputs("\n", f);
	render_spki(f, json_object_get(o, "subject_public_key_info"), in + 2, "subjectPublicKeyInfo");
	ind(f, in + 2);
	fputs("signatureAlgorithm : ", f);
	put_oid(f, json_object_get(o, "signature_algorithm"), 1);
	fputs("\n", f);
	ind(f, in + 2);
	fputs("signature          : ", f);
	put_hex(f, json_object_get(o, "signature"), 0);
	fputs("\n", f);
	ind(f, in + 2);
	fprintf(f, "Attributes (%zu):\n", json_array_size(attrs));
	for (size_t i = 0; i < json_array_size(attrs); i++) {
		const json_t *at = json_array_get(attrs, i);
		const json_t *vals = json_object_get(at, "values");
		ind(f, in + 4);
		fprintf(f, "Attribute[%zu]: ", i);
		put_oid(f, json_object_get(at, "attr_type"), 1);
		fputs("\n", f);
		for (size_t j = 0; j < json_array_size(vals); j++) {
			const json_t *v = json_array_get(vals, j);
			const char *t = jsv(v, "type");
			ind(f, in + 6);
			fprintf(f, "Value[%zu]:\n", j);
			if (strcmp(t, "Extensions") == 0) {
				if (!is_null(v, "error")) {
					ind(f, in + 8);
					fputs("Extensions: ", f);
					put_err(f, json_object_get(v, "error"));
					fputs("\n", f);
				} else {
					render_extensions(f, json_object_get(v, "extensions"), in + 8);
				}
			} else if (strcmp(t, "unknown") == 0) {
				ind(f, in + 8);
				fputs("[raw DER] ", f);
				put_hex(f, json_object_get(v, "der"), 0);
				fputs("\n", f);
			} else {
				render_attestation(f, v, in + 8);
			}
		}
	}
}

static void render_oid_list(FILE *f, const json_t *a)
{
	fprintf(f, "%zu (", json_array_size(a));
	for (size_t i = 0; i < json_array_size(a); i++) {
		if (i)
			fputs(", ", f);
		put_oid(f, json_array_get(a, i), 0);
	}
	fputs(")", f);
}

static void render_crmf(FILE *f, const json_t *o, int in)
{
	const json_t *msgs = json_object_get(o, "messages");
	ind(f, in);
	fprintf(f, "CertReqMessages (%zu):\n", json_array_size(msgs));
	for (size_t i = 0; i < json_array_size(msgs); i++) {
		const json_t *m = json_array_get(msgs, i);
		const json_t *t = json_object_get(m, "template");
		const json_t *popo = json_object_get(m, "popo");
		ind(f, in + 2);
		fprintf(f, "CertReqMsg[%zu]:\n", i);
		ind(f, in + 4);
		fputs("certReqId : ", f);
		put_int(f, json_object_get(m, "cert_req_id"));
		fputs("\n", f);
		ind(f, in + 4);
		fputs("CertTemplate:\n", f);
		if (!is_null(t, "version")) {
			ind(f, in + 6);
			fputs("version      : ", f);
			put_int(f, json_object_get(t, "version"));
			fputs("\n", f);
		}
		if (!is_null(t, "serial_number")) {
			ind(f, in + 6);
			fputs("serialNumber : ", f);
			put_hex(f, json_object_get(t, "serial_number"), 1);
			fputs("\n", f);
		}
		if (!is_null(t, "signing_alg")) {
			ind(f, in + 6);
			fputs("signingAlg   : ", f);
			put_oid(f, json_object_get(t, "signing_alg"), 1);
			fputs("\n", f);
		}
		if (!is_null(t, "issuer")) {
			ind(f, in + 6);
			fputs("issuer       : ", f);
			put_js(f, json_object_get(t, "issuer"), 0, 1);
			fputs("\n", f);
		}
		if (!is_null(t, "subject")) {
			ind(f, in + 6);
			fputs("subject      : ", f);
			put_js(f, json_object_get(t, "subject"), 0, 1);
			fputs("\n", f);
		}
		if (!is_null(t, "public_key"))
			render_spki(f, json_object_get(t, "public_key"), in + 6, "publicKey");
		if (!is_null(t, "extensions"))
			render_extensions(f, json_object_get(t, "extensions"), in + 6);
		if (!is_null(m, "controls")) {
			ind(f, in + 4);
			fputs("controls  : ", f);
			render_oid_list(f, json_object_get(m, "controls"));
			fputs("\n", f);
		}
		ind(f, in + 4);
		fputs("popo      : ", f);
		if (json_is_null(popo)) {
			fputs("(absent)", f);
		} else {
			fputs(jsv(popo, "kind"), f);
			if (!is_null(popo, "algorithm")) {
				fputs(", ", f);
				put_oid(f, json_object_get(popo, "algorithm"), 1);
			}
		}
		fputs("\n", f);
		if (!is_null(m, "reg_info")) {
			ind(f, in + 4);
			fputs("regInfo   : ", f);
			render_oid_list(f, json_object_get(m, "reg_info"));
			fputs("\n", f);
		}
	}
}

static void render_certificate(FILE *f, const json_t *o, int in)
{
	ind(f, in);
	fputs("Certificate:\n", f);
	ind(f, in + 2);
	fputs("version   : ", f);
	put_version(f, json_object_get(o, "version"));
	fputs("\n", f);
	render_cert_fields(f, o, in + 2);
	render_spki(f, json_object_get(o, "subject_public_key_info"), in + 2, "subjectPublicKeyInfo");
	if (!is_null(o, "extensions"))
		render_extensions(f, json_object_get(o, "extensions"), in + 2);
}

static void render(FILE *f, const json_t *node)
{
	const char *t = jsv(node, "type");
	if (strcmp(t, "Evidence") == 0)
		render_evidence(f, node, 0);
	else if (strcmp(t, "CertificationRequest") == 0)
		render_csr(f, node, 0);
	else if (strcmp(t, "CertReqMessages") == 0)
		render_crmf(f, node, 0);
	else if (strcmp(t, "Certificate") == 0)
		render_certificate(f, node, 0);
	else
		render_bundle(f, node, 0);
}

/* Driver ------------------------------------------------------------------ */


/* print_json writes |j| and a newline to stdout. */
static int print_json(json_t *j)
{
	if (json_dumpf(j, stdout, JSON_INDENT(2)) != 0)
		return -1;
	return fputc('\n', stdout) == EOF ? -1 : 0;
}

static void json_error_out(int code, const char *message, size_t offset, const char *path)
{
	json_t *root = json_object(), *e = json_object();
	if (root == NULL || e == NULL) {
		json_decref(root);
		json_decref(e);
		return;
	}
	json_object_set_new(e, "code", json_integer(code));
	json_object_set_new(e, "name", json_string(csra_err_name(code)));
	json_object_set_new(e, "message", json_string(message));
	json_object_set_new(e, "offset", offset == SIZE_MAX ? json_null() : json_integer((json_int_t)offset));
	/* A path is ASN.1 names and indices; stay safe if it ever is not. */
	json_t *p = path ? json_string(path) : json_null();
	json_object_set_new(e, "path", p ? p : json_string("?"));
	json_object_set_new(root, "error", e);
	print_json(root);
	json_decref(root);
}

void dump_report(const char *file, int json, int code, const char *what,
    const char *detail, size_t offset)
{
	fprintf(stderr, "csrattest: ");
	put_text(stderr, file, strlen(file), 0, 0);
	fprintf(stderr, ": %s: %s (%s)", what, detail, csra_err_name(code));
	if (offset != SIZE_MAX)
		fprintf(stderr, " at byte %zu", offset);
	fputs("\n", stderr);
	if (json)
		json_error_out(code, detail, offset, NULL);
}

static void report_diag(const char *file, int json, const csra_diag *dg)
{
	fprintf(stderr, "csrattest: ");
	put_text(stderr, file, strlen(file), 0, 0);
	fprintf(stderr, ": malformed DER: %s (%s)", csra_err_name(dg->code), csra_strerror(dg->code));
	if (dg->offset != SIZE_MAX)
		fprintf(stderr, " at byte %zu", dg->offset);
	if (dg->path[0] != '\0')
		fprintf(stderr, ", %s", dg->path);
	fputs("\n", stderr);
	if (json)
		json_error_out(dg->code, csra_strerror(dg->code), dg->offset, dg->path);
}

static csra_pdu label_pdu(const char *label)
{
	if (strcmp(label, "EVIDENCE") == 0)
		return CSRA_PDU_EVIDENCE;
	if (strcmp(label, "CERTIFICATE REQUEST") == 0 || strcmp(label, "NEW CERTIFICATE REQUEST") == 0)
		return CSRA_PDU_CERTIFICATION_REQUEST;
	if (strcmp(label, "CERTIFICATE") == 0)
		return CSRA_PDU_CERTIFICATE;
	return 0;
}

static const char *form_name(csra_input_kind k)
{
	switch (k) {
	case CSRA_INPUT_DER: return "der";
	case CSRA_INPUT_PEM: return "pem";
	case CSRA_INPUT_BASE64: return "base64";
	default: return "unknown";
	}
}

static json_t *build(dctx *c, csra_decoded *d)
{
	const void *v = csra_decoded_asn1(d);
	switch (csra_decoded_pdu(d)) {
	case CSRA_PDU_EVIDENCE:
		return jevidence(c, v, csra_decoded_evidence_explicit(d));
	case CSRA_PDU_CERTIFICATION_REQUEST:
		return jcsr(c, v);
	case CSRA_PDU_CERT_REQ_MESSAGES:
		return jcrmf(c, v);
	case CSRA_PDU_CERTIFICATE:
		return jcert_full(c, v);
	case CSRA_PDU_ATTESTATION_BUNDLE:
		return jbundle(c, &asn_DEF_AttestationBundle, v);
	case CSRA_PDU_EVIDENCE_BUNDLE:
		return jbundle(c, &asn_DEF_EvidenceBundle, v);
	default:
		return NULL;
	}
}

int dump_run(const char *file, const uint8_t *in, size_t in_len, dump_type type, int json)
{
	/* A vendor attestation: what its format reads from it. */
	const char *vendor = type == DUMP_AUTO ? dump_vendor_format(in, in_len) : NULL;
	if (vendor != NULL)
		return dump_vendor(file, in, in_len, vendor, json);
	/* The library's public reader, as every command uses; any label. */
	csra_input_info r;
	uint8_t *der;
	size_t der_len;
	csra_err ie = csra_input_read(in, in_len, CSRA_INPUT_ACCEPT_ANY, &der, &der_len, &r);
	_Static_assert(CSRA_INPUT_NO_OFFSET == SIZE_MAX, "dump_report takes SIZE_MAX as no offset");
	if (ie != CSRA_OK) {
		/* CSRA_INPUT_NO_OFFSET is SIZE_MAX: no offset to show. */
		dump_report(file, json, ie, "bad input", csra_strerror(ie), r.err_offset);
		return ie == CSRA_ERR_NOMEM ? TOOL_EXIT_USAGE : TOOL_EXIT_MALFORMED;
	}

	csra_codec *codec = csra_codec_new();
	if (codec == NULL) {
		free(der);
		dump_report(file, json, CSRA_ERR_NOMEM, "error", csra_strerror(CSRA_ERR_NOMEM), SIZE_MAX);
		return TOOL_EXIT_USAGE;
	}

	/* Which structures to try, in order. */
	static const csra_pdu auto_order[] = {
		CSRA_PDU_EVIDENCE, CSRA_PDU_CERTIFICATION_REQUEST, CSRA_PDU_CERT_REQ_MESSAGES,
		CSRA_PDU_CERTIFICATE, CSRA_PDU_ATTESTATION_BUNDLE,
	};
	csra_pdu tries[5];
	size_t ntries = 0;
	switch (type) {
	case DUMP_EVIDENCE: tries[ntries++] = CSRA_PDU_EVIDENCE; break;
	case DUMP_CSR: tries[ntries++] = CSRA_PDU_CERTIFICATION_REQUEST; break;
	case DUMP_CRMF: tries[ntries++] = CSRA_PDU_CERT_REQ_MESSAGES; break;
	case DUMP_BUNDLE: tries[ntries++] = CSRA_PDU_ATTESTATION_BUNDLE; break;
	case DUMP_CERT: tries[ntries++] = CSRA_PDU_CERTIFICATE; break;
	default:
		if (r.kind == CSRA_INPUT_PEM && label_pdu(r.label) != 0) {
			tries[ntries++] = label_pdu(r.label);
		} else {
			memcpy(tries, auto_order, sizeof(auto_order));
			ntries = sizeof(auto_order) / sizeof(auto_order[0]);
		}
	}

	csra_decoded *d = NULL;
	csra_diag best, dg;
	int have_best = 0;
	csra_err e = CSRA_ERR_INTERNAL;
	memset(&best, 0, sizeof(best));
	for (size_t i = 0; i < ntries; i++) {
		csra_pdu pdu = tries[i];
		/* "bundle" covers both forms, told apart the codec's way. */
		if (pdu == CSRA_PDU_ATTESTATION_BUNDLE &&
		    bundle_td(codec, der, der_len) == &asn_DEF_EvidenceBundle)
			pdu = CSRA_PDU_EVIDENCE_BUNDLE;
		e = csra_decode(codec, pdu, der, der_len, &d, &dg);
		if (e == CSRA_OK || e == CSRA_ERR_NOMEM)
			break;
		/* Report the attempt that got furthest; SIZE_MAX means no offset. */
		size_t off = dg.offset == SIZE_MAX ? 0 : dg.offset;
		size_t boff = best.offset == SIZE_MAX ? 0 : best.offset;
		if (!have_best || off > boff) {
			best = dg;
			have_best = 1;
		}
	}
	if (e != CSRA_OK) {
		free(der);
		csra_codec_free(&codec);
		if (e == CSRA_ERR_NOMEM) {
			dump_report(file, json, CSRA_ERR_NOMEM, "error", csra_strerror(CSRA_ERR_NOMEM), SIZE_MAX);
			return TOOL_EXIT_USAGE;
		}
		report_diag(file, json, &best);
		return TOOL_EXIT_MALFORMED;
	}

	dctx c;
	memset(&c, 0, sizeof(c));
	c.d = d;
	c.codec = codec;
	json_t *root = jobj(&c), *inp = jobj(&c);
	put(&c, root, "file", jtext(&c, (const uint8_t *)file, strlen(file)));
	put(&c, inp, "form", jstr(&c, form_name(r.kind)));
	put(&c, inp, "pem_label", r.kind == CSRA_INPUT_PEM ? jstr(&c, r.label) : json_null());
	put(&c, inp, "der_length", json_integer((json_int_t)der_len));
	put(&c, root, "input", inp);
	put(&c, root, "value", build(&c, d));
	free(der);

	if (c.nested_err) {
		/* Scripts test .error whatever went wrong; the tree stays too. */
		json_t *ne = jerror(&c, &c.nested_diag);
		put(&c, ne, "context", jstr(&c, c.nested_where));
		put(&c, root, "error", ne);
	}
	int rc = TOOL_EXIT_OK;
	if (c.oom) {
		dump_report(file, json, CSRA_ERR_NOMEM, "error", csra_strerror(CSRA_ERR_NOMEM), SIZE_MAX);
		rc = TOOL_EXIT_USAGE;
	} else {
		if (json)
			print_json(root);
		else
			render(stdout, json_object_get(root, "value"));
		if (c.nested_err) {
			fprintf(stderr, "csrattest: ");
			put_text(stderr, file, strlen(file), 0, 0);
			fprintf(stderr, ": malformed DER in ");
			put_text(stderr, c.nested_msg, strlen(c.nested_msg), 0, 1);
			fputs("\n", stderr);
			rc = TOOL_EXIT_MALFORMED;
		}
	}
	json_decref(root);
	csra_decoded_free(&d);
	csra_codec_free(&codec);
	return rc;
}
