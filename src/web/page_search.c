/*
 * page_search.c - full-text search with the filter language of query.h.
 *
 * Whatever is typed, the answer is this page: results, or a sentence
 * saying what to change in the query.  Never an error page, never the
 * index's own syntax errors.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "web/html.h"
#include "web/query.h"

#include <string.h>

#define SEARCH_PAGE 20

static void
search_form(struct req *r, const char *q)
{
    struct buf *b = &r->out;

    html_lit(b, "<form class=\"search-page\" role=\"search\" action=\"/search\" method=\"get\">\n"
                "<label for=\"sq\">Search for</label>\n"
                "<input id=\"sq\" name=\"q\" type=\"search\" value=\"");
    html_attr(b, q ? q : "");
    html_lit(b, "\">\n<button type=\"submit\">Search</button>\n</form>\n");
}

static void
search_tips(struct req *r, int open)
{
    html_lit(&r->out, open ? "<details class=\"tips\" open>\n" : "<details class=\"tips\">\n");
    html_lit(&r->out,
             "<summary>Search tips</summary>\n<dl>\n"
             "<dt><code>peace treaty</code></dt><dd>articles with both words (and their forms: "
             "<em>talks</em> finds <em>talk</em>)</dd>\n"
             "<dt><code>\"peace treaty\"</code></dt><dd>the exact phrase</dd>\n"
             "<dt><code>-football</code></dt><dd>without this word (or <code>-\"a phrase\"</code>)"
             "</dd>\n"
             "<dt><code>source:reuters</code></dt><dd>from a source whose name contains this; "
             "quote names with spaces: <code>source:\"new york times\"</code></dd>\n"
             "<dt><code>tag:karabakh</code></dt><dd>with this hashtag</dd>\n"
             "<dt><code>after:2025-08-01</code> <code>before:2025-09-01</code></dt>"
             "<dd>published on or after, or before, a day (UTC)</dd>\n"
             "</dl>\n</details>\n");
}

/* path?q=...[&sort=date], from the arena: pager and feed links */
static const char *
search_url(struct req *r, const char *path, const char *q, int by_date)
{
    struct buf b = BUF_INIT;
    char *s;

    buf_adds(&b, path);
    buf_adds(&b, "?q=");
    html_url(&b, q);
    if (by_date)
        buf_adds(&b, "&sort=date");
    s = arena_strndup(r->a, b.p, b.len);
    buf_release(&b);
    return s;
}

static void
order_links(struct req *r, const char *q, int by_date)
{
    struct buf *b = &r->out;

    html_lit(b, "<p class=\"order\">Order: ");
    if (by_date) {
        html_lit(b, "<a href=\"/search?q=");
        html_url(b, q);
        html_lit(b, "\">best match</a> \xc2\xb7 <strong>newest</strong>");
    } else {
        html_lit(b, "<strong>best match</strong> \xc2\xb7 <a href=\"/search?q=");
        html_url(b, q);
        html_lit(b, "&amp;sort=date\">newest</a>");
    }
    html_lit(b, " \xc2\xb7 <a href=\"/feed/search.atom?q=");
    html_url(b, q);
    html_lit(b, "\">Atom feed of this search</a></p>\n");
}

int
page_search(struct req *r, const char *arg)
{
    const char *q = web_arg(r, "q");
    const char *sort = web_arg(r, "sort");
    int by_date = sort && !strcmp(sort, "date");
    int64_t page = page_number(r);
    struct query parsed;
    struct store_search s = {0};
    struct store_hit *hits = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    size_t n = 0;
    int rc;

    (void)arg;
    m.title = q && *q ? arena_printf(r->a, "Search: %s", q) : "Search";
    m.description = "Search every article gazette has read.";
    if (!q) {
        web_page_begin(r, &m);
        html_lit(b, "<h1>Search</h1>\n");
        search_form(r, NULL);
        search_tips(r, 1);
        web_page_end(r);
        return 0;
    }
    rc = query_parse(q, r->a, &parsed, &err);
    if (!rc) {
        query_to_search(&parsed, &s);
        s.by_date = by_date;
        s.limit = SEARCH_PAGE + 1;
        s.offset = (page - 1) * SEARCH_PAGE;
        rc = store_search(r->st, &s, r->a, &hits, &n, &err);
        if (rc == GZ_EINVAL) {
            rc = GZ_EPARSE; /* the store's limits, said to the reader */
        } else if (rc) {
            log_error("msg=\"search failed\" q=\"%s\" err=\"%s\"", q, err.msg);
            return -1;
        }
    }
    if (!rc) {
        m.feed = search_url(r, "/feed/search.atom", q, 0);
        m.feed_title = m.title;
    }
    web_page_begin(r, &m);
    html_lit(b, "<h1>Search</h1>\n");
    search_form(r, q);
    if (rc) {
        html_lit(b, "<p class=\"notice\" role=\"alert\">");
        html_text(b, err.msg);
        html_lit(b, "</p>\n");
        search_tips(r, 1);
        web_page_end(r);
        return 0;
    }
    order_links(r, q, by_date);
    if (!n) {
        html_lit(b, page > 1 ? "<p class=\"empty\">No more results.</p>\n"
                             : "<p class=\"empty\">Nothing found. Try fewer or other words.</p>\n");
    } else {
        html_litf(b,
                  "<p class=\"count\">Results %lld\xe2\x80\x93%lld</p>\n<ol class=\"results\">\n",
                  (long long)s.offset + 1,
                  (long long)s.offset + (long long)(n > SEARCH_PAGE ? SEARCH_PAGE : n));
    }
    for (size_t i = 0; i < n && i < SEARCH_PAGE; i++) {
        const struct store_hit *h = &hits[i];

        html_litf(b, "<li>\n<h2><a href=\"/article/%lld\">", (long long)h->article.id);
        html_marked(b, h->title_marked && *h->title_marked ? h->title_marked : "(untitled)");
        html_litf(b, "</a></h2>\n<p class=\"meta\"><a class=\"source\" href=\"/source/%lld\">",
                  (long long)h->article.source_id);
        html_text(b, h->article.source_title);
        html_lit(b, "</a> \xc2\xb7 ");
        html_time(b, h->article.published, r->now);
        html_lit(b, "</p>\n");
        if (h->snippet_marked && *h->snippet_marked) {
            html_lit(b, "<p class=\"snippet\">");
            html_marked(b, h->snippet_marked);
            html_lit(b, "</p>\n");
        }
        html_lit(b, "</li>\n");
    }
    if (n)
        html_lit(b, "</ol>\n");
    page_pager(r, search_url(r, "/search", q, by_date), page, n > SEARCH_PAGE);
    search_tips(r, 0);
    web_page_end(r);
    return 0;
}
