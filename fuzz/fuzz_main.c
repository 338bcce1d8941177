/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The entry points every harness shares. Each harness defines fuzz_one
 * (and optionally fuzz_init); this file gives libFuzzer and the replay
 * runner LLVMFuzzerInitialize and LLVMFuzzerTestOneInput, which in
 * alloc-fail mode run fuzz_one twice: normally, then with allocations
 * failing (fuzz_alloc.h).
 */
#include "fuzz_alloc.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_alloc_init();
	if (fuzz_init != NULL)
		fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_alloc_mode())
		return fuzz_one(data, size);
	/* The normal run first: it checks everything, tells how many
	 * allocations there are to choose from, fills OpenSSL's lazy caches
	 * (a failure there would break every later input, not this one), and
	 * lets the harness compare the armed run against it. */
	fuzz_alloc_count_start();
	fuzz_one(data, size);
	unsigned long n = fuzz_alloc_count_stop();
	fuzz_alloc_arm(data, size, n);
	fuzz_one(data, size);
	fuzz_alloc_disarm();
	return 0;
}

void fuzz_alloc_sweep(const uint8_t *data, size_t size, unsigned long max)
{
	fuzz_alloc_count_start();
	fuzz_one(data, size);
	unsigned long n = fuzz_alloc_count_stop();
	/* Every one of the first allocations (our code's, asn1c's and
	 * OpenSSL's first steps, where a point moves by one between builds),
	 * then the rest of |max| spread over the run. */
	unsigned long every = max / 4 < n ? max / 4 : n;
	unsigned long rest = max > every ? max - every : 1;
	unsigned long step = n - every > rest ? (n - every + rest - 1) / rest : 1;
	for (unsigned long at = 0; at < n; at += at < every ? 1 : step) {
		for (int sticky = 0; sticky < 2; sticky++) {
			/* Harnesses compare the armed run with the one before. */
			fuzz_alloc_count_start();
			fuzz_one(data, size);
			fuzz_alloc_count_stop();
			fuzz_alloc_arm_at(at, sticky);
			fuzz_one(data, size);
			fuzz_alloc_disarm();
		}
	}
}
