/*
 * cmd_sources.c - `gazette sources`: list sources and their fetch health.
 */
#include "cli/cli.h"

#include "store/store.h"
#include "util/err.h"
#include "util/time.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"failing", OPT_BOOL, NULL, "only sources whose last fetch failed"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_sources_spec = {"gazette sources [--failing]", opts, 0, 0};

int
cmd_sources(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_source *src;
    size_t n;
    int64_t now = time_now();
    int failing = cli_has(ctx, "failing");

    if (store_source_list(ctx->store, ctx->arena, &src, &n, &err))
        return cli_error("%s", err.msg);
    printf("%-6s %-8s %8s %6s  %-18s %s\n", "id", "status", "articles", "errors", "last fetch",
           "title / url / last error");
    for (size_t i = 0; i < n; i++) {
        const struct store_source *s = &src[i];
        char when[64] = "never";
        const char *status = "ok";

        if (failing && !s->error_count)
            continue;
        if (s->last_fetch)
            time_format_relative(s->last_fetch, now, when, sizeof(when));
        if (s->error_count)
            status = s->failing_since && now - s->failing_since > 3 * 86400 ? "dead" : "failing";
        else if (!s->last_fetch)
            status = "new";
        printf("%-6lld %-8s %8lld %6lld  %-18s %s\n", (long long)s->id, status,
               (long long)s->n_articles, (long long)s->error_count, when,
               s->title && *s->title ? s->title : "(untitled)");
        printf("%43s %s\n", "", s->url);
        if (s->last_error)
            printf("%43s error: %s\n", "", s->last_error);
    }
    return 0;
}
