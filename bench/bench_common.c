/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "bench_common.h"

/* Allocation counting ---------------------------------------------------- */

#if COUNTING
void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Open addressing, pointer -> requested size; big enough for the live
 * blocks of a 1 MiB input (OpenSSL allocates tens per certificate). */
#define TRACK_SLOTS (1u << 19)
#define TOMB ((void *)1)

static struct {
	int on;
	bench_counts c;
	struct { void *p; size_t size; } slot[TRACK_SLOTS];
} ct;

static size_t slot_of(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p >> 4;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (TRACK_SLOTS - 1);
}

static void track_add(void *p, size_t size)
{
	size_t i = slot_of(p);
	for (size_t k = 0; k < TRACK_SLOTS; k++, i = (i + 1) & (TRACK_SLOTS - 1)) {
		if (ct.slot[i].p == NULL || ct.slot[i].p == TOMB) {
			ct.slot[i].p = p;
			ct.slot[i].size = size;
			ct.c.live += size;
			if (ct.c.live > ct.c.peak)
				ct.c.peak = ct.c.live;
			return;
		}
	}
	ct.c.overflow = 1;
}

/* Forgets |p|; frees of blocks from before counting began are ignored. */
static void track_del(void *p)
{
	size_t i = slot_of(p);
	for (size_t k = 0; k < TRACK_SLOTS; k++, i = (i + 1) & (TRACK_SLOTS - 1)) {
		if (ct.slot[i].p == NULL)
			return;
		if (ct.slot[i].p == p) {
			ct.c.live -= ct.slot[i].size;
			ct.slot[i].p = TOMB;
			return;
		}
	}
}

void *__wrap_malloc(size_t size)
{
	void *p = __real_malloc(size);
	if (ct.on && p != NULL) {
		ct.c.allocs++;
		track_add(p, size);
	}
	return p;
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	void *p = __real_calloc(nmemb, size);
	if (ct.on && p != NULL) {
		ct.c.allocs++;
		track_add(p, nmemb * size);
	}
	return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
	void *p = __real_realloc(ptr, size);
	if (!ct.on)
		return p;
	/* Single-threaded: nothing can reuse |ptr| before it is forgotten. */
	if (p != NULL || size == 0) {
		ct.c.allocs++;
		if (ptr != NULL)
			track_del(ptr);
		if (p != NULL)
			track_add(p, size);
	}
	return p;
}

void __wrap_free(void *ptr)
{
	if (ct.on && ptr != NULL) {
		ct.c.frees++;
		track_del(ptr);
	}
	__real_free(ptr);
}

/* glibc's strdup calls its own malloc, out of the wrapper's sight. */
char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);
	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = __wrap_malloc(len + 1);
	if (d != NULL) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	__wrap_free(p);
}

void bench_count_begin(void)
{
	memset(&ct, 0, sizeof(ct));
	ct.on = 1;
}

bench_counts bench_count_end(void)
{
	ct.on = 0;
	return ct.c;
}

int bench_count_openssl(void)
{
	json_set_alloc_funcs(__wrap_malloc, __wrap_free);
	return CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) == 1;
}
#else
void bench_count_begin(void)
{
}

bench_counts bench_count_end(void)
{
	bench_counts none = { 0, 0, 0, 0, 0 };
	return none;
}

int bench_count_openssl(void)
{
	return 0;
}
#endif

/* Timing and the machine -------------------------------------------------- */

static int use_cpu_clock;

void bench_use_cpu_clock(int on)
{
	use_cpu_clock = on;
}

double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(use_cpu_clock ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void bench_cpu_model(char *out, size_t cap)
{
	snprintf(out, cap, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');
			if (c != NULL) {
				c += 1 + (c[1] == ' ');
				c[strcspn(c, "\n")] = '\0';
				snprintf(out, cap, "%s", c);
			}
			break;
		}
	}
	fclose(f);
}

void bench_loadavg(char *out, size_t cap)
{
	snprintf(out, cap, "?");
	FILE *f = fopen("/proc/loadavg", "r");
	if (f == NULL)
		return;
	double a, b, c;
	if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
		snprintf(out, cap, "%.2f %.2f %.2f", a, b, c);
	fclose(f);
}

const char *bench_compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "GCC " __VERSION__;
#else
	return "unknown";
#endif
}

/* The floor: tag and length of every TLV, descending into constructed
 * ones, checking bounds and nothing else. The depth cap only protects the
 * stack. */
long bench_tlv_walk(const uint8_t *p, const uint8_t *end, unsigned depth)
{
	long count = 0;
	while (p < end) {
		uint8_t id = *p++;
		if ((id & 0x1f) == 0x1f) {
			do {
				if (p >= end)
					return -1;
			} while (*p++ & 0x80);
		}
		if (p >= end)
			return -1;
		size_t len = *p++;
		if (len & 0x80) {
			size_t k = len & 0x7f;
			if (k > sizeof(size_t) || (size_t)(end - p) < k)
				return -1;
			for (len = 0; k > 0; k--)
				len = (len << 8) | *p++;
		}
		if (len > (size_t)(end - p))
			return -1;
		count++;
		if ((id & 0x20) && depth < 64) {
			long inner = bench_tlv_walk(p, p + len, depth + 1);
			if (inner < 0)
				return -1;
			count += inner;
		}
		p += len;
	}
	return count;
}
