/*
 * comment.h - comment text and thread layout: pure functions under the
 * comment pages (comments.c).
 *
 * Comments are plain text.  What a person typed is normalised once, before
 * it is stored (comment_normalize); on the way out every byte is escaped,
 * http and https URLs become links marked rel="nofollow ugc noopener", and
 * line breaks are kept (comment_html).  No markup typed into a comment
 * ever reaches a page as markup.
 *
 * All functions are pure and thread-safe; results come from the caller's
 * arena or go to the caller's buffer.
 */
#ifndef GZ_WEB_COMMENT_H
#define GZ_WEB_COMMENT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct store_comment;

#define COMMENT_MAX_CHARS 5000 /* characters (code points) after normalising */
#define COMMENT_RATE_MAX 5     /* comments a user may post ... */
#define COMMENT_RATE_WINDOW 60 /* ... in this many seconds */
#define COMMENT_MAX_DEPTH 6    /* replies nest this deep on the page; deeper ones line up */

/*
 * The comment as it will be stored: CR LF and lone CR become LF, control
 * characters other than tab and LF are dropped, trailing blanks of each
 * line and blank lines at both ends are removed, and runs of more than one
 * blank line become one.  body must be valid UTF-8 (form.h guarantees it).
 * *chars gets the result's length in characters.
 */
char *comment_normalize(struct arena *a, const char *body, size_t *chars);

/*
 * Write text as HTML: paragraphs (<p>) at blank lines, <br> at single
 * line breaks, everything escaped, and each http:// or https:// URL made a
 * link (<a href rel="nofollow ugc noopener">).  A URL ends at a blank,
 * a control character, '<', '>', '"' or '`'; trailing punctuation
 * (".,;:!?'") and a closing bracket without its opening one stay outside
 * the link.
 */
void comment_html(struct buf *b, const char *text);

/* One comment's place on the page. */
struct comment_slot {
    size_t index; /* into the comment array */
    int depth;    /* 0 for top level, at most COMMENT_MAX_DEPTH */
};

/*
 * Lay out a thread: the comments to show, in reading order (each reply
 * right after its parent's earlier replies, oldest first) with their
 * depths.  A visible comment is always shown; a hidden or removed one only
 * when it has a shown reply (its place is kept, without its text).  A
 * reply whose parent is not in c[] is shown at the top level.  c[] may
 * come in any order.  *out (arena) gets *n slots.
 */
void comment_thread(struct arena *a, const struct store_comment *c, size_t n,
                    struct comment_slot **out, size_t *nout);

#endif
