/*
 * extract.h - an article page in, its main text and metadata out.
 *
 * extract_page() parses a fetched page into a libxml2 tree (with its own
 * HTML tokenizer, parse.c: libxml2's is several times slower), reads
 * its metadata (schema.org JSON-LD, Open Graph, Dublin Core, Twitter and
 * plain meta tags, <title>, <html lang>, rel=canonical, bylines in the
 * page) and finds the article body: the block of the page with the most
 * prose, chosen by text and link density, paragraph structure and
 * class/id hints, with the boilerplate inside it (share bars, related
 * links, newsletter boxes, comments, captions of ads, "Read more" lines)
 * taken out.  The body comes out twice: as plain text, paragraphs
 * separated by a blank line, and as sanitized HTML (extract/sanitize.h)
 * whose links and images are absolute.
 *
 * Input limits: pages larger than EXTRACT_MAX_BYTES are cut to that size
 * before parsing (the article is near the top; what is cut is what a
 * truncated download would lose).  Any bytes are accepted: text that is
 * not HTML gives a result with little or no text, never a crash.  The
 * character set is, in order: http_charset when given, a byte order mark,
 * UTF-8 when every byte is valid UTF-8, the page's <meta charset> or
 * http-equiv Content-Type, windows-1252.
 *
 * Thread-safety: extract_page() is reentrant; libxml2 must have been
 * initialised once (xmlInitParser()) before threads call it.
 */
#ifndef GZ_EXTRACT_EXTRACT_H
#define GZ_EXTRACT_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct gz_err;

/* Pages are cut to this many bytes before parsing. */
#define EXTRACT_MAX_BYTES (8u << 20)

/*
 * What extract_page() found.  Every string is NUL-terminated UTF-8 owned by
 * the arena passed to extract_page(); a field the page does not give is
 * NULL (text and html are "" when no body was found).
 */
struct extract_result {
    const char *title;         /* headline, without a " | Site" suffix */
    const char *byline;        /* author line */
    const char *site_name;     /* publisher */
    const char *lang;          /* language tag as given (html lang, meta) */
    const char *image;         /* lead image, absolute URL */
    const char *canonical_url; /* rel=canonical or og:url, absolute */
    const char *excerpt;       /* description, else the first paragraph */
    const char *text;          /* main text, paragraphs separated by a blank line */
    const char *html;          /* main content as sanitized HTML, links absolute */
    int64_t published;         /* Unix seconds UTC, 0 unknown */
    const char *published_raw; /* as written in the page */
    const char *dir;           /* text direction when given ("rtl", "ltr") */
    int64_t modified;          /* dateModified / article:modified_time, 0 unknown */
    const char *charset;       /* character set the page was decoded from */
    size_t n_words;            /* words in text */
};

/*
 * Parse html[0..len) into *out.  url (may be NULL) is the page's address:
 * the base for relative links (a <base href> in the page wins) and the
 * fallback canonical URL.  http_charset (may be NULL) is the charset of
 * the HTTP Content-Type header and wins over what the page declares.
 * Strings in *out live in arena a.
 *
 * Returns 0 (a page without an article body still returns 0, with text
 * "" ), GZ_EINVAL for a NULL html with a non-zero len, GZ_EPARSE when the
 * bytes cannot be parsed at all (message in err).
 */
int extract_page(const char *html, size_t len, const char *url, const char *http_charset,
                 struct arena *a, struct extract_result *out, struct gz_err *err);

#endif
