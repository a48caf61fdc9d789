/*
 * ingest_test.c - the pipeline with more than one writer on a database:
 * a story merged by another process while this one's index still holds
 * it, and articles another process stored, seen before the next batch;
 * and the snippet and summary of a text whose pictures left captions.
 * On SQLite, then on PostgreSQL when GZ_TEST_PG names a server.
 */
#include "store_backends.h"

#include "ingest/ingest.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>

/* Words of two unrelated events: articles of one are alike, and unlike the other's. */
static const char *const event_words[2][12] = {
    {"karovim", "telsuna", "dabrozi", "mirkol", "vensata", "lopridu", "sakkeno", "purvanti",
     "gelmora", "tuskiva", "brenolo", "fadimex"},
    {"quorvel", "zintapo", "haldruni", "mossefa", "pirkodan", "wexlume", "ombrisa", "talvecco",
     "jurnixo", "selpadi", "crovimba", "nudrelka"},
};

/* One article of event ev: its words in an order of its own, k its number. */
static void
item(struct ingest_item *it, struct arena *a, int ev, int k, int64_t published)
{
    struct buf text = BUF_INIT;
    struct buf title = BUF_INIT;

    memset(it, 0, sizeof(*it));
    for (int s = 0; s < 4; s++) {
        for (int w = 0; w < 12; w++)
            buf_addf(&text, "%s%s", w ? " " : "", event_words[ev][(w * (k + 2) + s) % 12]);
        buf_adds(&text, ".\n\n");
    }
    for (int w = 0; w < 5; w++)
        buf_addf(&title, "%s%s", w ? " " : "", event_words[ev][(w + k) % 12]);
    it->guid = arena_printf(a, "ev%d-%d", ev, k);
    it->url = arena_printf(a, "https://news.example/ev%d/%d", ev, k);
    it->title = arena_strdup(a, title.p);
    it->text = arena_strdup(a, text.p);
    it->lang = "en";
    it->published = published;
    buf_release(&text);
    buf_release(&title);
}

static int64_t
story_of(struct store *st, struct arena *a, const char *guid_url)
{
    struct store_article art;
    int64_t id = 0;

    CHECK_INT(store_article_find(st, 0, NULL, guid_url, &id, NULL), 0);
    if (!id)
        return 0;
    CHECK_INT(store_article_get(st, id, a, &art, NULL), 0);
    return art.story_id;
}

static void
test_merge_by_another_writer(void)
{
    struct store *st = backend_fresh("gz_ingest_test");
    struct store *other = NULL;
    struct ingest *ig = NULL;
    struct arena *a = arena_new();
    struct ingest_item items[4];
    struct ingest_stats stats = {0};
    struct store_source src = {0};
    struct store_story s;
    struct gz_err err = GZ_ERR_INIT;
    int64_t sid = 0;
    int64_t t = time_now() - 3600;
    int64_t story_a;
    int64_t story_b;

    CHECK_INT(store_open(&other, backend_dsn, 0, &err), 0);
    src.url = "https://news.example/feed";
    src.title = "News";
    CHECK_INT(store_source_add(st, &src, &sid, NULL), 0);
    CHECK_INT(ingest_new(&ig, st, &err), 0);
    item(&items[0], a, 0, 0, t);
    item(&items[1], a, 0, 1, t + 60);
    item(&items[2], a, 1, 0, t + 120);
    item(&items[3], a, 1, 1, t + 180);
    CHECK_INT(ingest_batch(ig, sid, items, 4, &stats, &err), 0);
    CHECK_INT(stats.added, 4);
    story_a = story_of(st, a, "https://news.example/ev0/0");
    story_b = story_of(st, a, "https://news.example/ev1/0");
    CHECK(story_a && story_b && story_a != story_b);
    CHECK_INT(story_of(st, a, "https://news.example/ev0/1"), story_a);

    /* another process merges the first story into the second */
    CHECK_INT(store_story_merge(other, story_a, story_b, NULL), 0);

    /* this index still has story_a: a new article of event 0 must join the story shown */
    item(&items[0], a, 0, 2, t + 240);
    CHECK_INT(ingest_batch(ig, sid, items, 1, &stats, &err), 0);
    CHECK_INT(story_of(st, a, "https://news.example/ev0/2"), story_b);
    CHECK_INT(store_story_get(st, story_b, a, &s, NULL), 0);
    CHECK_INT(s.n_articles, 5);
    CHECK_INT(store_story_get(st, story_a, a, &s, NULL), 0);
    CHECK_INT(s.merged_into, story_b);
    CHECK_INT(s.n_articles, 0);

    /* articles another process stored join this index before the next batch */
    {
        struct ingest *ig2 = NULL;

        CHECK_INT(ingest_new(&ig2, other, &err), 0);
        item(&items[0], a, 1, 2, t + 300);
        CHECK_INT(ingest_batch(ig2, sid, items, 1, &stats, &err), 0);
        ingest_free(ig2);
    }
    item(&items[0], a, 1, 3, t + 360);
    CHECK_INT(ingest_batch(ig, sid, items, 1, &stats, &err), 0);
    CHECK_INT(story_of(st, a, "https://news.example/ev1/3"), story_b);
    CHECK_INT(store_story_get(st, story_b, a, &s, NULL), 0);
    CHECK_INT(s.n_articles, 7);
    ingest_free(ig);
    store_close(other);
    arena_free(a);
    backend_done(st);
}

/* A plain-text body that keeps its pictures' captions: snippet and summary leave them out. */
static void
test_captions_left_out(void)
{
    struct store *st = backend_fresh("gz_ingest_test");
    struct ingest *ig = NULL;
    struct arena *a = arena_new();
    struct ingest_item it = {0};
    struct ingest_stats stats = {0};
    struct store_source src = {0};
    struct store_article art;
    struct gz_err err = GZ_ERR_INIT;
    int64_t sid = 0, id = 0;

    src.url = "https://news.example/captions";
    src.title = "News";
    CHECK_INT(store_source_add(st, &src, &sid, NULL), 0);
    CHECK_INT(ingest_new(&ig, st, &err), 0);
    it.guid = "caption-1";
    it.url = "https://news.example/caption-1";
    it.title = "Harbour council approves the flood wall";
    it.text = "The mayor and the harbour master on the quay in May. Image: City Archive.\n\n"
              "The harbour council approved the flood wall on Monday after a long debate "
              "about its cost.\n\n"
              "Waves over the old flood wall in March (AP Photo/Jane Doe)\n\n"
              "The flood wall will protect the harbour homes from storm surges, the council "
              "said, and building starts next spring.";
    it.lang = "en";
    it.published = time_now() - 600;
    CHECK_INT(ingest_batch(ig, sid, &it, 1, &stats, &err), 0);
    CHECK_INT(stats.added, 1);
    CHECK_INT(store_article_find(st, 0, NULL, it.url, &id, NULL), 0);
    CHECK_INT(store_article_get(st, id, a, &art, NULL), 0);
    CHECK(art.excerpt && !strncmp(art.excerpt, "The harbour council approved", 28));
    CHECK_NOT_CONTAINS(art.excerpt, "Image:");
    CHECK_NOT_CONTAINS(art.excerpt, "AP Photo");
    CHECK_CONTAINS(art.excerpt, "storm surges");
    CHECK(art.summary && *art.summary);
    if (art.summary) {
        CHECK_NOT_CONTAINS(art.summary, "harbour master");
        CHECK_NOT_CONTAINS(art.summary, "Image:");
        CHECK_NOT_CONTAINS(art.summary, "Waves over");
    }
    /* the text itself keeps them */
    CHECK_CONTAINS(art.text, "Image: City Archive.");
    ingest_free(ig);
    arena_free(a);
    backend_done(st);
}

static const struct unit_test tests[] = {
    {"merge_by_another_writer", test_merge_by_another_writer},
    {"captions_left_out", test_captions_left_out},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return backend_main(argc, argv, tests);
}
