/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifier's cache: attestation-key paths that OpenSSL validated,
 * certificates it parsed, and intermediate pools all of whose certificates
 * it parsed, each keyed by a SHA-256 digest, in one bounded LRU per kind
 * behind one mutex. The verifier is otherwise read-only while it verifies,
 * so this is the only state threads share and write.
 *
 * A path is reused only under the key it was validated under (trust store,
 * its contents, the leaf and every intermediate offered, in order) and
 * only for verification times at which no certificate that path building
 * looked at changes validity: OpenSSL prefers time-valid issuers, so a
 * wider window could return another chain than a fresh validation would.
 * Failures are never stored, nor anything an allocation failure could have
 * spoilt (csra_verify.c caches only certificates whose extensions OpenSSL
 * processed as valid).
 *
 * Validated issuers (K_ISSUER) hold the path above a leaf OpenSSL
 * validated in full, and a store holding the leaf's issuer alone: a new
 * leaf under that issuer is validated against it as a partial-chain
 * anchor (csra_x509.c, csra_issuer_path). They follow the same rules as
 * paths: keyed by everything path building for the leaf looks at,
 * reusable only within the window in which nothing above the leaf changes
 * validity, dropped with the rest when trust, CRLs or parameters change.
 *
 * Marks (K_POOL, K_SEEN) are digests alone: a pool all of whose
 * certificates parsed, and a leaf (or pool) the verifier has seen, so that
 * the explicit link check takes only first sightings (csra_evidence.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "csra_verify_int.h"

enum { K_CHAIN, K_CERT, K_POOL, K_WEAK, K_ISSUER, K_SEEN, NKINDS };

struct node {
	struct node *hnext;		/* bucket chain */
	struct node *prev, *next;	/* LRU ring, most recent after the sentinel */
	uint8_t key[32];
	int kind;
	X509 *cert;			/* K_CERT */
	uint8_t *spki;			/* K_CERT: i2d_PUBKEY of its key, once asked for;
					 * K_WEAK: the weak-key outcome's bytes */
	size_t spki_len;
	int ak_eku;			/* K_CERT: EKU has id-kp-attestationKey */
	STACK_OF(X509) *chain;		/* K_CHAIN, leaf first, each up-ref'd;
					 * K_ISSUER: the path above a leaf */
	X509_STORE *store;		/* K_CHAIN, K_ISSUER: pinned, so its address is not reused */
	X509_STORE *anchor;		/* K_ISSUER: the leaf's issuer alone, a partial-chain anchor */
	time_t lo, hi;			/* K_CHAIN, K_ISSUER: reusable for lo <= at <= hi */
};

struct lru {
	struct node ring;		/* sentinel */
	size_t n, cap;
};

struct csra_cache {
	pthread_mutex_t mu;
	struct node **buckets;
	size_t mask;			/* buckets - 1; a power of two */
	struct lru lru[NKINDS];
	unsigned long hits, misses;	/* chain lookups */
	unsigned long ihits, imisses;	/* validated-issuer lookups */
};

/* Parsed certificates per cached path: a leaf and an intermediate or two
 * each, shared between paths with a common intermediate. */
#define CERTS_PER_CHAIN 2

static void lru_init(struct lru *l, size_t cap)
{
	l->ring.prev = l->ring.next = &l->ring;
	l->n = 0;
	l->cap = cap;
}

static void unlink_lru(struct node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void push_front(struct lru *l, struct node *n)
{
	n->next = l->ring.next;
	n->prev = &l->ring;
	l->ring.next->prev = n;
	l->ring.next = n;
}

static size_t bucket_of(const struct csra_cache *c, const uint8_t key[32])
{
	uint64_t h;
	memcpy(&h, key, sizeof(h));	/* a digest: any 64 bits are uniform */
	return (size_t)h & c->mask;
}

static struct node *find(struct csra_cache *c, int kind, const uint8_t key[32])
{
	if (c->buckets == NULL)
		return NULL;
	for (struct node *n = c->buckets[bucket_of(c, key)]; n != NULL; n = n->hnext)
		if (n->kind == kind && memcmp(n->key, key, 32) == 0)
			return n;
	return NULL;
}

static void free_node(struct node *n)
{
	X509_free(n->cert);
	free(n->spki);
	sk_X509_pop_free(n->chain, X509_free);
	X509_STORE_free(n->store);
	X509_STORE_free(n->anchor);
	free(n);
}

/* Unlinks |n| from its bucket and its LRU ring and frees it. */
static void drop(struct csra_cache *c, struct node *n)
{
	struct node **pp = &c->buckets[bucket_of(c, n->key)];
	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	unlink_lru(n);
	c->lru[n->kind].n--;
	free_node(n);
}

/* Inserts |n| (key and kind set), replacing an entry with its key and
 * evicting the least recently used one when full. Takes ownership. */
static void insert(struct csra_cache *c, struct node *n)
{
	struct lru *l = &c->lru[n->kind];
	struct node *old = find(c, n->kind, n->key);
	if (old != NULL)
		drop(c, old);
	while (l->n >= l->cap && l->n > 0)
		drop(c, l->ring.prev);
	size_t b = bucket_of(c, n->key);
	n->hnext = c->buckets[b];
	c->buckets[b] = n;
	push_front(l, n);
	l->n++;
}

static void flush_locked(struct csra_cache *c)
{
	for (int k = 0; k < NKINDS; k++)
		while (c->lru[k].n > 0)
			drop(c, c->lru[k].ring.prev);
}

/* Sizes the table for |entries| paths; 0 frees it (the cache is off). */
static int size_locked(struct csra_cache *c, size_t entries)
{
	flush_locked(c);
	free(c->buckets);
	c->buckets = NULL;
	c->mask = 0;
	size_t certs = entries > SIZE_MAX / CERTS_PER_CHAIN ? SIZE_MAX : entries * CERTS_PER_CHAIN;
	lru_init(&c->lru[K_CHAIN], entries);
	lru_init(&c->lru[K_CERT], entries ? certs : 0);
	lru_init(&c->lru[K_POOL], entries);
	lru_init(&c->lru[K_WEAK], entries);
	lru_init(&c->lru[K_ISSUER], entries);
	lru_init(&c->lru[K_SEEN], entries);
	if (entries == 0)
		return 1;
	size_t want = entries > SIZE_MAX / 8 ? SIZE_MAX : 5 * entries + certs, nb = 16;
	while (nb < want && nb < ((size_t)1 << 24))
		nb <<= 1;
	if ((c->buckets = calloc(nb, sizeof(*c->buckets))) == NULL) {
		for (int k = 0; k < NKINDS; k++)
			lru_init(&c->lru[k], 0);
		return 0;
	}
	c->mask = nb - 1;
	return 1;
}

struct csra_cache *csra_cache_new(size_t entries)
{
	struct csra_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	for (int k = 0; k < NKINDS; k++)
		lru_init(&c->lru[k], 0);
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return NULL;
	}
	if (!size_locked(c, entries)) {
		csra_cache_free(&c);
		return NULL;
	}
	return c;
}

void csra_cache_free(struct csra_cache **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	struct csra_cache *c = *cp;
	flush_locked(c);
	free(c->buckets);
	pthread_mutex_destroy(&c->mu);
	free(c);
	*cp = NULL;
}

int csra_cache_resize(struct csra_cache *c, size_t entries)
{
	pthread_mutex_lock(&c->mu);
	int ok = size_locked(c, entries);
	pthread_mutex_unlock(&c->mu);
	return ok;
}

void csra_cache_flush(struct csra_cache *c)
{
	pthread_mutex_lock(&c->mu);
	flush_locked(c);
	pthread_mutex_unlock(&c->mu);
}

X509 *csra_cache_get_cert(struct csra_cache *c, const uint8_t dg[32], uint8_t **spki,
    size_t *spki_len, int *ak_eku)
{
	X509 *x = NULL;
	if (spki != NULL)
		*spki = NULL;
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, K_CERT, dg);
	if (n != NULL && X509_up_ref(n->cert)) {
		x = n->cert;
		if (ak_eku != NULL)
			*ak_eku = n->ak_eku;
		unlink_lru(n);
		push_front(&c->lru[K_CERT], n);
		if (spki != NULL && n->spki != NULL && (*spki = malloc(n->spki_len)) != NULL) {
			memcpy(*spki, n->spki, n->spki_len);
			*spki_len = n->spki_len;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return x;
}

void csra_cache_set_spki(struct csra_cache *c, const uint8_t dg[32], const uint8_t *spki, size_t len)
{
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, spki, len);
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, K_CERT, dg);
	if (n != NULL && n->spki == NULL) {
		n->spki = copy;
		n->spki_len = len;
		copy = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	free(copy);
}

void csra_cache_put_cert(struct csra_cache *c, const uint8_t dg[32], X509 *x, int ak_eku)
{
	if (c->lru[K_CERT].cap == 0)	/* set only while the verifier is configured */
		return;
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL || !X509_up_ref(x)) {
		free(n);
		return;		/* a cache that cannot grow just misses later */
	}
	memcpy(n->key, dg, 32);
	n->kind = K_CERT;
	n->cert = x;
	n->ak_eku = ak_eku;
	pthread_mutex_lock(&c->mu);
	if (c->lru[K_CERT].cap > 0 && find(c, K_CERT, dg) == NULL) {
		insert(c, n);
		n = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	if (n != NULL)
		free_node(n);
}

/* Copies |sk| with a reference on each certificate. */
static STACK_OF(X509) *dup_ref(STACK_OF(X509) *sk)
{
	STACK_OF(X509) *out = sk_X509_dup(sk);
	if (out == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(out); i++) {
		if (!X509_up_ref(sk_X509_value(out, i))) {
			while (--i >= 0)
				X509_free(sk_X509_value(out, i));
			sk_X509_free(out);
			return NULL;
		}
	}
	return out;
}

STACK_OF(X509) *csra_cache_get_chain(struct csra_cache *c, const uint8_t key[32], time_t at)
{
	STACK_OF(X509) *chain = NULL;
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, K_CHAIN, key);
	if (n != NULL && at >= n->lo && at <= n->hi && (chain = dup_ref(n->chain)) != NULL) {
		unlink_lru(n);
		push_front(&c->lru[K_CHAIN], n);
	}
	if (chain != NULL)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->mu);
	return chain;
}

void csra_cache_put_chain(struct csra_cache *c, const uint8_t key[32], X509_STORE *store,
    STACK_OF(X509) *chain, time_t lo, time_t hi)
{
	if (c->lru[K_CHAIN].cap == 0 || lo > hi)
		return;
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL || (n->chain = dup_ref(chain)) == NULL || !X509_STORE_up_ref(store)) {
		if (n != NULL)
			sk_X509_pop_free(n->chain, X509_free);
		free(n);
		csra_clear_openssl_errors();
		return;
	}
	memcpy(n->key, key, 32);
	n->kind = K_CHAIN;
	n->store = store;
	n->lo = lo;
	n->hi = hi;
	pthread_mutex_lock(&c->mu);
	if (c->lru[K_CHAIN].cap > 0) {
		insert(c, n);
		n = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	if (n != NULL)
		free_node(n);
}

int csra_cache_get_issuer(struct csra_cache *c, const uint8_t key[32], time_t at, X509_STORE **anchor,
    STACK_OF(X509) **upper, time_t *lo, time_t *hi)
{
	*anchor = NULL;
	*upper = NULL;
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, K_ISSUER, key);
	if (n != NULL && at >= n->lo && at <= n->hi && X509_STORE_up_ref(n->anchor)) {
		if ((*upper = dup_ref(n->chain)) == NULL) {
			X509_STORE_free(n->anchor);
		} else {
			*anchor = n->anchor;
			*lo = n->lo;
			*hi = n->hi;
			unlink_lru(n);
			push_front(&c->lru[K_ISSUER], n);
		}
	}
	if (*anchor != NULL)
		c->ihits++;
	else
		c->imisses++;
	pthread_mutex_unlock(&c->mu);
	csra_clear_openssl_errors();
	return *anchor != NULL;
}

void csra_cache_put_issuer(struct csra_cache *c, const uint8_t key[32], X509_STORE *store,
    X509_STORE *anchor, STACK_OF(X509) *upper, time_t lo, time_t hi)
{
	if (c->lru[K_ISSUER].cap == 0 || lo > hi)
		return;
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL || (n->chain = dup_ref(upper)) == NULL || !X509_STORE_up_ref(store)) {
		if (n != NULL)
			sk_X509_pop_free(n->chain, X509_free);
		free(n);
		csra_clear_openssl_errors();
		return;
	}
	n->store = store;
	if (!X509_STORE_up_ref(anchor)) {
		free_node(n);
		csra_clear_openssl_errors();
		return;
	}
	n->anchor = anchor;
	memcpy(n->key, key, 32);
	n->kind = K_ISSUER;
	n->lo = lo;
	n->hi = hi;
	pthread_mutex_lock(&c->mu);
	if (c->lru[K_ISSUER].cap > 0) {
		insert(c, n);
		n = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	if (n != NULL)
		free_node(n);
}

/* Marks: digests only, of kind |kind| (K_POOL, K_SEEN). */
static int has_mark(struct csra_cache *c, int kind, const uint8_t key[32])
{
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, kind, key);
	if (n != NULL) {
		unlink_lru(n);
		push_front(&c->lru[kind], n);
	}
	pthread_mutex_unlock(&c->mu);
	return n != NULL;
}

static void put_mark(struct csra_cache *c, int kind, const uint8_t key[32])
{
	if (c->lru[kind].cap == 0)	/* set only while the verifier is configured */
		return;
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return;
	memcpy(n->key, key, 32);
	n->kind = kind;
	pthread_mutex_lock(&c->mu);
	if (c->lru[kind].cap > 0 && find(c, kind, key) == NULL) {
		insert(c, n);
		n = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	free(n);
}

int csra_cache_has_pool(struct csra_cache *c, const uint8_t key[32])
{
	return has_mark(c, K_POOL, key);
}

void csra_cache_put_pool(struct csra_cache *c, const uint8_t key[32])
{
	put_mark(c, K_POOL, key);
}

int csra_cache_has_seen(struct csra_cache *c, const uint8_t key[32])
{
	return has_mark(c, K_SEEN, key);
}

void csra_cache_put_seen(struct csra_cache *c, const uint8_t key[32])
{
	put_mark(c, K_SEEN, key);
}

int csra_cache_get_blob(struct csra_cache *c, const uint8_t key[32], void *out, size_t cap,
    size_t *len)
{
	int found = 0;
	pthread_mutex_lock(&c->mu);
	struct node *n = find(c, K_WEAK, key);
	if (n != NULL) {
		unlink_lru(n);
		push_front(&c->lru[K_WEAK], n);
		*len = n->spki_len;
		memcpy(out, n->spki, n->spki_len < cap ? n->spki_len : cap);
		found = 1;
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

void csra_cache_put_blob(struct csra_cache *c, const uint8_t key[32], const void *data, size_t len)
{
	if (c->lru[K_WEAK].cap == 0)	/* set only while the verifier is configured */
		return;
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL || (n->spki = malloc(len)) == NULL) {
		free(n);
		return;
	}
	memcpy(n->spki, data, len);
	n->spki_len = len;
	memcpy(n->key, key, 32);
	n->kind = K_WEAK;
	pthread_mutex_lock(&c->mu);
	if (c->lru[K_WEAK].cap > 0 && find(c, K_WEAK, key) == NULL) {
		insert(c, n);
		n = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	if (n != NULL)
		free_node(n);
}

void csra_cache_stats(const csra_verifier *v, unsigned long *hits, unsigned long *misses)
{
	struct csra_cache *c = v->cache;
	pthread_mutex_lock(&c->mu);
	if (hits != NULL)
		*hits = c->hits;
	if (misses != NULL)
		*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}

void csra_cache_issuer_stats(const csra_verifier *v, unsigned long *hits, unsigned long *misses)
{
	struct csra_cache *c = v->cache;
	pthread_mutex_lock(&c->mu);
	if (hits != NULL)
		*hits = c->ihits;
	if (misses != NULL)
		*misses = c->imisses;
	pthread_mutex_unlock(&c->mu);
}
