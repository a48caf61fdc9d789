/*
 * import_story.h - the `story` key of imported JSON-lines: articles that
 * carry the same label form one story (internal to cmd_import.c).
 *
 * A labelled corpus (a clustering gold set, a hand-made fixture) then
 * shows on the site as it was labelled, before or without the
 * clustering stage.  A label is remembered in stories.label, so articles
 * imported later with the same label join the same story.  An article
 * that already belongs to a story is left where it is.
 *
 * Ownership: a struct import_story is owned by one import run (one
 * thread); free it with import_story_free().
 */
#ifndef GZ_CLI_IMPORT_STORY_H
#define GZ_CLI_IMPORT_STORY_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct ingest_item;
struct store;
struct import_story;

struct import_story *import_story_new(void);
void import_story_free(struct import_story *is);

/*
 * After the batch items[0..n) of source_id has been stored: put each
 * item whose labels[i] is not NULL into that label's story (made when
 * new), in one transaction.  Items that were not stored are skipped.
 */
int import_story_assign(struct import_story *is, struct store *st, int64_t source_id,
                        const struct ingest_item *items, const char *const *labels, size_t n,
                        struct gz_err *err);

/*
 * At the end of the import: recount every story that got articles, give
 * an untitled one its lead article's headline, and rank it (hotness:
 * log2(1 + sources) plus one for every 12 hours of recency of its latest
 * article, so a story twice as widely covered stays level with one half
 * a day newer).  *stories (may be NULL) gets how many stories were touched.
 */
int import_story_finish(struct import_story *is, struct store *st, size_t *stories,
                        struct gz_err *err);

#endif
