/*
 * keyphrase.c - ranked keyphrases of one analysed document.
 *
 * Candidates (in the spirit of YAKE, Campos et al. 2020, and of the
 * candidate rules of TopicRank, Bougouin et al. 2013):
 *   - each term (stem) that has a letter, is not a stop word, not a "weak"
 *     word of news English (words.c) and has two letters or more;
 *   - each run of 2..4 adjacent words inside one sentence (or the title)
 *     whose first and last words are such terms; words inside may be stop
 *     words only when both ends are capitalized ("Bank of England").
 * Occurrences of a candidate are grouped by stems, so "drug" and "drugs"
 * count together, and the surface form shown is the most frequent one.
 *
 * Score (higher is better), for tf occurrences, IDF from the corpus table
 * (1 without one), first use at token f of n, the share s of sentences
 * that use it, the share c of its uses capitalized away from a sentence
 * start, title use t and mean word length L bytes (capped at LC):
 *
 *   tf^A * idf^B * (1 + P*(1 - f/n)) * (1 + S*s) * (1 + C*c) * (1 + T*t) * (L/LC)^E
 *
 * and, for a phrase, times M * cohesion^K, where cohesion is the phrase's
 * count over the count of its rarest word (1: the words only occur
 * together), with the mean IDF of its words.  A word's uses inside a
 * longer capitalized name ("Brooke" in "Brooke Shields") count IN each.
 * The constants (struct kp_params) were fitted on the 500N-KPCrowd dev
 * split (50 news stories) against F1@10, checked on both halves of it and
 * with a larger IDF corpus so as not to fit the 50 stories alone: word
 * length was the strongest signal beyond tf-idf (annotators pick longer
 * words); position, casing and title use did not help there and weigh 0.
 */
#include "enrich/internal.h"

#include "text/tfidf.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

#define KP_MAX_WORDS 4

struct kp_params {
    double tf_pow, idf_pow, pos, spread, cap, title, multi, cohesion_pow;
    double min_multi; /* lowercase phrases need this many uses */
    double len_pow;   /* weight of word length (longer words say more) */
    double len_cap;   /* lengths count up to this many bytes */
    double
        in_name; /* weight of a word's uses inside a longer name ("Brooke" in "Brooke Shields") */
};

static const struct kp_params kp_default = {
    .tf_pow = 1.1,
    .idf_pow = 0.85,
    .pos = 0.0,
    .spread = 0.5,
    .cap = 0.0,
    .title = 0.0,
    .multi = 0.6,
    .cohesion_pow = 0.75,
    .min_multi = 2,
    .len_pow = 1.3,
    .len_cap = 18,
    .in_name = 0.6,
};

#ifdef GZ_ENRICH_TUNE
#include <stdio.h>
static struct kp_params
kp_params(void)
{
    struct kp_params p = kp_default;
    const char *s = getenv("GZ_KP");

    if (s)
        sscanf(s, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &p.tf_pow, &p.idf_pow, &p.pos, &p.spread,
               &p.cap, &p.title, &p.multi, &p.cohesion_pow, &p.min_multi);
    s = getenv("GZ_KP2");
    if (s)
        sscanf(s, "%lf,%lf,%lf", &p.len_pow, &p.len_cap, &p.in_name);
    return p;
}
#else
static struct kp_params
kp_params(void)
{
    return kp_default;
}
#endif

struct cand {
    uint64_t key;
    uint32_t nwords;
    uint32_t count, title_count;
    uint32_t first;     /* token index of the first use */
    uint32_t nsent;     /* distinct sentences */
    uint32_t last_sent; /* sentence of the last use counted, +1 (0: none yet) */
    uint32_t capcount;  /* uses capitalized away from a sentence start */
    double idf;         /* mean IDF of its words */
    uint32_t in_name;   /* uses next to another capitalized word */
    uint32_t tok;       /* token index of a use shown as the surface form */
    int32_t terms[KP_MAX_WORDS];
    double score;
};

/*
 * Per term: can it start or end a keyphrase (a letter, not a stop word,
 * not a weak word, two bytes or more)?  Computed once per document.
 */
static unsigned char *
content_terms(const struct enrich *e, const struct text_doc *d)
{
    unsigned char *ok = xcalloc(d->nterms + 1, 1);

    for (size_t t = 0; t < d->nterms; t++) {
        const char *w = d->terms[t].word;

        size_t n = strlen(w);

        ok[t] = n >= 2 && !(enrich_wc(e, text_word_hash(w, n)) & EW_WEAK);
    }
    return ok;
}

static int
content_tok(const unsigned char *ok, const struct text_tok *t)
{
    return t->term >= 0 && (t->flags & TEXT_TOK_ALPHA) && !(t->flags & TEXT_TOK_STOP) &&
           ok[t->term];
}

/* x^p, without pow() in the common case p = 1. */
static double
powx(double x, double p)
{
    return p == 1.0 ? x : p == 0.0 ? 1.0 : pow(x, p);
}

static int
cap_tok(const struct text_tok *t)
{
    return (t->flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)) != 0;
}

/* Length of the fold without a final possessive "'s". */
static size_t
fold_len_nopos(const char *w)
{
    size_t n = strlen(w);

    if (n > 2 && w[n - 2] == '\'' && w[n - 1] == 's')
        n -= 2;
    return n;
}

static int
cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * Move the k best of c[0..n) (cmp_cand order) to the front, sorted, and
 * return how many there are (min(n, k)): a partial selection, since only
 * the first few are ever shown.
 */
static size_t
top_k(struct cand *c, size_t n, size_t k)
{
    size_t m = 0;

    if (n <= k) {
        if (n)
            qsort(c, n, sizeof(*c), cmp_cand);
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        struct cand x = c[i];
        size_t j;

        if (m == k && cmp_cand(&x, &c[k - 1]) >= 0)
            continue;
        if (m < k)
            m++;
        /* insert x into the sorted prefix c[0..m) */
        for (j = m - 1; j > 0 && cmp_cand(&x, &c[j - 1]) < 0; j--)
            c[j] = c[j - 1];
        c[j] = x;
    }
    return m;
}

/* The token sequence toks[i..i+n) is one run of adjacent words. */
static int
adjacent(const struct text_doc *d, size_t i)
{
    const struct text_tok *a = &d->toks[i], *b = &d->toks[i + 1];
    const char *src;

    if ((a->flags & TEXT_TOK_TITLE) != (b->flags & TEXT_TOK_TITLE) || a->sent != b->sent)
        return 0;
    src = (a->flags & TEXT_TOK_TITLE) ? d->title : d->text;
    return enrich_only_blanks(src, a->off + a->len, b->off);
}

/* Count one use of candidate key at token i. */
static void
add_use(struct hmap *map, struct cand **arr, size_t *n, size_t *alloc, uint64_t key,
        const struct text_doc *d, size_t i, size_t nw, int capitalized, int in_name)
{
    const struct text_tok *t = &d->toks[i];
    uint64_t *slot;
    int inserted;
    struct cand *c;
    uint32_t sent = t->flags & TEXT_TOK_TITLE ? 0 : t->sent + 1;

    slot = hmap_put(map, key, &inserted);
    if (inserted) {
        ALLOC_GROW(*arr, *n + 1, *alloc);
        c = &(*arr)[*n];
        memset(c, 0, sizeof(*c));
        c->key = key;
        c->nwords = (uint32_t)nw;
        c->first = (uint32_t)i;
        c->tok = (uint32_t)i;
        for (size_t k = 0; k < nw; k++)
            c->terms[k] = d->toks[i + k].term;
        *slot = (*n)++;
    }
    c = &(*arr)[*slot];
    c->count++;
    if (t->flags & TEXT_TOK_TITLE)
        c->title_count++;
    else if (c->tok < d->ntitle)
        c->tok = (uint32_t)i; /* show a use from the text: the title may be in Title Case */
    if (c->last_sent != sent + 1) {
        c->nsent++;
        c->last_sent = sent + 1;
    }
    if (capitalized && !(t->flags & TEXT_TOK_SSTART))
        c->capcount++;
    if (in_name)
        c->in_name++;
}

/* toks[i] is a capitalized word next to another one: part of a longer name. */
static int
inside_name(const struct text_doc *d, size_t i)
{
    if (!cap_tok(&d->toks[i]))
        return 0;
    if (i > 0 && cap_tok(&d->toks[i - 1]) && adjacent(d, i - 1) &&
        !(d->toks[i].flags & TEXT_TOK_SSTART) && !(d->toks[i - 1].flags & TEXT_TOK_STOP) &&
        strlen(d->toks[i - 1].fold) == fold_len_nopos(d->toks[i - 1].fold))
        return 1;
    return i + 1 < d->ntoks && cap_tok(&d->toks[i + 1]) && adjacent(d, i) &&
           !(d->toks[i + 1].flags & TEXT_TOK_STOP) &&
           strlen(d->toks[i].fold) == fold_len_nopos(d->toks[i].fold);
}

/* The surface form of a unigram: the most frequent fold among its uses. */
static const char *
unigram_form(const struct text_doc *d, const struct text_term *term, size_t *len)
{
    const char *best = NULL;
    size_t best_len = 0, best_n = 0;
    size_t lim = term->count < 24 ? term->count : 24;

    for (size_t i = 0; i < lim; i++) {
        const char *w = d->toks[term->pos[i]].fold;
        size_t wl = fold_len_nopos(w), n = 0;

        for (size_t j = 0; j < lim; j++) {
            const char *v = d->toks[term->pos[j]].fold;

            if (fold_len_nopos(v) == wl && !memcmp(v, w, wl))
                n++;
        }
        if (n > best_n) {
            best = w;
            best_len = wl;
            best_n = n;
        }
    }
    *len = best_len;
    return best;
}

/* The text of candidate c: folds for lowercase words, the source's bytes for names. */
static const char *
cand_text(const struct enrich_doc *ed, const struct cand *c, struct arena *a)
{
    const struct text_doc *d = &ed->d;
    const struct text_tok *t = &d->toks[c->tok];
    int name = c->capcount * 2 > c->count;

    if (c->nwords == 1) {
        size_t len;
        const char *w = unigram_form(d, &d->terms[t->term], &len);

        if (name) {
            const char *src = text_tok_ptr(d, t);
            size_t n = t->len;

            /* the source's bytes minus a possessive */
            if (n > 2 && src[n - 2] == '\'' && src[n - 1] == 's')
                n -= 2;
            else if (n > 4 && !memcmp(src + n - 4, "\xe2\x80\x99s", 4))
                n -= 4;
            return arena_strndup(a, src, n);
        }
        return arena_strndup(a, w, len);
    } else {
        const struct text_tok *last = &d->toks[c->tok + c->nwords - 1];
        const char *src = text_tok_ptr(d, t);
        size_t n = (size_t)(last->off + last->len - t->off);
        char *s;

        if (n > 2 && src[n - 2] == '\'' && src[n - 1] == 's')
            n -= 2;
        if (name)
            return enrich_clean_sentence(a, src, n);
        /* lowercase phrase: folded words joined by spaces */
        {
            size_t total = 0, k;

            for (k = 0; k < c->nwords; k++)
                total += strlen(d->toks[c->tok + k].fold) + 1;
            s = arena_alloc(a, total + 1);
            total = 0;
            for (k = 0; k < c->nwords; k++) {
                const char *w = d->toks[c->tok + k].fold;
                size_t wl = k + 1 == c->nwords ? fold_len_nopos(w) : strlen(w);

                if (k)
                    s[total++] = ' ';
                memcpy(s + total, w, wl);
                total += wl;
            }
            s[total] = '\0';
        }
        return s;
    }
}

void
enrich_keyphrases(struct enrich *e, const struct enrich_doc *ed, struct arena *a, size_t max,
                  struct enrich_keyphrase **out, size_t *nout)
{
    const struct text_doc *d = &ed->d;
    const struct kp_params P = kp_params();
    struct hmap map;
    struct cand *c = NULL;
    size_t n = 0, alloc = 0, k;
    double ntok = d->ntoks > d->ntitle ? (double)(d->ntoks - d->ntitle) : 1.0;
    double nsents = d->nsents ? (double)d->nsents + (d->ntitle ? 1 : 0) : 1.0;

    unsigned char *ok = content_terms(e, d);

    *out = NULL;
    *nout = 0;
    hmap_init(&map, d->nterms * 2 + 16);

    for (size_t i = 0; i < d->ntoks; i++) {
        const struct text_tok *t = &d->toks[i];
        int allcap, ends_cap;
        uint64_t key;

        if (!content_tok(ok, t))
            continue;
        /* the unigram: keyed by its term */
        add_use(&map, &c, &n, &alloc, hash_combine(1, (uint64_t)t->term), d, i, 1, cap_tok(t),
                inside_name(d, i));
        /* phrases starting here */
        allcap = cap_tok(t);
        key = hash_combine(2, (uint64_t)t->term);
        for (size_t j = i + 1; j < d->ntoks && j - i < KP_MAX_WORDS; j++) {
            const struct text_tok *u = &d->toks[j];
            size_t len = fold_len_nopos(d->toks[j - 1].fold);

            if (!adjacent(d, j - 1) || len != strlen(d->toks[j - 1].fold))
                break; /* not adjacent, or a possessive ends the phrase */
            key = hash_combine(key, u->term >= 0 ? (uint64_t)u->term : u->hash);
            allcap = allcap && (cap_tok(u) || (u->flags & TEXT_TOK_STOP));
            if (!(u->flags & TEXT_TOK_ALPHA) && !(u->flags & TEXT_TOK_DIGIT))
                break;
            if (!content_tok(ok, u))
                continue;
            ends_cap = cap_tok(t) && cap_tok(u);
            /* stop words inside only between capitalized ends */
            if (!ends_cap) {
                int stop_inside = 0;

                for (size_t m = i + 1; m < j; m++)
                    if (!content_tok(ok, &d->toks[m]))
                        stop_inside = 1;
                if (stop_inside)
                    break;
            }
            add_use(&map, &c, &n, &alloc, key, d, i, j - i + 1, allcap, 0);
        }
    }

    for (k = 0; k < n; k++) {
        struct cand *x = &c[k];
        double idf = 0, tf = x->count, s, pos;
        uint32_t minc = UINT32_MAX;

        for (uint32_t w = 0; w < x->nwords; w++) {
            int32_t tm = x->terms[w];

            if (tm < 0 || (d->toks[x->first + w].flags & TEXT_TOK_STOP))
                continue;
            idf += ed->idf[tm];
            if (d->terms[tm].count < minc)
                minc = d->terms[tm].count;
        }
        if (x->nwords == 1) {
            const struct text_term *term = &d->terms[x->terms[0]];

            idf = ed->idf[x->terms[0]];
            x->nsent = ed->nsent[x->terms[0]];
            tf = term->count - x->in_name + P.in_name * x->in_name;
        } else {
            uint32_t content = 0;

            for (uint32_t w = 0; w < x->nwords; w++)
                if (x->terms[w] >= 0 && !(d->toks[x->first + w].flags & TEXT_TOK_STOP))
                    content++;
            idf /= content ? content : 1;
            if (x->capcount * 2 <= x->count && x->count < P.min_multi) {
                x->score = 0;
                continue;
            }
        }
        x->idf = idf;
        pos = x->first < d->ntitle ? 1.0 : 1.0 - (double)(x->first - d->ntitle) / ntok;
        s = powx(tf, P.tf_pow) * powx(idf, P.idf_pow);
        s *= 1 + P.pos * pos;
        s *= 1 + P.spread * ((double)x->nsent / nsents);
        s *= 1 + P.cap * ((double)x->capcount / x->count);
        s *= 1 + P.title * (x->title_count ? 1 : 0);
        {
            /* mean word length in bytes, capped */
            double len = 0;
            uint32_t words = 0;

            for (uint32_t w = 0; w < x->nwords; w++) {
                const struct text_tok *u = &d->toks[x->first + w];

                if (u->flags & TEXT_TOK_STOP)
                    continue;
                len += (double)fold_len_nopos(u->fold);
                words++;
            }
            len /= words ? words : 1;
            if (len > P.len_cap)
                len = P.len_cap;
            s *= powx(len / P.len_cap, P.len_pow);
        }
        if (x->nwords > 1)
            s *= P.multi * powx((double)x->count / (minc ? minc : 1), P.cohesion_pow);
        x->score = s;
    }
    n = top_k(c, n, max * 2 + 8);

    *out = arena_alloc(a, (max ? max : 1) * sizeof(**out));
    for (k = 0; k < n && *nout < max; k++) {
        const char *text;
        int dup = 0;

        if (c[k].score <= 0)
            break;
        text = cand_text(ed, &c[k], a);
        for (size_t m = 0; m < *nout && !dup; m++)
            dup = !strcasecmp((*out)[m].text, text);
        if (dup || !*text)
            continue;
        (*out)[*nout].text = text;
        (*out)[*nout].score = c[k].score;
        (*out)[*nout].words = c[k].nwords;
        (*out)[*nout].count = c[k].count;
        (*out)[*nout].idf = ed->df && ed->df->ndocs ? c[k].idf : 0;
        (*nout)++;
    }
    free(c);
    free(ok);
    hmap_release(&map);
}
