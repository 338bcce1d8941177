/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The committed fuzz_verify_request seeds must reach deep: each valid-*
 * one must verify, under the harness's own verifiers and compiled-in root,
 * and each rejected-* one must be rejected (ctest fuzz_verify_request_seeds).
 *
 *   fuzz_seedcheck DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pki.h"
#include "fuzz_vr.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t cap = 0;
	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *np = realloc(p, cap);
			if (np == NULL) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = np;
		}
		size_t k = fread(p + *len, 1, cap - *len, f);
		if (k == 0)
			break;
		*len += k;
	}
	fclose(f);
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seedcheck DIR\n");
		return 2;
	}
	const unsigned char *rp = fuzz_root_der;
	X509 *root = d2i_X509(NULL, &rp, (long)fuzz_root_der_len);
	if (root == NULL || !fvr_setup(root)) {
		fprintf(stderr, "fuzz_seedcheck: cannot set up the harness's verifiers\n");
		return 1;
	}
	X509_free(root);
	DIR *d = opendir(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 1;
	}
	int bad = 0, valid = 0, rejected = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int want_valid = strncmp(e->d_name, "valid-", 6) == 0;
		if (!want_valid && strncmp(e->d_name, "rejected-", 9) != 0)
			continue;
		char path[4096];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		uint8_t *in = slurp(path, &len);
		csra_err rc = CSRA_OK;
		csra_result *r = NULL;
		if (in == NULL || !fvr_verify(in, len, &rc, &r) || rc != CSRA_OK) {
			fprintf(stderr, "%s: does not run (%s)\n", path, csra_err_name(rc));
			bad++;
		} else if ((csra_result_verdict(r) == CSRA_VERDICT_VERIFIED) != want_valid) {
			fprintf(stderr, "%s: verdict %d\n", path, (int)csra_result_verdict(r));
			fvr_explain(r);
			bad++;
		} else {
			printf("%s: %s\n", e->d_name, want_valid ? "verified" : "rejected");
			valid += want_valid;
			rejected += !want_valid;
		}
		csra_result_free(&r);
		free(in);
	}
	closedir(d);
	if (valid == 0) {
		fprintf(stderr, "fuzz_seedcheck: no valid-* seed in %s\n", argv[1]);
		bad++;
	}
	printf("fuzz_seedcheck: %d verified, %d rejected, %d wrong\n", valid, rejected, bad);
	return bad != 0;
}
