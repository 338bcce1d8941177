/* SPDX-License-Identifier: BSD-2-Clause */
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "fuzz_alloc.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
json_t *__real_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

#ifndef CSRA_FUZZ_ALLOC_FAIL_DEFAULT
#define CSRA_FUZZ_ALLOC_FAIL_DEFAULT 0
#endif

static int mode = CSRA_FUZZ_ALLOC_FAIL_DEFAULT;
static int verbose;	/* CSRA_FUZZ_ALLOC_VERBOSE: say where failures are injected */

/* Per thread: only the thread running the input fails; libFuzzer's own
 * threads (timeouts, RSS watch) never do. */
static _Thread_local struct {
	int counting, armed, paused, sticky;
	unsigned long count, fail_at;
} st;
static _Thread_local unsigned long injected;
/* The sanitizer runtime's; the harnesses are always built with one. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));
static _Thread_local int in_json_parser;

/* One allocation: returns 1 if it is to fail. */
static int inject(void)
{
	if (st.paused || (!st.counting && !st.armed))
		return 0;
	unsigned long n = st.count++;
	if (!st.armed || n < st.fail_at || (n > st.fail_at && !st.sticky))
		return 0;
	injected++;
	/* CSRA_FUZZ_ALLOC_VERBOSE: where the first injected failure lands,
	 * to find the code that mishandled it. */
	if (verbose && n == st.fail_at) {
		if (__sanitizer_print_stack_trace != NULL) {
			__sanitizer_print_stack_trace();
		} else {
			void *frames[32];
			backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
		}
	}
	return 1;
}

void *__wrap_malloc(size_t size)
{
	return inject() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	return inject() ? NULL : __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	/* realloc(p, 0) frees in glibc; a NULL from it would not mean failure. */
	if (size != 0 && inject())
		return NULL;
	return __real_realloc(ptr, size);
}

void __wrap_free(void *ptr)
{
	__real_free(ptr);
}

char *__wrap_strdup(const char *s)
{
	return inject() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return inject() ? NULL : __real_strndup(s, n);
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return inject() ? NULL : __real_malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (n != 0 && inject())
		return NULL;
	return __real_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	__real_free(p);
}

static void *json_malloc(size_t n)
{
	if (in_json_parser)
		return __real_malloc(n);
	return inject() ? NULL : __real_malloc(n);
}

/* jansson's parser is not safe when its own allocations fail: lex_save()
 * ignores strbuffer_append_byte()'s result, and the saved token then
 * disagrees with the stream (an assertion in load.c, or a wild write).
 * That is jansson's bug (2.14, Debian 12, and upstream), not fixable in
 * csrattest, so allocations jansson makes inside json_loadb are never
 * failed; ours, and jansson's everywhere else, still are. */
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	in_json_parser++;
	json_t *j = __real_json_loadb(buffer, buflen, flags, error);
	in_json_parser--;
	return j;
}

void fuzz_alloc_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	const char *e = getenv("CSRA_FUZZ_ALLOC_FAIL");
	if (e != NULL && e[0] != '\0')
		mode = strcmp(e, "0") != 0;
	/* Only possible before OpenSSL's first allocation; past that its
	 * allocations would escape the injection, so say so loudly. */
	if (CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) != 1) {
		fprintf(stderr, "fuzz_alloc: OpenSSL allocated before fuzz_alloc_init\n");
		if (mode)
			abort();
	}
	json_set_alloc_funcs(json_malloc, __real_free);
	verbose = getenv("CSRA_FUZZ_ALLOC_VERBOSE") != NULL;
	if (mode)
		fprintf(stderr, "fuzz_alloc: allocation-failure injection on\n");
}

int fuzz_alloc_mode(void)
{
	return mode;
}

void fuzz_alloc_set_mode(int on)
{
	mode = on != 0;
}

void fuzz_alloc_count_start(void)
{
	st.count = 0;
	st.counting = 1;
	st.armed = 0;
}

unsigned long fuzz_alloc_count_stop(void)
{
	st.counting = 0;
	return st.count;
}

/* splitmix64: well-spread values from the input's hash. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fuzz_alloc_arm(const uint8_t *data, size_t size, unsigned long expected)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	uint64_t a = next(&h), b = next(&h), c = next(&h);
	unsigned long n = expected ? expected : 1;
	/* Half the time anywhere in the run (mostly OpenSSL, which allocates
	 * most), half the time among the first 2^k, where our own code and
	 * asn1c's allocate. */
	if (a & 1) {
		st.fail_at = (unsigned long)(b % n);
	} else {
		unsigned k = (unsigned)(c % 13);
		st.fail_at = (unsigned long)(b & ((1ull << k) - 1));
		if (st.fail_at >= n)
			st.fail_at = (unsigned long)(b % n);
	}
	/* One failure tests recovery; every one from there on tests the
	 * cleanup of whatever the error path itself tries to allocate. */
	st.sticky = ((a >> 1) & 3) == 0;
	st.count = 0;
	st.counting = 0;
	st.armed = 1;
	if (verbose)
		fprintf(stderr, "fuzz_alloc: failing allocation %lu of %lu%s\n", st.fail_at, n,
		    st.sticky ? " and every later one" : "");
}

void fuzz_alloc_arm_at(unsigned long at, int sticky)
{
	st.fail_at = at;
	st.sticky = sticky != 0;
	st.count = 0;
	st.counting = 0;
	st.armed = 1;
}

void fuzz_alloc_disarm(void)
{
	st.armed = 0;
	if (verbose)
		fprintf(stderr, "fuzz_alloc: %lu allocation(s) in the armed run\n", st.count);
}

int fuzz_alloc_armed(void)
{
	return st.armed;
}

unsigned long fuzz_alloc_injected(void)
{
	return injected;
}

void fuzz_alloc_pause(void)
{
	st.paused++;
}

void fuzz_alloc_resume(void)
{
	st.paused--;
}
