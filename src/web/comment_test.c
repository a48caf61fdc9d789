/*
 * comment_test.c - comment text: normalising, escaping, links, line
 * breaks; and the thread layout.
 */
#include "unit.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/comment.h"

static struct arena *a;
static struct buf b = BUF_INIT;

static const char *
norm(const char *s, size_t *chars)
{
    return comment_normalize(a, s, chars);
}

static const char *
html(const char *s)
{
    buf_reset(&b);
    comment_html(&b, s);
    return b.p;
}

static void
test_normalize(void)
{
    size_t n = 0;

    CHECK_STR(norm("a\r\nb\rc\n", &n), "a\nb\nc");
    CHECK_INT(n, 5);
    CHECK_STR(norm("\n\n  \n  hello  \t\n\n\n\nworld \n \n", &n), "  hello\n\nworld");
    CHECK_STR(norm("x\x01y\x7fz\x1b[31m", &n), "xyz[31m");
    CHECK_STR(norm("tab\there", &n), "tab\there");
    CHECK_STR(norm("c1\xc2\x85here \xc2\xa0nbsp", &n), "c1here \xc2\xa0nbsp");
    CHECK_STR(norm("", &n), "");
    CHECK_INT(n, 0);
    CHECK_STR(norm(" \r\n\t\r\n ", &n), "");
    CHECK_INT(n, 0);
    CHECK_STR(norm(NULL, &n), "");
    /* characters, not bytes */
    norm("\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80", &n);
    CHECK_INT(n, 5);
}

static void
test_escaping(void)
{
    CHECK_STR(html("<script>alert('x')</script>"),
              "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>\n");
    CHECK_STR(html("<img src=x onerror=alert(1)> & \"q\""),
              "<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>\n");
    CHECK_STR(html("<svg onload=alert(1)>"), "<p>&lt;svg onload=alert(1)&gt;</p>\n");
    CHECK_STR(html(""), "");
    CHECK_STR(html(NULL), "");
    CHECK_STR(html("one\ntwo\n\nthree"), "<p>one<br>\ntwo</p>\n<p>three</p>\n");
    CHECK_STR(html("a\r\nb"), "<p>a<br>\nb</p>\n");
    CHECK_STR(html("\n\n\nx\n \n\t\ny\n\n"), "<p>x</p>\n<p>y</p>\n");
}

static void
test_links(void)
{
    CHECK_STR(html("see https://example.com/a?b=1&c=2 now"),
              "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">"
              "https://example.com/a?b=1&amp;c=2</a> now</p>\n");
    CHECK_STR(html("HTTP://Example.com."), "<p><a href=\"HTTP://Example.com\" "
                                           "rel=\"nofollow ugc noopener\">HTTP://Example.com</a>."
                                           "</p>\n");
    /* trailing punctuation and unbalanced brackets stay outside */
    CHECK_CONTAINS(html("(see http://a.example/x)."), ">http://a.example/x</a>).</p>");
    CHECK_CONTAINS(html("http://en.wikipedia.org/wiki/Foo_(bar)"),
                   ">http://en.wikipedia.org/wiki/Foo_(bar)</a></p>");
    CHECK_CONTAINS(html("[http://a.example/]"), ">http://a.example/</a>]</p>");
    CHECK_CONTAINS(html("'http://a.example/x'"), ">http://a.example/x</a>&#39;</p>");
    /* quotes and angle brackets end a URL: no attribute can be broken out of */
    CHECK_STR(html("http://a.example/\"onmouseover=\"alert(1)"),
              "<p><a href=\"http://a.example/\" rel=\"nofollow ugc noopener\">http://a.example/"
              "</a>&quot;onmouseover=&quot;alert(1)</p>\n");
    CHECK_STR(html("http://a.example/<script>"),
              "<p><a href=\"http://a.example/\" rel=\"nofollow ugc noopener\">http://a.example/"
              "</a>&lt;script&gt;</p>\n");
    CHECK_CONTAINS(html("http://a.example/x'onclick='y"),
                   "href=\"http://a.example/x&#39;onclick=&#39;y\"");
    /* other schemes are never links */
    CHECK_STR(html("javascript:alert(1)"), "<p>javascript:alert(1)</p>\n");
    CHECK_STR(html("data:text/html,<b>x</b>"), "<p>data:text/html,&lt;b&gt;x&lt;/b&gt;</p>\n");
    CHECK_STR(html("ftp://a.example/"), "<p>ftp://a.example/</p>\n");
    CHECK_NOT_CONTAINS(html("xhttp://a.example/"), "<a ");
    CHECK_NOT_CONTAINS(html("javascript://http://a.example/%0aalert(1)"), "href=\"javascript");
    /* a scheme without a host */
    CHECK_STR(html("http:// and https://"), "<p>http:// and https://</p>\n");
    CHECK_STR(html("http:///x"), "<p>http:///x</p>\n");
    /* two links on a line, one per line */
    CHECK_CONTAINS(html("http://a.example/ and https://b.example/"),
                   "http://a.example/</a> and <a href=\"https://b.example/\"");
    CHECK_CONTAINS(html("http://a.example/\nhttp://b.example/"), "</a><br>\n<a href");
    /* non-ASCII paths stay in the link, a no-break space ends it */
    CHECK_CONTAINS(html("https://fr.example/caf\xc3\xa9\xc2\xa0!"),
                   ">https://fr.example/caf\xc3\xa9</a>\xc2\xa0!");
}

static struct store_comment
mk(int64_t id, int64_t parent, int64_t created, int status)
{
    struct store_comment c = {0};

    c.id = id;
    c.parent_id = parent;
    c.created = created;
    c.status = status;
    c.body = "x";
    return c;
}

static const char *
layout(const struct store_comment *c, size_t n)
{
    struct comment_slot *s;
    size_t ns;

    buf_reset(&b);
    comment_thread(a, c, n, &s, &ns);
    for (size_t i = 0; i < ns; i++)
        buf_addf(&b, "%s%lld:%d", i ? " " : "", (long long)c[s[i].index].id, s[i].depth);
    return b.p;
}

static void
test_thread(void)
{
    /* given out of order: 1, its replies 2 and 4 (4 older than 2 by time), 3 top level */
    struct store_comment c[] = {
        mk(3, 0, 300, COMMENT_VISIBLE), mk(2, 1, 250, COMMENT_VISIBLE),
        mk(1, 0, 100, COMMENT_VISIBLE), mk(4, 1, 200, COMMENT_VISIBLE),
        mk(5, 2, 400, COMMENT_VISIBLE),
    };
    CHECK_STR(layout(c, 5), "1:0 4:1 2:1 5:2 3:0");
    CHECK_STR(layout(c, 0), "");

    /* removed with a visible reply: kept; removed leaf: gone; hidden chain: gone */
    struct store_comment d[] = {
        mk(1, 0, 1, COMMENT_REMOVED), mk(2, 1, 2, COMMENT_VISIBLE), mk(3, 0, 3, COMMENT_REMOVED),
        mk(4, 0, 4, COMMENT_HIDDEN),  mk(5, 4, 5, COMMENT_REMOVED), mk(6, 99, 6, COMMENT_VISIBLE),
    };
    CHECK_STR(layout(d, 6), "1:0 2:1 6:0");

    /* a removed comment whose reply's reply is visible keeps the whole path */
    struct store_comment e[] = {
        mk(1, 0, 1, COMMENT_HIDDEN),
        mk(2, 1, 2, COMMENT_REMOVED),
        mk(3, 2, 3, COMMENT_VISIBLE),
    };
    CHECK_STR(layout(e, 3), "1:0 2:1 3:2");
}

static void
test_deep_thread(void)
{
    /* a chain 10000 deep lays out without recursion, depth capped */
    size_t n = 10000;
    struct store_comment *c = calloc(n, sizeof(*c));
    struct comment_slot *s;
    size_t ns;
    int ok = 1;

    for (size_t i = 0; i < n; i++)
        c[i] = mk((int64_t)i + 1, (int64_t)i, (int64_t)i, COMMENT_VISIBLE);
    comment_thread(a, c, n, &s, &ns);
    CHECK_INT(ns, n);
    for (size_t i = 0; i < ns; i++)
        ok &= s[i].index == i && s[i].depth == (i < COMMENT_MAX_DEPTH ? (int)i : COMMENT_MAX_DEPTH);
    CHECK(ok);
    /* a cycle in damaged data is not followed */
    c[0].parent_id = (int64_t)n;
    comment_thread(a, c, n, &s, &ns);
    CHECK_INT(ns, 0);
    free(c);
}

static const struct unit_test tests[] = {
    {"normalize", test_normalize}, {"escaping", test_escaping},       {"links", test_links},
    {"thread", test_thread},       {"deep_thread", test_deep_thread}, {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    a = arena_new();
    rc = unit_main(argc, argv, tests);
    arena_free(a);
    buf_release(&b);
    return rc;
}
