/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A CA product's use of csrattest, built by scripts/consumer-check.sh
 * against the installed tree (find_package, pkg-config) and as a
 * subproject: only the public headers are on its include path.
 *
 *   consumer                          refuses a malformed request
 *   consumer REQUEST.pem ROOT.pem NONCE-HEX
 *                                     verifies a request under cabf-csbr,
 *                                     prints its record; exit 0 if VERIFIED
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include <csrattest/error.h>
#include <csrattest/request.h>
#include <csrattest/verify.h>
#include <csrattest/version.h>

/* The library's internal and asn1c headers must not leak to consumers. */
#if defined(__has_include)
#if __has_include("Certificate.h") || __has_include("csra_gate.h") || __has_include("asn_application.h")
#error "csrattest's internal headers are on the consumer's include path"
#endif
#endif

static int malformed_refused(void)
{
	static const unsigned char bad[] = { 0x30, 0x05, 0x02, 0x01 };
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = v != NULL && csra_verify_request(v, bad, sizeof(bad), NULL, 0, &r) == CSRA_OK &&
	    csra_result_verdict(r) == CSRA_VERDICT_MALFORMED &&
	    csra_result_has_failure(r, CSRA_ERR_DER_TRUNCATED);
	printf("consumer: %s\n", ok ? "malformed request refused as expected" : "UNEXPECTED RESULT");
	csra_result_free(&r);
	csra_verifier_free(&v);
	return ok ? 0 : 1;
}

/* verify_file is the integration: a request as the CA received it, the
 * vendor roots it trusts, the nonce it issued; the record is what it keeps. */
static int verify_file(const char *req_path, const char *roots, const char *nonce_hex)
{
	unsigned char nonce[64], *der = NULL;
	size_t nonce_len = strlen(nonce_hex) / 2;
	int der_len = -1, rc = 2;
	FILE *f = fopen(req_path, "r");
	X509_REQ *req = f != NULL ? PEM_read_X509_REQ(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	if (req != NULL)
		der_len = i2d_X509_REQ(req, &der);
	X509_REQ_free(req);
	if (der_len <= 0 || nonce_len > sizeof(nonce))
		return 2;
	for (size_t i = 0; i < nonce_len; i++)
		if (sscanf(nonce_hex + 2 * i, "%2hhx", &nonce[i]) != 1)
			goto out;

	csra_verifier *v = csra_verifier_new();	/* policy: cabf-csbr */
	csra_result *r = NULL;
	if (v != NULL && csra_verifier_add_trust_file(v, roots) == CSRA_OK &&
	    csra_verify_request(v, der, (size_t)der_len, nonce, nonce_len, &r) == CSRA_OK) {
		char *record = csra_result_json(r);
		printf("consumer: verdict %d, record of %zu bytes\n", (int)csra_result_verdict(r),
		    record != NULL ? strlen(record) : 0);
		csra_free(record);
		rc = csra_result_verdict(r) == CSRA_VERDICT_VERIFIED ? 0 : 1;
	}
	csra_result_free(&r);
	csra_verifier_free(&v);
out:
	OPENSSL_free(der);
	return rc;
}

int main(int argc, char **argv)
{
	/* Built against the headers of the library it runs with. */
	if (strcmp(csra_version(), CSRA_VERSION_STRING) != 0 ||
	    csra_version_number() != CSRA_VERSION_NUMBER) {
		printf("consumer: headers %s, library %s\n", CSRA_VERSION_STRING, csra_version());
		return 1;
	}
	if (argc == 4)
		return verify_file(argv[1], argv[2], argv[3]);
	return malformed_refused();
}
