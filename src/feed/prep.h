/*
 * prep.h - bytes as served into UTF-8 XML that libxml2 reads without
 * surprises (used by the feed and OPML parsers; not a public interface).
 *
 * Feeds in the wild are often not XML: undeclared HTML entities, bare
 * '&', bytes that are not in the declared encoding, NUL characters, text
 * before the XML declaration, unfinished CDATA sections.  Instead of
 * asking the XML parser to guess, feed_xml_prepare() rewrites the document
 * once, as a browser-minded tokenizer would read it, into well-behaved
 * UTF-8 XML:
 *
 *   - The charset comes from a byte-order mark, else from the transport
 *     (http_charset), else from the XML declaration, else UTF-8; bytes that
 *     are not valid in it are read as windows-1252 (so are ISO-8859-1 and
 *     US-ASCII, as browsers do).  A document that claims ISO-8859-1 or
 *     windows-1252 but is valid UTF-8 with non-ASCII characters is read as
 *     UTF-8 (a server default is the usual cause of that claim).
 *   - Everything before the first '<' goes, and so do the XML declaration,
 *     processing instructions, comments and the DOCTYPE with its internal
 *     subset.  Nothing external is ever loaded: no DTD is left to load.
 *   - Internal entities with a plain value (feedparser's "safe" entities:
 *     text without '&' or '"', or one character reference) are expanded,
 *     at most PREP_MAX_EXPANSION bytes in all, so entity bombs cannot grow
 *     the document; other entities are not expanded.  References to HTML's
 *     named entities become numeric references; unknown names stay as
 *     literal text ("&foo;"), as does a bare '&'.
 *   - Characters XML forbids (NUL, C0 controls, U+FFFE/U+FFFF) are
 *     dropped; C1 controls and numeric references to 0x80-0x9F are read
 *     as windows-1252; a '<' that starts no markup becomes "&lt;";
 *     attributes without quotes or without a value get them.
 *   - Tags are made to nest: an end tag closes the innermost open element
 *     of its name and everything opened inside it, an end tag that
 *     closes nothing is dropped, elements still open at the end are
 *     closed, and nesting deeper than PREP_MAX_DEPTH loses its tags (so
 *     libxml2's own depth limit is never reached).
 *
 * Thread-safety: reentrant (iconv handles are per call).
 */
#ifndef GZ_FEED_PREP_H
#define GZ_FEED_PREP_H

#include "util/buf.h"

#include <stddef.h>

struct gz_err;

/* Most bytes that internal entity expansion may add to one document. */
#define PREP_MAX_EXPANSION (1u << 20)
/* Deepest element nesting kept; deeper tags are dropped (their text stays). */
#define PREP_MAX_DEPTH 200

/*
 * Texts kept out of the document.  Most of a feed's bytes are text and
 * CDATA (the HTML of its entries); libxml2 reads text slowly (character by
 * character in CDATA, a callback per reference in escaped HTML) and the
 * feed parser only wants it back as it was.  So when a struct prep_texts
 * is given, each text node that is long or needs decoding, and each CDATA
 * section, is decoded here (references, line ends, repairs: what libxml2
 * would have delivered) and replaced in the document by a processing
 * instruction <?gz N?>; prep_text_get() gives text N back.  Clean texts
 * are not copied: they point into the input.
 */
struct prep_text {
    const char *p; /* into the input, or NULL: at off in the buffer */
    size_t off;
    size_t len;
};

struct prep_texts {
    struct buf buf;   /* decoded texts */
    struct buf input; /* the input after charset decoding, when that made a copy */
    struct prep_text *items;
    size_t n;
    size_t alloc;
};

/* Shortest clean text node moved out of the document. */
#define PREP_TEXT_MIN 48
/* The processing instruction's target. */
#define PREP_TEXT_PI "gz"

/* Empty t for the next document (keeping its memory). */
void prep_texts_reset(struct prep_texts *t);
void prep_texts_release(struct prep_texts *t);
/*
 * The text for the data of a <?gz N?> instruction, as a borrowed slice
 * valid until t is reset (and the input is freed).  -1 when data names no
 * text of t.
 */
int prep_text_get(const struct prep_texts *t, const char *data, const char **p, size_t *len);

/*
 * Append the cleaned UTF-8 document for data[0..len) to out.  http_charset
 * may be NULL.  texts (may be NULL: all text stays in the document) gets
 * the texts moved out; data must then stay alive while out is parsed.
 * *charset (may be NULL) is set to the name of the charset that was used
 * (a static string).  Returns 0, or GZ_ELIMIT when out's limit is crossed.
 */
int feed_xml_prepare(struct buf *out, const char *data, size_t len, const char *http_charset,
                     struct prep_texts *texts, const char **charset, struct gz_err *err);

/*
 * Decode data[0..len) from charset (NULL: UTF-8) into UTF-8 appended to
 * out: invalid bytes are read as windows-1252, NUL and C0 controls other
 * than tab, newline and return are dropped.  For JSON and other non-XML
 * documents.  0 or GZ_ELIMIT.
 */
int feed_to_utf8(struct buf *out, const char *data, size_t len, const char *charset);

/*
 * The charset of a document from its first bytes, without looking at the
 * transport: "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE" from a
 * byte-order mark (*bom gets its length), else NULL.
 */
const char *feed_sniff_bom(const char *data, size_t len, size_t *bom);

#endif
