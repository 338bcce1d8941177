/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Claims files (csra_attester_load_claims): platform and key claims as
 * JSON, for Evidence made without a device to observe and for what an
 * operator declares. Everything is checked before anything is applied, so
 * a bad file leaves the attester as it was.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "csra_codec_int.h"
#include "csrattest/attest.h"

struct pending {
	csra_element el;
	const char *key_id;	/* into the JSON document */
	csra_claim claim;
	csra_claim_value v;	/* v.bytes malloc'd */
};

struct load {
	struct pending *p;
	size_t n, cap;
	char *err;
	size_t err_len;
	int warned;
	char warn[400];		/* the first warning, given back in |err| on success */
};

static csra_err bad(struct load *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static csra_err bad(struct load *l, const char *fmt, ...)
{
	if (l->err != NULL && l->err_len > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->err, l->err_len, fmt, ap);
		va_end(ap);
	}
	return CSRA_ERR_CLAIMS_FILE;
}

static const char *const purpose_names[] = {
	"encrypt", "decrypt", "wrap", "unwrap", "sign", "sign-recover", "verify", "verify-recover", "derive"
};

/* Octets: a string is its UTF-8 bytes; {"hex": ".."} or {"base64": ".."}. */
static csra_err octets(struct load *l, json_t *j, const char *where, csra_claim_value *v)
{
	const char *s;
	size_t n;
	if (json_is_string(j)) {
		s = json_string_value(j);
		n = json_string_length(j);
		uint8_t *b = malloc(n ? n : 1);
		if (b == NULL)
			return CSRA_ERR_NOMEM;
		memcpy(b, s, n);
		v->bytes = b;
		v->len = n;
		return CSRA_OK;
	}
	json_t *hex = json_object_get(j, "hex"), *b64 = json_object_get(j, "base64");
	if (!json_is_object(j) || json_object_size(j) != 1 || (!json_is_string(hex) && !json_is_string(b64)))
		return bad(l, "%s: expected a string, {\"hex\": ...} or {\"base64\": ...}", where);
	s = json_string_value(hex ? hex : b64);
	n = strlen(s);
	uint8_t *b = malloc(n + 1);
	if (b == NULL)
		return CSRA_ERR_NOMEM;
	size_t len = 0;
	if (hex) {
		if (!csra_hex_decode(s, n, b)) {
			free(b);
			return bad(l, "%s: not hexadecimal", where);
		}
		len = n / 2;
	} else if (!csra_base64_decode(s, n, b, &len)) {
		free(b);
		return bad(l, "%s: not base64", where);
	}
	v->bytes = b;
	v->len = len;
	return CSRA_OK;
}

static csra_err value(struct load *l, const csra_claim_info *info, json_t *j, const char *where,
    csra_claim_value *v)
{
	memset(v, 0, sizeof(*v));
	v->type = info->type;
	switch (info->type) {
	case CSRA_VALUE_BOOLEAN:
		if (!json_is_boolean(j))
			return bad(l, "%s: expected true or false", where);
		v->boolean = json_is_true(j);
		return CSRA_OK;
	case CSRA_VALUE_INTEGER:
		if (!json_is_integer(j))
			return bad(l, "%s: expected an integer", where);
		v->integer = (int64_t)json_integer_value(j);
		return CSRA_OK;
	case CSRA_VALUE_UTF8: {
		if (!json_is_string(j))
			return bad(l, "%s: expected a string", where);
		size_t n = json_string_length(j);
		if (memchr(json_string_value(j), 0, n) != NULL)
			return bad(l, "%s: NUL in a string", where);
		return octets(l, j, where, v);
	}
	case CSRA_VALUE_OCTETS:
		return octets(l, j, where, v);
	case CSRA_VALUE_TIME:
		if (!json_is_string(j) || !csra_utc_parse(json_string_value(j), json_string_length(j), &v->time))
			return bad(l, "%s: expected a UTC time like \"2027-01-31T00:00:00Z\"", where);
		return CSRA_OK;
	case CSRA_VALUE_PURPOSES: {
		if (!json_is_array(j))
			return bad(l, "%s: expected a list of capability names", where);
		size_t i;
		json_t *e;
		json_array_foreach(j, i, e) {
			size_t k = 0;
			for (; k < sizeof(purpose_names) / sizeof(purpose_names[0]); k++)
				if (json_is_string(e) && strcmp(json_string_value(e), purpose_names[k]) == 0)
					break;
			if (k == sizeof(purpose_names) / sizeof(purpose_names[0]))
				return bad(l, "%s[%zu]: not a capability (encrypt, decrypt, wrap, unwrap, sign, "
				    "sign-recover, verify, verify-recover, derive)", where, i);
			v->purposes |= 1u << k;
		}
		return CSRA_OK;
	}
	}
	return bad(l, "%s: unsupported claim", where);
}

/* The claim |name| of element |el|; an old spelling is noted in |l| for
 * the warning. */
static csra_claim claim_named(struct load *l, const char *name, csra_element el, const char *where)
{
	int old;
	csra_claim c = csra_claim_from_name(name, &old);
	const csra_claim_info *info = csra_claim_get(c);
	if (info == NULL || info->element != el)
		return CSRA_CLAIM_UNKNOWN;
	if (old && !l->warned) {
		l->warned = 1;
		snprintf(l->warn, sizeof(l->warn), "%.160s: \"debugstat\" is the old name of \"%s\" "
		    "(the draft's); read as %s, but the old name goes in the next release", where,
		    info->name, info->name);
	}
	return c;
}

static csra_err push(struct load *l, csra_element el, const char *key_id, csra_claim c, json_t *j,
    const char *where)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct pending *n = realloc(l->p, cap * sizeof(*n));
		if (n == NULL)
			return CSRA_ERR_NOMEM;
		l->p = n;
		l->cap = cap;
	}
	struct pending *p = &l->p[l->n];
	p->el = el;
	p->key_id = key_id;
	p->claim = c;
	csra_err e = value(l, csra_claim_get(c), j, where, &p->v);
	if (e == CSRA_OK)
		l->n++;
	else
		free((void *)p->v.bytes);
	return e;
}

/* Reads one element's claims object |o| at |path|. */
static csra_err claims(struct load *l, json_t *o, csra_element el, const char *key_id, const char *path)
{
	const char *name;
	json_t *j;
	char where[160];
	json_object_foreach(o, name, j) {
		snprintf(where, sizeof(where), "%s.%s", path, name);
		if (el == CSRA_ELEMENT_KEY && strcmp(name, "identifier") == 0)
			continue;
		csra_claim c = claim_named(l, name, el, where);
		if (c == CSRA_CLAIM_UNKNOWN)
			return bad(l, "%s: not a %s claim of the draft", where, el == CSRA_ELEMENT_KEY ? "key" : "platform");
		csra_err e = push(l, el, key_id, c, j, where);
		if (e != CSRA_OK)
			return e;
	}
	return CSRA_OK;
}

static csra_err parse(struct load *l, json_t *root)
{
	if (!json_is_object(root))
		return bad(l, "$: expected an object");
	const char *name;
	json_t *j;
	json_object_foreach(root, name, j) {
		if (strcmp(name, "platform") != 0 && strcmp(name, "keys") != 0)
			return bad(l, "$.%s: unknown member (platform, keys)", name);
	}
	json_t *pl = json_object_get(root, "platform"), *keys = json_object_get(root, "keys");
	csra_err e;
	if (pl != NULL && (!json_is_object(pl) ||
	    (e = claims(l, pl, CSRA_ELEMENT_PLATFORM, NULL, "$.platform")) != CSRA_OK))
		return pl != NULL && !json_is_object(pl) ? bad(l, "$.platform: expected an object") : e;
	if (keys != NULL && !json_is_array(keys))
		return bad(l, "$.keys: expected a list");
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		char path[64];
		snprintf(path, sizeof(path), "$.keys[%zu]", i);
		json_t *id = json_object_get(k, "identifier");
		if (!json_is_object(k) || !json_is_string(id) || json_string_length(id) == 0 ||
		    memchr(json_string_value(id), 0, json_string_length(id)) != NULL)
			return bad(l, "%s: expected an object with a non-empty \"identifier\" string", path);
		for (size_t m = 0; m < i; m++)
			if (strcmp(json_string_value(json_object_get(json_array_get(keys, m), "identifier")),
			    json_string_value(id)) == 0)
				return bad(l, "%s.identifier: used by $.keys[%zu] too", path, m);
		if ((e = claims(l, k, CSRA_ELEMENT_KEY, json_string_value(id), path)) != CSRA_OK)
			return e;
		/* A key with no other claim still exists. */
		if ((e = push(l, CSRA_ELEMENT_KEY, json_string_value(id), CSRA_CLAIM_KEY_IDENTIFIER, id,
		    path)) != CSRA_OK)
			return e;
	}
	return CSRA_OK;
}

/* Finds or adds the key |id| in |a|. */
static csra_err key_index(csra_attester *a, const char *id, size_t *k)
{
	if (csra_attester_find_key(a, id, strlen(id), k))
		return CSRA_OK;
	return csra_attester_add_key(a, id, strlen(id), k);
}

csra_err csra_attester_load_claims(csra_attester *a, const char *json, size_t len,
    csra_claim_source src, char *err, size_t err_len)
{
	if (err != NULL && err_len > 0)
		err[0] = '\0';
	if (a == NULL || json == NULL || (src != CSRA_SOURCE_OBSERVED && src != CSRA_SOURCE_DECLARED))
		return CSRA_ERR_INVALID_ARGUMENT;
	struct load l = { NULL, 0, 0, err, err_len, 0, "" };
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	csra_err e;
	if (root == NULL)
		e = bad(&l, "line %d, column %d: %s", je.line, je.column, je.text);
	else
		e = parse(&l, root);
	/* A declaration never replaces an observation. */
	for (size_t i = 0; e == CSRA_OK && src == CSRA_SOURCE_DECLARED && i < l.n; i++) {
		const struct pending *p = &l.p[i];
		csra_claim_source held;
		size_t k;
		int observed = p->el == CSRA_ELEMENT_PLATFORM ?
		    csra_attester_get_platform(a, p->claim, NULL, &held) && held == CSRA_SOURCE_OBSERVED :
		    csra_attester_find_key(a, p->key_id, strlen(p->key_id), &k) &&
		    csra_attester_get_key(a, k, p->claim, NULL, &held) && held == CSRA_SOURCE_OBSERVED;
		if (observed)
			e = p->el == CSRA_ELEMENT_PLATFORM ?
			    bad(&l, "$.platform.%s: the device reports this claim; a declaration cannot replace it",
			    csra_claim_get(p->claim)->name) :
			    bad(&l, "key %s: %s: the device reports this claim; a declaration cannot replace it",
			    p->key_id, csra_claim_get(p->claim)->name);
	}
	for (size_t i = 0; e == CSRA_OK && i < l.n; i++) {
		struct pending *p = &l.p[i];
		size_t k;
		if (p->el == CSRA_ELEMENT_PLATFORM)
			e = csra_attester_set_platform(a, p->claim, &p->v, src);
		else if ((e = key_index(a, p->key_id, &k)) == CSRA_OK && p->claim != CSRA_CLAIM_KEY_IDENTIFIER)
			e = csra_attester_set_key(a, k, p->claim, &p->v, src);
	}
	for (size_t i = 0; i < l.n; i++)
		free((void *)l.p[i].v.bytes);
	free(l.p);
	json_decref(root);
	if (e == CSRA_OK && l.warned && err != NULL && err_len > 0)
		snprintf(err, err_len, "%s", l.warn);
	return e;
}
