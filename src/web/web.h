/*
 * web.h - the HTTP server, the request every page handler gets, the routes.
 *
 * libmicrohttpd runs a pool of threads; each thread opens its own store
 * connection on first use (the store's one-thread rule) and keeps it until
 * the thread ends.  A request gets an arena and an output buffer that live
 * until the response is queued.  Handlers only read from the store what
 * ingest computed before: no page runs a pipeline stage.
 *
 * Routes are one table (web_routes[] in routes.c): method, path, handler.
 */
#ifndef GZ_WEB_WEB_H
#define GZ_WEB_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct arena;
struct gz_err;
struct store;
struct MHD_Connection;

#define WEB_MAX_HEADERS 12

struct web_header {
    const char *name;
    const char *value;
};

struct req {
    struct MHD_Connection *conn;
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* URL path without the query */
    const char *body;   /* request body (POST), NUL-terminated; "" when none */
    size_t body_len;
    struct arena *a;  /* freed after the response */
    struct store *st; /* this thread's connection */
    int64_t now;
    struct buf out; /* the body */
    int status;     /* 200 unless a handler says otherwise */
    const char *content_type;
    int nheaders;
    struct web_header headers[WEB_MAX_HEADERS];
    const char *cache; /* Cache-Control value, NULL for "no-cache" */
};

/* A handler fills r->out (and status, type) and returns 0, or an error for a 500. */
typedef int (*web_handler)(struct req *r, const char *arg);

enum web_route_flags {
    ROUTE_PREFIX = 1 << 0, /* path is a prefix; the rest is passed as arg */
};

struct web_route {
    const char *method;
    const char *path;
    unsigned flags;
    web_handler fn;
    const char *name; /* for logs and metrics */
};

extern const struct web_route web_routes[];

/* Add a response header (name and value must outlive the request). */
void web_header(struct req *r, const char *name, const char *value);
/* The query-string argument key, or NULL. */
const char *web_arg(struct req *r, const char *key);
/* Respond with a redirect to location. */
int web_redirect(struct req *r, int status, const char *location);
/* Respond with an error page. */
int web_error(struct req *r, int status, const char *message);

/* The route for method and path, with *arg set to the rest of a prefix route. */
const struct web_route *web_route_find(const char *method, const char *path, const char **arg);

struct web_server;

/*
 * Start serving on gz_config->listen with gz_config->threads threads.
 * *port gets the bound port (useful when listening on port 0).
 */
int web_start(struct web_server **out, unsigned *port, struct gz_err *err);
/* Stop accepting, finish the requests in flight, free everything. */
void web_stop(struct web_server *ws);

#endif
