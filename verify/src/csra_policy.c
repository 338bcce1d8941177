/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policies: which request keys are acceptable, which statement types must
 * vouch for them, what their claims must say, and the trust anchors per
 * statement type. Parsed from JSON (docs/policy.md); the built-in
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

typedef enum req_kind {
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
	stype type;
	char *path;
} trust;

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
	stype *exempt;		/* freshness_exempt */
	size_t nexempt;
};

/* The built-in profile: CA/B Code Signing BR 6.2.7.4.2 method 2 (a key
 * generated and kept in a FIPS 140-2 level 2+ module) and 6.1.5.2 (RSA
 * 3072+ or ECDSA on the NIST curves). */
static const char CABF_CSBR[] =
    "{\"name\": \"cabf-csbr\","
    " \"claims\": {"
    "  \"key\": {\"extractable\": false, \"never-extractable\": true,"
    "            \"sensitive\": true, \"local\": true},"
    "  \"platform\": {\"fipsboot\": true, \"fipslevel\": {\"min\": 2}}},"
    " \"key_algorithms\": [\"rsa:3072\", \"ec:P-256\", \"ec:P-384\", \"ec:P-521\"]}";

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
	for (size_t i = 0; i < p->ntrust; i++)
		free(p->trust[i].path);
	free(p->trust);
	free(p->reqs);
	free(p->algs);
	free(p->ak_ekus[0]);
	free(p->ak_ekus[1]);
	free(p->exempt);
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

/* "freshness_exempt": statement types that count without confirmed
 * freshness, for formats that cannot carry a nonce. */
static int parse_exempt(parser *ps, json_t *v)
{
	return parse_oid_list(ps, "freshness_exempt", v, NULL, &ps->p->exempt, &ps->p->nexempt);
}

int csra_policy_freshness_exempt(const csra_policy *p, const uint8_t *type, size_t type_len)
{
	for (size_t i = 0; p != NULL && i < p->nexempt; i++)
		if (p->exempt[i].len == type_len && memcmp(p->exempt[i].der, type, type_len) == 0)
			return 1;
	return 0;
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
		snprintf(path, sizeof(path), "trust.%s", key);
		if (!parse_oid(ps, path, key, &t))
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
			tr->path = resolve(ps->base, json_string_value(e));
			if (tr->path == NULL)
				return nomem(ps);
			ps->p->ntrust++;
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

static int parse_req(parser *ps, const char *element, const char *name, json_t *v)
{
	char path[160];
	req *q = &ps->p->reqs[ps->p->nreqs];
	snprintf(path, sizeof(path), "claims.%s.%s", element, name);
	if (name[0] == '\0' || strlen(name) >= sizeof(q->name))
		return bad(ps, path, "claim names are 1 to %zu bytes", sizeof(q->name) - 1);
	memset(q, 0, sizeof(*q));
	strcpy(q->element, element);	/* one of three known names */
	/* The old spelling of the draft's dbgstat would never match a claim:
	 * read as the draft's name for one release (docs/policy.md). */
	strcpy(q->name, strcmp(element, "platform") == 0 && strcmp(name, "debugstat") == 0 ? "dbgstat"
	    : name);
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
	ps->p->nreqs++;
	return 1;
}

static int parse_claims(parser *ps, json_t *v)
{
	char path[128];
	const char *elem, *name;
	json_t *obj, *x;
	if (v == NULL)
		return 1;
	if (!json_is_object(v))
		return bad(ps, "claims", "must be an object");
	size_t total = 0;
	json_object_foreach(v, elem, obj) {
		snprintf(path, sizeof(path), "claims.%s", elem);
		if (strcmp(elem, "key") != 0 && strcmp(elem, "platform") != 0 &&
		    strcmp(elem, "transaction") != 0)
			return bad(ps, path, "unknown element (key, platform or transaction)");
		if (!json_is_object(obj))
			return bad(ps, path, "must be an object");
		if (json_object_size(obj) > MAX_LIST)
			return bad(ps, path, "more than %d claims", MAX_LIST);
		total += json_object_size(obj);
	}
	if (total == 0)
		return 1;
	ps->p->reqs = calloc(total, sizeof(req));
	if (ps->p->reqs == NULL)
		return nomem(ps);
	json_object_foreach(v, elem, obj) {
		json_object_foreach(obj, name, x) {
			if (!parse_req(ps, elem, name, x))
				return 0;
		}
	}
	return 1;
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
	for (size_t i = 0; i < p->nreqs; i++) {
		req *q = &p->reqs[i];
		char name[48];
		/* A claim name is any 1 to 39 bytes: shown like the values. */
		snprintf(q->path, sizeof(q->path), "%s.%s", q->element,
		    csra_shown(q->name, name, sizeof(name)));
		req_str(q, q->want, sizeof(q->want));
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
		    strcmp(k, "freshness") != 0 && strcmp(k, "freshness_exempt") != 0) {
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
	    parse_exempt(&ps, json_object_get(root, "freshness_exempt"))) {
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

static int meets_all(const csra_policy *p, const csra_stmt_out *o)
{
	const csra_stmt_claim *f, *b;
	for (size_t i = 0; i < p->nreqs; i++)
		if (check_req(&p->reqs[i], o, &f, &b) != MET)
			return 0;
	return 1;
}

static void req_str(const req *q, char *buf, size_t cap)
{
	char t[140];
	switch (q->kind) {
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

/* One claim check per requirement, against statement |idx|. */
static void report_claims(const csra_policy *p, const csra_policy_stmt *s, size_t idx, csra_result *r)
{
	char got[160];
	for (size_t i = 0; i < p->nreqs; i++) {
		const req *q = &p->reqs[i];
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

/* Evaluates one required type (|t|, or NULL for any): records
 * "policy.statement" and the claim checks. Returns 1 if met. */
static int eval_type(const csra_policy *p, const stype *t, const csra_policy_input *in,
    csra_result *r)
{
	char type[128], path[48];
	size_t seen = 0, unverified = 0, unbound = 0, stale = 0, best = SIZE_MAX, sat = SIZE_MAX;
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
		    !csra_policy_freshness_exempt(p, s->type, s->type_len)) {
			stale++;
			continue;
		}
		if (best == SIZE_MAX)
			best = i;
		if (meets_all(p, s->out)) {
			sat = i;
			break;
		}
	}
	if (best == SIZE_MAX) {
		csra_result_add(r, "policy.statement", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT, "",
		    "%s: no statement is verified, bound to the request key and fresh (of %zu: %zu not "
		    "verified, %zu bound to another key, %zu not confirmed fresh)",
		    type, seen, unverified, unbound, stale);
		return 0;
	}
	size_t idx = sat != SIZE_MAX ? sat : best;
	snprintf(path, sizeof(path), "statements[%zu]", idx);
	if (sat != SIZE_MAX)
		csra_result_add(r, "policy.statement", CSRA_STATUS_PASS, CSRA_OK, path,
		    "%s: statement %zu is verified, bound to the request key and meets all %zu claim "
		    "requirement(s)", type, idx, p->nreqs);
	else
		csra_result_add(r, "policy.statement", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_UNMET, path,
		    "%s: statement %zu is verified and bound to the request key but does not meet the "
		    "claim requirements, nor does any other", type, idx);
	report_claims(p, &in->stmts[idx], idx, r);
	return sat != SIZE_MAX;
}

/* policy.freshness: whether the verification could show freshness at
 * all. Without a nonce nothing is fresh; "required" refuses that. */
static int eval_freshness(const csra_policy *p, const csra_policy_input *in, csra_result *r)
{
	if (in->have_nonce) {
		csra_result_add(r, "policy.freshness", CSRA_STATUS_PASS, CSRA_OK, "",
		    "a nonce was given: statements count only if their verifier confirmed it%s",
		    p->nexempt ? " or the policy exempts their type" : "");
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
	/* No policy waives anything yet. */
	(void)p, (void)check;
	return 0;
}
