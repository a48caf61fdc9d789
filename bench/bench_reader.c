/*
 * bench_reader.c - load a database for the reader API benchmark through
 * store.h (bench/reader.sh runs it, then times HTTP requests).
 *
 *   bench_reader DSN [SOURCES [ARTICLES]]
 *
 * DSN is a SQLite path or a postgres:// URL of an empty database.  It
 * makes SOURCES sources (default 1,000) and ARTICLES articles (default
 * 1,000,000) spread round-robin over them, arriving one second apart and
 * ending now, with a one-sentence text each (the full-text index still
 * indexes every one), in transactions of 10,000.  Then two readers who
 * follow every source:
 *   reader  (API password "bench-api-password"): every 10th of the newest
 *           100,000 articles read, 1,000 starred, 100 sources in a category;
 *   muter   (the same API password): the same, plus three mute rules
 *           (a word, a source, a regular expression), so listings read
 *           titles and test every row.
 * Progress goes to stderr.  Exit 1 on any error.
 */
#include "reader/reader.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/time.h"
#include "web/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 10000

static const char *const words[] = {"election", "storm",   "markets", "summit", "court",
                                    "strike",   "vaccine", "budget",  "border", "final"};

static int
fail(const char *what, const struct gz_err *err)
{
    fprintf(stderr, "bench_reader: %s: %s\n", what, err->msg);
    return 1;
}

static int
make_reader(struct store *st, const char *name, const char *rules, int64_t nsources,
            int64_t first_id, int64_t narticles, struct gz_err *err)
{
    struct store_user u = {0};
    char hash[AUTH_HASH_MAX];
    int64_t *ids;
    int64_t n = 0;
    int rc;

    if ((rc = auth_password_hash("bench-login-password", hash, err)))
        return rc;
    u.name = name;
    u.pass_hash = hash;
    u.created = time_now();
    if ((rc = store_user_add(st, &u, err)) ||
        (rc = reader_set_api_password(st, u.id, name, "bench-api-password", err)))
        return rc;
    if (rules && (rc = store_reader_set_rules(st, u.id, rules, NULL, err)))
        return rc;
    /* every 10th of the newest 100,000 read, 1,000 starred */
    ids = calloc(10000, sizeof(*ids));
    for (int64_t id = first_id + narticles - 1; id >= first_id && n < 10000; id -= 10)
        ids[n++] = id;
    rc = store_reader_mark(st, u.id, ids, (size_t)n, 1, time_now(), err);
    if (!rc)
        rc = store_reader_star(st, u.id, ids, n < 1000 ? (size_t)n : 1000, 1, time_now(), err);
    free(ids);
    for (int64_t s = 1; !rc && s <= 100 && s <= nsources; s++)
        rc = store_reader_set_category(st, u.id, s, "Hundred", NULL, err);
    return rc;
}

int
main(int argc, char **argv)
{
    struct store *st = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int64_t nsources = argc > 2 ? atoll(argv[2]) : 1000;
    int64_t narticles = argc > 3 ? atoll(argv[3]) : 1000000;
    int64_t now = time_now();
    int64_t first_id = 0;
    int64_t start = time_mono_ms();
    int64_t *src;
    char buf[512];

    if (argc < 2 || nsources < 1 || narticles < 1) {
        fprintf(stderr, "usage: bench_reader DSN [SOURCES [ARTICLES]]\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    if (store_open(&st, argv[1], 0, &err))
        return fail("open", &err);
    src = calloc((size_t)nsources, sizeof(*src));
    if (store_begin(st, &err))
        return fail("begin", &err);
    for (int64_t i = 0; i < nsources; i++) {
        struct store_source s = {0};
        char url[128];
        char title[64];

        snprintf(url, sizeof(url), "https://source-%lld.example/feed.xml", (long long)i + 1);
        snprintf(title, sizeof(title), "Source %lld", (long long)i + 1);
        s.url = url;
        s.title = title;
        s.site_url = url;
        s.next_fetch = now + 86400 * 365; /* never due: nothing is fetched */
        if (store_source_add(st, &s, &src[i], &err))
            return fail("source", &err);
    }
    for (int64_t i = 0; i < narticles; i++) {
        struct store_article a = {0};
        char guid[32];
        char title[160];
        char text[256];
        char url[96];

        snprintf(guid, sizeof(guid), "g%lld", (long long)i);
        snprintf(url, sizeof(url), "https://source-%lld.example/a/%lld",
                 (long long)(i % nsources) + 1, (long long)i);
        snprintf(title, sizeof(title), "%s%s news item %lld about the %s",
                 i % 50 == 0 ? "Breaking: " : "", words[i % 10], (long long)i,
                 words[(i / 10) % 10]);
        snprintf(text, sizeof(text), "Report %lld on the %s and the %s, with what happened next.",
                 (long long)i, words[(i / 3) % 10], words[(i / 7) % 10]);
        a.source_id = src[i % nsources];
        a.guid = guid;
        a.url = url;
        a.title = title;
        a.excerpt = text;
        a.text = text;
        a.fetched = now - narticles + i;
        a.published = a.fetched - 600;
        if (store_article_add(st, &a, &err))
            return fail("article", &err);
        if (!first_id)
            first_id = a.id;
        if ((i + 1) % BATCH == 0) {
            if (store_commit(st, &err) || store_begin(st, &err))
                return fail("commit", &err);
            fprintf(stderr, "\r%lld articles, %.0f/s", (long long)i + 1,
                    (double)(i + 1) * 1000.0 / (double)(time_mono_ms() - start + 1));
        }
    }
    if (store_commit(st, &err))
        return fail("commit", &err);
    fprintf(stderr, "\n");
    snprintf(buf, sizeof(buf), "-\"weather alert\"\n-source:\"Source 7\"\n-/^breaking:/\n");
    if (make_reader(st, "reader", NULL, nsources, first_id, narticles, &err) ||
        make_reader(st, "muter", buf, nsources, first_id, narticles, &err))
        return fail("readers", &err);
    fprintf(stderr, "loaded %lld sources, %lld articles in %.1f s\n", (long long)nsources,
            (long long)narticles, (double)(time_mono_ms() - start) / 1000.0);
    free(src);
    store_close(st);
    return 0;
}
