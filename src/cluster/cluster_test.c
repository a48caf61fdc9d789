/*
 * cluster_test.c - copies, stories, two-phase assignment, merges,
 * related lists, story fields, expiry, and bad input.
 */
#include "unit.h"

#include "cluster/cluster.h"
#include "text/lang.h"
#include "util/buf.h"
#include "util/err.h"

#include <math.h>

#define DAY (24 * 3600)
#define T0 1754524800 /* 2025-08-07 */

/* ---- helpers ---- */

static struct cluster_doc
mkdoc(int64_t id, int64_t time, const char *source, const char *title, const char *text)
{
    struct cluster_doc d;

    memset(&d, 0, sizeof(d));
    d.id = id;
    d.time = time;
    d.source = cluster_source_key(source);
    d.title = title;
    d.title_len = title ? strlen(title) : 0;
    d.text = text;
    d.text_len = text ? strlen(text) : 0;
    d.lang = "en";
    return d;
}

/* Assign, then insert under the chosen story (a new story is labelled 1000 + id). */
static struct cluster_result
feed(struct cluster_index *ci, const struct cluster_doc *d)
{
    struct cluster_result r;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(cluster_assign(ci, d, &r, &err), 0);
    CHECK_INT(cluster_insert(ci, d, r.story ? r.story : 1000 + d->id, r.dup_of, &err), 0);
    if (r.merge_from)
        CHECK_INT(cluster_merge(ci, r.merge_from, r.merge_into, &err), 0);
    return r;
}

static const char *ARMENIA_TEXT =
    "The leaders of archrivals Armenia and Azerbaijan will convene at the White House on Friday "
    "in a summit US President Donald Trump said will yield an official Peace Signing, after "
    "months of the long-warring neighbors circling an elusive agreement. Armenian Prime Minister "
    "Nikol Pashinyan and President Ilham Aliyev of Azerbaijan will join me at the White House "
    "for an official Peace Signing Ceremony, Trump posted Thursday on his Truth Social platform. "
    "Baku and Yerevan, sworn enemies for decades, went to war twice over the disputed Karabakh "
    "region, which Azerbaijan recaptured from Armenian forces in a lightning 2023 offensive.";

static const char *ARMENIA_WAPO =
    "The leaders of Armenia and Azerbaijan are expected to sign a peace deal Friday at the White "
    "House that could potentially put an end to decades of conflict, President Donald Trump "
    "said. Trump said Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham "
    "Aliyev would also be signing agreements with the U.S.";

static const char *FLOOD_TEXT =
    "Heavy rain caused the river Elbe to burst its banks near Dresden on Tuesday, flooding the "
    "old town and forcing thousands of residents to leave their homes. Firefighters built sandbag "
    "walls through the night as the water level rose above eight metres, the highest mark since "
    "2013, and the city opened emergency shelters in schools.";

static const char *FLOOD_TEXT2 =
    "Thousands of people were evacuated from Dresden after the Elbe rose above eight metres and "
    "flooded the old town. Emergency shelters opened in schools while firefighters stacked "
    "sandbags along the river banks through the night.";

static const char *BORDER_TEXT =
    "Trump border czar Tom Homan discusses stopping illegal immigration under President Donald "
    "Trump on Hannity.";

/* ---- copies ---- */

static void
test_exact_copy(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a =
        mkdoc(1, T0, "France 24", "Armenia and Azerbaijan to sign peace deal", ARMENIA_TEXT);
    struct cluster_doc b =
        mkdoc(2, T0 + 600, "Yahoo", "Trump hosts Armenia, Azerbaijan leaders", ARMENIA_TEXT);
    struct cluster_result r;

    feed(ci, &a);
    r = feed(ci, &b);
    CHECK_INT(r.why, CLUSTER_EXACT);
    CHECK_INT(r.dup_of, 1);
    CHECK_INT(r.story, 1001);
    CHECK_INT(cluster_story_of(ci, 2), 1001);
    cluster_index_free(ci);
}

static void
test_near_copy(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct buf edited = BUF_INIT;
    struct cluster_doc a =
        mkdoc(1, T0, "France 24", "Armenia and Azerbaijan to sign peace deal", ARMENIA_TEXT);
    struct cluster_doc b, c;
    struct cluster_result r;
    struct cluster_story_info info;
    int64_t ids[8];
    size_t n = 0;

    /* a syndicated copy: another headline, an added paragraph, one word changed */
    buf_adds(&edited, ARMENIA_TEXT);
    buf_adds(&edited, "\n\nThe two countries have held talks aimed at securing a peaceful "
                      "resolution, including last month in the United Arab Emirates.");
    {
        char *w = strstr(edited.p, "sworn enemies");

        memcpy(w, "bitter", 6); /* "bitter enemies" */
        memmove(w + 6, w + 5, strlen(w + 5) + 1);
        w[6] = ' ';
    }
    b = mkdoc(2, T0 + 3600, "Yahoo", "White House to host historic peace signing", edited.p);
    feed(ci, &a);
    r = feed(ci, &b);
    CHECK_INT(r.why, CLUSTER_NEAR);
    CHECK_INT(r.dup_of, 1);
    CHECK(r.score >= 0.6);
    CHECK_INT(r.story, 1001);

    /* another publisher's own report joins the story, not as a copy */
    c = mkdoc(3, T0 + 7200, "Washington Post",
              "Trump will meet Friday with leaders of Armenia and Azerbaijan to sign peace deal",
              ARMENIA_WAPO);
    r = feed(ci, &c);
    CHECK_INT(r.why, CLUSTER_JOIN);
    CHECK_INT(r.dup_of, 0);
    CHECK_INT(r.story, 1001);

    /* related of the original: the other publisher first, its copy last */
    CHECK_INT(cluster_related(ci, 1, 8, ids, NULL, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(ids[0], 3);
    CHECK_INT(ids[1], 2);

    /* a copy adds no independent source */
    CHECK_INT(cluster_story_info(ci, 1001, &info, NULL), 0);
    CHECK_INT(info.n_articles, 3);
    CHECK_INT(info.n_sources, 2);
    buf_release(&edited);
    cluster_index_free(ci);
}

/* ---- stories and related ---- */

static void
test_stories_and_related(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc d[5];
    struct cluster_result r[5];
    int64_t ids[8];
    double sc[8];
    size_t n = 0, nst = 0;

    d[0] = mkdoc(1, T0, "France 24",
                 "Armenia, Azerbaijan to sign historic peace deal at White House", ARMENIA_TEXT);
    d[1] = mkdoc(2, T0 + 900, "Deutsche Welle", "Elbe floods Dresden old town", FLOOD_TEXT);
    d[2] = mkdoc(3, T0 + 1800, "Washington Post",
                 "Trump will meet Friday with leaders of Armenia and Azerbaijan to sign peace deal",
                 ARMENIA_WAPO);
    d[3] = mkdoc(4, T0 + 2000, "Fox News", "Trump 'border czar': We are making this country safer",
                 BORDER_TEXT);
    d[4] = mkdoc(5, T0 + 2400, "MDR", "Thousands evacuated as Elbe floods Dresden", FLOOD_TEXT2);
    for (int i = 0; i < 5; i++)
        r[i] = feed(ci, &d[i]);
    CHECK_INT(r[0].story, 0);
    CHECK_INT(r[1].story, 0);
    CHECK_INT(r[2].story, 1001);
    CHECK_INT(r[3].story, 0);
    CHECK_INT(r[4].story, 1002);
    CHECK_INT(cluster_size(ci, &nst), 5);
    CHECK_INT(nst, 3);

    CHECK_INT(cluster_related(ci, 1, 8, ids, sc, &n, NULL), 0);
    CHECK(n >= 1);
    CHECK_INT(ids[0], 3);
    for (size_t i = 0; i < n; i++) {
        CHECK(ids[i] != 4); /* the border item is never related */
        CHECK(ids[i] != 1); /* nor the article itself */
        CHECK(sc[i] >= 0.12 || i == 0);
    }
    CHECK_INT(cluster_related(ci, 4, 8, ids, NULL, &n, NULL), 0);
    CHECK_INT(n, 0); /* nothing close: the list is not padded */
    CHECK_INT(cluster_related(ci, 99, 8, ids, NULL, &n, NULL), GZ_ENOTFOUND);
    cluster_index_free(ci);
}

static void
test_two_phase(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc b = mkdoc(2, T0 + 60, "MDR", "Thousands evacuated in Dresden", FLOOD_TEXT2);
    struct cluster_result r1, r2;
    struct gz_err err = GZ_ERR_INIT;

    feed(ci, &a);
    /* assign changes nothing: twice the same answer, the index still holds one */
    CHECK_INT(cluster_assign(ci, &b, &r1, NULL), 0);
    CHECK_INT(cluster_assign(ci, &b, &r2, NULL), 0);
    CHECK_INT(r1.story, r2.story);
    CHECK(r1.score == r2.score);
    CHECK_INT(cluster_size(ci, NULL), 1);
    CHECK_INT(cluster_story_of(ci, 2), 0);
    /* the caller may choose another label (a database id) */
    CHECK_INT(cluster_insert(ci, &b, 77, 0, &err), 0);
    CHECK_INT(cluster_story_of(ci, 2), 77);
    CHECK_INT(cluster_insert(ci, &b, 77, 0, &err), GZ_EEXIST);
    CHECK_INT(cluster_insert(ci, &b, 0, 0, NULL), GZ_EINVAL);
    cluster_index_free(ci);
}

static void
test_rebuild_and_determinism(void)
{
    struct cluster_index *x = cluster_index_new(NULL, NULL);
    struct cluster_index *y = cluster_index_new(NULL, NULL);
    struct cluster_doc d[4];
    int64_t lab[4];

    d[0] = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    d[1] = mkdoc(2, T0 + 100, "F24", "Armenia and Azerbaijan to sign peace deal", ARMENIA_TEXT);
    d[2] = mkdoc(3, T0 + 200, "MDR", "Thousands evacuated in Dresden", FLOOD_TEXT2);
    d[3] = mkdoc(4, T0 + 300, "WaPo", "Trump to host Armenia, Azerbaijan leaders", ARMENIA_WAPO);
    for (int i = 0; i < 4; i++) {
        struct cluster_result r = feed(x, &d[i]);

        lab[i] = r.story ? r.story : 1000 + d[i].id;
    }
    /* replay with cluster_insert alone, as at start-up */
    for (int i = 0; i < 4; i++)
        CHECK_INT(cluster_insert(y, &d[i], lab[i], 0, NULL), 0);
    for (int i = 0; i < 4; i++)
        CHECK_INT(cluster_story_of(y, d[i].id), cluster_story_of(x, d[i].id));
    /* and both indexes answer a new article the same way */
    {
        struct cluster_doc e =
            mkdoc(5, T0 + 400, "BBC", "Dresden flood: Elbe above eight metres", FLOOD_TEXT2);
        struct cluster_result rx, ry;

        CHECK_INT(cluster_assign(x, &e, &rx, NULL), 0);
        CHECK_INT(cluster_assign(y, &e, &ry, NULL), 0);
        CHECK_INT(rx.story, ry.story);
        CHECK(fabs(rx.score - ry.score) < 1e-9);
    }
    cluster_index_free(x);
    cluster_index_free(y);
}

static void
test_merge(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc b = mkdoc(2, T0 + 60, "MDR", "Thousands evacuated in Dresden", FLOOD_TEXT2);
    struct cluster_doc c = mkdoc(3, T0 + 120, "F24", "Armenia and Azerbaijan sign", ARMENIA_TEXT);
    struct cluster_story_info info;

    CHECK_INT(cluster_insert(ci, &a, 10, 0, NULL), 0);
    CHECK_INT(cluster_insert(ci, &b, 20, 0, NULL), 0);
    CHECK_INT(cluster_insert(ci, &c, 30, 0, NULL), 0);
    CHECK_INT(cluster_merge(ci, 20, 10, NULL), 0);
    CHECK_INT(cluster_story_of(ci, 2), 10);
    /* the merged label redirects */
    CHECK_INT(cluster_story_info(ci, 20, &info, NULL), 0);
    CHECK_INT(info.label, 10);
    CHECK_INT(info.n_articles, 2);
    /* inserting under the old label lands in the kept story */
    {
        struct cluster_doc e = mkdoc(4, T0 + 200, "BBC", "Dresden flood", FLOOD_TEXT2);

        CHECK_INT(cluster_insert(ci, &e, 20, 0, NULL), 0);
        CHECK_INT(cluster_story_of(ci, 4), 10);
    }
    CHECK_INT(cluster_merge(ci, 10, 10, NULL), GZ_EINVAL);
    CHECK_INT(cluster_merge(ci, 10, 99, NULL), GZ_ENOTFOUND);
    /* chains: 10 into 30, then 20 still reaches 30 */
    CHECK_INT(cluster_merge(ci, 10, 30, NULL), 0);
    CHECK_INT(cluster_story_info(ci, 20, &info, NULL), 0);
    CHECK_INT(info.label, 30);
    CHECK_INT(info.n_articles, 4);
    cluster_index_free(ci);
}

/* An article bridging two stories asks for them to be merged. */
static void
test_bridge(void)
{
    struct cluster_params p;
    struct cluster_index *ci;
    struct cluster_doc a = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc b = mkdoc(2, T0 + 60, "MDR", "Thousands evacuated in Dresden", FLOOD_TEXT2);
    struct cluster_doc c =
        mkdoc(3, T0 + 120, "BBC", "Elbe floods Dresden, thousands evacuated", FLOOD_TEXT);
    struct cluster_result r;

    cluster_params_default(&p);
    p.merge = 0.05;
    ci = cluster_index_new(&p, NULL);
    /* two stories the caller kept apart */
    CHECK_INT(cluster_insert(ci, &a, 10, 0, NULL), 0);
    CHECK_INT(cluster_insert(ci, &b, 20, 0, NULL), 0);
    /* close to both */
    c.text = "Heavy rain made the Elbe burst its banks near Dresden, flooding the old town. "
             "Thousands of people were evacuated and emergency shelters opened in schools while "
             "firefighters stacked sandbags through the night.";
    c.text_len = strlen(c.text);
    CHECK_INT(cluster_assign(ci, &c, &r, NULL), 0);
    CHECK(r.merge_from == 10 || r.merge_from == 20);
    CHECK(r.merge_into == 10 || r.merge_into == 20);
    CHECK(r.merge_from != r.merge_into);
    CHECK_INT(r.story, r.merge_into);
    cluster_index_free(ci);
}

static void
test_story_info(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc d[3];
    struct cluster_story_info info;

    d[0] = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    d[1] = mkdoc(2, T0 + 3600, "MDR", "Thousands evacuated as Elbe floods Dresden", FLOOD_TEXT2);
    d[2] = mkdoc(3, T0 + 7200, "DW", "Dresden", FLOOD_TEXT2); /* same publisher again */
    for (int i = 0; i < 3; i++)
        CHECK_INT(cluster_insert(ci, &d[i], 5, 0, NULL), 0);
    CHECK_INT(cluster_story_info(ci, 5, &info, NULL), 0);
    CHECK_INT(info.first_seen, T0);
    CHECK_INT(info.last_updated, T0 + 7200);
    CHECK_INT(info.n_articles, 3);
    CHECK_INT(info.n_sources, 2);
    CHECK(info.headline_id == 1 || info.headline_id == 2);
    CHECK(strlen(info.headline) > 10);
    CHECK(info.hotness > 2.0 && info.hotness < 2.5);
    CHECK_INT(cluster_story_info(ci, 6, &info, NULL), GZ_ENOTFOUND);
    cluster_index_free(ci);
}

static void
test_hotness(void)
{
    struct cluster_member m[4] = {
        {T0, 11, 0}, {T0 + 3600, 22, 0}, {T0 + 3600, 22, 0}, {T0 + 7200, 33, 1}};
    double h0, h12, h3;

    CHECK_INT(cluster_count_sources(m, 4), 2);
    CHECK_INT(cluster_count_sources(m, 0), 0);
    CHECK_INT(cluster_count_sources(&m[3], 1), 1); /* a lone copy still has a publisher */
    h0 = cluster_hotness(m, 4, T0 + 7200);
    h12 = cluster_hotness(m, 4, T0 + 7200 + 12 * 3600);
    CHECK(fabs(h0 - (2 + 0.25 * log(2.0))) < 1e-9);
    CHECK(fabs(h12 - h0 / 2) < 1e-9);
    /* more independent sources beat more articles of one source */
    {
        struct cluster_member a[3] = {{T0, 1, 0}, {T0, 2, 0}, {T0, 3, 0}};
        struct cluster_member b[3] = {{T0, 1, 0}, {T0, 1, 0}, {T0, 1, 0}};

        h3 = cluster_hotness(a, 3, T0);
        CHECK(h3 > cluster_hotness(b, 3, T0));
        /* unknown publishers count one each */
        a[0].source = a[1].source = a[2].source = 0;
        CHECK(fabs(cluster_hotness(a, 3, T0) - h3) < 1e-9);
    }
    CHECK(cluster_hotness(m, 0, T0) == 0);
}

static void
test_headline(void)
{
    struct text_stemmer *st = text_stemmer_new();
    const char *titles[3] = {"Dresden", "Elbe floods Dresden old town, thousands evacuated",
                             "Opinion: what the flood tells us"};
    const char *texts[3] = {FLOOD_TEXT2, FLOOD_TEXT, "Climate change is real and we must act."};

    CHECK_INT(cluster_headline(st, titles, texts, 3, "en"), 1);
    CHECK_INT(cluster_headline(st, titles, NULL, 0, "en"), -1);
    CHECK_INT(cluster_headline(st, titles, NULL, 1, "en"), 0);
    text_stemmer_free(st);
}

/* ---- time ---- */

struct expired {
    int64_t ids[64];
    int n;
};

static void
note_expired(int64_t id, void *ctx)
{
    struct expired *e = ctx;

    if (e->n < 64)
        e->ids[e->n++] = id;
}

static void
test_expiry(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct expired ex = {{0}, 0};
    struct cluster_story_info info;
    size_t nst;

    cluster_on_expire(ci, note_expired, &ex);
    for (int day = 0; day < 10; day++) {
        struct cluster_doc d = mkdoc(day + 1, T0 + (int64_t)day * DAY, "DW",
                                     "Elbe floods Dresden old town", FLOOD_TEXT);

        CHECK_INT(cluster_insert(ci, &d, 100 + day, 0, NULL), 0);
    }
    /* clock at day 9, window 4 days: days 0..4 have left */
    CHECK_INT(cluster_clock(ci), T0 + 9 * DAY);
    CHECK_INT(cluster_size(ci, &nst), 5);
    CHECK_INT(nst, 5);
    CHECK_INT(ex.n, 5);
    CHECK_INT(ex.ids[0], 1);
    CHECK_INT(cluster_story_info(ci, 100, &info, NULL), GZ_ENOTFOUND);
    CHECK_INT(cluster_story_info(ci, 109, &info, NULL), 0);
    CHECK_INT(cluster_story_of(ci, 1), 0);
    /* an expired id may come back (it is no longer held) */
    {
        struct cluster_doc d = mkdoc(1, T0 + 9 * DAY, "DW", "Elbe", FLOOD_TEXT);
        struct cluster_result r;

        CHECK_INT(cluster_assign(ci, &d, &r, NULL), 0);
    }
    cluster_index_free(ci);
}

static void
test_out_of_order(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc old = mkdoc(2, T0 - 30 * DAY, "MDR", "Elbe floods Dresden", FLOOD_TEXT2);
    struct cluster_doc future =
        mkdoc(3, T0 + 3650 * DAY, "BBC", "Dresden flood: Elbe above eight metres", FLOOD_TEXT2);
    struct cluster_doc next =
        mkdoc(4, T0 + 600, "ZDF", "Elbe floods Dresden",
              "The Elbe flooded the old town of Dresden and thousands of residents had to leave "
              "their homes; shelters opened in schools.");
    struct cluster_result r;

    feed(ci, &a);
    /* a month too old: not joined to today's story, recorded and gone at once */
    r = feed(ci, &old);
    CHECK_INT(r.story, 0);
    CHECK_INT(cluster_size(ci, NULL), 1);
    /* ten years ahead: the clock moves one day only, today's story stays */
    r = feed(ci, &future);
    CHECK_INT(r.story, 0);
    CHECK_INT(cluster_clock(ci), T0 + DAY);
    CHECK_INT(cluster_story_of(ci, 1), 1001);
    r = feed(ci, &next);
    CHECK_INT(r.story, 1001);
    cluster_index_free(ci);
}

static void
test_undated(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a = mkdoc(1, 0, NULL, "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc b = mkdoc(2, 0, NULL, "Thousands evacuated in Dresden", FLOOD_TEXT2);
    struct cluster_doc c = mkdoc(3, 0, NULL, "Armenia and Azerbaijan sign", ARMENIA_TEXT);
    struct cluster_story_info info;

    feed(ci, &a);
    CHECK_INT(feed(ci, &b).story, 1001);
    CHECK_INT(feed(ci, &c).story, 0);
    CHECK_INT(cluster_clock(ci), 0);
    CHECK_INT(cluster_size(ci, NULL), 3);
    CHECK_INT(cluster_story_info(ci, 1001, &info, NULL), 0);
    CHECK_INT(info.n_sources, 2); /* unknown publishers count one each */
    cluster_index_free(ci);
}

/* ---- bad input ---- */

static void
test_empty_and_short(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc e1 = mkdoc(1, T0, "A", NULL, NULL);
    struct cluster_doc e2 = mkdoc(2, T0, "B", "", "");
    struct cluster_doc w1 = mkdoc(3, T0, "C", "Breaking", NULL);
    struct cluster_doc w2 = mkdoc(4, T0, "D", "Breaking", "");
    struct cluster_doc f = mkdoc(5, T0, "E", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc g = mkdoc(6, T0, "F", "Update", "Read more.");
    struct cluster_doc h = mkdoc(7, T0, "G", "Update", "Read more.");
    struct cluster_result r;
    int64_t ids[4];
    size_t n;

    /* empty texts are no copies of each other and join nothing */
    CHECK_INT(feed(ci, &e1).story, 0);
    r = feed(ci, &e2);
    CHECK_INT(r.story, 0);
    CHECK_INT(r.dup_of, 0);
    feed(ci, &w1);
    r = feed(ci, &w2);
    CHECK_INT(r.dup_of, 0);
    CHECK_INT(feed(ci, &f).story, 0);
    /* too short to call a copy */
    feed(ci, &g);
    r = feed(ci, &h);
    CHECK_INT(r.dup_of, 0);
    CHECK_INT(cluster_related(ci, 1, 4, ids, NULL, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(cluster_related(ci, 5, 0, ids, NULL, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(cluster_size(ci, NULL), 7);
    cluster_index_free(ci);
}

static void
test_bad_ids(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc a = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc z = mkdoc(0, T0, "DW", "Elbe", FLOOD_TEXT);
    struct cluster_doc again = mkdoc(1, T0, "F24", "Armenia", ARMENIA_TEXT);
    struct cluster_result r;
    struct gz_err err = GZ_ERR_INIT;
    size_t nst;

    feed(ci, &a);
    CHECK_INT(cluster_assign(ci, &z, &r, &err), GZ_EINVAL);
    CHECK_INT(cluster_insert(ci, &z, 5, 0, NULL), GZ_EINVAL);
    /* a duplicate id changes nothing */
    CHECK_INT(cluster_assign(ci, &again, &r, &err), GZ_EEXIST);
    CHECK_CONTAINS(err.msg, "already");
    CHECK_INT(cluster_insert(ci, &again, 7, 0, NULL), GZ_EEXIST);
    CHECK_INT(cluster_size(ci, &nst), 1);
    CHECK_INT(nst, 1);
    CHECK_INT(cluster_story_of(ci, 1), 1001);
    cluster_index_free(ci);
}

static void
test_languages(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    /* Japanese (no stemmer, no spaces), Armenian (stemmer, no stop list), an unknown tag */
    struct cluster_doc ja1 =
        mkdoc(1, T0, "NHK", "東京で大雨、川が氾濫",
              "東京都内で記録的な大雨が降り、多摩川が氾濫しました。住民は避難所"
              "に移動しています。気象庁は警報を出しました。");
    struct cluster_doc ja2 = mkdoc(2, T0 + 60, "Asahi", "多摩川が氾濫 東京で大雨",
                                   "記録的な大雨で多摩川が氾濫し、東京都内の住民が避難所に移動しま"
                                   "した。気象庁が警報を発表しました。");
    struct cluster_doc hy = mkdoc(3, T0, "Armenpress", "Հայաստանը և Ադրբեջանը",
                                  "Հայաստանի և Ադրբեջանի ղեկավարները կհանդիպեն Սպիտակ տանը։");
    struct cluster_doc xx = mkdoc(4, T0, "X", "Zzyzx qwv", "Blorp zzyzx qwv frob.");
    struct cluster_result r;

    ja1.lang = ja2.lang = "ja";
    hy.lang = "hy";
    xx.lang = "xx-Unknown";
    feed(ci, &ja1);
    r = feed(ci, &ja2);
    CHECK_INT(r.story, 1001);
    CHECK_INT(feed(ci, &hy).story, 0);
    CHECK_INT(feed(ci, &xx).story, 0);
    CHECK_INT(cluster_size(ci, NULL), 4);
    cluster_index_free(ci);
}

static void
test_params(void)
{
    struct cluster_params p;
    struct gz_err err = GZ_ERR_INIT;

    cluster_params_default(&p);
    p.join = 0;
    CHECK(cluster_index_new(&p, &err) == NULL);
    CHECK_INT(err.code, GZ_EINVAL);
    cluster_params_default(&p);
    p.window = -1;
    CHECK(cluster_index_new(&p, NULL) == NULL);
    cluster_index_free(NULL);
    CHECK(cluster_source_key(NULL) == 0);
    CHECK(cluster_source_key("") == 0);
    CHECK(cluster_source_key("Reuters") == cluster_source_key("REUTERS"));
    CHECK(cluster_source_key("Reuters") != cluster_source_key("AP"));
}

/* Many articles: the index stays bounded and consistent under churn. */
static void
test_churn(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    static const char *words[] = {"river",  "flood",  "summit", "peace",  "vote",  "court",
                                  "storm",  "market", "energy", "border", "trade", "deal",
                                  "strike", "union",  "rail",   "school", "virus", "fire"};
    char title[128], text[512];
    uint64_t x = 42;
    size_t nst;

    for (int i = 0; i < 3000; i++) {
        struct cluster_doc d;
        size_t tl = 0, xl = 0;

        for (int w = 0; w < 6; w++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            tl += (size_t)snprintf(title + tl, sizeof(title) - tl, "%s%s%d ", words[(x >> 33) % 18],
                                   w ? "" : "x", (int)((x >> 40) % 50));
        }
        for (int w = 0; w < 40; w++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            xl += (size_t)snprintf(text + xl, sizeof(text) - xl, "%s%d ", words[(x >> 33) % 18],
                                   (int)((x >> 40) % 200));
        }
        d = mkdoc(i + 1, T0 + (int64_t)i * 600, (x >> 20) % 2 ? "A" : "B", title, text);
        feed(ci, &d);
        if (i % 7 == 0) {
            int64_t ids[10];
            size_t n;

            CHECK_INT(cluster_related(ci, i + 1, 10, ids, NULL, &n, NULL), 0);
        }
    }
    /* 600 s apart, 4 days of window: at most 577 articles held */
    CHECK(cluster_size(ci, &nst) <= 577);
    CHECK(nst >= 1);
    cluster_index_free(ci);
}

/* ---- refinement ---- */

static int64_t
next_label(void *ctx)
{
    return (*(int64_t *)ctx)++;
}

/* Refine; every move reported is where the index now has the article. */
static size_t
refine(struct cluster_index *ci, int64_t *label)
{
    struct cluster_move *mv;
    size_t n = 99;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(cluster_refine(ci, next_label, label, &mv, &n, &err), 0);
    for (size_t i = 0; i < n; i++) {
        CHECK(mv[i].from != mv[i].to);
        CHECK_INT(cluster_story_of(ci, mv[i].doc_id), mv[i].to);
    }
    free(mv);
    return n;
}

static void
test_refine(void)
{
    struct cluster_index *ci = cluster_index_new(NULL, NULL);
    struct cluster_doc f1 = mkdoc(1, T0, "DW", "Elbe floods Dresden old town", FLOOD_TEXT);
    struct cluster_doc a1 =
        mkdoc(2, T0, "F24", "Armenia, Azerbaijan to sign peace deal", ARMENIA_TEXT);
    struct cluster_doc a2 =
        mkdoc(3, T0 + 600, "WaPo", "Trump to host Armenia and Azerbaijan leaders", ARMENIA_WAPO);
    /* a later article of unknown language: read as the window's usual English */
    struct cluster_doc f2 =
        mkdoc(4, T0 + 300, "MDR", "Dresden evacuates thousands as Elbe floods", FLOOD_TEXT2);
    /* bad input: empty, one-word titles, no stemmer, a time far behind */
    struct cluster_doc e1 = mkdoc(5, T0, "A", NULL, NULL);
    struct cluster_doc w1 = mkdoc(6, T0, "B", "Breaking", "");
    struct cluster_doc w2 = mkdoc(7, T0, "C", "Breaking", "Read more.");
    struct cluster_doc ja = mkdoc(8, T0, "NHK", "東京で大雨、川が氾濫", "多摩川が氾濫しました。");
    struct cluster_doc old = mkdoc(9, T0 - 3 * DAY, "D", "Elbe floods Dresden", FLOOD_TEXT2);
    /* the border item, filed by hand under the peace story: it stays there */
    struct cluster_doc fox = mkdoc(10, T0, "Fox", "Trump 'border czar'", BORDER_TEXT);
    struct cluster_move *mv;
    size_t n;
    int64_t label = 5000;
    int64_t peace;

    f2.lang = NULL;
    ja.lang = "ja";
    fox.fixed = 1;
    feed(ci, &f1);
    feed(ci, &a1);
    feed(ci, &a2);
    CHECK_INT(feed(ci, &f2).story, 1001);
    feed(ci, &e1);
    feed(ci, &w1);
    feed(ci, &w2);
    feed(ci, &ja);
    feed(ci, &old);
    peace = cluster_story_of(ci, 2);
    CHECK_INT(cluster_insert(ci, &fox, peace, 0, NULL), 0);
    CHECK_INT(cluster_insert(ci, &fox, peace, 0, NULL), GZ_EEXIST); /* a repeated id */

    refine(ci, &label);
    CHECK_INT(cluster_story_of(ci, 1), cluster_story_of(ci, 4));
    CHECK_INT(cluster_story_of(ci, 2), cluster_story_of(ci, 3));
    CHECK(cluster_story_of(ci, 1) != cluster_story_of(ci, 2));
    CHECK_INT(cluster_story_of(ci, 10), peace);
    CHECK(cluster_story_of(ci, 5) != cluster_story_of(ci, 6));
    CHECK(cluster_story_of(ci, 6) != cluster_story_of(ci, 1));
    CHECK(cluster_story_of(ci, 8) != cluster_story_of(ci, 1));
    /* the same window again: nothing moves */
    CHECK_INT(refine(ci, &label), 0);

    /* two unrelated articles forced into one story: the refinement splits
     * them, and needs a new label for that */
    {
        struct cluster_index *c2 = cluster_index_new(NULL, NULL);
        struct gz_err err = GZ_ERR_INIT;

        CHECK_INT(cluster_insert(c2, &f1, 77, 0, NULL), 0);
        CHECK_INT(cluster_insert(c2, &a1, 77, 0, NULL), 0);
        CHECK_INT(cluster_refine(c2, NULL, NULL, &mv, &n, &err), GZ_EINVAL);
        CHECK(mv == NULL);
        CHECK_INT(n, 0);
        CHECK_INT(cluster_story_of(c2, 1), 77); /* nothing changed */
        CHECK_INT(cluster_story_of(c2, 2), 77);
        CHECK_INT(refine(c2, &label), 1);
        CHECK(cluster_story_of(c2, 1) != cluster_story_of(c2, 2));
        /* the older article keeps the label (ties go to the first) */
        CHECK_INT(cluster_story_of(c2, 1), 77);
        cluster_index_free(c2);
    }
    /* short notes on unrelated things, no language known anywhere: their
     * common words ("the", "for") must not make them one story */
    {
        struct cluster_index *c4 = cluster_index_new(NULL, NULL);
        struct cluster_doc s1 =
            mkdoc(21, T0, "A", "Storm warning for the coast", "Rain is coming.");
        struct cluster_doc s2 = mkdoc(22, T0, "B", "Late goal wins the derby", "A match report.");
        struct cluster_doc s3 =
            mkdoc(23, T0, "C", "Trump names Tom Homan border czar", "The czar will oversee it.");

        s1.lang = s2.lang = s3.lang = NULL;
        feed(c4, &s1);
        feed(c4, &s2);
        feed(c4, &s3);
        refine(c4, &label);
        CHECK(cluster_story_of(c4, 21) != cluster_story_of(c4, 22));
        CHECK(cluster_story_of(c4, 21) != cluster_story_of(c4, 23));
        CHECK(cluster_story_of(c4, 22) != cluster_story_of(c4, 23));
        cluster_index_free(c4);
    }
    /* fewer than two articles to refine */
    {
        struct cluster_index *c3 = cluster_index_new(NULL, NULL);

        CHECK_INT(refine(c3, &label), 0);
        CHECK_INT(cluster_insert(c3, &fox, 3, 0, NULL), 0);
        CHECK_INT(cluster_insert(c3, &f1, 3, 0, NULL), 0);
        CHECK_INT(refine(c3, &label), 0); /* fox is fixed: one article left */
        cluster_index_free(c3);
    }
    cluster_index_free(ci);
}

static const struct unit_test tests[] = {
    {"exact_copy", test_exact_copy},
    {"near_copy", test_near_copy},
    {"stories_and_related", test_stories_and_related},
    {"two_phase", test_two_phase},
    {"rebuild_and_determinism", test_rebuild_and_determinism},
    {"merge", test_merge},
    {"bridge", test_bridge},
    {"story_info", test_story_info},
    {"hotness", test_hotness},
    {"headline", test_headline},
    {"expiry", test_expiry},
    {"out_of_order", test_out_of_order},
    {"undated", test_undated},
    {"empty_and_short", test_empty_and_short},
    {"bad_ids", test_bad_ids},
    {"languages", test_languages},
    {"params", test_params},
    {"churn", test_churn},
    {"refine", test_refine},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
