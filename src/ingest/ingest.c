/*
 * ingest.c - the pipeline: dedup, sanitize, text, stories, enrichment,
 * related lists, one transaction per batch.
 */
#include "ingest/ingest.h"

#include "cluster/cluster.h"
#include "enrich/enrich.h"
#include "extract/sanitize.h"
#include "feed/feed.h"
#include "store/store.h"
#include "text/analyze.h"
#include "text/lang.h"
#include "text/sig.h"
#include "text/text.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/hmap.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest sanitized body and text kept for one article. */
#define INGEST_MAX_HTML (4u << 20)
#define INGEST_MAX_TEXT (2u << 20)
/* Length of the plain-text snippet shown in listings. */
#define INGEST_EXCERPT 280
/* Most articles of the active window replayed into the index on start. */
#define INGEST_REPLAY_MAX 50000
/* Related articles kept per article. */
#define INGEST_RELATED 12
/* Members of a story whose related lists are refreshed when it grows. */
#define INGEST_SIBLINGS 24
/* The story index is refined (cluster_refine()) at the end of a batch when
 * this many seconds of wall time have passed since the last refinement ... */
#define INGEST_REFINE_EVERY 300
/* ... or this many articles were added since, whichever comes first. */
#define INGEST_REFINE_ARTICLES 1000
/* Hops followed along merged stories. */
#define INGEST_MERGE_HOPS 16

/* The stories a batch touched, refreshed once at its end. */
struct idset {
    int64_t *v;
    size_t n;
    size_t alloc;
};

struct ingest {
    struct store *st;
    struct arena *a;           /* per batch */
    struct cluster_index *ci;  /* stories of the active window */
    struct enrich *en;         /* tags, entities, summaries */
    struct text_stemmer *stem; /* for document frequencies */
    struct text_df df;         /* of the articles in the index */
    int64_t synced;            /* highest article id the index has seen */
    struct idset stories;      /* touched by the current batch */
    struct idset fresh;        /* articles added by the current batch */
    struct idset moved;        /* articles a refinement moved in the current batch */
    struct hmap labelled;      /* story id -> 1 labelled, 2 not (store_story_labelled()) */
    int64_t refined_at;        /* wall time of the last refinement */
    size_t since_refine;       /* articles added since */
};

static void
idset_add(struct idset *s, int64_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == id)
            return;
    ALLOC_GROW(s->v, s->n + 1, s->alloc);
    s->v[s->n++] = id;
}

/* ---- the story index ---- */

/* An article as the story index reads it (strings borrowed from a). */
static void
doc_of(const struct store_article *a, struct cluster_doc *d)
{
    memset(d, 0, sizeof(*d));
    d->id = a->id;
    d->time = a->published;
    d->source = (uint64_t)a->source_id;
    d->title = a->title;
    d->title_len = a->title ? strlen(a->title) : 0;
    d->text = a->text;
    d->text_len = a->text ? strlen(a->text) : 0;
    d->lang = a->lang;
    d->content_hash = a->content_hash;
    if (a->signature && a->signature_len == sizeof(struct text_minhash))
        d->minhash = (const struct text_minhash *)a->signature;
}

/* Count an article's terms in the window's document frequencies. */
static void
df_add(struct ingest *ig, const char *title, const char *text, const char *lang)
{
    struct arena *a = arena_new();
    struct text_doc doc;

    text_analyze(ig->stem, a, title, title ? strlen(title) : 0, text, text ? strlen(text) : 0, lang,
                 TEXT_AN_NO_PHRASES, &doc);
    text_df_add_doc(&ig->df, &doc);
    arena_free(a);
}

/*
 * Whether story id was imported under a label: its articles keep their
 * story (cluster_doc.fixed).  Remembered per story; a failed look-up
 * counts as "not labelled" and is logged.
 */
static int
story_labelled(struct ingest *ig, int64_t id)
{
    struct gz_err err = GZ_ERR_INIT;
    uint64_t *v = hmap_get(&ig->labelled, (uint64_t)id);
    int lab = 0;

    if (v)
        return *v == 1;
    if (store_story_labelled(ig->st, id, &lab, &err))
        log_warn("msg=\"story label not read\" story=%lld err=\"%s\"", (long long)id, err.msg);
    hmap_set(&ig->labelled, (uint64_t)id, lab ? 1 : 2);
    return lab;
}

/* Put a stored article into the index under its stored story. */
static void
index_stored(struct ingest *ig, const struct store_article *a)
{
    struct cluster_doc d;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    if (a->id > ig->synced)
        ig->synced = a->id;
    if (!a->story_id)
        return;
    doc_of(a, &d);
    d.fixed = story_labelled(ig, a->story_id);
    rc = cluster_insert(ig->ci, &d, a->story_id, a->dup_of, &err);
    if (rc && rc != GZ_EEXIST)
        log_warn("msg=\"article not indexed\" id=%lld err=\"%s\"", (long long)a->id, err.msg);
    if (!rc)
        df_add(ig, a->title, a->text, a->lang);
}

/* Drop the index and rebuild it from the store's active window. */
static int
index_rebuild(struct ingest *ig, struct gz_err *err)
{
    struct cluster_params p;
    struct store_article *arts;
    struct arena *a = arena_new();
    int64_t max_id;
    int64_t newest;
    size_t n;
    int rc;

    cluster_index_free(ig->ci);
    text_df_release(&ig->df);
    text_df_init(&ig->df);
    ig->synced = 0;
    cluster_params_default(&p);
    ig->ci = cluster_index_new(&p, err);
    if (!ig->ci) {
        arena_free(a);
        return GZ_EINVAL;
    }
    rc = store_article_newest(ig->st, &max_id, &newest, err);
    if (!rc && max_id)
        rc = store_article_recent(ig->st, newest - p.window, INGEST_REPLAY_MAX, a, &arts, &n, err);
    else
        n = 0;
    for (size_t i = 0; !rc && i < n; i++)
        index_stored(ig, &arts[i]);
    if (!rc && max_id > ig->synced)
        ig->synced = max_id; /* older articles stay out of the window */
    arena_free(a);
    return rc;
}

/* Take in what other processes stored since the index last looked. */
static int
index_catch_up(struct ingest *ig, struct gz_err *err)
{
    for (;;) {
        struct arena *a = arena_new();
        struct store_article *arts;
        size_t n;
        int rc = store_article_after(ig->st, ig->synced, 500, a, &arts, &n, err);

        for (size_t i = 0; !rc && i < n; i++)
            index_stored(ig, &arts[i]);
        arena_free(a);
        if (rc || n < 500)
            return rc;
    }
}

int
ingest_new(struct ingest **out, struct store *st, struct gz_err *err)
{
    struct ingest *ig = xcalloc(1, sizeof(*ig));
    struct enrich_opts eo = {0};
    int rc;

    ig->st = st;
    ig->a = arena_new();
    ig->stem = text_stemmer_new();
    text_df_init(&ig->df);
    hmap_init(&ig->labelled, 64);
    ig->refined_at = time_now();
    if (gz_config && gz_config->summary_sentences > 0)
        eo.summary_sentences = (int)gz_config->summary_sentences;
    if (eo.summary_sentences > ENRICH_MAX_SENTENCES)
        eo.summary_sentences = ENRICH_MAX_SENTENCES;
    ig->en = enrich_new(&eo, err);
    if (!ig->en) {
        ingest_free(ig);
        return GZ_EINVAL;
    }
    rc = index_rebuild(ig, err);
    if (rc) {
        ingest_free(ig);
        return rc;
    }
    *out = ig;
    return 0;
}

void
ingest_free(struct ingest *ig)
{
    if (!ig)
        return;
    cluster_index_free(ig->ci);
    enrich_free(ig->en);
    text_stemmer_free(ig->stem);
    text_df_release(&ig->df);
    arena_free(ig->a);
    free(ig->stories.v);
    free(ig->fresh.v);
    free(ig->moved.v);
    hmap_release(&ig->labelled);
    free(ig);
}

struct store *
ingest_store(struct ingest *ig)
{
    return ig->st;
}

/* ---- one entry ---- */

/* The end of the paragraph that starts at p: a blank line or the end of the text. */
static const char *
paragraph_end(const char *p)
{
    for (; *p; p++) {
        const char *q = p + 1;

        if (*p != '\n')
            continue;
        while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
        if (*q == '\n')
            return p;
    }
    return p;
}

/*
 * A clean snippet: the text's first paragraphs, whitespace collapsed, cut
 * on a word boundary with an ellipsis.  Paragraph breaks become spaces,
 * never nothing, so "end\n\nStart" cannot read "endStart"; a picture's
 * caption between paragraphs ("... Image: UK Government.") is left out.
 */
static char *
make_excerpt(struct arena *a, const char *text, size_t max)
{
    struct buf b = BUF_INIT;
    int space = 0;
    char *s;

    /* the second round, only when the text is nothing but captions, keeps them */
    for (int round = 0; round < 2 && !b.len; round++) {
        for (const char *p = text; *p && b.len < max + 64;) {
            const char *end = paragraph_end(p);

            if (round || !text_is_caption(p, (size_t)(end - p))) {
                for (; p < end && b.len < max + 64; p++) {
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
            }
            space = b.len > 0;
            p = end;
            while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
                p++;
        }
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

/*
 * The tags of an enrichment: hashtags first (score > 0), then entities
 * (score 0), found or created in one call (one statement on PostgreSQL).
 */
static int
store_tags(struct ingest *ig, int64_t article_id, int64_t story_id, const struct enrich_result *er,
           struct gz_err *err)
{
    size_t cap = er->ntags + er->nentities;
    const char **slugs = ARENA_NEWN(ig->a, const char *, cap ? cap : 1);
    const char **names = ARENA_NEWN(ig->a, const char *, cap ? cap : 1);
    int *kinds = ARENA_NEWN(ig->a, int, cap ? cap : 1);
    int64_t *found = ARENA_NEWN(ig->a, int64_t, cap ? cap : 1);
    int64_t *ids = ARENA_NEWN(ig->a, int64_t, cap ? cap : 1);
    double *scores = ARENA_NEWN(ig->a, double, cap ? cap : 1);
    size_t ntags = 0;
    size_t m = 0;
    size_t n = 0;
    int rc;

    for (size_t i = 0; i < er->ntags; i++) {
        slugs[m] = er->tags[i].slug;
        names[m] = er->tags[i].name;
        kinds[m++] = er->tags[i].kind;
    }
    ntags = m;
    for (size_t i = 0; i < er->nentities; i++) {
        const struct enrich_entity *e = &er->entities[i];
        char slug[256];

        if (!enrich_slug(e->name, strlen(e->name), slug, sizeof(slug)))
            continue;
        slugs[m] = arena_strdup(ig->a, slug);
        names[m] = e->name;
        kinds[m++] = e->kind;
    }
    rc = store_tag_upsert_many(ig->st, slugs, names, kinds, m, found, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m; i++) {
        int seen = 0;

        if (i < ntags) {
            const struct enrich_tag *t = &er->tags[i];

            ids[n] = found[i];
            scores[n++] = t->score > 0 ? t->score : 1e-6;
            continue;
        }
        for (size_t k = 0; k < n; k++)
            seen |= ids[k] == found[i];
        if (!seen) {
            ids[n] = found[i];
            scores[n++] = 0.0;
        }
    }
    if (story_id)
        return store_story_tags_set(ig->st, story_id, ids, scores, n, err);
    return store_article_tags_set(ig->st, article_id, ids, scores, n, err);
}

/* A JSON array of strings, in the arena. */
static char *
json_strings(struct arena *a, const char *const *v, size_t n)
{
    json_t *arr = json_array();
    char *s;
    char *out;

    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    out = arena_strdup(a, s ? s : "[]");
    free(s);
    return out;
}

/*
 * The story that story id stands for now: another process may have
 * merged it into another since this index read its members (workers
 * learn of new articles, not of merges).  Follows the merges in the
 * store and teaches the index each one, so the article joins the story
 * that is shown.
 */
static int
live_story(struct ingest *ig, int64_t *story, struct gz_err *err)
{
    for (int hops = 0; *story && hops < INGEST_MERGE_HOPS; hops++) {
        struct store_story s;
        struct gz_err ierr = GZ_ERR_INIT;
        int rc = store_story_get(ig->st, *story, ig->a, &s, err);

        if (rc == GZ_ENOTFOUND)
            return 0; /* not stored yet (a story of this batch): nothing to follow */
        if (rc || !s.merged_into)
            return rc;
        /* the index may not know either story (out of its window): then it has nothing to move */
        if (cluster_merge(ig->ci, *story, s.merged_into, &ierr) && ierr.code != GZ_ENOTFOUND)
            log_warn("msg=\"merge not followed in the index\" story=%lld err=\"%s\"",
                     (long long)*story, ierr.msg);
        *story = s.merged_into;
    }
    return 0;
}

/* The story of a new article: a labelled one, the one clustering picks, or a new one. */
static int
place_article(struct ingest *ig, const struct ingest_item *it, struct store_article *art,
              struct gz_err *err)
{
    struct cluster_doc d;
    struct cluster_result res;
    int64_t story = 0;
    int rc;

    doc_of(art, &d);
    memset(&res, 0, sizeof(res));
    if (it->story_label && *it->story_label) {
        rc = store_story_for_label(ig->st, it->story_label, &story, NULL, err);
        d.fixed = 1;
        if (!rc)
            hmap_set(&ig->labelled, (uint64_t)story, 1);
    } else {
        rc = cluster_assign(ig->ci, &d, &res, err);
        story = res.story;
        if (!rc && story)
            rc = live_story(ig, &story, err);
        if (!rc && res.merge_from && res.merge_into) {
            rc = live_story(ig, &res.merge_from, err);
            if (!rc)
                rc = live_story(ig, &res.merge_into, err);
        }
        if (!rc && !story) {
            struct store_story s = {0};

            s.title = art->title;
            s.first_seen = art->published;
            s.last_updated = art->published;
            rc = store_story_add(ig->st, &s, err);
            story = s.id;
        }
    }
    if (rc)
        return rc;
    rc = cluster_insert(ig->ci, &d, story, res.dup_of, err);
    if (rc == GZ_EEXIST)
        rc = 0;
    if (rc)
        return rc;
    if (res.merge_from && res.merge_into && res.merge_from != res.merge_into) {
        rc = store_story_merge(ig->st, res.merge_from, res.merge_into, err);
        if (!rc)
            rc = cluster_merge(ig->ci, res.merge_from, res.merge_into, err);
        if (rc == GZ_ENOTFOUND)
            rc = 0;
        if (rc)
            return rc;
        story = cluster_story_of(ig->ci, art->id);
    }
    art->story_id = story;
    art->dup_of = res.dup_of;
    rc = store_article_set_story(ig->st, art->id, story, res.dup_of, err);
    if (!rc)
        idset_add(&ig->stories, story);
    return rc;
}

static int
ingest_one(struct ingest *ig, int64_t source_id, const struct ingest_item *it,
           struct ingest_stats *stats, struct gz_err *err)
{
    struct store_article art;
    struct buf canon = BUF_INIT;
    struct buf html = BUF_INIT;
    struct buf text = BUF_INIT;
    struct enrich_result er;
    struct text_minhash mh;
    unsigned char hash[TEXT_CONTENT_HASH_LEN];
    char lang[TEXT_LANG_MAX];
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
    enrich_detect_lang(ig->en, it->lang, art.title, text.p, lang);
    art.lang = *lang ? lang : NULL;
    art.image = it->image;
    art.text = text.p;
    art.html = html.len ? html.p : NULL;
    art.excerpt = make_excerpt(ig->a, text.p, INGEST_EXCERPT);
    art.fetched = time_now();
    art.published = it->published ? it->published : art.fetched;
    art.updated = it->updated;
    art.extract_note = it->extract_note;
    text_content_hash(text.p, text.len, hash);
    memset(&mh, 0, sizeof(mh)); /* no stray padding bytes in the stored blob */
    text_minhash_init(&mh);
    text_minhash_text(&mh, text.p, text.len < CLUSTER_DUP_BYTES ? text.len : CLUSTER_DUP_BYTES, 3);
    art.content_hash = hash;
    art.signature = (const unsigned char *)&mh;
    art.signature_len = sizeof(mh);
    /* enriched first, so that the summary is stored with the row rather than by an update */
    enrich_article(ig->en, art.title, art.text, art.lang, &ig->df, ig->a, &er);
    art.summary = er.summary && *er.summary ? er.summary : NULL;
    art.key_points = er.nkey_points ? json_strings(ig->a, er.key_points, er.nkey_points) : NULL;
    rc = store_article_add(ig->st, &art, err);
    if (rc == GZ_EEXIST) {
        stats->duplicates++; /* raced with a copy in the same batch */
        rc = 0;
        goto out;
    }
    if (!rc)
        rc = place_article(ig, it, &art, err);
    if (!rc)
        rc = store_tags(ig, art.id, 0, &er, err);
    if (!rc) {
        df_add(ig, art.title, art.text, art.lang);
        idset_add(&ig->fresh, art.id);
        stats->added++;
    }
out:
    buf_release(&html);
    buf_release(&text);
    return rc;
}

/* ---- refinement ---- */

struct refine_ctx {
    struct ingest *ig;
    struct gz_err *err;
    int rc;
};

/* A new story row for a group the refinement split off (0 on error). */
static int64_t
refine_label(void *ctx)
{
    struct refine_ctx *rc = ctx;
    struct store_story s;

    if (rc->rc)
        return 0;
    memset(&s, 0, sizeof(s));
    s.title = ""; /* refresh_story() gives it its headline */
    rc->rc = store_story_add(rc->ig->st, &s, rc->err);
    return rc->rc ? 0 : s.id;
}

static int
cmp_move_from(const void *a, const void *b)
{
    const struct cluster_move *x = a, *y = b;

    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    return x->doc_id < y->doc_id ? -1 : x->doc_id > y->doc_id;
}

/*
 * A story that the refinement emptied (no article left in the store) is
 * marked merged into the story that took most of its articles (ties: the
 * older, lower id), so its URL redirects there.  mv is sorted by from.
 */
static int
redirect_emptied(struct ingest *ig, const struct cluster_move *mv, size_t n, struct gz_err *err)
{
    int rc = 0;

    for (size_t i = 0; !rc && i < n;) {
        size_t j = i, best_n = 0;
        int64_t from = mv[i].from, best = 0;
        struct store_story s;
        struct cluster_story_info info;

        while (j < n && mv[j].from == from) {
            size_t k = j;

            while (k < n && mv[k].from == from && mv[k].to == mv[j].to)
                k++;
            if (k - j > best_n) {
                best_n = k - j;
                best = mv[j].to;
            }
            j = k;
        }
        i = j;
        if (cluster_story_info(ig->ci, from, &info, NULL) == 0)
            continue; /* the index still holds it: it kept its label */
        rc = store_story_recount(ig->st, from, err);
        if (!rc)
            rc = store_story_get(ig->st, from, ig->a, &s, err);
        if (!rc && !s.merged_into && s.n_articles == 0)
            rc = store_story_merge(ig->st, from, best, err);
    }
    return rc;
}

/*
 * Re-cluster the index's window (cluster_refine()) inside the batch's
 * transaction and record it: moved articles change story in the store, a
 * group split off gets a new story row, the story that keeps its label
 * keeps its id and URL, and an emptied story redirects (above).  Stories
 * touched and articles moved are refreshed with the batch.
 */
static int
refine_window(struct ingest *ig, struct gz_err *err)
{
    struct refine_ctx ctx = {ig, err, 0};
    struct cluster_move *mv = NULL;
    size_t n = 0;
    int rc = cluster_refine(ig->ci, refine_label, &ctx, &mv, &n, err);

    if (ctx.rc)
        rc = ctx.rc; /* the store failed while making a label */
    ig->refined_at = time_now();
    ig->since_refine = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = store_article_set_story(ig->st, mv[i].doc_id, mv[i].to, mv[i].dup_of, err);
        idset_add(&ig->stories, mv[i].from);
        idset_add(&ig->stories, mv[i].to);
        idset_add(&ig->moved, mv[i].doc_id);
    }
    if (!rc && n) {
        qsort(mv, n, sizeof(*mv), cmp_move_from);
        rc = redirect_emptied(ig, mv, n, err);
        log_info("msg=\"stories refined\" moved=%zu", n);
    }
    free(mv);
    return rc;
}

/* Whether a refinement is due at the end of this batch. */
static int
refine_due(const struct ingest *ig)
{
    return ig->since_refine > 0 && (ig->since_refine >= INGEST_REFINE_ARTICLES ||
                                    time_now() - ig->refined_at >= INGEST_REFINE_EVERY);
}

/* ---- what changes per batch ---- */

/* The related list of one article, from the index. */
static int
refresh_related(struct ingest *ig, int64_t id, struct gz_err *err)
{
    int64_t ids[INGEST_RELATED];
    double scores[INGEST_RELATED];
    size_t n = 0;
    int rc = cluster_related(ig->ci, id, INGEST_RELATED, ids, scores, &n, err);

    if (rc == GZ_ENOTFOUND)
        return 0; /* already out of the window */
    if (rc)
        return rc;
    return store_related_set(ig->st, id, ids, scores, n, err);
}

/*
 * New and moved articles, and the other members of their stories, get
 * fresh related lists.
 */
static int
refresh_related_all(struct ingest *ig, struct gz_err *err)
{
    struct idset done = {0};
    int rc = 0;

    for (size_t i = 0; !rc && i < ig->fresh.n + ig->moved.n; i++) {
        int64_t id = i < ig->fresh.n ? ig->fresh.v[i] : ig->moved.v[i - ig->fresh.n];
        int64_t story = cluster_story_of(ig->ci, id);
        int64_t ids[INGEST_SIBLINGS];
        size_t n = 0, had = done.n;

        idset_add(&done, id);
        if (done.n == had)
            continue; /* moved and new, or a sibling already done */
        rc = refresh_related(ig, id, err);
        if (rc || !story)
            continue;
        rc = cluster_related(ig->ci, id, INGEST_SIBLINGS, ids, NULL, &n, err);
        if (rc == GZ_ENOTFOUND)
            rc = 0;
        for (size_t k = 0; !rc && k < n; k++) {
            size_t before = done.n;

            if (cluster_story_of(ig->ci, ids[k]) != story)
                break; /* members come first: the rest are other stories */
            idset_add(&done, ids[k]);
            if (done.n > before)
                rc = refresh_related(ig, ids[k], err);
        }
    }
    free(done.v);
    return rc;
}

/*
 * A story's ranking key.  Its hotness (cluster_hotness()) halves every 12
 * hours since its newest article; stored as log2 of the hotness at that
 * newest time plus the newest time in units of 12 hours, the key orders
 * stories exactly as their hotness would at any later moment, so it never
 * needs recomputing as time passes.
 */
static double
rank_key(double hotness_at_newest, int64_t newest)
{
    return log2(hotness_at_newest > 1e-9 ? hotness_at_newest : 1e-9) + (double)newest / 43200.0;
}

/* Headline, counts, ranking, summary, source diff and tags of one story. */
static int
refresh_story(struct ingest *ig, int64_t id, struct gz_err *err)
{
    struct store_story s;
    struct store_article *arts;
    struct store_article_query q = {0};
    struct enrich_story_article *ea;
    struct cluster_member *m;
    struct cluster_story_info info;
    struct enrich_result er;
    size_t n;
    int rc = store_story_recount(ig->st, id, err);

    if (!rc)
        rc = store_story_get(ig->st, id, ig->a, &s, err);
    if (rc)
        return rc;
    if (s.merged_into)
        return 0;
    q.story_id = id;
    q.limit = ENRICH_STORY_MAX;
    q.with_text = 1;
    rc = store_article_list(ig->st, &q, ig->a, &arts, &n, err);
    if (rc)
        return rc;
    if (!n)
        return 0;
    /* the list is newest first; a story reads oldest first */
    ea = ARENA_NEWN(ig->a, struct enrich_story_article, n);
    m = ARENA_NEWN(ig->a, struct cluster_member, n);
    for (size_t i = 0; i < n; i++) {
        const struct store_article *a = &arts[n - 1 - i];

        ea[i].title = a->title;
        ea[i].text = a->text;
        ea[i].lang = a->lang;
        ea[i].source = a->source_title;
        ea[i].article_id = a->id;
        m[i].time = a->published;
        m[i].source = (uint64_t)a->source_id;
        m[i].dup = a->dup_of != 0;
    }
    if (!cluster_story_info(ig->ci, id, &info, NULL) && info.headline && *info.headline)
        s.title = arena_strdup(ig->a, info.headline);
    else if (!s.title || !*s.title)
        s.title = ea[0].title;
    s.hotness = rank_key(cluster_hotness(m, n, s.last_updated), s.last_updated);
    enrich_story(ig->en, ea, n, &ig->df, ig->a, &er);
    s.summary = er.summary && *er.summary ? er.summary : NULL;
    s.key_points = er.nkey_points ? json_strings(ig->a, er.key_points, er.nkey_points) : NULL;
    s.source_diff = n > 1 ? er.source_diff : NULL;
    rc = store_story_update(ig->st, &s, err);
    if (!rc)
        rc = store_tags(ig, 0, id, &er, err);
    return rc;
}

int
ingest_batch(struct ingest *ig, int64_t source_id, const struct ingest_item *items, size_t n,
             struct ingest_stats *stats, struct gz_err *err)
{
    struct ingest_stats b = {0}; /* this batch; added to *stats once it commits */
    int64_t t_wait = 0;
    int64_t t_locked = 0;
    int rc;

    ig->stories.n = 0;
    ig->fresh.n = 0;
    ig->moved.n = 0;
    /*
     * Story assignment is serialized across processes by the ingest lock
     * (store_ingest_lock(): a PostgreSQL transaction-level advisory lock,
     * SQLite's write lock).  An advisory lock rather than row locks:
     * what must not interleave is a decision over the whole in-memory
     * index (which story an article joins, which stories merge), not a
     * write to one row; a row lock on the chosen story would not stop two
     * workers from each starting a new story for the same event, nor a
     * merge from racing a join.  Holding one lock for the batch is
     * simple and deadlock-free (nothing else is locked in another
     * order), and it is released by commit, rollback, or the death of the
     * connection.  To keep the locked part short, the index first reads
     * what other processes committed without the lock (the bulk of it),
     * then, locked, only what they committed meanwhile.  Reading by id
     * without the lock misses nothing: articles are only inserted here,
     * under the lock, so ids become visible in increasing order.
     */
    rc = index_catch_up(ig, err);
    if (!rc)
        rc = store_begin(ig->st, err);
    t_wait = time_mono_ms();
    if (!rc)
        rc = store_ingest_lock(ig->st, err);
    t_locked = time_mono_ms();
    if (!rc)
        rc = index_catch_up(ig, err);
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
    ig->since_refine += b.added;
    rc = refine_due(ig) ? refine_window(ig, err) : 0;
    if (!rc)
        rc = refresh_related_all(ig, err);
    for (size_t i = 0; !rc && i < ig->stories.n; i++)
        rc = refresh_story(ig, ig->stories.v[i], err);
    if (!rc)
        rc = store_commit(ig->st, err);
    if (rc)
        goto fail;
    /* how long the batch waited for the ingest lock and held it (bench/pg.sh sums these) */
    log_debug("msg=\"batch committed\" source=%lld items=%zu added=%zu lock_wait_ms=%lld "
              "locked_ms=%lld",
              (long long)source_id, n, b.added, (long long)(t_locked - t_wait),
              (long long)(time_mono_ms() - t_locked));
    for (size_t i = 0; i < ig->fresh.n; i++)
        if (ig->fresh.v[i] > ig->synced)
            ig->synced = ig->fresh.v[i];
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
    /* the index may hold what was rolled back: rebuild it from the store */
    {
        struct gz_err rerr = GZ_ERR_INIT;

        if (index_rebuild(ig, &rerr))
            log_error("msg=\"story index not rebuilt\" err=\"%s\"", rerr.msg);
    }
    return rc;
}

int
ingest_refine(struct ingest *ig, struct gz_err *err)
{
    int rc;

    ig->stories.n = 0;
    ig->fresh.n = 0;
    ig->moved.n = 0;
    rc = store_begin(ig->st, err);
    if (!rc)
        rc = store_ingest_lock(ig->st, err);
    if (!rc)
        rc = index_catch_up(ig, err);
    if (!rc)
        rc = refine_window(ig, err);
    if (!rc)
        rc = refresh_related_all(ig, err);
    for (size_t i = 0; !rc && i < ig->stories.n; i++)
        rc = refresh_story(ig, ig->stories.v[i], err);
    if (!rc)
        rc = store_commit(ig->st, err);
    arena_reset(ig->a);
    if (rc) {
        struct gz_err rerr = GZ_ERR_INIT;

        store_rollback(ig->st);
        if (index_rebuild(ig, &rerr))
            log_error("msg=\"story index not rebuilt\" err=\"%s\"", rerr.msg);
    }
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
