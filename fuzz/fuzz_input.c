/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Input detection (PEM, base64, raw DER) as a file reader sees it, with
 * the contract of csra_input.h checked on every result, the public reader
 * (csrattest/input.h) held to the same answer, then the DER it
 * yields through the strict decoder as Evidence and as PKCS#10, the two
 * things csrattest reads from files.
 */
#include <stdlib.h>
#include <string.h>

#include "csra_input.h"
#include "csrattest/input.h"
#include "csrattest/version.h"
#include "fuzz_common.h"

#define MAX_DER (1u << 20)

/* The public reader must agree with csra_input_decode: the same DER, or
 * the same code and offset, unless the label is not in |accept|. */
static void check_public(const uint8_t *data, size_t size, csra_input_err e,
    const csra_input_result *r)
{
	unsigned accept = size ? data[size - 1] & CSRA_INPUT_ACCEPT_ANY : 0;
	uint8_t *der = NULL;
	size_t len = 0;
	csra_input_info info;
	memset(&info, 0x5a, sizeof(info));
	csra_err pe = csra_input_read(size ? data : NULL, size, accept, &der, &len, &info);
	if (memchr(info.label, '\0', sizeof(info.label)) == NULL)
		fuzz_fail("public label not terminated", NULL);
	if (pe != CSRA_OK && (der != NULL || len != 0))
		fuzz_fail("public reader handed back DER with an error", csra_err_name(pe));
	/* With allocations failing, either call may run out alone. */
	if (pe == CSRA_ERR_NOMEM || e == CSRA_INPUT_NOMEM) {
		csra_free(der);
		return;
	}
	if (e != CSRA_INPUT_OK) {
		if (pe != (csra_err)csra_input_err_code(e))
			fuzz_fail("public reader's code differs", csra_err_name(pe));
		if (info.err_offset != CSRA_INPUT_NO_OFFSET && info.err_offset != r->err_offset)
			fuzz_fail("public reader's offset differs", csra_err_name(pe));
	} else if (pe == CSRA_ERR_INPUT_WRONG_LABEL) {
		if (r->kind != CSRA_INPUT_PEM || strcmp(info.label, r->label) != 0 ||
		    info.err_offset >= size)
			fuzz_fail("wrong label reported badly", info.label);
	} else if (pe != CSRA_OK || len != r->der_len || memcmp(der, r->der, len) != 0 ||
	    info.kind != r->kind || strcmp(info.label, r->label) != 0) {
		fuzz_fail("public reader's result differs", csra_err_name(pe));
	}
	csra_free(der);
}

int fuzz_one(const uint8_t *data, size_t size)
{
	csra_input_result r;
	memset(&r, 0x5a, sizeof(r));	/* the callee must fill in all of it */
	csra_input_err e = csra_input_decode(size ? data : NULL, size, MAX_DER, &r);
	if (memchr(r.label, '\0', sizeof(r.label)) == NULL)
		fuzz_fail("label not terminated", csra_input_strerror(e));
	if (csra_input_strerror(e) == NULL)
		fuzz_fail("csra_input_strerror returned NULL", NULL);
	/* MAX_DER is below CSRA_INPUT_MAX: only compare where both caps agree. */
	if (e != CSRA_INPUT_TOO_LARGE)
		check_public(data, size, e, &r);
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
