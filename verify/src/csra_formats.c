/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of statement formats. Adding a format is its module, one
 * line here and its tests. Built-in formats come first; the caller's
 * external commands and callbacks take the types none of them does.
 */
#include <stddef.h>
#include <string.h>

#include "csra_stmt.h"
#include "csra_verify_int.h"
#include "csrattest/request.h"

const csra_format *const csra_formats[] = {
	&csra_format_pkix_evidence,
	&csra_format_tpm2_certify,
	&csra_format_yubico_piv,
	&csra_format_yubihsm2,
	&csra_format_thales_luna,
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
 * routes have trust of their own (csra_verifier_add_trust, ...). */
static const csra_format *vendor_format(const char *kind)
{
	const csra_format *f = csra_format_find(kind);
	return f != NULL && f->detect != NULL && f != &csra_format_pkix_evidence ? f : NULL;
}

csra_err csra_verifier_add_format_trust(csra_verifier *v, const char *format, X509 *cert)
{
	if (v == NULL || cert == NULL || vendor_format(format) == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_verifier_format_trust_add(v, format, cert);
}

csra_err csra_verifier_add_format_trust_file(csra_verifier *v, const char *format, const char *path)
{
	if (v == NULL || path == NULL || vendor_format(format) == NULL)
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
	if (v == NULL || vendor_format(format) == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	return csra_verifier_format_trust_drop(v, format);
}
