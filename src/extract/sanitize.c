#include "extract/sanitize.h"

#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/str.h"
#include "util/url.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * What to do with an element: the table is data, sorted by name for
 * bsearch.  An element that is not listed loses its tags and keeps its
 * content (text and allowed descendants).
 */
enum el_action {
    EL_NONE = 0,    /* not listed: drop the tags, keep the content */
    EL_KEEP = 1,    /* keep tag and content */
    EL_VOID = 2,    /* keep, has no content and no end tag */
    EL_DROP = 3,    /* drop tag and everything inside */
    EL_RAW = 4,     /* drop tag and its raw-text content (script, style, ...) */
    EL_GONE = 5,    /* drop the tag, which has no content (input, meta, embed, ...) */
    EL_FOREIGN = 6, /* svg, math: kept with the foreign allowlist below */
};

enum el_flags {
    EF_BLOCK = 1 << 0,   /* a line break around it in plain text */
    EF_PARA = 1 << 1,    /* a blank line around it in plain text */
    EF_CLOSES_P = 1 << 2 /* its start tag closes an open <p> */
};

struct el_rule {
    const char *name;
    unsigned char action;
    unsigned char flags;
};

#define BLK (EF_BLOCK | EF_CLOSES_P)
#define PARA (EF_BLOCK | EF_PARA | EF_CLOSES_P)

static const struct el_rule el_rules[] = {
    {"a", EL_KEEP, 0},
    {"abbr", EL_KEEP, 0},
    {"acronym", EL_KEEP, 0},
    {"address", EL_KEEP, BLK},
    {"applet", EL_DROP, 0},
    {"area", EL_GONE, 0},
    {"article", EL_KEEP, BLK},
    {"aside", EL_KEEP, BLK},
    {"audio", EL_KEEP, 0},
    {"b", EL_KEEP, 0},
    {"base", EL_GONE, 0},
    {"basefont", EL_GONE, 0},
    {"bdi", EL_KEEP, 0},
    {"bdo", EL_KEEP, 0},
    {"bgsound", EL_GONE, 0},
    {"big", EL_KEEP, 0},
    {"blockquote", EL_KEEP, PARA},
    {"br", EL_VOID, EF_BLOCK},
    {"button", EL_DROP, 0},
    {"caption", EL_KEEP, EF_BLOCK},
    {"center", EL_KEEP, BLK},
    {"cite", EL_KEEP, 0},
    {"code", EL_KEEP, 0},
    {"col", EL_VOID, 0},
    {"colgroup", EL_KEEP, 0},
    {"dd", EL_KEEP, BLK},
    {"del", EL_KEEP, 0},
    {"details", EL_KEEP, BLK},
    {"dfn", EL_KEEP, 0},
    {"div", EL_KEEP, BLK},
    {"dl", EL_KEEP, BLK},
    {"dt", EL_KEEP, BLK},
    {"em", EL_KEEP, 0},
    {"embed", EL_GONE, 0},
    {"figcaption", EL_KEEP, BLK},
    {"figure", EL_KEEP, BLK},
    {"font", EL_KEEP, 0},
    {"footer", EL_KEEP, BLK},
    {"form", EL_DROP, 0},
    {"frame", EL_GONE, 0},
    {"h1", EL_KEEP, PARA},
    {"h2", EL_KEEP, PARA},
    {"h3", EL_KEEP, PARA},
    {"h4", EL_KEEP, PARA},
    {"h5", EL_KEEP, PARA},
    {"h6", EL_KEEP, PARA},
    {"head", EL_DROP, 0},
    {"header", EL_KEEP, BLK},
    {"hr", EL_VOID, BLK},
    {"i", EL_KEEP, 0},
    {"img", EL_VOID, 0},
    {"input", EL_GONE, 0},
    {"ins", EL_KEEP, 0},
    {"kbd", EL_KEEP, 0},
    {"keygen", EL_GONE, 0},
    {"label", EL_KEEP, 0},
    {"legend", EL_KEEP, 0},
    {"li", EL_KEEP, BLK},
    {"link", EL_GONE, 0},
    {"main", EL_KEEP, BLK},
    {"mark", EL_KEEP, 0},
    {"math", EL_FOREIGN, 0},
    {"meta", EL_GONE, 0},
    {"nav", EL_KEEP, BLK},
    {"noembed", EL_RAW, 0},
    {"noframes", EL_RAW, 0},
    {"ol", EL_KEEP, PARA},
    {"optgroup", EL_DROP, 0},
    {"option", EL_DROP, 0},
    {"p", EL_KEEP, PARA},
    {"param", EL_GONE, 0},
    {"picture", EL_KEEP, 0},
    {"plaintext", EL_RAW, 0},
    {"pre", EL_KEEP, PARA},
    {"q", EL_KEEP, 0},
    {"rp", EL_KEEP, 0},
    {"rt", EL_KEEP, 0},
    {"ruby", EL_KEEP, 0},
    {"s", EL_KEEP, 0},
    {"samp", EL_KEEP, 0},
    {"script", EL_RAW, 0},
    {"section", EL_KEEP, BLK},
    {"select", EL_DROP, 0},
    {"small", EL_KEEP, 0},
    {"source", EL_VOID, 0},
    {"span", EL_KEEP, 0},
    {"strike", EL_KEEP, 0},
    {"strong", EL_KEEP, 0},
    {"style", EL_RAW, 0},
    {"sub", EL_KEEP, 0},
    {"summary", EL_KEEP, BLK},
    {"sup", EL_KEEP, 0},
    {"svg", EL_FOREIGN, 0},
    {"table", EL_KEEP, PARA},
    {"tbody", EL_KEEP, 0},
    {"td", EL_KEEP, EF_BLOCK},
    {"template", EL_DROP, 0},
    {"textarea", EL_RAW, 0},
    {"tfoot", EL_KEEP, 0},
    {"th", EL_KEEP, EF_BLOCK},
    {"thead", EL_KEEP, 0},
    {"time", EL_KEEP, 0},
    {"title", EL_RAW, 0},
    {"tr", EL_KEEP, EF_BLOCK},
    {"track", EL_GONE, 0},
    {"tt", EL_KEEP, 0},
    {"u", EL_KEEP, 0},
    {"ul", EL_KEEP, PARA},
    {"var", EL_KEEP, 0},
    {"video", EL_KEEP, 0},
    {"wbr", EL_VOID, 0},
    {"xmp", EL_RAW, 0},
};

enum attr_kind {
    AT_TEXT = 1, /* plain value, escaped */
    AT_URL = 2,  /* URL: scheme checked, resolved against the base */
};

struct attr_rule {
    const char *name;
    enum attr_kind kind;
};

static const struct attr_rule attr_rules[] = {
    {"abbr", AT_TEXT},    {"align", AT_TEXT},    {"alt", AT_TEXT},      {"cite", AT_URL},
    {"colspan", AT_TEXT}, {"controls", AT_TEXT}, {"datetime", AT_TEXT}, {"dir", AT_TEXT},
    {"headers", AT_TEXT}, {"height", AT_TEXT},   {"href", AT_URL},      {"hreflang", AT_TEXT},
    {"lang", AT_TEXT},    {"loop", AT_TEXT},     {"poster", AT_URL},    {"reversed", AT_TEXT},
    {"rowspan", AT_TEXT}, {"scope", AT_TEXT},    {"span", AT_TEXT},     {"src", AT_URL},
    {"start", AT_TEXT},   {"summary", AT_TEXT},  {"title", AT_TEXT},    {"type", AT_TEXT},
    {"valign", AT_TEXT},  {"width", AT_TEXT},
};

/*
 * Inline SVG and MathML, as feedparser keeps them: static drawing and
 * formula elements only.  Nothing that runs or fetches: no script, style,
 * foreignObject, use, image, animate or set; no event handlers, style, id
 * or class attributes; links only on <a> (SVG) and MathML elements, with
 * the same scheme check as HTML; presentation values may not fetch
 * (url() other than a local "#fragment").  Names keep their camelCase.
 */
enum ns_kind { NS_HTML = 0, NS_SVG = 1, NS_MATHML = 2 };

struct foreign_el {
    const char *lower; /* sorted by this, for bsearch */
    const char *name;  /* as written in output */
    unsigned char ns;
};

static const struct foreign_el foreign_els[] = {
    {"a", "a", NS_SVG},
    {"annotation", "annotation", NS_MATHML},
    {"circle", "circle", NS_SVG},
    {"clippath", "clipPath", NS_SVG},
    {"defs", "defs", NS_SVG},
    {"desc", "desc", NS_SVG},
    {"ellipse", "ellipse", NS_SVG},
    {"g", "g", NS_SVG},
    {"line", "line", NS_SVG},
    {"lineargradient", "linearGradient", NS_SVG},
    {"marker", "marker", NS_SVG},
    {"math", "math", NS_MATHML},
    {"menclose", "menclose", NS_MATHML},
    {"merror", "merror", NS_MATHML},
    {"mfenced", "mfenced", NS_MATHML},
    {"mfrac", "mfrac", NS_MATHML},
    {"mi", "mi", NS_MATHML},
    {"mmultiscripts", "mmultiscripts", NS_MATHML},
    {"mn", "mn", NS_MATHML},
    {"mo", "mo", NS_MATHML},
    {"mover", "mover", NS_MATHML},
    {"mpadded", "mpadded", NS_MATHML},
    {"mphantom", "mphantom", NS_MATHML},
    {"mprescripts", "mprescripts", NS_MATHML},
    {"mroot", "mroot", NS_MATHML},
    {"mrow", "mrow", NS_MATHML},
    {"ms", "ms", NS_MATHML},
    {"mspace", "mspace", NS_MATHML},
    {"msqrt", "msqrt", NS_MATHML},
    {"mstyle", "mstyle", NS_MATHML},
    {"msub", "msub", NS_MATHML},
    {"msubsup", "msubsup", NS_MATHML},
    {"msup", "msup", NS_MATHML},
    {"mtable", "mtable", NS_MATHML},
    {"mtd", "mtd", NS_MATHML},
    {"mtext", "mtext", NS_MATHML},
    {"mtr", "mtr", NS_MATHML},
    {"munder", "munder", NS_MATHML},
    {"munderover", "munderover", NS_MATHML},
    {"none", "none", NS_MATHML},
    {"path", "path", NS_SVG},
    {"polygon", "polygon", NS_SVG},
    {"polyline", "polyline", NS_SVG},
    {"radialgradient", "radialGradient", NS_SVG},
    {"rect", "rect", NS_SVG},
    {"semantics", "semantics", NS_MATHML},
    {"stop", "stop", NS_SVG},
    {"svg", "svg", NS_SVG},
    {"text", "text", NS_SVG},
    {"title", "title", NS_SVG},
    {"tspan", "tspan", NS_SVG},
};

enum foreign_attr_kind { FA_TEXT = 1, FA_URL = 2 };

struct foreign_attr {
    const char *lower; /* sorted by this, for bsearch */
    const char *name;
    unsigned char ns; /* the vocabulary it belongs to (NS_SVG | NS_MATHML bits) */
    unsigned char kind;
};

#define FS (1 << NS_SVG)
#define FM (1 << NS_MATHML)

static const struct foreign_attr foreign_attrs[] = {
    {"accent", "accent", FM, FA_TEXT},
    {"accentunder", "accentunder", FM, FA_TEXT},
    {"align", "align", FM, FA_TEXT},
    {"basefrequency", "baseFrequency", FS, FA_TEXT},
    {"baseprofile", "baseProfile", FS, FA_TEXT},
    {"bevelled", "bevelled", FM, FA_TEXT},
    {"close", "close", FM, FA_TEXT},
    {"color", "color", FS, FA_TEXT},
    {"columnalign", "columnalign", FM, FA_TEXT},
    {"columnlines", "columnlines", FM, FA_TEXT},
    {"columnspacing", "columnspacing", FM, FA_TEXT},
    {"columnspan", "columnspan", FM, FA_TEXT},
    {"cx", "cx", FS, FA_TEXT},
    {"cy", "cy", FS, FA_TEXT},
    {"d", "d", FS, FA_TEXT},
    {"denomalign", "denomalign", FM, FA_TEXT},
    {"depth", "depth", FM, FA_TEXT},
    {"dir", "dir", FM, FA_TEXT},
    {"display", "display", FS | FM, FA_TEXT},
    {"displaystyle", "displaystyle", FM, FA_TEXT},
    {"dx", "dx", FS, FA_TEXT},
    {"dy", "dy", FS, FA_TEXT},
    {"encoding", "encoding", FM, FA_TEXT},
    {"fence", "fence", FM, FA_TEXT},
    {"fill", "fill", FS, FA_TEXT},
    {"fill-opacity", "fill-opacity", FS, FA_TEXT},
    {"fill-rule", "fill-rule", FS, FA_TEXT},
    {"font-family", "font-family", FS, FA_TEXT},
    {"font-size", "font-size", FS, FA_TEXT},
    {"font-style", "font-style", FS, FA_TEXT},
    {"font-weight", "font-weight", FS, FA_TEXT},
    {"fontstyle", "fontstyle", FM, FA_TEXT},
    {"fontweight", "fontweight", FM, FA_TEXT},
    {"frame", "frame", FM, FA_TEXT},
    {"fx", "fx", FS, FA_TEXT},
    {"fy", "fy", FS, FA_TEXT},
    {"gradienttransform", "gradientTransform", FS, FA_TEXT},
    {"gradientunits", "gradientUnits", FS, FA_TEXT},
    {"height", "height", FS | FM, FA_TEXT},
    {"href", "href", FS | FM, FA_URL},
    {"lang", "lang", FS, FA_TEXT},
    {"largeop", "largeop", FM, FA_TEXT},
    {"linethickness", "linethickness", FM, FA_TEXT},
    {"lspace", "lspace", FM, FA_TEXT},
    {"marker-end", "marker-end", FS, FA_TEXT},
    {"marker-mid", "marker-mid", FS, FA_TEXT},
    {"marker-start", "marker-start", FS, FA_TEXT},
    {"markerheight", "markerHeight", FS, FA_TEXT},
    {"markerunits", "markerUnits", FS, FA_TEXT},
    {"markerwidth", "markerWidth", FS, FA_TEXT},
    {"mathbackground", "mathbackground", FM, FA_TEXT},
    {"mathcolor", "mathcolor", FM, FA_TEXT},
    {"mathsize", "mathsize", FM, FA_TEXT},
    {"mathvariant", "mathvariant", FM, FA_TEXT},
    {"maxsize", "maxsize", FM, FA_TEXT},
    {"minsize", "minsize", FM, FA_TEXT},
    {"movablelimits", "movablelimits", FM, FA_TEXT},
    {"notation", "notation", FM, FA_TEXT},
    {"numalign", "numalign", FM, FA_TEXT},
    {"offset", "offset", FS, FA_TEXT},
    {"opacity", "opacity", FS, FA_TEXT},
    {"open", "open", FM, FA_TEXT},
    {"orient", "orient", FS, FA_TEXT},
    {"pathlength", "pathLength", FS, FA_TEXT},
    {"points", "points", FS, FA_TEXT},
    {"preserveaspectratio", "preserveAspectRatio", FS, FA_TEXT},
    {"r", "r", FS, FA_TEXT},
    {"refx", "refX", FS, FA_TEXT},
    {"refy", "refY", FS, FA_TEXT},
    {"rotate", "rotate", FS, FA_TEXT},
    {"rowalign", "rowalign", FM, FA_TEXT},
    {"rowlines", "rowlines", FM, FA_TEXT},
    {"rowspacing", "rowspacing", FM, FA_TEXT},
    {"rowspan", "rowspan", FM, FA_TEXT},
    {"rspace", "rspace", FM, FA_TEXT},
    {"rx", "rx", FS, FA_TEXT},
    {"ry", "ry", FS, FA_TEXT},
    {"scriptlevel", "scriptlevel", FM, FA_TEXT},
    {"separator", "separator", FM, FA_TEXT},
    {"separators", "separators", FM, FA_TEXT},
    {"stop-color", "stop-color", FS, FA_TEXT},
    {"stop-opacity", "stop-opacity", FS, FA_TEXT},
    {"stretchy", "stretchy", FM, FA_TEXT},
    {"stroke", "stroke", FS, FA_TEXT},
    {"stroke-dasharray", "stroke-dasharray", FS, FA_TEXT},
    {"stroke-dashoffset", "stroke-dashoffset", FS, FA_TEXT},
    {"stroke-linecap", "stroke-linecap", FS, FA_TEXT},
    {"stroke-linejoin", "stroke-linejoin", FS, FA_TEXT},
    {"stroke-miterlimit", "stroke-miterlimit", FS, FA_TEXT},
    {"stroke-opacity", "stroke-opacity", FS, FA_TEXT},
    {"stroke-width", "stroke-width", FS, FA_TEXT},
    {"symmetric", "symmetric", FM, FA_TEXT},
    {"text-anchor", "text-anchor", FS, FA_TEXT},
    {"transform", "transform", FS, FA_TEXT},
    {"version", "version", FS, FA_TEXT},
    {"viewbox", "viewBox", FS, FA_TEXT},
    {"visibility", "visibility", FS, FA_TEXT},
    {"voffset", "voffset", FM, FA_TEXT},
    {"width", "width", FS | FM, FA_TEXT},
    {"x", "x", FS, FA_TEXT},
    {"x1", "x1", FS, FA_TEXT},
    {"x2", "x2", FS, FA_TEXT},
    {"xlink:href", "xlink:href", FS | FM, FA_URL},
    {"xlink:show", "xlink:show", FS | FM, FA_TEXT},
    {"xlink:title", "xlink:title", FS | FM, FA_TEXT},
    {"xlink:type", "xlink:type", FS | FM, FA_TEXT},
    {"y", "y", FS, FA_TEXT},
    {"y1", "y1", FS, FA_TEXT},
    {"y2", "y2", FS, FA_TEXT},
};

static const char *const ns_uri[] = {
    [NS_HTML] = NULL,
    [NS_SVG] = "http://www.w3.org/2000/svg",
    [NS_MATHML] = "http://www.w3.org/1998/Math/MathML",
};

static const struct foreign_el *
foreign_el(const char *lower, int ns)
{
    const struct foreign_el *e = str_bsearch(
        lower, foreign_els, sizeof(foreign_els) / sizeof(foreign_els[0]), sizeof(foreign_els[0]));

    return e && e->ns == ns ? e : NULL;
}

static const struct el_rule *
el_rule(const char *name)
{
    return str_bsearch(name, el_rules, sizeof(el_rules) / sizeof(el_rules[0]), sizeof(el_rules[0]));
}

static enum el_action
el_action(const char *name)
{
    const struct el_rule *r = el_rule(name);

    return r ? (enum el_action)r->action : EL_NONE;
}

static const struct attr_rule *
attr_rule(const char *name)
{
    return str_bsearch(name, attr_rules, sizeof(attr_rules) / sizeof(attr_rules[0]),
                       sizeof(attr_rules[0]));
}

/* Bytes that need a look when copying text: markup, NUL, non-ASCII. */
static const unsigned char text_special[256] = {
    [0] = 1,    ['&'] = 1,  ['<'] = 1,  ['>'] = 1,  ['"'] = 2,  [0x80] = 1, [0x81] = 1, [0x82] = 1,
    [0x83] = 1, [0x84] = 1, [0x85] = 1, [0x86] = 1, [0x87] = 1, [0x88] = 1, [0x89] = 1, [0x8a] = 1,
    [0x8b] = 1, [0x8c] = 1, [0x8d] = 1, [0x8e] = 1, [0x8f] = 1, [0x90] = 1, [0x91] = 1, [0x92] = 1,
    [0x93] = 1, [0x94] = 1, [0x95] = 1, [0x96] = 1, [0x97] = 1, [0x98] = 1, [0x99] = 1, [0x9a] = 1,
    [0x9b] = 1, [0x9c] = 1, [0x9d] = 1, [0x9e] = 1, [0x9f] = 1, [0xa0] = 1, [0xa1] = 1, [0xa2] = 1,
    [0xa3] = 1, [0xa4] = 1, [0xa5] = 1, [0xa6] = 1, [0xa7] = 1, [0xa8] = 1, [0xa9] = 1, [0xaa] = 1,
    [0xab] = 1, [0xac] = 1, [0xad] = 1, [0xae] = 1, [0xaf] = 1, [0xb0] = 1, [0xb1] = 1, [0xb2] = 1,
    [0xb3] = 1, [0xb4] = 1, [0xb5] = 1, [0xb6] = 1, [0xb7] = 1, [0xb8] = 1, [0xb9] = 1, [0xba] = 1,
    [0xbb] = 1, [0xbc] = 1, [0xbd] = 1, [0xbe] = 1, [0xbf] = 1, [0xc0] = 1, [0xc1] = 1, [0xc2] = 1,
    [0xc3] = 1, [0xc4] = 1, [0xc5] = 1, [0xc6] = 1, [0xc7] = 1, [0xc8] = 1, [0xc9] = 1, [0xca] = 1,
    [0xcb] = 1, [0xcc] = 1, [0xcd] = 1, [0xce] = 1, [0xcf] = 1, [0xd0] = 1, [0xd1] = 1, [0xd2] = 1,
    [0xd3] = 1, [0xd4] = 1, [0xd5] = 1, [0xd6] = 1, [0xd7] = 1, [0xd8] = 1, [0xd9] = 1, [0xda] = 1,
    [0xdb] = 1, [0xdc] = 1, [0xdd] = 1, [0xde] = 1, [0xdf] = 1, [0xe0] = 1, [0xe1] = 1, [0xe2] = 1,
    [0xe3] = 1, [0xe4] = 1, [0xe5] = 1, [0xe6] = 1, [0xe7] = 1, [0xe8] = 1, [0xe9] = 1, [0xea] = 1,
    [0xeb] = 1, [0xec] = 1, [0xed] = 1, [0xee] = 1, [0xef] = 1, [0xf0] = 1, [0xf1] = 1, [0xf2] = 1,
    [0xf3] = 1, [0xf4] = 1, [0xf5] = 1, [0xf6] = 1, [0xf7] = 1, [0xf8] = 1, [0xf9] = 1, [0xfa] = 1,
    [0xfb] = 1, [0xfc] = 1, [0xfd] = 1, [0xfe] = 1, [0xff] = 1,
};

static const char replacement_char[] = "\xef\xbf\xbd";

/*
 * Append p[0..n) escaped for HTML: '<' '>' and (in attributes) '"' become
 * references, '&' becomes "&amp;" unless raw_refs and it starts a
 * character reference (which a browser decodes to text, never to markup),
 * NUL is dropped and invalid UTF-8 becomes U+FFFD.
 */
/* The first byte from p on (before end) that text_special marks, 16 at a time with SSE2. */
static const unsigned char *
scan_special(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&');
    const __m128i lt = _mm_set1_epi8('<');
    const __m128i gt = _mm_set1_epi8('>');
    const __m128i quot = _mm_set1_epi8('"');
    const __m128i zero = _mm_setzero_si128();

    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(m, _mm_cmpeq_epi8(v, zero))) |
                        (unsigned)_mm_movemask_epi8(v); /* the high bit: bytes >= 0x80 */

        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end && !text_special[*p])
        p++;
    return p;
}

static void
esc_html(struct buf *out, const char *s, size_t n, int attr, int raw_refs)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;
    const unsigned char *run = p;

    while (p < end) {
        unsigned char c;
        size_t k;

        p = scan_special(p, end);
        if (p >= end)
            break;
        c = *p;
        if (c == '"' && !attr) {
            p++;
            continue;
        }
        if (c >= 0x80) {
            k = str_utf8_seq((const char *)p, (size_t)(end - p));
            if (k) {
                p += k;
                continue;
            }
        }
        if (c == '&' && raw_refs && p + 1 < end &&
            ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') || p[1] == '#')) {
            p++; /* a character reference: a browser decodes it to text, never to markup */
            continue;
        }
        buf_add(out, run, (size_t)(p - run));
        switch (c) {
        case '<':
            buf_add(out, "&lt;", 4);
            break;
        case '>':
            buf_add(out, "&gt;", 4);
            break;
        case '"':
            buf_add(out, "&quot;", 6);
            break;
        case '&':
            buf_add(out, "&amp;", 5);
            break;
        case 0:
            break;
        default:
            buf_add(out, replacement_char, 3);
            break;
        }
        p++;
        run = p;
    }
    buf_add(out, run, (size_t)(p - run));
}

static void
esc_text(struct buf *out, const char *s, int attr)
{
    esc_html(out, s, strlen(s), attr, 0);
}

/* Append p[0..n) with character references decoded (invalid UTF-8 as U+FFFD). */
static void
decode_refs(struct buf *out, const char *s, size_t n, int legacy_ok)
{
    const char *end = s + n;

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        char u[8];
        size_t ul;
        size_t k;

        if (!amp) {
            buf_add(out, s, (size_t)(end - s));
            break;
        }
        buf_add(out, s, (size_t)(amp - s));
        k = entity_decode(amp, (size_t)(end - amp), legacy_ok, u, &ul);
        if (k) {
            buf_add(out, u, ul);
            s = amp + k;
        } else {
            buf_addc(out, '&');
            s = amp + 1;
        }
    }
}

/* 1 when url has no scheme (so it is resolved against a base). */
static int
url_is_relative(const char *u)
{
    const char *p = u;

    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 1;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p != ':';
}

/* Append attribute ` name="value"` for a URL value, or nothing when unsafe. */
static void
emit_url_attr(struct buf *out, const char *name, const char *val, const char *base_url)
{
    if (!url_is_safe_link(val, !strcmp(name, "href")))
        return;
    buf_addc(out, ' ');
    buf_adds(out, name);
    buf_add(out, "=\"", 2);
    if (base_url && *base_url && url_is_relative(val)) {
        struct buf u = BUF_INIT;

        if (!url_resolve_iri(&u, base_url, val, NULL) && url_is_safe_link(u.p, 1))
            esc_text(out, u.p, 1);
        else
            esc_text(out, val, 1);
        buf_release(&u);
    } else {
        esc_text(out, val, 1);
    }
    buf_addc(out, '"');
}

static void
emit_attrs(struct buf *out, xmlNode *n, const char *base_url, unsigned flags)
{
    for (xmlAttr *a = n->properties; a; a = a->next) {
        const struct attr_rule *r;
        xmlChar *v;
        char *val;

        if (!a->name || a->ns)
            continue;
        r = attr_rule((const char *)a->name);
        if (!r)
            continue;
        v = xmlNodeGetContent((xmlNode *)a);
        val = v ? (char *)v : "";
        if (r->kind == AT_URL) {
            emit_url_attr(out, (const char *)a->name, val, base_url);
        } else {
            buf_addf(out, " %s=\"", (const char *)a->name);
            esc_text(out, val, 1);
            buf_addc(out, '"');
        }
        xmlFree(v);
    }
    if ((flags & SANITIZE_LINK_REL) && !strcmp((const char *)n->name, "a"))
        buf_adds(out, " rel=\"nofollow noopener noreferrer\"");
}

/* The element's action, honouring the flags. */
static enum el_action
node_action(xmlNode *n, unsigned flags)
{
    enum el_action act = el_action((const char *)n->name);

    if (act == EL_VOID && (flags & SANITIZE_NO_IMAGES) && !strcmp((const char *)n->name, "img"))
        return EL_GONE;
    return act;
}

/*
 * Walk the subtree below root without recursion (pages nest 100k deep),
 * using the parent pointers to climb back.
 */
int
sanitize_node_children(struct buf *out, xmlNode *root, const char *base_url, unsigned flags)
{
    xmlNode *n = root ? root->children : NULL;

    while (n) {
        int descend = 0;

        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (n->content)
                esc_text(out, (const char *)n->content, 0);
            break;
        case XML_ELEMENT_NODE: {
            enum el_action act = node_action(n, flags);

            if (act == EL_DROP || act == EL_RAW || act == EL_GONE || act == EL_FOREIGN)
                break;
            if (act == EL_KEEP || act == EL_VOID) {
                buf_addf(out, "<%s", (const char *)n->name);
                emit_attrs(out, n, base_url, flags);
                buf_addc(out, '>');
            }
            descend = act != EL_VOID && n->children;
            if (!descend && act == EL_KEEP)
                buf_addf(out, "</%s>", (const char *)n->name);
            break;
        }
        default:
            break;
        }
        if (out->overflow)
            return GZ_ELIMIT;
        if (descend) {
            n = n->children;
            continue;
        }
        /* next sibling, or climb, closing the elements we leave */
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n != root && n->type == XML_ELEMENT_NODE && node_action(n, flags) == EL_KEEP)
                buf_addf(out, "</%s>", (const char *)n->name);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return out->overflow ? GZ_ELIMIT : 0;
}

/*
 * ---- A streaming HTML tokenizer ----
 *
 * sanitize_html() and html_to_text() read markup as a stream of tokens and
 * never build a tree: the output is rebuilt from tokens (escaped text and
 * allowlisted tags with escaped attribute values), so how the input is
 * split cannot smuggle markup through, and memory stays flat however long
 * or deep the input is.  Tokenizing follows HTML's rules where they matter
 * (tag and attribute syntax, raw-text elements, comments) and the
 * feedparser tradition where HTML would swallow text ("<!x" and a
 * "<!DOCTYPE" without '>' stay text; a comment without "-->" ends at "--...>").
 */
enum tok_type { TOK_EOF = 0, TOK_TEXT, TOK_START, TOK_END };

#define TOK_MAX_ATTRS 48
#define TOK_NAME_MAX 32

struct tok_attr {
    const char *name;
    size_t name_len;
    const char *val; /* raw, references not decoded */
    size_t val_len;
};

struct tok {
    const char *p;
    const char *end;
    enum tok_type type;
    const char *text; /* TOK_TEXT: raw text */
    size_t text_len;
    char name[TOK_NAME_MAX + 1]; /* lower-cased; "" when too long to be one we know */
    int self_closing;
    int nattrs;
    struct tok_attr attrs[TOK_MAX_ATTRS];
};

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void
tok_init(struct tok *t, const char *p, size_t len)
{
    memset(t, 0, sizeof(*t));
    t->p = p;
    t->end = p + len;
}

static const char *
find_str(const char *p, const char *end, const char *needle, size_t n)
{
    while ((size_t)(end - p) >= n) {
        const char *q = memchr(p, needle[0], (size_t)(end - p - (ptrdiff_t)n + 1));

        if (!q)
            return NULL;
        if (!memcmp(q, needle, n))
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Read a tag name at p into t->name (lower-cased); returns the end of the name. */
static const char *
read_tag_name(struct tok *t, const char *p)
{
    size_t n = 0;

    while (p < t->end && !is_space((unsigned char)*p) && *p != '/' && *p != '>') {
        char c = *p++;

        if (n < TOK_NAME_MAX + 1)
            t->name[n] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        n++;
    }
    t->name[n <= TOK_NAME_MAX ? n : 0] = '\0';
    return p;
}

/* Attributes from p to the tag's '>'; returns the position after it (or end). */
static const char *
read_attrs(struct tok *t, const char *p)
{
    const char *end = t->end;

    t->nattrs = 0;
    t->self_closing = 0;
    for (;;) {
        const char *name;
        size_t name_len;

        while (p < end && (is_space((unsigned char)*p) || *p == '/')) {
            if (*p == '/' && p + 1 < end && p[1] == '>')
                t->self_closing = 1;
            p++;
        }
        if (p >= end)
            return end;
        if (*p == '>')
            return p + 1;
        name = p++;
        while (p < end && !is_space((unsigned char)*p) && *p != '/' && *p != '>' && *p != '=')
            p++;
        name_len = (size_t)(p - name);
        while (p < end && is_space((unsigned char)*p))
            p++;
        if (t->nattrs < TOK_MAX_ATTRS) {
            t->attrs[t->nattrs].name = name;
            t->attrs[t->nattrs].name_len = name_len;
            t->attrs[t->nattrs].val = "";
            t->attrs[t->nattrs].val_len = 0;
        }
        if (p < end && *p == '=') {
            const char *v;

            p++;
            while (p < end && is_space((unsigned char)*p))
                p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

                v = p + 1;
                p = q ? q : end;
                if (t->nattrs < TOK_MAX_ATTRS) {
                    t->attrs[t->nattrs].val = v;
                    t->attrs[t->nattrs].val_len = (size_t)(p - v);
                }
                if (p < end)
                    p++;
            } else {
                v = p;
                while (p < end && !is_space((unsigned char)*p) && *p != '>')
                    p++;
                if (t->nattrs < TOK_MAX_ATTRS) {
                    t->attrs[t->nattrs].val = v;
                    t->attrs[t->nattrs].val_len = (size_t)(p - v);
                }
            }
        }
        if (t->nattrs < TOK_MAX_ATTRS)
            t->nattrs++;
    }
}

/* The next token.  Comments, doctypes and processing instructions are skipped. */
static enum tok_type
tok_next(struct tok *t)
{
    const char *end = t->end;

    while (t->p < end) {
        const char *p = t->p;
        unsigned char c1;

        if (*p != '<') {
            const char *q = memchr(p, '<', (size_t)(end - p));

            t->text = p;
            t->text_len = (size_t)((q ? q : end) - p);
            t->p = q ? q : end;
            return t->type = TOK_TEXT;
        }
        c1 = p + 1 < end ? (unsigned char)p[1] : 0;
        if (is_alpha(c1)) {
            p = read_tag_name(t, p + 1);
            t->p = read_attrs(t, p);
            if (t->p == end && end[-1] != '>')
                return t->type = TOK_EOF; /* a tag cut off by the end: dropped */
            return t->type = TOK_START;
        }
        if (c1 == '/') {
            if (p + 2 < end && is_alpha((unsigned char)p[2])) {
                const char *q;

                p = read_tag_name(t, p + 2);
                q = memchr(p, '>', (size_t)(end - p));
                t->p = q ? q + 1 : end;
                t->nattrs = 0;
                return t->type = TOK_END;
            }
            /* "</>" is nothing; "</3" is a bogus comment */
            {
                const char *q = memchr(p, '>', (size_t)(end - p));

                t->p = q ? q + 1 : end;
            }
            continue;
        }
        if (c1 == '!') {
            if (end - p >= 4 && p[2] == '-' && p[3] == '-') {
                const char *q = find_str(p + 4, end, "-->", 3);

                if (q) {
                    t->p = q + 3;
                } else {
                    /* unclosed: end at "--" ... ">" if there is one, else swallow the rest */
                    const char *dd = find_str(p + 4, end, "--", 2);
                    const char *gt = dd ? memchr(dd, '>', (size_t)(end - dd)) : NULL;

                    t->p = gt ? gt + 1 : end;
                }
                continue;
            }
            if (p + 2 < end && is_alpha((unsigned char)p[2])) {
                const char *q = memchr(p, '>', (size_t)(end - p));

                if (q) {
                    t->p = q + 1;
                    continue;
                }
            }
        } else if (c1 == '?') {
            const char *q = memchr(p, '>', (size_t)(end - p));

            if (q) {
                t->p = q + 1;
                continue;
            }
        }
        /* a '<' that opens nothing is text */
        t->text = p;
        t->text_len = 1;
        t->p = p + 1;
        return t->type = TOK_TEXT;
    }
    return t->type = TOK_EOF;
}

/* Skip the raw text of element name up to and including its end tag. */
static void
tok_skip_raw(struct tok *t, const char *name)
{
    size_t n = strlen(name);
    const char *p = t->p;

    if (!strcmp(name, "plaintext")) {
        t->p = t->end;
        return;
    }
    while ((p = find_str(p, t->end, "</", 2))) {
        if ((size_t)(t->end - p) >= n + 2 && !str_ncasecmp(p + 2, name, n) &&
            (p + 2 + n == t->end || is_space((unsigned char)p[2 + n]) || p[2 + n] == '>' ||
             p[2 + n] == '/')) {
            const char *q = memchr(p, '>', (size_t)(t->end - p));

            t->p = q ? q + 1 : t->end;
            return;
        }
        p += 2;
    }
    t->p = t->end;
}

/* ---- sanitize_html: tokens in, allowlisted markup out ---- */

#define SAN_MAX_DEPTH 256
#define SAN_FIND_DEPTH 48

struct san_frame {
    const char *name;      /* as written (canonical case) */
    const char *lower;     /* lower case, as tokens name it */
    unsigned char action;  /* EL_KEEP or EL_DROP */
    unsigned char ns;      /* enum ns_kind of the element */
    unsigned char emitted; /* 1: its start tag was written, so its end tag must be */
};

struct san {
    struct buf *out;
    const char *base_url;
    unsigned flags;
    struct buf scratch;
    int depth;
    int dropping;    /* open EL_DROP elements */
    size_t complete; /* out->len after the last complete top-level node */
    struct san_frame stack[SAN_MAX_DEPTH];
};

static void
san_mark_complete(struct san *s)
{
    if (!s->depth && !s->out->overflow)
        s->complete = s->out->len;
}

static void
san_pop(struct san *s)
{
    struct san_frame *f = &s->stack[--s->depth];

    if (f->emitted) {
        buf_add(s->out, "</", 2);
        buf_adds(s->out, f->name);
        buf_addc(s->out, '>');
    }
    if (f->action == EL_DROP)
        s->dropping--;
    san_mark_complete(s);
}

/* Close open elements down to and including the one at index i. */
static void
san_close_to(struct san *s, int i)
{
    while (s->depth > i)
        san_pop(s);
}

/* Index of the innermost open element named name, not looking past a stop element. */
static int
san_find(const struct san *s, const char *name, const char *const *stops)
{
    /* the nearest SAN_FIND_DEPTH open elements: hostile nesting stays linear */
    int low = s->depth > SAN_FIND_DEPTH ? s->depth - SAN_FIND_DEPTH : 0;

    for (int i = s->depth - 1; i >= low; i--) {
        const char *n = s->stack[i].lower;

        if (n[0] == name[0] && !strcmp(n, name))
            return i;
        for (const char *const *st = stops; st && *st; st++)
            if (n[0] == (*st)[0] && !strcmp(n, *st))
                return -1;
    }
    return -1;
}

/* HTML's implied end tags for a start tag. */
static void
san_implied_close(struct san *s, const struct el_rule *r)
{
    static const char *const p_scope[] = {"table",  "td",  "th",   "caption", "button",
                                          "applet", "svg", "math", NULL};
    static const char *const li_scope[] = {"ul", "ol", "table", NULL};
    static const char *const dl_scope[] = {"dl", "table", NULL};
    static const char *const tr_scope[] = {"table", NULL};
    static const char *const td_scope[] = {"tr", "table", NULL};
    const char *n = r->name;
    int i;

    if (r->flags & EF_CLOSES_P) {
        i = san_find(s, "p", p_scope);
        if (i >= 0)
            san_close_to(s, i);
    }
    if (n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2] && s->depth) {
        const char *top = s->stack[s->depth - 1].name;

        if (top[0] == 'h' && top[1] >= '1' && top[1] <= '6' && !top[2])
            san_close_to(s, s->depth - 1);
    }
    if (n[0] == 'l' && n[1] == 'i' && !n[2]) {
        i = san_find(s, "li", li_scope);
        if (i >= 0)
            san_close_to(s, i);
    } else if (n[0] == 'd' && (n[1] == 't' || n[1] == 'd') && !n[2]) {
        i = san_find(s, "dt", dl_scope);
        if (i < 0)
            i = san_find(s, "dd", dl_scope);
        if (i >= 0)
            san_close_to(s, i);
    } else if (n[0] == 't' && n[1] == 'r' && !n[2]) {
        i = san_find(s, "tr", tr_scope);
        if (i >= 0)
            san_close_to(s, i);
    } else if (n[0] == 't' && (n[1] == 'd' || n[1] == 'h') && !n[2]) {
        i = san_find(s, "td", td_scope);
        if (i < 0)
            i = san_find(s, "th", td_scope);
        if (i >= 0)
            san_close_to(s, i);
    } else if (n[0] == 'a' && !n[1]) {
        i = san_find(s, "a", NULL);
        if (i >= 0 && s->stack[i].ns == NS_HTML)
            san_close_to(s, i);
    }
}

/* Lower-case attribute name a into name (size n); 0 when it does not fit. */
static int
attr_lower(const struct tok_attr *a, char *name, size_t n)
{
    if (!a->name_len || a->name_len >= n)
        return 0;
    for (size_t k = 0; k < a->name_len; k++) {
        char c = a->name[k];

        name[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    name[a->name_len] = '\0';
    return 1;
}

static void
san_attrs(struct san *s, const struct tok *t)
{
    unsigned seen = 0; /* attr_rules indices already written (HTML keeps the first) */

    for (int i = 0; i < t->nattrs; i++) {
        const struct tok_attr *a = &t->attrs[i];
        char name[16];
        const struct attr_rule *r;
        unsigned bit;

        if (!attr_lower(a, name, sizeof(name)))
            continue;
        r = attr_rule(name);
        if (!r)
            continue;
        bit = 1u << (unsigned)(r - attr_rules);
        if (seen & bit)
            continue;
        seen |= bit;
        buf_reset(&s->scratch);
        decode_refs(&s->scratch, a->val, a->val_len, 0);
        if (r->kind == AT_URL) {
            emit_url_attr(s->out, r->name, s->scratch.p, s->base_url);
        } else {
            buf_addc(s->out, ' ');
            buf_adds(s->out, r->name);
            buf_add(s->out, "=\"", 2);
            esc_html(s->out, s->scratch.p, s->scratch.len, 1, 0);
            buf_addc(s->out, '"');
        }
    }
}

/* The attributes of an SVG or MathML element, and the namespaces they need. */
static void
san_foreign_attrs(struct san *s, const struct tok *t, const struct foreign_el *e)
{
    const struct foreign_attr *seen[TOK_MAX_ATTRS];
    int nseen = 0;
    int xlink = 0;

    if (!strcmp(e->name, "svg") || !strcmp(e->name, "math")) {
        buf_add(s->out, " xmlns=\"", 8);
        buf_adds(s->out, ns_uri[e->ns]);
        buf_addc(s->out, '"');
    }
    for (int i = 0; i < t->nattrs; i++) {
        const struct tok_attr *a = &t->attrs[i];
        char name[24];
        const struct foreign_attr *r;
        int dup = 0;

        if (!attr_lower(a, name, sizeof(name)))
            continue;
        r = str_bsearch(name, foreign_attrs, sizeof(foreign_attrs) / sizeof(foreign_attrs[0]),
                        sizeof(foreign_attrs[0]));
        if (!r || !(r->ns & (1 << e->ns)))
            continue;
        if ((!strcmp(r->lower, "href") || !strcmp(r->lower, "xlink:href")) && e->ns == NS_SVG &&
            strcmp(e->name, "a"))
            continue; /* links only on <a>: use, image and friends fetch */
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == r;
        if (dup)
            continue;
        seen[nseen++] = r;
        buf_reset(&s->scratch);
        decode_refs(&s->scratch, a->val, a->val_len, 0);
        if (r->kind == FA_URL) {
            size_t before = s->out->len;

            emit_url_attr(s->out, r->name, s->scratch.p, s->base_url);
            if (s->out->len != before && !strncmp(r->name, "xlink:", 6))
                xlink = 1;
            continue;
        }
        {
            const char *u = str_casestr(s->scratch.p, s->scratch.len, "url(");

            while (u && u[4] == ' ')
                u++;
            if (u && u[4] != '#')
                continue; /* url(...) other than a local reference fetches */
        }
        buf_addc(s->out, ' ');
        buf_adds(s->out, r->name);
        buf_add(s->out, "=\"", 2);
        esc_html(s->out, s->scratch.p, s->scratch.len, 1, 0);
        buf_addc(s->out, '"');
        if (!strncmp(r->name, "xlink:", 6))
            xlink = 1;
    }
    if (xlink)
        buf_adds(s->out, " xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
}

static void
san_push(struct san *s, const char *name, const char *lower, enum el_action act, int ns,
         int emitted)
{
    s->stack[s->depth].name = name;
    s->stack[s->depth].lower = lower;
    s->stack[s->depth].action = (unsigned char)act;
    s->stack[s->depth].ns = (unsigned char)ns;
    s->stack[s->depth].emitted = (unsigned char)emitted;
    s->depth++;
}

/* A start tag inside svg or math; 1 when it was handled as foreign. */
static int
san_start_foreign(struct san *s, struct tok *t, int ns)
{
    const struct foreign_el *e = t->name[0] ? foreign_el(t->name, ns) : NULL;

    if (!e)
        return 0;
    if (s->dropping) {
        if (!t->self_closing && s->depth < SAN_MAX_DEPTH)
            san_push(s, e->name, e->lower, EL_KEEP, ns, 0);
        return 1;
    }
    if (!t->self_closing && s->depth == SAN_MAX_DEPTH)
        return 1;
    buf_addc(s->out, '<');
    buf_adds(s->out, e->name);
    san_foreign_attrs(s, t, e);
    buf_addc(s->out, '>');
    if (t->self_closing) {
        buf_add(s->out, "</", 2);
        buf_adds(s->out, e->name);
        buf_addc(s->out, '>');
        san_mark_complete(s);
    } else {
        san_push(s, e->name, e->lower, EL_KEEP, ns, 1);
    }
    return 1;
}

static void
san_start(struct san *s, struct tok *t)
{
    const struct el_rule *r;
    enum el_action act;
    int ns = s->depth ? s->stack[s->depth - 1].ns : NS_HTML;

    if (ns != NS_HTML && san_start_foreign(s, t, ns))
        return;
    r = t->name[0] ? el_rule(t->name) : NULL;
    act = r ? (enum el_action)r->action : EL_NONE;
    if (act == EL_VOID && (s->flags & SANITIZE_NO_IMAGES) && !strcmp(r->name, "img"))
        act = EL_GONE;
    switch (act) {
    case EL_RAW:
        tok_skip_raw(t, r->name);
        return;
    case EL_GONE:
    case EL_NONE:
        return;
    case EL_FOREIGN:
        if (!(s->flags & SANITIZE_FOREIGN)) {
            /* pages show no inline SVG or MathML: the element goes with its content */
            if (t->self_closing || s->depth == SAN_MAX_DEPTH)
                return;
            if (!s->dropping && ns == NS_HTML)
                san_implied_close(s, r);
            s->dropping++;
            san_push(s, r->name, r->name, EL_DROP, NS_HTML, 0);
            return;
        }
        san_start_foreign(s, t, !strcmp(r->name, "svg") ? NS_SVG : NS_MATHML);
        return;
    case EL_VOID:
        if (s->dropping)
            return;
        san_implied_close(s, r);
        buf_addc(s->out, '<');
        buf_adds(s->out, r->name);
        san_attrs(s, t);
        buf_addc(s->out, '>');
        san_mark_complete(s);
        return;
    case EL_KEEP:
    case EL_DROP:
        if (!s->dropping && ns == NS_HTML)
            san_implied_close(s, r);
        if (s->depth == SAN_MAX_DEPTH)
            return; /* too deep: the tag goes, its content stays */
        if (act == EL_DROP) {
            s->dropping++;
            san_push(s, r->name, r->name, EL_DROP, NS_HTML, 0);
        } else if (s->dropping) {
            san_push(s, r->name, r->name, EL_KEEP, NS_HTML, 0);
        } else {
            buf_addc(s->out, '<');
            buf_adds(s->out, r->name);
            san_attrs(s, t);
            if (!strcmp(r->name, "a") && (s->flags & SANITIZE_LINK_REL))
                buf_adds(s->out, " rel=\"nofollow noopener noreferrer\"");
            buf_addc(s->out, '>');
            san_push(s, r->name, r->name, EL_KEEP, NS_HTML, 1);
        }
        return;
    }
}

static void
san_end(struct san *s, const struct tok *t)
{
    int i;

    if (!t->name[0])
        return;
    i = san_find(s, t->name, NULL);
    if (i >= 0)
        san_close_to(s, i);
}

int
sanitize_html(struct buf *out, const char *html, size_t len, const char *base_url, unsigned flags,
              struct gz_err *err)
{
    struct san *s;
    struct tok t;

    if (!len)
        return 0;
    s = malloc(sizeof(*s));
    if (!s)
        return gz_errf(err, GZ_ENOMEM, "out of memory");
    s->out = out;
    s->base_url = base_url;
    s->flags = flags;
    s->depth = 0;
    s->dropping = 0;
    s->complete = out->len;
    buf_init(&s->scratch, 0);
    tok_init(&t, html, len);
    while (!out->overflow && tok_next(&t) != TOK_EOF) {
        switch (t.type) {
        case TOK_TEXT:
            if (!s->dropping) {
                esc_html(out, t.text, t.text_len, 0, 1);
                san_mark_complete(s);
            }
            break;
        case TOK_START:
            san_start(s, &t);
            break;
        case TOK_END:
            san_end(s, &t);
            break;
        case TOK_EOF:
            break;
        }
    }
    while (s->depth && !out->overflow)
        san_pop(s);
    buf_release(&s->scratch);
    if (out->overflow) {
        /* keep only whole top-level nodes, so the result stays well-formed */
        buf_setlen(out, s->complete);
        out->overflow = 1;
        free(s);
        return gz_errf(err, GZ_ELIMIT, "sanitized html is larger than %zu bytes", out->max);
    }
    free(s);
    return 0;
}

struct safe_html
safe_html_trusted(const char *p, size_t len)
{
    struct safe_html h = {p, len};

    return h;
}

/* ---- html_to_text ---- */

/* Collapse whitespace while appending; breaks are 0 none, 1 newline, 2 blank line. */
struct text_state {
    struct buf *out;
    size_t start; /* out->len when we began: earlier bytes are the caller's */
    int pending_space;
    int pending_break;
};

static void
text_break(struct text_state *ts, int level)
{
    if (level > ts->pending_break)
        ts->pending_break = level;
    ts->pending_space = 0;
}

static void
text_add(struct text_state *ts, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;

    while (p < end) {
        unsigned char c = *p;
        size_t k = 1;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            (c == 0xc2 && p + 1 < end && p[1] == 0xa0)) {
            /* U+00A0 no-break space counts as a space too */
            ts->pending_space = 1;
            p += c == 0xc2 ? 2 : 1;
            continue;
        }
        if (c == 0) {
            p++;
            continue;
        }
        if (ts->out->len > ts->start) {
            if (ts->pending_break)
                buf_adds(ts->out, ts->pending_break > 1 ? "\n\n" : "\n");
            else if (ts->pending_space)
                buf_addc(ts->out, ' ');
        }
        ts->pending_space = 0;
        ts->pending_break = 0;
        if (c >= 0x80) {
            k = str_utf8_seq((const char *)p, (size_t)(end - p));
            if (!k) {
                buf_add(ts->out, replacement_char, 3);
                p++;
                continue;
            }
        }
        /* copy the run up to the next space or special byte */
        {
            const unsigned char *q = p + k;

            while (q<end && * q> ' ' && *q < 0x80)
                q++;
            buf_add(ts->out, p, (size_t)(q - p));
            p = q;
        }
    }
}

int
html_to_text(struct buf *out, const char *html, size_t len, struct gz_err *err)
{
    struct text_state ts = {out, out->len, 0, 0};
    struct buf dec = BUF_INIT;
    struct tok t;
    /* open EL_DROP elements, by name, to find where each drop ends */
    const struct el_rule *drops[SAN_MAX_DEPTH];
    int ndrops = 0;

    if (!len)
        return 0;
    tok_init(&t, html, len);
    while (tok_next(&t) != TOK_EOF) {
        const struct el_rule *r;

        switch (t.type) {
        case TOK_TEXT:
            if (ndrops)
                break;
            if (memchr(t.text, '&', t.text_len)) {
                buf_reset(&dec);
                decode_refs(&dec, t.text, t.text_len, 1);
                text_add(&ts, dec.p, dec.len);
            } else {
                text_add(&ts, t.text, t.text_len);
            }
            break;
        case TOK_START:
            r = t.name[0] ? el_rule(t.name) : NULL;
            if (!r)
                break;
            if (r->action == EL_RAW) {
                tok_skip_raw(&t, r->name);
                break;
            }
            if (r->action == EL_DROP || r->action == EL_FOREIGN) {
                if (ndrops < SAN_MAX_DEPTH)
                    drops[ndrops++] = r;
                break;
            }
            if (!ndrops && (r->flags & EF_BLOCK))
                text_break(&ts, (r->flags & EF_PARA) ? 2 : 1);
            break;
        case TOK_END:
            r = t.name[0] ? el_rule(t.name) : NULL;
            if (!r)
                break;
            if ((r->action == EL_DROP || r->action == EL_FOREIGN) && ndrops) {
                for (int i = ndrops - 1; i >= 0; i--) {
                    if (drops[i] == r) {
                        ndrops = i;
                        break;
                    }
                }
                break;
            }
            if (!ndrops && (r->flags & EF_BLOCK))
                text_break(&ts, (r->flags & EF_PARA) ? 2 : 1);
            break;
        case TOK_EOF:
            break;
        }
    }
    buf_release(&dec);
    if (out->overflow)
        return gz_errf(err, GZ_ELIMIT, "text is larger than %zu bytes", out->max);
    return 0;
}
