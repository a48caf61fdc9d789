/*
 * sanitize_test.c - the allowlist sanitizer and html_to_text.
 */
#include "unit.h"

#include "extract/sanitize.h"
#include "util/buf.h"
#include "util/err.h"

#include <libxml/parser.h>

static char out[65536];

static const char *clean_flags(const char *html, const char *base, unsigned flags);

/* The page policy (what the site shows). */
static const char *
clean(const char *html, const char *base)
{
    return clean_flags(html, base, 0);
}

/* The feed policy: inline SVG and MathML kept through their allowlists. */
static const char *
clean_feed(const char *html, const char *base)
{
    return clean_flags(html, base, SANITIZE_FOREIGN);
}

static const char *
clean_flags(const char *html, const char *base, unsigned flags)
{
    struct buf b = BUF_INIT;

    sanitize_html(&b, html, strlen(html), base, flags, NULL);
    snprintf(out, sizeof(out), "%s", b.p);
    buf_release(&b);
    return out;
}

static const char *
text(const char *html)
{
    struct buf b = BUF_INIT;

    html_to_text(&b, html, strlen(html), NULL);
    snprintf(out, sizeof(out), "%s", b.p);
    buf_release(&b);
    return out;
}

static void
test_keeps_structure(void)
{
    CHECK_STR(clean("<p>Hello <b>world</b></p>", NULL), "<p>Hello <b>world</b></p>");
    CHECK_STR(clean("<a href=\"http://x.org/\" title=\"t\">x</a>", NULL),
              "<a href=\"http://x.org/\" title=\"t\">x</a>");
    CHECK_STR(clean("<img src=\"/a.png\" alt=\"A\">", "http://site.org/news/1.html"),
              "<img src=\"http://site.org/a.png\" alt=\"A\">");
    CHECK_STR(clean("a &amp; b &lt; c", NULL), "a &amp; b &lt; c");
    CHECK_STR(clean("<ul><li>one<li>two</ul>", NULL), "<ul><li>one</li><li>two</li></ul>");
}

static void
test_removes_active_content(void)
{
    CHECK_STR(clean("<script>alert(1)</script>safe", NULL), "safe");
    CHECK_STR(clean("<p onclick=\"alert(1)\" style=\"x\">t</p>", NULL), "<p>t</p>");
    CHECK_STR(clean("<a href=\"javascript:alert(1)\">x</a>", NULL), "<a>x</a>");
    CHECK_STR(clean("<a href=\" jav&#x09;ascript:alert(1)\">x</a>", NULL), "<a>x</a>");
    CHECK_STR(clean("<img src=x onerror=alert(1)>", NULL), "<img src=\"x\">");
    CHECK_STR(clean("<iframe src=\"http://evil\"></iframe>ok", NULL), "ok");
    CHECK_STR(clean("<svg onload=alert(1)><circle/></svg>ok", NULL), "ok");
    CHECK_STR(clean_feed("<svg onload=alert(1)><circle/></svg>ok", NULL),
              "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle></circle></svg>ok");
    CHECK_STR(clean("<style>body{}</style><object data=x></object>ok", NULL), "ok");
    CHECK_STR(clean("<unknown>kept text</unknown>", NULL), "kept text");
    CHECK_STR(clean("<!-- c --><p>x</p>", NULL), "<p>x</p>");
    CHECK_STR(clean("<a href=\"data:text/html,x\">d</a>", NULL), "<a>d</a>");
}

static void
test_svg_mathml(void)
{
    /* pages never show a publisher's inline SVG or MathML: it goes with its content */
    CHECK_STR(clean("<p>a</p><svg viewbox=\"0 0 9 9\"><text>t</text><circle/></svg><p>b</p>", NULL),
              "<p>a</p><p>b</p>");
    CHECK_STR(clean("x<math><mi>a</mi></math>y<svg/>z", NULL), "xyz");
    /* feeds keep static drawings and formulas, namespaced as HTML parsers expect */
    CHECK_STR(
        clean_feed("<svg viewbox=\"0 0 9 9\"><circle cx=\"1\" r=\"2\" fill=\"#f00\"/></svg>", NULL),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 9 9\"><circle cx=\"1\" "
        "r=\"2\" fill=\"#f00\"></circle></svg>");
    CHECK_STR(clean_feed("<math><mi>a</mi><mo>+</mo></math>", NULL),
              "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi>a</mi><mo>+</mo></math>");
    CHECK_STR(
        clean_feed("<svg><a xlink:href=\"http://ok.example/\"><text>t</text></a></svg>", NULL),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><a xlink:href=\"http://ok.example/\" "
        "xmlns:xlink=\"http://www.w3.org/1999/xlink\"><text>t</text></a></svg>");
    /* nothing that runs, fetches or styles */
    CHECK_NOT_CONTAINS(clean_feed("<svg><script>alert(1)</script></svg>", NULL), "alert");
    CHECK_NOT_CONTAINS(
        clean_feed("<svg><foreignObject><iframe src=\"javascript:alert(1)\"></iframe>"
                   "</foreignObject></svg>",
                   NULL),
        "javascript");
    CHECK_NOT_CONTAINS(
        clean_feed("<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>", NULL),
        "javascript");
    CHECK_NOT_CONTAINS(clean_feed("<svg><a href=\" jav&#x09;ascript:alert(1)\">x</a></svg>", NULL),
                       "script");
    CHECK_NOT_CONTAINS(
        clean_feed("<svg><animate attributeName=\"href\" values=\"javascript:alert(1)\"/>"
                   "<set attributeName=\"onload\" to=\"alert(1)\"/></svg>",
                   NULL),
        "alert");
    CHECK_NOT_CONTAINS(clean_feed("<svg><use href=\"data:image/svg+xml,x#a\"/></svg>", NULL),
                       "data:");
    CHECK_NOT_CONTAINS(clean_feed("<svg><image xlink:href=\"http://tracker/x.png\"/></svg>", NULL),
                       "tracker");
    CHECK_STR(clean_feed("<svg><rect fill=\"url(http://tracker/x)\" stroke=\"url( #g)\" "
                         "style=\"x\" onclick=\"y\" id=\"i\" class=\"c\"/></svg>",
                         NULL),
              "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect stroke=\"url( #g)\"></rect></svg>");
    CHECK_NOT_CONTAINS(clean_feed("<svg><style>@import url(http://x/)</style></svg>", NULL),
                       "import");
    CHECK_NOT_CONTAINS(
        clean_feed("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", NULL),
        "javascript");
    /* mutation XSS shapes: text stays text whatever the namespace games */
    CHECK_NOT_CONTAINS(
        clean_feed("<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\"></svg>", NULL),
        "onerror");
    CHECK_NOT_CONTAINS(
        clean_feed("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", NULL),
        "onerror");
    CHECK_NOT_CONTAINS(clean_feed("<svg><title><img src=x onerror=alert(1)></title></svg>", NULL),
                       "onerror");
    CHECK_STR(clean_feed("<svg><text>&lt;script&gt;</text></svg>", NULL),
              "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lt;script&gt;</text></svg>");
    CHECK_NOT_CONTAINS(clean_feed("<svg><![CDATA[<img src=x onerror=alert(1)>]]></svg>", NULL),
                       "onerror");
}

static void
test_feed_quirks(void)
{
    /* feedparser's choices where HTML differs: what is inside an unknown
       element is kept (object fallback, iframe text, blink) */
    CHECK_STR(clean("safe<object data=\"x\"> <b>description</b>", NULL), "safe <b>description</b>");
    CHECK_STR(clean("<blink>safe</blink> description", NULL), "safe description");
    CHECK_STR(clean("sa<!-- -- nonwhitespace >fe<script>alert(1);</script>", NULL), "safe");
    CHECK_STR(clean("safe<!--", NULL), "safe");
    CHECK_STR(clean("<![CDATA[<script></script>]]&gt;", NULL), "&lt;![CDATA[]]&gt;");
    CHECK_STR(clean("&lt;!' <a href=\"foo\">x</a>", NULL), "&lt;!' <a href=\"foo\">x</a>");
    CHECK_STR(clean("<p>a<div>b</div>", NULL), "<p>a</p><div>b</div>");
    CHECK_STR(clean("<a href=\"/x\">1<a href=\"/y\">2</a>", NULL),
              "<a href=\"/x\">1</a><a href=\"/y\">2</a>");
    CHECK_STR(clean("<table><tr><td>1<td>2<tr><td>3</table>", NULL),
              "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>");
    CHECK_STR(clean("x\xff\xc3y", NULL), "x\xef\xbf\xbd\xef\xbf\xbdy");
}

static void
test_deep_nesting(void)
{
    struct buf in = BUF_INIT;
    struct buf o = BUF_INIT;

    for (int i = 0; i < 100000; i++)
        buf_adds(&in, "<div>");
    buf_adds(&in, "deep");
    /* libxml2 stops descending at its depth limit: no crash, balanced output */
    CHECK_INT(sanitize_html(&o, in.p, in.len, NULL, 0, NULL), 0);
    {
        int opens = 0;
        int closes = 0;

        for (const char *p = o.p; (p = strstr(p, "<div>")); p++)
            opens++;
        for (const char *p = o.p; (p = strstr(p, "</div>")); p++)
            closes++;
        CHECK(opens > 0);
        CHECK_INT(opens, closes);
    }
    buf_release(&o);
    CHECK_INT(html_to_text(&o, in.p, in.len, NULL), 0);
    buf_release(&o);
    buf_reset(&in);
    /* at the depth limit, every further block element would search the whole
       stack for a <p> to close: the search is bounded, so this stays linear */
    for (int i = 0; i < 300; i++)
        buf_adds(&in, "<span>");
    for (int i = 0; i < 200000; i++)
        buf_adds(&in, "<div>");
    CHECK_INT(sanitize_html(&o, in.p, in.len, NULL, 0, NULL), 0);
    CHECK(o.len > 0);
    buf_release(&o);
    buf_release(&in);
}

static void
test_limit(void)
{
    struct buf o;
    struct gz_err err = GZ_ERR_INIT;

    buf_init(&o, 10);
    CHECK_INT(sanitize_html(&o, "<p>0123456789012345</p>", 23, NULL, 0, &err), GZ_ELIMIT);
    CHECK(o.len <= 10);
    buf_release(&o);
}

static void
test_text(void)
{
    CHECK_STR(text("<p>end</p><p>Start</p>"), "end\n\nStart");
    CHECK_STR(text("a<br>b"), "a\nb");
    CHECK_STR(text("<p>x &amp; y</p><script>var a;</script>"), "x & y");
    CHECK_STR(text("  lots   of\n\n  space "), "lots of space");
    CHECK_STR(text("<b>bold</b> <i>it</i>"), "bold it");
}

static const struct unit_test tests[] = {
    {"keeps_structure", test_keeps_structure},
    {"removes_active_content", test_removes_active_content},
    {"svg_mathml", test_svg_mathml},
    {"feed_quirks", test_feed_quirks},
    {"deep_nesting", test_deep_nesting},
    {"limit", test_limit},
    {"text", test_text},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    xmlInitParser();
    rc = unit_main(argc, argv, tests);
    xmlCleanupParser();
    return rc;
}
