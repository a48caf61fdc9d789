/*
 * routes.c - the one table of the site's addresses.
 */
#include "web/page.h"

#include <stddef.h>

const struct web_route web_routes[] = {
    {"GET", "/", 0, page_front, "front"},
    {"GET", "/latest", 0, page_latest, "latest"},
    {"GET", "/article/", ROUTE_PREFIX, page_article, "article"},
    {"GET", "/source/", ROUTE_PREFIX, page_source, "source"},
    {"GET", "/sources", 0, page_sources, "sources"},
    {"GET", "/static/", ROUTE_PREFIX, page_static, "static"},
    {"GET", "/healthz", 0, page_healthz, "healthz"},
    {"POST", "/article/", ROUTE_PREFIX, page_llm_article_post, "article-llm"},
    {"POST", "/story/", ROUTE_PREFIX, page_llm_story_post, "story-ask"},
    {NULL, NULL, 0, NULL, NULL},
};
