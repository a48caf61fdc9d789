/*
 * meta.c - article metadata from the page's head: JSON-LD, meta tags,
 * <title>, <html lang>, rel=canonical.
 *
 * The precedence between sources follows Mozilla Readability, so that a
 * page reads the same here as in Firefox's Reader View: JSON-LD first,
 * then Dublin Core, Open Graph, plain and Twitter tags, then the <title>
 * cut at its site-name separator.  What Readability does not read (lead
 * image, canonical URL, modification time, other date tags) comes after.
 */
#include "extract/extract_int.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/url.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <string.h>

/* ---- whitespace and small string helpers (JavaScript's \s) ---- */

/* Bytes of the Unicode space at s (JavaScript's \s), or 0. */
static size_t
uspace_len(const unsigned char *s)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 1;
    if (s[0] == 0xc2 && s[1] == 0xa0)
        return 2;
    if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
        return 3;
    if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
        return 3;
    return 0;
}

/* Trimmed copy with runs of 2+ spaces made one space (when collapse). */
static char *
clean_str(struct arena *a, const char *s, int collapse)
{
    struct buf b = BUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    char *r;

    if (!s)
        return NULL;
    while (*p) {
        size_t k = uspace_len(p);

        if (!k)
            break;
        p += k;
    }
    while (*p) {
        size_t k = uspace_len(p);

        if (k) {
            const unsigned char *q = p + k;
            size_t run = 1, k2;

            while ((k2 = uspace_len(q))) {
                q += k2;
                run++;
            }
            if (!*q)
                break;
            if (collapse && run >= 2)
                buf_addc(&b, ' ');
            else
                buf_add(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        buf_addc(&b, *p++);
    }
    r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

/* Number of pieces of s split at whitespace runs (JS str.split(/\s+/).length). */
static int
word_count(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int n = 1;

    while (*p) {
        size_t k = uspace_len(p);

        if (k) {
            n++;
            p += k;
            while ((k = uspace_len(p)))
                p += k;
            continue;
        }
        p++;
    }
    return n;
}

/* Code points in s. */
static size_t
u_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Readability's unescape: the five named entities and numeric references. */
static char *
unescape_entities(struct arena *a, const char *s)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"quot;", '"'}, {"amp;", '&'}, {"apos;", '\''}, {"lt;", '<'}, {"gt;", '>'}};
    struct buf b = BUF_INIT;
    char *r;

    if (!s || !strchr(s, '&'))
        return (char *)s;
    while (*s) {
        size_t i;

        if (*s != '&') {
            buf_addc(&b, *s++);
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(named); i++)
            if (!strncmp(s + 1, named[i].name, strlen(named[i].name)))
                break;
        if (i < ARRAY_SIZE(named)) {
            buf_addc(&b, named[i].c);
            s += 1 + strlen(named[i].name);
            continue;
        }
        if (s[1] == '#') {
            const char *q = s + 2;
            int hex = *q == 'x' || *q == 'X';
            unsigned long v = 0;
            int digits = 0;

            if (hex)
                q++;
            for (;; q++, digits++) {
                int d;

                if (*q >= '0' && *q <= '9')
                    d = *q - '0';
                else if (hex && *q >= 'a' && *q <= 'f')
                    d = *q - 'a' + 10;
                else if (hex && *q >= 'A' && *q <= 'F')
                    d = *q - 'A' + 10;
                else
                    break;
                if (v < 0x1000000)
                    v = v * (hex ? 16 : 10) + (unsigned long)d;
            }
            if (digits && *q == ';') {
                char u[4];
                int n;

                if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                    v = 0xfffd;
                if (v < 0x80) {
                    u[0] = (char)v;
                    n = 1;
                } else if (v < 0x800) {
                    u[0] = (char)(0xc0 | (v >> 6));
                    u[1] = (char)(0x80 | (v & 0x3f));
                    n = 2;
                } else if (v < 0x10000) {
                    u[0] = (char)(0xe0 | (v >> 12));
                    u[1] = (char)(0x80 | ((v >> 6) & 0x3f));
                    u[2] = (char)(0x80 | (v & 0x3f));
                    n = 3;
                } else {
                    u[0] = (char)(0xf0 | (v >> 18));
                    u[1] = (char)(0x80 | ((v >> 12) & 0x3f));
                    u[2] = (char)(0x80 | ((v >> 6) & 0x3f));
                    u[3] = (char)(0x80 | (v & 0x3f));
                    n = 4;
                }
                buf_add(&b, u, (size_t)n);
                s = q + 1;
                continue;
            }
        }
        buf_addc(&b, *s++);
    }
    r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

/* ---- text similarity (Readability's _textSimilarity) ---- */

struct toks {
    struct str *t;
    size_t n, alloc;
};

static void
tokenize_lower(const char *s, struct buf *low, struct toks *tk)
{
    size_t start;

    buf_reset(low);
    for (const char *p = s; *p; p++)
        buf_addc(low, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    tk->n = 0;
    for (size_t i = 0; i < low->len;) {
        unsigned char c = (unsigned char)low->p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            i++;
            continue;
        }
        start = i;
        while (i < low->len) {
            c = (unsigned char)low->p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                break;
            i++;
        }
        ALLOC_GROW(tk->t, tk->n + 1, tk->alloc);
        tk->t[tk->n].p = low->p + start;
        tk->t[tk->n].len = i - start;
        tk->n++;
    }
}

double
meta_text_similarity(const char *a, const char *b)
{
    struct buf la = BUF_INIT, lb = BUF_INIT;
    struct toks ta = {0}, tb = {0};
    size_t uniq_len = 0, uniq_n = 0, all_len = 0;
    double r = 0;

    tokenize_lower(a, &la, &ta);
    tokenize_lower(b, &lb, &tb);
    if (ta.n && tb.n) {
        for (size_t i = 0; i < tb.n; i++) {
            int found = 0;

            for (size_t j = 0; j < ta.n && !found; j++)
                found = str_eq(tb.t[i], ta.t[j]);
            all_len += tb.t[i].len;
            if (!found) {
                uniq_len += tb.t[i].len;
                uniq_n++;
            }
        }
        all_len += tb.n - 1;
        if (uniq_n)
            uniq_len += uniq_n - 1;
        r = 1.0 - (double)uniq_len / (double)all_len;
    }
    free(ta.t);
    free(tb.t);
    buf_release(&la);
    buf_release(&lb);
    return r;
}

/* ---- the <title> heuristic (Readability's _getArticleTitle) ---- */

static xmlNode *
find_first(xmlNode *root, int tag)
{
    for (xmlNode *n = root; n; n = xdom_next_elem(n, root, 0))
        if (xtag(n) == tag)
            return n;
    return NULL;
}

static char *
node_text(xmlNode *n, struct arena *a, int norm)
{
    struct buf b = BUF_INIT;
    char *r;

    xdom_text(n, &b, norm);
    r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

/* A title separator " | " and friends starting at s (the space before); returns its length. */
static size_t
sep_at(const char *s, int hierarchical_only)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k;

    if (*p != ' ')
        return 0;
    p++;
    if (*p == '\\' || *p == '/' || *p == '>')
        k = 1;
    else if (p[0] == 0xc2 && p[1] == 0xbb)
        k = 2;
    else if (!hierarchical_only && (*p == '|' || *p == '-'))
        k = 1;
    else if (!hierarchical_only && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94))
        k = 3; /* en and em dash, as Readability reads them since 0.6 */
    else
        return 0;
    return p[k] == ' ' ? k + 2 : 0;
}

/* Length of the separator character at s (| - \ / > » en or em dash), or 0. */
static size_t
sepchar_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (*p == '|' || *p == '-' || *p == '\\' || *p == '/' || *p == '>')
        return 1;
    if (p[0] == 0xc2 && p[1] == 0xbb)
        return 2;
    if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94))
        return 3;
    return 0;
}

char *
meta_title_from_doc(xmlDoc *doc, struct arena *a)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *t = root ? find_first(root, T_TITLE) : NULL;
    char *orig, *cur;
    int had_hier = 0;

    if (!t)
        return arena_strdup(a, "");
    /* document.title: whitespace stripped and collapsed */
    orig = node_text(t, a, 1);
    cur = orig;
    {
        const char *last = NULL;
        int any = 0;

        for (const char *s = orig; *s; s++)
            if (sep_at(s, 0)) {
                any = 1;
                last = s;
                if (sep_at(s, 1))
                    had_hier = 1;
            }
        if (any) {
            cur = arena_strndup(a, orig, (size_t)(last - orig));
            if (word_count(cur) < 3) {
                const char *s = orig;

                while (*s && !sepchar_at(s))
                    s++;
                cur = arena_strdup(a, *s ? s + sepchar_at(s) : orig);
            }
        } else if (strstr(orig, ": ")) {
            int match = 0;
            char *trimmed = clean_str(a, orig, 0);

            for (xmlNode *n = root; n && !match; n = xdom_next_elem(n, root, 0)) {
                if (xtag(n) == T_H1 || xtag(n) == T_H2) {
                    char *h = clean_str(a, node_text(n, a, 0), 0);

                    match = !strcmp(h, trimmed);
                }
            }
            if (!match) {
                const char *lastc = strrchr(orig, ':');
                const char *firstc = strchr(orig, ':');

                cur = arena_strdup(a, lastc + 1);
                if (word_count(cur) < 3)
                    cur = arena_strdup(a, firstc + 1);
                else if (word_count(arena_strndup(a, orig, (size_t)(firstc - orig))) > 5)
                    cur = orig;
            }
        } else if (u_len(cur) > 150 || u_len(cur) < 15) {
            xmlNode *h1 = NULL;
            int n_h1 = 0;

            for (xmlNode *n = root; n; n = xdom_next_elem(n, root, 0))
                if (xtag(n) == T_H1 && !n_h1++)
                    h1 = n;
            if (n_h1 == 1)
                cur = clean_str(a, node_text(h1, a, 0), 1);
        }
    }
    cur = clean_str(a, cur, 1);
    {
        int wc = word_count(cur);

        if (wc <= 4) {
            struct buf b = BUF_INIT;

            for (const char *s = orig; *s;) {
                size_t k = sepchar_at(s);

                if (k) {
                    s += k;
                    continue;
                }
                buf_addc(&b, *s++);
            }
            if (!had_hier || wc != word_count(b.p) - 1)
                cur = orig;
            buf_release(&b);
        }
    }
    return cur;
}

/* ---- JSON-LD ---- */

/* Readability's jsonLdArticleTypes, with its anchors as written. */
static int
is_article_type(const char *t)
{
    static const char *const mid[] = {
        "AdvertiserContentArticle", "NewsArticle",           "AnalysisNewsArticle",
        "AskPublicNewsArticle",     "BackgroundNewsArticle", "OpinionNewsArticle",
        "ReportageNewsArticle",     "ReviewNewsArticle",     "Report",
        "SatiricalArticle",         "ScholarlyArticle",      "MedicalScholarlyArticle",
        "SocialMediaPosting",       "BlogPosting",           "LiveBlogPosting",
        "DiscussionForumPosting",   "TechArticle",
    };

    if (!t)
        return 0;
    if (!strncmp(t, "Article", 7) || str_has_suffix(t, "APIReference"))
        return 1;
    for (size_t i = 0; i < ARRAY_SIZE(mid); i++)
        if (strstr(t, mid[i]))
            return 1;
    return 0;
}

static int
is_schema_org(const char *s)
{
    size_t n;

    if (!s)
        return 0;
    if (!strncmp(s, "https://schema.org", 18))
        n = 18;
    else if (!strncmp(s, "http://schema.org", 17))
        n = 17;
    else
        return 0;
    return !s[n] || (s[n] == '/' && !s[n + 1]);
}

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The first string in v: a string, an object's url/@id/name, an array's first. */
static const char *
jfirst_str(json_t *v, const char *key)
{
    for (int i = 0; i < 4 && v; i++) {
        if (json_is_string(v))
            return json_string_value(v);
        if (json_is_array(v)) {
            v = json_array_get(v, 0);
            continue;
        }
        if (json_is_object(v)) {
            const char *s = jstr(v, key);

            return s ? s : jstr(v, "@id");
        }
        break;
    }
    return NULL;
}

/* Readability's reading of one JSON-LD script; 1 when it found an article. */
static int
ld_readability(json_t *parsed, xmlDoc *doc, struct arena *a, struct xmeta *m)
{
    json_t *ctx, *type, *author, *pub;

    if (json_is_array(parsed)) {
        json_t *it, *found = NULL;
        size_t i;

        json_array_foreach(parsed, i, it)
        {
            json_t *t = json_is_object(it) ? json_object_get(it, "@type") : NULL;

            if (!t || json_is_null(t) || json_is_false(t))
                continue;
            if (!json_is_string(t))
                return 0; /* .match on a non-string throws */
            if (is_article_type(json_string_value(t))) {
                found = it;
                break;
            }
        }
        if (!found)
            return 0;
        parsed = found;
    }
    if (!json_is_object(parsed))
        return 0;
    ctx = json_object_get(parsed, "@context");
    if (!(json_is_string(ctx) && is_schema_org(json_string_value(ctx))) &&
        !(json_is_object(ctx) && is_schema_org(jstr(ctx, "@vocab"))))
        return 0;
    type = json_object_get(parsed, "@type");
    if (!type && json_is_array(json_object_get(parsed, "@graph"))) {
        json_t *it, *found = NULL;
        size_t i;

        json_array_foreach(json_object_get(parsed, "@graph"), i, it)
        {
            json_t *t = json_is_object(it) ? json_object_get(it, "@type") : NULL;

            if (t && !json_is_string(t))
                return 0;
            if (t && is_article_type(json_string_value(t))) {
                found = it;
                break;
            }
        }
        parsed = found;
        type = parsed ? json_object_get(parsed, "@type") : NULL;
    }
    if (!parsed || !json_is_string(type) || !is_article_type(json_string_value(type)))
        return 0;

    {
        const char *name = jstr(parsed, "name"), *headline = jstr(parsed, "headline");

        if (name && headline && strcmp(name, headline)) {
            char *title = meta_title_from_doc(doc, a);
            int name_ok = meta_text_similarity(name, title) > 0.75;
            int head_ok = meta_text_similarity(headline, title) > 0.75;

            m->title = arena_strdup(a, head_ok && !name_ok ? headline : name);
        } else if (name) {
            m->title = clean_str(a, name, 0);
        } else if (headline) {
            m->title = clean_str(a, headline, 0);
        }
    }
    author = json_object_get(parsed, "author");
    if (json_is_object(author) && jstr(author, "name")) {
        m->byline = clean_str(a, jstr(author, "name"), 0);
    } else if (json_is_array(author) && jstr(json_array_get(author, 0), "name")) {
        struct buf b = BUF_INIT;
        json_t *it;
        size_t i;

        json_array_foreach(author, i, it)
        {
            const char *nm = jstr(it, "name");

            if (!nm)
                continue;
            if (b.len)
                buf_adds(&b, ", ");
            buf_adds(&b, clean_str(a, nm, 0));
        }
        m->byline = arena_strndup(a, b.p, b.len);
        buf_release(&b);
    }
    if (jstr(parsed, "description"))
        m->excerpt = clean_str(a, jstr(parsed, "description"), 0);
    pub = json_object_get(parsed, "publisher");
    if (jstr(pub, "name"))
        m->site_name = clean_str(a, jstr(pub, "name"), 0);
    if (jstr(parsed, "datePublished"))
        m->published = clean_str(a, jstr(parsed, "datePublished"), 0);
    return 1;
}

/* What else JSON-LD gives, from any article-like object (lenient). */
static void
ld_extras(json_t *v, struct arena *a, struct xmeta *m, int depth)
{
    json_t *t;

    if (depth > 6 || !v)
        return;
    if (json_is_array(v)) {
        json_t *it;
        size_t i;

        json_array_foreach(v, i, it) ld_extras(it, a, m, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    if (json_is_array(json_object_get(v, "@graph")))
        ld_extras(json_object_get(v, "@graph"), a, m, depth + 1);
    t = json_object_get(v, "@type");
    if (json_is_array(t))
        t = json_array_get(t, 0);
    if (!json_is_string(t) || !is_article_type(json_string_value(t)))
        return;
    if (!m->ld_body && jstr(v, "articleBody"))
        m->ld_body = arena_strdup(a, jstr(v, "articleBody"));
    if (!m->ld_title && jstr(v, "headline"))
        m->ld_title = clean_str(a, jstr(v, "headline"), 1);
    if (!m->image && jfirst_str(json_object_get(v, "image"), "url"))
        m->image = arena_strdup(a, jfirst_str(json_object_get(v, "image"), "url"));
    if (!m->modified && jstr(v, "dateModified"))
        m->modified = clean_str(a, jstr(v, "dateModified"), 0);
    if (!m->published && jstr(v, "datePublished"))
        m->published = clean_str(a, jstr(v, "datePublished"), 0);
    if (!m->canonical && jfirst_str(json_object_get(v, "mainEntityOfPage"), "@id"))
        m->canonical = arena_strdup(a, jfirst_str(json_object_get(v, "mainEntityOfPage"), "@id"));
    if (!m->lang && jstr(v, "inLanguage"))
        m->lang = clean_str(a, jstr(v, "inLanguage"), 0);
}

/* ---- meta tags ---- */

/* The meta keys Readability reads, and the extra ones read here. */
enum mkey {
    MK_DC_TITLE,
    MK_DCTERM_TITLE,
    MK_OG_TITLE,
    MK_WEIBO_A_TITLE,
    MK_WEIBO_W_TITLE,
    MK_TITLE,
    MK_TW_TITLE,
    MK_PARSELY_TITLE,
    MK_DC_CREATOR,
    MK_DCTERM_CREATOR,
    MK_AUTHOR,
    MK_PARSELY_AUTHOR,
    MK_ARTICLE_AUTHOR,
    MK_DC_DESC,
    MK_DCTERM_DESC,
    MK_OG_DESC,
    MK_WEIBO_A_DESC,
    MK_WEIBO_W_DESC,
    MK_DESC,
    MK_TW_DESC,
    MK_OG_SITE,
    MK_PUBLISHED_TIME,
    MK_PARSELY_PUB,
    MK_COUNT
};

static const char *const mkey_names[MK_COUNT] = {
    "dc:title",
    "dcterm:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
    "dc:creator",
    "dcterm:creator",
    "author",
    "parsely-author",
    "article:author",
    "dc:description",
    "dcterm:description",
    "og:description",
    "weibo:article:description",
    "weibo:webpage:description",
    "description",
    "twitter:description",
    "og:site_name",
    "article:published_time",
    "parsely-pub-date",
};

static int
mkey_find(const char *name)
{
    for (int i = 0; i < MK_COUNT; i++)
        if (!strcmp(name, mkey_names[i]))
            return i;
    return -1;
}

static int
ci_word(const char **sp, const char *const *words, size_t n)
{
    const char *s = *sp;

    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(words[i]);

        if (!str_ncasecmp(s, words[i], k)) {
            *sp = s + k;
            return (int)i;
        }
    }
    return -1;
}

static const char *
skip_ws(const char *s)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    return s;
}

/*
 * Readability's propertyPattern: the first "(article|dc|dcterm|og|twitter)
 * : (author|...)" anywhere in the property list; writes the key into out.
 */
static int
match_property(const char *prop, char *out, size_t cap)
{
    static const char *const pre[] = {"article", "dcterm", "dc", "og", "twitter"};
    static const char *const post[] = {"author",         "creator", "description",
                                       "published_time", "title",   "site_name"};

    for (const char *s = prop; *s; s++) {
        const char *p = s;
        int a, b;

        a = ci_word(&p, pre, ARRAY_SIZE(pre));
        if (a < 0)
            continue;
        p = skip_ws(p);
        if (*p != ':')
            continue;
        p = skip_ws(p + 1);
        b = ci_word(&p, post, ARRAY_SIZE(post));
        if (b < 0)
            continue;
        snprintf(out, cap, "%s:%s", pre[a], post[b]);
        return 1;
    }
    return 0;
}

/* Readability's namePattern on a whole name attribute; writes the key into out. */
static int
match_name(const char *name, char *out, size_t cap)
{
    static const char *const pre[] = {"weibo:article", "weibo:webpage", "dcterm", "dc", "og",
                                      "twitter",       "parsely"};
    static const char *const post[] = {"author",      "creator", "pub-date",
                                       "description", "title",   "site_name"};
    const char *s = skip_ws(name);
    const char *save = s;
    struct buf b = BUF_INIT;
    int a, k, ok = 0;

    a = ci_word(&s, pre, ARRAY_SIZE(pre));
    if (a >= 0) {
        s = skip_ws(s);
        if (*s == '-' || *s == '.' || *s == ':')
            s = skip_ws(s + 1);
        else
            a = -1;
    }
    if (a < 0)
        s = save;
    k = ci_word(&s, post, ARRAY_SIZE(post));
    if (k >= 0 && !*skip_ws(s))
        ok = 1;
    else if (a >= 0) {
        /* the prefix may have been the start of a bare word */
        s = save;
        k = ci_word(&s, post, ARRAY_SIZE(post));
        ok = k >= 0 && !*skip_ws(s);
    }
    if (ok) {
        /* lower case, no whitespace, dots to colons */
        for (const char *p = name; *p; p++) {
            char c = *p;

            if (c == ' ' || (c >= '\t' && c <= '\r'))
                continue;
            if (c == '.')
                c = ':';
            buf_addc(&b, c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        snprintf(out, cap, "%s", b.p);
    }
    buf_release(&b);
    return ok;
}

static int
is_url(const char *s)
{
    return str_has_prefix(s, "http://") || str_has_prefix(s, "https://") || str_has_prefix(s, "//");
}

static char *
resolve(struct arena *a, const char *base, const char *ref)
{
    struct buf b = BUF_INIT;
    char *r = NULL;

    if (!ref || !*ref)
        return NULL;
    if (!url_resolve(&b, base, ref, NULL) && url_is_http(b.p))
        r = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return r;
}

void
meta_read(xmlDoc *doc, const char *base_url, struct arena *a, struct xmeta *m)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *values[MK_COUNT] = {0};
    const char *og_image = NULL, *tw_image = NULL, *link_image = NULL, *canonical = NULL;
    const char *og_url = NULL, *modified = NULL, *locale = NULL, *content_lang = NULL;
    const char *date_alt = NULL, *time_alt = NULL;
    int have_ld = 0;
    json_t *lds[8];
    int n_ld = 0;

    memset(m, 0, sizeof(*m));
    if (!root)
        return;
    if (xtag(root) == T_HTML) {
        const char *lang = xdom_attr(root, "lang");

        if (lang && *lang)
            m->lang = arena_strdup(a, lang);
        if (xdom_attr(root, "dir") && *xdom_attr(root, "dir"))
            m->dir = arena_strdup(a, xdom_attr(root, "dir"));
    }
    for (xmlNode *n = root; n; n = xdom_next_elem(n, root, 0)) {
        int t = xtag(n);

        if (t == T_META) {
            const char *name = xdom_attr(n, "name"), *prop = xdom_attr(n, "property");
            const char *content = xdom_attr(n, "content"), *ip = xdom_attr(n, "itemprop");
            const char *he = xdom_attr(n, "http-equiv");
            char key[64];
            int matched = 0, k;

            if (!content || !*content)
                continue;
            if (prop && match_property(prop, key, sizeof(key))) {
                matched = 1;
                if ((k = mkey_find(key)) >= 0)
                    values[k] = content;
            }
            if (!matched && name && match_name(name, key, sizeof(key)) && (k = mkey_find(key)) >= 0)
                values[k] = content;
            /* the extras */
            {
                const char *key2 = prop ? prop : name ? name : ip;

                if (!key2)
                    key2 = "";
                if (!str_casecmp(key2, "og:image") || !str_casecmp(key2, "og:image:url") ||
                    !str_casecmp(key2, "og:image:secure_url")) {
                    if (!og_image)
                        og_image = content;
                } else if (!str_casecmp(key2, "twitter:image") ||
                           !str_casecmp(key2, "twitter:image:src")) {
                    if (!tw_image)
                        tw_image = content;
                } else if (!str_casecmp(key2, "og:url")) {
                    og_url = content;
                } else if (!str_casecmp(key2, "article:modified_time") ||
                           !str_casecmp(key2, "og:updated_time") ||
                           !str_casecmp(key2, "dateModified")) {
                    if (!modified)
                        modified = content;
                } else if (!str_casecmp(key2, "og:locale")) {
                    locale = content;
                } else if (!str_casecmp(key2, "datePublished") || !str_casecmp(key2, "date") ||
                           !str_casecmp(key2, "pubdate") || !str_casecmp(key2, "publishdate") ||
                           !str_casecmp(key2, "publish-date") ||
                           !str_casecmp(key2, "og:published_time") ||
                           !str_casecmp(key2, "sailthru.date") || !str_casecmp(key2, "dc.date") ||
                           !str_casecmp(key2, "dc.date.issued") ||
                           !str_casecmp(key2, "dcterms.created") ||
                           !str_casecmp(key2, "article.published")) {
                    if (!date_alt)
                        date_alt = content;
                }
                if (he && !str_casecmp(he, "content-language"))
                    content_lang = content;
            }
        } else if (t == T_LINK) {
            const char *rel = xdom_attr(n, "rel"), *href = xdom_attr(n, "href");

            if (!rel || !href || !*href)
                continue;
            if (!str_casecmp(rel, "canonical") && !canonical)
                canonical = href;
            else if (!str_casecmp(rel, "image_src") && !link_image)
                link_image = href;
        } else if (t == T_SCRIPT) {
            const char *type = xdom_attr(n, "type");

            if (type && !strcmp(type, "application/ld+json") && n_ld < (int)ARRAY_SIZE(lds)) {
                struct buf b = BUF_INIT;
                const char *p;
                size_t len;
                json_t *j;

                xdom_text(n, &b, 0);
                p = b.p;
                len = b.len;
                /* strip CDATA markers */
                while (len && (*p == ' ' || (*p >= '\t' && *p <= '\r'))) {
                    p++;
                    len--;
                }
                if (len >= 9 && !strncmp(p, "<![CDATA[", 9)) {
                    p += 9;
                    len -= 9;
                }
                while (len && (p[len - 1] == ' ' || (p[len - 1] >= '\t' && p[len - 1] <= '\r')))
                    len--;
                if (len >= 3 && !strncmp(p + len - 3, "]]>", 3))
                    len -= 3;
                j = json_loadb(p, len, JSON_DECODE_ANY, NULL);
                buf_release(&b);
                if (j)
                    lds[n_ld++] = j;
            }
        } else if (t == T_TIME && !time_alt) {
            const char *dt = xdom_attr(n, "datetime");
            const char *ip = xdom_attr(n, "itemprop");

            if (dt && *dt && ((ip && strstr(ip, "datePublished")) || xdom_attr(n, "pubdate")))
                time_alt = dt;
        }
    }
    for (int i = 0; i < n_ld && !have_ld; i++)
        have_ld = ld_readability(lds[i], doc, a, m);
    /* an empty JSON-LD value counts as none (JavaScript's || falls through) */
    if (m->title && !*m->title)
        m->title = NULL;
    if (m->byline && !*m->byline)
        m->byline = NULL;
    if (m->excerpt && !*m->excerpt)
        m->excerpt = NULL;
    if (m->site_name && !*m->site_name)
        m->site_name = NULL;
    if (m->published && !*m->published)
        m->published = NULL;

#define PICK(field, ...)                                                                           \
    do {                                                                                           \
        static const int keys_[] = {__VA_ARGS__};                                                  \
        for (size_t i_ = 0; !m->field && i_ < ARRAY_SIZE(keys_); i_++)                             \
            if (values[keys_[i_]] && *(m->field = clean_str(a, values[keys_[i_]], 0)) == 0)        \
                m->field = NULL;                                                                   \
    } while (0)

    PICK(title, MK_DC_TITLE, MK_DCTERM_TITLE, MK_OG_TITLE, MK_WEIBO_A_TITLE, MK_WEIBO_W_TITLE,
         MK_TITLE, MK_TW_TITLE, MK_PARSELY_TITLE);
    m->doc_title = NULL;
    m->title_clean = meta_title_from_doc(doc, a);
    if (!m->title || !*m->title)
        m->title = m->title_clean;
    if (!m->byline && values[MK_ARTICLE_AUTHOR] && is_url(values[MK_ARTICLE_AUTHOR]))
        values[MK_ARTICLE_AUTHOR] = NULL;
    PICK(byline, MK_DC_CREATOR, MK_DCTERM_CREATOR, MK_AUTHOR, MK_PARSELY_AUTHOR, MK_ARTICLE_AUTHOR);
    PICK(excerpt, MK_DC_DESC, MK_DCTERM_DESC, MK_OG_DESC, MK_WEIBO_A_DESC, MK_WEIBO_W_DESC, MK_DESC,
         MK_TW_DESC);
    PICK(site_name, MK_OG_SITE);
    PICK(published, MK_PUBLISHED_TIME, MK_PARSELY_PUB);
#undef PICK

    m->title = unescape_entities(a, m->title);
    m->byline = unescape_entities(a, m->byline);
    m->excerpt = unescape_entities(a, m->excerpt);
    m->site_name = unescape_entities(a, m->site_name);
    m->published = unescape_entities(a, m->published);

    /* what Readability does not read */
    for (int i = 0; i < n_ld; i++)
        ld_extras(lds[i], a, m, 0);
    for (int i = 0; i < n_ld; i++)
        json_decref(lds[i]);
    if (!m->published && date_alt)
        m->published = clean_str(a, date_alt, 0);
    if (!m->published && time_alt)
        m->published = clean_str(a, time_alt, 0);
    if (!m->modified && modified)
        m->modified = clean_str(a, modified, 0);
    if (!m->lang && content_lang)
        m->lang = clean_str(a, content_lang, 0);
    if (!m->lang && locale)
        m->lang = clean_str(a, locale, 0);
    {
        const char *img = og_image ? og_image : tw_image ? tw_image : link_image;

        m->image = resolve(a, base_url, img ? img : m->image);
    }
    m->canonical = resolve(a, base_url, canonical ? canonical : og_url ? og_url : m->canonical);
}
