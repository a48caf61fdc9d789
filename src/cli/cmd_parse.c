/*
 * cmd_parse.c - `gazette parse FILE...`: read feed files into the model.
 *
 * With --json, one file prints the normalized feed as one JSON object (the
 * contract of shared/tools/feed-conformance, see feed_write_json()); several
 * files print one object per line (JSON Lines), each with a leading "file"
 * member.  Without --json, a short listing for people.  The exit status is
 * 1 when any file could not be parsed (the others are still printed).
 */
#include "cli/cli.h"

#include "feed/feed.h"
#include "util/arena.h"
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
    "gazette parse FILE... [--json] [--url URL] [--charset NAME]", opts, 1, -1};

static void
print_listing(const struct feed *f)
{
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
}

/* The JSON object of f with a "file" member first, for JSON Lines. */
static void
print_json(const struct feed *f, const char *file, int several)
{
    struct buf out = BUF_INIT;

    feed_write_json(&out, f);
    if (several) {
        struct buf head = BUF_INIT;

        buf_adds(&head, "{\"file\":\"");
        for (const char *c = file; *c; c++) {
            if (*c == '"' || *c == '\\')
                buf_addc(&head, '\\');
            if ((unsigned char)*c >= 0x20)
                buf_addc(&head, *c);
        }
        buf_adds(&head, "\",");
        fwrite(head.p, 1, head.len, stdout);
        fwrite(out.p + 1, 1, out.len - 1, stdout);
        buf_release(&head);
    } else {
        fwrite(out.p, 1, out.len, stdout);
    }
    buf_release(&out);
}

int
cmd_parse(struct cli_ctx *ctx)
{
    struct feed_parser *fp = feed_parser_new();
    struct arena *a = arena_new();
    int json = cli_has(ctx, "json");
    int rc = 0;

    for (int i = 0; i < ctx->argc; i++) {
        struct gz_err err = GZ_ERR_INIT;
        struct buf in;
        struct feed *f;

        buf_init(&in, FEED_MAX_BYTES + 1);
        if (buf_read_file(&in, ctx->argv[i], &err)) {
            buf_release(&in);
            rc = cli_error("%s", err.msg);
            continue;
        }
        if (feed_parser_parse(fp, in.p, in.len, cli_str(ctx, "url", NULL),
                              cli_str(ctx, "charset", NULL), a, &f, &err)) {
            buf_release(&in);
            rc = cli_error("'%s': %s", ctx->argv[i], err.msg);
            continue;
        }
        buf_release(&in);
        if (json)
            print_json(f, ctx->argv[i], ctx->argc > 1);
        else
            print_listing(f);
        arena_reset(a);
    }
    arena_free(a);
    feed_parser_free(fp);
    return rc;
}
