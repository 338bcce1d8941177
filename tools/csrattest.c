/* SPDX-License-Identifier: BSD-2-Clause */
/* csrattest: command-line front end. Dispatches commands, reads input
 * files (bounded) and maps failures to exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "csrattest/error.h"
#include "csrattest/request.h"
#include "csrattest/version.h"
#include "cli.h"
#include "dump.h"

static const char usage_main[] =
    "Usage: csrattest COMMAND [OPTIONS] ...\n"
    "\n"
    "Decode and verify remote attestation in certificate signing requests.\n"
    "\n"
    "Commands:\n"
    "  dump FILE     decode FILE strictly (DER only) and print what it holds\n"
    "  verify REQUEST --trust CA.pem\n"
    "                verify the attestation in a PKCS#10 or CRMF request, and the policy\n"
    "  verify-evidence FILE --trust CA.pem\n"
    "                verify PKIX Evidence: signatures, AK chain, content, freshness\n"
    "  request create --out FILE\n"
    "                build an attestation request (the claims a verifier wants)\n"
    "  evidence create --out FILE --ak KEY (--claims FILE | --key pkcs11:URI)\n"
    "                answer a request with signed PKIX Evidence, from a claims file\n"
    "                or a PKCS#11 token\n"
    "  csr create --key FILE|pkcs11:URI --subject DN --out FILE\n"
    "                make a PKCS#10 or CRMF request carrying Evidence\n"
    "  trust list    show the vendor trust bundle (roots per attestation format)\n"
    "\n"
    "Options:\n"
    "  -h, --help    show this help (csrattest COMMAND --help for a command)\n"
    "  -V, --version show the version\n"
    "\n"
    "Exit status: 0 success (verified, written), 1 rejected (or refused by the\n"
    "attester or token), 2 malformed input, 3 usage, I/O or resource error.\n";

static const char usage_dump[] =
    "Usage: csrattest dump [--json] [--type TYPE] FILE\n"
    "\n"
    "Decode FILE with the strict DER decoder and print its structure: PKIX\n"
    "Evidence down to each claim, PKCS#10 and CRMF requests with their\n"
    "attestation attribute or extension (AttestationBundle, draft-28, or the\n"
    "legacy EvidenceBundle of drafts -10..-21), and certificate summaries.\n"
    "A vendor attestation (docs/formats.md) is shown as its format reads it:\n"
    "its certificates, claims and attested keys; one given as several files\n"
    "is named by all of them, comma-separated (attestation.xml,sig,chain.pem).\n"
    "FILE may be PEM (EVIDENCE, CERTIFICATE REQUEST, NEW CERTIFICATE REQUEST,\n"
    "CERTIFICATE), base64 or raw DER, at most 16 MiB; \"-\" reads stdin.\n"
    "\n"
    "Options:\n"
    "  --json         print the decoded tree as JSON (full hex values)\n"
    "  --type TYPE    evidence, csr, crmf, bundle, cert or auto (default).\n"
    "                 auto: the PEM label decides; otherwise Evidence,\n"
    "                 CertificationRequest, CertReqMessages, Certificate and\n"
    "                 AttestationBundle are tried in that order\n"
    "  -h, --help     show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest dump evidence.pem\n"
    "  csrattest dump --json request.csr | jq .value.attributes\n"
    "  csrattest dump --type crmf certreq.der\n"
    "\n"
    "Exit status: 0 decoded, 2 malformed input (message on stderr; with\n"
    "--json also {\"error\": {...}} on stdout), 3 usage or I/O error.\n";

static int parse_type(const char *s, dump_type *t)
{
	static const struct {
		const char *name;
		dump_type type;
	} types[] = {
		{ "auto", DUMP_AUTO }, { "evidence", DUMP_EVIDENCE }, { "csr", DUMP_CSR },
		{ "crmf", DUMP_CRMF }, { "bundle", DUMP_BUNDLE }, { "cert", DUMP_CERT },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(s, types[i].name) == 0) {
			*t = types[i].type;
			return 1;
		}
	}
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	const char *file = NULL;
	dump_type type = DUMP_AUTO;
	int json = 0, opts = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && strcmp(a, "--") == 0) {
			opts = 0;
		} else if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			fputs(usage_dump, stdout);
			return cli_finish(TOOL_EXIT_OK);
		} else if (opts && strcmp(a, "--json") == 0) {
			json = 1;
		} else if (opts && (strcmp(a, "--type") == 0 || strncmp(a, "--type=", 7) == 0)) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			if (v == NULL) {
				cli_usage_error("dump: %s needs a value", "--type");
				return TOOL_EXIT_USAGE;
			}
			if (!parse_type(v, &type)) {
				cli_usage_error("dump: unknown --type '%.64s' (evidence, csr, crmf, bundle, cert, auto)", v);
				return TOOL_EXIT_USAGE;
			}
		} else if (opts && a[0] == '-' && a[1] != '\0') {
			cli_usage_error("dump: unknown option '%.64s'", a);
			return TOOL_EXIT_USAGE;
		} else if (file == NULL) {
			file = a;
		} else {
			cli_usage_error("dump: more than one FILE ('%.64s')", a);
			return TOOL_EXIT_USAGE;
		}
	}
	if (file == NULL) {
		cli_usage_error("dump: %s", "no FILE given");
		return TOOL_EXIT_USAGE;
	}

	/* Several files of one vendor attestation, comma-separated. */
	struct stat st;
	if (strchr(file, ',') != NULL && stat(file, &st) != 0) {
		csra_attestation *a = NULL;
		int rc = cli_read_attestation("dump", file, NULL, &a);
		if (rc == TOOL_EXIT_OK)
			rc = dump_vendor_parts(file, a, json);
		csra_attestation_free(&a);
		return cli_finish(rc);
	}
	uint8_t *in;
	size_t in_len;
	int r = cli_read_file(file, &in, &in_len);
	if (r < 0) {
		dump_report(file, json, CSRA_ERR_IO, "cannot read", strerror(errno), SIZE_MAX);
		return cli_finish(TOOL_EXIT_USAGE);
	}
	if (r > 0) {
		dump_report(file, json, CSRA_ERR_INPUT_TOO_LARGE, "too large",
		    "input is larger than 16 MiB", SIZE_MAX);
		return cli_finish(TOOL_EXIT_MALFORMED);
	}
	int rc = dump_run(file, in, in_len, type, json);
	free(in);
	return cli_finish(rc);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return TOOL_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return cli_finish(TOOL_EXIT_OK);
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("csrattest %s (%s, jansson %s)\n", csra_version(),
		    OpenSSL_version(OPENSSL_VERSION), JANSSON_VERSION);
		return cli_finish(TOOL_EXIT_OK);
	}
	if (strcmp(cmd, "dump") == 0)
		return cmd_dump(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "verify-evidence") == 0)
		return cmd_verify_evidence(argc - 1, argv + 1);
	if (strcmp(cmd, "request") == 0)
		return cmd_request(argc - 1, argv + 1);
	if (strcmp(cmd, "evidence") == 0)
		return cmd_evidence(argc - 1, argv + 1);
	if (strcmp(cmd, "csr") == 0)
		return cmd_csr(argc - 1, argv + 1);
	if (strcmp(cmd, "trust") == 0)
		return cmd_trust(argc - 1, argv + 1);
	cli_usage_error("unknown command '%.64s'", cmd);
	return TOOL_EXIT_USAGE;
}
