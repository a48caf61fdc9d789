/*
 * page_tag.c - one hashtag or entity: the stories that carry it, then its
 * latest articles.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "web/html.h"

#include <string.h>

#define TAG_STORIES 10
#define TAG_ARTICLES 30

static const char *const kind_names[] = {"Topic", "Person", "Place", "Organization"};

/* prefix + the slug as one URL path segment + suffix, from the arena. */
static const char *
tag_path(struct req *r, const char *prefix, const char *slug, const char *suffix)
{
    struct buf b = BUF_INIT;
    char *s;

    buf_adds(&b, prefix);
    html_url(&b, slug);
    buf_adds(&b, suffix);
    s = arena_strndup(r->a, b.p, b.len);
    buf_release(&b);
    return s;
}

int
page_tag(struct req *r, const char *arg)
{
    struct store_tag tag;
    struct store_story *stories = NULL;
    struct store_article *arts = NULL;
    size_t nstories = 0;
    size_t n = 0;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    int64_t page = page_number(r);
    const char *base;
    int rc;

    if (!*arg || strchr(arg, '/') || strlen(arg) > 200)
        return web_error(r, 404, "There is no such tag.");
    rc = store_tag_by_slug(r->st, arg, r->a, &tag, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such tag.");
    if (rc ||
        (page == 1 &&
         store_story_by_tag(r->st, tag.id, 0, TAG_STORIES, r->a, &stories, &nstories, &err)) ||
        store_tag_articles(r->st, tag.id, (page - 1) * TAG_ARTICLES, TAG_ARTICLES + 1, r->a, &arts,
                           &n, &err)) {
        log_error("msg=\"cannot read tag\" slug=\"%s\" err=\"%s\"", arg, err.msg);
        return -1;
    }
    m.title = arena_printf(r->a, "#%s", tag.name);
    m.description = arena_printf(r->a, "Stories and articles about %s.", tag.name);
    m.feed = tag_path(r, "/feed/tag/", tag.slug, ".atom");
    m.feed_title = arena_printf(r->a, "#%s", tag.name);
    web_page_begin(r, &m);
    html_lit(b, "<h1>#");
    html_text(b, tag.name);
    html_lit(b, "</h1>\n<p class=\"meta\">");
    if (tag.kind > TAG_TOPIC && tag.kind <= TAG_ORG) {
        html_lit(b, kind_names[tag.kind]);
        html_lit(b, " \xc2\xb7 ");
    }
    html_litf(b, "%lld article%s \xc2\xb7 <a href=\"", (long long)tag.count,
              tag.count == 1 ? "" : "s");
    html_attr(b, m.feed);
    html_lit(b, "\">Atom feed</a></p>\n");
    if (nstories) {
        html_lit(b, "<section class=\"tag-stories\" aria-labelledby=\"h-stories\">\n"
                    "<h2 id=\"h-stories\">Stories</h2>\n");
        if (page_story_cards(r, stories, nstories, NULL))
            return -1;
        html_lit(b, "</section>\n");
    }
    html_lit(b, "<section class=\"tag-articles\" aria-labelledby=\"h-articles\">\n"
                "<h2 id=\"h-articles\">Latest articles</h2>\n");
    if (!n)
        html_lit(b, "<p class=\"empty\">No articles yet.</p>\n");
    for (size_t i = 0; i < n && i < TAG_ARTICLES; i++) {
        const struct store_article *a = &arts[i];

        html_litf(b, "<article class=\"card\">\n<h3><a href=\"/article/%lld\">", (long long)a->id);
        html_text(b, a->title && *a->title ? a->title : "(untitled)");
        html_litf(b, "</a></h3>\n<p class=\"meta\"><a class=\"source\" href=\"/source/%lld\">",
                  (long long)a->source_id);
        html_text(b, a->source_title);
        html_lit(b, "</a> \xc2\xb7 ");
        html_time(b, a->published, r->now);
        html_lit(b, "</p>\n");
        if (a->excerpt && *a->excerpt) {
            html_lit(b, "<p class=\"snippet\">");
            html_text(b, a->excerpt);
            html_lit(b, "</p>\n");
        }
        html_lit(b, "</article>\n");
    }
    html_lit(b, "</section>\n");
    base = tag_path(r, "/tag/", tag.slug, "");
    page_pager(r, base, page, n > TAG_ARTICLES);
    web_page_end(r);
    return 0;
}
