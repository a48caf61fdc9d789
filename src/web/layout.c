/*
 * layout.c - the frame around every page, and error pages.
 */
#include "web/page.h"

#include "enrich/enrich.h"
#include "store/store.h"
#include "util/str.h"
#include "util/url.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *key;
    const char *href;
    const char *label;
} nav[] = {
    {"top", "/", "Top stories"},
    {"latest", "/latest", "Latest"},
    {"sources", "/sources", "Sources"},
};

void
web_page_begin(struct req *r, const struct page_meta *m)
{
    struct buf *b = &r->out;

    html_lit(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    if (m->title && *m->title) {
        html_text(b, m->title);
        html_lit(b, " \xe2\x80\x94 ");
    }
    html_lit(b, "gazette</title>\n");
    if (m->description && *m->description) {
        html_lit(b, "<meta name=\"description\" content=\"");
        html_attr(b, m->description);
        html_lit(b, "\">\n<meta property=\"og:description\" content=\"");
        html_attr(b, m->description);
        html_lit(b, "\">\n");
    }
    html_lit(b, "<meta property=\"og:site_name\" content=\"gazette\">\n"
                "<meta property=\"og:title\" content=\"");
    html_attr(b, m->title && *m->title ? m->title : "gazette");
    html_lit(b, "\">\n<meta property=\"og:type\" content=\"");
    html_attr(b, m->og_type ? m->og_type : "website");
    html_lit(b, "\">\n");
    if (m->image && url_is_http(m->image)) {
        html_lit(b, "<meta property=\"og:image\" content=\"");
        html_href(b, m->image);
        html_lit(b, "\">\n");
    }
    if (r->base_url && r->status == 200) {
        html_lit(b, "<meta property=\"og:url\" content=\"");
        html_attr(b, r->base_url);
        html_attr(b, r->path);
        html_lit(b, "\">\n");
    }
    if (m->feed) {
        html_lit(b, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
        html_attr(b, m->feed_title ? m->feed_title : m->title);
        html_lit(b, "\" href=\"");
        html_attr(b, m->feed);
        html_lit(b, "\">\n");
    }
    html_lit(b, "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Top stories\" "
                "href=\"/feed/top.atom\">\n"
                "</head>\n<body>\n<header class=\"site\">\n<div class=\"bar\">\n"
                "<a class=\"brand\" href=\"/\">gazette</a>\n<nav aria-label=\"Main\">\n<ul>\n");
    for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
        html_lit(b, "<li><a href=\"");
        html_lit(b, nav[i].href);
        html_lit(b, "\"");
        if (m->nav && !strcmp(m->nav, nav[i].key))
            html_lit(b, " aria-current=\"page\"");
        html_lit(b, ">");
        html_lit(b, nav[i].label);
        html_lit(b, "</a></li>\n");
    }
    html_lit(b, "</ul>\n</nav>\n"
                "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\n"
                "<label for=\"q\" class=\"visually-hidden\">Search</label>\n"
                "<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search news\">\n"
                "<button type=\"submit\">Search</button>\n</form>\n");
    page_account_nav(r);
    html_lit(b, "</div>\n</header>\n<main id=\"main\">\n");
}

void
web_page_end(struct req *r)
{
    html_lit(&r->out, "</main>\n<footer class=\"site\">\n<p>gazette \xe2\x80\x94 every story once, "
                      "with all of its coverage. Articles belong to their publishers; "
                      "follow the links to read them at the source.</p>\n</footer>\n"
                      "</body>\n</html>\n");
}

int
web_error(struct req *r, int status, const char *message)
{
    struct page_meta m = {0};
    char title[64];

    snprintf(title, sizeof(title), "%d", status);
    m.title = status == 404 ? "Not found" : title;
    buf_reset(&r->out);
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    web_page_begin(r, &m);
    html_lit(&r->out, "<section class=\"error\">\n<h1>");
    html_text(&r->out, status == 404 ? "Not found" : "Sorry");
    html_lit(&r->out, "</h1>\n<p>");
    html_text(&r->out, message);
    html_lit(&r->out, "</p>\n<p><a href=\"/\">Back to the top stories</a></p>\n</section>\n");
    web_page_end(r);
    return 0;
}

int64_t
page_number(struct req *r)
{
    const char *v = web_arg(r, "page");
    int64_t n;

    if (!v || str_to_i64(v, 1, 1000, &n))
        return 1;
    return n;
}

void
page_pager(struct req *r, const char *base, int64_t page, int has_more)
{
    struct buf *b = &r->out;
    const char *sep = strchr(base, '?') ? "&amp;" : "?";

    if (page <= 1 && !has_more)
        return;
    html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\">\n");
    if (page > 1) {
        html_lit(b, "<a rel=\"prev\" href=\"");
        html_attr(b, base);
        if (page > 2)
            html_litf(b, "%spage=%lld", sep, (long long)(page - 1));
        html_lit(b, "\">Previous page</a>\n");
    }
    if (has_more) {
        html_lit(b, "<a rel=\"next\" href=\"");
        html_attr(b, base);
        html_litf(b, "%spage=%lld\">Next page</a>\n", sep, (long long)(page + 1));
    }
    html_lit(b, "</nav>\n");
}

int
page_is_hashtag(const struct store_tag *t)
{
    return t->score > 0;
}

void
page_hashtag(struct req *r, const struct store_tag *t)
{
    char tag[256];

    html_lit(&r->out, "<a href=\"/tag/");
    html_url(&r->out, t->slug);
    html_lit(&r->out, "\">#");
    if (enrich_hashtag(t->name, strlen(t->name), tag, sizeof(tag)))
        html_text(&r->out, tag);
    else
        html_text(&r->out, t->name);
    html_lit(&r->out, "</a>");
}

void
page_hashtag_list(struct req *r, const struct store_tag *tags, size_t n)
{
    struct buf *b = &r->out;
    size_t shown = 0;

    for (size_t i = 0; i < n; i++) {
        if (!page_is_hashtag(&tags[i]))
            continue;
        if (!shown++)
            html_lit(b, "<ul class=\"tags\">\n");
        html_lit(b, "<li>");
        page_hashtag(r, &tags[i]);
        html_lit(b, "</li>\n");
    }
    if (shown)
        html_lit(b, "</ul>\n");
    else
        html_lit(b, "<p class=\"empty\">No hashtags yet.</p>\n");
}

int64_t
page_id(const char *arg)
{
    int64_t id;

    if (!arg || !*arg || *arg == '+' || *arg == '-' || *arg == ' ' ||
        str_to_i64(arg, 1, INT64_MAX, &id))
        return 0;
    return id;
}
