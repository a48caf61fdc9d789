/*
 * opml.h - subscription lists in OPML (1.0, 2.0), read and written.
 *
 * Reading: every <outline> with an xmlUrl is a feed; the outlines around
 * it (those without an xmlUrl) are its category, their titles joined by
 * '/' ("News/Europe").  A feed outline outside any folder takes the first
 * path of its OPML 2.0 category attribute, if any.  The document passes
 * the same cleaning as feeds (feed/prep.h): no DTD, no external entity is
 * ever loaded, broken XML is recovered where possible.
 *
 * Writing: OPML 2.0 with one nested outline per category level, feeds in
 * the order given within their category; everything escaped for XML
 * attributes.  Reading what opml_write() wrote gives back the same feeds
 * with the same categories.
 *
 * Memory: parse results are allocated from the caller's arena.
 * Thread-safety: reentrant (libxml2 initialised, as for feed_parse()).
 */
#ifndef GZ_FEED_OPML_H
#define GZ_FEED_OPML_H

#include <stddef.h>

struct arena;
struct buf;
struct gz_err;

/* Largest OPML document read, and most feeds kept from one. */
#define OPML_MAX_BYTES (8u << 20)
#define OPML_MAX_FEEDS 100000
/*
 * Most levels of a category, read or written: as many folders as fit in
 * the deepest outline nesting read (opml, body, folders, the feed).
 * Levels past it are dropped.
 */
#define OPML_MAX_LEVELS 61

struct opml_feed {
    const char *title;    /* text or title attribute; may be NULL */
    const char *xml_url;  /* the feed's URL, never NULL */
    const char *html_url; /* the site's home page; may be NULL */
    const char *category; /* "A/B" folder path, at most OPML_MAX_LEVELS; may be NULL */
};

struct opml {
    const char *title; /* <head><title>, may be NULL */
    struct opml_feed *feeds;
    size_t nfeeds;
};

/*
 * Parse data[0..len).  GZ_EPARSE when it is not OPML (no <opml> root),
 * GZ_ELIMIT when larger than OPML_MAX_BYTES.
 */
int opml_parse(const char *data, size_t len, struct arena *a, struct opml **out,
               struct gz_err *err);

/*
 * Append an OPML 2.0 document with title (may be NULL) and the n feeds to
 * out.  0, or GZ_ELIMIT when out's limit is crossed.
 */
int opml_write(struct buf *out, const char *title, const struct opml_feed *feeds, size_t n);

#endif
