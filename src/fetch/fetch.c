/*
 * fetch.c - the curl multi loop: queueing per host, limits, conditional
 * GET, redirects, the address check at connect time.
 */
#include "fetch/fetch.h"

#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Connecting may take at most this long, whatever the total timeout. */
#define FETCH_CONNECT_MAX_MS 10000
/* Buckets of the host table (chained; thousands of hosts stay cheap). */
#define HOST_BUCKETS 1024

static const char accept_value[] =
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5";

struct host;

/* One transfer, from fetch_add() to its callback. */
struct xfer {
    struct fetcher *f;
    struct host *host;
    struct xfer *next;     /* in the host's queue or the failed list */
    struct xfer *run_prev; /* in the fetcher's list of running transfers */
    struct xfer *run_next;
    int in_run;
    CURL *easy;
    struct curl_slist *hdrs;
    char *url;
    char *etag;
    char *last_modified;
    void *user;
    int64_t start_ms;

    /* set before the start when the request cannot be made */
    int early_code;
    char *early_error;

    /* the response being read; reset at each status line */
    int status;
    char *r_etag;
    char *r_last_modified;
    char *r_content_type;
    char *r_location;
    char *r_retry_after;
    struct buf body;
    int too_big;

    /* redirects */
    char *cur_url;      /* the URL of the response being read */
    char *moved_to;     /* end of the chain of permanent redirects so far */
    int perm_chain;     /* 1 while every redirect so far was permanent */
    char *bad_redirect; /* a redirect to a scheme we do not fetch */

    struct fetch_sockcheck sock;
    char errbuf[CURL_ERROR_SIZE];
};

struct host {
    char *name;
    struct host *chain; /* next in the bucket */
    long inflight;
    int64_t next_ms; /* earliest start of the next transfer */
    struct xfer *head;
    struct xfer *tail;
    int listed; /* in f->ready */
};

struct fetcher {
    struct fetch_options o;
    CURLM *multi;
    struct host *buckets[HOST_BUCKETS];
    struct host **ready; /* hosts with queued transfers, in turn order */
    size_t nready;
    size_t aready;
    size_t turn;
    struct host **all; /* every host, for fetch_free() */
    size_t nall;
    size_t aall;
    struct xfer *failed; /* requests that could not be made */
    struct xfer *failed_tail;
    struct xfer *running; /* transfers in the multi handle */
    long inflight;
    atomic_int cancelled;
};

/* ---- options ---- */

void
fetch_options_from_config(struct fetch_options *o)
{
    const struct config *c = gz_config;

    memset(o, 0, sizeof(*o));
    o->concurrency = c->fetch_concurrency > 0 ? c->fetch_concurrency : 32;
    o->per_host = c->fetch_per_host > 0 ? c->fetch_per_host : 2;
    o->host_delay_ms = c->fetch_host_delay;
    o->timeout_ms = (c->fetch_timeout > 0 ? c->fetch_timeout : 30) * 1000L;
    o->connect_ms = o->timeout_ms < FETCH_CONNECT_MAX_MS ? o->timeout_ms : FETCH_CONNECT_MAX_MS;
    o->max_bytes = c->fetch_max_bytes > 0 ? (size_t)c->fetch_max_bytes : 0;
    o->user_agent = c->user_agent;
    o->allow_private = c->allow_private ? 1 : 0;
}

/* ---- the address check ---- */

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

struct v4_range {
    uint32_t net;
    int bits;
    const char *why;
};

/* Addresses that are not the public internet (IANA special-purpose registry). */
static const struct v4_range v4_refused[] = {
    {V4(0, 0, 0, 0), 8, "unspecified"},        {V4(10, 0, 0, 0), 8, "private"},
    {V4(100, 64, 0, 0), 10, "shared (CGNAT)"}, {V4(127, 0, 0, 0), 8, "loopback"},
    {V4(169, 254, 0, 0), 16, "link-local"},    {V4(172, 16, 0, 0), 12, "private"},
    {V4(192, 0, 0, 0), 24, "reserved"},        {V4(192, 0, 2, 0), 24, "documentation"},
    {V4(192, 88, 99, 0), 24, "reserved"},      {V4(192, 168, 0, 0), 16, "private"},
    {V4(198, 18, 0, 0), 15, "benchmarking"},   {V4(198, 51, 100, 0), 24, "documentation"},
    {V4(203, 0, 113, 0), 24, "documentation"}, {V4(224, 0, 0, 0), 4, "multicast"},
    {V4(240, 0, 0, 0), 4, "reserved"},
};

/* Cloud instance metadata services: refused even with allow_private. */
static const uint32_t v4_metadata[] = {
    V4(169, 254, 169, 254), /* AWS, GCP, Azure, OpenStack, ... */
    V4(169, 254, 170, 2),   /* AWS ECS task metadata */
    V4(100, 100, 100, 200), /* Alibaba Cloud */
};

static const char *
v4_refusal(uint32_t a, int allow_private)
{
    for (size_t i = 0; i < ARRAY_SIZE(v4_metadata); i++)
        if (a == v4_metadata[i])
            return "cloud metadata";
    if (allow_private)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(v4_refused); i++) {
        uint32_t mask = 0xffffffffu << (32 - v4_refused[i].bits);

        if ((a & mask) == v4_refused[i].net)
            return v4_refused[i].why;
    }
    return NULL;
}

static uint32_t
v4_at(const unsigned char *b)
{
    return V4(b[0], b[1], b[2], b[3]);
}

/* 1 when the first bits of a match those of prefix. */
static int
v6_in(const unsigned char *a, const unsigned char *prefix, int bits)
{
    int whole = bits / 8;
    int rest = bits % 8;

    if (memcmp(a, prefix, (size_t)whole))
        return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));

        return (a[whole] & mask) == (prefix[whole] & mask);
    }
    return 1;
}

struct v6_range {
    unsigned char net[16];
    int bits;
    const char *why;
};

/* Inside 2000::/3, the special-purpose blocks. */
static const struct v6_range v6_refused[] = {
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x20, 0x01, 0x00, 0x00}, 23, "reserved"}, /* Teredo, benchmarking, ORCHID */
    {{0x3f, 0xff, 0x00, 0x00}, 20, "documentation"},
};

static const char *
v6_refusal(const unsigned char *b, int allow_private)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char zero12[12] = {0};
    static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
    static const unsigned char metadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                               0,    0,    0,    0,    0, 0, 0x02, 0x54};
    static const unsigned char sixtofour[2] = {0x20, 0x02};
    static const unsigned char global[1] = {0x20};
    const char *why;

    if (!memcmp(b, metadata, 16))
        return "cloud metadata";
    /* forms that carry an IPv4 address: judged by it first */
    if (!memcmp(b, mapped, 12) || !memcmp(b, nat64, 12))
        return v4_refusal(v4_at(b + 12), allow_private);
    if (!memcmp(b, zero12, 12)) {
        /* ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d */
        int last = b[12] | b[13] | b[14];

        if (!last && b[15] <= 1)
            return allow_private ? NULL : (b[15] ? "loopback" : "unspecified");
        why = v4_refusal(v4_at(b + 12), allow_private);
        if (why)
            return why;
        return allow_private ? NULL : "reserved";
    }
    if (!memcmp(b, sixtofour, 2)) {
        why = v4_refusal(v4_at(b + 2), allow_private);
        if (why)
            return why;
    }
    if (allow_private)
        return NULL;
    if (b[0] == 0xff)
        return "multicast";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "link-local";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return "site-local";
    if ((b[0] & 0xfe) == 0xfc)
        return "unique-local";
    if (!v6_in(b, global, 3))
        return "reserved"; /* 100::/64 discard-only, 64:ff9b:1::/48, unassigned space */
    for (size_t i = 0; i < ARRAY_SIZE(v6_refused); i++)
        if (v6_in(b, v6_refused[i].net, v6_refused[i].bits))
            return v6_refused[i].why;
    return NULL;
}

const char *
fetch_addr_refusal(const struct sockaddr *sa, int allow_private)
{
    if (!sa)
        return "missing";
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;

        memcpy(&in, sa, sizeof(in));
        return v4_refusal(ntohl(in.sin_addr.s_addr), allow_private);
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;

        memcpy(&in6, sa, sizeof(in6));
        return v6_refusal(in6.sin6_addr.s6_addr, allow_private);
    }
    return "not an internet";
}

int
fetch_addr_allowed(const struct sockaddr *sa, int allow_private)
{
    return fetch_addr_refusal(sa, allow_private) == NULL;
}

static void
addr_text(const struct sockaddr *sa, char *out, size_t n)
{
    out[0] = '\0';
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;

        memcpy(&in, sa, sizeof(in));
        if (!inet_ntop(AF_INET, &in.sin_addr, out, (socklen_t)n))
            snprintf(out, n, "?");
    } else if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;

        memcpy(&in6, sa, sizeof(in6));
        if (!inet_ntop(AF_INET6, &in6.sin6_addr, out, (socklen_t)n))
            snprintf(out, n, "?");
    } else {
        snprintf(out, n, "address family %d", sa->sa_family);
    }
}

curl_socket_t
fetch_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    struct fetch_sockcheck *c = clientp;
    const char *why;

    (void)purpose; /* the check holds for every connection made */
    why = fetch_addr_refusal(&address->addr, c->allow_private);
    if (why) {
        c->refused = 1;
        c->reason = why;
        addr_text(&address->addr, c->refused_addr, sizeof(c->refused_addr));
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/* ---- header parsing ---- */

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
fetch_status_line(const char *line, size_t len)
{
    size_t i = 5;
    int code = 0;

    if (len < 5 || memcmp(line, "HTTP/", 5))
        return 0;
    while (i < len && line[i] != ' ')
        i++;
    while (i < len && line[i] == ' ')
        i++;
    for (int d = 0; d < 3; d++, i++) {
        if (i >= len || line[i] < '0' || line[i] > '9')
            return 0;
        code = code * 10 + (line[i] - '0');
    }
    if (i < len && !is_space(line[i]))
        return 0;
    return code >= 100 ? code : 0;
}

int
fetch_header_split(const char *line, size_t len, struct str *name, struct str *value)
{
    const char *colon;
    struct str n;

    if (!len || line[0] == ' ' || line[0] == '\t') /* blank, or an obsolete continuation */
        return 0;
    colon = memchr(line, ':', len);
    if (!colon)
        return 0;
    n = (struct str){line, (size_t)(colon - line)};
    if (!n.len || memchr(n.p, ' ', n.len) || memchr(n.p, '\t', n.len))
        return 0;
    *name = n;
    *value = str_trim((struct str){colon + 1, len - (size_t)(colon + 1 - line)});
    return 1;
}

int
fetch_charset(const char *content_type, char *out, size_t n)
{
    const char *p = content_type;

    if (!p || !n)
        return 0;
    p = strchr(p, ';');
    while (p) {
        const char *start;
        size_t len;
        int quoted = 0;

        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (str_ncasecmp(p, "charset", 7)) {
            p = strchr(p, ';');
            continue;
        }
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=') {
            p = strchr(p, ';');
            continue;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') {
            quoted = 1;
            p++;
        }
        start = p;
        while (*p && *p != ';' && *p != ' ' && *p != '\t' && !(quoted && *p == '"'))
            p++;
        len = (size_t)(p - start);
        if (!len || len >= n)
            return 0;
        for (size_t i = 0; i < len; i++) {
            char c = start[i];

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("-_.:+()", c)))
                return 0;
        }
        memcpy(out, start, len);
        out[len] = '\0';
        return 1;
    }
    return 0;
}

int64_t
fetch_retry_after(const char *value, size_t len, int64_t now)
{
    struct str v = str_trim((struct str){value, len});
    int64_t secs = 0;
    int64_t when;
    size_t i;

    if (!v.len)
        return -1;
    for (i = 0; i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
        if (secs < INT64_C(1) << 40)
            secs = secs * 10 + (v.p[i] - '0');
    if (i == v.len)
        return secs;
    if (i == 0 && time_parse(v.p, v.len, &when) == 0)
        return when > now ? when - now : 0;
    return -1;
}

/* ---- transfers ---- */

static void
xfer_reset_response(struct xfer *x)
{
    free(x->r_etag);
    free(x->r_last_modified);
    free(x->r_content_type);
    free(x->r_location);
    free(x->r_retry_after);
    x->r_etag = x->r_last_modified = x->r_content_type = x->r_location = x->r_retry_after = NULL;
    buf_reset(&x->body);
    x->status = 0;
}

static void
xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy) {
        if (x->f && x->f->multi)
            curl_multi_remove_handle(x->f->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->hdrs);
    xfer_reset_response(x);
    buf_release(&x->body);
    free(x->url);
    free(x->etag);
    free(x->last_modified);
    free(x->early_error);
    free(x->cur_url);
    free(x->moved_to);
    free(x->bad_redirect);
    free(x);
}

static char *
dup_value(struct str v)
{
    if (v.len > FETCH_MAX_HEADER)
        v.len = FETCH_MAX_HEADER;
    return xstrndup(v.p, v.len);
}

/* The headers of one response have all been read. */
static void
end_of_headers(struct xfer *x)
{
    struct buf next = BUF_INIT;

    if (x->status < 300 || x->status >= 400 || x->status == 304 || !x->r_location)
        return;
    if (url_resolve(&next, x->cur_url, x->r_location, NULL)) {
        buf_release(&next);
        return;
    }
    if (!url_is_http(next.p)) {
        free(x->bad_redirect);
        x->bad_redirect = xstrdup(next.p);
    }
    if ((x->status == 301 || x->status == 308) && x->perm_chain) {
        free(x->moved_to);
        x->moved_to = xstrdup(next.p);
    } else {
        x->perm_chain = 0;
    }
    free(x->cur_url);
    x->cur_url = buf_detach(&next, NULL);
}

static size_t
on_header(char *p, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * nitems;
    struct str name;
    struct str value;
    int status = fetch_status_line(p, len);

    if (status) {
        xfer_reset_response(x);
        x->status = status;
        return len;
    }
    if (str_trim((struct str){p, len}).len == 0) {
        if (x->status >= 200)
            end_of_headers(x);
        return len;
    }
    if (!fetch_header_split(p, len, &name, &value))
        return len;
    if (str_ieq(name, "etag")) {
        free(x->r_etag);
        x->r_etag = dup_value(value);
    } else if (str_ieq(name, "last-modified")) {
        free(x->r_last_modified);
        x->r_last_modified = dup_value(value);
    } else if (str_ieq(name, "content-type")) {
        free(x->r_content_type);
        x->r_content_type = dup_value(value);
    } else if (str_ieq(name, "location")) {
        free(x->r_location);
        x->r_location = dup_value(value);
    } else if (str_ieq(name, "retry-after")) {
        free(x->r_retry_after);
        x->r_retry_after = dup_value(value);
    }
    return len;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * nmemb;

    if (buf_add(&x->body, p, len)) {
        x->too_big = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return len;
}

/* A header value we may send back: no control characters, not too long. */
static int
header_safe(const char *v)
{
    size_t n = 0;

    for (; v[n]; n++)
        if ((unsigned char)v[n] < 0x20 || v[n] == 0x7f)
            return 0;
    return n > 0 && n <= FETCH_MAX_HEADER;
}

static struct curl_slist *
add_header(struct curl_slist *l, const char *name, const char *value)
{
    char line[FETCH_MAX_HEADER + 64];
    struct curl_slist *n;

    snprintf(line, sizeof(line), "%s: %s", name, value);
    n = curl_slist_append(l, line);
    if (!n) {
        curl_slist_free_all(l);
        return NULL;
    }
    return n;
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(e, opt, val) != CURLE_OK)                                             \
            goto fail;                                                                             \
    } while (0)

/* Make the easy handle of x and add it to the multi; 0 or -1. */
static int
xfer_start(struct fetcher *f, struct xfer *x)
{
    const struct fetch_options *o = &f->o;
    CURL *e = curl_easy_init();
    struct curl_slist *h = NULL;

    if (!e)
        return -1;
    x->easy = e;
    h = add_header(h, "Accept", accept_value);
    if (h && x->etag && header_safe(x->etag))
        h = add_header(h, "If-None-Match", x->etag);
    if (h && x->last_modified && header_safe(x->last_modified))
        h = add_header(h, "If-Modified-Since", x->last_modified);
    if (!h)
        goto fail;
    x->hdrs = h;
    buf_init(&x->body, o->max_bytes);
    x->cur_url = xstrdup(x->url);
    x->perm_chain = 1;
    x->sock.allow_private = o->allow_private;

    SETOPT(CURLOPT_URL, x->url);
    SETOPT(CURLOPT_PRIVATE, x);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
    SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_PROXY, ""); /* never a proxy from the environment: it would skip the check */
    SETOPT(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "gazette");
    SETOPT(CURLOPT_HTTPHEADER, x->hdrs);
    SETOPT(CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 30000L);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms > 0 ? o->connect_ms : FETCH_CONNECT_MAX_MS);
    if (o->max_bytes)
        SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, x);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, x);
    SETOPT(CURLOPT_OPENSOCKETFUNCTION, fetch_opensocket);
    SETOPT(CURLOPT_OPENSOCKETDATA, &x->sock);
    if (curl_multi_add_handle(f->multi, e) != CURLM_OK)
        goto fail;
    x->start_ms = time_mono_ms();
    x->run_prev = NULL;
    x->run_next = f->running;
    if (f->running)
        f->running->run_prev = x;
    f->running = x;
    x->in_run = 1;
    return 0;
fail:
    curl_easy_cleanup(e);
    x->easy = NULL;
    return -1;
}

/* ---- hosts ---- */

static uint32_t
hash_name(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static struct host *
host_get(struct fetcher *f, const char *name)
{
    uint32_t b = hash_name(name) % HOST_BUCKETS;
    struct host *h;

    for (h = f->buckets[b]; h; h = h->chain)
        if (!strcmp(h->name, name))
            return h;
    h = xcalloc(1, sizeof(*h));
    h->name = xstrdup(name);
    h->chain = f->buckets[b];
    f->buckets[b] = h;
    ALLOC_GROW(f->all, f->nall + 1, f->aall);
    f->all[f->nall++] = h;
    return h;
}

static void
host_push(struct fetcher *f, struct host *h, struct xfer *x)
{
    x->next = NULL;
    if (h->tail)
        h->tail->next = x;
    else
        h->head = x;
    h->tail = x;
    if (!h->listed) {
        ALLOC_GROW(f->ready, f->nready + 1, f->aready);
        f->ready[f->nready++] = h;
        h->listed = 1;
    }
}

static struct xfer *
host_pop(struct host *h)
{
    struct xfer *x = h->head;

    h->head = x->next;
    if (!h->head)
        h->tail = NULL;
    x->next = NULL;
    return x;
}

static void fail_early(struct fetcher *f, struct xfer *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
fail_early(struct fetcher *f, struct xfer *x, int code, const char *fmt, ...)
{
    char msg[GZ_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    x->early_code = code;
    x->early_error = xstrdup(msg);
    x->next = NULL;
    if (f->failed_tail)
        f->failed_tail->next = x;
    else
        f->failed = x;
    f->failed_tail = x;
}

/* ---- the fetcher ---- */

int
fetch_new(struct fetcher **out, const struct fetch_options *o, struct gz_err *err)
{
    struct fetcher *f = xcalloc(1, sizeof(*f));

    if (o)
        f->o = *o;
    else
        fetch_options_from_config(&f->o);
    if (f->o.concurrency < 1)
        f->o.concurrency = 1;
    if (f->o.per_host < 1)
        f->o.per_host = 1;
    if (f->o.host_delay_ms < 0)
        f->o.host_delay_ms = 0;
    f->multi = curl_multi_init();
    if (!f->multi) {
        free(f);
        return gz_errf(err, GZ_ENET, "cannot set up libcurl");
    }
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, f->o.concurrency);
    atomic_init(&f->cancelled, 0);
    *out = f;
    return 0;
}

void
fetch_free(struct fetcher *f)
{
    struct xfer *x;

    if (!f)
        return;
    for (size_t i = 0; i < f->nall; i++) {
        struct host *h = f->all[i];

        while (h->head)
            xfer_free(host_pop(h));
        free(h->name);
        free(h);
    }
    while ((x = f->failed)) {
        f->failed = x->next;
        xfer_free(x);
    }
    while ((x = f->running)) {
        f->running = x->run_next;
        xfer_free(x);
    }
    free(f->all);
    free(f->ready);
    curl_multi_cleanup(f->multi);
    free(f);
}

void
fetch_cancel(struct fetcher *f)
{
    atomic_store(&f->cancelled, 1);
    curl_multi_wakeup(f->multi);
}

void
fetch_add(struct fetcher *f, const struct fetch_request *req)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    CURLU *u = curl_url();
    char *scheme = NULL;
    char *host = NULL;

    x->f = f;
    x->url = xstrdup(req->url ? req->url : "");
    x->etag = xstrdup(req->etag);
    x->last_modified = xstrdup(req->last_modified);
    x->user = req->user;
    x->body = (struct buf)BUF_INIT;
    if (!u || curl_url_set(u, CURLUPART_URL, x->url, 0) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) {
        fail_early(f, x, GZ_EINVAL, "bad URL '%s'", x->url);
    } else if (str_casecmp(scheme, "http") && str_casecmp(scheme, "https")) {
        fail_early(f, x, GZ_EINVAL, "'%s': only http and https URLs are fetched", x->url);
    } else if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !*host) {
        fail_early(f, x, GZ_EINVAL, "'%s' has no host", x->url);
    } else {
        for (char *c = host; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        x->host = host_get(f, host);
        host_push(f, x->host, x);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
}

/* Hand the result of x to done and free x. */
static void
complete(struct fetcher *f, struct xfer *x, CURLcode cc, fetch_done_fn done, void *ctx)
{
    struct fetch_result r;
    char msg[GZ_ERR_MSG_MAX];
    char charset[64];
    char *final_url = NULL;
    long redirects = 0;

    memset(&r, 0, sizeof(r));
    r.user = x->user;
    r.url = x->url;
    r.final_url = x->url;
    r.retry_after = -1;
    if (x->host) {
        x->host->inflight--;
        f->inflight--;
    }
    if (x->in_run) {
        if (x->run_prev)
            x->run_prev->run_next = x->run_next;
        else
            f->running = x->run_next;
        if (x->run_next)
            x->run_next->run_prev = x->run_prev;
        x->in_run = 0;
    }
    if (x->early_code) {
        r.code = x->early_code;
        r.error = x->early_error;
        r.body = (struct buf)BUF_INIT;
        done(&r, ctx);
        xfer_free(x);
        return;
    }
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &final_url);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    if (final_url)
        r.final_url = final_url;
    r.redirects = (int)redirects;
    r.status = x->status;
    r.etag = x->r_etag;
    r.last_modified = x->r_last_modified;
    r.content_type = x->r_content_type;
    if (x->r_content_type && fetch_charset(x->r_content_type, charset, sizeof(charset)))
        r.charset = charset;
    if (x->r_retry_after)
        r.retry_after = fetch_retry_after(x->r_retry_after, strlen(x->r_retry_after), time_now());
    r.duration_ms = x->start_ms ? time_mono_ms() - x->start_ms : 0;
    msg[0] = '\0';
    if (cc == CURLE_OK) {
        /* done */
    } else if (x->bad_redirect && (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT ||
                                   cc == CURLE_COULDNT_RESOLVE_HOST)) {
        r.code = GZ_EDENIED;
        snprintf(msg, sizeof(msg), "redirect to '%.300s' refused: only http and https are fetched",
                 x->bad_redirect);
    } else if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        r.code = GZ_ELIMIT;
        snprintf(msg, sizeof(msg), "body larger than %zu bytes", f->o.max_bytes);
    } else if (x->sock.refused && (cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT)) {
        r.code = GZ_EDENIED;
        if (!strcmp(x->sock.reason, "cloud metadata"))
            snprintf(msg, sizeof(msg), "refused to connect to %s: a cloud metadata address",
                     x->sock.refused_addr);
        else
            snprintf(msg, sizeof(msg),
                     "refused to connect to %s: a private address (%s); use --allow-private to "
                     "fetch it",
                     x->sock.refused_addr, x->sock.reason);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        r.code = GZ_ETIMEOUT;
        snprintf(msg, sizeof(msg), "timed out after %lld ms", (long long)r.duration_ms);
    } else if (cc == CURLE_TOO_MANY_REDIRECTS) {
        r.code = GZ_ELIMIT;
        snprintf(msg, sizeof(msg), "more than %d redirects", FETCH_MAX_REDIRECTS);
    } else {
        r.code = GZ_ENET;
        snprintf(msg, sizeof(msg), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
        /* curl's messages start with a capital; ours do not */
        if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
            msg[0] = (char)(msg[0] - 'A' + 'a');
    }
    if (r.code) {
        r.error = msg;
        buf_release(&x->body); /* a part of a body is no body */
    } else if (x->moved_to && ((r.status >= 200 && r.status < 300) || r.status == 304) &&
               strcmp(x->moved_to, x->url)) {
        r.moved_to = x->moved_to;
    }
    r.body = x->body;
    x->body = (struct buf)BUF_INIT;
    done(&r, ctx);
    buf_release(&r.body);
    xfer_free(x);
}

/* Start what the limits allow; returns ms until a waiting host may start (-1: none waits). */
static long
admit(struct fetcher *f)
{
    int64_t now = time_mono_ms();
    long wait = -1;
    size_t n = f->nready;

    for (size_t k = 0; k < n && f->inflight < f->o.concurrency; k++) {
        struct host *h = f->ready[(f->turn + k) % n];

        while (h->head && f->inflight < f->o.concurrency && h->inflight < f->o.per_host) {
            struct xfer *x;

            if (now < h->next_ms) {
                long w = (long)(h->next_ms - now);

                if (wait < 0 || w < wait)
                    wait = w;
                break;
            }
            x = host_pop(h);
            h->inflight++;
            f->inflight++;
            h->next_ms = now + f->o.host_delay_ms;
            if (xfer_start(f, x)) {
                /* reported by the caller's loop through the failed list */
                h->inflight--;
                f->inflight--;
                x->host = NULL;
                fail_early(f, x, GZ_ENET, "cannot start the transfer of '%s'", x->url);
            }
        }
    }
    if (n)
        f->turn = (f->turn + 1) % n;
    /* drop hosts with nothing queued from the turn list */
    {
        size_t j = 0;

        for (size_t i = 0; i < f->nready; i++) {
            if (f->ready[i]->head)
                f->ready[j++] = f->ready[i];
            else
                f->ready[i]->listed = 0;
        }
        f->nready = j;
        if (f->turn >= j)
            f->turn = 0;
    }
    return wait;
}

static void
report_failed(struct fetcher *f, fetch_done_fn done, void *ctx)
{
    struct xfer *x;

    while ((x = f->failed)) {
        f->failed = x->next;
        if (!f->failed)
            f->failed_tail = NULL;
        complete(f, x, CURLE_OK, done, ctx);
    }
}

/* Every transfer left, queued or in flight, ends with code and msg. */
static void
abort_all(struct fetcher *f, int code, const char *msg, fetch_done_fn done, void *ctx)
{
    for (size_t i = 0; i < f->nall; i++) {
        struct host *h = f->all[i];

        while (h->head) {
            struct xfer *x = host_pop(h);

            x->host = NULL;
            fail_early(f, x, code, "%s", msg);
        }
        h->listed = 0;
    }
    f->nready = 0;
    report_failed(f, done, ctx);
    while (f->running) {
        struct xfer *x = f->running;

        x->early_code = code;
        x->early_error = xstrdup(msg);
        complete(f, x, CURLE_OK, done, ctx);
    }
}

int
fetch_run(struct fetcher *f, fetch_done_fn done, void *ctx)
{
    int rc = 0;

    for (;;) {
        int running = 0;
        long wait;
        CURLMsg *m;
        int left;
        CURLMcode mc;
        size_t finished = 0;

        report_failed(f, done, ctx);
        if (atomic_load(&f->cancelled)) {
            abort_all(f, GZ_EBUSY, "cancelled", done, ctx);
            break;
        }
        wait = admit(f);
        report_failed(f, done, ctx);
        mc = curl_multi_perform(f->multi, &running);
        if (mc != CURLM_OK) {
            log_error("msg=\"curl multi failed\" err=\"%s\"", curl_multi_strerror(mc));
            abort_all(f, GZ_ENET, curl_multi_strerror(mc), done, ctx);
            rc = GZ_ENET;
            break;
        }
        while ((m = curl_multi_info_read(f->multi, &left))) {
            struct xfer *x = NULL;

            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            complete(f, x, m->data.result, done, ctx);
            finished++;
        }
        if (!f->inflight && !f->nready && !f->failed)
            break;
        /* a finished transfer frees a slot, and its callback may have added more: admit now */
        if (f->failed || finished)
            continue;
        mc = curl_multi_poll(f->multi, NULL, 0, wait > 0 ? (int)wait : 1000, NULL);
        if (mc != CURLM_OK) {
            abort_all(f, GZ_ENET, curl_multi_strerror(mc), done, ctx);
            rc = GZ_ENET;
            break;
        }
    }
    return rc;
}
