#include "util/url.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"

#include <curl/curl.h>
#include <string.h>

/*
 * Whether curl's rendering of a URL is UTF-8.  curl percent-encodes
 * the bytes >= 0x80 of a path or query, but leaves a host's raw, and
 * decodes %XX escapes in a host: "http://a%ff/" comes back with a raw
 * 0xff byte.  No such host can be looked up, and a URL that is not UTF-8
 * must not reach the store, JSON or HTML.
 */
static int
is_utf8(const char *s)
{
    size_t n = strlen(s);

    return str_utf8_valid_prefix(s, n) == n;
}

int
url_resolve(struct buf *out, const char *base, const char *ref, struct gz_err *err)
{
    CURLU *u = curl_url();
    CURLUcode uc;
    char *s = NULL;
    int rc = 0;

    if (!u)
        return gz_errf(err, GZ_ENOMEM, "out of memory");
    if (base && *base) {
        uc = curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME);
        if (uc) {
            rc = gz_errf(err, GZ_EPARSE, "bad base url '%s': %s", base, curl_url_strerror(uc));
            goto out;
        }
    }
    uc = curl_url_set(u, CURLUPART_URL, ref ? ref : "", CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE);
    if (uc) {
        rc = gz_errf(err, GZ_EPARSE, "bad url '%s': %s", ref ? ref : "", curl_url_strerror(uc));
        goto out;
    }
    uc = curl_url_get(u, CURLUPART_URL, &s, 0);
    /*
     * curl decodes %XX in a host without reading the result again, so
     * "http://12%2e7/" comes out as "http://12.7/", which reads as
     * "http://12.0.0.7/": read the result again until it stays the same
     * (a URL that does not settle in a few rounds is refused).
     */
    for (int round = 0; !uc; round++) {
        char *again = NULL;

        uc = curl_url_set(u, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME);
        if (!uc)
            uc = curl_url_get(u, CURLUPART_URL, &again, 0);
        if (uc || !strcmp(again, s)) {
            curl_free(again);
            break;
        }
        curl_free(s);
        s = again;
        if (round == 3) {
            rc = gz_errf(err, GZ_EPARSE, "bad url '%s': it does not settle", ref ? ref : "");
            goto out;
        }
    }
    if (uc) {
        rc = gz_errf(err, GZ_EPARSE, "bad url '%s': %s", ref ? ref : "", curl_url_strerror(uc));
        goto out;
    }
    if (!is_utf8(s)) {
        rc = gz_errf(err, GZ_EPARSE, "bad url '%s': its host is not UTF-8", ref ? ref : "");
        goto out;
    }
    rc = buf_adds(out, s);
out:
    curl_free(s);
    curl_url_cleanup(u);
    return rc;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
url_resolve_iri(struct buf *out, const char *base, const char *ref, struct gz_err *err)
{
    size_t start = out->len;
    int has_8bit = 0;
    int rc;

    for (const char *p = ref ? ref : ""; *p; p++)
        if ((unsigned char)*p >= 0x80)
            has_8bit = 1;
    rc = url_resolve(out, base, ref, err);
    if (rc || !has_8bit)
        return rc;
    /* turn the %XX escapes of bytes >= 0x80 back into bytes, when that is UTF-8 */
    {
        char *p = out->p + start;
        size_t n = out->len - start;
        size_t w = 0;

        for (size_t i = 0; i < n; i++) {
            int hi;
            int lo;

            if (p[i] == '%' && i + 2 < n && (hi = hexval(p[i + 1])) >= 8 &&
                (lo = hexval(p[i + 2])) >= 0) {
                p[w++] = (char)(hi * 16 + lo);
                i += 2;
            } else {
                p[w++] = p[i];
            }
        }
        if (str_utf8_valid_prefix(p, w) != w) {
            /* not UTF-8 after all: keep curl's escaped form */
            buf_setlen(out, start);
            return url_resolve(out, base, ref, err);
        }
        buf_setlen(out, start + w);
    }
    return 0;
}

static const char *const tracking_params[] = {
    "utm_",  "fbclid", "gclid", "dclid", "msclkid", "mc_cid",   "mc_eid", "_ga",
    "yclid", "igshid", "ocid",  "cmpid", "ncid",    "sr_share", "spm",    "__twitter_impression",
};

static int
is_tracking(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof(tracking_params) / sizeof(tracking_params[0]); i++) {
        const char *t = tracking_params[i];
        size_t tl = strlen(t);

        if (t[tl - 1] == '_') {
            if (n >= tl && !str_ncasecmp(p, t, tl))
                return 1;
        } else if (n == tl && !str_ncasecmp(p, t, tl)) {
            return 1;
        }
    }
    return 0;
}

/* One round of url_canonical(). */
static int
canonical_once(struct buf *out, const char *url, struct gz_err *err)
{
    CURLU *u = curl_url();
    CURLUcode uc;
    char *scheme = NULL;
    char *query = NULL;
    char *host = NULL;
    char *s = NULL;
    struct buf q = BUF_INIT;
    int rc = 0;

    if (!u)
        return gz_errf(err, GZ_ENOMEM, "out of memory");
    uc = curl_url_set(u, CURLUPART_URL, url, CURLU_URLENCODE);
    if (uc) {
        rc = gz_errf(err, GZ_EINVAL, "bad url '%s': %s", url, curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
        rc = gz_errf(err, GZ_EINVAL, "not an http(s) url '%s'", url);
        goto out;
    }
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (!curl_url_get(u, CURLUPART_HOST, &host, 0) && host) {
        for (char *h = host; *h; h++)
            if (*h >= 'A' && *h <= 'Z')
                *h = (char)(*h + 32);
        curl_url_set(u, CURLUPART_HOST, host, 0);
    }
    if (!curl_url_get(u, CURLUPART_QUERY, &query, 0) && query) {
        const char *p = query;

        while (*p) {
            const char *amp = strchr(p, '&');
            size_t n = amp ? (size_t)(amp - p) : strlen(p);
            const char *eq = memchr(p, '=', n);
            size_t kn = eq ? (size_t)(eq - p) : n;

            if (n && !is_tracking(p, kn)) {
                if (q.len)
                    buf_addc(&q, '&');
                buf_add(&q, p, n);
            }
            p += n;
            if (*p == '&')
                p++;
        }
        curl_url_set(u, CURLUPART_QUERY, q.len ? q.p : NULL, 0);
    }
    uc = curl_url_get(u, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT);
    if (uc) {
        rc = gz_errf(err, GZ_EINVAL, "bad url '%s': %s", url, curl_url_strerror(uc));
        goto out;
    }
    if (!is_utf8(s)) {
        rc = gz_errf(err, GZ_EINVAL, "bad url '%s': its host is not UTF-8", url);
        goto out;
    }
    rc = buf_adds(out, s);
out:
    buf_release(&q);
    curl_free(scheme);
    curl_free(query);
    curl_free(host);
    curl_free(s);
    curl_url_cleanup(u);
    return rc;
}

/*
 * The canonical form read again, until it stays the same: curl decodes
 * %XX in a host without reading the result ("12%2e7" gives "12.7", which
 * reads as "12.0.0.7"), so one round is not always a fixed point.
 */
int
url_canonical(struct buf *out, const char *url, struct gz_err *err)
{
    struct buf cur = BUF_INIT;
    struct buf next = BUF_INIT;
    int rc = canonical_once(&cur, url, err);

    for (int round = 0; !rc; round++) {
        buf_reset(&next);
        rc = canonical_once(&next, cur.p, err);
        if (rc || !strcmp(next.p, cur.p))
            break;
        {
            struct buf t = cur;

            cur = next;
            next = t;
        }
        if (round == 3)
            rc = gz_errf(err, GZ_EINVAL, "bad url '%s': it does not settle", url);
    }
    if (!rc)
        rc = buf_add(out, cur.p, cur.len);
    buf_release(&cur);
    buf_release(&next);
    return rc;
}

int
url_is_http(const char *url)
{
    return url && (!str_ncasecmp(url, "http://", 7) || !str_ncasecmp(url, "https://", 8));
}

int
url_is_safe_link(const char *url, int allow_mailto)
{
    char scheme[16];
    size_t n = 0;
    const char *p = url;

    /* browsers ignore leading spaces and controls, and tabs/newlines anywhere */
    while (*p && (unsigned char)*p <= ' ')
        p++;
    for (; *p && n < sizeof(scheme) - 1; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == ':')
            break;
        if (c == '/' || c == '?' || c == '#')
            return 1; /* relative: no scheme */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return 1; /* no scheme can hold this: the URL is relative */
        scheme[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (*p != ':')
        return n < sizeof(scheme) - 1; /* no colon at all: relative */
    scheme[n] = '\0';
    return !strcmp(scheme, "http") || !strcmp(scheme, "https") ||
           (allow_mailto && !strcmp(scheme, "mailto"));
}
