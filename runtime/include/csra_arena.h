/* SPDX-License-Identifier: BSD-2-Clause */
/* A bump allocator that serves asn1c while a decode runs. */
#ifndef CSRA_ARENA_H
#define CSRA_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct csra_arena csra_arena;

/* The start of every arena, exposed for csra_arena_alloc_fast alone. */
struct csra_arena_bump {
	uint8_t *cur, *end;
	uint8_t *last;	/* most recent allocation, for in-place realloc */
	size_t used;	/* bytes handed out, headers included */
};

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

/* csra_arena_alloc_fast is csra_arena_alloc, inline where the block has
 * room: the generated fast path allocates a few hundred times per
 * decode, and the call was a tenth of its instructions. */
static inline __attribute__((always_inline)) void *csra_arena_alloc_fast(csra_arena *a, size_t n)
{
	struct csra_arena_bump *b = (struct csra_arena_bump *)(void *)a;
	size_t need = 16 + ((n + 15) & ~(size_t)15);	/* header, then n rounded up, as csra_arena_alloc */
	if (n == 0 || n > SIZE_MAX / 2 || (size_t)(b->end - b->cur) < need)
		return csra_arena_alloc(a, n);
	uint8_t *p = b->cur;
	memcpy(p, &n, sizeof(n));
	b->cur += need;
	b->used += need;
	b->last = p + 16;
	return p + 16;
}

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
