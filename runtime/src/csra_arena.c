/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * asn1c allocates once per element (221 times for one 1.8 KB Evidence) and
 * frees element by element. csrattest decodes into an arena instead: one
 * malloc for the common case, nothing freed until the decoded value goes,
 * and a cap that bounds how much memory a hostile input can claim.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csra_arena.h"
#include "csra_asn_alloc.h"

#define ALIGN 16u
/* Each allocation is preceded by its size, for realloc. */
#define HDR ALIGN
_Static_assert(HDR == 16, "csra_arena_alloc_fast in csra_arena.h assumes 16");

struct block {
	struct block *next;
	size_t size;	/* usable bytes after the header */
	size_t pad;	/* keeps data 16-aligned */
	size_t pad2;
};

struct csra_arena {
	struct csra_arena_bump b;	/* first: csra_arena_alloc_fast reads it */
	struct block *blocks;	/* newest first */
	size_t total, cap, mallocs;
	int hit_cap;
	struct block first;	/* header of the first block; data follows */
};

static _Thread_local csra_arena *current;

static size_t round_up(size_t n)
{
	return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

csra_arena *csra_arena_new(size_t first, size_t cap)
{
	first = round_up(first);
	if (first > SIZE_MAX - sizeof(csra_arena))
		return NULL;
	csra_arena *a = malloc(sizeof(*a) + first);
	if (a == NULL)
		return NULL;
	memset(a, 0, sizeof(*a));
	a->first.size = first;
	a->blocks = &a->first;
	a->b.cur = (uint8_t *)(a + 1);
	a->b.end = a->b.cur + first;
	a->total = first;
	a->cap = cap < first ? first : cap;
	a->mallocs = 1;
	return a;
}

void csra_arena_free(csra_arena **ap)
{
	if (ap == NULL || *ap == NULL)
		return;
	csra_arena *a = *ap;
	struct block *b = a->blocks;
	while (b != NULL && b != &a->first) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
	*ap = NULL;
}

static int grow(csra_arena *a, size_t need)
{
	size_t size = a->total;	/* double the arena each time */
	if (size < need)
		size = need;
	if (size > a->cap - a->total)
		size = a->cap - a->total;
	if (size < need || size > SIZE_MAX - sizeof(struct block)) {
		a->hit_cap = 1;
		return 0;
	}
	struct block *b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return 0;
	a->mallocs++;
	b->size = size;
	b->next = a->blocks;
	a->blocks = b;
	a->b.cur = (uint8_t *)(b + 1);
	a->b.end = a->b.cur + size;
	a->total += size;
	return 1;
}

void *csra_arena_alloc(csra_arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	size_t need = HDR + round_up(n ? n : 1);
	if ((size_t)(a->b.end - a->b.cur) < need && !grow(a, need))
		return NULL;
	uint8_t *p = a->b.cur;
	memcpy(p, &n, sizeof(n));
	a->b.cur += need;
	a->b.used += need;
	a->b.last = p + HDR;
	return p + HDR;
}

void *csra_arena_alloc0(csra_arena *a, size_t n)
{
	void *p = csra_arena_alloc(a, n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void csra_arena_save(const csra_arena *a, csra_arena_mark *m)
{
	*m = (csra_arena_mark){ a->blocks, a->b.cur, a->b.end, a->b.last, a->total, a->b.used, a->hit_cap };
}

void csra_arena_rewind(csra_arena *a, const csra_arena_mark *m)
{
	struct block *b = a->blocks;
	while (b != m->blocks) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	a->blocks = b;
	a->b.cur = m->cur;
	a->b.end = m->end;
	a->b.last = m->last;
	a->total = m->total;
	a->b.used = m->used;
	a->hit_cap = m->hit_cap;
}

int csra_arena_hit_cap(const csra_arena *a)
{
	return a->hit_cap;
}

size_t csra_arena_used(const csra_arena *a)
{
	return a->b.used;
}

size_t csra_arena_mallocs(const csra_arena *a)
{
	return a->mallocs;
}

csra_arena *csra_arena_enter(csra_arena *a)
{
	csra_arena *prev = current;
	current = a;
	return prev;
}

void csra_arena_leave(csra_arena *prev)
{
	current = prev;
}

static int owns(const csra_arena *a, const void *ptr)
{
	const uint8_t *p = ptr;
	for (const struct block *b = a->blocks; b != NULL; b = b->next) {
		const uint8_t *start = (const uint8_t *)(b + 1);
		if (p >= start && p < start + b->size)
			return 1;
	}
	return 0;
}

void *csra_asn_malloc(size_t size)
{
	return current ? csra_arena_alloc(current, size) : malloc(size);
}

void *csra_asn_calloc(size_t nmemb, size_t size)
{
	if (current == NULL)
		return calloc(nmemb, size);
	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	void *p = csra_arena_alloc(current, nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

void *csra_asn_realloc(void *ptr, size_t size)
{
	csra_arena *a = current;
	if (a == NULL)
		return realloc(ptr, size);
	if (ptr == NULL)
		return csra_arena_alloc(a, size);
	size_t old;
	memcpy(&old, (uint8_t *)ptr - HDR, sizeof(old));
	/* Growing the newest allocation in place covers asn1c's array growth. */
	if (ptr == a->b.last) {
		size_t have = round_up(old ? old : 1), want = round_up(size ? size : 1);
		if (want <= have || (size_t)(a->b.end - (uint8_t *)ptr) >= want) {
			a->b.cur = (uint8_t *)ptr + want;
			a->b.used = a->b.used - have + want;
			memcpy((uint8_t *)ptr - HDR, &size, sizeof(size));
			return ptr;
		}
	}
	void *n = csra_arena_alloc(a, size);
	if (n != NULL)
		memcpy(n, ptr, old < size ? old : size);
	return n;
}

void csra_asn_free(void *ptr)
{
	if (ptr == NULL)
		return;
	if (current != NULL && owns(current, ptr))
		return;
	free(ptr);
}
