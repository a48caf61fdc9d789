/*
 * page_feed.c - RSS 2.0 and Atom 1.0 out.
 *
 *   /feed/top.rss  /feed/top.atom             top stories (latest articles until there are stories)
 *   /feed/tag/SLUG.rss  /feed/tag/SLUG.atom   articles with a tag
 *   /feed/source/ID.rss  /feed/source/ID.atom articles of a source
 *   /feed/search.rss?q=  /feed/search.atom?q= a saved search, newest first
 *
 * Every text goes through xml_text(), so the documents are well-formed
 * whatever the articles hold; links are absolute, on the site's base URL.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "web/html.h"
#include "web/query.h"

#include <stdio.h>
#include <string.h>

#define FEED_ITEMS 50
#define FEED_CACHE "public, max-age=120"

enum feed_kind { FEED_RSS, FEED_ATOM };

/* One entry, whatever it came from. */
struct feed_item {
    const char *title;
    const char *path; /* on this site: /story/ID or /article/ID */
    const char *summary;
    const char *author; /* the source's name, may be NULL */
    int64_t source_id;  /* the source, 0 for a story */
    int64_t published;
    int64_t updated;
};

struct feed_out {
    enum feed_kind kind;
    const char *title;
    const char *page_path; /* the HTML page this feed follows */
    const char *self;      /* absolute URL of the feed itself */
    struct feed_item *items;
    size_t n;
};

/* "Thu, 07 Aug 2025 13:19:00 +0000" (RFC 822 as RSS wants it). */
static void
rfc822(int64_t t, char *out, size_t n)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s;
    int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;

    time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[((day % 7) + 7) % 7], d,
             months[mo - 1], y, h, mi, s);
}

static void
text_el(struct buf *b, const char *name, const char *text)
{
    html_litf(b, "<%s>", name);
    xml_text(b, text ? text : "");
    html_litf(b, "</%s>\n", name);
}

static void
write_rss(struct req *r, const struct feed_out *f)
{
    struct buf *b = &r->out;
    char date[64];
    int64_t newest = 0;

    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].updated > newest)
            newest = f->items[i].updated;
    html_lit(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    text_el(b, "title", f->title);
    html_lit(b, "<link>");
    xml_text(b, r->base_url);
    xml_text(b, f->page_path);
    html_lit(b, "</link>\n");
    text_el(b, "description", f->title);
    html_lit(b, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
    xml_attr(b, f->self);
    html_lit(b, "\"/>\n<generator>gazette</generator>\n");
    if (newest) {
        rfc822(newest, date, sizeof(date));
        text_el(b, "lastBuildDate", date);
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct feed_item *it = &f->items[i];

        html_lit(b, "<item>\n");
        text_el(b, "title", it->title && *it->title ? it->title : "(untitled)");
        html_lit(b, "<link>");
        xml_text(b, r->base_url);
        xml_text(b, it->path);
        html_lit(b, "</link>\n<guid isPermaLink=\"true\">");
        xml_text(b, r->base_url);
        xml_text(b, it->path);
        html_lit(b, "</guid>\n");
        if (it->published > 0) {
            rfc822(it->published, date, sizeof(date));
            text_el(b, "pubDate", date);
        }
        if (it->summary && *it->summary)
            text_el(b, "description", it->summary);
        if (it->source_id && it->author && *it->author) {
            /* RSS names an item's source by that source's own feed: ours */
            html_lit(b, "<source url=\"");
            xml_attr(b, r->base_url);
            html_litf(b, "/feed/source/%lld.rss\">", (long long)it->source_id);
            xml_text(b, it->author);
            html_lit(b, "</source>\n");
        }
        html_lit(b, "</item>\n");
    }
    html_lit(b, "</channel>\n</rss>\n");
    r->content_type = "application/rss+xml; charset=utf-8";
}

static void
iso_el(struct buf *b, const char *name, int64_t t)
{
    char iso[TIME_ISO_MAX];

    time_format_iso(t > 0 ? t : 0, iso);
    html_litf(b, "<%s>%s</%s>\n", name, iso, name);
}

static void
write_atom(struct req *r, const struct feed_out *f)
{
    struct buf *b = &r->out;
    int64_t newest = 0;

    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].updated > newest)
            newest = f->items[i].updated;
    html_lit(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    text_el(b, "title", f->title);
    text_el(b, "id", f->self);
    html_lit(b, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    xml_attr(b, f->self);
    html_lit(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml_attr(b, r->base_url);
    xml_attr(b, f->page_path);
    html_lit(b, "\"/>\n");
    iso_el(b, "updated", newest ? newest : r->now);
    html_lit(b, "<author><name>gazette</name></author>\n<generator>gazette</generator>\n");
    for (size_t i = 0; i < f->n; i++) {
        const struct feed_item *it = &f->items[i];

        html_lit(b, "<entry>\n");
        text_el(b, "title", it->title && *it->title ? it->title : "(untitled)");
        html_lit(b, "<id>");
        xml_text(b, r->base_url);
        xml_text(b, it->path);
        html_lit(b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        xml_attr(b, r->base_url);
        xml_attr(b, it->path);
        html_lit(b, "\"/>\n");
        iso_el(b, "updated", it->updated > 0 ? it->updated : it->published);
        if (it->published > 0)
            iso_el(b, "published", it->published);
        if (it->author && *it->author) {
            html_lit(b, "<author><name>");
            xml_text(b, it->author);
            html_lit(b, "</name></author>\n");
        }
        if (it->summary && *it->summary) {
            html_lit(b, "<summary type=\"text\">");
            xml_text(b, it->summary);
            html_lit(b, "</summary>\n");
        }
        html_lit(b, "</entry>\n");
    }
    html_lit(b, "</feed>\n");
    r->content_type = "application/atom+xml; charset=utf-8";
}

static void
items_from_articles(struct req *r, struct feed_out *f, const struct store_article *a, size_t n)
{
    f->items = ARENA_NEWN(r->a, struct feed_item, n ? n : 1);
    f->n = n;
    for (size_t i = 0; i < n; i++) {
        f->items[i].title = a[i].title;
        f->items[i].path = arena_printf(r->a, "/article/%lld", (long long)a[i].id);
        f->items[i].summary = a[i].excerpt;
        f->items[i].author = a[i].source_title;
        f->items[i].source_id = a[i].source_id;
        f->items[i].published = a[i].published;
        f->items[i].updated = a[i].updated > a[i].published ? a[i].updated : a[i].published;
    }
}

static int
feed_top(struct req *r, struct feed_out *f)
{
    struct store_story *s = NULL;
    struct store_article *leads = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t n = 0;
    size_t nleads = 0;
    int64_t ids[FEED_ITEMS];

    f->title = "gazette: top stories";
    f->page_path = "/";
    if (store_story_top(r->st, 0, FEED_ITEMS, r->a, &s, &n, &err))
        goto fail;
    if (!n) {
        struct store_article_query q = {0};
        struct store_article *a = NULL;

        q.limit = FEED_ITEMS;
        if (store_article_list(r->st, &q, r->a, &a, &n, &err))
            goto fail;
        items_from_articles(r, f, a, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = s[i].id;
    if (store_story_leads(r->st, ids, n, r->a, &leads, &nleads, &err))
        goto fail;
    f->items = ARENA_NEWN(r->a, struct feed_item, n);
    f->n = n;
    for (size_t i = 0; i < n; i++) {
        struct feed_item *it = &f->items[i];
        const struct store_article *lead = NULL;

        for (size_t k = 0; k < nleads; k++)
            if (leads[k].story_id == s[i].id)
                lead = &leads[k];
        it->title = s[i].title && *s[i].title ? s[i].title : (lead ? lead->title : NULL);
        it->path = arena_printf(r->a, "/story/%lld", (long long)s[i].id);
        it->summary = s[i].summary && *s[i].summary ? s[i].summary : (lead ? lead->excerpt : NULL);
        it->published = s[i].first_seen;
        it->updated = s[i].last_updated;
    }
    return 0;
fail:
    log_error("msg=\"cannot build feed\" err=\"%s\"", err.msg);
    return -1;
}

/* "name.rss" or "name.atom" into name and kind; 0 when it is neither. */
static int
split_ext(struct req *r, const char *s, const char **name, enum feed_kind *kind)
{
    size_t n = strlen(s);

    if (n > 4 && str_has_suffix(s, ".rss")) {
        *kind = FEED_RSS;
        *name = arena_strndup(r->a, s, n - 4);
        return 1;
    }
    if (n > 5 && str_has_suffix(s, ".atom")) {
        *kind = FEED_ATOM;
        *name = arena_strndup(r->a, s, n - 5);
        return 1;
    }
    return 0;
}

static const char *
url_of(struct req *r, const char *a, const char *seg, const char *b)
{
    struct buf u = BUF_INIT;
    char *s;

    buf_adds(&u, a);
    html_url(&u, seg);
    buf_adds(&u, b);
    s = arena_strndup(r->a, u.p, u.len);
    buf_release(&u);
    return s;
}

static int
not_found(struct req *r, const char *what)
{
    r->status = 404;
    r->content_type = "text/plain; charset=utf-8";
    buf_reset(&r->out);
    buf_addf(&r->out, "%s\n", what);
    return 0;
}

int
page_feed(struct req *r, const char *arg)
{
    struct feed_out f = {0};
    struct gz_err err = GZ_ERR_INIT;
    const char *name = NULL;
    const char *ext;

    if (!split_ext(r, arg, &name, &f.kind))
        return not_found(r, "There is no such feed.");
    ext = f.kind == FEED_RSS ? ".rss" : ".atom";
    f.self = arena_printf(r->a, "%s%s", r->base_url, r->path);
    if (!strcmp(name, "top")) {
        if (feed_top(r, &f))
            return -1;
    } else if (str_has_prefix(name, "tag/") && name[4] && !strchr(name + 4, '/')) {
        struct store_tag tag;
        struct store_article *a = NULL;
        size_t n = 0;
        int rc = store_tag_by_slug(r->st, name + 4, r->a, &tag, &err);

        if (rc == GZ_ENOTFOUND)
            return not_found(r, "There is no such tag.");
        if (rc || store_tag_articles(r->st, tag.id, 0, FEED_ITEMS, r->a, &a, &n, &err)) {
            log_error("msg=\"cannot build feed\" err=\"%s\"", err.msg);
            return -1;
        }
        f.title = arena_printf(r->a, "gazette: #%s", tag.name);
        f.page_path = url_of(r, "/tag/", tag.slug, "");
        f.self = arena_printf(r->a, "%s%s", r->base_url, url_of(r, "/feed/tag/", tag.slug, ext));
        items_from_articles(r, &f, a, n);
    } else if (str_has_prefix(name, "source/")) {
        struct store_source src;
        struct store_article *a = NULL;
        size_t n = 0;
        int64_t id = page_id(name + 7);
        int rc = id ? store_source_get(r->st, id, r->a, &src, &err) : GZ_ENOTFOUND;

        if (rc == GZ_ENOTFOUND)
            return not_found(r, "There is no such source.");
        if (rc || store_source_articles(r->st, id, 0, FEED_ITEMS, r->a, &a, &n, &err)) {
            log_error("msg=\"cannot build feed\" err=\"%s\"", err.msg);
            return -1;
        }
        f.title = arena_printf(r->a, "gazette: %s", src.title && *src.title ? src.title : src.url);
        f.page_path = arena_printf(r->a, "/source/%lld", (long long)id);
        items_from_articles(r, &f, a, n);
    } else if (!strcmp(name, "search")) {
        const char *q = web_arg(r, "q");
        struct query parsed;
        struct store_search s = {0};
        struct store_hit *hits = NULL;
        struct store_article *a;
        size_t n = 0;
        int rc;

        if (!q || query_parse(q, r->a, &parsed, &err)) {
            r->status = 400;
            r->content_type = "text/plain; charset=utf-8";
            buf_addf(&r->out, "%s\n", q ? err.msg : "Give the search as ?q=...");
            return 0;
        }
        query_to_search(&parsed, &s);
        s.by_date = 1;
        s.limit = FEED_ITEMS;
        rc = store_search(r->st, &s, r->a, &hits, &n, &err);
        if (rc == GZ_EINVAL) {
            r->status = 400;
            r->content_type = "text/plain; charset=utf-8";
            buf_addf(&r->out, "%s\n", err.msg);
            return 0;
        }
        if (rc) {
            log_error("msg=\"cannot build feed\" err=\"%s\"", err.msg);
            return -1;
        }
        a = ARENA_NEWN(r->a, struct store_article, n ? n : 1);
        for (size_t i = 0; i < n; i++)
            a[i] = hits[i].article;
        f.title = arena_printf(r->a, "gazette: search for %s", q);
        f.page_path = url_of(r, "/search?q=", q, "&sort=date");
        f.self = arena_printf(r->a, "%s%s", r->base_url, url_of(r, "/feed/search", "", ext));
        f.self = arena_printf(r->a, "%s?q=%s", f.self, url_of(r, "", q, ""));
        items_from_articles(r, &f, a, n);
    } else {
        return not_found(r, "There is no such feed.");
    }
    if (f.kind == FEED_RSS)
        write_rss(r, &f);
    else
        write_atom(r, &f);
    r->cache = FEED_CACHE;
    return 0;
}
