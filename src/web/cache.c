/*
 * cache.c - the per-thread response cache (see cache.h).
 */
#include "web/cache.h"

#include "util/mem.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct page_cache {
    struct page_cache_entry slot[PAGE_CACHE_SLOTS];
    size_t bytes;
};

static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

struct page_cache *
page_cache_new(void)
{
    return xcalloc(1, sizeof(struct page_cache));
}

static void
drop(struct page_cache *c, struct page_cache_entry *e)
{
    if (!e->resp)
        return;
    MHD_destroy_response(e->resp);
    c->bytes -= e->len;
    free(e->key);
    memset(e, 0, sizeof(*e));
}

void
page_cache_free(struct page_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++)
        drop(c, &c->slot[i]);
    free(c);
}

const struct page_cache_entry *
page_cache_get(struct page_cache *c, const char *key, uint64_t version, int64_t now_ms,
               int64_t grace_ms)
{
    struct page_cache_entry *e = &c->slot[fnv1a(key) % PAGE_CACHE_SLOTS];
    int64_t age;

    if (!e->resp || strcmp(e->key, key))
        return NULL;
    age = now_ms - e->born_ms;
    if (age < 0 || age >= PAGE_CACHE_TTL_MS || (e->version != version && age >= grace_ms)) {
        drop(c, e);
        return NULL;
    }
    return e;
}

int
page_cache_put(struct page_cache *c, const char *key, uint64_t version, int64_t now_ms,
               struct MHD_Response *resp, size_t len, const char *etag)
{
    struct page_cache_entry *e = &c->slot[fnv1a(key) % PAGE_CACHE_SLOTS];
    size_t klen = strlen(key);

    if (len > PAGE_CACHE_MAX_BODY || klen > PAGE_CACHE_MAX_KEY)
        return 0;
    drop(c, e);
    if (c->bytes + len > PAGE_CACHE_MAX_BYTES)
        return 0;
    e->key = xstrdup(key);
    e->version = version;
    e->born_ms = now_ms;
    e->resp = resp;
    e->len = len;
    snprintf(e->etag, sizeof(e->etag), "%s", etag ? etag : "");
    c->bytes += len;
    return 1;
}

void
page_etag(const void *body, size_t len, char out[PAGE_ETAG_MAX])
{
    const unsigned char *p = body;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    size_t i = 0;

    /* eight bytes a step, each mixed in with a multiply and a shift */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        h ^= w;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    for (; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    snprintf(out, PAGE_ETAG_MAX, "\"%016llx\"", (unsigned long long)h);
}
