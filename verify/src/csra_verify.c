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
#include "csra_span.h"
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

csra_verifier *csra_verifier_new(void)
{
	csra_verifier *v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	const csra_oid_entry *e = &csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY];
	v->store = X509_STORE_new();
	v->untrusted = sk_X509_new_null();
	v->signer_certs = sk_X509_new_null();
	v->eku_attestation = OBJ_txt2obj(e->dotted, 1);
	v->sig_policy = CSRA_SIG_ALL;
	v->ts_max_age = -1;
	if (v->store == NULL || v->untrusted == NULL || v->signer_certs == NULL ||
	    v->eku_attestation == NULL || !csra_request_init(v)) {
		csra_verifier_free(&v);
		return NULL;
	}
	return v;
}

void csra_verifier_free(csra_verifier **vp)
{
	if (vp == NULL || *vp == NULL)
		return;
	csra_verifier *v = *vp;
	X509_STORE_free(v->store);
	sk_X509_pop_free(v->untrusted, X509_free);
	sk_X509_pop_free(v->signer_certs, X509_free);
	for (size_t i = 0; i < v->nkeys; i++) {
		EVP_PKEY_free(v->keys[i].key);
		free(v->keys[i].id);
	}
	free(v->keys);
	ASN1_OBJECT_free(v->eku_attestation);
	csra_request_free(v);
	free(v);
	*vp = NULL;
}

csra_err csra_verifier_add_trust(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (X509_STORE_add_cert(v->store, cert) != 1) {
		/* A certificate already present is not an error. */
		unsigned long e = ERR_peek_last_error();
		ERR_clear_error();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return CSRA_ERR_NOMEM;
	}
	v->ntrust++;
	return CSRA_OK;
}

static csra_err push_ref(STACK_OF(X509) *sk, X509 *cert)
{
	if (!X509_up_ref(cert))
		return CSRA_ERR_INTERNAL;
	if (!sk_X509_push(sk, cert)) {
		X509_free(cert);
		return CSRA_ERR_NOMEM;
	}
	return CSRA_OK;
}

csra_err csra_verifier_add_untrusted(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return push_ref(v->untrusted, cert);
}

csra_err csra_verifier_add_signer_cert(csra_verifier *v, X509 *cert)
{
	if (v == NULL || cert == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return push_ref(v->signer_certs, cert);
}

csra_err csra_verifier_add_signer_key(csra_verifier *v, EVP_PKEY *key, const uint8_t *keyid,
    size_t keyid_len)
{
	if (v == NULL || key == NULL || keyid == NULL || keyid_len == 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	struct keyid_key *n = realloc(v->keys, (v->nkeys + 1) * sizeof(*n));
	if (n == NULL)
		return CSRA_ERR_NOMEM;
	v->keys = n;
	uint8_t *id = malloc(keyid_len);
	if (id == NULL)
		return CSRA_ERR_NOMEM;
	if (!EVP_PKEY_up_ref(key)) {
		free(id);
		return CSRA_ERR_INTERNAL;
	}
	memcpy(id, keyid, keyid_len);
	n[v->nkeys++] = (struct keyid_key){ key, id, keyid_len };
	return CSRA_OK;
}

/* Reads every certificate of the PEM file |path| (or of each regular file
 * of the directory |path|) into |add|. */
static csra_err add_pem(csra_verifier *v, const char *path,
    csra_err (*add)(csra_verifier *, X509 *))
{
	struct stat st;
	if (v == NULL || path == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (stat(path, &st) != 0)
		return CSRA_ERR_IO;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		int any = 0;
		if (d == NULL)
			return CSRA_ERR_IO;
		while ((de = readdir(d)) != NULL) {
			char sub[PATH_MAX];
			struct stat sst;
			if (de->d_name[0] == '.' ||
			    snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub) ||
			    stat(sub, &sst) != 0 || !S_ISREG(sst.st_mode))
				continue;
			if (add_pem(v, sub, add) == CSRA_OK)
				any = 1;
		}
		closedir(d);
		return any ? CSRA_OK : CSRA_ERR_IO;
	}
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return CSRA_ERR_IO;
	X509 *x;
	int n = 0;
	csra_err e = CSRA_OK;
	while (e == CSRA_OK && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		e = add(v, x);
		X509_free(x);
		n++;
	}
	ERR_clear_error();	/* PEM_read_X509 ends with "no start line" */
	fclose(f);
	return e != CSRA_OK ? e : n ? CSRA_OK : CSRA_ERR_IO;
}

csra_err csra_verifier_add_trust_file(csra_verifier *v, const char *path)
{
	return add_pem(v, path, csra_verifier_add_trust);
}

csra_err csra_verifier_add_untrusted_file(csra_verifier *v, const char *path)
{
	return add_pem(v, path, csra_verifier_add_untrusted);
}

csra_err csra_verifier_set_time(csra_verifier *v, time_t t)
{
	if (v == NULL || t < 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->at = t;
	return CSRA_OK;
}

csra_err csra_verifier_set_sig_policy(csra_verifier *v, csra_sig_policy p)
{
	if (v == NULL || (p != CSRA_SIG_ALL && p != CSRA_SIG_ANY_TRUSTED))
		return CSRA_ERR_INVALID_ARGUMENT;
	v->sig_policy = p;
	return CSRA_OK;
}

csra_err csra_verifier_set_strict(csra_verifier *v, int on)
{
	if (v == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->strict = on != 0;
	return CSRA_OK;
}

csra_err csra_verifier_set_timestamp_window(csra_verifier *v, long max_age, long skew)
{
	if (v == NULL || skew < 0)
		return CSRA_ERR_INVALID_ARGUMENT;
	v->ts_max_age = max_age;
	v->ts_skew = skew;
	return CSRA_OK;
}

/* Claims ------------------------------------------------------------- */

struct vctx {
	const csra_verifier *v;
	csra_result *r;
	csra_decoded *d;
	const Evidence_t *ev;
	struct span ev_span, tbs, sigs;
	STACK_OF(X509) *pool;	/* intermediates for path building */
	X509_STORE *store;	/* trust anchors */
	time_t at;
};

static int add_claim(csra_result *r, csra_claim c, size_t element, size_t index,
    const csra_claim_value *v)
{
	struct csra_claim_rec *n = realloc(r->claims, (r->nclaims + 1) * sizeof(*n));
	if (n == NULL) {
		r->nomem = 1;
		return 0;
	}
	r->claims = n;
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

/* A DER INTEGER (minimal, checked by the gate) as int64_t, if it fits. */
static int integer_i64(const INTEGER_t *in, int64_t *out)
{
	if (in->size < 1 || in->size > 8)
		return 0;
	uint64_t u = (in->buf[0] & 0x80) ? UINT64_MAX : 0;
	for (int i = 0; i < in->size; i++)
		u = (u << 8) | in->buf[i];
	*out = (int64_t)u;	/* two's complement: implementation-defined, fine on our targets */
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
		if (!integer_i64(val, &out->integer))
			return CSRA_ERR_EV_INTEGER_RANGE;
		break;
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

static int same_value(const csra_claim_value *a, const csra_claim_value *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
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

	int n = tbs->reportedElements.list.count;
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
		snprintf(path, sizeof(path), "tbs.reportedElements[%d]", e);
		if (type == CSRA_ELEMENT_PLATFORM && ++platforms == 2)
			csra_result_add(r, "evidence.platform-count", CSRA_STATUS_FAIL,
			    CSRA_ERR_EV_DUPLICATE_PLATFORM, path,
			    "a second platform element (at most one is allowed)");
		if (type == CSRA_ELEMENT_TRANSACTION && ++transactions == 2)
			csra_result_add(r, "evidence.transaction-count", CSRA_STATUS_FAIL,
			    CSRA_ERR_EV_DUPLICATE_TRANSACTION, path,
			    "a second transaction element (at most one is allowed)");
		if (type == CSRA_ELEMENT_UNKNOWN) {
			char oid[96];
			csra_oid_to_str(el->elementType.buf, el->elementType.size, oid, sizeof(oid));
			csra_result_add(r, "evidence.unknown-element",
			    x->v->strict ? CSRA_STATUS_FAIL : CSRA_STATUS_SKIP,
			    x->v->strict ? CSRA_ERR_EV_UNKNOWN_ELEMENT : CSRA_OK, path,
			    "element type %s is unknown: %s", oid, x->v->strict ? "rejected (strict)" : "ignored");
			continue;
		}
		int seen[CSRA_CLAIM_KEY_PURPOSE + 1] = { 0 };
		for (int c = 0; c < el->claims.list.count; c++) {
			const ReportedClaim_t *cl = el->claims.list.array[c];
			csra_claim claim = csra_claim_from_oid(cl->claimType.buf, cl->claimType.size);
			const csra_claim_info *info = csra_claim_get(claim);
			snprintf(path, sizeof(path), "tbs.reportedElements[%d].claims[%d]", e, c);
			if (info == NULL) {
				char oid[96];
				csra_oid_to_str(cl->claimType.buf, cl->claimType.size, oid, sizeof(oid));
				csra_result_add(r, "claim.unknown",
				    x->v->strict ? CSRA_STATUS_FAIL : CSRA_STATUS_SKIP,
				    x->v->strict ? CSRA_ERR_EV_UNKNOWN_CLAIM : CSRA_OK, path,
				    "claim type %s is unknown: %s", oid,
				    x->v->strict ? "rejected (strict)" : "ignored");
				continue;
			}
			if (info->element != type) {
				csra_result_add(r, "claim.element", CSRA_STATUS_FAIL,
				    CSRA_ERR_EV_CLAIM_WRONG_ELEMENT, path,
				    "claim %s does not belong in this element", info->name);
				bad_claims++;
				continue;
			}
			if (seen[claim]++ && !info->multiple) {
				csra_result_add(r, "claim.repeated", CSRA_STATUS_FAIL,
				    CSRA_ERR_EV_CLAIM_REPEATED, path,
				    "claim %s appears more than once in its element", info->name);
				bad_claims++;
				continue;
			}
			if (cl->value == NULL) {
				csra_result_add(r, "claim.value", CSRA_STATUS_FAIL, CSRA_ERR_EV_CLAIM_NO_VALUE,
				    path, "claim %s has no value", info->name);
				bad_claims++;
				continue;
			}
			csra_claim_value cv;
			csra_err ce = claim_value(x, cl, info, &cv);
			if (ce != CSRA_OK) {
				csra_result_add(r, "claim.value", CSRA_STATUS_FAIL, ce, path,
				    "claim %s: %s", info->name, csra_strerror(ce));
				bad_claims++;
				continue;
			}
			if (claim == CSRA_CLAIM_FIPSLEVEL) {
				int ok = cv.integer >= 1 && cv.integer <= 4;
				csra_result_add(r, "claim.fipslevel", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
				    ok ? CSRA_OK : CSRA_ERR_EV_FIPSLEVEL_RANGE, path,
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

	/* Every key element names itself, and no two share a name. */
	int keys = 0, key_ok = 1;
	for (size_t e = 0; e < r->nelements; e++) {
		if (r->elements[e] != CSRA_ELEMENT_KEY)
			continue;
		keys++;
		snprintf(path, sizeof(path), "tbs.reportedElements[%zu]", e);
		int has_id = 0;
		for (size_t i = 0; i < r->nclaims; i++) {
			const struct csra_claim_rec *a = &r->claims[i];
			if (a->element != e || a->claim != CSRA_CLAIM_KEY_IDENTIFIER)
				continue;
			has_id = 1;
			for (size_t k = 0; k < r->nclaims; k++) {
				const struct csra_claim_rec *b = &r->claims[k];
				if (b->element < e && b->claim == CSRA_CLAIM_KEY_IDENTIFIER &&
				    r->elements[b->element] == CSRA_ELEMENT_KEY && same_value(&a->value, &b->value)) {
					csra_result_add(r, "key.identifier-unique", CSRA_STATUS_FAIL,
					    CSRA_ERR_EV_KEY_DUPLICATE_IDENTIFIER, path,
					    "identifier \"%.*s\" is also used by tbs.reportedElements[%zu]",
					    (int)(a->value.len > 64 ? 64 : a->value.len), (const char *)a->value.bytes,
					    b->element);
					key_ok = 0;
				}
			}
		}
		if (!has_id) {
			csra_result_add(r, "key.identifier", CSRA_STATUS_FAIL, CSRA_ERR_EV_KEY_NO_IDENTIFIER,
			    path, "key element without an identifier claim");
			key_ok = 0;
		}
	}
	if (keys > 0 && key_ok)
		csra_result_add(r, "key.identifier", CSRA_STATUS_PASS, CSRA_OK, "tbs",
		    "%d key element(s), each with its own identifier", keys);
}

/* Signatures --------------------------------------------------------- */

enum params_rule { P_ABSENT, P_NULL_OR_ABSENT, P_PSS };

struct sigalg {
	csra_oid_id oid;
	const char *md;		/* NULL: the algorithm hashes itself */
	const char *key;	/* OpenSSL key type name */
	enum params_rule params;
};

/* Adding an algorithm is a row here; ML-DSA rows work whenever the linked
 * OpenSSL (3.5 and later) knows the key type, and otherwise fail as
 * CSRA_ERR_SIG_ALG_UNAVAILABLE. */
static const struct sigalg sigalgs[] = {
	{ CSRA_OID_ECDSA_WITH_SHA256, "SHA256", "EC", P_ABSENT },
	{ CSRA_OID_ECDSA_WITH_SHA384, "SHA384", "EC", P_ABSENT },
	{ CSRA_OID_ECDSA_WITH_SHA512, "SHA512", "EC", P_ABSENT },
	{ CSRA_OID_SHA256WITHRSAENCRYPTION, "SHA256", "RSA", P_NULL_OR_ABSENT },
	{ CSRA_OID_SHA384WITHRSAENCRYPTION, "SHA384", "RSA", P_NULL_OR_ABSENT },
	{ CSRA_OID_SHA512WITHRSAENCRYPTION, "SHA512", "RSA", P_NULL_OR_ABSENT },
	{ CSRA_OID_ID_RSASSA_PSS, NULL, "RSA", P_PSS },
	{ CSRA_OID_ID_ED25519, NULL, "ED25519", P_ABSENT },
	{ CSRA_OID_ID_ED448, NULL, "ED448", P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_44, NULL, "ML-DSA-44", P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_65, NULL, "ML-DSA-65", P_ABSENT },
	{ CSRA_OID_ID_ML_DSA_87, NULL, "ML-DSA-87", P_ABSENT },
};

static const struct sigalg *find_sigalg(const OBJECT_IDENTIFIER_t *oid)
{
	for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		if (csra_oid_is(oid->buf, (size_t)oid->size, sigalgs[i].oid))
			return &sigalgs[i];
	return NULL;
}

/* RSASSA-PSS parameters (RFC 4055): SHA-2 hash, MGF1 with the same hash,
 * salt as long as the hash, trailer 1. Sets |*md| and |*salt|. */
static csra_err pss_params(const ANY_t *params, const EVP_MD **md, int *salt)
{
	if (params == NULL)
		return CSRA_ERR_SIG_ALG_PARAMS;
	const unsigned char *p = params->buf;
	RSA_PSS_PARAMS *pss = d2i_RSA_PSS_PARAMS(NULL, &p, params->size);
	X509_ALGOR *mgf_md = NULL;
	csra_err e = CSRA_ERR_SIG_ALG_PARAMS;
	/* Absent fields default to SHA-1, which is not accepted. */
	if (pss == NULL || p != params->buf + params->size || pss->hashAlgorithm == NULL ||
	    pss->maskGenAlgorithm == NULL)
		goto out;
	int hnid = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	if (hnid != NID_sha256 && hnid != NID_sha384 && hnid != NID_sha512)
		goto out;
	/* OpenSSL 3.0's d2i leaves maskHash unset: unpack MGF1's parameter. */
	if (OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 ||
	    pss->maskGenAlgorithm->parameter == NULL ||
	    (mgf_md = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
	    pss->maskGenAlgorithm->parameter)) == NULL ||
	    OBJ_obj2nid(mgf_md->algorithm) != hnid)
		goto out;
	*md = EVP_get_digestbynid(hnid);
	long s = 20;
	if (pss->saltLength != NULL && (s = ASN1_INTEGER_get(pss->saltLength)) < 0)
		goto out;
	if (*md == NULL || s != EVP_MD_get_size(*md))
		goto out;
	if (pss->trailerField != NULL && ASN1_INTEGER_get(pss->trailerField) != 1)
		goto out;
	*salt = (int)s;
	e = CSRA_OK;
out:
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pss);
	ERR_clear_error();
	return e;
}

static int is_null(const ANY_t *a)
{
	return a != NULL && a->size == 2 && a->buf[0] == 0x05 && a->buf[1] == 0x00;
}

/* Checks the algorithm against the key and verifies the signature. */
static csra_err verify_sig(const SignatureBlock_t *sb, EVP_PKEY *key, const struct span *tbs,
    char *why, size_t whylen)
{
	const struct sigalg *alg = find_sigalg(&sb->signatureAlgorithm.algorithm);
	const ANY_t *params = sb->signatureAlgorithm.parameters;
	const EVP_MD *md = NULL;
	int salt = 0;
	why[0] = '\0';
	if (alg == NULL)
		return CSRA_ERR_SIG_ALG_UNKNOWN;
	switch (alg->params) {
	case P_ABSENT:
		if (params != NULL)
			return CSRA_ERR_SIG_ALG_PARAMS;
		break;
	case P_NULL_OR_ABSENT:
		if (params != NULL && !is_null(params))
			return CSRA_ERR_SIG_ALG_PARAMS;
		break;
	case P_PSS: {
		csra_err e = pss_params(params, &md, &salt);
		if (e != CSRA_OK)
			return e;
		break;
	}
	}
	if (strncmp(alg->key, "ML-DSA", 6) == 0) {
		EVP_PKEY_CTX *probe = EVP_PKEY_CTX_new_from_name(NULL, alg->key, NULL);
		ERR_clear_error();
		if (probe == NULL)
			return CSRA_ERR_SIG_ALG_UNAVAILABLE;
		EVP_PKEY_CTX_free(probe);
	}
	int key_ok = EVP_PKEY_is_a(key, alg->key) ||
	    (alg->params == P_PSS && EVP_PKEY_is_a(key, "RSA-PSS"));
	if (!key_ok)
		return CSRA_ERR_SIG_ALG_KEY_MISMATCH;
	if (strcmp(alg->key, "RSA") == 0 && EVP_PKEY_get_bits(key) < 2048) {
		snprintf(why, whylen, "%d bits", EVP_PKEY_get_bits(key));
		return CSRA_ERR_SIG_RSA_TOO_SMALL;
	}
	if (strcmp(alg->key, "EC") == 0) {
		char group[64];
		size_t glen;
		if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), &glen) ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "secp384r1") != 0 &&
		    strcmp(group, "secp521r1") != 0)) {
			snprintf(why, whylen, "curve not P-256, P-384 or P-521");
			return CSRA_ERR_SIG_KEY_UNSUPPORTED;
		}
	}
	if (md == NULL && alg->md != NULL)
		md = EVP_get_digestbyname(alg->md);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	csra_err e = CSRA_ERR_SIG_INVALID;
	if (ctx != NULL && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1 &&
	    (alg->params != P_PSS ||
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1)) &&
	    EVP_DigestVerify(ctx, sb->signatureValue.buf, (size_t)sb->signatureValue.size,
	    tbs->p, tbs->len) == 1)
		e = CSRA_OK;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return e;
}

static X509 *d2i_cert(const struct span *s)
{
	const unsigned char *p = s->p;
	X509 *x = d2i_X509(NULL, &p, (long)s->len);
	if (x == NULL || p != s->p + s->len) {
		X509_free(x);
		ERR_clear_error();
		return NULL;
	}
	return x;
}

static EVP_PKEY *d2i_spki(const struct span *s)
{
	const unsigned char *p = s->p;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)s->len);
	if (k == NULL || p != s->p + s->len) {
		EVP_PKEY_free(k);
		ERR_clear_error();
		return NULL;
	}
	return k;
}

static int has_eku(const csra_verifier *v, X509 *x)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	int found = 0;
	for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), v->eku_attestation) == 0)
			found = 1;
	EXTENDED_KEY_USAGE_free(eku);
	ERR_clear_error();
	return found;
}

/* KeyUsage, EKU and the path to a trust anchor, by OpenSSL. Returns 1 if
 * all hold; records a check for each. */
static int check_ak(struct vctx *x, X509 *cert, const char *path, struct csra_signer_rec *s)
{
	csra_result *r = x->r;
	int ok = 1;
	uint32_t flags = X509_get_extension_flags(cert);
	if ((flags & EXFLAG_KUSAGE) && (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE))
		csra_result_add(r, "ak.key-usage", CSRA_STATUS_PASS, CSRA_OK, path,
		    "KeyUsage has digitalSignature");
	else
		ok = csra_result_add(r, "ak.key-usage", CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_DIGITAL_SIGNATURE,
		    path, "KeyUsage %s", (flags & EXFLAG_KUSAGE) ? "lacks digitalSignature" : "is absent") && 0;
	if (has_eku(x->v, cert))
		csra_result_add(r, "ak.eku", CSRA_STATUS_PASS, CSRA_OK, path,
		    "ExtendedKeyUsage has id-kp-attestationKey");
	else
		ok = csra_result_add(r, "ak.eku", CSRA_STATUS_FAIL, CSRA_ERR_AK_NO_EKU, path,
		    "ExtendedKeyUsage lacks id-kp-attestationKey (%s)",
		    csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY].dotted) && 0;

	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, x->store, cert, x->pool) != 1) {
		X509_STORE_CTX_free(ctx);
		r->nomem = 1;
		return 0;
	}
	/* No purpose is set: OpenSSL then checks no EKU along the path, so an
	 * AK whose only EKU is id-kp-attestationKey is not refused for it; the
	 * EKU check above is ours. */
	X509_STORE_CTX_set_time(ctx, 0, x->at);
	int vr = X509_verify_cert(ctx);
	if (vr == 1) {
		s->chain = X509_STORE_CTX_get1_chain(ctx);
		csra_result_add(r, "ak.chain", CSRA_STATUS_PASS, CSRA_OK, path,
		    "path of %d certificate(s) to a trust anchor", s->chain ? sk_X509_num(s->chain) : 0);
	} else {
		int err = X509_STORE_CTX_get_error(ctx);
		csra_err code;
		switch (err) {
		case X509_V_ERR_CERT_HAS_EXPIRED:
		case X509_V_ERR_CERT_NOT_YET_VALID:
			code = CSRA_ERR_AK_EXPIRED;
			break;
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
			code = CSRA_ERR_AK_UNTRUSTED;
			break;
		default:
			code = CSRA_ERR_AK_CHAIN;
			break;
		}
		csra_result_add(r, "ak.chain", CSRA_STATUS_FAIL, code, path,
		    "OpenSSL: %s (at depth %d)", X509_verify_cert_error_string(err),
		    X509_STORE_CTX_get_error_depth(ctx));
		ok = 0;
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A keyId names a certificate (by subject key identifier) or a bare key
 * the caller supplied. */
static int resolve_keyid(const csra_verifier *v, const OCTET_STRING_t *kid, X509 **cert, EVP_PKEY **key)
{
	for (int i = 0; i < sk_X509_num(v->signer_certs); i++) {
		X509 *c = sk_X509_value(v->signer_certs, i);
		const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(c);
		if (ski != NULL && ASN1_STRING_length(ski) == kid->size &&
		    memcmp(ASN1_STRING_get0_data(ski), kid->buf, (size_t)kid->size) == 0) {
			X509_up_ref(c);
			*cert = c;
			return 1;
		}
	}
	for (size_t i = 0; i < v->nkeys; i++) {
		if (v->keys[i].id_len == (size_t)kid->size &&
		    memcmp(v->keys[i].id, kid->buf, v->keys[i].id_len) == 0) {
			EVP_PKEY_up_ref(v->keys[i].key);
			*key = v->keys[i].key;
			return 1;
		}
	}
	return 0;
}

static void check_block(struct vctx *x, int i, struct csra_signer_rec *s)
{
	csra_result *r = x->r;
	const SignatureBlock_t *sb = x->ev->signatures.list.array[i];
	char path[64], why[96];
	struct span blk, sid, wrap, inner;
	snprintf(path, sizeof(path), "signatures[%d]", i);
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	int caller_key = 0;
	if (!span_child(&x->sigs, i, &blk) || !span_child(&blk, 0, &sid)) {
		r->nomem = 1;	/* cannot happen on decoded input */
		return;
	}
	if (sb->sid.certificate != NULL) {
		if (!span_tagged(&sid, 0xa2, &wrap) || !span_child(&wrap, 0, &inner) ||
		    (cert = d2i_cert(&inner)) == NULL) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_BAD_KEY,
			    path, "OpenSSL cannot parse the signer's certificate");
			return;
		}
	}
	if (sb->sid.subjectPublicKeyInfo != NULL) {
		if (!span_tagged(&sid, 0xa1, &wrap) || !span_child(&wrap, 0, &inner) ||
		    (key = d2i_spki(&inner)) == NULL) {
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
	if (cert == NULL && key == NULL && sb->sid.keyId != NULL) {
		if (!resolve_keyid(x->v, sb->sid.keyId, &cert, &key)) {
			csra_result_add(r, "signature.signer", CSRA_STATUS_FAIL, CSRA_ERR_SIG_KEYID_UNKNOWN,
			    path, "keyId names no certificate or key supplied by the caller");
			return;
		}
		caller_key = cert == NULL;
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
		return;
	}
	csra_result_add(r, "signature.signer", CSRA_STATUS_PASS, CSRA_OK, path,
	    "signer given by %s", cert ? (sb->sid.certificate ? "certificate" : "keyId (certificate)")
	    : caller_key ? "keyId (caller's key)" : "subjectPublicKeyInfo");
	s->key = key;

	csra_err e = verify_sig(sb, key, &x->tbs, why, sizeof(why));
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
	if (cert != NULL) {
		char cpath[96];
		snprintf(cpath, sizeof(cpath), "%s.sid.%s", path,
		    sb->sid.certificate ? "certificate" : "keyId");
		s->trusted = check_ak(x, cert, cpath, s) && s->verified;
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

/* Collects Evidence.intermediateCertificates, in either tagging, as
 * received, with the caller's intermediates. */
static int build_pool(struct vctx *x, STACK_OF(X509) *extra)
{
	x->pool = sk_X509_new_null();
	if (x->pool == NULL)
		return 0;
	for (int i = 0; i < sk_X509_num(x->v->untrusted); i++)
		if (push_ref(x->pool, sk_X509_value(x->v->untrusted, i)) != CSRA_OK)
			return 0;
	for (int i = 0; extra != NULL && i < sk_X509_num(extra); i++)
		if (push_ref(x->pool, sk_X509_value(extra, i)) != CSRA_OK)
			return 0;
	struct span certs, list, c;
	if (!span_tagged(&x->ev_span, 0xa0, &certs))
		return 1;
	list = certs;
	if (csra_decoded_evidence_explicit(x->d) && !span_child(&certs, 0, &list))
		return 1;
	for (int i = 0; span_child(&list, i, &c); i++) {
		X509 *cert = d2i_cert(&c);
		if (cert == NULL) {
			char path[64];
			snprintf(path, sizeof(path), "intermediateCertificates[%d]", i);
			csra_result_add(x->r, "evidence.intermediates", CSRA_STATUS_WARN,
			    CSRA_ERR_SIG_BAD_KEY, path, "OpenSSL cannot parse this certificate; not used");
			continue;
		}
		if (!sk_X509_push(x->pool, cert)) {
			X509_free(cert);
			return 0;
		}
	}
	return 1;
}

static void check_signatures(struct vctx *x)
{
	csra_result *r = x->r;
	int n = x->ev->signatures.list.count;
	if (n == 0) {
		csra_result_add(r, "signature.present", CSRA_STATUS_FAIL, CSRA_ERR_EV_UNSIGNED,
		    "signatures", "no signature block: unsigned Evidence is untrusted (draft-07 section 6)");
		return;
	}
	csra_result_add(r, "signature.present", CSRA_STATUS_PASS, CSRA_OK, "signatures",
	    "%d signature block(s)", n);
	r->signers = calloc((size_t)n, sizeof(*r->signers));
	if (r->signers == NULL) {
		r->nomem = 1;
		return;
	}
	r->nsigners = (size_t)n;
	size_t first = r->nchecks;
	int trusted = 0;
	for (int i = 0; i < n; i++) {
		check_block(x, i, &r->signers[i]);
		trusted += r->signers[i].trusted;
	}
	if (x->v->sig_policy == CSRA_SIG_ALL) {
		int ok = trusted == n;
		csra_result_add(r, "signature.policy", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    ok ? CSRA_OK : CSRA_ERR_SIG_POLICY, "signatures",
		    "policy all: %d of %d block(s) verified and trusted", trusted, n);
		return;
	}
	int ok = trusted > 0;
	if (ok) {
		/* One trusted block satisfies the policy: the others' failures
		 * are reported, but do not decide the verdict. */
		for (size_t i = first; i < r->nchecks; i++)
			if (r->checks[i].status == CSRA_STATUS_FAIL)
				r->checks[i].status = CSRA_STATUS_WARN;
	}
	csra_result_add(r, "signature.policy", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    ok ? CSRA_OK : CSRA_ERR_SIG_POLICY, "signatures",
	    "policy any-trusted: %d of %d block(s) verified and trusted", trusted, n);
}

/* An ak-spki claim binds only when a block made by that key verified. */
static void check_ak_spki(struct vctx *x)
{
	csra_result *r = x->r;
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct csra_claim_rec *c = &r->claims[i];
		if (c->claim != CSRA_CLAIM_AK_SPKI)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "tbs.reportedElements[%zu].claims[%zu]", c->element, c->index);
		int matched = 0;
		for (size_t s = 0; s < r->nsigners && !matched; s++) {
			unsigned char *der = NULL;
			if (!r->signers[s].verified || r->signers[s].key == NULL)
				continue;
			int len = i2d_PUBKEY(r->signers[s].key, &der);
			matched = len > 0 && (size_t)len == c->value.len && memcmp(der, c->value.bytes, c->value.len) == 0;
			OPENSSL_free(der);
		}
		csra_result_add(r, "claim.ak-spki", matched ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
		    matched ? CSRA_OK : CSRA_ERR_EV_AK_SPKI_MISMATCH, path,
		    matched ? "ak-spki is the key of a verified signature block"
		    : "ak-spki matches no signature block that verified");
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
	long long t = (long long)v.time, now = (long long)x->at;
	int ok = t >= now - x->v->ts_max_age - x->v->ts_skew && t <= now + x->v->ts_skew;
	csra_result_add(r, "freshness.timestamp", ok ? CSRA_STATUS_PASS : CSRA_STATUS_FAIL,
	    ok ? CSRA_OK : CSRA_ERR_EV_TIMESTAMP_WINDOW, "tbs",
	    "timestamp is %lld s from the verification time (window -%ld..+%ld s)", t - now,
	    x->v->ts_max_age + x->v->ts_skew, x->v->ts_skew);
}

csra_err csra_verify_evidence(const csra_verifier *v, const uint8_t *der, size_t len,
    const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra, csra_result **out)
{
	return csra_verify_evidence_with(v, v ? v->store : NULL, der, len, nonce, nonce_len, extra, out);
}

csra_err csra_verify_evidence_with(const csra_verifier *v, X509_STORE *store, const uint8_t *der,
    size_t len, const uint8_t *nonce, size_t nonce_len, STACK_OF(X509) *extra, csra_result **out)
{
	if (out != NULL)
		*out = NULL;
	if (v == NULL || store == NULL || der == NULL || out == NULL || (nonce == NULL && nonce_len != 0))
		return CSRA_ERR_INVALID_ARGUMENT;
	struct vctx x;
	memset(&x, 0, sizeof(x));
	x.v = v;
	x.store = store;
	x.at = v->at ? v->at : time(NULL);
	if ((x.r = csra_result_new()) == NULL)
		return CSRA_ERR_NOMEM;
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
	x.ev = csra_decoded_value(x.d);
	size_t dlen;
	const uint8_t *dder = csra_decoded_der(x.d, &dlen);
	span_at(dder, dder + dlen, &x.ev_span);
	span_child(&x.ev_span, 0, &x.tbs);
	span_child(&x.ev_span, 1, &x.sigs);
	csra_result_add(x.r, "decode", CSRA_STATUS_PASS, CSRA_OK, "", "strict DER, %zu bytes", len);
	check_content(&x);
	if (!build_pool(&x, extra))
		x.r->nomem = 1;
	check_signatures(&x);
	check_ak_spki(&x);
	check_freshness(&x, nonce, nonce_len);
	sk_X509_pop_free(x.pool, X509_free);
	csra_result_finish(x.r);
	if (x.r->nomem) {
		csra_result_free(&x.r);
		return CSRA_ERR_NOMEM;
	}
	*out = x.r;
	return CSRA_OK;
}
