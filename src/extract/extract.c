/*
 * extract.c - the driver: bytes to UTF-8, parse, metadata, body, output.
 */
#include "extract/extract.h"

#include "extract/content.h"
#include "extract/extract_int.h"
#include "extract/sanitize.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <iconv.h>
#include <string.h>

/* ---- character sets ---- */

/* The iconv name for a charset label as pages and servers write it, or NULL. */
static const char *
charset_name(const char *label, char *out, size_t cap)
{
    static const struct {
        const char *label, *name;
    } aliases[] = {
        {"utf8", "UTF-8"},
        {"utf-8", "UTF-8"},
        {"unicode-1-1-utf-8", "UTF-8"},
        {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"},
        {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"},
        {"x-cp1252", "WINDOWS-1252"},
        {"gb2312", "GBK"},
        {"gb_2312-80", "GBK"},
        {"x-gbk", "GBK"},
        {"chinese", "GBK"},
        {"csgb2312", "GBK"},
        {"gb18030", "GB18030"},
        {"shift_jis", "CP932"},
        {"shift-jis", "CP932"},
        {"sjis", "CP932"},
        {"x-sjis", "CP932"},
        {"ms_kanji", "CP932"},
        {"windows-31j", "CP932"},
        {"csshiftjis", "CP932"},
        {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},
        {"big5", "BIG5-HKSCS"},
        {"x-mac-cyrillic", "MACCYRILLIC"},
        {"tis-620", "CP874"},
        {"iso-8859-9", "WINDOWS-1254"},
        {"iso-8859-11", "CP874"},
    };
    size_t k = 0;

    if (!label)
        return NULL;
    while (*label == ' ' || *label == '"' || *label == '\'')
        label++;
    for (; *label && k + 1 < cap; label++) {
        char c = *label;

        if (c == '"' || c == '\'' || c == ';' || c == ' ' || c == ',' || c == '>' || c == '/')
            break;
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[k] = 0;
    if (!k)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
        if (!strcmp(out, aliases[i].label))
            return aliases[i].name;
    /* anything else iconv may know under its own name */
    for (size_t i = 0; i < k; i++)
        if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9') ||
              out[i] == '-' || out[i] == '_' || out[i] == '.' || out[i] == ':'))
            return NULL;
    return out;
}

/* The charset a <meta> in the first bytes declares (HTML's prescan, simplified). */
static const char *
meta_charset(const char *p, size_t len, char *out, size_t cap)
{
    size_t lim = len < 4096 ? len : 4096;
    const char *end = p + lim;

    for (const char *s = p; s < end;) {
        const char *m = str_casestr(s, (size_t)(end - s), "<meta");
        const char *gt, *cs;

        if (!m)
            break;
        gt = memchr(m, '>', (size_t)(end - m));
        if (!gt)
            gt = end;
        cs = str_casestr(m, (size_t)(gt - m), "charset");
        if (cs) {
            cs += 7;
            while (cs < gt && (*cs == ' ' || *cs == '\t' || *cs == '\n' || *cs == '\r'))
                cs++;
            if (cs < gt && *cs == '=') {
                char tmp[64];
                size_t k = 0;

                cs++;
                while (cs < gt && (*cs == ' ' || *cs == '"' || *cs == '\''))
                    cs++;
                while (cs < gt && k + 1 < sizeof(tmp) && *cs != '"' && *cs != '\'' && *cs != ';' &&
                       *cs != ' ' && *cs != '>')
                    tmp[k++] = *cs++;
                tmp[k] = 0;
                return charset_name(tmp, out, cap);
            }
        }
        s = gt;
    }
    return NULL;
}

/* str_utf8_valid_prefix() with a fast path over ASCII runs. */
static size_t
utf8_valid_prefix(const char *p, size_t len)
{
    size_t i = 0;

    while (i < len) {
        while (i + 8 <= len) {
            uint64_t w;

            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < len && !((unsigned char)p[i] & 0x80))
            i++;
        if (i < len) {
            /* validate up to the next ASCII byte with the careful checker */
            size_t j = i;
            size_t ok;

            while (j < len && ((unsigned char)p[j] & 0x80))
                j++;
            ok = str_utf8_valid_prefix(p + i, j - i);
            if (ok < j - i)
                return i + ok;
            i = j;
        }
    }
    return len;
}

/* Append p[0..len) to out as UTF-8, invalid sequences and NULs as U+FFFD. */
static void
repair_utf8(struct buf *out, const char *p, size_t len)
{
    while (len) {
        size_t ok = utf8_valid_prefix(p, len);
        const char *nul = memchr(p, 0, ok);

        if (nul)
            ok = (size_t)(nul - p);
        buf_add(out, p, ok);
        p += ok;
        len -= ok;
        if (len) {
            buf_adds(out, "\xef\xbf\xbd");
            p++;
            len--;
        }
    }
}

/* Convert with iconv, bad bytes as U+FFFD.  GZ_EINVAL when iconv does not know cs. */
static int
convert(struct buf *out, const char *p, size_t len, const char *cs)
{
    iconv_t cd = iconv_open("UTF-8", cs);
    char tmp[8192];

    if (cd == (iconv_t)-1)
        return GZ_EINVAL;
    while (len) {
        char *in = (char *)p, *o = tmp;
        size_t inl = len, outl = sizeof(tmp);
        size_t r = iconv(cd, &in, &inl, &o, &outl);
        int e = errno;

        repair_utf8(out, tmp, (size_t)(o - tmp));
        p = in;
        len = inl;
        if (r == (size_t)-1 && e != E2BIG) {
            /* EILSEQ or EINVAL (cut sequence): skip a byte */
            buf_adds(out, "\xef\xbf\xbd");
            if (len) {
                p++;
                len--;
            }
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    return 0;
}

/*
 * The page as UTF-8 in out; *used names the charset.  Order: HTTP, BOM,
 * valid UTF-8, <meta>, mostly-valid UTF-8, windows-1252.  When the input
 * is valid UTF-8 already nothing is copied: *direct points into p.
 */
static void
to_utf8(struct buf *out, const char *p, size_t len, const char *http_charset, char *used,
        size_t cap, const char **direct, size_t *direct_len)
{
    char name[64];
    const char *cs = charset_name(http_charset, name, sizeof(name));
    size_t valid;

    if (cs && strcmp(cs, "UTF-8") && !convert(out, p, len, cs)) {
        snprintf(used, cap, "%s", cs);
        return;
    }
    if (!cs) {
        if (len >= 2 && (unsigned char)p[0] == 0xff && (unsigned char)p[1] == 0xfe &&
            !convert(out, p + 2, len - 2, "UTF-16LE")) {
            snprintf(used, cap, "UTF-16LE");
            return;
        }
        if (len >= 2 && (unsigned char)p[0] == 0xfe && (unsigned char)p[1] == 0xff &&
            !convert(out, p + 2, len - 2, "UTF-16BE")) {
            snprintf(used, cap, "UTF-16BE");
            return;
        }
    }
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
        p += 3;
        len -= 3;
    }
    valid = utf8_valid_prefix(p, len);
    if (!cs && valid < len && len - valid >= 4) {
        /* invalid UTF-8: believe the page's declaration, if any */
        char mname[64];
        const char *mcs = meta_charset(p, len, mname, sizeof(mname));

        if (mcs && strcmp(mcs, "UTF-8") && !convert(out, p, len, mcs)) {
            snprintf(used, cap, "%s", mcs);
            return;
        }
        if (!mcs) {
            /* count the invalid bytes: a few are damage, many are another charset */
            size_t bad = 0, i = valid;

            while (i < len && bad * 100 <= len) {
                size_t ok = str_utf8_valid_prefix(p + i, len - i);

                i += ok;
                if (i < len) {
                    bad++;
                    i++;
                }
            }
            if (bad * 100 > len || (bad > 16 && bad * 1000 > len)) {
                convert(out, p, len, "WINDOWS-1252");
                snprintf(used, cap, "WINDOWS-1252");
                return;
            }
        }
    }
    snprintf(used, cap, "UTF-8");
    if (valid == len && !memchr(p, 0, len)) {
        *direct = p;
        *direct_len = len;
        return;
    }
    repair_utf8(out, p, len);
}

/* ---- parsing ---- */

/*
 * The page as a tree, without what no step reads (comments, scripts other
 * than JSON-LD, styles, inline SVG: most of a modern page's bytes).
 */
static htmlDocPtr
parse_page(const char *p, size_t len, struct arena *a)
{
    return xdom_parse(p, len, XDOM_SKIP_UNREAD, a);
}

/* Binary data is not a page: many NULs or control bytes in the first KiB. */
static int
looks_binary(const char *p, size_t len)
{
    size_t lim = len < 1024 ? len : 1024, ctl = 0, nul = 0;

    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == 0)
            nul++;
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            ctl++;
    }
    return lim && (nul * 100 > lim || (nul + ctl) * 10 > lim);
}

/* ---- lazy images ---- */

static int
looks_like_image_url(const char *v)
{
    size_t n = strlen(v);

    if (!n || strchr(v, ' '))
        return 0;
    return str_casestr(v, n, ".jpg") || str_casestr(v, n, ".jpeg") || str_casestr(v, n, ".png") ||
           str_casestr(v, n, ".webp") || str_casestr(v, n, ".gif") || str_casestr(v, n, ".avif");
}

/* The first URL of a srcset value. */
static char *
srcset_first(const char *v, struct arena *a)
{
    const char *s = v, *e;

    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    e = s;
    while (*e && *e != ' ' && *e != '\n' && *e != '\t' && *e != ',')
        e++;
    return e > s ? arena_strndup(a, s, (size_t)(e - s)) : NULL;
}

static void
fix_lazy_images(xmlNode *root, struct arena *a)
{
    static const char *const lazy_attrs[] = {
        "data-src",        "data-lazy-src", "data-original", "data-lazy",        "data-url",
        "data-hi-res-src", "data-full-src", "data-srcset",   "data-lazy-srcset", "srcset",
    };

    for (xmlNode *n = root; n; n = xdom_next_elem(n, root, 0)) {
        const char *src, *cls;
        int lazy;

        if (xtag(n) != T_IMG)
            continue;
        src = xdom_attr(n, "src");
        cls = xdom_attr(n, "class");
        lazy = !src || !*src || !strncmp(src, "data:", 5) ||
               (cls && str_casestr(cls, strlen(cls), "lazy"));
        if (!lazy)
            continue;
        for (size_t i = 0; i < ARRAY_SIZE(lazy_attrs); i++) {
            const char *v = xdom_attr(n, lazy_attrs[i]);
            char *u;

            if (!v || !*v)
                continue;
            u = strstr(lazy_attrs[i], "srcset") ? srcset_first(v, a) : arena_strdup(a, v);
            if (u && looks_like_image_url(u)) {
                xmlSetProp(n, (const xmlChar *)"src", (const xmlChar *)u);
                break;
            }
        }
    }
}

/* ---- the driver ---- */

struct attempt {
    htmlDocPtr doc;
    xmlNode *art;
    size_t len;
};

static void
free_doc(htmlDocPtr doc)
{
    if (doc) {
        xdom_trash_free(doc);
        xmlFreeDoc(doc);
    }
}

static const char *
dup_or_null(struct arena *a, const char *s)
{
    return s && *s ? arena_strdup(a, s) : NULL;
}

static size_t
count_words(const char *s)
{
    size_t n = 0;
    int in = 0;

    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';

        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

int
extract_page(const char *html, size_t len, const char *url, const char *http_charset,
             struct arena *a, struct extract_result *out, struct gz_err *err)
{
    struct arena *scratch;
    struct buf conv = BUF_INIT, b = BUF_INIT;
    const char *src = NULL;
    size_t srclen = 0;
    struct attempt tries[4];
    int ntries = 0, best = -1;
    htmlDocPtr doc;
    struct xmeta m;
    struct cx_search s;
    char charset[64];
    const char *base = url;
    unsigned flags = CX_ALL;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->text = "";
    out->html = "";
    if (!html && len)
        return gz_errf(err, GZ_EINVAL, "no page given");
    if (len > EXTRACT_MAX_BYTES)
        len = EXTRACT_MAX_BYTES;
    if (looks_binary(html, len))
        return gz_errf(err, GZ_EPARSE, "page is not html (binary data)");
    to_utf8(&conv, html ? html : "", len, http_charset, charset, sizeof(charset), &src, &srclen);
    if (!src) {
        src = conv.p;
        srclen = conv.len;
    }
    out->charset = arena_strdup(a, charset);
    if (!srclen) {
        buf_release(&conv);
        return 0;
    }
    scratch = arena_new();
    doc = parse_page(src, srclen, scratch);

    /* <base href> changes what relative links mean */
    for (xmlNode *n = xmlDocGetRootElement(doc); n;
         n = xdom_next_elem(n, xmlDocGetRootElement(doc), 0)) {
        if (n->name && !strcmp((const char *)n->name, "base") && xdom_attr(n, "href")) {
            struct buf r = BUF_INIT;

            if (!url_resolve(&r, url, xdom_attr(n, "href"), NULL) && url_is_http(r.p))
                base = arena_strdup(scratch, r.p);
            buf_release(&r);
            break;
        }
        if (xtag(n) == T_BODY)
            break;
    }

    meta_read(doc, base, scratch, &m);
    memset(&s, 0, sizeof(s));
    s.a = scratch;
    s.title = m.title ? m.title : "";
    s.want_byline = !m.byline || !*m.byline;

    for (;;) {
        struct attempt *t = &tries[ntries++];

        if (ntries > 1) {
            doc = parse_page(src, srclen, scratch);
        }
        cx_prep(doc, scratch);
        t->doc = doc;
        t->art = cx_grab(doc, &s, flags, &t->len);
        if (!t->art)
            break;
        if (t->len >= CX_CHAR_THRESHOLD) {
            best = ntries - 1;
            break;
        }
        if (flags & CX_STRIP_UNLIKELY)
            flags &= ~(unsigned)CX_STRIP_UNLIKELY;
        else if (flags & CX_WEIGHT_CLASSES)
            flags &= ~(unsigned)CX_WEIGHT_CLASSES;
        else if (flags & CX_CLEAN_CONDITIONALLY)
            flags &= ~(unsigned)CX_CLEAN_CONDITIONALLY;
        else
            break;
    }
    if (best < 0) {
        for (int i = 0; i < ntries; i++)
            if (tries[i].art && (best < 0 || tries[i].len > tries[best].len))
                best = i;
    }

    out->title = dup_or_null(a, m.title);
    out->byline = dup_or_null(a, m.byline ? m.byline : s.byline);
    out->site_name = dup_or_null(a, m.site_name);
    out->lang = dup_or_null(a, m.lang);
    out->image = dup_or_null(a, m.image);
    out->canonical_url = dup_or_null(a, m.canonical               ? m.canonical
                                        : url && url_is_http(url) ? url
                                                                  : NULL);
    out->published_raw = dup_or_null(a, m.published);
    if (m.published)
        (void)time_parse(m.published, strlen(m.published), &out->published);
    if (m.modified)
        (void)time_parse(m.modified, strlen(m.modified), &out->modified);
    out->dir = dup_or_null(a, s.dir ? s.dir : m.dir);
    out->excerpt = dup_or_null(a, m.excerpt);

    if (best >= 0 && tries[best].len) {
        xmlNode *art = tries[best].art;

        if (!out->excerpt) {
            for (xmlNode *n = art; n; n = xdom_next_elem(n, art, 0)) {
                if (xtag(n) == T_P) {
                    buf_reset(&b);
                    xdom_text(n, &b, 0);
                    buf_trim(&b);
                    out->excerpt = dup_or_null(a, b.p);
                    break;
                }
            }
        }
        cx_clean_boiler(art, &s);
        buf_reset(&b);
        text_of(art, &b);
        out->text = arena_strndup(a, b.p, b.len);
        out->n_words = count_words(out->text);
        fix_lazy_images(art, scratch);
        buf_reset(&b);
        b.max = 4 * EXTRACT_MAX_BYTES;
        if (sanitize_node_children(&b, art, base, 0))
            rc = gz_errf(err, GZ_ELIMIT, "article html is too large");
        out->html = arena_strndup(a, b.p, b.len);
    }
    for (int i = 0; i < ntries; i++) {
        if (tries[i].art)
            xdom_remove(tries[i].art); /* into the trash, freed with the document */
        free_doc(tries[i].doc);
    }
    buf_release(&b);
    buf_release(&conv);
    arena_free(scratch);
    return rc;
}
