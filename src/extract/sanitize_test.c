/*
 * sanitize_test.c - the allowlist sanitizer and html_to_text.
 */
#include "unit.h"

#include "extract/sanitize.h"
#include "util/buf.h"
#include "util/err.h"

#include <libxml/parser.h>

static char out[65536];

static const char *
clean(const char *html, const char *base)
{
    struct buf b = BUF_INIT;

    sanitize_html(&b, html, strlen(html), base, 0, NULL);
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
    CHECK_STR(clean("<svg onload=alert(1)><circle/></svg>ok", NULL),
              "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle></circle></svg>ok");
    CHECK_STR(clean("<style>body{}</style><object data=x></object>ok", NULL), "ok");
    CHECK_STR(clean("<unknown>kept text</unknown>", NULL), "kept text");
    CHECK_STR(clean("<!-- c --><p>x</p>", NULL), "<p>x</p>");
    CHECK_STR(clean("<a href=\"data:text/html,x\">d</a>", NULL), "<a>d</a>");
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
