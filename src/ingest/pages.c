/*
 * pages.c - the full-text stage of ingest: fetch each new entry's page,
 * extract its article, keep whichever of page and feed says more.
 */
#include "ingest/ingest.h"

#include "extract/extract.h"
#include "extract/sanitize.h"
#include "fetch/fetch.h"
#include "store/store.h"
#include "text/text.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "util/url.h"

#include <string.h>

/* The page is used when it has at least this many words more than the feed ... */
#define PAGE_MIN_GAIN 20
/* ... and at least this share of the feed's words (a teaser is a prefix of the page). */
#define PAGE_MIN_RATIO 1.15

struct page_job {
    struct ingest_item *it;
    struct arena *a;
    size_t used;
};

static size_t
count_words(const char *p)
{
    struct text_tokenizer tz;
    struct text_token tok;
    size_t n = 0;

    if (!p)
        return 0;
    text_tokenizer_init(&tz, p, strlen(p));
    while (text_tokenizer_next(&tz, &tok))
        n++;
    return n;
}

/* The words the feed already gives for an item (its body, else its teaser). */
static size_t
feed_words(const struct ingest_item *it, struct arena *a)
{
    struct buf text = BUF_INIT;
    const char *html = it->html && *it->html ? it->html : it->summary;
    size_t n;

    if (it->text && *it->text)
        return count_words(it->text);
    if (!html || !*html)
        return 0;
    buf_init(&text, 1u << 20);
    (void)html_to_text(&text, html, strlen(html), NULL); /* a partial text counts too */
    n = count_words(text.p);
    (void)a;
    buf_release(&text);
    return n;
}

static void
page_done(struct fetch_result *res, void *ctx)
{
    struct page_job *job = ctx;
    struct ingest_item *it = res->user;
    struct extract_result x;
    struct gz_err err = GZ_ERR_INIT;
    size_t have;

    if (res->code) {
        it->extract_note =
            arena_printf(job->a, "page not fetched: %s", res->error ? res->error : "error");
        return;
    }
    if (res->status != 200) {
        it->extract_note = arena_printf(job->a, "page not fetched: HTTP %d", res->status);
        return;
    }
    if (extract_page(res->body.p, res->body.len, res->final_url, res->charset, job->a, &x, &err)) {
        it->extract_note = arena_printf(job->a, "page not read: %s", err.msg);
        return;
    }
    have = feed_words(it, job->a);
    if (!x.text || x.n_words < have + PAGE_MIN_GAIN || (double)x.n_words < have * PAGE_MIN_RATIO) {
        it->extract_note = arena_printf(
            job->a, "feed content kept: the page gave %zu words, the feed %zu", x.n_words, have);
    } else {
        it->text = x.text;
        it->html = x.html;
        it->extract_note = arena_printf(job->a, "text from the page (%zu words; the feed had %zu)",
                                        x.n_words, have);
        job->used++;
    }
    if ((!it->author || !*it->author) && x.byline && *x.byline)
        it->author = x.byline;
    if ((!it->image || !*it->image) && x.image && url_is_http(x.image))
        it->image = x.image;
    if (!it->published && x.published)
        it->published = x.published;
    if ((!it->lang || !*it->lang) && x.lang && *x.lang)
        it->lang = x.lang;
}

size_t
ingest_fetch_pages(struct ingest *ig, int64_t source_id, struct ingest_item *items, size_t n,
                   struct arena *a)
{
    struct fetcher *f = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct page_job job = {NULL, a, 0};
    size_t queued = 0;

    if (!n || (gz_config && !gz_config->fetch_pages))
        return 0;
    for (size_t i = 0; i < n; i++) {
        struct ingest_item *it = &items[i];
        const char *guid = it->guid && *it->guid ? it->guid : it->url;
        struct buf canon = BUF_INIT;
        int64_t existing = 0;
        struct fetch_request req = {0};

        if (!it->url || !url_is_http(it->url))
            continue;
        if (!url_canonical(&canon, it->url, NULL) &&
            !store_article_find(ingest_store(ig), it->source_id ? it->source_id : source_id, guid,
                                canon.p, &existing, &err) &&
            existing) {
            buf_release(&canon);
            continue; /* stored already: its page was read then */
        }
        buf_release(&canon);
        if (!f && fetch_new(&f, NULL, &err)) {
            log_warn("msg=\"pages not fetched\" err=\"%s\"", err.msg);
            return 0;
        }
        req.url = it->url;
        req.user = it;
        fetch_add(f, &req);
        queued++;
    }
    if (f) {
        if (fetch_run(f, page_done, &job))
            log_warn("msg=\"page fetching stopped early\" source=%lld", (long long)source_id);
        fetch_free(f);
    }
    if (queued)
        log_info("msg=\"pages fetched\" source=%lld pages=%zu used=%zu", (long long)source_id,
                 queued, job.used);
    return job.used;
}
