/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation-failure injection for the fuzz harnesses.
 *
 * Harnesses are linked with -Wl,--wrap=malloc,calloc,realloc,free,strdup,
 * strndup, so that every call from our code and asn1c's (linked
 * statically) comes here; OpenSSL's and jansson's allocators are routed
 * here too (CRYPTO_set_mem_functions, json_set_alloc_funcs), except
 * jansson's inside json_loadb (also wrapped), whose parser does not
 * survive a failed allocation (fuzz_alloc.c). Outside an armed run
 * everything passes straight through.
 *
 * In alloc-fail mode (environment CSRA_FUZZ_ALLOC_FAIL=1, or the CMake
 * option CSRA_FUZZ_ALLOC_FAIL making that the default) fuzz_main.c runs
 * each input twice: once normally, counting allocations, then armed, with
 * one allocation, or every one from there on, failing at a point chosen
 * from a hash of the input. The second run must return errors, free what
 * it allocated (LeakSanitizer) and never crash.
 */
#ifndef CSRA_FUZZ_ALLOC_H
#define CSRA_FUZZ_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* fuzz_alloc_init installs the OpenSSL and jansson hooks and reads the
 * mode. Call it before anything uses OpenSSL. */
void fuzz_alloc_init(void);

/* fuzz_alloc_mode says whether alloc-fail mode is on; fuzz_alloc_set_mode
 * changes it (the replay runner does, for repro-allocfail-* files). */
int fuzz_alloc_mode(void);
void fuzz_alloc_set_mode(int on);

/* fuzz_alloc_count_start starts counting allocations (nothing fails);
 * fuzz_alloc_count_stop returns how many there were. */
void fuzz_alloc_count_start(void);
unsigned long fuzz_alloc_count_stop(void);

/* fuzz_alloc_arm makes allocations fail from now on, at a point chosen
 * from |data|/|size| among about |expected| allocations;
 * fuzz_alloc_disarm stops it. */
void fuzz_alloc_arm(const uint8_t *data, size_t size, unsigned long expected);
void fuzz_alloc_disarm(void);

/* fuzz_alloc_arm_at fails allocation |at| (from 0), and every later one
 * if |sticky|. */
void fuzz_alloc_arm_at(unsigned long at, int sticky);

/* fuzz_alloc_sweep (fuzz_main.c) runs |data| once per allocation it
 * makes, failing that one, then that one and all later ones, each armed
 * run after a normal one: what the replay runner does with
 * repro-allocfail-* files, so that they keep reproducing when allocation
 * counts change. At most |max| points: each of the first |max|/4, the
 * rest spread over the run. */
void fuzz_alloc_sweep(const uint8_t *data, size_t size, unsigned long max);

/* fuzz_alloc_armed says whether the current run is the armed one. */
int fuzz_alloc_armed(void);

/* fuzz_alloc_injected counts the failures injected so far in this
 * process. A check that needs an operation to succeed compares it before
 * and after: an operation an injected failure reached may fail, with an
 * error, and nothing else may. */
unsigned long fuzz_alloc_injected(void);

/* fuzz_alloc_pause / fuzz_alloc_resume bracket the harness's own
 * allocations, which must not fail (they nest). */
void fuzz_alloc_pause(void);
void fuzz_alloc_resume(void);

#endif
