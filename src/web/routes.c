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
    /* ---- accounts ---- */
    {"GET", "/login", 0, page_login, "login"},
    {"POST", "/login", ROUTE_FORM, page_login_post, "login"},
    {"GET", "/signup", 0, page_signup, "signup"},
    {"POST", "/signup", ROUTE_FORM, page_signup_post, "signup"},
    {"POST", "/logout", ROUTE_FORM | ROUTE_USER, page_logout, "logout"},
    {"GET", "/settings", ROUTE_USER, page_settings, "settings"},
    {"POST", "/settings", ROUTE_FORM | ROUTE_USER, page_settings_post, "settings"},
    {"POST", "/comment", ROUTE_FORM | ROUTE_USER, page_comment_post, "comment"},
    {"POST", "/comment/edit", ROUTE_FORM | ROUTE_USER, page_comment_edit, "comment-edit"},
    {"POST", "/comment/delete", ROUTE_FORM | ROUTE_USER, page_comment_delete, "comment-delete"},
    {"POST", "/comment/report", ROUTE_FORM | ROUTE_USER, page_comment_report, "comment-report"},
    {"POST", "/comment/moderate", ROUTE_FORM | ROUTE_ADMIN, page_comment_moderate,
     "comment-moderate"},
    {"GET", "/moderation", ROUTE_ADMIN, page_moderation, "moderation"},
    {"POST", "/article/", ROUTE_PREFIX | ROUTE_FORM, page_llm_article_post, "article-llm"},
    {"POST", "/story/", ROUTE_PREFIX | ROUTE_FORM, page_llm_story_post, "story-ask"},
    {NULL, NULL, 0, NULL, NULL},
};
