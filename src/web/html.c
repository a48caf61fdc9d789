#include "web/html.h"

#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <stdarg.h>
#include <string.h>

void
html_lit(struct buf *b, const char *markup)
{
    buf_adds(b, markup);
}

void
html_litf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void
html_textn(struct buf *b, const char *s, size_t n)
{
    const char *run = s;
    const char *end = s + n;

    for (const char *p = s; p < end; p++) {
        const char *rep;

        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\0':
            rep = "\xef\xbf\xbd"; /* U+FFFD */
            break;
        default:
            continue;
        }
        buf_add(b, run, (size_t)(p - run));
        buf_adds(b, rep);
        run = p + 1;
    }
    buf_add(b, run, (size_t)(end - run));
}

void
html_text(struct buf *b, const char *s)
{
    if (s)
        html_textn(b, s, strlen(s));
}

void
html_attr(struct buf *b, const char *s)
{
    html_text(b, s); /* attributes are always double-quoted; the same escapes do */
}

void
html_url(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_addc(b, *p);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[*p >> 4]);
            buf_addc(b, hex[*p & 15]);
        }
    }
}

void
html_href(struct buf *b, const char *url)
{
    if (!url || !*url || !url_is_safe_link(url, 1) ||
        (!url_is_http(url) && str_ncasecmp(url, "mailto:", 7) && url[0] != '/')) {
        buf_addc(b, '#');
        return;
    }
    html_attr(b, url);
}

void
html_safe(struct buf *b, struct safe_html h)
{
    buf_add(b, h.p, h.len);
}

void
html_paragraphs(struct buf *b, const char *text)
{
    const char *p = text;

    while (p && *p) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        struct str para = str_trim((struct str){p, n});

        if (para.len) {
            const char *q = para.p;
            const char *stop = para.p + para.len;

            html_lit(b, "<p>");
            while (q < stop) {
                const char *nl = memchr(q, '\n', (size_t)(stop - q));
                size_t m = nl ? (size_t)(nl - q) : (size_t)(stop - q);

                html_textn(b, q, m);
                if (!nl)
                    break;
                html_lit(b, "<br>");
                q = nl + 1;
            }
            html_lit(b, "</p>\n");
        }
        if (!end)
            break;
        p = end + 2;
    }
}

void
html_time(struct buf *b, int64_t t, int64_t now)
{
    char iso[TIME_ISO_MAX];
    char rel[64];

    time_format_iso(t, iso);
    time_format_relative(t, now, rel, sizeof(rel));
    html_litf(b, "<time datetime=\"%s\" title=\"%s\">", iso, iso);
    html_text(b, rel);
    html_lit(b, "</time>");
}

void
html_marked(struct buf *b, const char *s)
{
    static const char open_mark[] = "\xee\x80\x80";  /* U+E000 */
    static const char close_mark[] = "\xee\x80\x81"; /* U+E001 */
    int open = 0;
    const char *p = s;

    while (p && *p) {
        const char *m = strstr(p, "\xee\x80");
        const char *run_end = m;

        while (m && m[2] != open_mark[2] && m[2] != close_mark[2]) {
            m = strstr(m + 2, "\xee\x80");
            run_end = m;
        }
        if (!m) {
            html_text(b, p);
            break;
        }
        html_textn(b, p, (size_t)(run_end - p));
        if (m[2] == open_mark[2] && !open) {
            html_lit(b, "<mark>");
            open = 1;
        } else if (m[2] == close_mark[2] && open) {
            html_lit(b, "</mark>");
            open = 0;
        }
        p = m + 3;
    }
    if (open)
        html_lit(b, "</mark>");
}

void
xml_textn(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;
    const unsigned char *run = p;

    while (p < end) {
        const char *rep = NULL;
        size_t len = 1;

        if (*p < 0x80) {
            switch (*p) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            case '\t':
            case '\n':
            case '\r':
                break;
            default:
                if (*p < 0x20 || *p == 0x7f)
                    rep = "\xef\xbf\xbd";
                break;
            }
        } else {
            len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
            if (len > (size_t)(end - p) || str_utf8_valid_prefix((const char *)p, len) != len) {
                rep = "\xef\xbf\xbd";
                len = 1;
            } else if (len == 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
                rep = "\xef\xbf\xbd"; /* U+FFFE, U+FFFF */
            }
        }
        if (rep) {
            buf_add(b, run, (size_t)(p - run));
            buf_adds(b, rep);
            run = p + len;
        }
        p += len;
    }
    buf_add(b, run, (size_t)(end - run));
}

void
xml_text(struct buf *b, const char *s)
{
    if (s)
        xml_textn(b, s, strlen(s));
}

void
xml_attr(struct buf *b, const char *s)
{
    xml_text(b, s); /* attributes are always double-quoted; the same escapes do */
}
