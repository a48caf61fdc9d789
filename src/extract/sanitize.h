/*
 * sanitize.h - the allowlist HTML sanitizer.
 *
 * Every piece of untrusted HTML (feed summaries and content, extracted
 * article bodies) passes through here once, before it is stored.  What
 * comes out is a struct safe_html, the only type the web layer's
 * html_safe() writes without escaping.
 *
 * What survives: an allowlist of elements (text structure, lists, tables,
 * links, images, media) and of attributes; URL attributes only with http,
 * https or mailto schemes or relative (resolved against base_url when one is
 * given).  What goes: script, style and other active elements with their
 * content; every event handler and style attribute; every other
 * element's tags (its text is kept); comments and processing
 * instructions.  The output is well-formed: every open tag is closed, text
 * and attribute values are escaped.
 *
 * Thread-safety: all functions are reentrant (libxml2 must have been
 * initialised by the caller's thread once; see xmlInitParser()).
 */
#ifndef GZ_EXTRACT_SANITIZE_H
#define GZ_EXTRACT_SANITIZE_H

#include <stddef.h>

struct buf;
struct gz_err;
struct _xmlNode;

/* HTML known to be sanitized.  Borrowed: p lives as long as its owner. */
struct safe_html {
    const char *p;
    size_t len;
};

enum sanitize_flags {
    /* add rel="nofollow noopener noreferrer" to links (for display) */
    SANITIZE_LINK_REL = 1 << 0,
    /* keep img elements (off: drop them, for snippets) */
    SANITIZE_NO_IMAGES = 1 << 1,
    /*
     * keep inline SVG and MathML through their own allowlists, as feed
     * readers do (gazette parse); without it they go with their content,
     * which is what pages get: the site never shows inline SVG or MathML
     * from a publisher
     */
    SANITIZE_FOREIGN = 1 << 2,
};

/*
 * Sanitize the HTML fragment html[0..len) and append the result to out.
 * base_url (may be NULL) resolves relative URLs.  Returns 0, or GZ_ELIMIT
 * when out's limit is crossed (out then holds a truncated but still
 * well-formed prefix up to the last complete node).
 */
int sanitize_html(struct buf *out, const char *html, size_t len, const char *base_url,
                  unsigned flags, struct gz_err *err);

/*
 * Sanitize the children of a libxml2 node (an element of a document the
 * caller parsed with the HTML parser) and append them to out.
 */
int sanitize_node_children(struct buf *out, struct _xmlNode *node, const char *base_url,
                           unsigned flags);

/*
 * View stored HTML as safe.  Only for HTML that was produced by
 * sanitize_html() before it was stored (the store keeps nothing else in
 * its html columns).
 */
struct safe_html safe_html_trusted(const char *p, size_t len);

/*
 * Append the plain text of an HTML fragment to out: tags removed, entities
 * decoded, script/style content dropped, block boundaries turned into a
 * newline (paragraphs into a blank line), whitespace runs collapsed.
 */
int html_to_text(struct buf *out, const char *html, size_t len, struct gz_err *err);

#endif
