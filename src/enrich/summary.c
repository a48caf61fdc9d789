/*
 * summary.c - extractive summaries, key points, story summaries and the
 * per-source difference of a story.
 *
 * Sentences are sparse vectors over stemmed terms (stop words out),
 * weighted tf * idf (idf from the corpus table when there is one, else
 * from the sentences themselves).
 *
 * Article: each sentence gets
 *
 *   score = cos(s, centroid) + W_TITLE * cos(s, title) + W_LEAD * lead(k)
 *
 * times a length factor that favours full sentences (min(1, words/L_FULL),
 * a mild decay past L_LONG words), where the centroid is the sum of all
 * sentence vectors and lead(k) = 1/(1+k) for the k-th sentence.  The
 * summary takes sentences by score, skipping any whose cosine with one
 * already taken exceeds REDUNDANT, and prints them in text order.
 *
 * Story: the articles' sentences share one term space; a term's weight is
 * multiplied by the share of the story's articles that use it, so a
 * sentence scores by how much of what it says the other sources say too
 * (its coverage), plus its article's lead bonus; the same greedy pick
 * without repeats then covers what the sources share, and stops once the
 * summary holds st_words (20) words for each sentence asked: sentences of
 * news leads run from 10 to 50 words, and a fixed count made a story
 * summary as long as its longest sentences (on the NeuS dev set 76 words
 * on average against the editors' 66; with the budget 66, and ROUGE-1/2/L
 * rose on both halves of the set).
 *
 * Source diff: a sentence is "shared" when another article has a sentence
 * within cosine SHARED of it, and "added" by its article when no other
 * article comes within cosine UNIQUE and most of its content words (by
 * idf) appear in no other article.
 */
#include "enrich/internal.h"

#include "text/tfidf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hmap.h"
#include "util/mem.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sm_params {
    double w_title, w_lead, l_full, l_long, redundant, min_words, max_words;
    double st_cover, st_lead, st_len;
    double shared, unique, novel;
    double graph;        /* weight of TextRank centrality */
    double st_long;      /* story sentences longer than this many words weigh less */
    double st_order;     /* 1: story summary in score order, 0: in text order */
    double st_redundant; /* story sentences closer than this to one taken are repeats */
    double st_words;     /* a story summary stops once it has this many words a sentence asked */
};

static const struct sm_params sm_default = {
    .w_title = 0.2,
    .w_lead = 0.1,
    .l_full = 15,
    .l_long = 100,
    .redundant = 0.6,
    .min_words = 5,
    .max_words = 150,
    .st_cover = 2.0,
    .st_lead = 1.0,
    .st_len = 12,
    .shared = 0.35,
    .unique = 0.2,
    .novel = 0.5,
    .graph = 3.0,
    .st_long = 100,
    .st_order = 1,
    .st_redundant = 0.25,
    .st_words = 20,
};

#ifdef GZ_ENRICH_TUNE
#include <stdio.h>
static struct sm_params
sm_params(void)
{
    struct sm_params p = sm_default;
    const char *s = getenv("GZ_SM");

    if (s)
        sscanf(s, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &p.w_title, &p.w_lead,
               &p.l_full, &p.l_long, &p.redundant, &p.min_words, &p.max_words, &p.st_cover,
               &p.st_lead, &p.st_len, &p.shared, &p.unique, &p.novel);
    s = getenv("GZ_SM2");
    if (s)
        sscanf(s, "%lf,%lf,%lf,%lf,%lf", &p.graph, &p.st_long, &p.st_order, &p.st_redundant,
               &p.st_words);
    return p;
}
#else
static struct sm_params
sm_params(void)
{
    return sm_default;
}
#endif

/* One entry of a sentence vector: a term (index in the space) and its weight. */
struct sv_entry {
    uint32_t t;
    float w;
};

struct sent {
    uint32_t doc, k; /* article and sentence index in it */
    uint32_t words;  /* word tokens */
    uint32_t gi;     /* index in the story's list of all sentences */
    struct sv_entry *v;
    uint32_t nv;
    double norm;
    double score;
    int taken;
};

static int
cmp_entry(const void *a, const void *b)
{
    const struct sv_entry *x = a, *y = b;

    return x->t < y->t ? -1 : x->t > y->t;
}

static double
dot(const struct sent *a, const struct sent *b)
{
    double s = 0;
    uint32_t i = 0, j = 0;

    while (i < a->nv && j < b->nv) {
        if (a->v[i].t == b->v[j].t)
            s += (double)a->v[i++].w * b->v[j++].w;
        else if (a->v[i].t < b->v[j].t)
            i++;
        else
            j++;
    }
    return s;
}

static double
cosine(const struct sent *a, const struct sent *b)
{
    return a->norm > 0 && b->norm > 0 ? dot(a, b) / (a->norm * b->norm) : 0;
}

/* Cosine of a sentence with a dense vector c (norm cn) over the term space. */
static double
cos_dense(const struct sent *s, const double *c, double cn)
{
    double x = 0;

    if (s->norm <= 0 || cn <= 0)
        return 0;
    for (uint32_t i = 0; i < s->nv; i++)
        x += s->v[i].w * c[s->v[i].t];
    return x / (s->norm * cn);
}

/* Whether the text between two sentences, p[0..len), holds a paragraph break. */
static int
paragraph_break(const char *p, size_t len)
{
    int nl = 0;

    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n' && ++nl == 2)
            return 1;
        if (i + 2 < len && !memcmp(p + i, "\xe2\x80\xa9", 3)) /* U+2029 */
            return 1;
    }
    return 0;
}

/* cap[k] = 1 for the sentences k < ns of d in a caption paragraph (text_is_caption()). */
static void
mark_captions(const struct text_doc *d, size_t ns, unsigned char *cap)
{
    size_t i = 0;

    while (i < ns) {
        size_t j = i + 1, off = d->sents[i].off, end;

        while (j < d->nsents) {
            size_t prev = d->sents[j - 1].off + d->sents[j - 1].len;

            if (paragraph_break(d->text + prev, d->sents[j].off - prev))
                break;
            j++;
        }
        end = d->sents[j - 1].off + d->sents[j - 1].len;
        memset(cap + i, text_is_caption(d->text + off, end - off), (j < ns ? j : ns) - i);
        i = j;
    }
}

/*
 * Sentence vectors of doc (term space: map from term id to index, grown
 * as needed; weights tf * idf[term]).  Title tokens are left out, and so
 * is a picture's caption: its sentences get no vector, so they are never
 * picked.  Returns the sentences in text order; *n gets the count (at
 * most max).
 */
static struct sent *
doc_sentences(const struct enrich_doc *ed, uint32_t docno, struct hmap *space, uint32_t *nspace,
              size_t max, struct arena *a, size_t *n)
{
    const struct text_doc *d = &ed->d;
    size_t ns = d->nsents < max ? d->nsents : max;
    struct sent *out;
    size_t i = d->ntitle;
    struct sv_entry *tmp;
    unsigned char *cap;

    *n = 0;
    if (!ns)
        return NULL;
    out = arena_zalloc(a, ns * sizeof(*out));
    cap = arena_alloc(a, ns);
    mark_captions(d, ns, cap);
    tmp = xmalloc((d->ntoks + 1) * sizeof(*tmp));
    while (i < d->ntoks) {
        uint32_t k = d->toks[i].sent;
        size_t j = i, m = 0, words = 0;
        struct sent *s;

        if (k >= ns)
            break;
        while (j < d->ntoks && d->toks[j].sent == k) {
            const struct text_tok *t = &d->toks[j];

            if (t->flags & (TEXT_TOK_ALPHA | TEXT_TOK_DIGIT))
                words++;
            if (t->term >= 0 && !(t->flags & TEXT_TOK_STOP) && !cap[k]) {
                int inserted;
                uint64_t *slot = hmap_put(space, d->terms[t->term].id, &inserted);

                if (inserted)
                    *slot = (*nspace)++;
                tmp[m].t = (uint32_t)*slot;
                tmp[m].w = (float)ed->idf[t->term];
                m++;
            }
            j++;
        }
        s = &out[k];
        s->doc = docno;
        s->k = k;
        s->words = (uint32_t)words;
        if (m) {
            size_t u = 0;

            qsort(tmp, m, sizeof(*tmp), cmp_entry);
            for (size_t q = 1; q < m; q++) {
                if (tmp[q].t == tmp[u].t)
                    tmp[u].w += tmp[q].w;
                else
                    tmp[++u] = tmp[q];
            }
            s->nv = (uint32_t)(u + 1);
            s->v = arena_alloc(a, s->nv * sizeof(*s->v));
            memcpy(s->v, tmp, s->nv * sizeof(*s->v));
        }
        i = j;
    }
    free(tmp);
    for (size_t q = 0; q < ns; q++) {
        double x = 0;

        out[q].doc = docno;
        out[q].k = (uint32_t)q;
        for (uint32_t e = 0; e < out[q].nv; e++)
            x += (double)out[q].v[e].w * out[q].v[e].w;
        out[q].norm = sqrt(x);
    }
    *n = ns;
    return out;
}

/* Sentences in the centrality graph; the rest get the mean rank. */
#define GRAPH_MAX 150

/* Shared terms over log lengths (Mihalcea and Tarau 2004) of two sentence vectors. */
static double
overlap_sim(const struct sent *a, const struct sent *b)
{
    uint32_t i = 0, j = 0, common = 0;

    if (a->words < 2 || b->words < 2)
        return 0;
    while (i < a->nv && j < b->nv) {
        if (a->v[i].t == b->v[j].t)
            common++, i++, j++;
        else if (a->v[i].t < b->v[j].t)
            i++;
        else
            j++;
    }
    return common / (log((double)a->words) + log((double)b->words));
}

/*
 * TextRank: PageRank (damping 0.85, at most 30 rounds) over the overlap graph of
 * ss[0..n); rank[i] scaled so the best sentence has 1.
 */
static void
textrank(const struct sent *ss, size_t n, double *rank)
{
    size_t m = n < GRAPH_MAX ? n : GRAPH_MAX;
    double *w = xcalloc(m * m + 1, sizeof(*w)), *deg = xcalloc(m + 1, sizeof(*deg));
    double *next = xcalloc(m + 1, sizeof(*next)), best = 0, mean = 0;

    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++) {
            double x = overlap_sim(&ss[i], &ss[j]);

            w[i * m + j] = w[j * m + i] = x;
            deg[i] += x;
            deg[j] += x;
        }
    /* w[i][j] becomes the share of j's weight that flows to i (w is symmetric) */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            w[i * m + j] = deg[j] > 0 ? w[i * m + j] / deg[j] : 0;
    for (size_t i = 0; i < m; i++)
        rank[i] = 1.0;
    for (int round = 0; round < 30; round++) {
        double change = 0;

        for (size_t i = 0; i < m; i++) {
            const double *row = &w[i * m];
            double s = 0;

            for (size_t j = 0; j < m; j++)
                s += row[j] * rank[j];
            next[i] = 0.15 + 0.85 * s;
            change += fabs(next[i] - rank[i]);
        }
        memcpy(rank, next, m * sizeof(*rank));
        if (change < 1e-4 * (double)m)
            break;
    }
    for (size_t i = 0; i < m; i++) {
        if (rank[i] > best)
            best = rank[i];
        mean += rank[i];
    }
    mean = m ? mean / (double)m : 0;
    for (size_t i = m; i < n; i++)
        rank[i] = mean;
    for (size_t i = 0; i < n; i++)
        rank[i] = best > 0 ? rank[i] / best : 0;
    free(w);
    free(deg);
    free(next);
}

static double
length_factor(const struct sm_params *P, double words)
{
    double f = words >= P->l_full ? 1.0 : words / P->l_full;

    if (words > P->l_long)
        f *= P->l_long / words;
    return f;
}

/*
 * Length of a dateline at the start of p: capitals (and spaces, commas,
 * brackets) up to a dash, "WASHINGTON \u2014 " or "LONDON (Reuters) - "; 0
 * when there is none.
 */
static size_t
dateline(const char *p, size_t len)
{
    size_t i = 0, caps = 0;

    while (i < len && i < 48) {
        unsigned char c = (unsigned char)p[i];

        if (c >= 'A' && c <= 'Z')
            caps++;
        else if (c >= 'a' && c <= 'z' && caps < 2)
            return 0;
        if (c == '-' && i > 0 && p[i - 1] == ' ' && i + 1 < len && p[i + 1] == ' ')
            return caps >= 3 ? i + 2 : 0;
        if (c == 0xE2 && i + 3 < len && (unsigned char)p[i + 1] == 0x80 &&
            ((unsigned char)p[i + 2] == 0x94 || (unsigned char)p[i + 2] == 0x93) && p[i + 3] == ' ')
            return caps >= 3 ? i + 4 : 0;
        if (c == '.' || c == '"')
            return 0;
        i++;
    }
    return 0;
}

/* The sentence's text, whitespace cleaned, without a dateline. */
static const char *
sent_text(const struct enrich_doc *ed, const struct sent *s, struct arena *a)
{
    const struct text_span *sp = &ed->d.sents[s->k];
    const char *p = ed->d.text + sp->off;
    size_t cut = s->k == 0 ? dateline(p, sp->len) : 0;

    return enrich_clean_sentence(a, p + cut, sp->len - cut);
}

static int
cmp_sent_score(const void *a, const void *b)
{
    const struct sent *const *x = a, *const *y = b;

    if ((*x)->score != (*y)->score)
        return (*x)->score > (*y)->score ? -1 : 1;
    if ((*x)->doc != (*y)->doc)
        return (*x)->doc < (*y)->doc ? -1 : 1;
    return (*x)->k < (*y)->k ? -1 : (*x)->k > (*y)->k;
}

static int
cmp_sent_order(const void *a, const void *b)
{
    const struct sent *const *x = a, *const *y = b;

    if ((*x)->k != (*y)->k)
        return (*x)->k < (*y)->k ? -1 : 1;
    return (*x)->doc < (*y)->doc ? -1 : (*x)->doc > (*y)->doc;
}

/*
 * Greedy pick of up to want sentences from the ranked list r[0..n): skip
 * too short or long ones and near-repeats.  Marks them taken; returns how
 * many, in pick[].
 */
static size_t
pick(const struct sm_params *P, double redundant, struct sent **r, size_t n, size_t want,
     struct sent **pickv)
{
    size_t np = 0;

    for (int pass = 0; pass < 2 && np < want; pass++) {
        for (size_t i = 0; i < n && np < want; i++) {
            struct sent *s = r[i];
            int bad = 0;

            if (s->taken || !s->nv)
                continue;
            /* the second pass takes any length, when the first left room */
            if (!pass && (s->words < P->min_words || s->words > P->max_words))
                continue;
            for (size_t j = 0; j < np && !bad; j++)
                bad = cosine(s, pickv[j]) > redundant;
            if (bad)
                continue;
            s->taken = 1;
            pickv[np++] = s;
        }
    }
    return np;
}

/* A key point: the sentence without a parenthesis or a leading connective. */
static const char *
key_point(struct arena *a, const char *s)
{
    static const char *const openers[] = {"But ",        "And ", "However, ", "Also, ",
                                          "Meanwhile, ", "So ",  "Still, ",   "Yet "};
    size_t n = strlen(s), o = 0;
    char *out = arena_alloc(a, n + 1), *p = out;
    int depth = 0;

    for (size_t i = 0; i < sizeof(openers) / sizeof(*openers); i++) {
        size_t l = strlen(openers[i]);

        if (n > l + 1 && !strncmp(s, openers[i], l)) {
            o = l;
            break;
        }
    }
    for (size_t i = o; i < n; i++) {
        if (s[i] == '(') {
            depth++;
            while (p > out && p[-1] == ' ')
                p--;
            continue;
        }
        if (s[i] == ')' && depth) {
            depth--;
            continue;
        }
        if (!depth)
            *p++ = s[i];
    }
    *p = '\0';
    if (depth) /* unbalanced: keep the sentence as it was */
        return arena_strdup(a, s + o);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 32);
    return out;
}

static const char *
join_sentences(struct arena *a, const char *const *parts, size_t n)
{
    struct buf b = BUF_INIT;
    char *s;

    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(&b, ' ');
        buf_adds(&b, parts[i]);
    }
    s = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return s;
}

/* Key points: the best-ranked short sentences not in the summary (then any). */
static void
make_key_points(struct enrich *e, const struct enrich_doc *docs, struct sent **r, size_t n,
                struct arena *a, struct enrich_result *res)
{
    size_t max = (size_t)e->o.max_key_points, np = 0;
    const char **pts = arena_alloc(a, (max ? max : 1) * sizeof(*pts));
    struct sent **chosen = xmalloc((max + 1) * sizeof(*chosen));

    for (int pass = 0; pass < 3 && np < max; pass++) {
        for (size_t i = 0; i < n && np < max; i++) {
            struct sent *s = r[i];
            int bad = 0;

            if (!s->nv || s->words < 4 || (pass < 2 && s->words > 30))
                continue;
            if (pass == 0 && s->taken)
                continue;
            for (size_t j = 0; j < np && !bad; j++)
                bad = chosen[j] == s || cosine(s, chosen[j]) > 0.5;
            if (bad)
                continue;
            chosen[np] = s;
            pts[np++] = key_point(a, sent_text(&docs[s->doc], s, a));
        }
        if (pass == 0 && np >= (max < 2 ? max : 2))
            break;
    }
    free(chosen);
    res->key_points = pts;
    res->nkey_points = np;
}

/* Replace idf by a within-document one when there is no corpus table. */
static void
local_idf(const struct enrich_doc *ed, double *idf)
{
    const struct text_doc *d = &ed->d;
    double ns = (double)d->nsents + 1;

    for (size_t t = 0; t < d->nterms; t++)
        idf[t] = ed->df ? ed->idf[t] : log((1 + ns) / (1 + ed->nsent[t])) + 1;
}

void
enrich_summarize(struct enrich *e, const struct enrich_doc *ed0, struct arena *a,
                 struct enrich_result *res)
{
    const struct sm_params P = sm_params();
    struct enrich_doc ed = *ed0;
    const struct text_doc *d = &ed.d;
    struct hmap space;
    uint32_t nspace = 0;
    size_t ns, want = (size_t)e->o.summary_sentences, np;
    struct sent *ss, **rank, **picked;
    double *cent, *title, cn = 0, tn = 0;
    const char **parts;

    res->summary = "";
    res->key_points = NULL;
    res->nkey_points = 0;
    ed.idf = arena_alloc(a, (d->nterms + 1) * sizeof(*ed.idf));
    local_idf(ed0, ed.idf);
    hmap_init(&space, d->nterms + 16);
    ss = doc_sentences(&ed, 0, &space, &nspace, 4096, a, &ns);
    if (!ns) {
        hmap_release(&space);
        return;
    }
    cent = xcalloc(nspace + 1, sizeof(*cent));
    title = xcalloc(nspace + 1, sizeof(*title));
    for (size_t i = 0; i < ns; i++)
        for (uint32_t k = 0; k < ss[i].nv; k++)
            cent[ss[i].v[k].t] += ss[i].v[k].w;
    for (size_t i = 0; i < d->ntitle; i++) {
        const struct text_tok *t = &d->toks[i];
        uint64_t *slot;

        if (t->term < 0 || (t->flags & TEXT_TOK_STOP))
            continue;
        slot = hmap_get(&space, d->terms[t->term].id);
        if (slot)
            title[*slot] += ed.idf[t->term];
    }
    for (uint32_t k = 0; k < nspace; k++) {
        cn += cent[k] * cent[k];
        tn += title[k] * title[k];
    }
    cn = sqrt(cn);
    tn = sqrt(tn);
    rank = arena_alloc(a, ns * sizeof(*rank));
    for (size_t i = 0; i < ns; i++)
        ss[i].score = cos_dense(&ss[i], cent, cn);
    if (P.graph > 0) {
        double *tr = xmalloc(ns * sizeof(*tr));

        textrank(ss, ns, tr);
        for (size_t i = 0; i < ns; i++)
            ss[i].score += P.graph * tr[i];
        free(tr);
    }
    for (size_t i = 0; i < ns; i++) {
        struct sent *s = &ss[i];

        s->score += P.w_title * cos_dense(s, title, tn) + P.w_lead / (1.0 + (double)i);
        s->score *= length_factor(&P, s->words);
        rank[i] = s;
    }
    free(cent);
    free(title);
    qsort(rank, ns, sizeof(*rank), cmp_sent_score);
    picked = arena_alloc(a, (want + 1) * sizeof(*picked));
    np = pick(&P, P.redundant, rank, ns, want, picked);
    qsort(picked, np, sizeof(*picked), cmp_sent_order);
    parts = arena_alloc(a, (np + 1) * sizeof(*parts));
    for (size_t i = 0; i < np; i++)
        parts[i] = sent_text(&ed, picked[i], a);
    res->summary = join_sentences(a, parts, np);
    make_key_points(e, &ed, rank, ns, a, res);
    hmap_release(&space);
}

/* ---- stories ---- */

/* Sentences of one article compared across articles (diff and coverage). */
#define STORY_SENTS 30

static void
json_add_str(json_t *arr, const char *s)
{
    json_array_append_new(arr, json_string(s));
}

void
enrich_story_summarize(struct enrich *e, const struct enrich_doc *docs0,
                       const struct enrich_story_article *arts, size_t n, struct arena *a,
                       struct enrich_result *res)
{
    const struct sm_params P = sm_params();
    struct enrich_doc *docs = arena_alloc(a, (n + 1) * sizeof(*docs));
    struct hmap space;
    uint32_t nspace = 0;
    struct sent **all, **rank, **picked;
    size_t total = 0, want = (size_t)e->o.summary_sentences, np;
    size_t *first = arena_alloc(a, (n + 1) * sizeof(*first));
    uint16_t *artdf;
    uint32_t *seen;
    double *cent, cn = 0;
    const char **parts;
    json_t *diff = json_object(), *shared = json_array(), *sources = json_array();
    char *dump;

    res->summary = "";
    hmap_init(&space, 256);
    all = NULL;
    for (size_t i = 0; i < n; i++) {
        struct sent *ss;
        size_t ns;

        docs[i] = docs0[i];
        docs[i].idf = arena_alloc(a, (docs0[i].d.nterms + 1) * sizeof(double));
        local_idf(&docs0[i], docs[i].idf);
        ss = doc_sentences(&docs[i], (uint32_t)i, &space, &nspace, STORY_SENTS, a, &ns);
        first[i] = total;
        all = xrealloc(all, (total + ns + 1) * sizeof(*all));
        for (size_t k = 0; k < ns; k++) {
            ss[k].gi = (uint32_t)total;
            all[total++] = &ss[k];
        }
    }
    first[n] = total;
    /* in how many articles each term appears */
    artdf = xcalloc(nspace + 1, sizeof(*artdf));
    seen = xcalloc(nspace + 1, sizeof(*seen));
    for (size_t i = 0; i < n; i++)
        for (size_t q = first[i]; q < first[i + 1]; q++)
            for (uint32_t k = 0; k < all[q]->nv; k++) {
                uint32_t t = all[q]->v[k].t;

                if (seen[t] != i + 1) {
                    seen[t] = (uint32_t)i + 1;
                    artdf[t]++;
                }
            }
    cent = xcalloc(nspace + 1, sizeof(*cent));
    for (size_t q = 0; q < total; q++)
        for (uint32_t k = 0; k < all[q]->nv; k++)
            cent[all[q]->v[k].t] += all[q]->v[k].w;
    for (uint32_t t = 0; t < nspace; t++)
        cn += cent[t] * cent[t];
    cn = sqrt(cn);

    rank = arena_alloc(a, (total + 1) * sizeof(*rank));
    for (size_t q = 0; q < total; q++) {
        struct sent *s = all[q];
        double cover = 0;

        for (uint32_t k = 0; k < s->nv; k++)
            if (n > 1)
                cover += s->v[k].w * (double)(artdf[s->v[k].t] - 1) / (double)(n - 1);
        cover = s->norm > 0 ? cover / (s->norm * sqrt((double)s->nv)) : 0;
        s->score = cos_dense(s, cent, cn) + P.st_cover * cover + P.st_lead / (1.0 + s->k);
        s->score *= s->words >= P.st_len ? 1.0 : (double)s->words / P.st_len;
        if (s->words > P.st_long)
            s->score *= P.st_long / s->words;
        rank[q] = s;
    }
    qsort(rank, total, sizeof(*rank), cmp_sent_score);
    picked = arena_alloc(a, (want + 1) * sizeof(*picked));
    np = pick(&P, P.st_redundant, rank, total, want, picked);
    if (P.st_words > 0) {
        /* a word budget: long sentences leave room for fewer */
        double words = 0, budget = P.st_words * (double)want;

        for (size_t i = 0; i < np; i++) {
            if (i && words >= budget) {
                for (size_t j = i; j < np; j++)
                    picked[j]->taken = 0;
                np = i;
                break;
            }
            words += picked[i]->words;
        }
    }
    if (!P.st_order)
        qsort(picked, np, sizeof(*picked), cmp_sent_order);
    parts = arena_alloc(a, (np + 1) * sizeof(*parts));
    for (size_t i = 0; i < np; i++)
        parts[i] = sent_text(&docs[picked[i]->doc], picked[i], a);
    res->summary = join_sentences(a, parts, np);
    make_key_points(e, docs, rank, total, a, res);

    /* what each source shares and adds */
    {
        struct sent **shared_pick = xmalloc((total + 1) * sizeof(*shared_pick));
        size_t nshared = 0;
        double *best = xcalloc(total + 1, sizeof(*best));
        double *novel = xcalloc(total + 1, sizeof(*novel));

        for (size_t i = 0; i < n; i++)
            for (size_t q = first[i]; q < first[i + 1]; q++) {
                struct sent *s = all[q];
                double all_w = 0, new_w = 0;

                for (size_t j = 0; j < n; j++) {
                    if (j == i)
                        continue;
                    for (size_t r = first[j]; r < first[j + 1]; r++) {
                        double c = cosine(s, all[r]);

                        if (c > best[q])
                            best[q] = c;
                    }
                }
                for (uint32_t k = 0; k < s->nv; k++) {
                    all_w += s->v[k].w;
                    if (artdf[s->v[k].t] <= 1)
                        new_w += s->v[k].w;
                }
                novel[q] = all_w > 0 ? new_w / all_w : 0;
            }
        /* shared: in rank order, one sentence per fact */
        for (size_t q = 0; q < total && nshared < 5; q++) {
            struct sent *s = rank[q];
            size_t idx = s->gi;
            int bad = 0;

            if (best[idx] < P.shared || s->words < P.min_words)
                continue;
            for (size_t j = 0; j < nshared && !bad; j++)
                bad = cosine(s, shared_pick[j]) > P.shared;
            if (bad)
                continue;
            shared_pick[nshared++] = s;
            json_add_str(shared, sent_text(&docs[s->doc], s, a));
        }
        for (size_t i = 0; i < n; i++) {
            json_t *src = json_object(), *adds = json_array();
            size_t nadd = 0;
            size_t cnt = first[i + 1] - first[i];
            struct sent **cand = xmalloc((cnt + 1) * sizeof(*cand));
            size_t nc = 0;

            for (size_t q = first[i]; q < first[i + 1]; q++) {
                struct sent *s = all[q];

                if (s->words < P.min_words || !s->nv)
                    continue;
                if (n > 1 && (best[q] >= P.unique || novel[q] < P.novel))
                    continue;
                s->score = (n > 1 ? novel[q] : 1.0) * length_factor(&P, s->words) *
                           (1.0 + P.st_lead / (1.0 + s->k));
                cand[nc++] = s;
            }
            qsort(cand, nc, sizeof(*cand), cmp_sent_score);
            for (size_t q = 0; q < nc && nadd < (size_t)e->o.max_adds; q++) {
                json_add_str(adds, sent_text(&docs[i], cand[q], a));
                nadd++;
            }
            free(cand);
            json_object_set_new(src, "source", json_string(arts[i].source ? arts[i].source : ""));
            json_object_set_new(src, "article_id", json_integer(arts[i].article_id));
            json_object_set_new(src, "adds", adds);
            json_array_append_new(sources, src);
        }
        free(shared_pick);
        free(best);
        free(novel);
    }
    json_object_set_new(diff, "shared", shared);
    json_object_set_new(diff, "sources", sources);
    dump = json_dumps(diff, JSON_COMPACT | JSON_PRESERVE_ORDER);
    res->source_diff = arena_strdup(a, dump ? dump : "{\"shared\":[],\"sources\":[]}");
    free(dump);
    json_decref(diff);
    free(cent);
    free(artdf);
    free(seen);
    free(all);
    hmap_release(&space);
}
