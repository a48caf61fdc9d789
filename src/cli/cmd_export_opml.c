/*
 * cmd_export_opml.c - `gazette export-opml`: every source with an http(s)
 * feed URL as OPML 2.0 on stdout, folders from the categories.
 */
#include "cli/cli.h"

#include "feed/opml.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/url.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"title", OPT_STR, "TEXT", "the list's title (default \"gazette subscriptions\")"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_export_opml_spec = {"gazette export-opml [--title TEXT]", opts, 0, 0};

int
cmd_export_opml(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_source *src;
    struct opml_feed *feeds;
    struct buf out = BUF_INIT;
    size_t n;
    size_t k = 0;

    if (store_source_list(ctx->store, ctx->arena, &src, &n, &err))
        return cli_error("%s", err.msg);
    feeds = ARENA_NEWN(ctx->arena, struct opml_feed, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        if (!url_is_http(src[i].url))
            continue; /* imported files ("file:...") are no feeds to follow */
        feeds[k].xml_url = src[i].url;
        feeds[k].html_url = src[i].site_url;
        feeds[k].title = src[i].title && *src[i].title ? src[i].title : NULL;
        feeds[k].category = src[i].category && *src[i].category ? src[i].category : NULL;
        k++;
    }
    opml_write(&out, cli_str(ctx, "title", "gazette subscriptions"), feeds, k);
    fwrite(out.p, 1, out.len, stdout);
    buf_release(&out);
    return 0;
}
