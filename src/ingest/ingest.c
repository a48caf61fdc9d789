/*
 * ingest.c - the pipeline: dedup, sanitize, text, store, one batch at a time.
 */
#include "ingest/ingest.h"

#include "extract/sanitize.h"
#include "feed/feed.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <stdlib.h>
#include <string.h>

/* Largest sanitized body and text kept for one article. */
#define INGEST_MAX_HTML (4u << 20)
#define INGEST_MAX_TEXT (2u << 20)
/* Length of the plain-text snippet shown in listings. */
#define INGEST_EXCERPT 280

struct ingest {
    struct store *st;
    struct arena *a; /* per batch */
};

int
ingest_new(struct ingest **out, struct store *st, struct gz_err *err)
{
    struct ingest *ig = xcalloc(1, sizeof(*ig));

    (void)err;
    ig->st = st;
    ig->a = arena_new();
    *out = ig;
    return 0;
}

void
ingest_free(struct ingest *ig)
{
    if (!ig)
        return;
    arena_free(ig->a);
    free(ig);
}

/*
 * A clean snippet: the text's first paragraphs, whitespace collapsed, cut
 * on a word boundary with an ellipsis.  Paragraph breaks become spaces,
 * never nothing, so "end\n\nStart" cannot read "endStart".
 */
static char *
make_excerpt(struct arena *a, const char *text, size_t max)
{
    struct buf b = BUF_INIT;
    int space = 0;
    char *s;

    for (const char *p = text; *p && b.len < max + 64; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space)
            buf_addc(&b, ' ');
        space = 0;
        buf_addc(&b, (int)c);
    }
    if (b.len > max) {
        size_t cut = str_utf8_cut(b.p, b.len, max);

        while (cut > max / 2 && b.p[cut] != ' ')
            cut--;
        while (cut > 0 && strchr(" ,;:-", b.p[cut - 1]))
            cut--;
        buf_setlen(&b, cut);
        buf_adds(&b, "\xe2\x80\xa6"); /* … */
    }
    s = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return s;
}

static int
ingest_one(struct ingest *ig, int64_t source_id, const struct ingest_item *it,
           struct ingest_stats *stats, struct gz_err *err)
{
    struct store_article art;
    struct buf canon = BUF_INIT;
    struct buf html = BUF_INIT;
    struct buf text = BUF_INIT;
    const char *guid = it->guid && *it->guid ? it->guid : it->url;
    int64_t existing = 0;
    int rc;

    memset(&art, 0, sizeof(art));
    if (!guid || !*guid) {
        if (!it->title || !*it->title)
            return gz_errf(err, GZ_EINVAL, "entry has no id, link or title");
        guid = arena_printf(ig->a, "title:%s:%lld", it->title, (long long)it->published);
    }
    if (it->url && url_is_http(it->url) && !url_canonical(&canon, it->url, NULL))
        art.canonical_url = arena_strndup(ig->a, canon.p, canon.len);
    buf_release(&canon);
    rc = store_article_find(ig->st, source_id, guid, art.canonical_url, &existing, err);
    if (rc)
        return rc;
    if (existing) {
        stats->duplicates++;
        return 0;
    }

    buf_init(&html, INGEST_MAX_HTML);
    buf_init(&text, INGEST_MAX_TEXT);
    if (it->html && *it->html) {
        rc = sanitize_html(&html, it->html, strlen(it->html), it->url, 0, err);
        if (rc == GZ_ELIMIT)
            rc = 0; /* keep the well-formed prefix */
    }
    if (!rc && it->text && *it->text) {
        rc = buf_adds(&text, it->text);
        if (rc == GZ_ELIMIT)
            rc = 0;
    } else if (!rc && html.len) {
        rc = html_to_text(&text, html.p, html.len, err);
    } else if (!rc && it->summary && *it->summary) {
        rc = html_to_text(&text, it->summary, strlen(it->summary), err);
        if (!rc && !html.len)
            rc = sanitize_html(&html, it->summary, strlen(it->summary), it->url, 0, err);
    }
    if (rc == GZ_ELIMIT)
        rc = 0;
    if (rc)
        goto out;
    buf_trim(&text);
    if (!text.len && (!it->title || !*it->title)) {
        rc = gz_errf(err, GZ_EINVAL, "entry '%s' has neither title nor text", guid);
        goto out;
    }

    art.source_id = source_id;
    art.guid = guid;
    art.url = it->url;
    art.title = it->title && *it->title ? it->title : "";
    art.author = it->author && *it->author ? it->author : NULL;
    art.lang = it->lang;
    art.image = it->image;
    art.text = text.p;
    art.html = html.len ? html.p : NULL;
    art.excerpt = make_excerpt(ig->a, text.p, INGEST_EXCERPT);
    art.fetched = time_now();
    art.published = it->published ? it->published : art.fetched;
    art.updated = it->updated;
    rc = store_article_add(ig->st, &art, err);
    if (!rc)
        stats->added++;
    else if (rc == GZ_EEXIST) {
        stats->duplicates++; /* raced with a copy in the same batch */
        rc = 0;
    }
out:
    buf_release(&html);
    buf_release(&text);
    return rc;
}

int
ingest_batch(struct ingest *ig, int64_t source_id, const struct ingest_item *items, size_t n,
             struct ingest_stats *stats, struct gz_err *err)
{
    struct ingest_stats b = {0}; /* this batch; added to *stats once it commits */
    int rc;

    rc = store_begin(ig->st, err);
    if (rc)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct gz_err ierr = GZ_ERR_INIT;
        const struct ingest_item *it = &items[i];

        b.seen++;
        rc = store_savepoint(ig->st, err);
        if (rc)
            goto fail;
        rc = ingest_one(ig, it->source_id ? it->source_id : source_id, it, &b, &ierr);
        if (rc) {
            store_savepoint_rollback(ig->st);
            if (rc == GZ_EIO || rc == GZ_EBUSY || rc == GZ_EDB) {
                /* the database itself is in trouble: give up on the batch */
                gz_errf(err, rc, "%s", ierr.msg);
                goto fail;
            }
            b.failed++;
            log_warn("msg=\"entry not stored\" source=%lld guid=\"%s\" err=\"%s\"",
                     (long long)source_id, it->guid ? it->guid : (it->url ? it->url : ""),
                     ierr.msg);
            continue;
        }
        rc = store_savepoint_release(ig->st, err);
        if (rc)
            goto fail;
    }
    rc = store_commit(ig->st, err);
    if (rc)
        goto fail;
    stats->seen += b.seen;
    stats->added += b.added;
    stats->duplicates += b.duplicates;
    stats->failed += b.failed;
    arena_reset(ig->a);
    return 0;
fail:
    store_rollback(ig->st);
    stats->seen += n;
    stats->failed += n;
    arena_reset(ig->a);
    return rc;
}

void
ingest_items_from_feed(const struct feed *f, struct arena *a, struct ingest_item **out, size_t *n)
{
    struct ingest_item *items = ARENA_NEWN(a, struct ingest_item, f->nentries ? f->nentries : 1);

    for (size_t i = 0; i < f->nentries; i++) {
        const struct feed_entry *e = &f->entries[i];
        struct ingest_item *it = &items[i];

        it->guid = e->id ? e->id : e->link;
        it->url = e->link;
        it->title = e->title;
        it->author = e->author ? e->author : f->author;
        it->html = e->content;
        it->summary = e->summary;
        it->image = e->image;
        it->lang = f->language;
        it->published = e->published ? e->published : e->updated;
        it->updated = e->updated;
        it->categories = e->categories;
        it->ncategories = e->ncategories;
    }
    *out = items;
    *n = f->nentries;
}
