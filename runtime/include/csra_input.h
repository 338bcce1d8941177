/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CSRA_INPUT_H
#define CSRA_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csrattest/input.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Input detection: turns the bytes of a file (attacker-chosen) into DER.
 *
 * csra_input_decode classifies its input as follows:
 *
 *  1. Empty, or only ASCII whitespace (SP HT LF VT FF CR): CSRA_INPUT_EMPTY.
 *
 *  2. PEM: after leading ASCII whitespace the input starts with
 *     "-----BEGIN ". Then it must be exactly one RFC 7468 block:
 *       - the label must be exactly one of EVIDENCE, CERTIFICATE REQUEST,
 *         NEW CERTIFICATE REQUEST, CERTIFICATE, ATTESTATION MESSAGE
 *         (Crypto4A QASM) (case-sensitive);
 *       - lines end in LF or CRLF; spaces and tabs may follow the closing
 *         "-----" of the BEGIN and END lines;
 *       - body lines may be of any length and may be blank; they hold only
 *         the base64 alphabet, '=' and ASCII whitespace;
 *       - a body line containing ':' is an RFC 1421 header (for example
 *         "Proc-Type: 4,ENCRYPTED") and is rejected: encrypted PEM is not
 *         supported;
 *       - a body line starting with "-----" must be "-----END <label>-----"
 *         with the BEGIN label;
 *       - after the END line only ASCII whitespace may follow.
 *     Armour errors are reported before body encoding errors, so a block
 *     with both a bad base64 character and no END line gives
 *     CSRA_INPUT_BAD_PEM.
 *     Text other than whitespace before "-----BEGIN " means the input is not
 *     PEM; it is then classified by the rules below (and usually ends up as
 *     CSRA_INPUT_NOT_DER).
 *
 *  3. Otherwise the decision between base64 and DER is made like this,
 *     because a DER SEQUENCE starts with 0x30, which is '0', a base64
 *     character:
 *       - if every byte is in the base64 alphabet, '=' or ASCII whitespace,
 *         the whole input decodes as valid base64 (rules below), and the
 *         first decoded byte is 0x30, it is CSRA_INPUT_BASE64;
 *       - otherwise, if the first byte of the input (no whitespace skipped)
 *         is 0x30, it is CSRA_INPUT_DER and is copied unchanged;
 *       - otherwise it is CSRA_INPUT_NOT_DER.
 *     So raw base64 that fails to decode is reported as CSRA_INPUT_NOT_DER
 *     (or taken as DER if it starts with '0'), never as BAD_BASE64.
 *
 * Base64, in PEM bodies and raw: RFC 4648 standard alphabet; ASCII
 * whitespace is ignored anywhere; after removing it the length must be a
 * multiple of 4, using at most two '=' and only at the end; unused bits of
 * the last character before '=' must be zero (canonical encoding).
 *
 * Nothing here checks that the result is well-formed DER; a strict DER
 * decoder does that later. */

/* csra_input_kind (the form the input was found to be in) is public:
 * csrattest/input.h, whose csra_input_read wraps csra_input_decode. */

/* csra_input_err is the result of csra_input_decode. */
typedef enum csra_input_err {
  CSRA_INPUT_OK = 0,
  /* The input, or the body of the PEM block, holds no data. */
  CSRA_INPUT_EMPTY,
  /* The DER would be longer than |max_der_len|. */
  CSRA_INPUT_TOO_LARGE,
  /* Malformed armour: missing END, mismatched labels, bad header line, junk
   * on a BEGIN or END line or after the END line. */
  CSRA_INPUT_BAD_PEM,
  /* The PEM label is not one that is accepted. */
  CSRA_INPUT_UNKNOWN_LABEL,
  /* Invalid character, bad padding, '=' in the middle, or non-canonical
   * trailing bits. */
  CSRA_INPUT_BAD_BASE64,
  /* None of the forms. */
  CSRA_INPUT_NOT_DER,
  /* More than one PEM block where one was expected. */
  CSRA_INPUT_MULTIPLE_PEM,
  /* Allocation failed. */
  CSRA_INPUT_NOMEM
} csra_input_err;

/* csra_input_result receives the output of csra_input_decode. */
typedef struct csra_input_result {
  /* The form of the input. On error, the form being decoded when the error
   * was found, or 0 if no form was recognised. */
  csra_input_kind kind;
  /* The PEM label, NUL-terminated; "" for other forms and on any error (the
   * label is attacker-chosen text, so it is not handed back unvalidated). */
  char label[64];
  /* The DER bytes, allocated with malloc; the caller frees them with
   * free(). NULL on error. */
  uint8_t *der;
  /* The length of |der|; 0 on error. */
  size_t der_len;
  /* On error, the byte offset in the original input where the problem is;
   * 0 on success. In detail:
   *   BAD_BASE64:      the offending character; for '=' in the middle, the
   *                    first '='; for a third '=', that '='; for a length
   *                    that is not a multiple of 4, just past the last
   *                    base64 character; for non-zero trailing bits, the
   *                    last character before the padding.
   *   UNKNOWN_LABEL:   the first byte of the label on the BEGIN line.
   *   BAD_PEM:         missing END: |in_len|; mismatched END label: the
   *                    first byte of the label on the END line; header
   *                    line, or a line starting "-----" that is not END: the
   *                    start of that line; junk on a BEGIN/END line or after
   *                    the END line: the first junk byte; BEGIN line without
   *                    closing "-----": the end of that line.
   *   MULTIPLE_PEM:    the second "-----BEGIN ".
   *   EMPTY:           0, or for an empty PEM body the start of the END
   *                    line.
   *   TOO_LARGE, NOT_DER, NOMEM: 0 (they concern the input as a whole). */
  size_t err_offset;
  /* For PEM, the offset of the label on the BEGIN line once the label is
   * known to be one of the accepted ones (also on success); else 0. */
  size_t label_offset;
} csra_input_result;

/* csra_input_decode detects the form of the |in_len| bytes at |in| (see the
 * rules above) and decodes them to DER of at most |max_der_len| bytes. |in|
 * may be NULL only if |in_len| is 0. It fills in all of |*out|, which need
 * not be initialised. On CSRA_INPUT_OK, |out->der| is a new allocation of
 * |out->der_len| (>= 1) bytes owned by the caller. On any other result,
 * |out->der| is NULL and nothing is allocated. Runs in time linear in
 * |in_len|. */
csra_input_err csra_input_decode(const uint8_t *in, size_t in_len,
                                 size_t max_der_len, csra_input_result *out);

/* csra_input_strerror returns a static, human-readable description of |e|.
 * It never returns NULL. */
/* csra_input_err_code maps |e| to the library's stable csra_err code
 * (CSRA_ERR_INPUT_*, CSRA_ERR_NOMEM; CSRA_OK for CSRA_INPUT_OK). */
int csra_input_err_code(csra_input_err e);

const char *csra_input_strerror(csra_input_err e);

/* csra_read_stream reads |f| to its end into a malloc'd buffer, refusing
 * more than |max| bytes (it reads at most |max| + 1). Returns 0 with
 * |*out| (free with free(); NULL when empty) and |*out_len| set, -1 on an
 * I/O error or allocation failure (errno set), or 1 if |f| holds more
 * than |max| bytes. The CLI and csra_input_read_file share it. */
int csra_read_stream(FILE *f, size_t max, uint8_t **out, size_t *out_len);

#if defined(__cplusplus)
}
#endif

#endif /* CSRA_INPUT_H */
