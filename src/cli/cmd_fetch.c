/*
 * cmd_fetch.c - `gazette fetch`: one pass over the due sources (or the
 * ones named), through the scheduler's fetch path; or, with --loop, the
 * scheduler in the foreground until interrupted.
 */
#include "cli/cli.h"

#include "fetch/scheduler.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"
#include "util/url.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"once", OPT_BOOL, NULL, "one pass over the due sources, then exit (the default)"},
    {"all", OPT_BOOL, NULL, "fetch every source now, due or not"},
    {"loop", OPT_BOOL, NULL, "keep fetching sources as they fall due until interrupted"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_fetch_spec = {"gazette fetch [--once | --loop] [--all] [SOURCE-URL...]",
                                        opts, 0, -1};

struct run {
    struct cli_ctx *ctx;
    size_t total;
};

static void
report(const struct sched_outcome *o, const struct sched_stats *st, void *arg)
{
    struct run *r = arg;

    if (o->error || o->new_url)
        cli_progress_done(r->ctx);
    if (o->error)
        fprintf(stderr, "error: %s: %s\n", o->url, o->error);
    if (o->new_url)
        fprintf(stderr, "moved permanently: %s -> %s\n", o->url, o->new_url);
    cli_progress(r->ctx, "fetched %zu/%zu sources: %zu new articles, %zu failed", st->sources,
                 r->total, st->new_articles, st->failed);
}

/*
 * The sources named on the command line, added first when new.  Returns
 * 0, or 2 after printing a usage error.
 */
static int
named_sources(struct cli_ctx *ctx, struct store_source **out, size_t *n)
{
    struct store_source *src = ARENA_NEWN(ctx->arena, struct store_source, (size_t)ctx->argc);
    struct gz_err err = GZ_ERR_INIT;
    size_t added = 0;

    for (int i = 0; i < ctx->argc; i++) {
        struct buf u = BUF_INIT;
        const char *url;
        int rc;

        if (url_resolve(&u, NULL, ctx->argv[i], NULL) || !url_is_http(u.p)) {
            buf_release(&u);
            fprintf(stderr, "error: '%s' is not an http or https URL\n", ctx->argv[i]);
            return 2;
        }
        url = arena_strdup(ctx->arena, u.p);
        buf_release(&u);
        rc = store_source_by_url(ctx->store, url, ctx->arena, &src[i], &err);
        if (rc == GZ_ENOTFOUND) {
            struct store_source add;
            int64_t id;

            memset(&add, 0, sizeof(add));
            add.url = url;
            add.interval = gz_config->fetch_interval;
            rc = store_source_add(ctx->store, &add, &id, &err);
            if (!rc)
                rc = store_source_get(ctx->store, id, ctx->arena, &src[i], &err);
            added += !rc;
        }
        if (rc)
            return cli_error("%s", err.msg);
    }
    if (added)
        printf("added %zu new source%s\n", added, added == 1 ? "" : "s");
    *out = src;
    *n = (size_t)ctx->argc;
    return 0;
}

static int
fetch_loop(void)
{
    struct sched_thread *t = NULL;
    struct gz_err err = GZ_ERR_INIT;
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (sched_thread_start(&t, gz_config->db, 60, NULL, NULL, &err))
        return cli_error("%s", err.msg);
    sigwait(&set, &sig);
    log_info("msg=\"stopping\" signal=%d", sig);
    sched_thread_stop(t);
    return 0;
}

int
cmd_fetch(struct cli_ctx *ctx)
{
    struct store_source *src = NULL;
    size_t n = 0;
    struct sched *s = NULL;
    struct sched_stats stats;
    struct gz_err err = GZ_ERR_INIT;
    struct run r;
    int rc;

    signal(SIGPIPE, SIG_IGN); /* a peer closing a TLS connection must not kill us */
    if (cli_has(ctx, "loop")) {
        if (cli_has(ctx, "once") || ctx->argc || cli_has(ctx, "all")) {
            fprintf(stderr, "error: --loop fetches due sources; it takes no --once, --all or "
                            "URLs\n");
            return 2;
        }
        return fetch_loop();
    }
    if (ctx->argc) {
        rc = named_sources(ctx, &src, &n);
        if (rc)
            return rc;
    } else if (cli_has(ctx, "all")) {
        /* every fetchable source: those due at the end of time */
        rc = store_source_due(ctx->store, INT64_MAX, SCHED_MAX_PASS, ctx->arena, &src, &n, &err);
    } else {
        rc = store_source_due(ctx->store, time_now(), SCHED_MAX_PASS, ctx->arena, &src, &n, &err);
    }
    if (rc)
        return cli_error("%s", err.msg);

    r.ctx = ctx;
    r.total = n;
    if (sched_new(&s, ctx->store, NULL, report, &r, &err))
        return cli_error("%s", err.msg);
    cli_progress(ctx, "fetching %zu sources", n);
    rc = sched_fetch(s, src, n, &stats, &err);
    cli_progress_done(ctx);
    sched_free(s);
    if (rc)
        return cli_error("%s", err.msg);
    printf("fetched %zu sources: %zu updated, %zu unchanged, %zu failed; %zu new articles\n",
           stats.sources, stats.updated, stats.not_modified, stats.failed, stats.new_articles);
    return stats.failed ? 1 : 0;
}
