/*
 * rules.c - parse, compile and apply a reader's mute and highlight rules
 * (rules.h).
 */
#include "reader/rules.h"

#include "store/store.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum term_kind {
    T_WORD,      /* a whole word (or words joined by punctuation) */
    T_PREFIX,    /* word* */
    T_PHRASE,    /* "two words" */
    T_REGEX,     /* /.../ */
    T_SOURCE,    /* source:name */
    T_SOURCE_ID, /* source:17 */
    T_TAG,       /* tag:slug */
    T_ENTITY,    /* entity:, person:, place:, org: */
    T_AUTHOR,    /* author:name */
};

struct term {
    int kind;
    char *text;   /* folded text, slug, or the source's letters and digits */
    char *lower;  /* T_SOURCE: the value lower-cased, for addresses */
    char *shown;  /* as written, for descriptions */
    int64_t id;   /* T_SOURCE_ID */
    int tag_kind; /* T_ENTITY: enum store_tag_kind, or -1 for any but a topic */
    regex_t re;
    int has_re;
};

struct rule {
    int action;
    int line;
    int nterms;
    struct term t[RULES_MAX_TERMS];
};

struct rules {
    int refs; /* guarded by cache_lock */
    size_t n;
    struct rule *r;
    size_t nmutes;
    int need_tags;
};

/* Reference counts and the cache share one lock: both are touched briefly. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- folding ---- */

static int
word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * Append s[0..n) to b lower-cased (every script utf8proc knows) with runs
 * of white space made one space.  Invalid UTF-8 bytes are copied as they are.
 */
static void
fold(struct buf *b, const char *s, size_t n)
{
    int space = 0;
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = 1;
            i++;
            continue;
        }
        if (space && b->len)
            buf_addc(b, ' ');
        space = 0;
        if (c < 0x80) {
            buf_addc(b, c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
        } else {
            utf8proc_int32_t cp;
            utf8proc_ssize_t r =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);

            if (r <= 0) {
                buf_addc(b, c);
                i++;
            } else {
                utf8proc_uint8_t enc[4];
                utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower(cp), enc);

                buf_add(b, enc, (size_t)k);
                i += (size_t)r;
            }
        }
    }
}

static char *
fold_dup(const char *s, size_t n)
{
    struct buf b = BUF_INIT;

    fold(&b, s, n);
    return buf_detach(&b, NULL);
}

/* Letters and digits of s, ASCII lower-cased ("Fox News" -> "foxnews"); bytes >= 0x80 kept. */
static void
squash(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (word_byte(c))
            buf_addc(b, c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
}

void
rules_slug(const char *s, char *out, size_t n)
{
    size_t o = 0;
    int dash = 0;

    if (!n)
        return;
    for (; s && *s && o + 1 < n; s++) {
        unsigned char c = (unsigned char)*s;

        if (word_byte(c)) {
            if (dash && o && o + 2 < n)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            dash = 1;
        }
    }
    out[o] = '\0';
}

/* ---- matching ---- */

/* needle in hay as a whole word (prefix: only its start must be a word's start). */
static int
has_word(const char *hay, size_t hn, const char *needle, int prefix)
{
    size_t nn = strlen(needle);
    int lead = word_byte((unsigned char)needle[0]);
    int trail = nn && word_byte((unsigned char)needle[nn - 1]);

    if (!nn || nn > hn)
        return 0;
    for (size_t i = 0; i + nn <= hn; i++) {
        if (hay[i] != needle[0] || memcmp(hay + i, needle, nn))
            continue;
        if (lead && i && word_byte((unsigned char)hay[i - 1]))
            continue;
        if (!prefix && trail && i + nn < hn && word_byte((unsigned char)hay[i + nn]))
            continue;
        return 1;
    }
    return 0;
}

static int
has_word_byte(const char *s)
{
    for (; *s; s++)
        if (word_byte((unsigned char)*s))
            return 1;
    return 0;
}

static int
contains_ci(const char *hay, const char *lower_needle)
{
    size_t nn = strlen(lower_needle);

    return hay && str_casestr(hay, strlen(hay), lower_needle) != NULL && nn;
}

/* The folded title and excerpt of one item, made on first need. */
struct folded {
    struct buf title;
    struct buf excerpt;
    struct buf author;
    int done;
};

static void
folded_make(struct folded *f, const struct rules_item *it)
{
    if (f->done)
        return;
    f->done = 1;
    if (it->title)
        fold(&f->title, it->title, strlen(it->title));
    if (it->excerpt)
        fold(&f->excerpt, it->excerpt, strlen(it->excerpt));
    if (it->author)
        fold(&f->author, it->author, strlen(it->author));
}

static int
term_match(const struct term *t, const struct rules_item *it, struct folded *f)
{
    switch (t->kind) {
    case T_WORD:
    case T_PREFIX:
    case T_PHRASE:
        folded_make(f, it);
        return has_word(f->title.p, f->title.len, t->text, t->kind == T_PREFIX) ||
               has_word(f->excerpt.p, f->excerpt.len, t->text, t->kind == T_PREFIX);
    case T_REGEX:
        return (it->title && !regexec(&t->re, it->title, 0, NULL, 0)) ||
               (it->excerpt && !regexec(&t->re, it->excerpt, 0, NULL, 0));
    case T_SOURCE_ID:
        return it->source_id == t->id;
    case T_SOURCE: {
        struct buf name = BUF_INIT;
        int hit;

        squash(&name, it->source_title);
        hit = (*t->text && strstr(name.p, t->text)) || contains_ci(it->source_url, t->lower) ||
              contains_ci(it->source_site, t->lower);
        buf_release(&name);
        return hit;
    }
    case T_TAG:
    case T_ENTITY:
        for (size_t i = 0; i < it->ntags; i++) {
            const struct rules_tag *g = &it->tags[i];

            if (!g->slug || strcmp(g->slug, t->text))
                continue;
            if (t->kind == T_TAG)
                return 1;
            if (t->tag_kind < 0 ? g->kind != TAG_TOPIC : g->kind == t->tag_kind)
                return 1;
        }
        return 0;
    case T_AUTHOR:
        folded_make(f, it);
        return f->author.len && strstr(f->author.p, t->text) != NULL;
    }
    return 0;
}

static int
rule_match(const struct rule *r, const struct rules_item *it, struct folded *f)
{
    for (int i = 0; i < r->nterms; i++)
        if (!term_match(&r->t[i], it, f))
            return 0;
    return 1;
}

int
rules_eval(const struct rules *rs, const struct rules_item *it)
{
    struct folded f = {BUF_INIT, BUF_INIT, BUF_INIT, 0};
    int out = RULES_NONE;

    if (!rs || !rs->n)
        return RULES_NONE;
    /* mutes first: a muted article needs no more looking at */
    for (size_t i = 0; i < rs->n && out != RULES_MUTE; i++)
        if (rs->r[i].action == RULES_MUTE && rule_match(&rs->r[i], it, &f))
            out = RULES_MUTE;
    for (size_t i = 0; i < rs->n && out == RULES_NONE; i++)
        if (rs->r[i].action == RULES_HIGHLIGHT && rule_match(&rs->r[i], it, &f))
            out = RULES_HIGHLIGHT;
    buf_release(&f.title);
    buf_release(&f.excerpt);
    buf_release(&f.author);
    return out;
}

/* ---- parsing ---- */

struct parser {
    const char *p; /* the line */
    const char *end;
    int line;
    struct rules_problem *problems;
    size_t max;
    size_t *np;
    int regexes; /* compiled so far, all lines */
};

static int problem(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report a problem on the current line; returns -1. */
static int
problem(struct parser *ps, const char *fmt, ...)
{
    va_list ap;

    if (*ps->np < ps->max) {
        struct rules_problem *pr = &ps->problems[(*ps->np)++];

        pr->line = ps->line;
        va_start(ap, fmt);
        vsnprintf(pr->msg, sizeof(pr->msg), fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void
term_free(struct term *t)
{
    free(t->text);
    free(t->lower);
    free(t->shown);
    if (t->has_re)
        regfree(&t->re);
    memset(t, 0, sizeof(*t));
}

/*
 * What makes a POSIX regex cost memory or time out of proportion to its
 * length, refused before regcomp sees it: a repetition count above 255
 * ("a{1000}"), a repetition of a repetition ("a++", "a*{2}"), a repeated
 * group that repeats inside ("(a+)+"), more than RULES_MAX_QUANT
 * repetitions in all, groups nested deeper than RULES_MAX_DEPTH.  NULL when
 * the pattern is fine, else a sentence for people.
 */
#define RULES_MAX_QUANT 20
#define RULES_MAX_DEPTH 8

static const char *
regex_unsafe(const char *re)
{
    int inner[RULES_MAX_DEPTH + 2] = {0}; /* a group at this depth holds a repetition */
    int depth = 0;
    int quants = 0;
    int last_quant = 0;  /* the previous token was a repetition */
    int last_group = -1; /* the previous token closed a group; whether it repeats inside */

    for (const char *p = re; *p; p++) {
        int group = -1;

        if (*p == '\\' && p[1]) {
            p++;
            last_quant = 0;
            last_group = -1;
            continue;
        }
        if (*p == '[') {
            /* a bracket expression: skip to its end ("[]a]" and "[^]a]" start with ']') */
            const char *q = p + 1;

            if (*q == '^')
                q++;
            if (*q == ']')
                q++;
            while (*q && *q != ']')
                q++;
            if (!*q)
                return NULL; /* regcomp reports it */
            p = q;
            last_quant = 0;
            last_group = -1;
            continue;
        }
        if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
            if (*p == '{') {
                long v = 0;

                for (p++; *p && *p != '}'; p++) {
                    if (*p >= '0' && *p <= '9') {
                        v = v * 10 + (*p - '0');
                        if (v > 255)
                            return "a repetition count in a regular expression is at most 255";
                    } else if (*p == ',') {
                        v = 0;
                    } else {
                        return NULL; /* not a bound: regcomp decides */
                    }
                }
                if (!*p)
                    return NULL;
            }
            if (last_quant)
                return "a regular expression may not repeat a repetition (like a++)";
            if (last_group > 0)
                return "a regular expression may not repeat a group that repeats inside, "
                       "like (a+)+";
            if (++quants > RULES_MAX_QUANT)
                return "a regular expression has at most 20 repetitions";
            if (depth > 0)
                inner[depth] = 1;
            last_quant = 1;
            last_group = -1;
            continue;
        }
        if (*p == '(') {
            if (++depth > RULES_MAX_DEPTH)
                return "groups in a regular expression nest at most 8 deep";
            inner[depth] = 0;
        } else if (*p == ')' && depth > 0) {
            group = inner[depth];
            depth--;
            if (group && depth > 0)
                inner[depth] = 1;
        }
        last_quant = 0;
        last_group = group;
    }
    return NULL;
}

static const struct {
    const char *key;
    int kind;
    int tag_kind;
} keys[] = {
    {"source", T_SOURCE, 0},        {"tag", T_TAG, 0},
    {"entity", T_ENTITY, -1},       {"person", T_ENTITY, TAG_PERSON},
    {"place", T_ENTITY, TAG_PLACE}, {"org", T_ENTITY, TAG_ORG},
    {"author", T_AUTHOR, 0},
};

/* A value after "key:": quoted (spaces allowed) or up to the next space. */
static int
read_value(struct parser *ps, struct buf *v)
{
    if (ps->p < ps->end && *ps->p == '"') {
        const char *q = memchr(ps->p + 1, '"', (size_t)(ps->end - ps->p - 1));

        if (!q)
            return problem(ps, "a quote is not closed");
        buf_add(v, ps->p + 1, (size_t)(q - ps->p - 1));
        ps->p = q + 1;
        return 0;
    }
    while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\t')
        buf_addc(v, *ps->p++);
    return 0;
}

static int
parse_term(struct parser *ps, struct term *t)
{
    struct buf v = BUF_INIT;
    const char *start = ps->p;
    int rc = 0;

    memset(t, 0, sizeof(*t));
    if (*ps->p == '"') {
        const char *q = memchr(ps->p + 1, '"', (size_t)(ps->end - ps->p - 1));

        if (!q)
            return problem(ps, "a quote is not closed");
        t->kind = T_PHRASE;
        t->text = fold_dup(ps->p + 1, (size_t)(q - ps->p - 1));
        ps->p = q + 1;
        if (!*t->text) {
            term_free(t);
            return problem(ps, "an empty phrase \"\" matches nothing");
        }
    } else if (*ps->p == '/') {
        const char *why;
        int rerr;

        for (ps->p++; ps->p < ps->end && *ps->p != '/'; ps->p++) {
            if (*ps->p == '\\' && ps->p + 1 < ps->end && ps->p[1] == '/')
                ps->p++; /* \/ is a slash */
            else if (*ps->p == '\\' && ps->p + 1 < ps->end)
                buf_addc(&v, *ps->p++);
            buf_addc(&v, *ps->p);
        }
        if (ps->p >= ps->end) {
            buf_release(&v);
            return problem(ps, "a regular expression is not closed with /");
        }
        ps->p++;
        if (!v.len || v.len > RULES_MAX_REGEX)
            rc = problem(ps, "a regular expression has 1 to 200 bytes");
        else if (ps->regexes >= RULES_MAX_REGEXES)
            rc = problem(ps, "at most 20 regular expressions in all");
        else if ((why = regex_unsafe(v.p)))
            rc = problem(ps, "%s", why);
        else if ((rerr = regcomp(&t->re, v.p, REG_EXTENDED | REG_ICASE | REG_NOSUB))) {
            char msg[120];

            regerror(rerr, NULL, msg, sizeof(msg));
            rc = problem(ps, "the regular expression is not valid: %s", msg);
        } else {
            t->has_re = 1;
            t->kind = T_REGEX;
            ps->regexes++;
        }
        buf_release(&v);
        if (rc)
            return rc;
    } else {
        const char *colon = NULL;
        const char *q = ps->p;
        size_t i;

        while (q < ps->end && *q != ' ' && *q != '\t' && !colon) {
            if (*q == ':')
                colon = q;
            q++;
        }
        for (i = 0; colon && i < sizeof(keys) / sizeof(keys[0]); i++)
            if ((size_t)(colon - ps->p) == strlen(keys[i].key) &&
                !str_ncasecmp(ps->p, keys[i].key, strlen(keys[i].key)))
                break;
        if (colon && i < sizeof(keys) / sizeof(keys[0])) {
            ps->p = colon + 1;
            if (read_value(ps, &v)) {
                buf_release(&v);
                return -1;
            }
            t->kind = keys[i].kind;
            t->tag_kind = keys[i].tag_kind;
            if (!v.len) {
                buf_release(&v);
                return problem(ps, "%s: needs a value", keys[i].key);
            }
            if (t->kind == T_SOURCE) {
                struct buf sq = BUF_INIT;
                int64_t id;

                if (!str_to_i64(v.p, 1, INT64_MAX, &id) && v.p[0] != '+' && v.p[0] != ' ') {
                    t->kind = T_SOURCE_ID;
                    t->id = id;
                } else {
                    squash(&sq, v.p);
                    t->text = buf_detach(&sq, NULL);
                    t->lower = xstrdup(v.p);
                    for (char *c = t->lower; *c; c++)
                        if (*c >= 'A' && *c <= 'Z')
                            *c += 32;
                }
            } else if (t->kind == T_AUTHOR) {
                t->text = fold_dup(v.p, v.len);
            } else {
                char slug[256];

                rules_slug(v.p, slug, sizeof(slug));
                if (!*slug) {
                    buf_release(&v);
                    return problem(ps, "%s: needs letters or digits", keys[i].key);
                }
                t->text = xstrdup(slug);
            }
        } else {
            size_t n;

            while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\t')
                buf_addc(&v, *ps->p++);
            n = v.len;
            t->kind = T_WORD;
            if (n > 1 && v.p[n - 1] == '*') {
                t->kind = T_PREFIX;
                buf_setlen(&v, n - 1);
            }
            t->text = fold_dup(v.p, v.len);
            if (!has_word_byte(t->text)) {
                char tok[64];

                snprintf(tok, sizeof(tok), "%.*s", (int)(ps->p - start), start);
                buf_release(&v);
                term_free(t);
                return problem(ps, "'%s' has no letters or digits to look for", tok);
            }
        }
        buf_release(&v);
    }
    t->shown = xstrndup(start, (size_t)(ps->p - start));
    return 0;
}

/* Parse one line (without its newline) into r; 0, 1 for a line with no rule, or -1 (reported). */
static int
parse_line(struct parser *ps, struct rule *r)
{
    struct str line = str_trim((struct str){ps->p, (size_t)(ps->end - ps->p)});

    memset(r, 0, sizeof(*r));
    r->line = ps->line;
    r->action = RULES_HIGHLIGHT;
    ps->p = line.p;
    ps->end = line.p + line.len;
    if (!line.len || *ps->p == '#')
        return 1;
    if (line.len > RULES_MAX_LINE)
        return problem(ps, "a rule has at most 500 bytes");
    if (*ps->p == '-' || *ps->p == '+') {
        r->action = *ps->p == '-' ? RULES_MUTE : RULES_HIGHLIGHT;
        ps->p++;
    }
    for (;;) {
        while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
            ps->p++;
        if (ps->p >= ps->end)
            break;
        if (r->nterms == RULES_MAX_TERMS) {
            for (int i = 0; i < r->nterms; i++)
                term_free(&r->t[i]);
            return problem(ps, "a rule has at most 10 terms");
        }
        if (parse_term(ps, &r->t[r->nterms])) {
            for (int i = 0; i < r->nterms; i++)
                term_free(&r->t[i]);
            return -1;
        }
        r->nterms++;
    }
    if (!r->nterms)
        return problem(ps, "a rule needs something to match after its sign");
    return 0;
}

struct rules *
rules_compile(const char *text, struct rules_problem *problems, size_t max, size_t *nproblems)
{
    struct rules *rs = xcalloc(1, sizeof(*rs));
    struct parser ps = {0};
    size_t dummy = 0;
    size_t len = text ? strlen(text) : 0;
    const char *p = text;
    const char *end;

    rs->refs = 1;
    ps.problems = problems;
    ps.max = max;
    ps.np = nproblems ? nproblems : &dummy;
    *ps.np = 0;
    if (len > RULES_MAX_TEXT) {
        ps.line = 0;
        problem(&ps, "the rules are longer than 20000 bytes: the rest is ignored");
        len = str_utf8_cut(text, len, RULES_MAX_TEXT);
    }
    end = text ? text + len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct rule r;
        int rc;

        ps.line++;
        ps.p = p;
        ps.end = nl ? nl : end;
        p = nl ? nl + 1 : end;
        rc = parse_line(&ps, &r);
        if (rc)
            continue;
        if (rs->n == RULES_MAX_LINES) {
            for (int i = 0; i < r.nterms; i++)
                term_free(&r.t[i]);
            problem(&ps, "at most 200 rules: this one and the rest are ignored");
            break;
        }
        rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof(*rs->r));
        rs->r[rs->n++] = r;
        rs->nmutes += r.action == RULES_MUTE;
        for (int i = 0; i < r.nterms; i++)
            rs->need_tags |= r.t[i].kind == T_TAG || r.t[i].kind == T_ENTITY;
    }
    return rs;
}

static void
rules_free(struct rules *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        for (int k = 0; k < rs->r[i].nterms; k++)
            term_free(&rs->r[i].t[k]);
    free(rs->r);
    free(rs);
}

void
rules_release(struct rules *rs)
{
    int last;

    if (!rs)
        return;
    pthread_mutex_lock(&cache_lock);
    last = --rs->refs == 0;
    pthread_mutex_unlock(&cache_lock);
    if (last)
        rules_free(rs);
}

size_t
rules_count(const struct rules *rs)
{
    return rs ? rs->n : 0;
}

size_t
rules_mutes(const struct rules *rs)
{
    return rs ? rs->nmutes : 0;
}

int
rules_need_tags(const struct rules *rs)
{
    return rs && rs->need_tags;
}

static const char *const kind_words[] = {"a topic", "a person", "a place", "an organization"};

void
rules_describe(const struct rules *rs, size_t i, struct buf *out, int *line)
{
    const struct rule *r;

    if (!rs || i >= rs->n)
        return;
    r = &rs->r[i];
    if (line)
        *line = r->line;
    buf_adds(out, r->action == RULES_MUTE ? "Mute: articles" : "Highlight: articles");
    for (int k = 0; k < r->nterms; k++) {
        const struct term *t = &r->t[k];

        buf_adds(out, k ? ", and" : "");
        switch (t->kind) {
        case T_WORD:
            buf_addf(out, " with the word \"%s\"", t->text);
            break;
        case T_PREFIX:
            buf_addf(out, " with a word starting \"%s\"", t->text);
            break;
        case T_PHRASE:
            buf_addf(out, " with the phrase \"%s\"", t->text);
            break;
        case T_REGEX:
            buf_addf(out, " matching %s", t->shown);
            break;
        case T_SOURCE_ID:
            buf_addf(out, " from source %lld", (long long)t->id);
            break;
        case T_SOURCE:
            buf_addf(out, " from a source named like \"%s\"", t->lower);
            break;
        case T_TAG:
            buf_addf(out, " tagged \"%s\"", t->text);
            break;
        case T_ENTITY:
            buf_addf(out, " about \"%s\" (%s)", t->text,
                     t->tag_kind < 0 ? "a person, place or organization" : kind_words[t->tag_kind]);
            break;
        case T_AUTHOR:
            buf_addf(out, " by an author named like \"%s\"", t->text);
            break;
        }
    }
}

/* ---- the cache ---- */

#define CACHE_SLOTS 1024

static struct {
    int64_t user_id;
    int64_t version;
    struct rules *rs;
} cache[CACHE_SLOTS];

struct rules *
rules_cache_get(int64_t user_id, int64_t version, const char *text)
{
    size_t slot = (size_t)(hash_mix64((uint64_t)user_id) & (CACHE_SLOTS - 1));
    struct rules *rs = NULL;
    struct rules *old = NULL;

    if (!text || !*text)
        return NULL;
    pthread_mutex_lock(&cache_lock);
    if (cache[slot].rs && cache[slot].user_id == user_id && cache[slot].version == version) {
        rs = cache[slot].rs;
        rs->refs++;
    }
    pthread_mutex_unlock(&cache_lock);
    if (rs)
        return rs;
    /* compile outside the lock: other users' requests need not wait for it */
    rs = rules_compile(text, NULL, 0, NULL);
    pthread_mutex_lock(&cache_lock);
    if (!cache[slot].rs || cache[slot].user_id != user_id || cache[slot].version < version) {
        old = cache[slot].rs;
        cache[slot].user_id = user_id;
        cache[slot].version = version;
        cache[slot].rs = rs;
        rs->refs++; /* the cache's own reference */
    }
    pthread_mutex_unlock(&cache_lock);
    rules_release(old);
    if (!rules_count(rs)) {
        rules_release(rs);
        return NULL;
    }
    return rs;
}
