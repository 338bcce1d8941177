/* SPDX-License-Identifier: BSD-2-Clause */
/* The verification result: every check run, typed claims, signers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "csra_stmt.h"
#include "csrattest/version.h"
#include "csra_fastlink.h"
#include "csra_verify_int.h"

static void msgs_free(csra_result *r);

csra_result *csra_result_new(void)
{
	return calloc(1, sizeof(csra_result));
}

void csra_result_set_md(csra_result *r, const csra_verifier *v)
{
	if (r->sha256 == NULL && v->sha256 != NULL && EVP_MD_up_ref(v->sha256))
		r->sha256 = v->sha256;
}

/* The SHA-256 of the verifier that made |r|, in its library context; a
 * result made otherwise (tests) has OpenSSL's default one. */
static const EVP_MD *result_md(const csra_result *r)
{
	return r->sha256 != NULL ? r->sha256 : EVP_sha256();
}

void csra_result_free(csra_result **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	csra_result *r = *rp;
	csra_chunks_free(&r->strs);
	msgs_free(r);
	free(r->checks);
	free(r->claims);
	free(r->elements);
	for (size_t i = 0; i < r->nsigners; i++) {
		struct csra_signer_rec *s = &r->signers[i];
		sk_X509_pop_free(s->chain, X509_free);
		EVP_PKEY_free(s->key);
		for (int k = 0; k < s->nders; k++)
			free(s->ders[k]);
		sk_X509_pop_free(s->upper, X509_free);
		sk_X509_pop_free(atomic_load_explicit(&s->lazy, memory_order_acquire), X509_free);
		free(s->propq);
	}
	free(r->signers);
	for (size_t i = 0; i < r->nchildren; i++)
		csra_result_free(&r->children[i]);
	free(r->children);
	free(r->kind);
	free(r->type_oid);
	free(r->type_name);
	EVP_MD_free(r->sha256);
	csra_stmt_out_clear(r->stmt);
	free(r->stmt);
	free(r->policy);
	free(r->request_format);
	csra_decoded_free(&r->decoded);
	csra_decoded_free(&r->input);
	free(r);
	*rp = NULL;
}

/* Chunks start small and double: a request's statement results record a
 * few checks each, and a hostile request may hold many statements; a
 * verification records some forty checks, and a malloc and free for each
 * showed in its profile. */
char *csra_chunk_alloc(struct csra_strchunk **head, size_t n)
{
	struct csra_strchunk *c = *head;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = c == NULL ? 512 : c->cap < 2048 ? c->cap * 2 : 4096;
		if (cap < n)
			cap = n;
		if (cap > SIZE_MAX - sizeof(*c) || (c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = *head;
		c->used = 0;
		c->cap = cap;
		*head = c;
	}
	char *p = c->data + c->used;
	c->used += n;
	return p;
}

void csra_chunks_free(struct csra_strchunk **head)
{
	while (*head != NULL) {
		struct csra_strchunk *next = (*head)->next;
		free(*head);
		*head = next;
	}
}

void csra_result_take_checks(csra_result *to, csra_result *from)
{
	free(to->checks);
	msgs_free(to);
	msgs_free(from);	/* for |from|'s checks, which |to| now has */
	to->checks = from->checks, from->checks = NULL;
	to->nchecks = from->nchecks, from->nchecks = 0;
	to->cap = from->cap, from->cap = 0;
	struct csra_strchunk **tail = &to->strs;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = from->strs, from->strs = NULL;
}

/* Checks as data ------------------------------------------------------- */

/* A conversion of a message template, as both recording and formatting
 * read it: they walk the template alike, so the arguments line up. */
struct conv {
	size_t len;		/* from the '%' on */
	const char *flags;
	size_t nflags;
	const char *width, *prec;	/* digits, or "*"; NULL: none */
	size_t nwidth, nprec;
	enum { L_NONE, L_HH, L_H, L_L, L_LL, L_J, L_Z, L_T, L_BAD } lm;
	char c;			/* the conversion; 0: unsupported */
};

/* Parses the conversion at |f| (a '%'); c->c is 0 when it is not one
 * csra_result_add takes. */
static void parse_conv(const char *f, struct conv *c)
{
	const char *p = f + 1;
	memset(c, 0, sizeof(*c));
	c->flags = p;
	while (*p != '\0' && strchr("-+ #0", *p) != NULL)
		p++;
	c->nflags = (size_t)(p - c->flags);
	if (*p == '*') {
		c->width = p++, c->nwidth = 1;
	} else if (*p >= '1' && *p <= '9') {
		for (c->width = p; *p >= '0' && *p <= '9'; p++)
			c->nwidth++;
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			c->prec = p++, c->nprec = 1;
		} else {
			for (c->prec = p; *p >= '0' && *p <= '9'; p++)
				c->nprec++;
		}
	}
	if (p[0] == 'h' && p[1] == 'h')
		c->lm = L_HH, p += 2;
	else if (p[0] == 'l' && p[1] == 'l')
		c->lm = L_LL, p += 2;
	else if (*p == 'h' || *p == 'l' || *p == 'j' || *p == 'z' || *p == 't' || *p == 'L')
		c->lm = *p == 'h' ? L_H : *p == 'l' ? L_L : *p == 'j' ? L_J : *p == 'z' ? L_Z
		    : *p == 't' ? L_T : L_BAD, p++;
	c->len = (size_t)(p - f) + (*p != '\0');
	/* Bounded so that the rebuilt conversion fits its buffer (fmt_conv). */
	if (c->nflags > 5 || c->nwidth > 9 || c->nprec > 9 || *p == '\0')
		return;
	int is_int = strchr("diuoxX", *p) != NULL;
	if (is_int ? c->lm != L_BAD
	    : strchr("eEfFgGaA", *p) != NULL ? c->lm == L_NONE || c->lm == L_L
	    : strchr("cspm%", *p) != NULL && *p != 'm' ? c->lm == L_NONE : 0)
		c->c = *p;
	if (c->c == '%' && c->len != 2)
		c->c = 0;	/* "%5%" and such: undefined */
}

/* A conversion's template, for the message of a check whose template
 * csra_result_add does not take. */
static const char unsupported[] = "unsupported message template: %s";

#define MAX_ARGS 32

/* Room for one more check in |r|. */
static int grow(csra_result *r)
{
	if (r->nchecks == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct csra_check *n = realloc(r->checks, cap * sizeof(*n));
		if (n == NULL) {
			r->nomem = 1;
			return 0;
		}
		r->checks = n;
		r->cap = cap;
	}
	return 1;
}

/* Records the check (one block for its arguments and strings; |slen[i]|
 * is string argument i's length with its NUL, else 0, |strs| their sum). */
static int store(csra_result *r, const char *name, csra_status status, csra_err code, const char *path,
    const char *fmt, const union csra_msg_arg *a, const size_t *slen, size_t nargs, size_t strs)
{
	if (path == NULL)
		path = "";
	size_t ln = strlen(name) + 1, lp = strlen(path) + 1, la = nargs * sizeof(a[0]);
	size_t align = _Alignof(union csra_msg_arg) - 1;
	char *blk = csra_chunk_alloc(&r->strs, align + la + ln + lp + strs);
	if (blk == NULL) {
		r->nomem = 1;
		return 0;
	}
	union csra_msg_arg *args = (union csra_msg_arg *)(((uintptr_t)blk + align) & ~(uintptr_t)align);
	char *s = (char *)args + la;
	uint32_t mask = 0;
	for (size_t i = 0; i < nargs; i++) {
		args[i] = a[i];
		if (slen[i] != 0) {
			memcpy(s, a[i].s, slen[i] - 1);
			s[slen[i] - 1] = '\0';
			args[i].s = s;
			s += slen[i];
			mask |= (uint32_t)1 << i;
		}
	}
	struct csra_check *c = &r->checks[r->nchecks];
	c->name = memcpy(s, name, ln);
	c->path = memcpy(s + ln, path, lp);
	c->fmt = fmt;
	c->args = args;
	c->nargs = (unsigned)nargs;
	c->strmask = mask;
	c->status = status;
	c->code = code;
	r->nchecks++;
	return 1;
}

int csra_result_copy_check(csra_result *to, const csra_result *from, size_t i)
{
	if (!grow(to))
		return 0;
	const struct csra_check *c = &from->checks[i];
	size_t slen[MAX_ARGS], strs = 0;
	for (unsigned k = 0; k < c->nargs; k++)
		strs += slen[k] = c->strmask & ((uint32_t)1 << k) ? strlen(c->args[k].s) + 1 : 0;
	return store(to, c->name, c->status, c->code, c->path, c->fmt, c->args, slen, c->nargs, strs);
}

int csra_result_add(csra_result *r, const char *name, csra_status status, csra_err code,
    const char *path, const char *fmt, ...)
{
	if (!grow(r))
		return 0;
	/* The arguments, read once; their strings' lengths (what a message
	 * can show of them) size the one block the check takes. */
	union csra_msg_arg a[MAX_ARGS];
	size_t slen[MAX_ARGS], nargs = 0, strs = 0;
	const char *tmpl = fmt;
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; (f = strchr(f, '%')) != NULL;) {
		struct conv c;
		parse_conv(f, &c);
		f += c.len;
		if (c.c == '%')
			continue;
		int prec = -1;
		if (c.c == 0 || nargs + (c.width && *c.width == '*') + (c.prec && *c.prec == '*') >= MAX_ARGS) {
			nargs = 0;
			break;
		}
		if (c.width && *c.width == '*')
			slen[nargs] = 0, a[nargs++].i = va_arg(ap, int);
		if (c.prec && *c.prec == '*') {
			slen[nargs] = 0, a[nargs].i = va_arg(ap, int);
			prec = (int)a[nargs++].i;
		} else if (c.prec) {
			prec = atoi(c.prec);	/* at most 9 digits */
		}
		slen[nargs] = 0;
		union csra_msg_arg *v = &a[nargs++];
		switch (c.c) {
		case 'd': case 'i':
			v->i = c.lm == L_HH ? (signed char)va_arg(ap, int) : c.lm == L_H ? (short)va_arg(ap, int)
			    : c.lm == L_L ? va_arg(ap, long) : c.lm == L_LL ? va_arg(ap, long long)
			    : c.lm == L_J ? va_arg(ap, intmax_t) : c.lm == L_Z ? va_arg(ap, ssize_t)
			    : c.lm == L_T ? va_arg(ap, ptrdiff_t) : va_arg(ap, int);
			break;
		case 'u': case 'o': case 'x': case 'X':
			v->u = c.lm == L_HH ? (unsigned char)va_arg(ap, unsigned) : c.lm == L_H
			    ? (unsigned short)va_arg(ap, unsigned) : c.lm == L_L ? va_arg(ap, unsigned long)
			    : c.lm == L_LL ? va_arg(ap, unsigned long long) : c.lm == L_J ? va_arg(ap, uintmax_t)
			    : c.lm == L_Z ? va_arg(ap, size_t) : c.lm == L_T ? (uintmax_t)va_arg(ap, ptrdiff_t)
			    : va_arg(ap, unsigned);
			break;
		case 'c':
			v->i = va_arg(ap, int);
			break;
		case 'p':
			v->p = va_arg(ap, void *);
			break;
		case 's':
			/* Often transient: copied, as much as a message can show
			 * (and no further than a precision lets printf read). */
			v->s = va_arg(ap, const char *);
			if (v->s != NULL)
				strs += slen[nargs - 1] = strnlen(v->s, prec >= 0 && prec < CSRA_MSG_MAX - 1
				    ? (size_t)prec : CSRA_MSG_MAX - 1) + 1;
			break;
		default:	/* e E f F g G a A */
			v->d = va_arg(ap, double);
			break;
		}
	}
	va_end(ap);
	if (nargs == 0 && strchr(fmt, '%') != NULL) {
		/* Nothing read, or an unsupported conversion: quote the
		 * template, which has no conversion taking an argument only
		 * when all its '%'s are "%%". */
		const char *f = fmt;
		while ((f = strchr(f, '%')) != NULL && f[1] == '%')
			f += 2;
		if (f != NULL) {
			tmpl = unsupported;
			a[0].s = fmt;
			strs = slen[0] = strnlen(fmt, CSRA_MSG_MAX - 1) + 1;
			nargs = 1;
		}
	}
	return store(r, name, status, code, path, tmpl, a, slen, nargs, strs);
}

/* The conversion |c| of |arg| (and its '*' arguments before it, at
 * |*ai|) into |out|, by snprintf: the conversion rebuilt with the
 * arguments' recorded types. Returns what snprintf returns. */
static int fmt_conv(char *out, size_t room, const struct conv *c, const union csra_msg_arg *args,
    unsigned *ai)
{
	char spec[48], *q = spec;
	*q++ = '%';
	memcpy(q, c->flags, c->nflags), q += c->nflags;
	if (c->width && *c->width == '*') {
		intmax_t w = args[(*ai)++].i;
		/* A negative width is the '-' flag and its size. */
		q += sprintf(q, "%s%jd", w < 0 ? "-" : "", w < 0 ? -w : w);
	} else if (c->width) {
		memcpy(q, c->width, c->nwidth), q += c->nwidth;
	}
	if (c->prec && *c->prec == '*') {
		intmax_t p = args[(*ai)++].i;
		if (p >= 0)	/* a negative one is none */
			q += sprintf(q, ".%jd", p);
	} else if (c->prec) {
		*q++ = '.';
		memcpy(q, c->prec, c->nprec), q += c->nprec;
	}
	const union csra_msg_arg *v = &args[(*ai)++];
	int n;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	switch (c->c) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
		q[0] = 'j', q[1] = c->c, q[2] = '\0';
		n = c->c == 'd' || c->c == 'i' ? snprintf(out, room, spec, v->i) : snprintf(out, room, spec, v->u);
		break;
	case 'c':
		q[0] = 'c', q[1] = '\0';
		n = snprintf(out, room, spec, (int)v->i);
		break;
	case 's':
		q[0] = 's', q[1] = '\0';
		n = snprintf(out, room, spec, v->s);
		break;
	case 'p':
		q[0] = 'p', q[1] = '\0';
		n = snprintf(out, room, spec, v->p);
		break;
	default:
		q[0] = c->c, q[1] = '\0';
		n = snprintf(out, room, spec, v->d);
		break;
	}
#pragma GCC diagnostic pop
	return n;
}

/* Check |c|'s message into |out| (CSRA_MSG_MAX bytes), cut as
 * vsnprintf cuts it there; returns its length. */
static size_t format_message(const struct csra_check *c, char out[CSRA_MSG_MAX])
{
	size_t n = 0, cap = CSRA_MSG_MAX;
	unsigned ai = 0;
	for (const char *f = c->fmt; *f != '\0' && n < cap - 1;) {
		if (*f != '%') {
			size_t run = strcspn(f, "%"), room = cap - 1 - n;
			memcpy(out + n, f, run < room ? run : room);
			n += run < room ? run : room;
			f += run;
			continue;
		}
		struct conv cv;
		parse_conv(f, &cv);
		f += cv.len;
		if (cv.c == '%') {
			out[n++] = '%';
			continue;
		}
		unsigned need = 1u + (cv.width && *cv.width == '*') + (cv.prec && *cv.prec == '*');
		if (c->nargs - ai < need)
			break;	/* not reached: recording read the same conversions */
		int k = fmt_conv(out + n, cap - n, &cv, c->args, &ai);
		if (k > 0)
			n += (size_t)k < cap - 1 - n ? (size_t)k : cap - 1 - n;
	}
	out[n] = '\0';
	/* A %c of 0 ends the message, as it ended vsnprintf's. */
	n = strlen(out);
	/* Messages quote attacker-chosen text (identifiers, OpenSSL's view of
	 * names) and end up on operators' terminals and in logs: printable
	 * ASCII only, so no escape sequence or bidi override gets through.
	 * Every output (JSON, text, the getters) comes through here. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned)((unsigned char)out[i] - 0x20) >= 0x5fu)
			out[i] = '?';
	return n;
}

int csra_result_check_message(const csra_result *r, size_t i, char *buf, size_t cap)
{
	if (r == NULL || i >= r->nchecks || (buf == NULL && cap != 0))
		return -1;
	char msg[CSRA_MSG_MAX];
	size_t n = format_message(&r->checks[i], msg);
	if (cap > 0) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(buf, msg, k);
		buf[k] = '\0';
	}
	return (int)n;
}

/* The formatted messages of all checks, made once and shared by every
 * reader: results are read by several threads at once, so the first to
 * need one formats them all into a new block and publishes it with a
 * compare-and-swap; a loser frees its own and takes the winner's. NULL
 * when memory runs out. */
static const struct csra_msgs *messages(const csra_result *r)
{
	csra_result *rw = (csra_result *)r;	/* only the atomic member */
	struct csra_msgs *m = atomic_load_explicit(&rw->msgs, memory_order_acquire);
	if (m != NULL && m->n >= r->nchecks)
		return m;
	/* One pass: each message formatted once, appended to a growing
	 * text; its offsets become pointers when the text stops moving. */
	char msg[CSRA_MSG_MAX], *text = NULL;
	size_t used = 0, cap = 0;
	struct csra_msgs *nm = malloc(sizeof(*nm) + r->nchecks * sizeof(nm->msg[0]));
	if (nm == NULL)
		return NULL;
	for (size_t i = 0; i < r->nchecks; i++) {
		size_t k = format_message(&r->checks[i], msg) + 1;
		if (cap - used < k) {
			size_t ncap = cap ? 2 * cap : 64 * r->nchecks + CSRA_MSG_MAX;
			char *t = ncap < cap ? NULL : realloc(text, ncap);
			if (t == NULL) {
				free(text);
				free(nm);
				return NULL;
			}
			text = t, cap = ncap;
		}
		memcpy(text + used, msg, k);
		nm->msg[i] = (const char *)(uintptr_t)used;	/* an offset, for now */
		used += k;
	}
	for (size_t i = 0; i < r->nchecks; i++)
		nm->msg[i] = text + (uintptr_t)nm->msg[i];
	nm->text = text;
	nm->prev = m;
	nm->n = r->nchecks;
	if (!atomic_compare_exchange_strong_explicit(&rw->msgs, &m, nm, memory_order_acq_rel,
	    memory_order_acquire)) {
		free(nm->text);	/* another reader's block, for as many checks */
		free(nm);
		return m;
	}
	return nm;
}

const char *csra_check_message(const csra_result *r, size_t i)
{
	const struct csra_msgs *m = messages(r);
	return m != NULL && i < m->n ? m->msg[i] : "(message not available: out of memory)";
}

static void msgs_free(csra_result *r)
{
	struct csra_msgs *m = atomic_exchange(&r->msgs, NULL);
	while (m != NULL) {
		struct csra_msgs *prev = m->prev;
		free(m->text);
		free(m);
		m = prev;
	}
}

void csra_result_finish(csra_result *r)
{
	if (r->verdict == CSRA_VERDICT_MALFORMED || r->verdict == CSRA_VERDICT_UNKNOWN)
		return;
	r->verdict = CSRA_VERDICT_VERIFIED;
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].status == CSRA_STATUS_FAIL)
			r->verdict = CSRA_VERDICT_REJECTED;
}

csra_verdict csra_result_verdict(const csra_result *r)
{
	return r->verdict;
}

size_t csra_result_check_count(const csra_result *r)
{
	return r->nchecks;
}

int csra_result_check(const csra_result *r, size_t i, const char **name, csra_status *status,
    csra_err *code, const char **message, const char **path)
{
	if (r == NULL || i >= r->nchecks)
		return 0;
	const struct csra_check *c = &r->checks[i];
	if (name)
		*name = c->name;
	if (status)
		*status = c->status;
	if (code)
		*code = c->code;
	if (message)
		*message = csra_check_message(r, i);
	if (path)
		*path = c->path;
	return 1;
}

long csra_result_find(const csra_result *r, const char *name, csra_err code)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0 && r->checks[i].code == code)
			return (long)i;
	return -1;
}

int csra_result_has_failure(const csra_result *r, csra_err code)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].code == code && r->checks[i].status == CSRA_STATUS_FAIL)
			return 1;
	return 0;
}

/* Claim records element_claim read, per thread: tests assert that a
 * request's claims are not rescanned per key element. */
static _Thread_local unsigned long long claim_reads;

unsigned long long csra_claim_reads(void)
{
	return claim_reads;
}

static int element_claim(const csra_result *r, size_t elem, csra_claim c, csra_claim_value *out)
{
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct csra_claim_rec *cl = &r->claims[i];
		claim_reads++;
		if (cl->element == elem && cl->claim == c && cl->has_value) {
			*out = cl->value;
			return 1;
		}
	}
	return 0;
}

static int first_of(const csra_result *r, csra_element type, size_t *idx)
{
	for (size_t i = 0; i < r->nelements; i++) {
		if (r->elements[i] == type) {
			*idx = i;
			return 1;
		}
	}
	return 0;
}

int csra_result_platform_claim(const csra_result *r, csra_claim c, csra_claim_value *out)
{
	size_t e;
	return first_of(r, CSRA_ELEMENT_PLATFORM, &e) && element_claim(r, e, c, out);
}

int csra_result_transaction_claim(const csra_result *r, csra_claim c, csra_claim_value *out)
{
	size_t e;
	return first_of(r, CSRA_ELEMENT_TRANSACTION, &e) && element_claim(r, e, c, out);
}

size_t csra_result_key_count(const csra_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nelements; i++)
		n += r->elements[i] == CSRA_ELEMENT_KEY;
	return n;
}

int csra_result_key_claim(const csra_result *r, size_t k, csra_claim c, csra_claim_value *out)
{
	for (size_t i = 0; i < r->nelements; i++)
		if (r->elements[i] == CSRA_ELEMENT_KEY && k-- == 0)
			return element_claim(r, i, c, out);
	return 0;
}

size_t csra_result_signer_count(const csra_result *r)
{
	return r->nsigners;
}

int csra_result_signer_trusted(const csra_result *r, size_t i)
{
	return i < r->nsigners && r->signers[i].trusted;
}

/* |s|'s chain, leaf first, parsing the certificates kept as DER once
 * (safe from several threads); NULL if none or if memory ran out. */
static STACK_OF(X509) *signer_chain(struct csra_signer_rec *s)
{
	if (s->chain != NULL || s->nders == 0)
		return s->chain;
	STACK_OF(X509) *c = atomic_load_explicit(&s->lazy, memory_order_acquire);
	if (c != NULL)
		return c;
	int n = sk_X509_num(s->upper);
	int ok = (c = sk_X509_new_reserve(NULL, s->nders + n)) != NULL;
	for (int k = 0; ok && k < s->nders; k++) {
		/* Parsed as the verifier would have: in its library context. */
		const unsigned char *p = s->ders[k];
		X509 *x = X509_new_ex(s->libctx, s->propq);
		if (x != NULL && d2i_X509(&x, &p, (long)s->der_lens[k]) == NULL)
			x = NULL;	/* freed by d2i_X509 */
		ok = x != NULL && sk_X509_push(c, x) > 0;
		if (!ok)
			X509_free(x);
	}
	for (int k = 0; ok && k < n; k++) {
		X509 *u = sk_X509_value(s->upper, k);
		ok = X509_up_ref(u);
		if (ok && sk_X509_push(c, u) <= 0) {
			X509_free(u);
			ok = 0;
		}
	}
	csra_clear_openssl_errors();
	if (!ok) {
		sk_X509_pop_free(c, X509_free);
		return NULL;
	}
	/* One thread's chain is kept; a loser frees its own. */
	STACK_OF(X509) *none = NULL;
	if (!atomic_compare_exchange_strong_explicit(&s->lazy, &none, c, memory_order_acq_rel,
	    memory_order_acquire)) {
		sk_X509_pop_free(c, X509_free);
		c = none;
	}
	return c;
}

STACK_OF(X509) *csra_result_signer_chain(const csra_result *r, size_t i)
{
	/* The result is shared read-only; only the lazily parsed leaf's
	 * chain is written, once, atomically. */
	return i < r->nsigners ? signer_chain((struct csra_signer_rec *)&r->signers[i]) : NULL;
}

/* JSON --------------------------------------------------------------- */

const char *csra_verdict_name(csra_verdict v)
{
	switch (v) {
	case CSRA_VERDICT_VERIFIED: return "verified";
	case CSRA_VERDICT_REJECTED: return "rejected";
	case CSRA_VERDICT_MALFORMED: return "malformed";
	case CSRA_VERDICT_UNKNOWN: return "unknown";
	}
	return "?";
}

const char *csra_status_name(csra_status s)
{
	switch (s) {
	case CSRA_STATUS_PASS: return "pass";
	case CSRA_STATUS_FAIL: return "fail";
	case CSRA_STATUS_WARN: return "warn";
	case CSRA_STATUS_SKIP: return "skip";
	}
	return "?";
}

/* UTC, RFC 3339 with seconds: the record's times. */
static json_t *utc(time_t t)
{
	char buf[32];
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* RFC 3629 UTF-8, as json_string requires it: checked here, so that a
 * NULL from json_string means out of memory, never bad text. */
static int utf8_valid(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	while (*c) {
		unsigned n;
		uint32_t cp, min;
		if (*c < 0x80) {
			c++;
			continue;
		} else if ((*c & 0xe0) == 0xc0) {
			n = 1, cp = *c & 0x1f, min = 0x80;
		} else if ((*c & 0xf0) == 0xe0) {
			n = 2, cp = *c & 0x0f, min = 0x800;
		} else if ((*c & 0xf8) == 0xf0) {
			n = 3, cp = *c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((c[i] & 0xc0) != 0x80)	/* also stops at the NUL */
				return 0;
			cp = (cp << 6) | (c[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		c += n + 1;
	}
	return 1;
}

/* Messages and names may carry text from certificates, and a callback's
 * claims are not checked: never let invalid UTF-8 drop a field silently. */
static json_t *jstr(const char *s)
{
	return json_string(utf8_valid(s) ? s : "(not valid UTF-8)");
}

/* jansson's constructors return NULL and its setters fail quietly (and
 * free the value) when memory runs out: a report missing a field must not
 * pass for complete, so every failure clears |*ok|. */
static void put(json_t *o, const char *key, json_t *v, int *ok)
{
	if (json_object_set_new(o, key, v) != 0)
		*ok = 0;
}

static void push(json_t *a, json_t *v, int *ok)
{
	if (json_array_append_new(a, v) != 0)
		*ok = 0;
}

static json_t *hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* An INTEGER outside int64_t (minimal two's-complement octets) as a
 * string of its decimal digits, "-" first when negative: JSON readers
 * lose precision on big numbers (docs/verify.md). */
static json_t *big_json(const uint8_t *twos, size_t n)
{
	char buf[3 * CSRA_STMT_MAX_INT_BYTES + 3];
	if (csra_int_decimal(twos, n, buf, sizeof(buf)) == NULL)
		return json_null();
	return json_string(buf);
}

static json_t *value_json(const csra_claim_value *v, int *ok)
{
	switch (v->type) {
	case CSRA_VALUE_BOOLEAN: return json_boolean(v->boolean);
	case CSRA_VALUE_INTEGER: return v->big ? big_json(v->bytes, v->len) : json_integer((json_int_t)v->integer);
	case CSRA_VALUE_UTF8: return json_stringn((const char *)v->bytes, v->len);
	case CSRA_VALUE_TIME: {
		char buf[32];
		struct tm tm;
		if (gmtime_r(&v->time, &tm) == NULL)
			return json_null();
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		return json_string(buf);
	}
	case CSRA_VALUE_PURPOSES: {
		json_t *a = json_array();
		static const char *names[] = { "encrypt", "decrypt", "wrap", "unwrap", "sign",
			"sign-recover", "verify", "verify-recover", "derive" };
		for (unsigned i = 0; i < 9; i++)
			if (v->purposes & (1u << i))
				push(a, json_string(names[i]), ok);
		return a;
	}
	default:
		return hex(v->bytes, v->len);
	}
}

static json_t *result_json(const csra_result *r, int *ok);

/* Returns the member |key| of |o|, adding |make| (consumed) if absent;
 * NULL when that fails. */
/* What an auditor needs to find a certificate of a validated path again:
 * its SHA-256 fingerprint (|md|), serial, issuer, subject and validity. */
static json_t *cert_fields_json(const uint8_t *md, unsigned mdlen, const ASN1_INTEGER *serial,
    const X509_NAME *issuer, const X509_NAME *subject, const ASN1_TIME *nb, const ASN1_TIME *na, int *ok)
{
	json_t *o = json_object();
	char name[256];
	put(o, "sha256", hex(md, mdlen), ok);
	json_t *sn = hex(ASN1_STRING_get0_data(serial), (size_t)ASN1_STRING_length(serial));
	if (sn != NULL && ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) {
		size_t n = json_string_length(sn);
		char *neg = malloc(n + 2);
		if (neg != NULL) {
			neg[0] = '-';
			memcpy(neg + 1, json_string_value(sn), n + 1);
		}
		json_decref(sn);
		sn = neg != NULL ? json_string(neg) : NULL;
		free(neg);
	}
	put(o, "serial", sn, ok);
	X509_NAME_oneline(issuer, name, sizeof(name));
	put(o, "issuer", jstr(name), ok);
	X509_NAME_oneline(subject, name, sizeof(name));
	put(o, "subject", jstr(name), ok);
	struct tm tm;
	time_t t;
	if (ASN1_TIME_to_tm(nb, &tm) == 1 && (t = timegm(&tm)) != (time_t)-1)
		put(o, "not_before", utc(t), ok);
	if (ASN1_TIME_to_tm(na, &tm) == 1 && (t = timegm(&tm)) != (time_t)-1)
		put(o, "not_after", utc(t), ok);
	return o;
}

static json_t *cert_json(const csra_result *r, X509 *x, int *ok)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (X509_digest(x, result_md(r), md, &mdlen) != 1)
		*ok = 0;
	return cert_fields_json(md, mdlen, X509_get0_serialNumber(x), X509_get_issuer_name(x),
	    X509_get_subject_name(x), X509_get0_notBefore(x), X509_get0_notAfter(x), ok);
}

/* A time's contents |p|/|len| (tag |tag|) as an ASN1_TIME. */
static ASN1_TIME *der_time(uint8_t tag, const uint8_t *p, size_t len)
{
	ASN1_TIME *t = ASN1_STRING_type_new(tag == 0x17 ? V_ASN1_UTCTIME : V_ASN1_GENERALIZEDTIME);
	if (t != NULL && ASN1_STRING_set(t, p, (int)len) != 1) {
		ASN1_STRING_free(t);
		t = NULL;
	}
	return t;
}

/* cert_json of a certificate kept as DER (csra_signer_rec.ders), read
 * from it without parsing its key (the record must not cost the parse the
 * verification saved); its subject's one-line form into |name|. */
static json_t *der_cert_json(const csra_result *r, const uint8_t *der, size_t len, char name[256], int *ok)
{
	csra_fastlink_cert c;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	json_t *o = NULL;
	X509_NAME *issuer = NULL, *subject = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *nb = NULL, *na = NULL;
	const unsigned char *p;
	name[0] = '\0';
	/* Strictly decoded before it was kept. */
	if (!csra_fastlink_parse(der, len, 1, &c) || EVP_Digest(der, len, md, &mdlen, result_md(r), NULL) != 1 ||
	    (p = c.issuer, issuer = d2i_X509_NAME(NULL, &p, (long)c.issuer_len)) == NULL ||
	    (p = c.subject, subject = d2i_X509_NAME(NULL, &p, (long)c.subject_len)) == NULL ||
	    (p = c.serial_tlv, serial = d2i_ASN1_INTEGER(NULL, &p, (long)c.serial_tlv_len)) == NULL ||
	    (nb = der_time(c.nb_tag, c.not_before, c.nb_len)) == NULL ||
	    (na = der_time(c.na_tag, c.not_after, c.na_len)) == NULL)
		*ok = 0;
	else {
		X509_NAME_oneline(subject, name, 256);
		o = cert_fields_json(md, mdlen, serial, issuer, subject, nb, na, ok);
	}
	X509_NAME_free(issuer);
	X509_NAME_free(subject);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	csra_clear_openssl_errors();
	return o;
}

static json_t *member(json_t *o, const char *key, json_t *make, int *ok)
{
	json_t *m = json_object_get(o, key);
	if (m != NULL) {
		json_decref(make);
		return m;
	}
	/* A failed set frees |make|: it must not be used after. */
	if (json_object_set_new(o, key, make) != 0) {
		*ok = 0;
		return NULL;
	}
	return make;
}

static json_t *stmt_claims_json(const struct csra_stmt_out *out, int *ok)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < out->nclaims; i++) {
		const csra_stmt_claim *c = &out->claims[i];
		json_t *el = member(o, c->element, json_object(), ok);
		json_t *v = c->type == CSRA_VALUE_BOOLEAN ? json_boolean(c->boolean)
		    : c->type == CSRA_VALUE_INTEGER && c->big ? big_json(c->bytes, c->len)
		    : c->type == CSRA_VALUE_INTEGER ? json_integer((json_int_t)c->integer)
		    : c->type == CSRA_VALUE_OCTETS ? hex(c->bytes, c->len)	/* as Evidence's octets */
		    : jstr(c->text);	/* never holds U+0000: its whole length */
		put(el, c->name, v, ok);
	}
	return o;
}

static json_t *result_json(const csra_result *r, int *ok)
{
	json_t *root = json_object(), *checks = json_array(), *elems = json_array(),
	    *signers = json_array();
	if (root == NULL || checks == NULL || elems == NULL || signers == NULL) {
		json_decref(root);
		json_decref(checks);
		json_decref(elems);
		json_decref(signers);
		*ok = 0;
		return NULL;
	}
	if (r->kind)
		put(root, "kind", jstr(r->kind), ok);
	uint8_t dg[32];
	int have_dg = r->has_digest;
	if (have_dg) {
		memcpy(dg, r->digest, sizeof(dg));
	} else if (r->input != NULL) {
		/* Only a report needs it: not taken during verification. */
		size_t len;
		const uint8_t *der = csra_decoded_der(r->input, &len);
		if (EVP_Digest(der, len, dg, NULL, result_md(r), NULL) != 1)
			*ok = 0;
		have_dg = 1;
	}
	if (have_dg) {
		put(root, "input_sha256", hex(dg, sizeof(dg)), ok);
		/* When it ran, and the time certificates' validity was judged
		 * at: the same unless the caller fixed it (--at). */
		put(root, "verified_at", utc(r->wall ? r->wall : r->at), ok);
		/* None when the clock gave no time and nothing was judged. */
		if (r->at != 0)
			put(root, "evaluated_at", utc(r->at), ok);
	}
	if (r->request_format)
		put(root, "request_format", jstr(r->request_format), ok);
	if (r->type_oid) {
		put(root, "type", jstr(r->type_oid), ok);
		put(root, "type_name", jstr(r->type_name ? r->type_name : ""), ok);
		put(root, "bound_to_request_key", json_boolean(r->bound), ok);
	}
	put(root, "verdict", json_string(csra_verdict_name(r->verdict)), ok);
	if (r->policy)
		put(root, "policy", jstr(r->policy), ok);
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct csra_check *c = &r->checks[i];
		json_t *o = json_object();
		put(o, "check", json_string(c->name), ok);
		put(o, "status", json_string(csra_status_name(c->status)), ok);
		put(o, "code", json_integer(c->code), ok);
		put(o, "code_name", json_string(csra_err_name(c->code)), ok);
		char msg[CSRA_MSG_MAX];
		format_message(c, msg);	/* into this buffer: |r| is shared, read only */
		put(o, "message", json_string(msg), ok);	/* printable ASCII */
		put(o, "path", jstr(c->path), ok);
		push(checks, o, ok);
	}
	static const char *enames[] = { "unknown", "transaction", "platform", "key" };
	for (size_t e = 0; e < r->nelements; e++) {
		json_t *o = json_object(), *cl = json_object();
		put(o, "type", json_string(enames[r->elements[e]]), ok);
		for (size_t i = 0; cl && i < r->nclaims; i++) {
			const struct csra_claim_rec *c = &r->claims[i];
			const csra_claim_info *info = csra_claim_get(c->claim);
			if (c->element != e || !c->has_value || info == NULL)
				continue;
			json_t *v = value_json(&c->value, ok);
			if (info->multiple)
				push(member(cl, info->name, json_array(), ok), v, ok);
			else
				put(cl, info->name, v, ok);
		}
		put(o, "claims", cl, ok);
		push(elems, o, ok);
	}
	for (size_t i = 0; i < r->nsigners; i++) {
		const struct csra_signer_rec *s = &r->signers[i];
		json_t *o = json_object(), *chain = json_array();
		put(o, "verified", json_boolean(s->verified), ok);
		put(o, "trusted", json_boolean(s->trusted), ok);
		json_t *certs = json_array();
		/* Certificates kept as DER are read from it; the rest are parsed. */
		STACK_OF(X509) *path = s->chain != NULL ? s->chain : s->upper;
		for (int k = 0; s->chain == NULL && k < s->nders; k++) {
			char name[256];
			json_t *c = der_cert_json(r, s->ders[k], s->der_lens[k], name, ok);
			push(chain, jstr(name), ok);
			push(certs, c, ok);
		}
		for (int k = 0; path && k < sk_X509_num(path); k++) {
			char name[256];
			X509_NAME_oneline(X509_get_subject_name(sk_X509_value(path, k)), name, sizeof(name));
			push(chain, jstr(name), ok);
			push(certs, cert_json(r, sk_X509_value(path, k), ok), ok);
		}
		put(o, "chain", chain, ok);
		put(o, "certificates", certs, ok);
		push(signers, o, ok);
	}
	put(root, "checks", checks, ok);
	if (r->nelements)
		put(root, "elements", elems, ok);
	else
		json_decref(elems);
	if (r->nsigners)
		put(root, "signers", signers, ok);
	else
		json_decref(signers);
	if (r->stmt && r->nelements == 0)
		put(root, "claims", stmt_claims_json(r->stmt, ok), ok);
	if (r->stmt && r->stmt->nkeys) {
		/* What the statement attests, bound or not: an auditor can
		 * match it to the issued certificate's key. */
		json_t *keys = json_array();
		for (size_t i = 0; i < r->stmt->nkeys; i++) {
			uint8_t kdg[32];
			json_t *k = json_object();
			if (EVP_Digest(r->stmt->keys[i].spki, r->stmt->keys[i].len, kdg, NULL, EVP_sha256(), NULL) != 1)
				*ok = 0;
			else
				put(k, "spki_sha256", hex(kdg, sizeof(kdg)), ok);
			put(k, "spki", hex(r->stmt->keys[i].spki, r->stmt->keys[i].len), ok);
			push(keys, k, ok);
		}
		put(root, "attested_keys", keys, ok);
	}
	if (r->nchildren) {
		json_t *stmts = json_array();
		for (size_t i = 0; i < r->nchildren; i++)
			push(stmts, result_json(r->children[i], ok), ok);
		put(root, "statements", stmts, ok);
	}
	return root;
}

/* json_dump_callback's output, growing. */
struct sink {
	char *p;
	size_t n, cap;
	int failed;
};

static int sink_write(const char *buf, size_t size, void *data)
{
	struct sink *s = data;
	/* Sticky: jansson ignores a failed write of an object key (dump.c),
	 * and a later write that fits would splice the output into invalid
	 * JSON. */
	if (s->failed)
		return -1;
	if (size >= s->cap - s->n) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap - s->n <= size && cap <= SIZE_MAX / 2)
			cap *= 2;
		char *p = cap - s->n > size ? realloc(s->p, cap) : NULL;
		if (p == NULL) {
			s->failed = 1;
			return -1;
		}
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->n, buf, size);
	s->n += size;
	return 0;
}

char *csra_result_json(const csra_result *r)
{
	int ok = 1;
	/* What the record is, first: a CA stores it for years, and readers of
	 * later versions must know which format they hold (docs/record.md). */
	json_t *root = json_object(), *body = result_json(r, &ok);
	put(root, "format", json_string(CSRA_RECORD_FORMAT), &ok);
	put(root, "format_version", json_integer(CSRA_RECORD_VERSION), &ok);
	put(root, "csrattest_version", json_string(csra_version()), &ok);
	if (root == NULL || body == NULL || json_object_update(root, body) != 0)
		ok = 0;
	json_decref(body);
	struct sink s = { NULL, 0, 0, 0 };
	if (root != NULL && ok &&
	    json_dump_callback(root, sink_write, &s, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
	    !s.failed && sink_write("", 1, &s) == 0) {
		json_decref(root);
		return s.p;
	}
	json_decref(root);
	free(s.p);
	return NULL;
}

size_t csra_result_statement_count(const csra_result *r)
{
	return r->nchildren;
}

const csra_result *csra_result_statement(const csra_result *r, size_t i)
{
	return i < r->nchildren ? r->children[i] : NULL;
}

int csra_result_statement_bound(const csra_result *r, size_t i)
{
	return i < r->nchildren && r->children[i]->bound;
}

int csra_result_statement_verified(const csra_result *r, size_t i)
{
	return i < r->nchildren && r->children[i]->stmt_verified;
}

const uint8_t *csra_result_attested_key(const csra_result *r, size_t i, size_t *len)
{
	if (r == NULL || r->stmt == NULL || i >= r->stmt->nkeys || len == NULL)
		return NULL;
	*len = r->stmt->keys[i].len;
	return r->stmt->keys[i].spki;
}
