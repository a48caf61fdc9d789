/*
 * rules.h - a reader's own filters: mute or highlight articles.
 *
 * A user writes rules one per line.  A line that starts with '-' mutes
 * what it matches (hidden from that user's pages, API results and
 * digests); any other line highlights it ('+' may start it, for
 * symmetry).  The rest of the line is one or more terms, separated by
 * spaces, that must all match:
 *
 *   word           the word, in the title or the excerpt (case and accents
 *                  of capitals ignored: "Trump" matches "trump"); word*
 *                  matches words that start so
 *   "two words"    the phrase
 *   /regex/        a POSIX extended regular expression, ignoring case,
 *                  over the title and, separately, the excerpt; at most
 *                  RULES_MAX_REGEX bytes (write \/ for a slash)
 *   source:NAME    the source: NAME (letters and digits, any case) within
 *                  its name ("source:foxnews" matches "Fox News"), or
 *                  within its feed or site address; source:17 is source 17
 *   tag:NAME       the article carries the tag (tag:"Nikol Pashinyan"
 *                  means the tag nikol-pashinyan)
 *   entity:NAME    a tag that names a person, place or organisation;
 *                  person:, place: and org: one of those kinds
 *   author:NAME    NAME within the author's name
 *
 * Examples: `-tag:sports`, `-source:foxnews`, `"border czar"`,
 * `-/^(watch|video):/`, `-source:example tag:crypto`.  A line starting with
 * '#' is a comment.  Muting wins over highlighting.
 *
 * Compiling checks every line and keeps the good ones; each bad line is
 * reported with its number and a sentence for people.  Compiled rules are
 * immutable and reference-counted, so one compiled set may be used by
 * several threads at once; rules_cache_get() compiles each user's rules
 * once per rules version (store_reader_prefs.rules_version, kept in the
 * database, so several server processes each notice a change).
 *
 * Limits: RULES_MAX_LINES lines of RULES_MAX_LINE bytes, RULES_MAX_TERMS
 * terms a line, RULES_MAX_REGEXES regular expressions in all.
 */
#ifndef GZ_READER_RULES_H
#define GZ_READER_RULES_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define RULES_MAX_TEXT 20000
#define RULES_MAX_LINES 200
#define RULES_MAX_LINE 500
#define RULES_MAX_TERMS 10
#define RULES_MAX_REGEX 200
#define RULES_MAX_REGEXES 20

enum rules_action {
    RULES_NONE = 0,
    RULES_HIGHLIGHT = 1,
    RULES_MUTE = 2,
};

/* A tag of an article, as rules see it. */
struct rules_tag {
    const char *slug;
    int kind; /* enum store_tag_kind */
};

/* What rules look at in one article; any field may be NULL. */
struct rules_item {
    const char *title;
    const char *excerpt;
    const char *author;
    int64_t source_id;
    const char *source_title;
    const char *source_url;  /* the feed */
    const char *source_site; /* the home page */
    const struct rules_tag *tags;
    size_t ntags;
};

/* A line that could not be used. */
struct rules_problem {
    int line; /* 1-based */
    char msg[200];
};

struct rules;

/*
 * Compile text (NULL or "" is no rules).  Never fails: bad lines are left
 * out and reported in problems[0..*nproblems) (at most max); text past
 * RULES_MAX_TEXT or RULES_MAX_LINES is reported and ignored.  The result
 * has one reference; drop it with rules_release().
 */
struct rules *rules_compile(const char *text, struct rules_problem *problems, size_t max,
                            size_t *nproblems);
/* Drop a reference; the last one frees the rules.  NULL is a no-op. */
void rules_release(struct rules *rs);

/* What the rules do to an item: RULES_MUTE, RULES_HIGHLIGHT or RULES_NONE. */
int rules_eval(const struct rules *rs, const struct rules_item *it);

/* How many rules (good lines) there are; how many mute. */
size_t rules_count(const struct rules *rs);
size_t rules_mutes(const struct rules *rs);
/* 1 when some rule looks at tags (the caller must then fill rules_item.tags). */
int rules_need_tags(const struct rules *rs);
/*
 * Rule i (0-based, < rules_count) described for people, appended to out:
 * 'Mute: articles with the word "sports"'.  *line gets its line number.
 */
void rules_describe(const struct rules *rs, size_t i, struct buf *out, int *line);

/*
 * The compiled rules of user_id at version, compiled from text on a miss
 * (text must be the rules of that version).  Returns a reference the
 * caller drops with rules_release(); NULL when the user has no rules.  A
 * process-wide cache of a bounded number of users, safe to use from any
 * thread.
 */
struct rules *rules_cache_get(int64_t user_id, int64_t version, const char *text);

/* "nikol-pashinyan" for "Nikol Pashinyan" into out (NUL-terminated, at most n bytes). */
void rules_slug(const char *s, char *out, size_t n);

#endif
