/*
 * page_sources.c - every source with its health.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/url.h"
#include "web/html.h"

int
page_sources(struct req *r, const char *arg)
{
    struct store_source *src;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    size_t n;

    (void)arg;
    if (store_source_list(r->st, r->a, &src, &n, &err)) {
        log_error("msg=\"cannot list sources\" err=\"%s\"", err.msg);
        return -1;
    }
    m.title = "Sources";
    m.description = "The publishers gazette follows, and how their feeds are doing.";
    m.nav = "sources";
    web_page_begin(r, &m);
    html_lit(b, "<h1>Sources</h1>\n");
    if (!n) {
        html_lit(b, "<p class=\"empty\">No sources yet.</p>\n");
        web_page_end(r);
        return 0;
    }
    html_lit(b, "<table class=\"sources\">\n<thead><tr><th scope=\"col\">Source</th>"
                "<th scope=\"col\">Articles</th><th scope=\"col\">Last fetch</th>"
                "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const struct store_source *s = &src[i];

        html_lit(b, "<tr><td><a href=\"/source/");
        html_litf(b, "%lld", (long long)s->id);
        html_lit(b, "\">");
        html_text(b, s->title && *s->title ? s->title : s->url);
        html_lit(b, "</a>");
        if (s->site_url && url_is_http(s->site_url)) {
            html_lit(b, " <a class=\"site\" rel=\"noopener\" href=\"");
            html_href(b, s->site_url);
            html_lit(b, "\">site</a>");
        }
        html_litf(b, "</td><td>%lld</td><td>", (long long)s->n_articles);
        if (s->last_fetch)
            html_time(b, s->last_fetch, r->now);
        else
            html_lit(b, "never");
        html_lit(b, "</td><td>");
        if (s->error_count) {
            html_litf(b, "<span class=\"status failing\">failing (%lld)</span> ",
                      (long long)s->error_count);
            html_text(b, s->last_error);
        } else {
            html_lit(b, "<span class=\"status ok\">ok</span>");
        }
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n");
    web_page_end(r);
    return 0;
}
