/*
 * cache_test.c - the page cache: hits, and every reason for a miss
 * (another key, a new data version, age), replacement, limits; ETags.
 */
#include "unit.h"

#include "web/cache.h"

#include <microhttpd.h>

static struct MHD_Response *
response(const char *body)
{
    return MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
}

static void
test_hits_and_misses(void)
{
    struct page_cache *c = page_cache_new();
    struct MHD_Response *r = response("front page");
    const struct page_cache_entry *e;

    CHECK(page_cache_get(c, "/", 7, 1000, 0) == NULL);
    CHECK_INT(page_cache_put(c, "/", 7, 1000, r, 10, "\"abc\""), 1);
    e = page_cache_get(c, "/", 7, 1000 + PAGE_CACHE_TTL_MS - 1, 0);
    CHECK(e != NULL);
    if (e) {
        CHECK(e->resp == r);
        CHECK_INT(e->len, 10);
        CHECK_STR(e->etag, "\"abc\"");
    }
    CHECK(page_cache_get(c, "/?page=2", 7, 1000, 0) == NULL); /* another key */
    CHECK(page_cache_get(c, "/", 8, 1001, 0) == NULL);        /* the data changed: dropped */
    CHECK(page_cache_get(c, "/", 7, 1001, 0) == NULL);        /* ... for good */

    r = response("front page");
    CHECK_INT(page_cache_put(c, "/", 7, 1000, r, 10, "\"abc\""), 1);
    CHECK(page_cache_get(c, "/", 7, 1000 + PAGE_CACHE_TTL_MS, 0) == NULL); /* too old */
    r = response("front page");
    CHECK_INT(page_cache_put(c, "/", 7, 5000, r, 10, "\"abc\""), 1);
    CHECK(page_cache_get(c, "/", 7, 4999, 0) == NULL); /* the clock went back */

    /* a newcomer for the same key replaces the old entry */
    r = response("one");
    CHECK_INT(page_cache_put(c, "/x", 1, 0, r, 3, "\"1\""), 1);
    r = response("two");
    CHECK_INT(page_cache_put(c, "/x", 2, 0, r, 3, "\"2\""), 1);
    e = page_cache_get(c, "/x", 2, 1, 0);
    CHECK(e != NULL && !strcmp(e->etag, "\"2\""));
    page_cache_free(c);
    page_cache_free(NULL);
}

/* A page made before the data changed is served for the grace, then dropped. */
static void
test_grace(void)
{
    struct page_cache *c = page_cache_new();
    struct MHD_Response *r = response("front page");
    const struct page_cache_entry *e;

    CHECK_INT(page_cache_put(c, "/", 7, 1000, r, 10, "\"abc\""), 1);
    e = page_cache_get(c, "/", 8, 1999, 1000); /* new data, within the grace */
    CHECK(e != NULL && e->resp == r);
    e = page_cache_get(c, "/", 9, 1000, 1000); /* ... at any newer version */
    CHECK(e != NULL && e->resp == r);
    CHECK(page_cache_get(c, "/", 8, 2000, 1000) == NULL); /* the grace is over: dropped */
    CHECK(page_cache_get(c, "/", 7, 2000, 1000) == NULL); /* ... for good */

    /* the grace never stretches the time to live */
    r = response("front page");
    CHECK_INT(page_cache_put(c, "/", 7, 1000, r, 10, "\"abc\""), 1);
    CHECK(page_cache_get(c, "/", 7, 1000 + PAGE_CACHE_TTL_MS, 2 * PAGE_CACHE_TTL_MS) == NULL);
    page_cache_free(c);
}

static void
test_limits(void)
{
    struct page_cache *c = page_cache_new();
    struct MHD_Response *r = response("big");
    char key[PAGE_CACHE_MAX_KEY + 2];

    /* refused: the caller keeps (and frees) the response */
    CHECK_INT(page_cache_put(c, "/big", 1, 0, r, PAGE_CACHE_MAX_BODY + 1, "\"x\""), 0);
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    CHECK_INT(page_cache_put(c, key, 1, 0, r, 3, "\"x\""), 0);
    MHD_destroy_response(r);
    /* the byte cap holds whatever the keys: never more than it allows stay */
    for (int i = 0; i < 64; i++) {
        char k[32];

        snprintf(k, sizeof(k), "/page/%d", i);
        r = response("x");
        if (!page_cache_put(c, k, 1, 0, r, PAGE_CACHE_MAX_BODY, "\"x\""))
            MHD_destroy_response(r);
    }
    {
        int alive = 0;

        for (int i = 0; i < 64; i++) {
            char k[32];

            snprintf(k, sizeof(k), "/page/%d", i);
            alive += page_cache_get(c, k, 1, 1, 0) != NULL;
        }
        CHECK(alive > 0);
        CHECK(alive <= (int)(PAGE_CACHE_MAX_BYTES / PAGE_CACHE_MAX_BODY));
    }
    page_cache_free(c);
}

static void
test_etag(void)
{
    char a[PAGE_ETAG_MAX];
    char b[PAGE_ETAG_MAX];

    page_etag("hello world, this is a page", 27, a);
    page_etag("hello world, this is a page", 27, b);
    CHECK_STR(a, b);
    CHECK_INT(strlen(a), 18);
    CHECK(a[0] == '"' && a[17] == '"');
    page_etag("hello world, this is a pagf", 27, b);
    CHECK(strcmp(a, b) != 0);
    page_etag("hello world, this is a page ", 28, b);
    CHECK(strcmp(a, b) != 0);
    page_etag("", 0, b);
    CHECK_INT(strlen(b), 18);
}

static const struct unit_test tests[] = {
    {"hits_and_misses", test_hits_and_misses},
    {"grace", test_grace},
    {"limits", test_limits},
    {"etag", test_etag},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
