/*
 * content.c - find the article body in a parsed page.
 *
 * The core is Readability's (Mozilla): score every paragraph-like block
 * by its text (length, commas), give the score to its ancestors (less
 * the further up), weigh by class/id hints and link density, take the
 * best ancestor, join siblings that score close to it, then clean the
 * result conditionally (lists of links, forms, share bars, image walls,
 * short linky blocks).  When the result is short the search runs again
 * with fewer filters (extract.c drives the attempts).
 *
 * On top of it, boilerplate that sits inside article bodies is removed
 * (boiler.c): "Read more" and "Related" blocks, newsletter and
 * subscription boxes, captions and credits, share and comment widgets,
 * bylines and datelines.
 */
#include "extract/content.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/str.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tree surgery without libxml2's text-node merging ---- */

void
cx_append(xmlNode *parent, xmlNode *child)
{
    xmlUnlinkNode(child);
    child->parent = parent;
    child->prev = parent->last;
    child->next = NULL;
    if (parent->last)
        parent->last->next = child;
    else
        parent->children = child;
    parent->last = child;
}

void
cx_insert_before(xmlNode *ref, xmlNode *n)
{
    xmlNode *parent = ref->parent;

    xmlUnlinkNode(n);
    n->parent = parent;
    n->next = ref;
    n->prev = ref->prev;
    if (ref->prev)
        ref->prev->next = n;
    else if (parent)
        parent->children = n;
    ref->prev = n;
}

void
cx_replace(xmlNode *old, xmlNode *n)
{
    cx_insert_before(old, n);
    xdom_remove(old);
}

/* ---- classification helpers ---- */

int
cx_contains_any(const char *s, const char *const *pats, size_t n)
{
    uint64_t cand[256]; /* by a hash of two bytes: the patterns that start with them */
    size_t len = strlen(s);

    assert(n <= 64);
    if (len < 2)
        return 0;
    memset(cand, 0, sizeof(cand));
    for (size_t i = 0; i < n; i++) {
        const unsigned char *q = (const unsigned char *)pats[i];

        assert(q[0] && q[1]);
        cand[(q[0] * 8u + q[1]) & 255] |= 1ull << i;
    }
    for (const unsigned char *p = (const unsigned char *)s; p[1]; p++) {
        uint64_t m = cand[(p[0] * 8u + p[1]) & 255];

        while (m) {
            const unsigned char *q = (const unsigned char *)pats[__builtin_ctzll(m)];
            const unsigned char *r = p;

            while (*q && *q == *r) {
                q++;
                r++;
            }
            if (!*q)
                return 1;
            m &= m - 1;
        }
    }
    return 0;
}

/* Readability's "hid" alternatives: ^hid$, " hid$", " hid ", "^hid ". */
static int
has_hid_word(const char *s)
{
    for (const char *p = strstr(s, "hid"); p; p = strstr(p + 1, "hid"))
        if ((p == s || p[-1] == ' ') && (p[3] == 0 || p[3] == ' '))
            return 1;
    return 0;
}

static const char *const unlikely_pats[] = {
    "-ad-",       "ai2html", "banner",     "breadcrumbs",  "combx",    "comment",  "community",
    "cover-wrap", "disqus",  "extra",      "footer",       "gdpr",     "header",   "legends",
    "menu",       "related", "remark",     "replies",      "rss",      "shoutbox", "sidebar",
    "skyscraper", "social",  "sponsor",    "supplemental", "ad-break", "agegate",  "pagination",
    "pager",      "popup",   "yom-remote",
};
static const char *const maybe_pats[] = {"and",     "article", "body",  "column",
                                         "content", "main",    "shadow"};
static const char *const positive_pats[] = {"article", "body", "content", "entry",      "hentry",
                                            "h-entry", "main", "page",    "pagination", "post",
                                            "text",    "blog", "story"};
static const char *const negative_pats[] = {
    "-ad-",     "banner",  "combx",      "comment",  "com-",     "contact", "footer", "gdpr",
    "masthead", "media",   "meta",       "outbrain", "promo",    "related", "scroll", "share",
    "shoutbox", "sidebar", "skyscraper", "sponsor",  "shopping", "tags",    "widget",
};

int
cx_is_unlikely(const char *ms)
{
    return cx_contains_any(ms, unlikely_pats, ARRAY_SIZE(unlikely_pats)) &&
           !cx_contains_any(ms, maybe_pats, ARRAY_SIZE(maybe_pats));
}

static int
is_negative(const char *s)
{
    return cx_contains_any(s, negative_pats, ARRAY_SIZE(negative_pats)) || has_hid_word(s) ||
           strstr(s, "hidden");
}

static int
is_positive(const char *s)
{
    return cx_contains_any(s, positive_pats, ARRAY_SIZE(positive_pats));
}

static void
lower_copy(const char *s, char *out, size_t cap)
{
    size_t k = 0;

    for (; s && *s && k + 1 < cap; s++)
        out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    out[k] = 0;
}

int
cx_class_weight(const xmlNode *n, unsigned flags)
{
    char s[256];
    const char *v;
    int w = 0;

    if (!(flags & CX_WEIGHT_CLASSES))
        return 0;
    v = xdom_attr(n, "class");
    if (v && *v) {
        lower_copy(v, s, sizeof(s));
        if (is_negative(s))
            w -= 25;
        if (is_positive(s))
            w += 25;
    }
    v = xdom_attr(n, "id");
    if (v && *v) {
        lower_copy(v, s, sizeof(s));
        if (is_negative(s))
            w -= 25;
        if (is_positive(s))
            w += 25;
    }
    return w;
}

static int
is_phrasing_tag(int t)
{
    switch (t) {
    case T_ABBR:
    case T_AUDIO:
    case T_B:
    case T_BDO:
    case T_BR:
    case T_BUTTON:
    case T_CITE:
    case T_CODE:
    case T_DATA:
    case T_DFN:
    case T_EM:
    case T_EMBED:
    case T_I:
    case T_IMG:
    case T_INPUT:
    case T_KBD:
    case T_LABEL:
    case T_MARK:
    case T_MATH:
    case T_NOSCRIPT:
    case T_OBJECT:
    case T_OUTPUT:
    case T_PROGRESS:
    case T_Q:
    case T_RUBY:
    case T_SAMP:
    case T_SCRIPT:
    case T_SELECT:
    case T_SMALL:
    case T_SPAN:
    case T_STRONG:
    case T_SUB:
    case T_SUP:
    case T_TEXTAREA:
    case T_TIME:
    case T_VAR:
    case T_WBR:
        return 1;
    default:
        return 0;
    }
}

/* Readability's _isPhrasingContent (iterative for a, del, ins). */
int
cx_is_phrasing(const xmlNode *node)
{
    const xmlNode *n;

    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        return 1;
    if (node->type != XML_ELEMENT_NODE)
        return 0; /* comments count as neither */
    if (is_phrasing_tag(xtag(node)))
        return 1;
    if (xtag(node) != T_A && xtag(node) != T_DEL && xtag(node) != T_INS)
        return 0;
    /* every descendant down a, del, ins chains must be phrasing */
    n = node->children;
    while (n) {
        int descend = 0;

        if (n->type == XML_ELEMENT_NODE) {
            int t = xtag(n);

            if (t == T_A || t == T_DEL || t == T_INS)
                descend = n->children != NULL;
            else if (!is_phrasing_tag(t))
                return 0;
        } else if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) {
            return 0;
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != node && !n->next)
            n = n->parent;
        if (!n || n == node)
            break;
        n = n->next;
    }
    return 1;
}

int
cx_is_whitespace(const xmlNode *n)
{
    if (n->type == XML_TEXT_NODE)
        return xdom_is_blank(n);
    return n->type == XML_ELEMENT_NODE && xtag(n) == T_BR;
}

/* ---- text statistics ---- */

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Characters of normalized text in one text node (no leading/trailing state). */
static size_t
run_len(const unsigned char *s, size_t *commas)
{
    size_t len = 0;
    int space = 0, any = 0;

    for (; *s; s++) {
        if (*s > ' ' && *s < 0x80 && *s != ',') {
            /* the common case: a character that is neither space nor comma */
            len += 1 + (size_t)(space && any);
            space = 0;
            any = 1;
            continue;
        }
        if (is_space(*s)) {
            space = 1;
            continue;
        }
        if ((*s & 0xc0) == 0x80)
            continue;
        if (space && any)
            len++;
        space = 0;
        any = 1;
        len++;
        if (commas) {
            if (*s == ',')
                (*commas)++;
            else if (s[0] == 0xd8 && s[1] == 0x8c)
                (*commas)++;
            else if (s[0] == 0xef && s[1] == 0xb9 && s[2] == 0x90)
                (*commas)++;
            else if (s[0] == 0xef && s[1] == 0xb8 && (s[2] == 0x90 || s[2] == 0x91))
                (*commas)++;
            else if (s[0] == 0xe2 && s[1] == 0xb9 && (s[2] == 0x81 || s[2] == 0xb4 || s[2] == 0xb2))
                (*commas)++;
            else if (s[0] == 0xef && s[1] == 0xbc && s[2] == 0x8c)
                (*commas)++;
        }
    }
    return len;
}

static int
is_textish(int t)
{
    return t == T_SPAN || t == T_LI || t == T_TD || t == T_BLOCKQUOTE || t == T_DL || t == T_DIV ||
           t == T_IMG || t == T_OL || t == T_P || t == T_PRE || t == T_TABLE || t == T_UL;
}

struct walk_state {
    int in_link, in_head, in_textish;
    double link_coef;
};

static void
enter(struct walk_state *w, const xmlNode *n, int delta)
{
    int t = xtag(n);

    if (t == T_A) {
        w->in_link += delta;
        if (delta > 0) {
            const char *href = xdom_attr(n, "href");

            w->link_coef = href && href[0] == '#' && href[1] ? 0.3 : 1;
        }
    }
    if (is_heading(t))
        w->in_head += delta;
    if (is_textish(t))
        w->in_textish += delta;
}

void
cx_stats(const xmlNode *root, struct cx_stats *st)
{
    const xmlNode *n = root;
    struct walk_state w = {0, 0, 0, 1};
    int space = 0, any = 0;

    memset(st, 0, sizeof(*st));
    while (n) {
        int descend = 0;

        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            size_t l = 0;

            /* one pass: collapsed length and commas (Readability's comma set) */
            for (const unsigned char *s = n->content; *s; s++) {
                unsigned char c = *s;

                if (c < 0x80) {
                    if (is_space(c)) {
                        space = 1;
                        continue;
                    }
                    if (c == ',')
                        st->commas++;
                } else if (c < 0xc0) {
                    continue; /* continuation byte */
                } else if ((c == 0xd8 && s[1] == 0x8c) ||
                           (c == 0xef && ((s[1] == 0xb9 && s[2] == 0x90) ||
                                          (s[1] == 0xb8 && (s[2] == 0x90 || s[2] == 0x91)) ||
                                          (s[1] == 0xbc && s[2] == 0x8c))) ||
                           (c == 0xe2 && s[1] == 0xb9 &&
                            (s[2] == 0x81 || s[2] == 0xb4 || s[2] == 0xb2))) {
                    st->commas++;
                }
                if (space && any)
                    l++;
                space = 0;
                any = 1;
                l++;
            }
            st->text += l;
            if (l) {
                if (w.in_link)
                    st->link += (double)l * w.link_coef;
                if (w.in_head)
                    st->heading += l;
                if (w.in_textish)
                    st->textish = 1;
            }
        } else if (n->type == XML_ELEMENT_NODE) {
            int t = xtag(n);

            if (n != root) {
                switch (t) {
                case T_P:
                    st->p++;
                    break;
                case T_IMG:
                    st->img++;
                    break;
                case T_LI:
                    st->li++;
                    break;
                case T_INPUT:
                    st->input++;
                    break;
                case T_TABLE:
                    st->tables++;
                    if (xn(n)->flags & XN_DATA_TABLE)
                        st->data_tables++;
                    break;
                case T_OBJECT:
                case T_EMBED:
                case T_IFRAME:
                    st->embeds++;
                    break;
                case T_UL:
                case T_OL:
                    st->lists++;
                    break;
                default:
                    break;
                }
            }
            descend = n->children != NULL;
            if (descend && n != root)
                enter(&w, n, 1);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE)
                enter(&w, n, -1);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

/*
 * Text, comma and link counts of every element below root, in one
 * postorder walk, kept in the xnodes: the scoring reads them instead of
 * walking each candidate's subtree again.  Valid until the tree changes.
 */
static void
cx_measure(xmlNode *root)
{
    xmlNode *n = root;
    int in_link = 0;
    double coef = 1;

    if (root->_private) {
        xn(root)->text = xn(root)->commas = 0;
        xn(root)->link = 0;
    }
    while (n) {
        int descend = 0;

        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content &&
            n->parent && n->parent->_private) {
            size_t commas = 0;
            size_t l = run_len(n->content, &commas);
            struct xnode *p = xn(n->parent);

            p->text += (uint32_t)l;
            p->commas += (uint32_t)commas;
            if (in_link)
                p->link += (float)((double)l * coef);
        } else if (n == root) {
            descend = n->children != NULL;
        } else if (n->type == XML_ELEMENT_NODE) {
            struct xnode *x = xn(n);

            x->text = x->commas = 0;
            x->link = 0;
            descend = n->children != NULL;
            if (descend && x->tag == T_A) {
                const char *href = xdom_attr(n, "href");

                coef = href && href[0] == '#' && href[1] ? 0.3 : 1;
                in_link++;
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE) {
                struct xnode *x = xn(n);

                if (x->tag == T_A && in_link)
                    in_link--;
                if (n->parent && n->parent->_private) {
                    struct xnode *p = xn(n->parent);

                    p->text += x->text;
                    p->commas += x->commas;
                    p->link += x->link;
                }
            }
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static double
measured_link_density(const xmlNode *n)
{
    const struct xnode *x = xn(n);

    return x->text ? (double)x->link / (double)x->text : 0;
}

double
cx_link_density(const xmlNode *n)
{
    struct cx_stats st;

    cx_stats(n, &st);
    return st.text ? st.link / (double)st.text : 0;
}

/* ---- preparing the document ---- */

static int
in_doc(const xmlNode *n)
{
    while (n->parent && n->parent->type == XML_ELEMENT_NODE)
        n = n->parent;
    return n->parent && n->parent->type == XML_HTML_DOCUMENT_NODE;
}

static int
img_has_source(const xmlNode *img)
{
    for (const xmlAttr *at = img->properties; at; at = at->next) {
        const char *name = (const char *)at->name;
        const char *v;

        if (!strcmp(name, "src") || !strcmp(name, "srcset") || !strcmp(name, "data-src") ||
            !strcmp(name, "data-srcset"))
            return 1;
        v = xdom_attr(img, name);
        if (v && (str_casestr(v, strlen(v), ".jpg") || str_casestr(v, strlen(v), ".jpeg") ||
                  str_casestr(v, strlen(v), ".png") || str_casestr(v, strlen(v), ".webp")))
            return 1;
    }
    return 0;
}

/* Readability's _isSingleImage. */
static xmlNode *
single_image(xmlNode *n)
{
    while (n) {
        if (xtag(n) == T_IMG)
            return n;
        if (xdom_count_elem_children(n) != 1 || !xdom_is_blank(n))
            return NULL;
        n = xdom_first_elem(n);
    }
    return NULL;
}

static int
is_dropped_tag(int t)
{
    switch (t) {
    case T_SCRIPT:
    case T_STYLE:
    case T_TEMPLATE:
    case T_LINK:
        return 1;
    default:
        return 0;
    }
}

/* Replace a run of 2+ <br> with a paragraph holding the phrasing that follows. */
static xmlNode *
next_nonblank(xmlNode *n)
{
    while (n && n->type != XML_ELEMENT_NODE && xdom_is_blank(n))
        n = n->next;
    return n;
}

static void
replace_brs(xmlNode *br, struct arena *a)
{
    xmlNode *next = br->next, *p;
    int replaced = 0;

    while ((next = next_nonblank(next)) && xtag(next) == T_BR) {
        xmlNode *after = next->next;

        replaced = 1;
        xdom_remove(next);
        next = after;
    }
    if (!replaced)
        return;
    p = xdom_new_elem(br->doc, "p", a);
    cx_replace(br, p);
    next = p->next;
    while (next) {
        xmlNode *sib;

        if (xtag(next) == T_BR) {
            xmlNode *ne = next_nonblank(next->next);

            if (ne && xtag(ne) == T_BR)
                break;
        }
        if (!cx_is_phrasing(next))
            break;
        sib = next->next;
        cx_append(p, next);
        next = sib;
    }
    while (p->last && cx_is_whitespace(p->last))
        xdom_remove(p->last);
    if (p->parent && xtag(p->parent) == T_P)
        xdom_set_tag(p->parent, "div");
}

void
cx_prep(xmlDoc *doc, struct arena *a)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *n;
    xmlNode **brs = NULL, **nos = NULL;
    size_t nbr = 0, abr = 0, nno = 0, ano = 0;

    if (!root)
        return;
    /* placeholder images with no source at all */
    for (n = root; n;) {
        int t = xtag(n);

        if (t == T_IMG && !img_has_source(n)) {
            xmlNode *next = xdom_next_elem(n, root, 1);

            xdom_remove(n);
            n = next;
            continue;
        }
        if (t == T_NOSCRIPT) {
            ALLOC_GROW(nos, nno + 1, ano);
            nos[nno++] = n;
        }
        n = xdom_next_elem(n, root, 0);
    }
    /* noscript images replace the placeholder before them */
    for (size_t i = 0; i < nno; i++) {
        xmlNode *img = single_image(nos[i]);
        xmlNode *prev = nos[i]->prev;

        while (prev && prev->type != XML_ELEMENT_NODE)
            prev = prev->prev;
        if (img && prev && single_image(prev)) {
            xmlNode *old = single_image(prev);

            for (xmlAttr *at = old->properties; at; at = at->next) {
                const char *v = xdom_attr(old, (const char *)at->name);

                if (!v || !*v)
                    continue;
                if (!xdom_attr(img, (const char *)at->name))
                    xmlSetProp(img, at->name, (const xmlChar *)v);
            }
            cx_replace(prev, img);
        }
    }
    free(nos);
    /* scripts, styles, noscripts go */
    for (n = root; n;) {
        int t = xtag(n);

        if (is_dropped_tag(t) || t == T_NOSCRIPT) {
            xmlNode *next = xdom_next_elem(n, root, 1);

            xdom_remove(n);
            n = next;
            continue;
        }
        if (t == T_BR) {
            ALLOC_GROW(brs, nbr + 1, abr);
            brs[nbr++] = n;
        }
        if (t == T_FONT)
            xdom_set_tag(n, "span");
        n = xdom_next_elem(n, root, 0);
    }
    for (size_t i = 0; i < nbr; i++)
        if (in_doc(brs[i]))
            replace_brs(brs[i], a);
    free(brs);
}

/* ---- one search ---- */

static int
is_probably_visible(const xmlNode *n)
{
    const char *style = xdom_attr(n, "style");
    const char *aria = xdom_attr(n, "aria-hidden");

    if (style && *style) {
        char low[512];
        size_t k = 0;

        for (const char *s = style; *s && k + 1 < sizeof(low); s++)
            if (!is_space((unsigned char)*s))
                low[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        low[k] = 0;
        if (strstr(low, "display:none") || strstr(low, "visibility:hidden"))
            return 0;
    }
    if (xdom_attr(n, "hidden"))
        return 0;
    if (aria && !strcmp(aria, "true")) {
        const char *cls = xdom_attr(n, "class");

        return cls && strstr(cls, "fallback-image");
    }
    return 1;
}

static int
valid_byline(const xmlNode *n, const char *ms)
{
    const char *rel = xdom_attr(n, "rel");
    const char *ip = xdom_attr(n, "itemprop");
    size_t len;

    if (!((rel && !strcmp(rel, "author")) || (ip && strstr(ip, "author")) || strstr(ms, "byline") ||
          strstr(ms, "author") || strstr(ms, "dateline") || strstr(ms, "writtenby") ||
          strstr(ms, "p-author")))
        return 0;
    /* the raw text, trimmed but not collapsed, as Readability measures it */
    {
        struct buf b = BUF_INIT;

        xdom_text(n, &b, 0);
        buf_trim(&b);
        len = 0;
        for (size_t i = 0; i < b.len; i++)
            len += ((unsigned char)b.p[i] & 0xc0) != 0x80;
        buf_release(&b);
    }
    return len > 0 && len < 100;
}

static char *
trimmed_text(const xmlNode *n, struct arena *a, int norm)
{
    struct buf b = BUF_INIT;
    char *r;

    xdom_text(n, &b, norm);
    buf_trim(&b);
    r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

static int
has_ancestor_tag(const xmlNode *n, int tag, int max_depth, int data_table_only)
{
    int depth = 0;

    if (max_depth == 0)
        max_depth = 3;
    while (n->parent && n->parent->type == XML_ELEMENT_NODE) {
        if (max_depth > 0 && depth > max_depth)
            return 0;
        if (xtag(n->parent) == tag && (!data_table_only || (xn(n->parent)->flags & XN_DATA_TABLE)))
            return 1;
        n = n->parent;
        depth++;
    }
    return 0;
}

static int
without_content(const xmlNode *n)
{
    size_t kids = 0, brhr = 0;

    if (!xdom_is_blank(n))
        return 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            kids++;
    if (!kids)
        return 1;
    /* every element below must be a br or hr (getElementsByTagName counts all levels) */
    for (const xmlNode *c = n; c; c = xdom_next_elem((xmlNode *)c, n, 0))
        if (c != n && (xtag(c) == T_BR || xtag(c) == T_HR))
            brhr++;
    return kids == brhr;
}

static int
has_child_block(const xmlNode *e)
{
    for (const xmlNode *c = e; c; c = xdom_next_elem((xmlNode *)c, e, 0)) {
        int t;

        if (c == e)
            continue;
        t = xtag(c);
        if (t == T_BLOCKQUOTE || t == T_DL || t == T_DIV || t == T_IMG || t == T_OL || t == T_P ||
            t == T_PRE || t == T_TABLE || t == T_UL)
            return 1;
    }
    return 0;
}

static int
single_tag_inside(const xmlNode *e, int tag)
{
    const xmlNode *only = NULL;
    size_t k = 0;

    for (const xmlNode *c = e->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            only = c;
            k++;
        }
    }
    if (k != 1 || xtag(only) != tag)
        return 0;
    for (const xmlNode *c = e->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            /* Readability's hasContent: /\S$/ */
            size_t l = strlen((const char *)c->content);

            if (l && !is_space(c->content[l - 1]))
                return 0;
        }
    }
    return 1;
}

static void
init_node(xmlNode *n, unsigned flags)
{
    struct xnode *x = xn(n);
    float s = 0;

    switch (x->tag) {
    case T_DIV:
        s = 5;
        break;
    case T_PRE:
    case T_TD:
    case T_BLOCKQUOTE:
        s = 3;
        break;
    case T_ADDRESS:
    case T_OL:
    case T_UL:
    case T_DL:
    case T_DD:
    case T_DT:
    case T_LI:
    case T_FORM:
        s = -3;
        break;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_TH:
        s = -5;
        break;
    default:
        break;
    }
    x->score = s + (float)cx_class_weight(n, flags);
    x->flags |= XN_CANDIDATE;
}

static int
header_dup_title(const xmlNode *n, const char *title)
{
    char *h;
    double sim;
    struct buf b = BUF_INIT;

    if (xtag(n) != T_H1 && xtag(n) != T_H2)
        return 0;
    xdom_text(n, &b, 0);
    buf_trim(&b);
    h = b.p;
    sim = meta_text_similarity(title ? title : "", h);
    buf_release(&b);
    return sim > 0.75;
}

static int
is_unlikely_role(const char *role)
{
    static const char *const roles[] = {"menu",  "menubar",     "complementary", "navigation",
                                        "alert", "alertdialog", "dialog"};

    if (!role)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
        if (!strcmp(role, roles[i]))
            return 1;
    return 0;
}

struct nodelist {
    xmlNode **v;
    size_t n, alloc;
};

static void
nl_push(struct nodelist *l, xmlNode *n)
{
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n++] = n;
}

/* Wrap runs of phrasing children of div in paragraphs. */
static void
wrap_phrasing(xmlNode *div, struct arena *a)
{
    xmlNode *p = NULL, *c = div->children;

    while (c) {
        xmlNode *next = c->next;

        if (cx_is_phrasing(c)) {
            if (p) {
                cx_append(p, c);
            } else if (!cx_is_whitespace(c)) {
                p = xdom_new_elem(div->doc, "p", a);
                cx_insert_before(c, p);
                cx_append(p, c);
            }
        } else if (p) {
            while (p->last && cx_is_whitespace(p->last))
                xdom_remove(p->last);
            p = NULL;
        }
        c = next;
    }
}

static void
mark_data_tables(xmlNode *root)
{
    for (xmlNode *t = root; t; t = xdom_next_elem(t, root, 0)) {
        const char *v;
        int data = 0, rows = 0, cols = 0;

        if (xtag(t) != T_TABLE)
            continue;
        xn(t)->flags &= (uint16_t)~XN_DATA_TABLE;
        v = xdom_attr(t, "role");
        if (v && !strcmp(v, "presentation"))
            continue;
        v = xdom_attr(t, "datatable");
        if (v && !strcmp(v, "0"))
            continue;
        v = xdom_attr(t, "summary");
        if (v && *v) {
            xn(t)->flags |= XN_DATA_TABLE;
            continue;
        }
        {
            int nested = 0, caption = 0, first_caption = 1;

            for (xmlNode *d = xdom_next_elem(t, t, 0); d; d = xdom_next_elem(d, t, 0)) {
                int dt = xtag(d);

                if (dt == T_CAPTION && first_caption) {
                    first_caption = 0;
                    caption = d->children != NULL;
                }
                if (dt == T_THEAD || dt == T_TFOOT || dt == T_TH ||
                    !strcmp((const char *)d->name, "col") ||
                    !strcmp((const char *)d->name, "colgroup"))
                    data = 1;
                if (dt == T_TABLE)
                    nested = 1;
            }
            if (caption || data) {
                xn(t)->flags |= XN_DATA_TABLE;
                continue;
            }
            if (nested)
                continue;
        }
        for (xmlNode *tr = xdom_next_elem(t, t, 0); tr; tr = xdom_next_elem(tr, t, 0)) {
            int c = 0;

            if (xtag(tr) != T_TR)
                continue;
            v = xdom_attr(tr, "rowspan");
            rows += v && atoi(v) > 0 ? atoi(v) : 1;
            for (xmlNode *td = xdom_next_elem(tr, tr, 0); td; td = xdom_next_elem(td, tr, 0)) {
                if (xtag(td) != T_TD)
                    continue;
                v = xdom_attr(td, "colspan");
                c += v && atoi(v) > 0 ? atoi(v) : 1;
            }
            if (c > cols)
                cols = c;
        }
        if (cols == 1 || rows == 1)
            continue;
        if (rows >= 10 || cols > 4 || rows * cols > 10)
            xn(t)->flags |= XN_DATA_TABLE;
    }
}

static int
ends_with_sentence(const char *s)
{
    /* Readability: /\.( |$)/ anywhere */
    for (const char *p = strchr(s, '.'); p; p = strchr(p + 1, '.'))
        if (p[1] == ' ' || p[1] == 0)
            return 1;
    return 0;
}

static int
matches_ad_or_loading(const char *text)
{
    static const char *const words[] = {
        "ad",          "advertising", "advertisement", "pub",         "publicité",
        "werb",        "werbung",     "广告",          "Реклама",     "Anuncio",
        "loading",     "正在加载",    "Загрузка",      "chargement",  "cargando",
        "loading…",    "loading...",  "正在加载…",     "正在加载...", "Загрузка…",
        "Загрузка...", "chargement…", "chargement...", "cargando…",   "cargando...",
    };

    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (!str_casecmp(text, words[i]))
            return 1;
    return 0;
}

static int
embed_is_video(const xmlNode *n)
{
    static const char *const hosts[] = {
        "//www.youtube.com",      "//youtube.com",          "//www.youtube-nocookie.com",
        "//youtube-nocookie.com", "//player.vimeo.com",     "//www.player.vimeo.com",
        "//www.dailymotion.com",  "//dailymotion.com",      "//v.qq.com",
        "//archive.org",          "//upload.wikimedia.org", "//player.twitch.tv"};

    for (const xmlAttr *at = n->properties; at; at = at->next) {
        const char *v = xdom_attr(n, (const char *)at->name);

        if (!v)
            continue;
        for (size_t i = 0; i < ARRAY_SIZE(hosts); i++)
            if (str_casestr(v, strlen(v), hosts[i]))
                return 1;
    }
    return 0;
}

static int
has_data_table_below(xmlNode *node)
{
    for (xmlNode *d = xdom_next_elem(node, node, 0); d; d = xdom_next_elem(d, node, 0))
        if (xtag(d) == T_TABLE && (xn(d)->flags & XN_DATA_TABLE))
            return 1;
    return 0;
}

/* 1 when node's text has at least n commas (stops early). */
static int
has_commas(const xmlNode *node, size_t n)
{
    const xmlNode *c = node;
    size_t k = 0;

    while (c) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            (void)run_len(c->content, &k);
            if (k >= n)
                return 1;
        }
        if (c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && c != node && !c->next)
            c = c->parent;
        if (!c || c == node)
            break;
        c = c->next;
    }
    return 0;
}

/* Readability's _cleanConditionally verdict for one node. */
static int
should_clean(xmlNode *node, int tag, unsigned flags)
{
    struct cx_stats st;
    int is_list = tag == T_UL || tag == T_OL;
    int weight;
    size_t p, img, input;
    long li;
    int embed_count = 0;
    double link_density, heading_density;
    int figure_child;
    int remove = 0;

    if (tag == T_TABLE && (xn(node)->flags & XN_DATA_TABLE))
        return 0;
    if (has_ancestor_tag(node, T_TABLE, -1, 1))
        return 0;
    if (has_ancestor_tag(node, T_CODE, 0, 0))
        return 0;
    /* cheap verdicts first: most big blocks have many commas */
    weight = cx_class_weight(node, flags);
    if (weight < 0)
        return !has_data_table_below(node);
    if (has_commas(node, 10))
        return 0;
    cx_stats(node, &st);
    if (!is_list) {
        size_t list_len = 0;

        for (xmlNode *d = xdom_next_elem(node, node, 0); d; d = xdom_next_elem(d, node, 0)) {
            if (xtag(d) == T_UL || xtag(d) == T_OL) {
                list_len += xdom_text_len(d);
            }
        }
        is_list = st.text && (double)list_len / (double)st.text > 0.9;
    }
    if (st.data_tables)
        return 0;
    p = st.p;
    img = st.img;
    li = (long)st.li - 100;
    input = st.input;
    heading_density = st.text ? (double)st.heading / (double)st.text : 0;
    for (xmlNode *d = xdom_next_elem(node, node, 0); d; d = xdom_next_elem(d, node, 0)) {
        int t = xtag(d);

        if (t == T_OBJECT || t == T_EMBED || t == T_IFRAME) {
            if (embed_is_video(d))
                return 0;
            embed_count++;
        }
    }
    if (st.text < 40) {
        struct buf b = BUF_INIT;
        int bad;

        xdom_text(node, &b, 1);
        bad = matches_ad_or_loading(b.p);
        buf_release(&b);
        if (bad)
            return 1;
    }
    link_density = st.text ? st.link / (double)st.text : 0;
    figure_child = has_ancestor_tag(node, T_FIGURE, 0, 0);
    if (!figure_child && img > 1 && (double)p / (double)img < 0.5)
        remove = 1;
    if (!is_list && li > (long)p)
        remove = 1;
    if ((double)input > floor((double)p / 3))
        remove = 1;
    if (!is_list && !figure_child && heading_density < 0.9 && st.text < 25 &&
        (img == 0 || img > 2) && link_density > 0)
        remove = 1;
    if (!is_list && weight < 25 && link_density > 0.2)
        remove = 1;
    if (weight >= 25 && link_density > 0.5)
        remove = 1;
    if ((embed_count == 1 && st.text < 75) || embed_count > 1)
        remove = 1;
    if (img == 0 && !st.textish)
        remove = 1;
    if (is_list && remove) {
        size_t li_count = 0;

        for (xmlNode *c = xdom_first_elem(node); c; c = xdom_next_elem_sib(c))
            if (xdom_count_elem_children(c) > 1)
                return remove;
        for (xmlNode *d = xdom_next_elem(node, node, 0); d; d = xdom_next_elem(d, node, 0))
            li_count += xtag(d) == T_LI;
        if (img == li_count)
            return 0;
    }
    return remove;
}

/*
 * The elements below root by tag, in document order, gathered in one walk
 * for the tags the cleaning steps visit.  Later steps skip the nodes an
 * earlier step removed (is_detached_from()).
 */
struct buckets {
    struct nodelist by_tag[T_COUNT];
};

static int
bucketed(int t)
{
    switch (t) {
    case T_FORM:
    case T_FIELDSET:
    case T_OBJECT:
    case T_EMBED:
    case T_FOOTER:
    case T_LINK:
    case T_ASIDE:
    case T_IFRAME:
    case T_INPUT:
    case T_TEXTAREA:
    case T_SELECT:
    case T_BUTTON:
    case T_H1:
    case T_H2:
    case T_TABLE:
    case T_UL:
    case T_DIV:
    case T_P:
    case T_BR:
        return 1;
    default:
        return 0;
    }
}

static void
buckets_fill(struct buckets *b, xmlNode *root)
{
    for (xmlNode *n = xdom_next_elem(root, root, 0); n; n = xdom_next_elem(n, root, 0))
        if (bucketed(xtag(n)))
            nl_push(&b->by_tag[xtag(n)], n);
}

static void
buckets_free(struct buckets *b)
{
    for (int i = 0; i < T_COUNT; i++)
        free(b->by_tag[i].v);
}

static int
is_detached_from(const xmlNode *n, const xmlNode *root)
{
    for (; n; n = n->parent)
        if (n == root)
            return 0;
    return 1;
}

static void
clean_conditionally(xmlNode *root, int tag, unsigned flags, struct buckets *b)
{
    struct nodelist *l = &b->by_tag[tag];

    if (!(flags & CX_CLEAN_CONDITIONALLY))
        return;
    for (size_t i = l->n; i-- > 0;) {
        if (is_detached_from(l->v[i], root) || xtag(l->v[i]) != tag)
            continue;
        if (should_clean(l->v[i], tag, flags))
            xdom_remove(l->v[i]);
    }
}

static void
clean_tag(xmlNode *root, int tag, struct buckets *b)
{
    struct nodelist *l = &b->by_tag[tag];

    for (size_t i = l->n; i-- > 0;) {
        if (is_detached_from(l->v[i], root) || xtag(l->v[i]) != tag)
            continue;
        if ((tag == T_OBJECT || tag == T_EMBED || tag == T_IFRAME) && embed_is_video(l->v[i]))
            continue;
        xdom_remove(l->v[i]);
    }
}

static int
is_share_match(const char *ms)
{
    /* (\b|_)(share|sharedaddy)(\b|_) */
    for (const char *p = strstr(ms, "share"); p; p = strstr(p + 1, "share")) {
        const char *e = p + 5;
        int before = p == ms || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));

        if (!strncmp(e, "daddy", 5))
            e += 5;
        if (before && !((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9')))
            return 1;
    }
    return 0;
}

static void
prep_article(xmlNode *art, unsigned flags, struct arena *a)
{
    struct buckets *b = xcalloc(1, sizeof(*b));

    mark_data_tables(art);
    buckets_fill(b, art);
    clean_conditionally(art, T_FORM, flags, b);
    clean_conditionally(art, T_FIELDSET, flags, b);
    clean_tag(art, T_OBJECT, b);
    clean_tag(art, T_EMBED, b);
    clean_tag(art, T_FOOTER, b);
    clean_tag(art, T_LINK, b);
    clean_tag(art, T_ASIDE, b);
    for (xmlNode *top = xdom_first_elem(art); top; top = xdom_next_elem_sib(top)) {
        xmlNode *n = xdom_next_elem(top, top, 0);

        while (n) {
            char ms[256];

            xdom_match_string(n, ms, sizeof(ms));
            if (is_share_match(ms) && xdom_text_len(n) < CX_CHAR_THRESHOLD) {
                xmlNode *next = xdom_next_elem(n, top, 1);

                xdom_remove(n);
                n = next;
            } else {
                n = xdom_next_elem(n, top, 0);
            }
        }
    }
    clean_tag(art, T_IFRAME, b);
    clean_tag(art, T_INPUT, b);
    clean_tag(art, T_TEXTAREA, b);
    clean_tag(art, T_SELECT, b);
    clean_tag(art, T_BUTTON, b);
    /* headers with a negative class weight */
    for (int h = T_H1; h <= T_H2; h++) {
        struct nodelist *l = &b->by_tag[h];

        for (size_t i = l->n; i-- > 0;)
            if (!is_detached_from(l->v[i], art) && cx_class_weight(l->v[i], flags) < 0)
                xdom_remove(l->v[i]);
    }
    clean_conditionally(art, T_TABLE, flags, b);
    clean_conditionally(art, T_UL, flags, b);
    clean_conditionally(art, T_DIV, flags, b);
    for (size_t i = 0; i < b->by_tag[T_H1].n; i++)
        if (!is_detached_from(b->by_tag[T_H1].v[i], art))
            xdom_set_tag(b->by_tag[T_H1].v[i], "h2");
    /* empty paragraphs */
    for (size_t i = b->by_tag[T_P].n; i-- > 0;) {
        xmlNode *p = b->by_tag[T_P].v[i];
        struct cx_stats st;

        if (is_detached_from(p, art))
            continue;
        cx_stats(p, &st);
        if (!st.img && !st.embeds && !st.text)
            xdom_remove(p);
    }
    /* a br right before a paragraph */
    for (size_t i = 0; i < b->by_tag[T_BR].n; i++) {
        xmlNode *br = b->by_tag[T_BR].v[i], *next;

        if (is_detached_from(br, art))
            continue;
        next = next_nonblank(br->next);
        if (next && xtag(next) == T_P)
            xdom_remove(br);
    }
    /* single-cell tables */
    for (size_t i = 0; i < b->by_tag[T_TABLE].n; i++) {
        xmlNode *t = b->by_tag[T_TABLE].v[i], *body = t, *row, *cell;
        int all_phrasing = 1;

        if (is_detached_from(t, art))
            continue;
        if (single_tag_inside(t, T_TBODY))
            body = xdom_first_elem(t);
        if (!single_tag_inside(body, T_TR))
            continue;
        row = xdom_first_elem(body);
        if (!single_tag_inside(row, T_TD))
            continue;
        cell = xdom_first_elem(row);
        for (xmlNode *c = cell->children; c && all_phrasing; c = c->next)
            all_phrasing = cx_is_phrasing(c);
        xdom_set_tag(cell, all_phrasing ? "p" : "div");
        cx_replace(t, cell);
    }
    buckets_free(b);
    free(b);
    (void)a; /* images are fixed when the HTML is written */
}

xmlNode *
cx_grab(xmlDoc *doc, struct cx_search *s, unsigned flags, size_t *text_len)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = NULL, *node, *top = NULL, *parent, *art;
    struct nodelist score = {0}, cands = {0};
    xmlNode *tops[5] = {0};
    int remove_title_header = 1;

    *text_len = 0;
    if (!root)
        return NULL;
    for (node = root; node; node = xdom_next_elem(node, root, 0))
        if (xtag(node) == T_BODY) {
            body = node;
            break;
        }
    if (!body)
        return NULL;

    node = root;
    while (node) {
        char ms[512];
        int t = xtag(node);

        xdom_match_string(node, ms, sizeof(ms));
        if (!is_probably_visible(node)) {
            xmlNode *next = xdom_next_elem(node, root, 1);

            xdom_remove(node);
            node = next;
            continue;
        }
        {
            const char *am = xdom_attr(node, "aria-modal"), *role = xdom_attr(node, "role");

            if (am && !strcmp(am, "true") && role && !strcmp(role, "dialog")) {
                xmlNode *next = xdom_next_elem(node, root, 1);

                xdom_remove(node);
                node = next;
                continue;
            }
        }
        if (s->want_byline && !s->byline && valid_byline(node, ms)) {
            xmlNode *name_node = NULL, *next;

            for (xmlNode *d = xdom_next_elem(node, node, 0); d; d = xdom_next_elem(d, node, 0)) {
                const char *ip = xdom_attr(d, "itemprop");

                if (ip && strstr(ip, "name")) {
                    name_node = d;
                    break;
                }
            }
            s->byline = trimmed_text(name_node ? name_node : node, s->a, 0);
            if (!*s->byline)
                s->byline = NULL; /* an empty name: keep looking */
            next = xdom_next_elem(node, root, 1);
            xdom_remove(node);
            node = next;
            continue;
        }
        if (remove_title_header && header_dup_title(node, s->title)) {
            xmlNode *next = xdom_next_elem(node, root, 1);

            remove_title_header = 0;
            xdom_remove(node);
            node = next;
            continue;
        }
        if (flags & CX_STRIP_UNLIKELY) {
            if (cx_is_unlikely(ms) && !has_ancestor_tag(node, T_TABLE, 0, 0) &&
                !has_ancestor_tag(node, T_CODE, 0, 0) && t != T_BODY && t != T_A) {
                xmlNode *next = xdom_next_elem(node, root, 1);

                xdom_remove(node);
                node = next;
                continue;
            }
            if (is_unlikely_role(xdom_attr(node, "role"))) {
                xmlNode *next = xdom_next_elem(node, root, 1);

                xdom_remove(node);
                node = next;
                continue;
            }
        }
        if ((t == T_DIV || t == T_SECTION || t == T_HEADER || is_heading(t)) &&
            without_content(node)) {
            xmlNode *next = xdom_next_elem(node, root, 1);

            xdom_remove(node);
            node = next;
            continue;
        }
        if (t == T_SECTION || t == T_H2 || t == T_H3 || t == T_H4 || t == T_H5 || t == T_H6 ||
            t == T_P || t == T_TD || t == T_PRE)
            nl_push(&score, node);
        if (t == T_DIV) {
            wrap_phrasing(node, s->a);
            if (single_tag_inside(node, T_P) && cx_link_density(node) < 0.25) {
                xmlNode *child = xdom_first_elem(node);

                cx_replace(node, child);
                node = child;
                nl_push(&score, node);
            } else if (!has_child_block(node)) {
                xdom_set_tag(node, "p");
                nl_push(&score, node);
            }
        }
        node = xdom_next_elem(node, root, 0);
    }

    /* score paragraphs, give the score to ancestors */
    cx_measure(root);
    for (size_t i = 0; i < score.n; i++) {
        xmlNode *e = score.v[i], *anc;
        double cs;
        int level;

        if (!e->parent || e->parent->type != XML_ELEMENT_NODE || !in_doc(e))
            continue;
        if (xn(e)->text < 25)
            continue;
        cs = 1 + (double)(xn(e)->commas + 1) + fmin(floor((double)xn(e)->text / 100.0), 3);
        for (anc = e->parent, level = 0; anc && level < 5; anc = anc->parent, level++) {
            double div;

            if (anc->type != XML_ELEMENT_NODE || !anc->parent ||
                anc->parent->type != XML_ELEMENT_NODE)
                break;
            if (!(xn(anc)->flags & XN_CANDIDATE)) {
                init_node(anc, flags);
                nl_push(&cands, anc);
            }
            div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
            xn(anc)->score += (float)(cs / div);
        }
    }
    for (size_t i = 0; i < cands.n; i++) {
        xmlNode *c = cands.v[i];
        float sc = (float)((double)xn(c)->score * (1 - measured_link_density(c)));

        xn(c)->score = sc;
        for (int k = 0; k < 5; k++) {
            if (!tops[k] || sc > xn(tops[k])->score) {
                memmove(&tops[k + 1], &tops[k], sizeof(tops[0]) * (size_t)(4 - k));
                tops[k] = c;
                break;
            }
        }
    }
    top = tops[0];
    if (!top || xtag(top) == T_BODY) {
        top = xdom_new_elem(doc, "div", s->a);
        while (body->children)
            cx_append(top, body->children);
        cx_append(body, top);
        init_node(top, flags);
    } else {
        /* several close runners-up under one ancestor: take the ancestor */
        xmlNode *alts[4];
        int nalt = 0;

        for (int k = 1; k < 5; k++)
            if (tops[k] && xn(tops[k])->score / xn(top)->score >= 0.75f)
                alts[nalt++] = tops[k];
        if (nalt >= 3) {
            for (parent = top->parent;
                 parent && xtag(parent) != T_BODY && parent->type == XML_ELEMENT_NODE;
                 parent = parent->parent) {
                int contains = 0;

                for (int k = 0; k < nalt && contains < 3; k++) {
                    for (xmlNode *an = alts[k]->parent; an; an = an->parent)
                        if (an == parent) {
                            contains++;
                            break;
                        }
                }
                if (contains >= 3) {
                    top = parent;
                    break;
                }
            }
        }
        if (!(xn(top)->flags & XN_CANDIDATE))
            init_node(top, flags);
        /* climb while the parents' scores rise */
        {
            float last = xn(top)->score, threshold = last / 3;

            for (parent = top->parent;
                 parent && parent->type == XML_ELEMENT_NODE && xtag(parent) != T_BODY;
                 parent = parent->parent) {
                float ps;

                if (!(xn(parent)->flags & XN_CANDIDATE))
                    continue;
                ps = xn(parent)->score;
                if (ps < threshold)
                    break;
                if (ps > last) {
                    top = parent;
                    break;
                }
                last = ps;
            }
        }
        /* an only child: take the parent */
        for (parent = top->parent; parent && parent->type == XML_ELEMENT_NODE &&
                                   xtag(parent) != T_BODY && xdom_count_elem_children(parent) == 1;
             parent = top->parent)
            top = parent;
        if (!(xn(top)->flags & XN_CANDIDATE))
            init_node(top, flags);
    }

    /* join siblings */
    art = xdom_new_elem(doc, "div", s->a);
    parent = top->parent;
    {
        float threshold = fmaxf(10.0f, xn(top)->score * 0.2f);
        const char *top_class = xdom_attr(top, "class");
        xmlNode *sib = parent ? xdom_first_elem(parent) : top;

        while (sib) {
            xmlNode *next = xdom_next_elem_sib(sib);
            int append = 0;

            if (sib == top) {
                append = 1;
            } else {
                float bonus = 0;
                const char *cls = xdom_attr(sib, "class");

                if (top_class && *top_class && cls && !strcmp(cls, top_class))
                    bonus += xn(top)->score * 0.2f;
                if ((xn(sib)->flags & XN_CANDIDATE) && xn(sib)->score + bonus >= threshold) {
                    append = 1;
                } else if (xtag(sib) == T_P) {
                    double ld = cx_link_density(sib);
                    char *txt = trimmed_text(sib, s->a, 1);
                    size_t len = strlen(txt);

                    if (len > 80 && ld < 0.25)
                        append = 1;
                    else if (len < 80 && len > 0 && ld == 0 && ends_with_sentence(txt))
                        append = 1;
                }
            }
            if (append) {
                int t = xtag(sib);

                if (t != T_DIV && t != T_ARTICLE && t != T_SECTION && t != T_P && t != T_OL &&
                    t != T_UL)
                    xdom_set_tag(sib, "div");
                cx_append(art, sib);
            }
            sib = next;
            if (!parent)
                break;
        }
    }
    prep_article(art, flags, s->a);
    *text_len = xdom_text_len(art);

    /* text direction from the ancestors */
    if (!s->dir) {
        xmlNode *cands_dir[2] = {parent, top};

        for (int k = 0; k < 2 && !s->dir; k++) {
            const char *d = cands_dir[k] ? xdom_attr(cands_dir[k], "dir") : NULL;

            if (d && *d)
                s->dir = arena_strdup(s->a, d);
        }
        for (xmlNode *an = parent ? parent->parent : NULL;
             an && an->type == XML_ELEMENT_NODE && !s->dir; an = an->parent) {
            const char *d = xdom_attr(an, "dir");

            if (d && *d)
                s->dir = arena_strdup(s->a, d);
        }
    }
    free(score.v);
    free(cands.v);
    return art;
}
