/*
 * api_reader.c - helpers of the reading-app APIs (api_reader.h).
 */
#include "web/api_reader.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define SCOPE_API_ADDR "api-addr"

const char *
api_param(struct req *r, const char *name)
{
    const char *v = web_arg(r, name);

    return v ? v : web_form(r, name);
}

int
api_has(struct req *r, const char *name)
{
    const char *v = NULL;
    size_t n = 0;

    if (r->conn && MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                                 &v, &n) == MHD_YES)
        return 1;
    return web_form(r, name) != NULL;
}

struct collect {
    const char *name;
    const char **v;
    size_t n;
    size_t max;
};

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct collect *c = cls;

    (void)kind;
    if (key && !strcmp(key, c->name) && c->n < c->max)
        c->v[c->n++] = value ? value : "";
    return MHD_YES;
}

size_t
api_params(struct req *r, const char *name, const char ***out, size_t max)
{
    struct collect c = {name, ARENA_NEWN(r->a, const char *, max ? max : 1), 0, max};

    if (r->conn)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
    if (!web_form_parse(r, NULL))
        for (size_t i = 0; i < r->form->n && c.n < max; i++)
            if (!strcmp(r->form->f[i].name, name))
                c.v[c.n++] = r->form->f[i].value;
    *out = c.v;
    return c.n;
}

int
api_json(struct req *r, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);

    json_decref(j);
    if (!s)
        return -1;
    buf_reset(&r->out);
    buf_adds(&r->out, s);
    buf_addc(&r->out, '\n');
    free(s);
    r->content_type = "application/json; charset=utf-8";
    r->flags |= REQ_PRIVATE;
    return 0;
}

int
api_text(struct req *r, int status, const char *text)
{
    buf_reset(&r->out);
    buf_adds(&r->out, text);
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    r->flags |= REQ_PRIVATE;
    return 0;
}

static void
addr_key(struct req *r, char *out, size_t n)
{
    auth_client_key(web_client_addr(r), out, n);
}

int
api_throttled(struct req *r)
{
    char key[INET6_ADDRSTRLEN + 8];
    struct gz_err err = GZ_ERR_INIT;
    int64_t count = 0;
    int64_t oldest = 0;
    int rc;

    addr_key(r, key, sizeof(key));
    rc = store_throttle_count(r->st, SCOPE_API_ADDR, key, r->now - API_FAIL_WINDOW, &count, &oldest,
                              &err);
    if (rc) {
        log_error("msg=\"cannot read the API throttle\" err=\"%s\"", err.msg);
        return rc;
    }
    if (count < API_FAIL_MAX)
        return 0;
    web_header(r, "Retry-After",
               arena_printf(r->a, "%lld", (long long)(oldest + API_FAIL_WINDOW - r->now + 1)));
    api_text(r, 429, "Too many failed sign-ins from this address; try again later.\n");
    return 1;
}

void
api_failed(struct req *r)
{
    char key[INET6_ADDRSTRLEN + 8];
    struct gz_err err = GZ_ERR_INIT;

    addr_key(r, key, sizeof(key));
    log_info("msg=\"failed API sign-in\" addr=%s", key);
    if (store_throttle_add(r->st, SCOPE_API_ADDR, key, r->now, &err))
        log_error("msg=\"cannot count a failed API sign-in\" err=\"%s\"", err.msg);
}

const char *
api_body_html(struct req *r, const struct store_article *a)
{
    struct buf b = BUF_INIT;
    const char *out;

    if (a->html && *a->html)
        return a->html;
    html_paragraphs(&b, a->text);
    out = arena_strndup(r->a, b.p, b.len);
    buf_release(&b);
    return out;
}

json_t *
api_str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;

    return j ? j : json_string("");
}

int64_t
api_id(const char *s)
{
    int64_t id;

    if (!s || !*s || *s == '+' || *s == '-' || *s == ' ' || str_to_i64(s, 1, INT64_MAX, &id))
        return 0;
    return id;
}
