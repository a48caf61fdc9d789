/*
 * hmap.h - an open-addressing hash map from uint64_t keys to uint64_t values.
 *
 * The plain map under document frequencies, term counters, LSH buckets and
 * anything else keyed by a 64-bit hash or id.  A value is often an index
 * into the caller's own array, so the map stores no pointers and owns no
 * memory but its slot array.
 *
 * Layout: linear probing over a power-of-two array of key/value slots kept
 * at most 70 % full (key and value side by side, so a probe reads one
 * cache line); deletion shifts entries back (no tombstones), so a map that
 * sees many inserts and deletes never degrades.  Keys are spread with hash_mix64(),
 * so they need not be random.  Every key is allowed, 0 included.
 *
 * Pointers returned by hmap_get()/hmap_put() point into the table: they
 * are valid until the next hmap_put(), hmap_del(), hmap_clear() or
 * hmap_release() on the map.
 *
 * Memory: grows with xrealloc (aborts on OOM, as mem.h).  An initialised
 * map must be released with hmap_release().
 *
 * Thread-safety: a map belongs to one thread at a time; concurrent
 * readers are safe when nobody writes.
 */
#ifndef GZ_UTIL_HMAP_H
#define GZ_UTIL_HMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/hash.h"

/* A key and its value side by side: a probe reads one cache line. */
struct hmap_slot {
    uint64_t key; /* 0 marks an empty slot (key 0 lives aside) */
    uint64_t val;
};

struct hmap {
    struct hmap_slot *slots;
    size_t cap; /* slots, a power of two, or 0 before the first insert */
    size_t len; /* entries, key 0 included */
    int has_zero;
    uint64_t zero_val;
};

#define HMAP_INIT                                                                                  \
    {                                                                                              \
        NULL, 0, 0, 0, 0                                                                           \
    }

/* An empty map with room for about hint entries before it grows. */
void hmap_init(struct hmap *m, size_t hint);
/* Free the arrays; m is empty and reusable afterwards. */
void hmap_release(struct hmap *m);
/* Remove every entry, keeping the memory. */
void hmap_clear(struct hmap *m);

/* The value slot of key, or NULL when key is absent. */
uint64_t *hmap_get(const struct hmap *m, uint64_t key);

/*
 * The value slot of key, inserting key with value 0 when it is absent;
 * *inserted (when non-NULL) says which happened.  Never NULL.
 */
uint64_t *hmap_put(struct hmap *m, uint64_t key, int *inserted);

/* Set key to val, inserting or overwriting. */
void hmap_set(struct hmap *m, uint64_t key, uint64_t val);

/* Remove key; returns 1 and its value in *val (when non-NULL) if it was there, else 0. */
int hmap_del(struct hmap *m, uint64_t key, uint64_t *val);

/*
 * Start loading the slot where a lookup of key begins: a batch of lookups
 * in a large map runs faster when all are prefetched first.  No effect on
 * the map's contents.
 */
static inline void
hmap_prefetch(const struct hmap *m, uint64_t key)
{
    if (m->cap)
        __builtin_prefetch(&m->slots[hash_mix64(key) & (m->cap - 1)]);
}

static inline size_t
hmap_len(const struct hmap *m)
{
    return m->len;
}

/*
 * Iterate: start with *it = 0; each call that returns 1 yields one entry.
 * The order is unspecified.  The map must not change during iteration,
 * except that the value of the yielded entry may be written through
 * hmap_get().
 */
int hmap_next(const struct hmap *m, size_t *it, uint64_t *key, uint64_t *val);

#endif
