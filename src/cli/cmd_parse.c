/*
 * cmd_parse.c - `gazette parse FILE`: read one feed file into the model.
 *
 * With --json it prints the normalized feed as one JSON object (the
 * contract of shared/tools/feed-conformance, see feed_write_json());
 * without, a short listing for people.
 */
#include "cli/cli.h"

#include "feed/feed.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"json", OPT_BOOL, NULL, "print the normalized feed as JSON"},
    {"url", OPT_STR, "URL", "the document's address, for relative links"},
    {"charset", OPT_STR, "NAME", "the charset the server declared (wins over the XML one)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_parse_spec = {
    "gazette parse FILE [--json] [--url URL] [--charset NAME]", opts, 1, 1};

int
cmd_parse(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct buf in;
    struct buf out = BUF_INIT;
    struct feed *f;

    buf_init(&in, FEED_MAX_BYTES + 1);
    if (buf_read_file(&in, ctx->argv[0], &err)) {
        buf_release(&in);
        return cli_error("%s", err.msg);
    }
    if (feed_parse(in.p, in.len, cli_str(ctx, "url", NULL), cli_str(ctx, "charset", NULL),
                   ctx->arena, &f, &err)) {
        buf_release(&in);
        return cli_error("'%s': %s", ctx->argv[0], err.msg);
    }
    buf_release(&in);
    if (cli_has(ctx, "json")) {
        feed_write_json(&out, f);
        fwrite(out.p, 1, out.len, stdout);
        buf_release(&out);
        return 0;
    }
    printf("%s: %s\n", feed_format_name(f->format), f->title ? f->title : "(untitled)");
    if (f->link)
        printf("%s\n", f->link);
    printf("%zu entries\n", f->nentries);
    for (size_t i = 0; i < f->nentries; i++) {
        const struct feed_entry *e = &f->entries[i];
        char when[TIME_ISO_MAX] = "-";

        if (e->published || e->updated)
            time_format_iso(e->published ? e->published : e->updated, when);
        printf("%-20s %s\n%20s %s\n", when, e->title ? e->title : "(untitled)", "",
               e->link ? e->link : "");
    }
    return 0;
}
