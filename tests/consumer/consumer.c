/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A CA product's first use of csrattest, built against the installed tree
 * (find_package, pkg-config) and as a subproject: only the public headers
 * are on its include path, and the library verifies and refuses as it
 * does in its own tests.
 */
#include <stdio.h>
#include <string.h>

#include <csrattest/error.h>
#include <csrattest/request.h>
#include <csrattest/verify.h>

/* The library's internal and asn1c headers must not leak to consumers. */
#if defined(__has_include)
#if __has_include("Certificate.h") || __has_include("csra_gate.h") || __has_include("asn_application.h")
#error "csrattest's internal headers are on the consumer's include path"
#endif
#endif

int main(void)
{
	/* A truncated SEQUENCE: malformed, with its code and offset. */
	static const unsigned char bad[] = { 0x30, 0x05, 0x02, 0x01 };
	csra_verifier *v = csra_verifier_new();
	csra_result *r = NULL;
	int ok = 0;

	if (v == NULL)
		return 1;
	if (csra_verify_request(v, bad, sizeof(bad), NULL, 0, &r) == CSRA_OK &&
	    csra_result_verdict(r) == CSRA_VERDICT_MALFORMED &&
	    csra_result_has_failure(r, CSRA_ERR_DER_TRUNCATED) &&
	    strcmp(csra_err_name(CSRA_ERR_DER_TRUNCATED), "CSRA_ERR_DER_TRUNCATED") == 0)
		ok = 1;
	printf("consumer: %s\n", ok ? "malformed request refused as expected" : "UNEXPECTED RESULT");
	csra_result_free(&r);
	csra_verifier_free(&v);
	return ok ? 0 : 1;
}
