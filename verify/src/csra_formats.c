/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of statement formats. Adding a format is its module, one
 * line here and its tests. Built-in formats come first; the caller's
 * external commands and callbacks take the types none of them does.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "csra_certbag.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"

const csra_format *const csra_formats[] = {
	&csra_format_pkix_evidence,
	&csra_format_tpm2_certify,
	&csra_format_yubico_piv,
	&csra_format_yubihsm2,
	&csra_format_thales_luna,
	&csra_format_marvell_liquidsecurity,
	&csra_format_crypto4a_qasm,
	&csra_format_securosys_primus,
	&csra_format_external,
	&csra_format_callback,
	NULL,
};

const csra_format *csra_format_find(const char *kind)
{
	for (const csra_format *const *f = csra_formats; kind != NULL && *f != NULL; f++)
		if (strcmp((*f)->kind, kind) == 0)
			return *f;
	return NULL;
}

/* Vendor formats only: PKIX Evidence, TPM certify and the caller's
 * routes have trust of their own (csra_verifier_add_trust, ...). A trust
 * name is a vendor format's kind, or a name the vendor bundle has roots
 * under that a format reads besides its own (google-cloudhsm: the owner
 * half of a marvell-liquidsecurity attestation). */
static int vendor_format(const char *kind)
{
	const csra_format *f = csra_format_find(kind);
	if (f != NULL)
		return f->detect != NULL && f != &csra_format_pkix_evidence;
	return kind != NULL && csra_trust_bundle_roots(kind) != NULL;
}

csra_err csra_verifier_add_format_trust(csra_verifier *v, const char *format, X509 *cert)
{
	if (v == NULL || cert == NULL || !vendor_format(format))
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_verifier_format_trust_add(v, format, cert);
}

csra_err csra_verifier_add_format_trust_file(csra_verifier *v, const char *format, const char *path)
{
	if (v == NULL || path == NULL || !vendor_format(format))
		return CSRA_ERR_INVALID_ARGUMENT;
	csra_verifier *tmp = csra_verifier_new();
	if (tmp == NULL)
		return CSRA_ERR_NOMEM;
	/* The verifier's reader, through a scratch verifier's untrusted list. */
	csra_err e = csra_verifier_add_untrusted_file(tmp, path);
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(tmp->untrusted); i++)
		e = csra_verifier_format_trust_add(v, format, sk_X509_value(tmp->untrusted, i));
	csra_verifier_free(&tmp);
	return e;
}

csra_err csra_verifier_drop_format_bundle(csra_verifier *v, const char *format)
{
	if (v == NULL || !vendor_format(format))
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_verifier_format_trust_drop(v, format);
}

const csra_format *csra_format_detect_parts(const uint8_t *const *parts, const size_t *lens,
    const struct csra_certbag *const *bags, size_t nparts, size_t *main, size_t *n, char *names, size_t names_cap)
{
	const csra_format *found = NULL;
	*n = 0;
	*main = 0;
	if (names != NULL && names_cap > 0)
		names[0] = '\0';
	/* Every format that takes any part; one part may be claimed by one
	 * format and another part by another: that is ambiguous too. */
	for (const csra_format *const *f = csra_formats; *f != NULL; f++) {
		if ((*f)->detect == NULL)
			continue;
		size_t i = 0;
		while (i < nparts && !(*f)->detect(parts[i], lens[i], bags != NULL ? bags[i] : NULL))
			i++;
		if (i == nparts)
			continue;
		if ((*n)++ == 0)
			found = *f, *main = i;
		if (names != NULL && names_cap > 0) {
			size_t used = strlen(names);
			snprintf(names + used, names_cap - used, "%s%s", used ? ", " : "", (*f)->kind);
		}
	}
	return found;
}

const csra_format *csra_format_detect(const uint8_t *p, size_t len, const struct csra_certbag *bag,
    size_t *n, char *names, size_t names_cap)
{
	size_t main;
	return csra_format_detect_parts(&p, &len, &bag, 1, &main, n, names, names_cap);
}

int csra_format_detects(const csra_format *f, const uint8_t *p, size_t len)
{
	if (f->detect == NULL)
		return 0;
	csra_certbag bag;
	char why[8];
	int have = p != NULL && len > 0 && csra_certbag_detect(p, len) && csra_certbag_read(p, len, 0, &bag, why, sizeof(why)) == CSRA_OK;
	int yes = f->detect(p, len, have ? &bag : NULL);
	if (have)
		csra_certbag_clear(&bag);
	return yes;
}
