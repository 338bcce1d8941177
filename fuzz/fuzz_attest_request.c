/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attestation requests (TbsEvidence) from a presenter, who may be hostile:
 * csra_attester_process with a fixed attester (platform claims, one of
 * them declared, two keys, the fuzz AK). Checks: the contract (on error
 * no Evidence and no report, the diag's code is the error and its offset
 * inside the input, at its end (truncation) or SIZE_MAX; on success the Evidence decodes strictly
 * and every key element holds an identifier); the processing rules (a
 * request the attester answered has only known element types and no
 * value on a claim other than nonce and identifier); every report string
 * is terminated. CSRA_ERR_NOMEM and CSRA_ERR_INTERNAL only after an
 * injected allocation failure.
 */
#include <stdlib.h>
#include <string.h>

#include "Evidence.h"
#include "csrattest/attest.h"
#include "fuzz_alloc.h"
#include "fuzz_common.h"
#include "fuzz_pki.h"

static csra_attester *att;

void fuzz_init(void)
{
	const unsigned char *p = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &p, (long)fuzz_root_der_len);
	X509 *inter = root ? fuzz_cert(FUZZ_KEY_INTER, root) : NULL;
	X509 *ak = inter ? fuzz_cert(FUZZ_KEY_AK, inter) : NULL;
	csra_signer *s = csra_signer_new_pkey(fuzz_key(FUZZ_KEY_AK));
	size_t spki_len, k;
	unsigned char *spki = fuzz_spki(FUZZ_KEY_SUBJECT, &spki_len);
	static const char claims[] =
	    "{\"platform\": {\"vendor\": \"csrattest fuzz\", \"hwserial\": \"F-1\", \"fipslevel\": 3},"
	    " \"keys\": [{\"identifier\": \"k2\", \"extractable\": true, \"purpose\": [\"sign\"]}]}";
	csra_claim_value v = { .type = CSRA_VALUE_OCTETS, .bytes = spki, .len = spki_len };
	csra_claim_value t = { .type = CSRA_VALUE_BOOLEAN, .boolean = 1 };
	att = csra_attester_new();
	if (ak == NULL || s == NULL || spki == NULL || att == NULL ||
	    csra_attester_set_time(att, FUZZ_T0) != CSRA_OK ||
	    csra_attester_load_claims(att, claims, strlen(claims), CSRA_SOURCE_DECLARED, NULL, 0) != CSRA_OK ||
	    csra_attester_add_key(att, "k1", 2, &k) != CSRA_OK ||
	    csra_attester_set_key(att, k, CSRA_CLAIM_KEY_SPKI, &v, CSRA_SOURCE_OBSERVED) != CSRA_OK ||
	    csra_attester_set_key(att, k, CSRA_CLAIM_KEY_SENSITIVE, &t, CSRA_SOURCE_OBSERVED) != CSRA_OK ||
	    csra_attester_add_signer(att, s, ak, CSRA_SID_CERT) != CSRA_OK ||
	    csra_attester_add_intermediate(att, inter) != CSRA_OK)
		fuzz_fail("cannot set up the fixed attester", NULL);
	csra_signer_free(&s);
	OPENSSL_free(spki);
	X509_free(root);
	X509_free(inter);
	X509_free(ak);
}

static void check_evidence(const uint8_t *ev, size_t len)
{
	csra_decoded *d = NULL;
	fuzz_alloc_pause();
	csra_err e = csra_decode(NULL, CSRA_PDU_EVIDENCE, ev, len, &d, NULL);
	fuzz_alloc_resume();
	if (e != CSRA_OK)
		fuzz_fail("the attester's Evidence does not decode", csra_err_name(e));
	const Evidence_t *x = csra_decoded_asn1(d);
	size_t id_len;
	const uint8_t *id_oid = csra_claim_oid(CSRA_CLAIM_KEY_IDENTIFIER, &id_len);
	for (int i = 0; i < x->tbs.reportedElements.list.count; i++) {
		const ReportedElement_t *el = x->tbs.reportedElements.list.array[i];
		if (csra_element_from_oid(el->elementType.buf, (size_t)el->elementType.size) == CSRA_ELEMENT_UNKNOWN)
			fuzz_fail("an unknown element type was answered", NULL);
		if (csra_element_from_oid(el->elementType.buf, (size_t)el->elementType.size) != CSRA_ELEMENT_KEY)
			continue;
		int has_id = 0;
		for (int c = 0; c < el->claims.list.count; c++) {
			const OBJECT_IDENTIFIER_t *t = &el->claims.list.array[c]->claimType;
			has_id |= (size_t)t->size == id_len && memcmp(t->buf, id_oid, id_len) == 0;
		}
		if (!has_id)
			fuzz_fail("a key element without its identifier", NULL);
	}
	fuzz_alloc_pause();
	csra_decoded_free(&d);
	fuzz_alloc_resume();
}

int fuzz_one(const uint8_t *data, size_t size)
{
	uint8_t *ev = (uint8_t *)1;
	size_t ev_len = 0;
	csra_attest_report *rep = (csra_attest_report *)1;
	csra_diag dg;
	unsigned long injected = fuzz_alloc_injected();
	csra_err e = csra_attester_process(att, data, size, &ev, &ev_len, &rep, &dg);
	if (e != CSRA_OK) {
		if (ev != NULL || rep != NULL)
			fuzz_fail("a refused request left Evidence or a report", csra_err_name(e));
		if (dg.code != e)
			fuzz_fail("the diag's code is not the error", csra_err_name(e));
		/* At |size| for input that ends too soon. */
		if (dg.offset != SIZE_MAX && dg.offset > size)
			fuzz_fail("the diag's offset is past the input", csra_err_name(e));
		if (memchr(dg.path, 0, sizeof(dg.path)) == NULL)
			fuzz_fail("the diag's path is not terminated", NULL);
		if (e == CSRA_ERR_NOMEM && fuzz_alloc_injected() == injected)
			fuzz_fail("out of memory without a failed allocation", NULL);
		/* OpenSSL reports a failed allocation inside signing as a
		 * failed signature: CSRA_ERR_INTERNAL then, and only then. */
		if ((e == CSRA_ERR_INTERNAL || e == CSRA_ERR_INVALID_ARGUMENT) &&
		    fuzz_alloc_injected() == injected)
			fuzz_fail("csra_attester_process failed inside", csra_err_name(e));
		return 0;
	}
	if (ev == NULL || ev_len == 0 || rep == NULL)
		fuzz_fail("an answered request without Evidence or report", NULL);
	check_evidence(ev, ev_len);
	for (size_t i = 0; i < csra_attest_report_count(rep); i++) {
		const char *el, *cl, *note;
		if (!csra_attest_report_item(rep, i, &el, &cl, NULL, NULL, &note) || el[0] == '\0' ||
		    cl[0] == '\0' || note == NULL)
			fuzz_fail("a report item is empty", NULL);
	}
	if (csra_attest_report_item(rep, csra_attest_report_count(rep), NULL, NULL, NULL, NULL, NULL))
		fuzz_fail("a report item past the count", NULL);
	free(ev);
	csra_attest_report_free(&rep);
	return 0;
}
