/* SPDX-License-Identifier: BSD-2-Clause */
/* csrattest trust list: the vendor trust bundle built into the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "cli.h"
#include "csra_verify_int.h"

static const char usage_trust[] =
    "Usage: csrattest trust list [--json]\n"
    "\n"
    "List the vendor trust bundle built into csrattest: per attestation format,\n"
    "each root (trust anchor) and published intermediate, with its subject,\n"
    "validity and SHA-256 fingerprint (trust/README.md gives each one's source).\n"
    "verify uses a format's bundled roots unless --trust-format replaces them\n"
    "(NAME=FILE with --no-bundle NAME). Roots that expire within a year are\n"
    "flagged.\n"
    "\n"
    "Exit status: 0 listed, 1 a bundled certificate failed its fingerprint,\n"
    "3 usage error.\n";

static void when(const ASN1_TIME *t, char *buf, size_t cap)
{
	struct tm tm;
	if (ASN1_TIME_to_tm(t, &tm) != 1 || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "?");
}

int cmd_trust(int argc, char **argv)
{
	int json = 0, list = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_trust, stdout);
			return cli_finish(TOOL_EXIT_OK);
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "list") == 0 && !list) {
			list = 1;
		} else {
			cli_usage_error("trust: unknown argument '%.64s'", argv[i]);
			return TOOL_EXIT_USAGE;
		}
	}
	if (!list) {
		cli_usage_error("trust: say 'trust list'");
		return TOOL_EXIT_USAGE;
	}
	json_t *arr = json ? json_array() : NULL;
	int bad = 0;
	time_t now = time(NULL);
	for (size_t i = 0; i < csra_trust_bundle_count(); i++) {
		const char *kind, *sha;
		int root;
		X509 *x = csra_trust_bundle_entry(i, &kind, &root, &sha);
		char subject[256] = "?", nb[32] = "?", na[32] = "?";
		int days = 0, secs = 0, soon = 0;
		if (x != NULL) {
			X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
			when(X509_get0_notBefore(x), nb, sizeof(nb));
			when(X509_get0_notAfter(x), na, sizeof(na));
			ASN1_TIME *t = ASN1_TIME_set(NULL, now);
			soon = t != NULL && ASN1_TIME_diff(&days, &secs, t, X509_get0_notAfter(x)) && days < 365;
			ASN1_TIME_free(t);
		}
		bad |= x == NULL;
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "format", kind,
			    "role", root ? "root" : "intermediate", "subject", subject, "not_before", nb,
			    "not_after", na, "sha256", sha, "fingerprint_ok", x != NULL, "expires_within_a_year",
			    soon && root);
			if (o == NULL || json_array_append_new(arr, o) != 0)
				bad = 1;
		} else {
			printf("%-12s %-12s %s\n  valid %s .. %s%s\n  sha256 %s%s\n", kind,
			    root ? "root" : "intermediate", subject, nb, na,
			    soon && root ? (days < 0 ? "  EXPIRED" : "  EXPIRES WITHIN A YEAR") : "", sha,
			    x == NULL ? "  FINGERPRINT MISMATCH: not used" : "");
		}
	}
	if (json) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		if (s != NULL)
			puts(s);
		free(s);
		json_decref(arr);
	}
	return cli_finish(bad ? TOOL_EXIT_REJECTED : TOOL_EXIT_OK);
}
