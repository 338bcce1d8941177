/* SPDX-License-Identifier: BSD-2-Clause */
/* Checks recorded as data (template and arguments) and formatted when
 * read: every conversion as vsnprintf formats it, cut at 511 bytes,
 * printable ASCII on every output, arguments copied, all-or-nothing under
 * allocation failure, and concurrent readers of one result. */
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "csra_verify_int.h"
#include "testutil.h"

/* Allocation failure on demand (linked with --wrap=malloc,--wrap=realloc):
 * the |fail_at|-th allocation from now fails; -1 never. */
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
static _Thread_local long fail_at = -1;

static int fail_now(void)
{
	if (fail_at < 0)
		return 0;
	return fail_at-- == 0;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

/* What the message must be: vsnprintf's at the old 512-byte cap, every
 * byte outside printable ASCII made '?'. */
static void ref_format(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ref_format(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, 512, fmt, ap);
	va_end(ap);
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

/* Check |i| of |r| reads |want| through both getters. */
static int message_is(const csra_result *r, size_t i, const char *want)
{
	const char *got = NULL;
	char buf[600];
	CHECK(csra_result_check(r, i, NULL, NULL, NULL, &got, NULL) == 1);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "  check %zu: got \"%s\", want \"%s\"\n", i, got, want);
		return 0;
	}
	CHECK(csra_result_check_message(r, i, buf, sizeof(buf)) == (int)strlen(want));
	CHECK(strcmp(buf, want) == 0);
	return 1;
}

static int test_conversions(void)
{
	csra_result *r = csra_result_new();
	char want[600];
	size_t i = 0;
	int x = 5;
	CHECK(r != NULL);
#define CASE(...) do { \
		ref_format(want, __VA_ARGS__); \
		CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", __VA_ARGS__)); \
		CHECK(message_is(r, i++, want)); \
	} while (0)
	CASE("no conversion at all");
	CASE("100%% sure");
	CASE("%d %i %d %d", 0, -1, INT32_MIN, INT32_MAX);
	CASE("%u %o %x %X %#x %#o", 4000000000u, 8u, 0xabcu, 0xabcu, 255u, 8u);
#ifndef __clang__
	CASE("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);	/* converted as printf converts */
#endif
	CASE("%hhd %hhu %hd %hu", (signed char)-3, (unsigned char)200, (short)-300, (unsigned short)60000);
	CASE("%ld %lu %lld %llu %lx", -7L, 7UL, (long long)INT64_MIN, (unsigned long long)UINT64_MAX, 0xffUL);
	CASE("%jd %ju %zu %zd %td %zx", (intmax_t)-3, (uintmax_t)3, (size_t)SIZE_MAX, (ssize_t)-4,
	    (ptrdiff_t)-5, (size_t)0xfe);
	CASE("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3x]", 42, 42, 42, 42, 42, 7, 0xau);
	CASE("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 2, -6, 3, 4, 9, -1, 10);
	CASE("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
	CASE("[%s] [%10s] [%-10s] [%.2s] [%.*s] [%.*s] [%.s]", "str", "right", "left", "cut", 3, "abcdef",
	    -1, "all", "none");
	CASE("%p %p", (void *)&x, (void *)NULL);
	CASE("%e %E %f %F %g %G %a %A %.2f %10.3e %lf", 1.5, -2.25e10, 3.14159, 0.5, 1e-7, 1e20, 1.0, -0.5,
	    2.675, 12345.678, 1.25);
	const char *volatile absent = NULL;	/* hidden from -Wformat-overflow */
	CASE("[%s] [%.3s] [%10s]", absent, absent, absent);
	CASE("%04x%02x %08x %04llx", 0xbeefu, 7u, 0xdeadu, 0x1234ull);
#undef CASE
	/* A %c of 0 ends the message, as it ended vsnprintf's. */
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "ab%ccd", 0));
	CHECK(message_is(r, i++, "ab"));
	csra_result_free(&r);
	return 1;
}

/* The cap messages had when formatted as recorded: 511 bytes. */
static int test_truncation(void)
{
	csra_result *r = csra_result_new();
	char want[600], longs[700], buf[16];
	size_t i = 0;
	CHECK(r != NULL);
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
#define CASE(...) do { \
		ref_format(want, __VA_ARGS__); \
		CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", __VA_ARGS__)); \
		CHECK(message_is(r, i++, want)); \
	} while (0)
	CASE("%s", longs);
	CASE("%s %d", longs + 200, 99);			/* the number cut off */
	CASE("%s %d", longs + 195, 123456789);		/* the number cut inside */
	CASE("%s then a literal run past the end %d", longs + 200, 7);
	CASE("%600s|", "padded");			/* width past the cap */
	CASE("%.*s and more", 600, longs);
	CASE("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy%d", 1);	/* a template longer than the cap */
#undef CASE
	CHECK(strlen(longs) > 511);
	/* The caller's buffer: cut as snprintf cuts, the whole length returned. */
	CHECK(csra_result_check_message(r, 0, buf, sizeof(buf)) == 511);
	CHECK(strcmp(buf, "xxxxxxxxxxxxxxx") == 0);
	CHECK(csra_result_check_message(r, 0, NULL, 0) == 511);
	CHECK(csra_result_check_message(r, i, buf, sizeof(buf)) == -1);
	csra_result_free(&r);
	return 1;
}

/* Messages reach terminals and logs: anything but printable ASCII, in the
 * template or in what it quotes, becomes '?', on every output. */
static int test_filtered(void)
{
	static const char evil[] = "\x1b[31mred\x7f caf\xc3\xa9\t~\xe2\x80\xae";
	csra_result *r = csra_result_new();
	char buf[64];
	CHECK(r != NULL);
	CHECK(csra_result_add(r, "t", CSRA_STATUS_FAIL, CSRA_ERR_FMT_MALFORMED, "", "id %s end", evil));
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "bell\a %c%d", '\n', 5));
	CHECK(message_is(r, 0, "id ?[31mred? caf???~??? end"));
	CHECK(message_is(r, 1, "bell? ?5"));
	CHECK(csra_result_check_message(r, 0, buf, sizeof(buf)) > 0 && strchr(buf, 0x1b) == NULL);
	char *json = csra_result_json(r);
	CHECK(json != NULL);
	CHECK(strstr(json, "\"message\": \"id ?[31mred? caf???~??? end\"") != NULL);
	CHECK(strstr(json, "\\u001b") == NULL && strstr(json, "\\u00e9") == NULL && strstr(json, "\xc3\xa9") == NULL);
	free(json);
	csra_result_free(&r);
	return 1;
}

/* Strings are often transient (a stack buffer, a name OpenSSL prints):
 * copied at record time; a precision bounds what is read of them. */
static int test_arguments_copied(void)
{
	csra_result *r = csra_result_new();
	char transient[32], path[32];
	CHECK(r != NULL);
	snprintf(transient, sizeof(transient), "first");
	snprintf(path, sizeof(path), "a.b[3]");
	CHECK(csra_result_add(r, "name.x", CSRA_STATUS_PASS, CSRA_OK, path, "got %s", transient));
	char *unterminated = malloc(4);	/* no NUL: ASan sees any read past it */
	CHECK(unterminated != NULL);
	memcpy(unterminated, "abcd", 4);
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, NULL, "%.*s|%.2s", 4, unterminated, unterminated));
	memset(transient, 'Z', sizeof(transient) - 1);
	memset(path, 'Z', sizeof(path) - 1);
	memset(unterminated, 'Q', 4);
	free(unterminated);
	const char *n, *p;
	CHECK(csra_result_check(r, 0, &n, NULL, NULL, NULL, &p));
	CHECK(strcmp(n, "name.x") == 0 && strcmp(p, "a.b[3]") == 0);
	CHECK(message_is(r, 0, "got first"));
	CHECK(message_is(r, 1, "abcd|ab"));
	CHECK(csra_result_check(r, 1, NULL, NULL, NULL, NULL, &p) && strcmp(p, "") == 0);
	/* A copy into another result outlives the first. */
	csra_result *to = csra_result_new();
	CHECK(to != NULL);
	CHECK(csra_result_copy_check(to, r, 0) && csra_result_copy_check(to, r, 1));
	csra_result_free(&r);
	CHECK(message_is(to, 0, "got first"));
	CHECK(message_is(to, 1, "abcd|ab"));
	csra_result_free(&to);
	return 1;
}

/* A template csra_result_add does not take is reported as such, never
 * formatted with arguments it did not read. */
static int test_unsupported(void)
{
	csra_result *r = csra_result_new();
	CHECK(r != NULL);
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "%d then %ls", 1, L"wide"));
	CHECK(message_is(r, 0, "unsupported message template: %d then %ls"));
	/* 32 arguments are kept (a '*' counts), 33 are more than a check takes. */
#define D8 "%d%d%d%d%d%d%d%d"
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", D8 D8 D8 "%d%d%d%d%d%d%*d", 1, 2, 3, 4, 5, 6,
	    7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 3, 2));
	CHECK(message_is(r, 1, "123456789012345678901234567890  2"));
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", D8 D8 D8 D8 "%d", 1, 2, 3, 4, 5, 6, 7, 8, 9,
	    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3));
	CHECK(message_is(r, 2, "unsupported message template: " D8 D8 D8 D8 "%d"));
#undef D8
	csra_result_free(&r);
	return 1;
}

/* Messages read, then more checks added (a policy applied to a result):
 * what was handed out stays valid, and the new ones are formatted. */
static int test_messages_after_more_checks(void)
{
	csra_result *r = csra_result_new();
	const char *m0, *m0b, *m1;
	CHECK(r != NULL);
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "one %d", 1));
	CHECK(csra_result_check(r, 0, NULL, NULL, NULL, &m0, NULL));
	CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "two %d", 2));
	CHECK(csra_result_check(r, 1, NULL, NULL, NULL, &m1, NULL));
	CHECK(csra_result_check(r, 0, NULL, NULL, NULL, &m0b, NULL));
	CHECK(strcmp(m0, "one 1") == 0 && strcmp(m0b, "one 1") == 0 && strcmp(m1, "two 2") == 0);
	csra_result_free(&r);
	return 1;
}

/* Each allocation csra_result_add makes, failing in turn: the check is
 * recorded whole or not at all, and the result says it ran out. */
static int test_nomem(void)
{
	char big[700];
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	int recorded = 0, failures = 0;
	for (long k = 0; !recorded; k++) {
		csra_result *r = csra_result_new();
		CHECK(r != NULL);
		/* Fill the first chunk and the first array so that the next
		 * check needs both grown. */
		for (int j = 0; j < 15; j++)
			CHECK(csra_result_add(r, "fill", CSRA_STATUS_PASS, CSRA_OK, "", "%d", j));
		CHECK(csra_result_add(r, "fill", CSRA_STATUS_PASS, CSRA_OK, "", "%s", big));
		fail_at = k;
		int ok = csra_result_add(r, "late", CSRA_STATUS_FAIL, CSRA_ERR_REQ_SIGNATURE, "p.q", "%s %d", big, 7);
		long left = fail_at;
		fail_at = -1;
		if (ok) {
			CHECK(left >= 0);	/* no allocation failed */
			CHECK(csra_result_check_count(r) == 17 && !r->nomem);
			CHECK(csra_result_find(r, "late", CSRA_ERR_REQ_SIGNATURE) == 16);
			CHECK(message_is(r, 16, big + 188));	/* 511 bytes */
			recorded = 1;
		} else {
			CHECK(r->nomem);
			CHECK(csra_result_check_count(r) == 16);
			CHECK(csra_result_find(r, "late", CSRA_ERR_REQ_SIGNATURE) == -1);
			failures++;
		}
		csra_result_free(&r);
		CHECK(k < 8);
	}
	CHECK(failures == 2);	/* the array grown, then a chunk: each failed once */
	/* The getter out of memory: a fixed text, never NULL; the caller's
	 * buffer still works. */
	csra_result *r = csra_result_new();
	const char *m = NULL;
	char buf[32];
	CHECK(r != NULL && csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "x %d", 1));
	fail_at = 0;
	CHECK(csra_result_check(r, 0, NULL, NULL, NULL, &m, NULL));
	fail_at = -1;
	CHECK(m != NULL && strstr(m, "out of memory") != NULL);
	CHECK(csra_result_check_message(r, 0, buf, sizeof(buf)) == 3 && strcmp(buf, "x 1") == 0);
	CHECK(csra_result_check(r, 0, NULL, NULL, NULL, &m, NULL) && strcmp(m, "x 1") == 0);
	csra_result_free(&r);
	return 1;
}

/* One result, read by two threads at once (TSan in CI): the messages
 * formatted at the first read are published once. */
struct reader {
	const csra_result *r;
	pthread_barrier_t *go;
	int ok;
};

static void *read_all(void *arg)
{
	struct reader *rd = arg;
	pthread_barrier_wait(rd->go);
	rd->ok = 1;
	for (size_t i = 0; i < csra_result_check_count(rd->r); i++) {
		const char *m;
		char want[64];
		snprintf(want, sizeof(want), "check %zu of %s", i, "many");
		if (!csra_result_check(rd->r, i, NULL, NULL, NULL, &m, NULL) || strcmp(m, want) != 0)
			rd->ok = 0;
	}
	char *json = csra_result_json(rd->r);
	if (json == NULL || strstr(json, "check 99 of many") == NULL)
		rd->ok = 0;
	free(json);
	return NULL;
}

static int test_concurrent_reads(void)
{
	for (int round = 0; round < 20; round++) {
		csra_result *r = csra_result_new();
		CHECK(r != NULL);
		for (size_t i = 0; i < 100; i++)
			CHECK(csra_result_add(r, "t", CSRA_STATUS_PASS, CSRA_OK, "", "check %zu of %s", i, "many"));
		pthread_barrier_t go;
		CHECK(pthread_barrier_init(&go, NULL, 2) == 0);
		struct reader a = { r, &go, 0 }, b = { r, &go, 0 };
		pthread_t ta, tb;
		CHECK(pthread_create(&ta, NULL, read_all, &a) == 0);
		CHECK(pthread_create(&tb, NULL, read_all, &b) == 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		pthread_barrier_destroy(&go);
		CHECK(a.ok && b.ok);
		csra_result_free(&r);
	}
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(test_conversions), TU(test_truncation), TU(test_filtered), TU(test_arguments_copied),
		TU(test_unsupported), TU(test_messages_after_more_checks), TU(test_nomem),
		TU(test_concurrent_reads),
	};
	return tu_run(tests, sizeof(tests) / sizeof(tests[0]));
}
