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
 * Score (higher is better): exp(sum of w_i * f_i), a log-linear model
 * over these features of a candidate (enum kp_feature):
 *   - how often it is used (log), the mean IDF of its words from the
 *     corpus table (log; 1 without one), the share of the sentences that
 *     use it (spread), and the mean length of its words (log: longer words
 *     say more);
 *   - phrase or word, and a phrase's cohesion: its uses over those of its
 *     rarest word (1: the words only occur together);
 *   - the share of a word's uses inside a longer capitalized name
 *     ("Brooke" in "Brooke Shields");
 *   - its context: the share of its uses right after a determiner ("the
 *     castle": it heads a noun phrase of its own), right after another
 *     word and right before another word (it is only part of a longer run,
 *     "rose garden beds", which readers pick whole or not at all).
 * The weights are a logistic regression of "readers picked it" on these
 * features over the 500N-KPCrowd dev split (50 news stories, about 12,000
 * candidates; bench/kp-fit.py refits them), so the score is the odds that
 * a reader picks the candidate, up to one factor.  Out of sample (each
 * half of the split ranked with weights fitted on the other, and 5-fold
 * cross-validation) the fit holds up; position of first use, casing and
 * title use added nothing there and are left out.  The determiner list
 * is English; elsewhere the feature is simply 0.
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

/* The features of a candidate the score weighs (kp_features()). */
enum kp_feature {
    KF_USES,        /* log of its uses in title and text */
    KF_IDF,         /* log of the (mean) IDF of its words; 0 without a corpus table */
    KF_LEN,         /* log of the mean length of its words in bytes */
    KF_SPREAD,      /* share of the sentences (the title is one) that use it */
    KF_PHRASE,      /* 1 for a phrase, 0 for a word */
    KF_COHESION,    /* phrases: log of its uses over those of its rarest word (<= 0) */
    KF_IN_NAME,     /* share of its uses inside a longer capitalized name */
    KF_AFTER_DET,   /* share of its uses right after a determiner ("the", "her") */
    KF_AFTER_WORD,  /* share of its uses right after another word (not a stop word) */
    KF_BEFORE_WORD, /* share of its uses right before another word */
    KF_N
};

/*
 * The weights: a logistic regression of "a reader picked it" on the
 * features, fitted on the 500N-KPCrowd dev split (bench/kp-fit.py; the
 * figures are in bench/README.md).  The intercept only scales every score
 * alike and is left out.
 */
static const double kp_weights[KF_N] = {
    [KF_USES] = 0.52,        [KF_IDF] = 0.15,          [KF_LEN] = 1.53,      [KF_SPREAD] = 3.25,
    [KF_PHRASE] = -1.29,     [KF_COHESION] = -0.17,    [KF_IN_NAME] = -0.40, [KF_AFTER_DET] = 0.40,
    [KF_AFTER_WORD] = -0.49, [KF_BEFORE_WORD] = -0.46,
};

/* A lowercase phrase needs this many uses to be a candidate (a name needs one). */
#define KP_MIN_PHRASE_USES 2

#ifdef GZ_ENRICH_TUNE
/* Weights from GZ_KP ("w0,w1,..." in enum order) for fitting and trials. */
static void
kp_weights_get(double w[KF_N])
{
    const char *s = getenv("GZ_KP");

    memcpy(w, kp_weights, sizeof(kp_weights));
    for (int i = 0; s && *s && i < KF_N; i++) {
        char *end;

        w[i] = strtod(s, &end);
        s = *end == ',' ? end + 1 : "";
    }
}
#else
static void
kp_weights_get(double w[KF_N])
{
    memcpy(w, kp_weights, sizeof(kp_weights));
}
#endif

struct cand {
    uint64_t key;
    uint32_t nwords;
    uint32_t count;
    uint32_t first;     /* token index of the first use */
    uint32_t nsent;     /* distinct sentences */
    uint32_t last_sent; /* sentence of the last use counted, +1 (0: none yet) */
    uint32_t capcount;  /* uses capitalized away from a sentence start */
    double idf;         /* mean IDF of its words */
    uint32_t in_name;   /* uses next to another capitalized word */
    uint32_t tok;       /* token index of a use shown as the surface form */
    uint32_t ctx_det;   /* uses right after a determiner ("the", "his") */
    uint32_t ctx_prev;  /* uses right after another word of the sentence */
    uint32_t ctx_next;  /* uses right before another word of the sentence */
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

/* What surrounds a use: bits of context(). */
#define CTX_DET 1u
#define CTX_PREV 2u
#define CTX_NEXT 4u

/* A word next to a candidate that may belong to the same phrase: not a stop word. */
static int
ctx_word(const struct text_tok *t)
{
    return t->term >= 0;
}

/* The context of the use toks[i..i+nw): determiner before, words before and after. */
static unsigned
context(const struct enrich *e, const struct text_doc *d, size_t i, size_t nw)
{
    unsigned ctx = 0;

    if (i > 0 && adjacent(d, i - 1)) {
        const struct text_tok *p = &d->toks[i - 1];

        if (enrich_wc(e, p->hash) & EW_DET)
            ctx |= CTX_DET;
        else if (ctx_word(p))
            ctx |= CTX_PREV;
    }
    if (i + nw < d->ntoks && adjacent(d, i + nw - 1) && ctx_word(&d->toks[i + nw]))
        ctx |= CTX_NEXT;
    return ctx;
}

/* Count one use of candidate key at token i. */
static void
add_use(struct hmap *map, struct cand **arr, size_t *n, size_t *alloc, uint64_t key,
        const struct text_doc *d, size_t i, size_t nw, int capitalized, int in_name, unsigned ctx)
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
    if (!(t->flags & TEXT_TOK_TITLE) && c->tok < d->ntitle)
        c->tok = (uint32_t)i; /* show a use from the text: the title may be in Title Case */
    if (c->last_sent != sent + 1) {
        c->nsent++;
        c->last_sent = sent + 1;
    }
    if (capitalized && !(t->flags & TEXT_TOK_SSTART))
        c->capcount++;
    if (in_name)
        c->in_name++;
    c->ctx_det += (ctx & CTX_DET) != 0;
    c->ctx_prev += (ctx & CTX_PREV) != 0;
    c->ctx_next += (ctx & CTX_NEXT) != 0;
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

/*
 * The features of candidate x into f (enum kp_feature), with nsents
 * sentences in the document.  Returns 0 when x is no candidate after all:
 * a lowercase phrase used fewer than KP_MIN_PHRASE_USES times.  Sets
 * x->idf and, for a word, x->nsent.
 */
static int
kp_features(const struct enrich_doc *ed, struct cand *x, double nsents, double f[KF_N])
{
    const struct text_doc *d = &ed->d;
    double idf = 0, len = 0, uses = x->count;
    uint32_t minc = UINT32_MAX, content = 0;

    if (x->nwords > 1 && x->capcount * 2 <= x->count && x->count < KP_MIN_PHRASE_USES)
        return 0;
    for (uint32_t w = 0; w < x->nwords; w++) {
        const struct text_tok *u = &d->toks[x->first + w];

        if (u->term < 0 || (u->flags & TEXT_TOK_STOP))
            continue;
        idf += ed->idf[u->term];
        len += (double)fold_len_nopos(u->fold);
        if (d->terms[u->term].count < minc)
            minc = d->terms[u->term].count;
        content++;
    }
    idf /= content ? content : 1;
    len /= content ? content : 1;
    if (x->nwords == 1)
        x->nsent = ed->nsent[x->terms[0]];
    x->idf = idf;
    f[KF_USES] = log(uses);
    f[KF_IDF] = log(idf > 1 ? idf : 1);
    f[KF_LEN] = log(len > 1 ? len : 1);
    f[KF_SPREAD] = (double)x->nsent / nsents;
    f[KF_PHRASE] = x->nwords > 1;
    f[KF_COHESION] =
        x->nwords > 1 ? log((double)x->count / (minc > x->count ? minc : x->count)) : 0;
    f[KF_IN_NAME] = x->in_name / uses;
    f[KF_AFTER_DET] = x->ctx_det / uses;
    f[KF_AFTER_WORD] = x->ctx_prev / uses;
    f[KF_BEFORE_WORD] = x->ctx_next / uses;
    return 1;
}

void
enrich_keyphrases(struct enrich *e, const struct enrich_doc *ed, struct arena *a, size_t max,
                  struct enrich_keyphrase **out, size_t *nout)
{
    const struct text_doc *d = &ed->d;
    double W[KF_N];
    struct hmap map;
    struct cand *c = NULL;
    size_t n = 0, alloc = 0, k;
    double nsents = d->nsents ? (double)d->nsents + (d->ntitle ? 1 : 0) : 1.0;

    unsigned char *ok = content_terms(e, d);

    kp_weights_get(W);
#ifdef GZ_ENRICH_TUNE
    /* GZ_KP_DUMP: "#DOC", then one line a candidate: its text and features */
    if (getenv("GZ_KP_DUMP"))
        fprintf(stderr, "#DOC\n");
#endif
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
                inside_name(d, i), context(e, d, i, 1));
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
            add_use(&map, &c, &n, &alloc, key, d, i, j - i + 1, allcap, 0,
                    context(e, d, i, j - i + 1));
        }
    }

    for (k = 0; k < n; k++) {
        struct cand *x = &c[k];
        double f[KF_N], z = 0;

        if (!kp_features(ed, x, nsents, f)) {
            x->score = 0;
            continue;
        }
        for (int j = 0; j < KF_N; j++)
            z += W[j] * f[j];
        x->score = exp(z);
#ifdef GZ_ENRICH_TUNE
        if (getenv("GZ_KP_DUMP")) {
            fprintf(stderr, "%s", cand_text(ed, x, a));
            for (int j = 0; j < KF_N; j++)
                fprintf(stderr, "\t%.5g", f[j]);
            fputc('\n', stderr);
        }
#endif
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
