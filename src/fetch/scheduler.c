/*
 * scheduler.c - passes over sources: the fetcher on the calling thread,
 * parsing and storing on an ingest thread, a bounded queue between them.
 */
#include "fetch/scheduler.h"

#include "feed/feed.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Interval of a source that has none, when there is no configuration. */
#define SCHED_DEFAULT_INTERVAL 1800
/* Jitter: the delay is scaled by a factor in [1 - J, 1 + J]. */
#define SCHED_JITTER 0.1
/* Finished transfers waiting for the ingest thread (bounds the bodies held). */
#define SCHED_QUEUE_MAX 8

/* Seconds a claim lasts when there is no configuration. */
#define SCHED_DEFAULT_LEASE 600

struct sched {
    struct store *st;
    char owner[128];    /* names this scheduler's claims on sources */
    int64_t lease;      /* seconds each claim lasts */
    atomic_int claimed; /* it may hold claims: release them when freed */
    struct fetch_options o;
    struct ingest *ig;
    sched_report_fn report;
    void *ctx;
    struct arena *a; /* one source's processing; reset for each */
    pthread_mutex_t mu;
    struct fetcher *running; /* the pass's fetcher, under mu */
    atomic_int cancelled;
};

/* ---- timing ---- */

int64_t
sched_delay(int64_t interval, int64_t errors, int64_t retry_after, double u)
{
    int64_t base;
    int64_t cap;
    int64_t d;

    if (interval <= 0)
        interval = SCHED_DEFAULT_INTERVAL;
    cap = interval > SCHED_BACKOFF_MAX ? interval : SCHED_BACKOFF_MAX;
    base = interval;
    for (int64_t i = 0; i < errors && base < cap; i++)
        base *= 2;
    if (base > cap)
        base = cap;
    if (!(u >= 0.0)) /* also NaN */
        u = 0.0;
    if (u > 1.0)
        u = 1.0;
    d = base + (int64_t)((double)base * SCHED_JITTER * (2.0 * u - 1.0));
    if (errors > 0 && d > cap)
        d = cap;
    if (retry_after > 0) {
        if (retry_after > SCHED_RETRY_AFTER_MAX)
            retry_after = SCHED_RETRY_AFTER_MAX;
        if (d < retry_after)
            d = retry_after;
    }
    return d > 0 ? d : 1;
}

static double
jitter(void)
{
    return (double)randombytes_uniform(1000000) / 1e6;
}

/* ---- one source ---- */

static int
is_html(const char *content_type)
{
    return content_type && (str_has_prefix(content_type, "text/html") ||
                            str_has_prefix(content_type, "application/xhtml"));
}

int
sched_process(struct sched *s, const struct store_source *src, struct fetch_result *res,
              struct sched_outcome *out, struct gz_err *err)
{
    struct store_fetch f;
    const char *error = NULL;
    const char *new_url = NULL;
    int64_t retry = -1;
    int64_t now = time_now();
    int64_t interval = src->interval;
    int64_t errors;

    arena_reset(s->a);
    memset(out, 0, sizeof(*out));
    memset(&f, 0, sizeof(f));
    out->source_id = src->id;
    out->url = src->url;
    out->status = res->status;
    f.source_id = src->id;
    f.at = now - res->duration_ms / 1000;
    f.duration_ms = res->duration_ms;
    f.http_status = res->status;
    f.bytes = (int64_t)res->body.len;

    if (res->code) {
        error = arena_strdup(s->a, res->error ? res->error : gz_strerror(res->code));
    } else if (res->status == 304) {
        out->not_modified = 1;
        f.etag = res->etag;
        f.last_modified = res->last_modified;
        new_url = res->moved_to;
    } else if (res->status >= 200 && res->status < 300) {
        struct feed *feed = NULL;
        struct gz_err perr = GZ_ERR_INIT;
        int rc = feed_parse(res->body.p, res->body.len, res->final_url, res->charset, s->a, &feed,
                            &perr);

        if (rc) {
            if (rc == GZ_EPARSE && is_html(res->content_type))
                error = "an HTML page, not a feed ('gazette add' finds a page's feeds)";
            else if (str_has_prefix(perr.msg, "not a feed"))
                error = arena_strdup(s->a, perr.msg);
            else
                error = arena_printf(s->a, "not a feed: %s", perr.msg);
        } else {
            struct ingest_item *items;
            size_t n;
            struct ingest_stats ist;
            struct gz_err ierr = GZ_ERR_INIT;

            memset(&ist, 0, sizeof(ist));
            ingest_items_from_feed(feed, s->a, &items, &n);
            out->entries = n;
            (void)ingest_fetch_pages(s->ig, src->id, items, n, s->a); /* notes say why */
            if (ingest_batch(s->ig, src->id, items, n, &ist, &ierr)) {
                error = arena_printf(s->a, "entries not stored: %s", ierr.msg);
            } else {
                struct store_source fill;
                struct gz_err ferr = GZ_ERR_INIT;
                int64_t id;

                out->new_articles = ist.added;
                f.new_articles = (int64_t)ist.added;
                f.etag = res->etag;
                f.last_modified = res->last_modified;
                new_url = res->moved_to;
                /* a source without a name or home page takes the feed's */
                memset(&fill, 0, sizeof(fill));
                fill.url = src->url;
                fill.title = feed->title && *feed->title ? feed->title : NULL;
                fill.site_url = feed->link && url_is_http(feed->link) ? feed->link : NULL;
                if ((fill.title && (!src->title || !*src->title)) ||
                    (fill.site_url && !src->site_url)) {
                    if (store_source_add(s->st, &fill, &id, &ferr))
                        log_warn("msg=\"source not named\" source=%lld err=\"%s\"",
                                 (long long)src->id, ferr.msg);
                }
            }
        }
    } else {
        if ((res->status == 429 || res->status == 503) && res->retry_after >= 0) {
            retry = res->retry_after;
            error =
                arena_printf(s->a, "HTTP %d (retry after %lld s)", res->status, (long long)retry);
        } else if (res->status) {
            error = arena_printf(s->a, "HTTP %d", res->status);
        } else {
            error = "no HTTP response";
        }
    }

    if (interval <= 0)
        interval = gz_config && gz_config->fetch_interval > 0 ? gz_config->fetch_interval
                                                              : SCHED_DEFAULT_INTERVAL;
    errors = error ? src->error_count + 1 : 0;
    f.next_fetch = now + sched_delay(interval, errors, retry, jitter());
    f.error = error;
    f.new_url = error ? NULL : new_url;
    out->error = error;
    out->new_url = f.new_url;
    out->next_fetch = f.next_fetch;
    return store_source_fetched(s->st, &f, err);
}

/* ---- a pass ---- */

/* A finished transfer handed to the ingest thread: the result, deep-copied. */
struct done_item {
    struct done_item *next;
    const struct store_source *src;
    struct fetch_result r;
};

struct pass {
    struct sched *s;
    pthread_mutex_t mu;
    pthread_cond_t can_put;
    pthread_cond_t can_get;
    struct done_item *head;
    struct done_item *tail;
    size_t n;
    int closed;
    struct sched_stats stats; /* the ingest thread's */
};

static void
result_copy(struct fetch_result *dst, struct fetch_result *src)
{
    *dst = *src;
    dst->url = xstrdup(src->url);
    dst->final_url = xstrdup(src->final_url);
    dst->moved_to = xstrdup(src->moved_to);
    dst->etag = xstrdup(src->etag);
    dst->last_modified = xstrdup(src->last_modified);
    dst->content_type = xstrdup(src->content_type);
    dst->charset = xstrdup(src->charset);
    dst->error = xstrdup(src->error);
    /* the body moves */
    dst->body = src->body;
    buf_init(&src->body, 0);
}

static void
result_release(struct fetch_result *r)
{
    free((char *)r->url);
    free((char *)r->final_url);
    free((char *)r->moved_to);
    free((char *)r->etag);
    free((char *)r->last_modified);
    free((char *)r->content_type);
    free((char *)r->charset);
    free((char *)r->error);
    buf_release(&r->body);
}

/* On the fetch thread: queue the result, waiting while the queue is full. */
static void
on_fetched(struct fetch_result *res, void *ctx)
{
    struct pass *p = ctx;
    struct done_item *it = xcalloc(1, sizeof(*it));

    it->src = res->user;
    result_copy(&it->r, res);
    pthread_mutex_lock(&p->mu);
    while (p->n >= SCHED_QUEUE_MAX)
        pthread_cond_wait(&p->can_put, &p->mu);
    if (p->tail)
        p->tail->next = it;
    else
        p->head = it;
    p->tail = it;
    p->n++;
    pthread_cond_signal(&p->can_get);
    pthread_mutex_unlock(&p->mu);
}

static void
log_outcome(const struct sched_outcome *o)
{
    if (o->error)
        log_warn("msg=\"fetch failed\" source=%lld url=\"%s\" status=%d err=\"%s\"",
                 (long long)o->source_id, o->url, o->status, o->error);
    else
        log_debug("msg=fetched source=%lld url=\"%s\" status=%d entries=%zu new=%zu",
                  (long long)o->source_id, o->url, o->status, o->entries, o->new_articles);
}

static void
handle(struct pass *p, struct done_item *it)
{
    struct sched *s = p->s;
    struct sched_outcome out;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    if (it->r.code == GZ_EBUSY && atomic_load(&s->cancelled))
        return; /* stopped by us, not the source's failure: nothing recorded */
    rc = sched_process(s, it->src, &it->r, &out, &err);
    if (rc) {
        /* the outcome could not be recorded: report it as a failure all the same */
        log_error("msg=\"fetch not recorded\" source=%lld err=\"%s\"", (long long)it->src->id,
                  err.msg);
        out.error = err.msg;
    }
    p->stats.sources++;
    if (out.error)
        p->stats.failed++;
    else if (out.not_modified)
        p->stats.not_modified++;
    else
        p->stats.updated++;
    p->stats.new_articles += out.new_articles;
    if (s->report)
        s->report(&out, &p->stats, s->ctx);
    else
        log_outcome(&out);
}

static void *
ingest_main(void *arg)
{
    struct pass *p = arg;

    for (;;) {
        struct done_item *it;

        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->closed)
            pthread_cond_wait(&p->can_get, &p->mu);
        it = p->head;
        if (it) {
            p->head = it->next;
            if (!p->head)
                p->tail = NULL;
            p->n--;
            pthread_cond_signal(&p->can_put);
        }
        pthread_mutex_unlock(&p->mu);
        if (!it)
            break;
        handle(p, it);
        result_release(&it->r);
        free(it);
    }
    return NULL;
}

int
sched_fetch(struct sched *s, const struct store_source *src, size_t n, struct sched_stats *stats,
            struct gz_err *err)
{
    struct fetcher *f = NULL;
    struct pass p;
    pthread_t th;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (atomic_load(&s->cancelled))
        return gz_errf(err, GZ_EBUSY, "cancelled");
    if (!n)
        return 0;
    rc = fetch_new(&f, &s->o, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct fetch_request rq = {src[i].url, src[i].etag, src[i].last_modified, (void *)&src[i]};

        fetch_add(f, &rq);
    }
    memset(&p, 0, sizeof(p));
    p.s = s;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.can_put, NULL);
    pthread_cond_init(&p.can_get, NULL);
    if (pthread_create(&th, NULL, ingest_main, &p)) {
        fetch_free(f);
        rc = gz_errf(err, GZ_EINVAL, "cannot start the ingest thread");
        goto out;
    }
    pthread_mutex_lock(&s->mu);
    s->running = f;
    pthread_mutex_unlock(&s->mu);
    if (atomic_load(&s->cancelled))
        fetch_cancel(f);
    rc = fetch_run(f, on_fetched, &p);
    if (rc)
        gz_errf(err, rc, "the fetch loop failed");
    pthread_mutex_lock(&p.mu);
    p.closed = 1;
    pthread_cond_signal(&p.can_get);
    pthread_mutex_unlock(&p.mu);
    pthread_join(th, NULL);
    pthread_mutex_lock(&s->mu);
    s->running = NULL;
    pthread_mutex_unlock(&s->mu);
    fetch_free(f);
    *stats = p.stats;
    if (!s->report && stats->sources)
        log_info("msg=\"fetch pass\" sources=%zu updated=%zu unchanged=%zu failed=%zu new=%zu",
                 stats->sources, stats->updated, stats->not_modified, stats->failed,
                 stats->new_articles);
    if (!rc && atomic_load(&s->cancelled))
        rc = gz_errf(err, GZ_EBUSY, "cancelled");
out:
    pthread_cond_destroy(&p.can_get);
    pthread_cond_destroy(&p.can_put);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

int
sched_fetch_claimed(struct sched *s, int64_t now, size_t limit, struct sched_stats *stats,
                    struct gz_err *err)
{
    struct arena *a = arena_new();
    struct store_source *src = NULL;
    size_t n = 0;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (atomic_load(&s->cancelled)) {
        arena_free(a);
        return gz_errf(err, GZ_EBUSY, "cancelled");
    }
    atomic_store(&s->claimed, 1);
    rc = store_source_claim(s->st, s->owner, now, now + s->lease, limit, a, &src, &n, err);
    if (!rc)
        rc = sched_fetch(s, src, n, stats, err);
    arena_free(a);
    return rc;
}

int
sched_fetch_due(struct sched *s, int64_t now, struct sched_stats *stats, struct gz_err *err)
{
    return sched_fetch_claimed(s, now, SCHED_MAX_PASS, stats, err);
}

const char *
sched_owner(const struct sched *s)
{
    return s->owner;
}

void
sched_cancel(struct sched *s)
{
    atomic_store(&s->cancelled, 1);
    pthread_mutex_lock(&s->mu);
    if (s->running)
        fetch_cancel(s->running);
    pthread_mutex_unlock(&s->mu);
}

int
sched_new(struct sched **out, struct store *st, const struct fetch_options *o,
          sched_report_fn report, void *ctx, struct gz_err *err)
{
    struct sched *s = xcalloc(1, sizeof(*s));
    int rc;

    s->st = st;
    if (o)
        s->o = *o;
    else
        fetch_options_from_config(&s->o);
    s->report = report;
    s->ctx = ctx;
    s->lease =
        gz_config && gz_config->fetch_lease > 0 ? gz_config->fetch_lease : SCHED_DEFAULT_LEASE;
    {
        static atomic_long serial;
        char host[64] = "";

        if (gethostname(host, sizeof(host) - 1))
            snprintf(host, sizeof(host), "localhost");
        snprintf(s->owner, sizeof(s->owner), "%s:%ld:%ld", host, (long)getpid(),
                 atomic_fetch_add(&serial, 1) + 1);
    }
    rc = ingest_new(&s->ig, st, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->a = arena_new();
    pthread_mutex_init(&s->mu, NULL);
    atomic_init(&s->cancelled, 0);
    atomic_init(&s->claimed, 0);
    *out = s;
    return 0;
}

void
sched_free(struct sched *s)
{
    if (!s)
        return;
    if (atomic_load(&s->claimed)) {
        /* sources claimed but not fetched (a pass cut short) go back now, not at lease end */
        struct gz_err err = GZ_ERR_INIT;

        if (store_source_release(s->st, s->owner, &err))
            log_warn("msg=\"claims not released\" owner=\"%s\" err=\"%s\"", s->owner, err.msg);
    }
    ingest_free(s->ig);
    arena_free(s->a);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* ---- the scheduler thread ---- */

struct sched_thread {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int wake;
    struct sched *s; /* while the thread runs, under mu */
    char *dsn;
    long poll;
    sched_report_fn report;
    void *ctx;
};

/* Seconds until the earliest due source (0 when one is due, poll when none). */
static long
until_next(struct store *st, long poll)
{
    struct arena *a = arena_new();
    struct store_source *src = NULL;
    size_t n = 0;
    struct gz_err err = GZ_ERR_INIT;
    long wait = poll;
    int64_t now = time_now();

    if (store_source_due(st, INT64_MAX, 1, a, &src, &n, &err) == 0 && n == 1) {
        int64_t d = src[0].next_fetch - now;

        if (d < wait)
            wait = d < 0 ? 0 : (long)d;
    }
    arena_free(a);
    return wait;
}

static void *
thread_main(void *arg)
{
    struct sched_thread *t = arg;
    struct store *st = NULL;
    struct sched *s = NULL;
    struct gz_err err = GZ_ERR_INIT;

    if (store_open(&st, t->dsn, 0, &err) || sched_new(&s, st, NULL, t->report, t->ctx, &err)) {
        log_error("msg=\"scheduler not started\" err=\"%s\"", err.msg);
        store_close(st);
        return NULL;
    }
    pthread_mutex_lock(&t->mu);
    t->s = s;
    if (t->stop)
        sched_cancel(s);
    pthread_mutex_unlock(&t->mu);
    log_info("msg=\"scheduler started\" poll=%ld", t->poll);
    for (;;) {
        struct sched_stats stats;
        struct timespec until;
        long wait;

        pthread_mutex_lock(&t->mu);
        if (t->stop) {
            pthread_mutex_unlock(&t->mu);
            break;
        }
        t->wake = 0;
        pthread_mutex_unlock(&t->mu);
        gz_err_clear(&err);
        if (sched_fetch_due(s, time_now(), &stats, &err) && err.code != GZ_EBUSY)
            log_error("msg=\"fetch pass failed\" err=\"%s\"", err.msg);
        wait = until_next(st, t->poll);
        /* a source that stays due (its outcome could not be stored) must not spin */
        if (wait < 1)
            wait = 1;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += wait;
        pthread_mutex_lock(&t->mu);
        while (!t->stop && !t->wake)
            if (pthread_cond_timedwait(&t->cv, &t->mu, &until) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&t->mu);
    }
    pthread_mutex_lock(&t->mu);
    t->s = NULL;
    pthread_mutex_unlock(&t->mu);
    sched_free(s);
    store_close(st);
    log_info("msg=\"scheduler stopped\"");
    return NULL;
}

int
sched_thread_start(struct sched_thread **out, const char *dsn, long poll_seconds,
                   sched_report_fn report, void *ctx, struct gz_err *err)
{
    struct sched_thread *t = xcalloc(1, sizeof(*t));
    pthread_condattr_t ca;

    t->dsn = xstrdup(dsn);
    t->poll = poll_seconds > 0 ? poll_seconds : 60;
    t->report = report;
    t->ctx = ctx;
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->th, NULL, thread_main, t)) {
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        free(t->dsn);
        free(t);
        return gz_errf(err, GZ_EINVAL, "cannot start the scheduler thread");
    }
    *out = t;
    return 0;
}

void
sched_thread_wake(struct sched_thread *t)
{
    pthread_mutex_lock(&t->mu);
    t->wake = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void
sched_thread_stop(struct sched_thread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    if (t->s)
        sched_cancel(t->s);
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->th, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t->dsn);
    free(t);
}
