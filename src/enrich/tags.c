/*
 * tags.c - hashtags from entities and keyphrases.
 *
 * Entities and keyphrases are each scaled to (0, 1] by their best score;
 * keyphrases weigh 0.8 of that, so at equal standing a name wins.  A
 * keyphrase is left out when it names an entity already tagged, is one
 * of its words ("pashinyan" beside "Nikol Pashinyan"), is its adjective
 * ("armenian" beside "Armenia"), or is a word of a longer keyphrase tag
 * ("treaty" beside "peace treaty").  Entities mentioned once, outside
 * the title, and weak keyphrases (under a fifth of the best, or used once)
 * are no tags.  A one-word topic ("forces", "control") is only a tag when
 * the corpus table shows it is rare (TAG_MIN_IDF over at least
 * TAG_MIN_DOCS documents): without that, common words would fill the list.
 */
#include "enrich/internal.h"

#include "util/arena.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define SLUG_MAX 128
/* A one-word topic needs a corpus of this many documents ... */
#define TAG_MIN_DOCS 50
/* ... in fewer than about 1 in 20 of which it appears: ln(20) + 1. */
#define TAG_MIN_IDF 4.0

struct tag_cand {
    const char *name;
    char slug[SLUG_MAX];
    int kind;
    double score;
};

static int
cmp_tag(const void *a, const void *b)
{
    const struct tag_cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

/* Is word (a slug) one of the '-'-separated words of slug s? */
static int
slug_has_word(const char *s, const char *word)
{
    size_t wl = strlen(word);
    const char *p = s;

    while ((p = strstr(p, word))) {
        if ((p == s || p[-1] == '-') && (p[wl] == '\0' || p[wl] == '-'))
            return 1;
        p++;
    }
    return 0;
}

/* Does keyphrase slug k repeat what tag slug t says? */
static int
covered(const char *k, const char *t)
{
    size_t kl = strlen(k), tl = strlen(t);

    if (!strcmp(k, t) || slug_has_word(t, k))
        return 1;
    /* an adjective of a name: "armenia" -> "armenian", "azerbaijani" */
    if (!strchr(k, '-') && !strchr(t, '-') && kl > tl && kl <= tl + 3 && tl >= 4 &&
        !strncmp(k, t, tl))
        return 1;
    /* "armenian" beside "armenia": the same, the other way round */
    if (!strchr(k, '-') && !strchr(t, '-') && tl > kl && tl <= kl + 3 && kl >= 4 &&
        !strncmp(k, t, kl))
        return 1;
    return 0;
}

/* Is every word of slug k (but short ones: "and", "of") a word of a tag in c[0..n)? */
static int
words_covered(const char *k, const struct tag_cand *c, size_t n)
{
    char w[SLUG_MAX];
    const char *p = k;

    while (*p) {
        size_t len = strcspn(p, "-");
        int found = len <= 3;

        memcpy(w, p, len);
        w[len] = '\0';
        for (size_t j = 0; j < n && !found; j++)
            found = slug_has_word(c[j].slug, w);
        if (!found)
            return 0;
        p += len;
        if (*p == '-')
            p++;
    }
    return 1;
}

/* Upper-case the first ASCII letter: "peace treaty" -> "Peace treaty". */
static const char *
display_name(struct arena *a, const char *s)
{
    char *d = arena_strdup(a, s);

    if (d[0] >= 'a' && d[0] <= 'z')
        d[0] = (char)(d[0] - 32);
    return d;
}

void
enrich_make_tags(const struct enrich_entity *ents, size_t nents, const struct enrich_keyphrase *kps,
                 size_t nkps, uint64_t ndocs, size_t max, struct arena *a, struct enrich_tag **out,
                 size_t *nout)
{
    struct tag_cand *c = xcalloc(nents + nkps + 1, sizeof(*c));
    size_t n = 0, k;
    double emax = 0, kmax = 0;

    *out = NULL;
    *nout = 0;
    for (k = 0; k < nents; k++)
        if (ents[k].score > emax)
            emax = ents[k].score;
    for (k = 0; k < nkps; k++)
        if (kps[k].score > kmax)
            kmax = kps[k].score;
    for (k = 0; k < nents; k++) {
        struct tag_cand *t = &c[n];

        if (ents[k].count < 2 && ents[k].score < emax * 0.5)
            continue;
        if (enrich_slug(ents[k].name, strlen(ents[k].name), t->slug, sizeof(t->slug)) < 2)
            continue;
        t->name = ents[k].name;
        t->kind = ents[k].kind;
        t->score = ents[k].score / emax;
        n++;
    }
    for (k = 0; k < nkps; k++) {
        struct tag_cand *t = &c[n];
        double s = kmax > 0 ? kps[k].score / kmax : 0;
        int dup = 0;

        if (s < 0.2 || kps[k].count < 2)
            continue;
        /* a single word must be rare in a corpus large enough to say so */
        if (kps[k].words < 2 && (ndocs < TAG_MIN_DOCS || kps[k].idf < TAG_MIN_IDF))
            continue;
        if (enrich_slug(kps[k].text, strlen(kps[k].text), t->slug, sizeof(t->slug)) < 3)
            continue;
        for (size_t j = 0; j < n && !dup; j++)
            dup = covered(t->slug, c[j].slug) ||
                  (c[j].kind == ENRICH_TOPIC && slug_has_word(t->slug, c[j].slug) &&
                   !strchr(c[j].slug, '-'));
        if (dup || words_covered(t->slug, c, n))
            continue;
        /* a longer phrase replaces a single word already there */
        for (size_t j = 0; j < n; j++)
            if (c[j].kind == ENRICH_TOPIC && strchr(t->slug, '-') && !strchr(c[j].slug, '-') &&
                slug_has_word(t->slug, c[j].slug))
                c[j].score = -1;
        t->name = display_name(a, kps[k].text);
        t->kind = ENRICH_TOPIC;
        t->score = 0.8 * s;
        n++;
    }
    qsort(c, n, sizeof(*c), cmp_tag);
    *out = arena_alloc(a, (max ? max : 1) * sizeof(**out));
    for (k = 0; k < n && *nout < max; k++) {
        struct enrich_tag *t = &(*out)[*nout];
        char hashtag[256];
        int dup = 0;

        if (c[k].score <= 0)
            break;
        for (size_t j = 0; j < *nout && !dup; j++)
            dup = !strcmp((*out)[j].slug, c[k].slug);
        if (dup)
            continue;
        t->slug = arena_strdup(a, c[k].slug);
        t->name = c[k].name;
        enrich_hashtag(c[k].name, strlen(c[k].name), hashtag, sizeof(hashtag));
        t->hashtag = arena_strdup(a, hashtag);
        t->kind = c[k].kind;
        t->score = c[k].score;
        (*nout)++;
    }
    free(c);
}
