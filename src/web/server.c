/*
 * server.c - libmicrohttpd glue: threads, per-thread store, requests.
 *
 * Limits on what one client may take (all settings, see config.c):
 * max-connections and max-connections-per-ip cap the connections (past the
 * cap, a new connection waits in the listen backlog, or is closed unanswered
 * when over the per-address cap); connection-timeout closes a connection idle
 * that long; request-timeout closes one that has not sent a whole request
 * that long after it opened or after its previous request, however it
 * trickles bytes (libmicrohttpd's own timeout is reset by every byte, so a
 * client sending a header byte at a time would never be cut off);
 * max-header-bytes bounds the request line and headers (libmicrohttpd
 * answers 431 past it), max-headers their number (431), and max-body the
 * body (413, before reading it when Content-Length says it is too large).
 */
#include "web/web.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "web/auth.h"
#include "web/cache.h"
#include "web/metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/*
 * One connection's clock for request-timeout.  Lives from libmicrohttpd's
 * "started" to its "closed" notification, as the connection's socket
 * context; every field is guarded by web_server.clock_mu.
 */
struct conn_clock {
    struct conn_clock *prev;
    struct conn_clock *next;
    MHD_socket fd;
    int64_t since_us; /* when the request being received began to be due */
    int receiving;    /* 1 until the whole request is in; 0 while it is answered */
    int cut;          /* 1 once shut down for being too slow */
};

struct web_server {
    struct MHD_Daemon *d;
    /* the reaper thread cuts off connections past request-timeout */
    pthread_mutex_t clock_mu;
    pthread_cond_t clock_cv;
    struct conn_clock *clocks; /* every open connection */
    pthread_t reaper;
    int reaper_running;
    int stopping;
    pthread_key_t store_key;
    pthread_key_t cache_key; /* this thread's struct page_cache */
    char base_url[300];      /* gz_config->base_url, or http://LISTEN with the bound port */
    /* base_url once written; NULL while web_start() has not yet learnt the port */
    _Atomic(const char *) base;
};

/* Per-request state, made on the first callback, freed on completion. */
struct conn_state {
    struct req r;
    struct buf body;
    int64_t start_us;
    int too_large;
    int route;                /* index in web_routes[], -1 for none */
    struct conn_clock *clock; /* the connection's, or NULL */
};

/*
 * The site's public URL without a trailing slash into out: base-url when
 * set, else http://LISTEN with the port actually bound (listening on port
 * 0 still gives working links).
 */
static void
format_base_url(char *out, size_t size, unsigned port)
{
    const char *listen = gz_config->listen;
    const char *colon = strrchr(listen, ':');
    size_t n;

    if (gz_config->base_url && *gz_config->base_url) {
        snprintf(out, size, "%s", gz_config->base_url);
    } else {
        int hn = colon ? (int)(colon - listen) : (int)strlen(listen);

        if (!hn || (hn == 1 && listen[0] == '*'))
            snprintf(out, size, "http://localhost:%u", port);
        else
            snprintf(out, size, "http://%.*s:%u", hn, listen, port);
    }
    n = strlen(out);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
}

/*
 * The base URL for a request.  A request can arrive between the daemon's
 * start and web_start() publishing the URL: it then works the URL out
 * from its own daemon, into the request's arena.
 */
static const char *
request_base_url(struct web_server *ws, struct MHD_Connection *conn, struct arena *a)
{
    const char *b = atomic_load_explicit(&ws->base, memory_order_acquire);
    const union MHD_ConnectionInfo *ci;
    const union MHD_DaemonInfo *di = NULL;
    char *out;

    if (b)
        return b;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_DAEMON);
    if (ci)
        di = MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_BIND_PORT);
    out = arena_alloc(a, sizeof(ws->base_url));
    format_base_url(out, sizeof(ws->base_url), di ? di->port : 0);
    return out;
}

/* Microseconds on a monotonic clock, for latency. */
static int64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* libmicrohttpd's connection notifications: start and stop the connection's clock. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    struct web_server *ws = cls;
    struct conn_clock *c = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

        if (!ci)
            return; /* no descriptor to cut: only the idle timeout applies */
        c = xcalloc(1, sizeof(*c));
        c->fd = ci->connect_fd;
        c->since_us = mono_us();
        c->receiving = 1;
        pthread_mutex_lock(&ws->clock_mu);
        c->next = ws->clocks;
        if (ws->clocks)
            ws->clocks->prev = c;
        ws->clocks = c;
        pthread_mutex_unlock(&ws->clock_mu);
        *socket_context = c;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && c) {
        /* called before libmicrohttpd closes the descriptor: the reaper
           cannot shut down a descriptor number already given to another */
        pthread_mutex_lock(&ws->clock_mu);
        if (c->prev)
            c->prev->next = c->next;
        else
            ws->clocks = c->next;
        if (c->next)
            c->next->prev = c->prev;
        pthread_mutex_unlock(&ws->clock_mu);
        free(c);
        *socket_context = NULL;
    }
}

/* Mark whether the connection of c is receiving a request (1) or answering one (0). */
static void
clock_set(struct web_server *ws, struct conn_clock *c, int receiving)
{
    if (!c)
        return;
    pthread_mutex_lock(&ws->clock_mu);
    c->receiving = receiving;
    c->since_us = mono_us();
    pthread_mutex_unlock(&ws->clock_mu);
}

/*
 * The reaper: a few times per request-timeout, shut down every connection
 * that has been receiving one request for longer than that.  shutdown()
 * rather than close(): the descriptor stays libmicrohttpd's, which sees
 * the end of the stream and closes the connection itself.
 */
static void *
reaper_main(void *arg)
{
    struct web_server *ws = arg;
    int64_t limit_us = (int64_t)gz_config->request_timeout * 1000000;
    int64_t tick_us = limit_us / 4;

    if (tick_us < 50000)
        tick_us = 50000;
    if (tick_us > 1000000)
        tick_us = 1000000;
    pthread_mutex_lock(&ws->clock_mu);
    while (!ws->stopping) {
        int64_t now = mono_us();
        struct timespec ts;

        for (struct conn_clock *c = ws->clocks; c; c = c->next) {
            if (c->receiving && !c->cut && now - c->since_us > limit_us) {
                c->cut = 1;
                shutdown(c->fd, SHUT_RDWR);
                metrics_inc(METRIC_WEB_CUT_OFF);
                log_info("msg=\"connection cut off\" reason=\"no whole request in %lds\"",
                         gz_config->request_timeout);
            }
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)(tick_us % 1000000) * 1000;
        ts.tv_sec += (time_t)(tick_us / 1000000) + ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&ws->clock_cv, &ws->clock_mu, &ts);
    }
    pthread_mutex_unlock(&ws->clock_mu);
    return NULL;
}

static void
free_cache(void *p)
{
    page_cache_free(p);
}

static struct page_cache *
thread_cache(struct web_server *ws)
{
    struct page_cache *c = pthread_getspecific(ws->cache_key);

    if (!c) {
        c = page_cache_new();
        pthread_setspecific(ws->cache_key, c);
    }
    return c;
}

static void
close_store(void *p)
{
    store_close(p);
}

static struct store *
thread_store(struct web_server *ws, struct gz_err *err)
{
    struct store *st = pthread_getspecific(ws->store_key);

    if (st)
        return st;
    if (store_open(&st, gz_config->db, STORE_NO_MIGRATE, err))
        return NULL;
    pthread_setspecific(ws->store_key, st);
    return st;
}

void
web_header(struct req *r, const char *name, const char *value)
{
    if (r->nheaders < WEB_MAX_HEADERS) {
        r->headers[r->nheaders].name = name;
        r->headers[r->nheaders].value = value;
        r->nheaders++;
    }
}

const char *
web_arg(struct req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *
web_req_header(struct req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *
web_client_addr(struct req *r)
{
    const union MHD_ConnectionInfo *ci =
        r->conn ? MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
    char text[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (sa && sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof(text)))
        return arena_strdup(r->a, text);
    if (sa && sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof(text)))
        return arena_strdup(r->a, text);
    return "unknown";
}

int
web_redirect(struct req *r, int status, const char *location)
{
    r->status = status;
    web_header(r, "Location", location);
    buf_reset(&r->out);
    return 0;
}

const struct web_route *
web_route_find(const char *method, const char *path, const char **arg)
{
    if (!strcmp(method, "HEAD"))
        method = "GET";
    for (const struct web_route *rt = web_routes; rt->path; rt++) {
        if (strcmp(rt->method, method))
            continue;
        if (rt->flags & ROUTE_PREFIX) {
            if (str_has_prefix(path, rt->path)) {
                *arg = path + strlen(rt->path);
                return rt;
            }
        } else if (!strcmp(path, rt->path)) {
            *arg = "";
            return rt;
        }
    }
    return NULL;
}

static void
add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' https: http: data:; "
                            "media-src https: http:; style-src 'self'; script-src 'self'; "
                            "object-src 'none'; base-uri 'none'; form-action 'self'; "
                            "frame-ancestors 'none'");
}

/* Build the response for r (taking its body); *len gets the body's length. */
static struct MHD_Response *
make_response(struct req *r, size_t *len, char etag[PAGE_ETAG_MAX])
{
    struct MHD_Response *resp;
    char *body = buf_detach(&r->out, len);

    etag[0] = '\0';
    resp = MHD_create_response_from_buffer(*len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return NULL;
    }
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "text/html; charset=utf-8");
    /* a page made for one visitor must not be kept by a shared cache */
    MHD_add_response_header(resp, "Cache-Control",
                            (r->flags & REQ_PRIVATE) ? "private, no-cache"
                            : r->cache               ? r->cache
                                                     : "no-cache");
    if (r->flags & REQ_READ_COOKIES)
        MHD_add_response_header(resp, "Vary", "Cookie");
    add_security_headers(resp);
    for (int i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    if (r->status == 200 && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))) {
        page_etag(body, *len, etag);
        MHD_add_response_header(resp, "ETag", etag);
    }
    return resp;
}

/* Whether the request's If-None-Match names etag (weak comparison, as RFC 9110 says for GET). */
static int
not_modified(struct MHD_Connection *conn, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    size_t elen = strlen(etag);

    if (!inm || !*etag)
        return 0;
    while (*inm) {
        const char *end;

        while (*inm == ' ' || *inm == '\t' || *inm == ',')
            inm++;
        if (*inm == '*')
            return 1;
        if (!strncmp(inm, "W/", 2))
            inm += 2;
        end = inm;
        while (*end && *end != ',')
            end++;
        while (end > inm && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if ((size_t)(end - inm) == elen && !memcmp(inm, etag, elen))
            return 1;
        inm = *end ? end + 1 : end;
    }
    return 0;
}

/* Queue resp, or a 304 in its place when the client has it, then log and count. */
static enum MHD_Result
queue(struct conn_state *cs, struct MHD_Response *resp, int status, size_t len, const char *etag,
      const char *cache)
{
    struct req *r = &cs->r;
    enum MHD_Result ret;
    int64_t usec;

    if (status == 200 && not_modified(r->conn, etag)) {
        struct MHD_Response *nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);

        if (!nm)
            return MHD_NO;
        MHD_add_response_header(nm, "ETag", etag);
        MHD_add_response_header(nm, "Cache-Control", r->cache ? r->cache : "no-cache");
        status = 304;
        len = 0;
        ret = MHD_queue_response(r->conn, (unsigned)status, nm);
        MHD_destroy_response(nm);
    } else {
        ret = MHD_queue_response(r->conn, (unsigned)status, resp);
    }
    usec = mono_us() - cs->start_us;
    metrics_request(cs->route, status, usec);
    log_info("msg=request method=%s path=\"%s\" route=%s status=%d bytes=%zu ms=%.3f%s%s",
             r->method, r->path, cs->route >= 0 ? web_routes[cs->route].name : "none", status, len,
             (double)usec / 1000.0, cache ? " cache=" : "", cache ? cache : "");
    return ret;
}

static enum MHD_Result
respond(struct conn_state *cs)
{
    struct req *r = &cs->r;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t len;
    char etag[PAGE_ETAG_MAX];

    resp = make_response(r, &len, etag);
    if (!resp)
        return MHD_NO;
    ret = queue(cs, resp, r->status, len, etag, NULL);
    MHD_destroy_response(resp);
    return ret;
}

/* A cache key for the request: the path and every query argument, percent-encoded. */
static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct buf *b = cls;
    static const char hex[] = "0123456789ABCDEF";

    (void)kind;
    for (int part = 0; part < 2; part++) {
        const char *s = part ? value : key;

        buf_addc(b, part ? '=' : '&');
        for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
                buf_addc(b, *p);
            } else {
                buf_addc(b, '%');
                buf_addc(b, hex[*p >> 4]);
                buf_addc(b, hex[*p & 15]);
            }
        }
        if (!part && !value)
            break;
    }
    return b->len > PAGE_CACHE_MAX_KEY ? MHD_NO : MHD_YES;
}

/*
 * Whether this request may be answered from, and stored in, the page
 * cache: a GET or HEAD of a cacheable route by someone without cookies
 * (accounts and their pages never meet the cache).
 */
static int
cacheable(struct req *r, const struct web_route *rt)
{
    return (rt->flags & ROUTE_CACHE) && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) &&
           !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Cookie");
}

/* Whether a finished response may be kept: a public 200 that sets no cookie. */
static int
keepable(const struct req *r)
{
    if (r->status != 200 || (r->cache && strncmp(r->cache, "public", 6)))
        return 0;
    for (int i = 0; i < r->nheaders; i++)
        if (!str_casecmp(r->headers[i].name, "Set-Cookie"))
            return 0;
    return 1;
}

/* Run the handler of a cacheable route through the cache. */
static enum MHD_Result
serve_cached(struct web_server *ws, struct conn_state *cs, const struct web_route *rt,
             const char *arg)
{
    struct req *r = &cs->r;
    struct page_cache *c = thread_cache(ws);
    struct buf key = BUF_INIT;
    const struct page_cache_entry *e;
    struct MHD_Response *resp;
    struct gz_err err = GZ_ERR_INIT;
    enum MHD_Result ret;
    uint64_t version = 0;
    int64_t now_ms = time_mono_ms();
    int usable;
    size_t len;
    char etag[PAGE_ETAG_MAX];

    buf_adds(&key, r->path);
    usable = MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &key) >= 0 &&
             key.len <= PAGE_CACHE_MAX_KEY && !store_data_version(r->st, &version, &err);
    if (usable && (e = page_cache_get(c, key.p, version, now_ms, gz_config->page_cache_grace))) {
        metrics_inc(METRIC_PAGE_CACHE_HITS);
        ret = queue(cs, e->resp, 200, e->len, e->etag, "hit");
        buf_release(&key);
        return ret;
    }
    metrics_inc(METRIC_PAGE_CACHE_MISSES);
    if (rt->fn(r, arg)) {
        buf_reset(&r->out);
        r->nheaders = 0;
        web_error(r, 500, "Something went wrong on our side.");
    }
    resp = make_response(r, &len, etag);
    if (!resp) {
        buf_release(&key);
        return MHD_NO;
    }
    ret = queue(cs, resp, r->status, len, etag, usable ? "miss" : NULL);
    if (!usable || !keepable(r) || !page_cache_put(c, key.p, version, now_ms, resp, len, etag))
        MHD_destroy_response(resp);
    buf_release(&key);
    return ret;
}

/* Count the header fields of a request. */
static enum MHD_Result
count_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)key;
    (void)value;
    ++*(long *)cls;
    return MHD_YES;
}

/*
 * On a request's first call (its headers are in, its body not yet): answer
 * at once, without reading the body, a request with more header fields than
 * max-headers (431) or a Content-Length over max-body (413).
 */
static enum MHD_Result
refuse_early(struct web_server *ws, struct conn_state *cs)
{
    struct req *r = &cs->r;
    struct gz_err err = GZ_ERR_INIT;
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    long nfields = 0;
    int64_t n;

    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_field, &nfields);
    if (nfields > gz_config->max_headers) {
        r->st = thread_store(ws, &err); /* for the page frame; NULL is fine */
        metrics_inc(METRIC_WEB_REFUSED);
        web_header(r, "Connection", "close");
        web_error(r, 431, "The request has too many header fields.");
        return respond(cs);
    }
    if (cl && !str_to_i64(cl, 0, INT64_MAX, &n) && n > gz_config->max_body) {
        r->st = thread_store(ws, &err);
        metrics_inc(METRIC_WEB_REFUSED);
        web_header(r, "Connection", "close");
        web_error(r, 413, "The request body is too large.");
        return respond(cs);
    }
    return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct web_server *ws = cls;
    struct conn_state *cs = *con_cls;
    const struct web_route *rt;
    const char *arg = "";
    struct gz_err err = GZ_ERR_INIT;
    const union MHD_ConnectionInfo *ci;
    struct req *r;

    (void)version;
    if (!cs) {
        cs = xcalloc(1, sizeof(*cs));
        cs->start_us = mono_us();
        cs->route = -1;
        cs->r.conn = conn;
        cs->r.a = arena_new();
        cs->r.base_url = request_base_url(ws, conn, cs->r.a);
        cs->r.method = arena_strdup(cs->r.a, method);
        cs->r.path = arena_strdup(cs->r.a, url);
        cs->r.status = 200;
        cs->r.now = time_now();
        buf_init(&cs->r.out, 0);
        buf_init(&cs->body, (size_t)gz_config->max_body);
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        cs->clock = ci ? ci->socket_context : NULL;
        *con_cls = cs;
        return refuse_early(ws, cs);
    }
    if (*upload_size) {
        /* past max-body the rest is read and dropped (request-timeout bounds how long) */
        if (!cs->too_large && (*upload_size > (size_t)gz_config->max_body - cs->body.len ||
                               buf_add(&cs->body, upload_data, *upload_size)))
            cs->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    clock_set(ws, cs->clock, 0); /* the whole request is in */
    r = &cs->r;
    r->body = cs->body.p;
    r->body_len = cs->body.len;
    /* opened before routing so that even a 404 page knows who is signed in */
    r->st = thread_store(ws, &err);
    if (cs->too_large) {
        metrics_inc(METRIC_WEB_REFUSED);
        web_error(r, 413, "The request body is too large.");
        return respond(cs);
    }
    rt = web_route_find(method, r->path, &arg);
    if (!rt) {
        int get = web_route_find("GET", r->path, &arg) != NULL;
        int post = web_route_find("POST", r->path, &arg) != NULL;

        if (get || post) {
            web_header(r, "Allow", get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST");
            web_error(r, 405, "This address does not accept that method.");
        } else {
            web_error(r, 404, "There is no page at this address.");
        }
        return respond(cs);
    }
    cs->route = (int)(rt - web_routes);
    if (!r->st) {
        log_error("msg=\"cannot open store\" err=\"%s\"", err.msg);
        web_error(r, 503, "The database is not available right now.");
        return respond(cs);
    }
    if ((rt->flags & (ROUTE_FORM | ROUTE_USER | ROUTE_ADMIN)) && auth_route_check(r, rt->flags))
        return respond(cs); /* refused: the error page is ready */
    if (cacheable(r, rt))
        return serve_cached(ws, cs, rt, arg);
    if (rt->fn(r, arg)) {
        buf_reset(&r->out);
        r->nheaders = 0;
        web_error(r, 500, "Something went wrong on our side.");
    }
    return respond(cs);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct conn_state *cs = *con_cls;

    (void)conn;
    (void)toe;
    if (!cs)
        return;
    clock_set(cls, cs->clock, 1); /* the next request on this connection is due from now */
    buf_release(&cs->r.out);
    buf_release(&cs->body);
    arena_free(cs->r.a);
    free(cs);
    *con_cls = NULL;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080", ":8080" into a sockaddr. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, struct gz_err *err)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    int64_t port;
    size_t hn;

    if (!colon || str_to_i64(colon + 1, 0, 65535, &port))
        return gz_errf(err, GZ_EINVAL, "bad listen address '%s' (want HOST:PORT)", s);
    hn = (size_t)(colon - s);
    if (hn >= sizeof(host))
        return gz_errf(err, GZ_EINVAL, "bad listen address '%s'", s);
    memcpy(host, s, hn);
    host[hn] = '\0';
    memset(ss, 0, sizeof(*ss));
    if (host[0] == '[' && hn > 2 && host[hn - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

        host[hn - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            return gz_errf(err, GZ_EINVAL, "bad IPv6 address in '%s'", s);
        return 0;
    }
    {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (!hn || !strcmp(host, "*"))
            a4->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (!strcmp(host, "localhost"))
            a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
            return gz_errf(err, GZ_EINVAL, "bad IPv4 address in '%s'", s);
    }
    return 0;
}

/* Stop the reaper (when running), then free ws and what it holds but the daemon. */
static void
stop_reaper_and_free(struct web_server *ws)
{
    if (ws->reaper_running) {
        pthread_mutex_lock(&ws->clock_mu);
        ws->stopping = 1;
        pthread_cond_signal(&ws->clock_cv);
        pthread_mutex_unlock(&ws->clock_mu);
        pthread_join(ws->reaper, NULL);
    }
    pthread_cond_destroy(&ws->clock_cv);
    pthread_mutex_destroy(&ws->clock_mu);
    pthread_key_delete(ws->store_key);
    pthread_key_delete(ws->cache_key);
    free(ws);
}

int
web_start(struct web_server **out, unsigned *port, struct gz_err *err)
{
    struct web_server *ws;
    struct sockaddr_storage ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    const union MHD_DaemonInfo *info;
    int rc = parse_listen(gz_config->listen, &ss, err);

    if (rc)
        return rc;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    ws = xcalloc(1, sizeof(*ws));
    if (pthread_key_create(&ws->store_key, close_store)) {
        free(ws);
        return gz_errf(err, GZ_ENOMEM, "cannot create thread key");
    }
    if (pthread_key_create(&ws->cache_key, free_cache)) {
        pthread_key_delete(ws->store_key);
        free(ws);
        return gz_errf(err, GZ_ENOMEM, "cannot create thread key");
    }
    pthread_mutex_init(&ws->clock_mu, NULL);
    pthread_cond_init(&ws->clock_cv, NULL);
    if (gz_config->request_timeout > 0) {
        if (pthread_create(&ws->reaper, NULL, reaper_main, ws)) {
            stop_reaper_and_free(ws);
            return gz_errf(err, GZ_ENOMEM, "cannot start the request-timeout thread");
        }
        ws->reaper_running = 1;
    }
    ws->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, ws, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(gz_config->threads > 0 ? gz_config->threads : 1),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)gz_config->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)gz_config->max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)gz_config->conn_timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, ws, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        ws, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(gz_config->max_header_bytes < 4096 ? 4096 : gz_config->max_header_bytes),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!ws->d) {
        stop_reaper_and_free(ws);
        return gz_errf(err, GZ_EIO, "cannot listen on '%s' (address in use or not allowed)",
                       gz_config->listen);
    }
    info = MHD_get_daemon_info(ws->d, MHD_DAEMON_INFO_BIND_PORT);
    if (port)
        *port = info ? info->port : 0;
    format_base_url(ws->base_url, sizeof(ws->base_url), info ? info->port : 0);
    atomic_store_explicit(&ws->base, ws->base_url, memory_order_release);
    *out = ws;
    return 0;
}

void
web_stop(struct web_server *ws)
{
    if (!ws)
        return;
    MHD_stop_daemon(ws->d);
    /* the pool's threads ran their key destructors as they ended */
    stop_reaper_and_free(ws);
}
