/*
 * cmd_import_opml.c - `gazette import-opml FILE`: every feed of an OPML
 * subscription list becomes a source (feed URL, site, title, and the
 * folder path as its category).  Sources already there keep their row and
 * get what they lacked filled in (store_source_add()).  One transaction.
 */
#include "cli/cli.h"

#include "feed/opml.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/url.h"

#include <stdio.h>
#include <string.h>

const struct cli_spec cmd_import_opml_spec = {"gazette import-opml FILE", NULL, 1, 1};

int
cmd_import_opml(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct buf in;
    struct opml *o;
    size_t added = 0;
    size_t skipped = 0;

    buf_init(&in, OPML_MAX_BYTES);
    if (buf_read_file(&in, ctx->argv[0], &err)) {
        buf_release(&in);
        return cli_error("%s", err.msg);
    }
    if (opml_parse(in.p, in.len, ctx->arena, &o, &err)) {
        buf_release(&in);
        return cli_error("'%s': %s", ctx->argv[0], err.msg);
    }
    buf_release(&in);
    if (store_begin(ctx->store, &err))
        return cli_error("%s", err.msg);
    for (size_t i = 0; i < o->nfeeds; i++) {
        const struct opml_feed *f = &o->feeds[i];
        struct store_source src;
        int64_t id;

        if (!url_is_http(f->xml_url)) {
            fprintf(stderr, "skipped '%s': not an http(s) URL\n", f->xml_url);
            skipped++;
            continue;
        }
        memset(&src, 0, sizeof(src));
        src.url = f->xml_url;
        src.site_url = f->html_url && url_is_http(f->html_url) ? f->html_url : NULL;
        src.title = f->title;
        src.category = f->category;
        if (store_source_add(ctx->store, &src, &id, &err)) {
            store_rollback(ctx->store);
            return cli_error("'%s': %s", f->xml_url, err.msg);
        }
        added++;
        cli_progress(ctx, "%zu/%zu sources", added + skipped, o->nfeeds);
    }
    cli_progress_done(ctx);
    if (store_commit(ctx->store, &err))
        return cli_error("%s", err.msg);
    printf("imported %zu sources from '%s'", added, ctx->argv[0]);
    if (skipped)
        printf(" (%zu skipped)", skipped);
    printf("\n");
    return 0;
}
