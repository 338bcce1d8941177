/* SPDX-License-Identifier: BSD-2-Clause */
/* What every test program shares: CHECK, a runner, the shared samples. */
#ifndef CSRA_TESTUTIL_H
#define CSRA_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* CHECK fails the current test (returns 0) with the file, line and text. */
#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
	return 0; } } while (0)

typedef struct tu_test {
	const char *name;
	int (*fn)(void);	/* 1: passed */
} tu_test;
#define TU(f) { #f, f }

/* Every csra_result_json call of a test is wrapped (testutil.c): with
 * CSRA_RECORD_DIR set, each record is also written there, and ctest's
 * "records_c" validates them against docs/record.schema.json. */

/* tu_run runs |tests|, prints "ok"/"FAIL" per test and "N passed, M
 * failed", and returns the exit status: 0 if all passed. */
int tu_run(const tu_test *tests, size_t n);

/* tu_shared_der reads |rel| under the shared directory (CSRA_SHARED_DIR)
 * as DER: the first PEM block of a PEM file, any label. Sets |*der|
 * (free with free()) and |*len|; returns 1, or 0 with a message. */
int tu_shared_der(const char *rel, uint8_t **der, size_t *len);

/* tu_shared_file reads |rel| under the shared directory as it is (at
 * most 1 MiB): returns it (free with free()) and sets |*len|, or NULL with
 * a message. */
uint8_t *tu_shared_file(const char *rel, size_t *len);

struct csra_result;

/* tu_dump_result prints every check of |r| and of its statements to
 * stderr, indented by |depth|. */
void tu_dump_result(const struct csra_result *r, int depth);

/* tu_attest verifies the one attestation file |file|/|len| with |v|,
 * alone (|spki| NULL) or bound to |spki|, as format |fmt| (NULL:
 * detected). Returns the result (free with csra_result_free) with its one
 * statement's result in |*st|, or NULL. */
struct csra_verifier;
struct csra_result *tu_attest(const struct csra_verifier *v, const uint8_t *spki, size_t spki_len,
    const uint8_t *file, size_t len, const char *fmt, const struct csra_result **st);

/* tu_has_check says whether |r| holds check |name| with |status| and
 * |code| at |path| (NULL: any; ending in '*': a prefix); if not, says so
 * and prints |r|. */
int tu_has_check(const struct csra_result *r, const char *name, int status, int code, const char *path);

/* tu_attestation_value returns the value of the one id-aa-attestation
 * attribute (an ANY_t) of the decoded PKCS#10 request |d|, or NULL if it
 * has none or the attribute has other than one value. */
struct csra_decoded;
const void *tu_attestation_value(const struct csra_decoded *d);

/* tu_keep_stmt_out keeps |o| (a statement outcome a test still reads
 * after the call that filled it) and clears it at exit, so that a leak
 * check does not count it. */
struct csra_stmt_out;
void tu_keep_stmt_out(const struct csra_stmt_out *o);

#endif
