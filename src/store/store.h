/*
 * store.h - the one storage interface; SQL lives only behind it.
 *
 * A struct store is one connection to one database: SQLite (a file path,
 * the default) or PostgreSQL (a postgres:// URL).  Both backends implement
 * every function here with the same meaning; the store tests run against
 * both.
 *
 * Threads: a store handle is used by one thread at a time.  Each thread
 * that needs the database opens its own handle (SQLite: one connection
 * per thread, WAL mode; PostgreSQL: one connection per handle).
 *
 * Memory: functions that read rows take an arena and allocate every string
 * and array of the result from it; results stay valid until the arena is
 * freed or reset.  Input structs are borrowed for the call only.
 *
 * Errors: 0 or a negative GZ_E* code with the message in err.  GZ_EEXIST
 * for a unique-key clash, GZ_ENOTFOUND for a missing row, GZ_EBUSY when
 * the database stayed locked past the busy timeout, GZ_EDB otherwise.
 *
 * Transactions: every function is atomic on its own.  store_begin() /
 * store_commit() group several calls into one transaction (ingest commits
 * one batch at a time); store_rollback() undoes them.  Nesting is not
 * supported.
 *
 * Times are Unix seconds (UTC) everywhere; 0 means unknown.
 */
#ifndef GZ_STORE_STORE_H
#define GZ_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct gz_err;
struct store;

/* ---- opening, schema, transactions ---- */

enum store_flags {
    STORE_NO_MIGRATE = 1 << 0, /* do not apply pending migrations on open */
    STORE_READONLY = 1 << 1,   /* open read-only (SQLite) */
};

/*
 * Open dsn (a file path, "sqlite:PATH", or "postgres://...") and apply any
 * pending migrations unless STORE_NO_MIGRATE.  On success *out owns the
 * connection; free it with store_close().  A file that is not a database,
 * or one from a newer gazette, is an error naming the file.
 */
int store_open(struct store **out, const char *dsn, unsigned flags, struct gz_err *err);
/* Close the connection; NULL is a no-op. */
void store_close(struct store *st);
/* "sqlite" or "postgres". */
const char *store_backend(const struct store *st);

/* Apply pending migrations; *applied (may be NULL) gets how many ran. */
int store_migrate(struct store *st, int *applied, struct gz_err *err);
/* Current and latest known schema versions. */
int store_schema_version(struct store *st, int *current, int *latest, struct gz_err *err);

int store_begin(struct store *st, struct gz_err *err);
int store_commit(struct store *st, struct gz_err *err);
/* Always leaves no transaction open; errors are logged, not returned. */
void store_rollback(struct store *st);

/*
 * Inside a transaction, mark a savepoint for one item of a batch.
 * store_savepoint_release() keeps the item's writes (still pending the
 * commit); store_savepoint_rollback() undoes them and keeps the rest of
 * the transaction.  One level only.
 */
int store_savepoint(struct store *st, struct gz_err *err);
int store_savepoint_release(struct store *st, struct gz_err *err);
void store_savepoint_rollback(struct store *st);

/* ---- moving a deployment ---- */

/* Called every few thousand rows with the table and rows copied so far. */
typedef void (*store_copy_progress)(void *ctx, const char *table, int64_t rows);

/*
 * Copy every row of every table that both databases have (the columns
 * they share) from `from` into `to`, in one transaction on `to`, keeping
 * ids, then move `to`'s id sequences past the copied ids.  `to` must be
 * empty (no sources, articles or users): GZ_EEXIST otherwise.  Full-text
 * indexes are rebuilt by the target as rows arrive.  *rows gets the total.
 */
int store_copy(struct store *from, struct store *to, store_copy_progress progress, void *ctx,
               int64_t *rows, struct gz_err *err);

/* ---- sources ---- */

struct store_source {
    int64_t id;
    const char *url;      /* feed URL; "file:PATH" for imported files */
    const char *site_url; /* publisher's home page */
    const char *title;    /* publisher name shown on pages */
    const char *category; /* instance-level grouping, may be NULL */
    const char *etag;
    const char *last_modified;
    int64_t interval; /* seconds between fetches */
    int64_t next_fetch;
    int64_t last_fetch;
    int64_t last_ok;
    int64_t failing_since; /* first failure of the current run of errors; 0 if ok */
    int64_t created;
    int64_t error_count; /* consecutive failures */
    const char *last_error;
    int64_t n_articles; /* filled by list/get */
};

/*
 * Insert src unless a source with the same url exists; *id gets the row's
 * id either way.  An existing row gets title/site_url/category filled in
 * where it had none.
 */
int store_source_add(struct store *st, const struct store_source *src, int64_t *id,
                     struct gz_err *err);
int store_source_get(struct store *st, int64_t id, struct arena *a, struct store_source *out,
                     struct gz_err *err);
int store_source_by_url(struct store *st, const char *url, struct arena *a,
                        struct store_source *out, struct gz_err *err);
/* All sources by title; *out is an arena array of *n. */
int store_source_list(struct store *st, struct arena *a, struct store_source **out, size_t *n,
                      struct gz_err *err);
/* Up to limit sources whose next_fetch <= now, earliest first. */
int store_source_due(struct store *st, int64_t now, size_t limit, struct arena *a,
                     struct store_source **out, size_t *n, struct gz_err *err);
int store_source_delete(struct store *st, int64_t id, struct gz_err *err);

/* The outcome of one fetch of a source, recorded by store_source_fetched(). */
struct store_fetch {
    int64_t source_id;
    int64_t at; /* when the fetch started */
    int64_t duration_ms;
    int http_status; /* 0 when no response */
    int64_t bytes;
    int64_t new_articles;
    const char *error; /* NULL on success */
    const char *etag;  /* NULL: keep the stored one */
    const char *last_modified;
    const char *new_url; /* after a permanent redirect, else NULL */
    int64_t next_fetch;
};

/*
 * Record a fetch: updates the source's validators, next fetch time and
 * error state (error_count reset on success, incremented on error;
 * failing_since set on the first error), and appends to the fetch log.
 */
int store_source_fetched(struct store *st, const struct store_fetch *f, struct gz_err *err);

/* ---- articles ---- */

struct store_article {
    int64_t id;
    int64_t source_id;
    int64_t story_id; /* 0 until clustered */
    int64_t dup_of;   /* id of the article this is a syndicated copy of, or 0 */
    const char *guid; /* unique within the source */
    const char *url;
    const char *canonical_url; /* unique across sources, may be NULL */
    const char *title;
    const char *author;
    const char *lang;
    const char *image;
    const char *excerpt;      /* clean plain-text snippet */
    const char *text;         /* full plain text, paragraphs split by blank lines */
    const char *html;         /* sanitized HTML body (extract/sanitize.h), may be NULL */
    const char *summary;      /* extractive summary, may be NULL */
    const char *key_points;   /* JSON array of strings, may be NULL */
    const char *extract_note; /* why the page's text was or was not used */
    int64_t published;
    int64_t fetched;
    int64_t updated;
    const unsigned char *content_hash; /* 32 bytes or NULL */
    const unsigned char *signature;    /* near-duplicate signature */
    size_t signature_len;
    /* joined in by reads: */
    const char *source_title;
    const char *source_site;
};

/*
 * Insert a new article.  GZ_EEXIST when the source already has its guid
 * or another article has its canonical_url (nothing is written then).
 * On success a->id is set.
 */
int store_article_add(struct store *st, struct store_article *a, struct gz_err *err);
/*
 * The id of the article with (source_id, guid), else of the one with
 * canonical_url (either may be NULL); 0 when neither exists.
 */
int store_article_find(struct store *st, int64_t source_id, const char *guid,
                       const char *canonical_url, int64_t *id, struct gz_err *err);
int store_article_get(struct store *st, int64_t id, struct arena *a, struct store_article *out,
                      struct gz_err *err);
/* Set the story (and duplicate link) of an article. */
int store_article_set_story(struct store *st, int64_t id, int64_t story_id, int64_t dup_of,
                            struct gz_err *err);
/* Store the enrichment of an article (summary and key points JSON). */
int store_article_set_summary(struct store *st, int64_t id, const char *summary,
                              const char *key_points, struct gz_err *err);

/*
 * The articles (with text) published at or after `since`, the newest
 * `limit` of them, returned oldest first: the active window that ingest
 * replays into its story index on start.
 */
int store_article_recent(struct store *st, int64_t since, int64_t limit, struct arena *a,
                         struct store_article **out, size_t *n, struct gz_err *err);
/* Up to limit articles (with text) with id > after_id, by id: what others stored since. */
int store_article_after(struct store *st, int64_t after_id, int64_t limit, struct arena *a,
                        struct store_article **out, size_t *n, struct gz_err *err);
/* The highest article id and the newest published time (0, 0 when empty). */
int store_article_newest(struct store *st, int64_t *max_id, int64_t *max_published,
                         struct gz_err *err);
/* Store a near-duplicate signature and content hash computed after insert. */
int store_article_set_signature(struct store *st, int64_t id, const unsigned char *hash,
                                const unsigned char *sig, size_t sig_len, struct gz_err *err);

/*
 * Inside a transaction: take the lock that serializes story assignment
 * between processes, held until commit or rollback.  PostgreSQL: a
 * transaction-level advisory lock (workers on many machines); SQLite: the
 * write lock BEGIN IMMEDIATE already holds, so nothing more is needed.
 */
int store_ingest_lock(struct store *st, struct gz_err *err);

struct store_article_query {
    int64_t source_id; /* 0: any */
    int64_t story_id;  /* 0: any */
    int64_t tag_id;    /* 0: any */
    int64_t before;    /* published < before (0: no bound); for paging */
    int64_t offset;
    int64_t limit; /* 0: 50 */
    int with_text; /* 1: fill text and html as well */
};

/* Articles matching q, newest first, without text/html unless asked. */
int store_article_list(struct store *st, const struct store_article_query *q, struct arena *a,
                       struct store_article **out, size_t *n, struct gz_err *err);

struct store_counts {
    int64_t sources;
    int64_t articles;
    int64_t stories;
    int64_t users;
    int64_t comments;
};
int store_counts(struct store *st, struct store_counts *out, struct gz_err *err);

/* ---- stories ---- */

struct store_story {
    int64_t id;
    const char *title;
    const char *summary;     /* may be NULL */
    const char *key_points;  /* JSON array, may be NULL */
    const char *source_diff; /* JSON, what each source adds; may be NULL */
    int64_t first_seen;
    int64_t last_updated;
    int64_t n_articles;
    int64_t n_sources;
    double hotness;
    int64_t merged_into; /* 0 unless merged */
};

/* Insert a story; s->id is set. */
int store_story_add(struct store *st, struct store_story *s, struct gz_err *err);
/* Update every field of the story s->id. */
int store_story_update(struct store *st, const struct store_story *s, struct gz_err *err);
/* Get a story; a merged story's id yields its row with merged_into set. */
int store_story_get(struct store *st, int64_t id, struct arena *a, struct store_story *out,
                    struct gz_err *err);
/* Top stories by hotness (active ones), then by last update. */
int store_story_top(struct store *st, int64_t offset, int64_t limit, struct arena *a,
                    struct store_story **out, size_t *n, struct gz_err *err);
/*
 * Move every article of story `from` into `into`, mark `from` merged into
 * `into` (its URL redirects) and recount both.
 */
int store_story_merge(struct store *st, int64_t from, int64_t into, struct gz_err *err);
/* Recount n_articles, n_sources, first_seen, last_updated from the articles. */
int store_story_recount(struct store *st, int64_t id, struct gz_err *err);

/* ---- tags (keyphrases and entities) ---- */

enum store_tag_kind {
    TAG_TOPIC = 0,
    TAG_PERSON = 1,
    TAG_PLACE = 2,
    TAG_ORG = 3,
};

struct store_tag {
    int64_t id;
    const char *slug; /* unique, lower-case: "karabakh", "nikol-pashinyan" */
    const char *name; /* display: "Karabakh", "Nikol Pashinyan" */
    int kind;         /* enum store_tag_kind */
    double score;     /* for a tag of an article or story */
    int64_t count;    /* articles carrying it, in listings */
};

/* Find or create the tag by slug; *id gets its id. */
int store_tag_upsert(struct store *st, const char *slug, const char *name, int kind, int64_t *id,
                     struct gz_err *err);
int store_tag_by_slug(struct store *st, const char *slug, struct arena *a, struct store_tag *out,
                      struct gz_err *err);
/* Replace the tags of an article (ids and scores, in rank order). */
int store_article_tags_set(struct store *st, int64_t article_id, const int64_t *tag_ids,
                           const double *scores, size_t n, struct gz_err *err);
int store_article_tags(struct store *st, int64_t article_id, struct arena *a,
                       struct store_tag **out, size_t *n, struct gz_err *err);
int store_story_tags_set(struct store *st, int64_t story_id, const int64_t *tag_ids,
                         const double *scores, size_t n, struct gz_err *err);
int store_story_tags(struct store *st, int64_t story_id, struct arena *a, struct store_tag **out,
                     size_t *n, struct gz_err *err);

/* ---- related articles ---- */

/* Replace the related list of an article (ids in rank order with scores). */
int store_related_set(struct store *st, int64_t article_id, const int64_t *ids,
                      const double *scores, size_t n, struct gz_err *err);
/* The related articles (without text), in rank order. */
int store_related_get(struct store *st, int64_t article_id, struct arena *a,
                      struct store_article **out, size_t *n, struct gz_err *err);

/* ---- users, sessions, comments ---- */

struct store_user {
    int64_t id;
    const char *name;
    const char *pass_hash; /* argon2id string (libsodium crypto_pwhash_str) */
    int is_admin;
    int64_t created;
};

int store_user_add(struct store *st, struct store_user *u, struct gz_err *err);
int store_user_by_name(struct store *st, const char *name, struct arena *a, struct store_user *out,
                       struct gz_err *err);
int store_user_get(struct store *st, int64_t id, struct arena *a, struct store_user *out,
                   struct gz_err *err);
int store_user_set_password(struct store *st, int64_t id, const char *pass_hash,
                            struct gz_err *err);
int store_user_list(struct store *st, struct arena *a, struct store_user **out, size_t *n,
                    struct gz_err *err);

struct store_session {
    const char *id_hash; /* hex of the hash of the cookie token; the token is never stored */
    int64_t user_id;
    const char *csrf;
    int64_t created;
    int64_t expires;
};

int store_session_add(struct store *st, const struct store_session *s, struct gz_err *err);
/* The live session with this hash (expired ones are GZ_ENOTFOUND). */
int store_session_get(struct store *st, const char *id_hash, int64_t now, struct arena *a,
                      struct store_session *out, struct gz_err *err);
int store_session_delete(struct store *st, const char *id_hash, struct gz_err *err);

enum store_comment_status { COMMENT_VISIBLE = 0, COMMENT_HIDDEN = 1, COMMENT_REMOVED = 2 };

struct store_comment {
    int64_t id;
    int64_t article_id;
    int64_t user_id;
    int64_t parent_id; /* 0 for a top-level comment */
    const char *body;  /* plain text as written */
    int64_t created;
    int64_t edited; /* 0 if never */
    int status;     /* enum store_comment_status */
    int64_t reports;
    const char *user_name; /* joined in by reads */
};

int store_comment_add(struct store *st, struct store_comment *c, struct gz_err *err);
int store_comment_get(struct store *st, int64_t id, struct arena *a, struct store_comment *out,
                      struct gz_err *err);
/* Comments of an article in thread order (parents before replies, oldest first). */
int store_comment_list(struct store *st, int64_t article_id, struct arena *a,
                       struct store_comment **out, size_t *n, struct gz_err *err);
int store_comment_edit(struct store *st, int64_t id, const char *body, int64_t now,
                       struct gz_err *err);
int store_comment_set_status(struct store *st, int64_t id, int status, struct gz_err *err);

/* ---- accounts ---- */

/*
 * The user whose name equals name ignoring ASCII case (names are unique
 * that way since migration 0002); GZ_ENOTFOUND when there is none.
 */
int store_user_find(struct store *st, const char *name, struct arena *a, struct store_user *out,
                    struct gz_err *err);
/* Make a user an admin (1) or not (0); GZ_ENOTFOUND when there is no such user. */
int store_user_set_admin(struct store *st, int64_t id, int is_admin, struct gz_err *err);

/*
 * Delete every session of user_id except the one with keep_hash (NULL:
 * all of them): a password change signs the other browsers out.
 */
int store_session_delete_user(struct store *st, int64_t user_id, const char *keep_hash,
                              struct gz_err *err);
/* Delete the sessions that expired at or before now. */
int store_session_purge(struct store *st, int64_t now, struct gz_err *err);

/*
 * Throttle events: rows (scope, key, at) counted in a sliding window, so
 * that every server process shares the counts.  scope names the counter
 * ("login-user", "login-ip", "signup-ip"), key what is counted (a lower-cased
 * name, a client address).
 */
int store_throttle_add(struct store *st, const char *scope, const char *key, int64_t at,
                       struct gz_err *err);
/*
 * How many events (scope, key) happened at or after since: *count, and
 * *oldest the time of the earliest of them (0 when none).
 */
int store_throttle_count(struct store *st, const char *scope, const char *key, int64_t since,
                         int64_t *count, int64_t *oldest, struct gz_err *err);
/* Forget the events of (scope, key). */
int store_throttle_clear(struct store *st, const char *scope, const char *key, struct gz_err *err);
/* Delete the events older than before, of every scope. */
int store_throttle_purge(struct store *st, int64_t before, struct gz_err *err);

/* How many comments user_id posted at or after since (the posting rate limit). */
int store_comment_count_since(struct store *st, int64_t user_id, int64_t since, int64_t *count,
                              struct gz_err *err);
/*
 * user_id reports comment id: recorded once per user and comment, and
 * comments.reports recounted.  GZ_EEXIST when this user had reported it
 * already (nothing changes).  The comment must exist (a foreign key
 * refuses a report of a missing one with GZ_EDB): callers read it first.
 */
int store_comment_report(struct store *st, int64_t id, int64_t user_id, int64_t now,
                         struct gz_err *err);

/* A comment with the title of its article, for the moderation page. */
struct store_comment_mod {
    struct store_comment c;
    const char *article_title;
};

enum store_comment_queue {
    COMMENTS_REPORTED = 0, /* reported at least once, most reports first */
    COMMENTS_RECENT = 1,   /* every comment, newest first */
};

/* Up to limit comments of the queue (enum store_comment_queue), any status. */
int store_comment_queue(struct store *st, int queue, int64_t limit, struct arena *a,
                        struct store_comment_mod **out, size_t *n, struct gz_err *err);

/* ---- web pages ---- */

/*
 * A number that changes whenever what this connection reads may have
 * changed: a commit by any connection (SQLite's data_version) or a write
 * through this one.  Cheap (no I/O): the web layer keys its page cache on
 * it.  Equal numbers from one connection mean the data is unchanged.
 */
int store_data_version(struct store *st, uint64_t *out, struct gz_err *err);

/* One source's share of a story, for story cards and story pages. */
struct store_story_source {
    int64_t story_id;
    int64_t source_id;
    const char *title;  /* the source's name */
    int64_t n_articles; /* its articles in the story, syndicated copies included */
    int64_t first;      /* published time of its earliest article there */
};

/* Most stories one call of the *_of functions below takes. */
#define STORE_MAX_BATCH 100

/*
 * The sources of each story in ids[0..n) (n <= STORE_MAX_BATCH, else
 * GZ_EINVAL): one query for a whole page of cards.  Ordered by story id,
 * then by when each source first covered the story.
 */
int store_story_sources(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                        struct store_story_source **out, size_t *nout, struct gz_err *err);

/* A tag of a story, from store_story_tags_of(). */
struct store_story_tag {
    int64_t story_id;
    struct store_tag tag;
};

/* The tags of each story in ids[0..n) (n <= STORE_MAX_BATCH): by story id, in rank order. */
int store_story_tags_of(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                        struct store_story_tag **out, size_t *nout, struct gz_err *err);

/*
 * The lead article of each story in ids[0..n) (n <= STORE_MAX_BATCH): its
 * earliest article that is not a syndicated copy (without text), for
 * stories that have no summary yet.  In no particular order; story_id
 * says whose lead each is.
 */
int store_story_leads(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                      struct store_article **out, size_t *nout, struct gz_err *err);

/*
 * The articles of a story (without text), oldest first, at most limit
 * (1..1000).  Unlike store_article_list() this walks the story's index
 * entries only, however large the collection.
 */
int store_story_articles(struct store *st, int64_t story_id, int64_t limit, struct arena *a,
                         struct store_article **out, size_t *n, struct gz_err *err);

/*
 * Articles carrying a tag (without text), newest first, a page at a time
 * (limit 1..1000), from the tag's index entries.
 */
int store_tag_articles(struct store *st, int64_t tag_id, int64_t offset, int64_t limit,
                       struct arena *a, struct store_article **out, size_t *n, struct gz_err *err);

/*
 * A source's articles (without text), newest first, published before
 * `before` (0: no bound), at most limit (1..1000), from the source's
 * index entries.
 */
int store_source_articles(struct store *st, int64_t source_id, int64_t before, int64_t limit,
                          struct arena *a, struct store_article **out, size_t *n,
                          struct gz_err *err);

/* Active (not merged) stories carrying the tag, hottest first. */
int store_story_by_tag(struct store *st, int64_t tag_id, int64_t offset, int64_t limit,
                       struct arena *a, struct store_story **out, size_t *n, struct gz_err *err);

/*
 * The story imported under label (a labelled corpus's story key); when
 * there is none, a new empty story with that label.  *created (may be
 * NULL) is 1 when it was made now.
 */
int store_story_for_label(struct store *st, const char *label, int64_t *id, int *created,
                          struct gz_err *err);

/*
 * The last fetches of a source (the fetch log), newest first, at most
 * limit (1..1000).  Fields of struct store_fetch that the log does not
 * keep (validators, next_fetch, new_url) are zero.
 */
int store_fetch_log(struct store *st, int64_t source_id, int64_t limit, struct arena *a,
                    struct store_fetch **out, size_t *n, struct gz_err *err);

/* Visible comments of an article, oldest first, a page at a time (limit 1..500). */
int store_comment_page(struct store *st, int64_t article_id, int64_t offset, int64_t limit,
                       struct arena *a, struct store_comment **out, size_t *n, struct gz_err *err);

/*
 * Full-text search.  Every word and phrase is given to the index quoted,
 * as a string: no user text is ever read as index syntax.  Words and
 * phrases must all match (the stemmer applies: "talks" finds "talk");
 * excluded ones must not.  Filters narrow further.  A search with no
 * words or phrases lists the filtered articles, newest first.
 *
 * Matched words in title_marked and snippet_marked are wrapped in
 * STORE_MARK_OPEN / STORE_MARK_CLOSE, two private-use characters that a
 * page turns into markup after escaping the text.
 */
#define STORE_MARK_OPEN "\xee\x80\x80"  /* U+E000 */
#define STORE_MARK_CLOSE "\xee\x80\x81" /* U+E001 */
#define STORE_SEARCH_MAX_ITEMS 32       /* words + phrases + exclusions + filters */

struct store_search {
    const char *const *words; /* each must match */
    size_t nwords;
    const char *const *phrases; /* each must match as a phrase */
    size_t nphrases;
    const char *const *exclude; /* words or phrases that must not match */
    size_t nexclude;
    const char *const *sources; /* the source's name contains one of these (ASCII case folded) */
    size_t nsources;
    const char *const *tags; /* the article (or its story) has every one of these tag slugs */
    size_t ntags;
    int64_t after;  /* published >= after (0: no bound) */
    int64_t before; /* published < before (0: no bound) */
    int by_date;    /* newest first rather than best match first */
    int64_t offset;
    int64_t limit; /* 1..100; 0: 20 */
};

struct store_hit {
    struct store_article article; /* without text and html */
    const char *title_marked;     /* the title with matches marked */
    const char *snippet_marked;   /* a clean snippet of the text with matches marked */
    double rank;                  /* lower is better (bm25); 0 without words */
};

/*
 * Run q.  GZ_EINVAL when it has more than STORE_SEARCH_MAX_ITEMS items,
 * a limit out of range, or nothing to search for (no words, phrases or
 * filters).  Hits are in q's order.
 */
int store_search(struct store *st, const struct store_search *q, struct arena *a,
                 struct store_hit **out, size_t *n, struct gz_err *err);

/*
 * The FTS5 MATCH expression for q's words, phrases and exclusions, each
 * quoted ("..." with inner quotes doubled), appended to out; nothing when
 * q has no words or phrases.  Pure; exposed for the tests.
 */
struct buf;
void store_fts_match(struct buf *out, const struct store_search *q);

/* ---- reader ---- */

/*
 * Each user's own state over the instance's sources and articles
 * (migration 0005).  Sources belong to the instance; a user follows all of
 * them unless they unfollow some, and groups them in their own categories.
 *
 * An article is read for a user when (in this order):
 *   - the user marked it read or unread (an explicit mark wins);
 *   - it was fetched before the user's "read before" mark, or before the
 *     mark of its source (marking a source, a category or everything read
 *     moves a mark: one write, however many articles);
 *   - its story was marked read (a story read once stays read when new
 *     sources join it; see store_reader_story_news());
 *   - the article it is a duplicate of was marked read.
 * Otherwise it is unread.  An article keeps its id when it is re-fetched
 * or retitled, so it never comes back as a new unread one.
 *
 * Times are Unix seconds; article order is arrival order (article ids).
 */

enum store_reader_digest {
    READER_DIGEST_OFF = 0,
    READER_DIGEST_DAILY = 1,
    READER_DIGEST_WEEKLY = 2
};

struct store_reader_prefs {
    int64_t user_id;
    int64_t read_before;     /* articles fetched before this are read */
    const char *rules;       /* rule text (reader/rules.h), "" when none */
    int64_t rules_version;   /* changes whenever rules change: the compiled-rules cache key */
    int digest;              /* enum store_reader_digest */
    const char *email;       /* digest address, or NULL */
    int64_t digest_sent;     /* when the last digest went, 0 never */
    const char *api_hash;    /* argon2id of the API password, or NULL (APIs refused) */
    const char *totp_secret; /* base32 TOTP secret, or NULL (two-factor off) */
    int64_t totp_last;       /* last TOTP time step accepted */
};

/* The prefs of user_id; a user without a row gets the defaults (rc 0). */
int store_reader_prefs_get(struct store *st, int64_t user_id, struct arena *a,
                           struct store_reader_prefs *out, struct gz_err *err);
/* Replace the rule text and bump rules_version; *version (may be NULL) gets the new one. */
int store_reader_set_rules(struct store *st, int64_t user_id, const char *rules, int64_t *version,
                           struct gz_err *err);
/* Set the digest schedule (enum store_reader_digest) and address (NULL: none). */
int store_reader_set_digest(struct store *st, int64_t user_id, int digest, const char *email,
                            struct gz_err *err);
/* Record that a digest went out at `at`. */
int store_reader_digest_sent(struct store *st, int64_t user_id, int64_t at, struct gz_err *err);
/* Users whose digest is on and has an address, with their prefs and names, by user id. */
struct store_reader_digest_user {
    struct store_reader_prefs prefs;
    const char *name;
};
int store_reader_digest_users(struct store *st, struct arena *a,
                              struct store_reader_digest_user **out, size_t *n, struct gz_err *err);

/*
 * Set the API password: its argon2id hash and the Fever keys that stand
 * for it (hex MD5 of "name:password", one per spelling of the name), in
 * one transaction that also ends every API token of the user.  A NULL
 * api_hash removes API access.
 */
int store_reader_set_api_password(struct store *st, int64_t user_id, const char *api_hash,
                                  const char *const *fever_keys, size_t nkeys, struct gz_err *err);
/* The user of a Fever api_key; GZ_ENOTFOUND when none. */
int store_reader_fever_user(struct store *st, const char *api_key, int64_t *user_id,
                            struct gz_err *err);
/* Store an API token (the hex SHA-256 of it) for user_id. */
int store_reader_token_add(struct store *st, const char *id_hash, int64_t user_id, int64_t created,
                           struct gz_err *err);
/* The user of an API token hash; GZ_ENOTFOUND when none. */
int store_reader_token_user(struct store *st, const char *id_hash, int64_t *user_id,
                            struct gz_err *err);

/*
 * Turn two-factor on (secret, base32, and the hashes of its recovery
 * codes replacing any old ones) or off (secret NULL: codes deleted too).
 */
int store_reader_set_totp(struct store *st, int64_t user_id, const char *secret,
                          const char *const *code_hashes, size_t ncodes, struct gz_err *err);
/*
 * Accept TOTP time step `step` for user_id unless a step at or after it
 * was accepted already (a code works once): 0 accepted, GZ_EEXIST replay.
 */
int store_reader_totp_step(struct store *st, int64_t user_id, int64_t step, struct gz_err *err);
/* Use up a recovery code by its hash: 0, or GZ_ENOTFOUND (unknown or used). */
int store_reader_recovery_use(struct store *st, int64_t user_id, const char *code_hash,
                              struct gz_err *err);
/* How many unused recovery codes user_id has left. */
int store_reader_recovery_left(struct store *st, int64_t user_id, int64_t *n, struct gz_err *err);

/* A log-in waiting for its second step. */
struct store_reader_challenge {
    const char *id_hash; /* hex SHA-256 of the token in the visitor's cookie */
    int64_t user_id;
    const char *next; /* where the log-in goes afterwards */
    int64_t expires;
};
/* Store a challenge (and purge expired ones). */
int store_reader_challenge_add(struct store *st, const struct store_reader_challenge *c,
                               int64_t now, struct gz_err *err);
/* The live challenge with this hash; GZ_ENOTFOUND when none or expired. */
int store_reader_challenge_get(struct store *st, const char *id_hash, int64_t now, struct arena *a,
                               struct store_reader_challenge *out, struct gz_err *err);
int store_reader_challenge_delete(struct store *st, const char *id_hash, struct gz_err *err);

/* ---- follows and categories ---- */

/* A source as one user sees it. */
struct store_reader_sub {
    int64_t source_id;
    const char *url;
    const char *site_url;
    const char *title;     /* the user's title for it, else the source's */
    const char *own_title; /* the user's title, or NULL */
    int follow;            /* 1 followed (the default), 0 not */
    int64_t category_id;   /* the user's category, 0 none */
    const char *category;  /* its name, or NULL */
    int64_t read_before;   /* the source's read mark */
    int64_t last_ok;       /* the source's last good fetch */
};

/* Every source of the instance with user_id's relation to it, by title. */
int store_reader_subs(struct store *st, int64_t user_id, struct arena *a,
                      struct store_reader_sub **out, size_t *n, struct gz_err *err);
/* Follow (1) or unfollow (0) a source; GZ_ENOTFOUND when there is no such source. */
int store_reader_follow(struct store *st, int64_t user_id, int64_t source_id, int follow,
                        struct gz_err *err);
/* The user's own title for a source (NULL or "" clears it). */
int store_reader_set_title(struct store *st, int64_t user_id, int64_t source_id, const char *title,
                           struct gz_err *err);
/*
 * Put a source in the user's category called name (made when missing;
 * names compare ignoring ASCII case), or in none when name is NULL or "".
 * *category_id (may be NULL) gets the category's id, 0 for none.
 */
int store_reader_set_category(struct store *st, int64_t user_id, int64_t source_id,
                              const char *name, int64_t *category_id, struct gz_err *err);

struct store_reader_category {
    int64_t id;
    const char *name;
    int64_t n_sources; /* sources in it */
};
/* The user's categories by name. */
int store_reader_categories(struct store *st, int64_t user_id, struct arena *a,
                            struct store_reader_category **out, size_t *n, struct gz_err *err);
/* The user's category called name (ignoring case); GZ_ENOTFOUND when none. */
int store_reader_category_find(struct store *st, int64_t user_id, const char *name, int64_t *id,
                               struct gz_err *err);
/* Rename a category; GZ_EEXIST when the name is taken, GZ_ENOTFOUND when not the user's. */
int store_reader_category_rename(struct store *st, int64_t user_id, int64_t id, const char *name,
                                 struct gz_err *err);
/* Delete a category; its sources stay followed, in no category. */
int store_reader_category_delete(struct store *st, int64_t user_id, int64_t id, struct gz_err *err);

/* ---- read, starred ---- */

/* Mark articles ids[0..n) read (1) or unread (0) for user_id, in one transaction. */
int store_reader_mark(struct store *st, int64_t user_id, const int64_t *ids, size_t n, int read,
                      int64_t now, struct gz_err *err);
/* Star (1) or unstar (0) articles ids[0..n). */
int store_reader_star(struct store *st, int64_t user_id, const int64_t *ids, size_t n, int starred,
                      int64_t now, struct gz_err *err);

enum store_reader_scope {
    READER_SCOPE_ALL = 0,      /* everything the user follows */
    READER_SCOPE_SOURCE = 1,   /* one source */
    READER_SCOPE_CATEGORY = 2, /* the sources of one of the user's categories */
};
/*
 * Mark everything in the scope fetched before `before` read: moves the
 * mark (never back) and turns the scope's "kept unread" marks before it
 * into read ones.
 */
int store_reader_mark_before(struct store *st, int64_t user_id, int scope, int64_t id,
                             int64_t before, struct gz_err *err);
/*
 * Mark a story read (with every article in it, now and later) or unread
 * (read = 0: forget the story mark; articles marked one by one stay so).
 */
int store_reader_mark_story(struct store *st, int64_t user_id, int64_t story_id, int read,
                            int64_t now, struct gz_err *err);

/* A story the user read that has more sources now. */
struct store_reader_story_news {
    int64_t story_id;
    const char *title;
    int64_t n_sources; /* now */
    int64_t seen;      /* when it was marked read */
    int64_t last_updated;
};
/* Up to limit such stories, most recently updated first. */
int store_reader_story_news(struct store *st, int64_t user_id, int64_t limit, struct arena *a,
                            struct store_reader_story_news **out, size_t *n, struct gz_err *err);
/* The story marks of stories ids[0..n): *read_out[i] 1 when marked read. */
int store_reader_story_marks(struct store *st, int64_t user_id, const int64_t *ids, size_t n,
                             int *read_out, int64_t *seen_out, struct gz_err *err);

/* ---- listing ---- */

enum store_reader_state {
    READER_ANY = 0,
    READER_UNREAD = 1,
    READER_READ = 2,
    READER_STARRED = 3,
};

/* Most rows one listing call returns. */
#define STORE_READER_MAX 10000

struct store_reader_query {
    int64_t user_id;
    int64_t read_before; /* the user's mark (store_reader_prefs.read_before) */
    int state;           /* enum store_reader_state */
    int64_t source_id;   /* 0: any followed source (a source given is listed followed or not) */
    int64_t category_id; /* 0: any */
    int64_t after_id;    /* id > after_id (0: none) */
    int64_t before_id;   /* id < before_id (0: none) */
    int64_t fetched_min; /* fetched >= (0: none) */
    int64_t fetched_max; /* fetched < (0: none) */
    int ascending;       /* oldest first; else newest first */
    int with_text;       /* also fill title, excerpt, author and the source's names (rules) */
    int64_t limit;       /* 1..STORE_READER_MAX */
};

/* One article in a listing, with the user's state. */
struct store_reader_item {
    int64_t id;
    int64_t source_id;
    int64_t story_id;
    int64_t fetched;
    int64_t published;
    int read;
    int starred;
    /* with_text only: */
    const char *title;
    const char *excerpt;
    const char *author;
    const char *source_title;
    const char *source_url;
    const char *source_site;
};

/*
 * The articles matching q in id order (arrival), at most q->limit.  Only
 * followed sources unless q->source_id names one (starred articles are
 * listed followed or not).  Articles are read a chunk at a time by id and
 * their state decided from the user's marks on that id range, at most
 * 100,000 articles a call: *next (may be NULL) gets the id to continue
 * from (as before_id newest first, as after_id oldest first) when the page
 * filled up or the call stopped early, 0 when nothing more matches.
 * Bounds on arrival time (fetched_min/max) end a scan an hour past them,
 * since arrival follows the ids.  GZ_EINVAL for a bad limit.
 */
int store_reader_list(struct store *st, const struct store_reader_query *q, struct arena *a,
                      struct store_reader_item **out, size_t *n, int64_t *next, struct gz_err *err);

/* A whole article with the user's state, for contents. */
struct store_reader_article {
    struct store_article art; /* with text and html */
    int read;
    int starred;
    const char *feed_title; /* the user's title for the source, else the source's */
    int64_t category_id;
    const char *category;
};

/*
 * The articles ids[0..n) (n <= STORE_READER_MAX) that exist, with the
 * state of the user whose mark is read_before, in id order (descending
 * unless ascending).
 */
int store_reader_articles(struct store *st, int64_t user_id, int64_t read_before,
                          const int64_t *ids, size_t n, int ascending, struct arena *a,
                          struct store_reader_article **out, size_t *nout, struct gz_err *err);

/* A tag of an article, for rules. */
struct store_reader_tag {
    int64_t article_id;
    const char *slug;
    int kind; /* enum store_tag_kind */
};
/* The tags of articles ids[0..n) (n <= STORE_READER_MAX), by article id. */
int store_reader_tags(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                      struct store_reader_tag **out, size_t *nout, struct gz_err *err);

/* How many articles each source has: by source id; those with id > after_id only. */
struct store_reader_count {
    int64_t source_id;
    int64_t n;
    int64_t max_id;
};
int store_reader_source_counts(struct store *st, int64_t after_id, struct arena *a,
                               struct store_reader_count **out, size_t *n, struct gz_err *err);
/* The newest article id (0 when none) and the latest good fetch of any source. */
int store_reader_latest(struct store *st, int64_t *max_id, int64_t *last_ok, struct gz_err *err);

#endif
