/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers every csrattest command uses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

__attribute__((format(printf, 1, 2)))
void cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("csrattest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'csrattest --help'.\n", stderr);
}

/* cli_read_file reads |path| ("-": stdin) into a malloc'd buffer. Returns 0, -1
 * on an I/O error (errno set) or 1 if it holds more than TOOL_MAX_FILE. */
int cli_read_file(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 0;
	uint8_t *buf = NULL;
	int rc = 0;
	*out = NULL;
	*out_len = 0;
	if (f == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap > TOOL_MAX_FILE) {
				rc = 1;
				break;
			}
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > TOOL_MAX_FILE + 1)
				ncap = TOOL_MAX_FILE + 1;	/* one past the cap tells "too large" */
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL) {
				errno = ENOMEM;
				rc = -1;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				if (errno == 0)
					errno = EIO;
				rc = -1;
			}
			break;
		}
		if (len > TOOL_MAX_FILE) {
			rc = 1;
			break;
		}
	}
	int saved = errno;
	if (f != stdin)
		fclose(f);
	errno = saved;
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/* cli_finish flushes stdout: a full disk or closed pipe is an I/O error. */
int cli_finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "csrattest: error writing output: %s\n", strerror(errno ? errno : EIO));
		return TOOL_EXIT_USAGE;
	}
	return rc;
}

