/*
 * server.c - libmicrohttpd glue: threads, per-thread store, requests.
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

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Largest request body accepted (forms, comments). */
#define WEB_MAX_BODY (1u << 20)

struct web_server {
    struct MHD_Daemon *d;
    pthread_key_t store_key;
};

/* Per-request state, made on the first callback, freed on completion. */
struct conn_state {
    struct req r;
    struct buf body;
    int64_t start_ms;
    int too_large;
};

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

static enum MHD_Result
respond(struct conn_state *cs)
{
    struct req *r = &cs->r;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t len;
    char *body = buf_detach(&r->out, &len);

    resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "text/html; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", r->cache ? r->cache : "no-cache");
    add_security_headers(resp);
    for (int i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    log_info("msg=request method=%s path=\"%s\" status=%d bytes=%zu ms=%lld", r->method, r->path,
             r->status, len, (long long)(time_mono_ms() - cs->start_ms));
    return ret;
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
    struct req *r;

    (void)version;
    if (!cs) {
        cs = xcalloc(1, sizeof(*cs));
        cs->start_ms = time_mono_ms();
        cs->r.conn = conn;
        cs->r.a = arena_new();
        cs->r.method = arena_strdup(cs->r.a, method);
        cs->r.path = arena_strdup(cs->r.a, url);
        cs->r.status = 200;
        cs->r.now = time_now();
        buf_init(&cs->r.out, 0);
        buf_init(&cs->body, WEB_MAX_BODY);
        *con_cls = cs;
        return MHD_YES;
    }
    if (*upload_size) {
        if (buf_add(&cs->body, upload_data, *upload_size))
            cs->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    r = &cs->r;
    if (cs->too_large) {
        web_error(r, 413, "The request body is too large.");
        return respond(cs);
    }
    r->body = cs->body.p;
    r->body_len = cs->body.len;
    rt = web_route_find(method, r->path, &arg);
    if (!rt) {
        if (web_route_find("GET", r->path, &arg) && strcmp(method, "GET")) {
            web_header(r, "Allow", "GET, HEAD");
            web_error(r, 405, "This address does not accept that method.");
        } else {
            web_error(r, 404, "There is no page at this address.");
        }
        return respond(cs);
    }
    r->st = thread_store(ws, &err);
    if (!r->st) {
        log_error("msg=\"cannot open store\" err=\"%s\"", err.msg);
        web_error(r, 503, "The database is not available right now.");
        return respond(cs);
    }
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

    (void)cls;
    (void)conn;
    (void)toe;
    if (!cs)
        return;
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
    ws->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, ws, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(gz_config->threads > 0 ? gz_config->threads : 1),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)gz_config->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_NOTIFY_COMPLETED, on_completed, ws,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_END);
    if (!ws->d) {
        pthread_key_delete(ws->store_key);
        free(ws);
        return gz_errf(err, GZ_EIO, "cannot listen on '%s' (address in use or not allowed)",
                       gz_config->listen);
    }
    info = MHD_get_daemon_info(ws->d, MHD_DAEMON_INFO_BIND_PORT);
    if (port)
        *port = info ? info->port : 0;
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
    pthread_key_delete(ws->store_key);
    free(ws);
}
