/*
 * discover.c - feed autodiscovery from a page's <link> elements, plus
 * the common feed paths (see discover.h).
 *
 * The page is scanned, not parsed into a tree: only <link> and <base>
 * start tags matter, so a small tokenizer that knows comments, raw-text
 * elements and quoted attributes is enough, and costs nothing on pages of
 * any size.
 */
#include "feed/discover.h"

#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/str.h"
#include "util/url.h"

#include <string.h>

static const char *const feed_types[] = {
    "application/rss+xml",    "application/atom+xml", "application/rdf+xml",
    "application/feed+json",  "application/json",     "application/x.atom+xml",
    "application/x-atom+xml",
};

static const char *const common_paths[] = {
    "/feed", "/rss", "/atom.xml", "/feed.xml", "/index.xml", "/rss.xml",
};

struct attrs {
    struct str rel;
    struct str type;
    struct str href;
    struct str title;
};

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* An attribute value with references decoded and ends trimmed, in the arena. */
static const char *
value(struct arena *a, struct str v)
{
    struct buf b = BUF_INIT;
    const char *r;

    for (size_t i = 0; i < v.len;) {
        char u[8];
        size_t ul;
        size_t k = v.p[i] == '&' ? entity_decode(v.p + i, v.len - i, 0, u, &ul) : 0;

        if (k) {
            buf_add(&b, u, ul);
            i += k;
        } else {
            buf_addc(&b, v.p[i++]);
        }
    }
    buf_trim(&b);
    r = b.len ? arena_strndup(a, b.p, b.len) : NULL;
    buf_release(&b);
    return r;
}

/* Read the attributes of the tag starting at p; returns the position after '>'. */
static const char *
read_attrs(const char *p, const char *end, struct attrs *at)
{
    memset(at, 0, sizeof(*at));
    for (;;) {
        const char *name;
        size_t nlen;
        struct str v = {"", 0};

        while (p < end && (is_space((unsigned char)*p) || *p == '/'))
            p++;
        if (p >= end)
            return end;
        if (*p == '>')
            return p + 1;
        name = p;
        while (p < end && !is_space((unsigned char)*p) && *p != '>' && *p != '=' && *p != '/')
            p++;
        nlen = (size_t)(p - name);
        while (p < end && is_space((unsigned char)*p))
            p++;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space((unsigned char)*p))
                p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

                v = (struct str){p + 1, (size_t)((q ? q : end) - p - 1)};
                p = q ? q + 1 : end;
            } else {
                const char *s = p;

                while (p < end && !is_space((unsigned char)*p) && *p != '>')
                    p++;
                v = (struct str){s, (size_t)(p - s)};
            }
        }
        if (nlen == 3 && !str_ncasecmp(name, "rel", 3) && !at->rel.p)
            at->rel = v;
        else if (nlen == 4 && !str_ncasecmp(name, "type", 4) && !at->type.p)
            at->type = v;
        else if (nlen == 4 && !str_ncasecmp(name, "href", 4) && !at->href.p)
            at->href = v;
        else if (nlen == 5 && !str_ncasecmp(name, "title", 5) && !at->title.p)
            at->title = v;
    }
}

/* 1 when the space-separated list s holds token (case-insensitive). */
static int
has_token(struct str s, const char *token)
{
    size_t n = strlen(token);
    size_t i = 0;

    while (i < s.len) {
        size_t j;

        while (i < s.len && is_space((unsigned char)s.p[i]))
            i++;
        j = i;
        while (j < s.len && !is_space((unsigned char)s.p[j]))
            j++;
        if (j - i == n && !str_ncasecmp(s.p + i, token, n))
            return 1;
        i = j;
    }
    return 0;
}

static int
is_feed_type(struct str t)
{
    struct str s = str_trim(t);
    const char *semi = memchr(s.p ? s.p : "", ';', s.len);

    if (semi)
        s.len = (size_t)(semi - s.p);
    s = str_trim(s);
    for (size_t i = 0; i < sizeof(feed_types) / sizeof(feed_types[0]); i++)
        if (str_ieq(s, feed_types[i]))
            return 1;
    return 0;
}

/* The tag name at p (after '<') matches name, ending at a space, '/' or '>'. */
static int
tag_is(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);

    return (size_t)(end - p) > n && !str_ncasecmp(p, name, n) &&
           (is_space((unsigned char)p[n]) || p[n] == '>' || p[n] == '/');
}

/* Skip to after the end tag of a raw-text element (script, style). */
static const char *
skip_raw(const char *p, const char *end, const char *name)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));

        if (!lt)
            return end;
        if (lt + 1 < end && lt[1] == '/' && tag_is(lt + 2, end, name)) {
            const char *gt = memchr(lt, '>', (size_t)(end - lt));

            return gt ? gt + 1 : end;
        }
        p = lt + 1;
    }
    return end;
}

struct found {
    struct arena *a;
    struct feed_candidate *list;
    size_t n;
};

static void
add(struct found *f, const char *url, const char *title, const char *type, int guessed)
{
    if (!url || f->n >= DISCOVER_MAX)
        return;
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->list[i].url, url))
            return;
    f->list[f->n].url = url;
    f->list[f->n].title = title;
    f->list[f->n].type = type;
    f->list[f->n].guessed = guessed;
    f->n++;
}

/* href resolved against base; NULL when that gives no http(s) URL. */
static const char *
resolve(struct arena *a, const char *base, const char *href)
{
    struct buf b = BUF_INIT;
    const char *r = NULL;

    if (!base)
        return href;
    if (!url_resolve(&b, base, href, NULL) && url_is_http(b.p))
        r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

int
feed_discover(const char *html, size_t len, const char *page_url, struct arena *a,
              struct feed_candidate **out, size_t *n, struct gz_err *err)
{
    const char *p = html;
    const char *end = html + len;
    const char *base = page_url && url_is_http(page_url) ? page_url : NULL;
    struct found f = {a, NULL, 0};

    *out = NULL;
    *n = 0;
    if (len > FEED_MAX_BYTES)
        return gz_errf(err, GZ_ELIMIT, "page is larger than %u bytes", FEED_MAX_BYTES);
    f.list = ARENA_NEWN(a, struct feed_candidate, DISCOVER_MAX);
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        struct attrs at;

        if (!lt)
            break;
        p = lt + 1;
        if (end - p >= 3 && !memcmp(p, "!--", 3)) {
            const char *q = p + 3;

            while (q + 2 < end && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
                q++;
            p = q + 2 < end ? q + 3 : end;
        } else if (tag_is(p, end, "script") || tag_is(p, end, "style")) {
            const char *name = tag_is(p, end, "script") ? "script" : "style";
            const char *gt = memchr(p, '>', (size_t)(end - p));

            p = skip_raw(gt ? gt + 1 : end, end, name);
        } else if (tag_is(p, end, "base")) {
            p = read_attrs(p + 4, end, &at);
            if (at.href.p) {
                const char *h = value(a, at.href);
                const char *b = h ? resolve(a, base, h) : NULL;

                if (b && url_is_http(b))
                    base = b;
            }
        } else if (tag_is(p, end, "link")) {
            p = read_attrs(p + 4, end, &at);
            if (at.href.p && at.type.p && at.rel.p &&
                (has_token(at.rel, "alternate") || has_token(at.rel, "feed")) &&
                !has_token(at.rel, "stylesheet") && is_feed_type(at.type)) {
                const char *h = value(a, at.href);

                if (h)
                    add(&f, resolve(a, base, h), value(a, at.title), value(a, at.type), 0);
            }
        }
    }
    if (base) {
        for (size_t i = 0; i < sizeof(common_paths) / sizeof(common_paths[0]); i++)
            add(&f, resolve(a, base, common_paths[i]), NULL, NULL, 1);
    }
    *out = f.list;
    *n = f.n;
    return 0;
}
