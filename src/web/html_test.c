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

#define MO "\xee\x80\x80"
#define MC "\xee\x80\x81"

static void
test_marked(void)
{
    buf_reset(&b);
    html_marked(&b, "Peace " MO "summit" MC " & <talks>");
    CHECK_STR(b.p, "Peace <mark>summit</mark> &amp; &lt;talks&gt;");
    /* stray, doubled and unclosed markers still give balanced markup */
    buf_reset(&b);
    html_marked(&b, MC "a" MO MO "b" MC MC "c" MO "d");
    CHECK_STR(b.p, "a<mark>b</mark>c<mark>d</mark>");
    /* other private-use characters are text */
    buf_reset(&b);
    html_marked(&b, "x\xee\x80\x85y" MO "<z>");
    CHECK_STR(b.p, "x\xee\x80\x85y<mark>&lt;z&gt;</mark>");
    buf_reset(&b);
    html_marked(&b, "end\xee\x80");
    CHECK_STR(b.p, "end\xee\x80");
    buf_reset(&b);
    html_marked(&b, NULL);
    CHECK_STR(b.p, "");
}

static void
test_xml(void)
{
    buf_reset(&b);
    xml_text(&b, "<a href=\"x\">Tom & Jerry's</a>");
    CHECK_STR(b.p, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    /* what XML 1.0 forbids becomes U+FFFD; tab, newline, CR and UTF-8 stay */
    buf_reset(&b);
    xml_text(&b, "a\x01"
                 "b\x1f\tc\nd\re\x7f");
    CHECK_STR(b.p, "a\xef\xbf\xbd"
                   "b\xef\xbf\xbd\tc\nd\re\xef\xbf\xbd");
    buf_reset(&b);
    xml_text(&b, "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xb0");
    CHECK_STR(b.p, "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xb0");
    buf_reset(&b);
    xml_text(&b, "bad\xc3(\xff\xed\xa0\x80\xef\xbf\xbe\xef\xbf\xbf end\xe2\x80");
    CHECK_STR(b.p, "bad\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                   "\xef\xbf\xbd\xef\xbf\xbd end\xef\xbf\xbd\xef\xbf\xbd");
    buf_reset(&b);
    xml_textn(&b, "a\0b", 3);
    CHECK_STR(b.p, "a\xef\xbf\xbd"
                   "b");
}

static const struct unit_test tests[] = {
    {"marked", test_marked},
    {"xml", test_xml},
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
