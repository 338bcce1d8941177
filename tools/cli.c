/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers every csrattest command uses. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csra_codec_int.h"
#include "csra_input.h"
#include "csrattest/request.h"

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
 * on an I/O error (errno set) or 1 if it holds more than TOOL_MAX_FILE. The
 * reading itself is the library's, which csra_input_read_file uses too. */
int cli_read_file(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	*out = NULL;
	*out_len = 0;
	if (f == NULL)
		return -1;
	int rc = csra_read_stream(f, TOOL_MAX_FILE, out, out_len);
	int saved = errno;
	if (f != stdin)
		fclose(f);
	errno = saved;
	return rc;
}

int cli_read_attestation(const char *opt, const char *arg, const char *format, csra_attestation **out)
{
	csra_attestation *a = *out = csra_attestation_new();
	if (a == NULL || csra_attestation_set_format(a, format) != CSRA_OK) {
		fprintf(stderr, "csrattest: %s %s: %s\n", opt, arg, csra_strerror(a ? CSRA_ERR_INVALID_ARGUMENT
		    : CSRA_ERR_NOMEM));
		return TOOL_EXIT_USAGE;
	}
	/* A file whose name holds a comma is still one file. */
	struct stat st;
	int whole = strchr(arg, ',') == NULL || strcmp(arg, "-") == 0 || stat(arg, &st) == 0;
	const char *p = arg;
	do {
		size_t n = whole ? strlen(p) : strcspn(p, ",");
		char path[4096];
		if (n == 0 || n >= sizeof(path)) {
			fprintf(stderr, "csrattest: %s %s: %s\n", opt, arg, n == 0 ? "an empty file name in the list"
			    : "a file name too long");
			return TOOL_EXIT_USAGE;
		}
		memcpy(path, p, n);
		path[n] = '\0';
		p += n + (p[n] == ',');
		uint8_t *data;
		size_t len;
		int r = cli_read_file(path, &data, &len);
		if (r != 0) {
			fprintf(stderr, "csrattest: %s %s: %s\n", opt, path, r < 0 ? strerror(errno) : "larger than 16 MiB");
			return r < 0 ? TOOL_EXIT_USAGE : TOOL_EXIT_MALFORMED;
		}
		csra_err e = len == 0 ? CSRA_ERR_INPUT_EMPTY : csra_attestation_add_part(a, data, len);
		free(data);
		if (e != CSRA_OK) {
			fprintf(stderr, "csrattest: %s %s: %s\n", opt, path, e == CSRA_ERR_INPUT_EMPTY ? "empty"
			    : e == CSRA_ERR_INVALID_ARGUMENT ? "more than 8 files in one attestation" : csra_strerror(e));
			return e == CSRA_ERR_INPUT_EMPTY ? TOOL_EXIT_MALFORMED : TOOL_EXIT_USAGE;
		}
	} while (!whole && *p != '\0');
	if (!whole && arg[strlen(arg) - 1] == ',') {
		fprintf(stderr, "csrattest: %s %s: %s\n", opt, arg, "an empty file name in the list");
		return TOOL_EXIT_USAGE;
	}
	return TOOL_EXIT_OK;
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


/* Writes all of |data| to |fd|, retrying short writes and EINTR. */
static int write_all(int fd, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* cli_write_file_atomic writes through a temporary file in the target's
 * directory and renames it over |path|, so that a reader (or a CA picking
 * the file up) never sees half an output, and a failure leaves an existing
 * file as it was. */
int cli_write_file_atomic(const char *path, const uint8_t *data, size_t len)
{
	if (strcmp(path, "-") == 0) {
		if (len > 0 && fwrite(data, 1, len, stdout) != len)
			return -1;
		return fflush(stdout) == 0 ? 0 : -1;
	}
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dlen;
	if (*base == '\0') {
		errno = EISDIR;
		return -1;
	}
	/* "dir/.base.XXXXXX": hidden, and on the same file system as |path|. */
	size_t cap = strlen(path) + 16;
	char *tmp = malloc(cap);
	if (tmp == NULL) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(tmp, cap, "%.*s.%s.XXXXXX", (int)dlen, path, base);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	/* mkstemp makes 0600; an output file gets what open() would give it. */
	mode_t mask = umask(0);
	umask(mask);
	int ok = fchmod(fd, 0666 & ~mask) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	/* The rename itself is durable once the directory is synced. */
	char *dir = strndup(path, dlen ? dlen : 1);
	if (dir != NULL) {
		if (dlen == 0)
			dir[0] = '.';
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(tmp);
	return 0;
}

/* cli_parse_hex is shared so that every command takes nonces alike. */
int cli_parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s);
	if (n == 0 || n % 2 || n > 2048)
		return 0;
	uint8_t *b = malloc(n / 2);
	if (b == NULL)
		return 0;
	if (!csra_hex_decode(s, n, b)) {
		free(b);
		return 0;
	}
	*out = b;
	*len = n / 2;
	return 1;
}

/* cli_parse_time is shared so that --at means the same in every command. */
int cli_parse_time(const char *s, time_t *t)
{
	char *end;
	if (s[0] == '@') {
		/* Digits only: strtoll would also take blanks and a sign. */
		if (s[1] < '0' || s[1] > '9')
			return 0;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (errno || *end || end == s + 1 || v <= 0)
			return 0;
		*t = (time_t)v;
		return 1;
	}
	time_t v;
	if (!csra_utc_parse(s, strlen(s), &v) || v <= 0)
		return 0;
	*t = v;
	return 1;
}
