#include "text/tfidf.h"

#include "text/analyze.h"
#include "util/arena.h"
#include "util/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
text_df_init(struct text_df *df)
{
    hmap_init(&df->map, 0);
    df->ndocs = 0;
}

void
text_df_release(struct text_df *df)
{
    hmap_release(&df->map);
    df->ndocs = 0;
}

void
text_df_add(struct text_df *df, const uint64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hmap_prefetch(&df->map, ids[i]);
    for (size_t i = 0; i < n; i++)
        (*hmap_put(&df->map, ids[i], NULL))++;
    df->ndocs++;
}

void
text_df_remove(struct text_df *df, const uint64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hmap_prefetch(&df->map, ids[i]);
    for (size_t i = 0; i < n; i++) {
        uint64_t *c = hmap_get(&df->map, ids[i]);

        if (!c)
            continue;
        if (*c <= 1)
            hmap_del(&df->map, ids[i], NULL);
        else
            (*c)--;
    }
    if (df->ndocs)
        df->ndocs--;
}

void
text_df_add_doc(struct text_df *df, const struct text_doc *doc)
{
    for (size_t i = 0; i < doc->nterms; i++)
        (*hmap_put(&df->map, doc->terms[i].id, NULL))++;
    df->ndocs++;
}

void
text_df_remove_doc(struct text_df *df, const struct text_doc *doc)
{
    for (size_t i = 0; i < doc->nterms; i++) {
        uint64_t id = doc->terms[i].id;
        uint64_t *c = hmap_get(&df->map, id);

        if (!c)
            continue;
        if (*c <= 1)
            hmap_del(&df->map, id, NULL);
        else
            (*c)--;
    }
    if (df->ndocs)
        df->ndocs--;
}

uint64_t
text_df_get(const struct text_df *df, uint64_t id)
{
    const uint64_t *c = hmap_get(&df->map, id);

    return c ? *c : 0;
}

double
text_df_idf(const struct text_df *df, uint64_t id)
{
    double n = (double)df->ndocs, d = (double)text_df_get(df, id);

    if (d > n)
        d = n; /* removals of documents never added; keep idf >= 1 */
    return log((1.0 + n) / (1.0 + d)) + 1.0;
}

static int
cmp_id(const void *a, const void *b)
{
    uint64_t x = ((const struct text_vec_entry *)a)->id, y = ((const struct text_vec_entry *)b)->id;

    return x < y ? -1 : x > y;
}

void
text_vec_sort(struct text_vec *v)
{
    size_t o = 0;

    if (v->n < 2)
        return;
    qsort(v->e, v->n, sizeof(*v->e), cmp_id);
    for (size_t i = 1; i < v->n; i++) {
        if (v->e[i].id == v->e[o].id)
            v->e[o].w += v->e[i].w;
        else
            v->e[++o] = v->e[i];
    }
    v->n = o + 1;
}

double
text_vec_norm(const struct text_vec *v)
{
    double s = 0;

    for (size_t i = 0; i < v->n; i++)
        s += (double)v->e[i].w * v->e[i].w;
    return sqrt(s);
}

void
text_vec_normalize(struct text_vec *v)
{
    double norm = text_vec_norm(v);

    if (norm <= 0)
        return;
    for (size_t i = 0; i < v->n; i++)
        v->e[i].w = (float)(v->e[i].w / norm);
}

double
text_vec_dot(const struct text_vec *a, const struct text_vec *b)
{
    size_t i = 0, j = 0;
    double s = 0;

    while (i < a->n && j < b->n) {
        if (a->e[i].id < b->e[j].id) {
            i++;
        } else if (a->e[i].id > b->e[j].id) {
            j++;
        } else {
            s += (double)a->e[i].w * b->e[j].w;
            i++;
            j++;
        }
    }
    return s;
}

double
text_vec_cosine(const struct text_vec *a, const struct text_vec *b)
{
    double na = text_vec_norm(a), nb = text_vec_norm(b);

    if (na <= 0 || nb <= 0)
        return 0;
    return text_vec_dot(a, b) / (na * nb);
}

void
text_vec_from_doc(struct arena *a, const struct text_doc *doc, const struct text_df *df,
                  double title_boost, unsigned flags, struct text_vec *out)
{
    out->n = doc->nterms;
    out->e = doc->nterms ? ARENA_NEWN(a, struct text_vec_entry, doc->nterms) : NULL;
    if (title_boost < 1)
        title_boost = 1;
    for (size_t i = 0; i < doc->nterms; i++) {
        const struct text_term *t = &doc->terms[i];
        double c = t->count + (title_boost - 1) * t->title_count;
        double tf = (flags & TEXT_VEC_RAW_TF) ? c : 1.0 + log(c);
        double idf = (df && !(flags & TEXT_VEC_NO_IDF)) ? text_df_idf(df, t->id) : 1.0;

        out->e[i].id = t->id;
        out->e[i].w = (float)(tf * idf);
    }
    text_vec_sort(out);
    text_vec_normalize(out);
}

static int
cmp_weight_desc(const void *a, const void *b)
{
    const struct text_vec_entry *x = a, *y = b;

    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void
text_vec_top(struct text_vec *v, size_t k)
{
    if (v->n <= k)
        return;
    qsort(v->e, v->n, sizeof(*v->e), cmp_weight_desc);
    v->n = k;
    qsort(v->e, v->n, sizeof(*v->e), cmp_id);
}
