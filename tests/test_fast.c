/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generated fast path (csra_fast_decode) against the plan walk
 * (csra_gate_decode): the same verdict on every input, the same
 * structures when both accept, and csra_decode's diagnostics unchanged
 * where the fast path refuses and the walk runs after it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn_refs.h"
#include "fast_diff.h"
#include "testutil.h"

#include "csra_arena.h"
#include "csra_codec_int.h"
#include "csra_der_rules.h"
#include "csra_fast.h"
#include "csra_gate.h"
#include "csra_gate_plan.h"
#include "Evidence.h"
#include "ReportedClaim.h"
#include "csrattest/codec.h"

static unsigned long accepted, refused, compared;

/* 1 unless the two disagree; prints why. */
static int agree(csra_pdu pdu, const uint8_t *der, size_t len, unsigned depth)
{
	char why[256];
	enum fast_diff r = fast_diff(pdu, der, len, depth, why, sizeof(why));
	compared++;
	if (r == FD_BOTH_ACCEPT)
		accepted++;
	else if (r == FD_BOTH_REFUSE)
		refused++;
	if (r == FD_FAST_ONLY || r == FD_WALK_ONLY || r == FD_VALUE || r == FD_ALLOC) {
		fprintf(stderr, "pdu %d, %zu bytes, depth %u: %s (%d)\n", (int)pdu, len, depth, why, (int)r);
		return 0;
	}
	return 1;
}

/* Every byte of |der| changed a few ways, and every truncation. */
static int mutate(csra_pdu pdu, const uint8_t *der, size_t len)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0x20 };
	uint8_t *m = malloc(len ? len : 1);
	CHECK(m != NULL);
	int ok = 1;
	for (size_t i = 0; i < len && ok; i++) {
		for (size_t k = 0; k < sizeof(flips) + 2 && ok; k++) {
			memcpy(m, der, len);
			m[i] = k < sizeof(flips) ? (uint8_t)(m[i] ^ flips[k]) : k == sizeof(flips) ? 0x00 : 0xff;
			ok = agree(pdu, m, len, 32);
		}
		if (ok)
			ok = agree(pdu, der, i, 32);
	}
	free(m);
	return ok;
}

static const char *const vectors[] = {
	"vectors/pkix-evidence/evidence1.pem", "vectors/pkix-evidence/evidence2.pem",
	"vectors/pkix-evidence/evidence3.pem",
};
static const char *const certs[] = {
	"vectors/pkix-evidence/ak.crt", "vectors/pkix-evidence/int.crt",
	"vectors/pkix-evidence/ca.crt",
};
static const char *const csrs[] = {
	"vectors/csr/tpm2-certify-legacy-utf8hint.pem",
	"vectors/csr/tpm2-certify-legacy-ia5hint-badsig.pem",
};

static int shared_case(const char *rel, csra_pdu pdu, int mutations)
{
	uint8_t *der;
	size_t len;
	CHECK(tu_shared_der(rel, &der, &len));
	unsigned long before = accepted;
	int ok = agree(pdu, der, len, 32) && accepted == before + 1 && (!mutations || mutate(pdu, der, len));
	free(der);
	if (!ok)
		fprintf(stderr, "%s\n", rel);
	return ok;
}

/* The shared vectors are accepted by both, and so is every input made
 * from them a byte at a time, or refused by both. */
static int test_fast_vectors_and_mutations(void)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		CHECK(shared_case(vectors[i], CSRA_PDU_EVIDENCE, i == 1));
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
		CHECK(shared_case(certs[i], CSRA_PDU_CERTIFICATE, i == 0));
	for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
		CHECK(shared_case(csrs[i], CSRA_PDU_CERTIFICATION_REQUEST, i == 0));
	/* The mutations must reach both verdicts, or they test nothing. */
	CHECK(accepted > 8 && refused > 1000);
	return 1;
}

/* Every committed fuzz seed, as every PDU. */
static int test_fast_corpus(void)
{
	static const char *const dirs[] = { "decode", "der_roundtrip", "evidence", "csr", "crmf",
		"cert", "bundle", "tpm", "crypto4a" };
	unsigned long files = 0, before = accepted;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/fuzz/corpus/%s", CSRA_SOURCE_DIR, dirs[d]);
		DIR *dir = opendir(path);
		if (dir == NULL)
			continue;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			char file[1024];
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			size_t len = 0;
			uint8_t *buf = NULL;
			FILE *f = fopen(file, "rb");
			if (f != NULL) {
				buf = malloc(1 << 20);
				len = buf ? fread(buf, 1, 1 << 20, f) : 0;
				fclose(f);
			}
			int ok = 1;
			for (int pdu = 1; pdu <= CSRA_PDU_COUNT && ok && buf != NULL; pdu++)
				ok = agree((csra_pdu)pdu, buf, len, 32) &&
				    (len == 0 || agree((csra_pdu)pdu, buf + 1, len - 1, 32));
			free(buf);
			files++;
			if (!ok) {
				closedir(dir);
				fprintf(stderr, "%s\n", file);
				return 0;
			}
		}
		closedir(dir);
	}
	CHECK(files > 50 && accepted > before);
	return 1;
}

/* The nesting limit cuts at the same depth on both sides. */
static int test_fast_depth(void)
{
	uint8_t *der;
	size_t len;
	CHECK(tu_shared_der("vectors/pkix-evidence/evidence2.pem", &der, &len));
	unsigned long a = accepted, r = refused;
	int ok = 1;
	for (unsigned depth = 1; depth <= 40 && ok; depth++)
		ok = agree(CSRA_PDU_EVIDENCE, der, len, depth);
	free(der);
	CHECK(ok);
	CHECK(accepted > a && refused > r);
	return 1;
}

/* Small inputs, one rule each: both refuse (or accept), and csra_decode,
 * which runs the walk after the fast path refuses, still reports the
 * walk's code. */
static const struct rule_case {
	const char *what;
	csra_pdu pdu;
	const uint8_t der[64];
	size_t len;
	csra_err code;
} rule_cases[] = {
	{ "critical TRUE", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x01, 0x00 },
	  15, CSRA_OK },
	{ "critical absent", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x01, 0x00 }, 12, CSRA_OK },
	{ "DEFAULT encoded", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0x00, 0x04, 0x01, 0x00 },
	  15, CSRA_ERR_DER_DEFAULT_ENCODED },
	{ "BOOLEAN 0x01", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0x01, 0x04, 0x01, 0x00 },
	  15, CSRA_ERR_DER_BAD_BOOLEAN },
	{ "SIZE (1..MAX)", CSRA_PDU_EXTENSIONS, { 0x30, 0x00 }, 2, CSRA_ERR_DER_CONSTRAINT },
	{ "long form for a short length", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x81, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x01, 0x00 }, 13,
	  CSRA_ERR_DER_NONMINIMAL_LENGTH },
	{ "indefinite length", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x80, 0x30, 0x08, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x01, 0x00, 0x00, 0x00 }, 14,
	  CSRA_ERR_DER_INDEFINITE_LENGTH },
	{ "OID padded", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0b, 0x30, 0x09, 0x06, 0x04, 0x55, 0x80, 0x1d, 0x0f, 0x04, 0x01, 0x00 }, 13,
	  CSRA_ERR_DER_BAD_OID },
	{ "OCTET STRING constructed", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x24, 0x03, 0x04, 0x01, 0x00 }, 14,
	  CSRA_ERR_DER_CONSTRUCTED_FORM },
	{ "trailing byte", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x01, 0x00, 0x00 }, 13,
	  CSRA_ERR_DER_TRAILING_DATA },
	{ "element after the last member", CSRA_PDU_EXTENSIONS,
	  { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x01, 0x00, 0x05, 0x00 }, 14,
	  CSRA_ERR_DER_UNEXPECTED_TAG },
	{ "KeyPurposes", CSRA_PDU_KEY_PURPOSES,
	  { 0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0x25 }, 7, CSRA_OK },
	{ "KeyPurposes: OID with the last byte continued", CSRA_PDU_KEY_PURPOSES,
	  { 0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0xa5 }, 7, CSRA_ERR_DER_BAD_OID },
	/* A subject RDN of two attributes, in DER's order and not. */
	{ "SET OF in order", CSRA_PDU_CERTIFICATION_REQUEST, {
	    0x30, 0x37, 0x30, 0x2a, 0x02, 0x01, 0x00, 0x30, 0x16, 0x31, 0x14, 0x30,
	    0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61, 0x30, 0x08, 0x06,
	    0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, 0x62, 0x30, 0x0b, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x03, 0x02, 0x00, 0x00, 0xa0, 0x00, 0x30, 0x05,
	    0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x02, 0x00, 0x00 }, 57, CSRA_OK },
	{ "SET OF out of order", CSRA_PDU_CERTIFICATION_REQUEST, {
	    0x30, 0x37, 0x30, 0x2a, 0x02, 0x01, 0x00, 0x30, 0x16, 0x31, 0x14, 0x30,
	    0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, 0x62, 0x30, 0x08, 0x06,
	    0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61, 0x30, 0x0b, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x03, 0x02, 0x00, 0x00, 0xa0, 0x00, 0x30, 0x05,
	    0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x02, 0x00, 0x00 }, 57, CSRA_ERR_DER_SET_ORDER },
};

static int test_fast_rules(void)
{
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *c = &rule_cases[i];
		char why[256];
		enum fast_diff r = fast_diff(c->pdu, c->der, c->len, 32, why, sizeof(why));
		if (r != (c->code == CSRA_OK ? FD_BOTH_ACCEPT : FD_BOTH_REFUSE))
			fprintf(stderr, "%s: %d %s\n", c->what, (int)r, why);
		CHECK(r == (c->code == CSRA_OK ? FD_BOTH_ACCEPT : FD_BOTH_REFUSE));
		csra_decoded *d = NULL;
		csra_diag dg;
		csra_err e = csra_decode(NULL, c->pdu, c->der, c->len, &d, &dg);
		if (e != c->code)
			fprintf(stderr, "%s: %s\n", c->what, csra_err_name(e));
		CHECK(e == c->code && dg.code == c->code);
		CHECK((e == CSRA_OK) == (d != NULL));
		csra_decoded_free(&d);
	}
	return 1;
}

/* X.690 8.19.2 byte by byte: the verdict and where, for der_check_oid's
 * word-at-a-time scan to match. */
static csra_err oid_reference(const uint8_t *c, size_t n, size_t *at)
{
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (first && c[i] == 0x80)
			return (*at = i, CSRA_ERR_DER_BAD_OID);
		first = !(c[i] & 0x80);
	}
	return first ? CSRA_OK : (*at = n - 1, CSRA_ERR_DER_BAD_OID);
}

static int oid_same(const uint8_t *c, size_t n)
{
	struct tlv t = { 0 };
	t.start = t.content = c;
	t.end = c + n;
	const uint8_t *at = NULL;
	size_t ref_at = 0;
	csra_err e = der_check_oid(&t, &at), r = oid_reference(c, n, &ref_at);
	return e == r && (e == CSRA_OK || at == c + ref_at);
}

static int test_fast_oid_scan(void)
{
	static const uint8_t alpha[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0xff };
	uint8_t b[32];
	for (size_t n = 1; n <= 3; n++)
		for (unsigned k = 0; k < 216; k++) {
			for (size_t i = 0, v = k; i < n; i++, v /= 6)
				b[i] = alpha[v % 6];
			CHECK(oid_same(b, n));
		}
	uint32_t x = 12345;
	unsigned long bad = 0;
	for (int it = 0; it < 300000; it++) {
		size_t n = 1 + it % 24;
		for (size_t i = 0; i < n; i++) {
			x = x * 1664525u + 1013904223u;
			b[i] = (x >> 24) % 3 ? alpha[(x >> 8) % 6] : (uint8_t)(x >> 16);
		}
		CHECK(oid_same(b, n));
		size_t at;
		bad += oid_reference(b, n, &at) != CSRA_OK;
	}
	CHECK(bad > 1000 && bad < 299000);	/* both verdicts reached */
	return 1;
}

/* RFC 3629 byte by byte (no overlongs, surrogates or values past
 * U+10FFFF): the verdict and where, for der_check_utf8's ASCII words. */
static csra_err utf8_reference(const uint8_t *c, size_t len, size_t *at)
{
	for (size_t i = 0; i < len;) {
		uint8_t b = c[i];
		size_t n;
		uint32_t cp, min;
		if (b < 0x80) {
			i++;
			continue;
		} else if ((b & 0xe0) == 0xc0) {
			n = 1, cp = b & 0x1f, min = 0x80;
		} else if ((b & 0xf0) == 0xe0) {
			n = 2, cp = b & 0x0f, min = 0x800;
		} else if ((b & 0xf8) == 0xf0) {
			n = 3, cp = b & 0x07, min = 0x10000;
		} else {
			return (*at = i, CSRA_ERR_DER_BAD_STRING);
		}
		if (len - i <= n)
			return (*at = i, CSRA_ERR_DER_BAD_STRING);
		for (size_t k = 1; k <= n; k++) {
			if ((c[i + k] & 0xc0) != 0x80)
				return (*at = i, CSRA_ERR_DER_BAD_STRING);
			cp = (cp << 6) | (c[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (*at = i, CSRA_ERR_DER_BAD_STRING);
		i += n + 1;
	}
	return CSRA_OK;
}

static int test_fast_utf8_scan(void)
{
	static const uint8_t alpha[] = { 'a', 0x7f, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff };
	uint8_t b[48];
	uint32_t x = 777;
	unsigned long bad = 0;
	for (int it = 0; it < 300000; it++) {
		size_t n = 1 + it % 40;
		for (size_t i = 0; i < n; i++) {
			x = x * 1664525u + 1013904223u;
			/* Mostly ASCII, so that whole words are skipped too. */
			b[i] = (x >> 24) % 8 ? 'A' + (x >> 8) % 26 : alpha[(x >> 12) % 10];
		}
		struct tlv t = { 0 };
		t.start = t.content = b;
		t.end = b + n;
		const uint8_t *at = NULL;
		size_t ref_at = 0;
		csra_err e = der_check_utf8(&t, &at), r = utf8_reference(b, n, &ref_at);
		CHECK(e == r && (e == CSRA_OK || at == b + ref_at));
		bad += r != CSRA_OK;
	}
	CHECK(bad > 1000 && bad < 299000);
	return 1;
}

/* A rewind gives back what was allocated since the mark, blocks added
 * and the cap's verdict included: the walk after a refused fast path
 * must find the arena as the fast path found it. */
static int test_fast_arena_rewind(void)
{
	csra_arena *a = csra_arena_new(128, 1024);	/* room for the first two */
	CHECK(a != NULL);
	CHECK(csra_arena_alloc(a, 16) != NULL);
	size_t used = csra_arena_used(a);
	csra_arena_mark m;
	csra_arena_save(a, &m);
	void *first = csra_arena_alloc_fast(a, 24);
	CHECK(first != NULL);
	CHECK(csra_arena_alloc(a, 300) != NULL);	/* a second block */
	CHECK(csra_arena_mallocs(a) >= 2);
	CHECK(csra_arena_alloc(a, 2000) == NULL && csra_arena_hit_cap(a));
	csra_arena_rewind(a, &m);
	CHECK(csra_arena_used(a) == used && !csra_arena_hit_cap(a));
	/* The same memory is handed out again, and the cap counts afresh. */
	CHECK(csra_arena_alloc_fast(a, 24) == first);
	CHECK(csra_arena_alloc(a, 300) != NULL);
	csra_arena_free(&a);
	return 1;
}

static unsigned long asked;
static const asn_TYPE_descriptor_t *asked_in;

static asn_TYPE_descriptor_t *counting_resolve(void *arg, const asn_TYPE_descriptor_t *container,
    const uint8_t *oid, size_t oid_len, const uint8_t *val, size_t val_len)
{
	(void)arg;
	asked++;
	asked_in = container;
	return csra_codec_open_type(NULL, container, oid, oid_len, val, val_len);
}

/* One tier's decode of |der| as |td| into |*r| (structure and the open
 * values it built), and how often it asked the resolver. */
static int tier(int fast, asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,
    const asn_TYPE_descriptor_t *const *resolves_in, struct asn_refs *r, unsigned long *n_asked)
{
	csra_gate_opts go = { 32, counting_resolve, NULL, &asn_DEF_ReportedClaim, resolves_in };
	csra_arena *a = csra_arena_new(len * 9 + 2048, 64 * len + (1u << 20));
	csra_gate_opens opens = { 0 };
	void *v = NULL;
	csra_diag dg;
	CHECK(a != NULL);
	asked = 0;
	CHECK(fast ? csra_fast_decode(td, der, len, &go, a, &opens, &v)
		   : csra_gate_decode(td, der, len, &go, a, &opens, &v, &dg) == CSRA_OK);
	*n_asked = asked;
	CHECK(asn_refs_count(td, v, der, len, r));
	for (size_t i = 0; i < opens.n; i++)
		CHECK(asn_refs_count(opens.v[i].td, opens.v[i].value, der, len, r));
	csra_arena_free(&a);
	return 1;
}

/* Both tiers build structures whose INTEGER, OID, BIT STRING and ANY
 * contents point into the bytes decoded, and copy the other strings with
 * a trailing NUL (docs/codec.md), open values included. */
static int test_fast_tiers_point_into_der(void)
{
	static const struct {
		const char *rel;
		csra_pdu pdu;
	} in[] = {
		{ "vectors/pkix-evidence/evidence2.pem", CSRA_PDU_EVIDENCE },
		{ "vectors/pkix-evidence/ak.crt", CSRA_PDU_CERTIFICATE },
		{ "vectors/csr/tpm2-certify-legacy-utf8hint.pem", CSRA_PDU_CERTIFICATION_REQUEST },
		{ "vectors/csr/tpm2-certify-legacy-ia5hint-badsig.pem", CSRA_PDU_CERTIFICATION_REQUEST },
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		uint8_t *der;
		size_t len;
		unsigned long n;
		CHECK(tu_shared_der(in[i].rel, &der, &len));
		asn_TYPE_descriptor_t *td = csra_pdu_td(in[i].pdu);
		if (in[i].pdu == CSRA_PDU_EVIDENCE)
			td = csra_evidence_td_for(der, len);
		struct asn_refs f = { 0 }, w = { 0 };
		CHECK(tier(1, td, der, len, csra_codec_open_containers, &f, &n));
		CHECK(tier(0, td, der, len, csra_codec_open_containers, &w, &n));
		if (f.inside < 20 || f.outside || f.bad_copies || memcmp(&f, &w, sizeof(f)) != 0) {
			fprintf(stderr, "%s: fast %zu/%zu/%zu/%zu, walk %zu/%zu/%zu/%zu\n", in[i].rel, f.inside,
			    f.outside, f.copies, f.bad_copies, w.inside, w.outside, w.copies, w.bad_copies);
			CHECK(0);
		}
		free(der);
	}
	return 1;
}

/* Neither tier asks the resolver about a container outside resolves_in:
 * of evidence2's open values only the claims, none of its certificates'
 * Name attributes. */
static int test_fast_resolver_asked_for_claims_only(void)
{
	uint8_t *der;
	size_t len;
	CHECK(tu_shared_der("vectors/pkix-evidence/evidence2.pem", &der, &len));
	csra_decoded *d;
	CHECK(csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, NULL) == CSRA_OK);
	const Evidence_t *ev = csra_decoded_asn1(d);
	unsigned long claims = 0, all_f, all_w, f, w;
	for (int i = 0; i < ev->tbs.reportedElements.list.count; i++)
		claims += (unsigned long)ev->tbs.reportedElements.list.array[i]->claims.list.count;
	csra_decoded_free(&d);
	CHECK(claims > 10);
	struct asn_refs r = { 0 };
	asn_TYPE_descriptor_t *td = csra_evidence_td_for(der, len);
	CHECK(tier(1, td, der, len, csra_codec_open_containers, &r, &f));
	CHECK(f == claims && asked_in == &asn_DEF_ReportedClaim);
	CHECK(tier(0, td, der, len, csra_codec_open_containers, &r, &w));
	CHECK(w == claims && asked_in == &asn_DEF_ReportedClaim);
	/* Without the list both ask for the Names' values too. */
	CHECK(tier(1, td, der, len, NULL, &r, &all_f));
	CHECK(tier(0, td, der, len, NULL, &r, &all_w));
	CHECK(all_f == all_w && all_f > claims);
	free(der);
	return 1;
}

/* csra_codec_open_containers holds every container csra_codec_open_type
 * names a type in: for every other planned container of an open type it
 * names none, for any OID we know. */
static int test_fast_open_containers_complete(void)
{
	size_t n, listed = 0;
	const struct plan *p = csra_gate_plans(&n);
	CHECK(p != NULL);
	for (size_t i = 0; i < n; i++) {
		int open = 0, in_list = 0;
		/* Its own members, or a collection's items (CRIAttribute's
		 * values): the container is the SEQUENCE that holds the OID. */
		for (unsigned k = 0; k < p[i].nm; k++) {
			const struct plan *t = p[i].m[k].type;
			open |= p[i].m[k].open ||
			    ((t->kind == K_SEQ_OF || t->kind == K_SET_OF) && t->m[0].open);
		}
		for (const asn_TYPE_descriptor_t *const *c = csra_codec_open_containers; *c; c++)
			in_list |= *c == p[i].td;
		listed += (size_t)in_list;
		CHECK(!in_list || open);
		if (!open || in_list)
			continue;
		for (size_t k = 0; k < CSRA_OID__COUNT; k++) {
			const csra_oid_entry *o = &csra_oid_table[k];
			if (csra_codec_open_type(NULL, p[i].td, o->der, o->der_len, NULL, 0) != NULL) {
				fprintf(stderr, "%s names a type for %s outside csra_codec_open_containers\n",
				    p[i].td->name, o->name);
				CHECK(0);
			}
		}
	}
	/* Each listed one is a planned container of an open type. */
	size_t total = 0;
	for (const asn_TYPE_descriptor_t *const *c = csra_codec_open_containers; *c; c++)
		total++;
	CHECK(listed == total);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_fast_oid_scan),
		TU(test_fast_utf8_scan),
		TU(test_fast_arena_rewind),
		TU(test_fast_rules),
		TU(test_fast_depth),
		TU(test_fast_vectors_and_mutations),
		TU(test_fast_corpus),
		TU(test_fast_tiers_point_into_der),
		TU(test_fast_resolver_asked_for_claims_only),
		TU(test_fast_open_containers_complete),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
