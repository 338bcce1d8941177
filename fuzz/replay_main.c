/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs a harness over saved inputs without libFuzzer (GCC builds, ctest):
 *
 *   fuzz_<name> PATH... [--optional PATH...]
 *
 * Each PATH is a file or a directory whose files (not subdirectories or
 * dot files) are run in name order. Paths after --optional may be missing.
 * Exits non-zero if a path cannot be read or nothing ran; a failing check
 * inside the harness aborts the process. With CSRA_FUZZ_ALLOC_FAIL=1 each
 * file runs in alloc-fail mode (fuzz_alloc.h). Files named
 * repro-allocfail-* are findings of that mode: each runs with every one
 * of its allocations failing in turn (fuzz_alloc_sweep), as every file
 * does with CSRA_FUZZ_ALLOC_SWEEP=1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_alloc.h"
#include "fuzz_common.h"

static size_t ran;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 0;
	}
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *p = realloc(data, cap);
			if (p == NULL) {
				fclose(f);
				free(data);
				fprintf(stderr, "%s: out of memory\n", path);
				return 0;
			}
			data = p;
		}
		size_t k = fread(data + len, 1, cap - len, f);
		if (k == 0)
			break;
		len += k;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(data);
		fprintf(stderr, "%s: read error\n", path);
		return 0;
	}
	/* An exact-size copy, so that ASan sees a read past the input. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL) {
		free(data);
		fprintf(stderr, "%s: out of memory\n", path);
		return 0;
	}
	if (len)
		memcpy(exact, data, len);
	free(data);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *sweep = getenv("CSRA_FUZZ_ALLOC_SWEEP");
	if (strncmp(base, "repro-allocfail-", 16) == 0 || (sweep != NULL && strcmp(sweep, "1") == 0)) {
		fprintf(stderr, "run %s (%zu bytes), failing each allocation in turn\n", path, len);
		/* In alloc-fail mode, as the finding was made: harnesses
		 * compare an armed run with the plain one before it only then. */
		int mode = fuzz_alloc_mode();
		fuzz_alloc_set_mode(1);
		fuzz_alloc_sweep(exact, len, 5000);
		fuzz_alloc_set_mode(mode);
	} else {
		fprintf(stderr, "run %s (%zu bytes)%s\n", path, len,
		    fuzz_alloc_mode() ? ", allocations failing" : "");
		LLVMFuzzerTestOneInput(exact, len);
	}
	free(exact);
	ran++;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ok = 1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **p = realloc(names, cap * sizeof(*names));
			if (p == NULL) {
				ok = 0;
				break;
			}
			names = p;
		}
		size_t plen = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(plen)) == NULL) {
			ok = 0;
			break;
		}
		snprintf(names[n++], plen, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (ok && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			ok = run_file(names[i]);
		free(names[i]);
	}
	free(names);
	if (!ok)
		fprintf(stderr, "%s: failed\n", dir);
	return ok;
}

int main(int argc, char **argv)
{
	int optional = 0, ok = 1;
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc && ok; i++) {
		if (strcmp(argv[i], "--optional") == 0) {
			optional = 1;
			continue;
		}
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			if (optional && errno == ENOENT) {
				fprintf(stderr, "skip %s (absent)\n", argv[i]);
				continue;
			}
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			ok = 0;
		} else if (S_ISDIR(st.st_mode)) {
			ok = run_dir(argv[i]);
		} else {
			ok = run_file(argv[i]);
		}
	}
	printf("%s: ran %zu inputs\n", argc > 0 ? argv[0] : "replay", ran);
	if (!ok)
		return 1;
	if (ran == 0) {
		fprintf(stderr, "no inputs ran\n");
		return 1;
	}
	return 0;
}
