/*
 * store_web_test.c - the store's web-pages section and source claims:
 * story cards (sources, tags, leads), the index-walking listings, labels,
 * the fetch log, comment pages, the data version seen from a second
 * connection, and claims of due sources by several connections.  On
 * SQLite, then on PostgreSQL when GZ_TEST_PG names a server.
 */
#include "store_backends.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdio.h>
#include <unistd.h>

#define DB_NAME "gz_web_test"

static int64_t
add_source(struct store *st, const char *url, const char *title)
{
    struct store_source s = {0};
    int64_t id = 0;

    s.url = url;
    s.title = title;
    CHECK_INT(store_source_add(st, &s, &id, NULL), 0);
    return id;
}

static int64_t
add_article(struct store *st, int64_t sid, const char *guid, const char *title, int64_t published,
            int64_t story, int64_t dup_of)
{
    struct store_article a = {0};

    a.source_id = sid;
    a.guid = guid;
    a.title = title;
    a.text = "Some text.";
    a.published = published;
    a.story_id = story;
    a.dup_of = dup_of;
    CHECK_INT(store_article_add(st, &a, NULL), 0);
    return a.id;
}

static int64_t
add_story(struct store *st, const char *title, double hotness)
{
    struct store_story s = {0};

    s.title = title;
    s.hotness = hotness;
    CHECK_INT(store_story_add(st, &s, NULL), 0);
    return s.id;
}

static void
test_story_cards(void)
{
    struct store *st = backend_fresh(DB_NAME);
    struct arena *a = arena_new();
    struct store_story_source *ss;
    struct store_story_tag *tg;
    struct store_article *arts;
    struct store_story *stories;
    size_t n;
    int64_t one = add_source(st, "https://one.example/feed", "One");
    int64_t two = add_source(st, "https://two.example/feed", "Two");
    int64_t s1 = add_story(st, "First story", 2.0);
    int64_t s2 = add_story(st, "Second story", 5.0);
    int64_t a1 = add_article(st, two, "a1", "Two covers it first", 100, s1, 0);
    int64_t a2 = add_article(st, one, "a2", "One follows", 200, s1, 0);
    int64_t a3 = add_article(st, one, "a3", "One's copy", 150, s1, a1);
    int64_t a4 = add_article(st, one, "a4", "Other story", 300, s2, 0);
    int64_t ids[3] = {s1, s2, 999999};
    int64_t tags[2];
    double scores[2] = {0.9, 0.4};
    int64_t too_many[STORE_MAX_BATCH + 1] = {0};

    CHECK_INT(store_story_sources(st, ids, 3, a, &ss, &n, NULL), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        /* by story, then by when each source first covered it */
        CHECK_INT(ss[0].story_id, s1);
        CHECK_INT(ss[0].source_id, two);
        CHECK_STR(ss[0].title, "Two");
        CHECK_INT(ss[0].n_articles, 1);
        CHECK_INT(ss[0].first, 100);
        CHECK_INT(ss[1].source_id, one);
        CHECK_INT(ss[1].n_articles, 2);
        CHECK_INT(ss[1].first, 150);
        CHECK_INT(ss[2].story_id, s2);
    }
    CHECK_INT(store_story_sources(st, too_many, STORE_MAX_BATCH + 1, a, &ss, &n, NULL), GZ_EINVAL);

    CHECK_INT(store_tag_upsert(st, "karabakh", "Karabakh", TAG_PLACE, &tags[0], NULL), 0);
    CHECK_INT(store_tag_upsert(st, "talks", "Talks", TAG_TOPIC, &tags[1], NULL), 0);
    CHECK_INT(store_story_tags_set(st, s1, tags, scores, 2, NULL), 0);
    CHECK_INT(store_story_tags_set(st, s2, &tags[1], scores, 1, NULL), 0);
    CHECK_INT(store_story_tags_of(st, ids, 2, a, &tg, &n, NULL), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(tg[0].story_id, s1);
        CHECK_STR(tg[0].tag.slug, "karabakh");
        CHECK_STR(tg[1].tag.slug, "talks");
        CHECK_INT(tg[2].story_id, s2);
    }

    /* the lead: the earliest article that is not a copy */
    CHECK_INT(store_story_leads(st, ids, 2, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 2);
    for (size_t i = 0; i < n; i++)
        CHECK(arts[i].story_id == s1 ? arts[i].id == a1 : arts[i].id == a4);

    CHECK_INT(store_story_articles(st, s1, 10, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(arts[0].id, a1);
        CHECK_INT(arts[1].id, a3);
        CHECK_INT(arts[1].dup_of, a1);
        CHECK_INT(arts[2].id, a2);
    }
    CHECK_INT(store_story_articles(st, s1, 0, a, &arts, &n, NULL), GZ_EINVAL);

    /* hottest first */
    CHECK_INT(store_story_by_tag(st, tags[1], 0, 10, a, &stories, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(stories[0].id, s2);
        CHECK_INT(stories[1].id, s1);
    }
    CHECK_INT(store_story_by_tag(st, tags[1], 1, 10, a, &stories, &n, NULL), 0);
    CHECK_INT(n, 1);

    CHECK_INT(store_article_tags_set(st, a2, tags, scores, 2, NULL), 0);
    CHECK_INT(store_article_tags_set(st, a4, tags, scores, 1, NULL), 0);
    CHECK_INT(store_tag_articles(st, tags[0], 0, 10, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(arts[0].id, a4); /* newest first */
        CHECK_INT(arts[1].id, a2);
        CHECK_STR(arts[1].source_title, "One");
    }
    CHECK_INT(store_tag_articles(st, tags[0], 1, 10, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 1);

    CHECK_INT(store_source_articles(st, one, 0, 10, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 3);
    CHECK_INT(store_source_articles(st, one, 300, 10, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2)
        CHECK_INT(arts[0].id, a2);
    arena_free(a);
    backend_done(st);
}

static void
test_labels_log_comments(void)
{
    struct store *st = backend_fresh(DB_NAME);
    struct arena *a = arena_new();
    struct store_fetch f = {0};
    struct store_fetch *log;
    struct store_comment c = {0};
    struct store_comment *page;
    struct store_user u = {0};
    size_t n;
    int64_t id = 0;
    int64_t again = 0;
    int created = -1;
    int64_t src = add_source(st, "https://one.example/feed", "One");
    int64_t art = add_article(st, src, "g", "An article", 100, 0, 0);

    CHECK_INT(store_story_for_label(st, "event-7", &id, &created, NULL), 0);
    CHECK_INT(created, 1);
    CHECK_INT(store_story_for_label(st, "event-7", &again, &created, NULL), 0);
    CHECK_INT(created, 0);
    CHECK_INT(again, id);
    CHECK_INT(store_story_for_label(st, "", &again, &created, NULL), GZ_EINVAL);

    for (int i = 0; i < 3; i++) {
        f.source_id = src;
        f.at = 1000 + i;
        f.http_status = i == 1 ? 500 : 200;
        f.error = i == 1 ? "HTTP 500" : NULL;
        f.new_articles = i;
        f.next_fetch = 5000;
        CHECK_INT(store_source_fetched(st, &f, NULL), 0);
    }
    CHECK_INT(store_fetch_log(st, src, 2, a, &log, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(log[0].at, 1002);
        CHECK_INT(log[1].http_status, 500);
        CHECK_STR(log[1].error, "HTTP 500");
    }

    u.name = "alice";
    u.pass_hash = "x";
    CHECK_INT(store_user_add(st, &u, NULL), 0);
    for (int i = 0; i < 4; i++) {
        memset(&c, 0, sizeof(c));
        c.article_id = art;
        c.user_id = u.id;
        c.body = i == 2 ? "hidden" : "visible";
        c.created = 10 + i;
        c.status = i == 2 ? COMMENT_HIDDEN : COMMENT_VISIBLE;
        CHECK_INT(store_comment_add(st, &c, NULL), 0);
    }
    CHECK_INT(store_comment_page(st, art, 0, 10, a, &page, &n, NULL), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(page[0].user_name, "alice");
        CHECK_INT(page[2].created, 13);
    }
    CHECK_INT(store_comment_page(st, art, 2, 10, a, &page, &n, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_INT(store_comment_page(st, art, 0, 501, a, &page, &n, NULL), GZ_EINVAL);
    arena_free(a);
    backend_done(st);
}

/* The data version moves with a commit by any connection, and only then. */
static void
test_data_version(void)
{
    struct store *st = backend_fresh(DB_NAME);
    struct store *other = NULL;
    struct gz_err err = GZ_ERR_INIT;
    uint64_t v1 = 0;
    uint64_t v2 = 0;
    uint64_t v3 = 0;
    int64_t src;

    CHECK_INT(store_open(&other, backend_dsn, 0, &err), 0);
    CHECK_INT(store_data_version(st, &v1, NULL), 0);
    CHECK_INT(store_data_version(st, &v2, NULL), 0);
    CHECK(v1 == v2);
    /* a commit on another connection */
    src = add_source(other, "https://one.example/feed", "One");
    CHECK_INT(store_data_version(st, &v2, NULL), 0);
    CHECK(v2 != v1);
    /* an open transaction of another connection shows nothing yet */
    CHECK_INT(store_begin(other, NULL), 0);
    add_article(other, src, "g", "Title", 100, 0, 0);
    CHECK_INT(store_data_version(st, &v3, NULL), 0);
    CHECK(v3 == v2);
    CHECK_INT(store_commit(other, NULL), 0);
    CHECK_INT(store_data_version(st, &v3, NULL), 0);
    CHECK(v3 != v2);
    /* a write through this connection */
    add_article(st, src, "h", "Title two", 200, 0, 0);
    CHECK_INT(store_data_version(st, &v1, NULL), 0);
    CHECK(v1 != v3);
    store_close(other);
    backend_done(st);
}

static void
test_claims(void)
{
    struct store *st = backend_fresh(DB_NAME);
    struct store *other = NULL;
    struct arena *a = arena_new();
    struct gz_err err = GZ_ERR_INIT;
    struct store_source *got;
    struct store_source *got2;
    struct store_fetch f = {0};
    size_t n = 0;
    size_t n2 = 0;
    int64_t now = 10000;
    int64_t ids[4];

    CHECK_INT(store_open(&other, backend_dsn, 0, &err), 0);
    ids[0] = add_source(st, "https://a.example/feed", "A");
    ids[1] = add_source(st, "https://b.example/feed", "B");
    ids[2] = add_source(st, "https://c.example/feed", "C");
    ids[3] = add_source(st, "https://d.example/feed", "D");
    add_source(st, "file:/tmp/imported.xml", "Imported"); /* never fetched */

    CHECK_INT(store_source_claim(st, "w1", now, now + 60, 2, a, &got, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(store_source_claim(other, "w2", now, now + 60, 10, a, &got2, &n2, NULL), 0);
    CHECK_INT(n2, 2);
    if (n == 2 && n2 == 2) {
        CHECK(got[0].id != got2[0].id && got[0].id != got2[1].id);
        CHECK(got[1].id != got2[0].id && got[1].id != got2[1].id);
        CHECK(strncmp(got2[0].url, "https://", 8) == 0);
    }
    CHECK_INT(store_source_claim(st, "w3", now + 30, now + 90, 10, a, &got, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(store_source_claim(st, "", now, now + 60, 10, a, &got, &n, NULL), GZ_EINVAL);

    /* a recorded fetch ends the claim; the source is due again only at next_fetch */
    f.source_id = ids[0];
    f.at = now;
    f.next_fetch = now + 1000;
    CHECK_INT(store_source_fetched(st, &f, NULL), 0);
    /* expired leases are taken over: w1 and w2 died */
    CHECK_INT(store_source_claim(st, "w3", now + 61, now + 120, 10, a, &got, &n, NULL), 0);
    CHECK_INT(n, 3);
    /* a clean stop gives its claims back */
    CHECK_INT(store_source_release(st, "w3", NULL), 0);
    CHECK_INT(store_source_claim(other, "w4", now + 62, now + 120, 10, a, &got, &n, NULL), 0);
    CHECK_INT(n, 3);

    if (backend_on_pg) {
        /*
         * Claims in flight at once: the rows one transaction holds are
         * skipped by the other, not waited for (SKIP LOCKED).
         */
        CHECK_INT(store_source_release(st, "w4", NULL), 0);
        CHECK_INT(store_begin(st, NULL), 0);
        CHECK_INT(store_source_claim(st, "w5", now + 63, now + 120, 2, a, &got, &n, NULL), 0);
        CHECK_INT(n, 2);
        CHECK_INT(store_source_claim(other, "w6", now + 63, now + 120, 10, a, &got2, &n2, NULL), 0);
        CHECK_INT(n2, 1);
        if (n == 2 && n2 == 1)
            CHECK(got2[0].id != got[0].id && got2[0].id != got[1].id);
        CHECK_INT(store_commit(st, NULL), 0);
    }
    arena_free(a);
    store_close(other);
    backend_done(st);
}

/* Many tags in one call: repeats get one row, the first nonzero kind wins, names may quote. */
static void
test_tag_upsert_many(void)
{
    struct store *st = backend_fresh(DB_NAME);
    struct arena *a = arena_new();
    struct store_tag tag;
    const char *slugs[] = {"peace", "say-hi", "peace", "new-one"};
    const char *names[] = {"Peace", "Say hello", "Peace", "New, \"one\" \\ {x,y}"};
    int kinds[] = {TAG_TOPIC, TAG_PERSON, TAG_PLACE, TAG_ORG};
    int64_t ids[4] = {0};
    int64_t old = 0;

    CHECK_INT(store_tag_upsert(st, "say-hi", "Say hi", TAG_TOPIC, &old, NULL), 0);
    CHECK_INT(store_tag_upsert_many(st, slugs, names, kinds, 4, ids, NULL), 0);
    CHECK(ids[0] > 0 && ids[0] == ids[2]);
    CHECK_INT(ids[1], old);
    CHECK(ids[3] > 0 && ids[3] != ids[0] && ids[3] != ids[1]);
    CHECK_INT(store_tag_by_slug(st, "peace", a, &tag, NULL), 0);
    CHECK_INT(tag.kind, TAG_PLACE);
    CHECK_INT(store_tag_by_slug(st, "say-hi", a, &tag, NULL), 0);
    CHECK_INT(tag.kind, TAG_PERSON); /* a topic takes the first real kind it is given */
    CHECK_STR(tag.name, "Say hi");   /* the name stays */
    CHECK_INT(store_tag_by_slug(st, "new-one", a, &tag, NULL), 0);
    CHECK_STR(tag.name, "New, \"one\" \\ {x,y}");
    CHECK_INT(store_tag_upsert_many(st, slugs, names, kinds, 0, ids, NULL), 0);
    arena_free(a);
    backend_done(st);
}

static const struct unit_test tests[] = {
    {"tag_upsert_many", test_tag_upsert_many},
    {"story_cards", test_story_cards},
    {"labels_log_comments", test_labels_log_comments},
    {"data_version", test_data_version},
    {"claims", test_claims},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return backend_main(argc, argv, tests);
}
