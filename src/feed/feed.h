/*
 * feed.h - RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.x into one model.
 *
 * feed_parse() reads a whole document (bytes as served, any encoding) and
 * returns the normalized feed: text fields as plain UTF-8 text, HTML fields
 * (summary, content) sanitized by extract/sanitize.h, dates as Unix
 * seconds UTC, links absolute where xml:base or the document URL allow.
 * XML is read as a stream (libxml2's SAX2 interface), never as a whole
 * DOM, after a cleaning pass (feed/prep.h) that settles the charset,
 * repairs what browsers would (undeclared HTML entities, bare '&', bytes
 * that are not UTF-8, tags that do not nest) and removes every DOCTYPE, so
 * external entities and DTDs are never loaded and entity expansion is
 * bounded; libxml2's recover mode handles the rest.  Which element fills
 * which field is a sorted table (feed/feed_xml.c), feedparser's semantics.
 *
 * Text fields come from RSS elements as plain text unless they look like
 * HTML (feedparser's test), from Atom as their type says; dates of every
 * RFC 822 and ISO 8601 variant go through util/time.h's time_parse() (a
 * date that cannot be read is left 0).  published: pubDate, published,
 * issued, dcterms:issued, else dc:date; updated: updated, modified,
 * lastBuildDate, dc:date, dcterms:modified.  A permalink guid serves as
 * the link when there is none; the feed's updated falls back to its
 * pubDate.
 *
 * Memory: the struct feed and everything it points to is allocated from
 * the caller's arena and lives as long as the arena.
 *
 * Thread-safety: reentrant; the caller's thread must have called
 * xmlInitParser() once (the CLI does at start-up).
 */
#ifndef GZ_FEED_FEED_H
#define GZ_FEED_FEED_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct gz_err;

enum feed_format {
    FEED_UNKNOWN = 0,
    FEED_RSS2,     /* "rss2": RSS 2.x and RSS without a version */
    FEED_RSS09X,   /* "rss09x": RSS 0.90-0.94, including RDF-based 0.90 */
    FEED_RSS1,     /* "rss1": RDF with the RSS 1.0 namespace */
    FEED_ATOM10,   /* "atom10" */
    FEED_ATOM03,   /* "atom03" */
    FEED_JSONFEED, /* "jsonfeed" */
};

/* Largest document feed_parse() accepts. */
#define FEED_MAX_BYTES (32u << 20)
/* Most entries kept from one document (the rest are dropped, not an error). */
#define FEED_MAX_ENTRIES 5000
/* Most categories and enclosures kept for one entry (likewise). */
#define FEED_MAX_CATEGORIES 100
#define FEED_MAX_ENCLOSURES 50

struct feed_enclosure {
    const char *url;
    const char *type; /* may be NULL */
    int64_t length;   /* bytes, 0 when unknown */
};

struct feed_entry {
    const char *id;      /* guid / id; may be NULL (callers fall back to link) */
    const char *title;   /* plain text, may be NULL */
    const char *link;    /* absolute when resolvable, may be NULL */
    const char *author;  /* plain text, may be NULL */
    const char *summary; /* sanitized HTML, may be NULL */
    const char *content; /* sanitized HTML (content:encoded, atom:content), may be NULL */
    const char *image;   /* media:thumbnail / media:content image / enclosure image */
    int64_t published;   /* 0 when absent */
    int64_t updated;     /* 0 when absent */
    const char **categories;
    size_t ncategories;
    struct feed_enclosure *enclosures;
    size_t nenclosures;
};

struct feed {
    enum feed_format format;
    const char *title;    /* plain text */
    const char *link;     /* the site's home page */
    const char *subtitle; /* plain text */
    const char *language;
    const char *author;
    int64_t updated;
    struct feed_entry *entries;
    size_t nentries;
};

/*
 * Parse data[0..len).  url (may be NULL) is the document's address, used
 * as the base for relative links; http_charset (may be NULL) is the
 * charset from the Content-Type header, which wins over the XML
 * declaration.  On success *out is set.  GZ_EPARSE when the bytes are not
 * a feed at all (an HTML page, say), GZ_ELIMIT when larger than
 * FEED_MAX_BYTES.
 */
int feed_parse(const char *data, size_t len, const char *url, const char *http_charset,
               struct arena *a, struct feed **out, struct gz_err *err);

/*
 * A parser that keeps its work buffers from one document to the next, for
 * a thread that parses many feeds (feed_parse() makes one per call).
 * Owned by the caller: free it with feed_parser_free() (NULL is a no-op).
 * One thread at a time; the documents' models live in their arenas, not
 * in the parser.
 */
struct feed_parser;
struct feed_parser *feed_parser_new(void);
void feed_parser_free(struct feed_parser *fp);
/* feed_parse() with fp's buffers; same arguments, results and errors. */
int feed_parser_parse(struct feed_parser *fp, const char *data, size_t len, const char *url,
                      const char *http_charset, struct arena *a, struct feed **out,
                      struct gz_err *err);

/* "rss2", "atom10", ... for a format; "unknown" for FEED_UNKNOWN. */
const char *feed_format_name(enum feed_format f);

struct buf;
/*
 * Append f as one JSON object, the output of `gazette parse --json`:
 *
 *   {"format": "rss2", "feed": {"title", "link", "subtitle", "language",
 *    "updated", "author"}, "entries": [{"id", "title", "link", "author",
 *    "published", "updated", "summary", "content", "image",
 *    "categories": [...], "enclosures": [{"url", "type", "length"}]}]}
 *
 * on one line, ending with a newline.  Absent strings and dates are null;
 * dates are ISO 8601 in UTC ("2025-08-07T14:03:00Z").  0, or GZ_ELIMIT
 * when out's limit is crossed.
 */
int feed_write_json(struct buf *out, const struct feed *f);

#endif
