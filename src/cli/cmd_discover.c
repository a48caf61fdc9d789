/*
 * cmd_discover.c - `gazette discover FILE [--url URL]`: the feed URLs a
 * saved web page announces, then the common feed paths of its site, one
 * per line (see feed/discover.h).
 */
#include "cli/cli.h"

#include "feed/discover.h"
#include "feed/feed.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"url", OPT_STR, "URL", "the page's address (resolves links, gives the common paths)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_discover_spec = {"gazette discover FILE [--url URL]", opts, 1, 1};

int
cmd_discover(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct buf in;
    struct feed_candidate *c;
    size_t n;

    buf_init(&in, FEED_MAX_BYTES);
    if (buf_read_file(&in, ctx->argv[0], &err)) {
        buf_release(&in);
        return cli_error("%s", err.msg);
    }
    if (feed_discover(in.p, in.len, cli_str(ctx, "url", NULL), ctx->arena, &c, &n, &err)) {
        buf_release(&in);
        return cli_error("'%s': %s", ctx->argv[0], err.msg);
    }
    buf_release(&in);
    for (size_t i = 0; i < n; i++)
        printf("%s\n", c[i].url);
    return 0;
}
