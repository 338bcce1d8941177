/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Securosys Primus key attestation ("securosys-primus"): an XML file
 * describing one key (<private_key creation="...">: its public key as a
 * base64 DER SubjectPublicKeyInfo and its PKCS#11-style attributes), a
 * detached RSA PKCS#1 v1.5 / SHA-256 signature over the XML's bytes by
 * the partition's attestation key, and that key's certificate chain:
 * "attestation-key" <- "PRIMUS HSM KEY (SN: <serial>)" <-
 * PRIMUS_HSM_ROOTKEY (docs.securosys.com/primus-hsm/Concepts/attestation;
 * the verification steps of docs.securosys.com/tsb/Use-Cases/
 * QualifiedSignature). Three parts, classified by content.
 *
 * The signature is checked over the bytes as received before the XML is
 * parsed at all; the parse is then libxml2's, with no DTD, no entities, no
 * network, under a size and a depth cap, and the tree read strictly
 * (duplicates, mixed content, namespaces and unknown attributes refused).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "csra_cbs.h"
#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

#define KIND "securosys-primus"
#define XML_MAX (256 * 1024)	/* the vendor's files are about 1.5 KiB */
#define XML_DEPTH 32		/* the vendor's are 3 deep */
#define XML_CHILDREN 64		/* elements in one element: the vendor's have at most 12 */
#define SIG_MIN 256		/* raw signatures: RSA-2048 ... */
#define SIG_MAX 1024		/* ... RSA-8192 */
#define ROOT_NAME "private_key"

/* sha256WithRSAEncryption, 1.2.840.113549.1.1.11: what Securosys signs
 * attestations with (the QualifiedSignature guide: openssl dgst -sha256). */
static const uint8_t SHA256_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b };

/* The attributes read into claims, in PKIX Evidence's vocabulary where it
 * has the property (docs/formats.md); the XML's names otherwise, kebab-case. */
static const struct {
	const char *xml, *claim;
	int required;
} BOOLS[] = {
	{ "extractable", "extractable", 1 },
	{ "never_extractable", "never-extractable", 1 },
	{ "always_sensitive", "always-sensitive", 1 },
	{ "sensitive", "sensitive", 0 },
	{ "encrypt", "encrypt", 0 },
	{ "decrypt", "decrypt", 0 },
	{ "sign", "sign", 0 },
	{ "verify", "verify", 0 },
	{ "wrap", "wrap", 0 },
	{ "unwrap", "unwrap", 0 },
	{ "derive", "derive", 0 },
	{ "modifiable", "modifiable", 0 },
	{ "copyable", "copyable", 0 },
	{ "destroyable", "destroyable", 0 },
};
#define NBOOLS (sizeof(BOOLS) / sizeof(BOOLS[0]))

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 keeps global state: set up once, never torn down (another user
 * of libxml2 in the process may still need it). */
static void xml_init(void)
{
	xmlInitParser();
}

/* Bytes |p|/|len| start with what this format's XML starts with: an XML
 * declaration (optional), then the root element <private_key. */
static int looks_xml(const uint8_t *p, size_t len)
{
	size_t i = 0;
	static const char decl[] = "<?xml ";
	if (len >= sizeof(decl) - 1 && memcmp(p, decl, sizeof(decl) - 1) == 0) {
		/* The declaration ends at the first "?>" (no '>' inside it). */
		for (i = sizeof(decl) - 1; i + 1 < len && i < 256; i++)
			if (p[i] == '?' && p[i + 1] == '>')
				break;
		if (i + 1 >= len || i >= 256)
			return 0;
		i += 2;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	size_t n = sizeof(ROOT_NAME);	/* "<" + name */
	if (len - i < n + 1 || p[i] != '<' || memcmp(p + i + 1, ROOT_NAME, n - 1) != 0)
		return 0;
	uint8_t c = p[i + n];
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/';
}

static int sp_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	return bag == NULL && p != NULL && looks_xml(p, len);
}

static int sp_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

/* Parts ------------------------------------------------------------------- */

enum part_kind { PART_XML, PART_SIG, PART_CHAIN, PART_NONE };

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Base64 text of a signature: the alphabet, padding, then only trailing
 * whitespace (a file saved from the REST API's JSON string). Returns the
 * base64's length, or 0. */
static size_t b64_text(const uint8_t *p, size_t len)
{
	size_t n = len;
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	if (n == 0 || n % 4 != 0 || n > (SIG_MAX / 3 + 1) * 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (csra_base64_value(p[i]) < 0 && !(p[i] == '=' && i + 2 >= n))
			return 0;
	return n;
}

/* A certificate chain: PEM, or one DER structure filling the part. */
static int chain_like(const uint8_t *p, size_t len)
{
	if (!csra_certbag_detect(p, len))
		return 0;
	if (p[0] != 0x30)
		return 1;	/* PEM (after whitespace) */
	csra_cbs c;
	uint8_t tag;
	csra_cbs_init(&c, p, len);
	return csra_cbs_get_der_element(&c, &tag, NULL, NULL) && csra_cbs_len(&c) == 0;
}

static enum part_kind classify(const uint8_t *p, size_t len)
{
	if (len == 0)
		return PART_NONE;
	if (looks_xml(p, len))
		return PART_XML;
	if (chain_like(p, len))
		return PART_CHAIN;
	if (b64_text(p, len) != 0)
		return PART_SIG;
	if (len >= SIG_MIN && len <= SIG_MAX)
		return PART_SIG;
	return PART_NONE;
}

struct parts {
	long xml, sig, chain;	/* index in in->parts, or -1 */
	int ok;
};

static const char *const PART_NAMES[] = { "the XML key attestation", "the signature",
	"the certificate chain" };

/* Places every part; records "securosys-primus.parts". */
static void place_parts(const csra_stmt_in *in, csra_result *r, struct parts *pp)
{
	long *slot[3] = { &pp->xml, &pp->sig, &pp->chain };
	pp->xml = pp->sig = pp->chain = -1;
	pp->ok = 1;
	const uint8_t *const *parts = in->parts;
	const size_t *lens = in->part_lens;
	size_t n = in->nparts;
	const uint8_t *one[1] = { in->stmt };
	size_t one_len[1] = { in->stmt_len };
	if (parts == NULL || n == 0) {
		parts = one, lens = one_len, n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		enum part_kind k = parts[i] == in->stmt && lens[i] == in->stmt_len ? PART_XML :
		    classify(parts[i], lens[i]);
		if (k != PART_NONE && *slot[k] < 0) {
			*slot[k] = (long)i;
			continue;
		}
		char path[32];
		snprintf(path, sizeof(path), "parts[%zu]", i);
		pp->ok = 0;
		if (k == PART_NONE)
			csra_result_add(r, KIND ".parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, path,
			    "a part of %zu bytes that is none of an XML key attestation, its signature "
			    "(raw or base64) or a certificate chain", lens[i]);
		else
			csra_result_add(r, KIND ".parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_UNUSED, path,
			    "a second part that reads as %s (the first is parts[%ld])", PART_NAMES[k], *slot[k]);
	}
	for (int k = 0; k < 3; k++)
		if (*slot[k] < 0) {
			pp->ok = 0;
			csra_result_add(r, KIND ".parts", CSRA_STATUS_FAIL, CSRA_ERR_FMT_PART_MISSING, "",
			    "%s is missing", PART_NAMES[k]);
		}
	if (pp->ok)
		csra_result_add(r, KIND ".parts", CSRA_STATUS_PASS, CSRA_OK, "",
		    "XML parts[%ld], signature parts[%ld], chain parts[%ld]", pp->xml, pp->sig, pp->chain);
}

/* The XML ----------------------------------------------------------------- */

struct xread {
	csra_result *r;
	int bad;
	int nomem;
	char path[192];
};

#define XBAD(x, node, ...) xbad(x, node, __VA_ARGS__)

static void xbad(struct xread *x, const xmlNode *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void xbad(struct xread *x, const xmlNode *node, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->bad = 1;
	if (node != NULL)
		csra_result_add(x->r, KIND ".decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, x->path,
		    "%s (line %ld)", msg, xmlGetLineNo(node));
	else
		csra_result_add(x->r, KIND ".decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, x->path, "%s", msg);
}

/* The path of |node| below |parent_path|, cut to fit. */
static void push_path(struct xread *x, size_t *saved, const xmlNode *node)
{
	*saved = strlen(x->path);
	snprintf(x->path + *saved, sizeof(x->path) - *saved, "/%s", (const char *)node->name);
}

/* Refuses what the vendor never writes before the parse: markup
 * declarations (<!DOCTYPE, <!ENTITY, comments, CDATA: every "<!") and
 * processing instructions other than the XML declaration. Returns 1. */
static int prescan(struct xread *x, const uint8_t *p, size_t len)
{
	if (len > XML_MAX) {
		XBAD(x, NULL, "%zu bytes, over the cap of %d", len, XML_MAX);
		return 0;
	}
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] != '<')
			continue;
		if (p[i + 1] == '!') {
			XBAD(x, NULL, "markup declaration, comment or CDATA at byte %zu (%s): refused, no "
			    "DTD or entity is read", i, len - i >= 9 && memcmp(p + i, "<!DOCTYPE", 9) == 0 ?
			    "a DOCTYPE" : len - i >= 8 && memcmp(p + i, "<!ENTITY", 8) == 0 ? "an entity declaration" :
			    "\"<!\"");
			return 0;
		}
		if (p[i + 1] == '?' && i != 0) {
			XBAD(x, NULL, "processing instruction at byte %zu: refused", i);
			return 0;
		}
	}
	return 1;
}

/* An element's text: its one text child (or none: ""), no element,
 * entity, comment or other child, no attribute. NULL if not. */
static const char *elem_text(struct xread *x, const xmlNode *e)
{
	const char *t = "";
	int texts = 0;
	if (e->properties != NULL || e->nsDef != NULL || e->ns != NULL) {
		XBAD(x, e, "<%s> has attributes or namespaces", (const char *)e->name);
		return NULL;
	}
	for (const xmlNode *c = e->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE || texts++ > 0) {
			XBAD(x, e, "<%s> must hold text only", (const char *)e->name);
			return NULL;
		}
		t = c->content != NULL ? (const char *)c->content : "";
	}
	return t;
}

/* Either text only, or elements with only whitespace between them; no
 * other kind of node; no two with the same name (ambiguity is an attack); depth
 * under the cap. Returns the number of element children, or -1. */
static int elem_children(struct xread *x, const xmlNode *e, int depth)
{
	int n = 0;
	if (depth >= XML_DEPTH) {
		XBAD(x, e, "nested deeper than %d elements", XML_DEPTH);
		return -1;
	}
	int elements = 0;
	for (const xmlNode *c = e->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && ++elements > XML_CHILDREN) {
			/* Bounds the duplicate check below (quadratic in the
			 * count) to linear time in the input. */
			XBAD(x, e, "more than %d elements in <%s>", XML_CHILDREN, (const char *)e->name);
			return -1;
		}
	for (const xmlNode *c = e->children; c != NULL; c = c->next) {
		/* A field holds text; a structure holds elements and
		 * whitespace between them: never both. */
		if (c->type == XML_TEXT_NODE && !elements)
			continue;
		if (c->type == XML_TEXT_NODE) {
			for (const xmlChar *s = c->content; s != NULL && *s; s++)
				if (!is_ws(*s)) {
					XBAD(x, e, "text outside an element's field in <%s>", (const char *)e->name);
					return -1;
				}
			continue;
		}
		if (c->type != XML_ELEMENT_NODE) {
			XBAD(x, e, "a node of type %d in <%s>: only elements and text are read", (int)c->type,
			    (const char *)e->name);
			return -1;
		}
		if (c->ns != NULL || c->nsDef != NULL) {
			XBAD(x, c, "<%s> has a namespace", (const char *)c->name);
			return -1;
		}
		for (const xmlNode *d = e->children; d != c; d = d->next)
			if (d->type == XML_ELEMENT_NODE && xmlStrEqual(d->name, c->name)) {
				size_t saved;
				push_path(x, &saved, c);
				XBAD(x, c, "<%s> appears more than once", (const char *)c->name);
				x->path[saved] = '\0';
				return -1;
			}
		n++;
	}
	return n;
}

/* Any depth of unknown elements: checked for shape and depth only. */
static int check_tree(struct xread *x, const xmlNode *e, int depth)
{
	size_t saved;
	push_path(x, &saved, e);
	int n = elem_children(x, e, depth);
	int ok = n >= 0;
	if (ok && e->properties != NULL && depth > 0) {
		XBAD(x, e, "<%s> has attributes", (const char *)e->name);
		ok = 0;
	}
	for (const xmlNode *c = e->children; ok && n > 0 && c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			ok = check_tree(x, c, depth + 1);
	x->path[saved] = '\0';
	return ok;
}

static const xmlNode *child(const xmlNode *e, const char *name)
{
	for (const xmlNode *c = e->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

/* Decimal, no sign, no leading zero, at most 18 digits. */
static int dec(const char *s, int64_t *v)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return 0;
	int64_t a = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		a = a * 10 + (s[i] - '0');
	}
	*v = a;
	return 1;
}

/* The SPKI's algorithm OID, DER contents. */
static int spki_alg(const uint8_t *spki, size_t len, const uint8_t **oid, size_t *oid_len)
{
	csra_cbs c, s, a, o;
	uint8_t tag;
	csra_cbs_init(&c, spki, len);
	if (!csra_cbs_get_der_element(&c, &tag, NULL, &s) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&s, &tag, NULL, &a) || tag != 0x30 ||
	    !csra_cbs_get_der_element(&a, &tag, NULL, &o) || tag != 0x06)
		return 0;
	*oid = csra_cbs_data(&o);
	*oid_len = csra_cbs_len(&o);
	return 1;
}

static csra_err text_claim(csra_stmt_out *out, const char *element, const char *name, const char *s)
{
	return csra_stmt_add_text(out, element, name, (const uint8_t *)s, strlen(s));
}

/* What the XML says, once read. */
struct attested {
	uint8_t *spki;		/* decoded <public_key> (malloc) */
	size_t spki_len;
	int local;
};

/* Reads the <private_key> tree into claims and |*a|. Returns 1 if it
 * holds as the vendor writes it. */
static int read_key(const csra_verifier *v, struct xread *x, const xmlNode *root, csra_stmt_out *out,
    struct attested *a)
{
	snprintf(x->path, sizeof(x->path), "/%s", ROOT_NAME);
	/* One attribute, creation, of lower-case letters and underscores. */
	const xmlChar *creation = NULL;
	for (const xmlAttr *at = root->properties; at != NULL; at = at->next) {
		const xmlNode *tc = at->children;
		if (at->ns != NULL || !xmlStrEqual(at->name, (const xmlChar *)"creation") || creation != NULL ||
		    tc == NULL || tc->type != XML_TEXT_NODE || tc->next != NULL) {
			XBAD(x, root, "<%s> takes one attribute, creation, and nothing else", ROOT_NAME);
			return 0;
		}
		creation = tc->content;
	}
	if (creation == NULL) {
		XBAD(x, root, "<%s creation=...> is missing", ROOT_NAME);
		return 0;
	}
	size_t cl = strlen((const char *)creation);
	for (size_t i = 0; i < cl; i++)
		if (!((creation[i] >= 'a' && creation[i] <= 'z') || creation[i] == '_'))
			cl = 0;
	if (cl == 0 || cl > 32) {
		XBAD(x, root, "creation must be a word of lower-case letters");
		return 0;
	}
	text_claim(out, "key", "creation", (const char *)creation);
	a->local = strcmp((const char *)creation, "generated") == 0;
	csra_stmt_add_bool(out, "key", "local", a->local);

	const xmlNode *e;
	const char *t;
	int64_t n;
	time_t when;	/* checked, not used: the claims keep the text */
	size_t saved;
	/* Text fields: each optional but the public key, each strict. */
#define FIELD(name) ((e = child(root, name)) != NULL ? (push_path(x, &saved, e), \
	t = elem_text(x, e), x->path[saved] = '\0', t) : NULL)
	if ((t = FIELD("label")) != NULL)
		text_claim(out, "key", "label", t);
	if ((t = FIELD("create_time")) != NULL) {
		if (!csra_utc_parse(t, strlen(t), &when))
			return push_path(x, &saved, e), XBAD(x, e, "create_time must be YYYY-MM-DDTHH:MM:SSZ"), 0;
		text_claim(out, "key", "create-time", t);
	}
	if ((t = FIELD("attest_time")) != NULL) {
		if (!csra_utc_parse(t, strlen(t), &when))
			return push_path(x, &saved, e), XBAD(x, e, "attest_time must be YYYY-MM-DDTHH:MM:SSZ"), 0;
		text_claim(out, "key", "attest-time", t);
	}
	if ((t = FIELD("key_use_count")) != NULL) {
		if (!dec(t, &n))
			return push_path(x, &saved, e), XBAD(x, e, "key_use_count must be a decimal count"), 0;
		csra_stmt_add_int(out, "key", "use-count", n);
	}
	if ((t = FIELD("algorithm")) != NULL) {
		size_t al = strlen(t);
		for (size_t i = 0; i < al; i++)
			if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_' || t[i] == '-'))
				al = 0;
		if (al == 0 || al > 32)
			return push_path(x, &saved, e), XBAD(x, e, "algorithm must be a name such as RSA or EC"), 0;
		text_claim(out, "key", "algorithm", t);
	}
	/* Room for any algorithm OID; a longer text is refused. */
	uint8_t alg_oid[64];
	size_t alg_oid_len = 0;
	int64_t size = -1;
	int ok = !x->bad;
	if (ok && (t = FIELD("algorithm_oid")) != NULL) {
		/* One spelling (no empty arc, no leading zero), which the
		 * text claim keeps; OBJ_txt2obj takes others. */
		if (!csra_oid_from_str(t, alg_oid, sizeof(alg_oid), &alg_oid_len)) {
			push_path(x, &saved, e), XBAD(x, e, "algorithm_oid must be a dotted OID");
			return 0;
		}
		text_claim(out, "key", "algorithm-oid", t);
	}
	if (ok && (t = FIELD("key_size")) != NULL) {
		if (!dec(t, &size) || size > 65536)
			ok = (push_path(x, &saved, e), XBAD(x, e, "key_size must be a decimal number of bits"), 0);
		else
			csra_stmt_add_int(out, "key", "size", size);
	}
	ok = ok && !x->bad;
	/* The attested key: base64 (canonical, one line) of a DER SPKI. */
	if (ok && (t = FIELD("public_key")) == NULL && !x->bad) {
		csra_result_add(x->r, KIND ".key", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, x->path,
		    "<public_key> is missing");
		ok = 0;
	} else if (ok && t != NULL) {
		size_t tl = strlen(t);
		push_path(x, &saved, e);
		a->spki = malloc(tl / 4 * 3 + 1);
		if (a->spki == NULL) {
			x->nomem = 1;
			ok = 0;
		} else if (tl == 0 || !csra_base64_decode(t, tl, a->spki, &a->spki_len)) {
			XBAD(x, e, "<public_key> is not canonical base64");
			ok = 0;
		} else {
			EVP_PKEY *k = csra_spki_pkey(v, a->spki, a->spki_len);
			const uint8_t *oid;
			size_t oid_len;
			csra_clear_openssl_errors();
			if (k == NULL || !spki_alg(a->spki, a->spki_len, &oid, &oid_len)) {
				csra_result_add(x->r, KIND ".key", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, x->path,
				    "<public_key> is not a SubjectPublicKeyInfo OpenSSL reads");
				ok = 0;
			} else if (alg_oid_len > 0 && !csra_same(oid, oid_len, alg_oid, alg_oid_len)) {
				XBAD(x, e, "<public_key>'s algorithm is not <algorithm_oid>");
				ok = 0;
			} else if (size >= 0 && EVP_PKEY_get_bits(k) != size) {
				XBAD(x, e, "<public_key> has %d bits, <key_size> says %lld", EVP_PKEY_get_bits(k),
				    (long long)size);
				ok = 0;
			} else {
				csra_result_add(x->r, KIND ".key", CSRA_STATUS_PASS, CSRA_OK, x->path,
				    "a %d-bit key of %zu bytes of SubjectPublicKeyInfo", EVP_PKEY_get_bits(k), a->spki_len);
			}
			EVP_PKEY_free(k);
		}
		x->path[saved] = '\0';
	}
	if (!ok || x->bad)
		return 0;

	/* <attributes>: booleans, "true" or "false" exactly. */
	const xmlNode *attrs = child(root, "attributes");
	if (attrs == NULL) {
		XBAD(x, root, "<attributes> is missing");
		return 0;
	}
	push_path(x, &saved, attrs);
	int val[NBOOLS];
	for (size_t i = 0; i < NBOOLS; i++)
		val[i] = -1;
	for (const xmlNode *c = attrs->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		size_t s2;
		push_path(x, &s2, c);
		t = elem_text(x, c);
		if (t != NULL && strcmp(t, "true") != 0 && strcmp(t, "false") != 0)
			XBAD(x, c, "<%s> must be \"true\" or \"false\"", (const char *)c->name);
		for (size_t i = 0; t != NULL && i < NBOOLS; i++)
			if (xmlStrEqual(c->name, (const xmlChar *)BOOLS[i].xml))
				val[i] = t[0] == 't';
		x->path[s2] = '\0';
	}
	for (size_t i = 0; i < NBOOLS; i++)
		if (BOOLS[i].required && val[i] < 0)
			XBAD(x, attrs, "<%s> is missing", BOOLS[i].xml);
	if (x->bad) {
		x->path[saved] = '\0';
		return 0;
	}
	/* PKCS#11 (v2.40, 4.9): CKA_NEVER_EXTRACTABLE means CKA_EXTRACTABLE
	 * was never true; CKA_ALWAYS_SENSITIVE that CKA_SENSITIVE always
	 * was (and it cannot be turned off). Saying both ways is a lie. */
	int ext = val[0], never = val[1], always = val[2], sens = val[3];
	if ((never == 1 && ext == 1) || (always == 1 && sens == 0)) {
		XBAD(x, attrs, "contradictory attributes: %s", never == 1 && ext == 1 ?
		    "never_extractable and extractable both true" : "always_sensitive true, sensitive false");
		x->path[saved] = '\0';
		return 0;
	}
	x->path[saved] = '\0';
	for (size_t i = 0; i < NBOOLS; i++)
		if (val[i] >= 0)
			csra_stmt_add_bool(out, "key", BOOLS[i].claim, val[i]);
	/* Sensitive: the key was always sensitive, so it is now (PKCS#11:
	 * CKA_SENSITIVE cannot be reset), when <sensitive> itself is absent. */
	if (sens < 0 && always == 1)
		csra_stmt_add_bool(out, "key", "sensitive", 1);
	return 1;
#undef FIELD
}

static void quiet(void *arg, xmlErrorPtr e)
{
	(void)arg, (void)e;
}

/* Parses |p|/|len| (its signature verified) and reads it. Returns
 * CSRA_OK (|*ok| whether it holds) or CSRA_ERR_NOMEM. */
static csra_err parse_xml(const csra_verifier *v, const uint8_t *p, size_t len, csra_result *r,
    csra_stmt_out *out, struct attested *a, int *ok)
{
	struct xread x = { .r = r };
	*ok = 0;
	if (!prescan(&x, p, len))
		return CSRA_OK;
	pthread_once(&xml_once, xml_init);
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return CSRA_ERR_NOMEM;
	/* This context's errors (memory ones too, which XML_PARSE_NOERROR
	 * does not silence) go nowhere: the last one is kept in the context
	 * and reported as a check. Not a global handler. */
	if (ctxt->sax != NULL)
		ctxt->sax->serror = quiet;
	/* No network, no DTD, no entity substitution, nothing printed: the
	 * context keeps its own last error. UTF-8 whatever it declares. */
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, (const char *)p, (int)len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
	if (doc == NULL || !ctxt->wellFormed) {
		if (err != NULL && (err->code == XML_ERR_NO_MEMORY || err->domain == XML_FROM_MEMORY)) {
			xmlFreeDoc(doc);
			xmlFreeParserCtxt(ctxt);
			return CSRA_ERR_NOMEM;
		}
		char msg[160];
		const char *m = err != NULL && err->message != NULL ? err->message : "not well-formed";
		size_t ml = strcspn(m, "\n");
		snprintf(msg, sizeof(msg), "%.*s", (int)(ml < 120 ? ml : 120), m);
		csra_result_add(r, KIND ".decode", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "",
		    "not well-formed XML at line %d, column %d: %s", err != NULL ? err->line : 0,
		    err != NULL ? err->int2 : 0, csra_shown(msg, msg, sizeof(msg)));
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return CSRA_OK;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL || doc->extSubset != NULL)
		XBAD(&x, NULL, "a DOCTYPE: refused");
	else if (root == NULL || !xmlStrEqual(root->name, (const xmlChar *)ROOT_NAME) || root->ns != NULL ||
	    root->nsDef != NULL)
		XBAD(&x, root, "the root element must be <%s> without a namespace", ROOT_NAME);
	/* Nothing beside the root (a comment or PI would have been refused). */
	for (xmlNodePtr c = doc->children; !x.bad && c != NULL; c = c->next)
		if (c != root)
			XBAD(&x, NULL, "a node of type %d beside the root element", (int)c->type);
	if (!x.bad && check_tree(&x, root, 0) && read_key(v, &x, root, out, a))
		*ok = 1;
	else if (!x.bad && !x.nomem && !r->nomem)
		*ok = 0;
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (x.nomem)
		return CSRA_ERR_NOMEM;
	if (*ok)
		csra_result_add(r, KIND ".decode", CSRA_STATUS_PASS, CSRA_OK, "/" ROOT_NAME,
		    "key attestation of %zu bytes", len);
	return CSRA_OK;
}

/* The signature and the chain ---------------------------------------------- */

/* The signature's bytes: raw, or decoded from base64 into |buf|. */
static int sig_bytes(const uint8_t *p, size_t len, uint8_t *buf, const uint8_t **sig, size_t *sig_len,
    int *b64)
{
	size_t n = b64_text(p, len);
	*b64 = n != 0;
	if (n == 0) {
		*sig = p;
		*sig_len = len;
		return 1;
	}
	if (!csra_base64_decode((const char *)p, n, buf, sig_len))
		return 0;
	*sig = buf;
	return 1;
}

/* A signature check that passed is remembered in the verifier's cache
 * under the SHA-256 of the XML, the signature and the attestation key's
 * certificate, all as received: verifying the same attestation again
 * costs a digest, not an RSA operation. Only a pass is remembered. */
static int sig_key(const csra_verifier *v, const uint8_t *xml, size_t xml_len, const uint8_t *sig,
    size_t sig_len, const struct csra_certbag_entry *leaf, uint8_t key[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, v->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(c, KIND ".signature", sizeof(KIND ".signature")) == 1 &&
	    EVP_DigestUpdate(c, &xml_len, sizeof(xml_len)) == 1 && EVP_DigestUpdate(c, xml, xml_len) == 1 &&
	    EVP_DigestUpdate(c, &sig_len, sizeof(sig_len)) == 1 && EVP_DigestUpdate(c, sig, sig_len) == 1 &&
	    EVP_DigestUpdate(c, leaf->der, leaf->len) == 1 && EVP_DigestFinal_ex(c, key, NULL) == 1;
	EVP_MD_CTX_free(c);
	csra_clear_openssl_errors();
	return ok;
}

static int sig_seen(const csra_verifier *v, const uint8_t key[32])
{
	uint8_t seen = 0;
	size_t got = 0;
	return csra_cache_get_blob(v->cache, key, &seen, 1, &got) && got == 1 && seen == 1;
}

static void sig_remember(const csra_verifier *v, const uint8_t key[32])
{
	uint8_t seen = 1;
	csra_cache_put_blob(v->cache, key, &seen, 1);
}

/* The attestation key's certificate: an end entity, for signatures. */
static int leaf_profile(X509 *leaf, const char *path, csra_result *r)
{
	uint32_t ku = X509_get_key_usage(leaf);
	if (X509_check_ca(leaf) != 0)
		return csra_result_add(r, "ak.profile", CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_CA, path,
		    "the attestation key's certificate is a CA certificate") && 0;
	if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) && !(ku & KU_DIGITAL_SIGNATURE))
		return csra_result_add(r, "ak.profile", CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_DIGITAL_SIGNATURE, path,
		    "the attestation key's certificate does not allow digitalSignature") && 0;
	csra_result_add(r, "ak.profile", CSRA_STATUS_PASS, CSRA_OK, path,
	    "an end-entity certificate for signatures");
	return 1;
}

/* "PRIMUS HSM KEY (SN: <digits>)": the device certificate's CN. */
static int device_serial(X509 *dev, char *serial, size_t cap)
{
	const X509_NAME *nm = X509_get_subject_name(dev);
	int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(nm, NID_commonName, i) >= 0)
		return 0;
	const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
	static const char pre[] = "PRIMUS HSM KEY (SN: ";
	const unsigned char *d = ASN1_STRING_get0_data(s);
	size_t n = (size_t)ASN1_STRING_length(s), pl = sizeof(pre) - 1;
	if (n < pl + 2 || n - pl - 1 >= cap || memcmp(d, pre, pl) != 0 || d[n - 1] != ')')
		return 0;
	for (size_t k = pl; k < n - 1; k++)
		if (d[k] < '0' || d[k] > '9')
			return 0;
	memcpy(serial, d + pl, n - pl - 1);
	serial[n - pl - 1] = '\0';
	return 1;
}

static csra_err sp_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *r, csra_stmt_out *out)
{
	(void)route;
	(void)d;
	/* No nonce in a key attestation: the request layer judges. */
	out->reports_freshness = 1;
	out->freshness = CSRA_FRESHNESS_NONE;
	struct parts pp;
	place_parts(in, r, &pp);
	const uint8_t *const *parts = in->nparts > 0 ? in->parts : &in->stmt;
	const size_t *lens = in->nparts > 0 ? in->part_lens : &in->stmt_len;
	const uint8_t *xml = pp.xml >= 0 ? parts[pp.xml] : NULL;
	size_t xml_len = pp.xml >= 0 ? lens[pp.xml] : 0;
	csra_err e = CSRA_OK;

	/* The chain part's certificates, read as a vendor bag is; chain
	 * checks are cached under its bytes, which give the certificates. */
	csra_stmt_in cin = *in;
	csra_certbag b;
	memset(&b, 0, sizeof(b));
	int have_bag = 0, li = -1, di = -1;
	X509 *leaf = NULL;
	if (pp.chain >= 0) {
		cin.stmt = parts[pp.chain];
		cin.stmt_len = lens[pp.chain];
		/* The request layer read it already, for detection. */
		cin.bag = in->part_bags != NULL && in->nparts > 0 ? in->part_bags[pp.chain] : NULL;
		have_bag = csra_format_open_bag(v, KIND ".chain", &cin, r, &b, &e);
		if (e == CSRA_ERR_NOMEM)
			return e;
		/* A bag that does not read is recorded, not this call's error. */
		e = CSRA_OK;
		int found = have_bag ? csra_certbag_leaf(&b, &li, &di) : 1;
		if (have_bag && (found == 1 || found == 0) && li >= 0) {
			leaf = sk_X509_value(b.certs, li);
			csra_result_add(r, KIND ".leaf", CSRA_STATUS_PASS, CSRA_OK, "", "attestation key certificate certs[%d]", li);
		} else if (have_bag) {
			csra_result_add(r, KIND ".leaf", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "", "%s",
			    found == -1 ? "not exactly one certificate issues no other: which is the attestation "
			    "key's is ambiguous" : "several certificates could have issued the attestation key's");
		}
	}
	char lpath[32] = "";
	if (leaf != NULL)
		snprintf(lpath, sizeof(lpath), "certs[%d]", li);

	/* 1. The signature over the XML's bytes as received, first. */
	int sig_ok = 0;
	if (leaf != NULL && pp.sig >= 0 && xml != NULL) {
		uint8_t buf[SIG_MAX + 3];
		const uint8_t *sig;
		size_t sig_len;
		int b64;
		char spath[32], why[96];
		snprintf(spath, sizeof(spath), "parts[%ld]", pp.sig);
		EVP_PKEY *ak = X509_get0_pubkey(leaf);
		csra_clear_openssl_errors();
		if (!sig_bytes(parts[pp.sig], lens[pp.sig], buf, &sig, &sig_len, &b64)) {
			csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, spath,
			    "the signature is not canonical base64");
		} else if (ak == NULL) {
			csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_BAD_KEY, lpath,
			    "the attestation key's certificate has no usable key");
		} else if (EVP_PKEY_is_a(ak, "RSA") && sig_len != (size_t)EVP_PKEY_get_size(ak)) {
			csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, CSRA_ERR_SIG_INVALID, spath,
			    "a signature of %zu bytes%s for a %d-bit attestation key", sig_len,
			    b64 ? " (base64)" : "", EVP_PKEY_get_bits(ak));
		} else {
			uint8_t key[32];
			int keyed = sig_key(v, xml, xml_len, sig, sig_len, &b.entries[li], key);
			csra_err se = keyed && sig_seen(v, key) ? CSRA_OK : csra_sig_verify(v, SHA256_RSA,
			    sizeof(SHA256_RSA), NULL, 0, sig, sig_len, ak, NULL, 0, xml, xml_len, why, sizeof(why));
			sig_ok = se == CSRA_OK;
			if (sig_ok && keyed)
				sig_remember(v, key);
			if (sig_ok)
				csra_result_add(r, "ak.signature", CSRA_STATUS_PASS, CSRA_OK, spath,
				    "RSA PKCS#1 v1.5 / SHA-256 signature (%s) over the XML's %zu bytes verifies with "
				    "the attestation key", b64 ? "base64" : "raw", xml_len);
			else
				csra_result_add(r, "ak.signature", CSRA_STATUS_FAIL, se, spath,
				    "the XML's signature (%s) does not verify with the attestation key (%s)%s%s",
				    b64 ? "base64" : "raw", csra_err_name(se), why[0] ? ": " : "", why);
		}
	}

	/* 2. The attestation key's certificate to PRIMUS_HSM_ROOTKEY. */
	int chain_ok = 0, profile = 0;
	char serial[32] = "";
	if (leaf != NULL) {
		profile = leaf_profile(leaf, lpath, r);
		STACK_OF(X509) *chain = NULL;
		int vr = csra_format_chain(v, KIND, &cin, &b, leaf, li, NULL, NULL, NULL, r, &chain);
		if (vr < 0)
			e = CSRA_ERR_NOMEM;
		chain_ok = vr == 1;
		/* The device's serial, from its certificate in the path that
		 * held (signed by the root), not from any text of the XML's. */
		if (chain_ok && sk_X509_num(chain) >= 2 && device_serial(sk_X509_value(chain, 1), serial, sizeof(serial)))
			csra_result_add(r, KIND ".serial", CSRA_STATUS_PASS, CSRA_OK, "",
			    "device serial %s, from the device certificate's name", serial);
		sk_X509_pop_free(chain, X509_free);
	}

	/* 3. The XML, only once its signature verified. */
	struct attested a = { 0 };
	int xml_ok = 0;
	if (e == CSRA_OK && sig_ok)
		e = parse_xml(v, xml, xml_len, r, out, &a, &xml_ok);
	else if (e == CSRA_OK && xml != NULL)
		csra_result_add(r, KIND ".decode", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "not parsed: its signature did not verify");
	if (e == CSRA_OK && xml_ok) {
		text_claim(out, "platform", "vendor", "Securosys");
		if (serial[0])
			text_claim(out, "platform", "hwserial", serial);
		if (csra_stmt_add_key(out, a.spki, a.spki_len) == CSRA_ERR_NOMEM)
			e = CSRA_ERR_NOMEM;
	}
	free(a.spki);
	if (e == CSRA_OK) {
		out->verified = pp.ok && sig_ok && chain_ok && profile && xml_ok &&
		    !csra_stmt_refused(out, r, "the attestation");
		csra_stmt_bind(in, out, r);
		if (out->err == CSRA_ERR_NOMEM)
			e = CSRA_ERR_NOMEM;
	}
	if (have_bag || pp.chain >= 0)
		csra_stmt_certbag_done(&cin, &b);
	return e == CSRA_OK && r->nomem ? CSRA_ERR_NOMEM : e;
}

const csra_format csra_format_securosys_primus = {
	.kind = KIND,
	.handles = sp_handles,
	.detect = sp_detect,
	.verify = sp_verify,
	.multipart = 1,
};
