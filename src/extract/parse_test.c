/*
 * parse_test.c - the page parser: the tree HTML implies, references,
 * raw text, broken markup, hostile nesting.
 */
#include "unit.h"

#include "extract/extract_int.h"
#include "util/arena.h"
#include "util/buf.h"

#include <libxml/parser.h>

/*
 * The tree below the root as markup: elements with their attributes in
 * order ("<a href=x>"), text as is, every element closed (a void one
 * too), so that the shape of the tree shows.
 */
static void
dump(const xmlNode *root, struct buf *out)
{
    const xmlNode *n = root;

    while (n) {
        if (n->type == XML_TEXT_NODE) {
            buf_adds(out, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            buf_addf(out, "<%s", (const char *)n->name);
            for (const xmlAttr *a = n->properties; a; a = a->next) {
                buf_addf(out, " %s", (const char *)a->name);
                if (a->children)
                    buf_addf(out, "=%s", (const char *)a->children->content);
            }
            buf_addc(out, '>');
            if (n->children) {
                n = n->children;
                continue;
            }
            buf_addf(out, "</%s>", (const char *)n->name);
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            buf_addf(out, "</%s>", (const char *)n->name);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static struct buf out = BUF_INIT;

/* The tree of html as markup (valid until the next call). */
static const char *
tree(const char *html)
{
    xmlDoc *doc = xdom_parse(html, strlen(html), 0, NULL);

    buf_reset(&out);
    dump(xmlDocGetRootElement(doc), &out);
    xmlFreeDoc(doc);
    return out.p;
}

/* The body's part of tree(). */
static const char *
body(const char *html)
{
    const char *t = tree(html);
    const char *b = strstr(t, "<body");

    return b ? strchr(b, '>') + 1 : t;
}

static void
test_implied(void)
{
    CHECK_STR(tree(""), "<html></html>");
    CHECK_STR(tree("just some words"), "<html><body><p>just some words</p></body></html>");
    CHECK_STR(tree("<!DOCTYPE html><title>T</title><p>x"),
              "<html><head><title>T</title></head><body><p>x</p></body></html>");
    CHECK_STR(tree("<html lang=en><head><meta charset=utf-8></head>\n<body class=b>hi</body>"
                   "</html>\n"),
              "<html lang=en><head><meta charset=utf-8></meta></head><body class=b>hi\n</body>"
              "</html>");
    /* a body element in the head opens the body; head elements after that stay in place */
    CHECK_STR(tree("<head><meta a=1><div>x</div><link b=2></head>"),
              "<html><head><meta a=1></meta></head><body><div>x</div><link b=2></link></body>"
              "</html>");
    /* markup inside a <noscript> of the head stays there */
    CHECK_STR(tree("<head><noscript><img src=p></noscript><title>t</title></head><p>x"),
              "<html><head><noscript><img src=p></img></noscript><title>t</title></head>"
              "<body><p>x</p></body></html>");
    /* a second <body> or <html> only adds attributes */
    CHECK_STR(body("<body a=1><p>x<body a=2 b=3><html lang=de>y"), "<p>xy</p></body></html>");
    CHECK_CONTAINS(tree("<body a=1><p>x<body a=2 b=3><html lang=de>y"),
                   "<html lang=de><body a=1 b=3>");
}

static void
test_closing(void)
{
    CHECK_STR(body("<p>one<p>two<div>three</div>"),
              "<p>one</p><p>two</p><div>three</div></body></html>");
    CHECK_STR(body("<p><span>a<div>b</div>"), "<p><span>a</span></p><div>b</div></body></html>");
    CHECK_STR(body("<ul><li>a<li>b<ul><li>c</ul><li>d</ul>"),
              "<ul><li>a</li><li>b<ul><li>c</li></ul></li><li>d</li></ul></body></html>");
    CHECK_STR(body("<dl><dt>a<dd>b<dt>c</dl>"),
              "<dl><dt>a</dt><dd>b</dd><dt>c</dt></dl></body></html>");
    CHECK_STR(body("<table><tr><td>a<td>b<tr><th>c</table>"),
              "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table></body></html>");
    CHECK_STR(body("<table><thead><tr><td>a<tbody><tr><td>b</table>"),
              "<table><thead><tr><td>a</td></tr></thead><tbody><tr><td>b</td></tr></tbody>"
              "</table></body></html>");
    CHECK_STR(body("<h2>a<h3>b</h2>c"), "<h2>a</h2><h3>b</h3>c</body></html>");
    CHECK_STR(body("<a href=1>a<a href=2>b</a>"), "<a href=1>a</a><a href=2>b</a></body></html>");
    CHECK_STR(body("<select><option>a<option>b</select>"),
              "<select><option>a</option><option>b</option></select></body></html>");
    /* void elements and "/>" */
    CHECK_STR(body("<body>a<br>b<img src=x>c<wbr>d<source>e"),
              "a<br></br>b<img src=x></img>c<wbr></wbr>d<source></source>e</body></html>");
    CHECK_STR(body("<div/>a<span/>b"), "<div></div>a<span></span>b</body></html>");
    /* end tags: a block closes what it encloses; an inline one stops at a block */
    CHECK_STR(body("<div><p><span>a</div>b"), "<div><p><span>a</span></p></div>b</body></html>");
    CHECK_STR(body("<a href=x><div>a</a>b</div>c"), "<a href=x><div>ab</div>c</a></body></html>");
    CHECK_STR(body("<b><i>a</b>c"), "<b><i>a</i></b>c</body></html>");
    CHECK_STR(body("<table><tr><td><div>a</td>b</table>c"),
              "<table><tr><td><div>a</div></td>b</tr></table>c</body></html>");
    CHECK_STR(body("<body></p>a</span>b</div>c</body>d</html>e"), "abcde</body></html>");
    CHECK_STR(body("<ul><li>a<div>b</li>c</ul>"), "<ul><li>a<div>b</div></li>c</ul></body></html>");
}

static void
test_text(void)
{
    CHECK_STR(body("<body>a &amp; b &lt;c&gt; &eacute;&#233;&#xE9; &#150; &bogus; &copy 1"),
              "a & b <c> ééé – &bogus; © 1</body></html>");
    CHECK_STR(body("<a href=\"/x?a=1&amp;b=2&copy=3\" title='it&#39;s'>l</a>"),
              "<a href=/x?a=1&b=2&copy=3 title=it's>l</a></body></html>");
    /* duplicate attributes: the first wins; names are lower case, values may be missing */
    CHECK_STR(body("<div ID=a id=b Class=\"x y\" hidden data-x = 1>t</div>"),
              "<div id=a class=x y hidden data-x=1>t</div></body></html>");
    /* comments, doctypes, processing instructions, bogus comments */
    CHECK_STR(body("<body>a<!-- <p>x</p> -->b<!---->c<!-->d<?xml x?>e<!x>f</3>g</>h"),
              "abcdefgh</body></html>");
    CHECK_STR(body("<body>a < b <3 c"), "a < b <3 c</body></html>");
    /* raw text and RCDATA */
    CHECK_STR(tree("<title>a &amp; <b>b</b></title><script>if (a<b) x='</p>';</script>"),
              "<html><head><title>a & <b>b</b></title><script>if (a<b) x='</p>';</script></head>"
              "</html>");
    CHECK_STR(body("<textarea><p>&lt;</textarea><style>p{}</STYLE >x"),
              "<textarea><p><</textarea><style>p{}</style>x</body></html>");
    CHECK_STR(body("<plaintext><p>a</p>"), "<plaintext><p>a</p></plaintext></body></html>");
    /* text split by tags that change nothing stays one text node */
    {
        xmlDoc *doc = xdom_parse("<p>a</span>b</x>c</p>", 21, 0, NULL);
        xmlNode *p = xmlDocGetRootElement(doc)->children->children;

        CHECK_STR((const char *)p->name, "p");
        CHECK(p->children && p->children == p->last);
        CHECK_STR((const char *)p->children->content, "abc");
        xmlFreeDoc(doc);
    }
}

/* XDOM_SKIP_UNREAD leaves out scripts (not JSON-LD), styles and SVG, and what they hold. */
static void
test_skip_unread(void)
{
    static const char page[] =
        "<head><style>p{}</style><script src=a.js></script><script type='application/LD+JSON'>"
        "{\"a\":1}</script></head><p>a<script>x('</p>')</script>b<svg><g><p>in</p></g></SVG>c"
        "<svg/>d<STYLE>e</style></p><p>f<script>never closed";
    xmlDoc *doc = xdom_parse(page, strlen(page), XDOM_SKIP_UNREAD, NULL);

    buf_reset(&out);
    dump(xmlDocGetRootElement(doc), &out);
    CHECK_STR(out.p, "<html><head><script type=application/LD+JSON>{\"a\":1}</script></head>"
                     "<body><p>abcd</p><p>f</p></body></html>");
    xmlFreeDoc(doc);
}

static void
test_broken(void)
{
    struct buf b = BUF_INIT;
    xmlDoc *doc;
    xmlNode *n;
    int depth = 0;

    /* cut off inside a tag, an attribute, a comment, raw text */
    CHECK_STR(body("<p>a<img src=\"x"), "<p>a</p></body></html>");
    CHECK_STR(body("<p>a<div class=x"), "<p>a</p></body></html>");
    CHECK_STR(body("<p>a<!-- b"), "<p>a</p></body></html>");
    CHECK_STR(body("<p>a<script>b"), "<p>a<script>b</script></p></body></html>");
    CHECK_STR(body("<p>a</"), "<p>a</p></body></html>");
    CHECK_STR(body("<p>a<"), "<p>a<</p></body></html>");
    /* NUL bytes do not stop the parse */
    doc = xdom_parse("<p>a\0b</p><p>c</p>", 18, 0, NULL);
    buf_reset(&out);
    dump(xmlDocGetRootElement(doc), &out);
    CHECK_CONTAINS(out.p, "<p>c</p>");
    xmlFreeDoc(doc);
    /* 100k levels: the tree stops at XDOM_MAX_DEPTH, what is deeper is left out */
    for (int i = 0; i < 100000; i++)
        buf_adds(&b, "<div><span>");
    buf_adds(&b, "deep text<br><title>t</title>");
    for (int i = 0; i < 100000; i++)
        buf_adds(&b, "</b>");
    buf_adds(&b, "</span></div>after");
    doc = xdom_parse(b.p, b.len, 0, NULL);
    for (n = xmlDocGetRootElement(doc); n && n->children; depth++) {
        xmlNode *c = n->last;

        while (c && c->type != XML_ELEMENT_NODE)
            c = c->prev;
        if (!c)
            break;
        n = c;
    }
    CHECK_INT(depth, XDOM_MAX_DEPTH);
    CHECK_STR((const char *)n->name, "div");
    CHECK(!n->children);
    /* "</span>" cannot cross the open <div>; "</div>" closes it, "after" goes to its parent */
    CHECK_STR((const char *)n->parent->last->content, "after");
    xmlFreeDoc(doc);
    buf_release(&b);
}

/* Pages built to be slow: many names, many elements, end tags that search far. */
static void
test_limits(void)
{
    struct buf b = BUF_INIT;
    xmlDoc *doc;
    xmlNode *root, *n;
    size_t elems = 0;

    /* 30,000 distinct names: elements and attributes of new names stop being made, known tags still
     * work */
    for (int i = 0; i < 30000; i++)
        buf_addf(&b, "<x%d data-a%d=1></x%d>", i, i, i);
    buf_adds(&b, "<p class=c>after</p>");
    doc = xdom_parse(b.p, b.len, 0, NULL);
    root = xmlDocGetRootElement(doc);
    for (n = root; n; n = xdom_next_elem(n, root, 0))
        elems++;
    CHECK(elems > 5000 && elems < 20000);
    n = root->last->last; /* body's last child */
    CHECK_STR((const char *)n->name, "p");
    CHECK(!xdom_attr(n, "class")); /* a name first seen after the cap */
    CHECK_STR((const char *)n->children->content, "after");
    xmlFreeDoc(doc);

    /* a million table cells: the elements stop at a cap, the text goes on */
    buf_reset(&b);
    buf_adds(&b, "<table>");
    for (int i = 0; i < 1000000; i++)
        buf_adds(&b, "<tr><td>x");
    doc = xdom_parse(b.p, b.len, 0, NULL);
    root = xmlDocGetRootElement(doc);
    elems = 0;
    for (n = root; n; n = xdom_next_elem(n, root, 0))
        elems++;
    CHECK(elems > 100000 && elems < 300000);
    CHECK_INT(xdom_text_len(root), 1000000);
    xmlFreeDoc(doc);

    /* end tags that would walk 400 open elements each, a million times */
    buf_reset(&b);
    buf_adds(&b, "<ul><li><ul>");
    for (int i = 0; i < 300; i++)
        buf_adds(&b, "<span>");
    for (int i = 0; i < 1000000; i++)
        buf_adds(&b, "</li>");
    buf_adds(&b, "end");
    doc = xdom_parse(b.p, b.len, 0, NULL);
    CHECK_INT(xdom_text_len(xmlDocGetRootElement(doc)), 3);
    xmlFreeDoc(doc);
    buf_release(&b);
}

/* xdom_measure_text() gives each element what xdom_text_len() gives it. */
static void
test_measure(void)
{
    static const char *const pages[] = {
        "<div> a <b>b</b>c <i> </i> d<p>  e  f </p>\n<p>g</p> </div><div></div><span> </span>",
        "<p>caf\xc3\xa9 <b> \xe2\x80\x94 </b>x<br>y<span></span> <span>z </span></p>",
        "<ul><li> <a href=x> one </a> </li><li>two<ul><li>three</li></ul></li></ul>",
        "just text",
        "",
    };
    struct arena *a = arena_new();

    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        xmlDoc *doc = xdom_parse(pages[i], strlen(pages[i]), 0, a);
        xmlNode *root = xmlDocGetRootElement(doc);
        size_t checked = 0;

        xdom_measure_text(root);
        for (xmlNode *n = root; n; n = xdom_next_elem(n, root, 0)) {
            CHECK_INT(xn(n)->tlen, xdom_text_len(n));
            checked++;
        }
        CHECK(checked >= 1);
        xmlFreeDoc(doc);
    }
    arena_free(a);
}

static const struct unit_test tests[] = {
    {"implied", test_implied}, {"closing", test_closing},
    {"text", test_text},       {"skip_unread", test_skip_unread},
    {"broken", test_broken},   {"limits", test_limits},
    {"measure", test_measure}, {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    xmlInitParser();
    rc = unit_main(argc, argv, tests);
    buf_release(&out);
    xmlCleanupParser();
    return rc;
}
