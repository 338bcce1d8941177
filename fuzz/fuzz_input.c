/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Input detection (PEM, base64, raw DER) as a file reader sees it, with
 * the contract of csra_input.h checked on every result, then the DER it
 * yields through the strict decoder as Evidence and as PKCS#10, the two
 * things csrattest reads from files.
 */
#include <stdlib.h>
#include <string.h>

#include "csra_input.h"
#include "fuzz_common.h"

#define MAX_DER (1u << 20)

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_input_result r;
	memset(&r, 0x5a, sizeof(r));	/* the callee must fill in all of it */
	csra_input_err e = csra_input_decode(size ? data : NULL, size, MAX_DER, &r);
	if (memchr(r.label, '\0', sizeof(r.label)) == NULL)
		fuzz_fail("label not terminated", csra_input_strerror(e));
	if (csra_input_strerror(e) == NULL)
		fuzz_fail("csra_input_strerror returned NULL", NULL);
	if (e != CSRA_INPUT_OK) {
		if (r.der != NULL || r.der_len != 0)
			fuzz_fail("DER handed back with an error", csra_input_strerror(e));
		if (r.label[0] != '\0')
			fuzz_fail("label handed back with an error", csra_input_strerror(e));
		if (r.err_offset > size)
			fuzz_fail("err_offset beyond the input", csra_input_strerror(e));
		return 0;
	}
	if (r.der == NULL || r.der_len == 0 || r.der_len > MAX_DER || r.err_offset != 0)
		fuzz_fail("bad result on CSRA_INPUT_OK", NULL);
	switch (r.kind) {
	case CSRA_INPUT_DER:
		/* Raw DER is copied unchanged. */
		if (r.der_len != size || memcmp(r.der, data, size) != 0 || r.label[0] != '\0')
			fuzz_fail("raw DER not passed through unchanged", NULL);
		break;
	case CSRA_INPUT_BASE64:
		if (r.der[0] != 0x30 || r.label[0] != '\0')
			fuzz_fail("base64 result breaks the detection rule", NULL);
		break;
	case CSRA_INPUT_PEM:
		if (strcmp(r.label, "EVIDENCE") != 0 && strcmp(r.label, "CERTIFICATE REQUEST") != 0 &&
		    strcmp(r.label, "NEW CERTIFICATE REQUEST") != 0 && strcmp(r.label, "CERTIFICATE") != 0)
			fuzz_fail("PEM accepted with a label not on the list", r.label);
		break;
	default:
		fuzz_fail("unknown input kind on CSRA_INPUT_OK", NULL);
	}
	fuzz_decode_check(CSRA_PDU_EVIDENCE, r.der, r.der_len, FUZZ_OPEN);
	fuzz_decode_check(CSRA_PDU_CERTIFICATION_REQUEST, r.der, r.der_len, FUZZ_OPEN);
	free(r.der);
	return 0;
}
