/*
 * opml_test.c - OPML reading (folders as categories), writing, the round
 * trip, and the XML attacks OPML files can carry.
 */
#include "unit.h"

#include "feed/opml.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#include <libxml/parser.h>

static struct arena *arena;

static struct opml *
parse(const char *s, struct gz_err *err)
{
    struct opml *o = NULL;

    if (opml_parse(s, strlen(s), arena, &o, err))
        return NULL;
    return o;
}

static void
test_read(void)
{
    struct gz_err err = GZ_ERR_INIT;
    struct opml *o = parse(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<opml version=\"1.1\"><head>"
        "<title>Mes flux</title></head><body>\n"
        "<outline text=\"News\"><outline title=\"Europe / EU\">\n"
        "  <outline text=\"Le Monde\" type=\"rss\" xmlUrl=\"https://lemonde.fr/rss\" "
        "htmlUrl=\"https://lemonde.fr/\"/></outline>\n"
        "  <outline text=\"Caf\xe9 &amp; co\" xmlUrl=\"http://cafe.example/feed?a=1&amp;b=2\"/>\n"
        "</outline>\n"
        "<outline text=\"Loose\" xmlUrl=\"http://loose.example/rss\" category=\"/Tech/C,/Misc\"/>\n"
        "<outline text=\"Plain\" xmlUrl=\"http://plain.example/rss\"/>\n"
        "<outline text=\"A folder with nothing\"/>\n"
        "</body></opml>",
        &err);

    CHECK(o != NULL);
    if (!o)
        return;
    CHECK_STR(o->title, "Mes flux");
    CHECK_INT(o->nfeeds, 4);
    CHECK_STR(o->feeds[0].title, "Le Monde");
    CHECK_STR(o->feeds[0].xml_url, "https://lemonde.fr/rss");
    CHECK_STR(o->feeds[0].html_url, "https://lemonde.fr/");
    CHECK_STR(o->feeds[0].category, "News/Europe - EU");
    CHECK_STR(o->feeds[1].title, "Caf\xc3\xa9 & co");
    CHECK_STR(o->feeds[1].xml_url, "http://cafe.example/feed?a=1&b=2");
    CHECK_STR(o->feeds[1].category, "News");
    CHECK_STR(o->feeds[2].category, "Tech/C");
    CHECK(o->feeds[3].category == NULL);
    CHECK(parse("<rss><channel/></rss>", &err) == NULL);
    CHECK_INT(err.code, GZ_EPARSE);
}

static void
test_round_trip(void)
{
    struct opml_feed in[] = {
        {"Zeta <&> \"quotes\"", "http://z.example/rss?a=1&b=2", NULL, "News/World"},
        {"Alpha", "http://a.example/feed", "http://a.example/", "News"},
        {NULL, "http://untitled.example/rss", NULL, NULL},
        {"Beta", "http://b.example/feed", NULL, "News/World"},
        {"Gamma", "http://g.example/feed", NULL, "Tech"},
        {"Tab\tand\nnewline", "http://t.example/feed", NULL, "Tech/C/Deep"},
    };
    size_t n = sizeof(in) / sizeof(in[0]);
    struct buf b = BUF_INIT;
    struct opml *o;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(opml_write(&b, "Mine & yours", in, n), 0);
    CHECK_CONTAINS(b.p, "<opml version=\"2.0\">");
    CHECK_CONTAINS(b.p, "<title>Mine &amp; yours</title>");
    CHECK_CONTAINS(b.p, "Zeta &lt;&amp;&gt; &quot;quotes&quot;");
    o = parse(b.p, &err);
    CHECK(o != NULL);
    if (!o)
        return;
    CHECK_STR(o->title, "Mine & yours");
    CHECK_INT(o->nfeeds, n);
    /* every feed comes back with its title, URLs and category */
    for (size_t i = 0; i < n; i++) {
        int found = 0;

        for (size_t k = 0; k < o->nfeeds; k++) {
            const struct opml_feed *g = &o->feeds[k];

            if (strcmp(g->xml_url, in[i].xml_url))
                continue;
            found = 1;
            CHECK((!in[i].title && !g->title) ||
                  (in[i].title && g->title &&
                   (!strcmp(in[i].title, g->title) || strchr(in[i].title, '\n'))));
            CHECK((!in[i].html_url && !g->html_url) ||
                  (in[i].html_url && g->html_url && !strcmp(in[i].html_url, g->html_url)));
            CHECK((!in[i].category && !g->category) ||
                  (in[i].category && g->category && !strcmp(in[i].category, g->category)));
        }
        CHECK(found);
    }
    /* and writing what was read gives the same document */
    {
        struct buf again = BUF_INIT;

        opml_write(&again, o->title, o->feeds, o->nfeeds);
        CHECK_STR(again.p, b.p);
        buf_release(&again);
    }
    buf_release(&b);
}

static void
test_attacks(void)
{
    struct gz_err err = GZ_ERR_INIT;
    struct opml *o = parse("<!DOCTYPE opml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
                           "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                           "<opml><body><outline text=\"&xxe;&b;\" xmlUrl=\"http://x/&xxe;\"/>"
                           "</body></opml>",
                           &err);

    CHECK(o != NULL);
    if (!o)
        return;
    CHECK_INT(o->nfeeds, 1);
    CHECK_NOT_CONTAINS(o->feeds[0].title, "root:");
    CHECK_NOT_CONTAINS(o->feeds[0].xml_url, "root:");
    CHECK_STR(o->feeds[0].title, "&xxe;&b;");
}

static void
test_regressions(void)
{
    /* fuzz_opml: an internal entity whose value holds a byte that is not
       UTF-8 reached the model raw, so writing and reading back changed it */
    static const char doc[] = "<!DOCTYPE opml [<!ENTITY y \"y\xffr\">]><opml><body>"
                              "<outline text=\"&y;\" xmlUrl=\"http://&y;/\"/></body></opml>";
    struct opml *o = parse(doc, NULL);
    struct opml *o2;
    struct buf b = BUF_INIT;

    CHECK(o && o->nfeeds == 1);
    if (!o || o->nfeeds != 1)
        return;
    CHECK_STR(o->feeds[0].xml_url, "http://y\xc3\xbfr/");
    opml_write(&b, o->title, o->feeds, o->nfeeds);
    o2 = parse(b.p, NULL);
    CHECK(o2 && o2->nfeeds == 1 && !strcmp(o2->feeds[0].xml_url, o->feeds[0].xml_url) &&
          !strcmp(o2->feeds[0].title, o->feeds[0].title));
    buf_release(&b);
    /* fuzz_opml: empty segments in a category path came back as folders
       without a name, which are no folders when read again */
    o = parse("<opml><body><outline text=\"t\" xmlUrl=\"http://x/\" "
              "category=\" /a//b/ /,/c\"/></body></opml>",
              NULL);
    CHECK(o && o->nfeeds == 1 && o->feeds[0].category && !strcmp(o->feeds[0].category, "a/b"));
    {
        struct opml_feed in = {"t", "http://x/", NULL, "//a// /b//"};

        buf_reset(&b);
        opml_write(&b, NULL, &in, 1);
        o2 = parse(b.p, NULL);
        CHECK(o2 && o2->nfeeds == 1 && o2->feeds[0].category &&
              !strcmp(o2->feeds[0].category, "a/b"));
        CHECK_NOT_CONTAINS(b.p, "text=\"\" title=\"\"");
        buf_release(&b);
    }
    /* fuzz_opml: a list title with a line break lost it when written */
    {
        struct opml_feed in = {"t", "http://x/", NULL, NULL};

        buf_reset(&b);
        opml_write(&b, "two\nlines\r\nand more", &in, 1);
        o2 = parse(b.p, NULL);
        CHECK(o2 && o2->title && !strcmp(o2->title, "two\nlines\r\nand more"));
        buf_release(&b);
    }
    /* fuzz_opml: "]]>" in a list title (which a CDATA section can give)
       was written raw, and text holding it is not XML: read back, the
       title lost its '<' characters (regress-title-cdata-end) */
    {
        struct opml_feed in = {"t", "http://x/", NULL, NULL};

        buf_reset(&b);
        opml_write(&b, "a]]>b<c>d", &in, 1);
        CHECK_NOT_CONTAINS(b.p, "]]>");
        o2 = parse(b.p, NULL);
        CHECK(o2 && o2->title && !strcmp(o2->title, "a]]>b<c>d"));
        buf_release(&b);
    }
    /* fuzz_opml: a category attribute of more levels than the reader nests
       was written as that many folders, and the feed inside them was not
       read back (regress-category-too-deep) */
    {
        struct buf deep = BUF_INIT;
        int levels = 1;

        buf_adds(&deep, "<opml><body><outline text=\"t\" xmlUrl=\"http://x/\" category=\"");
        for (int i = 0; i < OPML_MAX_LEVELS + 20; i++)
            buf_addf(&deep, "/c%d", i);
        buf_adds(&deep, "\"/></body></opml>");
        o = parse(deep.p, NULL);
        CHECK(o && o->nfeeds == 1 && o->feeds[0].category);
        if (o && o->nfeeds == 1 && o->feeds[0].category) {
            for (const char *c = o->feeds[0].category; *c; c++)
                levels += *c == '/';
            CHECK_INT(levels, OPML_MAX_LEVELS);
            buf_reset(&b);
            opml_write(&b, NULL, o->feeds, 1);
            o2 = parse(b.p, NULL);
            CHECK(o2 && o2->nfeeds == 1 && o2->feeds[0].category &&
                  !strcmp(o2->feeds[0].category, o->feeds[0].category));
        }
        buf_release(&b);
        buf_release(&deep);
    }
}

static const struct unit_test tests[] = {
    {"read", test_read},
    {"round_trip", test_round_trip},
    {"attacks", test_attacks},
    {"regressions", test_regressions},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    xmlInitParser();
    arena = arena_new();
    rc = unit_main(argc, argv, tests);
    arena_free(arena);
    xmlCleanupParser();
    return rc;
}
