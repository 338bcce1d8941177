/* SPDX-License-Identifier: BSD-2-Clause */
/* csrattest verify-evidence: PKIX Evidence against trust anchors. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"
#include "csra_input.h"
#include "csra_codec_int.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"

/* The --limit option, in both commands' help. */
#define LIMIT_HELP \
    "  --limit NAME=N         cap a count (statements 64, certs 256, attributes\n" \
    "                         256, extensions 256, signers 16, claims 4096,\n" \
    "                         elements 1024 by default; docs/verify.md); may repeat\n"

static const char usage[] =
    "Usage: csrattest verify-evidence FILE[,FILE...] [--trust CA.pem] [options]\n"
    "\n"
    "Verify an attestation on its own and print the keys it attests. PKIX\n"
    "Evidence (draft-ietf-rats-pkix-key-attestation-07, needs --trust): every\n"
    "signature block over the TbsEvidence bytes, the attestation-key\n"
    "certificate (digitalSignature, EKU id-kp-attestationKey) and its path\n"
    "to a trust anchor, the draft's rules on content, ak-spki binding and\n"
    "freshness. A vendor attestation (docs/formats.md: yubico-piv, yubihsm2,\n"
    "thales-luna, ...): its format's checks against the vendor's bundled\n"
    "roots (csrattest trust list); one given as several files (Securosys:\n"
    "XML,signature,chain; Google Cloud HSM: .dat,.certs) names them all,\n"
    "comma-separated. Every check that ran is printed.\n"
    "\n"
    "Options:\n"
    "  --trust FILE|DIR       trust anchors (PEM); may repeat; required\n"
    "  --untrusted FILE       more intermediate certificates (PEM); may repeat;\n"
    "                         a keyId may name one of them, which must chain\n"
    "  --signer-cert FILE     AK certificates a keyId may name (PEM); may repeat\n"
    "  --crl FILE|DIR         CRLs (PEM or DER; a directory: each file); may\n"
    "                         repeat; turns on revocation checks of the whole\n"
    "                         AK path: each CA in it needs a current CRL\n"
    "  --nonce HEX            the expected transaction nonce\n"
    "  --at TIME              verification time: YYYY-MM-DDTHH:MM:SSZ or @SECONDS\n"
    "                         (default: now)\n"
    "  --signatures POLICY    all (default) or any-trusted\n"
    "  --ak-eku OID           accept this EKU for AK certificates; may repeat;\n"
    "                         the first replaces the default 1.3.6.1.5.5.7.3.999\n"
    "  --timestamp-window S[:SKEW]  require the timestamp within S seconds\n"
    "                         before the verification time (SKEW seconds slack;\n"
    "                         each at most 1000000000)\n"
    "  --strict               reject unknown elements and claims\n"
    "  --format NAME          the attestation's format (default auto: detected)\n"
    "  --trust-format NAME=FILE|DIR  more roots for vendor format NAME\n"
    "  --no-bundle NAME       do not trust the bundled roots of format NAME\n"
    LIMIT_HELP
    "  --json                 print the result as JSON\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest verify-evidence evidence.pem --trust vendor-root.pem\n"
    "  csrattest verify-evidence ev.der --trust roots/ --nonce beefcafebabedead --json\n"
    "  csrattest verify-evidence luna-pkc.p7b\n"
    "  csrattest verify-evidence ec.dat,ec.certs --json\n"
    "\n"
    "Exit status: 0 verified, 1 rejected (reasons printed), 2 malformed input,\n"
    "3 usage or I/O error.\n";

/* --ak-eku / --tpm-ak-eku OID: adds an accepted attestation-key EKU. */
static int add_ak_eku(csra_verifier *v, const char *cmd, const char *opt, const char *val)
{
	uint8_t oid[64];
	size_t olen;
	int tpm = strcmp(opt, "--tpm-ak-eku") == 0;
	if (!csra_oid_from_str(val, oid, sizeof(oid), &olen) ||
	    (tpm ? csra_verifier_add_tpm_ak_eku(v, oid, olen) : csra_verifier_add_ak_eku(v, oid, olen)) !=
	    CSRA_OK) {
		cli_usage_error("%s: %s wants a dotted OID", cmd, opt);
		return 0;
	}
	return 1;
}

/* --limit NAME=N: csra_verifier_set_limit by the cap's name. */
static int set_limit(csra_verifier *v, const char *spec)
{
	static const char *const names[CSRA_LIMIT_COUNT] = {
		[CSRA_LIMIT_STATEMENTS] = "statements", [CSRA_LIMIT_CERTS] = "certs",
		[CSRA_LIMIT_ATTRIBUTES] = "attributes", [CSRA_LIMIT_EXTENSIONS] = "extensions",
		[CSRA_LIMIT_SIGNERS] = "signers", [CSRA_LIMIT_CLAIMS] = "claims",
		[CSRA_LIMIT_ELEMENTS] = "elements",
	};
	const char *eq = strchr(spec, '=');
	if (eq == NULL || eq[1] < '1' || eq[1] > '9')
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(eq + 1, &end, 10);
	if (*end != '\0' || errno != 0 || n > SIZE_MAX)
		return 0;
	for (int i = 0; i < CSRA_LIMIT_COUNT; i++)
		if (strlen(names[i]) == (size_t)(eq - spec) && memcmp(names[i], spec, (size_t)(eq - spec)) == 0)
			return csra_verifier_set_limit(v, (csra_limit)i, (size_t)n) == CSRA_OK;
	return 0;
}

static const char *status_word(csra_status s)
{
	switch (s) {
	case CSRA_STATUS_PASS: return "pass";
	case CSRA_STATUS_FAIL: return "FAIL";
	case CSRA_STATUS_WARN: return "warn";
	default: return "skip";
	}
}

static const char *verdict_word(csra_verdict v)
{
	switch (v) {
	case CSRA_VERDICT_VERIFIED: return "VERIFIED";
	case CSRA_VERDICT_REJECTED: return "REJECTED";
	case CSRA_VERDICT_UNKNOWN: return "UNKNOWN";
	default: return "MALFORMED";
	}
}

static void print_checks(const csra_result *r, int indent)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err code;
		csra_result_check(r, i, &name, &st, &code, &msg, &path);
		printf("%*s[%s] %-26s %s%s%s", indent, "", status_word(st), name, path,
		    path[0] ? ": " : "", msg);
		if (code != CSRA_OK)
			printf(" (%s)", csra_err_name(code));
		putchar('\n');
	}
}

static void print_text(const char *file, const csra_result *r)
{
	printf("%s: %s\n", file, verdict_word(csra_result_verdict(r)));
	print_checks(r, 2);
	for (size_t i = 0; i < csra_result_statement_count(r); i++) {
		const csra_result *s = csra_result_statement(r, i);
		/* Binding is only known for a statement that verified. */
		const char *binding = r->kind != NULL && strcmp(r->kind, "attestations") == 0
		    ? "verified on its own: no key to bind to"
		    : csra_result_statement_bound(r, i) ? "bound to the request key"
		    : csra_result_verdict(s) == CSRA_VERDICT_UNKNOWN
		    ? "binding not checked: no verifier for its type"
		    : !csra_result_statement_verified(r, i)
		    ? "binding not checked: the statement did not verify"
		    : "not bound to the request key";
		printf("  statement %zu: %s, %s\n", i, verdict_word(csra_result_verdict(s)), binding);
		print_checks(s, 4);
	}
}

/* Under --json, input that is not one DER value of the right kind still
 * gets a record of the usual shape, verdict "malformed": a CA that stores
 * every record must not find a gap where a bad file was. */
static void malformed_record(const char *kind, const uint8_t *in, size_t in_len, csra_err code,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void malformed_record(const char *kind, const uint8_t *in, size_t in_len, csra_err code,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	csra_result *r = csra_result_new();
	if (r == NULL)
		return;
	r->kind = strdup(kind);
	r->has_digest = EVP_Digest(in, in_len, r->digest, NULL, EVP_sha256(), NULL) == 1;
	r->wall = r->at = time(NULL);
	csra_result_add(r, "input", CSRA_STATUS_FAIL, code, "", "%s", msg);
	csra_result_finish(r);
	r->verdict = CSRA_VERDICT_MALFORMED;
	char *json = r->kind != NULL && r->has_digest ? csra_result_json(r) : NULL;
	if (json != NULL)
		printf("%s\n", json);
	free(json);
	csra_result_free(&r);
}

/* Reads FILE as DER: PEM with a label |accept| names
 * (CSRA_INPUT_ACCEPT_*; |want| is its name for messages), base64 or DER,
 * through the library's public reader. With |kind| (not NULL: --json), a
 * file that is none of these gets a "malformed" record of that kind on
 * stdout besides the message. */
static int load_der(const char *file, unsigned accept, const char *want, const char *kind,
    uint8_t **der, size_t *len)
{
	uint8_t *in;
	size_t in_len;
	int r = cli_read_file(file, &in, &in_len);
	if (r != 0) {
		fprintf(stderr, "csrattest: %s: %s\n", file,
		    r < 0 ? strerror(errno) : "larger than 16 MiB");
		return r < 0 ? TOOL_EXIT_USAGE : TOOL_EXIT_MALFORMED;
	}
	csra_input_info info;
	csra_err e = csra_input_read(in, in_len, accept, der, len, &info);
	if (e == CSRA_ERR_INPUT_WRONG_LABEL) {
		fprintf(stderr, "csrattest: %s: PEM label is %s, not %s (%s) at byte %zu\n", file,
		    info.label, want, csra_err_name(e), info.err_offset);
		if (kind != NULL)
			malformed_record(kind, in, in_len, e, "PEM label is %s, not %s at byte %zu",
			    info.label, want, info.err_offset);
	} else if (e != CSRA_OK) {
		int at = info.err_offset != CSRA_INPUT_NO_OFFSET;
		fprintf(stderr, "csrattest: %s: %s (%s)", file, csra_strerror(e), csra_err_name(e));
		if (at)
			fprintf(stderr, " at byte %zu", info.err_offset);
		fputc('\n', stderr);
		if (kind != NULL && e != CSRA_ERR_NOMEM && at)
			malformed_record(kind, in, in_len, e, "%s at byte %zu", csra_strerror(e),
			    info.err_offset);
		else if (kind != NULL && e != CSRA_ERR_NOMEM)
			malformed_record(kind, in, in_len, e, "%s", csra_strerror(e));
	}
	free(in);
	if (e == CSRA_OK)
		return TOOL_EXIT_OK;
	return e == CSRA_ERR_NOMEM ? TOOL_EXIT_USAGE : TOOL_EXIT_MALFORMED;
}

/* Parses --timestamp-window's "S[:SKEW]": decimal seconds, each
 * 0..CSRA_TIMESTAMP_WINDOW_MAX (strtol, so an overflowing number is
 * refused, never wrapped), and sets it on |v|. */
static int set_window(csra_verifier *v, const char *val)
{
	long n[2] = { 0, 0 };
	const char *p = val;
	for (int i = 0; i < 2; i++) {
		char *end;
		if (*p < '0' || *p > '9')
			return 0;
		errno = 0;
		n[i] = strtol(p, &end, 10);
		if (errno != 0 || n[i] > CSRA_TIMESTAMP_WINDOW_MAX)
			return 0;
		p = end;
		if (*p == '\0')
			break;
		if (*p++ != ':' || i == 1)
			return 0;
	}
	return csra_verifier_set_timestamp_window(v, n[0], n[1]) == CSRA_OK;
}

static int add_files(csra_verifier *v, const char *opt, const char *path)
{
	csra_err e;
	if (strcmp(opt, "--trust") == 0) {
		e = csra_verifier_add_trust_file(v, path);
	} else if (strcmp(opt, "--untrusted") == 0) {
		e = csra_verifier_add_untrusted_file(v, path);
	} else if (strcmp(opt, "--crl") == 0) {
		e = csra_verifier_add_crl_file(v, path);
	} else {
		FILE *f = fopen(path, "r");
		X509 *x;
		int n = 0;
		e = f ? CSRA_OK : CSRA_ERR_IO;
		while (f && e == CSRA_OK && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
			e = csra_verifier_add_signer_cert(v, x);
			X509_free(x);
			n++;
		}
		if (f)
			fclose(f);
		if (e == CSRA_OK && n == 0)
			e = CSRA_ERR_IO;
	}
	if (e != CSRA_OK)
		fprintf(stderr, "csrattest: %s %s: %s\n", opt, path,
		    e != CSRA_ERR_IO ? csra_strerror(e) : strcmp(opt, "--crl") == 0
		    ? "cannot read a CRL from it" : "cannot read a PEM certificate from it");
	return e == CSRA_OK;
}

/* Attestations given beside a request (--evidence), read raw: each
 * format reads its own PEM or DER; one --evidence may name several files
 * of one attestation (cli_read_attestation). */
struct evfiles {
	const char *path[16];
	csra_attestation *att[16];
	const char *format[16];
	size_t n;
};

static int read_evfiles(struct evfiles *f)
{
	for (size_t i = 0; i < f->n; i++) {
		int rc = cli_read_attestation("--evidence", f->path[i], f->format[i], &f->att[i]);
		if (rc != TOOL_EXIT_OK)
			return rc;
	}
	return TOOL_EXIT_OK;
}

static void free_evfiles(struct evfiles *f)
{
	for (size_t i = 0; i < f->n; i++)
		csra_attestation_free(&f->att[i]);
}

/* --trust-format NAME=FILE|DIR and --no-bundle NAME. */
static int format_trust_opt(csra_verifier *v, const char *cmd, const char *opt, const char *val)
{
	if (strcmp(opt, "--no-bundle") == 0) {
		if (csra_verifier_drop_format_bundle(v, val) != CSRA_OK) {
			cli_usage_error("%s: --no-bundle: '%.64s' is not a vendor format (csrattest trust list)", cmd, val);
			return 0;
		}
		return 1;
	}
	const char *eq = strchr(val, '=');
	char name[32];
	if (eq == NULL || eq == val || (size_t)(eq - val) >= sizeof(name) || eq[1] == '\0') {
		cli_usage_error("%s: --trust-format wants NAME=FILE|DIR", cmd);
		return 0;
	}
	memcpy(name, val, (size_t)(eq - val));
	name[eq - val] = '\0';
	csra_err e = csra_verifier_add_format_trust_file(v, name, eq + 1);
	if (e == CSRA_ERR_INVALID_ARGUMENT) {
		cli_usage_error("%s: --trust-format: '%.31s' is not a vendor format (csrattest trust list)", cmd, name);
		return 0;
	}
	if (e != CSRA_OK) {
		fprintf(stderr, "csrattest: --trust-format %s: %s\n", val,
		    e == CSRA_ERR_IO ? "cannot read a PEM certificate from it" : csra_strerror(e));
		return 0;
	}
	return 1;
}

/* The DER SubjectPublicKeyInfo of --key FILE: a certificate (PEM or DER)
 * or a public key (PEM "PUBLIC KEY" or DER SubjectPublicKeyInfo). */
static int read_key(const char *file, uint8_t **spki, size_t *spki_len)
{
	uint8_t *in;
	size_t in_len;
	int r = cli_read_file(file, &in, &in_len);
	if (r != 0) {
		fprintf(stderr, "csrattest: --key %s: %s\n", file, r < 0 ? strerror(errno) : "larger than 16 MiB");
		return r < 0 ? TOOL_EXIT_USAGE : TOOL_EXIT_MALFORMED;
	}
	BIO *b = BIO_new_mem_buf(in, (int)in_len);
	X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = NULL;
	BIO_free(b);
	b = x == NULL ? BIO_new_mem_buf(in, (int)in_len) : NULL;
	if (b != NULL)
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	if (x == NULL && k == NULL) {
		const unsigned char *p = in;
		x = d2i_X509(NULL, &p, (long)in_len);
		if (x != NULL && p != in + in_len) {
			X509_free(x);
			x = NULL;
		}
		p = in;
		if (x == NULL && (k = d2i_PUBKEY(NULL, &p, (long)in_len)) != NULL && p != in + in_len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	BIO_free(b);
	free(in);
	ERR_clear_error();
	int n = x != NULL ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), NULL) : k != NULL ? i2d_PUBKEY(k, NULL) : -1;
	*spki = n > 0 ? malloc((size_t)n) : NULL;
	unsigned char *q = *spki;
	if (*spki != NULL)
		n = x != NULL ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &q) : i2d_PUBKEY(k, &q);
	X509_free(x);
	EVP_PKEY_free(k);
	if (*spki == NULL || n <= 0) {
		free(*spki);
		*spki = NULL;
		fprintf(stderr, "csrattest: --key %s: not a certificate or a public key (PEM or DER)\n", file);
		return TOOL_EXIT_MALFORMED;
	}
	*spki_len = (size_t)n;
	return TOOL_EXIT_OK;
}

/* Prints the keys each statement of |r| attests (verify-evidence). */
static void print_attested_keys(const csra_result *r)
{
	for (size_t i = 0; i < csra_result_statement_count(r); i++) {
		const csra_result *s = csra_result_statement(r, i);
		size_t len;
		const uint8_t *spki;
		for (size_t k = 0; (spki = csra_result_attested_key(s, k, &len)) != NULL; k++) {
			uint8_t dg[32];
			if (EVP_Digest(spki, len, dg, NULL, EVP_sha256(), NULL) != 1)
				continue;
			printf("  attestation %zu attests key %zu: SubjectPublicKeyInfo SHA-256 ", i, k);
			for (size_t j = 0; j < sizeof(dg); j++)
				printf("%02x", dg[j]);
			printf("\n");
		}
	}
}

/* Whether a vendor format (not PKIX Evidence) claims |p|/|len|. */
static int vendor_file(const uint8_t *p, size_t len)
{
	for (const csra_format *const *f = csra_formats; *f != NULL; f++)
		if ((*f)->detect != NULL && *f != &csra_format_pkix_evidence && csra_format_detects(*f, p, len))
			return 1;
	return 0;
}

/* verify-evidence on a vendor attestation: alone, unbound, no policy. */
static int verify_vendor_file(csra_verifier *v, const char *file, const char *format, int json,
    const uint8_t *nonce, size_t nonce_len)
{
	struct evfiles f = { .path = { file }, .format = { format }, .n = 1 };
	int rc = read_evfiles(&f);
	csra_result *r = NULL;
	if (rc == TOOL_EXIT_OK) {
		csra_err e = csra_verify_attestations_with(v, NULL, 0, nonce, nonce_len,
		    (const csra_attestation *const *)f.att, 1, &r);
		if (e != CSRA_OK) {
			fprintf(stderr, "csrattest: %s: %s\n", file, csra_strerror(e));
			rc = TOOL_EXIT_USAGE;
		}
	}
	if (r != NULL) {
		if (json) {
			char *s = csra_result_json(r);
			if (s != NULL)
				puts(s);
			rc = s != NULL ? TOOL_EXIT_OK : TOOL_EXIT_USAGE;
			free(s);
		} else {
			print_text(file, r);
			print_attested_keys(r);
		}
		if (rc == TOOL_EXIT_OK)
			rc = csra_result_verdict(r) == CSRA_VERDICT_VERIFIED ? TOOL_EXIT_OK
			    : csra_result_verdict(r) == CSRA_VERDICT_REJECTED ? TOOL_EXIT_REJECTED : TOOL_EXIT_MALFORMED;
	}
	csra_result_free(&r);
	free_evfiles(&f);
	return rc;
}

int cmd_verify_evidence(int argc, char **argv)
{
	const char *file = NULL, *format = NULL;
	int json = 0, trusts = 0, rc = TOOL_EXIT_USAGE;
	const char *trust_files[16];
	size_t ntrust_files = 0;
	uint8_t *nonce = NULL, *der = NULL;
	size_t nonce_len = 0, len = 0;
	csra_result *r = NULL;
	csra_verifier *v = csra_verifier_new();
	if (v == NULL) {
		fprintf(stderr, "csrattest: %s\n", csra_strerror(CSRA_ERR_NOMEM));
		return TOOL_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = strcmp(a, "--trust") == 0 || strcmp(a, "--untrusted") == 0 ||
		    strcmp(a, "--signer-cert") == 0 || strcmp(a, "--crl") == 0 || strcmp(a, "--nonce") == 0 ||
		    strcmp(a, "--at") == 0 || strcmp(a, "--signatures") == 0 ||
		    strcmp(a, "--timestamp-window") == 0 || strcmp(a, "--ak-eku") == 0 ||
		    strcmp(a, "--limit") == 0 || strcmp(a, "--format") == 0 ||
		    strcmp(a, "--trust-format") == 0 || strcmp(a, "--no-bundle") == 0;
		if (takes && val == NULL) {
			cli_usage_error("verify-evidence: %s needs a value", a);
			goto out;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			rc = TOOL_EXIT_OK;
			goto out;
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--strict") == 0) {
			csra_verifier_set_strict(v, 1);
		} else if (strcmp(a, "--trust") == 0 || strcmp(a, "--untrusted") == 0 ||
		    strcmp(a, "--signer-cert") == 0 || strcmp(a, "--crl") == 0) {
			if (!add_files(v, a, val))
				goto out;
			if (strcmp(a, "--trust") == 0 && ntrust_files < sizeof(trust_files) / sizeof(trust_files[0]))
				trust_files[ntrust_files++] = val;
			trusts += strcmp(a, "--trust") == 0;
			i++;
		} else if (strcmp(a, "--format") == 0) {
			format = strcmp(val, "auto") == 0 ? NULL : val;
			i++;
		} else if (strcmp(a, "--trust-format") == 0 || strcmp(a, "--no-bundle") == 0) {
			if (!format_trust_opt(v, "verify-evidence", a, val))
				goto out;
			trusts++;
			i++;
		} else if (strcmp(a, "--nonce") == 0) {
			free(nonce);
			if (!cli_parse_hex(val, &nonce, &nonce_len)) {
				cli_usage_error("verify-evidence: --nonce wants an even number of hex digits");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--at") == 0) {
			time_t t;
			if (!cli_parse_time(val, &t) || csra_verifier_set_time(v, t) != CSRA_OK) {
				cli_usage_error("verify-evidence: --at wants YYYY-MM-DDTHH:MM:SSZ or @SECONDS");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--signatures") == 0) {
			csra_sig_policy p = strcmp(val, "all") == 0 ? CSRA_SIG_ALL
			    : strcmp(val, "any-trusted") == 0 ? CSRA_SIG_ANY_TRUSTED : 0;
			if (p == 0) {
				cli_usage_error("verify-evidence: --signatures is all or any-trusted");
				goto out;
			}
			csra_verifier_set_sig_policy(v, p);
			i++;
		} else if (strcmp(a, "--ak-eku") == 0) {
			if (!add_ak_eku(v, "verify-evidence", a, val))
				goto out;
			i++;
		} else if (strcmp(a, "--timestamp-window") == 0) {
			if (!set_window(v, val)) {
				cli_usage_error("verify-evidence: --timestamp-window wants SECONDS[:SKEW], "
				    "each 0..%ld", CSRA_TIMESTAMP_WINDOW_MAX);
				goto out;
			}
			i++;
		} else if (strcmp(a, "--limit") == 0) {
			if (!set_limit(v, val)) {
				cli_usage_error("verify-evidence: --limit wants NAME=N (N >= 1; docs/verify.md)");
				goto out;
			}
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_usage_error("verify-evidence: unknown option '%.64s'", a);
			goto out;
		} else if (file == NULL) {
			file = a;
		} else {
			cli_usage_error("verify-evidence: more than one FILE ('%.64s')", a);
			goto out;
		}
	}
	if (file == NULL) {
		cli_usage_error("verify-evidence: no FILE given");
		goto out;
	}
	/* A vendor attestation: its format's bundled roots, and --trust's. */
	if (format != NULL && strcmp(format, "pkix-evidence") != 0) {
		for (size_t t = 0; t < ntrust_files; t++) {
			char spec[4096];
			snprintf(spec, sizeof(spec), "%s=%s", format, trust_files[t]);
			if (!format_trust_opt(v, "verify-evidence", "--trust-format", spec))
				goto out;
		}
		rc = verify_vendor_file(v, file, format, json, nonce, nonce_len);
		goto out;
	}
	if (format == NULL) {
		uint8_t *raw = NULL;
		size_t raw_len = 0;
		struct stat st;
		int vendor = (strchr(file, ',') != NULL && stat(file, &st) != 0) ||
		    (cli_read_file(file, &raw, &raw_len) == 0 && vendor_file(raw, raw_len));
		free(raw);
		if (vendor) {
			if (ntrust_files > 0)
				fprintf(stderr, "csrattest: warning: --trust applies to PKIX Evidence; name the "
				    "format (--format) or use --trust-format NAME=FILE for a vendor attestation\n");
			rc = verify_vendor_file(v, file, NULL, json, nonce, nonce_len);
			goto out;
		}
	}
	if (trusts == 0) {
		cli_usage_error("verify-evidence: --trust is required for PKIX Evidence");
		goto out;
	}
	if ((rc = load_der(file, CSRA_INPUT_ACCEPT_EVIDENCE, "EVIDENCE", json ? "pkix-evidence" : NULL,
	    &der, &len)) != TOOL_EXIT_OK)
		goto out;
	/* As verify does: on stderr, stdout may be JSON. */
	if (nonce == NULL)
		fprintf(stderr, "csrattest: warning: no --nonce: freshness is not checked, so old "
		    "Evidence replayed would be accepted\n");
	csra_err e = csra_verify_evidence(v, der, len, nonce, nonce_len, NULL, &r);
	if (e != CSRA_OK) {
		fprintf(stderr, "csrattest: %s: %s\n", file, csra_strerror(e));
		rc = TOOL_EXIT_USAGE;
		goto out;
	}
	if (json) {
		char *s = csra_result_json(r);
		if (s == NULL) {
			fprintf(stderr, "csrattest: %s\n", csra_strerror(CSRA_ERR_NOMEM));
			rc = TOOL_EXIT_USAGE;
			goto out;
		}
		puts(s);
		free(s);
	} else {
		print_text(file, r);
	}
	switch (csra_result_verdict(r)) {
	case CSRA_VERDICT_VERIFIED: rc = TOOL_EXIT_OK; break;
	case CSRA_VERDICT_REJECTED: rc = TOOL_EXIT_REJECTED; break;
	default: rc = TOOL_EXIT_MALFORMED; break;
	}
out:
	csra_result_free(&r);
	csra_verifier_free(&v);
	free(nonce);
	free(der);
	return cli_finish(rc);
}

static const char usage_verify[] =
    "Usage: csrattest verify REQUEST [--evidence FILE]... [--trust FILE|DIR] [options]\n"
    "       csrattest verify --key CERT|PUBKEY --evidence FILE... [options]\n"
    "\n"
    "Verify the attestation of a certificate request (PKCS#10 PEM/DER, or CRMF\n"
    "CertReqMessages DER) per draft-ietf-lamps-csr-attestation-28: the request's\n"
    "own signature, its one id-aa-attestation attribute or extension, every\n"
    "statement (PKIX Evidence, TPM 2.0 certify, external verifiers), vendor\n"
    "attestations given beside it (--evidence: Yubico PIV, YubiHSM 2, Thales\n"
    "Luna, ...; docs/formats.md), each one's binding to the request key, and\n"
    "the policy. With --key instead of a request, the attestations are bound to\n"
    "that key (a certificate issued earlier, re-checked at renewal or audit).\n"
    "\n"
    "Options:\n"
    "  --trust FILE|DIR       trust anchors for PKIX Evidence attestation keys\n"
    "  --trust-tpm FILE|DIR   trust anchors for TPM attestation keys\n"
    "  --untrusted FILE       more intermediate certificates (PEM); a keyId may\n"
    "                         name one of them, which must chain\n"
    "  --crl FILE|DIR         CRLs (PEM or DER; a directory: each file); may\n"
    "                         repeat; turns on revocation checks of every AK\n"
    "                         path (PKIX Evidence and TPM): each CA in it needs\n"
    "                         a current CRL\n"
    "  --policy cabf-csbr|FILE  the policy (default cabf-csbr; FILE: docs/policy.md)\n"
    "  --evidence FILE[,FILE...]  a vendor attestation given beside the request\n"
    "                         (PEM or DER); several files of one attestation\n"
    "                         comma-separated (Securosys: XML,signature,chain;\n"
    "                         Google Cloud HSM: .dat,.certs); may repeat (at\n"
    "                         most 16)\n"
    "  --format auto|NAME     the --evidence files' format (default auto: detected)\n"
    "  --key FILE             bind to this certificate's or public key's key, with\n"
    "                         no request\n"
    "  --trust-format NAME=FILE|DIR  more roots for vendor format NAME (besides its\n"
    "                         bundled roots: csrattest trust list)\n"
    "  --no-bundle NAME       do not trust the bundled roots of format NAME\n"
    "  --nonce HEX            the nonce the CA issued; without it freshness is not\n"
    "                         checked (a warning says so)\n"
    "  --evidence-type OID    statement type of PKIX Evidence (default 1.3.6.1.5.5.999)\n"
    "  --ak-eku OID           accept this EKU for PKIX Evidence AK certificates;\n"
    "                         may repeat; the first replaces the default\n"
    "                         1.3.6.1.5.5.7.3.999 (a policy's ak_ekus win)\n"
    "  --tpm-ak-eku OID       the same for TPM AK certificates (default\n"
    "                         2.23.133.8.3; a policy's tpm_ak_ekus win)\n"
    "  --verifier OID=COMMAND hand statements of type OID to COMMAND (split on\n"
    "                         spaces, run without a shell; docs/external.md)\n"
    "  --verifier-timeout MS  time limit for external verifiers (default 10000)\n"
    "  --at TIME              verification time: YYYY-MM-DDTHH:MM:SSZ or @SECONDS\n"
    "  --signatures POLICY    all (default): every signature block of a statement\n"
    "                         must verify; any-trusted: one trusted block suffices\n"
    "                         and one OpenSSL cannot verify only warns (Crypto4A's\n"
    "                         HSS/LMS block)\n"
    "  --timestamp-window S[:SKEW]  require PKIX Evidence's timestamp within S\n"
    "                         seconds before the verification time (SKEW seconds\n"
    "                         slack; each at most 1000000000)\n"
    LIMIT_HELP
    "  --json                 print the attestation record as JSON\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest verify req.csr --trust hsm-vendor-roots/ --nonce 0c9e7876bdedc1c3\n"
    "  csrattest verify req.der --trust roots.pem --policy my-policy.json --json\n"
    "  csrattest verify hsm.csr --evidence luna-pkc.p7b\n"
    "  csrattest verify hsm.csr --evidence attestation.xml,attestation.sig,chain.pem\n"
    "  csrattest verify --key issued.pem --evidence attestation.pem --json\n"
    "\n"
    "Exit status: 0 verified and policy met, 1 rejected, 2 malformed input,\n"
    "3 usage or I/O error.\n";

/* Splits "OID=COMMAND ARGS..." into a DER OID and an argv (no shell). */
static int parse_verifier(const char *spec, uint8_t *oid, size_t *oid_len, char ***argv)
{
	const char *eq = strchr(spec, '=');
	char dotted[128];
	if (eq == NULL || eq == spec || (size_t)(eq - spec) >= sizeof(dotted) || eq[1] == '\0')
		return 0;
	memcpy(dotted, spec, (size_t)(eq - spec));
	dotted[eq - spec] = '\0';
	if (!csra_oid_from_str(dotted, oid, 64, oid_len))
		return 0;
	char *cmd = strdup(eq + 1);
	size_t n = 0;
	char **av = calloc(strlen(eq + 1) / 2 + 2, sizeof(char *));
	if (cmd == NULL || av == NULL) {
		free(cmd);
		free(av);
		return 0;
	}
	for (char *save = NULL, *t = strtok_r(cmd, " ", &save); t; t = strtok_r(NULL, " ", &save))
		av[n++] = strdup(t);
	free(cmd);
	if (n == 0) {
		free(av);
		return 0;
	}
	*argv = av;
	return 1;
}

static void free_argv(char **av)
{
	for (char **a = av; a && *a; a++)
		free(*a);
	free(av);
}

int cmd_verify(int argc, char **argv)
{
	const char *file = NULL, *policy_arg = "cabf-csbr", *keyfile = NULL, *format = NULL;
	struct evfiles ev = { .n = 0 };
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	int json = 0, rc = TOOL_EXIT_USAGE, trusts = 0;
	unsigned timeout_ms = 10000;
	uint8_t *nonce = NULL, *der = NULL;
	size_t nonce_len = 0, len = 0;
	csra_result *r = NULL;
	csra_policy *policy = NULL;
	csra_verifier *v = csra_verifier_new();
	struct { uint8_t oid[64]; size_t len; char **argv; } vers[16];
	size_t nvers = 0;
	if (v == NULL) {
		fprintf(stderr, "csrattest: %s\n", csra_strerror(CSRA_ERR_NOMEM));
		return TOOL_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = strcmp(a, "--trust") == 0 || strcmp(a, "--trust-tpm") == 0 ||
		    strcmp(a, "--untrusted") == 0 || strcmp(a, "--policy") == 0 || strcmp(a, "--crl") == 0 ||
		    strcmp(a, "--nonce") == 0 || strcmp(a, "--at") == 0 ||
		    strcmp(a, "--verifier") == 0 || strcmp(a, "--verifier-timeout") == 0 ||
		    strcmp(a, "--evidence-type") == 0 || strcmp(a, "--timestamp-window") == 0 ||
		    strcmp(a, "--ak-eku") == 0 || strcmp(a, "--tpm-ak-eku") == 0 || strcmp(a, "--limit") == 0 ||
		    strcmp(a, "--evidence") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--key") == 0 ||
		    strcmp(a, "--trust-format") == 0 || strcmp(a, "--no-bundle") == 0 ||
		    strcmp(a, "--signatures") == 0;
		if (takes && val == NULL) {
			cli_usage_error("verify: %s needs a value", a);
			goto out;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_verify, stdout);
			rc = TOOL_EXIT_OK;
			goto out;
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--trust") == 0 || strcmp(a, "--untrusted") == 0) {
			if (!add_files(v, a, val))
				goto out;
			trusts++;
			i++;
		} else if (strcmp(a, "--crl") == 0) {
			if (!add_files(v, a, val))
				goto out;
			i++;
		} else if (strcmp(a, "--trust-tpm") == 0) {
			if (csra_verifier_add_tpm_trust_file(v, val) != CSRA_OK) {
				fprintf(stderr, "csrattest: --trust-tpm %s: cannot read a PEM certificate from it\n", val);
				goto out;
			}
			trusts++;
			i++;
		} else if (strcmp(a, "--policy") == 0) {
			policy_arg = val;
			i++;
		} else if (strcmp(a, "--evidence") == 0) {
			if (ev.n == sizeof(ev.path) / sizeof(ev.path[0])) {
				cli_usage_error("verify: at most 16 --evidence files");
				goto out;
			}
			ev.path[ev.n++] = val;
			i++;
		} else if (strcmp(a, "--format") == 0) {
			format = strcmp(val, "auto") == 0 ? NULL : val;
			i++;
		} else if (strcmp(a, "--key") == 0) {
			keyfile = val;
			i++;
		} else if (strcmp(a, "--trust-format") == 0 || strcmp(a, "--no-bundle") == 0) {
			if (!format_trust_opt(v, "verify", a, val))
				goto out;
			i++;
		} else if (strcmp(a, "--nonce") == 0) {
			free(nonce);
			if (!cli_parse_hex(val, &nonce, &nonce_len)) {
				cli_usage_error("verify: --nonce wants an even number of hex digits");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--at") == 0) {
			time_t t;
			if (!cli_parse_time(val, &t) || csra_verifier_set_time(v, t) != CSRA_OK) {
				cli_usage_error("verify: --at wants YYYY-MM-DDTHH:MM:SSZ or @SECONDS");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--signatures") == 0) {
			int any = strcmp(val, "any-trusted") == 0;
			if ((!any && strcmp(val, "all") != 0) ||
			    csra_verifier_set_sig_policy(v, any ? CSRA_SIG_ANY_TRUSTED : CSRA_SIG_ALL) != CSRA_OK) {
				cli_usage_error("verify: --signatures is all or any-trusted");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--evidence-type") == 0) {
			uint8_t oid[64];
			size_t olen;
			if (!csra_oid_from_str(val, oid, sizeof(oid), &olen) ||
			    csra_verifier_set_evidence_type(v, oid, olen) != CSRA_OK) {
				cli_usage_error("verify: --evidence-type wants a dotted OID");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--ak-eku") == 0 || strcmp(a, "--tpm-ak-eku") == 0) {
			if (!add_ak_eku(v, "verify", a, val))
				goto out;
			i++;
		} else if (strcmp(a, "--verifier") == 0) {
			if (nvers == sizeof(vers) / sizeof(vers[0]) ||
			    !parse_verifier(val, vers[nvers].oid, &vers[nvers].len, &vers[nvers].argv)) {
				cli_usage_error("verify: --verifier wants OID=COMMAND (at most 16)");
				goto out;
			}
			nvers++;
			i++;
		} else if (strcmp(a, "--timestamp-window") == 0) {
			if (!set_window(v, val)) {
				cli_usage_error("verify: --timestamp-window wants SECONDS[:SKEW], each 0..%ld",
				    CSRA_TIMESTAMP_WINDOW_MAX);
				goto out;
			}
			i++;
		} else if (strcmp(a, "--verifier-timeout") == 0) {
			char *end;
			unsigned long ms = strtoul(val, &end, 10);
			if (*end || ms == 0 || ms > 600000) {
				cli_usage_error("verify: --verifier-timeout wants 1..600000 milliseconds");
				goto out;
			}
			timeout_ms = (unsigned)ms;
			i++;
		} else if (strcmp(a, "--limit") == 0) {
			if (!set_limit(v, val)) {
				cli_usage_error("verify: --limit wants NAME=N (N >= 1; docs/verify.md)");
				goto out;
			}
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_usage_error("verify: unknown option '%.64s'", a);
			goto out;
		} else if (file == NULL) {
			file = a;
		} else {
			cli_usage_error("verify: more than one REQUEST ('%.64s')", a);
			goto out;
		}
	}
	if (file == NULL && keyfile == NULL) {
		cli_usage_error("verify: no REQUEST (or --key FILE) given");
		goto out;
	}
	if (file != NULL && keyfile != NULL) {
		cli_usage_error("verify: REQUEST and --key both name the key: give one");
		goto out;
	}
	if (keyfile != NULL && ev.n == 0) {
		cli_usage_error("verify: --key needs the attestation(s): --evidence FILE");
		goto out;
	}
	for (size_t k = 0; k < ev.n; k++)
		ev.format[k] = format;
	for (size_t i = 0; i < nvers; i++) {
		if (csra_verifier_add_external(v, vers[i].oid, vers[i].len, (const char *const *)vers[i].argv,
		    timeout_ms, 1u << 20) != CSRA_OK) {
			fprintf(stderr, "csrattest: --verifier: %s\n", csra_strerror(CSRA_ERR_NOMEM));
			goto out;
		}
	}
	if (strcmp(policy_arg, "cabf-csbr") == 0) {
		policy = csra_policy_cabf_csbr();
	} else {
		char err[256];
		csra_err pe = csra_policy_from_file(policy_arg, &policy, err, sizeof(err));
		if (pe != CSRA_OK) {
			fprintf(stderr, "csrattest: --policy %s: %s\n", policy_arg, err);
			goto out;
		}
	}
	if (policy == NULL || csra_verifier_set_policy(v, policy) != CSRA_OK) {
		fprintf(stderr, "csrattest: --policy %s: cannot load its trust anchors\n", policy_arg);
		goto out;
	}
	if (trusts == 0 && ev.n == 0 && strcmp(policy_arg, "cabf-csbr") == 0)
		fprintf(stderr, "csrattest: warning: no --trust or --trust-tpm: no attestation key can be trusted\n");
	/* On stderr: stdout may be the JSON record. */
	if (nonce == NULL)
		fprintf(stderr, "csrattest: warning: no --nonce: freshness is not checked, so an old "
		    "attestation replayed in this request would be accepted\n");
	if ((rc = read_evfiles(&ev)) != TOOL_EXIT_OK)
		goto out;
	csra_err e;
	if (keyfile != NULL) {
		if ((rc = read_key(keyfile, &spki, &spki_len)) != TOOL_EXIT_OK)
			goto out;
		file = keyfile;
		e = csra_verify_attestations_with(v, spki, spki_len, nonce, nonce_len,
		    (const csra_attestation *const *)ev.att, ev.n, &r);
	} else {
		if ((rc = load_der(file, CSRA_INPUT_ACCEPT_CSR, "CERTIFICATE REQUEST", json ? "request" : NULL,
		    &der, &len)) != TOOL_EXIT_OK)
			goto out;
		e = csra_verify_request_with(v, der, len, nonce, nonce_len,
		    (const csra_attestation *const *)ev.att, ev.n, &r);
	}
	if (e != CSRA_OK) {
		fprintf(stderr, "csrattest: %s: %s\n", file, csra_strerror(e));
		rc = TOOL_EXIT_USAGE;
		goto out;
	}
	if (json) {
		char *s = csra_result_json(r);
		if (s == NULL) {
			rc = TOOL_EXIT_USAGE;
			goto out;
		}
		puts(s);
		free(s);
	} else {
		print_text(file, r);
	}
	rc = csra_result_verdict(r) == CSRA_VERDICT_VERIFIED ? TOOL_EXIT_OK
	    : csra_result_verdict(r) == CSRA_VERDICT_REJECTED ? TOOL_EXIT_REJECTED : TOOL_EXIT_MALFORMED;
out:
	for (size_t i = 0; i < nvers; i++)
		free_argv(vers[i].argv);
	csra_result_free(&r);
	csra_verifier_free(&v);
	csra_policy_free(&policy);
	free_evfiles(&ev);
	free(spki);
	free(nonce);
	free(der);
	return cli_finish(rc);
}
