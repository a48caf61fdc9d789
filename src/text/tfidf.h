/*
 * tfidf.h - document frequencies and sparse TF-IDF vectors.
 *
 * struct text_df counts, per term id (struct text_term.id, or any 64-bit
 * term hash), how many documents contain it.  It is updated one document
 * at a time (add when a document arrives, remove when it leaves a time
 * window) and queried for smoothed IDF:
 *
 *     idf(t) = ln((1 + N) / (1 + df(t))) + 1
 *
 * (N documents; always >= 1, unseen terms get the largest value).
 *
 * A struct text_vec is a sparse vector: entries sorted by term id, ids
 * unique.  Its memory belongs to whoever made it: text_vec_from_doc()
 * takes it from an arena; callers building their own use any memory and
 * text_vec_sort() to establish the order.
 *
 * Thread-safety: a df table belongs to one thread at a time (readers may
 * share it while nobody writes).  Vector functions are pure.
 */
#ifndef GZ_TEXT_TFIDF_H
#define GZ_TEXT_TFIDF_H

#include <stddef.h>
#include <stdint.h>

#include "util/hmap.h"

struct arena;
struct text_doc;

struct text_df {
    struct hmap map; /* term id -> document count */
    uint64_t ndocs;
};

/* An empty table; release it with text_df_release(). */
void text_df_init(struct text_df *df);
void text_df_release(struct text_df *df);

/*
 * Count one document with the distinct term ids ids[0..n) (a repeated id
 * counts twice: pass each once).  text_df_remove() undoes it; a term whose
 * count reaches 0 leaves the table, and the counts never go below 0.
 */
void text_df_add(struct text_df *df, const uint64_t *ids, size_t n);
void text_df_remove(struct text_df *df, const uint64_t *ids, size_t n);
/* The same for an analysed document's terms (ids are distinct there). */
void text_df_add_doc(struct text_df *df, const struct text_doc *doc);
void text_df_remove_doc(struct text_df *df, const struct text_doc *doc);

/* Documents containing id. */
uint64_t text_df_get(const struct text_df *df, uint64_t id);
/* The smoothed IDF above. */
double text_df_idf(const struct text_df *df, uint64_t id);

struct text_vec_entry {
    uint64_t id;
    float w;
};

struct text_vec {
    struct text_vec_entry *e;
    size_t n;
};

enum text_vec_flags {
    TEXT_VEC_NO_IDF = 1 << 0, /* weights are term frequencies only */
    TEXT_VEC_RAW_TF = 1 << 1, /* tf = count instead of 1 + ln(count) */
};

/*
 * The TF-IDF vector of an analysed document: for each term, tf * idf with
 * tf = 1 + ln(count + (title_boost - 1) * title_count) (title words weigh
 * title_boost times; 1 means no boost), idf from df (NULL df: idf 1), then
 * L2-normalized and sorted.  Entries are allocated from a.
 */
void text_vec_from_doc(struct arena *a, const struct text_doc *doc, const struct text_df *df,
                       double title_boost, unsigned flags, struct text_vec *out);

/* Sort by id, adding up the weights of equal ids (n may shrink). */
void text_vec_sort(struct text_vec *v);
/* Scale to unit L2 norm (a zero vector stays zero). */
void text_vec_normalize(struct text_vec *v);
/* L2 norm. */
double text_vec_norm(const struct text_vec *v);
/* Dot product of two sorted vectors (a linear merge). */
double text_vec_dot(const struct text_vec *a, const struct text_vec *b);
/* Cosine similarity of two sorted vectors; 0 when either is zero. */
double text_vec_cosine(const struct text_vec *a, const struct text_vec *b);

/*
 * Keep the k entries of largest weight (ties: smaller id first), still
 * sorted by id; a vector with at most k entries is unchanged.  Does not
 * renormalize.
 */
void text_vec_top(struct text_vec *v, size_t k);

#endif
