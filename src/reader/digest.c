/*
 * digest.c - gather, format and send a reader's digest (digest.h).
 */
#include "reader/digest.h"

#include "reader/reader.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hmap.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "web/html.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Articles one digest looks at, at most. */
#define DIGEST_SCAN 3000

int
digest_due(const struct store_reader_prefs *p, int64_t now, int64_t *since)
{
    int weekly = p->digest == READER_DIGEST_WEEKLY;
    int64_t period = weekly ? 7 * 86400 : 86400;
    int64_t gap = weekly ? DIGEST_WEEKLY_DUE : DIGEST_DAILY_DUE;

    *since = now - period;
    if (p->digest_sent > *since && p->digest_sent <= now)
        *since = p->digest_sent;
    if (p->digest == READER_DIGEST_OFF)
        return 0;
    return !p->digest_sent || now - p->digest_sent >= gap;
}

struct group {
    int64_t story_id;
    int64_t lead; /* index of the lead item */
    int64_t articles;
    int64_t newest;
    int highlight;
    int64_t src_ids[8]; /* the first distinct sources */
    const char *src_names[8];
    size_t nsources; /* distinct, may exceed 8 */
};

static int
cmp_group(const void *x, const void *y)
{
    const struct group *a = x;
    const struct group *b = y;

    if (a->highlight != b->highlight)
        return b->highlight - a->highlight;
    if (a->nsources != b->nsources)
        return a->nsources < b->nsources ? 1 : -1;
    if (a->articles != b->articles)
        return a->articles < b->articles ? 1 : -1;
    return (a->newest < b->newest) - (a->newest > b->newest);
}

int
digest_build(struct store *st, const struct reader_user *u, int64_t since, int64_t now,
             struct arena *a, struct digest *out, struct gz_err *err)
{
    struct store_reader_query q;
    struct reader_page page;
    struct hmap index = HMAP_INIT;
    struct group *groups;
    size_t ngroups = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    out->name = u->name;
    out->kind = u->prefs.digest ? u->prefs.digest : READER_DIGEST_DAILY;
    out->since = since;
    out->until = now;
    reader_query(u, READER_ANY, DIGEST_SCAN, &q);
    q.fetched_min = since > 0 ? since : 1;
    q.fetched_max = now + 1;
    q.with_text = 1;
    if ((rc = reader_list(st, u, &q, a, &page, err)))
        return rc;
    groups = ARENA_NEWN(a, struct group, page.n ? page.n : 1);
    for (size_t i = 0; i < page.n; i++) {
        const struct store_reader_item *it = &page.items[i].it;
        uint64_t key =
            it->story_id ? (uint64_t)it->story_id : ((uint64_t)1 << 62) | (uint64_t)it->id;
        int inserted = 0;
        uint64_t *slot = hmap_put(&index, key, &inserted);
        struct group *g;
        size_t k;

        if (inserted) {
            *slot = ngroups;
            g = &groups[ngroups++];
            g->story_id = it->story_id;
            g->lead = (int64_t)i;
        }
        g = &groups[*slot];
        g->articles++;
        g->highlight |= page.items[i].highlight;
        if (it->fetched > g->newest)
            g->newest = it->fetched;
        /* newest first: the lead is the earliest arrival, the one that broke the story */
        g->lead = (int64_t)i;
        for (k = 0; k < g->nsources && k < 8; k++)
            if (g->src_ids[k] == it->source_id)
                break;
        if (k == g->nsources || (k == 8 && g->nsources >= 8)) {
            if (g->nsources < 8) {
                g->src_ids[g->nsources] = it->source_id;
                g->src_names[g->nsources] = it->source_title;
            }
            g->nsources++;
        }
    }
    hmap_release(&index);
    qsort(groups, ngroups, sizeof(*groups), cmp_group);
    out->n = ngroups < DIGEST_MAX_STORIES ? ngroups : DIGEST_MAX_STORIES;
    out->stories = ARENA_NEWN(a, struct digest_story, out->n ? out->n : 1);
    for (size_t i = 0; i < out->n; i++) {
        const struct group *g = &groups[i];
        const struct store_reader_item *lead = &page.items[g->lead].it;
        struct digest_story *d = &out->stories[i];
        struct store_story s;

        d->story_id = g->story_id;
        d->article_id = lead->id;
        d->title = lead->title && *lead->title ? lead->title : "(untitled)";
        d->snippet = lead->excerpt;
        d->articles = g->articles;
        d->newest = g->newest;
        d->highlight = g->highlight;
        d->nsources = g->nsources < 8 ? g->nsources : 8;
        d->sources = ARENA_NEWN(a, const char *, d->nsources ? d->nsources : 1);
        for (size_t k = 0; k < d->nsources; k++)
            d->sources[k] = g->src_names[k] ? g->src_names[k] : "";
        if (g->story_id && !store_story_get(st, g->story_id, a, &s, NULL)) {
            if (s.title && *s.title)
                d->title = s.title;
            if (s.summary && *s.summary)
                d->snippet = s.summary;
        }
    }
    return 0;
}

/* ---- the message ---- */

static int
header_safe(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

int
digest_address_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    const char *at = s ? strchr(s, '@') : NULL;

    if (n < 3 || n > 254 || !at || at == s || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\\\"", c))
            return 0;
    }
    return 1;
}

int
digest_address(const char *from, char *out, size_t n)
{
    const char *lt = from ? strrchr(from, '<') : NULL;
    const char *gt = lt ? strchr(lt, '>') : NULL;
    struct str s;

    if (!from || !n)
        return GZ_EINVAL;
    s = lt && gt ? (struct str){lt + 1, (size_t)(gt - lt - 1)} : str_trim(str_from(from));
    if (s.len + 1 > n)
        return GZ_EINVAL;
    memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return digest_address_valid(out) ? 0 : GZ_EINVAL;
}

/* "Thu, 27 Nov 2026 22:00:00 +0000" (RFC 5322, 3.3). */
static void
rfc5322_date(struct buf *b, int64_t t)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s;
    int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;

    time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    buf_addf(b, "%s, %d %s %04d %02d:%02d:%02d +0000", days[((day % 7) + 7) % 7], d, months[mo - 1],
             y, h, mi, s);
}

/* Plain text wrapped at 72 columns on spaces, each line ending CRLF, indented by indent. */
static void
wrap(struct buf *b, const char *s, const char *indent)
{
    size_t col = 0;
    const char *p = s;

    buf_adds(b, indent);
    col = strlen(indent);
    while (p && *p) {
        const char *w = p;
        size_t n;

        while (*p && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
            p++;
        n = (size_t)(p - w);
        if (n) {
            if (col > strlen(indent) && col + 1 + n > 72) {
                buf_adds(b, "\r\n");
                buf_adds(b, indent);
                col = strlen(indent);
            } else if (col > strlen(indent)) {
                buf_addc(b, ' ');
                col++;
            }
            buf_add(b, w, n);
            col += n;
        }
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
            p++;
    }
    buf_adds(b, "\r\n");
}

static void
story_link(struct buf *b, const char *base, const struct digest_story *s)
{
    if (s->story_id)
        buf_addf(b, "%s/story/%lld", base, (long long)s->story_id);
    else
        buf_addf(b, "%s/article/%lld", base, (long long)s->article_id);
}

static void
text_part(struct buf *b, const struct digest *d, const char *base)
{
    char day[TIME_ISO_MAX];

    time_format_day(d->until, day);
    buf_addf(b, "Your %s gazette for %s, %s: %zu stor%s from the sources you follow.\r\n\r\n",
             d->kind == READER_DIGEST_WEEKLY ? "weekly" : "daily", d->name, day, d->n,
             d->n == 1 ? "y" : "ies");
    for (size_t i = 0; i < d->n; i++) {
        const struct digest_story *s = &d->stories[i];
        struct buf line = BUF_INIT;

        buf_addf(&line, "%zu. %s%s", i + 1, s->highlight ? "[highlighted] " : "", s->title);
        wrap(b, line.p, "");
        buf_reset(&line);
        for (size_t k = 0; k < s->nsources; k++)
            buf_addf(&line, "%s%s", k ? ", " : "", s->sources[k]);
        if (s->articles > 1)
            buf_addf(&line, " (%lld articles)", (long long)s->articles);
        wrap(b, line.p, "   ");
        if (s->snippet && *s->snippet) {
            buf_reset(&line);
            buf_add(&line, s->snippet, str_utf8_cut(s->snippet, strlen(s->snippet), 400));
            wrap(b, line.p, "   ");
        }
        buf_adds(b, "   ");
        story_link(b, base, s);
        buf_adds(b, "\r\n\r\n");
        buf_release(&line);
    }
    buf_addf(b, "-- \r\nChange or stop these digests: %s/settings\r\n", base);
}

static void
html_part(struct buf *b, const struct digest *d, const char *base)
{
    char day[TIME_ISO_MAX];
    struct buf url = BUF_INIT;

    time_format_day(d->until, day);
    html_lit(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_text(b, d->kind == READER_DIGEST_WEEKLY ? "Your weekly gazette" : "Your daily gazette");
    html_lit(b, "</title>\n</head>\n<body>\n<h1>");
    html_text(b, d->kind == READER_DIGEST_WEEKLY ? "Your weekly gazette" : "Your daily gazette");
    html_lit(b, "</h1>\n<p>");
    html_text(b, day);
    html_litf(b, ": %zu stor%s from the sources you follow.</p>\n<ol>\n", d->n,
              d->n == 1 ? "y" : "ies");
    for (size_t i = 0; i < d->n; i++) {
        const struct digest_story *s = &d->stories[i];

        buf_reset(&url);
        story_link(&url, base, s);
        html_lit(b, "<li>\n<h2><a href=\"");
        html_href(b, url.p);
        html_lit(b, "\">");
        html_text(b, s->title);
        html_lit(b, "</a>");
        if (s->highlight)
            html_lit(b, " <strong>(highlighted)</strong>");
        html_lit(b, "</h2>\n<p>");
        for (size_t k = 0; k < s->nsources; k++) {
            html_lit(b, k ? ", " : "");
            html_text(b, s->sources[k]);
        }
        if (s->articles > 1)
            html_litf(b, " (%lld articles)", (long long)s->articles);
        html_lit(b, "</p>\n");
        if (s->snippet && *s->snippet) {
            html_lit(b, "<p>");
            html_textn(b, s->snippet, str_utf8_cut(s->snippet, strlen(s->snippet), 400));
            html_lit(b, "</p>\n");
        }
        html_lit(b, "</li>\n");
    }
    buf_reset(&url);
    buf_addf(&url, "%s/settings", base);
    html_lit(b, "</ol>\n<p><a href=\"");
    html_href(b, url.p);
    html_lit(b, "\">Change or stop these digests</a></p>\n</body>\n</html>\n");
    buf_release(&url);
}

/* base64 of p[0..n) in lines of 76 characters, CRLF after each. */
static void
base64_lines(struct buf *b, const char *p, size_t n)
{
    char line[80];

    for (size_t off = 0; off < n; off += 57) {
        size_t k = n - off < 57 ? n - off : 57;

        sodium_bin2base64(line, sizeof(line), (const unsigned char *)p + off, k,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_adds(b, line);
        buf_adds(b, "\r\n");
    }
}

int
digest_message(const struct digest *d, const char *from, const char *to, const char *base_url,
               int64_t now, struct buf *out, struct gz_err *err)
{
    unsigned char rnd[12];
    char tag[25];
    char host[128] = "gazette";
    struct buf html = BUF_INIT;
    struct buf base = BUF_INIT;
    char addr[256];

    if (!from || !header_safe(from) || digest_address(from, addr, sizeof(addr)))
        return gz_errf(err, GZ_EINVAL, "the sender '%s' is not an e-mail address (smtp-from)",
                       from ? from : "");
    if (!digest_address_valid(to))
        return gz_errf(err, GZ_EINVAL, "'%s' is not an e-mail address", to ? to : "");
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(tag, sizeof(tag), rnd, sizeof(rnd));
    if (strchr(addr, '@'))
        snprintf(host, sizeof(host), "%s", strchr(addr, '@') + 1);
    buf_adds(&base, base_url && *base_url ? base_url : "http://127.0.0.1:8080");
    while (base.len && base.p[base.len - 1] == '/')
        buf_setlen(&base, base.len - 1);

    buf_addf(out, "From: %s\r\nTo: %s\r\nSubject: Your %s gazette: %zu stor%s\r\nDate: ", from, to,
             d->kind == READER_DIGEST_WEEKLY ? "weekly" : "daily", d->n, d->n == 1 ? "y" : "ies");
    rfc5322_date(out, now);
    buf_addf(out,
             "\r\nMessage-ID: <%s.%lld@%s>\r\nMIME-Version: 1.0\r\n"
             "Content-Type: multipart/alternative; boundary=\"gz-%s\"\r\n"
             "Auto-Submitted: auto-generated\r\n"
             "List-Unsubscribe: <%s/settings>\r\n\r\n",
             tag, (long long)now, host, tag, base.p);
    buf_addf(out,
             "--gz-%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\n\r\n",
             tag);
    text_part(out, d, base.p);
    buf_addf(out,
             "\r\n--gz-%s\r\nContent-Type: text/html; charset=utf-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n",
             tag);
    html_part(&html, d, base.p);
    base64_lines(out, html.p, html.len);
    buf_addf(out, "\r\n--gz-%s--\r\n", tag);
    buf_release(&html);
    buf_release(&base);
    return 0;
}

/* ---- sending ---- */

struct upload {
    const char *p;
    size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
    struct upload *u = ctx;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;

    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

int
digest_send(const char *smtp_url, const char *from, const char *to, const char *msg, size_t len,
            struct gz_err *err)
{
    char addr[256];
    char env_from[260];
    char env_to[260];
    char ebuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = NULL;
    struct upload up = {msg, len};
    CURL *c;
    CURLcode cc;

    if (!smtp_url || !*smtp_url)
        return gz_errf(err, GZ_EINVAL, "no SMTP server is set (smtp-url)");
    if (digest_address(from, addr, sizeof(addr)))
        return gz_errf(err, GZ_EINVAL, "the sender is not an e-mail address (smtp-from)");
    if (!digest_address_valid(to))
        return gz_errf(err, GZ_EINVAL, "'%s' is not an e-mail address", to ? to : "");
    snprintf(env_from, sizeof(env_from), "<%s>", addr);
    snprintf(env_to, sizeof(env_to), "<%s>", to);
    if (!(c = curl_easy_init()))
        return gz_errf(err, GZ_ENOMEM, "cannot start a transfer");
    rcpt = curl_slist_append(rcpt, env_to);
    curl_easy_setopt(c, CURLOPT_URL, smtp_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    cc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK)
        return gz_errf(err, GZ_ENET, "cannot send the digest to %s: %s", to,
                       *ebuf ? ebuf : curl_easy_strerror(cc));
    return 0;
}
