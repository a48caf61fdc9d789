/*
 * build.h - what the XML and JSON Feed readers share inside src/feed/:
 * turning a raw field into the model's form (plain text, sanitized HTML,
 * an absolute URL) and collecting entries.  Not a public interface.
 *
 * Every string returned is allocated from the arena given; nothing here
 * keeps state between calls, so all functions are reentrant.
 */
#ifndef GZ_FEED_BUILD_H
#define GZ_FEED_BUILD_H

#include "feed/feed.h"
#include "feed/prep.h"

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

struct arena;
struct xp;
struct _xmlParserCtxt;

/* How a piece of content is written (Atom's type attribute and friends). */
enum feed_ctype {
    CT_TEXT = 0,  /* plain text */
    CT_HTML = 1,  /* escaped HTML */
    CT_XHTML = 2, /* inline markup, already serialized to HTML */
    CT_OTHER = 3, /* another media type (kept as text) */
};

/*
 * Plain text for a text field (title, author, ...): HTML and XHTML become
 * their text (tags gone, references decoded), plain text is kept; runs of
 * whitespace become one space and the ends are trimmed.  NULL for empty.
 * scratch is a work buffer the caller owns.
 */
const char *feed_text(struct arena *a, struct buf *scratch, const char *s, size_t n,
                      enum feed_ctype ct);

/*
 * Sanitized HTML for an HTML field (summary, content): HTML and XHTML pass
 * the allowlist sanitizer with base (may be NULL) resolving relative URLs,
 * plain text is escaped.  NULL when nothing is left.
 */
const char *feed_html(struct arena *a, struct buf *scratch, const char *s, size_t n,
                      enum feed_ctype ct, const char *base);

/*
 * An absolute URL for ref (trimmed), resolved against base when it is
 * relative and base is absolute; ref itself when it cannot be resolved.
 * NULL for an empty ref.
 */
const char *feed_url(struct arena *a, const char *base, const char *ref, size_t n);

/* The feedparser test: does plain text s look like HTML someone forgot to mark? */
int feed_looks_like_html(const char *s, size_t n);

/*
 * Decode base64 s[0..n) (whitespace ignored) into out; -1 when s is not
 * base64 (out then holds garbage the caller discards).
 */
int feed_base64_decode(struct buf *out, const char *s, size_t n);

/* Growable lists, kept in malloc'ed memory until copied into the arena. */
struct feed_list {
    void *items;
    size_t n;
    size_t alloc;
};

/* Append a category unless the entry already has it. */
void feed_add_category(struct feed_list *l, struct arena *a, const char *s, size_t n);
/* Copy a list of n elements of size sz into the arena; NULL when empty. */
void *feed_list_copy(struct arena *a, const struct feed_list *l, size_t sz);
void feed_list_release(struct feed_list *l);

/* The work buffers a struct feed_parser keeps between documents. */
struct feed_parser {
    struct buf doc;          /* the prepared document */
    struct prep_texts texts; /* texts kept out of it */
    struct buf text;         /* text collected for the open field */
    struct buf scratch;      /* field conversion */
    struct buf scratch2;     /* base64 */
    struct feed_list entries;
    struct feed_list cats;
    struct feed_list encls;
    struct _xmlParserCtxt *ctxt; /* reused while its dictionary stays small */
    struct xp *xp;               /* the SAX state, reused */
};

/* Parsers for the two families. */
int feed_parse_xml(struct feed_parser *fp, const char *data, size_t len, const char *url,
                   const char *http_charset, struct arena *a, struct feed **out,
                   struct gz_err *err);
int feed_parse_json(struct feed_parser *fp, const char *data, size_t len, const char *url,
                    const char *http_charset, struct arena *a, struct feed **out,
                    struct gz_err *err);
/* 1 when the lookup tables of feed_xml.c are sorted as bsearch needs (for the tests). */
int feed_xml_tables_ok(void);

/* Free what feed_parse_xml() keeps in fp. */
void feed_xml_release(struct feed_parser *fp);

#endif
