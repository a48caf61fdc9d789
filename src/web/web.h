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
struct auth;
struct form;
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
    struct arena *a;    /* freed after the response */
    struct store *st;   /* this thread's connection */
    int64_t now;
    struct buf out; /* the body */
    int status;     /* 200 unless a handler says otherwise */
    const char *content_type;
    int nheaders;
    struct web_header headers[WEB_MAX_HEADERS];
    const char *cache; /* Cache-Control value, NULL for "no-cache" */
    /* ---- accounts ---- */
    const char *body; /* the request body: body_len bytes and a NUL ("" when none) */
    size_t body_len;
    unsigned flags;       /* enum req_flags */
    struct form *form;    /* the parsed body, made by web_form_parse() */
    int form_rc;          /* its parse result */
    struct form *cookies; /* the parsed Cookie headers, made by web_cookie() */
    struct auth *auth;    /* the visitor's session, looked up once (auth.h) */
    /* the site's public URL without a trailing slash, for links in feeds and the API */
    const char *base_url;
};

enum req_flags {
    REQ_READ_COOKIES = 1 << 0, /* the response depends on cookies: "Vary: Cookie" */
    REQ_PRIVATE = 1 << 1,      /* the visitor's own page, or it sets a cookie: no shared cache */
};

/* A handler fills r->out (and status, type) and returns 0, or an error for a 500. */
typedef int (*web_handler)(struct req *r, const char *arg);

enum web_route_flags {
    ROUTE_PREFIX = 1 << 0, /* path is a prefix; the rest is passed as arg */
    /* ---- accounts: checked by the dispatcher before the handler runs (auth.h) ---- */
    ROUTE_FORM = 1 << 1,  /* a form POST: its body must parse and carry a valid CSRF token */
    ROUTE_USER = 1 << 2,  /* signed-in users only: others go to the log-in page (GET) or get 403 */
    ROUTE_ADMIN = 1 << 3, /* admins only: 403 for everyone else */
    ROUTE_CACHE = 1 << 4, /* anonymous GETs may be answered from the page cache (cache.h) */
    /*
     * The reading apps' APIs (Fever, Google Reader): the client proves who
     * it is in every request (api_key, an Authorization token, or the
     * name and API password of ClientLogin) and the session cookie is
     * never consulted, so a forged cross-site request carries no
     * credential and a CSRF token has nothing to protect.
     */
    ROUTE_TOKEN = 1 << 5,
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

/* ---- accounts ---- */

/*
 * Parse the request body as a form once (form.h); later calls return the
 * first result.  0, or GZ_EPARSE / GZ_ELIMIT with a message in err.
 */
int web_form_parse(struct req *r, struct gz_err *err);
/* The body's form field name (first of that name), or NULL; NULL too when the body is bad. */
const char *web_form(struct req *r, const char *name);
/* The value of the cookie called name, or NULL; marks the response "Vary: Cookie". */
const char *web_cookie(struct req *r, const char *name);
/* The value of the request header name (case-insensitive), or NULL. */
const char *web_req_header(struct req *r, const char *name);
/*
 * The client's address as text ("127.0.0.1", "2001:db8::1"), allocated
 * from the request's arena; "unknown" when the socket has none.
 */
const char *web_client_addr(struct req *r);

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
