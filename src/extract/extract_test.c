/*
 * extract_test.c - article extraction: body, boilerplate, metadata, bad input.
 */
#include "unit.h"

#include "extract/content.h"
#include "extract/extract.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

#include <libxml/parser.h>

static const char para[] =
    "The council met on Tuesday evening to discuss the new budget, which includes funding "
    "for roads, schools and the public library, and voted to approve it after a long debate.";

/* A news page with furniture around and inside the article. */
static void
page(struct buf *b, const char *head_extra, const char *body_extra)
{
    buf_addf(
        b,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Council approves the city budget for 2026 | Springfield News</title>"
        "<meta property=\"og:site_name\" content=\"Springfield News\">"
        "<meta property=\"og:image\" content=\"/img/lead.jpg\">"
        "<link rel=\"canonical\" href=\"/news/budget\">%s</head><body>"
        "<nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/sports\">Sports</a></nav>"
        "<div id=\"cookie-banner\">We use cookies. <a href=\"/ok\">Accept</a></div>"
        "<article><h1>Council approves the city budget for 2026</h1>"
        "<div class=\"byline\">By Jane Doe</div>"
        "<div class=\"share-bar\"><a href=\"/s/fb\">Share</a> <a href=\"/s/tw\">Tweet</a></div>"
        "<p>First paragraph ends here. %s</p><p>Start of the second. %s</p>"
        "<figure><img class=\"lazy\" src=\"data:image/gif;base64,R0lGOD\" "
        "data-src=\"/img/photo.jpg\"><figcaption>A photo caption here</figcaption></figure>"
        "<p>Read more: <a href=\"/other\">Another story about something else entirely</a></p>"
        "<p>Third paragraph with a <a href=\"rel/link\">relative link</a>. %s</p>"
        "<p>Fourth paragraph. %s</p>%s"
        "<div class=\"related-articles\"><h3>Related</h3><ul>"
        "<li><a href=\"/a\">Armenia and Azerbaijan peace deal closer</a></li>"
        "<li><a href=\"/b\">Another related headline goes here</a></li></ul></div>"
        "</article><div id=\"comments\"><h3>Comments</h3><p>Great article! %s</p></div>"
        "<footer>Copyright 2025 Springfield News</footer></body></html>",
        head_extra, para, para, para, para, body_extra, para);
}

static void
test_article(void)
{
    struct buf b = BUF_INIT;
    struct arena *a = arena_new();
    struct extract_result r;
    struct gz_err err = GZ_ERR_INIT;

    page(&b, "<meta property=\"article:published_time\" content=\"2025-08-07T14:03:00+02:00\">",
         "");
    CHECK_INT(
        extract_page(b.p, b.len, "https://news.example/2025/08/budget.html", NULL, a, &r, &err), 0);
    CHECK_STR(r.title, "Council approves the city budget for 2026");
    CHECK_STR(r.site_name, "Springfield News");
    CHECK_STR(r.byline, "By Jane Doe");
    CHECK_STR(r.lang, "en");
    CHECK_STR(r.image, "https://news.example/img/lead.jpg");
    CHECK_STR(r.canonical_url, "https://news.example/news/budget");
    CHECK_STR(r.published_raw, "2025-08-07T14:03:00+02:00");
    CHECK_INT(r.published, 1754568180); /* 12:03 UTC */
    CHECK_CONTAINS(r.excerpt, "First paragraph ends here.");
    /* paragraphs stay apart */
    CHECK_CONTAINS(r.text, "here. The council");
    CHECK_CONTAINS(r.text, "debate.\n\nStart of the second.");
    CHECK_CONTAINS(r.text, "Fourth paragraph.");
    /* no furniture */
    CHECK_NOT_CONTAINS(r.text, "Council approves the city budget");
    CHECK_NOT_CONTAINS(r.text, "Read more");
    CHECK_NOT_CONTAINS(r.text, "Armenia");
    CHECK_NOT_CONTAINS(r.text, "Related");
    CHECK_NOT_CONTAINS(r.text, "cookies");
    CHECK_NOT_CONTAINS(r.text, "Great article");
    CHECK_NOT_CONTAINS(r.text, "Tweet");
    CHECK_NOT_CONTAINS(r.text, "caption");
    CHECK_NOT_CONTAINS(r.text, "Copyright");
    CHECK_NOT_CONTAINS(r.text, "Sports");
    /* the html is sanitized, with absolute links and the lazy image's real source */
    CHECK_CONTAINS(r.html, "<p>First paragraph");
    CHECK_CONTAINS(r.html, "href=\"https://news.example/2025/08/rel/link\"");
    CHECK_CONTAINS(r.html, "src=\"https://news.example/img/photo.jpg\"");
    CHECK_NOT_CONTAINS(r.html, "<script");
    CHECK_NOT_CONTAINS(r.html, "class=");
    buf_release(&b);
    arena_free(a);
}

static void
test_json_ld(void)
{
    struct buf b = BUF_INIT;
    struct arena *a = arena_new();
    struct extract_result r;

    page(&b,
         "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
         "\"@type\":\"NewsArticle\",\"headline\":\"Budget passes after long debate\","
         "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Doe\"},{\"name\":\"John Roe\"}],"
         "\"datePublished\":\"2025-08-07T09:00:00-04:00\",\"publisher\":{\"name\":\"SN\"},"
         "\"description\":\"The budget passed.\"}</script>",
         "<script>document.write('<p>evil</p>')</script>");
    CHECK_INT(extract_page(b.p, b.len, "https://news.example/x", NULL, a, &r, NULL), 0);
    CHECK_STR(r.title, "Budget passes after long debate");
    CHECK_STR(r.byline, "Jane Doe, John Roe");
    CHECK_STR(r.site_name, "SN");
    CHECK_STR(r.excerpt, "The budget passed.");
    CHECK_INT(r.published, 1754571600); /* 13:00 UTC */
    CHECK_NOT_CONTAINS(r.text, "evil");
    buf_release(&b);
    arena_free(a);
}

static void
test_split_body(void)
{
    /* an article split into several blocks by an ad keeps all blocks */
    struct buf b = BUF_INIT;
    struct arena *a = arena_new();
    struct extract_result r;

    buf_adds(&b, "<html><body><div class=\"content\"><div class=\"text\">");
    for (int i = 0; i < 4; i++)
        buf_addf(&b, "<p>Block one paragraph %d. %s</p>", i, para);
    buf_adds(&b, "</div><div class=\"ad-slot\"><p>Advertisement</p></div><div class=\"text\">");
    for (int i = 0; i < 4; i++)
        buf_addf(&b, "<p>Block two paragraph %d. %s</p>", i, para);
    buf_adds(&b, "</div></div><div class=\"sidebar\"><ul><li><a href=\"/x\">Popular</a></li>"
                 "</ul></div></body></html>");
    CHECK_INT(extract_page(b.p, b.len, NULL, NULL, a, &r, NULL), 0);
    CHECK_CONTAINS(r.text, "Block one paragraph 0.");
    CHECK_CONTAINS(r.text, "Block two paragraph 3.");
    CHECK_NOT_CONTAINS(r.text, "Advertisement");
    CHECK_NOT_CONTAINS(r.text, "Popular");
    buf_release(&b);
    arena_free(a);
}

static const char *
run(const char *p, size_t len, const char *charset, struct arena *a, int *rc)
{
    struct extract_result r;
    struct gz_err err = GZ_ERR_INIT;

    *rc = extract_page(p, len, "http://example.org/", charset, a, &r, &err);
    return r.text;
}

/* A page in a legacy charset: body bytes given, meta as given. */
static void
legacy(struct buf *b, const char *meta, const char *word)
{
    buf_addf(b, "<html><head>%s<title>t</title></head><body><div><p>", meta);
    for (int i = 0; i < 30; i++)
        buf_addf(b, "%s, ", word);
    buf_adds(b, "</p></div></body></html>");
}

static void
test_encodings(void)
{
    struct arena *a = arena_new();
    struct buf b = BUF_INIT;
    int rc;

    /* windows-1251 "Привет" declared by meta */
    legacy(&b, "<meta charset=\"windows-1251\">", "\xcf\xf0\xe8\xe2\xe5\xf2");
    CHECK_CONTAINS(run(b.p, b.len, NULL, a, &rc), "Привет");
    CHECK_INT(rc, 0);
    /* the HTTP charset wins over a wrong meta */
    buf_reset(&b);
    legacy(&b, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
           "\xcf\xf0\xe8\xe2\xe5\xf2");
    CHECK_CONTAINS(run(b.p, b.len, "windows-1251", a, &rc), "Привет");
    /* Shift_JIS "日本語" */
    buf_reset(&b);
    legacy(&b, "<meta charset=\"Shift_JIS\">", "\x93\xfa\x96\x7b\x8c\xea");
    CHECK_CONTAINS(run(b.p, b.len, NULL, a, &rc), "日本語");
    /* GB2312 "中文" */
    buf_reset(&b);
    legacy(&b, "<meta charset=\"gb2312\">", "\xd6\xd0\xce\xc4");
    CHECK_CONTAINS(run(b.p, b.len, NULL, a, &rc), "中文");
    /* UTF-8 despite a legacy declaration (pages saved as UTF-8 keep their meta) */
    buf_reset(&b);
    legacy(&b, "<meta charset=\"iso-8859-1\">", "café");
    CHECK_CONTAINS(run(b.p, b.len, NULL, a, &rc), "café");
    /* undeclared latin-1 */
    buf_reset(&b);
    legacy(&b, "", "caf\xe9");
    CHECK_CONTAINS(run(b.p, b.len, NULL, a, &rc), "café");
    /* an unknown HTTP charset is ignored */
    buf_reset(&b);
    legacy(&b, "", "plain");
    CHECK_CONTAINS(run(b.p, b.len, "no-such-charset", a, &rc), "plain");
    buf_release(&b);
    arena_free(a);
}

static void
test_bad_input(void)
{
    struct arena *a = arena_new();
    struct buf b = BUF_INIT;
    struct extract_result r;
    struct gz_err err = GZ_ERR_INIT;
    const char *t;
    int rc;

    /* empty */
    t = run("", 0, NULL, a, &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(t, "");
    CHECK_INT(extract_page(NULL, 0, NULL, NULL, a, &r, &err), 0);
    CHECK_INT(extract_page(NULL, 5, NULL, NULL, a, &r, &err), GZ_EINVAL);
    /* not html: plain text still gives its text */
    t = run("just some words\nand more", 24, NULL, a, &rc);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(t, "just some words");
    /* binary */
    CHECK_INT(extract_page("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL, NULL, a, &r, &err),
              GZ_EPARSE);
    CHECK_CONTAINS(err.msg, "not html");
    /* truncated in the middle of a tag and of a UTF-8 sequence */
    page(&b, "", "");
    {
        size_t cut = b.len * 2 / 3;

        t = run(b.p, cut, NULL, a, &rc);
        CHECK_INT(rc, 0);
        CHECK_CONTAINS(t, "First paragraph");
        buf_reset(&b);
        buf_adds(&b, "<p>caf\xc3");
        t = run(b.p, b.len, NULL, a, &rc);
        CHECK_INT(rc, 0);
    }
    /* invalid UTF-8 and NUL bytes inside a UTF-8 page */
    buf_reset(&b);
    legacy(&b, "<meta charset=\"utf-8\">", "ok\xff\xfe\xc3\x28 caf\xc3\xa9");
    buf_add(&b, "\0tail", 5);
    t = run(b.p, b.len, NULL, a, &rc);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(t, "café");
    /* deeply nested: 100k levels */
    buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        buf_adds(&b, "<div><span>");
    buf_adds(&b, "deep text");
    t = run(b.p, b.len, NULL, a, &rc);
    CHECK_INT(rc, 0);
    buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        buf_adds(&b, "<table><tr><td>");
    t = run(b.p, b.len, NULL, a, &rc);
    CHECK_INT(rc, 0);
    /* huge: cut at the cap, still a result */
    buf_reset(&b);
    buf_adds(&b, "<html><body><div><p>");
    buf_adds(&b, para);
    buf_adds(&b, "</p>");
    while (b.len < EXTRACT_MAX_BYTES + 4096)
        buf_adds(&b, "<p>filler filler filler, filler filler filler filler filler.</p>\n");
    t = run(b.p, b.len, NULL, a, &rc);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(t, "The council met");
    buf_release(&b);
    arena_free(a);
}

/* cx_contains_any() says what strstr() on each pattern says. */
static void
test_contains_any(void)
{
    static const char *const pats[] = {"-ad-",     "ai2html", "comment", "rss",       "menu",
                                       "ad-break", "xx",      "pager",   "pagination"};
    static const char *const hay[] = {
        "",           "x",           "xx",
        "a-ad-b",     "-ad",         "comments-list main",
        "commen",     "page pager",  "paginat",
        "rs rss",     "menu-item m", "head-ad-break",
        "ai2htm",     "foo bar baz", "xxx",
        "pagination", " ",           "id-with-comment-at-end comment",
    };

    for (size_t i = 0; i < ARRAY_SIZE(hay); i++) {
        int want = 0;

        for (size_t k = 0; k < ARRAY_SIZE(pats); k++)
            want |= strstr(hay[i], pats[k]) != NULL;
        CHECK_INT(cx_contains_any(hay[i], pats, ARRAY_SIZE(pats)), want);
    }
}

static const struct unit_test tests[] = {
    {"article", test_article},
    {"json_ld", test_json_ld},
    {"split_body", test_split_body},
    {"encodings", test_encodings},
    {"bad_input", test_bad_input},
    {"contains_any", test_contains_any},
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
