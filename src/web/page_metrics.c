/*
 * page_metrics.c - /metrics in the Prometheus text format: the counters
 * of metrics.h and the size of the collection (store_counts: a few
 * count(*) queries, cheap enough for a scrape every few seconds).
 */
#include "web/page.h"

#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "web/metrics.h"

int
page_metrics(struct req *r, const char *arg)
{
    struct store_counts c;
    struct gz_err err = GZ_ERR_INIT;
    struct buf *b = &r->out;

    (void)arg;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_write(b);
    if (store_counts(r->st, &c, &err)) {
        log_warn("msg=\"cannot count for metrics\" err=\"%s\"", err.msg);
        buf_adds(b, "# HELP gazette_up Whether the database answered.\n# TYPE gazette_up gauge\n"
                    "gazette_up 0\n");
        return 0;
    }
    buf_addf(b,
             "# HELP gazette_up Whether the database answered.\n# TYPE gazette_up gauge\n"
             "gazette_up 1\n"
             "# HELP gazette_articles Articles stored.\n# TYPE gazette_articles gauge\n"
             "gazette_articles %lld\n"
             "# HELP gazette_stories Stories (not merged).\n# TYPE gazette_stories gauge\n"
             "gazette_stories %lld\n"
             "# HELP gazette_sources Sources followed.\n# TYPE gazette_sources gauge\n"
             "gazette_sources %lld\n"
             "# HELP gazette_users Accounts.\n# TYPE gazette_users gauge\n"
             "gazette_users %lld\n"
             "# HELP gazette_comments Comments.\n# TYPE gazette_comments gauge\n"
             "gazette_comments %lld\n",
             (long long)c.articles, (long long)c.stories, (long long)c.sources, (long long)c.users,
             (long long)c.comments);
    return 0;
}
