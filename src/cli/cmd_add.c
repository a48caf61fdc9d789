/*
 * cmd_add.c - `gazette add URL`: follow a new feed.
 *
 * The URL is fetched once: when it is a feed, the source is added (named
 * after the feed unless --title says otherwise) and that same response is
 * stored through the scheduler's path, so the first entries are there at
 * once and the next fetch is a conditional one.
 */
#include "cli/cli.h"

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
    {"no-fetch", OPT_BOOL, NULL, "add the source without fetching it now"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_add_spec = {
    "gazette add URL [--title NAME] [--category NAME] [--interval SECONDS] [--no-fetch]", opts, 1,
    1};

struct add {
    struct cli_ctx *ctx;
    const char *url;
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

/* The one response: a feed is added and stored; anything else is explained. */
static void
on_fetched(struct fetch_result *res, void *arg)
{
    struct add *ad = arg;
    struct cli_ctx *ctx = ad->ctx;
    struct feed *feed = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct store_source src;
    struct sched *s = NULL;
    struct sched_outcome out;
    const char *url = res->moved_to ? res->moved_to : ad->url;
    int64_t id;
    int rc;

    if (res->code) {
        ad->rc = cli_error("cannot fetch '%s': %s", ad->url, res->error);
        return;
    }
    if (res->status < 200 || res->status >= 300) {
        ad->rc = cli_error("cannot fetch '%s': HTTP %d", ad->url, res->status);
        return;
    }
    rc = feed_parse(res->body.p, res->body.len, res->final_url, res->charset, ctx->arena, &feed,
                    &err);
    if (rc) {
        if (res->content_type && str_has_prefix(res->content_type, "text/html"))
            ad->rc = cli_error("'%s' is an HTML page, not a feed; give the feed's own URL "
                               "(finding feeds in pages is not supported yet)",
                               ad->url);
        else
            ad->rc = cli_error("'%s' is not a feed: %s", ad->url, err.msg);
        return;
    }
    url = arena_strdup(ctx->arena, url);
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
    printf("added source %lld: %s <%s>: %zu entries, %zu new articles\n", (long long)id,
           src.title && *src.title ? src.title : (feed->title ? feed->title : "(untitled)"), url,
           out.entries, out.new_articles);
    if (out.error)
        ad->rc = cli_error("%s: %s", url, out.error);
    sched_free(s);
}

int
cmd_add(struct cli_ctx *ctx)
{
    struct add ad;
    struct buf u = BUF_INIT;
    struct store_source existing;
    struct gz_err err = GZ_ERR_INIT;
    struct fetcher *f = NULL;
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
    if (fetch_new(&f, NULL, &err))
        return cli_error("%s", err.msg);
    rq = (struct fetch_request){ad.url, NULL, NULL, NULL};
    fetch_add(f, &rq);
    cli_progress(ctx, "fetching %s", ad.url);
    if (fetch_run(f, on_fetched, &ad))
        ad.rc = cli_error("cannot fetch '%s'", ad.url);
    cli_progress_done(ctx);
    fetch_free(f);
    return ad.rc;
}
