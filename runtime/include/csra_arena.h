/* SPDX-License-Identifier: BSD-2-Clause */
/* A bump allocator that serves asn1c while a decode runs. */
#ifndef CSRA_ARENA_H
#define CSRA_ARENA_H

#include <stddef.h>

typedef struct csra_arena csra_arena;

/* csra_arena_new returns an arena whose first block holds |first| bytes and
 * whose blocks never total more than |cap| bytes, or NULL on allocation
 * failure. The arena and its first block are one malloc. Free it with
 * csra_arena_free. */
csra_arena *csra_arena_new(size_t first, size_t cap);

/* csra_arena_free releases every block of |*a| and sets |*a| to NULL. */
void csra_arena_free(csra_arena **a);

/* csra_arena_alloc returns |n| bytes aligned to 16, or NULL when the cap
 * would be exceeded or malloc fails. The memory is not zeroed. */
void *csra_arena_alloc(csra_arena *a, size_t n);

/* csra_arena_alloc0 is csra_arena_alloc with the memory zeroed. */
void *csra_arena_alloc0(csra_arena *a, size_t n);

/* A point to go back to: what csra_arena_save recorded. */
typedef struct csra_arena_mark {
	void *blocks;
	void *cur, *end, *last;
	size_t total, used;
	int hit_cap;
} csra_arena_mark;

/* csra_arena_save records in |m| how far |a| is used. */
void csra_arena_save(const csra_arena *a, csra_arena_mark *m);

/* csra_arena_rewind returns |a| to mark |m|: blocks added since are
 * freed and what was allocated since is handed out again. Nothing
 * allocated since |m| may be used afterwards. */
void csra_arena_rewind(csra_arena *a, const csra_arena_mark *m);

/* csra_arena_hit_cap returns 1 if an allocation failed because of the cap. */
int csra_arena_hit_cap(const csra_arena *a);

/* csra_arena_used returns the bytes handed out so far, headers included. */
size_t csra_arena_used(const csra_arena *a);

/* csra_arena_mallocs returns how many times the arena called malloc. */
size_t csra_arena_mallocs(const csra_arena *a);

/* csra_arena_enter makes |a| serve csra_asn_*() on this thread and returns
 * the arena it replaces (usually NULL), to pass to csra_arena_leave. */
csra_arena *csra_arena_enter(csra_arena *a);

/* csra_arena_leave restores |prev| as this thread's arena. */
void csra_arena_leave(csra_arena *prev);

#endif
