/*
 * metrics.h - the process's counters, served at /metrics in the
 * Prometheus text format.
 *
 * Counters are process-wide C11 atomics (relaxed): any thread may bump
 * any counter at any time without a lock, and readers see each value
 * whole.  This is the one piece of mutable global state besides the
 * log level: counters are, by nature, shared by the whole process.
 *
 * Named counters are a fixed table: a new one is a value in enum metric
 * and a row (name, help) in metrics.c.  HTTP requests are counted by
 * route (web_routes[] index) with a latency histogram, and by status
 * class.
 */
#ifndef GZ_WEB_METRICS_H
#define GZ_WEB_METRICS_H

#include <stdint.h>

struct buf;

enum metric {
    METRIC_FETCH_REQUESTS,     /* transfers started (feeds and pages) */
    METRIC_FETCH_ERRORS,       /* transfers that failed (network, HTTP >= 400, too large) */
    METRIC_FETCH_NOT_MODIFIED, /* 304 answers to conditional requests */
    METRIC_FETCH_BYTES,        /* body bytes received */
    METRIC_ARTICLES_INGESTED,  /* new articles stored */
    METRIC_PAGE_CACHE_HITS,    /* responses served from the page cache */
    METRIC_PAGE_CACHE_MISSES,  /* cacheable requests that ran their handler */
    METRIC_WEB_CUT_OFF,        /* connections closed for not sending a request in time */
    METRIC_WEB_REFUSED,        /* requests refused for their size (413, 431) */
    METRIC_COUNT
};

/* Add 1, or n, to a counter.  Thread-safe, lock-free. */
void metrics_inc(enum metric m);
void metrics_add(enum metric m, uint64_t n);
/* A counter's current value.  Thread-safe. */
uint64_t metrics_get(enum metric m);

/* Routes counted separately at most; requests of later routes are not counted. */
#define METRICS_MAX_ROUTES 64

/*
 * Count one HTTP response: route is an index into web_routes[] (-1 for a
 * request that matched no route), status its HTTP status, usec the time
 * from the request's arrival to the response being queued.  Thread-safe.
 */
void metrics_request(int route, int status, int64_t usec);

/*
 * Append every counter and histogram in the Prometheus text exposition
 * format (version 0.0.4).  Routes sharing a name are summed into one
 * series.  Thread-safe (values are read one by one, not as a snapshot).
 */
void metrics_write(struct buf *b);

#endif
