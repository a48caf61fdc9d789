/*
 * discover_test.c - feed autodiscovery from pages.
 */
#include "unit.h"

#include "feed/discover.h"
#include "util/arena.h"
#include "util/err.h"

#include <curl/curl.h>

static struct arena *arena;

static void
test_links(void)
{
    static const char page[] =
        "<!doctype html><html><head><base href=\"/blog/\">\n"
        "<link rel=\"stylesheet\" type=\"text/css\" href=\"s.css\">\n"
        "<LINK REL=\"Alternate\" TYPE=\"application/rss+xml\" TITLE=\"Posts\" HREF=\"feed.xml\">\n"
        "<link rel=alternate type=application/atom+xml href=https://example.com/atom?a=1&amp;b=2>\n"
        "<!-- <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/commented\"> -->\n"
        "<script>document.write('<link rel=\"alternate\" type=\"application/rss+xml\" "
        "href=\"/scripted\">')</script>\n"
        "<link rel=\"alternate\" type=\"application/feed+json\" "
        "href=\"//cdn.example.com/f.json\">\n"
        "<link rel=\"alternate\" type=\"text/html\" hreflang=\"fr\" href=\"/fr/\">\n"
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"javascript:alert(1)\">\n"
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed.xml\">\n"
        "</head><body><link rel=\"alternate feed\" type=\"application/rss+xml; charset=utf-8\" "
        "href=\"/comments/feed\"></body></html>";
    struct feed_candidate *c;
    size_t n;

    CHECK_INT(feed_discover(page, sizeof(page) - 1, "https://example.com/post/1?x=y", arena, &c, &n,
                            NULL),
              0);
    CHECK_INT(n, 10);
    if (n != 10)
        return;
    CHECK_STR(c[0].url, "https://example.com/blog/feed.xml");
    CHECK_STR(c[0].title, "Posts");
    CHECK(!c[0].guessed);
    CHECK_STR(c[1].url, "https://example.com/atom?a=1&b=2");
    CHECK_STR(c[2].url, "https://cdn.example.com/f.json");
    CHECK_STR(c[3].url, "https://example.com/comments/feed");
    CHECK_STR(c[4].url, "https://example.com/feed");
    CHECK(c[4].guessed);
    CHECK_STR(c[5].url, "https://example.com/rss");
    CHECK_STR(c[6].url, "https://example.com/atom.xml");
    CHECK_STR(c[7].url, "https://example.com/feed.xml");
    CHECK_STR(c[8].url, "https://example.com/index.xml");
    CHECK_STR(c[9].url, "https://example.com/rss.xml");
}

static void
test_without_url(void)
{
    static const char page[] = "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/f\">";
    struct feed_candidate *c;
    size_t n;

    CHECK_INT(feed_discover(page, sizeof(page) - 1, NULL, arena, &c, &n, NULL), 0);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(c[0].url, "/f");
    /* nothing at all, and a page cut off inside a tag */
    CHECK_INT(feed_discover("", 0, NULL, arena, &c, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(
        feed_discover("<link rel=\"alternate\" type=\"app", 31, "http://a/", arena, &c, &n, NULL),
        0);
    CHECK_INT(n, 6);
}

static const struct unit_test tests[] = {
    {"links", test_links},
    {"without_url", test_without_url},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    arena = arena_new();
    rc = unit_main(argc, argv, tests);
    arena_free(arena);
    curl_global_cleanup();
    return rc;
}
