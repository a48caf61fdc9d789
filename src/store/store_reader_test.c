/*
 * store_reader_test.c - the store's reader section: prefs, follows and
 * categories, read marks (explicit, "read before" marks, story and
 * duplicate rules), stars, listings, API keys and tokens, two-factor rows.
 *
 * Runs against SQLite, then against PostgreSQL when GZ_TEST_PG names a
 * server (store_backends.h).
 */
#include "store_backends.h"

#include "store/db.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdio.h>
#include <unistd.h>

static int64_t
add_user(struct store *st, const char *name)
{
    struct store_user u = {0};

    u.name = name;
    u.pass_hash = "$argon2id$not-a-real-hash";
    u.created = 1000;
    CHECK_INT(store_user_add(st, &u, NULL), 0);
    return u.id;
}

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
add_article(struct store *st, int64_t source, const char *guid, const char *title, int64_t fetched)
{
    struct store_article a = {0};

    a.source_id = source;
    a.guid = guid;
    a.title = title;
    a.excerpt = "an excerpt";
    a.text = "text";
    a.published = fetched;
    a.fetched = fetched;
    CHECK_INT(store_article_add(st, &a, NULL), 0);
    return a.id;
}

/* The ids of a listing, newest first, as "3,2,1". */
static const char *
list_ids(struct store *st, struct arena *a, const struct store_reader_query *q)
{
    struct store_reader_item *it = NULL;
    size_t n = 0;
    char *out = arena_zalloc(a, 512);
    size_t len = 0;

    CHECK_INT(store_reader_list(st, q, a, &it, &n, NULL, NULL), 0);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, 512 - len, "%s%lld", i ? "," : "", (long long)it[i].id);
    return out;
}

static void
query_init(struct store_reader_query *q, int64_t user, int state)
{
    memset(q, 0, sizeof(*q));
    q->user_id = user;
    q->state = state;
    q->limit = 100;
}

static void
test_prefs(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_prefs p;
    struct store_reader_digest_user *du = NULL;
    int64_t alice = add_user(st, "alice");
    int64_t bob = add_user(st, "bob");
    int64_t v = 0;
    size_t n = 9;

    CHECK_INT(store_reader_prefs_get(st, alice, a, &p, NULL), 0);
    CHECK_INT(p.user_id, alice);
    CHECK_STR(p.rules, "");
    CHECK_INT(p.rules_version, 0);
    CHECK(p.api_hash == NULL);
    CHECK_INT(store_reader_set_rules(st, alice, "-tag:sports", &v, NULL), 0);
    CHECK_INT(v, 1);
    CHECK_INT(store_reader_set_rules(st, alice, "\"border czar\"", &v, NULL), 0);
    CHECK_INT(v, 2);
    CHECK_INT(store_reader_prefs_get(st, alice, a, &p, NULL), 0);
    CHECK_STR(p.rules, "\"border czar\"");
    CHECK_INT(p.rules_version, 2);

    CHECK_INT(store_reader_digest_users(st, a, &du, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(store_reader_set_digest(st, alice, READER_DIGEST_DAILY, "a@example.org", NULL), 0);
    CHECK_INT(store_reader_set_digest(st, bob, READER_DIGEST_WEEKLY, NULL, NULL), 0);
    CHECK_INT(store_reader_digest_users(st, a, &du, &n, NULL), 0);
    CHECK_INT(n, 1); /* bob has no address */
    if (n == 1) {
        CHECK_STR(du[0].name, "alice");
        CHECK_STR(du[0].prefs.email, "a@example.org");
        CHECK_INT(du[0].prefs.digest, READER_DIGEST_DAILY);
    }
    CHECK_INT(store_reader_digest_sent(st, alice, 5000, NULL), 0);
    CHECK_INT(store_reader_prefs_get(st, alice, a, &p, NULL), 0);
    CHECK_INT(p.digest_sent, 5000);
    arena_free(a);
    backend_done(st);
}

static void
test_api_and_totp(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_challenge c = {0};
    struct gz_err err = GZ_ERR_INIT;
    int64_t alice = add_user(st, "alice");
    int64_t bob = add_user(st, "bob");
    int64_t uid = 0;
    int64_t left = 0;
    const char *keys[] = {"0123456789abcdef0123456789abcdef", "ffffffffffffffffffffffffffffffff"};
    const char *codes[] = {"h1", "h2", "h3"};

    CHECK_INT(store_reader_fever_user(st, keys[0], &uid, &err), GZ_ENOTFOUND);
    CHECK_INT(store_reader_set_api_password(st, alice, "$argon2id$x", keys, 2, NULL), 0);
    CHECK_INT(store_reader_fever_user(st, keys[0], &uid, NULL), 0);
    CHECK_INT(uid, alice);
    CHECK_INT(store_reader_fever_user(st, keys[1], &uid, NULL), 0);
    CHECK_INT(store_reader_token_add(st, "tokhash", alice, 10, NULL), 0);
    CHECK_INT(store_reader_token_user(st, "tokhash", &uid, NULL), 0);
    CHECK_INT(uid, alice);
    /* a new API password ends the tokens and replaces the keys */
    CHECK_INT(store_reader_set_api_password(st, alice, "$argon2id$y", keys + 1, 1, NULL), 0);
    CHECK_INT(store_reader_token_user(st, "tokhash", &uid, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_reader_fever_user(st, keys[0], &uid, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_reader_fever_user(st, keys[1], &uid, NULL), 0);
    /* no API password: no access */
    CHECK_INT(store_reader_set_api_password(st, alice, NULL, NULL, 0, NULL), 0);
    CHECK_INT(store_reader_fever_user(st, keys[1], &uid, NULL), GZ_ENOTFOUND);

    CHECK_INT(store_reader_set_totp(st, bob, "JBSWY3DPEHPK3PXP", codes, 3, NULL), 0);
    CHECK_INT(store_reader_recovery_left(st, bob, &left, NULL), 0);
    CHECK_INT(left, 3);
    CHECK_INT(store_reader_recovery_use(st, bob, "h2", NULL), 0);
    CHECK_INT(store_reader_recovery_use(st, bob, "h2", NULL), GZ_ENOTFOUND);
    CHECK_INT(store_reader_recovery_use(st, alice, "h1", NULL), GZ_ENOTFOUND);
    CHECK_INT(store_reader_recovery_left(st, bob, &left, NULL), 0);
    CHECK_INT(left, 2);
    CHECK_INT(store_reader_totp_step(st, bob, 100, NULL), 0);
    CHECK_INT(store_reader_totp_step(st, bob, 100, NULL), GZ_EEXIST);
    CHECK_INT(store_reader_totp_step(st, bob, 99, NULL), GZ_EEXIST);
    CHECK_INT(store_reader_totp_step(st, bob, 101, NULL), 0);
    CHECK_INT(store_reader_set_totp(st, bob, NULL, NULL, 0, NULL), 0);
    CHECK_INT(store_reader_recovery_left(st, bob, &left, NULL), 0);
    CHECK_INT(left, 0);

    c.id_hash = "chal";
    c.user_id = bob;
    c.next = "/unread";
    c.expires = 2000;
    CHECK_INT(store_reader_challenge_add(st, &c, 1000, NULL), 0);
    memset(&c, 0, sizeof(c));
    CHECK_INT(store_reader_challenge_get(st, "chal", 1500, a, &c, NULL), 0);
    CHECK_STR(c.next, "/unread");
    CHECK_INT(c.user_id, bob);
    CHECK_INT(store_reader_challenge_get(st, "chal", 2000, a, &c, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_reader_challenge_delete(st, "chal", NULL), 0);
    CHECK_INT(store_reader_challenge_get(st, "chal", 1500, a, &c, NULL), GZ_ENOTFOUND);
    arena_free(a);
    backend_done(st);
}

static void
test_follows(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_sub *subs = NULL;
    struct store_reader_category *cats = NULL;
    struct store_reader_query q;
    struct gz_err err = GZ_ERR_INIT;
    int64_t alice = add_user(st, "alice");
    int64_t bob = add_user(st, "bob");
    int64_t s1 = add_source(st, "https://a.example/feed", "Alpha News");
    int64_t s2 = add_source(st, "https://b.example/feed", "Beta Times");
    int64_t cat = 0;
    int64_t cat2 = 0;
    size_t n = 0;

    add_article(st, s1, "a1", "one", 100);
    add_article(st, s2, "b1", "two", 200);
    add_article(st, s1, "a2", "three", 300);

    CHECK_INT(store_reader_subs(st, alice, a, &subs, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(subs[0].follow, 1);
    CHECK_STR(subs[0].title, "Alpha News");
    query_init(&q, alice, READER_ANY);
    CHECK_STR(list_ids(st, a, &q), "3,2,1");

    CHECK_INT(store_reader_follow(st, alice, s1, 0, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "2");
    q.user_id = bob; /* bob still follows everything */
    CHECK_STR(list_ids(st, a, &q), "3,2,1");
    q.user_id = alice;
    q.source_id = s1; /* a source asked for by name is listed even when not followed */
    CHECK_STR(list_ids(st, a, &q), "3,1");
    q.source_id = 0;
    CHECK_INT(store_reader_follow(st, alice, 9999, 1, &err), GZ_ENOTFOUND);
    CHECK_INT(store_reader_follow(st, alice, s1, 1, NULL), 0);

    CHECK_INT(store_reader_set_category(st, alice, s2, "World", &cat, NULL), 0);
    CHECK(cat > 0);
    CHECK_INT(store_reader_set_category(st, alice, s1, "world", &cat2, NULL), 0);
    CHECK_INT(cat2, cat); /* names ignore case */
    CHECK_INT(store_reader_categories(st, alice, a, &cats, &n, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_STR(cats[0].name, "World");
    CHECK_INT(cats[0].n_sources, 2);
    CHECK_INT(store_reader_set_category(st, alice, s1, NULL, &cat2, NULL), 0);
    CHECK_INT(cat2, 0);
    q.category_id = cat;
    CHECK_STR(list_ids(st, a, &q), "2");
    q.category_id = 0;
    CHECK_INT(store_reader_categories(st, bob, a, &cats, &n, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(store_reader_category_rename(st, bob, cat, "Mine", &err), GZ_ENOTFOUND);
    CHECK_INT(store_reader_category_rename(st, alice, cat, "Abroad", NULL), 0);
    CHECK_INT(store_reader_set_title(st, alice, s2, "My Beta", NULL), 0);
    CHECK_INT(store_reader_subs(st, alice, a, &subs, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_STR(subs[1].title, "My Beta");
    CHECK_STR(subs[1].category, "Abroad");
    CHECK_INT(store_reader_category_delete(st, alice, cat, NULL), 0);
    CHECK_INT(store_reader_subs(st, alice, a, &subs, &n, NULL), 0);
    CHECK_INT(subs[1].category_id, 0);
    CHECK_INT(subs[1].follow, 1);
    arena_free(a);
    backend_done(st);
}

static void
test_read_state(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_query q;
    struct store_reader_article *arts = NULL;
    struct store_reader_story_news *news = NULL;
    struct store_story story = {0};
    struct store_reader_prefs prefs;
    int64_t alice = add_user(st, "alice");
    int64_t bob = add_user(st, "bob");
    int64_t s1 = add_source(st, "https://a.example/feed", "Alpha");
    int64_t s2 = add_source(st, "https://b.example/feed", "Beta");
    int64_t ids[6];
    int64_t cat = 0;
    int marks[2];
    int64_t seen[2];
    int64_t story_ids[2];
    size_t n = 0;

    ids[0] = add_article(st, s1, "a1", "one", 100);
    ids[1] = add_article(st, s2, "b1", "two", 200);
    ids[2] = add_article(st, s1, "a2", "three", 300);
    ids[3] = add_article(st, s2, "b2", "four", 400);
    query_init(&q, alice, READER_UNREAD);
    CHECK_STR(list_ids(st, a, &q), "4,3,2,1");

    /* explicit marks */
    CHECK_INT(store_reader_mark(st, alice, ids + 1, 2, 1, 500, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "4,1");
    q.state = READER_READ;
    CHECK_STR(list_ids(st, a, &q), "3,2");
    q.user_id = bob;
    CHECK_STR(list_ids(st, a, &q), "");
    q.user_id = alice;
    q.state = READER_UNREAD;

    /* a source's mark: everything fetched before it, not after */
    CHECK_INT(store_reader_mark(st, alice, ids, 1, 0, 500, NULL), 0); /* kept unread */
    CHECK_INT(store_reader_mark_before(st, alice, READER_SCOPE_SOURCE, s1, 350, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "4");
    ids[4] = add_article(st, s1, "a3", "five", 600);
    CHECK_STR(list_ids(st, a, &q), "5,4");

    /* a category's mark, then everything */
    CHECK_INT(store_reader_set_category(st, alice, s2, "Beta things", &cat, NULL), 0);
    CHECK_INT(store_reader_mark_before(st, alice, READER_SCOPE_CATEGORY, cat, 450, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "5");
    CHECK_INT(store_reader_mark(st, alice, ids + 3, 1, 0, 700, NULL), 0); /* unread again */
    CHECK_STR(list_ids(st, a, &q), "5,4");
    CHECK_INT(store_reader_mark_before(st, alice, READER_SCOPE_ALL, 0, 1000, NULL), 0);
    q.read_before = 1000; /* the caller passes the user's own mark, from the prefs */
    CHECK_STR(list_ids(st, a, &q), "");
    q.state = READER_READ;
    CHECK_STR(list_ids(st, a, &q), "5,4,3,2,1");
    /* a mark never moves back */
    CHECK_INT(store_reader_mark_before(st, alice, READER_SCOPE_ALL, 0, 10, NULL), 0);
    CHECK_INT(store_reader_prefs_get(st, alice, a, &prefs, NULL), 0);
    CHECK_INT(prefs.read_before, 1000);
    CHECK_STR(list_ids(st, a, &q), "5,4,3,2,1");
    q.state = READER_UNREAD;
    q.user_id = bob;
    q.read_before = 0;
    CHECK_STR(list_ids(st, a, &q), "5,4,3,2,1");

    /* stars */
    CHECK_INT(store_reader_star(st, bob, ids, 2, 1, 800, NULL), 0);
    q.state = READER_STARRED;
    CHECK_STR(list_ids(st, a, &q), "2,1");
    q.ascending = 1;
    CHECK_STR(list_ids(st, a, &q), "1,2");
    q.ascending = 0;
    q.before_id = 2;
    CHECK_STR(list_ids(st, a, &q), "1");
    q.before_id = 0;
    CHECK_INT(store_reader_star(st, bob, ids, 1, 0, 800, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "2");
    q.state = READER_UNREAD;
    CHECK_STR(list_ids(st, a, &q), "5,4,3,2,1"); /* a star is not a read mark */

    /* paging and time bounds */
    q.limit = 2;
    CHECK_STR(list_ids(st, a, &q), "5,4");
    q.before_id = 4;
    CHECK_STR(list_ids(st, a, &q), "3,2");
    q.before_id = 0;
    q.limit = 100;
    q.after_id = 3;
    q.ascending = 1;
    CHECK_STR(list_ids(st, a, &q), "4,5");
    q.after_id = 0;
    q.ascending = 0;
    q.fetched_min = 200;
    q.fetched_max = 400;
    CHECK_STR(list_ids(st, a, &q), "3,2");
    q.fetched_min = q.fetched_max = 0;
    q.source_id = s2;
    CHECK_STR(list_ids(st, a, &q), "4,2");
    q.source_id = 0;

    /* a story read stays read when a new source joins; the news say so */
    story.title = "The story";
    CHECK_INT(store_story_add(st, &story, NULL), 0);
    CHECK_INT(store_article_set_story(st, ids[2], story.id, 0, NULL), 0);
    CHECK_INT(store_article_set_story(st, ids[4], story.id, 0, NULL), 0);
    CHECK_INT(store_story_recount(st, story.id, NULL), 0);
    CHECK_INT(store_reader_mark(st, bob, ids + 2, 1, 0, 900, NULL), 0); /* kept unread */
    CHECK_INT(store_reader_mark_story(st, bob, story.id, 1, 900, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "4,2,1");
    ids[5] = add_article(st, s2, "b3", "six", 1000);
    CHECK_INT(store_article_set_story(st, ids[5], story.id, 0, NULL), 0);
    CHECK_INT(store_story_recount(st, story.id, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "4,2,1");
    CHECK_INT(store_reader_story_news(st, bob, 10, a, &news, &n, NULL), 0);
    CHECK_INT(n, 1);
    if (n) {
        CHECK_INT(news[0].story_id, story.id);
        CHECK_INT(news[0].n_sources, 2);
        CHECK_INT(news[0].seen, 1);
    }
    story_ids[0] = story.id;
    story_ids[1] = 999;
    CHECK_INT(store_reader_story_marks(st, bob, story_ids, 2, marks, seen, NULL), 0);
    CHECK_INT(marks[0], 1);
    CHECK_INT(seen[0], 1);
    CHECK_INT(marks[1], 0);
    CHECK_INT(store_reader_mark_story(st, bob, story.id, 1, 1100, NULL), 0);
    CHECK_INT(store_reader_story_news(st, bob, 10, a, &news, &n, NULL), 0);
    CHECK_INT(n, 0);
    /* unmarked, the story's articles are unread again but for the one marked read with it */
    CHECK_INT(store_reader_mark_story(st, bob, story.id, 0, 1200, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "6,5,4,2,1");
    CHECK_INT(store_reader_mark_story(st, bob, 12345, 1, 1200, NULL), GZ_ENOTFOUND);

    /* a duplicate of a read article is read */
    CHECK_INT(store_article_set_story(st, ids[3], 0, ids[1], NULL), 0);
    CHECK_INT(store_reader_mark(st, bob, ids + 1, 1, 1, 1300, NULL), 0);
    CHECK_STR(list_ids(st, a, &q), "6,5,1");

    /* whole articles with state */
    CHECK_INT(store_reader_set_title(st, bob, s2, "Bee", NULL), 0);
    CHECK_INT(store_reader_articles(st, bob, 0, ids, 6, 0, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 6);
    if (n == 6) {
        CHECK_INT(arts[0].art.id, ids[5]);
        CHECK_STR(arts[0].feed_title, "Bee");
        CHECK_STR(arts[0].art.text, "text");
        CHECK_INT(arts[0].read, 0);
        CHECK_INT(arts[4].art.id, ids[1]);
        CHECK_INT(arts[4].read, 1);
        CHECK_INT(arts[4].starred, 1);
    }
    CHECK_INT(store_reader_articles(st, bob, 0, ids, 2, 1, a, &arts, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2)
        CHECK_INT(arts[0].art.id, ids[0]);
    arena_free(a);
    backend_done(st);
}

static void
test_text_tags_counts(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_query q;
    struct store_reader_item *it = NULL;
    struct store_reader_tag *tags = NULL;
    struct store_reader_count *counts = NULL;
    int64_t alice = add_user(st, "alice");
    int64_t s1 = add_source(st, "https://feeds.foxnews.example/rss", "Fox News");
    int64_t s2 = add_source(st, "https://b.example/feed", "Beta");
    int64_t ids[3];
    int64_t tag_ids[2];
    double scores[2] = {1, 0.5};
    int64_t max_id = 0;
    int64_t last_ok = 0;
    size_t n = 0;

    ids[0] = add_article(st, s1, "a1", "Match report", 100);
    ids[1] = add_article(st, s2, "b1", "Border czar named", 200);
    ids[2] = add_article(st, s1, "a2", "Weather", 300);
    CHECK_INT(store_tag_upsert(st, "sports", "Sports", TAG_TOPIC, &tag_ids[0], NULL), 0);
    CHECK_INT(store_tag_upsert(st, "tom-homan", "Tom Homan", TAG_PERSON, &tag_ids[1], NULL), 0);
    CHECK_INT(store_article_tags_set(st, ids[0], tag_ids, scores, 1, NULL), 0);
    CHECK_INT(store_article_tags_set(st, ids[1], tag_ids + 1, scores, 1, NULL), 0);

    query_init(&q, alice, READER_ANY);
    q.with_text = 1;
    CHECK_INT(store_reader_list(st, &q, a, &it, &n, NULL, NULL), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(it[1].title, "Border czar named");
        CHECK_STR(it[1].excerpt, "an excerpt");
        CHECK_STR(it[1].source_title, "Beta");
        CHECK_STR(it[2].source_url, "https://feeds.foxnews.example/rss");
    }
    q.limit = 0;
    CHECK_INT(store_reader_list(st, &q, a, &it, &n, NULL, NULL), GZ_EINVAL);

    CHECK_INT(store_reader_tags(st, ids, 3, a, &tags, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(tags[0].article_id, ids[0]);
        CHECK_STR(tags[0].slug, "sports");
        CHECK_INT(tags[1].kind, TAG_PERSON);
    }
    CHECK_INT(store_reader_source_counts(st, 0, a, &counts, &n, NULL), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(counts[0].source_id, s1);
        CHECK_INT(counts[0].n, 2);
        CHECK_INT(counts[0].max_id, ids[2]);
        CHECK_INT(counts[1].n, 1);
    }
    CHECK_INT(store_reader_source_counts(st, ids[1], a, &counts, &n, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_INT(store_reader_latest(st, &max_id, &last_ok, NULL), 0);
    CHECK_INT(max_id, ids[2]);
    arena_free(a);
    backend_done(st);
}

static void
test_cascade(void)
{
    struct store *st = backend_fresh("gz_reader_test");
    struct arena *a = arena_new();
    struct store_reader_query q;
    int64_t alice = add_user(st, "alice");
    int64_t s1 = add_source(st, "https://a.example/feed", "Alpha");
    int64_t id = add_article(st, s1, "a1", "one", 100);

    CHECK_INT(store_reader_star(st, alice, &id, 1, 1, 10, NULL), 0);
    CHECK_INT(store_reader_follow(st, alice, s1, 0, NULL), 0);
    CHECK_INT(store_source_delete(st, s1, NULL), 0);
    query_init(&q, alice, READER_STARRED);
    CHECK_STR(list_ids(st, a, &q), "");
    arena_free(a);
    backend_done(st);
}

static const struct unit_test tests[] = {
    {"prefs", test_prefs},
    {"api_and_totp", test_api_and_totp},
    {"follows", test_follows},
    {"read_state", test_read_state},
    {"text_tags_counts", test_text_tags_counts},
    {"cascade", test_cascade},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return backend_main(argc, argv, tests);
}
