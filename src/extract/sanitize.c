#include "extract/sanitize.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"
#include "util/url.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* What to do with an element: the table is data, sorted by name for bsearch. */
enum el_action {
    EL_KEEP = 1, /* keep tag and content */
    EL_VOID = 2, /* keep, has no content and no end tag */
    EL_DROP = 3, /* drop tag and everything inside */
};

struct el_rule {
    const char *name;
    enum el_action action;
};

static const struct el_rule el_rules[] = {
    {"a", EL_KEEP},          {"abbr", EL_KEEP},       {"acronym", EL_KEEP},  {"address", EL_KEEP},
    {"applet", EL_DROP},     {"area", EL_DROP},       {"article", EL_KEEP},  {"aside", EL_KEEP},
    {"audio", EL_KEEP},      {"b", EL_KEEP},          {"base", EL_DROP},     {"basefont", EL_DROP},
    {"bdi", EL_KEEP},        {"bdo", EL_KEEP},        {"big", EL_KEEP},      {"blink", EL_DROP},
    {"blockquote", EL_KEEP}, {"br", EL_VOID},         {"button", EL_DROP},   {"canvas", EL_DROP},
    {"caption", EL_KEEP},    {"center", EL_KEEP},     {"cite", EL_KEEP},     {"code", EL_KEEP},
    {"col", EL_VOID},        {"colgroup", EL_KEEP},   {"dd", EL_KEEP},       {"del", EL_KEEP},
    {"details", EL_KEEP},    {"dfn", EL_KEEP},        {"dialog", EL_DROP},   {"div", EL_KEEP},
    {"dl", EL_KEEP},         {"dt", EL_KEEP},         {"em", EL_KEEP},       {"embed", EL_DROP},
    {"fieldset", EL_DROP},   {"figcaption", EL_KEEP}, {"figure", EL_KEEP},   {"font", EL_KEEP},
    {"footer", EL_KEEP},     {"form", EL_DROP},       {"frame", EL_DROP},    {"frameset", EL_DROP},
    {"h1", EL_KEEP},         {"h2", EL_KEEP},         {"h3", EL_KEEP},       {"h4", EL_KEEP},
    {"h5", EL_KEEP},         {"h6", EL_KEEP},         {"head", EL_DROP},     {"header", EL_KEEP},
    {"hr", EL_VOID},         {"i", EL_KEEP},          {"iframe", EL_DROP},   {"img", EL_VOID},
    {"input", EL_DROP},      {"ins", EL_KEEP},        {"kbd", EL_KEEP},      {"label", EL_KEEP},
    {"legend", EL_KEEP},     {"li", EL_KEEP},         {"link", EL_DROP},     {"main", EL_KEEP},
    {"map", EL_DROP},        {"mark", EL_KEEP},       {"math", EL_DROP},     {"meta", EL_DROP},
    {"meter", EL_DROP},      {"nav", EL_KEEP},        {"noembed", EL_DROP},  {"noframes", EL_DROP},
    {"object", EL_DROP},     {"ol", EL_KEEP},         {"optgroup", EL_DROP}, {"option", EL_DROP},
    {"p", EL_KEEP},          {"param", EL_DROP},      {"picture", EL_KEEP},  {"plaintext", EL_DROP},
    {"pre", EL_KEEP},        {"progress", EL_DROP},   {"q", EL_KEEP},        {"rp", EL_KEEP},
    {"rt", EL_KEEP},         {"ruby", EL_KEEP},       {"s", EL_KEEP},        {"samp", EL_KEEP},
    {"script", EL_DROP},     {"section", EL_KEEP},    {"select", EL_DROP},   {"small", EL_KEEP},
    {"source", EL_VOID},     {"span", EL_KEEP},       {"strike", EL_KEEP},   {"strong", EL_KEEP},
    {"style", EL_DROP},      {"sub", EL_KEEP},        {"summary", EL_KEEP},  {"sup", EL_KEEP},
    {"svg", EL_DROP},        {"table", EL_KEEP},      {"tbody", EL_KEEP},    {"td", EL_KEEP},
    {"template", EL_DROP},   {"textarea", EL_DROP},   {"tfoot", EL_KEEP},    {"th", EL_KEEP},
    {"thead", EL_KEEP},      {"time", EL_KEEP},       {"title", EL_DROP},    {"tr", EL_KEEP},
    {"track", EL_DROP},      {"tt", EL_KEEP},         {"u", EL_KEEP},        {"ul", EL_KEEP},
    {"var", EL_KEEP},        {"video", EL_KEEP},      {"wbr", EL_VOID},      {"xmp", EL_DROP},
};

enum attr_kind {
    AT_TEXT = 1, /* plain value, escaped */
    AT_URL = 2,  /* URL: scheme checked, resolved against the base */
};

struct attr_rule {
    const char *name;
    enum attr_kind kind;
};

static const struct attr_rule attr_rules[] = {
    {"abbr", AT_TEXT},    {"align", AT_TEXT},    {"alt", AT_TEXT},      {"cite", AT_URL},
    {"colspan", AT_TEXT}, {"controls", AT_TEXT}, {"datetime", AT_TEXT}, {"dir", AT_TEXT},
    {"headers", AT_TEXT}, {"height", AT_TEXT},   {"href", AT_URL},      {"hreflang", AT_TEXT},
    {"lang", AT_TEXT},    {"loop", AT_TEXT},     {"poster", AT_URL},    {"reversed", AT_TEXT},
    {"rowspan", AT_TEXT}, {"scope", AT_TEXT},    {"span", AT_TEXT},     {"src", AT_URL},
    {"start", AT_TEXT},   {"summary", AT_TEXT},  {"title", AT_TEXT},    {"type", AT_TEXT},
    {"valign", AT_TEXT},  {"width", AT_TEXT},
};

static int
cmp_el(const void *key, const void *el)
{
    return strcmp(key, ((const struct el_rule *)el)->name);
}

static int
cmp_attr(const void *key, const void *el)
{
    return strcmp(key, ((const struct attr_rule *)el)->name);
}

static enum el_action
el_action(const char *name)
{
    const struct el_rule *r = bsearch(name, el_rules, sizeof(el_rules) / sizeof(el_rules[0]),
                                      sizeof(el_rules[0]), cmp_el);

    return r ? r->action : 0;
}

static const struct attr_rule *
attr_rule(const char *name)
{
    return bsearch(name, attr_rules, sizeof(attr_rules) / sizeof(attr_rules[0]),
                   sizeof(attr_rules[0]), cmp_attr);
}

static void
esc_text(struct buf *out, const char *s, int attr)
{
    const char *run = s;

    for (; *s; s++) {
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
        buf_add(out, run, (size_t)(s - run));
        buf_adds(out, rep);
        run = s + 1;
    }
    buf_add(out, run, (size_t)(s - run));
}

static void
emit_attrs(struct buf *out, xmlNode *n, const char *base_url, unsigned flags)
{
    for (xmlAttr *a = n->properties; a; a = a->next) {
        const struct attr_rule *r;
        xmlChar *v;
        char *val;

        if (!a->name || a->ns)
            continue;
        r = attr_rule((const char *)a->name);
        if (!r)
            continue;
        v = xmlNodeGetContent((xmlNode *)a);
        val = v ? (char *)v : "";
        if (r->kind == AT_URL) {
            struct buf u = BUF_INIT;

            if (!url_is_safe_link(val, !strcmp((const char *)a->name, "href"))) {
                xmlFree(v);
                continue;
            }
            if (base_url && *base_url && !url_resolve(&u, base_url, val, NULL)) {
                buf_addf(out, " %s=\"", (const char *)a->name);
                esc_text(out, u.p, 1);
                buf_addc(out, '"');
            } else {
                buf_addf(out, " %s=\"", (const char *)a->name);
                esc_text(out, val, 1);
                buf_addc(out, '"');
            }
            buf_release(&u);
        } else {
            buf_addf(out, " %s=\"", (const char *)a->name);
            esc_text(out, val, 1);
            buf_addc(out, '"');
        }
        xmlFree(v);
    }
    if ((flags & SANITIZE_LINK_REL) && !strcmp((const char *)n->name, "a"))
        buf_adds(out, " rel=\"nofollow noopener noreferrer\"");
}

/* The element's action, honouring the flags. */
static enum el_action
node_action(xmlNode *n, unsigned flags)
{
    enum el_action act = el_action((const char *)n->name);

    if (act == EL_VOID && (flags & SANITIZE_NO_IMAGES) && !strcmp((const char *)n->name, "img"))
        return EL_DROP;
    return act;
}

/*
 * Walk the subtree below root without recursion (pages nest 100k deep),
 * using the parent pointers to climb back.
 */
int
sanitize_node_children(struct buf *out, xmlNode *root, const char *base_url, unsigned flags)
{
    xmlNode *n = root ? root->children : NULL;

    while (n) {
        int descend = 0;

        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (n->content)
                esc_text(out, (const char *)n->content, 0);
            break;
        case XML_ELEMENT_NODE: {
            enum el_action act = node_action(n, flags);

            if (act == EL_DROP)
                break;
            if (act == EL_KEEP || act == EL_VOID) {
                buf_addf(out, "<%s", (const char *)n->name);
                emit_attrs(out, n, base_url, flags);
                buf_addc(out, '>');
            }
            descend = act != EL_VOID && n->children;
            if (!descend && act == EL_KEEP)
                buf_addf(out, "</%s>", (const char *)n->name);
            break;
        }
        default:
            break;
        }
        if (out->overflow)
            return GZ_ELIMIT;
        if (descend) {
            n = n->children;
            continue;
        }
        /* next sibling, or climb, closing the elements we leave */
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE && node_action(n, flags) == EL_KEEP)
                buf_addf(out, "</%s>", (const char *)n->name);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return out->overflow ? GZ_ELIMIT : 0;
}

static htmlDocPtr
parse_fragment(const char *html, size_t len)
{
    static const char prefix[] = "<html><body>";
    struct buf in = BUF_INIT;
    htmlDocPtr doc;

    if (len > INT32_MAX - 64)
        return NULL;
    buf_add(&in, prefix, sizeof(prefix) - 1);
    buf_add(&in, html, len);
    doc = htmlReadMemory(in.p, (int)in.len, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_NODEFDTD);
    buf_release(&in);
    return doc;
}

static xmlNode *
find_body(htmlDocPtr doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);

    if (!root)
        return NULL;
    for (xmlNode *c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "body"))
            return c;
    return root;
}

int
sanitize_html(struct buf *out, const char *html, size_t len, const char *base_url, unsigned flags,
              struct gz_err *err)
{
    htmlDocPtr doc;
    xmlNode *body;
    int rc;

    if (!len)
        return 0;
    doc = parse_fragment(html, len);
    if (!doc)
        return gz_errf(err, GZ_EPARSE, "cannot parse html");
    body = find_body(doc);
    rc = body ? sanitize_node_children(out, body, base_url, flags) : 0;
    xmlFreeDoc(doc);
    if (rc)
        return gz_errf(err, rc, "sanitized html is larger than %zu bytes", out->max);
    return 0;
}

struct safe_html
safe_html_trusted(const char *p, size_t len)
{
    struct safe_html h = {p, len};

    return h;
}

static int
is_block(const char *name)
{
    static const char *const blocks[] = {
        "address", "article",    "aside",   "blockquote", "br", "dd",   "div", "dl",
        "dt",      "figcaption", "figure",  "footer",     "h1", "h2",   "h3",  "h4",
        "h5",      "h6",         "header",  "hr",         "li", "main", "nav", "ol",
        "p",       "pre",        "section", "table",      "td", "th",   "tr",  "ul",
    };

    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (!strcmp(name, blocks[i]))
            return 1;
    return 0;
}

static int
is_para(const char *name)
{
    return !strcmp(name, "p") || !strcmp(name, "blockquote") || !strcmp(name, "pre") ||
           (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) ||
           !strcmp(name, "ul") || !strcmp(name, "ol") || !strcmp(name, "table");
}

/* Collapse whitespace while appending; breaks are 0 none, 1 newline, 2 blank line. */
struct text_state {
    struct buf *out;
    int pending_space;
    int pending_break;
};

static void
text_break(struct text_state *ts, int level)
{
    if (level > ts->pending_break)
        ts->pending_break = level;
    ts->pending_space = 0;
}

static void
text_add(struct text_state *ts, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            ts->pending_space = 1;
            continue;
        }
        if (ts->out->len) {
            if (ts->pending_break)
                buf_adds(ts->out, ts->pending_break > 1 ? "\n\n" : "\n");
            else if (ts->pending_space)
                buf_addc(ts->out, ' ');
        }
        /* U+00A0 no-break space counts as a space too */
        if (c == 0xc2 && (unsigned char)s[1] == 0xa0) {
            ts->pending_space = 1;
            s++;
            continue;
        }
        ts->pending_space = 0;
        ts->pending_break = 0;
        buf_addc(ts->out, (int)c);
    }
}

int
html_to_text(struct buf *out, const char *html, size_t len, struct gz_err *err)
{
    htmlDocPtr doc;
    xmlNode *root;
    xmlNode *n;
    struct text_state ts = {out, 0, 0};

    if (!len)
        return 0;
    doc = parse_fragment(html, len);
    if (!doc)
        return gz_errf(err, GZ_EPARSE, "cannot parse html");
    root = find_body(doc);
    n = root ? root->children : NULL;
    while (n) {
        int descend = 0;

        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                text_add(&ts, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;

            if (el_action(name) != EL_DROP || !strcmp(name, "svg")) {
                if (is_block(name))
                    text_break(&ts, is_para(name) ? 2 : 1);
                descend = n->children != NULL && strcmp(name, "svg");
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE && is_block((const char *)n->name))
                text_break(&ts, is_para((const char *)n->name) ? 2 : 1);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    xmlFreeDoc(doc);
    if (out->overflow)
        return gz_errf(err, GZ_ELIMIT, "text is larger than %zu bytes", out->max);
    return 0;
}
