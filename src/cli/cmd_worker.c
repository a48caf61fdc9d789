/*
 * cmd_worker.c - `gazette worker`: one of any number of ingest processes
 * sharing a database (PostgreSQL; on SQLite it works too, alone).
 *
 * It loops: claim a batch of due sources (store_source_claim() through
 * the scheduler: SELECT ... FOR UPDATE SKIP LOCKED with a lease, so no
 * two workers hold the same source and a worker that dies lets its
 * claims expire after fetch-lease seconds), fetch them, and for each
 * source parse, read pages, extract, cluster and enrich its new entries
 * and commit them in one transaction (ingest_batch()), then record the
 * fetch, which ends the claim.  When nothing is claimable it sleeps until
 * the next source falls due (at most --poll seconds).
 *
 * Stories stay right with many workers: ingest takes the store's ingest
 * lock (a PostgreSQL transaction-level advisory lock, see ingest.c) for
 * each batch and first reads what other workers committed meanwhile, so
 * assignment to stories is serialized across every process while
 * fetching and parsing run in parallel.
 *
 * SIGINT and SIGTERM stop it cleanly: the pass in flight is cancelled,
 * committed work stays, and the claims not yet done are given back.  When
 * the database connection is lost it exits 1 (systemd's Restart=always
 * starts a fresh one); its claims expire with their lease.
 */
#include "cli/cli.h"

#include "fetch/scheduler.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Sources claimed at a time unless --batch says otherwise. */
#define WORKER_BATCH 16
/* Longest sleep between looks for due sources unless --poll says otherwise (seconds). */
#define WORKER_POLL 30

static const struct cli_opt opts[] = {
    {"batch", OPT_INT, "N", "sources claimed at a time (default 16)"},
    {"poll", OPT_INT, "SECONDS", "longest wait between looks for due sources (default 30)"},
    {"exit-when-idle", OPT_BOOL, NULL, "exit once no source is due (claimed or not)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_worker_spec = {
    "gazette worker [--db postgres://...] [--batch N] [--poll SECONDS] [--exit-when-idle]", opts, 0,
    0};

struct worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
    struct sched *s;
    sigset_t set;
};

static void *
signal_main(void *arg)
{
    struct worker *w = arg;
    int sig = 0;

    sigwait(&w->set, &sig);
    pthread_mutex_lock(&w->mu);
    if (!atomic_load(&w->stop))
        log_info("msg=\"stopping\" signal=%d", sig);
    atomic_store(&w->stop, 1);
    sched_cancel(w->s);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Seconds until the earliest source falls due, at most poll (0 when one is due now). */
static long
until_due(struct store *st, long poll, int *none_due, struct gz_err *err)
{
    struct arena *a = arena_new();
    struct store_source *src = NULL;
    size_t n = 0;
    long wait = poll;
    int64_t now = time_now();

    *none_due = 0;
    if (store_source_due(st, INT64_MAX, 1, a, &src, &n, err) == 0) {
        if (n == 1 && src[0].next_fetch - now < wait)
            wait = src[0].next_fetch <= now ? 0 : (long)(src[0].next_fetch - now);
        *none_due = n == 0 || src[0].next_fetch > now;
    }
    arena_free(a);
    return wait;
}

int
cmd_worker(struct cli_ctx *ctx)
{
    struct worker w;
    struct gz_err err = GZ_ERR_INIT;
    struct sched_stats total;
    pthread_t sig_th;
    long batch = cli_int(ctx, "batch", WORKER_BATCH);
    long poll = cli_int(ctx, "poll", WORKER_POLL);
    int exit_idle = cli_has(ctx, "exit-when-idle");
    int rc = 0;

    if (batch < 1 || batch > 10000 || poll < 1) {
        fprintf(stderr, "error: --batch takes 1 to 10000, --poll at least 1\n");
        return 2;
    }
    memset(&w, 0, sizeof(w));
    memset(&total, 0, sizeof(total));
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &w.set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (sched_new(&w.s, ctx->store, NULL, NULL, NULL, &err))
        return cli_error("%s", err.msg);
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    atomic_init(&w.stop, 0);
    if (pthread_create(&sig_th, NULL, signal_main, &w)) {
        sched_free(w.s);
        return cli_error("cannot start the signal thread");
    }
    log_info("msg=\"worker started\" owner=\"%s\" backend=%s batch=%ld", sched_owner(w.s),
             store_backend(ctx->store), batch);
    while (!atomic_load(&w.stop)) {
        struct sched_stats stats;
        struct timespec until;
        int none_due = 0;
        long wait;

        gz_err_clear(&err);
        rc = sched_fetch_claimed(w.s, time_now(), (size_t)batch, &stats, &err);
        if (rc && err.code != GZ_EBUSY)
            log_error("msg=\"worker pass failed\" err=\"%s\"", err.msg);
        if (rc && err.code == GZ_EIO) {
            /* the connection is gone: exit, so that the service manager starts a fresh worker */
            rc = cli_error("%s", err.msg);
            break;
        }
        rc = 0;
        total.sources += stats.sources;
        total.updated += stats.updated;
        total.not_modified += stats.not_modified;
        total.failed += stats.failed;
        total.new_articles += stats.new_articles;
        if (stats.sources)
            continue; /* more may be due: claim again at once */
        gz_err_clear(&err);
        wait = until_due(ctx->store, poll, &none_due, &err);
        if (err.code == GZ_EIO) {
            rc = cli_error("%s", err.msg);
            break;
        }
        if (exit_idle && none_due && !err.code)
            break;
        if (wait < 1)
            wait = 1; /* due but claimed by another: its lease runs out at some point */
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait;
        pthread_mutex_lock(&w.mu);
        while (!atomic_load(&w.stop))
            if (pthread_cond_timedwait(&w.cv, &w.mu, &until) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&w.mu);
    }
    /* wake the signal thread if no signal came */
    pthread_mutex_lock(&w.mu);
    atomic_store(&w.stop, 1);
    pthread_mutex_unlock(&w.mu);
    pthread_kill(sig_th, SIGTERM);
    pthread_join(sig_th, NULL);
    sched_free(w.s); /* gives back claims not done */
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    printf("worker: %zu sources fetched (%zu updated, %zu unchanged, %zu failed), %zu new "
           "articles\n",
           total.sources, total.updated, total.not_modified, total.failed, total.new_articles);
    return rc;
}
