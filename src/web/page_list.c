/*
 * page_list.c - the front page (top stories, or the latest articles until
 * there are stories), the latest articles, and one source's page with its
 * feed's health and its articles.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "util/url.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

#define PAGE_SIZE 30
/* Fetches shown on a source's page. */
#define FETCH_LOG_SHOWN 10

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

/* A source's feed health, above its articles. */
static void source_health(struct req *r, const struct store_source *src);

/* A listing page of articles with an "older" link for paging by time. */
static int
article_listing(struct req *r, const char *heading, const char *base, int64_t source_id,
                const char *nav, const struct store_source *src)
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

    q.limit = PAGE_SIZE;
    q.before = page_id(before);
    if (source_id
            ? store_source_articles(r->st, source_id, q.before, PAGE_SIZE, r->a, &arts, &n, &err)
            : store_article_list(r->st, &q, r->a, &arts, &n, &err)) {
        log_error("msg=\"cannot list articles\" err=\"%s\"", err.msg);
        return -1;
    }
    /* a signed-in reader's mutes and highlights */
    fetched = n;
    last = n ? arts[n - 1].published : 0;
    if (reader_listing_filter(r, arts, &n, &highlight))
        return -1;
    m.title = heading;
    m.description = src ? "The latest articles from this source, and how its feed is doing."
                        : "The latest articles from every source gazette follows.";
    m.nav = nav;
    if (src) {
        m.feed = arena_printf(r->a, "/feed/source/%lld.atom", (long long)src->id);
        m.feed_title = arena_printf(r->a, "Latest from %s", heading);
    }
    web_page_begin(r, &m);
    html_lit(&r->out, "<h1>");
    html_text(&r->out, heading);
    html_lit(&r->out, "</h1>\n");
    if (src) {
        source_health(r, src);
        html_lit(&r->out, "<h2 class=\"list-heading\">Latest articles</h2>\n");
    }
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
    return article_listing(r, "Latest", "/latest", 0, "latest", NULL);
}

int
page_front(struct req *r, const char *arg)
{
    struct store_story *stories;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    int64_t page = page_number(r);
    int *highlight = NULL;
    int more;
    size_t n;

    (void)arg;
    if (store_story_top(r->st, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1, r->a, &stories, &n, &err)) {
        log_error("msg=\"cannot list stories\" err=\"%s\"", err.msg);
        return -1;
    }
    /* until stories exist the front page is the latest articles */
    if (!n && page == 1)
        return article_listing(r, "Latest", "/", 0, "top", NULL);
    /* a signed-in reader's mutes (the page after is still there) */
    more = n > PAGE_SIZE;
    if (more)
        n = PAGE_SIZE;
    if (reader_story_filter(r, stories, &n, &highlight))
        return -1;
    m.title = page > 1 ? "Top stories (more)" : "Top stories";
    m.description = "Today's stories, each told once with all of its coverage, ranked by how "
                    "many sources cover them and how recent they are.";
    m.nav = "top";
    web_page_begin(r, &m);
    html_lit(&r->out, "<h1>Top stories</h1>\n");
    if (!n)
        html_lit(&r->out, "<p class=\"empty\">No more stories.</p>\n");
    if (page_story_cards(r, stories, n, highlight))
        return -1;
    page_pager(r, "/", page, more);
    web_page_end(r);
    return 0;
}

/* "3 hours" for a number of seconds. */
static void
duration(struct buf *b, int64_t s)
{
    if (s < 120)
        html_litf(b, "%lld seconds", (long long)s);
    else if (s < 7200)
        html_litf(b, "%lld minutes", (long long)(s / 60));
    else if (s < 2 * 86400)
        html_litf(b, "%lld hours", (long long)(s / 3600));
    else
        html_litf(b, "%lld days", (long long)(s / 86400));
}

static void
source_health(struct req *r, const struct store_source *src)
{
    struct buf *b = &r->out;
    struct store_fetch *log = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t n = 0;
    size_t ok = 0;
    int fetched = str_has_prefix(src->url, "http://") || str_has_prefix(src->url, "https://");

    html_lit(b, "<section class=\"health\" aria-labelledby=\"h-health\">\n"
                "<h2 id=\"h-health\">Feed health</h2>\n<dl class=\"health\">\n");
    if (src->site_url && url_is_http(src->site_url)) {
        html_lit(b, "<dt>Site</dt><dd><a rel=\"noopener\" href=\"");
        html_href(b, src->site_url);
        html_lit(b, "\">");
        html_text(b, src->site_url);
        html_lit(b, "</a></dd>\n");
    }
    html_lit(b, "<dt>Feed</dt><dd>");
    if (fetched) {
        html_lit(b, "<a rel=\"noopener\" href=\"");
        html_href(b, src->url);
        html_lit(b, "\">");
        html_text(b, src->url);
        html_lit(b, "</a>");
    } else {
        html_lit(b, "imported from files, not fetched");
    }
    html_litf(b, "</dd>\n<dt>Articles</dt><dd>%lld</dd>\n", (long long)src->n_articles);
    html_lit(b, "<dt>Status</dt><dd>");
    if (src->error_count) {
        html_litf(b, "<span class=\"status failing\">failing</span>, %lld error%s in a row",
                  (long long)src->error_count, src->error_count == 1 ? "" : "s");
        if (src->failing_since) {
            html_lit(b, " since ");
            html_time(b, src->failing_since, r->now);
        }
        if (src->last_error && *src->last_error) {
            html_lit(b, ": <span class=\"error-text\">");
            html_text(b, src->last_error);
            html_lit(b, "</span>");
        }
    } else if (src->last_fetch) {
        html_lit(b, "<span class=\"status ok\">ok</span>");
    } else {
        html_lit(b, "<span class=\"status\">not fetched yet</span>");
    }
    html_lit(b, "</dd>\n");
    if (fetched) {
        html_lit(b, "<dt>Last fetch</dt><dd>");
        if (src->last_fetch)
            html_time(b, src->last_fetch, r->now);
        else
            html_lit(b, "never");
        html_lit(b, "</dd>\n<dt>Last success</dt><dd>");
        if (src->last_ok)
            html_time(b, src->last_ok, r->now);
        else
            html_lit(b, "never");
        html_lit(b, "</dd>\n<dt>Checked every</dt><dd>");
        duration(b, src->interval);
        html_lit(b, "</dd>\n");
    }
    html_lit(b, "</dl>\n");
    if (store_fetch_log(r->st, src->id, FETCH_LOG_SHOWN, r->a, &log, &n, &err)) {
        log_warn("msg=\"cannot read fetch log\" source=%lld err=\"%s\"", (long long)src->id,
                 err.msg);
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        ok += !log[i].error;
    if (n) {
        html_litf(b,
                  "<table class=\"fetches\">\n<caption>The last %zu fetches: %zu succeeded"
                  "</caption>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">HTTP</th>"
                  "<th scope=\"col\">Time</th><th scope=\"col\">Bytes</th>"
                  "<th scope=\"col\">New</th><th scope=\"col\">Error</th></tr></thead>\n"
                  "<tbody>\n",
                  n, ok);
        for (size_t i = 0; i < n; i++) {
            html_lit(b, "<tr><td>");
            html_time(b, log[i].at, r->now);
            html_litf(b, "</td><td>%d</td><td>%lld ms</td><td>%lld</td><td>%lld</td><td>",
                      log[i].http_status, (long long)log[i].duration_ms, (long long)log[i].bytes,
                      (long long)log[i].new_articles);
            html_text(b, log[i].error);
            html_lit(b, "</td></tr>\n");
        }
        html_lit(b, "</tbody>\n</table>\n");
    }
    html_lit(b, "</section>\n");
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
    return article_listing(r, src.title && *src.title ? src.title : src.url, base, id, "sources",
                           &src);
}
