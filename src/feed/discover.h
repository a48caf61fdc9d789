/*
 * discover.h - which URLs of a web page are its feeds.
 *
 * feed_discover() reads an HTML page (bytes and the page's URL in, a list
 * out; no network) and returns, in this order:
 *
 *   1. every <link rel="alternate"> whose type is a feed type
 *      (application/rss+xml, application/atom+xml, application/rdf+xml,
 *      application/feed+json, application/json), resolved against the
 *      page URL and the page's <base href>, in document order;
 *   2. the paths where sites usually keep a feed (/feed, /rss,
 *      /atom.xml, /feed.xml, /index.xml, /rss.xml) on the page's origin,
 *      as candidates to try (only when the page URL is http or https).
 *
 * Duplicates are dropped; only http and https URLs are returned once a
 * page URL is known (without one, hrefs are returned as written).
 * Markup inside comments, <script> and <style> is not read.
 *
 * Memory: the list and its strings are allocated from the caller's arena.
 * Thread-safety: reentrant.
 */
#ifndef GZ_FEED_DISCOVER_H
#define GZ_FEED_DISCOVER_H

#include <stddef.h>

struct arena;
struct gz_err;

/* Most candidates returned for one page. */
#define DISCOVER_MAX 64

struct feed_candidate {
    const char *url;
    const char *title; /* the link's title attribute, or NULL */
    const char *type;  /* its type attribute, or NULL for a guessed path */
    int guessed;       /* 1: a common path, not announced by the page */
};

/*
 * Candidates for html[0..len) at page_url (may be NULL).  On success *out
 * is an arena array of *n candidates (possibly 0).  GZ_ELIMIT when the
 * page is larger than FEED_MAX_BYTES.
 */
int feed_discover(const char *html, size_t len, const char *page_url, struct arena *a,
                  struct feed_candidate **out, size_t *n, struct gz_err *err);

#endif
