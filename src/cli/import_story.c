/*
 * import_story.c - labelled stories for `gazette import` (see import_story.h).
 */
#include "cli/import_story.h"

#include "ingest/ingest.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/url.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct import_story {
    int64_t *touched; /* story ids that got articles, with repeats */
    size_t n;
    size_t alloc;
};

struct import_story *
import_story_new(void)
{
    return xcalloc(1, sizeof(struct import_story));
}

void
import_story_free(struct import_story *is)
{
    if (!is)
        return;
    free(is->touched);
    free(is);
}

/* The stored article for an item, found as ingest stored it (guid, else URL; canonical URL). */
static int
find_article(struct store *st, int64_t source_id, const struct ingest_item *it, int64_t *id,
             struct gz_err *err)
{
    struct buf canon = BUF_INIT;
    const char *guid = it->guid && *it->guid ? it->guid : it->url;
    const char *canonical = NULL;
    int rc;

    if (it->url && url_is_http(it->url) && !url_canonical(&canon, it->url, NULL))
        canonical = canon.p;
    rc = store_article_find(st, source_id, guid, canonical, id, err);
    buf_release(&canon);
    return rc;
}

static int
assign_one(struct import_story *is, struct store *st, int64_t source_id,
           const struct ingest_item *it, const char *label, struct arena *a, struct gz_err *err)
{
    struct store_article art;
    int64_t id = 0;
    int64_t story = 0;
    int rc = find_article(st, it->source_id ? it->source_id : source_id, it, &id, err);

    if (rc || !id)
        return rc;
    rc = store_article_get(st, id, a, &art, err);
    if (rc || art.story_id)
        return rc;
    rc = store_story_for_label(st, label, &story, NULL, err);
    if (!rc)
        rc = store_article_set_story(st, id, story, 0, err);
    if (!rc) {
        ALLOC_GROW(is->touched, is->n + 1, is->alloc);
        is->touched[is->n++] = story;
    }
    return rc;
}

int
import_story_assign(struct import_story *is, struct store *st, int64_t source_id,
                    const struct ingest_item *items, const char *const *labels, size_t n,
                    struct gz_err *err)
{
    struct arena *a;
    size_t any = 0;
    int rc;

    for (size_t i = 0; i < n; i++)
        any += labels[i] != NULL;
    if (!any)
        return 0;
    rc = store_begin(st, err);
    if (rc)
        return rc;
    a = arena_new();
    for (size_t i = 0; !rc && i < n; i++) {
        if (labels[i])
            rc = assign_one(is, st, source_id, &items[i], labels[i], a, err);
        arena_reset(a);
    }
    arena_free(a);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, err);
}

static int
cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x;
    int64_t b = *(const int64_t *)y;

    return a < b ? -1 : a > b;
}

static int
finish_one(struct store *st, int64_t id, struct arena *a, struct gz_err *err)
{
    struct store_story s;
    struct store_article *lead = NULL;
    size_t nlead = 0;
    int rc = store_story_recount(st, id, err);

    if (!rc)
        rc = store_story_get(st, id, a, &s, err);
    if (!rc && (!s.title || !*s.title)) {
        rc = store_story_leads(st, &id, 1, a, &lead, &nlead, err);
        if (!rc && nlead)
            s.title = lead[0].title;
    }
    if (rc)
        return rc;
    s.hotness = log2(1.0 + (double)s.n_sources) + (double)s.last_updated / 43200.0;
    return store_story_update(st, &s, err);
}

int
import_story_finish(struct import_story *is, struct store *st, size_t *stories, struct gz_err *err)
{
    struct arena *a;
    size_t distinct = 0;
    int rc;

    if (stories)
        *stories = 0;
    if (!is->n)
        return 0;
    qsort(is->touched, is->n, sizeof(*is->touched), cmp_id);
    rc = store_begin(st, err);
    if (rc)
        return rc;
    a = arena_new();
    for (size_t i = 0; !rc && i < is->n; i++) {
        if (i && is->touched[i] == is->touched[i - 1])
            continue;
        rc = finish_one(st, is->touched[i], a, err);
        distinct++;
        arena_reset(a);
    }
    arena_free(a);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    rc = store_commit(st, err);
    if (!rc && stories)
        *stories = distinct;
    return rc;
}
