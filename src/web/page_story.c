/*
 * page_story.c - story cards (front and tag pages) and the story page:
 * all coverage of one event with syndicated copies collapsed, a timeline
 * of coverage by source, summary and key points, what each source adds,
 * hashtags and entities.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"
#include "util/url.h"
#include "web/chart.h"
#include "web/html.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Source names shown on a card before "and N more". */
#define CARD_SOURCES 4
/* Hashtags shown on a card. */
#define CARD_TAGS 5
/* Articles shown on a story page. */
#define STORY_ARTICLES 500
/* Items of a JSON list shown (key points, what a source adds). */
#define JSON_ITEMS 30

static const char *const kind_names[] = {"Topic", "Person", "Place", "Organization"};

static void
source_names(struct buf *b, const struct store_story_source *src, size_t n)
{
    for (size_t i = 0; i < n && i < CARD_SOURCES; i++) {
        if (i)
            html_lit(b, i + 1 == n ? " and " : ", ");
        html_text(b, src[i].title);
    }
    if (n > CARD_SOURCES)
        html_litf(b, " and %zu more", n - CARD_SOURCES);
}

static void
sources_label(struct buf *b, int64_t n)
{
    html_litf(b, "%lld source%s", (long long)n, n == 1 ? "" : "s");
}

int
page_story_cards(struct req *r, const struct store_story *stories, size_t n, const int *highlight)
{
    struct buf *b = &r->out;
    struct store_story_source *src = NULL;
    struct store_story_tag *tags = NULL;
    struct store_article *leads = NULL;
    size_t nsrc = 0;
    size_t ntags = 0;
    size_t nleads = 0;
    size_t nids = 0;
    size_t nbare = 0;
    struct gz_err err = GZ_ERR_INIT;
    int64_t *ids;
    int64_t *bare;

    if (!n)
        return 0;
    ids = ARENA_NEWN(r->a, int64_t, n);
    bare = ARENA_NEWN(r->a, int64_t, n);
    for (size_t i = 0; i < n && i < STORE_MAX_BATCH; i++) {
        ids[nids++] = stories[i].id;
        if (!stories[i].summary || !*stories[i].summary || !stories[i].title || !*stories[i].title)
            bare[nbare++] = stories[i].id;
    }
    if (store_story_sources(r->st, ids, nids, r->a, &src, &nsrc, &err) ||
        store_story_tags_of(r->st, ids, nids, r->a, &tags, &ntags, &err) ||
        (nbare && store_story_leads(r->st, bare, nbare, r->a, &leads, &nleads, &err))) {
        log_error("msg=\"cannot read story cards\" err=\"%s\"", err.msg);
        return -1;
    }
    for (size_t i = 0; i < nids; i++) {
        const struct store_story *s = &stories[i];
        const struct store_article *lead = NULL;
        const char *title = s->title;
        const char *snippet = s->summary;
        size_t s0 = 0;
        size_t s1;
        size_t shown = 0;

        for (size_t k = 0; k < nleads; k++)
            if (leads[k].story_id == s->id)
                lead = &leads[k];
        if ((!title || !*title) && lead)
            title = lead->title;
        if ((!snippet || !*snippet) && lead)
            snippet = lead->excerpt;
        while (s0 < nsrc && src[s0].story_id != s->id)
            s0++;
        for (s1 = s0; s1 < nsrc && src[s1].story_id == s->id; s1++)
            ;
        html_litf(b, "<article class=\"card story%s\">\n<h2><a href=\"/story/%lld\">",
                  highlight && highlight[i] ? " highlight" : "", (long long)s->id);
        html_text(b, title && *title ? title : "(untitled story)");
        html_lit(b, "</a></h2>\n<p class=\"meta\"><span class=\"count\">");
        sources_label(b, s->n_sources ? s->n_sources : (int64_t)(s1 - s0));
        html_lit(b, "</span>");
        if (s1 > s0) {
            html_lit(b, " <span class=\"names\">");
            source_names(b, src + s0, s1 - s0);
            html_lit(b, "</span>");
        }
        if (s->last_updated) {
            html_lit(b, " \xc2\xb7 ");
            html_time(b, s->last_updated, r->now);
        }
        if (highlight && highlight[i])
            html_lit(b, " \xc2\xb7 <strong class=\"mark\">Highlighted</strong>");
        html_lit(b, "</p>\n");
        if (snippet && *snippet) {
            html_lit(b, "<p class=\"snippet\">");
            html_text(b, snippet);
            html_lit(b, "</p>\n");
        }
        for (size_t k = 0; k < ntags; k++) {
            if (tags[k].story_id != s->id || shown >= CARD_TAGS || !page_is_hashtag(&tags[k].tag))
                continue;
            if (!shown++)
                html_lit(b, "<ul class=\"tags\" aria-label=\"Hashtags\">\n");
            html_lit(b, "<li>");
            page_hashtag(r, &tags[k].tag);
            html_lit(b, "</li>\n");
        }
        if (shown)
            html_lit(b, "</ul>\n");
        html_lit(b, "</article>\n");
    }
    return 0;
}

/* ---- the story page ---- */

/* "7 Aug 2025 14:03 UTC" */
static void
format_when(int64_t t, char *out, size_t n)
{
    char day[TIME_ISO_MAX];
    int y, mo, d, h, mi, s;

    time_format_day(t, day);
    time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, n, "%s %02d:%02d UTC", day, h, mi);
}

/* Items of a JSON array of strings as <li> elements; returns how many. */
static size_t
json_list(struct buf *b, json_t *arr, const char *cls)
{
    size_t shown = 0;

    for (size_t i = 0; i < json_array_size(arr) && shown < JSON_ITEMS; i++) {
        const char *p = json_string_value(json_array_get(arr, i));

        if (!p || !*p)
            continue;
        if (!shown++) {
            html_lit(b, "<ul class=\"");
            html_lit(b, cls);
            html_lit(b, "\">\n");
        }
        html_lit(b, "<li>");
        html_text(b, p);
        html_lit(b, "</li>\n");
    }
    if (shown)
        html_lit(b, "</ul>\n");
    return shown;
}

static void
section_summary(struct req *r, const struct store_story *s, const struct store_article *lead)
{
    struct buf *b = &r->out;
    json_t *points = s->key_points ? json_loads(s->key_points, 0, NULL) : NULL;

    html_lit(b, "<section class=\"summary\" aria-labelledby=\"h-summary\">\n"
                "<h2 id=\"h-summary\">Summary</h2>\n");
    if (s->summary && *s->summary) {
        html_lit(b, "<p class=\"summary\">");
        html_text(b, s->summary);
        html_lit(b, "</p>\n");
    } else if (lead && lead->excerpt && *lead->excerpt) {
        html_lit(b, "<p class=\"summary lead\">");
        html_text(b, lead->excerpt);
        html_lit(b, "</p>\n<p class=\"empty\">No summary of the whole story yet; this is how ");
        html_text(b, lead->source_title);
        html_lit(b, " opened it.</p>\n");
    } else {
        html_lit(b, "<p class=\"empty\">No summary yet.</p>\n");
    }
    if (json_array_size(points)) {
        html_lit(b, "<h3>Key points</h3>\n");
        json_list(b, points, "points");
    }
    json_decref(points);
    html_lit(b, "</section>\n");
}

static void
section_timeline(struct req *r, const struct store_story_source *src, size_t nsrc,
                 const struct store_article *arts, size_t n)
{
    struct buf *b = &r->out;
    const char **rows = ARENA_NEWN(r->a, const char *, nsrc ? nsrc : 1);
    struct chart_mark *marks = ARENA_NEWN(r->a, struct chart_mark, n ? n : 1);
    size_t before = b->len;

    for (size_t i = 0; i < nsrc; i++)
        rows[i] = src[i].title;
    for (size_t i = 0; i < n; i++) {
        char when[64];

        marks[i].t = arts[i].published;
        marks[i].row = nsrc;
        for (size_t k = 0; k < nsrc; k++)
            if (src[k].source_id == arts[i].source_id)
                marks[i].row = k;
        format_when(arts[i].published, when, sizeof(when));
        marks[i].label =
            arena_printf(r->a, "%s, %s: %s", arts[i].source_title ? arts[i].source_title : "", when,
                         arts[i].title ? arts[i].title : "");
    }
    html_lit(b, "<section class=\"timeline\" aria-labelledby=\"h-timeline\">\n"
                "<h2 id=\"h-timeline\">Coverage over time</h2>\n<figure>\n");
    {
        size_t at = b->len;

        chart_timeline(b, "Articles over time, one row per source", rows, nsrc, marks, n);
        if (b->len == at) {
            buf_setlen(b, before);
            return;
        }
    }
    html_lit(b, "<figcaption>Each dot is an article; sources are in the order they took up the "
                "story");
    if (nsrc > CHART_MAX_ROWS)
        html_litf(b, " (the first %d are drawn)", CHART_MAX_ROWS);
    html_lit(b, ".</figcaption>\n</figure>\n</section>\n");
}

static void
section_diff(struct req *r, const struct store_story *s)
{
    struct buf *b = &r->out;
    json_t *diff = s->source_diff ? json_loads(s->source_diff, 0, NULL) : NULL;
    json_t *shared = json_object_get(diff, "shared");
    json_t *sources = json_object_get(diff, "sources");
    size_t shown = 0;

    if (!json_is_object(diff) || (!json_array_size(shared) && !json_array_size(sources))) {
        json_decref(diff);
        return;
    }
    html_lit(b, "<section class=\"diff\" aria-labelledby=\"h-diff\">\n"
                "<h2 id=\"h-diff\">What each source adds</h2>\n");
    if (json_array_size(shared)) {
        html_lit(b, "<h3>Reported by all</h3>\n");
        json_list(b, shared, "shared");
    }
    for (size_t i = 0; i < json_array_size(sources) && shown < JSON_ITEMS; i++) {
        json_t *one = json_array_get(sources, i);
        const char *name = json_string_value(json_object_get(one, "source"));
        json_t *aid = json_object_get(one, "article_id");
        json_t *adds = json_object_get(one, "adds");

        if (!name || !json_array_size(adds))
            continue;
        shown++;
        html_lit(b, "<h3>");
        if (json_is_integer(aid) && json_integer_value(aid) > 0) {
            html_litf(b, "<a href=\"/article/%lld\">", (long long)json_integer_value(aid));
            html_text(b, name);
            html_lit(b, "</a>");
        } else {
            html_text(b, name);
        }
        html_lit(b, "</h3>\n");
        json_list(b, adds, "adds");
    }
    html_lit(b, "</section>\n");
    json_decref(diff);
}

static void
coverage_item(struct req *r, const struct store_article *a, const struct store_article *arts,
              size_t n)
{
    struct buf *b = &r->out;
    size_t copies = 0;

    html_lit(b, "<li>\n<p class=\"meta\"><a class=\"source\" href=\"/source/");
    html_litf(b, "%lld", (long long)a->source_id);
    html_lit(b, "\">");
    html_text(b, a->source_title);
    html_lit(b, "</a> \xc2\xb7 ");
    html_time(b, a->published, r->now);
    html_litf(b, "</p>\n<h3><a href=\"/article/%lld\">", (long long)a->id);
    html_text(b, a->title && *a->title ? a->title : "(untitled)");
    html_lit(b, "</a></h3>\n");
    if (a->excerpt && *a->excerpt) {
        html_lit(b, "<p class=\"snippet\">");
        html_text(b, a->excerpt);
        html_lit(b, "</p>\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (arts[i].dup_of != a->id || arts[i].id == a->id)
            continue;
        html_lit(b, copies++ ? ", " : "<p class=\"copies\">Also in: ");
        html_litf(b, "<a href=\"/article/%lld\">", (long long)arts[i].id);
        html_text(b, arts[i].source_title);
        html_lit(b, "</a>");
    }
    if (copies)
        html_lit(b, "</p>\n");
    html_lit(b, "</li>\n");
}

static void
section_coverage(struct req *r, const struct store_article *arts, size_t n)
{
    struct buf *b = &r->out;

    html_lit(b, "<section class=\"coverage\" aria-labelledby=\"h-coverage\">\n"
                "<h2 id=\"h-coverage\">All coverage</h2>\n");
    if (n == STORY_ARTICLES)
        html_litf(b, "<p class=\"meta\">The first %d articles, oldest first.</p>\n",
                  STORY_ARTICLES);
    html_lit(b, "<ol class=\"coverage-list\">\n");
    for (size_t i = 0; i < n; i++) {
        int collapsed = 0;

        /* a syndicated copy whose original is here is listed under it */
        if (arts[i].dup_of)
            for (size_t k = 0; k < n && !collapsed; k++)
                collapsed = arts[k].id == arts[i].dup_of && k != i;
        if (!collapsed)
            coverage_item(r, &arts[i], arts, n);
    }
    html_lit(b, "</ol>\n</section>\n");
}

static void
section_tags(struct req *r, const struct store_tag *tags, size_t n)
{
    struct buf *b = &r->out;
    size_t entities = 0;

    html_lit(b, "<section class=\"hashtags\" aria-labelledby=\"h-tags\">\n"
                "<h2 id=\"h-tags\">Hashtags</h2>\n");
    page_hashtag_list(r, tags, n);
    for (size_t i = 0; i < n; i++) {
        if (tags[i].kind <= TAG_TOPIC || tags[i].kind > TAG_ORG)
            continue;
        if (!entities++)
            html_lit(b, "<h3>People, places and organizations</h3>\n<ul class=\"entities\">\n");
        html_lit(b, "<li><a href=\"/tag/");
        html_url(b, tags[i].slug);
        html_lit(b, "\">");
        html_text(b, tags[i].name);
        html_lit(b, "</a> <span class=\"kind\">");
        html_lit(b, kind_names[tags[i].kind]);
        html_lit(b, "</span></li>\n");
    }
    if (entities)
        html_lit(b, "</ul>\n");
    html_lit(b, "</section>\n");
}

int
page_story(struct req *r, const char *arg)
{
    struct store_story s;
    struct store_article *arts = NULL;
    struct store_story_source *src = NULL;
    struct store_tag *tags = NULL;
    const struct store_article *lead = NULL;
    size_t n = 0;
    size_t nsrc = 0;
    size_t ntags = 0;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    int64_t id = page_id(arg);
    int rc;

    if (!id)
        return web_error(r, 404, "There is no such story.");
    rc = store_story_get(r->st, id, r->a, &s, &err);
    /* a merged story sends readers on to the one it joined (following a chain) */
    for (int hops = 0; !rc && s.merged_into && hops < 8; hops++) {
        id = s.merged_into;
        rc = store_story_get(r->st, id, r->a, &s, &err);
    }
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such story.");
    if (rc) {
        log_error("msg=\"cannot read story\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    if (id != page_id(arg))
        return web_redirect(r, 301, arena_printf(r->a, "/story/%lld", (long long)id));

    if (store_story_articles(r->st, id, STORY_ARTICLES, r->a, &arts, &n, &err) ||
        store_story_sources(r->st, &id, 1, r->a, &src, &nsrc, &err) ||
        store_story_tags(r->st, id, r->a, &tags, &ntags, &err)) {
        log_error("msg=\"cannot read story\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    for (size_t i = 0; i < n && !lead; i++)
        if (!arts[i].dup_of)
            lead = &arts[i];
    if (!lead && n)
        lead = &arts[0];

    m.title = s.title && *s.title ? s.title : (lead ? lead->title : "Story");
    m.description = s.summary && *s.summary ? s.summary : (lead ? lead->excerpt : NULL);
    m.og_type = "article";
    m.image = lead ? lead->image : NULL;
    web_page_begin(r, &m);
    html_lit(b, "<article class=\"story-page\">\n<header>\n<h1>");
    html_text(b, m.title);
    html_lit(b, "</h1>\n<p class=\"meta\">");
    {
        /* a story larger than the page shows counts all of its articles */
        int64_t total = s.n_articles > (int64_t)n ? s.n_articles : (int64_t)n;

        html_litf(b, "%lld article%s from ", (long long)total, total == 1 ? "" : "s");
    }
    sources_label(b, (int64_t)nsrc);
    if (n) {
        html_lit(b, " \xc2\xb7 first reported ");
        html_time(b, arts[0].published, r->now);
        if (arts[n - 1].published != arts[0].published) {
            html_lit(b, " \xc2\xb7 latest ");
            html_time(b, arts[n - 1].published, r->now);
        }
    }
    html_lit(b, "</p>\n</header>\n");
    section_summary(r, &s, lead);
    section_timeline(r, src, nsrc, arts, n);
    section_diff(r, &s);
    section_coverage(r, arts, n);
    section_tags(r, tags, ntags);
    html_lit(b, "</article>\n");
    web_page_end(r);
    return 0;
}
