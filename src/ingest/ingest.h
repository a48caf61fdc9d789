/*
 * ingest.h - the one pipeline that turns new entries into stored articles.
 *
 * Every path that brings articles in (import of files, the fetcher, the
 * workers, the scheduler inside serve) hands a batch — one source's new
 * entries, or a run of an imported file — to ingest_batch().  It runs the
 * stages in order for each entry and commits the batch to the store in
 * one transaction, each entry under its own savepoint: an entry that fails
 * is rolled back alone and reported, the others commit.
 *
 * The stages, per entry: dedup (guid in the source, canonical URL
 * anywhere), sanitize the HTML, plain text and snippet, language, content
 * hash and near-duplicate signature, story (cluster/cluster.h: a copy
 * joins its original's story, an article joins the closest story or
 * starts one, a bridge merges two), enrichment (enrich/enrich.h: tags,
 * entities, summary, key points).  Then, per batch: related lists of the
 * new articles and of their stories' other members, and every story that
 * changed gets its headline, counts, ranking, summary, what each source
 * adds and tags again.
 *
 * Refinement: online assignment sees one article at a time; now and then
 * (ingest_refine()) the whole window is re-clustered at once and the
 * changes are recorded with stable story ids.
 *
 * State: a struct ingest keeps a story index of the active window (a few
 * days of articles) in memory.  ingest_new() replays the window from the
 * store; each batch first catches up with articles other processes stored
 * since (other workers, an import next to serve), under the store's ingest
 * lock, so story assignment is serialized across every process writing to
 * one database.  When a batch rolls back, the index is rebuilt from the
 * store, so it never holds what the database does not.
 *
 * Ownership: a struct ingest borrows the store it is given and must be
 * used by one thread at a time (the store's rule).  Items are borrowed for
 * the call.
 */
#ifndef GZ_INGEST_INGEST_H
#define GZ_INGEST_INGEST_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct store;
struct feed;
struct ingest;

/* One candidate article, as any source describes it. */
struct ingest_item {
    int64_t source_id;   /* 0: the batch's source */
    const char *guid;    /* unique within the source; NULL: the URL is used */
    const char *url;     /* the article's address, may be NULL */
    const char *title;   /* plain text */
    const char *author;  /* plain text, may be NULL */
    const char *text;    /* plain text body, paragraphs split by blank lines; may be NULL */
    const char *html;    /* body as HTML (sanitized or not: it is sanitized again); may be NULL */
    const char *summary; /* teaser HTML from the feed, used when there is no body */
    const char *lang;    /* ISO 639-1 if known */
    const char *image;   /* lead image URL */
    int64_t published;   /* 0: unknown, the fetch time is used */
    int64_t updated;
    const char **categories; /* the publisher's own tags */
    size_t ncategories;
    const char *story_label;  /* a labelled corpus's story key: the item joins that
                                 story instead of the one clustering would choose */
    const char *extract_note; /* why the page's text was or was not used (stored) */
};

struct ingest_stats {
    size_t seen;       /* items offered */
    size_t added;      /* new articles stored */
    size_t duplicates; /* already stored (same guid or canonical URL) */
    size_t failed;     /* rolled back; see the log for which and why */
};

/*
 * A pipeline over st (borrowed; it must outlive the ingest), with its story
 * index rebuilt from the stored articles of the active window.
 */
int ingest_new(struct ingest **out, struct store *st, struct gz_err *err);
void ingest_free(struct ingest *ig);
/* The store the pipeline writes to (borrowed). */
struct store *ingest_store(struct ingest *ig);

/*
 * Store the new items of one source (or of one imported file, whose items
 * name their own sources) in one transaction.  Duplicates are
 * counted and skipped; an item that fails is rolled back alone, logged
 * with its guid and counted in stats->failed.  Returns 0 when the batch
 * committed (even with failed items), or an error when the transaction
 * itself could not be opened or committed — then nothing was stored.
 */
int ingest_batch(struct ingest *ig, int64_t source_id, const struct ingest_item *items, size_t n,
                 struct ingest_stats *stats, struct gz_err *err);

/*
 * Re-cluster the stories of the active window now (cluster_refine()), in
 * one transaction under the ingest lock; ingest_batch() does the same by
 * itself at the end of a batch once INGEST_REFINE_EVERY seconds (300) have
 * passed or INGEST_REFINE_ARTICLES (1000) articles came in since the last
 * time.  Story ids stay valid: a group keeps the id of the story it
 * shares most articles with (a split leaves the old id to the larger
 * part, the rest gets a new story), and a story left with no article is
 * marked merged into the one that took most of them, so its URL
 * redirects.  Articles imported with a story label never move.  Moved
 * articles get their story in the store, their related lists, and every
 * story touched its headline, counts and summary again.  Returns 0 or the
 * store's error (then nothing changed and the index is rebuilt).
 */
int ingest_refine(struct ingest *ig, struct gz_err *err);

/*
 * The full-text stage, for items that came from a feed: fetch the page of
 * every item that is not stored yet (the fetcher's politeness and address
 * checks apply), extract its article (extract/extract.h), and use the
 * page's text and sanitized HTML when it gives more than the feed does;
 * otherwise the feed's content stays.  Either way the item's
 * extract_note says what happened ("text from the page", "feed content
 * kept: the page gave less", "page not fetched: HTTP 404").  Byline, lead
 * image and time fill what the feed left empty.  Runs outside any
 * transaction (network); strings live in a.  Does nothing when the
 * fetch-pages setting is off.  Returns the number of pages used.
 */
struct arena;
size_t ingest_fetch_pages(struct ingest *ig, int64_t source_id, struct ingest_item *items, size_t n,
                          struct arena *a);

/* The entries of a parsed feed as items (borrowing the feed's strings). */
void ingest_items_from_feed(const struct feed *f, struct arena *a, struct ingest_item **out,
                            size_t *n);

#endif
