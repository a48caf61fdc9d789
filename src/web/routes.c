/*
 * routes.c - the one table of the site's addresses.
 */
#include "web/page.h"

#include <stddef.h>

const struct web_route web_routes[] = {
    {"GET", "/", ROUTE_CACHE, page_front, "front"},
    {"GET", "/latest", ROUTE_CACHE, page_latest, "latest"},
    {"GET", "/article/", ROUTE_PREFIX | ROUTE_CACHE, page_article, "article"},
    {"GET", "/source/", ROUTE_PREFIX | ROUTE_CACHE, page_source, "source"},
    {"GET", "/sources", ROUTE_CACHE, page_sources, "sources"},
    {"GET", "/static/", ROUTE_PREFIX, page_static, "static"},
    {"GET", "/healthz", 0, page_healthz, "healthz"},
    {"GET", "/story/", ROUTE_PREFIX | ROUTE_CACHE, page_story, "story"},
    {"GET", "/tag/", ROUTE_PREFIX | ROUTE_CACHE, page_tag, "tag"},
    {"GET", "/search", ROUTE_CACHE, page_search, "search"},
    {"GET", "/api/v1/", ROUTE_PREFIX | ROUTE_CACHE, page_api, "api"},
    {"GET", "/feed/", ROUTE_PREFIX | ROUTE_CACHE, page_feed, "feed"},
    {"GET", "/metrics", 0, page_metrics, "metrics"},
    {NULL, NULL, 0, NULL, NULL},
};
