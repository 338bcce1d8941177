/* SPDX-License-Identifier: BSD-2-Clause */
/* The dump command of the csrattest tool. */
#ifndef CSRATTEST_TOOL_DUMP_H
#define CSRATTEST_TOOL_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* dump_type is the --type choice. */
typedef enum dump_type {
	DUMP_AUTO = 0,
	DUMP_EVIDENCE,
	DUMP_CSR,
	DUMP_CRMF,
	DUMP_BUNDLE,
	DUMP_CERT
} dump_type;

/* dump_run decodes the |in_len| bytes at |in| (the contents of |file|) and
 * prints them to stdout, as text or, if |json|, as JSON. Errors go to
 * stderr (and, with |json|, as a JSON error object to stdout). Returns a
 * TOOL_EXIT_* code. */
int dump_run(const char *file, const uint8_t *in, size_t in_len, dump_type type, int json);

/* dump_report prints an error about |file| that happened before decoding
 * could start: a line on stderr and, if |json|, the JSON error object on
 * stdout. |code| is a csra_err; |offset| is SIZE_MAX when there is none. */
void dump_report(const char *file, int json, int code, const char *what,
    const char *detail, size_t offset);

struct csra_attestation;

/* dump_vendor_format returns the vendor format that claims |in|, or NULL;
 * dump_vendor prints what that format reads from it (dump_vendor.c).
 * dump_vendor_parts does both for an attestation given as several files
 * (|file| names them, comma-separated). */
const char *dump_vendor_format(const uint8_t *in, size_t in_len);
int dump_vendor(const char *file, const uint8_t *in, size_t in_len, const char *kind, int json);
int dump_vendor_parts(const char *file, const struct csra_attestation *a, int json);

#endif
