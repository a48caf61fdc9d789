/*
 * query.h - the search box's language, parsed into its parts.
 *
 *   war crimes            words: every one must match (stemmed: "talks" finds "talk")
 *   "peace treaty"        a phrase: these words in this order
 *   -football -"world cup"  must not match
 *   source:reuters        the source's name contains "reuters" (any case);
 *   source:"new york times"  a quoted value may hold spaces
 *   tag:karabakh          the article, or its story, carries the tag
 *                         (tag:"Nikol Pashinyan" means tag:nikol-pashinyan)
 *   after:2025-08-01      published on or after that day (UTC)
 *   before:2025-09        published before that month (YYYY, YYYY-MM, YYYY-MM-DD)
 *
 * Several source: filters mean any of them, several tag: filters all of
 * them.  Filter names are case-insensitive.  A word with a colon that is
 * not a filter ("10:30", "http://x") is a word.  A query of filters alone
 * is fine (the newest articles that pass them); a query with nothing to
 * look for (empty, or only exclusions or punctuation) is an error.
 *
 * The parser knows nothing of the index: the store quotes every word when
 * it builds its own query (store_fts_match), so no text typed here is
 * ever read as index syntax.
 *
 * Pure and thread-safe; every string of a result lives in the arena.
 */
#ifndef GZ_WEB_QUERY_H
#define GZ_WEB_QUERY_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct gz_err;
struct store_search;

#define QUERY_MAX_LEN 512  /* bytes of query text */
#define QUERY_MAX_PARTS 32 /* words, phrases, exclusions and filters together */
#define QUERY_MAX_WORD 200 /* bytes of one word, phrase or filter value */

struct query {
    const char **words;
    size_t nwords;
    const char **phrases;
    size_t nphrases;
    const char **exclude; /* words and phrases */
    size_t nexclude;
    const char **sources;
    size_t nsources;
    const char **tags; /* slugs */
    size_t ntags;
    int64_t after;  /* Unix seconds, 0: none */
    int64_t before; /* Unix seconds, 0: none */
};

/*
 * Parse text into *out.  0 on success; GZ_EPARSE when the query cannot be
 * used, with a message in err written for the person who typed it (a
 * sentence saying what to change, shown on the search page as it is).
 * *out is zeroed on error.
 */
int query_parse(const char *text, struct arena *a, struct query *out, struct gz_err *err);

/* A store search for q (borrowing q's arrays); paging and order are left as they were. */
void query_to_search(const struct query *q, struct store_search *s);

#endif
