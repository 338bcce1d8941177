/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "testutil.h"
#include "csrattest/request.h"
#include "csrattest/verify.h"

#include "csra_codec_int.h"
#include "csra_input.h"
#include "csra_stmt.h"
#include "CertificationRequest.h"

/* Every record a C test makes is kept for scripts/check-record.py: the
 * tests link with -Wl,--wrap=csra_result_json (tests/CMakeLists.txt), so
 * each of their calls lands here. With CSRA_RECORD_DIR set (ctest sets
 * it), the record is written there as <program>-<pid>-<n>.json; the test
 * "records_c" then validates them all against docs/record.schema.json.
 * A record that cannot be written aborts the test: a record silently not
 * checked would look like one that validated. */
char *__real_csra_result_json(const csra_result *r);
char *__wrap_csra_result_json(const csra_result *r);

char *__wrap_csra_result_json(const csra_result *r)
{
	static unsigned long seq;
	char *json = __real_csra_result_json(r);
	const char *dir = getenv("CSRA_RECORD_DIR");
	if (json == NULL || dir == NULL || dir[0] == '\0')
		return json;
	char path[4096];
	unsigned long n = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);	/* test_threads */
	snprintf(path, sizeof(path), "%s/%s-%ld-%lu.json", dir, CSRA_TEST_NAME, (long)getpid(), n);
	FILE *f = fopen(path, "w");
	size_t len = strlen(json);
	if (f == NULL || fwrite(json, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "testutil: cannot keep the record in %s\n", path);
		abort();
	}
	return json;
}

int tu_run(const tu_test *tests, size_t n)
{
	int pass = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		int ok = tests[i].fn();
		printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
		ok ? pass++ : failed++;
	}
	printf("%d passed, %d failed\n", pass, failed);
	return failed != 0;
}

int tu_shared_der(const char *rel, uint8_t **der, size_t *len)
{
	char path[1024], *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long n = 0;
	snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, rel);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "  cannot open %s\n", path);
		return 0;
	}
	int ok = PEM_read(f, &name, &header, &data, &n);
	fclose(f);
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (!ok || n <= 0) {
		fprintf(stderr, "  %s: not PEM\n", path);
		return 0;
	}
	*der = malloc((size_t)n);
	if (*der == NULL) {
		OPENSSL_free(data);
		return 0;
	}
	memcpy(*der, data, (size_t)n);
	OPENSSL_free(data);
	*len = (size_t)n;
	return 1;
}

uint8_t *tu_shared_file(const char *rel, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", CSRA_SHARED_DIR, rel);
	*len = 0;
	uint8_t *buf = NULL;
	FILE *f = fopen(path, "rb");
	int rc = f != NULL ? csra_read_stream(f, 1 << 20, &buf, len) : -1;
	if (f != NULL)
		fclose(f);
	if (rc != 0 || buf == NULL) {
		fprintf(stderr, "  cannot read %s\n", path);
		free(buf);
		return NULL;
	}
	return buf;
}

void tu_dump_result(const csra_result *r, int depth)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err c;
		csra_result_check(r, i, &name, &st, &c, &msg, &path);
		fprintf(stderr, "  %*s%s %s %s [%s]: %s\n", depth * 2, "", csra_status_name(st), name,
		    csra_err_name(c), path, msg);
	}
	for (size_t i = 0; i < csra_result_statement_count(r); i++)
		tu_dump_result(csra_result_statement(r, i), depth + 1);
}

csra_result *tu_attest(const csra_verifier *v, const uint8_t *spki, size_t spki_len, const uint8_t *file,
    size_t len, const char *fmt, const csra_result **st)
{
	csra_result *r = NULL;
	const uint8_t *files[1] = { file };
	size_t lens[1] = { len };
	const char *fmts[1] = { fmt };
	*st = NULL;
	if (csra_verify_attestations(v, spki, spki_len, NULL, 0, files, lens, fmts, 1, &r) != CSRA_OK)
		return NULL;
	*st = csra_result_statement_count(r) == 1 ? csra_result_statement(r, 0) : NULL;
	if (*st == NULL)
		csra_result_free(&r);
	return r;
}

int tu_has_check(const csra_result *r, const char *name, int status, int code, const char *path)
{
	size_t pl = path != NULL ? strlen(path) : 0;
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *n, *p;
		csra_status s;
		csra_err c;
		csra_result_check(r, i, &n, &s, &c, NULL, &p);
		int pm = path == NULL || (pl > 0 && path[pl - 1] == '*' ? strncmp(p, path, pl - 1) == 0
		    : strcmp(p, path) == 0);
		if (strcmp(n, name) == 0 && (int)s == status && (int)c == code && pm)
			return 1;
	}
	fprintf(stderr, "  no check %s %s %s [%s] in:\n", name, csra_status_name((csra_status)status),
	    csra_err_name((csra_err)code), path ? path : "*");
	tu_dump_result(r, 1);
	return 0;
}

const void *tu_attestation_value(const csra_decoded *d)
{
	const CertificationRequest_t *req = csra_decoded_asn1(d);
	const CRIAttributes_t *attrs = &req->certificationRequestInfo.attributes;
	const CRIAttribute_t *att = NULL;
	for (int i = 0; i < attrs->list.count; i++)
		if (csra_oid_is(attrs->list.array[i]->type.buf, attrs->list.array[i]->type.size,
		    CSRA_OID_ID_AA_ATTESTATION))
			att = attrs->list.array[i];
	return att != NULL && att->values.list.count == 1 ? att->values.list.array[0] : NULL;
}

static struct csra_stmt_out *kept;
static size_t nkept;

static void clear_kept(void)
{
	for (size_t i = 0; i < nkept; i++)
		csra_stmt_out_clear(&kept[i]);
	free(kept);
}

void tu_keep_stmt_out(const struct csra_stmt_out *o)
{
	if (nkept == 0)
		atexit(clear_kept);
	struct csra_stmt_out *k = realloc(kept, (nkept + 1) * sizeof(*k));
	if (k == NULL)
		return;	/* a leak in a test, reported as one */
	kept = k;
	kept[nkept++] = *o;
}
