/*
 * query.c - the search box's language (see query.h).
 *
 * One pass over the text: skip spaces, read one part (a word, a "phrase",
 * either after a minus, or a name:value filter), check it, add it.  Every
 * limit is checked as the parts are added, so hostile input costs one pass.
 */
#include "web/query.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#include <string.h>

_Static_assert(QUERY_MAX_PARTS <= STORE_SEARCH_MAX_ITEMS, "the store must take every part");

enum filter { F_NONE, F_SOURCE, F_TAG, F_AFTER, F_BEFORE };

static const struct {
    const char *name;
    enum filter f;
} filters[] = {
    {"source", F_SOURCE},
    {"tag", F_TAG},
    {"after", F_AFTER},
    {"before", F_BEFORE},
};

struct parser {
    struct arena *a;
    struct query *q;
    size_t parts;
    const char **words;
    const char **phrases;
    const char **exclude;
    const char **sources;
    const char **tags;
};

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Something the index would see as a word: a letter or digit, or any non-ASCII character. */
static int
has_word_char(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            return 1;
    }
    return 0;
}

static int
add_part(struct parser *ps, const char ***arr, size_t *n, const char *p, size_t len,
         struct gz_err *err)
{
    if (len > QUERY_MAX_WORD)
        return gz_errf(err, GZ_EPARSE,
                       "One word or phrase is longer than %d characters: shorten it.",
                       QUERY_MAX_WORD);
    if (ps->parts >= QUERY_MAX_PARTS)
        return gz_errf(err, GZ_EPARSE, "The search has more than %d parts: use fewer words.",
                       QUERY_MAX_PARTS);
    (*arr)[(*n)++] = arena_strndup(ps->a, p, len);
    ps->parts++;
    return 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* n digits at p as a number, or -1. */
static int
digits(const char *p, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* YYYY, YYYY-MM or YYYY-MM-DD: the first second of that period (UTC). */
static int
parse_day(const char *p, size_t n, int64_t *out)
{
    int y;
    int m = 1;
    int d = 1;

    if (n != 4 && n != 7 && n != 10)
        return -1;
    y = digits(p, 4);
    if (n >= 7 && (p[4] != '-' || (m = digits(p + 5, 2)) < 0))
        return -1;
    if (n == 10 && (p[7] != '-' || (d = digits(p + 8, 2)) < 0))
        return -1;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *out = time_from_civil(y, m, d, 0, 0, 0);
    return 0;
}

/* The slug a tag value names: ASCII lower-cased, spaces and underscores as '-'. */
static char *
slugify(struct arena *a, const char *p, size_t n)
{
    char *s = arena_strndup(a, p, n);

    for (char *c = s; *c; c++) {
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
        else if (*c == ' ' || *c == '_')
            *c = '-';
    }
    return s;
}

static int
add_filter(struct parser *ps, enum filter f, const char *name, const char *v, size_t n,
           struct gz_err *err)
{
    struct query *q = ps->q;
    struct str val = str_trim((struct str){v, n});
    int64_t t;

    if (!val.len)
        return gz_errf(err, GZ_EPARSE, "\"%s:\" needs a value, as in %s", name,
                       f == F_SOURCE  ? "source:reuters or source:\"new york times\"."
                       : f == F_TAG   ? "tag:karabakh."
                       : f == F_AFTER ? "after:2025-08-01."
                                      : "before:2025-08-31.");
    switch (f) {
    case F_SOURCE:
        return add_part(ps, &ps->sources, &q->nsources, val.p, val.len, err);
    case F_TAG: {
        const char *slug;

        if (!has_word_char(val.p, val.len))
            return gz_errf(err, GZ_EPARSE, "\"tag:\" needs a tag name, as in tag:karabakh.");
        if (add_part(ps, &ps->tags, &q->ntags, val.p, val.len, err))
            return GZ_EPARSE;
        slug = slugify(ps->a, val.p, val.len);
        ps->tags[q->ntags - 1] = slug;
        return 0;
    }
    case F_AFTER:
    case F_BEFORE:
        if (parse_day(val.p, val.len, &t))
            return gz_errf(err, GZ_EPARSE,
                           "\"%.*s\" is not a date: write dates as YYYY-MM-DD, as in "
                           "%s:2025-08-01.",
                           (int)(val.len > 40 ? 40 : val.len), val.p, name);
        if ((f == F_AFTER && q->after) || (f == F_BEFORE && q->before))
            return gz_errf(err, GZ_EPARSE, "Give one \"%s:\" date at most.", name);
        if (ps->parts >= QUERY_MAX_PARTS)
            return gz_errf(err, GZ_EPARSE, "The search has more than %d parts: use fewer words.",
                           QUERY_MAX_PARTS);
        ps->parts++;
        if (f == F_AFTER)
            q->after = t;
        else
            q->before = t;
        if (q->after && q->before && q->after >= q->before)
            return gz_errf(err, GZ_EPARSE,
                           "The \"after:\" date must be earlier than the \"before:\" date.");
        return 0;
    case F_NONE:
        break;
    }
    return 0;
}

/* The filter named by the text before a colon, F_NONE when it names none. */
static enum filter
filter_named(const char *p, size_t n, const char **name)
{
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        if (strlen(filters[i].name) == n && !str_ncasecmp(p, filters[i].name, n)) {
            *name = filters[i].name;
            return filters[i].f;
        }
    }
    return F_NONE;
}

/* The end of the quoted text that starts after the quote at p, or NULL. */
static const char *
closing_quote(const char *p)
{
    return strchr(p + 1, '"');
}

static int
unclosed(struct gz_err *err)
{
    return gz_errf(err, GZ_EPARSE,
                   "A quotation mark is not closed: add the closing \" or remove the opening one.");
}

int
query_parse(const char *text, struct arena *a, struct query *out, struct gz_err *err)
{
    struct parser ps;
    struct query *q = out;
    const char *p = text ? text : "";
    size_t len = strlen(p);
    int rc = 0;

    memset(q, 0, sizeof(*q));
    if (len > QUERY_MAX_LEN)
        return gz_errf(err, GZ_EPARSE, "The search is longer than %d characters: shorten it.",
                       QUERY_MAX_LEN);
    if (str_utf8_valid_prefix(p, len) != len)
        return gz_errf(err, GZ_EPARSE, "The search has bytes that are not text (UTF-8).");
    memset(&ps, 0, sizeof(ps));
    ps.a = a;
    ps.q = q;
    ps.words = ARENA_NEWN(a, const char *, QUERY_MAX_PARTS);
    ps.phrases = ARENA_NEWN(a, const char *, QUERY_MAX_PARTS);
    ps.exclude = ARENA_NEWN(a, const char *, QUERY_MAX_PARTS);
    ps.sources = ARENA_NEWN(a, const char *, QUERY_MAX_PARTS);
    ps.tags = ARENA_NEWN(a, const char *, QUERY_MAX_PARTS);

    while (!rc && *p) {
        int neg = 0;
        const char *start;

        if (is_space(*p)) {
            p++;
            continue;
        }
        if (*p == '-') {
            neg = 1;
            p++;
            if (!*p || is_space(*p))
                continue; /* a lone minus: punctuation */
        }
        if (*p == '"') {
            const char *end = closing_quote(p);
            struct str ph;

            if (!end) {
                rc = unclosed(err);
                break;
            }
            ph = str_trim((struct str){p + 1, (size_t)(end - p - 1)});
            p = end + 1;
            if (!has_word_char(ph.p, ph.len))
                continue;
            if (neg)
                rc = add_part(&ps, &ps.exclude, &q->nexclude, ph.p, ph.len, err);
            else
                rc = add_part(&ps, &ps.phrases, &q->nphrases, ph.p, ph.len, err);
            continue;
        }
        /* a bare word, or name:value */
        start = p;
        while (*p && !is_space(*p) && *p != '"' && *p != ':')
            p++;
        if (*p == ':') {
            const char *name = NULL;
            enum filter f = filter_named(start, (size_t)(p - start), &name);

            if (f != F_NONE) {
                const char *v = p + 1;
                const char *vend;

                if (neg) {
                    rc = gz_errf(err, GZ_EPARSE,
                                 "Filters cannot be excluded: remove the minus sign before "
                                 "\"%s:\".",
                                 name);
                    break;
                }
                if (*v == '"') {
                    vend = closing_quote(v);
                    if (!vend) {
                        rc = unclosed(err);
                        break;
                    }
                    rc = add_filter(&ps, f, name, v + 1, (size_t)(vend - v - 1), err);
                    p = vend + 1;
                } else {
                    vend = v;
                    while (*vend && !is_space(*vend) && *vend != '"')
                        vend++;
                    rc = add_filter(&ps, f, name, v, (size_t)(vend - v), err);
                    p = vend;
                }
                continue;
            }
            /* not a filter: the colon and what follows belong to the word */
            while (*p && !is_space(*p) && *p != '"')
                p++;
        }
        if (!has_word_char(start, (size_t)(p - start)))
            continue;
        if (neg)
            rc = add_part(&ps, &ps.exclude, &q->nexclude, start, (size_t)(p - start), err);
        else
            rc = add_part(&ps, &ps.words, &q->nwords, start, (size_t)(p - start), err);
    }
    if (!rc && !q->nwords && !q->nphrases && !q->nsources && !q->ntags && !q->after && !q->before) {
        if (q->nexclude)
            rc = gz_errf(err, GZ_EPARSE,
                         "Add a word to search for: \"-word\" only removes results from a "
                         "search.");
        else if (str_trim((struct str){text ? text : "", len}).len)
            rc = gz_errf(err, GZ_EPARSE,
                         "There is nothing to search for: type words, a \"phrase\", or a filter "
                         "such as source:reuters.");
        else
            rc = gz_errf(err, GZ_EPARSE, "Type a word to search for.");
    }
    if (rc) {
        memset(q, 0, sizeof(*q));
        return GZ_EPARSE;
    }
    q->words = ps.words;
    q->phrases = ps.phrases;
    q->exclude = ps.exclude;
    q->sources = ps.sources;
    q->tags = ps.tags;
    return 0;
}

void
query_to_search(const struct query *q, struct store_search *s)
{
    s->words = q->words;
    s->nwords = q->nwords;
    s->phrases = q->phrases;
    s->nphrases = q->nphrases;
    s->exclude = q->exclude;
    s->nexclude = q->nexclude;
    s->sources = q->sources;
    s->nsources = q->nsources;
    s->tags = q->tags;
    s->ntags = q->ntags;
    s->after = q->after;
    s->before = q->before;
}
