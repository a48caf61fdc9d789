/*
 * store_test.c - the storage interface, on a fresh database per test.
 *
 * The same cases run against every backend: SQLite always, PostgreSQL
 * when GZ_TEST_PG names a server (store_backends.h).
 */
#include "store_backends.h"

#include "store/db.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/time.h"

#include <stdio.h>
#include <unistd.h>

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
add_article(struct store *st, int64_t sid, const char *guid, const char *url, const char *title,
            int64_t published)
{
    struct store_article a = {0};
    int rc;

    a.source_id = sid;
    a.guid = guid;
    a.url = url;
    a.canonical_url = url;
    a.title = title;
    a.text = "Body text of the article.";
    a.published = published;
    rc = store_article_add(st, &a, NULL);
    return rc ? rc : a.id;
}

static void
test_migrate(void)
{
    struct store *st = backend_fresh("gz_store_test");
    int cur = -1;
    int latest = -1;
    int applied = -1;

    CHECK(st != NULL);
    CHECK_INT(store_schema_version(st, &cur, &latest, NULL), 0);
    CHECK(latest >= 1);
    CHECK_INT(cur, latest);
    CHECK_INT(store_migrate(st, &applied, NULL), 0);
    CHECK_INT(applied, 0);
    backend_done(st);
}

static void
test_bad_files(void)
{
    struct store *st = NULL;
    struct gz_err err = GZ_ERR_INIT;
    FILE *f;

    if (backend_on_pg) {
        char dsn[512];

        backend_pg_dsn(dsn, sizeof(dsn), "gz_no_such_db");
        CHECK(store_open(&st, dsn, 0, &err) != 0);
        CHECK_CONTAINS(err.msg, "gz_no_such_db");
        return;
    }
    f = fopen("store_test_garbage.db", "w");
    fputs("this is not a database, just text that is long enough to be looked at", f);
    fclose(f);
    CHECK(store_open(&st, "store_test_garbage.db", 0, &err) != 0);
    CHECK_CONTAINS(err.msg, "store_test_garbage.db");
    unlink("store_test_garbage.db");
    CHECK(store_open(&st, "/nonexistent-dir/x.db", 0, &err) != 0);
    CHECK_CONTAINS(err.msg, "/nonexistent-dir/x.db");
}

static void
test_sources(void)
{
    struct store *st = backend_fresh("gz_store_test");
    struct arena *a = arena_new();
    struct store_source *list;
    struct store_source one;
    struct store_fetch f = {0};
    size_t n;
    int64_t id1 = add_source(st, "https://b.example/feed", "Beta");
    int64_t id2 = add_source(st, "https://a.example/rss", "Alpha");

    CHECK(id1 > 0 && id2 > 0 && id1 != id2);
    CHECK_INT(add_source(st, "https://b.example/feed", "Other"), id1);
    CHECK_INT(store_source_list(st, a, &list, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_STR(list[0].title, "Alpha");
    CHECK_STR(list[1].title, "Beta");

    f.source_id = id1;
    f.at = 1000;
    f.error = "HTTP 500";
    f.next_fetch = 2000;
    CHECK_INT(store_source_fetched(st, &f, NULL), 0);
    f.at = 1500;
    CHECK_INT(store_source_fetched(st, &f, NULL), 0);
    CHECK_INT(store_source_get(st, id1, a, &one, NULL), 0);
    CHECK_INT(one.error_count, 2);
    CHECK_INT(one.failing_since, 1000);
    CHECK_STR(one.last_error, "HTTP 500");

    memset(&f, 0, sizeof(f));
    f.source_id = id1;
    f.at = 3000;
    f.etag = "\"v2\"";
    f.next_fetch = 4800;
    f.new_url = "https://b.example/new-feed";
    CHECK_INT(store_source_fetched(st, &f, NULL), 0);
    CHECK_INT(store_source_get(st, id1, a, &one, NULL), 0);
    CHECK_INT(one.error_count, 0);
    CHECK_INT(one.failing_since, 0);
    CHECK(one.last_error == NULL);
    CHECK_STR(one.etag, "\"v2\"");
    CHECK_STR(one.url, "https://b.example/new-feed");

    CHECK_INT(store_source_due(st, 4000, 10, a, &list, &n, NULL), 0);
    CHECK_INT(n, 1); /* id2 is due at 0; id1 only at 4800 */
    CHECK_INT(list[0].id, id2);
    CHECK_INT(store_source_delete(st, id2, NULL), 0);
    CHECK_INT(store_source_delete(st, id2, NULL), GZ_ENOTFOUND);
    arena_free(a);
    backend_done(st);
}

static void
test_articles(void)
{
    struct store *st = backend_fresh("gz_store_test");
    struct arena *a = arena_new();
    struct store_article got;
    struct store_article *list;
    struct store_article_query q = {0};
    struct gz_err err = GZ_ERR_INIT;
    size_t n;
    int64_t found;
    int64_t s1 = add_source(st, "https://one.example/feed", "One");
    int64_t s2 = add_source(st, "https://two.example/feed", "Two");
    int64_t a1 = add_article(st, s1, "g1", "https://one.example/a", "First", 100);
    int64_t a2 = add_article(st, s1, "g2", "https://one.example/b", "Second", 200);

    CHECK(a1 > 0 && a2 > a1);
    /* same guid in the same source, and the same canonical URL anywhere, are refused */
    CHECK_INT(add_article(st, s1, "g1", "https://one.example/zzz", "Again", 300), GZ_EEXIST);
    CHECK_INT(add_article(st, s2, "other", "https://one.example/a", "Copy", 300), GZ_EEXIST);
    CHECK_INT(add_article(st, s2, "g1", "https://two.example/a", "Same guid elsewhere", 300) > 0,
              1);
    CHECK_INT(store_article_find(st, s1, "g2", NULL, &found, NULL), 0);
    CHECK_INT(found, a2);
    CHECK_INT(store_article_find(st, s2, "none", "https://one.example/a", &found, NULL), 0);
    CHECK_INT(found, a1);
    CHECK_INT(store_article_find(st, s2, "none", "https://none.example/", &found, NULL), 0);
    CHECK_INT(found, 0);

    CHECK_INT(store_article_get(st, a1, a, &got, &err), 0);
    CHECK_STR(got.title, "First");
    CHECK_STR(got.source_title, "One");
    CHECK_STR(got.text, "Body text of the article.");
    CHECK_INT(store_article_get(st, 99999, a, &got, &err), GZ_ENOTFOUND);

    q.limit = 10;
    CHECK_INT(store_article_list(st, &q, a, &list, &n, NULL), 0);
    CHECK_INT(n, 3);
    CHECK_STR(list[0].title, "Same guid elsewhere");
    CHECK(list[0].text == NULL);
    q.source_id = s1;
    CHECK_INT(store_article_list(st, &q, a, &list, &n, NULL), 0);
    CHECK_INT(n, 2);
    q.before = 200;
    CHECK_INT(store_article_list(st, &q, a, &list, &n, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_INT(list[0].id, a1);
    arena_free(a);
    backend_done(st);
}

static void
test_transactions(void)
{
    struct store *st = backend_fresh("gz_store_test");
    struct store_counts c;
    int64_t s1 = add_source(st, "https://one.example/feed", "One");

    CHECK_INT(store_begin(st, NULL), 0);
    CHECK(add_article(st, s1, "kept", "https://one.example/1", "Kept", 1) > 0);
    CHECK_INT(store_savepoint(st, NULL), 0);
    CHECK(add_article(st, s1, "undone", "https://one.example/2", "Undone", 2) > 0);
    store_savepoint_rollback(st);
    CHECK_INT(store_savepoint(st, NULL), 0);
    CHECK(add_article(st, s1, "also", "https://one.example/3", "Also kept", 3) > 0);
    CHECK_INT(store_savepoint_release(st, NULL), 0);
    CHECK_INT(store_commit(st, NULL), 0);
    CHECK_INT(store_counts(st, &c, NULL), 0);
    CHECK_INT(c.articles, 2);

    CHECK_INT(store_begin(st, NULL), 0);
    CHECK(add_article(st, s1, "gone", "https://one.example/4", "Gone", 4) > 0);
    store_rollback(st);
    CHECK_INT(store_counts(st, &c, NULL), 0);
    CHECK_INT(c.articles, 2);
    backend_done(st);
}

static void
test_stories_tags_related(void)
{
    struct store *st = backend_fresh("gz_store_test");
    struct arena *a = arena_new();
    struct store_story s = {0};
    struct store_story got;
    struct store_story *top;
    struct store_tag *tags;
    struct store_tag tag;
    struct store_article *rel;
    size_t n;
    int64_t src = add_source(st, "https://one.example/feed", "One");
    int64_t src2 = add_source(st, "https://two.example/feed", "Two");
    int64_t a1 = add_article(st, src, "1", "https://one.example/1", "A", 100);
    int64_t a2 = add_article(st, src2, "2", "https://two.example/2", "B", 200);
    int64_t a3 = add_article(st, src2, "3", "https://two.example/3", "C", 300);
    int64_t s2id;
    int64_t t1;
    int64_t t2;
    int64_t ids[2];
    double scores[2] = {0.9, 0.5};

    s.title = "Story one";
    CHECK_INT(store_story_add(st, &s, NULL), 0);
    CHECK_INT(store_article_set_story(st, a1, s.id, 0, NULL), 0);
    CHECK_INT(store_article_set_story(st, a2, s.id, a1, NULL), 0);
    CHECK_INT(store_story_recount(st, s.id, NULL), 0);
    CHECK_INT(store_story_get(st, s.id, a, &got, NULL), 0);
    CHECK_INT(got.n_articles, 2);
    CHECK_INT(got.n_sources, 2);
    CHECK_INT(got.first_seen, 100);
    CHECK_INT(got.last_updated, 200);

    memset(&s, 0, sizeof(s));
    s.title = "Story two";
    CHECK_INT(store_story_add(st, &s, NULL), 0);
    s2id = s.id;
    CHECK_INT(store_article_set_story(st, a3, s2id, 0, NULL), 0);
    CHECK_INT(store_story_merge(st, s2id, got.id, NULL), 0);
    CHECK_INT(store_story_get(st, s2id, a, &got, NULL), 0);
    CHECK(got.merged_into > 0);
    CHECK_INT(store_story_get(st, got.merged_into, a, &got, NULL), 0);
    CHECK_INT(got.n_articles, 3);
    CHECK_INT(store_story_top(st, 0, 10, a, &top, &n, NULL), 0);
    CHECK_INT(n, 1);

    CHECK_INT(store_tag_upsert(st, "karabakh", "Karabakh", TAG_PLACE, &t1, NULL), 0);
    CHECK_INT(store_tag_upsert(st, "peace-treaty", "PeaceTreaty", TAG_TOPIC, &t2, NULL), 0);
    CHECK_INT(store_tag_upsert(st, "karabakh", "Karabakh", TAG_TOPIC, &ids[0], NULL), 0);
    CHECK_INT(ids[0], t1);
    ids[0] = t2;
    ids[1] = t1;
    CHECK_INT(store_article_tags_set(st, a1, ids, scores, 2, NULL), 0);
    CHECK_INT(store_article_tags(st, a1, a, &tags, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_STR(tags[0].slug, "peace-treaty");
    CHECK_INT(tags[1].kind, TAG_PLACE);
    CHECK_INT(store_tag_by_slug(st, "karabakh", a, &tag, NULL), 0);
    CHECK_INT(tag.count, 1);

    ids[0] = a3;
    ids[1] = a2;
    CHECK_INT(store_related_set(st, a1, ids, scores, 2, NULL), 0);
    CHECK_INT(store_related_get(st, a1, a, &rel, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(rel[0].id, a3);
    CHECK_STR(rel[1].source_title, "Two");
    arena_free(a);
    backend_done(st);
}

static void
test_users_sessions_comments(void)
{
    struct store *st = backend_fresh("gz_store_test");
    struct arena *a = arena_new();
    struct store_user u = {0};
    struct store_user got;
    struct store_session s = {0};
    struct store_session gs;
    struct store_comment c = {0};
    struct store_comment *list;
    size_t n;
    int64_t src = add_source(st, "https://one.example/feed", "One");
    int64_t art = add_article(st, src, "1", "https://one.example/1", "A", 100);
    int64_t parent;

    u.name = "alice";
    u.pass_hash = "$argon2id$fake";
    u.is_admin = 1;
    CHECK_INT(store_user_add(st, &u, NULL), 0);
    CHECK_INT(store_user_add(st, &u, NULL), GZ_EEXIST);
    CHECK_INT(store_user_by_name(st, "alice", a, &got, NULL), 0);
    CHECK_INT(got.is_admin, 1);
    CHECK_INT(store_user_by_name(st, "bob", a, &got, NULL), GZ_ENOTFOUND);

    s.id_hash = "abc";
    s.user_id = u.id;
    s.csrf = "tok";
    s.created = 100;
    s.expires = 200;
    CHECK_INT(store_session_add(st, &s, NULL), 0);
    CHECK_INT(store_session_get(st, "abc", 150, a, &gs, NULL), 0);
    CHECK_STR(gs.csrf, "tok");
    CHECK_INT(store_session_get(st, "abc", 250, a, &gs, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_session_delete(st, "abc", NULL), 0);
    CHECK_INT(store_session_get(st, "abc", 150, a, &gs, NULL), GZ_ENOTFOUND);

    c.article_id = art;
    c.user_id = u.id;
    c.body = "First!";
    c.created = 10;
    CHECK_INT(store_comment_add(st, &c, NULL), 0);
    parent = c.id;
    c.parent_id = parent;
    c.body = "A reply";
    c.created = 20;
    CHECK_INT(store_comment_add(st, &c, NULL), 0);
    CHECK_INT(store_comment_edit(st, c.id, "An edited reply", 30, NULL), 0);
    CHECK_INT(store_comment_set_status(st, parent, COMMENT_HIDDEN, NULL), 0);
    CHECK_INT(store_comment_list(st, art, a, &list, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(list[0].status, COMMENT_HIDDEN);
    CHECK_STR(list[1].body, "An edited reply");
    CHECK_INT(list[1].parent_id, parent);
    CHECK_STR(list[1].user_name, "alice");
    arena_free(a);
    backend_done(st);
}

/* Fill a store with one of everything. */
static void
fill(struct store *st)
{
    struct store_story s = {0};
    struct store_user u = {0};
    struct store_session ss = {0};
    struct store_comment c = {0};
    int64_t src = add_source(st, "https://one.example/feed", "One");
    int64_t a1 = add_article(st, src, "1", "https://one.example/1", "Caf\xc3\xa9 <one>", 100);
    int64_t a2 = add_article(st, src, "2", "https://one.example/2", "Two", 200);
    int64_t tag;
    double score = 0.75;

    s.title = "Story";
    s.hotness = 2.5;
    CHECK_INT(store_story_add(st, &s, NULL), 0);
    CHECK_INT(store_article_set_story(st, a1, s.id, 0, NULL), 0);
    CHECK_INT(store_article_set_story(st, a2, s.id, a1, NULL), 0);
    CHECK_INT(store_tag_upsert(st, "karabakh", "Karabakh", TAG_PLACE, &tag, NULL), 0);
    CHECK_INT(store_article_tags_set(st, a1, &tag, &score, 1, NULL), 0);
    CHECK_INT(store_related_set(st, a1, &a2, &score, 1, NULL), 0);
    u.name = "alice";
    u.pass_hash = "$argon2id$x";
    CHECK_INT(store_user_add(st, &u, NULL), 0);
    ss.id_hash = "h";
    ss.user_id = u.id;
    ss.csrf = "c";
    ss.expires = 1 << 30;
    CHECK_INT(store_session_add(st, &ss, NULL), 0);
    c.article_id = a1;
    c.user_id = u.id;
    c.body = "hello";
    CHECK_INT(store_comment_add(st, &c, NULL), 0);
    c.parent_id = c.id;
    c.body = "reply";
    CHECK_INT(store_comment_add(st, &c, NULL), 0);
}

/* Compare what the store API reads back from two stores. */
static void
same(struct store *x, struct store *y)
{
    struct arena *a = arena_new();
    struct store_counts cx;
    struct store_counts cy;
    struct store_article ax;
    struct store_article ay;
    struct store_tag *tx;
    struct store_tag *ty;
    struct store_comment *kx;
    struct store_comment *ky;
    size_t nx;
    size_t ny;

    CHECK_INT(store_counts(x, &cx, NULL), 0);
    CHECK_INT(store_counts(y, &cy, NULL), 0);
    CHECK_INT(cx.articles, cy.articles);
    CHECK_INT(cx.sources, cy.sources);
    CHECK_INT(cx.stories, cy.stories);
    CHECK_INT(cx.users, cy.users);
    CHECK_INT(cx.comments, cy.comments);
    for (int64_t id = 1; id <= cx.articles; id++) {
        CHECK_INT(store_article_get(x, id, a, &ax, NULL), 0);
        CHECK_INT(store_article_get(y, id, a, &ay, NULL), 0);
        CHECK_STR(ax.title, ay.title);
        CHECK_STR(ax.text, ay.text);
        CHECK_INT(ax.story_id, ay.story_id);
        CHECK_INT(ax.dup_of, ay.dup_of);
        CHECK_INT(ax.published, ay.published);
    }
    CHECK_INT(store_article_tags(x, 1, a, &tx, &nx, NULL), 0);
    CHECK_INT(store_article_tags(y, 1, a, &ty, &ny, NULL), 0);
    CHECK_INT(nx, ny);
    if (nx && ny)
        CHECK_STR(tx[0].slug, ty[0].slug);
    CHECK_INT(store_comment_list(x, 1, a, &kx, &nx, NULL), 0);
    CHECK_INT(store_comment_list(y, 1, a, &ky, &ny, NULL), 0);
    CHECK_INT(nx, ny);
    if (nx == 2 && ny == 2)
        CHECK_INT(kx[1].parent_id, ky[1].parent_id);
    arena_free(a);
}

static void
test_copy(void)
{
    struct store *src = NULL;
    struct store *dst = backend_fresh("gz_store_test");
    struct store *back = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int64_t rows = 0;
    struct store_user u = {0};

    /* the source is always SQLite; the target is this run's backend */
    unlink("store_test_copy_src.db");
    unlink("store_test_copy_back.db");
    CHECK_INT(store_open(&src, "store_test_copy_src.db", 0, &err), 0);
    fill(src);
    CHECK_INT(store_copy(src, dst, NULL, NULL, &rows, &err), 0);
    CHECK(rows >= 10);
    same(src, dst);
    /* ids continue after the copied ones */
    u.name = "bob";
    u.pass_hash = "x";
    CHECK_INT(store_user_add(dst, &u, NULL), 0);
    CHECK_INT(u.id, 2);
    /* a non-empty target is refused and left unchanged */
    CHECK_INT(store_copy(src, dst, NULL, NULL, &rows, &err), GZ_EEXIST);
    CHECK_CONTAINS(err.msg, "not empty");
    /* and back again */
    CHECK_INT(store_open(&back, "store_test_copy_back.db", 0, &err), 0);
    CHECK_INT(store_copy(dst, back, NULL, NULL, &rows, &err), 0);
    same(dst, back);
    store_close(src);
    store_close(back);
    backend_done(dst);
    unlink("store_test_copy_src.db");
    unlink("store_test_copy_back.db");
}

static const struct unit_test tests[] = {
    {"migrate", test_migrate},
    {"bad_files", test_bad_files},
    {"sources", test_sources},
    {"articles", test_articles},
    {"transactions", test_transactions},
    {"stories_tags_related", test_stories_tags_related},
    {"users_sessions_comments", test_users_sessions_comments},
    {"copy", test_copy},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return backend_main(argc, argv, tests);
}
