/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policies: which request keys are acceptable, which statement types must
 * vouch for them, which formats count, what their claims must say (per
 * format if need be), firmware floors per format, the known-weak-key
 * checks a CA waives, and the trust anchors per statement type. Parsed from JSON (docs/policy.md); the built-in
 * "cabf-csbr" profile is JSON too, so that it is read by the same code and
 * means exactly what the same file would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "csra_codec_int.h"
#include "csra_policy_int.h"
#include "csra_verify_int.h"
#include "csrattest/claims.h"

#define MAX_FILE (1u << 20)
#define MAX_LIST 64
#define OID_CAP 64
#define MAX_NAME 128
#define MAX_PATH 4095
#define MAX_FORMAT 31		/* a format name: [a-z0-9-], 1 to 31 characters */
#define MAX_VERSION 8		/* components of a firmware version */

typedef enum req_kind {
	REQ_NONE,	/* format_claims: null, the generic requirement removed */
	REQ_BOOL,
	REQ_INT,
	REQ_TEXT,
	REQ_RANGE
} req_kind;

/* One claim requirement. Claims keep their whole names, so a requirement
 * compares exactly whatever its size. */
typedef struct req {
	char element[16];
	char name[40];
	req_kind kind;
	int boolean;
	int64_t integer;
	int has_min, has_max;
	int64_t min, max;
	char text[128];
	/* For messages, written once when the policy is read. */
	char path[64];		/* "element.name" */
	char want[160];		/* the allowed values */
} req;

typedef enum alg_kind {
	ALG_RSA,
	ALG_EC,
	ALG_ED25519,
	ALG_ED448
} alg_kind;

typedef struct alg {
	alg_kind kind;
	int bits;		/* RSA: the least accepted */
	const char *group;	/* EC: OpenSSL's group name */
	char spelled[32];	/* as the policy wrote it, for messages */
} alg;

typedef struct stype {
	uint8_t der[OID_CAP];
	size_t len;
} stype;

typedef struct trust {
	stype type;		/* a statement type's anchors, or */
	char *format;		/* a vendor format's ("bundle": keep the bundle's) */
	char *path;
} trust;

/* A format's name, as csra_format.kind spells it. */
typedef struct fname {
	char s[MAX_FORMAT + 1];
	size_t at;	/* its index in the policy's list, for messages */
} fname;

/* The claim requirements a statement must meet: pointers into
 * csra_policy.reqs (the generic ones) and .freqs (format_claims). */
typedef struct reqset {
	const req **r;
	size_t n;
} reqset;

/* format_claims[name]: "claims" with that format's entries applied. */
typedef struct fmtreqs {
	fname name;
	reqset set;
} fmtreqs;

/* A dotted numeric version: each component 0 to 999999999. */
typedef struct version {
	uint32_t c[MAX_VERSION];
	size_t n;
} version;

/* firmware_min[name]. */
typedef struct fwfloor {
	fname name;
	version min;
	char text[MAX_VERSION * 10];	/* as written, for messages */
} fwfloor;

/* The checks a policy may waive ("waive"): the known-weak-key checks,
 * and nothing else. A signature or chain check must never be waivable. */
static const char *const WAIVABLE[] = {
	"key.weak.roca", "key.weak.fermat", "key.weak.small-factor", "key.weak.exponent",
	"key.weak.ec-point", "key.weak.ec-subgroup",
};
#define NWAIVABLE (sizeof(WAIVABLE) / sizeof(WAIVABLE[0]))

struct csra_policy {
	char *name;
	stype *types;		/* require_statement_types; none: any one statement */
	size_t ntypes;
	trust *trust;
	size_t ntrust;
	req *reqs;
	size_t nreqs;
	alg *algs;		/* none: any key */
	size_t nalgs;
	/* EKUs that make a certificate an attestation key, [0] PKIX Evidence
	 * and [1] TPM; none: the verifier's. */
	stype *ak_ekus[2];
	size_t nak_ekus[2];
	char alg_list[400];	/* the accepted algorithms, for messages */
	int fresh_required;	/* "freshness": "required" */
	stype *exempt;		/* freshness_exempt: types */
	size_t nexempt;
	fname *exempt_kinds;	/* freshness_exempt: formats */
	size_t nexempt_kinds;
	fname *formats;		/* formats; none: every format counts */
	size_t nformats;
	char format_list[400];	/* the formats that count, for messages */
	reqset generic;		/* claims, for formats without format_claims */
	req *freqs;		/* format_claims' requirements */
	size_t nfreqs;
	fmtreqs *fclaims;	/* format_claims */
	size_t nfclaims;
	fwfloor *fw;		/* firmware_min */
	size_t nfw;
	unsigned waived;	/* bit i: WAIVABLE[i] */
};

/* The built-in profile: CA/B Code Signing BR 6.2.7.4.2 method 2 (a key
 * generated and kept in a FIPS 140-2 level 2+ module) and 6.1.5.2 (RSA
 * 3072+ or ECDSA on the NIST curves). The vendor formats that cannot
 * carry a nonce count without one (docs/policy.md "Freshness in
 * cabf-csbr"). */
static const char CABF_CSBR[] =
    "{\"name\": \"cabf-csbr\","
    " \"claims\": {"
    "  \"key\": {\"extractable\": false, \"never-extractable\": true,"
    "            \"sensitive\": true, \"local\": true},"
    "  \"platform\": {\"fipsboot\": true, \"fipslevel\": {\"min\": 2}}},"
    " \"key_algorithms\": [\"rsa:3072\", \"ec:P-256\", \"ec:P-384\", \"ec:P-521\"],"
    " \"freshness_exempt\": [\"yubico-piv\", \"yubihsm2\", \"thales-luna\", \"marvell-liquidsecurity\", \"crypto4a-qasm\", \"securosys-primus\"]}";

static const struct {
	const char *spelled;	/* in policies */
	const char *group;	/* OpenSSL's name */
} CURVES[] = {
	{ "P-256", "prime256v1" },
	{ "P-384", "secp384r1" },
	{ "P-521", "secp521r1" },
};

void csra_policy_free(csra_policy **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	csra_policy *p = *pp;
	free(p->name);
	free(p->types);
	for (size_t i = 0; i < p->ntrust; i++) {
		free(p->trust[i].path);
		free(p->trust[i].format);
	}
	free(p->trust);
	free(p->reqs);
	free(p->algs);
	free(p->ak_ekus[0]);
	free(p->ak_ekus[1]);
	free(p->exempt);
	free(p->exempt_kinds);
	free(p->formats);
	free(p->generic.r);
	free(p->freqs);
	for (size_t i = 0; i < p->nfclaims; i++)
		free(p->fclaims[i].set.r);
	free(p->fclaims);
	free(p->fw);
	free(p);
	*pp = NULL;
}

const char *csra_policy_name(const csra_policy *p)
{
	return p != NULL ? p->name : NULL;
}

size_t csra_policy_trust_count(const csra_policy *p)
{
	return p != NULL ? p->ntrust : 0;
}

const char *csra_policy_trust_format(const csra_policy *p, size_t i)
{
	return p != NULL && i < p->ntrust ? p->trust[i].format : NULL;
}

const char *csra_policy_trust(const csra_policy *p, size_t i, const uint8_t **type, size_t *type_len)
{
	if (p == NULL || i >= p->ntrust)
		return NULL;
	if (type != NULL)
		*type = p->trust[i].type.der;
	if (type_len != NULL)
		*type_len = p->trust[i].type.len;
	return p->trust[i].path;
}

size_t csra_policy_ak_eku_count(const csra_policy *p, int tpm)
{
	return p != NULL ? p->nak_ekus[tpm != 0] : 0;
}

const uint8_t *csra_policy_ak_eku(const csra_policy *p, int tpm, size_t i, size_t *len)
{
	if (p == NULL || i >= p->nak_ekus[tpm != 0])
		return NULL;
	*len = p->ak_ekus[tpm != 0][i].len;
	return p->ak_ekus[tpm != 0][i].der;
}

/* Parsing ------------------------------------------------------------ */

typedef struct parser {
	csra_policy *p;
	const char *base;	/* directory for relative trust paths, or NULL */
	char *err;
	size_t errlen;
	csra_err code;
} parser;

/* Records "<path>: <problem>" as the error and returns 0. */
static int bad(parser *ps, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(parser *ps, const char *path, const char *fmt, ...)
{
	char problem[256], p[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	ps->code = CSRA_ERR_POLICY;
	if (ps->err != NULL && ps->errlen > 0)
		snprintf(ps->err, ps->errlen, "%s: %s", csra_shown(path, p, sizeof(p)), problem);
	return 0;
}

static int nomem(parser *ps)
{
	ps->code = CSRA_ERR_NOMEM;
	if (ps->err != NULL && ps->errlen > 0)
		snprintf(ps->err, ps->errlen, "out of memory");
	return 0;
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int parse_name(parser *ps, json_t *v)
{
	if (v == NULL)
		return bad(ps, "name", "required");
	if (!json_is_string(v))
		return bad(ps, "name", "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0 || n > MAX_NAME || !printable(s))
		return bad(ps, "name", "must be 1 to %d printable ASCII characters", MAX_NAME);
	ps->p->name = strdup(s);
	return ps->p->name != NULL || nomem(ps);
}

static int parse_oid(parser *ps, const char *path, const char *s, stype *t)
{
	if (!csra_oid_from_str(s, t->der, sizeof(t->der), &t->len))
		return bad(ps, path, "not a dotted OID");
	return 1;
}

/* parse_oid_list reads |key|'s value |v| (may be NULL: absent) as 0 to
 * MAX_LIST dotted OIDs, none twice, into a new array |*out| of |*n|
 * entries. With |empty| (why an empty list is refused) [] is an error. */
static int parse_oid_list(parser *ps, const char *key, json_t *v, const char *empty, stype **out,
    size_t *n)
{
	char path[64];
	if (v == NULL)
		return 1;
	if (!json_is_array(v))
		return bad(ps, key, "must be an array");
	size_t len = json_array_size(v);
	if (len == 0 && empty != NULL)
		return bad(ps, key, "is empty: %s", empty);
	if (len > MAX_LIST)
		return bad(ps, key, "more than %d entries", MAX_LIST);
	if (len == 0)
		return 1;
	stype *l = *out = calloc(len, sizeof(stype));
	if (l == NULL)
		return nomem(ps);
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_string(e))
			return bad(ps, path, "must be a string");
		if (!parse_oid(ps, path, json_string_value(e), &l[i]))
			return 0;
		for (size_t j = 0; j < i; j++)
			if (l[j].len == l[i].len && memcmp(l[j].der, l[i].der, l[i].len) == 0)
				return bad(ps, path, "listed twice");
		(*n)++;
	}
	return 1;
}

static int parse_types(parser *ps, json_t *v)
{
	return parse_oid_list(ps, "require_statement_types", v, NULL, &ps->p->types, &ps->p->ntypes);
}

/* ak_ekus / tpm_ak_ekus: an empty list would accept no attestation key. */
static int parse_ekus(parser *ps, const char *key, json_t *v, int tpm)
{
	return parse_oid_list(ps, key, v, "no attestation key would be accepted", &ps->p->ak_ekus[tpm],
	    &ps->p->nak_ekus[tpm]);
}

/* "freshness": "required" or "optional" (the default). */
static int parse_freshness(parser *ps, json_t *v)
{
	if (v == NULL)
		return 1;
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	if (strcmp(s, "required") == 0 && json_string_length(v) == 8)
		ps->p->fresh_required = 1;
	else if (strcmp(s, "optional") != 0 || json_string_length(v) != 8)
		return bad(ps, "freshness", "must be \"required\" or \"optional\"");
	return 1;
}

/* Whether |s|/|len| is a format's name: [a-z0-9-], 1 to MAX_FORMAT. By
 * length: a JSON key holding U+0000 is not the name before it. */
static int format_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > MAX_FORMAT)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int parse_format_name(parser *ps, const char *path, const char *s, size_t len, fname *out)
{
	char shown_s[48];
	if (!format_name_ok(s, len))
		return bad(ps, path, "\"%s\" is not a format name ([a-z0-9-], 1 to %d characters)",
		    csra_shown(s, shown_s, sizeof(shown_s)), MAX_FORMAT);
	memcpy(out->s, s, len);
	out->s[len] = '\0';
	return 1;
}

static const fname *find_name(const fname *l, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(l[i].s, s) == 0)
			return &l[i];
	return NULL;
}

/* "freshness_exempt": statement types (dotted OIDs) and formats (names)
 * that count without confirmed freshness, for formats that cannot carry
 * a nonce. Files beside a request have no type OID: only their format
 * names them. A name never holds a dot, an OID always does. */
static int parse_exempt(parser *ps, json_t *v)
{
	char path[64];
	csra_policy *p = ps->p;
	if (v == NULL)
		return 1;
	if (!json_is_array(v))
		return bad(ps, "freshness_exempt", "must be an array");
	size_t len = json_array_size(v);
	if (len > MAX_LIST)
		return bad(ps, "freshness_exempt", "more than %d entries", MAX_LIST);
	if (len == 0)
		return 1;
	p->exempt = calloc(len, sizeof(stype));
	p->exempt_kinds = calloc(len, sizeof(fname));
	if (p->exempt == NULL || p->exempt_kinds == NULL)
		return nomem(ps);
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(path, sizeof(path), "freshness_exempt[%zu]", i);
		if (!json_is_string(e))
			return bad(ps, path, "must be a string");
		const char *str = json_string_value(e);
		size_t sl = json_string_length(e);
		if (memchr(str, '.', sl) != NULL) {
			stype *t = &p->exempt[p->nexempt];
			if (!parse_oid(ps, path, str, t))
				return 0;
			for (size_t j = 0; j < p->nexempt; j++)
				if (p->exempt[j].len == t->len && memcmp(p->exempt[j].der, t->der, t->len) == 0)
					return bad(ps, path, "listed twice");
			p->nexempt++;
		} else {
			fname *f = &p->exempt_kinds[p->nexempt_kinds];
			if (!format_name_ok(str, sl))
				return bad(ps, path, "neither a dotted OID nor a format name ([a-z0-9-], 1 to %d "
				    "characters)", MAX_FORMAT);
			memcpy(f->s, str, sl + 1);
			if (find_name(p->exempt_kinds, p->nexempt_kinds, f->s) != NULL)
				return bad(ps, path, "listed twice");
			f->at = i;
			p->nexempt_kinds++;
		}
	}
	return 1;
}

int csra_policy_freshness_exempt(const csra_policy *p, const uint8_t *type, size_t type_len,
    const char *kind)
{
	if (p == NULL)
		return 0;
	for (size_t i = 0; type != NULL && i < p->nexempt; i++)
		if (p->exempt[i].len == type_len && memcmp(p->exempt[i].der, type, type_len) == 0)
			return 1;
	return find_name(p->exempt_kinds, p->nexempt_kinds, kind) != NULL;
}

/* "formats": the formats whose statements count; absent: all. [] would
 * count none, which is not what anyone writing it means. */
static int parse_formats(parser *ps, json_t *v)
{
	char path[64];
	csra_policy *p = ps->p;
	if (v == NULL)
		return 1;
	if (!json_is_array(v))
		return bad(ps, "formats", "must be an array");
	size_t len = json_array_size(v);
	if (len == 0 || len > MAX_LIST)
		return bad(ps, "formats", "must list 1 to %d formats (omit it to count every format)",
		    MAX_LIST);
	p->formats = calloc(len, sizeof(fname));
	if (p->formats == NULL)
		return nomem(ps);
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(path, sizeof(path), "formats[%zu]", i);
		if (!json_is_string(e))
			return bad(ps, path, "must be a string");
		if (!parse_format_name(ps, path, json_string_value(e), json_string_length(e),
		    &p->formats[i]))
			return 0;
		if (find_name(p->formats, i, p->formats[i].s) != NULL)
			return bad(ps, path, "listed twice");
		p->nformats++;
	}
	return 1;
}

/* Whether statements of format |kind| count at all. */
static int format_counts(const csra_policy *p, const char *kind)
{
	return p->nformats == 0 || find_name(p->formats, p->nformats, kind) != NULL;
}

/* A key of format_claims or firmware_min: a format name, and one that
 * "formats" counts (an entry for another would never apply). */
static int parse_format_key(parser *ps, const char *path, const char *key, size_t keylen, fname *out)
{
	if (!parse_format_name(ps, path, key, keylen, out))
		return 0;
	if (!format_counts(ps->p, out->s))
		return bad(ps, path, "\"%s\" is not in formats: its statements never count", out->s);
	return 1;
}

/* Reads a dotted numeric version: 1 to MAX_VERSION numbers of 1 to 9
 * digits each ("5.7.4", "2.2.0"), nothing else. Linear in |len|. */
static int version_parse(const char *s, size_t len, version *out)
{
	size_t digits = 0;
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	out->n = 1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (digits == 0 || out->n == MAX_VERSION)
				return 0;
			out->n++;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9' && digits < 9) {
			out->c[out->n - 1] = out->c[out->n - 1] * 10 + (uint32_t)(s[i] - '0');
			digits++;
		} else {
			return 0;
		}
	}
	return digits > 0;
}

/* <0, 0, >0 as |a| is below, equal to, above |b|, component by
 * component as integers; missing components are 0 ("5.7" is "5.7.0"). */
static int version_cmp(const version *a, const version *b)
{
	for (size_t i = 0; i < MAX_VERSION; i++)
		if (a->c[i] != b->c[i])
			return a->c[i] < b->c[i] ? -1 : 1;
	return 0;
}

/* "firmware_min": format -> the least firmware version (platform
 * swversion) its statements may report. */
static int parse_firmware(parser *ps, json_t *v)
{
	char path[64];
	const char *key;
	size_t keylen;
	json_t *x;
	csra_policy *p = ps->p;
	if (v == NULL)
		return 1;
	if (!json_is_object(v))
		return bad(ps, "firmware_min", "must be an object");
	size_t len = json_object_size(v);
	if (len > MAX_LIST)
		return bad(ps, "firmware_min", "more than %d formats", MAX_LIST);
	if (len == 0)
		return 1;
	p->fw = calloc(len, sizeof(fwfloor));
	if (p->fw == NULL)
		return nomem(ps);
	json_object_keylen_foreach(v, key, keylen, x) {
		fwfloor *f = &p->fw[p->nfw];
		char name[48];
		snprintf(path, sizeof(path), "firmware_min.%s", csra_shown(key, name, sizeof(name)));
		if (!parse_format_key(ps, path, key, keylen, &f->name))
			return 0;
		for (size_t j = 0; j < p->nfw; j++)
			if (strcmp(p->fw[j].name.s, f->name.s) == 0)
				return bad(ps, path, "listed twice");
		if (!json_is_string(x) || json_string_length(x) >= sizeof(f->text) ||
		    !version_parse(json_string_value(x), json_string_length(x), &f->min))
			return bad(ps, path, "must be a dotted numeric version (1 to %d numbers of at most 9 "
			    "digits, as \"5.7.4\")", MAX_VERSION);
		memcpy(f->text, json_string_value(x), json_string_length(x) + 1);
		p->nfw++;
	}
	return 1;
}

static const fwfloor *find_floor(const csra_policy *p, const char *kind)
{
	for (size_t i = 0; kind != NULL && i < p->nfw; i++)
		if (strcmp(p->fw[i].name.s, kind) == 0)
			return &p->fw[i];
	return NULL;
}

/* "waive": known-weak-key checks the CA accepts as warnings. Any other
 * name is an error: a policy must not be able to waive a signature. */
static int parse_waive(parser *ps, json_t *v)
{
	char path[64], shown_s[48];
	if (v == NULL)
		return 1;
	if (!json_is_array(v))
		return bad(ps, "waive", "must be an array");
	size_t len = json_array_size(v);
	if (len > MAX_LIST)
		return bad(ps, "waive", "more than %d entries", MAX_LIST);
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(path, sizeof(path), "waive[%zu]", i);
		if (!json_is_string(e))
			return bad(ps, path, "must be a string");
		size_t w = 0;
		while (w < NWAIVABLE && (strlen(WAIVABLE[w]) != json_string_length(e) ||
		    strcmp(WAIVABLE[w], json_string_value(e)) != 0))
			w++;
		if (w == NWAIVABLE)
			return bad(ps, path, "\"%s\" cannot be waived (only the key.weak.* checks: roca, "
			    "fermat, small-factor, exponent, ec-point, ec-subgroup)",
			    csra_shown(json_string_value(e), shown_s, sizeof(shown_s)));
		if (ps->p->waived & (1u << w))
			return bad(ps, path, "listed twice");
		ps->p->waived |= 1u << w;
	}
	return 1;
}

/* Joins a relative path to the policy file's directory. */
static char *resolve(const char *base, const char *s)
{
	if (base == NULL || s[0] == '/')
		return strdup(s);
	size_t bl = strlen(base), sl = strlen(s);
	int slash = bl > 0 && base[bl - 1] == '/';
	char *out = malloc(bl + sl + 2);
	if (out == NULL)
		return NULL;
	memcpy(out, base, bl);
	if (!slash)
		out[bl++] = '/';
	memcpy(out + bl, s, sl + 1);
	return out;
}

static int parse_trust(parser *ps, json_t *v)
{
	char path[128];
	const char *key;
	json_t *list;
	if (v == NULL)
		return 1;
	if (!json_is_object(v))
		return bad(ps, "trust", "must be an object");
	if (json_object_size(v) > MAX_LIST)
		return bad(ps, "trust", "more than %d statement types", MAX_LIST);
	size_t total = 0;
	json_object_foreach(v, key, list) {
		snprintf(path, sizeof(path), "trust.%s", key);
		if (!json_is_array(list))
			return bad(ps, path, "must be an array of paths");
		size_t n = json_array_size(list);
		if (n == 0 || n > MAX_LIST)
			return bad(ps, path, "must list 1 to %d paths", MAX_LIST);
		total += n;
	}
	ps->p->trust = calloc(total, sizeof(trust));
	if (ps->p->trust == NULL)
		return nomem(ps);
	json_object_foreach(v, key, list) {
		stype t;
		memset(&t, 0, sizeof(t));
		snprintf(path, sizeof(path), "trust.%s", key);
		/* A dotted OID: a statement type; else a vendor format's name,
		 * whose bundled roots these replace (or, with the entry
		 * "bundle", join). */
		int format = strchr(key, '.') == NULL;
		if (format && !format_name_ok(key, strlen(key)))
			return bad(ps, path, "is neither a dotted OID nor a format name");
		if (!format && !parse_oid(ps, path, key, &t))
			return 0;
		for (size_t i = 0; i < json_array_size(list); i++) {
			json_t *e = json_array_get(list, i);
			snprintf(path, sizeof(path), "trust.%s[%zu]", key, i);
			if (!json_is_string(e) || json_string_length(e) == 0)
				return bad(ps, path, "must be a non-empty string");
			if (json_string_length(e) > MAX_PATH)
				return bad(ps, path, "longer than %d bytes", MAX_PATH);
			trust *tr = &ps->p->trust[ps->p->ntrust];
			tr->type = t;
			if (format && (tr->format = strdup(key)) == NULL)
				return nomem(ps);
			tr->path = format && strcmp(json_string_value(e), "bundle") == 0 ? strdup("bundle")
			    : resolve(ps->base, json_string_value(e));
			ps->p->ntrust++;
			if (tr->path == NULL)
				return nomem(ps);
		}
	}
	return 1;
}

/* The draft's type for claim |name| in element |element|, or 0 when the
 * draft does not define it there (another statement type's claim). */
static int draft_type(const char *element, const char *name)
{
	csra_element e = strcmp(element, "key") == 0 ? CSRA_ELEMENT_KEY
	    : strcmp(element, "platform") == 0 ? CSRA_ELEMENT_PLATFORM
	    : CSRA_ELEMENT_TRANSACTION;
	for (int c = CSRA_CLAIM_UNKNOWN + 1; c <= CSRA_CLAIM_KEY_PURPOSE; c++) {
		const csra_claim_info *info = csra_claim_get((csra_claim)c);
		if (info != NULL && info->element == e && strcmp(info->name, name) == 0)
			return (int)info->type;
	}
	return 0;
}

static int parse_range(parser *ps, const char *path, json_t *v, req *q)
{
	char sub[400];
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x) {
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		if (strcmp(k, "min") != 0 && strcmp(k, "max") != 0)
			return bad(ps, sub, "unknown key (min or max)");
		if (!json_is_integer(x))
			return bad(ps, sub, "must be an integer");
		if (k[1] == 'i') {
			q->has_min = 1;
			q->min = (int64_t)json_integer_value(x);
		} else {
			q->has_max = 1;
			q->max = (int64_t)json_integer_value(x);
		}
	}
	if (!q->has_min && !q->has_max)
		return bad(ps, path, "a range needs min, max or both");
	if (q->has_min && q->has_max && q->min > q->max)
		return bad(ps, path, "min is greater than max");
	q->kind = REQ_RANGE;
	return 1;
}

/* Sets |q| to no requirement on claim |element|.|name|. */
static int req_name(parser *ps, const char *path, const char *element, const char *name, req *q)
{
	if (name[0] == '\0' || strlen(name) >= sizeof(q->name))
		return bad(ps, path, "claim names are 1 to %zu bytes", sizeof(q->name) - 1);
	memset(q, 0, sizeof(*q));
	strcpy(q->element, element);	/* one of three known names */
	/* The old spelling of the draft's dbgstat would never match a claim:
	 * read as the draft's name for one release (docs/policy.md). */
	strcpy(q->name, strcmp(element, "platform") == 0 && strcmp(name, "debugstat") == 0 ? "dbgstat"
	    : name);
	q->kind = REQ_NONE;
	return 1;
}

/* Reads the requirement |v| on claim |element|.|name| into |q|; |path|
 * names it in errors. A JSON null (format_claims only) is the caller's. */
static int parse_req(parser *ps, const char *path, const char *element, const char *name, json_t *v,
    req *q)
{
	if (!req_name(ps, path, element, name, q))
		return 0;
	if (json_is_boolean(v)) {
		q->kind = REQ_BOOL;
		q->boolean = json_is_true(v);
	} else if (json_is_integer(v)) {
		q->kind = REQ_INT;
		q->integer = (int64_t)json_integer_value(v);
	} else if (json_is_string(v)) {
		/* A requirement is a vendor or version name: kept short. Claims
		 * are whole and compared by length, so any length compares
		 * exactly. */
		if (json_string_length(v) >= sizeof(q->text) - 1)
			return bad(ps, path, "strings are at most %zu bytes", sizeof(q->text) - 2);
		q->kind = REQ_TEXT;
		memcpy(q->text, json_string_value(v), json_string_length(v) + 1);
	} else if (json_is_object(v)) {
		if (!parse_range(ps, path, v, q))
			return 0;
	} else {
		return bad(ps, path, "must be a boolean, an integer, a string or {\"min\", \"max\"}");
	}
	/* A requirement the draft's claim type can never meet is a mistake
	 * in the policy, not a request to reject everything. */
	switch (draft_type(element, name)) {
	case 0:
		break;
	case CSRA_VALUE_BOOLEAN:
		if (q->kind != REQ_BOOL)
			return bad(ps, path, "must be a boolean");
		break;
	case CSRA_VALUE_INTEGER:
		if (q->kind != REQ_INT && q->kind != REQ_RANGE)
			return bad(ps, path, "must be an integer or {\"min\", \"max\"}");
		break;
	case CSRA_VALUE_UTF8:
		if (q->kind != REQ_TEXT)
			return bad(ps, path, "must be a string");
		break;
	default:
		return bad(ps, path, "policies cannot require this claim's value");
	}
	return 1;
}

/* Checks the shape of a claims object |v| at |prefix| ("claims",
 * "format_claims.yubico-piv"): elements key, platform or transaction,
 * each an object of at most MAX_LIST claims. Adds their count to |total|. */
static int claims_shape(parser *ps, const char *prefix, json_t *v, size_t *total)
{
	char path[128];
	const char *elem;
	json_t *obj;
	if (!json_is_object(v))
		return bad(ps, prefix, "must be an object");
	json_object_foreach(v, elem, obj) {
		snprintf(path, sizeof(path), "%s.%s", prefix, elem);
		if (strcmp(elem, "key") != 0 && strcmp(elem, "platform") != 0 &&
		    strcmp(elem, "transaction") != 0)
			return bad(ps, path, "unknown element (key, platform or transaction)");
		if (!json_is_object(obj))
			return bad(ps, path, "must be an object");
		if (json_object_size(obj) > MAX_LIST)
			return bad(ps, path, "more than %d claims", MAX_LIST);
		*total += json_object_size(obj);
	}
	return 1;
}

static int parse_claims(parser *ps, json_t *v)
{
	char path[160];
	const char *elem, *name;
	json_t *obj, *x;
	size_t total = 0;
	csra_policy *p = ps->p;
	if (v == NULL)
		return 1;
	if (!claims_shape(ps, "claims", v, &total))
		return 0;
	if (total == 0)
		return 1;
	p->reqs = calloc(total, sizeof(req));
	p->generic.r = calloc(total, sizeof(req *));
	if (p->reqs == NULL || p->generic.r == NULL)
		return nomem(ps);
	json_object_foreach(v, elem, obj) {
		json_object_foreach(obj, name, x) {
			snprintf(path, sizeof(path), "claims.%s.%s", elem, name);
			if (!parse_req(ps, path, elem, name, x, &p->reqs[p->nreqs]))
				return 0;
			p->generic.r[p->generic.n++] = &p->reqs[p->nreqs++];
		}
	}
	return 1;
}

static int same_claim(const req *a, const char *element, const char *name)
{
	return strcmp(a->element, element) == 0 && strcmp(a->name, name) == 0;
}

/* format_claims[F]: the generic requirements with F's applied on top. An
 * entry for a claim replaces the generic one; null removes it (a format
 * that cannot express the claim). |v| has passed claims_shape. */
static int parse_format_reqs(parser *ps, const char *prefix, json_t *v, fmtreqs *f)
{
	char path[200];
	const char *elem, *name;
	json_t *obj, *x;
	csra_policy *p = ps->p;
	size_t first = p->nfreqs, n = 0, own = 0;
	json_object_foreach(v, elem, obj)
		own += json_object_size(obj);
	f->set.r = calloc(p->generic.n + own + 1, sizeof(req *));
	if (f->set.r == NULL)
		return nomem(ps);
	json_object_foreach(v, elem, obj) {
		json_object_foreach(obj, name, x) {
			snprintf(path, sizeof(path), "%s.%s.%s", prefix, elem, name);
			req *q = &p->freqs[p->nfreqs];
			if (!json_is_null(x)) {
				if (!parse_req(ps, path, elem, name, x, q))
					return 0;
			} else {
				size_t g = 0;
				if (!req_name(ps, path, elem, name, q))
					return 0;
				while (g < p->generic.n && !same_claim(p->generic.r[g], q->element, q->name))
					g++;
				if (g == p->generic.n)
					return bad(ps, path, "null removes nothing: claims has no requirement on this "
					    "claim");
			}
			p->nfreqs++;
		}
	}
	/* The generic requirements this format keeps, then its own. */
	for (size_t g = 0; g < p->generic.n; g++) {
		const req *q = p->generic.r[g];
		size_t o = first;
		while (o < p->nfreqs && !same_claim(&p->freqs[o], q->element, q->name))
			o++;
		if (o == p->nfreqs)
			f->set.r[n++] = q;
	}
	for (size_t o = first; o < p->nfreqs; o++)
		if (p->freqs[o].kind != REQ_NONE)
			f->set.r[n++] = &p->freqs[o];
	f->set.n = n;
	return 1;
}

/* "format_claims": format -> claim requirements, as "claims". */
static int parse_format_claims(parser *ps, json_t *v)
{
	char path[64], name[48];
	const char *key;
	size_t keylen;
	json_t *x;
	csra_policy *p = ps->p;
	size_t total = 0;
	if (v == NULL)
		return 1;
	if (!json_is_object(v))
		return bad(ps, "format_claims", "must be an object");
	if (json_object_size(v) > MAX_LIST)
		return bad(ps, "format_claims", "more than %d formats", MAX_LIST);
	json_object_keylen_foreach(v, key, keylen, x) {
		snprintf(path, sizeof(path), "format_claims.%s", csra_shown(key, name, sizeof(name)));
		if (!claims_shape(ps, path, x, &total))
			return 0;
	}
	if (json_object_size(v) == 0)
		return 1;
	p->fclaims = calloc(json_object_size(v), sizeof(fmtreqs));
	p->freqs = calloc(total + 1, sizeof(req));
	if (p->fclaims == NULL || p->freqs == NULL)
		return nomem(ps);
	json_object_keylen_foreach(v, key, keylen, x) {
		fmtreqs *f = &p->fclaims[p->nfclaims];
		snprintf(path, sizeof(path), "format_claims.%s", csra_shown(key, name, sizeof(name)));
		if (!parse_format_key(ps, path, key, keylen, &f->name))
			return 0;
		for (size_t j = 0; j < p->nfclaims; j++)
			if (strcmp(p->fclaims[j].name.s, f->name.s) == 0)
				return bad(ps, path, "listed twice");
		/* Counted now: its set is freed with the policy even if
		 * reading it fails. */
		p->nfclaims++;
		if (!parse_format_reqs(ps, path, x, f))
			return 0;
	}
	return 1;
}

/* The requirements a statement of format |kind| must meet. */
static const reqset *reqs_for(const csra_policy *p, const char *kind)
{
	for (size_t i = 0; kind != NULL && i < p->nfclaims; i++)
		if (strcmp(p->fclaims[i].name.s, kind) == 0)
			return &p->fclaims[i].set;
	return &p->generic;
}

static int parse_alg(parser *ps, const char *path, const char *s, alg *a)
{
	char shown_s[48];
	memset(a, 0, sizeof(*a));
	if (strncmp(s, "rsa:", 4) == 0) {
		const char *d = s + 4;
		long bits = 0;
		size_t n = strspn(d, "0123456789");
		if (n >= 1 && n <= 5 && d[n] == '\0' && d[0] != '0') {
			bits = strtol(d, NULL, 10);
			if (bits < 1024 || bits > 16384)
				return bad(ps, path, "RSA sizes are 1024 to 16384 bits");
			a->kind = ALG_RSA;
			a->bits = (int)bits;
			goto ok;
		}
	} else if (strncmp(s, "ec:", 3) == 0) {
		for (size_t i = 0; i < sizeof(CURVES) / sizeof(CURVES[0]); i++) {
			if (strcmp(s + 3, CURVES[i].spelled) == 0) {
				a->kind = ALG_EC;
				a->group = CURVES[i].group;
				goto ok;
			}
		}
	} else if (strcmp(s, "ed25519") == 0) {
		a->kind = ALG_ED25519;
		goto ok;
	} else if (strcmp(s, "ed448") == 0) {
		a->kind = ALG_ED448;
		goto ok;
	}
	return bad(ps, path, "unknown algorithm \"%s\"", csra_shown(s, shown_s, sizeof(shown_s)));
ok:
	snprintf(a->spelled, sizeof(a->spelled), "%s", s);
	return 1;
}

static int parse_algs(parser *ps, json_t *v)
{
	char path[64];
	if (v == NULL)
		return 1;
	if (!json_is_array(v))
		return bad(ps, "key_algorithms", "must be an array");
	size_t n = json_array_size(v);
	/* An empty list would accept nothing; omitting it accepts anything.
	 * Neither is what "[]" is likely to mean. */
	if (n == 0 || n > MAX_LIST)
		return bad(ps, "key_algorithms", "must list 1 to %d algorithms (omit it to accept any)",
		    MAX_LIST);
	ps->p->algs = calloc(n, sizeof(alg));
	if (ps->p->algs == NULL)
		return nomem(ps);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(path, sizeof(path), "key_algorithms[%zu]", i);
		if (!json_is_string(e))
			return bad(ps, path, "must be a string");
		if (!parse_alg(ps, path, json_string_value(e), &ps->p->algs[i]))
			return 0;
		for (size_t j = 0; j < i; j++)
			if (strcmp(ps->p->algs[j].spelled, ps->p->algs[i].spelled) == 0)
				return bad(ps, path, "listed twice");
		ps->p->nalgs++;
	}
	return 1;
}

static void req_str(const req *q, char *buf, size_t cap);

/* Writes the parts of messages that depend on the policy alone. */
static void finish(csra_policy *p)
{
	size_t n = 0;
	if (p->nalgs == 0)
		snprintf(p->alg_list, sizeof(p->alg_list), "any algorithm");
	for (size_t i = 0; i < p->nalgs; i++) {
		int w = snprintf(p->alg_list + n, sizeof(p->alg_list) - n, "%s%s", i ? ", " : "",
		    p->algs[i].spelled);
		if (w < 0 || (size_t)w >= sizeof(p->alg_list) - n) {
			memcpy(p->alg_list + sizeof(p->alg_list) - 4, "...", 4);
			break;
		}
		n += (size_t)w;
	}
	for (size_t i = 0; i < p->nreqs + p->nfreqs; i++) {
		req *q = i < p->nreqs ? &p->reqs[i] : &p->freqs[i - p->nreqs];
		char name[48];
		/* A claim name is any 1 to 39 bytes: shown like the values. */
		snprintf(q->path, sizeof(q->path), "%s.%s", q->element,
		    csra_shown(q->name, name, sizeof(name)));
		req_str(q, q->want, sizeof(q->want));
	}
	n = 0;
	if (p->nformats == 0)
		snprintf(p->format_list, sizeof(p->format_list), "every format");
	for (size_t i = 0; i < p->nformats; i++) {
		int w = snprintf(p->format_list + n, sizeof(p->format_list) - n, "%s%s", i ? ", " : "",
		    p->formats[i].s);
		if (w < 0 || (size_t)w >= sizeof(p->format_list) - n) {
			memcpy(p->format_list + sizeof(p->format_list) - 4, "...", 4);
			break;
		}
		n += (size_t)w;
	}
}

static csra_err parse(const char *json, size_t len, const char *base, csra_policy **out, char *err,
    size_t errlen)
{
	parser ps = { NULL, base, err, errlen, CSRA_OK };
	json_error_t je;
	json_t *root = NULL;
	char text[160];
	const char *k;
	json_t *v;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || json == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "invalid argument");
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (len > MAX_FILE) {
		bad(&ps, "policy", "larger than 1 MiB");
		goto done;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		bad(&ps, "policy", "not JSON (line %d column %d): %s", je.line, je.column,
		    csra_shown(je.text, text, sizeof(text)));
		goto done;
	}
	if (!json_is_object(root)) {
		bad(&ps, "policy", "must be a JSON object");
		goto done;
	}
	json_object_foreach(root, k, v) {
		if (strcmp(k, "name") != 0 && strcmp(k, "require_statement_types") != 0 &&
		    strcmp(k, "trust") != 0 && strcmp(k, "claims") != 0 && strcmp(k, "key_algorithms") != 0 &&
		    strcmp(k, "ak_ekus") != 0 && strcmp(k, "tpm_ak_ekus") != 0 &&
		    strcmp(k, "freshness") != 0 && strcmp(k, "freshness_exempt") != 0 &&
		    strcmp(k, "formats") != 0 && strcmp(k, "format_claims") != 0 &&
		    strcmp(k, "firmware_min") != 0 && strcmp(k, "waive") != 0) {
			bad(&ps, k, "unknown key");
			goto done;
		}
	}
	ps.p = calloc(1, sizeof(csra_policy));
	if (ps.p == NULL) {
		nomem(&ps);
		goto done;
	}
	if (parse_name(&ps, json_object_get(root, "name")) &&
	    parse_types(&ps, json_object_get(root, "require_statement_types")) &&
	    parse_trust(&ps, json_object_get(root, "trust")) &&
	    parse_claims(&ps, json_object_get(root, "claims")) &&
	    parse_algs(&ps, json_object_get(root, "key_algorithms")) &&
	    parse_ekus(&ps, "ak_ekus", json_object_get(root, "ak_ekus"), 0) &&
	    parse_ekus(&ps, "tpm_ak_ekus", json_object_get(root, "tpm_ak_ekus"), 1) &&
	    parse_freshness(&ps, json_object_get(root, "freshness")) &&
	    parse_exempt(&ps, json_object_get(root, "freshness_exempt")) &&
	    parse_formats(&ps, json_object_get(root, "formats")) &&
	    parse_format_claims(&ps, json_object_get(root, "format_claims")) &&
	    parse_firmware(&ps, json_object_get(root, "firmware_min")) &&
	    parse_waive(&ps, json_object_get(root, "waive"))) {
		finish(ps.p);
		*out = ps.p;
		ps.p = NULL;
	}
done:
	csra_policy_free(&ps.p);
	json_decref(root);
	return *out != NULL ? CSRA_OK : ps.code;
}

csra_err csra_policy_from_json(const char *json, size_t len, csra_policy **out, char *err,
    size_t errlen)
{
	return parse(json, len, NULL, out, err, errlen);
}

csra_err csra_policy_from_file(const char *path, csra_policy **out, char *err, size_t errlen)
{
	char shown_p[160], *buf = NULL, *dir = NULL;
	size_t len = 0;
	struct stat st;
	csra_err rc = CSRA_ERR_IO;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	*out = NULL;
	/* O_NONBLOCK: opening a FIFO must not hang; only regular files. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	const char *why = NULL;
	if (fd < 0 || fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why != NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", csra_shown(path, shown_p, sizeof(shown_p)), why);
		goto done;
	}
	buf = malloc(MAX_FILE + 1);
	if (buf == NULL) {
		rc = CSRA_ERR_NOMEM;
		goto done;
	}
	while (len <= MAX_FILE) {
		ssize_t n = read(fd, buf + len, MAX_FILE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: %s", csra_shown(path, shown_p, sizeof(shown_p)),
				    strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	const char *slash = strrchr(path, '/');
	if (slash != NULL) {
		size_t dl = slash == path ? 1 : (size_t)(slash - path);
		dir = strndup(path, dl);
		if (dir == NULL) {
			rc = CSRA_ERR_NOMEM;
			goto done;
		}
	}
	/* Without a slash the file is in the working directory, against which
	 * relative paths resolve anyway. */
	rc = parse(buf, len, dir, out, err, errlen);
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(dir);
	return rc;
}

csra_policy *csra_policy_cabf_csbr(void)
{
	csra_policy *p = NULL;
	parse(CABF_CSBR, sizeof(CABF_CSBR) - 1, NULL, &p, NULL, 0);
	return p;
}

/* Evaluation --------------------------------------------------------- */

typedef struct keydesc {
	int id;		/* EVP_PKEY_get_base_id */
	int bits;
	char group[64];	/* EC: OpenSSL's name; empty if explicit parameters */
	char text[96];	/* "RSA 2048 bits", "EC P-256", ... */
} keydesc;

static void describe_key(EVP_PKEY *k, const uint8_t *spki, size_t spki_len, keydesc *d)
{
	memset(d, 0, sizeof(*d));
	d->id = EVP_PKEY_get_base_id(k);
	d->bits = EVP_PKEY_get_bits(k);
	switch (d->id) {
	case EVP_PKEY_RSA:
		snprintf(d->text, sizeof(d->text), "RSA %d bits", d->bits);
		return;
	case EVP_PKEY_EC: {
		/* A named curve the SPKI gives is that; else both in one query:
		 * each costs a trip through the provider. */
		const char *named = csra_spki_named_curve(spki, spki_len);
		int expl = 0;
		OSSL_PARAM q[3] = {
			OSSL_PARAM_int(OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &expl),
			OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, d->group, sizeof(d->group)),
			OSSL_PARAM_END
		};
		int got = named != NULL ? snprintf(d->group, sizeof(d->group), "%s", named) > 0 :
		    EVP_PKEY_get_params(k, q) == 1;
		if (got && OSSL_PARAM_modified(&q[0]) && expl) {
			d->group[0] = '\0';
			snprintf(d->text, sizeof(d->text), "EC with explicit curve parameters");
			return;
		}
		if (!got || (named == NULL && !OSSL_PARAM_modified(&q[1]))) {
			d->group[0] = '\0';
			snprintf(d->text, sizeof(d->text), "EC on an unnamed curve");
			return;
		}
		for (size_t i = 0; i < sizeof(CURVES) / sizeof(CURVES[0]); i++) {
			if (strcmp(d->group, CURVES[i].group) == 0) {
				snprintf(d->text, sizeof(d->text), "EC %s", CURVES[i].spelled);
				return;
			}
		}
		snprintf(d->text, sizeof(d->text), "EC %s", d->group);
		return;
	}
	case EVP_PKEY_ED25519:
		snprintf(d->text, sizeof(d->text), "Ed25519");
		return;
	case EVP_PKEY_ED448:
		snprintf(d->text, sizeof(d->text), "Ed448");
		return;
	default: {
		const char *n = EVP_PKEY_get0_type_name(k);
		snprintf(d->text, sizeof(d->text), "%s %d bits", n ? n : "unknown type", d->bits);
		return;
	}
	}
}

static int alg_accepts(const alg *a, const keydesc *d)
{
	switch (a->kind) {
	case ALG_RSA: return d->id == EVP_PKEY_RSA && d->bits >= a->bits;
	case ALG_EC: return d->id == EVP_PKEY_EC && d->group[0] != '\0' && strcmp(d->group, a->group) == 0;
	case ALG_ED25519: return d->id == EVP_PKEY_ED25519;
	case ALG_ED448: return d->id == EVP_PKEY_ED448;
	}
	return 0;
}

static int eval_key(const csra_policy *p, EVP_PKEY *key, const uint8_t *spki, size_t spki_len,
    csra_result *r)
{
	const char *list = p->alg_list;
	keydesc d;
	int ok = p->nalgs == 0;
	if (key == NULL) {
		csra_result_add(r, "policy.key-algorithm", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_KEY_ALGORITHM, "",
		    "no request key; policy accepts %s", list);
		return 0;
	}
	describe_key(key, spki, spki_len, &d);
	for (size_t i = 0; i < p->nalgs && !ok; i++)
		ok = alg_accepts(&p->algs[i], &d);
	csra_result_add(r, "policy.key-algorithm", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    ok ? CSRA_OK : CSRA_ERR_POLICY_KEY_ALGORITHM, "", "%s; policy accepts %s", d.text, list);
	return ok;
}

typedef enum met {
	MET,
	ABSENT,
	WRONG
} met;

/* An INTEGER claim against an int64_t requirement, mathematically: a big
 * claim (outside int64_t) is below every bound when negative, above every
 * bound otherwise. */
static int int_meets(const req *q, const csra_stmt_claim *c)
{
	if (q->kind == REQ_INT)
		return !c->big && c->integer == q->integer;
	if (c->big)
		return c->negative ? !q->has_min : !q->has_max;
	return (!q->has_min || c->integer >= q->min) && (!q->has_max || c->integer <= q->max);
}

/* Whether the text |s|/|n| is the hex (either case) of |b|/|len|: a
 * policy names a bytes claim as the record shows it. */
static int hex_is(const char *s, size_t n, const uint8_t *b, size_t len)
{
	if (n != 2 * len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int hi = csra_hex_digit((unsigned char)s[2 * i]), lo = csra_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != b[i])
			return 0;
	}
	return 1;
}

static int value_ok(const req *q, const csra_stmt_claim *c)
{
	switch (q->kind) {
	case REQ_NONE: return 1;
	case REQ_BOOL: return c->type == CSRA_VALUE_BOOLEAN && c->boolean == q->boolean;
	case REQ_INT:
	case REQ_RANGE:
		return c->type == CSRA_VALUE_INTEGER && int_meets(q, c);
	case REQ_TEXT: {
		/* By length: "Trusted HSM Inc\0 (not really)" is not "Trusted HSM Inc". */
		size_t n = strlen(q->text);
		if (c->type == CSRA_VALUE_OCTETS)
			return hex_is(q->text, n, c->bytes, c->len);
		return c->type == CSRA_VALUE_UTF8 && c->text_len == n && memcmp(c->text, q->text, n) == 0;
	}
	}
	return 0;
}

/* Whether |o| meets |q|. A claim reported more than once must meet it
 * every time: a verifier's second, contradicting value must not be
 * ignored. |*bad| is the first claim that does not. */
static met check_req(const req *q, const csra_stmt_out *o, const csra_stmt_claim **first,
    const csra_stmt_claim **badc)
{
	*first = *badc = NULL;
	for (size_t i = 0; i < o->nclaims; i++) {
		const csra_stmt_claim *c = &o->claims[i];
		/* First letters rule out most pairs without a call. Whole
		 * names: a claim's is kept at its real length. */
		if (c->name[0] != q->name[0] || c->element[0] != q->element[0] ||
		    strcmp(c->element, q->element) != 0 || strcmp(c->name, q->name) != 0)
			continue;
		if (*first == NULL)
			*first = c;
		if (!value_ok(q, c) && *badc == NULL)
			*badc = c;
	}
	return *first == NULL ? ABSENT : *badc != NULL ? WRONG : MET;
}

static int meets_all(const reqset *set, const csra_stmt_out *o)
{
	const csra_stmt_claim *f, *b;
	for (size_t i = 0; i < set->n; i++)
		if (check_req(set->r[i], o, &f, &b) != MET)
			return 0;
	return 1;
}

static void req_str(const req *q, char *buf, size_t cap)
{
	char t[140];
	switch (q->kind) {
	case REQ_NONE:
		snprintf(buf, cap, "nothing");
		break;
	case REQ_BOOL:
		snprintf(buf, cap, "%s", q->boolean ? "true" : "false");
		break;
	case REQ_INT:
		snprintf(buf, cap, "%lld", (long long)q->integer);
		break;
	case REQ_TEXT:
		snprintf(buf, cap, "\"%s\"", csra_shown(q->text, t, sizeof(t)));
		break;
	case REQ_RANGE:
		if (q->has_min && q->has_max)
			snprintf(buf, cap, "%lld..%lld", (long long)q->min, (long long)q->max);
		else if (q->has_min)
			snprintf(buf, cap, "at least %lld", (long long)q->min);
		else
			snprintf(buf, cap, "at most %lld", (long long)q->max);
		break;
	}
}

static void claim_str(const csra_stmt_claim *c, char *buf, size_t cap)
{
	char t[140];
	switch (c->type) {
	case CSRA_VALUE_BOOLEAN:
		snprintf(buf, cap, "%s", c->boolean ? "true" : "false");
		break;
	case CSRA_VALUE_INTEGER:
		if (!c->big)
			snprintf(buf, cap, "%lld", (long long)c->integer);
		else if (csra_int_decimal(c->bytes, c->len, buf, cap) == NULL)
			snprintf(buf, cap, "an INTEGER of %zu octets, %s", c->len,
			    c->negative ? "below any bound" : "above any bound");
		break;
	case CSRA_VALUE_UTF8:
		snprintf(buf, cap, "\"%s\"", csra_shown(c->text, t, sizeof(t)));
		break;
	case CSRA_VALUE_OCTETS: {
		/* Hex, as the record shows it; a long value cut. */
		size_t n = c->len, k = 0;
		t[0] = '\0';
		if (n > (sizeof(t) - 4) / 2)
			n = (sizeof(t) - 4) / 2;
		for (size_t i = 0; i < n; i++)
			k += (size_t)snprintf(t + k, sizeof(t) - k, "%02x", c->bytes[i]);
		snprintf(buf, cap, "hex %s%s", t, n < c->len ? "..." : "");
		break;
	}
	default:
		snprintf(buf, cap, "a value of type %d", (int)c->type);
		break;
	}
}

static int of_type(const csra_policy_stmt *s, const stype *t)
{
	return t == NULL || (s->type != NULL && s->type_len == t->len && memcmp(s->type, t->der, t->len) == 0);
}

/* One claim check per requirement of |set|, against statement |idx|. */
static void report_claims(const reqset *set, const csra_policy_stmt *s, size_t idx, csra_result *r)
{
	char got[160];
	for (size_t i = 0; i < set->n; i++) {
		const req *q = set->r[i];
		const csra_stmt_claim *first, *badc;
		met m = check_req(q, s->out, &first, &badc);
		const char *path = q->path, *want = q->want;
		if (m == ABSENT) {
			csra_result_add(r, "policy.claim", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, path,
			    "statement %zu has no %s claim; required %s", idx, path, want);
		} else {
			claim_str(m == WRONG ? badc : first, got, sizeof(got));
			csra_result_add(r, "policy.claim", m == MET ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
			    m == MET ? CSRA_OK : CSRA_ERR_POLICY_CLAIM_VALUE, path,
			    "statement %zu: %s is %s; required %s", idx, path, got, want);
		}
	}
}

typedef enum fw {
	FW_NONE,	/* no floor for the format */
	FW_OK,
	FW_LOW,		/* below the floor */
	FW_ABSENT,	/* no swversion claim */
	FW_BAD		/* a swversion claim that is not a dotted numeric version */
} fw;

/* Whether statement |o| of format |kind| meets its firmware floor. Every
 * swversion claim must: a second, lower one must not be ignored. |*c| is
 * the claim that decided (the first failing one, or the first). */
static fw firmware_of(const csra_policy *p, const char *kind, const csra_stmt_out *o,
    const fwfloor **floor, const csra_stmt_claim **c)
{
	fw res = FW_ABSENT;
	*c = NULL;
	if ((*floor = find_floor(p, kind)) == NULL)
		return FW_NONE;
	for (size_t i = 0; o != NULL && i < o->nclaims; i++) {
		const csra_stmt_claim *x = &o->claims[i];
		version ver;
		if (strcmp(x->name, "swversion") != 0 || strcmp(x->element, "platform") != 0)
			continue;
		if (x->type != CSRA_VALUE_UTF8 || !version_parse(x->text, x->text_len, &ver)) {
			*c = x;
			return FW_BAD;
		}
		if (version_cmp(&ver, &(*floor)->min) < 0) {
			*c = x;
			return FW_LOW;
		}
		if (*c == NULL)
			*c = x;
		res = FW_OK;
	}
	return res;
}

/* policy.format and policy.firmware for every verified statement: one of
 * a format the policy does not count, or below its format's firmware
 * floor, does not count (eval_type), and says why here. */
static void eval_gates(const csra_policy *p, const csra_policy_input *in, csra_result *r)
{
	char path[48], got[160], kind[48];
	for (size_t i = 0; in->stmts != NULL && i < in->nstmts; i++) {
		const csra_policy_stmt *s = &in->stmts[i];
		if (s->out == NULL || !s->out->verified)
			continue;
		snprintf(path, sizeof(path), "statements[%zu]", i);
		csra_shown(s->kind != NULL ? s->kind : "(unknown)", kind, sizeof(kind));
		if (!format_counts(p, s->kind)) {
			/* Not counted, not failed: another statement may still
			 * meet the policy (policy.statement says if none does). */
			csra_result_add(r, "policy.format", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT, path,
			    "statement %zu is of format %s, which the policy does not count (it counts %s)",
			    i, kind, p->format_list);
			continue;
		}
		const fwfloor *floor;
		const csra_stmt_claim *c;
		fw f = firmware_of(p, s->kind, s->out, &floor, &c);
		if (f == FW_NONE)
			continue;
		if (c != NULL)
			claim_str(c, got, sizeof(got));
		if (f == FW_OK)
			csra_result_add(r, "policy.firmware", CSRA_STATUS_PASS, CSRA_OK, "platform.swversion",
			    "statement %zu (%s): firmware %s, at least %s", i, kind, got, floor->text);
		else if (f == FW_ABSENT)
			csra_result_add(r, "policy.firmware", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FIRMWARE,
			    "platform.swversion", "statement %zu (%s) has no platform.swversion claim; "
			    "firmware must be at least %s", i, kind, floor->text);
		else
			csra_result_add(r, "policy.firmware", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FIRMWARE,
			    "platform.swversion", "statement %zu (%s): firmware %s %s; must be at least %s", i,
			    kind, got, f == FW_LOW ? "is below the floor" : "is not a dotted numeric version",
			    floor->text);
	}
}

/* Evaluates one required type (|t|, or NULL for any): records
 * "policy.statement" and the claim checks. Returns 1 if met. */
static int eval_type(const csra_policy *p, const stype *t, const csra_policy_input *in,
    csra_result *r)
{
	char type[128], path[48], more[96] = "";
	size_t seen = 0, unverified = 0, unbound = 0, stale = 0, uncounted = 0, low = 0;
	size_t best = SIZE_MAX, sat = SIZE_MAX;
	const reqset *set = &p->generic;
	if (t == NULL)
		snprintf(type, sizeof(type), "any type");
	else if (!csra_oid_to_str(t->der, t->len, type, sizeof(type)))
		snprintf(type, sizeof(type), "(unprintable OID)");
	for (size_t i = 0; in->stmts != NULL && i < in->nstmts; i++) {
		const csra_policy_stmt *s = &in->stmts[i];
		if (!of_type(s, t))
			continue;
		seen++;
		if (s->out == NULL || !s->out->verified) {
			unverified++;
			continue;
		}
		if (!s->out->bound) {
			unbound++;
			continue;
		}
		/* With a nonce given, an unconfirmed statement could be an old
		 * one replayed: it counts only if its type is exempt. */
		if (in->have_nonce && s->out->freshness != CSRA_FRESHNESS_NONCE &&
		    !csra_policy_freshness_exempt(p, s->type, s->type_len, s->kind)) {
			stale++;
			continue;
		}
		/* eval_gates reported these. */
		if (!format_counts(p, s->kind)) {
			uncounted++;
			continue;
		}
		const fwfloor *floor;
		const csra_stmt_claim *c;
		fw f = firmware_of(p, s->kind, s->out, &floor, &c);
		if (f != FW_NONE && f != FW_OK) {
			low++;
			continue;
		}
		const reqset *own = reqs_for(p, s->kind);
		if (best == SIZE_MAX) {
			best = i;
			set = own;
		}
		if (meets_all(own, s->out)) {
			sat = i;
			set = own;
			break;
		}
	}
	if (best == SIZE_MAX) {
		/* Said only when it applies: the message's start is stable. */
		if (uncounted + low > 0)
			snprintf(more, sizeof(more), ", %zu of a format not counted, %zu below a firmware floor",
			    uncounted, low);
		csra_result_add(r, "policy.statement", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT, "",
		    "%s: no statement is verified, bound to the request key and fresh (of %zu: %zu not "
		    "verified, %zu bound to another key, %zu not confirmed fresh%s)",
		    type, seen, unverified, unbound, stale, more);
		return 0;
	}
	size_t idx = sat != SIZE_MAX ? sat : best;
	snprintf(path, sizeof(path), "statements[%zu]", idx);
	if (sat != SIZE_MAX)
		csra_result_add(r, "policy.statement", CSRA_STATUS_PASS, CSRA_OK, path,
		    "%s: statement %zu is verified, bound to the request key and meets all %zu claim "
		    "requirement(s)", type, idx, set->n);
	else
		csra_result_add(r, "policy.statement", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_UNMET, path,
		    "%s: statement %zu is verified and bound to the request key but does not meet the "
		    "claim requirements, nor does any other", type, idx);
	report_claims(set, &in->stmts[idx], idx, r);
	return sat != SIZE_MAX;
}

/* policy.freshness: whether the verification could show freshness at
 * all. Without a nonce nothing is fresh; "required" refuses that. */
static int eval_freshness(const csra_policy *p, const csra_policy_input *in, csra_result *r)
{
	if (in->have_nonce) {
		csra_result_add(r, "policy.freshness", CSRA_STATUS_PASS, CSRA_OK, "",
		    "a nonce was given: statements count only if their verifier confirmed it%s",
		    p->nexempt + p->nexempt_kinds ? " or the policy exempts their type or format" : "");
		return 1;
	}
	if (p->fresh_required) {
		csra_result_add(r, "policy.freshness", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_FRESHNESS, "",
		    "the policy requires freshness, and no nonce was given");
		return 0;
	}
	csra_result_add(r, "policy.freshness", CSRA_STATUS_SKIP, CSRA_OK, "",
	    "no nonce was given: freshness not established (the policy does not require it)");
	return 1;
}

int csra_policy_eval(const csra_policy *p, const csra_policy_input *in, csra_result *r)
{
	if (p == NULL || in == NULL || r == NULL)
		return 0;
	int ok = eval_key(p, in->request_key, in->request_spki, in->request_spki_len, r);
	ok = eval_freshness(p, in, r) && ok;
	eval_gates(p, in, r);
	if (p->ntypes == 0) {
		ok = eval_type(p, NULL, in, r) && ok;
	} else {
		for (size_t i = 0; i < p->ntypes; i++)
			ok = eval_type(p, &p->types[i], in, r) && ok;
	}
	return ok;
}

int csra_policy_waives(const csra_policy *p, const char *check)
{
	for (size_t i = 0; p != NULL && check != NULL && i < NWAIVABLE; i++)
		if (strcmp(WAIVABLE[i], check) == 0)
			return (p->waived >> i) & 1u;
	return 0;
}

/* Whether |registry| has a format named |name|. */
static int known_format(const csra_format *const *registry, const char *name)
{
	for (const csra_format *const *f = registry; *f != NULL; f++)
		if ((*f)->kind != NULL && strcmp((*f)->kind, name) == 0)
			return 1;
	return 0;
}

/* One policy.formats warning for |name| at |path|. */
static void unknown_format(const char *path, const char *name, csra_result *r)
{
	csra_result_add(r, "policy.formats", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT, path,
	    "no format named \"%s\" is known to this verifier: the entry matches no statement", name);
}

/* Every request runs this: the path is formatted only for a name that
 * warns (the built-in policy names six formats, all known). */
void csra_policy_check_formats(const csra_policy *p, const csra_format *const *registry,
    csra_result *r)
{
	char path[64];
	if (p == NULL || registry == NULL || r == NULL)
		return;
	for (size_t i = 0; i < p->nformats; i++) {
		if (known_format(registry, p->formats[i].s))
			continue;
		snprintf(path, sizeof(path), "formats[%zu]", i);
		unknown_format(path, p->formats[i].s, r);
	}
	for (size_t i = 0; i < p->nfclaims; i++) {
		if (known_format(registry, p->fclaims[i].name.s))
			continue;
		snprintf(path, sizeof(path), "format_claims.%s", p->fclaims[i].name.s);
		unknown_format(path, p->fclaims[i].name.s, r);
	}
	for (size_t i = 0; i < p->nfw; i++) {
		if (known_format(registry, p->fw[i].name.s))
			continue;
		snprintf(path, sizeof(path), "firmware_min.%s", p->fw[i].name.s);
		unknown_format(path, p->fw[i].name.s, r);
	}
	for (size_t i = 0; i < p->nexempt_kinds; i++) {
		if (known_format(registry, p->exempt_kinds[i].s))
			continue;
		snprintf(path, sizeof(path), "freshness_exempt[%zu]", p->exempt_kinds[i].at);
		unknown_format(path, p->exempt_kinds[i].s, r);
	}
	for (size_t i = 0; i < p->ntrust; i++) {
		if (p->trust[i].format == NULL || (i > 0 && p->trust[i - 1].format != NULL &&
		    strcmp(p->trust[i - 1].format, p->trust[i].format) == 0) ||
		    known_format(registry, p->trust[i].format))
			continue;
		snprintf(path, sizeof(path), "trust.%s", p->trust[i].format);
		unknown_format(path, p->trust[i].format, r);
	}
}
