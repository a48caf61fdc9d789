/*
 * reader.c - one reader's view: prefs, rules, filtered listings, counts
 * (reader.h).
 */
#include "reader/reader.h"

#include "reader/md5.h"
#include "reader/rules.h"
#include "util/buf.h"
#include "web/auth.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/time.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int
reader_user_load(struct store *st, int64_t user_id, struct arena *a, struct reader_user *out,
                 struct gz_err *err)
{
    struct store_user u;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = store_user_get(st, user_id, a, &u, err)) ||
        (rc = store_reader_prefs_get(st, user_id, a, &out->prefs, err)))
        return rc;
    out->id = u.id;
    out->name = u.name;
    out->is_admin = u.is_admin;
    out->rules = rules_cache_get(u.id, out->prefs.rules_version, out->prefs.rules);
    return 0;
}

void
reader_user_release(struct reader_user *u)
{
    rules_release(u->rules);
    u->rules = NULL;
}

void
reader_query(const struct reader_user *u, int state, int64_t limit, struct store_reader_query *q)
{
    memset(q, 0, sizeof(*q));
    q->user_id = u->id;
    q->read_before = u->prefs.read_before;
    q->state = state;
    q->limit = limit;
}

/* The tags of article id within tags[0..n), sorted by article id: *first and the count. */
static size_t
tags_of(const struct store_reader_tag *tags, size_t n, int64_t id, size_t *first)
{
    size_t lo = 0;
    size_t hi = n;
    size_t k;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (tags[mid].article_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    for (k = lo; k < n && tags[k].article_id == id; k++)
        ;
    return k - lo;
}

/* rules_tag views of tags[first..first+n), from the arena. */
static struct rules_tag *
rule_tags(struct arena *a, const struct store_reader_tag *tags, size_t first, size_t n)
{
    struct rules_tag *rt = n ? ARENA_NEWN(a, struct rules_tag, n) : NULL;

    for (size_t i = 0; i < n; i++) {
        rt[i].slug = tags[first + i].slug;
        rt[i].kind = tags[first + i].kind;
    }
    return rt;
}

/* The tags of items[0..n) when the rules need them (sorted by article id). */
static int
load_tags(struct store *st, const struct reader_user *u, const int64_t *ids, size_t n,
          struct arena *a, struct store_reader_tag **tags, size_t *ntags, struct gz_err *err)
{
    *tags = NULL;
    *ntags = 0;
    if (!rules_need_tags(u->rules) || !n)
        return 0;
    return store_reader_tags(st, ids, n, a, tags, ntags, err);
}

int
reader_list(struct store *st, const struct reader_user *u, const struct store_reader_query *q,
            struct arena *a, struct reader_page *out, struct gz_err *err)
{
    struct store_reader_query cq = *q;
    int64_t scanned = 0;
    int calls = 0;
    size_t cap = q->limit > 0 ? (size_t)q->limit : 1;
    int rc;

    memset(out, 0, sizeof(*out));
    cq.user_id = u->id;
    cq.read_before = u->prefs.read_before;
    cq.with_text = rules_count(u->rules) > 0 || q->with_text;
    out->items = ARENA_NEWN(a, struct reader_item, cap);
    for (;;) {
        struct store_reader_item *rows = NULL;
        struct store_reader_tag *tags = NULL;
        int64_t *ids;
        int64_t snext = 0;
        size_t nrows = 0;
        size_t ntags = 0;
        int64_t chunk = (int64_t)(cap - out->n);
        size_t i;

        /* with mutes, ask a little more than is missing: some will be skipped */
        if (rules_mutes(u->rules))
            chunk = chunk + chunk / 4 + 16;
        if (chunk > STORE_READER_MAX)
            chunk = STORE_READER_MAX;
        cq.limit = chunk;
        if ((rc = store_reader_list(st, &cq, a, &rows, &nrows, &snext, err)))
            return rc;
        ids = ARENA_NEWN(a, int64_t, nrows ? nrows : 1);
        for (i = 0; i < nrows; i++)
            ids[i] = rows[i].id;
        if ((rc = load_tags(st, u, ids, nrows, a, &tags, &ntags, err)))
            return rc;
        for (i = 0; i < nrows && out->n < cap; i++) {
            struct rules_item it = {0};
            size_t first = 0;
            size_t nt = tags_of(tags, ntags, rows[i].id, &first);
            int verdict = RULES_NONE;

            if (u->rules) {
                it.title = rows[i].title;
                it.excerpt = rows[i].excerpt;
                it.author = rows[i].author;
                it.source_id = rows[i].source_id;
                it.source_title = rows[i].source_title;
                it.source_url = rows[i].source_url;
                it.source_site = rows[i].source_site;
                it.tags = rule_tags(a, tags, first, nt);
                it.ntags = nt;
                verdict = rules_eval(u->rules, &it);
            }
            out->next = rows[i].id;
            if (verdict == RULES_MUTE)
                continue;
            out->items[out->n].it = rows[i];
            out->items[out->n].highlight = verdict == RULES_HIGHLIGHT;
            out->n++;
        }
        if (out->n == cap && i < nrows)
            return 0; /* full before the end of these rows: continue after the last one */
        out->next = snext;
        scanned += (int64_t)nrows;
        if (out->n == cap || !snext || scanned >= READER_SCAN_MAX || ++calls == READER_CALLS_MAX)
            return 0;
        if (cq.ascending)
            cq.after_id = snext;
        else
            cq.before_id = snext;
    }
}

int
reader_judge(const struct reader_user *u, const struct store_article *art,
             const struct store_reader_tag *tags, size_t ntags)
{
    struct rules_tag rt[64];
    struct rules_item it = {0};

    if (!u->rules)
        return RULES_NONE;
    it.title = art->title;
    it.excerpt = art->excerpt;
    it.author = art->author;
    it.source_id = art->source_id;
    it.source_title = art->source_title;
    it.source_site = art->source_site;
    for (size_t i = 0; i < ntags && it.ntags < sizeof(rt) / sizeof(rt[0]); i++) {
        if (tags[i].article_id != art->id)
            continue;
        rt[it.ntags].slug = tags[i].slug;
        rt[it.ntags].kind = tags[i].kind;
        it.ntags++;
    }
    it.tags = rt;
    return rules_eval(u->rules, &it);
}

int
reader_filter_articles(struct store *st, const struct reader_user *u, struct store_article *arts,
                       size_t *n, int *highlight, struct arena *a, struct gz_err *err)
{
    struct store_reader_tag *tags = NULL;
    size_t ntags = 0;
    size_t kept = 0;
    int64_t *ids;
    int rc;

    if (!u->rules) {
        for (size_t i = 0; highlight && i < *n; i++)
            highlight[i] = 0;
        return 0;
    }
    ids = ARENA_NEWN(a, int64_t, *n ? *n : 1);
    for (size_t i = 0; i < *n; i++)
        ids[i] = arts[i].id;
    if ((rc = load_tags(st, u, ids, *n, a, &tags, &ntags, err)))
        return rc;
    for (size_t i = 0; i < *n; i++) {
        size_t first = 0;
        size_t nt = tags_of(tags, ntags, arts[i].id, &first);
        int v = reader_judge(u, &arts[i], tags + first, nt);

        if (v == RULES_MUTE)
            continue;
        if (highlight)
            highlight[kept] = v == RULES_HIGHLIGHT;
        arts[kept++] = arts[i];
    }
    *n = kept;
    return 0;
}

/* ---- API passwords ---- */

int
reader_set_api_password(struct store *st, int64_t user_id, const char *name, const char *pw,
                        struct gz_err *err)
{
    char hash[AUTH_HASH_MAX];
    char keys[2][MD5_HEX_LEN + 1];
    const char *kp[2] = {keys[0], keys[1]};
    struct buf in = BUF_INIT;
    char lower[AUTH_NAME_MAX + 1];
    size_t nkeys = 1;
    size_t i;
    int rc;

    if (!pw)
        return store_reader_set_api_password(st, user_id, NULL, NULL, 0, err);
    if ((rc = auth_password_check(pw, err)) || (rc = auth_password_hash(pw, hash, err)))
        return rc;
    buf_addf(&in, "%s:%s", name, pw);
    md5_hex(in.p, in.len, keys[0]);
    for (i = 0; name[i] && i < AUTH_NAME_MAX; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    lower[i] = '\0';
    if (strcmp(lower, name)) {
        sodium_memzero(in.p, in.len);
        buf_reset(&in);
        buf_addf(&in, "%s:%s", lower, pw);
        md5_hex(in.p, in.len, keys[1]);
        nkeys = 2;
    }
    sodium_memzero(in.p, in.len);
    buf_release(&in);
    rc = store_reader_set_api_password(st, user_id, hash, kp, nkeys, err);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

/* ---- articles per source ---- */

/* Counted in full again after this many seconds, so that deletions show. */
#define COUNTS_TTL 600

static struct {
    pthread_mutex_t lock;
    int64_t max_id;  /* the newest article counted */
    int64_t counted; /* when the full count ran, 0 never */
    struct store_reader_count *v;
    size_t n;
    size_t alloc;
} counts = {PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL, 0, 0};

static int
cmp_count(const void *x, const void *y)
{
    const struct store_reader_count *a = x;
    const struct store_reader_count *b = y;

    return (a->source_id > b->source_id) - (a->source_id < b->source_id);
}

/* Merge fresh[0..n) into the cache (under the lock). */
static void
counts_merge(const struct store_reader_count *fresh, size_t n)
{
    size_t before = counts.n;

    for (size_t i = 0; i < n; i++) {
        struct store_reader_count key = fresh[i];
        struct store_reader_count *hit =
            before ? bsearch(&key, counts.v, before, sizeof(*counts.v), cmp_count) : NULL;

        if (hit) {
            hit->n += fresh[i].n;
            if (fresh[i].max_id > hit->max_id)
                hit->max_id = fresh[i].max_id;
        } else {
            ALLOC_GROW(counts.v, counts.n + 1, counts.alloc);
            counts.v[counts.n++] = fresh[i];
        }
        if (fresh[i].max_id > counts.max_id)
            counts.max_id = fresh[i].max_id;
    }
    if (counts.n != before)
        qsort(counts.v, counts.n, sizeof(*counts.v), cmp_count);
}

int
reader_counts(struct store *st, struct arena *a, struct store_reader_count **out, size_t *n,
              struct gz_err *err)
{
    struct arena *tmp = arena_new();
    struct store_reader_count *fresh = NULL;
    size_t nfresh = 0;
    int64_t now = time_now();
    int64_t max_id = 0;
    int64_t last_ok = 0;
    int rc;

    pthread_mutex_lock(&counts.lock);
    rc = store_reader_latest(st, &max_id, &last_ok, err);
    if (!rc && (!counts.counted || now - counts.counted > COUNTS_TTL || max_id < counts.max_id)) {
        /* in full: the first time, now and then, and when articles went away */
        rc = store_reader_source_counts(st, 0, tmp, &fresh, &nfresh, err);
        if (!rc) {
            counts.n = 0;
            counts.max_id = 0;
            counts.counted = now;
            counts_merge(fresh, nfresh);
        }
    } else if (!rc && max_id > counts.max_id) {
        rc = store_reader_source_counts(st, counts.max_id, tmp, &fresh, &nfresh, err);
        if (!rc)
            counts_merge(fresh, nfresh);
    }
    if (!rc) {
        *n = counts.n;
        *out = ARENA_NEWN(a, struct store_reader_count, counts.n ? counts.n : 1);
        if (counts.n)
            memcpy(*out, counts.v, counts.n * sizeof(*counts.v));
    }
    pthread_mutex_unlock(&counts.lock);
    arena_free(tmp);
    return rc;
}

int64_t
reader_count_of(const struct store_reader_count *v, size_t n, int64_t source_id)
{
    struct store_reader_count key = {0};
    const struct store_reader_count *hit;

    key.source_id = source_id;
    hit = n ? bsearch(&key, v, n, sizeof(*v), cmp_count) : NULL;
    return hit ? hit->n : 0;
}
