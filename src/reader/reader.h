/*
 * reader.h - one reader's view of the instance: their prefs and compiled
 * rules, listings with mutes applied and highlights marked, and article
 * counts per source.
 *
 * Every list a reader sees (the site's Unread and Starred pages, the front
 * page when signed in, both APIs, the digest) goes through reader_list(),
 * so a muted article is hidden the same way everywhere.
 *
 * Ownership: a struct reader_user holds a reference to its compiled rules;
 * reader_user_release() drops it.  Listings are allocated from the
 * caller's arena.  Threads: functions taking a store belong to the store's
 * thread; the per-source counts are a process-wide cache behind a lock.
 */
#ifndef GZ_READER_READER_H
#define GZ_READER_READER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct arena;
struct gz_err;
struct rules;

struct reader_user {
    int64_t id;
    const char *name;
    int is_admin;
    struct store_reader_prefs prefs;
    struct rules *rules; /* NULL when the user has none */
};

/*
 * Load user_id's account, prefs and compiled rules (from the rules cache).
 * GZ_ENOTFOUND when there is no such user.
 */
int reader_user_load(struct store *st, int64_t user_id, struct arena *a, struct reader_user *out,
                     struct gz_err *err);
/* Drop the rules reference; the struct may be loaded again afterwards. */
void reader_user_release(struct reader_user *u);

/* A store_reader_query for u with the state and limit given, the rest zero. */
void reader_query(const struct reader_user *u, int state, int64_t limit,
                  struct store_reader_query *q);

struct reader_item {
    struct store_reader_item it;
    int highlight; /* a highlight rule matched */
};

struct reader_page {
    struct reader_item *items;
    size_t n;
    /*
     * Where the next page starts, 0 when the listing is done: the last id
     * looked at (for q->before_id when newest first, q->after_id when
     * oldest first).  Muted articles are looked at and skipped, so it may
     * lie past the last item returned.
     */
    int64_t next;
};

/*
 * Most articles one reader_list() call returns from the store before it
 * stops (muted ones included), and most store calls it makes (each reads
 * at most 100,000 articles, store_reader_list()).
 */
#define READER_SCAN_MAX 50000
#define READER_CALLS_MAX 4

/*
 * Up to q->limit articles of q for u with muted ones left out and
 * highlighted ones marked, reading further (in chunks) when mutes thinned
 * a chunk, within the READER_SCAN_MAX and READER_CALLS_MAX bounds (then
 * out->next says where to go on).  q->user_id and q->read_before
 * are taken from u; q->with_text is set when rules need the text (the
 * items then carry it).
 */
int reader_list(struct store *st, const struct reader_user *u, const struct store_reader_query *q,
                struct arena *a, struct reader_page *out, struct gz_err *err);

/*
 * What u's rules do to an article (RULES_MUTE, RULES_HIGHLIGHT, RULES_NONE)
 * given its text and tags; for pages that list articles themselves.
 */
int reader_judge(const struct reader_user *u, const struct store_article *art,
                 const struct store_reader_tag *tags, size_t ntags);
/*
 * Apply u's rules to arts[0..*n) in place: muted ones removed (order
 * kept), highlight[i] set for the rest (highlight may be NULL).  Reads the
 * tags of the articles when rules need them.
 */
int reader_filter_articles(struct store *st, const struct reader_user *u,
                           struct store_article *arts, size_t *n, int *highlight, struct arena *a,
                           struct gz_err *err);

/*
 * Set user's API password (checked with the log-in password's rules,
 * auth_password_check): store its argon2id hash and its Fever keys (the
 * hex MD5 of "name:password" for the name as written and, when it
 * differs, lower-cased, since names ignore case).  Ends the user's API
 * tokens.  pw NULL removes API access.
 */
int reader_set_api_password(struct store *st, int64_t user_id, const char *name, const char *pw,
                            struct gz_err *err);

/*
 * Articles per source, from a cache refreshed with the articles that
 * arrived since (and recounted in full every ten minutes, and whenever
 * the newest id went down, so deletions show).  *out gets an arena copy
 * sorted by source id.  The cache is one per process: a process serves
 * one database.
 */
int reader_counts(struct store *st, struct arena *a, struct store_reader_count **out, size_t *n,
                  struct gz_err *err);
/* The count of source_id in counts[0..n) (sorted as reader_counts() gives them), 0 if absent. */
int64_t reader_count_of(const struct store_reader_count *counts, size_t n, int64_t source_id);

#endif
