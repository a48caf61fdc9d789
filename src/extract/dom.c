/*
 * dom.c - small helpers over libxml2's tree for the extractor.
 */
#include "extract/extract_int.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* Names in the order of enum xtag (from T_A on), sorted for bsearch. */
static const char *const tag_names[T_COUNT - 1] = {
    "a",        "abbr",     "address",  "article",    "aside",  "audio",    "b",
    "bdi",      "bdo",      "big",      "blockquote", "body",   "br",       "button",
    "canvas",   "caption",  "center",   "cite",       "code",   "data",     "dd",
    "del",      "details",  "dfn",      "dialog",     "div",    "dl",       "dt",
    "em",       "embed",    "fieldset", "figcaption", "figure", "font",     "footer",
    "form",     "frame",    "frameset", "h1",         "h2",     "h3",       "h4",
    "h5",       "h6",       "head",     "header",     "hr",     "html",     "i",
    "iframe",   "img",      "input",    "ins",        "kbd",    "label",    "legend",
    "li",       "link",     "main",     "map",        "mark",   "math",     "menu",
    "meta",     "nav",      "noscript", "object",     "ol",     "optgroup", "option",
    "output",   "p",        "param",    "picture",    "pre",    "progress", "q",
    "rp",       "rt",       "ruby",     "s",          "samp",   "script",   "section",
    "select",   "small",    "source",   "span",       "strike", "strong",   "style",
    "sub",      "summary",  "sup",      "svg",        "table",  "tbody",    "td",
    "template", "textarea", "tfoot",    "th",         "thead",  "time",     "title",
    "tr",       "tt",       "u",        "ul",         "var",    "video",    "wbr",
};

static int
cmp_name(const void *key, const void *el)
{
    return strcmp(key, *(const char *const *)el);
}

int
xdom_tag_of(const char *name)
{
    char low[16];
    size_t i;
    const char *const *hit;

    for (i = 0; name[i] && i < sizeof(low) - 1; i++) {
        char c = name[i];

        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (name[i])
        return T_OTHER;
    low[i] = 0;
    hit = bsearch(low, tag_names, T_COUNT - 1, sizeof(tag_names[0]), cmp_name);
    return hit ? (int)(hit - tag_names) + 1 : T_OTHER;
}

xmlNode *
xdom_first_elem(const xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

xmlNode *
xdom_next_elem_sib(const xmlNode *n)
{
    for (xmlNode *c = n->next; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

size_t
xdom_count_elem_children(const xmlNode *n)
{
    size_t k = 0;

    for (xmlNode *c = n->children; c; c = c->next)
        k += c->type == XML_ELEMENT_NODE;
    return k;
}

xmlNode *
xdom_new_elem(xmlDoc *doc, const char *name, struct arena *a)
{
    xmlNode *n = xmlNewDocNode(doc, NULL, (const xmlChar *)name, NULL);
    struct xnode *x = ARENA_NEW(a, struct xnode);

    x->tag = (uint16_t)xdom_tag_of(name);
    n->_private = x;
    return n;
}

void
xdom_set_tag(xmlNode *n, const char *name)
{
    xmlNodeSetName(n, (const xmlChar *)name);
    if (n->_private)
        xn(n)->tag = (uint16_t)xdom_tag_of(name);
}

const char *
xdom_attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        if (!at->name || at->name[0] != (unsigned char)name[0] ||
            strcmp((const char *)at->name, name))
            continue;
        if (at->children && at->children->type == XML_TEXT_NODE && !at->children->next)
            return at->children->content ? (const char *)at->children->content : "";
        return "";
    }
    return NULL;
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void
xdom_text(const xmlNode *root, struct buf *out, int norm)
{
    const xmlNode *n = root;
    size_t start = out->len;
    int space = 0;

    while (n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            const unsigned char *s = n->content;

            if (!norm) {
                buf_adds(out, (const char *)s);
            } else {
                for (; *s; s++) {
                    if (is_space(*s)) {
                        space = 1;
                        continue;
                    }
                    if (space && out->len > start)
                        buf_addc(out, ' ');
                    space = 0;
                    buf_addc(out, *s);
                }
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

size_t
xdom_text_len(const xmlNode *root)
{
    const xmlNode *n = root;
    size_t len = 0;
    int space = 0, any = 0;

    while (n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            for (const unsigned char *s = n->content; *s; s++) {
                if (*s > ' ' && *s < 0x80) {
                    len += 1 + (size_t)(space && any); /* the common case */
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
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return len;
}

/*
 * Normalized text length of a run of text, in parts that join: n
 * characters and r inner runs of whitespace (each counts one), whether
 * the run has any character, and whether whitespace comes before the
 * first and after the last (for a run of only whitespace: any at all).
 */
struct tsum {
    uint32_t n, r;
    unsigned char has, lead, trail;
};

static void
tsum_join(struct tsum *a, const struct tsum *b)
{
    if (!a->has) {
        unsigned char lead = a->lead || b->lead;

        *a = *b;
        a->lead = lead;
        if (!b->has)
            a->trail = lead;
        return;
    }
    if (!b->has) {
        a->trail = a->trail || b->lead;
        return;
    }
    a->r += b->r + (a->trail || b->lead);
    a->n += b->n;
    a->trail = b->trail;
}

static void
tsum_text(struct tsum *t, const unsigned char *s)
{
    int space = 0;

    memset(t, 0, sizeof(*t));
    for (; *s; s++) {
        if (*s > ' ' && *s < 0x80) {
            /* the common case */
            t->r += (uint32_t)(space && t->has);
            t->lead |= (unsigned char)(space && !t->has);
            space = 0;
            t->has = 1;
            t->n++;
            continue;
        }
        if (is_space(*s)) {
            space = 1;
            continue;
        }
        if ((*s & 0xc0) == 0x80)
            continue;
        if (space) {
            if (t->has)
                t->r++;
            else
                t->lead = 1;
        }
        space = 0;
        t->has = 1;
        t->n++;
    }
    if (!t->has)
        t->lead = (unsigned char)space;
    t->trail = (unsigned char)space;
}

void
xdom_measure_text(xmlNode *root)
{
    struct tsum *stack = NULL; /* stack[d]: what element d levels below root holds so far */
    size_t alloc = 0;
    int d = 0;
    xmlNode *n = root;

    if (!root || root->type != XML_ELEMENT_NODE)
        return;
    ALLOC_GROW(stack, 1, alloc);
    memset(&stack[0], 0, sizeof(stack[0]));
    n = root->children;
    while (n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            struct tsum t;

            tsum_text(&t, n->content);
            tsum_join(&stack[d], &t);
        } else if (n->type == XML_ELEMENT_NODE && n->children) {
            d++;
            ALLOC_GROW(stack, (size_t)d + 1, alloc);
            memset(&stack[d], 0, sizeof(stack[d]));
            n = n->children;
            continue;
        } else if (n->type == XML_ELEMENT_NODE && n->_private) {
            xn(n)->tlen = 0;
        }
        while (n != root && !n->next) {
            n = n->parent;
            /* n's children are done: its sum is stack[d] */
            if (n->_private)
                xn(n)->tlen = stack[d].n + stack[d].r;
            if (n == root)
                break;
            d--;
            tsum_join(&stack[d], &stack[d + 1]);
        }
        if (n == root)
            break;
        n = n->next;
    }
    if (!root->children && root->_private)
        xn(root)->tlen = 0;
    free(stack);
}

int
xdom_is_blank(const xmlNode *root)
{
    const xmlNode *n = root;

    while (n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            for (const unsigned char *s = n->content; *s; s++)
                if (!is_space(*s))
                    return 0;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return 1;
}

/*
 * Removed nodes are kept as children of an unlinked "trash" element hung
 * on doc->_private, so pointers to them stay valid until the document is
 * done with.
 */
void
xdom_remove(xmlNode *n)
{
    xmlDoc *doc = n->doc;
    xmlNode *trash;

    xmlUnlinkNode(n);
    if (!doc) {
        xmlFreeNode(n);
        return;
    }
    trash = doc->_private;
    if (!trash) {
        trash = xmlNewDocNode(doc, NULL, (const xmlChar *)"trash", NULL);
        doc->_private = trash;
    }
    /* link by hand: xmlAddChild would merge adjacent text nodes */
    n->parent = trash;
    n->prev = trash->last;
    n->next = NULL;
    if (trash->last)
        trash->last->next = n;
    else
        trash->children = n;
    trash->last = n;
}

void
xdom_trash_free(xmlDoc *doc)
{
    if (doc && doc->_private) {
        xmlFreeNode(doc->_private);
        doc->_private = NULL;
    }
}

void
xdom_match_string(const xmlNode *n, char *out, size_t cap)
{
    const char *cls = xdom_attr(n, "class");
    const char *id = xdom_attr(n, "id");
    size_t k = 0;

    if (!cap)
        return;
    for (const char *s = cls ? cls : ""; *s && k + 1 < cap; s++)
        out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    if (k + 1 < cap)
        out[k++] = ' ';
    for (const char *s = id ? id : ""; *s && k + 1 < cap; s++)
        out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    out[k] = 0;
}
