/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the benchmarks share: allocation counting, the clock and a
 * description of the machine, so that their tables are measured and
 * labelled alike.
 *
 * Allocations are counted by link-time wrapping of malloc, calloc,
 * realloc, free, strdup and strndup (-Wl,--wrap=..., bench/CMakeLists.txt),
 * so the statically linked library's own calls are seen without touching
 * it; bench_count_openssl routes OpenSSL's and jansson's allocators
 * through the same wrappers. Sizes live in a side table rather than in a
 * header before each block: libc and OpenSSL allocate behind the
 * wrapper's back, and a header would break as soon as one of their
 * blocks reached the wrapped free. Counting is single-threaded only.
 */
#ifndef CSRA_BENCH_COMMON_H
#define CSRA_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifndef CSRA_BENCH_BUILD
#define CSRA_BENCH_BUILD "?"
#endif
#ifndef CSRA_BENCH_FLAGS
#define CSRA_BENCH_FLAGS "?"
#endif

/* COUNTING is 1 where the allocator is wrapped (GNU ld and lld). */
#ifndef CSRA_BENCH_NO_WRAP
#define COUNTING 1
#else
#define COUNTING 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* What one counted stretch allocated: calls, frees, bytes still live at
 * its end, the peak of live bytes, and whether the side table overflowed
 * (then the figures are incomplete). */
typedef struct bench_counts {
	int overflow;
	size_t allocs, frees, live, peak;
} bench_counts;

/* bench_count_begin starts counting from zero; bench_count_end stops and
 * returns the figures (all zero without COUNTING). */
void bench_count_begin(void);
bench_counts bench_count_end(void);

/* bench_count_openssl routes OpenSSL's and jansson's allocations through
 * the counted allocator. Call it before OpenSSL allocates anything.
 * Returns 1 if OpenSSL took the hooks. */
int bench_count_openssl(void);

/* bench_now_ns is CLOCK_MONOTONIC in nanoseconds, or after
 * bench_use_cpu_clock(1) the process's CPU time (CLOCK_PROCESS_CPUTIME_ID):
 * on a shared, overloaded machine, time spent waiting for a core is not
 * the code's, and wall-clock ratios drown in it. */
double bench_now_ns(void);
void bench_use_cpu_clock(int on);

/* bench_cmp_double orders doubles, for qsort. */
int bench_cmp_double(const void *a, const void *b);

/* bench_cpu_model and bench_loadavg describe the machine into |out|
 * ("unknown" / "?" when /proc does not say); bench_compiler names the
 * compiler (static). */
void bench_cpu_model(char *out, size_t cap);
void bench_loadavg(char *out, size_t cap);
const char *bench_compiler(void);

/* bench_tlv_walk is the floor strict decoding is measured against: the tag
 * and length of every TLV in [p, end), descending into constructed ones
 * (up to |depth| 64), checking bounds and nothing else. Returns the number
 * of TLVs, or -1 if one overruns. */
long bench_tlv_walk(const uint8_t *p, const uint8_t *end, unsigned depth);

#endif
