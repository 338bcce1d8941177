/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>

#include "csrattest/error.h"

struct err_entry {
	int code;
	const char *name;
	const char *msg;
};

#define E(c, m) { c, #c, m }
static const struct err_entry errs[] = {
	E(CSRA_OK, "success"),
	E(CSRA_ERR_NOMEM, "out of memory"),
	E(CSRA_ERR_INVALID_ARGUMENT, "invalid argument"),
	E(CSRA_ERR_INTERNAL, "internal error"),
	E(CSRA_ERR_IO, "input/output error"),
	E(CSRA_ERR_INPUT_EMPTY, "input is empty"),
	E(CSRA_ERR_INPUT_TOO_LARGE, "input is larger than the configured limit"),
	E(CSRA_ERR_INPUT_BAD_PEM, "malformed PEM armour"),
	E(CSRA_ERR_INPUT_UNKNOWN_LABEL, "PEM label is not one csrattest reads"),
	E(CSRA_ERR_INPUT_BAD_BASE64, "invalid base64"),
	E(CSRA_ERR_INPUT_NOT_DER, "input is neither PEM, base64 nor DER"),
	E(CSRA_ERR_INPUT_MULTIPLE_PEM, "more than one PEM block"),
	E(CSRA_ERR_DER_TRUNCATED, "element runs past the end of its container"),
	E(CSRA_ERR_DER_TRAILING_DATA, "bytes follow the end of the element"),
	E(CSRA_ERR_DER_INDEFINITE_LENGTH, "indefinite length (BER, not DER)"),
	E(CSRA_ERR_DER_NONMINIMAL_LENGTH, "length not in its shortest form"),
	E(CSRA_ERR_DER_LENGTH_TOO_LARGE, "length field too large"),
	E(CSRA_ERR_DER_HIGH_TAG_FORM, "high-tag-number form used for a tag below 31"),
	E(CSRA_ERR_DER_BAD_TAG, "malformed tag"),
	E(CSRA_ERR_DER_DEPTH, "nesting deeper than the configured limit"),
	E(CSRA_ERR_DER_TOO_LARGE, "DER input larger than the configured limit"),
	E(CSRA_ERR_DER_CONSTRUCTED_FORM, "primitive/constructed form wrong for the type"),
	E(CSRA_ERR_DER_BAD_BOOLEAN, "BOOLEAN not one octet of 00 or FF"),
	E(CSRA_ERR_DER_BAD_INTEGER, "INTEGER empty or not in its shortest form"),
	E(CSRA_ERR_DER_BAD_OID, "OBJECT IDENTIFIER empty, padded or truncated"),
	E(CSRA_ERR_DER_BAD_BIT_STRING, "BIT STRING unused-bits octet invalid or padding bits set"),
	E(CSRA_ERR_DER_BAD_TIME, "time not in DER form (YYYYMMDDHHMMSS[.f]Z / YYMMDDHHMMSSZ)"),
	E(CSRA_ERR_DER_BAD_NULL, "NULL with contents"),
	E(CSRA_ERR_DER_BAD_STRING, "string contents invalid for its type"),
	E(CSRA_ERR_DER_SET_ORDER, "SET OF elements not in DER order"),
	E(CSRA_ERR_DER_DEFAULT_ENCODED, "DEFAULT value encoded (DER omits it)"),
	E(CSRA_ERR_DER_UNEXPECTED_TAG, "unexpected tag for this element"),
	E(CSRA_ERR_DER_MISSING_ELEMENT, "required element missing"),
	E(CSRA_ERR_DER_CONSTRAINT, "value violates a constraint of the schema"),
	E(CSRA_ERR_DER_SIGNER_ID_EMPTY, "SignerIdentifier has none of keyId, subjectPublicKeyInfo, certificate"),
	E(CSRA_ERR_DER_RESOURCE_LIMIT, "decoding needs more memory than the input size allows"),
	E(CSRA_ERR_DER_DECODER, "asn1c's decoder rejected input the DER gate accepted"),
};
#undef E

static const struct err_entry *find(int err)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].code == err)
			return &errs[i];
	return NULL;
}

const char *csra_strerror(int err)
{
	const struct err_entry *e = find(err);
	return e ? e->msg : "unknown error";
}

const char *csra_err_name(int err)
{
	const struct err_entry *e = find(err);
	return e ? e->name : "CSRA_ERR_?";
}
