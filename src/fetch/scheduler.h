/*
 * scheduler.h - when each source is fetched, and the one fetch path:
 * fetch -> feed_parse -> ingest -> record on the source.
 *
 * `gazette fetch`, `gazette add` and the scheduler thread inside
 * `gazette serve` all go through sched_fetch() / sched_process(), so a
 * source is fetched, parsed, stored and scheduled the same way whoever
 * asks.
 *
 * Schedule: each source has next_fetch.  After a success (200 or 304) it
 * is now + the source's interval (sources.interval; fetch-interval for
 * new sources) with +-10% jitter, so sources added together drift apart.
 * After a failure it is now + sched_delay(): the interval doubled for
 * each consecutive error, capped at SCHED_BACKOFF_MAX (or the interval
 * when that is longer), jittered the same way, and never before a
 * Retry-After sent with a 429 or 503.  The error, its count and the
 * start of the failing run are recorded on the source; a source that
 * keeps failing is shown as failing / dead by `gazette sources` and is
 * never deleted.
 *
 * A pass: sources are queued on one fetcher (fetch/fetch.h) run by the
 * calling thread; each finished transfer is handed to an ingest thread
 * that parses the feed, stores its entries (ingest_batch) and records the
 * fetch (store_source_fetched), so parsing and the database never hold up
 * the transfers.  One source's broken feed or failed transfer marks that
 * source and the pass goes on.
 *
 * Threads: a struct sched borrows a store and uses it from the calling
 * thread and, during a pass, from its ingest thread (never both at once).
 * sched_cancel() may be called from any thread.
 */
#ifndef GZ_FETCH_SCHEDULER_H
#define GZ_FETCH_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

struct fetch_options;
struct fetch_result;
struct gz_err;
struct store;
struct store_source;
struct sched;

/* Longest wait after failures (seconds), unless a source's interval is longer. */
#define SCHED_BACKOFF_MAX 86400
/* A Retry-After longer than this is taken as this. */
#define SCHED_RETRY_AFTER_MAX (7 * 86400)
/* Most sources fetched in one pass over due sources. */
#define SCHED_MAX_PASS 100000

/* What happened to one source; strings valid during the report call only. */
struct sched_outcome {
    int64_t source_id;
    const char *url;     /* the source's URL as fetched */
    const char *new_url; /* its new URL after a permanent redirect, else NULL */
    int status;          /* HTTP status; 0 when there was no response */
    int not_modified;    /* 1: a 304, nothing parsed */
    size_t entries;      /* entries in the feed */
    size_t new_articles; /* stored for the first time */
    const char *error;   /* NULL on success */
    int64_t next_fetch;
};

struct sched_stats {
    size_t sources;      /* done so far */
    size_t updated;      /* 200 and parsed */
    size_t not_modified; /* 304 */
    size_t failed;
    size_t new_articles;
};

/*
 * Called once per source as it is done (on the pass's ingest thread, one
 * call at a time); stats are the totals so far.  NULL: outcomes are
 * logged (info for a pass, warn for each failure).
 */
typedef void (*sched_report_fn)(const struct sched_outcome *o, const struct sched_stats *stats,
                                void *ctx);

/*
 * A scheduler over st (borrowed; it must outlive the sched).  o gives the
 * fetch options (copied; NULL: from gz_config).  Free with sched_free().
 */
int sched_new(struct sched **out, struct store *st, const struct fetch_options *o,
              sched_report_fn report, void *ctx, struct gz_err *err);
/* NULL is a no-op. */
void sched_free(struct sched *s);

/*
 * Fetch the n sources src (borrowed for the call) now, due or not, and
 * process each.  stats (zeroed first) gets the totals.  Returns 0 when the
 * pass ran, whatever happened to each source (see stats->failed), or an
 * error when it could not run at all.  GZ_EBUSY when cancelled.
 */
int sched_fetch(struct sched *s, const struct store_source *src, size_t n,
                struct sched_stats *stats, struct gz_err *err);
/*
 * Claim up to limit sources due at now (store_source_claim(): no other
 * scheduler, worker or `serve` replica on the same database gets them
 * while the claim lasts, the fetch-lease setting) and fetch them as
 * sched_fetch() does; recording each fetch ends its claim.  stats->sources
 * says how many were done (0: nothing was claimable).  Many processes
 * running this on one PostgreSQL database share the due sources out
 * between them.
 */
int sched_fetch_claimed(struct sched *s, int64_t now, size_t limit, struct sched_stats *stats,
                        struct gz_err *err);
/* The same for every claimable source due at now (at most SCHED_MAX_PASS). */
int sched_fetch_due(struct sched *s, int64_t now, struct sched_stats *stats, struct gz_err *err);
/*
 * The name this scheduler's claims carry ("HOST:PID:N"), borrowed for the
 * life of s.  sched_free() gives back whatever it still holds.
 */
const char *sched_owner(const struct sched *s);

/*
 * Process one finished fetch of src as a pass does: parse, ingest and
 * record it, filling *out (strings valid until the next call on s).  For
 * a fetch made outside a pass (`gazette add` fetches a page first to know
 * whether it is a feed).  Returns 0 when the outcome was recorded (out->error
 * says whether the source failed), or a store error.
 */
int sched_process(struct sched *s, const struct store_source *src, struct fetch_result *res,
                  struct sched_outcome *out, struct gz_err *err);

/* Stop the pass in flight soon and refuse later ones.  Any thread. */
void sched_cancel(struct sched *s);

/*
 * Seconds until the next fetch of a source with this interval (<= 0:
 * 1800) after `errors` consecutive failures (0 after a
 * success) and a Retry-After of retry_after seconds (< 0: none).  u in
 * [0, 1) picks the jitter: 0.5 is none, 0 is -10%, 1 is +10%.  Pure.
 */
int64_t sched_delay(int64_t interval, int64_t errors, int64_t retry_after, double u);

/* ---- the scheduler thread of `gazette serve` (and `gazette fetch --loop`) ---- */

struct sched_thread;

/*
 * Start a thread that opens its own store connection on dsn, fetches the
 * due sources, sleeps until the next one is due (at most poll_seconds, so
 * sources added meanwhile are seen) and again, until sched_thread_stop().
 * Signals should be blocked in the caller first (the thread inherits the
 * mask).  report as for sched_new (called on a thread of the scheduler).
 */
int sched_thread_start(struct sched_thread **out, const char *dsn, long poll_seconds,
                       sched_report_fn report, void *ctx, struct gz_err *err);
/* Fetch now whatever is due, without waiting for the poll.  Any thread. */
void sched_thread_wake(struct sched_thread *t);
/* Cancel the pass in flight, join the thread, free everything.  NULL is a no-op. */
void sched_thread_stop(struct sched_thread *t);

#endif
