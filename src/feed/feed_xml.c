/*
 * feed_xml.c - RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 with libxml2's SAX2
 * interface: no tree is built, one pass over the (prepared) bytes.
 *
 * Elements are recognised by a canonical name: the namespace URI mapped
 * to a short prefix ("dc", "media", ...; the RSS and Atom namespaces map
 * to none, as in feedparser) plus the lower-cased local name.  The sorted
 * table tag_rules[] maps each name to what it does (its role) and which
 * field it fills in an entry and in the feed; a field keeps the value of
 * the element with the highest priority, and among equals the shallowest,
 * then the last one.  So quirks are rows of data: media:title fills a
 * title only when there is no <title>, an <id> inside an entry's <image>
 * loses to the entry's own <id>.
 *
 * Text is collected only while a field element is open ("the sink"); the
 * markup inside a text construct (Atom xhtml, or HTML left unescaped in
 * RSS) is serialized back into the sink.
 */
#include "extract/sanitize.h"
#include "feed/build.h"
#include "feed/feed.h"
#include "feed/prep.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum role {
    R_NONE = 0,
    R_RSS,
    R_RDF,
    R_FEED,
    R_CHANNEL,
    R_ENTRY,
    R_SKIP, /* image, textInput, source, contributor: nothing inside fills a field */
    R_TEXT, /* a text construct: title, summary, content, ... */
    R_VALUE,
    R_DATE,
    R_DCDATE,
    R_LINK,
    R_GUID,
    R_AUTHOR,
    R_NAME,
    R_EMAIL,
    R_CATEGORY,
    R_ITUNES_CATEGORY,
    R_KEYWORDS,
    R_ENCLOSURE,
    R_MEDIA_CONTENT,
    R_MEDIA_THUMBNAIL,
    R_ITUNES_IMAGE,
};

enum field {
    F_NONE = 0,
    F_TITLE,
    F_LINK,
    F_SUMMARY,
    F_SUBTITLE,
    F_CONTENT,
    F_ID,
    F_AUTHOR,
    F_PUBLISHED,
    F_UPDATED,
    F_LANGUAGE,
    F_IMAGE,
    F_COUNT
};

enum tag_flags {
    TF_DIVERT = 1 << 0,  /* a second summary in an entry without content is its content */
    TF_CONTENT = 1 << 1, /* an entry's real content element */
};

struct tag_rule {
    const char *key; /* "prefix:local" or "local", lower case */
    unsigned char role;
    unsigned char efield; /* the field it fills in an entry */
    unsigned char ffield; /* the field it fills in the feed */
    unsigned char prio;
    unsigned char ctype; /* default content type */
    unsigned char flags;
};

/* Sorted by key (bytewise) for bsearch; feed_test checks the order. */
static const struct tag_rule tag_rules[] = {
    {"abstract", R_TEXT, F_SUMMARY, F_SUBTITLE, 3, CT_TEXT, 0},
    {"author", R_AUTHOR, F_AUTHOR, F_AUTHOR, 3, CT_TEXT, 0},
    {"body", R_TEXT, F_CONTENT, F_NONE, 3, CT_XHTML, TF_CONTENT},
    {"category", R_CATEGORY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"channel", R_CHANNEL, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"content", R_TEXT, F_CONTENT, F_NONE, 3, CT_TEXT, TF_CONTENT},
    {"content:encoded", R_TEXT, F_CONTENT, F_NONE, 3, CT_HTML, TF_CONTENT},
    {"contributor", R_SKIP, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"dc:author", R_AUTHOR, F_AUTHOR, F_AUTHOR, 3, CT_TEXT, 0},
    {"dc:creator", R_AUTHOR, F_AUTHOR, F_AUTHOR, 3, CT_TEXT, 0},
    {"dc:date", R_DCDATE, F_UPDATED, F_UPDATED, 3, CT_TEXT, 0},
    {"dc:description", R_TEXT, F_SUMMARY, F_SUBTITLE, 3, CT_HTML, TF_DIVERT},
    {"dc:language", R_VALUE, F_NONE, F_LANGUAGE, 3, CT_TEXT, 0},
    {"dc:subject", R_CATEGORY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"dc:title", R_TEXT, F_TITLE, F_TITLE, 3, CT_TEXT, 0},
    {"dcterms:issued", R_DATE, F_PUBLISHED, F_PUBLISHED, 3, CT_TEXT, 0},
    {"dcterms:modified", R_DATE, F_UPDATED, F_UPDATED, 3, CT_TEXT, 0},
    {"description", R_TEXT, F_SUMMARY, F_SUBTITLE, 3, CT_HTML, TF_DIVERT},
    {"email", R_EMAIL, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"enclosure", R_ENCLOSURE, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"entry", R_ENTRY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"feed", R_FEED, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"fullitem", R_TEXT, F_CONTENT, F_NONE, 3, CT_HTML, TF_CONTENT},
    {"guid", R_GUID, F_ID, F_NONE, 3, CT_TEXT, 0},
    {"id", R_GUID, F_ID, F_NONE, 3, CT_TEXT, 0},
    {"image", R_SKIP, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"issued", R_DATE, F_PUBLISHED, F_PUBLISHED, 3, CT_TEXT, 0},
    {"item", R_ENTRY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"itunes:author", R_AUTHOR, F_AUTHOR, F_AUTHOR, 2, CT_TEXT, 0},
    {"itunes:category", R_ITUNES_CATEGORY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"itunes:image", R_ITUNES_IMAGE, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"itunes:keywords", R_KEYWORDS, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"itunes:owner", R_SKIP, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"itunes:subtitle", R_TEXT, F_NONE, F_SUBTITLE, 2, CT_TEXT, 0},
    {"itunes:summary", R_TEXT, F_SUMMARY, F_NONE, 2, CT_TEXT, TF_DIVERT},
    {"keywords", R_CATEGORY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"language", R_VALUE, F_NONE, F_LANGUAGE, 3, CT_TEXT, 0},
    {"lastbuilddate", R_DATE, F_UPDATED, F_UPDATED, 3, CT_TEXT, 0},
    {"link", R_LINK, F_LINK, F_LINK, 3, CT_TEXT, 0},
    {"managingeditor", R_AUTHOR, F_AUTHOR, F_AUTHOR, 2, CT_TEXT, 0},
    {"media:category", R_CATEGORY, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"media:content", R_MEDIA_CONTENT, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"media:description", R_TEXT, F_SUMMARY, F_SUBTITLE, 1, CT_HTML, TF_DIVERT},
    {"media:keywords", R_KEYWORDS, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"media:thumbnail", R_MEDIA_THUMBNAIL, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"media:title", R_TEXT, F_TITLE, F_TITLE, 1, CT_TEXT, 0},
    {"modified", R_DATE, F_UPDATED, F_UPDATED, 3, CT_TEXT, 0},
    {"name", R_NAME, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"pubdate", R_DATE, F_PUBLISHED, F_PUBLISHED, 3, CT_TEXT, 0},
    {"published", R_DATE, F_PUBLISHED, F_PUBLISHED, 3, CT_TEXT, 0},
    {"rdf:rdf", R_RDF, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"rss", R_RSS, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"source", R_SKIP, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"subtitle", R_TEXT, F_NONE, F_SUBTITLE, 3, CT_TEXT, 0},
    {"summary", R_TEXT, F_SUMMARY, F_NONE, 3, CT_TEXT, TF_DIVERT},
    {"tagline", R_TEXT, F_NONE, F_SUBTITLE, 3, CT_TEXT, 0},
    {"tags", R_KEYWORDS, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"textinput", R_SKIP, F_NONE, F_NONE, 0, CT_TEXT, 0},
    {"title", R_TEXT, F_TITLE, F_TITLE, 3, CT_TEXT, 0},
    {"updated", R_DATE, F_UPDATED, F_UPDATED, 3, CT_TEXT, 0},
    {"xhtml:body", R_TEXT, F_CONTENT, F_NONE, 3, CT_XHTML, TF_CONTENT},
};

/* Namespaces feeds use, lower case, sorted, to the prefix the table speaks of. */
struct ns_rule {
    const char *uri;
    const char *prefix;
};

static const struct ns_rule ns_rules[] = {
    {"http://backend.userland.com/rss", ""},
    {"http://backend.userland.com/rss2", ""},
    {"http://blogs.law.harvard.edu/tech/rss", ""},
    {"http://example.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://example.com/necho", ""},
    {"http://example.com/newformat#", ""},
    {"http://my.netscape.com/rdf/simple/0.9/", ""},
    {"http://purl.org/atom/ns#", ""},
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://purl.org/dc/terms/", "dcterms"},
    {"http://purl.org/echo/", ""},
    {"http://purl.org/pie/", ""},
    {"http://purl.org/rss/1.0/", ""},
    {"http://purl.org/rss/1.0/modules/content/", "content"},
    {"http://purl.org/rss/1.0/modules/rss091#", ""},
    {"http://search.yahoo.com/mrss", "media"},
    {"http://search.yahoo.com/mrss/", "media"},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
    {"http://www.w3.org/1999/xhtml", "xhtml"},
    {"http://www.w3.org/2005/atom", ""},
    {"uri/of/echo/namespace#", ""},
};

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_MATHML "http://www.w3.org/1998/Math/MathML"
#define NS_SVG "http://www.w3.org/2000/svg"

/* Deeper elements are skipped (their text and fields ignored). */
#define XP_MAX_DEPTH 256
#define NS_CACHE 8
/* Bytes handed to libxml2 at a time. */
#define XP_CHUNK (64 * 1024 * 1024)

struct frame {
    const struct tag_rule *rule;
    unsigned char field; /* F_* this element fills, in its context */
    unsigned char prio;
    unsigned char ctype;
    unsigned char base64;
    unsigned char serialize; /* inline markup written into the sink */
    unsigned char quiet;     /* inline <div> of escaped content: not written */
    unsigned char skip;      /* inside image, source, ...: fills nothing */
    unsigned char in_entry;
    unsigned char permalink;  /* guid: may serve as the link */
    unsigned char html_field; /* the field holds HTML (entry summary/content) */
    int prev_sink;
    size_t text_start;
    const char *base; /* xml:base in effect, absolute, or NULL (arena) */
};

struct slot {
    const char *s;
    int64_t t;
    int prio;
    int depth;
    int set;
};

struct xp {
    struct arena *a;
    const char *doc_base; /* the document's URL when it is http(s), else NULL */
    xmlParserCtxtPtr ctxt;
    struct feed *feed;
    int depth;
    int not_feed;
    int sink;                       /* index of the frame collecting text, or -1 */
    const struct prep_texts *texts; /* these point into the struct feed_parser */
    struct buf *text;
    struct buf *scratch;
    struct buf *scratch2;
    /* the feed */
    struct slot fs[F_COUNT];
    /* the entry being read (entry_depth > 0) */
    int entry_depth;
    int has_content;
    struct slot es[F_COUNT];
    struct feed_list *cats;
    struct feed_list *encls;
    const char *author_name;
    const char *author_email;
    struct feed_list *entries;
    /* namespace URI (interned by libxml2) to prefix */
    const xmlChar *ns_uri[NS_CACHE];
    const char *ns_prefix[NS_CACHE];
    int ns_next;
    /* last: reset by the parse, not zeroed (each frame is set when opened) */
    struct frame stack[XP_MAX_DEPTH];
};

/* The table's prefix for a namespace; NULL when the namespace is not one we know. */
static const char *
ns_prefix(struct xp *p, const xmlChar *uri)
{
    char low[128];
    size_t n;
    const struct ns_rule *r;
    const char *pre = NULL;

    if (!uri || !*uri)
        return "";
    for (int i = 0; i < NS_CACHE; i++)
        if (p->ns_uri[i] == uri)
            return p->ns_prefix[i];
    n = strlen((const char *)uri);
    if (n < sizeof(low)) {
        for (size_t i = 0; i <= n; i++) {
            char c = (char)uri[i];

            low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        r = str_bsearch(low, ns_rules, sizeof(ns_rules) / sizeof(ns_rules[0]), sizeof(ns_rules[0]));
        if (r)
            pre = r->prefix;
        else if (strstr(low, "backend.userland.com/rss"))
            pre = "";
    }
    p->ns_uri[p->ns_next] = uri;
    p->ns_prefix[p->ns_next] = pre;
    p->ns_next = (p->ns_next + 1) % NS_CACHE;
    return pre;
}

static const struct tag_rule *
find_rule(struct xp *p, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    char key[80];
    const char *pre = ns_prefix(p, uri);
    size_t n = 0;

    if (!pre || (!uri && prefix)) /* unknown or undeclared namespace: its prefix names it */
        pre = prefix ? (const char *)prefix : "";
    if (*pre) {
        size_t k = strlen(pre);

        if (k > 20)
            return NULL;
        memcpy(key, pre, k);
        key[k] = ':';
        n = k + 1;
    }
    for (const xmlChar *c = local; *c; c++) {
        if (n >= sizeof(key) - 1)
            return NULL;
        key[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    key[n] = '\0';
    return str_bsearch(key, tag_rules, sizeof(tag_rules) / sizeof(tag_rules[0]),
                       sizeof(tag_rules[0]));
}

/* ---- attributes ---- */

/* The value of attribute local (in namespace uri, NULL: none) as a slice, or {NULL, 0}. */
static struct str
attr_raw(int nb, const xmlChar **attrs, const char *local, const char *uri)
{
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;

        if ((a[0][0] | 0x20) != ((unsigned char)local[0] | 0x20) ||
            str_casecmp((const char *)a[0], local))
            continue;
        if (uri ? (!a[2] || strcmp((const char *)a[2], uri)) : a[2] != NULL)
            continue;
        return (struct str){(const char *)a[3], (size_t)(a[4] - a[3])};
    }
    return (struct str){NULL, 0};
}

/* An attribute value with its references decoded, in the arena; NULL when absent. */
static const char *
attr_get(struct xp *p, int nb, const xmlChar **attrs, const char *local, const char *uri)
{
    struct str v = attr_raw(nb, attrs, local, uri);

    if (!v.p)
        return NULL;
    if (memchr(v.p, '&', v.len)) {
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
        r = arena_strndup(p->a, b.p, b.len);
        buf_release(&b);
        return r;
    }
    return arena_strndup(p->a, v.p, v.len);
}

/* ---- fields ---- */

static void
slot_set(struct slot *s, const char *v, int64_t t, int prio, int depth)
{
    if (s->set && (prio < s->prio || (prio == s->prio && depth > s->depth)))
        return;
    s->s = v;
    s->t = t;
    s->prio = prio;
    s->depth = depth;
    s->set = 1;
}

static struct slot *
slots(struct xp *p, int in_entry)
{
    return in_entry ? p->es : p->fs;
}

static int
in_entry(const struct xp *p)
{
    return p->entry_depth > 0 && p->depth > p->entry_depth;
}

static int
is_atom(const struct xp *p)
{
    return p->feed->format == FEED_ATOM10 || p->feed->format == FEED_ATOM03;
}

static enum feed_ctype
map_ctype(const char *t, enum feed_ctype def)
{
    if (!t)
        return def;
    if (!*t)
        return def;
    if (!str_casecmp(t, "text") || !str_casecmp(t, "plain") || !str_casecmp(t, "text/plain"))
        return CT_TEXT;
    if (!str_casecmp(t, "html") || !str_casecmp(t, "text/html"))
        return CT_HTML;
    if (!str_casecmp(t, "xhtml") || !str_casecmp(t, "application/xhtml+xml"))
        return CT_XHTML;
    return CT_OTHER;
}

/* feedparser's rule: base64 unless text/ or XML. */
static int
is_base64_type(const char *t, const char *mode)
{
    size_t n;

    if (mode && !str_casecmp(mode, "base64"))
        return 1;
    if (!t || !*t)
        return 0;
    n = strlen(t);
    if (!str_ncasecmp(t, "text", 4) || !str_casecmp(t, "html") || !str_casecmp(t, "xhtml"))
        return 0;
    if (n >= 4 && (!str_casecmp(t + n - 4, "+xml") || !str_casecmp(t + n - 4, "/xml")))
        return 0;
    return 1;
}

static void
add_enclosure(struct xp *p, const char *url, const char *type, const char *len, const char *base)
{
    struct feed_enclosure *items = p->encls->items;
    struct feed_enclosure e;
    int64_t n = 0;

    if (p->encls->n >= FEED_MAX_ENCLOSURES)
        return;
    e.url = feed_url(p->a, base, url ? url : "", url ? strlen(url) : 0);
    if (!e.url)
        return;
    for (size_t i = 0; i < p->encls->n; i++)
        if (!strcmp(items[i].url, e.url))
            return;
    e.type = type && *type ? type : NULL;
    if (len && str_to_i64(len, 0, INT64_MAX, &n))
        n = 0;
    e.length = n;
    ALLOC_GROW(items, p->encls->n + 1, p->encls->alloc);
    items[p->encls->n++] = e;
    p->encls->items = items;
}

static void
add_keywords(struct xp *p, const char *s, size_t n)
{
    while (n) {
        const char *c = memchr(s, ',', n);
        size_t k = c ? (size_t)(c - s) : n;

        feed_add_category(p->cats, p->a, s, k);
        if (!c)
            break;
        s = c + 1;
        n -= k + 1;
    }
}

static void
set_image(struct xp *p, const char *url, int prio, const char *base)
{
    const char *u;

    if (!url || !*url || !in_entry(p))
        return;
    u = feed_url(p->a, base, url, strlen(url));
    if (u)
        slot_set(&p->es[F_IMAGE], u, 0, prio, p->depth);
}

/* ---- entries ---- */

static void
entry_begin(struct xp *p)
{
    memset(p->es, 0, sizeof(p->es));
    p->entry_depth = p->depth;
    p->has_content = 0;
    p->cats->n = 0;
    p->encls->n = 0;
}

static void
entry_end(struct xp *p)
{
    struct feed_entry *items = p->entries->items;
    struct feed_entry *e;

    ALLOC_GROW(items, p->entries->n + 1, p->entries->alloc);
    p->entries->items = items;
    e = &items[p->entries->n++];
    memset(e, 0, sizeof(*e));
    e->id = p->es[F_ID].s;
    e->title = p->es[F_TITLE].s;
    e->link = p->es[F_LINK].s;
    e->author = p->es[F_AUTHOR].s;
    e->summary = p->es[F_SUMMARY].s;
    e->content = p->es[F_CONTENT].s;
    e->image = p->es[F_IMAGE].s;
    e->published = p->es[F_PUBLISHED].t;
    e->updated = p->es[F_UPDATED].t;
    e->categories = feed_list_copy(p->a, p->cats, sizeof(const char *));
    e->ncategories = p->cats->n;
    e->enclosures = feed_list_copy(p->a, p->encls, sizeof(struct feed_enclosure));
    e->nenclosures = p->encls->n;
    if (!e->image) {
        for (size_t i = 0; i < e->nenclosures; i++) {
            if (e->enclosures[i].type && !str_ncasecmp(e->enclosures[i].type, "image/", 6)) {
                e->image = e->enclosures[i].url;
                break;
            }
        }
    }
    p->entry_depth = 0;
}

/* ---- the format, from the root element ---- */

static void
root_format(struct xp *p, const struct tag_rule *r, const xmlChar *uri, int nb_ns,
            const xmlChar **ns, int nb_attrs, const xmlChar **attrs)
{
    struct feed *f = p->feed;

    if (!r) {
        p->not_feed = 1;
        return;
    }
    switch (r->role) {
    case R_RSS: {
        struct str v = attr_raw(nb_attrs, attrs, "version", NULL);

        f->format = FEED_RSS2;
        if (v.p && v.len >= 3 && !memcmp(v.p, "0.9", 3))
            f->format = FEED_RSS09X;
        break;
    }
    case R_RDF:
        f->format = FEED_RSS1;
        for (int i = 0; i < nb_ns; i++)
            if (ns[i * 2 + 1] && !str_casecmp((const char *)ns[i * 2 + 1], NS_RSS090))
                f->format = FEED_RSS09X;
        break;
    case R_FEED: {
        struct str v = attr_raw(nb_attrs, attrs, "version", NULL);

        if (uri && !str_casecmp((const char *)uri, NS_ATOM10))
            f->format = FEED_ATOM10;
        else if ((uri && !str_casecmp((const char *)uri, NS_ATOM03)) ||
                 (v.p && v.len == 3 && !memcmp(v.p, "0.3", 3)))
            f->format = FEED_ATOM03;
        else
            f->format = FEED_ATOM10;
        break;
    }
    case R_CHANNEL:
        f->format = FEED_RSS2;
        break;
    default:
        p->not_feed = 1;
        break;
    }
}

/* ---- serializing inline markup into the sink ---- */

static void
esc_into(struct buf *b, const char *s, size_t n, int attr)
{
    const char *run = s;
    const char *end = s + n;

    for (; s < end; s++) {
        const char *rep;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            if (!attr)
                continue;
            rep = "&quot;";
            break;
        default:
            continue;
        }
        buf_add(b, run, (size_t)(s - run));
        buf_adds(b, rep);
        run = s + 1;
    }
    buf_add(b, run, (size_t)(end - run));
}

static void
serialize_start(struct xp *p, const xmlChar *local, const xmlChar *uri, int nb_attrs,
                const xmlChar **attrs)
{
    struct buf *b = p->text;

    buf_addc(b, '<');
    buf_adds(b, (const char *)local);
    if (uri && (!strcmp((const char *)uri, NS_SVG) || !strcmp((const char *)uri, NS_MATHML)) &&
        (!strcmp((const char *)local, "svg") || !strcmp((const char *)local, "math"))) {
        buf_adds(b, " xmlns=\"");
        buf_adds(b, (const char *)uri);
        buf_addc(b, '"');
    }
    for (int i = 0; i < nb_attrs; i++) {
        const xmlChar **a = attrs + i * 5;
        const char *v;

        buf_addc(b, ' ');
        if (a[1]) {
            buf_adds(b, (const char *)a[1]);
            buf_addc(b, ':');
        }
        buf_adds(b, (const char *)a[0]);
        buf_add(b, "=\"", 2);
        v = attr_get(p, nb_attrs, attrs, (const char *)a[0], (const char *)a[2]);
        if (v)
            esc_into(b, v, strlen(v), 1);
        buf_addc(b, '"');
    }
    buf_addc(b, '>');
}

/* Atom 1.0 xhtml content comes wrapped in one <div>: drop the wrapper. */
static struct str
strip_div(struct str s)
{
    int depth = 0;

    s = str_trim(s);
    if (s.len < 11 || memcmp(s.p, "<div", 4) || (s.p[4] != '>' && s.p[4] != ' ') ||
        memcmp(s.p + s.len - 6, "</div>", 6))
        return s;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != '<')
            continue;
        if (s.p[i + 1] == '/') {
            if (--depth == 0 && i != s.len - 6)
                return s; /* the first div closes before the end */
        } else {
            depth++;
        }
    }
    {
        const char *gt = memchr(s.p, '>', s.len);

        return (struct str){gt + 1, (size_t)(s.p + s.len - 6 - gt - 1)};
    }
}

/* "en_US" is written "en-US" */
static const char *
language_tag(struct xp *p, const char *v)
{
    char *s;

    if (!strchr(v, '_'))
        return v;
    s = arena_strdup(p->a, v);
    for (char *c = s; *c; c++)
        if (*c == '_')
            *c = '-';
    return s;
}

/* ---- the end of a field element: its text into the model ---- */

static void
finish_text(struct xp *p, struct frame *f)
{
    struct str raw = {p->text->p + f->text_start, p->text->len - f->text_start};
    struct slot *sl = slots(p, f->in_entry);
    enum feed_ctype ct = (enum feed_ctype)f->ctype;
    const char *v;

    raw = str_trim(raw);
    if (f->base64) {
        buf_reset(p->scratch2);
        if (!feed_base64_decode(p->scratch2, raw.p, raw.len) &&
            str_utf8_valid_prefix(p->scratch2->p, p->scratch2->len) == p->scratch2->len)
            raw = (struct str){p->scratch2->p, p->scratch2->len};
    }
    if (ct == CT_XHTML && p->feed->format == FEED_ATOM10)
        raw = strip_div(raw);
    if (ct == CT_TEXT && !is_atom(p) && feed_looks_like_html(raw.p, raw.len))
        ct = CT_HTML;
    if (f->html_field)
        v = feed_html(p->a, p->scratch, raw.p, raw.len, ct, f->base);
    else
        v = feed_text(p->a, p->scratch, raw.p, raw.len, ct);
    if (f->field == F_CONTENT && f->in_entry && (f->rule->flags & TF_CONTENT))
        p->has_content = 1;
    if (v)
        slot_set(&sl[f->field], v, 0, f->prio, p->depth);
}

static void
finish_value(struct xp *p, struct frame *f)
{
    struct str raw =
        str_trim((struct str){p->text->p + f->text_start, p->text->len - f->text_start});
    struct slot *sl = slots(p, f->in_entry);
    const char *v;
    int64_t t;

    switch (f->rule->role) {
    case R_DATE:
    case R_DCDATE:
        if (!raw.len || time_parse(raw.p, raw.len, &t))
            break;
        slot_set(&sl[f->field], NULL, t, f->prio, p->depth);
        if (f->rule->role == R_DCDATE)
            slot_set(&sl[F_PUBLISHED], NULL, t, 1, p->depth);
        break;
    case R_LINK:
        v = feed_url(p->a, f->base, raw.p, raw.len);
        if (v)
            slot_set(&sl[F_LINK], v, 0, f->prio, p->depth);
        break;
    case R_GUID:
        v = raw.len ? arena_strndup(p->a, raw.p, raw.len) : NULL;
        if (!v || !f->in_entry)
            break;
        slot_set(&sl[F_ID], v, 0, f->prio, p->depth);
        if (f->permalink) {
            const char *u = feed_url(p->a, f->base, raw.p, raw.len);

            if (u && url_is_http(u))
                slot_set(&sl[F_LINK], u, 0, 0, p->depth);
        }
        break;
    case R_AUTHOR:
        v = p->author_name ? p->author_name : p->author_email;
        if (!v)
            v = feed_text(p->a, p->scratch, raw.p, raw.len, CT_TEXT);
        if (v)
            slot_set(&sl[F_AUTHOR], v, 0, f->prio, p->depth);
        break;
    case R_NAME:
    case R_EMAIL:
        v = feed_text(p->a, p->scratch, raw.p, raw.len, CT_TEXT);
        if (f->rule->role == R_NAME)
            p->author_name = v;
        else
            p->author_email = v;
        break;
    case R_CATEGORY:
        if (f->in_entry)
            feed_add_category(p->cats, p->a, raw.p, raw.len);
        break;
    case R_KEYWORDS:
        if (f->in_entry)
            add_keywords(p, raw.p, raw.len);
        break;
    case R_VALUE:
        v = feed_text(p->a, p->scratch, raw.p, raw.len, CT_TEXT);
        if (v && f->field == F_LANGUAGE)
            v = language_tag(p, v);
        if (v && f->field)
            slot_set(&sl[f->field], v, 0, f->prio, p->depth);
        break;
    default:
        break;
    }
}

/* ---- SAX callbacks ---- */

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nb_ns,
         const xmlChar **ns, int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    struct xp *p = ctx;
    struct frame *f;
    struct frame *parent;
    const struct tag_rule *r;
    const char *xb;
    int entry;

    (void)nb_defaulted;
    p->depth++;

    if (p->depth > XP_MAX_DEPTH || p->not_feed)
        return;
    f = &p->stack[p->depth - 1];
    parent = p->depth > 1 ? &p->stack[p->depth - 2] : NULL;
    memset(f, 0, sizeof(*f));
    f->prev_sink = p->sink;
    f->base = parent ? parent->base : p->doc_base;
    f->skip = parent ? parent->skip : 0;

    /* inline markup inside a text construct is written back into it */
    if (p->sink >= 0 && p->stack[p->sink].rule->role == R_TEXT) {
        struct frame *s = &p->stack[p->sink];

        if (s->ctype != CT_XHTML && s->ctype != CT_OTHER) {
            if (!str_casecmp((const char *)local, "div") && p->sink == p->depth - 2) {
                f->quiet = 1; /* <div> around escaped HTML, as TypePad writes it */
                return;
            }
            s->ctype = CT_XHTML; /* it said escaped, but it is markup */
        }
        f->serialize = 1;
        serialize_start(p, local, uri, nb_attrs, attrs);
        return;
    }
    xb = nb_attrs ? attr_get(p, nb_attrs, attrs, "base", NS_XML) : NULL;
    if (xb) {
        const char *b = feed_url(p->a, f->base, xb, strlen(xb));

        if (b && url_is_http(b))
            f->base = b;
    }
    r = find_rule(p, local, prefix, uri);
    f->rule = r;
    if (p->depth == 1) {
        const char *lang = attr_get(p, nb_attrs, attrs, "lang", NS_XML);

        root_format(p, r, uri, nb_ns, ns, nb_attrs, attrs);
        if (p->not_feed) {
            xmlStopParser(p->ctxt);
            return;
        }
        if (lang && *lang)
            slot_set(&p->fs[F_LANGUAGE], language_tag(p, lang), 0, 1, p->depth);
        return;
    }
    if (!r || f->skip) {
        if (p->sink >= 0)
            p->sink = -1; /* an unknown element's text is its own */
        return;
    }
    entry = in_entry(p);
    f->in_entry = (unsigned char)entry;
    switch (r->role) {
    case R_SKIP:
        f->skip = 1;
        p->sink = -1;
        return;
    case R_ENTRY:
        if (entry || p->entries->n >= FEED_MAX_ENTRIES) {
            f->skip = 1;
            return;
        }
        entry_begin(p);
        {
            const char *about = attr_get(p, nb_attrs, attrs, "about",
                                         "http://www.w3.org/1999/02/22-rdf-syntax-ns#");

            if (about && *about)
                slot_set(&p->es[F_ID], about, 0, 1, p->depth);
        }
        return;
    case R_RSS:
    case R_RDF:
    case R_FEED:
    case R_CHANNEL:
        return;
    case R_LINK: {
        const char *href = attr_get(p, nb_attrs, attrs, "href", NULL);
        const char *rel = attr_get(p, nb_attrs, attrs, "rel", NULL);
        const char *type = attr_get(p, nb_attrs, attrs, "type", NULL);
        int alternate = !rel || !*rel || !str_casecmp(rel, "alternate");

        if (!href)
            break; /* RSS: the link is the text */
        if (rel && !str_casecmp(rel, "enclosure")) {
            if (entry)
                add_enclosure(p, href, type, attr_get(p, nb_attrs, attrs, "length", NULL), f->base);
        } else if (alternate && map_ctype(type, CT_HTML) != CT_OTHER) {
            const char *u = feed_url(p->a, f->base, href, strlen(href));

            if (u)
                slot_set(&slots(p, entry)[F_LINK], u, 0, 3, p->depth);
        }
        f->skip = 1; /* any text inside is not a link */
        p->sink = -1;
        return;
    }
    case R_ENCLOSURE:
        if (entry)
            add_enclosure(p, attr_get(p, nb_attrs, attrs, "url", NULL),
                          attr_get(p, nb_attrs, attrs, "type", NULL),
                          attr_get(p, nb_attrs, attrs, "length", NULL), f->base);
        return;
    case R_MEDIA_CONTENT: {
        const char *medium = attr_get(p, nb_attrs, attrs, "medium", NULL);
        const char *type = attr_get(p, nb_attrs, attrs, "type", NULL);

        if ((medium && !str_casecmp(medium, "image")) || (type && !str_ncasecmp(type, "image/", 6)))
            set_image(p, attr_get(p, nb_attrs, attrs, "url", NULL), 2, f->base);
        return;
    }
    case R_MEDIA_THUMBNAIL:
        set_image(p, attr_get(p, nb_attrs, attrs, "url", NULL), 3, f->base);
        return;
    case R_ITUNES_IMAGE: {
        const char *h = attr_get(p, nb_attrs, attrs, "href", NULL);

        set_image(p, h ? h : attr_get(p, nb_attrs, attrs, "url", NULL), 1, f->base);
        return;
    }
    case R_ITUNES_CATEGORY: {
        const char *t = attr_get(p, nb_attrs, attrs, "text", NULL);

        if (t && entry)
            feed_add_category(p->cats, p->a, t, strlen(t));
        return;
    }
    case R_CATEGORY: {
        const char *t = attr_get(p, nb_attrs, attrs, "term", NULL);

        if (t && entry)
            feed_add_category(p->cats, p->a, t, strlen(t));
        break;
    }
    case R_AUTHOR:
        p->author_name = NULL;
        p->author_email = NULL;
        break;
    case R_NAME:
    case R_EMAIL:
        if (!parent || !parent->rule || parent->rule->role != R_AUTHOR) {
            p->sink = -1;
            return;
        }
        break;
    default:
        break;
    }
    /* a field element: collect its text */
    f->field = entry ? r->efield : r->ffield;
    f->prio = r->prio;
    if (r->role == R_TEXT || r->role == R_DATE || r->role == R_DCDATE || r->role == R_VALUE ||
        r->role == R_AUTHOR) {
        if (f->field == F_NONE) {
            p->sink = -1;
            return;
        }
    }
    if (r->role == R_TEXT) {
        const char *type = attr_get(p, nb_attrs, attrs, "type", NULL);
        const char *mode = attr_get(p, nb_attrs, attrs, "mode", NULL);

        if (entry && f->field == F_SUMMARY && (r->flags & TF_DIVERT) && p->es[F_SUMMARY].set &&
            !p->has_content) {
            f->field = F_CONTENT; /* a second summary: feedparser makes it the content */
            f->prio = 1;
        }
        f->ctype = (unsigned char)map_ctype(type, (enum feed_ctype)r->ctype);
        f->base64 = (unsigned char)is_base64_type(type, mode);
        if (f->base64 && f->ctype == CT_OTHER)
            f->ctype = CT_TEXT;
        f->html_field = entry && (f->field == F_SUMMARY || f->field == F_CONTENT);
        if (r->flags & TF_CONTENT && entry)
            p->has_content = 1;
        if (attr_get(p, nb_attrs, attrs, "src", NULL) && f->field == F_CONTENT) {
            p->sink = -1; /* Atom content by reference: nothing inline */
            return;
        }
    }
    if (r->role == R_GUID) {
        const char *pl = attr_get(p, nb_attrs, attrs, "ispermalink", NULL);

        f->permalink = !pl || !str_casecmp(pl, "true");
    }
    if (r->role == R_LINK) {
        const char *rel = attr_get(p, nb_attrs, attrs, "rel", NULL);

        f->prio = !rel || !*rel || !str_casecmp(rel, "alternate") ? 3 : 1;
    }
    f->text_start = p->text->len;
    p->sink = p->depth - 1;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct xp *p = ctx;
    struct frame *f;

    (void)prefix;
    (void)uri;
    if (p->depth > XP_MAX_DEPTH || p->not_feed || p->depth < 1) {
        p->depth--;
        return;
    }
    f = &p->stack[p->depth - 1];
    if (f->serialize) {
        buf_add(p->text, "</", 2);
        buf_adds(p->text, (const char *)local);
        buf_addc(p->text, '>');
        p->depth--;
        return;
    }
    if (f->quiet) {
        p->depth--;
        return;
    }
    if (p->sink == p->depth - 1 && f->rule) {
        if (f->rule->role == R_TEXT)
            finish_text(p, f);
        else
            finish_value(p, f);
        buf_setlen(p->text, f->text_start);
    }
    if (f->rule && f->rule->role == R_ENTRY && p->entry_depth == p->depth && !f->skip)
        entry_end(p);
    p->sink = f->prev_sink;
    p->depth--;
}

static void
on_chars(void *ctx, const xmlChar *s, int n)
{
    struct xp *p = ctx;

    if (p->sink < 0 || p->depth > XP_MAX_DEPTH)
        return;
    if (p->stack[p->sink].ctype == CT_XHTML && p->stack[p->sink].rule->role == R_TEXT)
        esc_into(p->text, (const char *)s, (size_t)n, 0);
    else
        buf_add(p->text, s, (size_t)n);
}

/* <?gz N?>: a text the cleaning pass kept out of the document (feed/prep.h). */
static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    struct xp *p = ctx;
    const char *s;
    size_t n;

    if (p->sink < 0 || !data || strcmp((const char *)target, PREP_TEXT_PI) ||
        prep_text_get(p->texts, (const char *)data, &s, &n))
        return;
    on_chars(ctx, (const xmlChar *)s, (int)n);
}

static void
on_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e; /* broken XML is recovered, not reported */
}

/*
 * A push parser context for fp: the one it keeps, reset, while its
 * dictionary stays small.  The document is pushed in chunks, so libxml2's
 * own buffer stays small and warm however large the document is.
 */
static xmlParserCtxtPtr
get_ctxt(struct feed_parser *fp)
{
    static const int max_dict = 20000; /* names: a hostile feed must not grow it forever */
    xmlParserCtxtPtr ctxt = fp->ctxt;

    if (ctxt && ctxt->dict && xmlDictSize(ctxt->dict) > max_dict) {
        xmlFreeParserCtxt(ctxt);
        ctxt = NULL;
    }
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
    fp->ctxt = ctxt;
    return ctxt;
}

int
feed_xml_tables_ok(void)
{
    for (size_t i = 1; i < sizeof(tag_rules) / sizeof(tag_rules[0]); i++)
        if (strcmp(tag_rules[i - 1].key, tag_rules[i].key) >= 0)
            return 0;
    for (size_t i = 1; i < sizeof(ns_rules) / sizeof(ns_rules[0]); i++)
        if (strcmp(ns_rules[i - 1].uri, ns_rules[i].uri) >= 0)
            return 0;
    return 1;
}

void
feed_xml_release(struct feed_parser *fp)
{
    if (fp->ctxt)
        xmlFreeParserCtxt(fp->ctxt);
    fp->ctxt = NULL;
    free(fp->xp);
    fp->xp = NULL;
}

int
feed_parse_xml(struct feed_parser *fp, const char *data, size_t len, const char *url,
               const char *http_charset, struct arena *a, struct feed **out, struct gz_err *err)
{
    struct xp *p;
    xmlParserCtxtPtr ctxt;
    int rc = 0;

    buf_reset(&fp->doc);
    if (feed_xml_prepare(&fp->doc, data, len, http_charset, &fp->texts, NULL, err))
        return GZ_ELIMIT;
    if (fp->doc.len > INT32_MAX)
        return gz_errf(err, GZ_ELIMIT, "feed is too large");
    if (!fp->xp)
        fp->xp = xmalloc(sizeof(*fp->xp));
    p = fp->xp;
    memset(p, 0, offsetof(struct xp, stack));
    p->a = a;
    p->feed = ARENA_NEW(a, struct feed);
    p->sink = -1;
    p->doc_base = url && url_is_http(url) ? url : NULL;
    p->texts = &fp->texts;
    p->text = &fp->text;
    p->scratch = &fp->scratch;
    p->scratch2 = &fp->scratch2;
    p->entries = &fp->entries;
    p->cats = &fp->cats;
    p->encls = &fp->encls;
    buf_reset(p->text);
    p->entries->n = 0;
    p->cats->n = 0;
    p->encls->n = 0;

    ctxt = get_ctxt(fp);
    if (!ctxt)
        return gz_errf(err, GZ_ENOMEM, "out of memory");
    p->ctxt = ctxt;
    memset(ctxt->sax, 0, sizeof(*ctxt->sax));
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->characters = on_chars;
    ctxt->sax->cdataBlock = on_chars;
    ctxt->sax->processingInstruction = on_pi;
    ctxt->sax->serror = on_error;
    ctxt->userData = p;
    xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    for (size_t off = 0;;) {
        size_t n = fp->doc.len - off < XP_CHUNK ? fp->doc.len - off : XP_CHUNK;
        int last = off + n == fp->doc.len;

        /* errors are recovered from, not reported; a stop ends the loop */
        if (xmlParseChunk(ctxt, fp->doc.p + off, (int)n, last) && ctxt->disableSAX)
            break;
        off += n;
        if (last || p->not_feed)
            break;
    }
    if (p->not_feed || p->feed->format == FEED_UNKNOWN) {
        rc = gz_errf(err, GZ_EPARSE, "not a feed (no rss, rdf:RDF or feed root element)");
    } else {
        struct feed *f = p->feed;

        f->title = p->fs[F_TITLE].s;
        f->link = p->fs[F_LINK].s;
        f->subtitle = p->fs[F_SUBTITLE].s;
        f->language = p->fs[F_LANGUAGE].s;
        f->author = p->fs[F_AUTHOR].s;
        f->updated = p->fs[F_UPDATED].t ? p->fs[F_UPDATED].t : p->fs[F_PUBLISHED].t;
        f->entries = feed_list_copy(a, p->entries, sizeof(struct feed_entry));
        f->nentries = p->entries->n;
        *out = f;
    }
    /* the document's buffers stay in fp for the next one; big ones are let go */
    if (fp->doc.cap > (8u << 20))
        buf_release(&fp->doc);
    if (fp->text.cap > (8u << 20))
        buf_release(&fp->text);
    if (fp->texts.buf.cap > (8u << 20) || fp->texts.input.cap > (8u << 20)) {
        buf_release(&fp->texts.buf);
        buf_release(&fp->texts.input);
    }
    return rc;
}
