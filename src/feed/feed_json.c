/*
 * feed_json.c - JSON Feed 1.0 and 1.1 (https://jsonfeed.org) with jansson.
 *
 * The document is small next to what an XML feed of the same entries
 * costs, so it is read whole (jansson's parser is bounded in depth).
 * Fields map onto the model as feedparser's JSON reader maps them:
 * content_html (or else content_text) is the content, summary is plain
 * text, the first of authors[] (or 1.0's author) is the author, tags are
 * categories and attachments enclosures.
 */
#include "feed/build.h"
#include "feed/feed.h"
#include "feed/prep.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <jansson.h>
#include <string.h>

struct jp {
    struct arena *a;
    struct buf *scratch;
    const char *base;
};

/* The string member key of o as a slice; {NULL, 0} when absent or not a string. */
static struct str
jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        return (struct str){NULL, 0};
    return (struct str){json_string_value(v), json_string_length(v)};
}

static const char *
jtext(struct jp *p, const json_t *o, const char *key)
{
    struct str s = jstr(o, key);

    return s.p ? feed_text(p->a, p->scratch, s.p, s.len, CT_TEXT) : NULL;
}

static const char *
jurl(struct jp *p, const json_t *o, const char *key)
{
    struct str s = jstr(o, key);

    return s.p ? feed_url(p->a, p->base, s.p, s.len) : NULL;
}

static int64_t
jdate(const json_t *o, const char *key)
{
    struct str s = jstr(o, key);
    int64_t t;

    if (!s.p || time_parse(s.p, s.len, &t))
        return 0;
    return t;
}

/* The name of the first author: 1.1's "authors" array, else 1.0's "author". */
static const char *
jauthor(struct jp *p, const json_t *o)
{
    const json_t *list = json_object_get(o, "authors");
    const json_t *au = NULL;

    if (json_is_array(list) && json_array_size(list))
        au = json_array_get(list, 0);
    else
        au = json_object_get(o, "author");
    if (!json_is_object(au))
        return NULL;
    return jtext(p, au, "name");
}

static void
json_entry(struct jp *p, const json_t *it, struct feed_entry *e)
{
    const json_t *id = json_object_get(it, "id");
    struct str html = jstr(it, "content_html");
    struct str text = jstr(it, "content_text");
    struct str summary = jstr(it, "summary");
    const json_t *tags = json_object_get(it, "tags");
    const json_t *att = json_object_get(it, "attachments");
    struct feed_list cats = {NULL, 0, 0};

    memset(e, 0, sizeof(*e));
    if (json_is_string(id))
        e->id = arena_strndup(p->a, json_string_value(id), json_string_length(id));
    else if (json_is_integer(id))
        e->id = arena_printf(p->a, "%lld", (long long)json_integer_value(id));
    e->title = jtext(p, it, "title");
    e->link = jurl(p, it, "url");
    if (!e->link)
        e->link = jurl(p, it, "external_url");
    e->author = jauthor(p, it);
    if (html.p)
        e->content =
            feed_html(p->a, p->scratch, html.p, html.len, CT_HTML, e->link ? e->link : p->base);
    else if (text.p)
        e->content = feed_html(p->a, p->scratch, text.p, text.len, CT_TEXT, NULL);
    if (summary.p)
        e->summary = feed_html(p->a, p->scratch, summary.p, summary.len, CT_TEXT, NULL);
    e->image = jurl(p, it, "image");
    if (!e->image)
        e->image = jurl(p, it, "banner_image");
    e->published = jdate(it, "date_published");
    e->updated = jdate(it, "date_modified");
    if (json_is_array(tags)) {
        size_t i;
        const json_t *t;

        json_array_foreach(tags, i, t)
        {
            if (json_is_string(t))
                feed_add_category(&cats, p->a, json_string_value(t), json_string_length(t));
        }
        e->categories = feed_list_copy(p->a, &cats, sizeof(const char *));
        e->ncategories = cats.n;
        feed_list_release(&cats);
    }
    if (json_is_array(att) && json_array_size(att)) {
        size_t i;
        const json_t *t;
        size_t n = 0;

        e->enclosures = ARENA_NEWN(p->a, struct feed_enclosure, json_array_size(att));
        json_array_foreach(att, i, t)
        {
            struct feed_enclosure *en = &e->enclosures[n];
            const json_t *size = json_object_get(t, "size_in_bytes");
            struct str type = jstr(t, "mime_type");

            if (n == FEED_MAX_ENCLOSURES)
                break;
            if (!json_is_object(t))
                continue;
            en->url = jurl(p, t, "url");
            if (!en->url)
                continue;
            en->type = type.p && type.len ? arena_strndup(p->a, type.p, type.len) : NULL;
            en->length = json_is_integer(size) && json_integer_value(size) > 0
                             ? (int64_t)json_integer_value(size)
                             : 0;
            n++;
        }
        e->nenclosures = n;
    }
}

int
feed_parse_json(struct feed_parser *fp, const char *data, size_t len, const char *url,
                const char *http_charset, struct arena *a, struct feed **out, struct gz_err *err)
{
    struct buf *doc = &fp->doc;
    struct jp p;
    json_error_t je;
    json_t *root;
    const json_t *items;
    struct feed *f;
    int rc = 0;

    buf_reset(doc);
    feed_to_utf8(doc, data, len, http_charset);
    root = json_loadb(doc->p, doc->len, JSON_ALLOW_NUL, &je);
    if (!root)
        return gz_errf(err, GZ_EPARSE, "bad JSON at line %d: %s", je.line, je.text);
    items = json_object_get(root, "items");
    if (!json_is_object(root) || (!json_is_array(items) && !jstr(root, "version").p)) {
        json_decref(root);
        return gz_errf(err, GZ_EPARSE, "not a JSON Feed (no version or items)");
    }
    memset(&p, 0, sizeof(p));
    p.a = a;
    p.scratch = &fp->scratch;
    p.base = url && url_is_http(url) ? url : NULL;
    f = ARENA_NEW(a, struct feed);
    f->format = FEED_JSONFEED;
    f->title = jtext(&p, root, "title");
    f->link = jurl(&p, root, "home_page_url");
    f->subtitle = jtext(&p, root, "description");
    f->language = jtext(&p, root, "language");
    f->author = jauthor(&p, root);
    if (json_is_array(items)) {
        size_t n = json_array_size(items);
        size_t i;
        const json_t *it;
        size_t k = 0;

        if (n > FEED_MAX_ENTRIES)
            n = FEED_MAX_ENTRIES;
        f->entries = ARENA_NEWN(a, struct feed_entry, n ? n : 1);
        json_array_foreach(items, i, it)
        {
            if (k == n)
                break;
            if (json_is_object(it))
                json_entry(&p, it, &f->entries[k++]);
        }
        f->nentries = k;
    }
    json_decref(root);
    *out = f;
    return rc;
}
