/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csrattest dump on a vendor attestation (docs/formats.md): the format
 * that claims it, the certificates it came as, and what the format reads
 * from them (claims, attested keys), with the verdict it reached against
 * the bundled roots, which dump reports but does not act on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cli.h"
#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"
#include "dump.h"

const char *dump_vendor_format(const uint8_t *in, size_t in_len)
{
	for (const csra_format *const *f = csra_formats; *f != NULL; f++)
		if ((*f)->detect != NULL && *f != &csra_format_pkix_evidence && csra_format_detects(*f, in, in_len))
			return (*f)->kind;
	return NULL;
}

static void hexstr(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static json_t *cert_json(X509 *x, const struct csra_certbag_entry *e)
{
	char subject[256], issuer[256], fp[65], spki_fp[65];
	uint8_t md[32];
	X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
	X509_NAME_oneline(X509_get_issuer_name(x), issuer, sizeof(issuer));
	EVP_Digest(e->der, e->len, md, NULL, EVP_sha256(), NULL);
	hexstr(md, 32, fp);
	uint8_t *spki = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	spki_fp[0] = '\0';
	if (n > 0 && EVP_Digest(spki, (size_t)n, md, NULL, EVP_sha256(), NULL) == 1)
		hexstr(md, 32, spki_fp);
	OPENSSL_free(spki);
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "subject", subject, "issuer", issuer, "sha256", fp,
	    "spki_sha256", spki_fp, "offset", (json_int_t)e->offset);
}

/* What |kind| reads from the attestation |a|: its parts' certificates,
 * and the statement's result against the bundled roots. */
static int dump_att(const char *file, const csra_attestation *a, const char *kind, int json)
{
	json_t *certs = json_array();
	const uint8_t *in;
	size_t in_len;
	for (size_t k = 0; (in = csra_attestation_part(a, k, &in_len)) != NULL; k++) {
		csra_certbag bag;
		char why[200];
		if (csra_certbag_read(in, in_len, 0, &bag, why, sizeof(why)) != CSRA_OK)
			continue;
		for (size_t i = 0; i < bag.n; i++) {
			json_t *c = cert_json(sk_X509_value(bag.certs, i), &bag.entries[i]);
			if (csra_attestation_part_count(a) > 1)
				json_object_set_new(c, "part", json_integer((json_int_t)k));
			json_array_append_new(certs, c);
		}
		csra_certbag_clear(&bag);
	}
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	const csra_attestation *atts[1] = { a };
	csra_err e = v != NULL ? csra_verify_attestations_with(v, NULL, 0, NULL, 0, atts, 1, &r) : CSRA_ERR_NOMEM;
	csra_verifier_free(&v);
	if (e != CSRA_OK) {
		json_decref(certs);
		dump_report(file, json, e, "error", csra_strerror(e), SIZE_MAX);
		return TOOL_EXIT_USAGE;
	}
	const csra_result *s = csra_result_statement(r, 0);
	char *sj = s != NULL ? csra_result_json(s) : NULL;
	json_t *stmt = sj != NULL ? json_loads(sj, 0, NULL) : NULL;
	free(sj);
	if (json) {
		json_t *root = json_pack("{s:s, s:s, s:o, s:o*}", "type", "vendor-attestation", "format", kind,
		    "certificates", certs, "statement", stmt);
		char *out = root != NULL ? json_dumps(root, JSON_INDENT(2)) : NULL;
		if (out != NULL)
			puts(out);
		free(out);
		json_decref(root);
	} else {
		printf("%s: %s attestation, %zu certificate(s)\n", file, kind, json_array_size(certs));
		size_t i;
		json_t *c;
		json_array_foreach(certs, i, c) {
			printf("  certificate %zu: %s\n    issuer %s\n    sha256 %s\n    key sha256 %s\n", i,
			    json_string_value(json_object_get(c, "subject")), json_string_value(json_object_get(c, "issuer")),
			    json_string_value(json_object_get(c, "sha256")), json_string_value(json_object_get(c, "spki_sha256")));
		}
		json_t *claims = json_object_get(stmt, "claims"), *el, *val;
		const char *en, *cn;
		json_object_foreach(claims, en, el) {
			json_object_foreach(el, cn, val) {
				char *vs = json_dumps(val, JSON_ENCODE_ANY);
				printf("  claim %s.%s = %s\n", en, cn, vs ? vs : "?");
				free(vs);
			}
		}
		json_t *keys = json_object_get(stmt, "attested_keys");
		json_array_foreach(keys, i, c)
			printf("  attests key %zu: SubjectPublicKeyInfo SHA-256 %s\n", i,
			    json_string_value(json_object_get(c, "spki_sha256")));
		printf("  against the bundled roots: %s (csrattest verify-evidence says why)\n",
		    s != NULL && csra_result_verdict(s) == CSRA_VERDICT_VERIFIED ? "verifies" : "does not verify");
		json_decref(certs);
		json_decref(stmt);
	}
	csra_result_free(&r);
	return TOOL_EXIT_OK;
}

int dump_vendor(const char *file, const uint8_t *in, size_t in_len, const char *kind, int json)
{
	csra_attestation *a = csra_attestation_new();
	csra_err e = a == NULL ? CSRA_ERR_NOMEM : csra_attestation_add_part(a, in, in_len);
	if (e == CSRA_OK)
		e = csra_attestation_set_format(a, kind);
	int rc = e == CSRA_OK ? dump_att(file, a, kind, json) : TOOL_EXIT_USAGE;
	if (e != CSRA_OK)
		dump_report(file, json, e, "error", csra_strerror(e), SIZE_MAX);
	csra_attestation_free(&a);
	return rc;
}

int dump_vendor_parts(const char *file, const csra_attestation *a, int json)
{
	const uint8_t *in;
	size_t in_len;
	for (size_t k = 0; (in = csra_attestation_part(a, k, &in_len)) != NULL; k++) {
		const char *kind = dump_vendor_format(in, in_len);
		if (kind != NULL)
			return dump_att(file, a, kind, json);
	}
	dump_report(file, json, CSRA_ERR_FMT_UNKNOWN, "unknown format",
	    "no vendor format recognises any of these files", SIZE_MAX);
	return TOOL_EXIT_MALFORMED;
}
