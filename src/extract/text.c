/*
 * text.c - the plain text of an extracted body.
 *
 * Block elements end a paragraph (a blank line), <br> and list items end a
 * line, table cells are separated by a space.  Whitespace inside a
 * paragraph collapses to one space, except inside <pre>.  Words of two
 * adjacent blocks never run together ("end</p><p>Start").
 */
#include "extract/extract_int.h"

#include "util/buf.h"

#include <string.h>

enum brk {
    BRK_NONE = 0,
    BRK_SPACE = 1,
    BRK_LINE = 2,
    BRK_PARA = 3,
};

struct tstate {
    struct buf *out;
    int pending; /* enum brk */
    int pre;     /* depth inside <pre> */
};

static int
skipped(int t)
{
    switch (t) {
    case T_SCRIPT:
    case T_STYLE:
    case T_TEMPLATE:
    case T_HEAD:
    case T_TITLE:
    case T_NOSCRIPT:
    case T_SELECT:
    case T_OPTION:
    case T_OPTGROUP:
    case T_BUTTON:
    case T_SVG:
    case T_IFRAME:
    case T_OBJECT:
    case T_EMBED:
    case T_INPUT:
    case T_TEXTAREA:
    case T_MATH:
    case T_CANVAS:
    case T_META:
    case T_LINK:
    case T_PARAM:
    case T_MAP:
    case T_DIALOG:
        return 1;
    default:
        return 0;
    }
}

static int
brk_of(int t)
{
    switch (t) {
    case T_P:
    case T_DIV:
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_BLOCKQUOTE:
    case T_PRE:
    case T_UL:
    case T_OL:
    case T_DL:
    case T_TABLE:
    case T_SECTION:
    case T_ARTICLE:
    case T_MAIN:
    case T_HEADER:
    case T_FOOTER:
    case T_ASIDE:
    case T_NAV:
    case T_FIGURE:
    case T_FIGCAPTION:
    case T_ADDRESS:
    case T_HR:
    case T_FORM:
    case T_FIELDSET:
    case T_DETAILS:
    case T_SUMMARY:
    case T_CENTER:
    case T_BODY:
    case T_HTML:
    case T_CAPTION:
    case T_LEGEND:
    case T_MENU:
        return BRK_PARA;
    case T_BR:
    case T_LI:
    case T_TR:
    case T_DT:
    case T_DD:
    case T_THEAD:
    case T_TBODY:
    case T_TFOOT:
        return BRK_LINE;
    case T_TD:
    case T_TH:
        return BRK_SPACE;
    default:
        return BRK_NONE;
    }
}

static void
tbreak(struct tstate *ts, int level)
{
    if (level > ts->pending)
        ts->pending = level;
}

static void
flush_pending(struct tstate *ts)
{
    if (ts->out->len) {
        if (ts->pending == BRK_PARA)
            buf_adds(ts->out, "\n\n");
        else if (ts->pending == BRK_LINE)
            buf_addc(ts->out, '\n');
        else if (ts->pending == BRK_SPACE)
            buf_addc(ts->out, ' ');
    }
    ts->pending = BRK_NONE;
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
tadd(struct tstate *ts, const unsigned char *s)
{
    if (ts->pre) {
        /* keep line structure, drop a leading newline right after a break */
        for (; *s; s++) {
            if (*s == '\n') {
                tbreak(ts, BRK_LINE);
                continue;
            }
            if (*s == '\r')
                continue;
            if (ts->pending)
                flush_pending(ts);
            buf_addc(ts->out, *s);
        }
        return;
    }
    for (; *s; s++) {
        if (is_space(*s)) {
            tbreak(ts, BRK_SPACE);
            continue;
        }
        /* no-break space counts as a space */
        if (s[0] == 0xc2 && s[1] == 0xa0) {
            tbreak(ts, BRK_SPACE);
            s++;
            continue;
        }
        if (ts->pending)
            flush_pending(ts);
        buf_addc(ts->out, *s);
    }
}

void
text_of(const xmlNode *root, struct buf *out)
{
    struct tstate ts = {out, BRK_NONE, 0};
    const xmlNode *n = root ? root->children : NULL;
    size_t start = out->len;

    while (n) {
        int descend = 0;

        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            tadd(&ts, n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            int t = xtag(n);

            if (!skipped(t)) {
                int b = brk_of(t);

                if (b)
                    tbreak(&ts, b);
                if (t == T_IMG) {
                    /* an image separates words */
                    tbreak(&ts, BRK_SPACE);
                }
                descend = n->children != NULL;
                if (descend && t == T_PRE)
                    ts.pre++;
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE) {
                int t = xtag(n);
                int b = brk_of(t);

                if (b && t != T_BR)
                    tbreak(&ts, b == BRK_SPACE ? BRK_SPACE : b);
                if (t == T_PRE && ts.pre)
                    ts.pre--;
            }
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    (void)start;
}
