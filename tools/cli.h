/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers every csrattest command uses. */
#ifndef CSRATTEST_TOOL_CLI_H
#define CSRATTEST_TOOL_CLI_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes of the tool, the same for every command. */
#define TOOL_EXIT_OK 0
#define TOOL_EXIT_REJECTED 1	/* well-formed, but verification failed */
#define TOOL_EXIT_MALFORMED 2	/* the input is not what it should be */
#define TOOL_EXIT_USAGE 3	/* bad command line, I/O error, out of memory */

/* The largest file the tool reads. */
#define TOOL_MAX_FILE (16u << 20)

/* cli_usage_error prints "csrattest: <message>" and a hint to stderr. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_read_file reads |path| ("-": stdin) into a malloc'd buffer. Returns
 * 0, -1 on an I/O error (errno set) or 1 if it holds more than
 * TOOL_MAX_FILE. */
int cli_read_file(const char *path, uint8_t **out, size_t *out_len);

/* cli_finish flushes stdout and returns |rc|, or TOOL_EXIT_USAGE if the
 * output could not be written. */
int cli_finish(int rc);

/* cmd_verify_evidence runs "csrattest verify-evidence"; |argv[0]| is the
 * command name. Returns a TOOL_EXIT_* code. */
int cmd_verify_evidence(int argc, char **argv);

/* cmd_verify runs "csrattest verify" (a certificate request). */
int cmd_verify(int argc, char **argv);

#endif
