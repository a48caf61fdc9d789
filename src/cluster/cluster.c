/*
 * cluster.c - near-duplicates, online story clustering, related articles.
 *
 * Layout.  Articles live in a slot array (arts[]) reused through a free
 * list; a slot's generation grows each time it is freed, so postings that
 * still name an old occupant (slot | generation << 32) are recognised and
 * skipped, and lists are never scrubbed on expiry.  Stories live in a
 * slot array too.  Maps: article id -> slot, story label -> slot, merged
 * label -> label kept, feature -> posting list, LSH band key -> posting
 * list, content hash -> article.  The expiry queue holds slots in
 * insertion order.
 */
#include "cluster/cluster.h"

#include "text/analyze.h"
#include "text/lang.h"
#include "text/sig.h"
#include "text/text.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"
#include "util/str.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Salt that keeps capitalized-phrase features apart from stem features. */
#define PHRASE_SALT 0x70687261736521ULL
/* A posting list keeps at most this many entries (the oldest half goes). */
#define PLIST_KEEP (4 * CLUSTER_POSTINGS)
/* Candidate stories scored exactly per article. */
#define NCAND 4
/* Candidates sharing less than this share of the best one's weight are not scored. */
#ifndef CAND_PRUNE
#define CAND_PRUNE 0.25
#endif
/* Candidate stories looked at for related articles (off the ingest path). */
#define NCAND_RELATED 48
/* Members compared one by one (the most recent ones). */
#define MEMBER_SCAN 4
/* Features found in more than this share of the articles are not looked up. */
#define CLUSTER_DF_STOP 0.2
/* Neighbours kept per article from the last refinement (for related lists). */
#define CLUSTER_NB 8
/* Known languages remembered for articles of unknown language. */
#define LANG_RING 64
/* Fewer shingles than this and an article takes no part in duplicate detection. */
#define DUP_MIN_SHINGLES 8

struct feat {
    uint64_t id;
    float w;
    float tf; /* weight before idf: (1 + ln count) times the feature's boost */
};

struct art {
    int64_t id, time, dup_of;
    uint64_t source;
    uint64_t chash; /* first 8 bytes of the content hash; 0: none */
    uint32_t story; /* story slot */
    uint32_t gen;
    uint32_t nvec, ndf;
    int live;
    int fixed;        /* cluster_doc.fixed: cluster_refine() leaves it alone */
    struct feat *vec; /* sorted by id, unit norm */
    uint64_t *df;     /* distinct feature ids counted in ci->df */
    uint32_t *mh;     /* TEXT_MINHASH_K truncated slots, or NULL */
    char *title;
    /* nearest neighbours at the last cluster_refine(), density-corrected score */
    struct {
        int64_t id;
        float s;   /* density-corrected */
        float raw; /* similarity (cosine less time cost) */
    } nb[CLUSTER_NB];
    uint32_t nnb;
    float dens; /* density at the last cluster_refine() (mean of its 5 best neighbours) */
};

struct story {
    int64_t label;
    int64_t first, last;
    uint32_t *mem; /* article slots, in insertion order */
    uint32_t nmem, cmem;
    struct feat *cen; /* sum of member vectors, sorted by id */
    uint32_t ncen, ccen;
    double cnorm;
    int64_t *redir; /* labels merged into this one */
    uint32_t nredir, credir;
    int live;
};

struct slot_mirror {
    uint64_t ref;
    uint32_t story;
};

struct plist {
    uint64_t *e; /* slot | gen << 32, oldest first */
    uint32_t n, cap;
};

/* What cluster_assign() learnt of a document, kept for cluster_insert(). */
struct prep {
    int valid;
    int64_t id, time;
    const char *title, *text;
    size_t title_len, text_len;
    struct feat *vec;
    uint32_t nvec, cvec;
    uint64_t *df;
    uint32_t ndf, cdf;
    int has_mh;
    struct text_minhash mh;
    uint64_t chash;
};

struct cluster_index {
    struct cluster_params p;
    struct text_stemmer *st;
    struct arena *arena; /* per-document scratch */
    struct text_df df;

    struct art *arts;
    size_t narts, carts;
    /* A dense mirror of each slot's posting reference (UINT64_MAX when
     * free) and story, side by side, so that scanning postings touches
     * one 16-byte entry per posting instead of a whole struct art. */
    struct slot_mirror *slots;
    size_t cslots;
    uint32_t *free_arts;
    size_t nfree_arts, cfree_arts;
    size_t live_arts;

    struct story *stories;
    size_t nstories, cstories;
    uint32_t *free_stories;
    size_t nfree_stories, cfree_stories;
    size_t live_stories;

    struct hmap by_id, by_label, redirects, by_hash;
    struct hmap feat_lists, band_lists; /* key -> index into lists[] */
    struct plist *lists;
    size_t nlists, clists;
    uint32_t *free_lists;
    size_t nfree_lists, cfree_lists;

    uint64_t *queue; /* slot | gen << 32 in insertion order */
    size_t qhead, qlen, qcap;

    struct hmap hours; /* hour -> live stories last updated in it */
    int64_t clock;
    int has_clock;
    uint64_t weighted_at; /* documents counted at the last reweight() */

    struct prep prep;

    /* the languages of the last LANG_RING articles that had one with a
     * stemmer: an article of unknown language is taken to be in the most
     * frequent, so that its words meet the window's stems */
    char langs[LANG_RING][TEXT_LANG_MAX];
    size_t nlangs;
    char lang_guess[TEXT_LANG_MAX]; /* the most frequent, updated every 16 */

    /* scratch, indexed by story slot */
    float *acc;
    size_t cacc;
    uint32_t *touched;
    size_t ntouched, ctouched;
    struct feat *tmp;
    size_t ctmp;

    cluster_expire_fn on_expire;
    void *on_expire_ctx;
};

void
cluster_params_default(struct cluster_params *p)
{
    p->window = 4 * 24 * 3600;
    p->title_boost = 2.0;
    p->phrase_boost = 0.5;
    p->join = 0.14;
    p->density = 0.02;
    p->merge = 0.30;
    p->max_weight = 0.3;
    p->related = 0.10;
    p->refine = -0.05;
    p->dup_jaccard = 0.6;
    p->time_scale = 24 * 3600;
    p->time_penalty = 1.0;
    p->time_grace = 6 * 3600;
    p->lang_default = "en";
}

uint64_t
cluster_source_key(const char *name)
{
    char w[256];
    size_t n;

    if (!name || !*name)
        return 0;
    n = strlen(name);
    if (n > sizeof(w) - 1)
        n = str_utf8_cut(name, n, sizeof(w) - 1);
    for (size_t i = 0; i < n; i++)
        w[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    return hash64(w, n, 0x736f75726365ULL) | 1;
}

/* ---- small helpers ---- */

static int
cmp_feat_id(const void *a, const void *b)
{
    uint64_t x = ((const struct feat *)a)->id, y = ((const struct feat *)b)->id;

    return x < y ? -1 : x > y;
}

static int
cmp_feat_w_desc(const void *a, const void *b)
{
    const struct feat *x = a, *y = b;

    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void
feat_swap(struct feat *v, size_t i, size_t j)
{
    struct feat t = v[i];

    v[i] = v[j];
    v[j] = t;
}

/*
 * Put the k heaviest of v[0..n) (ties: smaller id; a total order, so the
 * set is unique) in v[0..k), in no particular order: quickselect, in
 * place, no allocation (glibc's qsort() allocates).
 */
static void
select_heaviest(struct feat *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2, st = lo;

        /* median of three as pivot, moved to hi - 1 */
        if (cmp_feat_w_desc(&v[mid], &v[lo]) < 0)
            feat_swap(v, mid, lo);
        if (cmp_feat_w_desc(&v[hi - 1], &v[lo]) < 0)
            feat_swap(v, hi - 1, lo);
        if (cmp_feat_w_desc(&v[mid], &v[hi - 1]) < 0)
            feat_swap(v, mid, hi - 1);
        for (size_t i = lo; i < hi - 1; i++)
            if (cmp_feat_w_desc(&v[i], &v[hi - 1]) < 0)
                feat_swap(v, i, st++);
        feat_swap(v, st, hi - 1);
        if (st == k || st + 1 == k)
            return;
        if (st > k)
            hi = st;
        else
            lo = st + 1;
    }
}

/* Insertion sort by id: vectors are short, and glibc's qsort() allocates. */
static void
sort_by_id(struct feat *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct feat x = v[i];
        size_t j = i;

        while (j > 0 && v[j - 1].id > x.id) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Dot product of two id-sorted vectors. */
static double
dot(const struct feat *a, size_t na, const struct feat *b, size_t nb)
{
    double s = 0;
    size_t i = 0, j = 0;

    /* A long vector against a short one: binary search the long one. */
    if (nb > 8 * na || na > 8 * nb) {
        const struct feat *s_v = na < nb ? a : b, *l_v = na < nb ? b : a;
        size_t ns = na < nb ? na : nb, nl = na < nb ? nb : na;

        for (i = 0; i < ns; i++) {
            size_t lo = 0, hi = nl;

            while (lo < hi) {
                size_t mid = (lo + hi) / 2;

                if (l_v[mid].id < s_v[i].id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < nl && l_v[lo].id == s_v[i].id)
                s += (double)s_v[i].w * l_v[lo].w;
        }
        return s;
    }
    /* branch-light merge: the only data-dependent branch is the rare match */
    while (i < na && j < nb) {
        uint64_t x = a[i].id, y = b[j].id;

        if (x == y)
            s += (double)a[i].w * b[j].w;
        i += x <= y;
        j += y <= x;
    }
    return s;
}

static double
norm(const struct feat *a, size_t n)
{
    double s = 0;

    for (size_t i = 0; i < n; i++)
        s += (double)a[i].w * a[i].w;
    return sqrt(s);
}

static uint64_t
ref_of(uint32_t slot, uint32_t gen)
{
    return (uint64_t)slot | (uint64_t)gen << 32;
}

/* The live article a posting names, or NULL. */
static struct art *
ref_art(struct cluster_index *ci, uint64_t ref)
{
    uint32_t slot = (uint32_t)ref;

    if (slot >= ci->narts || ci->slots[slot].ref != ref)
        return NULL;
    return &ci->arts[slot];
}

static struct art *
art_by_id(struct cluster_index *ci, int64_t id)
{
    uint64_t *v = hmap_get(&ci->by_id, (uint64_t)id);

    return v ? &ci->arts[*v] : NULL;
}

static int64_t
resolve_label(const struct cluster_index *ci, int64_t label)
{
    for (int hops = 0; hops < 64; hops++) {
        uint64_t *v = hmap_get(&ci->redirects, (uint64_t)label);

        if (!v)
            break;
        label = (int64_t)*v;
    }
    return label;
}

static struct story *
story_by_label(struct cluster_index *ci, int64_t label)
{
    uint64_t *v = hmap_get(&ci->by_label, (uint64_t)resolve_label(ci, label));

    return v ? &ci->stories[*v] : NULL;
}

/* ---- posting lists ---- */

static struct plist *
plist_get(struct cluster_index *ci, struct hmap *m, uint64_t key, int create)
{
    uint64_t *v;
    int inserted;

    if (!create) {
        v = hmap_get(m, key);
        return v ? &ci->lists[*v] : NULL;
    }
    v = hmap_put(m, key, &inserted);
    if (inserted) {
        uint32_t li;

        if (ci->nfree_lists) {
            li = ci->free_lists[--ci->nfree_lists];
        } else {
            ALLOC_GROW(ci->lists, ci->nlists + 1, ci->clists);
            li = (uint32_t)ci->nlists++;
            memset(&ci->lists[li], 0, sizeof(ci->lists[li]));
        }
        *v = li;
    }
    return &ci->lists[*v];
}

/* Drop dead postings; when still full, the oldest half. */
static void
plist_compact(struct cluster_index *ci, struct plist *l)
{
    uint32_t k = 0;

    for (uint32_t i = 0; i < l->n; i++)
        if (ref_art(ci, l->e[i]))
            l->e[k++] = l->e[i];
    l->n = k;
    if (l->n >= PLIST_KEEP) {
        uint32_t drop = l->n / 2;

        memmove(l->e, l->e + drop, (l->n - drop) * sizeof(*l->e));
        l->n -= drop;
    }
}

static void
plist_add(struct cluster_index *ci, struct hmap *m, uint64_t key, uint64_t ref)
{
    struct plist *l = plist_get(ci, m, key, 1);

    if (l->n >= PLIST_KEEP)
        plist_compact(ci, l);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        if (l->cap > PLIST_KEEP)
            l->cap = PLIST_KEEP;
        l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
    }
    l->e[l->n++] = ref;
}

/* Free a list whose every posting is dead (called on expiry of its last live entry). */
static void
plist_maybe_free(struct cluster_index *ci, struct hmap *m, uint64_t key)
{
    uint64_t *v = hmap_get(m, key);
    struct plist *l;

    if (!v)
        return;
    l = &ci->lists[*v];
    /* Lists fill in arrival order and empty in about the same order: while
     * the newest posting is live, the list is kept without a scan. */
    if (l->n && ref_art(ci, l->e[l->n - 1]))
        return;
    for (uint32_t i = 0; i < l->n; i++)
        if (ref_art(ci, l->e[i]))
            return;
    free(l->e);
    memset(l, 0, sizeof(*l));
    ALLOC_GROW(ci->free_lists, ci->nfree_lists + 1, ci->cfree_lists);
    ci->free_lists[ci->nfree_lists++] = (uint32_t)*v;
    hmap_del(m, key, NULL);
}

/* ---- index life ---- */

struct cluster_index *
cluster_index_new(const struct cluster_params *p, struct gz_err *err)
{
    struct cluster_index *ci;
    struct cluster_params d;

    if (!p) {
        cluster_params_default(&d);
        p = &d;
    }
    if (p->window <= 0 || !(p->title_boost >= 1) || !(p->phrase_boost >= 0) ||
        !(p->join > 0 && p->join <= 1) || !(p->merge > 0 && p->merge <= 1) ||
        !(p->related >= 0 && p->related <= 1) || !(p->refine >= -1 && p->refine <= 1) ||
        !(p->dup_jaccard > 0 && p->dup_jaccard <= 1) || !(p->time_scale > 0) ||
        !(p->time_penalty >= 0) || !(p->time_grace >= 0)) {
        gz_errf(err, GZ_EINVAL, "cluster parameter out of range");
        return NULL;
    }
    ci = xcalloc(1, sizeof(*ci));
    ci->p = *p;
    ci->st = text_stemmer_new();
    ci->arena = arena_new();
    text_df_init(&ci->df);
    hmap_init(&ci->by_id, 1024);
    hmap_init(&ci->by_label, 1024);
    hmap_init(&ci->redirects, 16);
    hmap_init(&ci->by_hash, 1024);
    hmap_init(&ci->feat_lists, 4096);
    hmap_init(&ci->band_lists, 4096);
    hmap_init(&ci->hours, 256);
    return ci;
}

static void
story_release(struct story *s)
{
    free(s->mem);
    free(s->cen);
    free(s->redir);
    memset(s, 0, sizeof(*s));
}

static void
art_release(struct art *a)
{
    uint32_t gen = a->gen;

    free(a->vec); /* the article's one block (cluster_insert()) */
    memset(a, 0, sizeof(*a));
    a->gen = gen + 1;
}

void
cluster_index_free(struct cluster_index *ci)
{
    if (!ci)
        return;
    for (size_t i = 0; i < ci->narts; i++)
        art_release(&ci->arts[i]);
    for (size_t i = 0; i < ci->nstories; i++)
        story_release(&ci->stories[i]);
    for (size_t i = 0; i < ci->nlists; i++)
        free(ci->lists[i].e);
    free(ci->arts);
    free(ci->slots);
    free(ci->free_arts);
    free(ci->stories);
    free(ci->free_stories);
    free(ci->lists);
    free(ci->free_lists);
    free(ci->queue);
    free(ci->prep.vec);
    free(ci->prep.df);
    free(ci->acc);
    free(ci->touched);
    free(ci->tmp);
    hmap_release(&ci->by_id);
    hmap_release(&ci->by_label);
    hmap_release(&ci->redirects);
    hmap_release(&ci->by_hash);
    hmap_release(&ci->feat_lists);
    hmap_release(&ci->band_lists);
    hmap_release(&ci->hours);
    text_df_release(&ci->df);
    arena_free(ci->arena);
    text_stemmer_free(ci->st);
    free(ci);
}

void
cluster_on_expire(struct cluster_index *ci, cluster_expire_fn fn, void *ctx)
{
    ci->on_expire = fn;
    ci->on_expire_ctx = ctx;
}

int64_t
cluster_clock(const struct cluster_index *ci)
{
    return ci->clock;
}

size_t
cluster_size(const struct cluster_index *ci, size_t *stories)
{
    if (stories)
        *stories = ci->live_stories;
    return ci->live_arts;
}

/* ---- analysis ---- */

/* The time an article counts at: its own, or the clock for an unknown one. */
static int64_t
eff_time(const struct cluster_index *ci, int64_t t)
{
    return t ? t : ci->clock;
}

/* Length of the lead: at most CLUSTER_LEAD_BYTES, cut at a space when there is one. */
static size_t
lead_len(const char *text, size_t len)
{
    size_t n;

    if (len <= CLUSTER_LEAD_BYTES)
        return len;
    n = str_utf8_cut(text, len, CLUSTER_LEAD_BYTES);
    for (size_t k = n; k > CLUSTER_LEAD_BYTES / 2; k--)
        if (text[k - 1] == ' ' || text[k - 1] == '\n')
            return k;
    return n;
}

/* The language doc is read in: its own, else the window's usual one, else params.lang_default. */
static const char *
doc_lang(struct cluster_index *ci, const struct cluster_doc *doc)
{
    char norm[TEXT_LANG_MAX];
    size_t n, best = 0, bn = 0;

    if (doc->lang && *doc->lang && *text_lang_norm(doc->lang, norm) && text_stem_supported(norm)) {
        memcpy(ci->langs[ci->nlangs++ % LANG_RING], norm, TEXT_LANG_MAX);
        if (ci->nlangs % 16 != 1)
            return doc->lang;
        n = ci->nlangs < LANG_RING ? ci->nlangs : LANG_RING;
    } else if (doc->lang && *doc->lang) {
        return doc->lang; /* known, without a stemmer */
    } else {
        if (*ci->lang_guess)
            return ci->lang_guess;
        return ci->p.lang_default && *ci->p.lang_default ? ci->p.lang_default : NULL;
    }
    /* the most frequent (ties: the first met), counted over the few
     * distinct codes rather than every pair */
    {
        size_t first[LANG_RING], count[LANG_RING], nd = 0;

        for (size_t i = 0; i < n; i++) {
            size_t d = 0;

            while (d < nd && strcmp(ci->langs[first[d]], ci->langs[i]))
                d++;
            if (d == nd) {
                first[nd] = i;
                count[nd++] = 0;
            }
            count[d]++;
        }
        for (size_t d = 0; d < nd; d++) {
            if (count[d] > bn) {
                bn = count[d];
                best = first[d];
            }
        }
    }
    memcpy(ci->lang_guess, ci->langs[best], TEXT_LANG_MAX);
    return doc->lang;
}

static void
prep_doc(struct cluster_index *ci, const struct cluster_doc *doc, struct prep *pr)
{
    struct text_doc td;
    const char *text = doc->text ? doc->text : "";
    size_t text_len = doc->text ? doc->text_len : 0;
    const char *title = doc->title ? doc->title : "";
    size_t title_len = doc->title ? doc->title_len : 0;
    size_t ll = lead_len(text, text_len), nf;
    double tb = ci->p.title_boost;
    unsigned char h[TEXT_CONTENT_HASH_LEN];

    arena_reset(ci->arena);
    if (title_len > CLUSTER_TITLE_MAX)
        title_len = str_utf8_cut(title, title_len, CLUSTER_TITLE_MAX);
    text_analyze(ci->st, ci->arena, title, title_len, text, ll, doc_lang(ci, doc), 0, &td);

    nf = td.nterms + td.nphrases;
    ALLOC_GROW(pr->vec, nf + 1, pr->cvec);
    ALLOC_GROW(pr->df, nf + 1, pr->cdf);
    pr->nvec = 0;
    pr->ndf = 0;
    for (size_t i = 0; i < td.nterms; i++)
        hmap_prefetch(&ci->df.map, td.terms[i].id);
    for (size_t i = 0; i < td.nterms; i++) {
        const struct text_term *t = &td.terms[i];
        double c = t->count + (tb - 1) * t->title_count;

        pr->df[pr->ndf++] = t->id;
        pr->vec[pr->nvec].id = t->id;
        pr->vec[pr->nvec].tf = (float)(1 + log(c));
        pr->vec[pr->nvec].w = (float)(pr->vec[pr->nvec].tf * text_df_idf(&ci->df, t->id));
        pr->nvec++;
    }
    if (ci->p.phrase_boost > 0) {
        for (size_t i = 0; i < td.nphrases; i++) {
            const struct text_phrase *ph = &td.phrases[i];
            double c = ph->count + (tb - 1) * ph->title_count;
            uint64_t id = hash_combine(ph->id, PHRASE_SALT);

            pr->df[pr->ndf++] = id;
            pr->vec[pr->nvec].id = id;
            pr->vec[pr->nvec].tf = (float)(ci->p.phrase_boost * (1 + log(c)));
            pr->vec[pr->nvec].w = (float)(pr->vec[pr->nvec].tf * text_df_idf(&ci->df, id));
            pr->nvec++;
        }
    }
    /* Keep the heaviest CLUSTER_VEC_TERMS, then order by id (and add up
     * the rare phrase id that equals a term id). */
    if (pr->nvec > CLUSTER_VEC_TERMS) {
        select_heaviest(pr->vec, pr->nvec, CLUSTER_VEC_TERMS);
        pr->nvec = CLUSTER_VEC_TERMS;
    }
    sort_by_id(pr->vec, pr->nvec);
    {
        uint32_t k = 0;

        for (uint32_t i = 0; i < pr->nvec; i++) {
            if (k && pr->vec[k - 1].id == pr->vec[i].id) {
                pr->vec[k - 1].w += pr->vec[i].w;
                pr->vec[k - 1].tf += pr->vec[i].tf;
            } else
                pr->vec[k++] = pr->vec[i];
        }
        pr->nvec = k;
    }
    {
        double nn = norm(pr->vec, pr->nvec);

        if (nn > 0)
            for (uint32_t i = 0; i < pr->nvec; i++)
                pr->vec[i].w = (float)(pr->vec[i].w / nn);
    }
    /* pr->df holds distinct ids: text_analyze() gives distinct term ids and
     * distinct phrase ids, and the salt keeps the two kinds apart. */

    /* near-duplicate signature and content hash, in one pass over the
     * text that starts from the analysis of its lead */
    text_minhash_init(&pr->mh);
    pr->chash = 0;
    if (doc->minhash) {
        pr->mh = *doc->minhash;
        pr->has_mh = pr->mh.n >= DUP_MIN_SHINGLES;
        if (pr->has_mh && !doc->content_hash)
            text_content_hash(text, text_len, h);
    } else {
        text_dup_sigs(&pr->mh, doc->content_hash ? NULL : h, &td, text, text_len,
                      str_utf8_cut(text, text_len, CLUSTER_DUP_BYTES), TEXT_SHINGLE);
        pr->has_mh = pr->mh.n >= DUP_MIN_SHINGLES;
    }
    if (pr->has_mh) {
        if (doc->content_hash)
            memcpy(h, doc->content_hash, sizeof(h));
        memcpy(&pr->chash, h, sizeof(pr->chash));
        if (!pr->chash)
            pr->chash = 1;
    }
    pr->id = doc->id;
    pr->time = doc->time;
    pr->title = doc->title;
    pr->text = doc->text;
    pr->title_len = doc->title_len;
    pr->text_len = doc->text_len;
    pr->valid = 1;
}

/* ---- stories ---- */

static uint64_t
hour_of(int64_t t)
{
    return (uint64_t)(t >= 0 ? t / 3600 : (t - 3599) / 3600);
}

/* Count story s (by its last update) in the hour buckets (d = 1) or take it out (d = -1). */
static void
hours_note(struct cluster_index *ci, const struct story *s, int d)
{
    uint64_t *v;

    if (d > 0) {
        (*hmap_put(&ci->hours, hour_of(s->last), NULL))++;
    } else if ((v = hmap_get(&ci->hours, hour_of(s->last)))) {
        if (*v <= 1)
            hmap_del(&ci->hours, hour_of(s->last), NULL);
        else
            (*v)--;
    }
}

/* Live stories last updated within time_grace of t (at least 1). */
static double
stories_near(const struct cluster_index *ci, int64_t t)
{
    int64_t g = (int64_t)(ci->p.time_grace / 3600);
    uint64_t h = hour_of(t), n = 0;

    for (int64_t k = -g; k <= g; k++) {
        uint64_t *v = hmap_get(&ci->hours, h + (uint64_t)k);

        if (v)
            n += *v;
    }
    return n ? (double)n : 1;
}

/* The join (or merge) threshold for an article at time t: the more
 * stories run at the same time, the more evidence a match needs. */
static double
threshold(const struct cluster_index *ci, double base, int64_t t)
{
    return base + ci->p.density * log(stories_near(ci, t));
}

static void
ensure_scratch(struct cluster_index *ci)
{
    if (ci->cacc < ci->cstories) {
        ci->acc = xrealloc(ci->acc, ci->cstories * sizeof(*ci->acc));
        memset(ci->acc + ci->cacc, 0, (ci->cstories - ci->cacc) * sizeof(*ci->acc));
        ci->cacc = ci->cstories;
    }
}

/* Add (sign 1) or subtract (sign -1) v into the story's centroid sum. */
static void
cen_update(struct cluster_index *ci, struct story *s, const struct feat *v, size_t nv, int sign)
{
    size_t i = 0, j = 0, k = 0, need = s->ncen + nv;

    ALLOC_GROW(ci->tmp, need + 1, ci->ctmp);
    while (i < s->ncen || j < nv) {
        if (j >= nv || (i < s->ncen && s->cen[i].id < v[j].id)) {
            ci->tmp[k++] = s->cen[i++];
        } else if (i >= s->ncen || v[j].id < s->cen[i].id) {
            if (sign > 0)
                ci->tmp[k++] = v[j];
            j++;
        } else {
            float w = s->cen[i].w + (float)sign * v[j].w;

            if (w > 1e-6f) {
                ci->tmp[k].id = s->cen[i].id;
                ci->tmp[k].tf = 0;
                ci->tmp[k++].w = w;
            }
            i++;
            j++;
        }
    }
    /* Bound the centroid of a very large story: keep its heaviest entries. */
    if (k > 2048) {
        qsort(ci->tmp, k, sizeof(*ci->tmp), cmp_feat_w_desc);
        k = 1024;
        qsort(ci->tmp, k, sizeof(*ci->tmp), cmp_feat_id);
    }
    ALLOC_GROW(s->cen, k + 1, s->ccen);
    memcpy(s->cen, ci->tmp, k * sizeof(*s->cen));
    s->ncen = (uint32_t)k;
    s->cnorm = norm(s->cen, s->ncen);
}

static void
story_times(struct cluster_index *ci, struct story *s)
{
    hours_note(ci, s, -1);
    s->first = s->last = 0;
    for (uint32_t i = 0; i < s->nmem; i++) {
        const struct art *a = &ci->arts[s->mem[i]];

        if (!i || a->time < s->first)
            s->first = a->time;
        if (!i || a->time > s->last)
            s->last = a->time;
    }
    if (s->nmem)
        hours_note(ci, s, 1);
}

static uint32_t
story_new(struct cluster_index *ci, int64_t label)
{
    uint32_t slot;

    if (ci->nfree_stories) {
        slot = ci->free_stories[--ci->nfree_stories];
    } else {
        ALLOC_GROW(ci->stories, ci->nstories + 1, ci->cstories);
        slot = (uint32_t)ci->nstories++;
        memset(&ci->stories[slot], 0, sizeof(ci->stories[slot]));
    }
    ci->stories[slot].label = label;
    ci->stories[slot].live = 1;
    hmap_set(&ci->by_label, (uint64_t)label, slot);
    ci->live_stories++;
    ensure_scratch(ci);
    return slot;
}

static void
story_free(struct cluster_index *ci, uint32_t slot)
{
    struct story *s = &ci->stories[slot];

    hmap_del(&ci->by_label, (uint64_t)s->label, NULL);
    for (uint32_t i = 0; i < s->nredir; i++)
        hmap_del(&ci->redirects, (uint64_t)s->redir[i], NULL);
    story_release(s);
    ALLOC_GROW(ci->free_stories, ci->nfree_stories + 1, ci->cfree_stories);
    ci->free_stories[ci->nfree_stories++] = slot;
    ci->live_stories--;
}

static double
time_cost(const struct cluster_index *ci, int64_t t, int64_t first, int64_t last)
{
    int64_t d = 0;
    double x;

    if (t < first)
        d = first - t;
    else if (t > last)
        d = t - last;
    x = ((double)d - ci->p.time_grace) / ci->p.time_scale;
    return x > 0 ? ci->p.time_penalty * x : 0;
}

/* The time cost between two spans of time [af, al] and [bf, bl]. */
static double
span_cost(const struct cluster_index *ci, int64_t af, int64_t al, int64_t bf, int64_t bl)
{
    if (al < bf)
        return time_cost(ci, al, bf, bl);
    if (af > bl)
        return time_cost(ci, af, bf, bl);
    return 0;
}

/*
 * An article's vector as an open-addressing table, so that its dot
 * product with a stored vector is one probe per stored entry, with no
 * data-dependent merge: what scoring candidates does dozens of times.
 */
#define QUERY_BITS 7
#define QUERY_SLOTS (1u << QUERY_BITS)

struct query {
    uint64_t id[QUERY_SLOTS];
    float w[QUERY_SLOTS]; /* 0: empty slot */
    int zero;             /* some weight of v was 0 (stored as 1e-30): not exact */
};

static uint32_t
query_slot(uint64_t id)
{
    return (uint32_t)((id * 0x9e3779b97f4a7c15ULL) >> (64 - QUERY_BITS));
}

/* v[0..nv) (nv <= CLUSTER_VEC_TERMS, weights nonzero) into q. */
static void
query_init(struct query *q, const struct feat *v, size_t nv)
{
    memset(q->w, 0, sizeof(q->w));
    q->zero = 0;
    for (size_t i = 0; i < nv; i++) {
        uint32_t h = query_slot(v[i].id);

        while (q->w[h] != 0)
            h = (h + 1) & (QUERY_SLOTS - 1);
        q->id[h] = v[i].id;
        q->w[h] = v[i].w != 0 ? v[i].w : 1e-30f;
        q->zero |= v[i].w == 0;
    }
}

static double
query_dot(const struct query *q, const struct feat *v, size_t nv)
{
    double s = 0;

    for (size_t i = 0; i < nv; i++) {
        uint32_t h = query_slot(v[i].id);

        while (q->w[h] != 0) {
            if (q->id[h] == v[i].id) {
                s += (double)q->w[h] * v[i].w;
                break;
            }
            h = (h + 1) & (QUERY_SLOTS - 1);
        }
    }
    return s;
}

/*
 * How well the vector v of an article at time t fits story s: the mean
 * cosine with its members, blended with the best cosine among its
 * MEMBER_SCAN most recent members.  A story of at most MEMBER_SCAN
 * members has both from its members' dot products; a larger one takes
 * the mean from the members' sum (vectors have unit norm, so the dot
 * product with the sum over their number is the mean).  q is v as a query.
 */
static double
story_score(struct cluster_index *ci, const struct query *q, const struct feat *v, size_t nv,
            int64_t t, const struct story *s)
{
    uint32_t from = s->nmem > MEMBER_SCAN ? s->nmem - MEMBER_SCAN : 0;
    double sum = 0, mx = 0, mean;

    for (uint32_t i = from; i < s->nmem; i++) {
        const struct art *m = &ci->arts[s->mem[i]];
        double d = query_dot(q, m->vec, m->nvec);

        sum += d;
        if (d > mx)
            mx = d;
    }
    if (!s->nmem)
        mean = 0;
    else if (from == 0)
        mean = sum / s->nmem;
    else if (!q->zero && s->ncen <= 8 * nv)
        mean = query_dot(q, s->cen, s->ncen) / s->nmem; /* what dot() sums, in its order */
    else
        mean = dot(v, nv, s->cen, s->ncen) / s->nmem;
    return (1 - ci->p.max_weight) * mean + ci->p.max_weight * mx -
           time_cost(ci, t, s->first, s->last);
}

/* The n heaviest features of v (n <= CLUSTER_INDEX_TERMS) into out, heaviest first. */
static size_t
top_feats(const struct feat *v, size_t nv, struct feat out[CLUSTER_INDEX_TERMS])
{
    size_t n = 0;

    /* insertion into a small sorted array: nv is at most CLUSTER_VEC_TERMS */
    for (size_t i = 0; i < nv; i++) {
        size_t k;

        if (n == CLUSTER_INDEX_TERMS && cmp_feat_w_desc(&v[i], &out[n - 1]) >= 0)
            continue;
        k = n < CLUSTER_INDEX_TERMS ? n++ : n - 1;
        while (k > 0 && cmp_feat_w_desc(&v[i], &out[k - 1]) < 0) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = v[i];
    }
    return n;
}

/*
 * Candidate stories for the vector v: stories whose members share its
 * heaviest features, ranked by the summed weight of what they share.
 * Writes at most max story slots into out; skips story slot `skip`
 * (UINT32_MAX: none).
 */
static size_t
candidates(struct cluster_index *ci, const struct feat *v, size_t nv, uint32_t skip, uint32_t *out,
           float *wout, size_t max)
{
    struct feat top[CLUSTER_INDEX_TERMS];
    size_t nt = top_feats(v, nv, top), n = 0;
    double stop = ci->df.ndocs >= 50 ? CLUSTER_DF_STOP * (double)ci->df.ndocs : 1e300;
    float wbest[NCAND_RELATED];

    assert(max <= NCAND_RELATED);
    if (!max)
        return 0;

    ensure_scratch(ci);
    ci->ntouched = 0;
    for (size_t i = 0; i < nt; i++) {
        hmap_prefetch(&ci->feat_lists, top[i].id);
        hmap_prefetch(&ci->df.map, top[i].id);
    }
    for (size_t i = 0; i < nt; i++) {
        struct plist *l = plist_get(ci, &ci->feat_lists, top[i].id, 0);
        uint32_t from;

        if (!l || (double)text_df_get(&ci->df, top[i].id) > stop)
            continue;
        from = l->n > CLUSTER_POSTINGS ? l->n - CLUSTER_POSTINGS : 0;
        for (uint32_t j = from; j < l->n; j++) {
            uint32_t slot = (uint32_t)l->e[j], st;

            if (ci->slots[slot].ref != l->e[j] || (st = ci->slots[slot].story) == skip)
                continue;
            if (ci->acc[st] == 0) {
                ALLOC_GROW(ci->touched, ci->ntouched + 1, ci->ctouched);
                ci->touched[ci->ntouched++] = st;
            }
            ci->acc[st] += top[i].w;
        }
    }
    /* the max best by accumulated weight (ties: lower slot), in one pass:
     * insertion into the sorted best-so-far; the order is total, so this
     * picks and ranks what a full sort would */
    for (size_t j = 0; j < ci->ntouched; j++) {
        uint32_t st = ci->touched[j];
        float w = ci->acc[st];
        size_t k;

        if (n == max && (w < wbest[n - 1] || (w == wbest[n - 1] && st > out[n - 1])))
            continue;
        k = n < max ? n++ : n - 1;
        while (k > 0 && (w > wbest[k - 1] || (w == wbest[k - 1] && st < out[k - 1]))) {
            out[k] = out[k - 1];
            wbest[k] = wbest[k - 1];
            k--;
        }
        out[k] = st;
        wbest[k] = w;
    }
    if (wout)
        memcpy(wout, wbest, n * sizeof(*wout));
    for (size_t j = 0; j < ci->ntouched; j++)
        ci->acc[ci->touched[j]] = 0;
    ci->ntouched = 0;
    return n;
}

/* ---- near duplicates ---- */

static void
sig_trunc(const struct text_minhash *m, uint32_t out[TEXT_MINHASH_K])
{
    for (size_t i = 0; i < TEXT_MINHASH_K; i++)
        out[i] = (uint32_t)(m->v[i] >> 32);
}

static void
sig_bands(const uint32_t sig[TEXT_MINHASH_K], uint64_t keys[TEXT_LSH_BANDS])
{
    for (size_t b = 0; b < TEXT_LSH_BANDS; b++)
        keys[b] =
            hash64(sig + b * TEXT_LSH_ROWS, TEXT_LSH_ROWS * sizeof(uint32_t), 0x6c7368ULL + b);
}

static double
sig_jaccard(const uint32_t *a, const uint32_t *b)
{
    size_t same = 0;

    for (size_t i = 0; i < TEXT_MINHASH_K; i++)
        same += a[i] == b[i];
    return (double)same / TEXT_MINHASH_K;
}

/* The best near copy of the prepared document, or NULL. */
static struct art *
near_dup(struct cluster_index *ci, const struct prep *pr, double *jac)
{
    uint32_t sig[TEXT_MINHASH_K];
    uint64_t keys[TEXT_LSH_BANDS];
    struct art *best = NULL;
    double bj = 0;

    sig_trunc(&pr->mh, sig);
    sig_bands(sig, keys);
    for (size_t b = 0; b < TEXT_LSH_BANDS; b++) {
        struct plist *l = plist_get(ci, &ci->band_lists, keys[b], 0);

        if (!l)
            continue;
        for (uint32_t j = 0; j < l->n; j++) {
            struct art *a = ref_art(ci, l->e[j]);
            double J;

            if (!a || !a->mh)
                continue;
            J = sig_jaccard(sig, a->mh);
            if (J > bj || (J == bj && best && a->id < best->id)) {
                bj = J;
                best = a;
            }
        }
    }
    *jac = bj;
    return bj >= ci->p.dup_jaccard ? best : NULL;
}

/* ---- assign ---- */

static int
prep_matches(const struct prep *pr, const struct cluster_doc *doc)
{
    return pr->valid && pr->id == doc->id && pr->time == doc->time && pr->title == doc->title &&
           pr->text == doc->text && pr->title_len == doc->title_len &&
           pr->text_len == doc->text_len;
}

static int64_t
dup_root(const struct art *a)
{
    return a->dup_of ? a->dup_of : a->id;
}

int
cluster_assign(struct cluster_index *ci, const struct cluster_doc *doc, struct cluster_result *res,
               struct gz_err *err)
{
    struct prep *pr = &ci->prep;
    uint32_t cand[NCAND];
    float candw[NCAND];
    struct query q;
    size_t nc;
    int64_t t;
    uint32_t b1 = UINT32_MAX, b2 = UINT32_MAX;
    double s1 = -1, s2 = -1, join;

    memset(res, 0, sizeof(*res));
    if (!doc->id)
        return gz_errf(err, GZ_EINVAL, "article id 0");
    if (hmap_get(&ci->by_id, (uint64_t)doc->id))
        return gz_errf(err, GZ_EEXIST, "article %lld already clustered", (long long)doc->id);
    if (!prep_matches(pr, doc))
        prep_doc(ci, doc, pr);
    t = eff_time(ci, doc->time);

    if (pr->chash) {
        uint64_t *v = hmap_get(&ci->by_hash, pr->chash);
        struct art *a = v ? ref_art(ci, *v) : NULL;

        if (a) {
            res->dup_of = dup_root(a);
            res->story = ci->stories[a->story].label;
            res->why = CLUSTER_EXACT;
            res->score = 1;
            return 0;
        }
    }
    if (pr->has_mh) {
        double J;
        struct art *a = near_dup(ci, pr, &J);

        if (a) {
            res->dup_of = dup_root(a);
            res->story = ci->stories[a->story].label;
            res->why = CLUSTER_NEAR;
            res->score = J;
            return 0;
        }
    }

    nc = candidates(ci, pr->vec, pr->nvec, UINT32_MAX, cand, candw, NCAND);
    /* start loading the vectors story_score() reads, all candidates at once */
    for (size_t i = 0; i < nc && candw[i] >= CAND_PRUNE * candw[0]; i++) {
        const struct story *s = &ci->stories[cand[i]];

        for (uint32_t j = s->nmem > MEMBER_SCAN ? s->nmem - MEMBER_SCAN : 0; j < s->nmem; j++)
            __builtin_prefetch(ci->arts[s->mem[j]].vec);
    }
    if (nc)
        query_init(&q, pr->vec, pr->nvec);
    for (size_t i = 0; i < nc; i++) {
        double s;

        /* shares too little of what the best candidate shares to matter */
        if (candw[i] < CAND_PRUNE * candw[0])
            break;
        s = story_score(ci, &q, pr->vec, pr->nvec, t, &ci->stories[cand[i]]);

        if (s > s1 || (s == s1 && cand[i] < b1)) {
            s2 = s1;
            b2 = b1;
            s1 = s;
            b1 = cand[i];
        } else if (s > s2 || (s == s2 && cand[i] < b2)) {
            s2 = s;
            b2 = cand[i];
        }
    }
    join = threshold(ci, ci->p.join, t);
    if (b1 == UINT32_MAX || s1 < join)
        return 0;
    res->story = ci->stories[b1].label;
    res->why = CLUSTER_JOIN;
    res->score = s1;
    if (b2 != UINT32_MAX && s2 >= join && s2 >= threshold(ci, ci->p.merge, t)) {
        /* Does the article bridge two stories?  Compare story b2 with b1 plus the article. */
        const struct story *x = &ci->stories[b1], *y = &ci->stories[b2];
        double xa = dot(pr->vec, pr->nvec, x->cen, x->ncen);
        double ya = dot(pr->vec, pr->nvec, y->cen, y->ncen);
        double xy = dot(x->cen, x->ncen, y->cen, y->ncen);
        double nx = sqrt(x->cnorm * x->cnorm + 2 * xa + 1);
        double sim = (nx > 0 && y->cnorm > 0) ? (xy + ya) / (nx * y->cnorm) : 0;

        sim -= span_cost(ci, x->first < t ? x->first : t, x->last > t ? x->last : t, y->first,
                         y->last);
        if (sim >= threshold(ci, ci->p.merge, t)) {
            const struct story *keep = x, *drop = y;

            if (y->nmem > x->nmem ||
                (y->nmem == x->nmem &&
                 (y->first < x->first || (y->first == x->first && y->label < x->label)))) {
                keep = y;
                drop = x;
            }
            res->merge_from = drop->label;
            res->merge_into = keep->label;
            res->story = keep->label;
        }
    }
    return 0;
}

/* ---- re-weighting ---- */

/*
 * Vectors are weighted with the document frequencies of the moment they
 * arrive, which are poor while the index is young.  Each time the number
 * of documents doubles (up to REWEIGHT_MAX), every vector is weighted
 * again with the current idf and the centroids are summed again: O(1)
 * amortized per article, and nothing at all once the index is warm.
 */
#define REWEIGHT_MAX 16384

static void
reweight(struct cluster_index *ci)
{
    for (size_t i = 0; i < ci->narts; i++) {
        struct art *a = &ci->arts[i];
        double nn = 0;

        if (!a->live)
            continue;
        for (uint32_t j = 0; j < a->nvec; j++) {
            a->vec[j].w = (float)(a->vec[j].tf * text_df_idf(&ci->df, a->vec[j].id));
            nn += (double)a->vec[j].w * a->vec[j].w;
        }
        nn = sqrt(nn);
        if (nn > 0)
            for (uint32_t j = 0; j < a->nvec; j++)
                a->vec[j].w = (float)(a->vec[j].w / nn);
    }
    for (size_t i = 0; i < ci->nstories; i++) {
        struct story *s = &ci->stories[i];

        if (!s->live)
            continue;
        s->ncen = 0;
        for (uint32_t j = 0; j < s->nmem; j++) {
            const struct art *a = &ci->arts[s->mem[j]];

            cen_update(ci, s, a->vec, a->nvec, 1);
        }
    }
    ci->weighted_at = ci->df.ndocs;
}

/* ---- insert and expiry ---- */

static void
art_index(struct cluster_index *ci, uint32_t slot, int add)
{
    struct art *a = &ci->arts[slot];
    struct feat top[CLUSTER_INDEX_TERMS];
    size_t nt = top_feats(a->vec, a->nvec, top);
    uint64_t ref = ref_of(slot, a->gen);

    for (size_t i = 0; i < nt; i++)
        hmap_prefetch(&ci->feat_lists, top[i].id);
    for (size_t i = 0; i < nt; i++) {
        if (add)
            plist_add(ci, &ci->feat_lists, top[i].id, ref);
        else
            plist_maybe_free(ci, &ci->feat_lists, top[i].id);
    }
    if (a->mh) {
        uint64_t keys[TEXT_LSH_BANDS];

        sig_bands(a->mh, keys);
        for (size_t b = 0; b < TEXT_LSH_BANDS; b++) {
            if (add)
                plist_add(ci, &ci->band_lists, keys[b], ref);
            else
                plist_maybe_free(ci, &ci->band_lists, keys[b]);
        }
    }
}

static void
story_remove_member(struct cluster_index *ci, struct story *s, uint32_t slot)
{
    const struct art *a = &ci->arts[slot];

    for (uint32_t i = 0; i < s->nmem; i++) {
        if (s->mem[i] == slot) {
            memmove(s->mem + i, s->mem + i + 1, (s->nmem - i - 1) * sizeof(*s->mem));
            s->nmem--;
            break;
        }
    }
    cen_update(ci, s, a->vec, a->nvec, -1);
    story_times(ci, s);
}

static void
art_remove(struct cluster_index *ci, uint32_t slot)
{
    struct art *a = &ci->arts[slot];
    uint32_t ss = a->story;
    uint64_t *v;

    text_df_remove(&ci->df, a->df, a->ndf);
    story_remove_member(ci, &ci->stories[ss], slot);
    if (a->chash && (v = hmap_get(&ci->by_hash, a->chash)) && *v == ref_of(slot, a->gen))
        hmap_del(&ci->by_hash, a->chash, NULL);
    hmap_del(&ci->by_id, (uint64_t)a->id, NULL);
    /* Free the lists it was the last live entry of: with its generation
     * moved on, its own postings read as dead. */
    ci->slots[slot].ref = UINT64_MAX; /* its postings read as dead from here on */
    art_index(ci, slot, 0);
    art_release(a);
    ALLOC_GROW(ci->free_arts, ci->nfree_arts + 1, ci->cfree_arts);
    ci->free_arts[ci->nfree_arts++] = slot;
    ci->live_arts--;
    if (ci->stories[ss].nmem == 0)
        story_free(ci, ss);
}

/* Expire the articles the clock has left behind (and `extra`, a slot, if old). */
static void
expire(struct cluster_index *ci, uint32_t extra)
{
    int64_t cutoff = ci->clock - ci->p.window;
    uint64_t *gone = NULL;
    size_t ngone = 0, cgone = 0;

    while (ci->qlen) {
        uint64_t ref = ci->queue[ci->qhead];
        struct art *a = ref_art(ci, ref);

        if (a && a->time >= cutoff)
            break;
        if (a) {
            ALLOC_GROW(gone, ngone + 1, cgone);
            gone[ngone++] = ref;
        }
        ci->qhead++;
        ci->qlen--;
    }
    if (extra != UINT32_MAX && ci->arts[extra].live && ci->arts[extra].time < cutoff) {
        ALLOC_GROW(gone, ngone + 1, cgone);
        gone[ngone++] = ref_of(extra, ci->arts[extra].gen);
    }
    if (ci->qhead > 1024 && ci->qhead > ci->qlen) {
        memmove(ci->queue, ci->queue + ci->qhead, ci->qlen * sizeof(*ci->queue));
        ci->qhead = 0;
    }
    if (ci->on_expire)
        for (size_t i = 0; i < ngone; i++)
            ci->on_expire(ci->arts[(uint32_t)gone[i]].id, ci->on_expire_ctx);
    for (size_t i = 0; i < ngone; i++)
        if (ref_art(ci, gone[i]))
            art_remove(ci, (uint32_t)gone[i]);
    free(gone);
}

int
cluster_insert(struct cluster_index *ci, const struct cluster_doc *doc, int64_t label,
               int64_t dup_of, struct gz_err *err)
{
    struct prep *pr = &ci->prep;
    uint32_t slot, ss;
    struct art *a;
    struct story *s;
    uint64_t *sv;

    if (!doc->id)
        return gz_errf(err, GZ_EINVAL, "article id 0");
    if (!label)
        return gz_errf(err, GZ_EINVAL, "story label 0");
    if (hmap_get(&ci->by_id, (uint64_t)doc->id))
        return gz_errf(err, GZ_EEXIST, "article %lld already clustered", (long long)doc->id);
    if (!prep_matches(pr, doc))
        prep_doc(ci, doc, pr);

    if (doc->time) {
        if (!ci->has_clock) {
            ci->clock = doc->time;
            ci->has_clock = 1;
        } else if (doc->time > ci->clock) {
            ci->clock =
                doc->time - ci->clock > CLUSTER_MAX_JUMP ? ci->clock + CLUSTER_MAX_JUMP : doc->time;
        }
    }

    if (ci->nfree_arts) {
        slot = ci->free_arts[--ci->nfree_arts];
    } else {
        ALLOC_GROW(ci->arts, ci->narts + 1, ci->carts);
        ALLOC_GROW(ci->slots, ci->narts + 1, ci->cslots);
        slot = (uint32_t)ci->narts++;
        memset(&ci->arts[slot], 0, sizeof(ci->arts[slot]));
        ci->slots[slot].ref = UINT64_MAX;
    }
    a = &ci->arts[slot];
    a->id = doc->id;
    a->time = eff_time(ci, doc->time);
    a->dup_of = dup_of == doc->id ? 0 : dup_of;
    a->fixed = doc->fixed != 0;
    a->source = doc->source;
    a->chash = pr->chash;
    a->live = 1;
    {
        /* one block per article: vector, df ids, signature, title */
        const char *ti = doc->title ? doc->title : "";
        size_t tl = doc->title ? doc->title_len : 0;
        size_t vb = pr->nvec * sizeof(*a->vec), db = pr->ndf * sizeof(*a->df);
        size_t mb = pr->has_mh ? TEXT_MINHASH_K * sizeof(*a->mh) : 0;
        char *blk;

        if (tl > CLUSTER_TITLE_MAX)
            tl = str_utf8_cut(ti, tl, CLUSTER_TITLE_MAX);
        blk = xmalloc(vb + db + mb + tl + 1);
        a->nvec = pr->nvec;
        a->vec = (struct feat *)blk;
        memcpy(a->vec, pr->vec, vb);
        a->ndf = pr->ndf;
        a->df = (uint64_t *)(blk + vb);
        memcpy(a->df, pr->df, db);
        if (pr->has_mh) {
            a->mh = (uint32_t *)(blk + vb + db);
            sig_trunc(&pr->mh, a->mh);
        }
        a->title = blk + vb + db + mb;
        memcpy(a->title, ti, tl);
        a->title[tl] = '\0';
    }
    hmap_set(&ci->by_id, (uint64_t)doc->id, slot);
    ci->live_arts++;
    text_df_add(&ci->df, a->df, a->ndf);

    label = resolve_label(ci, label);
    sv = hmap_get(&ci->by_label, (uint64_t)label);
    ss = sv ? (uint32_t)*sv : story_new(ci, label);
    a = &ci->arts[slot];
    a->story = ss;
    ci->slots[slot].ref = ref_of(slot, a->gen);
    ci->slots[slot].story = ss;
    s = &ci->stories[ss];
    ALLOC_GROW(s->mem, s->nmem + 1, s->cmem);
    s->mem[s->nmem++] = slot;
    cen_update(ci, s, a->vec, a->nvec, 1);
    if (s->nmem > 1)
        hours_note(ci, s, -1);
    if (s->nmem == 1 || a->time < s->first)
        s->first = a->time;
    if (s->nmem == 1 || a->time > s->last)
        s->last = a->time;
    hours_note(ci, s, 1);

    art_index(ci, slot, 1);
    if (a->chash) {
        int inserted;
        uint64_t *hv = hmap_put(&ci->by_hash, a->chash, &inserted);

        if (inserted || !ref_art(ci, *hv))
            *hv = ref_of(slot, a->gen);
    }
    ALLOC_GROW(ci->queue, ci->qhead + ci->qlen + 1, ci->qcap);
    ci->queue[ci->qhead + ci->qlen++] = ref_of(slot, a->gen);
    pr->valid = 0;
    expire(ci, slot);
    if (ci->df.ndocs >= 2 * ci->weighted_at && ci->weighted_at < REWEIGHT_MAX)
        reweight(ci);
    return 0;
}

int
cluster_merge(struct cluster_index *ci, int64_t from, int64_t into, struct gz_err *err)
{
    struct story *f = story_by_label(ci, from), *t = story_by_label(ci, into);
    uint32_t fs;

    if (!f || !t)
        return gz_errf(err, GZ_ENOTFOUND, "story %lld not in the index",
                       (long long)(f ? into : from));
    if (f == t)
        return gz_errf(err, GZ_EINVAL, "story %lld merged into itself", (long long)from);
    fs = (uint32_t)(f - ci->stories);
    for (uint32_t i = 0; i < f->nmem; i++) {
        struct art *a = &ci->arts[f->mem[i]];

        a->story = (uint32_t)(t - ci->stories);
        ci->slots[f->mem[i]].story = a->story;
        ALLOC_GROW(t->mem, t->nmem + 1, t->cmem);
        t->mem[t->nmem++] = f->mem[i];
        cen_update(ci, t, a->vec, a->nvec, 1);
    }
    story_times(ci, t);
    hmap_set(&ci->redirects, (uint64_t)f->label, (uint64_t)t->label);
    ALLOC_GROW(t->redir, t->nredir + f->nredir + 1, t->credir);
    t->redir[t->nredir++] = f->label;
    for (uint32_t i = 0; i < f->nredir; i++) {
        hmap_set(&ci->redirects, (uint64_t)f->redir[i], (uint64_t)t->label);
        t->redir[t->nredir++] = f->redir[i];
    }
    f->nredir = 0; /* now owned by t */
    hours_note(ci, f, -1);
    f->nmem = 0;
    story_free(ci, fs);
    return 0;
}

/* ---- refinement ---- */

/*
 * cluster_refine() re-clusters the whole window at once:
 *
 *  1. every vector is weighted again with the current idf;
 *  2. each article gets its REFINE_K nearest neighbours: candidates from
 *     an inverted index over all features but the commonest, the
 *     REFINE_EXACT best by partial score rescored exactly, similarity
 *     s = max(0, cosine - time cost);
 *  3. its density r is the mean s of its REFINE_DENSITY nearest ones;
 *  4. average-link agglomeration on the density-corrected similarity
 *     2 s(a, b) - r(a) - r(b) (cross-domain similarity local scaling):
 *     two groups A and B merge while
 *
 *         2 W(A, B) / (|A| |B|) - R(A) / |A| - R(B) / |B| >= params.refine
 *
 *     with W the sum of s over the neighbour pairs between them (a pair
 *     that is not a neighbour pair counts 0, as a cosine without a shared
 *     feature is) and R the sum of r over a group;
 *  5. each new group takes the label of the story most of its members
 *     had (one group per label, the largest overlaps first), or a new one.
 */
#define REFINE_K 16
#define REFINE_EXACT 48
#define REFINE_DENSITY 5
/* Neighbours whose vectors are added to an article's (pseudo-relevance feedback) ... */
#ifndef REFINE_PRF
#define REFINE_PRF 3
#endif
/* ... weighted this much times their similarity over REFINE_PRF. */
#ifndef REFINE_PRF_WEIGHT
#define REFINE_PRF_WEIGHT 0.6
#endif
/* Features in more than this share of the window (and more than 50 articles) are not looked up. */
#define REFINE_DF_STOP 0.2
/* ... nor in more than this many. */
#ifndef REFINE_DF_MAX
#define REFINE_DF_MAX 100
#endif

struct rcand {
    uint32_t j;
    float s;
    float raw; /* for the neighbours kept: s before the density correction */
};

static int
rcand_better(const struct rcand *x, const struct rcand *y)
{
    return x->s > y->s || (x->s == y->s && x->j < y->j);
}

/* Sift c[i] down a heap of n whose root is the worst. */
static void
rcand_sift(struct rcand *c, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, w = i;

        if (l < n && rcand_better(&c[w], &c[l]))
            w = l;
        if (l + 1 < n && rcand_better(&c[w], &c[l + 1]))
            w = l + 1;
        if (w == i)
            return;
        struct rcand t = c[i];

        c[i] = c[w];
        c[w] = t;
        i = w;
    }
}

/* Keep the best k of c[0..n) in c[0..k), best first: a heap of k, O(n log k). */
static size_t
rcand_top(struct rcand *c, size_t n, size_t k)
{
    if (k > n)
        k = n;
    if (!k)
        return 0;
    for (size_t i = k / 2; i-- > 0;)
        rcand_sift(c, k, i);
    for (size_t j = k; j < n; j++) {
        if (rcand_better(&c[j], &c[0])) {
            c[0] = c[j];
            rcand_sift(c, k, 0);
        }
    }
    /* heap sort: the worst goes last */
    for (size_t m = k; m > 1; m--) {
        struct rcand t = c[0];

        c[0] = c[m - 1];
        c[m - 1] = t;
        rcand_sift(c, m - 1, 0);
    }
    return k;
}

struct redge {
    double l; /* linkage */
    uint32_t a, b;
    uint32_t sa, sb; /* stamps of a and b when pushed */
};

static int
redge_above(const struct redge *x, const struct redge *y)
{
    if (x->l != y->l)
        return x->l > y->l;
    if (x->a != y->a)
        return x->a < y->a;
    return x->b < y->b;
}

struct rheap {
    struct redge *e;
    size_t n, cap;
};

static void
rheap_push(struct rheap *h, struct redge x)
{
    size_t i;

    ALLOC_GROW(h->e, h->n + 1, h->cap);
    i = h->n++;
    while (i > 0 && redge_above(&x, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static struct redge
rheap_pop(struct rheap *h)
{
    struct redge top = h->e[0], x = h->e[--h->n];
    size_t i = 0;

    for (;;) {
        size_t l = 2 * i + 1, b = i;
        const struct redge *bp = &x;

        if (l < h->n && redge_above(&h->e[l], bp)) {
            b = l;
            bp = &h->e[l];
        }
        if (l + 1 < h->n && redge_above(&h->e[l + 1], bp))
            b = l + 1;
        if (b == i)
            break;
        h->e[i] = h->e[b];
        i = b;
    }
    if (h->n)
        h->e[i] = x;
    return top;
}

static uint64_t
pair_key(uint32_t a, uint32_t b)
{
    return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

static double
u2d(uint64_t u)
{
    double d;

    memcpy(&d, &u, sizeof(d));
    return d;
}

static uint64_t
d2u(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof(u));
    return u;
}

struct rgroup {
    uint32_t size, stamp;
    int dead;
    double r;      /* sum of member densities */
    uint32_t *adj; /* neighbour groups (may hold dead or repeated ones) */
    uint32_t nadj, cadj;
};

#ifndef REFINE_PRIOR
#define REFINE_PRIOR 0.1
#endif

/*
 * An article's density: the mean similarity of its REFINE_DENSITY
 * nearest neighbours; in a window too small or too spread in time to
 * have that many, the missing ones count REFINE_PRIOR (about what the
 * fifth neighbour scores in a full window), not 0, or a lone weak link
 * would look strong there.
 */
static double
density(const struct rcand *nb, uint32_t n)
{
    double r = 0;

    for (uint32_t k = 0; k < REFINE_DENSITY; k++)
        r += k < n ? nb[k].s : REFINE_PRIOR;
    return r / REFINE_DENSITY;
}

#ifndef REFINE_FLOOR
#define REFINE_FLOOR 0.05
#endif

static double
linkage(const struct rgroup *g, uint32_t a, uint32_t b, double w)
{
    /* a link too weak in itself stays out, however sparse the neighbourhood */
    if (w / ((double)g[a].size * g[b].size) < REFINE_FLOOR)
        return -1e9;
    return 2 * w / ((double)g[a].size * g[b].size) - g[a].r / g[a].size - g[b].r / g[b].size;
}

/* out = a + c * b, for id-sorted vectors; returns out's length (at most na + nb). */
static size_t
feat_axpy(const struct feat *a, size_t na, double c, const struct feat *b, size_t nb,
          struct feat *out)
{
    size_t i = 0, j = 0, k = 0;

    while (i < na || j < nb) {
        if (j >= nb || (i < na && a[i].id < b[j].id)) {
            out[k++] = a[i++];
        } else if (i >= na || b[j].id < a[i].id) {
            out[k] = b[j++];
            out[k].w = (float)(c * out[k].w);
            k++;
        } else {
            out[k] = a[i];
            out[k].w = (float)(a[i].w + c * b[j].w);
            k++;
            i++;
            j++;
        }
    }
    return k;
}

/*
 * Score article i (vector v) against the candidates c[0..nc) (their .j
 * set): cosine with their vectors (xv + xoff[j] when xv, else their own),
 * less the time cost, at least 0; the REFINE_K best with s > 0 go to knn.
 */
static void
score_top(struct cluster_index *ci, const uint32_t *loc, size_t i, struct rcand *c, size_t nc,
          const struct feat *v, size_t nv, const struct feat *xv, const size_t *xoff,
          struct rcand *knn, uint32_t *nk)
{
    const struct art *a = &ci->arts[loc[i]];

    for (size_t t = 0; t < nc; t++) {
        const struct art *b = &ci->arts[loc[c[t].j]];
        double s = xv ? dot(v, nv, xv + xoff[c[t].j], xoff[c[t].j + 1] - xoff[c[t].j])
                      : dot(v, nv, b->vec, b->nvec);

        s -= time_cost(ci, a->time, b->time, b->time);
        c[t].s = s > 0 ? (float)s : 0;
    }
    nc = rcand_top(c, nc, REFINE_K);
    while (nc && c[nc - 1].s <= 0)
        nc--;
    memcpy(knn + i * REFINE_K, c, nc * sizeof(*c));
    nk[i] = (uint32_t)nc;
}

/* Nearest neighbours of every article of loc[0..n): knn[i * REFINE_K ...], nk[i] of them. */
static void
refine_neighbours(struct cluster_index *ci, const uint32_t *loc, size_t n, struct rcand *knn,
                  uint32_t *nk)
{
    struct hmap fl;
    uint32_t *off, *post, *cnt;
    size_t nfeat = 0, total = 0;
    uint64_t key;
    uint64_t val;
    size_t it = 0;
    float *acc = xcalloc(n + 1, sizeof(*acc));
    uint32_t *touched = xmalloc((n + 1) * sizeof(*touched));
    uint32_t *ex = xmalloc((n * REFINE_EXACT + 1) * sizeof(*ex)),
             *nex = xmalloc((n + 1) * sizeof(*nex));
    struct feat *xv = NULL;
    size_t *xoff = NULL;
    struct rcand *cand = xmalloc((n + 1) * sizeof(*cand));
    double stop = n > 50 ? REFINE_DF_STOP * (double)n : (double)n + 1;

    if (stop > REFINE_DF_MAX)
        stop = REFINE_DF_MAX;

    /* feature -> list of local indexes, ascending, by counting */
    hmap_init(&fl, 4096);
    for (size_t i = 0; i < n; i++) {
        const struct art *a = &ci->arts[loc[i]];

        for (uint32_t k = 0; k < a->nvec; k++)
            (*hmap_put(&fl, a->vec[k].id, NULL))++;
        total += a->nvec;
    }
    off = xmalloc((hmap_len(&fl) + 1) * sizeof(*off));
    cnt = xcalloc(hmap_len(&fl) + 1, sizeof(*cnt));
    post = xmalloc((total + 1) * sizeof(*post));
    {
        uint32_t o = 0;

        while (hmap_next(&fl, &it, &key, &val)) {
            uint32_t c = (uint32_t)val;

            off[nfeat] = o;
            o += c;
            *hmap_get(&fl, key) = (uint64_t)nfeat << 32 | c;
            nfeat++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct art *a = &ci->arts[loc[i]];

        for (uint32_t k = 0; k < a->nvec; k++) {
            uint32_t f = (uint32_t)(*hmap_get(&fl, a->vec[k].id) >> 32);

            post[off[f] + cnt[f]++] = (uint32_t)i;
        }
    }

    for (size_t i = 0; i < n; i++) {
        const struct art *a = &ci->arts[loc[i]];
        size_t nt = 0, nc;

        for (uint32_t k = 0; k < a->nvec; k++) {
            uint64_t v = *hmap_get(&fl, a->vec[k].id);
            uint32_t f = (uint32_t)(v >> 32), c = (uint32_t)v;
            float w = a->vec[k].w;

            if ((double)c > stop)
                continue;
            for (uint32_t p = 0; p < c; p++) {
                uint32_t j = post[off[f] + p];
                const struct art *b;

                if (j == i)
                    continue;
                b = &ci->arts[loc[j]];
                if (acc[j] == 0)
                    touched[nt++] = j;
                /* the exact weight of the feature in b comes with the rescoring */
                (void)b;
                acc[j] += w;
            }
        }
        for (size_t t = 0; t < nt; t++) {
            cand[t].j = touched[t];
            cand[t].s = acc[touched[t]];
            acc[touched[t]] = 0;
        }
        nc = rcand_top(cand, nt, REFINE_EXACT);
        for (size_t t = 0; t < nc; t++)
            ex[i * REFINE_EXACT + t] = cand[t].j;
        nex[i] = (uint32_t)nc;
        score_top(ci, loc, i, cand, nc, a->vec, a->nvec, NULL, NULL, knn, nk);
    }

    /* pseudo-relevance feedback: each vector plus its nearest neighbours' */
    {
        size_t cap = 0, used = 0;
        struct feat *t1 = xmalloc((CLUSTER_VEC_TERMS * (REFINE_PRF + 1) + 1) * sizeof(*t1));
        struct feat *t2 = xmalloc((CLUSTER_VEC_TERMS * (REFINE_PRF + 1) + 1) * sizeof(*t2));

        xoff = xmalloc((n + 1) * sizeof(*xoff));
        for (size_t i = 0; i < n; i++) {
            const struct art *a = &ci->arts[loc[i]];
            size_t len = a->nvec;
            double nn;

            memcpy(t1, a->vec, a->nvec * sizeof(*t1));
            for (uint32_t k = 0; k < nk[i] && k < REFINE_PRF; k++) {
                const struct rcand *c = &knn[i * REFINE_K + k];
                const struct art *b = &ci->arts[loc[c->j]];
                struct feat *sw;

                len =
                    feat_axpy(t1, len, REFINE_PRF_WEIGHT * c->s / REFINE_PRF, b->vec, b->nvec, t2);
                sw = t1;
                t1 = t2;
                t2 = sw;
            }
            nn = norm(t1, len);
            for (size_t k = 0; k < len && nn > 0; k++)
                t1[k].w = (float)(t1[k].w / nn);
            ALLOC_GROW(xv, used + len + 1, cap);
            memcpy(xv + used, t1, len * sizeof(*t1));
            xoff[i] = used;
            used += len;
        }
        xoff[n] = used;
        free(t1);
        free(t2);
    }
    for (size_t i = 0; i < n; i++) {
        for (uint32_t t = 0; t < nex[i]; t++)
            cand[t].j = ex[i * REFINE_EXACT + t];
        score_top(ci, loc, i, cand, nex[i], xv + xoff[i], xoff[i + 1] - xoff[i], xv, xoff, knn, nk);
    }
    free(xv);
    free(xoff);
    free(ex);
    free(nex);
    hmap_release(&fl);
    free(off);
    free(cnt);
    free(post);
    free(acc);
    free(touched);
    free(cand);
}

/* Group the articles loc[0..n) by average link; writes each one's group root into root[]. */
static void
refine_groups(struct cluster_index *ci, size_t n, const struct rcand *knn, const uint32_t *nk,
              uint32_t *root)
{
    struct rgroup *g = xcalloc(n + 1, sizeof(*g));
    struct hmap w;
    struct rheap h = {NULL, 0, 0};
    uint32_t *up = xmalloc((n + 1) * sizeof(*up));

    hmap_init(&w, n * 8 + 16);
    for (size_t i = 0; i < n; i++) {
        g[i].size = 1;
        g[i].r = density(knn + i * REFINE_K, nk[i]);
        up[i] = (uint32_t)i;
    }
    for (size_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < nk[i]; k++) {
            uint32_t j = knn[i * REFINE_K + k].j;
            int inserted;
            uint64_t *v = hmap_put(&w, pair_key((uint32_t)i, j), &inserted);

            if (!inserted)
                continue;
            *v = d2u(knn[i * REFINE_K + k].s);
            ALLOC_GROW(g[i].adj, g[i].nadj + 1, g[i].cadj);
            g[i].adj[g[i].nadj++] = j;
            ALLOC_GROW(g[j].adj, g[j].nadj + 1, g[j].cadj);
            g[j].adj[g[j].nadj++] = (uint32_t)i;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < g[i].nadj; k++) {
            uint32_t j = g[i].adj[k];

            if (j > i) {
                struct redge e = {
                    linkage(g, (uint32_t)i, j, u2d(*hmap_get(&w, pair_key((uint32_t)i, j)))),
                    (uint32_t)i, j, 0, 0};

                if (e.l >= ci->p.refine)
                    rheap_push(&h, e);
            }
        }
    while (h.n) {
        struct redge e = rheap_pop(&h);
        uint32_t a, b;

        if (g[e.a].dead || g[e.b].dead || g[e.a].stamp != e.sa || g[e.b].stamp != e.sb)
            continue;
        /* merge the one with fewer neighbours into the other */
        a = e.a;
        b = e.b;
        if (g[b].nadj > g[a].nadj) {
            a = e.b;
            b = e.a;
        }
        hmap_del(&w, pair_key(a, b), NULL);
        for (uint32_t k = 0; k < g[b].nadj; k++) {
            uint32_t c = g[b].adj[k];
            uint64_t old, *v;
            int inserted;

            if (c == a || g[c].dead || !hmap_del(&w, pair_key(b, c), &old))
                continue;
            v = hmap_put(&w, pair_key(a, c), &inserted);
            *v = d2u((inserted ? 0 : u2d(*v)) + u2d(old));
            if (inserted) {
                ALLOC_GROW(g[a].adj, g[a].nadj + 1, g[a].cadj);
                g[a].adj[g[a].nadj++] = c;
                ALLOC_GROW(g[c].adj, g[c].nadj + 1, g[c].cadj);
                g[c].adj[g[c].nadj++] = a;
            }
        }
        g[a].size += g[b].size;
        g[a].r += g[b].r;
        g[a].stamp++;
        g[b].dead = 1;
        free(g[b].adj);
        g[b].adj = NULL;
        g[b].nadj = 0;
        up[b] = a;
        /* new linkages of a; drop dead and repeated neighbours on the way */
        {
            uint32_t kk = 0;

            for (uint32_t k = 0; k < g[a].nadj; k++) {
                uint32_t c = g[a].adj[k];
                uint64_t *v;

                if (g[c].dead || !(v = hmap_get(&w, pair_key(a, c))))
                    continue;
                g[a].adj[kk++] = c;
                {
                    struct redge x = {linkage(g, a, c, u2d(*v)), a < c ? a : c, a < c ? c : a, 0,
                                      0};

                    x.sa = g[x.a].stamp;
                    x.sb = g[x.b].stamp;
                    if (x.l >= ci->p.refine)
                        rheap_push(&h, x);
                }
            }
            g[a].nadj = kk;
        }
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t r = (uint32_t)i;

        while (up[r] != r)
            r = up[r];
        root[i] = r;
    }
    for (size_t i = 0; i < n; i++)
        free(g[i].adj);
    free(g);
    free(up);
    free(h.e);
    hmap_release(&w);
}

struct rshare {
    uint32_t group, story; /* group root, story slot */
    uint32_t count;
    int64_t first; /* the story's first member time */
    int64_t label;
};

static int
cmp_rshare(const void *x, const void *y)
{
    const struct rshare *a = x, *b = y;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->label != b->label)
        return a->label < b->label ? -1 : 1;
    return a->group < b->group ? -1 : a->group > b->group;
}

/* Move the article in slot to story slot ss (a member of another story now). */
static void
art_move(struct cluster_index *ci, uint32_t slot, uint32_t ss)
{
    struct art *a = &ci->arts[slot];
    uint32_t from = a->story;
    struct story *t;

    story_remove_member(ci, &ci->stories[from], slot);
    a = &ci->arts[slot];
    a->story = ss;
    ci->slots[slot].story = ss;
    t = &ci->stories[ss];
    ALLOC_GROW(t->mem, t->nmem + 1, t->cmem);
    t->mem[t->nmem++] = slot;
    cen_update(ci, t, a->vec, a->nvec, 1);
    if (t->nmem == 1) {
        t->first = t->last = a->time;
        hours_note(ci, t, 1);
    } else {
        story_times(ci, t);
    }
    if (ci->stories[from].nmem == 0)
        story_free(ci, from);
}

int
cluster_refine(struct cluster_index *ci, cluster_label_fn new_label, void *ctx,
               struct cluster_move **moves, size_t *nmoves, struct gz_err *err)
{
    uint32_t *loc, *nk, *root, *label_of;
    struct rcand *knn;
    struct rshare *sh = NULL;
    size_t n = 0, nsh = 0, csh = 0, nm = 0, cm = 0;
    struct cluster_move *mv = NULL;
    int64_t *chosen;
    int rc = 0;

    *moves = NULL;
    *nmoves = 0;
    if (ci->live_arts < 2)
        return 0;
    reweight(ci);
    loc = xmalloc(ci->live_arts * sizeof(*loc));
    for (size_t q = 0; q < ci->qlen; q++) {
        uint64_t ref = ci->queue[ci->qhead + q];
        const struct art *x = ref_art(ci, ref);

        if (x && !x->fixed && n < ci->live_arts)
            loc[n++] = (uint32_t)ref; /* fixed articles stay where they are */
    }
    if (n < 2) {
        free(loc);
        return 0;
    }
    knn = xmalloc(n * REFINE_K * sizeof(*knn));
    nk = xmalloc(n * sizeof(*nk));
    root = xmalloc(n * sizeof(*root));
    refine_neighbours(ci, loc, n, knn, nk);
    refine_groups(ci, n, knn, nk, root);

    /* the density-corrected neighbours stay with each article for related lists */
    {
        double *r = xmalloc(n * sizeof(*r));

        for (size_t i = 0; i < n; i++)
            r[i] = density(knn + i * REFINE_K, nk[i]);
        for (size_t i = 0; i < n; i++) {
            struct art *a = &ci->arts[loc[i]];
            struct rcand c[REFINE_K];
            size_t nc = nk[i];

            for (size_t k = 0; k < nc; k++) {
                c[k].j = knn[i * REFINE_K + k].j;
                c[k].raw = knn[i * REFINE_K + k].s;
                c[k].s = (float)(2 * knn[i * REFINE_K + k].s - r[i] - r[c[k].j]);
            }
            nc = rcand_top(c, nc, CLUSTER_NB);
            a->nnb = (uint32_t)nc;
            a->dens = (float)r[i];
            for (size_t k = 0; k < nc; k++) {
                a->nb[k].id = ci->arts[loc[c[k].j]].id;
                a->nb[k].s = c[k].s;
                a->nb[k].raw = c[k].raw;
            }
        }
        free(r);
    }

    /* overlaps of new groups with old stories */
    {
        struct hmap cnt;
        size_t it = 0;
        uint64_t key, val;

        hmap_init(&cnt, n + 16);
        for (size_t i = 0; i < n; i++)
            (*hmap_put(&cnt, (uint64_t)root[i] << 32 | ci->arts[loc[i]].story, NULL))++;
        while (hmap_next(&cnt, &it, &key, &val)) {
            const struct story *s = &ci->stories[(uint32_t)key];

            ALLOC_GROW(sh, nsh + 1, csh);
            sh[nsh].group = (uint32_t)(key >> 32);
            sh[nsh].story = (uint32_t)key;
            sh[nsh].count = (uint32_t)val;
            sh[nsh].first = s->first;
            sh[nsh].label = s->label;
            nsh++;
        }
        hmap_release(&cnt);
    }
    if (nsh)
        qsort(sh, nsh, sizeof(*sh), cmp_rshare);
    chosen = xcalloc(n, sizeof(*chosen));                    /* by group root: the label it takes */
    label_of = xcalloc(ci->nstories + 1, sizeof(*label_of)); /* story slot taken */
    for (size_t k = 0; k < nsh; k++) {
        if (chosen[sh[k].group] || label_of[sh[k].story])
            continue;
        chosen[sh[k].group] = sh[k].label;
        label_of[sh[k].story] = 1;
    }
    /* groups left without a label get new ones, in article order */
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (chosen[root[i]])
            continue;
        chosen[root[i]] = new_label ? new_label(ctx) : 0;
        if (!chosen[root[i]] || story_by_label(ci, chosen[root[i]]))
            rc = gz_errf(err, GZ_EINVAL, "no new story label for a refined group");
    }
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            struct art *a = &ci->arts[loc[i]];
            int64_t from = ci->stories[a->story].label, to = chosen[root[i]];
            uint64_t *sv;

            if (from == to)
                continue;
            ALLOC_GROW(mv, nm + 1, cm);
            mv[nm].doc_id = a->id;
            mv[nm].from = from;
            mv[nm].to = to;
            mv[nm].dup_of = a->dup_of;
            nm++;
            sv = hmap_get(&ci->by_label, (uint64_t)to);
            art_move(ci, loc[i], sv ? (uint32_t)*sv : story_new(ci, to));
        }
    }
    free(loc);
    free(knn);
    free(nk);
    free(root);
    free(sh);
    free(chosen);
    free(label_of);
    *moves = mv;
    *nmoves = nm;
    return rc;
}

/* ---- related ---- */

/* Least density-corrected average link of another story to be related. */
#ifndef REL_NB_MIN
#define REL_NB_MIN -0.3
#endif
#ifndef REL_SELF
#define REL_SELF 0.5
#endif
/* Members of a story read for story-to-story links (the most recent ones). */
#define REL_MEMBERS 32
/* Stories linked to the article's own that are looked at. */
#define REL_STORIES 64

struct rel {
    int64_t id;
    double link;  /* of the item's story to the article's (group 3), else 0 */
    double score; /* similarity to the article */
    int group; /* 0 other publisher, 1 same publisher, 2 a copy, 3 a linked story, 4 another story
                */
};

static int
cmp_rel(const void *a, const void *b)
{
    const struct rel *x = a, *y = b;

    if (x->group != y->group)
        return x->group - y->group;
    if (x->link != y->link)
        return x->link > y->link ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Whether id is among r[0..n). */
static int
listed(const struct rel *r, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].id == id)
            return 1;
    return 0;
}

static int
is_copy(const struct art *a, const struct art *m)
{
    return (a->dup_of && (a->dup_of == m->id || a->dup_of == m->dup_of)) || m->dup_of == a->id;
}

/* Whether article m kept id among its neighbours at the last refinement. */
static int
has_nb(const struct art *m, int64_t id)
{
    for (uint32_t k = 0; k < m->nnb; k++)
        if (m->nb[k].id == id)
            return 1;
    return 0;
}

struct slink {
    uint32_t story; /* slot */
    double w;       /* sum of neighbour similarities between the two stories */
    double link;
};

static int
cmp_slink(const void *a, const void *b)
{
    const struct slink *x = a, *y = b;

    if (x->link != y->link)
        return x->link > y->link ? -1 : 1;
    return x->story < y->story ? -1 : x->story > y->story;
}

/* The first REL_MEMBERS slots of story s's most recent members. */
static uint32_t
rel_members(const struct story *s, uint32_t *from)
{
    *from = s->nmem > REL_MEMBERS ? s->nmem - REL_MEMBERS : 0;
    return s->nmem - *from;
}

/* Mean density of a story's members read for links (a prior for the unrefined). */
static double
story_dens(const struct cluster_index *ci, const struct story *s)
{
    uint32_t from, n = rel_members(s, &from);
    double r = 0;

    for (uint32_t i = from; i < s->nmem; i++) {
        const struct art *m = &ci->arts[s->mem[i]];

        r += m->nnb ? m->dens : REFINE_PRIOR;
    }
    return n ? r / n : REFINE_PRIOR;
}

/*
 * Other stories linked to story s through the neighbours of the last
 * refinement, as cluster_refine() would join them: the average
 * density-corrected link 2 w / (|s| |t|) - r(s) - r(t), where w adds up
 * the similarities of the neighbour pairs between the two (a pair that
 * is no one's neighbour counts 0).  Best first into *out (caller frees);
 * returns how many reach REL_NB_MIN.
 */
static size_t
linked_stories(struct cluster_index *ci, uint32_t ss, struct slink **out)
{
    const struct story *s = &ci->stories[ss];
    struct slink *l = NULL;
    size_t nl = 0, cl = 0, keep = 0;
    struct hmap at;
    uint32_t from, ns = rel_members(s, &from);
    double rs = story_dens(ci, s);

    hmap_init(&at, 64);
    /* pairs from the story's side */
    for (uint32_t i = from; i < s->nmem; i++) {
        const struct art *m = &ci->arts[s->mem[i]];

        for (uint32_t k = 0; k < m->nnb; k++) {
            const struct art *o = art_by_id(ci, m->nb[k].id);
            int inserted;
            uint64_t *v;

            if (!o || o->story == ss)
                continue;
            v = hmap_put(&at, o->story, &inserted);
            if (inserted) {
                ALLOC_GROW(l, nl + 1, cl);
                l[nl].story = o->story;
                l[nl].w = 0;
                *v = nl++;
            }
            l[*v].w += m->nb[k].raw;
        }
    }
    /* pairs from the other stories' side not counted yet */
    for (size_t t = 0; t < nl; t++) {
        const struct story *o = &ci->stories[l[t].story];
        uint32_t of, no = rel_members(o, &of);

        for (uint32_t i = of; i < o->nmem; i++) {
            const struct art *m = &ci->arts[o->mem[i]];

            for (uint32_t k = 0; k < m->nnb; k++) {
                const struct art *x = art_by_id(ci, m->nb[k].id);

                if (x && x->story == ss && !has_nb(x, m->id))
                    l[t].w += m->nb[k].raw;
            }
        }
        l[t].link = 2 * l[t].w / ((double)ns * no) - rs - story_dens(ci, o);
        if (l[t].link >= REL_NB_MIN)
            l[keep++] = l[t];
    }
    hmap_release(&at);
    if (keep > 1)
        qsort(l, keep, sizeof(*l), cmp_slink);
    *out = l;
    return keep;
}

int
cluster_related(struct cluster_index *ci, int64_t doc_id, size_t k, int64_t *ids_out,
                double *scores_out, size_t *n, struct gz_err *err)
{
    struct art *a = art_by_id(ci, doc_id);
    struct rel *r = NULL;
    size_t nr = 0, cr = 0;
    uint32_t cand[NCAND_RELATED];
    struct query q;
    size_t nc;
    const struct story *s;

    *n = 0;
    if (!a)
        return gz_errf(err, GZ_ENOTFOUND, "article %lld not in the index", (long long)doc_id);
    if (k > CLUSTER_RELATED_MAX)
        k = CLUSTER_RELATED_MAX;
    if (!k)
        return 0;
    s = &ci->stories[a->story];
    for (uint32_t i = 0; i < s->nmem; i++) {
        const struct art *m = &ci->arts[s->mem[i]];

        if (m == a)
            continue;
        ALLOC_GROW(r, nr + 1, cr);
        r[nr].id = m->id;
        r[nr].link = 0;
        r[nr].score = dot(a->vec, a->nvec, m->vec, m->nvec);
        r[nr].group = is_copy(a, m) ? 2 : (a->source && a->source == m->source) ? 1 : 0;
        nr++;
    }
    /* then the stories the last refinement found closest to this one, each
     * one's members in order of similarity to the article */
    {
        struct slink *l;
        size_t nl = linked_stories(ci, a->story, &l);

        for (size_t t = 0; t < nl && t < REL_STORIES && nr < k + s->nmem; t++) {
            const struct story *o = &ci->stories[l[t].story];

            for (uint32_t i = 0; i < o->nmem; i++) {
                const struct art *m = &ci->arts[o->mem[i]];
                double sc = dot(a->vec, a->nvec, m->vec, m->nvec) -
                            time_cost(ci, a->time, m->time, m->time);

                if (sc < ci->p.related)
                    continue;
                ALLOC_GROW(r, nr + 1, cr);
                r[nr].id = m->id;
                r[nr].link = l[t].link;
                r[nr].score = sc;
                r[nr].group = 3;
                nr++;
            }
        }
        free(l);
    }
    if (nr < k) {
        nc = candidates(ci, a->vec, a->nvec, a->story, cand, NULL, NCAND_RELATED);
        query_init(&q, a->vec, a->nvec);
        for (size_t c = 0; c < nc; c++) {
            const struct story *o = &ci->stories[cand[c]];
            uint32_t from = o->nmem > MEMBER_SCAN ? o->nmem - MEMBER_SCAN : 0;
            double so = story_score(ci, &q, a->vec, a->nvec, a->time, o);

            for (uint32_t i = from; i < o->nmem; i++) {
                const struct art *m = &ci->arts[o->mem[i]];
                double sc = dot(a->vec, a->nvec, m->vec, m->nvec) -
                            time_cost(ci, a->time, m->time, m->time);

                /* An article whose story mates are close too is the surer match. */
                sc = REL_SELF * sc + (1 - REL_SELF) * so;

                if (sc < ci->p.related || listed(r, nr, m->id))
                    continue;
                ALLOC_GROW(r, nr + 1, cr);
                r[nr].id = m->id;
                r[nr].link = 0;
                r[nr].score = sc;
                r[nr].group = 4;
                nr++;
            }
        }
    }
    if (nr)
        qsort(r, nr, sizeof(*r), cmp_rel);
    for (size_t i = 0; i < nr && i < k; i++) {
        if (ids_out)
            ids_out[i] = r[i].id;
        if (scores_out)
            scores_out[i] = r[i].score;
        (*n)++;
    }
    free(r);
    return 0;
}

/* ---- story fields ---- */

uint32_t
cluster_count_sources(const struct cluster_member *m, size_t n)
{
    uint32_t count = 0;
    int any = 0;

    for (size_t i = 0; i < n; i++) {
        int seen = 0;

        if (m[i].dup)
            continue;
        any = 1;
        if (m[i].source)
            for (size_t j = 0; j < i && !seen; j++)
                seen = !m[j].dup && m[j].source == m[i].source;
        count += !seen;
    }
    return any || !n ? count : 1;
}

double
cluster_hotness(const struct cluster_member *m, size_t n, int64_t now)
{
    uint32_t src;
    size_t indep = 0;
    int64_t last = 0;
    double age;

    if (!n)
        return 0;
    src = cluster_count_sources(m, n);
    for (size_t i = 0; i < n; i++) {
        indep += !m[i].dup;
        if (!i || m[i].time > last)
            last = m[i].time;
    }
    age = now > last ? (double)(now - last) : 0;
    return ((double)src + 0.25 * log(1.0 + (double)(indep > src ? indep - src : 0))) *
           exp2(-age / (12.0 * 3600));
}

/* Words in a title (runs of letters or digits). */
static size_t
title_words(const char *t)
{
    struct text_tokenizer tz;
    struct text_token tok;
    size_t n = 0;

    text_tokenizer_init(&tz, t, strlen(t));
    while (n < 3 && text_tokenizer_next(&tz, &tok))
        n++;
    return n;
}

int
cluster_story_info(struct cluster_index *ci, int64_t label, struct cluster_story_info *out,
                   struct gz_err *err)
{
    struct story *s = story_by_label(ci, label);
    struct cluster_member *m;
    const struct art *best = NULL;
    double bs = -1;

    memset(out, 0, sizeof(*out));
    if (!s)
        return gz_errf(err, GZ_ENOTFOUND, "story %lld not in the index", (long long)label);
    m = xmalloc((s->nmem + 1) * sizeof(*m));
    for (uint32_t i = 0; i < s->nmem; i++) {
        const struct art *a = &ci->arts[s->mem[i]];
        double c = s->cnorm > 0 ? dot(a->vec, a->nvec, s->cen, s->ncen) / s->cnorm : 0;

        m[i].time = a->time;
        m[i].source = a->source;
        m[i].dup = a->dup_of != 0;
        /* A title of one or two words ("Update", "Dresden") is no headline
         * while a member has a real one. */
        if (title_words(a->title) < 3)
            c -= 2;
        if (!best || c > bs + 1e-9 ||
            (c > bs - 1e-9 &&
             (a->time < best->time || (a->time == best->time && a->id < best->id)))) {
            best = a;
            bs = c;
        }
    }
    out->label = s->label;
    out->headline_id = best ? best->id : 0;
    out->headline = best ? best->title : "";
    out->first_seen = s->first;
    out->last_updated = s->last;
    out->n_articles = s->nmem;
    out->n_sources = cluster_count_sources(m, s->nmem);
    out->hotness = cluster_hotness(m, s->nmem, ci->clock);
    free(m);
    return 0;
}

int64_t
cluster_story_of(struct cluster_index *ci, int64_t doc_id)
{
    struct art *a = art_by_id(ci, doc_id);

    return a ? ci->stories[a->story].label : 0;
}

long
cluster_headline(struct text_stemmer *st, const char *const *titles, const char *const *texts,
                 size_t n, const char *lang)
{
    struct arena *ar;
    struct text_doc *docs;
    struct text_df df;
    struct text_vec *vecs, cen = {NULL, 0};
    long best = -1;
    double bs = -1;

    if (!n)
        return -1;
    ar = arena_new();
    docs = ARENA_NEWN(ar, struct text_doc, n);
    vecs = ARENA_NEWN(ar, struct text_vec, n);
    text_df_init(&df);
    for (size_t i = 0; i < n; i++) {
        const char *ti = titles[i] ? titles[i] : "", *tx = texts && texts[i] ? texts[i] : "";
        size_t tl = strlen(ti), xl = strlen(tx);

        if (tl > CLUSTER_TITLE_MAX)
            tl = str_utf8_cut(ti, tl, CLUSTER_TITLE_MAX);
        text_analyze(st, ar, ti, tl, tx, lead_len(tx, xl), lang, TEXT_AN_NO_PHRASES, &docs[i]);
        text_df_add_doc(&df, &docs[i]);
    }
    {
        size_t total = 0, k = 0;

        for (size_t i = 0; i < n; i++) {
            text_vec_from_doc(ar, &docs[i], &df, 2.0, 0, &vecs[i]);
            total += vecs[i].n;
        }
        cen.e = ARENA_NEWN(ar, struct text_vec_entry, total + 1);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < vecs[i].n; j++)
                cen.e[k++] = vecs[i].e[j];
        cen.n = k;
        text_vec_sort(&cen);
    }
    for (size_t i = 0; i < n; i++) {
        double c = text_vec_cosine(&vecs[i], &cen);

        if (c > bs + 1e-9) {
            bs = c;
            best = (long)i;
        }
    }
    text_df_release(&df);
    arena_free(ar);
    return best;
}
