/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_certbag.h"
#include "csra_codec_int.h"
#include "csra_stmt.h"

void csra_stmt_out_init(csra_stmt_out *out, size_t limit)
{
	memset(out, 0, sizeof(*out));
	out->limit = limit;
}

void csra_stmt_out_clear(csra_stmt_out *out)
{
	if (out == NULL)
		return;
	csra_chunks_free(&out->chunks);
	free(out->claims);
	free(out->keys);
	memset(out, 0, sizeof(*out));
}

/* |n| bytes from |out|'s chunks, or NULL. */
static char *chunk_alloc(csra_stmt_out *out, size_t n)
{
	return csra_chunk_alloc(&out->chunks, n);
}

static char *chunk_str(csra_stmt_out *out, const char *s, size_t n)
{
	char *p = chunk_alloc(out, n + 1);
	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Keeps the first refusal, with the claim it concerns. */
static csra_err refuse(csra_stmt_out *out, const char *element, const char *name, csra_err e)
{
	if (out->err == CSRA_OK) {
		out->err = e;
		snprintf(out->err_path, sizeof(out->err_path), "%s.%s", element ? element : "",
		    name ? name : "");
	}
	return e;
}

static int name_ok(const char *s)
{
	return s != NULL && s[0] != '\0' && strnlen(s, CSRA_STMT_MAX_NAME + 1) <= CSRA_STMT_MAX_NAME;
}

/* A new claim at the end of |out|, or NULL with the reason given to
 * refuse(). */
static csra_stmt_claim *next(csra_stmt_out *out, const char *element, const char *name,
    csra_err *e)
{
	size_t limit = out->limit ? out->limit : CSRA_STMT_DEFAULT_LIMIT;
	*e = CSRA_OK;
	if (!name_ok(element) || !name_ok(name))
		*e = CSRA_ERR_INVALID_ARGUMENT;
	else if (out->nclaims >= limit)
		*e = CSRA_ERR_LIMIT_CLAIMS;
	if (*e != CSRA_OK) {
		refuse(out, element, name, *e);
		return NULL;
	}
	if (out->nclaims == out->cap) {
		size_t cap = out->cap < 8 ? 16 : 2 * out->cap;
		if (cap > limit)
			cap = limit;
		csra_stmt_claim *grown = realloc(out->claims, cap * sizeof(*grown));
		if (grown == NULL) {
			*e = refuse(out, element, name, CSRA_ERR_NOMEM);
			return NULL;
		}
		out->claims = grown;
		out->cap = cap;
	}
	char *el = chunk_str(out, element, strlen(element));
	char *nm = el != NULL ? chunk_str(out, name, strlen(name)) : NULL;
	if (nm == NULL) {
		*e = refuse(out, element, name, CSRA_ERR_NOMEM);
		return NULL;
	}
	csra_stmt_claim *c = &out->claims[out->nclaims];
	memset(c, 0, sizeof(*c));
	c->element = el;
	c->name = nm;
	return c;
}

csra_err csra_stmt_add_bool(csra_stmt_out *out, const char *element, const char *name, int v)
{
	csra_err e;
	csra_stmt_claim *c = next(out, element, name, &e);
	if (c == NULL)
		return e;
	c->type = CSRA_VALUE_BOOLEAN;
	c->boolean = v != 0;
	out->nclaims++;
	return CSRA_OK;
}

csra_err csra_stmt_add_int(csra_stmt_out *out, const char *element, const char *name, int64_t v)
{
	csra_err e;
	csra_stmt_claim *c = next(out, element, name, &e);
	if (c == NULL)
		return e;
	c->type = CSRA_VALUE_INTEGER;
	c->integer = v;
	out->nclaims++;
	return CSRA_OK;
}

csra_err csra_stmt_add_bigint(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *twos, size_t n)
{
	/* Minimal: no leading 0x00 before a clear top bit, nor 0xff before a
	 * set one; equal values must have equal octets. */
	if (twos == NULL || n == 0 || (n > 1 && ((twos[0] == 0 && !(twos[1] & 0x80)) ||
	    (twos[0] == 0xff && (twos[1] & 0x80)))))
		return refuse(out, element, name, CSRA_ERR_INVALID_ARGUMENT);
	if (n > CSRA_STMT_MAX_INT_BYTES)
		return refuse(out, element, name, CSRA_ERR_EV_INTEGER_RANGE);
	if (n <= 8) {
		uint64_t u = (twos[0] & 0x80) ? UINT64_MAX : 0;
		for (size_t i = 0; i < n; i++)
			u = (u << 8) | twos[i];
		return csra_stmt_add_int(out, element, name, (int64_t)u);
	}
	csra_err e;
	csra_stmt_claim *c = next(out, element, name, &e);
	if (c == NULL)
		return e;
	uint8_t *b = (uint8_t *)chunk_alloc(out, n);
	if (b == NULL)
		return refuse(out, element, name, CSRA_ERR_NOMEM);
	memcpy(b, twos, n);
	c->type = CSRA_VALUE_INTEGER;
	c->big = 1;
	c->negative = (twos[0] & 0x80) != 0;
	c->integer = c->negative ? INT64_MIN : INT64_MAX;	/* saturated, for careless readers */
	c->bytes = b;
	c->len = n;
	out->nclaims++;
	return CSRA_OK;
}

csra_err csra_stmt_add_text(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *p, size_t n)
{
	/* Text is compared by length, but a C-string reader (a policy, a
	 * log) would still stop at U+0000 and see another vendor. */
	if (n != 0 && (p == NULL || memchr(p, 0, n) != NULL))
		return refuse(out, element, name, p == NULL ? CSRA_ERR_INVALID_ARGUMENT : CSRA_ERR_EV_CLAIM_NUL);
	csra_err e;
	csra_stmt_claim *c = next(out, element, name, &e);
	if (c == NULL)
		return e;
	char *t = chunk_str(out, n ? (const char *)p : "", n);
	if (t == NULL)
		return refuse(out, element, name, CSRA_ERR_NOMEM);
	c->type = CSRA_VALUE_UTF8;
	c->text = t;
	c->text_len = n;
	out->nclaims++;
	return CSRA_OK;
}

csra_err csra_stmt_add_bytes(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *p, size_t n)
{
	if (n != 0 && p == NULL)
		return refuse(out, element, name, CSRA_ERR_INVALID_ARGUMENT);
	csra_err e;
	csra_stmt_claim *c = next(out, element, name, &e);
	if (c == NULL)
		return e;
	/* One byte more, so that an empty value has an address too. */
	uint8_t *b = (uint8_t *)chunk_alloc(out, n + 1);
	if (b == NULL)
		return refuse(out, element, name, CSRA_ERR_NOMEM);
	if (n != 0)
		memcpy(b, p, n);
	c->type = CSRA_VALUE_OCTETS;
	c->bytes = b;
	c->len = n;
	out->nclaims++;
	return CSRA_OK;
}

int csra_stmt_refused(const csra_stmt_out *out, csra_result *r, const char *kind)
{
	if (out->err == CSRA_OK)
		return 0;
	char shown[80];
	csra_shown(out->err_path, shown, sizeof(shown));
	if (out->err == CSRA_ERR_LIMIT_CLAIMS)
		csra_result_add(r, "statement.claims", CSRA_STATUS_FAIL, CSRA_ERR_LIMIT_CLAIMS, shown,
		    "%s gave more than %zu claims (the limit); the statement is refused", kind,
		    out->limit ? out->limit : (size_t)CSRA_STMT_DEFAULT_LIMIT);
	else
		csra_result_add(r, "statement.claims", CSRA_STATUS_FAIL, out->err, shown,
		    "%s gave a claim csrattest refuses: %s", kind, csra_strerror(out->err));
	return 1;
}

/* Divides the big-endian base-256 magnitude |m|/|n| by |d| in place;
 * returns the remainder. */
static uint32_t div_small(uint8_t *m, size_t n, uint32_t d)
{
	uint64_t rem = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t cur = (rem << 8) | m[i];
		m[i] = (uint8_t)(cur / d);
		rem = cur % d;
	}
	return (uint32_t)rem;
}

char *csra_int_decimal(const uint8_t *twos, size_t n, char *buf, size_t cap)
{
	uint8_t m[CSRA_STMT_MAX_INT_BYTES];
	char tmp[3 * CSRA_STMT_MAX_INT_BYTES + 3];
	if (twos == NULL || n == 0 || n > CSRA_STMT_MAX_INT_BYTES)
		return NULL;
	int neg = (twos[0] & 0x80) != 0;
	memcpy(m, twos, n);
	if (neg) {
		/* The magnitude: invert and add one. */
		for (size_t i = 0; i < n; i++)
			m[i] = (uint8_t)~m[i];
		for (size_t i = n; i-- > 0;)
			if (++m[i] != 0)
				break;
	}
	size_t k = sizeof(tmp), lead = 0;
	tmp[--k] = '\0';
	for (;;) {
		while (lead < n && m[lead] == 0)
			lead++;
		if (lead == n)
			break;
		/* Nine digits a division. */
		uint32_t r = div_small(m + lead, n - lead, 1000000000u);
		int more = 0;
		for (size_t i = lead; i < n; i++)
			more |= m[i];
		for (int d = 0; d < 9 && (more || r != 0); d++) {
			tmp[--k] = (char)('0' + r % 10);
			r /= 10;
		}
	}
	if (tmp[k] == '\0')
		tmp[--k] = '0';
	if (neg)
		tmp[--k] = '-';
	size_t len = sizeof(tmp) - 1 - k;
	if (len + 1 > cap)
		return NULL;
	memcpy(buf, tmp + k, len + 1);
	return buf;
}

const csra_stmt_claim *csra_stmt_find(const csra_stmt_out *out, const char *element,
    const char *name)
{
	for (size_t i = 0; i < out->nclaims; i++)
		if (strcmp(out->claims[i].element, element) == 0 && strcmp(out->claims[i].name, name) == 0)
			return &out->claims[i];
	return NULL;
}

csra_err csra_stmt_add_key(csra_stmt_out *out, const uint8_t *spki, size_t len)
{
	if (spki == NULL || len == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	size_t limit = out->limit ? out->limit : CSRA_STMT_DEFAULT_LIMIT;
	if (out->nkeys + out->nclaims >= limit)
		return CSRA_ERR_LIMIT_CLAIMS;
	if (out->nkeys == out->keys_cap) {
		size_t cap = out->keys_cap ? 2 * out->keys_cap : 2;
		struct csra_stmt_key *k = realloc(out->keys, cap * sizeof(*k));
		if (k == NULL)
			return CSRA_ERR_NOMEM;
		out->keys = k, out->keys_cap = cap;
	}
	uint8_t *copy = (uint8_t *)chunk_alloc(out, len);
	if (copy == NULL)
		return CSRA_ERR_NOMEM;
	memcpy(copy, spki, len);
	out->keys[out->nkeys].spki = copy;
	out->keys[out->nkeys].len = len;
	out->nkeys++;
	return CSRA_OK;
}

int csra_stmt_unverified(csra_stmt_out *out, csra_result *child)
{
	out->verified = 0;
	out->bound = 0;
	return csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
	    "binding not checked: the attestation did not verify");
}

int csra_stmt_bind(const csra_stmt_in *in, csra_stmt_out *out, csra_result *child)
{
	out->bound = 0;
	if (!out->verified) {
		csra_stmt_unverified(out, child);
		return 0;
	}
	if (in->request_spki == NULL) {
		csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "no key to bind to: the attestation was verified on its own (%zu attested key(s))",
		    out->nkeys);
		return 0;
	}
	for (size_t i = 0; i < out->nkeys; i++) {
		if (csra_same(out->keys[i].spki, out->keys[i].len, in->request_spki, in->request_spki_len)) {
			out->bound = 1;
			csra_result_add(child, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, "",
			    "attested key %zu is the request key (spki byte-equal)", i);
			return 1;
		}
	}
	csra_result_add(child, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, "",
	    "none of the %zu attested key(s) is the request key", out->nkeys);
	return 0;
}

csra_err csra_stmt_certbag(const csra_verifier *v, const csra_stmt_in *in, csra_certbag *b,
    char *why, size_t why_len)
{
	if (in->bag != NULL) {
		*b = *in->bag;
		return CSRA_OK;
	}
	size_t max = csra_verifier_limit(v, CSRA_LIMIT_CERTS);
	return csra_certbag_read_v(v, in->stmt, in->stmt_len, max < SIZE_MAX ? max + 1 : max, b, why, why_len);
}

void csra_stmt_certbag_done(const csra_stmt_in *in, csra_certbag *b)
{
	if (in->bag == NULL)
		csra_certbag_clear(b);
	else
		memset(b, 0, sizeof(*b));
}

csra_err csra_stmt_part_certbag(const csra_verifier *v, const csra_stmt_in *in, const uint8_t *p, size_t len,
    csra_certbag *b, int *borrowed, char *why, size_t why_len)
{
	*borrowed = 0;
	for (size_t i = 0; in->part_bags != NULL && i < in->nparts; i++)
		if (in->parts[i] == p && in->part_lens[i] == len && in->part_bags[i] != NULL) {
			*b = *in->part_bags[i];
			*borrowed = 1;
			return CSRA_OK;
		}
	csra_stmt_in one = *in;
	one.stmt = p, one.stmt_len = len, one.bag = NULL;
	return csra_stmt_certbag(v, &one, b, why, why_len);
}

void csra_stmt_part_certbag_done(csra_certbag *b, int borrowed)
{
	if (borrowed)
		memset(b, 0, sizeof(*b));
	else
		csra_certbag_clear(b);
}

int csra_format_open_bag(const csra_verifier *v, const char *kind, const csra_stmt_in *in, csra_result *r,
    csra_certbag *b, csra_err *err)
{
	char why[160], name[48];
	size_t max = csra_verifier_limit(v, CSRA_LIMIT_CERTS);
	snprintf(name, sizeof(name), "%s.decode", kind);
	csra_err e = *err = csra_stmt_certbag(v, in, b, why, sizeof(why));
	if (e == CSRA_ERR_NOMEM)
		return 0;
	int ok = e == CSRA_OK && csra_within_limit(v, r, CSRA_LIMIT_CERTS, b->n, "certs");
	/* Past the read's own cap: over the limit too, whatever the count. */
	if (e == CSRA_ERR_FMT_MALFORMED && strncmp(why, "more than ", 10) == 0)
		(void)csra_within_limit(v, r, CSRA_LIMIT_CERTS, max < SIZE_MAX ? max + 1 : max, "certs");
	else if (e != CSRA_OK)
		csra_result_add(r, name, CSRA_STATUS_FAIL, e == CSRA_ERR_INPUT_EMPTY ? e : CSRA_ERR_FMT_MALFORMED,
		    "", "not a certificate bag: %s", why);
	else if (ok && b->quirks != 0)
		ok = csra_result_add(r, name, CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "",
		    "the PKCS#7 envelope is not DER (%s)", (b->quirks & CSRA_CERTBAG_UNSORTED_SET) ?
		    "certificates out of SET OF order" : "it carries CRLs") && 0;
	else if (ok)
		csra_result_add(r, name, CSRA_STATUS_PASS, CSRA_OK, "", "%zu certificate(s)%s",
		    b->n, b->pkcs7 ? " in a certs-only PKCS#7" : "");
	return ok;
}

int csra_certbag_leaf(const csra_certbag *b, int *leaf, int *issuer)
{
	int li = -1, ii = -1, nleaves = 0;
	for (size_t i = 0; i < b->n; i++) {
		X509 *c = sk_X509_value(b->certs, (int)i);
		int issues = 0;
		for (size_t j = 0; j < b->n && !issues; j++)
			issues = j != i && X509_NAME_cmp(X509_get_subject_name(c),
			    X509_get_issuer_name(sk_X509_value(b->certs, (int)j))) == 0;
		if (!issues && nleaves++ == 0)
			li = (int)i;
	}
	if (nleaves != 1) {
		*leaf = *issuer = -1;
		return -1;
	}
	X509 *l = sk_X509_value(b->certs, li);
	for (size_t j = 0; j < b->n; j++)
		if ((int)j != li && X509_NAME_cmp(X509_get_subject_name(sk_X509_value(b->certs, (int)j)),
		    X509_get_issuer_name(l)) == 0)
			ii = ii < 0 ? (int)j : -2;
	*leaf = li;
	*issuer = ii;
	return ii >= 0 ? 1 : ii == -2 ? -2 : 0;
}
