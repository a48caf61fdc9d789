/*
 * store.c - every query of store.h, written once for both backends.
 *
 * Statements live in one table, indexed by enum stmt_id, and are prepared
 * on first use and kept for the life of the connection.  Where the
 * dialects differ, an entry carries a PostgreSQL variant.
 */
#include "store/store.h"

#include "store/db.h"
#include "store/store_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/embed.h"
#include "util/hmap.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum stmt_id {
    ST_BEGIN,
    ST_BEGIN_IMMEDIATE,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SOURCE_INSERT,
    ST_SOURCE_FILL,
    ST_SOURCE_GET,
    ST_SOURCE_BY_URL,
    ST_SOURCE_LIST,
    ST_SOURCE_DUE,
    ST_SOURCE_DELETE,
    ST_SOURCE_FETCH_OK,
    ST_SOURCE_FETCH_ERR,
    ST_SOURCE_SET_URL,
    ST_SOURCE_CLAIM,
    ST_SOURCE_RELEASE,
    ST_FETCH_LOG,
    ST_ARTICLE_INSERT,
    ST_ARTICLE_BY_GUID,
    ST_ARTICLE_BY_CANON,
    ST_ARTICLE_GET,
    ST_ARTICLE_SET_STORY,
    ST_ARTICLE_SET_SUMMARY,
    ST_ARTICLE_LIST,
    ST_ARTICLE_LIST_TEXT,
    ST_ARTICLE_LIST_STORY,
    ST_ARTICLE_LIST_STORY_TEXT,
    ST_ARTICLE_LIST_SOURCE,
    ST_ARTICLE_LIST_SOURCE_TEXT,
    ST_COUNTS,
    ST_ARTICLE_RECENT,
    ST_ARTICLE_AFTER,
    ST_ARTICLE_NEWEST,
    ST_ARTICLE_SET_SIG,
    ST_INGEST_LOCK,
    ST_STORY_INSERT,
    ST_STORY_UPDATE,
    ST_STORY_GET,
    ST_STORY_TOP,
    ST_STORY_MOVE_ARTICLES,
    ST_STORY_MARK_MERGED,
    ST_STORY_RECOUNT,
    ST_TAG_UPSERT,
    ST_TAG_BY_SLUG,
    ST_ARTICLE_TAGS_CLEAR,
    ST_ARTICLE_TAG_ADD,
    ST_ARTICLE_TAGS,
    ST_STORY_TAGS_CLEAR,
    ST_STORY_TAG_ADD,
    ST_STORY_TAGS,
    ST_RELATED_CLEAR,
    ST_RELATED_ADD,
    ST_ARTICLE_TAG_ADD_MANY,
    ST_STORY_TAG_ADD_MANY,
    ST_RELATED_ADD_MANY,
    ST_TAG_UPSERT_MANY,
    ST_RELATED_GET,
    ST_USER_INSERT,
    ST_USER_BY_NAME,
    ST_USER_GET,
    ST_USER_SET_PASS,
    ST_USER_LIST,
    ST_SESSION_INSERT,
    ST_SESSION_GET,
    ST_SESSION_DELETE,
    ST_COMMENT_INSERT,
    ST_COMMENT_GET,
    ST_COMMENT_LIST,
    ST_COMMENT_EDIT,
    ST_COMMENT_STATUS,
    /* ---- accounts ---- */
    ST_USER_FIND,
    ST_USER_SET_ADMIN,
    ST_SESSION_DELETE_USER,
    ST_SESSION_PURGE,
    ST_THROTTLE_ADD,
    ST_THROTTLE_COUNT,
    ST_THROTTLE_CLEAR,
    ST_THROTTLE_PURGE,
    ST_COMMENT_COUNT_SINCE,
    ST_COMMENT_REPORT_ADD,
    ST_COMMENT_REPORT_RECOUNT,
    ST_COMMENT_QUEUE_REPORTED,
    ST_COMMENT_QUEUE_RECENT,
    /* ---- reader ---- */
    ST_RDR_PREFS_GET,
    ST_RDR_PREFS_ENSURE,
    ST_RDR_SET_RULES,
    ST_RDR_SET_DIGEST,
    ST_RDR_DIGEST_SENT,
    ST_RDR_DIGEST_USERS,
    ST_RDR_SET_API_HASH,
    ST_RDR_FEVER_CLEAR,
    ST_RDR_FEVER_ADD,
    ST_RDR_FEVER_USER,
    ST_RDR_TOKENS_CLEAR,
    ST_RDR_TOKEN_ADD,
    ST_RDR_TOKEN_USER,
    ST_RDR_SET_TOTP,
    ST_RDR_RECOVERY_CLEAR,
    ST_RDR_RECOVERY_ADD,
    ST_RDR_TOTP_STEP,
    ST_RDR_RECOVERY_USE,
    ST_RDR_RECOVERY_LEFT,
    ST_RDR_CHALLENGE_ADD,
    ST_RDR_CHALLENGE_PURGE,
    ST_RDR_CHALLENGE_GET,
    ST_RDR_CHALLENGE_DELETE,
    ST_RDR_SUBS,
    ST_RDR_SOURCE_EXISTS,
    ST_RDR_SUB_ENSURE,
    ST_RDR_FOLLOW,
    ST_RDR_SET_TITLE,
    ST_RDR_CAT_FIND,
    ST_RDR_CAT_INSERT,
    ST_RDR_SET_CAT,
    ST_RDR_CATS,
    ST_RDR_CAT_OWNED,
    ST_RDR_CAT_RENAME,
    ST_RDR_CAT_DELETE,
    ST_RDR_MARK,
    ST_RDR_STAR,
    ST_RDR_MARK_ALL,
    ST_RDR_MARK_SOURCE,
    ST_RDR_MARK_CATEGORY,
    ST_RDR_KEPT_ALL,
    ST_RDR_KEPT_SOURCE,
    ST_RDR_KEPT_CATEGORY,
    ST_RDR_STORY_MARK,
    ST_RDR_STORY_KEPT,
    ST_RDR_STORY_UNMARK,
    ST_RDR_STORY_NEWS,
    ST_RDR_STORY_MARKS,
    ST_RDR_SUBS_MAP,
    ST_RDR_SCAN_DESC,
    ST_RDR_SCAN_ASC,
    ST_RDR_SCAN_TEXT_DESC,
    ST_RDR_SCAN_TEXT_ASC,
    ST_RDR_SCAN_SRC_DESC,
    ST_RDR_SCAN_SRC_ASC,
    ST_RDR_SCAN_SRC_TEXT_DESC,
    ST_RDR_SCAN_SRC_TEXT_ASC,
    ST_RDR_SCAN_STAR_DESC,
    ST_RDR_SCAN_STAR_ASC,
    ST_RDR_SCAN_STAR_TEXT_DESC,
    ST_RDR_SCAN_STAR_TEXT_ASC,
    ST_RDR_STATES_RANGE,
    ST_RDR_HAS_STORY_READS,
    ST_RDR_STORY_READ_IN,
    ST_RDR_READ_IN,
    ST_RDR_ARTICLES_DESC,
    ST_RDR_ARTICLES_ASC,
    ST_RDR_TAGS,
    ST_RDR_SOURCE_COUNTS,
    ST_RDR_LATEST,
    ST_COUNT
};

struct stmt_def {
    const char *sql; /* both backends, or SQLite only when pg is set */
    const char *pg;  /* PostgreSQL variant, or NULL */
};

#define SOURCE_COLS                                                                                \
    "s.id, s.url, s.site_url, s.title, s.category, s.etag, s.last_modified, s.interval, "          \
    "s.next_fetch, s.last_fetch, s.last_ok, s.failing_since, s.created, s.error_count, "           \
    "s.last_error, (SELECT count(*) FROM articles a WHERE a.source_id = s.id)"

/* Article columns without text and html (listings) ... */
#define ARTICLE_COLS                                                                               \
    "a.id, a.source_id, coalesce(a.story_id, 0), coalesce(a.dup_of, 0), a.guid, a.url, "           \
    "a.canonical_url, a.title, a.author, a.lang, a.image, a.excerpt, a.summary, a.key_points, "    \
    "a.extract_note, a.published, a.fetched, a.updated, a.content_hash, a.signature, s.title, "    \
    "s.site_url"
/* ... followed, for full reads, by these two. */
#define ARTICLE_TEXT_COLS ", a.text, a.html"

/* The columns read_comment() reads, from comments c joined with users u. */
#define COMMENT_COLS                                                                               \
    "c.id, c.article_id, c.user_id, coalesce(c.parent_id, 0), c.body, c.created, c.edited, "       \
    "c.status, c.reports, u.name"

#define STORY_COLS                                                                                 \
    "id, title, summary, key_points, source_diff, first_seen, last_updated, n_articles, "          \
    "n_sources, hotness, coalesce(merged_into, 0)"

/* ---- reader: the pieces of the listing statements ---- */

/*
 * Whether article a is read for user $1 whose own mark is $2, with m the
 * user's row for a's source and r the user's row for a (store.h, reader).
 */
#define RDR_READ                                                                                   \
    "(CASE WHEN r.read IS NOT NULL THEN r.read "                                                   \
    "WHEN a.fetched < $2 OR a.fetched < coalesce(m.read_before, 0) THEN 1 "                        \
    "WHEN a.story_id IS NOT NULL AND EXISTS (SELECT 1 FROM reader_story_reads sr "                 \
    "WHERE sr.user_id = $1 AND sr.story_id = a.story_id) THEN 1 "                                  \
    "WHEN a.dup_of IS NOT NULL AND EXISTS (SELECT 1 FROM reader_states d "                         \
    "WHERE d.user_id = $1 AND d.article_id = a.dup_of AND d.read = 1) THEN 1 ELSE 0 END)"
#define RDR_JOINS                                                                                  \
    " LEFT JOIN reader_subs m ON m.user_id = $1 AND m.source_id = a.source_id"                     \
    " LEFT JOIN reader_states r ON r.user_id = $1 AND r.article_id = a.id"
/*
 * Listings read articles in id order a chunk at a time with these plain
 * range scans (an index walk that stops at the LIMIT on both backends,
 * whatever plan a generic prepared statement gets) and decide read and
 * starred in C from the user's rows of that id range (store_reader_list).
 */
#define RDR_SCAN_COLS                                                                              \
    "a.id, a.source_id, coalesce(a.story_id, 0), coalesce(a.dup_of, 0), a.fetched, a.published"
#define RDR_SCAN_TEXT ", a.title, a.excerpt, a.author"
/* $1 after, $2 before, $3 limit (and $4 the source) */
#define RDR_SCAN(cols, dir)                                                                        \
    "SELECT " cols " FROM articles a WHERE a.id > $1 AND a.id < $2 ORDER BY a.id " dir " LIMIT $3"
#define RDR_SCAN_SRC(cols, dir)                                                                    \
    "SELECT " cols " FROM articles a WHERE a.source_id = $4 AND a.id > $1 AND a.id < $2 "          \
    "ORDER BY a.id " dir " LIMIT $3"
/* $4 the user: their starred articles, from the starred index */
#define RDR_SCAN_STAR(cols, dir)                                                                   \
    "SELECT " cols " FROM reader_states r JOIN articles a ON a.id = r.article_id "                 \
    "WHERE r.user_id = $4 AND r.starred = 1 AND r.article_id > $1 AND r.article_id < $2 "          \
    "ORDER BY r.article_id " dir " LIMIT $3"
/* a list of ids bound as one text parameter: a JSON array (SQLite), an array literal (PostgreSQL)
 */
#define RDR_IN_IDS(col, n) col " IN (SELECT value FROM json_each($" #n "))"
#define RDR_IN_IDS_PG(col, n) col " = ANY(CAST($" #n " AS bigint[]))"
#define RDR_ARTICLES(in, dir)                                                                      \
    "SELECT " ARTICLE_COLS ARTICLE_TEXT_COLS ", " RDR_READ ", coalesce(r.starred, 0), "            \
    "coalesce(m.title, s.title), coalesce(m.category_id, 0), c.name FROM articles a "              \
    "JOIN sources s ON s.id = a.source_id" RDR_JOINS                                               \
    " LEFT JOIN reader_categories c ON c.id = m.category_id WHERE " in " ORDER BY a.id " dir
#define RDR_PREFS_COLS                                                                             \
    "user_id, read_before, rules, rules_version, digest, email, digest_sent, api_hash, "           \
    "totp_secret, totp_last"
#define RDR_MAX(col, v) col " = CASE WHEN " col " < " v " THEN " v " ELSE " col " END"

static const struct stmt_def stmts[ST_COUNT] = {
    [ST_BEGIN] = {"BEGIN", NULL},
    [ST_BEGIN_IMMEDIATE] = {"BEGIN IMMEDIATE", "BEGIN"},
    [ST_COMMIT] = {"COMMIT", NULL},
    [ST_ROLLBACK] = {"ROLLBACK", NULL},
    [ST_SOURCE_INSERT] = {"INSERT INTO sources (url, site_url, title, category, interval, "
                          "next_fetch, created) VALUES ($1, $2, coalesce($3, ''), $4, $5, $6, $7) "
                          "ON CONFLICT (url) DO NOTHING RETURNING id",
                          NULL},
    [ST_SOURCE_FILL] = {"UPDATE sources SET title = CASE WHEN title = '' THEN coalesce($2, '') "
                        "ELSE title END, site_url = coalesce(site_url, $3), "
                        "category = coalesce(category, $4) WHERE url = $1 RETURNING id",
                        NULL},
    [ST_SOURCE_GET] = {"SELECT " SOURCE_COLS " FROM sources s WHERE s.id = $1", NULL},
    [ST_SOURCE_BY_URL] = {"SELECT " SOURCE_COLS " FROM sources s WHERE s.url = $1", NULL},
    [ST_SOURCE_LIST] = {"SELECT " SOURCE_COLS " FROM sources s ORDER BY lower(s.title), s.id",
                        NULL},
    [ST_SOURCE_DUE] = {"SELECT " SOURCE_COLS " FROM sources s WHERE s.next_fetch <= $1 "
                       "AND (s.url LIKE 'http://%' OR s.url LIKE 'https://%') ORDER BY "
                       "s.next_fetch, s.id LIMIT $2",
                       NULL},
    [ST_SOURCE_DELETE] = {"DELETE FROM sources WHERE id = $1", NULL},
    /* a recorded fetch ends the claim on the source (store_source_claim) */
    [ST_SOURCE_FETCH_OK] =
        {"UPDATE sources SET last_fetch = $2, last_ok = $2, error_count = 0, "
         "failing_since = 0, last_error = NULL, next_fetch = $3, "
         "etag = coalesce($4, etag), last_modified = coalesce($5, last_modified), "
         "lease_owner = NULL, lease_until = 0 WHERE id = $1",
         NULL},
    [ST_SOURCE_FETCH_ERR] = {"UPDATE sources SET last_fetch = $2, error_count = error_count + 1, "
                             "failing_since = CASE WHEN failing_since = 0 THEN $2 ELSE "
                             "failing_since END, last_error = $3, next_fetch = $4, "
                             "lease_owner = NULL, lease_until = 0 WHERE id = $1",
                             NULL},
    [ST_SOURCE_SET_URL] = {"UPDATE sources SET url = $2 WHERE id = $1", NULL},
    /*
     * $1 owner, $2 lease end, $3 now, $4 limit.  SQLite runs one writer at
     * a time, so the UPDATE alone is atomic.  PostgreSQL: the candidates
     * are locked as they are picked and rows another claim has locked are
     * skipped (not waited for), so concurrent claims split the due
     * sources between them; the outer test re-checks each row's lease
     * after any wait.
     */
    [ST_SOURCE_CLAIM] = {"UPDATE sources SET lease_owner = $1, lease_until = $2 WHERE id IN "
                         "(SELECT id FROM sources WHERE next_fetch <= $3 AND lease_until <= $3 "
                         "AND (url LIKE 'http://%' OR url LIKE 'https://%') "
                         "ORDER BY next_fetch, id LIMIT $4) RETURNING id",
                         "UPDATE sources SET lease_owner = $1, lease_until = $2 WHERE id IN "
                         "(SELECT id FROM sources WHERE next_fetch <= $3 AND lease_until <= $3 "
                         "AND (url LIKE 'http://%' OR url LIKE 'https://%') "
                         "ORDER BY next_fetch, id LIMIT $4 FOR UPDATE SKIP LOCKED) "
                         "AND lease_until <= $3 RETURNING id"},
    [ST_SOURCE_RELEASE] = {"UPDATE sources SET lease_owner = NULL, lease_until = 0 "
                           "WHERE lease_owner = $1",
                           NULL},
    [ST_FETCH_LOG] = {"INSERT INTO fetch_log (source_id, at, duration_ms, http_status, bytes, "
                      "new_articles, error) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      NULL},
    [ST_ARTICLE_INSERT] =
        {"INSERT INTO articles (source_id, guid, url, canonical_url, title, author, lang, image, "
         "excerpt, text, html, summary, key_points, extract_note, published, fetched, updated, "
         "content_hash, signature, story_id, dup_of) VALUES ($1, $2, $3, $4, coalesce($5, ''), "
         "$6, $7, $8, $9, coalesce($10, ''), $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
         "$21) RETURNING id",
         NULL},
    [ST_ARTICLE_BY_GUID] = {"SELECT id FROM articles WHERE source_id = $1 AND guid = $2", NULL},
    [ST_ARTICLE_BY_CANON] = {"SELECT id FROM articles WHERE canonical_url = $1", NULL},
    [ST_ARTICLE_GET] = {"SELECT " ARTICLE_COLS ARTICLE_TEXT_COLS " FROM articles a JOIN sources s "
                        "ON s.id = a.source_id WHERE a.id = $1",
                        NULL},
    [ST_ARTICLE_SET_STORY] = {"UPDATE articles SET story_id = $2, dup_of = $3 WHERE id = $1", NULL},
    [ST_ARTICLE_SET_SUMMARY] = {"UPDATE articles SET summary = $2, key_points = $3 WHERE id = $1",
                                NULL},
    [ST_ARTICLE_LIST] =
        {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s ON s.id = a.source_id "
         "WHERE (CAST($1 AS BIGINT) = 0 OR a.source_id = $1) AND (CAST($2 AS BIGINT) = 0 OR "
         "a.story_id = $2) "
         "AND (CAST($3 AS BIGINT) = 0 OR a.id IN (SELECT article_id FROM article_tags WHERE tag_id "
         "= $3)) "
         "AND (CAST($4 AS BIGINT) = 0 OR a.published < $4) ORDER BY a.published DESC, a.id DESC "
         "LIMIT $5 OFFSET $6",
         NULL},
    [ST_ARTICLE_LIST_TEXT] =
        {"SELECT " ARTICLE_COLS ARTICLE_TEXT_COLS " FROM articles a JOIN sources s "
         "ON s.id = a.source_id WHERE (CAST($1 AS BIGINT) = 0 OR a.source_id = $1) AND (CAST($2 AS "
         "BIGINT) = 0 OR a.story_id = $2) "
         "AND (CAST($3 AS BIGINT) = 0 OR a.id IN (SELECT article_id FROM article_tags WHERE tag_id "
         "= $3)) "
         "AND (CAST($4 AS BIGINT) = 0 OR a.published < $4) ORDER BY a.published DESC, a.id DESC "
         "LIMIT $5 OFFSET $6",
         NULL},
    /* one filter alone walks that filter's index instead of the whole table */
    [ST_ARTICLE_LIST_STORY] = {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                               "ON s.id = a.source_id WHERE a.story_id = $1 "
                               "AND (CAST($2 AS BIGINT) = 0 OR a.published < $2) "
                               "ORDER BY a.published DESC, a.id DESC LIMIT $3 OFFSET $4",
                               NULL},
    [ST_ARTICLE_LIST_STORY_TEXT] = {"SELECT " ARTICLE_COLS ARTICLE_TEXT_COLS
                                    " FROM articles a JOIN sources s ON s.id = a.source_id "
                                    "WHERE a.story_id = $1 "
                                    "AND (CAST($2 AS BIGINT) = 0 OR a.published < $2) "
                                    "ORDER BY a.published DESC, a.id DESC LIMIT $3 OFFSET $4",
                                    NULL},
    [ST_ARTICLE_LIST_SOURCE] = {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                                "ON s.id = a.source_id WHERE a.source_id = $1 "
                                "AND (CAST($2 AS BIGINT) = 0 OR a.published < $2) "
                                "ORDER BY a.published DESC, a.id DESC LIMIT $3 OFFSET $4",
                                NULL},
    [ST_ARTICLE_LIST_SOURCE_TEXT] = {"SELECT " ARTICLE_COLS ARTICLE_TEXT_COLS
                                     " FROM articles a JOIN sources s ON s.id = a.source_id "
                                     "WHERE a.source_id = $1 "
                                     "AND (CAST($2 AS BIGINT) = 0 OR a.published < $2) "
                                     "ORDER BY a.published DESC, a.id DESC LIMIT $3 OFFSET $4",
                                     NULL},
    [ST_COUNTS] = {"SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM articles), "
                   "(SELECT count(*) FROM stories WHERE merged_into IS NULL), "
                   "(SELECT count(*) FROM users), (SELECT count(*) FROM comments)",
                   NULL},
    /* the story index's replay and catch-up: text, but not the HTML nobody reads there */
    [ST_ARTICLE_RECENT] = {"SELECT * FROM (SELECT " ARTICLE_COLS ", a.text, NULL"
                           " FROM articles a JOIN sources s ON s.id = a.source_id "
                           "WHERE a.published >= $1 ORDER BY a.published DESC, a.id DESC "
                           "LIMIT $2) w ORDER BY 16, 1",
                           NULL},
    [ST_ARTICLE_AFTER] = {"SELECT " ARTICLE_COLS ", a.text, NULL FROM articles a "
                          "JOIN sources s ON s.id = a.source_id WHERE a.id > $1 "
                          "ORDER BY a.id LIMIT $2",
                          NULL},
    [ST_ARTICLE_NEWEST] = {"SELECT coalesce(max(id), 0), coalesce(max(published), 0) "
                           "FROM articles",
                           NULL},
    [ST_ARTICLE_SET_SIG] = {"UPDATE articles SET content_hash = $2, signature = $3 WHERE id = $1",
                            NULL},
    /* serializes story assignment across workers; the key is gazette's own */
    [ST_INGEST_LOCK] = {"SELECT 1", "SELECT pg_advisory_xact_lock(7461706573)"},
    [ST_STORY_INSERT] = {"INSERT INTO stories (title, summary, key_points, source_diff, "
                         "first_seen, last_updated, n_articles, n_sources, hotness) VALUES "
                         "(coalesce($1, ''), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                         NULL},
    [ST_STORY_UPDATE] = {"UPDATE stories SET title = coalesce($2, ''), summary = $3, "
                         "key_points = $4, source_diff = $5, first_seen = $6, last_updated = $7, "
                         "n_articles = $8, n_sources = $9, hotness = $10 WHERE id = $1",
                         NULL},
    [ST_STORY_GET] = {"SELECT " STORY_COLS " FROM stories WHERE id = $1", NULL},
    [ST_STORY_TOP] = {"SELECT " STORY_COLS " FROM stories WHERE merged_into IS NULL "
                      "ORDER BY hotness DESC, last_updated DESC, id DESC LIMIT $1 OFFSET $2",
                      NULL},
    [ST_STORY_MOVE_ARTICLES] = {"UPDATE articles SET story_id = $2 WHERE story_id = $1", NULL},
    [ST_STORY_MARK_MERGED] = {"UPDATE stories SET merged_into = $2, n_articles = 0, n_sources = 0, "
                              "hotness = 0 WHERE id = $1",
                              NULL},
    [ST_STORY_RECOUNT] =
        {"UPDATE stories SET n_articles = (SELECT count(*) FROM articles WHERE story_id = $1), "
         "n_sources = (SELECT count(DISTINCT source_id) FROM articles WHERE story_id = $1), "
         "first_seen = coalesce((SELECT min(published) FROM articles WHERE story_id = $1), "
         "first_seen), last_updated = coalesce((SELECT max(published) FROM articles "
         "WHERE story_id = $1), last_updated) WHERE id = $1",
         NULL},
    [ST_TAG_UPSERT] = {"INSERT INTO tags (slug, name, kind) VALUES ($1, $2, $3) "
                       "ON CONFLICT (slug) DO UPDATE SET kind = CASE WHEN tags.kind = 0 "
                       "THEN excluded.kind ELSE tags.kind END RETURNING id",
                       NULL},
    [ST_TAG_BY_SLUG] = {"SELECT t.id, t.slug, t.name, t.kind, (SELECT count(*) FROM article_tags "
                        "x WHERE x.tag_id = t.id) FROM tags t WHERE t.slug = $1",
                        NULL},
    [ST_ARTICLE_TAGS_CLEAR] = {"DELETE FROM article_tags WHERE article_id = $1", NULL},
    [ST_ARTICLE_TAG_ADD] = {"INSERT INTO article_tags (article_id, tag_id, rank, score) "
                            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                            NULL},
    [ST_ARTICLE_TAGS] = {"SELECT t.id, t.slug, t.name, t.kind, x.score FROM article_tags x "
                         "JOIN tags t ON t.id = x.tag_id WHERE x.article_id = $1 ORDER BY x.rank",
                         NULL},
    [ST_STORY_TAGS_CLEAR] = {"DELETE FROM story_tags WHERE story_id = $1", NULL},
    [ST_STORY_TAG_ADD] = {"INSERT INTO story_tags (story_id, tag_id, rank, score) "
                          "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                          NULL},
    [ST_STORY_TAGS] = {"SELECT t.id, t.slug, t.name, t.kind, x.score FROM story_tags x "
                       "JOIN tags t ON t.id = x.tag_id WHERE x.story_id = $1 ORDER BY x.rank",
                       NULL},
    [ST_RELATED_CLEAR] = {"DELETE FROM related WHERE article_id = $1", NULL},
    [ST_RELATED_ADD] = {"INSERT INTO related (article_id, related_id, rank, score) "
                        "VALUES ($1, $2, $3, $4)",
                        NULL},
/*
 * PostgreSQL only: a whole list in one statement, since every
 * statement there is a round trip to the server ($1 owner, $2 ids and
 * $3 scores as array literals; rank = position in the list).
 */
#define LINKS_ADD_MANY(table, owner, other)                                                        \
    "INSERT INTO " table " (" owner ", " other ", rank, score) SELECT $1, x.id, x.r - 1, x.s "     \
    "FROM unnest(CAST($2 AS bigint[]), CAST($3 AS float8[])) WITH ORDINALITY x(id, s, r) "
    [ST_ARTICLE_TAG_ADD_MANY] = {LINKS_ADD_MANY("article_tags", "article_id",
                                                "tag_id") "ON CONFLICT DO NOTHING",
                                 NULL},
    [ST_STORY_TAG_ADD_MANY] = {LINKS_ADD_MANY("story_tags", "story_id",
                                              "tag_id") "ON CONFLICT DO NOTHING",
                               NULL},
    [ST_RELATED_ADD_MANY] = {LINKS_ADD_MANY("related", "article_id", "related_id"), NULL},
    /* PostgreSQL only: slugs distinct, $1 slugs, $2 names, $3 kinds as array literals */
    [ST_TAG_UPSERT_MANY] = {"INSERT INTO tags (slug, name, kind) SELECT * FROM "
                            "unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS integer[])) "
                            "ON CONFLICT (slug) DO UPDATE SET kind = CASE WHEN tags.kind = 0 "
                            "THEN excluded.kind ELSE tags.kind END RETURNING id, slug",
                            NULL},
    [ST_RELATED_GET] = {"SELECT " ARTICLE_COLS " FROM related r JOIN articles a "
                        "ON a.id = r.related_id JOIN sources s ON s.id = a.source_id "
                        "WHERE r.article_id = $1 ORDER BY r.rank",
                        NULL},
    [ST_USER_INSERT] = {"INSERT INTO users (name, pass_hash, is_admin, created) "
                        "VALUES ($1, $2, $3, $4) RETURNING id",
                        NULL},
    [ST_USER_BY_NAME] = {"SELECT id, name, pass_hash, is_admin, created FROM users "
                         "WHERE name = $1",
                         NULL},
    [ST_USER_GET] = {"SELECT id, name, pass_hash, is_admin, created FROM users WHERE id = $1",
                     NULL},
    [ST_USER_SET_PASS] = {"UPDATE users SET pass_hash = $2 WHERE id = $1", NULL},
    [ST_USER_LIST] = {"SELECT id, name, pass_hash, is_admin, created FROM users ORDER BY name",
                      NULL},
    [ST_SESSION_INSERT] = {"INSERT INTO sessions (id_hash, user_id, csrf, created, expires) "
                           "VALUES ($1, $2, $3, $4, $5)",
                           NULL},
    [ST_SESSION_GET] = {"SELECT id_hash, user_id, csrf, created, expires FROM sessions "
                        "WHERE id_hash = $1 AND expires > $2",
                        NULL},
    [ST_SESSION_DELETE] = {"DELETE FROM sessions WHERE id_hash = $1", NULL},
    [ST_COMMENT_INSERT] = {"INSERT INTO comments (article_id, user_id, parent_id, body, created, "
                           "status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                           NULL},
    [ST_COMMENT_GET] = {"SELECT c.id, c.article_id, c.user_id, coalesce(c.parent_id, 0), c.body, "
                        "c.created, c.edited, c.status, c.reports, u.name FROM comments c "
                        "JOIN users u ON u.id = c.user_id WHERE c.id = $1",
                        NULL},
    [ST_COMMENT_LIST] = {"SELECT c.id, c.article_id, c.user_id, coalesce(c.parent_id, 0), c.body, "
                         "c.created, c.edited, c.status, c.reports, u.name FROM comments c "
                         "JOIN users u ON u.id = c.user_id WHERE c.article_id = $1 "
                         "ORDER BY c.created, c.id",
                         NULL},
    [ST_COMMENT_EDIT] = {"UPDATE comments SET body = $2, edited = $3 WHERE id = $1", NULL},
    [ST_COMMENT_STATUS] = {"UPDATE comments SET status = $2 WHERE id = $1", NULL},
    /* ---- accounts ---- */
    [ST_USER_FIND] = {"SELECT id, name, pass_hash, is_admin, created FROM users "
                      "WHERE lower(name) = lower($1)",
                      NULL},
    [ST_USER_SET_ADMIN] = {"UPDATE users SET is_admin = $2 WHERE id = $1", NULL},
    [ST_SESSION_DELETE_USER] = {"DELETE FROM sessions WHERE user_id = $1 "
                                "AND ($2 IS NULL OR id_hash <> $2)",
                                "DELETE FROM sessions WHERE user_id = $1 "
                                "AND ($2::text IS NULL OR id_hash <> $2)"},
    [ST_SESSION_PURGE] = {"DELETE FROM sessions WHERE expires <= $1", NULL},
    [ST_THROTTLE_ADD] = {"INSERT INTO throttle_events (scope, key, at) VALUES ($1, $2, $3)", NULL},
    [ST_THROTTLE_COUNT] = {"SELECT count(*), coalesce(min(at), 0) FROM throttle_events "
                           "WHERE scope = $1 AND key = $2 AND at >= $3",
                           NULL},
    [ST_THROTTLE_CLEAR] = {"DELETE FROM throttle_events WHERE scope = $1 AND key = $2", NULL},
    [ST_THROTTLE_PURGE] = {"DELETE FROM throttle_events WHERE at < $1", NULL},
    [ST_COMMENT_COUNT_SINCE] = {"SELECT count(*) FROM comments WHERE user_id = $1 "
                                "AND created >= $2",
                                NULL},
    [ST_COMMENT_REPORT_ADD] = {"INSERT INTO comment_reports (comment_id, user_id, at) "
                               "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                               NULL},
    [ST_COMMENT_REPORT_RECOUNT] = {"UPDATE comments SET reports = (SELECT count(*) FROM "
                                   "comment_reports WHERE comment_id = $1) WHERE id = $1",
                                   NULL},
    [ST_COMMENT_QUEUE_REPORTED] = {"SELECT " COMMENT_COLS ", a.title FROM comments c "
                                   "JOIN users u ON u.id = c.user_id JOIN articles a "
                                   "ON a.id = c.article_id WHERE c.reports > 0 "
                                   "ORDER BY c.reports DESC, c.created DESC, c.id DESC LIMIT $1",
                                   NULL},
    [ST_COMMENT_QUEUE_RECENT] = {"SELECT " COMMENT_COLS ", a.title FROM comments c "
                                 "JOIN users u ON u.id = c.user_id JOIN articles a "
                                 "ON a.id = c.article_id "
                                 "ORDER BY c.created DESC, c.id DESC LIMIT $1",
                                 NULL},
    /* ---- reader ---- */
    [ST_RDR_PREFS_GET] = {"SELECT " RDR_PREFS_COLS " FROM reader_prefs WHERE user_id = $1", NULL},
    [ST_RDR_PREFS_ENSURE] =
        {"INSERT INTO reader_prefs (user_id) VALUES ($1) ON CONFLICT DO NOTHING", NULL},
    [ST_RDR_SET_RULES] = {"UPDATE reader_prefs SET rules = $2, rules_version = rules_version + 1 "
                          "WHERE user_id = $1 RETURNING rules_version",
                          NULL},
    [ST_RDR_SET_DIGEST] = {"UPDATE reader_prefs SET digest = $2, email = $3 WHERE user_id = $1",
                           NULL},
    [ST_RDR_DIGEST_SENT] = {"UPDATE reader_prefs SET digest_sent = $2 WHERE user_id = $1", NULL},
    [ST_RDR_DIGEST_USERS] = {"SELECT p.user_id, p.read_before, p.rules, p.rules_version, p.digest, "
                             "p.email, p.digest_sent, p.api_hash, p.totp_secret, p.totp_last, "
                             "u.name FROM reader_prefs p JOIN users u ON u.id = p.user_id "
                             "WHERE p.digest > 0 AND p.email IS NOT NULL ORDER BY p.user_id",
                             NULL},
    [ST_RDR_SET_API_HASH] = {"UPDATE reader_prefs SET api_hash = $2 WHERE user_id = $1", NULL},
    [ST_RDR_FEVER_CLEAR] = {"DELETE FROM reader_fever_keys WHERE user_id = $1", NULL},
    [ST_RDR_FEVER_ADD] = {"INSERT INTO reader_fever_keys (api_key, user_id) VALUES ($1, $2) "
                          "ON CONFLICT (api_key) DO UPDATE SET user_id = excluded.user_id",
                          NULL},
    [ST_RDR_FEVER_USER] =
        {"SELECT k.user_id FROM reader_fever_keys k JOIN reader_prefs p "
         "ON p.user_id = k.user_id WHERE k.api_key = $1 AND p.api_hash IS NOT NULL",
         NULL},
    [ST_RDR_TOKENS_CLEAR] = {"DELETE FROM reader_tokens WHERE user_id = $1", NULL},
    [ST_RDR_TOKEN_ADD] =
        {"INSERT INTO reader_tokens (id_hash, user_id, created) VALUES ($1, $2, $3)", NULL},
    [ST_RDR_TOKEN_USER] =
        {"SELECT t.user_id FROM reader_tokens t JOIN reader_prefs p "
         "ON p.user_id = t.user_id WHERE t.id_hash = $1 AND p.api_hash IS NOT NULL",
         NULL},
    [ST_RDR_SET_TOTP] =
        {"UPDATE reader_prefs SET totp_secret = $2, totp_last = 0 WHERE user_id = $1", NULL},
    [ST_RDR_RECOVERY_CLEAR] = {"DELETE FROM reader_recovery WHERE user_id = $1", NULL},
    [ST_RDR_RECOVERY_ADD] = {"INSERT INTO reader_recovery (user_id, code_hash) VALUES ($1, $2) "
                             "ON CONFLICT DO NOTHING",
                             NULL},
    [ST_RDR_TOTP_STEP] = {"UPDATE reader_prefs SET totp_last = $2 WHERE user_id = $1 "
                          "AND totp_last < $2",
                          NULL},
    [ST_RDR_RECOVERY_USE] = {"UPDATE reader_recovery SET used = 1 WHERE user_id = $1 "
                             "AND code_hash = $2 AND used = 0",
                             NULL},
    [ST_RDR_RECOVERY_LEFT] =
        {"SELECT count(*) FROM reader_recovery WHERE user_id = $1 AND used = 0", NULL},
    [ST_RDR_CHALLENGE_ADD] = {"INSERT INTO reader_challenges (id_hash, user_id, next, expires) "
                              "VALUES ($1, $2, $3, $4)",
                              NULL},
    [ST_RDR_CHALLENGE_PURGE] = {"DELETE FROM reader_challenges WHERE expires <= $1", NULL},
    [ST_RDR_CHALLENGE_GET] = {"SELECT id_hash, user_id, next, expires FROM reader_challenges "
                              "WHERE id_hash = $1 AND expires > $2",
                              NULL},
    [ST_RDR_CHALLENGE_DELETE] = {"DELETE FROM reader_challenges WHERE id_hash = $1", NULL},
    [ST_RDR_SUBS] = {"SELECT s.id, s.url, s.site_url, coalesce(m.title, s.title), m.title, "
                     "coalesce(m.follow, 1), coalesce(m.category_id, 0), c.name, "
                     "coalesce(m.read_before, 0), s.last_ok FROM sources s "
                     "LEFT JOIN reader_subs m ON m.user_id = $1 AND m.source_id = s.id "
                     "LEFT JOIN reader_categories c ON c.id = m.category_id "
                     "ORDER BY lower(coalesce(m.title, s.title)), s.id",
                     NULL},
    [ST_RDR_SOURCE_EXISTS] = {"SELECT id FROM sources WHERE id = $1", NULL},
    [ST_RDR_SUB_ENSURE] = {"INSERT INTO reader_subs (user_id, source_id) VALUES ($1, $2) "
                           "ON CONFLICT DO NOTHING",
                           NULL},
    [ST_RDR_FOLLOW] = {"UPDATE reader_subs SET follow = $3 WHERE user_id = $1 AND source_id = $2",
                       NULL},
    [ST_RDR_SET_TITLE] = {"UPDATE reader_subs SET title = $3 WHERE user_id = $1 AND source_id = $2",
                          NULL},
    [ST_RDR_CAT_FIND] = {"SELECT id FROM reader_categories WHERE user_id = $1 "
                         "AND lower(name) = lower($2)",
                         NULL},
    [ST_RDR_CAT_INSERT] = {"INSERT INTO reader_categories (user_id, name) VALUES ($1, $2) "
                           "RETURNING id",
                           NULL},
    [ST_RDR_SET_CAT] = {"UPDATE reader_subs SET category_id = $3 WHERE user_id = $1 "
                        "AND source_id = $2",
                        NULL},
    [ST_RDR_CATS] = {"SELECT c.id, c.name, (SELECT count(*) FROM reader_subs m "
                     "WHERE m.category_id = c.id) FROM reader_categories c WHERE c.user_id = $1 "
                     "ORDER BY lower(c.name), c.id",
                     NULL},
    [ST_RDR_CAT_OWNED] = {"SELECT id FROM reader_categories WHERE id = $2 AND user_id = $1", NULL},
    [ST_RDR_CAT_RENAME] = {"UPDATE reader_categories SET name = $3 WHERE id = $2 AND user_id = $1",
                           NULL},
    [ST_RDR_CAT_DELETE] = {"DELETE FROM reader_categories WHERE id = $2 AND user_id = $1", NULL},
    [ST_RDR_MARK] =
        {"INSERT INTO reader_states (user_id, article_id, read, at) VALUES ($1, $2, $3, $4) "
         "ON CONFLICT (user_id, article_id) DO UPDATE SET read = excluded.read, "
         "at = excluded.at",
         NULL},
    [ST_RDR_STAR] = {"INSERT INTO reader_states (user_id, article_id, starred, at) "
                     "VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, article_id) DO UPDATE "
                     "SET starred = excluded.starred, at = excluded.at",
                     NULL},
    [ST_RDR_MARK_ALL] = {"UPDATE reader_prefs SET " RDR_MAX("read_before",
                                                            "$2") " WHERE user_id = $1",
                         NULL},
    [ST_RDR_MARK_SOURCE] = {"UPDATE reader_subs SET " RDR_MAX(
                                "read_before", "$3") " WHERE user_id = $1 AND source_id = $2",
                            NULL},
    [ST_RDR_MARK_CATEGORY] = {"UPDATE reader_subs SET " RDR_MAX(
                                  "read_before", "$3") " WHERE user_id = $1 AND category_id = $2",
                              NULL},
    [ST_RDR_KEPT_ALL] =
        {"UPDATE reader_states SET read = 1 WHERE user_id = $1 AND read = 0 "
         "AND EXISTS (SELECT 1 FROM articles a WHERE a.id = reader_states.article_id "
         "AND a.fetched < $2)",
         NULL},
    [ST_RDR_KEPT_SOURCE] = {"UPDATE reader_states SET read = 1 WHERE user_id = $1 AND read = 0 "
                            "AND EXISTS (SELECT 1 FROM articles a WHERE a.id = "
                            "reader_states.article_id AND a.source_id = $2 AND a.fetched < $3)",
                            NULL},
    [ST_RDR_KEPT_CATEGORY] = {"UPDATE reader_states SET read = 1 WHERE user_id = $1 AND read = 0 "
                              "AND EXISTS (SELECT 1 FROM articles a JOIN reader_subs m "
                              "ON m.user_id = $1 AND m.source_id = a.source_id WHERE a.id = "
                              "reader_states.article_id AND m.category_id = $2 AND a.fetched < $3)",
                              NULL},
    [ST_RDR_STORY_MARK] = {"INSERT INTO reader_story_reads (user_id, story_id, at, n_sources) "
                           "SELECT $1, id, $3, n_sources FROM stories WHERE id = $2 "
                           "ON CONFLICT (user_id, story_id) DO UPDATE SET at = excluded.at, "
                           "n_sources = excluded.n_sources",
                           NULL},
    [ST_RDR_STORY_KEPT] = {"UPDATE reader_states SET read = 1 WHERE user_id = $1 AND read = 0 "
                           "AND EXISTS (SELECT 1 FROM articles a WHERE a.id = "
                           "reader_states.article_id AND a.story_id = $2)",
                           NULL},
    [ST_RDR_STORY_UNMARK] = {"DELETE FROM reader_story_reads WHERE user_id = $1 AND story_id = $2",
                             NULL},
    [ST_RDR_STORY_NEWS] = {"SELECT s.id, s.title, s.n_sources, sr.n_sources, s.last_updated "
                           "FROM reader_story_reads sr JOIN stories s ON s.id = sr.story_id "
                           "WHERE sr.user_id = $1 AND s.merged_into IS NULL "
                           "AND s.n_sources > sr.n_sources "
                           "ORDER BY s.last_updated DESC, s.id DESC LIMIT $2",
                           NULL},
    [ST_RDR_STORY_MARKS] = {"SELECT story_id, n_sources FROM reader_story_reads WHERE user_id = $1 "
                            "AND " RDR_IN_IDS("story_id", 2),
                            "SELECT story_id, n_sources FROM reader_story_reads WHERE user_id = $1 "
                            "AND " RDR_IN_IDS_PG("story_id", 2)},
    [ST_RDR_SUBS_MAP] = {"SELECT s.id, coalesce(m.follow, 1), coalesce(m.read_before, 0), "
                         "coalesce(m.category_id, 0), s.title, s.url, s.site_url FROM sources s "
                         "LEFT JOIN reader_subs m ON m.user_id = $1 AND m.source_id = s.id",
                         NULL},
    [ST_RDR_SCAN_DESC] = {RDR_SCAN(RDR_SCAN_COLS, "DESC"), NULL},
    [ST_RDR_SCAN_ASC] = {RDR_SCAN(RDR_SCAN_COLS, "ASC"), NULL},
    [ST_RDR_SCAN_TEXT_DESC] = {RDR_SCAN(RDR_SCAN_COLS RDR_SCAN_TEXT, "DESC"), NULL},
    [ST_RDR_SCAN_TEXT_ASC] = {RDR_SCAN(RDR_SCAN_COLS RDR_SCAN_TEXT, "ASC"), NULL},
    [ST_RDR_SCAN_SRC_DESC] = {RDR_SCAN_SRC(RDR_SCAN_COLS, "DESC"), NULL},
    [ST_RDR_SCAN_SRC_ASC] = {RDR_SCAN_SRC(RDR_SCAN_COLS, "ASC"), NULL},
    [ST_RDR_SCAN_SRC_TEXT_DESC] = {RDR_SCAN_SRC(RDR_SCAN_COLS RDR_SCAN_TEXT, "DESC"), NULL},
    [ST_RDR_SCAN_SRC_TEXT_ASC] = {RDR_SCAN_SRC(RDR_SCAN_COLS RDR_SCAN_TEXT, "ASC"), NULL},
    [ST_RDR_SCAN_STAR_DESC] = {RDR_SCAN_STAR(RDR_SCAN_COLS, "DESC"), NULL},
    [ST_RDR_SCAN_STAR_ASC] = {RDR_SCAN_STAR(RDR_SCAN_COLS, "ASC"), NULL},
    [ST_RDR_SCAN_STAR_TEXT_DESC] = {RDR_SCAN_STAR(RDR_SCAN_COLS RDR_SCAN_TEXT, "DESC"), NULL},
    [ST_RDR_SCAN_STAR_TEXT_ASC] = {RDR_SCAN_STAR(RDR_SCAN_COLS RDR_SCAN_TEXT, "ASC"), NULL},
    [ST_RDR_STATES_RANGE] = {"SELECT article_id, coalesce(read, -1), starred FROM reader_states "
                             "WHERE user_id = $1 AND article_id >= $2 AND article_id <= $3",
                             NULL},
    [ST_RDR_HAS_STORY_READS] = {"SELECT count(*) FROM (SELECT 1 FROM reader_story_reads "
                                "WHERE user_id = $1 LIMIT 1) x",
                                NULL},
    [ST_RDR_STORY_READ_IN] =
        {"SELECT story_id FROM reader_story_reads WHERE user_id = $1 AND " RDR_IN_IDS("story_id",
                                                                                      2),
         "SELECT story_id FROM reader_story_reads WHERE user_id = $1 AND " RDR_IN_IDS_PG("story_id",
                                                                                         2)},
    [ST_RDR_READ_IN] =
        {"SELECT article_id FROM reader_states WHERE user_id = $1 AND read = 1 AND " RDR_IN_IDS(
             "article_id", 2),
         "SELECT article_id FROM reader_states WHERE user_id = $1 AND read = 1 AND " RDR_IN_IDS_PG(
             "article_id", 2)},
    [ST_RDR_ARTICLES_DESC] = {RDR_ARTICLES(RDR_IN_IDS("a.id", 3), "DESC"),
                              RDR_ARTICLES(RDR_IN_IDS_PG("a.id", 3), "DESC")},
    [ST_RDR_ARTICLES_ASC] = {RDR_ARTICLES(RDR_IN_IDS("a.id", 3), "ASC"),
                             RDR_ARTICLES(RDR_IN_IDS_PG("a.id", 3), "ASC")},
    [ST_RDR_TAGS] = {"SELECT x.article_id, t.slug, t.kind FROM article_tags x JOIN tags t "
                     "ON t.id = x.tag_id WHERE " RDR_IN_IDS("x.article_id",
                                                            1) " ORDER BY x.article_id, x.rank",
                     "SELECT x.article_id, t.slug, t.kind FROM article_tags x JOIN tags t "
                     "ON t.id = x.tag_id WHERE " RDR_IN_IDS_PG("x.article_id",
                                                               1) " ORDER BY x.article_id, x.rank"},
    [ST_RDR_SOURCE_COUNTS] = {"SELECT source_id, count(*), max(id) FROM articles WHERE id > $1 "
                              "GROUP BY source_id ORDER BY source_id",
                              NULL},
    [ST_RDR_LATEST] = {"SELECT coalesce((SELECT max(id) FROM articles), 0), "
                       "coalesce((SELECT max(last_ok) FROM sources), 0)",
                       NULL},
};

/* struct store itself is in store_int.h, shared with copy.c. */

/* ---- statements ---- */

static int
stmt(struct store *st, enum stmt_id id, struct db_stmt **out, struct gz_err *err)
{
    if (!st->cache[id]) {
        const char *sql = st->is_pg && stmts[id].pg ? stmts[id].pg : stmts[id].sql;
        int rc = st->ops->prepare(st->db, sql, &st->cache[id], err);

        if (rc)
            return rc;
    }
    *out = st->cache[id];
    st->ops->reset(*out);
    return 0;
}

#define B64(i, v) st->ops->bind_i64(s, (i), (v))
#define BTXT(i, v) st->ops->bind_text(s, (i), (v))
#define BDBL(i, v) st->ops->bind_double(s, (i), (v))
#define BBLOB(i, p, n) st->ops->bind_blob(s, (i), (p), (n))
#define C64(c) st->ops->col_i64(s, (c))
#define CDBL(c) st->ops->col_double(s, (c))

static const char *
ctext(struct store *st, struct db_stmt *s, int col, struct arena *a)
{
    return arena_strdup(a, st->ops->col_text(s, col));
}

static const unsigned char *
cblob(struct store *st, struct db_stmt *s, int col, struct arena *a, size_t *len)
{
    size_t n = 0;
    const void *p = st->ops->col_blob(s, col, &n);
    unsigned char *q;

    if (len)
        *len = n;
    if (!p || st->ops->is_null(s, col))
        return NULL;
    q = arena_alloc(a, n ? n : 1);
    memcpy(q, p, n);
    return q;
}

/* Run a statement that returns no rows. */
static int
run(struct store *st, struct db_stmt *s, struct gz_err *err)
{
    int rc = st->ops->step(s, err);

    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

/* Run a statement that returns one id; GZ_ENOTFOUND when no row. */
static int
run_id(struct store *st, struct db_stmt *s, int64_t *id, struct gz_err *err)
{
    int rc = st->ops->step(s, err);

    if (rc == DB_ROW) {
        *id = st->ops->col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = GZ_ENOTFOUND;
    }
    st->ops->reset(s);
    return rc;
}

/*
 * Collect rows into an arena array with a row reader: the loop every list
 * function needs.  `read` fills one element from the current row.
 */
typedef void (*row_fn)(struct store *st, struct db_stmt *s, struct arena *a, void *elem);

static int
collect(struct store *st, struct db_stmt *s, struct arena *a, size_t size, row_fn read, void **out,
        size_t *n, struct gz_err *err)
{
    size_t cap = 16;
    size_t len = 0;
    char *arr = arena_alloc(a, cap * size);
    int rc;

    while ((rc = st->ops->step(s, err)) == DB_ROW) {
        if (len == cap) {
            char *bigger = arena_alloc(a, cap * 2 * size);

            memcpy(bigger, arr, cap * size);
            arr = bigger;
            cap *= 2;
        }
        memset(arr + len * size, 0, size);
        read(st, s, a, arr + len * size);
        len++;
    }
    st->ops->reset(s);
    if (rc < 0)
        return rc;
    *out = arr;
    *n = len;
    return 0;
}

/* One row into *out via read; GZ_ENOTFOUND with a message when none. */
static int
one(struct store *st, struct db_stmt *s, struct arena *a, row_fn read, void *out,
    struct gz_err *err, const char *what, int64_t id)
{
    int rc = st->ops->step(s, err);

    if (rc == DB_ROW) {
        read(st, s, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no %s %lld", what, (long long)id);
    }
    st->ops->reset(s);
    return rc;
}

/* ---- opening and migrations ---- */

static const struct embed_file *
migrations(const struct store *st)
{
    return st->is_pg ? embed_pg_migrations : embed_sqlite_migrations;
}

static int
latest_version(const struct store *st)
{
    int v = 0;

    for (const struct embed_file *f = migrations(st); f->name; f++) {
        const char *base = strrchr(f->name, '/');

        base = base ? base + 1 : f->name;
        v = atoi(base) > v ? atoi(base) : v; /* names are NNNN_what.sql */
    }
    return v;
}

int
store_schema_version(struct store *st, int *current, int *latest, struct gz_err *err)
{
    int rc = st->ops->get_version(st->db, current, err);

    *latest = latest_version(st);
    return rc;
}

int
store_migrate(struct store *st, int *applied, struct gz_err *err)
{
    int current;
    int count = 0;
    int rc = st->ops->get_version(st->db, &current, err);

    if (rc)
        return rc;
    if (current > latest_version(st))
        return gz_errf(err, GZ_EDB,
                       "database schema version %d is newer than this gazette knows (%d)", current,
                       latest_version(st));
    for (const struct embed_file *f = migrations(st); f->name; f++) {
        const char *base = strrchr(f->name, '/');
        int v;

        base = base ? base + 1 : f->name;
        v = atoi(base);
        if (v <= current)
            continue;
        rc = st->ops->exec(st->db, st->is_pg ? "BEGIN" : "BEGIN IMMEDIATE", err);
        if (!rc)
            rc = st->ops->exec(st->db, (const char *)f->data, err);
        if (!rc)
            rc = st->ops->set_version(st->db, v, err);
        if (!rc)
            rc = st->ops->exec(st->db, "COMMIT", err);
        if (rc) {
            struct gz_err ignore = GZ_ERR_INIT;

            st->ops->exec(st->db, "ROLLBACK", &ignore);
            return gz_errf(err, rc, "migration %s failed: %s", base, err ? err->msg : "");
        }
        log_info("msg=\"applied migration\" name=%s", base);
        current = v;
        count++;
    }
    if (applied)
        *applied = count;
    return 0;
}

int
store_open(struct store **out, const char *dsn, unsigned flags, struct gz_err *err)
{
    struct store *st;
    int rc;

    if (!dsn || !*dsn)
        return gz_errf(err, GZ_EINVAL, "no database given");
    st = xcalloc(1, sizeof(*st));
    st->cache = xcalloc(ST_COUNT, sizeof(*st->cache));
    if (str_has_prefix(dsn, "postgres://") || str_has_prefix(dsn, "postgresql://")) {
        st->ops = &db_pg_ops;
        st->is_pg = 1;
    } else {
        st->ops = &db_sqlite_ops;
    }
    rc = st->ops->open(&st->db, dsn, (flags & STORE_READONLY) ? 2 : 0, err);
    if (rc) {
        free(st->cache);
        free(st);
        return rc;
    }
    if (!(flags & STORE_NO_MIGRATE) && !(flags & STORE_READONLY)) {
        rc = store_migrate(st, NULL, err);
        if (rc) {
            store_close(st);
            return rc;
        }
    }
    *out = st;
    return 0;
}

void
store_close(struct store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        store_rollback(st);
    for (int i = 0; i < ST_COUNT; i++)
        st->ops->finalize(st->cache[i]);
    free(st->cache);
    for (int i = 0; i < STORE_WEB_STMTS; i++)
        st->ops->finalize(st->web_cache[i]);
    st->ops->close(st->db);
    free(st);
}

const char *
store_backend(const struct store *st)
{
    return st->ops->name;
}

int
store_begin(struct store *st, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (st->in_tx)
        return gz_errf(err, GZ_EINVAL, "a transaction is already open");
    /* IMMEDIATE takes the write lock now, so the batch cannot deadlock later */
    rc = stmt(st, ST_BEGIN_IMMEDIATE, &s, err);
    if (!rc)
        rc = run(st, s, err);
    if (!rc)
        st->in_tx = 1;
    return rc;
}

int
store_commit(struct store *st, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (!st->in_tx)
        return gz_errf(err, GZ_EINVAL, "no transaction is open");
    rc = stmt(st, ST_COMMIT, &s, err);
    if (!rc)
        rc = run(st, s, err);
    if (rc)
        store_rollback(st);
    st->in_tx = 0;
    return rc;
}

void
store_rollback(struct store *st)
{
    struct gz_err err = GZ_ERR_INIT;

    if (!st->in_tx)
        return;
    if (st->ops->exec(st->db, "ROLLBACK", &err))
        log_warn("msg=\"rollback failed\" err=\"%s\"", err.msg);
    st->in_tx = 0;
}

int
store_savepoint(struct store *st, struct gz_err *err)
{
    if (!st->in_tx)
        return gz_errf(err, GZ_EINVAL, "a savepoint needs an open transaction");
    return st->ops->exec(st->db, "SAVEPOINT item", err);
}

int
store_savepoint_release(struct store *st, struct gz_err *err)
{
    return st->ops->exec(st->db, "RELEASE SAVEPOINT item", err);
}

void
store_savepoint_rollback(struct store *st)
{
    struct gz_err err = GZ_ERR_INIT;

    if (st->ops->exec(st->db, "ROLLBACK TO SAVEPOINT item", &err) ||
        st->ops->exec(st->db, "RELEASE SAVEPOINT item", &err))
        log_warn("msg=\"savepoint rollback failed\" err=\"%s\"", err.msg);
}

/* ---- sources ---- */

static void
read_source(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_source *o = elem;

    o->id = C64(0);
    o->url = ctext(st, s, 1, a);
    o->site_url = ctext(st, s, 2, a);
    o->title = ctext(st, s, 3, a);
    o->category = ctext(st, s, 4, a);
    o->etag = ctext(st, s, 5, a);
    o->last_modified = ctext(st, s, 6, a);
    o->interval = C64(7);
    o->next_fetch = C64(8);
    o->last_fetch = C64(9);
    o->last_ok = C64(10);
    o->failing_since = C64(11);
    o->created = C64(12);
    o->error_count = C64(13);
    o->last_error = ctext(st, s, 14, a);
    o->n_articles = C64(15);
}

int
store_source_add(struct store *st, const struct store_source *src, int64_t *id, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t now = time_now();
    int rc = stmt(st, ST_SOURCE_INSERT, &s, err);

    if (rc)
        return rc;
    BTXT(1, src->url);
    BTXT(2, src->site_url);
    BTXT(3, src->title);
    BTXT(4, src->category);
    B64(5, src->interval > 0 ? src->interval : 1800);
    B64(6, src->next_fetch);
    B64(7, src->created ? src->created : now);
    rc = run_id(st, s, id, err);
    if (rc != GZ_ENOTFOUND)
        return rc;
    /* it existed: fill in what it lacked */
    rc = stmt(st, ST_SOURCE_FILL, &s, err);
    if (rc)
        return rc;
    BTXT(1, src->url);
    BTXT(2, src->title);
    BTXT(3, src->site_url);
    BTXT(4, src->category);
    return run_id(st, s, id, err);
}

int
store_source_get(struct store *st, int64_t id, struct arena *a, struct store_source *out,
                 struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_GET, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return one(st, s, a, read_source, out, err, "source", id);
}

int
store_source_by_url(struct store *st, const char *url, struct arena *a, struct store_source *out,
                    struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_BY_URL, &s, err);

    if (rc)
        return rc;
    BTXT(1, url);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        read_source(st, s, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no source '%s'", url);
    }
    st->ops->reset(s);
    return rc;
}

int
store_source_list(struct store *st, struct arena *a, struct store_source **out, size_t *n,
                  struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_LIST, &s, err);

    if (rc)
        return rc;
    return collect(st, s, a, sizeof(**out), read_source, (void **)out, n, err);
}

int
store_source_due(struct store *st, int64_t now, size_t limit, struct arena *a,
                 struct store_source **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_DUE, &s, err);

    if (rc)
        return rc;
    B64(1, now);
    B64(2, (int64_t)limit);
    return collect(st, s, a, sizeof(**out), read_source, (void **)out, n, err);
}

static void
read_id(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    (void)a;
    *(int64_t *)elem = C64(0);
}

int
store_source_claim(struct store *st, const char *owner, int64_t now, int64_t lease_until,
                   size_t limit, struct arena *a, struct store_source **out, size_t *n,
                   struct gz_err *err)
{
    struct db_stmt *s;
    int64_t *ids = NULL;
    size_t nids = 0;
    size_t k = 0;
    int own = !st->in_tx;
    int rc;

    *out = NULL;
    *n = 0;
    if (!owner || !*owner)
        return gz_errf(err, GZ_EINVAL, "a claim needs an owner");
    if (!limit)
        return 0;
    if (own && (rc = store_begin(st, err)))
        return rc;
    rc = stmt(st, ST_SOURCE_CLAIM, &s, err);
    if (!rc) {
        BTXT(1, owner);
        B64(2, lease_until);
        B64(3, now);
        B64(4, (int64_t)limit);
        rc = collect(st, s, a, sizeof(*ids), read_id, (void **)&ids, &nids, err);
    }
    if (!rc)
        *out = ARENA_NEWN(a, struct store_source, nids ? nids : 1);
    for (size_t i = 0; !rc && i < nids; i++) {
        rc = store_source_get(st, ids[i], a, &(*out)[k], err);
        if (!rc)
            k++;
    }
    if (own) {
        if (rc)
            store_rollback(st);
        else
            rc = store_commit(st, err);
    }
    if (rc) {
        *out = NULL;
        return rc;
    }
    *n = k;
    return 0;
}

int
store_source_release(struct store *st, const char *owner, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_RELEASE, &s, err);

    if (rc)
        return rc;
    BTXT(1, owner);
    return run(st, s, err);
}

int
store_source_delete(struct store *st, int64_t id, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SOURCE_DELETE, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    rc = run(st, s, err);
    if (!rc && st->ops->changes(st->db) == 0)
        return gz_errf(err, GZ_ENOTFOUND, "no source %lld", (long long)id);
    return rc;
}

int
store_source_fetched(struct store *st, const struct store_fetch *f, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (f->error) {
        rc = stmt(st, ST_SOURCE_FETCH_ERR, &s, err);
        if (rc)
            return rc;
        B64(1, f->source_id);
        B64(2, f->at);
        BTXT(3, f->error);
        B64(4, f->next_fetch);
    } else {
        rc = stmt(st, ST_SOURCE_FETCH_OK, &s, err);
        if (rc)
            return rc;
        B64(1, f->source_id);
        B64(2, f->at);
        B64(3, f->next_fetch);
        BTXT(4, f->etag);
        BTXT(5, f->last_modified);
    }
    rc = run(st, s, err);
    if (rc)
        return rc;
    if (f->new_url && !f->error) {
        rc = stmt(st, ST_SOURCE_SET_URL, &s, err);
        if (rc)
            return rc;
        B64(1, f->source_id);
        BTXT(2, f->new_url);
        rc = run(st, s, err);
        if (rc == GZ_EEXIST)
            rc = 0; /* another source already has that URL: keep ours */
        if (rc)
            return rc;
    }
    rc = stmt(st, ST_FETCH_LOG, &s, err);
    if (rc)
        return rc;
    B64(1, f->source_id);
    B64(2, f->at);
    B64(3, f->duration_ms);
    B64(4, f->http_status);
    B64(5, f->bytes);
    B64(6, f->new_articles);
    BTXT(7, f->error);
    return run(st, s, err);
}

/* ---- articles ---- */

static void
read_article_cols(struct store *st, struct db_stmt *s, struct arena *a, struct store_article *o)
{
    o->id = C64(0);
    o->source_id = C64(1);
    o->story_id = C64(2);
    o->dup_of = C64(3);
    o->guid = ctext(st, s, 4, a);
    o->url = ctext(st, s, 5, a);
    o->canonical_url = ctext(st, s, 6, a);
    o->title = ctext(st, s, 7, a);
    o->author = ctext(st, s, 8, a);
    o->lang = ctext(st, s, 9, a);
    o->image = ctext(st, s, 10, a);
    o->excerpt = ctext(st, s, 11, a);
    o->summary = ctext(st, s, 12, a);
    o->key_points = ctext(st, s, 13, a);
    o->extract_note = ctext(st, s, 14, a);
    o->published = C64(15);
    o->fetched = C64(16);
    o->updated = C64(17);
    o->content_hash = cblob(st, s, 18, a, NULL);
    o->signature = cblob(st, s, 19, a, &o->signature_len);
    o->source_title = ctext(st, s, 20, a);
    o->source_site = ctext(st, s, 21, a);
}

static void
read_article(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    read_article_cols(st, s, a, elem);
}

static void
read_article_text(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_article *o = elem;

    read_article_cols(st, s, a, o);
    o->text = ctext(st, s, 22, a);
    o->html = ctext(st, s, 23, a);
}

int
store_article_add(struct store *st, struct store_article *a, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_INSERT, &s, err);

    if (rc)
        return rc;
    B64(1, a->source_id);
    BTXT(2, a->guid);
    BTXT(3, a->url);
    BTXT(4, a->canonical_url);
    BTXT(5, a->title);
    BTXT(6, a->author);
    BTXT(7, a->lang);
    BTXT(8, a->image);
    BTXT(9, a->excerpt);
    BTXT(10, a->text);
    BTXT(11, a->html);
    BTXT(12, a->summary);
    BTXT(13, a->key_points);
    BTXT(14, a->extract_note);
    B64(15, a->published);
    B64(16, a->fetched ? a->fetched : time_now());
    B64(17, a->updated);
    BBLOB(18, a->content_hash, a->content_hash ? 32 : 0);
    BBLOB(19, a->signature, a->signature_len);
    if (a->story_id)
        B64(20, a->story_id);
    else
        BTXT(20, NULL);
    if (a->dup_of)
        B64(21, a->dup_of);
    else
        BTXT(21, NULL);
    rc = run_id(st, s, &a->id, err);
    if (rc == GZ_EEXIST)
        return gz_errf(err, GZ_EEXIST, "article '%s' is already stored", a->guid ? a->guid : "");
    return rc;
}

int
store_article_find(struct store *st, int64_t source_id, const char *guid, const char *canonical_url,
                   int64_t *id, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    *id = 0;
    if (guid) {
        rc = stmt(st, ST_ARTICLE_BY_GUID, &s, err);
        if (rc)
            return rc;
        B64(1, source_id);
        BTXT(2, guid);
        rc = run_id(st, s, id, err);
        if (rc != GZ_ENOTFOUND)
            return rc;
    }
    if (canonical_url) {
        rc = stmt(st, ST_ARTICLE_BY_CANON, &s, err);
        if (rc)
            return rc;
        BTXT(1, canonical_url);
        rc = run_id(st, s, id, err);
        if (rc != GZ_ENOTFOUND)
            return rc;
    }
    *id = 0;
    return 0;
}

int
store_article_get(struct store *st, int64_t id, struct arena *a, struct store_article *out,
                  struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_GET, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return one(st, s, a, read_article_text, out, err, "article", id);
}

int
store_article_set_story(struct store *st, int64_t id, int64_t story_id, int64_t dup_of,
                        struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_SET_STORY, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    if (story_id)
        B64(2, story_id);
    else
        BTXT(2, NULL);
    if (dup_of)
        B64(3, dup_of);
    else
        BTXT(3, NULL);
    return run(st, s, err);
}

int
store_article_set_summary(struct store *st, int64_t id, const char *summary, const char *key_points,
                          struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_SET_SUMMARY, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    BTXT(2, summary);
    BTXT(3, key_points);
    return run(st, s, err);
}

int
store_article_list(struct store *st, const struct store_article_query *q, struct arena *a,
                   struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if ((q->story_id != 0) + (q->source_id != 0) + (q->tag_id != 0) == 1 && !q->tag_id) {
        enum stmt_id id =
            q->story_id ? (q->with_text ? ST_ARTICLE_LIST_STORY_TEXT : ST_ARTICLE_LIST_STORY)
                        : (q->with_text ? ST_ARTICLE_LIST_SOURCE_TEXT : ST_ARTICLE_LIST_SOURCE);

        rc = stmt(st, id, &s, err);
        if (rc)
            return rc;
        B64(1, q->story_id ? q->story_id : q->source_id);
        B64(2, q->before);
        B64(3, q->limit > 0 ? q->limit : 50);
        B64(4, q->offset);
        return collect(st, s, a, sizeof(**out), q->with_text ? read_article_text : read_article,
                       (void **)out, n, err);
    }
    rc = stmt(st, q->with_text ? ST_ARTICLE_LIST_TEXT : ST_ARTICLE_LIST, &s, err);
    if (rc)
        return rc;
    B64(1, q->source_id);
    B64(2, q->story_id);
    B64(3, q->tag_id);
    B64(4, q->before);
    B64(5, q->limit > 0 ? q->limit : 50);
    B64(6, q->offset);
    return collect(st, s, a, sizeof(**out), q->with_text ? read_article_text : read_article,
                   (void **)out, n, err);
}

int
store_article_recent(struct store *st, int64_t since, int64_t limit, struct arena *a,
                     struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_RECENT, &s, err);

    if (rc)
        return rc;
    B64(1, since);
    B64(2, limit);
    return collect(st, s, a, sizeof(**out), read_article_text, (void **)out, n, err);
}

int
store_article_after(struct store *st, int64_t after_id, int64_t limit, struct arena *a,
                    struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_AFTER, &s, err);

    if (rc)
        return rc;
    B64(1, after_id);
    B64(2, limit);
    return collect(st, s, a, sizeof(**out), read_article_text, (void **)out, n, err);
}

int
store_article_newest(struct store *st, int64_t *max_id, int64_t *max_published, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_NEWEST, &s, err);

    if (rc)
        return rc;
    *max_id = 0;
    *max_published = 0;
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        *max_id = C64(0);
        *max_published = C64(1);
    }
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

int
store_article_set_signature(struct store *st, int64_t id, const unsigned char *hash,
                            const unsigned char *sig, size_t sig_len, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_SET_SIG, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    BBLOB(2, hash, hash ? 32 : 0);
    BBLOB(3, sig, sig_len);
    return run(st, s, err);
}

int
store_ingest_lock(struct store *st, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_INGEST_LOCK, &s, err);

    if (rc)
        return rc;
    rc = st->ops->step(s, err);
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

int
store_counts(struct store *st, struct store_counts *out, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COUNTS, &s, err);

    if (rc)
        return rc;
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        out->sources = C64(0);
        out->articles = C64(1);
        out->stories = C64(2);
        out->users = C64(3);
        out->comments = C64(4);
        rc = 0;
    }
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

/* ---- stories ---- */

static void
read_story(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_story *o = elem;

    o->id = C64(0);
    o->title = ctext(st, s, 1, a);
    o->summary = ctext(st, s, 2, a);
    o->key_points = ctext(st, s, 3, a);
    o->source_diff = ctext(st, s, 4, a);
    o->first_seen = C64(5);
    o->last_updated = C64(6);
    o->n_articles = C64(7);
    o->n_sources = C64(8);
    o->hotness = CDBL(9);
    o->merged_into = C64(10);
}

int
store_story_add(struct store *st, struct store_story *x, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_INSERT, &s, err);

    if (rc)
        return rc;
    BTXT(1, x->title);
    BTXT(2, x->summary);
    BTXT(3, x->key_points);
    BTXT(4, x->source_diff);
    B64(5, x->first_seen);
    B64(6, x->last_updated);
    B64(7, x->n_articles);
    B64(8, x->n_sources);
    BDBL(9, x->hotness);
    return run_id(st, s, &x->id, err);
}

int
store_story_update(struct store *st, const struct store_story *x, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_UPDATE, &s, err);

    if (rc)
        return rc;
    B64(1, x->id);
    BTXT(2, x->title);
    BTXT(3, x->summary);
    BTXT(4, x->key_points);
    BTXT(5, x->source_diff);
    B64(6, x->first_seen);
    B64(7, x->last_updated);
    B64(8, x->n_articles);
    B64(9, x->n_sources);
    BDBL(10, x->hotness);
    return run(st, s, err);
}

int
store_story_get(struct store *st, int64_t id, struct arena *a, struct store_story *out,
                struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_GET, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return one(st, s, a, read_story, out, err, "story", id);
}

int
store_story_top(struct store *st, int64_t offset, int64_t limit, struct arena *a,
                struct store_story **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_TOP, &s, err);

    if (rc)
        return rc;
    B64(1, limit > 0 ? limit : 30);
    B64(2, offset);
    return collect(st, s, a, sizeof(**out), read_story, (void **)out, n, err);
}

int
store_story_recount(struct store *st, int64_t id, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_RECOUNT, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return run(st, s, err);
}

int
store_story_merge(struct store *st, int64_t from, int64_t into, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (from == into)
        return gz_errf(err, GZ_EINVAL, "cannot merge story %lld into itself", (long long)from);
    rc = stmt(st, ST_STORY_MOVE_ARTICLES, &s, err);
    if (rc)
        return rc;
    B64(1, from);
    B64(2, into);
    rc = run(st, s, err);
    if (rc)
        return rc;
    rc = stmt(st, ST_STORY_MARK_MERGED, &s, err);
    if (rc)
        return rc;
    B64(1, from);
    B64(2, into);
    rc = run(st, s, err);
    if (rc)
        return rc;
    return store_story_recount(st, into, err);
}

/* ---- tags ---- */

static void strings_list(struct store *st, struct buf *b, const char *const *v, size_t n);

static void
read_tag(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_tag *o = elem;

    o->id = C64(0);
    o->slug = ctext(st, s, 1, a);
    o->name = ctext(st, s, 2, a);
    o->kind = (int)C64(3);
    o->score = CDBL(4);
}

static void
read_tag_count(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_tag *o = elem;

    read_tag(st, s, a, elem);
    o->score = 0;
    o->count = C64(4);
}

int
store_tag_upsert(struct store *st, const char *slug, const char *name, int kind, int64_t *id,
                 struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_TAG_UPSERT, &s, err);

    if (rc)
        return rc;
    BTXT(1, slug);
    BTXT(2, name);
    B64(3, kind);
    return run_id(st, s, id, err);
}

int
store_tag_upsert_many(struct store *st, const char *const *slugs, const char *const *names,
                      const int *kinds, size_t n, int64_t *ids, struct gz_err *err)
{
    struct buf bslug = BUF_INIT;
    struct buf bname = BUF_INIT;
    struct buf bkind = BUF_INIT;
    const char **uslug;
    const char **uname;
    int *ukind;
    size_t nu = 0;
    struct db_stmt *s;
    int rc = 0;

    if (!st->is_pg) {
        /* one writer in-process: a statement per tag costs nothing extra */
        for (size_t i = 0; !rc && i < n; i++)
            rc = store_tag_upsert(st, slugs[i], names[i], kinds[i], &ids[i], err);
        return rc;
    }
    if (!n)
        return 0;
    /* one row per slug; its kind is the first nonzero one, as upserts in turn would keep */
    uslug = xcalloc(n, sizeof(*uslug));
    uname = xcalloc(n, sizeof(*uname));
    ukind = xcalloc(n, sizeof(*ukind));
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;

        while (k < nu && strcmp(uslug[k], slugs[i]))
            k++;
        if (k == nu) {
            uslug[nu] = slugs[i];
            uname[nu] = names[i];
            ukind[nu++] = kinds[i];
        } else if (!ukind[k]) {
            ukind[k] = kinds[i];
        }
        ids[i] = 0;
    }
    strings_list(st, &bslug, uslug, nu);
    strings_list(st, &bname, uname, nu);
    buf_addc(&bkind, '{');
    for (size_t k = 0; k < nu; k++)
        buf_addf(&bkind, "%s%d", k ? "," : "", ukind[k]);
    buf_addc(&bkind, '}');
    rc = stmt(st, ST_TAG_UPSERT_MANY, &s, err);
    if (!rc) {
        BTXT(1, bslug.p);
        BTXT(2, bname.p);
        BTXT(3, bkind.p);
        while ((rc = st->ops->step(s, err)) == DB_ROW) {
            int64_t id = C64(0);
            const char *slug = st->ops->col_text(s, 1);

            for (size_t i = 0; slug && i < n; i++)
                if (!strcmp(slugs[i], slug))
                    ids[i] = id;
        }
        st->ops->reset(s);
        rc = rc < 0 ? rc : 0;
    }
    for (size_t i = 0; !rc && i < n; i++)
        if (!ids[i])
            rc = gz_errf(err, GZ_EDB, "tag '%s' was not stored", slugs[i]);
    free(uslug);
    free(uname);
    free(ukind);
    buf_release(&bslug);
    buf_release(&bname);
    buf_release(&bkind);
    return rc;
}

int
store_tag_by_slug(struct store *st, const char *slug, struct arena *a, struct store_tag *out,
                  struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_TAG_BY_SLUG, &s, err);

    if (rc)
        return rc;
    BTXT(1, slug);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        read_tag_count(st, s, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no tag '%s'", slug);
    }
    st->ops->reset(s);
    return rc;
}

/* ids and scores as PostgreSQL array literals. */
static void
pg_arrays(struct buf *ids_out, struct buf *scores_out, const int64_t *ids, const double *scores,
          size_t n)
{
    buf_addc(ids_out, '{');
    buf_addc(scores_out, '{');
    for (size_t i = 0; i < n; i++) {
        buf_addf(ids_out, "%s%lld", i ? "," : "", (long long)ids[i]);
        buf_addf(scores_out, "%s%.17g", i ? "," : "", scores ? scores[i] : 0.0);
    }
    buf_addc(ids_out, '}');
    buf_addc(scores_out, '}');
}

static int
links_set(struct store *st, enum stmt_id clear, enum stmt_id add, int64_t owner, const int64_t *ids,
          const double *scores, size_t n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, clear, &s, err);

    if (rc)
        return rc;
    B64(1, owner);
    rc = run(st, s, err);
    if (!rc && n && st->is_pg) {
        static const struct {
            enum stmt_id one, many;
        } many[] = {{ST_ARTICLE_TAG_ADD, ST_ARTICLE_TAG_ADD_MANY},
                    {ST_STORY_TAG_ADD, ST_STORY_TAG_ADD_MANY},
                    {ST_RELATED_ADD, ST_RELATED_ADD_MANY}};
        struct buf bi = BUF_INIT;
        struct buf bs = BUF_INIT;

        for (size_t k = 0; k < sizeof(many) / sizeof(many[0]); k++)
            if (many[k].one == add)
                add = many[k].many;
        pg_arrays(&bi, &bs, ids, scores, n);
        rc = stmt(st, add, &s, err);
        if (!rc) {
            B64(1, owner);
            BTXT(2, bi.p);
            BTXT(3, bs.p);
            rc = run(st, s, err);
        }
        buf_release(&bi);
        buf_release(&bs);
        return rc;
    }
    for (size_t i = 0; !rc && i < n; i++) {
        rc = stmt(st, add, &s, err);
        if (rc)
            break;
        B64(1, owner);
        B64(2, ids[i]);
        B64(3, (int64_t)i);
        BDBL(4, scores ? scores[i] : 0.0);
        rc = run(st, s, err);
    }
    return rc;
}

int
store_article_tags_set(struct store *st, int64_t article_id, const int64_t *tag_ids,
                       const double *scores, size_t n, struct gz_err *err)
{
    return links_set(st, ST_ARTICLE_TAGS_CLEAR, ST_ARTICLE_TAG_ADD, article_id, tag_ids, scores, n,
                     err);
}

int
store_article_tags(struct store *st, int64_t article_id, struct arena *a, struct store_tag **out,
                   size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_ARTICLE_TAGS, &s, err);

    if (rc)
        return rc;
    B64(1, article_id);
    return collect(st, s, a, sizeof(**out), read_tag, (void **)out, n, err);
}

int
store_story_tags_set(struct store *st, int64_t story_id, const int64_t *tag_ids,
                     const double *scores, size_t n, struct gz_err *err)
{
    return links_set(st, ST_STORY_TAGS_CLEAR, ST_STORY_TAG_ADD, story_id, tag_ids, scores, n, err);
}

int
store_story_tags(struct store *st, int64_t story_id, struct arena *a, struct store_tag **out,
                 size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_STORY_TAGS, &s, err);

    if (rc)
        return rc;
    B64(1, story_id);
    return collect(st, s, a, sizeof(**out), read_tag, (void **)out, n, err);
}

/* ---- related ---- */

int
store_related_set(struct store *st, int64_t article_id, const int64_t *ids, const double *scores,
                  size_t n, struct gz_err *err)
{
    return links_set(st, ST_RELATED_CLEAR, ST_RELATED_ADD, article_id, ids, scores, n, err);
}

int
store_related_get(struct store *st, int64_t article_id, struct arena *a, struct store_article **out,
                  size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RELATED_GET, &s, err);

    if (rc)
        return rc;
    B64(1, article_id);
    return collect(st, s, a, sizeof(**out), read_article, (void **)out, n, err);
}

/* ---- users and sessions ---- */

static void
read_user(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_user *o = elem;

    o->id = C64(0);
    o->name = ctext(st, s, 1, a);
    o->pass_hash = ctext(st, s, 2, a);
    o->is_admin = (int)C64(3);
    o->created = C64(4);
}

int
store_user_add(struct store *st, struct store_user *u, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_INSERT, &s, err);

    if (rc)
        return rc;
    BTXT(1, u->name);
    BTXT(2, u->pass_hash);
    B64(3, u->is_admin);
    B64(4, u->created ? u->created : time_now());
    rc = run_id(st, s, &u->id, err);
    if (rc == GZ_EEXIST)
        return gz_errf(err, GZ_EEXIST, "user '%s' already exists", u->name);
    return rc;
}

int
store_user_by_name(struct store *st, const char *name, struct arena *a, struct store_user *out,
                   struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_BY_NAME, &s, err);

    if (rc)
        return rc;
    BTXT(1, name);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        read_user(st, s, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no user '%s'", name);
    }
    st->ops->reset(s);
    return rc;
}

int
store_user_get(struct store *st, int64_t id, struct arena *a, struct store_user *out,
               struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_GET, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return one(st, s, a, read_user, out, err, "user", id);
}

int
store_user_set_password(struct store *st, int64_t id, const char *pass_hash, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_SET_PASS, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    BTXT(2, pass_hash);
    return run(st, s, err);
}

int
store_user_list(struct store *st, struct arena *a, struct store_user **out, size_t *n,
                struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_LIST, &s, err);

    if (rc)
        return rc;
    return collect(st, s, a, sizeof(**out), read_user, (void **)out, n, err);
}

int
store_session_add(struct store *st, const struct store_session *x, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SESSION_INSERT, &s, err);

    if (rc)
        return rc;
    BTXT(1, x->id_hash);
    B64(2, x->user_id);
    BTXT(3, x->csrf);
    B64(4, x->created);
    B64(5, x->expires);
    return run(st, s, err);
}

int
store_session_get(struct store *st, const char *id_hash, int64_t now, struct arena *a,
                  struct store_session *out, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SESSION_GET, &s, err);

    if (rc)
        return rc;
    BTXT(1, id_hash);
    B64(2, now);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        out->id_hash = ctext(st, s, 0, a);
        out->user_id = C64(1);
        out->csrf = ctext(st, s, 2, a);
        out->created = C64(3);
        out->expires = C64(4);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no such session");
    }
    st->ops->reset(s);
    return rc;
}

int
store_session_delete(struct store *st, const char *id_hash, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SESSION_DELETE, &s, err);

    if (rc)
        return rc;
    BTXT(1, id_hash);
    return run(st, s, err);
}

/* ---- comments ---- */

static void
read_comment(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_comment *o = elem;

    o->id = C64(0);
    o->article_id = C64(1);
    o->user_id = C64(2);
    o->parent_id = C64(3);
    o->body = ctext(st, s, 4, a);
    o->created = C64(5);
    o->edited = C64(6);
    o->status = (int)C64(7);
    o->reports = C64(8);
    o->user_name = ctext(st, s, 9, a);
}

int
store_comment_add(struct store *st, struct store_comment *c, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_INSERT, &s, err);

    if (rc)
        return rc;
    B64(1, c->article_id);
    B64(2, c->user_id);
    if (c->parent_id)
        B64(3, c->parent_id);
    else
        BTXT(3, NULL);
    BTXT(4, c->body);
    B64(5, c->created ? c->created : time_now());
    B64(6, c->status);
    return run_id(st, s, &c->id, err);
}

int
store_comment_get(struct store *st, int64_t id, struct arena *a, struct store_comment *out,
                  struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_GET, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    return one(st, s, a, read_comment, out, err, "comment", id);
}

int
store_comment_list(struct store *st, int64_t article_id, struct arena *a,
                   struct store_comment **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_LIST, &s, err);

    if (rc)
        return rc;
    B64(1, article_id);
    return collect(st, s, a, sizeof(**out), read_comment, (void **)out, n, err);
}

int
store_comment_edit(struct store *st, int64_t id, const char *body, int64_t now, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_EDIT, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    BTXT(2, body);
    B64(3, now);
    return run(st, s, err);
}

int
store_comment_set_status(struct store *st, int64_t id, int status, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_STATUS, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    B64(2, status);
    return run(st, s, err);
}

/* ---- accounts ---- */

int
store_user_find(struct store *st, const char *name, struct arena *a, struct store_user *out,
                struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_FIND, &s, err);

    if (rc)
        return rc;
    BTXT(1, name);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        read_user(st, s, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no user '%s'", name);
    }
    st->ops->reset(s);
    return rc;
}

int
store_user_set_admin(struct store *st, int64_t id, int is_admin, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_USER_SET_ADMIN, &s, err);

    if (rc)
        return rc;
    B64(1, id);
    B64(2, is_admin ? 1 : 0);
    rc = run(st, s, err);
    if (!rc && st->ops->changes(st->db) == 0)
        rc = gz_errf(err, GZ_ENOTFOUND, "no user %lld", (long long)id);
    return rc;
}

int
store_session_delete_user(struct store *st, int64_t user_id, const char *keep_hash,
                          struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SESSION_DELETE_USER, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    BTXT(2, keep_hash);
    return run(st, s, err);
}

int
store_session_purge(struct store *st, int64_t now, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_SESSION_PURGE, &s, err);

    if (rc)
        return rc;
    B64(1, now);
    return run(st, s, err);
}

int
store_throttle_add(struct store *st, const char *scope, const char *key, int64_t at,
                   struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_THROTTLE_ADD, &s, err);

    if (rc)
        return rc;
    BTXT(1, scope);
    BTXT(2, key);
    B64(3, at);
    return run(st, s, err);
}

int
store_throttle_count(struct store *st, const char *scope, const char *key, int64_t since,
                     int64_t *count, int64_t *oldest, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_THROTTLE_COUNT, &s, err);

    if (rc)
        return rc;
    BTXT(1, scope);
    BTXT(2, key);
    B64(3, since);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        *count = C64(0);
        if (oldest)
            *oldest = C64(1);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_EDB, "count of throttle events returned no row");
    }
    st->ops->reset(s);
    return rc;
}

int
store_throttle_clear(struct store *st, const char *scope, const char *key, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_THROTTLE_CLEAR, &s, err);

    if (rc)
        return rc;
    BTXT(1, scope);
    BTXT(2, key);
    return run(st, s, err);
}

int
store_throttle_purge(struct store *st, int64_t before, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_THROTTLE_PURGE, &s, err);

    if (rc)
        return rc;
    B64(1, before);
    return run(st, s, err);
}

int
store_comment_count_since(struct store *st, int64_t user_id, int64_t since, int64_t *count,
                          struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_COMMENT_COUNT_SINCE, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, since);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        *count = C64(0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_EDB, "count of comments returned no row");
    }
    st->ops->reset(s);
    return rc;
}

int
store_comment_report(struct store *st, int64_t id, int64_t user_id, int64_t now, struct gz_err *err)
{
    struct db_stmt *s;
    int own_tx = !st->in_tx;
    int64_t added;
    int rc;

    if (own_tx && (rc = store_begin(st, err)))
        return rc;
    rc = stmt(st, ST_COMMENT_REPORT_ADD, &s, err);
    if (!rc) {
        B64(1, id);
        B64(2, user_id);
        B64(3, now);
        rc = run(st, s, err);
    }
    added = rc ? 0 : st->ops->changes(st->db);
    if (!rc && added) {
        rc = stmt(st, ST_COMMENT_REPORT_RECOUNT, &s, err);
        if (!rc) {
            B64(1, id);
            rc = run(st, s, err);
        }
    }
    if (own_tx) {
        if (rc)
            store_rollback(st);
        else
            rc = store_commit(st, err);
    }
    if (!rc && !added)
        rc = gz_errf(err, GZ_EEXIST, "comment %lld was already reported by this user",
                     (long long)id);
    return rc;
}

static void
read_comment_mod(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_comment_mod *o = elem;

    read_comment(st, s, a, &o->c);
    o->article_title = ctext(st, s, 10, a);
}

int
store_comment_queue(struct store *st, int queue, int64_t limit, struct arena *a,
                    struct store_comment_mod **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc =
        stmt(st, queue == COMMENTS_REPORTED ? ST_COMMENT_QUEUE_REPORTED : ST_COMMENT_QUEUE_RECENT,
             &s, err);

    if (rc)
        return rc;
    B64(1, limit > 0 ? limit : 50);
    return collect(st, s, a, sizeof(**out), read_comment_mod, (void **)out, n, err);
}

/* ---- web pages ---- */

enum web_stmt_id {
    WST_DATA_VERSION,
    WST_STORY_SOURCES,
    WST_STORY_TAGS_OF,
    WST_STORY_BY_TAG,
    WST_STORY_LEADS,
    WST_STORY_ARTICLES,
    WST_TAG_ARTICLES,
    WST_SOURCE_ARTICLES,
    WST_STORY_BY_LABEL,
    WST_STORY_ADD_LABEL,
    WST_STORY_LABELLED,
    WST_FETCH_LOG,
    WST_COMMENT_PAGE,
    WST_SEARCH_RANK,
    WST_SEARCH_DATE,
    WST_SEARCH_FILTER,
    WST_COUNT
};

/*
 * The filters every search statement shares: $2 after, $3 before, $4 a
 * list of source-name fragments (any), $5 a list of tag slugs (all, on
 * the article or its story); $6 limit, $7 offset.  A list is a JSON array
 * (SQLite's json_each) or an array literal (PostgreSQL), NULL when empty.
 */
#define SEARCH_TAG_MISSING(list)                                                                   \
    "NOT EXISTS (SELECT 1 FROM " list " WHERE NOT EXISTS ("                                        \
    "SELECT 1 FROM tags t WHERE t.slug = j.value AND (EXISTS (SELECT 1 FROM article_tags x "       \
    "WHERE x.tag_id = t.id AND x.article_id = a.id) OR EXISTS (SELECT 1 FROM story_tags y "        \
    "WHERE y.tag_id = t.id AND y.story_id = a.story_id))))"
#define SEARCH_FILTERS                                                                             \
    "($2 = 0 OR a.published >= $2) AND ($3 = 0 OR a.published < $3) "                              \
    "AND ($4 IS NULL OR EXISTS (SELECT 1 FROM json_each($4) j "                                    \
    "WHERE instr(lower(s.title), lower(j.value)) > 0)) "                                           \
    "AND ($5 IS NULL OR " SEARCH_TAG_MISSING("json_each($5) j") ") "
#define SEARCH_FILTERS_PG                                                                          \
    "(CAST($2 AS bigint) = 0 OR a.published >= $2) "                                               \
    "AND (CAST($3 AS bigint) = 0 OR a.published < $3) "                                            \
    "AND (CAST($4 AS text[]) IS NULL OR EXISTS (SELECT 1 FROM unnest(CAST($4 AS text[])) "         \
    "j(value) WHERE strpos(lower(s.title), lower(j.value)) > 0)) "                                 \
    "AND (CAST($5 AS text[]) IS NULL OR " SEARCH_TAG_MISSING(                                      \
        "unnest(CAST($5 AS text[])) j(value)") ") "

/*
 * SQLite: the page of hits is chosen first, from the full-text index
 * alone when no filter is set, and only its rows get the costly
 * highlight() and snippet(), which a single query would compute for every
 * match before sorting (a common word matches tens of thousands of
 * articles).  The auxiliary functions need the MATCH, so the outer query
 * runs it again and keeps the page's rows: CROSS JOIN keeps the index
 * scan outside (one pass over the matches) rather than a lookup by rowid
 * per hit, which reads the term's whole list each time.  Title weighs ten
 * times the text in the ranking; equal ranks go newest id first.
 */
#define SEARCH_NO_FILTER "($2 = 0 AND $3 = 0 AND $4 IS NULL AND $5 IS NULL) "
#define SEARCH_HITS_OF(page)                                                                       \
    "SELECT " ARTICLE_COLS ", highlight(articles_fts, 0, char(57344), char(57345)), "              \
    "snippet(articles_fts, 1, char(57344), char(57345), '\xe2\x80\xa6', 32), "                     \
    "bm25(articles_fts, 10.0, 1.0) FROM articles_fts CROSS JOIN (" page ") h CROSS JOIN "          \
    "articles a CROSS JOIN sources s WHERE articles_fts MATCH $1 AND h.id = articles_fts.rowid "   \
    "AND a.id = h.id AND s.id = a.source_id ORDER BY h.k1, h.id DESC"
#define SEARCH_PAGE_RANK                                                                           \
    "SELECT rowid AS id, bm25(articles_fts, 10.0, 1.0) AS k1 FROM articles_fts "                   \
    "WHERE articles_fts MATCH $1 AND (" SEARCH_NO_FILTER "OR EXISTS (SELECT 1 FROM articles a "    \
    "JOIN sources s ON s.id = a.source_id WHERE a.id = articles_fts.rowid AND " SEARCH_FILTERS     \
    ")) ORDER BY k1, rowid DESC LIMIT $6 OFFSET $7"
#define SEARCH_PAGE_DATE                                                                           \
    "SELECT a.id AS id, -a.published AS k1 FROM articles_fts JOIN articles a ON a.id = "           \
    "articles_fts.rowid JOIN sources s ON s.id = a.source_id WHERE articles_fts MATCH $1 "         \
    "AND " SEARCH_FILTERS "ORDER BY a.published DESC, a.id DESC LIMIT $6 OFFSET $7"

/*
 * PostgreSQL: $1 is a tsquery in to_tsquery() syntax over the 'gazette'
 * configuration (migration 0006), every word quoted (store_pg_tsquery()).
 * The rank is cover density with the title (weight A) ten times the text
 * (B), divided by 1 + log(length) as bm25 favours shorter documents; it
 * is negated so that lower is better, as bm25's; equal ranks go newest
 * id first, as on SQLite.  The page of hits is chosen first and only its
 * rows get the costly headlines: the title with every match marked, and
 * the best 32-word fragment of the text, with an ellipsis where it does
 * not reach the start or the end.
 */
#define PG_RANK "-ts_rank_cd('{0.1, 0.1, 0.1, 1.0}', a.fts, to_tsquery('gazette', $1), 1)"
#define PG_MARKS "'StartSel=' || chr(57344) || ', StopSel=' || chr(57345)"
#define PG_HIT_SELECT(order)                                                                       \
    "SELECT " ARTICLE_COLS ", ts_headline('gazette', a.title, q.q, " PG_MARKS                      \
    " || ', HighlightAll=true'), "                                                                 \
    "CASE WHEN starts_with(ltrim(a.text), x.plain) THEN '' ELSE '\xe2\x80\xa6' END || x.hl || "    \
    "CASE WHEN strpos(a.text, x.plain) + length(x.plain) >= length(rtrim(a.text, ' .!?\"')) "      \
    "THEN '' ELSE '\xe2\x80\xa6' END, h.rank FROM (SELECT a.id, " PG_RANK " AS rank "              \
    "FROM articles a JOIN sources s ON s.id = a.source_id "                                        \
    "WHERE a.fts @@ to_tsquery('gazette', $1) AND " SEARCH_FILTERS_PG "ORDER BY " order            \
    " LIMIT $6 OFFSET $7) h JOIN articles a ON a.id = h.id JOIN sources s ON s.id = a.source_id "  \
    "CROSS JOIN (SELECT to_tsquery('gazette', $1) AS q) q "                                        \
    "CROSS JOIN LATERAL (SELECT hl, replace(replace(hl, chr(57344), ''), chr(57345), '') "         \
    "AS plain FROM (SELECT ts_headline('gazette', left(a.text, 100000), q.q, " PG_MARKS            \
    " || ', MaxWords=32, MinWords=12, MaxFragments=1') AS hl) y) x ORDER BY " order

static const struct stmt_def web_stmts[WST_COUNT] = {
    /* PostgreSQL: the counter that every committing writer bumps (migration 0006) */
    [WST_DATA_VERSION] = {"SELECT (SELECT data_version FROM pragma_data_version()), "
                          "total_changes()",
                          "SELECT version, 0 FROM gazette_data"},
    [WST_STORY_SOURCES] = {"SELECT a.story_id, s.id, s.title, count(*), min(a.published) "
                           "FROM articles a JOIN sources s ON s.id = a.source_id "
                           "WHERE a.story_id IN (SELECT value FROM json_each($1)) "
                           "GROUP BY a.story_id, s.id ORDER BY a.story_id, 5, s.id",
                           "SELECT a.story_id, s.id, s.title, count(*), min(a.published) "
                           "FROM articles a JOIN sources s ON s.id = a.source_id "
                           "WHERE a.story_id = ANY(CAST($1 AS bigint[])) "
                           "GROUP BY a.story_id, s.id ORDER BY a.story_id, 5, s.id"},
    [WST_STORY_TAGS_OF] = {"SELECT t.id, t.slug, t.name, t.kind, x.score, x.story_id "
                           "FROM story_tags x JOIN tags t ON t.id = x.tag_id "
                           "WHERE x.story_id IN (SELECT value FROM json_each($1)) "
                           "ORDER BY x.story_id, x.rank",
                           "SELECT t.id, t.slug, t.name, t.kind, x.score, x.story_id "
                           "FROM story_tags x JOIN tags t ON t.id = x.tag_id "
                           "WHERE x.story_id = ANY(CAST($1 AS bigint[])) "
                           "ORDER BY x.story_id, x.rank"},
    [WST_STORY_BY_TAG] = {"SELECT " STORY_COLS " FROM stories WHERE merged_into IS NULL AND id IN "
                          "(SELECT story_id FROM story_tags WHERE tag_id = $1) "
                          "ORDER BY hotness DESC, last_updated DESC, id DESC LIMIT $2 OFFSET $3",
                          NULL},
    [WST_STORY_LEADS] = {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                         "ON s.id = a.source_id WHERE a.id IN (SELECT (SELECT b.id FROM articles b "
                         "WHERE b.story_id = j.value AND b.dup_of IS NULL "
                         "ORDER BY b.published, b.id LIMIT 1) FROM json_each($1) j)",
                         "SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                         "ON s.id = a.source_id WHERE a.id IN (SELECT (SELECT b.id FROM articles b "
                         "WHERE b.story_id = j.value AND b.dup_of IS NULL "
                         "ORDER BY b.published, b.id LIMIT 1) "
                         "FROM unnest(CAST($1 AS bigint[])) j(value))"},
    [WST_STORY_ARTICLES] = {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                            "ON s.id = a.source_id WHERE a.story_id = $1 "
                            "ORDER BY a.published, a.id LIMIT $2",
                            NULL},
    [WST_TAG_ARTICLES] = {"SELECT " ARTICLE_COLS " FROM article_tags x JOIN articles a "
                          "ON a.id = x.article_id JOIN sources s ON s.id = a.source_id "
                          "WHERE x.tag_id = $1 ORDER BY a.published DESC, a.id DESC "
                          "LIMIT $2 OFFSET $3",
                          NULL},
    [WST_SOURCE_ARTICLES] = {"SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                             "ON s.id = a.source_id WHERE a.source_id = $1 "
                             "AND ($2 = 0 OR a.published < $2) "
                             "ORDER BY a.published DESC, a.id DESC LIMIT $3",
                             "SELECT " ARTICLE_COLS " FROM articles a JOIN sources s "
                             "ON s.id = a.source_id WHERE a.source_id = $1 "
                             "AND (CAST($2 AS bigint) = 0 OR a.published < $2) "
                             "ORDER BY a.published DESC, a.id DESC LIMIT $3"},
    [WST_STORY_BY_LABEL] = {"SELECT id FROM stories WHERE label = $1", NULL},
    [WST_STORY_ADD_LABEL] = {"INSERT INTO stories (label) VALUES ($1) RETURNING id", NULL},
    /* the PostgreSQL schema has no story labels yet: no story is labelled there */
    [WST_STORY_LABELLED] = {"SELECT count(*) FROM stories WHERE id = $1 AND label IS NOT NULL",
                            "SELECT count(*) FROM stories WHERE id = $1 AND false"},
    [WST_FETCH_LOG] = {"SELECT source_id, at, duration_ms, http_status, bytes, new_articles, "
                       "error FROM fetch_log WHERE source_id = $1 ORDER BY at DESC, id DESC "
                       "LIMIT $2",
                       NULL},
    [WST_COMMENT_PAGE] = {"SELECT c.id, c.article_id, c.user_id, coalesce(c.parent_id, 0), "
                          "c.body, c.created, c.edited, c.status, c.reports, u.name FROM comments "
                          "c JOIN users u ON u.id = c.user_id WHERE c.article_id = $1 "
                          "AND c.status = 0 ORDER BY c.created, c.id LIMIT $2 OFFSET $3",
                          NULL},
    [WST_SEARCH_RANK] = {SEARCH_HITS_OF(SEARCH_PAGE_RANK), PG_HIT_SELECT("rank, a.id DESC")},
    [WST_SEARCH_DATE] = {SEARCH_HITS_OF(SEARCH_PAGE_DATE),
                         PG_HIT_SELECT("a.published DESC, a.id DESC")},
    /* exclusions: $8 an FTS5 expression (SQLite), $1 a tsquery (PostgreSQL) */
    [WST_SEARCH_FILTER] = {"SELECT " ARTICLE_COLS ", a.title, a.excerpt, 0.0 FROM articles a "
                           "JOIN sources s ON s.id = a.source_id WHERE " SEARCH_FILTERS
                           "AND ($8 IS NULL OR a.id NOT IN (SELECT rowid FROM articles_fts "
                           "WHERE articles_fts MATCH $8)) "
                           "ORDER BY a.published DESC, a.id DESC LIMIT $6 OFFSET $7",
                           "SELECT " ARTICLE_COLS ", a.title, a.excerpt, 0.0 FROM articles a "
                           "JOIN sources s ON s.id = a.source_id WHERE " SEARCH_FILTERS_PG
                           "AND (CAST($1 AS text) IS NULL OR "
                           "NOT a.fts @@ to_tsquery('gazette', $1)) "
                           "ORDER BY a.published DESC, a.id DESC LIMIT $6 OFFSET $7"},
};

_Static_assert(WST_COUNT <= STORE_WEB_STMTS, "raise STORE_WEB_STMTS");

static int
wstmt(struct store *st, enum web_stmt_id id, struct db_stmt **out, struct gz_err *err)
{
    if (!st->web_cache[id]) {
        const char *sql = st->is_pg && web_stmts[id].pg ? web_stmts[id].pg : web_stmts[id].sql;
        int rc = st->ops->prepare(st->db, sql, &st->web_cache[id], err);

        if (rc)
            return rc;
    }
    *out = st->web_cache[id];
    st->ops->reset(*out);
    return 0;
}

int
store_data_version(struct store *st, uint64_t *out, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = wstmt(st, WST_DATA_VERSION, &s, err);

    if (rc)
        return rc;
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        /* the two counters in one number: other connections' commits high, ours low */
        *out = ((uint64_t)C64(0) << 32) ^ (uint64_t)C64(1);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_EDB, "no data version");
    }
    st->ops->reset(s);
    return rc;
}

/*
 * ids as one text parameter, for statements that take a list: a JSON
 * array for SQLite's json_each(), an array literal for PostgreSQL.
 */
static int
ids_list(struct store *st, struct buf *b, const int64_t *ids, size_t n, struct gz_err *err)
{
    if (n > STORE_MAX_BATCH)
        return gz_errf(err, GZ_EINVAL, "at most %d ids at once (got %zu)", STORE_MAX_BATCH, n);
    buf_addc(b, st->is_pg ? '{' : '[');
    for (size_t i = 0; i < n; i++)
        buf_addf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_addc(b, st->is_pg ? '}' : ']');
    return 0;
}

static void
read_story_source(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_story_source *o = elem;

    o->story_id = C64(0);
    o->source_id = C64(1);
    o->title = ctext(st, s, 2, a);
    o->n_articles = C64(3);
    o->first = C64(4);
}

static void
read_story_tag(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_story_tag *o = elem;

    read_tag(st, s, a, &o->tag);
    o->story_id = C64(5);
}

/* Run a statement that takes a list of ids as $1 (ids_list()) and collect its rows. */
static int
collect_for_ids(struct store *st, enum web_stmt_id id, const int64_t *ids, size_t n,
                struct arena *a, size_t size, row_fn read, void **out, size_t *nout,
                struct gz_err *err)
{
    struct buf json = BUF_INIT;
    struct db_stmt *s;
    int rc = ids_list(st, &json, ids, n, err);

    if (!rc)
        rc = wstmt(st, id, &s, err);
    if (!rc) {
        BTXT(1, json.p);
        rc = collect(st, s, a, size, read, out, nout, err);
    }
    buf_release(&json);
    return rc;
}

int
store_story_sources(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                    struct store_story_source **out, size_t *nout, struct gz_err *err)
{
    return collect_for_ids(st, WST_STORY_SOURCES, ids, n, a, sizeof(**out), read_story_source,
                           (void **)out, nout, err);
}

int
store_story_tags_of(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                    struct store_story_tag **out, size_t *nout, struct gz_err *err)
{
    return collect_for_ids(st, WST_STORY_TAGS_OF, ids, n, a, sizeof(**out), read_story_tag,
                           (void **)out, nout, err);
}

int
store_story_leads(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                  struct store_article **out, size_t *nout, struct gz_err *err)
{
    return collect_for_ids(st, WST_STORY_LEADS, ids, n, a, sizeof(**out), read_article,
                           (void **)out, nout, err);
}

static int
check_limit(int64_t limit, struct gz_err *err)
{
    if (limit < 1 || limit > 1000)
        return gz_errf(err, GZ_EINVAL, "limit %lld out of range", (long long)limit);
    return 0;
}

int
store_story_articles(struct store *st, int64_t story_id, int64_t limit, struct arena *a,
                     struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = check_limit(limit, err);

    if (!rc)
        rc = wstmt(st, WST_STORY_ARTICLES, &s, err);
    if (rc)
        return rc;
    B64(1, story_id);
    B64(2, limit);
    return collect(st, s, a, sizeof(**out), read_article, (void **)out, n, err);
}

int
store_tag_articles(struct store *st, int64_t tag_id, int64_t offset, int64_t limit, struct arena *a,
                   struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = check_limit(limit, err);

    if (!rc)
        rc = wstmt(st, WST_TAG_ARTICLES, &s, err);
    if (rc)
        return rc;
    B64(1, tag_id);
    B64(2, limit);
    B64(3, offset > 0 ? offset : 0);
    return collect(st, s, a, sizeof(**out), read_article, (void **)out, n, err);
}

int
store_source_articles(struct store *st, int64_t source_id, int64_t before, int64_t limit,
                      struct arena *a, struct store_article **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = check_limit(limit, err);

    if (!rc)
        rc = wstmt(st, WST_SOURCE_ARTICLES, &s, err);
    if (rc)
        return rc;
    B64(1, source_id);
    B64(2, before);
    B64(3, limit);
    return collect(st, s, a, sizeof(**out), read_article, (void **)out, n, err);
}

int
store_story_by_tag(struct store *st, int64_t tag_id, int64_t offset, int64_t limit, struct arena *a,
                   struct store_story **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = wstmt(st, WST_STORY_BY_TAG, &s, err);

    if (rc)
        return rc;
    B64(1, tag_id);
    B64(2, limit > 0 ? limit : 30);
    B64(3, offset > 0 ? offset : 0);
    return collect(st, s, a, sizeof(**out), read_story, (void **)out, n, err);
}

int
store_story_for_label(struct store *st, const char *label, int64_t *id, int *created,
                      struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (!label || !*label)
        return gz_errf(err, GZ_EINVAL, "empty story label");
    if (created)
        *created = 0;
    rc = wstmt(st, WST_STORY_BY_LABEL, &s, err);
    if (rc)
        return rc;
    BTXT(1, label);
    rc = run_id(st, s, id, err);
    if (rc != GZ_ENOTFOUND)
        return rc;
    rc = wstmt(st, WST_STORY_ADD_LABEL, &s, err);
    if (rc)
        return rc;
    BTXT(1, label);
    rc = run_id(st, s, id, err);
    if (!rc && created)
        *created = 1;
    return rc;
}

int
store_story_labelled(struct store *st, int64_t id, int *labelled, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t n = 0;
    int rc = wstmt(st, WST_STORY_LABELLED, &s, err);

    *labelled = 0;
    if (rc)
        return rc;
    B64(1, id);
    rc = run_id(st, s, &n, err);
    *labelled = !rc && n > 0;
    return rc;
}

static void
read_fetch(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_fetch *o = elem;

    o->source_id = C64(0);
    o->at = C64(1);
    o->duration_ms = C64(2);
    o->http_status = (int)C64(3);
    o->bytes = C64(4);
    o->new_articles = C64(5);
    o->error = ctext(st, s, 6, a);
}

int
store_fetch_log(struct store *st, int64_t source_id, int64_t limit, struct arena *a,
                struct store_fetch **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (limit < 1 || limit > 1000)
        return gz_errf(err, GZ_EINVAL, "fetch log limit %lld out of range", (long long)limit);
    rc = wstmt(st, WST_FETCH_LOG, &s, err);
    if (rc)
        return rc;
    B64(1, source_id);
    B64(2, limit);
    return collect(st, s, a, sizeof(**out), read_fetch, (void **)out, n, err);
}

int
store_comment_page(struct store *st, int64_t article_id, int64_t offset, int64_t limit,
                   struct arena *a, struct store_comment **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc;

    if (limit < 1 || limit > 500)
        return gz_errf(err, GZ_EINVAL, "comment page limit %lld out of range", (long long)limit);
    rc = wstmt(st, WST_COMMENT_PAGE, &s, err);
    if (rc)
        return rc;
    B64(1, article_id);
    B64(2, limit);
    B64(3, offset > 0 ? offset : 0);
    return collect(st, s, a, sizeof(**out), read_comment, (void **)out, n, err);
}

/* s as an FTS5 string: in double quotes, inner double quotes doubled. */
static void
fts_quote(struct buf *out, const char *s)
{
    buf_addc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addc(out, '"');
        buf_addc(out, *s);
    }
    buf_addc(out, '"');
}

void
store_fts_match(struct buf *out, const struct store_search *q)
{
    if (!q->nwords && !q->nphrases)
        return;
    buf_addc(out, '(');
    for (size_t i = 0; i < q->nwords; i++) {
        if (i)
            buf_addc(out, ' ');
        fts_quote(out, q->words[i]);
    }
    for (size_t i = 0; i < q->nphrases; i++) {
        if (i || q->nwords)
            buf_addc(out, ' ');
        fts_quote(out, q->phrases[i]);
    }
    buf_addc(out, ')');
    for (size_t i = 0; i < q->nexclude; i++) {
        buf_adds(out, " NOT ");
        fts_quote(out, q->exclude[i]);
    }
}

/* s as a quoted to_tsquery() operand: in single quotes, quotes and backslashes escaped. */
static void
tsq_quote(struct buf *out, const char *s)
{
    buf_addc(out, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_addc(out, '\\');
        buf_addc(out, *s);
    }
    buf_addc(out, '\'');
}

void
store_pg_tsquery(struct buf *out, const struct store_search *q)
{
    if (!q->nwords && !q->nphrases)
        return;
    buf_addc(out, '(');
    for (size_t i = 0; i < q->nwords; i++) {
        if (i)
            buf_adds(out, " & ");
        tsq_quote(out, q->words[i]);
    }
    for (size_t i = 0; i < q->nphrases; i++) {
        if (i || q->nwords)
            buf_adds(out, " & ");
        tsq_quote(out, q->phrases[i]);
    }
    buf_addc(out, ')');
    for (size_t i = 0; i < q->nexclude; i++) {
        buf_adds(out, " & !");
        tsq_quote(out, q->exclude[i]);
    }
}

/*
 * Strings as one text parameter, or nothing when n is 0: a JSON array of
 * strings (SQLite), an array literal of double-quoted elements
 * (PostgreSQL; inside the quotes only '"' and '\\' need a backslash).
 */
static void
strings_list(struct store *st, struct buf *b, const char *const *v, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    if (!n)
        return;
    buf_addc(b, st->is_pg ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(b, ',');
        buf_addc(b, '"');
        for (const unsigned char *p = (const unsigned char *)v[i]; *p; p++) {
            if (*p == '"' || *p == '\\') {
                buf_addc(b, '\\');
                buf_addc(b, *p);
            } else if (*p < 0x20 && !st->is_pg) {
                buf_adds(b, "\\u00");
                buf_addc(b, hex[*p >> 4]);
                buf_addc(b, hex[*p & 15]);
            } else {
                buf_addc(b, *p);
            }
        }
        buf_addc(b, '"');
    }
    buf_addc(b, st->is_pg ? '}' : ']');
}

static void
read_hit(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_hit *o = elem;

    read_article_cols(st, s, a, &o->article);
    o->title_marked = ctext(st, s, 22, a);
    o->snippet_marked = ctext(st, s, 23, a);
    o->rank = CDBL(24);
}

int
store_search(struct store *st, const struct store_search *q, struct arena *a,
             struct store_hit **out, size_t *n, struct gz_err *err)
{
    struct buf match = BUF_INIT;
    struct buf sources = BUF_INIT;
    struct buf tags = BUF_INIT;
    struct buf excl = BUF_INIT;
    size_t items = q->nwords + q->nphrases + q->nexclude + q->nsources + q->ntags;
    int64_t limit = q->limit ? q->limit : 20;
    int has_words = q->nwords || q->nphrases;
    struct db_stmt *s;
    int rc;

    if (items > STORE_SEARCH_MAX_ITEMS)
        return gz_errf(err, GZ_EINVAL, "a search may have at most %d parts",
                       STORE_SEARCH_MAX_ITEMS);
    if (limit < 1 || limit > 100)
        return gz_errf(err, GZ_EINVAL, "search limit %lld out of range", (long long)limit);
    if (!has_words && !q->nsources && !q->ntags && !q->after && !q->before)
        return gz_errf(err, GZ_EINVAL, "nothing to search for");
    rc =
        wstmt(st, !has_words ? WST_SEARCH_FILTER : (q->by_date ? WST_SEARCH_DATE : WST_SEARCH_RANK),
              &s, err);
    if (rc)
        return rc;
    if (has_words) {
        if (st->is_pg)
            store_pg_tsquery(&match, q);
        else
            store_fts_match(&match, q);
        BTXT(1, match.p);
    } else {
        for (size_t i = 0; i < q->nexclude; i++) {
            if (i)
                buf_adds(&excl, st->is_pg ? " | " : " OR ");
            if (st->is_pg)
                tsq_quote(&excl, q->exclude[i]);
            else
                fts_quote(&excl, q->exclude[i]);
        }
        BTXT(st->is_pg ? 1 : 8, q->nexclude ? excl.p : NULL);
    }
    strings_list(st, &sources, q->sources, q->nsources);
    strings_list(st, &tags, q->tags, q->ntags);
    B64(2, q->after);
    B64(3, q->before);
    BTXT(4, q->nsources ? sources.p : NULL);
    BTXT(5, q->ntags ? tags.p : NULL);
    B64(6, limit);
    B64(7, q->offset > 0 ? q->offset : 0);
    rc = collect(st, s, a, sizeof(**out), read_hit, (void **)out, n, err);
    buf_release(&match);
    buf_release(&sources);
    buf_release(&tags);
    buf_release(&excl);
    return rc;
}

/* ---- reader ---- */

/* Begin a transaction unless the caller has one open; *own says which. */
static int
tx_begin(struct store *st, int *own, struct gz_err *err)
{
    *own = !st->in_tx;
    return *own ? store_begin(st, err) : 0;
}

/* Commit (rc == 0) or roll back what tx_begin() began; returns rc or the commit's error. */
static int
tx_end(struct store *st, int own, int rc, struct gz_err *err)
{
    if (!own)
        return rc;
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, err);
}

/* Run a statement with user_id as $1: make sure the user has a prefs row. */
static int
prefs_ensure(struct store *st, int64_t user_id, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_PREFS_ENSURE, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    return run(st, s, err);
}

/* ids[0..n) as one text parameter: "[1,2]" for SQLite's json_each, "{1,2}" for PostgreSQL. */
static void
ids_param(struct store *st, struct buf *b, const int64_t *ids, size_t n)
{
    buf_addc(b, st->is_pg ? '{' : '[');
    for (size_t i = 0; i < n; i++)
        buf_addf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_addc(b, st->is_pg ? '}' : ']');
}

static void
read_prefs(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_prefs *o = elem;

    o->user_id = C64(0);
    o->read_before = C64(1);
    o->rules = ctext(st, s, 2, a);
    o->rules_version = C64(3);
    o->digest = (int)C64(4);
    o->email = ctext(st, s, 5, a);
    o->digest_sent = C64(6);
    o->api_hash = ctext(st, s, 7, a);
    o->totp_secret = ctext(st, s, 8, a);
    o->totp_last = C64(9);
    if (!o->rules)
        o->rules = "";
}

int
store_reader_prefs_get(struct store *st, int64_t user_id, struct arena *a,
                       struct store_reader_prefs *out, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_PREFS_GET, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    memset(out, 0, sizeof(*out));
    out->user_id = user_id;
    out->rules = "";
    rc = st->ops->step(s, err);
    if (rc == DB_ROW)
        read_prefs(st, s, a, out);
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

int
store_reader_set_rules(struct store *st, int64_t user_id, const char *rules, int64_t *version,
                       struct gz_err *err)
{
    struct db_stmt *s;
    int64_t v = 0;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = prefs_ensure(st, user_id, err);
    if (!rc)
        rc = stmt(st, ST_RDR_SET_RULES, &s, err);
    if (!rc) {
        B64(1, user_id);
        BTXT(2, rules ? rules : "");
        rc = run_id(st, s, &v, err);
    }
    rc = tx_end(st, own, rc, err);
    if (!rc && version)
        *version = v;
    return rc;
}

int
store_reader_set_digest(struct store *st, int64_t user_id, int digest, const char *email,
                        struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = prefs_ensure(st, user_id, err);
    if (!rc)
        rc = stmt(st, ST_RDR_SET_DIGEST, &s, err);
    if (!rc) {
        B64(1, user_id);
        B64(2, digest);
        BTXT(3, email && *email ? email : NULL);
        rc = run(st, s, err);
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_digest_sent(struct store *st, int64_t user_id, int64_t at, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_DIGEST_SENT, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, at);
    return run(st, s, err);
}

static void
read_digest_user(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_digest_user *o = elem;

    read_prefs(st, s, a, &o->prefs);
    o->name = ctext(st, s, 10, a);
}

int
store_reader_digest_users(struct store *st, struct arena *a, struct store_reader_digest_user **out,
                          size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_DIGEST_USERS, &s, err);

    if (rc)
        return rc;
    return collect(st, s, a, sizeof(**out), read_digest_user, (void **)out, n, err);
}

int
store_reader_set_api_password(struct store *st, int64_t user_id, const char *api_hash,
                              const char *const *fever_keys, size_t nkeys, struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = prefs_ensure(st, user_id, err);
    if (!rc && !(rc = stmt(st, ST_RDR_SET_API_HASH, &s, err))) {
        B64(1, user_id);
        BTXT(2, api_hash);
        rc = run(st, s, err);
    }
    if (!rc && !(rc = stmt(st, ST_RDR_FEVER_CLEAR, &s, err))) {
        B64(1, user_id);
        rc = run(st, s, err);
    }
    for (size_t i = 0; !rc && api_hash && i < nkeys; i++) {
        if (!(rc = stmt(st, ST_RDR_FEVER_ADD, &s, err))) {
            BTXT(1, fever_keys[i]);
            B64(2, user_id);
            rc = run(st, s, err);
        }
    }
    if (!rc && !(rc = stmt(st, ST_RDR_TOKENS_CLEAR, &s, err))) {
        B64(1, user_id);
        rc = run(st, s, err);
    }
    return tx_end(st, own, rc, err);
}

/* Run a one-text-parameter lookup whose row is one id. */
static int
lookup_id(struct store *st, enum stmt_id id, const char *key, int64_t *out, const char *what,
          struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, id, &s, err);

    if (rc)
        return rc;
    BTXT(1, key);
    rc = run_id(st, s, out, err);
    if (rc == GZ_ENOTFOUND)
        return gz_errf(err, GZ_ENOTFOUND, "no such %s", what);
    return rc;
}

int
store_reader_fever_user(struct store *st, const char *api_key, int64_t *user_id, struct gz_err *err)
{
    return lookup_id(st, ST_RDR_FEVER_USER, api_key, user_id, "API key", err);
}

int
store_reader_token_add(struct store *st, const char *id_hash, int64_t user_id, int64_t created,
                       struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_TOKEN_ADD, &s, err);

    if (rc)
        return rc;
    BTXT(1, id_hash);
    B64(2, user_id);
    B64(3, created);
    return run(st, s, err);
}

int
store_reader_token_user(struct store *st, const char *id_hash, int64_t *user_id, struct gz_err *err)
{
    return lookup_id(st, ST_RDR_TOKEN_USER, id_hash, user_id, "API token", err);
}

int
store_reader_set_totp(struct store *st, int64_t user_id, const char *secret,
                      const char *const *code_hashes, size_t ncodes, struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = prefs_ensure(st, user_id, err);
    if (!rc && !(rc = stmt(st, ST_RDR_SET_TOTP, &s, err))) {
        B64(1, user_id);
        BTXT(2, secret);
        rc = run(st, s, err);
    }
    if (!rc && !(rc = stmt(st, ST_RDR_RECOVERY_CLEAR, &s, err))) {
        B64(1, user_id);
        rc = run(st, s, err);
    }
    for (size_t i = 0; !rc && secret && i < ncodes; i++) {
        if (!(rc = stmt(st, ST_RDR_RECOVERY_ADD, &s, err))) {
            B64(1, user_id);
            BTXT(2, code_hashes[i]);
            rc = run(st, s, err);
        }
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_totp_step(struct store *st, int64_t user_id, int64_t step, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_TOTP_STEP, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, step);
    rc = run(st, s, err);
    if (!rc && st->ops->changes(st->db) == 0)
        return gz_errf(err, GZ_EEXIST, "this code was used already");
    return rc;
}

int
store_reader_recovery_use(struct store *st, int64_t user_id, const char *code_hash,
                          struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_RECOVERY_USE, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    BTXT(2, code_hash);
    rc = run(st, s, err);
    if (!rc && st->ops->changes(st->db) == 0)
        return gz_errf(err, GZ_ENOTFOUND, "no such unused recovery code");
    return rc;
}

int
store_reader_recovery_left(struct store *st, int64_t user_id, int64_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_RECOVERY_LEFT, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    return run_id(st, s, n, err);
}

int
store_reader_challenge_add(struct store *st, const struct store_reader_challenge *c, int64_t now,
                           struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_CHALLENGE_PURGE, &s, err);

    if (rc)
        return rc;
    B64(1, now);
    if ((rc = run(st, s, err)) || (rc = stmt(st, ST_RDR_CHALLENGE_ADD, &s, err)))
        return rc;
    BTXT(1, c->id_hash);
    B64(2, c->user_id);
    BTXT(3, c->next ? c->next : "/");
    B64(4, c->expires);
    return run(st, s, err);
}

int
store_reader_challenge_get(struct store *st, const char *id_hash, int64_t now, struct arena *a,
                           struct store_reader_challenge *out, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_CHALLENGE_GET, &s, err);

    if (rc)
        return rc;
    BTXT(1, id_hash);
    B64(2, now);
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        out->id_hash = ctext(st, s, 0, a);
        out->user_id = C64(1);
        out->next = ctext(st, s, 2, a);
        out->expires = C64(3);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_ENOTFOUND, "no such log-in in progress");
    }
    st->ops->reset(s);
    return rc;
}

int
store_reader_challenge_delete(struct store *st, const char *id_hash, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_CHALLENGE_DELETE, &s, err);

    if (rc)
        return rc;
    BTXT(1, id_hash);
    return run(st, s, err);
}

/* ---- reader: follows and categories ---- */

static void
read_sub(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_sub *o = elem;

    o->source_id = C64(0);
    o->url = ctext(st, s, 1, a);
    o->site_url = ctext(st, s, 2, a);
    o->title = ctext(st, s, 3, a);
    o->own_title = ctext(st, s, 4, a);
    o->follow = (int)C64(5);
    o->category_id = C64(6);
    o->category = ctext(st, s, 7, a);
    o->read_before = C64(8);
    o->last_ok = C64(9);
}

int
store_reader_subs(struct store *st, int64_t user_id, struct arena *a, struct store_reader_sub **out,
                  size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_SUBS, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    return collect(st, s, a, sizeof(**out), read_sub, (void **)out, n, err);
}

/* Make sure (user, source) has a reader_subs row; GZ_ENOTFOUND when the source does not exist. */
static int
sub_ensure(struct store *st, int64_t user_id, int64_t source_id, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t found;
    int rc = stmt(st, ST_RDR_SOURCE_EXISTS, &s, err);

    if (rc)
        return rc;
    B64(1, source_id);
    rc = run_id(st, s, &found, err);
    if (rc == GZ_ENOTFOUND)
        return gz_errf(err, GZ_ENOTFOUND, "no source %lld", (long long)source_id);
    if (rc || (rc = stmt(st, ST_RDR_SUB_ENSURE, &s, err)))
        return rc;
    B64(1, user_id);
    B64(2, source_id);
    return run(st, s, err);
}

/* Set one column of the user's row for a source with a statement ($1 user, $2 source, $3 v). */
static int
sub_set(struct store *st, enum stmt_id id, int64_t user_id, int64_t source_id, const char *text,
        int64_t v, int is_text, struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = sub_ensure(st, user_id, source_id, err);
    if (!rc && !(rc = stmt(st, id, &s, err))) {
        B64(1, user_id);
        B64(2, source_id);
        if (is_text)
            BTXT(3, text);
        else if (v)
            B64(3, v);
        else
            BTXT(3, NULL);
        rc = run(st, s, err);
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_follow(struct store *st, int64_t user_id, int64_t source_id, int follow,
                    struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc)
        rc = sub_ensure(st, user_id, source_id, err);
    if (!rc && !(rc = stmt(st, ST_RDR_FOLLOW, &s, err))) {
        B64(1, user_id);
        B64(2, source_id);
        B64(3, follow ? 1 : 0);
        rc = run(st, s, err);
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_set_title(struct store *st, int64_t user_id, int64_t source_id, const char *title,
                       struct gz_err *err)
{
    return sub_set(st, ST_RDR_SET_TITLE, user_id, source_id, title && *title ? title : NULL, 0, 1,
                   err);
}

int
store_reader_category_find(struct store *st, int64_t user_id, const char *name, int64_t *id,
                           struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_CAT_FIND, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    BTXT(2, name);
    rc = run_id(st, s, id, err);
    if (rc == GZ_ENOTFOUND)
        return gz_errf(err, GZ_ENOTFOUND, "no category '%s'", name);
    return rc;
}

int
store_reader_set_category(struct store *st, int64_t user_id, int64_t source_id, const char *name,
                          int64_t *category_id, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t cid = 0;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc && name && *name) {
        rc = store_reader_category_find(st, user_id, name, &cid, err);
        if (rc == GZ_ENOTFOUND && !(rc = stmt(st, ST_RDR_CAT_INSERT, &s, err))) {
            B64(1, user_id);
            BTXT(2, name);
            rc = run_id(st, s, &cid, err);
        }
    }
    if (!rc)
        rc = sub_set(st, ST_RDR_SET_CAT, user_id, source_id, NULL, cid, 0, err);
    rc = tx_end(st, own, rc, err);
    if (!rc && category_id)
        *category_id = cid;
    return rc;
}

static void
read_category(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_category *o = elem;

    o->id = C64(0);
    o->name = ctext(st, s, 1, a);
    o->n_sources = C64(2);
}

int
store_reader_categories(struct store *st, int64_t user_id, struct arena *a,
                        struct store_reader_category **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_CATS, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    return collect(st, s, a, sizeof(**out), read_category, (void **)out, n, err);
}

/* GZ_ENOTFOUND unless category id belongs to user_id. */
static int
category_owned(struct store *st, int64_t user_id, int64_t id, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t found;
    int rc = stmt(st, ST_RDR_CAT_OWNED, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, id);
    rc = run_id(st, s, &found, err);
    if (rc == GZ_ENOTFOUND)
        return gz_errf(err, GZ_ENOTFOUND, "no category %lld", (long long)id);
    return rc;
}

int
store_reader_category_rename(struct store *st, int64_t user_id, int64_t id, const char *name,
                             struct gz_err *err)
{
    struct db_stmt *s;
    int rc = category_owned(st, user_id, id, err);

    if (rc || (rc = stmt(st, ST_RDR_CAT_RENAME, &s, err)))
        return rc;
    B64(1, user_id);
    B64(2, id);
    BTXT(3, name);
    rc = run(st, s, err);
    if (rc == GZ_EEXIST)
        return gz_errf(err, GZ_EEXIST, "there is a category called '%s' already", name);
    return rc;
}

int
store_reader_category_delete(struct store *st, int64_t user_id, int64_t id, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = category_owned(st, user_id, id, err);

    if (rc || (rc = stmt(st, ST_RDR_CAT_DELETE, &s, err)))
        return rc;
    B64(1, user_id);
    B64(2, id);
    return run(st, s, err);
}

/* ---- reader: read and starred ---- */

/* One statement ($1 user, $2 article, $3 v, $4 now) for each id, in one transaction. */
static int
mark_each(struct store *st, enum stmt_id id, int64_t user_id, const int64_t *ids, size_t n, int v,
          int64_t now, struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    for (size_t i = 0; !rc && i < n; i++) {
        if (!(rc = stmt(st, id, &s, err))) {
            B64(1, user_id);
            B64(2, ids[i]);
            B64(3, v);
            B64(4, now);
            rc = run(st, s, err);
        }
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_mark(struct store *st, int64_t user_id, const int64_t *ids, size_t n, int read,
                  int64_t now, struct gz_err *err)
{
    return mark_each(st, ST_RDR_MARK, user_id, ids, n, read ? 1 : 0, now, err);
}

int
store_reader_star(struct store *st, int64_t user_id, const int64_t *ids, size_t n, int starred,
                  int64_t now, struct gz_err *err)
{
    return mark_each(st, ST_RDR_STAR, user_id, ids, n, starred ? 1 : 0, now, err);
}

int
store_reader_mark_before(struct store *st, int64_t user_id, int scope, int64_t id, int64_t before,
                         struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc;

    if (scope == READER_SCOPE_CATEGORY && (rc = category_owned(st, user_id, id, err)))
        return rc;
    if ((rc = tx_begin(st, &own, err)))
        return rc;
    if (scope == READER_SCOPE_ALL) {
        rc = prefs_ensure(st, user_id, err);
        if (!rc && !(rc = stmt(st, ST_RDR_MARK_ALL, &s, err))) {
            B64(1, user_id);
            B64(2, before);
            rc = run(st, s, err);
        }
        if (!rc && !(rc = stmt(st, ST_RDR_KEPT_ALL, &s, err))) {
            B64(1, user_id);
            B64(2, before);
            rc = run(st, s, err);
        }
        return tx_end(st, own, rc, err);
    }
    if (scope == READER_SCOPE_SOURCE)
        rc = sub_ensure(st, user_id, id, err);
    if (!rc &&
        !(rc = stmt(st, scope == READER_SCOPE_SOURCE ? ST_RDR_MARK_SOURCE : ST_RDR_MARK_CATEGORY,
                    &s, err))) {
        B64(1, user_id);
        B64(2, id);
        B64(3, before);
        rc = run(st, s, err);
    }
    if (!rc &&
        !(rc = stmt(st, scope == READER_SCOPE_SOURCE ? ST_RDR_KEPT_SOURCE : ST_RDR_KEPT_CATEGORY,
                    &s, err))) {
        B64(1, user_id);
        B64(2, id);
        B64(3, before);
        rc = run(st, s, err);
    }
    return tx_end(st, own, rc, err);
}

int
store_reader_mark_story(struct store *st, int64_t user_id, int64_t story_id, int read, int64_t now,
                        struct gz_err *err)
{
    struct db_stmt *s;
    int own;
    int rc = tx_begin(st, &own, err);

    if (!rc && !read && !(rc = stmt(st, ST_RDR_STORY_UNMARK, &s, err))) {
        B64(1, user_id);
        B64(2, story_id);
        rc = run(st, s, err);
    } else if (!rc && read && !(rc = stmt(st, ST_RDR_STORY_MARK, &s, err))) {
        B64(1, user_id);
        B64(2, story_id);
        B64(3, now);
        rc = run(st, s, err);
        if (!rc && st->ops->changes(st->db) == 0)
            rc = gz_errf(err, GZ_ENOTFOUND, "no story %lld", (long long)story_id);
        if (!rc && !(rc = stmt(st, ST_RDR_STORY_KEPT, &s, err))) {
            B64(1, user_id);
            B64(2, story_id);
            rc = run(st, s, err);
        }
    }
    return tx_end(st, own, rc, err);
}

static void
read_story_news(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_story_news *o = elem;

    o->story_id = C64(0);
    o->title = ctext(st, s, 1, a);
    o->n_sources = C64(2);
    o->seen = C64(3);
    o->last_updated = C64(4);
}

int
store_reader_story_news(struct store *st, int64_t user_id, int64_t limit, struct arena *a,
                        struct store_reader_story_news **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_STORY_NEWS, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, limit > 0 ? limit : 20);
    return collect(st, s, a, sizeof(**out), read_story_news, (void **)out, n, err);
}

int
store_reader_story_marks(struct store *st, int64_t user_id, const int64_t *ids, size_t n,
                         int *read_out, int64_t *seen_out, struct gz_err *err)
{
    struct db_stmt *s;
    struct buf list = BUF_INIT;
    int rc;

    for (size_t i = 0; i < n; i++) {
        read_out[i] = 0;
        if (seen_out)
            seen_out[i] = 0;
    }
    if (!n)
        return 0;
    if (n > STORE_READER_MAX)
        return gz_errf(err, GZ_EINVAL, "too many stories at once");
    if ((rc = stmt(st, ST_RDR_STORY_MARKS, &s, err)))
        return rc;
    ids_param(st, &list, ids, n);
    B64(1, user_id);
    BTXT(2, list.p);
    buf_release(&list);
    while ((rc = st->ops->step(s, err)) == DB_ROW) {
        int64_t sid = C64(0);

        for (size_t i = 0; i < n; i++) {
            if (ids[i] == sid) {
                read_out[i] = 1;
                if (seen_out)
                    seen_out[i] = C64(1);
            }
        }
    }
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

/* ---- reader: listing ---- */

/* Most articles one store_reader_list() call reads. */
#define RDR_SCAN_MAX 100000
/* Articles read at most per chunk. */
#define RDR_CHUNK_MAX 5000
/* Arrival times follow ids but for clocks and imports: bounds on them stop a scan this late. */
#define RDR_FETCHED_SLACK 3600

/* A source as a listing sees it: the user's relation to it and its names. */
struct rdr_sub {
    int64_t source_id;
    int follow;
    int64_t read_before;
    int64_t category_id;
    const char *title;
    const char *url;
    const char *site;
};

static void
read_rdr_sub(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct rdr_sub *o = elem;

    o->source_id = C64(0);
    o->follow = (int)C64(1);
    o->read_before = C64(2);
    o->category_id = C64(3);
    o->title = ctext(st, s, 4, a);
    o->url = ctext(st, s, 5, a);
    o->site = ctext(st, s, 6, a);
}

/* One article row of a scan. */
struct rdr_row {
    int64_t id;
    int64_t source_id;
    int64_t story_id;
    int64_t dup_of;
    int64_t fetched;
    int64_t published;
    const char *title;
    const char *excerpt;
    const char *author;
};

static void
read_rdr_row(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct rdr_row *o = elem;

    (void)a;
    o->id = C64(0);
    o->source_id = C64(1);
    o->story_id = C64(2);
    o->dup_of = C64(3);
    o->fetched = C64(4);
    o->published = C64(5);
}

static void
read_rdr_row_text(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct rdr_row *o = elem;

    read_rdr_row(st, s, a, elem);
    o->title = ctext(st, s, 6, a);
    o->excerpt = ctext(st, s, 7, a);
    o->author = ctext(st, s, 8, a);
}

/* Run a (user $1, id list $2) statement and put column 0 of each row in set. */
static int
id_set(struct store *st, enum stmt_id id, int64_t user_id, const int64_t *ids, size_t n,
       struct hmap *set, struct gz_err *err)
{
    struct db_stmt *s;
    struct buf list = BUF_INIT;
    int rc;

    if (!n)
        return 0;
    if ((rc = stmt(st, id, &s, err)))
        return rc;
    ids_param(st, &list, ids, n);
    B64(1, user_id);
    BTXT(2, list.p);
    buf_release(&list);
    while ((rc = st->ops->step(s, err)) == DB_ROW)
        hmap_set(set, (uint64_t)C64(0), 1);
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

/* The user's marks on articles lo..hi: article -> (read + 1) | starred << 2. */
static int
states_range(struct store *st, int64_t user_id, int64_t lo, int64_t hi, struct hmap *marks,
             struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_STATES_RANGE, &s, err);

    if (rc)
        return rc;
    B64(1, user_id);
    B64(2, lo);
    B64(3, hi);
    while ((rc = st->ops->step(s, err)) == DB_ROW)
        hmap_set(marks, (uint64_t)C64(0), (uint64_t)(C64(1) + 1) | (uint64_t)(C64(2) ? 4 : 0));
    st->ops->reset(s);
    return rc < 0 ? rc : 0;
}

struct rdr_scan {
    struct hmap subs; /* source -> index in sub */
    struct rdr_sub *sub;
    size_t nsub;
    int story_reads; /* the user marked some story read */
    struct hmap marks;
    struct hmap stories; /* stories marked read, of this chunk */
    struct hmap dups;    /* originals marked read, of this chunk */
};

static void
scan_release(struct rdr_scan *sc)
{
    hmap_release(&sc->subs);
    hmap_release(&sc->marks);
    hmap_release(&sc->stories);
    hmap_release(&sc->dups);
}

static int
scan_start(struct store *st, const struct store_reader_query *q, struct arena *a,
           struct rdr_scan *sc, struct gz_err *err)
{
    struct db_stmt *s;
    int64_t any = 0;
    int rc = stmt(st, ST_RDR_SUBS_MAP, &s, err);

    if (rc)
        return rc;
    B64(1, q->user_id);
    if ((rc = collect(st, s, a, sizeof(*sc->sub), read_rdr_sub, (void **)&sc->sub, &sc->nsub, err)))
        return rc;
    hmap_init(&sc->subs, sc->nsub);
    for (size_t i = 0; i < sc->nsub; i++)
        hmap_set(&sc->subs, (uint64_t)sc->sub[i].source_id, i);
    if ((rc = stmt(st, ST_RDR_HAS_STORY_READS, &s, err)))
        return rc;
    B64(1, q->user_id);
    if ((rc = run_id(st, s, &any, err)))
        return rc;
    sc->story_reads = any > 0;
    return 0;
}

/* The marks, story marks and duplicate originals that decide rows[0..n). */
static int
scan_chunk_state(struct store *st, const struct store_reader_query *q, struct arena *a,
                 struct rdr_scan *sc, const struct rdr_row *rows, size_t n, struct gz_err *err)
{
    int64_t lo = rows[0].id;
    int64_t hi = rows[0].id;
    int64_t *ids = ARENA_NEWN(a, int64_t, n);
    size_t k = 0;
    int rc;

    hmap_clear(&sc->marks);
    hmap_clear(&sc->stories);
    hmap_clear(&sc->dups);
    for (size_t i = 0; i < n; i++) {
        lo = rows[i].id < lo ? rows[i].id : lo;
        hi = rows[i].id > hi ? rows[i].id : hi;
    }
    if ((rc = states_range(st, q->user_id, lo, hi, &sc->marks, err)))
        return rc;
    if (sc->story_reads) {
        for (size_t i = 0; i < n; i++)
            if (rows[i].story_id && !hmap_get(&sc->marks, (uint64_t)rows[i].id))
                ids[k++] = rows[i].story_id;
        if ((rc = id_set(st, ST_RDR_STORY_READ_IN, q->user_id, ids, k, &sc->stories, err)))
            return rc;
    }
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].dup_of && !hmap_get(&sc->marks, (uint64_t)rows[i].id))
            ids[k++] = rows[i].dup_of;
    return id_set(st, ST_RDR_READ_IN, q->user_id, ids, k, &sc->dups, err);
}

int
store_reader_list(struct store *st, const struct store_reader_query *q, struct arena *a,
                  struct store_reader_item **out, size_t *n, int64_t *next, struct gz_err *err)
{
    static const enum stmt_id pick[3][2][2] = {
        /* [all/source/starred][text][ascending] */
        {{ST_RDR_SCAN_DESC, ST_RDR_SCAN_ASC}, {ST_RDR_SCAN_TEXT_DESC, ST_RDR_SCAN_TEXT_ASC}},
        {{ST_RDR_SCAN_SRC_DESC, ST_RDR_SCAN_SRC_ASC},
         {ST_RDR_SCAN_SRC_TEXT_DESC, ST_RDR_SCAN_SRC_TEXT_ASC}},
        {{ST_RDR_SCAN_STAR_DESC, ST_RDR_SCAN_STAR_ASC},
         {ST_RDR_SCAN_STAR_TEXT_DESC, ST_RDR_SCAN_STAR_TEXT_ASC}},
    };
    struct rdr_scan sc = {HMAP_INIT, NULL, 0, 0, HMAP_INIT, HMAP_INIT, HMAP_INIT};
    int kind = q->state == READER_STARRED ? 2 : q->source_id ? 1 : 0;
    int64_t after = q->after_id > 0 ? q->after_id : 0;
    int64_t before = q->before_id > 0 ? q->before_id : INT64_MAX;
    int64_t chunk = q->limit + q->limit / 4 + 16;
    int64_t scanned = 0;
    int64_t cursor = 0;
    int done = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (next)
        *next = 0;
    if (q->limit < 1 || q->limit > STORE_READER_MAX)
        return gz_errf(err, GZ_EINVAL, "a listing takes 1 to %d articles", STORE_READER_MAX);
    *out = ARENA_NEWN(a, struct store_reader_item, (size_t)q->limit);
    if ((rc = scan_start(st, q, a, &sc, err)))
        goto out;
    while (!done) {
        struct rdr_row *rows = NULL;
        struct db_stmt *s;
        size_t nrows = 0;

        if (chunk > RDR_CHUNK_MAX)
            chunk = RDR_CHUNK_MAX;
        if ((rc = stmt(st, pick[kind][q->with_text ? 1 : 0][q->ascending ? 1 : 0], &s, err)))
            goto out;
        B64(1, after);
        B64(2, before);
        B64(3, chunk);
        if (kind)
            B64(4, kind == 2 ? q->user_id : q->source_id);
        if ((rc = collect(st, s, a, sizeof(*rows), q->with_text ? read_rdr_row_text : read_rdr_row,
                          (void **)&rows, &nrows, err)))
            goto out;
        if (!nrows) {
            done = 2;
            break;
        }
        if ((rc = scan_chunk_state(st, q, a, &sc, rows, nrows, err)))
            goto out;
        for (size_t i = 0; i < nrows && !done; i++) {
            const struct rdr_row *row = &rows[i];
            const uint64_t *si = hmap_get(&sc.subs, (uint64_t)row->source_id);
            const struct rdr_sub *sub = si ? &sc.sub[*si] : NULL;
            const uint64_t *mark = hmap_get(&sc.marks, (uint64_t)row->id);
            int explicit = mark ? (int)(*mark & 3) - 1 : -1;
            int starred = mark && (*mark & 4);
            int read;
            struct store_reader_item *it;

            cursor = row->id;
            if (q->ascending)
                after = row->id;
            else
                before = row->id;
            if (q->fetched_min && row->fetched < q->fetched_min) {
                if (!q->ascending && row->fetched < q->fetched_min - RDR_FETCHED_SLACK)
                    done = 2; /* older than the bound from here on */
                continue;
            }
            if (q->fetched_max && row->fetched >= q->fetched_max) {
                if (q->ascending && row->fetched >= q->fetched_max + RDR_FETCHED_SLACK)
                    done = 2;
                continue;
            }
            if (kind == 0 && sub && !sub->follow)
                continue;
            if (q->category_id && (!sub || sub->category_id != q->category_id))
                continue;
            if (explicit >= 0)
                read = explicit;
            else if (row->fetched < q->read_before || (sub && row->fetched < sub->read_before))
                read = 1;
            else if (row->story_id && hmap_get(&sc.stories, (uint64_t)row->story_id))
                read = 1;
            else if (row->dup_of && hmap_get(&sc.dups, (uint64_t)row->dup_of))
                read = 1;
            else
                read = 0;
            if ((q->state == READER_UNREAD && read) || (q->state == READER_READ && !read) ||
                (q->state == READER_STARRED && !starred))
                continue;
            it = &(*out)[(*n)++];
            it->id = row->id;
            it->source_id = row->source_id;
            it->story_id = row->story_id;
            it->fetched = row->fetched;
            it->published = row->published;
            it->read = read;
            it->starred = starred;
            if (q->with_text) {
                it->title = row->title;
                it->excerpt = row->excerpt;
                it->author = row->author;
                it->source_title = sub ? sub->title : NULL;
                it->source_url = sub ? sub->url : NULL;
                it->source_site = sub ? sub->site : NULL;
            }
            if ((int64_t)*n == q->limit)
                done = 1;
        }
        scanned += (int64_t)nrows;
        if (done)
            break;
        if ((int64_t)nrows < chunk) {
            done = 2; /* read to the end */
            break;
        }
        if (scanned >= RDR_SCAN_MAX)
            break; /* enough for one call: the caller continues at the cursor */
        chunk *= 2;
    }
    if (next && done != 2)
        *next = cursor;
out:
    scan_release(&sc);
    return rc;
}

static void
read_reader_article(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_article *o = elem;
    int base = 24; /* ARTICLE_COLS (22) + text + html */

    read_article_text(st, s, a, &o->art);
    o->read = (int)C64(base);
    o->starred = (int)C64(base + 1);
    o->feed_title = ctext(st, s, base + 2, a);
    o->category_id = C64(base + 3);
    o->category = ctext(st, s, base + 4, a);
}

int
store_reader_articles(struct store *st, int64_t user_id, int64_t read_before, const int64_t *ids,
                      size_t n, int ascending, struct arena *a, struct store_reader_article **out,
                      size_t *nout, struct gz_err *err)
{
    struct db_stmt *s;
    struct buf list = BUF_INIT;
    int rc;

    *out = NULL;
    *nout = 0;
    if (!n)
        return 0;
    if (n > STORE_READER_MAX)
        return gz_errf(err, GZ_EINVAL, "too many articles at once");
    if ((rc = stmt(st, ascending ? ST_RDR_ARTICLES_ASC : ST_RDR_ARTICLES_DESC, &s, err)))
        return rc;
    ids_param(st, &list, ids, n);
    B64(1, user_id);
    B64(2, read_before);
    BTXT(3, list.p);
    buf_release(&list);
    return collect(st, s, a, sizeof(**out), read_reader_article, (void **)out, nout, err);
}

static void
read_reader_tag(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_tag *o = elem;

    o->article_id = C64(0);
    o->slug = ctext(st, s, 1, a);
    o->kind = (int)C64(2);
}

int
store_reader_tags(struct store *st, const int64_t *ids, size_t n, struct arena *a,
                  struct store_reader_tag **out, size_t *nout, struct gz_err *err)
{
    struct db_stmt *s;
    struct buf list = BUF_INIT;
    int rc;

    *out = NULL;
    *nout = 0;
    if (!n)
        return 0;
    if (n > STORE_READER_MAX)
        return gz_errf(err, GZ_EINVAL, "too many articles at once");
    if ((rc = stmt(st, ST_RDR_TAGS, &s, err)))
        return rc;
    ids_param(st, &list, ids, n);
    BTXT(1, list.p);
    buf_release(&list);
    return collect(st, s, a, sizeof(**out), read_reader_tag, (void **)out, nout, err);
}

static void
read_reader_count(struct store *st, struct db_stmt *s, struct arena *a, void *elem)
{
    struct store_reader_count *o = elem;

    (void)a;
    o->source_id = C64(0);
    o->n = C64(1);
    o->max_id = C64(2);
}

int
store_reader_source_counts(struct store *st, int64_t after_id, struct arena *a,
                           struct store_reader_count **out, size_t *n, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_SOURCE_COUNTS, &s, err);

    if (rc)
        return rc;
    B64(1, after_id);
    return collect(st, s, a, sizeof(**out), read_reader_count, (void **)out, n, err);
}

int
store_reader_latest(struct store *st, int64_t *max_id, int64_t *last_ok, struct gz_err *err)
{
    struct db_stmt *s;
    int rc = stmt(st, ST_RDR_LATEST, &s, err);

    if (rc)
        return rc;
    rc = st->ops->step(s, err);
    if (rc == DB_ROW) {
        *max_id = C64(0);
        *last_ok = C64(1);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = gz_errf(err, GZ_EDB, "the latest ids returned no row");
    }
    st->ops->reset(s);
    return rc;
}
