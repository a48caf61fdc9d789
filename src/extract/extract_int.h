/*
 * extract_int.h - what the extraction files share (not a public API).
 *
 * Every element of a parsed page gets a struct xnode in its _private
 * pointer (xdom_parse(), xdom_new_elem()): its tag as a number and the
 * scores and counts the content finder keeps.  All tree walks are
 * iterative: pages nest 100k deep.  The parser makes nothing deeper than
 * XDOM_MAX_DEPTH levels, so that the walks that look at a node's subtree
 * for each of its ancestors stay bounded.
 *
 * Thread-safety: everything works on one document owned by one thread.
 */
#ifndef GZ_EXTRACT_EXTRACT_INT_H
#define GZ_EXTRACT_EXTRACT_INT_H

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct extract_result;

#define XDOM_MAX_DEPTH 400

/* Tags the extractor tells apart; everything else is T_OTHER. */
enum xtag {
    T_OTHER = 0,
    T_A,
    T_ABBR,
    T_ADDRESS,
    T_ARTICLE,
    T_ASIDE,
    T_AUDIO,
    T_B,
    T_BDI,
    T_BDO,
    T_BIG,
    T_BLOCKQUOTE,
    T_BODY,
    T_BR,
    T_BUTTON,
    T_CANVAS,
    T_CAPTION,
    T_CENTER,
    T_CITE,
    T_CODE,
    T_DATA,
    T_DD,
    T_DEL,
    T_DETAILS,
    T_DFN,
    T_DIALOG,
    T_DIV,
    T_DL,
    T_DT,
    T_EM,
    T_EMBED,
    T_FIELDSET,
    T_FIGCAPTION,
    T_FIGURE,
    T_FONT,
    T_FOOTER,
    T_FORM,
    T_FRAME,
    T_FRAMESET,
    T_H1,
    T_H2,
    T_H3,
    T_H4,
    T_H5,
    T_H6,
    T_HEAD,
    T_HEADER,
    T_HR,
    T_HTML,
    T_I,
    T_IFRAME,
    T_IMG,
    T_INPUT,
    T_INS,
    T_KBD,
    T_LABEL,
    T_LEGEND,
    T_LI,
    T_LINK,
    T_MAIN,
    T_MAP,
    T_MARK,
    T_MATH,
    T_MENU,
    T_META,
    T_NAV,
    T_NOSCRIPT,
    T_OBJECT,
    T_OL,
    T_OPTGROUP,
    T_OPTION,
    T_OUTPUT,
    T_P,
    T_PARAM,
    T_PICTURE,
    T_PRE,
    T_PROGRESS,
    T_Q,
    T_RP,
    T_RT,
    T_RUBY,
    T_S,
    T_SAMP,
    T_SCRIPT,
    T_SECTION,
    T_SELECT,
    T_SMALL,
    T_SOURCE,
    T_SPAN,
    T_STRIKE,
    T_STRONG,
    T_STYLE,
    T_SUB,
    T_SUMMARY,
    T_SUP,
    T_SVG,
    T_TABLE,
    T_TBODY,
    T_TD,
    T_TEMPLATE,
    T_TEXTAREA,
    T_TFOOT,
    T_TH,
    T_THEAD,
    T_TIME,
    T_TITLE,
    T_TR,
    T_TT,
    T_U,
    T_UL,
    T_VAR,
    T_VIDEO,
    T_WBR,
    T_COUNT
};

enum xnode_flags {
    XN_CANDIDATE = 1 << 0,  /* has a content score */
    XN_DATA_TABLE = 1 << 1, /* a table of data, not of layout */
    XN_KEEP = 1 << 2,       /* never removed by the cleaners */
};

struct xnode {
    uint16_t tag;    /* enum xtag */
    uint16_t flags;  /* enum xnode_flags */
    float score;     /* content score while finding the body */
    uint32_t text;   /* characters of text below (cx_measure()), whitespace collapsed */
    uint32_t commas; /* commas in that text */
    float link;      /* characters of it inside links (in-page anchors count 0.3) */
    uint32_t tlen;   /* xdom_text_len() of the element, as xdom_measure_text() last found it */
};

static inline struct xnode *
xn(const xmlNode *n)
{
    return (struct xnode *)n->_private;
}

static inline int
xtag(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE && n->_private ? xn(n)->tag : T_OTHER;
}

static inline int
is_elem(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE;
}

static inline int
is_heading(int t)
{
    return t >= T_H1 && t <= T_H6;
}

enum xdom_parse_flags {
    /*
     * Leave out what no extraction step reads, as if the page never had
     * it: scripts other than JSON-LD, styles and inline SVG (with their
     * content; most of a modern page's bytes).
     */
    XDOM_SKIP_UNREAD = 1 << 0,
};

/*
 * Parse UTF-8 html[0..len) into a new HTML document (parse.c): html, head
 * and body always exist as HTML implies them (head and body only when the
 * page has something for them); element and attribute names are lower
 * case and come from the document's dictionary; character references are
 * decoded; comments and doctypes are dropped; nothing is deeper than
 * XDOM_MAX_DEPTH levels below <html> (elements at that depth are left
 * empty).  flags: enum xdom_parse_flags.  With an arena a, every element
 * gets its xnode (tag set, the rest zero) from a.  Never fails (out of
 * memory aborts); the caller frees the document with xmlFreeDoc().
 */
xmlDoc *xdom_parse(const char *html, size_t len, unsigned flags, struct arena *a);

/* The tag number of an element name (ASCII, any case). */
int xdom_tag_of(const char *name);
/* A new element named name (tag given) with an xnode, not linked anywhere. */
xmlNode *xdom_new_elem(xmlDoc *doc, const char *name, struct arena *a);
/* Rename an element in place (keeps children and attributes). */
void xdom_set_tag(xmlNode *n, const char *name);

/*
 * The value of attribute name (lower case) of element n, or NULL.  The
 * pointer is borrowed from the tree (valid until the attribute or node
 * changes).  Attributes whose value is not a single text node give "".
 */
const char *xdom_attr(const xmlNode *n, const char *name);

/*
 * Preorder walk: the next node after n below root (skip n's subtree when
 * skip_kids).  Inline: every pass over a page steps with it.
 */
static inline xmlNode *
xdom_next(xmlNode *n, const xmlNode *root, int skip_kids)
{
    if (!skip_kids && n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* The next element after n in document order below root (skip n's children when skip_kids). */
static inline xmlNode *
xdom_next_elem(xmlNode *n, const xmlNode *root, int skip_kids)
{
    n = xdom_next(n, root, skip_kids);
    while (n && n->type != XML_ELEMENT_NODE)
        n = xdom_next(n, root, 0);
    return n;
}

/* First/next element child or sibling. */
xmlNode *xdom_first_elem(const xmlNode *n);
xmlNode *xdom_next_elem_sib(const xmlNode *n);
size_t xdom_count_elem_children(const xmlNode *n);

/*
 * Append n's text (subtree, document order) to out.  With norm, runs of
 * whitespace become one space and the ends are trimmed.
 */
void xdom_text(const xmlNode *n, struct buf *out, int norm);
/* Length of n's normalized text in characters (code points). */
size_t xdom_text_len(const xmlNode *n);
/*
 * Store xdom_text_len() of every annotated element of root's subtree
 * (root included) in its xnode's tlen, in one walk instead of one per
 * element.  Valid until text moves in or out of an element's subtree.
 */
void xdom_measure_text(xmlNode *root);
/* 1 when n has no text other than whitespace. */
int xdom_is_blank(const xmlNode *n);

/* Unlink n from its tree and keep it in the trash list of the document (freed with it). */
void xdom_remove(xmlNode *n);
/* Free the nodes xdom_remove() set aside. */
void xdom_trash_free(xmlDoc *doc);

/* ASCII lower-case copy of class + " " + id of n into out (cut at cap-1 bytes). */
void xdom_match_string(const xmlNode *n, char *out, size_t cap);

/* Metadata (meta.c). */
struct xmeta {
    char *title, *byline, *excerpt, *site_name, *published, *modified, *image, *canonical;
    char *lang, *dir, *type;
    char *ld_title, *ld_body; /* JSON-LD headline and articleBody */
    char *doc_title;          /* <title> as written */
    char *title_clean;        /* <title> with the site suffix removed */
};
void meta_read(xmlDoc *doc, const char *base_url, struct arena *a, struct xmeta *m);
/* Readability's title heuristic on doc's <title>. */
char *meta_title_from_doc(xmlDoc *doc, struct arena *a);
/* Share of B's words that also occur in A (0..1), as Readability measures it. */
double meta_text_similarity(const char *a, const char *b);

/* Text of the body (text.c): paragraphs separated by blank lines. */
void text_of(const xmlNode *root, struct buf *out);

#endif
