/*
 * chart_test.c - the SVG timeline: well-formed XML whatever the names
 * and times, one dot per dated mark, sensible axes.
 */
#include "unit.h"

#include "util/buf.h"
#include "util/time.h"
#include "web/chart.h"

#include <libxml/parser.h>

static int
well_formed(const struct buf *b)
{
    xmlDocPtr doc = xmlReadMemory(b->p, (int)b->len, "chart.svg", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int ok = doc != NULL;

    xmlFreeDoc(doc);
    return ok;
}

static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void
test_timeline(void)
{
    struct buf b = BUF_INIT;
    int64_t t = time_from_civil(2025, 8, 7, 9, 0, 0);
    const char *rows[] = {"Reuters", "Tom & Jerry's <News>",
                          "\x01"
                          "bad\xff"
                          "bytes",
                          "A very long source name that goes on and on"};
    struct chart_mark marks[] = {
        {t, 0, "Reuters, 09:00: Peace <summit>"},
        {t + 1800, 1, "Copy & paste"},
        {t + 5 * 3600, 2, NULL},
        {t + 9 * 3600, 3, "\"quoted\""},
        {0, 0, "undated: not drawn"},
        {t, 7, "no such row: not drawn"},
    };

    chart_timeline(&b, "Coverage of \"Peace\" over time", rows, 4, marks, 6);
    CHECK(well_formed(&b));
    CHECK_CONTAINS(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\"");
    CHECK_CONTAINS(b.p, "role=\"img\" aria-label=\"Coverage of &quot;Peace&quot; over time\"");
    CHECK_INT(count(b.p, "<circle"), 4);
    CHECK_INT(count(b.p, "class=\"name\""), 4);
    CHECK_CONTAINS(b.p, "Tom &amp; Jerry&#39;s &lt;News&gt;");
    CHECK_CONTAINS(b.p, "<title>Reuters, 09:00: Peace &lt;summit&gt;</title>");
    CHECK_CONTAINS(b.p, "A very long source name\xe2\x80\xa6");
    CHECK_NOT_CONTAINS(b.p, "\x01");
    CHECK_NOT_CONTAINS(b.p, "undated");
    /* a 9-hour span gets hour ticks */
    CHECK_CONTAINS(b.p, ">12:00</text>");
    /* dots spread over the plot, first left of last */
    CHECK(strstr(b.p, "cx=\"173") != NULL);

    /* nothing dated: nothing drawn */
    buf_reset(&b);
    chart_timeline(&b, "x", rows, 1, marks + 4, 1);
    CHECK_INT(b.len, 0);

    /* one mark, and marks decades apart, and absurd times */
    buf_reset(&b);
    chart_timeline(&b, "one", rows, 1, marks, 1);
    CHECK(well_formed(&b));
    CHECK_INT(count(b.p, "<circle"), 1);
    {
        struct chart_mark far[] = {
            {1, 0, "1970"},
            {time_from_civil(2025, 1, 1, 0, 0, 0), 0, "2025"},
            {INT64_MAX, 0, "never"},
            {-5, 0, "before"},
        };

        buf_reset(&b);
        chart_timeline(&b, "far", rows, 1, far, 4);
        CHECK(well_formed(&b));
        CHECK_INT(count(b.p, "<circle"), 2);
        CHECK(count(b.p, "class=\"tick\"") <= 2 * 13);
        CHECK_CONTAINS(b.p, "1970");
    }
    buf_release(&b);
}

static const struct unit_test tests[] = {
    {"timeline", test_timeline},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
