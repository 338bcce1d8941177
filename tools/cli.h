/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers every csrattest command uses. */
#ifndef CSRATTEST_TOOL_CLI_H
#define CSRATTEST_TOOL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "csrattest/input.h"

/* Exit codes of the tool, the same for every command. */
#define TOOL_EXIT_OK 0
#define TOOL_EXIT_REJECTED 1	/* well-formed, but verification failed */
#define TOOL_EXIT_MALFORMED 2	/* the input is not what it should be */
#define TOOL_EXIT_USAGE 3	/* bad command line, I/O error, out of memory */

/* The largest file the tool reads. */
#define TOOL_MAX_FILE CSRA_INPUT_MAX

/* cli_usage_error prints "csrattest: <message>" and a hint to stderr. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_read_file reads |path| ("-": stdin) into a malloc'd buffer. Returns
 * 0, -1 on an I/O error (errno set) or 1 if it holds more than
 * TOOL_MAX_FILE. */
int cli_read_file(const char *path, uint8_t **out, size_t *out_len);

/* cli_finish flushes stdout and returns |rc|, or TOOL_EXIT_USAGE if the
 * output could not be written. */
int cli_finish(int rc);

struct csra_attestation;

/* cli_read_attestation reads the attestation |arg| names: one file, or the
 * files of one attestation given as several, separated by commas
 * ("attestation.xml,attestation.sig,chain.pem"), unless |arg| names an
 * existing file as a whole. |format| NULL: detected. Errors are printed,
 * prefixed with |opt|. Returns a TOOL_EXIT_* code and |*out| (free with
 * csra_attestation_free). */
int cli_read_attestation(const char *opt, const char *arg, const char *format, struct csra_attestation **out);

/* cli_write_file_atomic writes |data|/|len| to |path| ("-": stdout): to a
 * temporary file in the same directory (mkstemp), fsync'd and renamed over
 * |path|; on any failure the temporary file is removed and an existing
 * |path| is left untouched. Returns 0, or -1 with errno set. */
int cli_write_file_atomic(const char *path, const uint8_t *data, size_t len);

/* cli_parse_hex parses an even number (2..2048) of hex digits into a
 * malloc'd buffer. Returns 1, or 0 if |s| is not that. */
int cli_parse_hex(const char *s, uint8_t **out, size_t *len);

/* cli_parse_time parses "@SECONDS" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) into
 * |*t|. Returns 1, or 0 if |s| is neither or names no real time. */
int cli_parse_time(const char *s, time_t *t);

/* cmd_verify_evidence runs "csrattest verify-evidence"; |argv[0]| is the
 * command name. Returns a TOOL_EXIT_* code. */
int cmd_verify_evidence(int argc, char **argv);

/* cmd_verify runs "csrattest verify" (a certificate request). */
int cmd_verify(int argc, char **argv);

/* cmd_request runs "csrattest request create" (an attestation request),
 * cmd_evidence "csrattest evidence create" (signed Evidence answering
 * one), cmd_csr "csrattest csr create" (a PKCS#10 or CRMF request with
 * an attestation bundle); |argv[0]| is the command name. */
int cmd_request(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_csr(int argc, char **argv);

/* csrattest trust list (trust_cmd.c). */
int cmd_trust(int argc, char **argv);

#endif
