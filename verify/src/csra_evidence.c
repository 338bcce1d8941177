/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKIX Evidence verification (draft-ietf-rats-pkix-key-attestation-07):
 * the draft's rules on content, every signature block over the received
 * TbsEvidence bytes, the attestation-key certificate and its path (all
 * cryptography and path validation by OpenSSL), ak-spki binding and
 * freshness. Every check that runs is recorded, failed or not.
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "csra_codec_int.h"
#include "csra_gate.h"
#include "csra_input.h"
#include "csra_span.h"
#include "csra_stmt.h"
#include "csra_fastlink.h"
#include "csra_verify_int.h"

#include "BOOLEAN.h"
#include "Evidence.h"
#include "GeneralizedTime.h"
#include "INTEGER.h"
#include "KeyPurposes.h"
#include "OCTET_STRING.h"
#include "ReportedClaim.h"
#include "ReportedElement.h"
#include "SignatureBlock.h"

/* Claims ------------------------------------------------------------- */

struct vctx {
	const csra_verifier *v;
	csra_result *r;
	csra_decoded *d;	/* holds |ev|: its own decode or the request's */
	const Evidence_t *ev;
	int explicit_certs;	/* intermediateCertificates in [0] EXPLICIT form */
	struct span ev_span, tbs, sigs;
	STACK_OF(X509) *pool;	/* intermediates for path building */
	X509_STORE *store;	/* trust anchors */
	time_t at;
	uint8_t pool_key[32];	/* the store and the pool, for chain-cache keys */
	int have_pool_key;
	int pool_built;		/* |pool| holds the pool (see key_pool) */
	STACK_OF(X509) *extra;	/* the caller's intermediates */
	struct span ev_certs;	/* Evidence.intermediateCertificates, the SEQUENCE OF */
	int has_ev_certs;
	struct blockkey *blocks;	/* per signature block, for bind_ak_spki */
	struct akset *ak;	/* the ak-spki claims (collect_ak_spki) */
	struct cold {		/* block 0's path, taken by cold_path */
		EVP_PKEY *key;	/* the leaf's; NULL: not taken */
		X509 *anchor;
		csra_fastlink_cert leaf, inter;
		csra_fastlink_facts facts;
		struct span ders[2];	/* the leaf and the intermediate */
	} cold;
};

/* Where a block's key came from: the certificate whose DER has digest |dg|,
 * through the cache (|cacheable|), and its i2d_PUBKEY once known. */
struct blockkey {
	uint8_t dg[32];
	int cacheable;
	uint8_t *spki;
	size_t spki_len;
	struct span in_spki;	/* the key's SPKI as received, if it was (len 0: not) */
	int listed;		/* its key is an ak-spki claim's (bind_ak_spki) */
};

static int add_claim(csra_result *r, csra_claim c, size_t element, size_t index,
    const csra_claim_value *v)
{
	/* Grown geometrically: a realloc per claim is quadratic on large
	 * Evidence. The size comes from nclaims, not claims_cap alone, which a
	 * result the claims were moved into does not carry. */
	if (r->nclaims >= r->claims_cap) {
		size_t cap = r->nclaims < 8 ? 16 : 2 * r->nclaims;
		struct csra_claim_rec *grown = realloc(r->claims, cap * sizeof(*grown));
		if (grown == NULL) {
			r->nomem = 1;
			return 0;
		}
		r->claims = grown;
		r->claims_cap = cap;
	}
	struct csra_claim_rec *n = r->claims;
	n[r->nclaims].claim = c;
	n[r->nclaims].element = element;
	n[r->nclaims].index = index;
	n[r->nclaims].has_value = v != NULL;
	if (v != NULL)
		n[r->nclaims].value = *v;
	r->nclaims++;
	return 1;
}

/* days_from_civil: proleptic Gregorian date to days since 1970-01-01. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* GeneralizedTime already in DER form (the gate checked it). */
static time_t gtime_to_time(const OCTET_STRING_t *g)
{
	const uint8_t *s = g->buf;
	int v[6], w[6] = { 4, 2, 2, 2, 2, 2 }, off = 0;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < w[i]; k++)
			v[i] = v[i] * 10 + (s[off + k] - '0');
		off += w[i];
	}
	long long days = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
	return (time_t)(days * 86400 + v[3] * 3600 + v[4] * 60 + v[5]);
}

/* A DER INTEGER (minimal, checked by the gate) into |out|: int64_t if it
 * fits, else its octets (csra_claim_value). 0 if over 256 octets. */
static int integer_value(const INTEGER_t *in, csra_claim_value *out)
{
	if (in->size < 1 || in->size > CSRA_CLAIM_INT_MAX_BYTES)
		return 0;
	int neg = (in->buf[0] & 0x80) != 0;
	if (in->size > 8) {
		out->big = 1;
		out->negative = neg;
		out->bytes = in->buf;
		out->len = (size_t)in->size;
		out->integer = neg ? INT64_MIN : INT64_MAX;
		return 1;
	}
	uint64_t u = neg ? UINT64_MAX : 0;
	for (int i = 0; i < in->size; i++)
		u = (u << 8) | in->buf[i];
	out->integer = (int64_t)u;	/* two's complement: implementation-defined, fine on our targets */
	return 1;
}

/* Decodes claim |cl| of type |info| into |out|. Returns CSRA_OK, or a code
 * for a value csrattest cannot represent. */
static csra_err claim_value(struct vctx *x, const ReportedClaim_t *cl, const csra_claim_info *info,
    csra_claim_value *out)
{
	asn_TYPE_descriptor_t *td = csra_claim_type(cl->claimType.buf, cl->claimType.size);
	void *val;
	csra_err e = csra_decoded_open(x->d, td, cl->value->buf, cl->value->size, &val, NULL);
	if (e != CSRA_OK)
		return e;
	memset(out, 0, sizeof(*out));
	out->type = info->type;
	switch (info->type) {
	case CSRA_VALUE_BOOLEAN:
		out->boolean = *(BOOLEAN_t *)val != 0;
		break;
	case CSRA_VALUE_INTEGER:
		if (!integer_value(val, out))
			return CSRA_ERR_EV_INTEGER_RANGE;
		break;
	case CSRA_VALUE_UTF8: {
		/* Compared by length everywhere, but C-string readers would
		 * stop at U+0000 and see another value. */
		const OCTET_STRING_t *os = val;
		if (os->size > 0 && memchr(os->buf, 0, (size_t)os->size) != NULL)
			return CSRA_ERR_EV_CLAIM_NUL;
		out->bytes = os->buf;
		out->len = (size_t)os->size;
		break;
	}
	case CSRA_VALUE_TIME:
		out->time = gtime_to_time(val);
		break;
	case CSRA_VALUE_PURPOSES: {
		const KeyPurposes_t *kp = val;
		for (int i = 0; i < kp->list.count; i++) {
			for (unsigned bit = 1; bit <= CSRA_PURPOSE_DERIVE; bit <<= 1) {
				size_t len;
				const uint8_t *oid = csra_purpose_oid(bit, &len);
				if (len == (size_t)kp->list.array[i]->size &&
				    memcmp(oid, kp->list.array[i]->buf, len) == 0)
					out->purposes |= bit;
			}
		}
		break;
	}
	default: {
		const OCTET_STRING_t *os = val;
		out->bytes = os->buf;
		out->len = (size_t)os->size;
		break;
	}
	}
	return CSRA_OK;
}

/* A key identifier claim: where it is, and its value. */
struct idref {
	const uint8_t *p;
	size_t len;
	size_t claim, element, order;	/* index in r->claims, its element, in ord[] */
};

/* By value, then by place among the claims. */
static int cmp_idref(const void *x, const void *y)
{
	const struct idref *a = x, *b = y;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = a->len ? memcmp(a->p, b->p, a->len) : 0;
	return c != 0 ? c : (a->claim > b->claim) - (a->claim < b->claim);
}

static const char *el_path(char buf[64], int e, int c);

/* Every key element names itself, and no two share a name. The checks,
 * and their order, are those of comparing each identifier with every
 * identifier of an earlier key element (for each key element, for each of
 * its identifiers, each earlier one in claim order); sorting by value
 * makes that linear in the claims but for the duplicates reported. Claims
 * were recorded element by element, so r->claims is in element order. */
static void check_key_ids(struct vctx *x)
{
	csra_result *r = x->r;
	char path[64];
	size_t nid = 0;
	for (size_t i = 0; i < r->nclaims; i++)
		nid += r->claims[i].claim == CSRA_CLAIM_KEY_IDENTIFIER &&
		    r->elements[r->claims[i].element] == CSRA_ELEMENT_KEY;
	struct idref small[2][8];
	size_t small_pos[2][8];
	struct idref *ord = small[0], *srt = small[1];
	size_t *pos = small_pos[0], *start = small_pos[1];
	void *heap = NULL;
	if (nid > 8) {
		/* Two idref arrays and two index arrays in one block. */
		if (nid > SIZE_MAX / (2 * (sizeof(struct idref) + sizeof(size_t))) ||
		    (heap = malloc(nid * 2 * (sizeof(struct idref) + sizeof(size_t)))) == NULL) {
			r->nomem = 1;
			return;
		}
		ord = heap;
		srt = ord + nid;
		pos = (size_t *)(srt + nid);
		start = pos + nid;
	}
	for (size_t i = 0, j = 0; i < r->nclaims; i++) {
		const struct csra_claim_rec *c = &r->claims[i];
		if (c->claim != CSRA_CLAIM_KEY_IDENTIFIER || r->elements[c->element] != CSRA_ELEMENT_KEY)
			continue;
		ord[j] = (struct idref){ c->value.bytes, c->value.len, i, c->element, j };
		j++;
	}
	memcpy(srt, ord, nid * sizeof(*srt));
	qsort(srt, nid, sizeof(*srt), cmp_idref);
	for (size_t t = 0; t < nid; t++) {
		pos[srt[t].order] = t;
		int same = t > 0 && srt[t - 1].len == srt[t].len &&
		    (srt[t].len == 0 || memcmp(srt[t - 1].p, srt[t].p, srt[t].len) == 0);
		start[t] = same ? start[t - 1] : t;
	}

	int keys = 0, key_ok = 1;
	size_t j = 0;
	for (size_t e = 0; e < r->nelements; e++) {
		if (r->elements[e] != CSRA_ELEMENT_KEY)
			continue;
		keys++;
		int has_id = 0;
		for (; j < nid && ord[j].element == e; j++) {
			const struct csra_claim_rec *a = &r->claims[ord[j].claim];
			has_id = 1;
			/* Equal values sort by claim, hence by element: the earlier
			 * elements' come first, and a's own ends the run. Only the
			 * first earlier use is reported, so thousands of equal
			 * identifiers cost one check each, not one per pair. */
			size_t t = start[pos[j]];
			if (srt[t].element < e) {
				int shown = (int)(a->value.len > 64 ? 64 : a->value.len);
				csra_result_add(r, "key.identifier-unique", CSRA_STATUS_FAIL,
				    CSRA_ERR_EV_KEY_DUPLICATE_IDENTIFIER, el_path(path, (int)e, -1),
				    "identifier \"%.*s\" is also used by tbs.reportedElements[%zu]",
				    shown, (const char *)a->value.bytes, srt[t].element);
				key_ok = 0;
			}
		}
		if (!has_id) {
			csra_result_add(r, "key.identifier", CSRA_STATUS_FAIL,
			    CSRA_ERR_EV_KEY_NO_IDENTIFIER, el_path(path, (int)e, -1),
			    "key element without an identifier claim");
			key_ok = 0;
		}
	}
	free(heap);
	if (keys > 0 && key_ok)
		csra_result_add(r, "key.identifier", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "%d key element(s), each with its own identifier", keys);
}

/* Formats the path of element |e| (or of its claim |c| if c >= 0) into
 * |buf|: only for a check being recorded, as most claims record none. */
static const char *el_path(char buf[64], int e, int c)
{
	if (c < 0)
		snprintf(buf, 64, "tbs.reportedElements[%d]", e);
	else
		snprintf(buf, 64, "tbs.reportedElements[%d].claims[%d]", e, c);
	return buf;
}

/* The draft's rules on content: version, element counts, claims in their
 * element, single-valued claims once, values present and typed, key
 * identifiers present and unique, fipslevel range. */
static void check_content(struct vctx *x)
{
	csra_result *r = x->r;
	const TbsEvidence_t *tbs = &x->ev->tbs;
	char path[160];
	long version;
	if (asn_INTEGER2long(&tbs->version, &version) == 0 && version == 1)
		csra_result_add(r, "evidence.version", CSRA_STATUS_PASS, CSRA_OK, "tbs.version",
		    "version is 1");
	else
		csra_result_add(r, "evidence.version", CSRA_STATUS_FAIL, CSRA_ERR_EV_VERSION,
		    "tbs.version", "version must be 1 (draft-07 section 5)");

	int n = tbs->reportedElements.list.count > 0 ? tbs->reportedElements.list.count : 0;
	if (!csra_within_limit(x->v, r, CSRA_LIMIT_ELEMENTS, (size_t)n, "tbs.reportedElements"))
		return;
	/* The claims of all elements, counted before any is worked through:
	 * past the cap the Evidence is refused, not slowly accepted. */
	size_t nclaims = 0;
	for (int e = 0; e < n; e++) {
		int k = tbs->reportedElements.list.array[e]->claims.list.count;
		nclaims += k > 0 ? (size_t)k : 0;
	}
	if (!csra_within_limit(x->v, r, CSRA_LIMIT_CLAIMS, nclaims, "tbs.reportedElements"))
		return;
	r->elements = calloc((size_t)n, sizeof(*r->elements));
	if (r->elements == NULL) {
		r->nomem = 1;
		return;
	}
	r->nelements = (size_t)n;
	int platforms = 0, transactions = 0, bad_claims = 0;
	for (int e = 0; e < n; e++) {
		const ReportedElement_t *el = tbs->reportedElements.list.array[e];
		csra_element type = csra_element_from_oid(el->elementType.buf, el->elementType.size);
		r->elements[e] = type;
		if (type == CSRA_ELEMENT_PLATFORM && ++platforms == 2)
			csra_result_add(r, "evidence.platform-count", CSRA_STATUS_FAIL,
			    CSRA_ERR_EV_DUPLICATE_PLATFORM, el_path(path, e, -1),
			    "a second platform element (at most one is allowed)");
		if (type == CSRA_ELEMENT_TRANSACTION && ++transactions == 2)
			csra_result_add(r, "evidence.transaction-count", CSRA_STATUS_FAIL,
			    CSRA_ERR_EV_DUPLICATE_TRANSACTION, el_path(path, e, -1),
			    "a second transaction element (at most one is allowed)");
		if (type == CSRA_ELEMENT_UNKNOWN) {
			char oid[96];
			csra_oid_to_str(el->elementType.buf, el->elementType.size, oid, sizeof(oid));
			csra_result_add(r, "evidence.unknown-element",
			    x->v->strict ? CSRA_STATUS_FAIL : CSRA_STATUS_SKIP,
			    x->v->strict ? CSRA_ERR_EV_UNKNOWN_ELEMENT : CSRA_OK, el_path(path, e, -1),
			    "element type %s is unknown: %s", oid,
			    x->v->strict ? "rejected (strict)" : "ignored");
			continue;
		}
		int seen[CSRA_CLAIM_KEY_PURPOSE + 1] = { 0 };
		for (int c = 0; c < el->claims.list.count; c++) {
			const ReportedClaim_t *cl = el->claims.list.array[c];
			csra_claim claim = csra_claim_from_oid(cl->claimType.buf, cl->claimType.size);
			const csra_claim_info *info = csra_claim_get(claim);
			if (info == NULL) {
				char oid[96];
				csra_oid_to_str(cl->claimType.buf, cl->claimType.size, oid, sizeof(oid));
				csra_result_add(r, "claim.unknown",
				    x->v->strict ? CSRA_STATUS_FAIL : CSRA_STATUS_SKIP,
				    x->v->strict ? CSRA_ERR_EV_UNKNOWN_CLAIM : CSRA_OK, el_path(path, e, c),
				    "claim type %s is unknown: %s", oid,
				    x->v->strict ? "rejected (strict)" : "ignored");
				continue;
			}
			if (info->element != type) {
				csra_result_add(r, "claim.element", CSRA_STATUS_FAIL,
				    CSRA_ERR_EV_CLAIM_WRONG_ELEMENT, el_path(path, e, c),
				    "claim %s does not belong in this element", info->name);
				bad_claims++;
				continue;
			}
			if (seen[claim]++ && !info->multiple) {
				csra_result_add(r, "claim.repeated", CSRA_STATUS_FAIL,
				    CSRA_ERR_EV_CLAIM_REPEATED, el_path(path, e, c),
				    "claim %s appears more than once in its element", info->name);
				bad_claims++;
				continue;
			}
			if (cl->value == NULL) {
				csra_result_add(r, "claim.value", CSRA_STATUS_FAIL, CSRA_ERR_EV_CLAIM_NO_VALUE,
				    el_path(path, e, c), "claim %s has no value", info->name);
				bad_claims++;
				continue;
			}
			csra_claim_value cv;
			csra_err ce = claim_value(x, cl, info, &cv);
			if (ce != CSRA_OK) {
				csra_result_add(r, "claim.value", CSRA_STATUS_FAIL, ce,
				    el_path(path, e, c), "claim %s: %s", info->name, csra_strerror(ce));
				bad_claims++;
				continue;
			}
			if (claim == CSRA_CLAIM_FIPSLEVEL) {
				int ok = !cv.big && cv.integer >= 1 && cv.integer <= 4;
				if (cv.big)
					csra_result_add(r, "claim.fipslevel", CSRA_STATUS_FAIL,
					    CSRA_ERR_EV_FIPSLEVEL_RANGE, el_path(path, e, c),
					    "fipslevel of %zu octets is not 1..4", cv.len);
				else
					csra_result_add(r, "claim.fipslevel", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
					    ok ? CSRA_OK : CSRA_ERR_EV_FIPSLEVEL_RANGE, el_path(path, e, c),
					    "fipslevel %lld %s", (long long)cv.integer, ok ? "is 1..4" : "is not 1..4");
			}
			if (!add_claim(r, claim, (size_t)e, (size_t)c, &cv))
				return;
		}
	}
	if (platforms < 2)
		csra_result_add(r, "evidence.platform-count", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "%d platform element(s)", platforms);
	if (transactions < 2)
		csra_result_add(r, "evidence.transaction-count", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "%d transaction element(s)", transactions);
	if (bad_claims == 0)
		csra_result_add(r, "claim.types", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "every known claim has one value of its type in its own element");

	check_key_ids(x);
}

/* Signatures --------------------------------------------------------- */

/* csra_sig_verify for a signature block over |tbs|. */
static csra_err verify_sig(const csra_verifier *v, const SignatureBlock_t *sb, EVP_PKEY *key,
    const struct span *key_spki, const struct span *tbs, char *why, size_t whylen)
{
	const ANY_t *params = sb->signatureAlgorithm.parameters;
	return csra_sig_verify(v, sb->signatureAlgorithm.algorithm.buf,
	    (size_t)sb->signatureAlgorithm.algorithm.size, params ? params->buf : NULL,
	    params ? (size_t)params->size : 0, sb->signatureValue.buf, (size_t)sb->signatureValue.size,
	    key, key_spki->len ? key_spki->p : NULL, key_spki->len, tbs->p, tbs->len, why, whylen);
}

static X509 *d2i_cert(const csra_verifier *v, const struct span *s)
{
	return csra_d2i_x509(v, s->p, s->len);
}

/* SHA-256 of |p|/|n| with the verifier's fetched digest. */
static int sha256(const csra_verifier *v, const uint8_t *p, size_t n, uint8_t out[32])
{
	if (EVP_Digest(p, n, out, NULL, v->sha256, NULL) == 1)
		return 1;
	csra_clear_openssl_errors();
	return 0;
}

/* Parses the certificate |s| once per DER: later verifications take it
 * from the cache, with the i2d_PUBKEY of its key if known (|spki| may be
 * NULL). Sets |dg| to the DER's SHA-256 and |*have_dg|. NULL if OpenSSL
 * cannot parse it; such certificates, and any OpenSSL did not fully
 * process, are not cached but parsed again each time. */
static X509 *parse_known(const struct vctx *x, const struct span *s, const uint8_t dg[32],
    int have_dg, uint8_t **spki, size_t *spki_len, int *ak_eku);

/* With |ak_eku| (may be NULL), also whether the certificate's EKU has
 * id-kp-attestationKey, as has_eku answers. */
static X509 *parse_cert(const struct vctx *x, const struct span *s, uint8_t dg[32], int *have_dg,
    uint8_t **spki, size_t *spki_len, int *ak_eku)
{
	*have_dg = sha256(x->v, s->p, s->len, dg);
	return parse_known(x, s, dg, *have_dg, spki, spki_len, ak_eku);
}

static int has_eku(const csra_verifier *v, X509 *x);

/* parse_cert with the digest |dg| already taken (|have_dg|). */
static X509 *parse_known(const struct vctx *x, const struct span *s, const uint8_t dg[32],
    int have_dg, uint8_t **spki, size_t *spki_len, int *ak_eku)
{
	X509 *c;
	int eku = -1;
	if (spki != NULL)
		*spki = NULL;
	if (have_dg && (c = csra_cache_get_cert(x->v->cache, dg, spki, spki_len, &eku)) != NULL) {
		if (ak_eku != NULL)
			*ak_eku = eku >= 0 ? eku : has_eku(x->v, c);
		return c;
	}
	c = d2i_cert(x->v, s);
	if (c != NULL)
		eku = has_eku(x->v, c);
	if (ak_eku != NULL)
		*ak_eku = eku;
	/* Shared only if nothing, not even an allocation failure, spoilt it:
	 * d2i_X509 returns a certificate without its key if decoding the key
	 * failed, and a failure while caching the extensions is kept. */
	if (c != NULL && have_dg && csra_x509_settle(c) == 1 && X509_get0_pubkey(c) != NULL &&
	    (X509_get_extension_flags(c) & EXFLAG_NO_FINGERPRINT) == 0)
		csra_cache_put_cert(x->v->cache, dg, c, eku);
	csra_clear_openssl_errors();
	return c;
}

static EVP_PKEY *d2i_spki(const csra_verifier *v, const struct span *s)
{
	const unsigned char *p = s->p;
	EVP_PKEY *k = d2i_PUBKEY_ex(NULL, &p, (long)s->len, csra_libctx(v), csra_propq(v));
	if (k == NULL || p != s->p + s->len) {
		EVP_PKEY_free(k);
		csra_clear_openssl_errors();
		return NULL;
	}
	return k;
}

/* Whether |x|'s ExtendedKeyUsage has an attestation-key EKU in force for
 * PKIX Evidence, as csra_has_ak_eku answers. */
static int has_eku(const csra_verifier *v, X509 *x)
{
	return csra_has_ak_eku(csra_verifier_ak_ekus(v, 0), x);
}

static int ensure_pool(struct vctx *x, size_t *nbad);

/* The chain-cache key of a block: the store and pool (x->pool_key) and the
 * leaf's DER digest. */
static int block_key(const struct vctx *x, const uint8_t leaf_dg[32], uint8_t key[32])
{
	uint8_t buf[64];
	if (leaf_dg == NULL || !x->have_pool_key)
		return 0;
	memcpy(buf, x->pool_key, 32);
	memcpy(buf + 32, leaf_dg, 32);
	return sha256(x->v, buf, sizeof(buf), key);
}

/* The AK certificate's own properties, as OpenSSL reads them (|flags|
 * X509_get_extension_flags, |no_digsig| csra_no_digsig, |ak_eku| has_eku):
 * records a check for each; returns 1 if all hold. */
static int ak_props(struct vctx *x, uint32_t flags, const char *no_digsig, int ak_eku, const char *path)
{
	csra_result *r = x->r;
	int ok = 1;
	/* A CA key certifies; an AK's signs attestations only. */
	if (flags & EXFLAG_CA)
		ok = csra_result_add(r, "ak.basic-constraints", CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_CA, path,
		    "the AK certificate is a CA certificate (basicConstraints cA TRUE)") && 0;
	else
		csra_result_add(r, "ak.basic-constraints", CSRA_STATUS_PASS, CSRA_OK, path,
		    "the AK certificate is not a CA certificate");
	if (no_digsig == NULL)
		csra_result_add(r, "ak.key-usage", CSRA_STATUS_PASS, CSRA_OK, path,
		    "KeyUsage has digitalSignature");
	else
		ok = csra_result_add(r, "ak.key-usage", CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_DIGITAL_SIGNATURE,
		    path, "KeyUsage %s", no_digsig) && 0;
	if (ak_eku == 1)
		csra_result_add(r, "ak.eku", CSRA_STATUS_PASS, CSRA_OK, path,
		    "ExtendedKeyUsage has an attestation-key EKU");
	else {
		char want[256];
		csra_eku_set_str(csra_verifier_ak_ekus(x->v, 0), want, sizeof(want));
		ok = csra_result_add(r, "ak.eku", CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_EKU, path,
		    "ExtendedKeyUsage %s an attestation-key EKU (accepted: %s)",
		    ak_eku < 0 ? CSRA_EKU_UNREADABLE : "lacks", want) && 0;
	}
	return ok;
}

/* KeyUsage, EKU and the path to a trust anchor, by OpenSSL, or from the
 * chain cache when this leaf, store and pool validated before (|bkey|,
 * the block's chain-cache key; NULL: no caching). Returns 1 if all hold;
 * records a check for each, the same whether the path came from the cache
 * or not. */
static int check_ak(struct vctx *x, X509 *cert, const uint8_t *bkey, int ak_eku,
    const char *path, struct csra_signer_rec *s)
{
	csra_result *r = x->r;
	if (ak_eku < 0)
		ak_eku = has_eku(x->v, cert);
	int ok = ak_props(x, X509_get_extension_flags(cert), csra_x509_no_digsig(cert), ak_eku, path);

	const uint8_t *key = bkey;
	int keyed = key != NULL;
	STACK_OF(X509) *cached = keyed ? csra_cache_get_chain(x->v->cache, key, x->at) : NULL;
	if (cached != NULL) {
		s->chain = cached;
		csra_result_add(r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, path,
		    "path of %d certificate(s) to a trust anchor", sk_X509_num(cached));
		return ok;
	}

	/* A new leaf under an issuer validated before: OpenSSL validates it
	 * with that issuer as a partial-chain anchor (csra_issuer_path). */
	uint8_t ikey[32];
	int ikeyed = keyed && csra_issuer_key(x->v, x->pool_key, cert, ikey);
	if (ikeyed) {
		time_t lo, hi;
		int ir = csra_issuer_path(x->v, cert, ikey, x->at, &s->chain, &lo, &hi);
		if (ir < 0) {
			r->nomem = 1;
			return 0;
		}
		if (ir == 1) {
			csra_result_add(r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, path,
			    "path of %d certificate(s) to a trust anchor", sk_X509_num(s->chain));
			csra_cache_put_chain(x->v->cache, key, x->store, s->chain, lo, hi);
			return ok;
		}
	}

	/* No purpose is checked (csra_store_ctx): OpenSSL then checks no EKU
	 * along the path, so an AK whose only EKU is id-kp-attestationKey is
	 * not refused for it; the EKU check above is ours. */
	struct csra_path vp;
	int vr = ensure_pool(x, NULL) ? csra_verify_path(x->v, x->store, cert, x->pool, x->at, NULL, NULL, &vp) : -1;
	if (vr < 0) {
		r->nomem = 1;
		return 0;
	}
	X509_STORE_CTX *ctx = vp.ctx;
	if (vr == 1) {
		s->chain = X509_STORE_CTX_get1_chain(ctx);
		csra_result_add(r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, path,
		    "path of %d certificate(s) to a trust anchor", s->chain ? sk_X509_num(s->chain) : 0);
		time_t lo, hi;
		if (keyed && s->chain != NULL && csra_x509_chain_window(x->v, ctx, s->chain, x->pool, x->at, &lo, &hi))
			csra_cache_put_chain(x->v->cache, key, x->store, s->chain, lo, hi);
		if (ikeyed && s->chain != NULL)
			csra_issuer_remember(x->v, x->store, ctx, s->chain, x->pool, x->at, ikey);
	} else {
		csra_err code = csra_x509_verify_err(X509_STORE_CTX_get_error(ctx));
		char msg[512];
		csra_x509_verify_msg(ctx, msg, sizeof(msg));
		csra_result_add(r, "ak.chain", CSRA_STATUS_FAIL, code, path, "%s", msg);
		ok = 0;
	}
	csra_path_clear(&vp);
	csra_clear_openssl_errors();
	return ok;
}

static int ski_is(X509 *c, const OCTET_STRING_t *kid)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(c);
	return ski != NULL && ASN1_STRING_length(ski) == kid->size &&
	    memcmp(ASN1_STRING_get0_data(ski), kid->buf, (size_t)kid->size) == 0;
}

/* A keyId names a certificate (by subject key identifier) or a bare key
 * the caller supplied: first the signer certificates, then the signer
 * keys, then the certificates offered as untrusted (the verifier's, then
 * the caller's, such as a request's bundle), as `openssl cms -certfile`
 * finds signers. A certificate found still has to chain (check_ak). */
static int resolve_keyid(const struct vctx *x, const OCTET_STRING_t *kid, X509 **cert,
    EVP_PKEY **key)
{
	const csra_verifier *v = x->v;
	X509 *c = NULL;
	for (int i = 0; c == NULL && i < sk_X509_num(v->signer_certs); i++)
		if (ski_is(sk_X509_value(v->signer_certs, i), kid))
			c = sk_X509_value(v->signer_certs, i);
	for (size_t i = 0; c == NULL && i < v->nkeys; i++) {
		if (v->keys[i].id_len == (size_t)kid->size &&
		    memcmp(v->keys[i].id, kid->buf, v->keys[i].id_len) == 0) {
			EVP_PKEY_up_ref(v->keys[i].key);
			*key = v->keys[i].key;
			return 1;
		}
	}
	for (int i = 0; c == NULL && i < sk_X509_num(v->untrusted); i++)
		if (ski_is(sk_X509_value(v->untrusted, i), kid))
			c = sk_X509_value(v->untrusted, i);
	for (int i = 0; c == NULL && x->extra != NULL && i < sk_X509_num(x->extra); i++)
		if (ski_is(sk_X509_value(x->extra, i), kid))
			c = sk_X509_value(x->extra, i);
	if (c == NULL || !X509_up_ref(c))
		return 0;
	*cert = c;
	return 1;
}

/* Whether a keyId beside a certificate or SPKI names that block's |key|
 * (|cert|: its certificate, may be NULL): as the certificate's subject key
 * identifier, as the SHA-1 of the key's subjectPublicKey bits (RFC 5280
 * section 4.2.1.2, method 1), or through resolve_keyid to the same key.
 * 1: it does; 0: it names no key; -1: it names another key. */
static int keyid_names(const struct vctx *x, const OCTET_STRING_t *kid, X509 *cert, EVP_PKEY *key)
{
	if (cert != NULL && ski_is(cert, kid))
		return 1;
	X509_PUBKEY *own = NULL;
	const X509_PUBKEY *xp = cert != NULL ? X509_get_X509_PUBKEY(cert)
	    : X509_PUBKEY_set(&own, key) == 1 ? own : NULL;
	const unsigned char *bits;
	int blen;
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	int hashed = xp != NULL && kid->size == 20 &&
	    X509_PUBKEY_get0_param(NULL, &bits, &blen, NULL, xp) == 1 &&
	    EVP_Q_digest(csra_libctx(x->v), "SHA1", csra_propq(x->v), bits, (size_t)blen, md, &mdlen) == 1;
	X509_PUBKEY_free(own);
	csra_clear_openssl_errors();
	if (hashed && mdlen == 20 && memcmp(md, kid->buf, 20) == 0)
		return 1;
	X509 *c = NULL;
	EVP_PKEY *k = NULL;
	if (!resolve_keyid(x, kid, &c, &k))
		return 0;
	int same = EVP_PKEY_eq(c != NULL ? X509_get0_pubkey(c) : k, key) == 1;
	X509_free(c);
	EVP_PKEY_free(k);
	csra_clear_openssl_errors();
	return same ? 1 : -1;
}

/* Sets |out| to the subjectPublicKeyInfo inside the DER certificate |c|
 * (already parsed by OpenSSL), or leaves it empty. */
static void cert_spki(const struct span *c, struct span *out)
{
	struct span tbs, first;
	memset(out, 0, sizeof(*out));
	if (!span_child(c, 0, &tbs) || !span_child(&tbs, 0, &first))
		return;
	/* version [0] EXPLICIT is optional; then serial, signature, issuer,
	 * validity, subject, subjectPublicKeyInfo. */
	if (!span_child(&tbs, first.p[0] == 0xa0 ? 6 : 5, out) || out->p[0] != 0x30)
		memset(out, 0, sizeof(*out));
}

/* Block |i|'s signer is |key| (given by |by|; the signer record takes
 * it): records so, and verifies the signature over TbsEvidence. */
static void block_sig(struct vctx *x, int i, EVP_PKEY *key, const char *by, const char *path,
    struct csra_signer_rec *s)
{
	csra_result *r = x->r;
	const SignatureBlock_t *sb = x->ev->signatures.list.array[i];
	char why[96];
	csra_result_add(r, "signature.signer", CSRA_STATUS_PASS, CSRA_OK, path, "signer given by %s", by);
	s->key = key;

	/* The key's SubjectPublicKeyInfo as received, when it came with it. */
	csra_err e = verify_sig(x->v, sb, key, &x->blocks[i].in_spki, &x->tbs, why, sizeof(why));
	if (e == CSRA_OK) {
		s->verified = 1;
		csra_result_add(r, "signature.value", CSRA_STATUS_PASS, CSRA_OK, path,
		    "signature over TbsEvidence verifies");
	} else {
		char oid[96];
		csra_oid_to_str(sb->signatureAlgorithm.algorithm.buf,
		    (size_t)sb->signatureAlgorithm.algorithm.size, oid, sizeof(oid));
		csra_result_add(r, e == CSRA_ERR_SIG_INVALID ? "signature.value" : "signature.algorithm",
		    CSRA_STATUS_FAIL, e, path, "%s (%s)%s%s", csra_strerror(e), oid, why[0] ? ": " : "", why);
	}
}

/* Whether the leaf under the block key |bkey| is new to the verifier's
 * cache; marks it seen. */
static int first_sight(const struct vctx *x, const uint8_t bkey[32])
{
	if (csra_cache_has_seen(x->v->cache, bkey))
		return 0;
	csra_cache_put_seen(x->v->cache, bkey);
	return 1;
}

/* The block's path as the explicit link check took it: |key| the leaf's
 * (taken), |f| its facts, |ders| the DER of the |n| certificates at the
 * bottom of the path (copied), |upper| the parsed ones above (taken).
 * Records what OpenSSL's route records, in its order and words. Returns
 * 0 (nothing recorded, nothing taken; the result says NOMEM) if memory
 * ran out. */
static int take_path(struct vctx *x, int i, EVP_PKEY *key, const csra_fastlink_facts *f,
    const struct span *ders, int n, STACK_OF(X509) *upper, const char *path, const char *cpath,
    struct csra_signer_rec *s)
{
	const csra_verifier *v = x->v;
	const char *pq = csra_propq(v);
	int ok = pq == NULL || (s->propq = strdup(pq)) != NULL;
	for (int k = 0; ok && k < n; k++) {
		ok = (s->ders[k] = malloc(ders[k].len)) != NULL;
		if (ok) {
			memcpy(s->ders[k], ders[k].p, ders[k].len);
			s->der_lens[k] = ders[k].len;
			s->nders = k + 1;
		}
	}
	if (!ok) {
		for (int k = 0; k < s->nders; k++)
			free(s->ders[k]);
		free(s->propq);
		memset(s->ders, 0, sizeof(s->ders));
		s->nders = 0;
		s->propq = NULL;
		x->r->nomem = 1;
		return 0;
	}
	s->upper = upper;
	s->libctx = csra_libctx(v);
	block_sig(x, i, key, "certificate", path, s);
	s->trusted = ak_props(x, f->flags, csra_no_digsig(f->flags, f->key_usage),
	    csra_fastlink_has_eku(f, csra_verifier_ak_ekus(v, 0)), cpath) && s->verified;
	csra_result_add(x->r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, cpath,
	    "path of %d certificate(s) to a trust anchor", n + sk_X509_num(upper));
	return 1;
}

/* A new AK certificate |inner| (strictly decoded with the Evidence) under
 * an issuer OpenSSL validated before (csra_issuer_remember), checked by
 * the explicit link check instead of parsing it with OpenSSL and running
 * X509_verify_cert with the issuer as a partial-chain anchor
 * (csra_issuer_path): csra_fastlink_check accepts only where that would
 * accept. Returns 1 if it took the block; 0 (nothing recorded) to take
 * it the usual way. docs/verify.md "New attestation keys". */
static int fast_block(struct vctx *x, int i, const struct span *inner, const char *path, const char *cpath,
    struct csra_signer_rec *s)
{
	const csra_verifier *v = x->v;
	csra_fastlink_cert c;
	csra_fastlink_facts f;
	uint8_t ikey[32];
	X509_STORE *anchor = NULL;
	STACK_OF(X509) *upper = NULL;
	time_t lo, hi;
	/* csra_issuer_key's conditions: OpenSSL would find the extensions
	 * valid (proxies and self-issued leaves the link check defers). */
	if (!csra_fastlink_parse(inner->p, inner->len, 1, &c) || !csra_fastlink_read_facts(&c, &f) ||
	    (f.flags & EXFLAG_INVALID) || !csra_issuer_key_of(v, x->pool_key, f.issuer, f.issuer_len, f.akid_ext,
	    f.akid_ext_len, f.sig_alg, f.sig_alg_len, ikey) ||
	    !csra_cache_get_issuer(v->cache, ikey, x->at, &anchor, &upper, &lo, &hi))
		return 0;
	/* The context csra_issuer_path would verify in, for its settings. */
	X509_STORE_CTX *ctx = csra_store_ctx(v, anchor, NULL, NULL, x->at);
	X509 *issuer = sk_X509_value(upper, 0);
	EVP_PKEY *key = NULL;
	if (ctx != NULL) {
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
		if (csra_fastlink_check(v, &c, issuer, X509_get0_pubkey(issuer), x->at,
		    X509_STORE_CTX_get0_param(ctx), anchor, &key, NULL) != CSRA_FASTLINK_ACCEPT)
			key = NULL;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(anchor);
	csra_clear_openssl_errors();
	if (key == NULL || !take_path(x, i, key, &f, inner, 1, upper, path, cpath, s)) {
		EVP_PKEY_free(key);
		sk_X509_pop_free(upper, X509_free);
		return 0;
	}
	return 1;
}

/* The AK certificate of the Evidence's one signature block, if the block
 * gives a certificate alone: |inner| its DER. */
static int only_cert_block(const struct vctx *x, struct span *inner)
{
	struct span blk, sid, wrap;
	if (x->ev->signatures.list.count != 1)
		return 0;
	const SignatureBlock_t *sb = x->ev->signatures.list.array[0];
	return sb->sid.certificate != NULL && sb->sid.subjectPublicKeyInfo == NULL && sb->sid.keyId == NULL &&
	    span_next(&x->sigs, NULL, &blk) && span_child(&blk, 0, &sid) && span_tagged(&sid, 0xa2, &wrap) &&
	    span_child(&wrap, 0, inner);
}

/* The cold path (key_pool, before the pool is parsed): a verifier that
 * has not seen this pool, one signature block with its AK certificate
 * alone, the Evidence's one intermediate the only certificate offered,
 * under a self-signed trust anchor of the store. csra_fastlink_path
 * accepts only where X509_verify_cert on the parsed leaf and intermediate
 * would (and both parse: its oracle counts a certificate OpenSSL cannot
 * parse as a refusal), so the pool's parse and its warnings are not
 * needed. On ACCEPT, sets x->cold (check_block takes block 0 from it). */
static void cold_path(struct vctx *x, size_t nev)
{
	const csra_verifier *v = x->v;
	struct span leaf_der, inter_der;
	uint8_t leaf_dg[32], bkey[32];
	if (v->no_fastlink || nev != 1 || sk_X509_num(v->untrusted) > 0 || sk_X509_num(x->extra) > 0 ||
	    !only_cert_block(x, &leaf_der) || !span_next(&x->ev_certs, NULL, &inter_der) ||
	    !sha256(v, leaf_der.p, leaf_der.len, leaf_dg) || !block_key(x, leaf_dg, bkey) ||
	    !first_sight(x, x->pool_key) || !first_sight(x, bkey))
		return;
	struct cold *c = &x->cold;
	X509_NAME *name = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *cands = NULL;
	EVP_PKEY *key = NULL;
	const unsigned char *p;
	if (!csra_fastlink_parse(leaf_der.p, leaf_der.len, 1, &c->leaf) ||
	    !csra_fastlink_parse(inter_der.p, inter_der.len, 1, &c->inter) ||
	    !csra_fastlink_read_facts(&c->leaf, &c->facts) ||
	    (p = c->inter.issuer, name = d2i_X509_NAME(NULL, &p, (long)c->inter.issuer_len)) == NULL ||
	    (ctx = csra_store_ctx(v, x->store, NULL, NULL, x->at)) == NULL ||
	    /* The anchor: the store's one certificate of that name. */
	    (cands = X509_STORE_CTX_get1_certs(ctx, name)) == NULL || sk_X509_num(cands) != 1 ||
	    csra_fastlink_path(v, &c->leaf, &c->inter, sk_X509_value(cands, 0),
	    X509_get0_pubkey(sk_X509_value(cands, 0)), x->at, X509_STORE_CTX_get0_param(ctx), x->store, &key,
	    NULL) != CSRA_FASTLINK_ACCEPT)
		goto out;
	c->key = key;
	c->anchor = sk_X509_shift(cands);
	c->ders[0] = leaf_der;
	c->ders[1] = inter_der;
out:
	sk_X509_pop_free(cands, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_NAME_free(name);
	csra_clear_openssl_errors();
}

/* Block 0 from the cold path (cold_path): 1 if taken. */
static int cold_block(struct vctx *x, const char *path, const char *cpath, struct csra_signer_rec *s)
{
	struct cold *c = &x->cold;
	STACK_OF(X509) *upper = sk_X509_new_reserve(NULL, 1);
	if (upper == NULL || sk_X509_push(upper, c->anchor) <= 0 ||
	    !take_path(x, 0, c->key, &c->facts, c->ders, 2, upper, path, cpath, s)) {
		sk_X509_free(upper);
		return 0;
	}
	c->key = NULL;
	c->anchor = NULL;	/* both taken */
	return 1;
}

/* Block |i|, whose DER is |blk|. */
static void check_block(struct vctx *x, int i, const struct span *blk, struct csra_signer_rec *s)
{
	csra_result *r = x->r;
	const SignatureBlock_t *sb = x->ev->signatures.list.array[i];
	char path[64];
	struct span sid, wrap, inner;
	snprintf(path, sizeof(path), "signatures[%d]", i);
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	int caller_key = 0, have_dg = 0, ak_eku = -1, have_bkey = 0;
	uint8_t leaf_dg[32], bkey[32], *spki = NULL;
	size_t spki_len = 0;
	if (!span_child(blk, 0, &sid)) {
		r->nomem = 1;	/* cannot happen on decoded input */
		return;
	}
	/* The SPKI as received is taken before OpenSSL parses it: a key it
	 * cannot use (ML-DSA before OpenSSL 3.5) is still compared with the
	 * ak-spki claims (bind_ak_spki). */
	if (sb->sid.certificate != NULL) {
		if (span_tagged(&sid, 0xa2, &wrap) && span_child(&wrap, 0, &inner))
			cert_spki(&inner, &x->blocks[i].in_spki);
		if (x->blocks[i].in_spki.len != 0) {
			char cpath[96];
			snprintf(cpath, sizeof(cpath), "%s.sid.certificate", path);
			if (i == 0 && x->cold.key != NULL && cold_block(x, path, cpath, s))
				return;
			have_dg = sha256(x->v, inner.p, inner.len, leaf_dg);
			have_bkey = have_dg && block_key(x, leaf_dg, bkey);
			/* A certificate alone, seen for the first time. */
			if (have_bkey && !x->v->no_fastlink && sb->sid.subjectPublicKeyInfo == NULL &&
			    sb->sid.keyId == NULL && first_sight(x, bkey) && fast_block(x, i, &inner, path, cpath, s))
				return;
		}
		if (x->blocks[i].in_spki.len == 0 ||
		    (cert = parse_known(x, &inner, leaf_dg, have_dg, &spki, &spki_len, &ak_eku)) == NULL) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_BAD_KEY,
			    path, "OpenSSL cannot parse the signer's certificate");
			return;
		}
	}
	if (sb->sid.subjectPublicKeyInfo != NULL) {
		free(spki);	/* |key| will not be the certificate's */
		spki = NULL;
		memset(&x->blocks[i].in_spki, 0, sizeof(x->blocks[i].in_spki));
		if (span_tagged(&sid, 0xa1, &wrap) && span_child(&wrap, 0, &inner))
			x->blocks[i].in_spki = inner;
		if (x->blocks[i].in_spki.len == 0 || (key = d2i_spki(x->v, &inner)) == NULL) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_BAD_KEY,
			    path, "OpenSSL cannot parse the signer's subjectPublicKeyInfo");
			X509_free(cert);
			return;
		}
		if (cert != NULL && EVP_PKEY_eq(key, X509_get0_pubkey(cert)) != 1) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL,
			    CSRA_ERR_SIG_CERT_SPKI_MISMATCH, path,
			    "the certificate's key and subjectPublicKeyInfo differ");
			X509_free(cert);
			EVP_PKEY_free(key);
			return;
		}
	}
	int keyid_alone = cert == NULL && key == NULL && sb->sid.keyId != NULL;
	if (keyid_alone) {
		if (!resolve_keyid(x, sb->sid.keyId, &cert, &key)) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_KEYID_UNKNOWN,
			    path, "keyId names no signer certificate or key, nor an untrusted certificate");
			return;
		}
		caller_key = cert == NULL;
		have_dg = cert != NULL && X509_digest(cert, x->v->sha256, leaf_dg, NULL) == 1;
		csra_clear_openssl_errors();
	}
	if (cert == NULL && key == NULL) {
		csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_NO_SIGNER, path,
		    "no certificate, key or resolvable keyId");
		return;
	}
	if (key == NULL && (key = X509_get_pubkey(cert)) == NULL) {
		csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_BAD_KEY, path,
		    "OpenSSL cannot use the certificate's key");
		X509_free(cert);
		free(spki);
		return;
	}
	if (sb->sid.keyId != NULL && !keyid_alone) {
		/* Draft-07 section 6: a keyId's key MUST be obtained, or the
		 * block is unverifiable; beside a certificate or SPKI it must
		 * name that key, not none or another. */
		char kpath[96];
		snprintf(kpath, sizeof(kpath), "%s.sid.keyId", path);
		int named = keyid_names(x, sb->sid.keyId, cert, key);
		if (named != 1) {
			csra_result_add(r, "signature.keyid", CSRA_STATUS_FAIL, CSRA_ERR_SIG_KEYID_UNMATCHED,
			    kpath, "keyId names %s the block's %s: the block is unverifiable (draft-07 "
			    "section 6)", named == 0 ? "no known key, nor" : "a key other than",
			    sb->sid.certificate ? "certificate" : "subjectPublicKeyInfo");
			X509_free(cert);
			EVP_PKEY_free(key);
			free(spki);
			return;
		}
		csra_result_add(r, "signature.keyid", CSRA_STATUS_PASS, CSRA_OK, kpath,
		    "keyId names the block's %s", sb->sid.certificate ? "certificate" : "subjectPublicKeyInfo");
	}
	if (sb->sid.certificate != NULL && sb->sid.subjectPublicKeyInfo == NULL && have_dg) {
		/* The key is the cached certificate's: so is its encoding. */
		struct blockkey *bk = &x->blocks[i];
		memcpy(bk->dg, leaf_dg, sizeof(bk->dg));
		bk->cacheable = 1;
		bk->spki = spki;
		bk->spki_len = spki_len;
		spki = NULL;
	}
	free(spki);
	block_sig(x, i, key, cert ? (sb->sid.certificate ? "certificate" : "keyId (certificate)")
	    : caller_key ? "keyId (caller's key)" : "subjectPublicKeyInfo", path, s);
	if (cert != NULL) {
		char cpath[96];
		snprintf(cpath, sizeof(cpath), "%s.sid.%s", path,
		    sb->sid.certificate ? "certificate" : "keyId");
		if (!have_bkey)
			have_bkey = have_dg && block_key(x, leaf_dg, bkey);
		s->trusted = check_ak(x, cert, have_bkey ? bkey : NULL, ak_eku, cpath, s) && s->verified;
		X509_free(cert);
	} else if (caller_key) {
		s->trusted = s->verified;
		csra_result_add(r, "ak.chain", CSRA_STATUS_SKIP, CSRA_OK, path,
		    "key supplied by the caller: trusted as configured");
	} else {
		csra_result_add(r, "ak.chain", CSRA_STATUS_FAIL, CSRA_ERR_AK_NOT_CERTIFIED, path,
		    "only a subjectPublicKeyInfo: nothing chains it to a trust anchor");
	}
}

/* Builds the pool of intermediates for path building: the verifier's, the
 * caller's and Evidence.intermediateCertificates as received. With |nbad|
 * set, records a warning for each Evidence intermediate OpenSSL cannot
 * parse, and counts them. */
static int ensure_pool(struct vctx *x, size_t *nbad)
{
	const csra_verifier *v = x->v;
	struct span c;
	if (x->pool_built)
		return 1;
	x->pool_built = 1;
	if ((x->pool = sk_X509_new_null()) == NULL)
		return 0;
	for (int i = 0; i < sk_X509_num(v->untrusted); i++)
		if (csra_x509_push_ref(x->pool, sk_X509_value(v->untrusted, i)) != CSRA_OK)
			return 0;
	for (int i = 0; x->extra != NULL && i < sk_X509_num(x->extra); i++)
		if (csra_x509_push_ref(x->pool, sk_X509_value(x->extra, i)) != CSRA_OK)
			return 0;
	for (int i = 0; x->has_ev_certs && span_next(&x->ev_certs, i ? &c : NULL, &c); i++) {
		uint8_t dg[32];
		int have_dg;
		X509 *cert = parse_cert(x, &c, dg, &have_dg, NULL, NULL, NULL);
		if (cert == NULL) {
			if (nbad == NULL)
				continue;	/* all parsed before: memory ran out */
			char path[64];
			snprintf(path, sizeof(path), "intermediateCertificates[%d]", i);
			csra_result_add(x->r, "evidence.intermediates", CSRA_STATUS_WARN,
			    CSRA_ERR_SIG_BAD_KEY, path, "OpenSSL cannot parse this certificate; not used");
			(*nbad)++;
			continue;
		}
		if (!sk_X509_push(x->pool, cert)) {
			X509_free(cert);
			return 0;
		}
	}
	return 1;
}

/* Hashes the trust store's identity (address, contents count, generation)
 * and every certificate offered as an intermediate (the verifier's, the
 * caller's, Evidence.intermediateCertificates in either tagging), in
 * order, into x->pool_key: path building depends on all of them and on
 * their order. Only the key is hashed when every certificate of this pool
 * parsed before: the pool is then parsed only for a path not in the cache.
 * Otherwise it is built here, recording what OpenSSL cannot parse. */
static int key_pool(struct vctx *x, STACK_OF(X509) *extra)
{
	const csra_verifier *v = x->v;
	struct span certs, c;
	x->extra = extra;
	if (span_tagged(&x->ev_span, 0xa0, &certs)) {
		x->ev_certs = certs;
		x->has_ev_certs = !x->explicit_certs ||
		    span_child(&certs, 0, &x->ev_certs);
	}
	size_t nev = x->has_ev_certs ? span_count(&x->ev_certs, SIZE_MAX) : 0;
	/* Past the cap the Evidence's intermediates are neither hashed nor
	 * parsed: the failure decides the verdict. */
	if (!csra_within_limit(v, x->r, CSRA_LIMIT_CERTS, nev, "intermediateCertificates")) {
		x->has_ev_certs = 0;
		nev = 0;
	}

	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	uintptr_t store = (uintptr_t)x->store;
	int nobj = sk_X509_OBJECT_num(X509_STORE_get0_objects(x->store));
	/* The store's own flags and depth: a caller's store may change them
	 * (its CRLs this cannot see: csra_verifier_flush_cache). The
	 * verifier's own settings are in trust_gen. */
	const X509_VERIFY_PARAM *sp = X509_STORE_get0_param(x->store);
	uint64_t settings[2] = { (uint64_t)X509_VERIFY_PARAM_get_flags(sp),
		(uint64_t)(int64_t)X509_VERIFY_PARAM_get_depth(sp) };
	int keyed = kc != NULL && EVP_DigestInit_ex(kc, v->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(kc, &store, sizeof(store)) == 1 &&
	    EVP_DigestUpdate(kc, &nobj, sizeof(nobj)) == 1 &&
	    EVP_DigestUpdate(kc, settings, sizeof(settings)) == 1 &&
	    EVP_DigestUpdate(kc, &v->trust_gen, sizeof(v->trust_gen)) == 1;
	for (int i = 0; keyed && i < sk_X509_num(v->untrusted); i++)
		keyed = EVP_DigestUpdate(kc, v->untrusted_dg[i], 32) == 1;
	for (int i = 0; keyed && extra != NULL && i < sk_X509_num(extra); i++) {
		uint8_t dg[32];
		keyed = X509_digest(sk_X509_value(extra, i), v->sha256, dg, NULL) == 1 &&
		    EVP_DigestUpdate(kc, dg, sizeof(dg)) == 1;
	}
	/* Separates the caller's from the Evidence's in the hash. */
	uint64_t counts[2] = { (uint64_t)(extra ? sk_X509_num(extra) : 0), (uint64_t)nev };
	keyed = keyed && EVP_DigestUpdate(kc, counts, sizeof(counts)) == 1;
	/* Their DER itself, each length-prefixed: a digest of each apart
	 * would cost a digest context per certificate on every verification,
	 * where only a pool not parsed before (ensure_pool) needs them. */
	for (size_t i = 0; keyed && i < nev; i++) {
		span_next(&x->ev_certs, i ? &c : NULL, &c);
		uint64_t clen = (uint64_t)c.len;
		keyed = EVP_DigestUpdate(kc, &clen, sizeof(clen)) == 1 && EVP_DigestUpdate(kc, c.p, c.len) == 1;
	}
	x->have_pool_key = keyed && EVP_DigestFinal_ex(kc, x->pool_key, NULL) == 1;
	EVP_MD_CTX_free(kc);
	csra_clear_openssl_errors();

	if (x->have_pool_key && csra_cache_has_pool(v->cache, x->pool_key))
		return 1;
	if (x->have_pool_key) {
		cold_path(x, nev);
		if (x->cold.key != NULL)
			return 1;	/* the pool is parsed only if needed after all */
	}
	size_t nbad = 0;
	int ok = ensure_pool(x, &nbad);
	if (ok && x->have_pool_key && nbad == 0)
		csra_cache_put_pool(v->cache, x->pool_key);
	return ok;
}

static void bind_ak_spki(struct vctx *x);

static void check_signatures(struct vctx *x)
{
	csra_result *r = x->r;
	int n = x->ev->signatures.list.count;
	if (n == 0) {
		csra_result_add(r, "signature.present", CSRA_STATUS_FAIL, CSRA_ERR_EV_UNSIGNED,
		    "signatures", "no signature block: unsigned Evidence is untrusted (draft-07 section 6)");
		bind_ak_spki(x);
		return;
	}
	if (!csra_within_limit(x->v, r, CSRA_LIMIT_SIGNERS, (size_t)n, "signatures"))
		return;
	csra_result_add(r, "signature.present", CSRA_STATUS_PASS, CSRA_OK, "signatures",
	    "%d signature block(s)", n);
	r->signers = calloc((size_t)n, sizeof(*r->signers));
	if (r->signers == NULL) {
		r->nomem = 1;
		return;
	}
	r->nsigners = (size_t)n;
	if ((x->blocks = calloc((size_t)n, sizeof(*x->blocks))) == NULL) {
		r->nomem = 1;
		return;
	}
	size_t first = r->nchecks;
	int trusted = 0;
	/* The blocks' DER walked once, alongside their decoded values. */
	struct span blk;
	for (int i = 0; i < n; i++) {
		if (!span_next(&x->sigs, i ? &blk : NULL, &blk)) {
			r->nomem = 1;	/* cannot happen on decoded input */
			return;
		}
		check_block(x, i, &blk, &r->signers[i]);
	}
	bind_ak_spki(x);
	/* With ak-spki claims, a block counts only if the content names its
	 * key: an unlisted one may be a counter-signature or added in transit. */
	for (int i = 0; i < n; i++)
		trusted += r->signers[i].trusted && (x->ak == NULL || x->blocks[i].listed);
	int met;
	(void)csra_sig_policy_record(x->v, r, first, trusted, n,
	    x->ak ? "verified, trusted and listed in ak-spki" : "verified and trusted", &met);
}

/* The ak-spki claims sorted by value, so that duplicates and each
 * signer's key are found in O(n log n) however many there are. */
struct akset {
	size_t n;
	struct idref *srt;	/* by value, then by claim */
	size_t *pos;		/* claim order -> place in srt */
	size_t *run;		/* place in srt -> first place with the same value */
	unsigned char *backed;	/* per run start: a block that verified has this key */
};

static void akset_free(struct akset **ap)
{
	if (*ap == NULL)
		return;
	free((*ap)->srt);
	free((*ap)->pos);
	free((*ap)->run);
	free((*ap)->backed);
	free(*ap);
	*ap = NULL;
}

static int same_bytes(const struct idref *a, const uint8_t *p, size_t len)
{
	return a->len == len && (len == 0 || memcmp(a->p, p, len) == 0);
}

/* The first place in a->srt whose value is |p|/|len|, or a->n. */
static size_t akset_find(const struct akset *a, const uint8_t *p, size_t len)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct idref *m = &a->srt[mid];
		int c = m->len != len ? (m->len < len ? -1 : 1) : len ? memcmp(m->p, p, len) : 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n && same_bytes(&a->srt[lo], p, len) ? lo : a->n;
}

static const char *claim_path(char buf[64], const struct csra_claim_rec *c)
{
	return el_path(buf, (int)c->element, (int)c->index);
}

/* Collects the ak-spki claims into x->ak and refuses two naming the same
 * key: "Each included claim MUST refer to a different attestation key"
 * (draft-07, ak-spki). Keys are compared as encoded, as the draft
 * compares SPKIs. Recorded before the signature policy: no policy makes a
 * content error a warning. */
static void collect_ak_spki(struct vctx *x)
{
	csra_result *r = x->r;
	size_t n = 0;
	for (size_t i = 0; i < r->nclaims; i++)
		n += r->claims[i].claim == CSRA_CLAIM_AK_SPKI;
	if (n == 0)
		return;
	struct akset *a = calloc(1, sizeof(*a));
	if (a == NULL || (a->srt = calloc(n, sizeof(*a->srt))) == NULL ||
	    (a->pos = calloc(n, sizeof(*a->pos))) == NULL ||
	    (a->run = calloc(n, sizeof(*a->run))) == NULL || (a->backed = calloc(n, 1)) == NULL) {
		akset_free(&a);
		r->nomem = 1;
		return;
	}
	a->n = n;
	for (size_t i = 0, j = 0; i < r->nclaims; i++) {
		const struct csra_claim_rec *c = &r->claims[i];
		if (c->claim == CSRA_CLAIM_AK_SPKI) {
			a->srt[j] = (struct idref){ c->value.bytes, c->value.len, i, c->element, j };
			j++;
		}
	}
	qsort(a->srt, n, sizeof(*a->srt), cmp_idref);
	for (size_t t = 0; t < n; t++) {
		a->pos[a->srt[t].order] = t;
		a->run[t] = t > 0 && same_bytes(&a->srt[t - 1], a->srt[t].p, a->srt[t].len) ? a->run[t - 1] : t;
	}
	x->ak = a;
	size_t dups = 0;
	char path[64], first[64];
	for (size_t j = 0; j < n; j++) {
		size_t t = a->pos[j];
		if (a->run[t] == t)
			continue;	/* the first claim with this value */
		dups++;
		csra_result_add(r, "claim.ak-spki-unique", CSRA_STATUS_FAIL, CSRA_ERR_EV_AK_SPKI_DUPLICATE,
		    claim_path(path, &r->claims[a->srt[t].claim]), "ak-spki repeats the key of %s",
		    claim_path(first, &r->claims[a->srt[a->run[t]].claim]));
	}
	if (dups == 0)
		csra_result_add(r, "claim.ak-spki-unique", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "%zu ak-spki claim(s), each a different key", n);
}

/* The SubjectPublicKeyInfo of block |s|'s key: as received, as cached,
 * or encoded here (then kept for the cache). NULL if the key is unknown. */
static const uint8_t *block_spki(struct vctx *x, size_t s, size_t *len)
{
	struct blockkey *bk = &x->blocks[s];
	if (bk->in_spki.len != 0) {
		*len = bk->in_spki.len;
		return bk->in_spki.p;
	}
	if (bk->spki == NULL && x->r->signers[s].key != NULL) {
		unsigned char *der = NULL;
		int n = i2d_PUBKEY(x->r->signers[s].key, &der);
		if (n > 0 && (bk->spki = malloc((size_t)n)) != NULL) {
			memcpy(bk->spki, der, (size_t)n);
			bk->spki_len = (size_t)n;
			/* Kept for the cache's next verification of this certificate. */
			if (bk->cacheable)
				csra_cache_set_spki(x->v->cache, bk->dg, der, (size_t)n);
		} else if (n > 0) {
			x->r->nomem = 1;
		}
		OPENSSL_free(der);
		csra_clear_openssl_errors();
	}
	*len = bk->spki_len;
	return bk->spki;
}

/* Draft-07 section 6: each signer's SPKI SHOULD match an ak-spki value,
 * and an ak-spki claim is authoritative only when a block made with its
 * key verified; one that is not MUST NOT be taken as proof. A signer not
 * listed (CSRA_ERR_EV_SIGNER_NOT_LISTED) and a claim no verified block
 * backs (CSRA_ERR_EV_AK_SPKI_UNMATCHED) are failures here, judged by the
 * signature policy with the blocks' own failures (check_signatures):
 * under any-trusted they become warnings once a listed block verified
 * and chains, as the draft's "Detached Signatures" has Verifiers accept
 * Evidence regardless of the presence or absence of certain signatures. */
static void bind_ak_spki(struct vctx *x)
{
	csra_result *r = x->r;
	struct akset *a = x->ak;
	char path[64];
	if (a == NULL) {
		if (r->nsigners > 0)
			csra_result_add(r, "signature.listed", CSRA_STATUS_SKIP, CSRA_OK, "signatures",
			    "no ak-spki claim: the Evidence binds no signer to its content");
		return;
	}
	for (size_t s = 0; s < r->nsigners; s++) {
		size_t len = 0;
		const uint8_t *spki = block_spki(x, s, &len);
		snprintf(path, sizeof(path), "signatures[%zu]", s);
		if (spki == NULL) {
			csra_result_add(r, "signature.listed", CSRA_STATUS_SKIP, CSRA_OK, path,
			    "the signer's key is unknown: not compared with ak-spki");
			continue;
		}
		size_t t = akset_find(a, spki, len);
		if (t == a->n) {
			csra_result_add(r, "signature.listed", CSRA_STATUS_FAIL, CSRA_ERR_EV_SIGNER_NOT_LISTED,
			    path, "the signer's key is in no ak-spki claim: the content does not name it");
			continue;
		}
		x->blocks[s].listed = 1;
		if (r->signers[s].verified)
			a->backed[t] = 1;
		char cpath[64];
		csra_result_add(r, "signature.listed", CSRA_STATUS_PASS, CSRA_OK, path,
		    "the signer's key is %s's", claim_path(cpath, &r->claims[a->srt[t].claim]));
	}
	for (size_t j = 0; j < a->n; j++) {
		size_t t = a->pos[j];
		int backed = a->backed[a->run[t]];
		csra_result_add(r, "claim.ak-spki", backed ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    backed ? CSRA_OK : CSRA_ERR_EV_AK_SPKI_UNMATCHED,
		    claim_path(path, &r->claims[a->srt[t].claim]),
		    backed ? "ak-spki is the key of a signature block that verified"
		    : "no signature block with this key verified: not proof that it signed");
	}
}

static void check_freshness(struct vctx *x, const uint8_t *nonce, size_t nonce_len)
{
	csra_result *r = x->r;
	csra_claim_value v;
	if (nonce != NULL) {
		if (!csra_result_transaction_claim(r, CSRA_CLAIM_NONCE, &v))
			csra_result_add(r, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_EV_NONCE_MISSING,
			    "tbs", "a nonce was expected, and the Evidence has none");
		else if (v.len != nonce_len || memcmp(v.bytes, nonce, nonce_len) != 0)
			csra_result_add(r, "freshness.nonce", CSRA_STATUS_FAIL, CSRA_ERR_EV_NONCE_MISMATCH,
			    "tbs", "the transaction nonce differs from the expected nonce");
		else
			csra_result_add(r, "freshness.nonce", CSRA_STATUS_PASS, CSRA_OK, "tbs",
			    "the transaction nonce is the expected one");
	} else {
		csra_result_add(r, "freshness.nonce", CSRA_STATUS_SKIP, CSRA_OK, "tbs",
		    "no nonce expected: freshness not established");
	}
	if (x->v->ts_max_age < 0) {
		csra_result_add(r, "freshness.timestamp", CSRA_STATUS_SKIP, CSRA_OK, "tbs",
		    "no timestamp window configured");
		return;
	}
	if (!csra_result_transaction_claim(r, CSRA_CLAIM_TIMESTAMP, &v)) {
		csra_result_add(r, "freshness.timestamp", CSRA_STATUS_FAIL, CSRA_ERR_EV_TIMESTAMP_MISSING,
		    "tbs", "a timestamp window is set, and the Evidence has no timestamp");
		return;
	}
	/* max_age and skew are bounded (csra_verifier_set_timestamp_window);
	 * the verification time is any time_t: past its range a bound is
	 * saturated, as the window then reaches that far anyway. */
	long long t = (long long)v.time, now = (long long)x->at, lo, hi, d;
	long before = x->v->ts_max_age + x->v->ts_skew;
	if (__builtin_sub_overflow(now, (long long)before, &lo))
		lo = LLONG_MIN;
	if (__builtin_add_overflow(now, (long long)x->v->ts_skew, &hi))
		hi = LLONG_MAX;
	if (__builtin_sub_overflow(t, now, &d))
		d = t < now ? LLONG_MIN : LLONG_MAX;
	int ok = t >= lo && t <= hi;
	csra_result_add(r, "freshness.timestamp", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    ok ? CSRA_OK : CSRA_ERR_EV_TIMESTAMP_WINDOW, "tbs",
	    "timestamp is %lld s from the verification time (window -%ld..+%ld s)", d, before,
	    x->v->ts_skew);
}

/* The checks on a decoded Evidence: x->ev, x->ev_span (its DER) and
 * x->explicit_certs set, x->r owning x->d. */
static csra_err verify_decoded(struct vctx *x, size_t len, const uint8_t *nonce, size_t nonce_len,
    STACK_OF(X509) *extra, csra_result **out)
{
	span_child(&x->ev_span, 0, &x->tbs);
	span_child(&x->ev_span, 1, &x->sigs);
	csra_result_add(x->r, "decode", CSRA_STATUS_PASS, CSRA_OK, "", "strict DER, %zu bytes", len);
	check_content(x);
	if (!key_pool(x, extra))
		x->r->nomem = 1;
	collect_ak_spki(x);
	check_signatures(x);
	check_freshness(x, nonce, nonce_len);
	sk_X509_pop_free(x->pool, X509_free);
	EVP_PKEY_free(x->cold.key);
	X509_free(x->cold.anchor);
	for (size_t i = 0; x->blocks != NULL && i < x->r->nsigners; i++)
		free(x->blocks[i].spki);
	free(x->blocks);
	akset_free(&x->ak);
	csra_result_finish(x->r);
	if (x->r->nomem) {
		csra_result_free(&x->r);
		return CSRA_ERR_NOMEM;
	}
	*out = x->r;
	return CSRA_OK;
}

csra_err csra_verify_evidence(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra, csra_result **out)
{
	return csra_verify_evidence_with(v, v ? v->store : NULL, NULL, der, len, nonce, nonce_len, extra,
	    0, out);
}

csra_err csra_verify_evidence_with(const csra_verifier *v, X509_STORE *store, csra_decoded *parent,
    const uint8_t *der, size_t len, const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra,
    time_t at, csra_result **out)
{
	if (out != NULL)
		*out = NULL;
	if (v == NULL || store == NULL || der == NULL || out == NULL || (nonce == NULL && nonce_len != 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	struct vctx x;
	memset(&x, 0, sizeof(x));
	x.v = v;
	x.store = store;
	if ((x.r = csra_result_new()) == NULL)
		return CSRA_ERR_NOMEM;
	csra_result_set_md(x.r, v);
	/* One time for the whole verification: a request's, or read now. */
	if (at != 0) {
		x.at = at;
	} else if (!csra_verifier_now(v, &x.at, &x.r->wall)) {
		csra_result_add(x.r, "time.clock", CSRA_STATUS_FAIL, CSRA_ERR_CLOCK, "",
		    "the verifier's clock gave no time: nothing was verified");
		csra_result_finish(x.r);
		*out = x.r;
		return x.r->nomem ? (csra_result_free(out), CSRA_ERR_NOMEM) : CSRA_OK;
	}
	x.r->at = x.at;
	/* Within a request the Evidence was decoded with it, by the same
	 * rules: its structure is taken from there, not decoded again. */
	if (parent != NULL && (x.ev = csra_decoded_evidence_at(parent, der, len, &x.explicit_certs)) != NULL) {
		x.d = csra_decoded_ref(parent);
		x.r->decoded = x.d;
		span_at(der, der + len, &x.ev_span);
		return verify_decoded(&x, len, nonce, nonce_len, extra, out);
	}
	csra_diag dg;
	csra_err e = csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &x.d, &dg);
	if (e != CSRA_OK) {
		if (e == CSRA_ERR_NOMEM) {
			csra_result_free(&x.r);
			return e;
		}
		x.r->verdict = CSRA_VERDICT_MALFORMED;
		const char *where = strchr(dg.path, '.');
		csra_result_add(x.r, "decode", CSRA_STATUS_FAIL, e, where ? where + 1 : "",
		    "%s at byte %zu", csra_strerror(e), dg.offset);
		*out = x.r;
		return x.r->nomem ? (csra_result_free(out), CSRA_ERR_NOMEM) : CSRA_OK;
	}
	x.r->decoded = x.d;
	x.ev = csra_decoded_asn1(x.d);
	x.explicit_certs = csra_decoded_evidence_explicit(x.d);
	size_t dlen;
	const uint8_t *dder = csra_decoded_der(x.d, &dlen);
	span_at(dder, dder + dlen, &x.ev_span);
	return verify_decoded(&x, len, nonce, nonce_len, extra, out);
}

/* The statement format ------------------------------------------------ */

/* Claims of the PKIX Evidence key element bound to the request key, and
 * of the platform, as the policy reads them. */
static void evidence_claims(const csra_result *er, const csra_stmt_in *in, csra_stmt_out *out,
    csra_result *child)
{
	/* Every key element's spki is an attested key; the first whose spki
	 * claim is the request's binds, found in one pass over the claims:
	 * asking each key element in turn rescans the claims for each,
	 * quadratic in an Evidence of many keys. */
	size_t nk = csra_result_key_count(er), be = SIZE_MAX;
	for (size_t i = 0; i < er->nclaims; i++) {
		const struct csra_claim_rec *cl = &er->claims[i];
		if (cl->claim != CSRA_CLAIM_KEY_SPKI || !cl->has_value ||
		    er->elements[cl->element] != CSRA_ELEMENT_KEY)
			continue;
		if (csra_stmt_add_key(out, cl->value.bytes, cl->value.len) != CSRA_OK)
			out->err = out->err != CSRA_OK ? out->err : CSRA_ERR_NOMEM;
		if (cl->element < be && in->request_spki != NULL &&
		    csra_same(cl->value.bytes, cl->value.len, in->request_spki, in->request_spki_len))
			be = cl->element;
	}
	if (in->request_spki == NULL) {
		csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "no key to bind to: the Evidence was verified on its own (%zu key element(s))", nk);
		return;
	}
	long bound = -1;
	for (size_t e = 0; be != SIZE_MAX && e <= be; e++)
		bound += er->elements[e] == CSRA_ELEMENT_KEY;
	if (bound < 0) {
		csra_result_add(child, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, "",
		    "no key element's spki claim is the request's SubjectPublicKeyInfo (%zu key element(s))", nk);
		return;
	}
	out->bound = 1;
	csra_result_add(child, "statement.binding", CSRA_STATUS_PASS, CSRA_OK, "",
	    "key element %ld attests the request key (spki byte-equal)", bound);
	for (int c = CSRA_CLAIM_NONCE; c <= CSRA_CLAIM_KEY_PURPOSE; c++) {
		const csra_claim_info *info = csra_claim_get((csra_claim)c);
		csra_claim_value v;
		const char *el = info->element == CSRA_ELEMENT_KEY ? "key"
		    : info->element == CSRA_ELEMENT_PLATFORM ? "platform" : "transaction";
		int have = info->element == CSRA_ELEMENT_KEY
		    ? csra_result_key_claim(er, (size_t)bound, (csra_claim)c, &v)
		    : info->element == CSRA_ELEMENT_PLATFORM ? csra_result_platform_claim(er, (csra_claim)c, &v)
		    : csra_result_transaction_claim(er, (csra_claim)c, &v);
		if (!have)
			continue;
		if (info->type == CSRA_VALUE_BOOLEAN)
			csra_stmt_add_bool(out, el, info->name, v.boolean);
		else if (info->type == CSRA_VALUE_INTEGER && v.big)
			csra_stmt_add_bigint(out, el, info->name, v.bytes, v.len);
		else if (info->type == CSRA_VALUE_INTEGER)
			csra_stmt_add_int(out, el, info->name, v.integer);
		else if (info->type == CSRA_VALUE_UTF8)
			csra_stmt_add_text(out, el, info->name, v.bytes, v.len);
	}
	/* The Evidence's own checks refused what csrattest cannot carry;
	 * anything left is out of memory or the cap, and fails the statement. */
	if (csra_stmt_refused(out, child, "the Evidence")) {
		out->verified = 0;
		if (out->err == CSRA_ERR_NOMEM)
			child->nomem = 1;
	}
}

/* No AK that signed the Evidence has the request key: the pkix-key-
 * attestation draft has an AK validate attestations only, and a request
 * key that is an AK would let its holder have anything it signs read as
 * Evidence (or the reverse). Records ak.request-key; returns 1 if none. */
static int ak_not_request_key(const csra_result *er, const csra_stmt_in *in, csra_result *child)
{
	/* The request's own parse, when it has one: importing a key again
	 * costs as much as the rest of the statement's checks. */
	EVP_PKEY *own = in->request_key == NULL ? csra_spki_pkey(in->v, in->request_spki,
	    in->request_spki_len) : NULL;
	EVP_PKEY *req = in->request_key != NULL ? in->request_key : own;
	int ok = 1;
	for (size_t i = 0; req != NULL && i < er->nsigners; i++) {
		if (er->signers[i].key == NULL || EVP_PKEY_eq(er->signers[i].key, req) != 1)
			continue;
		char path[48];
		snprintf(path, sizeof(path), "signatures[%zu]", i);
		ok = csra_result_add(child, "ak.request-key", CSRA_STATUS_FAIL, CSRA_ERR_AK_IS_REQUEST_KEY,
		    path, "the signer's key is the request key: an AK signs attestations only") && 0;
	}
	if (ok)
		csra_result_add(child, "ak.request-key", CSRA_STATUS_PASS, CSRA_OK, "",
		    "no signer's key is the request key");
	EVP_PKEY_free(own);
	csra_clear_openssl_errors();
	return ok;
}

static int evidence_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)route;
	return csra_same(type, len, v->evidence_type, v->evidence_type_len);
}

/* PKIX Evidence as a file beside a request: PEM "EVIDENCE", base64 or
 * DER that the strict decoder reads as Evidence. */
static int evidence_detect(const uint8_t *p, size_t len, const struct csra_certbag *bag)
{
	(void)bag;
	csra_input_result ir;
	if (csra_input_decode(p, len, len, &ir) != CSRA_INPUT_OK)
		return 0;
	int yes = strcmp(ir.label, "EVIDENCE") == 0;
	if (!yes && ir.label[0] == '\0') {
		csra_decoded *dec = NULL;
		csra_diag dg;
		yes = csra_decode(NULL, CSRA_PDU_EVIDENCE, ir.der, ir.der_len, &dec, &dg) == CSRA_OK;
		csra_decoded_free(&dec);
	}
	free(ir.der);
	return yes;
}

static csra_err evidence_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)route;
	csra_result *er = NULL;
	const uint8_t *der = in->stmt;
	size_t der_len = in->stmt_len;
	uint8_t *file_der = NULL;
	if (in->type == NULL) {
		/* A file beside the request, as read. */
		csra_input_result ir;
		csra_input_err ie = csra_input_decode(in->stmt, in->stmt_len, in->stmt_len, &ir);
		if (ie == CSRA_INPUT_NOMEM)
			return CSRA_ERR_NOMEM;
		if (ie != CSRA_INPUT_OK || (ir.label[0] != '\0' && strcmp(ir.label, "EVIDENCE") != 0)) {
			free(ir.der);
			csra_result_add(child, "evidence.input", CSRA_STATUS_FAIL,
			    ie != CSRA_INPUT_OK ? (csra_err)csra_input_err_code(ie) : CSRA_ERR_INPUT_WRONG_LABEL, "",
			    "%s at byte %zu", ie != CSRA_INPUT_OK ? csra_input_strerror(ie)
			    : "a PEM block other than EVIDENCE", ir.err_offset);
			csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
			    "binding not checked: the statement did not verify");
			return CSRA_OK;
		}
		der = file_der = ir.der;
		der_len = ir.der_len;
	}
	X509_STORE *store = csra_verifier_store_for(v, in->type, in->type_len, v->store);
	csra_err e = csra_verify_evidence_with(v, store, d, der, der_len, in->nonce,
	    in->nonce_len, in->certs, in->at, &er);
	free(file_der);
	if (e != CSRA_OK)
		return e;
	/* The Evidence's own checks and typed claims become the child's:
	 * moved, as the child has none yet, else copied. */
	if (child->nchecks == 0)
		csra_result_take_checks(child, er);
	for (size_t i = 0; i < er->nchecks; i++)
		csra_result_copy_check(child, er, i);
	if (er->nomem)
		child->nomem = 1;
	out->verified = er->verdict == CSRA_VERDICT_VERIFIED;
	if (!ak_not_request_key(er, in, child))
		out->verified = 0;
	/* Verified with a nonce given: freshness.nonce passed. */
	out->freshness = out->verified && in->nonce != NULL ? CSRA_FRESHNESS_NONCE
	    : CSRA_FRESHNESS_NONE;
	if (out->verified)
		evidence_claims(er, in, out, child);
	else
		csra_result_add(child, "statement.binding", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "binding not checked: the statement did not verify");
	/* Keep the decoded Evidence for its claims in the report. */
	child->elements = er->elements, er->elements = NULL;
	child->nelements = er->nelements;
	child->claims = er->claims, er->claims = NULL;
	child->nclaims = er->nclaims;
	child->signers = er->signers, er->signers = NULL;
	child->nsigners = er->nsigners, er->nsigners = 0;
	child->decoded = er->decoded, er->decoded = NULL;
	csra_result_free(&er);
	return CSRA_OK;
}

const csra_format csra_format_pkix_evidence = { "pkix-evidence", evidence_handles, evidence_detect,
	evidence_verify, 0 };
