/*
 * metrics.c - counters and latency histograms (see metrics.h).
 */
#include "web/metrics.h"

#include "util/buf.h"
#include "web/web.h"

#include <stdatomic.h>
#include <string.h>

static const struct {
    const char *name;
    const char *help;
} metric_defs[METRIC_COUNT] = {
    [METRIC_FETCH_REQUESTS] = {"gazette_fetch_requests_total", "Transfers started."},
    [METRIC_FETCH_ERRORS] = {"gazette_fetch_errors_total", "Transfers that failed."},
    [METRIC_FETCH_NOT_MODIFIED] = {"gazette_fetch_not_modified_total",
                                   "Transfers answered 304 Not Modified."},
    [METRIC_FETCH_BYTES] = {"gazette_fetch_bytes_total", "Body bytes received by transfers."},
    [METRIC_ARTICLES_INGESTED] = {"gazette_articles_ingested_total", "New articles stored."},
    [METRIC_PAGE_CACHE_HITS] = {"gazette_page_cache_hits_total",
                                "Responses served from the page cache."},
    [METRIC_PAGE_CACHE_MISSES] = {"gazette_page_cache_misses_total",
                                  "Cacheable requests that ran their handler."},
    [METRIC_WEB_CUT_OFF] = {"gazette_web_cut_off_total",
                            "Connections closed for not sending a whole request in time."},
    [METRIC_WEB_REFUSED] = {"gazette_web_refused_total",
                            "Requests refused for too large a body or too many headers."},
};

/* Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf). */
static const int64_t bucket_us[] = {250,   500,    1000,   2500,   5000,    10000,  25000,
                                    50000, 100000, 250000, 500000, 1000000, 2500000};
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]) + 1)

/* one slot per route, and one more for requests that matched none */
#define NSLOTS (METRICS_MAX_ROUTES + 1)

static _Atomic uint64_t counters[METRIC_COUNT];
static _Atomic uint64_t req_count[NSLOTS];
static _Atomic uint64_t req_usec[NSLOTS];
static _Atomic uint64_t req_bucket[NSLOTS][NBUCKETS];
static _Atomic uint64_t status_class[6]; /* 1xx .. 5xx, and anything else */

void
metrics_add(enum metric m, uint64_t n)
{
    if ((unsigned)m < METRIC_COUNT)
        atomic_fetch_add_explicit(&counters[m], n, memory_order_relaxed);
}

void
metrics_inc(enum metric m)
{
    metrics_add(m, 1);
}

uint64_t
metrics_get(enum metric m)
{
    if ((unsigned)m >= METRIC_COUNT)
        return 0;
    return atomic_load_explicit(&counters[m], memory_order_relaxed);
}

void
metrics_request(int route, int status, int64_t usec)
{
    int slot = route >= 0 && route < METRICS_MAX_ROUTES ? route : METRICS_MAX_ROUTES;
    size_t b = 0;
    int cls = status / 100;

    if (route >= METRICS_MAX_ROUTES)
        return;
    if (usec < 0)
        usec = 0;
    while (b < NBUCKETS - 1 && usec > bucket_us[b])
        b++;
    atomic_fetch_add_explicit(&req_count[slot], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&req_usec[slot], (uint64_t)usec, memory_order_relaxed);
    atomic_fetch_add_explicit(&req_bucket[slot][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&status_class[cls >= 1 && cls <= 5 ? cls - 1 : 5], 1,
                              memory_order_relaxed);
}

enum series { S_COUNT, S_USEC, S_BUCKET };

static uint64_t
load_slot(enum series what, int slot, size_t k)
{
    switch (what) {
    case S_COUNT:
        return atomic_load_explicit(&req_count[slot], memory_order_relaxed);
    case S_USEC:
        return atomic_load_explicit(&req_usec[slot], memory_order_relaxed);
    case S_BUCKET:
        return atomic_load_explicit(&req_bucket[slot][k], memory_order_relaxed);
    }
    return 0;
}

/* A series summed over every route called name; name NULL: requests that matched none. */
static uint64_t
sum_named(enum series what, size_t k, const char *name)
{
    uint64_t v = 0;

    if (!name)
        return load_slot(what, NSLOTS - 1, k);
    for (int i = 0; web_routes[i].path && i < METRICS_MAX_ROUTES; i++)
        if (!strcmp(web_routes[i].name, name))
            v += load_slot(what, i, k);
    return v;
}

/* The route names, each once, in table order; NULL stands for "none". */
static int
first_of_name(int i)
{
    for (int j = 0; j < i; j++)
        if (!strcmp(web_routes[j].name, web_routes[i].name))
            return 0;
    return 1;
}

static void
write_route(struct buf *b, const char *name)
{
    const char *label = name ? name : "none";
    uint64_t cum = 0;

    for (size_t k = 0; k < NBUCKETS; k++) {
        cum += sum_named(S_BUCKET, k, name);
        if (k < NBUCKETS - 1)
            buf_addf(b,
                     "gazette_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                     "%llu\n",
                     label, (double)bucket_us[k] / 1e6, (unsigned long long)cum);
        else
            buf_addf(b,
                     "gazette_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                     "%llu\n",
                     label, (unsigned long long)cum);
    }
    buf_addf(b, "gazette_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
             (double)sum_named(S_USEC, 0, name) / 1e6);
    buf_addf(b, "gazette_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label,
             (unsigned long long)cum);
}

void
metrics_write(struct buf *b)
{
    static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    int nroutes = 0;

    while (web_routes[nroutes].path && nroutes < METRICS_MAX_ROUTES)
        nroutes++;
    buf_adds(b, "# HELP gazette_http_requests_total HTTP requests by route.\n"
                "# TYPE gazette_http_requests_total counter\n");
    for (int i = 0; i < nroutes; i++)
        if (first_of_name(i))
            buf_addf(b, "gazette_http_requests_total{route=\"%s\"} %llu\n", web_routes[i].name,
                     (unsigned long long)sum_named(S_COUNT, 0, web_routes[i].name));
    buf_addf(b, "gazette_http_requests_total{route=\"none\"} %llu\n",
             (unsigned long long)sum_named(S_COUNT, 0, NULL));

    buf_adds(b, "# HELP gazette_http_request_duration_seconds Time to answer a request, by "
                "route.\n# TYPE gazette_http_request_duration_seconds histogram\n");
    for (int i = 0; i < nroutes; i++)
        if (first_of_name(i))
            write_route(b, web_routes[i].name);
    write_route(b, NULL);

    buf_adds(b, "# HELP gazette_http_responses_total HTTP responses by status class.\n"
                "# TYPE gazette_http_responses_total counter\n");
    for (int i = 0; i < 6; i++)
        buf_addf(b, "gazette_http_responses_total{code=\"%s\"} %llu\n", classes[i],
                 (unsigned long long)atomic_load_explicit(&status_class[i], memory_order_relaxed));
    for (int m = 0; m < METRIC_COUNT; m++)
        buf_addf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", metric_defs[m].name,
                 metric_defs[m].help, metric_defs[m].name, metric_defs[m].name,
                 (unsigned long long)metrics_get((enum metric)m));
}
