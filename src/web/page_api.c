/*
 * page_api.c - the read-only JSON API, /api/v1/...
 *
 *   GET /api/v1/stories?page=N             top stories
 *   GET /api/v1/story/ID                   one story with its articles
 *   GET /api/v1/article/ID                 one article with tags and related articles
 *   GET /api/v1/article/ID/comments?page=N its visible comments
 *   GET /api/v1/search?q=...&sort=date&page=N
 *   GET /api/v1/sources                    every source with its health
 *   GET /api/v1/tags/SLUG?page=N           a tag, its stories and articles
 *
 * Lists are paged with ?page=N (from 1) and ?per_page=N (1..100); a list
 * answer carries "page", "per_page" and "next", the absolute URL of the
 * next page or null.  Times are ISO 8601 strings (UTC) or null when
 * unknown.  Errors are {"error": {"status": N, "message": "..."}} with
 * the same HTTP status.  Every 200 has an ETag (the server hashes the
 * body; If-None-Match gets a 304) and Cache-Control: public, max-age=60.
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

#include <jansson.h>
#include <string.h>

#define API_CACHE "public, max-age=60"

static const char *const kind_names[] = {"topic", "person", "place", "organization"};

/* A JSON string for s (null for NULL); bytes that are not UTF-8 become U+FFFD. */
static json_t *
jstr(const char *s)
{
    size_t len;
    struct buf b = BUF_INIT;
    json_t *j;

    if (!s)
        return json_null();
    len = strlen(s);
    if (str_utf8_valid_prefix(s, len) == len)
        return json_stringn(s, len);
    while (len) {
        size_t ok = str_utf8_valid_prefix(s, len);

        buf_add(&b, s, ok);
        if (ok < len) {
            buf_adds(&b, "\xef\xbf\xbd");
            ok++;
        }
        s += ok;
        len -= ok;
    }
    j = json_stringn(b.p, b.len);
    buf_release(&b);
    return j;
}

static json_t *
jtime(int64_t t)
{
    char iso[TIME_ISO_MAX];

    if (t <= 0)
        return json_null();
    time_format_iso(t, iso);
    return json_string(iso);
}

/* The base URL followed by a printf-formatted path. */
static json_t *
jurl(struct req *r, const char *path)
{
    return jstr(arena_printf(r->a, "%s%s", r->base_url ? r->base_url : "", path));
}

/* A JSON array or object from stored JSON text, or null when it is not one. */
static json_t *
jparsed(const char *text)
{
    json_t *j = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;

    if (!json_is_array(j) && !json_is_object(j)) {
        json_decref(j);
        return json_null();
    }
    return j;
}

/* Serialize j (taking it) as the response body. */
static int
api_send(struct req *r, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);

    json_decref(j);
    if (!s)
        return -1;
    buf_reset(&r->out);
    buf_adds(&r->out, s);
    buf_addc(&r->out, '\n');
    free(s);
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    r->cache = status == 200 ? API_CACHE : "no-cache";
    return 0;
}

static int
api_error(struct req *r, int status, const char *message)
{
    json_t *e = json_object();

    json_object_set_new(e, "status", json_integer(status));
    json_object_set_new(e, "message", jstr(message));
    return api_send(r, status, json_pack("{s:o}", "error", e));
}

/* Page and page size of a list; 0 or a 400 already answered (returns 1). */
static int
paging(struct req *r, int64_t def, int64_t *page, int64_t *per)
{
    const char *p = web_arg(r, "page");
    const char *pp = web_arg(r, "per_page");

    *page = 1;
    *per = def;
    if (p && str_to_i64(p, 1, 10000, page)) {
        api_error(r, 400, "page must be a number from 1 to 10000");
        return 1;
    }
    if (pp && str_to_i64(pp, 1, 100, per)) {
        api_error(r, 400, "per_page must be a number from 1 to 100");
        return 1;
    }
    return 0;
}

/* Add page, per_page and next (path?page=N+1 with the other arguments given) to o. */
static void
add_paging(struct req *r, json_t *o, const char *path, const char *extra, int64_t page, int64_t per,
           int has_more)
{
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "per_page", json_integer(per));
    if (has_more)
        json_object_set_new(
            o, "next",
            jurl(r, arena_printf(r->a, "%s?%spage=%lld&per_page=%lld", path, extra ? extra : "",
                                 (long long)(page + 1), (long long)per)));
    else
        json_object_set_new(o, "next", json_null());
}

static json_t *
tag_json(const struct store_tag *t)
{
    return json_pack("{s:o,s:o,s:s}", "slug", jstr(t->slug), "name", jstr(t->name), "kind",
                     t->kind >= 0 && t->kind <= TAG_ORG ? kind_names[t->kind] : "topic");
}

/* An article without its text: what lists show. */
static json_t *
article_brief(struct req *r, const struct store_article *a)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "title", jstr(a->title));
    json_object_set_new(o, "url", jurl(r, arena_printf(r->a, "/article/%lld", (long long)a->id)));
    json_object_set_new(o, "original_url", jstr(a->url));
    json_object_set_new(
        o, "source",
        json_pack("{s:I,s:o}", "id", (json_int_t)a->source_id, "name", jstr(a->source_title)));
    json_object_set_new(o, "published", jtime(a->published));
    json_object_set_new(o, "excerpt", jstr(a->excerpt));
    json_object_set_new(o, "image", jstr(a->image));
    json_object_set_new(o, "story_id", a->story_id ? json_integer(a->story_id) : json_null());
    json_object_set_new(o, "dup_of", a->dup_of ? json_integer(a->dup_of) : json_null());
    return o;
}

static json_t *
story_brief(struct req *r, const struct store_story *s)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "title", jstr(s->title));
    json_object_set_new(o, "url", jurl(r, arena_printf(r->a, "/story/%lld", (long long)s->id)));
    json_object_set_new(o, "summary", jstr(s->summary));
    json_object_set_new(o, "first_seen", jtime(s->first_seen));
    json_object_set_new(o, "last_updated", jtime(s->last_updated));
    json_object_set_new(o, "n_articles", json_integer(s->n_articles));
    json_object_set_new(o, "n_sources", json_integer(s->n_sources));
    json_object_set_new(o, "hotness", json_real(s->hotness));
    return o;
}

/* Briefs of stories[0..n) with their sources and tags (two queries for all). */
static int
story_list(struct req *r, const struct store_story *stories, size_t n, json_t *arr)
{
    struct store_story_source *src = NULL;
    struct store_story_tag *tags = NULL;
    size_t nsrc = 0;
    size_t ntags = 0;
    struct gz_err err = GZ_ERR_INIT;
    int64_t *ids = ARENA_NEWN(r->a, int64_t, n ? n : 1);

    for (size_t i = 0; i < n; i++)
        ids[i] = stories[i].id;
    if (n && (store_story_sources(r->st, ids, n, r->a, &src, &nsrc, &err) ||
              store_story_tags_of(r->st, ids, n, r->a, &tags, &ntags, &err))) {
        log_error("msg=\"cannot read stories\" err=\"%s\"", err.msg);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = story_brief(r, &stories[i]);
        json_t *sa = json_array();
        json_t *ta = json_array();

        for (size_t k = 0; k < nsrc; k++)
            if (src[k].story_id == stories[i].id)
                json_array_append_new(
                    sa, json_pack("{s:I,s:o,s:I}", "id", (json_int_t)src[k].source_id, "name",
                                  jstr(src[k].title), "articles", (json_int_t)src[k].n_articles));
        for (size_t k = 0; k < ntags; k++)
            if (tags[k].story_id == stories[i].id)
                json_array_append_new(ta, tag_json(&tags[k].tag));
        json_object_set_new(o, "sources", sa);
        json_object_set_new(o, "tags", ta);
        json_array_append_new(arr, o);
    }
    return 0;
}

static int
api_stories(struct req *r)
{
    struct store_story *stories = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int64_t page;
    int64_t per;
    size_t n = 0;
    json_t *o;
    json_t *arr;

    if (paging(r, 30, &page, &per))
        return 0;
    if (store_story_top(r->st, (page - 1) * per, per + 1, r->a, &stories, &n, &err)) {
        log_error("msg=\"cannot list stories\" err=\"%s\"", err.msg);
        return -1;
    }
    arr = json_array();
    if (story_list(r, stories, (size_t)per < n ? (size_t)per : n, arr)) {
        json_decref(arr);
        return -1;
    }
    o = json_pack("{s:o}", "stories", arr);
    add_paging(r, o, "/api/v1/stories", NULL, page, per, n > (size_t)per);
    return api_send(r, 200, o);
}

static int
api_story(struct req *r, int64_t id)
{
    struct store_story s;
    struct store_article *arts = NULL;
    struct store_tag *tags = NULL;
    size_t n = 0;
    size_t ntags = 0;
    struct gz_err err = GZ_ERR_INIT;
    json_t *o;
    json_t *arr;
    json_t *one;
    int rc = store_story_get(r->st, id, r->a, &s, &err);

    if (rc == GZ_ENOTFOUND)
        return api_error(r, 404, "no such story");
    if (rc)
        return -1;
    if (s.merged_into) {
        web_header(r, "Location",
                   arena_printf(r->a, "/api/v1/story/%lld", (long long)s.merged_into));
        return api_send(r, 301,
                        json_pack("{s:{s:i,s:s,s:I}}", "error", "status", 301, "message",
                                  "this story was merged into another", "merged_into",
                                  (json_int_t)s.merged_into));
    }
    if (store_story_articles(r->st, id, 500, r->a, &arts, &n, &err) ||
        store_story_tags(r->st, id, r->a, &tags, &ntags, &err)) {
        log_error("msg=\"cannot read story\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    arr = json_array();
    if (story_list(r, &s, 1, arr)) {
        json_decref(arr);
        return -1;
    }
    one = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    json_object_set_new(one, "key_points", jparsed(s.key_points));
    json_object_set_new(one, "source_diff", jparsed(s.source_diff));
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, article_brief(r, &arts[i]));
    json_object_set_new(one, "articles", arr);
    o = json_pack("{s:o}", "story", one);
    return api_send(r, 200, o);
}

static int
api_article(struct req *r, int64_t id)
{
    struct store_article a;
    struct store_tag *tags = NULL;
    struct store_article *rel = NULL;
    size_t ntags = 0;
    size_t nrel = 0;
    struct gz_err err = GZ_ERR_INIT;
    json_t *o;
    json_t *arr;
    int rc = store_article_get(r->st, id, r->a, &a, &err);

    if (rc == GZ_ENOTFOUND)
        return api_error(r, 404, "no such article");
    if (rc || store_article_tags(r->st, id, r->a, &tags, &ntags, &err) ||
        store_related_get(r->st, id, r->a, &rel, &nrel, &err)) {
        log_error("msg=\"cannot read article\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    o = article_brief(r, &a);
    json_object_set_new(o, "author", jstr(a.author));
    json_object_set_new(o, "lang", jstr(a.lang));
    json_object_set_new(o, "text", jstr(a.text));
    json_object_set_new(o, "summary", jstr(a.summary));
    json_object_set_new(o, "key_points", jparsed(a.key_points));
    arr = json_array();
    for (size_t i = 0; i < ntags; i++)
        json_array_append_new(arr, tag_json(&tags[i]));
    json_object_set_new(o, "tags", arr);
    arr = json_array();
    for (size_t i = 0; i < nrel; i++)
        json_array_append_new(arr, article_brief(r, &rel[i]));
    json_object_set_new(o, "related", arr);
    json_object_set_new(
        o, "comments_url",
        jurl(r, arena_printf(r->a, "/api/v1/article/%lld/comments", (long long)id)));
    return api_send(r, 200, json_pack("{s:o}", "article", o));
}

static int
api_comments(struct req *r, int64_t id)
{
    struct store_article a;
    struct store_comment *c = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int64_t page;
    int64_t per;
    size_t n = 0;
    json_t *arr;
    json_t *o;
    int rc;

    if (paging(r, 50, &page, &per))
        return 0;
    rc = store_article_get(r->st, id, r->a, &a, &err);
    if (rc == GZ_ENOTFOUND)
        return api_error(r, 404, "no such article");
    if (rc || store_comment_page(r->st, id, (page - 1) * per, per + 1, r->a, &c, &n, &err)) {
        log_error("msg=\"cannot read comments\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    arr = json_array();
    for (size_t i = 0; i < n && i < (size_t)per; i++) {
        json_t *one = json_object();

        json_object_set_new(one, "id", json_integer(c[i].id));
        json_object_set_new(one, "parent_id",
                            c[i].parent_id ? json_integer(c[i].parent_id) : json_null());
        json_object_set_new(one, "user", jstr(c[i].user_name));
        json_object_set_new(one, "body", jstr(c[i].body));
        json_object_set_new(one, "created", jtime(c[i].created));
        json_object_set_new(one, "edited", jtime(c[i].edited));
        json_array_append_new(arr, one);
    }
    o = json_pack("{s:I,s:o}", "article_id", (json_int_t)id, "comments", arr);
    add_paging(r, o, arena_printf(r->a, "/api/v1/article/%lld/comments", (long long)id), NULL, page,
               per, n > (size_t)per);
    return api_send(r, 200, o);
}

/* s without the match markers (for plain-text fields). */
static const char *
unmarked(struct req *r, const char *s)
{
    struct buf b = BUF_INIT;
    char *out;

    if (!s)
        return NULL;
    for (const char *p = s; *p; p++) {
        if ((unsigned char)p[0] == 0xee && (unsigned char)p[1] == 0x80 &&
            ((unsigned char)p[2] == 0x80 || (unsigned char)p[2] == 0x81)) {
            p += 2;
            continue;
        }
        buf_addc(&b, *p);
    }
    out = arena_strndup(r->a, b.p, b.len);
    buf_release(&b);
    return out;
}

static const char *
marked_html(struct req *r, const char *s)
{
    struct buf b = BUF_INIT;
    char *out;

    html_marked(&b, s);
    out = arena_strndup(r->a, b.p, b.len);
    buf_release(&b);
    return out;
}

static int
api_search(struct req *r)
{
    const char *q = web_arg(r, "q");
    const char *sort = web_arg(r, "sort");
    struct query parsed;
    struct store_search s = {0};
    struct store_hit *hits = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct buf extra = BUF_INIT;
    int64_t page;
    int64_t per;
    size_t n = 0;
    json_t *arr;
    json_t *o;
    int rc;

    if (paging(r, 20, &page, &per))
        return 0;
    if (!q)
        return api_error(r, 400, "give the search as ?q=...");
    if (query_parse(q, r->a, &parsed, &err))
        return api_error(r, 400, err.msg);
    query_to_search(&parsed, &s);
    s.by_date = sort && !strcmp(sort, "date");
    s.limit = per + 1;
    s.offset = (page - 1) * per;
    rc = store_search(r->st, &s, r->a, &hits, &n, &err);
    if (rc == GZ_EINVAL)
        return api_error(r, 400, err.msg);
    if (rc) {
        log_error("msg=\"search failed\" err=\"%s\"", err.msg);
        return -1;
    }
    arr = json_array();
    for (size_t i = 0; i < n && i < (size_t)per; i++) {
        json_t *one = article_brief(r, &hits[i].article);

        json_object_set_new(one, "snippet", jstr(unmarked(r, hits[i].snippet_marked)));
        json_object_set_new(one, "title_html", jstr(marked_html(r, hits[i].title_marked)));
        json_object_set_new(one, "snippet_html", jstr(marked_html(r, hits[i].snippet_marked)));
        json_object_set_new(one, "rank", json_real(hits[i].rank));
        json_array_append_new(arr, one);
    }
    o = json_pack("{s:o,s:s,s:o}", "query", jstr(q), "sort", s.by_date ? "date" : "relevance",
                  "results", arr);
    buf_adds(&extra, "q=");
    html_url(&extra, q);
    buf_adds(&extra, s.by_date ? "&sort=date&" : "&");
    add_paging(r, o, "/api/v1/search", extra.p, page, per, n > (size_t)per);
    buf_release(&extra);
    return api_send(r, 200, o);
}

static int
api_sources(struct req *r)
{
    struct store_source *src = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t n = 0;
    json_t *arr;

    if (store_source_list(r->st, r->a, &src, &n, &err)) {
        log_error("msg=\"cannot list sources\" err=\"%s\"", err.msg);
        return -1;
    }
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(src[i].id));
        json_object_set_new(o, "name", jstr(src[i].title));
        json_object_set_new(o, "feed_url", jstr(src[i].url));
        json_object_set_new(o, "site_url", jstr(src[i].site_url));
        json_object_set_new(o, "url",
                            jurl(r, arena_printf(r->a, "/source/%lld", (long long)src[i].id)));
        json_object_set_new(o, "articles", json_integer(src[i].n_articles));
        json_object_set_new(o, "last_fetch", jtime(src[i].last_fetch));
        json_object_set_new(o, "last_ok", jtime(src[i].last_ok));
        json_object_set_new(o, "error_count", json_integer(src[i].error_count));
        json_object_set_new(o, "failing_since", jtime(src[i].failing_since));
        json_object_set_new(o, "last_error", jstr(src[i].last_error));
        json_object_set_new(o, "interval", json_integer(src[i].interval));
        json_array_append_new(arr, o);
    }
    return api_send(r, 200, json_pack("{s:o}", "sources", arr));
}

static int
api_tag(struct req *r, const char *slug)
{
    struct store_tag tag;
    struct store_story *stories = NULL;
    struct store_article *arts = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t nstories = 0;
    size_t n = 0;
    int64_t page;
    int64_t per;
    json_t *sarr;
    json_t *aarr;
    json_t *o;
    int rc;

    if (paging(r, 30, &page, &per))
        return 0;
    rc = store_tag_by_slug(r->st, slug, r->a, &tag, &err);
    if (rc == GZ_ENOTFOUND)
        return api_error(r, 404, "no such tag");
    if (rc ||
        (page == 1 && store_story_by_tag(r->st, tag.id, 0, 10, r->a, &stories, &nstories, &err)) ||
        store_tag_articles(r->st, tag.id, (page - 1) * per, per + 1, r->a, &arts, &n, &err)) {
        log_error("msg=\"cannot read tag\" err=\"%s\"", err.msg);
        return -1;
    }
    sarr = json_array();
    if (story_list(r, stories, nstories, sarr)) {
        json_decref(sarr);
        return -1;
    }
    aarr = json_array();
    for (size_t i = 0; i < n && i < (size_t)per; i++)
        json_array_append_new(aarr, article_brief(r, &arts[i]));
    o = tag_json(&tag);
    json_object_set_new(o, "articles_total", json_integer(tag.count));
    o = json_pack("{s:o,s:o,s:o}", "tag", o, "stories", sarr, "articles", aarr);
    {
        struct buf path = BUF_INIT;

        buf_adds(&path, "/api/v1/tags/");
        html_url(&path, tag.slug);
        add_paging(r, o, arena_strndup(r->a, path.p, path.len), NULL, page, per, n > (size_t)per);
        buf_release(&path);
    }
    return api_send(r, 200, o);
}

/* "123" or "123/comments" after "article/": the id and what follows it. */
static int64_t
id_and_rest(struct req *r, const char *arg, const char **rest)
{
    const char *slash = strchr(arg, '/');

    *rest = slash ? slash + 1 : NULL;
    return page_id(slash ? arena_strndup(r->a, arg, (size_t)(slash - arg)) : arg);
}

int
page_api(struct req *r, const char *arg)
{
    const char *rest = NULL;
    int64_t id;

    if (!strcmp(arg, "stories"))
        return api_stories(r);
    if (!strcmp(arg, "search"))
        return api_search(r);
    if (!strcmp(arg, "sources"))
        return api_sources(r);
    if (str_has_prefix(arg, "story/")) {
        id = page_id(arg + 6);
        return id ? api_story(r, id) : api_error(r, 404, "no such story");
    }
    if (str_has_prefix(arg, "article/")) {
        id = id_and_rest(r, arg + 8, &rest);
        if (!id)
            return api_error(r, 404, "no such article");
        if (!rest)
            return api_article(r, id);
        if (!strcmp(rest, "comments"))
            return api_comments(r, id);
    }
    if (str_has_prefix(arg, "tags/") && arg[5] && !strchr(arg + 5, '/') && strlen(arg) < 200)
        return api_tag(r, arg + 5);
    return api_error(r, 404, "no such API endpoint");
}
