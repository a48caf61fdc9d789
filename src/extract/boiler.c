/*
 * boiler.c - boilerplate that sits inside a found article body.
 *
 * Readability's search finds the right block but keeps what publishers
 * put between paragraphs: captions and photo credits, share bars,
 * "Read more" and "Don't miss" link lists, newsletter boxes, bylines and
 * datelines, tag lists, comment counters, "Advertisement" labels.  Three
 * general signals find them, never a site's name or layout:
 *
 *  - class/id words that name a page furniture role (caption, share,
 *    related, newsletter, byline, ...) on an element that holds a small
 *    part of the body's text;
 *  - a short block whose whole text is a known furniture phrase
 *    ("Advertisement", "Read more", "Related articles"), together with a
 *    list of links right after it;
 *  - a block that starts with a cross-reference label ("READ MORE:",
 *    "SEE ALSO:") and is mostly a link.
 */
#include "extract/content.h"

#include "util/buf.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* class/id fragments of page furniture (matched in lower case) */
static const char *const furniture[] = {
    "caption",      "credit",     "share",      "social",     "related",      "newsletter",
    "signup",       "sign-up",    "promo",      "advert",     "byline",       "dateline",
    "timestamp",    "breadcrumb", "comment",    "recommend",  "read-more",    "readmore",
    "more-stories", "toolbar",    "cookie",     "consent",    "gdpr",         "skip-link",
    "sharing",      "author-bio", "post-meta",  "entry-meta", "article-meta", "tags",
    "tag-list",     "taglist",    "disclaimer", "sponsor",    "outbrain",     "taboola",
    "widget",       "popup",      "print-",     "hidden",
};

/* class/id fragments that mark the body itself: never furniture */
static const char *const body_marks[] = {
    "article-body", "articlebody", "article__body", "article-content", "entry-content",
    "post-content", "post-body",   "story-body",    "main-content",    "body-text",
};

/* Lower-case, trimmed, whitespace-collapsed text of n, at most cap-1 bytes. */
static size_t
short_text(const xmlNode *n, char *out, size_t cap)
{
    struct buf b = BUF_INIT;
    size_t k = 0;

    xdom_text(n, &b, 1);
    for (size_t i = 0; i < b.len && k + 1 < cap; i++) {
        char c = b.p[i];

        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[k] = 0;
    k = b.len;
    buf_release(&b);
    return k;
}

/* Whole-block phrases that are furniture, not article text. */
static int
is_furniture_phrase(const char *t)
{
    static const char *const phrases[] = {
        "advertisement",
        "advert",
        "ad",
        "ads",
        "sponsored",
        "skip to content",
        "read more",
        "read more:",
        "continue reading",
        "see more",
        "see also",
        "don't miss",
        "don’t miss",
        "related",
        "related:",
        "related articles",
        "related stories",
        "related posts",
        "related content",
        "related coverage",
        "related links",
        "you may also like",
        "you may also like...",
        "you might also like",
        "recommended",
        "recommended for you",
        "more stories",
        "more from",
        "most popular",
        "most read",
        "trending",
        "trending now",
        "comments",
        "share",
        "share this",
        "share this article",
        "share this story",
        "tweet",
        "print",
        "email",
        "tags",
        "tags:",
        "topics",
        "topics:",
        "close",
        "caption",
        "loading",
        "loading...",
        "this slideshow requires javascript.",
        "sign up",
        "subscribe",
        "follow us",
        "what to read next",
        "more on this story",
        "top stories",
        "latest news",
        "read next",
        "up next",
        "watch:",
        "more:",
        "listen",
    };
    size_t n = strlen(t);

    while (n && (t[n - 1] == ' ' || t[n - 1] == '.' || t[n - 1] == ':'))
        n--;
    for (size_t i = 0; i < ARRAY_SIZE(phrases); i++) {
        size_t k = strlen(phrases[i]);

        while (k && (phrases[i][k - 1] == '.' || phrases[i][k - 1] == ':'))
            k--;
        if (k == n && !strncmp(t, phrases[i], n))
            return 1;
    }
    return 0;
}

/* Labels that start a cross-reference line ("READ MORE: ..."). */
static int
starts_with_xref(const char *t)
{
    static const char *const labels[] = {
        "read more:",   "read more ", "see more:",  "see also:", "related:",   "more:",
        "watch:",       "read also:", "also read:", "also read", "click here", "sign up for",
        "subscribe to", "follow us",  "read:",      "listen:",   "watch now",  "recommended:",
    };

    for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
        if (str_has_prefix(t, labels[i]))
            return 1;
    return 0;
}

static int
is_block_tag(int t)
{
    switch (t) {
    case T_P:
    case T_DIV:
    case T_SECTION:
    case T_UL:
    case T_OL:
    case T_LI:
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_ASIDE:
    case T_FIGURE:
    case T_FIGCAPTION:
    case T_TABLE:
    case T_BLOCKQUOTE:
    case T_HEADER:
    case T_FOOTER:
    case T_DL:
    case T_SPAN:
    case T_A:
    case T_STRONG:
    case T_B:
    case T_EM:
    case T_SMALL:
    case T_TIME:
    case T_ADDRESS:
        return 1;
    default:
        return 0;
    }
}

void
cx_clean_boiler(xmlNode *body, struct cx_search *s)
{
    size_t total;
    xmlNode *n;

    (void)s;
    /*
     * Every block's text length, measured once: removing a block changes
     * only its ancestors, which the walk (in document order) has passed.
     */
    xdom_measure_text(body);
    total = body->_private ? xn(body)->tlen : xdom_text_len(body);
    if (!total)
        return;
    n = xdom_next_elem(body, body, 0);
    while (n) {
        int t = xtag(n);
        char ms[512], txt[160];
        size_t len;
        int drop = 0;

        if (t == T_FIGCAPTION) {
            drop = 1;
        } else if (is_block_tag(t)) {
            xdom_match_string(n, ms, sizeof(ms));
            len = xn(n)->tlen;
            if (ms[1] && cx_contains_any(ms, furniture, ARRAY_SIZE(furniture)) &&
                !cx_contains_any(ms, body_marks, ARRAY_SIZE(body_marks)) && len * 4 < total)
                drop = 1;
            if (!drop && len < 120 && t != T_A && t != T_STRONG && t != T_B && t != T_EM) {
                short_text(n, txt, sizeof(txt));
                if (is_furniture_phrase(txt)) {
                    /* a label: it and the link list right after it go */
                    xmlNode *next = xdom_next_elem_sib(n);

                    if (next && (is_heading(t) || t == T_P || t == T_DIV || t == T_STRONG) &&
                        (xtag(next) == T_UL || xtag(next) == T_OL) && cx_link_density(next) > 0.5)
                        xdom_remove(next);
                    drop = 1;
                } else if (starts_with_xref(txt) && cx_link_density(n) > 0.3) {
                    drop = 1;
                }
            }
        }
        if (drop) {
            xmlNode *next = xdom_next_elem(n, body, 1);

            xdom_remove(n);
            n = next;
            continue;
        }
        n = xdom_next_elem(n, body, 0);
    }
}
