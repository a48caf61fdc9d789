/*
 * page_article.c - one article, laid out with the seed page's sections:
 * headline, source and time, body, hashtags, AI features, comments,
 * related articles.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/url.h"
#include "web/html.h"

#include <jansson.h>
#include <string.h>

static void
section_hashtags(struct req *r, const struct store_tag *tags, size_t n)
{
    struct buf *b = &r->out;

    html_lit(b, "<section class=\"hashtags\" aria-labelledby=\"h-tags\">\n"
                "<h2 id=\"h-tags\">Hashtags</h2>\n");
    page_hashtag_list(r, tags, n);
    html_lit(b, "</section>\n");
}

static const char *const kind_names[] = {"Topic", "Person", "Place", "Organization"};

static void
section_ai(struct req *r, const struct store_article *a, const struct store_tag *tags, size_t n)
{
    struct buf *b = &r->out;
    json_t *points = a->key_points ? json_loads(a->key_points, 0, NULL) : NULL;
    size_t entities = 0;

    html_lit(b, "<section class=\"ai\" aria-labelledby=\"h-ai\">\n"
                "<h2 id=\"h-ai\">AI features</h2>\n<h3>Summary</h3>\n");
    if (a->summary && *a->summary) {
        html_lit(b, "<p class=\"summary\">");
        html_text(b, a->summary);
        html_lit(b, "</p>\n");
    } else {
        html_lit(b, "<p class=\"empty\">No summary yet.</p>\n");
    }
    if (json_array_size(points)) {
        html_lit(b, "<h3>Key points</h3>\n<ul class=\"points\">\n");
        for (size_t i = 0; i < json_array_size(points); i++) {
            const char *p = json_string_value(json_array_get(points, i));

            if (!p)
                continue;
            html_lit(b, "<li>");
            html_text(b, p);
            html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
    }
    json_decref(points);
    for (size_t i = 0; i < n; i++) {
        if (tags[i].kind == TAG_TOPIC || tags[i].kind < 0 || tags[i].kind > 3)
            continue;
        if (!entities++)
            html_lit(b, "<h3>People, places and organizations</h3>\n<ul class=\"entities\">\n");
        html_lit(b, "<li><a href=\"/tag/");
        html_url(b, tags[i].slug);
        html_lit(b, "\">");
        html_text(b, tags[i].name);
        html_lit(b, "</a> <span class=\"kind\">");
        html_lit(b, kind_names[tags[i].kind]);
        html_lit(b, "</span></li>\n");
    }
    if (entities)
        html_lit(b, "</ul>\n");
    page_llm_article_form(r, a->id);
    html_lit(b, "</section>\n");
}

static void
section_related(struct req *r, const struct store_article *rel, size_t n)
{
    struct buf *b = &r->out;

    html_lit(b, "<section class=\"related\" aria-labelledby=\"h-related\">\n"
                "<h2 id=\"h-related\">Related articles</h2>\n");
    if (!n)
        html_lit(b, "<p class=\"empty\">Nothing closely related yet.</p>\n");
    else
        html_lit(b, "<ul class=\"related-list\">\n");
    for (size_t i = 0; i < n; i++) {
        const struct store_article *a = &rel[i];

        html_lit(b, "<li><p class=\"meta\"><span class=\"source\">");
        html_text(b, a->source_title);
        html_lit(b, "</span> \xc2\xb7 ");
        html_time(b, a->published, r->now);
        html_lit(b, "</p>\n<h3><a href=\"/article/");
        html_litf(b, "%lld", (long long)a->id);
        html_lit(b, "\">");
        html_text(b, a->title);
        html_lit(b, "</a></h3>\n");
        if (a->excerpt && *a->excerpt) {
            html_lit(b, "<p class=\"snippet\">");
            html_text(b, a->excerpt);
            html_lit(b, "</p>\n");
        }
        html_lit(b, "</li>\n");
    }
    if (n)
        html_lit(b, "</ul>\n");
    html_lit(b, "</section>\n");
}

int
page_article(struct req *r, const char *arg)
{
    struct store_article a;
    struct store_tag *tags = NULL;
    struct store_article *rel = NULL;
    struct store_comment *comments = NULL;
    struct store_story story;
    int has_story = 0;
    size_t ntags = 0;
    size_t nrel = 0;
    size_t ncomments = 0;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    int64_t id = page_id(arg);
    int rc;

    if (!id)
        return web_error(r, 404, "There is no such article.");
    rc = store_article_get(r->st, id, r->a, &a, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such article.");
    if (rc || store_article_tags(r->st, id, r->a, &tags, &ntags, &err) ||
        store_related_get(r->st, id, r->a, &rel, &nrel, &err) ||
        store_comment_list(r->st, id, r->a, &comments, &ncomments, &err)) {
        log_error("msg=\"cannot read article\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    if (a.story_id && store_story_get(r->st, a.story_id, r->a, &story, &err) == 0) {
        has_story = 1;
        for (int hops = 0; has_story && story.merged_into && hops < 8; hops++)
            if (store_story_get(r->st, story.merged_into, r->a, &story, &err))
                has_story = 0;
    }
    m.title = a.title;
    m.description = a.excerpt;
    m.og_type = "article";
    m.image = a.image;
    web_page_begin(r, &m);
    html_lit(b, "<article class=\"full\">\n<header>\n<h1>");
    html_text(b, a.title && *a.title ? a.title : "(untitled)");
    html_lit(b, "</h1>\n<p class=\"meta\"><a class=\"source\" href=\"/source/");
    html_litf(b, "%lld", (long long)a.source_id);
    html_lit(b, "\">");
    html_text(b, a.source_title);
    html_lit(b, "</a>");
    if (a.author && *a.author) {
        html_lit(b, " \xc2\xb7 <span class=\"author\">");
        html_text(b, a.author);
        html_lit(b, "</span>");
    }
    html_lit(b, " \xc2\xb7 ");
    html_time(b, a.published, r->now);
    if (a.url && url_is_http(a.url)) {
        html_lit(b, " \xc2\xb7 <a class=\"original\" rel=\"noopener\" href=\"");
        html_href(b, a.url);
        html_lit(b, "\">Read at the source</a>");
    }
    html_lit(b, "</p>\n");
    if (has_story && !story.merged_into) {
        html_litf(b, "<p class=\"coverage-link\"><a href=\"/story/%lld\">Full coverage: ",
                  (long long)story.id);
        html_litf(b, "%lld source%s</a></p>\n", (long long)story.n_sources,
                  story.n_sources == 1 ? "" : "s");
    }
    reader_article_actions(r, &a);
    html_lit(b, "</header>\n<div class=\"body\">\n");
    if (a.html && *a.html)
        html_safe(b, safe_html_trusted(a.html, strlen(a.html)));
    else
        html_paragraphs(b, a.text);
    html_lit(b, "</div>\n</article>\n");
    section_hashtags(r, tags, ntags);
    section_ai(r, &a, tags, ntags);
    comments_section(r, id, comments, ncomments);
    section_related(r, rel, nrel);
    web_page_end(r);
    return 0;
}
