/*
 * cmd_add.c - `gazette add URL`: follow a new feed.
 *
 * The URL is fetched once.  When it is a feed, the source is added (named
 * after the feed unless --title says otherwise) and that same response is
 * stored through the scheduler's path, so the first entries are there at
 * once and the next fetch is a conditional one.  When it is a web page,
 * the feeds it announces and then the usual feed paths of its site
 * (feed/discover.h) are tried one after the other, and the first that
 * answers with a feed is added.
 */
#include "cli/cli.h"

#include "feed/discover.h"
#include "feed/feed.h"
#include "fetch/fetch.h"
#include "fetch/scheduler.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/str.h"
#include "util/url.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"title", OPT_STR, "NAME", "the publisher's name (default: the feed's title)"},
    {"category", OPT_STR, "NAME", "a grouping for the source"},
    {"interval", OPT_INT, "SECONDS", "seconds between fetches (default: fetch-interval)"},
    {"no-fetch", OPT_BOOL, NULL, "add the URL as it is, without fetching it now"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_add_spec = {
    "gazette add URL [--title NAME] [--category NAME] [--interval SECONDS] [--no-fetch]", opts, 1,
    1};

/* Most feed candidates of a page tried before giving up. */
#define ADD_MAX_TRIES 12

struct add {
    struct cli_ctx *ctx;
    struct fetcher *f;
    const char *url; /* as given (normalized) */
    struct feed_candidate *cand;
    size_t ncand;
    size_t next; /* the candidate being tried */
    int rc;
};

static int
add_source(struct add *ad, const char *url, const struct feed *feed, int64_t *id)
{
    struct cli_ctx *ctx = ad->ctx;
    struct store_source src;
    struct gz_err err = GZ_ERR_INIT;
    long interval = cli_int(ctx, "interval", gz_config->fetch_interval);

    memset(&src, 0, sizeof(src));
    src.url = url;
    src.title = cli_str(ctx, "title", feed && feed->title && *feed->title ? feed->title : NULL);
    src.site_url = feed && feed->link && url_is_http(feed->link) ? feed->link : NULL;
    src.category = cli_str(ctx, "category", NULL);
    src.interval = interval > 0 ? interval : gz_config->fetch_interval;
    if (store_source_add(ctx->store, &src, id, &err))
        return cli_error("%s", err.msg);
    return 0;
}

/* res holds the feed at url: add it and store this response's entries. */
static void
accept_feed(struct add *ad, struct fetch_result *res, const char *url, const struct feed *feed)
{
    struct cli_ctx *ctx = ad->ctx;
    struct gz_err err = GZ_ERR_INIT;
    struct store_source src;
    struct sched *s = NULL;
    struct sched_outcome out;
    int64_t id;

    cli_progress_done(ctx);
    url = arena_strdup(ctx->arena, url);
    if (ad->cand && store_source_by_url(ctx->store, url, ctx->arena, &src, &err) == 0) {
        printf("already a source: %lld %s (found in %s)\n", (long long)src.id, url, ad->url);
        return;
    }
    ad->rc = add_source(ad, url, feed, &id);
    if (ad->rc)
        return;
    if (store_source_get(ctx->store, id, ctx->arena, &src, &err) ||
        sched_new(&s, ctx->store, NULL, NULL, NULL, &err) ||
        sched_process(s, &src, res, &out, &err)) {
        sched_free(s);
        ad->rc = cli_error("%s", err.msg);
        return;
    }
    printf("added source %lld: %s <%s>", (long long)id,
           src.title && *src.title ? src.title : "(untitled)", url);
    if (ad->cand)
        printf(" (found in %s)", ad->url);
    printf(": %zu entries, %zu new articles\n", out.entries, out.new_articles);
    if (out.error)
        ad->rc = cli_error("%s: %s", url, out.error);
    sched_free(s);
}

/* Fetch the next candidate feed of the page, or give up. */
static void
try_next(struct add *ad)
{
    struct fetch_request rq;

    if (ad->next >= ad->ncand || ad->next >= ADD_MAX_TRIES) {
        cli_progress_done(ad->ctx);
        ad->rc = cli_error("no feed found in '%s': it is a web page, and none of the %zu feed "
                           "addresses it names or that sites usually use answered with a feed",
                           ad->url, ad->next);
        return;
    }
    rq = (struct fetch_request){ad->cand[ad->next].url, NULL, NULL, &ad->cand[ad->next]};
    cli_progress(ad->ctx, "trying %s", rq.url);
    fetch_add(ad->f, &rq);
}

static void
on_fetched(struct fetch_result *res, void *arg)
{
    struct add *ad = arg;
    struct cli_ctx *ctx = ad->ctx;
    struct feed *feed = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int is_page = res->user == NULL;
    int ok = !res->code && res->status >= 200 && res->status < 300;

    if (ok && feed_parse(res->body.p, res->body.len, res->final_url, res->charset, ctx->arena,
                         &feed, &err) == 0) {
        accept_feed(ad, res, res->moved_to ? res->moved_to : res->url, feed);
        return;
    }
    if (!is_page) {
        /* that candidate was not a feed: the next one */
        ad->next++;
        try_next(ad);
        return;
    }
    cli_progress_done(ctx);
    if (res->code) {
        ad->rc = cli_error("cannot fetch '%s': %s", ad->url, res->error);
        return;
    }
    if (!ok) {
        ad->rc = cli_error("cannot fetch '%s': HTTP %d", ad->url, res->status);
        return;
    }
    if (feed_discover(res->body.p, res->body.len, res->final_url, ctx->arena, &ad->cand, &ad->ncand,
                      NULL) ||
        !ad->ncand) {
        ad->rc = cli_error("'%s' is not a feed, and names none: %s", ad->url, err.msg);
        return;
    }
    try_next(ad);
}

int
cmd_add(struct cli_ctx *ctx)
{
    struct add ad;
    struct buf u = BUF_INIT;
    struct store_source existing;
    struct gz_err err = GZ_ERR_INIT;
    struct fetch_request rq;
    int64_t id;

    signal(SIGPIPE, SIG_IGN); /* a peer closing a TLS connection must not kill us */
    if (url_resolve(&u, NULL, ctx->argv[0], NULL) || !url_is_http(u.p)) {
        buf_release(&u);
        fprintf(stderr, "error: '%s' is not an http or https URL\n", ctx->argv[0]);
        return 2;
    }
    memset(&ad, 0, sizeof(ad));
    ad.ctx = ctx;
    ad.url = arena_strdup(ctx->arena, u.p);
    buf_release(&u);
    if (store_source_by_url(ctx->store, ad.url, ctx->arena, &existing, &err) == 0) {
        printf("already a source: %lld %s\n", (long long)existing.id, ad.url);
        return 0;
    }
    if (cli_has(ctx, "no-fetch")) {
        if (add_source(&ad, ad.url, NULL, &id))
            return 1;
        printf("added source %lld: %s\n", (long long)id, ad.url);
        return 0;
    }
    if (fetch_new(&ad.f, NULL, &err))
        return cli_error("%s", err.msg);
    rq = (struct fetch_request){ad.url, NULL, NULL, NULL};
    fetch_add(ad.f, &rq);
    cli_progress(ctx, "fetching %s", ad.url);
    if (fetch_run(ad.f, on_fetched, &ad))
        ad.rc = cli_error("cannot fetch '%s'", ad.url);
    cli_progress_done(ctx);
    fetch_free(ad.f);
    return ad.rc;
}
