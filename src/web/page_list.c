/*
 * page_list.c - the front page, the latest articles and one source's articles.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "web/html.h"

#include <stdio.h>

#define PAGE_SIZE 30

/* One article as a card in a listing. */
static void
article_card(struct req *r, const struct store_article *a, int highlight)
{
    struct buf *b = &r->out;

    html_lit(b, highlight ? "<article class=\"card highlight\">\n<h2><a href=\"/article/"
                          : "<article class=\"card\">\n<h2><a href=\"/article/");
    html_litf(b, "%lld", (long long)a->id);
    html_lit(b, "\">");
    html_text(b, a->title && *a->title ? a->title : "(untitled)");
    html_lit(b, "</a></h2>\n<p class=\"meta\"><a class=\"source\" href=\"/source/");
    html_litf(b, "%lld", (long long)a->source_id);
    html_lit(b, "\">");
    html_text(b, a->source_title);
    html_lit(b, "</a> \xc2\xb7 ");
    html_time(b, a->published, r->now);
    if (highlight)
        html_lit(b, " \xc2\xb7 <strong class=\"mark\">Highlighted</strong>");
    html_lit(b, "</p>\n");
    if (a->excerpt && *a->excerpt) {
        html_lit(b, "<p class=\"snippet\">");
        html_text(b, a->excerpt);
        html_lit(b, "</p>\n");
    }
    html_lit(b, "</article>\n");
}

/* A listing page of articles with an "older" link for paging by time. */
static int
article_listing(struct req *r, const char *heading, const char *base, int64_t source_id,
                const char *nav)
{
    struct store_article_query q = {0};
    struct store_article *arts;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    const char *before = web_arg(r, "before");
    int *highlight = NULL;
    int64_t last;
    size_t fetched;
    size_t n;

    q.source_id = source_id;
    q.limit = PAGE_SIZE;
    q.before = page_id(before);
    if (store_article_list(r->st, &q, r->a, &arts, &n, &err)) {
        log_error("msg=\"cannot list articles\" err=\"%s\"", err.msg);
        return -1;
    }
    /* a signed-in reader's mutes and highlights */
    fetched = n;
    last = n ? arts[n - 1].published : 0;
    if (reader_listing_filter(r, arts, &n, &highlight))
        return -1;
    m.title = heading;
    m.description = "The latest articles from every source gazette follows.";
    m.nav = nav;
    web_page_begin(r, &m);
    html_lit(&r->out, "<h1>");
    html_text(&r->out, heading);
    html_lit(&r->out, "</h1>\n");
    if (!n)
        html_lit(&r->out, "<p class=\"empty\">No articles yet.</p>\n");
    for (size_t i = 0; i < n; i++)
        article_card(r, &arts[i], highlight && highlight[i]);
    if (fetched == PAGE_SIZE) {
        html_lit(&r->out, "<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"");
        html_lit(&r->out, base);
        html_litf(&r->out, "?before=%lld\">Older articles</a></nav>\n", (long long)last);
    }
    web_page_end(r);
    return 0;
}

int
page_latest(struct req *r, const char *arg)
{
    (void)arg;
    return article_listing(r, "Latest", "/latest", 0, "latest");
}

int
page_front(struct req *r, const char *arg)
{
    (void)arg;
    /* Until stories exist the front page is the latest articles. */
    return article_listing(r, "Latest", "/", 0, "top");
}

int
page_source(struct req *r, const char *arg)
{
    struct store_source src;
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = page_id(arg);
    char *base;
    int rc;

    if (!id)
        return web_error(r, 404, "There is no such source.");
    rc = store_source_get(r->st, id, r->a, &src, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such source.");
    if (rc)
        return -1;
    base = arena_printf(r->a, "/source/%lld", (long long)id);
    return article_listing(r, src.title && *src.title ? src.title : src.url, base, id, "sources");
}
