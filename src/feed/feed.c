/*
 * feed.c - feed_parse() dispatch, the helpers both readers share
 * (build.h), and the JSON form of the model.
 */
#include "feed/feed.h"

#include "extract/sanitize.h"
#include "feed/build.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {
    [FEED_UNKNOWN] = "unknown",   [FEED_RSS2] = "rss2",     [FEED_RSS09X] = "rss09x",
    [FEED_RSS1] = "rss1",         [FEED_ATOM10] = "atom10", [FEED_ATOM03] = "atom03",
    [FEED_JSONFEED] = "jsonfeed",
};

const char *
feed_format_name(enum feed_format f)
{
    if ((size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
        return "unknown";
    return format_names[f];
}

/* 1 when the document, past a BOM and whitespace, starts like JSON. */
static int
looks_like_json(const char *data, size_t len)
{
    size_t i = 0;

    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && data[i] == '{';
}

struct feed_parser *
feed_parser_new(void)
{
    struct feed_parser *fp = xcalloc(1, sizeof(*fp));

    buf_init(&fp->doc, 0);
    buf_init(&fp->texts.buf, 0);
    buf_init(&fp->texts.input, 0);
    buf_init(&fp->text, 0);
    buf_init(&fp->scratch, 0);
    buf_init(&fp->scratch2, 0);
    return fp;
}

void
feed_parser_free(struct feed_parser *fp)
{
    if (!fp)
        return;
    feed_xml_release(fp);
    buf_release(&fp->doc);
    prep_texts_release(&fp->texts);
    buf_release(&fp->text);
    buf_release(&fp->scratch);
    buf_release(&fp->scratch2);
    feed_list_release(&fp->entries);
    feed_list_release(&fp->cats);
    feed_list_release(&fp->encls);
    free(fp);
}

int
feed_parser_parse(struct feed_parser *fp, const char *data, size_t len, const char *url,
                  const char *http_charset, struct arena *a, struct feed **out, struct gz_err *err)
{
    *out = NULL;
    if (len > FEED_MAX_BYTES)
        return gz_errf(err, GZ_ELIMIT, "feed is larger than %u bytes", FEED_MAX_BYTES);
    if (!len)
        return gz_errf(err, GZ_EPARSE, "empty document");
    if (looks_like_json(data, len))
        return feed_parse_json(fp, data, len, url, http_charset, a, out, err);
    return feed_parse_xml(fp, data, len, url, http_charset, a, out, err);
}

int
feed_parse(const char *data, size_t len, const char *url, const char *http_charset, struct arena *a,
           struct feed **out, struct gz_err *err)
{
    struct feed_parser *fp = feed_parser_new();
    int rc = feed_parser_parse(fp, data, len, url, http_charset, a, out, err);

    feed_parser_free(fp);
    return rc;
}

/* ---- field helpers ---- */

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* s with whitespace runs collapsed to one space and the ends trimmed, into the arena. */
static const char *
collapse(struct arena *a, const char *s, size_t n)
{
    char *o = arena_alloc(a, n + 1);
    size_t w = 0;
    int space = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (is_space(c)) {
            space = 1;
            continue;
        }
        if (space && w)
            o[w++] = ' ';
        space = 0;
        o[w++] = (char)c;
    }
    o[w] = '\0';
    return w ? o : NULL;
}

const char *
feed_text(struct arena *a, struct buf *scratch, const char *s, size_t n, enum feed_ctype ct)
{
    if (ct == CT_HTML || ct == CT_XHTML) {
        if (!memchr(s, '<', n) && !memchr(s, '&', n))
            return collapse(a, s, n);
        buf_reset(scratch);
        (void)html_to_text(scratch, s, n, NULL); /* no limit on scratch: cannot fail */
        return collapse(a, scratch->p, scratch->len);
    }
    return collapse(a, s, n);
}

const char *
feed_html(struct arena *a, struct buf *scratch, const char *s, size_t n, enum feed_ctype ct,
          const char *base)
{
    struct str t = str_trim((struct str){s, n});

    if (!t.len)
        return NULL;
    buf_reset(scratch);
    if (ct == CT_HTML || ct == CT_XHTML) {
        (void)sanitize_html(scratch, t.p, t.len, base, SANITIZE_FOREIGN, NULL); /* no limit */
    } else {
        for (size_t i = 0; i < t.len; i++) {
            char c = t.p[i];

            if (c == '&')
                buf_add(scratch, "&amp;", 5);
            else if (c == '<')
                buf_add(scratch, "&lt;", 4);
            else if (c == '>')
                buf_add(scratch, "&gt;", 4);
            else
                buf_addc(scratch, c);
        }
    }
    buf_trim(scratch);
    if (!scratch->len)
        return NULL;
    return arena_strndup(a, scratch->p, scratch->len);
}

static int
has_scheme(const char *s, size_t n)
{
    size_t i = 0;

    if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    return i < n && s[i] == ':';
}

const char *
feed_url(struct arena *a, const char *base, const char *ref, size_t n)
{
    struct str t = str_trim((struct str){ref, n});
    struct buf out = BUF_INIT;
    const char *r;
    char *tmp;

    if (!t.len)
        return NULL;
    if (has_scheme(t.p, t.len) || !base || !url_is_http(base))
        return arena_strndup(a, t.p, t.len);
    tmp = xstrndup(t.p, t.len);
    if (url_resolve_iri(&out, base, tmp, NULL))
        r = arena_strndup(a, t.p, t.len);
    else
        r = arena_strndup(a, out.p, out.len);
    free(tmp);
    buf_release(&out);
    return r;
}

/* feedparser's _HTMLSanitizer.acceptable_elements, sorted for bsearch. */
static const char *const html_elements[] = {
    "a",          "abbr",
    "acronym",    "address",
    "area",       "article",
    "aside",      "audio",
    "b",          "big",
    "blockquote", "br",
    "button",     "canvas",
    "caption",    "center",
    "cite",       "code",
    "col",        "colgroup",
    "command",    "datagrid",
    "datalist",   "dd",
    "del",        "details",
    "dfn",        "dialog",
    "dir",        "div",
    "dl",         "dt",
    "em",         "event-source",
    "fieldset",   "figcaption",
    "figure",     "font",
    "footer",     "form",
    "h1",         "h2",
    "h3",         "h4",
    "h5",         "h6",
    "header",     "hr",
    "i",          "img",
    "input",      "ins",
    "kbd",        "keygen",
    "label",      "legend",
    "li",         "m",
    "map",        "menu",
    "meter",      "multicol",
    "nav",        "nextid",
    "noscript",   "ol",
    "optgroup",   "option",
    "output",     "p",
    "pre",        "progress",
    "q",          "s",
    "samp",       "section",
    "select",     "small",
    "sound",      "source",
    "spacer",     "span",
    "strike",     "strong",
    "sub",        "sup",
    "table",      "tbody",
    "td",         "textarea",
    "tfoot",      "th",
    "thead",      "time",
    "tr",         "tt",
    "u",          "ul",
    "var",        "video",
};

static int
cmp_name(const void *k, const void *e)
{
    return strcmp(k, *(const char *const *)e);
}

static int
is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

int
feed_looks_like_html(const char *s, size_t n)
{
    int closing = 0;
    int entity = 0;

    /* it needs a close tag or an entity reference to qualify */
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '<' && s[i + 1] == '/') {
            size_t j = i + 2;

            while (j < n && is_word((unsigned char)s[j]))
                j++;
            if (j > i + 2 && j < n && s[j] == '>')
                closing = 1;
        } else if (s[i] == '&') {
            size_t j = i + 1;

            if (j < n && s[j] == '#')
                j++;
            while (j < n && is_word((unsigned char)s[j]))
                j++;
            if (j > i + 1 + (s[i + 1] == '#') && j < n && s[j] == ';')
                entity = 1;
        }
    }
    if (!closing && !entity)
        return 0;
    /* every tag must be one HTML knows, every entity one HTML defines */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<') {
            char name[24];
            size_t j = i + 1;
            size_t k = 0;

            if (j < n && s[j] == '/')
                j++;
            while (j < n && is_word((unsigned char)s[j])) {
                if (k < sizeof(name) - 1)
                    name[k++] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
                j++;
            }
            name[k] = '\0';
            if (k && !bsearch(name, html_elements, sizeof(html_elements) / sizeof(html_elements[0]),
                              sizeof(html_elements[0]), cmp_name))
                return 0;
        } else if (s[i] == '&' && i + 1 < n && s[i + 1] != '#') {
            size_t j = i + 1;

            while (j < n && is_word((unsigned char)s[j]))
                j++;
            if (j > i + 1 && j < n && s[j] == ';' && !entity_find(s + i + 1, j - i - 1))
                return 0;
        }
    }
    return 1;
}

static int
b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int
feed_base64_decode(struct buf *out, const char *s, size_t n)
{
    unsigned acc = 0;
    int bits = 0;
    int pad = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int v;

        if (is_space(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad)
            return -1;
        v = b64val(c);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_addc(out, (int)((acc >> bits) & 0xff));
        }
    }
    return 0;
}

void
feed_add_category(struct feed_list *l, struct arena *a, const char *s, size_t n)
{
    const char *t;
    const char **items = l->items;

    if (l->n >= FEED_MAX_CATEGORIES)
        return;
    t = collapse(a, s, n);
    if (!t)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(items[i], t))
            return;
    ALLOC_GROW(items, l->n + 1, l->alloc);
    items[l->n++] = t;
    l->items = items;
}

void *
feed_list_copy(struct arena *a, const struct feed_list *l, size_t sz)
{
    void *p;

    if (!l->n)
        return NULL;
    p = arena_alloc(a, sz * l->n);
    memcpy(p, l->items, sz * l->n);
    return p;
}

void
feed_list_release(struct feed_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->alloc = 0;
}

/* ---- JSON output ---- */

static void
json_str(struct buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (!s) {
        buf_add(out, "null", 4);
        return;
    }
    buf_addc(out, '"');
    while (*p) {
        const unsigned char *q = p;

        while (*q >= 0x20 && *q != '"' && *q != '\\')
            q++;
        buf_add(out, p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        switch (*p) {
        case '"':
            buf_add(out, "\\\"", 2);
            break;
        case '\\':
            buf_add(out, "\\\\", 2);
            break;
        case '\n':
            buf_add(out, "\\n", 2);
            break;
        case '\r':
            buf_add(out, "\\r", 2);
            break;
        case '\t':
            buf_add(out, "\\t", 2);
            break;
        default:
            buf_addf(out, "\\u%04x", *p);
            break;
        }
        p++;
    }
    buf_addc(out, '"');
}

static void
json_date(struct buf *out, int64_t t)
{
    char iso[TIME_ISO_MAX];

    if (!t) {
        buf_add(out, "null", 4);
        return;
    }
    time_format_iso(t, iso);
    json_str(out, iso);
}

static void
json_key(struct buf *out, const char *k, int first)
{
    if (!first)
        buf_addc(out, ',');
    json_str(out, k);
    buf_addc(out, ':');
}

int
feed_write_json(struct buf *out, const struct feed *f)
{
    buf_addc(out, '{');
    json_key(out, "format", 1);
    json_str(out, feed_format_name(f->format));
    json_key(out, "feed", 0);
    buf_addc(out, '{');
    json_key(out, "title", 1);
    json_str(out, f->title);
    json_key(out, "link", 0);
    json_str(out, f->link);
    json_key(out, "subtitle", 0);
    json_str(out, f->subtitle);
    json_key(out, "language", 0);
    json_str(out, f->language);
    json_key(out, "updated", 0);
    json_date(out, f->updated);
    json_key(out, "author", 0);
    json_str(out, f->author);
    buf_addc(out, '}');
    json_key(out, "entries", 0);
    buf_addc(out, '[');
    for (size_t i = 0; i < f->nentries; i++) {
        const struct feed_entry *e = &f->entries[i];

        if (i)
            buf_addc(out, ',');
        buf_addc(out, '{');
        json_key(out, "id", 1);
        json_str(out, e->id);
        json_key(out, "title", 0);
        json_str(out, e->title);
        json_key(out, "link", 0);
        json_str(out, e->link);
        json_key(out, "author", 0);
        json_str(out, e->author);
        json_key(out, "published", 0);
        json_date(out, e->published);
        json_key(out, "updated", 0);
        json_date(out, e->updated);
        json_key(out, "summary", 0);
        json_str(out, e->summary);
        json_key(out, "content", 0);
        json_str(out, e->content);
        json_key(out, "image", 0);
        json_str(out, e->image);
        json_key(out, "categories", 0);
        buf_addc(out, '[');
        for (size_t k = 0; k < e->ncategories; k++) {
            if (k)
                buf_addc(out, ',');
            json_str(out, e->categories[k]);
        }
        buf_addc(out, ']');
        json_key(out, "enclosures", 0);
        buf_addc(out, '[');
        for (size_t k = 0; k < e->nenclosures; k++) {
            const struct feed_enclosure *en = &e->enclosures[k];

            if (k)
                buf_addc(out, ',');
            buf_addc(out, '{');
            json_key(out, "url", 1);
            json_str(out, en->url);
            json_key(out, "type", 0);
            json_str(out, en->type);
            json_key(out, "length", 0);
            buf_addf(out, "%lld", (long long)en->length);
            buf_addc(out, '}');
        }
        buf_addc(out, ']');
        buf_addc(out, '}');
    }
    buf_add(out, "]}\n", 3);
    return out->overflow ? GZ_ELIMIT : 0;
}
