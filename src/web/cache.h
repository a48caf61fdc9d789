/*
 * cache.h - a small cache of finished responses, one per server thread.
 *
 * The server keeps the responses of cacheable routes (ROUTE_CACHE) to
 * anonymous requests (no Cookie header) that answered 200 without setting
 * a cookie, keyed by path and query, and serves them again while the
 * store's data version (store_data_version()) is the one they were made
 * at and they are younger than PAGE_CACHE_TTL_MS (pages show relative
 * times, "44 minutes ago").  A response made at an older data version is
 * still served while it is younger than the caller's grace (the
 * page-cache-grace setting, 1 s by default): during an ingest the store's
 * version changes with every commit, and without the grace every request
 * would rebuild its page and queue behind the rebuilds of the others.
 * New data therefore shows within the grace of its commit (on the next
 * request with a grace of 0).
 *
 * The table is direct-mapped (a key has one slot; a newcomer replaces
 * what was there), with a cap on the bytes it holds.
 *
 * Ownership: the cache owns the reference to each response it was given
 * (libmicrohttpd counts references; a queued response stays alive until
 * sent even after the cache drops it).  Keys are copied.
 * Thread-safety: a cache belongs to one thread; its responses may be
 * queued on any connection of that thread.
 */
#ifndef GZ_WEB_CACHE_H
#define GZ_WEB_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct MHD_Response;

#define PAGE_CACHE_TTL_MS 10000
#define PAGE_CACHE_SLOTS 256
#define PAGE_CACHE_MAX_BYTES (16u << 20) /* bodies held per thread */
#define PAGE_CACHE_MAX_BODY (1u << 20)   /* larger bodies are not kept */
#define PAGE_CACHE_MAX_KEY 2048          /* longer keys are not kept */
#define PAGE_ETAG_MAX 24                 /* "\"" + 16 hex digits + "\"" + NUL, rounded up */

struct page_cache_entry {
    char *key;
    uint64_t version;
    int64_t born_ms;
    struct MHD_Response *resp;
    size_t len;
    char etag[PAGE_ETAG_MAX];
};

struct page_cache;

struct page_cache *page_cache_new(void);
/* Drop every entry; NULL is a no-op. */
void page_cache_free(struct page_cache *c);

/*
 * The live entry for key: made at version, or at another version less
 * than grace_ms ago; NULL when there is none (a stale entry is dropped on
 * the way).  The entry is borrowed until the next call on c.
 */
const struct page_cache_entry *page_cache_get(struct page_cache *c, const char *key,
                                              uint64_t version, int64_t now_ms, int64_t grace_ms);

/*
 * Keep resp for key.  Returns 1 when the cache took the response (the
 * caller must then not destroy it), 0 when it did not (too big, key too
 * long, cache full): the caller keeps it.
 */
int page_cache_put(struct page_cache *c, const char *key, uint64_t version, int64_t now_ms,
                   struct MHD_Response *resp, size_t len, const char *etag);

/* A strong entity tag for a body: a 64-bit hash in hex, quoted, into out. */
void page_etag(const void *body, size_t len, char out[PAGE_ETAG_MAX]);

#endif
