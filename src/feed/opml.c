/*
 * opml.c - OPML subscription lists (see opml.h), read with libxml2's SAX2
 * interface after the feed cleaning pass.
 */
#include "feed/opml.h"

#include "feed/build.h"
#include "feed/prep.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdlib.h>
#include <string.h>

/* Deepest element read: <opml>, <body>, OPML_MAX_LEVELS folders, the feed outline. */
#define OPML_MAX_DEPTH (OPML_MAX_LEVELS + 3)

struct op {
    struct arena *a;
    xmlParserCtxtPtr ctxt;
    struct opml *o;
    int depth;
    int root_seen;
    int not_opml;
    int in_head_title; /* depth of <head><title>, or 0 */
    struct buf title;
    struct buf path;                     /* folder titles joined by '/' */
    size_t path_len[OPML_MAX_DEPTH + 1]; /* path.len before each outline level */
    struct feed_list feeds;
};

static const char *
attr(struct op *p, int nb, const xmlChar **attrs, const char *name)
{
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;
        struct str v;
        struct buf b = BUF_INIT;
        const char *r;

        if (a[2] || str_casecmp((const char *)a[0], name))
            continue;
        v = (struct str){(const char *)a[3], (size_t)(a[4] - a[3])};
        for (size_t k = 0; k < v.len;) {
            char u[8];
            size_t ul;
            size_t d = v.p[k] == '&' ? entity_decode(v.p + k, v.len - k, 0, u, &ul) : 0;

            if (d) {
                buf_add(&b, u, ul);
                k += d;
            } else {
                buf_addc(&b, v.p[k++]);
            }
        }
        buf_trim(&b);
        r = b.len ? arena_strndup(p->a, b.p, b.len) : NULL;
        buf_release(&b);
        return r;
    }
    return NULL;
}

/*
 * A category path in its one form: segments trimmed, empty ones dropped,
 * joined by '/' ("/News//Europe " is "News/Europe"), the first
 * OPML_MAX_LEVELS kept (a deeper one could be written but not read back);
 * NULL when nothing is left.  In the arena when a is given, else malloc'ed.
 */
static char *
norm_category(struct arena *a, const char *s, size_t n)
{
    char *o = a ? arena_alloc(a, n + 1) : xmalloc(n + 1);
    size_t w = 0;
    size_t i = 0;
    int levels = 0;

    while (i < n && levels < OPML_MAX_LEVELS) {
        size_t j = i;
        struct str seg;

        while (j < n && s[j] != '/')
            j++;
        seg = str_trim((struct str){s + i, j - i});
        if (seg.len) {
            if (w)
                o[w++] = '/';
            memcpy(o + w, seg.p, seg.len);
            w += seg.len;
            levels++;
        }
        i = j + 1;
    }
    o[w] = '\0';
    if (w)
        return o;
    if (!a)
        free(o);
    return NULL;
}

/* A folder title as one path segment: '/' would split it, so it becomes '-'. */
static void
path_push(struct op *p, const char *t)
{
    if (p->path.len)
        buf_addc(&p->path, '/');
    for (const char *c = t; *c; c++)
        buf_addc(&p->path, *c == '/' ? '-' : *c);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nb_ns,
         const xmlChar **ns, int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    struct op *p = ctx;
    const char *name = (const char *)local;

    (void)prefix;
    (void)uri;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    p->depth++;
    if (p->depth == 1) {
        if (str_casecmp(name, "opml")) {
            p->not_opml = 1;
            xmlStopParser(p->ctxt);
        }
        p->root_seen = 1;
        return;
    }
    if (!str_casecmp(name, "title") && p->depth == 3) {
        p->in_head_title = p->depth;
        buf_reset(&p->title);
        return;
    }
    if (str_casecmp(name, "outline") || p->depth > OPML_MAX_DEPTH)
        return;
    p->path_len[p->depth] = p->path.len;
    {
        const char *xml_url = attr(p, nb_attrs, attrs, "xmlUrl");
        const char *text = attr(p, nb_attrs, attrs, "text");
        const char *title = attr(p, nb_attrs, attrs, "title");

        if (!xml_url) {
            /* a folder: its title becomes part of the path of what is inside */
            if (text || title)
                path_push(p, text ? text : title);
            return;
        }
        if (p->feeds.n < OPML_MAX_FEEDS) {
            struct opml_feed *items = p->feeds.items;
            struct opml_feed *f;
            const char *cat = attr(p, nb_attrs, attrs, "category");

            ALLOC_GROW(items, p->feeds.n + 1, p->feeds.alloc);
            p->feeds.items = items;
            f = &items[p->feeds.n++];
            f->xml_url = xml_url;
            f->html_url = attr(p, nb_attrs, attrs, "htmlUrl");
            f->title = text ? text : title;
            if (p->path.len)
                f->category = norm_category(p->a, p->path.p, p->path.len);
            else if (cat) /* OPML 2.0: "/News/Europe,/Tech": the first path */
                f->category = norm_category(p->a, cat, strcspn(cat, ","));
            else
                f->category = NULL;
        }
    }
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct op *p = ctx;

    (void)prefix;
    (void)uri;
    if (p->in_head_title == p->depth) {
        p->in_head_title = 0;
        buf_trim(&p->title);
        if (p->title.len && !p->o->title)
            p->o->title = arena_strndup(p->a, p->title.p, p->title.len);
    } else if (!str_casecmp((const char *)local, "outline") && p->depth <= OPML_MAX_DEPTH &&
               p->depth > 1) {
        buf_setlen(&p->path, p->path_len[p->depth]);
    }
    p->depth--;
}

static void
on_chars(void *ctx, const xmlChar *s, int n)
{
    struct op *p = ctx;

    if (p->in_head_title && p->in_head_title == p->depth)
        buf_add(&p->title, s, (size_t)n);
}

static void
on_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

int
opml_parse(const char *data, size_t len, struct arena *a, struct opml **out, struct gz_err *err)
{
    struct buf doc = BUF_INIT;
    struct op p;
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctxt;
    int rc = 0;

    *out = NULL;
    if (len > OPML_MAX_BYTES)
        return gz_errf(err, GZ_ELIMIT, "OPML is larger than %u bytes", OPML_MAX_BYTES);
    if (feed_xml_prepare(&doc, data, len, NULL, NULL, NULL, err))
        return GZ_ELIMIT;
    memset(&p, 0, sizeof(p));
    p.a = a;
    p.o = ARENA_NEW(a, struct opml);
    buf_init(&p.title, 0);
    buf_init(&p.path, 0);
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_chars;
    sax.cdataBlock = on_chars;
    sax.serror = on_error;
    ctxt = xmlCreatePushParserCtxt(&sax, &p, NULL, 0, NULL);
    if (!ctxt) {
        buf_release(&doc);
        return gz_errf(err, GZ_ENOMEM, "out of memory");
    }
    p.ctxt = ctxt;
    xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    (void)xmlParseChunk(ctxt, doc.p, (int)doc.len, 1); /* recovered, not reported */
    xmlFreeParserCtxt(ctxt);
    buf_release(&doc);
    if (!p.root_seen || p.not_opml) {
        rc = gz_errf(err, GZ_EPARSE, "not an OPML document (no opml root element)");
    } else {
        p.o->feeds = feed_list_copy(a, &p.feeds, sizeof(struct opml_feed));
        p.o->nfeeds = p.feeds.n;
        *out = p.o;
    }
    feed_list_release(&p.feeds);
    buf_release(&p.title);
    buf_release(&p.path);
    return rc;
}

/* s escaped for a double-quoted XML attribute; control characters dropped. */
static void
xml_attr(struct buf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&':
            buf_adds(out, "&amp;");
            break;
        case '<':
            buf_adds(out, "&lt;");
            break;
        case '>':
            buf_adds(out, "&gt;");
            break;
        case '"':
            buf_adds(out, "&quot;");
            break;
        case '\n':
            buf_adds(out, "&#10;");
            break;
        case '\t':
            buf_adds(out, "&#9;");
            break;
        case '\r':
            buf_adds(out, "&#13;");
            break;
        default:
            if (c >= 0x20)
                buf_addc(out, (int)c);
            break;
        }
    }
}

static void
indent(struct buf *out, size_t level)
{
    for (size_t i = 0; i < level + 2; i++)
        buf_add(out, "  ", 2);
}

/* Number of '/'-separated segments the two paths share. */
static size_t
common_levels(const char *a, const char *b)
{
    size_t levels = 0;

    if (!a || !b)
        return 0;
    for (;;) {
        size_t na = strcspn(a, "/");
        size_t nb = strcspn(b, "/");

        if (!na || na != nb || memcmp(a, b, na))
            return levels;
        levels++;
        if (!a[na] || !b[nb])
            return levels;
        a += na + 1;
        b += nb + 1;
    }
}

static size_t
levels_of(const char *c)
{
    size_t n = 0;

    if (!c || !*c)
        return 0;
    n = 1;
    for (; *c; c++)
        n += *c == '/';
    return n;
}

struct order {
    const struct opml_feed *f;
    const char *cat; /* normalized (malloc'ed) or NULL */
    size_t i;
};

static int
cmp_order(const void *x, const void *y)
{
    const struct order *a = x;
    const struct order *b = y;
    const char *ca = a->cat ? a->cat : "";
    const char *cb = b->cat ? b->cat : "";
    int c = strcmp(ca, cb);

    if (c)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

int
opml_write(struct buf *out, const char *title, const struct opml_feed *feeds, size_t n)
{
    struct order *ord = xcalloc(n ? n : 1, sizeof(*ord));
    const char *open = NULL; /* the category path whose outlines are open */
    size_t depth = 0;

    for (size_t i = 0; i < n; i++) {
        ord[i].f = &feeds[i];
        ord[i].cat = feeds[i].category
                         ? norm_category(NULL, feeds[i].category, strlen(feeds[i].category))
                         : NULL;
        ord[i].i = i;
    }
    qsort(ord, n, sizeof(*ord), cmp_order);
    buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    buf_adds(out, "    <title>");
    if (title) {
        for (const char *s = title; *s; s++) {
            if (*s == '&')
                buf_adds(out, "&amp;");
            else if (*s == '<')
                buf_adds(out, "&lt;");
            else if (*s == '>')
                buf_adds(out, "&gt;"); /* "]]>" is not allowed in text */
            else if (*s == '\r')
                buf_adds(out, "&#13;"); /* as itself it would read back as a newline */
            else if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
                buf_addc(out, *s);
        }
    }
    buf_adds(out, "</title>\n  </head>\n  <body>\n");
    for (size_t k = 0; k < n; k++) {
        const struct opml_feed *f = ord[k].f;
        const char *cat = ord[k].cat;
        size_t keep = common_levels(open, cat);
        size_t want = levels_of(cat);
        const char *seg = cat;

        /* close the folders this feed is not in, open the ones it is */
        while (depth > keep) {
            depth--;
            indent(out, depth);
            buf_adds(out, "</outline>\n");
        }
        for (size_t l = 0; l < depth && seg; l++) {
            seg = strchr(seg, '/');
            seg = seg ? seg + 1 : NULL;
        }
        while (depth < want && seg) {
            size_t len = strcspn(seg, "/");
            char *name = xstrndup(seg, len);

            indent(out, depth);
            buf_adds(out, "<outline text=\"");
            xml_attr(out, name);
            buf_adds(out, "\" title=\"");
            xml_attr(out, name);
            buf_adds(out, "\">\n");
            free(name);
            depth++;
            seg = seg[len] ? seg + len + 1 : NULL;
        }
        open = cat;
        indent(out, depth);
        buf_adds(out, "<outline type=\"rss\" text=\"");
        xml_attr(out, f->title ? f->title : "");
        if (f->title) {
            buf_adds(out, "\" title=\"");
            xml_attr(out, f->title);
        }
        buf_adds(out, "\" xmlUrl=\"");
        xml_attr(out, f->xml_url);
        if (f->html_url) {
            buf_adds(out, "\" htmlUrl=\"");
            xml_attr(out, f->html_url);
        }
        buf_adds(out, "\"/>\n");
    }
    while (depth > 0) {
        depth--;
        indent(out, depth);
        buf_adds(out, "</outline>\n");
    }
    buf_adds(out, "  </body>\n</opml>\n");
    for (size_t i = 0; i < n; i++)
        free((char *)ord[i].cat);
    free(ord);
    return out->overflow ? GZ_ELIMIT : 0;
}
