/*
 * html_test.c - the escaping layer: every context, hostile input.
 */
#include "unit.h"

#include "util/buf.h"
#include "web/html.h"

static struct buf b = BUF_INIT;

static const char *
run_text(const char *s)
{
    buf_reset(&b);
    html_text(&b, s);
    return b.p;
}

static void
test_text(void)
{
    CHECK_STR(run_text("<script>alert('x')</script>"),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK_STR(run_text("a & b \"c\""), "a &amp; b &quot;c&quot;");
    CHECK_STR(run_text("plain"), "plain");
    buf_reset(&b);
    html_textn(&b, "a\0b", 3);
    CHECK_STR(b.p, "a\xef\xbf\xbd"
                   "b");
}

static void
test_attr_and_url(void)
{
    buf_reset(&b);
    html_attr(&b, "\" onmouseover=\"alert(1)");
    CHECK_STR(b.p, "&quot; onmouseover=&quot;alert(1)");
    buf_reset(&b);
    html_url(&b, "a b&c=d/é");
    CHECK_STR(b.p, "a%20b%26c%3Dd%2F%C3%A9");
    buf_reset(&b);
    html_href(&b, "javascript:alert(1)");
    CHECK_STR(b.p, "#");
    buf_reset(&b);
    html_href(&b, "https://example.com/?a=1&b=\"2\"");
    CHECK_STR(b.p, "https://example.com/?a=1&amp;b=&quot;2&quot;");
    buf_reset(&b);
    html_href(&b, "data:text/html;base64,PHNjcmlwdD4=");
    CHECK_STR(b.p, "#");
}

static void
test_paragraphs(void)
{
    buf_reset(&b);
    html_paragraphs(&b, "One <b>\nline two\n\n\nTwo & three\n\n");
    CHECK_STR(b.p, "<p>One &lt;b&gt;<br>line two</p>\n<p>Two &amp; three</p>\n");
}

static void
test_time(void)
{
    buf_reset(&b);
    html_time(&b, 1754575380 - 44 * 60, 1754575380);
    CHECK_STR(b.p, "<time datetime=\"2025-08-07T13:19:00Z\" title=\"2025-08-07T13:19:00Z\">"
                   "44 minutes ago</time>");
}

static const struct unit_test tests[] = {
    {"text", test_text},
    {"attr_and_url", test_attr_and_url},
    {"paragraphs", test_paragraphs},
    {"time", test_time},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc = unit_main(argc, argv, tests);

    buf_release(&b);
    return rc;
}
