/*
 * store_accounts_test.c - the store's accounts section: names unique
 * ignoring case, sessions per user and expiry, throttle windows, comment
 * reports, the moderation queues and the posting rate count.  On SQLite,
 * then on PostgreSQL when GZ_TEST_PG names a server (store_backends.h).
 */
#include "store_backends.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdio.h>
#include <unistd.h>

static struct store *
fresh(void)
{
    return backend_fresh("gz_accounts_test");
}

static void
done(struct store *st)
{
    backend_done(st);
}

static int64_t
add_user(struct store *st, const char *name, int admin)
{
    struct store_user u = {0};

    u.name = name;
    u.pass_hash = "$argon2id$not-a-real-hash";
    u.is_admin = admin;
    u.created = 1000;
    CHECK_INT(store_user_add(st, &u, NULL), 0);
    return u.id;
}

static void
test_users(void)
{
    struct store *st = fresh();
    struct arena *a = arena_new();
    struct store_user u = {0};
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = add_user(st, "Alice", 0);

    u.name = "aLiCe";
    u.pass_hash = "x";
    CHECK_INT(store_user_add(st, &u, &err), GZ_EEXIST);
    CHECK_CONTAINS(err.msg, "aLiCe");
    CHECK_INT(store_user_find(st, "ALICE", a, &u, NULL), 0);
    CHECK_INT(u.id, id);
    CHECK_STR(u.name, "Alice");
    CHECK_INT(u.is_admin, 0);
    CHECK_INT(store_user_find(st, "bob", a, &u, &err), GZ_ENOTFOUND);
    CHECK_INT(store_user_set_admin(st, id, 1, NULL), 0);
    CHECK_INT(store_user_find(st, "alice", a, &u, NULL), 0);
    CHECK_INT(u.is_admin, 1);
    CHECK_INT(store_user_set_admin(st, 999, 1, NULL), GZ_ENOTFOUND);
    arena_free(a);
    done(st);
}

static void
test_sessions(void)
{
    struct store *st = fresh();
    struct arena *a = arena_new();
    struct store_session s = {0};
    struct store_session out;
    int64_t alice = add_user(st, "alice", 0);
    int64_t bob = add_user(st, "bob", 0);
    const char *hashes[] = {"h1", "h2", "h3", "h4"};
    int64_t owners[] = {alice, alice, alice, bob};

    for (int i = 0; i < 4; i++) {
        s.id_hash = hashes[i];
        s.user_id = owners[i];
        s.csrf = "c";
        s.created = 100;
        s.expires = i == 2 ? 150 : 10000;
        CHECK_INT(store_session_add(st, &s, NULL), 0);
    }
    /* expired sessions are not found, and purged */
    CHECK_INT(store_session_get(st, "h3", 200, a, &out, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_session_get(st, "h3", 120, a, &out, NULL), 0);
    CHECK_INT(store_session_purge(st, 200, NULL), 0);
    CHECK_INT(store_session_get(st, "h3", 120, a, &out, NULL), GZ_ENOTFOUND);
    /* all of a user's sessions but one */
    CHECK_INT(store_session_delete_user(st, alice, "h2", NULL), 0);
    CHECK_INT(store_session_get(st, "h1", 200, a, &out, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_session_get(st, "h2", 200, a, &out, NULL), 0);
    CHECK_INT(store_session_get(st, "h4", 200, a, &out, NULL), 0);
    CHECK_INT(store_session_delete_user(st, alice, NULL, NULL), 0);
    CHECK_INT(store_session_get(st, "h2", 200, a, &out, NULL), GZ_ENOTFOUND);
    CHECK_INT(store_session_get(st, "h4", 200, a, &out, NULL), 0);
    CHECK_INT(out.user_id, bob);
    arena_free(a);
    done(st);
}

static void
test_throttle(void)
{
    struct store *st = fresh();
    int64_t n = -1;
    int64_t oldest = -1;

    CHECK_INT(store_throttle_count(st, "login-name", "bob", 0, &n, &oldest, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(oldest, 0);
    for (int64_t t = 100; t <= 500; t += 100)
        CHECK_INT(store_throttle_add(st, "login-name", "bob", t, NULL), 0);
    CHECK_INT(store_throttle_add(st, "login-addr", "bob", 450, NULL), 0);
    CHECK_INT(store_throttle_add(st, "login-name", "carol", 450, NULL), 0);
    /* the window [since, now] */
    CHECK_INT(store_throttle_count(st, "login-name", "bob", 0, &n, &oldest, NULL), 0);
    CHECK_INT(n, 5);
    CHECK_INT(oldest, 100);
    CHECK_INT(store_throttle_count(st, "login-name", "bob", 250, &n, &oldest, NULL), 0);
    CHECK_INT(n, 3);
    CHECK_INT(oldest, 300);
    CHECK_INT(store_throttle_count(st, "login-name", "bob", 501, &n, NULL, NULL), 0);
    CHECK_INT(n, 0);
    /* purge by age, clear by key */
    CHECK_INT(store_throttle_purge(st, 300, NULL), 0);
    CHECK_INT(store_throttle_count(st, "login-name", "bob", 0, &n, &oldest, NULL), 0);
    CHECK_INT(n, 3);
    CHECK_INT(store_throttle_clear(st, "login-name", "bob", NULL), 0);
    CHECK_INT(store_throttle_count(st, "login-name", "bob", 0, &n, NULL, NULL), 0);
    CHECK_INT(n, 0);
    CHECK_INT(store_throttle_count(st, "login-addr", "bob", 0, &n, NULL, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_INT(store_throttle_count(st, "login-name", "carol", 0, &n, NULL, NULL), 0);
    CHECK_INT(n, 1);
    done(st);
}

static void
test_comments(void)
{
    struct store *st = fresh();
    struct arena *a = arena_new();
    struct store_source src = {0};
    struct store_article art = {0};
    struct store_comment c = {0};
    struct store_comment_mod *q;
    struct store_comment got;
    struct gz_err err = GZ_ERR_INIT;
    size_t n;
    int64_t count = -1;
    int64_t sid = 0;
    int64_t alice = add_user(st, "alice", 0);
    int64_t bob = add_user(st, "bob", 0);
    int64_t carol = add_user(st, "carol", 0);
    int64_t ids[3];

    src.url = "https://a.example/feed";
    src.title = "A";
    CHECK_INT(store_source_add(st, &src, &sid, NULL), 0);
    art.source_id = sid;
    art.guid = "g1";
    art.title = "The article";
    art.text = "text";
    CHECK_INT(store_article_add(st, &art, NULL), 0);
    for (int i = 0; i < 3; i++) {
        memset(&c, 0, sizeof(c));
        c.article_id = art.id;
        c.user_id = alice;
        c.body = "hello";
        c.created = 1000 + i * 30;
        CHECK_INT(store_comment_add(st, &c, NULL), 0);
        ids[i] = c.id;
    }
    CHECK_INT(store_comment_count_since(st, alice, 1030, &count, NULL), 0);
    CHECK_INT(count, 2);
    CHECK_INT(store_comment_count_since(st, bob, 0, &count, NULL), 0);
    CHECK_INT(count, 0);
    /* one report per user; the count follows */
    CHECK_INT(store_comment_report(st, ids[0], bob, 2000, NULL), 0);
    CHECK_INT(store_comment_report(st, ids[0], bob, 2001, &err), GZ_EEXIST);
    CHECK_INT(store_comment_report(st, ids[0], carol, 2002, NULL), 0);
    CHECK_INT(store_comment_report(st, ids[1], carol, 2003, NULL), 0);
    CHECK(store_comment_report(st, 999, carol, 2003, NULL) < 0);
    CHECK_INT(store_comment_get(st, ids[0], a, &got, NULL), 0);
    CHECK_INT(got.reports, 2);
    /* a report inside the caller's transaction joins it */
    CHECK_INT(store_begin(st, NULL), 0);
    CHECK_INT(store_comment_report(st, ids[2], bob, 2004, NULL), 0);
    store_rollback(st);
    CHECK_INT(store_comment_get(st, ids[2], a, &got, NULL), 0);
    CHECK_INT(got.reports, 0);
    /* queues */
    CHECK_INT(store_comment_queue(st, COMMENTS_REPORTED, 10, a, &q, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(q[0].c.id, ids[0]);
    CHECK_INT(q[1].c.id, ids[1]);
    CHECK_STR(q[0].article_title, "The article");
    CHECK_STR(q[0].c.user_name, "alice");
    CHECK_INT(store_comment_queue(st, COMMENTS_RECENT, 2, a, &q, &n, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(q[0].c.id, ids[2]);
    CHECK_INT(q[1].c.id, ids[1]);
    arena_free(a);
    done(st);
}

static const struct unit_test tests[] = {
    {"users", test_users},
    {"sessions", test_sessions},
    {"throttle", test_throttle},
    {"comments", test_comments},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return backend_main(argc, argv, tests);
}
