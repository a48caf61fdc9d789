/*
 * cluster.h - near-duplicate detection, online story clustering and
 * related articles.
 *
 * A struct cluster_index lives in a long-running process (one per ingest
 * thread) and is fed articles in arrival order.  For each article it
 * decides, without comparing with every article it holds:
 *
 *   - whether the article is a copy of one it already has: the same
 *     normalized text (text_content_hash()), or a syndicated copy with
 *     small edits (a new headline, an added paragraph: MinHash of word
 *     3-shingles, candidates from LSH band keys, Jaccard >= 0.6);
 *   - which story it belongs to, or that it starts a new one.
 *
 * Method.  Each article becomes a sparse vector over the stems of its
 * title (each occurrence counts title_boost times) and lead (the first
 * CLUSTER_LEAD_BYTES of its text), plus its capitalized phrases as extra
 * features (named entities; phrase_boost), weighted (1 + ln tf) * idf
 * with document frequencies counted over the articles in the index,
 * L2-normalized and cut to its CLUSTER_VEC_TERMS heaviest entries.  While
 * the index is young the weights are recomputed each time the document
 * count doubles (up to 16,384), so early articles do not keep poor idf.
 *
 * Candidates: an inverted index over each article's CLUSTER_INDEX_TERMS
 * heaviest features; a lookup scans at most the CLUSTER_POSTINGS most
 * recent postings of a feature and skips features found in more than 20 %
 * of the articles, and at most 8 candidate stories (those sharing at least
 * a quarter of the best one's weight) are scored, so the cost per article
 * does not grow with the index.
 *
 * Score of a story for an article: 0.7 * the mean cosine with its
 * members (the dot product with the sum of their unit vectors over their
 * number) + 0.3 * the best cosine among its 4 most recent members
 * (max_weight), minus time_penalty per time_scale beyond time_grace
 * between the article and the story's span (1 per day after 6 h: a
 * follow-up a day later is another story).  The mean, not the centroid
 * cosine: the latter grows with the square root of a loose story's size
 * and chains topics together.  A copy joins its original's story whatever
 * the time.
 *
 * Threshold: the article joins the best story when its score reaches
 *
 *     join + density * ln(stories last updated within time_grace of it)
 *
 * (0.14 + 0.02 ln n): the more stories run at the same time, the more
 * evidence a match needs.  On the dev sets the best fixed threshold rose
 * from 0.20 to 0.30 as an undated set grew from 70 to 390 stories, and a
 * dated stream with a few stories a day wants about 0.16; this one rule
 * serves both, and a larger set gets a stricter threshold by itself.
 * Undated articles all count as "now", so a batch file is one crowd.
 * When a second story also scores at least the merge threshold (0.30 +
 * the density term) and the two stories (the first with the article) have
 * a centroid cosine that reaches it too, the article bridges them and the smaller is merged into
 * the larger (ties: the older) story.
 *
 * Refinement.  Online assignment sees one article against the stories of
 * the moment; cluster_refine() re-clusters the whole window at once.
 * Each article's neighbours come from an inverted index over the window
 * (a feature held by more than 20 % of it, or by more than 100 articles,
 * is not looked up), the 48 best by shared weight are rescored exactly
 * (cosine less the time cost) and the 16 best kept.  Pseudo-relevance
 * feedback: each vector gets its 3 nearest neighbours' added, weighted
 * 0.6 times their similarity over 3, and the neighbours are scored again
 * with these vectors, which brings together coverage of one event by
 * outlets that share few words pairwise.  An article's density r is the
 * mean similarity of its 5 nearest (0.1 for each it lacks).  Groups then
 * merge by average link, best first, while
 *
 *     2 w(A, B) / (|A| |B|) - mean r(A) - mean r(B) >= refine (-0.05)
 *
 * where w adds up the similarities of neighbour pairs across the two (a
 * density-corrected link, CSLS, that removes the pull of hub topics whose
 * articles are close to everything); a link whose mean similarity is
 * under 0.05 never merges.  Each new group keeps the label of the old
 * story it shares most articles with (ties: the older story), a label
 * goes to one group at most, and the other groups get new labels from
 * the caller.
 *
 * Related articles: the other members of the article's story ranked by
 * cosine (other publishers, then the same publisher, then copies); then
 * the stories the last cluster_refine() found nearest to the article's
 * own, by the same density-corrected average link the refinement groups
 * by (over the neighbour pairs between the two stories, at least -0.3),
 * each story's members by cosine with the article; then, while the list
 * is short (an article newer than the last refinement), members of up to
 * 48 candidate stories scored 0.5 * their cosine + 0.5 * the story score.
 * An article of another story is listed only when its own similarity to
 * the article (cosine less the time cost; for candidates, the blend)
 * reaches `related` (0.10): a story that is near as a whole does not
 * bring in a member that shares a name and nothing else.
 *
 * All parameters are in struct cluster_params (cluster_params_default()
 * is the documented configuration, the same for streams and batches).
 *
 * Time.  Times are Unix seconds.  The index's clock is the newest article
 * time it has seen, never the wall clock; one article moves it forward by
 * at most CLUSTER_MAX_JUMP (so a lone article dated in the future cannot
 * empty the index).  An article without a time (0) is taken as "now" on
 * that clock.  Articles older than the clock minus the window (default 4
 * days) leave the index at the next cluster_insert(), and so do stories
 * whose last member left; their labels stay valid in the caller's database
 * but the index no longer knows them.
 *
 * Two phases, so that story labels can be database ids:
 *
 *   cluster_assign(ci, &doc, &res, err);    decides, changes nothing
 *   label = res.story ? res.story : <id of a new story row>;
 *   cluster_insert(ci, &doc, label, res.dup_of, err);
 *   if (res.merge_from)                      after store_story_merge()
 *       cluster_merge(ci, res.merge_from, res.merge_into, err);
 *
 * cluster_insert() alone rebuilds the index at start-up: replay the
 * stored articles of the active window in time order with their stored
 * story ids.  The analysis cluster_assign() made is kept for the next
 * cluster_insert() of the same article, so a document is analysed once.
 *
 * Ids: article ids and story labels are the caller's nonzero int64 values
 * (database ids).  A merged story's label is redirected to the one kept:
 * functions that take a label follow the redirect.
 *
 * Memory: the index owns everything it holds (copies of titles, vectors,
 * signatures); it borrows nothing from the documents after a call returns.
 * It grows with the articles of the active window only: about 5 KB per
 * held article, postings and maps included (bench/README.md: ~95 MB for
 * 19,000 held articles, flat from 100,000 to 1,000,000 streamed); a
 * cluster_refine() of such a window works in ~75 MB more for ~3 s.
 *
 * Thread-safety: an index is used by one thread at a time (it owns a
 * stemmer and scratch arrays).  Different indexes are independent.
 */
#ifndef GZ_CLUSTER_CLUSTER_H
#define GZ_CLUSTER_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct text_minhash;
struct text_stemmer;

/* Bytes of text read for story clustering (the lead). */
#define CLUSTER_LEAD_BYTES 600
/* Bytes of text read for near-duplicate signatures. */
#define CLUSTER_DUP_BYTES 8192
/* Heaviest features kept per article vector. */
#define CLUSTER_VEC_TERMS 48
/* Heaviest features of an article put in (and looked up in) the inverted index. */
#define CLUSTER_INDEX_TERMS 16
/* Most recent postings scanned per feature. */
#define CLUSTER_POSTINGS 32
/* Largest forward step of the index clock made by one article, seconds. */
#define CLUSTER_MAX_JUMP (24 * 3600)
/* Longest title kept, bytes. */
#define CLUSTER_TITLE_MAX 400
/* Longest related list cluster_related() makes. */
#define CLUSTER_RELATED_MAX 100

struct cluster_params {
    int64_t window;      /* seconds an article stays in the index after the clock passes it */
    double title_boost;  /* a title occurrence counts this many times */
    double phrase_boost; /* weight of capitalized-phrase features against stems */
    double join;         /* least score to join a story (before the density term) */
    double merge;        /* least score and story-to-story cosine to merge (idem) */
    double related;      /* least similarity for an article of another story to be related */
    double dup_jaccard;  /* least estimated Jaccard of shingles for a near-duplicate */
    double time_scale;   /* seconds; the score loses `time_penalty` per time_scale apart */
    double time_penalty;
    double time_grace; /* seconds apart that cost nothing */
    double density;    /* thresholds grow by density * ln(stories running at the time) */
    double max_weight; /* story score: (1 - w) * mean member similarity + w * best member */
    double refine;     /* cluster_refine(): least density-corrected average link to group */
    /*
     * The language an article without one is read in (stop words, stems)
     * while the window has shown no language yet; afterwards the window's
     * usual one.  Without it, two short notes of unknown language share
     * "the" and "for" as if those were news.  Borrowed: a static string
     * or one that outlives the index; NULL: none.
     */
    const char *lang_default;
};

/* The defaults (the documented configuration). */
void cluster_params_default(struct cluster_params *p);

/* One article as the index reads it.  Everything is borrowed for the call. */
struct cluster_doc {
    int64_t id;        /* nonzero, unique in the index */
    int64_t time;      /* Unix seconds; 0: unknown, taken as the index clock */
    uint64_t source;   /* publisher key (e.g. the source id, or cluster_source_key()); 0: unknown */
    const char *title; /* may be NULL */
    size_t title_len;  /* bytes */
    const char *text;  /* plain text, may be NULL */
    size_t text_len;   /* bytes */
    const char *lang;  /* language tag (lang.h); NULL or "": unknown, no stems */
    const unsigned char *content_hash; /* TEXT_CONTENT_HASH_LEN bytes or NULL: computed */
    /* MinHash of the text's word 3-shingles (sig.h, text_minhash_text() over
     * the first CLUSTER_DUP_BYTES), e.g. the stored signature; NULL: computed */
    const struct text_minhash *minhash;
    /* 1: the caller chose the story itself (e.g. a labelled import):
     * cluster_refine() neither moves the article nor groups by it */
    int fixed;
};

/* A publisher key for a source name: hash64 of the folded name; 0 for NULL or "". */
uint64_t cluster_source_key(const char *name);

struct cluster_index;

/*
 * A new, empty index with params p (NULL: the defaults), or NULL with
 * GZ_EINVAL in err when a parameter is out of range.  Free it with
 * cluster_index_free().
 */
struct cluster_index *cluster_index_new(const struct cluster_params *p, struct gz_err *err);
/* Free the index and all it holds; NULL is a no-op. */
void cluster_index_free(struct cluster_index *ci);

enum cluster_why {
    CLUSTER_NEW = 0,   /* no story is close enough: start one */
    CLUSTER_JOIN = 1,  /* joins res.story on similarity */
    CLUSTER_EXACT = 2, /* an exact copy of res.dup_of (same normalized text) */
    CLUSTER_NEAR = 3,  /* a near copy of res.dup_of (syndicated, small edits) */
};

struct cluster_result {
    int64_t story;  /* existing story label to join, or 0: start a new story */
    int64_t dup_of; /* the article this is a copy of (the first of its copies), or 0 */
    enum cluster_why why;
    double score;       /* score of the chosen story (1 for a copy), 0 for a new story */
    int64_t merge_from; /* nonzero: the article bridges two stories; merge this one ... */
    int64_t merge_into; /* ... into this one (== story) */
};

/*
 * Decide where doc goes, changing nothing in the index (the analysis is
 * cached for the next call).  0, or GZ_EINVAL when doc->id is 0,
 * GZ_EEXIST when the index already holds doc->id.
 */
int cluster_assign(struct cluster_index *ci, const struct cluster_doc *doc,
                   struct cluster_result *res, struct gz_err *err);

/*
 * Record doc under story label (nonzero; a new label starts a story, a
 * merged one is redirected) with dup_of (0 or the article it copies),
 * then expire what the clock left behind.  0, GZ_EINVAL for a zero id or
 * label, GZ_EEXIST when doc->id is already held (nothing changes then).
 * An article older than the window is recorded and leaves at once.
 */
int cluster_insert(struct cluster_index *ci, const struct cluster_doc *doc, int64_t label,
                   int64_t dup_of, struct gz_err *err);

/*
 * Move every article of story `from` into story `into` and redirect
 * `from` to `into`.  0, GZ_ENOTFOUND when either is not in the index,
 * GZ_EINVAL when they are the same story.
 */
int cluster_merge(struct cluster_index *ci, int64_t from, int64_t into, struct gz_err *err);

/*
 * Related articles of article doc_id, best first, at most k (capped to
 * CLUSTER_RELATED_MAX) into ids_out[] and scores_out[] (either may be
 * NULL); *n gets the count.  First the other members of its story:
 * other publishers' coverage by similarity, then the same publisher's,
 * then the article's own copies; then articles of the stories nearest to
 * its own (see "Related articles" above) whose similarity reaches
 * params.related.  Never pads the list.
 * 0, or GZ_ENOTFOUND when the index does not hold doc_id.
 */
int cluster_related(struct cluster_index *ci, int64_t doc_id, size_t k, int64_t *ids_out,
                    double *scores_out, size_t *n, struct gz_err *err);

struct cluster_story_info {
    int64_t label;        /* the story's label (after redirects) */
    int64_t headline_id;  /* the member whose title represents the story */
    const char *headline; /* its title; borrowed, valid until the next insert/merge */
    int64_t first_seen;   /* oldest member time */
    int64_t last_updated; /* newest member time */
    uint32_t n_articles;  /* members in the index, copies included */
    uint32_t n_sources;   /* distinct publishers (unknown ones count one each) */
    double hotness;       /* cluster_hotness() at the index clock */
};

/*
 * What the index knows of story label (redirects followed).  0, or
 * GZ_ENOTFOUND when the story is not (or no longer) in the index.
 */
int cluster_story_info(struct cluster_index *ci, int64_t label, struct cluster_story_info *out,
                       struct gz_err *err);

/* The story label article doc_id is recorded under (redirects followed), or 0. */
int64_t cluster_story_of(struct cluster_index *ci, int64_t doc_id);

/* The index clock (newest article time seen, see above); 0 when empty. */
int64_t cluster_clock(const struct cluster_index *ci);
/* Articles and stories held now. */
size_t cluster_size(const struct cluster_index *ci, size_t *stories);

/*
 * Called for each article just before it expires, while the index still
 * holds it (so cluster_related() on it works); NULL to stop.  The hook
 * must not insert, merge or free.
 */
typedef void (*cluster_expire_fn)(int64_t doc_id, void *ctx);
void cluster_on_expire(struct cluster_index *ci, cluster_expire_fn fn, void *ctx);

/* A label for a new story (nonzero, unknown to the index), from the caller. */
typedef int64_t (*cluster_label_fn)(void *ctx);

struct cluster_move {
    int64_t doc_id; /* the article ... */
    int64_t from;   /* ... leaves this story ... */
    int64_t to;     /* ... for this one (an existing story, or a new label) */
    int64_t dup_of; /* its copy link, unchanged (0 or the article it copies) */
};

/*
 * Re-cluster every article the index holds but the fixed ones, at once
 * (see "Refinement" above), and apply the result: articles change stories, a story whose
 * members all left is forgotten, and a group that keeps no old story's
 * label gets one from new_label(ctx).  *moves gets the array of what
 * moved (caller frees it with free(); NULL when nothing moved) and
 * *nmoves its length, so the caller can record it.  Deterministic.
 * Costs about O(n) memory and O(n log n) time for n held articles plus
 * the neighbour search; not for every article: at the end of a batch,
 * or now and then on a stream.  0, or GZ_EINVAL (nothing changed) when
 * new_label is NULL or gives 0 or a label the index knows while a new
 * one is needed.
 */
int cluster_refine(struct cluster_index *ci, cluster_label_fn new_label, void *ctx,
                   struct cluster_move **moves, size_t *nmoves, struct gz_err *err);

/* ---- story fields from members, without an index ---- */

/* A member as the story functions read it. */
struct cluster_member {
    int64_t time;    /* Unix seconds */
    uint64_t source; /* publisher key; 0 unknown (counts as its own publisher) */
    int dup;         /* a copy of another member: adds no independent coverage */
};

/*
 * The front-page weight of a story at time now: independent coverage
 * (distinct publishers, copies not counted, with a small credit for more
 * articles of one publisher) decaying with the age of the newest member,
 * halving every 12 hours:
 *
 *     (sources + 0.25 * ln(1 + extra articles)) * 2^(-age / 12 h)
 *
 * Pure.  0 for no members.
 */
double cluster_hotness(const struct cluster_member *m, size_t n, int64_t now);

/*
 * Distinct publishers among m[0..n) (unknown ones count one each, copies
 * not at all unless nothing else is there).  Pure.
 */
uint32_t cluster_count_sources(const struct cluster_member *m, size_t n);

/*
 * The index of the representative headline among n articles of one story
 * (titles[i]/texts[i], either may be NULL; lang as above): the title of the
 * article most central to the story, i.e. whose title-and-lead vector is
 * closest to the story's centroid (idf over the n articles), ties to the
 * earliest.  st is the calling thread's stemmer.  -1 when n is 0.
 */
long cluster_headline(struct text_stemmer *st, const char *const *titles, const char *const *texts,
                      size_t n, const char *lang);

#endif
