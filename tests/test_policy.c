/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policies: every parse error with its code and the key path in its
 * message; the built-in cabf-csbr profile against hand-made statement
 * outcomes and real keys; a custom policy's statement types, ranges and
 * strings; trust paths relative to the policy file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_codec_int.h"
#include "csra_policy_int.h"
#include "testpki.h"
#include "testutil.h"

/* 1.3.6.1.5.5.999 and 2.23.133.20.1, DER contents. */
static const uint8_t VENDOR_TYPE[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x87, 0x67 };
static const uint8_t TPM_TYPE[] = { 0x67, 0x81, 0x05, 0x14, 0x01 };

static EVP_PKEY *k_p256, *k_p384, *k_p521, *k_rsa3072, *k_rsa2048, *k_rsa4096, *k_ed25519;

static int setup(void)
{
	k_p256 = tp_key("EC", "P-256");
	k_p384 = tp_key("EC", "P-384");
	k_p521 = tp_key("EC", "P-521");
	k_rsa2048 = tp_key("RSA", "2048");
	k_rsa3072 = tp_key("RSA", "3072");
	k_rsa4096 = tp_key("RSA", "4096");
	k_ed25519 = tp_key("ED25519", NULL);
	CHECK(k_p256 && k_p384 && k_p521 && k_rsa2048 && k_rsa3072 && k_rsa4096 && k_ed25519);
	return 1;
}

/* Parse errors --------------------------------------------------------- */

static int parse_fails(const char *json, const char *msg)
{
	char err[256] = "unset";
	csra_policy *p = (csra_policy *)1;
	csra_err rc = csra_policy_from_json(json, strlen(json), &p, err, sizeof(err));
	if (rc != CSRA_ERR_POLICY || p != NULL || strstr(err, msg) == NULL) {
		fprintf(stderr, "  %s\n  -> %s (%s), wanted \"%s\"\n", json, csra_err_name(rc), err, msg);
		if (rc == CSRA_OK)
			csra_policy_free(&p);
		return 0;
	}
	return 1;
}

static int test_parse_errors(void)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "not json", "policy: not JSON" },
		{ "{\"name\": \"a\",}", "policy: not JSON" },
		{ "[]", "policy: must be a JSON object" },
		{ "{}", "name: required" },
		{ "{\"name\": 5}", "name: must be a string" },
		{ "{\"name\": \"\"}", "name: must be 1 to 128 printable" },
		{ "{\"name\": \"tab\\there\"}", "name: must be 1 to 128 printable" },
		{ "{\"name\": \"a\", \"name\": \"b\"}", "duplicate object key" },
		{ "{\"name\": \"a\", \"nmae\": \"b\"}", "nmae: unknown key" },
		{ "{\"name\": \"a\", \"require_statement_types\": \"1.2.3\"}",
		    "require_statement_types: must be an array" },
		{ "{\"name\": \"a\", \"freshness\": \"sometimes\"}",
		    "freshness: must be \"required\" or \"optional\"" },
		{ "{\"name\": \"a\", \"freshness\": true}", "freshness: must be \"required\" or \"optional\"" },
		{ "{\"name\": \"a\", \"freshness\": \"Required\"}", "freshness: must be" },
		{ "{\"name\": \"a\", \"freshness_exempt\": \"1.2.3\"}", "freshness_exempt: must be an array" },
		{ "{\"name\": \"a\", \"freshness_exempt\": [5]}", "freshness_exempt[0]: must be a string" },
		{ "{\"name\": \"a\", \"freshness_exempt\": [\"1.2.3\", \"1.2.\"]}",
		    "freshness_exempt[1]: not a dotted OID" },
		{ "{\"name\": \"a\", \"freshness_exempt\": [\"1.2.3\", \"1.2.3\"]}",
		    "freshness_exempt[1]: listed twice" },
		{ "{\"name\": \"a\", \"require_statement_types\": [\"1.3.6.1.5.5.999\", \"abc\"]}",
		    "require_statement_types[1]: not a dotted OID" },
		{ "{\"name\": \"a\", \"require_statement_types\": [\"1.40.3\"]}",
		    "require_statement_types[0]: not a dotted OID" },
		{ "{\"name\": \"a\", \"require_statement_types\": [\"1.2.\"]}",
		    "require_statement_types[0]: not a dotted OID" },
		{ "{\"name\": \"a\", \"require_statement_types\": [\"1\"]}",
		    "require_statement_types[0]: not a dotted OID" },
		{ "{\"name\": \"a\", \"require_statement_types\": [7]}",
		    "require_statement_types[0]: must be a string" },
		{ "{\"name\": \"a\", \"require_statement_types\": [\"1.2.3\", \"1.2.3\"]}",
		    "require_statement_types[1]: listed twice" },
		{ "{\"name\": \"a\", \"trust\": []}", "trust: must be an object" },
		{ "{\"name\": \"a\", \"trust\": {\"x.y\": [\"a.pem\"]}}", "trust.x.y: not a dotted OID" },
		{ "{\"name\": \"a\", \"trust\": {\"Yubico\": [\"a.pem\"]}}",
		    "trust.Yubico: is neither a dotted OID nor a format name" },
		{ "{\"name\": \"a\", \"trust\": {\"1.2.3\": \"a.pem\"}}",
		    "trust.1.2.3: must be an array of paths" },
		{ "{\"name\": \"a\", \"trust\": {\"1.2.3\": []}}", "trust.1.2.3: must list 1 to 64 paths" },
		{ "{\"name\": \"a\", \"trust\": {\"1.2.3\": [\"a.pem\", \"\"]}}",
		    "trust.1.2.3[1]: must be a non-empty string" },
		{ "{\"name\": \"a\", \"trust\": {\"1.2.3\": [false]}}",
		    "trust.1.2.3[0]: must be a non-empty string" },
		{ "{\"name\": \"a\", \"claims\": []}", "claims: must be an object" },
		{ "{\"name\": \"a\", \"claims\": {\"hsm\": {}}}", "claims.hsm: unknown element" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": true}}", "claims.key: must be an object" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"extractable\": 0}}}",
		    "claims.key.extractable: must be a boolean" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": {\"min\": \"2\"}}}}",
		    "claims.platform.fipslevel.min: must be an integer" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": {\"max\": 2.5}}}}",
		    "claims.platform.fipslevel.max: must be an integer" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": {\"min\": 1, \"avg\": 2}}}}",
		    "claims.platform.fipslevel.avg: unknown key" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": {}}}}",
		    "claims.platform.fipslevel: a range needs min, max or both" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": {\"min\": 4, \"max\": 2}}}}",
		    "claims.platform.fipslevel: min is greater than max" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"fipslevel\": true}}}",
		    "claims.platform.fipslevel: must be an integer or" },
		{ "{\"name\": \"a\", \"claims\": {\"platform\": {\"vendor\": 3}}}",
		    "claims.platform.vendor: must be a string" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"spki\": \"abc\"}}}",
		    "claims.key.spki: policies cannot require" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"fixedTPM\": null}}}",
		    "claims.key.fixedTPM: must be a boolean, an integer, a string or" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"fixedTPM\": [true]}}}",
		    "claims.key.fixedTPM: must be a boolean, an integer, a string or" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"fixedTPM\": 1.0}}}",
		    "claims.key.fixedTPM: must be a boolean, an integer, a string or" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"\": true}}}", "claims.key.: claim names are 1 to 39" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"a-claim-name-that-is-well-over-forty-bytes\": true}}}",
		    "claim names are 1 to 39 bytes" },
		{ "{\"name\": \"a\", \"key_algorithms\": \"rsa:3072\"}", "key_algorithms: must be an array" },
		{ "{\"name\": \"a\", \"key_algorithms\": []}", "key_algorithms: must list 1 to 64" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"rsa:3072\", \"ec:P-256\", \"dsa:1024\"]}",
		    "key_algorithms[2]: unknown algorithm \"dsa:1024\"" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"ec:P-192\"]}",
		    "key_algorithms[0]: unknown algorithm \"ec:P-192\"" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"rsa:03072\"]}",
		    "key_algorithms[0]: unknown algorithm \"rsa:03072\"" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"rsa:\"]}", "key_algorithms[0]: unknown algorithm" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"RSA:3072\"]}", "key_algorithms[0]: unknown algorithm" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"rsa:512\"]}",
		    "key_algorithms[0]: RSA sizes are 1024 to 16384 bits" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"ed25519\", 1]}", "key_algorithms[1]: must be a string" },
		{ "{\"name\": \"a\", \"key_algorithms\": [\"ed25519\", \"ed25519\"]}",
		    "key_algorithms[1]: listed twice" },
		{ "{\"name\": \"a\", \"ak_ekus\": []}", "ak_ekus: is empty" },
		{ "{\"name\": \"a\", \"ak_ekus\": \"1.2.3\"}", "ak_ekus: must be an array" },
		{ "{\"name\": \"a\", \"ak_ekus\": [\"1.2.3\", \"x\"]}", "ak_ekus[1]: not a dotted OID" },
		{ "{\"name\": \"a\", \"tpm_ak_ekus\": [\"2.23.133.8.3\", \"2.23.133.8.3\"]}",
		    "tpm_ak_ekus[1]: listed twice" },
		{ "{\"name\": \"a\", \"tpm_ak_ekus\": [3]}", "tpm_ak_ekus[0]: must be a string" },
		/* Format names: [a-z0-9-], 1 to 31 characters. U+0000 never
		 * reaches the policy: jansson refuses it in strings and keys. */
		{ "{\"name\": \"a\", \"formats\": \"yubico-piv\"}", "formats: must be an array" },
		{ "{\"name\": \"a\", \"formats\": []}", "formats: must list 1 to 64 formats" },
		{ "{\"name\": \"a\", \"formats\": [\"yubico-piv\", 3]}", "formats[1]: must be a string" },
		{ "{\"name\": \"a\", \"formats\": [\"Yubico-PIV\"]}",
		    "formats[0]: \"Yubico-PIV\" is not a format name ([a-z0-9-], 1 to 31 characters)" },
		{ "{\"name\": \"a\", \"formats\": [\"\"]}", "formats[0]: \"\" is not a format name" },
		{ "{\"name\": \"a\", \"formats\": [\"pkix_evidence\"]}", "formats[0]: \"pkix_evidence\" is not" },
		{ "{\"name\": \"a\", \"formats\": [\"1.2.3\"]}", "formats[0]: \"1.2.3\" is not a format name" },
		{ "{\"name\": \"a\", \"formats\": [\"yubico-piv\\u0000x\"]}", "policy: not JSON" },
		{ "{\"name\": \"a\", \"formats\": [\"abcdefghijklmnopqrstuvwxyz012345\"]}",
		    "formats[0]: \"abcdefghijklmnopqrstuvwxyz012345\" is not a format name" },
		{ "{\"name\": \"a\", \"formats\": [\"yubihsm2\", \"yubico-piv\", \"yubihsm2\"]}",
		    "formats[2]: listed twice" },
		/* format_claims: "claims" per format. */
		{ "{\"name\": \"a\", \"format_claims\": []}", "format_claims: must be an object" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": true}}",
		    "format_claims.yubico-piv: must be an object" },
		{ "{\"name\": \"a\", \"format_claims\": {\"YubiKey\": {}}}",
		    "format_claims.YubiKey: \"YubiKey\" is not a format name" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\\u0000\": {}}}",
		    "policy: not JSON" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"hsm\": {}}}}",
		    "format_claims.yubico-piv.hsm: unknown element (key, platform or transaction)" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"key\": []}}}",
		    "format_claims.yubico-piv.key: must be an object" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"key\": {\"extractable\": 0}}}}",
		    "format_claims.yubico-piv.key.extractable: must be a boolean" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"platform\": {\"fipslevel\": {}}}}}",
		    "format_claims.yubico-piv.platform.fipslevel: a range needs min, max or both" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"key\": {\"spki\": \"x\"}}}}",
		    "format_claims.yubico-piv.key.spki: policies cannot require" },
		{ "{\"name\": \"a\", \"format_claims\": {\"yubico-piv\": {\"key\": {\"pinpolicy\": [1]}}}}",
		    "format_claims.yubico-piv.key.pinpolicy: must be a boolean, an integer, a string or" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"local\": true}},"
		    " \"format_claims\": {\"yubico-piv\": {\"key\": {\"sensitive\": null}}}}",
		    "format_claims.yubico-piv.key.sensitive: null removes nothing: claims has no requirement" },
		{ "{\"name\": \"a\", \"claims\": {\"key\": {\"local\": true}},"
		    " \"format_claims\": {\"yubico-piv\": {\"platform\": {\"local\": null}}}}",
		    "format_claims.yubico-piv.platform.local: null removes nothing" },
		{ "{\"name\": \"a\", \"formats\": [\"pkix-evidence\"],"
		    " \"format_claims\": {\"yubico-piv\": {}}}",
		    "format_claims.yubico-piv: \"yubico-piv\" is not in formats: its statements never count" },
		/* firmware_min: a dotted numeric version per format. */
		{ "{\"name\": \"a\", \"firmware_min\": [\"5.7.4\"]}", "firmware_min: must be an object" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"YubiKey\": \"5.7.4\"}}",
		    "firmware_min.YubiKey: \"YubiKey\" is not a format name" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": 5}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version (1 to 8 numbers of at most 9 digits" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"5.7.\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \".5\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"5..7\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"v5.7\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"5.7.4-rc1\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"5.-7\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"1234567890\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"1.2.3.4.5.6.7.8.9\"}}",
		    "firmware_min.yubico-piv: must be a dotted numeric version" },
		{ "{\"name\": \"a\", \"firmware_min\": {\"yubico-piv\": \"5.7\\u00004\"}}", "policy: not JSON" },
		{ "{\"name\": \"a\", \"formats\": [\"yubihsm2\"], \"firmware_min\": {\"yubico-piv\": \"5.7.4\"}}",
		    "firmware_min.yubico-piv: \"yubico-piv\" is not in formats" },
		/* freshness_exempt: a dotted OID or a format name. */
		{ "{\"name\": \"a\", \"freshness_exempt\": [\"yubico-piv\", \"Yubico PIV\"]}",
		    "freshness_exempt[1]: neither a dotted OID nor a format name ([a-z0-9-], 1 to 31 characters)" },
		{ "{\"name\": \"a\", \"freshness_exempt\": [\"yubico-piv\", \"1.2.3\", \"yubico-piv\"]}",
		    "freshness_exempt[2]: listed twice" },
		{ "{\"name\": \"a\", \"freshness_exempt\": [\"\"]}", "freshness_exempt[0]: neither a dotted OID" },
		/* waive: only the known-weak-key checks. */
		{ "{\"name\": \"a\", \"waive\": \"key.weak.roca\"}", "waive: must be an array" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak.roca\", 1]}", "waive[1]: must be a string" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak.roca\", \"evidence.signature\"]}",
		    "waive[1]: \"evidence.signature\" cannot be waived (only the key.weak.* checks" },
		{ "{\"name\": \"a\", \"waive\": [\"statement.binding\"]}",
		    "waive[0]: \"statement.binding\" cannot be waived" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak\"]}", "waive[0]: \"key.weak\" cannot be waived" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak.*\"]}", "waive[0]: \"key.weak.*\" cannot be waived" },
		{ "{\"name\": \"a\", \"waive\": [\"KEY.WEAK.ROCA\"]}", "waive[0]: \"KEY.WEAK.ROCA\" cannot" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak.roca\\u0000\"]}", "policy: not JSON" },
		{ "{\"name\": \"a\", \"waive\": [\"key.weak.fermat\", \"key.weak.fermat\"]}",
		    "waive[1]: listed twice" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(parse_fails(cases[i].json, cases[i].msg));
	return 1;
}

/* Writes {"name": "a", "<key>": <open><entries><close>} into |buf|:
 * |n| entries, each |pre|, its index and |post|. */
static const char *list_policy(char *buf, size_t cap, const char *key, const char *open, const char *pre,
    const char *post, const char *close, int n)
{
	size_t len = (size_t)snprintf(buf, cap, "{\"name\": \"a\", \"%s\": %s", key, open);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s%d%s", i ? "," : "", pre, i, post);
	snprintf(buf + len, cap - len, "%s}", close);
	return buf;
}

static int parses(const char *json)
{
	char err[256] = "";
	csra_policy *p = NULL;
	csra_err rc = csra_policy_from_json(json, strlen(json), &p, err, sizeof(err));
	csra_policy_free(&p);
	if (rc != CSRA_OK)
		fprintf(stderr, "  refused: %s\n", err);
	return rc == CSRA_OK;
}

/* Every new list and map holds at most 64 entries. */
static int test_format_limits(void)
{
	static char buf[16384];
	CHECK(parses(list_policy(buf, sizeof(buf), "formats", "[", "\"f", "\"", "]", 64)));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "formats", "[", "\"f", "\"", "]", 65),
	    "formats: must list 1 to 64 formats"));
	CHECK(parses(list_policy(buf, sizeof(buf), "firmware_min", "{", "\"f", "\": \"1.0\"", "}", 64)));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "firmware_min", "{", "\"f", "\": \"1.0\"", "}", 65),
	    "firmware_min: more than 64 formats"));
	CHECK(parses(list_policy(buf, sizeof(buf), "format_claims", "{", "\"f",
	    "\": {\"key\": {\"local\": true}}", "}", 64)));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "format_claims", "{", "\"f", "\": {}", "}", 65),
	    "format_claims: more than 64 formats"));
	CHECK(parses(list_policy(buf, sizeof(buf), "freshness_exempt", "[", "\"f", "\"", "]", 64)));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "freshness_exempt", "[", "\"f", "\"", "]", 65),
	    "freshness_exempt: more than 64 entries"));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "waive", "[", "\"w", "\"", "]", 65),
	    "waive: more than 64 entries"));
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "trust", "{", "\"1.2.", "\": [\"a.pem\"]", "}", 65),
	    "trust: more than 64 statement types"));
	/* 65 claims in one element of one format. */
	CHECK(parse_fails(list_policy(buf, sizeof(buf), "format_claims", "{\"yubico-piv\": {\"key\": {",
	    "\"c", "\": true", "}}}", 65), "format_claims.yubico-piv.key: more than 64 claims"));
	return 1;
}

static int test_parse_limits(void)
{
	char *buf = malloc(4096);
	CHECK(buf != NULL);
	/* 65 statement types. */
	size_t n = (size_t)snprintf(buf, 4096, "{\"name\": \"a\", \"require_statement_types\": [");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(buf + n, 4096 - n, "%s\"1.2.%d\"", i ? "," : "", i);
	snprintf(buf + n, 4096 - n, "]}");
	int ok = parse_fails(buf, "require_statement_types: more than 64 entries");
	/* 64 are fine. */
	n = (size_t)snprintf(buf, 4096, "{\"name\": \"a\", \"require_statement_types\": [");
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(buf + n, 4096 - n, "%s\"1.2.%d\"", i ? "," : "", i);
	snprintf(buf + n, 4096 - n, "]}");
	csra_policy *p = NULL;
	ok = ok && csra_policy_from_json(buf, strlen(buf), &p, NULL, 0) == CSRA_OK && p != NULL;
	csra_policy_free(&p);
	/* 65 claims in one element. */
	n = (size_t)snprintf(buf, 4096, "{\"name\": \"a\", \"claims\": {\"key\": {");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(buf + n, 4096 - n, "%s\"c%d\": true", i ? "," : "", i);
	snprintf(buf + n, 4096 - n, "}}}");
	ok = ok && parse_fails(buf, "claims.key: more than 64 claims");
	free(buf);
	CHECK(ok);
	CHECK(test_format_limits());
	/* Over 1 MiB, even if only whitespace. */
	size_t big = (1u << 20) + 16;
	buf = malloc(big + 1);
	CHECK(buf != NULL);
	memset(buf, ' ', big);
	memcpy(buf, "{\"name\": \"a\"}", 13);
	buf[big] = '\0';
	char err[128];
	csra_policy *q = NULL;
	csra_err rc = csra_policy_from_json(buf, big, &q, err, sizeof(err));
	free(buf);
	CHECK(rc == CSRA_ERR_POLICY && q == NULL && strstr(err, "larger than 1 MiB") != NULL);
	/* A long string requirement could only match a cut claim. */
	char js[512], longv[130];
	memset(longv, 'x', 127);
	longv[127] = '\0';
	snprintf(js, sizeof(js), "{\"name\": \"a\", \"claims\": {\"platform\": {\"vendor\": \"%s\"}}}", longv);
	CHECK(parse_fails(js, "claims.platform.vendor: strings are at most 126 bytes"));
	/* A trust path longer than any a file system takes. */
	size_t pl = 4096 + 64;
	char *tj = malloc(pl + 64);
	CHECK(tj != NULL);
	int hn = snprintf(tj, pl + 64, "{\"name\": \"a\", \"trust\": {\"1.2.3\": [\"");
	memset(tj + hn, 'p', 4096);
	snprintf(tj + hn + 4096, 64, "\"]}}");
	int long_refused = parse_fails(tj, "trust.1.2.3[0]: longer than 4095 bytes");
	free(tj);
	CHECK(long_refused);
	return 1;
}

static int test_oid_from_str(void)
{
	uint8_t b[64];
	size_t n;
	static const uint8_t rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d };
	static const uint8_t big2[] = { 0x88, 0x37, 0x03 };
	CHECK(csra_oid_from_str("1.2.840.113549", b, sizeof(b), &n) && n == sizeof(rsa) &&
	    memcmp(b, rsa, n) == 0);
	CHECK(csra_oid_from_str("2.999.3", b, sizeof(b), &n) && n == sizeof(big2) && memcmp(b, big2, n) == 0);
	CHECK(csra_oid_from_str("1.3.6.1.5.5.999", b, sizeof(b), &n) && n == sizeof(VENDOR_TYPE) &&
	    memcmp(b, VENDOR_TYPE, n) == 0);
	CHECK(csra_oid_from_str("2.23.133.20.1", b, sizeof(b), &n) && n == sizeof(TPM_TYPE) &&
	    memcmp(b, TPM_TYPE, n) == 0);
	CHECK(csra_oid_from_str("0.0", b, sizeof(b), &n) && n == 1 && b[0] == 0);
	CHECK(csra_oid_from_str("1.2.18446744073709551615", b, sizeof(b), &n) && n == 11);
	static const char *bad[] = { "", "1", "3.1", "1.40", "0.40.1", "1..2", "1.2.", ".1.2", "01.2",
		"1.02", "a.b", "1.2 ", " 1.2", "1.2.18446744073709551616", "1.2.-3", "1,2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!csra_oid_from_str(bad[i], b, sizeof(b), &n));
	CHECK(!csra_oid_from_str("1.2.840.113549", b, 5, &n));
	CHECK(csra_oid_from_str("1.2.840.113549", b, 6, &n));
	CHECK(!csra_oid_from_str(NULL, b, sizeof(b), &n));
	return 1;
}

/* Evaluation helpers ---------------------------------------------------- */

static void good_claims(csra_stmt_out *o)
{
	csra_stmt_out_clear(o);	/* zeroed, or filled before */
	o->verified = o->bound = 1;
	csra_stmt_add_bool(o, "key", "extractable", 0);
	csra_stmt_add_bool(o, "key", "never-extractable", 1);
	csra_stmt_add_bool(o, "key", "sensitive", 1);
	csra_stmt_add_bool(o, "key", "local", 1);
	csra_stmt_add_bool(o, "platform", "fipsboot", 1);
	csra_stmt_add_int(o, "platform", "fipslevel", 3);
	csra_stmt_add_text(o, "platform", "vendor", (const uint8_t *)"acme", 4);
}

/* |o| without claim |element|.|name|. */
static void drop(csra_stmt_out *o, const char *element, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; i < o->nclaims; i++)
		if (strcmp(o->claims[i].element, element) != 0 || strcmp(o->claims[i].name, name) != 0)
			o->claims[j++] = o->claims[i];
	o->nclaims = j;
}

static csra_stmt_claim *find_rw(csra_stmt_out *o, const char *element, const char *name)
{
	return (csra_stmt_claim *)csra_stmt_find(o, element, name);
}

typedef struct evalres {
	int ok;
	csra_result *r;
} evalres;

/* Whether eval_n's verifications had a nonce. */
static int eval_nonce;

static evalres eval_n(const csra_policy *p, EVP_PKEY *k, const csra_stmt_out *outs,
    const uint8_t *const *types, const size_t *type_lens, size_t n)
{
	csra_policy_stmt st[8];
	for (size_t i = 0; i < n; i++) {
		st[i].type = types ? types[i] : VENDOR_TYPE;
		st[i].type_len = types ? type_lens[i] : sizeof(VENDOR_TYPE);
		st[i].kind = "callback";
		st[i].out = &outs[i];
	}
	csra_policy_input in = { k, st, n, NULL, 0, eval_nonce };
	evalres e = { 0, csra_result_new() };
	if (e.r != NULL)
		e.ok = csra_policy_eval(p, &in, e.r);
	return e;
}

static evalres eval1(const csra_policy *p, EVP_PKEY *k, const csra_stmt_out *o)
{
	return eval_n(p, k, o, NULL, NULL, 1);
}

/* Whether check |name| at |path| (NULL: any) has |st| and |code|, with
 * |msg| (NULL: any) in its message. */
static int has(const evalres *e, const char *name, const char *path, csra_status st, csra_err code,
    const char *msg)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < csra_result_check_count(e->r); i++) {
			const char *n, *m, *pa;
			csra_status s;
			csra_err c;
			csra_result_check(e->r, i, &n, &s, &c, &m, &pa);
			if (strcmp(n, name) != 0 || (path && strcmp(pa, path) != 0))
				continue;
			if (pass == 0 && s == st && c == code && (msg == NULL || strstr(m, msg) != NULL))
				return 1;
			if (pass == 1)
				fprintf(stderr, "  %s %s: status %d %s \"%s\"\n", n, pa, (int)s,
				    csra_err_name(c), m);
		}
	}
	fprintf(stderr, "  wanted %s %s %s \"%s\"\n", name, path ? path : "", csra_err_name(code),
	    msg ? msg : "");
	return 0;
}

static int no_failures(const evalres *e)
{
	for (size_t i = 0; i < csra_result_check_count(e->r); i++) {
		const char *n, *m;
		csra_status s;
		csra_result_check(e->r, i, &n, &s, NULL, &m, NULL);
		if (s == CSRA_STATUS_FAIL) {
			fprintf(stderr, "  unexpected failure %s: %s\n", n, m);
			return 0;
		}
	}
	return 1;
}

/* cabf-csbr ------------------------------------------------------------ */

static int test_cabf_name_and_shape(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	CHECK(p != NULL);
	CHECK(strcmp(csra_policy_name(p), "cabf-csbr") == 0);
	CHECK(csra_policy_trust_count(p) == 0);
	CHECK(csra_policy_trust(p, 0, NULL, NULL) == NULL);
	csra_policy_free(&p);
	CHECK(p == NULL);
	csra_policy_free(&p);
	csra_policy_free(NULL);
	return 1;
}

/* With a nonce, a statement counts only if its verifier confirmed it or
 * the policy exempts its type; "required" fails without a nonce. */
static int test_freshness_eval(void)
{
	csra_policy *cabf = csra_policy_cabf_csbr(), *ex = NULL, *req = NULL;
	static const char exj[] = "{\"name\": \"ex\", \"freshness_exempt\": [\"1.3.6.1.5.5.999\"]}";
	static const char reqj[] = "{\"name\": \"req\", \"freshness\": \"required\"}";
	CHECK(cabf != NULL);
	CHECK(csra_policy_from_json(exj, strlen(exj), &ex, NULL, 0) == CSRA_OK);
	CHECK(csra_policy_from_json(reqj, strlen(reqj), &req, NULL, 0) == CSRA_OK);
	csra_stmt_out o = { 0 };
	good_claims(&o);
	int ok = 1;
	/* Not confirmed, nonce given: nothing counts. */
	eval_nonce = 1;
	evalres e = eval1(cabf, k_p256, &o);
	ok = ok && !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "1 not confirmed fresh") && has(&e, "policy.freshness", "", CSRA_STATUS_PASS, CSRA_OK, "");
	csra_result_free(&e.r);
	/* ... unless the type is exempt. */
	e = eval1(ex, k_p256, &o);
	ok = ok && e.ok && no_failures(&e);
	csra_result_free(&e.r);
	/* Confirmed: counts. */
	o.freshness = CSRA_FRESHNESS_NONCE;
	e = eval1(cabf, k_p256, &o);
	ok = ok && e.ok && no_failures(&e);
	csra_result_free(&e.r);
	e = eval1(req, k_p256, &o);
	ok = ok && e.ok && no_failures(&e);
	csra_result_free(&e.r);
	/* No nonce: freshness is not established; cabf-csbr does not require
	 * it, "required" does. */
	eval_nonce = 0;
	o.freshness = CSRA_FRESHNESS_NONE;
	e = eval1(cabf, k_p256, &o);
	ok = ok && e.ok && has(&e, "policy.freshness", "", CSRA_STATUS_SKIP, CSRA_OK, "no nonce was given");
	csra_result_free(&e.r);
	e = eval1(req, k_p256, &o);
	ok = ok && !e.ok && has(&e, "policy.freshness", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_FRESHNESS,
	    "requires freshness") && has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, "");
	csra_result_free(&e.r);
	csra_stmt_out_clear(&o);
	csra_policy_free(&cabf);
	csra_policy_free(&ex);
	csra_policy_free(&req);
	return ok;
}

static int test_cabf_accepts(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	EVP_PKEY *keys[] = { k_p256, k_p384, k_p521, k_rsa3072, k_rsa4096 };
	const char *desc[] = { "EC P-256", "EC P-384", "EC P-521", "RSA 3072 bits", "RSA 4096 bits" };
	CHECK(p != NULL);
	good_claims(&o);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		evalres e = eval1(p, keys[i], &o);
		int ok = e.ok && no_failures(&e) &&
		    has(&e, "policy.key-algorithm", "", CSRA_STATUS_PASS, CSRA_OK, desc[i]) &&
		    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, "any type") &&
		    has(&e, "policy.claim", "key.extractable", CSRA_STATUS_PASS, CSRA_OK, "false") &&
		    has(&e, "policy.claim", "platform.fipslevel", CSRA_STATUS_PASS, CSRA_OK, "at least 2");
		csra_result_free(&e.r);
		CHECK(ok);
	}
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

static int test_cabf_key_algorithms(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	good_claims(&o);
	evalres e = eval1(p, k_rsa2048, &o);
	int ok = !e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_KEY_ALGORITHM,
	    "RSA 2048 bits; policy accepts rsa:3072, ec:P-256, ec:P-384, ec:P-521") &&
	    has(&e, "policy.statement", NULL, CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);
	e = eval1(p, k_ed25519, &o);
	ok = !e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_KEY_ALGORITHM,
	    "Ed25519; policy accepts");
	csra_result_free(&e.r);
	CHECK(ok);
	/* P-256 spelled with explicit parameters: OpenSSL still names the
	 * group, but the BRs want the named curve. */
	EVP_PKEY *expl = NULL;
	unsigned char *der = NULL;
	CHECK(EVP_PKEY_set_utf8_string_param(k_p256, OSSL_PKEY_PARAM_EC_ENCODING,
	    OSSL_PKEY_EC_ENCODING_EXPLICIT) == 1);
	int n = i2d_PUBKEY(k_p256, &der);
	CHECK(EVP_PKEY_set_utf8_string_param(k_p256, OSSL_PKEY_PARAM_EC_ENCODING,
	    OSSL_PKEY_EC_ENCODING_GROUP) == 1);
	const unsigned char *q = der;
	CHECK(n > 0 && (expl = d2i_PUBKEY(NULL, &q, n)) != NULL);
	OPENSSL_free(der);
	e = eval1(p, expl, &o);
	EVP_PKEY_free(expl);
	ok = !e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_KEY_ALGORITHM,
	    "EC with explicit curve parameters");
	csra_result_free(&e.r);
	CHECK(ok);
	e = eval1(p, NULL, &o);
	ok = !e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_KEY_ALGORITHM,
	    "no request key");
	csra_result_free(&e.r);
	CHECK(ok);
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

/* The key's description is the same whether the policy is handed the
 * SubjectPublicKeyInfo the key came from (the curve then read from its
 * bytes) or only the key; a curve the SPKI does not name by a P-256/384/
 * 521 OID is still asked of OpenSSL. */
static int test_key_description_from_spki(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	good_claims(&o);
	EVP_PKEY *brainpool = tp_key("EC", "brainpoolP256r1");
	EVP_PKEY *keys[] = { k_p256, k_p384, k_p521, k_rsa3072, k_ed25519, brainpool };
	const char *want[] = { "EC P-256;", "EC P-384;", "EC P-521;", "RSA 3072 bits;", "Ed25519;",
		"EC brainpoolP256r1;" };
	CHECK(brainpool != NULL);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		unsigned char *spki = NULL;
		int n = i2d_PUBKEY(keys[i], &spki);
		CHECK(n > 0);
		csra_policy_stmt st = { VENDOR_TYPE, sizeof(VENDOR_TYPE), "callback", &o };
		csra_policy_input with = { keys[i], &st, 1, spki, (size_t)n, 0 };
		csra_policy_input without = { keys[i], &st, 1, NULL, 0, 0 };
		csra_result *a = csra_result_new(), *b = csra_result_new();
		CHECK(a != NULL && b != NULL);
		csra_policy_eval(p, &with, a);
		csra_policy_eval(p, &without, b);
		long ia = csra_result_find(a, "policy.key-algorithm", CSRA_OK);
		long ib = csra_result_find(b, "policy.key-algorithm", CSRA_OK);
		if (ia < 0)
			ia = csra_result_find(a, "policy.key-algorithm", CSRA_ERR_POLICY_KEY_ALGORITHM);
		if (ib < 0)
			ib = csra_result_find(b, "policy.key-algorithm", CSRA_ERR_POLICY_KEY_ALGORITHM);
		const char *ma = NULL, *mb = NULL;
		CHECK(ia >= 0 && ib >= 0);
		csra_result_check(a, (size_t)ia, NULL, NULL, NULL, &ma, NULL);
		csra_result_check(b, (size_t)ib, NULL, NULL, NULL, &mb, NULL);
		if (strcmp(ma, mb) != 0 || strncmp(ma, want[i], strlen(want[i])) != 0) {
			fprintf(stderr, "  key %zu: with SPKI \"%s\", without \"%s\"\n", i, ma, mb);
			return 0;
		}
		OPENSSL_free(spki);
		csra_result_free(&a);
		csra_result_free(&b);
	}
	EVP_PKEY_free(brainpool);
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

static int claim_case(const csra_policy *p, const csra_stmt_out *o, const char *path, csra_err code,
    const char *msg)
{
	evalres e = eval1(p, k_p256, o);
	int ok = !e.ok && has(&e, "policy.claim", path, CSRA_STATUS_FAIL, code, msg) &&
	    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_UNMET, NULL) &&
	    has(&e, "policy.key-algorithm", "", CSRA_STATUS_PASS, CSRA_OK, NULL);
	/* Only the broken requirement fails. */
	size_t fails = 0;
	for (size_t i = 0; i < csra_result_check_count(e.r); i++) {
		const char *n;
		csra_status s;
		csra_result_check(e.r, i, &n, &s, NULL, NULL, NULL);
		fails += strcmp(n, "policy.claim") == 0 && s == CSRA_STATUS_FAIL;
	}
	csra_result_free(&e.r);
	if (fails != 1)
		fprintf(stderr, "  %zu claim failures for %s\n", fails, path);
	return ok && fails == 1;
}

static int test_cabf_key_claims(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	static const struct {
		const char *name;
		int good;
	} claims[] = { { "extractable", 0 }, { "never-extractable", 1 }, { "sensitive", 1 }, { "local", 1 } };
	char path[64], msg[128];
	for (size_t i = 0; i < 4; i++) {
		csra_stmt_out o = { 0 };
		snprintf(path, sizeof(path), "key.%s", claims[i].name);
		/* Wrong value. */
		good_claims(&o);
		find_rw(&o, "key", claims[i].name)->boolean = !claims[i].good;
		snprintf(msg, sizeof(msg), "%s is %s; required %s", path, claims[i].good ? "false" : "true",
		    claims[i].good ? "true" : "false");
		CHECK(claim_case(p, &o, path, CSRA_ERR_POLICY_CLAIM_VALUE, msg));
		/* Absent. */
		good_claims(&o);
		drop(&o, "key", claims[i].name);
		CHECK(claim_case(p, &o, path, CSRA_ERR_POLICY_CLAIM_ABSENT, "has no"));
		/* Present with another type. */
		good_claims(&o);
		csra_stmt_claim *c = find_rw(&o, "key", claims[i].name);
		c->type = CSRA_VALUE_INTEGER;
		c->integer = claims[i].good;
		CHECK(claim_case(p, &o, path, CSRA_ERR_POLICY_CLAIM_VALUE, NULL));
		/* In the wrong element. */
		good_claims(&o);
		find_rw(&o, "key", claims[i].name)->element = "platform";
		CHECK(claim_case(p, &o, path, CSRA_ERR_POLICY_CLAIM_ABSENT, NULL));
		csra_stmt_out_clear(&o);
	}
	csra_policy_free(&p);
	return 1;
}

static int test_cabf_platform_claims(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	good_claims(&o);
	find_rw(&o, "platform", "fipsboot")->boolean = 0;
	CHECK(claim_case(p, &o, "platform.fipsboot", CSRA_ERR_POLICY_CLAIM_VALUE, "is false; required true"));
	good_claims(&o);
	drop(&o, "platform", "fipsboot");
	CHECK(claim_case(p, &o, "platform.fipsboot", CSRA_ERR_POLICY_CLAIM_ABSENT, NULL));
	good_claims(&o);
	find_rw(&o, "platform", "fipslevel")->integer = 1;
	CHECK(claim_case(p, &o, "platform.fipslevel", CSRA_ERR_POLICY_CLAIM_VALUE,
	    "is 1; required at least 2"));
	good_claims(&o);
	drop(&o, "platform", "fipslevel");
	CHECK(claim_case(p, &o, "platform.fipslevel", CSRA_ERR_POLICY_CLAIM_ABSENT, NULL));
	/* Levels 2 and 4 pass. */
	for (int lvl = 2; lvl <= 4; lvl += 2) {
		good_claims(&o);
		find_rw(&o, "platform", "fipslevel")->integer = lvl;
		evalres e = eval1(p, k_p256, &o);
		int ok = e.ok && no_failures(&e);
		csra_result_free(&e.r);
		CHECK(ok);
	}
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

static int test_cabf_no_statement(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	good_claims(&o);
	o.verified = 0;
	evalres e = eval1(p, k_p256, &o);
	int ok = !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "1 not verified") && csra_result_find(e.r, "policy.claim", CSRA_OK) < 0;
	csra_result_free(&e.r);
	CHECK(ok);
	good_claims(&o);
	o.bound = 0;
	e = eval1(p, k_p256, &o);
	ok = !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "1 bound to another key");
	csra_result_free(&e.r);
	CHECK(ok);
	e = eval_n(p, k_p256, &o, NULL, NULL, 0);
	ok = !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "of 0:");
	csra_result_free(&e.r);
	CHECK(ok);
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

/* The first statement that meets everything is chosen; failing that, the
 * first verified and bound one is reported. */
static int test_candidate_choice(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o[3] = { { 0 } };
	good_claims(&o[0]);
	o[0].bound = 0;		/* would pass, but attests another key */
	good_claims(&o[1]);
	find_rw(&o[1], "key", "local")->boolean = 0;
	good_claims(&o[2]);
	evalres e = eval_n(p, k_p256, o, NULL, NULL, 3);
	int ok = e.ok && has(&e, "policy.statement", "statements[2]", CSRA_STATUS_PASS, CSRA_OK,
	    "statement 2");
	csra_result_free(&e.r);
	CHECK(ok);
	find_rw(&o[2], "platform", "fipsboot")->boolean = 0;
	e = eval_n(p, k_p256, o, NULL, NULL, 3);
	ok = !e.ok && has(&e, "policy.statement", "statements[1]", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_UNMET,
	    NULL) && has(&e, "policy.claim", "key.local", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_VALUE,
	    "statement 1") && has(&e, "policy.claim", "platform.fipsboot", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);
	/* Claims cannot be combined across statements. */
	good_claims(&o[0]);
	drop(&o[0], "platform", "fipslevel");
	good_claims(&o[1]);
	drop(&o[1], "key", "local");
	e = eval_n(p, k_p256, o, NULL, NULL, 2);
	ok = !e.ok;
	csra_result_free(&e.r);
	CHECK(ok);
	csra_policy_free(&p);
	for (int i = 0; i < 3; i++)
		csra_stmt_out_clear(&o[i]);
	return 1;
}

/* A claim reported twice must hold both times. */
static int test_contradicting_claims(void)
{
	csra_policy *p = csra_policy_cabf_csbr();
	csra_stmt_out o = { 0 };
	good_claims(&o);
	csra_stmt_add_bool(&o, "key", "extractable", 1);
	CHECK(claim_case(p, &o, "key.extractable", CSRA_ERR_POLICY_CLAIM_VALUE, "is true; required false"));
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	return 1;
}

/* Formats ------------------------------------------------------------- */

/* Evaluates statements |outs| whose formats are |kinds|, given as files
 * beside the request (no type OID). */
static evalres eval_k(const csra_policy *p, const csra_stmt_out *outs, const char *const *kinds,
    size_t n)
{
	csra_policy_stmt st[8];
	for (size_t i = 0; i < n; i++)
		st[i] = (csra_policy_stmt){ NULL, 0, kinds[i], &outs[i] };
	csra_policy_input in = { k_p256, st, n, NULL, 0, eval_nonce };
	evalres e = { 0, csra_result_new() };
	if (e.r != NULL)
		e.ok = csra_policy_eval(p, &in, e.r);
	return e;
}

/* How many checks |name| at |path| (NULL: any) the result holds. */
static size_t count(const evalres *e, const char *name, const char *path)
{
	size_t n = 0;
	for (size_t i = 0; i < csra_result_check_count(e->r); i++) {
		const char *cn, *pa;
		csra_result_check(e->r, i, &cn, NULL, NULL, NULL, &pa);
		n += strcmp(cn, name) == 0 && (path == NULL || strcmp(pa, path) == 0);
	}
	return n;
}

static csra_policy *load(const char *json)
{
	char err[256] = "";
	csra_policy *p = NULL;
	if (csra_policy_from_json(json, strlen(json), &p, err, sizeof(err)) != CSRA_OK)
		fprintf(stderr, "  policy refused: %s\n", err);
	return p;
}

/* "formats": only statements of the listed formats count; a verified one
 * of another format is reported by policy.format and does not count. */
static int test_formats_filter(void)
{
	csra_policy *p = load("{\"name\": \"f\", \"formats\": [\"pkix-evidence\", \"yubico-piv\"]}");
	csra_policy *all = load("{\"name\": \"all\"}");
	CHECK(p != NULL && all != NULL);
	csra_stmt_out o[2] = { { 0 } };
	good_claims(&o[0]);
	good_claims(&o[1]);
	int ok = 1;

	/* A listed format counts. */
	const char *piv[] = { "yubico-piv" };
	evalres e = eval_k(p, o, piv, 1);
	ok = ok && e.ok && no_failures(&e) && count(&e, "policy.format", NULL) == 0 &&
	    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);

	/* Another does not: policy.format fails, and nothing else counts. */
	const char *tpm[] = { "tpm2-certify" };
	e = eval_k(p, o, tpm, 1);
	ok = ok && !e.ok && has(&e, "policy.format", "statements[0]", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT,
	    "statement 0 is of format tpm2-certify, which the policy does not count (it counts "
	    "pkix-evidence, yubico-piv)") &&
	    has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "1 of a format not counted, 0 below a firmware floor") && count(&e, "policy.claim", NULL) == 0;
	csra_result_free(&e.r);
	CHECK(ok);
	/* ... which a policy without "formats" counts. */
	e = eval_k(all, o, tpm, 1);
	ok = ok && e.ok && no_failures(&e) && count(&e, "policy.format", NULL) == 0;
	csra_result_free(&e.r);
	CHECK(ok);

	/* Beside a counted statement, one of another format is still
	 * reported (a warning) and does not fail the policy: the statement
	 * that counts is the listed one. */
	const char *mixed[] = { "tpm2-certify", "pkix-evidence" };
	e = eval_k(p, o, mixed, 2);
	ok = ok && e.ok && has(&e, "policy.format", "statements[0]", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT,
	    NULL) && has(&e, "policy.statement", "statements[1]", CSRA_STATUS_PASS, CSRA_OK, NULL) &&
	    count(&e, "policy.format", NULL) == 1;
	csra_result_free(&e.r);
	CHECK(ok);

	/* Only verified statements are judged by format; a statement of no
	 * known format (kind NULL) does not count. */
	o[0].verified = 0;
	e = eval_k(p, o, tpm, 1);
	ok = ok && !e.ok && count(&e, "policy.format", NULL) == 0 &&
	    has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT, "1 not verified, 0 bound");
	csra_result_free(&e.r);
	o[0].verified = 1;
	const char *none[] = { NULL };
	e = eval_k(p, o, none, 1);
	ok = ok && !e.ok && has(&e, "policy.format", "statements[0]", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT,
	    "of format (unknown)");
	csra_result_free(&e.r);
	CHECK(ok);

	csra_stmt_out_clear(&o[0]);
	csra_stmt_out_clear(&o[1]);
	csra_policy_free(&p);
	csra_policy_free(&all);
	return 1;
}

/* "format_claims": the generic requirements with the format's applied on
 * top; null drops a requirement for that format only. */
static int test_format_claims(void)
{
	csra_policy *p = load("{\"name\": \"fc\","
	    " \"claims\": {\"key\": {\"extractable\": false, \"never-extractable\": true, \"sensitive\": true,"
	    "  \"local\": true}, \"platform\": {\"fipsboot\": true, \"fipslevel\": {\"min\": 2}}},"
	    " \"format_claims\": {"
	    "  \"yubico-piv\": {\"key\": {\"never-extractable\": null, \"sensitive\": null,"
	    "   \"pinpolicy\": \"always\"}, \"platform\": {\"fipslevel\": {\"min\": 3}}},"
	    "  \"yubihsm2\": {}}}");
	CHECK(p != NULL);
	csra_stmt_out o = { 0 };
	int ok = 1;
	const char *piv[] = { "yubico-piv" }, *hsm[] = { "yubihsm2" }, *ev[] = { "pkix-evidence" };

	/* A YubiKey cannot say never-extractable or sensitive: not asked. */
	good_claims(&o);
	drop(&o, "key", "never-extractable");
	drop(&o, "key", "sensitive");
	csra_stmt_add_text(&o, "key", "pinpolicy", (const uint8_t *)"always", 6);
	evalres e = eval_k(p, &o, piv, 1);
	ok = ok && e.ok && no_failures(&e) &&
	    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK,
	    "meets all 5 claim requirement(s)") &&
	    count(&e, "policy.claim", "key.never-extractable") == 0 && count(&e, "policy.claim", "key.sensitive") == 0 &&
	    has(&e, "policy.claim", "key.pinpolicy", CSRA_STATUS_PASS, CSRA_OK, "required \"always\"") &&
	    has(&e, "policy.claim", "platform.fipslevel", CSRA_STATUS_PASS, CSRA_OK, "required at least 3") &&
	    count(&e, "policy.claim", "platform.fipslevel") == 1 &&
	    has(&e, "policy.claim", "key.extractable", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);

	/* The format's fipslevel replaces the generic one: 2 is not enough. */
	find_rw(&o, "platform", "fipslevel")->integer = 2;
	e = eval_k(p, &o, piv, 1);
	ok = ok && !e.ok && has(&e, "policy.claim", "platform.fipslevel", CSRA_STATUS_FAIL,
	    CSRA_ERR_POLICY_CLAIM_VALUE, "is 2; required at least 3");
	csra_result_free(&e.r);
	CHECK(ok);
	/* Its own claim is required. */
	find_rw(&o, "platform", "fipslevel")->integer = 3;
	drop(&o, "key", "pinpolicy");
	e = eval_k(p, &o, piv, 1);
	ok = ok && !e.ok && has(&e, "policy.claim", "key.pinpolicy", CSRA_STATUS_FAIL,
	    CSRA_ERR_POLICY_CLAIM_ABSENT, "statement 0 has no key.pinpolicy claim");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Other formats keep the generic requirements: what the YubiKey may
	 * omit, they may not. */
	good_claims(&o);
	drop(&o, "key", "never-extractable");
	for (int i = 0; i < 2; i++) {
		e = eval_k(p, &o, i ? hsm : ev, 1);
		ok = ok && !e.ok && has(&e, "policy.claim", "key.never-extractable", CSRA_STATUS_FAIL,
		    CSRA_ERR_POLICY_CLAIM_ABSENT, NULL) &&
		    has(&e, "policy.claim", "platform.fipslevel", CSRA_STATUS_PASS, CSRA_OK, "required at least 2") &&
		    count(&e, "policy.claim", "key.pinpolicy") == 0;
		csra_result_free(&e.r);
		CHECK(ok);
	}
	good_claims(&o);
	find_rw(&o, "platform", "fipslevel")->integer = 2;
	e = eval_k(p, &o, hsm, 1);
	ok = ok && e.ok && no_failures(&e) && has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS,
	    CSRA_OK, "meets all 6 claim requirement(s)");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Each statement is judged by its own format's requirements. */
	csra_stmt_out two[2] = { { 0 } };
	good_claims(&two[0]);
	drop(&two[0], "key", "sensitive");	/* fails as pkix-evidence */
	good_claims(&two[1]);
	drop(&two[1], "key", "sensitive");	/* passes as yubico-piv */
	csra_stmt_add_text(&two[1], "key", "pinpolicy", (const uint8_t *)"always", 6);
	const char *both[] = { "pkix-evidence", "yubico-piv" };
	e = eval_k(p, two, both, 2);
	ok = ok && e.ok && has(&e, "policy.statement", "statements[1]", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);
	csra_stmt_out_clear(&two[0]);
	csra_stmt_out_clear(&two[1]);
	csra_stmt_out_clear(&o);
	csra_policy_free(&p);

	/* A format entry without generic claims. */
	p = load("{\"name\": \"fc2\", \"format_claims\": {\"yubihsm2\": {\"key\": {\"local\": true}}}}");
	CHECK(p != NULL);
	csra_stmt_out_init(&o, 0);
	o.verified = o.bound = 1;
	e = eval_k(p, &o, hsm, 1);
	ok = !e.ok && has(&e, "policy.claim", "key.local", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT, NULL);
	csra_result_free(&e.r);
	e = eval_k(p, &o, piv, 1);
	ok = ok && e.ok && count(&e, "policy.claim", NULL) == 0;
	csra_result_free(&e.r);
	csra_policy_free(&p);
	csra_stmt_out_clear(&o);
	CHECK(ok);
	return 1;
}

/* One firmware case: swversion |sw| (NULL: none) against the policy's
 * floor for yubico-piv. |code| CSRA_OK: met. */
static int fw_case(const csra_policy *p, const char *sw, csra_err code, const char *msg)
{
	csra_stmt_out o = { 0 };
	good_claims(&o);
	if (sw != NULL)
		csra_stmt_add_text(&o, "platform", "swversion", (const uint8_t *)sw, strlen(sw));
	const char *piv[] = { "yubico-piv" };
	evalres e = eval_k(p, &o, piv, 1);
	int ok = code == CSRA_OK ?
	    e.ok && no_failures(&e) && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_PASS, CSRA_OK,
	    msg) :
	    !e.ok && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_WARN, code, msg) &&
	    /* ... and the statement does not count. */
	    has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "0 of a format not counted, 1 below a firmware floor");
	csra_result_free(&e.r);
	csra_stmt_out_clear(&o);
	if (!ok)
		fprintf(stderr, "  swversion %s\n", sw ? sw : "(none)");
	return ok;
}

/* "firmware_min": swversion compared component by component as
 * integers; absent or unparseable fails. */
static int test_firmware_floor(void)
{
	csra_policy *p = load("{\"name\": \"fw\", \"firmware_min\": {\"yubico-piv\": \"5.7.4\", \"yubihsm2\": \"2.2\"}}");
	CHECK(p != NULL);
	CHECK(fw_case(p, "5.7.3", CSRA_ERR_POLICY_FIRMWARE,
	    "statement 0 (yubico-piv): firmware \"5.7.3\" is below the floor; must be at least 5.7.4"));
	CHECK(fw_case(p, "4.3.4", CSRA_ERR_POLICY_FIRMWARE, "is below the floor"));
	CHECK(fw_case(p, "5.7", CSRA_ERR_POLICY_FIRMWARE, "is below the floor"));
	CHECK(fw_case(p, "5.6.99", CSRA_ERR_POLICY_FIRMWARE, "is below the floor"));
	CHECK(fw_case(p, "5.7.4", CSRA_OK, "statement 0 (yubico-piv): firmware \"5.7.4\", at least 5.7.4"));
	CHECK(fw_case(p, "5.7.4.0", CSRA_OK, NULL));
	CHECK(fw_case(p, "5.7.5", CSRA_OK, NULL));
	CHECK(fw_case(p, "5.10.0", CSRA_OK, NULL));	/* not compared as text */
	CHECK(fw_case(p, "5.07.04", CSRA_OK, NULL));
	CHECK(fw_case(p, "10", CSRA_OK, NULL));
	CHECK(fw_case(p, NULL, CSRA_ERR_POLICY_FIRMWARE,
	    "statement 0 (yubico-piv) has no platform.swversion claim; firmware must be at least 5.7.4"));
	static const char *garbage[] = { "", "abc", "5.7.4-rc1", "5..7", ".5.7", "5.7.", "v5.7.4", " 5.7.4",
		"5.7.4 ", "5,7,4", "-5.7.4", "5.7.1234567890", "1.1.1.1.1.1.1.1.1" };
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		CHECK(fw_case(p, garbage[i], CSRA_ERR_POLICY_FIRMWARE, "is not a dotted numeric version; must be at least 5.7.4"));

	/* "5.10" against a floor of "5.7", and the other way round. */
	csra_policy *q = load("{\"name\": \"fw\", \"firmware_min\": {\"yubico-piv\": \"5.7\"}}");
	csra_policy *r = load("{\"name\": \"fw\", \"firmware_min\": {\"yubico-piv\": \"5.10\"}}");
	CHECK(q != NULL && r != NULL);
	CHECK(fw_case(q, "5.10", CSRA_OK, NULL));
	CHECK(fw_case(r, "5.7", CSRA_ERR_POLICY_FIRMWARE, "firmware \"5.7\" is below the floor; must be at least 5.10"));
	CHECK(fw_case(r, "5.9.99", CSRA_ERR_POLICY_FIRMWARE, "is below the floor"));
	csra_policy_free(&q);
	csra_policy_free(&r);

	/* Not text: not a version. Reported twice: every report must meet
	 * the floor. */
	csra_stmt_out o = { 0 };
	const char *piv[] = { "yubico-piv" }, *ev[] = { "pkix-evidence" };
	good_claims(&o);
	csra_stmt_add_int(&o, "platform", "swversion", 574);
	evalres e = eval_k(p, &o, piv, 1);
	int ok = !e.ok && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_WARN,
	    CSRA_ERR_POLICY_FIRMWARE, "firmware 574 is not a dotted numeric version");
	csra_result_free(&e.r);
	good_claims(&o);
	csra_stmt_add_text(&o, "platform", "swversion", (const uint8_t *)"5.7.4", 5);
	csra_stmt_add_text(&o, "platform", "swversion", (const uint8_t *)"4.3.4", 5);
	e = eval_k(p, &o, piv, 1);
	ok = ok && !e.ok && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_WARN,
	    CSRA_ERR_POLICY_FIRMWARE, "\"4.3.4\" is below");
	csra_result_free(&e.r);
	/* In another element it is not the firmware. */
	good_claims(&o);
	csra_stmt_add_text(&o, "key", "swversion", (const uint8_t *)"5.7.4", 5);
	e = eval_k(p, &o, piv, 1);
	ok = ok && !e.ok && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_WARN,
	    CSRA_ERR_POLICY_FIRMWARE, "has no platform.swversion claim");
	csra_result_free(&e.r);
	CHECK(ok);
	/* Formats without a floor are not checked. */
	good_claims(&o);
	e = eval_k(p, &o, ev, 1);
	ok = e.ok && count(&e, "policy.firmware", NULL) == 0;
	csra_result_free(&e.r);
	CHECK(ok);
	/* Every verified statement is checked, whichever is chosen: a low one
	 * is reported and does not count; another that meets everything
	 * still meets the policy. */
	csra_stmt_out two[2] = { { 0 } };
	good_claims(&two[0]);
	csra_stmt_add_text(&two[0], "platform", "swversion", (const uint8_t *)"5.7.4", 5);
	good_claims(&two[1]);
	csra_stmt_add_text(&two[1], "platform", "swversion", (const uint8_t *)"2.1.9", 5);
	const char *kinds[] = { "yubico-piv", "yubihsm2" };
	e = eval_k(p, two, kinds, 2);
	ok = e.ok && has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_PASS, CSRA_OK, "statement 0") &&
	    has(&e, "policy.firmware", "platform.swversion", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FIRMWARE,
	    "statement 1 (yubihsm2): firmware \"2.1.9\" is below the floor; must be at least 2.2") &&
	    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	CHECK(ok);
	csra_stmt_out_clear(&two[0]);
	csra_stmt_out_clear(&two[1]);
	csra_stmt_out_clear(&o);
	csra_policy_free(&p);
	return 1;
}

/* freshness_exempt names formats as well as types: files beside a
 * request have no type OID. */
static int test_freshness_exempt_by_name(void)
{
	csra_policy *p = load("{\"name\": \"ex\", \"freshness_exempt\": [\"yubico-piv\", \"1.3.6.1.5.5.999\"]}");
	csra_policy *cabf = csra_policy_cabf_csbr();
	CHECK(p != NULL && cabf != NULL);
	CHECK(csra_policy_freshness_exempt(p, NULL, 0, "yubico-piv"));
	CHECK(!csra_policy_freshness_exempt(p, NULL, 0, "yubico"));
	CHECK(!csra_policy_freshness_exempt(p, NULL, 0, "thales-luna"));
	CHECK(!csra_policy_freshness_exempt(p, NULL, 0, NULL));
	CHECK(csra_policy_freshness_exempt(p, VENDOR_TYPE, sizeof(VENDOR_TYPE), NULL));
	CHECK(csra_policy_freshness_exempt(p, VENDOR_TYPE, sizeof(VENDOR_TYPE), "callback"));
	CHECK(!csra_policy_freshness_exempt(p, TPM_TYPE, sizeof(TPM_TYPE), "tpm2-certify"));
	CHECK(!csra_policy_freshness_exempt(NULL, VENDOR_TYPE, sizeof(VENDOR_TYPE), "yubico-piv"));
	/* cabf-csbr: the vendor formats that cannot carry a nonce. */
	CHECK(csra_policy_freshness_exempt(cabf, NULL, 0, "yubico-piv"));
	CHECK(csra_policy_freshness_exempt(cabf, NULL, 0, "yubihsm2"));
	CHECK(csra_policy_freshness_exempt(cabf, NULL, 0, "thales-luna"));
	CHECK(!csra_policy_freshness_exempt(cabf, NULL, 0, "pkix-evidence"));
	CHECK(!csra_policy_freshness_exempt(cabf, TPM_TYPE, sizeof(TPM_TYPE), "tpm2-certify"));
	CHECK(!csra_policy_freshness_exempt(cabf, VENDOR_TYPE, sizeof(VENDOR_TYPE), "callback"));

	/* Evaluated with a nonce, unconfirmed. */
	csra_stmt_out o[2] = { { 0 } };
	good_claims(&o[0]);
	good_claims(&o[1]);
	eval_nonce = 1;
	const char *piv[] = { "yubico-piv" }, *luna[] = { "thales-luna" };
	evalres e = eval_k(p, o, piv, 1);
	int ok = e.ok && no_failures(&e) && has(&e, "policy.freshness", "", CSRA_STATUS_PASS, CSRA_OK,
	    "or the policy exempts their type or format");
	csra_result_free(&e.r);
	e = eval_k(p, o, luna, 1);
	ok = ok && !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "1 not confirmed fresh)");
	csra_result_free(&e.r);
	e = eval_k(cabf, o, luna, 1);
	ok = ok && e.ok && no_failures(&e);
	csra_result_free(&e.r);
	eval_nonce = 0;
	csra_stmt_out_clear(&o[0]);
	csra_stmt_out_clear(&o[1]);
	csra_policy_free(&p);
	csra_policy_free(&cabf);
	CHECK(ok);
	return 1;
}

/* "waive": the known-weak-key checks, each by name, and nothing else. */
static int test_waive(void)
{
	static const char *const weak[] = { "key.weak.roca", "key.weak.fermat", "key.weak.small-factor",
		"key.weak.exponent", "key.weak.ec-point", "key.weak.ec-subgroup" };
	csra_policy *all = load("{\"name\": \"w\", \"waive\": [\"key.weak.roca\", \"key.weak.fermat\","
	    " \"key.weak.small-factor\", \"key.weak.exponent\", \"key.weak.ec-point\", \"key.weak.ec-subgroup\"]}");
	csra_policy *roca = load("{\"name\": \"w\", \"waive\": [\"key.weak.roca\"]}");
	csra_policy *none = load("{\"name\": \"w\", \"waive\": []}");
	csra_policy *cabf = csra_policy_cabf_csbr();
	CHECK(all != NULL && roca != NULL && none != NULL && cabf != NULL);
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		CHECK(csra_policy_waives(all, weak[i]));
		CHECK(csra_policy_waives(roca, weak[i]) == (i == 0));
		CHECK(!csra_policy_waives(none, weak[i]));
		CHECK(!csra_policy_waives(cabf, weak[i]));
		CHECK(!csra_policy_waives(NULL, weak[i]));
	}
	static const char *const never[] = { "evidence.signature", "statement.binding", "request.signature",
		"key.weak", "key.weak.roca ", "key.weak.", "", "policy.claim" };
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		CHECK(!csra_policy_waives(all, never[i]));
	CHECK(!csra_policy_waives(all, NULL));
	csra_policy_free(&all);
	csra_policy_free(&roca);
	csra_policy_free(&none);
	csra_policy_free(&cabf);
	return 1;
}

/* policy.formats: a name no format of the registry has warns, where it
 * is in the policy. */
static int test_check_formats(void)
{
	static const csra_format ev = { "pkix-evidence", NULL, NULL, NULL, 0 },
	    piv = { "yubico-piv", NULL, NULL, NULL, 0 };
	static const csra_format *const reg[] = { &ev, &piv, NULL };
	csra_policy *p = load("{\"name\": \"names\", \"formats\": [\"pkix-evidence\", \"yubikey-piv\", \"yubico-piv\"],"
	    " \"format_claims\": {\"yubico-piv\": {}, \"yubikey-piv\": {}},"
	    " \"firmware_min\": {\"yubikey-piv\": \"5.7.4\", \"yubico-piv\": \"5.7.4\"},"
	    " \"freshness_exempt\": [\"1.2.3\", \"yubico-piv\", \"yubihsm\"]}");
	CHECK(p != NULL);
	evalres e = { 0, csra_result_new() };
	CHECK(e.r != NULL);
	csra_policy_check_formats(p, reg, e.r);
	int ok = count(&e, "policy.formats", NULL) == 4 &&
	    has(&e, "policy.formats", "formats[1]", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT,
	    "no format named \"yubikey-piv\" is known to this verifier: the entry matches no statement") &&
	    has(&e, "policy.formats", "format_claims.yubikey-piv", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT, NULL) &&
	    has(&e, "policy.formats", "firmware_min.yubikey-piv", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT, NULL) &&
	    has(&e, "policy.formats", "freshness_exempt[2]", CSRA_STATUS_WARN, CSRA_ERR_POLICY_FORMAT,
	    "\"yubihsm\"");
	csra_result_free(&e.r);
	csra_policy_free(&p);
	CHECK(ok);
	/* Nothing to say: nothing recorded. */
	p = load("{\"name\": \"names\", \"formats\": [\"yubico-piv\"]}");
	e.r = csra_result_new();
	CHECK(p != NULL && e.r != NULL);
	csra_policy_check_formats(p, reg, e.r);
	csra_policy_check_formats(NULL, reg, e.r);
	csra_policy_check_formats(p, NULL, e.r);
	ok = csra_result_check_count(e.r) == 0;
	csra_result_free(&e.r);
	csra_policy_free(&p);
	CHECK(ok);
	return 1;
}

/* Custom policies ------------------------------------------------------- */

static const char CUSTOM[] =
    "{\"name\": \"custom\","
    " \"require_statement_types\": [\"1.3.6.1.5.5.999\", \"2.23.133.20.1\"],"
    " \"trust\": {\"1.3.6.1.5.5.999\": [\"vendor-root.pem\", \"/etc/csra/extra.pem\"],"
    "           \"2.23.133.20.1\": [\"tpm-roots/\"]},"
    " \"claims\": {\"platform\": {\"fipslevel\": {\"min\": 2, \"max\": 3}, \"vendor\": \"acme\","
    "                           \"bootcount\": {\"max\": 10}},"
    "            \"key\": {\"fixedTPM\": true}},"
    " \"key_algorithms\": [\"ed25519\", \"rsa:4096\", \"ec:P-384\"]}";

static int custom_outs(csra_stmt_out o[2])
{
	for (int i = 0; i < 2; i++) {
		good_claims(&o[i]);
		csra_stmt_add_bool(&o[i], "key", "fixedTPM", 1);
		csra_stmt_add_int(&o[i], "platform", "bootcount", 10);
	}
	return 1;
}

static int test_custom_policy(void)
{
	char err[256];
	csra_policy *p = NULL;
	CHECK(csra_policy_from_json(CUSTOM, strlen(CUSTOM), &p, err, sizeof(err)) == CSRA_OK);
	CHECK(strcmp(csra_policy_name(p), "custom") == 0);
	const uint8_t *types[2] = { VENDOR_TYPE, TPM_TYPE };
	size_t lens[2] = { sizeof(VENDOR_TYPE), sizeof(TPM_TYPE) };
	csra_stmt_out o[2] = { { 0 } };

	custom_outs(o);
	evalres e = eval_n(p, k_ed25519, o, types, lens, 2);
	int ok = e.ok && no_failures(&e) &&
	    has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, "1.3.6.1.5.5.999") &&
	    has(&e, "policy.statement", "statements[1]", CSRA_STATUS_PASS, CSRA_OK, "2.23.133.20.1");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Key algorithms: ed25519, rsa:4096 (and larger), P-384 only. */
	EVP_PKEY *yes[] = { k_ed25519, k_rsa4096, k_p384 }, *no[] = { k_p256, k_p521, k_rsa3072 };
	for (size_t i = 0; i < 3; i++) {
		e = eval_n(p, yes[i], o, types, lens, 2);
		ok = e.ok;
		csra_result_free(&e.r);
		CHECK(ok);
		e = eval_n(p, no[i], o, types, lens, 2);
		ok = !e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_FAIL,
		    CSRA_ERR_POLICY_KEY_ALGORITHM, "policy accepts ed25519, rsa:4096, ec:P-384");
		csra_result_free(&e.r);
		CHECK(ok);
	}

	/* Only one of the two types present. */
	e = eval_n(p, k_ed25519, o, types, lens, 1);
	ok = !e.ok && has(&e, "policy.statement", "statements[0]", CSRA_STATUS_PASS, CSRA_OK, NULL) &&
	    has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT, "2.23.133.20.1");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Both statements of one type: the other type is still missing. */
	const uint8_t *same[2] = { VENDOR_TYPE, VENDOR_TYPE };
	size_t same_lens[2] = { sizeof(VENDOR_TYPE), sizeof(VENDOR_TYPE) };
	e = eval_n(p, k_ed25519, o, same, same_lens, 2);
	ok = !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT,
	    "2.23.133.20.1");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Ranges: both ends inclusive; max only. */
	static const struct {
		int64_t lvl, boots;
		int ok;
	} ranges[] = { { 2, 0, 1 }, { 3, -5, 1 }, { 1, 0, 0 }, { 4, 0, 0 }, { 3, 11, 0 } };
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		custom_outs(o);
		find_rw(&o[1], "platform", "fipslevel")->integer = ranges[i].lvl;
		find_rw(&o[1], "platform", "bootcount")->integer = ranges[i].boots;
		e = eval_n(p, k_ed25519, o, types, lens, 2);
		ok = e.ok == ranges[i].ok;
		if (!ranges[i].ok)
			ok = ok && has(&e, "policy.claim", ranges[i].boots > 10 ? "platform.bootcount"
			    : "platform.fipslevel", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_VALUE,
			    ranges[i].boots > 10 ? "required at most 10" : "required 2..3");
		csra_result_free(&e.r);
		if (!ok)
			fprintf(stderr, "  range case %zu\n", i);
		CHECK(ok);
	}

	/* Strings compare exactly. */
	custom_outs(o);
	find_rw(&o[0], "platform", "vendor")->text = "Acme";
	e = eval_n(p, k_ed25519, o, types, lens, 2);
	ok = !e.ok && has(&e, "policy.claim", "platform.vendor", CSRA_STATUS_FAIL,
	    CSRA_ERR_POLICY_CLAIM_VALUE, "is \"Acme\"; required \"acme\"");
	csra_result_free(&e.r);
	CHECK(ok);

	/* A non-draft claim name (the TPM's) is required like any other. */
	custom_outs(o);
	drop(&o[1], "key", "fixedTPM");
	e = eval_n(p, k_ed25519, o, types, lens, 2);
	ok = !e.ok && has(&e, "policy.claim", "key.fixedTPM", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_CLAIM_ABSENT,
	    "statement 1");
	csra_result_free(&e.r);
	CHECK(ok);

	/* Trust entries from JSON keep relative paths as written. */
	CHECK(csra_policy_trust_count(p) == 3);
	const uint8_t *t;
	size_t tl;
	CHECK(strcmp(csra_policy_trust(p, 0, &t, &tl), "vendor-root.pem") == 0);
	CHECK(tl == sizeof(VENDOR_TYPE) && memcmp(t, VENDOR_TYPE, tl) == 0);
	CHECK(strcmp(csra_policy_trust(p, 1, &t, &tl), "/etc/csra/extra.pem") == 0);
	CHECK(strcmp(csra_policy_trust(p, 2, &t, &tl), "tpm-roots/") == 0);
	CHECK(tl == sizeof(TPM_TYPE) && memcmp(t, TPM_TYPE, tl) == 0);
	CHECK(csra_policy_trust(p, 3, &t, &tl) == NULL);
	csra_policy_free(&p);
	csra_stmt_out_clear(&o[0]);
	csra_stmt_out_clear(&o[1]);
	return 1;
}

/* A statement's claims cost what they hold: the struct was a fixed 48
 * claims of 128-byte text (about 10 KB) whatever it carried. */
static int test_stmt_out_size(void)
{
	CHECK(sizeof(csra_stmt_out) < 256);
	csra_stmt_out o;
	csra_stmt_out_init(&o, 0);
	CHECK(o.claims == NULL && o.chunks == NULL);
	good_claims(&o);
	CHECK(o.nclaims == 7 && o.cap == 16);
	/* A long text is kept whole, not cut at 127 bytes. */
	char t[1000];
	memset(t, 'x', sizeof(t));
	CHECK(csra_stmt_add_text(&o, "platform", "swname", (const uint8_t *)t, sizeof(t)) == CSRA_OK);
	const csra_stmt_claim *c = csra_stmt_find(&o, "platform", "swname");
	CHECK(c != NULL && c->text_len == sizeof(t) && c->text[sizeof(t)] == '\0');
	/* U+0000 and non-minimal INTEGERs are refused; the first refusal kept. */
	CHECK(csra_stmt_add_text(&o, "platform", "vendor", (const uint8_t *)"a\0b", 3) == CSRA_ERR_EV_CLAIM_NUL);
	static const uint8_t nonmin[] = { 0x00, 0x01 }, big[257] = { 0x01 };
	CHECK(csra_stmt_add_bigint(&o, "platform", "uptime", nonmin, 2) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_stmt_add_bigint(&o, "platform", "uptime", big, 257) == CSRA_ERR_EV_INTEGER_RANGE);
	CHECK(o.err == CSRA_ERR_EV_CLAIM_NUL && strcmp(o.err_path, "platform.vendor") == 0);
	CHECK(o.nclaims == 8);
	/* Bytes: any bytes, U+0000 too, kept whole; NULL only when empty. */
	CHECK(csra_stmt_add_bytes(&o, "platform", "fw", (const uint8_t *)"a\0b", 3) == CSRA_OK);
	CHECK(csra_stmt_add_bytes(&o, "platform", "none", NULL, 0) == CSRA_OK);
	CHECK(csra_stmt_add_bytes(&o, "platform", "bad", NULL, 2) == CSRA_ERR_INVALID_ARGUMENT);
	c = csra_stmt_find(&o, "platform", "fw");
	CHECK(c != NULL && c->type == CSRA_VALUE_OCTETS && c->len == 3 && memcmp(c->bytes, "a\0b", 3) == 0);
	c = csra_stmt_find(&o, "platform", "none");
	CHECK(c != NULL && c->type == CSRA_VALUE_OCTETS && c->len == 0 && c->bytes != NULL);
	CHECK(o.nclaims == 10 && csra_stmt_find(&o, "platform", "bad") == NULL);
	csra_stmt_out_clear(&o);
	CHECK(o.claims == NULL && o.nclaims == 0);
	/* Decimal rendering of big INTEGERs. */
	char buf[64];
	static const uint8_t m63[] = { 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	    p64[] = { 0x01, 0, 0, 0, 0, 0, 0, 0, 0 }, m1[] = { 0xff }, z[] = { 0 };
	CHECK(strcmp(csra_int_decimal(m63, sizeof(m63), buf, sizeof(buf)), "-9223372036854775809") == 0);
	CHECK(strcmp(csra_int_decimal(p64, sizeof(p64), buf, sizeof(buf)), "18446744073709551616") == 0);
	CHECK(strcmp(csra_int_decimal(m1, 1, buf, sizeof(buf)), "-1") == 0);
	CHECK(strcmp(csra_int_decimal(z, 1, buf, sizeof(buf)), "0") == 0);
	return 1;
}

/* A policy written with csrattest 0.1's "debugstat" still matches the
 * draft's dbgstat claim (it would otherwise never match: fail closed, but
 * every request refused). */
static int test_policy_old_claim_name(void)
{
	static const char js[] = "{\"name\": \"dbg\", \"claims\": {\"platform\": {\"debugstat\": 0}}}";
	csra_policy *p = NULL;
	CHECK(csra_policy_from_json(js, strlen(js), &p, NULL, 0) == CSRA_OK);
	csra_stmt_out o;
	csra_stmt_out_init(&o, 0);
	o.verified = o.bound = 1;
	CHECK(csra_stmt_add_int(&o, "platform", "dbgstat", 0) == CSRA_OK);
	evalres e = eval1(p, k_rsa2048, &o);
	int ok = e.ok && has(&e, "policy.claim", "platform.dbgstat", CSRA_STATUS_PASS, CSRA_OK, NULL);
	csra_result_free(&e.r);
	csra_stmt_out_clear(&o);
	csra_policy_free(&p);
	CHECK(ok);
	return 1;
}

/* No key_algorithms: any key; no claims: any verified, bound statement. */
static int test_minimal_policy(void)
{
	static const char js[] = "{\"name\": \"minimal\"}";
	csra_policy *p = NULL;
	CHECK(csra_policy_from_json(js, strlen(js), &p, NULL, 0) == CSRA_OK);
	csra_stmt_out o = { 0 };
	memset(&o, 0, sizeof(o));
	o.verified = o.bound = 1;
	evalres e = eval1(p, k_rsa2048, &o);
	int ok = e.ok && has(&e, "policy.key-algorithm", "", CSRA_STATUS_PASS, CSRA_OK,
	    "RSA 2048 bits; policy accepts any algorithm");
	csra_result_free(&e.r);
	CHECK(ok);
	o.bound = 0;
	e = eval1(p, k_rsa2048, &o);
	ok = !e.ok && has(&e, "policy.statement", "", CSRA_STATUS_FAIL, CSRA_ERR_POLICY_NO_STATEMENT, NULL);
	csra_result_free(&e.r);
	CHECK(ok);
	csra_policy_free(&p);
	return 1;
}

/* Files ----------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return 0;
	fputs(text, f);
	return fclose(f) == 0;
}

static int test_policy_file(void)
{
	char dir[] = "/tmp/csra-policy-XXXXXX", path[256], want[512], err[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/policy.json", dir);
	CHECK(write_file(path, "{\"name\": \"from-file\", \"trust\": {\"1.2.3\": "
	    "[\"roots.pem\", \"/abs/root.pem\", \"sub/dir/\", \"../up.pem\"]}}"));
	csra_policy *p = NULL;
	CHECK(csra_policy_from_file(path, &p, err, sizeof(err)) == CSRA_OK);
	CHECK(strcmp(csra_policy_name(p), "from-file") == 0);
	CHECK(csra_policy_trust_count(p) == 4);
	const uint8_t *t;
	size_t tl;
	snprintf(want, sizeof(want), "%s/roots.pem", dir);
	CHECK(strcmp(csra_policy_trust(p, 0, &t, &tl), want) == 0);
	CHECK(tl == 2 && t[0] == 0x2a && t[1] == 0x03);
	CHECK(strcmp(csra_policy_trust(p, 1, NULL, NULL), "/abs/root.pem") == 0);
	snprintf(want, sizeof(want), "%s/sub/dir/", dir);
	CHECK(strcmp(csra_policy_trust(p, 2, NULL, NULL), want) == 0);
	snprintf(want, sizeof(want), "%s/../up.pem", dir);
	CHECK(strcmp(csra_policy_trust(p, 3, NULL, NULL), want) == 0);
	csra_policy_free(&p);

	/* Errors in a file are reported like those in a string. */
	CHECK(write_file(path, "{\"name\": \"x\", \"key_algorithms\": [\"dsa:1024\"]}"));
	CHECK(csra_policy_from_file(path, &p, err, sizeof(err)) == CSRA_ERR_POLICY && p == NULL);
	CHECK(strstr(err, "key_algorithms[0]: unknown algorithm \"dsa:1024\"") != NULL);

	/* Over 1 MiB. */
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("{\"name\": \"x\"}", f);
	for (int i = 0; i < (1 << 20); i++)
		fputc(' ', f);
	CHECK(fclose(f) == 0);
	CHECK(csra_policy_from_file(path, &p, err, sizeof(err)) == CSRA_ERR_POLICY && p == NULL);
	CHECK(strstr(err, "larger than 1 MiB") != NULL);

	/* Missing file, a directory. */
	snprintf(path, sizeof(path), "%s/absent.json", dir);
	CHECK(csra_policy_from_file(path, &p, err, sizeof(err)) == CSRA_ERR_IO && p == NULL);
	CHECK(strstr(err, "absent.json") != NULL);
	CHECK(csra_policy_from_file(dir, &p, err, sizeof(err)) == CSRA_ERR_IO && p == NULL);
	CHECK(strstr(err, "not a regular file") != NULL);

	snprintf(path, sizeof(path), "%s/policy.json", dir);
	unlink(path);
	rmdir(dir);
	return 1;
}

static void teardown(void)
{
	EVP_PKEY *all[] = { k_p256, k_p384, k_p521, k_rsa3072, k_rsa2048, k_rsa4096, k_ed25519 };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		EVP_PKEY_free(all[i]);
}

int main(void)
{
	static const tu_test tests[] = {
		TU(setup), TU(test_parse_errors), TU(test_parse_limits), TU(test_oid_from_str),
		TU(test_cabf_name_and_shape), TU(test_cabf_accepts), TU(test_cabf_key_algorithms), TU(test_key_description_from_spki),
		TU(test_cabf_key_claims), TU(test_cabf_platform_claims), TU(test_cabf_no_statement),
		TU(test_candidate_choice), TU(test_contradicting_claims), TU(test_custom_policy),
		TU(test_stmt_out_size), TU(test_policy_old_claim_name), TU(test_minimal_policy), TU(test_policy_file),
		TU(test_freshness_eval), TU(test_formats_filter), TU(test_format_claims), TU(test_firmware_floor),
		TU(test_freshness_exempt_by_name), TU(test_waive), TU(test_check_formats),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	teardown();
	return rc;
}
