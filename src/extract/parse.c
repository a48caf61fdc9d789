/*
 * parse.c - HTML bytes to a libxml2 tree, in one pass.
 *
 * libxml2's own HTML parser (2.9) spends about 200 instructions on every
 * byte of an attribute value and some 5000 on every element: on article
 * pages, where attributes are two thirds of the markup, its tokenizer
 * alone was half of all the extraction's work.  This tokenizer scans
 * with memchr() and builds the same kind of tree (xmlDoc/xmlNode, names
 * from the document's dictionary, text stored the way libxml2's compact
 * text is), so everything after parsing is unchanged and xmlFreeDoc()
 * frees the result.  With XDOM_SKIP_UNREAD it leaves out scripts other
 * than JSON-LD, styles and inline SVG as it meets them.
 *
 * Tokenizing follows HTML (WHATWG): tag and attribute syntax, character
 * references (the WHATWG table, util/entity.h), comments, bogus comments,
 * raw-text (script, style, xmp, iframe, noembed, noframes) and RCDATA
 * (title, textarea) elements, plaintext.  Tree building follows the
 * parts of HTML's rules that shape what a reader sees: implied html, head
 * and body; void elements; start tags that close an open <p>, <li>,
 * <dd>/<dt>, <option>, table rows and cells, headings and links; end
 * tags that close what they enclose within their scope, and are ignored
 * when nothing matching is open.  It does what libxml2 does where the two
 * differ in ways extraction has been tuned to: "<x/>" closes any element,
 * <noscript> holds markup, no tbody is implied, text before any element
 * goes into an implied <p>.  Foster parenting and the adoption agency are
 * left out: an end tag of an inline element that would cross an open
 * block is ignored.
 *
 * Limits: nothing deeper than XDOM_MAX_DEPTH levels below <html> is made
 * (elements at that depth stay empty); an element keeps at most
 * XP_MAX_ATTRS attributes (the first ones; HTML keeps the first of
 * duplicates); past XP_MAX_NAMES distinct names, elements and attributes
 * of new names are left out, past XP_MAX_ELEMS elements all new ones
 * (their text stays); searches of the open elements share a
 * budget proportional to the page's length.  So any page parses in
 * linear time.
 */
#include "extract/extract_int.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/entity.h"
#include "util/mem.h"
#include "util/str.h"

#include <libxml/HTMLtree.h>
#include <libxml/dict.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlmemory.h>
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XP_MAX_DEPTH (XDOM_MAX_DEPTH + 1) /* open elements, <html> included */
#define XP_MAX_ATTRS 64
/*
 * Distinct strings a page may put in the dictionary (names, runs of
 * whitespace).  libxml2 2.9's dictionary stops growing its table at
 * 16384 buckets, so beyond that every lookup walks longer chains: a page
 * of a million distinct tag names took minutes.  Real pages use a few
 * hundred.
 */
#define XP_MAX_NAMES 10000
/*
 * Elements a page may have (the largest page of the corpora has 10,000):
 * a page of a million table cells took 20 s and 1.4 GB to extract.
 */
#define XP_MAX_ELEMS 200000

enum xp_flags {
    XP_VOID = 1 << 0,     /* no content, no end tag */
    XP_CLOSE_P = 1 << 1,  /* its start tag closes an open <p> */
    XP_SPECIAL = 1 << 2,  /* HTML's "special" category: stops inline end tags */
    XP_SCOPE = 1 << 3,    /* bounds the default scope */
    XP_TSCOPE = 1 << 4,   /* bounds the table scope */
    XP_HEAD = 1 << 5,     /* belongs in <head> when it comes before the body */
    XP_RAW = 1 << 6,      /* raw text up to its end tag */
    XP_RCDATA = 1 << 7,   /* text with references up to its end tag */
    XP_PLAIN = 1 << 8,    /* everything after it is text */
    XP_TABLEROW = 1 << 9, /* tbody, thead, tfoot */
};

struct xp_tag {
    const char *name;
    unsigned short flags;
};

#define SP XP_SPECIAL
#define CP XP_CLOSE_P
/* Sorted by name (bytewise) for bsearch. */
static const struct xp_tag xp_tags[] = {
    {"a", 0},
    {"address", SP | CP},
    {"applet", SP | XP_SCOPE},
    {"area", SP | XP_VOID},
    {"article", SP | CP},
    {"aside", SP | CP},
    {"base", SP | XP_VOID | XP_HEAD},
    {"basefont", SP | XP_VOID | XP_HEAD},
    {"bgsound", SP | XP_VOID | XP_HEAD},
    {"blockquote", SP | CP},
    {"body", SP},
    {"br", SP | XP_VOID},
    {"button", SP},
    {"caption", SP | XP_SCOPE},
    {"center", SP | CP},
    {"col", SP | XP_VOID},
    {"colgroup", SP},
    {"dd", SP | CP},
    {"details", SP | CP},
    {"dialog", CP},
    {"dir", SP | CP},
    {"div", SP | CP},
    {"dl", SP | CP},
    {"dt", SP | CP},
    {"embed", SP | XP_VOID},
    {"fieldset", SP | CP},
    {"figcaption", SP | CP},
    {"figure", SP | CP},
    {"footer", SP | CP},
    {"form", SP | CP},
    {"frame", SP | XP_VOID},
    {"frameset", SP},
    {"h1", SP | CP},
    {"h2", SP | CP},
    {"h3", SP | CP},
    {"h4", SP | CP},
    {"h5", SP | CP},
    {"h6", SP | CP},
    {"head", SP},
    {"header", SP | CP},
    {"hgroup", SP | CP},
    {"hr", SP | CP | XP_VOID},
    {"html", SP | XP_SCOPE | XP_TSCOPE},
    {"iframe", SP | XP_RAW},
    {"img", SP | XP_VOID},
    {"input", SP | XP_VOID},
    {"keygen", SP | XP_VOID},
    {"li", SP | CP},
    {"link", SP | XP_VOID | XP_HEAD},
    {"listing", SP | CP},
    {"main", SP | CP},
    {"marquee", SP | XP_SCOPE},
    {"menu", SP | CP},
    {"meta", SP | XP_VOID | XP_HEAD},
    {"nav", SP | CP},
    {"noembed", SP | XP_RAW},
    {"noframes", SP | XP_RAW | XP_HEAD},
    {"noscript", SP | XP_HEAD},
    {"object", SP | XP_SCOPE},
    {"ol", SP | CP},
    {"optgroup", 0},
    {"option", 0},
    {"p", SP | CP},
    {"param", SP | XP_VOID},
    {"plaintext", SP | CP | XP_PLAIN},
    {"pre", SP | CP},
    {"script", SP | XP_RAW | XP_HEAD},
    {"search", SP | CP},
    {"section", SP | CP},
    {"select", SP},
    {"source", SP | XP_VOID},
    {"style", SP | XP_RAW | XP_HEAD},
    {"summary", SP | CP},
    {"table", SP | CP | XP_SCOPE | XP_TSCOPE},
    {"tbody", SP | XP_TABLEROW},
    {"td", SP | XP_SCOPE},
    {"template", SP | XP_SCOPE | XP_TSCOPE | XP_HEAD},
    {"textarea", SP | XP_RCDATA},
    {"tfoot", SP | XP_TABLEROW},
    {"th", SP | XP_SCOPE},
    {"thead", SP | XP_TABLEROW},
    {"title", SP | XP_RCDATA | XP_HEAD},
    {"tr", SP},
    {"track", SP | XP_VOID},
    {"ul", SP | CP},
    {"wbr", SP | XP_VOID},
    {"xmp", SP | CP | XP_RAW},
};
#undef SP
#undef CP

struct xp_open {
    xmlNode *n;
    const xmlChar *name; /* from the dictionary: names compare as pointers */
    unsigned short tag;
    unsigned short flags;
};

struct xp_attr {
    const xmlChar *name;
    size_t val; /* offset of the decoded value in xp.vals, or SIZE_MAX: no value */
    size_t len;
};

/* What the parser knows of a tag name, cached by the name's dictionary pointer. */
struct xp_name {
    const xmlChar *name;
    unsigned short tag;
    unsigned short flags;
};

#define XP_NAME_CACHE 256 /* a power of two */

/* A lower-cased name and its dictionary string, cached by a hash of the bytes. */
struct xp_intern {
    const xmlChar *name;
    uint32_t hash;
    uint32_t len;
};

#define XP_INTERN_CACHE 512 /* a power of two */

struct xp {
    xmlDoc *doc;
    xmlDict *dict;
    struct arena *a; /* for the xnodes, or NULL */
    unsigned flags;  /* enum xdom_parse_flags */
    const char *p, *end;
    xmlNode *head, *body;
    struct buf text; /* text waiting for the current element */
    struct buf vals; /* decoded attribute values of the tag being read */
    char name[64];   /* lower-cased tag or attribute name (longer ones are cut) */
    int depth;
    size_t budget; /* steps left for searching the stack */
    size_t elems;  /* elements made */
    int nattrs;
    struct xp_attr attrs[XP_MAX_ATTRS];
    struct xp_name names[XP_NAME_CACHE];
    struct xp_intern interned[XP_INTERN_CACHE];
    struct xp_open stack[XP_MAX_DEPTH];
};

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_alpha(unsigned char c)
{
    return (unsigned char)((c | 0x20) - 'a') < 26;
}

static unsigned
tag_flags(const char *name)
{
    size_t lo = 0, hi = ARRAY_SIZE(xp_tags);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, xp_tags[mid].name);

        if (!c)
            return xp_tags[mid].flags;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

static void
oom(void)
{
    fputs("gazette: out of memory\n", stderr);
    abort();
}

static void *
node_alloc(size_t n)
{
    void *p = xmlMalloc(n);

    if (!p)
        oom();
    memset(p, 0, n);
    return p;
}

static const xmlChar *
intern(struct xp *x, const char *s, size_t len)
{
    const xmlChar *d = xmlDictLookup(x->dict, (const xmlChar *)s, (int)len);

    if (!d)
        oom();
    return d;
}

/* The tag and flags of an interned element name (a copy: the cache entry may be reused). */
static struct xp_name
name_info(struct xp *x, const xmlChar *nm)
{
    uintptr_t h = (uintptr_t)nm;
    struct xp_name *e = &x->names[((h >> 4) ^ (h >> 12)) & (XP_NAME_CACHE - 1)];

    if (e->name != nm) {
        e->name = nm;
        e->tag = (unsigned short)xdom_tag_of((const char *)nm);
        e->flags = (unsigned short)tag_flags((const char *)nm);
    }
    return *e;
}

static struct xp_name
name_info_of(struct xp *x, const char *s)
{
    return name_info(x, intern(x, s, strlen(s)));
}

/*
 * A text node holding s[0..len), with the text stored the way libxml2's
 * own parser stores short text (HTML_PARSE_COMPACT): from the node's
 * properties field on, so that xmlFreeNode() frees node and text at once
 * and never frees the text alone.  Here the node is allocated long enough
 * for any text, which saves a malloc() and a free() for every text node
 * and attribute value; nothing reads the fields after content in a text
 * node, and libxml2's setters replace such text without freeing it.
 * Short runs of whitespace, the commonest text, are shared through the
 * dictionary instead, as libxml2's parser does.
 */
static xmlNode *
new_text(struct xp *x, const char *s, size_t len)
{
    size_t at = offsetof(xmlNode, properties), size = sizeof(xmlNode);
    xmlNode *t;

    if (len >= 2 * sizeof(void *) && len < 64) {
        size_t i = 0;

        while (i < len && is_space((unsigned char)s[i]))
            i++;
        if (i == len && xmlDictSize(x->dict) < XP_MAX_NAMES) {
            t = node_alloc(size);
            t->type = XML_TEXT_NODE;
            t->name = xmlStringText;
            t->doc = x->doc;
            t->content = (xmlChar *)intern(x, s, len);
            return t;
        }
    }
    if (at + len + 1 > size)
        size = at + len + 1;
    t = xmlMalloc(size);
    if (!t)
        oom();
    memset(t, 0, sizeof(*t));
    t->type = XML_TEXT_NODE;
    t->name = xmlStringText;
    t->doc = x->doc;
    t->content = (xmlChar *)&t->properties;
    memcpy(t->content, s, len);
    t->content[len] = 0;
    return t;
}

/* Append child to parent (linked by hand: xmlAddChild() merges text nodes). */
static void
link_child(xmlNode *parent, xmlNode *child)
{
    child->parent = parent;
    child->prev = parent->last;
    if (parent->last)
        parent->last->next = child;
    else
        parent->children = child;
    parent->last = child;
}

/* An element, with its xnode when the parse has an arena. */
static xmlNode *
new_elem(struct xp *x, const struct xp_name *info)
{
    xmlNode *n = node_alloc(sizeof(*n));

    n->type = XML_ELEMENT_NODE;
    n->name = info->name;
    n->doc = x->doc;
    x->elems++;
    if (x->a) {
        struct xnode *xn = ARENA_NEW(x->a, struct xnode);

        xn->tag = info->tag;
        n->_private = xn;
    }
    return n;
}

static struct xp_open *
top(struct xp *x)
{
    return &x->stack[x->depth - 1];
}

/* Put the waiting text into the current element. */
static void
flush_text(struct xp *x)
{
    xmlNode *cur, *last;

    if (!x->text.len)
        return;
    cur = top(x)->n;
    last = cur->last;
    if (last && last->type == XML_TEXT_NODE) {
        /* the same run of text, split by a tag that changed nothing */
        size_t old = strlen((const char *)last->content);
        xmlChar *c = xmlMalloc(old + x->text.len + 1);

        if (!c)
            oom();
        memcpy(c, last->content, old);
        memcpy(c + old, x->text.p, x->text.len);
        c[old + x->text.len] = 0;
        if (last->content != (xmlChar *)&last->properties && !xmlDictOwns(x->dict, last->content))
            xmlFree(last->content);
        /* the fields the text stored inline wrote over */
        last->properties = NULL;
        last->nsDef = NULL;
        last->psvi = NULL;
        last->line = last->extra = 0;
        last->content = c;
    } else {
        link_child(cur, new_text(x, x->text.p, x->text.len));
    }
    buf_reset(&x->text);
}

static void
pop_to(struct xp *x, int i)
{
    flush_text(x);
    if (i < 1)
        i = 1; /* <html> stays */
    x->depth = i;
}

static void
push(struct xp *x, xmlNode *n, const struct xp_name *info)
{
    struct xp_open *o = &x->stack[x->depth++];

    o->n = n;
    o->name = info->name;
    o->tag = info->tag;
    o->flags = info->flags;
}

/*
 * Index of the innermost open element with tag t (by name nm when t is
 * T_OTHER), or -1 when an element with one of the stop flags, or tag
 * stop1 or stop2, comes first.  <html> is never returned.  Each step
 * spends the parse's budget; once it is gone only the current element
 * is looked at, so that hostile nesting cannot make every end tag walk
 * the whole stack.
 */
static int
find_open(struct xp *x, int t, const xmlChar *nm, unsigned stop, int stop1, int stop2)
{
    for (int i = x->depth - 1; i > 0; i--) {
        const struct xp_open *o = &x->stack[i];

        if (t != T_OTHER ? o->tag == t : o->name == nm)
            return i;
        if ((o->flags & stop) || (stop1 && o->tag == stop1) || (stop2 && o->tag == stop2))
            return -1;
        if (x->budget == 0)
            return -1;
        x->budget--;
    }
    return -1;
}

static void
close_p(struct xp *x)
{
    int i = find_open(x, T_P, NULL, XP_SCOPE, T_BUTTON, 0);

    if (i >= 0)
        pop_to(x, i);
}

/* <li>, <dd>, <dt>: close an open one unless a block other than address, div, p is between. */
static void
close_item(struct xp *x, int t1, int t2)
{
    for (int i = x->depth - 1; i > 0 && x->budget; i--, x->budget--) {
        const struct xp_open *o = &x->stack[i];

        if (o->tag == t1 || o->tag == t2) {
            pop_to(x, i);
            return;
        }
        if ((o->flags & XP_SPECIAL) && o->tag != T_ADDRESS && o->tag != T_DIV && o->tag != T_P)
            return;
    }
}

/* Close up to an open element with a tag in ts (0-terminated) before one in stops. */
static void
close_table_part(struct xp *x, const unsigned short *ts, unsigned stop_flags, int stop_tag)
{
    for (int i = x->depth - 1; i > 0 && x->budget; i--, x->budget--) {
        const struct xp_open *o = &x->stack[i];

        for (const unsigned short *t = ts; *t; t++)
            if (o->tag == *t) {
                pop_to(x, i);
                return;
            }
        if ((o->flags & stop_flags) || (stop_tag && o->tag == stop_tag))
            return;
    }
}

static void
ensure_body(struct xp *x)
{
    struct xp_name body;

    if (x->body)
        return;
    pop_to(x, 1);
    body = name_info_of(x, "body");
    x->body = new_elem(x, &body);
    link_child(x->stack[0].n, x->body);
    push(x, x->body, &body);
}

static void
ensure_head(struct xp *x)
{
    struct xp_name head = name_info_of(x, "head");

    if (!x->head) {
        x->head = new_elem(x, &head);
        link_child(x->stack[0].n, x->head);
    }
    if (top(x)->n != x->head) {
        flush_text(x);
        push(x, x->head, &head);
    }
}

/* ---- tokenizing ---- */

/* Append s[0..n) to out with character references decoded. */
static void
add_decoded(struct buf *out, const char *s, size_t n, int legacy_ok)
{
    const char *end = s + n;

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        char u[8];
        size_t ul, k;

        if (!amp) {
            buf_add(out, s, (size_t)(end - s));
            return;
        }
        buf_add(out, s, (size_t)(amp - s));
        k = entity_decode(amp, (size_t)(end - amp), legacy_ok, u, &ul);
        if (k) {
            buf_add(out, u, ul);
            s = amp + k;
        } else {
            buf_addc(out, '&');
            s = amp + 1;
        }
    }
}

/* Lower-case p[0..n) into x->name (cut to fit); returns its length. */
static size_t
lower_name(struct xp *x, const char *p, size_t n, uint32_t *hash)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    if (n > sizeof(x->name) - 1)
        n = sizeof(x->name) - 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        c = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        x->name[i] = c;
        h = (h ^ (unsigned char)c) * 16777619u;
    }
    x->name[n] = 0;
    *hash = h;
    return n;
}

/*
 * The dictionary string of p[0..n) lower-cased (cut to fit x->name, which
 * holds it afterwards).  A name not in the dictionary yet is added when
 * add is set and the dictionary holds fewer than XP_MAX_NAMES strings
 * (or the name is a tag the extractor knows), else NULL is returned.  Pages use a few dozen names
 * over and over: a small cache answers most lookups without hashing twice.
 */
static const xmlChar *
name_of(struct xp *x, const char *p, size_t n, int add)
{
    uint32_t h;
    size_t len = lower_name(x, p, n, &h);
    struct xp_intern *e = &x->interned[h & (XP_INTERN_CACHE - 1)];
    const xmlChar *d;

    if (e->name && e->hash == h && e->len == len && !memcmp(e->name, x->name, len))
        return e->name;
    if (add && (xmlDictSize(x->dict) < XP_MAX_NAMES || xdom_tag_of(x->name) != T_OTHER ||
                tag_flags(x->name)))
        d = intern(x, x->name, len); /* the tags the extractor knows always get in */
    else
        d = xmlDictExists(x->dict, (const xmlChar *)x->name, (int)len);
    if (d) {
        e->name = d;
        e->hash = h;
        e->len = (uint32_t)len;
    }
    return d;
}

/*
 * Read the attributes of a start tag from p; returns the position after
 * its '>' or NULL when the page ends inside the tag.  *self_closing is
 * set for "/>".
 */
static const char *
read_attrs(struct xp *x, const char *p, int *self_closing)
{
    const char *end = x->end;

    x->nattrs = 0;
    buf_reset(&x->vals);
    *self_closing = 0;
    for (;;) {
        const char *name, *v;
        size_t name_len, vlen = 0;
        int has_val = 0;

        while (p < end && (is_space((unsigned char)*p) || *p == '/')) {
            if (*p == '/' && p + 1 < end && p[1] == '>')
                *self_closing = 1;
            p++;
        }
        if (p >= end)
            return NULL;
        if (*p == '>')
            return p + 1;
        *self_closing = 0;
        name = p++;
        while (p < end && !is_space((unsigned char)*p) && *p != '/' && *p != '>' && *p != '=')
            p++;
        name_len = (size_t)(p - name);
        while (p < end && is_space((unsigned char)*p))
            p++;
        v = p;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space((unsigned char)*p))
                p++;
            has_val = 1;
            if (p < end && (*p == '"' || *p == '\'')) {
                const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

                if (!q)
                    return NULL;
                v = p + 1;
                vlen = (size_t)(q - v);
                p = q + 1;
            } else {
                v = p;
                while (p < end && !is_space((unsigned char)*p) && *p != '>')
                    p++;
                vlen = (size_t)(p - v);
            }
        }
        if (x->nattrs < XP_MAX_ATTRS) {
            const xmlChar *nm = name_of(x, name, name_len, 1);
            int dup = !nm; /* a page with too many names loses the new ones */

            for (int i = 0; i < x->nattrs && !dup; i++)
                dup = x->attrs[i].name == nm;
            if (!dup) {
                struct xp_attr *a = &x->attrs[x->nattrs++];

                a->name = nm;
                a->val = SIZE_MAX;
                a->len = 0;
                if (has_val) {
                    a->val = x->vals.len;
                    if (memchr(v, '&', vlen))
                        add_decoded(&x->vals, v, vlen, 0);
                    else
                        buf_add(&x->vals, v, vlen);
                    a->len = x->vals.len - a->val;
                }
            }
        }
    }
}

static void
set_attrs(struct xp *x, xmlNode *n, int only_new)
{
    xmlAttr *last = NULL;

    for (xmlAttr *a = n->properties; a; a = a->next)
        last = a;
    for (int i = 0; i < x->nattrs; i++) {
        const struct xp_attr *a = &x->attrs[i];
        xmlAttr *at;

        if (only_new) {
            int have = 0;

            for (xmlAttr *o = n->properties; o && !have; o = o->next)
                have = o->name == a->name;
            if (have)
                continue;
        }
        at = node_alloc(sizeof(*at));
        at->type = XML_ATTRIBUTE_NODE;
        at->name = a->name;
        at->parent = n;
        at->doc = x->doc;
        if (a->val != SIZE_MAX) {
            xmlNode *t = new_text(x, x->vals.p + a->val, a->len);

            t->parent = (xmlNode *)at;
            at->children = at->last = t;
        }
        at->prev = last;
        if (last)
            last->next = at;
        else
            n->properties = at;
        last = at;
    }
}

/* The end of raw text that started at p: the "</name" that ends it, or end. */
static const char *
raw_end(struct xp *x, const char *p, const char *name, size_t n)
{
    const char *end = x->end;

    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));

        if (!lt)
            return end;
        if ((size_t)(end - lt) >= n + 2 && lt[1] == '/') {
            size_t i = 0;

            while (i < n && (lt[2 + i] | 0x20) == name[i])
                i++;
            if (i == n && (lt + 2 + n == end || is_space((unsigned char)lt[2 + n]) ||
                           lt[2 + n] == '>' || lt[2 + n] == '/'))
                return lt;
        }
        p = lt + 1;
    }
    return end;
}

/* Text of a raw-text or RCDATA element just opened as n; moves past its end tag. */
static void
read_raw(struct xp *x, xmlNode *n, const struct xp_name *info)
{
    const char *s = x->p;
    const char *e;

    if (info->flags & XP_PLAIN)
        e = x->end;
    else
        e = raw_end(x, s, (const char *)info->name, strlen((const char *)info->name));
    if (e > s && x->depth < XP_MAX_DEPTH - 1) { /* the text would be too deep */
        if (info->flags & XP_RCDATA) {
            struct buf *t = &x->text;

            add_decoded(t, s, (size_t)(e - s), 1);
            if (t->len)
                link_child(n, new_text(x, t->p, t->len));
            buf_reset(t);
        } else {
            link_child(n, new_text(x, s, (size_t)(e - s)));
        }
    }
    if (e < x->end) {
        const char *gt = memchr(e, '>', (size_t)(x->end - e));

        e = gt ? gt + 1 : x->end;
    }
    x->p = e;
}

/* ---- tree building ---- */

/* What a start tag of info closes before it opens. */
static void
close_before(struct xp *x, const struct xp_name *info)
{
    static const unsigned short rows[] = {T_TR, 0}, cells[] = {T_TD, T_TH, 0},
                                sections[] = {T_TBODY, T_THEAD, T_TFOOT, 0};
    int t = info->tag, i;

    if (info->flags & XP_CLOSE_P) {
        if (t == T_LI)
            close_item(x, T_LI, T_LI);
        else if (t == T_DD || t == T_DT)
            close_item(x, T_DD, T_DT);
        close_p(x);
        if (is_heading(t) && is_heading(top(x)->tag))
            pop_to(x, x->depth - 1);
        return;
    }
    switch (t) {
    case T_A:
    case T_BUTTON:
        i = find_open(x, t, NULL, XP_SCOPE, 0, 0);
        if (i >= 0)
            pop_to(x, i);
        break;
    case T_OPTION:
        if (top(x)->tag == T_OPTION)
            pop_to(x, x->depth - 1);
        break;
    case T_OPTGROUP:
        if (top(x)->tag == T_OPTION)
            pop_to(x, x->depth - 1);
        if (top(x)->tag == T_OPTGROUP)
            pop_to(x, x->depth - 1);
        break;
    case T_TR:
        close_table_part(x, rows, XP_TSCOPE | XP_TABLEROW, 0);
        break;
    case T_TD:
    case T_TH:
        close_table_part(x, cells, XP_TSCOPE | XP_TABLEROW, T_TR);
        break;
    case T_TBODY:
    case T_THEAD:
    case T_TFOOT:
        close_table_part(x, sections, XP_TSCOPE, 0);
        break;
    default:
        break;
    }
}

/* With XDOM_SKIP_UNREAD: is the element that starts here one to leave out? */
static int
unread(struct xp *x, int t)
{
    if (t == T_STYLE || t == T_SVG)
        return 1;
    if (t != T_SCRIPT)
        return 0;
    for (int i = 0; i < x->nattrs; i++) {
        const struct xp_attr *a = &x->attrs[i];

        if (!strcmp((const char *)a->name, "type") && a->val != SIZE_MAX)
            return !str_casestr(x->vals.p + a->val, a->len, "ld+json"); /* JSON-LD stays */
    }
    return 1;
}

/* Leave out the element that starts here, its content and its end tag. */
static void
skip_element(struct xp *x, const char *name)
{
    const char *e = raw_end(x, x->p, name, strlen(name));

    if (e < x->end) {
        const char *gt = memchr(e, '>', (size_t)(x->end - e));

        e = gt ? gt + 1 : x->end;
    }
    x->p = e;
}

static void
start_tag(struct xp *x, const char *name, size_t name_len, int self_closing)
{
    const xmlChar *nm = name_of(x, name, name_len, 1);
    struct xp_name nfo;
    const struct xp_name *info = &nfo;
    xmlNode *n;
    int t;

    if (!nm)
        return; /* a page with too many names: elements of new ones are left out */
    nfo = name_info(x, nm);
    t = info->tag;

    if ((x->flags & XDOM_SKIP_UNREAD) && unread(x, t)) {
        /* as if the page never had it: no element, the text around it joins */
        if (!self_closing)
            skip_element(x, (const char *)info->name);
        return;
    }
    if (t == T_HTML) {
        set_attrs(x, x->stack[0].n, 1);
        return;
    }
    if (t == T_BODY) {
        if (x->body) {
            set_attrs(x, x->body, 1);
            return;
        }
        ensure_body(x);
        set_attrs(x, x->body, 0);
        return;
    }
    if (t == T_HEAD) {
        if (!x->head && !x->body)
            ensure_head(x);
        return;
    }
    if (!x->body && (top(x)->tag == T_HTML || top(x)->tag == T_HEAD)) {
        if (info->flags & XP_HEAD)
            ensure_head(x);
        else
            ensure_body(x);
    }
    if (x->depth >= XP_MAX_DEPTH)
        return; /* too deep: the element and what it holds are left out */
    if (x->elems >= XP_MAX_ELEMS)
        return; /* too many: later elements are left out, their text is kept */
    close_before(x, info);
    flush_text(x);
    n = new_elem(x, info);
    set_attrs(x, n, 0);
    link_child(top(x)->n, n);
    if ((info->flags & XP_VOID) || self_closing)
        return;
    if (info->flags & (XP_RAW | XP_RCDATA | XP_PLAIN)) {
        read_raw(x, n, info);
        return;
    }
    push(x, n, info);
}

static void
end_tag(struct xp *x, const char *name, size_t name_len)
{
    const xmlChar *nm = name_of(x, name, name_len, 0);
    struct xp_name nfo;
    const struct xp_name *info = &nfo;
    int t, i = -1;

    if (!nm) /* a name never seen cannot close anything */
        return;
    nfo = name_info(x, nm);
    t = info->tag;
    switch (t) {
    case T_HTML:
    case T_BODY:
        return; /* what follows still belongs to the body */
    case T_HEAD:
        if (top(x)->tag == T_HEAD)
            pop_to(x, x->depth - 1);
        return;
    case T_P:
        i = find_open(x, T_P, NULL, XP_SCOPE, T_BUTTON, 0);
        break;
    case T_LI:
        i = find_open(x, T_LI, NULL, XP_SCOPE, T_UL, T_OL);
        break;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
        /* any heading closes any other */
        for (int j = x->depth - 1; j > 0 && x->budget; j--, x->budget--) {
            if (is_heading(x->stack[j].tag)) {
                i = j;
                break;
            }
            if (x->stack[j].flags & XP_SCOPE)
                break;
        }
        break;
    default:
        if (info->flags & XP_SPECIAL) {
            /* a block closes what it encloses, within its table cell (rows: table) */
            unsigned stop =
                (info->flags & (XP_SCOPE | XP_TABLEROW)) || t == T_TR ? XP_TSCOPE : XP_SCOPE;

            i = find_open(x, T_OTHER, nm, stop, 0, 0);
        } else {
            /* any other element: the innermost open one, unless a block is in the way */
            i = find_open(x, T_OTHER, nm, XP_SPECIAL, 0, 0);
        }
        break;
    }
    if (i > 0 && x->stack[i].n != x->body)
        pop_to(x, i);
}

/*
 * Text that comes before the body: whitespace is dropped (returns 1), any
 * other text opens the body and an implied <p> for itself, as libxml2 does.
 */
static int
text_before_body(struct xp *x, const char *s, size_t n)
{
    struct xp_name p;
    xmlNode *el;
    size_t i = 0;

    if (x->body || (top(x)->tag != T_HTML && top(x)->tag != T_HEAD))
        return 0;
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    if (i == n)
        return 1;
    ensure_body(x);
    p = name_info_of(x, "p");
    el = new_elem(x, &p);
    link_child(top(x)->n, el);
    push(x, el, &p);
    return 0;
}

/* Skip a comment that starts at p ("<!--"); returns where parsing goes on. */
static const char *
skip_comment(const char *p, const char *end)
{
    const char *q = p + 4;

    if (q < end && *q == '>') /* "<!-->" */
        return q + 1;
    if (end - q >= 2 && q[0] == '-' && q[1] == '>') /* "<!--->" */
        return q + 2;
    while ((q = memchr(q, '-', (size_t)(end - q))) && end - q >= 3) {
        if (q[1] == '-' && q[2] == '>')
            return q + 3;
        q++;
    }
    return end; /* unclosed: a comment to the end */
}

static void
parse(struct xp *x)
{
    const char *end = x->end;

    while (x->p < end) {
        const char *p = x->p;
        unsigned char c1;

        if (*p != '<') {
            const char *q = memchr(p, '<', (size_t)(end - p));
            size_t n = (size_t)((q ? q : end) - p);

            x->p = q ? q : end;
            if (x->depth >= XP_MAX_DEPTH)
                continue; /* inside an element at the deepest level */
            if (!x->body && text_before_body(x, p, n))
                continue;
            if (memchr(p, '&', n))
                add_decoded(&x->text, p, n, 1);
            else
                buf_add(&x->text, p, n);
            continue;
        }
        c1 = p + 1 < end ? (unsigned char)p[1] : 0;
        if (is_alpha(c1)) {
            const char *name = p + 1, *q = name, *after;
            int self_closing;

            while (q < end && !is_space((unsigned char)*q) && *q != '/' && *q != '>')
                q++;
            after = read_attrs(x, q, &self_closing);
            if (!after) {
                x->p = end; /* a tag cut off by the end of the page is dropped */
                break;
            }
            x->p = after;
            start_tag(x, name, (size_t)(q - name), self_closing);
            continue;
        }
        if (c1 == '/') {
            const char *gt = memchr(p, '>', (size_t)(end - p));

            if (!gt) {
                x->p = end;
                break;
            }
            x->p = gt + 1;
            if (is_alpha((unsigned char)p[2])) {
                const char *q = p + 2;

                while (q < gt && !is_space((unsigned char)*q) && *q != '/')
                    q++;
                end_tag(x, p + 2, (size_t)(q - (p + 2)));
            }
            continue; /* "</>" and "</3...>" are nothing */
        }
        if (c1 == '!' && end - p >= 4 && p[2] == '-' && p[3] == '-') {
            x->p = skip_comment(p, end);
            continue;
        }
        if (c1 == '!' || c1 == '?') {
            const char *gt = memchr(p, '>', (size_t)(end - p));

            x->p = gt ? gt + 1 : end; /* doctype, CDATA, processing instruction */
            continue;
        }
        /* a '<' that opens nothing is text */
        x->p = p + 1;
        if (x->depth >= XP_MAX_DEPTH || (!x->body && text_before_body(x, p, 1)))
            continue;
        buf_addc(&x->text, '<');
    }
    flush_text(x);
}

xmlDoc *
xdom_parse(const char *html, size_t len, unsigned flags, struct arena *a)
{
    struct xp *x = xmalloc(sizeof(*x));
    struct xp_name root;

#ifndef NDEBUG
    for (size_t i = 1; i < ARRAY_SIZE(xp_tags); i++)
        assert(strcmp(xp_tags[i - 1].name, xp_tags[i].name) < 0); /* tag_flags() bsearches */
#endif
    xmlNode *html_el;
    xmlDoc *doc;

    doc = htmlNewDocNoDtD(NULL, NULL);
    if (!doc)
        oom();
    doc->dict = xmlDictCreate();
    if (!doc->dict)
        oom();
    memset(x->names, 0, sizeof(x->names));
    memset(x->interned, 0, sizeof(x->interned));
    x->doc = doc;
    x->dict = doc->dict;
    x->a = a;
    x->flags = flags;
    x->p = html;
    x->end = html + len;
    x->head = x->body = NULL;
    buf_init(&x->text, 0);
    buf_init(&x->vals, 0);
    x->depth = 0;
    x->budget = 2 * len + 100000; /* the pages of the corpora use at most 0.25 a byte */
    x->elems = 0;
    x->nattrs = 0;
    root = name_info_of(x, "html");
    html_el = new_elem(x, &root);
    xmlDocSetRootElement(doc, html_el);
    push(x, html_el, &root);
    parse(x);
    buf_release(&x->text);
    buf_release(&x->vals);
    free(x);
    return doc;
}
