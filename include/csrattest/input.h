/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading a request, Evidence or certificate as a CA receives it (PEM,
 * base64 or DER) into DER, with the strictness of the csrattest CLI. */
#ifndef CSRATTEST_INPUT_H
#define CSRATTEST_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "csrattest/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* csra_input_kind is the form an input was found to be in. */
typedef enum csra_input_kind {
	CSRA_INPUT_DER = 1,
	CSRA_INPUT_PEM = 2,
	CSRA_INPUT_BASE64 = 3
} csra_input_kind;

/* What a caller expects, as a bitmask for csra_input_read's |accept|. The
 * bits name PEM labels (RFC 7468); DER and raw base64 carry no label and
 * are always accepted, their contents being checked by the strict decoder
 * that reads the DER. A PEM block with a label that is known but not in
 * |accept| gives CSRA_ERR_INPUT_WRONG_LABEL; one with any other label
 * CSRA_ERR_INPUT_UNKNOWN_LABEL. |accept| 0 accepts no PEM at all. */
#define CSRA_INPUT_ACCEPT_EVIDENCE 0x01u	/* "EVIDENCE" */
#define CSRA_INPUT_ACCEPT_CSR 0x02u		/* "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST" */
#define CSRA_INPUT_ACCEPT_CERTIFICATE 0x04u	/* "CERTIFICATE" */
#define CSRA_INPUT_ACCEPT_ANY 0x07u

/* CSRA_INPUT_MAX is the largest input, and DER, the readers accept: 16 MiB,
 * the CLI's limit. Larger input gives CSRA_ERR_INPUT_TOO_LARGE. */
#define CSRA_INPUT_MAX ((size_t)16 << 20)

/* CSRA_INPUT_NO_OFFSET is csra_input_info.err_offset for an error that
 * concerns the input as a whole (too large, not DER, I/O, memory). */
#define CSRA_INPUT_NO_OFFSET ((size_t)-1)

/* csra_input_info describes what csra_input_read found. */
typedef struct csra_input_info {
	/* The form of the input; on error, the form being decoded when the
	 * error was found, or 0 if none was recognised. */
	csra_input_kind kind;
	/* The PEM label, NUL-terminated, on success and on
	 * CSRA_ERR_INPUT_WRONG_LABEL; "" otherwise (an unknown label is
	 * attacker-chosen text and is not handed back). */
	char label[32];
	/* On error, the byte offset in the input where the problem is, or
	 * CSRA_INPUT_NO_OFFSET; 0 on success. For a bad base64 character, that
	 * character; for an unknown or unaccepted label, its first byte on
	 * the BEGIN line; for a missing END line, the input's length; for a
	 * second PEM block, its "-----BEGIN "; for an empty input, 0, and
	 * for an empty PEM body, the start of the END line. */
	size_t err_offset;
} csra_input_info;

/* csra_input_read turns the |len| bytes at |in| (NULL only if |len| is 0)
 * into DER. The input must be exactly one of:
 *  - one PEM block (RFC 7468; LF or CRLF; no RFC 1421 headers, so no
 *    encrypted PEM; only whitespace around it) whose label |accept|
 *    names;
 *  - base64 (RFC 4648, canonical, whitespace anywhere) of DER starting
 *    with a SEQUENCE;
 *  - raw DER starting with a SEQUENCE (0x30), copied unchanged: trailing
 *    data or bad DER is left to the strict decoder (csra_decode), which
 *    reports it with its own code.
 * docs/integration.md gives the exact rules. On CSRA_OK sets |*der| (free
 * it with csra_free) and |*der_len| (>= 1). Otherwise sets |*der| to NULL
 * and |*der_len| to 0 and returns CSRA_ERR_INPUT_EMPTY, _TOO_LARGE,
 * _BAD_PEM, _UNKNOWN_LABEL, _WRONG_LABEL, _BAD_BASE64, _NOT_DER,
 * _MULTIPLE_PEM, CSRA_ERR_NOMEM or CSRA_ERR_INVALID_ARGUMENT (a NULL
 * pointer). |info| may be NULL; if not, it is always filled in. Runs in
 * time linear in |len|; thread-safe. */
csra_err csra_input_read(const uint8_t *in, size_t len, unsigned accept, uint8_t **der,
    size_t *der_len, csra_input_info *info);

/* csra_input_read_file is csra_input_read on the contents of the file
 * |path| ("-" is a file of that name, not standard input). A file larger
 * than CSRA_INPUT_MAX gives CSRA_ERR_INPUT_TOO_LARGE, read no further;
 * one that cannot be opened or read gives CSRA_ERR_IO with errno set,
 * CSRA_ERR_NOMEM if memory runs out while reading. */
csra_err csra_input_read_file(const char *path, unsigned accept, uint8_t **der,
    size_t *der_len, csra_input_info *info);

#ifdef __cplusplus
}
#endif

#endif
