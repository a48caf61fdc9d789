/*
 * html.h - the one output layer for HTML (cgit's html.h, for a buffer).
 *
 * Pages write markup into the request's struct buf only through these
 * functions.  Each takes text for one context and escapes it for that
 * context; only html_lit() and html_safe() write bytes as they are:
 *
 *   html_lit    literal markup written by the program (never data)
 *   html_text   untrusted text in element content
 *   html_attr   untrusted text in a double-quoted attribute value
 *   html_url    untrusted text as one URL component (query value, path segment)
 *   html_href   an untrusted absolute URL in href/src: only http(s) and
 *               mailto pass; anything else becomes "#"
 *   html_safe   HTML that the sanitizer produced (struct safe_html)
 *
 * All functions are thread-safe; they append and never fail (the page
 * buffers have no limit).
 */
#ifndef GZ_WEB_HTML_H
#define GZ_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "extract/sanitize.h"

struct buf;

void html_lit(struct buf *b, const char *markup);
/* printf for literal markup; arguments must be numbers or literals, never data. */
void html_litf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_text(struct buf *b, const char *s);
void html_textn(struct buf *b, const char *s, size_t n);
void html_attr(struct buf *b, const char *s);
void html_url(struct buf *b, const char *s);
void html_href(struct buf *b, const char *url);
void html_safe(struct buf *b, struct safe_html h);

/*
 * Plain text with paragraphs split by blank lines as <p> elements, each
 * escaped; single newlines become <br>.
 */
void html_paragraphs(struct buf *b, const char *text);

/*
 * <time datetime="ISO">relative</time> for t seen at now, with the exact
 * time in the title attribute.
 */
void html_time(struct buf *b, int64_t t, int64_t now);

/*
 * Text with marked matches (a search snippet): s is escaped as by
 * html_text(), and each U+E000 ... U+E001 pair (the store's
 * STORE_MARK_OPEN / STORE_MARK_CLOSE) becomes <mark> ... </mark>.  Stray
 * or nested markers are dropped and an open mark is closed at the end, so
 * the markup is always balanced whatever s holds.
 */
void html_marked(struct buf *b, const char *s);

/*
 * Text for XML documents (feeds, SVG) in element content or a
 * double-quoted attribute: the five special characters as entities, and
 * what XML 1.0 forbids (control characters other than tab, newline and
 * carriage return, U+FFFE, U+FFFF, bytes that are not UTF-8) as U+FFFD,
 * so the document stays well-formed whatever the text holds.
 */
void xml_text(struct buf *b, const char *s);
void xml_textn(struct buf *b, const char *s, size_t n);
void xml_attr(struct buf *b, const char *s);

#endif
