/*
 * page_static.c - assets compiled into the binary, and the health check.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/embed.h"
#include "util/err.h"
#include "util/str.h"

#include <string.h>

static const char *
content_type(const char *name)
{
    if (str_has_suffix(name, ".css"))
        return "text/css; charset=utf-8";
    if (str_has_suffix(name, ".js"))
        return "text/javascript; charset=utf-8";
    if (str_has_suffix(name, ".svg"))
        return "image/svg+xml";
    if (str_has_suffix(name, ".png"))
        return "image/png";
    if (str_has_suffix(name, ".ico"))
        return "image/x-icon";
    return "application/octet-stream";
}

int
page_static(struct req *r, const char *arg)
{
    const struct embed_file *f = embed_find(embed_web_assets, arg);

    if (!f || strstr(arg, ".."))
        return web_error(r, 404, "There is no such file.");
    buf_add(&r->out, f->data, f->len);
    r->content_type = content_type(f->name);
    r->cache = "public, max-age=3600";
    return 0;
}

int
page_healthz(struct req *r, const char *arg)
{
    struct store_counts c;
    struct gz_err err = GZ_ERR_INIT;

    (void)arg;
    r->content_type = "text/plain; charset=utf-8";
    if (store_counts(r->st, &c, &err)) {
        r->status = 503;
        buf_addf(&r->out, "database error: %s\n", err.msg);
        return 0;
    }
    buf_addf(&r->out, "ok\narticles %lld\nsources %lld\n", (long long)c.articles,
             (long long)c.sources);
    return 0;
}
