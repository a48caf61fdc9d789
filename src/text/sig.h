/*
 * sig.h - near-duplicate signatures: MinHash with LSH band keys, SimHash.
 *
 * MinHash estimates the Jaccard similarity of two documents' sets of word
 * shingles (k consecutive folded words, stop words included: copies and
 * light edits of one text share most shingles).  A signature holds the
 * minimum of TEXT_MINHASH_K hash permutations (a*h + b mod 2^64 with fixed
 * odd a) of the shingle hashes; the share of equal slots estimates the
 * Jaccard index with a standard error of sqrt(J(1-J)/64), about 0.06.
 *
 * LSH: the 64 slots form TEXT_LSH_BANDS = 16 bands of TEXT_LSH_ROWS = 4
 * rows; text_minhash_bands() hashes each band to a 64-bit key.  Two
 * documents share at least one band key with probability 1-(1-J^4)^16:
 * 0.05 at J=0.2, 0.40 at J=0.4, 0.65 at J=0.5, 0.98 at J=0.7, ~1 at
 * J>=0.8.  Index each document under its 16 keys (an hmap per band or one
 * keyed by the band key) and compare candidates with
 * text_minhash_jaccard().
 *
 * SimHash: a 64-bit fingerprint where similar weighted term sets give
 * fingerprints at small Hamming distance (<= 3 for near copies).
 *
 * Signature values come from hash64() and fixed constants: they are stable
 * across runs and builds and may be stored (as host-order uint64_t).
 *
 * All functions are pure and thread-safe; signatures are plain values.
 */
#ifndef GZ_TEXT_SIG_H
#define GZ_TEXT_SIG_H

#include <stddef.h>
#include <stdint.h>

struct text_doc;

#define TEXT_MINHASH_K 64
#define TEXT_LSH_BANDS 16
#define TEXT_LSH_ROWS 4
/* The default shingle size, in words. */
#define TEXT_SHINGLE 3

struct text_minhash {
    uint64_t v[TEXT_MINHASH_K];
    uint32_t n; /* shingles added; 0 means empty: no similarity to anything */
};

/* An empty signature. */
void text_minhash_init(struct text_minhash *m);
/* Add one shingle's 64-bit hash. */
void text_minhash_add(struct text_minhash *m, uint64_t shingle);

/*
 * Add the k-word shingles of the word hashes words[0..n) (k 1..16;
 * 0 means TEXT_SHINGLE).  Fewer than k words make one shingle of them all.
 */
void text_minhash_words(struct text_minhash *m, const uint64_t *words, size_t n, unsigned k);

/* Tokenize p[0..len) (text.h) and add its k-word shingles of folded words. */
void text_minhash_text(struct text_minhash *m, const char *p, size_t len, unsigned k);

/* The k-word shingles of an analysed document's text tokens (title left out). */
void text_minhash_doc(struct text_minhash *m, const struct text_doc *doc, unsigned k);

/*
 * The duplicate signatures of one text, tokenizing it once: adds to m
 * what text_minhash_text(m, text, mh_len, k) adds and, when hash is not
 * NULL, writes what text_content_hash(text, len, hash) writes.  doc, when
 * not NULL, is an analysis (analyze.h) of a prefix of the same text
 * (doc->text == text, doc->text_len <= len): its tokens are taken instead
 * of tokenizing that part again.  mh_len <= len.
 */
void text_dup_sigs(struct text_minhash *m, unsigned char *hash, const struct text_doc *doc,
                   const char *text, size_t len, size_t mh_len, unsigned k);

/* Estimated Jaccard similarity in [0, 1]; 0 when either signature is empty. */
double text_minhash_jaccard(const struct text_minhash *a, const struct text_minhash *b);

/*
 * The TEXT_LSH_BANDS band keys of m into keys[]; returns TEXT_LSH_BANDS, or
 * 0 (keys untouched) for an empty signature, which must not be indexed.
 * Keys of different bands never collide by construction (the band index
 * is hashed in), so one table can hold all bands.
 */
size_t text_minhash_bands(const struct text_minhash *m, uint64_t keys[TEXT_LSH_BANDS]);

/*
 * SimHash of n feature hashes with weights (NULL: all 1; weights <= 0 are
 * skipped).  0 for no features.
 */
uint64_t text_simhash(const uint64_t *hashes, const float *weights, size_t n);

/* SimHash of a document's terms weighted by count (title occurrences twice). */
uint64_t text_simhash_doc(const struct text_doc *doc);

/* Bits that differ. */
static inline int
text_hamming(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

#endif
